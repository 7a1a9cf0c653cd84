/*
 * check_infer.c: each side's states, notes and narration inferred from
 * captured segments alone (infer.h).  Hand-built segment sequences go
 * through conntrack and infer as a capture would, one per RFC 9293
 * path, note and RST class; then every lesson's own segments, as its
 * receivers saw them, must give back the engine's own state sequences.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conntrack.h"
#include "infer.h"
#include "layout.h"
#include "library.h"
#include "tests.h"

#define CLI "10.0.0.1:49152"
#define SRV "10.0.0.2:80"
#define MS 1000			/* microseconds */
#define SEC 1000000

/* ---- A capture built by hand ---- */

struct cap {
	struct trace tr;
	struct conntrack *ct;
	struct infer *inf;
};

static void cap_open(struct cap *c, const struct conntrack_limits *lim)
{
	trace_init(&c->tr);
	c->ct = conntrack_new(&c->tr, lim);
	c->inf = infer_new(&c->tr);
	ck_assert_ptr_nonnull(c->ct);
	ck_assert_ptr_nonnull(c->inf);
	conntrack_infer(c->ct, c->inf);
}

static void cap_close(struct cap *c)
{
	conntrack_free(c->ct);
	infer_free(c->inf);
	trace_free(&c->tr);
}

/* A segment as a test reads it: sg(CLI, SRV, "S", 100, 0, 0). */
static struct segment sg(const char *from, const char *to, const char *flags,
    uint32_t seq, uint32_t ack, uint32_t len)
{
	struct segment s;

	memset(&s, 0, sizeof s);
	ck_assert_int_eq(endpoint_parse(from, &s.src), 0);
	ck_assert_int_eq(endpoint_parse(to, &s.dst), 0);
	ck_assert_int_ge(segment_flags_parse(flags), 0);
	s.flags = (uint8_t)segment_flags_parse(flags);
	s.seq = seq;
	s.ack = ack;
	s.len = len;
	s.win = 512;
	return s;
}

/* Captured at t (us); returns the segment's number. */
static uint32_t add(struct cap *c, int64_t t, struct segment s)
{
	conntrack_add(c->ct, t, &s);
	return c->tr.nsegs;
}

static uint32_t notes(const struct cap *c, uint32_t n)
{
	const struct trace_event *e = nth_segment(&c->tr, n);

	ck_assert_ptr_nonnull(e);
	return e->u.seg.notes;
}

static const char *path(const struct cap *c, int conn, int side)
{
	static char buf[2][512];

	return state_path(&c->tr, side, conn, buf[side], sizeof buf[side]);
}

/* The cause of side's last state event of conn, and its time. */
static const char *last_cause(const struct cap *c, int conn, int side,
    int64_t *t)
{
	for (size_t i = c->tr.nev; i-- > 0; ) {
		const struct trace_event *e = &c->tr.ev[i];

		if (e->type == TRACE_STATE && e->conn == conn && e->side == side) {
			if (t != NULL)
				*t = e->t;
			return e->u.state.cause;
		}
	}
	return "";
}

/* Whether some narration of conn contains `word` in English. */
static bool narrated(const struct cap *c, int conn, const char *word)
{
	for (size_t i = 0; i < c->tr.nev; i++) {
		const struct trace_event *e = &c->tr.ev[i];

		if (trace_narrates(e) && e->conn == conn &&
		    strstr(trace_narration(&c->tr, e, 0), word) != NULL)
			return true;
	}
	return false;
}

/* The three-way handshake, client ISN 100, server ISN 500. */
static void handshake(struct cap *c, int64_t t)
{
	add(c, t, sg(CLI, SRV, "S", 100, 0, 0));
	add(c, t + 1 * MS, sg(SRV, CLI, "S.", 500, 101, 0));
	add(c, t + 2 * MS, sg(CLI, SRV, ".", 101, 501, 0));
}

/* ---- Captures and what they must read as ---- */

/* One captured segment of a case: at t (us), from -> to; `notes` is what
 * infer must note on it (see struct capture_case). */
struct wire {
	int64_t t;
	const char *from, *to, *flags;
	uint32_t seq, ack, len;
	uint32_t notes;
};

/*
 * A capture (the handshake first if `handshake`, then the segments up to
 * the one without flags) and what infer must read in connection 1: each
 * side's path and last cause, and some narration with each word; NULL is
 * not checked.  A segment's nonzero notes are checked; with `clean`,
 * every segment's, the handshake's (none) included.
 */
struct capture_case {
	const char *name;
	bool handshake;
	const struct wire *w;
	const char *path[2];
	const char *cause[2];
	const char *narration[2];
	bool clean;
};

/* Peers of a simultaneous open: neither port is a server's. */
#define A "10.0.0.1:5000"
#define B "10.0.0.2:6000"
#define OTHER "10.0.0.3:1000"	/* another client, whose SYN moves time */

