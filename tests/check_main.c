/*
 * check_main.c: runs every Check suite of tcpviz's pure modules.
 * CK_RUN_SUITE / CK_RUN_CASE narrow the run as Check documents.
 */
#include <stdlib.h>

#include "tests.h"

int main(void)
{
	Suite *(*const suites[])(void) = {
		tcp_state_suite, segment_suite, trace_suite, profile_suite,
		scenario_suite, transitions_suite, schedule_suite, engine_suite,
		decode_suite, conntrack_suite, infer_suite,
		lib_open_suite, lib_close_suite, lib_trouble_suite,
		practice_suite,
		layout_suite, player_suite,
	};
	SRunner *sr = srunner_create(NULL);
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
