/*
 * check_lib_trouble.c: the teaching point of each scenario in the
 * trouble group (abort, half-open, keepalive, syn-flood, syn-cookies,
 * accept-backlog, fast-open), asserted on its trace.
 */
#include <stdint.h>
#include <string.h>

#include "library.h"
#include "tests.h"

#define MS(x) ((int64_t)(x) * 1000)
#define S(x) ((int64_t)(x) * 1000000)

/* The connection whose client end is the real client (10.0.0.1) on `port`;
 * 0 if none. */
static int conn_of_port(const struct trace *tr, uint16_t port)
{
	static const uint8_t client_addr[4] = { 10, 0, 0, 1 };
	for (size_t i = 0; i < tr->nconns; i++) {
		const struct endpoint *ep = &tr->conns[i].ep[SIDE_CLIENT];
		if (ep->port == port && memcmp(ep->addr, client_addr, 4) == 0)
			return tr->conns[i].id;
	}
	return 0;
}

/* The segment event at index i (asserting that it is one). */
static const struct trace_event *seg_at(const struct trace *tr, long i)
{
	ck_assert_int_ge(i, 0);
	ck_assert_uint_lt((size_t)i, tr->nev);
	ck_assert_int_eq(tr->ev[i].type, TRACE_SEGMENT);
	return &tr->ev[i];
}

/* The first segment of connection `conn` sent by `side` with exactly these
 * flags, after index `from`; -1 if none. */
static long find_conn_segment(const struct trace *tr, long from, int conn,
    int side, const char *flags)
{
	for (long i = from; (i = find_segment(tr, i, side, flags)) >= 0;)
		if (tr->ev[i].conn == conn)
			return i;
	return -1;
}

/* How many segments `side` sent with these flags (NULL: any) on `conn`
 * (0: any connection), carrying all the notes in `notes`. */
static int count_segments(const struct trace *tr, int conn, int side,
    const char *flags, uint32_t notes)
{
	int n = 0;
	for (long i = -1; (i = find_segment(tr, i, side, flags)) >= 0;)
		if ((conn == 0 || tr->ev[i].conn == conn) &&
		    (tr->ev[i].u.seg.notes & notes) == notes)
			n++;
	return n;
}

/* How many times `side` entered state `to` (any connection). */
static int count_states(const struct trace *tr, int side, enum tcp_state to)
{
	int n = 0;
	for (long i = -1; (i = find_state(tr, i, side, to)) >= 0;)
		n++;
	return n;
}

/* The index of the app result (call, result) of `side` on `conn`; -1. */
static long find_conn_app(const struct trace *tr, int conn, int side, int call,
    int result)
{
	for (long i = -1; (i = find_app(tr, i, side, call, result)) >= 0;)
		if (tr->ev[i].conn == conn)
			return i;
	return -1;
}

/* ---- abort ---- */

START_TEST(abort_sends_rst_at_snd_nxt_and_skips_time_wait)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "abort", NULL, NULL);
	/* The close is one RST,ACK from the client: no FIN from anyone. */
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf),
	    ">S <S. >. >P. <. <P. >. >R.");
	long rst = find_segment(&r.tr, -1, SIDE_CLIENT, "R.");
	const struct trace_event *e = seg_at(&r.tr, rst);
	/* At SND.NXT: after the 100-byte request, acknowledging the reply. */
	ck_assert_uint_eq(trace_rel_seq(&r.tr, e), 101);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, e), 301);
	ck_assert_uint_eq(e->u.seg.len, 0);
	/* No FIN_WAIT_*, no TIME_WAIT: straight to CLOSED on both sides. */
	ck_assert_str_eq(state_path(&r.tr, SIDE_CLIENT, 1, buf, sizeof buf),
	    "CLOSED SYN_SENT ESTABLISHED CLOSED");
	ck_assert_str_eq(state_path(&r.tr, SIDE_SERVER, 1, buf, sizeof buf),
	    "LISTEN SYN_RCVD ESTABLISHED CLOSED");
	ck_assert_int_lt(find_state(&r.tr, -1, SIDE_CLIENT, TCP_TIME_WAIT), 0);
	/* The server's blocked read learns it as ECONNRESET, when the RST
	 * arrives, and nobody answers the RST. */
	long reset = find_app(&r.tr, -1, SIDE_SERVER, APP_RECV, APP_ECONNRESET);
	ck_assert_int_gt(reset, rst);
	ck_assert_int_eq(r.tr.ev[reset].t, trace_arrival(e));
	ck_assert_int_lt(find_segment(&r.tr, rst, SIDE_SERVER, NULL), 0);
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}
END_TEST

