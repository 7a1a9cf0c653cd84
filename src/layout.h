/*
 * layout.h: from a trace to what a ladder view shows, as positioned
 * spans of text with a role each, and the state tables of both sides at
 * any moment.  Pure and headless: the curses UI (src/ui/) paints the
 * spans with the colours and attributes of its theme; tests read them.
 *
 * Geometry.  The ladder has a time axis going down in "rows".  Every
 * moment at which something happens gets a row, in time order, at least
 * one row apart (so equal timestamps keep their order and never
 * overlap); a segment is an arrow from its send row on the sender's
 * lifeline to its arrival row on the receiver's, so it slopes down with
 * its one-way delay.  A lost segment stops half-way with a mark.  Long
 * quiet stretches are compressed into one "gap" row that says how much
 * time passed, so a 60 s TIME_WAIT costs one row.
 *
 * Columns, left to right: a mark column for the branch, one for the
 * cursor, the time (on the first row of each moment), the client's
 * margin (its state names and running timers, right-aligned), the
 * client's timer bar and lifeline, the gap the arrows cross, the
 * server's lifeline and timer bar, the server's margin.  The gap follows
 * opts.width but never gets narrower than LAYOUT_MIN_GAP nor than the
 * longest label needs; then the ladder is wider than asked and the UI
 * scrolls.  Every connection shares the two lifelines ("the client
 * side(s)" on the left); arrows of connections after the first start
 * their label with the client's port (":49153 S seq=0 ...").
 *
 * An arrow is drawn as one horizontal run per row from its send row to
 * its arrival row, bending at corners (UTF-8 "─╮", "╰─▶"; ASCII "-\",
 * "\->"); the rows share the way evenly, so arrows sent and received
 * together run parallel, and when animated the tip keeps to the row of
 * the current time.  The label (flags, seq, ack, len, other notes in
 * words) is on the send row next to the sender; a retransmission adds
 * "↻ retransmission" ("*" in ASCII; "resent" where the asked width is
 * too small for the long word); a lost segment stops half-way at
 * "✕ lost" ("X lost") on its send row.  A running timer is a bar beside
 * its side's lifeline from the row where it was armed; the name and time
 * left at `now` of the one armed last ("+N" when N more run) are written
 * in that side's margin at the current row; a timer that has ended keeps
 * its bar and its name.  Gap rows have dashed lifelines; the branch mark
 * is in the first column, on the row of the dropped segment.
 *
 * Time: layout_frame() shows the trace as it stands at `now`.  What
 * happens later is omitted, not dimmed (a student should not read the
 * answer before the question); only the lifelines continue below the
 * current row, as ROLE_FUTURE.  A segment in flight is drawn as far as
 * it has travelled, with its head at the tip.
 *
 * Use: layout_build() once per trace (O(events), plus sorting the
 * arrival times); then, for each frame, layout_frame() for the visible
 * rows only (O(visible + log events)), and layout_tables() for the state
 * tables at the cursor (O(events)).
 */
#ifndef LAYOUT_H
#define LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace.h"

/* What a span is, so that a theme can colour it and a test can find it.
 * Meaning is never carried by the role alone: the text says it too. */
enum layout_role {
	ROLE_TEXT,		/* plain text: headers, addresses */
	ROLE_TIME,		/* the time column */
	ROLE_LIFELINE,		/* a side's vertical line */
	ROLE_ARROW_C2S,		/* a segment from the client */
	ROLE_ARROW_S2C,		/* a segment from the server */
	ROLE_LABEL,		/* a segment's flags seq ack len */
	ROLE_LOST,		/* the mark and word on a lost segment */
	ROLE_RETRANS,		/* the retransmission mark */
	ROLE_STATE,		/* a state name written on a lifeline */
	ROLE_TIMER,		/* a timer's bar, name or countdown */
	ROLE_APP,		/* an application call: connect(), close() */
	ROLE_GAP,		/* a compressed quiet stretch: "... 58 s ..." */
	ROLE_BRANCH,		/* where an injected drop made history branch */
	ROLE_CURSOR,		/* the event under the cursor: a mark in
				   its row, and its label or text */
	ROLE_FUTURE,		/* the lifelines below the current row */
	ROLE_NROLES
};

/* Spans of a frame overlap only where arrows cross, or a crossing arrow
 * passes under a text; they come in painting order (texts after arrows),
 * so painting them in order keeps every word readable. */
struct layout_span {
	int row, col;		/* in ladder coordinates (row 0 = the first) */
	int width;		/* display columns the text takes */
	uint8_t role;		/* enum layout_role */
	int event;		/* index in trace.ev it belongs to, -1 */
	char text[96];		/* UTF-8 */
};

