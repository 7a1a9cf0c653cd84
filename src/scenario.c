/*
 * scenario.c: reads scenario files (data/scenarios/ *.tcpviz) into a
 * struct scenario, and the SIDE:KIND#N fault descriptors that --drop
 * shares with them.
 *
 * A file is read line by line.  The first word of a line is a keyword
 * that picks a handler from the keywords[] table; the handler reads the
 * rest of the line's words.  Checks that need the whole file (a required
 * line is missing, a title has no translation) run at the end.  The first
 * mistake stops the parse with "file:line:col: message", where col counts
 * characters (UTF-8 code points, a tab is one) so that editors agree.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "trace.h"
#include "units.h"

/* Longer lines are refused rather than split, so nothing is misread. */
#define LINE_MAX_BYTES 4096
#define MAX_WORDS (LINE_MAX_BYTES / 2 + 1)
/* A lesson is a few kilobytes; this stops `tcpviz /dev/zero` early. */
#define FILE_MAX_BYTES (1024 * 1024)

#define SEND_MAX 1000000000u
#define BACKLOG_DEFAULT 128

static const char *const trigger_names[TRIG_NTRIGGERS] = {
	"at", "after", "connected", "data", "eof", "closed",
};

static const char *const profile_names[] = { "textbook", "linux", "host" };

struct word {
	char *s;		/* NUL-terminated copy */
	size_t off;		/* byte offset in the line */
	int col;		/* 1-based character column */
};

/* Where something was first seen; line 0 = not yet. */
struct pos {
	int line, col;
};

struct parser {
	struct scenario *sc;
	const char *name;
	struct tv_error *err;
	int line;
	char raw[LINE_MAX_BYTES + 1];	/* the line without its comment */
	char buf[LINE_MAX_BYTES + 1];	/* the same, cut into words */
	struct word w[MAX_WORDS];
	int nw;
	struct pos *first;		/* per keywords[] entry */
	struct pos ep[2];		/* the `client` / `server` endpoints */
	struct pos title[2], summary[2];
	int at_line[2];			/* each side's last `at` step */
	int64_t at_time[2];
};

void scenario_init(struct scenario *sc)
{
	memset(sc, 0, sizeof *sc);
}

void scenario_free(struct scenario *sc)
{
	for (int i = 0; i < 2; i++) {
		free(sc->title[i]);
		free(sc->summary[i]);
	}
	free(sc->topics);
	free(sc->file);
	for (size_t i = 0; i < sc->nsets; i++)
		free(sc->sets[i]);
	free(sc->sets);
	free(sc->steps);
	free(sc->faults);
	free(sc->outages);
	/* Leave it ready for reuse, and a second free harmless. */
	scenario_init(sc);
}

const char *scen_trigger_name(int trig)
{
	if (trig < 0 || trig >= TRIG_NTRIGGERS)
		return "?";
	return trigger_names[trig];
}

/* ---- Small helpers ---- */

static int vfail(struct parser *p, int line, int col, const char *fmt,
    va_list ap)
{
	char msg[sizeof p->err->msg];

	vsnprintf(msg, sizeof msg, fmt, ap);
	tv_error_at(p->err, p->name, line, col, "%s", msg);
	return -1;
}

#ifdef __GNUC__
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* An error at a given place; returns -1 for the caller to pass on. */
static int PRINTF_LIKE(4, 5)
fail_at(struct parser *p, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* An error about word i of the current line. */
static int PRINTF_LIKE(3, 4)
fail(struct parser *p, int i, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, p->line, p->w[i].col, fmt, ap);
	va_end(ap);
	return -1;
}

/* Word i of the current line, or NULL past the end. */
static const char *word(const struct parser *p, int i)
{
	return i < p->nw ? p->w[i].s : NULL;
}

static bool word_is(const struct parser *p, int i, const char *s)
{
	return i < p->nw && strcmp(p->w[i].s, s) == 0;
}