/* ---- half-open ---- */

START_TEST(half_open_peer_answers_with_rst_at_seg_ack)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "half-open", NULL, NULL);
	/* The crash sends nothing; the next segment is the server's reply. */
	long crash = find_app(&r.tr, -1, SIDE_CLIENT, APP_CRASH, APP_PENDING);
	ck_assert_int_ge(crash, 0);
	long data = find_segment(&r.tr, crash, SIDE_SERVER, "P.");
	ck_assert_int_ge(data, 0);
	ck_assert_int_gt(find_segment(&r.tr, crash, SIDE_CLIENT, NULL),
	    data);	/* nothing from the client before the reply... */
	/* ...and the server was still ESTABLISHED all along: half-open. */
	ck_assert_str_eq(state_path(&r.tr, SIDE_SERVER, 1, buf, sizeof buf),
	    "LISTEN SYN_RCVD ESTABLISHED CLOSED");
	const struct trace_event *d = seg_at(&r.tr, data);
	ck_assert_int_ge(d->t, r.tr.ev[crash].t + S(1));
	/* The rebooted host answers with a bare RST, seq = the segment's ack. */
	long rst = find_segment(&r.tr, data, SIDE_CLIENT, NULL);
	const struct trace_event *e = seg_at(&r.tr, rst);
	char fl[10];
	ck_assert_str_eq(segment_flags_str(e->u.seg.flags, fl), "R");
	ck_assert_uint_eq(e->u.seg.seq, d->u.seg.ack);
	ck_assert_int_eq(e->t, trace_arrival(d));
	/* The server's application gets ECONNRESET. */
	long reset = find_app(&r.tr, rst, SIDE_SERVER, APP_RECV, APP_ECONNRESET);
	ck_assert_int_ge(reset, 0);
	ck_assert_int_eq(r.tr.ev[reset].t, trace_arrival(e));
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}
END_TEST

/* ---- keepalive ---- */

/* The keepalive probes of a run: count, first at `first`, every `intvl`,
 * each an empty ACK at SND.UNA-1 that the dead link loses; then RST,ACK
 * and ETIMEDOUT one interval after the last. */
static void check_probes(const struct trace *tr, int nprobes, int64_t first,
    int64_t intvl)
{
	int n = 0;
	long i = -1, last = -1;
	while ((i = find_segment(tr, i, SIDE_SERVER, ".")) >= 0) {
		const struct trace_event *e = &tr->ev[i];
		if (!(e->u.seg.notes & NOTE_KEEPALIVE))
			continue;
		ck_assert_int_eq(e->t, first + n * intvl);
		ck_assert_uint_eq(trace_rel_seq(tr, e), 0);	/* SND.UNA-1 */
		ck_assert_uint_eq(trace_rel_ack(tr, e), 1);
		ck_assert_uint_eq(e->u.seg.len, 0);
		ck_assert(e->u.seg.lost);
		last = i;
		n++;
	}
	ck_assert_int_eq(n, nprobes);
	long rst = find_segment(tr, last, SIDE_SERVER, "R.");
	ck_assert_int_eq(seg_at(tr, rst)->t, first + nprobes * intvl);
	long to = find_app(tr, last, SIDE_SERVER, APP_RECV, APP_ETIMEDOUT);
	ck_assert_int_ge(to, 0);
	ck_assert_int_eq(tr->ev[to].t, first + nprobes * intvl);
	/* The client heard nothing: still ESTABLISHED (half-open). */
	ck_assert_int_lt(find_state(tr, -1, SIDE_CLIENT, TCP_CLOSED), 0);
}

