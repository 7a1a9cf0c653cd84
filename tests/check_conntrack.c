/*
 * check_conntrack.c: grouping captured segments into connections: who
 * is the client, when a four-tuple starts a new connection, capture
 * times, which options are kept, and the memory bounds (what is let go,
 * what never is, and that what stays is still found).
 */
#include <stdio.h>
#include <string.h>

#include "tests.h"
#include "conntrack.h"

#define CLI "10.0.0.1:49152"
#define SRV "10.0.0.2:80"

/* A segment as a test reads it: sg(CLI, SRV, "S", 100, 0, 0). */
static struct segment sg(const char *from, const char *to, const char *flags,
    uint32_t seq, uint32_t ack, uint32_t len)
{
	struct segment s;

	memset(&s, 0, sizeof s);
	ck_assert_int_eq(endpoint_parse(from, &s.src), 0);
	ck_assert_int_eq(endpoint_parse(to, &s.dst), 0);
	ck_assert_int_ge(segment_flags_parse(flags), 0);
	s.flags = (uint8_t)segment_flags_parse(flags);
	s.seq = seq;
	s.ack = ack;
	s.len = len;
	s.win = 512;
	return s;
}

static int add(struct conntrack *ct, int64_t t, struct segment s)
{
	return conntrack_add(ct, t, &s);
}

/* The ith event (0-based); every event here is a segment. */
static const struct trace_event *ev(const struct trace *tr, size_t i)
{
	ck_assert_uint_lt(i, tr->nev);
	ck_assert_int_eq(tr->ev[i].type, TRACE_SEGMENT);
	return &tr->ev[i];
}

static const char *ep(const struct trace *tr, int conn, int side)
{
	static char buf[2][64];
	const struct trace_conn *c = trace_conn(tr, conn);

	ck_assert_ptr_nonnull(c);
	return endpoint_str(&c->ep[side], buf[side], sizeof buf[side]);
}

/*
 * A whole connection from 10.0.0.1:port to SRV, closed by both FINs.
 * Returns its id, which may change on the way as others are let go.
 */
static int whole_conn(struct conntrack *ct, const struct trace *tr,
    int64_t t, unsigned port)
{
	char cli[32];
	int id;

	snprintf(cli, sizeof cli, "10.0.0.1:%u", port);
	add(ct, t, sg(cli, SRV, "S", 100, 0, 0));
	add(ct, t, sg(SRV, cli, "S.", 500, 101, 0));
	add(ct, t, sg(cli, SRV, ".", 101, 501, 0));
	add(ct, t, sg(cli, SRV, "F.", 101, 501, 0));
	add(ct, t, sg(SRV, cli, "F.", 501, 102, 0));
	id = add(ct, t, sg(cli, SRV, ".", 102, 502, 0));
	ck_assert_str_eq(ep(tr, id, SIDE_CLIENT), cli);
	return id;
}

START_TEST(test_lifecycle)
{
	struct trace tr;
	struct conntrack *ct;

	trace_init(&tr);
	ct = conntrack_new(&tr, NULL);
	ck_assert_int_eq(add(ct, 5000000, sg(CLI, SRV, "S", 100, 0, 0)), 1);
	ck_assert_int_eq(add(ct, 5000100, sg(SRV, CLI, "S.", 500, 101, 0)), 1);
	ck_assert_int_eq(add(ct, 5000200, sg(CLI, SRV, ".", 101, 501, 0)), 1);
	ck_assert_int_eq(add(ct, 5000300, sg(CLI, SRV, "P.", 101, 501, 10)), 1);
	ck_assert_uint_eq(tr.nconns, 1);
	ck_assert_str_eq(ep(&tr, 1, SIDE_CLIENT), CLI);
	ck_assert_str_eq(ep(&tr, 1, SIDE_SERVER), SRV);

	ck_assert_int_eq(ev(&tr, 0)->side, SIDE_CLIENT);
	ck_assert_int_eq(ev(&tr, 1)->side, SIDE_SERVER);
	ck_assert_int_eq(ev(&tr, 3)->side, SIDE_CLIENT);
	/* Times from the first packet; one observation point. */
	ck_assert_int_eq(ev(&tr, 0)->t, 0);
	ck_assert_int_eq(ev(&tr, 3)->t, 300);
	ck_assert_int_eq(trace_arrival(ev(&tr, 3)), 300);
	ck_assert(!ev(&tr, 3)->u.seg.lost);
	ck_assert_uint_eq(ev(&tr, 3)->n, 4);
	ck_assert_uint_eq(trace_rel_seq(&tr, ev(&tr, 3)), 1);
	ck_assert_uint_eq(trace_rel_ack(&tr, ev(&tr, 3)), 1);
	conntrack_free(ct);
	trace_free(&tr);
}
END_TEST

