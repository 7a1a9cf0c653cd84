/*
 * check_engine.c: whole scenarios through the engine.  Each built-in
 * scenario's teaching point is asserted on the trace itself (state paths,
 * segments, timers), and so are determinism, loss descriptors and a
 * listener under hundreds of half-open connections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "library.h"
#include "tests.h"

#define SEC 1000000LL

START_TEST(lifecycle_opens_exchanges_closes_in_four_and_waits_2msl)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "lifecycle", "linux", NULL);
	ck_assert_str_eq(state_path(&r.tr, SIDE_CLIENT, 1, buf, sizeof buf),
	    "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED");
	ck_assert_str_eq(state_path(&r.tr, SIDE_SERVER, 1, buf, sizeof buf),
	    "LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");
	/* Handshake, request, its ACK, reply, its ACK, then four to close. */
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf),
	    ">S <S. >. >P. <. <P. >. >F. <. <F. >.");
	/* The relative numbers a student checks: SYN and FIN take one each. */
	const struct trace_event *synack = nth_segment(&r.tr, 2);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, synack), 1);
	const struct trace_event *fin = nth_segment(&r.tr, 8);
	ck_assert_uint_eq(trace_rel_seq(&r.tr, fin), 101);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, fin), 301);
	const struct trace_event *last = nth_segment(&r.tr, 11);
	ck_assert_uint_eq(trace_rel_seq(&r.tr, last), 102);
	ck_assert_uint_eq(trace_rel_ack(&r.tr, last), 302);
	/* TIME_WAIT: entered when the server's FIN arrives, 60 s long. */
	int64_t entered = -1, left = -1;
	for (size_t i = 0; i < r.tr.nev; i++) {
		const struct trace_event *ev = &r.tr.ev[i];
		if (ev->type == TRACE_STATE && ev->side == SIDE_CLIENT &&
		    ev->u.state.to == TCP_TIME_WAIT)
			entered = ev->t;
		if (ev->type == TRACE_STATE && ev->side == SIDE_CLIENT &&
		    ev->u.state.from == TCP_TIME_WAIT)
			left = ev->t;
	}
	ck_assert_int_eq(left - entered, 60 * SEC);
	run_free(&r);
}
END_TEST

START_TEST(lifecycle_textbook_waits_240_s)
{
	struct run r;
	run_scenario(&r, "lifecycle", "textbook", NULL);
	const struct trace_event *last = &r.tr.ev[r.tr.nev - 1];
	ck_assert_int_eq(last->type, TRACE_STATE);
	ck_assert_int_eq(last->u.state.from, TCP_TIME_WAIT);
	/* The last segment (client's ACK of the FIN) went 240 s earlier. */
	const struct trace_event *ack = nth_segment(&r.tr, r.tr.nsegs);
	ck_assert_int_eq(last->t - ack->t, 240 * SEC);
	run_free(&r);
}
END_TEST

START_TEST(syn_lost_resends_the_same_syn_after_one_rto)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "syn-lost", "linux", NULL);
	const struct trace_event *first = nth_segment(&r.tr, 1);
	const struct trace_event *again = nth_segment(&r.tr, 2);
	ck_assert(first->u.seg.lost);
	ck_assert_uint_eq(again->u.seg.flags, SEG_SYN);
	ck_assert_uint_eq(again->u.seg.seq, first->u.seg.seq);
	ck_assert(again->u.seg.notes & NOTE_RETRANSMISSION);
	ck_assert_int_eq(again->t - first->t, 1 * SEC);
	/* The server never saw the first one: it stayed in LISTEN. */
	ck_assert_str_eq(state_path(&r.tr, SIDE_CLIENT, 1, buf, sizeof buf),
	    "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED");
	run_free(&r);
}
END_TEST

START_TEST(last_ack_lost_time_wait_re_acks_and_restarts)
{
	struct run r;
	run_scenario(&r, "last-ack-lost", "linux", NULL);
	int server_fins = 0, client_acks_after = 0, tw_armed = 0;
	int64_t rtx_fin = -1, last_arm = -1, closed = -1;
	for (size_t i = 0; i < r.tr.nev; i++) {
		const struct trace_event *ev = &r.tr.ev[i];
		if (ev->type == TRACE_SEGMENT && ev->side == SIDE_SERVER &&
		    (ev->u.seg.flags & SEG_FIN)) {
			server_fins++;
			if (ev->u.seg.notes & NOTE_RETRANSMISSION)
				rtx_fin = ev->t;
		}
		if (ev->type == TRACE_SEGMENT && ev->side == SIDE_CLIENT &&
		    rtx_fin >= 0 && ev->u.seg.flags == SEG_ACK && !ev->u.seg.lost)
			client_acks_after++;
		if (ev->type == TRACE_TIMER && ev->side == SIDE_CLIENT &&
		    ev->u.timer.timer == TIMER_TIME_WAIT &&
		    ev->u.timer.action == TIMER_ARMED) {
			tw_armed++;
			last_arm = ev->t;
		}
		if (ev->type == TRACE_STATE && ev->side == SIDE_CLIENT &&
		    ev->u.state.from == TCP_TIME_WAIT)
			closed = ev->t;
	}
	ck_assert_int_eq(server_fins, 2);
	ck_assert_int_eq(client_acks_after, 1);
	ck_assert_int_eq(tw_armed, 2);
	/* The 2MSL timer restarted when the repeated FIN arrived. */
	ck_assert_int_gt(last_arm, rtx_fin);
	ck_assert_int_eq(closed - last_arm, 60 * SEC);
	run_free(&r);
}
END_TEST