START_TEST(keepalive_linux_nine_probes_then_etimedout)
{
	struct run r;
	run_scenario(&r, "keepalive", NULL, NULL);
	ck_assert_str_eq(r.tr.profile, "linux");
	/* 7200 s after the last segment received (the ACK at 0.25 s). */
	check_probes(&r.tr, 9, MS(250) + S(7200), S(75));
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}
END_TEST

START_TEST(keepalive_textbook_ten_probes)
{
	struct run r;
	static const char *const none[] = { NULL };
	run_scenario_with(&r, "keepalive", "textbook", none, true);
	check_probes(&r.tr, 10, MS(250) + S(7200), S(75));
	run_free(&r);
}
END_TEST

START_TEST(keepalive_live_peer_answers_probe)
{
	/* What the narration says a live client does: with a shorter idle
	 * time the first probe goes out while the link is still up, and the
	 * client answers it with an ACK at its current numbers. */
	struct run r;
	static const char *const sets[] = { "keepalive_time=600", NULL };
	run_scenario_with(&r, "keepalive", NULL, sets, true);
	long probe = find_segment(&r.tr, -1, SIDE_SERVER, ".");
	const struct trace_event *p = seg_at(&r.tr, probe);
	ck_assert(p->u.seg.notes & NOTE_KEEPALIVE);
	ck_assert_int_eq(p->t, MS(250) + S(600));
	ck_assert(!p->u.seg.lost);
	long ans = find_segment(&r.tr, probe, SIDE_CLIENT, ".");
	const struct trace_event *a = seg_at(&r.tr, ans);
	ck_assert_int_eq(a->t, trace_arrival(p));
	ck_assert_uint_eq(trace_rel_seq(&r.tr, a), 1);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, a), 1);
	ck_assert(!a->u.seg.lost);
	/* The answer restarts the idle wait: no second probe 75 s later. */
	long next = find_segment(&r.tr, probe, SIDE_SERVER, ".");
	ck_assert_int_ge(seg_at(&r.tr, next)->t, trace_arrival(a) + S(600));
	run_free(&r);
}
END_TEST

/* ---- syn-flood ---- */

