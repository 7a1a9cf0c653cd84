/*
 * capview.c: a capture in the interactive view (ui_capture_run()).
 *
 * The list of connections (connlist.c draws it) opens one connection,
 * or a SYN flood's half-open ones, as a trace of its own (sub) that the
 * diagram, tables and narration read exactly as they read a lesson's.
 *
 * Live, packets keep coming: the loop waits in poll() on the terminal
 * and the capture (capview_wait()); at most ten times a second the
 * source reads what came into the capture's trace and the list and the
 * open connection are built again at once.  Both follow the newest packets while
 * the user stays at the end (the last row, the last event); moving
 * away stops that, and f or going back to the end starts it again.
 * The connection on screen is pinned, so that the memory limits never
 * let it go; its id changes when others go, and the source says the
 * new one.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700	/* clock_gettime() */
#endif

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "view.h"

#define REFRESH_EVERY 0.1	/* seconds between reads and rebuilds, at most */
#define READ_BUDGET 0.05	/* seconds of reading per rebuild, at most */
#define PUMP_IDLE 1.0		/* seconds: ask the source even when quiet */

static double capview_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Is connection c (1-based) in the row the diagram shows? */
static bool capview_in_open(const struct view *v, size_t c)
{
	const struct trace_conn *k = &v->cap->conns[c - 1];

	return v->open_conn ? (int)c == v->open_conn
	    : k->incomplete && k->listener == v->open_listener;
}

static void capview_drop_sub(struct view *v)
{
	if (v->has_sub) {
		/* Only the copied arrays are the sub-trace's own. */
		free(v->sub.ev);
		free(v->sub.conns);
		v->has_sub = false;
	}
	memset(&v->sub, 0, sizeof v->sub);
}

/*
 * Copy the events of the open row's connections into v->sub, renumbered
 * from 1.  Options, listeners and the narration pool stay cap's and are
 * shared, so this is done again whenever cap has grown.
 */
static int capview_build_sub(struct view *v)
{
	const struct trace *cap = v->cap;
	int *newid = calloc(cap->nconns + 1, sizeof *newid), n = 0;
	size_t nev = 0;

	if (newid == NULL)
		return -1;
	for (size_t c = 1; c <= cap->nconns; c++)
		if (capview_in_open(v, c))
			newid[c] = ++n;
	capview_drop_sub(v);
	trace_init(&v->sub);
	v->sub.ev = malloc((cap->nev ? cap->nev : 1) * sizeof *v->sub.ev);
	v->sub.conns = malloc((size_t)(n ? n : 1) * sizeof *v->sub.conns);
	v->has_sub = true;
	if (v->sub.ev == NULL || v->sub.conns == NULL) {
		free(newid);
		capview_drop_sub(v);
		return -1;
	}
	for (size_t c = 1; c <= cap->nconns; c++)
		if (newid[c]) {
			struct trace_conn *k = &v->sub.conns[newid[c] - 1];
			*k = cap->conns[c - 1];
			k->id = newid[c];
		}
	for (size_t i = 0; i < cap->nev; i++) {
		const struct trace_event *e = &cap->ev[i];
		if (e->conn <= 0 || (size_t)e->conn > cap->nconns ||
		    !newid[e->conn])
			continue;
		v->sub.ev[nev] = *e;
		v->sub.ev[nev++].conn = newid[e->conn];
	}
	free(newid);
	v->sub.nev = v->sub.capev = nev;
	v->sub.nconns = v->sub.capconns = (size_t)n;
	v->sub.optbuf = cap->optbuf;
	v->sub.opt_at = cap->opt_at;
	v->sub.nopts = cap->nopts;
	v->sub.pool = cap->pool;
	v->sub.npool = cap->npool;
	v->sub.listeners = cap->listeners;
	v->sub.nlisteners = cap->nlisteners;
	v->sub.nsegs = cap->nsegs;
	v->sub.capture = true;
	memcpy(v->sub.source, cap->source, sizeof v->sub.source);

	/* The headers name the first connection's endpoints. */
	if (n > 0) {
		v->capsc.ep[SIDE_CLIENT] = v->sub.conns[0].ep[SIDE_CLIENT];
		v->capsc.ep[SIDE_SERVER] = v->sub.conns[0].ep[SIDE_SERVER];
	}
	v->tr = &v->sub;
	return view_make_steps(v) < 0 || view_relayout(v, v->lay_width) < 0
	    ? -1 : 0;
}

/* Tell the source which connection is on screen, so that it stays. */
static void capview_pin(struct view *v)
{
	int conn = v->mode == MODE_CONNLIST
	    ? (v->nrows ? v->rows[v->row].conn : 0) : v->open_conn;

	if (v->src != NULL && v->src->pin != NULL)
		v->src->pin(v->src->ctx, conn);
}

void capview_close(struct view *v)
{
	capview_drop_sub(v);
	v->tr = NULL;
	v->playing = false;
	v->mode = MODE_CONNLIST;
	/* The list selects the connection that was open. */
	for (size_t i = 0; i < v->nrows; i++)
		if (v->rows[i].conn == v->open_conn &&
		    v->rows[i].listener == v->open_listener)
			v->row = i;
	v->follow = v->live && v->row + 1 >= v->nrows;
	capview_pin(v);
}

