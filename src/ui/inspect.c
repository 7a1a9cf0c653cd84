/*
 * inspect.c: the page that Enter opens on a segment.  Every header field
 * and option, its value (relative and raw sequence numbers both), and a
 * sentence on what it means in this segment, in this connection: "the
 * FIN takes number 101, so the peer will answer ack=102".
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "view.h"

#define INSPECT_MAX 40		/* fields */
#define INSPECT_LABEL 18	/* columns for the field names */
#define INSPECT_VALUE 22	/* and for the values, beside the sentences */
#define INSPECT_LINES 512

struct inspect_field {
	const char *label;
	char value[96];
	char why[400];
};

struct inspect {
	struct inspect_field f[INSPECT_MAX];
	int n;
};

#ifdef __GNUC__
__attribute__((format(printf, 4, 5)))
#endif
static void inspect_add(struct inspect *in, const char *label,
    const char *value, const char *fmt, ...)
{
	struct inspect_field *f;
	va_list ap;

	if (in->n >= INSPECT_MAX)
		return;
	f = &in->f[in->n++];
	f->label = label;
	snprintf(f->value, sizeof f->value, "%s", value);
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof f->why, fmt, ap);
	va_end(ap);
}

static void inspect_ports(struct inspect *in, const struct trace_event *e,
    const struct segment *s)
{
	char v[64];

	endpoint_str(&s->src, v, sizeof v);
	inspect_add(in, _("Source"), v, "%s", e->side == SIDE_CLIENT
	    ? _("The client's address and its ephemeral port, which its system "
	    "picked for connect().")
	    : _("The server's address and the well-known port it listens on."));
	endpoint_str(&s->dst, v, sizeof v);
	inspect_add(in, _("Destination"), v, "%s", e->side == SIDE_CLIENT
	    ? _("The server's address and listening port: the four numbers of "
	    "source and destination name this connection.")
	    : _("Back to the client's address and port."));
}

static void inspect_seq(struct inspect *in, const struct view *v,
    const struct trace_event *e, const struct segment *s)
{
	uint32_t rel = trace_rel_seq(v->tr, e);
	char val[64];

	snprintf(val, sizeof val, _("%" PRIu32 " (raw %" PRIu32 ")"), rel, s->seq);
	if (s->flags & SEG_SYN)
		inspect_add(in, _("Sequence number"), val, "%s",
		    _("The sender's initial sequence number (ISN), chosen at "
		    "random so that old or forged segments do not fit. The "
		    "diagram counts from it, so it shows 0; the SYN itself uses "
		    "up this number."));
	else if (s->flags & SEG_RST)
		inspect_add(in, _("Sequence number"), val, "%s",
		    _("A reset is accepted only if its sequence number is in the "
		    "receiver's window (exactly RCV.NXT for an immediate reset), "
		    "so a blind attacker cannot easily forge one."));
	else if ((s->flags & SEG_FIN) && s->len == 0)
		inspect_add(in, _("Sequence number"), val,
		    _("The FIN takes number %" PRIu32 ": like a SYN it uses one "
		    "sequence number, so the peer acknowledges it with ack=%" PRIu32
		    "."), rel, rel + 1);
	else if (s->len > 0)
		inspect_add(in, _("Sequence number"), val,
		    _("The first of these %" PRIu32 " bytes is byte %" PRIu32
		    "; the sender's next new segment starts at %" PRIu32 "."),
		    s->len, rel, rel + segment_seqlen(s));
	else
		inspect_add(in, _("Sequence number"), val,
		    _("A bare ACK uses no sequence number: %" PRIu32 " is just the "
		    "next number this side will send."), rel);
}

