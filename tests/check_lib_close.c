/*
 * check_lib_close.c: the teaching point of each scenario in the close
 * group (how connections end, and what TIME_WAIT is for), asserted on its
 * trace: state paths, the segments of the close and their numbers, who
 * retransmits what and when, how long TIME_WAIT and FIN_WAIT_2 last, what
 * the applications get back.  Where a narration or checkpoint tells a
 * what-if (textbook profile, no TIME_WAIT, close() instead of shutdown()),
 * the what-if is played and asserted too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "library.h"
#include "tests.h"

#define SEC 1000000LL
#define MS 1000LL

#define DATA (SEG_PSH | SEG_ACK)
#define FINACK (SEG_FIN | SEG_ACK)

/* The nth (1-based) segment of connection `conn` (0: any) sent by `side`
 * with exactly these flags, or NULL. */
static const struct trace_event *sent(const struct trace *tr, int conn,
    int side, uint8_t flags, int nth)
{
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *ev = &tr->ev[i];
		if (ev->type == TRACE_SEGMENT && ev->side == side &&
		    (conn == 0 || ev->conn == conn) &&
		    ev->u.seg.flags == flags && --nth == 0)
			return ev;
	}
	return NULL;
}

static int count_sent(const struct trace *tr, int side, uint8_t flags)
{
	int n = 0;
	while (sent(tr, 0, side, flags, n + 1))
		n++;
	return n;
}

/* When `side` of `conn` first entered (or left) state st; -1 if never. */
static int64_t entered(const struct trace *tr, int side, int conn,
    enum tcp_state st)
{
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *ev = &tr->ev[i];
		if (ev->type == TRACE_STATE && ev->side == side &&
		    ev->conn == conn && ev->u.state.to == st)
			return ev->t;
	}
	return -1;
}

static int64_t left(const struct trace *tr, int side, int conn,
    enum tcp_state st)
{
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *ev = &tr->ev[i];
		if (ev->type == TRACE_STATE && ev->side == side &&
		    ev->conn == conn && ev->u.state.from == st)
			return ev->t;
	}
	return -1;
}

/* How many timer events of that kind and action `side` had. */
static int timers(const struct trace *tr, int side, int timer, int action)
{
	int n = 0;
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *ev = &tr->ev[i];
		n += ev->type == TRACE_TIMER && ev->side == side &&
		    ev->u.timer.timer == timer && ev->u.timer.action == action;
	}
	return n;
}

/* The first app event of `side` with this call and result (and, unless
 * arg is -1, this argument), or NULL. */
static const struct trace_event *app(const struct trace *tr, int side,
    int call, int result, long arg)
{
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *ev = &tr->ev[i];
		if (ev->type == TRACE_APP && ev->side == side &&
		    ev->u.app.call == call && ev->u.app.result == result &&
		    (arg < 0 || ev->u.app.arg == (uint32_t)arg))
			return ev;
	}
	return NULL;
}

static bool path_has(const struct trace *tr, int side, int conn,
    const char *states)
{
	char buf[512];
	const char *p = state_path(tr, side, conn, buf, sizeof buf);
	return strstr(p, states) != NULL;
}

#define ck_path(tr, side, conn, want) do {				\
	char buf_[512];							\
	ck_assert_str_eq(state_path((tr), (side), (conn), buf_, sizeof buf_), \
	    (want));							\
} while (0)

#define ck_segments(tr, want) do {					\
	char buf_[1024];						\
	ck_assert_str_eq(segments((tr), buf_, sizeof buf_), (want));	\
} while (0)

/*
 * Play lesson `id` as its file says and check its outline: it narrates,
 * and (where not NULL) its segments and connection 1's path on each
 * side are these.
 */
static void play(struct run *r, const char *id, const char *segs,
    const char *client, const char *server)
{
	run_scenario(r, id, NULL, NULL);
	ck_assert_uint_gt(count_narrations(&r->tr), 0);
	if (segs != NULL)
		ck_segments(&r->tr, segs);
	if (client != NULL)
		ck_path(&r->tr, SIDE_CLIENT, 1, client);
	if (server != NULL)
		ck_path(&r->tr, SIDE_SERVER, 1, server);
}

/* How long `side` of `conn` was in state st (the first time). */
static int64_t time_in(const struct trace *tr, int side, int conn,
    enum tcp_state st)
{
	return left(tr, side, conn, st) - entered(tr, side, conn, st);
}

/*
 * Play a lesson with one line of its script changed: the what-if a
 * narration or checkpoint talks about (close() for shutdown() ...).
 * `from` must occur in the file.  Narrations may go unmatched.
 */
static void run_variant(struct run *r, const char *id, const char *profile,
    const char *from, const char *to)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	snprintf(path, sizeof path, "%s/data/scenarios/%s.tcpviz", top ? top : ".", id);
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s", path);
	static char text[1 << 16], out[1 << 16];
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	char *at = strstr(text, from);
	ck_assert_msg(at != NULL, "%s: no '%s'", id, from);
	snprintf(out, sizeof out, "%.*s%s%s", (int)(at - text), text, to,
	    at + strlen(from));

	struct tv_error err;
	ck_assert_msg(scenario_parse(&r->sc, path, out, strlen(out), &err) == 0,
	    "%s", err.msg);
	ck_assert_int_eq(profile_init(&r->prof, profile, NULL), 0);
	for (size_t i = 0; i < r->sc.nsets; i++)
		ck_assert_int_eq(profile_set(&r->prof, r->sc.sets[i], &err), 0);
	trace_init(&r->tr);
	struct engine_opts o = {
		.sc = &r->sc, .prof = &r->prof,
		.seed = r->sc.has_seed ? r->sc.seed : 1,
	};
	struct engine *e = engine_new(&o, &r->tr, &err);
	ck_assert_msg(e != NULL, "%s", err.msg);
	engine_run(e);
	engine_free(e);
}

