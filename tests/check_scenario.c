/*
 * check_scenario.c: the scenario file parser.  A complete file must read
 * into exactly the structure it describes, and every kind of mistake a
 * teacher can make must come back as one exact "file:line:col: message".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "tests.h"
#include "trace.h"

/* Three lines every small test file starts with (lines 1 to 3). */
#define HEAD "id t\nclient 10.0.0.1:1000\nserver 10.0.0.2:80\n"
/* A step, so that a file is complete without saying more. */
#define STEP "client at 0 connect\n"

/* Parse text named "f"; on error leave "f:line:col: message" in msg. */
static int parse_n(struct scenario *sc, const char *text, size_t len,
    char *msg, size_t msglen)
{
	struct tv_error err;
	int rc;

	memset(&err, 0, sizeof err);
	msg[0] = '\0';
	rc = scenario_parse(sc, "f", text, len, &err);
	if (rc < 0)
		tv_error_format(&err, msg, msglen);
	return rc;
}

static int parse(struct scenario *sc, const char *text, char *msg,
    size_t msglen)
{
	return parse_n(sc, text, strlen(text), msg, msglen);
}

/* `what` (for messages) is attached to the event `want`. */
static void assert_when(const struct scen_when *w,
    const struct scen_when *want, const char *what)
{
	ck_assert_msg(w->kind == want->kind && w->side == want->side &&
	    w->seg_kind == want->seg_kind && w->state == want->state &&
	    w->timer == want->timer && w->nth == want->nth &&
	    w->t == want->t, "%s: kind %d side %d segment %d state %d "
	    "timer %d nth %u t %lld", what, w->kind, w->side, w->seg_kind,
	    w->state, w->timer, w->nth, (long long)w->t);
}

/* The file of the format's description, with every kind of line. */
static const char full_file[] =
	"# A comment runs from '#' to the end of the line.\n"
	"id          lifecycle                   # required, once\n"
	"title       The life of one TCP connection     # rest of line\n"
	"title.zh    一条 TCP 连接的一生\n"
	"summary     Listen, connect,\n"
	"summary     then close.\n"
	"summary.zh  监听、连接、关闭。\n"
	"topics      handshake close\n"
	"topics      time-wait\n"
	"profile     linux\n"
	"set         msl=30\n"
	"set         rto_min=0.2 delay=10ms\n"
	"seed        7\n"
	"isn         client=1000 server=4294967295\n"
	"client      10.0.0.1:49152\n"
	"server      10.0.0.2:80\n"
	"\n"
	"\t# application steps: SIDE [TRIGGER] CALL [ARG]\n"
	"server  at 0                listen 128\n"
	"server  on connected        accept\n"
	"server  on data             send 300\n"
	"server  on eof  after 0.5   close\n"
	"client  at 0                connect\n"
	"client  on connected        send 100\n"
	"client  on data after 200ms close\n"
	"client  after 2             shutdown\n"
	"\n"
	"drop    client:SYN#2            # SIDE:KIND[#N]\n"
	"drop    server:SYN-ACK\n"
	"delay   server:FIN#1 3\n"
	"link    down 2 5\n"
	"link    down 2 5.5 client->server\n"
	"link    down 7 8 server->client\n";

START_TEST(test_full_file)
{
	static const struct scen_step want[] = {
		{ SIDE_SERVER, TRIG_AT, APP_LISTEN, 0, 128, 19, 0 },
		{ SIDE_SERVER, TRIG_CONNECTED, APP_ACCEPT, 0, 0, 20, 0 },
		{ SIDE_SERVER, TRIG_DATA, APP_SEND, 0, 300, 21, 0 },
		{ SIDE_SERVER, TRIG_EOF, APP_CLOSE, 500000, 0, 22, 0 },
		{ SIDE_CLIENT, TRIG_AT, APP_CONNECT, 0, 0, 23, 0 },
		{ SIDE_CLIENT, TRIG_CONNECTED, APP_SEND, 0, 100, 24, 0 },
		{ SIDE_CLIENT, TRIG_DATA, APP_CLOSE, 200000, 0, 25, 0 },
		{ SIDE_CLIENT, TRIG_AFTER, APP_SHUTDOWN, 2000000, 0, 26, 0 },
	};
	static const struct scen_fault faults[] = {
		{ SIDE_CLIENT, SEGK_SYN, FAULT_DROP, 2, 0, 28, 9 },
		{ SIDE_SERVER, SEGK_SYN_ACK, FAULT_DROP, 1, 0, 29, 9 },
		{ SIDE_SERVER, SEGK_FIN, FAULT_DELAY, 1, 3000000, 30, 9 },
	};
	static const struct scen_outage outages[] = {
		{ 2000000, 5000000, -1, 31 },
		{ 2000000, 5500000, 0, 32 },
		{ 7000000, 8000000, 1, 33 },
	};
	static const uint8_t client_addr[4] = { 10, 0, 0, 1 };
	static const uint8_t server_addr[4] = { 10, 0, 0, 2 };
	struct scenario sc;
	char msg[600];

	ck_assert_int_eq(parse(&sc, full_file, msg, sizeof msg), 0);
	ck_assert_str_eq(msg, "");
	ck_assert_str_eq(sc.id, "lifecycle");
	ck_assert_str_eq(sc.title[0], "The life of one TCP connection");
	ck_assert_str_eq(sc.title[1], "一条 TCP 连接的一生");
	ck_assert_str_eq(sc.summary[0], "Listen, connect, then close.");
	ck_assert_str_eq(sc.summary[1], "监听、连接、关闭。");
	ck_assert_str_eq(sc.topics, "handshake close time-wait");
	ck_assert_str_eq(sc.file, "f");
	ck_assert_str_eq(sc.profile, "linux");
	ck_assert_uint_eq(sc.nsets, 3);
	ck_assert_str_eq(sc.sets[0], "msl=30");
	ck_assert_str_eq(sc.sets[1], "rto_min=0.2");
	ck_assert_str_eq(sc.sets[2], "delay=10ms");

	ck_assert_uint_eq(sc.ep[SIDE_CLIENT].family, 4);
	ck_assert_mem_eq(sc.ep[SIDE_CLIENT].addr, client_addr, 4);
	ck_assert_uint_eq(sc.ep[SIDE_CLIENT].port, 49152);
	ck_assert_uint_eq(sc.ep[SIDE_SERVER].family, 4);
	ck_assert_mem_eq(sc.ep[SIDE_SERVER].addr, server_addr, 4);
	ck_assert_uint_eq(sc.ep[SIDE_SERVER].port, 80);

	ck_assert(sc.has_seed);
	ck_assert_uint_eq(sc.seed, 7);
	ck_assert(sc.fixed_isn);
	ck_assert_uint_eq(sc.isn[SIDE_CLIENT], 1000);
	ck_assert_uint_eq(sc.isn[SIDE_SERVER], 4294967295u);

	ck_assert_uint_eq(sc.nsteps, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < sc.nsteps; i++) {
		const struct scen_step *s = &sc.steps[i], *w = &want[i];

		ck_assert_msg(s->side == w->side && s->trigger == w->trigger &&
		    s->call == w->call && s->delay == w->delay &&
		    s->arg == w->arg && s->line == w->line,
		    "step %zu: side %d trigger %d call %d delay %lld arg %u "
		    "line %d", i, s->side, s->trigger, s->call,
		    (long long)s->delay, s->arg, s->line);
	}
	ck_assert_uint_eq(sc.nfaults, sizeof faults / sizeof faults[0]);
	for (size_t i = 0; i < sc.nfaults; i++) {
		const struct scen_fault *f = &sc.faults[i], *w = &faults[i];

		ck_assert_msg(f->side == w->side && f->kind == w->kind &&
		    f->action == w->action && f->nth == w->nth &&
		    f->delay == w->delay && f->line == w->line &&
		    f->col == w->col, "fault %zu: side %d kind %d action %d "
		    "nth %u delay %lld at %d:%d", i, f->side, f->kind,
		    f->action, f->nth, (long long)f->delay, f->line, f->col);
	}
	ck_assert_uint_eq(sc.noutages, sizeof outages / sizeof outages[0]);
	for (size_t i = 0; i < sc.noutages; i++) {
		const struct scen_outage *o = &sc.outages[i], *w = &outages[i];

		ck_assert_msg(o->from == w->from && o->to == w->to &&
		    o->dir == w->dir && o->line == w->line, "outage %zu: "
		    "%lld to %lld dir %d line %d", i, (long long)o->from,
		    (long long)o->to, o->dir, o->line);
	}

	scenario_free(&sc);
	ck_assert_ptr_null(sc.steps);
	scenario_free(&sc);	/* harmless twice */
}
END_TEST

