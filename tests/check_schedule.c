/*
 * check_schedule.c: the timer schedules of each profile, measured on the
 * engine's virtual clock: SYN and SYN-ACK backoff and giving up, RTO
 * doubling for data, TIME_WAIT, the orphan FIN_WAIT_2 timeout, keepalive
 * and the delayed ACK.  The expected numbers are the reference's table.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "tests.h"

#define SEC 1000000LL
#define MS 1000LL

struct fixture {
	struct profile prof;
	struct trace tr;
	struct engine *e;
};

static void setup(struct fixture *f, const char *profile)
{
	ck_assert_int_eq(profile_init(&f->prof, profile, NULL), 0);
	trace_init(&f->tr);
	/* Nothing is delivered: the peer is silent. */
	f->e = engine_new_bare(&f->prof, &f->tr, false);
}

static void teardown(struct fixture *f)
{
	engine_free(f->e);
	trace_free(&f->tr);
}

/* Send times (microseconds) of `side`'s segments with `flags`. */
static size_t sent_times(const struct trace *tr, int side, const char *flags,
    int64_t *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *ev = &tr->ev[i];
		char buf[10];
		if (ev->type != TRACE_SEGMENT || ev->side != side ||
		    strcmp(segment_flags_str(ev->u.seg.flags, buf), flags) != 0)
			continue;
		if (n < max)
			out[n] = ev->t;
		n++;
	}
	return n;
}

/* When `side` entered `to`, or -1. */
static int64_t state_time(const struct trace *tr, int side, enum tcp_state to,
    const char **cause)
{
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *ev = &tr->ev[i];
		if (ev->type == TRACE_STATE && ev->side == side && ev->u.state.to == to) {
			if (cause)
				*cause = ev->u.state.cause;
			return ev->t;
		}
	}
	return -1;
}

static void assert_times(const int64_t *got, size_t n, const int *want_s, size_t nwant,
    int64_t offset)
{
	ck_assert_uint_eq(n, nwant);
	for (size_t i = 0; i < nwant; i++)
		ck_assert_msg(got[i] == offset + want_s[i] * SEC,
		    "segment %zu at %lld us, expected %d s", i + 1,
		    (long long)(got[i] - offset), want_s[i]);
}

static void connect_to_silence(const char *profile, const int *want, size_t nwant,
    int fail_s)
{
	struct fixture f;
	setup(&f, profile);
	engine_app(f.e, SIDE_CLIENT, -1, APP_CONNECT, 0);
	engine_advance(f.e, 400 * SEC);
	int64_t t[32];
	size_t n = sent_times(&f.tr, SIDE_CLIENT, "S", t, 32);
	assert_times(t, n, want, nwant, 0);
	const char *cause = NULL;
	ck_assert_int_eq(state_time(&f.tr, SIDE_CLIENT, TCP_CLOSED, &cause),
	    fail_s * SEC);
	ck_assert_str_eq(cause, "timeout");
	/* connect() tells the application why. */
	bool told = false;
	for (size_t i = 0; i < f.tr.nev; i++) {
		const struct trace_event *ev = &f.tr.ev[i];
		if (ev->type == TRACE_APP && ev->u.app.call == APP_CONNECT &&
		    ev->u.app.result == APP_ETIMEDOUT)
			told = ev->t == fail_s * SEC;
	}
	ck_assert_msg(told, "connect() did not fail with ETIMEDOUT at %d s", fail_s);
	teardown(&f);
}

START_TEST(linux_syns_at_0_1_2_3_4_5_7_11_19_35_67_fail_at_131)
{
	static const int want[] = { 0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 };
	connect_to_silence("linux", want, sizeof want / sizeof want[0], 131);
}
END_TEST

START_TEST(textbook_syns_at_0_1_3_7_15_31_fail_at_63)
{
	static const int want[] = { 0, 1, 3, 7, 15, 31 };
	connect_to_silence("textbook", want, sizeof want / sizeof want[0], 63);
}
END_TEST

