/*
 * check_trace.c: the trace model (relative numbers, numbering, option
 * sets, names) and its writers: the JSON lines byte for byte, the pcap
 * records re-parsed and their checksums verified, and the text ladder's
 * promises (lost segments spelled out, narration wrapped by display
 * width, the Chinese ladder laid out by display width).
 */
/* wcwidth() is an X/Open function; open_memstream() is POSIX 2008. */
#define _XOPEN_SOURCE 700

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "i18n.h"
#include "tests.h"
#include "trace.h"

/* ---- Factories ---- */

static struct endpoint ep(const char *s)
{
	struct endpoint e;

	ck_assert_int_eq(endpoint_parse(s, &e), 0);
	return e;
}

static int conn_v4(struct trace *tr)
{
	struct endpoint c = ep("10.0.0.1:49152"), s = ep("10.0.0.2:80");

	return trace_add_conn(tr, &c, &s);
}

static struct segment mkseg(uint8_t flags, uint32_t seq, uint32_t ack,
    uint32_t len)
{
	struct segment s;

	memset(&s, 0, sizeof s);
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.len = len;
	s.win = 64240;
	return s;
}

/* Send a segment that arrives 50 ms later; returns its event. */
static struct trace_event *send_seg(struct trace *tr, int64_t t, int conn,
    int side, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
	struct segment s = mkseg(flags, seq, ack, len);

	return trace_add_segment(tr, t, conn, side, &s, t + 50000, 0);
}

/* Run a writer into memory and return what it wrote (free it). */
enum writer { W_JSON, W_PCAP, W_TEXT };

static char *write_mem(const struct trace *tr, enum writer w,
    const struct trace_text_opts *o, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	int rc;

	ck_assert_ptr_nonnull(f);
	if (w == W_JSON)
		rc = trace_write_json(tr, f);
	else if (w == W_PCAP)
		rc = trace_write_pcap(tr, f);
	else
		rc = trace_write_text(tr, f, o);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(fclose(f), 0);
	if (len != NULL)
		*len = n;
	return buf;
}

/* ---- The model ---- */

START_TEST(test_rel_handshake_across_wrap)
{
	struct trace tr;
	struct trace_event *e;
	int c;

	trace_init(&tr);
	c = conn_v4(&tr);
	/* Both ISNs just below 2^32: relative numbers still count from 0. */
	e = send_seg(&tr, 0, c, SIDE_CLIENT, SEG_SYN, 0xfffffff0u, 0, 0);
	ck_assert_uint_eq(trace_rel_seq(&tr, e), 0);
	ck_assert_uint_eq(trace_rel_ack(&tr, e), 0);
	e = send_seg(&tr, 50000, c, SIDE_SERVER, SEG_SYN | SEG_ACK,
	    0xffffffffu, 0xfffffff1u, 0);
	ck_assert_uint_eq(trace_rel_seq(&tr, e), 0);
	ck_assert_uint_eq(trace_rel_ack(&tr, e), 1);
	e = send_seg(&tr, 100000, c, SIDE_CLIENT, SEG_ACK | SEG_PSH,
	    0xfffffff1u, 0, 100);
	ck_assert_uint_eq(trace_rel_seq(&tr, e), 1);
	ck_assert_uint_eq(trace_rel_ack(&tr, e), 1);
	e = send_seg(&tr, 150000, c, SIDE_SERVER, SEG_ACK, 0,
	    0xfffffff1u + 100, 0);
	ck_assert_uint_eq(trace_rel_seq(&tr, e), 1);
	ck_assert_uint_eq(trace_rel_ack(&tr, e), 101);
	ck_assert(trace_conn(&tr, c)->base_is_isn[SIDE_CLIENT]);
	ck_assert(trace_conn(&tr, c)->base_is_isn[SIDE_SERVER]);
	trace_free(&tr);
}
END_TEST

START_TEST(test_rel_refused)
{
	struct trace tr;
	struct trace_event *e;
	const struct trace_conn *tc;
	int c;

	trace_init(&tr);
	c = conn_v4(&tr);
	e = send_seg(&tr, 0, c, SIDE_CLIENT, SEG_SYN, 1000, 0, 0);
	ck_assert_uint_eq(trace_rel_seq(&tr, e), 0);
	/* The RST reply's sender has no ISN: its first seq is the base. */
	e = send_seg(&tr, 50000, c, SIDE_SERVER, SEG_RST | SEG_ACK, 0, 1001, 0);
	ck_assert_uint_eq(trace_rel_seq(&tr, e), 0);
	ck_assert_uint_eq(trace_rel_ack(&tr, e), 1);
	tc = trace_conn(&tr, c);
	ck_assert(tc->base_known[SIDE_SERVER]);
	ck_assert(!tc->base_is_isn[SIDE_SERVER]);
	trace_free(&tr);
}
END_TEST

START_TEST(test_rel_ack_flag_off)
{
	struct trace tr;
	struct trace_event *e;
	int c;

	trace_init(&tr);
	c = conn_v4(&tr);
	send_seg(&tr, 0, c, SIDE_CLIENT, SEG_SYN, 1000, 0, 0);
	/* A stale ack field without the ACK flag means nothing. */
	e = send_seg(&tr, 10, c, SIDE_SERVER, SEG_RST, 5000, 1001, 0);
	ck_assert_uint_eq(trace_rel_ack(&tr, e), 0);
	trace_free(&tr);
}
END_TEST

START_TEST(test_rel_midstream)
{
	struct trace tr;
	struct trace_event *e;
	int c;

	trace_init(&tr);
	c = conn_v4(&tr);
	/* A capture that starts mid-connection: nothing from the client yet. */
	e = send_seg(&tr, 0, c, SIDE_SERVER, SEG_ACK | SEG_PSH, 7000, 3000, 10);
	ck_assert_uint_eq(trace_rel_seq(&tr, e), 0);
	ck_assert_uint_eq(trace_rel_ack(&tr, e), 3000);
	e = send_seg(&tr, 10, c, SIDE_CLIENT, SEG_ACK, 3000, 7010, 0);
	ck_assert_uint_eq(trace_rel_seq(&tr, e), 0);
	ck_assert_uint_eq(trace_rel_ack(&tr, e), 10);
	ck_assert(!trace_conn(&tr, c)->base_is_isn[SIDE_CLIENT]);
	trace_free(&tr);
}
END_TEST

START_TEST(test_rel_syn_after_midstream_and_retransmit)
{
	struct trace tr;
	struct trace_event *e;
	int c;

	trace_init(&tr);
	c = conn_v4(&tr);
	/* A stray segment, then the real SYN: the ISN replaces the guess. */
	send_seg(&tr, 0, c, SIDE_CLIENT, SEG_ACK, 50, 0, 0);
	e = send_seg(&tr, 10, c, SIDE_CLIENT, SEG_SYN, 900, 0, 0);
	ck_assert_uint_eq(trace_rel_seq(&tr, e), 0);
	ck_assert(trace_conn(&tr, c)->base_is_isn[SIDE_CLIENT]);
	/* A retransmitted SYN (same ISN) changes nothing. */
	e = send_seg(&tr, 1000010, c, SIDE_CLIENT, SEG_SYN, 900, 0, 0);
	ck_assert_uint_eq(trace_rel_seq(&tr, e), 0);
	ck_assert_uint_eq(trace_conn(&tr, c)->base[SIDE_CLIENT], 900);
	trace_free(&tr);
}
END_TEST

