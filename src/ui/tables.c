/*
 * tables.c: each side's state table at the moment on screen, from
 * layout_tables(): the state as a big badge nobody can miss, ISS and
 * IRS, SND.UNA, SND.NXT and RCV.NXT, the windows, every running timer
 * with the time it has left (and a bar that empties), and a listener's
 * SYN and accept queues as rows of boxes, so that a SYN flood filling
 * them is visible at a glance.  Two shapes: a tall column beside the
 * ladder on wide screens, six lines above it on narrow ones.
 */
#include <inttypes.h>
#include <string.h>

#include "i18n.h"
#include "view.h"

#define TABLE_W 24
#define TABLE_COMPACT_H 6

int tables_width(void)
{
	return TABLE_W;
}

/* Lines of the tables above a narrow ladder. */
int tables_height(void)
{
	return TABLE_COMPACT_H;
}

/* Is connection `conn` one the scenario's own client opened (not one a
 * third host forged, as in a SYN flood)? */
static bool tables_own(const struct view *v, int conn)
{
	const struct trace_conn *c = trace_conn(v->tr, conn);
	const struct endpoint *a = c ? &c->ep[SIDE_CLIENT] : NULL;
	const struct endpoint *b = &v->sc->ep[SIDE_CLIENT];

	return a && a->family == b->family &&
	    memcmp(a->addr, b->addr, sizeof a->addr) == 0;
}

/* The connection the tables describe: the cursor's, or the newest of
 * the client's own before it (the listener's queues show the rest);
 * before the client has one, its first. */
static int tables_conn(const struct view *v)
{
	for (long i = view_cursor(v); i >= 0; i--)
		if (tables_own(v, v->tr->ev[i].conn))
			return v->tr->ev[i].conn;
	for (size_t i = 0; i < v->tr->nconns; i++)
		if (tables_own(v, v->tr->conns[i].id))
			return v->tr->conns[i].id;
	return 0;
}

/* When the timer running now was armed, for the length of its bar;
 * TRACE_T_NONE if the trace does not say. */
static int64_t tables_armed_at(const struct view *v, int conn, int side,
    int timer)
{
	for (long i = view_cursor(v); i >= 0; i--) {
		const struct trace_event *e = &v->tr->ev[i];
		if (e->type == TRACE_TIMER && e->conn == conn && e->side == side &&
		    e->u.timer.timer == timer && e->u.timer.action == TIMER_ARMED &&
		    e->t <= v->now)
			return e->t;
	}
	return TRACE_T_NONE;
}

/* "58.3 s" left, one decimal: a countdown that visibly moves. */
static const char *tables_left(int64_t us, char *buf, size_t len)
{
	if (us < 0)
		us = 0;
	snprintf(buf, len, "%" PRId64 ".%" PRId64 " s", us / 1000000,
	    us / 100000 % 10);
	return buf;
}

/* A number, or "-" when not known yet. */
static const char *tables_num(bool known, uint32_t n, char *buf, size_t len)
{
	if (known)
		snprintf(buf, len, "%" PRIu32, n);
	else
		snprintf(buf, len, "-");
	return buf;
}

/* The state in reverse video; letter-spaced on a projector when it
 * fits.  rows is 1 or 3 (a blank band above and below). */
static void tables_badge(const struct layout_table *t, int side, int y, int x, int w, int rows)
{
	const char *name = tcp_state_name(t->state);
	char text[64];
	int role = side == SIDE_CLIENT ? R_BADGE_CLIENT : R_BADGE_SERVER, tw;
	size_t n = 0;

	if (screen_spacious() && (int)strlen(name) * 2 + 1 <= w) {
		for (const char *p = name; *p && n + 3 < sizeof text; p++) {
			if (p != name)
				text[n++] = ' ';
			text[n++] = *p;
		}
		text[n] = '\0';
	} else {
		snprintf(text, sizeof text, "%s", name);
	}
	if (t->assumed && strlen(text) + 1 < sizeof text)
		strcat(text, "?");
	tw = screen_width(text);
	for (int i = 0; i < rows; i++)
		screen_fill(y + i, x, w, screen_attr(role));
	screen_put(y + rows / 2, x + (w - tw > 0 ? (w - tw) / 2 : 0), text, role,
	    w);
}

