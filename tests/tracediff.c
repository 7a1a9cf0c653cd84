/*
 * tracediff.c: compares the engine's trace of a scenario with tcpviz's
 * reading of a capture of the real kernel playing it, for
 * tests/kernel_diff.sh.  Both are tcpviz-trace (JSON Lines, one object
 * per line, fixed key names): only the "conn", "segment" and, in the
 * engine's trace, "timer" lines are read, and of those only the keys
 * needed, with a reader of a few lines rather than a JSON parser.
 *
 *   tracediff [OPTION]... ENGINE.json KERNEL.json
 *
 * The capture is the server's (tests/netns.sh with a delay line), so
 * both traces are put in the server's time: the engine's client
 * segments at t_arrived (t_sent + the client-to-server delay when
 * lost), its server segments at t_sent; the kernel's at their pcap time
 * (--offset).  Senders are told apart by address and port, never by the
 * words client and server (in a simultaneous open the capture may call
 * the real server "client"); the names printed are the engine's.
 * Addresses only one of them has (a SYN flood's made-up sources) stand
 * for each other in order of first appearance.
 *
 * The two sequences are aligned: the most pairs of equal segments in
 * order, then the least time between the pairs.  Equal means the same
 * sender, flags, relative seq, relative ack (when ACK is set) and
 * length; options, windows and absolute numbers (random ISNs) are not
 * compared.  A pair's time is judged from an anchor, the last thing its
 * sender knew of in the engine when it sent it: the last segment it had
 * received, or for a segment sent when a timer fired (retransmission,
 * delayed ACK, keepalive) the last segment it had received or sent when
 * the timer was armed.  The difference between the kernel's and the
 * engine's time since the anchor (since time zero without one) may be
 * 20 ms, or 10% of the timer's duration when that is more.  So the
 * kernel's timers, which fire a little late, move what follows them
 * without making it late, and a segment that is off time is the one
 * named, not the ones after it.
 *
 * Options:
 *   --name NAME     the scenario, for the output
 *   --offset S      scenario time of the kernel trace's time 0
 *   --c2s S         client-to-server delay, for the engine's lost client
 *                   segments (default: as its other client segments
 *                   show, else 0.05)
 *   --ms MS         the fixed tolerance (default 20)
 *   --pct P[:WHY]   a timer's tolerance in percent (default 10); more
 *                   than 10 is a declared difference, seen when a timer
 *                   needs it
 *   --event LABEL:ENGINE_T:KERNEL_T:BASE  one more thing to compare, not
 *                   a segment (when connect() fails ...): its times
 *                   (KERNEL_T "-": never) may differ by 20 ms or P% of
 *                   BASE seconds
 *   --row FILE      append a tab-separated line for the table: name,
 *                   compared, matches, largest timing difference,
 *                   declared differences seen, verdict
 * Declared differences (each WHY is printed with the result, with how
 * often it was seen, and "not seen this time" when it was not):
 *   --kernel-extra SIDE:FLAGS:WHY  the kernel sends such a segment and
 *                   the engine does not
 *   --engine-extra SIDE:FLAGS:WHY  the other way round
 *   --cross WHY     two segments in opposite directions, or of one
 *                   side, within the tolerance of each other may come in
 *                   either order (a race)
 *   --retimed SIDE:FLAGS:SECS:WHY  such a segment off time is accepted
 *                   if it left SECS (within the tolerance) after that
 *                   side's previous segment: a timer restarted
 *   --declare WHY   a difference no segment shows (states, the end of
 *                   TIME_WAIT ...)
 * A WHY may start with a short name and " -- ": the table shows the
 * name, the listing all of it.
 *
 * Exit status: 0 when everything matches or differs as declared, 1 when
 * not, 2 on bad input.
 */
#define _POSIX_C_SOURCE 200809L	/* getline() */

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGS 4096
#define MAX_CONNS 64
#define MAX_DECL 32
#define MAX_TIMERS 64
#define MAX_EVENTS 8

