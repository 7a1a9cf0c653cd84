/*
 * check_transitions.c: one test per row of the transition table in the
 * shared reference (tcp-behaviour.md, "Transitions" and "What Linux
 * answers").  Each test forces one end of a connection into a state on
 * a bare engine, gives it one event (a segment, an application call or
 * some time) and checks the segment it sends, with raw sequence numbers,
 * and the state it ends in.  Rows that are one event and its answer
 * are rows of transitions[] here too; the others are functions.  Sent
 * segments are only traced, never delivered, and time moves only when a
 * test calls advance().
 */
#include <string.h>

#include "engine.h"
#include "tests.h"

#define SEC 1000000LL

#define CLIENT SIDE_CLIENT
#define SERVER SIDE_SERVER

/* Initial sequence numbers that are easy to follow in a failure. */
#define CLIENT_ISS 1000u
#define SERVER_ISS 5000u

static struct {
	struct profile prof;
	struct trace tr;
	struct engine *e;
	size_t mark;		/* trace events before this one are old news */
} fx;

static void start(const char *profile)
{
	struct tv_error err;

	memset(&fx, 0, sizeof fx);
	ck_assert_int_eq(profile_init(&fx.prof, profile, &err), 0);
	trace_init(&fx.tr);
	fx.e = engine_new_bare(&fx.prof, &fx.tr, false);
}

static void setup_linux(void)
{
	start("linux");
}

static void setup_textbook(void)
{
	start("textbook");
}

static void teardown(void)
{
	engine_free(fx.e);
	trace_free(&fx.tr);
}

/* ---- Putting a connection in a state ---- */

/* A connection on `side` in state st, with CLIENT_ISS and SERVER_ISS. */
static int force(int side, enum tcp_state st)
{
	uint32_t iss = side == CLIENT ? CLIENT_ISS : SERVER_ISS;
	uint32_t irs = side == CLIENT ? SERVER_ISS : CLIENT_ISS;
	int h = engine_force_conn(fx.e, side, st, iss, irs);

	ck_assert_int_ge(h, 0);
	return h;
}

/* A listener on the server's port. */
static int listener(void)
{
	int h = engine_force_listen(fx.e, 128);

	ck_assert_int_ge(h, 0);
	return h;
}

/*
 * The socket created last on `side`: connect() and a listener's new
 * child hand out no handle, and handles count up from 0.
 */
static int newest(int side)
{
	int h = engine_newest(fx.e, side);

	ck_assert_msg(h >= 0, "the %s has no socket", trace_side_name(side));
	return h;
}

static struct engine_tcb_view view(int side, int h)
{
	struct engine_tcb_view v;

	ck_assert_msg(engine_view(fx.e, side, h, &v), "no %s socket %d",
	    trace_side_name(side), h);
	return v;
}

/* ---- Events ---- */

/* Only what happens after this point is looked at. */
static void mark(void)
{
	fx.mark = fx.tr.nev;
}

/* seg("S.", seq, ack, len): flags in tcpdump's letters, raw numbers. */
static struct segment seg(const char *flags, uint32_t seq, uint32_t ack,
    uint32_t len)
{
	struct segment s;
	int f = segment_flags_parse(flags);

	ck_assert_msg(f >= 0, "bad flags \"%s\"", flags);
	memset(&s, 0, sizeof s);
	s.flags = (uint8_t)f;
	s.seq = seq;
	s.ack = ack;
	s.len = len;
	s.win = 65535;
	return s;
}

/* Segment s arrives at `side` now. */
static void deliver(int side, struct segment s)
{
	mark();
	engine_deliver(fx.e, side, &s);
}

static void app(int side, int h, enum app_call call, uint32_t arg)
{
	mark();
	engine_app(fx.e, side, h, call, arg);
}

static void advance(int64_t us)
{
	engine_advance(fx.e, us);
}

/* An ACK of data, or of a FIN in ESTABLISHED, may wait for the delayed
 * ACK timer (linux: 40 ms); let that time pass. */
static void wait_delack(void)
{
	advance(fx.prof.delack);
}

/* ---- Assertions ---- */

/* Where a failed assertion was: "line 123", or a table row's name. */
#define AT_(line) "line " #line
#define AT_LINE(line) AT_(line)
#define AT AT_LINE(__LINE__)

/* Index of the first segment `side` sent after the mark, or nev. */
static size_t next_sent(int side)
{
	size_t i = fx.mark;

	while (i < fx.tr.nev && (fx.tr.ev[i].type != TRACE_SEGMENT ||
	    fx.tr.ev[i].side != side))
		i++;
	return i;
}

/*
 * The next segment `side` sent has these flags and seq (and ack, when
 * the flags include ACK).  Moves the mark past it, so that consecutive
 * calls check consecutive segments.
 */
#define assert_sent(side, flags, seq, ack) \
	check_sent(AT, side, flags, seq, ack)

