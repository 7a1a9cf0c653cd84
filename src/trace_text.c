/*
 * trace_text.c: the --text view, a ladder diagram in plain text.
 *
 * One row per event in time order: the time, then the client's lifeline
 * and the server's as two columns of '|'.  A segment is an arrow across
 * the gap, labelled with its flags and numbers; a lost one stops half
 * way at an "X" and says "lost".  New states stand outside the lifelines
 * (client on the left, server on the right), application calls and
 * timers inside, next to their side's line, wrapped when the gap is too
 * narrow.  Narration is an indented paragraph.  The header names the
 * scenario and wraps its summary.
 *
 * Interface words go through gettext (i18n.h); the scenario's own texts
 * (title, summary, narration) are picked by opts->lang.  Everything is
 * measured in display columns, never bytes, so Chinese (two columns a
 * character) lines up and fits the terminal too.
 *
 * Events share a row only where that cannot mislead: the same side at
 * the same time, a new state beside the call or the segment that goes
 * with it.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "textwidth.h"
#include "trace.h"

#define TEXT_MARGIN 12		/* "ESTABLISHED" and a space */
#define TEXT_MIN_GAP 12		/* narrower requests are widened */
#define TEXT_NOTE 256		/* a call or a timer, translated, in UTF-8 */

struct text_row {
	bool open;
	int64_t t;
	int side;			/* whose events the row shows */
	const char *state;		/* new state beside the side's lifeline */
	char note[TEXT_NOTE];		/* a call or a timer, inside the gap */
	const struct trace_event *seg;	/* an arrow fills the whole gap */
};

struct text {
	FILE *out;
	const struct trace *tr;
	bool failed;		/* out of memory: the writer returns -1 */
	int lang;
	bool absolute;
	int width;
	int tw;			/* digits of the time column, without "s" */
	int c0;			/* first column after the time */
	int cl, sl;		/* the client's and the server's lifeline */
	int conn;		/* whose events the rows show now */
	struct text_row row;
};

static void text_repeat(FILE *out, int c, int n)
{
	while (n-- > 0)
		putc(c, out);
}

/* Seconds with three decimals from integers, whatever the locale. */
static const char *text_time(int64_t t, char *buf, size_t len)
{
	uint64_t ms = ((t < 0 ? -(uint64_t)t : (uint64_t)t) + 500) / 1000;

	snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64, t < 0 ? "-" : "",
	    ms / 1000, ms % 1000);
	return buf;
}

/* A duration for a label: "60", "0.5", "1.25" (seconds). */
static const char *text_secs(int64_t us, char *buf, size_t len)
{
	size_t n;

	text_time(us, buf, len);
	n = strlen(buf);
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[n - 1] = '\0';
	return buf;
}

/* ---- Measuring and wrapping ---- */

enum { CH_OTHER, CH_SPACE, CH_NEWLINE };

struct text_char {
	size_t off;		/* where its bytes start */
	int len;		/* how many bytes */
	int w;			/* display columns; -1: not printed */
	int cls;
	bool glue_before;	/* closing punctuation: never starts a line */
	bool glue_after;	/* opening punctuation: never ends a line */
};

/* Punctuation that a line must not start with (closing) or end with
 * (opening), in both languages' forms; 0 ends each list. */
static const uint32_t text_closing[] = {
	',', '.', ';', ':', '!', '?', ')', ']', '}', '%', 0x3001, 0x3002,
	0xff0c, 0xff0e, 0xff1a, 0xff1b, 0xff01, 0xff1f, 0xff09, 0x300d,
	0x300f, 0x3011, 0x300b, 0x2019, 0x201d, 0,
};
static const uint32_t text_opening[] = {
	'(', '[', '{', 0xff08, 0x300c, 0x300e, 0x3010, 0x300a, 0x2018,
	0x201c, 0,
};

static bool text_in(const uint32_t *set, uint32_t cp)
{
	for (; *set != 0; set++)
		if (*set == cp)
			return true;
	return false;
}

