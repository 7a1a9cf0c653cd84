/*
 * textwidth.c: display width of UTF-8 text (textwidth.h).  Decoding is
 * done here by hand; only wcwidth() needs the private UTF-8 locale, and
 * it is the thread's locale just for that call, so gettext keeps seeing
 * the process's LC_MESSAGES.
 */
/* wcwidth() is an X/Open function; newlocale() and uselocale() POSIX 2008. */
#define _XOPEN_SOURCE 700

#include <locale.h>
#include <stdbool.h>
#include <wchar.h>

#include "textwidth.h"

/* Made once and kept for the life of the process. */
static locale_t textwidth_locale(void)
{
	static locale_t utf8;
	static bool tried;

	if (!tried) {
		tried = true;
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
		if (utf8 == (locale_t)0)
			utf8 = newlocale(LC_CTYPE_MASK, "en_US.UTF-8",
			    (locale_t)0);
	}
	return utf8;
}

size_t textwidth_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c, min;
	size_t len;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		len = 2;
		c = u[0] & 0x1f;
		min = 0x80;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		len = 3;
		c = u[0] & 0x0f;
		min = 0x800;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		len = 4;
		c = u[0] & 0x07;
		min = 0x10000;
	} else {
		*cp = TEXTWIDTH_INVALID;
		return 1;
	}
	if (n < len) {
		*cp = TEXTWIDTH_INVALID;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*cp = TEXTWIDTH_INVALID;
			return 1;
		}
		c = c << 6 | (u[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and beyond U+10FFFF. */
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) {
		*cp = TEXTWIDTH_INVALID;
		return 1;
	}
	*cp = c;
	return len;
}

int textwidth_cp(uint32_t cp)
{
	locale_t utf8, old;
	int w;

	/* ASCII is the common case and needs no locale. */
	if (cp < 0x80)
		return cp >= 0x20 && cp < 0x7f ? 1 : -1;
	utf8 = textwidth_locale();
	/* No UTF-8 locale on this system: one column is the best guess. */
	if (utf8 == (locale_t)0)
		return 1;
	old = uselocale(utf8);
	w = wcwidth((wchar_t)cp);
	uselocale(old);
	return w;
}

int textwidth(const char *s)
{
	size_t n = 0, i = 0;
	int cols = 0;

	while (s[n] != '\0')
		n++;
	while (i < n) {
		uint32_t cp;
		size_t k = textwidth_decode(s + i, n - i, &cp);
		int w = cp == TEXTWIDTH_INVALID && k == 1 ? 1 : textwidth_cp(cp);

		if (w > 0)
			cols += w;
		i += k;
	}
	return cols;
}