static const struct capture_case capture_cases[] = {
	/* Both SYNs cross: each side answers with SYN-ACK, then a bare ACK.
	 * The SYN-ACKs repeat the SYNs' numbers without being resent. */
	{ "simultaneous open", false, (const struct wire[]){
		{ 0, A, B, "S", 100, 0, 0, 0 },
		{ 1 * MS, B, A, "S", 500, 0, 0, 0 },
		{ 50 * MS, B, A, "S.", 500, 101, 0, 0 },
		{ 51 * MS, A, B, "S.", 100, 501, 0, 0 },
		{ 100 * MS, A, B, ".", 101, 501, 0, 0 },
		{ 101 * MS, B, A, ".", 501, 101, 0, 0 },
		{ 0 } },
	  { "CLOSED SYN_SENT SYN_RCVD ESTABLISHED",
	    "CLOSED SYN_SENT SYN_RCVD ESTABLISHED" },
	  { NULL, NULL }, { "Simultaneous open", NULL }, true },
	/*
	 * As Linux on a loopback plays it when the first SYN is lost past the
	 * capture point: the other side's SYN meets the first side in
	 * SYN_SENT, which answers with a SYN-ACK; that side, still in
	 * SYN_SENT, takes it as any client would and answers with a bare ACK.
	 */
	{ "simultaneous open, one SYN seen", false, (const struct wire[]){
		{ 0, A, B, "S", 100, 0, 0, 0 },
		{ 50 * MS, B, A, "S", 500, 0, 0, 0 },
		{ 51 * MS, A, B, "S.", 100, 501, 0, 0 },
		{ 52 * MS, B, A, ".", 501, 101, 0, 0 },
		{ 0 } },
	  { "CLOSED SYN_SENT SYN_RCVD ESTABLISHED",
	    "CLOSED SYN_SENT ESTABLISHED" },
	  { NULL, "rcv-syn-ack" }, { NULL, NULL }, false },
	/* The two FINs cross: neither acknowledges the other's. */
	{ "simultaneous close", true, (const struct wire[]){
		{ 10 * MS, CLI, SRV, "F.", 101, 501, 0, 0 },
		{ 11 * MS, SRV, CLI, "F.", 501, 101, 0, 0 },
		{ 60 * MS, SRV, CLI, ".", 502, 102, 0, 0 },
		{ 61 * MS, CLI, SRV, ".", 102, 502, 0, 0 },
		{ 0 } },
	  { "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT",
	    "LISTEN SYN_RCVD ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT" },
	  { NULL, NULL }, { "Simultaneous close", NULL }, false },
	/* The server's FIN carries the ACK of the client's: FIN_WAIT_2
	 * skipped. */
	{ "three-way close", true, (const struct wire[]){
		{ 10 * MS, CLI, SRV, "F.", 101, 501, 0, 0 },
		{ 11 * MS, SRV, CLI, "F.", 501, 102, 0, 0 },
		{ 12 * MS, CLI, SRV, ".", 102, 502, 0, 0 },
		{ 0 } },
	  { "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 TIME_WAIT",
	    "LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED" },
	  { "rcv-fin-ack", NULL }, { "Three-way close", NULL }, false },
	/* The server goes on sending after the client's FIN. */
	{ "half close", true, (const struct wire[]){
		{ 10 * MS, CLI, SRV, "F.", 101, 501, 0, 0 },
		{ 50 * MS, SRV, CLI, ".", 501, 102, 0, 0 },
		{ 60 * MS, SRV, CLI, "P.", 501, 102, 100, 0 },
		{ 61 * MS, CLI, SRV, ".", 102, 601, 0, 0 },
		{ 70 * MS, SRV, CLI, "P.", 601, 102, 100, 0 },
		{ 71 * MS, CLI, SRV, ".", 102, 701, 0, 0 },
		{ 80 * MS, SRV, CLI, "F.", 701, 102, 0, 0 },
		{ 81 * MS, CLI, SRV, ".", 102, 702, 0, 0 },
		{ 0 } },
	  { "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT",
	    "LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED" },
	  { NULL, NULL }, { "shutdown(SHUT_WR)", NULL }, true },
	/* The capture missed the SYN. */
	{ "SYN-ACK first", false, (const struct wire[]){
		{ 0, SRV, CLI, "S.", 500, 101, 0, 0 },
		{ 1 * MS, CLI, SRV, ".", 101, 501, 0, 0 },
		{ 0 } },
	  { "SYN_SENT SYN_SENT ESTABLISHED", "SYN_RCVD SYN_RCVD ESTABLISHED" },
	  { NULL, NULL }, { NULL, NULL }, false },

	/* The SYN arrived once, however often it was sent. */
	{ "retransmission", false, (const struct wire[]){
		{ 0, CLI, SRV, "S", 100, 0, 0, 0 },
		{ 1 * SEC, CLI, SRV, "S", 100, 0, 0, NOTE_RETRANSMISSION },
		{ 1 * SEC + 1 * MS, SRV, CLI, "S.", 500, 101, 0, 0 },
		{ 1 * SEC + 2 * MS, CLI, SRV, ".", 101, 501, 0, 0 },
		{ 2 * SEC, CLI, SRV, "P.", 101, 501, 10, 0 },
		{ 2 * SEC + 300 * MS, CLI, SRV, "P.", 101, 501, 10,
		  NOTE_RETRANSMISSION },
		{ 0 } },
	  { NULL, "LISTEN SYN_RCVD ESTABLISHED" },
	  { NULL, NULL }, { "retransmission", NULL }, true },
	/* A keepalive probe's answer repeats the ACK, but answers, so it is
	 * no dup-ack. */
	{ "keepalive", true, (const struct wire[]){
		{ 7200 * (int64_t)SEC, SRV, CLI, ".", 500, 101, 0,
		  NOTE_KEEPALIVE },
		{ 7200 * (int64_t)SEC + 1 * MS, CLI, SRV, ".", 101, 501, 0, 0 },
		{ 0 } },
	  { NULL, NULL }, { NULL, NULL },
	  { "keepalive probe", "still alive" }, true },
	/*
	 * A rebooted client reconnects from the same port: the server, still
	 * ESTABLISHED, answers the SYN with a challenge ACK; the client's RST
	 * (seq = that ACK) ends the old connection.
	 */
	{ "challenge ACK", true, (const struct wire[]){
		{ 10 * SEC, CLI, SRV, "S", 9000, 0, 0, 0 },
		{ 10 * SEC + 1 * MS, SRV, CLI, ".", 501, 101, 0,
		  NOTE_CHALLENGE_ACK },
		{ 10 * SEC + 2 * MS, CLI, SRV, "R", 101, 0, 0, NOTE_HALF_OPEN },
		{ 0 } },
	  { "CLOSED SYN_SENT ESTABLISHED CLOSED SYN_SENT",
	    "LISTEN SYN_RCVD ESTABLISHED CLOSED" },
	  { NULL, NULL }, { "challenge ACK", NULL }, false },

	{ "RST abort", true, (const struct wire[]){
		{ 10 * MS, CLI, SRV, "R.", 101, 501, 0, NOTE_ABORT },
		{ 0 } },
	  { "CLOSED SYN_SENT ESTABLISHED CLOSED",
	    "LISTEN SYN_RCVD ESTABLISHED CLOSED" },
	  { "abort", "rcv-rst" }, { NULL, NULL }, false },
	/* The client lost the connection (a crash): data gets a bare RST. */
	{ "RST half-open", true, (const struct wire[]){
		{ 5 * SEC, SRV, CLI, "P.", 501, 101, 300, 0 },
		{ 5 * SEC + 1 * MS, CLI, SRV, "R", 101, 0, 0, NOTE_HALF_OPEN },
		{ 0 } },
	  { "CLOSED SYN_SENT ESTABLISHED CLOSED",
	    "LISTEN SYN_RCVD ESTABLISHED CLOSED" },
	  { "state-lost", NULL }, { "half-open", NULL }, false },
	/* In the window but not at RCV.NXT: challenged; outside it: ignored.
	 * Neither closes anything. */
	{ "RST challenged and ignored", true, (const struct wire[]){
		{ 10 * MS, CLI, SRV, "R", 301, 0, 0, NOTE_CHALLENGE },
		{ 11 * MS, SRV, CLI, ".", 501, 101, 0, NOTE_CHALLENGE_ACK },
		{ 20 * MS, CLI, SRV, "R", 100101, 0, 0, NOTE_OUT_OF_WINDOW },
		{ 0 } },
	  { "CLOSED SYN_SENT ESTABLISHED", "LISTEN SYN_RCVD ESTABLISHED" },
	  { NULL, NULL }, { NULL, NULL }, false },
	/* A closed socket's FIN_WAIT_2 timer ran out: the late FIN gets a
	 * RST. */
	{ "FIN_WAIT_2 orphan", true, (const struct wire[]){
		{ 10 * MS, CLI, SRV, "F.", 101, 501, 0, 0 },
		{ 11 * MS, SRV, CLI, ".", 501, 102, 0, 0 },
		{ 100 * SEC, SRV, CLI, "F.", 501, 102, 0, 0 },
		{ 100 * SEC + 1 * MS, CLI, SRV, "R", 102, 0, 0, 0 },
		{ 0 } },
	  { "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSED",
	    "LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED" },
	  { "fin-wait-2-timeout", NULL }, { NULL, NULL }, false },
	/* Data reaching a side that closed: it answers with a RST at
	 * SND.NXT. */
	{ "data after close", true, (const struct wire[]){
		{ 10 * MS, CLI, SRV, "F.", 101, 501, 0, 0 },
		{ 11 * MS, SRV, CLI, ".", 501, 102, 0, 0 },
		{ 20 * MS, SRV, CLI, "P.", 501, 102, 50, 0 },
		{ 21 * MS, CLI, SRV, "R.", 102, 551, 0, NOTE_ABORT },
		{ 0 } },
	  { NULL, "LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT CLOSED" },
	  { "rcv-data-after-close", NULL }, { NULL, NULL }, false },
	/* An old duplicate draws the TIME_WAIT side's ACK; the closed peer's
	 * RST ends TIME_WAIT (Linux, tcp_rfc1337=0).  The server was already
	 * CLOSED: its RST changes nothing there. */
	{ "TIME_WAIT assassination", true, (const struct wire[]){
		{ 10 * MS, CLI, SRV, "F.", 101, 501, 0, 0 },
		{ 11 * MS, SRV, CLI, "F.", 501, 102, 0, 0 },
		{ 12 * MS, CLI, SRV, ".", 102, 502, 0, 0 },
		{ 5 * SEC, CLI, SRV, ".", 102, 502, 0, NOTE_DUP_ACK },
		{ 5 * SEC + 1 * MS, SRV, CLI, "R", 502, 0, 0, NOTE_HALF_OPEN },
		{ 0 } },
	  { "CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 TIME_WAIT CLOSED",
	    "LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED" },
	  { NULL, NULL }, { "TIME-WAIT assassination", NULL }, false },

	/* The SYN-ACK went unanswered; another client's SYN moves time. */
	{ "SYN-ACK timeout", false, (const struct wire[]){
		{ 0, CLI, SRV, "S", 100, 0, 0, 0 },
		{ 1 * MS, SRV, CLI, "S.", 500, 101, 0, 0 },
		{ 1 * SEC, SRV, CLI, "S.", 500, 101, 0, 0 },
		{ 3 * SEC, SRV, CLI, "S.", 500, 101, 0, 0 },
		{ 30 * SEC, OTHER, SRV, "S", 7, 0, 0, 0 },
		{ 0 } },
	  { NULL, "LISTEN SYN_RCVD LISTEN" },
	  { NULL, "synack-timeout" }, { NULL, NULL }, false },
};

