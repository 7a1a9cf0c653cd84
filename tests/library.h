/*
 * library.h: helpers for tests that play a whole scenario and assert its
 * teaching point on the trace.  A test reads like the lesson:
 *
 *	struct run r;
 *	run_scenario(&r, "syn-lost", "linux", NULL);
 *	ck_assert_str_eq(state_path(&r.tr, SIDE_CLIENT, 1, buf, sizeof buf),
 *	    "CLOSED SYN_SENT ESTABLISHED ...");
 *	run_free(&r);
 *
 * Scenario files are read from $top_srcdir/data/scenarios.
 */
#ifndef LIBRARY_H
#define LIBRARY_H

#include <stdbool.h>
#include <stddef.h>

#include "engine.h"

struct run {
	struct scenario sc;
	struct profile prof;
	struct trace tr;
};

/*
 * Play scenario `id` under `profile` ("linux", "textbook"; NULL: the
 * file's own choice, else linux).  `sets` is NULL or a NULL-terminated
 * list of extra "key=value" overrides applied after the file's own,
 * "drop SIDE:KIND#N" entries and "seed N" (default: the file's, else 1).  The run must leave no drop, narration
 * or checkpoint unmatched, unless allow_unmatched is set.
 */
void run_scenario_with(struct run *r, const char *id, const char *profile,
    const char *const *sets, bool allow_unmatched);
void run_scenario(struct run *r, const char *id, const char *profile,
    const char *drop);
void run_free(struct run *r);

/* "CLOSED SYN_SENT ESTABLISHED ..." for one side of connection `conn`. */
const char *state_path(const struct trace *tr, int side, int conn, char *buf,
    size_t len);

/* ">S <S. >. ..." of every segment ('>' from the client, '<' from the
 * server, "!" after lost ones, "*" after forged ones), all connections. */
const char *segments(const struct trace *tr, char *buf, size_t len);

/* The segment numbered n (1-based), or NULL. */
const struct trace_event *nth_segment(const struct trace *tr, uint32_t n);

/* The first event after index `from` matching type (and, for segments,
 * side and flags string; NULL flags: any).  Returns its index or -1. */
long find_segment(const struct trace *tr, long from, int side, const char *flags);
long find_state(const struct trace *tr, long from, int side, enum tcp_state to);
long find_app(const struct trace *tr, long from, int side, int call, int result);

/* How many narration events the run produced. */
size_t count_narrations(const struct trace *tr);

/* The ids of every lesson in data/scenarios, sorted, *n (at least one)
 * of them; lesson_ids_free() frees them. */
char **lesson_ids(size_t *n);
void lesson_ids_free(char **ids, size_t n);

#endif
