/*
 * layout_tables.c: each side's state table at a moment (layout.h),
 * rebuilt from the trace alone, never from the engine: what a student
 * sees must also be what a capture can show.  One pass over the events
 * up to that moment.
 */
#include <stdlib.h>
#include <string.h>

#include "layout.h"

/* What one side of the connection has shown so far. */
struct table_scan {
	bool sent, rcvd;		/* has sent / has seen the peer's segments */
	uint32_t first_seq;		/* the first it sent */
	bool una_known;
	uint32_t una, nxt, rcv;
	bool syn_wscale, syn_seen;	/* its SYN, and whether it offered scaling */
	uint8_t wscale;
	uint16_t win;			/* the last window it advertised */
	bool win_syn;			/* ... in a SYN (never scaled) */
	bool win_known;
	uint8_t timer_action[TIMER_NKINDS];
	bool timer_seen[TIMER_NKINDS];
	int64_t timer_expires[TIMER_NKINDS];
	bool has_state, listener_listens;
	bool assumed;			/* its state came with no evidence */
	uint8_t state;
	int backlog;
};

/* Per connection, for a listener's queues: the state of each side and
 * whether it was born from a listener (passive) or taken by accept(). */
struct table_conn {
	uint8_t state[2];
	bool passive[2], accepted[2];
};

static void table_segment(const struct trace *tr, const struct trace_event *e,
    int64_t now, struct table_scan sc[2], struct layout_table out[2])
{
	struct segment seg;
	int s = e->side, p = !s;
	uint32_t end;

	trace_segment(tr, e, &seg);
	end = seg.seq + segment_seqlen(&seg);
	/* A forged segment shows what an attacker claims, not what either
	 * side said. */
	if (e->u.seg.notes & NOTE_FORGED)
		return;

	if (!sc[s].sent) {
		sc[s].sent = true;
		sc[s].first_seq = seg.seq;
		sc[s].nxt = end;
	} else if (seq_gt(end, sc[s].nxt)) {
		sc[s].nxt = end;
	}
	if ((seg.flags & SEG_SYN) && !sc[s].syn_seen) {
		sc[s].syn_seen = true;
		sc[s].syn_wscale = (seg.opt.present & SEGOPT_WSCALE) != 0;
		sc[s].wscale = seg.opt.wscale;
		out[s].iss = seg.seq;
		out[s].iss_known = true;
	}
	sc[s].win = seg.win;
	sc[s].win_syn = (seg.flags & SEG_SYN) != 0;
	sc[s].win_known = true;
	/* What this side acknowledges is what it has received. */
	if ((seg.flags & SEG_ACK) &&
	    (!sc[s].rcvd || seq_gt(seg.ack, sc[s].rcv))) {
		sc[s].rcv = seg.ack;
		sc[s].rcvd = true;
	}

	if (e->u.seg.lost || trace_arrival(e) > now)
		return;
	/* It has arrived at the peer. */
	if ((seg.flags & SEG_SYN) && !out[p].irs_known) {
		out[p].irs = seg.seq;
		out[p].irs_known = true;
	}
	if (!sc[p].rcvd) {
		sc[p].rcv = end;
		sc[p].rcvd = true;
	} else if (seq_le(seg.seq, sc[p].rcv) && seq_gt(end, sc[p].rcv)) {
		sc[p].rcv = end;
	}
	if ((seg.flags & SEG_ACK) &&
	    (!sc[p].una_known || seq_gt(seg.ack, sc[p].una))) {
		sc[p].una = seg.ack;
		sc[p].una_known = true;
	}
}

/* A listener's queues from the connections it spawned. */
static void table_queues(const struct table_conn *cs, size_t n, int side,
    struct layout_table *t)
{
	for (size_t i = 1; i <= n; i++) {
		const struct table_conn *c = &cs[i];

		if (!c->passive[side])
			continue;
		if (c->state[side] == TCP_SYN_RCVD)
			t->syn_queue++;
		else if (tcp_state_synchronized(c->state[side]) &&
		    !c->accepted[side])
			t->accept_queue++;
	}
}

static void table_state(const struct trace_event *e, int conn,
    struct table_scan sc[2], struct table_conn *cs, size_t ncs)
{
	int s = e->side;

	if (e->conn == 0) {
		sc[s].listener_listens = e->u.state.to == TCP_LISTEN;
		return;
	}
	if (e->conn == conn) {
		sc[s].has_state = true;
		sc[s].state = e->u.state.to;
		sc[s].assumed = e->u.state.cause != NULL &&
		    strcmp(e->u.state.cause, TRACE_CAUSE_ASSUMED) == 0;
	}
	if (cs != NULL && (size_t)e->conn <= ncs) {
		struct table_conn *c = &cs[e->conn];

		c->state[s] = e->u.state.to;
		if (e->u.state.from == TCP_LISTEN && e->u.state.to == TCP_SYN_RCVD)
			c->passive[s] = true;
	}
}