/* A label and its value on one line, the value right-aligned. */
static void tables_field(int y, int x, int w, const char *label,
    const char *value)
{
	int vw = screen_width(value);

	screen_put(y, x, label, R_FIELD, w);
	screen_put(y, x + w - vw > x ? x + w - vw : x, value, R_VALUE, w);
}

/* A queue of `len` out of `cap` as boxes in w columns: one box a slot,
 * or a slot range each when the backlog is longer than the line. */
static void tables_queue(int y, int x, int w, int len, int cap)
{
	int per = cap > w ? (cap + w - 1) / w : 1;
	int boxes = cap > 0 ? (cap + per - 1) / per : 0;
	int full = (len + per - 1) / per;

	for (int i = 0; i < boxes && i < w; i++)
		screen_put(y, x + i, screen_glyph(i < full ? G_BOX_FULL : G_BOX_EMPTY),
		    i < full ? R_QUEUE_FULL : R_QUEUE_EMPTY, 1);
}

/* A timer's bar: full when armed, empty when it fires. */
static void tables_bar(int y, int x, int w, int64_t left, int64_t total)
{
	int full = total > 0 ? (int)((left * w + total - 1) / total) : 0;

	for (int i = 0; i < w; i++)
		screen_put(y, x + i, screen_glyph(i < full ? G_BAR_FULL : G_BAR_EMPTY),
		    ROLE_TIMER, 1);
}

static void tables_header(const struct view *v, int conn, int side, int y,
    int x, int w, bool one_line)
{
	const struct trace_conn *c = conn > 0 ? trace_conn(v->tr, conn) : NULL;
	const struct endpoint *ep = c ? &c->ep[side] : &v->sc->ep[side];
	char addr[64], line[128];
	const char *who = side == SIDE_CLIENT ? _("CLIENT") : _("SERVER");

	endpoint_str(ep, addr, sizeof addr);
	if (one_line) {
		snprintf(line, sizeof line, "%s %s", who, addr);
		screen_put(y, x, line, R_FRAME_FOCUS, w);
	} else {
		screen_put(y, x, who, R_FRAME_FOCUS, w);
		screen_put(y + 1, x, addr, ROLE_TEXT, w);
	}
}

static void tables_draw_wide(const struct view *v,
    const struct layout_table *t, int conn, int side, struct rect r)
{
	char a[32], b[32], line[64];
	int x = r.x + 1, w = r.w - 2, y = r.y, end = r.y + r.h;
	bool spread = screen_spacious() && r.h >= 36;
	uint32_t ua = v->absolute ? t->iss : 0, ra = v->absolute ? t->irs : 0;
	const struct {
		const char *label;
		bool known;
		uint32_t value;
	} fields[] = {
		{ "ISS", t->iss_known, t->iss },
		{ "IRS", t->irs_known, t->irs },
		{ "SND.UNA", t->iss_known, t->snd_una + ua },
		{ "SND.NXT", t->iss_known, t->snd_nxt + ua },
		{ "RCV.NXT", t->irs_known, t->rcv_nxt + ra },
		{ "SND.WND", t->irs_known, t->snd_wnd },
		{ "RCV.WND", true, t->rcv_wnd },
	};

	tables_header(v, conn, side, y, x, w, false);
	y += 3;
	tables_badge(t, side, y, x, w, r.h >= 24 ? 3 : 1);
	y += r.h >= 24 ? 4 : 2;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0] && y < end; i++) {
		tables_field(y++, x, w, fields[i].label,
		    tables_num(fields[i].known, fields[i].value, a, sizeof a));
		if (spread)
			y++;
	}
	y++;
	if (y < end)
		screen_put(y++, x, _("Timers"), R_FRAME, w);
	if (t->ntimers == 0 && y < end)
		screen_put(y++, x + 1, _("none running"), R_FIELD, w - 1);
	for (int i = 0; i < t->ntimers && y + 1 < end; i++) {
		int64_t left = t->timers[i].expires - v->now;
		int64_t armed = tables_armed_at(v, conn, side, t->timers[i].timer);
		tables_field(y++, x + 1, w - 1, trace_timer_name(t->timers[i].timer),
		    tables_left(left, a, sizeof a));
		tables_bar(y++, x + 1, w - 1, left, armed == TRACE_T_NONE ? 0
		    : t->timers[i].expires - armed);
	}
	if (!t->listening || y + 5 >= end)
		return;
	y++;
	snprintf(line, sizeof line, _("Listener, backlog %d"), t->backlog);
	screen_put(y++, x, line, R_FRAME, w);
	snprintf(b, sizeof b, "%d/%d", t->syn_queue, t->backlog);
	tables_field(y++, x + 1, w - 1, _("SYN queue"), b);
	tables_queue(y++, x + 1, w - 1, t->syn_queue, t->backlog);
	snprintf(b, sizeof b, "%d/%d", t->accept_queue, t->backlog);
	tables_field(y++, x + 1, w - 1, _("accept queue"), b);
	tables_queue(y++, x + 1, w - 1, t->accept_queue, t->backlog);
}

