/*
 * progress.c: practice records on disk (progress.h).  The parser and
 * the formatter come first and touch nothing; the file system calls
 * (load, save, the directories) follow, each turning every failure into
 * one line of warning.
 */
#define _POSIX_C_SOURCE 200809L

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "progress.h"
#include "savefile.h"
#include "textfile.h"

#define PROGRESS_MAGIC "tcpviz-progress"
#define PROGRESS_VERSION 1
/* Thousands of questions make a few hundred kilobytes. */
#define PROGRESS_MAX (16 * 1024 * 1024)

/* ---- Pure: the format ---- */

#ifdef __GNUC__
__attribute__((format(printf, 4, 5)))
#endif
static int damaged(char *why, size_t len, int line, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(why, len, "line %d: %s", line, msg);
	return -1;
}

/* One line's words, in place; at most max. */
static int split(char *s, char **w, int max)
{
	int n = 0;

	for (char *save = NULL, *t = strtok_r(s, " \t", &save); t != NULL;
	    t = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		w[n++] = t;
	}
	return n;
}

static int parse_line(struct practice_progress *pr, char *s, int line,
    bool *header, char *why, size_t len)
{
	char *w[7];
	uint64_t v[4];
	int n = split(s, w, 6);
	struct practice_record *r;

	if (n == 0)
		return 0;
	if (!*header) {
		if (n != 2 || strcmp(w[0], PROGRESS_MAGIC) != 0 ||
		    !textfile_parse_uint(w[1], 1000, &v[0]))
			return damaged(why, len, line, "not a tcpviz progress "
			    "file");
		if (v[0] != PROGRESS_VERSION)
			return damaged(why, len, line, "version %u, expected %d",
			    (unsigned)v[0], PROGRESS_VERSION);
		*header = true;
		return 0;
	}
	if (strcmp(w[0], "sessions") == 0) {
		if (n != 2 || !textfile_parse_uint(w[1], UINT32_MAX, &v[0]))
			return damaged(why, len, line, "bad 'sessions' line");
		pr->sessions = (uint32_t)v[0];
		return 0;
	}
	if (strcmp(w[0], "q") != 0)
		return damaged(why, len, line, "unknown word '%.32s'", w[0]);
	if (n != 6)
		return damaged(why, len, line, "expected q BOX LAST RIGHT "
		    "WRONG ID");
	for (int i = 0; i < 4; i++)
		if (!textfile_parse_uint(w[i + 1], UINT32_MAX, &v[i]))
			return damaged(why, len, line, "bad number '%.32s'",
			    w[i + 1]);
	if (v[0] >= PRACTICE_BOXES)
		return damaged(why, len, line, "box %u, at most %d",
		    (unsigned)v[0], PRACTICE_BOXES - 1);
	if (strlen(w[5]) >= PRACTICE_ID_MAX)
		return damaged(why, len, line, "question id too long");
	if (practice_record_find(pr, w[5]) != NULL)
		return damaged(why, len, line, "question '%.64s' twice", w[5]);
	if (pr->n == pr->cap) {
		size_t cap = pr->cap ? pr->cap * 2 : 64;

		if ((r = realloc(pr->r, cap * sizeof *r)) == NULL)
			return damaged(why, len, line, "out of memory");
		pr->r = r;
		pr->cap = cap;
	}
	r = &pr->r[pr->n++];
	memset(r, 0, sizeof *r);
	r->box = (uint8_t)v[0];
	r->last = (uint32_t)v[1];
	r->right = (uint32_t)v[2];
	r->wrong = (uint32_t)v[3];
	strcpy(r->id, w[5]);
	return 0;
}

int progress_parse(struct practice_progress *pr, const char *text,
    size_t len, char *why, size_t whylen)
{
	struct textfile_cursor c;
	char buf[TEXTFILE_LINE_MAX + 1];
	const char *s;
	size_t n;
	bool header = false;

	practice_progress_init(pr);
	textfile_begin(&c, text, len);
	while (textfile_next(&c, &s, &n)) {
		if (n > TEXTFILE_LINE_MAX || memchr(s, '\0', n) != NULL) {
			practice_progress_free(pr);
			return damaged(why, whylen, c.line, "not a text line");
		}
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (buf[0] == '#')
			continue;
		if (parse_line(pr, buf, c.line, &header, why, whylen) < 0) {
			practice_progress_free(pr);
			return -1;
		}
	}
	if (!header) {
		practice_progress_free(pr);
		return damaged(why, whylen, 1, "empty");
	}
	return 0;
}