/* A capture that starts late: the lower port is the server's. */
START_TEST(test_mid_connection)
{
	struct trace tr;
	struct conntrack *ct;

	trace_init(&tr);
	ct = conntrack_new(&tr, NULL);
	ck_assert_int_eq(add(ct, 0, sg(SRV, CLI, "P.", 9000, 7000, 100)), 1);
	ck_assert_str_eq(ep(&tr, 1, SIDE_SERVER), SRV);
	ck_assert_int_eq(ev(&tr, 0)->side, SIDE_SERVER);
	ck_assert_int_eq(add(ct, 1, sg(CLI, SRV, ".", 7000, 9100, 0)), 1);
	ck_assert_int_eq(ev(&tr, 1)->side, SIDE_CLIENT);
	/* Relative numbers start at the first seq seen. */
	ck_assert_uint_eq(trace_rel_seq(&tr, ev(&tr, 0)), 0);
	ck_assert_uint_eq(trace_rel_ack(&tr, ev(&tr, 1)), 100);

	/* The other direction first: the same naming. */
	ck_assert_int_eq(add(ct, 2, sg("10.0.0.3:50000", "10.0.0.4:443", ".",
	    1, 1, 0)), 2);
	ck_assert_str_eq(ep(&tr, 2, SIDE_SERVER), "10.0.0.4:443");

	/* A SYN-ACK first: its sender is the server, whatever the ports. */
	ck_assert_int_eq(add(ct, 3, sg("10.0.0.5:1000", "10.0.0.6:2000", "S.",
	    1, 1, 0)), 3);
	ck_assert_str_eq(ep(&tr, 3, SIDE_SERVER), "10.0.0.5:1000");
	ck_assert_int_eq(add(ct, 4, sg("10.0.0.6:2000", "10.0.0.5:30", "S",
	    1, 0, 0)), 4);
	ck_assert_str_eq(ep(&tr, 4, SIDE_CLIENT), "10.0.0.6:2000");
	conntrack_free(ct);
	trace_free(&tr);
}
END_TEST

START_TEST(test_reopen_after_close)
{
	struct trace tr;
	struct conntrack *ct;

	trace_init(&tr);
	ct = conntrack_new(&tr, NULL);
	ck_assert_int_eq(whole_conn(ct, &tr, 0, 49152), 1);
	/* A retransmitted FIN and its ACK stay with the old connection. */
	ck_assert_int_eq(add(ct, 1, sg(SRV, CLI, "F.", 501, 102, 0)), 1);
	ck_assert_int_eq(add(ct, 1, sg(CLI, SRV, ".", 102, 502, 0)), 1);
	/* A new SYN on the finished four-tuple: a new connection, whose
	 * client may be the old server. */
	ck_assert_int_eq(add(ct, 2, sg(SRV, CLI, "S", 7000, 0, 0)), 2);
	ck_assert_str_eq(ep(&tr, 2, SIDE_CLIENT), SRV);
	ck_assert_int_eq(add(ct, 2, sg(CLI, SRV, "S.", 3000, 7001, 0)), 2);
	ck_assert_int_eq(ev(&tr, tr.nev - 1)->side, SIDE_SERVER);
	ck_assert_uint_eq(trace_rel_seq(&tr, ev(&tr, tr.nev - 1)), 0);
	conntrack_free(ct);
	trace_free(&tr);
}
END_TEST