static const struct trace_event *check_sent(const char *at, int side,
    const char *flags, uint32_t seq, uint32_t ack)
{
	size_t i = next_sent(side);
	int want = segment_flags_parse(flags);
	const struct trace_event *ev;
	char got[10];

	ck_assert_msg(i < fx.tr.nev,
	    "%s: the %s sent nothing; expected %s seq %u ack %u", at,
	    trace_side_name(side), flags, seq, ack);
	ev = &fx.tr.ev[i];
	fx.mark = i + 1;
	ck_assert_msg(ev->u.seg.flags == want && ev->u.seg.seq == seq &&
	    (!(want & SEG_ACK) || ev->u.seg.ack == ack),
	    "%s: the %s sent %s seq %u ack %u; expected %s seq %u ack %u",
	    at, trace_side_name(side), segment_flags_str(ev->u.seg.flags, got),
	    ev->u.seg.seq, ev->u.seg.ack, flags, seq, ack);
	return ev;
}

#define assert_nothing_sent(side) check_nothing_sent(AT, side)

static void check_nothing_sent(const char *at, int side)
{
	size_t i = next_sent(side);
	char got[10];

	if (i == fx.tr.nev)
		return;
	ck_abort_msg("%s: the %s sent %s seq %u ack %u; expected nothing",
	    at, trace_side_name(side),
	    segment_flags_str(fx.tr.ev[i].u.seg.flags, got),
	    fx.tr.ev[i].u.seg.seq, fx.tr.ev[i].u.seg.ack);
}

#define assert_state(side, h, st) check_state(AT, side, h, st)

static void check_state(const char *at, int side, int h, enum tcp_state st)
{
	enum tcp_state got = view(side, h).state;

	ck_assert_msg(got == st, "%s: the %s is in %s; expected %s", at,
	    trace_side_name(side), tcp_state_name(got), tcp_state_name(st));
}

/* The trace says `side` went from one state to another. */
static void assert_state_change(int side, enum tcp_state from,
    enum tcp_state to)
{
	for (size_t i = 0; i < fx.tr.nev; i++) {
		const struct trace_event *ev = &fx.tr.ev[i];

		if (ev->type == TRACE_STATE && ev->side == side &&
		    ev->u.state.from == from && ev->u.state.to == to)
			return;
	}
	ck_abort_msg("the %s never went from %s to %s", trace_side_name(side),
	    tcp_state_name(from), tcp_state_name(to));
}

/* The application on `side` has been told `result` (ECONNREFUSED ...). */
static void assert_app_told(int side, enum app_result result)
{
	for (size_t i = 0; i < fx.tr.nev; i++) {
		const struct trace_event *ev = &fx.tr.ev[i];

		if (ev->type == TRACE_APP && ev->side == side &&
		    ev->u.app.result == result)
			return;
	}
	ck_abort_msg("the %s application was never told %s",
	    trace_side_name(side), app_result_name(result));
}

/* The socket h, in state st, leaves it for CLOSED exactly us from now. */
static void assert_lasts(int side, int h, enum tcp_state st, int64_t us)
{
	advance(us - 1);
	assert_state(side, h, st);
	advance(1);
	assert_state(side, h, TCP_CLOSED);
}

/* A SYN with this seq reaches the server's listener: a new socket, not
 * `old`, answers with a SYN-ACK from SYN_RCVD.  Returns it. */
static int syn_makes_child(uint32_t seq, int old)
{
	int c;

	deliver(SERVER, seg("S", seq, 0, 0));
	c = newest(SERVER);
	ck_assert_int_ne(c, old);
	assert_state(SERVER, c, TCP_SYN_RCVD);
	assert_sent(SERVER, "S.", view(SERVER, c).iss, seq + 1);
	return c;
}

/* The client closes an established connection (close() or shutdown()),
 * and the server acknowledges its FIN: FIN_WAIT_2. */
static int fin_wait_2_after(enum app_call call)
{
	int h = force(CLIENT, TCP_ESTABLISHED);

	app(CLIENT, h, call, 0);
	deliver(CLIENT, seg(".", SERVER_ISS + 1, CLIENT_ISS + 2, 0));
	assert_state(CLIENT, h, TCP_FIN_WAIT_2);
	return h;
}

/* ---- One event in one state: the table ---- */

/*
 * The rows of the reference's table that are one event and its answer:
 * a connection forced into `from` on `side` (none when CLOSED), maybe
 * with a listener, gets a segment or makes a call; it sends `reply`
 * (NULL: nothing) and ends in `to`.  Each row is named like the test
 * it is.
 */
enum {
	LISTENER = 1,		/* the server has a listener too */
	DELACK = 2,		/* the reply may wait for the delayed ACK */
	ONLY = 4,		/* nothing is sent after the reply */
};