START_TEST(simultaneous_open_both_pass_syn_rcvd_with_original_isns)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "simultaneous-open", "linux", NULL);
	/* Both SYNs cross; both SYN-ACKs cross; a bare ACK each. */
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf),
	    ">S <S <S. >S. >. <. >F. <F. >.");
	const char *c = state_path(&r.tr, SIDE_CLIENT, 1, buf, sizeof buf);
	ck_assert_msg(strstr(c, "SYN_SENT SYN_RCVD ESTABLISHED") != NULL, "%s", c);
	c = state_path(&r.tr, SIDE_SERVER, 1, buf, sizeof buf);
	ck_assert_msg(strstr(c, "SYN_SENT SYN_RCVD ESTABLISHED") != NULL, "%s", c);
	/* Each SYN-ACK carries the ISN of that side's own SYN. */
	for (uint32_t n = 1; n <= 2; n++) {
		const struct trace_event *syn = nth_segment(&r.tr, n);
		for (uint32_t m = 3; m <= 4; m++) {
			const struct trace_event *sa = nth_segment(&r.tr, m);
			if (sa->side == syn->side)
				ck_assert_uint_eq(sa->u.seg.seq, syn->u.seg.seq);
		}
	}
	run_free(&r);
}
END_TEST

START_TEST(simultaneous_close_both_pass_closing_to_time_wait)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "simultaneous-close", "linux", NULL);
	for (int side = 0; side < 2; side++) {
		const char *p = state_path(&r.tr, side, 1, buf, sizeof buf);
		ck_assert_msg(strstr(p, "ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT CLOSED"),
		    "%s: %s", trace_side_name(side), p);
	}
	run_free(&r);
}
END_TEST

START_TEST(refused_rst_ack_seq_0_ack_isn_plus_1)
{
	struct run r;
	char buf[512];
	run_scenario(&r, "refused", "linux", NULL);
	ck_assert_str_eq(segments(&r.tr, buf, sizeof buf), ">S <R.");
	const struct trace_event *syn = nth_segment(&r.tr, 1);
	const struct trace_event *rst = nth_segment(&r.tr, 2);
	ck_assert_uint_eq(rst->u.seg.seq, 0);
	ck_assert_uint_eq(rst->u.seg.ack, syn->u.seg.seq + 1);
	ck_assert_str_eq(state_path(&r.tr, SIDE_CLIENT, 1, buf, sizeof buf),
	    "CLOSED SYN_SENT CLOSED");
	bool refused = false;
	for (size_t i = 0; i < r.tr.nev; i++)
		if (r.tr.ev[i].type == TRACE_APP && r.tr.ev[i].u.app.call == APP_CONNECT &&
		    r.tr.ev[i].u.app.result == APP_ECONNREFUSED)
			refused = true;
	ck_assert(refused);
	run_free(&r);
}
END_TEST

static char *json_of(const char *id, const char *profile, const char *drop,
    uint64_t seed)
{
	struct run r;
	char *buf = NULL, seedbuf[32], dropbuf[64];
	size_t len = 0;
	const char *sets[3] = { seedbuf, NULL, NULL };
	snprintf(seedbuf, sizeof seedbuf, "seed %llu", (unsigned long long)seed);
	if (drop) {
		snprintf(dropbuf, sizeof dropbuf, "drop %s", drop);
		sets[1] = dropbuf;
	}
	run_scenario_with(&r, id, profile, sets, false);
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(trace_write_json(&r.tr, f), 0);
	fclose(f);
	run_free(&r);
	return buf;
}

