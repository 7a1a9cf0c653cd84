/*
 * bank.c: reads the concept bank (bank.h) the way scenario.c reads
 * scenario files, with textfile_parse(): a line's first word picks a
 * handler from keywords[], a `question` line opens a block that every
 * other line continues, and the block is checked as a whole (every text
 * in both languages, the choices complete) when the next `question` or
 * the end of the file closes it.  The first mistake stops the parse
 * with "file:line:col: message".
 */
/* strdup() is POSIX, not C99. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "textfile.h"

/* Forty questions of a few hundred bytes each, and room to grow. */
#define BANK_FILE_MAX (4 * 1024 * 1024)

static const char *const lang_names[2] = { "English", "Chinese" };
static const char *const lang_suffix[2] = { "", ".zh" };
static const char *const kind_names[BANK_NKINDS] = { "concept", "mistake" };

/* The text fields of a block, for messages and the `seen` table. */
enum field { F_ASK, F_ANSWER, F_RIGHT, F_WRONG, F_NFIELDS };

static const char *const field_names[F_NFIELDS] = {
	"ask", "answer", "right", "wrong",
};

/* The one kind of block: a question's. */
#define BLOCK_QUESTION 1

struct parser {
	struct textfile_parser t;	/* the line, its words, the block */
	struct bank *b;
	/* Where each text of the open block was first seen, 0 = not yet. */
	struct textfile_pos field[F_NFIELDS][2];
	int nwrong[2];			/* wrong and wrong.zh lines so far */
};

void bank_init(struct bank *b)
{
	memset(b, 0, sizeof *b);
}

static void question_free(struct bank_question *q)
{
	for (int l = 0; l < 2; l++) {
		free(q->ask[l]);
		free(q->answer[l]);
		free(q->right[l]);
		for (int i = 0; i < BANK_MAX_WRONG; i++)
			free(q->wrong[i][l]);
	}
	free(q->topics);
	free(q->seeds);
}

void bank_free(struct bank *b)
{
	for (size_t i = 0; i < b->nq; i++)
		question_free(&b->q[i]);
	free(b->q);
	free(b->file);
	bank_init(b);
}

/* ---- Small helpers ---- */

/* textfile.h's errors, about this parser's line. */
#define fail(p, ...) textfile_fail(&(p)->t, __VA_ARGS__)
#define fail_at(p, ...) textfile_fail_at(&(p)->t, __VA_ARGS__)

/* The question the open block fills. */
static struct bank_question *cur(struct parser *p)
{
	return &p->b->q[p->b->nq - 1];
}

/* Copy word i (a tag) into a fixed buffer of `size` bytes. */
static int copy_tag(struct parser *p, int i, const char *what, char *dst,
    size_t size)
{
	if (!textfile_is_tag(p->t.w[i].s))
		return fail(p, i, "bad %s '%s': use lowercase letters, digits "
		    "and '-'", what, p->t.w[i].s);
	if (strlen(p->t.w[i].s) >= size)
		return fail(p, i, "%s is longer than %zu characters", what,
		    size - 1);
	strcpy(dst, p->t.w[i].s);
	return 0;
}

/* FILEPREFIX:SECTION, e.g. 000:3.3: which seed article, which part. */
static bool is_seed_ref(const char *s)
{
	const char *colon = strchr(s, ':');

	if (colon == NULL || colon == s || colon[1] == '\0')
		return false;
	for (const char *c = s; c < colon; c++)
		if (!textfile_is_digit(*c))
			return false;
	for (const char *c = colon + 1; *c != '\0'; c++)
		if (!(textfile_is_digit(*c) || *c == '.' || *c == '-' ||
		    (*c >= 'a' && *c <= 'z')))
			return false;
	return true;
}

/* ---- Keyword handlers ---- */

/* The open block is complete: both languages of every text, and its
 * choices are a right one and enough wrong ones, or none at all. */
static int end_block(void *vp, int block, struct textfile_pos at)
{
	struct parser *p = vp;
	const struct bank_question *q = cur(p);
	const struct textfile_pos *r = p->field[F_RIGHT];
	const struct textfile_pos *w = p->field[F_WRONG];
	const struct textfile_pos *choice = NULL;

	(void)block, (void)at;	/* one kind, and q->line says where */
	for (int f = F_ASK; f <= F_ANSWER; f++)
		for (int l = 0; l < 2; l++)
			if (p->field[f][l].line == 0)
				return fail_at(p, q->line, 1, "question '%s' has "
				    "no %s %s (%s%s)", q->id, lang_names[l],
				    f == F_ASK ? "question" : "answer",
				    field_names[f], lang_suffix[l]);
	if (q->topics == NULL)
		return fail_at(p, q->line, 1, "question '%s' has no 'topics'",
		    q->id);
	if (q->show[0] == '\0')
		return fail_at(p, q->line, 1, "question '%s' has no 'show' "
		    "(the scenario that demonstrates it)", q->id);
	/* A choice in either language makes this a multiple choice. */
	for (int i = 0; i < 4 && choice == NULL; i++) {
		const struct textfile_pos *c = i < 2 ? &r[i] : &w[i - 2];

		if (c->line != 0)
			choice = c;
	}
	for (int l = 0; choice != NULL && l < 2; l++)
		if (r[l].line == 0)
			return fail_at(p, choice->line, choice->col, "question "
			    "'%s' has choices but no %s right one (right%s)",
			    q->id, lang_names[l], lang_suffix[l]);
	if (r[0].line != 0 && p->nwrong[0] < BANK_MIN_WRONG)
		return fail_at(p, r[0].line, r[0].col, "question '%s' needs "
		    "%d to %d 'wrong' choices, has %d", q->id, BANK_MIN_WRONG,
		    BANK_MAX_WRONG, p->nwrong[0]);
	if (p->nwrong[0] != p->nwrong[1]) {
		int l = p->nwrong[1] > p->nwrong[0];	/* the longer list */

		return fail_at(p, w[l].line, w[l].col, "question '%s' has "
		    "%d 'wrong' and %d 'wrong.zh' lines: each wrong choice "
		    "needs both", q->id, p->nwrong[0], p->nwrong[1]);
	}
	return 0;
}

