/*
 * engine.c: the simulation around TCP: the virtual clock and its event
 * queue, the table of TCBs, ISNs, the scripted applications, and the
 * public and test entry points of engine.h.  What TCP does with a segment
 * or a timer lives in tcp_input.c, tcp_output.c and tcp_timer.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

#define SEC 1000000LL
#define DEFAULT_LIMIT (4 * 3600 * SEC)

/* ---- Event queue: a binary heap ordered by (time, queueing order) ---- */

static bool ev_before(const struct event *a, const struct event *b)
{
	return a->t != b->t ? a->t < b->t : a->order < b->order;
}

void engine_push(struct engine *e, const struct event *ev)
{
	if (e->nheap == e->capheap) {
		e->capheap = e->capheap ? 2 * e->capheap : 64;
		e->heap = realloc(e->heap, e->capheap * sizeof *e->heap);
		if (!e->heap)
			abort();
	}
	size_t i = e->nheap++;
	e->heap[i] = *ev;
	e->heap[i].order = e->order++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!ev_before(&e->heap[i], &e->heap[parent]))
			break;
		struct event tmp = e->heap[i];
		e->heap[i] = e->heap[parent];
		e->heap[parent] = tmp;
		i = parent;
	}
}

static void heap_pop(struct engine *e, struct event *out)
{
	*out = e->heap[0];
	e->heap[0] = e->heap[--e->nheap];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, min = i;
		if (l < e->nheap && ev_before(&e->heap[l], &e->heap[min]))
			min = l;
		if (r < e->nheap && ev_before(&e->heap[r], &e->heap[min]))
			min = r;
		if (min == i)
			break;
		struct event tmp = e->heap[i];
		e->heap[i] = e->heap[min];
		e->heap[min] = tmp;
		i = min;
	}
}

/* ---- TCBs ---- */

struct tcb *tcb_new(struct engine *e, int host)
{
	if (e->ntcbs == e->captcbs) {
		e->captcbs = e->captcbs ? 2 * e->captcbs : 16;
		e->tcbs = realloc(e->tcbs, (size_t)e->captcbs * sizeof *e->tcbs);
		if (!e->tcbs)
			abort();
	}
	struct tcb *t = calloc(1, sizeof *t);
	if (!t)
		abort();
	t->handle = e->ntcbs;
	t->host = host;
	t->state = TCP_CLOSED;
	t->listener = -1;
	t->snd_wscale = t->rcv_wscale = -1;
	t->snd_mss = 536;	/* RFC 9293 3.7.1: the default without an option */
	t->rcv_wnd = e->prof.rcv_wnd;
	t->rto = e->prof.rto_initial;
	t->quick = e->prof.quickack;
	t->last_data_rcvd = -1;
	t->error = APP_PENDING;
	t->ts_offset = 0;	/* set per address pair when the peer is known */
	t->same_key = -1;
	for (int i = 0; i < TIMER_NKINDS; i++)
		t->timer[i] = NEVER;
	e->tcbs[e->ntcbs++] = t;
	return t;
}

struct tcb *tcb_get(const struct engine *e, int handle)
{
	return handle >= 0 && handle < e->ntcbs ? e->tcbs[handle] : NULL;
}

/* ---- TCB lookups: hash tables (engine_internal.h) ---- */

/* FNV-1a over what tells an endpoint apart, continuing from h. */
static uint32_t ep_hash(const struct endpoint *ep, uint32_t h)
{
	size_t n = ep->family == 4 ? 4 : 16;
	h = (h ^ ep->family) * 16777619u;
	h = (h ^ ep->port) * 16777619u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ ep->addr[i]) * 16777619u;
	return h;
}

/* MurmurHash3's finaliser: the tables use the low bits. */
static uint32_t hash_mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

static uint32_t tcb_key_hash(int host, uint16_t lport,
    const struct endpoint *remote)
{
	return hash_mix(ep_hash(remote, (2166136261u ^ (uint32_t)host) *
	    16777619u ^ lport));
}

/* The slot of key (host, lport, remote): holding its newest TCB, or the
 * empty slot where it would go. */
static size_t tcb_slot_of(const struct engine *e, int host, uint16_t lport,
    const struct endpoint *remote)
{
	size_t mask = e->ntcb_slot - 1;
	size_t i = tcb_key_hash(host, lport, remote) & mask;
	for (; e->tcb_slot[i] != 0; i = (i + 1) & mask) {
		const struct tcb *t = e->tcbs[e->tcb_slot[i] - 1];
		if (t->host == host && t->local.port == lport &&
		    endpoint_eq(&t->remote, remote))
			break;
	}
	return i;
}

/* Twice as many slots, at most half of them used. */
static void tcb_rehash(struct engine *e)
{
	uint32_t *old = e->tcb_slot;
	size_t nold = e->ntcb_slot;
	e->ntcb_slot = nold ? 2 * nold : 256;
	e->tcb_slot = calloc(e->ntcb_slot, sizeof *e->tcb_slot);
	if (!e->tcb_slot)
		abort();
	for (size_t k = 0; k < nold; k++) {
		if (old[k] == 0)
			continue;
		const struct tcb *t = e->tcbs[old[k] - 1];
		e->tcb_slot[tcb_slot_of(e, t->host, t->local.port, &t->remote)] =
		    old[k];
	}
	free(old);
}

void tcb_set_endpoints(struct engine *e, struct tcb *t,
    const struct endpoint *local, const struct endpoint *remote)
{
	t->local = *local;
	t->remote = *remote;
	if ((e->ntcb_keys + 1) * 2 > e->ntcb_slot)
		tcb_rehash(e);
	size_t i = tcb_slot_of(e, t->host, t->local.port, &t->remote);
	if (e->tcb_slot[i] == 0) {
		e->tcb_slot[i] = (uint32_t)t->handle + 1;
		e->ntcb_keys++;
		return;
	}
	/* The chain runs newest first, as the handles do. */
	int newest = (int)e->tcb_slot[i] - 1;
	if (t->handle > newest) {
		t->same_key = newest;
		e->tcb_slot[i] = (uint32_t)t->handle + 1;
		return;
	}
	struct tcb *p = e->tcbs[newest];
	while (p->same_key > t->handle)
		p = e->tcbs[p->same_key];
	t->same_key = p->same_key;
	p->same_key = t->handle;
}

