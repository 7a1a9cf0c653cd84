/*
 * ui.c: the interactive view's main loop and its state.
 *
 * The picture is a function of the cursor (an index into the trace's
 * events) and of `now` (the protocol time on screen): stepping back
 * just sets both and draws again, so everything, tables and narration
 * included, is exactly as it was.  Playing moves `now` forward on a
 * clock scaled from real time; quiet stretches go faster, so a 60 s
 * TIME_WAIT passes in about a second with its countdown on screen.
 * Paused, the loop sleeps in getch(); playing, it wakes once a frame.
 *
 * A drop ("what if this FIN were lost?") goes to the player, which
 * plays the scenario again; the trace before the drop is identical, so
 * the cursor stays where it was and the future changes.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700	/* clock_gettime(), wide curses */
#endif

#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "practice_cli.h"
#include "view.h"

/* Protocol seconds per real second.  1/10: a 50 ms hop takes 0.5 s. */
static const struct {
	double rate;
	const char *label;
} speeds[] = {
	{ 0.01, "1/100" }, { 0.03, "1/30" }, { 0.1, "1/10" }, { 0.3, "1/3" },
	{ 1, "1" }, { 3, "3" }, { 10, "10" },
};
#define NSPEEDS ((int)(sizeof speeds / sizeof speeds[0]))
#define SPEED_DEFAULT 2

#define FRAME_MS 33		/* at most 30 frames a second */
#define QUIET_REAL 1.2		/* a longer stretch is fast-forwarded to this */
#define HOLD_MAX 6.0		/* reading time of a narrated step, at most */

static const char *const theme_names[THEME_NTHEMES] = {
	"default", "projector", "mono",
};

int ui_theme_parse(const char *name)
{
	for (int i = 0; i < THEME_NTHEMES; i++)
		if (strcmp(name, theme_names[i]) == 0)
			return i;
	return -1;
}

static double ui_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void ui_message(struct view *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->message, sizeof v->message, fmt, ap);
	va_end(ap);
}

long view_cursor(const struct view *v)
{
	return v->nsteps ? (long)v->steps[v->step] : -1;
}

bool view_focused(const struct view *v, enum view_focus f)
{
	return v->mode == MODE_WATCH && v->focus == f;
}

/* ---- Steps and moments ---- */

/* The events the cursor stops at: all but narration, which belongs to
 * the event before it. */
int view_make_steps(struct view *v)
{
	size_t n = 0;

	free(v->steps);
	v->steps = malloc((v->tr->nev ? v->tr->nev : 1) * sizeof *v->steps);
	if (v->steps == NULL)
		return -1;
	for (size_t i = 0; i < v->tr->nev; i++)
		if (v->tr->ev[i].type != TRACE_NARRATION)
			v->steps[n++] = i;
	v->nsteps = n;
	return 0;
}

/* How long a lost segment would have travelled: the network's delay in
 * its direction. */
static int64_t view_hop(const struct view *v, const struct trace_event *e)
{
	/* A capture has one observation point: nothing travels. */
	return v->prof ? v->prof->delay[e->side == SIDE_CLIENT ? 0 : 1] : 0;
}

/*
 * The moment shown when the cursor rests on step k: the event's time;
 * for a segment, as late as it can be before the next event, so that
 * the arrow has travelled (to its arrival, or to its loss).
 */
static int64_t view_step_time(const struct view *v, size_t k)
{
	const struct trace_event *e = &v->tr->ev[v->steps[k]];
	int64_t t = e->t, end;

	if (e->type != TRACE_SEGMENT)
		return t;
	end = e->u.seg.lost ? t + view_hop(v, e) : trace_arrival(e);
	if (k + 1 < v->nsteps) {
		int64_t next = v->tr->ev[v->steps[k + 1]].t;
		if (end >= next)
			end = next - 1;
	}
	return end > t ? end : t;
}

void view_goto(struct view *v, size_t k)
{
	if (v->nsteps == 0)
		return;
	if (k >= v->nsteps)
		k = v->nsteps - 1;
	v->step = k;
	v->now = view_step_time(v, k);
	v->scroll_rows = 0;
	v->narr_scroll = 0;
	v->hold_until = 0;
}

/* The narration said after event i (trace_narrates()) in the view's
 * language, else in English. */
const char *view_narration(const struct view *v, size_t i)
{
	const struct trace_event *e = &v->tr->ev[i];
	const char *s = trace_narration(v->tr, e, v->lang);
	const char *en = trace_narration(v->tr, e, 0);

	return s && *s ? s : en ? en : "";
}

/* ---- Playing what the player traced ---- */

int view_relayout(struct view *v, int width)
{
	struct layout_opts lo = {
		.width = width, .utf8 = screen_utf8(), .absolute = v->absolute,
	};
	struct layout *l = layout_build(v->tr, &lo);

	if (l == NULL)
		return -1;
	layout_free(v->lay);
	v->lay = l;
	v->lay_width = width;
	return 0;
}

