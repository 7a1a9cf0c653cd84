/*
 * practice.c: prediction questions read off a trace, the pool of
 * questions a session draws from, sessions and their scoring, and the
 * Leitner records of spaced repetition (practice.h).
 *
 * A prediction stops the lesson at a moment T: every event at or before
 * T has happened, none after.  Stopping between two instants (never
 * inside one) keeps the question honest, since the views draw all the
 * events of an instant at once.  The right answer is what the trace
 * does next or shows now; every wrong choice is built from the right
 * one by a classic mistake and kept only if it differs from it, so a
 * question has exactly one right answer.
 */
/* strtok_r() is POSIX, not C99. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "practice.h"
#include "units.h"

/* Choices a generated question offers: the right one and three wrong. */
#define CHOICES 4

static const char *const kind_names[PK_NKINDS] = {
	"state", "next", "timer", "accept", "checkpoint", "concept", "mistake",
};

const char *practice_kind_name(int kind)
{
	return kind >= 0 && kind < PK_NKINDS ? kind_names[kind] : "?";
}

/* ---- Strings ---- */

/* A growing string; `oom` sticks once an allocation failed. */
struct text {
	char *s;
	size_t len;
	bool oom;
};

#ifdef __GNUC__
__attribute__((format(printf, 2, 3)))
#endif
static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	if (t->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = realloc(t->s, t->len + (size_t)n + 1)) == NULL) {
		t->oom = true;
		return;
	}
	t->s = s;
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* The text built, or NULL (and nothing kept) if memory ran out. */
static char *text_take(struct text *t)
{
	if (t->oom || t->s == NULL) {
		free(t->s);
		return NULL;
	}
	return t->s;
}

static char *dup_str(const char *s)
{
	char *d = malloc(strlen(s) + 1);

	if (d != NULL)
		strcpy(d, s);
	return d;
}

/* "12.5" for a moment or a duration; buf needs 32 bytes. */
static const char *secs(int64_t us, char *buf)
{
	return units_format_time(us, buf, 32);
}

/* ---- Reading the trace ---- */

/* The first event after moment T: events [0, at) have happened. */
static size_t index_after(const struct trace *tr, int64_t T)
{
	size_t i = 0;

	while (i < tr->nev && tr->ev[i].t <= T)
		i++;
	return i;
}

/*
 * The state of `side` of connection `conn` once events [0, at) have
 * happened: the last change before `at`, else the state the first later
 * change starts from (the server's half of a connection is in LISTEN
 * until its SYN arrives).  *since is the index of that last change, -1
 * if none; -1 returned if the trace never says.
 */
static int side_state(const struct trace *tr, size_t at, int conn, int side,
    long *since)
{
	*since = -1;
	for (size_t i = at; i-- > 0; ) {
		const struct trace_event *e = &tr->ev[i];

		if (e->type == TRACE_STATE && e->conn == conn && e->side == side) {
			*since = (long)i;
			return e->u.state.to;
		}
	}
	for (size_t i = at; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->type == TRACE_STATE && e->conn == conn && e->side == side)
			return e->u.state.from;
	}
	return -1;
}

/* The first index whose event is at or after t. */
static size_t index_at(const struct trace *tr, int64_t t)
{
	size_t i = 0;

	while (i < tr->nev && tr->ev[i].t < t)
		i++;
	return i;
}

/* A side's state, CLOSED when the trace never gives it one: no socket. */
static int state_or_closed(const struct trace *tr, size_t at, int conn,
    int side, long *since)
{
	int st = side_state(tr, at, conn, side, since);

	return st < 0 ? TCP_CLOSED : st;
}

/* Something has happened on the connection by event `at`. */
static bool conn_started(const struct trace *tr, size_t at, int conn)
{
	for (size_t i = 0; i < at; i++)
		if (tr->ev[i].conn == conn)
			return true;
	return false;
}

/* The timers running on a side once events [0, at) have happened. */
struct running {
	int64_t expires[TIMER_NKINDS];	/* TRACE_T_NONE: not running */
	int64_t armed[TIMER_NKINDS];
	int n;
};

static void timers_at(const struct trace *tr, size_t at, int conn, int side,
    struct running *r)
{
	for (int k = 0; k < TIMER_NKINDS; k++)
		r->expires[k] = r->armed[k] = TRACE_T_NONE;
	for (size_t i = 0; i < at; i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->type != TRACE_TIMER || e->conn != conn || e->side != side ||
		    e->u.timer.timer >= TIMER_NKINDS)
			continue;
		if (e->u.timer.action == TIMER_ARMED) {
			r->expires[e->u.timer.timer] = e->u.timer.expires;
			r->armed[e->u.timer.timer] = e->t;
		} else
			r->expires[e->u.timer.timer] = TRACE_T_NONE;
	}
	r->n = 0;
	for (int k = 0; k < TIMER_NKINDS; k++)
		r->n += r->expires[k] != TRACE_T_NONE;
}

/* A segment as the ladder labels it, relative numbers. */
struct seg {
	uint8_t flags;
	uint32_t seq, ack, len;
};

static struct seg seg_of(const struct trace *tr, const struct trace_event *e)
{
	return (struct seg){
		e->u.seg.flags, trace_rel_seq(tr, e), trace_rel_ack(tr, e),
		e->u.seg.len,
	};
}

/* "F. seq=101 ack=301", "P. seq=1 ack=1 len=100", "S seq=0". */
static const char *seg_str(struct seg s, char *buf, size_t len)
{
	char flags[10];
	int n;

	n = snprintf(buf, len, "%s seq=%u", segment_flags_str(s.flags, flags),
	    (unsigned)s.seq);
	if (s.flags & SEG_ACK)
		n += snprintf(buf + n, len - (size_t)n, " ack=%u",
		    (unsigned)s.ack);
	if (s.len > 0)
		snprintf(buf + n, len - (size_t)n, " len=%u", (unsigned)s.len);
	return buf;
}

static uint32_t seg_space(struct seg s)
{
	return s.len + !!(s.flags & SEG_SYN) + !!(s.flags & SEG_FIN);
}

/* ---- Questions ---- */

void practice_question_free(struct practice_question *q)
{
	free(q->topics);
	free(q->ask);
	free(q->answer);
	for (int i = 0; i < q->nchoices; i++)
		free(q->choices[i]);
	memset(q, 0, sizeof *q);
}

/* Wrong choices collected before they are shuffled in with the right. */
struct choices {
	char text[CHOICES][160];
	int n;
};

/* Add a choice unless it repeats one (the right one is text[0]). */
static void choice_add(struct choices *c, const char *s)
{
	if (c->n == CHOICES)
		return;
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->text[i], s) == 0)
			return;
	snprintf(c->text[c->n++], sizeof c->text[0], "%s", s);
}

static uint32_t rng_below(struct rng *rng, uint32_t n)
{
	return n > 1 ? (uint32_t)(rng_next(rng) % n) : 0;
}

/* Shuffle the choices into q (text[0] is the right one).  -1 if out of
 * memory. */
static int choices_take(struct practice_question *q, struct choices *c,
    struct rng *rng)
{
	int order[CHOICES];