/*
 * Open row `row` of the list in the diagram, on the whole of what was
 * captured (Home and p go back through it): what was captured has
 * happened.
 */
int capview_open(struct view *v, size_t row)
{
	v->open_conn = v->rows[row].conn;
	v->open_listener = v->rows[row].listener;
	v->scroll_cols = 0;
	v->scroll_rows = 0;
	if (capview_build_sub(v) < 0) {
		capview_close(v);
		return -1;
	}
	view_goto(v, v->nsteps ? v->nsteps - 1 : 0);
	v->mode = MODE_WATCH;
	v->follow = v->live;
	capview_pin(v);
	return 0;
}

/* Build the list and the open connection again from cap, which has
 * grown and may have been renumbered. */
static void capview_refresh(struct view *v)
{
	int pinned = v->src->pinned(v->src->ctx);
	size_t step = v->step;
	struct ui_capture_status st;

	v->shown_at = capview_clock();
	if (v->src->settle != NULL)
		v->src->settle(v->src->ctx);
	v->src->status(v->src->ctx, &st);
	if (st.let_go_conns > v->let_go) {
		v->let_go = st.let_go_conns;
		ui_message(v, ngettext("%zu connection was let go to stay within "
		    "--max-conns and --max-packets (never the one on screen).",
		    "%zu connections were let go to stay within --max-conns and "
		    "--max-packets (never the one on screen).",
		    (unsigned long)v->let_go), v->let_go);
	}
	if (v->mode == MODE_CONNLIST) {
		int listener = v->nrows ? v->rows[v->row].listener : 0;

		if (connlist_build(v) < 0)
			goto oom;
		/* The same row: its connection (pinned, renumbered), or its
		 * flood (listeners keep their numbers). */
		for (size_t i = 0; i < v->nrows && !v->follow; i++)
			if (pinned ? v->rows[i].conn == pinned
			    : v->rows[i].listener == listener && listener)
				v->row = i;
		if (v->follow)
			v->row = v->nrows ? v->nrows - 1 : 0;
		capview_pin(v);
		return;
	}
	if (connlist_build(v) < 0)
		goto oom;
	if (v->open_conn)
		v->open_conn = pinned;
	if (capview_build_sub(v) < 0)
		goto oom;
	if (v->follow || step >= v->nsteps) {
		view_goto(v, v->nsteps ? v->nsteps - 1 : 0);
	} else {
		/* Events only came after it: the cursor, the moment on screen
		 * and a playing animation go on undisturbed. */
		v->step = step;
	}
	return;
oom:
	/* Nothing built from the old trace may stay on screen. */
	capview_close(v);
	ui_message(v, "%s", _("out of memory"));
}

/*
 * Read what the capture has, for at most READ_BUDGET seconds, and show
 * it.  Reading and rebuilding go together: between them the view's
 * rows and sub-trace would name connections that are gone and options
 * that have moved.
 */
static void capview_read(struct view *v)
{
	double t0 = capview_clock();
	bool changed = false;
	int r;

	do {
		r = v->src->pump(v->src->ctx, v->live_why, sizeof v->live_why);
		changed |= r != 0;
	} while (r > 0 && capview_clock() - t0 < READ_BUDGET);
	v->pumped_at = capview_clock();
	if (r < 0) {
		v->live = false;
		v->follow = false;
		v->live_over = true;
		ui_message(v, "%s", v->live_why[0] ? v->live_why
		    : _("The capture is over: -c packets were read."));
	}
	if (changed)
		capview_refresh(v);
}

bool capview_wait(struct view *v, int ms)
{
	double start = capview_clock();

	for (;;) {
		double now = capview_clock();
		/* Packets are read at most every REFRESH_EVERY (they wait in
		 * the kernel's buffer meanwhile), and at least every
		 * PUMP_IDLE, so that a quiet capture's clock moves. */
		double may_read = v->shown_at + REFRESH_EVERY;
		double must_read = v->pumped_at + PUMP_IDLE;
		double until = may_read > now ? may_read : must_read;
		struct pollfd pf[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = v->src->fd, .events = POLLIN },
		};
		bool reading = may_read <= now;
		int n;

		if (ms >= 0 && now - start >= ms / 1000.0)
			return false;
		if (ms >= 0 && start + ms / 1000.0 < until)
			until = start + ms / 1000.0;
		/* A moment already past: look, do not wait (poll() would take
		 * a negative timeout for ever). */
		n = poll(pf, reading ? 2 : 1,
		    until <= now ? 0 : (int)((until - now) * 1000) + 1);
		/* Interrupted (a resize, a signal): the loop looks. */
		if (n < 0 || pf[0].revents)
			return true;
		if (reading && (pf[1].revents || capview_clock() >= must_read)) {
			capview_read(v);
			if (!v->live || v->shown_at >= now)
				return false;
		}
	}
}