START_TEST(test_numbering_options_rebuild)
{
	struct trace tr;
	struct trace_event *e;
	struct segment s = mkseg(SEG_SYN | SEG_ACK, 77, 5, 0), back;
	struct endpoint c6 = ep("[2001:db8::1]:40000"), s6 = ep("[2001:db8::2]:443");
	int c1, c2;

	trace_init(&tr);
	c1 = conn_v4(&tr);
	c2 = trace_add_conn(&tr, &c6, &s6);
	ck_assert_int_eq(c1, 1);
	ck_assert_int_eq(c2, 2);
	ck_assert_ptr_null(trace_conn(&tr, 0));
	ck_assert_ptr_null(trace_conn(&tr, 3));
	ck_assert_int_eq(trace_conn(&tr, 2)->id, 2);

	e = send_seg(&tr, 0, c1, SIDE_CLIENT, SEG_SYN, 4, 0, 0);
	ck_assert_uint_eq(e->n, 1);
	ck_assert_int_eq(e->u.seg.opt, -1);
	ck_assert_uint_eq(tr.nopts, 0);

	s.opt.present = SEGOPT_MSS | SEGOPT_WSCALE;
	s.opt.mss = 1440;
	s.opt.wscale = 9;
	trace_add_app(&tr, 1, c2, SIDE_SERVER, APP_ACCEPT, APP_PENDING, 0);
	e = trace_add_segment(&tr, 2, c2, SIDE_SERVER, &s, TRACE_T_NONE,
	    NOTE_RETRANSMISSION);
	ck_assert_uint_eq(e->n, 2);
	ck_assert(e->u.seg.lost);
	ck_assert_int_eq(trace_arrival(e), TRACE_T_NONE);
	ck_assert_uint_eq(e->u.seg.notes, NOTE_RETRANSMISSION);
	ck_assert_int_eq(e->u.seg.opt, 0);
	ck_assert_uint_eq(tr.nsegs, 2);

	trace_segment(&tr, &tr.ev[2], &back);
	ck_assert(endpoint_eq(&back.src, &s6));
	ck_assert(endpoint_eq(&back.dst, &c6));
	ck_assert_uint_eq(back.flags, SEG_SYN | SEG_ACK);
	ck_assert_uint_eq(back.seq, 77);
	ck_assert_uint_eq(back.ack, 5);
	ck_assert_uint_eq(back.win, 64240);
	ck_assert_uint_eq(back.opt.present, SEGOPT_MSS | SEGOPT_WSCALE);
	ck_assert_uint_eq(back.opt.mss, 1440);
	ck_assert_uint_eq(back.opt.wscale, 9);
	trace_segment(&tr, &tr.ev[0], &back);
	ck_assert_uint_eq(back.opt.present, 0);
	ck_assert_uint_eq(back.src.port, 49152);
	trace_free(&tr);
	ck_assert_uint_eq(tr.nev, 0);
}
END_TEST

/* Option sets as trace_options() gives them back: what was present,
 * every other field zero. */
START_TEST(test_option_sets)
{
	struct trace tr;
	struct segment s[6];
	struct segment_options want[6], got;
	int opt[6], newid[4] = { 0, 1, 0, 1 };

	for (int i = 0; i < 6; i++) {
		s[i] = mkseg(SEG_ACK, 1, 1, 0);
		/* Fields of options not present must not count. */
		s[i].opt.mss = 1000;
		s[i].opt.ts_val = 5;
		s[i].opt.nsack = 2;
		s[i].opt.tfo_len = 3;
		memset(&want[i], 0, sizeof want[i]);
	}
	/* A SYN's without timestamps: shared. */
	s[0].opt.present = want[0].present = SEGOPT_MSS | SEGOPT_WSCALE |
	    SEGOPT_SACK_PERM;
	s[0].opt.mss = want[0].mss = 1460;
	s[0].opt.wscale = want[0].wscale = 14;
	/* SACK blocks with timestamps: kept each time. */
	s[1].opt.present = want[1].present = SEGOPT_SACK | SEGOPT_TIMESTAMP;
	s[1].opt.nsack = want[1].nsack = 3;
	for (int b = 0; b < SEG_MAX_SACK; b++) {
		s[1].opt.sack[b][0] = 100u * (unsigned)b + 1;
		s[1].opt.sack[b][1] = 0xffffffffu - (unsigned)b;
		if (b < 3) {
			want[1].sack[b][0] = s[1].opt.sack[b][0];
			want[1].sack[b][1] = s[1].opt.sack[b][1];
		}
	}
	s[1].opt.ts_val = want[1].ts_val = 0xdeadbeef;
	s[1].opt.ts_ecr = want[1].ts_ecr = 7;
	/* A Fast Open cookie, and a cookie request. */
	s[2].opt.present = want[2].present = SEGOPT_MSS | SEGOPT_TFO;
	s[2].opt.mss = want[2].mss = 536;
	s[2].opt.tfo_len = want[2].tfo_len = SEG_MAX_TFO_COOKIE;
	for (int b = 0; b < SEG_MAX_TFO_COOKIE; b++)
		s[2].opt.tfo_cookie[b] = want[2].tfo_cookie[b] = (uint8_t)(b + 200);
	s[3].opt.present = want[3].present = SEGOPT_TFO;
	s[3].opt.tfo_len = 0;
	s[3].opt.tfo_cookie[0] = 9;
	/* More blocks than are kept: the count stays as it was seen. */
	s[4].opt.present = want[4].present = SEGOPT_SACK;
	s[4].opt.nsack = want[4].nsack = SEG_MAX_SACK + 2;
	memset(s[4].opt.sack, 0xab, sizeof s[4].opt.sack);
	memset(want[4].sack, 0xab, sizeof want[4].sack);
	s[5].opt.present = want[5].present = SEGOPT_TIMESTAMP;
	want[5].ts_val = s[5].opt.ts_val;

	trace_init(&tr);
	for (int c = 0; c < 3; c++)
		conn_v4(&tr);
	for (int i = 0; i < 6; i++)
		opt[i] = trace_add_segment(&tr, i, 1 + i % 3, SIDE_CLIENT, &s[i],
		    i, 0)->u.seg.opt;
	for (int i = 0; i < 6; i++) {
		trace_options(&tr, &tr.ev[i], &got);
		ck_assert_msg(memcmp(&got, &want[i], sizeof got) == 0, "set %d", i);
	}
	/* Equal sets without a timestamp share one; with one, they do not. */
	ck_assert_int_eq(trace_add_segment(&tr, 6, 1, SIDE_SERVER, &s[0], 6,
	    0)->u.seg.opt, opt[0]);
	ck_assert_int_eq(trace_add_segment(&tr, 7, 2, SIDE_SERVER, &s[3], 7,
	    0)->u.seg.opt, opt[3]);
	ck_assert_int_eq(trace_add_segment(&tr, 8, 3, SIDE_SERVER, &s[1], 8,
	    0)->u.seg.opt, 6);
	ck_assert_uint_eq(tr.nopts, 7);
	/* Letting connection 2 go moves the others' sets down intact. */
	trace_forget_conns(&tr, newid);
	ck_assert_uint_eq(tr.nev, 6);
	ck_assert_uint_eq(tr.nopts, 5);
	for (size_t i = 0; i < tr.nev; i++) {
		int k = tr.ev[i].n == 9 ? 1 : (int)tr.ev[i].n - 1;

		trace_options(&tr, &tr.ev[i], &got);
		ck_assert_msg(memcmp(&got, &want[k % 6], sizeof got) == 0,
		    "segment %u", (unsigned)tr.ev[i].n);
	}
	/* The table still finds the shared set where it went. */
	ck_assert_int_eq(trace_add_segment(&tr, 9, 1, SIDE_SERVER, &s[0], 9,
	    0)->u.seg.opt, tr.ev[0].u.seg.opt);
	ck_assert_uint_eq(tr.nopts, 5);
	trace_free(&tr);
}
END_TEST

START_TEST(test_many_events_and_narration_copies)
{
	struct trace tr;
	char en[] = "mutable";

	trace_init(&tr);
	conn_v4(&tr);
	for (int i = 0; i < 1000; i++)
		send_seg(&tr, i, 1, i & 1, SEG_ACK, (uint32_t)i, 0, 0);
	trace_add_narration(&tr, 1000, 1, SIDE_CLIENT, en, NULL);
	en[0] = 'M';
	ck_assert_uint_eq(tr.nev, 1001);
	ck_assert_uint_eq(tr.ev[999].n, 1000);
	ck_assert_str_eq(tr.ev[1000].u.narr.text[0], "mutable");
	ck_assert_ptr_null(tr.ev[1000].u.narr.text[1]);
	trace_free(&tr);
}
END_TEST