/* ---- lifecycle ---- */

START_TEST(lifecycle_every_phase_with_relative_numbers)
{
	struct run r;
	play(&r, "lifecycle", ">S <S. >. >P. <. <P. >. >F. <. <F. >.",
	    "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT "
	    "CLOSED",
	    "LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");

	/* Handshake: SYN seq=0, SYN-ACK ack=1, third ACK seq=1 ack=1. */
	const struct trace_event *syn = sent(&r.tr, 1, SIDE_CLIENT, SEG_SYN, 1);
	const struct trace_event *third = sent(&r.tr, 1, SIDE_CLIENT, SEG_ACK, 1);
	ck_assert_uint_eq(trace_rel_seq(&r.tr, syn), 0);
	ck_assert_uint_eq(trace_rel_seq(&r.tr, third), 1);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, third), 1);

	/* The request is ACKed at once (quick ACK): ack=101. */
	const struct trace_event *req = sent(&r.tr, 1, SIDE_CLIENT, DATA, 1);
	const struct trace_event *qack = sent(&r.tr, 1, SIDE_SERVER, SEG_ACK, 1);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, qack), 101);
	ck_assert_int_eq(qack->t, trace_arrival(req));

	/* Second wave: a plain ACK (no FIN), ack=102, 40 ms after the FIN. */
	const struct trace_event *fin = sent(&r.tr, 1, SIDE_CLIENT, FINACK, 1);
	const struct trace_event *ack2 = sent(&r.tr, 1, SIDE_SERVER, SEG_ACK, 2);
	ck_assert_uint_eq(trace_rel_seq(&r.tr, fin), 101);
	ck_assert_uint_eq(ack2->u.seg.flags, SEG_ACK);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, ack2), 102);
	ck_assert_int_eq(ack2->t - trace_arrival(fin), 40 * MS);

	/* The server's FIN 0.5 s after it read EOF; the last ACK ack=302. */
	const struct trace_event *sfin = sent(&r.tr, 1, SIDE_SERVER, FINACK, 1);
	ck_assert_int_eq(sfin->t - trace_arrival(fin), 500 * MS);
	const struct trace_event *last = sent(&r.tr, 1, SIDE_CLIENT, SEG_ACK, 3);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, last), 302);

	/* The passive closer is done first; the client waits 60 s. */
	ck_assert_int_eq(entered(&r.tr, SIDE_SERVER, 1, TCP_CLOSED),
	    trace_arrival(last));
	ck_assert_int_eq(time_in(&r.tr, SIDE_CLIENT, 1, TCP_TIME_WAIT),
	    60 * SEC);
	run_free(&r);
}
END_TEST

/* ---- close-client-first ---- */

START_TEST(close_client_first_four_segments_second_is_plain_ack)
{
	struct run r;
	play(&r, "close-client-first", ">S <S. >. >P. <. <P. >. >F. <. <F. >.",
	    "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT "
	    "CLOSED",
	    "LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");

	const struct trace_event *fin = sent(&r.tr, 1, SIDE_CLIENT, FINACK, 1);
	const struct trace_event *ack = sent(&r.tr, 1, SIDE_SERVER, SEG_ACK, 2);
	const struct trace_event *sfin = sent(&r.tr, 1, SIDE_SERVER, FINACK, 1);
	const struct trace_event *last = sent(&r.tr, 1, SIDE_CLIENT, SEG_ACK, 3);
	/* u = 101; the second wave is ACK only: seq v = 301, ack u+1. */
	ck_assert_uint_eq(trace_rel_seq(&r.tr, fin), 101);
	ck_assert_uint_eq(ack->u.seg.flags, SEG_ACK);
	ck_assert_int_gt(ack->n, fin->n);
	ck_assert_int_lt(ack->n, sfin->n);
	ck_assert_uint_eq(trace_rel_seq(&r.tr, ack), 301);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, ack), 102);
	/* Third wave: w = v (the ACK took no number), ack still u+1. */
	ck_assert_uint_eq(trace_rel_seq(&r.tr, sfin), 301);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, sfin), 102);
	/* Fourth: seq u+1, ack w+1. */
	ck_assert_uint_eq(trace_rel_seq(&r.tr, last), 102);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, last), 302);

	/* CLOSE_WAIT lasts until the server program closes, 1 s later. */
	ck_assert_int_eq(entered(&r.tr, SIDE_SERVER, 1, TCP_LAST_ACK) -
	    entered(&r.tr, SIDE_SERVER, 1, TCP_CLOSE_WAIT), 1 * SEC);
	ck_assert_int_eq(time_in(&r.tr, SIDE_CLIENT, 1, TCP_TIME_WAIT),
	    60 * SEC);
	run_free(&r);
}
END_TEST

/* ---- close-server-first ---- */