/* Is the user at the end: the last row, or the last event? */
static bool capview_at_end(const struct view *v)
{
	if (v->mode == MODE_CONNLIST)
		return v->row + 1 >= v->nrows;
	return v->step + 1 >= v->nsteps;
}

static void capview_follow(struct view *v)
{
	if (!v->live) {
		ui_message(v, "%s", _("Only a live capture (-i) has new packets "
		    "to follow."));
		return;
	}
	v->follow = !v->follow;
	if (v->follow) {
		v->playing = false;
		if (v->mode == MODE_CONNLIST)
			v->row = v->nrows ? v->nrows - 1 : 0;
		else
			view_goto(v, v->nsteps ? v->nsteps - 1 : 0);
	}
	ui_message(v, "%s", v->follow ? _("Following the newest packets.")
	    : _("Not following new packets; f follows them again."));
}

/* w: the packets of the row on screen, as captured, to a new file. */
static void capview_save(struct view *v)
{
	int conn = v->open_conn, listener = v->open_listener, *ids;
	char what[32], msg[512];
	size_t n = 0;

	if (v->src == NULL || v->src->save == NULL) {
		ui_message(v, "%s", _("These packets cannot be saved."));
		return;
	}
	if (v->mode == MODE_CONNLIST) {
		if (v->nrows == 0)
			return;
		conn = v->rows[v->row].conn;
		listener = v->rows[v->row].listener;
	}
	if ((ids = malloc((v->cap->nconns ? v->cap->nconns : 1) *
	    sizeof *ids)) == NULL) {
		ui_message(v, "%s", _("out of memory"));
		return;
	}
	for (size_t c = 1; c <= v->cap->nconns; c++) {
		const struct trace_conn *k = &v->cap->conns[c - 1];
		if (conn ? (int)c == conn
		    : k->incomplete && k->listener == listener)
			ids[n++] = (int)c;
	}
	snprintf(what, sizeof what, conn ? "conn%d" : "flood%d",
	    conn ? conn : listener);
	v->src->save(v->src->ctx, ids, n, what, msg, sizeof msg);
	free(ids);
	ui_message(v, "%s", msg);
}

bool capview_key(struct view *v, enum view_action a)
{
	switch (a) {
	case A_FOLLOW: capview_follow(v); return true;
	case A_SAVE: capview_save(v); return true;
	default: return false;
	}
}

void capview_after_key(struct view *v, enum view_action a)
{
	if (v->mode != MODE_CONNLIST && v->mode != MODE_WATCH)
		return;
	/* Moving decides: at the end the view follows, elsewhere it stays. */
	if (v->live && a != A_NONE && a != A_FOLLOW && a != A_SAVE &&
	    a != A_REDRAW && a != A_HELP && a != A_INSPECT)
		v->follow = capview_at_end(v) && !v->playing;
	if (v->mode == MODE_CONNLIST)
		capview_pin(v);
}

bool capview_list_key(struct view *v, enum view_action a)
{
	long d = 0;

	switch (a) {
	case A_UP: d = -1; break;
	case A_DOWN: d = 1; break;
	case A_PGUP: d = -(LINES / 2); break;
	case A_PGDN: d = LINES / 2; break;
	case A_CHOOSE:
		if (v->nrows > 0 && capview_open(v, v->row) < 0)
			ui_message(v, "%s", _("out of memory"));
		return true;
	case A_QUIT: return false;
	case A_REDRAW: clearok(curscr, TRUE); return true;
	default: capview_key(v, a); return true;
	}
	long i = (long)v->row + d;
	v->row = i < 0 || v->nrows == 0 ? 0 : (size_t)i >= v->nrows
	    ? v->nrows - 1 : (size_t)i;
	return true;
}

void capview_status(const struct view *v, char *buf, size_t len)
{
	struct ui_capture_status st;
	size_t n;

	buf[0] = '\0';
	if (v->src == NULL || v->src->status == NULL)
		return;
	v->src->status(v->src->ctx, &st);
	snprintf(buf, len, ngettext("%llu packet", "%llu packets",
	    (unsigned long)st.packets), (unsigned long long)st.packets);
	if (st.has_stats) {
		n = strlen(buf);
		/* TRANSLATORS: pcap's counters: by the kernel, the interface. */
		snprintf(buf + n, len - n, _(", dropped %u+%u"), st.drop,
		    st.ifdrop);
	}
	if (st.let_go_conns > 0) {
		n = strlen(buf);
		snprintf(buf + n, len - n, ngettext(
		    ", %zu connection let go (limits)",
		    ", %zu connections let go (limits)",
		    (unsigned long)st.let_go_conns), st.let_go_conns);
	}
	n = strlen(buf);
	if (v->live)
		snprintf(buf + n, len - n, "  %s", v->follow ? _("LIVE, following")
		    : _("LIVE, paused (f follows)"));
	else if (v->live_over)
		snprintf(buf + n, len - n, "  %s", _("capture ended"));
}

void capview_free(struct view *v)
{
	capview_drop_sub(v);
	connlist_free(v);
}