/*
 * The character at s + i (n bytes in all), measured by textwidth.h like
 * every other view's.  A byte that does not decode is passed through and
 * counted as one column.
 */
static void text_decode_char(const char *s, size_t n, size_t i,
    struct text_char *c)
{
	uint32_t cp;
	size_t k = textwidth_decode(s + i, n - i, &cp);

	memset(c, 0, sizeof *c);
	c->off = i;
	c->len = (int)k;
	if (cp == TEXTWIDTH_INVALID && k == 1) {
		c->w = 1;
	} else if (cp == '\n') {
		c->cls = CH_NEWLINE;
	} else if (cp == ' ' || cp == '\t') {
		c->cls = CH_SPACE;
		c->w = 1;
	} else {
		c->w = textwidth_cp(cp);
		c->glue_before = text_in(text_closing, cp);
		c->glue_after = text_in(text_opening, cp);
	}
}

/* NULL (and the writer fails) when out of memory. */
static struct text_char *text_decode(struct text *tx, const char *s,
    size_t *nchars)
{
	size_t n = strlen(s), nc = 0;
	/* One more than needed: malloc(0) may return NULL. */
	struct text_char *ch = malloc((n + 1) * sizeof *ch);

	if (ch == NULL) {
		tx->failed = true;
		return NULL;
	}
	for (size_t i = 0; i < n; nc++) {
		text_decode_char(s, n, i, &ch[nc]);
		i += (size_t)ch[nc].len;
	}
	*nchars = nc;
	return ch;
}

/* Display columns of s, the measure of every padded field.  Unlike
 * textwidth(), a tab counts one column: text_put() prints it as a space. */
static int text_width(const char *s)
{
	size_t n = strlen(s);
	struct text_char c;
	int w = 0;

	for (size_t i = 0; i < n; i += (size_t)c.len) {
		text_decode_char(s, n, i, &c);
		if (c.w > 0)
			w += c.w;
	}
	return w;
}

static bool text_can_break(const struct text_char *ch, size_t i)
{
	const struct text_char *a = &ch[i - 1], *b = &ch[i];

	if (b->cls == CH_SPACE)
		return true;
	/* A combining mark stays with its base character. */
	if (b->w == 0)
		return false;
	if (a->cls == CH_SPACE)
		return true;
	if (b->glue_before || a->glue_after)
		return false;
	/* Between CJK characters, which have no spaces between words. */
	return a->w == 2 || b->w == 2;
}

/*
 * The line of ch[*start, nc) that fits in `avail` columns: leading
 * spaces skipped (*start moves past them), trailing ones dropped
 * (*end), its columns in *w.  Returns where the next line starts.
 */
static size_t text_line(const struct text_char *ch, size_t nc,
    size_t *start, int avail, size_t *end, int *w)
{
	size_t i, s = *start, e, next, brk = 0;
	int col = 0;

	while (s < nc && ch[s].cls == CH_SPACE)
		s++;
	for (i = s;; i++) {
		int cw;

		if (i == nc || ch[i].cls == CH_NEWLINE) {
			e = i;
			next = i + (i < nc);
			break;
		}
		if (i > s && text_can_break(ch, i))
			brk = i;
		cw = ch[i].w > 0 ? ch[i].w : 0;
		if (col + cw > avail && i > s) {
			/* No break in sight: cut the overlong word. */
			e = next = brk > s ? brk : i;
			break;
		}
		col += cw;
	}
	while (e > s && ch[e - 1].cls == CH_SPACE)
		e--;
	*w = 0;
	for (i = s; i < e; i++)
		*w += ch[i].w > 0 ? ch[i].w : 0;
	*start = s;
	*end = e;
	return next;
}

/* The characters ch[start, end) of s. */
static void text_put(struct text *tx, const char *s,
    const struct text_char *ch, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++) {
		/* A tab would not be one column wide. */
		if (ch[i].cls == CH_SPACE)
			putc(' ', tx->out);
		else if (ch[i].w >= 0)
			fwrite(s + ch[i].off, 1, (size_t)ch[i].len, tx->out);
	}
}

