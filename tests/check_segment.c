/*
 * check_segment.c: segment kinds, tcpdump flag letters, sequence-space
 * arithmetic across the 2^32 wrap, and endpoint text in both families.
 */
#include <string.h>

#include "tests.h"
#include "segment.h"

static struct segment seg(uint8_t flags, uint32_t len)
{
	struct segment s;

	memset(&s, 0, sizeof s);
	s.flags = flags;
	s.len = len;
	return s;
}

START_TEST(test_kind_priorities)
{
	static const struct {
		uint8_t flags;
		uint32_t len;
		enum seg_kind kind;
	} cases[] = {
		{ SEG_SYN, 0, SEGK_SYN },
		{ SEG_SYN, 5, SEGK_SYN },		/* TFO data */
		{ SEG_SYN | SEG_ACK, 0, SEGK_SYN_ACK },
		{ SEG_SYN | SEG_ACK | SEG_FIN, 0, SEGK_SYN_ACK },
		{ SEG_RST, 0, SEGK_RST },
		{ SEG_RST | SEG_ACK, 0, SEGK_RST },
		{ SEG_RST | SEG_SYN, 0, SEGK_RST },
		{ SEG_RST | SEG_FIN | SEG_ACK, 10, SEGK_RST },
		{ SEG_FIN | SEG_ACK, 0, SEGK_FIN },
		{ SEG_FIN | SEG_PSH | SEG_ACK, 100, SEGK_FIN },
		{ SEG_PSH | SEG_ACK, 100, SEGK_DATA },
		{ SEG_ACK, 1, SEGK_DATA },
		{ SEG_ACK, 0, SEGK_ACK },
		{ SEG_PSH | SEG_ACK, 0, SEGK_ACK },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct segment s = seg(cases[i].flags, cases[i].len);

		ck_assert_msg(segment_kind(&s) == cases[i].kind, "case %zu", i);
	}
}
END_TEST

START_TEST(test_kind_names)
{
	static const char *const names[SEGK_NKINDS] = {
		"SYN", "SYN-ACK", "FIN", "RST", "DATA", "ACK", "ANY",
	};

	for (int k = 0; k < SEGK_NKINDS; k++) {
		ck_assert_str_eq(seg_kind_name(k), names[k]);
		ck_assert_int_eq(seg_kind_parse(names[k]), k);
	}
	ck_assert_int_eq(seg_kind_parse("syn-ack"), SEGK_SYN_ACK);
	ck_assert_int_eq(seg_kind_parse("Fin"), SEGK_FIN);
	ck_assert_int_eq(seg_kind_parse("any"), SEGK_ANY);
	ck_assert_int_eq(seg_kind_parse("SYNACK"), -1);
	ck_assert_int_eq(seg_kind_parse(""), -1);
	ck_assert_str_eq(seg_kind_name(SEGK_NKINDS), "?");
}
END_TEST

START_TEST(test_flags_str)
{
	static const struct {
		uint8_t flags;
		const char *str;
	} cases[] = {
		{ SEG_SYN, "S" },
		{ SEG_SYN | SEG_ACK, "S." },
		{ SEG_ACK, "." },
		{ SEG_PSH | SEG_ACK, "P." },
		{ SEG_FIN | SEG_ACK, "F." },
		{ SEG_FIN | SEG_PSH | SEG_ACK, "FP." },
		{ SEG_RST, "R" },
		{ SEG_RST | SEG_ACK, "R." },
		{ SEG_FIN, "F" },
		{ SEG_URG | SEG_ACK, "U." },
		{ SEG_ECE, "E" },
		{ SEG_CWR, "W" },
		{ SEG_SYN | SEG_ECE | SEG_CWR, "SEW" },
		{ SEG_SYN | SEG_ACK | SEG_ECE, "SE." },
		{ 0xff, "SFPRUEW." },
		{ 0, "none" },
	};
	char buf[10];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert_str_eq(segment_flags_str(cases[i].flags, buf),
		    cases[i].str);
		ck_assert_int_eq(segment_flags_parse(cases[i].str),
		    cases[i].flags);
	}
}
END_TEST