static const struct transition {
	const char *name;
	int side;
	enum tcp_state from;
	unsigned how;
	int call;		/* enum app_call, or -1: this segment arrives */
	const char *flags;
	uint32_t seq, ack, len;
	const char *reply;
	uint32_t rseq, rack;
	enum tcp_state to;
} transitions[] = {
#define RCV(flags, seq, ack, len) -1, flags, seq, ack, len
#define CALL(call) call, NULL, 0, 0, 0
#define SENDS(flags, seq, ack) flags, seq, ack
#define NOTHING NULL, 0, 0
	{ "listen_close_to_closed", SERVER, TCP_LISTEN, 0,
	  CALL(APP_CLOSE), NOTHING, TCP_CLOSED },

	{ "syn_sent_rcv_rst_with_bad_ack_is_dropped", CLIENT, TCP_SYN_SENT, 0,
	  RCV("R.", 0, CLIENT_ISS + 2, 0), NOTHING, TCP_SYN_SENT },
	{ "syn_sent_rcv_rst_without_ack_is_dropped", CLIENT, TCP_SYN_SENT, 0,
	  RCV("R", SERVER_ISS, 0, 0), NOTHING, TCP_SYN_SENT },
	{ "syn_sent_rcv_syn_ack_sends_ack_to_established", CLIENT,
	  TCP_SYN_SENT, ONLY, RCV("S.", SERVER_ISS, CLIENT_ISS + 1, 0),
	  SENDS(".", CLIENT_ISS + 1, SERVER_ISS + 1), TCP_ESTABLISHED },
	/* Simultaneous open: the SYN,ACK carries the SAME ISS as our SYN. */
	{ "syn_sent_rcv_syn_sends_syn_ack_same_iss_to_syn_rcvd", CLIENT,
	  TCP_SYN_SENT, 0, RCV("S", SERVER_ISS, 0, 0),
	  SENDS("S.", CLIENT_ISS, SERVER_ISS + 1), TCP_SYN_RCVD },
	{ "syn_sent_close_to_closed_sends_nothing", CLIENT, TCP_SYN_SENT, 0,
	  CALL(APP_CLOSE), NOTHING, TCP_CLOSED },

	{ "syn_rcvd_rcv_ack_to_established", SERVER, TCP_SYN_RCVD, LISTENER,
	  RCV(".", CLIENT_ISS + 1, SERVER_ISS + 1, 0), NOTHING,
	  TCP_ESTABLISHED },
	/* Active: SYN_RCVD reached by a simultaneous open, no listener. */
	{ "syn_rcvd_active_rcv_rst_to_closed", CLIENT, TCP_SYN_RCVD, 0,
	  RCV("R", SERVER_ISS + 1, 0, 0), NOTHING, TCP_CLOSED },
	{ "syn_rcvd_rcv_fin_sends_ack_to_close_wait", SERVER, TCP_SYN_RCVD,
	  LISTENER | DELACK, RCV("F.", CLIENT_ISS + 1, SERVER_ISS + 1, 0),
	  SENDS(".", SERVER_ISS + 1, CLIENT_ISS + 2), TCP_CLOSE_WAIT },
	{ "syn_rcvd_close_sends_fin_to_fin_wait_1", CLIENT, TCP_SYN_RCVD, 0,
	  CALL(APP_CLOSE), SENDS("F.", CLIENT_ISS + 1, SERVER_ISS + 1),
	  TCP_FIN_WAIT_1 },
	/* Simultaneous open: the peer's SYN,ACK (its own ISS, acking ours). */
	{ "syn_rcvd_rcv_syn_ack_sends_ack_to_established", CLIENT,
	  TCP_SYN_RCVD, ONLY, RCV("S.", SERVER_ISS, CLIENT_ISS + 1, 0),
	  SENDS(".", CLIENT_ISS + 1, SERVER_ISS + 1), TCP_ESTABLISHED },

	{ "established_close_sends_fin_to_fin_wait_1", CLIENT,
	  TCP_ESTABLISHED, 0, CALL(APP_CLOSE),
	  SENDS("F.", CLIENT_ISS + 1, SERVER_ISS + 1), TCP_FIN_WAIT_1 },
	{ "established_shutdown_write_sends_fin_to_fin_wait_1", CLIENT,
	  TCP_ESTABLISHED, 0, CALL(APP_SHUTDOWN),
	  SENDS("F.", CLIENT_ISS + 1, SERVER_ISS + 1), TCP_FIN_WAIT_1 },
	{ "established_rcv_fin_sends_ack_to_close_wait", CLIENT,
	  TCP_ESTABLISHED, DELACK, RCV("F.", SERVER_ISS + 1, CLIENT_ISS + 1, 0),
	  SENDS(".", CLIENT_ISS + 1, SERVER_ISS + 2), TCP_CLOSE_WAIT },

	{ "fin_wait_1_rcv_ack_of_fin_to_fin_wait_2", CLIENT, TCP_FIN_WAIT_1, 0,
	  RCV(".", SERVER_ISS + 1, CLIENT_ISS + 2, 0), NOTHING,
	  TCP_FIN_WAIT_2 },
	/* Simultaneous close: the peer's FIN before the ACK of ours. */
	{ "fin_wait_1_rcv_fin_sends_ack_to_closing", CLIENT, TCP_FIN_WAIT_1, 0,
	  RCV("F.", SERVER_ISS + 1, CLIENT_ISS + 1, 0),
	  SENDS(".", CLIENT_ISS + 2, SERVER_ISS + 2), TCP_CLOSING },
	{ "fin_wait_2_rcv_fin_sends_ack_to_time_wait", CLIENT, TCP_FIN_WAIT_2,
	  0, RCV("F.", SERVER_ISS + 1, CLIENT_ISS + 2, 0),
	  SENDS(".", CLIENT_ISS + 2, SERVER_ISS + 2), TCP_TIME_WAIT },

	{ "close_wait_close_sends_fin_to_last_ack", SERVER, TCP_CLOSE_WAIT, 0,
	  CALL(APP_CLOSE), SENDS("F.", SERVER_ISS + 1, CLIENT_ISS + 2),
	  TCP_LAST_ACK },
	{ "closing_rcv_ack_of_fin_to_time_wait", CLIENT, TCP_CLOSING, 0,
	  RCV(".", SERVER_ISS + 2, CLIENT_ISS + 2, 0), NOTHING,
	  TCP_TIME_WAIT },
	{ "last_ack_rcv_ack_of_fin_to_closed", SERVER, TCP_LAST_ACK, 0,
	  RCV(".", CLIENT_ISS + 2, SERVER_ISS + 2, 0), NOTHING, TCP_CLOSED },
	/* Linux, tcp_rfc1337=0. */
	{ "time_wait_rcv_rst_seq_rcv_nxt_to_closed", CLIENT, TCP_TIME_WAIT, 0,
	  RCV("R", SERVER_ISS + 2, 0, 0), NOTHING, TCP_CLOSED },
#undef RCV
#undef CALL
#undef SENDS
#undef NOTHING
};