static int kw_question(void *vp, int arg)
{
	struct parser *p = vp;
	struct bank *b = p->b;
	struct bank_question *q;

	(void)arg;
	if (p->t.nw < 2)
		return fail(p, 0, "'question' needs an id like 'why-three-way'");
	for (size_t i = 0; i < b->nq; i++)
		if (strcmp(b->q[i].id, p->t.w[1].s) == 0)
			return fail(p, 1, "duplicate question id '%s' (first on "
			    "line %d)", p->t.w[1].s, b->q[i].line);
	if ((q = realloc(b->q, (b->nq + 1) * sizeof *q)) == NULL)
		return textfile_oom(&p->t);
	b->q = q;
	q = &b->q[b->nq++];
	memset(q, 0, sizeof *q);
	q->line = p->t.line;
	if (copy_tag(p, 1, "id", q->id, sizeof q->id) < 0)
		return -1;
	memset(p->field, 0, sizeof p->field);
	p->nwrong[0] = p->nwrong[1] = 0;
	return textfile_expect_end(&p->t, 2);
}

static int kw_kind(void *vp, int arg)
{
	struct parser *p = vp;

	(void)arg;
	if (p->t.nw < 2)
		return fail(p, 0, "'kind' needs concept or mistake");
	for (int k = 0; k < BANK_NKINDS; k++)
		if (strcmp(p->t.w[1].s, kind_names[k]) == 0) {
			cur(p)->kind = (uint8_t)k;
			return textfile_expect_end(&p->t, 2);
		}
	return fail(p, 1, "unknown kind '%s' (concept, mistake)", p->t.w[1].s);
}

static int kw_topics(void *vp, int arg)
{
	struct parser *p = vp;

	(void)arg;
	if (p->t.nw < 2)
		return fail(p, 0, "'topics' needs at least one tag");
	for (int i = 1; i < p->t.nw; i++) {
		if (!textfile_is_tag(p->t.w[i].s))
			return fail(p, i, "bad topic '%s': use lowercase "
			    "letters, digits and '-'", p->t.w[i].s);
		if (textfile_append(&p->t, &cur(p)->topics, p->t.w[i].s) < 0)
			return -1;
	}
	return 0;
}

static int kw_show(void *vp, int arg)
{
	struct parser *p = vp;
	struct bank_question *q = cur(p);

	(void)arg;
	if (p->t.nw < 2)
		return fail(p, 0, "'show' needs a scenario id like 'lifecycle'");
	if (copy_tag(p, 1, "scenario id", q->show, sizeof q->show) < 0)
		return -1;
	q->show_line = p->t.line;
	q->show_col = p->t.w[1].col;
	return textfile_expect_end(&p->t, 2);
}

static int kw_seed(void *vp, int arg)
{
	struct parser *p = vp;

	(void)arg;
	if (p->t.nw < 2)
		return fail(p, 0, "'seed' needs FILE:SECTION, e.g. '000:3.3'");
	for (int i = 1; i < p->t.nw; i++) {
		if (!is_seed_ref(p->t.w[i].s))
			return fail(p, i, "expected FILE:SECTION like 000:3.3, "
			    "got '%s'", p->t.w[i].s);
		if (textfile_append(&p->t, &cur(p)->seeds, p->t.w[i].s) < 0)
			return -1;
	}
	return 0;
}

/* ask, answer (+ .zh): text lines that join into a paragraph. */
static int kw_text(void *vp, int arg)
{
	struct parser *p = vp;
	int f = arg / 2, l = arg % 2;
	struct bank_question *q = cur(p);

	if (p->t.nw < 2)
		return fail(p, 0, "'%s' needs text", p->t.w[0].s);
	if (p->field[f][l].line == 0)
		p->field[f][l] = textfile_at(&p->t, 0);
	return textfile_append(&p->t, f == F_ASK ? &q->ask[l] : &q->answer[l],
	    textfile_rest(&p->t));
}

