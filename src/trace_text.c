/*
 * trace_text.c: the --text view, a ladder diagram in plain text.
 *
 * One row per event in time order: the time, then the client's lifeline
 * and the server's as two columns of '|'.  A segment is an arrow across
 * the gap, labelled with its flags and numbers; a lost one stops half
 * way at an "X" and says "lost".  New states stand outside the lifelines
 * (client on the left, server on the right), application calls and
 * timers inside, next to their side's line.  Narration is an indented
 * paragraph wrapped by display width, so Chinese text (two columns a
 * character) fits the terminal too.
 *
 * Events share a row only where that cannot mislead: the same side at
 * the same time, a new state beside the call or the segment that goes
 * with it.
 */
/* wcwidth() is an X/Open function. */
#define _XOPEN_SOURCE 700

#include <inttypes.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "trace.h"

#define TEXT_MARGIN 12		/* "ESTABLISHED" and a space */
#define TEXT_MIN_GAP 12		/* narrower requests are widened */
#define TEXT_NOTE 96		/* an application call or a timer */

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

/* ---- Rows ---- */

static void text_arrow(struct text *tx, const struct trace_event *e, int gapw)
{
	const char *sep = " (";
	char label[320], flags[10];
	bool right = e->side != SIDE_SERVER;
	int n, total, alen;
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
			    trace_note_name(i));
			sep = ", ";
		}
	}
	if (sep[0] == ',')
		n += snprintf(label + n, sizeof label - n, ")");

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
	alen = gapw / 2 > n + 8 ? gapw / 2 : n + 8;
	total = gapw > alen + 6 ? gapw : alen + 6;
	if (right) {
		fprintf(tx->out, "--- %s ", label);
		text_repeat(tx->out, '-', alen - n - 6);
		fputs("X lost", tx->out);
		text_repeat(tx->out, ' ', total - alen - 5);
	} else {
		text_repeat(tx->out, ' ', total - alen - 5);
		fprintf(tx->out, "lost X-- %s ", label);
		text_repeat(tx->out, '-', alen - n - 5);
	}
}

/* A call or a timer inside the gap, next to its side's lifeline. */
static void text_note(struct text *tx, const struct text_row *r, int gapw)
{
	int w = (int)strlen(r->note);
	/* A space on either side; a long note widens the gap. */
	int pad = (gapw > w + 2 ? gapw : w + 2) - w - 1;

	if (r->side == SIDE_SERVER) {
		text_repeat(tx->out, ' ', pad);
		fprintf(tx->out, "%s ", r->note);
	} else {
		fprintf(tx->out, " %s", r->note);
		text_repeat(tx->out, ' ', pad);
	}
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
	    (left != NULL ? (int)strlen(left) + 1 : 0));
	if (left != NULL)
		fprintf(tx->out, "%s ", left);
	putc('|', tx->out);
	if (r->seg != NULL)
		text_arrow(tx, r->seg, gapw);
	else
		text_note(tx, r, gapw);
	putc('|', tx->out);
	if (r->side == SIDE_SERVER && r->state != NULL)
		fprintf(tx->out, " %s", r->state);
	putc('\n', tx->out);
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

	if (e->u.app.call == APP_RECV && e->u.app.result == APP_OK) {
		/* What a read returns is the lesson: bytes, or 0 at the FIN. */
		if (e->u.app.arg == 0)
			snprintf(note, sizeof note, "recv() -> 0 (EOF)");
		else
			snprintf(note, sizeof note, "recv() -> %" PRIu32 " bytes",
			    e->u.app.arg);
		text_add_note(tx, e->t, e->side == SIDE_SERVER, note);
		return;
	}
	if (e->u.app.arg != 0)
		snprintf(arg, sizeof arg, "%" PRIu32, e->u.app.arg);
	if (e->u.app.result == APP_PENDING)
		snprintf(note, sizeof note, "%s(%s)",
		    app_call_name(e->u.app.call), arg);
	else
		snprintf(note, sizeof note, "%s(%s) -> %s",
		    app_call_name(e->u.app.call), arg,
		    app_result_name(e->u.app.result));
	text_add_note(tx, e->t, e->side == SIDE_SERVER, note);
}

