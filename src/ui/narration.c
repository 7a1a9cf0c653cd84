/*
 * narration.c: the bottom pane.  Its first line sums up the event under
 * the cursor ("0.100 s  client SYN → server  S seq=0 len=0"); below it
 * the scenario's narration of that step in the chosen language, wrapped
 * by display width (a Chinese character takes two columns) and
 * scrollable when the pane has the focus.  A step without narration of
 * its own keeps the last one, dimmed, so the screen never goes blank.
 */
#include <inttypes.h>
#include <string.h>

#include "i18n.h"
#include "view.h"

#define NARR_MAX_LINES 256

/* Seconds with three decimals from integers, whatever the locale. */
const char *narration_time(int64_t t, char *buf, size_t len)
{
	uint64_t ms = ((t < 0 ? -(uint64_t)t : (uint64_t)t) + 500) / 1000;

	snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64 " s", t < 0 ? "-" : "",
	    ms / 1000, ms % 1000);
	return buf;
}

const char *narration_side(int side)
{
	return side == SIDE_CLIENT ? _("client") : _("server");
}

static const char *narration_segment(const struct view *v,
    const struct trace_event *e, char *buf, size_t len)
{
	struct segment seg;
	char flags[10], t[32];
	uint32_t seq, ack;
	size_t n;

	trace_segment(v->tr, e, &seg);
	seq = v->absolute ? e->u.seg.seq : trace_rel_seq(v->tr, e);
	ack = v->absolute ? e->u.seg.ack : trace_rel_ack(v->tr, e);
	/* "client SYN → server": what a search for "client SYN" finds. */
	snprintf(buf, len, "%s  %s %s %s %s  %s seq=%" PRIu32, narration_time(
	    e->t, t, sizeof t), narration_side(e->side),
	    seg_kind_name(segment_kind(&seg)), screen_glyph(G_RARROW),
	    narration_side(!e->side), segment_flags_str(e->u.seg.flags, flags),
	    seq);
	n = strlen(buf);
	if (e->u.seg.flags & SEG_ACK)
		n += snprintf(buf + n, len - n, " ack=%" PRIu32, ack);
	if (n < len)
		n += snprintf(buf + n, len - n, " len=%" PRIu32 " win=%u",
		    e->u.seg.len, (unsigned)e->u.seg.win);
	if (n < len && e->u.seg.lost)
		n += snprintf(buf + n, len - n, "  [%s]", _("lost"));
	for (unsigned b = 0; b < NOTE_NCOUNT && n < len; b++)
		if (e->u.seg.notes & (1u << b))
			n += snprintf(buf + n, len - n, "  [%s]", trace_note_name(b));
	return buf;
}

/* One line about event i: what a search matches and the pane's first
 * line shows. */
const char *narration_event(const struct view *v, size_t i, char *buf,
    size_t len)
{
	const struct trace_event *e = &v->tr->ev[i];
	char t[32], t2[32];

	narration_time(e->t, t, sizeof t);
	switch (e->type) {
	case TRACE_SEGMENT:
		return narration_segment(v, e, buf, len);
	case TRACE_STATE:
		snprintf(buf, len, "%s  %s: %s %s %s  (%s)", t,
		    narration_side(e->side), tcp_state_name(e->u.state.from),
		    screen_glyph(G_RARROW), tcp_state_name(e->u.state.to),
		    e->u.state.cause ? e->u.state.cause : "");
		break;
	case TRACE_TIMER:
		if (e->u.timer.action == TIMER_ARMED)
			snprintf(buf, len, _("%s  %s: %s timer armed, fires at %s"),
			    t, narration_side(e->side),
			    trace_timer_name(e->u.timer.timer),
			    narration_time(e->u.timer.expires, t2, sizeof t2));
		else
			snprintf(buf, len, e->u.timer.action == TIMER_FIRED
			    ? _("%s  %s: %s timer fired") : _("%s  %s: %s timer cancelled"),
			    t, narration_side(e->side),
			    trace_timer_name(e->u.timer.timer));
		break;
	case TRACE_APP:
		/* "listen(128)", "send(100)", but "connect()": %.0u
		 * prints nothing for 0. */
		if (e->u.app.result == APP_PENDING)
			snprintf(buf, len, "%s  %s: %s(%.0" PRIu32 ")", t,
			    narration_side(e->side), app_call_name(e->u.app.call),
			    e->u.app.arg);
		else
			snprintf(buf, len, _("%s  %s: %s() returns %s"), t,
			    narration_side(e->side), app_call_name(e->u.app.call),
			    app_result_name(e->u.app.result));
		break;
	default:
		snprintf(buf, len, "%s", t);
		break;
	}
	return buf;
}