START_TEST(close_server_first_time_wait_moves_to_the_server)
{
	struct run r;
	play(&r, "close-server-first", ">S <S. >. >P. <. <P. >. <F. >. >F. <.",
	    "CLOSED SYN_SENT ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED",
	    "LISTEN SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT "
	    "CLOSED");

	/* The server's FIN follows its reply by 0.2 s and comes first. */
	long first_fin = -1;
	for (size_t i = 0; i < r.tr.nev && first_fin < 0; i++)
		if (r.tr.ev[i].type == TRACE_SEGMENT &&
		    (r.tr.ev[i].u.seg.flags & SEG_FIN))
			first_fin = (long)i;
	ck_assert_int_ge(first_fin, 0);
	ck_assert_int_eq(r.tr.ev[first_fin].side, SIDE_SERVER);
	const struct trace_event *reply = sent(&r.tr, 1, SIDE_SERVER, DATA, 1);
	ck_assert_int_eq(r.tr.ev[first_fin].t - reply->t, 200 * MS);

	/* The client's plain ACK of it: ack=302. */
	const struct trace_event *ack = sent(&r.tr, 1, SIDE_CLIENT, SEG_ACK, 3);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, ack), 302);
	ck_assert_int_gt(ack->n, r.tr.ev[first_fin].n);

	/* 60 s of TIME_WAIT on the server, none on the client. */
	ck_assert_int_eq(time_in(&r.tr, SIDE_SERVER, 1, TCP_TIME_WAIT),
	    60 * SEC);
	ck_assert_int_eq(entered(&r.tr, SIDE_CLIENT, 1, TCP_TIME_WAIT), -1);
	run_free(&r);
}
END_TEST

/* ---- close-merged ---- */

START_TEST(close_merged_linux_fin_carries_the_ack)
{
	struct run r;
	play(&r, "close-merged", ">S <S. >. >P. <. <P. >. >F. <F. >.",
	    "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 TIME_WAIT CLOSED",
	    "LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");

	const struct trace_event *fin = sent(&r.tr, 1, SIDE_CLIENT, FINACK, 1);
	const struct trace_event *sfin = sent(&r.tr, 1, SIDE_SERVER, FINACK, 1);
	/* The server's FIN acknowledges the client's (ack = FIN + 1) and
	 * leaves the moment the FIN arrives, before the 40 ms delayed ACK. */
	ck_assert_uint_eq(trace_rel_ack(&r.tr, sfin), trace_rel_seq(&r.tr, fin) + 1);
	ck_assert_int_eq(sfin->t, trace_arrival(fin));
	ck_assert_int_eq(timers(&r.tr, SIDE_SERVER, TIMER_DELACK, TIMER_ARMED), 1);
	ck_assert_int_eq(timers(&r.tr, SIDE_SERVER, TIMER_DELACK, TIMER_FIRED), 0);
	/* No plain ACK from the server after the handshake's quick ACK. */
	ck_assert_int_eq(count_sent(&r.tr, SIDE_SERVER, SEG_ACK), 1);
	const struct trace_event *last = sent(&r.tr, 1, SIDE_CLIENT, SEG_ACK, 3);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, last), 302);
	ck_assert_int_eq(time_in(&r.tr, SIDE_CLIENT, 1, TCP_TIME_WAIT),
	    60 * SEC);
	run_free(&r);
}
END_TEST

START_TEST(close_merged_textbook_acks_at_once_so_four_segments)
{
	struct run r;
	run_scenario(&r, "close-merged", "textbook", NULL);
	ck_segments(&r.tr, ">S <S. >. >P. <. <P. >. >F. <. <F. >.");
	ck_assert(path_has(&r.tr, SIDE_CLIENT, 1, "FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT"));
	const struct trace_event *fin = sent(&r.tr, 1, SIDE_CLIENT, FINACK, 1);
	const struct trace_event *ack = sent(&r.tr, 1, SIDE_SERVER, SEG_ACK, 2);
	ck_assert_int_eq(ack->t, trace_arrival(fin));
	ck_assert_uint_eq(trace_rel_ack(&r.tr, ack), 102);
	run_free(&r);
}
END_TEST

/* ---- half-close ---- */

START_TEST(half_close_data_flows_to_the_shut_down_side)
{
	struct run r;
	play(&r, "half-close", ">S <S. >. >P. <. >F. <. <P. >. <P. >. <F. >.",
	    "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT "
	    "CLOSED",
	    "LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");

	/* The FIN came from shutdown(), not close(). */
	const struct trace_event *sd = app(&r.tr, SIDE_CLIENT, APP_SHUTDOWN,
	    APP_PENDING, -1);
	const struct trace_event *fin = sent(&r.tr, 1, SIDE_CLIENT, FINACK, 1);
	ck_assert_ptr_nonnull(sd);
	ck_assert_int_eq(sd->t, fin->t);
	ck_assert_uint_eq(trace_rel_seq(&r.tr, fin), 101);

	/* Both data segments are sent from CLOSE_WAIT and reach the client
	 * in FIN_WAIT_2, which acknowledges each. */
	int64_t fw2 = entered(&r.tr, SIDE_CLIENT, 1, TCP_FIN_WAIT_2);
	int64_t cw = entered(&r.tr, SIDE_SERVER, 1, TCP_CLOSE_WAIT);
	for (int k = 1; k <= 2; k++) {
		const struct trace_event *d = sent(&r.tr, 1, SIDE_SERVER, DATA, k);
		const struct trace_event *a = sent(&r.tr, 1, SIDE_CLIENT, SEG_ACK, k + 1);
		ck_assert_ptr_nonnull(d);
		ck_assert_int_gt(d->t, cw);
		ck_assert_int_gt(trace_arrival(d), fw2);
		ck_assert_uint_eq(d->u.seg.len, 1000);
		ck_assert_int_eq(a->t, trace_arrival(d));
		ck_assert_uint_eq(trace_rel_ack(&r.tr, a), 1000 * (uint32_t)k + 1);
		/* ... and the program, still reading, gets the bytes. */
		long rd = find_app(&r.tr, -1, SIDE_CLIENT, APP_RECV, APP_OK);
		while (rd >= 0 && (r.tr.ev[rd].t != trace_arrival(d) ||
		    r.tr.ev[rd].u.app.arg != 1000))
			rd = find_app(&r.tr, rd, SIDE_CLIENT, APP_RECV, APP_OK);
		ck_assert_int_ge(rd, 0);
	}
	/* The server's FIN after its 2000 bytes; no RST anywhere. */
	const struct trace_event *sfin = sent(&r.tr, 1, SIDE_SERVER, FINACK, 1);
	ck_assert_uint_eq(trace_rel_seq(&r.tr, sfin), 2001);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, sfin), 102);
	ck_assert_int_eq(count_sent(&r.tr, SIDE_CLIENT, SEG_RST), 0);
	/* The program still holds the socket: no FIN_WAIT_2 timer. */
	ck_assert_int_eq(timers(&r.tr, SIDE_CLIENT, TIMER_FIN_WAIT_2, TIMER_ARMED), 0);
	run_free(&r);
}
END_TEST