/* right, wrong (+ .zh): one choice a line. */
static int kw_choice(void *vp, int arg)
{
	struct parser *p = vp;
	int f = arg / 2, l = arg % 2;
	struct bank_question *q = cur(p);
	char **dst;

	if (p->t.nw < 2)
		return fail(p, 0, "'%s' needs text", p->t.w[0].s);
	if (p->field[f][l].line == 0)
		p->field[f][l] = textfile_at(&p->t, 0);
	if (f == F_RIGHT) {
		dst = &q->right[l];
	} else {
		if (p->nwrong[l] == BANK_MAX_WRONG)
			return fail(p, 0, "at most %d '%s' choices",
			    BANK_MAX_WRONG, p->t.w[0].s);
		dst = &q->wrong[p->nwrong[l]++][l];
		q->nwrong = p->nwrong[0] < p->nwrong[1] ? p->nwrong[0] :
		    p->nwrong[1];
	}
	if ((*dst = strdup(textfile_rest(&p->t))) == NULL)
		return textfile_oom(&p->t);
	return 0;
}

/*
 * Every keyword a line can start with.  `once` ones may appear once per
 * question block; all but `question` only inside one.
 */
static const struct textfile_keyword keywords[] = {
	/* name, handler, arg (kw_text, kw_choice: field * 2 + language),
	 * once, within, opens */
	{ "question", kw_question, 0, false, 0, BLOCK_QUESTION },
	{ "kind", kw_kind, 0, true, BLOCK_QUESTION, 0 },
	{ "topics", kw_topics, 0, false, BLOCK_QUESTION, 0 },
	{ "show", kw_show, 0, true, BLOCK_QUESTION, 0 },
	{ "seed", kw_seed, 0, false, BLOCK_QUESTION, 0 },
	{ "ask", kw_text, F_ASK * 2, false, BLOCK_QUESTION, 0 },
	{ "ask.zh", kw_text, F_ASK * 2 + 1, false, BLOCK_QUESTION, 0 },
	{ "answer", kw_text, F_ANSWER * 2, false, BLOCK_QUESTION, 0 },
	{ "answer.zh", kw_text, F_ANSWER * 2 + 1, false, BLOCK_QUESTION, 0 },
	{ "right", kw_choice, F_RIGHT * 2, true, BLOCK_QUESTION, 0 },
	{ "right.zh", kw_choice, F_RIGHT * 2 + 1, true, BLOCK_QUESTION, 0 },
	{ "wrong", kw_choice, F_WRONG * 2, false, BLOCK_QUESTION, 0 },
	{ "wrong.zh", kw_choice, F_WRONG * 2 + 1, false, BLOCK_QUESTION, 0 },
};

static const struct textfile_syntax bank_syntax = {
	.kw = keywords, .nkw = sizeof keywords / sizeof keywords[0],
	.end_block = end_block, .max = BANK_FILE_MAX, .what = "concept bank",
};

/* bank_parse() and bank_load(): text NULL reads the file `name`. */
static int parse(struct bank *b, const char *name, const char *text,
    size_t len, struct tv_error *err)
{
	struct parser p = { .t = { .name = name, .err = err }, .b = b };
	int rc;

	bank_init(b);
	if ((b->file = strdup(name)) == NULL) {
		tv_error_at(err, name, 0, 0, "out of memory");
		return -1;
	}
	rc = textfile_parse(&p.t, &bank_syntax, &p, text, len);
	if (rc == 0 && b->nq == 0)
		rc = fail_at(&p, 1, 1, "no questions, e.g. 'question "
		    "why-three-way'");
	if (rc < 0)
		bank_free(b);
	return rc;
}

int bank_parse(struct bank *b, const char *name, const char *text,
    size_t len, struct tv_error *err)
{
	/* NULL here is empty text, not the file to read. */
	return parse(b, name, text != NULL ? text : "", len, err);
}

int bank_load(struct bank *b, const char *path, struct tv_error *err)
{
	return parse(b, path, NULL, 0, err);
}

int bank_check_shows(const struct bank *b,
    bool (*exists)(const char *id, void *ctx), void *ctx,
    struct tv_error *err)
{
	for (size_t i = 0; i < b->nq; i++) {
		const struct bank_question *q = &b->q[i];

		if (!exists(q->show, ctx)) {
			tv_error_at(err, b->file, q->show_line, q->show_col,
			    "question '%s' shows scenario '%s', which does "
			    "not exist", q->id, q->show);
			return -1;
		}
	}
	return 0;
}

const struct bank_question *bank_find(const struct bank *b, const char *id)
{
	for (size_t i = 0; i < b->nq; i++)
		if (strcmp(b->q[i].id, id) == 0)
			return &b->q[i];
	return NULL;
}

bool bank_has_tag(const char *tags, const char *tag)
{
	size_t n = strlen(tag);

	for (const char *s = tags; s != NULL && *s != '\0'; ) {
		const char *sp = strchr(s, ' ');
		size_t len = sp != NULL ? (size_t)(sp - s) : strlen(s);

		if (len == n && strncmp(s, tag, n) == 0)
			return true;
		s = sp != NULL ? sp + 1 : s + len;
	}
	return false;
}