	for (int i = 0; i < c->n; i++)
		order[i] = i;
	for (int i = c->n - 1; i > 0; i--) {
		int j = (int)rng_below(rng, (uint32_t)i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (int i = 0; i < c->n; i++) {
		if ((q->choices[i] = dup_str(c->text[order[i]])) == NULL)
			return -1;
		q->nchoices = i + 1;
		if (order[i] == 0)
			q->right = i;
	}
	return 0;
}

/* "the client" / "the server" and their kin, whole sentences each, so
 * that translators see them whole. */
static const char *ask_state[2] = {
	N_("Which state is the client in now?"),
	N_("Which state is the server in now?"),
};
static const char *ask_next[2] = {
	N_("What does the client send next (flags, seq, ack)?"),
	N_("What does the server send next (flags, seq, ack)?"),
};
static const char *ask_timer[2] = {
	N_("Which timer is running on the client, and when does it fire?"),
	N_("Which timer is running on the server, and when does it fire?"),
};
/* TRANSLATORS: %1$s is a segment like "F. seq=101 ack=301", %2$s a
 * state name. */
static const char *ask_accept[2] = {
	N_("The server's segment %1$s is on its way to the client, which is "
	    "in %2$s. Is it accepted?"),
	N_("The client's segment %1$s is on its way to the server, which is "
	    "in %2$s. Is it accepted?"),
};

/* One sentence a state says about itself: what the side waits for. */
static const char *const state_why[TCP_NSTATES] = {
	[TCP_CLOSED] = N_("No connection exists on this side."),
	[TCP_LISTEN] = N_("A passive open: it waits for a SYN."),
	[TCP_SYN_SENT] = N_("Its SYN is out; it waits for the SYN-ACK."),
	[TCP_SYN_RCVD] = N_("It has answered a SYN with its SYN-ACK and waits "
	    "for the ACK of it: not ESTABLISHED yet."),
	[TCP_ESTABLISHED] = N_("Both ISNs are acknowledged; data can flow "
	    "both ways."),
	[TCP_CLOSE_WAIT] = N_("The peer's FIN has arrived; it waits for its "
	    "own program to close. It has not sent its FIN yet, so this is "
	    "not LAST_ACK."),
	[TCP_FIN_WAIT_1] = N_("Its FIN is sent but not yet acknowledged; the "
	    "ACK of it would make it FIN_WAIT_2."),
	[TCP_CLOSING] = N_("The two FINs crossed: the peer's FIN came before "
	    "the ACK of its own."),
	[TCP_LAST_ACK] = N_("It has sent its own FIN after the peer's and "
	    "waits for the last ACK."),
	[TCP_FIN_WAIT_2] = N_("Its FIN is acknowledged; it waits for the "
	    "peer's FIN."),
	[TCP_TIME_WAIT] = N_("Both FINs are acknowledged; it waits 2MSL "
	    "before CLOSED, to ACK a lost last FIN again and let old segments "
	    "die out."),
};

/* What made a side change state, for the explanation. */
static const struct {
	const char *cause;
	const char *why;
} causes[] = {
	{ "connect", N_("connect() sent its SYN") },
	{ "listen", N_("the program called listen()") },
	{ "rcv-syn", N_("a SYN arrived") },
	{ "rcv-syn-ack", N_("the SYN-ACK arrived") },
	{ "rcv-ack", N_("the ACK of what it had sent arrived") },
	{ "rcv-fin", N_("the peer's FIN arrived") },
	{ "rcv-fin-ack", N_("the peer's FIN arrived together with the ACK of "
	    "its own") },
	{ "close", N_("the program closed, and its FIN went out") },
	{ "rcv-rst", N_("a RST arrived") },
	{ "abort", N_("the program aborted the connection with a RST") },
	{ "timeout", N_("its timer ran out") },
};

static const char *cause_why(const char *cause)
{
	for (size_t i = 0; cause != NULL && i < sizeof causes / sizeof causes[0];
	    i++)
		if (strcmp(causes[i].cause, cause) == 0)
			return gettext(causes[i].why);
	return cause != NULL ? cause : "?";
}

/* The usual confusions first: what a learner takes each state for. */
static const uint8_t confusions[TCP_NSTATES][3] = {
	[TCP_CLOSED] = { TCP_TIME_WAIT, TCP_LISTEN, TCP_SYN_SENT },
	[TCP_LISTEN] = { TCP_SYN_RCVD, TCP_CLOSED, TCP_SYN_SENT },
	[TCP_SYN_SENT] = { TCP_SYN_RCVD, TCP_ESTABLISHED, TCP_CLOSED },
	[TCP_SYN_RCVD] = { TCP_ESTABLISHED, TCP_SYN_SENT, TCP_LISTEN },
	[TCP_ESTABLISHED] = { TCP_SYN_RCVD, TCP_CLOSE_WAIT, TCP_FIN_WAIT_1 },
	[TCP_CLOSE_WAIT] = { TCP_LAST_ACK, TCP_FIN_WAIT_2, TCP_ESTABLISHED },
	[TCP_FIN_WAIT_1] = { TCP_FIN_WAIT_2, TCP_CLOSING, TCP_CLOSE_WAIT },
	[TCP_CLOSING] = { TCP_TIME_WAIT, TCP_FIN_WAIT_1, TCP_LAST_ACK },
	[TCP_LAST_ACK] = { TCP_CLOSE_WAIT, TCP_CLOSED, TCP_TIME_WAIT },
	[TCP_FIN_WAIT_2] = { TCP_FIN_WAIT_1, TCP_TIME_WAIT, TCP_CLOSE_WAIT },
	[TCP_TIME_WAIT] = { TCP_CLOSED, TCP_FIN_WAIT_2, TCP_LAST_ACK },
};

/* Which state is SIDE in now? */
static int predict_state(const struct trace *tr, size_t at, int conn,
    int side, struct rng *rng, struct practice_question *q)
{
	struct choices c = { .n = 0 };
	struct text why = { 0 };
	long since, next = -1;
	int st = state_or_closed(tr, at, conn, side, &since);
	int prev = since >= 0 ? tr->ev[since].u.state.from : -1;
	char t[32];

	if (st >= TCP_NSTATES || !conn_started(tr, at, conn))
		return -1;
	for (size_t i = at; i < tr->nev && next < 0; i++)
		if (tr->ev[i].type == TRACE_STATE && tr->ev[i].conn == conn &&
		    tr->ev[i].side == side)
			next = tr->ev[i].u.state.to;
	choice_add(&c, tcp_state_name(st));
	choice_add(&c, tcp_state_name(confusions[st][0]));
	if (prev >= 0)
		choice_add(&c, tcp_state_name(prev));
	if (next >= 0)
		choice_add(&c, tcp_state_name(next));
	for (int k = 1; k < 3; k++)
		choice_add(&c, tcp_state_name(confusions[st][k]));
	while (c.n < CHOICES)
		choice_add(&c, tcp_state_name(rng_below(rng, TCP_NSTATES)));

	q->ask = dup_str(gettext(ask_state[side]));
	text_add(&why, "%s. %s", tcp_state_name(st), gettext(state_why[st]));
	if (since >= 0)
		/* TRANSLATORS: %1$s a state, %2$s seconds, %3$s what made
		 * it change ("the SYN-ACK arrived"). */
		text_add(&why, _(" It entered %1$s at %2$s s: %3$s."),
		    tcp_state_name(st), secs(tr->ev[since].t, t),
		    cause_why(tr->ev[since].u.state.cause));
	q->answer = text_take(&why);
	return choices_take(q, &c, rng);
}

/* The segment `side` sends first at or after event `from`; -1 if none.
 * Forged segments only claim to come from a side. */
static long next_sent(const struct trace *tr, size_t from, int conn, int side)
{
	for (size_t i = from; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->type == TRACE_SEGMENT && e->conn == conn &&
		    e->side == side && !(e->u.seg.notes & NOTE_FORGED))
			return (long)i;
	}
	return -1;
}

/* Before event `before`, did `side` send a segment with these flags?
 * The last one such, or -1. */
static long last_sent(const struct trace *tr, size_t before, int conn,
    int side, uint8_t flags)
{
	for (size_t i = before; i-- > 0; ) {
		const struct trace_event *e = &tr->ev[i];

		if (e->type == TRACE_SEGMENT && e->conn == conn &&
		    e->side == side && !(e->u.seg.notes & NOTE_FORGED) &&
		    (e->u.seg.flags & flags) == flags)
			return (long)i;
	}
	return -1;
}

/* A wrong segment choice, unless the side really sends it at that same
 * instant (then it is not wrong, only not first). */
static void seg_choice(struct choices *c, const struct trace *tr, long r,
    struct seg s)
{
	const struct trace_event *right = &tr->ev[r];
	char buf[96], other[96];