/* The live connection on `host` that seg (arriving there) belongs to:
 * the newest with its key that is neither closed nor listening. */
struct tcb *tcb_lookup(const struct engine *e, int host, const struct segment *seg)
{
	if (e->ntcb_slot == 0)
		return NULL;
	uint32_t h = e->tcb_slot[tcb_slot_of(e, host, seg->dst.port, &seg->src)];
	for (int i = (int)h - 1; i >= 0; i = e->tcbs[i]->same_key) {
		struct tcb *t = e->tcbs[i];
		if (t->state != TCP_CLOSED && t->state != TCP_LISTEN)
			return t;
	}
	return NULL;
}

/* The oldest listening socket of host's on port.  Only listen() makes
 * listeners; a passive child is in LISTEN only for a moment, when
 * child_new() makes it or tcb_drop_child() forgets it, and nothing
 * looks then. */
struct tcb *tcb_listener(const struct engine *e, int host, uint16_t port)
{
	const struct host *h = &e->hosts[host];
	for (size_t i = 0; i < h->nlisteners; i++) {
		struct tcb *t = e->tcbs[h->listeners[i]];
		if (t->state == TCP_LISTEN && t->local.port == port)
			return t;
	}
	return NULL;
}

void tcb_accept_push(struct tcb *l, const struct tcb *c)
{
	/* Drop the entries already taken before growing. */
	if (l->accq_head > 0 && l->naccq == l->capaccq) {
		l->naccq -= l->accq_head;
		memmove(l->accq, l->accq + l->accq_head,
		    l->naccq * sizeof *l->accq);
		l->accq_head = 0;
	}
	if (l->naccq == l->capaccq) {
		l->capaccq = l->capaccq ? 2 * l->capaccq : 16;
		l->accq = realloc(l->accq, l->capaccq * sizeof *l->accq);
		if (!l->accq)
			abort();
	}
	l->accq[l->naccq++] = (struct tcb_accepted){ c->handle, c->queued_order };
}

void tcb_set_state(struct engine *e, struct tcb *t, enum tcp_state to,
    const char *cause)
{
	if (t->state == to)
		return;
	trace_add_state(e->tr, e->now, t->conn, t->side, t->state, to, cause);
	t->state = to;
	engine_cue(e, WHEN_STATE, t->host, to, ++e->entered[t->host][to], t->conn,
	    t->side);
}

static void queue_leave(struct engine *e, struct tcb *t)
{
	struct tcb *l = tcb_get(e, t->listener);
	if (l && t->queue == Q_SYN)
		l->syn_q--;
	else if (l && t->queue == Q_ACCEPT)
		l->acc_q--;
	t->queue = Q_NONE;
}

void tcb_close(struct engine *e, struct tcb *t, const char *cause, int error)
{
	timer_cancel_all(e, t);
	queue_leave(e, t);
	tcb_set_state(e, t, TCP_CLOSED, cause);
	if (!t->orphan && error != APP_PENDING)
		t->error = error;
}

void tcb_drop_child(struct engine *e, struct tcb *t, const char *cause)
{
	timer_cancel_all(e, t);
	queue_leave(e, t);
	tcb_set_state(e, t, TCP_LISTEN, cause);
	t->state = TCP_CLOSED;	/* the listener lives on; this TCB does not */
}

/* ---- Identities: ISNs and connection ids ---- */

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t fourtuple_hash(uint64_t secret, const struct endpoint *a,
    const struct endpoint *b)
{
	uint64_t h = secret;
	for (int i = 0; i < 16; i++)
		h = mix64(h ^ ((uint64_t)a->addr[i] << 8 | b->addr[i]));
	return mix64(h ^ ((uint64_t)a->port << 16 | b->port));
}

/*
 * RFC 6528: ISN = M + F(4-tuple, secret), M a clock.  The textbook clock
 * ticks every 4 us; Linux uses nanoseconds / 64.  Both make a new
 * incarnation of a four-tuple start above the old one.
 */
uint32_t engine_isn(struct engine *e, int host, const struct endpoint *local,
    const struct endpoint *remote)
{
	if (e->sc && e->sc->fixed_isn)
		return e->sc->isn[host];
	uint64_t clock = e->prof.rto_linux ? (uint64_t)e->now * 1000 / 64
					   : (uint64_t)e->now / 4;
	return (uint32_t)(fourtuple_hash(e->secret, local, remote) + clock);
}

/*
 * RFC 7323's timestamp offset.  Linux (secure_tcp_ts_off) keys it on the
 * two addresses only, not the ports, so every incarnation between two
 * hosts shares one clock: PAWS can then reject an old duplicate from a
 * previous connection.
 */
uint32_t engine_ts_offset(const struct engine *e, const struct endpoint *local,
    const struct endpoint *remote)
{
	struct endpoint a = *local, b = *remote;
	a.port = b.port = 0;
	return (uint32_t)fourtuple_hash(e->secret ^ 0x7473ULL, &a, &b);
}

/* The trace connection a new SYN from `client` to `server` starts. */
int engine_conn_for(struct engine *e, const struct endpoint *client,
    const struct endpoint *server)
{
	return trace_add_conn(e->tr, client, server);
}

void engine_app_event(struct engine *e, const struct tcb *t, int host,
    int call, int result, uint32_t arg)
{
	int conn = t ? t->conn : 0;
	int side = t && t->conn ? t->side : host;
	trace_add_app(e->tr, e->now, conn, side, call, result, arg);
}

/* ---- Applications ---- */

/* The application now holds t: it will be told what becomes of it. */
static void own(struct engine *e, int host, struct tcb *t)
{
	struct host *h = &e->hosts[host];
	if (h->nowned == h->capowned) {
		h->capowned = h->capowned ? 2 * h->capowned : 8;
		h->owned = realloc(h->owned, h->capowned * sizeof *h->owned);
		if (!h->owned)
			abort();
	}
	h->owned[h->nowned++] = t->handle;
	h->app_sock = t->handle;
}