START_TEST(same_inputs_give_byte_identical_traces)
{
	static const char *ids[] = { "lifecycle", "syn-lost", "last-ack-lost",
				     "simultaneous-open", "simultaneous-close",
				     "refused" };
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		char *a = json_of(ids[i], "linux", NULL, 7);
		char *b = json_of(ids[i], "linux", NULL, 7);
		ck_assert_msg(strcmp(a, b) == 0, "%s differs between runs", ids[i]);
		free(a);
		free(b);
	}
	/* A dropped segment is an input like any other. */
	char *a = json_of("lifecycle", "textbook", "server:FIN#1", 7);
	char *b = json_of("lifecycle", "textbook", "server:FIN#1", 7);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}
END_TEST

START_TEST(another_seed_changes_isns_not_relative_numbers)
{
	struct run a, b;
	run_scenario(&a, "lifecycle", "linux", NULL);
	static const char *const seed2[] = { "seed 2", NULL };
	run_scenario_with(&b, "lifecycle", "linux", seed2, false);
	ck_assert_uint_eq(a.tr.nsegs, b.tr.nsegs);
	const struct trace_event *sa = nth_segment(&a.tr, 1), *sb = nth_segment(&b.tr, 1);
	ck_assert_uint_ne(sa->u.seg.seq, sb->u.seg.seq);
	for (uint32_t n = 1; n <= a.tr.nsegs; n++) {
		sa = nth_segment(&a.tr, n);
		sb = nth_segment(&b.tr, n);
		ck_assert_uint_eq(trace_rel_seq(&a.tr, sa), trace_rel_seq(&b.tr, sb));
		ck_assert_uint_eq(trace_rel_ack(&a.tr, sa), trace_rel_ack(&b.tr, sb));
		ck_assert_int_eq(sa->t, sb->t);
	}
	run_free(&a);
	run_free(&b);
}
END_TEST

START_TEST(dropping_the_servers_fin_brings_a_retransmitted_fin)
{
	struct run r;
	run_scenario(&r, "lifecycle", "linux", NULL);
	run_free(&r);
	run_scenario(&r, "lifecycle", "linux", "server:FIN#1");
	int fins = 0;
	bool lost_first = false, rtx_second = false;
	for (uint32_t n = 1; n <= r.tr.nsegs; n++) {
		const struct trace_event *ev = nth_segment(&r.tr, n);
		if (ev->side != SIDE_SERVER || !(ev->u.seg.flags & SEG_FIN))
			continue;
		if (++fins == 1)
			lost_first = ev->u.seg.lost;
		else if (fins == 2)
			rtx_second = ev->u.seg.notes & NOTE_RETRANSMISSION;
	}
	ck_assert_int_eq(fins, 2);
	ck_assert(lost_first);
	ck_assert(rtx_second);
	run_free(&r);
}
END_TEST

START_TEST(listener_holds_hundreds_of_half_open_connections)
{
	struct profile p;
	struct trace tr;
	profile_init(&p, "linux", NULL);
	profile_set(&p, "syncookies=0", NULL);
	trace_init(&tr);
	struct engine *e = engine_new_bare(&p, &tr, false);
	int l = engine_force_listen(e, 4096);
	for (int i = 0; i < 600; i++) {
		struct segment syn = { .flags = SEG_SYN, .seq = 1000u + (uint32_t)i };
		endpoint_parse("10.9.0.1:1", &syn.src);
		syn.src.port = (uint16_t)(1024 + i);
		engine_deliver(e, SIDE_SERVER, &syn);
	}
	size_t synacks = 0;
	for (size_t i = 0; i < tr.nev; i++)
		if (tr.ev[i].type == TRACE_SEGMENT && tr.ev[i].side == SIDE_SERVER &&
		    tr.ev[i].u.seg.flags == (SEG_SYN | SEG_ACK))
			synacks++;
	ck_assert_uint_eq(synacks, 600);
	struct engine_tcb_view v;
	ck_assert(engine_view(e, SIDE_SERVER, l, &v));
	ck_assert_int_eq(v.state, TCP_LISTEN);
	engine_free(e);
	trace_free(&tr);
}
END_TEST

