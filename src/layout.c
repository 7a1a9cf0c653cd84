/*
 * layout.c: the ladder of layout.h.  layout_build() gives every moment
 * one or more rows and packs what happens then into them, texts side by
 * side where their columns do not collide; layout_frame() draws the
 * visible rows as they stand at a given time.  The arrows that cross the
 * visible rows are found through a max-end tree, the timer bars are
 * flags on the rows and a side's countdown is a few binary searches, so
 * a frame costs the same at the start of a 100,000-segment trace as at
 * its end, however many timers a flood keeps running.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "layout.h"
#include "textwidth.h"

#define LAYOUT_NAMEW 12		/* margin text: "ESTABLISHED", "delack 0.04s" */
#define LAYOUT_GAP 2000000	/* default quiet stretch: 2 s */
#define LAYOUT_OCC 8		/* texts that may share one row */
#define LAYOUT_LABEL 256	/* a label's bytes, translated notes and all */
#define LAYOUT_LABEL_SCAN 64	/* rows searched for a finished timer's name */

/* Row flags. */
enum {
	ROW_FIRST = 1,		/* the first row of its moment: shows the time */
	ROW_GAP = 2,		/* a compressed quiet stretch */
	ROW_MARGIN = 4,		/* << side: that side's margin has a text */
	ROW_BAR = 16,		/* << side: a timer of that side runs here */
};

/* A state name or an application call: a text beside a lifeline. */
struct layout_item {
	int row;
	int ev;
};

struct layout_seg {
	int ev;
	int r0, r1;		/* send and arrival rows (equal: one row) */
	int lw;			/* columns of the label and the retransmission mark */
};

/* One arming of a timer, from the row where it was armed to the first
 * row at or after its end (the last row if it never ends). */
struct layout_timer {
	int r0, r1;
	int64_t t0, t1;		/* armed; ended (INT64_MAX if never) */
	int64_t expires;
	uint8_t timer;
};

/* Where a finished timer's name stays, in the margin of its bar. */
struct layout_tlabel {
	int row;
	int64_t t1;		/* shown once the timer has ended */
	uint8_t side, timer;
};

/* The largest r1 over ranges of an array sorted by r0: finds every
 * interval that reaches a row in time proportional to what it finds. */
struct layout_tree {
	int *max;
	size_t p;		/* leaves: a power of two */
};

struct layout {
	const struct trace *tr;
	bool utf8, absolute;
	bool any_rtx;		/* some segment is a retransmission */
	bool rtx_short;		/* which says so in a short word */
	int tw;			/* columns of the time */
	int cl, sl;		/* the lifelines */
	int gapw;		/* columns between them */
	int width;
	int nrows, caprows;
	int64_t *rt;
	uint8_t *rflags;
	int *erow;		/* per event */
	struct layout_seg *segs;
	size_t nsegs;
	struct layout_item *items;
	int nitems, capitems;
	struct layout_timer *timers[2];	/* per side, in order of arming */
	int ntimers[2], captimers[2];
	int64_t *t1s[2];		/* their ends, sorted: how many ran */
	struct layout_tlabel *tlabels;	/* by row */
	int ntlabels, captlabels;
	struct layout_tree stree, ttree[2];
};

/* ---- Glyphs ---- */

/* Per direction: [0] client to server (rightwards), [1] leftwards. */
struct layout_glyphs {
	const char *run, *head[2], *end[2], *start[2], *vert[2];
	const char *lifeline, *gapline, *bar, *lost, *retrans;
	const char *cursor, *branch, *dots;
};

static const struct layout_glyphs layout_utf8 = {
	"\u2500", { "\u25b6", "\u25c0" }, { "\u256e", "\u256d" },
	{ "\u2570", "\u256f" }, { "\u2502", "\u2502" },
	"\u2502", "\u2506", "\u2503", "\u2715", "\u21bb",
	"\u25b8", "\u25c6", "\u2026",
};

static const struct layout_glyphs layout_ascii = {
	"-", { ">", "<" }, { "\\", "/" }, { "\\", "/" }, { "\\", "/" },
	"|", ":", "#", "X", "*",
	">", "+", "...",
};

static const struct layout_glyphs *layout_glyphs(const struct layout *l)
{
	return l->utf8 ? &layout_utf8 : &layout_ascii;
}

/* ---- Texts ---- */

/* "61.100s": seconds with three decimals, from integers. */
static const char *layout_time(int64_t t, char *buf, size_t len)
{
	uint64_t ms = ((t < 0 ? -(uint64_t)t : (uint64_t)t) + 500) / 1000;

	snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64 "s", t < 0 ? "-" : "",
	    ms / 1000, ms % 1000);
	return buf;
}

/* A stretch of time in tenths of a second: "58.9". */
static const char *layout_secs(int64_t us, char *buf, size_t len)
{
	uint64_t ds = ((us < 0 ? 0 : (uint64_t)us) + 50000) / 100000;

	snprintf(buf, len, "%" PRIu64 ".%" PRIu64, ds / 10, ds % 10);
	return buf;
}

/* Time left on a timer in at most five columns: 0.95s 58.9s 599s 120m. */
static const char *layout_left(int64_t us, char *buf, size_t len)
{
	if (us < 0)
		us = 0;
	if (us < 9995000)
		snprintf(buf, len, "%d.%02ds", (int)((us + 5000) / 1000000),
		    (int)((us + 5000) / 10000 % 100));
	else if (us < 99950000)
		snprintf(buf, len, "%d.%ds", (int)((us + 50000) / 1000000),
		    (int)((us + 50000) / 100000 % 10));
	else if (us < 1000000000)
		snprintf(buf, len, "%ds", (int)(us / 1000000));
	else
		snprintf(buf, len, "%" PRId64 "m", us / 60000000);
	return buf;
}

/* Timers as a ladder's margin names them: short, and the words of the
 * textbooks (a timer added to trace.h shows by its trace name). */
static const char *layout_timer_name(int timer)
{
	static const char *const names[TIMER_NKINDS] = {
		[TIMER_RETRANSMIT] = "RTO",
		[TIMER_DELACK] = "delack",
		[TIMER_KEEPALIVE] = "KA",
		[TIMER_TIME_WAIT] = "2MSL",
		[TIMER_FIN_WAIT_2] = "FW2",
	};

	if (timer >= 0 && timer < TIMER_NKINDS && names[timer] != NULL)
		return names[timer];
	return trace_timer_name(timer);
}