static struct tcb *app_sock(struct engine *e, int host)
{
	return tcb_get(e, e->hosts[host].app_sock);
}

/* States as bits (1u << state), for tcb_on_fourtuple(). */
#define STATES_LIVE (~(1u << TCP_CLOSED | 1u << TCP_LISTEN))

/* The newest socket of host's on this four-tuple whose state is one of
 * `states`. */
static struct tcb *tcb_on_fourtuple(const struct engine *e, int host,
    const struct endpoint *local, const struct endpoint *remote,
    unsigned states)
{
	if (e->ntcb_slot == 0)
		return NULL;
	uint32_t h = e->tcb_slot[tcb_slot_of(e, host, local->port, remote)];
	for (int i = (int)h - 1; i >= 0; i = e->tcbs[i]->same_key) {
		struct tcb *t = e->tcbs[i];
		if ((states & 1u << t->state) && endpoint_eq(&t->local, local))
			return t;
	}
	return NULL;
}

/* connect(), from `port` if not 0; with fastopen > 0 bytes it is
 * sendto(MSG_FASTOPEN) of that many bytes. */
static struct tcb *app_connect(struct engine *e, int host, uint16_t port,
    uint32_t fastopen)
{
	struct host *h = &e->hosts[host];
	struct endpoint local = h->ep;
	if (port)
		local.port = port;
	/* A live socket already on this four-tuple (TIME_WAIT too)? */
	if (tcb_on_fourtuple(e, host, &local, &e->hosts[!host].ep,
	    STATES_LIVE)) {
		/* The old incarnation (often in TIME_WAIT) still owns these
		 * ports; Linux's connect() says EADDRNOTAVAIL, bind() without
		 * SO_REUSEADDR EADDRINUSE: either way, no SYN leaves. */
		engine_app_event(e, NULL, host, APP_CONNECT, APP_PENDING, 0);
		engine_app_event(e, NULL, host, APP_CONNECT, APP_EADDRINUSE, 0);
		return NULL;
	}
	struct tcb *t = tcb_new(e, host);
	tcb_set_endpoints(e, t, &local, &e->hosts[!host].ep);
	t->ts_offset = engine_ts_offset(e, &t->local, &t->remote);

	/* Simultaneous open: the peer's SYN_SENT socket for the mirrored
	 * four-tuple already has a connection id; this is its other end. */
	struct tcb *p = tcb_on_fourtuple(e, !host, &t->remote, &t->local,
	    1u << TCP_SYN_SENT);
	if (p) {
		t->conn = p->conn;
		t->side = !p->side;
	} else {
		t->conn = engine_conn_for(e, &t->local, &t->remote);
		t->side = SIDE_CLIENT;
	}
	own(e, host, t);
	engine_app_event(e, t, host, fastopen ? APP_FASTOPEN : APP_CONNECT,
	    APP_PENDING, fastopen);
	t->iss = engine_isn(e, host, &t->local, &t->remote);
	t->snd_una = t->iss;
	t->snd_nxt = t->iss + 1;
	t->snd_end = t->iss + 1 + fastopen;
	t->tfo_syn = fastopen > 0 && (e->prof.fastopen & 1);
	tcb_set_state(e, t, TCP_SYN_SENT, "connect");
	t->syn_first = e->now;
	tcp_send_syn(e, t, 0);
	return t;
}

/*
 * Would bind() to host's port conflict with a connection still using it?
 * Linux (inet_csk_bind_conflict) lets it pass only when BOTH sockets set
 * SO_REUSEADDR: the new one, and the old one, whose TIME_WAIT entry
 * inherited the flag from the listener that accepted it.  A scan, not a
 * hash lookup: the tables are keyed by the peer too, which this question
 * leaves open, and it is asked once a listen(), not once a segment.
 */
static bool port_held(const struct engine *e, int host, bool reuse)
{
	for (int i = 0; i < e->ntcbs; i++) {
		const struct tcb *t = e->tcbs[i];
		if (t->host == host && t->state != TCP_CLOSED &&
		    t->state != TCP_LISTEN && t->local.port == e->hosts[host].ep.port &&
		    !(reuse && t->reuse))
			return true;
	}
	return false;
}

static void app_listen(struct engine *e, int host, uint32_t backlog)
{
	struct host *h = &e->hosts[host];
	struct tcb *t = tcb_new(e, host);
	t->local = h->ep;
	t->side = host;
	int somax = e->prof.somaxconn;
	t->backlog = (int)backlog < somax ? (int)backlog : somax;
	h->listen_sock = h->app_sock = t->handle;
	engine_app_event(e, t, host, APP_LISTEN, APP_PENDING, backlog);
	t->reuse = h->reuseaddr;
	h->reuseaddr = false;	/* an option of this socket, not of the host */
	if (tcb_listener(e, host, h->ep.port) || port_held(e, host, t->reuse)) {
		/* A port is not free while any of its connections lingers,
		 * TIME_WAIT included: a restarted server cannot bind until
		 * they are gone, unless it and they all allow reuse. */
		engine_app_event(e, t, host, APP_LISTEN, APP_EADDRINUSE, backlog);
		h->listen_sock = h->app_sock = -1;
		return;
	}
	tcb_set_state(e, t, TCP_LISTEN, "listen");
	if (h->nlisteners == h->caplisteners) {
		h->caplisteners = h->caplisteners ? 2 * h->caplisteners : 4;
		h->listeners = realloc(h->listeners,
		    h->caplisteners * sizeof *h->listeners);
		if (!h->listeners)
			abort();
	}
	h->listeners[h->nlisteners++] = t->handle;
}

/*
 * The oldest connection in the accept queue of host's listener: the
 * first entry of its FIFO that is still there.  Entries go in with
 * increasing queued_order, so that is the one with the lowest; stale
 * ones at the front (taken, closed) never come back and go.
 */