START_TEST(transition)
{
	const struct transition *r = &transitions[_i];
	int h;

	if (r->how & LISTENER)
		listener();
	h = r->from == TCP_LISTEN ? listener() : force(r->side, r->from);
	if (r->call >= 0)
		app(r->side, h, (enum app_call)r->call, 0);
	else
		deliver(r->side, seg(r->flags, r->seq, r->ack, r->len));
	if (r->how & DELACK)
		wait_delack();
	if (r->reply != NULL)
		check_sent(r->name, r->side, r->reply, r->rseq, r->rack);
	if (r->reply == NULL || (r->how & ONLY))
		check_nothing_sent(r->name, r->side);
	check_state(r->name, r->side, h, r->to);
}
END_TEST

/* ---- RST reply and CLOSED ---- */

START_TEST(closed_passive_open_to_listen)
{
	app(SERVER, -1, APP_LISTEN, 128);
	assert_state(SERVER, newest(SERVER), TCP_LISTEN);
	assert_nothing_sent(SERVER);
}
END_TEST

START_TEST(closed_active_open_sends_syn_iss_to_syn_sent)
{
	app(CLIENT, -1, APP_CONNECT, 0);
	int h = newest(CLIENT);

	assert_state(CLIENT, h, TCP_SYN_SENT);
	assert_sent(CLIENT, "S", view(CLIENT, h).iss, 0);
	assert_nothing_sent(CLIENT);
}
END_TEST

/* What Linux answers a SYN to a port with no listener. */
START_TEST(closed_rcv_syn_sends_rst_ack_seq_0_ack_seq_plus_1)
{
	deliver(SERVER, seg("S", CLIENT_ISS, 0, 0));
	assert_sent(SERVER, "R.", 0, CLIENT_ISS + 1);
	assert_nothing_sent(SERVER);
}
END_TEST

/* The peer rebooted: a segment with ACK gets <SEQ=SEG.ACK><RST>. */
START_TEST(closed_rcv_ack_sends_rst_seq_seg_ack)
{
	deliver(SERVER, seg("P.", CLIENT_ISS + 1, SERVER_ISS + 1, 100));
	assert_sent(SERVER, "R", SERVER_ISS + 1, 0);
	assert_nothing_sent(SERVER);
}
END_TEST

/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN(+1 for SYN, +1 for FIN)><RST,ACK> */
START_TEST(rst_reply_without_ack_acks_seq_plus_len_plus_syn_plus_fin)
{
	deliver(SERVER, seg("S", CLIENT_ISS, 0, 5));
	assert_sent(SERVER, "R.", 0, CLIENT_ISS + 5 + 1);
	deliver(SERVER, seg("F", CLIENT_ISS + 1, 0, 10));
	assert_sent(SERVER, "R.", 0, CLIENT_ISS + 1 + 10 + 1);
}
END_TEST

START_TEST(closed_rcv_rst_is_not_answered)
{
	deliver(SERVER, seg("R", CLIENT_ISS + 1, 0, 0));
	assert_nothing_sent(SERVER);
	deliver(SERVER, seg("R.", CLIENT_ISS + 1, SERVER_ISS + 1, 0));
	assert_nothing_sent(SERVER);
}
END_TEST

/* ---- LISTEN ---- */

START_TEST(listen_rcv_rst_is_ignored)
{
	int l = listener();

	deliver(SERVER, seg("R", CLIENT_ISS, 0, 0));
	assert_nothing_sent(SERVER);
	assert_state(SERVER, l, TCP_LISTEN);
	ck_assert_int_eq(newest(SERVER), l);
}
END_TEST

START_TEST(listen_rcv_ack_sends_rst_seq_seg_ack)
{
	int l = listener();

	deliver(SERVER, seg(".", CLIENT_ISS + 1, SERVER_ISS + 1, 0));
	assert_sent(SERVER, "R", SERVER_ISS + 1, 0);
	assert_state(SERVER, l, TCP_LISTEN);
}
END_TEST

START_TEST(listen_rcv_syn_sends_syn_ack_to_syn_rcvd_listener_stays)
{
	int l = listener();

	syn_makes_child(CLIENT_ISS, l);
	assert_state(SERVER, l, TCP_LISTEN);
}
END_TEST

/* The first two handshake segments may not carry data (without TFO). */
START_TEST(listen_rcv_syn_with_data_acks_only_the_syn)
{
	listener();
	deliver(SERVER, seg("S", CLIENT_ISS, 0, 10));
	int c = newest(SERVER);

	assert_sent(SERVER, "S.", view(SERVER, c).iss, CLIENT_ISS + 1);
	ck_assert_uint_eq(view(SERVER, c).rcv_nxt, CLIENT_ISS + 1);
}
END_TEST