START_TEST(test_event_packing)
{
	struct trace tr;
	struct segment s = mkseg(SEG_ACK, 1, 1, 70000000);
	const int64_t t = 3 * INT64_C(3600000000);	/* 3 h */
	struct trace_event *e;
	int conn;

	/* A capture keeps one per packet. */
	ck_assert_uint_eq(sizeof (struct trace_event), 40);
	trace_init(&tr);
	conn = conn_v4(&tr);
	/* The arrival is kept as a delay after the send time, up to
	 * TRACE_DELAY_MAX; a lost segment has none. */
	e = trace_add_segment(&tr, t, conn, SIDE_CLIENT, &s,
	    t + TRACE_DELAY_MAX, 0);
	ck_assert_int_eq(trace_arrival(e), t + TRACE_DELAY_MAX);
	ck_assert_uint_eq(e->u.seg.len, TRACE_LEN_MAX);
	ck_assert_int_eq(trace_arrival(trace_add_segment(&tr, t, conn,
	    SIDE_CLIENT, &s, t + TRACE_DELAY_MAX + 1, 0)), t + TRACE_DELAY_MAX);
	ck_assert_int_eq(trace_arrival(trace_add_segment(&tr, t, conn,
	    SIDE_CLIENT, &s, t - 1, 0)), t);
	e = trace_add_segment(&tr, t, conn, SIDE_SERVER, &s, TRACE_T_NONE,
	    NOTE_CHALLENGE);
	ck_assert(e->u.seg.lost);
	ck_assert_int_eq(trace_arrival(e), TRACE_T_NONE);
	/* The fields that share words keep their own values. */
	ck_assert_uint_eq(e->n, 4);
	ck_assert_int_eq(e->type, TRACE_SEGMENT);
	ck_assert_int_eq(e->side, SIDE_SERVER);
	ck_assert_int_eq(e->conn, conn);
	ck_assert_int_eq(e->u.seg.opt, -1);
	ck_assert_uint_eq(e->u.seg.notes, NOTE_CHALLENGE);
	ck_assert_uint_eq(e->u.seg.flags, SEG_ACK);
	trace_add_state(&tr, t, TRACE_CONN_MAX, SIDE_SERVER, TCP_LISTEN,
	    TCP_SYN_RCVD, "rcv-syn");
	ck_assert_int_eq(tr.ev[4].conn, TRACE_CONN_MAX);
	ck_assert_uint_eq(tr.ev[4].n, 0);
	trace_free(&tr);
}
END_TEST

/* The same story twice: narration as events of its own, and pooled
 * (pooled != 0), which a state event before it of the same time,
 * connection and side carries. */
static void narrated_trace(struct trace *tr, bool pooled)
{
	static const char *const said[][2] = {
		{ "The client sends a SYN.", "客户端发送 SYN。" },
		{ "It waits.", "它等待。" },
		{ "The server listens.", "服务器在监听。" },
		{ "A SYN went out.", "SYN 已发出。" },
	};
	/* The sentences about connection 1: when, of which side. */
	static const struct { int64_t t; int side, say; } script[] = {
		{ 0, SIDE_CLIENT, 0 }, { 0, SIDE_CLIENT, 1 },
		{ 0, SIDE_SERVER, 2 }, { 5, SIDE_CLIENT, 3 },
	};

	trace_init(tr);
	tr->capture = true;
	conn_v4(tr);
	conn_v4(tr);
	trace_add_state(tr, 0, 1, SIDE_CLIENT, TCP_CLOSED, TCP_SYN_SENT,
	    "snd-syn");
	for (size_t i = 0; i < sizeof script / sizeof script[0]; i++) {
		const char *en = said[script[i].say][0];
		const char *zh = said[script[i].say][1];

		if (i == 2)
			/* Another side's state: a sentence of its own. */
			trace_add_state(tr, 0, 2, SIDE_SERVER, TCP_LISTEN,
			    TCP_LISTEN, TRACE_CAUSE_ASSUMED);
		if (i == 3)
			send_seg(tr, 5, 1, SIDE_CLIENT, SEG_SYN, 1000, 0, 0);
		if (pooled)
			trace_add_narration_pooled(tr, script[i].t, 1,
			    script[i].side, trace_pool(tr, en), trace_pool(tr, zh));
		else
			trace_add_narration(tr, script[i].t, 1, script[i].side,
			    en, zh);
	}
}

START_TEST(test_pooled_narration)
{
	struct trace tr, own;
	struct trace_text_opts zh = { .lang = 1 };
	char *a, *b;
	uint32_t k;
	int newid[3] = { 0, 1, 0 };

	narrated_trace(&tr, true);
	narrated_trace(&own, false);
	/* Each text once, a copy of the caller's. */
	k = trace_pool(&tr, "It waits.");
	ck_assert_uint_eq(trace_pool(&tr, "It waits."), k);
	ck_assert_uint_ne(trace_pool(&tr, "It waits!"), k);
	ck_assert_str_eq(tr.pool[k - 1], "It waits.");
	ck_assert_uint_eq(tr.npool, 9);
	/* The first sentence went into the state event; the second has
	 * its own, as do those after another conn's state or a segment. */
	ck_assert_uint_eq(own.nev, 7);
	ck_assert_uint_eq(tr.nev, 6);
	ck_assert_int_eq(tr.ev[0].type, TRACE_STATE);
	ck_assert(trace_narrates(&tr.ev[0]));
	ck_assert_str_eq(trace_narration(&tr, &tr.ev[0], 0),
	    "The client sends a SYN.");
	ck_assert_str_eq(trace_narration(&tr, &tr.ev[0], 1), "客户端发送 SYN。");
	ck_assert_ptr_null(trace_narration(&tr, &tr.ev[0], 2));
	ck_assert_int_eq(tr.ev[1].type, TRACE_NARRATION);
	ck_assert_str_eq(trace_narration(&tr, &tr.ev[1], 0), "It waits.");
	ck_assert(!trace_narrates(&tr.ev[2]));
	ck_assert_ptr_null(trace_narration(&tr, &tr.ev[2], 0));
	ck_assert_int_eq(tr.ev[3].type, TRACE_NARRATION);
	ck_assert_int_eq(tr.ev[4].type, TRACE_SEGMENT);
	ck_assert_int_eq(tr.ev[5].type, TRACE_NARRATION);
	/* Every writer reads them as events of their own. */
	a = write_mem(&tr, W_JSON, NULL, NULL);
	b = write_mem(&own, W_JSON, NULL, NULL);
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(a, "\"cause\":\"snd-syn\"}\n"
	    "{\"type\":\"narration\",\"t\":0.000000,\"conn\":1,"
	    "\"side\":\"client\",\"en\":\"The client sends a SYN.\""));
	free(a);
	free(b);
	a = write_mem(&tr, W_TEXT, &zh, NULL);
	b = write_mem(&own, W_TEXT, &zh, NULL);
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(a, "客户端发送 SYN。"));
	free(a);
	free(b);
	/* Letting a connection go keeps what the others carry. */
	trace_forget_conns(&tr, newid);
	ck_assert_uint_eq(tr.nev, 5);
	ck_assert_str_eq(trace_narration(&tr, &tr.ev[0], 0),
	    "The client sends a SYN.");
	trace_free(&tr);
	trace_free(&own);
}
END_TEST