/* The checkpoint's what-if: close() instead of shutdown(). */
START_TEST(half_close_with_close_instead_the_data_meets_a_rst)
{
	struct run r;
	run_variant(&r, "half-close", "linux",
	    "client  after 0.1           shutdown",
	    "client  after 0.1           close");
	const struct trace_event *d = sent(&r.tr, 1, SIDE_SERVER, DATA, 1);
	const struct trace_event *rst = sent(&r.tr, 1, SIDE_CLIENT, SEG_RST, 1);
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(rst);
	ck_assert_int_eq(rst->t, trace_arrival(d));
	ck_assert_uint_eq(trace_rel_seq(&r.tr, rst), 102);
	/* The RST meets the server in CLOSE_WAIT: Linux reports EPIPE on
	 * the next write, not ECONNRESET (reads already ended at the FIN). */
	ck_assert_ptr_null(app(&r.tr, SIDE_SERVER, APP_RECV, APP_ECONNRESET, -1));
	ck_assert_ptr_nonnull(app(&r.tr, SIDE_SERVER, APP_SEND, APP_EPIPE, -1));
	ck_assert_int_eq(entered(&r.tr, SIDE_CLIENT, 1, TCP_TIME_WAIT), -1);
	run_free(&r);
}
END_TEST

/* ---- simultaneous-close ---- */

START_TEST(simultaneous_close_fins_cross_both_closing_both_time_wait)
{
	struct run r;
	play(&r, "simultaneous-close", ">S <S. >. >F. <F. <. >.",
	    "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT CLOSED",
	    "LISTEN SYN_RCVD ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT CLOSED");

	/* Each FIN leaves before the other one arrives: they cross. */
	const struct trace_event *cf = sent(&r.tr, 1, SIDE_CLIENT, FINACK, 1);
	const struct trace_event *sf = sent(&r.tr, 1, SIDE_SERVER, FINACK, 1);
	ck_assert_int_lt(cf->t, trace_arrival(sf));
	ck_assert_int_lt(sf->t, trace_arrival(cf));
	/* Each side ACKs from CLOSING with seq=2 ack=2. */
	for (int side = 0; side < 2; side++) {
		const struct trace_event *a = sent(&r.tr, 1, side, SEG_ACK,
		    side == SIDE_CLIENT ? 2 : 1);
		ck_assert_uint_eq(trace_rel_seq(&r.tr, a), 2);
		ck_assert_uint_eq(trace_rel_ack(&r.tr, a), 2);
		ck_assert_int_eq(time_in(&r.tr, side, 1, TCP_TIME_WAIT),
		    60 * SEC);
	}
	run_free(&r);
}
END_TEST

/* ---- fin-lost ---- */

START_TEST(fin_lost_closer_resends_it_after_one_rto)
{
	struct run r;
	play(&r, "fin-lost", ">S <S. >. >P. <. <P. >. >F.! >F. <. <F. >.",
	    NULL, NULL);
	const struct trace_event *f1 = sent(&r.tr, 1, SIDE_CLIENT, FINACK, 1);
	const struct trace_event *f2 = sent(&r.tr, 1, SIDE_CLIENT, FINACK, 2);
	ck_assert(f1->u.seg.lost);
	ck_assert(f2->u.seg.notes & NOTE_RETRANSMISSION);
	ck_assert_uint_eq(f2->u.seg.seq, f1->u.seg.seq);
	/* RTO from the measured 100 ms RTT: 300 ms, as the lesson says. */
	ck_assert_int_eq(f2->t - f1->t, 300 * MS);
	ck_assert_int_eq(timers(&r.tr, SIDE_CLIENT, TIMER_RETRANSMIT, TIMER_FIRED), 1);
	/* The client stayed in FIN_WAIT_1; the server learned of the close
	 * only from the second FIN. */
	ck_path(&r.tr, SIDE_CLIENT, 1,
	    "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED");
	ck_assert_int_eq(entered(&r.tr, SIDE_SERVER, 1, TCP_CLOSE_WAIT),
	    trace_arrival(f2));
	run_free(&r);
}
END_TEST

START_TEST(fin_lost_textbook_waits_one_second)
{
	struct run r;
	run_scenario(&r, "fin-lost", "textbook", NULL);
	const struct trace_event *f1 = sent(&r.tr, 1, SIDE_CLIENT, FINACK, 1);
	const struct trace_event *f2 = sent(&r.tr, 1, SIDE_CLIENT, FINACK, 2);
	ck_assert_int_eq(f2->t - f1->t, 1 * SEC);
	run_free(&r);
}
END_TEST

/* ---- last-ack-lost ---- */

