/*
 * practice_cli.h: `tcpviz --practice`, from the command line to a
 * finished session.  It plays every lesson (as its file says: its own
 * profile and seed), reads the concept bank, picks the session's
 * questions by the learner's records, and then prints a worksheet
 * (--text), or asks: in the interactive view on a terminal, else line
 * by line on standard input and output.  Records are read and saved
 * only for a scored session (not for a worksheet or in teacher mode).
 *
 * main() parses the options and calls practice_cli_run() once.
 */
#ifndef PRACTICE_CLI_H
#define PRACTICE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "practice.h"

struct practice_cli_opts {
	const char *filter;	/* a topic or a scenario id; NULL: all */
	size_t questions;	/* 0: PRACTICE_DEFAULT_QUESTIONS */
	bool worksheet;		/* --text */
	bool teacher;		/* --teacher: reveal, never score */
	int lang;		/* 0 English, 1 Chinese */
	int width;		/* of text output; 0: 80 */
	int theme;		/* of the interactive view (enum ui_theme) */
	bool has_seed;		/* --seed: the same session again */
	uint64_t seed;
};

/* Returns the exit status: 0, 1 on failure (after saying why), 2 for a
 * filter that names no topic or lesson. */
int practice_cli_run(const struct practice_cli_opts *o);

#endif
