/*
 * check_lib_open.c: the teaching point of each scenario in the open group
 * (how connections are opened, and how opening goes wrong), asserted on
 * its trace: state paths, segments, who retransmits what and when, what
 * the applications get back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "library.h"
#include "tests.h"

#define SEC 1000000LL
#define MS 1000LL

/* The nth (1-based) segment sent by `side` with exactly these flags. */
static const struct trace_event *sent(const struct trace *tr, int side,
    uint8_t flags, int nth)
{
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *ev = &tr->ev[i];
		if (ev->type == TRACE_SEGMENT && ev->side == side &&
		    ev->u.seg.flags == flags && --nth == 0)
			return ev;
	}
	return NULL;
}

static int count_sent(const struct trace *tr, int side, uint8_t flags)
{
	int n = 0;
	while (sent(tr, side, flags, n + 1))
		n++;
	return n;
}

/* Time of the first state change of `side` to `to`, or -1. */
static int64_t entered(const struct trace *tr, int side, enum tcp_state to)
{
	long i = find_state(tr, -1, side, to);
	return i < 0 ? -1 : tr->ev[i].t;
}

/* How many times `side`'s timer of that kind fired in [from, to). */
static int fired(const struct trace *tr, int side, int timer, int64_t from,
    int64_t to)
{
	int n = 0;
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *ev = &tr->ev[i];
		if (ev->type == TRACE_TIMER && ev->side == side &&
		    ev->u.timer.timer == timer &&
		    ev->u.timer.action == TIMER_FIRED &&
		    ev->t >= from && ev->t < to)
			n++;
	}
	return n;
}

/*
 * Play a scenario file after `edit` has changed it (what run_scenario_with
 * cannot do: forget the fixed ISNs, remove a step).  Narrations that no
 * longer happen are allowed.
 */
static void run_edited(struct run *r, const char *id,
    void (*edit)(struct scenario *))
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	struct tv_error err;
	snprintf(path, sizeof path, "%s/data/scenarios/%s.tcpviz", top ? top : ".", id);
	ck_assert_msg(scenario_load(&r->sc, path, &err) == 0, "%s: %s", path, err.msg);
	edit(&r->sc);
	ck_assert_int_eq(profile_init(&r->prof,
	    r->sc.profile[0] ? r->sc.profile : "linux", NULL), 0);
	for (size_t i = 0; i < r->sc.nsets; i++)
		ck_assert_int_eq(profile_set(&r->prof, r->sc.sets[i], &err), 0);
	trace_init(&r->tr);
	struct engine_opts o = {
		.sc = &r->sc, .prof = &r->prof,
		.seed = r->sc.has_seed ? r->sc.seed : 1,
	};
	struct engine *e = engine_new(&o, &r->tr, &err);
	ck_assert_msg(e != NULL, "%s: %s", id, err.msg);
	engine_run(e);
	engine_free(e);
}

/* ---- handshake ---- */

