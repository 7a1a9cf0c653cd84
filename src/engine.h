/*
 * engine.h: two simulated hosts running TCP over a simulated network, on
 * a virtual clock.  Pure: no I/O, no curses, no pcap.
 *
 * Use: engine_new() with a scenario, a profile, a seed and any extra
 * faults; engine_run() to play it to the end (or to a time limit) while
 * it appends to a trace; engine_free().  The same inputs always give a
 * byte-identical trace, so a view that wants to step back simply plays
 * again from the start with the same recorded faults.
 *
 * The engine_force_* / engine_deliver / engine_app / engine_advance calls
 * drive a bare engine (no scenario) one event at a time: the unit tests
 * use them to put a connection in a state and feed it one segment.
 */
#ifndef ENGINE_H
#define ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "profile.h"
#include "scenario.h"
#include "tcp_state.h"
#include "trace.h"
#include "tv_error.h"

struct engine;

struct engine_opts {
	const struct scenario *sc;
	const struct profile *prof;
	uint64_t seed;
	const struct scen_fault *faults;	/* in addition to the scenario's */
	size_t nfaults;
	int64_t limit;		/* stop at this protocol time; 0: 4 hours */
	bool altered;		/* played with another profile, other settings
				   or extra drops than the lesson was written
				   for: its narration may not fit, and
				   narrations that never happen are no error */
};

/* NULL and err if the scenario cannot be played (e.g. bad endpoints). */
struct engine *engine_new(const struct engine_opts *opts, struct trace *out,
    struct tv_error *err);

/* Play until nothing is left to happen or the limit is reached. */
void engine_run(struct engine *e);

/* The virtual clock, microseconds from the start. */
int64_t engine_now(const struct engine *e);

/*
 * After a run: the drops, delays, narrations and checkpoints whose event
 * never happened (a mistake in the scenario, or a --drop that missed);
 * narrations and checkpoints are left out when the run was altered.
 * Fills up to max of them and returns how many there are.
 */
struct engine_unmatched {
	char what[64];		/* "drop client:FIN#3", "narrate server enters
				   CLOSING#1", "checkpoint at 2" */
	int line, col;		/* in the scenario file; 0 from the command line */
};
size_t engine_unmatched(const struct engine *e, struct engine_unmatched *out,
    size_t max);

void engine_free(struct engine *e);

/* Everything a state table shows about one connection on one host. */
struct engine_tcb_view {
	enum tcp_state state;
	int conn;
	uint32_t iss, irs;
	uint32_t snd_una, snd_nxt, snd_wnd;
	uint32_t rcv_nxt, rcv_wnd;
	int retransmits;	/* of the segment now timed */
	int64_t rto;
};

/* ---- Bare engine for unit tests ---- */

/* Two hosts (client 10.0.0.1, server 10.0.0.2), no script.  When
 * `deliver` is false, sent segments are traced but go nowhere. */
struct engine *engine_new_bare(const struct profile *prof, struct trace *out,
    bool deliver);

/*
 * Create a connection on `side`'s host in state `st` with the given
 * initial sequence numbers, as if it had got there normally: for
 * synchronized states everything sent has been acknowledged, and for
 * states after a FIN (ours or the peer's) the FIN's sequence number is
 * accounted for.  Our FIN (FIN_WAIT_1 and later) was sent by close(), so
 * the socket is orphaned; use engine_app(SHUTDOWN) from ESTABLISHED for a
 * half-close.  Synchronized states start with one round trip of the
 * network measured (RTO as after a handshake).  Returns a handle for the
 * calls below, or -1.
 */
int engine_force_conn(struct engine *e, int side, enum tcp_state st,
    uint32_t iss, uint32_t irs);

/* A listener on the server host at its port; returns a handle. */
int engine_force_listen(struct engine *e, int backlog);

/* A segment arrives at `side`'s host now (addresses filled in from the
 * bare engine's endpoints when left zero). */
void engine_deliver(struct engine *e, int side, struct segment *seg);

/* The application on `side` makes a call on connection handle h. */
void engine_app(struct engine *e, int side, int h, enum app_call call,
    uint32_t arg);

/* Let protocol time pass, firing timers on the way. */
void engine_advance(struct engine *e, int64_t us);

/* The handle of the socket most recently created on `side`'s host
 * (by connect, listen, or a SYN reaching a listener); -1 if none. */
int engine_newest(const struct engine *e, int side);

/* State of handle h (TCP_CLOSED once it has gone). */
bool engine_view(const struct engine *e, int side, int h,
    struct engine_tcb_view *out);

#endif