START_TEST(test_capture)
{
	const struct capture_case *k = &capture_cases[_i];
	uint32_t first = k->handshake ? 4 : 1, n = first;
	struct cap c;

	cap_open(&c, NULL);
	if (k->handshake)
		handshake(&c, 0);
	for (const struct wire *w = k->w; w->flags != NULL; w++)
		add(&c, w->t, sg(w->from, w->to, w->flags, w->seq, w->ack,
		    w->len));
	/* Notes are read at the end: some are known only later. */
	for (uint32_t i = 1; k->clean && i < first; i++)
		ck_assert_msg(notes(&c, i) == 0, "%s: handshake segment %u "
		    "has notes %#x", k->name, i, notes(&c, i));
	for (const struct wire *w = k->w; w->flags != NULL; w++, n++)
		ck_assert_msg(notes(&c, n) == w->notes ||
		    (w->notes == 0 && !k->clean), "%s: segment %u has notes "
		    "%#x, expected %#x", k->name, n, notes(&c, n), w->notes);
	for (int side = 0; side < 2; side++) {
		const char *got = path(&c, 1, side);
		const char *cause = last_cause(&c, 1, side, NULL);

		ck_assert_msg(k->path[side] == NULL ||
		    strcmp(got, k->path[side]) == 0, "%s: %s path [%s], "
		    "expected [%s]", k->name, trace_side_name(side), got,
		    k->path[side]);
		ck_assert_msg(k->cause[side] == NULL ||
		    strcmp(cause, k->cause[side]) == 0, "%s: %s's last cause "
		    "'%s', expected '%s'", k->name, trace_side_name(side),
		    cause, k->cause[side]);
	}
	for (int i = 0; i < 2; i++)
		ck_assert_msg(k->narration[i] == NULL ||
		    narrated(&c, 1, k->narration[i]), "%s: no narration says "
		    "'%s'", k->name, k->narration[i]);
	cap_close(&c);
}
END_TEST

