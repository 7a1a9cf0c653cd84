/*
 * conntrack.h: decoded segments -> the connections of a trace.  Pure C:
 * capture.c feeds it from libpcap, the tests feed it by hand.
 *
 * Order of calls: conntrack_new() on an empty trace, conntrack_add() for
 * every segment in capture order (conntrack_pin() whenever the view
 * shows another connection), conntrack_free() at the end; the trace
 * stays with its owner.  Only conntrack adds connections to that trace.
 *
 * Connections are told apart by four-tuple.  The client is the side that
 * sent the first SYN; if the capture starts later (no SYN, or a SYN-ACK
 * first), the side with the lower port is taken for the server.  A SYN
 * on a four-tuple whose connection has finished (both FINs seen and
 * acknowledged, or a RST seen) starts a new connection.
 *
 * One observation point: a captured segment is seen once, at its capture
 * time, so its event's send and arrival times are both that time (no
 * segment of a capture is "lost"; the views draw its arrow flat).  Times
 * count from the first packet and never go backwards: a packet stamped
 * earlier than the one before it keeps its place in capture order, at
 * the previous packet's time.
 *
 * Per packet the trace keeps one event.  Options are kept where the
 * lessons need them (SYNs, SACK blocks, Fast Open cookies); the
 * timestamps that every other Linux segment carries are not, so that a
 * long capture costs one event per packet and no more.
 */
#ifndef CONNTRACK_H
#define CONNTRACK_H

#include <stddef.h>
#include <stdint.h>

#include "segment.h"
#include "trace.h"

/*
 * Memory bounds; 0 means no limit, except that a trace holds at most
 * TRACE_CONN_MAX connections: a max_conns of 0 or more than that counts
 * as TRACE_CONN_MAX - 1.  When a bound is passed, connections are let go
 * until the trace is a quarter below it: finished ones first, oldest
 * first, then unfinished ones, oldest first; never the pinned one nor
 * the one the newest packet belongs to.  Connections that stay are
 * renumbered (see trace_forget_conns()).
 */
struct conntrack_limits {
	size_t max_packets;
	size_t max_conns;
};

/* What has been let go so far. */
struct conntrack_stats {
	size_t conns;
	size_t packets;
};

struct conntrack;
struct infer;

/* NULL when out of memory.  `lim` may be NULL (no limits). */
struct conntrack *conntrack_new(struct trace *tr,
    const struct conntrack_limits *lim);
void conntrack_free(struct conntrack *ct);

/*
 * One segment captured at `t_us` (microseconds, any epoch, within
 * +-2^62 so that differences fit).  Appends its event and returns its
 * connection's id.
 */
int conntrack_add(struct conntrack *ct, int64_t t_us,
    const struct segment *seg);

/*
 * Nothing more was captured up to t_us (the clock of conntrack_add()):
 * a live capture that has gone quiet.  The timeouts that inference
 * expects by then (a connect() that gave up) are appended, and later
 * segments are never placed before t_us.  Nothing happens before the
 * first segment.
 */
void conntrack_idle(struct conntrack *ct, int64_t t_us);

/* From now on, hand every segment to `inf` as well (infer.h: states,
 * notes and narration of each side); NULL stops it.  The caller keeps
 * inf and calls infer_finish() at the end. */
void conntrack_infer(struct conntrack *ct, struct infer *inf);

/* The connection on screen (0: none); never let go.  Its id changes
 * when others are let go: conntrack_pinned() says the current one. */
void conntrack_pin(struct conntrack *ct, int conn);
int conntrack_pinned(const struct conntrack *ct);

void conntrack_stats(const struct conntrack *ct, struct conntrack_stats *st);

#endif