static void text_timer(struct text *tx, const struct trace_event *e)
{
	char note[TEXT_NOTE], secs[32];

	/* Armed and cancelled timers are bookkeeping, except the 2MSL wait. */
	if (e->u.timer.action == TIMER_FIRED)
		snprintf(note, sizeof note, "[%s timer fired]",
		    trace_timer_name(e->u.timer.timer));
	else if (e->u.timer.action == TIMER_ARMED &&
	    e->u.timer.timer == TIMER_TIME_WAIT)
		snprintf(note, sizeof note, "[TIME_WAIT %s s]",
		    text_secs(e->u.timer.expires - e->t, secs, sizeof secs));
	else
		return;
	text_add_note(tx, e->t, e->side == SIDE_SERVER, note);
}

/* ---- Narration ---- */

enum { CH_OTHER, CH_SPACE, CH_NEWLINE };

struct text_char {
	size_t off;		/* where its bytes start */
	int len;		/* how many bytes */
	int w;			/* display columns; -1: not printed */
	int cls;
	bool glue_before;	/* closing punctuation: never starts a line */
	bool glue_after;	/* opening punctuation: never ends a line */
};

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
 * Decode in the UTF-8 locale that trace_write_text selected; a byte that
 * does not decode is passed through and counted as one column.
 */
static struct text_char *text_decode(const char *s, size_t *nchars)
{
	size_t n = strlen(s), nc = 0;
	mbstate_t st;
	/* One more than needed: malloc(0) may return NULL. */
	struct text_char *ch = malloc((n + 1) * sizeof *ch);

	if (ch == NULL)
		return NULL;
	memset(&st, 0, sizeof st);
	for (size_t i = 0; i < n;) {
		struct text_char *c = &ch[nc++];
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + i, n - i, &st);

		memset(c, 0, sizeof *c);
		c->off = i;
		if (k == (size_t)-1 || k == (size_t)-2) {
			memset(&st, 0, sizeof st);
			c->len = 1;
			c->w = 1;
			i++;
			continue;
		}
		c->len = (int)k;
		i += k;
		if (wc == L'\n') {
			c->cls = CH_NEWLINE;
		} else if (wc == L' ' || wc == L'\t') {
			c->cls = CH_SPACE;
			c->w = 1;
		} else {
			c->w = wcwidth(wc);
			c->glue_before = wcschr(L",.;:!?)]}%\u3001\u3002\uff0c"
			    L"\uff0e\uff1a\uff1b\uff01\uff1f\uff09\u300d\u300f"
			    L"\u3011\u300b\u2019\u201d", wc) != NULL;
			c->glue_after = wcschr(L"([{\uff08\u300c\u300e\u3010"
			    L"\u300a\u2018\u201c", wc) != NULL;
		}
	}
	*nchars = nc;
	return ch;
}

static int text_paragraph(struct text *tx, const char *s)
{
	int avail = tx->width - tx->c0;
	size_t nc, start = 0;
	struct text_char *ch = text_decode(s, &nc);

	if (ch == NULL)
		return -1;
	while (start < nc) {
		size_t i, end, next, brk = 0;
		int col = 0;

		while (start < nc && ch[start].cls == CH_SPACE)
			start++;
		for (i = start;; i++) {
			int w;

			if (i == nc || ch[i].cls == CH_NEWLINE) {
				end = i;
				next = i + (i < nc);
				break;
			}
			if (i > start && text_can_break(ch, i))
				brk = i;
			w = ch[i].w > 0 ? ch[i].w : 0;
			if (col + w > avail && i > start) {
				/* No break in sight: cut the overlong word. */
				end = next = brk > start ? brk : i;
				break;
			}
			col += w;
		}
		while (end > start && ch[end - 1].cls == CH_SPACE)
			end--;
		text_repeat(tx->out, ' ', tx->c0);
		for (i = start; i < end; i++) {
			/* A tab would not be one column wide. */
			if (ch[i].cls == CH_SPACE)
				putc(' ', tx->out);
			else if (ch[i].w >= 0)
				fwrite(s + ch[i].off, 1, (size_t)ch[i].len, tx->out);
		}
		putc('\n', tx->out);
		start = next;
	}
	free(ch);
	return 0;
}