	seg_str(s, buf, sizeof buf);
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->type == TRACE_SEGMENT && e->conn == right->conn &&
		    e->side == right->side && e->t == right->t &&
		    strcmp(seg_str(seg_of(tr, e), other, sizeof other),
		    buf) == 0 && (long)i != r)
			return;
	}
	choice_add(c, buf);
}

/* What a note on the segment says about it, in this order. */
static const struct {
	uint32_t note;
	const char *why;
} note_why[] = {
	{ NOTE_RETRANSMISSION, N_("It is a retransmission: the same numbers "
	    "again, because no ACK came before the timer fired.") },
	{ NOTE_KEEPALIVE, N_("A keepalive probe: seq is one below the next "
	    "number and it carries no data, so the peer must answer with an "
	    "ACK.") },
	{ NOTE_DUP_ACK, N_("It repeats the ACK of what it expects: the "
	    "segment that just arrived was not what it expected.") },
	{ NOTE_CHALLENGE_ACK, N_("A challenge ACK: the segment that arrived "
	    "might be forged, so it tells the peer the numbers it expects and "
	    "lets a genuine peer confirm.") },
};

/* What does SIDE send next? */
static int predict_next(const struct trace *tr, size_t at, int conn,
    int side, struct rng *rng, struct practice_question *q)
{
	struct choices c = { .n = 0 };
	struct text why = { 0 };
	long r = next_sent(tr, at, conn, side), own_fin, peer_fin, prev, since;
	struct seg s, p = { 0, 0, 0, 0 }, w;
	bool acks_fin = false, acks_syn = false, third, first_fin_ack;
	uint32_t notes;
	size_t said;
	int st;
	char buf[96];
	/* Other flags a learner might put on it, same numbers. */
	static const uint8_t fill_ack[] = {
		SEG_ACK, SEG_FIN | SEG_ACK, SEG_PSH | SEG_ACK, SEG_RST | SEG_ACK,
	};
	static const uint8_t fill_bare[] = { SEG_RST, SEG_FIN };

	if (r < 0 || !conn_started(tr, at, conn))
		return -1;
	s = seg_of(tr, &tr->ev[r]);
	notes = tr->ev[r].u.seg.notes;
	st = state_or_closed(tr, (size_t)r, conn, side, &since);
	own_fin = last_sent(tr, (size_t)r, conn, side, SEG_FIN);
	peer_fin = last_sent(tr, (size_t)r, conn, !side, SEG_FIN);
	prev = last_sent(tr, (size_t)r, conn, side, 0);
	if (prev >= 0)
		p = seg_of(tr, &tr->ev[prev]);
	if (s.flags & SEG_ACK) {
		if (peer_fin >= 0) {
			struct seg f = seg_of(tr, &tr->ev[peer_fin]);

			acks_fin = s.ack == f.seq + f.len + 1;
		}
		acks_syn = s.ack == 1;
	}
	third = prev >= 0 && (p.flags & (SEG_SYN | SEG_ACK)) == SEG_SYN &&
	    !(s.flags & (SEG_SYN | SEG_RST)) && (s.flags & SEG_ACK);
	/* The ACK that closes a direction, not a repetition of it. */
	first_fin_ack = acks_fin && !(s.flags & SEG_RST) &&
	    !(notes & (NOTE_DUP_ACK | NOTE_CHALLENGE_ACK)) &&
	    !(prev >= 0 && (p.flags & SEG_ACK) && p.ack == s.ack);

	choice_add(&c, seg_str(s, buf, sizeof buf));
	/* The classic slips first, each made from the right segment. */
	if (third) {		/* SYN set again on the third segment */
		w = s, w.flags |= SEG_SYN;
		seg_choice(&c, tr, r, w);
	}
	if (first_fin_ack && !(s.flags & SEG_FIN)) {
		w = s, w.flags |= SEG_FIN;	/* the second wave with FIN */
		seg_choice(&c, tr, r, w);
	}
	if (notes & NOTE_KEEPALIVE) {	/* a probe at the next number */
		w = s, w.seq++;
		seg_choice(&c, tr, r, w);
	}
	if ((s.flags & SEG_ACK) && s.ack > 0) {	/* ack = seq, not seq + 1 */
		w = s, w.ack--;
		seg_choice(&c, tr, r, w);
	}
	if (own_fin >= 0 && s.seq > 0) {	/* its FIN took no number */
		w = s, w.seq--;
		seg_choice(&c, tr, r, w);
	}
	if (prev >= 0 && seg_space(p) == 0 && s.seq == p.seq) {
		w = s, w.seq++;		/* a bare ACK took a number */
		seg_choice(&c, tr, r, w);
	}
	if (s.len > 0) {		/* seq after its own data */
		w = s, w.seq += s.len;
		seg_choice(&c, tr, r, w);
	}
	if ((s.flags & (SEG_SYN | SEG_ACK)) == (SEG_SYN | SEG_ACK)) {
		w = s, w.flags = SEG_SYN;	/* no ACK in the SYN-ACK */
		seg_choice(&c, tr, r, w);
	}
	if (s.flags & SEG_ACK) {
		w = s, w.ack++;
		seg_choice(&c, tr, r, w);
	}
	w = s, w.seq++;
	seg_choice(&c, tr, r, w);
	if ((s.flags & SEG_RST) && s.seq != 0) {
		w = s, w.seq = 0;
		seg_choice(&c, tr, r, w);
	}
	/* Without ACK the ack field means nothing: keep it out then. */
	for (size_t k = 0; (s.flags & SEG_ACK) && k < sizeof fill_ack; k++) {
		w = s, w.flags = fill_ack[k], w.len = 0;
		seg_choice(&c, tr, r, w);
	}
	for (size_t k = 0; !(s.flags & SEG_ACK) && k < sizeof fill_bare; k++) {
		w = s, w.flags = fill_bare[k], w.len = 0;
		seg_choice(&c, tr, r, w);
	}
	if (c.n < 3)
		return -1;

	q->ask = dup_str(gettext(ask_next[side]));
	text_add(&why, "%s.", seg_str(s, buf, sizeof buf));
	said = why.len;
	for (size_t k = 0; k < sizeof note_why / sizeof note_why[0]; k++)
		if (notes & note_why[k].note)
			text_add(&why, " %s", gettext(note_why[k].why));
	if (third)
		text_add(&why, " %s", _("The third segment of the handshake is "
		    "a plain ACK: SYN is not set again."));
	if (acks_syn && (third || (s.flags & SEG_SYN)))
		text_add(&why, " %s", _("ack=1: the peer's SYN (seq=0) uses up "
		    "one sequence number, so the next one expected is 1."));
	if (first_fin_ack) {
		if (s.flags & SEG_FIN)
			text_add(&why, " %s", _("Its program closed within the "
			    "delayed-ACK time, so the ACK of the peer's FIN and "
			    "its own FIN travel in one segment."));
		else if (own_fin >= 0)
			text_add(&why, " %s", _("Its own FIN went first; this "
			    "plain ACK of the peer's FIN is the last segment of "
			    "the close."));
		else
			text_add(&why, " %s", _("It acknowledges the peer's FIN "
			    "with a plain ACK; its own FIN comes later, when its "
			    "program closes."));
		text_add(&why, _(" ack=%u: the FIN uses up one sequence number, "
		    "so the ACK is its seq + 1."), (unsigned)s.ack);
	}
	if (own_fin >= 0 && !(s.flags & SEG_FIN))
		text_add(&why, _(" seq=%u: its own FIN used up one sequence "
		    "number."), (unsigned)s.seq);
	if ((s.flags & SEG_FIN) && !first_fin_ack &&
	    !(notes & NOTE_RETRANSMISSION))
		text_add(&why, _(" A FIN: its program has closed. The FIN takes "
		    "number %u, so the ACK of it will say ack=%u."),
		    (unsigned)(s.seq + s.len), (unsigned)(s.seq + s.len + 1));
	if ((s.flags & (SEG_SYN | SEG_ACK)) == SEG_SYN &&
	    !(notes & NOTE_RETRANSMISSION))
		text_add(&why, " %s", _("A SYN opens the connection: its seq is "
		    "the ISN (0 on the diagram) and, without the ACK flag, it "
		    "has no ack."));
	if ((s.flags & SEG_RST) && (st == TCP_CLOSED || st == TCP_LISTEN))
		text_add(&why, " %s", _("No connection matches the segment that "
		    "arrived, so it answers with a RST."));
	else if (s.flags & SEG_RST)
		text_add(&why, " %s", _("A RST ends the connection at once; "
		    "nothing answers it."));
	else if (s.len > 0)
		text_add(&why, _(" It carries %u bytes, numbered from seq."),
		    (unsigned)s.len);
	if (why.len == said)
		text_add(&why, " %s", _("seq is the next number it will send, "
		    "ack the next one it expects from the peer; an ACK "
		    "without data uses up none."));
	q->answer = text_take(&why);
	return choices_take(q, &c, rng);
}