START_TEST(last_ack_lost_fin_again_after_rto_and_2msl_restarts)
{
	struct run r;
	play(&r, "last-ack-lost",
	    ">S <S. >. >P. <. <P. >. >F. <. <F. >.! <F. >.", NULL, NULL);
	const struct trace_event *lost = sent(&r.tr, 1, SIDE_CLIENT, SEG_ACK, 3);
	const struct trace_event *f1 = sent(&r.tr, 1, SIDE_SERVER, FINACK, 1);
	const struct trace_event *f2 = sent(&r.tr, 1, SIDE_SERVER, FINACK, 2);
	const struct trace_event *again = sent(&r.tr, 1, SIDE_CLIENT, SEG_ACK, 4);
	ck_assert(lost->u.seg.lost);
	ck_assert_int_eq(f2->t - f1->t, 300 * MS);
	ck_assert_uint_eq(trace_rel_seq(&r.tr, f2), 301);
	ck_assert(again->u.seg.notes & NOTE_DUP_ACK);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, again), 302);
	/* The server waited in LAST_ACK until the second ACK arrived. */
	ck_path(&r.tr, SIDE_SERVER, 1,
	    "LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");
	ck_assert_int_eq(entered(&r.tr, SIDE_SERVER, 1, TCP_CLOSED),
	    trace_arrival(again));
	/* TIME_WAIT ends 60 s after the re-ACK, not after the first ACK. */
	ck_assert_int_eq(left(&r.tr, SIDE_CLIENT, 1, TCP_TIME_WAIT) - again->t,
	    60 * SEC);
	run_free(&r);
}
END_TEST

/* The checkpoint's what-if: no TIME_WAIT, the repeated FIN meets a RST. */
START_TEST(last_ack_lost_without_time_wait_the_fin_meets_a_rst)
{
	static const char *const sets[] = { "msl=0", NULL };
	struct run r;
	run_scenario_with(&r, "last-ack-lost", NULL, sets, true);
	const struct trace_event *f2 = sent(&r.tr, 1, SIDE_SERVER, FINACK, 2);
	const struct trace_event *rst = sent(&r.tr, 1, SIDE_CLIENT, SEG_RST, 1);
	ck_assert_ptr_nonnull(rst);
	ck_assert_int_eq(rst->t, trace_arrival(f2));
	ck_assert_uint_eq(trace_rel_seq(&r.tr, rst), 102);
	ck_assert_int_eq(count_sent(&r.tr, SIDE_CLIENT, SEG_ACK), 3);
	run_free(&r);
}
END_TEST

/* ---- time-wait-old-duplicate ---- */

START_TEST(time_wait_acks_and_drops_the_old_duplicate)
{
	struct run r;
	play(&r, "time-wait-old-duplicate", NULL, NULL, NULL);
	/* The delayed first copy of the reply, and its retransmission that
	 * completed the first connection. */
	const struct trace_event *old = sent(&r.tr, 1, SIDE_SERVER, DATA, 1);
	const struct trace_event *rtx = sent(&r.tr, 1, SIDE_SERVER, DATA, 2);
	ck_assert(old->u.seg.notes & NOTE_DELAYED);
	/* ... marked out-of-window for its late arrival in TIME_WAIT. */
	ck_assert(old->u.seg.notes & NOTE_OUT_OF_WINDOW);
	ck_assert(rtx->u.seg.notes & NOTE_RETRANSMISSION);
	ck_assert_uint_eq(rtx->u.seg.seq, old->u.seg.seq);
	ck_assert_int_eq(rtx->t - old->t, 300 * MS);

	/* The client closed first: TIME_WAIT on the client, and the
	 * reconnect from the same port fails without sending anything. */
	ck_assert(path_has(&r.tr, SIDE_CLIENT, 1, "FIN_WAIT_1 TIME_WAIT"));
	const struct trace_event *fail = app(&r.tr, SIDE_CLIENT, APP_CONNECT,
	    APP_EADDRINUSE, -1);
	ck_assert_ptr_nonnull(fail);
	ck_assert_int_eq(fail->t, 5 * SEC);
	ck_assert_int_eq(count_sent(&r.tr, SIDE_CLIENT, SEG_SYN), 1);
	ck_assert_uint_eq(r.tr.nconns, 1);

	/* The old reply arrives in TIME_WAIT: ACKed (ack=302) and dropped. */
	int64_t tw_in = entered(&r.tr, SIDE_CLIENT, 1, TCP_TIME_WAIT);
	ck_assert_int_gt(trace_arrival(old), tw_in);
	const struct trace_event *dup = sent(&r.tr, 1, SIDE_CLIENT, SEG_ACK, 4);
	ck_assert_ptr_nonnull(dup);
	ck_assert_int_eq(dup->t, trace_arrival(old));
	ck_assert(dup->u.seg.notes & NOTE_DUP_ACK);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, dup), 302);
	ck_assert_int_eq(left(&r.tr, SIDE_CLIENT, 1, TCP_TIME_WAIT),
	    entered(&r.tr, SIDE_CLIENT, 1, TCP_CLOSED));
	/* Only the retransmitted copy was ever read. */
	int reads = 0;
	for (size_t i = 0; i < r.tr.nev; i++)
		reads += r.tr.ev[i].type == TRACE_APP &&
		    r.tr.ev[i].side == SIDE_CLIENT &&
		    r.tr.ev[i].u.app.call == APP_RECV && r.tr.ev[i].u.app.arg > 0;
	ck_assert_int_eq(reads, 1);

	/* The server's listener RSTs the ACK; the exact RST ends TIME_WAIT
	 * (tcp_rfc1337=0), after the old data was dropped. */
	const struct trace_event *rst = sent(&r.tr, 1, SIDE_SERVER, SEG_RST, 1);
	ck_assert_ptr_nonnull(rst);
	ck_assert_uint_eq(trace_rel_seq(&r.tr, rst), 302);
	ck_assert_int_eq(entered(&r.tr, SIDE_CLIENT, 1, TCP_CLOSED),
	    trace_arrival(rst));
	run_free(&r);
}
END_TEST