START_TEST(handshake_flags_isns_and_seq_ack_arithmetic)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "handshake", NULL, NULL);
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf), ">S <S. >. >P. <.");
	ck_assert_str_eq(state_path(&r.tr, SIDE_CLIENT, 1, buf, sizeof buf),
	    "CLOSED SYN_SENT ESTABLISHED");
	ck_assert_str_eq(state_path(&r.tr, SIDE_SERVER, 1, buf, sizeof buf),
	    "LISTEN SYN_RCVD ESTABLISHED");

	const struct trace_event *syn = nth_segment(&r.tr, 1);
	const struct trace_event *synack = nth_segment(&r.tr, 2);
	const struct trace_event *ack = nth_segment(&r.tr, 3);
	const struct trace_event *data = nth_segment(&r.tr, 4);
	const struct trace_event *dack = nth_segment(&r.tr, 5);
	uint32_t x = syn->u.seg.seq, y = synack->u.seg.seq;

	/* First two: SYN and SYN-ACK, no data, each side its own ISN. */
	ck_assert_uint_eq(syn->u.seg.flags, SEG_SYN);
	ck_assert_uint_eq(syn->u.seg.len, 0);
	ck_assert_uint_eq(synack->u.seg.flags, SEG_SYN | SEG_ACK);
	ck_assert_uint_eq(synack->u.seg.len, 0);
	ck_assert_uint_ne(x, y);
	ck_assert_uint_eq(synack->u.seg.ack, x + 1);
	ck_assert_uint_eq(trace_rel_seq(&r.tr, syn), 0);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, synack), 1);

	/* The third carries ACK, not SYN: seq = x+1, ack = y+1. */
	ck_assert_uint_eq(ack->u.seg.flags, SEG_ACK);
	ck_assert_uint_eq(ack->u.seg.len, 0);
	ck_assert_uint_eq(ack->u.seg.seq, x + 1);
	ck_assert_uint_eq(ack->u.seg.ack, y + 1);

	/* The bare ACK used no number: the first data byte is x+1 too. */
	ck_assert_uint_eq(data->u.seg.seq, x + 1);
	ck_assert_uint_eq(data->u.seg.len, 100);
	ck_assert_uint_eq(dack->u.seg.ack, x + 1 + 100);

	/* Options only in the SYNs: MSS 1460, wscale 7, SACK-permitted;
	 * the SYN's window is unscaled. */
	for (int i = 0; i < 2; i++) {
		const struct trace_event *s = i ? synack : syn;
		ck_assert_int_ge(s->u.seg.opt, 0);
		struct segment_options o;
		trace_options(&r.tr, s, &o);
		ck_assert(o.present & SEGOPT_MSS);
		ck_assert(o.present & SEGOPT_WSCALE);
		ck_assert(o.present & SEGOPT_SACK_PERM);
		ck_assert_uint_eq(o.mss, 1460);
		ck_assert_uint_eq(o.wscale, 7);
		ck_assert_uint_eq(s->u.seg.win, 64240);
		ck_assert(o.present & SEGOPT_TIMESTAMP);
	}
	/* SYN-only options stay in the SYNs: the ACK keeps only the
	 * timestamps both sides agreed on, echoing the server's TSval. */
	ck_assert_int_ge(ack->u.seg.opt, 0);
	struct segment_options ao, so;
	trace_options(&r.tr, ack, &ao);
	trace_options(&r.tr, synack, &so);
	ck_assert_uint_eq(ao.present, SEGOPT_TIMESTAMP);
	ck_assert_uint_eq(ao.ts_ecr, so.ts_val);
	/* ... and so does every later segment (12 bytes of each one). */
	for (int i = 0; i < 2; i++) {
		const struct trace_event *s = i ? dack : data;
		ck_assert_int_ge(s->u.seg.opt, 0);
		trace_options(&r.tr, s, &so);
		ck_assert_uint_eq(so.present, SEGOPT_TIMESTAMP);
	}

	/* The flags on screen: P. is PSH+ACK on the data segment; the
	 * server's quick ACK of it leaves the moment it arrives. */
	ck_assert_uint_eq(data->u.seg.flags, SEG_PSH | SEG_ACK);
	ck_assert_uint_eq(dack->u.seg.flags, SEG_ACK);
	ck_assert_int_eq(dack->t, trace_arrival(data));

	/* The client is established half a round trip before the server. */
	ck_assert_int_eq(entered(&r.tr, SIDE_SERVER, TCP_ESTABLISHED) -
	    entered(&r.tr, SIDE_CLIENT, TCP_ESTABLISHED), 50 * MS);
	ck_assert_int_ge(find_app(&r.tr, -1, SIDE_SERVER, APP_ACCEPT, APP_OK), 0);
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);

	/* The narration's aside: the textbook profile sends no timestamps. */
	run_scenario_with(&r, "handshake", "textbook", NULL, true);
	syn = nth_segment(&r.tr, 1);
	ck_assert_int_ge(syn->u.seg.opt, 0);
	trace_options(&r.tr, syn, &so);
	ck_assert(!(so.present & SEGOPT_TIMESTAMP));
	run_free(&r);
}
END_TEST