/* ---- Opening and closing ---- */

START_TEST(test_lifecycle)
{
	struct cap c;
	size_t states = 0, narrs = 0;

	cap_open(&c, NULL);
	handshake(&c, 0);
	add(&c, 10 * MS, sg(CLI, SRV, "P.", 101, 501, 10));
	add(&c, 11 * MS, sg(SRV, CLI, ".", 501, 111, 0));
	add(&c, 20 * MS, sg(CLI, SRV, "F.", 111, 501, 0));
	add(&c, 21 * MS, sg(SRV, CLI, ".", 501, 112, 0));
	add(&c, 30 * MS, sg(SRV, CLI, "F.", 501, 112, 0));
	add(&c, 31 * MS, sg(CLI, SRV, ".", 112, 502, 0));
	ck_assert_str_eq(path(&c, 1, SIDE_CLIENT), "CLOSED SYN_SENT "
	    "ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT");
	ck_assert_str_eq(path(&c, 1, SIDE_SERVER), "LISTEN SYN_RCVD "
	    "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");
	/* Causes as the engine words them, plus the sender's own. */
	ck_assert_str_eq(last_cause(&c, 1, SIDE_CLIENT, NULL), "rcv-fin");
	ck_assert_str_eq(last_cause(&c, 1, SIDE_SERVER, NULL), "rcv-ack");
	ck_assert_int_ge(find_state(&c.tr, -1, SIDE_CLIENT, TCP_SYN_SENT), 0);
	ck_assert(narrated(&c, 1, "TIME_WAIT"));
	ck_assert(narrated(&c, 1, "no capture can show it"));
	/* Every transition explained, in both languages. */
	for (size_t i = 0; i < c.tr.nev; i++) {
		const struct trace_event *e = &c.tr.ev[i];

		states += e->type == TRACE_STATE;
		if (trace_narrates(e)) {
			narrs++;
			ck_assert_uint_gt(strlen(trace_narration(&c.tr, e, 0)), 20);
			ck_assert_ptr_nonnull(strstr(trace_narration(&c.tr, e, 1),
			    "\xe3\x80\x82"));
		}
	}
	ck_assert_uint_eq(states, 10);
	ck_assert_uint_eq(narrs, 10);
	/* Nothing in a clean connection is worth a note. */
	for (uint32_t n = 1; n <= c.tr.nsegs; n++)
		ck_assert_uint_eq(notes(&c, n), 0);
	cap_close(&c);
}
END_TEST

/* The capture starts with data: both sides ESTABLISHED, assumed. */
START_TEST(test_mid_connection)
{
	struct cap c;
	struct layout_table tab[2];

	cap_open(&c, NULL);
	add(&c, 0, sg(SRV, CLI, "P.", 9000, 7000, 100));
	add(&c, 1 * MS, sg(CLI, SRV, ".", 7000, 9100, 0));
	layout_tables(&c.tr, 1, 1 * MS, tab);
	ck_assert_int_eq(tab[SIDE_CLIENT].state, TCP_ESTABLISHED);
	ck_assert(tab[SIDE_CLIENT].assumed);
	ck_assert(tab[SIDE_SERVER].assumed);
	ck_assert_str_eq(last_cause(&c, 1, SIDE_SERVER, NULL),
	    TRACE_CAUSE_ASSUMED);
	ck_assert(narrated(&c, 1, "middle of this connection"));

	add(&c, 10 * MS, sg(CLI, SRV, "F.", 7000, 9100, 0));
	add(&c, 11 * MS, sg(SRV, CLI, ".", 9100, 7001, 0));
	ck_assert_str_eq(path(&c, 1, SIDE_CLIENT),
	    "ESTABLISHED ESTABLISHED FIN_WAIT_1 FIN_WAIT_2");
	ck_assert_str_eq(path(&c, 1, SIDE_SERVER),
	    "ESTABLISHED ESTABLISHED CLOSE_WAIT");
	/* Evidence ends the assumption, side by side. */
	layout_tables(&c.tr, 1, 11 * MS, tab);
	ck_assert_int_eq(tab[SIDE_CLIENT].state, TCP_FIN_WAIT_2);
	ck_assert(!tab[SIDE_CLIENT].assumed);
	ck_assert(!tab[SIDE_SERVER].assumed);
	cap_close(&c);
}
END_TEST

/* ---- Notes ---- */

START_TEST(test_dup_ack_and_out_of_window)
{
	struct cap c;
	uint32_t dup, again;

	cap_open(&c, NULL);
	handshake(&c, 0);
	add(&c, 10 * MS, sg(SRV, CLI, "P.", 501, 101, 100));
	add(&c, 11 * MS, sg(CLI, SRV, ".", 101, 601, 0));
	/* 601..700 lost: the next segment is out of order. */
	add(&c, 20 * MS, sg(SRV, CLI, "P.", 701, 101, 100));
	dup = add(&c, 21 * MS, sg(CLI, SRV, ".", 101, 601, 0));
	ck_assert_uint_eq(notes(&c, dup), NOTE_DUP_ACK);
	/* Already acknowledged data again: resent, and out of window. */
	again = add(&c, 30 * MS, sg(SRV, CLI, "P.", 501, 101, 100));
	ck_assert_uint_eq(notes(&c, again),
	    NOTE_RETRANSMISSION | NOTE_OUT_OF_WINDOW);
	/* A window update is no duplicate. */
	{
		struct segment s = sg(CLI, SRV, ".", 101, 601, 0);

		s.win = 1024;
		ck_assert_uint_eq(notes(&c, add(&c, 31 * MS, s)), 0);
	}
	cap_close(&c);
}
END_TEST