/* Nothing may follow word i - 1. */
static int expect_end(struct parser *p, int i)
{
	if (i < p->nw)
		return fail(p, i, "unexpected word '%s'", p->w[i].s);
	return 0;
}

static int oom(struct parser *p)
{
	return fail_at(p, p->line, 1, "out of memory");
}

static char *dup_n(struct parser *p, const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d == NULL) {
		oom(p);
		return NULL;
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Room for one more element of `size` bytes after n of them. */
static void *grow(struct parser *p, void *base, size_t n, size_t size)
{
	void *nb = realloc(base, (n + 1) * size);

	if (nb == NULL)
		oom(p);
	return nb;
}

/* Append s to *dst, separated by one space if *dst is not empty. */
static int append(struct parser *p, char **dst, const char *s)
{
	size_t old = *dst != NULL ? strlen(*dst) : 0, n = strlen(s);
	char *d = realloc(*dst, old + 1 + n + 1);

	if (d == NULL)
		return oom(p);
	if (old > 0)
		d[old++] = ' ';
	memcpy(d + old, s, n + 1);
	*dst = d;
	return 0;
}

/* Characters (UTF-8 code points) in the first n bytes of s. */
static int nchars(const char *s, size_t n)
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

/* ASCII only: <ctype.h> answers by locale, and the format is ASCII. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* Decimal digits only, at most max. */
static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (!is_digit(*s))
			return false;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

/* [a-z0-9-]+: ids and topics, safe in file names and URLs. */
static bool is_tag(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!(is_lower(*s) || is_digit(*s) ||
		    *s == '-'))
			return false;
	return true;
}

/* "connected, data, eof, closed" and the like, for messages. */
static const char *join_names(const char *(*name)(int), int from, int to,
    char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = from; i < to && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
		    i > from ? ", " : "", name(i));
	return buf;
}

static const char *kind_name(int k)
{
	return seg_kind_name((enum seg_kind)k);
}

static const char *call_list(char *buf, size_t len)
{
	return join_names(app_call_name, 0, APP_NCALLS, buf, len);
}

/* Word i as a time, or an error saying what is wrong with it. */
static int word_time(struct parser *p, int i, int64_t *out)
{
	const char *w = p->w[i].s, *unit = "";

	switch (units_parse_time(w, out, &unit)) {
	case UNITS_OK:
		return 0;
	case UNITS_NEGATIVE:
		return fail(p, i, "a time cannot be negative, got '%s'", w);
	case UNITS_UNIT:
		return fail(p, i, "unknown time unit '%s' in '%s' "
		    "(s, ms, us, min, h)", unit, w);
	case UNITS_TOO_BIG:
		return fail(p, i, "time '%s' is too large (at most 1000000 h)",
		    w);
	case UNITS_TOO_FINE:
		return fail(p, i, "time '%s' is finer than a microsecond", w);
	case UNITS_GARBAGE:
		break;
	}
	return fail(p, i, "expected a time like 1.5 or 200ms, got '%s'", w);
}

/* ---- Fault descriptors: SIDE:KIND[#N] ---- */