/* Two "LABEL value" pairs in one line of a narrow table. */
static void tables_pair(int y, int x, int w, const char *l1, const char *v1,
    const char *l2, const char *v2)
{
	int half = w / 2, n;

	n = screen_put(y, x, l1, R_FIELD, half);
	screen_put(y, x + n + 1, v1, R_VALUE, half - n - 1);
	n = screen_put(y, x + half, l2, R_FIELD, w - half);
	screen_put(y, x + half + n + 1, v2, R_VALUE, w - half - n - 1);
}

static void tables_draw_compact(const struct view *v,
    const struct layout_table *t, int conn, int side, struct rect r)
{
	char a[32], b[32], line[96];
	int x = r.x + 1, w = r.w - 2, y = r.y, bw;
	uint32_t ua = v->absolute ? t->iss : 0, ra = v->absolute ? t->irs : 0;

	tables_header(v, conn, side, y++, x, w, true);
	bw = screen_width(tcp_state_name(t->state)) + 4;
	if (screen_spacious())
		bw = bw * 2 - 4;
	if (bw > w)
		bw = w;
	tables_badge(t, side, y, x, bw, 1);
	x += bw + 1;
	tables_field(y++, x, w - bw - 1, "ISS",
	    tables_num(t->iss_known, t->iss, a, sizeof a));
	x = r.x + 1;
	tables_pair(y++, x, w, "SND.UNA",
	    tables_num(t->iss_known, t->snd_una + ua, a, sizeof a), "SND.NXT",
	    tables_num(t->iss_known, t->snd_nxt + ua, b, sizeof b));
	tables_pair(y++, x, w, "RCV.NXT",
	    tables_num(t->irs_known, t->rcv_nxt + ra, a, sizeof a), "IRS",
	    tables_num(t->irs_known, t->irs, b, sizeof b));
	tables_pair(y++, x, w, "SND.WND",
	    tables_num(t->irs_known, t->snd_wnd, a, sizeof a), "RCV.WND",
	    tables_num(true, t->rcv_wnd, b, sizeof b));
	/* One line for the listener's queues (while they matter: a SYN
	 * flood) or for the connection's timers. */
	if (t->listening && (t->state == TCP_LISTEN || t->syn_queue > 0 ||
	    t->accept_queue > 0 || t->ntimers == 0)) {
		int qw = (w - 24) / 2 > 0 ? (w - 24) / 2 : 1;
		snprintf(line, sizeof line, _("SYN q %d/%d"), t->syn_queue,
		    t->backlog);
		x += screen_put(y, x, line, R_FIELD, w) + 1;
		tables_queue(y, x, qw, t->syn_queue, t->backlog);
		x += qw + 1;
		snprintf(line, sizeof line, _("acc q %d/%d"), t->accept_queue,
		    t->backlog);
		x += screen_put(y, x, line, R_FIELD, r.x + r.w - x) + 1;
		tables_queue(y, x, r.x + r.w - x - 1, t->accept_queue, t->backlog);
	} else if (t->ntimers == 0) {
		screen_put(y, x, _("no timer running"), R_FIELD, w);
	} else {
		for (int i = 0; i < t->ntimers && x < r.x + w; i++) {
			snprintf(line, sizeof line, "%s %s  ",
			    trace_timer_name(t->timers[i].timer),
			    tables_left(t->timers[i].expires - v->now, a, sizeof a));
			x += screen_put(y, x, line, ROLE_TIMER, r.x + w - x);
		}
	}
}

void tables_draw(const struct view *v, struct rect r, int side, bool wide)
{
	struct layout_table t[2];
	int conn = tables_conn(v);

	layout_tables(v->tr, conn, v->now, t);
	if (wide)
		tables_draw_wide(v, &t[side], conn, side, r);
	else
		tables_draw_compact(v, &t[side], conn, side, r);
}
