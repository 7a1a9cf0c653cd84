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
		{ SIDE_SERVER, TRIG_AT, APP_LISTEN, 0, 128, 19 },
		{ SIDE_SERVER, TRIG_CONNECTED, APP_ACCEPT, 0, 0, 20 },
		{ SIDE_SERVER, TRIG_DATA, APP_SEND, 0, 300, 21 },
		{ SIDE_SERVER, TRIG_EOF, APP_CLOSE, 500000, 0, 22 },
		{ SIDE_CLIENT, TRIG_AT, APP_CONNECT, 0, 0, 23 },
		{ SIDE_CLIENT, TRIG_CONNECTED, APP_SEND, 0, 100, 24 },
		{ SIDE_CLIENT, TRIG_DATA, APP_CLOSE, 200000, 0, 25 },
		{ SIDE_CLIENT, TRIG_AFTER, APP_SHUTDOWN, 2000000, 0, 26 },
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

	ck_assert_uint_eq(sc.nfaults, 3);
	ck_assert_uint_eq(sc.faults[0].side, SIDE_CLIENT);
	ck_assert_uint_eq(sc.faults[0].kind, SEGK_SYN);
	ck_assert_uint_eq(sc.faults[0].action, FAULT_DROP);
	ck_assert_uint_eq(sc.faults[0].nth, 2);
	ck_assert_int_eq(sc.faults[0].delay, 0);
	ck_assert_int_eq(sc.faults[0].line, 28);
	ck_assert_uint_eq(sc.faults[1].side, SIDE_SERVER);
	ck_assert_uint_eq(sc.faults[1].kind, SEGK_SYN_ACK);
	ck_assert_uint_eq(sc.faults[1].action, FAULT_DROP);
	ck_assert_uint_eq(sc.faults[1].nth, 1);
	ck_assert_int_eq(sc.faults[1].line, 29);
	ck_assert_uint_eq(sc.faults[2].side, SIDE_SERVER);
	ck_assert_uint_eq(sc.faults[2].kind, SEGK_FIN);
	ck_assert_uint_eq(sc.faults[2].action, FAULT_DELAY);
	ck_assert_uint_eq(sc.faults[2].nth, 1);
	ck_assert_int_eq(sc.faults[2].delay, 3000000);
	ck_assert_int_eq(sc.faults[2].line, 30);

	ck_assert_uint_eq(sc.noutages, 3);
	ck_assert_int_eq(sc.outages[0].from, 2000000);
	ck_assert_int_eq(sc.outages[0].to, 5000000);
	ck_assert_int_eq(sc.outages[0].dir, -1);
	ck_assert_int_eq(sc.outages[0].line, 31);
	ck_assert_int_eq(sc.outages[1].to, 5500000);
	ck_assert_int_eq(sc.outages[1].dir, 0);
	ck_assert_int_eq(sc.outages[1].line, 32);
	ck_assert_int_eq(sc.outages[2].from, 7000000);
	ck_assert_int_eq(sc.outages[2].dir, 1);
	ck_assert_int_eq(sc.outages[2].line, 33);

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
	    "crash, keepalive, reuseaddr)" },
	{ T(HEAD "client on connected send\n"),
	    "f:4:21: 'send' needs a byte count" },
	{ T(HEAD "client at 0 send 0\n"),
	    "f:4:18: expected a byte count from 1 to 1000000000, got '0'" },
	{ T(HEAD "client at 0 send 2000000000\n"), "f:4:18: expected a byte "
	    "count from 1 to 1000000000, got '2000000000'" },
	{ T(HEAD "client at 0 send 100 bytes\n"),
	    "f:4:22: unexpected word 'bytes'" },
	{ T(HEAD "client at 0 connect 10.0.0.2:80\n"),
	    "f:4:21: 'connect' takes no argument, got '10.0.0.2:80'" },
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
	    "accept, send, recv, shutdown, close, abort, crash, keepalive, reuseaddr)" },
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
	ck_assert_uint_eq(sc.nsteps, 0);
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
