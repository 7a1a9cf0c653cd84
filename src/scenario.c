/*
 * scenario.c: reads scenario files (data/scenarios/ *.tcpviz) into a
 * struct scenario, and the SIDE:KIND#N fault descriptors that --drop
 * shares with them.
 *
 * A file is read line by line by textfile_parse().  The first word of a
 * line is a keyword that picks a handler from the keywords[] table; the
 * handler reads the rest of the line's words.  A `narrate` or
 * `checkpoint` line opens a block that its text lines (en, zh, ask,
 * answer ...) continue; the next line of any other kind closes it, and
 * only then can a missing translation be told.  Checks that need the
 * whole file (a required line is missing, a title has no translation,
 * `client.isn` without `isn`) run at the end.  The first mistake stops
 * the parse with "file:line:col: message", where col counts characters
 * (UTF-8 code points, a tab is one) so that editors agree.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "textfile.h"
#include "trace.h"
#include "units.h"

/* A lesson is a few kilobytes; this stops `tcpviz /dev/zero` early. */
#define FILE_MAX_BYTES (1024 * 1024)

#define SEND_MAX 1000000000u
#define BACKLOG_DEFAULT 128
/* Enough to fill any backlog many times over, few enough to stay fast. */
#define SYNFLOOD_MAX 1000000
/* The largest payload of one IPv4 packet: 65535 - 20 (IP) - 20 (TCP). */
#define FORGE_LEN_MAX 65495

static const char *const trigger_names[TRIG_NTRIGGERS] = {
	"at", "after", "connected", "data", "eof", "closed",
};

static const char *const profile_names[] = { "textbook", "linux", "host" };

static const char *const lang_names[2] = { "English", "Chinese" };
static const char *const lang_suffix[2] = { "", ".zh" };

static const char *const attack_names[] = {
	[ATTACK_SYNFLOOD] = "synflood",
	[ATTACK_FORGE] = "forge",
};

/* Which block a line continues; see the comment at the top. */
enum block { BLOCK_NONE, BLOCK_NARRATE, BLOCK_CHECKPOINT };

/* Scripts whose `at` times must not go back: the two sides' and this. */
#define SCRIPT_ATTACKER 2