/* ---- syn-lost ---- */

/* The retransmission timeout armed when the client sends its FIN. */
static int64_t fin_rto(const struct trace *tr)
{
	const struct trace_event *fin = sent(tr, SIDE_CLIENT, SEG_FIN | SEG_ACK, 1);
	ck_assert_ptr_nonnull(fin);
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *ev = &tr->ev[i];
		if (ev->type == TRACE_TIMER && ev->side == SIDE_CLIENT &&
		    ev->t == fin->t && ev->u.timer.timer == TIMER_RETRANSMIT &&
		    ev->u.timer.action == TIMER_ARMED)
			return ev->u.timer.expires - ev->t;
	}
	return -1;
}

START_TEST(syn_lost_same_isn_after_one_second_rtt_from_timestamps)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "syn-lost", NULL, NULL);
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf),
	    ">S! >S <S. >. >F. <. <F. >.");
	const struct trace_event *first = sent(&r.tr, SIDE_CLIENT, SEG_SYN, 1);
	const struct trace_event *again = sent(&r.tr, SIDE_CLIENT, SEG_SYN, 2);
	ck_assert(first->u.seg.lost);
	ck_assert_uint_eq(again->u.seg.seq, first->u.seg.seq);
	ck_assert(again->u.seg.notes & NOTE_RETRANSMISSION);
	ck_assert_int_eq(again->t - first->t, 1 * SEC);
	/* The server heard nothing until the retransmission. */
	ck_assert_int_eq(entered(&r.tr, SIDE_SERVER, TCP_SYN_RCVD),
	    again->t + 50 * MS);
	ck_assert_int_eq(entered(&r.tr, SIDE_CLIENT, TCP_ESTABLISHED), 1200 * MS);
	/* Karn's rule forbids timing the resent SYN, but the SYN-ACK echoes
	 * its timestamp: the round trip (100 ms) is still measured, and the
	 * FIN's timer is Linux's 300 ms, not RFC 6298's 3 s fallback. */
	ck_assert_int_eq(fin_rto(&r.tr), 300 * MS);
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);

	/* Without timestamps nothing measured the handshake: 3 s (5.7). */
	static const char *const no_ts[] = { "timestamps=0", NULL };
	run_scenario_with(&r, "syn-lost", "linux", no_ts, true);
	ck_assert_int_eq(fin_rto(&r.tr), 3 * SEC);
	run_free(&r);
}
END_TEST

/* ---- syn-timeout ---- */

static void check_syn_schedule(const char *profile, const int64_t *at,
    int nsyns, int64_t fail)
{
	struct run r;
	char buf[512];
	run_scenario_with(&r, "syn-timeout", profile, NULL,
	    strcmp(profile, "linux") != 0);
	ck_assert_int_eq(count_sent(&r.tr, SIDE_CLIENT, SEG_SYN), nsyns);
	ck_assert_int_eq((int)r.tr.nsegs, nsyns);
	uint32_t isn = sent(&r.tr, SIDE_CLIENT, SEG_SYN, 1)->u.seg.seq;
	for (int i = 0; i < nsyns; i++) {
		const struct trace_event *s = sent(&r.tr, SIDE_CLIENT, SEG_SYN, i + 1);
		ck_assert_msg(s->t == at[i] * SEC, "%s: SYN %d at %lld us", profile,
		    i + 1, (long long)s->t);
		ck_assert(s->u.seg.lost);
		ck_assert_uint_eq(s->u.seg.seq, isn);
	}
	ck_assert_str_eq(state_path(&r.tr, SIDE_CLIENT, 1, buf, sizeof buf),
	    "CLOSED SYN_SENT CLOSED");
	long i = find_app(&r.tr, -1, SIDE_CLIENT, APP_CONNECT, APP_ETIMEDOUT);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(r.tr.ev[i].t, fail * SEC);
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}