/* What the optional lines default to when a file leaves them out. */
START_TEST(test_minimal_file)
{
	struct scenario sc;
	char msg[600];

	ck_assert_int_eq(parse(&sc, HEAD STEP, msg, sizeof msg), 0);
	ck_assert_str_eq(sc.id, "t");
	ck_assert_ptr_null(sc.title[0]);
	ck_assert_ptr_null(sc.title[1]);
	ck_assert_ptr_null(sc.summary[0]);
	ck_assert_ptr_null(sc.topics);
	ck_assert_str_eq(sc.profile, "");
	ck_assert_uint_eq(sc.nsets, 0);
	ck_assert(!sc.has_seed);
	ck_assert(!sc.fixed_isn);
	ck_assert_uint_eq(sc.nfaults, 0);
	ck_assert_uint_eq(sc.noutages, 0);
	ck_assert_uint_eq(sc.nsteps, 1);
	ck_assert_uint_eq(sc.nnarrations, 0);
	ck_assert_uint_eq(sc.ncheckpoints, 0);
	ck_assert(!sc.has_attacker);
	ck_assert_uint_eq(sc.nattacks, 0);
	scenario_free(&sc);
}
END_TEST

/*
 * Issue 3's constructs: local ports, narration, checkpoints and the
 * attacker, with blocks interrupted by blank lines and comments, and the
 * `isn` line after the attacker steps that guess from it.
 */
static const char lesson_file[] =
	"id          isn\n"
	"title       Guessable ISNs\n"
	"title.zh    可猜测的初始序号\n"
	"client      10.0.0.1:49152\n"
	"server      10.0.0.2:80\n"
	"attacker    10.66.0.1            # a third host\n"
	"\n"
	"server  at 0          reuseaddr\n"
	"server  at 0          listen\n"
	"client  at 0.1        connect 40000\n"
	"client  on connected  close\n"
	"client  at 1          connect\n"
	"\n"
	"drop    client:SYN#2\n"
	"  delay server:FIN 3\n"
	"\n"
	"narrate client:SYN#1\n"
	"en   The client picks an initial sequence number\n"
	"en   and sends a SYN.            # a comment, not text\n"
	"zh   客户端选择一个初始序号，\n"
	"\n"
	"zh   发出 SYN。\n"
	"# a comment does not end the block\n"
	"narrate server enters SYN_RCVD\n"
	"zh   服务器进入 SYN_RCVD。\n"
	"en   The server enters SYN_RCVD.\n"
	"narrate\tclient enters TIME_WAIT#2\n"
	"en   Again.\n"
	"zh   又一次。\n"
	"narrate client timer retransmit#3\n"
	"en   Third timeout.\n"
	"zh   第三次超时。\n"
	"narrate at 2.5\n"
	"en   Half-time.\n"
	"zh   发出 SYN\n"
	"zh   然后等待 1001\n"
	"zh   （第 2 次）。\n"
	"checkpoint server:SYN-ACK\n"
	"ask        Which state is the client in\n"
	"ask        while this SYN-ACK travels?\n"
	"ask.zh     这个 SYN-ACK 在路上时，\n"
	"ask.zh     客户端处于什么状态？\n"
	"answer     SYN_SENT.\n"
	"answer.zh  SYN_SENT。\n"
	"checkpoint at 1\n"
	"answer.zh  答\n"
	"answer     A\n"
	"ask.zh     问\n"
	"ask        Q\n"
	"\n"
	"attacker   at 1 synflood 200 over 2\n"
	"attacker   at 1 synflood 1000000\n"
	"attacker   at 3 forge client R seq=client.isn+101\n"
	"attacker   at 3 forge server P. seq=server.isn ack=4294967295 len=10\n"
	"attacker   at 4 forge client FS. seq=7 ack=client.isn+4294967295 "
	    "len=65495\n"
	"attacker   at 5 forge server none seq=0\n"
	"isn        client=1000 server=2000\n";