/*
 * A segment's label without the retransmission mark: ":PORT " for a
 * connection after the first, flags, seq, ack (with the ACK flag), len
 * and the other notes in words.  The note names are the catalog's
 * msgids (see trace_text.c).
 */
static void layout_label(const struct layout *l, const struct trace_event *e,
    char *buf, size_t len)
{
	const struct trace_conn *c = trace_conn(l->tr, e->conn);
	uint32_t seq = e->u.seg.seq, ack = e->u.seg.ack;
	const char *sep = " (";
	char flags[10];
	size_t n = 0;

	if (!l->absolute) {
		seq = trace_rel_seq(l->tr, e);
		ack = trace_rel_ack(l->tr, e);
	}
	if (l->tr->nconns > 1 && e->conn > 1 && c != NULL)
		n += (size_t)snprintf(buf + n, len - n, ":%u ",
		    (unsigned)c->ep[SIDE_CLIENT].port);
	n += (size_t)snprintf(buf + n, len - n, "%s seq=%" PRIu32,
	    segment_flags_str(e->u.seg.flags, flags), seq);
	if ((e->u.seg.flags & SEG_ACK) && n < len)
		n += (size_t)snprintf(buf + n, len - n, " ack=%" PRIu32, ack);
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, " len=%" PRIu32,
		    e->u.seg.len);
	for (unsigned i = 1; i < NOTE_NCOUNT && n < len; i++) {
		if (e->u.seg.notes & (1u << i)) {
			n += (size_t)snprintf(buf + n, len - n, "%s%s", sep,
			    gettext(trace_note_name(i)));
			sep = ", ";
		}
	}
	if (sep[0] == ',' && n < len)
		snprintf(buf + n, len - n, ")");
}

/* "↻ retransmission", the mark that stands apart from the label, or
 * "↻ resent" where the screen is narrow. */
static void layout_retrans(const struct layout *l, char *buf, size_t len)
{
	/* TRANSLATORS: short for "retransmission", on narrow screens. */
	const char *word = l->rtx_short ? _("resent") :
	    gettext(trace_note_name(0));

	snprintf(buf, len, "%s %s", layout_glyphs(l)->retrans, word);
}

/* Columns of a segment's label and its retransmission mark. */
static int layout_label_width(const struct layout *l, const struct trace_event *e)
{
	char buf[LAYOUT_LABEL];
	int w;

	layout_label(l, e, buf, sizeof buf);
	w = textwidth(buf);
	if (e->u.seg.notes & NOTE_RETRANSMISSION) {
		layout_retrans(l, buf, sizeof buf);
		w += 1 + textwidth(buf);
	}
	return w;
}

/* What an application call says, in the --text view's words. */
static void layout_app(const struct trace_event *e, char *buf, size_t len)
{
	unsigned long bytes = e->u.app.arg;
	char arg[16] = "";
	const char *result;

	if (e->u.app.call == APP_RECV && e->u.app.result == APP_OK) {
		/* What a read returns is the lesson: bytes, or 0 at the FIN. */
		if (bytes == 0)
			snprintf(buf, len, "%s", _("recv() -> 0 (EOF)"));
		else
			snprintf(buf, len, ngettext("recv() -> %lu byte",
			    "recv() -> %lu bytes", bytes), bytes);
		return;
	}
	if (e->u.app.arg != 0)
		snprintf(arg, sizeof arg, "%" PRIu32, e->u.app.arg);
	if (e->u.app.result == APP_PENDING) {
		snprintf(buf, len, "%s(%s)", app_call_name(e->u.app.call), arg);
		return;
	}
	result = e->u.app.result == APP_OK ? _("ok") :
	    app_result_name(e->u.app.result);
	snprintf(buf, len, "%s(%s) -> %s", app_call_name(e->u.app.call), arg,
	    result);
}

/* "✕ lost" from the left, "lost ✕" from the right: the mark meets the
 * arrow. */
static void layout_lost(const struct layout *l, int dir, char *buf, size_t len)
{
	const char *x = layout_glyphs(l)->lost;

	if (dir == 0)
		snprintf(buf, len, "%s %s", x, _("lost"));
	else
		snprintf(buf, len, "%s %s", _("lost"), x);
}

static int layout_dir(const struct trace_event *e)
{
	return e->side == SIDE_SERVER;
}

/* Where a lost segment dies, in columns from the sender: half-way, or
 * just past its label. */
static int layout_lost_at(const struct layout *l, const struct layout_seg *s)
{
	return l->gapw / 2 > 4 + s->lw ? l->gapw / 2 : 4 + s->lw;
}

/* ---- Building ---- */

/* Rows of the moment being packed, with the columns each has taken. */
struct layout_occ {
	int n;
	int a[LAYOUT_OCC], b[LAYOUT_OCC];
};

struct layout_build {
	struct layout *l;
	int64_t gap;
	int64_t bt;		/* the moment */
	int bfirst;		/* its first row */
	struct layout_occ *occ;	/* per row of the moment */
	int nocc, capocc;
};

/* An arrival waiting for its moment. */
struct layout_arrival {
	int64_t t;
	size_t seg;
};

static int layout_arrival_cmp(const void *a, const void *b)
{
	const struct layout_arrival *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seg < y->seg ? -1 : x->seg > y->seg;
}

/* Room for one more after n elements of `size` in p, whose capacity is
 * *cap: the array (moved if it grew), or NULL, p still valid, when out
 * of memory. */
static void *layout_grow(void *p, int *cap, int n, size_t size)
{
	void *q;
	int ncap;

	if (n < *cap)
		return p;
	ncap = *cap > 0 ? *cap * 2 : 64;
	q = realloc(p, (size_t)ncap * size);
	if (q != NULL)
		*cap = ncap;
	return q;
}

static bool layout_add_row(struct layout *l, int64_t t, uint8_t flags)
{
	int cap = l->caprows;
	int64_t *rt = layout_grow(l->rt, &cap, l->nrows, sizeof *rt);

	if (rt == NULL)
		return false;
	l->rt = rt;
	if (cap != l->caprows) {
		uint8_t *f = realloc(l->rflags, (size_t)cap);

		if (f == NULL)
			return false;
		l->rflags = f;
		l->caprows = cap;
	}
	l->rt[l->nrows] = t;
	l->rflags[l->nrows++] = flags;
	return true;
}

