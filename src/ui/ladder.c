/*
 * ladder.c: paints the sequence diagram.  layout_frame() says what is
 * where (spans of text with a role each); this file only chooses which
 * rows and columns are visible, paints each span with its theme
 * attribute, and names the two lifelines (side and address) above them.
 *
 * The rows shown follow the moment on screen: its row sits near the
 * bottom once the diagram is taller than the pane, so the newest arrow
 * is always in view.  That choice depends on nothing but the cursor and
 * the pane, so stepping back shows exactly what was there before; the
 * arrow keys add a manual offset that the next step forgets.
 */
#include <stdio.h>
#include <stdlib.h>

#include "view.h"

/* The last row whose time is at or before t; -1 if none. */
static int ladder_row_at(const struct layout *l, int64_t t)
{
	int lo = 0, hi = layout_rows(l) - 1, found = -1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (layout_row_time(l, mid) <= t) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

/* The top row that keeps the moment on screen (and the arrow the
 * cursor is on, to its end) in a pane `height` rows tall. */
static int ladder_follow_top(const struct view *v, int height)
{
	int row = ladder_row_at(v->lay, v->now);
	long cur = view_cursor(v);

	if (cur >= 0) {
		const struct trace_event *e = &v->tr->ev[cur];
		int r = layout_event_row(v->lay, (size_t)cur);
		if (r > row)
			row = r;
		if (e->type == TRACE_SEGMENT && !e->u.seg.lost &&
		    trace_arrival(e) <= v->now) {
			r = ladder_row_at(v->lay, trace_arrival(e));
			if (r > row)
				row = r;
		}
	}
	/* One row of air below the newest thing drawn. */
	return row + 2 - height > 0 ? row + 2 - height : 0;
}

/* The header above the lifelines (columns cl and sl, in the pane):
 * each side's name and address, centred over its line where it fits. */
static void ladder_header(const struct view *v, struct rect r, int cl, int sl)
{
	char text[2][96], addr[64];
	int w[2], x[2];

	for (int side = 0; side < 2; side++) {
		endpoint_str(&v->sc->ep[side], addr, sizeof addr);
		snprintf(text[side], sizeof text[side], "%s %s",
		    narration_side(side), addr);
		w[side] = screen_width(text[side]);
	}
	x[0] = cl - w[0] / 2;
	x[1] = sl - w[1] / 2;
	if (x[0] < r.x)
		x[0] = r.x;
	if (x[1] + w[1] > r.x + r.w)
		x[1] = r.x + r.w - w[1];
	if (x[1] < x[0] + w[0] + 1)	/* too close: one at each edge */
		x[0] = r.x, x[1] = r.x + r.w - w[1];
	screen_text(r.y, x[0], text[0], screen_attr(ROLE_ARROW_C2S), r.x,
	    r.x + r.w);
	screen_text(r.y, x[1], text[1], screen_attr(ROLE_ARROW_S2C), r.x,
	    r.x + r.w);
}

void ladder_draw(struct view *v, struct rect pane)
{
	/* The first line names the lifelines; the ladder is below it. */
	struct rect r = { pane.y + 1, pane.x, pane.h - 1, pane.w };
	int rows = layout_rows(v->lay), top, base, maxcol = 0, cl = -1, sl = -1;
	int64_t branch = v->player ? player_branch(v->player) : -1;
	size_t n;

	if (r.h <= 0 || r.w <= 0)
		return;
	base = ladder_follow_top(v, r.h);
	top = base + v->scroll_rows;
	if (top > rows - 1)
		top = rows - 1;
	if (top < 0)
		top = 0;
	v->scroll_rows = top - base;	/* no scrolling past the ends */

	/* A frame has a few spans a row; ask again if it had more. */
	for (;;) {
		n = layout_frame(v->lay, top, r.h, v->now, view_cursor(v), branch,
		    v->spans, v->nspans_cap);
		if (n <= v->nspans_cap)
			break;
		struct layout_span *s = realloc(v->spans, n * sizeof *s);
		if (s == NULL) {
			n = v->nspans_cap;
			break;
		}
		v->spans = s;
		v->nspans_cap = n;
	}

	for (size_t i = 0; i < n; i++) {
		const struct layout_span *s = &v->spans[i];
		if (s->col + s->width > maxcol)
			maxcol = s->col + s->width;
		if (s->role == ROLE_LIFELINE || s->role == ROLE_FUTURE) {
			if (cl < 0 || s->col < cl)
				cl = s->col;
			if (s->col > sl)
				sl = s->col;
		}
	}
	if (v->scroll_cols > maxcol - r.w)
		v->scroll_cols = maxcol - r.w > 0 ? maxcol - r.w : 0;

	for (size_t i = 0; i < n; i++) {
		const struct layout_span *s = &v->spans[i];
		screen_text(r.y + s->row - top, r.x + s->col - v->scroll_cols,
		    s->text, screen_attr(s->role), r.x, r.x + r.w);
	}
	if (cl >= 0 && sl > cl)
		ladder_header(v, pane, r.x + cl - v->scroll_cols,
		    r.x + sl - v->scroll_cols);

	/* Sideways scrolling is possible: say so at the edges. */
	if (v->scroll_cols > 0)
		screen_text(pane.y, pane.x, screen_glyph(G_LARROW),
		    screen_attr(R_HINT_KEY), pane.x, pane.x + pane.w);
	if (maxcol - v->scroll_cols > r.w) {
		const char *g = screen_glyph(G_RARROW);
		screen_text(pane.y, pane.x + pane.w - screen_width(g), g,
		    screen_attr(R_HINT_KEY), pane.x, pane.x + pane.w);
	}
}
