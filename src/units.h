/*
 * units.h: protocol times as people write them ("1.5", "200ms", "2h")
 * and as tcpviz prints them, without any locale getting in the way.
 */
#ifndef UNITS_H
#define UNITS_H

#include <stddef.h>
#include <stdint.h>

enum units_error {
	UNITS_OK,
	UNITS_NEGATIVE,		/* "-1" */
	UNITS_GARBAGE,		/* not a number at all */
	UNITS_UNIT,		/* "3x": *unit points at "x" */
	UNITS_TOO_BIG,		/* over one million hours */
	UNITS_TOO_FINE,		/* finer than a microsecond */
};

/*
 * Parse the NUL-terminated s as a non-negative decimal number of seconds
 * with an optional unit: s, ms, us, min, h.  Computed in integers, so
 * 0.1 s is exactly 100000 us.  On UNITS_UNIT, *unit (if not NULL) points
 * at the unknown unit inside s.
 */
enum units_error units_parse_time(const char *s, int64_t *us, const char **unit);

/* Shortest exact decimal seconds: 60 -> "60", 0.04 s -> "0.04". */
const char *units_format_time(int64_t us, char *buf, size_t len);

#endif