/* s wrapped to the width, each line indented by `indent` columns. */
static void text_paragraph(struct text *tx, const char *s, int indent)
{
	size_t nc, start = 0, end;
	struct text_char *ch = text_decode(tx, s, &nc);
	int w;

	if (ch == NULL)
		return;
	while (start < nc) {
		size_t next = text_line(ch, nc, &start, tx->width - indent,
		    &end, &w);

		text_repeat(tx->out, ' ', indent);
		text_put(tx, s, ch, start, end);
		putc('\n', tx->out);
		start = next;
	}
	free(ch);
}

/* ---- Rows ---- */

/*
 * The ladder's words for segment notes, in the order of trace.h's
 * NOTE_* bits.  The JSON keeps trace_note_name()'s machine words; a
 * note added there without a word here is shown by that name.
 */
static const char *const text_note_words[NOTE_NCOUNT] = {
	N_("retransmission"), N_("keepalive"), N_("dup-ack"),
	N_("challenge-ack"), N_("syn-cookie"), N_("tfo-data"),
	N_("window-zero"), N_("out-of-window"), N_("link-down"),
	N_("delayed"), N_("forged"), N_("queue-full"),
	N_("refused"), N_("abort"), N_("half-open"), N_("challenge"),
};

static const char *text_note_word(unsigned i)
{
	if (i < NOTE_NCOUNT && text_note_words[i] != NULL)
		return gettext(text_note_words[i]);
	return trace_note_name(i);
}

static void text_arrow(struct text *tx, const struct trace_event *e, int gapw)
{
	const char *sep = " (", *lost;
	char label[640], flags[10];
	bool right = e->side != SIDE_SERVER;
	int n, total, alen, lw;
	uint32_t seq = e->u.seg.seq, ack = e->u.seg.ack;

	if (!tx->absolute) {
		seq = trace_rel_seq(tx->tr, e);
		ack = trace_rel_ack(tx->tr, e);
	}
	n = snprintf(label, sizeof label, "%s seq=%" PRIu32,
	    segment_flags_str(e->u.seg.flags, flags), seq);
	if (e->u.seg.flags & SEG_ACK)
		n += snprintf(label + n, sizeof label - n, " ack=%" PRIu32, ack);
	n += snprintf(label + n, sizeof label - n, " len=%" PRIu32,
	    e->u.seg.len);
	for (unsigned i = 0; i < NOTE_NCOUNT; i++) {
		if (e->u.seg.notes & (1u << i)) {
			n += snprintf(label + n, sizeof label - n, "%s%s", sep,
			    text_note_word(i));
			sep = ", ";
		}
	}
	if (sep[0] == ',')
		snprintf(label + n, sizeof label - n, ")");
	/* From here on n counts columns, not bytes. */
	n = text_width(label);

	/* The arrow grows past the server's line rather than cut a number. */
	if (!e->u.seg.lost) {
		total = gapw > n + 8 ? gapw : n + 8;
		if (right) {
			fprintf(tx->out, "--- %s ", label);
			text_repeat(tx->out, '-', total - n - 6);
			putc('>', tx->out);
		} else {
			fprintf(tx->out, "<-- %s ", label);
			text_repeat(tx->out, '-', total - n - 5);
		}
		return;
	}
	/* The arrow stops half way: "X lost", or "lost X" from the right. */
	lost = _("lost");
	lw = text_width(lost);
	alen = gapw / 2 > n + 8 ? gapw / 2 : n + 8;
	total = gapw > alen + 2 + lw ? gapw : alen + 2 + lw;
	if (right) {
		fprintf(tx->out, "--- %s ", label);
		text_repeat(tx->out, '-', alen - n - 6);
		fprintf(tx->out, "X %s", lost);
		text_repeat(tx->out, ' ', total - alen - 1 - lw);
	} else {
		text_repeat(tx->out, ' ', total - alen - 1 - lw);
		fprintf(tx->out, "%s X-- %s ", lost, label);
		text_repeat(tx->out, '-', alen - n - 5);
	}
}