/* Parse spec; on failure describe what is wrong in why. */
static int fault_parse(const char *spec, struct scen_fault *f, char *why,
    size_t len)
{
	const char *colon = strchr(spec, ':'), *kind, *hash;
	char kbuf[16], list[96];
	uint64_t n = 1;
	int side = -1, k;

	memset(f, 0, sizeof *f);
	if (colon == NULL || colon == spec || colon[1] == '\0' ||
	    colon[1] == '#') {
		snprintf(why, len, "expected SIDE:KIND[#N], e.g. server:FIN#1");
		return -1;
	}
	for (int s = SIDE_CLIENT; s <= SIDE_SERVER; s++) {
		const char *name = trace_side_name(s);

		if (strlen(name) == (size_t)(colon - spec) &&
		    strncmp(spec, name, (size_t)(colon - spec)) == 0)
			side = s;
	}
	if (side < 0) {
		snprintf(why, len, "unknown side '%.*s' (client, server)",
		    (int)(colon - spec), spec);
		return -1;
	}
	kind = colon + 1;
	hash = strchr(kind, '#');
	if (hash == NULL)
		hash = kind + strlen(kind);
	k = -1;
	if ((size_t)(hash - kind) < sizeof kbuf) {
		memcpy(kbuf, kind, (size_t)(hash - kind));
		kbuf[hash - kind] = '\0';
		k = seg_kind_parse(kbuf);
	}
	if (k < 0) {
		snprintf(why, len, "unknown kind '%.*s' (%s)",
		    (int)(hash - kind), kind,
		    join_names(kind_name, 0, SEGK_NKINDS, list, sizeof list));
		return -1;
	}
	if (*hash == '#') {
		if (!parse_uint(hash + 1, UINT32_MAX, &n)) {
			snprintf(why, len, "expected a count after '#', got '%s'",
			    hash + 1);
			return -1;
		}
		if (n == 0) {
			snprintf(why, len, "#N counts from 1, got #0");
			return -1;
		}
	}
	f->side = (uint8_t)side;
	f->kind = (uint8_t)k;
	f->action = FAULT_DROP;
	f->nth = (uint32_t)n;
	return 0;
}

int scen_fault_parse(const char *spec, struct scen_fault *f,
    struct tv_error *err)
{
	char why[160];

	if (fault_parse(spec, f, why, sizeof why) == 0)
		return 0;
	tv_error_set(err, "bad loss descriptor '%s': %s", spec, why);
	return -1;
}

const char *scen_fault_str(const struct scen_fault *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s#%u", trace_side_name(f->side),
	    seg_kind_name((enum seg_kind)f->kind), (unsigned)f->nth);
	return buf;
}

/* ---- Keyword handlers: each parses the current line's words ---- */

static int kw_id(struct parser *p, int arg)
{
	(void)arg;
	if (p->nw < 2)
		return fail(p, 0, "'id' needs a name like 'my-lesson'");
	if (!is_tag(p->w[1].s))
		return fail(p, 1, "bad id '%s': use lowercase letters, digits "
		    "and '-'", p->w[1].s);
	if (strlen(p->w[1].s) >= sizeof p->sc->id)
		return fail(p, 1, "id is longer than %zu characters",
		    sizeof p->sc->id - 1);
	strcpy(p->sc->id, p->w[1].s);
	return expect_end(p, 2);
}

/* The text after the keyword, as written (inner spaces kept). */
static const char *rest_of_line(const struct parser *p)
{
	return p->raw + p->w[1].off;
}

static int kw_title(struct parser *p, int lang)
{
	if (p->nw < 2)
		return fail(p, 0, "'%s' needs text", p->w[0].s);
	p->title[lang] = (struct pos){ p->line, p->w[0].col };
	p->sc->title[lang] = dup_n(p, rest_of_line(p), strlen(rest_of_line(p)));
	return p->sc->title[lang] != NULL ? 0 : -1;
}

static int kw_summary(struct parser *p, int lang)
{
	if (p->nw < 2)
		return fail(p, 0, "'%s' needs text", p->w[0].s);
	if (p->summary[lang].line == 0)
		p->summary[lang] = (struct pos){ p->line, p->w[0].col };
	return append(p, &p->sc->summary[lang], rest_of_line(p));
}

static int kw_topics(struct parser *p, int arg)
{
	(void)arg;
	if (p->nw < 2)
		return fail(p, 0, "'topics' needs at least one tag");
	for (int i = 1; i < p->nw; i++) {
		if (!is_tag(p->w[i].s))
			return fail(p, i, "bad topic '%s': use lowercase "
			    "letters, digits and '-'", p->w[i].s);
		if (append(p, &p->sc->topics, p->w[i].s) < 0)
			return -1;
	}
	return 0;
}