START_TEST(test_reopen_rules)
{
	struct trace tr;
	struct conntrack *ct;

	trace_init(&tr);
	ct = conntrack_new(&tr, NULL);
	/* Refused, then the SYN again with the same ISN: a retransmission. */
	ck_assert_int_eq(add(ct, 0, sg(CLI, SRV, "S", 100, 0, 0)), 1);
	ck_assert_int_eq(add(ct, 0, sg(SRV, CLI, "R.", 0, 101, 0)), 1);
	ck_assert_int_eq(add(ct, 1, sg(CLI, SRV, "S", 100, 0, 0)), 1);
	/* A new ISN after the RST: a new connection. */
	ck_assert_int_eq(add(ct, 2, sg(CLI, SRV, "S", 900, 0, 0)), 2);
	/* A SYN on an open connection (RFC 5961's challenge-ACK case) and
	 * one after a single FIN stay where they are. */
	ck_assert_int_eq(add(ct, 3, sg(SRV, CLI, "S.", 500, 901, 0)), 2);
	ck_assert_int_eq(add(ct, 3, sg(CLI, SRV, ".", 901, 501, 0)), 2);
	ck_assert_int_eq(add(ct, 4, sg(CLI, SRV, "S", 5555, 0, 0)), 2);
	ck_assert_int_eq(add(ct, 5, sg(CLI, SRV, "F.", 901, 501, 0)), 2);
	ck_assert_int_eq(add(ct, 5, sg(SRV, CLI, ".", 501, 902, 0)), 2);
	ck_assert_int_eq(add(ct, 6, sg(CLI, SRV, "S", 6666, 0, 0)), 2);
	/* Both FINs but the last one not acknowledged: still not done. */
	ck_assert_int_eq(add(ct, 7, sg(SRV, CLI, "F.", 501, 902, 0)), 2);
	ck_assert_int_eq(add(ct, 8, sg(CLI, SRV, "S", 7777, 0, 0)), 2);
	ck_assert_int_eq(add(ct, 9, sg(CLI, SRV, ".", 902, 502, 0)), 2);
	ck_assert_int_eq(add(ct, 10, sg(CLI, SRV, "S", 8888, 0, 0)), 3);
	ck_assert_uint_eq(tr.nconns, 3);
	conntrack_free(ct);
	trace_free(&tr);
}
END_TEST

START_TEST(test_four_tuples)
{
	struct trace tr;
	struct conntrack *ct;
	char a[64], b[64];

	trace_init(&tr);
	ct = conntrack_new(&tr, NULL);
	/* The same ports in IPv4 and IPv6, and a swapped address pair. */
	ck_assert_int_eq(add(ct, 0, sg(CLI, SRV, "S", 1, 0, 0)), 1);
	ck_assert_int_eq(add(ct, 0, sg("[2001:db8::1]:49152", "[2001:db8::2]:80",
	    "S", 1, 0, 0)), 2);
	ck_assert_int_eq(add(ct, 0, sg("10.0.0.2:49152", "10.0.0.1:80", "S",
	    1, 0, 0)), 3);
	ck_assert_str_eq(ep(&tr, 2, SIDE_SERVER), "[2001:db8::2]:80");

	/* Enough connections to grow the table several times; every
	 * reply still finds its own. */
	for (unsigned i = 0; i < 20000; i++) {
		snprintf(a, sizeof a, "10.1.%u.%u:%u", i / 250, i % 250,
		    1024 + i % 5000);
		ck_assert_int_eq(add(ct, 1, sg(a, SRV, "S", i, 0, 0)), (int)i + 4);
	}
	for (unsigned i = 0; i < 20000; i += 7) {
		snprintf(a, sizeof a, "10.1.%u.%u:%u", i / 250, i % 250,
		    1024 + i % 5000);
		ck_assert_int_eq(add(ct, 2, sg(SRV, a, "S.", 5, i + 1, 0)),
		    (int)i + 4);
		snprintf(b, sizeof b, "%s", ep(&tr, (int)i + 4, SIDE_CLIENT));
		ck_assert_str_eq(a, b);
	}
	conntrack_free(ct);
	trace_free(&tr);
}
END_TEST

