/*
 * bank.c: reads the concept bank (bank.h) the way scenario.c reads
 * scenario files: a line's first word picks a handler from keywords[],
 * a `question` line opens a block that every other line continues, and
 * the block is checked as a whole (every text in both languages, the
 * choices complete) when the next `question` or the end of the file
 * closes it.  The first mistake stops the parse with "file:line:col:
 * message".
 */
/* strdup() is POSIX, not C99. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "textfile.h"

/* Forty questions of a few hundred bytes each, and room to grow. */
#define BANK_FILE_MAX (4 * 1024 * 1024)

static const char *const lang_names[2] = { "English", "Chinese" };
static const char *const lang_suffix[2] = { "", ".zh" };
static const char *const kind_names[BANK_NKINDS] = { "concept", "mistake" };

/* Where something was first seen in the open block; line 0 = not yet. */
struct pos {
	int line, col;
};

/* The text fields of a block, for messages and the `seen` table. */
enum field { F_ASK, F_ANSWER, F_RIGHT, F_WRONG, F_NFIELDS };

static const char *const field_names[F_NFIELDS] = {
	"ask", "answer", "right", "wrong",
};

struct parser {
	struct bank *b;
	const char *name;
	struct tv_error *err;
	int line;
	char raw[TEXTFILE_LINE_MAX + 1];
	char buf[TEXTFILE_LINE_MAX + 1];
	struct textfile_word w[TEXTFILE_MAX_WORDS];
	int nw;
	bool open;			/* a question block is open */
	struct pos *first;		/* per keywords[] entry, this block */
	struct pos field[F_NFIELDS][2];	/* first line of each text */
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

#ifdef __GNUC__
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* An error at a given place; returns -1 for the caller to pass on. */
static int PRINTF_LIKE(4, 5)
fail_at(struct parser *p, int line, int col, const char *fmt, ...)
{
	char msg[sizeof p->err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	tv_error_at(p->err, p->name, line, col, "%s", msg);
	return -1;
}

/* An error about word i of the current line. */
#define fail(p, i, ...) fail_at((p), (p)->line, (p)->w[i].col, __VA_ARGS__)

static int oom(struct parser *p)
{
	return fail_at(p, p->line, 1, "out of memory");
}

/* Nothing may follow word i - 1. */
static int expect_end(struct parser *p, int i)
{
	if (i < p->nw)
		return fail(p, i, "unexpected word '%s'", p->w[i].s);
	return 0;
}

/* The text after the keyword, as written (inner spaces kept). */
static const char *rest_of_line(const struct parser *p)
{
	return p->raw + p->w[1].off;
}

static int append(struct parser *p, char **dst, const char *s)
{
	return textfile_join(dst, s) < 0 ? oom(p) : 0;
}

/* The question the open block fills. */
static struct bank_question *cur(struct parser *p)
{
	return &p->b->q[p->b->nq - 1];
}

/* Copy word i (a tag) into a fixed buffer of `size` bytes. */
static int copy_tag(struct parser *p, int i, const char *what, char *dst,
    size_t size)
{
	if (!textfile_is_tag(p->w[i].s))
		return fail(p, i, "bad %s '%s': use lowercase letters, digits "
		    "and '-'", what, p->w[i].s);
	if (strlen(p->w[i].s) >= size)
		return fail(p, i, "%s is longer than %zu characters", what,
		    size - 1);
	strcpy(dst, p->w[i].s);
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
static int end_block(struct parser *p)
{
	const struct bank_question *q = cur(p);
	const struct pos *r = p->field[F_RIGHT], *w = p->field[F_WRONG];
	const struct pos *choice = NULL;

	p->open = false;
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
		const struct pos *c = i < 2 ? &r[i] : &w[i - 2];

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

static int kw_question(struct parser *p, int arg)
{
	struct bank *b = p->b;
	struct bank_question *q;

	(void)arg;
	if (p->nw < 2)
		return fail(p, 0, "'question' needs an id like 'why-three-way'");
	for (size_t i = 0; i < b->nq; i++)
		if (strcmp(b->q[i].id, p->w[1].s) == 0)
			return fail(p, 1, "duplicate question id '%s' (first on "
			    "line %d)", p->w[1].s, b->q[i].line);
	if ((q = realloc(b->q, (b->nq + 1) * sizeof *q)) == NULL)
		return oom(p);
	b->q = q;
	q = &b->q[b->nq++];
	memset(q, 0, sizeof *q);
	q->line = p->line;
	if (copy_tag(p, 1, "id", q->id, sizeof q->id) < 0)
		return -1;
	p->open = true;
	memset(p->field, 0, sizeof p->field);
	p->nwrong[0] = p->nwrong[1] = 0;
	return expect_end(p, 2);
}

static int kw_kind(struct parser *p, int arg)
{
	(void)arg;
	if (p->nw < 2)
		return fail(p, 0, "'kind' needs concept or mistake");
	for (int k = 0; k < BANK_NKINDS; k++)
		if (strcmp(p->w[1].s, kind_names[k]) == 0) {
			cur(p)->kind = (uint8_t)k;
			return expect_end(p, 2);
		}
	return fail(p, 1, "unknown kind '%s' (concept, mistake)", p->w[1].s);
}

static int kw_topics(struct parser *p, int arg)
{
	(void)arg;
	if (p->nw < 2)
		return fail(p, 0, "'topics' needs at least one tag");
	for (int i = 1; i < p->nw; i++) {
		if (!textfile_is_tag(p->w[i].s))
			return fail(p, i, "bad topic '%s': use lowercase "
			    "letters, digits and '-'", p->w[i].s);
		if (append(p, &cur(p)->topics, p->w[i].s) < 0)
			return -1;
	}
	return 0;
}

static int kw_show(struct parser *p, int arg)
{
	struct bank_question *q = cur(p);

	(void)arg;
	if (p->nw < 2)
		return fail(p, 0, "'show' needs a scenario id like 'lifecycle'");
	if (copy_tag(p, 1, "scenario id", q->show, sizeof q->show) < 0)
		return -1;
	q->show_line = p->line;
	q->show_col = p->w[1].col;
	return expect_end(p, 2);
}

static int kw_seed(struct parser *p, int arg)
{
	(void)arg;
	if (p->nw < 2)
		return fail(p, 0, "'seed' needs FILE:SECTION, e.g. '000:3.3'");
	for (int i = 1; i < p->nw; i++) {
		if (!is_seed_ref(p->w[i].s))
			return fail(p, i, "expected FILE:SECTION like 000:3.3, "
			    "got '%s'", p->w[i].s);
		if (append(p, &cur(p)->seeds, p->w[i].s) < 0)
			return -1;
	}
	return 0;
}

/* ask, answer (+ .zh): text lines that join into a paragraph. */
static int kw_text(struct parser *p, int arg)
{
	int f = arg / 2, l = arg % 2;
	struct bank_question *q = cur(p);

	if (p->nw < 2)
		return fail(p, 0, "'%s' needs text", p->w[0].s);
	if (p->field[f][l].line == 0)
		p->field[f][l] = (struct pos){ p->line, p->w[0].col };
	return append(p, f == F_ASK ? &q->ask[l] : &q->answer[l],
	    rest_of_line(p));
}

/* right, wrong (+ .zh): one choice a line. */
static int kw_choice(struct parser *p, int arg)
{
	int f = arg / 2, l = arg % 2;
	struct bank_question *q = cur(p);
	char **dst;

	if (p->nw < 2)
		return fail(p, 0, "'%s' needs text", p->w[0].s);
	if (p->field[f][l].line == 0)
		p->field[f][l] = (struct pos){ p->line, p->w[0].col };
	if (f == F_RIGHT) {
		dst = &q->right[l];
	} else {
		if (p->nwrong[l] == BANK_MAX_WRONG)
			return fail(p, 0, "at most %d '%s' choices",
			    BANK_MAX_WRONG, p->w[0].s);
		dst = &q->wrong[p->nwrong[l]++][l];
		q->nwrong = p->nwrong[0] < p->nwrong[1] ? p->nwrong[0] :
		    p->nwrong[1];
	}
	if ((*dst = strdup(rest_of_line(p))) == NULL)
		return oom(p);
	return 0;
}

/*
 * Every keyword a line can start with.  `once` ones may appear once per
 * question block; all but `question` only inside one.
 */
static const struct keyword {
	const char *name;
	int (*parse)(struct parser *p, int arg);
	int arg;		/* kw_text, kw_choice: field * 2 + language */
	bool once;
} keywords[] = {
	{ "question", kw_question, 0, false },
	{ "kind", kw_kind, 0, true },
	{ "topics", kw_topics, 0, false },
	{ "show", kw_show, 0, true },
	{ "seed", kw_seed, 0, false },
	{ "ask", kw_text, F_ASK * 2, false },
	{ "ask.zh", kw_text, F_ASK * 2 + 1, false },
	{ "answer", kw_text, F_ANSWER * 2, false },
	{ "answer.zh", kw_text, F_ANSWER * 2 + 1, false },
	{ "right", kw_choice, F_RIGHT * 2, true },
	{ "right.zh", kw_choice, F_RIGHT * 2 + 1, true },
	{ "wrong", kw_choice, F_WRONG * 2, false },
	{ "wrong.zh", kw_choice, F_WRONG * 2 + 1, false },
};
#define NKEYWORDS (sizeof keywords / sizeof keywords[0])

/* ---- Lines ---- */

static int parse_line(struct parser *p)
{
	for (size_t k = 0; k < NKEYWORDS; k++) {
		if (strcmp(p->w[0].s, keywords[k].name) != 0)
			continue;
		if (keywords[k].parse == kw_question) {
			if (p->open && end_block(p) < 0)
				return -1;
			memset(p->first, 0, NKEYWORDS * sizeof *p->first);
		} else if (!p->open)
			return fail(p, 0, "'%s' must follow a 'question' line",
			    keywords[k].name);
		if (keywords[k].once && p->first[k].line != 0)
			return fail(p, 0, "duplicate '%s' (first on line %d)",
			    keywords[k].name, p->first[k].line);
		p->first[k] = (struct pos){ p->line, p->w[0].col };
		return keywords[k].parse(p, keywords[k].arg);
	}
	return fail(p, 0, "unknown word '%s'", p->w[0].s);
}

static int parse_text(struct parser *p, const char *text, size_t len)
{
	struct textfile_cursor c;
	const char *s;
	size_t n;

	textfile_begin(&c, text, len);
	while (textfile_next(&c, &s, &n)) {
		p->line = c.line;
		if (textfile_split(s, n, p->raw, p->buf, p->w, &p->nw, p->name,
		    p->line, p->err) < 0)
			return -1;
		if (p->nw > 0 && parse_line(p) < 0)
			return -1;
	}
	if (p->open)
		return end_block(p);
	if (p->b->nq == 0)
		return fail_at(p, 1, 1, "no questions, e.g. 'question "
		    "why-three-way'");
	return 0;
}

int bank_parse(struct bank *b, const char *name, const char *text,
    size_t len, struct tv_error *err)
{
	struct parser *p = calloc(1, sizeof *p);
	struct pos *first = calloc(NKEYWORDS, sizeof *first);
	int rc = -1;

	bank_init(b);
	if (p == NULL || first == NULL || (b->file = strdup(name)) == NULL) {
		tv_error_at(err, name, 0, 0, "out of memory");
		goto out;
	}
	p->b = b;
	p->name = name;
	p->err = err;
	p->first = first;
	rc = parse_text(p, text, len);
out:
	if (rc < 0)
		bank_free(b);
	free(first);
	free(p);
	return rc;
}

int bank_load(struct bank *b, const char *path, struct tv_error *err)
{
	char *text;
	size_t len;
	int rc;

	bank_init(b);
	if (textfile_read(path, BANK_FILE_MAX, "concept bank", &text, &len,
	    err) < 0)
		return -1;
	rc = bank_parse(b, path, text, len, err);
	free(text);
	return rc;
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