/* ---- Headers ---- */

static void text_endpoints(struct text *tx, const struct trace_conn *c)
{
	char a[64], b[64], left[80], right[80];
	int pad;

	snprintf(left, sizeof left, "client %s",
	    endpoint_str(&c->ep[SIDE_CLIENT], a, sizeof a));
	snprintf(right, sizeof right, "server %s",
	    endpoint_str(&c->ep[SIDE_SERVER], b, sizeof b));
	pad = tx->width - (int)strlen(left) - (int)strlen(right);
	/* Two long IPv6 endpoints do not fit on one line. */
	if (pad < 2)
		fprintf(tx->out, "%s\n%*s\n", left, tx->width, right);
	else
		fprintf(tx->out, "%s%*s\n", left, pad + (int)strlen(right),
		    right);
}

static void text_header(struct text *tx)
{
	const struct trace *tr = tx->tr;
	const char *title = tr->title[tx->lang];

	if (title[0] == '\0')
		title = tr->title[0];
	fputs(tr->source[0] != '\0' ? tr->source : "trace", tx->out);
	if (title[0] != '\0')
		fprintf(tx->out, ": %s", title);
	if (tr->profile[0] != '\0')
		fprintf(tx->out, " (profile: %s)", tr->profile);
	putc('\n', tx->out);
	if (tr->nconns > 0)
		text_endpoints(tx, &tr->conns[0]);
}

static void text_conn_marker(struct text *tx, const struct trace_conn *c)
{
	char a[64], b[64];

	text_flush(tx);
	fprintf(tx->out, "--- conn %d: client %s, server %s\n", c->id,
	    endpoint_str(&c->ep[SIDE_CLIENT], a, sizeof a),
	    endpoint_str(&c->ep[SIDE_SERVER], b, sizeof b));
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

static int text_event(struct text *tx, const struct trace_event *e)
{
	const struct trace_conn *c = trace_conn(tx->tr, e->conn);
	int s = e->side == SIDE_SERVER;
	struct text_row *r;
	const char *p;

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
		break;
	case TRACE_TIMER:
		text_timer(tx, e);
		break;
	case TRACE_APP:
		text_app(tx, e);
		break;
	case TRACE_NARRATION:
		p = e->u.narr.text[tx->lang];
		if (p == NULL || p[0] == '\0')
			p = e->u.narr.text[0];
		if (p == NULL)
			break;
		text_flush(tx);
		return text_paragraph(tx, p);
	}
	return 0;
}

int trace_write_text(const struct trace *tr, FILE *out,
    const struct trace_text_opts *opts)
{
	struct text tx;
	locale_t utf8, old = (locale_t)0;
	int rc = 0;

	memset(&tx, 0, sizeof tx);
	tx.out = out;
	tx.tr = tr;
	if (opts != NULL) {
		tx.lang = opts->lang == 1;
		tx.absolute = opts->absolute;
	}
	text_geometry(&tx, opts != NULL && opts->width > 0 ? opts->width : 80);
	/* The header already names the first connection's endpoints. */
	tx.conn = 1;

	/*
	 * Widths come from a UTF-8 locale of our own, not from whatever
	 * setlocale() chose, so that the output is the same everywhere.
	 */
	utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (utf8 == (locale_t)0)
		utf8 = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
	if (utf8 != (locale_t)0)
		old = uselocale(utf8);

	text_header(&tx);
	for (size_t i = 0; i < tr->nev && rc == 0; i++)
		rc = text_event(&tx, &tr->ev[i]);
	text_flush(&tx);

	if (utf8 != (locale_t)0) {
		uselocale(old);
		freelocale(utf8);
	}
	if (rc != 0 || fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}
