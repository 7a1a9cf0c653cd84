/*
 * check_layout.c: the ladder layout and the player behind the
 * interactive view.  The layout is checked on what a student would
 * see: rows in time order, arrows that slope with their delay, lost
 * segments that stop half-way, nothing drawn before it happens, quiet
 * stretches compressed with their length said, clean ASCII, and state
 * tables that agree with the lesson at each moment.  The player is
 * checked on the "what if" promise: a branch with TCP's reaction, the
 * same history before it, and an exact undo.
 */
/* open_memstream() is POSIX 2008. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "library.h"
#include "player.h"
#include "tests.h"

#define SEC 1000000LL
#define MS 1000LL
#define NSPANS 8192

/* ---- Helpers ---- */

static struct layout *build(const struct trace *tr, int width, bool utf8)
{
	struct layout_opts o;
	struct layout *l;

	memset(&o, 0, sizeof o);
	o.width = width;
	o.utf8 = utf8;
	l = layout_build(tr, &o);
	ck_assert_ptr_nonnull(l);
	return l;
}

/* The whole ladder at `now`; the spans are static, their count returned. */
static struct layout_span spans[NSPANS];

static size_t frame_all(const struct layout *l, int64_t now)
{
	size_t n = layout_frame(l, 0, layout_rows(l), now, -1, -1, spans,
	    NSPANS);

	ck_assert_uint_le(n, NSPANS);
	return n;
}

/* A span of event ev (any event if -1) with this role whose text
 * contains `text` (any text if NULL); NULL if none. */
static const struct layout_span *find_span(size_t n, long ev, int role,
    const char *text)
{
	for (size_t i = 0; i < n; i++)
		if ((ev < 0 || spans[i].event == ev) && spans[i].role == role &&
		    (text == NULL || strstr(spans[i].text, text) != NULL))
			return &spans[i];
	return NULL;
}

static long seg_index(const struct trace *tr, uint32_t n)
{
	const struct trace_event *e = nth_segment(tr, n);

	ck_assert_ptr_nonnull(e);
	return (long)(e - tr->ev);
}