#define LAYOUT_MIN_GAP 30	/* columns between the lifelines, at least */

struct layout_opts {
	int width;		/* columns available for the ladder */
	bool utf8;		/* box-drawing glyphs and arrows, else ASCII */
	bool absolute;		/* raw seq/ack instead of relative */
	int64_t gap;		/* a quiet stretch longer than this becomes a
				   gap row; 0: 2 s */
};

struct layout;

/* Assign rows to the trace's events.  NULL only when out of memory. */
struct layout *layout_build(const struct trace *tr, const struct layout_opts *o);
void layout_free(struct layout *l);

/* Where the columns are, for headers above the lifelines and for
 * horizontal scrolling. */
struct layout_geometry {
	int time;		/* first column of the time column */
	int client, server;	/* the lifelines */
	int width;		/* columns of the whole ladder */
};
void layout_geometry(const struct layout *l, struct layout_geometry *g);

/* Total rows of the ladder, and the row of event i (its send row for a
 * segment; for an event drawn nowhere, such as a narration or a timer
 * being armed, the row of the moment it belongs to).  Event rows never
 * decrease with i. */
int layout_rows(const struct layout *l);
int layout_event_row(const struct layout *l, size_t i);

/* The arrival row of segment event i; -1 for a lost segment or an event
 * that is no segment.  Equal to its send row only for a zero delay. */
int layout_arrival_row(const struct layout *l, size_t i);

/* The event nearest to (at or before) a row; -1 before the first. */
long layout_event_at_row(const struct layout *l, int row);

/*
 * The protocol time of a row (for the time column and animation).  Row
 * times never decrease; all rows of one moment have its time, and a gap
 * row has the time just after the moment before it (1 us later), so
 * that during the quiet stretch it is the current row.
 */
int64_t layout_row_time(const struct layout *l, int row);

/* The current row at time t: the last row whose time is <= t; -1 before
 * the first row. */
int layout_row_at_time(const struct layout *l, int64_t t);

/*
 * The spans of rows [top, top + height), at animation time `now`:
 * everything that happened after `now` is omitted, and a segment in
 * flight is drawn only as far as it has travelled.  `cursor` is the
 * event index to highlight (-1: none); `branch` the time at which an
 * injected drop branched history (-1: none).  Columns start at 0 and
 * may exceed opts.width when a label cannot fit (the UI scrolls
 * horizontally).  Fills at most max spans; returns how many there are.
 */
size_t layout_frame(const struct layout *l, int top, int height, int64_t now,
    long cursor, int64_t branch, struct layout_span *out, size_t max);

/* One side's state table at time `now`, reconstructed from the trace. */
struct layout_table {
	enum tcp_state state;
	bool assumed;		/* no evidence yet (a capture mid-connection) */
	uint32_t iss, irs;	/* raw; valid when the flags below say so */
	bool iss_known, irs_known;
	/* Relative to each sender's base, as the ladder's labels: the ISN
	 * once its SYN was seen.  SND.* mean something once this side has
	 * sent (snd_known), RCV.NXT once it has received or acknowledged
	 * (rcv_known). */
	uint32_t snd_una, snd_nxt, rcv_nxt;
	bool snd_known, rcv_known;
	uint32_t snd_wnd, rcv_wnd;		/* bytes, as last advertised */
	struct {
		uint8_t timer;			/* enum trace_timer */
		int64_t expires;		/* protocol time */
	} timers[TIMER_NKINDS];
	int ntimers;
	/* A listening server: its queues, for the boxes of a SYN flood. */
	bool listening;
	int syn_queue, accept_queue, backlog;
};

/*
 * Tables of connection `conn` (its trace id; 0 also means the first) for
 * both sides at time `now` (all events with t <= now, segments that have
 * arrived by now), from the trace alone, so that it works on captures
 * too: the state from state events (a listener's LISTEN before the
 * connection's own; "assumed" while the side's last state event has the
 * cause TRACE_CAUSE_ASSUMED, and ESTABLISHED "assumed" once segments flow
 * on a connection with no state events at all); SND.UNA the highest ACK from
 * the peer that has arrived, SND.NXT the highest seq + length sent,
 * RCV.NXT what arrived in order or was acknowledged, relative to the
 * bases the ladder uses (trace_rel_seq); windows as last advertised,
 * scaled when both SYNs carried the window-scale option; running timers
 * (armed and neither fired nor cancelled by now); and for a side with a
 * listener, its queues: SYN queue = its passive connections in SYN_RCVD,
 * accept queue = passive connections established but not yet returned
 * by accept(), backlog = listen()'s argument.
 */
void layout_tables(const struct trace *tr, int conn, int64_t now,
    struct layout_table out[2]);

#endif