START_TEST(syn_timeout_linux_11_syns_fails_at_131_s)
{
	static const int64_t at[] = { 0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 };
	check_syn_schedule("linux", at, 11, 131);
}
END_TEST

START_TEST(syn_timeout_textbook_6_syns_fails_at_63_s)
{
	static const int64_t at[] = { 0, 1, 3, 7, 15, 31 };
	check_syn_schedule("textbook", at, 6, 63);
}
END_TEST

/* ---- synack-lost ---- */

START_TEST(synack_lost_both_retransmit_and_a_repeated_syn_is_answered_at_once)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "synack-lost", NULL, NULL);
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf),
	    ">S <S.! >S <S.! <S.! >S <S. >.");
	ck_assert_str_eq(state_path(&r.tr, SIDE_SERVER, 1, buf, sizeof buf),
	    "LISTEN SYN_RCVD ESTABLISHED");
	/* The client resends its SYN on its own timer: 0.1, 1.1, 2.1 s. */
	for (int i = 0; i < 3; i++) {
		const struct trace_event *s = sent(&r.tr, SIDE_CLIENT, SEG_SYN, i + 1);
		ck_assert_int_eq(s->t, 100 * MS + i * SEC);
	}
	ck_assert_int_eq(fired(&r.tr, SIDE_CLIENT, TIMER_RETRANSMIT, 0, 3 * SEC), 2);
	/* The server resends its SYN-ACK on its own timer (1 s after the
	 * first) and for the repeated SYN arriving at the same moment. */
	const uint8_t sa = SEG_SYN | SEG_ACK;
	ck_assert_int_eq(count_sent(&r.tr, SIDE_SERVER, sa), 4);
	ck_assert_int_eq(sent(&r.tr, SIDE_SERVER, sa, 1)->t, 150 * MS);
	ck_assert_int_eq(fired(&r.tr, SIDE_SERVER, TIMER_RETRANSMIT, 0, 3 * SEC), 1);
	ck_assert_int_eq(fired(&r.tr, SIDE_SERVER, TIMER_RETRANSMIT,
	    1150 * MS, 1151 * MS), 1);
	ck_assert_int_eq(sent(&r.tr, SIDE_SERVER, sa, 2)->t, 1150 * MS);
	ck_assert_int_eq(sent(&r.tr, SIDE_SERVER, sa, 3)->t, 1150 * MS);
	/* The fourth: no timer fired, the third SYN's arrival sent it. */
	const struct trace_event *fourth = sent(&r.tr, SIDE_SERVER, sa, 4);
	const struct trace_event *syn3 = sent(&r.tr, SIDE_CLIENT, SEG_SYN, 3);
	ck_assert_int_eq(fourth->t, trace_arrival(syn3));
	ck_assert_int_eq(fourth->t, 2150 * MS);
	ck_assert(!fourth->u.seg.lost);
	/* Every copy repeats the same ISN and ack. */
	for (int i = 2; i <= 4; i++) {
		ck_assert_uint_eq(sent(&r.tr, SIDE_SERVER, sa, i)->u.seg.seq,
		    sent(&r.tr, SIDE_SERVER, sa, 1)->u.seg.seq);
		ck_assert_uint_eq(sent(&r.tr, SIDE_SERVER, sa, i)->u.seg.ack,
		    sent(&r.tr, SIDE_SERVER, sa, 1)->u.seg.ack);
	}
	ck_assert_int_eq(entered(&r.tr, SIDE_CLIENT, TCP_ESTABLISHED), 2200 * MS);
	ck_assert_int_eq(entered(&r.tr, SIDE_SERVER, TCP_ESTABLISHED), 2250 * MS);
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}
END_TEST

/* ---- third-ack-lost ---- */

