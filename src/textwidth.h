/*
 * textwidth.h: how many terminal columns UTF-8 text takes.  A CJK
 * character takes two, a combining mark none, everything else one.
 * The answer comes from a UTF-8 locale of tcpviz's own, never from the
 * one setlocale() chose, so every view measures alike everywhere (and
 * LANG=C does not turn the Chinese narration into question marks).
 */
#ifndef TEXTWIDTH_H
#define TEXTWIDTH_H

#include <stddef.h>
#include <stdint.h>

#define TEXTWIDTH_INVALID 0xfffdu	/* what a byte that does not decode is */

/*
 * Decode the character at s (n > 0 bytes left): its code point in *cp
 * and its length in bytes.  A malformed or truncated sequence yields
 * one byte and TEXTWIDTH_INVALID.
 */
size_t textwidth_decode(const char *s, size_t n, uint32_t *cp);

/* Columns of one code point: 0, 1 or 2; -1 for a control character. */
int textwidth_cp(uint32_t cp);

/* Columns of a NUL-terminated string; controls count nothing and a byte
 * that does not decode counts one. */
int textwidth(const char *s);

#endif
