/*
 * tv_error.c: filling and formatting the error record of tv_error.h.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "tv_error.h"

static void error_vset(struct tv_error *err, const char *file, int line,
    int col, const char *fmt, va_list ap)
#ifdef __GNUC__
	__attribute__((format(printf, 5, 0)))
#endif
	;

static void error_vset(struct tv_error *err, const char *file, int line,
    int col, const char *fmt, va_list ap)
{
	snprintf(err->file, sizeof err->file, "%s", file);
	err->line = line;
	err->col = col;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

void tv_error_set(struct tv_error *err, const char *fmt, ...)
{
	va_list ap;

	/* Callers that only care about success pass NULL. */
	if (err == NULL)
		return;
	va_start(ap, fmt);
	error_vset(err, "", 0, 0, fmt, ap);
	va_end(ap);
}

void tv_error_at(struct tv_error *err, const char *file, int line, int col,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	error_vset(err, file != NULL ? file : "", line, col, fmt, ap);
	va_end(ap);
}

void tv_error_format(const struct tv_error *err, char *buf, size_t len)
{
	bool file = err->file[0] != '\0';

	/* Print only the parts that are known, as compilers do. */
	if (file && err->line > 0 && err->col > 0)
		snprintf(buf, len, "%s:%d:%d: %s", err->file, err->line,
		    err->col, err->msg);
	else if (file && err->line > 0)
		snprintf(buf, len, "%s:%d: %s", err->file, err->line, err->msg);
	else if (file)
		snprintf(buf, len, "%s: %s", err->file, err->msg);
	else if (err->line > 0 && err->col > 0)
		snprintf(buf, len, "line %d, column %d: %s", err->line, err->col,
		    err->msg);
	else if (err->line > 0)
		snprintf(buf, len, "line %d: %s", err->line, err->msg);
	else
		snprintf(buf, len, "%s", err->msg);
}
