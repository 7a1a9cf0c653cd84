/*
 * practice_text.c: a practice session as a printable worksheet
 * (practice_write_worksheet, practice.h): the questions, each lesson
 * question with the diagram up to the moment it asks about, then on a
 * new page the answers with their explanations.  Text is wrapped by
 * display width, so Chinese (two columns a character) fits too.
 */
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "practice.h"
#include "textwidth.h"

/* Columns of the first n bytes of s that the next unit takes. */
static int unit_width(const char *s, size_t n, size_t *len)
{
	uint32_t cp;
	size_t i = 0, step;
	int w = 0, cw;

	/* A wide character stands alone: lines may break around it. */
	step = textwidth_decode(s, n, &cp);
	if (textwidth_cp(cp) == 2) {
		*len = step;
		return 2;
	}
	while (i < n && s[i] != ' ') {
		step = textwidth_decode(s + i, n - i, &cp);
		if ((cw = textwidth_cp(cp)) == 2)
			break;
		w += cw > 0 ? cw : 0;
		i += step;
	}
	*len = i;
	return w;
}

/*
 * s wrapped to width columns, every line but the first indented by
 * `indent` (the caller has printed that much of a prefix already).
 */
static void wrap(FILE *out, const char *s, int indent, int width)
{
	size_t n = strlen(s), i = 0, len;
	int col = indent, w;
	bool space = false;

	if (width - indent < 20)
		width = indent + 20;
	while (i < n) {
		if (s[i] == ' ' || s[i] == '\n') {
			space = true;
			i++;
			continue;
		}
		w = unit_width(s + i, n - i, &len);
		if (col > indent && col + (space ? 1 : 0) + w > width) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent && space) {
			fputc(' ', out);
			col++;
		}
		fwrite(s + i, 1, len, out);
		col += w;
		i += len;
		space = false;
	}
	fputc('\n', out);
}

/*
 * The diagram of q's lesson up to the moment q asks about, bare: the
 * lesson's narration and summary would give answers away on paper.
 */
static int write_diagram(const struct practice_question *q, FILE *out,
    int width, int lang)
{
	struct trace part = *q->tr;
	struct trace_text_opts o = { .width = width, .lang = lang };
	int rc;

	/* A shallow copy: the writer only reads, and nothing is freed. */
	part.ev = malloc((q->at + 1) * sizeof *part.ev);
	if (part.ev == NULL)
		return -1;
	part.nev = 0;
	for (size_t i = 0; i < q->at; i++) {
		const struct trace_event *e = &q->tr->ev[i];

		/* Nor may the diagram name the state asked about. */
		if (e->type == TRACE_NARRATION || (q->kind == PK_STATE &&
		    e->type == TRACE_STATE && e->side == q->side &&
		    e->conn == q->conn))
			continue;
		part.ev[part.nev] = *e;
		/* Nor the narration a state event carries. */
		if (e->type == TRACE_STATE)
			part.ev[part.nev].u.state.narr[0] = 0;
		part.nev++;
	}
	part.summary[0] = part.summary[1] = NULL;
	rc = trace_write_text(&part, out, &o);
	free(part.ev);
	return rc;
}

/*
 * fprintf with a translated format.  GCC, under UBSan, cannot see that
 * gettext() never returns NULL and calls fprintf(out, _("..."), ...) a
 * "null format string"; the test here settles it for the compiler.
 */
static void print_translated(FILE *out, const char *fmt, const char *arg)
{
	if (fmt != NULL)
		fprintf(out, fmt, arg);
}

int practice_write_question(const struct practice_question *q, FILE *out,
    int width, int lang, size_t number)
{
	int ind = fprintf(out, "%zu. ", number);

	if (width <= 0)
		width = 80;
	if (q->tr != NULL) {
		/* TRANSLATORS: %s is a lesson id like "lifecycle". */
		print_translated(out, _("In the lesson '%s', up to this "
		    "moment:"), q->scenario);
		fputs("\n\n", out);
		if (write_diagram(q, out, width, lang) < 0)
			return -1;
		fprintf(out, "\n%*s", ind, "");
	}
	wrap(out, q->ask, ind, width);
	for (int c = 0; c < q->nchoices; c++) {
		fprintf(out, "%*s%c) ", ind, "", 'a' + c);
		wrap(out, q->choices[c], ind + 3, width);
	}
	return ferror(out) ? -1 : 0;
}

int practice_write_answer(const struct practice_question *q, FILE *out,
    int width, size_t number)
{
	int ind = number > 0 ? fprintf(out, "%zu. ", number) :
	    fprintf(out, "   ");
	const char *right = q->nchoices > 0 ? q->choices[q->right] : NULL;

	if (width <= 0)
		width = 80;
	/* A generated explanation starts with the answer: no need twice. */
	if (right != NULL && strncmp(q->answer, right, strlen(right)) == 0) {
		fprintf(out, "%c) ", 'a' + q->right);
		wrap(out, q->answer, ind, width);
	} else if (right != NULL) {
		fprintf(out, "%c) ", 'a' + q->right);
		wrap(out, right, ind + 3, width);
		fprintf(out, "%*s", ind, "");
		wrap(out, q->answer, ind, width);
	} else
		wrap(out, q->answer, ind, width);
	if (q->tr == NULL && q->scenario[0] != '\0') {
		fprintf(out, "%*s", ind, "");
		/* TRANSLATORS: %s is a lesson id; the whole is a command to
		 * type. */
		print_translated(out, _("Watch it: tcpviz %s"), q->scenario);
		fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}

int practice_write_worksheet(const struct practice_session *s, FILE *out,
    int width, int lang)
{
	char title[160];

	if (width <= 0)
		width = 80;
	snprintf(title, sizeof title, _("tcpviz practice: %zu questions"),
	    s->nq);
	fprintf(out, "%s\n", title);
	for (int i = textwidth(title); i > 0; i--)
		fputc('=', out);
	fputc('\n', out);
	for (size_t i = 0; i < s->nq; i++) {
		fputc('\n', out);
		if (practice_write_question(s->q[i], out, width, lang, i + 1) < 0)
			return -1;
		/* An open question: room to write the answer by hand. */
		for (int l = 0; s->q[i]->nchoices == 0 && l < 3; l++)
			fprintf(out, "\n   %.*s", width - 3 > 60 ? 60 : width - 3,
			    "______________________________________________"
			    "______________");
		if (s->q[i]->nchoices == 0)
			fputc('\n', out);
	}
	/* The answers start on a page of their own. */
	fprintf(out, "\f%s\n", _("----- answers -----"));
	for (size_t i = 0; i < s->nq; i++) {
		fputc('\n', out);
		if (practice_write_answer(s->q[i], out, width, i + 1) < 0)
			return -1;
	}
	return fflush(out) != 0 || ferror(out) ? -1 : 0;
}