struct seg {
	char key[112];		/* "FROM>TO", endpoints */
	char who[32];		/* the engine's name of the sender */
	char flags[12];
	long seq, ack, len;
	double t;		/* server time, seconds */
	int n;			/* as numbered in the trace */
	bool lost;
	bool at_sent;		/* engine, lost, from the client: t is t_sent */
	double sent, arrived;	/* engine: in the sender's and the receiver's
				   time; arrived NaN when lost */
	bool timer;		/* the engine sent it when a timer fired */
	char timer_name[24];
	double dur;		/* that timer's duration */
	double arm;		/* when it was armed, in the sender's time */
	int pair;		/* index in the other sequence, -1: none */
	bool crossed;		/* paired out of order */
	bool retimed;		/* kernel: judged as declared by --retimed */
};

struct trace {
	struct seg *s;
	int n;
	struct {
		int id;
		char ep[2][48];	/* [0] client, [1] server */
	} conn[MAX_CONNS];
	int nconn;
};

struct decl {
	char kind;		/* 'k' kernel extra, 'e' engine extra, 'c' cross,
				   'r' retimed, 'p' percent, 'd' text */
	char who[32], flags[12];
	double secs;
	char why[256];
	int seen;
};

static struct decl decls[MAX_DECL];
static int ndecls;
static double tol_ms = 20, tol_pct = 10;

/* fabs() without libm. */
static double mag(double x)
{
	return x < 0 ? -x : x;
}