static int kw_profile(struct parser *p, int arg)
{
	const size_t n = sizeof profile_names / sizeof profile_names[0];

	(void)arg;
	if (p->nw < 2)
		return fail(p, 0, "'profile' needs textbook, linux or host");
	for (size_t i = 0; i < n; i++)
		if (strcmp(p->w[1].s, profile_names[i]) == 0) {
			strcpy(p->sc->profile, profile_names[i]);
			return expect_end(p, 2);
		}
	return fail(p, 1, "unknown profile '%s' (textbook, linux, host)",
	    p->w[1].s);
}

/* Only the key=value shape is checked here; the profile knows the keys. */
static int kw_set(struct parser *p, int arg)
{
	struct scenario *sc = p->sc;

	(void)arg;
	if (p->nw < 2)
		return fail(p, 0, "'set' needs key=value, e.g. 'set msl=30'");
	for (int i = 1; i < p->nw; i++) {
		const char *w = p->w[i].s, *eq = strchr(w, '=');
		char **sets;

		if (eq == NULL || eq == w || eq[1] == '\0')
			return fail(p, i, "expected key=value, got '%s'", w);
		if ((sets = grow(p, sc->sets, sc->nsets, sizeof *sets)) == NULL)
			return -1;
		sc->sets = sets;
		if ((sets[sc->nsets] = dup_n(p, w, strlen(w))) == NULL)
			return -1;
		sc->nsets++;
	}
	return 0;
}

static int kw_seed(struct parser *p, int arg)
{
	(void)arg;
	if (p->nw < 2)
		return fail(p, 0, "'seed' needs a number");
	if (!parse_uint(p->w[1].s, UINT64_MAX, &p->sc->seed))
		return fail(p, 1, "expected an unsigned number, got '%s'",
		    p->w[1].s);
	p->sc->has_seed = true;
	return expect_end(p, 2);
}

static int kw_isn(struct parser *p, int arg)
{
	bool seen[2] = { false, false };

	(void)arg;
	for (int i = 1; i < p->nw; i++) {
		const char *w = p->w[i].s, *eq = strchr(w, '=');
		int side = -1;
		uint64_t v;

		for (int s = SIDE_CLIENT; eq != NULL && s <= SIDE_SERVER; s++)
			if (strncmp(w, trace_side_name(s), (size_t)(eq - w)) == 0 &&
			    strlen(trace_side_name(s)) == (size_t)(eq - w))
				side = s;
		if (side < 0)
			return fail(p, i, "expected client=N or server=N, "
			    "got '%s'", w);
		if (seen[side])
			return fail(p, i, "'%s' ISN given twice",
			    trace_side_name(side));
		if (!parse_uint(eq + 1, UINT32_MAX, &v))
			return fail(p, i, "bad ISN '%s' (0 to 4294967295)", eq + 1);
		p->sc->isn[side] = (uint32_t)v;
		seen[side] = true;
	}
	if (!seen[SIDE_CLIENT] || !seen[SIDE_SERVER])
		return fail(p, 0, "'isn' needs client=N and server=N");
	p->sc->fixed_isn = true;
	return 0;
}

/* The port of an address word, if it has a readable one, for messages. */
static const char *port_of(const char *w)
{
	const char *c = strrchr(w, ':');

	if (c == NULL || c[1] == '\0' || strspn(c + 1, "0123456789") !=
	    strlen(c + 1))
		return NULL;
	return c + 1;
}

