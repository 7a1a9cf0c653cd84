/*
 * ui.h: the interactive terminal view, the one way into src/ui/.
 *
 * main() chooses the view at start-up: when no headless output was asked
 * for and standard output is a terminal, it loads the scenario and the
 * profile and calls ui_run(), which owns the terminal until it returns.
 * Nothing here needs curses, so main.c can include it.
 *
 * Order of calls: ui_run() once; or, instead, ui_keys_print() for
 * `tcpviz --keys` (no terminal needed).
 */
#ifndef UI_H
#define UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "profile.h"
#include "scenario.h"

enum ui_theme { THEME_DEFAULT, THEME_PROJECTOR, THEME_MONO, THEME_NTHEMES };

/* "default", "projector", "mono"; -1 if unknown. */
int ui_theme_parse(const char *name);

struct ui_opts {
	const struct scenario *sc;	/* loaded; outlives ui_run() */
	const struct profile *prof;	/* built for sc */
	uint64_t seed;			/* --seed, or the default without it */
	const struct scen_fault *faults;	/* --drop, for sc only */
	size_t nfaults;
	/* To play another scenario from the picker as main() would: */
	const char *profile_name;	/* --profile, or NULL */
	const char **sets;		/* --set, applied after the scenario's */
	size_t nsets;
	bool has_seed;			/* --seed given: it wins over a file's */
	int lang;			/* 0 English, 1 Chinese */
	int theme;			/* enum ui_theme */
};

/*
 * Run the interactive view until the user quits.  Returns the exit
 * status: 0, 1 if the terminal could not be used or the scenario could
 * not be played (after printing why to stderr), 128 + n after signal n
 * (SIGINT, SIGTERM) asked it to stop.  The terminal is restored on
 * every path, a crash included.
 */
int ui_run(const struct ui_opts *o);

/* A capture's view (tcpviz -r FILE on a terminal): the list of its
 * connections, and the one chosen in the diagram.  tr is complete
 * (infer_finish() done) and outlives ui_capture_run(). */
struct trace;
struct ui_capture_opts {
	const struct trace *tr;
	int lang;			/* 0 English, 1 Chinese */
	int theme;			/* enum ui_theme */
};

/* As ui_run(), for a capture. */
int ui_capture_run(const struct ui_capture_opts *o);

/* The keymap as `--keys` prints it: one key per line, its name, a tab
 * and what it does, in the current gettext language. */
void ui_keys_print(FILE *out);

#endif