START_TEST(test_time_order)
{
	struct trace tr;
	struct conntrack *ct;

	trace_init(&tr);
	ct = conntrack_new(&tr, NULL);
	add(ct, 1000, sg(CLI, SRV, "S", 1, 0, 0));
	add(ct, 3000, sg(SRV, CLI, "S.", 1, 2, 0));
	add(ct, 2500, sg(CLI, SRV, ".", 2, 2, 0));	/* stamped earlier */
	add(ct, 2500, sg(CLI, SRV, "P.", 2, 2, 5));
	ck_assert_int_eq(ev(&tr, 1)->t, 2000);
	ck_assert_int_eq(ev(&tr, 2)->t, 2000);
	ck_assert_int_eq(trace_arrival(ev(&tr, 2)), 2000);
	ck_assert_int_eq(ev(&tr, 3)->t, 2000);
	conntrack_free(ct);
	trace_free(&tr);
}
END_TEST

START_TEST(test_options_kept)
{
	struct trace tr;
	struct conntrack *ct;
	struct segment s = sg(CLI, SRV, "S", 1, 0, 0);
	struct segment_options o;

	trace_init(&tr);
	ct = conntrack_new(&tr, NULL);
	s.opt.present = SEGOPT_MSS | SEGOPT_TIMESTAMP;
	s.opt.mss = 1460;
	s.opt.ts_val = 77;
	conntrack_add(ct, 0, &s);
	s = sg(CLI, SRV, "P.", 2, 1, 10);
	s.opt.present = SEGOPT_TIMESTAMP;
	conntrack_add(ct, 0, &s);
	s.opt.present = SEGOPT_TIMESTAMP | SEGOPT_SACK;
	s.opt.nsack = 1;
	conntrack_add(ct, 0, &s);

	ck_assert_int_ge(ev(&tr, 0)->u.seg.opt, 0);
	trace_options(&tr, ev(&tr, 0), &o);
	ck_assert_uint_eq(o.ts_val, 77);
	ck_assert_int_eq(ev(&tr, 1)->u.seg.opt, -1);
	ck_assert_int_ge(ev(&tr, 2)->u.seg.opt, 0);
	ck_assert_uint_eq(tr.nopts, 2);
	conntrack_free(ct);
	trace_free(&tr);
}
END_TEST

/* Every event names a connection that exists, with matching endpoints
 * for its side, and option indices are in range. */
static void assert_consistent(const struct trace *tr)
{
	for (size_t i = 0; i < tr->nconns; i++)
		ck_assert_int_eq(tr->conns[i].id, (int)i + 1);
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];

		ck_assert_int_ge(e->conn, 1);
		ck_assert_uint_le((size_t)e->conn, tr->nconns);
		ck_assert_int_lt(e->u.seg.opt, (int)tr->nopts);
	}
}