/*
 * A call or a timer inside the gap, next to its side's lifeline, with a
 * space on either side; a note too long for the gap goes on over more
 * rows, so the ladder never grows wider.  Ends the row.
 */
static void text_note(struct text *tx, const struct text_row *r, int gapw)
{
	size_t nc, start = 0, end, next;
	struct text_char *ch = text_decode(tx, r->note, &nc);
	bool first = true;
	int w;

	if (ch == NULL)
		return;
	do {
		next = text_line(ch, nc, &start, gapw - 2, &end, &w);
		if (!first) {
			text_repeat(tx->out, ' ', tx->cl);
			putc('|', tx->out);
		}
		if (r->side == SIDE_SERVER) {
			text_repeat(tx->out, ' ', gapw - w - 1);
			text_put(tx, r->note, ch, start, end);
			putc(' ', tx->out);
		} else {
			putc(' ', tx->out);
			text_put(tx, r->note, ch, start, end);
			text_repeat(tx->out, ' ', gapw - w - 1);
		}
		putc('|', tx->out);
		if (first && r->side == SIDE_SERVER && r->state != NULL)
			fprintf(tx->out, " %s", r->state);
		putc('\n', tx->out);
		first = false;
		start = next;
	} while (start < nc);
	free(ch);
}

static void text_flush(struct text *tx)
{
	struct text_row *r = &tx->row;
	const char *left = r->side == SIDE_CLIENT ? r->state : NULL;
	char tbuf[32];
	int gapw = tx->sl - tx->cl - 1;

	if (!r->open)
		return;
	fprintf(tx->out, "%*ss ", tx->tw, text_time(r->t, tbuf, sizeof tbuf));
	text_repeat(tx->out, ' ', tx->cl - tx->c0 -
	    (left != NULL ? text_width(left) + 1 : 0));
	if (left != NULL)
		fprintf(tx->out, "%s ", left);
	putc('|', tx->out);
	if (r->seg != NULL) {
		text_arrow(tx, r->seg, gapw);
		putc('|', tx->out);
		if (r->side == SIDE_SERVER && r->state != NULL)
			fprintf(tx->out, " %s", r->state);
		putc('\n', tx->out);
	} else {
		text_note(tx, r, gapw);
	}
	memset(r, 0, sizeof *r);
}

/*
 * The row for an event of `side` at time t: the open one if it is that
 * side's at that time and `fits`, else a new one.
 */
static struct text_row *text_row(struct text *tx, int64_t t, int side,
    bool fits)
{
	struct text_row *r = &tx->row;

	if (!r->open || r->t != t || r->side != side || !fits) {
		text_flush(tx);
		r->open = true;
		r->t = t;
		r->side = side;
	}
	return r;
}

static void text_add_note(struct text *tx, int64_t t, int side,
    const char *note)
{
	struct text_row *r = text_row(tx, t, side,
	    tx->row.seg == NULL && tx->row.note[0] == '\0');

	snprintf(r->note, sizeof r->note, "%s", note);
}

static void text_app(struct text *tx, const struct trace_event *e)
{
	char note[TEXT_NOTE], arg[16] = "";
	unsigned long bytes = e->u.app.arg;
	const char *result;

	if (e->u.app.call == APP_RECV && e->u.app.result == APP_OK) {
		/* What a read returns is the lesson: bytes, or 0 at the FIN. */
		if (bytes == 0)
			snprintf(note, sizeof note, "%s", _("recv() -> 0 (EOF)"));
		else
			snprintf(note, sizeof note, ngettext("recv() -> %lu byte",
			    "recv() -> %lu bytes", bytes), bytes);
		text_add_note(tx, e->t, e->side == SIDE_SERVER, note);
		return;
	}
	if (e->u.app.arg != 0)
		snprintf(arg, sizeof arg, "%" PRIu32, e->u.app.arg);
	if (e->u.app.result == APP_PENDING) {
		snprintf(note, sizeof note, "%s(%s)",
		    app_call_name(e->u.app.call), arg);
	} else {
		/* Error names (ECONNREFUSED...) are what the program sees. */
		result = e->u.app.result == APP_OK ? _("ok") :
		    app_result_name(e->u.app.result);
		snprintf(note, sizeof note, "%s(%s) -> %s",
		    app_call_name(e->u.app.call), arg, result);
	}
	text_add_note(tx, e->t, e->side == SIDE_SERVER, note);
}

