/*
 * trace_json.c: the --json view, one JSON object per line as the
 * tcpviz-trace contract in DESIGN.md names them.  Numbers are formatted
 * from integers only, so the output never depends on the locale.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "trace.h"

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
 * A JSON string.  Valid UTF-8 passes through; invalid bytes (a pcap file
 * name, say) become U+FFFD so that the line stays valid JSON.
 */
static void json_str(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	if (s == NULL) {
		fputs("null", out);
		return;
	}
	putc('"', out);
	while (*s != '\0') {
		size_t n = utf8_len(s);

		if (n == 0) {
			fputs("\\ufffd", out);
			s++;
		} else if (*s == '"' || *s == '\\') {
			putc('\\', out);
			putc(*s++, out);
		} else if (*s == '\n') {
			fputs("\\n", out);
			s++;
		} else if (*s == '\t') {
			fputs("\\t", out);
			s++;
		} else if (*s == '\r') {
			fputs("\\r", out);
			s++;
		} else if (*s < 0x20) {
			fprintf(out, "\\u%04x", *s++);
		} else {
			fwrite(s, 1, n, out);
			s += n;
		}
	}
	putc('"', out);
}

/* Microseconds as seconds with exactly six decimals; null for no time. */
static void json_time(FILE *out, int64_t t)
{
	uint64_t u;

	if (t == TRACE_T_NONE) {
		fputs("null", out);
		return;
	}
	if (t < 0)
		putc('-', out);
	u = t < 0 ? -(uint64_t)t : (uint64_t)t;
	fprintf(out, "%" PRIu64 ".%06" PRIu64, u / 1000000, u % 1000000);
}