static struct tcb *accept_ready(struct engine *e, int host)
{
	int l = e->hosts[host].listen_sock;
	struct tcb *lt = tcb_get(e, l);
	if (!lt)
		return NULL;
	for (; lt->accq_head < lt->naccq; lt->accq_head++) {
		const struct tcb_accepted *a = &lt->accq[lt->accq_head];
		struct tcb *t = e->tcbs[a->handle];
		if (t->listener == l && t->queue == Q_ACCEPT &&
		    t->queued_order == a->order)
			return t;
	}
	return NULL;
}

static void app_close(struct engine *e, int host, struct tcb *t, bool full)
{
	int call = full ? APP_CLOSE : APP_SHUTDOWN;
	engine_app_event(e, t, host, call, APP_PENDING, 0);
	if (full)
		e->hosts[host].app_sock = -1;
	if (!t || t->state == TCP_CLOSED)
		return;
	if (full)
		t->orphan = true;

	switch (t->state) {
	case TCP_LISTEN:
		if (!full)
			return;
		/* Queued connections die with their listener: established
		 * ones are reset, half-open ones forgotten (as Linux does). */
		for (int i = 0; i < e->ntcbs; i++) {
			struct tcb *c = e->tcbs[i];
			if (c->listener != t->handle || c->queue == Q_NONE)
				continue;
			if (c->queue == Q_ACCEPT)
				tcp_send_reset(e, c);
			tcb_close(e, c, "listener-closed", APP_PENDING);
		}
		tcb_set_state(e, t, TCP_CLOSED, "close");
		if (e->hosts[host].listen_sock == t->handle)
			e->hosts[host].listen_sock = -1;
		return;
	case TCP_SYN_SENT:
		tcb_close(e, t, full ? "close" : "shutdown", APP_PENDING);
		return;
	default:
		break;
	}
	if (full && t->unread > 0 && tcp_state_synchronized(t->state)) {
		/* RFC 2525 2.17: unread data means the peer's work was lost;
		 * say so with a RST instead of a polite FIN. */
		tcp_send_reset(e, t);
		tcb_close(e, t, "close-unread-data", APP_PENDING);
		return;
	}
	if (t->fin_queued) {
		/* Already shut down for writing; close() only orphans it. */
		if (full && t->state == TCP_FIN_WAIT_2 && e->prof.fin_timeout > 0)
			timer_arm(e, t, TIMER_FIN_WAIT_2, e->prof.fin_timeout);
		return;
	}
	t->fin_queued = true;
	if (t->state == TCP_CLOSE_WAIT)
		tcb_set_state(e, t, TCP_LAST_ACK, full ? "close" : "shutdown");
	else
		tcb_set_state(e, t, TCP_FIN_WAIT_1, full ? "close" : "shutdown");
	tcp_output(e, t);
}

static void app_abort(struct engine *e, int host, struct tcb *t)
{
	engine_app_event(e, t, host, APP_ABORT, APP_PENDING, 0);
	e->hosts[host].app_sock = -1;
	if (!t || t->state == TCP_CLOSED)
		return;
	t->orphan = true;
	if (t->state == TCP_LISTEN) {
		tcb_set_state(e, t, TCP_CLOSED, "abort");
		return;
	}
	if (t->state != TCP_SYN_SENT && t->state != TCP_TIME_WAIT)
		tcp_send_reset(e, t);
	tcb_close(e, t, "abort", APP_PENDING);
}

static void app_crash(struct engine *e, int host)
{
	engine_app_event(e, NULL, host, APP_CRASH, APP_PENDING, 0);
	for (int i = 0; i < e->ntcbs; i++) {
		struct tcb *t = e->tcbs[i];
		if (t->host != host || t->state == TCP_CLOSED)
			continue;
		t->orphan = true;
		timer_cancel_all(e, t);
		t->queue = Q_NONE;
		tcb_set_state(e, t, TCP_CLOSED, "crash");
	}
	e->hosts[host].app_sock = e->hosts[host].listen_sock = -1;
}

/*
 * A server application that holds no connection (only its listener, or
 * nothing since it closed the last one) is one that would accept().
 */
static bool accepting(struct engine *e, int host)
{
	struct tcb *t = app_sock(e, host);
	struct tcb *l = tcb_get(e, e->hosts[host].listen_sock);
	return l && l->state == TCP_LISTEN && (!t || t == l);
}

/* recv(): what a blocking read would return now; false while it waits.
 * A connection that has ended returns at once (its error is reported
 * by report_results). */
static bool try_recv(struct engine *e, int host)
{
	struct tcb *t = app_sock(e, host);
	if (!t || t->state == TCP_LISTEN)
		return true;
	if (t->unread > 0) {
		engine_app_event(e, t, host, APP_RECV, APP_OK, t->unread);
		t->unread = 0;
		return true;
	}
	if (t->fin_received && !t->eof_read) {
		t->eof_read = true;
		engine_app_event(e, t, host, APP_RECV, APP_OK, 0);
		return true;
	}
	return t->state == TCP_CLOSED;
}

/* accept(): take the oldest established connection, if there is one. */
static bool try_accept(struct engine *e, int host)
{
	struct tcb *c = accept_ready(e, host);
	if (!c)
		return false;
	queue_leave(e, c);
	c->connected_seen = true;
	own(e, host, c);
	engine_app_event(e, c, host, APP_ACCEPT, APP_OK, 0);
	return true;
}