/*
 * Whole phrases, so that a translation can order the words its way; a
 * timer added to trace.h without one here is shown by its name.
 */
static const char *const text_timer_fired[TIMER_NKINDS] = {
	[TIMER_RETRANSMIT] = N_("[retransmit timer fired]"),
	[TIMER_DELACK] = N_("[delayed-ack timer fired]"),
	[TIMER_KEEPALIVE] = N_("[keepalive timer fired]"),
	[TIMER_TIME_WAIT] = N_("[time-wait timer fired]"),
	[TIMER_FIN_WAIT_2] = N_("[fin-wait-2 timer fired]"),
};

static const char *text_fired(int timer)
{
	if (timer >= 0 && timer < TIMER_NKINDS &&
	    text_timer_fired[timer] != NULL)
		return gettext(text_timer_fired[timer]);
	return trace_timer_name(timer);
}

static void text_timer(struct text *tx, const struct trace_event *e)
{
	char note[TEXT_NOTE], secs[32];

	/* Armed and cancelled timers are bookkeeping, except the 2MSL wait. */
	if (e->u.timer.action == TIMER_FIRED)
		snprintf(note, sizeof note, "%s", text_fired(e->u.timer.timer));
	else if (e->u.timer.action == TIMER_ARMED &&
	    e->u.timer.timer == TIMER_TIME_WAIT)
		snprintf(note, sizeof note, _("[TIME_WAIT %s s]"),
		    text_secs(e->u.timer.expires - e->t, secs, sizeof secs));
	else
		return;
	text_add_note(tx, e->t, e->side == SIDE_SERVER, note);
}

/* ---- Headers ---- */

/* "client ADDR" on the left, "server ADDR" flush right: the titles of
 * the two columns. */
static void text_endpoints(struct text *tx, const struct endpoint ep[2])
{
	char a[64], b[64], left[160], right[160];
	int lw, rw;

	/* TRANSLATORS: a column title; %s is the client's address:port. */
	snprintf(left, sizeof left, _("client %s"),
	    endpoint_str(&ep[SIDE_CLIENT], a, sizeof a));
	/* TRANSLATORS: a column title; %s is the server's address:port. */
	snprintf(right, sizeof right, _("server %s"),
	    endpoint_str(&ep[SIDE_SERVER], b, sizeof b));
	lw = text_width(left);
	rw = text_width(right);
	fputs(left, tx->out);
	/* Two long IPv6 endpoints do not fit on one line. */
	if (tx->width - lw - rw < 2) {
		putc('\n', tx->out);
		lw = 0;
	}
	text_repeat(tx->out, ' ', tx->width - lw - rw);
	fprintf(tx->out, "%s\n", right);
}

/* A text of the scenario in the chosen language, else in English. */
static const char *text_pick(const struct text *tx, const char *const *t)
{
	return t[tx->lang] != NULL && t[tx->lang][0] != '\0' ? t[tx->lang] :
	    t[0];
}

/* The two endpoints the columns stand for: the scenario's hosts (in a
 * SYN flood the first connection is a spoofed one), else those of the
 * first connection; NULL for a trace without any. */
static const struct endpoint *text_hosts(const struct trace *tr)
{
	if (tr->hosts[SIDE_CLIENT].family != 0)
		return tr->hosts;
	return tr->nconns > 0 ? tr->conns[0].ep : NULL;
}