static int parse_endpoint(struct parser *p, int side)
{
	struct scenario *sc = p->sc;
	const char *w = p->w[1].s, *port = port_of(w);
	const char *me = trace_side_name(side), *peer = trace_side_name(!side);
	struct endpoint *ep = &sc->ep[side], *other = &sc->ep[!side];
	uint64_t pv;

	if (p->ep[side].line != 0)
		return fail(p, 0, "duplicate '%s' (first on line %d)", me,
		    p->ep[side].line);
	if (port != NULL && (!parse_uint(port, 65535, &pv) || pv == 0))
		return fail_at(p, p->line, p->w[1].col +
		    nchars(w, (size_t)(port - w)),
		    "port must be 1 to 65535, got '%s'", port);
	if (endpoint_parse(w, ep) < 0)
		return fail(p, 1, "bad endpoint '%s' (expected address:port, "
		    "e.g. 10.0.0.1:49152 or [2001:db8::1]:80)", w);
	if (p->ep[!side].line != 0) {
		if (ep->family != other->family)
			return fail(p, 1, "'%s' is IPv%d but '%s' (line %d) is "
			    "IPv%d", me, ep->family, peer, p->ep[!side].line,
			    other->family);
		if (ep->port == other->port && memcmp(ep->addr, other->addr,
		    ep->family == 4 ? 4 : 16) == 0)
			return fail(p, 1, "same endpoint as '%s' (line %d)",
			    peer, p->ep[!side].line);
	}
	p->ep[side] = (struct pos){ p->line, p->w[0].col };
	return expect_end(p, 2);
}

/* SIDE [at TIME | after TIME | on EVENT [after TIME]] CALL [ARG] */
static int parse_step(struct parser *p, int side)
{
	struct scenario *sc = p->sc;
	struct scen_step st = {
		.side = (uint8_t)side, .trigger = TRIG_AFTER, .line = p->line,
	};
	struct scen_step *steps;
	char list[128];
	int i = 1, call, at_word = 0;
	uint64_t v;

	if (word_is(p, i, "at") || word_is(p, i, "after")) {
		st.trigger = word_is(p, i, "at") ? TRIG_AT : TRIG_AFTER;
		if (i + 1 >= p->nw)
			return fail(p, i, "'%s' needs a time, e.g. '%s 1.5'",
			    p->w[i].s, p->w[i].s);
		if (word_time(p, i + 1, &st.delay) < 0)
			return -1;
		at_word = i + 1;
		i += 2;
	} else if (word_is(p, i, "on")) {
		const char *ev = word(p, i + 1);

		st.trigger = TRIG_NTRIGGERS;
		for (int t = TRIG_CONNECTED; ev != NULL && t < TRIG_NTRIGGERS; t++)
			if (strcmp(ev, trigger_names[t]) == 0)
				st.trigger = (uint8_t)t;
		if (ev == NULL)
			return fail(p, i, "'on' needs an event (%s)",
			    join_names(scen_trigger_name, TRIG_CONNECTED,
			    TRIG_NTRIGGERS, list, sizeof list));
		if (st.trigger == TRIG_NTRIGGERS)
			return fail(p, i + 1, "unknown event '%s' (%s)", ev,
			    join_names(scen_trigger_name, TRIG_CONNECTED,
			    TRIG_NTRIGGERS, list, sizeof list));
		i += 2;
		if (word_is(p, i, "after")) {
			if (i + 1 >= p->nw)
				return fail(p, i, "'after' needs a time, "
				    "e.g. 'after 1.5'");
			if (word_time(p, i + 1, &st.delay) < 0)
				return -1;
			i += 2;
		}
	}
	if (i >= p->nw)
		return fail(p, 0, "step needs a call (%s)",
		    call_list(list, sizeof list));
	if ((call = app_call_parse(p->w[i].s)) < 0)
		return fail(p, i, "unknown call '%s' (%s)", p->w[i].s,
		    call_list(list, sizeof list));
	st.call = (uint8_t)call;
	i++;
	if (call == APP_LISTEN) {
		st.arg = BACKLOG_DEFAULT;
		if (i < p->nw) {
			if (!parse_uint(p->w[i].s, 65535, &v) || v == 0)
				return fail(p, i, "expected a backlog from 1 to "
				    "65535, got '%s'", p->w[i].s);
			st.arg = (uint32_t)v;
			i++;
		}
	} else if (call == APP_SEND) {
		if (i >= p->nw)
			return fail(p, i - 1, "'send' needs a byte count");
		if (!parse_uint(p->w[i].s, SEND_MAX, &v) || v == 0)
			return fail(p, i, "expected a byte count from 1 to %u, "
			    "got '%s'", SEND_MAX, p->w[i].s);
		st.arg = (uint32_t)v;
		i++;
	} else if (i < p->nw)
		return fail(p, i, "'%s' takes no argument, got '%s'",
		    p->w[i - 1].s, p->w[i].s);
	if (expect_end(p, i) < 0)
		return -1;
	/* Each side's script reads top to bottom, like its program. */
	if (st.trigger == TRIG_AT) {
		if (p->at_line[side] != 0 && st.delay < p->at_time[side])
			return fail(p, at_word, "'at %s' is earlier than the "
			    "%s's previous 'at' (line %d)", p->w[at_word].s,
			    trace_side_name(side), p->at_line[side]);
		p->at_line[side] = p->line;
		p->at_time[side] = st.delay;
	}
	if ((steps = grow(p, sc->steps, sc->nsteps, sizeof *steps)) == NULL)
		return -1;
	sc->steps = steps;
	steps[sc->nsteps++] = st;
	return 0;
}