static void fail(const char *what, const char *arg)
{
	fprintf(stderr, "tracediff: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
	exit(2);
}

/* ---- The reader ---- */

/* The text after "key": in line, or NULL.  The keys read come before
 * any nested object and are not part of a longer key ("seq", not
 * "abs_seq": the quote before it is matched too). */
static const char *value(const char *line, const char *key)
{
	char pat[40];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(line, pat);
	return p ? p + strlen(pat) : NULL;
}

static bool str_value(const char *line, const char *key, char *out, size_t size)
{
	const char *v = value(line, key);
	if (!v || *v != '"')
		return false;
	v++;
	size_t n = strcspn(v, "\"");
	if (n >= size)
		n = size - 1;
	memcpy(out, v, n);
	out[n] = '\0';
	return true;
}

/* A number; NaN for null or missing. */
static double num_value(const char *line, const char *key)
{
	const char *v = value(line, key);
	if (!v || strncmp(v, "null", 4) == 0)
		return NAN;
	char *end;
	double d = strtod(v, &end);
	return end == v ? NAN : d;
}

static bool bool_value(const char *line, const char *key)
{
	const char *v = value(line, key);
	return v && strncmp(v, "true", 4) == 0;
}

/* 0 client, 1 server. */
static int side_index(const char *side)
{
	return strcmp(side, "server") == 0;
}

static int find_conn(const struct trace *tr, int id)
{
	for (int i = 0; i < tr->nconn; i++)
		if (tr->conn[i].id == id)
			return i;
	return -1;
}

/* A timer of one side of one connection, as the engine's trace shows. */
struct timer_state {
	int conn, side;
	char name[24];
	double armed;		/* side's time; NaN: not armed */
	double fired;		/* when it fired; NaN: no segment due */
	double fire_armed;	/* when the timer that fired was armed */
};

static struct timer_state *find_timer(struct timer_state *ts, int *n, int conn,
    int side, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (ts[i].conn == conn && ts[i].side == side &&
		    strcmp(ts[i].name, name) == 0)
			return &ts[i];
	if (*n == MAX_TIMERS)
		fail("too many timers", NULL);
	struct timer_state *t = &ts[(*n)++];
	t->conn = conn;
	t->side = side;
	snprintf(t->name, sizeof t->name, "%s", name);
	t->armed = t->fired = t->fire_armed = NAN;
	return t;
}

/* A segment line into s; timers: the engine's, NULL for the kernel's. */
static void read_segment(struct trace *tr, const char *line, const char *path,
    struct timer_state *timers, int ntimers, double offset, double *c2s)
{
	struct seg *s = &tr->s[tr->n];
	char from[16];
	int conn = (int)num_value(line, "conn");
	int c = find_conn(tr, conn);
	if (c < 0 || !str_value(line, "from", from, sizeof from) ||
	    !str_value(line, "flags", s->flags, sizeof s->flags))
		fail("bad segment line", path);
	int fi = side_index(from);
	snprintf(s->key, sizeof s->key, "%s>%s", tr->conn[c].ep[fi],
	    tr->conn[c].ep[!fi]);
	s->seq = (long)num_value(line, "seq");
	s->ack = (long)num_value(line, "ack");
	s->len = (long)num_value(line, "len");
	s->n = (int)num_value(line, "n");
	s->lost = bool_value(line, "lost");
	s->pair = -1;
	double sent = num_value(line, "t_sent");
	double arrived = num_value(line, "t_arrived");
	s->sent = sent;
	s->arrived = arrived;
	tr->n++;
	if (!timers) {
		s->t = sent + offset;
		return;
	}
	if (conn > 1)
		snprintf(s->who, sizeof s->who, "%d:%s", conn, from);
	else
		snprintf(s->who, sizeof s->who, "%s", from);
	if (fi == 1)
		s->t = sent;
	else if (!isnan(arrived)) {
		s->t = arrived;
		if (isnan(*c2s))
			*c2s = arrived - sent;
	} else {
		s->t = sent;
		s->at_sent = true;
	}
	for (int i = 0; i < ntimers; i++) {
		struct timer_state *t = &timers[i];
		if (t->conn != conn || t->side != fi || t->fired != sent ||
		    isnan(t->fire_armed))
			continue;
		s->timer = true;
		snprintf(s->timer_name, sizeof s->timer_name, "%s", t->name);
		s->dur = t->fired - t->fire_armed;
		s->arm = t->fire_armed;
		t->fired = NAN;			/* one segment per expiry */
	}
}

static void load(struct trace *tr, const char *path, bool engine,
    double offset, double *c2s)
{
	FILE *f = fopen(path, "r");
	if (!f)
		fail("cannot read", path);
	tr->s = calloc(MAX_SEGS, sizeof *tr->s);
	if (!tr->s)
		fail("out of memory", NULL);
	struct timer_state timers[MAX_TIMERS];
	int ntimers = 0;
	char *line = NULL;
	size_t cap = 0;
	double seen_c2s = NAN;
	while (getline(&line, &cap, f) > 0) {
		char type[16], side[16], name[24], action[16];
		if (!str_value(line, "type", type, sizeof type))
			continue;
		if (strcmp(type, "conn") == 0) {
			if (tr->nconn == MAX_CONNS)
				fail("too many connections", path);
			tr->conn[tr->nconn].id = (int)num_value(line, "conn");
			if (!str_value(line, "client", tr->conn[tr->nconn].ep[0], 48) ||
			    !str_value(line, "server", tr->conn[tr->nconn].ep[1], 48))
				fail("bad conn line", path);
			tr->nconn++;
		} else if (engine && strcmp(type, "timer") == 0) {
			if (!str_value(line, "side", side, sizeof side) ||
			    !str_value(line, "timer", name, sizeof name) ||
			    !str_value(line, "action", action, sizeof action))
				continue;
			struct timer_state *t = find_timer(timers, &ntimers,
			    (int)num_value(line, "conn"), side_index(side), name);
			double at = num_value(line, "t");
			if (strcmp(action, "armed") == 0)
				t->armed = at;
			else if (strcmp(action, "fired") == 0) {
				/* For the segment it sends, which may come
				 * after the timer is armed again. */
				t->fired = at;
				t->fire_armed = t->armed;
				t->armed = NAN;
			} else
				t->armed = NAN;
		} else if (strcmp(type, "segment") == 0) {
			if (tr->n == MAX_SEGS)
				fail("too many segments", path);
			read_segment(tr, line, path, engine ? timers : NULL,
			    ntimers, offset, &seen_c2s);
		}
	}
	free(line);
	fclose(f);
	if (!engine)
		return;
	if (isnan(*c2s))
		*c2s = isnan(seen_c2s) ? 0.05 : seen_c2s;
	for (int i = 0; i < tr->n; i++) {
		struct seg *s = &tr->s[i];
		if (s->at_sent)
			s->t += *c2s;
	}
}

/* ---- The comparison ---- */

static int by_time(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->n - y->n;
}

static bool equal(const struct seg *a, const struct seg *b)
{
	if (strcmp(a->key, b->key) != 0 || strcmp(a->flags, b->flags) != 0 ||
	    a->seq != b->seq || a->len != b->len)
		return false;
	return !strchr(a->flags, '.') || a->ack == b->ack;
}

static void describe(const struct seg *s, char *buf, size_t size)
{
	snprintf(buf, size, "%-8s %-3s seq=%-5ld ack=%-5ld len=%-4ld", s->who,
	    s->flags, s->seq, strchr(s->flags, '.') ? s->ack : 0, s->len);
}

/* The endpoints of a trace's segments in order of first appearance. */
static int endpoints(const struct trace *tr, char (*ep)[48], int max)
{
	int n = 0;
	for (int i = 0; i < tr->n; i++) {
		const char *key = tr->s[i].key, *gt = strchr(key, '>');
		char two[2][48];
		snprintf(two[0], sizeof two[0], "%.*s", (int)(gt - key), key);
		snprintf(two[1], sizeof two[1], "%s", gt + 1);
		for (int w = 0; w < 2; w++) {
			int j = 0;
			while (j < n && strcmp(ep[j], two[w]) != 0)
				j++;
			if (j == n && n < max)
				memcpy(ep[n++], two[w], sizeof two[w]);
		}
	}
	return n;
}

static bool listed(char (*ep)[48], int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(ep[i], s) == 0)
			return true;
	return false;
}