START_TEST(syn_flood_fills_syn_queue_and_client_times_out)
{
	struct run r;
	run_scenario(&r, "syn-flood", NULL, NULL);
	int c = conn_of_port(&r.tr, 49152);
	ck_assert_int_gt(c, 0);
	/* Six forged SYNs, five half-open entries (backlog + 1, as on
	 * Linux 6.x): the sixth was dropped without an answer. */
	ck_assert_int_eq(count_segments(&r.tr, 0, SIDE_CLIENT, "S", NOTE_FORGED), 6);
	ck_assert_int_eq(count_states(&r.tr, SIDE_SERVER, TCP_SYN_RCVD), 5);
	ck_assert_int_eq(count_segments(&r.tr, 0, SIDE_SERVER, "S.", 0), 5 * 6);
	ck_assert_int_eq(count_segments(&r.tr, 0, SIDE_SERVER, "S.",
	    NOTE_SYN_COOKIE), 0);
	/* The narration points at the marks: the one dropped forged SYN,
	 * the sixth, sent at 0.55 s, and all three of the client's are
	 * "queue-full". */
	ck_assert_int_eq(count_segments(&r.tr, 0, SIDE_CLIENT, "S",
	    NOTE_FORGED | NOTE_QUEUE_FULL), 1);
	for (long i = -1; (i = find_segment(&r.tr, i, SIDE_CLIENT, "S")) >= 0;) {
		const struct trace_event *e = &r.tr.ev[i];
		if (e->u.seg.notes & NOTE_FORGED)
			ck_assert_int_eq(!!(e->u.seg.notes & NOTE_QUEUE_FULL),
			    e->t == MS(550));
	}
	ck_assert_int_eq(count_segments(&r.tr, c, SIDE_CLIENT, "S",
	    NOTE_QUEUE_FULL), 3);
	/* The real client: three SYNs (syn_retries=2, no linear timeouts),
	 * same ISN, at 1, 2 and 4 s; never answered; ETIMEDOUT at 8 s. */
	int64_t when[] = { S(1), S(2), S(4) };
	long i = -1;
	uint32_t isn = 0;
	for (int k = 0; k < 3; k++) {
		i = find_conn_segment(&r.tr, i, c, SIDE_CLIENT, "S");
		const struct trace_event *e = seg_at(&r.tr, i);
		ck_assert_int_eq(e->t, when[k]);
		if (k == 0)
			isn = e->u.seg.seq;
		ck_assert_uint_eq(e->u.seg.seq, isn);
	}
	ck_assert_int_lt(find_conn_segment(&r.tr, i, c, SIDE_CLIENT, "S"), 0);
	ck_assert_int_eq(count_segments(&r.tr, c, SIDE_SERVER, NULL, 0), 0);
	long fail = find_conn_app(&r.tr, c, SIDE_CLIENT, APP_CONNECT, APP_ETIMEDOUT);
	ck_assert_int_ge(fail, 0);
	ck_assert_int_eq(r.tr.ev[fail].t, S(8));
	/* The half-open entries are dropped 63 s after their SYNs. */
	long back = -1;
	for (long i = -1; (i = find_state(&r.tr, i, SIDE_SERVER, TCP_LISTEN)) >= 0;)
		if (r.tr.ev[i].u.state.from == TCP_SYN_RCVD) {
			back = i;
			break;
		}
	ck_assert_int_ge(back, 0);
	ck_assert_int_eq(r.tr.ev[back].t, MS(550) + S(63));
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}
END_TEST

START_TEST(syn_flood_is_what_syncookies_off_allows)
{
	/* The same script with the defence on: the client gets in. */
	struct run r;
	static const char *const sets[] = { "syncookies=1", NULL };
	run_scenario_with(&r, "syn-flood", NULL, sets, true);
	int c = conn_of_port(&r.tr, 49152);
	ck_assert_int_ge(find_conn_app(&r.tr, c, SIDE_CLIENT, APP_CONNECT, APP_OK), 0);
	run_free(&r);
}
END_TEST

/* ---- syn-cookies ---- */

