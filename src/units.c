/*
 * units.c: time parsing and printing by hand, because strtod and printf
 * follow LC_NUMERIC and a comma instead of a point would change a trace.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

#define SEC INT64_C(1000000)
#define MAX_US (INT64_C(1000000) * 3600 * SEC)	/* one million hours */

static const struct {
	const char *name;
	int64_t us;
} unit_table[] = {
	{ "", SEC }, { "s", SEC }, { "ms", 1000 }, { "us", 1 },
	{ "min", 60 * SEC }, { "h", 3600 * SEC },
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

enum units_error units_parse_time(const char *s, int64_t *out, const char **unit)
{
	uint64_t ip = 0, frac = 0, scale = 1;
	bool digits = false, big = false, fine = false;
	int64_t per = 0;

	if (*s == '-')
		return UNITS_NEGATIVE;
	for (; is_digit(*s); s++, digits = true)
		if ((ip = ip * 10 + (uint64_t)(*s - '0')) > (uint64_t)MAX_US)
			big = true, ip = (uint64_t)MAX_US + 1;
	if (*s == '.') {
		if (!is_digit(s[1]))
			return UNITS_GARBAGE;
		/* Nine digits are finer than a microsecond in every unit. */
		for (s++; is_digit(*s); s++, digits = true) {
			if (scale < 1000000000u)
				frac = frac * 10 + (uint64_t)(*s - '0'), scale *= 10;
			else if (*s != '0')
				fine = true;
		}
	}
	if (!digits)
		return UNITS_GARBAGE;
	if (unit)
		*unit = s;
	for (size_t k = 0; k < sizeof unit_table / sizeof unit_table[0]; k++)
		if (strcmp(s, unit_table[k].name) == 0)
			per = unit_table[k].us;
	if (per == 0)
		return (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ?
		    UNITS_UNIT : UNITS_GARBAGE;
	if (big || ip > (uint64_t)(MAX_US / per))
		return UNITS_TOO_BIG;
	if (fine || frac * (uint64_t)per % scale != 0)
		return UNITS_TOO_FINE;
	int64_t us = (int64_t)ip * per + (int64_t)(frac * (uint64_t)per / scale);
	if (us > MAX_US)
		return UNITS_TOO_BIG;
	*out = us;
	return UNITS_OK;
}

const char *units_format_time(int64_t us, char *buf, size_t len)
{
	const char *sign = us < 0 ? "-" : "";
	uint64_t v = us < 0 ? -(uint64_t)us : (uint64_t)us;
	uint64_t frac = v % 1000000;
	int width = 6;

	if (frac == 0) {
		snprintf(buf, len, "%s%llu", sign, (unsigned long long)(v / 1000000));
		return buf;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		width--;
	}
	snprintf(buf, len, "%s%llu.%0*llu", sign, (unsigned long long)(v / 1000000),
	    width, (unsigned long long)frac);
	return buf;
}