/* The player made a new trace: keep the cursor on the same event, which
 * is the same in the new history when it comes before the branch. */
static int view_retrace(struct view *v)
{
	long cur = view_cursor(v);

	v->tr = player_trace(v->player);
	if (view_make_steps(v) < 0 || view_relayout(v, v->lay_width) < 0)
		return -1;
	v->step = 0;
	for (size_t k = 0; k < v->nsteps && cur >= 0; k++)
		if (v->steps[k] <= (size_t)cur)
			v->step = k;
	view_goto(v, v->step);
	return 0;
}

/* Build the profile as main() does: --profile, else the scenario's,
 * else linux; then the scenario's settings, then --set. */
static int view_profile(const struct view *v, const struct scenario *sc,
    struct profile *p, struct tv_error *err)
{
	const char *name = v->opts->profile_name ? v->opts->profile_name
	    : sc->profile[0] ? sc->profile : "linux";

	if (profile_init(p, name, err) < 0)
		return -1;
	if (strcmp(name, "host") == 0)
		profile_load_host(p, "/proc/sys/net/ipv4");
	for (size_t i = 0; i < sc->nsets; i++)
		if (profile_set(p, sc->sets[i], err) < 0)
			return -1;
	for (size_t i = 0; i < v->opts->nsets; i++)
		if (profile_set(p, v->opts->sets[i], err) < 0)
			return -1;
	return 0;
}

/*
 * Play scenario sc (owned: freed by the view later) or, when NULL, the
 * one of the command line with its --drop.  Nothing changes on failure.
 */
static int view_play(struct view *v, struct scenario *sc, struct tv_error *err)
{
	const struct scenario *play = sc ? sc : v->opts->sc;
	struct profile *prof = malloc(sizeof *prof);
	struct player *p;
	uint64_t seed;

	if (prof == NULL) {
		tv_error_set(err, "%s", _("out of memory"));
		return -1;
	}
	if (sc == NULL)
		*prof = *v->opts->prof;
	else if (view_profile(v, sc, prof, err) < 0) {
		free(prof);
		return -1;
	}
	seed = v->opts->has_seed || !play->has_seed ? v->opts->seed : play->seed;
	p = player_new(play, prof, seed, sc ? NULL : v->opts->faults,
	    sc ? 0 : v->opts->nfaults, err);
	if (p == NULL) {
		free(prof);
		return -1;
	}
	player_free(v->player);
	free(v->prof);
	if (v->owned_sc) {
		scenario_free(v->owned_sc);
		free(v->owned_sc);
	}
	v->player = p;
	v->prof = prof;
	v->owned_sc = sc;
	v->sc = play;
	v->playing = false;
	v->scroll_cols = 0;
	v->tr = player_trace(p);
	if (view_make_steps(v) < 0 || view_relayout(v, v->lay_width) < 0) {
		tv_error_set(err, "%s", _("out of memory"));
		return -1;
	}
	view_goto(v, 0);
	return 0;
}

/* ---- Playing ---- */

/* Reading time for the narration of step k, 0 if it has none: people
 * read about 15 Latin or 7 Chinese characters a second, so by width.
 * Its narration is the step's own (a state event's) and that of the
 * narration events after it. */
static double view_hold(const struct view *v, size_t k)
{
	size_t end = k + 1 < v->nsteps ? v->steps[k + 1] : v->tr->nev;
	int cols = 0;
	double secs;

	for (size_t i = v->steps[k]; i < end; i++)
		if (trace_narrates(&v->tr->ev[i]))
			cols += screen_width(view_narration(v, i));
	if (cols == 0)
		return 0;
	secs = 0.5 + cols / 20.0;
	if (secs > HOLD_MAX)
		secs = HOLD_MAX;
	/* Faster than the default speed, the user wants less reading. */
	return secs * speeds[SPEED_DEFAULT].rate / speeds[v->speed].rate;
}

/*
 * Move `now` by the real time passed since the last frame.  Between
 * two events time runs at the chosen speed, or faster when the stretch
 * would take longer than QUIET_REAL: the countdowns stay visible but a
 * minute of TIME_WAIT does not take ten minutes.
 */
static void view_tick(struct view *v)
{
	double real = ui_clock(), dt = real - v->last_tick;

	v->last_tick = real;
	if (real < v->hold_until)
		return;
	while (dt > 0) {
		int64_t from, to;
		double rate;
		if (v->step + 1 >= v->nsteps) {
			v->playing = false;
			view_goto(v, v->nsteps ? v->nsteps - 1 : 0);
			return;
		}
		from = v->tr->ev[v->steps[v->step]].t;
		to = v->tr->ev[v->steps[v->step + 1]].t;
		rate = speeds[v->speed].rate * 1e6;	/* us per real second */
		if ((to - from) / rate > QUIET_REAL)
			rate = (to - from) / QUIET_REAL;
		if (v->now + dt * rate < to) {
			v->now += (int64_t)(dt * rate);
			return;
		}
		dt -= (to - v->now) / rate;
		v->now = to;
		v->step++;
		v->scroll_rows = 0;
		v->narr_scroll = 0;
		double hold = view_hold(v, v->step);
		if (hold > 0) {
			v->hold_until = real + hold;
			return;
		}
	}
}