START_TEST(test_flags_round_trip_all)
{
	char buf[10];

	for (int f = 0; f < 256; f++) {
		segment_flags_str((uint8_t)f, buf);
		ck_assert_uint_lt(strlen(buf), sizeof buf);
		ck_assert_int_eq(segment_flags_parse(buf), f);
	}
}
END_TEST

START_TEST(test_flags_parse)
{
	/* tcpdump's own order puts "." before E and W. */
	ck_assert_int_eq(segment_flags_parse("S.E"), SEG_SYN | SEG_ACK | SEG_ECE);
	ck_assert_int_eq(segment_flags_parse(".S"), SEG_SYN | SEG_ACK);
	ck_assert_int_eq(segment_flags_parse(""), -1);
	ck_assert_int_eq(segment_flags_parse("X"), -1);
	ck_assert_int_eq(segment_flags_parse("s"), -1);
	ck_assert_int_eq(segment_flags_parse("SS"), -1);
	ck_assert_int_eq(segment_flags_parse("S.."), -1);
	ck_assert_int_eq(segment_flags_parse("S "), -1);
	ck_assert_int_eq(segment_flags_parse("[S]"), -1);
	ck_assert_int_eq(segment_flags_parse("nonex"), -1);
}
END_TEST

START_TEST(test_seq_compare_wrap)
{
	ck_assert(seq_lt(1, 2));
	ck_assert(!seq_lt(2, 2));
	ck_assert(seq_le(2, 2));
	ck_assert(seq_ge(2, 2));
	ck_assert(!seq_gt(2, 2));
	/* Across the wrap, 0xfffffff0 comes before 0x10. */
	ck_assert(seq_lt(0xfffffff0u, 0x10));
	ck_assert(seq_le(0xfffffff0u, 0x10));
	ck_assert(seq_gt(0x10, 0xfffffff0u));
	ck_assert(seq_ge(0x10, 0xfffffff0u));
	ck_assert(!seq_gt(0xfffffff0u, 0x10));
	ck_assert(seq_lt(0xffffffffu, 0));
	ck_assert(seq_gt(0, 0xffffffffu));
	/* Up to half the space ahead is "after". */
	ck_assert(seq_gt(0x7fffffffu, 0));
	ck_assert(seq_lt(0x80000001u, 0));
}
END_TEST

START_TEST(test_seqlen)
{
	struct segment s = seg(SEG_SYN, 0);

	ck_assert_uint_eq(segment_seqlen(&s), 1);
	s = seg(SEG_FIN | SEG_ACK, 100);
	ck_assert_uint_eq(segment_seqlen(&s), 101);
	s = seg(SEG_ACK, 0);
	ck_assert_uint_eq(segment_seqlen(&s), 0);
	s = seg(SEG_SYN | SEG_FIN, 3);
	ck_assert_uint_eq(segment_seqlen(&s), 5);
}
END_TEST

START_TEST(test_endpoint_v4)
{
	struct endpoint ep;
	char buf[64];

	ck_assert_int_eq(endpoint_parse("10.0.0.1:49152", &ep), 0);
	ck_assert_uint_eq(ep.family, 4);
	ck_assert_uint_eq(ep.port, 49152);
	ck_assert_mem_eq(ep.addr, "\x0a\x00\x00\x01", 4);
	ck_assert_str_eq(endpoint_str(&ep, buf, sizeof buf), "10.0.0.1:49152");
	ck_assert_int_eq(endpoint_parse("255.255.255.255:0", &ep), 0);
	ck_assert_str_eq(endpoint_str(&ep, buf, sizeof buf),
	    "255.255.255.255:0");
	ck_assert_int_eq(endpoint_parse("192.168.1.10:65535", &ep), 0);
	ck_assert_uint_eq(ep.port, 65535);
}
END_TEST

