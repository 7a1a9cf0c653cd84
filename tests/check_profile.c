/*
 * check_profile.c: the profiles carry the reference's values, overrides
 * parse (and refuse nonsense), and the host profile reads /proc-style
 * files, falling back to linux for anything missing or malformed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"
#include "tests.h"

#define SEC 1000000LL
#define MS 1000LL

START_TEST(linux_profile_has_reference_values)
{
	struct profile p;
	ck_assert_int_eq(profile_init(&p, "linux", NULL), 0);
	ck_assert_int_eq(p.rto_initial, 1 * SEC);
	ck_assert_int_eq(p.rto_min, 200 * MS);
	ck_assert_int_eq(p.rto_max, 120 * SEC);
	ck_assert_int_eq(p.syn_retries, 6);
	ck_assert_int_eq(p.syn_linear_timeouts, 4);
	ck_assert_int_eq(p.synack_retries, 5);
	ck_assert_int_eq(2 * p.msl, 60 * SEC);	/* TCP_TIMEWAIT_LEN */
	ck_assert_int_eq(p.fin_timeout, 60 * SEC);
	ck_assert_int_eq(p.keepalive_time, 7200 * SEC);
	ck_assert_int_eq(p.keepalive_intvl, 75 * SEC);
	ck_assert_int_eq(p.keepalive_probes, 9);
	ck_assert_int_eq(p.delack, 40 * MS);
	ck_assert_int_eq(p.syncookies, 1);
	ck_assert_int_eq(p.somaxconn, 4096);
	ck_assert(!p.rfc1337);
	ck_assert_int_eq(p.delay[0], 50 * MS);
	ck_assert_int_eq(p.delay[1], 50 * MS);
}
END_TEST

START_TEST(textbook_profile_has_reference_values)
{
	struct profile p;
	ck_assert_int_eq(profile_init(&p, "textbook", NULL), 0);
	ck_assert_int_eq(p.rto_initial, 1 * SEC);
	ck_assert_int_eq(p.syn_retries, 5);
	ck_assert_int_eq(p.syn_linear_timeouts, 0);
	ck_assert_int_eq(2 * p.msl, 240 * SEC);	/* RFC 9293: MSL 2 min */
	ck_assert_int_eq(p.fin_timeout, 0);
	ck_assert_int_eq(p.keepalive_probes, 10);
	ck_assert_int_eq(p.delack, 0);
	ck_assert_int_eq(p.syncookies, 0);
}
END_TEST

START_TEST(unknown_profile_is_refused)
{
	struct profile p;
	struct tv_error err;
	ck_assert_int_eq(profile_init(&p, "bsd", &err), -1);
	ck_assert_str_eq(err.msg, "unknown profile 'bsd' (textbook, linux, host)");
}
END_TEST

START_TEST(set_parses_times_counts_and_delay)
{
	struct profile p;
	char buf[32];
	profile_init(&p, "linux", NULL);
	ck_assert_int_eq(profile_set(&p, "msl=30", NULL), 0);
	ck_assert_int_eq(p.msl, 30 * SEC);
	ck_assert_int_eq(profile_set(&p, "rto_min=250ms", NULL), 0);
	ck_assert_int_eq(p.rto_min, 250 * MS);
	ck_assert_int_eq(profile_set(&p, "syn_retries=2", NULL), 0);
	ck_assert_int_eq(p.syn_retries, 2);
	ck_assert_int_eq(profile_set(&p, "delay=0.2", NULL), 0);
	ck_assert_int_eq(p.delay[0], 200 * MS);
	ck_assert_int_eq(p.delay[1], 200 * MS);
	ck_assert_int_eq(profile_set(&p, "delay_s2c=1.5s", NULL), 0);
	ck_assert_int_eq(profile_set(&p, "delay_c2s=30min", NULL), 0);
	ck_assert_int_eq(p.delay[0], PROFILE_DELAY_MAX);
	ck_assert_int_eq(p.delay[1], 1500 * MS);
	ck_assert_int_eq(profile_set(&p, "rfc1337=1", NULL), 0);
	ck_assert(p.rfc1337);
	ck_assert_str_eq(profile_get(&p, "rto_min", buf, sizeof buf), "0.25");
	ck_assert_str_eq(profile_get(&p, "syn_retries", buf, sizeof buf), "2");
	ck_assert_ptr_null(profile_get(&p, "nope", buf, sizeof buf));
}
END_TEST

/* Every setting reads the same: a field-by-field comparison, as struct
 * padding is never initialised and memcmp would read it. */
static bool profiles_equal(const struct profile *a, const struct profile *b)
{
	for (int i = 0; i < profile_nkeys(); i++) {
		char x[32], y[32];
		const char *k = profile_key_name(i);
		if (strcmp(profile_get(a, k, x, sizeof x), profile_get(b, k, y, sizeof y)))
			return false;
	}
	return strcmp(a->name, b->name) == 0 && a->rto_linux == b->rto_linux &&
	    a->drop_unsent_ack == b->drop_unsent_ack;
}