START_TEST(test_lesson_file)
{
	static const uint8_t attacker_addr[4] = { 10, 66, 0, 1 };
	static const struct {
		struct scen_when when;
		const char *text[2];
		int line, col;
	} narrations[] = {
		{ { .kind = WHEN_SEGMENT, .side = SIDE_CLIENT,
		    .seg_kind = SEGK_SYN, .nth = 1 },
		  /* Chinese lines join without a space between Chinese
		   * characters. */
		  { "The client picks an initial sequence number and sends "
		    "a SYN.",
		    "客户端选择一个初始序号，发出 SYN。" }, 17, 9 },
		{ { .kind = WHEN_STATE, .side = SIDE_SERVER,
		    .state = TCP_SYN_RCVD, .nth = 1 },
		  { "The server enters SYN_RCVD.",
		    "服务器进入 SYN_RCVD。" }, 24, 9 },
		/* After a tab, one column. */
		{ { .kind = WHEN_STATE, .side = SIDE_CLIENT,
		    .state = TCP_TIME_WAIT, .nth = 2 },
		  { "Again.", "又一次。" }, 27, 9 },
		{ { .kind = WHEN_TIMER, .side = SIDE_CLIENT,
		    .timer = TIMER_RETRANSMIT, .nth = 3 },
		  { "Third timeout.", "第三次超时。" }, 30, 9 },
		/* Between Latin and Chinese the space stays. */
		{ { .kind = WHEN_TIME, .t = 2500000 },
		  { "Half-time.",
		    "发出 SYN 然后等待 1001（第 2 次）。" }, 33, 9 },
	};
	static const struct {
		struct scen_when when;
		const char *ask[2], *answer[2];
		int line, col;
	} checkpoints[] = {
		{ { .kind = WHEN_SEGMENT, .side = SIDE_SERVER,
		    .seg_kind = SEGK_SYN_ACK, .nth = 1 },
		  { "Which state is the client in while this SYN-ACK "
		    "travels?",
		    "这个 SYN-ACK 在路上时，客户端处于什么状态？" },
		  { "SYN_SENT.", "SYN_SENT。" }, 38, 12 },
		{ { .kind = WHEN_TIME, .t = 1000000 }, { "Q", "问" },
		  { "A", "答" }, 45, 12 },
	};
	static const struct scen_attack attacks[] = {
		/* kind, at, over, count, from_side, flags, seq, ack, len,
		 * seq_isn, ack_isn, line */
		{ ATTACK_SYNFLOOD, 1000000, 2000000, 200, 0, 0, 0, 0, 0,
		  -1, -1, 51 },
		{ ATTACK_SYNFLOOD, 1000000, 0, 1000000, 0, 0, 0, 0, 0,
		  -1, -1, 52 },
		{ ATTACK_FORGE, 3000000, 0, 0, SIDE_CLIENT, SEG_RST, 101, 0, 0,
		  SIDE_CLIENT, -1, 53 },
		{ ATTACK_FORGE, 3000000, 0, 0, SIDE_SERVER, SEG_PSH | SEG_ACK,
		  0, 4294967295u, 10, SIDE_SERVER, -1, 54 },
		{ ATTACK_FORGE, 4000000, 0, 0, SIDE_CLIENT,
		  SEG_FIN | SEG_SYN | SEG_ACK, 7, 4294967295u, 65495, -1,
		  SIDE_CLIENT, 55 },
		{ ATTACK_FORGE, 5000000, 0, 0, SIDE_SERVER, 0, 0, 0, 0, -1, -1,
		  56 },
	};
	struct scenario sc;
	char msg[600], what[32];

	ck_assert_msg(parse(&sc, lesson_file, msg, sizeof msg) == 0, "%s", msg);

	ck_assert_uint_eq(sc.nsteps, 5);
	ck_assert_uint_eq(sc.steps[0].call, APP_REUSEADDR);
	ck_assert_uint_eq(sc.steps[0].arg, 0);
	ck_assert_uint_eq(sc.steps[1].arg, 128);
	ck_assert_uint_eq(sc.steps[2].call, APP_CONNECT);
	ck_assert_uint_eq(sc.steps[2].arg, 40000);
	ck_assert_int_eq(sc.steps[2].line, 10);
	ck_assert_uint_eq(sc.steps[4].call, APP_CONNECT);
	ck_assert_uint_eq(sc.steps[4].arg, 0);

	ck_assert_uint_eq(sc.nfaults, 2);
	ck_assert_int_eq(sc.faults[0].line, 14);
	ck_assert_int_eq(sc.faults[0].col, 9);
	ck_assert_int_eq(sc.faults[1].line, 15);
	ck_assert_int_eq(sc.faults[1].col, 9);

	ck_assert_uint_eq(sc.nnarrations, 5);
	for (size_t i = 0; i < sc.nnarrations; i++) {
		const struct scen_narration *n = &sc.narrations[i];

		snprintf(what, sizeof what, "narration %zu", i);
		assert_when(&n->when, &narrations[i].when, what);
		ck_assert_str_eq(n->text[0], narrations[i].text[0]);
		ck_assert_str_eq(n->text[1], narrations[i].text[1]);
		ck_assert_int_eq(n->line, narrations[i].line);
		ck_assert_int_eq(n->col, narrations[i].col);
	}
	ck_assert_uint_eq(sc.ncheckpoints, 2);
	for (size_t i = 0; i < sc.ncheckpoints; i++) {
		const struct scen_checkpoint *c = &sc.checkpoints[i];

		snprintf(what, sizeof what, "checkpoint %zu", i);
		assert_when(&c->when, &checkpoints[i].when, what);
		for (int l = 0; l < 2; l++) {
			ck_assert_str_eq(c->ask[l], checkpoints[i].ask[l]);
			ck_assert_str_eq(c->answer[l],
			    checkpoints[i].answer[l]);
		}
		ck_assert_int_eq(c->line, checkpoints[i].line);
		ck_assert_int_eq(c->col, checkpoints[i].col);
	}

	ck_assert(sc.has_attacker);
	ck_assert_uint_eq(sc.attacker.family, 4);
	ck_assert_mem_eq(sc.attacker.addr, attacker_addr, 4);
	ck_assert_uint_eq(sc.attacker.port, 0);
	ck_assert_uint_eq(sc.nattacks, sizeof attacks / sizeof attacks[0]);
	for (size_t i = 0; i < sc.nattacks; i++) {
		const struct scen_attack *a = &sc.attacks[i], *w = &attacks[i];

		ck_assert_msg(a->kind == w->kind && a->at == w->at &&
		    a->over == w->over && a->count == w->count &&
		    a->from_side == w->from_side && a->flags == w->flags &&
		    a->seq == w->seq && a->ack == w->ack && a->len == w->len &&
		    a->seq_isn == w->seq_isn && a->ack_isn == w->ack_isn &&
		    a->line == w->line, "attack %zu: kind %d at %lld over %lld "
		    "count %u from %d flags %#x seq %u ack %u len %u isn %d/%d "
		    "line %d", i, a->kind, (long long)a->at, (long long)a->over,
		    a->count, a->from_side, a->flags, a->seq, a->ack, a->len,
		    a->seq_isn, a->ack_isn, a->line);
	}
	ck_assert(sc.fixed_isn);

	scenario_free(&sc);
	ck_assert_ptr_null(sc.narrations);
	ck_assert_ptr_null(sc.checkpoints);
	ck_assert_ptr_null(sc.attacks);
	ck_assert(!sc.has_attacker);
}
END_TEST

/* Every form of event that narration and checkpoints attach to. */
static const struct {
	const char *sel;
	int kind, side, what;	/* what: seg_kind, state or timer */
	uint32_t nth;
	int64_t t;
} when_cases[] = {
	{ "client:SYN", WHEN_SEGMENT, SIDE_CLIENT, SEGK_SYN, 1, 0 },
	{ "server:ANY#4294967295", WHEN_SEGMENT, SIDE_SERVER, SEGK_ANY,
	    4294967295u, 0 },
	{ "client enters CLOSED", WHEN_STATE, SIDE_CLIENT, TCP_CLOSED, 1, 0 },
	{ "server enters LISTEN#2", WHEN_STATE, SIDE_SERVER, TCP_LISTEN, 2, 0 },
	{ "client enters FIN_WAIT_2", WHEN_STATE, SIDE_CLIENT, TCP_FIN_WAIT_2,
	    1, 0 },
	{ "client timer retransmit", WHEN_TIMER, SIDE_CLIENT,
	    TIMER_RETRANSMIT, 1, 0 },
	{ "server timer delayed-ack", WHEN_TIMER, SIDE_SERVER, TIMER_DELACK,
	    1, 0 },
	{ "client timer keepalive#9", WHEN_TIMER, SIDE_CLIENT,
	    TIMER_KEEPALIVE, 9, 0 },
	{ "client timer time-wait", WHEN_TIMER, SIDE_CLIENT, TIMER_TIME_WAIT,
	    1, 0 },
	{ "server timer fin-wait-2", WHEN_TIMER, SIDE_SERVER,
	    TIMER_FIN_WAIT_2, 1, 0 },
	{ "at 0", WHEN_TIME, 0, 0, 0, 0 },
	{ "at 200ms", WHEN_TIME, 0, 0, 0, 200000 },
};

START_TEST(test_when_forms)
{
	struct scenario sc;
	char text[256], msg[600];
	const struct scen_when *w;
	int what;

	snprintf(text, sizeof text, HEAD STEP "checkpoint %s\nask Q\n"
	    "ask.zh 问\nanswer A\nanswer.zh 答\n", when_cases[_i].sel);
	ck_assert_msg(parse(&sc, text, msg, sizeof msg) == 0, "%s: %s",
	    when_cases[_i].sel, msg);
	ck_assert_uint_eq(sc.ncheckpoints, 1);
	w = &sc.checkpoints[0].when;
	what = w->kind == WHEN_SEGMENT ? w->seg_kind :
	    w->kind == WHEN_STATE ? w->state : w->timer;
	ck_assert_int_eq(w->kind, when_cases[_i].kind);
	ck_assert_int_eq(w->side, when_cases[_i].side);
	ck_assert_int_eq(what, when_cases[_i].what);
	ck_assert_uint_eq(w->nth, when_cases[_i].nth);
	ck_assert_int_eq(w->t, when_cases[_i].t);
	ck_assert_int_eq(sc.checkpoints[0].line, 5);
	ck_assert_int_eq(sc.checkpoints[0].col, 12);
	scenario_free(&sc);
}
END_TEST