/* Timer names as a learner reads them. */
static const char *const timer_label[TIMER_NKINDS] = {
	[TIMER_RETRANSMIT] = N_("retransmission timer"),
	[TIMER_DELACK] = N_("delayed-ACK timer"),
	[TIMER_KEEPALIVE] = N_("keepalive timer"),
	[TIMER_TIME_WAIT] = N_("TIME_WAIT timer (2MSL)"),
	[TIMER_FIN_WAIT_2] = N_("FIN_WAIT_2 timer"),
};

/* Why each runs, for the explanation. */
static const char *const timer_why[TIMER_NKINDS] = {
	[TIMER_RETRANSMIT] = N_("Something it sent is not acknowledged yet; if "
	    "no ACK comes by then, it sends it again and doubles the "
	    "timeout."),
	[TIMER_DELACK] = N_("It holds its ACK back a little, hoping to send it "
	    "along with data or a FIN."),
	[TIMER_KEEPALIVE] = N_("The connection is idle; when the timer fires, "
	    "a keepalive probe checks that the peer is still there."),
	[TIMER_TIME_WAIT] = N_("TIME_WAIT lasts 2MSL (60 s on Linux, 4 min in "
	    "RFC 9293); then the connection is CLOSED."),
	[TIMER_FIN_WAIT_2] = N_("A closed (orphaned) socket does not wait for "
	    "the peer's FIN forever: Linux gives up after tcp_fin_timeout."),
};

/* What each is taken for. */
static const uint8_t timer_confusion[TIMER_NKINDS] = {
	[TIMER_RETRANSMIT] = TIMER_DELACK,
	[TIMER_DELACK] = TIMER_RETRANSMIT,
	[TIMER_KEEPALIVE] = TIMER_RETRANSMIT,
	[TIMER_TIME_WAIT] = TIMER_FIN_WAIT_2,
	[TIMER_FIN_WAIT_2] = TIMER_TIME_WAIT,
};

/* "TIME_WAIT timer (2MSL), fires at 61.1 s (in 60 s)" */
static const char *timer_str(int k, int64_t at, int64_t now, char *buf,
    size_t len)
{
	char t[32], d[32];

	/* TRANSLATORS: %1$s a timer ("retransmission timer"), %2$s and %3$s
	 * seconds. */
	snprintf(buf, len, _("%1$s, fires at %2$s s (in %3$s s)"),
	    gettext(timer_label[k]), secs(at, t), secs(at - now, d));
	return buf;
}