/* Probes unanswered, then the prober gives up with a RST. */
START_TEST(test_keepalive_give_up)
{
	struct cap c;
	uint32_t rst;

	cap_open(&c, NULL);
	handshake(&c, 0);
	for (int i = 0; i < 3; i++)
		add(&c, (7200 + 75 * (int64_t)i) * SEC,
		    sg(SRV, CLI, ".", 500, 101, 0));
	rst = add(&c, 7425 * (int64_t)SEC, sg(SRV, CLI, "R.", 501, 101, 0));
	ck_assert_uint_eq(notes(&c, 4) & NOTE_KEEPALIVE, NOTE_KEEPALIVE);
	ck_assert_uint_eq(notes(&c, 6) & NOTE_KEEPALIVE, NOTE_KEEPALIVE);
	ck_assert_uint_eq(notes(&c, rst), NOTE_ABORT);
	ck_assert_str_eq(last_cause(&c, 1, SIDE_SERVER, NULL),
	    "keepalive-timeout");
	ck_assert_str_eq(path(&c, 1, SIDE_CLIENT),
	    "CLOSED SYN_SENT ESTABLISHED CLOSED");
	cap_close(&c);
}
END_TEST

START_TEST(test_tfo_and_window_zero)
{
	struct cap c;
	struct segment s;

	cap_open(&c, NULL);
	add(&c, 0, sg(CLI, SRV, "S", 100, 0, 20));
	add(&c, 1 * MS, sg(SRV, CLI, "S.", 500, 121, 0));
	s = sg(CLI, SRV, ".", 121, 501, 0);
	s.win = 0;
	add(&c, 2 * MS, s);
	ck_assert_uint_eq(notes(&c, 1), NOTE_TFO_DATA);
	ck_assert_uint_eq(notes(&c, 2), 0);
	ck_assert_uint_eq(notes(&c, 3), NOTE_WINDOW_ZERO);
	ck_assert_str_eq(path(&c, 1, SIDE_SERVER),
	    "LISTEN SYN_RCVD ESTABLISHED");
	ck_assert(narrated(&c, 1, "Fast Open"));
	ck_assert(narrated(&c, 1, "zero window"));
	cap_close(&c);
}
END_TEST

/* ---- RST classes ---- */

START_TEST(test_rst_refused)
{
	struct cap c;

	cap_open(&c, NULL);
	add(&c, 0, sg(CLI, SRV, "S", 100, 0, 0));
	add(&c, 1 * MS, sg(SRV, CLI, "R.", 0, 101, 0));
	ck_assert_uint_eq(notes(&c, 2), NOTE_REFUSED);
	ck_assert_str_eq(path(&c, 1, SIDE_CLIENT), "CLOSED SYN_SENT CLOSED");
	ck_assert_str_eq(path(&c, 1, SIDE_SERVER), "");
	ck_assert(narrated(&c, 1, "ECONNREFUSED"));
	/* A closed port is not a half-open attempt. */
	ck_assert(!c.tr.conns[0].incomplete);
	cap_close(&c);
}
END_TEST

/* ---- Timeouts inferred from silence ---- */

START_TEST(test_syn_timeout)
{
	struct cap c;
	int64_t t;

	cap_open(&c, NULL);
	add(&c, 0, sg(CLI, SRV, "S", 100, 0, 0));
	add(&c, 1 * SEC, sg(CLI, SRV, "S", 100, 0, 0));
	add(&c, 3 * SEC, sg(CLI, SRV, "S", 100, 0, 0));
	/* Before the deadline, nothing is said. */
	add(&c, 7 * SEC, sg("10.0.0.3:1000", SRV, "S", 7, 0, 0));
	ck_assert_str_eq(path(&c, 1, SIDE_CLIENT), "CLOSED SYN_SENT");
	/* Past twice the last backoff, the client has given up. */
	add(&c, 20 * SEC, sg("10.0.0.3:1000", SRV, "S", 7, 0, 0));
	ck_assert_str_eq(path(&c, 1, SIDE_CLIENT), "CLOSED SYN_SENT CLOSED");
	ck_assert_str_eq(last_cause(&c, 1, SIDE_CLIENT, &t), "timeout");
	ck_assert_int_eq(t, 8 * SEC);
	ck_assert(narrated(&c, 1, "ETIMEDOUT"));
	/* The events stay in time order. */
	for (size_t i = 1; i < c.tr.nev; i++)
		ck_assert_int_le(c.tr.ev[i - 1].t, c.tr.ev[i].t);
	cap_close(&c);
}
END_TEST

/* A live capture that goes quiet: the clock moves without packets
 * (conntrack_idle()), so the give-up shows without another packet, and
 * a packet stamped before that moment is not placed before it. */
START_TEST(test_syn_timeout_quiet)
{
	struct cap c;
	int64_t t, base = 1000 * SEC;
	size_t nev;

	cap_open(&c, NULL);
	conntrack_idle(c.ct, base);
	ck_assert_uint_eq(c.tr.nev, 0);
	add(&c, base, sg(CLI, SRV, "S", 100, 0, 0));
	add(&c, base + 1 * SEC, sg(CLI, SRV, "S", 100, 0, 0));
	add(&c, base + 3 * SEC, sg(CLI, SRV, "S", 100, 0, 0));
	nev = c.tr.nev;
	conntrack_idle(c.ct, base + 7 * SEC);
	ck_assert_uint_eq(c.tr.nev, nev);
	conntrack_idle(c.ct, base + 20 * SEC);
	ck_assert_str_eq(path(&c, 1, SIDE_CLIENT), "CLOSED SYN_SENT CLOSED");
	ck_assert_str_eq(last_cause(&c, 1, SIDE_CLIENT, &t), "timeout");
	ck_assert_int_eq(t, 8 * SEC);
	/* Time never goes back: not for idling, not for a late packet. */
	nev = c.tr.nev;
	conntrack_idle(c.ct, base + 10 * SEC);
	ck_assert_uint_eq(c.tr.nev, nev);
	add(&c, base + 15 * SEC, sg("10.0.0.3:1000", SRV, "S", 7, 0, 0));
	ck_assert_int_eq(c.tr.ev[c.tr.nev - 1].t, 20 * SEC);
	cap_close(&c);
}
END_TEST

/* ---- SYN cookies and floods ---- */

static char *forged(int i, char *buf, size_t len)
{
	snprintf(buf, len, "10.66.%d.%d:%d", i / 250, i % 250 + 1, 1000 + i);
	return buf;
}

/*
 * Three forged SYNs fill a queue of three; a fourth gets a SYN-ACK that
 * is never resent while the others are: a cookie.  A fifth, once that is
 * known, is a cookie at once, and its ACK goes LISTEN -> ESTABLISHED.
 */