/* An attacker has the family of the endpoints; IPv6 has no port either. */
START_TEST(test_attacker_ipv6)
{
	struct scenario sc;
	char msg[600];

	ck_assert_msg(parse(&sc, "id v6\nattacker 2001:db8::66\n"
	    "client [2001:db8::1]:49152\nserver [2001:db8::2]:443\n" STEP,
	    msg, sizeof msg) == 0, "%s", msg);
	ck_assert(sc.has_attacker);
	ck_assert_uint_eq(sc.attacker.family, 6);
	ck_assert_uint_eq(sc.attacker.addr[0], 0x20);
	ck_assert_uint_eq(sc.attacker.addr[15], 0x66);
	ck_assert_uint_eq(sc.nattacks, 0);
	scenario_free(&sc);
}
END_TEST

START_TEST(test_ipv6)
{
	struct scenario sc;
	char msg[600];

	ck_assert_int_eq(parse(&sc, "id v6\nclient [2001:db8::1]:49152\n"
	    "server [2001:db8::2]:443\n" STEP, msg, sizeof msg), 0);
	ck_assert_uint_eq(sc.ep[SIDE_CLIENT].family, 6);
	ck_assert_uint_eq(sc.ep[SIDE_CLIENT].addr[15], 1);
	ck_assert_uint_eq(sc.ep[SIDE_SERVER].addr[15], 2);
	ck_assert_uint_eq(sc.ep[SIDE_SERVER].port, 443);
	scenario_free(&sc);
}
END_TEST

/* Every trigger form and every call, as the step after HEAD. */
static const struct {
	const char *line;
	int side, trigger, call;
	int64_t delay;
	uint32_t arg;
} step_cases[] = {
	{ "client at 1.5 connect", SIDE_CLIENT, TRIG_AT, APP_CONNECT, 1500000, 0 },
	{ "client after 2 close", SIDE_CLIENT, TRIG_AFTER, APP_CLOSE, 2000000, 0 },
	{ "client close", SIDE_CLIENT, TRIG_AFTER, APP_CLOSE, 0, 0 },
	{ "server on connected accept", SIDE_SERVER, TRIG_CONNECTED, APP_ACCEPT, 0, 0 },
	{ "server on data send 300", SIDE_SERVER, TRIG_DATA, APP_SEND, 0, 300 },
	{ "server on eof after 0.5 close", SIDE_SERVER, TRIG_EOF, APP_CLOSE, 500000, 0 },
	{ "client on closed after 200ms abort", SIDE_CLIENT, TRIG_CLOSED, APP_ABORT, 200000, 0 },
	{ "server listen", SIDE_SERVER, TRIG_AFTER, APP_LISTEN, 0, 128 },
	{ "server at 0 listen 5", SIDE_SERVER, TRIG_AT, APP_LISTEN, 0, 5 },
	{ "server at 0 listen 65535", SIDE_SERVER, TRIG_AT, APP_LISTEN, 0, 65535 },
	{ "client on data recv", SIDE_CLIENT, TRIG_DATA, APP_RECV, 0, 0 },
	{ "client after 1 shutdown", SIDE_CLIENT, TRIG_AFTER, APP_SHUTDOWN, 1000000, 0 },
	{ "server at 3 crash", SIDE_SERVER, TRIG_AT, APP_CRASH, 3000000, 0 },
	{ "client on connected keepalive", SIDE_CLIENT, TRIG_CONNECTED, APP_KEEPALIVE, 0, 0 },
	{ "client send 1000000000", SIDE_CLIENT, TRIG_AFTER, APP_SEND, 0, 1000000000 },
	{ "client at 0 connect 1", SIDE_CLIENT, TRIG_AT, APP_CONNECT, 0, 1 },
	{ "client at 0 connect 65535", SIDE_CLIENT, TRIG_AT, APP_CONNECT, 0, 65535 },
	{ "server at 0 reuseaddr", SIDE_SERVER, TRIG_AT, APP_REUSEADDR, 0, 0 },
	{ "\t client\tat\t0\tconnect\t", SIDE_CLIENT, TRIG_AT, APP_CONNECT, 0, 0 },
};

START_TEST(test_step_forms)
{
	struct scenario sc;
	char text[256], msg[600];
	const struct scen_step *s;

	snprintf(text, sizeof text, HEAD "%s\n", step_cases[_i].line);
	ck_assert_msg(parse(&sc, text, msg, sizeof msg) == 0, "%s: %s",
	    step_cases[_i].line, msg);
	ck_assert_uint_eq(sc.nsteps, 1);
	s = &sc.steps[0];
	ck_assert_int_eq(s->side, step_cases[_i].side);
	ck_assert_int_eq(s->trigger, step_cases[_i].trigger);
	ck_assert_int_eq(s->call, step_cases[_i].call);
	ck_assert_int_eq(s->delay, step_cases[_i].delay);
	ck_assert_uint_eq(s->arg, step_cases[_i].arg);
	ck_assert_int_eq(s->line, 4);
	scenario_free(&sc);
}
END_TEST

static const struct {
	const char *time;
	int64_t us;
} time_cases[] = {
	{ "0", 0 },
	{ "0.5", 500000 },
	{ "200ms", 200000 },
	{ "2h", INT64_C(7200000000) },
	{ "1.25s", 1250000 },
	{ "3us", 3 },
	{ "1.5min", 90000000 },
	{ "0.001", 1000 },
	{ "0.5ms", 500 },
	{ ".5", 500000 },
	{ "007", 7000000 },
	{ "1.0000000000", 1000000 },
	{ "1000000h", INT64_C(3600000000000000) },
};

START_TEST(test_time_units)
{
	struct scenario sc;
	char text[256], msg[600];

	snprintf(text, sizeof text, HEAD "client at %s connect\n",
	    time_cases[_i].time);
	ck_assert_msg(parse(&sc, text, msg, sizeof msg) == 0, "%s: %s",
	    time_cases[_i].time, msg);
	ck_assert_int_eq(sc.steps[0].delay, time_cases[_i].us);
	scenario_free(&sc);
}
END_TEST

/* Line ends, a byte order mark, comments: none of them change meaning. */
START_TEST(test_text_forms)
{
	static const char crlf[] = "\xef\xbb\xbfid t\r\nclient 10.0.0.1:1000\r\n"
	    "server 10.0.0.2:80   # the server\r\n\r\nclient at 0 connect";
	struct scenario sc;
	char msg[600];

	ck_assert_int_eq(parse(&sc, crlf, msg, sizeof msg), 0);
	ck_assert_str_eq(sc.id, "t");
	ck_assert_uint_eq(sc.ep[SIDE_SERVER].port, 80);
	ck_assert_uint_eq(sc.nsteps, 1);
	ck_assert_int_eq(sc.steps[0].line, 5);
	scenario_free(&sc);

	/* '#' inside a word is not a comment; one after a space is. */
	ck_assert_int_eq(parse(&sc, HEAD STEP "drop client:ANY#3#x\n"
	    "title C# for teachers #1\ntitle.zh C#\n", msg, sizeof msg), -1);
	ck_assert_str_eq(msg, "f:5:6: bad loss descriptor 'client:ANY#3#x': "
	    "expected a count after '#', got '3#x'");
	ck_assert_int_eq(parse(&sc, HEAD STEP "drop client:ANY#3 #x\n"
	    "title C# for teachers #1\ntitle.zh C#\n", msg, sizeof msg), 0);
	ck_assert_uint_eq(sc.faults[0].kind, SEGK_ANY);
	ck_assert_uint_eq(sc.faults[0].nth, 3);
	ck_assert_str_eq(sc.title[0], "C# for teachers");
	ck_assert_str_eq(sc.title[1], "C#");
	scenario_free(&sc);
}
END_TEST

#define T(s) s, sizeof s - 1

