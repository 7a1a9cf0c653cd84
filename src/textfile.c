/*
 * textfile.c: reading, line walking, word splitting, paragraph joining
 * and the keyword-table parser shared by the scenario and concept bank
 * parsers (textfile.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfile.h"

int textfile_read(const char *path, size_t max, const char *what,
    char **text, size_t *len, struct tv_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *t;
	size_t n, have = 0, cap = 0;

	*text = NULL;
	*len = 0;
	if (f == NULL) {
		tv_error_at(err, path, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	/* Read one byte past the limit to tell "too large" from "just fits". */
	do {
		if (have == cap) {
			cap = cap != 0 ? cap * 2 : 8192;
			if (cap > max + 1)
				cap = max + 1;
			if ((t = realloc(buf, cap)) == NULL) {
				tv_error_at(err, path, 0, 0, "out of memory");
				goto fail;
			}
			buf = t;
		}
		n = fread(buf + have, 1, cap - have, f);
		have += n;
	} while (n > 0 && have <= max);
	if (have > max) {
		tv_error_at(err, path, 0, 0, "too large for a %s (over %zu "
		    "bytes)", what, max);
		goto fail;
	}
	if (ferror(f)) {
		tv_error_at(err, path, 0, 0, "cannot read: %s", strerror(errno));
		goto fail;
	}
	fclose(f);
	*text = buf;
	*len = have;
	return 0;
fail:
	free(buf);
	fclose(f);
	return -1;
}

void textfile_begin(struct textfile_cursor *c, const char *text, size_t len)
{
	c->s = text;
	c->end = text + len;
	c->line = 0;
	/* Editors on Windows may start UTF-8 files with a byte order mark. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		c->s += 3;
}

bool textfile_next(struct textfile_cursor *c, const char **line, size_t *n)
{
	const char *nl, *eol;

	if (c->s >= c->end)
		return false;
	nl = memchr(c->s, '\n', (size_t)(c->end - c->s));
	eol = nl != NULL ? nl : c->end;
	*line = c->s;
	*n = (size_t)(eol - c->s);
	if (*n > 0 && c->s[*n - 1] == '\r')
		(*n)--;
	c->line++;
	c->s = nl != NULL ? nl + 1 : c->end;
	return true;
}

/* The code point at s, which textfile_split() has checked is valid. */
static unsigned utf8_decode(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80)
		return u[0];
	if (u[0] < 0xe0)
		return (u[0] & 0x1fu) << 6 | (u[1] & 0x3fu);
	if (u[0] < 0xf0)
		return (u[0] & 0x0fu) << 12 | (u[1] & 0x3fu) << 6 | (u[2] & 0x3fu);
	return (u[0] & 0x07u) << 18 | (u[1] & 0x3fu) << 12 |
	    (u[2] & 0x3fu) << 6 | (u[3] & 0x3fu);
}

/* Chinese and Japanese characters (ideographs, kana, radicals). */
static bool is_cjk(unsigned cp)
{
	return (cp >= 0x2e80 && cp <= 0x9fff) ||
	    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3fffd);
}

/* Their punctuation and full-width forms: "，", "。", "（" ... */
static bool is_cjk_punct(unsigned cp)
{
	return (cp >= 0x3000 && cp <= 0x303f) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6);
}

/*
 * "序号，" + "发出" is "序号，发出", "1001" + "（图中" is "1001（图中",
 * while "SYN" + "然后" keeps its space, as the lessons write it.
 */
int textfile_join(char **dst, const char *s)
{
	size_t old = *dst != NULL ? strlen(*dst) : 0, n = strlen(s), last;
	char *d = realloc(*dst, old + 1 + n + 1);
	unsigned a, b;

	if (d == NULL)
		return -1;
	if (old > 0) {
		for (last = old - 1; last > 0 &&
		    ((unsigned char)d[last] & 0xc0) == 0x80; last--)
			;
		a = utf8_decode(d + last);
		b = utf8_decode(s);
		if (!(is_cjk_punct(a) || is_cjk_punct(b) ||
		    (is_cjk(a) && is_cjk(b))))
			d[old++] = ' ';
	}
	memcpy(d + old, s, n + 1);
	*dst = d;
	return 0;
}

int textfile_nchars(const char *s, size_t n)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), 0 if bad. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, min = 0x80, cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, min = 0x800, cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, min = 0x10000, cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not text. */
	if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

int textfile_split(const char *s, size_t n, char *raw, char *buf,
    struct textfile_word *w, int *nw, const char *name, int line,
    struct tv_error *err)
{
	const char *nul = memchr(s, '\0', n);
	size_t i, end;

	if (nul != NULL) {
		tv_error_at(err, name, line,
		    textfile_nchars(s, (size_t)(nul - s)) + 1,
		    "NUL byte (is this a text file?)");
		return -1;
	}
	if (n > TEXTFILE_LINE_MAX) {
		tv_error_at(err, name, line, 1, "line too long (over %d bytes)",
		    TEXTFILE_LINE_MAX);
		return -1;
	}
	for (i = 0; i < n; ) {
		size_t len = utf8_len((const unsigned char *)s + i, n - i);

		if (len == 0) {
			tv_error_at(err, name, line, textfile_nchars(s, i) + 1,
			    "invalid UTF-8");
			return -1;
		}
		i += len;
	}
	for (end = 0; end < n; end++)
		if (s[end] == '#' && (end == 0 || s[end - 1] == ' ' ||
		    s[end - 1] == '\t'))
			break;
	while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	memcpy(raw, s, end);
	raw[end] = '\0';
	memcpy(buf, s, end);
	buf[end] = '\0';
	*nw = 0;
	for (i = 0; i < end; ) {
		if (buf[i] == ' ' || buf[i] == '\t') {
			buf[i++] = '\0';
			continue;
		}
		w[*nw] = (struct textfile_word){ buf + i, i,
		    textfile_nchars(s, i) + 1 };
		(*nw)++;
		while (i < end && buf[i] != ' ' && buf[i] != '\t')
			i++;
	}
	return 0;
}