START_TEST(test_syn_cookie)
{
	struct cap c;
	char a[64];
	uint32_t fourth, fifth;

	cap_open(&c, NULL);
	for (int i = 0; i < 4; i++) {
		add(&c, i * MS, sg(forged(i, a, sizeof a), SRV, "S", 100, 0, 0));
		add(&c, i * MS + 100, sg(SRV, a, "S.", 500 + i, 101, 0));
	}
	fourth = 8;
	for (int i = 0; i < 3; i++)
		add(&c, 1 * SEC + i * MS, sg(SRV, forged(i, a, sizeof a), "S.",
		    500 + i, 101, 0));
	add(&c, 3 * SEC, sg(CLI, SRV, "S", 100, 0, 0));
	ck_assert_uint_eq(notes(&c, fourth), NOTE_SYN_COOKIE);
	ck_assert_str_eq(path(&c, 4, SIDE_SERVER), "LISTEN SYN_RCVD LISTEN");
	ck_assert_str_eq(last_cause(&c, 4, SIDE_SERVER, NULL), "syn-cookie");
	ck_assert_str_eq(path(&c, 1, SIDE_SERVER), "LISTEN SYN_RCVD");
	ck_assert(c.tr.listeners[0].cookies);

	fifth = add(&c, 3 * SEC + 1 * MS, sg(SRV, CLI, "S.", 900, 101, 0));
	add(&c, 3 * SEC + 2 * MS, sg(CLI, SRV, ".", 101, 901, 0));
	ck_assert_uint_eq(notes(&c, fifth), NOTE_SYN_COOKIE);
	ck_assert_str_eq(path(&c, 5, SIDE_SERVER), "LISTEN ESTABLISHED");
	ck_assert_str_eq(last_cause(&c, 5, SIDE_SERVER, NULL), "syn-cookie");
	ck_assert(narrated(&c, 5, "SYN cookie"));
	cap_close(&c);
}
END_TEST

/* Forty spoofed SYNs and one real client: one flood row, one ladder. */
START_TEST(test_flood_summary)
{
	struct cap c;
	const struct trace_listener *L;
	char a[64], *buf = NULL;
	size_t len = 0, quiet = 0;
	FILE *f;

	cap_open(&c, NULL);
	for (int i = 0; i < 40; i++) {
		add(&c, i * 10 * MS, sg(forged(i, a, sizeof a), SRV, "S",
		    1000 * (uint32_t)i, 0, 0));
		add(&c, i * 10 * MS + 1, sg(SRV, a, "S.", 500, 1000 * (uint32_t)i
		    + 1, 0));
	}
	add(&c, 500 * MS, sg(CLI, SRV, "S", 100, 0, 0));
	add(&c, 501 * MS, sg(SRV, CLI, "S.", 777, 101, 0));
	add(&c, 502 * MS, sg(CLI, SRV, ".", 101, 778, 0));
	infer_finish(c.inf);

	ck_assert_uint_eq(c.tr.nlisteners, 1);
	L = &c.tr.listeners[0];
	ck_assert(L->flood);
	ck_assert_uint_eq(L->members, 40);
	ck_assert_uint_eq(L->sources, 40);
	ck_assert_uint_eq(L->attempts, 41);
	ck_assert_uint_eq(L->completed, 1);
	/* The real client was half-open for a moment too. */
	ck_assert_uint_eq(L->half_open, 40);
	ck_assert_uint_eq(L->half_open_max, 41);
	ck_assert_int_gt(L->nseries, 1);
	ck_assert_uint_lt(L->series[0], 40);
	ck_assert_uint_ge(L->series[L->nseries - 1], 40);
	ck_assert(!c.tr.conns[40].incomplete);
	/* The flood is explained once, not forty times. */
	for (size_t i = 0; i < c.tr.nev; i++)
		quiet += trace_narrates(&c.tr.ev[i]) &&
		    c.tr.ev[i].conn > TRACE_FLOOD_MIN && c.tr.ev[i].conn <= 40;
	ck_assert_uint_eq(quiet, 0);

	f = open_memstream(&buf, &len);
	ck_assert_int_eq(trace_write_text(&c.tr, f, NULL), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf,
	    "SYN flood on 10.0.0.2:80: 40 half-open from 40 sources"));
	ck_assert_ptr_nonnull(strstr(buf, "--- conn 41: client " CLI));
	ck_assert_ptr_null(strstr(buf, "--- conn 1:"));
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(trace_write_json(&c.tr, f), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "{\"type\":\"flood\",\"flood\":1,"
	    "\"listener\":\"10.0.0.2:80\",\"half_open\":40,\"sources\":40,"));
	ck_assert_ptr_nonnull(strstr(buf, "\"client\":\"10.66.0.1:1000\","
	    "\"server\":\"10.0.0.2:80\",\"flood\":1}"));
	/* Every segment is still there for scripts. */
	ck_assert_ptr_nonnull(strstr(buf, "\"n\":83,"));
	free(buf);
	cap_close(&c);
}
END_TEST

/* Letting connections go keeps the inference of those that stay. */
START_TEST(test_forget)
{
	struct cap c;
	struct conntrack_limits lim = { .max_conns = 8 };
	char a[64];
	int last = 0;

	cap_open(&c, &lim);
	for (int i = 0; i < 40; i++) {
		int64_t t = i * SEC;

		snprintf(a, sizeof a, "10.0.0.1:%d", 40000 + i);
		add(&c, t, sg(a, SRV, "S", 100, 0, 0));
		add(&c, t + 1 * MS, sg(SRV, a, "S.", 500, 101, 0));
		add(&c, t + 2 * MS, sg(a, SRV, ".", 101, 501, 0));
		add(&c, t + 3 * MS, sg(a, SRV, "F.", 101, 501, 0));
		add(&c, t + 4 * MS, sg(SRV, a, "F.", 501, 102, 0));
		add(&c, t + 5 * MS, sg(a, SRV, ".", 102, 502, 0));
	}
	ck_assert_uint_le(c.tr.nconns, 9);
	last = (int)c.tr.nconns;
	ck_assert_str_eq(path(&c, last, SIDE_CLIENT), "CLOSED SYN_SENT "
	    "ESTABLISHED FIN_WAIT_1 TIME_WAIT");
	ck_assert_str_eq(path(&c, last, SIDE_SERVER), "LISTEN SYN_RCVD "
	    "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED");
	cap_close(&c);
}
END_TEST