START_TEST(test_names)
{
	static const char *const notes[NOTE_NCOUNT] = {
		"retransmission", "keepalive", "dup-ack", "challenge-ack",
		"syn-cookie", "tfo-data", "window-zero", "out-of-window",
		"link-down", "delayed", "forged", "queue-full",
		"refused", "abort", "half-open", "challenge",
	};
	static const char *const calls[APP_NCALLS] = {
		"listen", "connect", "accept", "send", "recv", "shutdown",
		"close", "abort", "crash", "keepalive", "reuseaddr", "fastopen",
	};
	static const char *const timers[TIMER_NKINDS] = {
		"retransmit", "delayed-ack", "keepalive", "time-wait",
		"fin-wait-2",
	};
	static const char *const actions[] = { "armed", "fired", "cancelled" };
	/* APP_PENDING is the call itself, no result: it has no name. */
	static const char *const results[APP_NRESULTS] = {
		NULL, "ok", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET",
		"EADDRINUSE", "EPIPE",
	};

	ck_assert_str_eq(trace_side_name(SIDE_CLIENT), "client");
	ck_assert_str_eq(trace_side_name(SIDE_SERVER), "server");
	ck_assert_int_eq(NOTE_CHALLENGE, 1u << (NOTE_NCOUNT - 1));
	for (unsigned i = 0; i < NOTE_NCOUNT; i++)
		ck_assert_str_eq(trace_note_name(i), notes[i]);
	for (int i = 0; i < TIMER_NKINDS; i++)
		ck_assert_str_eq(trace_timer_name(i), timers[i]);
	for (int i = TIMER_ARMED; i <= TIMER_CANCELLED; i++)
		ck_assert_str_eq(trace_timer_action_name(i), actions[i]);
	for (int i = 0; i < APP_NCALLS; i++) {
		ck_assert_str_eq(app_call_name(i), calls[i]);
		ck_assert_int_eq(app_call_parse(calls[i]), i);
	}
	ck_assert_int_eq(app_call_parse("Connect"), -1);
	ck_assert_int_eq(app_call_parse("bind"), -1);
	ck_assert_ptr_null(app_result_name(APP_PENDING));
	for (int i = APP_OK; i < APP_NRESULTS; i++)
		ck_assert_str_eq(app_result_name(i), results[i]);
	/* Out of range values never crash a view. */
	ck_assert_str_eq(trace_side_name(2), "?");
	ck_assert_str_eq(trace_note_name(NOTE_NCOUNT), "?");
	ck_assert_str_eq(trace_timer_name(TIMER_NKINDS), "?");
	ck_assert_str_eq(trace_timer_action_name(3), "?");
	ck_assert_str_eq(app_call_name(APP_NCALLS), "?");
	ck_assert_str_eq(app_call_name(-1), "?");
	ck_assert_str_eq(app_result_name(APP_NRESULTS), "?");
}
END_TEST

/* ---- JSON ---- */

/* A tiny trace that touches every kind of line and field. */
static void tiny_trace(struct trace *tr)
{
	struct endpoint c2 = ep("[2001:db8::1]:40000"), s2 = ep("[2001:db8::2]:443");
	struct segment s;
	struct trace_event *e;

	trace_init(tr);
	snprintf(tr->source, sizeof tr->source, "scenario:tiny");
	snprintf(tr->profile, sizeof tr->profile, "textbook");
	tr->seed = 18446744073709551615u;
	conn_v4(tr);
	trace_add_conn(tr, &c2, &s2);

	trace_add_app(tr, 0, 1, SIDE_SERVER, APP_LISTEN, APP_PENDING, 128);
	trace_add_state(tr, 0, 1, SIDE_CLIENT, TCP_CLOSED, TCP_SYN_SENT,
	    "connect");
	s = mkseg(SEG_SYN, 1000, 0, 0);
	s.opt.present = SEGOPT_MSS | SEGOPT_WSCALE | SEGOPT_SACK_PERM;
	s.opt.mss = 1460;
	s.opt.wscale = 7;
	trace_add_segment(tr, 0, 1, SIDE_CLIENT, &s, 50000, 0);
	trace_add_timer(tr, 0, 1, SIDE_CLIENT, TIMER_RETRANSMIT, TIMER_ARMED,
	    1000000);
	trace_add_narration(tr, 1, 1, SIDE_CLIENT,
	    "say \"SYN\" \\ then\nwait\x01 \xff!", "中文，好");
	trace_add_timer(tr, 1000000, 1, SIDE_CLIENT, TIMER_RETRANSMIT,
	    TIMER_FIRED, 0);
	e = trace_add_segment(tr, 1000000, 1, SIDE_CLIENT, &s, TRACE_T_NONE, 0);
	e->u.seg.notes = NOTE_RETRANSMISSION | NOTE_LINK_DOWN;
	/* Raw ack left in the field without ACK: abs_ack must say 0. */
	s = mkseg(SEG_RST, 5, 77, 0);
	trace_add_segment(tr, 1500000, 2, SIDE_SERVER, &s, 1550001, 0);
	trace_add_app(tr, 1550001, 2, SIDE_CLIENT, APP_CONNECT,
	    APP_ECONNRESET, 0);
	trace_add_app(tr, 2000000, 1, SIDE_CLIENT, APP_SEND, APP_OK, 100);
	trace_add_app(tr, 2000000, 1, SIDE_CLIENT, APP_SHUTDOWN, APP_PENDING, 1);
	trace_add_state(tr, 123456789, 1, SIDE_SERVER, TCP_LISTEN, TCP_CLOSED,
	    NULL);
}

START_TEST(test_json_exact)
{
	static const char *const want =
	    "{\"type\":\"meta\",\"version\":1,\"source\":\"scenario:tiny\","
	    "\"profile\":\"textbook\",\"seed\":18446744073709551615}\n"
	    "{\"type\":\"conn\",\"conn\":1,\"client\":\"10.0.0.1:49152\","
	    "\"server\":\"10.0.0.2:80\"}\n"
	    "{\"type\":\"app\",\"t\":0.000000,\"conn\":1,\"side\":\"server\","
	    "\"call\":\"listen\",\"backlog\":128}\n"
	    "{\"type\":\"state\",\"t\":0.000000,\"conn\":1,\"side\":\"client\","
	    "\"from\":\"CLOSED\",\"to\":\"SYN_SENT\",\"cause\":\"connect\"}\n"
	    "{\"type\":\"segment\",\"n\":1,\"conn\":1,\"from\":\"client\","
	    "\"to\":\"server\",\"flags\":\"S\",\"seq\":0,\"ack\":0,\"len\":0,"
	    "\"win\":64240,\"abs_seq\":1000,\"abs_ack\":0,\"t_sent\":0.000000,"
	    "\"t_arrived\":0.050000,\"lost\":false,\"notes\":[],"
	    "\"options\":{\"mss\":1460,\"wscale\":7,\"sack_perm\":true}}\n"
	    "{\"type\":\"timer\",\"t\":0.000000,\"conn\":1,\"side\":\"client\","
	    "\"timer\":\"retransmit\",\"action\":\"armed\",\"expires\":1.000000}\n"
	    "{\"type\":\"narration\",\"t\":0.000001,\"conn\":1,\"side\":\"client\","
	    "\"en\":\"say \\\"SYN\\\" \\\\ then\\nwait\\u0001 \\ufffd!\","
	    "\"zh\":\"中文，好\"}\n"
	    "{\"type\":\"timer\",\"t\":1.000000,\"conn\":1,\"side\":\"client\","
	    "\"timer\":\"retransmit\",\"action\":\"fired\"}\n"
	    "{\"type\":\"segment\",\"n\":2,\"conn\":1,\"from\":\"client\","
	    "\"to\":\"server\",\"flags\":\"S\",\"seq\":0,\"ack\":0,\"len\":0,"
	    "\"win\":64240,\"abs_seq\":1000,\"abs_ack\":0,\"t_sent\":1.000000,"
	    "\"t_arrived\":null,\"lost\":true,"
	    "\"notes\":[\"retransmission\",\"link-down\"],"
	    "\"options\":{\"mss\":1460,\"wscale\":7,\"sack_perm\":true}}\n"
	    "{\"type\":\"conn\",\"conn\":2,\"client\":\"[2001:db8::1]:40000\","
	    "\"server\":\"[2001:db8::2]:443\"}\n"
	    "{\"type\":\"segment\",\"n\":3,\"conn\":2,\"from\":\"server\","
	    "\"to\":\"client\",\"flags\":\"R\",\"seq\":0,\"ack\":0,\"len\":0,"
	    "\"win\":64240,\"abs_seq\":5,\"abs_ack\":0,\"t_sent\":1.500000,"
	    "\"t_arrived\":1.550001,\"lost\":false,\"notes\":[]}\n"
	    "{\"type\":\"app\",\"t\":1.550001,\"conn\":2,\"side\":\"client\","
	    "\"call\":\"connect\",\"result\":\"ECONNRESET\"}\n"
	    "{\"type\":\"app\",\"t\":2.000000,\"conn\":1,\"side\":\"client\","
	    "\"call\":\"send\",\"bytes\":100,\"result\":\"ok\"}\n"
	    "{\"type\":\"app\",\"t\":2.000000,\"conn\":1,\"side\":\"client\","
	    "\"call\":\"shutdown\",\"arg\":1}\n"
	    "{\"type\":\"state\",\"t\":123.456789,\"conn\":1,\"side\":\"server\","
	    "\"from\":\"LISTEN\",\"to\":\"CLOSED\",\"cause\":null}\n";
	struct trace tr;
	char *got, *again;

	tiny_trace(&tr);
	got = write_mem(&tr, W_JSON, NULL, NULL);
	ck_assert_str_eq(got, want);
	/* Identical traces give identical bytes. */
	again = write_mem(&tr, W_JSON, NULL, NULL);
	ck_assert_str_eq(got, again);
	free(got);
	free(again);
	trace_free(&tr);
}
END_TEST