/*
 * The events whose narration step k shows: from the step to the end of
 * its moment (the first later step with a later time).  A scenario's
 * narration follows the event it is about, often behind a few others
 * of the same instant (the SYN, then the timer it arms), so every step
 * of that instant shows it.  The step itself is in the span because a
 * state event may carry its narration (trace_narrates()).
 */
static void narration_span(const struct view *v, size_t k, size_t *from,
    size_t *to)
{
	size_t j = k + 1;
	int64_t t = v->tr->ev[v->steps[k]].t;

	while (j < v->nsteps && v->tr->ev[v->steps[j]].t == t)
		j++;
	*from = k == 0 ? 0 : v->steps[k];
	*to = j < v->nsteps ? v->steps[j] : v->tr->nev;
}

static bool narration_has(const struct view *v, size_t k)
{
	size_t from, to;

	narration_span(v, k, &from, &to);
	for (size_t i = from; i < to; i++)
		if (trace_narrates(&v->tr->ev[i]))
			return true;
	return false;
}

void narration_draw(struct view *v, struct rect r)
{
	static size_t start[NARR_MAX_LINES], len[NARR_MAX_LINES];
	static const char *text[NARR_MAX_LINES];
	char buf[512], more[64] = "";
	int margin = screen_spacious() ? 4 : 2, n = 0, body = r.h - 1, mw;
	size_t k = v->step, from, to;
	bool focus = view_focused(v, FOCUS_NARRATION);
	int role;

	if (v->nsteps == 0)
		return;
	/* The narration of this step, or else of the last step that had
	 * one, broken into lines. */
	while (k > 0 && !narration_has(v, k))
		k--;
	role = k == v->step ? R_NARR : R_NARR_OLD;
	narration_span(v, k, &from, &to);
	for (size_t i = from; i < to && n < NARR_MAX_LINES; i++) {
		const char *s;
		int got;
		if (!trace_narrates(&v->tr->ev[i]))
			continue;
		s = view_narration(v, i);
		got = screen_wrap(s, r.w - 2 * margin, start + n, len + n,
		    NARR_MAX_LINES - n);
		if (got > NARR_MAX_LINES - n)
			got = NARR_MAX_LINES - n;
		for (int j = 0; j < got; j++)
			text[n + j] = s;
		n += got;
	}
	if (v->narr_scroll > n - body)
		v->narr_scroll = n - body > 0 ? n - body : 0;

	/* The summary line, which also separates the pane from the ladder;
	 * at its right end, whether there is more to read. */
	if (n > body && focus)
		snprintf(more, sizeof more, _(" lines %d-%d of %d "),
		    v->narr_scroll + 1, v->narr_scroll + body, n);
	else if (n > body + v->narr_scroll)
		snprintf(more, sizeof more, ngettext(" Tab, Down: %d more line ",
		    " Tab, Down: %d more lines ", (unsigned long)(n - body -
		    v->narr_scroll)), n - body - v->narr_scroll);
	mw = screen_width(more);
	screen_fill(r.y, r.x, r.w, screen_attr(focus ? R_FRAME_FOCUS : R_STATUS));
	screen_put(r.y, r.x + 1, narration_event(v, v->steps[v->step], buf,
	    sizeof buf), focus ? R_FRAME_FOCUS : R_STATUS, r.w - 2 - mw);
	screen_put(r.y, r.x + r.w - mw, more, focus ? R_FRAME_FOCUS : R_STATUS,
	    mw);

	for (int j = 0; j < body && v->narr_scroll + j < n; j++) {
		int i = v->narr_scroll + j;
		char line[512];
		size_t l = len[i] < sizeof line - 1 ? len[i] : sizeof line - 1;
		memcpy(line, text[i] + start[i], l);
		line[l] = '\0';
		screen_put(r.y + 1 + j, r.x + margin, line, role, r.w - 2 * margin);
	}
}
