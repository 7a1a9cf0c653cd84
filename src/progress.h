/*
 * progress.h: the practice records (struct practice_progress,
 * practice.h) on disk, in $XDG_STATE_HOME/tcpviz/progress (by default
 * ~/.local/state/tcpviz/progress).  A line format, ASCII:
 *
 *	tcpviz-progress 1
 *	sessions 12
 *	q BOX LAST RIGHT WRONG ID
 *
 * with one `q` line per question ever answered (practice.h says what
 * the fields mean).  The file is replaced whole: written to a temporary
 * file in the same directory and renamed over the old one, so a crash
 * leaves either the old records or the new ones.
 *
 * Two halves: progress_parse() and progress_format() are pure; the rest
 * touches the file system.  A missing, unreadable or damaged file, or a
 * directory that cannot be written, is never fatal: the functions fill
 * one line of warning (translated) for the caller to print, and practice
 * goes on (from a fresh start, or without saving).
 *
 * Order: progress_path(); progress_load(); the session;
 * progress_save().
 */
#ifndef PROGRESS_H
#define PROGRESS_H

#include <stddef.h>
#include <stdio.h>

#include "practice.h"

/* Parse the file's text into pr (initialised here).  -1 if damaged, with
 * why ("line 3: ...") filled and pr left empty. */
int progress_parse(struct practice_progress *pr, const char *text,
    size_t len, char *why, size_t whylen);

/* Write pr in the format above; 0, or -1 with errno set by stdio. */
int progress_format(const struct practice_progress *pr, FILE *out);

/*
 * The file's path: $XDG_STATE_HOME/tcpviz/progress when that is an
 * absolute path (as the XDG spec asks), else $HOME/.local/state/tcpviz/
 * progress.  -1 (buf "") if neither is set or the path does not fit.
 */
int progress_path(char *buf, size_t len);

/*
 * Load the records at path into pr (initialised here).  0 when loaded;
 * else a fresh start with one line in warn: 1 when there is no file yet
 * (nor perhaps its directory), 2 when it cannot be read or is damaged
 * (a damaged file is kept as PATH.bad, so nothing is lost).
 */
int progress_load(struct practice_progress *pr, const char *path, char *warn,
    size_t len);

/* Save pr to path, creating its directories.  0, or -1 with one line in
 * warn. */
int progress_save(const struct practice_progress *pr, const char *path,
    char *warn, size_t len);

#endif