START_TEST(test_json_sack_relative)
{
	struct trace tr;
	struct segment s;
	char *got;

	trace_init(&tr);
	conn_v4(&tr);
	send_seg(&tr, 0, 1, SIDE_CLIENT, SEG_SYN, 100, 0, 0);
	s = mkseg(SEG_ACK, 9000, 101, 0);
	s.opt.present = SEGOPT_SACK | SEGOPT_TIMESTAMP;
	s.opt.nsack = 2;
	s.opt.sack[0][0] = 201;
	s.opt.sack[0][1] = 301;
	s.opt.sack[1][0] = 401;
	s.opt.sack[1][1] = 501;
	s.opt.ts_val = 7;
	s.opt.ts_ecr = 3;
	trace_add_segment(&tr, 10, 1, SIDE_SERVER, &s, 20, NOTE_DUP_ACK);
	got = write_mem(&tr, W_JSON, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(got, "\"notes\":[\"dup-ack\"],\"options\":"
	    "{\"sack\":[[101,201],[301,401]],\"ts_val\":7,\"ts_ecr\":3}}\n"));
	free(got);
	trace_free(&tr);
}
END_TEST

START_TEST(test_json_invalid_utf8)
{
	struct trace tr;
	char *got;

	trace_init(&tr);
	/* A pcap file name need not be UTF-8; the line must stay JSON. */
	snprintf(tr.source, sizeof tr.source, "pcap:a\xe4\xb8");
	trace_add_narration(&tr, 0, 0, SIDE_CLIENT, "\xc0\xaf|\xed\xa0\x80|\x7f",
	    "\xf0\x9f\x98\x80\t");
	got = write_mem(&tr, W_JSON, NULL, NULL);
	ck_assert_str_eq(got, "{\"type\":\"meta\",\"version\":1,"
	    "\"source\":\"pcap:a\\ufffd\\ufffd\",\"profile\":\"\",\"seed\":0}\n"
	    "{\"type\":\"narration\",\"t\":0.000000,\"conn\":0,"
	    "\"side\":\"client\",\"en\":\"\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\x7f\","
	    "\"zh\":\"\xf0\x9f\x98\x80\\t\"}\n");
	free(got);
	trace_free(&tr);
}
END_TEST

START_TEST(test_json_empty)
{
	struct trace tr;
	char *got;

	trace_init(&tr);
	got = write_mem(&tr, W_JSON, NULL, NULL);
	ck_assert_str_eq(got, "{\"type\":\"meta\",\"version\":1,\"source\":\"\","
	    "\"profile\":\"\",\"seed\":0}\n");
	free(got);
	trace_free(&tr);
}
END_TEST

/* ---- pcap ---- */

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