START_TEST(test_bound_conns)
{
	struct conntrack_limits lim = { .max_conns = 8 };
	struct conntrack_stats st;
	struct trace tr;
	struct conntrack *ct;
	int pinned, open;

	trace_init(&tr);
	ct = conntrack_new(&tr, &lim);
	/* The first connection stays open and is on screen; the second
	 * stays open; then finished ones. */
	pinned = add(ct, 0, sg("10.0.0.1:1", SRV, "S", 1, 0, 0));
	conntrack_pin(ct, pinned);
	open = add(ct, 0, sg("10.0.0.1:2", SRV, "S", 1, 0, 0));
	ck_assert_int_eq(open, 2);
	for (unsigned i = 0; i < 7; i++)
		whole_conn(ct, &tr, 1, 100 + i);
	/* Nine connections: past the bound, down to 6 = 8 - 8/4. */
	ck_assert_uint_eq(tr.nconns, 6);
	conntrack_stats(ct, &st);
	ck_assert_uint_eq(st.conns, 3);
	ck_assert_uint_eq(st.packets, 3 * 6);
	assert_consistent(&tr);
	/* The oldest finished ones went; the open ones stayed, renumbered
	 * in their order. */
	ck_assert_int_eq(conntrack_pinned(ct), 1);
	ck_assert_str_eq(ep(&tr, 1, SIDE_CLIENT), "10.0.0.1:1");
	ck_assert_str_eq(ep(&tr, 2, SIDE_CLIENT), "10.0.0.1:2");
	ck_assert_str_eq(ep(&tr, 3, SIDE_CLIENT), "10.0.0.1:103");
	/* What stays is still found by its four-tuple. */
	ck_assert_int_eq(add(ct, 2, sg(SRV, "10.0.0.1:2", "S.", 9, 2, 0)), 2);
	ck_assert_int_eq(add(ct, 2, sg(SRV, "10.0.0.1:104", ".", 502, 102, 0)),
	    4);
	/* What went starts again as a connection seen mid-way. */
	ck_assert_int_eq(add(ct, 2, sg(SRV, "10.0.0.1:100", ".", 502, 102, 0)),
	    7);

	/* With only open connections, the oldest go, but not the pinned
	 * one nor the newest packet's. */
	for (unsigned i = 0; i < 40; i++) {
		char cli[32];
		int id;

		snprintf(cli, sizeof cli, "10.0.0.9:%u", 2000 + i);
		id = add(ct, 3, sg(cli, SRV, "S", 1, 0, 0));
		ck_assert_str_eq(ep(&tr, id, SIDE_CLIENT), cli);
		ck_assert_uint_le(tr.nconns, 8);
		assert_consistent(&tr);
	}
	ck_assert_int_eq(conntrack_pinned(ct), 1);
	ck_assert_str_eq(ep(&tr, 1, SIDE_CLIENT), "10.0.0.1:1");
	ck_assert_str_eq(ep(&tr, (int)tr.nconns, SIDE_CLIENT), "10.0.0.9:2039");
	conntrack_free(ct);
	trace_free(&tr);
}
END_TEST

START_TEST(test_bound_packets)
{
	struct conntrack_limits lim = { .max_packets = 100 };
	struct conntrack_stats st;
	struct trace tr;
	struct conntrack *ct;
	size_t segs = 0;

	trace_init(&tr);
	ct = conntrack_new(&tr, &lim);
	/* The pinned connection alone passes the bound: it stays whole. */
	conntrack_pin(ct, add(ct, 0, sg(CLI, SRV, "S", 1, 0, 0)));
	for (unsigned i = 0; i < 150; i++)
		add(ct, 0, sg(CLI, SRV, "P.", 2 + i, 1, 1));
	for (unsigned i = 0; i < 1000; i++) {
		whole_conn(ct, &tr, 1, 1000 + i);
		assert_consistent(&tr);
	}
	for (size_t i = 0; i < tr.nev; i++)
		segs += tr.ev[i].conn == 1;
	ck_assert_uint_eq(segs, 151);
	ck_assert_int_eq(conntrack_pinned(ct), 1);
	/* Never more than a quarter past the bound beyond the pinned one. */
	ck_assert_uint_le(tr.nev, 151 + 100 / 4 + 6);
	conntrack_stats(ct, &st);
	ck_assert_uint_eq(st.packets + tr.nev, 151 + 6000);
	ck_assert_uint_eq(st.conns + tr.nconns, 1001);
	/* The segment numbers stay those of the capture. */
	ck_assert_uint_eq(tr.ev[tr.nev - 1].n, 6151);
	conntrack_free(ct);
	trace_free(&tr);
}
END_TEST

Suite *conntrack_suite(void)
{
	Suite *s = suite_create("conntrack");
	TCase *tc = tcase_create("connections");

	tcase_add_test(tc, test_lifecycle);
	tcase_add_test(tc, test_mid_connection);
	tcase_add_test(tc, test_reopen_after_close);
	tcase_add_test(tc, test_reopen_rules);
	tcase_add_test(tc, test_four_tuples);
	tcase_add_test(tc, test_time_order);
	tcase_add_test(tc, test_options_kept);
	suite_add_tcase(s, tc);

	tc = tcase_create("bounds");
	tcase_add_test(tc, test_bound_conns);
	tcase_add_test(tc, test_bound_packets);
	suite_add_tcase(s, tc);
	return s;
}
