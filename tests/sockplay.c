/*
 * sockplay.c: plays one side of a scenario with real sockets, so that the
 * kernel's own TCP does what the engine simulates.  tests/netns.sh runs a
 * client and a server (and, for a SYN flood, an attacker) in a network
 * namespace and records what the kernel sends; nftables loses segments.
 *
 *   sockplay --side client|server|attacker [--client EP] [--server EP]
 *            [--attacker ADDR] [--t0 EPOCH] [--set KEY=VALUE]... SCENARIO
 *   sockplay --plan [--set KEY=VALUE]... SCENARIO
 *
 * SCENARIO is a scenario id or a .tcpviz file.  EP replaces the file's
 * endpoint: "127.0.0.1", "::1" (the file's port kept) or "ADDR:PORT",
 * "[V6]:PORT".  Ports named in steps ("connect 49153") are used as they
 * are.  EPOCH is the wall-clock time (seconds, as bash's EPOCHREALTIME)
 * of scenario time 0, the same for every side; the default is now.
 *
 * Each step of the side runs like its program would: wait for the
 * trigger, wait the delay, make the call, with blocking calls where the
 * engine's application blocks (accept, recv, "on data", "on eof") and
 * poll() for the rest.  Every call is logged to standard error with its
 * time from scenario time 0.  When the script has ended, "done" goes to
 * standard output and the process keeps its sockets (closing them would
 * send what the scenario does not) until a signal ends it; a step whose
 * trigger can no longer come (no data after a reset) waits the same way,
 * without "done".
 *
 * Calls without an exact socket equivalent:
 *   abort      SO_LINGER {1, 0} then close(): RST instead of FIN;
 *   crash      a host that loses power sends nothing: TCP_REPAIR, then
 *              close() (in repair mode Linux forgets the connection
 *              silently, as CRIU relies on), so the kernel answers the
 *              peer's next segment as a rebooted host does, with RST;
 *              a listener is closed plainly;
 *   keepalive  SO_KEEPALIVE with TCP_KEEPIDLE/KEEPINTVL/KEEPCNT from the
 *              profile (the file's `set` lines and --set);
 *   fastopen   sendto(MSG_FASTOPEN) on a new socket; a listener gets
 *              TCP_FASTOPEN when the profile's fastopen has bit 2.
 * The attacker sends the scenario's synflood as raw IPv4 SYNs from random
 * addresses in the attacker's /16 (it needs CAP_NET_RAW and must run
 * where nothing answers for those addresses).
 *
 * --plan prints what the network must do, one item per line, for the
 * shell: "client EP", "server EP", "sysctl NAME VALUE" for each profile
 * value the file or --set gives that the kernel has as a sysctl, "ignore
 * KEY" for those it has not, "link C2S S2C" for the one-way delays when
 * delay, delay_c2s or delay_s2c is given (seconds), "drop SIDE:KIND#N",
 * "delay SIDE:KIND#N SECS", "outage FROM TO both|c2s|s2c" and "attack
 * synflood|forge".
 */
#define _DEFAULT_SOURCE		/* sockets, clock_nanosleep(), under -std=c99 */

#include <errno.h>
#include <fcntl.h>
/* Not <netinet/tcp.h>: its TCP_ESTABLISHED ... clash with tcp_state.h. */
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "datadir.h"
#include "profile.h"
#include "rng.h"
#include "scenario.h"
#include "trace.h"

#define SIDE_ATTACKER 2
#define MAX_HELD 64

/* One side's program: its sockets and what it has read. */
struct player {
	int side;
	struct endpoint ep[2];		/* real endpoints, [SIDE_CLIENT] ... */
	struct profile prof;
	int listener;			/* -1: none */
	int conn;			/* the connection it works on; -1: none */
	bool eof;			/* conn's end of file has been read */
	bool reuseaddr;
	int held[MAX_HELD];		/* older connections, still open */
	int nheld;
};