/* Which timer runs on SIDE, and when does it fire? */
static int predict_timer(const struct trace *tr, size_t at, int64_t T,
    int conn, int side, struct rng *rng, struct practice_question *q)
{
	struct choices c = { .n = 0 };
	struct text why = { 0 };
	struct running r;
	long since;
	int st = state_or_closed(tr, at, conn, side, &since), k = -1;
	char buf[160];
	/* When nothing runs: the timers a learner might expect, and when. */
	static const struct {
		uint8_t timer;
		int64_t in;
	} guesses[] = {
		{ TIMER_RETRANSMIT, 1000000 }, { TIMER_TIME_WAIT, 60000000 },
		{ TIMER_KEEPALIVE, 7200000000 }, { TIMER_DELACK, 40000 },
		{ TIMER_FIN_WAIT_2, 60000000 },
	};

	if (!conn_started(tr, at, conn))
		return -1;
	timers_at(tr, at, conn, side, &r);
	if (r.n > 1)
		return -1;	/* one choice cannot name two timers */
	for (int i = 0; i < TIMER_NKINDS; i++)
		if (r.expires[i] != TRACE_T_NONE && r.expires[i] > T)
			k = i;
	if (r.n == 1 && k < 0)
		return -1;	/* it fires at this very instant */
	if (k < 0) {
		choice_add(&c, _("No timer is running"));
		/* Draws until three differ; the list has five. */
		while (c.n < CHOICES) {
			int i = (int)rng_below(rng, sizeof guesses /
			    sizeof guesses[0]);

			choice_add(&c, timer_str(guesses[i].timer,
			    T + guesses[i].in, T, buf, sizeof buf));
		}
	} else {
		int64_t a = r.armed[k], x = r.expires[k], d = x - a;

		choice_add(&c, timer_str(k, x, T, buf, sizeof buf));
		choice_add(&c, timer_str(timer_confusion[k], x, T, buf,
		    sizeof buf));
		if (k == TIMER_TIME_WAIT)	/* MSL taken for 2MSL */
			choice_add(&c, timer_str(k, a + d / 2, T, buf,
			    sizeof buf));
		else
			choice_add(&c, timer_str(k, a + 2 * d, T, buf,
			    sizeof buf));
		choice_add(&c, _("No timer is running"));
	}

	q->ask = dup_str(gettext(ask_timer[side]));
	if (k < 0 && st == TCP_CLOSED)
		text_add(&why, "%s", _("No timer is running: in CLOSED nothing "
		    "is left to time."));
	else if (k < 0)
		text_add(&why, _("No timer is running: in %s it waits for the "
		    "peer or for its own program."), tcp_state_name(st));
	else
		text_add(&why, "%s. %s", timer_str(k, r.expires[k], T, buf,
		    sizeof buf), gettext(timer_why[k]));
	q->answer = text_take(&why);
	return choices_take(q, &c, rng);
}

/* What a receiver makes of an arriving segment, as the choices say it.
 * Silence is V_IGNORED only when the trace says why (a full queue);
 * otherwise it could be an accepted ACK just as well, and nothing is
 * asked. */
enum verdict {
	V_ACCEPTED, V_DISCARDED, V_RST, V_CHALLENGE, V_TW_RESTART, V_IGNORED,
	V_NVERDICTS
};

static const char *const verdict_text[V_NVERDICTS] = {
	[V_ACCEPTED] = N_("Yes: it is accepted"),
	[V_DISCARDED] = N_("No: it is not acceptable; the receiver drops it "
	    "and sends an ACK of what it expects"),
	[V_RST] = N_("No: the receiver answers with a RST"),
	[V_CHALLENGE] = N_("No: the receiver sends a challenge ACK and keeps "
	    "the connection as it is"),
	[V_TW_RESTART] = N_("It is the peer's FIN again: the receiver ACKs it "
	    "once more and restarts its 2MSL timer"),
	[V_IGNORED] = N_("No: the receiver drops it without a word"),
};

/*
 * The wrong verdicts offered with each right one.  The three kinds of
 * "no, but an ACK goes back" overlap in plain words, so one of them is
 * never offered beside another.
 */
static const uint8_t verdict_wrong[V_NVERDICTS][3] = {
	[V_ACCEPTED] = { V_DISCARDED, V_RST, V_IGNORED },
	[V_DISCARDED] = { V_ACCEPTED, V_RST, V_IGNORED },
	[V_RST] = { V_ACCEPTED, V_DISCARDED, V_IGNORED },
	[V_CHALLENGE] = { V_ACCEPTED, V_RST, V_IGNORED },
	[V_TW_RESTART] = { V_RST, V_IGNORED, V_ACCEPTED },
	[V_IGNORED] = { V_ACCEPTED, V_RST, V_DISCARDED },
};

/* How `side` reacted to segment s at instant ta, from its own events of
 * that instant on the connection; -1 when the trace does not tell. */
static int verdict_of(const struct trace *tr, const struct trace_event *s,
    int64_t ta, int side, int st, long *reply, long *change)
{
	int conn = s->conn;
	bool rst = false, chal = false, dup = false, tw = false, busy = false;

	*reply = *change = -1;
	for (size_t i = index_at(tr, ta); i < tr->nev && tr->ev[i].t == ta;
	    i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->conn != conn || e->side != side)
			continue;
		busy = true;
		if (e->type == TRACE_STATE && *change < 0)
			*change = (long)i;
		if (e->type == TRACE_TIMER && e->u.timer.action == TIMER_ARMED &&
		    e->u.timer.timer == TIMER_TIME_WAIT)
			tw = true;
		if (e->type != TRACE_SEGMENT || (e->u.seg.notes & NOTE_FORGED))
			continue;
		/* The answer that decides the verdict, else the first. */
		if (*reply < 0 || (!dup && (e->u.seg.notes & NOTE_DUP_ACK)))
			*reply = (long)i;
		rst |= (e->u.seg.flags & SEG_RST) != 0;
		chal |= (e->u.seg.notes & NOTE_CHALLENGE_ACK) != 0;
		dup |= (e->u.seg.notes & NOTE_DUP_ACK) != 0;
	}
	if (rst)
		return V_RST;
	if (chal)
		return V_CHALLENGE;
	if (dup)
		return st == TCP_TIME_WAIT && tw ? V_TW_RESTART : V_DISCARDED;
	if (busy)
		return V_ACCEPTED;
	return s->u.seg.notes & NOTE_QUEUE_FULL ? V_IGNORED : -1;
}