/* Broken files and the one exact error each must give. */
static const struct {
	const char *text;
	size_t len;
	const char *want;
} error_cases[] = {
	{ T(HEAD "lisen 5\n"), "f:4:1: unknown word 'lisen'" },
	{ T(HEAD "server at 0 lisen\n"), "f:4:13: unknown call 'lisen' "
	    "(listen, connect, accept, send, recv, shutdown, close, abort, "
	    "crash, keepalive, reuseaddr, fastopen)" },
	{ T(HEAD "client on connected send\n"),
	    "f:4:21: 'send' needs a byte count" },
	{ T(HEAD "client at 0 send 0\n"),
	    "f:4:18: expected a byte count from 1 to 1000000000, got '0'" },
	{ T(HEAD "client at 0 send 2000000000\n"), "f:4:18: expected a byte "
	    "count from 1 to 1000000000, got '2000000000'" },
	{ T(HEAD "client at 0 send 100 bytes\n"),
	    "f:4:22: unexpected word 'bytes'" },
	{ T(HEAD "client at 0 connect 10.0.0.2:80\n"), "f:4:21: expected a "
	    "local port from 1 to 65535, got '10.0.0.2:80'" },
	{ T(HEAD "client at 0 connect 0\n"),
	    "f:4:21: expected a local port from 1 to 65535, got '0'" },
	{ T(HEAD "client at 0 connect 65536\n"),
	    "f:4:21: expected a local port from 1 to 65535, got '65536'" },
	{ T(HEAD "client at 0 connect 80 x\n"),
	    "f:4:24: unexpected word 'x'" },
	{ T(HEAD "server at 0 reuseaddr 1\n"),
	    "f:4:23: 'reuseaddr' takes no argument, got '1'" },
	{ T(HEAD "client at 0 close 80\n"),
	    "f:4:19: 'close' takes no argument, got '80'" },
	{ T(HEAD "server at 0 listen 0\n"),
	    "f:4:20: expected a backlog from 1 to 65535, got '0'" },
	{ T(HEAD "client at -1 connect\n"),
	    "f:4:11: a time cannot be negative, got '-1'" },
	{ T(HEAD "client at 5sec connect\n"),
	    "f:4:11: unknown time unit 'sec' in '5sec' (s, ms, us, min, h)" },
	{ T(HEAD "client after x close\n"),
	    "f:4:14: expected a time like 1.5 or 200ms, got 'x'" },
	{ T(HEAD "client after 1.2.3 close\n"),
	    "f:4:14: expected a time like 1.5 or 200ms, got '1.2.3'" },
	{ T(HEAD "client at 1000001h connect\n"),
	    "f:4:11: time '1000001h' is too large (at most 1000000 h)" },
	{ T(HEAD "client at 99999999999999999999999 connect\n"),
	    "f:4:11: time '99999999999999999999999' is too large "
	    "(at most 1000000 h)" },
	{ T(HEAD "client at 0.5us connect\n"),
	    "f:4:11: time '0.5us' is finer than a microsecond" },
	{ T(HEAD "client at 2 connect\nclient at 1 close\n"),
	    "f:5:11: 'at 1' is earlier than the client's previous 'at' "
	    "(line 4)" },
	{ T(HEAD "client 0 connect\n"),
	    "f:4:8: '0' needs 'at' or 'after' before it" },
	{ T(HEAD "client at 0\n"), "f:4:1: step needs a call (listen, connect, "
	    "accept, send, recv, shutdown, close, abort, crash, keepalive, reuseaddr, fastopen)" },
	{ T(HEAD "server on\n"),
	    "f:4:8: 'on' needs an event (connected, data, eof, closed)" },
	{ T(HEAD "server on connect accept\n"),
	    "f:4:11: unknown event 'connect' (connected, data, eof, closed)" },
	{ T(HEAD "client after\n"),
	    "f:4:8: 'after' needs a time, e.g. 'after 1.5'" },
	{ T(HEAD "client on data after\n"),
	    "f:4:16: 'after' needs a time, e.g. 'after 1.5'" },
	{ T(HEAD "client\n"), "f:4:1: 'client' needs an address like "
	    "10.0.0.1:49152 or a step like 'at 0 connect'" },
	{ T(HEAD STEP "id u\n"), "f:5:1: duplicate 'id' (first on line 1)" },
	{ T(HEAD STEP "title A\ntitle.zh A\ntitle B\n"),
	    "f:7:1: duplicate 'title' (first on line 5)" },
	{ T(HEAD STEP "client 10.0.0.3:1\n"),
	    "f:5:1: duplicate 'client' (first on line 2)" },
	{ T("client 10.0.0.1:1000\nserver 10.0.0.2:80\n" STEP),
	    "f:1:1: missing 'id'" },
	{ T("id t\nserver 10.0.0.2:80\n" STEP),
	    "f:1:1: missing 'client' address, e.g. 'client 10.0.0.1:49152'" },
	{ T("id t\nclient 10.0.0.1:1000\n" STEP),
	    "f:1:1: missing 'server' address, e.g. 'server 10.0.0.2:80'" },
	{ T(HEAD), "f:1:1: no steps, e.g. 'client at 0 connect'" },
	{ T(""), "f:1:1: missing 'id'" },
	{ T("id My_Lesson\n"), "f:1:4: bad id 'My_Lesson': use lowercase "
	    "letters, digits and '-'" },
	{ T("id\n"), "f:1:1: 'id' needs a name like 'my-lesson'" },
	{ T("id a b\n"), "f:1:6: unexpected word 'b'" },
	{ T("id t\nclient 10.0.0:1000\n"), "f:2:8: bad endpoint '10.0.0:1000' "
	    "(expected address:port, e.g. 10.0.0.1:49152 or [2001:db8::1]:80)" },
	{ T("id t\nclient 10.0.0.1:70000\n"),
	    "f:2:17: port must be 1 to 65535, got '70000'" },
	{ T("id t\nclient 10.0.0.1:0\n"),
	    "f:2:17: port must be 1 to 65535, got '0'" },
	{ T("id t\nclient 10.0.0.1:80\nserver 10.0.0.1:80\n"),
	    "f:3:8: same endpoint as 'client' (line 2)" },
	{ T("id t\nclient 10.0.0.1:80\nserver [2001:db8::1]:80\n"),
	    "f:3:8: 'server' is IPv6 but 'client' (line 2) is IPv4" },
	{ T(HEAD STEP "drop client:SYNN\n"), "f:5:6: bad loss descriptor "
	    "'client:SYNN': unknown kind 'SYNN' (SYN, SYN-ACK, FIN, RST, DATA, "
	    "ACK, ANY)" },
	{ T(HEAD STEP "drop server:FIN#0\n"), "f:5:6: bad loss descriptor "
	    "'server:FIN#0': #N counts from 1, got #0" },
	{ T(HEAD STEP "drop clint:SYN\n"), "f:5:6: bad loss descriptor "
	    "'clint:SYN': unknown side 'clint' (client, server)" },
	{ T(HEAD STEP "drop SYN\n"), "f:5:6: bad loss descriptor 'SYN': "
	    "expected SIDE:KIND[#N], e.g. server:FIN#1" },
	{ T(HEAD STEP "drop\n"),
	    "f:5:1: 'drop' needs a segment, e.g. 'drop server:FIN#1'" },
	{ T(HEAD STEP "delay server:FIN#1\n"),
	    "f:5:1: 'delay' needs a time, e.g. 'delay server:FIN#1 3'" },
	/* One segment may meet every delay: they must fit its event. */
	{ T(HEAD STEP "delay server:FIN#1 20min\ndelay client:ANY 10min\n"
	    "delay client:ACK#2 1us\n"), "f:7:20: the delays add up to more "
	    "than 1800 s, the most a segment may be held back" },
	{ T(HEAD STEP "delay server:FIN#1 1801\n"), "f:5:20: the delays add "
	    "up to more than 1800 s, the most a segment may be held back" },
	{ T(HEAD STEP "delay server:FINN 3\n"), "f:5:7: bad segment "
	    "descriptor 'server:FINN': unknown kind 'FINN' (SYN, SYN-ACK, FIN, "
	    "RST, DATA, ACK, ANY)" },
	{ T(HEAD STEP "link down 5 2\n"),
	    "f:5:13: end time '2' must be after start time '5'" },
	{ T(HEAD STEP "link down 2 5 up\n"), "f:5:15: unknown direction 'up' "
	    "(client->server, server->client)" },
	{ T(HEAD STEP "link up 2 5\n"),
	    "f:5:6: expected 'down' after 'link', got 'up'" },
	{ T(HEAD STEP "link down 2\n"), "f:5:6: 'link down' needs a start "
	    "and an end time, e.g. 'link down 2 5'" },
	{ T(HEAD STEP "set msl 30\n"),
	    "f:5:5: expected key=value, got 'msl'" },
	{ T(HEAD STEP "set =30\n"), "f:5:5: expected key=value, got '=30'" },
	{ T(HEAD STEP "seed -7\n"),
	    "f:5:6: expected an unsigned number, got '-7'" },
	{ T(HEAD STEP "seed 18446744073709551616\n"), "f:5:6: expected an "
	    "unsigned number, got '18446744073709551616'" },
	{ T(HEAD STEP "isn client=1000 server=x\n"),
	    "f:5:17: bad ISN 'x' (0 to 4294967295)" },
	{ T(HEAD STEP "isn client=4294967296 server=1\n"),
	    "f:5:5: bad ISN '4294967296' (0 to 4294967295)" },
	{ T(HEAD STEP "isn client=1\n"),
	    "f:5:1: 'isn' needs client=N and server=N" },
	{ T(HEAD STEP "isn client=1 clients=2\n"),
	    "f:5:14: expected client=N or server=N, got 'clients=2'" },
	{ T(HEAD STEP "isn client=1 client=2\n"),
	    "f:5:14: 'client' ISN given twice" },
	{ T(HEAD STEP "profile bsd\n"),
	    "f:5:9: unknown profile 'bsd' (textbook, linux, host)" },
	{ T(HEAD STEP "topics Handshake\n"), "f:5:8: bad topic 'Handshake': "
	    "use lowercase letters, digits and '-'" },
	{ T("id t\n  title Hello\n" "client 10.0.0.1:1000\n"
	    "server 10.0.0.2:80\n" STEP),
	    "f:2:3: missing Chinese title (title.zh)" },
	{ T(HEAD STEP "title.zh 你好\n"),
	    "f:5:1: missing English title (title)" },
	{ T(HEAD STEP "summary Hi\nsummary there\n"),
	    "f:5:1: missing Chinese summary (summary.zh)" },
	{ T(HEAD STEP "title\n"), "f:5:1: 'title' needs text" },
	{ T(HEAD "client at 0\0 connect\n"),
	    "f:4:12: NUL byte (is this a text file?)" },
	{ T(HEAD "title \xff\n"), "f:4:7: invalid UTF-8" },
	{ T(HEAD "title \xc0\xaf\n"), "f:4:7: invalid UTF-8" },
	/* Columns count characters: 中 is one column, not three bytes. */
	{ T(HEAD "set 中=1 x\n"), "f:4:9: expected key=value, got 'x'" },
	{ T("id t\r\nclient 10.0.0.1:1000\r\nlisen\r\n"),
	    "f:3:1: unknown word 'lisen'" },
	{ T("\xef\xbb\xbf" "bogus"), "f:1:1: unknown word 'bogus'" },

	/* Narration: en/zh only in a narrate block, both languages. */
	{ T(HEAD STEP "en Hello\n"), "f:5:1: 'en' must follow a 'narrate' line" },
	{ T(HEAD STEP "  zh 你好\n"), "f:5:3: 'zh' must follow a 'narrate' line" },
	{ T(HEAD STEP "narrate client:SYN\nen Hi\nzh 嗨\ndrop client:FIN\n"
	    "en More\n"), "f:9:1: 'en' must follow a 'narrate' line" },
	{ T(HEAD STEP "checkpoint at 1\nask Q\nask.zh 问\nanswer A\n"
	    "answer.zh 答\nen Hi\n"), "f:10:1: 'en' must follow a 'narrate' line" },
	{ T(HEAD STEP "narrate client:SYN#1\nen Hi\n"),
	    "f:5:1: narration has no Chinese text (zh)" },
	{ T(HEAD STEP "narrate client:SYN#1\n\n# later\nzh 嗨\n"
	    "narrate at 2\nen x\nzh y\n"),
	    "f:5:1: narration has no English text (en)" },
	{ T(HEAD STEP " narrate at 1\nen Hi\nclient at 1 close\nzh 嗨\n"),
	    "f:5:2: narration has no Chinese text (zh)" },
	{ T(HEAD STEP "narrate at 1\nzh 嗨\n  en\n"), "f:7:3: 'en' needs text" },
	{ T(HEAD STEP "narrate\n"), "f:5:1: 'narrate' needs an event: "
	    "SIDE:KIND[#N], SIDE enters STATE[#N], SIDE timer NAME[#N] or at "
	    "TIME" },
	{ T(HEAD STEP "narrate server enters SYN_RECEIVED\n"), "f:5:23: "
	    "unknown state 'SYN_RECEIVED' (CLOSED, LISTEN, SYN_SENT, SYN_RCVD, "
	    "ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, CLOSING, LAST_ACK, FIN_WAIT_2, "
	    "TIME_WAIT)" },
	{ T(HEAD STEP "narrate client enters time_wait#2\n"), "f:5:23: "
	    "unknown state 'time_wait' (CLOSED, LISTEN, SYN_SENT, SYN_RCVD, "
	    "ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, CLOSING, LAST_ACK, FIN_WAIT_2, "
	    "TIME_WAIT)" },
	{ T(HEAD STEP "narrate client enters TIME_WAIT#0\n"),
	    "f:5:23: #N counts from 1, got #0" },
	{ T(HEAD STEP "narrate client enters TIME_WAIT#x\n"),
	    "f:5:23: expected a count after '#', got 'x'" },
	{ T(HEAD STEP "narrate client enters\n"), "f:5:16: 'enters' needs a "
	    "state (CLOSED, LISTEN, SYN_SENT, SYN_RCVD, ESTABLISHED, CLOSE_WAIT, "
	    "FIN_WAIT_1, CLOSING, LAST_ACK, FIN_WAIT_2, TIME_WAIT)" },
	{ T(HEAD STEP "narrate client timer rexmit\n"), "f:5:22: unknown timer "
	    "'rexmit' (retransmit, delayed-ack, keepalive, time-wait, "
	    "fin-wait-2)" },
	{ T(HEAD STEP "narrate client timer\n"), "f:5:16: 'timer' needs a name "
	    "(retransmit, delayed-ack, keepalive, time-wait, fin-wait-2)" },
	{ T(HEAD STEP "narrate client\n"), "f:5:9: 'client' needs 'enters "
	    "STATE' or 'timer NAME' after it" },
	{ T(HEAD STEP "narrate client sends SYN\n"), "f:5:16: expected "
	    "'enters' or 'timer' after 'client', got 'sends'" },
	{ T(HEAD STEP "narrate syn\n"), "f:5:9: expected an event "
	    "(SIDE:KIND[#N], SIDE enters STATE, SIDE timer NAME or at TIME), "
	    "got 'syn'" },
	{ T(HEAD STEP "narrate 中 x\n"), "f:5:9: expected an event "
	    "(SIDE:KIND[#N], SIDE enters STATE, SIDE timer NAME or at TIME), "
	    "got '中'" },
	{ T(HEAD STEP "narrate client:SYNACK\n"), "f:5:9: bad segment "
	    "descriptor 'client:SYNACK': unknown kind 'SYNACK' (SYN, SYN-ACK, "
	    "FIN, RST, DATA, ACK, ANY)" },
	{ T(HEAD STEP "narrate client:SYN#1 again\n"),
	    "f:5:22: unexpected word 'again'" },
	{ T(HEAD STEP "narrate server enters LISTEN extra\n"),
	    "f:5:30: unexpected word 'extra'" },
	{ T(HEAD STEP "narrate at\n"), "f:5:9: 'at' needs a time, e.g. 'at 1.5'" },
	{ T(HEAD STEP "narrate at 2x\n"),
	    "f:5:12: unknown time unit 'x' in '2x' (s, ms, us, min, h)" },
	{ T(HEAD STEP "narrate at 2 3\n"), "f:5:14: unexpected word '3'" },

	/* Checkpoints: ask/answer only in a checkpoint block, all four. */
	{ T(HEAD STEP "ask Why?\n"),
	    "f:5:1: 'ask' must follow a 'checkpoint' line" },
	{ T(HEAD STEP "narrate at 1\nen Hi\nzh 嗨\nanswer.zh 答\n"),
	    "f:8:1: 'answer.zh' must follow a 'checkpoint' line" },
	{ T(HEAD STEP "checkpoint at 1\nanswer A\nanswer.zh 答\n"),
	    "f:5:1: checkpoint has no English question (ask)" },
	{ T(HEAD STEP "checkpoint at 1\nask Q\nanswer A\nanswer.zh 答\n"),
	    "f:5:1: checkpoint has no Chinese question (ask.zh)" },
	{ T(HEAD STEP "checkpoint at 1\nask Q\nask.zh 问\nanswer.zh 答\n"
	    "client at 1 close\n"),
	    "f:5:1: checkpoint has no English answer (answer)" },
	{ T(HEAD STEP "checkpoint at 1\nask Q\nask.zh 问\nanswer A\n"),
	    "f:5:1: checkpoint has no Chinese answer (answer.zh)" },
	{ T(HEAD STEP "checkpoint\n"), "f:5:1: 'checkpoint' needs an event: "
	    "SIDE:KIND[#N], SIDE enters STATE[#N], SIDE timer NAME[#N] or at "
	    "TIME" },
	{ T(HEAD STEP "checkpoint server timer keepalive#\n"),
	    "f:5:25: expected a count after '#', got ''" },
	{ T(HEAD STEP "checkpoint at 1\nask.zh\n"), "f:6:1: 'ask.zh' needs text" },

	/* The attacker: declared once, of the endpoints' family. */
	{ T(HEAD STEP "attacker\n"), "f:5:1: 'attacker' needs an address like "
	    "10.66.0.1 or a step like 'at 1 synflood 200'" },
	{ T(HEAD STEP "attacker 10.66.0.1:80\n"), "f:5:10: bad address "
	    "'10.66.0.1:80' (expected an address without a port, e.g. "
	    "10.66.0.1 or 2001:db8::66)" },
	{ T(HEAD STEP "attacker 10.66.0.1 10.66.0.2\n"),
	    "f:5:20: unexpected word '10.66.0.2'" },
	{ T(HEAD STEP "attacker 10.66.0.1\nattacker 10.66.0.2\n"),
	    "f:6:1: duplicate 'attacker' (first on line 5)" },
	{ T(HEAD STEP "attacker   2001:db8::66\n"),
	    "f:5:12: 'attacker' is IPv6 but 'client' (line 2) is IPv4" },
	{ T(HEAD STEP "attacker 10.0.0.2\n"),
	    "f:5:10: 'attacker' has the same address as 'server' (line 3)" },
	{ T(HEAD STEP "  attacker at 1 synflood 10\nattacker at 2 synflood 1\n"),
	    "f:5:3: attacker steps need an 'attacker ADDRESS' line" },
	{ T(HEAD STEP "attacker 1 synflood 10\n"),
	    "f:5:10: '1' needs 'at' before it" },
	{ T(HEAD STEP "attacker after 1 synflood 10\n"),
	    "f:5:10: attacker steps start with 'at TIME', got 'after'" },
	{ T(HEAD STEP "attacker synflood\n"),
	    "f:5:10: attacker steps start with 'at TIME', got 'synflood'" },
	{ T(HEAD STEP "attacker at\n"),
	    "f:5:10: 'at' needs a time, e.g. 'at 1.5'" },
	{ T(HEAD STEP "attacker at soon synflood 1\n"),
	    "f:5:13: expected a time like 1.5 or 200ms, got 'soon'" },
	{ T(HEAD STEP "attacker at 1\n"),
	    "f:5:1: attacker step needs an action (synflood, forge)" },
	{ T(HEAD STEP "attacker at 1 flood 10\n"),
	    "f:5:15: unknown action 'flood' (synflood, forge)" },
	{ T(HEAD STEP "attacker at 1 synflood\n"), "f:5:15: 'synflood' needs a "
	    "number of SYNs, e.g. 'synflood 200'" },
	{ T(HEAD STEP "attacker at 1 synflood 0\n"), "f:5:24: expected a number "
	    "of SYNs from 1 to 1000000, got '0'" },
	{ T(HEAD STEP "attacker at 1 synflood 1000001\n"), "f:5:24: expected a "
	    "number of SYNs from 1 to 1000000, got '1000001'" },
	{ T(HEAD STEP "attacker at 1 synflood 10 over\n"),
	    "f:5:27: 'over' needs a time, e.g. 'over 2'" },
	{ T(HEAD STEP "attacker at 1 synflood 10 during 2\n"),
	    "f:5:27: unexpected word 'during'" },
	{ T(HEAD STEP "attacker 10.66.0.1\nattacker at 2 synflood 1\n"
	    "attacker at 1 synflood 1\n"), "f:7:13: 'at 1' is earlier than the "
	    "attacker's previous 'at' (line 6)" },
	{ T(HEAD STEP "attacker at 1 forge client\n"), "f:5:15: 'forge' needs "
	    "a side, flags and seq=N, e.g. 'forge client R seq=client.isn+1'" },
	{ T(HEAD STEP "attacker at 1 forge peer R seq=1\n"),
	    "f:5:21: unknown side 'peer' (client, server)" },
	{ T(HEAD STEP "attacker at 1 forge client X seq=1\n"), "f:5:28: bad "
	    "flags 'X' (tcpdump's letters S F P R U E W, and '.' for ACK, e.g. "
	    "S, R or P.)" },
	{ T(HEAD STEP "attacker at 1 forge client RR seq=1\n"), "f:5:28: bad "
	    "flags 'RR' (tcpdump's letters S F P R U E W, and '.' for ACK, e.g. "
	    "S, R or P.)" },
	{ T(HEAD STEP "attacker at 1 forge client R len=1\n"),
	    "f:5:15: 'forge' needs seq=N, e.g. 'seq=client.isn+1'" },
	{ T(HEAD STEP "attacker at 1 forge client R. seq=1\n"),
	    "f:5:28: flags 'R.' have ACK ('.'), so 'forge' needs ack=N" },
	{ T(HEAD STEP "attacker at 1 forge client R seq=1 ack=2\n"), "f:5:36: "
	    "ack=N needs the ACK flag ('.'), but the flags are 'R'" },
	{ T(HEAD STEP "attacker at 1 forge client R seq=1 seq=2\n"),
	    "f:5:36: 'seq=' given twice" },
	{ T(HEAD STEP "attacker at 1 forge client R seq=1 win=5\n"),
	    "f:5:36: expected seq=N, ack=N or len=N, got 'win=5'" },
	{ T(HEAD STEP "attacker at 1 forge client R seq\n"),
	    "f:5:30: expected seq=N, ack=N or len=N, got 'seq'" },
	{ T(HEAD STEP "attacker at 1 forge client R seq=1 len=65496\n"),
	    "f:5:36: expected a length from 0 to 65495, got '65496'" },
	{ T(HEAD STEP "attacker at 1 forge client R seq=4294967296\n"),
	    "f:5:30: bad number '4294967296' (0 to 4294967295, client.isn+N or "
	    "server.isn+N)" },
	{ T(HEAD STEP "attacker at 1 forge client R seq=client.isn-1\n"),
	    "f:5:30: bad number 'client.isn-1' (0 to 4294967295, client.isn+N "
	    "or server.isn+N)" },
	{ T(HEAD STEP "attacker at 1 forge client R seq=clint.isn+1\n"),
	    "f:5:30: bad number 'clint.isn+1' (0 to 4294967295, client.isn+N "
	    "or server.isn+N)" },
	{ T(HEAD STEP "attacker at 1 forge client R seq=server.isn+\n"),
	    "f:5:30: bad number 'server.isn+' (0 to 4294967295, client.isn+N "
	    "or server.isn+N)" },
	{ T(HEAD STEP "attacker 10.66.0.1\n"
	    "attacker at 1 forge server R. seq=1 ack=client.isn+1\n"
	    "attacker at 2 forge client R seq=server.isn\n"),
	    "f:6:37: 'client.isn' needs an 'isn' line that fixes the ISNs" },
};