START_TEST(syn_retries_override_shortens_the_schedule)
{
	struct fixture f;
	setup(&f, "linux");
	ck_assert_int_eq(profile_set(&f.prof, "syn_retries=1", NULL), 0);
	ck_assert_int_eq(profile_set(&f.prof, "syn_linear_timeouts=0", NULL), 0);
	engine_free(f.e);
	f.e = engine_new_bare(&f.prof, &f.tr, false);
	engine_app(f.e, SIDE_CLIENT, -1, APP_CONNECT, 0);
	engine_advance(f.e, 100 * SEC);
	static const int want[] = { 0, 1 };
	int64_t t[8];
	size_t n = sent_times(&f.tr, SIDE_CLIENT, "S", t, 8);
	assert_times(t, n, want, 2, 0);
	ck_assert_int_eq(state_time(&f.tr, SIDE_CLIENT, TCP_CLOSED, NULL), 3 * SEC);
	teardown(&f);
}
END_TEST

START_TEST(linux_synacks_at_0_1_3_7_15_31_half_open_dropped_at_63)
{
	struct fixture f;
	setup(&f, "linux");
	engine_force_listen(f.e, 128);
	struct segment syn = { .flags = SEG_SYN, .seq = 1000 };
	engine_deliver(f.e, SIDE_SERVER, &syn);
	engine_advance(f.e, 100 * SEC);
	static const int want[] = { 0, 1, 3, 7, 15, 31 };
	int64_t t[16];
	size_t n = sent_times(&f.tr, SIDE_SERVER, "S.", t, 16);
	assert_times(t, n, want, 6, 0);
	/* The half-open child goes back to the listener at 63 s. */
	const char *cause = NULL;
	int64_t dropped = -1;
	for (size_t i = 0; i < f.tr.nev; i++) {
		const struct trace_event *ev = &f.tr.ev[i];
		if (ev->type == TRACE_STATE && ev->u.state.from == TCP_SYN_RCVD &&
		    ev->u.state.to == TCP_LISTEN) {
			dropped = ev->t;
			cause = ev->u.state.cause;
		}
	}
	ck_assert_int_eq(dropped, 63 * SEC);
	ck_assert_str_eq(cause, "synack-timeout");
	teardown(&f);
}
END_TEST

/* Close from ESTABLISHED, hear the ACK and the peer's FIN: TIME_WAIT. */
static int64_t time_wait_length(const char *profile, const char *set)
{
	struct fixture f;
	setup(&f, profile);
	if (set) {
		ck_assert_int_eq(profile_set(&f.prof, set, NULL), 0);
		engine_free(f.e);
		f.e = engine_new_bare(&f.prof, &f.tr, false);
	}
	int h = engine_force_conn(f.e, SIDE_CLIENT, TCP_ESTABLISHED, 1000, 5000);
	engine_app(f.e, SIDE_CLIENT, h, APP_CLOSE, 0);
	struct segment ack = { .flags = SEG_ACK, .seq = 5001, .ack = 1002, .win = 1000 };
	engine_deliver(f.e, SIDE_CLIENT, &ack);
	struct segment fin = { .flags = SEG_FIN | SEG_ACK, .seq = 5001, .ack = 1002,
			       .win = 1000 };
	engine_deliver(f.e, SIDE_CLIENT, &fin);
	int64_t entered = state_time(&f.tr, SIDE_CLIENT, TCP_TIME_WAIT, NULL);
	engine_advance(f.e, 1000 * SEC);
	int64_t left = state_time(&f.tr, SIDE_CLIENT, TCP_CLOSED, NULL);
	teardown(&f);
	ck_assert_int_ge(entered, 0);
	return left - entered;
}

START_TEST(linux_time_wait_lasts_60_s)
{
	ck_assert_int_eq(time_wait_length("linux", NULL), 60 * SEC);
}
END_TEST

START_TEST(textbook_time_wait_lasts_2msl_240_s)
{
	ck_assert_int_eq(time_wait_length("textbook", NULL), 240 * SEC);
}
END_TEST

START_TEST(msl_override_sets_time_wait_to_twice_it)
{
	ck_assert_int_eq(time_wait_length("textbook", "msl=30"), 60 * SEC);
}
END_TEST