/* The moment's idx-th row, made (after a gap row, for the first one
 * after a quiet stretch) when it does not exist yet.  -1: no memory. */
static int layout_block_row(struct layout_build *b, int idx)
{
	struct layout *l = b->l;

	while (b->nocc <= idx) {
		struct layout_occ *occ;

		if (b->nocc == 0) {
			if (l->nrows > 0 &&
			    b->bt - l->rt[l->nrows - 1] > b->gap &&
			    !layout_add_row(l, l->rt[l->nrows - 1] + 1, ROW_GAP))
				return -1;
			b->bfirst = l->nrows;
		}
		occ = layout_grow(b->occ, &b->capocc, b->nocc, sizeof *occ);
		if (occ == NULL)
			return -1;
		b->occ = occ;
		if (!layout_add_row(l, b->bt, b->nocc == 0 ? ROW_FIRST : 0))
			return -1;
		b->occ[b->nocc++].n = 0;
	}
	return b->bfirst + idx;
}

static bool layout_fits(const struct layout_build *b, int idx, int a, int z)
{
	const struct layout_occ *o;

	if (idx >= b->nocc)
		return true;
	o = &b->occ[idx];
	if (o->n == LAYOUT_OCC)
		return false;
	for (int i = 0; i < o->n; i++)
		if (a < o->b[i] && o->a[i] < z)
			return false;
	return true;
}

/* Take columns [a, z) in the moment's idx-th row; its row, or -1. */
static int layout_take(struct layout_build *b, int idx, int a, int z)
{
	int row = layout_block_row(b, idx);
	struct layout_occ *o;

	if (row < 0)
		return -1;
	o = &b->occ[idx];
	o->a[o->n] = a;
	o->b[o->n++] = z;
	return row;
}

/* The first row of the moment at or after *idx where [a, z) is free. */
static int layout_place(struct layout_build *b, int *idx, int a, int z)
{
	while (!layout_fits(b, *idx, a, z))
		(*idx)++;
	return layout_take(b, *idx, a, z);
}

/*
 * Where an arrow that arrives at row r1 bends at the end of row r (its
 * send row or one it crosses), in columns from the sender's lifeline:
 * the rows share the way evenly, so that arrows sent and received
 * together run parallel, except that the send row keeps its label and
 * the arrival row at least one column before the head.
 */
static int layout_corner(const struct layout *l, const struct layout_seg *s,
    int r, int r1)
{
	int k = r1 - s->r0, hi = l->gapw - 2;
	int lo = (l->gapw - 1) / (k + 1);

	if (lo < 4 + s->lw)
		lo = 4 + s->lw;
	if (lo > hi)
		lo = hi;
	return lo + (hi - lo) * (r - s->r0) / k;
}

/* Columns an arrival takes in candidate row r: its last run and head. */
static void layout_arrival_cols(const struct layout_build *b,
    const struct layout_seg *s, int r, int *a, int *z)
{
	const struct layout *l = b->l;
	int e = layout_corner(l, s, r - 1, r);

	if (!layout_dir(&l->tr->ev[s->ev])) {
		*a = l->cl + 1 + e;
		*z = l->sl;
	} else {
		*a = l->cl + 1;
		*z = l->sl - e;
	}
}

static bool layout_add_item(struct layout *l, int row, size_t ev)
{
	struct layout_item *items = layout_grow(l->items, &l->capitems,
	    l->nitems, sizeof *items);

	if (items == NULL)
		return false;
	l->items = items;
	l->items[l->nitems].row = row;
	l->items[l->nitems++].ev = (int)ev;
	return true;
}

/* Columns a text beside side's lifeline takes: a state name outside, an
 * application call inside, one blank column kept around each. */
static void layout_item_cols(const struct layout *l, const struct trace_event *e,
    int *a, int *z)
{
	char buf[LAYOUT_LABEL];
	int w;

	if (e->type == TRACE_STATE) {
		if (e->side == SIDE_SERVER) {
			*a = l->sl + 2;
			*z = l->sl + 4 + LAYOUT_NAMEW;
		} else {
			*a = l->cl - 3 - LAYOUT_NAMEW;
			*z = l->cl - 1;
		}
		return;
	}
	layout_app(e, buf, sizeof buf);
	w = textwidth(buf);
	if (e->side == SIDE_SERVER) {
		*a = l->sl - 2 - w;
		*z = l->sl;
	} else {
		*a = l->cl + 1;
		*z = l->cl + 3 + w;
	}
}

static bool layout_is_item(const struct trace_event *e)
{
	return e->type == TRACE_STATE || e->type == TRACE_APP;
}

/*
 * Pack one moment: the segments arriving then first (they cause the
 * rest), then its events in trace order, each in the first of the
 * moment's rows where its columns are free, never above the event
 * before it.  Events [a, z) and arrivals [p, q) happen at b->bt.
 */
static bool layout_moment(struct layout_build *b, size_t a, size_t z,
    const struct layout_arrival *arr, size_t p, size_t q, size_t *nseg)
{
	struct layout *l = b->l;
	const struct trace *tr = l->tr;
	int idx = 0, last = l->nrows - 1;
	bool things = p < q;

	b->nocc = 0;
	b->bfirst = -1;
	for (size_t i = a; i < z && !things; i++)
		things = tr->ev[i].type == TRACE_SEGMENT || layout_is_item(&tr->ev[i]);
	if (things && layout_block_row(b, 0) < 0)
		return false;

	for (size_t k = p; k < q; k++) {
		struct layout_seg *s = &l->segs[arr[k].seg];
		int ca, cz;

		for (;; idx++) {
			layout_arrival_cols(b, s, b->bfirst + idx, &ca, &cz);
			if (layout_fits(b, idx, ca, cz))
				break;
		}
		s->r1 = layout_take(b, idx, ca, cz);
		if (s->r1 < 0)
			return false;
	}

	idx = 0;
	for (size_t i = a; i < z; i++) {
		const struct trace_event *e = &tr->ev[i];
		int ca, cz, row;

		if (e->type == TRACE_SEGMENT) {
			struct layout_seg *s = &l->segs[(*nseg)++];

			row = layout_place(b, &idx, l->cl + 1, l->sl);
			if (row < 0)
				return false;
			s->r0 = s->r1 = row;
		} else if (layout_is_item(e)) {
			layout_item_cols(l, e, &ca, &cz);
			row = layout_place(b, &idx, ca, cz);
			if (row < 0 || !layout_add_item(l, row, i))
				return false;
			if (e->type == TRACE_STATE)
				l->rflags[row] |= (uint8_t)(ROW_MARGIN <<
				    (e->side == SIDE_SERVER));
		} else {
			/* Drawn nowhere: the row of what came before it. */
			row = b->nocc > 0 ? b->bfirst + idx : last > 0 ? last : 0;
		}
		l->erow[i] = row;
	}
	return true;
}