/* `client ADDRESS` declares an endpoint; `client ...` otherwise a step. */
static int kw_side(struct parser *p, int side)
{
	const char *w = word(p, 1), *unit;
	int64_t t;

	if (w == NULL)
		return fail(p, 0, "'%s' needs an address like "
		    "10.0.0.1:49152 or a step like 'at 0 connect'", p->w[0].s);
	/* A teacher's likely slip: the time without its 'at'. */
	if (p->nw > 2 && units_parse_time(w, &t, &unit) == UNITS_OK)
		return fail(p, 1, "'%s' needs 'at' or 'after' before it", w);
	if (is_digit(*w) || *w == '[' || *w == ':')
		return parse_endpoint(p, side);
	return parse_step(p, side);
}

static int kw_fault(struct parser *p, int action)
{
	struct scenario *sc = p->sc;
	struct scen_fault f, *faults;
	char why[160];
	const char *noun = action == FAULT_DROP ? "loss" : "segment";

	if (p->nw < 2)
		return fail(p, 0, "'%s' needs a segment, e.g. '%s server:FIN#1%s'",
		    p->w[0].s, p->w[0].s, action == FAULT_DELAY ? " 3" : "");
	if (fault_parse(p->w[1].s, &f, why, sizeof why) < 0)
		return fail(p, 1, "bad %s descriptor '%s': %s", noun,
		    p->w[1].s, why);
	f.action = (uint8_t)action;
	f.line = p->line;
	if (action == FAULT_DELAY) {
		if (p->nw < 3)
			return fail(p, 0, "'delay' needs a time, e.g. "
			    "'delay %s 3'", p->w[1].s);
		if (word_time(p, 2, &f.delay) < 0)
			return -1;
	}
	if (expect_end(p, action == FAULT_DELAY ? 3 : 2) < 0)
		return -1;
	if ((faults = grow(p, sc->faults, sc->nfaults, sizeof *faults)) == NULL)
		return -1;
	sc->faults = faults;
	faults[sc->nfaults++] = f;
	return 0;
}

/* link down FROM TO [client->server | server->client] */
static int kw_link(struct parser *p, int arg)
{
	struct scenario *sc = p->sc;
	struct scen_outage o = { .dir = -1, .line = p->line };
	struct scen_outage *outages;

	(void)arg;
	if (p->nw < 2)
		return fail(p, 0, "'link' needs 'down', e.g. 'link down 2 5'");
	if (!word_is(p, 1, "down"))
		return fail(p, 1, "expected 'down' after 'link', got '%s'",
		    p->w[1].s);
	if (p->nw < 4)
		return fail(p, 1, "'link down' needs a start and an end time, "
		    "e.g. 'link down 2 5'");
	if (word_time(p, 2, &o.from) < 0 || word_time(p, 3, &o.to) < 0)
		return -1;
	if (o.to <= o.from)
		return fail(p, 3, "end time '%s' must be after start time '%s'",
		    p->w[3].s, p->w[2].s);
	if (p->nw > 4) {
		if (word_is(p, 4, "client->server"))
			o.dir = 0;
		else if (word_is(p, 4, "server->client"))
			o.dir = 1;
		else
			return fail(p, 4, "unknown direction '%s' "
			    "(client->server, server->client)", p->w[4].s);
	}
	if (expect_end(p, 5) < 0)
		return -1;
	if ((outages = grow(p, sc->outages, sc->noutages,
	    sizeof *outages)) == NULL)
		return -1;
	sc->outages = outages;
	outages[sc->noutages++] = o;
	return 0;
}