static void inspect_ack(struct inspect *in, const struct view *v,
    const struct trace_event *e, const struct segment *s)
{
	uint32_t rel = trace_rel_ack(v->tr, e);
	char val[64];

	if (!(s->flags & SEG_ACK)) {
		inspect_add(in, _("Acknowledgment"), "-", "%s",
		    _("The ACK flag is off, so this field means nothing: only the "
		    "very first SYN (and some resets) go without it."));
		return;
	}
	snprintf(val, sizeof val, _("%" PRIu32 " (raw %" PRIu32 ")"), rel, s->ack);
	if (s->flags & SEG_SYN)
		inspect_add(in, _("Acknowledgment"), val,
		    _("The peer's ISN + 1: this acknowledges the peer's SYN "
		    "(number %" PRIu32 ") and asks for %" PRIu32 " next."),
		    rel - 1, rel);
	else
		inspect_add(in, _("Acknowledgment"), val,
		    _("Everything the %s sent before byte %" PRIu32 " has arrived; "
		    "%" PRIu32 " is the next number expected from it."),
		    narration_side(!e->side), rel, rel);
}

static void inspect_flags(struct inspect *in, const struct segment *s)
{
	static const struct {
		uint8_t bit;
		const char *name, *why;
	} bits[] = {
		{ SEG_SYN, "SYN", N_("synchronize: open a connection and announce "
		  "the ISN") },
		{ SEG_ACK, "ACK", N_("the acknowledgment number is valid") },
		{ SEG_FIN, "FIN", N_("the sender has no more data to send") },
		{ SEG_RST, "RST", N_("reset: abort the connection at once") },
		{ SEG_PSH, "PSH", N_("push: hand the data to the application now") },
		{ SEG_URG, "URG", N_("the urgent pointer is valid") },
		{ SEG_ECE, "ECE", N_("ECN echo: congestion was seen") },
		{ SEG_CWR, "CWR", N_("congestion window reduced") },
	};
	char val[64], why[400], letters[10];
	size_t nv, nw = 0;

	snprintf(val, sizeof val, "%s ", segment_flags_str(s->flags, letters));
	nv = strlen(val);
	why[0] = '\0';
	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
		if (!(s->flags & bits[i].bit))
			continue;
		nv += snprintf(val + nv, nv < sizeof val ? sizeof val - nv : 0,
		    "%s ", bits[i].name);
		nw += snprintf(why + nw, nw < sizeof why ? sizeof why - nw : 0,
		    "%s%s: %s", nw ? "; " : "", bits[i].name, gettext(bits[i].why));
	}
	inspect_add(in, _("Flags"), val, "%s.", why);
}

static void inspect_window(struct inspect *in, const struct segment *s)
{
	char val[32];

	snprintf(val, sizeof val, "%u", (unsigned)s->win);
	if (s->flags & SEG_SYN)
		inspect_add(in, _("Window"), val,
		    _("The sender can take %u bytes now. The window in a SYN is "
		    "never scaled: scaling starts once both SYNs agreed on it."),
		    (unsigned)s->win);
	else if (s->win == 0)
		inspect_add(in, _("Window"), val, "%s",
		    _("Zero: the sender's receive buffer is full, and the peer must "
		    "stop sending until a window update opens it again."));
	else
		inspect_add(in, _("Window"), val, "%s",
		    _("How many more bytes the sender can receive now, in units of "
		    "2^scale bytes when both SYNs carried the window scale "
		    "option."));
}

static void inspect_length(struct inspect *in, const struct segment *s)
{
	char val[32];

	snprintf(val, sizeof val, "%" PRIu32, s->len);
	if (s->len > 0)
		inspect_add(in, _("Data"), val,
		    _("%" PRIu32 " bytes of the application's data, numbered "
		    "from the sequence number on."), s->len);
	else
		inspect_add(in, _("Data"), val, "%s",
		    _("No payload: only the header (20 bytes plus options) and "
		    "its flags."));
}