/* ---- SYN_SENT ---- */

START_TEST(syn_sent_rcv_ack_outside_iss_snd_nxt_sends_rst_reply)
{
	int h = force(CLIENT, TCP_SYN_SENT);

	deliver(CLIENT, seg("S.", SERVER_ISS, CLIENT_ISS, 0));
	assert_sent(CLIENT, "R", CLIENT_ISS, 0);
	deliver(CLIENT, seg("S.", SERVER_ISS, CLIENT_ISS + 2, 0));
	assert_sent(CLIENT, "R", CLIENT_ISS + 2, 0);
	assert_state(CLIENT, h, TCP_SYN_SENT);
}
END_TEST

START_TEST(syn_sent_rcv_rst_ack_to_closed_connection_refused)
{
	int h = force(CLIENT, TCP_SYN_SENT);

	deliver(CLIENT, seg("R.", 0, CLIENT_ISS + 1, 0));
	assert_nothing_sent(CLIENT);
	assert_state(CLIENT, h, TCP_CLOSED);
	assert_app_told(CLIENT, APP_ECONNREFUSED);
}
END_TEST

/* The SYN went at time 0; the initial RTO is 1 s. */
START_TEST(syn_sent_timeout_resends_syn)
{
	int h = force(CLIENT, TCP_SYN_SENT);

	advance(SEC - 1);
	assert_nothing_sent(CLIENT);
	advance(1);
	assert_sent(CLIENT, "S", CLIENT_ISS, 0);
	assert_state(CLIENT, h, TCP_SYN_SENT);
}
END_TEST

/* ---- SYN_RCVD ---- */

START_TEST(syn_rcvd_rcv_bad_ack_sends_rst_reply)
{
	listener();
	int h = force(SERVER, TCP_SYN_RCVD);

	deliver(SERVER, seg(".", CLIENT_ISS + 1, SERVER_ISS + 7, 0));
	assert_sent(SERVER, "R", SERVER_ISS + 7, 0);
	deliver(SERVER, seg(".", CLIENT_ISS + 1, SERVER_ISS, 0));
	assert_sent(SERVER, "R", SERVER_ISS, 0);
	assert_state(SERVER, h, TCP_SYN_RCVD);
}
END_TEST

START_TEST(syn_rcvd_passive_rcv_rst_back_to_listen)
{
	int l = listener();

	force(SERVER, TCP_SYN_RCVD);
	deliver(SERVER, seg("R", CLIENT_ISS + 1, 0, 0));
	assert_nothing_sent(SERVER);
	assert_state_change(SERVER, TCP_SYN_RCVD, TCP_LISTEN);
	assert_state(SERVER, l, TCP_LISTEN);
}
END_TEST

/* ---- ESTABLISHED ---- */

START_TEST(established_rcv_out_of_window_segment_sends_ack)
{
	int h = force(CLIENT, TCP_ESTABLISHED);

	/* Beyond the window, then an old duplicate below RCV.NXT. */
	deliver(CLIENT, seg("P.", SERVER_ISS + 1 + 200000, CLIENT_ISS + 1, 10));
	assert_sent(CLIENT, ".", CLIENT_ISS + 1, SERVER_ISS + 1);
	deliver(CLIENT, seg("P.", SERVER_ISS + 1 - 100, CLIENT_ISS + 1, 10));
	assert_sent(CLIENT, ".", CLIENT_ISS + 1, SERVER_ISS + 1);
	assert_state(CLIENT, h, TCP_ESTABLISHED);
	ck_assert_uint_eq(view(CLIENT, h).rcv_nxt, SERVER_ISS + 1);
}
END_TEST

/* What Linux answers: unread data turns close() into RST,ACK at SND.NXT. */
START_TEST(established_close_with_unread_data_sends_rst_ack_at_snd_nxt)
{
	int h = force(CLIENT, TCP_ESTABLISHED);

	deliver(CLIENT, seg("P.", SERVER_ISS + 1, CLIENT_ISS + 1, 100));
	app(CLIENT, h, APP_CLOSE, 0);
	assert_sent(CLIENT, "R.", CLIENT_ISS + 1, SERVER_ISS + 101);
	assert_nothing_sent(CLIENT);
	assert_state(CLIENT, h, TCP_CLOSED);
}
END_TEST

/* ---- Any synchronized state: RST, SYN and abort ---- */

/* The client in each state, with the SND.NXT and RCV.NXT it has there. */
static const struct {
	enum tcp_state st;
	uint32_t snd_nxt, rcv_nxt;
} sync_rows[] = {
	{ TCP_ESTABLISHED, CLIENT_ISS + 1, SERVER_ISS + 1 },
	{ TCP_FIN_WAIT_1, CLIENT_ISS + 2, SERVER_ISS + 1 },
	{ TCP_FIN_WAIT_2, CLIENT_ISS + 2, SERVER_ISS + 1 },
	{ TCP_CLOSE_WAIT, CLIENT_ISS + 1, SERVER_ISS + 2 },
	{ TCP_CLOSING, CLIENT_ISS + 2, SERVER_ISS + 2 },
	{ TCP_LAST_ACK, CLIENT_ISS + 2, SERVER_ISS + 2 },
};