/* The application on host makes `call`; port is fastopen's local port. */
static void app_call(struct engine *e, int host, int call, uint32_t arg,
    uint16_t port)
{
	struct tcb *t = app_sock(e, host);
	switch (call) {
	case APP_LISTEN:
		app_listen(e, host, arg);
		break;
	case APP_CONNECT:
		app_connect(e, host, (uint16_t)arg, 0);
		break;
	case APP_FASTOPEN:
		app_connect(e, host, port, arg);
		break;
	case APP_ACCEPT:
		/* Scripts accept in script_run_step (it may block); a bare
		 * engine's test accepts at once if it can. */
		engine_app_event(e, NULL, host, APP_ACCEPT, APP_PENDING, 0);
		try_accept(e, host);
		break;
	case APP_SEND:
		engine_app_event(e, t, host, APP_SEND, APP_PENDING, arg);
		/* In SYN_SENT the data waits for the handshake, and then
		 * rides on the third segment. */
		if (!t || t->state == TCP_CLOSED || t->state == TCP_LISTEN ||
		    t->fin_queued) {
			engine_app_event(e, t, host, APP_SEND, APP_EPIPE, arg);
			break;
		}
		t->snd_end += arg;
		tcp_output(e, t);
		break;
	case APP_RECV:
		try_recv(e, host);
		break;
	case APP_SHUTDOWN:
	case APP_CLOSE:
		/* With no connection left, close() closes the listener
		 * (a server program shutting down). */
		if (!t && call == APP_CLOSE)
			t = tcb_get(e, e->hosts[host].listen_sock);
		app_close(e, host, t, call == APP_CLOSE);
		break;
	case APP_ABORT:
		app_abort(e, host, t);
		break;
	case APP_CRASH:
		app_crash(e, host);
		break;
	case APP_REUSEADDR:
		engine_app_event(e, t, host, APP_REUSEADDR, APP_PENDING, 0);
		e->hosts[host].reuseaddr = true;
		break;
	case APP_KEEPALIVE:
		engine_app_event(e, t, host, APP_KEEPALIVE, APP_PENDING, 0);
		if (t) {
			t->keepalive = true;
			if (t->state == TCP_ESTABLISHED)
				timer_keepalive_reset(e, t);
		}
		break;
	}
}

/* Tell the application what happened to one connection, once. */
static void report_one(struct engine *e, int host, struct tcb *t)
{
	if (!t->connected_seen && tcp_state_synchronized(t->state) && !t->passive) {
		t->connected_seen = true;
		engine_app_event(e, t, host, APP_CONNECT, APP_OK, 0);
	}
	if (t->error != APP_PENDING) {
		/* A reset after the peer's FIN shows up on the next write. */
		int call = t->error == APP_EPIPE ? APP_SEND :
		    t->connected_seen || t->passive ? APP_RECV : APP_CONNECT;
		engine_app_event(e, t, host, call, t->error, 0);
		t->error = APP_PENDING;	/* reported; not again */
	}
}

/* ... for every connection the application still holds; those it has
 * closed, or that have ended and been reported, drop off the list. */
static void report_results(struct engine *e, int host)
{
	struct host *h = &e->hosts[host];
	size_t kept = 0;
	for (size_t i = 0; i < h->nowned; i++) {
		struct tcb *t = tcb_get(e, h->owned[i]);
		if (t->orphan)
			continue;
		report_one(e, host, t);
		if (t->state != TCP_CLOSED)
			h->owned[kept++] = h->owned[i];
	}
	h->nowned = kept;
}

/* Is the next step's trigger satisfied now?  Accepts as a side effect,
 * like a blocking accept() returning. */
static bool step_ready(struct engine *e, int host, const struct scen_step *s)
{
	struct tcb *t = app_sock(e, host);
	switch (s->trigger) {
	case TRIG_AT:
	case TRIG_AFTER:
		return true;
	case TRIG_CONNECTED:
		if (accepting(e, host))
			return try_accept(e, host);
		return t && t->connected_seen;
	case TRIG_DATA:
		if (!t || t->unread == 0)
			return false;
		engine_app_event(e, t, host, APP_RECV, APP_OK, t->unread);
		t->unread = 0;
		return true;
	case TRIG_EOF:
		if (!t || !t->fin_received || t->eof_read)
			return false;
		if (t->unread)
			engine_app_event(e, t, host, APP_RECV, APP_OK, t->unread);
		t->unread = 0;
		t->eof_read = true;
		engine_app_event(e, t, host, APP_RECV, APP_OK, 0);
		return true;
	case TRIG_CLOSED:
		return t && t->state == TCP_CLOSED;
	}
	return false;
}

/* Queue the next step of host's script if its trigger has come. */
static void script_poll(struct engine *e, int host)
{
	struct host *h = &e->hosts[host];
	if (!e->sc || h->step_queued)
		return;
	if (h->blocked) {
		bool done = e->sc->steps[h->next_step].call == APP_ACCEPT ?
		    try_accept(e, host) : try_recv(e, host);
		if (!done)
			return;
		h->blocked = false;
		h->next_step++;
	}
	while (h->next_step < e->sc->nsteps &&
	    e->sc->steps[h->next_step].side != host)
		h->next_step++;
	if (h->next_step >= e->sc->nsteps)
		return;
	const struct scen_step *s = &e->sc->steps[h->next_step];
	if (!step_ready(e, host, s))
		return;
	struct event ev = { .kind = EV_STEP, .side = (uint8_t)host };
	ev.t = s->trigger == TRIG_AT ? (s->delay > e->now ? s->delay : e->now)
				     : e->now + s->delay;
	h->step_queued = true;
	engine_push(e, &ev);
}

static void script_run_step(struct engine *e, int host)
{
	struct host *h = &e->hosts[host];
	const struct scen_step *s = &e->sc->steps[h->next_step];
	h->step_queued = false;
	/* accept() and recv() block until there is something to return,
	 * unless the trigger ("on connected", "on data") already waited. */
	bool accepts = s->call == APP_ACCEPT && s->trigger != TRIG_CONNECTED;
	if (accepts || s->call == APP_RECV) {
		if (accepts ? !try_accept(e, host) : !try_recv(e, host)) {
			engine_app_event(e, app_sock(e, host), host, s->call,
			    APP_PENDING, 0);
			h->blocked = true;
			return;
		}
	}
	h->next_step++;
	if (s->call != APP_ACCEPT && s->call != APP_RECV)
		app_call(e, host, s->call, s->arg, s->port);
}

/* ---- Narration and checkpoints ---- */

