/*
 * connlist.c: the connection list a capture opens on (tcpviz -r FILE
 * on a terminal).  One row per connection: its endpoints, each side's
 * last inferred state, packets, payload bytes, duration and notes; the
 * half-open connections of a SYN flood are one row for the whole flood,
 * since a thousand identical ladders teach nothing.  ui.c opens the one
 * chosen in the ordinary diagram.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "view.h"

/* Is connection c (0-based) one of a flood's half-open members? */
static bool connlist_in_flood(const struct trace *tr, size_t c)
{
	const struct trace_conn *k = &tr->conns[c];

	return k->incomplete && k->listener > 0 &&
	    (size_t)k->listener <= tr->nlisteners &&
	    tr->listeners[k->listener - 1].flood;
}

/* The rows in connection order; a flood's row where its first member
 * would be. */
int connlist_build(struct view *v)
{
	const struct trace *tr = v->cap;
	bool *seen = calloc(tr->nlisteners + 1, sizeof *seen);
	size_t n = 0;

	connlist_free(v);
	v->rows = malloc((tr->nconns ? tr->nconns : 1) * sizeof *v->rows);
	if (v->rows == NULL || seen == NULL) {
		free(seen);
		connlist_free(v);
		return -1;
	}
	for (size_t c = 0; c < tr->nconns; c++) {
		if (!connlist_in_flood(tr, c)) {
			v->rows[n++] = (struct connlist_row){ (int)c + 1, 0 };
			continue;
		}
		int l = tr->conns[c].listener;
		if (!seen[l]) {
			seen[l] = true;
			v->rows[n++] = (struct connlist_row){ 0, l };
		}
	}
	free(seen);
	v->nrows = n;
	/* The rows' figures, once per build rather than once per frame. */
	free(v->sums);
	v->sums = malloc((tr->nconns ? tr->nconns : 1) * sizeof *v->sums);
	if (v->sums == NULL) {
		connlist_free(v);
		return -1;
	}
	trace_conn_summaries(tr, v->sums);
	if (v->row >= n)
		v->row = n ? n - 1 : 0;
	return 0;
}

void connlist_free(struct view *v)
{
	free(v->rows);
	free(v->sums);
	v->rows = NULL;
	v->sums = NULL;
	v->nrows = 0;
}

/* "a, b, c" of the notes' machine words, cut to fit len. */
static void connlist_notes(uint32_t notes, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < NOTE_NCOUNT && n < len; i++) {
		if (!(notes & (1u << i)))
			continue;
		int w = snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
		    trace_note_name(i));
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

static const char *connlist_state(const struct trace_conn_summary *s,
    int side, char *buf, size_t len)
{
	if (!s->known[side])
		return "-";
	snprintf(buf, len, "%s%s", tcp_state_name(s->state[side]),
	    s->assumed[side] ? "?" : "");
	return buf;
}

/* Columns of the list: start and width of each, after a one-column
 * margin; notes take what is left.  Each cell is put on its own, so
 * that headings in any script line up by display width. */
enum { C_CLIENT, C_SERVER, C_CSTATE, C_SSTATE, C_PKTS, C_BYTES, C_DUR,
	C_NOTES, C_N };
static const int col_w[C_N] = { 22, 22, 13, 13, 7, 10, 11, 0 };

static void connlist_cells(int y, struct rect r, const char *const cell[C_N],
    int role)
{
	int x = r.x + 1;

	for (int i = 0; i < C_N && x < r.x + r.w; i++) {
		int w = col_w[i] ? col_w[i] - 1 : r.x + r.w - x;
		/* Numbers are right-aligned under their heading. */
		int pad = i >= C_PKTS && i <= C_DUR ? w - screen_width(cell[i]) : 0;
		if (w > r.x + r.w - x)
			w = r.x + r.w - x;
		screen_put(y, x + (pad > 0 ? pad : 0), cell[i], role, w);
		x += col_w[i];
	}
}

/* One row at y (the summaries of cap's connections in sum). */
static void connlist_row_draw(const struct view *v,
    const struct trace_conn_summary *sum, const struct connlist_row *row,
    int y, struct rect r, int role)
{
	const struct trace *tr = v->cap;
	char a[64], b[64], sc[32], ss[32], d[32], p[16], n[24], notes[160];

	if (row->conn == 0) {
		const struct trace_listener *l = &tr->listeners[row->listener - 1];
		char line[256];
		snprintf(line, sizeof line,
		    _("SYN flood on %s: %u half-open from %u sources"),
		    endpoint_str(&l->ep, a, sizeof a), (unsigned)l->members,
		    (unsigned)l->sources);
		screen_put(y, r.x + 1, line, role, r.w - 1);
		return;
	}
	const struct trace_conn *c = &tr->conns[row->conn - 1];
	const struct trace_conn_summary *s = &sum[row->conn - 1];
	connlist_notes(s->notes, notes, sizeof notes);
	snprintf(p, sizeof p, "%u", (unsigned)s->packets);
	snprintf(n, sizeof n, "%llu", (unsigned long long)s->bytes);
	const char *cell[C_N] = {
		endpoint_str(&c->ep[SIDE_CLIENT], a, sizeof a),
		endpoint_str(&c->ep[SIDE_SERVER], b, sizeof b),
		connlist_state(s, SIDE_CLIENT, sc, sizeof sc),
		connlist_state(s, SIDE_SERVER, ss, sizeof ss), p, n,
		narration_time(s->packets ? s->t_last - s->t_first : 0, d, sizeof d),
		notes,
	};
	connlist_cells(y, r, cell, role);
}

void connlist_draw(const struct view *v, struct rect r)
{
	const char *head[C_N] = {
		_("client"), _("server"), _("client state"), _("server state"),
		_("pkts"), _("bytes"), _("duration"), _("notes"),
	};
	int top;

	if (r.h < 2)
		return;
	connlist_cells(r.y, r, head, R_FRAME_FOCUS);
	if (v->nrows == 0) {
		screen_put(r.y + 1, r.x + 1, v->live
		    ? _("Waiting for TCP packets...")
		    : _("No TCP connection in this capture."), R_MESSAGE, r.w - 1);
		return;
	}
	top = (int)v->row >= r.h - 1 ? (int)v->row - (r.h - 2) : 0;
	for (size_t i = (size_t)top; i < v->nrows && (int)i - top < r.h - 1; i++) {
		int y = r.y + 1 + (int)i - top;
		bool sel = i == v->row;
		if (sel)
			screen_fill(y, r.x, r.w, screen_attr(R_SELECT));
		connlist_row_draw(v, v->sums, &v->rows[i], y, r,
		    sel ? R_SELECT : ROLE_TEXT);
	}
}