static void text_header(struct text *tx)
{
	const struct trace *tr = tx->tr;
	const char *titles[2] = { tr->title[0], tr->title[1] };
	const char *title = text_pick(tx, titles);
	const char *summary = text_pick(tx, (const char *const *)tr->summary);
	char head[512];
	int n;

	n = snprintf(head, sizeof head, "%s",
	    tr->source[0] != '\0' ? tr->source : _("trace"));
	if (title[0] != '\0')
		n += snprintf(head + n, sizeof head - n, ": %s", title);
	if (tr->profile[0] != '\0') {
		/* TRANSLATORS: after the title; mind the leading space. */
		snprintf(head + n, sizeof head - n, _(" (profile: %s)"),
		    tr->profile);
	}
	text_paragraph(tx, head, 0);
	if (summary != NULL && summary[0] != '\0') {
		text_paragraph(tx, summary, 0);
		putc('\n', tx->out);
	}
	if (tr->altered) {
		text_paragraph(tx, _("Note: this lesson's narration was written for "
		    "its own settings; with the profile, settings or drops you chose, "
		    "some of it may not match the diagram."), 0);
		putc('\n', tx->out);
	}
	/* A capture's connections are listed after the header instead. */
	if (!tr->capture && text_hosts(tr) != NULL)
		text_endpoints(tx, text_hosts(tr));
}

static void text_conn_marker(struct text *tx, const struct trace_conn *c)
{
	char a[64], b[64], line[320];

	text_flush(tx);
	snprintf(line, sizeof line, _("--- conn %d: client %s, server %s"),
	    c->id, endpoint_str(&c->ep[SIDE_CLIENT], a, sizeof a),
	    endpoint_str(&c->ep[SIDE_SERVER], b, sizeof b));
	text_paragraph(tx, line, 0);
}

/* ---- The writer ---- */

static void text_geometry(struct text *tx, int width)
{
	const struct trace *tr = tx->tr;
	char buf[32];

	tx->tw = 8;
	for (size_t i = 0; i < tr->nev; i++) {
		int n = (int)strlen(text_time(tr->ev[i].t, buf, sizeof buf));

		if (n > tx->tw)
			tx->tw = n;
	}
	tx->c0 = tx->tw + 2;
	tx->cl = tx->c0 + TEXT_MARGIN;
	if (width < tx->cl + 1 + TEXT_MIN_GAP + 1 + TEXT_MARGIN)
		width = tx->cl + 1 + TEXT_MIN_GAP + 1 + TEXT_MARGIN;
	tx->width = width;
	tx->sl = width - 1 - TEXT_MARGIN;
}

/* Narration: its own event's, or the one a state event carries. */
static void text_narration(struct text *tx, const struct trace_event *e)
{
	const char *texts[2] = {
		trace_narration(tx->tr, e, 0), trace_narration(tx->tr, e, 1),
	};
	const char *p = text_pick(tx, texts);

	if (p != NULL) {
		text_flush(tx);
		text_paragraph(tx, p, tx->c0);
	}
}

static void text_event(struct text *tx, const struct trace_event *e)
{
	const struct trace_conn *c = trace_conn(tx->tr, e->conn);
	int s = e->side == SIDE_SERVER;
	struct text_row *r;

	if (c != NULL && tx->tr->nconns > 1 && c->id != tx->conn) {
		text_conn_marker(tx, c);
		tx->conn = c->id;
	}
	switch (e->type) {
	case TRACE_SEGMENT:
		r = text_row(tx, e->t, s, tx->row.seg == NULL &&
		    tx->row.note[0] == '\0');
		r->seg = e;
		break;
	case TRACE_STATE:
		r = text_row(tx, e->t, s, tx->row.state == NULL);
		r->state = tcp_state_name(e->u.state.to);
		if (trace_narrates(e))
			text_narration(tx, e);
		break;
	case TRACE_TIMER:
		text_timer(tx, e);
		break;
	case TRACE_APP:
		text_app(tx, e);
		break;
	case TRACE_NARRATION:
		text_narration(tx, e);
		break;
	}
}