/* One's complement sum, folded: 0xffff over data that checks out. */
static uint16_t sum16(uint32_t sum, const uint8_t *p, size_t n)
{
	for (; n > 1; p += 2, n -= 2)
		sum += be16(p);
	if (n == 1)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

struct pkt {
	const uint8_t *ip, *tcp;
	uint32_t sec, usec, caplen;
	size_t tcplen;
};

/* Walk to the i-th record, checking the framing on the way. */
static struct pkt pcap_record(const uint8_t *buf, size_t len, int index)
{
	size_t off = 24;
	struct pkt p;

	for (;;) {
		ck_assert_uint_le(off + 16, len);
		p.sec = le32(buf + off);
		p.usec = le32(buf + off + 4);
		p.caplen = le32(buf + off + 8);
		ck_assert_uint_eq(le32(buf + off + 12), p.caplen);
		ck_assert_uint_le(off + 16 + p.caplen, len);
		if (index-- == 0)
			break;
		off += 16 + p.caplen;
	}
	p.ip = buf + off + 16;
	return p;
}

static void check_v4(struct pkt *p)
{
	uint32_t pseudo;

	ck_assert_uint_eq(p->ip[0], 0x45);
	ck_assert_uint_eq(be16(p->ip + 2), p->caplen);
	ck_assert_uint_eq(be16(p->ip + 6), 0x4000);
	ck_assert_uint_eq(p->ip[8], 64);
	ck_assert_uint_eq(p->ip[9], 6);
	ck_assert_uint_eq(sum16(0, p->ip, 20), 0xffff);
	p->tcp = p->ip + 20;
	p->tcplen = p->caplen - 20;
	pseudo = sum16(0, p->ip + 12, 8) + 6 + (uint32_t)p->tcplen;
	ck_assert_uint_eq(sum16(pseudo, p->tcp, p->tcplen), 0xffff);
}

static struct trace pcap_trace(void)
{
	struct trace tr;
	struct segment s;
	struct endpoint c6 = ep("[2001:db8::1]:40000"), s6 = ep("[2001:db8::2]:443");

	trace_init(&tr);
	conn_v4(&tr);
	trace_add_conn(&tr, &c6, &s6);
	s = mkseg(SEG_SYN, 0xfffffffeu, 0, 0);
	s.opt.present = SEGOPT_MSS | SEGOPT_SACK_PERM | SEGOPT_TIMESTAMP |
	    SEGOPT_WSCALE;
	s.opt.mss = 1460;
	s.opt.wscale = 7;
	s.opt.ts_val = 0x01020304;
	s.opt.ts_ecr = 0;
	trace_add_segment(&tr, 1250000, 1, SIDE_CLIENT, &s, 1300000, 0);
	/* Odd payload length: the checksum pads the last byte. */
	send_seg(&tr, 2000001, 1, SIDE_CLIENT, SEG_ACK | SEG_PSH, 0xffffffffu,
	    500, 11);
	s = mkseg(SEG_FIN | SEG_ACK, 500, 10, 0);
	trace_add_segment(&tr, 3000000, 1, SIDE_SERVER, &s, TRACE_T_NONE, 0);
	send_seg(&tr, 4000000, 2, SIDE_CLIENT, SEG_SYN, 42, 0, 0);
	return tr;
}

START_TEST(test_pcap_headers_and_checksums)
{
	static const uint8_t synopts[] = {
		2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0,
		1, 3, 3, 7,
	};
	struct trace tr = pcap_trace();
	size_t len;
	uint8_t *buf = (uint8_t *)write_mem(&tr, W_PCAP, NULL, &len);
	struct pkt p;

	/* Global header, little-endian. */
	ck_assert_uint_ge(len, 24);
	ck_assert_mem_eq(buf, "\xd4\xc3\xb2\xa1\x02\x00\x04\x00", 8);
	ck_assert_uint_eq(le32(buf + 8), 0);
	ck_assert_uint_eq(le32(buf + 12), 0);
	ck_assert_uint_eq(le32(buf + 16), 65535);
	ck_assert_uint_eq(le32(buf + 20), 101);

	/* The SYN: options as Linux lays them out. */
	p = pcap_record(buf, len, 0);
	ck_assert_uint_eq(p.sec, 1);
	ck_assert_uint_eq(p.usec, 250000);
	ck_assert_uint_eq(p.caplen, 20 + 40);
	check_v4(&p);
	ck_assert_uint_eq(be16(p.ip + 4), 1);
	ck_assert_mem_eq(p.ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	ck_assert_uint_eq(be16(p.tcp), 49152);
	ck_assert_uint_eq(be16(p.tcp + 2), 80);
	ck_assert_uint_eq(be32(p.tcp + 4), 0xfffffffeu);
	ck_assert_uint_eq(be32(p.tcp + 8), 0);
	ck_assert_uint_eq(p.tcp[12], 10 << 4);
	ck_assert_uint_eq(p.tcp[13], SEG_SYN);
	ck_assert_uint_eq(be16(p.tcp + 14), 64240);
	ck_assert_mem_eq(p.tcp + 20, synopts, sizeof synopts);

	/* The first data: payload is the filler text. */
	p = pcap_record(buf, len, 1);
	ck_assert_uint_eq(p.sec, 2);
	ck_assert_uint_eq(p.usec, 1);
	check_v4(&p);
	ck_assert_uint_eq(be16(p.ip + 4), 2);
	ck_assert_uint_eq(p.tcplen, 20 + 11);
	ck_assert_uint_eq(p.tcp[12], 5 << 4);
	ck_assert_uint_eq(p.tcp[13], SEG_ACK | SEG_PSH);
	ck_assert_uint_eq(be32(p.tcp + 4), 0xffffffffu);
	ck_assert_uint_eq(be32(p.tcp + 8), 500);
	ck_assert_mem_eq(p.tcp + 20, "tcpviz tcpv", 11);

	/* The server's lost FIN is in the file too, addresses swapped. */
	p = pcap_record(buf, len, 2);
	check_v4(&p);
	ck_assert_uint_eq(be16(p.ip + 4), 3);
	ck_assert_mem_eq(p.ip + 12, "\x0a\x00\x00\x02\x0a\x00\x00\x01", 8);
	ck_assert_uint_eq(be16(p.tcp), 80);
	ck_assert_uint_eq(be16(p.tcp + 2), 49152);
	ck_assert_uint_eq(p.tcp[13], SEG_FIN | SEG_ACK);
	ck_assert_uint_eq(be32(p.tcp + 8), 10);

	/* IPv6: no header checksum, the pseudo-header has 128-bit addresses. */
	p = pcap_record(buf, len, 3);
	ck_assert_uint_eq(p.ip[0] >> 4, 6);
	ck_assert_uint_eq(be16(p.ip + 4), 20);
	ck_assert_uint_eq(p.ip[6], 6);
	ck_assert_uint_eq(p.ip[7], 64);
	ck_assert_uint_eq(p.caplen, 40 + 20);
	p.tcp = p.ip + 40;
	ck_assert_uint_eq(sum16(sum16(0, p.ip + 8, 32) + 6 + 20, p.tcp, 20),
	    0xffff);
	ck_assert_uint_eq(be16(p.tcp + 2), 443);
	ck_assert_uint_eq(be32(p.tcp + 4), 42);
	/* ... and it is the last record. */
	ck_assert_uint_eq((size_t)(p.ip - buf) + 40 + 20, len);

	free(buf);
	trace_free(&tr);
}
END_TEST

START_TEST(test_pcap_sack_and_tfo)
{
	struct trace tr;
	struct segment s;
	size_t len;
	uint8_t *buf;
	struct pkt p;

	trace_init(&tr);
	conn_v4(&tr);
	/* Timestamps and four SACK blocks do not fit: three are kept. */
	s = mkseg(SEG_ACK, 1, 2, 0);
	s.opt.present = SEGOPT_SACK | SEGOPT_TIMESTAMP;
	s.opt.nsack = 4;
	for (int i = 0; i < 4; i++) {
		s.opt.sack[i][0] = 100u * (uint32_t)i + 10;
		s.opt.sack[i][1] = 100u * (uint32_t)i + 20;
	}
	trace_add_segment(&tr, 0, 1, SIDE_SERVER, &s, 1, 0);
	s = mkseg(SEG_SYN, 7, 0, 3);
	s.opt.present = SEGOPT_MSS | SEGOPT_TFO;
	s.opt.mss = 1460;
	s.opt.tfo_len = 8;
	memcpy(s.opt.tfo_cookie, "ABCDEFGH", 8);
	trace_add_segment(&tr, 0, 1, SIDE_CLIENT, &s, 1, NOTE_TFO_DATA);
	buf = (uint8_t *)write_mem(&tr, W_PCAP, NULL, &len);

	p = pcap_record(buf, len, 0);
	check_v4(&p);
	ck_assert_uint_eq(p.tcp[12] >> 4, 15);
	ck_assert_mem_eq(p.tcp + 20, "\x01\x01\x08\x0a", 4);
	ck_assert_mem_eq(p.tcp + 32, "\x01\x01\x05\x1a", 4);
	ck_assert_uint_eq(be32(p.tcp + 36), 10);
	ck_assert_uint_eq(be32(p.tcp + 56), 220);

	p = pcap_record(buf, len, 1);
	check_v4(&p);
	ck_assert_uint_eq(p.tcp[12] >> 4, 5 + 4);
	ck_assert_mem_eq(p.tcp + 24, "\x22\x0a" "ABCDEFGH" "\x01\x01", 12);
	ck_assert_mem_eq(p.tcp + 36, "tcp", 3);
	free(buf);
	trace_free(&tr);
}
END_TEST

/* ---- Text ---- */

/* Display columns of one line of UTF-8. */
static int display_width(const char *s, size_t n)
{
	locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	locale_t old;
	mbstate_t st;
	int w = 0;

	ck_assert_ptr_nonnull(loc);
	old = uselocale(loc);
	memset(&st, 0, sizeof st);
	while (n > 0) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, n, &st);

		ck_assert(k != (size_t)-1 && k != (size_t)-2 && k != 0);
		ck_assert_int_ge(wcwidth(wc), 0);
		w += wcwidth(wc);
		s += k;
		n -= k;
	}
	uselocale(old);
	freelocale(loc);
	return w;
}

/* Every line that starts with `prefix` fits in `width` columns. */
static void check_lines_fit(const char *text, const char *prefix, int width)
{
	for (const char *p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n');

		ck_assert_ptr_nonnull(nl);
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			ck_assert_msg(display_width(p, (size_t)(nl - p)) <= width,
			    "too wide: %.*s", (int)(nl - p), p);
		p = nl + 1;
	}
}

/* The line that contains `needle` (a copy; free it). */
static char *line_with(const char *text, const char *needle)
{
	const char *hit = strstr(text, needle), *start, *end;

	ck_assert_msg(hit != NULL, "no line with \"%s\" in:\n%s", needle, text);
	for (start = hit; start > text && start[-1] != '\n'; start--)
		continue;
	end = strchr(hit, '\n');
	return strndup(start, (size_t)(end - start));
}

/* The line of text with `needle` in it also has `part`. */
static void assert_line(const char *text, const char *needle,
    const char *part)
{
	char *l = line_with(text, needle);

	ck_assert_msg(strstr(l, part) != NULL, "no \"%s\" in the line \"%s\"",
	    part, l);
	free(l);
}

/* Every string of the NULL-terminated list is in text, or none is. */
static void assert_all_in(const char *text, const char *const *list)
{
	for (; *list != NULL; list++)
		ck_assert_msg(strstr(text, *list) != NULL, "no \"%s\" in:\n%s",
		    *list, text);
}

static void assert_none_in(const char *text, const char *const *list)
{
	for (; *list != NULL; list++)
		ck_assert_msg(strstr(text, *list) == NULL, "\"%s\" in:\n%s",
		    *list, text);
}

static const char *const zh_narration =
    "客户端发送 SYN 报文，携带自己的初始序列号，进入 SYN_SENT 状态。"
    "这是三次握手的第一次握手：此时还不能携带数据（TCP Fast Open 除外），"
    "服务器收到后会回复 SYN-ACK 报文。";

static struct trace text_trace(void)
{
	struct trace tr;
	struct segment s;

