/*
 * check_tcp_state.c: state names as the reference prints them, their
 * parser, and the ordered-constant predicates that depend on the order.
 */
#include "tests.h"
#include "tcp_state.h"

static const char *const names[TCP_NSTATES] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED",
	"CLOSE_WAIT", "FIN_WAIT_1", "CLOSING", "LAST_ACK", "FIN_WAIT_2",
	"TIME_WAIT",
};

START_TEST(test_names_round_trip)
{
	for (int s = 0; s < TCP_NSTATES; s++) {
		ck_assert_str_eq(tcp_state_name(s), names[s]);
		ck_assert_int_eq(tcp_state_parse(names[s]), s);
	}
}
END_TEST

START_TEST(test_name_out_of_range)
{
	ck_assert_str_eq(tcp_state_name(TCP_NSTATES), "?");
	ck_assert_str_eq(tcp_state_name((enum tcp_state)-1), "?");
}
END_TEST

START_TEST(test_parse_rejects)
{
	/* Exact, upper case, underscores: other spellings are mistakes. */
	ck_assert_int_eq(tcp_state_parse("listen"), -1);
	ck_assert_int_eq(tcp_state_parse("SYN-SENT"), -1);
	ck_assert_int_eq(tcp_state_parse("SYN_RECEIVED"), -1);
	ck_assert_int_eq(tcp_state_parse("TIME_WAIT "), -1);
	ck_assert_int_eq(tcp_state_parse(""), -1);
}
END_TEST

START_TEST(test_predicates)
{
	for (int s = 0; s < TCP_NSTATES; s++) {
		bool sync = s != TCP_CLOSED && s != TCP_LISTEN &&
		    s != TCP_SYN_SENT && s != TCP_SYN_RCVD;
		bool fin_sent = s == TCP_FIN_WAIT_1 || s == TCP_FIN_WAIT_2 ||
		    s == TCP_CLOSING || s == TCP_LAST_ACK || s == TCP_TIME_WAIT;
		bool fin_rcvd = s == TCP_CLOSE_WAIT || s == TCP_CLOSING ||
		    s == TCP_LAST_ACK || s == TCP_TIME_WAIT;

		ck_assert_msg(tcp_state_synchronized(s) == sync, "%s", names[s]);
		ck_assert_msg(tcp_state_fin_sent(s) == fin_sent, "%s", names[s]);
		ck_assert_msg(tcp_state_fin_received(s) == fin_rcvd, "%s",
		    names[s]);
	}
}
END_TEST

Suite *tcp_state_suite(void)
{
	Suite *s = suite_create("tcp_state");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, test_names_round_trip);
	tcase_add_test(tc, test_name_out_of_range);
	tcase_add_test(tc, test_parse_rejects);
	tcase_add_test(tc, test_predicates);
	suite_add_tcase(s, tc);
	return s;
}
