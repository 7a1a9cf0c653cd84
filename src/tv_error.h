/*
 * tv_error.h: the one error record that parsers and the engine fill.
 *
 * Functions that can fail return -1 (or NULL) and fill a struct tv_error;
 * only main() decides whether to print it and exit.  The message is
 * already in the user's words; `where` says which file, line and column
 * (line 0 means "no position", e.g. a command-line option).
 */
#ifndef TV_ERROR_H
#define TV_ERROR_H

#include <stddef.h>

struct tv_error {
	char file[256];		/* "" when not about a file */
	int line;		/* 1-based; 0 when unknown */
	int col;		/* 1-based; 0 when unknown */
	char msg[512];
};

/* Fill err (if not NULL) with a printf-style message and no position. */
void tv_error_set(struct tv_error *err, const char *fmt, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Fill err with a message at file:line:col. */
void tv_error_at(struct tv_error *err, const char *file, int line, int col,
    const char *fmt, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 5, 6)))
#endif
	;

/* Format as "file:line:col: msg" (or the parts that are known). */
void tv_error_format(const struct tv_error *err, char *buf, size_t len);

#endif