START_TEST(syn_cookies_keep_no_state_and_client_connects)
{
	struct run r;
	char buf[256], fl[10];
	run_scenario(&r, "syn-cookies", NULL, NULL);
	ck_assert_int_eq(r.prof.syncookies, 1);	/* Linux's default */
	int c = conn_of_port(&r.tr, 49152);
	ck_assert_int_gt(c, 0);
	/* The queue holds the first five forged SYNs only (backlog + 1). */
	ck_assert_int_eq(count_segments(&r.tr, 0, SIDE_CLIENT, "S", NOTE_FORGED), 6);
	ck_assert_int_eq(count_states(&r.tr, SIDE_SERVER, TCP_SYN_RCVD), 5);
	/* Forged #6 and the client's SYN get cookie SYN-ACKs, which are
	 * never retransmitted; the five queued ones are, five times. */
	ck_assert_int_eq(count_segments(&r.tr, 0, SIDE_SERVER, "S.",
	    NOTE_SYN_COOKIE), 2);
	ck_assert_int_eq(count_segments(&r.tr, 0, SIDE_SERVER, "S.",
	    NOTE_RETRANSMISSION), 5 * 5);
	/* In the order the narration names them: SYN-ACKs #1 to #5 go to
	 * the queued entries, #6 is the sixth forged SYN's cookie, #7 is
	 * the client's. */
	{
		long i = -1;
		for (int k = 1; k <= 7; k++) {
			i = find_segment(&r.tr, i, SIDE_SERVER, "S.");
			const struct trace_event *sk = seg_at(&r.tr, i);
			ck_assert_int_eq(!!(sk->u.seg.notes & NOTE_SYN_COOKIE), k > 5);
			ck_assert(!(sk->u.seg.notes & NOTE_RETRANSMISSION));
			ck_assert_int_eq(sk->conn == c, k == 7);
		}
	}
	ck_assert_int_eq(count_segments(&r.tr, c, SIDE_SERVER, "S.", 0), 1);
	long sa = find_conn_segment(&r.tr, -1, c, SIDE_SERVER, "S.");
	const struct trace_event *e = seg_at(&r.tr, sa);
	ck_assert(e->u.seg.notes & NOTE_SYN_COOKIE);
	ck_assert(!(e->u.seg.notes & NOTE_RETRANSMISSION));
	/* With timestamps (Linux's default) the cookie SYN-ACK still offers
	 * window scaling and SACK: the client's choices ride in the low
	 * bits of its TSval (scale 7, SACK bit 0x10) and come back as TSecr. */
	ck_assert_int_ge(e->u.seg.opt, 0);
	struct segment_options o;
	trace_options(&r.tr, e, &o);
	ck_assert(o.present & SEGOPT_MSS);
	ck_assert(o.present & SEGOPT_TIMESTAMP);
	ck_assert(o.present & SEGOPT_WSCALE);
	ck_assert_uint_eq(o.ts_val & 0x1f, 0x10 | 7);
	/* No half-open entry for the client: its final ACK alone rebuilds
	 * the connection, LISTEN -> ESTABLISHED. */
	ck_assert_str_eq(state_path(&r.tr, SIDE_SERVER, c, buf, sizeof buf),
	    "LISTEN ESTABLISHED");
	ck_assert_str_eq(state_path(&r.tr, SIDE_CLIENT, c, buf, sizeof buf),
	    "CLOSED SYN_SENT ESTABLISHED");
	long ack = find_conn_segment(&r.tr, sa, c, SIDE_CLIENT, ".");
	const struct trace_event *a = seg_at(&r.tr, ack);
	ck_assert_uint_eq(a->u.seg.ack, e->u.seg.seq + 1);	/* cookie + 1 */
	long est = find_state(&r.tr, ack, SIDE_SERVER, TCP_ESTABLISHED);
	ck_assert_int_eq(r.tr.ev[est].conn, c);
	ck_assert_int_eq(r.tr.ev[est].t, trace_arrival(a));
	ck_assert_str_eq(segment_flags_str(a->u.seg.flags, fl), ".");
	/* Both applications see a normal connection. */
	ck_assert_int_ge(find_conn_app(&r.tr, c, SIDE_CLIENT, APP_CONNECT, APP_OK), 0);
	ck_assert_int_ge(find_conn_app(&r.tr, c, SIDE_SERVER, APP_ACCEPT, APP_OK), 0);
	ck_assert_int_ge(find_conn_app(&r.tr, c, SIDE_SERVER, APP_RECV, APP_OK), 0);
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}
END_TEST

/* ---- accept-backlog ---- */