/* Is the segment on its way to SIDE accepted? */
static int predict_accept(const struct trace *tr, size_t at, int64_t T,
    int conn, int side, struct rng *rng, struct practice_question *q)
{
	struct choices c = { .n = 0 };
	struct text why = { 0 }, ask = { 0 };
	int64_t ta = INT64_MAX;
	long s = -1, since, reply, change;
	int st, v;
	char buf[96];
	struct seg sg;

	/* The first segment to reach SIDE after T, alone at its instant. */
	for (size_t i = 0; i < at; i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->type != TRACE_SEGMENT || e->conn != conn ||
		    e->side == side || e->u.seg.lost || trace_arrival(e) <= T)
			continue;
		if (trace_arrival(e) < ta) {
			ta = trace_arrival(e);
			s = (long)i;
		}
	}
	if (s < 0)
		return -1;
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->type == TRACE_SEGMENT && (long)i != s &&
		    e->side != side && !e->u.seg.lost &&
		    trace_arrival(e) == ta)
			return -1;	/* another one arrives with it */
		if (e->type == TRACE_TIMER && e->side == side && e->t == ta &&
		    e->u.timer.action == TIMER_FIRED)
			return -1;	/* a timer acts at the same instant */
	}
	st = state_or_closed(tr, at, conn, side, &since);
	if (st != state_or_closed(tr, index_at(tr, ta), conn, side, &since))
		return -1;	/* it changes state before the arrival */
	if ((v = verdict_of(tr, &tr->ev[s], ta, side, st, &reply,
	    &change)) < 0)
		return -1;

	choice_add(&c, gettext(verdict_text[v]));
	for (int k = 0; k < 3; k++)
		choice_add(&c, gettext(verdict_text[verdict_wrong[v][k]]));

	sg = seg_of(tr, &tr->ev[s]);
	text_add(&ask, gettext(ask_accept[side]), seg_str(sg, buf, sizeof buf),
	    tcp_state_name(st));
	if (tr->ev[s].u.seg.notes & NOTE_FORGED)
		text_add(&ask, " %s", _("(A third host forged it.)"));
	q->ask = text_take(&ask);
	q->segment = s;
	text_add(&why, "%s.", gettext(verdict_text[v]));
	switch (v) {
	case V_ACCEPTED:
		if (change >= 0)
			text_add(&why, _(" The receiver goes from %1$s to %2$s."),
			    tcp_state_name(tr->ev[change].u.state.from),
			    tcp_state_name(tr->ev[change].u.state.to));
		else if (reply >= 0 && (tr->ev[reply].u.seg.flags & SEG_ACK))
			text_add(&why, _(" The receiver's answer carries "
			    "ack=%u."), (unsigned)trace_rel_ack(tr,
			    &tr->ev[reply]));
		break;
	case V_DISCARDED: {
		uint32_t r = trace_rel_ack(tr, &tr->ev[reply]);

		if (tr->ev[s].u.seg.notes & NOTE_KEEPALIVE)
			text_add(&why, _(" It is a keepalive probe: its seq is "
			    "one below what the receiver expects (%u), and the "
			    "ACK it draws shows that the peer is still there."),
			    (unsigned)r);
		else if (seq_le(sg.seq + seg_space(sg), r))
			text_add(&why, _(" Everything in it was received "
			    "before (the receiver expects seq=%u next): an old "
			    "duplicate. The ACK repeats what is expected."),
			    (unsigned)r);
		else if (seq_gt(sg.seq, r))
			text_add(&why, _(" It starts past the next number the "
			    "receiver expects (%u): something before it is "
			    "missing, and the ACK says so."), (unsigned)r);
		else
			text_add(&why, _(" It falls outside the receive window "
			    "(the receiver expects seq=%u)."), (unsigned)r);
		break;
	}
	case V_RST:
		if (change >= 0 && tr->ev[change].u.state.cause != NULL &&
		    strcmp(tr->ev[change].u.state.cause,
		    "rcv-data-after-close") == 0)
			text_add(&why, " %s", _("Its program has closed the "
			    "socket, so nobody will ever read this data: the "
			    "receiver resets the connection."));
		else if (st == TCP_CLOSED || st == TCP_LISTEN)
			text_add(&why, " %s", _("No connection matches it, so "
			    "the receiver refuses it with a RST."));
		break;
	case V_CHALLENGE:
		text_add(&why, " %s", _("A RST or SYN that is in the window but "
		    "not exactly at the expected number may be forged (RFC "
		    "5961): the receiver asks the peer to confirm with an ACK, "
		    "and only a RST at exactly that number ends the "
		    "connection."));
		break;
	case V_TW_RESTART:
		text_add(&why, " %s", _("The receiver's last ACK was lost, so "
		    "the peer sent its FIN again. TIME_WAIT is there for this: "
		    "it ACKs the FIN once more and waits 2MSL again."));
		break;
	case V_IGNORED:
		text_add(&why, " %s", _("The listener's queue is full, so the "
		    "segment is dropped and nothing is sent back."));
		if (sg.flags & SEG_SYN)
			text_add(&why, " %s", _("The client sends its SYN again "
			    "when its retransmission timer fires."));
		else
			text_add(&why, " %s", _("The client believes it is "
			    "connected; the server's half stays in SYN_RCVD, and "
			    "its SYN-ACK timer goes on."));
		break;
	}
	q->answer = text_take(&why);
	return choices_take(q, &c, rng);
}

int practice_predict(const struct trace *tr, const char *lesson, int64_t T,
    int kind, int side, int conn, struct rng *rng,
    struct practice_question *q)
{
	size_t at = index_after(tr, T);
	char t[32];
	int rc = -1, n;

	memset(q, 0, sizeof *q);
	q->segment = -1;
	/* Something must be left to happen, and the side must exist. */
	if (at == 0 || at >= tr->nev || (side != SIDE_CLIENT &&
	    side != SIDE_SERVER) || trace_conn(tr, conn) == NULL)
		return -1;
	switch (kind) {
	case PK_STATE:
		rc = predict_state(tr, at, conn, side, rng, q);
		break;
	case PK_NEXT:
		rc = predict_next(tr, at, conn, side, rng, q);
		break;
	case PK_TIMER:
		rc = predict_timer(tr, at, T, conn, side, rng, q);
		break;
	case PK_ACCEPT:
		rc = predict_accept(tr, at, T, conn, side, rng, q);
		break;
	}
	if (rc == 0 && tr->nconns > 1) {
		struct text a = { q->ask, q->ask ? strlen(q->ask) : 0, false };

		q->ask = NULL;
		/* TRANSLATORS: after a question, when a lesson has several. */
		text_add(&a, _(" (connection %d)"), conn);
		q->ask = text_take(&a);
	}
	if (rc < 0 || q->ask == NULL || q->answer == NULL) {
		practice_question_free(q);
		return -1;
	}
	q->kind = (uint8_t)kind;
	q->tr = tr;
	q->at = at;
	q->t = T;
	q->conn = conn;
	q->side = (uint8_t)side;
	snprintf(q->scenario, sizeof q->scenario, "%s", lesson);
	n = snprintf(q->id, sizeof q->id, "%s@%s:%s:%s", lesson, secs(T, t),
	    kind_names[kind], trace_side_name(side));
	if (conn != 1 && n > 0 && (size_t)n < sizeof q->id)
		snprintf(q->id + n, sizeof q->id - (size_t)n, ":c%d", conn);
	return 0;
}

/* ---- The pool ---- */

struct practice_pool {
	int lang;
	uint64_t seed;
	struct practice_question *q;
	size_t n, cap;
};

struct practice_pool *practice_pool_new(int lang, uint64_t seed)
{
	struct practice_pool *p = calloc(1, sizeof *p);

	if (p != NULL) {
		p->lang = lang == 1;
		p->seed = seed;
	}
	return p;
}

void practice_pool_free(struct practice_pool *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		practice_question_free(&p->q[i]);
	free(p->q);
	free(p);
}

size_t practice_pool_size(const struct practice_pool *p)
{
	return p->n;
}

const struct practice_question *practice_pool_question(
    const struct practice_pool *p, size_t i)
{
	return i < p->n ? &p->q[i] : NULL;
}

static bool pool_has(const struct practice_pool *p, const char *id)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->q[i].id, id) == 0)
			return true;
	return false;
}

/* Take q into the pool (or free it if its id is there already); -1 when
 * out of memory, q then freed. */
static int pool_put(struct practice_pool *p, struct practice_question *q,
    const char *topics)
{
	if (pool_has(p, q->id)) {
		practice_question_free(q);
		return 0;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct practice_question *nq = realloc(p->q, cap * sizeof *nq);

		if (nq == NULL) {
			practice_question_free(q);
			return -1;
		}
		p->q = nq;
		p->cap = cap;
	}
	if (topics != NULL && (q->topics = dup_str(topics)) == NULL) {
		practice_question_free(q);
		return -1;
	}
	p->q[p->n++] = *q;
	return 0;
}

static bool same_addr(const struct endpoint *a, const struct endpoint *b)
{
	return a->family == b->family &&
	    memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16) == 0;
}