/* Made-up addresses (a SYN flood's) are the engine's and the kernel's
 * own: those the engine has and the capture has not stand for those the
 * capture has and the engine has not, in order of first appearance. */
static void map_spoofed(struct trace *k, const struct trace *e)
{
	enum { MAX_EP = 2 * MAX_CONNS };
	static char eep[MAX_EP][48], kep[MAX_EP][48];
	int ne = endpoints(e, eep, MAX_EP), nk = endpoints(k, kep, MAX_EP);
	int next = 0, mapped = 0;
	for (int i = 0; i < nk; i++) {
		if (listed(eep, ne, kep[i]))
			continue;
		while (next < ne && listed(kep, nk, eep[next]))
			next++;
		if (next == ne)
			break;
		const char *to = eep[next++];
		for (int j = 0; j < k->n; j++) {
			char *key = k->s[j].key, *gt = strchr(key, '>');
			char from[48], dst[48];
			snprintf(from, sizeof from, "%.*s", (int)(gt - key), key);
			snprintf(dst, sizeof dst, "%s", gt + 1);
			if (strcmp(from, kep[i]) == 0)
				snprintf(from, sizeof from, "%s", to);
			if (strcmp(dst, kep[i]) == 0)
				snprintf(dst, sizeof dst, "%s", to);
			snprintf(key, sizeof k->s[j].key, "%s>%s", from, dst);
		}
		printf("%s%s as %s", mapped++ ? ", " : "  made-up addresses: ",
		    kep[i], to);
	}
	if (mapped)
		printf(" (the kernel's as the engine's, in order)\n");
}

/* The engine's names of the capture's senders, from the endpoints. */
static void name_kernel(struct trace *k, const struct trace *e)
{
	for (int i = 0; i < k->n; i++) {
		struct seg *s = &k->s[i];
		snprintf(s->who, sizeof s->who, "%.31s", s->key);
		for (int j = 0; j < e->n; j++)
			if (strcmp(e->s[j].key, s->key) == 0) {
				snprintf(s->who, sizeof s->who, "%s", e->s[j].who);
				break;
			}
	}
}