START_TEST(accept_backlog_overflow_and_drain)
{
	struct run r;
	char buf[256];
	run_scenario(&r, "accept-backlog", NULL, NULL);
	int c[6];
	for (int k = 1; k <= 5; k++) {
		c[k] = conn_of_port(&r.tr, (uint16_t)(49151 + k));
		ck_assert_int_gt(c[k], 0);
	}
	/* backlog 2: the first three complete on the server, before any
	 * accept(). */
	for (int k = 1; k <= 3; k++) {
		ck_assert_str_eq(state_path(&r.tr, SIDE_SERVER, c[k], buf, sizeof buf),
		    "LISTEN SYN_RCVD ESTABLISHED");
		long acc = find_conn_app(&r.tr, c[k], SIDE_SERVER, APP_ACCEPT, APP_OK);
		ck_assert_int_eq(r.tr.ev[acc].t, S(10));
	}
	/* The fourth: the client is ESTABLISHED at once, but its final ACK is
	 * ignored; the server's child retransmits its SYN-ACK at 1, 3, 7 and
	 * 15 s and completes only after the last one. */
	long cest = -1;
	for (long i = -1; (i = find_state(&r.tr, i, SIDE_CLIENT, TCP_ESTABLISHED)) >= 0;)
		if (r.tr.ev[i].conn == c[4]) {
			cest = i;
			break;
		}
	ck_assert_int_ge(cest, 0);
	ck_assert_int_lt(r.tr.ev[cest].t, S(1));
	ck_assert_int_eq(count_segments(&r.tr, c[4], SIDE_SERVER, "S.",
	    NOTE_RETRANSMISSION), 4);
	ck_assert_int_eq(count_segments(&r.tr, c[4], SIDE_CLIENT, ".", 0), 5);
	long first_sa = find_conn_segment(&r.tr, -1, c[4], SIDE_SERVER, "S.");
	int64_t t0 = seg_at(&r.tr, first_sa)->t;
	long sest = -1;
	for (long i = -1; (i = find_state(&r.tr, i, SIDE_SERVER, TCP_ESTABLISHED)) >= 0;)
		if (r.tr.ev[i].conn == c[4])
			sest = i;
	ck_assert_int_eq(r.tr.ev[sest].t, t0 + S(15) + MS(100));
	ck_assert_str_eq(state_path(&r.tr, SIDE_SERVER, c[4], buf, sizeof buf),
	    "LISTEN SYN_RCVD ESTABLISHED");
	/* The fifth: its SYNs are dropped (no answer) until accept() drains
	 * the queue at 10 s; the next retransmission gets in. */
	long sa5 = find_conn_segment(&r.tr, -1, c[5], SIDE_SERVER, "S.");
	ck_assert_int_gt(seg_at(&r.tr, sa5)->t, S(10));
	ck_assert_int_ge(count_segments(&r.tr, c[5], SIDE_CLIENT, "S",
	    NOTE_RETRANSMISSION), 6);
	ck_assert_int_eq(count_segments(&r.tr, c[5], SIDE_SERVER, "S.", 0), 1);
	long ok5 = find_conn_app(&r.tr, c[5], SIDE_SERVER, APP_ACCEPT, APP_OK);
	long ok4 = find_conn_app(&r.tr, c[4], SIDE_SERVER, APP_ACCEPT, APP_OK);
	ck_assert_int_ge(ok5, 0);
	ck_assert_int_gt(ok4, ok5);	/* the fifth overtakes the fourth */
	/* The marks the narration points at: the fourth's final ACK and
	 * its dup ACKs until 10 s, and the fifth's SYNs until 10 s, are
	 * "queue-full"; the repeated SYN-ACKs reach an ESTABLISHED client
	 * "out-of-window". */
	long ack4 = find_conn_segment(&r.tr, -1, c[4], SIDE_CLIENT, ".");
	ck_assert(seg_at(&r.tr, ack4)->u.seg.notes & NOTE_QUEUE_FULL);
	ck_assert_int_eq(count_segments(&r.tr, c[4], SIDE_CLIENT, ".",
	    NOTE_QUEUE_FULL), 4);
	ck_assert_int_eq(count_segments(&r.tr, c[4], SIDE_SERVER, "S.",
	    NOTE_RETRANSMISSION | NOTE_OUT_OF_WINDOW), 4);
	for (long i = -1; (i = find_conn_segment(&r.tr, i, c[5], SIDE_CLIENT,
	    "S")) >= 0;) {
		const struct trace_event *e = seg_at(&r.tr, i);
		ck_assert_int_eq(!!(e->u.seg.notes & NOTE_QUEUE_FULL),
		    e->t < S(10));
	}
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}
END_TEST

/* ---- fast-open ---- */