START_TEST(test_errors)
{
	struct scenario sc;
	char msg[600];

	ck_assert_int_eq(parse_n(&sc, error_cases[_i].text,
	    error_cases[_i].len, msg, sizeof msg), -1);
	ck_assert_str_eq(msg, error_cases[_i].want);
	/* A refused file leaves nothing behind. */
	ck_assert_str_eq(sc.id, "");
	ck_assert_ptr_null(sc.file);
	ck_assert_ptr_null(sc.title[0]);
	ck_assert_ptr_null(sc.steps);
	ck_assert_ptr_null(sc.sets);
	ck_assert_ptr_null(sc.faults);
	ck_assert_ptr_null(sc.narrations);
	ck_assert_ptr_null(sc.checkpoints);
	ck_assert_ptr_null(sc.attacks);
	ck_assert_uint_eq(sc.nsteps, 0);
	ck_assert(!sc.has_attacker);
}
END_TEST

START_TEST(test_long_line)
{
	size_t n = strlen(HEAD) + 6 + 5000;
	char *text = malloc(n + 1), msg[600];
	struct scenario sc;

	ck_assert_ptr_nonnull(text);
	strcpy(text, HEAD "title ");
	memset(text + strlen(text), 'x', 5000);
	text[n] = '\0';
	ck_assert_int_eq(parse(&sc, text, msg, sizeof msg), -1);
	ck_assert_str_eq(msg, "f:4:1: line too long (over 4096 bytes)");
	free(text);
}
END_TEST