static void inspect_options(struct inspect *in, const struct segment *s)
{
	const struct segment_options *o = &s->opt;
	char val[64];

	if (o->present & SEGOPT_MSS) {
		snprintf(val, sizeof val, "%u", (unsigned)o->mss);
		inspect_add(in, "MSS", val, "%s",
		    _("Maximum segment size: the largest payload the sender wants "
		    "in one segment. Only a SYN carries it."));
	}
	if (o->present & SEGOPT_WSCALE) {
		snprintf(val, sizeof val, "%u", (unsigned)o->wscale);
		inspect_add(in, _("Window scale"), val,
		    _("Later windows from this side are multiplied by 2^%u = %lu, "
		    "if the peer's SYN carries the option too."),
		    (unsigned)o->wscale, 1ul << (o->wscale & 31));
	}
	if (o->present & SEGOPT_SACK_PERM)
		inspect_add(in, "SACK-permitted", _("yes"), "%s",
		    _("The sender understands selective acknowledgments, which "
		    "name blocks received beyond a gap."));
	if (o->present & SEGOPT_SACK) {
		for (int i = 0; i < o->nsack && i < SEG_MAX_SACK; i++) {
			snprintf(val, sizeof val, "%" PRIu32 "-%" PRIu32, o->sack[i][0],
			    o->sack[i][1]);
			inspect_add(in, "SACK", val, "%s", _("A block that arrived "
			    "beyond a gap: no need to send it again."));
		}
	}
	if (o->present & SEGOPT_TIMESTAMP) {
		snprintf(val, sizeof val, "%" PRIu32 " / %" PRIu32, o->ts_val,
		    o->ts_ecr);
		inspect_add(in, _("Timestamps"), val, "%s",
		    _("TSval is the sender's clock, TSecr echoes the peer's: they "
		    "measure the round trip and reject old duplicates (PAWS)."));
	}
	if (o->present & SEGOPT_TFO) {
		snprintf(val, sizeof val, o->tfo_len ? _("cookie, %u bytes")
		    : _("cookie request"), (unsigned)o->tfo_len);
		inspect_add(in, _("Fast Open"), val, "%s", o->tfo_len
		    ? _("With a cookie from an earlier connection, data may ride on "
		    "the SYN and reach the server one round trip earlier.")
		    : _("The client asks the server for a Fast Open cookie to use "
		    "next time."));
	}
}

static const char *inspect_note_why(unsigned bit)
{
	switch (1u << bit) {
	case NOTE_RETRANSMISSION:
		return _("Sent before and not acknowledged in time: the "
		    "retransmission timer fired, and the timeout doubles.");
	case NOTE_KEEPALIVE:
		return _("A keepalive probe: after a long silence, a segment "
		    "numbered one before SND.UNA makes a live peer answer.");
	case NOTE_DUP_ACK:
		return _("A duplicate ACK: the same ack again, because something "
		    "arrived that was not the next expected byte.");
	case NOTE_CHALLENGE_ACK:
		return _("A challenge ACK (RFC 5961): an unexpected RST or SYN is "
		    "answered with an ACK, so only the true peer can end it.");
	case NOTE_SYN_COOKIE:
		return _("A SYN cookie: the server keeps no state and hides it in "
		    "its ISN, because its SYN queue is full.");
	case NOTE_TFO_DATA:
		return _("Data carried on the SYN with TCP Fast Open.");
	case NOTE_WINDOW_ZERO:
		return _("The receiver's buffer is full: the sender must wait.");
	case NOTE_OUT_OF_WINDOW:
		return _("Outside the receiver's window: it answers with an ACK "
		    "and otherwise ignores it.");
	case NOTE_LINK_DOWN:
		return _("Lost because the link was down at that moment.");
	case NOTE_DELAYED:
		return _("Held back in the network by the scenario.");
	case NOTE_FORGED:
		return _("Forged by a third host that claims to be the peer.");
	case NOTE_QUEUE_FULL:
		return _("Dropped by the listener: its SYN or accept queue was "
		    "full.");
	case NOTE_REFUSED:
		return _("A reset that answers a SYN: nothing listens on that "
		    "port, so connect() fails with ECONNREFUSED.");
	case NOTE_ABORT:
		return _("A reset from a synchronized side at SND.NXT: it aborts "
		    "the connection (close() with unread data, or SO_LINGER 0).");
	case NOTE_HALF_OPEN:
		return _("A reset whose seq is the answered segment's ack: its "
		    "sender has no such connection (it crashed or rebooted).");
	case NOTE_CHALLENGE:
		return _("In the window but not at RCV.NXT: the receiver does not "
		    "reset, it answers with a challenge ACK.");
	default:
		return "";
	}
}