void engine_cue(struct engine *e, int kind, int host, int what, uint32_t n,
    int conn, int side)
{
	for (size_t i = 0; i < e->ncues; i++) {
		struct cue *c = &e->cues[i];
		const struct scen_when *w = c->when;
		if (c->matched || w->kind != kind || (kind != WHEN_TIME &&
		    (w->side != host || w->nth != n)))
			continue;
		if ((kind == WHEN_SEGMENT && w->seg_kind != what) ||
		    (kind == WHEN_STATE && w->state != what) ||
		    (kind == WHEN_TIMER && w->timer != what) ||
		    (kind == WHEN_TIME && (size_t)what != i))
			continue;
		c->matched = true;
		if (c->text)
			trace_add_narration(e->tr, e->now, conn, side, c->text[0],
			    c->text[1]);
		else
			trace_add_checkpoint(e->tr, e->now, conn, side,
			    (const char *const *)c->ckpt->ask,
			    (const char *const *)c->ckpt->answer);
	}
}

static void add_cue(struct engine *e, const struct scen_when *w,
    const char *const *text, const struct scen_checkpoint *ckpt, int line,
    int col)
{
	e->cues = realloc(e->cues, (e->ncues + 1) * sizeof *e->cues);
	if (!e->cues)
		abort();
	e->cues[e->ncues] = (struct cue){ .when = w, .text = text, .ckpt = ckpt,
					  .line = line, .col = col };
	if (w->kind == WHEN_TIME) {
		struct event ev = { .t = w->t, .kind = EV_CUE,
				    .index = (uint32_t)e->ncues };
		engine_push(e, &ev);
	}
	e->ncues++;
}

/* ---- The attacker: a third host that only sends forged segments ---- */

int engine_host_at(const struct engine *e, const struct endpoint *addr)
{
	for (int i = 0; i < 2; i++)
		if (e->hosts[i].ep.family == addr->family &&
		    memcmp(e->hosts[i].ep.addr, addr->addr, 16) == 0)
			return i;
	return -1;
}

/* The same for either order of the two endpoints. */
static uint32_t pair_hash(const struct endpoint *a, const struct endpoint *b)
{
	return hash_mix(ep_hash(a, 2166136261u) + ep_hash(b, 2166136261u));
}

static bool conn_joins(const struct trace_conn *c, const struct endpoint *a,
    const struct endpoint *b)
{
	return (endpoint_eq(&c->ep[0], a) && endpoint_eq(&c->ep[1], b)) ||
	    (endpoint_eq(&c->ep[1], a) && endpoint_eq(&c->ep[0], b));
}

/* The slot of the pair (a, b) in conn_slot: its newest connection's, or
 * the empty one where it would go. */
static size_t conn_slot_of(const struct engine *e, const struct endpoint *a,
    const struct endpoint *b)
{
	size_t mask = e->nconn_slot - 1, i = pair_hash(a, b) & mask;
	while (e->conn_slot[i] != 0 &&
	    !conn_joins(&e->tr->conns[e->conn_slot[i] - 1], a, b))
		i = (i + 1) & mask;
	return i;
}

/* Index the trace's connections added since the last call (any of the
 * engine's paths adds them; their endpoints never change). */
static void conn_index(struct engine *e)
{
	const struct trace *tr = e->tr;
	if (tr->nconns * 2 >= e->nconn_slot) {
		size_t n = e->nconn_slot ? e->nconn_slot : 256;
		while (tr->nconns * 2 >= n)
			n *= 2;
		free(e->conn_slot);
		e->conn_slot = calloc(n, sizeof *e->conn_slot);
		if (!e->conn_slot)
			abort();
		e->nconn_slot = n;
		e->conn_indexed = 0;
	}
	/* Later ones take the slot: the newest wins. */
	for (; e->conn_indexed < tr->nconns; e->conn_indexed++) {
		const struct trace_conn *c = &tr->conns[e->conn_indexed];
		e->conn_slot[conn_slot_of(e, &c->ep[0], &c->ep[1])] =
		    (uint32_t)c->id;
	}
}

/* The newest trace connection between these endpoints, or a new one
 * (with `from` as its client); *side is from's side in it. */
static int conn_between(struct engine *e, const struct endpoint *from,
    const struct endpoint *to, int *side)
{
	conn_index(e);
	uint32_t id = e->conn_slot[conn_slot_of(e, from, to)];
	if (id != 0) {
		const struct trace_conn *c = &e->tr->conns[id - 1];
		for (int s = 0; s < 2; s++)
			if (endpoint_eq(&c->ep[s], from) && endpoint_eq(&c->ep[!s], to)) {
				*side = s;
				return c->id;
			}
	}
	*side = SIDE_CLIENT;
	return trace_add_conn(e->tr, from, to);
}

static void attack_send(struct engine *e, struct segment *seg, int dir)
{
	int side;
	int conn = conn_between(e, &seg->src, &seg->dst, &side);
	int64_t arrive = e->now + e->prof.delay[dir];
	uint32_t n = trace_add_segment(e->tr, e->now, conn, side, seg, arrive,
	    NOTE_FORGED)->n;
	if (!e->deliver)
		return;
	struct event ev = {
		.t = arrive, .kind = EV_ARRIVE, .side = (uint8_t)side,
		.host = engine_host_at(e, &seg->dst), .conn = conn, .n = n,
		.seg = *seg,
	};
	engine_push(e, &ev);
}

static void attack_fire(struct engine *e, const struct scen_attack *a)
{
	const struct scenario *sc = e->sc;
	struct segment s;
	memset(&s, 0, sizeof s);
	if (a->kind == ATTACK_FORGE) {
		s.src = sc->ep[a->from_side];
		s.dst = sc->ep[!a->from_side];
		s.flags = a->flags;
		s.seq = a->seq + (a->seq_isn >= 0 ? sc->isn[a->seq_isn] : 0);
		s.ack = a->ack + (a->ack_isn >= 0 ? sc->isn[a->ack_isn] : 0);
		s.len = a->len;
		s.win = 502;
		attack_send(e, &s, a->from_side);
		return;
	}
	/* A flood SYN: a made-up source near the attacker's own address,
	 * so that every SYN-ACK goes to nobody. */
	s.src = sc->attacker;
	int last = sc->attacker.family == 4 ? 3 : 15;
	uint32_t r = rng_u32(&e->rng);
	s.src.addr[last - 1] = (uint8_t)(r >> 24);
	s.src.addr[last] = (uint8_t)(r >> 16) | 1;
	s.src.port = (uint16_t)(1024 + (r & 0xffff) % 64000);
	s.dst = sc->ep[SIDE_SERVER];
	s.flags = SEG_SYN;
	s.seq = rng_u32(&e->rng);
	s.win = 64240;
	s.opt.present = SEGOPT_MSS;
	s.opt.mss = 1460;
	attack_send(e, &s, SIDE_CLIENT);
}