/* Without TIME_WAIT but with timestamps, PAWS (RFC 7323) rejects the
 * old copy: its TSval is older than what the new connection has seen. */
START_TEST(without_time_wait_paws_still_rejects_the_old_duplicate)
{
	static const char *const sets[] = { "msl=0", NULL };
	struct run r;
	run_scenario_with(&r, "time-wait-old-duplicate", NULL, sets, true);
	ck_assert_uint_eq(r.tr.nconns, 2);
	const struct trace_event *old = sent(&r.tr, 1, SIDE_SERVER, DATA, 1);
	ck_assert(old->u.seg.notes & NOTE_DELAYED);
	ck_assert(old->u.seg.notes & NOTE_OUT_OF_WINDOW);
	for (size_t i = 0; i < r.tr.nev; i++) {
		const struct trace_event *ev = &r.tr.ev[i];
		ck_assert_msg(!(ev->type == TRACE_APP && ev->conn == 2 &&
		    ev->side == SIDE_CLIENT && ev->u.app.call == APP_RECV &&
		    ev->u.app.arg == 300 && ev->t == trace_arrival(old)),
		    "the stale reply was read as data");
	}
	run_free(&r);
}
END_TEST

/* The what-if: without TIME_WAIT (and without timestamps, which would
 * let PAWS catch it) the old bytes become the new reply. */
START_TEST(without_time_wait_the_old_duplicate_is_accepted_as_data)
{
	static const char *const sets[] = { "msl=0", "timestamps=0", NULL };
	struct run r;
	run_scenario_with(&r, "time-wait-old-duplicate", NULL, sets, true);
	ck_assert_uint_eq(r.tr.nconns, 2);
	ck_assert_ptr_null(app(&r.tr, SIDE_CLIENT, APP_CONNECT, APP_EADDRINUSE, -1));
	ck_assert(path_has(&r.tr, SIDE_CLIENT, 2, "SYN_SENT ESTABLISHED"));

	const struct trace_event *old = sent(&r.tr, 1, SIDE_SERVER, DATA, 1);
	ck_assert(old->u.seg.notes & NOTE_DELAYED);
	/* Same ISNs: the old reply's numbers fit the new connection. */
	const struct trace_event *syn1 = sent(&r.tr, 1, SIDE_CLIENT, SEG_SYN, 1);
	const struct trace_event *syn2 = sent(&r.tr, 2, SIDE_CLIENT, SEG_SYN, 1);
	ck_assert_uint_eq(syn1->u.seg.seq, syn2->u.seg.seq);

	/* On arrival it is accepted in connection 2: the client ACKs 301
	 * and its program reads 300 bytes at that very moment. */
	const struct trace_event *ack = NULL;
	for (size_t i = 0; i < r.tr.nev && !ack; i++) {
		const struct trace_event *ev = &r.tr.ev[i];
		if (ev->type == TRACE_SEGMENT && ev->conn == 2 &&
		    ev->side == SIDE_CLIENT && ev->t == trace_arrival(old))
			ack = ev;
	}
	ck_assert_ptr_nonnull(ack);
	ck_assert_uint_eq(ack->u.seg.flags, SEG_ACK);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, ack), 301);
	const struct trace_event *rd = NULL;
	for (size_t i = 0; i < r.tr.nev && !rd; i++) {
		const struct trace_event *ev = &r.tr.ev[i];
		if (ev->type == TRACE_APP && ev->conn == 2 &&
		    ev->side == SIDE_CLIENT && ev->u.app.call == APP_RECV &&
		    ev->u.app.arg == 300)
			rd = ev;
	}
	ck_assert_ptr_nonnull(rd);
	ck_assert_int_eq(rd->t, trace_arrival(old));

	/* The real reply, sent before and arriving after, is a duplicate. */
	const struct trace_event *real = sent(&r.tr, 2, SIDE_SERVER, DATA, 1);
	ck_assert_int_lt(real->t, trace_arrival(old));
	ck_assert_int_gt(trace_arrival(real), trace_arrival(old));
	const struct trace_event *dup = sent(&r.tr, 2, SIDE_CLIENT, SEG_ACK, 3);
	ck_assert_ptr_nonnull(dup);
	ck_assert_int_eq(dup->t, trace_arrival(real));
	ck_assert(dup->u.seg.notes & NOTE_DUP_ACK);
	run_free(&r);
}
END_TEST

/* ---- fin-wait-2 ---- */