static char *json_of(const struct trace *tr)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(trace_write_json(tr, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

/* A player on scenario `id` as the library plays it. */
static struct player *play(struct run *r, const char *id)
{
	struct tv_error err;
	struct player *p;

	run_scenario(r, id, NULL, NULL);
	p = player_new(&r->sc, &r->prof, r->sc.has_seed ? r->sc.seed : 1, NULL,
	    0, &err);
	ck_assert_msg(p != NULL, "%s", err.msg);
	return p;
}

/* Events before time t are the same in both traces. */
static void same_before(const struct trace *a, const struct trace *b,
    int64_t t)
{
	size_t i;

	for (i = 0; i < a->nev && a->ev[i].t < t; i++) {
		const struct trace_event *x = &a->ev[i], *y = &b->ev[i];

		ck_assert_uint_lt(i, b->nev);
		ck_assert_int_eq(x->type, y->type);
		ck_assert_int_eq(x->side, y->side);
		ck_assert_int_eq(x->conn, y->conn);
		ck_assert_int_eq(x->t, y->t);
		if (x->type == TRACE_SEGMENT) {
			ck_assert_uint_eq(x->n, y->n);
			ck_assert_uint_eq(x->u.seg.seq, y->u.seg.seq);
			ck_assert_uint_eq(x->u.seg.flags, y->u.seg.flags);
			ck_assert_int_eq(x->u.seg.lost, y->u.seg.lost);
		}
	}
	ck_assert_uint_gt(i, 0);
}

/* ---- Rows ---- */

START_TEST(rows_follow_time_one_moment_each)
{
	struct run r;
	struct layout *l;
	int rows;

	run_scenario(&r, "lifecycle", NULL, NULL);
	l = build(&r.tr, 100, true);
	rows = layout_rows(l);
	ck_assert_int_gt(rows, 20);
	for (int i = 1; i < rows; i++)
		ck_assert_int_ge(layout_row_time(l, i), layout_row_time(l, i - 1));
	for (size_t i = 0; i < r.tr.nev; i++) {
		const struct trace_event *e = &r.tr.ev[i];
		int row = layout_event_row(l, i);

		if (i > 0)
			ck_assert_int_ge(row, layout_event_row(l, i - 1));
		if (e->type == TRACE_NARRATION || e->type == TRACE_TIMER)
			continue;
		/* What is drawn sits in a row of its own moment... */
		ck_assert_int_eq(layout_row_time(l, row), e->t);
		ck_assert_int_eq(layout_row_at_time(l, e->t) >= row, 1);
		/* ...and a later moment is on a later row. */
		for (size_t j = i + 1; j < r.tr.nev; j++) {
			if (r.tr.ev[j].t == e->t || r.tr.ev[j].type == TRACE_NARRATION ||
			    r.tr.ev[j].type == TRACE_TIMER)
				continue;
			ck_assert_int_gt(layout_event_row(l, j), row);
			break;
		}
		ck_assert_int_eq(layout_event_at_row(l, row) >= (long)i, 1);
	}
	ck_assert_int_eq(layout_event_at_row(l, -1), -1);
	ck_assert_int_eq(layout_row_at_time(l, -1), -1);
	layout_free(l);
	run_free(&r);
}
END_TEST

START_TEST(arrows_slope_down_with_their_delay)
{
	struct run r;
	struct layout *l;
	int checked = 0;

	run_scenario(&r, "lifecycle", NULL, NULL);
	l = build(&r.tr, 80, true);
	for (size_t i = 0; i < r.tr.nev; i++) {
		const struct trace_event *e = &r.tr.ev[i];
		int send = layout_event_row(l, i), arrive = layout_arrival_row(l, i);

		if (e->type != TRACE_SEGMENT) {
			ck_assert_int_eq(arrive, -1);
			continue;
		}
		ck_assert_int_gt(arrive, send);
		ck_assert_int_eq(layout_row_time(l, arrive), trace_arrival(e));
		checked++;
	}
	ck_assert_int_eq(checked, 11);
	layout_free(l);
	run_free(&r);
}
END_TEST

START_TEST(zero_delay_arrow_fits_one_row)
{
	struct trace tr;
	struct endpoint c, s;
	struct segment seg;
	struct layout *l;
	size_t n;

	trace_init(&tr);
	endpoint_parse("10.0.0.1:49152", &c);
	endpoint_parse("10.0.0.2:80", &s);
	trace_add_conn(&tr, &c, &s);
	memset(&seg, 0, sizeof seg);
	seg.flags = SEG_SYN;
	seg.seq = 1000;
	trace_add_segment(&tr, 5 * MS, 1, SIDE_CLIENT, &seg, 5 * MS, 0);
	l = build(&tr, 80, true);
	ck_assert_int_eq(layout_rows(l), 1);
	ck_assert_int_eq(layout_arrival_row(l, 0), 0);
	n = frame_all(l, 5 * MS);
	ck_assert_ptr_nonnull(find_span(n, 0, ROLE_ARROW_C2S, "\u25b6"));
	ck_assert_ptr_nonnull(find_span(n, 0, ROLE_LABEL, "S seq=0 len=0"));
	layout_free(l);
	trace_free(&tr);
}
END_TEST

/* ---- Frames ---- */

START_TEST(lost_segment_stops_half_way_marked_and_said)
{
	struct run r;
	struct layout_geometry g;
	struct layout *l;
	long lost;
	size_t n;

	run_scenario(&r, "syn-lost", NULL, NULL);
	lost = seg_index(&r.tr, 1);
	ck_assert(r.tr.ev[lost].u.seg.lost);
	for (int utf8 = 0; utf8 < 2; utf8++) {
		l = build(&r.tr, 80, utf8);
		layout_geometry(l, &g);
		n = frame_all(l, 200 * SEC);
		ck_assert_ptr_nonnull(find_span(n, lost, ROLE_LOST,
		    utf8 ? "\u2715 lost" : "X lost"));
		for (size_t i = 0; i < n; i++) {
			if (spans[i].event != lost)
				continue;
			ck_assert_int_eq(spans[i].row, layout_event_row(l, lost));
			ck_assert_int_gt(spans[i].col, g.client);
			ck_assert_int_lt(spans[i].col + spans[i].width, g.server);
		}
		/* The retransmission that follows says what it is. */
		ck_assert_ptr_nonnull(find_span(n, seg_index(&r.tr, 2),
		    ROLE_RETRANS, utf8 ? "\u21bb retransmission" :
		    "* retransmission"));
		layout_free(l);
	}
	run_free(&r);
}
END_TEST

START_TEST(nothing_is_drawn_before_it_happens)
{
	struct run r;
	struct layout *l;
	long syn;
	size_t n;

	run_scenario(&r, "lifecycle", NULL, NULL);
	syn = seg_index(&r.tr, 1);
	l = build(&r.tr, 80, true);
	n = frame_all(l, r.tr.ev[syn].t - 1);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_ne(spans[i].event, syn);
		ck_assert_int_ne(spans[i].role, ROLE_LABEL);
		ck_assert_int_ne(spans[i].role, ROLE_ARROW_C2S);
	}
	/* The server's listen() had happened: LISTEN is on its lifeline. */
	ck_assert_ptr_nonnull(find_span(n, -1, ROLE_STATE, "LISTEN"));
	ck_assert_ptr_null(find_span(n, -1, ROLE_STATE, "SYN_SENT"));
	/* Below the current row only the lifelines go on, dimmed. */
	for (size_t i = 0; i < n; i++)
		if (spans[i].row > layout_row_at_time(l, r.tr.ev[syn].t - 1))
			ck_assert_int_eq(spans[i].role, ROLE_FUTURE);
	n = frame_all(l, r.tr.ev[syn].t);
	ck_assert_ptr_nonnull(find_span(n, syn, ROLE_LABEL, "S seq=0 len=0"));
	ck_assert_ptr_nonnull(find_span(n, -1, ROLE_STATE, "SYN_SENT"));
	layout_free(l);
	run_free(&r);
}
END_TEST

/* Columns the arrow of event ev covers, and whether it has its head. */
static int arrow_cells(size_t n, long ev, bool *head)
{
	int cells = 0;

	*head = false;
	for (size_t i = 0; i < n; i++) {
		if (spans[i].event != ev || (spans[i].role != ROLE_ARROW_C2S &&
		    spans[i].role != ROLE_ARROW_S2C))
			continue;
		cells += spans[i].width;
		if (strstr(spans[i].text, "\u25b6") != NULL)
			*head = true;
	}
	return cells;
}

START_TEST(segment_in_flight_is_drawn_as_far_as_it_went)
{
	struct run r;
	struct layout_geometry g;
	struct layout *l;
	const struct trace_event *e;
	const struct layout_span *tip;
	long syn;
	int sent, half, all;
	bool head;
	size_t n;

	run_scenario(&r, "lifecycle", NULL, NULL);
	syn = seg_index(&r.tr, 1);
	e = &r.tr.ev[syn];
	l = build(&r.tr, 80, true);
	layout_geometry(l, &g);

	sent = arrow_cells(frame_all(l, e->t), syn, &head);
	ck_assert(!head);
	n = frame_all(l, e->t + (trace_arrival(e) - e->t) * 3 / 4);
	half = arrow_cells(n, syn, &head);
	/* Travelling: a head at its tip, short of the server. */
	ck_assert(head);
	tip = find_span(n, syn, ROLE_ARROW_C2S, "\u25b6");
	ck_assert_int_lt(tip->col + tip->width, g.server);
	n = frame_all(l, trace_arrival(e));
	all = arrow_cells(n, syn, &head);
	ck_assert(head);
	tip = find_span(n, syn, ROLE_ARROW_C2S, "\u25b6");
	ck_assert_int_eq(tip->col + tip->width, g.server);
	ck_assert_int_eq(tip->row, layout_arrival_row(l, syn));
	ck_assert_int_lt(sent, half);
	ck_assert_int_lt(half, all);
	layout_free(l);
	run_free(&r);
}
END_TEST

START_TEST(time_wait_is_one_gap_row_that_says_how_long)
{
	struct run r;
	struct layout *l;
	const struct layout_span *gap, *timer;
	long tw;
	size_t n;
	int gaps = 0;

	run_scenario(&r, "lifecycle", NULL, NULL);
	tw = find_state(&r.tr, -1, SIDE_CLIENT, TCP_TIME_WAIT);
	ck_assert_int_ge(tw, 0);
	l = build(&r.tr, 80, true);
	n = frame_all(l, 100 * SEC);
	for (size_t i = 0; i < n; i++)
		gaps += spans[i].role == ROLE_GAP;
	ck_assert_int_eq(gaps, 1);
	/* From the server's CLOSED at 1.15 s to the end of 2MSL at 61.1 s. */
	gap = find_span(n, -1, ROLE_GAP, "\u2026 60.0 s \u2026");
	ck_assert_ptr_nonnull(gap);
	ck_assert_int_gt(gap->row, layout_event_row(l, (size_t)tw));

	/* Half-way through, the stretch so far and the countdown go on. */
	n = frame_all(l, 30 * SEC);
	gap = find_span(n, -1, ROLE_GAP, "28.9 s");
	ck_assert_ptr_nonnull(gap);
	timer = find_span(n, -1, ROLE_TIMER, "2MSL 31.1s");
	ck_assert_ptr_nonnull(timer);
	ck_assert_int_eq(timer->row, gap->row);
	ck_assert_int_eq(layout_row_at_time(l, 30 * SEC), gap->row);
	layout_free(l);
	run_free(&r);
}
END_TEST

START_TEST(running_timer_counts_down_beside_its_lifeline)
{
	struct run r;
	struct layout_geometry g;
	struct layout *l;
	const struct layout_span *s;
	size_t n;

	run_scenario(&r, "lifecycle", NULL, NULL);
	l = build(&r.tr, 80, true);
	layout_geometry(l, &g);
	/* The SYN left at 0.1 s with a 1 s timer. */
	n = frame_all(l, 130 * MS);
	s = find_span(n, -1, ROLE_TIMER, "RTO 0.97s");
	ck_assert_ptr_nonnull(s);
	ck_assert_int_lt(s->col + s->width, g.client);
	ck_assert_ptr_nonnull(find_span(n, -1, ROLE_TIMER, "\u2503"));
	layout_free(l);
	run_free(&r);
}
END_TEST

static void assert_ascii(const char *id)
{
	struct run r;
	struct layout *l;
	int64_t branch = -1;
	size_t n;

	run_scenario(&r, id, NULL, NULL);
	l = build(&r.tr, 80, false);
	for (int k = 0; k < 3; k++) {
		int64_t now = k == 0 ? INT64_MAX : k == 1 ? 30 * SEC : 130 * MS;

		n = layout_frame(l, 0, layout_rows(l) + 2, now, 3, branch,
		    spans, NSPANS);
		ck_assert_uint_gt(n, 0);
		for (size_t i = 0; i < n && i < NSPANS; i++)
			for (const char *p = spans[i].text; *p != '\0'; p++)
				ck_assert_msg((unsigned char)*p < 0x80,
				    "%s: '%s'", id, spans[i].text);
		branch = 0;
	}
	layout_free(l);
	run_free(&r);
}

START_TEST(ascii_mode_is_plain_ascii)
{
	assert_ascii("lifecycle");
	assert_ascii("syn-lost");
	assert_ascii("syn-flood");
	assert_ascii("last-ack-lost");
}
END_TEST

START_TEST(connections_after_the_first_carry_their_port)
{
	struct run r;
	struct layout *l;
	size_t n;
	char port[16];

	run_scenario(&r, "syn-flood", NULL, NULL);
	l = build(&r.tr, 120, true);
	n = frame_all(l, INT64_MAX);
	snprintf(port, sizeof port, ":%u S ",
	    (unsigned)r.tr.conns[1].ep[SIDE_CLIENT].port);
	ck_assert_ptr_nonnull(find_span(n, seg_index(&r.tr, 2), ROLE_LABEL,
	    port));
	ck_assert_ptr_nonnull(find_span(n, seg_index(&r.tr, 1), ROLE_LABEL,
	    "S seq=0 len=0 (forged)"));
	ck_assert_ptr_null(find_span(n, seg_index(&r.tr, 1), ROLE_LABEL, ":"));
	layout_free(l);
	run_free(&r);
}
END_TEST

START_TEST(narrow_or_wide_the_gap_fits_the_labels)
{
	struct run r;
	struct layout_geometry narrow, wide;
	struct layout *l;

	run_scenario(&r, "lifecycle", NULL, NULL);
	l = build(&r.tr, 20, true);
	layout_geometry(l, &narrow);
	layout_free(l);
	ck_assert_int_ge(narrow.server - narrow.client - 1, LAYOUT_MIN_GAP);
	ck_assert_int_gt(narrow.width, 20);
	l = build(&r.tr, 160, true);
	layout_geometry(l, &wide);
	layout_free(l);
	ck_assert_int_eq(wide.width, 160);
	ck_assert_int_eq(wide.client, narrow.client);
	run_free(&r);
}
END_TEST

START_TEST(frame_of_a_few_rows_finds_arrows_crossing_them)
{
	struct run r;
	struct layout *l;
	long ack;
	int send, arrive;
	size_t n;

	/* The client's ACK at 0.2 s crosses rows of other events. */
	run_scenario(&r, "lifecycle", NULL, NULL);
	l = build(&r.tr, 80, true);
	ack = seg_index(&r.tr, 3);
	send = layout_event_row(l, (size_t)ack);
	arrive = layout_arrival_row(l, (size_t)ack);
	ck_assert_int_gt(arrive - send, 1);
	n = layout_frame(l, send + 1, 1, INT64_MAX, -1, -1, spans, NSPANS);
	ck_assert_ptr_nonnull(find_span(n, ack, ROLE_ARROW_C2S, NULL));
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(spans[i].row, send + 1);
	/* The cursor is marked on its row. */
	n = layout_frame(l, send, 1, INT64_MAX, ack, -1, spans, NSPANS);
	ck_assert_ptr_nonnull(find_span(n, ack, ROLE_CURSOR, "\u25b8"));
	ck_assert_ptr_nonnull(find_span(n, ack, ROLE_CURSOR, ". seq=1"));
	/* A frame that does not fit reports how many spans it needs. */
	ck_assert_uint_eq(layout_frame(l, 0, 100, INT64_MAX, -1, -1, spans, 2),
	    frame_all(l, INT64_MAX));
	layout_free(l);
	run_free(&r);
}
END_TEST

/* ---- State tables ---- */

START_TEST(tables_after_the_handshake_are_one_one_one)
{
	struct run r;
	struct layout_table t[2];

	run_scenario(&r, "handshake", NULL, NULL);
	layout_tables(&r.tr, 1, 300 * MS, t);
	for (int s = 0; s < 2; s++) {
		ck_assert_int_eq(t[s].state, TCP_ESTABLISHED);
		ck_assert(!t[s].assumed);
		ck_assert(t[s].iss_known && t[s].irs_known);
		ck_assert_uint_eq(t[s].snd_una, 1);
		ck_assert_uint_eq(t[s].snd_nxt, 1);
		ck_assert_uint_eq(t[s].rcv_nxt, 1);
		ck_assert_uint_eq(t[s].iss, nth_segment(&r.tr, s + 1)->u.seg.seq);
		ck_assert_uint_eq(t[s].irs, nth_segment(&r.tr, 2 - s)->u.seg.seq);
		ck_assert_int_eq(t[s].ntimers, 0);
	}
	/* 502 << 7 after both SYNs offered scaling; a SYN's own is never
	 * scaled. */
	ck_assert_uint_eq(t[SIDE_CLIENT].rcv_wnd, 502u << 7);
	ck_assert_uint_eq(t[SIDE_SERVER].snd_wnd, 502u << 7);
	ck_assert_uint_eq(t[SIDE_CLIENT].snd_wnd, 64240);
	ck_assert_uint_eq(t[SIDE_SERVER].listening, true);
	ck_assert_int_eq(t[SIDE_SERVER].accept_queue, 0);
	run_free(&r);
}
END_TEST

static void table_is(const struct layout_table *t, enum tcp_state st,
    uint32_t una, uint32_t nxt, uint32_t rcv)
{
	ck_assert_str_eq(tcp_state_name(t->state), tcp_state_name(st));
	ck_assert_uint_eq(t->snd_una, una);
	ck_assert_uint_eq(t->snd_nxt, nxt);
	ck_assert_uint_eq(t->rcv_nxt, rcv);
}

START_TEST(tables_through_the_lifecycle)
{
	struct run r;
	struct layout_table t[2];

	run_scenario(&r, "lifecycle", NULL, NULL);
	/* Before anything: the server listens, the client does not exist. */
	layout_tables(&r.tr, 0, 50 * MS, t);
	ck_assert_int_eq(t[SIDE_CLIENT].state, TCP_CLOSED);
	ck_assert(!t[SIDE_CLIENT].snd_known);
	ck_assert_int_eq(t[SIDE_SERVER].state, TCP_LISTEN);
	ck_assert(t[SIDE_SERVER].listening);
	ck_assert_int_eq(t[SIDE_SERVER].backlog, 128);
	ck_assert_int_eq(t[SIDE_SERVER].syn_queue, 0);

	/* The SYN in flight: sent, not arrived. */
	layout_tables(&r.tr, 1, 120 * MS, t);
	table_is(&t[SIDE_CLIENT], TCP_SYN_SENT, 0, 1, 0);
	ck_assert(!t[SIDE_CLIENT].rcv_known);
	ck_assert_int_eq(t[SIDE_CLIENT].ntimers, 1);
	ck_assert_int_eq(t[SIDE_CLIENT].timers[0].timer, TIMER_RETRANSMIT);
	ck_assert_int_eq(t[SIDE_CLIENT].timers[0].expires, 1100 * MS);
	ck_assert_int_eq(t[SIDE_SERVER].state, TCP_LISTEN);
	ck_assert(!t[SIDE_SERVER].irs_known);

	/* Half-open: one connection in the SYN queue. */
	layout_tables(&r.tr, 1, 210 * MS, t);
	table_is(&t[SIDE_CLIENT], TCP_ESTABLISHED, 1, 101, 1);
	table_is(&t[SIDE_SERVER], TCP_SYN_RCVD, 0, 1, 1);
	ck_assert_int_eq(t[SIDE_SERVER].syn_queue, 1);
	ck_assert_int_eq(t[SIDE_SERVER].accept_queue, 0);

	/* Request in, reply sent; accept() has taken the connection. */
	layout_tables(&r.tr, 1, 260 * MS, t);
	table_is(&t[SIDE_SERVER], TCP_ESTABLISHED, 1, 301, 101);
	table_is(&t[SIDE_CLIENT], TCP_ESTABLISHED, 1, 101, 1);
	ck_assert_int_eq(t[SIDE_SERVER].syn_queue, 0);
	ck_assert_int_eq(t[SIDE_SERVER].accept_queue, 0);

	/* The client's FIN took number 101 and was acknowledged. */
	layout_tables(&r.tr, 1, 700 * MS, t);
	table_is(&t[SIDE_CLIENT], TCP_FIN_WAIT_2, 102, 102, 301);
	table_is(&t[SIDE_SERVER], TCP_CLOSE_WAIT, 301, 301, 102);

	/* The server's FIN arrived: TIME_WAIT runs for 60 s. */
	layout_tables(&r.tr, 1, 1120 * MS, t);
	table_is(&t[SIDE_CLIENT], TCP_TIME_WAIT, 102, 102, 302);
	table_is(&t[SIDE_SERVER], TCP_LAST_ACK, 301, 302, 102);
	ck_assert_int_eq(t[SIDE_CLIENT].ntimers, 1);
	ck_assert_int_eq(t[SIDE_CLIENT].timers[0].timer, TIMER_TIME_WAIT);
	ck_assert_int_eq(t[SIDE_CLIENT].timers[0].expires, 61100 * MS);

	layout_tables(&r.tr, 1, 62 * SEC, t);
	ck_assert_int_eq(t[SIDE_CLIENT].state, TCP_CLOSED);
	ck_assert_int_eq(t[SIDE_SERVER].state, TCP_CLOSED);
	ck_assert_int_eq(t[SIDE_CLIENT].ntimers, 0);
	ck_assert(t[SIDE_SERVER].listening);
	run_free(&r);
}
END_TEST

START_TEST(tables_of_a_syn_flood_count_the_half_open)
{
	struct run r;
	struct layout_table t[2];
	int client = 0;

	run_scenario(&r, "syn-flood", NULL, NULL);
	for (size_t i = 0; i < r.tr.nconns; i++)
		if (r.tr.conns[i].ep[SIDE_CLIENT].addr[1] == 0)
			client = r.tr.conns[i].id;
	ck_assert_int_gt(client, 1);
	/* The real client's SYN arrives at a full SYN queue. */
	layout_tables(&r.tr, client, 1100 * MS, t);
	ck_assert_int_eq(t[SIDE_CLIENT].state, TCP_SYN_SENT);
	ck_assert_int_eq(t[SIDE_SERVER].state, TCP_LISTEN);
	ck_assert(t[SIDE_SERVER].listening);
	ck_assert_int_eq(t[SIDE_SERVER].backlog, 4);
	ck_assert_int_eq(t[SIDE_SERVER].syn_queue, 5);	/* backlog + 1 */
	ck_assert_int_eq(t[SIDE_SERVER].accept_queue, 0);
	/* Before the flood, nothing. */
	layout_tables(&r.tr, client, 400 * MS, t);
	ck_assert_int_eq(t[SIDE_SERVER].syn_queue, 0);
	run_free(&r);
}
END_TEST

START_TEST(tables_of_a_capture_assume_established)
{
	struct trace tr;
	struct endpoint c, s;
	struct segment seg;
	struct layout_table t[2];

	/* Segments only, joined mid-connection: no SYN, no state. */
	trace_init(&tr);
	endpoint_parse("10.0.0.1:49152", &c);
	endpoint_parse("10.0.0.2:80", &s);
	trace_add_conn(&tr, &c, &s);
	memset(&seg, 0, sizeof seg);
	seg.flags = SEG_ACK | SEG_PSH;
	seg.seq = 5000;
	seg.ack = 9000;
	seg.len = 10;
	seg.win = 100;
	trace_add_segment(&tr, 1 * SEC, 1, SIDE_CLIENT, &seg, 1 * SEC + 10 * MS, 0);
	layout_tables(&tr, 1, 2 * SEC, t);
	ck_assert_int_eq(t[SIDE_CLIENT].state, TCP_ESTABLISHED);
	ck_assert(t[SIDE_CLIENT].assumed);
	ck_assert(!t[SIDE_CLIENT].iss_known);
	ck_assert_uint_eq(t[SIDE_CLIENT].snd_nxt, 10);
	ck_assert_uint_eq(t[SIDE_SERVER].rcv_nxt, 10);
	ck_assert_uint_eq(t[SIDE_SERVER].snd_wnd, 100);
	layout_tables(&tr, 1, 0, t);
	ck_assert_int_eq(t[SIDE_CLIENT].state, TCP_CLOSED);
	trace_free(&tr);
}
END_TEST

/* ---- Player ---- */

START_TEST(dropping_the_servers_fin_brings_a_retransmission)
{
	struct run r;
	struct player *p = play(&r, "lifecycle");
	const struct trace *tr = player_trace(p);
	const struct trace_event *fin;
	char *before, *after;
	long i;
	int64_t branch = -1, undone = -1;

	before = json_of(tr);
	i = find_segment(tr, -1, SIDE_SERVER, "F.");
	ck_assert_int_ge(i, 0);
	fin = &tr->ev[i];
	ck_assert_int_eq(player_drop_segment(p, fin->n, &branch), 0);
	ck_assert_int_eq(branch, 1050 * MS);
	ck_assert_int_eq(player_branch(p), branch);
	ck_assert_uint_eq(player_ndrops(p), 1);

	tr = player_trace(p);
	same_before(&r.tr, tr, branch);
	i = find_segment(tr, -1, SIDE_SERVER, "F.");
	ck_assert(tr->ev[i].u.seg.lost);
	ck_assert_int_eq(tr->ev[i].t, branch);
	i = find_segment(tr, i, SIDE_SERVER, "F.");
	ck_assert_int_ge(i, 0);
	ck_assert(tr->ev[i].u.seg.notes & NOTE_RETRANSMISSION);
	ck_assert(!tr->ev[i].u.seg.lost);

	/* The diagram marks where history branched. */
	{
		struct layout *l = build(tr, 120, true);
		size_t n = layout_frame(l, 0, layout_rows(l), INT64_MAX, -1,
		    branch, spans, NSPANS);
		const struct layout_span *mark = find_span(n, -1, ROLE_BRANCH,
		    NULL);

		ck_assert_ptr_nonnull(mark);
		ck_assert_int_eq(layout_row_time(l, mark->row), branch);
		layout_free(l);
	}

	ck_assert_int_eq(player_undo(p, &undone), 0);
	ck_assert_int_eq(undone, branch);
	ck_assert_uint_eq(player_ndrops(p), 0);
	ck_assert_int_eq(player_branch(p), -1);
	after = json_of(player_trace(p));
	ck_assert_str_eq(after, before);
	ck_assert_int_eq(player_undo(p, NULL), -1);
	free(before);
	free(after);
	player_free(p);
	run_free(&r);
}
END_TEST

START_TEST(drop_next_and_an_earlier_drop_forgets_later_ones)
{
	struct run r;
	struct player *p = play(&r, "lifecycle");
	const struct trace *tr;
	char *fin_dropped, *now;
	int64_t branch;
	long i;

	/* The server's next segment after 1 s is its FIN. */
	ck_assert_int_eq(player_drop_next(p, SIDE_SERVER, 1 * SEC, &branch), 0);
	ck_assert_int_eq(branch, 1050 * MS);
	fin_dropped = json_of(player_trace(p));

	/* What if the third handshake segment had been lost instead? */
	ck_assert_int_eq(player_drop_next(p, SIDE_CLIENT, 150 * MS, &branch), 0);
	ck_assert_int_eq(branch, 200 * MS);
	ck_assert_uint_eq(player_ndrops(p), 1);
	tr = player_trace(p);
	i = find_segment(tr, -1, SIDE_CLIENT, ".");
	ck_assert(tr->ev[i].u.seg.lost);
	/* The later drop belonged to a history that is gone. */
	i = find_segment(tr, -1, SIDE_SERVER, "F.");
	ck_assert_int_ge(i, 0);
	ck_assert(!tr->ev[i].u.seg.lost);

	ck_assert_int_eq(player_undo(p, &branch), 0);
	ck_assert_int_eq(branch, 200 * MS);
	now = json_of(player_trace(p));
	ck_assert_str_eq(now, fin_dropped);
	ck_assert_uint_eq(player_ndrops(p), 1);
	free(fin_dropped);
	free(now);
	player_free(p);
	run_free(&r);
}
END_TEST

START_TEST(forged_and_lost_segments_cannot_be_dropped)
{
	struct run r;
	struct player *p = play(&r, "isn");
	const struct trace *tr = player_trace(p);
	char *before = json_of(tr), *after;
	int64_t branch = 7;
	long forged = -1;

	for (size_t i = 0; i < tr->nev; i++)
		if (tr->ev[i].type == TRACE_SEGMENT &&
		    (tr->ev[i].u.seg.notes & NOTE_FORGED))
			forged = (long)i;
	ck_assert_int_ge(forged, 0);
	ck_assert_int_eq(player_drop_segment(p, tr->ev[forged].n,
	    &branch), -1);
	ck_assert_int_eq(branch, 7);
	ck_assert_int_eq(player_drop_segment(p, 999, NULL), -1);
	ck_assert_uint_eq(player_ndrops(p), 0);
	after = json_of(player_trace(p));
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	player_free(p);
	run_free(&r);

	p = play(&r, "syn-lost");
	ck_assert(nth_segment(player_trace(p), 1)->u.seg.lost);
	ck_assert_int_eq(player_drop_segment(p, 1, NULL), -1);
	player_free(p);
	run_free(&r);
}
END_TEST

START_TEST(simultaneous_open_drops_count_by_host)
{
	struct run r;
	struct player *p = play(&r, "simultaneous-open");
	const struct trace *tr = player_trace(p);
	long i;

	/* The server host's SYN-ACK: its second segment. */
	i = find_segment(tr, -1, SIDE_SERVER, "S.");
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(player_drop_segment(p, tr->ev[i].n, NULL), 0);
	tr = player_trace(p);
	i = find_segment(tr, -1, SIDE_SERVER, "S.");
	ck_assert(tr->ev[i].u.seg.lost);
	ck_assert(!nth_segment(tr, 1)->u.seg.lost);
	ck_assert(!nth_segment(tr, 2)->u.seg.lost);
	player_free(p);
	run_free(&r);
}
END_TEST

Suite *layout_suite(void)
{
	Suite *s = suite_create("layout");
	TCase *tc = tcase_create("ladder");

	tcase_add_test(tc, rows_follow_time_one_moment_each);
	tcase_add_test(tc, arrows_slope_down_with_their_delay);
	tcase_add_test(tc, zero_delay_arrow_fits_one_row);
	tcase_add_test(tc, lost_segment_stops_half_way_marked_and_said);
	tcase_add_test(tc, nothing_is_drawn_before_it_happens);
	tcase_add_test(tc, segment_in_flight_is_drawn_as_far_as_it_went);
	tcase_add_test(tc, time_wait_is_one_gap_row_that_says_how_long);
	tcase_add_test(tc, running_timer_counts_down_beside_its_lifeline);
	tcase_add_test(tc, ascii_mode_is_plain_ascii);
	tcase_add_test(tc, connections_after_the_first_carry_their_port);
	tcase_add_test(tc, narrow_or_wide_the_gap_fits_the_labels);
	tcase_add_test(tc, frame_of_a_few_rows_finds_arrows_crossing_them);
	suite_add_tcase(s, tc);
	tc = tcase_create("tables");
	tcase_add_test(tc, tables_after_the_handshake_are_one_one_one);
	tcase_add_test(tc, tables_through_the_lifecycle);
	tcase_add_test(tc, tables_of_a_syn_flood_count_the_half_open);
	tcase_add_test(tc, tables_of_a_capture_assume_established);
	suite_add_tcase(s, tc);
	return s;
}

Suite *player_suite(void)
{
	Suite *s = suite_create("player");
	TCase *tc = tcase_create("branches");

	tcase_add_test(tc, dropping_the_servers_fin_brings_a_retransmission);
	tcase_add_test(tc, drop_next_and_an_earlier_drop_forgets_later_ones);
	tcase_add_test(tc, forged_and_lost_segments_cannot_be_dropped);
	tcase_add_test(tc, simultaneous_open_drops_count_by_host);
	suite_add_tcase(s, tc);
	return s;
}