/* Align: the most equal pairs in order, then the least total |dt|. */
static void align(struct trace *e, struct trace *k)
{
	int n = e->n, m = k->n;
	size_t cells = (size_t)(n + 1) * (size_t)(m + 1);
	int *cnt = calloc(cells, sizeof *cnt);
	double *pen = calloc(cells, sizeof *pen);
	if (!cnt || !pen)
		fail("out of memory", NULL);
#define AT(a, i, j) a[(size_t)(i) * (size_t)(m + 1) + (size_t)(j)]
	for (int i = n - 1; i >= 0; i--)
		for (int j = m - 1; j >= 0; j--) {
			int c = AT(cnt, i + 1, j);
			double p = AT(pen, i + 1, j);
			if (AT(cnt, i, j + 1) > c ||
			    (AT(cnt, i, j + 1) == c && AT(pen, i, j + 1) < p)) {
				c = AT(cnt, i, j + 1);
				p = AT(pen, i, j + 1);
			}
			if (equal(&e->s[i], &k->s[j])) {
				int c2 = AT(cnt, i + 1, j + 1) + 1;
				double p2 = AT(pen, i + 1, j + 1) +
				    mag(e->s[i].t - k->s[j].t);
				if (c2 > c || (c2 == c && p2 < p)) {
					c = c2;
					p = p2;
				}
			}
			AT(cnt, i, j) = c;
			AT(pen, i, j) = p;
		}
	for (int i = 0, j = 0; i < n && j < m;) {
		if (equal(&e->s[i], &k->s[j]) &&
		    AT(cnt, i, j) == AT(cnt, i + 1, j + 1) + 1 &&
		    AT(pen, i, j) == AT(pen, i + 1, j + 1) + mag(e->s[i].t - k->s[j].t)) {
			e->s[i].pair = j;
			k->s[j].pair = i;
			i++;
			j++;
		} else if (AT(cnt, i, j) == AT(cnt, i + 1, j) &&
		    AT(pen, i, j) == AT(pen, i + 1, j))
			i++;
		else
			j++;
	}
#undef AT
	free(cnt);
	free(pen);
}

static double tolerance(double dur)
{
	double t = tol_ms / 1000;
	return dur * tol_pct / 100 > t ? dur * tol_pct / 100 : t;
}

/* The same with 10%. */
static double base_tolerance(double dur)
{
	double t = tol_ms / 1000;
	return dur * 0.1 > t ? dur * 0.1 : t;
}

static double seg_tolerance(const struct seg *e)
{
	return tolerance(e->timer ? e->dur : 0);
}

/* The declaration of kind for s (NULL: any), or -1. */
static int declared(char kind, const struct seg *s)
{
	for (int i = 0; i < ndecls; i++)
		if (decls[i].kind == kind && (!s ||
		    (strcmp(decls[i].who, s->who) == 0 &&
		    strcmp(decls[i].flags, s->flags) == 0)))
			return i;
	return -1;
}

/* Pair what the alignment left when the same segment is in both within
 * the tolerance: sent or received in another order. */
static void cross(struct trace *e, struct trace *k)
{
	for (int i = 0; i < e->n; i++) {
		struct seg *a = &e->s[i];
		if (a->pair >= 0)
			continue;
		int best = -1;
		for (int j = 0; j < k->n; j++) {
			struct seg *b = &k->s[j];
			if (b->pair >= 0 || !equal(a, b) ||
			    mag(a->t - b->t) > seg_tolerance(a))
				continue;
			if (best < 0 || mag(a->t - b->t) < mag(a->t - k->s[best].t))
				best = j;
		}
		if (best < 0)
			continue;
		a->pair = best;
		k->s[best].pair = i;
		a->crossed = k->s[best].crossed = true;
	}
}

/* Split "SIDE:FLAGS:[SECS:]WHY" into d. */
static void add_decl(char kind, const char *arg)
{
	if (ndecls == MAX_DECL)
		fail("too many declarations", NULL);
	struct decl *d = &decls[ndecls++];
	d->kind = kind;
	if (kind == 'k' || kind == 'e' || kind == 'r') {
		const char *c1 = strchr(arg, ':');
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || (size_t)(c1 - arg) >= sizeof d->who ||
		    (size_t)(c2 - c1 - 1) >= sizeof d->flags)
			fail("bad declaration, not SIDE:FLAGS:...", arg);
		memcpy(d->who, arg, (size_t)(c1 - arg));
		memcpy(d->flags, c1 + 1, (size_t)(c2 - c1 - 1));
		arg = c2 + 1;
		if (kind == 'r') {
			char *end;
			d->secs = strtod(arg, &end);
			if (end == arg || *end != ':')
				fail("bad declaration, not SIDE:FLAGS:SECS:WHY", arg);
			arg = end + 1;
		}
	}
	snprintf(d->why, sizeof d->why, "%s", arg);
}

/* A line of the listing: a kernel segment, or an engine segment with no
 * pair. */
struct row {
	double t;
	bool engine;
	int i;
};

static int by_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->engine != y->engine)
		return x->engine ? 1 : -1;
	return x->i - y->i;
}

/* What the comparison found. */
struct result {
	int compared, matches, excused, differ, late;
	double worst;
	char worst_what[128];
};