#define NSYNC (int)(sizeof sync_rows / sizeof sync_rows[0])

START_TEST(synchronized_rcv_rst_seq_rcv_nxt_to_closed)
{
	int h = force(CLIENT, sync_rows[_i].st);

	deliver(CLIENT, seg("R", sync_rows[_i].rcv_nxt, 0, 0));
	assert_nothing_sent(CLIENT);
	assert_state(CLIENT, h, TCP_CLOSED);
}
END_TEST

/* In row i's state, a segment with these flags in the window but not at
 * RCV.NXT draws a challenge ACK and changes nothing. */
static void assert_challenged(int i, const char *flags)
{
	int h = force(CLIENT, sync_rows[i].st);
	const struct trace_event *ev;

	deliver(CLIENT, seg(flags, sync_rows[i].rcv_nxt + 1000, 0, 0));
	ev = assert_sent(CLIENT, ".", sync_rows[i].snd_nxt,
	    sync_rows[i].rcv_nxt);
	ck_assert(ev->u.seg.notes & NOTE_CHALLENGE_ACK);
	assert_state(CLIENT, h, sync_rows[i].st);
}

/* RFC 5961 3.2: a RST in the window but not at RCV.NXT may be forged. */
START_TEST(synchronized_rcv_rst_in_window_inexact_sends_challenge_ack)
{
	assert_challenged(_i, "R");
}
END_TEST

/* RFC 5961 3.2 (and RFC 9293): a RST outside the window is dropped. */
START_TEST(synchronized_rcv_rst_out_of_window_is_dropped)
{
	int h = force(CLIENT, sync_rows[_i].st);

	deliver(CLIENT, seg("R", sync_rows[_i].rcv_nxt + 200000, 0, 0));
	assert_nothing_sent(CLIENT);
	assert_state(CLIENT, h, sync_rows[_i].st);
}
END_TEST

/* RFC 5961 4.2: any SYN in a synchronized state. */
START_TEST(synchronized_rcv_syn_sends_challenge_ack)
{
	assert_challenged(_i, "S");
}
END_TEST

START_TEST(synchronized_abort_sends_rst_ack_at_snd_nxt_to_closed)
{
	int h = force(CLIENT, sync_rows[_i].st);

	app(CLIENT, h, APP_ABORT, 0);
	assert_sent(CLIENT, "R.", sync_rows[_i].snd_nxt, sync_rows[_i].rcv_nxt);
	assert_nothing_sent(CLIENT);
	assert_state(CLIENT, h, TCP_CLOSED);
}
END_TEST

/* ---- FIN_WAIT_1 ---- */

/* Three-way close: the peer's FIN carries the ACK of ours. */
START_TEST(fin_wait_1_rcv_fin_ack_of_fin_sends_ack_to_time_wait)
{
	int h = force(CLIENT, TCP_FIN_WAIT_1);

	deliver(CLIENT, seg("F.", SERVER_ISS + 1, CLIENT_ISS + 2, 0));
	assert_sent(CLIENT, ".", CLIENT_ISS + 2, SERVER_ISS + 2);
	assert_nothing_sent(CLIENT);
	assert_state(CLIENT, h, TCP_TIME_WAIT);
	assert_state_change(CLIENT, TCP_FIN_WAIT_1, TCP_TIME_WAIT);
}
END_TEST

START_TEST(fin_wait_1_rcv_data_after_shutdown_is_acked)
{
	int h = force(CLIENT, TCP_ESTABLISHED);

	app(CLIENT, h, APP_SHUTDOWN, 0);
	deliver(CLIENT, seg("P.", SERVER_ISS + 1, CLIENT_ISS + 1, 100));
	wait_delack();
	assert_sent(CLIENT, ".", CLIENT_ISS + 2, SERVER_ISS + 101);
	assert_state(CLIENT, h, TCP_FIN_WAIT_1);
}
END_TEST

START_TEST(fin_wait_1_rcv_data_after_close_sends_rst)
{
	int h = force(CLIENT, TCP_ESTABLISHED);

	app(CLIENT, h, APP_CLOSE, 0);
	deliver(CLIENT, seg("P.", SERVER_ISS + 1, CLIENT_ISS + 1, 100));
	assert_sent(CLIENT, "R", CLIENT_ISS + 1, 0);
	assert_state(CLIENT, h, TCP_CLOSED);
}
END_TEST

/* ---- FIN_WAIT_2 ---- */

START_TEST(fin_wait_2_rcv_data_after_shutdown_is_acked)
{
	int h = fin_wait_2_after(APP_SHUTDOWN);

	deliver(CLIENT, seg("P.", SERVER_ISS + 1, CLIENT_ISS + 2, 100));
	wait_delack();
	assert_sent(CLIENT, ".", CLIENT_ISS + 2, SERVER_ISS + 101);
	assert_state(CLIENT, h, TCP_FIN_WAIT_2);
}
END_TEST

START_TEST(fin_wait_2_rcv_data_after_close_sends_rst)
{
	int h = fin_wait_2_after(APP_CLOSE);

	deliver(CLIENT, seg("P.", SERVER_ISS + 1, CLIENT_ISS + 2, 100));
	assert_sent(CLIENT, "R", CLIENT_ISS + 2, 0);
	assert_state(CLIENT, h, TCP_CLOSED);
}
END_TEST