START_TEST(data_rto_doubles_and_gives_up_after_retries2)
{
	struct fixture f;
	setup(&f, "textbook");
	ck_assert_int_eq(profile_set(&f.prof, "retries2=3", NULL), 0);
	engine_free(f.e);
	f.e = engine_new_bare(&f.prof, &f.tr, false);
	int h = engine_force_conn(f.e, SIDE_CLIENT, TCP_ESTABLISHED, 1000, 5000);
	engine_app(f.e, SIDE_CLIENT, h, APP_SEND, 100);
	engine_advance(f.e, 100 * SEC);
	/* The handshake measured 100 ms: the RTO is RFC 6298's 1 s floor. */
	static const int want[] = { 0, 1, 3, 7 };
	int64_t t[8];
	size_t n = sent_times(&f.tr, SIDE_CLIENT, "P.", t, 8);
	assert_times(t, n, want, 4, 0);
	ck_assert_int_eq(state_time(&f.tr, SIDE_CLIENT, TCP_CLOSED, NULL), 15 * SEC);
	teardown(&f);
}
END_TEST

START_TEST(linux_orphan_fin_wait_2_times_out_after_60_s)
{
	struct fixture f;
	setup(&f, "linux");
	int h = engine_force_conn(f.e, SIDE_CLIENT, TCP_ESTABLISHED, 1000, 5000);
	engine_app(f.e, SIDE_CLIENT, h, APP_CLOSE, 0);
	struct segment ack = { .flags = SEG_ACK, .seq = 5001, .ack = 1002, .win = 1000 };
	engine_deliver(f.e, SIDE_CLIENT, &ack);
	ck_assert_int_eq(state_time(&f.tr, SIDE_CLIENT, TCP_FIN_WAIT_2, NULL), 0);
	engine_advance(f.e, 1000 * SEC);
	const char *cause = NULL;
	ck_assert_int_eq(state_time(&f.tr, SIDE_CLIENT, TCP_CLOSED, &cause), 60 * SEC);
	ck_assert_str_eq(cause, "fin-wait-2-timeout");
	teardown(&f);
}
END_TEST

START_TEST(fin_wait_2_after_shutdown_alone_waits_forever)
{
	struct fixture f;
	setup(&f, "linux");
	int h = engine_force_conn(f.e, SIDE_CLIENT, TCP_ESTABLISHED, 1000, 5000);
	engine_app(f.e, SIDE_CLIENT, h, APP_SHUTDOWN, 0);
	struct segment ack = { .flags = SEG_ACK, .seq = 5001, .ack = 1002, .win = 1000 };
	engine_deliver(f.e, SIDE_CLIENT, &ack);
	engine_advance(f.e, 3600 * SEC);
	struct engine_tcb_view v;
	ck_assert(engine_view(f.e, SIDE_CLIENT, h, &v));
	ck_assert_int_eq(v.state, TCP_FIN_WAIT_2);
	teardown(&f);
}
END_TEST

static void keepalive_schedule(const char *profile, int probes)
{
	struct fixture f;
	setup(&f, profile);
	int h = engine_force_conn(f.e, SIDE_CLIENT, TCP_ESTABLISHED, 1000, 5000);
	engine_app(f.e, SIDE_CLIENT, h, APP_KEEPALIVE, 0);
	engine_advance(f.e, 4 * 3600 * SEC);
	int64_t t[16];
	size_t n = 0;
	for (size_t i = 0; i < f.tr.nev; i++) {
		const struct trace_event *ev = &f.tr.ev[i];
		if (ev->type != TRACE_SEGMENT || ev->side != SIDE_CLIENT)
			continue;
		if (ev->u.seg.notes & NOTE_KEEPALIVE) {
			/* A probe is an ACK one below SND.UNA, with no data. */
			ck_assert_uint_eq(ev->u.seg.seq, 1000);
			ck_assert_uint_eq(ev->u.seg.len, 0);
			ck_assert_uint_eq(ev->u.seg.flags, SEG_ACK);
			if (n < 16)
				t[n] = ev->t;
			n++;
		}
	}
	ck_assert_uint_eq(n, (size_t)probes);
	for (int i = 0; i < probes; i++)
		ck_assert_int_eq(t[i], (7200 + 75LL * i) * SEC);
	/* Then the connection is reset and dropped. */
	int64_t closed = state_time(&f.tr, SIDE_CLIENT, TCP_CLOSED, NULL);
	ck_assert_int_eq(closed, (7200 + 75LL * probes) * SEC);
	int64_t rst[2];
	ck_assert_uint_eq(sent_times(&f.tr, SIDE_CLIENT, "R.", rst, 2), 1);
	ck_assert_int_eq(rst[0], closed);
	teardown(&f);
}