START_TEST(third_ack_lost_data_completes_the_servers_handshake)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "third-ack-lost", NULL, NULL);
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf), ">S <S. >.! >P. <.");
	/* Client established at 0.2 s, server only when the data comes. */
	ck_assert_int_eq(entered(&r.tr, SIDE_CLIENT, TCP_ESTABLISHED), 200 * MS);
	const struct trace_event *data = sent(&r.tr, SIDE_CLIENT, SEG_PSH | SEG_ACK, 1);
	const struct trace_event *synack = sent(&r.tr, SIDE_SERVER, SEG_SYN | SEG_ACK, 1);
	ck_assert_uint_eq(data->u.seg.ack, synack->u.seg.seq + 1);
	ck_assert_int_eq(entered(&r.tr, SIDE_SERVER, TCP_ESTABLISHED),
	    trace_arrival(data));
	ck_assert_str_eq(state_path(&r.tr, SIDE_SERVER, 1, buf, sizeof buf),
	    "LISTEN SYN_RCVD ESTABLISHED");
	/* The data is kept and acknowledged; no SYN-ACK was resent, no ACK. */
	ck_assert_uint_eq(nth_segment(&r.tr, 5)->u.seg.ack, data->u.seg.seq + 100);
	ck_assert_int_eq(count_sent(&r.tr, SIDE_SERVER, SEG_SYN | SEG_ACK), 1);
	ck_assert_int_eq(fired(&r.tr, SIDE_SERVER, TIMER_RETRANSMIT, 0, 100 * SEC), 0);
	long acc = find_app(&r.tr, -1, SIDE_SERVER, APP_ACCEPT, APP_OK);
	ck_assert_int_ge(acc, 0);
	ck_assert_int_eq(r.tr.ev[acc].t, trace_arrival(data));
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}
END_TEST

static void drop_client_send(struct scenario *sc)
{
	for (size_t i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].side == SIDE_CLIENT && sc->steps[i].call == APP_SEND) {
			memmove(&sc->steps[i], &sc->steps[i + 1],
			    (sc->nsteps - i - 1) * sizeof sc->steps[0]);
			sc->nsteps--;
			return;
		}
	ck_abort_msg("no client send step");
}

START_TEST(third_ack_lost_silent_client_is_rescued_by_synack_timer)
{
	/* The narrated alternative: the client sends nothing. */
	struct run r;
	char buf[512];
	run_edited(&r, "third-ack-lost", drop_client_send);
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf), ">S <S. >.! <S. >.");
	const struct trace_event *again = sent(&r.tr, SIDE_SERVER, SEG_SYN | SEG_ACK, 2);
	ck_assert(again->u.seg.notes & NOTE_RETRANSMISSION);
	ck_assert_int_eq(again->t, 1150 * MS);
	ck_assert_int_eq(entered(&r.tr, SIDE_SERVER, TCP_ESTABLISHED), 1250 * MS);
	run_free(&r);
}
END_TEST

/* ---- third-ack-data ---- */

START_TEST(third_ack_data_rides_on_the_third_segment)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "third-ack-data", NULL, NULL);
	/* No bare ACK: the third segment is the ACK and the data. */
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf), ">S <S. >P. <.");
	const struct trace_event *syn = nth_segment(&r.tr, 1);
	const struct trace_event *synack = nth_segment(&r.tr, 2);
	const struct trace_event *third = nth_segment(&r.tr, 3);
	ck_assert_uint_eq(syn->u.seg.len, 0);
	ck_assert_uint_eq(synack->u.seg.len, 0);
	ck_assert(!(third->u.seg.flags & SEG_SYN));
	ck_assert(third->u.seg.flags & SEG_ACK);
	ck_assert_uint_eq(third->u.seg.len, 100);
	ck_assert_uint_eq(third->u.seg.seq, syn->u.seg.seq + 1);
	ck_assert_uint_eq(third->u.seg.ack, synack->u.seg.seq + 1);
	/* send() was called in SYN_SENT, before the SYN-ACK came. */
	long s = find_app(&r.tr, -1, SIDE_CLIENT, APP_SEND, APP_PENDING);
	ck_assert_int_ge(s, 0);
	ck_assert_int_lt(r.tr.ev[s].t, trace_arrival(synack));
	/* It completes the server's handshake and is acknowledged. */
	ck_assert_int_eq(entered(&r.tr, SIDE_SERVER, TCP_ESTABLISHED),
	    trace_arrival(third));
	ck_assert_uint_eq(nth_segment(&r.tr, 4)->u.seg.ack, third->u.seg.seq + 100);
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}
END_TEST