START_TEST(full_syn_queue_drops_or_answers_with_cookies)
{
	for (int cookies = 0; cookies <= 1; cookies++) {
		struct profile p;
		struct trace tr;
		char set[32];
		profile_init(&p, "linux", NULL);
		snprintf(set, sizeof set, "syncookies=%d", cookies);
		profile_set(&p, set, NULL);
		trace_init(&tr);
		struct engine *e = engine_new_bare(&p, &tr, false);
		engine_force_listen(e, 8);
		for (int i = 0; i < 20; i++) {
			struct segment syn = { .flags = SEG_SYN, .seq = 7000,
					       .opt.present = SEGOPT_MSS, .opt.mss = 1460 };
			endpoint_parse("10.9.0.1:1", &syn.src);
			syn.src.port = (uint16_t)(2000 + i);
			engine_deliver(e, SIDE_SERVER, &syn);
		}
		size_t plain = 0, cookie = 0;
		uint32_t cookie_isn = 0;
		for (size_t i = 0; i < tr.nev; i++) {
			const struct trace_event *ev = &tr.ev[i];
			if (ev->type != TRACE_SEGMENT || ev->side != SIDE_SERVER)
				continue;
			if (ev->u.seg.notes & NOTE_SYN_COOKIE) {
				cookie++;
				cookie_isn = ev->u.seg.seq;
			} else {
				plain++;
			}
		}
		/* The SYN queue holds backlog + 1, as measured on Linux 6.x. */
		ck_assert_uint_eq(plain, 9);
		ck_assert_uint_eq(cookie, cookies ? 11 : 0);
		if (cookies) {
			/* The last client completes the handshake: its ACK
			 * alone rebuilds an ESTABLISHED connection. */
			struct segment ack = { .flags = SEG_ACK, .seq = 7001,
					       .ack = cookie_isn + 1, .win = 500 };
			endpoint_parse("10.9.0.1:2019", &ack.src);
			size_t before = tr.nev;
			engine_deliver(e, SIDE_SERVER, &ack);
			bool established = false;
			for (size_t i = before; i < tr.nev; i++)
				if (tr.ev[i].type == TRACE_STATE &&
				    tr.ev[i].u.state.to == TCP_ESTABLISHED)
					established = strcmp(tr.ev[i].u.state.cause,
					    "syn-cookie") == 0;
			ck_assert(established);
			/* A forged ACK with a wrong cookie gets a RST. */
			ack.ack += 12345;
			ack.src.port = 3000;
			before = tr.nev;
			engine_deliver(e, SIDE_SERVER, &ack);
			ck_assert_uint_eq(tr.ev[tr.nev - 1].u.seg.flags, SEG_RST);
			ck_assert_uint_eq(tr.ev[tr.nev - 1].u.seg.seq, ack.ack);
		}
		engine_free(e);
		trace_free(&tr);
	}
}
END_TEST

START_TEST(crash_forgets_silently_and_the_next_segment_meets_rst)
{
	struct profile p;
	struct trace tr;
	profile_init(&p, "linux", NULL);
	trace_init(&tr);
	struct engine *e = engine_new_bare(&p, &tr, false);
	int h = engine_force_conn(e, SIDE_CLIENT, TCP_ESTABLISHED, 1000, 5000);
	size_t before = tr.nsegs;
	engine_app(e, SIDE_CLIENT, h, APP_CRASH, 0);
	ck_assert_uint_eq(tr.nsegs, before);	/* nothing said */
	struct engine_tcb_view v;
	ck_assert(engine_view(e, SIDE_CLIENT, h, &v));
	ck_assert_int_eq(v.state, TCP_CLOSED);
	/* The server, unaware, sends data: the rebooted host resets it. */
	struct segment data = { .flags = SEG_ACK | SEG_PSH, .seq = 5001, .ack = 1001,
				.len = 10, .win = 500 };
	engine_deliver(e, SIDE_CLIENT, &data);
	const struct trace_event *rst = &tr.ev[tr.nev - 1];
	ck_assert_int_eq(rst->type, TRACE_SEGMENT);
	ck_assert_uint_eq(rst->u.seg.flags, SEG_RST);
	ck_assert_uint_eq(rst->u.seg.seq, 1001);
	engine_free(e);
	trace_free(&tr);
}
END_TEST

Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("scenarios");
	tcase_add_test(tc, lifecycle_opens_exchanges_closes_in_four_and_waits_2msl);
	tcase_add_test(tc, lifecycle_textbook_waits_240_s);
	tcase_add_test(tc, syn_lost_resends_the_same_syn_after_one_rto);
	tcase_add_test(tc, last_ack_lost_time_wait_re_acks_and_restarts);
	tcase_add_test(tc, simultaneous_open_both_pass_syn_rcvd_with_original_isns);
	tcase_add_test(tc, simultaneous_close_both_pass_closing_to_time_wait);
	tcase_add_test(tc, refused_rst_ack_seq_0_ack_isn_plus_1);
	tcase_add_test(tc, same_inputs_give_byte_identical_traces);
	tcase_add_test(tc, another_seed_changes_isns_not_relative_numbers);
	tcase_add_test(tc, dropping_the_servers_fin_brings_a_retransmitted_fin);
	suite_add_tcase(s, tc);
	TCase *many = tcase_create("listeners");
	tcase_add_test(many, listener_holds_hundreds_of_half_open_connections);
	tcase_add_test(many, full_syn_queue_drops_or_answers_with_cookies);
	tcase_add_test(many, crash_forgets_silently_and_the_next_segment_meets_rst);
	suite_add_tcase(s, many);
	return s;
}