/*
 * Every keyword a line can start with.  `once` ones may appear only once
 * per file.  Issue 3's narration, checkpoints and extra hosts go here.
 */
static const struct keyword {
	const char *name;
	int (*parse)(struct parser *p, int arg);
	int arg;
	bool once;
} keywords[] = {
	{ "id", kw_id, 0, true },
	{ "title", kw_title, 0, true },
	{ "title.zh", kw_title, 1, true },
	{ "summary", kw_summary, 0, false },
	{ "summary.zh", kw_summary, 1, false },
	{ "topics", kw_topics, 0, false },
	{ "profile", kw_profile, 0, true },
	{ "set", kw_set, 0, false },
	{ "seed", kw_seed, 0, true },
	{ "isn", kw_isn, 0, true },
	{ "client", kw_side, SIDE_CLIENT, false },
	{ "server", kw_side, SIDE_SERVER, false },
	{ "drop", kw_fault, FAULT_DROP, false },
	{ "delay", kw_fault, FAULT_DELAY, false },
	{ "link", kw_link, 0, false },
};
#define NKEYWORDS (sizeof keywords / sizeof keywords[0])

/* ---- Lines ---- */

/*
 * Check one line's bytes, drop its comment and cut it into words.  A '#'
 * starts a comment only at the start or after white space, so that
 * "client:SYN#2" keeps its count.
 */
static int split_line(struct parser *p, const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);
	size_t i, end;

	if (nul != NULL)
		return fail_at(p, p->line, nchars(s, (size_t)(nul - s)) + 1,
		    "NUL byte (is this a text file?)");
	if (n > LINE_MAX_BYTES)
		return fail_at(p, p->line, 1, "line too long (over %d bytes)",
		    LINE_MAX_BYTES);
	for (i = 0; i < n; ) {
		size_t len = utf8_len((const unsigned char *)s + i, n - i);

		if (len == 0)
			return fail_at(p, p->line, nchars(s, i) + 1,
			    "invalid UTF-8");
		i += len;
	}
	for (end = 0; end < n; end++)
		if (s[end] == '#' && (end == 0 || s[end - 1] == ' ' ||
		    s[end - 1] == '\t'))
			break;
	while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	memcpy(p->raw, s, end);
	p->raw[end] = '\0';
	memcpy(p->buf, s, end);
	p->buf[end] = '\0';
	p->nw = 0;
	for (i = 0; i < end; ) {
		if (p->buf[i] == ' ' || p->buf[i] == '\t') {
			p->buf[i++] = '\0';
			continue;
		}
		p->w[p->nw] = (struct word){ p->buf + i, i, nchars(s, i) + 1 };
		p->nw++;
		while (i < end && p->buf[i] != ' ' && p->buf[i] != '\t')
			i++;
	}
	return 0;
}

static int parse_line(struct parser *p)
{
	for (size_t k = 0; k < NKEYWORDS; k++) {
		if (strcmp(p->w[0].s, keywords[k].name) != 0)
			continue;
		if (keywords[k].once && p->first[k].line != 0)
			return fail(p, 0, "duplicate '%s' (first on line %d)",
			    keywords[k].name, p->first[k].line);
		p->first[k] = (struct pos){ p->line, p->w[0].col };
		return keywords[k].parse(p, keywords[k].arg);
	}
	return fail(p, 0, "unknown word '%s'", p->w[0].s);
}