static void schedule_attacks(struct engine *e)
{
	for (size_t i = 0; i < e->sc->nattacks; i++) {
		const struct scen_attack *a = &e->sc->attacks[i];
		uint32_t n = a->kind == ATTACK_FORGE ? 1 : a->count;
		for (uint32_t k = 0; k < n; k++) {
			struct event ev = {
				.t = a->at + (n > 1 ? a->over * k / n : 0),
				.kind = EV_ATTACK, .index = (uint32_t)i, .count = k,
			};
			engine_push(e, &ev);
		}
	}
}

/* ---- Running ---- */

/* Process one event; false when nothing is left before the limit. */
static bool engine_step(struct engine *e, int64_t until)
{
	if (e->nheap == 0 || e->heap[0].t > until)
		return false;
	struct event ev;
	heap_pop(e, &ev);
	e->now = ev.t;
	switch (ev.kind) {
	case EV_ARRIVE:
		e->arriving = ev.n;
		if (ev.host >= 0)	/* else: addressed to nobody */
			tcp_arrive(e, ev.host, &ev.seg, ev.conn, ev.side);
		e->arriving = 0;
		break;
	case EV_CUE:
		engine_cue(e, WHEN_TIME, -1, (int)ev.index, 0, 0, SIDE_CLIENT);
		break;
	case EV_ATTACK:
		attack_fire(e, &e->sc->attacks[ev.index]);
		break;
	case EV_TIMER: {
		struct tcb *t = tcb_get(e, ev.tcb);
		if (t && t->timer[ev.timer] == ev.deadline)
			timer_fire(e, t, ev.timer);
		break;
	}
	case EV_STEP:
		script_run_step(e, ev.side);
		break;
	}
	for (int host = 0; host < 2; host++) {
		report_results(e, host);
		script_poll(e, host);
	}
	return true;
}

static struct engine *engine_alloc(const struct profile *prof, struct trace *out,
    uint64_t seed)
{
	struct engine *e = calloc(1, sizeof *e);
	if (!e)
		abort();
	e->prof = *prof;
	e->tr = out;
	e->deliver = true;
	e->limit = DEFAULT_LIMIT;
	rng_seed(&e->rng, seed);
	e->secret = rng_next(&e->rng);
	for (int i = 0; i < 2; i++)
		e->hosts[i].app_sock = e->hosts[i].listen_sock = -1;
	out->seed = seed;
	snprintf(out->profile, sizeof out->profile, "%s", prof->name);
	return e;
}

static void add_fault(struct engine *e, const struct scen_fault *f)
{
	e->faults = realloc(e->faults, (e->nfaults + 1) * sizeof *e->faults);
	if (!e->faults)
		abort();
	e->faults[e->nfaults].f = *f;
	e->faults[e->nfaults].matched = false;
	e->nfaults++;
}

struct engine *engine_new(const struct engine_opts *o, struct trace *out,
    struct tv_error *err)
{
	const struct scenario *sc = o->sc;
	if (sc->ep[0].family != sc->ep[1].family) {
		tv_error_set(err, "%s: client and server must both be IPv4 or both IPv6",
		    sc->id);
		return NULL;
	}
	struct engine *e = engine_alloc(o->prof, out, o->seed);
	e->sc = sc;
	e->altered = o->altered;
	out->altered = o->altered;
	if (o->limit > 0)
		e->limit = o->limit;
	for (int i = 0; i < 2; i++)
		e->hosts[i].ep = sc->ep[i];
	for (size_t i = 0; i < sc->nfaults; i++)
		add_fault(e, &sc->faults[i]);
	for (size_t i = 0; i < o->nfaults; i++)
		add_fault(e, &o->faults[i]);
	for (size_t i = 0; i < sc->nnarrations; i++)
		add_cue(e, &sc->narrations[i].when,
		    (const char *const *)sc->narrations[i].text, NULL,
		    sc->narrations[i].line, sc->narrations[i].col);
	for (size_t i = 0; i < sc->ncheckpoints; i++)
		add_cue(e, &sc->checkpoints[i].when, NULL, &sc->checkpoints[i],
		    sc->checkpoints[i].line, sc->checkpoints[i].col);
	schedule_attacks(e);
	snprintf(out->source, sizeof out->source, "scenario:%s", sc->id);
	out->hosts[SIDE_CLIENT] = sc->ep[SIDE_CLIENT];
	out->hosts[SIDE_SERVER] = sc->ep[SIDE_SERVER];
	for (int l = 0; l < 2; l++)
		if (sc->title[l])
			snprintf(out->title[l], sizeof out->title[l], "%s", sc->title[l]);
	trace_set_summary(out, sc->summary[0], sc->summary[1]);
	return e;
}

void engine_run(struct engine *e)
{
	for (int host = 0; host < 2; host++)
		script_poll(e, host);
	while (engine_step(e, e->limit))
		;
}

int64_t engine_now(const struct engine *e)
{
	return e->now;
}

size_t engine_unmatched(const struct engine *e, struct engine_unmatched *out,
    size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < e->nfaults; i++) {
		const struct scen_fault *f = &e->faults[i].f;
		if (e->faults[i].matched)
			continue;
		if (n < max) {
			char spec[32];
			out[n] = (struct engine_unmatched){ .line = f->line, .col = f->col };
			snprintf(out[n].what, sizeof out[n].what, "%s %s",
			    f->action == FAULT_DROP ? "drop" : "delay",
			    scen_fault_str(f, spec, sizeof spec));
		}
		n++;
	}
	for (size_t i = 0; i < e->ncues; i++) {
		const struct cue *c = &e->cues[i];
		if (c->matched || e->altered)
			continue;
		if (n < max) {
			char sel[48];
			out[n] = (struct engine_unmatched){ .line = c->line, .col = c->col };
			snprintf(out[n].what, sizeof out[n].what, "%s %s",
			    c->text ? "narrate" : "checkpoint",
			    scen_when_str(c->when, sel, sizeof sel));
		}
		n++;
	}
	return n;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	for (int i = 0; i < e->ntcbs; i++) {
		free(e->tcbs[i]->accq);
		free(e->tcbs[i]);
	}
	free(e->tcbs);
	free(e->tcb_slot);
	free(e->conn_slot);
	for (int i = 0; i < 2; i++) {
		free(e->hosts[i].owned);
		free(e->hosts[i].listeners);
	}
	free(e->heap);
	free(e->faults);
	free(e->cues);
	free(e);
}

