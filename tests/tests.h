/*
 * tests.h: the Check suites that tests/check_main.c runs.  Each file
 * tests/check_NAME.c defines NAME_suite().
 */
#ifndef TESTS_H
#define TESTS_H

#include <check.h>

Suite *tcp_state_suite(void);
Suite *segment_suite(void);
Suite *trace_suite(void);
Suite *profile_suite(void);
Suite *scenario_suite(void);
Suite *transitions_suite(void);
Suite *schedule_suite(void);
Suite *engine_suite(void);
Suite *decode_suite(void);
Suite *conntrack_suite(void);
Suite *infer_suite(void);
Suite *lib_open_suite(void);
Suite *lib_close_suite(void);
Suite *lib_trouble_suite(void);
Suite *practice_suite(void);
Suite *layout_suite(void);
Suite *player_suite(void);

#endif