/* The first row whose time is >= t; nrows when none. */
static int layout_row_from(const struct layout *l, int64_t t)
{
	int lo = 0, hi = l->nrows;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (l->rt[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A finished timer keeps its name in the first free margin row of its
 * bar (not searched far: a flood's bars would crowd the margin). */
static bool layout_timer_label(struct layout *l, int side,
    const struct layout_timer *tm)
{
	uint8_t bit = (uint8_t)(ROW_MARGIN << side);
	struct layout_tlabel *lb;

	for (int r = tm->r0 + 1; r <= tm->r1 && r <= tm->r0 + LAYOUT_LABEL_SCAN;
	    r++) {
		if (l->rflags[r] & bit)
			continue;
		lb = layout_grow(l->tlabels, &l->captlabels, l->ntlabels,
		    sizeof *lb);
		if (lb == NULL)
			return false;
		l->tlabels = lb;
		l->rflags[r] |= bit;
		lb = &l->tlabels[l->ntlabels++];
		lb->row = r;
		lb->t1 = tm->t1;
		lb->side = (uint8_t)side;
		lb->timer = tm->timer;
		return true;
	}
	return true;
}

static bool layout_timer_end(struct layout *l, int side,
    struct layout_timer *tm, int64_t t)
{
	int r = layout_row_from(l, t);

	tm->t1 = t;
	tm->r1 = r < l->nrows ? r : l->nrows - 1;
	return layout_timer_label(l, side, tm);
}

static int layout_tlabel_cmp(const void *a, const void *b)
{
	const struct layout_tlabel *x = a, *y = b;

	return (x->row > y->row) - (x->row < y->row);
}

static int layout_t1_cmp(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

/* Mark the rows each side's bars cover, and sort what frames search. */
static bool layout_timers_index(struct layout *l)
{
	int *depth = calloc((size_t)l->nrows + 1, sizeof *depth);

	if (depth == NULL)
		return false;
	for (int side = 0; side < 2; side++) {
		int d = 0;

		memset(depth, 0, ((size_t)l->nrows + 1) * sizeof *depth);
		l->t1s[side] = malloc(((size_t)l->ntimers[side] + 1) *
		    sizeof *l->t1s[side]);
		if (l->t1s[side] == NULL) {
			free(depth);
			return false;
		}
		for (int i = 0; i < l->ntimers[side]; i++) {
			const struct layout_timer *tm = &l->timers[side][i];

			depth[tm->r0]++;
			depth[tm->r1 + 1]--;
			l->t1s[side][i] = tm->t1;
		}
		for (int r = 0; r < l->nrows; r++) {
			d += depth[r];
			if (d > 0)
				l->rflags[r] |= (uint8_t)(ROW_BAR << side);
		}
		qsort(l->t1s[side], (size_t)l->ntimers[side],
		    sizeof *l->t1s[side], layout_t1_cmp);
	}
	free(depth);
	if (l->ntlabels > 1)
		qsort(l->tlabels, (size_t)l->ntlabels, sizeof *l->tlabels,
		    layout_tlabel_cmp);
	return true;
}

/* Timer events to bars: one per arming, ended by the next event of the
 * same timer (a re-arming at the same moment only moves the expiry). */
static bool layout_timers(struct layout *l)
{
	const struct trace *tr = l->tr;
	size_t nkeys = (tr->nconns + 1) * 2 * TIMER_NKINDS;
	int *open = malloc(nkeys * sizeof *open);
	bool ok = true;

	if (open == NULL)
		return false;
	for (size_t k = 0; k < nkeys; k++)
		open[k] = -1;
	for (size_t i = 0; i < tr->nev && ok; i++) {
		const struct trace_event *e = &tr->ev[i];
		struct layout_timer *tm;
		int side = e->side;
		size_t key;

		if (e->type != TRACE_TIMER || (size_t)e->conn > tr->nconns ||
		    side > SIDE_SERVER ||
		    e->u.timer.timer >= TIMER_NKINDS)
			continue;
		key = ((size_t)e->conn * 2 + (size_t)side) * TIMER_NKINDS +
		    e->u.timer.timer;
		if (open[key] >= 0) {
			tm = &l->timers[side][open[key]];
			if (e->u.timer.action == TIMER_ARMED && tm->t0 == e->t) {
				tm->expires = e->u.timer.expires;
				continue;
			}
			ok = layout_timer_end(l, side, tm, e->t);
			open[key] = -1;
		}
		if (e->u.timer.action != TIMER_ARMED || !ok)
			continue;
		tm = layout_grow(l->timers[side], &l->captimers[side],
		    l->ntimers[side], sizeof *tm);
		if (tm == NULL) {
			ok = false;
			break;
		}
		l->timers[side] = tm;
		tm = &l->timers[side][l->ntimers[side]];
		tm->r0 = l->erow[i];
		tm->r1 = l->nrows - 1;
		tm->t0 = e->t;
		tm->t1 = INT64_MAX;
		tm->expires = e->u.timer.expires;
		tm->timer = e->u.timer.timer;
		open[key] = l->ntimers[side]++;
	}
	free(open);
	return ok && layout_timers_index(l);
}

/* A tree over n intervals whose ends the caller puts in the leaves,
 * t->max[t->p + i], before layout_tree_fill(). */
static bool layout_tree_alloc(struct layout_tree *t, size_t n)
{
	t->p = 1;
	while (t->p < n)
		t->p *= 2;
	t->max = malloc(2 * t->p * sizeof *t->max);
	if (t->max == NULL)
		return false;
	for (size_t i = n; i < t->p; i++)
		t->max[t->p + i] = -1;
	return true;
}

static void layout_tree_fill(struct layout_tree *t)
{
	for (size_t i = t->p - 1; i > 0; i--)
		t->max[i] = t->max[2 * i] > t->max[2 * i + 1] ?
		    t->max[2 * i] : t->max[2 * i + 1];
}

static bool layout_trees(struct layout *l)
{
	if (!layout_tree_alloc(&l->stree, l->nsegs))
		return false;
	for (size_t i = 0; i < l->nsegs; i++)
		l->stree.max[l->stree.p + i] = l->segs[i].r1;
	layout_tree_fill(&l->stree);
	for (int side = 0; side < 2; side++) {
		struct layout_tree *t = &l->ttree[side];

		if (!layout_tree_alloc(t, (size_t)l->ntimers[side]))
			return false;
		for (int i = 0; i < l->ntimers[side]; i++)
			t->max[t->p + (size_t)i] = l->timers[side][i].r1;
		layout_tree_fill(t);
	}
	return true;
}

/* The gap the texts need: label widths (set in segs) and calls. */
static int layout_need(struct layout *l)
{
	const struct trace *tr = l->tr;
	char buf[LAYOUT_LABEL];
	int need = LAYOUT_MIN_GAP, lostw;
	size_t j = 0;

	layout_lost(l, 0, buf, sizeof buf);
	lostw = textwidth(buf);
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];
		int w;

		if (e->type == TRACE_SEGMENT) {
			struct layout_seg *s = &l->segs[j++];

			s->ev = (int)i;
			s->lw = layout_label_width(l, e);
			/* "─ label ─╮" and a run to the head on the next row;
			 * lost: "─ label ─✕ lost" and a blank before the peer. */
			w = s->lw + 6 + (e->u.seg.lost ? lostw + 1 : 0);
			if (e->u.seg.notes & NOTE_RETRANSMISSION)
				l->any_rtx = true;
		} else if (e->type == TRACE_APP) {
			layout_app(e, buf, sizeof buf);
			w = textwidth(buf) + 4;
		} else {
			continue;
		}
		if (w > need)
			need = w;
	}
	return need;
}

/* Geometry from opts.width and the widest texts. */
static void layout_geometry_of(struct layout *l, const struct layout_opts *o,
    int64_t tmax)
{
	char buf[32];
	int need, want;

	l->tw = textwidth(layout_time(tmax, buf, sizeof buf));
	if (l->tw < 7)
		l->tw = 7;
	/* Marks, time and a blank; names, a blank and the timer bar. */
	l->cl = 2 + l->tw + 1 + LAYOUT_NAMEW + 2;
	want = o->width - (l->cl + 1) - (2 + LAYOUT_NAMEW + 1);
	need = layout_need(l);
	/* On a narrow screen retransmissions say less rather than scroll. */
	if (need > want && need > LAYOUT_MIN_GAP && l->any_rtx) {
		l->rtx_short = true;
		need = layout_need(l);
	}
	l->gapw = want > need ? want : need;
	l->sl = l->cl + 1 + l->gapw;
	l->width = l->sl + 3 + LAYOUT_NAMEW;
}

static bool layout_pack(struct layout *l, int64_t gap)
{
	const struct trace *tr = l->tr;
	struct layout_arrival *arr;
	struct layout_build b;
	size_t narr = 0, i = 0, k = 0, nseg = 0;
	int64_t last = INT64_MIN;
	bool ok = true;

	arr = malloc((l->nsegs + 1) * sizeof *arr);
	if (arr == NULL)
		return false;
	for (size_t j = 0; j < l->nsegs; j++) {
		const struct trace_event *e = &tr->ev[l->segs[j].ev];

		/* Zero delay or an unknown arrival: the whole arrow on one row. */
		if (!e->u.seg.lost && e->u.seg.delay > 0) {
			arr[narr].t = trace_arrival(e);
			arr[narr++].seg = j;
		}
	}
	qsort(arr, narr, sizeof *arr, layout_arrival_cmp);

	memset(&b, 0, sizeof b);
	b.l = l;
	b.gap = gap;
	while (ok && (i < tr->nev || k < narr)) {
		size_t a = i, p = k;

		/* Events out of time order are taken as happening at once. */
		b.bt = i < tr->nev ? (tr->ev[i].t > last ? tr->ev[i].t : last) :
		    INT64_MAX;
		if (k < narr && arr[k].t < b.bt)
			b.bt = arr[k].t;
		while (i < tr->nev && tr->ev[i].t <= b.bt)
			i++;
		while (k < narr && arr[k].t == b.bt)
			k++;
		last = b.bt;
		ok = layout_moment(&b, a, i, arr, p, k, &nseg);
	}
	free(b.occ);
	free(arr);
	return ok;
}

struct layout *layout_build(const struct trace *tr, const struct layout_opts *o)
{
	struct layout *l = calloc(1, sizeof *l);
	int64_t tmax = 0;

	if (l == NULL)
		return NULL;
	l->tr = tr;
	l->utf8 = o->utf8;
	l->absolute = o->absolute;
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->t > tmax)
			tmax = e->t;
		if (e->type != TRACE_SEGMENT)
			continue;
		l->nsegs++;
		if (!e->u.seg.lost && trace_arrival(e) > tmax)
			tmax = trace_arrival(e);
	}
	l->erow = calloc(tr->nev + 1, sizeof *l->erow);
	l->segs = calloc(l->nsegs + 1, sizeof *l->segs);
	if (l->erow == NULL || l->segs == NULL)
		goto fail;
	layout_geometry_of(l, o, tmax);
	if (!layout_pack(l, o->gap > 0 ? o->gap : LAYOUT_GAP) ||
	    !layout_timers(l) || !layout_trees(l))
		goto fail;
	return l;
fail:
	layout_free(l);
	return NULL;
}

void layout_free(struct layout *l)
{
	if (l == NULL)
		return;
	free(l->rt);
	free(l->rflags);
	free(l->erow);
	free(l->segs);
	free(l->items);
	for (int side = 0; side < 2; side++) {
		free(l->timers[side]);
		free(l->t1s[side]);
		free(l->ttree[side].max);
	}
	free(l->tlabels);
	free(l->stree.max);
	free(l);
}

/* ---- Queries ---- */

void layout_geometry(const struct layout *l, struct layout_geometry *g)
{
	g->time = 2;
	g->client = l->cl;
	g->server = l->sl;
	g->width = l->width;
}

int layout_rows(const struct layout *l)
{
	return l->nrows;
}

int layout_event_row(const struct layout *l, size_t i)
{
	return i < l->tr->nev ? l->erow[i] : -1;
}

/* The index in segs of segment event i, or -1. */
static long layout_seg_of(const struct layout *l, size_t i)
{
	size_t lo = 0, hi = l->nsegs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((size_t)l->segs[mid].ev < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->nsegs && (size_t)l->segs[lo].ev == i ? (long)lo : -1;
}

int layout_arrival_row(const struct layout *l, size_t i)
{
	long j = layout_seg_of(l, i);

	if (j < 0 || l->tr->ev[i].u.seg.lost)
		return -1;
	return l->segs[j].r1;
}

long layout_event_at_row(const struct layout *l, int row)
{
	size_t lo = 0, hi = l->tr->nev;

	/* Event rows never decrease: the last one at or above row. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->erow[mid] <= row)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

int64_t layout_row_time(const struct layout *l, int row)
{
	if (l->nrows == 0)
		return 0;
	if (row < 0)
		row = 0;
	if (row >= l->nrows)
		row = l->nrows - 1;
	return l->rt[row];
}

int layout_row_at_time(const struct layout *l, int64_t t)
{
	return t == INT64_MAX ? l->nrows - 1 : layout_row_from(l, t + 1) - 1;
}

/* ---- Frames ---- */

struct layout_frame {
	const struct layout *l;
	const struct layout_glyphs *g;
	struct layout_span *out;
	size_t max, n;
	int first, last;	/* visible rows that exist */
	int top, bottom;	/* visible rows */
	int cur;		/* the current row */
	int64_t now;
	long cursor;
};

/* One span; text longer than a span holds is cut at characters. */
static void frame_put(struct layout_frame *f, int row, int col, int role,
    int ev, const char *text)
{
	size_t n = strlen(text);

	while (n > 0) {
		size_t k = 0, step;
		uint32_t cp;

		while (k < n && k + (step = textwidth_decode(text + k, n - k,
		    &cp)) < sizeof f->out->text)
			k += step;
		if (f->n < f->max) {
			struct layout_span *s = &f->out[f->n];

			s->row = row;
			s->col = col;
			s->role = (uint8_t)role;
			s->event = ev;
			memcpy(s->text, text, k);
			s->text[k] = '\0';
			s->width = textwidth(s->text);
			col += s->width;
		}
		f->n++;
		text += k;
		n -= k;
	}
}

/* One row of an arrow: it runs from s0 to s1 (columns from the sender)
 * and is drawn as far as `tip`; -1 when it is not travelling there. */
struct frame_run {
	const struct layout_seg *s;
	const struct trace_event *e;
	int dir;
	int r, s0, s1, tip;
};

static int frame_col(const struct layout *l, int dir, int d)
{
	return dir ? l->sl - 1 - d : l->cl + 1 + d;
}

/* The glyph of cell d of a row of an arrow. */
static const char *frame_cell(const struct layout_frame *f,
    const struct frame_run *a, int d)
{
	const struct layout_glyphs *g = f->g;
	const struct layout_seg *s = a->s;
	bool lost = a->e->u.seg.lost;

	if (a->r == s->r0 && (d == 1 || d == 2 + s->lw))
		return " ";
	if (d == a->s1 && a->r == s->r1 && !lost)
		return g->head[a->dir];
	if (d == a->s1 && a->r > s->r0 && d == a->s0)
		return g->vert[a->dir];
	if (d == a->s1 && !lost)
		return g->end[a->dir];
	if (d == a->s0 && a->r > s->r0)
		return g->start[a->dir];
	/* In flight: the head travels at the tip. */
	if (d == a->tip && d > 2 + s->lw)
		return g->head[a->dir];
	return g->run;
}

/* Cells [d0, d1] of a row, left to right on screen, in spans of at most
 * 30 cells. */
static void frame_cells(struct layout_frame *f, const struct frame_run *a,
    int d0, int d1, int role)
{
	char buf[sizeof f->out->text];
	int cells = 0, col = 0;
	size_t n = 0;

	for (int i = 0; i <= d1 - d0; i++) {
		int d = a->dir ? d1 - i : d0 + i;
		const char *c = frame_cell(f, a, d);
		size_t k = strlen(c);

		if (cells == 0)
			col = frame_col(f->l, a->dir, d);
		memcpy(buf + n, c, k);
		n += k;
		if (++cells == 30 || i == d1 - d0) {
			buf[n] = '\0';
			frame_put(f, a->r, col, role, a->s->ev, buf);
			cells = 0;
			n = 0;
		}
	}
}

/* Label, retransmission mark and lost mark on the send row. */
static void frame_label(struct layout_frame *f, const struct frame_run *a)
{
	const struct layout *l = f->l;
	const struct layout_seg *s = a->s;
	char buf[LAYOUT_LABEL];
	int col = a->dir ? l->sl - 2 - s->lw : l->cl + 3;
	int ev = s->ev;

	layout_label(l, a->e, buf, sizeof buf);
	frame_put(f, s->r0, col, f->cursor == ev ? ROLE_CURSOR : ROLE_LABEL,
	    ev, buf);
	if (a->e->u.seg.notes & NOTE_RETRANSMISSION) {
		col += textwidth(buf) + 1;
		layout_retrans(l, buf, sizeof buf);
		frame_put(f, s->r0, col, ROLE_RETRANS, ev, buf);
	}
	if (a->e->u.seg.lost) {
		int m = layout_lost_at(l, s), w;

		layout_lost(l, a->dir, buf, sizeof buf);
		w = textwidth(buf);
		frame_put(f, s->r0, a->dir ? frame_col(l, 1, m + w - 1) :
		    frame_col(l, 0, m), ROLE_LOST, ev, buf);
	}
}

/*
 * An arrow as far as it has travelled at f->now.  Row j's run is
 * travelled between the times halfway to the rows around it, so the tip
 * keeps to the current row; the runs of rows at the moment it was sent
 * (or arrives) appear at once.
 */
static void frame_seg(struct layout_frame *f, const struct layout_seg *s)
{
	const struct layout *l = f->l;
	const struct trace_event *e = &l->tr->ev[s->ev];
	int role = layout_dir(e) ? ROLE_ARROW_S2C : ROLE_ARROW_C2S;
	int64_t t1 = trace_arrival(e);
	struct frame_run a;

	a.s = s;
	a.e = e;
	a.dir = layout_dir(e);
	for (int r = s->r0 > f->first ? s->r0 : f->first;
	    r <= s->r1 && r <= f->last; r++) {
		int64_t ts = r == s->r0 ? e->t :
		    l->rt[r - 1] + (l->rt[r] - l->rt[r - 1]) / 2;
		int64_t te = r == s->r1 ? t1 :
		    l->rt[r] + (l->rt[r + 1] - l->rt[r]) / 2;
		int from, to;

		a.r = r;
		a.s0 = r == s->r0 ? 0 : layout_corner(l, s, r - 1, s->r1);
		a.s1 = r < s->r1 ? layout_corner(l, s, r, s->r1) :
		    e->u.seg.lost ? layout_lost_at(l, s) - 1 : l->gapw - 1;
		a.tip = -1;
		from = r == s->r0 ? 3 + s->lw : a.s0;
		to = a.s1;
		if (s->r1 > s->r0 && f->now < te) {
			if (f->now <= ts)
				to = from - 1;
			else
				to = a.tip = from + (int)((int64_t)(a.s1 - from) *
				    (f->now - ts) / (te - ts));
		}
		if (r == s->r0) {
			/* "─ " and the blank after the label are always there. */
			frame_cells(f, &a, 0, 1, role);
			frame_cells(f, &a, 2 + s->lw, to > 2 + s->lw ? to :
			    2 + s->lw, role);
		} else if (from <= to) {
			frame_cells(f, &a, from, to, role);
		}
	}
	if (s->r0 >= f->first && s->r0 <= f->last)
		frame_label(f, &a);
}

/*
 * Intervals of a tree (sorted by r0, keyed by r1) with index in
 * [from, below) and r1 >= first, in index order: up to max of them in
 * out; returns how many there are.
 */
static size_t frame_find(const struct layout_tree *t, size_t from,
    size_t below, int first, size_t *out, size_t max)
{
	/* Each level pushes at most two nodes: 2 * 32 levels. */
	struct {
		size_t node, lo, hi;
	} stack[64];
	size_t sp = 0, found = 0;

	if (from >= below)
		return 0;
	stack[sp].node = 1;
	stack[sp].lo = 0;
	stack[sp++].hi = t->p;
	while (sp > 0) {
		size_t node, lo, hi, mid;

		sp--;
		node = stack[sp].node;
		lo = stack[sp].lo;
		hi = stack[sp].hi;
		if (lo >= below || hi <= from || t->max[node] < first)
			continue;
		if (node >= t->p) {
			if (found < max)
				out[found] = node - t->p;
			found++;
			continue;
		}
		/* The right half first, so that the left one comes out first. */
		mid = lo + (hi - lo) / 2;
		stack[sp].node = 2 * node + 1;
		stack[sp].lo = mid;
		stack[sp++].hi = hi;
		stack[sp].node = 2 * node;
		stack[sp].lo = lo;
		stack[sp++].hi = mid;
	}
	return found;
}

/* How many segments start at or above row `last`. */
static size_t frame_segs_upto(const struct layout *l, int last)
{
	size_t lo = 0, hi = l->nsegs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->segs[mid].r0 <= last)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The search goes in batches so that a frame needs no memory of its
 * own however many arrows or bars cross it. */
#define FRAME_BATCH 128

static void frame_segs(struct layout_frame *f)
{
	const struct layout *l = f->l;
	size_t below = frame_segs_upto(l, f->last), from = 0, n;
	size_t found[FRAME_BATCH];

	do {
		n = frame_find(&l->stree, from, below, f->first, found,
		    FRAME_BATCH);
		for (size_t i = 0; i < n && i < FRAME_BATCH; i++) {
			const struct layout_seg *s = &l->segs[found[i]];

			if (l->tr->ev[s->ev].t <= f->now)
				frame_seg(f, s);
		}
		if (n > 0)
			from = found[(n < FRAME_BATCH ? n : FRAME_BATCH) - 1] + 1;
	} while (n > FRAME_BATCH);
}

/* Margin text for side at row r: right-aligned on the client's side. */
static void frame_margin(struct layout_frame *f, int side, int r, int role,
    int ev, const char *text)
{
	const struct layout *l = f->l;
	int col = side == SIDE_SERVER ? l->sl + 3 : l->cl - 2 - textwidth(text);

	frame_put(f, r, col, role, ev, text);
}

/* The last of the intervals [lo, hi) of a tree's node, among the first
 * p, whose bar goes on below row `cur`; -1 if none. */
static long frame_last_below(const struct layout_tree *t, size_t node,
    size_t lo, size_t hi, size_t p, int cur)
{
	size_t mid = lo + (hi - lo) / 2;
	long r;

	if (lo >= p || t->max[node] <= cur)
		return -1;
	if (node >= t->p)
		return (long)(node - t->p);
	r = frame_last_below(t, 2 * node + 1, mid, hi, p, cur);
	return r >= 0 ? r : frame_last_below(t, 2 * node, lo, mid, p, cur);
}

/* How many of a side's timers were armed by `now` (or at rows up to
 * `row`, when rows is true). */
static int frame_timers_upto(const struct layout *l, int side, int64_t now,
    int row, bool rows)
{
	int lo = 0, hi = l->ntimers[side];

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		const struct layout_timer *tm = &l->timers[side][mid];

		if (rows ? tm->r0 <= row : tm->t0 <= now)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The countdown of a side: the running timer armed last, its time left,
 * "+N" for the others that run, in the margin of the current row (of the
 * next one when a state name is there).  Counting and finding it cost
 * a few searches however many timers a flood keeps running.
 */
static void frame_countdown(struct layout_frame *f, int side)
{
	const struct layout *l = f->l;
	int lo = 0, hi = l->ntimers[side], running, row;
	const struct layout_timer *tm = NULL;
	size_t p;
	char buf[64], left[16];

	/* Armed by now, minus ended by now. */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (l->t1s[side][mid] <= f->now)
			lo = mid + 1;
		else
			hi = mid;
	}
	running = frame_timers_upto(l, side, f->now, 0, false) - lo;
	if (running <= 0)
		return;
	p = (size_t)frame_timers_upto(l, side, 0, f->cur, true);
	for (int tries = 0; tries < 64 && tm == NULL; tries++) {
		long i = frame_last_below(&l->ttree[side], 1, 0, l->ttree[side].p,
		    p, f->cur);

		if (i < 0)
			return;
		tm = &l->timers[side][i];
		/* Its end may fall between the current row and now. */
		if (tm->t0 > f->now || tm->t1 <= f->now) {
			tm = NULL;
			p = (size_t)i;
		}
	}
	if (tm == NULL)
		return;
	snprintf(buf, sizeof buf, "%s %s", layout_timer_name(tm->timer),
	    layout_left(tm->expires - f->now, left, sizeof left));
	if (running > 1) {
		size_t k = strlen(buf);

		snprintf(buf + k, sizeof buf - k, " +%d", running - 1);
		if (textwidth(buf) > LAYOUT_NAMEW)
			buf[k] = '\0';
	}
	row = l->rflags[f->cur] & (ROW_MARGIN << side) ? f->cur + 1 : f->cur;
	if (row >= f->top && row <= f->bottom)
		frame_margin(f, side, row, ROLE_TIMER, -1, buf);
}

/* Timer bars beside the lifelines up to the current row, the names of
 * the timers that have ended, and the countdowns. */
static void frame_timers(struct layout_frame *f)
{
	const struct layout *l = f->l;
	int stop = f->last < f->cur ? f->last : f->cur;
	int lo = 0, hi = l->ntlabels;

	if (f->cur < 0)
		return;
	for (int side = 0; side < 2; side++) {
		int col = side == SIDE_SERVER ? l->sl + 1 : l->cl - 1;

		for (int r = f->first; r <= stop; r++)
			if (l->rflags[r] & (ROW_BAR << side))
				frame_put(f, r, col, ROLE_TIMER, -1, f->g->bar);
	}
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (l->tlabels[mid].row < f->first)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < l->ntlabels && l->tlabels[lo].row <= stop; lo++) {
		const struct layout_tlabel *lb = &l->tlabels[lo];

		if (lb->t1 <= f->now)
			frame_margin(f, lb->side, lb->row, ROLE_TIMER, -1,
			    layout_timer_name(lb->timer));
	}
	frame_countdown(f, SIDE_CLIENT);
	frame_countdown(f, SIDE_SERVER);
}

/* State names and application calls of the visible rows. */
static void frame_items(struct layout_frame *f)
{
	const struct layout *l = f->l;
	int lo = 0, hi = l->nitems;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (l->items[mid].row < f->first)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int i = lo; i < l->nitems && l->items[i].row <= f->last; i++) {
		const struct layout_item *it = &l->items[i];
		const struct trace_event *e = &l->tr->ev[it->ev];
		int role = it->ev == f->cursor ? ROLE_CURSOR :
		    e->type == TRACE_STATE ? ROLE_STATE : ROLE_APP;
		char buf[LAYOUT_LABEL];

		if (e->t > f->now)
			continue;
		if (e->type == TRACE_STATE) {
			frame_margin(f, e->side == SIDE_SERVER, it->row, role,
			    it->ev, tcp_state_name(e->u.state.to));
			continue;
		}
		/* Inside the gap, a blank away from the lifeline. */
		layout_app(e, buf, sizeof buf);
		frame_put(f, it->row, e->side == SIDE_SERVER ?
		    l->sl - 1 - textwidth(buf) : l->cl + 2, role, it->ev, buf);
	}
}

/* Lifelines, times and gap rows. */
static void frame_rows(struct layout_frame *f, int branch_row)
{
	const struct layout *l = f->l;
	char buf[96], secs[32];

	for (int r = f->first; r <= f->last; r++) {
		bool past = r <= f->cur;
		bool gap = l->rflags[r] & ROW_GAP;
		const char *line = gap ? f->g->gapline : f->g->lifeline;
		int role = past ? ROLE_LIFELINE : ROLE_FUTURE;

		frame_put(f, r, l->cl, role, -1, line);
		frame_put(f, r, l->sl, role, -1, line);
		if (!past)
			continue;
		if (l->rflags[r] & ROW_FIRST) {
			layout_time(l->rt[r], buf, sizeof buf);
			frame_put(f, r, 2 + l->tw - textwidth(buf),
			    r == branch_row ? ROLE_BRANCH : ROLE_TIME, -1, buf);
		}
		if (gap) {
			/* The stretch so far: it grows while time passes in it. */
			int64_t end = l->rt[r + 1] < f->now ? l->rt[r + 1] : f->now;
			char words[64];

			/* TRANSLATORS: a stretch of time skipped on the
			 * diagram, in seconds: "58.9 s". */
			snprintf(words, sizeof words, _("%s s"),
			    layout_secs(end - l->rt[r - 1], secs, sizeof secs));
			snprintf(buf, sizeof buf, "%s %s %s", f->g->dots, words,
			    f->g->dots);
			frame_put(f, r, l->cl + 1 + (l->gapw - textwidth(buf)) / 2,
			    ROLE_GAP, -1, buf);
		}
	}
}

/* The row of the segment lost at time `branch` (the first row of that
 * moment if there is none). */
static int frame_branch_row(const struct layout *l, int64_t branch)
{
	int r = layout_row_from(l, branch);
	size_t lo = 0, hi = l->nsegs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->segs[mid].r0 < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < l->nsegs && l->rt[l->segs[lo].r0] == branch; lo++)
		if (l->tr->ev[l->segs[lo].ev].u.seg.lost)
			return l->segs[lo].r0;
	return r;
}

