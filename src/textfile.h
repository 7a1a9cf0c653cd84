/*
 * textfile.h: what tcpviz's line-oriented UTF-8 file formats (scenario
 * files, the concept bank) share: reading a file whole, walking its
 * lines, checking a line and cutting it into words, joining the text
 * lines of one paragraph, and the skeleton of a parser, in which a
 * line's first word picks a keyword from the format's table.  The
 * keywords and what they mean belong to each format (scenario.c,
 * bank.c).
 *
 * Order: textfile_parse() with the format's keyword table, on a file
 * (which it reads) or text in memory; or by hand, textfile_read(), then
 * textfile_begin(), textfile_next() for each line and textfile_split()
 * on it.  Columns count characters (UTF-8 code points, a tab is one),
 * so that editors agree with the file:line:col of an error.
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

/* ---- The parser skeleton ---- */

/* Where something was first seen; line 0 = not yet. */
struct textfile_pos {
	int line, col;
};

/*
 * A keyword a line can start with, in a format's table.  Blocks are the
 * format's own numbers, 0 meaning none: a line whose keyword `opens` one
 * starts a block that the lines `within` it continue, and a line of any
 * other keyword ends it.  A `within` keyword anywhere else is refused.
 * A `once` keyword may appear once a file, or once a block if it is
 * `within` one.
 */
struct textfile_keyword {
	const char *name;
	/* The line is in the textfile_parser; p is the format's parser. */
	int (*parse)(void *p, int arg);
	int arg;		/* lets one handler serve several keywords */
	bool once;
	int within;
	int opens;
};

/* A format: its keywords, the check of a block once it is whole, and
 * how large a file of it may be. */
struct textfile_syntax {
	const struct textfile_keyword *kw;
	size_t nkw;
	/* The block opened at `at` has ended (it was `block`); -1 and the
	 * error if it lacks something. */
	int (*end_block)(void *p, int block, struct textfile_pos at);
	size_t max;			/* bytes, for textfile_read() */
	const char *what;		/* "scenario": "too large for a ..." */
};

/* The reading of one file: where it is, and the current line's words.
 * The caller sets name and err; textfile_parse() the rest, which lasts
 * only while it runs. */
struct textfile_parser {
	const char *name;		/* the file, as messages name it */
	struct tv_error *err;
	int line;
	char *raw;			/* the line, comment cut */
	char *buf;			/* the same, cut into words */
	struct textfile_word *w;
	int nw;
	int block;			/* the open block, 0 */
	struct textfile_pos block_at;	/* its keyword */
	struct textfile_pos *first;	/* per keyword, see `once` */
};

/*
 * Parse len bytes of text, or with text NULL the file t->name (read
 * whole), with the keywords of syn: each line with words goes to its
 * keyword's handler, with p, after the rules of blocks and `once` above;
 * a block still open at the end is ended.  -1 at the first mistake,
 * with t->err at name:line:col; checks of the whole file are the
 * caller's, after.
 */
int textfile_parse(struct textfile_parser *t, const struct textfile_syntax *syn,
    void *p, const char *text, size_t len);

#ifdef __GNUC__
#define TEXTFILE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TEXTFILE_PRINTF(f, a)
#endif

/* For handlers and the checks after: an error at line:col, returning -1
 * to pass on. */
int textfile_fail_at(struct textfile_parser *t, int line, int col,
    const char *fmt, ...) TEXTFILE_PRINTF(4, 5);

/* An error about word i of the current line; -1. */
int textfile_fail(struct textfile_parser *t, int i, const char *fmt, ...)
    TEXTFILE_PRINTF(3, 4);

/* "out of memory" at the current line; -1. */
int textfile_oom(struct textfile_parser *t);

/* Where word i of the current line is. */
struct textfile_pos textfile_at(const struct textfile_parser *t, int i);

/* Nothing may follow word i - 1: 0, or -1 about word i. */
int textfile_expect_end(struct textfile_parser *t, int i);

/* The text after the keyword, as written (inner spaces kept). */
const char *textfile_rest(const struct textfile_parser *t);

/* textfile_join() s to *dst; -1 and the error when out of memory. */
int textfile_append(struct textfile_parser *t, char **dst, const char *s);

#endif