/* Letting connections go while segments of theirs wait for evidence
 * (the receiver's queue) leaves the others' waiting segments alone. */
START_TEST(test_forget_waiting)
{
	struct cap c;
	struct conntrack_limits lim = { .max_conns = 8 };
	char a[64];
	size_t n;

	cap_open(&c, &lim);
	/* Each SYN waits for the server's answer. */
	for (int i = 0; i < 40; i++) {
		snprintf(a, sizeof a, "10.0.0.1:%d", 40000 + i);
		add(&c, i * SEC, sg(a, SRV, "S", 100, 0, 0));
	}
	n = c.tr.nconns;
	ck_assert_uint_le(n, 9);
	for (size_t k = 0; k < n; k++) {
		endpoint_str(&c.tr.conns[k].ep[SIDE_CLIENT], a, sizeof a);
		add(&c, 50 * SEC, sg(SRV, a, "S.", 500, 101, 0));
		add(&c, 51 * SEC, sg(a, SRV, ".", 101, 501, 0));
	}
	ck_assert_uint_eq(c.tr.nconns, n);
	for (size_t k = 1; k <= n; k++) {
		ck_assert_str_eq(path(&c, (int)k, SIDE_CLIENT), "CLOSED SYN_SENT "
		    "ESTABLISHED");
		ck_assert_str_eq(path(&c, (int)k, SIDE_SERVER), "LISTEN SYN_RCVD "
		    "ESTABLISHED");
	}
	cap_close(&c);
}
END_TEST

/* ---- Every lesson, as its receivers saw it ---- */

struct arrival {
	int64_t t;
	size_t i;
};

static int arrival_cmp(const void *a, const void *b)
{
	const struct arrival *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * The lesson's segments that arrived, in the order they arrived (a
 * capture point just in front of the receivers: a lost segment never
 * shows), through conntrack and infer.  Returns the last arrival time,
 * -1 if nothing arrived.
 */
static int64_t replay(const struct trace *eng, struct cap *c)
{
	struct arrival *a = malloc((eng->nev + 1) * sizeof *a);
	size_t n = 0;
	int64_t last = -1;

	ck_assert_ptr_nonnull(a);
	for (size_t i = 0; i < eng->nev; i++) {
		const struct trace_event *e = &eng->ev[i];

		if (e->type == TRACE_SEGMENT && !e->u.seg.lost &&
		    trace_arrival(e) != TRACE_T_NONE) {
			a[n].t = trace_arrival(e);
			a[n++].i = i;
		}
	}
	qsort(a, n, sizeof *a, arrival_cmp);
	for (size_t k = 0; k < n; k++) {
		struct segment s;

		trace_segment(eng, &eng->ev[a[k].i], &s);
		conntrack_add(c->ct, a[k].t, &s);
		last = a[k].t;
	}
	infer_finish(c->inf);
	free(a);
	return last;
}

/* The engine's path of one side, without what happened after `until`:
 * no capture shows a state that no segment follows (the end of
 * TIME_WAIT, a timeout after the last packet). */
static const char *engine_path(const struct trace *tr, int conn, int side,
    int64_t until, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < tr->nev && n < len; i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->type != TRACE_STATE || e->side != side ||
		    e->conn != conn || e->t > until)
			continue;
		if (n == 0)
			n += (size_t)snprintf(buf + n, len - n, "%s",
			    tcp_state_name(e->u.state.from));
		n += (size_t)snprintf(buf + n, len - n, " %s",
		    tcp_state_name(e->u.state.to));
	}
	return buf;
}

/* The capture's connection for the engine's connection id: the same
 * endpoints, the same rank among connections with them; 0 if none. */
static int match_conn(const struct trace *eng, int id, const struct trace *cap)
{
	const struct trace_conn *e = trace_conn(eng, id);
	int rank = 0;

	for (int k = 1; k < id; k++) {
		const struct trace_conn *o = trace_conn(eng, k);

		rank += endpoint_eq(&o->ep[0], &e->ep[0]) &&
		    endpoint_eq(&o->ep[1], &e->ep[1]);
	}
	for (size_t k = 0; k < cap->nconns; k++) {
		if (endpoint_eq(&cap->conns[k].ep[0], &e->ep[0]) &&
		    endpoint_eq(&cap->conns[k].ep[1], &e->ep[1]) && rank-- == 0)
			return cap->conns[k].id;
	}
	return 0;
}

/* The notes of a connection's first segment of `side` with these flags. */
static uint32_t first_notes(const struct trace *tr, int conn, int side,
    uint8_t flags)
{
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->type == TRACE_SEGMENT && e->conn == conn &&
		    e->side == side && e->u.seg.flags == flags)
			return e->u.seg.notes;
	}
	return 0;
}

/*
 * The inferred path of every side of every connection equals the
 * engine's, cut at the last arrival.  The exceptions, each because the
 * wire cannot show it:
 * - a connection none of whose segments arrived (a dead link) is not in
 *   the capture at all;
 * - a forged SYN's "client" is an attacker without a socket: the engine
 *   has no states for it, the capture sees a client's SYN;
 * - a SYN cookie is recognised only when its SYN-ACK goes unanswered
 *   and unrepeated for INFER_COOKIE_WAIT while older entries are
 *   retransmitted: by then SYN_RCVD was drawn, so the engine's empty
 *   path reads LISTEN SYN_RCVD LISTEN ("syn-cookie"), and a connection
 *   that completed on a cookie before that reads LISTEN SYN_RCVD
 *   ESTABLISHED instead of LISTEN ESTABLISHED; both SYN-ACKs are still
 *   noted "syn-cookie".
 */