	trace_init(&tr);
	snprintf(tr.source, sizeof tr.source, "scenario:lost-fin");
	snprintf(tr.profile, sizeof tr.profile, "linux");
	snprintf(tr.title[0], sizeof tr.title[0], "A lost FIN");
	snprintf(tr.title[1], sizeof tr.title[1], "丢失的 FIN");
	conn_v4(&tr);
	trace_add_app(&tr, 0, 1, SIDE_SERVER, APP_LISTEN, APP_PENDING, 128);
	trace_add_state(&tr, 0, 1, SIDE_SERVER, TCP_CLOSED, TCP_LISTEN, "listen");
	trace_add_app(&tr, 0, 1, SIDE_CLIENT, APP_CONNECT, APP_PENDING, 0);
	trace_add_state(&tr, 0, 1, SIDE_CLIENT, TCP_CLOSED, TCP_SYN_SENT,
	    "connect");
	send_seg(&tr, 0, 1, SIDE_CLIENT, SEG_SYN, 1000, 0, 0);
	trace_add_narration(&tr, 0, 1, SIDE_CLIENT,
	    "The client sends a SYN carrying its initial sequence number and "
	    "enters SYN_SENT.", zh_narration);
	trace_add_state(&tr, 50000, 1, SIDE_SERVER, TCP_LISTEN, TCP_SYN_RCVD,
	    "SYN");
	send_seg(&tr, 50000, 1, SIDE_SERVER, SEG_SYN | SEG_ACK, 5000, 1001, 0);
	trace_add_state(&tr, 100000, 1, SIDE_CLIENT, TCP_SYN_SENT,
	    TCP_ESTABLISHED, "SYN-ACK");
	trace_add_app(&tr, 100000, 1, SIDE_CLIENT, APP_CONNECT, APP_OK, 0);
	send_seg(&tr, 100000, 1, SIDE_CLIENT, SEG_ACK, 1001, 5001, 0);
	trace_add_narration(&tr, 100000, 1, SIDE_CLIENT, "Only English.", NULL);
	trace_add_app(&tr, 1000000, 1, SIDE_CLIENT, APP_CLOSE, APP_PENDING, 0);
	trace_add_state(&tr, 1000000, 1, SIDE_CLIENT, TCP_ESTABLISHED,
	    TCP_FIN_WAIT_1, "close");
	s = mkseg(SEG_FIN | SEG_ACK, 1001, 5001, 0);
	trace_add_segment(&tr, 1000000, 1, SIDE_CLIENT, &s, TRACE_T_NONE, 0);
	trace_add_timer(&tr, 1000000, 1, SIDE_CLIENT, TIMER_RETRANSMIT,
	    TIMER_ARMED, 1200000);
	trace_add_timer(&tr, 1200000, 1, SIDE_CLIENT, TIMER_RETRANSMIT,
	    TIMER_FIRED, 0);
	trace_add_segment(&tr, 1200000, 1, SIDE_CLIENT, &s, 1250000,
	    NOTE_RETRANSMISSION);
	s = mkseg(SEG_FIN | SEG_ACK, 5001, 1002, 0);
	trace_add_segment(&tr, 1250000, 1, SIDE_SERVER, &s, TRACE_T_NONE, 0);
	trace_add_state(&tr, 1300000, 1, SIDE_CLIENT, TCP_FIN_WAIT_2,
	    TCP_TIME_WAIT, "FIN");
	trace_add_timer(&tr, 1300000, 1, SIDE_CLIENT, TIMER_TIME_WAIT,
	    TIMER_ARMED, 61300000);
	return tr;
}

START_TEST(test_text_ladder)
{
	struct trace_text_opts o = { .width = 80 };
	struct trace tr = text_trace();
	char *out = write_mem(&tr, W_TEXT, &o, NULL), *again, *l;

	check_lines_fit(out, "", 80);
	ck_assert_ptr_nonnull(strstr(out, "scenario:lost-fin: A lost FIN "
	    "(profile: linux)\n"));
	assert_line(out, "client 10.0.0.1:49152", "server 10.0.0.2:80");

	/* A rightward arrow from client to server, ack hidden on a SYN. */
	assert_line(out, "|--- S seq=0 len=0 -", "--->|");
	assert_line(out, "|--- S seq=0 len=0 -", "   0.000s ");
	assert_line(out, "|<-- S. seq=0 ack=1 len=0 -", "-| SYN_RCVD");
	/* One side per row: a call and the state it leads to share one. */
	assert_line(out, "SYN_SENT |", "| connect() ");
	l = line_with(out, "SYN_SENT |");
	ck_assert_ptr_null(strstr(l, "listen"));
	free(l);
	assert_line(out, "listen(128) | LISTEN", "   0.000s             | ");
	assert_line(out, "connect() -> ok", "ESTABLISHED |");

	/* Lost: the arrow stops at an X, and the word says it too. */
	assert_line(out, "F. seq=1 ack=1 len=0 -", "-X lost");
	assert_line(out, "F. seq=1 ack=1 len=0 -", "   1.000s ");
	assert_line(out, "lost X-- F. seq=1 ack=2 len=0", "---|");
	assert_line(out, "F. seq=1 ack=1 len=0 (retransmission) -", "->|");
	assert_line(out, "[retransmit timer fired]", "   1.200s ");
	assert_line(out, "[TIME_WAIT 60 s]", "TIME_WAIT |");
	/* Armed retransmit timers are bookkeeping, not rows. */
	ck_assert_ptr_null(strstr(out, "armed"));
	ck_assert_ptr_nonnull(strstr(out, "\n          The client sends a SYN"));

	again = write_mem(&tr, W_TEXT, &o, NULL);
	ck_assert_str_eq(out, again);
	free(again);
	free(out);
	trace_free(&tr);
}
END_TEST

START_TEST(test_text_chinese_wraps)
{
	struct trace_text_opts o = { .width = 60, .lang = 1 };
	struct trace tr = text_trace();
	char *out = write_mem(&tr, W_TEXT, &o, NULL), *wide;
	int zh_lines = 0;

	/* At 60 columns arrows may grow; narration never does. */
	check_lines_fit(out, "          ", 60);
	o.width = 80;
	wide = write_mem(&tr, W_TEXT, &o, NULL);
	check_lines_fit(wide, "", 80);
	free(wide);
	ck_assert_ptr_nonnull(strstr(out, "丢失的 FIN"));
	/* The paragraph is there, complete, over several lines. */
	for (const char *p = out; (p = strstr(p, "\n          ")) != NULL; p++) {
		if ((unsigned char)p[11] >= 0x80)
			zh_lines++;
	}
	ck_assert_int_ge(zh_lines, 3);
	ck_assert_ptr_nonnull(strstr(out, "客户端发送 SYN 报文，"));
	ck_assert_ptr_nonnull(strstr(out, "SYN-ACK 报文。\n"));
	/* Closing punctuation never starts a line. */
	ck_assert_ptr_null(strstr(out, "\n          ，"));
	ck_assert_ptr_null(strstr(out, "\n          。"));
	/* No Chinese text: the English one. */
	ck_assert_ptr_nonnull(strstr(out, "\n          Only English.\n"));

	/* The process's locale does not change a byte. */
	o.width = 60;
	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C"));
	wide = write_mem(&tr, W_TEXT, &o, NULL);
	ck_assert_str_eq(wide, out);
	free(wide);
	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
	wide = write_mem(&tr, W_TEXT, &o, NULL);
	ck_assert_str_eq(wide, out);
	free(wide);
	setlocale(LC_ALL, "C");
	free(out);
	trace_free(&tr);
}
END_TEST

/* Where an over-wide arrow stops: its filler is as short as it gets. */
static bool arrow_at_minimum(const char *line, size_t n)
{
	static const char *const ends[] = { " -->|", " ---|", " --X " };
	char *copy = strndup(line, n);
	bool found = false;

	ck_assert_ptr_nonnull(copy);
	for (size_t i = 0; i < 3 && !found; i++)
		found = strstr(copy, "seq=") != NULL && strstr(copy, ends[i]) != NULL;
	free(copy);
	return found;
}

/*
 * The ladder by display columns: no line wider than `width` except an
 * arrow whose label cannot fit, and on every row of the ladder the two
 * lifelines in their columns, whatever the Chinese in between.
 */
static void check_ladder_layout(const char *text, int width)
{
	int cl = 10 + 12, sl = width - 1 - 12, rows = 0;

	for (const char *p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n'), *bar;
		size_t n;

		ck_assert_ptr_nonnull(nl);
		n = (size_t)(nl - p);
		ck_assert_msg(display_width(p, n) <= width || arrow_at_minimum(p, n),
		    "%d columns wide: %.*s", display_width(p, n), (int)n, p);
		/* Rows have ASCII up to the client's lifeline. */
		if (n > (size_t)cl && p[cl] == '|' && !arrow_at_minimum(p, n)) {
			bar = memchr(p + cl + 1, '|', n - cl - 1);
			ck_assert_msg(bar != NULL, "one lifeline: %.*s", (int)n, p);
			ck_assert_msg(display_width(p, (size_t)(bar - p)) == sl,
			    "server lifeline off column %d: %.*s", sl, (int)n, p);
			rows++;
		}
		p = nl + 1;
	}
	ck_assert_int_ge(rows, 10);
}

