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

/*
 * A capture's view (tcpviz -r FILE or -i IFACE on a terminal): the list
 * of its connections, and the one chosen in the diagram.  The source
 * is the capture behind the trace (main.c joins capture.h, conntrack.h
 * and infer.h to it); the view only calls it.
 */
struct trace;

/* What the view says about the capture. */
struct ui_capture_status {
	uint64_t packets;		/* read so far */
	bool has_stats;			/* live: pcap's counters */
	unsigned drop, ifdrop;		/* dropped by the kernel, the interface */
	size_t let_go_conns;		/* let go to stay within the limits */
	size_t let_go_packets;
};

struct ui_capture_source {
	void *ctx;			/* given back to every call */
	/* Live: poll() finds it readable when packets wait; -1 when the
	 * trace is complete (a file). */
	int fd;
	/*
	 * Live: read what waits, without waiting, and bring inference up
	 * to the present (a quiet second can time a connection out).  The trace grows; connections may be let go and
	 * the others renumbered (conntrack.h), but never the pinned one.
	 * Returns 1 if the trace changed, 0 if not, -1 once the capture is
	 * over (-c reached, or the device failed: `why` says which).
	 */
	int (*pump)(void *ctx, char *why, size_t whylen);
	/* Before the view shows the trace again: bring what inference
	 * sums up over all connections (SYN floods) up to date. */
	void (*settle)(void *ctx);
	void (*status)(void *ctx, struct ui_capture_status *st);
	/* The connection on screen (0: none), and its id now. */
	void (*pin)(void *ctx, int conn);
	int (*pinned)(void *ctx);
	/*
	 * Save the packets of connections conn[0..n) (ids, ascending) as
	 * they were captured, to a new pcap file named after `what` ("conn3",
	 * "flood1").  0 and msg = the file's name and the count, or -1 and
	 * msg = why not.
	 */
	int (*save)(void *ctx, const int *conn, size_t n, const char *what,
	    char *msg, size_t msglen);
};

struct ui_capture_opts {
	struct trace *tr;		/* the source fills it; outlives the view */
	const struct ui_capture_source *src;	/* NULL: a fixed trace */
	int lang;			/* 0 English, 1 Chinese */
	int theme;			/* enum ui_theme */
};

/* As ui_run(), for a capture. */
int ui_capture_run(const struct ui_capture_opts *o);

/* The keymap as `--keys` prints it: one key per line, its name, a tab
 * and what it does, in the current gettext language. */
void ui_keys_print(FILE *out);

#endif