bool textfile_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (!textfile_is_digit(*s))
			return false;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

bool textfile_is_tag(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || textfile_is_digit(*s) ||
		    *s == '-'))
			return false;
	return true;
}

/* ---- The parser skeleton ---- */

static int textfile_vfail(struct textfile_parser *t, int line, int col,
    const char *fmt, va_list ap)
{
	char msg[sizeof t->err->msg];

	vsnprintf(msg, sizeof msg, fmt, ap);
	tv_error_at(t->err, t->name, line, col, "%s", msg);
	return -1;
}

int textfile_fail_at(struct textfile_parser *t, int line, int col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	textfile_vfail(t, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

int textfile_fail(struct textfile_parser *t, int i, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	textfile_vfail(t, t->line, t->w[i].col, fmt, ap);
	va_end(ap);
	return -1;
}

int textfile_oom(struct textfile_parser *t)
{
	return textfile_fail_at(t, t->line, 1, "out of memory");
}

struct textfile_pos textfile_at(const struct textfile_parser *t, int i)
{
	return (struct textfile_pos){ t->line, t->w[i].col };
}

int textfile_expect_end(struct textfile_parser *t, int i)
{
	if (i < t->nw)
		return textfile_fail(t, i, "unexpected word '%s'", t->w[i].s);
	return 0;
}

const char *textfile_rest(const struct textfile_parser *t)
{
	return t->raw + t->w[1].off;
}

int textfile_append(struct textfile_parser *t, char **dst, const char *s)
{
	return textfile_join(dst, s) < 0 ? textfile_oom(t) : 0;
}

/* The block ends: the format checks it is whole. */
static int end_block(struct textfile_parser *t,
    const struct textfile_syntax *syn, void *p)
{
	int block = t->block;

	t->block = 0;
	return syn->end_block(p, block, t->block_at);
}

/* The keyword that opens `block`, for messages. */
static const char *opener(const struct textfile_syntax *syn, int block)
{
	for (size_t k = 0; k < syn->nkw; k++)
		if (syn->kw[k].opens == block)
			return syn->kw[k].name;
	return "?";
}

/* A line with words: its keyword's rules, then its handler. */
static int parse_line(struct textfile_parser *t,
    const struct textfile_syntax *syn, void *p)
{
	const struct textfile_keyword *kw;
	size_t k;
	int rc;

	for (k = 0; k < syn->nkw; k++)
		if (strcmp(t->w[0].s, syn->kw[k].name) == 0)
			break;
	if (k == syn->nkw)
		return textfile_fail(t, 0, "unknown word '%s'", t->w[0].s);
	kw = &syn->kw[k];
	/* Any line but the block's own ends the block. */
	if (kw->within == 0 || kw->within != t->block) {
		if (t->block != 0 && end_block(t, syn, p) < 0)
			return -1;
		if (kw->within != 0)
			return textfile_fail(t, 0, "'%s' must follow a '%s' "
			    "line", kw->name, opener(syn, kw->within));
	}
	if (kw->once && t->first[k].line != 0)
		return textfile_fail(t, 0, "duplicate '%s' (first on line %d)",
		    kw->name, t->first[k].line);
	t->first[k] = textfile_at(t, 0);
	if ((rc = kw->parse(p, kw->arg)) < 0 || kw->opens == 0)
		return rc;
	t->block = kw->opens;
	t->block_at = t->first[k];
	/* `once` in a block means once in each. */
	for (size_t i = 0; i < syn->nkw; i++)
		if (syn->kw[i].within == kw->opens)
			t->first[i] = (struct textfile_pos){ 0, 0 };
	return rc;
}

static int parse_lines(struct textfile_parser *t,
    const struct textfile_syntax *syn, void *p, const char *text, size_t len)
{
	struct textfile_cursor c;
	const char *s;
	size_t n;

	textfile_begin(&c, text, len);
	while (textfile_next(&c, &s, &n)) {
		t->line = c.line;
		if (textfile_split(s, n, t->raw, t->buf, t->w, &t->nw, t->name,
		    t->line, t->err) < 0)
			return -1;
		if (t->nw > 0 && parse_line(t, syn, p) < 0)
			return -1;
	}
	return t->block != 0 ? end_block(t, syn, p) : 0;
}

int textfile_parse(struct textfile_parser *t, const struct textfile_syntax *syn,
    void *p, const char *text, size_t len)
{
	char *file = NULL;
	int rc = -1;

	t->line = t->nw = t->block = 0;
	/* Room for the longest line, off the stack: 57 kB. */
	t->raw = malloc(TEXTFILE_LINE_MAX + 1);
	t->buf = malloc(TEXTFILE_LINE_MAX + 1);
	t->w = malloc(TEXTFILE_MAX_WORDS * sizeof *t->w);
	t->first = calloc(syn->nkw, sizeof *t->first);
	if (t->raw == NULL || t->buf == NULL || t->w == NULL ||
	    t->first == NULL)
		tv_error_at(t->err, t->name, 0, 0, "out of memory");
	else if (text != NULL)
		rc = parse_lines(t, syn, p, text, len);
	else if (textfile_read(t->name, syn->max, syn->what, &file, &len,
	    t->err) == 0)
		rc = parse_lines(t, syn, p, file, len);
	free(file);
	free(t->raw);
	free(t->buf);
	free(t->w);
	free(t->first);
	t->raw = t->buf = NULL;
	t->w = NULL;
	t->first = NULL;
	return rc;
}
