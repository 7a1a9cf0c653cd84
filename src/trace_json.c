/*
 * trace_json.c: the --json view, one JSON object per line as the
 * tcpviz-trace contract in DESIGN.md names them.  Numbers are formatted
 * from integers only, so the output never depends on the locale.
 *
 * A capture of a million packets makes one and a half million lines, so
 * the lines are put together in a buffer by hand (no printf, no stdio
 * call per field) and written out in large pieces.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

#define JSON_BUF 65536
#define JSON_MEMO 256

/* A string as json_str() last escaped it. */
struct json_memo {
	const char *src;
	char *esc;
	size_t len;
};

/* Output, buffered: everything goes through the jo_*() calls. */
struct json_out {
	FILE *f;
	bool failed;			/* out of memory */
	struct json_memo memo[JSON_MEMO];
	/* The options being written, unpacked here rather than on the
	 * stack: in the loop over every event, a local whose address
	 * escapes made GCC 12's code for all of it a sixth slower. */
	struct segment_options opt;
	size_t n;
	char buf[JSON_BUF];
};

static void jo_flush(struct json_out *o)
{
	if (o->n > 0)
		fwrite(o->buf, 1, o->n, o->f);
	o->n = 0;
}

/* Past the buffer's end: flush, or write a very long piece directly. */
static void jo_spill(struct json_out *o, const char *s, size_t len)
{
	jo_flush(o);
	if (len > JSON_BUF) {
		fwrite(s, 1, len, o->f);
		return;
	}
	memcpy(o->buf, s, len);
	o->n = len;
}

static inline void jo_mem(struct json_out *o, const char *s, size_t len)
{
	if (len > JSON_BUF - o->n) {
		jo_spill(o, s, len);
		return;
	}
	memcpy(o->buf + o->n, s, len);
	o->n += len;
}

static inline void jo_chr(struct json_out *o, char c)
{
	if (o->n == JSON_BUF)
		jo_flush(o);
	o->buf[o->n++] = c;
}

static void jo_str(struct json_out *o, const char *s)
{
	jo_mem(o, s, strlen(s));
}

/* A string literal, its length known when compiling. */
#define JO_LIT(o, lit) jo_mem((o), (lit), sizeof (lit) - 1)
/* ,"key":number and ,"key":"value" (value unescaped: names from tables) */
#define JO_NUM(o, key, v) \
	(JO_LIT((o), ",\"" key "\":"), jo_i64((o), (v)))
#define JO_FIELD(o, key, value) \
	(JO_LIT((o), ",\"" key "\":\""), jo_str((o), (value)), jo_chr((o), '"'))

/* Decimal digits two at a time: most numbers here have five to ten. */
static const char jo_digits[] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static void jo_u64(struct json_out *o, uint64_t v)
{
	char d[20];
	size_t i = sizeof d;
	uint32_t w;

	/* Above 32 bits (seeds, times past an hour), 64-bit division. */
	while (v > UINT32_MAX) {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	}
	w = (uint32_t)v;
	while (w >= 100) {
		i -= 2;
		memcpy(d + i, jo_digits + w % 100 * 2, 2);
		w /= 100;
	}
	if (w >= 10) {
		i -= 2;
		memcpy(d + i, jo_digits + w * 2, 2);
	} else {
		d[--i] = (char)('0' + w);
	}
	jo_mem(o, d + i, sizeof d - i);
}