static void inspect_build(const struct view *v, const struct trace_event *e,
    struct inspect *in)
{
	struct segment s;
	char val[64], t[32];

	trace_segment(v->tr, e, &s);
	in->n = 0;
	inspect_ports(in, e, &s);
	inspect_seq(in, v, e, &s);
	inspect_ack(in, v, e, &s);
	inspect_flags(in, &s);
	inspect_window(in, &s);
	inspect_length(in, &s);
	inspect_options(in, &s);
	for (unsigned b = 0; b < NOTE_NCOUNT; b++)
		if (e->u.seg.notes & (1u << b))
			inspect_add(in, _("Note"), trace_note_name(b), "%s",
			    inspect_note_why(b));
	if (e->u.seg.lost)
		inspect_add(in, _("Lost"), screen_glyph(G_BULLET), "%s",
		    _("The network loses this segment: the receiver never sees "
		    "it, and only the sender's retransmission timer will "
		    "notice."));
	else {
		narration_time(e->u.seg.delay, val, sizeof val);
		inspect_add(in, _("Arrives"), narration_time(trace_arrival(e), t,
		    sizeof t), _("%s after it was sent: the network's one-way "
		    "delay."), val);
	}
}

/* The screen row of line `line` of the page, -1 when scrolled off. */
static int inspect_row(const struct view *v, struct rect r, int line)
{
	int y = line - v->page_scroll;

	return y >= 0 && y < r.h ? r.y + y : -1;
}

void inspect_draw(struct view *v, struct rect r)
{
	static size_t start[INSPECT_LINES], len[INSPECT_LINES];
	static struct inspect in;
	char head[512], line[512];
	/* Wide enough: the sentence beside the value, else below it. */
	bool beside = r.w >= 90;
	int textx = INSPECT_LABEL + (beside ? INSPECT_VALUE : 0);
	int y, row = 2, textw = r.w - textx, n[INSPECT_MAX];

	if (v->inspect_ev < 0 || (size_t)v->inspect_ev >= v->tr->nev)
		return;
	inspect_build(v, &v->tr->ev[v->inspect_ev], &in);

	/* Count the lines first, to keep the scroll inside the page. */
	for (int i = 0; i < in.n; i++) {
		n[i] = screen_wrap(in.f[i].why, textw, start, len, INSPECT_LINES);
		if (n[i] > INSPECT_LINES)
			n[i] = INSPECT_LINES;
		row += (beside ? 0 : 1) + (n[i] > 0 ? n[i] : 1);
	}
	if (v->page_scroll > row - r.h)
		v->page_scroll = row - r.h > 0 ? row - r.h : 0;

	if ((y = inspect_row(v, r, 0)) >= 0)
		screen_put(y, r.x, narration_event(v, (size_t)v->inspect_ev, head,
		    sizeof head), R_STATUS, r.w);
	row = 2;
	for (int i = 0; i < in.n; i++) {
		if ((y = inspect_row(v, r, row)) >= 0) {
			screen_put(y, r.x, in.f[i].label, R_FIELD, INSPECT_LABEL - 1);
			screen_put(y, r.x + INSPECT_LABEL, in.f[i].value, R_VALUE,
			    beside ? INSPECT_VALUE - 1 : r.w - INSPECT_LABEL);
		}
		if (!beside || n[i] == 0)
			row++;
		screen_wrap(in.f[i].why, textw, start, len, INSPECT_LINES);
		for (int j = 0; j < n[i]; j++, row++) {
			if ((y = inspect_row(v, r, row)) < 0)
				continue;
			size_t l = len[j] < sizeof line - 1 ? len[j] : sizeof line - 1;
			memcpy(line, in.f[i].why + start[j], l);
			line[l] = '\0';
			screen_put(y, r.x + textx, line, ROLE_TEXT, textw);
		}
	}
}