struct parser {
	struct textfile_parser t;	/* the line, its words, the block */
	struct scenario *sc;
	struct textfile_pos ep[2];	/* the `client` / `server` endpoints */
	struct textfile_pos title[2], summary[2];
	int at_line[3];			/* each script's last `at` step */
	int64_t at_time[3];
	struct textfile_pos attacker;	/* `attacker ADDRESS`: the address */
	struct textfile_pos attack;	/* the first attacker step */
	struct textfile_pos isn_use;	/* the first seq=client.isn+N ... */
	int isn_side;			/* ... and which side's ISN it named */
	int64_t delays;			/* of the `delay` lines so far */
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
	for (size_t i = 0; i < sc->nnarrations; i++)
		for (int l = 0; l < 2; l++)
			free(sc->narrations[i].text[l]);
	free(sc->narrations);
	for (size_t i = 0; i < sc->ncheckpoints; i++)
		for (int l = 0; l < 2; l++) {
			free(sc->checkpoints[i].ask[l]);
			free(sc->checkpoints[i].answer[l]);
		}
	free(sc->checkpoints);
	free(sc->attacks);
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

/* textfile.h's errors, about this parser's line. */
#define fail(p, ...) textfile_fail(&(p)->t, __VA_ARGS__)
#define fail_at(p, ...) textfile_fail_at(&(p)->t, __VA_ARGS__)

/* Word i of the current line, or NULL past the end. */
static const char *word(const struct parser *p, int i)
{
	return i < p->t.nw ? p->t.w[i].s : NULL;
}

static bool word_is(const struct parser *p, int i, const char *s)
{
	return i < p->t.nw && strcmp(p->t.w[i].s, s) == 0;
}

static char *dup_n(struct parser *p, const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d == NULL) {
		textfile_oom(&p->t);
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
		textfile_oom(&p->t);
	return nb;
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

static const char *state_name(int s)
{
	return tcp_state_name((enum tcp_state)s);
}

/* "client" or "server" as the first n bytes of s; -1 if neither. */
static int side_parse(const char *s, size_t n)
{
	for (int side = SIDE_CLIENT; side <= SIDE_SERVER; side++) {
		const char *name = trace_side_name(side);

		if (strlen(name) == n && strncmp(s, name, n) == 0)
			return side;
	}
	return -1;
}

/* Word i as a time, or an error saying what is wrong with it. */
static int word_time(struct parser *p, int i, int64_t *out)
{
	const char *w = p->t.w[i].s, *unit = "";

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
		if (!textfile_parse_uint(hash + 1, UINT32_MAX, &n)) {
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

const char *scen_when_str(const struct scen_when *w, char *buf, size_t len)
{
	char t[32];
	switch (w->kind) {
	case WHEN_SEGMENT:
		snprintf(buf, len, "%s:%s#%u", trace_side_name(w->side),
		    seg_kind_name((enum seg_kind)w->seg_kind), (unsigned)w->nth);
		break;
	case WHEN_STATE:
		snprintf(buf, len, "%s enters %s#%u", trace_side_name(w->side),
		    tcp_state_name((enum tcp_state)w->state), (unsigned)w->nth);
		break;
	case WHEN_TIMER:
		snprintf(buf, len, "%s timer %s#%u", trace_side_name(w->side),
		    trace_timer_name(w->timer), (unsigned)w->nth);
		break;
	default:
		snprintf(buf, len, "at %s", units_format_time(w->t, t, sizeof t));
		break;
	}
	return buf;
}

/* ---- Keyword handlers: each parses the current line's words ---- */

static int kw_id(void *vp, int arg)
{
	struct parser *p = vp;

	(void)arg;
	if (p->t.nw < 2)
		return fail(p, 0, "'id' needs a name like 'my-lesson'");
	if (!textfile_is_tag(p->t.w[1].s))
		return fail(p, 1, "bad id '%s': use lowercase letters, digits "
		    "and '-'", p->t.w[1].s);
	if (strlen(p->t.w[1].s) >= sizeof p->sc->id)
		return fail(p, 1, "id is longer than %zu characters",
		    sizeof p->sc->id - 1);
	strcpy(p->sc->id, p->t.w[1].s);
	return textfile_expect_end(&p->t, 2);
}

static int kw_title(void *vp, int lang)
{
	struct parser *p = vp;
	const char *text;

	if (p->t.nw < 2)
		return fail(p, 0, "'%s' needs text", p->t.w[0].s);
	p->title[lang] = textfile_at(&p->t, 0);
	text = textfile_rest(&p->t);
	p->sc->title[lang] = dup_n(p, text, strlen(text));
	return p->sc->title[lang] != NULL ? 0 : -1;
}

static int kw_summary(void *vp, int lang)
{
	struct parser *p = vp;

	if (p->t.nw < 2)
		return fail(p, 0, "'%s' needs text", p->t.w[0].s);
	if (p->summary[lang].line == 0)
		p->summary[lang] = textfile_at(&p->t, 0);
	return textfile_append(&p->t, &p->sc->summary[lang],
	    textfile_rest(&p->t));
}

static int kw_topics(void *vp, int arg)
{
	struct parser *p = vp;

	(void)arg;
	if (p->t.nw < 2)
		return fail(p, 0, "'topics' needs at least one tag");
	for (int i = 1; i < p->t.nw; i++) {
		if (!textfile_is_tag(p->t.w[i].s))
			return fail(p, i, "bad topic '%s': use lowercase "
			    "letters, digits and '-'", p->t.w[i].s);
		if (textfile_append(&p->t, &p->sc->topics, p->t.w[i].s) < 0)
			return -1;
	}
	return 0;
}

static int kw_profile(void *vp, int arg)
{
	struct parser *p = vp;
	const size_t n = sizeof profile_names / sizeof profile_names[0];

	(void)arg;
	if (p->t.nw < 2)
		return fail(p, 0, "'profile' needs textbook, linux or host");
	for (size_t i = 0; i < n; i++)
		if (strcmp(p->t.w[1].s, profile_names[i]) == 0) {
			strcpy(p->sc->profile, profile_names[i]);
			return textfile_expect_end(&p->t, 2);
		}
	return fail(p, 1, "unknown profile '%s' (textbook, linux, host)",
	    p->t.w[1].s);
}

/* Only the key=value shape is checked here; the profile knows the keys. */
static int kw_set(void *vp, int arg)
{
	struct parser *p = vp;
	struct scenario *sc = p->sc;

	(void)arg;
	if (p->t.nw < 2)
		return fail(p, 0, "'set' needs key=value, e.g. 'set msl=30'");
	for (int i = 1; i < p->t.nw; i++) {
		const char *w = p->t.w[i].s, *eq = strchr(w, '=');
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

static int kw_seed(void *vp, int arg)
{
	struct parser *p = vp;

	(void)arg;
	if (p->t.nw < 2)
		return fail(p, 0, "'seed' needs a number");
	if (!textfile_parse_uint(p->t.w[1].s, UINT64_MAX, &p->sc->seed))
		return fail(p, 1, "expected an unsigned number, got '%s'",
		    p->t.w[1].s);
	p->sc->has_seed = true;
	return textfile_expect_end(&p->t, 2);
}

static int kw_isn(void *vp, int arg)
{
	struct parser *p = vp;
	bool seen[2] = { false, false };

	(void)arg;
	for (int i = 1; i < p->t.nw; i++) {
		const char *w = p->t.w[i].s, *eq = strchr(w, '=');
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
		if (!textfile_parse_uint(eq + 1, UINT32_MAX, &v))
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
	const char *w = p->t.w[1].s, *port = port_of(w);
	const char *me = trace_side_name(side), *peer = trace_side_name(!side);
	struct endpoint *ep = &sc->ep[side], *other = &sc->ep[!side];
	uint64_t pv;

	if (p->ep[side].line != 0)
		return fail(p, 0, "duplicate '%s' (first on line %d)", me,
		    p->ep[side].line);
	if (port != NULL && (!textfile_parse_uint(port, 65535, &pv) || pv == 0))
		return fail_at(p, p->t.line, p->t.w[1].col +
		    textfile_nchars(w, (size_t)(port - w)),
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
	p->ep[side] = textfile_at(&p->t, 0);
	return textfile_expect_end(&p->t, 2);
}

/*
 * A script (a side's, the attacker's) reads top to bottom, like its
 * program: its `at` TIME (word at_word) may not go back.
 */
static int check_at(struct parser *p, int script, const char *who,
    int at_word, int64_t t)
{
	if (p->at_line[script] != 0 && t < p->at_time[script])
		return fail(p, at_word, "'at %s' is earlier than the %s's "
		    "previous 'at' (line %d)", p->t.w[at_word].s, who,
		    p->at_line[script]);
	p->at_line[script] = p->t.line;
	p->at_time[script] = t;
	return 0;
}

/* SIDE [at TIME | after TIME | on EVENT [after TIME]] CALL [ARG] */
static int parse_step(struct parser *p, int side)
{
	struct scenario *sc = p->sc;
	struct scen_step st = {
		.side = (uint8_t)side, .trigger = TRIG_AFTER, .line = p->t.line,
	};
	struct scen_step *steps;
	char list[128];
	int i = 1, call, at_word = 0;
	uint64_t v;

	if (word_is(p, i, "at") || word_is(p, i, "after")) {
		st.trigger = word_is(p, i, "at") ? TRIG_AT : TRIG_AFTER;
		if (i + 1 >= p->t.nw)
			return fail(p, i, "'%s' needs a time, e.g. '%s 1.5'",
			    p->t.w[i].s, p->t.w[i].s);
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
			if (i + 1 >= p->t.nw)
				return fail(p, i, "'after' needs a time, "
				    "e.g. 'after 1.5'");
			if (word_time(p, i + 1, &st.delay) < 0)
				return -1;
			i += 2;
		}
	}
	if (i >= p->t.nw)
		return fail(p, 0, "step needs a call (%s)",
		    call_list(list, sizeof list));
	if ((call = app_call_parse(p->t.w[i].s)) < 0)
		return fail(p, i, "unknown call '%s' (%s)", p->t.w[i].s,
		    call_list(list, sizeof list));
	st.call = (uint8_t)call;
	i++;
	if (call == APP_LISTEN) {
		st.arg = BACKLOG_DEFAULT;
		if (i < p->t.nw) {
			if (!textfile_parse_uint(p->t.w[i].s, 65535, &v) ||
			    v == 0)
				return fail(p, i, "expected a backlog from 1 to "
				    "65535, got '%s'", p->t.w[i].s);
			st.arg = (uint32_t)v;
			i++;
		}
	} else if (call == APP_SEND || call == APP_FASTOPEN) {
		if (i >= p->t.nw)
			return fail(p, i - 1, "'%s' needs a byte count",
			    app_call_name(call));
		if (!textfile_parse_uint(p->t.w[i].s, SEND_MAX, &v) || v == 0)
			return fail(p, i, "expected a byte count from 1 to %u, "
			    "got '%s'", SEND_MAX, p->t.w[i].s);
		st.arg = (uint32_t)v;
		i++;
		if (call == APP_FASTOPEN && i < p->t.nw) {
			if (!textfile_parse_uint(p->t.w[i].s, 65535, &v) ||
			    v == 0)
				return fail(p, i, "expected a local port from 1 to "
				    "65535, got '%s'", p->t.w[i].s);
			st.port = (uint16_t)v;
			i++;
		}
	} else if (call == APP_CONNECT && i < p->t.nw) {
		/* A local port of its own: a second connection either reuses
		 * the first one's four-tuple (TIME_WAIT lessons) or not. */
		if (!textfile_parse_uint(p->t.w[i].s, 65535, &v) ||
		    v == 0)
			return fail(p, i, "expected a local port from 1 to 65535, "
			    "got '%s'", p->t.w[i].s);
		st.arg = (uint32_t)v;
		i++;
	} else if (i < p->t.nw)
		return fail(p, i, "'%s' takes no argument, got '%s'",
		    p->t.w[i - 1].s, p->t.w[i].s);
	if (textfile_expect_end(&p->t, i) < 0)
		return -1;
	if (st.trigger == TRIG_AT && check_at(p, side, trace_side_name(side),
	    at_word, st.delay) < 0)
		return -1;
	if ((steps = grow(p, sc->steps, sc->nsteps, sizeof *steps)) == NULL)
		return -1;
	sc->steps = steps;
	steps[sc->nsteps++] = st;
	return 0;
}

/* `client ADDRESS` declares an endpoint; `client ...` otherwise a step. */
static int kw_side(void *vp, int side)
{
	struct parser *p = vp;
	const char *w = word(p, 1), *unit;
	int64_t t;

	if (w == NULL)
		return fail(p, 0, "'%s' needs an address like "
		    "10.0.0.1:49152 or a step like 'at 0 connect'",
		    p->t.w[0].s);
	/* A teacher's likely slip: the time without its 'at'. */
	if (p->t.nw > 2 && units_parse_time(w, &t, &unit) == UNITS_OK)
		return fail(p, 1, "'%s' needs 'at' or 'after' before it", w);
	if (textfile_is_digit(*w) || *w == '[' || *w == ':')
		return parse_endpoint(p, side);
	return parse_step(p, side);
}

static int kw_fault(void *vp, int action)
{
	struct parser *p = vp;
	struct scenario *sc = p->sc;
	struct scen_fault f, *faults;
	char why[160];
	const char *noun = action == FAULT_DROP ? "loss" : "segment";

	if (p->t.nw < 2)
		return fail(p, 0, "'%s' needs a segment, e.g. '%s server:FIN#1%s'",
		    p->t.w[0].s, p->t.w[0].s,
		    action == FAULT_DELAY ? " 3" : "");
	if (fault_parse(p->t.w[1].s, &f, why, sizeof why) < 0)
		return fail(p, 1, "bad %s descriptor '%s': %s", noun,
		    p->t.w[1].s, why);
	f.action = (uint8_t)action;
	f.line = p->t.line;
	f.col = p->t.w[1].col;
	if (action == FAULT_DELAY) {
		if (p->t.nw < 3)
			return fail(p, 0, "'delay' needs a time, e.g. "
			    "'delay %s 3'", p->t.w[1].s);
		if (word_time(p, 2, &f.delay) < 0)
			return -1;
		if (f.delay > SCEN_DELAY_MAX - p->delays) {
			char most[32];

			return fail(p, 2, "the delays add up to more than %s s, "
			    "the most a segment may be held back",
			    units_format_time(SCEN_DELAY_MAX, most, sizeof most));
		}
		p->delays += f.delay;
	}
	if (textfile_expect_end(&p->t, action == FAULT_DELAY ? 3 : 2) < 0)
		return -1;
	if ((faults = grow(p, sc->faults, sc->nfaults, sizeof *faults)) == NULL)
		return -1;
	sc->faults = faults;
	faults[sc->nfaults++] = f;
	return 0;
}

/* link down FROM TO [client->server | server->client] */
static int kw_link(void *vp, int arg)
{
	struct parser *p = vp;
	struct scenario *sc = p->sc;
	struct scen_outage o = { .dir = -1, .line = p->t.line };
	struct scen_outage *outages;

	(void)arg;
	if (p->t.nw < 2)
		return fail(p, 0, "'link' needs 'down', e.g. 'link down 2 5'");
	if (!word_is(p, 1, "down"))
		return fail(p, 1, "expected 'down' after 'link', got '%s'",
		    p->t.w[1].s);
	if (p->t.nw < 4)
		return fail(p, 1, "'link down' needs a start and an end time, "
		    "e.g. 'link down 2 5'");
	if (word_time(p, 2, &o.from) < 0 || word_time(p, 3, &o.to) < 0)
		return -1;
	if (o.to <= o.from)
		return fail(p, 3, "end time '%s' must be after start time '%s'",
		    p->t.w[3].s, p->t.w[2].s);
	if (p->t.nw > 4) {
		if (word_is(p, 4, "client->server"))
			o.dir = 0;
		else if (word_is(p, 4, "server->client"))
			o.dir = 1;
		else
			return fail(p, 4, "unknown direction '%s' "
			    "(client->server, server->client)", p->t.w[4].s);
	}
	if (textfile_expect_end(&p->t, 5) < 0)
		return -1;
	if ((outages = grow(p, sc->outages, sc->noutages,
	    sizeof *outages)) == NULL)
		return -1;
	sc->outages = outages;
	outages[sc->noutages++] = o;
	return 0;
}

/* ---- Events that narration and checkpoints attach to ---- */

/*
 * Word i as NAME[#N]: the name's index by parse(), which knows count
 * names, and N (1 without '#').  `what` names the thing for messages.
 */
static int parse_named(struct parser *p, int i, const char *what,
    int (*parse)(const char *), const char *(*name)(int), int count,
    int *idx, uint32_t *nth)
{
	const char *w = p->t.w[i].s, *hash = strchr(w, '#');
	size_t n = hash != NULL ? (size_t)(hash - w) : strlen(w);
	char buf[32], list[192];
	uint64_t v = 1;

	*idx = -1;
	/* No name is this long, so a longer one stays unknown. */
	if (n < sizeof buf) {
		memcpy(buf, w, n);
		buf[n] = '\0';
		*idx = parse(buf);
	}
	if (*idx < 0)
		return fail(p, i, "unknown %s '%.*s' (%s)", what, (int)n, w,
		    join_names(name, 0, count, list, sizeof list));
	if (hash != NULL && !textfile_parse_uint(hash + 1, UINT32_MAX, &v))
		return fail(p, i, "expected a count after '#', got '%s'",
		    hash + 1);
	if (v == 0)
		return fail(p, i, "#N counts from 1, got #0");
	*nth = (uint32_t)v;
	return 0;
}

/*
 * The event of a `narrate` or `checkpoint` line, from word 1 on:
 *   SIDE:KIND[#N] | SIDE enters STATE[#N] | SIDE timer NAME[#N] | at TIME
 */
static int parse_when(struct parser *p, struct scen_when *w)
{
	const char *s = word(p, 1);
	char why[160], list[192];
	struct scen_fault f;
	int side, idx;

	memset(w, 0, sizeof *w);
	if (s == NULL)
		return fail(p, 0, "'%s' needs an event: SIDE:KIND[#N], SIDE "
		    "enters STATE[#N], SIDE timer NAME[#N] or at TIME",
		    p->t.w[0].s);
	if (strcmp(s, "at") == 0) {
		if (p->t.nw < 3)
			return fail(p, 1, "'at' needs a time, e.g. 'at 1.5'");
		w->kind = WHEN_TIME;
		if (word_time(p, 2, &w->t) < 0)
			return -1;
		return textfile_expect_end(&p->t, 3);
	}
	/* A segment is counted as drop counts it, so it is written alike. */
	if (strchr(s, ':') != NULL) {
		if (fault_parse(s, &f, why, sizeof why) < 0)
			return fail(p, 1, "bad segment descriptor '%s': %s", s,
			    why);
		w->kind = WHEN_SEGMENT;
		w->side = f.side;
		w->seg_kind = f.kind;
		w->nth = f.nth;
		return textfile_expect_end(&p->t, 2);
	}
	if ((side = side_parse(s, strlen(s))) < 0)
		return fail(p, 1, "expected an event (SIDE:KIND[#N], SIDE enters "
		    "STATE, SIDE timer NAME or at TIME), got '%s'", s);
	w->side = (uint8_t)side;
	if (p->t.nw < 3)
		return fail(p, 1, "'%s' needs 'enters STATE' or 'timer NAME' "
		    "after it", s);
	if (word_is(p, 2, "enters")) {
		if (p->t.nw < 4)
			return fail(p, 2, "'enters' needs a state (%s)",
			    join_names(state_name, 0, TCP_NSTATES, list,
			    sizeof list));
		if (parse_named(p, 3, "state", tcp_state_parse, state_name,
		    TCP_NSTATES, &idx, &w->nth) < 0)
			return -1;
		w->kind = WHEN_STATE;
		w->state = (uint8_t)idx;
	} else if (word_is(p, 2, "timer")) {
		if (p->t.nw < 4)
			return fail(p, 2, "'timer' needs a name (%s)",
			    join_names(trace_timer_name, 0, TIMER_NKINDS, list,
			    sizeof list));
		if (parse_named(p, 3, "timer", trace_timer_parse,
		    trace_timer_name, TIMER_NKINDS, &idx, &w->nth) < 0)
			return -1;
		w->kind = WHEN_TIMER;
		w->timer = (uint8_t)idx;
	} else
		return fail(p, 2, "expected 'enters' or 'timer' after '%s', "
		    "got '%s'", s, p->t.w[2].s);
	return textfile_expect_end(&p->t, 4);
}

/* The open block is complete: every text it needs in both languages. */
static int end_block(void *vp, int block, struct textfile_pos at)
{
	struct parser *p = vp;
	const struct scenario *sc = p->sc;

	for (int l = 0; block == BLOCK_NARRATE && l < 2; l++)
		if (sc->narrations[sc->nnarrations - 1].text[l] == NULL)
			return fail_at(p, at.line, at.col, "narration has no %s "
			    "text (%s)", lang_names[l], l == 0 ? "en" : "zh");
	for (int q = 0; block == BLOCK_CHECKPOINT && q < 2; q++) {
		const struct scen_checkpoint *c =
		    &sc->checkpoints[sc->ncheckpoints - 1];

		for (int l = 0; l < 2; l++)
			if ((q == 0 ? c->ask : c->answer)[l] == NULL)
				return fail_at(p, at.line, at.col, "checkpoint "
				    "has no %s %s (%s%s)", lang_names[l],
				    q == 0 ? "question" : "answer",
				    q == 0 ? "ask" : "answer", lang_suffix[l]);
	}
	return 0;
}

static int kw_narrate(void *vp, int arg)
{
	struct parser *p = vp;
	struct scenario *sc = p->sc;
	struct scen_narration n = { .line = p->t.line }, *narrations;

	(void)arg;
	if (parse_when(p, &n.when) < 0)
		return -1;
	n.col = p->t.w[1].col;
	if ((narrations = grow(p, sc->narrations, sc->nnarrations,
	    sizeof *narrations)) == NULL)
		return -1;
	sc->narrations = narrations;
	narrations[sc->nnarrations++] = n;
	return 0;
}

static int kw_checkpoint(void *vp, int arg)
{
	struct parser *p = vp;
	struct scenario *sc = p->sc;
	struct scen_checkpoint c = { .line = p->t.line }, *checkpoints;

	(void)arg;
	if (parse_when(p, &c.when) < 0)
		return -1;
	c.col = p->t.w[1].col;
	if ((checkpoints = grow(p, sc->checkpoints, sc->ncheckpoints,
	    sizeof *checkpoints)) == NULL)
		return -1;
	sc->checkpoints = checkpoints;
	checkpoints[sc->ncheckpoints++] = c;
	return 0;
}

/* The texts of the open block, kw_text()'s arg: a narration's or a
 * checkpoint's question or answer (arg / 2), in English or Chinese
 * (arg % 2). */
enum block_text {
	TEXT_EN, TEXT_ZH, TEXT_ASK, TEXT_ASK_ZH, TEXT_ANSWER, TEXT_ANSWER_ZH,
};

/* keywords[] lets each in only inside its block. */
static int kw_text(void *vp, int arg)
{
	struct parser *p = vp;
	struct scenario *sc = p->sc;
	struct scen_checkpoint *c;
	int lang = arg % 2;
	char **dst;

	if (p->t.nw < 2)
		return fail(p, 0, "'%s' needs text", p->t.w[0].s);
	if (arg / 2 == TEXT_EN / 2) {
		dst = &sc->narrations[sc->nnarrations - 1].text[lang];
	} else {
		c = &sc->checkpoints[sc->ncheckpoints - 1];
		dst = arg / 2 == TEXT_ASK / 2 ? &c->ask[lang] :
		    &c->answer[lang];
	}
	return textfile_append(&p->t, dst, textfile_rest(&p->t));
}

/* ---- The attacker ---- */

/* attacker ADDRESS: an address of the client's and server's family. */
static int parse_attacker(struct parser *p)
{
	struct scenario *sc = p->sc;
	const char *w = p->t.w[1].s;

	if (p->attacker.line != 0)
		return fail(p, 0, "duplicate 'attacker' (first on line %d)",
		    p->attacker.line);
	memset(&sc->attacker, 0, sizeof sc->attacker);
	if (inet_pton(AF_INET, w, sc->attacker.addr) == 1)
		sc->attacker.family = 4;
	else if (inet_pton(AF_INET6, w, sc->attacker.addr) == 1)
		sc->attacker.family = 6;
	else
		return fail(p, 1, "bad address '%s' (expected an address "
		    "without a port, e.g. 10.66.0.1 or 2001:db8::66)", w);
	sc->has_attacker = true;
	p->attacker = textfile_at(&p->t, 1);
	return textfile_expect_end(&p->t, 2);
}

/* synflood COUNT [over TIME], from word 3; returns the next word. */
static int parse_synflood(struct parser *p, struct scen_attack *a)
{
	uint64_t v;

	if (p->t.nw < 5)
		return fail(p, 3, "'synflood' needs a number of SYNs, "
		    "e.g. 'synflood 200'");
	if (!textfile_parse_uint(p->t.w[4].s, SYNFLOOD_MAX, &v) || v == 0)
		return fail(p, 4, "expected a number of SYNs from 1 to %d, "
		    "got '%s'", SYNFLOOD_MAX, p->t.w[4].s);
	a->count = (uint32_t)v;
	if (!word_is(p, 5, "over"))
		return 5;
	if (p->t.nw < 7)
		return fail(p, 5, "'over' needs a time, e.g. 'over 2'");
	if (word_time(p, 6, &a->over) < 0)
		return -1;
	return 7;
}

/*
 * The value of seq= or ack= in word i: a 32-bit number (*isn = -1), or
 * the attacker's guess client.isn[+N] / server.isn[+N] (*isn = the side).
 */
static int parse_seq_value(struct parser *p, int i, const char *s,
    uint32_t *v, int *isn)
{
	const char *dot = strchr(s, '.');
	uint64_t n = 0;
	bool ok;

	*isn = -1;
	if (dot != NULL && strncmp(dot, ".isn", 4) == 0)
		*isn = side_parse(s, (size_t)(dot - s));
	if (*isn < 0)
		ok = textfile_parse_uint(s, UINT32_MAX, &n);
	else
		ok = dot[4] == '\0' ||
		    (dot[4] == '+' &&
		    textfile_parse_uint(dot + 5, UINT32_MAX, &n));
	if (!ok)
		return fail(p, i, "bad number '%s' (0 to 4294967295, "
		    "client.isn+N or server.isn+N)", s);
	/* Whether an `isn` line fixes the ISNs is known only at the end. */
	if (*isn >= 0 && p->isn_use.line == 0) {
		p->isn_use = textfile_at(&p->t, i);
		p->isn_side = *isn;
	}
	*v = (uint32_t)n;
	return 0;
}

/*
 * forge SIDE FLAGS seq=V [ack=V] [len=N], from word 3; returns the next
 * word.  ack= comes exactly when the flags have ACK, as on the wire,
 * where the field means something only then.
 */
static int parse_forge(struct parser *p, struct scen_attack *a)
{
	static const char *const keys[] = { "seq", "ack", "len" };
	int side, flags, at[3] = { 0, 0, 0 };	/* where each key was */
	uint64_t v;

	if (p->t.nw < 6)
		return fail(p, 3, "'forge' needs a side, flags and seq=N, "
		    "e.g. 'forge client R seq=client.isn+1'");
	if ((side = side_parse(p->t.w[4].s, strlen(p->t.w[4].s))) < 0)
		return fail(p, 4, "unknown side '%s' (client, server)",
		    p->t.w[4].s);
	if ((flags = segment_flags_parse(p->t.w[5].s)) < 0)
		return fail(p, 5, "bad flags '%s' (tcpdump's letters S F P R U "
		    "E W, and '.' for ACK, e.g. S, R or P.)", p->t.w[5].s);
	a->from_side = (uint8_t)side;
	a->flags = (uint8_t)flags;
	for (int i = 6; i < p->t.nw; i++) {
		const char *w = p->t.w[i].s, *eq = strchr(w, '=');
		int k;

		for (k = 0; eq != NULL && k < 3; k++)
			if (strlen(keys[k]) == (size_t)(eq - w) &&
			    strncmp(w, keys[k], (size_t)(eq - w)) == 0)
				break;
		if (eq == NULL || k == 3)
			return fail(p, i, "expected seq=N, ack=N or len=N, "
			    "got '%s'", w);
		if (at[k] != 0)
			return fail(p, i, "'%s=' given twice", keys[k]);
		at[k] = i;
		if (k == 2) {
			if (!textfile_parse_uint(eq + 1, FORGE_LEN_MAX, &v))
				return fail(p, i, "expected a length from 0 to "
				    "%d, got '%s'", FORGE_LEN_MAX, eq + 1);
			a->len = (uint32_t)v;
		} else if (parse_seq_value(p, i, eq + 1,
		    k == 0 ? &a->seq : &a->ack,
		    k == 0 ? &a->seq_isn : &a->ack_isn) < 0)
			return -1;
	}
	if (at[0] == 0)
		return fail(p, 3, "'forge' needs seq=N, e.g. "
		    "'seq=client.isn+1'");
	if ((flags & SEG_ACK) && at[1] == 0)
		return fail(p, 5, "flags '%s' have ACK ('.'), so 'forge' needs "
		    "ack=N", p->t.w[5].s);
	if (!(flags & SEG_ACK) && at[1] != 0)
		return fail(p, at[1], "ack=N needs the ACK flag ('.'), but the "
		    "flags are '%s'", p->t.w[5].s);
	return p->t.nw;
}

/* attacker at TIME synflood ... | attacker at TIME forge ... */
static int parse_attack(struct parser *p)
{
	struct scenario *sc = p->sc;
	struct scen_attack a = {
		.seq_isn = -1, .ack_isn = -1, .line = p->t.line,
	}, *attacks;
	int next;

	if (p->t.nw < 3)
		return fail(p, 1, "'at' needs a time, e.g. 'at 1.5'");
	if (word_time(p, 2, &a.at) < 0)
		return -1;
	if (p->t.nw < 4)
		return fail(p, 0, "attacker step needs an action (synflood, "
		    "forge)");
	if (word_is(p, 3, attack_names[ATTACK_SYNFLOOD])) {
		a.kind = ATTACK_SYNFLOOD;
		next = parse_synflood(p, &a);
	} else if (word_is(p, 3, attack_names[ATTACK_FORGE])) {
		a.kind = ATTACK_FORGE;
		next = parse_forge(p, &a);
	} else
		return fail(p, 3, "unknown action '%s' (synflood, forge)",
		    p->t.w[3].s);
	if (next < 0 || textfile_expect_end(&p->t, next) < 0 ||
	    check_at(p, SCRIPT_ATTACKER, "attacker", 2, a.at) < 0)
		return -1;
	if (p->attack.line == 0)
		p->attack = textfile_at(&p->t, 0);
	if ((attacks = grow(p, sc->attacks, sc->nattacks,
	    sizeof *attacks)) == NULL)
		return -1;
	sc->attacks = attacks;
	attacks[sc->nattacks++] = a;
	return 0;
}

/* `attacker ADDRESS` declares the third host; `attacker at ...` a step. */
static int kw_attacker(void *vp, int arg)
{
	struct parser *p = vp;
	const char *w = word(p, 1), *unit;
	int64_t t;

	(void)arg;
	if (w == NULL)
		return fail(p, 0, "'attacker' needs an address like 10.66.0.1 "
		    "or a step like 'at 1 synflood 200'");
	if (strcmp(w, "at") == 0)
		return parse_attack(p);
	/* The slips of a teacher who writes steps like a side's. */
	if (p->t.nw > 2 && units_parse_time(w, &t, &unit) == UNITS_OK)
		return fail(p, 1, "'%s' needs 'at' before it", w);
	if (strcmp(w, "after") == 0 || strcmp(w, "on") == 0 ||
	    strcmp(w, attack_names[ATTACK_SYNFLOOD]) == 0 ||
	    strcmp(w, attack_names[ATTACK_FORGE]) == 0)
		return fail(p, 1, "attacker steps start with 'at TIME', "
		    "got '%s'", w);
	return parse_attacker(p);
}

/*
 * Every keyword a line can start with.  `once` ones may appear only once
 * per file; `within` ones only inside the block that the `opens` one
 * starts (see the top).
 */
static const struct textfile_keyword keywords[] = {
	/* name, handler, arg, once, within, opens */
	{ "id", kw_id, 0, true, BLOCK_NONE, BLOCK_NONE },
	{ "title", kw_title, 0, true, BLOCK_NONE, BLOCK_NONE },
	{ "title.zh", kw_title, 1, true, BLOCK_NONE, BLOCK_NONE },
	{ "summary", kw_summary, 0, false, BLOCK_NONE, BLOCK_NONE },
	{ "summary.zh", kw_summary, 1, false, BLOCK_NONE, BLOCK_NONE },
	{ "topics", kw_topics, 0, false, BLOCK_NONE, BLOCK_NONE },
	{ "profile", kw_profile, 0, true, BLOCK_NONE, BLOCK_NONE },
	{ "set", kw_set, 0, false, BLOCK_NONE, BLOCK_NONE },
	{ "seed", kw_seed, 0, true, BLOCK_NONE, BLOCK_NONE },
	{ "isn", kw_isn, 0, true, BLOCK_NONE, BLOCK_NONE },
	{ "client", kw_side, SIDE_CLIENT, false, BLOCK_NONE, BLOCK_NONE },
	{ "server", kw_side, SIDE_SERVER, false, BLOCK_NONE, BLOCK_NONE },
	{ "drop", kw_fault, FAULT_DROP, false, BLOCK_NONE, BLOCK_NONE },
	{ "delay", kw_fault, FAULT_DELAY, false, BLOCK_NONE, BLOCK_NONE },
	{ "link", kw_link, 0, false, BLOCK_NONE, BLOCK_NONE },
	{ "narrate", kw_narrate, 0, false, BLOCK_NONE, BLOCK_NARRATE },
	{ "en", kw_text, TEXT_EN, false, BLOCK_NARRATE, BLOCK_NONE },
	{ "zh", kw_text, TEXT_ZH, false, BLOCK_NARRATE, BLOCK_NONE },
	{ "checkpoint", kw_checkpoint, 0, false, BLOCK_NONE, BLOCK_CHECKPOINT },
	{ "ask", kw_text, TEXT_ASK, false, BLOCK_CHECKPOINT, BLOCK_NONE },
	{ "ask.zh", kw_text, TEXT_ASK_ZH, false, BLOCK_CHECKPOINT, BLOCK_NONE },
	{ "answer", kw_text, TEXT_ANSWER, false, BLOCK_CHECKPOINT, BLOCK_NONE },
	{ "answer.zh", kw_text, TEXT_ANSWER_ZH, false, BLOCK_CHECKPOINT,
	    BLOCK_NONE },
	{ "attacker", kw_attacker, 0, false, BLOCK_NONE, BLOCK_NONE },
};

static const struct textfile_syntax scenario_syntax = {
	.kw = keywords, .nkw = sizeof keywords / sizeof keywords[0],
	.end_block = end_block, .max = FILE_MAX_BYTES, .what = "scenario",
};

/* Checks that need the whole file, in the order a reader fixes them. */
static int check_file(struct parser *p)
{
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
		const struct textfile_pos *t = &p->title[!l];
		const struct textfile_pos *su = &p->summary[!l];

		if (t->line != 0 && p->title[l].line == 0)
			return fail_at(p, t->line, t->col, "missing %s title "
			    "(title%s)", lang_names[l], lang_suffix[l]);
		if (su->line != 0 && p->summary[l].line == 0)
			return fail_at(p, su->line, su->col, "missing %s "
			    "summary (summary%s)", lang_names[l], lang_suffix[l]);
	}
	if (sc->nsteps == 0)
		return fail_at(p, 1, 1, "no steps, e.g. 'client at 0 connect'");
	if (p->attack.line != 0 && !sc->has_attacker)
		return fail_at(p, p->attack.line, p->attack.col,
		    "attacker steps need an 'attacker ADDRESS' line");
	/* The attacker is a third host on the same network. */
	for (int s = SIDE_CLIENT; sc->has_attacker && s <= SIDE_SERVER; s++) {
		const struct endpoint *ep = &sc->ep[s];

		if (sc->attacker.family != ep->family)
			return fail_at(p, p->attacker.line, p->attacker.col,
			    "'attacker' is IPv%d but '%s' (line %d) is IPv%d",
			    sc->attacker.family, trace_side_name(s),
			    p->ep[s].line, ep->family);
		if (memcmp(sc->attacker.addr, ep->addr, 16) == 0)
			return fail_at(p, p->attacker.line, p->attacker.col,
			    "'attacker' has the same address as '%s' (line %d)",
			    trace_side_name(s), p->ep[s].line);
	}
	if (p->isn_use.line != 0 && !sc->fixed_isn)
		return fail_at(p, p->isn_use.line, p->isn_use.col, "'%s.isn' "
		    "needs an 'isn' line that fixes the ISNs",
		    trace_side_name(p->isn_side));
	return 0;
}

/* scenario_parse() and scenario_load(): text NULL reads the file `name`. */
static int parse(struct scenario *sc, const char *name, const char *text,
    size_t len, struct tv_error *err)
{
	struct parser p = { .t = { .name = name, .err = err }, .sc = sc };
	int rc = -1;

	scenario_init(sc);
	if ((sc->file = dup_n(&p, name, strlen(name))) != NULL &&
	    textfile_parse(&p.t, &scenario_syntax, &p, text, len) == 0)
		rc = check_file(&p);
	if (rc < 0)
		scenario_free(sc);
	return rc;
}

int scenario_parse(struct scenario *sc, const char *name, const char *text,
    size_t len, struct tv_error *err)
{
	/* NULL here is empty text, not the file to read. */
	return parse(sc, name, text != NULL ? text : "", len, err);
}

int scenario_load(struct scenario *sc, const char *path, struct tv_error *err)
{
	return parse(sc, path, NULL, 0, err);
}