START_TEST(test_fault_parse)
{
	struct scen_fault f;
	struct tv_error err;
	char buf[32], msg[600];

	ck_assert_int_eq(scen_fault_parse("server:FIN#1", &f, &err), 0);
	ck_assert_uint_eq(f.side, SIDE_SERVER);
	ck_assert_uint_eq(f.kind, SEGK_FIN);
	ck_assert_uint_eq(f.action, FAULT_DROP);
	ck_assert_uint_eq(f.nth, 1);
	ck_assert_int_eq(f.line, 0);
	ck_assert_int_eq(f.col, 0);
	ck_assert_str_eq(scen_fault_str(&f, buf, sizeof buf), "server:FIN#1");

	ck_assert_int_eq(scen_fault_parse("client:SYN-ACK#4294967295", &f,
	    &err), 0);
	ck_assert_str_eq(scen_fault_str(&f, buf, sizeof buf),
	    "client:SYN-ACK#4294967295");
	ck_assert_int_eq(scen_fault_parse("client:DATA", &f, &err), 0);
	ck_assert_str_eq(scen_fault_str(&f, buf, sizeof buf), "client:DATA#1");

	/* From the command line: no file, no position. */
	memset(&err, 0, sizeof err);
	ck_assert_int_eq(scen_fault_parse("server:FIN#x", &f, &err), -1);
	tv_error_format(&err, msg, sizeof msg);
	ck_assert_str_eq(msg, "bad loss descriptor 'server:FIN#x': "
	    "expected a count after '#', got 'x'");
	ck_assert_int_eq(scen_fault_parse("server:SYN#4294967296", &f, &err),
	    -1);
	ck_assert_int_eq(scen_fault_parse(":SYN", &f, &err), -1);
	ck_assert_int_eq(scen_fault_parse("client:", &f, &err), -1);
	ck_assert_int_eq(scen_fault_parse("client:#1", &f, &err), -1);
	ck_assert_int_eq(scen_fault_parse("client:SYN#", &f, &err), -1);
	ck_assert_int_eq(scen_fault_parse("client:SYN-ACK-ACK-ACK-ACK", &f,
	    &err), -1);
	ck_assert_int_eq(scen_fault_parse("", &f, NULL), -1);
}
END_TEST