static double t0;
static const char *who = "sockplay";

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void say(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "sockplay %-8s %10.6f %s\n", who, now() - t0, msg);
}

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "sockplay %s: %s\n", who, msg);
	exit(1);
}

static void sleep_until(double t)
{
	struct timespec ts = { (time_t)t, (long)((t - (double)(time_t)t) * 1e9) };
	while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Nothing more can happen on this side: keep the sockets, wait for the
 * signal that ends the run. */
static void stall(const char *why)
	__attribute__((noreturn));
static void stall(const char *why)
{
	say("waits for ever: %s", why);
	for (;;)
		pause();
}

static socklen_t sockaddr_of(const struct endpoint *ep, uint16_t port,
    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (ep->family == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, ep->addr, 4);
		return sizeof *sin;
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	memcpy(&sin6->sin6_addr, ep->addr, 16);
	return sizeof *sin6;
}

static void setopt(int fd, int level, int name, int val, const char *what)
{
	if (setsockopt(fd, level, name, &val, sizeof val) < 0)
		die("setsockopt(%s): %s", what, strerror(errno));
}

/* A socket bound to this side's address and `port`; -1 if bind fails
 * (a port still in use is an outcome a scenario may teach). */
static int bound_socket(struct player *p, uint16_t port)
{
	const struct endpoint *me = &p->ep[p->side];
	int fd = socket(me->family == 4 ? AF_INET : AF_INET6, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (p->reuseaddr)
		setopt(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(me, port, &ss);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		say("bind port %u: %s", port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* A new connection replaces the one the program works on; the old one
 * stays open, as it would in a program that did not close it. */
static void set_conn(struct player *p, int fd)
{
	if (p->conn >= 0) {
		if (p->nheld == MAX_HELD)
			die("more than %d connections", MAX_HELD);
		p->held[p->nheld++] = p->conn;
	}
	p->conn = fd;
	p->eof = false;
}

static void do_listen(struct player *p, int backlog)
{
	int fd = bound_socket(p, p->ep[p->side].port);
	if (fd < 0)
		return;
	if (p->prof.fastopen & 2)
		setopt(fd, IPPROTO_TCP, TCP_FASTOPEN, 16, "TCP_FASTOPEN");
	if (listen(fd, backlog) < 0)
		die("listen: %s", strerror(errno));
	say("listen %d", backlog);
	p->listener = fd;
}

/* connect(), or with data > 0 sendto(MSG_FASTOPEN).  connect() does not
 * block, as in the engine: "on connected" waits for the handshake. */
static void do_connect(struct player *p, uint16_t port, uint32_t data)
{
	if (!port)
		port = p->ep[p->side].port;
	int fd = bound_socket(p, port);
	if (fd < 0)
		return;
	const struct endpoint *peer = &p->ep[!p->side];
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(peer, peer->port, &ss);
	char buf[64];
	endpoint_str(peer, buf, sizeof buf);
	set_conn(p, fd);
	if (data) {
		/* Blocking: with a cookie the data leaves in the SYN, without
		 * one after the handshake, either way before this returns. */
		char *bytes = calloc(1, data);
		if (!bytes)
			die("out of memory");
		ssize_t n = sendto(fd, bytes, data, MSG_FASTOPEN | MSG_NOSIGNAL,
		    (struct sockaddr *)&ss, len);
		free(bytes);
		say("fastopen %u from port %u to %s: %s", data, port, buf,
		    n < 0 ? strerror(errno) : "sent");
		return;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	int r = connect(fd, (struct sockaddr *)&ss, len);
	say("connect from port %u to %s: %s", port, buf,
	    r == 0 ? "connected" : strerror(errno));
	fcntl(fd, F_SETFL, 0);
}

static void do_accept(struct player *p)
{
	if (p->listener < 0)
		stall("accept without a listener");
	int fd = accept(p->listener, NULL, NULL);
	if (fd < 0)
		die("accept: %s", strerror(errno));
	set_conn(p, fd);
	say("accept");
}

/* One blocking recv(); what it returned. */
static ssize_t do_recv(struct player *p, int flags)
{
	char buf[65536];
	ssize_t n = recv(p->conn, buf, sizeof buf, flags);
	if (n > 0)
		say("recv %zd", n);
	else if (n == 0) {
		say("recv: end of file");
		p->eof = true;
	} else if (errno != EAGAIN)
		say("recv: %s", strerror(errno));
	return n;
}

static void do_send(struct player *p, uint32_t len)
{
	static const char chunk[4096];
	uint32_t sent = 0;
	while (sent < len) {
		size_t n = len - sent < sizeof chunk ? len - sent : sizeof chunk;
		ssize_t r = send(p->conn, chunk, n, MSG_NOSIGNAL);
		if (r < 0) {
			say("send %u: %s", len, strerror(errno));
			return;
		}
		sent += (uint32_t)r;
	}
	say("send %u", len);
}

/* The socket a call about "the connection" uses: the connection, else
 * the listener (close() of a server with no connection closes it). */
static int *target(struct player *p)
{
	return p->conn >= 0 ? &p->conn : &p->listener;
}

static void do_close(struct player *p, bool abortive)
{
	int *fd = target(p);
	if (*fd < 0) {
		say("%s: no socket", abortive ? "abort" : "close");
		return;
	}
	if (abortive) {
		struct linger l = { 1, 0 };
		if (setsockopt(*fd, SOL_SOCKET, SO_LINGER, &l, sizeof l) < 0)
			die("setsockopt(SO_LINGER): %s", strerror(errno));
	}
	close(*fd);
	*fd = -1;
	say(abortive ? "abort (SO_LINGER 0, close)" : "close");
}

/* Forget one connection without a word on the wire. */
static void vanish(int fd)
{
	setopt(fd, IPPROTO_TCP, TCP_REPAIR, 1, "TCP_REPAIR");
	close(fd);
}

static void do_crash(struct player *p)
{
	for (int i = 0; i < p->nheld; i++)
		vanish(p->held[i]);
	p->nheld = 0;
	if (p->conn >= 0)
		vanish(p->conn);
	if (p->listener >= 0)
		close(p->listener);
	p->conn = p->listener = -1;
	say("crash (TCP_REPAIR, close: nothing sent)");
}

static int seconds(int64_t us)
{
	return us < 1000000 ? 1 : (int)(us / 1000000);
}

static void do_keepalive(struct player *p)
{
	int fd = *target(p);
	if (fd < 0) {
		say("keepalive: no socket");
		return;
	}
	int idle = seconds(p->prof.keepalive_time);
	int intvl = seconds(p->prof.keepalive_intvl);
	setopt(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
	setopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, idle, "TCP_KEEPIDLE");
	setopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, intvl, "TCP_KEEPINTVL");
	setopt(fd, IPPROTO_TCP, TCP_KEEPCNT, p->prof.keepalive_probes,
	    "TCP_KEEPCNT");
	say("keepalive idle %d s, interval %d s, %d probes", idle, intvl,
	    p->prof.keepalive_probes);
}

/* Block until fd has one of the events (or an error, or a hangup). */
static void wait_for(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	while (poll(&pfd, 1, -1) < 0)
		if (errno != EINTR)
			die("poll: %s", strerror(errno));
}

/* "on connected": a server with no connection accepts one; otherwise
 * the connection's handshake must have completed. */
static void await_connected(struct player *p)
{
	if (p->conn < 0 && p->listener >= 0) {
		do_accept(p);
		return;
	}
	if (p->conn < 0)
		stall("on connected, but no connection");
	wait_for(p->conn, POLLOUT);
	int err = 0;
	socklen_t len = sizeof err;
	getsockopt(p->conn, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err) {
		say("connect: %s", strerror(err));
		stall("on connected, but connect() failed");
	}
	say("connected");
}

/* Wait for the step's trigger, as the engine's step_ready() does. */
static void trigger(struct player *p, const struct scen_step *s)
{
	switch (s->trigger) {
	case TRIG_AT:
		sleep_until(t0 + (double)s->delay / 1e6);
		return;
	case TRIG_AFTER:
		break;
	case TRIG_CONNECTED:
		await_connected(p);
		break;
	case TRIG_DATA:
		if (p->conn < 0 || p->eof)
			stall("on data, but no more can come");
		wait_for(p->conn, POLLIN);
		if (do_recv(p, 0) <= 0)
			stall("on data, but the connection ended first");
		/* All that has arrived, as the engine reads it at once. */
		while (!p->eof && do_recv(p, MSG_DONTWAIT) > 0)
			;
		break;
	case TRIG_EOF:
		if (p->conn < 0)
			stall("on eof, but no connection");
		while (!p->eof)
			if (do_recv(p, 0) < 0)
				stall("on eof, but the connection was reset");
		break;
	case TRIG_CLOSED:
		if (p->conn < 0)
			stall("on closed, but no connection");
		wait_for(p->conn, POLLHUP);
		say("closed");
		break;
	}
	if (s->delay > 0)
		sleep_until(now() + (double)s->delay / 1e6);
}

static void call(struct player *p, const struct scen_step *s)
{
	switch (s->call) {
	case APP_LISTEN:
		do_listen(p, (int)s->arg);
		break;
	case APP_CONNECT:
		do_connect(p, (uint16_t)s->arg, 0);
		break;
	case APP_FASTOPEN:
		do_connect(p, s->port, s->arg);
		break;
	case APP_ACCEPT:
		/* "on connected accept" has accepted already. */
		if (s->trigger != TRIG_CONNECTED)
			do_accept(p);
		break;
	case APP_SEND:
		if (p->conn < 0)
			say("send: no connection");
		else
			do_send(p, s->arg);
		break;
	case APP_RECV:
		if (p->conn < 0)
			say("recv: no connection");
		else
			do_recv(p, 0);
		break;
	case APP_SHUTDOWN:
		if (p->conn >= 0 && shutdown(p->conn, SHUT_WR) < 0)
			say("shutdown: %s", strerror(errno));
		else
			say("shutdown");
		break;
	case APP_CLOSE:
	case APP_ABORT:
		do_close(p, s->call == APP_ABORT);
		break;
	case APP_CRASH:
		do_crash(p);
		break;
	case APP_KEEPALIVE:
		do_keepalive(p);
		break;
	case APP_REUSEADDR:
		p->reuseaddr = true;
		say("reuseaddr");
		break;
	}
}

static void play(struct player *p, const struct scenario *sc)
{
	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct scen_step *s = &sc->steps[i];
		if (s->side != p->side)
			continue;
		trigger(p, s);
		call(p, s);
	}
}

/* ---- The attacker ---- */

static uint16_t checksum(const uint8_t *b, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b + 2, (uint16_t)v);
}

/* One SYN (with an MSS option) from src to dst, IPv4 header included. */
static void send_syn(int fd, const struct endpoint *src,
    const struct endpoint *dst, uint32_t seq)
{
	uint8_t pkt[44] = { 0 };
	uint8_t *ip = pkt, *tcp = pkt + 20;
	ip[0] = 0x45;
	put16(ip + 2, sizeof pkt);
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	memcpy(ip + 12, src->addr, 4);
	memcpy(ip + 16, dst->addr, 4);
	put16(tcp, src->port);
	put16(tcp + 2, dst->port);
	put32(tcp + 4, seq);
	tcp[12] = 6 << 4;		/* 24 bytes of header */
	tcp[13] = 0x02;			/* SYN */
	put16(tcp + 14, 64240);
	tcp[20] = 2;			/* MSS 1460 */
	tcp[21] = 4;
	put16(tcp + 22, 1460);
	uint32_t pseudo = 0;
	for (int i = 12; i < 20; i += 2)
		pseudo += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	pseudo += IPPROTO_TCP + 24;
	put16(tcp + 16, checksum(tcp, 24, pseudo));
	/* The kernel fills in the IP checksum and id. */
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(dst, dst->port, &ss);
	if (sendto(fd, pkt, sizeof pkt, 0, (struct sockaddr *)&ss, len) < 0)
		die("sendto (raw): %s", strerror(errno));
}

static void attack(const struct scenario *sc, const struct endpoint *attacker,
    const struct endpoint *server)
{
	if (attacker->family != 4 || server->family != 4)
		die("the attacker sends IPv4 only");
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0)
		die("raw socket: %s", strerror(errno));
	struct rng r;
	rng_seed(&r, sc->has_seed ? sc->seed : 1);
	for (size_t i = 0; i < sc->nattacks; i++) {
		const struct scen_attack *a = &sc->attacks[i];
		if (a->kind != ATTACK_SYNFLOOD)
			die("line %d: only synflood can be played for real",
			    a->line);
		for (uint32_t k = 0; k < a->count; k++) {
			sleep_until(t0 + (double)(a->at + a->over * k / a->count) / 1e6);
			/* As the engine does: a made-up source near the
			 * attacker's address, so SYN-ACKs go to nobody. */
			struct endpoint src = *attacker;
			uint32_t v = rng_u32(&r);
			src.addr[2] = (uint8_t)(v >> 24);
			src.addr[3] = (uint8_t)(v >> 16) | 1;
			src.port = (uint16_t)(1024 + (v & 0xffff) % 64000);
			send_syn(fd, &src, server, rng_u32(&r));
		}
		say("synflood %u SYNs", a->count);
	}
	close(fd);
}

/* ---- The plan for the network ---- */

/* Profile values with a sysctl of the same meaning. */
static const struct {
	const char *key, *sysctl;
	char type;		/* 'i' int, 'b' bool, 's' seconds */
	size_t off;
} kernel_keys[] = {
#define F(field) offsetof(struct profile, field)
	{ "syn_retries", "net.ipv4.tcp_syn_retries", 'i', F(syn_retries) },
	{ "syn_linear_timeouts", "net.ipv4.tcp_syn_linear_timeouts", 'i',
	  F(syn_linear_timeouts) },
	{ "synack_retries", "net.ipv4.tcp_synack_retries", 'i', F(synack_retries) },
	{ "retries2", "net.ipv4.tcp_retries2", 'i', F(retries2) },
	{ "orphan_retries", "net.ipv4.tcp_orphan_retries", 'i', F(orphan_retries) },
	{ "fin_timeout", "net.ipv4.tcp_fin_timeout", 's', F(fin_timeout) },
	{ "keepalive_time", "net.ipv4.tcp_keepalive_time", 's', F(keepalive_time) },
	{ "keepalive_intvl", "net.ipv4.tcp_keepalive_intvl", 's', F(keepalive_intvl) },
	{ "keepalive_probes", "net.ipv4.tcp_keepalive_probes", 'i',
	  F(keepalive_probes) },
	{ "syncookies", "net.ipv4.tcp_syncookies", 'i', F(syncookies) },
	{ "max_syn_backlog", "net.ipv4.tcp_max_syn_backlog", 'i', F(max_syn_backlog) },
	{ "somaxconn", "net.core.somaxconn", 'i', F(somaxconn) },
	{ "rfc1337", "net.ipv4.tcp_rfc1337", 'b', F(rfc1337) },
	{ "fastopen", "net.ipv4.tcp_fastopen", 'i', F(fastopen) },
	{ "sack_perm", "net.ipv4.tcp_sack", 'b', F(sack_perm) },
	{ "timestamps", "net.ipv4.tcp_timestamps", 'b', F(timestamps) },
#undef F
};

static void print_sysctl(const struct profile *pr, const char *key, size_t keylen)
{
	/* Not the kernel's but the wire's (tests/delayline.c). */
	if (keylen >= 5 && strncmp(key, "delay", 5) == 0) {
		printf("link %.6f %.6f\n", (double)pr->delay[0] / 1e6,
		    (double)pr->delay[1] / 1e6);
		return;
	}
	for (size_t i = 0; i < sizeof kernel_keys / sizeof kernel_keys[0]; i++) {
		if (strlen(kernel_keys[i].key) != keylen ||
		    strncmp(kernel_keys[i].key, key, keylen) != 0)
			continue;
		const char *field = (const char *)pr + kernel_keys[i].off;
		long v;
		if (kernel_keys[i].type == 'i')
			v = *(const int *)(const void *)field;
		else if (kernel_keys[i].type == 'b')
			v = *(const bool *)(const void *)field;
		else
			v = seconds(*(const int64_t *)(const void *)field);
		printf("sysctl %s %ld\n", kernel_keys[i].sysctl, v);
		return;
	}
	printf("ignore %.*s\n", (int)keylen, key);
}

static void plan(const struct scenario *sc, const struct profile *pr,
    const char *const *sets, int nsets)
{
	char buf[64];
	printf("client %s\n", endpoint_str(&sc->ep[SIDE_CLIENT], buf, sizeof buf));
	printf("server %s\n", endpoint_str(&sc->ep[SIDE_SERVER], buf, sizeof buf));
	/* The final value of each key given, once, in the order given. */
	for (int i = 0; i < (int)sc->nsets + nsets; i++) {
		const char *a = i < (int)sc->nsets ? sc->sets[i] : sets[i - (int)sc->nsets];
		size_t keylen = strcspn(a, "=");
		bool again = false;
		for (int j = i + 1; j < (int)sc->nsets + nsets && !again; j++) {
			const char *b = j < (int)sc->nsets ? sc->sets[j] : sets[j - (int)sc->nsets];
			again = strcspn(b, "=") == keylen && strncmp(a, b, keylen) == 0;
		}
		if (!again)
			print_sysctl(pr, a, keylen);
	}
	for (size_t i = 0; i < sc->nfaults; i++) {
		const struct scen_fault *f = &sc->faults[i];
		scen_fault_str(f, buf, sizeof buf);
		if (f->action == FAULT_DROP)
			printf("drop %s\n", buf);
		else
			printf("delay %s %.6f\n", buf, (double)f->delay / 1e6);
	}
	static const char *const dirs[] = { "both", "c2s", "s2c" };
	for (size_t i = 0; i < sc->noutages; i++)
		printf("outage %.6f %.6f %s\n", (double)sc->outages[i].from / 1e6,
		    (double)sc->outages[i].to / 1e6, dirs[sc->outages[i].dir + 1]);
	for (size_t i = 0; i < sc->nattacks; i++)
		printf("attack %s\n", sc->attacks[i].kind == ATTACK_SYNFLOOD ?
		    "synflood" : "forge");
}

/* ---- The command line ---- */

/* "ADDR" keeps the file's port; "ADDR:PORT" and "[V6]:PORT" do not. */
static void parse_ep(const char *s, struct endpoint *ep)
{
	uint16_t port = ep->port;
	if (endpoint_parse(s, ep) == 0)
		return;
	ep->port = port;
	char addr[64];
	size_t n = strlen(s);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']' && n - 2 < sizeof addr) {
		memcpy(addr, s + 1, n - 2);
		addr[n - 2] = '\0';
	} else
		snprintf(addr, sizeof addr, "%s", s);
	memset(ep->addr, 0, sizeof ep->addr);
	if (inet_pton(AF_INET, addr, ep->addr) == 1)
		ep->family = 4;
	else if (inet_pton(AF_INET6, addr, ep->addr) == 1)
		ep->family = 6;
	else
		die("bad address '%s'", s);
}

static void usage(void)
{
	fprintf(stderr, "usage: sockplay --side client|server|attacker "
	    "[--client EP] [--server EP]\n"
	    "                [--attacker ADDR] [--t0 EPOCH] [--set KEY=VALUE]... SCENARIO\n"
	    "       sockplay --plan [--set KEY=VALUE]... SCENARIO\n");
	exit(2);
}

static void load(struct scenario *sc, const char *name)
{
	char path[4096];
	struct tv_error err;
	size_t n = strlen(name);
	if (strchr(name, '/') || (n > 7 && strcmp(name + n - 7, ".tcpviz") == 0))
		snprintf(path, sizeof path, "%s", name);
	else {
		char dir[4000];
		if (datadir_path(dir, sizeof dir, "scenarios") < 0)
			die("no scenario directory: %s", dir);
		snprintf(path, sizeof path, "%s/%s.tcpviz", dir, name);
	}
	if (scenario_load(sc, path, &err) < 0) {
		char msg[1024];
		tv_error_format(&err, msg, sizeof msg);
		die("%s", msg);
	}
}

int main(int argc, char **argv)
{
	const char *side = NULL, *eps[3] = { NULL, NULL, NULL };
	const char *sets[64];
	int nsets = 0;
	bool planning = false;
	t0 = now();

	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];
		if (strcmp(o, "--plan") == 0) {
			planning = true;
			continue;
		}
		if (i + 1 == argc)
			usage();
		const char *v = argv[++i];
		if (strcmp(o, "--side") == 0)
			side = v;
		else if (strcmp(o, "--client") == 0)
			eps[SIDE_CLIENT] = v;
		else if (strcmp(o, "--server") == 0)
			eps[SIDE_SERVER] = v;
		else if (strcmp(o, "--attacker") == 0)
			eps[SIDE_ATTACKER] = v;
		else if (strcmp(o, "--t0") == 0)
			t0 = strtod(v, NULL);
		else if (strcmp(o, "--set") == 0 && nsets < 64)
			sets[nsets++] = v;
		else
			usage();
	}
	if (i + 1 != argc || (!planning && !side))
		usage();

	struct scenario sc;
	load(&sc, argv[i]);
	struct player p = { .listener = -1, .conn = -1 };
	struct tv_error err;
	if (profile_init(&p.prof, "linux", &err) < 0)
		die("%s", err.msg);
	for (size_t k = 0; k < sc.nsets; k++)
		if (profile_set(&p.prof, sc.sets[k], &err) < 0)
			die("%s", err.msg);
	for (int k = 0; k < nsets; k++)
		if (profile_set(&p.prof, sets[k], &err) < 0)
			die("%s", err.msg);
	if (planning) {
		plan(&sc, &p.prof, sets, nsets);
		scenario_free(&sc);
		return 0;
	}

	struct endpoint attacker = sc.attacker;
	p.ep[SIDE_CLIENT] = sc.ep[SIDE_CLIENT];
	p.ep[SIDE_SERVER] = sc.ep[SIDE_SERVER];
	for (int s = 0; s < 3; s++)
		if (eps[s])
			parse_ep(eps[s], s == SIDE_ATTACKER ? &attacker : &p.ep[s]);
	setvbuf(stdout, NULL, _IOLBF, 0);

	who = side;
	if (strcmp(side, "attacker") == 0) {
		if (!sc.has_attacker)
			die("the scenario has no attacker");
		attack(&sc, &attacker, &p.ep[SIDE_SERVER]);
	} else if (strcmp(side, "client") == 0 || strcmp(side, "server") == 0) {
		p.side = strcmp(side, "client") == 0 ? SIDE_CLIENT : SIDE_SERVER;
		play(&p, &sc);
	} else
		usage();
	scenario_free(&sc);
	printf("done\n");
	for (;;)
		pause();
}