/* A connection between the lesson's own two hosts, not an attacker's. */
static bool own_conn(const struct trace *tr, const struct scenario *sc,
    int conn)
{
	const struct trace_conn *c = trace_conn(tr, conn);

	if (c == NULL)
		return false;
	return (same_addr(&c->ep[0], &sc->ep[0]) &&
	    same_addr(&c->ep[1], &sc->ep[1])) ||
	    (same_addr(&c->ep[0], &sc->ep[1]) &&
	    same_addr(&c->ep[1], &sc->ep[0]));
}

/* The lesson's own connection that was last active at or before T. */
static int conn_at(const struct trace *tr, const struct scenario *sc,
    int64_t T)
{
	for (size_t i = index_after(tr, T); i-- > 0; )
		if (own_conn(tr, sc, tr->ev[i].conn))
			return tr->ev[i].conn;
	return 0;
}

static int add_prediction(struct practice_pool *p, const struct scenario *sc,
    const struct trace *tr, int64_t T, int kind, int side, int conn,
    struct rng *rng)
{
	struct practice_question q;

	if (!own_conn(tr, sc, conn) ||
	    practice_predict(tr, sc->id, T, kind, side, conn, rng, &q) < 0)
		return 1;
	return pool_put(p, &q, sc->topics);
}

/* FNV-1a: a lesson's own stream of random stops, whatever the order
 * lessons are added in. */
static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3u;
	return h;
}

/* "lifecycle@1.05:next:client[:c2]" back into its parts. */
static int parse_id(const char *id, const char *lesson, int64_t *T,
    int *kind, int *side, int *conn)
{
	size_t n = strlen(lesson);
	char buf[PRACTICE_ID_MAX], *f[4], *save = NULL;
	int nf = 0;

	if (strncmp(id, lesson, n) != 0 || id[n] != '@' ||
	    strlen(id + n + 1) >= sizeof buf)
		return -1;
	strcpy(buf, id + n + 1);
	for (char *tok = strtok_r(buf, ":", &save); tok != NULL && nf < 4;
	    tok = strtok_r(NULL, ":", &save))
		f[nf++] = tok;
	if (nf < 3 || units_parse_time(f[0], T, NULL) != UNITS_OK)
		return -1;
	for (*kind = 0; *kind <= PK_ACCEPT; (*kind)++)
		if (strcmp(f[1], kind_names[*kind]) == 0)
			break;
	*side = strcmp(f[2], "client") == 0 ? SIDE_CLIENT :
	    strcmp(f[2], "server") == 0 ? SIDE_SERVER : -1;
	*conn = 1;
	if (nf == 4 && (f[3][0] != 'c' || (*conn = atoi(f[3] + 1)) <= 0))
		return -1;
	return *kind <= PK_ACCEPT && *side >= 0 ? 0 : -1;
}

