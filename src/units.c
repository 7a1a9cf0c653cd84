/*
 * units.c: time parsing and printing by hand, because strtod and printf
 * follow LC_NUMERIC and a comma instead of a point would change a trace.
 */
#include <stdio.h>
#include <string.h>

#include "units.h"

#define MAX_US (1000000LL * 3600 * 1000000LL)	/* one million hours */

int units_parse_time(const char *s, size_t len, int64_t *us)
{
	size_t i = 0;
	int64_t whole = 0, frac = 0, frac_scale = 1;
	int digits = 0, decimals = 0;

	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		if (whole > MAX_US / 10)
			return -1;
		whole = whole * 10 + (s[i] - '0');
	}
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			if (++decimals > 6)
				return -1;
			frac = frac * 10 + (s[i] - '0');
			frac_scale *= 10;
			digits++;
		}
	}
	if (digits == 0)
		return -1;

	static const struct {
		const char *name;
		int64_t us;
	} unit[] = {
		{ "", 1000000 }, { "s", 1000000 }, { "ms", 1000 }, { "us", 1 },
		{ "min", 60000000 }, { "h", 3600000000LL },
	};
	const char *u = s + i;
	size_t ulen = len - i;
	for (size_t k = 0; k < sizeof unit / sizeof unit[0]; k++) {
		if (strlen(unit[k].name) != ulen || memcmp(u, unit[k].name, ulen))
			continue;
		if (whole > MAX_US / unit[k].us)
			return -1;
		int64_t total = whole * unit[k].us;
		/* Fractions finer than the unit's microsecond are refused
		 * rather than rounded: 1.5us is not a time we can keep. */
		if ((frac * unit[k].us) % frac_scale)
			return -1;
		total += frac * unit[k].us / frac_scale;
		if (total > MAX_US)
			return -1;
		*us = total;
		return 0;
	}
	return -1;
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