/* ---- simultaneous-open ---- */

START_TEST(simultaneous_open_four_segments_open_then_two_bare_acks)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "simultaneous-open", NULL, NULL);
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf),
	    ">S <S <S. >S. >. <. >F. <F. >.");
	for (int side = 0; side < 2; side++) {
		const char *p = state_path(&r.tr, side, 1, buf, sizeof buf);
		ck_assert_msg(strncmp(p, "CLOSED SYN_SENT SYN_RCVD ESTABLISHED", 36) == 0,
		    "%s: %s", trace_side_name(side), p);
		ck_assert_msg(strstr(p, "LISTEN") == NULL, "%s", p);
		/* Each SYN-ACK repeats that side's original ISN. */
		const struct trace_event *syn = sent(&r.tr, side, SEG_SYN, 1);
		const struct trace_event *sa = sent(&r.tr, side, SEG_SYN | SEG_ACK, 1);
		const struct trace_event *peer = sent(&r.tr, !side, SEG_SYN, 1);
		ck_assert_uint_eq(sa->u.seg.seq, syn->u.seg.seq);
		ck_assert_uint_eq(sa->u.seg.ack, peer->u.seg.seq + 1);
		/* Then one bare ACK each, acknowledging the peer's SYN. */
		const struct trace_event *ack = sent(&r.tr, side, SEG_ACK, 1);
		ck_assert_uint_eq(ack->u.seg.seq, syn->u.seg.seq + 1);
		ck_assert_uint_eq(ack->u.seg.ack, peer->u.seg.seq + 1);
		ck_assert_int_eq(count_sent(&r.tr, side, SEG_SYN | SEG_ACK), 1);
	}
	ck_assert_int_eq(entered(&r.tr, SIDE_CLIENT, TCP_ESTABLISHED),
	    entered(&r.tr, SIDE_SERVER, TCP_ESTABLISHED));
	ck_assert_int_lt(find_app(&r.tr, -1, SIDE_SERVER, APP_LISTEN, APP_PENDING), 0);
	/* The narrated close: the client goes FIN_WAIT_1 -> TIME_WAIT. */
	const char *p = state_path(&r.tr, SIDE_CLIENT, 1, buf, sizeof buf);
	ck_assert_msg(strstr(p, "FIN_WAIT_1 TIME_WAIT CLOSED") != NULL, "%s", p);
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}
END_TEST

/* ---- two-way-handshake ---- */