START_TEST(fin_wait_2_orphan_times_out_silently_then_rst)
{
	struct run r;
	play(&r, "fin-wait-2", NULL,
	    "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSED",
	    "LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");
	int64_t fw2 = entered(&r.tr, SIDE_CLIENT, 1, TCP_FIN_WAIT_2);
	int64_t gone = left(&r.tr, SIDE_CLIENT, 1, TCP_FIN_WAIT_2);
	ck_assert_int_eq(gone - fw2, 60 * SEC);
	ck_assert_int_eq(timers(&r.tr, SIDE_CLIENT, TIMER_FIN_WAIT_2, TIMER_FIRED), 1);
	/* Silently: nothing sent by the client between the two, and no
	 * TIME_WAIT. */
	for (size_t i = 0; i < r.tr.nev; i++) {
		const struct trace_event *ev = &r.tr.ev[i];
		ck_assert(!(ev->type == TRACE_SEGMENT && ev->side == SIDE_CLIENT &&
		    ev->t > fw2 && ev->t <= gone));
	}
	/* The server sat in CLOSE_WAIT until 100 s; its late FIN meets a RST
	 * without ACK, seq = the FIN's ack. */
	const struct trace_event *sfin = sent(&r.tr, 1, SIDE_SERVER, FINACK, 1);
	ck_assert_int_eq(sfin->t, 100 * SEC);
	const struct trace_event *rst = sent(&r.tr, 1, SIDE_CLIENT, SEG_RST, 1);
	ck_assert_ptr_nonnull(rst);
	ck_assert_int_eq(rst->t, trace_arrival(sfin));
	ck_assert_uint_eq(rst->u.seg.seq, sfin->u.seg.ack);
	ck_assert_int_eq(entered(&r.tr, SIDE_SERVER, 1, TCP_CLOSED),
	    trace_arrival(rst));
	run_free(&r);
}
END_TEST

START_TEST(fin_wait_2_textbook_has_no_timer)
{
	struct run r;
	run_scenario_with(&r, "fin-wait-2", "textbook", NULL, true);
	ck_path(&r.tr, SIDE_CLIENT, 1, "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 "
	    "FIN_WAIT_2 TIME_WAIT CLOSED");
	ck_assert_int_eq(timers(&r.tr, SIDE_CLIENT, TIMER_FIN_WAIT_2, TIMER_ARMED), 0);
	ck_assert_int_eq(entered(&r.tr, SIDE_CLIENT, 1, TCP_TIME_WAIT),
	    trace_arrival(sent(&r.tr, 1, SIDE_SERVER, FINACK, 1)));
	ck_assert_int_eq(count_sent(&r.tr, SIDE_CLIENT, SEG_RST), 0);
	run_free(&r);
}
END_TEST

/* The checkpoint's other case: shutdown() alone arms no timer on Linux. */
START_TEST(fin_wait_2_after_shutdown_alone_waits_for_the_fin)
{
	struct run r;
	run_variant(&r, "fin-wait-2", "linux",
	    "client  on data after 0.2   close",
	    "client  on data after 0.2   shutdown");
	ck_path(&r.tr, SIDE_CLIENT, 1, "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 "
	    "FIN_WAIT_2 TIME_WAIT CLOSED");
	ck_assert_int_eq(timers(&r.tr, SIDE_CLIENT, TIMER_FIN_WAIT_2, TIMER_ARMED), 0);
	ck_assert_int_eq(entered(&r.tr, SIDE_CLIENT, 1, TCP_TIME_WAIT),
	    100 * SEC + 50 * MS);
	run_free(&r);
}
END_TEST

/* ---- reuseaddr ---- */

START_TEST(reuseaddr_restart_fails_then_works_with_so_reuseaddr)
{
	struct run r;
	play(&r, "reuseaddr", NULL, NULL, NULL);
	/* The server closed first: its side of connection 1 is in
	 * TIME_WAIT for the whole restart. */
	ck_assert(path_has(&r.tr, SIDE_SERVER, 1, "FIN_WAIT_1"));
	int64_t tw_in = entered(&r.tr, SIDE_SERVER, 1, TCP_TIME_WAIT);
	int64_t tw_out = left(&r.tr, SIDE_SERVER, 1, TCP_TIME_WAIT);
	ck_assert_int_ge(tw_in, 0);
	ck_assert_int_eq(tw_out - tw_in, 60 * SEC);

	/* The old listener closes at 2 s: nothing listens any more. */
	long i = find_state(&r.tr, -1, SIDE_SERVER, TCP_LISTEN);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(r.tr.ev[i].conn, 0);
	int64_t closed = -1;
	for (size_t k = 0; k < r.tr.nev; k++) {
		const struct trace_event *ev = &r.tr.ev[k];
		if (ev->type == TRACE_STATE && ev->side == SIDE_SERVER &&
		    ev->conn == 0 && ev->u.state.from == TCP_LISTEN)
			closed = ev->t;
	}
	ck_assert_int_eq(closed, 2 * SEC);

	/* listen() without SO_REUSEADDR: EADDRINUSE, during TIME_WAIT. */
	const struct trace_event *fail = app(&r.tr, SIDE_SERVER, APP_LISTEN,
	    APP_EADDRINUSE, -1);
	ck_assert_ptr_nonnull(fail);
	ck_assert_int_eq(fail->t, 2500 * MS);
	ck_assert_int_lt(fail->t, tw_out);
	/* The first program set SO_REUSEADDR before its listen() ... */
	long first = find_app(&r.tr, -1, SIDE_SERVER, APP_REUSEADDR, APP_PENDING);
	ck_assert_int_ge(first, 0);
	ck_assert_int_eq(r.tr.ev[first].t, 0);
	/* ... and with it, the restarted one's listen works, still during
	 * TIME_WAIT (both the TIME_WAIT entry and the new socket allow it). */
	long o2 = find_app(&r.tr, first, SIDE_SERVER, APP_REUSEADDR, APP_PENDING);
	ck_assert_int_ge(o2, 0);
	const struct trace_event *opt = &r.tr.ev[o2];
	ck_assert_int_gt(opt->t, fail->t);
	long l2 = find_state(&r.tr, i, SIDE_SERVER, TCP_LISTEN);
	ck_assert_int_ge(l2, 0);
	ck_assert_int_eq(r.tr.ev[l2].t, opt->t);
	ck_assert_int_lt(r.tr.ev[l2].t, tw_out);
	int fails = 0;
	for (size_t k = 0; k < r.tr.nev; k++)
		fails += r.tr.ev[k].type == TRACE_APP &&
		    r.tr.ev[k].u.app.call == APP_LISTEN &&
		    r.tr.ev[k].u.app.result == APP_EADDRINUSE;
	ck_assert_int_eq(fails, 1);

	/* The restarted server serves a new client from another port. */
	ck_assert_uint_eq(r.tr.nconns, 2);
	ck_assert(path_has(&r.tr, SIDE_SERVER, 2, "SYN_RCVD ESTABLISHED"));
	const struct trace_event *reply = sent(&r.tr, 2, SIDE_SERVER, DATA, 1);
	ck_assert_ptr_nonnull(reply);
	ck_assert_int_lt(reply->t, tw_out);
	run_free(&r);
}
END_TEST