static void table_finish(const struct trace *tr, int conn,
    const struct table_scan *sc, bool conn_states, bool conn_segs,
    int s, struct layout_table *t)
{
	const struct trace_conn *c = trace_conn(tr, conn);
	uint32_t base = c != NULL && c->base_known[s] ? c->base[s] : 0;
	uint32_t pbase = c != NULL && c->base_known[!s] ? c->base[!s] : 0;
	bool scaled = sc[0].syn_wscale && sc[1].syn_wscale;

	if (sc[s].has_state) {
		t->state = sc[s].state;
		t->assumed = sc[s].assumed;
	} else if (sc[s].listener_listens) {
		t->state = TCP_LISTEN;
	} else if (!conn_states && conn_segs) {
		t->state = TCP_ESTABLISHED;
		t->assumed = true;
	} else {
		t->state = TCP_CLOSED;
		t->assumed = !conn_states;
	}

	t->snd_known = sc[s].sent;
	if (sc[s].sent) {
		uint32_t una = sc[s].una_known ? sc[s].una : sc[s].first_seq;

		/* An ACK beyond what was sent acknowledges nothing. */
		if (seq_gt(una, sc[s].nxt))
			una = sc[s].nxt;
		t->snd_una = una - base;
		t->snd_nxt = sc[s].nxt - base;
	}
	t->rcv_known = sc[s].rcvd;
	if (sc[s].rcvd)
		t->rcv_nxt = sc[s].rcv - pbase;

	if (sc[s].win_known)
		t->rcv_wnd = (uint32_t)sc[s].win <<
		    (scaled && !sc[s].win_syn ? sc[s].wscale : 0);
	if (sc[!s].win_known)
		t->snd_wnd = (uint32_t)sc[!s].win <<
		    (scaled && !sc[!s].win_syn ? sc[!s].wscale : 0);

	for (int k = 0; k < TIMER_NKINDS; k++) {
		if (!sc[s].timer_seen[k] || sc[s].timer_action[k] != TIMER_ARMED)
			continue;
		t->timers[t->ntimers].timer = (uint8_t)k;
		t->timers[t->ntimers++].expires = sc[s].timer_expires[k];
	}
	t->listening = sc[s].listener_listens;
	t->backlog = sc[s].backlog;
}

void layout_tables(const struct trace *tr, int conn, int64_t now,
    struct layout_table out[2])
{
	struct table_scan sc[2];
	struct table_conn *cs;
	bool conn_states = false, conn_segs = false;

	if (conn == 0)
		conn = 1;
	memset(out, 0, 2 * sizeof *out);
	memset(sc, 0, sizeof sc);
	/* Without memory the queues stay empty; the rest does not need it. */
	cs = calloc(tr->nconns + 1, sizeof *cs);

	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->side > SIDE_SERVER)
			continue;
		if (e->conn == conn && e->type == TRACE_STATE)
			conn_states = true;
		if (e->t > now)
			continue;
		switch (e->type) {
		case TRACE_SEGMENT:
			if (e->conn == conn) {
				conn_segs = true;
				table_segment(tr, e, now, sc, out);
			}
			break;
		case TRACE_STATE:
			table_state(e, conn, sc, cs, tr->nconns);
			break;
		case TRACE_TIMER:
			if (e->conn == conn && e->u.timer.timer < TIMER_NKINDS) {
				sc[e->side].timer_seen[e->u.timer.timer] = true;
				sc[e->side].timer_action[e->u.timer.timer] =
				    e->u.timer.action;
				sc[e->side].timer_expires[e->u.timer.timer] =
				    e->u.timer.expires;
			}
			break;
		case TRACE_APP:
			if (e->conn == 0 && e->u.app.call == APP_LISTEN)
				sc[e->side].backlog = (int)e->u.app.arg;
			if (cs != NULL && e->conn > 0 &&
			    (size_t)e->conn <= tr->nconns &&
			    e->u.app.call == APP_ACCEPT &&
			    e->u.app.result == APP_OK)
				cs[e->conn].accepted[e->side] = true;
			break;
		default:
			break;
		}
	}
	for (int s = 0; s < 2; s++) {
		table_finish(tr, conn, sc, conn_states, conn_segs, s, &out[s]);
		if (out[s].listening && cs != NULL)
			table_queues(cs, tr->nconns, s, &out[s]);
	}
	free(cs);
}