START_TEST(two_way_handshake_stale_syn_is_reset_in_syn_rcvd)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "two-way-handshake", NULL, NULL);
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf), ">S <S. >R");
	const struct trace_event *syn = nth_segment(&r.tr, 1);
	const struct trace_event *synack = nth_segment(&r.tr, 2);
	const struct trace_event *rst = nth_segment(&r.tr, 3);
	/* The client gave up (closed, sending nothing) before the SYN arrived. */
	ck_assert_str_eq(state_path(&r.tr, SIDE_CLIENT, 1, buf, sizeof buf),
	    "CLOSED SYN_SENT CLOSED");
	ck_assert_int_lt(entered(&r.tr, SIDE_CLIENT, TCP_CLOSED), trace_arrival(syn));
	ck_assert(syn->u.seg.notes & NOTE_DELAYED);
	/* The server only got to SYN_RCVD; the RST (seq = SYN-ACK's ack)
	 * sent it back to LISTEN and the application saw nothing. */
	ck_assert_str_eq(state_path(&r.tr, SIDE_SERVER, 1, buf, sizeof buf),
	    "LISTEN SYN_RCVD LISTEN");
	ck_assert_uint_eq(rst->u.seg.flags, SEG_RST);
	ck_assert_uint_eq(rst->u.seg.seq, synack->u.seg.ack);
	ck_assert_int_lt(find_state(&r.tr, -1, SIDE_SERVER, TCP_ESTABLISHED), 0);
	ck_assert_int_lt(find_app(&r.tr, -1, SIDE_SERVER, APP_ACCEPT, APP_OK), 0);
	ck_assert_int_lt(find_app(&r.tr, -1, SIDE_SERVER, APP_SEND, APP_PENDING), 0);
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}
END_TEST

START_TEST(two_way_handshake_what_if_server_accepts_unwanted_connection)
{
	struct run r;
	char buf[512];
	static const char *const two[] = { "handshake=2", NULL };
	run_scenario_with(&r, "two-way-handshake", NULL, two, true);
	/* The SYN alone makes the server ESTABLISHED: accept() returns and
	 * it sends data to a client that wanted nothing. */
	const char *p = state_path(&r.tr, SIDE_SERVER, 1, buf, sizeof buf);
	ck_assert_msg(strstr(p, "ESTABLISHED") != NULL, "%s", p);
	const struct trace_event *syn = nth_segment(&r.tr, 1);
	ck_assert_int_eq(entered(&r.tr, SIDE_SERVER, TCP_ESTABLISHED),
	    trace_arrival(syn));
	ck_assert_int_ge(find_app(&r.tr, -1, SIDE_SERVER, APP_ACCEPT, APP_OK), 0);
	ck_assert_ptr_nonnull(sent(&r.tr, SIDE_SERVER, SEG_PSH | SEG_ACK, 1));
	/* Only the client's RST ends it. */
	ck_assert_int_ge(find_app(&r.tr, -1, SIDE_SERVER, APP_RECV, APP_ECONNRESET), 0);
	run_free(&r);
}
END_TEST

/* ---- refused ---- */

START_TEST(refused_rst_ack_and_econnrefused_after_one_round_trip)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "refused", NULL, NULL);
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf), ">S <R.");
	const struct trace_event *syn = nth_segment(&r.tr, 1);
	const struct trace_event *rst = nth_segment(&r.tr, 2);
	ck_assert_uint_eq(rst->u.seg.flags, SEG_RST | SEG_ACK);
	ck_assert_uint_eq(rst->u.seg.seq, 0);
	ck_assert_uint_eq(rst->u.seg.ack, syn->u.seg.seq + 1);
	ck_assert_str_eq(state_path(&r.tr, SIDE_CLIENT, 1, buf, sizeof buf),
	    "CLOSED SYN_SENT CLOSED");
	long i = find_app(&r.tr, -1, SIDE_CLIENT, APP_CONNECT, APP_ECONNREFUSED);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(r.tr.ev[i].t - syn->t, 100 * MS);
	ck_assert_int_eq(fired(&r.tr, SIDE_CLIENT, TIMER_RETRANSMIT, 0, 1000 * SEC), 0);
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}
END_TEST

/* ---- isn ---- */