/*
 * The checkpoint's what-if, against the claim that a SYN meeting a
 * TIME_WAIT gets a RST: the first client comes back from port 49152
 * while the server still holds that very four-tuple in TIME_WAIT.  The
 * new SYN lies above the old sequence space, so TIME_WAIT gives way to a
 * new incarnation (RFC 1122 4.2.2.13): a SYN-ACK, and no RST anywhere.
 */
START_TEST(reuseaddr_syn_on_a_time_wait_four_tuple_reopens_it)
{
	struct run r;
	run_variant(&r, "reuseaddr", "linux",
	    "client  at 5                connect 49153",
	    "client  at 5                connect 49152");
	ck_assert_uint_eq(r.tr.nconns, 2);
	const struct trace_conn *c1 = trace_conn(&r.tr, 1);
	const struct trace_conn *c2 = trace_conn(&r.tr, 2);
	for (int side = 0; side < 2; side++)
		ck_assert(endpoint_eq(&c1->ep[side], &c2->ep[side]));

	/* The SYN reaches the server's TIME_WAIT, which ends right there. */
	const struct trace_event *syn = sent(&r.tr, 2, SIDE_CLIENT, SEG_SYN, 1);
	ck_assert_ptr_nonnull(syn);
	int64_t tw_in = entered(&r.tr, SIDE_SERVER, 1, TCP_TIME_WAIT);
	ck_assert_int_ge(tw_in, 0);
	ck_assert_int_lt(tw_in, trace_arrival(syn));
	ck_assert_int_eq(left(&r.tr, SIDE_SERVER, 1, TCP_TIME_WAIT),
	    trace_arrival(syn));
	/* Its ISN is above what the old connection had reached. */
	const struct trace_event *fin = sent(&r.tr, 1, SIDE_CLIENT, FINACK, 1);
	ck_assert_ptr_nonnull(fin);
	ck_assert_int_gt((int32_t)(syn->u.seg.seq - (fin->u.seg.seq + 1)), 0);

	/* Answered with a SYN-ACK; both sides reach ESTABLISHED. */
	const struct trace_event *sa = sent(&r.tr, 2, SIDE_SERVER,
	    SEG_SYN | SEG_ACK, 1);
	ck_assert_ptr_nonnull(sa);
	ck_assert_int_eq(sa->t, trace_arrival(syn));
	ck_assert(path_has(&r.tr, SIDE_CLIENT, 2, "SYN_SENT ESTABLISHED"));
	ck_assert(path_has(&r.tr, SIDE_SERVER, 2, "SYN_RCVD ESTABLISHED"));
	for (size_t k = 0; k < r.tr.nev; k++)
		ck_assert(!(r.tr.ev[k].type == TRACE_SEGMENT &&
		    (r.tr.ev[k].u.seg.flags & SEG_RST)));
	run_free(&r);
}
END_TEST

Suite *lib_close_suite(void)
{
	Suite *s = suite_create("lib_close");
	TCase *tc = tcase_create("close");
	tcase_add_test(tc, lifecycle_every_phase_with_relative_numbers);
	tcase_add_test(tc, close_client_first_four_segments_second_is_plain_ack);
	tcase_add_test(tc, close_server_first_time_wait_moves_to_the_server);
	tcase_add_test(tc, close_merged_linux_fin_carries_the_ack);
	tcase_add_test(tc, close_merged_textbook_acks_at_once_so_four_segments);
	tcase_add_test(tc, half_close_data_flows_to_the_shut_down_side);
	tcase_add_test(tc, half_close_with_close_instead_the_data_meets_a_rst);
	tcase_add_test(tc, simultaneous_close_fins_cross_both_closing_both_time_wait);
	tcase_add_test(tc, fin_lost_closer_resends_it_after_one_rto);
	tcase_add_test(tc, fin_lost_textbook_waits_one_second);
	tcase_add_test(tc, last_ack_lost_fin_again_after_rto_and_2msl_restarts);
	tcase_add_test(tc, last_ack_lost_without_time_wait_the_fin_meets_a_rst);
	tcase_add_test(tc, time_wait_acks_and_drops_the_old_duplicate);
	tcase_add_test(tc, without_time_wait_the_old_duplicate_is_accepted_as_data);
	tcase_add_test(tc, without_time_wait_paws_still_rejects_the_old_duplicate);
	tcase_add_test(tc, fin_wait_2_orphan_times_out_silently_then_rst);
	tcase_add_test(tc, fin_wait_2_textbook_has_no_timer);
	tcase_add_test(tc, fin_wait_2_after_shutdown_alone_waits_for_the_fin);
	tcase_add_test(tc, reuseaddr_restart_fails_then_works_with_so_reuseaddr);
	tcase_add_test(tc, reuseaddr_syn_on_a_time_wait_four_tuple_reopens_it);
	suite_add_tcase(s, tc);
	return s;
}