/* ---- Bare engine for unit tests ---- */

struct engine *engine_new_bare(const struct profile *prof, struct trace *out,
    bool deliver)
{
	struct engine *e = engine_alloc(prof, out, 1);
	e->deliver = deliver;
	endpoint_parse("10.0.0.1:49152", &e->hosts[SIDE_CLIENT].ep);
	endpoint_parse("10.0.0.2:80", &e->hosts[SIDE_SERVER].ep);
	snprintf(out->source, sizeof out->source, "test");
	return e;
}

int engine_force_listen(struct engine *e, int backlog)
{
	app_listen(e, SIDE_SERVER, (uint32_t)backlog);
	return e->hosts[SIDE_SERVER].listen_sock;
}

int engine_force_conn(struct engine *e, int side, enum tcp_state st,
    uint32_t iss, uint32_t irs)
{
	if (st <= TCP_LISTEN || st >= TCP_NSTATES)
		return -1;
	struct tcb *t = tcb_new(e, side);
	tcb_set_endpoints(e, t, &e->hosts[side].ep, &e->hosts[!side].ep);
	t->side = side;
	t->conn = side == SIDE_CLIENT ? trace_add_conn(e->tr, &t->local, &t->remote)
				      : trace_add_conn(e->tr, &t->remote, &t->local);
	t->iss = iss;
	t->irs = irs;
	t->snd_una = iss + (st != TCP_SYN_SENT && st != TCP_SYN_RCVD);
	t->snd_nxt = t->snd_end = iss + 1;
	t->rcv_nxt = irs + 1;
	t->snd_wnd = e->prof.rcv_wnd;
	t->snd_mss = e->prof.mss;
	t->state = st;
	t->connected_seen = tcp_state_synchronized(st);
	own(e, side, t);

	struct tcb *l = tcb_listener(e, side, t->local.port);
	if (st == TCP_SYN_RCVD && l) {
		t->passive = true;
		t->listener = l->handle;
		t->queue = Q_SYN;
		l->syn_q++;
	}
	/* Everything from FIN_WAIT_1 on has sent a FIN, after close(). */
	if (tcp_state_fin_sent(st)) {
		t->fin_queued = t->orphan = true;
		t->snd_nxt++;
		if (st == TCP_FIN_WAIT_2 || st == TCP_TIME_WAIT)
			t->snd_una = t->snd_nxt;
	}
	if (tcp_state_fin_received(st)) {
		t->fin_received = t->eof_read = true;
		t->rcv_nxt++;
	}
	/* As if the handshake had measured one round trip of the network. */
	if (st >= TCP_ESTABLISHED)
		timer_rtt_sample(e, t, e->prof.delay[0] + e->prof.delay[1]);
	if (t->snd_una != t->snd_nxt)
		timer_rtx_start(e, t);
	if (st == TCP_TIME_WAIT)
		timer_arm(e, t, TIMER_TIME_WAIT, 2 * e->prof.msl);
	if (st == TCP_FIN_WAIT_2 && e->prof.fin_timeout > 0)
		timer_arm(e, t, TIMER_FIN_WAIT_2, e->prof.fin_timeout);
	return t->handle;
}

void engine_deliver(struct engine *e, int side, struct segment *seg)
{
	if (seg->src.family == 0)
		seg->src = e->hosts[!side].ep;
	if (seg->dst.family == 0)
		seg->dst = e->hosts[side].ep;
	struct tcb *t = tcb_lookup(e, side, seg);
	int conn = t ? t->conn : 0;
	for (size_t i = 0; !conn && i < e->tr->nconns; i++) {
		const struct trace_conn *c = &e->tr->conns[i];
		if (endpoint_eq(&c->ep[!side], &seg->src) &&
		    endpoint_eq(&c->ep[side], &seg->dst))
			conn = c->id;
	}
	if (!conn)
		conn = side == SIDE_SERVER ? trace_add_conn(e->tr, &seg->src, &seg->dst)
					   : trace_add_conn(e->tr, &seg->dst, &seg->src);
	trace_add_segment(e->tr, e->now, conn, !side, seg, e->now, 0);
	tcp_arrive(e, side, seg, conn, !side);
	report_results(e, side);
}

void engine_app(struct engine *e, int side, int h, enum app_call call,
    uint32_t arg)
{
	if (h >= 0)
		e->hosts[side].app_sock = h;
	app_call(e, side, call, arg, 0);
	report_results(e, side);
}

void engine_advance(struct engine *e, int64_t us)
{
	int64_t until = e->now + us;
	while (engine_step(e, until))
		;
	e->now = until;
}

int engine_newest(const struct engine *e, int side)
{
	for (int i = e->ntcbs - 1; i >= 0; i--)
		if (e->tcbs[i]->host == side)
			return i;
	return -1;
}

bool engine_view(const struct engine *e, int side, int h,
    struct engine_tcb_view *out)
{
	const struct tcb *t = tcb_get(e, h);
	if (!t || t->host != side)
		return false;
	*out = (struct engine_tcb_view){
		.state = t->state, .conn = t->conn, .iss = t->iss, .irs = t->irs,
		.snd_una = t->snd_una, .snd_nxt = t->snd_nxt, .snd_wnd = t->snd_wnd,
		.rcv_nxt = t->rcv_nxt, .rcv_wnd = t->rcv_wnd,
		.retransmits = t->retransmits, .rto = t->rto,
	};
	return true;
}