/* ---- Captures: a list of connections, then a ladder each ---- */

/* Whether connection c is one of a flood's, shown only in its row. */
static bool text_in_flood(const struct trace *tr, const struct trace_conn *c)
{
	return c->listener > 0 && (size_t)c->listener <= tr->nlisteners &&
	    c->incomplete && tr->listeners[c->listener - 1].flood;
}

static const char *text_state_word(const struct trace_conn_summary *s,
    int side, char *buf, size_t len)
{
	if (!s->known[side])
		snprintf(buf, len, "-");
	else if (s->assumed[side])
		/* TRANSLATORS: %s is a state name such as ESTABLISHED. */
		snprintf(buf, len, _("%s (assumed)"),
		    tcp_state_name(s->state[side]));
	else
		snprintf(buf, len, "%s", tcp_state_name(s->state[side]));
	return buf;
}

static void text_conn_row(struct text *tx, const struct trace_conn *c,
    const struct trace_conn_summary *s)
{
	char a[64], b[64], st[2][64], secs[32], line[640];
	size_t n;

	snprintf(line, sizeof line, "%d  %s -> %s", c->id,
	    endpoint_str(&c->ep[SIDE_CLIENT], a, sizeof a),
	    endpoint_str(&c->ep[SIDE_SERVER], b, sizeof b));
	text_paragraph(tx, line, 2);
	/* TRANSLATORS: the states of both sides, then counts and seconds. */
	snprintf(line, sizeof line, ngettext(
	    "client %s, server %s; %lu packet, %llu bytes, %s s",
	    "client %s, server %s; %lu packets, %llu bytes, %s s",
	    s->packets), text_state_word(s, SIDE_CLIENT, st[0], sizeof st[0]),
	    text_state_word(s, SIDE_SERVER, st[1], sizeof st[1]),
	    (unsigned long)s->packets, (unsigned long long)s->bytes,
	    text_time(s->t_last - s->t_first, secs, sizeof secs));
	text_paragraph(tx, line, 5);
	if (s->notes == 0)
		return;
	n = (size_t)snprintf(line, sizeof line, "%s", _("notes:"));
	for (unsigned i = 0; i < NOTE_NCOUNT && n < sizeof line; i++) {
		if (s->notes & (1u << i))
			n += (size_t)snprintf(line + n, sizeof line - n, " %s",
			    text_note_word(i));
	}
	text_paragraph(tx, line, 5);
}

/* One row for a whole SYN flood, with its half-open count over time. */
static void text_flood_row(struct text *tx, const struct trace_listener *L)
{
	char ep[64], step[32], t0[32], line[1024];
	size_t n;

	snprintf(line, sizeof line, _("*  SYN flood on %s: %lu half-open "
	    "from %lu sources"), endpoint_str(&L->ep, ep, sizeof ep),
	    (unsigned long)L->members, (unsigned long)L->sources);
	text_paragraph(tx, line, 2);
	n = (size_t)snprintf(line, sizeof line, _("SYN_RCVD entries at once, "
	    "at most %lu; every %s s from %s s:"),
	    (unsigned long)L->half_open_max,
	    text_secs(L->series_step, step, sizeof step),
	    text_time(L->series_t0, t0, sizeof t0));
	for (int i = 0; i < L->nseries && n < sizeof line; i++)
		n += (size_t)snprintf(line + n, sizeof line - n, " %lu",
		    (unsigned long)L->series[i]);
	if (L->nseries > 0)
		text_paragraph(tx, line, 5);
	snprintf(line, sizeof line, ngettext("%lu of its connections "
	    "completed; the half-open ones are not drawn below.", "%lu of its "
	    "connections completed; the half-open ones are not drawn below.",
	    L->completed), (unsigned long)L->completed);
	if (L->cookies)
		snprintf(line + strlen(line), sizeof line - strlen(line), " %s",
		    _("It answered with SYN cookies once its SYN queue was full."));
	text_paragraph(tx, line, 5);
}