/* Checks that need the whole file, in the order a reader fixes them. */
static int check_file(struct parser *p)
{
	static const char *const lang_name[2] = { "English", "Chinese" };
	static const char *const suffix[2] = { "", ".zh" };
	const struct scenario *sc = p->sc;

	if (sc->id[0] == '\0')
		return fail_at(p, 1, 1, "missing 'id'");
	for (int s = SIDE_CLIENT; s <= SIDE_SERVER; s++)
		if (p->ep[s].line == 0)
			return fail_at(p, 1, 1, "missing '%s' address, e.g. "
			    "'%s %s'", trace_side_name(s), trace_side_name(s),
			    s == SIDE_CLIENT ? "10.0.0.1:49152" : "10.0.0.2:80");
	/* Text in one language needs its translation; l is the missing one. */
	for (int l = 0; l < 2; l++) {
		const struct pos *t = &p->title[!l], *su = &p->summary[!l];

		if (t->line != 0 && p->title[l].line == 0)
			return fail_at(p, t->line, t->col, "missing %s title "
			    "(title%s)", lang_name[l], suffix[l]);
		if (su->line != 0 && p->summary[l].line == 0)
			return fail_at(p, su->line, su->col, "missing %s "
			    "summary (summary%s)", lang_name[l], suffix[l]);
	}
	if (sc->nsteps == 0)
		return fail_at(p, 1, 1, "no steps, e.g. 'client at 0 connect'");
	return 0;
}

static int parse_text(struct parser *p, const char *text, size_t len)
{
	const char *s = text, *end = text + len;

	/* Editors on Windows may start UTF-8 files with a byte order mark. */
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl != NULL ? nl : end;
		size_t n = (size_t)(eol - s);

		p->line++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (split_line(p, s, n) < 0)
			return -1;
		if (p->nw > 0 && parse_line(p) < 0)
			return -1;
		s = nl != NULL ? nl + 1 : end;
	}
	return check_file(p);
}

int scenario_parse(struct scenario *sc, const char *name, const char *text,
    size_t len, struct tv_error *err)
{
	struct parser *p = calloc(1, sizeof *p);
	struct pos *first = calloc(NKEYWORDS, sizeof *first);
	int rc = -1;

	scenario_init(sc);
	if (p == NULL || first == NULL) {
		tv_error_at(err, name, 0, 0, "out of memory");
		goto out;
	}
	p->sc = sc;
	p->name = name;
	p->err = err;
	p->first = first;
	if ((sc->file = dup_n(p, name, strlen(name))) != NULL)
		rc = parse_text(p, text, len);
out:
	if (rc < 0)
		scenario_free(sc);
	free(first);
	free(p);
	return rc;
}

int scenario_load(struct scenario *sc, const char *path, struct tv_error *err)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL, *t;
	size_t len = 0, cap = 0, n;
	int rc = -1;

	scenario_init(sc);
	if (f == NULL) {
		tv_error_at(err, path, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	/* Read one byte past the limit to tell "too large" from "just fits". */
	do {
		if (len == cap) {
			cap = cap != 0 ? cap * 2 : 8192;
			if (cap > FILE_MAX_BYTES + 1)
				cap = FILE_MAX_BYTES + 1;
			if ((t = realloc(text, cap)) == NULL) {
				tv_error_at(err, path, 0, 0, "out of memory");
				goto out;
			}
			text = t;
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
	} while (n > 0 && len <= FILE_MAX_BYTES);
	if (len > FILE_MAX_BYTES) {
		tv_error_at(err, path, 0, 0, "too large for a scenario (over "
		    "%d bytes)", FILE_MAX_BYTES);
		goto out;
	}
	if (ferror(f)) {
		tv_error_at(err, path, 0, 0, "cannot read: %s", strerror(errno));
		goto out;
	}
	rc = scenario_parse(sc, path, text, len, err);
out:
	free(text);
	fclose(f);
	return rc;
}