size_t layout_frame(const struct layout *l, int top, int height, int64_t now,
    long cursor, int64_t branch, struct layout_span *out, size_t max)
{
	struct layout_frame f;
	int branch_row = -1;

	if (height <= 0 || l->nrows == 0)
		return 0;
	memset(&f, 0, sizeof f);
	f.l = l;
	f.g = layout_glyphs(l);
	f.out = out;
	f.max = max;
	f.top = top;
	f.bottom = top + height - 1;
	f.first = top > 0 ? top : 0;
	f.last = f.bottom < l->nrows - 1 ? f.bottom : l->nrows - 1;
	f.cur = layout_row_at_time(l, now);
	f.now = now;
	f.cursor = cursor;
	if (branch >= 0 && branch <= now)
		branch_row = frame_branch_row(l, branch);

	if (f.first <= f.last)
		frame_rows(&f, branch_row);
	frame_timers(&f);
	if (f.first <= f.last) {
		frame_segs(&f);
		frame_items(&f);
	}
	if (cursor >= 0 && (size_t)cursor < l->tr->nev &&
	    l->tr->ev[cursor].t <= now && l->erow[cursor] >= f.first &&
	    l->erow[cursor] <= f.last)
		frame_put(&f, l->erow[cursor], 1, ROLE_CURSOR, (int)cursor,
		    f.g->cursor);
	if (branch_row >= f.first && branch_row <= f.last)
		frame_put(&f, branch_row, 0, ROLE_BRANCH, -1, f.g->branch);
	return f.n;
}