static void text_conn_table(struct text *tx)
{
	const struct trace *tr = tx->tr;
	struct trace_conn_summary *sum = malloc((tr->nconns + 1) * sizeof *sum);
	bool *shown = calloc(tr->nlisteners + 1, sizeof *shown);
	char line[128];

	if (sum == NULL || shown == NULL) {
		tx->failed = true;
		free(sum);
		free(shown);
		return;
	}
	trace_conn_summaries(tr, sum);
	putc('\n', tx->out);
	snprintf(line, sizeof line, ngettext("%lu connection:",
	    "%lu connections:", tr->nconns), (unsigned long)tr->nconns);
	text_paragraph(tx, line, 0);
	for (size_t i = 0; i < tr->nconns; i++) {
		const struct trace_conn *c = &tr->conns[i];

		if (!text_in_flood(tr, c)) {
			text_conn_row(tx, c, &sum[i]);
		} else if (!shown[c->listener]) {
			shown[c->listener] = true;
			text_flood_row(tx, &tr->listeners[c->listener - 1]);
		}
	}
	putc('\n', tx->out);
	free(sum);
	free(shown);
}

/* A capture: the table, then each connection's events together. */
static void text_capture(struct text *tx)
{
	const struct trace *tr = tx->tr;
	size_t *start = calloc(tr->nconns + 2, sizeof *start);
	size_t *order = malloc((tr->nev + 1) * sizeof *order);

	text_conn_table(tx);
	if (start == NULL || order == NULL) {
		tx->failed = true;
		free(start);
		free(order);
		return;
	}
	/* Counting sort by connection, keeping each one's event order;
	 * events of no connection (none in a capture) are left out. */
	for (size_t i = 0; i < tr->nev; i++) {
		int c = tr->ev[i].conn;

		if (c >= 1 && (size_t)c <= tr->nconns)
			start[c + 1]++;
	}
	for (size_t c = 1; c <= tr->nconns; c++)
		start[c + 1] += start[c];
	for (size_t i = 0; i < tr->nev; i++) {
		int c = tr->ev[i].conn;

		if (c >= 1 && (size_t)c <= tr->nconns)
			order[start[c]++] = i;
	}
	/* start[c] now ends connection c's run, which start[c - 1] begins. */
	for (size_t c = 1, i = 0; c <= tr->nconns && !tx->failed; c++) {
		bool skip = text_in_flood(tr, &tr->conns[c - 1]);

		for (; i < start[c]; i++) {
			if (!skip)
				text_event(tx, &tr->ev[order[i]]);
		}
	}
	free(start);
	free(order);
}

int trace_write_text(const struct trace *tr, FILE *out,
    const struct trace_text_opts *opts)
{
	struct text tx;

	memset(&tx, 0, sizeof tx);
	tx.out = out;
	tx.tr = tr;
	if (opts != NULL) {
		tx.lang = opts->lang == 1;
		tx.absolute = opts->absolute;
	}
	text_geometry(&tx, opts != NULL && opts->width > 0 ? opts->width : 80);
	/* No "conn 1" line when the header already names its endpoints. */
	const struct endpoint *hosts = text_hosts(tr);
	tx.conn = hosts != NULL && tr->nconns > 0 &&
	    endpoint_eq(&hosts[0], &tr->conns[0].ep[0]) &&
	    endpoint_eq(&hosts[1], &tr->conns[0].ep[1]) ? 1 : 0;

	text_header(&tx);
	if (tr->capture) {
		tx.conn = 0;
		text_capture(&tx);
	}
	for (size_t i = 0; i < tr->nev && !tr->capture && !tx.failed; i++)
		text_event(&tx, &tr->ev[i]);
	text_flush(&tx);

	if (tx.failed || fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}