/* The fields every event but a segment starts with. */
static void json_head(FILE *out, const struct trace_event *e, const char *type)
{
	fprintf(out, "{\"type\":\"%s\",\"t\":", type);
	json_time(out, e->t);
	fprintf(out, ",\"conn\":%d,\"side\":\"%s\"", e->conn,
	    trace_side_name(e->side));
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

static void json_options(FILE *out, const struct trace *tr,
    const struct trace_event *e)
{
	const struct segment_options *o = &tr->opts[e->u.seg.opt];
	const char *sep = "";

	fputs(",\"options\":{", out);
	if (o->present & SEGOPT_MSS) {
		fprintf(out, "%s\"mss\":%u", sep, o->mss);
		sep = ",";
	}
	if (o->present & SEGOPT_WSCALE) {
		fprintf(out, "%s\"wscale\":%u", sep, o->wscale);
		sep = ",";
	}
	if (o->present & SEGOPT_SACK_PERM) {
		fprintf(out, "%s\"sack_perm\":true", sep);
		sep = ",";
	}
	if (o->present & SEGOPT_SACK) {
		fprintf(out, "%s\"sack\":[", sep);
		for (unsigned i = 0; i < o->nsack && i < SEG_MAX_SACK; i++)
			fprintf(out, "%s[%" PRIu32 ",%" PRIu32 "]",
			    i > 0 ? "," : "", json_rel_edge(tr, e, o->sack[i][0]),
			    json_rel_edge(tr, e, o->sack[i][1]));
		putc(']', out);
		sep = ",";
	}
	if (o->present & SEGOPT_TIMESTAMP) {
		fprintf(out, "%s\"ts_val\":%" PRIu32 ",\"ts_ecr\":%" PRIu32,
		    sep, o->ts_val, o->ts_ecr);
		sep = ",";
	}
	if (o->present & SEGOPT_TFO) {
		/* An empty cookie is a cookie request. */
		fprintf(out, "%s\"tfo_cookie\":\"", sep);
		for (unsigned i = 0; i < o->tfo_len && i < SEG_MAX_TFO_COOKIE; i++)
			fprintf(out, "%02x", o->tfo_cookie[i]);
		putc('"', out);
	}
	putc('}', out);
}

static void json_segment(FILE *out, const struct trace *tr,
    const struct trace_event *e)
{
	char flags[10];
	const char *sep = "";
	bool has_ack = e->u.seg.flags & SEG_ACK;

	fprintf(out, "{\"type\":\"segment\",\"n\":%" PRIu32 ",\"conn\":%d,"
	    "\"from\":\"%s\",\"to\":\"%s\",\"flags\":\"%s\","
	    "\"seq\":%" PRIu32 ",\"ack\":%" PRIu32 ",\"len\":%" PRIu32
	    ",\"win\":%u,\"abs_seq\":%" PRIu32 ",\"abs_ack\":%" PRIu32
	    ",\"t_sent\":", e->u.seg.n, e->conn, trace_side_name(e->side),
	    trace_side_name(!e->side), segment_flags_str(e->u.seg.flags, flags),
	    trace_rel_seq(tr, e), trace_rel_ack(tr, e), e->u.seg.len,
	    e->u.seg.win, e->u.seg.seq, has_ack ? e->u.seg.ack : 0);
	json_time(out, e->t);
	fputs(",\"t_arrived\":", out);
	json_time(out, e->u.seg.lost ? TRACE_T_NONE : e->u.seg.t_arrived);
	fprintf(out, ",\"lost\":%s,\"notes\":[",
	    e->u.seg.lost ? "true" : "false");
	for (unsigned i = 0; i < NOTE_NCOUNT; i++) {
		if (e->u.seg.notes & (1u << i)) {
			fprintf(out, "%s\"%s\"", sep, trace_note_name(i));
			sep = ",";
		}
	}
	putc(']', out);
	if (e->u.seg.opt >= 0)
		json_options(out, tr, e);
	fputs("}\n", out);
}

static void json_app(FILE *out, const struct trace_event *e)
{
	const char *argname = "arg";

	json_head(out, e, "app");
	fprintf(out, ",\"call\":\"%s\"", app_call_name(e->u.app.call));
	if (e->u.app.call == APP_SEND || e->u.app.call == APP_RECV)
		argname = "bytes";
	else if (e->u.app.call == APP_LISTEN)
		argname = "backlog";
	if (e->u.app.arg != 0)
		fprintf(out, ",\"%s\":%" PRIu32, argname, e->u.app.arg);
	if (e->u.app.result != APP_PENDING)
		fprintf(out, ",\"result\":\"%s\"",
		    app_result_name(e->u.app.result));
	fputs("}\n", out);
}

static void json_event(FILE *out, const struct trace *tr,
    const struct trace_event *e)
{
	switch (e->type) {
	case TRACE_SEGMENT:
		json_segment(out, tr, e);
		break;
	case TRACE_STATE:
		json_head(out, e, "state");
		fprintf(out, ",\"from\":\"%s\",\"to\":\"%s\",\"cause\":",
		    tcp_state_name(e->u.state.from),
		    tcp_state_name(e->u.state.to));
		json_str(out, e->u.state.cause);
		fputs("}\n", out);
		break;
	case TRACE_TIMER:
		json_head(out, e, "timer");
		fprintf(out, ",\"timer\":\"%s\",\"action\":\"%s\"",
		    trace_timer_name(e->u.timer.timer),
		    trace_timer_action_name(e->u.timer.action));
		if (e->u.timer.action == TIMER_ARMED) {
			fputs(",\"expires\":", out);
			json_time(out, e->u.timer.expires);
		}
		fputs("}\n", out);
		break;
	case TRACE_APP:
		json_app(out, e);
		break;
	case TRACE_NARRATION:
		json_head(out, e, "narration");
		fputs(",\"en\":", out);
		json_str(out, e->u.narr.text[0]);
		fputs(",\"zh\":", out);
		json_str(out, e->u.narr.text[1]);
		fputs("}\n", out);
		break;
	}
}

int trace_write_json(const struct trace *tr, FILE *out)
{
	bool *announced;
	char buf[2][64];

	/* calloc(0) may return NULL, which must not look like a failure. */
	announced = calloc(tr->nconns + 1, sizeof *announced);
	if (announced == NULL)
		return -1;

	fputs("{\"type\":\"meta\",\"version\":1,\"source\":", out);
	json_str(out, tr->source);
	fputs(",\"profile\":", out);
	json_str(out, tr->profile);
	fprintf(out, ",\"seed\":%" PRIu64 "}\n", tr->seed);

	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];
		const struct trace_conn *c = trace_conn(tr, e->conn);

		if (c != NULL && !announced[c->id]) {
			announced[c->id] = true;
			fprintf(out, "{\"type\":\"conn\",\"conn\":%d,"
			    "\"client\":\"%s\",\"server\":\"%s\"}\n", c->id,
			    endpoint_str(&c->ep[SIDE_CLIENT], buf[0], sizeof buf[0]),
			    endpoint_str(&c->ep[SIDE_SERVER], buf[1], sizeof buf[1]));
		}
		json_event(out, tr, e);
	}
	free(announced);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}