/* Linux: tcp_fin_timeout=60 s for a closed (orphan) socket. */
START_TEST(fin_wait_2_after_close_timer_ends_it)
{
	int h = fin_wait_2_after(APP_CLOSE);

	assert_lasts(CLIENT, h, TCP_FIN_WAIT_2, 60 * SEC);
}
END_TEST

/* Linux: no timer after shutdown(SHUT_WR) alone. */
START_TEST(fin_wait_2_after_shutdown_has_no_timer)
{
	int h = fin_wait_2_after(APP_SHUTDOWN);

	advance(3600 * SEC);
	assert_state(CLIENT, h, TCP_FIN_WAIT_2);
}
END_TEST

/* ---- CLOSE_WAIT, CLOSING, LAST_ACK ---- */

START_TEST(close_wait_app_may_still_send)
{
	int h = force(SERVER, TCP_CLOSE_WAIT);

	app(SERVER, h, APP_SEND, 100);
	const struct trace_event *ev = assert_sent(SERVER, "P.", SERVER_ISS + 1,
	    CLIENT_ISS + 2);

	ck_assert_uint_eq(ev->u.seg.len, 100);
	assert_state(SERVER, h, TCP_CLOSE_WAIT);
}
END_TEST

START_TEST(last_ack_timeout_retransmits_fin)
{
	int h = force(SERVER, TCP_LAST_ACK);
	int64_t rto = view(SERVER, h).rto;

	advance(rto - 1);
	assert_nothing_sent(SERVER);
	advance(1);
	assert_sent(SERVER, "F.", SERVER_ISS + 1, CLIENT_ISS + 2);
	assert_state(SERVER, h, TCP_LAST_ACK);
}
END_TEST

/* ---- TIME_WAIT (linux: 60 s, TCP_TIMEWAIT_LEN) ---- */

START_TEST(time_wait_rcv_fin_again_sends_ack_restarts_2msl)
{
	int h = force(CLIENT, TCP_TIME_WAIT);

	advance(30 * SEC);
	deliver(CLIENT, seg("F.", SERVER_ISS + 1, CLIENT_ISS + 2, 0));
	assert_sent(CLIENT, ".", CLIENT_ISS + 2, SERVER_ISS + 2);
	assert_lasts(CLIENT, h, TCP_TIME_WAIT, 60 * SEC);
}
END_TEST

START_TEST(time_wait_2msl_expiry_to_closed)
{
	int h = force(CLIENT, TCP_TIME_WAIT);

	assert_lasts(CLIENT, h, TCP_TIME_WAIT, 60 * SEC);
	assert_nothing_sent(CLIENT);
}
END_TEST

/* Textbook: MSL is 2 minutes, so 2MSL is 4 minutes. */
START_TEST(time_wait_2msl_expiry_to_closed_textbook_4_minutes)
{
	int h = force(CLIENT, TCP_TIME_WAIT);

	assert_lasts(CLIENT, h, TCP_TIME_WAIT, 240 * SEC);
}
END_TEST

/* The server closed first; the client connects again from the same port. */
START_TEST(time_wait_rcv_new_syn_higher_seq_reopens)
{
	listener();
	int h = force(SERVER, TCP_TIME_WAIT);

	syn_makes_child(CLIENT_ISS + 100000, h);
	assert_state(SERVER, h, TCP_CLOSED);
}
END_TEST

/* ---- Sequence space ---- */

/* After the handshake the client's next seq is ISS+1. */
START_TEST(syn_consumes_one_seq_client_next_seq_is_iss_plus_1)
{
	app(CLIENT, -1, APP_CONNECT, 0);
	int h = newest(CLIENT);
	uint32_t iss = view(CLIENT, h).iss;

	assert_sent(CLIENT, "S", iss, 0);
	ck_assert_uint_eq(view(CLIENT, h).snd_nxt, iss + 1);
	deliver(CLIENT, seg("S.", SERVER_ISS, iss + 1, 0));
	assert_sent(CLIENT, ".", iss + 1, SERVER_ISS + 1);
	app(CLIENT, h, APP_SEND, 10);
	assert_sent(CLIENT, "P.", iss + 1, SERVER_ISS + 1);
}
END_TEST

START_TEST(fin_consumes_one_seq)
{
	int h = force(CLIENT, TCP_ESTABLISHED);

	app(CLIENT, h, APP_CLOSE, 0);
	assert_sent(CLIENT, "F.", CLIENT_ISS + 1, SERVER_ISS + 1);
	ck_assert_uint_eq(view(CLIENT, h).snd_nxt, CLIENT_ISS + 2);
	deliver(CLIENT, seg("F.", SERVER_ISS + 1, CLIENT_ISS + 2, 0));
	assert_sent(CLIENT, ".", CLIENT_ISS + 2, SERVER_ISS + 2);
}
END_TEST