/* Judge the time of the pair of kernel segment j. */
static void judge(struct trace *e, struct trace *k, int j, struct result *r)
{
	struct seg *b = &k->s[j], *a = &e->s[b->pair];
	char buf[96], verdict[400];
	describe(b, buf, sizeof buf);

	/* From the anchor, the last thing its sender knew of when the
	 * engine sent it (or armed the timer that sent it): the last
	 * segment it received, or for a timer also the last it sent.
	 * Without one, from time zero. */
	double limit = a->timer ? a->arm : a->sent;
	char back[sizeof a->key];		/* "TO>FROM" */
	const char *gt = strchr(a->key, '>');
	snprintf(back, sizeof back, "%s>%.*s", gt + 1, (int)(gt - a->key), a->key);
	int anchor = -1;
	double anchor_at = 0;
	for (int x = 0; x < e->n; x++) {
		const struct seg *c = &e->s[x];
		if (c == a || c->pair < 0 || k->s[c->pair].retimed)
			continue;
		double at;
		if (a->timer && strcmp(c->key, a->key) == 0)
			at = c->sent;
		else if (strcmp(c->key, back) == 0 && !isnan(c->arrived))
			at = c->arrived;
		else
			continue;
		if (at <= limit + 1e-6 && (anchor < 0 || at >= anchor_at)) {
			anchor = c->pair;
			anchor_at = at;
		}
	}
	double diff = b->t - a->t;
	if (anchor >= 0)
		diff -= k->s[anchor].t - e->s[k->s[anchor].pair].t;
	double tol = seg_tolerance(a);
	bool ok = mag(diff) <= tol + 1e-9;
	int d = -1;

	int n = snprintf(verdict, sizeof verdict, "%s",
	    ok ? "ok" : diff < 0 ? "EARLY" : "LATE");
	if (a->timer)
		n += snprintf(verdict + n, sizeof verdict - (size_t)n,
		    " (%s timer %.3f s: %.1f%%)", a->timer_name, a->dur,
		    a->dur > 0 ? 100 * mag(diff) / a->dur : 0);
	if (!ok && (d = declared('r', b)) >= 0) {
		/* A timer restarted: from that side's previous segment. */
		int prev = -1;
		for (int x = j - 1; x >= 0 && prev < 0; x--)
			if (strcmp(k->s[x].key, b->key) == 0)
				prev = x;
		double gap = prev >= 0 ? b->t - k->s[prev].t - decls[d].secs : NAN;
		if (prev >= 0 && mag(gap) <= tolerance(decls[d].secs) + 1e-9) {
			decls[d].seen++;
			n = snprintf(verdict, sizeof verdict,
			    "declared (%.3f s after #%d): %s", b->t - k->s[prev].t,
			    prev + 1, decls[d].why);
			ok = true;
			diff = gap;
			b->retimed = true;
		} else
			d = -1;
	}
	if (ok && d < 0 && a->timer && mag(diff) > base_tolerance(a->dur) + 1e-9 &&
	    (d = declared('p', NULL)) >= 0) {
		/* In time only with the declared percentage. */
		decls[d].seen++;
		n += snprintf(verdict + n, sizeof verdict - (size_t)n,
		    ", more than 10%%, declared: %s", decls[d].why);
	}
	int c = -1;
	if (b->crossed) {
		c = declared('c', NULL);
		if (c >= 0)
			decls[c].seen++;
		if ((size_t)n < sizeof verdict)
			snprintf(verdict + n, sizeof verdict - (size_t)n,
			    c >= 0 ? "; out of order, declared: %s" :
			    "; OUT OF ORDER%s", c >= 0 ? decls[c].why : "");
	}
	if (!ok)
		r->late++;
	else if (b->crossed && c < 0)
		r->differ++;
	else if (b->crossed || d >= 0)
		r->excused++;
	else
		r->matches++;
	if (mag(diff) > mag(r->worst)) {
		r->worst = diff;
		if (a->timer && a->dur > 0 && !b->retimed &&
		    mag(diff) > tol_ms / 1000) {
			/* Whole numbers, so the text surely fits. */
			double pm = 1000 * mag(diff) / a->dur;
			int permille = pm > 1e6 ? 1000000 : (int)(pm + 0.5);
			int ms = a->dur > 1e6 ? 1000000000 : (int)(a->dur * 1000 + 0.5);
			snprintf(r->worst_what, sizeof r->worst_what,
			    "#%d %s %s, %d.%d%% of %d ms", j + 1, b->who,
			    b->flags, permille / 10, permille % 10, ms);
		} else
			snprintf(r->worst_what, sizeof r->worst_what, "#%d %s %s",
			    j + 1, b->who, b->flags);
	}
	printf("  %-3d %-44s %9.4f %9.4f %+8.1fms %s\n", j + 1, buf, a->t, b->t,
	    diff * 1000, verdict);
}