START_TEST(linux_keepalive_9_probes_every_75_s_after_7200_s)
{
	keepalive_schedule("linux", 9);
}
END_TEST

START_TEST(textbook_keepalive_10_probes)
{
	keepalive_schedule("textbook", 10);
}
END_TEST

/* The server's ACK of a FIN: how long Linux waits, after `data` bytes
 * arrived first (0: none). */
static int64_t linux_fin_ack_delay(uint32_t data)
{
	struct fixture f;
	setup(&f, "linux");
	engine_force_conn(f.e, SIDE_SERVER, TCP_ESTABLISHED, 5000, 1000);
	if (data > 0) {
		struct segment d = { .flags = SEG_PSH | SEG_ACK, .seq = 1001,
				     .ack = 5001, .len = data, .win = 1000 };
		engine_deliver(f.e, SIDE_SERVER, &d);
	}
	int64_t t[4], start = engine_now(f.e);
	size_t before = sent_times(&f.tr, SIDE_SERVER, ".", t, 4);
	struct segment fin = { .flags = SEG_FIN | SEG_ACK, .seq = 1001 + data,
			       .ack = 5001, .win = 1000 };
	engine_deliver(f.e, SIDE_SERVER, &fin);
	engine_advance(f.e, SEC);
	ck_assert_uint_eq(sent_times(&f.tr, SIDE_SERVER, ".", t, 4), before + 1);
	teardown(&f);
	return t[before] - start;
}

/* The FIN moves the server to CLOSE_WAIT, where Linux delays its ACK
 * (pingpong) by its ACK timeout: 40 ms once data has arrived, but only
 * a clock tick before that, as its timeout starts at 0 (measured). */
START_TEST(linux_delays_the_ack_of_a_fin_by_its_ack_timeout)
{
	ck_assert_int_eq(linux_fin_ack_delay(100), 40 * MS);
	ck_assert_int_eq(linux_fin_ack_delay(0), 4 * MS);
}
END_TEST

START_TEST(textbook_acks_a_fin_at_once)
{
	struct fixture f;
	setup(&f, "textbook");
	engine_force_conn(f.e, SIDE_SERVER, TCP_ESTABLISHED, 5000, 1000);
	struct segment fin = { .flags = SEG_FIN | SEG_ACK, .seq = 1001, .ack = 5001,
			       .win = 1000 };
	engine_deliver(f.e, SIDE_SERVER, &fin);
	int64_t t[2];
	ck_assert_uint_eq(sent_times(&f.tr, SIDE_SERVER, ".", t, 2), 1);
	ck_assert_int_eq(t[0], 0);
	teardown(&f);
}
END_TEST

Suite *schedule_suite(void)
{
	Suite *s = suite_create("schedule");
	TCase *tc = tcase_create("profiles");
	tcase_add_test(tc, linux_syns_at_0_1_2_3_4_5_7_11_19_35_67_fail_at_131);
	tcase_add_test(tc, textbook_syns_at_0_1_3_7_15_31_fail_at_63);
	tcase_add_test(tc, syn_retries_override_shortens_the_schedule);
	tcase_add_test(tc, linux_synacks_at_0_1_3_7_15_31_half_open_dropped_at_63);
	tcase_add_test(tc, linux_time_wait_lasts_60_s);
	tcase_add_test(tc, textbook_time_wait_lasts_2msl_240_s);
	tcase_add_test(tc, msl_override_sets_time_wait_to_twice_it);
	tcase_add_test(tc, data_rto_doubles_and_gives_up_after_retries2);
	tcase_add_test(tc, linux_orphan_fin_wait_2_times_out_after_60_s);
	tcase_add_test(tc, fin_wait_2_after_shutdown_alone_waits_forever);
	tcase_add_test(tc, linux_keepalive_9_probes_every_75_s_after_7200_s);
	tcase_add_test(tc, textbook_keepalive_10_probes);
	tcase_add_test(tc, linux_delays_the_ack_of_a_fin_by_its_ack_timeout);
	tcase_add_test(tc, textbook_acks_a_fin_at_once);
	suite_add_tcase(s, tc);
	return s;
}