int progress_format(const struct practice_progress *pr, FILE *out)
{
	fprintf(out, "%s %d\n", PROGRESS_MAGIC, PROGRESS_VERSION);
	fputs("# tcpviz practice records: q BOX LAST-SESSION RIGHT WRONG ID\n",
	    out);
	fprintf(out, "sessions %u\n", (unsigned)pr->sessions);
	for (size_t i = 0; i < pr->n; i++) {
		const struct practice_record *r = &pr->r[i];

		fprintf(out, "q %u %u %u %u %s\n", (unsigned)r->box,
		    (unsigned)r->last, (unsigned)r->right, (unsigned)r->wrong,
		    r->id);
	}
	return fflush(out) != 0 || ferror(out) ? -1 : 0;
}

/* ---- The file system ---- */

int progress_path(char *buf, size_t len)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;

	if (state != NULL && state[0] == '/')
		n = snprintf(buf, len, "%s/tcpviz/progress", state);
	else if (home != NULL && home[0] != '\0')
		n = snprintf(buf, len, "%s/.local/state/tcpviz/progress", home);
	else
		n = -1;
	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			buf[0] = '\0';
		return -1;
	}
	return 0;
}

int progress_load(struct practice_progress *pr, const char *path, char *warn,
    size_t len)
{
	struct tv_error err;
	char *text, why[256], bad[4096];
	size_t n;
	int saved;

	practice_progress_init(pr);
	if (access(path, F_OK) < 0 && (errno == ENOENT || errno == ENOTDIR)) {
		snprintf(warn, len, _("no practice progress in %s yet: "
		    "starting afresh"), path);
		return 1;
	}
	if (textfile_read(path, PROGRESS_MAX, "progress file", &text, &n,
	    &err) < 0) {
		snprintf(warn, len, _("cannot read %s (%s): starting afresh, "
		    "and it will be replaced"), path, err.msg);
		return 2;
	}
	if (progress_parse(pr, text, n, why, sizeof why) == 0) {
		free(text);
		return 0;
	}
	free(text);
	/* Keep the damaged file for whoever wants to look at it. */
	snprintf(bad, sizeof bad, "%s.bad", path);
	if (rename(path, bad) == 0) {
		snprintf(warn, len, _("%s is damaged (%s): kept it as %s and "
		    "started afresh"), path, why, bad);
	} else {
		saved = errno;
		snprintf(warn, len, _("%s is damaged (%s) and cannot be kept "
		    "aside (%s): starting afresh"), path, why, strerror(saved));
	}
	return 2;
}

/* mkdir -p the directory that holds path; mode 0700, as XDG asks. */
static int make_parents(const char *path)
{
	char dir[4096];
	char *slash;

	if (strlen(path) >= sizeof dir) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(dir, path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -1;
		*p = c;
		if (c == '\0')
			break;
	}
	return 0;
}

int progress_save(const struct practice_progress *pr, const char *path,
    char *warn, size_t len)
{
	struct savefile sf;
	char err[512];
	FILE *f;

	if (make_parents(path) < 0) {
		snprintf(err, sizeof err, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if ((f = savefile_open(&sf, path, err, sizeof err)) == NULL)
		goto fail;
	int failed = progress_format(pr, f) < 0;
	if (fclose(f) != 0 || failed) {
		snprintf(err, sizeof err, "%s: %s", path, strerror(errno));
		savefile_abort(&sf);
		goto fail;
	}
	if (savefile_commit(&sf, err, sizeof err) < 0)
		goto fail;
	return 0;
fail:
	/* err names the file and the reason. */
	snprintf(warn, len, _("cannot save practice progress (%s): this "
	    "session's answers are not kept"), err);
	return -1;
}