/* An unpaired segment: declared or a difference. */
static void unpaired(const struct seg *s, bool engine, int j, struct result *r)
{
	char buf[96], num[16];
	describe(s, buf, sizeof buf);
	int d = declared(engine ? 'e' : 'k', s);
	if (d >= 0) {
		decls[d].seen++;
		r->excused++;
	} else
		r->differ++;
	snprintf(num, sizeof num, engine ? "-" : "%d", j + 1);
	if (engine)
		printf("  %-3s %-44s %9.4f %9s %10s %s%s%s\n", num, buf, s->t, "-",
		    "", d >= 0 ? "engine only, declared: " : "ENGINE ONLY",
		    d >= 0 ? decls[d].why : "", s->lost ? " (lost)" : "");
	else
		printf("  %-3s %-44s %9s %9.4f %10s %s%s\n", num, buf, "-", s->t, "",
		    d >= 0 ? "kernel only, declared: " : "KERNEL ONLY",
		    d >= 0 ? decls[d].why : "");
}

/* "LABEL:ENGINE_T:KERNEL_T:BASE" */
static void event(const char *arg, struct result *r)
{
	char label[64];
	const char *c = strchr(arg, ':');
	if (!c || (size_t)(c - arg) >= sizeof label)
		fail("bad --event", arg);
	memcpy(label, arg, (size_t)(c - arg));
	label[c - arg] = '\0';
	char *end;
	double te = strtod(c + 1, &end), tk = NAN;
	if (*end != ':')
		fail("bad --event", arg);
	c = end + 1;
	if (*c == '-')
		c++;
	else
		tk = strtod(c, &end), c = end;
	if (*c != ':')
		fail("bad --event", arg);
	double base = atof(c + 1);
	double diff = tk - te;
	bool ok = !isnan(tk) && mag(diff) <= tolerance(base) + 1e-9;
	if (ok)
		r->matches++;
	else
		r->differ++;
	if (!isnan(diff) && mag(diff) > mag(r->worst)) {
		r->worst = diff;
		snprintf(r->worst_what, sizeof r->worst_what, "%s", label);
	}
	if (isnan(tk))
		printf("  %-3s %-44s %9.4f %9s %10s %s\n", "*", label, te, "never", "",
		    "KERNEL: NEVER");
	else
		printf("  %-3s %-44s %9.4f %9.4f %+8.1fms %s\n", "*", label, te, tk,
		    diff * 1000, ok ? "ok" : diff < 0 ? "EARLY" : "LATE");
}