/* Whether a segment event has the TFO option; its options in *o. */
static bool tfo_opt(const struct trace *tr, const struct trace_event *e,
    struct segment_options *o)
{
	trace_options(tr, e, o);
	return o->present & SEGOPT_TFO;
}

START_TEST(fast_open_cookie_then_data_in_syn)
{
	struct run r;
	char buf[256];
	run_scenario(&r, "fast-open", NULL, NULL);
	int c1 = conn_of_port(&r.tr, 49152), c2 = conn_of_port(&r.tr, 49153);
	ck_assert_int_gt(c1, 0);
	ck_assert_int_gt(c2, 0);
	/* First connection: SYN with a cookie request and no data; the
	 * SYN-ACK brings the cookie; the data waits for the third segment. */
	long syn1 = find_conn_segment(&r.tr, -1, c1, SIDE_CLIENT, "S");
	const struct trace_event *s1 = seg_at(&r.tr, syn1);
	ck_assert_uint_eq(s1->u.seg.len, 0);
	struct segment_options cookie, sent;
	ck_assert(tfo_opt(&r.tr, s1, &cookie));
	ck_assert_uint_eq(cookie.tfo_len, 0);
	long sa1 = find_conn_segment(&r.tr, syn1, c1, SIDE_SERVER, "S.");
	ck_assert(tfo_opt(&r.tr, seg_at(&r.tr, sa1), &cookie));
	ck_assert_uint_gt(cookie.tfo_len, 0);
	long d1 = find_conn_segment(&r.tr, sa1, c1, SIDE_CLIENT, "P.");
	ck_assert_uint_eq(trace_rel_seq(&r.tr, seg_at(&r.tr, d1)), 1);
	ck_assert_uint_eq(seg_at(&r.tr, d1)->u.seg.len, 100);
	ck_assert_int_eq(count_segments(&r.tr, c1, SIDE_CLIENT, NULL, NOTE_TFO_DATA), 0);
	/* Second connection: the cookie and the 100 bytes ride in the SYN. */
	long syn2 = find_conn_segment(&r.tr, -1, c2, SIDE_CLIENT, "S");
	const struct trace_event *s2 = seg_at(&r.tr, syn2);
	ck_assert_uint_eq(s2->u.seg.len, 100);
	ck_assert(s2->u.seg.notes & NOTE_TFO_DATA);
	ck_assert(tfo_opt(&r.tr, s2, &sent));
	ck_assert_uint_eq(sent.tfo_len, cookie.tfo_len);
	ck_assert(memcmp(sent.tfo_cookie, cookie.tfo_cookie, cookie.tfo_len) == 0);
	/* The SYN-ACK acknowledges the SYN and the data. */
	long sa2 = find_conn_segment(&r.tr, syn2, c2, SIDE_SERVER, "S.");
	ck_assert_uint_eq(seg_at(&r.tr, sa2)->u.seg.ack, s2->u.seg.seq + 101);
	/* The server's application reads the request and replies while the
	 * connection is still SYN_RCVD, when the SYN arrives. */
	long est2 = -1;
	for (long i = -1; (i = find_state(&r.tr, i, SIDE_SERVER, TCP_ESTABLISHED)) >= 0;)
		if (r.tr.ev[i].conn == c2) {
			est2 = i;
			break;
		}
	ck_assert_int_ge(est2, 0);
	long rd = find_conn_app(&r.tr, c2, SIDE_SERVER, APP_RECV, APP_OK);
	ck_assert_int_ge(rd, 0);
	ck_assert_int_lt(rd, est2);
	ck_assert_uint_eq(r.tr.ev[rd].u.app.arg, 100);
	ck_assert_int_eq(r.tr.ev[rd].t, trace_arrival(s2));
	long reply = find_conn_segment(&r.tr, syn2, c2, SIDE_SERVER, "P.");
	ck_assert_int_lt(reply, est2);
	/* One round trip after its SYN the client has the reply (two on the
	 * first connection). */
	ck_assert_int_eq(trace_arrival(seg_at(&r.tr, reply)), s2->t + MS(100));
	long r1 = find_conn_segment(&r.tr, d1, c1, SIDE_SERVER, "P.");
	ck_assert_int_eq(trace_arrival(seg_at(&r.tr, r1)), s1->t + MS(200));
	ck_assert_str_eq(state_path(&r.tr, SIDE_SERVER, c2, buf, sizeof buf),
	    "LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}
END_TEST

START_TEST(fast_open_needs_the_server_bit)
{
	/* Linux's default tcp_fastopen=1 (client only): the server ignores
	 * the option, so no cookie comes back and no data rides in a SYN. */
	struct run r;
	static const char *const sets[] = { "fastopen=1", NULL };
	run_scenario_with(&r, "fast-open", NULL, sets, true);
	ck_assert_int_eq(count_segments(&r.tr, 0, SIDE_CLIENT, NULL, NOTE_TFO_DATA), 0);
	struct segment_options o;
	for (long i = -1; (i = find_segment(&r.tr, i, SIDE_SERVER, "S.")) >= 0;)
		ck_assert(!tfo_opt(&r.tr, &r.tr.ev[i], &o));
	int c2 = conn_of_port(&r.tr, 49153);
	long rd = find_conn_app(&r.tr, c2, SIDE_SERVER, APP_RECV, APP_OK);
	long est = find_state(&r.tr, -1, SIDE_SERVER, TCP_ESTABLISHED);
	for (; est >= 0 && r.tr.ev[est].conn != c2;
	    est = find_state(&r.tr, est, SIDE_SERVER, TCP_ESTABLISHED))
		;
	ck_assert_int_gt(rd, est);
	run_free(&r);
}
END_TEST

/* Without timestamps a stateless server cannot remember the options:
 * the cookie SYN-ACK carries the MSS alone. */
START_TEST(syn_cookies_without_timestamps_lose_window_scale_and_sack)
{
	static const char *const sets[] = { "timestamps=0", NULL };
	struct run r;
	run_scenario_with(&r, "syn-cookies", "linux", sets, false);
	bool seen = false;
	for (size_t i = 0; i < r.tr.nev; i++) {
		const struct trace_event *e = &r.tr.ev[i];
		if (e->type != TRACE_SEGMENT || !(e->u.seg.notes & NOTE_SYN_COOKIE))
			continue;
		struct segment_options o;
		trace_options(&r.tr, e, &o);
		ck_assert(o.present & SEGOPT_MSS);
		ck_assert(!(o.present & (SEGOPT_WSCALE | SEGOPT_SACK_PERM |
		    SEGOPT_TIMESTAMP)));
		seen = true;
	}
	ck_assert(seen);
	run_free(&r);
}
END_TEST

Suite *lib_trouble_suite(void)
{
	Suite *s = suite_create("lib_trouble");
	TCase *tc = tcase_create("trouble");
	tcase_add_test(tc, abort_sends_rst_at_snd_nxt_and_skips_time_wait);
	tcase_add_test(tc, half_open_peer_answers_with_rst_at_seg_ack);
	tcase_add_test(tc, keepalive_linux_nine_probes_then_etimedout);
	tcase_add_test(tc, keepalive_textbook_ten_probes);
	tcase_add_test(tc, keepalive_live_peer_answers_probe);
	tcase_add_test(tc, syn_flood_fills_syn_queue_and_client_times_out);
	tcase_add_test(tc, syn_flood_is_what_syncookies_off_allows);
	tcase_add_test(tc, syn_cookies_keep_no_state_and_client_connects);
	tcase_add_test(tc, accept_backlog_overflow_and_drain);
	tcase_add_test(tc, fast_open_cookie_then_data_in_syn);
	tcase_add_test(tc, fast_open_needs_the_server_bit);
	tcase_add_test(tc, syn_cookies_without_timestamps_lose_window_scale_and_sack);
	suite_add_tcase(s, tc);
	return s;
}