int practice_pool_add_lesson(struct practice_pool *p,
    const struct scenario *sc, const struct trace *tr, int stops,
    const char *const *due_ids, size_t ndue)
{
	static const int ckpt_kinds[] = {
		PK_NEXT, PK_STATE, PK_TIMER, PK_ACCEPT,
	};
	struct rng rng;
	int64_t T;
	int kind, side, conn;

	rng_seed(&rng, p->seed ^ hash_str(sc->id));
	for (size_t k = 0; k < tr->nckpts; k++) {
		const struct trace_checkpoint *ck = &tr->ckpts[k];
		struct practice_question q = { .kind = PK_CHECKPOINT };
		size_t first = index_at(tr, ck->t);

		/* Its own question, right after its event. */
		snprintf(q.id, sizeof q.id, "%s#%zu", sc->id, k + 1);
		snprintf(q.scenario, sizeof q.scenario, "%s", sc->id);
		q.tr = tr;
		q.at = ck->at;
		q.t = ck->t;
		q.conn = ck->conn;
		q.side = ck->side;
		q.segment = -1;
		q.ask = dup_str(ck->ask[p->lang] ? ck->ask[p->lang] : ck->ask[0]);
		q.answer = dup_str(ck->answer[p->lang] ? ck->answer[p->lang] :
		    ck->answer[0]);
		if (q.ask == NULL || q.answer == NULL) {
			practice_question_free(&q);
			return -1;
		}
		if (pool_put(p, &q, sc->topics) < 0)
			return -1;
		/* Predictions just before its event: what will happen? */
		if (first == 0)
			continue;
		T = tr->ev[first - 1].t;
		conn = own_conn(tr, sc, ck->conn) ? ck->conn : conn_at(tr, sc, T);
		for (size_t i = 0; i < sizeof ckpt_kinds / sizeof ckpt_kinds[0];
		    i++)
			if (add_prediction(p, sc, tr, T, ckpt_kinds[i], ck->side,
			    conn, &rng) < 0)
				return -1;
		if (add_prediction(p, sc, tr, T, PK_STATE, !ck->side, conn,
		    &rng) < 0)
			return -1;
	}
	/* Random moments: the first question that has an answer there. */
	for (int s = 0; s < stops && tr->nev > 1; s++) {
		int order[(PK_ACCEPT + 1) * 2], rc = 1;

		T = tr->ev[rng_below(&rng, (uint32_t)tr->nev - 1)].t;
		if ((conn = conn_at(tr, sc, T)) == 0)
			continue;
		for (int i = 0; i < (PK_ACCEPT + 1) * 2; i++)
			order[i] = i;
		for (int i = (PK_ACCEPT + 1) * 2 - 1; i > 0; i--) {
			int j = (int)rng_below(&rng, (uint32_t)i + 1);
			int t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (int i = 0; i < (PK_ACCEPT + 1) * 2 && rc > 0; i++)
			rc = add_prediction(p, sc, tr, T, order[i] / 2,
			    order[i] % 2, conn, &rng);
		if (rc < 0)
			return -1;
	}
	/* Questions of earlier sessions that are due again. */
	for (size_t i = 0; i < ndue; i++)
		if (parse_id(due_ids[i], sc->id, &T, &kind, &side, &conn) == 0 &&
		    add_prediction(p, sc, tr, T, kind, side, conn, &rng) < 0)
			return -1;
	return 0;
}

int practice_pool_add_bank(struct practice_pool *p, const struct bank *b)
{
	for (size_t i = 0; i < b->nq; i++) {
		const struct bank_question *bq = &b->q[i];
		struct practice_question q = { .segment = -1 };
		const char *opts[1 + BANK_MAX_WRONG];
		int n = 0, l = p->lang;
		struct rng rng;

		q.kind = bq->kind == BANK_MISTAKE ? PK_MISTAKE : PK_CONCEPT;
		snprintf(q.id, sizeof q.id, "bank:%s", bq->id);
		snprintf(q.scenario, sizeof q.scenario, "%s", bq->show);
		q.ask = dup_str(bq->ask[l] ? bq->ask[l] : bq->ask[0]);
		q.answer = dup_str(bq->answer[l] ? bq->answer[l] :
		    bq->answer[0]);
		if (bq->right[0] != NULL) {
			opts[n++] = bq->right[l] ? bq->right[l] : bq->right[0];
			for (int w = 0; w < bq->nwrong; w++)
				opts[n++] = bq->wrong[w][l] ? bq->wrong[w][l] :
				    bq->wrong[w][0];
		}
		/* The order of the choices: the same every session for a
		 * seed, different between questions. */
		rng_seed(&rng, p->seed ^ hash_str(q.id));
		for (int k = n - 1; k > 0; k--) {
			int j = (int)rng_below(&rng, (uint32_t)k + 1);
			const char *t = opts[k];

			opts[k] = opts[j];
			opts[j] = t;
		}
		for (int k = 0; k < n; k++) {
			if (opts[k] == (bq->right[l] ? bq->right[l] :
			    bq->right[0]))
				q.right = k;
			q.choices[k] = dup_str(opts[k]);
			q.nchoices = k + 1;
			if (q.choices[k] == NULL)
				break;
		}
		if (q.ask == NULL || q.answer == NULL ||
		    (n > 0 && q.choices[n - 1] == NULL)) {
			practice_question_free(&q);
			return -1;
		}
		if (pool_put(p, &q, bq->topics) < 0)
			return -1;
	}
	return 0;
}

/* ---- Records ---- */

void practice_progress_init(struct practice_progress *pr)
{
	memset(pr, 0, sizeof *pr);
}

void practice_progress_free(struct practice_progress *pr)
{
	free(pr->r);
	practice_progress_init(pr);
}

struct practice_record *practice_record_find(
    const struct practice_progress *pr, const char *id)
{
	for (size_t i = 0; i < pr->n; i++)
		if (strcmp(pr->r[i].id, id) == 0)
			return &pr->r[i];
	return NULL;
}

int practice_record_answer(struct practice_progress *pr, const char *id,
    bool right, uint32_t session)
{
	struct practice_record *r = practice_record_find(pr, id);

	if (r == NULL) {
		if (strlen(id) >= sizeof r->id)
			return 0;	/* no id is this long; nothing to keep */
		if (pr->n == pr->cap) {
			size_t cap = pr->cap ? pr->cap * 2 : 64;
			struct practice_record *nr = realloc(pr->r,
			    cap * sizeof *nr);

			if (nr == NULL)
				return -1;
			pr->r = nr;
			pr->cap = cap;
		}
		r = &pr->r[pr->n++];
		memset(r, 0, sizeof *r);
		strcpy(r->id, id);
	}
	/* Leitner: right climbs a box, wrong starts again from box 0. */
	if (right) {
		if (r->box + 1 < PRACTICE_BOXES)
			r->box++;
		r->right++;
	} else {
		r->box = 0;
		r->wrong++;
	}
	r->last = session;
	return 0;
}

uint32_t practice_box_interval(int box)
{
	if (box < 0)
		box = 0;
	if (box >= PRACTICE_BOXES)
		box = PRACTICE_BOXES - 1;
	return 1u << box;
}

bool practice_record_due(const struct practice_record *r, uint32_t session)
{
	return session > r->last &&
	    session - r->last >= practice_box_interval(r->box);
}

/* ---- Sessions ---- */

/* A question a session may ask, and how soon it should come. */
struct cand {
	const struct practice_question *q;
	int cls;		/* 0 due, 1 new, 2 not due yet */
	uint64_t key;		/* within the class: smaller first */
	uint64_t tie;		/* random */
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->tie < y->tie ? -1 : x->tie > y->tie;
}

static bool matches(const struct practice_question *q, const char *filter)
{
	return filter == NULL || strcmp(q->scenario, filter) == 0 ||
	    bank_has_tag(q->topics, filter);
}

int practice_session_new(struct practice_session *s,
    const struct practice_pool *p, const struct practice_progress *pr,
    const char *filter, size_t n, struct rng *rng)
{
	struct cand *c[2];
	size_t nc[2] = { 0, 0 }, next[2] = { 0, 0 };
	int turn;

	memset(s, 0, sizeof *s);
	s->number = pr->sessions + 1;
	if (n == 0)
		n = PRACTICE_DEFAULT_QUESTIONS;
	if (n > PRACTICE_MAX_QUESTIONS)
		n = PRACTICE_MAX_QUESTIONS;
	/* [0] the lessons' questions, [1] the bank's: they alternate. */
	c[0] = malloc((p->n + 1) * sizeof *c[0]);
	c[1] = malloc((p->n + 1) * sizeof *c[1]);
	s->q = malloc(n * sizeof *s->q);
	s->given = malloc(n * sizeof *s->given);
	if (c[0] == NULL || c[1] == NULL || s->q == NULL || s->given == NULL) {
		free(c[0]);
		free(c[1]);
		practice_session_free(s);
		return -1;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct practice_question *q = &p->q[i];
		const struct practice_record *r =
		    practice_record_find(pr, q->id);
		int g = q->kind >= PK_CONCEPT;
		struct cand *x;

		if (!matches(q, filter))
			continue;
		x = &c[g][nc[g]++];
		x->q = q;
		x->tie = rng_next(rng);
		if (r == NULL) {
			x->cls = 1;
			x->key = 0;
		} else if (practice_record_due(r, s->number)) {
			/* Lower boxes (missed lately) first, then the oldest. */
			x->cls = 0;
			x->key = (uint64_t)r->box << 32 | r->last;
		} else {
			x->cls = 2;
			x->key = (uint64_t)r->last +
			    practice_box_interval(r->box);
		}
	}
	for (int g = 0; g < 2; g++)
		qsort(c[g], nc[g], sizeof *c[g], cand_cmp);
	/* Start with the kind whose first question is the more urgent. */
	turn = nc[0] == 0 || (nc[1] > 0 && cand_cmp(&c[1][0], &c[0][0]) < 0);
	while (s->nq < n && (next[0] < nc[0] || next[1] < nc[1])) {
		if (next[turn] == nc[turn])
			turn = !turn;
		s->q[s->nq] = c[turn][next[turn]++].q;
		s->given[s->nq++] = PRACTICE_UNANSWERED;
		turn = !turn;
	}
	free(c[0]);
	free(c[1]);
	return 0;
}

void practice_session_free(struct practice_session *s)
{
	free(s->q);
	free(s->given);
	memset(s, 0, sizeof *s);
}

bool practice_is_right(const struct practice_question *q, int given)
{
	return q->nchoices > 0 ? given == q->right : given == PRACTICE_KNEW;
}

bool practice_answer(struct practice_session *s, size_t i, int given)
{
	if (i >= s->nq)
		return false;
	s->given[i] = given;
	return practice_is_right(s->q[i], given);
}

void practice_score(const struct practice_session *s, size_t *right,
    size_t *answered)
{
	*right = *answered = 0;
	for (size_t i = 0; i < s->nq; i++) {
		if (s->given[i] == PRACTICE_UNANSWERED)
			continue;
		(*answered)++;
		*right += practice_is_right(s->q[i], s->given[i]);
	}
}

int practice_session_finish(const struct practice_session *s,
    struct practice_progress *pr)
{
	int rc = 0;
	bool any = false;

	for (size_t i = 0; i < s->nq; i++) {
		if (s->given[i] == PRACTICE_UNANSWERED)
			continue;
		any = true;
		if (practice_record_answer(pr, s->q[i]->id,
		    practice_is_right(s->q[i], s->given[i]), s->number) < 0)
			rc = -1;
	}
	if (any && pr->sessions < s->number)
		pr->sessions = s->number;
	return rc;
}