int main(int argc, char **argv)
{
	const char *name = "?", *row = NULL, *events[MAX_EVENTS];
	int nevents = 0;
	double c2s = NAN, offset = 0;
	int i = 1;
	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		const char *o = argv[i], *v = argv[i + 1];
		if (strcmp(o, "--name") == 0)
			name = v;
		else if (strcmp(o, "--c2s") == 0)
			c2s = atof(v);
		else if (strcmp(o, "--offset") == 0)
			offset = atof(v);
		else if (strcmp(o, "--ms") == 0)
			tol_ms = atof(v);
		else if (strcmp(o, "--pct") == 0) {
			char *end;
			tol_pct = strtod(v, &end);
			if (*end == ':')
				add_decl('p', end + 1);
			else if (*end || tol_pct > 10)
				fail("bad --pct (more than 10 needs :WHY)", v);
		} else if (strcmp(o, "--event") == 0 && nevents < MAX_EVENTS)
			events[nevents++] = v;
		else if (strcmp(o, "--kernel-extra") == 0)
			add_decl('k', v);
		else if (strcmp(o, "--engine-extra") == 0)
			add_decl('e', v);
		else if (strcmp(o, "--cross") == 0)
			add_decl('c', v);
		else if (strcmp(o, "--retimed") == 0)
			add_decl('r', v);
		else if (strcmp(o, "--declare") == 0)
			add_decl('d', v);
		else if (strcmp(o, "--row") == 0)
			row = v;
		else
			fail("unknown option", o);
	}
	if (i + 2 != argc) {
		fprintf(stderr, "usage: tracediff [OPTION]... ENGINE.json KERNEL.json\n");
		return 2;
	}

	static struct trace e, k;
	load(&e, argv[i], true, 0, &c2s);
	load(&k, argv[i + 1], false, offset, &c2s);
	qsort(e.s, (size_t)e.n, sizeof *e.s, by_time);
	qsort(k.s, (size_t)k.n, sizeof *k.s, by_time);
	printf("%s: the engine against the kernel, in the server's time; flags, "
	    "relative seq and ack, length compared (not options, windows)\n", name);
	map_spoofed(&k, &e);
	name_kernel(&k, &e);
	align(&e, &k);
	cross(&e, &k);

	printf("  %-3s %-44s %9s %9s %10s %s\n", "#", "segment", "engine", "kernel",
	    "diff", "verdict");
	/* The kernel's segments and the engine's unpaired ones, by time. */
	struct row *rows = calloc((size_t)(e.n + k.n), sizeof *rows);
	if (!rows)
		fail("out of memory", NULL);
	int nrows = 0;
	for (int j = 0; j < k.n; j++)
		rows[nrows++] = (struct row){ k.s[j].t, false, j };
	for (int x = 0; x < e.n; x++)
		if (e.s[x].pair < 0)
			rows[nrows++] = (struct row){ e.s[x].t, true, x };
	qsort(rows, (size_t)nrows, sizeof *rows, by_row);
	struct result r = { 0 };
	for (int x = 0; x < nrows; x++) {
		int j = rows[x].i;
		if (rows[x].engine)
			unpaired(&e.s[j], true, j, &r);
		else if (k.s[j].pair < 0)
			unpaired(&k.s[j], false, j, &r);
		else
			judge(&e, &k, j, &r);
	}
	free(rows);
	for (int x = 0; x < nevents; x++)
		event(events[x], &r);
	r.compared = r.matches + r.excused + r.differ + r.late;

	char seen[1024] = "";
	size_t len = 0;
	for (int d = 0; d < ndecls; d++) {
		const struct decl *x = &decls[d];
		bool counted = x->kind != 'd';
		char what[320];
		if (counted)
			snprintf(what, sizeof what, "%s (x%d)", x->why, x->seen);
		else
			snprintf(what, sizeof what, "%s", x->why);
		printf("  declared: %s%s\n", what,
		    counted && !x->seen ? ", not seen this time" : "");
		if (counted && !x->seen)
			continue;
		/* The short name, for the table. */
		const char *dash = strstr(x->why, " -- ");
		int wl = dash ? (int)(dash - x->why) : (int)strlen(x->why);
		if (len < sizeof seen - 1)
			len += (size_t)snprintf(seen + len, sizeof seen - len,
			    "%s%.*s", len ? "; " : "", wl, x->why);
		if (len < sizeof seen - 1 && counted)
			len += (size_t)snprintf(seen + len, sizeof seen - len,
			    " (x%d)", x->seen);
	}
	bool pass = r.differ == 0 && r.late == 0;
	printf("%s: %s: %d compared, %d match, %d as declared, %d differ, "
	    "%d off time; largest timing difference %+.1f ms (%s)\n", name,
	    pass ? "PASS" : "FAIL", r.compared, r.matches, r.excused, r.differ,
	    r.late, r.worst * 1000, r.worst_what[0] ? r.worst_what : "-");
	if (row) {
		FILE *f = fopen(row, "a");
		if (!f)
			fail("cannot write", row);
		fprintf(f, "%s\t%d\t%d\t%+.1f ms%s%s\t%s\t%s\n", name, r.compared,
		    r.matches, r.worst * 1000, r.worst_what[0] ? " " : "",
		    r.worst_what, len ? seen : "-", pass ? "ok" : "FAIL");
		fclose(f);
	}
	return pass ? 0 : 1;
}
