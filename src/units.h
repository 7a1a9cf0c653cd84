/*
 * units.h: protocol times as people write them ("1.5", "200ms", "2h")
 * and as tcpviz prints them, without any locale getting in the way.
 */
#ifndef UNITS_H
#define UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse s[0..len) as a non-negative decimal number of seconds with an
 * optional unit: s, ms, us, min, h.  At most six decimals; at most one
 * million hours.  Returns 0 and sets *us, or -1.
 */
int units_parse_time(const char *s, size_t len, int64_t *us);

/* Shortest exact decimal seconds: 60 -> "60", 0.04 s -> "0.04". */
const char *units_format_time(int64_t us, char *buf, size_t len);

#endif