START_TEST(set_refuses_bad_input)
{
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{ "msl", "expected KEY=VALUE, got 'msl'" },
		{ "mls=30", "unknown setting 'mls' (see tcpviz --help)" },
		{ "msl=-1", "msl: expected a time like 1.5 or 200ms, got '-1'" },
		{ "msl=3x", "msl: expected a time like 1.5 or 200ms, got '3x'" },
		{ "syn_retries=many", "syn_retries: expected a whole number from 0 to 127, got 'many'" },
		{ "syn_retries=200", "syn_retries: expected a whole number from 0 to 127, got '200'" },
		{ "wscale=15", "wscale: expected a whole number from -1 to 14, got '15'" },
		{ "syncookies=", "syncookies: expected a whole number from 0 to 2, got ''" },
		/* A segment's arrival must fit its trace event. */
		{ "delay=1801", "delay: at most 1800 s, got '1801'" },
		{ "delay_s2c=1800.000001", "delay_s2c: at most 1800 s, got '1800.000001'" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct profile p;
		struct tv_error err;
		profile_init(&p, "linux", NULL);
		struct profile before = p;
		ck_assert_int_eq(profile_set(&p, bad[i].in, &err), -1);
		ck_assert_str_eq(err.msg, bad[i].msg);
		ck_assert_msg(profiles_equal(&p, &before),
		    "'%s' changed the profile", bad[i].in);
	}
}
END_TEST

START_TEST(every_key_has_help_and_round_trips)
{
	struct profile p;
	profile_init(&p, "linux", NULL);
	ck_assert_int_ge(profile_nkeys(), 20);
	for (int i = 0; i < profile_nkeys(); i++) {
		const char *name = profile_key_name(i);
		char val[32], assign[64];
		ck_assert_ptr_nonnull(profile_key_help(i));
		ck_assert_ptr_nonnull(profile_get(&p, name, val, sizeof val));
		snprintf(assign, sizeof assign, "%s=%s", name, val);
		struct profile q = p;
		ck_assert_msg(profile_set(&q, assign, NULL) == 0, "%s", assign);
		ck_assert_msg(profiles_equal(&p, &q), "%s changed", assign);
	}
	ck_assert_ptr_null(profile_key_name(profile_nkeys()));
}
END_TEST

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(host_reads_proc_and_falls_back_to_linux)
{
	char dir[] = "/tmp/tcpviz-proc-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file(dir, "tcp_syn_retries", "3\n");
	write_file(dir, "tcp_synack_retries", "2\n");
	write_file(dir, "tcp_fin_timeout", "30\n");
	write_file(dir, "tcp_keepalive_probes", "not a number\n");
	write_file(dir, "tcp_orphan_retries", "0\n");

	struct profile p;
	ck_assert_int_eq(profile_init(&p, "host", NULL), 0);
	ck_assert_str_eq(p.name, "host");
	ck_assert_int_eq(profile_load_host(&p, dir), 4);
	ck_assert_int_eq(p.syn_retries, 3);
	ck_assert_int_eq(p.synack_retries, 2);
	ck_assert_int_eq(p.fin_timeout, 30 * SEC);
	ck_assert_int_eq(p.orphan_retries, 8);		/* 0 means 8 */
	ck_assert_int_eq(p.keepalive_probes, 9);	/* malformed: linux value */
	ck_assert_int_eq(p.syn_linear_timeouts, 4);	/* missing: linux value */

	const char *names[] = { "tcp_syn_retries", "tcp_synack_retries",
				"tcp_fin_timeout", "tcp_keepalive_probes",
				"tcp_orphan_retries" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}
END_TEST

START_TEST(host_without_proc_is_linux)
{
	struct profile p, linux_p;
	profile_init(&p, "host", NULL);
	profile_init(&linux_p, "linux", NULL);
	ck_assert_int_eq(profile_load_host(&p, "/nonexistent/tcpviz"), 0);
	ck_assert_int_eq(p.syn_retries, linux_p.syn_retries);
	ck_assert_int_eq(p.msl, linux_p.msl);
}
END_TEST

Suite *profile_suite(void)
{
	Suite *s = suite_create("profile");
	TCase *tc = tcase_create("profile");
	tcase_add_test(tc, linux_profile_has_reference_values);
	tcase_add_test(tc, textbook_profile_has_reference_values);
	tcase_add_test(tc, unknown_profile_is_refused);
	tcase_add_test(tc, set_parses_times_counts_and_delay);
	tcase_add_test(tc, set_refuses_bad_input);
	tcase_add_test(tc, every_key_has_help_and_round_trips);
	tcase_add_test(tc, host_reads_proc_and_falls_back_to_linux);
	tcase_add_test(tc, host_without_proc_is_linux);
	suite_add_tcase(s, tc);
	return s;
}