/* Milliseconds until the next frame is due. */
static int view_frame_wait(const struct view *v)
{
	double left = v->hold_until - ui_clock();

	if (left * 1000 > FRAME_MS)
		return (int)(left * 1000);
	return FRAME_MS;
}

/* Is the stretch being played now being fast-forwarded? */
static bool view_fast(const struct view *v)
{
	if (!v->playing || v->step + 1 >= v->nsteps)
		return false;
	int64_t span = v->tr->ev[v->steps[v->step + 1]].t -
	    v->tr->ev[v->steps[v->step]].t;
	return span / (speeds[v->speed].rate * 1e6) > QUIET_REAL;
}

/* ---- Drops ---- */

/* The trace changed under a drop: show it, and say which segment is
 * lost (side < 0: the one numbered n). */
static void view_after_drop(struct view *v, int64_t branch, int side,
    uint32_t n)
{
	char t[32];

	if (view_retrace(v) < 0) {
		ui_message(v, "%s", _("out of memory"));
		return;
	}
	for (size_t i = 0; i < v->tr->nev; i++) {
		const struct trace_event *e = &v->tr->ev[i];
		struct segment seg;
		if (e->type != TRACE_SEGMENT || !e->u.seg.lost || e->t != branch ||
		    (side < 0 ? e->n != n : e->side != side))
			continue;
		trace_segment(v->tr, e, &seg);
		ui_message(v, _("The %s's %s (segment %u, sent at %s) is lost now; "
		    "the rest is played again. Space or n: see what TCP does; "
		    "u: undo."), narration_side(e->side),
		    seg_kind_name(segment_kind(&seg)), (unsigned)e->n,
		    narration_time(branch, t, sizeof t));
		return;
	}
}

/* The segment "under the cursor": the cursor's event if a segment, else
 * the newest one still in flight at `now`; -1 if none. */
static long view_segment_at_cursor(const struct view *v)
{
	long cur = view_cursor(v);

	for (long i = cur; i >= 0; i--) {
		const struct trace_event *e = &v->tr->ev[i];
		if (e->type != TRACE_SEGMENT)
			continue;
		if (i == cur)
			return i;
		if (trace_arrival(e) > v->now)
			return i;
	}
	return -1;
}

static void view_drop(struct view *v, enum view_action a)
{
	int64_t branch;
	long i;

	v->mode = MODE_WATCH;
	if (a == A_DROP_CURSOR) {
		if ((i = view_segment_at_cursor(v)) < 0) {
			ui_message(v, "%s", _("No segment under the cursor: step onto "
			    "one with n or p, or use d c / d s."));
			return;
		}
		uint32_t n = v->tr->ev[i].n;
		if (player_drop_segment(v->player, n, &branch) < 0) {
			ui_message(v, "%s", _("That segment cannot be lost: it is "
			    "lost already, or a third host forged it."));
			return;
		}
		view_after_drop(v, branch, -1, n);
	} else {
		int side = a == A_DROP_CLIENT ? SIDE_CLIENT : SIDE_SERVER;
		if (player_drop_next(v->player, side, v->now, &branch) < 0) {
			ui_message(v, _("The %s sends nothing after this moment "
			    "that could be lost."), narration_side(side));
			return;
		}
		view_after_drop(v, branch, side, 0);
	}
}

static void view_undo(struct view *v)
{
	int64_t branch;
	char t[32];

	if (player_undo(v->player, &branch) < 0) {
		ui_message(v, "%s", _("Nothing to undo: no segment was dropped "
		    "here."));
		return;
	}
	if (view_retrace(v) < 0) {
		ui_message(v, "%s", _("out of memory"));
		return;
	}
	ui_message(v, _("The drop at %s is undone."),
	    narration_time(branch, t, sizeof t));
}

/* ---- Search ---- */

