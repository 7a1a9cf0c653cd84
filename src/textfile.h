/*
 * textfile.h: the low-level half of tcpviz's line-oriented UTF-8 file
 * formats (scenario files, the concept bank): reading a file whole,
 * walking its lines, checking a line and cutting it into words, and
 * joining the text lines of one paragraph.  The keywords and what they
 * mean belong to each format's parser (scenario.c, bank.c).
 *
 * Order: textfile_read() (or text already in memory); textfile_begin(),
 * then textfile_next() for each line and textfile_split() on it.
 * Columns count characters (UTF-8 code points, a tab is one), so that
 * editors agree with the file:line:col of an error.
 */
#ifndef TEXTFILE_H
#define TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tv_error.h"

/* Longer lines are refused rather than split, so nothing is misread. */
#define TEXTFILE_LINE_MAX 4096
#define TEXTFILE_MAX_WORDS (TEXTFILE_LINE_MAX / 2 + 1)

struct textfile_word {
	char *s;		/* NUL-terminated copy */
	size_t off;		/* byte offset in the line */
	int col;		/* 1-based character column */
};

/* Where the walk over a file's lines is. */
struct textfile_cursor {
	const char *s, *end;
	int line;		/* of the line textfile_next() returned last */
};

/*
 * Read the file at path whole into *text (malloc'd, not NUL-terminated)
 * and *len.  Files over max bytes are refused: "too large for a `what`".
 * -1 and err ("path: ...") on failure.
 */
int textfile_read(const char *path, size_t max, const char *what,
    char **text, size_t *len, struct tv_error *err);

/* Start at the first line, past a byte order mark if there is one. */
void textfile_begin(struct textfile_cursor *c, const char *text, size_t len);

/* The next line (without "\n" or "\r\n") in *line, *n; false at the end. */
bool textfile_next(struct textfile_cursor *c, const char **line, size_t *n);

/*
 * Check one line's n bytes at s (UTF-8, no NUL, not too long), drop its
 * comment and cut it into words.  A '#' starts a comment only at the
 * start or after white space, so that "client:SYN#2" keeps its count.
 * raw gets the line without its comment, buf the same cut into the words
 * w[0 .. *nw - 1]; both need TEXTFILE_LINE_MAX + 1 bytes, w
 * TEXTFILE_MAX_WORDS entries.  -1 and err at name:line:col if bad.
 */
int textfile_split(const char *s, size_t n, char *raw, char *buf,
    struct textfile_word *w, int *nw, const char *name, int line,
    struct tv_error *err);

/* Characters (UTF-8 code points) in the first n bytes of s. */
int textfile_nchars(const char *s, size_t n);

/*
 * Append s to the paragraph *dst (NULL: a new one).  Lines join with one
 * space, as English does, but Chinese puts no space between its
 * characters nor next to its punctuation.  -1 when out of memory (*dst
 * is then unchanged).
 */
int textfile_join(char **dst, const char *s);

/* ASCII only: <ctype.h> answers by locale, and the formats are ASCII. */
static inline bool textfile_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal digits only, at most max. */
bool textfile_parse_uint(const char *s, uint64_t max, uint64_t *out);

/* [a-z0-9-]+: ids and topics, safe in file names and URLs. */
bool textfile_is_tag(const char *s);

#endif