START_TEST(test_endpoint_v6)
{
	struct endpoint ep;
	char buf[64];

	ck_assert_int_eq(endpoint_parse("[2001:db8::1]:443", &ep), 0);
	ck_assert_uint_eq(ep.family, 6);
	ck_assert_uint_eq(ep.port, 443);
	ck_assert_mem_eq(ep.addr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01",
	    16);
	ck_assert_str_eq(endpoint_str(&ep, buf, sizeof buf),
	    "[2001:db8::1]:443");
	/* Written back in the canonical short form. */
	ck_assert_int_eq(endpoint_parse("[2001:0DB8:0:0:0:0:0:0001]:80", &ep), 0);
	ck_assert_str_eq(endpoint_str(&ep, buf, sizeof buf), "[2001:db8::1]:80");
	ck_assert_int_eq(endpoint_parse("[::]:1", &ep), 0);
	ck_assert_str_eq(endpoint_str(&ep, buf, sizeof buf), "[::]:1");
	ck_assert_int_eq(endpoint_parse(
	    "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", &ep), 0);
	ck_assert_str_eq(endpoint_str(&ep, buf, sizeof buf),
	    "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
}
END_TEST

START_TEST(test_endpoint_malformed)
{
	static const char *const bad[] = {
		"", "10.0.0.1", "10.0.0.1:", ":80", "10.0.0.1:65536",
		"10.0.0.1:-1", "10.0.0.1:+80", "10.0.0.1: 80", "10.0.0.1:80x",
		"10.0.0.1:99999999999999999999", "10.0.0.256:80", "10.0.0:80",
		"10.0.0.1.2:80", "host:80", "2001:db8::1:80", "[2001:db8::1]",
		"[2001:db8::1]80", "[2001:db8::1:80", "[10.0.0.1]:80",
		"[2001:db8::1]:", "[]:80", "[2001:db8::g]:80",
		"10.0.0.1:80:81", " 10.0.0.1:80",
	};
	struct endpoint ep;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&ep, 0xaa, sizeof ep);
		ck_assert_msg(endpoint_parse(bad[i], &ep) == -1, "\"%s\"", bad[i]);
		/* Nothing is half-filled on failure. */
		ck_assert_uint_eq(ep.family, 0xaa);
	}
}
END_TEST

START_TEST(test_endpoint_bad_family)
{
	struct endpoint ep;
	char buf[64];

	memset(&ep, 0, sizeof ep);
	ck_assert_str_eq(endpoint_str(&ep, buf, sizeof buf), "?");
}
END_TEST

START_TEST(test_endpoint_eq)
{
	struct endpoint a, b;

	endpoint_parse("10.0.0.1:80", &a);
	endpoint_parse("10.0.0.1:80", &b);
	/* Bytes past an IPv4 address do not matter. */
	b.addr[10] = 0x55;
	ck_assert(endpoint_eq(&a, &b));
	endpoint_parse("10.0.0.1:81", &b);
	ck_assert(!endpoint_eq(&a, &b));
	endpoint_parse("10.0.0.2:80", &b);
	ck_assert(!endpoint_eq(&a, &b));
	endpoint_parse("[::ffff:10.0.0.1]:80", &b);
	ck_assert(!endpoint_eq(&a, &b));
	endpoint_parse("[2001:db8::1]:80", &a);
	endpoint_parse("[2001:db8::1]:80", &b);
	ck_assert(endpoint_eq(&a, &b));
	endpoint_parse("[2001:db8::2]:80", &b);
	ck_assert(!endpoint_eq(&a, &b));
}
END_TEST

Suite *segment_suite(void)
{
	Suite *s = suite_create("segment");
	TCase *kinds = tcase_create("kinds");
	TCase *flags = tcase_create("flags");
	TCase *seq = tcase_create("seq");
	TCase *ep = tcase_create("endpoint");

	tcase_add_test(kinds, test_kind_priorities);
	tcase_add_test(kinds, test_kind_names);
	tcase_add_test(flags, test_flags_str);
	tcase_add_test(flags, test_flags_round_trip_all);
	tcase_add_test(flags, test_flags_parse);
	tcase_add_test(seq, test_seq_compare_wrap);
	tcase_add_test(seq, test_seqlen);
	tcase_add_test(ep, test_endpoint_v4);
	tcase_add_test(ep, test_endpoint_v6);
	tcase_add_test(ep, test_endpoint_malformed);
	tcase_add_test(ep, test_endpoint_bad_family);
	tcase_add_test(ep, test_endpoint_eq);
	suite_add_tcase(s, kinds);
	suite_add_tcase(s, flags);
	suite_add_tcase(s, seq);
	suite_add_tcase(s, ep);
	return s;
}