START_TEST(isn_predictable_forged_rst_kills_the_connection)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "isn", NULL, NULL);
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf), ">S <S. >. >R* >P. <R");
	ck_assert_uint_eq(nth_segment(&r.tr, 1)->u.seg.seq, 1000);
	ck_assert_uint_eq(nth_segment(&r.tr, 2)->u.seg.seq, 5000);
	const struct trace_event *forged = nth_segment(&r.tr, 4);
	ck_assert(forged->u.seg.notes & NOTE_FORGED);
	ck_assert_uint_eq(forged->u.seg.seq, 1001);
	/* Accepted: the server's connection dies at the forged RST. */
	ck_assert_str_eq(state_path(&r.tr, SIDE_SERVER, 1, buf, sizeof buf),
	    "LISTEN SYN_RCVD ESTABLISHED CLOSED");
	ck_assert_int_eq(entered(&r.tr, SIDE_SERVER, TCP_CLOSED),
	    trace_arrival(forged));
	ck_assert_int_ge(find_app(&r.tr, -1, SIDE_SERVER, APP_RECV, APP_ECONNRESET), 0);
	/* And the real client finds out with its next segment. */
	ck_assert_int_ge(find_app(&r.tr, -1, SIDE_CLIENT, APP_RECV, APP_ECONNRESET), 0);
	ck_assert_uint_gt(count_narrations(&r.tr), 0);
	run_free(&r);
}
END_TEST

static void random_isns(struct scenario *sc)
{
	/* A normal stack: the attacker still guesses client.isn+1 = 1001. */
	sc->fixed_isn = false;
}

START_TEST(isn_random_forged_rst_is_dropped)
{
	struct run r;
	char buf[512];
	run_edited(&r, "isn", random_isns);
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf), ">S <S. >. >R* >P. <.");
	uint32_t isn = nth_segment(&r.tr, 1)->u.seg.seq;
	ck_assert_uint_ne(isn, 1000);
	const struct trace_event *forged = nth_segment(&r.tr, 4);
	ck_assert(forged->u.seg.notes & NOTE_FORGED);
	ck_assert_uint_eq(forged->u.seg.seq, 1001);
	/* Dropped: the connection lives and the request is acknowledged. */
	ck_assert_str_eq(state_path(&r.tr, SIDE_SERVER, 1, buf, sizeof buf),
	    "LISTEN SYN_RCVD ESTABLISHED");
	ck_assert_uint_eq(nth_segment(&r.tr, 6)->u.seg.ack, isn + 1 + 100);
	ck_assert_int_lt(find_app(&r.tr, -1, SIDE_SERVER, APP_RECV, APP_ECONNRESET), 0);
	ck_assert_int_lt(find_app(&r.tr, -1, SIDE_CLIENT, APP_RECV, APP_ECONNRESET), 0);
	run_free(&r);
}
END_TEST

Suite *lib_open_suite(void)
{
	Suite *s = suite_create("lib_open");
	TCase *tc = tcase_create("open");
	tcase_add_test(tc, handshake_flags_isns_and_seq_ack_arithmetic);
	tcase_add_test(tc, syn_lost_same_isn_after_one_second_rtt_from_timestamps);
	tcase_add_test(tc, syn_timeout_linux_11_syns_fails_at_131_s);
	tcase_add_test(tc, syn_timeout_textbook_6_syns_fails_at_63_s);
	tcase_add_test(tc, synack_lost_both_retransmit_and_a_repeated_syn_is_answered_at_once);
	tcase_add_test(tc, third_ack_lost_data_completes_the_servers_handshake);
	tcase_add_test(tc, third_ack_lost_silent_client_is_rescued_by_synack_timer);
	tcase_add_test(tc, third_ack_data_rides_on_the_third_segment);
	tcase_add_test(tc, simultaneous_open_four_segments_open_then_two_bare_acks);
	tcase_add_test(tc, two_way_handshake_stale_syn_is_reset_in_syn_rcvd);
	tcase_add_test(tc, two_way_handshake_what_if_server_accepts_unwanted_connection);
	tcase_add_test(tc, refused_rst_ack_and_econnrefused_after_one_round_trip);
	tcase_add_test(tc, isn_predictable_forged_rst_kills_the_connection);
	tcase_add_test(tc, isn_random_forged_rst_is_dropped);
	suite_add_tcase(s, tc);
	return s;
}