static int view_fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* strstr ignoring the case of ASCII letters (state names, flags). */
static bool view_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] &&
		    view_fold((unsigned char)hay[i]) ==
		    view_fold((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

/* Does step k match: its summary line or its narration? */
static bool view_step_matches(const struct view *v, size_t k, const char *q)
{
	char buf[512];
	size_t end = k + 1 < v->nsteps ? v->steps[k + 1] : v->tr->nev;

	if (view_contains(narration_event(v, v->steps[k], buf, sizeof buf), q))
		return true;
	for (size_t i = v->steps[k]; i < end; i++)
		if (trace_narrates(&v->tr->ev[i]) &&
		    view_contains(view_narration(v, i), q))
			return true;
	return false;
}

static void view_search(struct view *v)
{
	const char *q = v->last_search;
	size_t from = v->step;

	v->mode = MODE_WATCH;
	if (v->searchlen > 0)
		memcpy(v->last_search, v->search, v->searchlen + 1);
	if (*q == '\0' || v->nsteps == 0)
		return;
	for (size_t d = 1; d <= v->nsteps; d++) {
		size_t k = (from + d) % v->nsteps;
		if (view_step_matches(v, k, q)) {
			view_goto(v, k);
			if (k <= from)
				ui_message(v, "%s", _("The search went on from the "
				    "top."));
			return;
		}
	}
	ui_message(v, _("Not found: %s"), q);
}

/* Add a typed character (any language) to the search text. */
static void view_search_add(struct view *v, wint_t ch)
{
	char buf[8];
	size_t n = 0;

	if (ch < 0x20 || ch == 0x7f)
		return;
	if (ch < 0x80)
		buf[n++] = (char)ch;
	else if (ch < 0x800)
		buf[n++] = (char)(0xc0 | ch >> 6), buf[n++] = (char)(0x80 | (ch & 0x3f));
	else if (ch < 0x10000)
		buf[n++] = (char)(0xe0 | ch >> 12),
		buf[n++] = (char)(0x80 | (ch >> 6 & 0x3f)),
		buf[n++] = (char)(0x80 | (ch & 0x3f));
	else
		buf[n++] = (char)(0xf0 | ch >> 18),
		buf[n++] = (char)(0x80 | (ch >> 12 & 0x3f)),
		buf[n++] = (char)(0x80 | (ch >> 6 & 0x3f)),
		buf[n++] = (char)(0x80 | (ch & 0x3f));
	if (v->searchlen + n >= sizeof v->search)
		return;
	memcpy(v->search + v->searchlen, buf, n);
	v->searchlen += n;
	v->search[v->searchlen] = '\0';
}

static void view_search_erase(struct view *v)
{
	/* Back over one whole UTF-8 character. */
	while (v->searchlen > 0 &&
	    ((unsigned char)v->search[--v->searchlen] & 0xc0) == 0x80)
		;
	v->search[v->searchlen] = '\0';
}

/* ---- Keys ---- */

static void view_play_pause(struct view *v)
{
	v->playing = !v->playing;
	if (v->playing) {
		if (v->step + 1 >= v->nsteps)
			view_goto(v, 0);	/* from the end: play again */
		v->last_tick = ui_clock();
		v->hold_until = 0;
	}
}

static void view_step_by(struct view *v, int d)
{
	v->playing = false;
	if (d > 0 && v->step + 1 >= v->nsteps)
		ui_message(v, "%s", _("This is the last event (Home goes to the "
		    "first)."));
	else if (d < 0 && v->step == 0)
		ui_message(v, "%s", _("This is the first event."));
	else
		view_goto(v, d > 0 ? v->step + 1 : v->step - 1);
}

static void view_scroll(struct view *v, int d)
{
	if (v->mode == MODE_PAGE) {
		v->page_scroll += d;
		if (v->page_scroll < 0)
			v->page_scroll = 0;
	} else if (v->mode == MODE_PICKER) {
		long i = (long)v->item + d;
		v->item = i < 0 ? 0 : (size_t)i >= v->nitems ? v->nitems - 1
		    : (size_t)i;
	} else if (v->focus == FOCUS_NARRATION) {
		v->narr_scroll += d;
		if (v->narr_scroll < 0)
			v->narr_scroll = 0;
	} else {
		v->scroll_rows += d;
	}
}

static void view_inspect(struct view *v)
{
	for (long i = view_cursor(v); i >= 0; i--) {
		if (v->tr->ev[i].type == TRACE_SEGMENT) {
			v->inspect_ev = i;
			v->page = PAGE_INSPECT;
			v->mode = MODE_PAGE;
			v->page_scroll = 0;
			return;
		}
	}
	ui_message(v, "%s", _("No segment has been sent yet: step on with n."));
}

static void view_language(struct view *v)
{
	if (v->lang == 0 && !screen_utf8()) {
		ui_message(v, "%s", _("Chinese needs a UTF-8 terminal (for "
		    "example LANG=C.UTF-8)."));
		return;
	}
	v->lang = !v->lang;
	i18n_init(v->lang);
	view_relayout(v, v->lay_width);
	/* TRANSLATORS: said after l switched to this language. */
	ui_message(v, "%s", _("Language: English"));
}

/* P: a practice session on this lesson (practice mode's own screens),
 * then back to the view as it was.  False if the screen cannot return. */
static bool view_practice(struct view *v)
{
	struct practice_cli_opts o = {
		.filter = v->sc->id, .lang = v->lang, .theme = v->theme,
	};
	v->playing = false;
	screen_end();
	practice_cli_run(&o);
	if (screen_init(v->theme) < 0)
		return false;
	clearok(curscr, TRUE);
	return true;
}

static void view_theme(struct view *v)
{
	v->theme = (v->theme + 1) % THEME_NTHEMES;
	screen_set_theme(v->theme);
	if (screen_has_colour() || v->theme == THEME_MONO)
		ui_message(v, _("Theme: %s"), theme_names[v->theme]);
	else
		ui_message(v, _("Theme: %s, without colours (NO_COLOR is set or "
		    "the terminal has none)"), theme_names[v->theme]);
}

static void view_choose_scenario(struct view *v)
{
	struct scenario *sc = malloc(sizeof *sc);
	struct tv_error err;
	char buf[1024];

	if (sc == NULL || v->nitems == 0) {
		free(sc);
		return;
	}
	if (scenario_load(sc, v->items[v->item].path, &err) == 0 &&
	    view_play(v, sc, &err) == 0) {
		picker_close(v);
		v->mode = MODE_WATCH;
		return;
	}
	scenario_free(sc);
	free(sc);
	tv_error_format(&err, buf, sizeof buf);
	ui_message(v, "%s", buf);
}

/* One key in watching mode; false to quit. */
static bool view_watch_key(struct view *v, enum view_action a, int key)
{
	int page = LINES / 2;

	if (v->capture && (a == A_DROP || a == A_UNDO || a == A_PICKER ||
	    a == A_PRACTICE)) {
		ui_message(v, "%s", _("A capture is what happened: it has no drop "
		    "mode, no other scenarios and no practice."));
		return true;
	}
	switch (a) {
	case A_LIST:
		if (v->capture)
			capview_close(v);
		break;
	case A_FOLLOW:
	case A_SAVE:
		if (v->capture)
			capview_key(v, a);
		break;
	case A_PLAY: view_play_pause(v); break;
	case A_NEXT: view_step_by(v, 1); break;
	case A_PREV: view_step_by(v, -1); break;
	case A_FIRST: v->playing = false; view_goto(v, 0); break;
	case A_LAST:
		v->playing = false;
		view_goto(v, v->nsteps ? v->nsteps - 1 : 0);
		break;
	case A_FASTER:
	case A_SLOWER:
		v->speed += a == A_FASTER ? 1 : -1;
		v->speed = v->speed < 0 ? 0 : v->speed >= NSPEEDS ? NSPEEDS - 1
		    : v->speed;
		ui_message(v, _("Speed: %s of real time"), speeds[v->speed].label);
		break;
	case A_FOCUS: v->focus = (v->focus + 1) % FOCUS_N; break;
	case A_UP: view_scroll(v, -1); break;
	case A_DOWN: view_scroll(v, 1); break;
	case A_PGUP: view_scroll(v, -page); break;
	case A_PGDN: view_scroll(v, page); break;
	case A_SCROLL_LEFT:
		v->scroll_cols = v->scroll_cols > 8 ? v->scroll_cols - 8 : 0;
		break;
	case A_SCROLL_RIGHT: v->scroll_cols += 8; break;
	case A_INSPECT: view_inspect(v); break;
	case A_SEARCH:
		v->mode = MODE_SEARCH;
		v->searchlen = 0;
		v->search[0] = '\0';
		break;
	case A_PICKER:
		v->playing = false;
		if (picker_open(v) == 0)
			v->mode = MODE_PICKER;
		break;
	case A_LANG: view_language(v); break;
	case A_THEME: view_theme(v); break;
	case A_ABSOLUTE:
		v->absolute = !v->absolute;
		view_relayout(v, v->lay_width);
		ui_message(v, "%s", v->absolute
		    ? _("Sequence numbers: absolute, as on the wire")
		    : _("Sequence numbers: relative to each side's ISN"));
		break;
	case A_PRACTICE: return view_practice(v);
	case A_DROP:
		v->playing = false;
		v->mode = MODE_DROP;
		break;
	case A_UNDO: view_undo(v); break;
	case A_HELP:
		v->page = PAGE_HELP;
		v->mode = MODE_PAGE;
		v->page_scroll = 0;
		break;
	case A_QUIT: return false;
	case A_REDRAW: clearok(curscr, TRUE); break;
	default:
		if (key > ' ' && key < 0x7f)
			ui_message(v, _("'%c' does nothing here; ? lists the keys."),
			    key);
		break;
	}
	return true;
}

/* A key press (r and ch as get_wch() returned them); false to quit. */
static bool view_key(struct view *v, int r, wint_t ch)
{
	int key = r == KEY_CODE_YES || ch < 0x80 ? (int)ch : -1;
	enum view_action a = key < 0 ? A_NONE : keys_action(v->mode, key);

	v->message[0] = '\0';
	switch (v->mode) {
	case MODE_CONNLIST:
		if (!capview_list_key(v, a))
			return false;
		capview_after_key(v, a);
		break;
	case MODE_WATCH:
		if (!view_watch_key(v, a, key))
			return false;
		if (v->capture)
			capview_after_key(v, a);
		break;
	case MODE_DROP:
		if (a == A_CANCEL)
			v->mode = MODE_WATCH;
		else if (a == A_DROP_CLIENT || a == A_DROP_SERVER ||
		    a == A_DROP_CURSOR)
			view_drop(v, a);
		else if (a == A_REDRAW)
			clearok(curscr, TRUE);
		break;
	case MODE_SEARCH:
		if (a == A_CHOOSE) {
			view_search(v);
			/* A match away from the end stops following. */
			if (v->capture)
				capview_after_key(v, a);
		} else if (a == A_CANCEL)
			v->mode = MODE_WATCH;
		else if (a == A_ERASE)
			view_search_erase(v);
		else if (r != KEY_CODE_YES)
			view_search_add(v, ch);
		break;
	case MODE_PAGE:
	case MODE_PICKER:
		if (a == A_CANCEL) {
			if (v->mode == MODE_PICKER)
				picker_close(v);
			v->mode = MODE_WATCH;
			v->page = PAGE_NONE;
		} else if (a == A_CHOOSE) {
			view_choose_scenario(v);
		} else if (a == A_UP || a == A_DOWN) {
			view_scroll(v, a == A_UP ? -1 : 1);
		} else if (a == A_PGUP || a == A_PGDN) {
			view_scroll(v, (a == A_PGUP ? -1 : 1) * (LINES / 2));
		} else if (a == A_REDRAW) {
			clearok(curscr, TRUE);
		}
		break;
	default:
		break;
	}
	return true;
}

/* ---- Drawing ---- */

static void view_draw_notice(void)
{
	char msg[160];
	size_t start[8], len[8];
	int n;

	snprintf(msg, sizeof msg, _("Please enlarge the terminal (now %dx%d, "
	    "needs %dx%d)"), COLS, LINES, VIEW_MIN_W, VIEW_MIN_H);
	n = screen_wrap(msg, COLS - 2 > 0 ? COLS - 2 : 1, start, len, 8);
	if (n > 8)
		n = 8;
	for (int i = 0; i < n; i++) {
		char line[160];
		memcpy(line, msg + start[i], len[i]);
		line[len[i]] = '\0';
		int w = screen_width(line);
		screen_put((LINES - n) / 2 + i, (COLS - w) / 2 > 0 ? (COLS - w) / 2
		    : 0, line, R_NOTICE, COLS);
	}
}

/* The top line: what is played, how, and where in it the cursor is. */
static void view_draw_title(const struct view *v)
{
	const char *title = v->sc->title[v->lang] ? v->sc->title[v->lang]
	    : v->sc->title[0] ? v->sc->title[0] : "";
	char left[320], right[200], t[32];
	int rw;

	if (v->mode == MODE_CONNLIST) {
		/* TRANSLATORS: the title of a capture's connection list. */
		snprintf(left, sizeof left, ngettext(" tcpviz  %s  %lu connection",
		    " tcpviz  %s  %lu connections", v->cap->nconns),
		    v->cap->source, (unsigned long)v->cap->nconns);
		capview_status(v, right, sizeof right - 1);
		strcat(right, " ");
		screen_fill(0, 0, COLS, screen_attr(R_TITLE));
		rw = screen_width(right);
		screen_put(0, 0, left, R_TITLE, COLS - rw - 1);
		screen_put(0, COLS - rw > 0 ? COLS - rw : 0, right, R_TITLE, COLS);
		return;
	}
	snprintf(right, sizeof right, " %s %s %s%s  %s  t=%s  %zu/%zu ",
	    v->mode == MODE_DROP ? _("DROP") : "",
	    screen_glyph(v->playing ? (view_fast(v) ? G_FFWD : G_PLAY) : G_PAUSE),
	    screen_utf8() ? "×" : "x", speeds[v->speed].label,
	    v->prof ? v->prof->name : !v->live ? _("capture")
	    : v->follow ? _("live, following") : _("live"),
	    narration_time(v->now, t, sizeof t),
	    v->nsteps ? v->step + 1 : 0, v->nsteps);
	if (v->player && player_ndrops(v->player) > 0) {
		size_t n = strlen(right);
		snprintf(right + n - 1, sizeof right - n + 1, "  %s %zu ",
		    _("drops"), player_ndrops(v->player));
	}
	snprintf(left, sizeof left, " tcpviz  %s  %s", v->sc->id, title);
	screen_fill(0, 0, COLS, screen_attr(R_TITLE));
	rw = screen_width(right);
	screen_put(0, 0, left, R_TITLE, COLS - rw - 1);
	screen_put(0, COLS - rw > 0 ? COLS - rw : 0, right, R_TITLE, COLS);
}

/* The bottom line: the search being typed, the answer to the last key,
 * or the keys of the mode. */
static void view_draw_bottom(const struct view *v)
{
	int y = LINES - 1;

	if (v->mode == MODE_SEARCH) {
		int x;
		screen_fill(y, 0, COLS, screen_attr(R_HINT));
		x = screen_put(y, 0, "/", R_HINT_KEY, COLS);
		x += screen_put(y, x, v->search, R_VALUE, COLS - x - 1);
		screen_put(y, x, "_", R_HINT_KEY, 1);
	} else if (v->message[0]) {
		screen_fill(y, 0, COLS, screen_attr(R_MESSAGE));
		screen_put(y, 1, v->message, R_MESSAGE, COLS - 2);
	} else {
		keys_draw_hint(v, y, COLS);
	}
}

/* A frame around r with a title in its top edge; returns the inside. */
static struct rect view_box(struct rect r, const char *title)
{
	attr_t a = screen_attr(R_FRAME);

	for (int y = r.y; y < r.y + r.h; y++)
		screen_fill(y, r.x, r.w, A_NORMAL);
	screen_hline(r.y, r.x + 1, r.w - 2, a);
	screen_hline(r.y + r.h - 1, r.x + 1, r.w - 2, a);
	for (int y = r.y + 1; y < r.y + r.h - 1; y++) {
		screen_text(y, r.x, screen_glyph(G_VLINE), a, 0, COLS);
		screen_text(y, r.x + r.w - 1, screen_glyph(G_VLINE), a, 0, COLS);
	}
	screen_text(r.y, r.x, screen_glyph(G_TL), a, 0, COLS);
	screen_text(r.y, r.x + r.w - 1, screen_glyph(G_TR), a, 0, COLS);
	screen_text(r.y + r.h - 1, r.x, screen_glyph(G_BL), a, 0, COLS);
	screen_text(r.y + r.h - 1, r.x + r.w - 1, screen_glyph(G_BR), a, 0, COLS);
	screen_put(r.y, r.x + 2, title, R_FRAME_FOCUS, r.w - 4);
	return (struct rect){ r.y + 1, r.x + 2, r.h - 2, r.w - 4 };
}

/* Help, inspect or the picker on top of the diagram. */
static void view_draw_overlay(struct view *v, struct rect body)
{
	int w = body.w > 100 ? 100 : body.w - 2;
	struct rect r = { body.y, (COLS - w) / 2, body.h, w }, in;

	/* Nothing of the diagram shows through beside the page. */
	for (int y = body.y; y < body.y + body.h; y++)
		screen_fill(y, 0, COLS, A_NORMAL);

	if (v->mode == MODE_PICKER) {
		in = view_box(r, _("Scenarios"));
		picker_draw(v, in);
	} else if (v->page == PAGE_HELP) {
		in = view_box(r, _("Keys"));
		if (v->page_scroll > keys_help_lines() - in.h)
			v->page_scroll = keys_help_lines() - in.h > 0
			    ? keys_help_lines() - in.h : 0;
		keys_draw_help(v, in);
	} else if (v->page == PAGE_INSPECT) {
		in = view_box(r, _("Segment"));
		inspect_draw(v, in);
	}
}

static void view_draw(struct view *v)
{
	int nh, th, tw;
	bool wide = COLS >= VIEW_WIDE_W;
	struct rect ladder, body, narr;

	erase();
	if (COLS < VIEW_MIN_W || LINES < VIEW_MIN_H) {
		view_draw_notice();
		refresh();
		return;
	}
	if (v->mode == MODE_CONNLIST) {
		connlist_draw(v, (struct rect){ 1, 0, LINES - 2, COLS });
		view_draw_title(v);
		view_draw_bottom(v);
		refresh();
		return;
	}
	/* The narration takes a fifth of the height, at least its summary
	 * line and four lines of text. */
	nh = LINES / 5 < 5 ? 5 : LINES / 5 > 12 ? 12 : LINES / 5;
	if (screen_spacious() && LINES >= 30)
		nh += 2;
	narr = (struct rect){ LINES - 1 - nh, 0, nh, COLS };
	body = (struct rect){ 1, 0, LINES - 2 - nh, COLS };
	if (wide) {
		tw = tables_width();
		ladder = (struct rect){ body.y, tw + 1, body.h, COLS - 2 * tw - 2 };
		tables_draw(v, (struct rect){ body.y, 0, body.h, tw }, SIDE_CLIENT,
		    true);
		tables_draw(v, (struct rect){ body.y, COLS - tw, body.h, tw },
		    SIDE_SERVER, true);
	} else {
		th = tables_height();
		tw = COLS / 2;
		ladder = (struct rect){ body.y + th, 0, body.h - th, COLS };
		tables_draw(v, (struct rect){ body.y, 0, th, tw }, SIDE_CLIENT,
		    false);
		tables_draw(v, (struct rect){ body.y, tw, th, COLS - tw },
		    SIDE_SERVER, false);
	}
	if (ladder.w != v->lay_width && view_relayout(v, ladder.w) < 0)
		ui_message(v, "%s", _("out of memory"));
	ladder_draw(v, ladder);
	narration_draw(v, narr);
	view_draw_title(v);
	view_draw_bottom(v);
	if (v->mode == MODE_PICKER || v->mode == MODE_PAGE)
		view_draw_overlay(v, body);
	refresh();
}

/* ---- The loop ---- */

static int view_loop(struct view *v)
{
	for (;;) {
		wint_t ch;
		int r, sig, wait;

		if ((sig = screen_signal()) != 0)
			return 128 + sig;
		if (v->playing)
			view_tick(v);
		view_draw(v);
		/* Paused: sleep until a key (or a signal, or a resize). */
		wait = v->playing ? view_frame_wait(v) : -1;
		/* Live, packets wake the loop too.  A key or a resize that
		 * came while reading or drawing may already be curses' and
		 * out of poll()'s sight: ask curses first. */
		if (v->capture && v->live) {
			timeout(0);
			r = get_wch(&ch);
			if (r == ERR) {
				if (!capview_wait(v, wait))
					continue;
				r = get_wch(&ch);
			}
		} else {
			timeout(wait);
			r = get_wch(&ch);
		}
		if (r == ERR || (r == KEY_CODE_YES && ch == KEY_RESIZE))
			continue;
		if (!view_key(v, r, ch))
			return 0;
	}
}

static void view_free(struct view *v)
{
	player_free(v->player);
	layout_free(v->lay);
	free(v->spans);
	free(v->prof);
	if (v->owned_sc) {
		scenario_free(v->owned_sc);
		free(v->owned_sc);
	}
	picker_close(v);
	free(v->steps);
	if (v->capture)
		capview_free(v);
}

/*
 * Take the terminal and run the loop until the user quits; then give
 * it back.  1 if the terminal cannot be used.
 */
static int view_run(struct view *v)
{
	int status;

	if (screen_init(v->theme) < 0) {
		const char *term = getenv("TERM");
		fprintf(stderr, _("tcpviz: cannot use the terminal (TERM=%s); "
		    "use --text for a text diagram\n"), term ? term : "");
		return 1;
	}
	/* Built before the terminal said whether it has UTF-8 glyphs and
	 * how wide it is: build again at the first frame. */
	v->lay_width = 0;
	if (v->lang == 1 && !screen_utf8()) {
		v->lang = 0;
		i18n_init(0);
		ui_message(v, "%s", _("Chinese needs a UTF-8 terminal (for "
		    "example LANG=C.UTF-8); showing English."));
	}
	status = view_loop(v);
	screen_end();
	return status;
}

int ui_run(const struct ui_opts *o)
{
	struct view v;
	struct tv_error err;
	char buf[1024];
	int status;

	memset(&v, 0, sizeof v);
	v.opts = o;
	v.lang = o->lang;
	v.theme = o->theme;
	v.speed = SPEED_DEFAULT;
	v.lay_width = 80;	/* until the first frame knows the screen */
	setlocale(LC_CTYPE, "");
	if (view_play(&v, NULL, &err) < 0) {
		tv_error_format(&err, buf, sizeof buf);
		fprintf(stderr, "tcpviz: %s\n", buf);
		view_free(&v);
		return 1;
	}
	status = view_run(&v);
	view_free(&v);
	return status;
}

int ui_capture_run(const struct ui_capture_opts *o)
{
	struct ui_opts uo = { .lang = o->lang, .theme = o->theme };
	struct view v;
	int status;

	memset(&v, 0, sizeof v);
	v.opts = &uo;
	v.lang = o->lang;
	v.theme = o->theme;
	v.speed = SPEED_DEFAULT;
	v.capture = true;
	v.cap = o->tr;
	v.src = o->src;
	v.live = v.follow = o->src != NULL && o->src->fd >= 0;
	v.mode = MODE_CONNLIST;
	scenario_init(&v.capsc);
	snprintf(v.capsc.id, sizeof v.capsc.id, "%s", _("capture"));
	snprintf(v.captitle, sizeof v.captitle, "%s", o->tr->source);
	v.capsc.title[0] = v.captitle;
	v.sc = &v.capsc;
	setlocale(LC_CTYPE, "");
	if (connlist_build(&v) < 0) {
		fprintf(stderr, "tcpviz: %s\n", _("out of memory"));
		return 1;
	}
	if (v.src != NULL && v.src->pin != NULL && v.nrows > 0)
		v.src->pin(v.src->ctx, v.rows[0].conn);
	status = view_run(&v);
	view_free(&v);
	return status;
}