START_TEST(test_trigger_names)
{
	ck_assert_str_eq(scen_trigger_name(TRIG_AT), "at");
	ck_assert_str_eq(scen_trigger_name(TRIG_AFTER), "after");
	ck_assert_str_eq(scen_trigger_name(TRIG_CONNECTED), "connected");
	ck_assert_str_eq(scen_trigger_name(TRIG_CLOSED), "closed");
	ck_assert_str_eq(scen_trigger_name(TRIG_NTRIGGERS), "?");
	ck_assert_str_eq(scen_trigger_name(-1), "?");
}
END_TEST

START_TEST(test_load)
{
	char path[] = "/tmp/check_scenario_XXXXXX", msg[600];
	struct scenario sc;
	struct tv_error err;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert(write(fd, full_file, sizeof full_file - 1) ==
	    (ssize_t)(sizeof full_file - 1));
	close(fd);
	ck_assert_int_eq(scenario_load(&sc, path, &err), 0);
	ck_assert_str_eq(sc.id, "lifecycle");
	ck_assert_str_eq(sc.file, path);
	ck_assert_uint_eq(sc.nsteps, 8);
	scenario_free(&sc);
	unlink(path);

	memset(&err, 0, sizeof err);
	ck_assert_int_eq(scenario_load(&sc, path, &err), -1);
	tv_error_format(&err, msg, sizeof msg);
	ck_assert_str_eq(msg + strlen(path),
	    ": cannot open: No such file or directory");
	ck_assert_ptr_null(sc.file);
}
END_TEST

Suite *scenario_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_full_file);
	tcase_add_test(tc, test_minimal_file);
	tcase_add_test(tc, test_lesson_file);
	tcase_add_loop_test(tc, test_when_forms, 0,
	    sizeof when_cases / sizeof when_cases[0]);
	tcase_add_test(tc, test_attacker_ipv6);
	tcase_add_test(tc, test_ipv6);
	tcase_add_loop_test(tc, test_step_forms, 0,
	    sizeof step_cases / sizeof step_cases[0]);
	tcase_add_loop_test(tc, test_time_units, 0,
	    sizeof time_cases / sizeof time_cases[0]);
	tcase_add_test(tc, test_text_forms);
	tcase_add_loop_test(tc, test_errors, 0,
	    sizeof error_cases / sizeof error_cases[0]);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_fault_parse);
	tcase_add_test(tc, test_trigger_names);
	tcase_add_test(tc, test_load);
	suite_add_tcase(s, tc);
	return s;
}