START_TEST(test_text_chinese_ladder)
{
	static const int widths[] = { 60, 72, 80, 120 };
	static const char *const zh_words[] = {
		"-X 丢失", "丢失 X-- F. seq=1 ack=2 len=0",
		"| [重传定时器超时] ", " [延迟确认定时器超时] |\n",
		"| [TIME_WAIT 60 秒] ",
		"recv() -> 0（EOF） |", "recv() -> 300 字节 |",
		"connect() -> ECONNREFUSED", "connect() -> 成功", NULL,
	};
	static const char *const en_words[] = {
		"X lost", "lost X", "timer fired", NULL,
	};
	struct trace_text_opts o = { .lang = 1 };
	struct trace tr = text_trace();
	char *out, *l;

	/* The catalog of the build tree, under whatever locale the tests
	 * run (only C.UTF-8 is sure to exist). */
	i18n_init(1);
	trace_set_summary(&tr, "The client's FIN is lost and sent again; the "
	    "server's FIN is lost too.", "客户端的 FIN 丢失后被重传；服务器的 "
	    "FIN 也丢失了。两边都要靠重传定时器，才能把连接关闭完成。");
	/* Notes long enough to wrap in the narrowest gap. */
	trace_add_app(&tr, 1300000, 1, SIDE_SERVER, APP_RECV, APP_OK, 0);
	trace_add_timer(&tr, 1340000, 1, SIDE_SERVER, TIMER_DELACK,
	    TIMER_FIRED, 0);
	trace_add_app(&tr, 1400000, 1, SIDE_SERVER, APP_RECV, APP_OK, 300);
	trace_add_app(&tr, 1500000, 1, SIDE_CLIENT, APP_CONNECT,
	    APP_ECONNREFUSED, 0);
	trace_add_timer(&tr, 61300000, 1, SIDE_CLIENT, TIMER_TIME_WAIT,
	    TIMER_FIRED, 0);
	for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
		o.width = widths[i];
		out = write_mem(&tr, W_TEXT, &o, NULL);
		check_ladder_layout(out, widths[i]);
		/* Column titles: one flush left, one flush right. */
		l = line_with(out, "客户端 10.0.0.1:49152");
		ck_assert_ptr_eq(strstr(l, "客户端"), l);
		ck_assert_int_eq(display_width(l, strlen(l)), widths[i]);
		ck_assert_str_eq(l + strlen(l) - strlen("服务器 10.0.0.2:80"),
		    "服务器 10.0.0.2:80");
		free(l);
		free(out);
	}

	o.width = 80;
	out = write_mem(&tr, W_TEXT, &o, NULL);
	/* The summary, in Chinese, under the title. */
	ck_assert_ptr_nonnull(strstr(out, "scenario:lost-fin: 丢失的 FIN"
	    "（配置：linux）\n客户端的 FIN 丢失后被重传；"));
	/* Interface words from the catalog; machine words stay. */
	assert_line(out, "F. seq=1 ack=1 len=0 (重传) -", "->|");
	assert_all_in(out, zh_words);
	assert_none_in(out, en_words);
	free(out);

	/* In English the same trace has the English summary and words. */
	o.lang = 0;
	i18n_init(0);
	out = write_mem(&tr, W_TEXT, &o, NULL);
	ck_assert_ptr_nonnull(strstr(out, "(profile: linux)\nThe client's FIN "
	    "is lost"));
	ck_assert_ptr_nonnull(strstr(out, "[delayed-ack timer fired]"));
	free(out);
	setlocale(LC_ALL, "C");
	trace_free(&tr);
}
END_TEST

/* A note wider than the gap goes on over more rows, not past the line. */
START_TEST(test_text_note_wraps)
{
	struct trace_text_opts o = { .width = 60 };
	struct trace tr;
	char *out, *l;

	trace_init(&tr);
	conn_v4(&tr);
	trace_add_app(&tr, 0, 1, SIDE_CLIENT, APP_CONNECT, APP_ECONNREFUSED, 0);
	trace_add_timer(&tr, 0, 1, SIDE_SERVER, TIMER_DELACK, TIMER_FIRED, 0);
	out = write_mem(&tr, W_TEXT, &o, NULL);
	check_lines_fit(out, "", 60);
	l = line_with(out, "connect() ->");
	ck_assert_str_eq(l, "   0.000s             | connect() ->           |");
	free(l);
	ck_assert_ptr_nonnull(strstr(out, "\n                      | "
	    "ECONNREFUSED           |\n"));
	/* Server side: flush against the server's lifeline. */
	ck_assert_ptr_nonnull(strstr(out, "|     [delayed-ack timer |\n"
	    "                      |                 fired] |\n"));
	free(out);
	trace_free(&tr);
}
END_TEST

START_TEST(test_text_absolute_and_narrow)
{
	struct trace_text_opts o = { .width = 50, .absolute = true };
	struct trace tr = text_trace();
	char *out = write_mem(&tr, W_TEXT, &o, NULL);

	/* The arrow grows rather than cut the numbers. */
	assert_line(out, "S. seq=5000 ack=1001 len=0", "|<-- ");
	ck_assert_ptr_nonnull(strstr(out, "seq=1001 ack=5001 len=0 --X lost"));
	free(out);
	trace_free(&tr);
}
END_TEST

START_TEST(test_text_conn_marker)
{
	struct trace tr;
	struct endpoint c = ep("10.0.0.1:49153"), s = ep("10.0.0.2:80");
	char *out;

	trace_init(&tr);
	conn_v4(&tr);
	trace_add_conn(&tr, &c, &s);
	send_seg(&tr, 0, 1, SIDE_CLIENT, SEG_SYN, 1, 0, 0);
	send_seg(&tr, 10, 2, SIDE_CLIENT, SEG_SYN, 1, 0, 0);
	send_seg(&tr, 20, 1, SIDE_SERVER, SEG_RST | SEG_ACK, 0, 2, 0);
	out = write_mem(&tr, W_TEXT, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(out, "\n--- conn 2: client 10.0.0.1:49153, "
	    "server 10.0.0.2:80\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n--- conn 1: "));
	check_lines_fit(out, "", 80);
	free(out);
	trace_free(&tr);
}
END_TEST

Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *model = tcase_create("model");
	TCase *json = tcase_create("json");
	TCase *pcap = tcase_create("pcap");
	TCase *text = tcase_create("text");

	tcase_add_test(model, test_rel_handshake_across_wrap);
	tcase_add_test(model, test_rel_refused);
	tcase_add_test(model, test_rel_ack_flag_off);
	tcase_add_test(model, test_rel_midstream);
	tcase_add_test(model, test_rel_syn_after_midstream_and_retransmit);
	tcase_add_test(model, test_numbering_options_rebuild);
	tcase_add_test(model, test_option_sets);
	tcase_add_test(model, test_many_events_and_narration_copies);
	tcase_add_test(model, test_event_packing);
	tcase_add_test(model, test_pooled_narration);
	tcase_add_test(model, test_names);
	tcase_add_test(json, test_json_exact);
	tcase_add_test(json, test_json_sack_relative);
	tcase_add_test(json, test_json_invalid_utf8);
	tcase_add_test(json, test_json_empty);
	tcase_add_test(pcap, test_pcap_headers_and_checksums);
	tcase_add_test(pcap, test_pcap_sack_and_tfo);
	tcase_add_test(text, test_text_ladder);
	tcase_add_test(text, test_text_chinese_wraps);
	tcase_add_test(text, test_text_chinese_ladder);
	tcase_add_test(text, test_text_note_wraps);
	tcase_add_test(text, test_text_absolute_and_narrow);
	tcase_add_test(text, test_text_conn_marker);
	suite_add_tcase(s, model);
	suite_add_tcase(s, json);
	suite_add_tcase(s, pcap);
	suite_add_tcase(s, text);
	return s;
}