START_TEST(bare_ack_consumes_no_seq)
{
	int h = force(CLIENT, TCP_ESTABLISHED);

	deliver(CLIENT, seg(".", SERVER_ISS + 1, CLIENT_ISS + 1, 0));
	assert_nothing_sent(CLIENT);
	ck_assert_uint_eq(view(CLIENT, h).rcv_nxt, SERVER_ISS + 1);
	deliver(CLIENT, seg("P.", SERVER_ISS + 1, CLIENT_ISS + 1, 10));
	wait_delack();
	assert_sent(CLIENT, ".", CLIENT_ISS + 1, SERVER_ISS + 11);
	/* Our own bare ACK took no sequence number either. */
	app(CLIENT, h, APP_SEND, 5);
	assert_sent(CLIENT, "P.", CLIENT_ISS + 1, SERVER_ISS + 11);
}
END_TEST

START_TEST(third_handshake_segment_may_carry_data)
{
	listener();
	int h = force(SERVER, TCP_SYN_RCVD);

	deliver(SERVER, seg("P.", CLIENT_ISS + 1, SERVER_ISS + 1, 100));
	assert_state(SERVER, h, TCP_ESTABLISHED);
	wait_delack();
	assert_sent(SERVER, ".", SERVER_ISS + 1, CLIENT_ISS + 101);
	ck_assert_uint_eq(view(SERVER, h).rcv_nxt, CLIENT_ISS + 101);
}
END_TEST

Suite *transitions_suite(void)
{
	Suite *s = suite_create("transitions");
	TCase *tc = tcase_create("linux");
	TCase *tb = tcase_create("textbook");

	tcase_add_checked_fixture(tc, setup_linux, teardown);
	tcase_add_loop_test(tc, transition, 0,
	    (int)(sizeof transitions / sizeof transitions[0]));
	tcase_add_test(tc, closed_passive_open_to_listen);
	tcase_add_test(tc, closed_active_open_sends_syn_iss_to_syn_sent);
	tcase_add_test(tc, closed_rcv_syn_sends_rst_ack_seq_0_ack_seq_plus_1);
	tcase_add_test(tc, closed_rcv_ack_sends_rst_seq_seg_ack);
	tcase_add_test(tc, rst_reply_without_ack_acks_seq_plus_len_plus_syn_plus_fin);
	tcase_add_test(tc, closed_rcv_rst_is_not_answered);
	tcase_add_test(tc, listen_rcv_rst_is_ignored);
	tcase_add_test(tc, listen_rcv_ack_sends_rst_seq_seg_ack);
	tcase_add_test(tc, listen_rcv_syn_sends_syn_ack_to_syn_rcvd_listener_stays);
	tcase_add_test(tc, listen_rcv_syn_with_data_acks_only_the_syn);
	tcase_add_test(tc, syn_sent_rcv_ack_outside_iss_snd_nxt_sends_rst_reply);
	tcase_add_test(tc, syn_sent_rcv_rst_ack_to_closed_connection_refused);
	tcase_add_test(tc, syn_sent_timeout_resends_syn);
	tcase_add_test(tc, syn_rcvd_rcv_bad_ack_sends_rst_reply);
	tcase_add_test(tc, syn_rcvd_passive_rcv_rst_back_to_listen);
	tcase_add_test(tc, established_rcv_out_of_window_segment_sends_ack);
	tcase_add_test(tc, established_close_with_unread_data_sends_rst_ack_at_snd_nxt);
	tcase_add_loop_test(tc, synchronized_rcv_rst_seq_rcv_nxt_to_closed, 0, NSYNC);
	tcase_add_loop_test(tc, synchronized_rcv_rst_in_window_inexact_sends_challenge_ack,
	    0, NSYNC);
	tcase_add_loop_test(tc, synchronized_rcv_rst_out_of_window_is_dropped, 0, NSYNC);
	tcase_add_loop_test(tc, synchronized_rcv_syn_sends_challenge_ack, 0, NSYNC);
	tcase_add_loop_test(tc, synchronized_abort_sends_rst_ack_at_snd_nxt_to_closed,
	    0, NSYNC);
	tcase_add_test(tc, fin_wait_1_rcv_fin_ack_of_fin_sends_ack_to_time_wait);
	tcase_add_test(tc, fin_wait_1_rcv_data_after_shutdown_is_acked);
	tcase_add_test(tc, fin_wait_1_rcv_data_after_close_sends_rst);
	tcase_add_test(tc, fin_wait_2_rcv_data_after_shutdown_is_acked);
	tcase_add_test(tc, fin_wait_2_rcv_data_after_close_sends_rst);
	tcase_add_test(tc, fin_wait_2_after_close_timer_ends_it);
	tcase_add_test(tc, fin_wait_2_after_shutdown_has_no_timer);
	tcase_add_test(tc, close_wait_app_may_still_send);
	tcase_add_test(tc, last_ack_timeout_retransmits_fin);
	tcase_add_test(tc, time_wait_rcv_fin_again_sends_ack_restarts_2msl);
	tcase_add_test(tc, time_wait_2msl_expiry_to_closed);
	tcase_add_test(tc, time_wait_rcv_new_syn_higher_seq_reopens);
	tcase_add_test(tc, syn_consumes_one_seq_client_next_seq_is_iss_plus_1);
	tcase_add_test(tc, fin_consumes_one_seq);
	tcase_add_test(tc, bare_ack_consumes_no_seq);
	tcase_add_test(tc, third_handshake_segment_may_carry_data);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tb, setup_textbook, teardown);
	tcase_add_test(tb, time_wait_2msl_expiry_to_closed_textbook_4_minutes);
	suite_add_tcase(s, tb);
	return s;
}