static void jo_i64(struct json_out *o, int64_t v)
{
	if (v < 0)
		jo_chr(o, '-');
	jo_u64(o, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

/* Length of the UTF-8 sequence starting at s, or 0 if it is invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * A JSON string, quoted, into out (room for 6 bytes a byte, and 2).
 * Valid UTF-8 passes through; invalid bytes (a pcap file name, say)
 * become U+FFFD so that the line stays valid JSON.  Returns its length.
 */
static size_t json_escape(const char *str, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t k = 0, n;

	out[k++] = '"';
	while (*s != '\0') {
		if (*s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\') {
			out[k++] = (char)*s++;
		} else if (*s >= 0x80 && (n = utf8_len(s)) > 0) {
			memcpy(out + k, s, n);
			k += n;
			s += n;
		} else if (*s >= 0x80) {
			memcpy(out + k, "\\ufffd", 6);
			k += 6;
			s++;
		} else if (*s == '"' || *s == '\\') {
			out[k++] = '\\';
			out[k++] = (char)*s++;
		} else if (*s == '\n' || *s == '\t' || *s == '\r') {
			out[k++] = '\\';
			out[k++] = *s == '\n' ? 'n' : *s == '\t' ? 't' : 'r';
			s++;
		} else {
			memcpy(out + k, "\\u00", 4);
			out[k + 4] = hex[*s >> 4];
			out[k + 5] = hex[*s & 15];
			k += 6;
			s++;
		}
	}
	out[k++] = '"';
	return k;
}

/*
 * A JSON string, or null.  A capture's narration repeats a few hundred
 * sentences (trace_add_narration_pooled() keeps each once), so each
 * string is escaped once and remembered by its address: the trace does
 * not change while it is written.
 */
static void json_str(struct json_out *o, const char *str)
{
	struct json_memo *m;

	if (str == NULL) {
		JO_LIT(o, "null");
		return;
	}
	m = &o->memo[(uintptr_t)str / 8 % JSON_MEMO];
	if (m->src != str) {
		char *esc = malloc(6 * strlen(str) + 2);

		if (esc == NULL) {
			o->failed = true;
			return;
		}
		free(m->esc);
		m->esc = esc;
		m->len = json_escape(str, esc);
		m->src = str;
	}
	jo_mem(o, m->esc, m->len);
}

/* Microseconds as seconds with exactly six decimals; null for no time. */
static void json_time(struct json_out *o, int64_t t)
{
	uint64_t u, frac;
	char d[6];

	if (t == TRACE_T_NONE) {
		JO_LIT(o, "null");
		return;
	}
	if (t < 0)
		jo_chr(o, '-');
	u = t < 0 ? -(uint64_t)t : (uint64_t)t;
	jo_u64(o, u / 1000000);
	jo_chr(o, '.');
	frac = u % 1000000;
	for (int i = 5; i >= 0; i--) {
		d[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	jo_mem(o, d, sizeof d);
}

/* The fields every event but a segment starts with. */
static void json_head(struct json_out *o, const struct trace_event *e,
    const char *type)
{
	JO_LIT(o, "{\"type\":\"");
	jo_str(o, type);
	JO_LIT(o, "\",\"t\":");
	json_time(o, e->t);
	JO_NUM(o, "conn", e->conn);
	JO_FIELD(o, "side", trace_side_name(e->side));
}

/* A SACK edge acknowledges the peer's data, so it is relative like ack. */
static uint32_t json_rel_edge(const struct trace *tr,
    const struct trace_event *e, uint32_t edge)
{
	const struct trace_conn *c = trace_conn(tr, e->conn);
	int peer = !e->side;

	if (c == NULL || !c->base_known[peer])
		return edge;
	return edge - c->base[peer];
}

static void json_options(struct json_out *o, const struct trace *tr,
    const struct trace_event *e)
{
	static const char hex[] = "0123456789abcdef";
	const struct segment_options *op = &o->opt;
	const char *sep = "";

	trace_options(tr, e, &o->opt);
	JO_LIT(o, ",\"options\":{");
	if (op->present & SEGOPT_MSS) {
		JO_LIT(o, "\"mss\":");
		jo_u64(o, op->mss);
		sep = ",";
	}
	if (op->present & SEGOPT_WSCALE) {
		jo_str(o, sep);
		JO_LIT(o, "\"wscale\":");
		jo_u64(o, op->wscale);
		sep = ",";
	}
	if (op->present & SEGOPT_SACK_PERM) {
		jo_str(o, sep);
		JO_LIT(o, "\"sack_perm\":true");
		sep = ",";
	}
	if (op->present & SEGOPT_SACK) {
		jo_str(o, sep);
		JO_LIT(o, "\"sack\":[");
		for (unsigned i = 0; i < op->nsack && i < SEG_MAX_SACK; i++) {
			jo_str(o, i > 0 ? ",[" : "[");
			jo_u64(o, json_rel_edge(tr, e, op->sack[i][0]));
			jo_chr(o, ',');
			jo_u64(o, json_rel_edge(tr, e, op->sack[i][1]));
			jo_chr(o, ']');
		}
		jo_chr(o, ']');
		sep = ",";
	}
	if (op->present & SEGOPT_TIMESTAMP) {
		jo_str(o, sep);
		JO_LIT(o, "\"ts_val\":");
		jo_u64(o, op->ts_val);
		JO_NUM(o, "ts_ecr", op->ts_ecr);
		sep = ",";
	}
	if (op->present & SEGOPT_TFO) {
		/* An empty cookie is a cookie request. */
		jo_str(o, sep);
		JO_LIT(o, "\"tfo_cookie\":\"");
		for (unsigned i = 0; i < op->tfo_len && i < SEG_MAX_TFO_COOKIE;
		    i++) {
			jo_chr(o, hex[op->tfo_cookie[i] >> 4]);
			jo_chr(o, hex[op->tfo_cookie[i] & 15]);
		}
		jo_chr(o, '"');
	}
	jo_chr(o, '}');
}

static void json_segment(struct json_out *o, const struct trace *tr,
    const struct trace_event *e)
{
	char flags[10];
	const char *sep = "";
	bool has_ack = e->u.seg.flags & SEG_ACK;

	JO_LIT(o, "{\"type\":\"segment\",\"n\":");
	jo_u64(o, e->n);
	JO_NUM(o, "conn", e->conn);
	JO_FIELD(o, "from", trace_side_name(e->side));
	JO_FIELD(o, "to", trace_side_name(!e->side));
	JO_FIELD(o, "flags", segment_flags_str(e->u.seg.flags, flags));
	JO_NUM(o, "seq", trace_rel_seq(tr, e));
	JO_NUM(o, "ack", trace_rel_ack(tr, e));
	JO_NUM(o, "len", e->u.seg.len);
	JO_NUM(o, "win", e->u.seg.win);
	JO_NUM(o, "abs_seq", e->u.seg.seq);
	JO_NUM(o, "abs_ack", has_ack ? e->u.seg.ack : 0);
	JO_LIT(o, ",\"t_sent\":");
	json_time(o, e->t);
	JO_LIT(o, ",\"t_arrived\":");
	json_time(o, trace_arrival(e));
	jo_str(o, e->u.seg.lost ? ",\"lost\":true,\"notes\":[" :
	    ",\"lost\":false,\"notes\":[");
	for (unsigned i = 0; i < NOTE_NCOUNT; i++) {
		if (e->u.seg.notes & (1u << i)) {
			jo_str(o, sep);
			jo_chr(o, '"');
			jo_str(o, trace_note_name(i));
			jo_chr(o, '"');
			sep = ",";
		}
	}
	jo_chr(o, ']');
	if (e->u.seg.opt >= 0)
		json_options(o, tr, e);
	JO_LIT(o, "}\n");
}

static void json_app(struct json_out *o, const struct trace_event *e)
{
	const char *argname = ",\"arg\":";

	json_head(o, e, "app");
	JO_FIELD(o, "call", app_call_name(e->u.app.call));
	if (e->u.app.call == APP_SEND || e->u.app.call == APP_RECV)
		argname = ",\"bytes\":";
	else if (e->u.app.call == APP_LISTEN)
		argname = ",\"backlog\":";
	if (e->u.app.arg != 0) {
		jo_str(o, argname);
		jo_i64(o, e->u.app.arg);
	}
	if (e->u.app.result != APP_PENDING)
		JO_FIELD(o, "result", app_result_name(e->u.app.result));
	JO_LIT(o, "}\n");
}

/* Narration: its own event's, or the one a state event carries, which
 * reads as if it were the next event. */
static void json_narration(struct json_out *o, const struct trace *tr,
    const struct trace_event *e)
{
	json_head(o, e, "narration");
	JO_LIT(o, ",\"en\":");
	json_str(o, trace_narration(tr, e, 0));
	JO_LIT(o, ",\"zh\":");
	json_str(o, trace_narration(tr, e, 1));
	JO_LIT(o, "}\n");
}

static void json_event(struct json_out *o, const struct trace *tr,
    const struct trace_event *e)
{
	switch (e->type) {
	case TRACE_SEGMENT:
		json_segment(o, tr, e);
		break;
	case TRACE_STATE:
		json_head(o, e, "state");
		JO_FIELD(o, "from", tcp_state_name(e->u.state.from));
		JO_FIELD(o, "to", tcp_state_name(e->u.state.to));
		JO_LIT(o, ",\"cause\":");
		json_str(o, e->u.state.cause);
		JO_LIT(o, "}\n");
		if (trace_narrates(e))
			json_narration(o, tr, e);
		break;
	case TRACE_TIMER:
		json_head(o, e, "timer");
		JO_FIELD(o, "timer", trace_timer_name(e->u.timer.timer));
		JO_FIELD(o, "action",
		    trace_timer_action_name(e->u.timer.action));
		if (e->u.timer.action == TIMER_ARMED) {
			JO_LIT(o, ",\"expires\":");
			json_time(o, e->u.timer.expires);
		}
		JO_LIT(o, "}\n");
		break;
	case TRACE_APP:
		json_app(o, e);
		break;
	case TRACE_NARRATION:
		json_narration(o, tr, e);
		break;
	}
}

/*
 * A SYN flood (trace.h): its listener, counts, the half-open count over
 * time (series[i] is the most during [series_t0 + i * series_step, +
 * series_step)) and its connections.  After the events it sums up.
 */
static void json_flood(struct json_out *o, const struct trace *tr, int l)
{
	const struct trace_listener *L = &tr->listeners[l - 1];
	char ep[64];
	const char *sep = "";

	JO_LIT(o, "{\"type\":\"flood\",\"flood\":");
	jo_i64(o, l);
	JO_FIELD(o, "listener", endpoint_str(&L->ep, ep, sizeof ep));
	JO_NUM(o, "half_open", L->members);
	JO_NUM(o, "sources", L->sources);
	JO_NUM(o, "attempts", L->attempts);
	JO_NUM(o, "completed", L->completed);
	JO_NUM(o, "half_open_max", L->half_open_max);
	jo_str(o, L->cookies ? ",\"syn_cookies\":true" :
	    ",\"syn_cookies\":false");
	JO_LIT(o, ",\"t_first\":");
	json_time(o, L->t_first);
	JO_LIT(o, ",\"t_last\":");
	json_time(o, L->t_last);
	JO_LIT(o, ",\"series_t0\":");
	json_time(o, L->series_t0);
	JO_LIT(o, ",\"series_step\":");
	json_time(o, L->series_step);
	JO_LIT(o, ",\"series\":[");
	for (int i = 0; i < L->nseries; i++) {
		if (i > 0)
			jo_chr(o, ',');
		jo_u64(o, L->series[i]);
	}
	JO_LIT(o, "],\"conns\":[");
	for (size_t i = 0; i < tr->nconns; i++) {
		if (tr->conns[i].listener == l && tr->conns[i].incomplete) {
			jo_str(o, sep);
			jo_i64(o, tr->conns[i].id);
			sep = ",";
		}
	}
	JO_LIT(o, "]}\n");
}

int trace_write_json(const struct trace *tr, FILE *out)
{
	struct json_out *o = malloc(sizeof *o);
	bool *announced, failed;
	char buf[64];

	/* calloc(0) may return NULL, which must not look like a failure. */
	announced = calloc(tr->nconns + 1, sizeof *announced);
	if (o == NULL || announced == NULL) {
		free(o);
		free(announced);
		return -1;
	}
	memset(o, 0, offsetof(struct json_out, buf));
	o->f = out;

	JO_LIT(o, "{\"type\":\"meta\",\"version\":1,\"source\":");
	json_str(o, tr->source);
	JO_LIT(o, ",\"profile\":");
	json_str(o, tr->profile);
	JO_LIT(o, ",\"seed\":");
	jo_u64(o, tr->seed);
	JO_LIT(o, "}\n");

	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];
		const struct trace_conn *c = trace_conn(tr, e->conn);

		if (c != NULL && !announced[c->id]) {
			announced[c->id] = true;
			JO_LIT(o, "{\"type\":\"conn\",\"conn\":");
			jo_i64(o, c->id);
			JO_FIELD(o, "client", endpoint_str(&c->ep[SIDE_CLIENT],
			    buf, sizeof buf));
			JO_FIELD(o, "server", endpoint_str(&c->ep[SIDE_SERVER],
			    buf, sizeof buf));
			/* One of a SYN flood's half-open connections. */
			if (c->listener > 0 && c->incomplete &&
			    tr->listeners[c->listener - 1].flood)
				JO_NUM(o, "flood", c->listener);
			JO_LIT(o, "}\n");
		}
		json_event(o, tr, e);
	}
	for (size_t l = 0; l < tr->nlisteners; l++) {
		if (tr->listeners[l].flood)
			json_flood(o, tr, (int)l + 1);
	}
	jo_flush(o);
	failed = o->failed;
	for (size_t i = 0; i < JSON_MEMO; i++)
		free(o->memo[i].esc);
	free(o);
	free(announced);
	if (fflush(out) != 0 || ferror(out) || failed)
		return -1;
	return 0;
}