static void compare_lesson(const char *id, const char *profile,
    const char *drop)
{
	char want[512], dropbuf[64];
	const char *sets[2] = { dropbuf, NULL };
	struct run r;
	struct cap c;
	int64_t last;

	snprintf(dropbuf, sizeof dropbuf, "drop %s", drop != NULL ? drop : "");
	run_scenario_with(&r, id, profile, drop != NULL ? sets : NULL,
	    profile != NULL || drop != NULL);
	cap_open(&c, NULL);
	last = replay(&r.tr, &c);
	for (int k = 1; (size_t)k <= r.tr.nconns; k++) {
		int m = match_conn(&r.tr, k, &c.tr);

		if (m == 0)
			continue;
		for (int side = 0; side < 2; side++) {
			const char *got = path(&c, m, side);
			bool cookie = first_notes(&c.tr, m, SIDE_SERVER,
			    SEG_SYN | SEG_ACK) & NOTE_SYN_COOKIE;

			engine_path(&r.tr, k, side, last, want, sizeof want);
			if (want[0] == '\0' && side == SIDE_CLIENT &&
			    (first_notes(&r.tr, k, side, SEG_SYN) & NOTE_FORGED))
				continue;
			if (cookie && side == SIDE_SERVER &&
			    ((want[0] == '\0' &&
			    strcmp(got, "LISTEN SYN_RCVD LISTEN") == 0) ||
			    (strcmp(want, "LISTEN ESTABLISHED") == 0 &&
			    strcmp(got, "LISTEN SYN_RCVD ESTABLISHED") == 0)))
				continue;
			ck_assert_msg(strcmp(want, got) == 0,
			    "%s (%s%s%s) conn %d %s: engine [%s], inferred [%s]",
			    id, profile != NULL ? profile : "own profile",
			    drop != NULL ? ", drop " : "", drop != NULL ? drop : "",
			    k, trace_side_name(side), want, got);
		}
	}
	cap_close(&c);
	run_free(&r);
}

/* Every lesson in data/scenarios, with its own profile and textbook's. */
START_TEST(test_lessons)
{
	size_t n;
	char **ids = lesson_ids(&n);

	for (size_t i = 0; i < n; i++) {
		compare_lesson(ids[i], NULL, NULL);
		compare_lesson(ids[i], "textbook", NULL);
	}
	ck_assert_uint_ge(n, 20);
	lesson_ids_free(ids, n);
}
END_TEST

/*
 * Lessons with each kind of segment lost in turn (a drop that matches no
 * segment changes nothing).  The exceptions:
 * - a FIN lost before the capture point in a simultaneous close: the
 *   capture first shows the other FIN, which reads as an ordinary close
 *   (the missed FIN shows only as a gap of one in the sequence space,
 *   which could as well be a byte of data), so the side whose FIN was
 *   lost seems to go CLOSE_WAIT, LAST_ACK;
 * - simultaneous open with one SYN-ACK lost: on the wire the same four
 *   segments as when the peer's SYN is lost instead (what Linux on a
 *   loopback shows, test_simultaneous_open_one_syn); the inference takes
 *   that reading, where the side whose SYN-ACK is missing never left
 *   SYN_SENT for SYN_RCVD;
 * - Fast Open with the second SYN-ACK lost: the engine's client sends
 *   its SYN again without the data, then finds the SYN-ACK's ACK of
 *   that data unacceptable and resets (a RST reply that keeps it in
 *   SYN_SENT); on the wire an ACK of data that was sent answered by a
 *   bare RST is what a side that lost the connection sends.
 */
START_TEST(test_lesson_drops)
{
	static const char *const lessons[] = {
		"lifecycle", "close-merged", "simultaneous-close", "half-close",
		"abort", "half-open", "simultaneous-open", "fast-open", "refused",
	};
	static const char *const drops[] = {
		"client:SYN#1", "client:SYN#2", "client:SYN-ACK#1",
		"server:SYN-ACK#1",
		"server:SYN-ACK#2", "client:ACK#1", "client:ACK#2",
		"client:ACK#3", "client:ACK#4", "server:ACK#1", "server:ACK#2",
		"server:ACK#3", "server:ACK#4", "client:DATA#1", "client:DATA#2",
		"server:DATA#1", "client:FIN#1", "client:FIN#2", "server:FIN#1",
		"server:FIN#2", "client:RST#1", "server:RST#1",
	};
	static const char *const skip[][2] = {
		{ "simultaneous-close", "client:FIN#1" },
		{ "simultaneous-close", "server:FIN#1" },
		{ "simultaneous-open", "client:SYN-ACK#1" },
		{ "simultaneous-open", "server:SYN-ACK#1" },
		{ "fast-open", "server:SYN-ACK#2" },
	};

	for (size_t l = 0; l < sizeof lessons / sizeof lessons[0]; l++) {
		for (size_t i = 0; i < sizeof drops / sizeof drops[0]; i++) {
			bool skipped = false;

			for (size_t k = 0; k < sizeof skip / sizeof skip[0]; k++)
				skipped |= strcmp(skip[k][0], lessons[l]) == 0 &&
				    strcmp(skip[k][1], drops[i]) == 0;
			if (!skipped)
				compare_lesson(lessons[l], NULL, drops[i]);
		}
	}
}
END_TEST

Suite *infer_suite(void)
{
	Suite *s = suite_create("infer");
	TCase *tc = tcase_create("captures");

	tcase_add_loop_test(tc, test_capture, 0,
	    (int)(sizeof capture_cases / sizeof capture_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("paths");
	tcase_add_test(tc, test_lifecycle);
	tcase_add_test(tc, test_mid_connection);
	suite_add_tcase(s, tc);

	tc = tcase_create("notes");
	tcase_add_test(tc, test_dup_ack_and_out_of_window);
	tcase_add_test(tc, test_keepalive_give_up);
	tcase_add_test(tc, test_tfo_and_window_zero);
	suite_add_tcase(s, tc);

	tc = tcase_create("rst");
	tcase_add_test(tc, test_rst_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("timeouts");
	tcase_add_test(tc, test_syn_timeout);
	tcase_add_test(tc, test_syn_timeout_quiet);
	suite_add_tcase(s, tc);

	tc = tcase_create("floods");
	tcase_add_test(tc, test_syn_cookie);
	tcase_add_test(tc, test_flood_summary);
	tcase_add_test(tc, test_forget);
	tcase_add_test(tc, test_forget_waiting);
	suite_add_tcase(s, tc);

	tc = tcase_create("lessons");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_lessons);
	tcase_add_test(tc, test_lesson_drops);
	suite_add_tcase(s, tc);
	return s;
}

