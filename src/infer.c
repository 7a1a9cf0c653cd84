/*
 * infer.c: each side's likely state from captured segments (infer.h).
 *
 * Per connection, a record per side holds what its segments showed (its
 * ISN, FIN, the highest seq sent and ACK sent or received, its window)
 * and its inferred state, plus a short queue of the peer's segments
 * whose effect on it waits for evidence (infer.h), from a pool that
 * only the sides with segments waiting hold a place in.  Inferred timeouts
 * wait in a binary heap of deadlines; one that no longer holds is
 * recognised by the connection's generation, which every segment and
 * every state change bumps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infer.h"
#include "infer_narr.h"

#define INF_QMAX 4		/* queued segments per side; more are applied */
#define INF_MIN_RTO 200000	/* us: Linux's least RTO; closer copies are
				   answers to a peer's duplicate, no backoff */
#define INF_SERIES_STEP 10000	/* us: the first step of a listener's series */
#define INF_DEFAULT_WINDOW 65535

/* A peer's segment on its way to a side, its effect not yet shown.
 * Its length fits 24 bits, as a trace event's does (TRACE_LEN_MAX). */
struct inf_item {
	uint32_t seq, ack;
	uint32_t len : 24;
	uint32_t flags : 8;
};

/* A side's segments waiting (inf_side.queue). */
struct inf_queue {
	struct inf_item q[INF_QMAX];	/* the peer's, in capture order */
};

/* What a side's next pure ACK answers. */
enum { EXPECT_NONE, EXPECT_CHALLENGE, EXPECT_KEEPALIVE };

/* Bits of inf_side.said: notes narrated once per side. */
enum {
	SAID_RTX = 1 << 0,
	SAID_KEEPALIVE = 1 << 1,
	SAID_KA_ANSWER = 1 << 2,
	SAID_DUP_ACK = 1 << 3,
	SAID_OOW = 1 << 4,
	SAID_WINDOW_ZERO = 1 << 5,
	SAID_FORGED = 1 << 6,
	SAID_SYNACK_AGAIN = 1 << 7,
	SAID_CHALLENGE_ACK = 1 << 8,
	SAID_RST_CHALLENGE = 1 << 9,
	SAID_RST_IGNORED = 1 << 10,
	SAID_HALF_CLOSE = 1 << 11,
};

/*
 * A capture keeps one of these per side of every connection, so they are
 * packed (96 bytes; the connection's record 224): the flags are bits,
 * the last length shares a word with the last flags, and the queue,
 * empty nearly all the time, is one of infer.queues while it is not.
 */
struct inf_side {
	int64_t t_state;		/* when it entered its state */
	int64_t rtx_t, rtx_gap;		/* rtx_seq's last sending, backoff */
	int64_t probe_t, probe_gap;	/* the last keepalive, the interval */
	uint32_t iss;			/* valid once syn */
	uint32_t fin_end;		/* after its FIN; valid once fin */
	uint32_t snd_nxt;		/* the highest seq + length it sent */
	uint32_t snd_una;		/* the highest ACK it received */
	uint32_t ack_max;		/* the highest ACK it sent */
	uint32_t rcv_nxt;		/* what it received in order, as seen */
	uint32_t rtx_seq;		/* the segment it may send again */
	uint32_t l_seq, l_ack;		/* its last segment ... */
	uint32_t l_len : 24;
	uint32_t l_flags : 8;
	uint32_t queue;			/* 1-based in infer.queues while nq > 0 */
	uint16_t l_win;
	uint16_t said;
	uint8_t state;			/* enum tcp_state, once known */
	uint8_t nq, expect;
	uint8_t nprobes;		/* keepalive probes in a row */
	uint8_t wscale_offer;		/* the shift its SYN offered */
	uint8_t wshift;			/* its windows' shift: both offered */
	bool known : 1;			/* state known (else it shows later) */
	bool passive : 1;		/* born from a listener */
	bool sent : 1, syn : 1, synack_sent : 1, fin : 1, ack_seen : 1;
	bool una_known : 1, rcv_known : 1;
	bool own_rst : 1;		/* closed by a RST in its name */
	bool wscale : 1;		/* its SYN offered window scaling */
};

struct inf_conn {
	struct inf_side s[2];
	int64_t synack_t, t_last;
	uint32_t gen;
	uint32_t synack_n;		/* the server's first SYN-ACK */
	bool started : 1;		/* a first segment was seen */
	bool completed : 1;		/* its handshake completed */
	bool cookie : 1;		/* its SYN-ACK was a SYN cookie */
	bool entry_rtx : 1;		/* its SYN_RCVD entry retransmitted */
};

/* What the comment above promises.  (C99 has no static assertion; a
 * negative array size stops the build.) */
extern char inf_check_conn_size[sizeof (struct inf_conn) <= 224 ? 1 : -1];

enum { DL_GIVE_UP, DL_COOKIE };

struct inf_deadline {
	int64_t t;
	uint32_t gen;
	int conn;
	uint8_t side, kind;
};

/* What infer adds to a trace_listener, at the same index. */
struct inf_listener {
	uint32_t incomplete;		/* attempts neither completed nor refused */
	uint32_t rtx_entries;		/* half-open entries that retransmitted */
	uint32_t queue_cap;		/* its SYN queue's size, once seen */
	int64_t cookie_t;		/* the first cookie SYN-ACK */
};

struct infer {
	struct trace *tr;
	struct inf_conn *c;		/* c[id - 1] */
	size_t nc, capc;
	struct inf_deadline *heap;
	size_t nheap, capheap;
	struct inf_listener *l;		/* l[index - 1] */
	size_t capl;
	uint32_t *lslot;		/* listener indices by endpoint; 0 empty */
	size_t nlslot;
	struct inf_queue *queues;	/* of the sides with segments waiting */
	size_t nqueues, capqueues;
	uint32_t *qfree;		/* queues no side has, 1-based */
	size_t nqfree;
	struct infer_narr_memo narr;	/* sentences already in the pool */
};

/* As trace.c does: the append calls cannot fail, so this is fatal. */
static void *inf_alloc(void *p, size_t n, size_t size)
{
	p = realloc(p, n * size);
	if (p == NULL) {
		fputs("tcpviz: out of memory\n", stderr);
		abort();
	}
	return p;
}

struct infer *infer_new(struct trace *tr)
{
	struct infer *inf = calloc(1, sizeof *inf);

	if (inf == NULL)
		return NULL;
	inf->tr = tr;
	tr->capture = true;
	return inf;
}

void infer_free(struct infer *inf)
{
	if (inf == NULL)
		return;
	free(inf->c);
	free(inf->heap);
	free(inf->l);
	free(inf->lslot);
	free(inf->queues);
	free(inf->qfree);
	free(inf);
}

/* ---- Deadlines ---- */

static bool dl_before(const struct inf_deadline *a, const struct inf_deadline *b)
{
	return a->t < b->t;
}

static void dl_down(struct infer *inf, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct inf_deadline tmp;

		if (l < inf->nheap && dl_before(&inf->heap[l], &inf->heap[m]))
			m = l;
		if (l + 1 < inf->nheap && dl_before(&inf->heap[l + 1], &inf->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		tmp = inf->heap[i];
		inf->heap[i] = inf->heap[m];
		inf->heap[m] = tmp;
		i = m;
	}
}

static void dl_push(struct infer *inf, int64_t t, int conn, int side,
    int kind)
{
	struct inf_deadline d = {
		.t = t, .gen = inf->c[conn - 1].gen, .conn = conn,
		.side = (uint8_t)side, .kind = (uint8_t)kind,
	};
	size_t i;

	if (inf->nheap == inf->capheap) {
		inf->capheap = inf->capheap ? inf->capheap * 2 : 64;
		inf->heap = inf_alloc(inf->heap, inf->capheap, sizeof *inf->heap);
	}
	i = inf->nheap++;
	while (i > 0 && dl_before(&d, &inf->heap[(i - 1) / 2])) {
		inf->heap[i] = inf->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	inf->heap[i] = d;
}

static struct inf_deadline dl_pop(struct infer *inf)
{
	struct inf_deadline d = inf->heap[0];

	inf->heap[0] = inf->heap[--inf->nheap];
	dl_down(inf, 0);
	return d;
}

/* ---- Queues of segments waiting for evidence ---- */

static uint32_t inf_item_end(const struct inf_item *it)
{
	return it->seq + it->len + !!(it->flags & SEG_SYN) +
	    !!(it->flags & SEG_FIN);
}

/* Side x's queue; it has one while nq > 0. */
static struct inf_item *inf_q(const struct infer *inf,
    const struct inf_side *x)
{
	return inf->queues[x->queue - 1].q;
}

/* Side x is about to queue a segment: a queue if it has none. */
static void inf_q_open(struct infer *inf, struct inf_side *x)
{
	if (x->queue != 0)
		return;
	if (inf->nqfree > 0) {
		x->queue = inf->qfree[--inf->nqfree];
		return;
	}
	if (inf->nqueues == inf->capqueues) {
		inf->capqueues = inf->capqueues ? inf->capqueues * 2 : 64;
		inf->queues = inf_alloc(inf->queues, inf->capqueues,
		    sizeof *inf->queues);
		inf->qfree = inf_alloc(inf->qfree, inf->capqueues,
		    sizeof *inf->qfree);
	}
	x->queue = (uint32_t)++inf->nqueues;
}

/* Side x's queue is empty: another side may have it. */
static void inf_q_close(struct infer *inf, struct inf_side *x)
{
	if (x->nq > 0 || x->queue == 0)
		return;
	inf->qfree[inf->nqfree++] = x->queue;
	x->queue = 0;
}

/* The head of side x's queue goes. */
static struct inf_item inf_q_pop(struct infer *inf, struct inf_side *x)
{
	struct inf_item *q = inf_q(inf, x), head = q[0];

	memmove(&q[0], &q[1], --x->nq * sizeof q[0]);
	inf_q_close(inf, x);
	return head;
}

/* ---- Listeners ---- */

static uint32_t inf_ep_hash(const struct endpoint *e)
{
	size_t n = e->family == 4 ? 4 : 16;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ e->addr[i]) * 16777619u;
	h = (h ^ (uint8_t)(e->port >> 8)) * 16777619u;
	h = (h ^ (uint8_t)e->port) * 16777619u;
	return (h ^ e->family) * 16777619u;
}

static void inf_lslot_put(uint32_t *slot, size_t nslot, uint32_t h,
    uint32_t index)
{
	size_t i;

	for (i = h & (nslot - 1); slot[i] != 0; i = (i + 1) & (nslot - 1))
		;
	slot[i] = index;
}

/* The listener record of endpoint ep, made on first use. */
static int inf_listener(struct infer *inf, const struct endpoint *ep)
{
	struct trace *tr = inf->tr;
	uint32_t h = inf_ep_hash(ep);
	size_t i;
	int index;

	if (inf->nlslot > 0) {
		for (i = h & (inf->nlslot - 1); inf->lslot[i] != 0;
		    i = (i + 1) & (inf->nlslot - 1)) {
			if (endpoint_eq(&tr->listeners[inf->lslot[i] - 1].ep, ep))
				return (int)inf->lslot[i];
		}
	}
	index = trace_add_listener(tr, ep);
	if ((size_t)index > inf->capl) {
		inf->capl = inf->capl ? inf->capl * 2 : 16;
		inf->l = inf_alloc(inf->l, inf->capl, sizeof *inf->l);
	}
	memset(&inf->l[index - 1], 0, sizeof inf->l[index - 1]);
	/* At most half full, so that probes stay short. */
	if ((size_t)index * 2 > inf->nlslot) {
		size_t n = inf->nlslot ? inf->nlslot * 2 : 64;

		free(inf->lslot);
		inf->lslot = inf_alloc(NULL, n, sizeof *inf->lslot);
		memset(inf->lslot, 0, n * sizeof *inf->lslot);
		inf->nlslot = n;
		for (size_t k = 0; k < tr->nlisteners; k++)
			inf_lslot_put(inf->lslot, n,
			    inf_ep_hash(&tr->listeners[k].ep), (uint32_t)k + 1);
	} else {
		inf_lslot_put(inf->lslot, inf->nlslot, h, (uint32_t)index);
	}
	return index;
}

/* The half-open count of a listener changed at t: its series. */
static void inf_series(struct trace_listener *L, int64_t t, uint32_t before)
{
	int64_t i;

	if (L->half_open > L->half_open_max)
		L->half_open_max = L->half_open;
	if (L->nseries == 0) {
		L->series_t0 = t;
		L->series_step = INF_SERIES_STEP;
		L->nseries = 1;
		L->series[0] = L->half_open;
		return;
	}
	while ((i = (t - L->series_t0) / L->series_step) >= TRACE_SERIES) {
		for (int k = 0; k < TRACE_SERIES / 2; k++) {
			uint32_t a = L->series[2 * k], b = L->series[2 * k + 1];

			L->series[k] = a > b ? a : b;
		}
		memset(&L->series[TRACE_SERIES / 2], 0,
		    TRACE_SERIES / 2 * sizeof L->series[0]);
		L->nseries = (L->nseries + 1) / 2;
		L->series_step *= 2;
	}
	for (int k = L->nseries; k <= i; k++)
		L->series[k] = before;
	if (i + 1 > L->nseries)
		L->nseries = (int)i + 1;
	if (L->half_open > L->series[i])
		L->series[i] = L->half_open;
}

/* Quiet: a connection that is part of a flood in progress narrates
 * nothing; the flood's row explains them all, and a flood must not
 * cost a paragraph per forged SYN. */
static bool inf_quiet(struct infer *inf, const struct inf_conn *c, int conn)
{
	int l = inf->tr->conns[conn - 1].listener;

	return l > 0 && !c->completed &&
	    inf->l[l - 1].incomplete >= TRACE_FLOOD_MIN;
}

static void inf_say(struct infer *inf, const struct inf_conn *c, int conn,
    int side, int64_t t, enum infer_narr id, const char *num)
{
	if (!inf_quiet(inf, c, conn))
		infer_narrate(inf->tr, &inf->narr, t, conn, side, id, num);
}

/* Once per side and kind. */
static void inf_say_once(struct infer *inf, struct inf_conn *c, int conn,
    int side, int64_t t, unsigned bit, enum infer_narr id)
{
	if (c->s[side].said & bit)
		return;
	c->s[side].said |= (uint16_t)bit;
	inf_say(inf, c, conn, side, t, id, NULL);
}

/* ---- States ---- */

/* A state learnt without an event: it was so before the capture saw it. */
static void inf_learn(struct inf_side *x, enum tcp_state s)
{
	x->state = (uint8_t)s;
	x->known = true;
}

static void inf_completed(struct infer *inf, struct inf_conn *c, int conn)
{
	struct trace_conn *tc = &inf->tr->conns[conn - 1];

	if (c->completed)
		return;
	c->completed = true;
	if (tc->listener > 0 && tc->incomplete) {
		inf->tr->listeners[tc->listener - 1].completed++;
		inf->l[tc->listener - 1].incomplete--;
	}
	tc->incomplete = false;
}

/* A passive server's entry in the SYN queue comes or goes. */
static void inf_entry(struct infer *inf, struct inf_conn *c, int conn,
    int64_t t, bool enter)
{
	int l = inf->tr->conns[conn - 1].listener;
	struct trace_listener *L;
	uint32_t before;

	if (l == 0)
		return;
	L = &inf->tr->listeners[l - 1];
	before = L->half_open;
	if (enter) {
		L->half_open++;
	} else {
		L->half_open--;
		if (c->entry_rtx) {
			inf->l[l - 1].rtx_entries--;
			c->entry_rtx = false;
		}
	}
	inf_series(L, t, before);
}

static void inf_state(struct infer *inf, struct inf_conn *c, int conn,
    int side, int64_t t, enum tcp_state to, const char *cause)
{
	struct inf_side *x = &c->s[side];
	enum tcp_state from = x->state;
	int id;

	if (x->known && from == to)
		return;
	trace_add_state(inf->tr, t, conn, side, from, to, cause);
	id = infer_narr_transition(from, to, cause);
	if (id >= 0)
		inf_say(inf, c, conn, side, t, (enum infer_narr)id, NULL);
	if (x->passive && side == SIDE_SERVER && from == TCP_SYN_RCVD)
		inf_entry(inf, c, conn, t, false);
	if (x->passive && side == SIDE_SERVER && to == TCP_SYN_RCVD)
		inf_entry(inf, c, conn, t, true);
	x->state = (uint8_t)to;
	x->known = true;
	x->t_state = t;
	c->gen++;
	if (to == TCP_ESTABLISHED)
		inf_completed(inf, c, conn);
}

/* ---- Receiving ---- */

/* The receive window x last advertised (a SYN's is never scaled). */
static uint32_t inf_window(const struct inf_side *x)
{
	if (!x->sent)
		return INF_DEFAULT_WINDOW;
	if (x->l_flags & SEG_SYN)
		return x->l_win;
	return (uint32_t)x->l_win << x->wshift;
}

/* Whether an ACK acknowledges something x has sent. */
static bool inf_acks(const struct inf_side *x, uint32_t ack)
{
	return x->syn && seq_gt(ack, x->iss) && seq_le(ack, x->snd_nxt);
}

/*
 * The listener's SYN queue is full, as seen before: its SYN-ACK for conn
 * is a cookie.  Returns the number of entries that fill it, else 0.
 */
static uint32_t inf_queue_full(struct infer *inf, int conn)
{
	int l = inf->tr->conns[conn - 1].listener;

	if (l == 0 || inf->l[l - 1].queue_cap == 0 ||
	    inf->l[l - 1].rtx_entries < inf->l[l - 1].queue_cap)
		return 0;
	return inf->l[l - 1].rtx_entries;
}

/* A SYN reaches r; `ev` is r's answer, which proved it arrived. */
static void inf_rcv_syn(struct infer *inf, struct inf_conn *c, int conn,
    int r, const struct segment *ev, int64_t t, uint32_t *notes)
{
	struct inf_side *x = &c->s[r];
	uint32_t full;
	char num[16];

	if (!x->known || x->state == TCP_LISTEN || x->state == TCP_CLOSED) {
		if (ev->flags & SEG_RST) {
			inf_learn(x, TCP_CLOSED);
			return;
		}
		if (!(ev->flags & SEG_SYN))
			return;
		inf_learn(x, TCP_LISTEN);
		x->passive = true;
		if (r == SIDE_SERVER && (full = inf_queue_full(inf, conn)) > 0) {
			c->cookie = true;
			*notes |= NOTE_SYN_COOKIE;
			snprintf(num, sizeof num, "%u", (unsigned)full);
			inf_say(inf, c, conn, r, t, NARR_COOKIE, num);
			return;
		}
		inf_state(inf, c, conn, r, t, TCP_SYN_RCVD, "rcv-syn");
	} else if (x->state == TCP_SYN_SENT) {
		inf_state(inf, c, conn, r, t, TCP_SYN_RCVD, "rcv-syn");
	} else if (tcp_state_synchronized(x->state)) {
		/* RFC 5961 4.2: a SYN in a synchronized state. */
		x->expect = EXPECT_CHALLENGE;
	}
}

/* The effect of the ACK field of a segment without SYN. */
static void inf_rcv_ack(struct infer *inf, struct inf_conn *c, int conn,
    int r, const struct inf_item *it, int64_t t)
{
	struct inf_side *x = &c->s[r];

	if (x->state == TCP_SYN_RCVD && inf_acks(x, it->ack))
		inf_state(inf, c, conn, r, t, TCP_ESTABLISHED, "rcv-ack");
	else if (x->state == TCP_LISTEN && c->cookie && inf_acks(x, it->ack))
		inf_state(inf, c, conn, r, t, TCP_ESTABLISHED, "syn-cookie");
	if (!x->fin || seq_lt(it->ack, x->fin_end))
		return;
	/* A FIN that comes with it is the three-way close (inf_rcv_fin). */
	if (x->state == TCP_FIN_WAIT_1 && !(it->flags & SEG_FIN))
		inf_state(inf, c, conn, r, t, TCP_FIN_WAIT_2, "rcv-ack");
	else if (x->state == TCP_CLOSING)
		inf_state(inf, c, conn, r, t, TCP_TIME_WAIT, "rcv-ack");
	else if (x->state == TCP_LAST_ACK)
		inf_state(inf, c, conn, r, t, TCP_CLOSED, "rcv-ack");
}

static void inf_rcv_fin(struct infer *inf, struct inf_conn *c, int conn,
    int r, const struct inf_item *it, int64_t t)
{
	struct inf_side *x = &c->s[r];
	bool ours_acked = x->fin && (it->flags & SEG_ACK) &&
	    seq_ge(it->ack, x->fin_end);

	switch (x->state) {
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
		inf_state(inf, c, conn, r, t, TCP_CLOSE_WAIT, "rcv-fin");
		break;
	case TCP_FIN_WAIT_1:
		if (ours_acked)
			inf_state(inf, c, conn, r, t, TCP_TIME_WAIT, "rcv-fin-ack");
		else
			inf_state(inf, c, conn, r, t, TCP_CLOSING, "rcv-fin");
		break;
	case TCP_FIN_WAIT_2:
		inf_state(inf, c, conn, r, t, TCP_TIME_WAIT, "rcv-fin");
		break;
	case TCP_TIME_WAIT:
		inf_say(inf, c, conn, r, t, NARR_TIME_WAIT_AGAIN, NULL);
		break;
	default:
		break;
	}
}

/* The effect of `it` on side r, shown by r's segment ev (NULL: assumed,
 * when the queue overflows). */
static void inf_apply(struct infer *inf, struct inf_conn *c, int conn, int r,
    const struct inf_item *it, const struct segment *ev, int64_t t,
    uint32_t *notes)
{
	struct inf_side *x = &c->s[r];
	static const struct segment assumed = { .flags = SEG_SYN | SEG_ACK };

	if ((it->flags & (SEG_SYN | SEG_ACK)) == SEG_SYN) {
		inf_rcv_syn(inf, c, conn, r, ev != NULL ? ev : &assumed, t, notes);
	} else if (it->flags & SEG_SYN) {
		if ((x->state == TCP_SYN_SENT || x->state == TCP_SYN_RCVD) &&
		    inf_acks(x, it->ack))
			inf_state(inf, c, conn, r, t, TCP_ESTABLISHED, "rcv-syn-ack");
	} else if (it->flags & SEG_ACK) {
		inf_rcv_ack(inf, c, conn, r, it, t);
	}
	if (it->flags & SEG_FIN)
		inf_rcv_fin(inf, c, conn, r, it, t);
}

/* What must wait for the receiver's acknowledgement to be believed. */
static bool inf_needs_evidence(const struct inf_item *it)
{
	return (it->flags & (SEG_SYN | SEG_FIN)) != 0;
}

static bool inf_queued_synack(const struct infer *inf,
    const struct inf_side *x)
{
	for (int i = 0; i < x->nq; i++) {
		if ((inf_q(inf, x)[i].flags & (SEG_SYN | SEG_ACK)) ==
		    (SEG_SYN | SEG_ACK))
			return true;
	}
	return false;
}

/* Side `side` sent seg: the peer's queued segments it acknowledges, and
 * those behind them that need no evidence, take effect. */
static void inf_evidence(struct infer *inf, struct inf_conn *c, int conn,
    int side, const struct segment *seg, int64_t t, uint32_t *notes)
{
	struct inf_side *x = &c->s[side];

	while (x->nq > 0) {
		struct inf_item it = inf_q(inf, x)[0];

		if (inf_needs_evidence(&it)) {
			if (!(seg->flags & SEG_ACK) ||
			    seq_lt(seg->ack, inf_item_end(&it)))
				break;
			/* A side that still sends SYN has not seen the
			 * peer's SYN-ACK (crossing SYN-ACKs of a simultaneous
			 * open cover the same sequence number). */
			if ((it.flags & SEG_SYN) && (it.flags & SEG_ACK) &&
			    (seg->flags & SEG_SYN))
				break;
		}
		inf_q_pop(inf, x);
		/* A side in SYN_SENT that answers with a bare ACK met a
		 * SYN-ACK, not the SYN before it: that SYN never got there
		 * (else it would have answered with a SYN-ACK). */
		if ((it.flags & (SEG_SYN | SEG_ACK)) == SEG_SYN &&
		    x->state == TCP_SYN_SENT && !(seg->flags & SEG_SYN) &&
		    inf_queued_synack(inf, x))
			continue;
		inf_apply(inf, c, conn, side, &it, seg, t, notes);
	}
}

/* A RST reaches r: effective at once, whatever waited before it. */
static void inf_rcv_rst(struct infer *inf, struct inf_conn *c, int conn,
    int r, const struct segment *seg, int64_t t, uint32_t *notes)
{
	struct inf_side *x = &c->s[r];

	x->nq = 0;
	inf_q_close(inf, x);
	if (!x->known)
		return;
	switch (x->state) {
	case TCP_SYN_SENT:
		if ((seg->flags & SEG_ACK) && inf_acks(x, seg->ack))
			inf_state(inf, c, conn, r, t, TCP_CLOSED, "rcv-rst");
		return;
	case TCP_SYN_RCVD:
		inf_state(inf, c, conn, r, t, x->passive ? TCP_LISTEN : TCP_CLOSED,
		    "rcv-rst");
		return;
	case TCP_CLOSED:
	case TCP_LISTEN:
		return;
	default:
		break;
	}
	if (x->rcv_known && seg->seq != x->rcv_nxt) {
		if (seq_gt(seg->seq, x->rcv_nxt) &&
		    seq_lt(seg->seq, x->rcv_nxt + inf_window(x))) {
			*notes |= NOTE_CHALLENGE;
			x->expect = EXPECT_CHALLENGE;
			inf_say_once(inf, c, conn, r, t, SAID_RST_CHALLENGE,
			    NARR_RST_CHALLENGE);
		} else {
			*notes |= NOTE_OUT_OF_WINDOW;
			inf_say_once(inf, c, conn, r, t, SAID_RST_IGNORED,
			    NARR_RST_IGNORED);
		}
		return;
	}
	inf_state(inf, c, conn, r, t, TCP_CLOSED, "rcv-rst");
}

/* seg reaches r: queued, or in effect now. */
static void inf_deliver(struct infer *inf, struct inf_conn *c, int conn,
    int r, const struct segment *seg, int64_t t, uint32_t *notes)
{
	struct inf_side *x = &c->s[r];
	struct inf_item it = {
		.seq = seg->seq, .ack = seg->ack, .len = seg->len,
		.flags = seg->flags,
	};

	if (seg->flags & SEG_RST) {
		inf_rcv_rst(inf, c, conn, r, seg, t, notes);
		return;
	}
	/* A SYN to a synchronized side is answered by a challenge ACK,
	 * which never acknowledges it. */
	if ((x->nq == 0 && !inf_needs_evidence(&it)) ||
	    ((seg->flags & (SEG_SYN | SEG_ACK)) == SEG_SYN && x->known &&
	    tcp_state_synchronized(x->state))) {
		inf_apply(inf, c, conn, r, &it, NULL, t, notes);
		return;
	}
	/* A retransmission of what already waits adds nothing. */
	for (int i = 0; i < x->nq; i++) {
		const struct inf_item *q = &inf_q(inf, x)[i];

		if (q->seq == it.seq && q->len == it.len && q->flags == it.flags)
			return;
	}
	if (x->nq == INF_QMAX) {
		struct inf_item head = inf_q_pop(inf, x);

		inf_apply(inf, c, conn, r, &head, NULL, t, notes);
	}
	inf_q_open(inf, x);
	inf_q(inf, x)[x->nq++] = it;
}

/* ---- Sending ---- */

/*
 * The class of a RST from side s and what it says of s's own state.
 * `ans` is the peer's last segment, the one the RST answers.
 */
static void inf_send_rst(struct infer *inf, struct inf_conn *c, int conn,
    int s, const struct segment *seg, int64_t t, uint32_t *notes)
{
	struct inf_side *x = &c->s[s], *p = &c->s[!s];
	bool answers = p->sent;
	const char *cause;

	if (answers && (p->l_flags & (SEG_SYN | SEG_ACK)) == SEG_SYN &&
	    (seg->flags & SEG_ACK) &&
	    seg->ack == p->l_seq + p->l_len + 1) {
		/* The reply to a SYN: nothing listens. */
		*notes |= NOTE_REFUSED;
		if (!x->known)
			inf_learn(x, TCP_CLOSED);
		return;
	}
	if (answers && !(seg->flags & SEG_ACK) && (p->l_flags & SEG_ACK) &&
	    seg->seq == p->l_ack) {
		/* Either way the RST's receiver holds a connection that s
		 * does not (RFC 9293 3.5.1).  An ACK of what s never sent is
		 * just refused, and s keeps what it has (a new incarnation,
		 * or a SYN_SENT meeting an old duplicate); one of what it
		 * sent says that s itself lost the connection. */
		*notes |= NOTE_HALF_OPEN;
		if (!x->known || x->state == TCP_CLOSED ||
		    x->state == TCP_LISTEN || !inf_acks(x, p->l_ack))
			return;
		cause = x->state == TCP_FIN_WAIT_2 &&
		    t - x->t_state >= INFER_ORPHAN_FIN_WAIT_2 ?
		    "fin-wait-2-timeout" : "state-lost";
		inf_state(inf, c, conn, s, t, TCP_CLOSED, cause);
		x->own_rst = true;
		return;
	}
	/* A RST that s's own TCB would not number so (a blind attempt by
	 * a third host, say) says nothing of s. */
	if (!x->known || !tcp_state_synchronized(x->state) || !x->sent ||
	    seq_gt(seg->seq, x->snd_nxt) ||
	    (x->una_known && seq_lt(seg->seq, x->snd_una)))
		return;
	*notes |= NOTE_ABORT;
	/* Probes in a row, and the RST when the next was due: the prober
	 * counted none as answered (answers seen here may have been lost
	 * past the capture point). */
	if (x->nprobes >= 2 &&
	    t - x->probe_t <= x->probe_gap + x->probe_gap / 2)
		cause = "keepalive-timeout";
	else if ((x->state == TCP_FIN_WAIT_1 || x->state == TCP_FIN_WAIT_2) &&
	    answers && p->l_len > 0)
		cause = "rcv-data-after-close";
	else
		cause = "abort";
	inf_state(inf, c, conn, s, t, TCP_CLOSED, cause);
	x->own_rst = true;
}

/* The sender's own transition for seg. */
static void inf_send(struct infer *inf, struct inf_conn *c, int conn, int s,
    const struct segment *seg, int64_t t, bool rtx, uint32_t *notes)
{
	struct inf_side *x = &c->s[s];

	if (seg->flags & SEG_RST) {
		inf_send_rst(inf, c, conn, s, seg, t, notes);
		return;
	}
	if ((seg->flags & (SEG_SYN | SEG_ACK)) == SEG_SYN) {
		if (x->known && x->syn && seg->seq != x->iss &&
		    x->state != TCP_CLOSED) {
			/* A new incarnation: the old connection is gone. */
			inf_state(inf, c, conn, s, t, TCP_CLOSED, "new-syn");
			x->syn = x->fin = x->sent = false;
		}
		if (!x->known || x->state == TCP_CLOSED)
			inf_state(inf, c, conn, s, t, TCP_SYN_SENT, "snd-syn");
		return;
	}
	if ((seg->flags & SEG_SYN) && rtx && x->passive &&
	    x->state == TCP_ESTABLISHED)
		inf_say_once(inf, c, conn, s, t, SAID_SYNACK_AGAIN,
		    NARR_SYNACK_AGAIN);
	/* A FIN first seen as a retransmission (the capture missed the
	 * first copy) is still the side's FIN. */
	if ((seg->flags & SEG_FIN) && !x->fin) {
		x->fin = true;
		x->fin_end = seg->seq + segment_seqlen(seg);
		if (!x->known || x->state == TCP_ESTABLISHED ||
		    x->state == TCP_SYN_RCVD)
			inf_state(inf, c, conn, s, t, TCP_FIN_WAIT_1, "snd-fin");
		else if (x->state == TCP_CLOSE_WAIT)
			inf_state(inf, c, conn, s, t, TCP_LAST_ACK, "snd-fin");
	}
}

/* ---- Notes ---- */

/* Keepalive: see infer.h. */
static bool inf_keepalive(const struct inf_conn *c, int s,
    const struct segment *seg, int64_t t)
{
	const struct inf_side *x = &c->s[s], *p = &c->s[!s];

	return x->known && (x->state == TCP_ESTABLISHED ||
	    x->state == TCP_CLOSE_WAIT || x->state == TCP_FIN_WAIT_2) &&
	    (seg->flags & (SEG_SYN | SEG_FIN | SEG_RST | SEG_ACK)) == SEG_ACK &&
	    seg->len <= 1 && x->sent && seg->seq + 1 == x->snd_nxt &&
	    x->una_known && x->snd_una == x->snd_nxt &&
	    t - c->t_last >= INFER_IDLE && (!p->sent || p->l_win != 0);
}

static bool inf_pure_ack(const struct segment *seg)
{
	return seg->len == 0 &&
	    (seg->flags & (SEG_SYN | SEG_FIN | SEG_RST | SEG_ACK)) == SEG_ACK;
}

/* Whether seg resends sequence space its sender has sent. */
static bool inf_rtx(const struct inf_side *x, const struct segment *seg)
{
	if (segment_seqlen(seg) == 0 || !x->sent ||
	    !seq_lt(seg->seq, x->snd_nxt))
		return false;
	/* The SYN-ACK of a simultaneous open repeats the SYN's number. */
	return !((seg->flags & SEG_SYN) && (seg->flags & SEG_ACK) &&
	    !x->synack_sent);
}

/* Notes that the sender's own history decides. */
static uint32_t inf_send_notes(struct infer *inf, struct inf_conn *c,
    int conn, int s, const struct segment *seg, int64_t t, bool *rtx)
{
	struct inf_side *x = &c->s[s], *p = &c->s[!s];
	uint32_t notes = 0;
	bool ka = inf_keepalive(c, s, seg, t);

	*rtx = !ka && inf_rtx(x, seg);
	if (ka) {
		notes |= NOTE_KEEPALIVE;
		x->probe_gap = x->nprobes++ > 0 ? t - x->probe_t : 0;
		x->probe_t = t;
		p->expect = EXPECT_KEEPALIVE;
		inf_say_once(inf, c, conn, s, t, SAID_KEEPALIVE, NARR_KEEPALIVE);
	} else if (!(seg->flags & SEG_RST)) {
		x->nprobes = 0;
	}
	if (*rtx) {
		notes |= NOTE_RETRANSMISSION;
		inf_say_once(inf, c, conn, s, t, SAID_RTX, NARR_RETRANSMISSION);
	}
	if (inf_pure_ack(seg) && x->expect == EXPECT_CHALLENGE) {
		notes |= NOTE_CHALLENGE_ACK;
		inf_say_once(inf, c, conn, s, t, SAID_CHALLENGE_ACK,
		    NARR_CHALLENGE_ACK);
	} else if (inf_pure_ack(seg) && x->expect == EXPECT_KEEPALIVE) {
		inf_say_once(inf, c, conn, s, t, SAID_KA_ANSWER,
		    NARR_KEEPALIVE_ANSWER);
	} else if (inf_pure_ack(seg) && !ka && x->ack_seen &&
	    !(x->l_flags & SEG_SYN) && seg->ack == x->l_ack &&
	    seg->win == x->l_win) {
		notes |= NOTE_DUP_ACK;
		inf_say_once(inf, c, conn, s, t, SAID_DUP_ACK, NARR_DUP_ACK);
	}
	if (seg->win == 0 && !(seg->flags & SEG_RST)) {
		notes |= NOTE_WINDOW_ZERO;
		inf_say_once(inf, c, conn, s, t, SAID_WINDOW_ZERO,
		    NARR_WINDOW_ZERO);
	}
	if ((seg->flags & SEG_SYN) && seg->len > 0) {
		notes |= NOTE_TFO_DATA;
		inf_say(inf, c, conn, s, t, NARR_TFO, NULL);
	}
	if (x->known && x->state == TCP_CLOSE_WAIT && seg->len > 0 && !*rtx)
		inf_say_once(inf, c, conn, s, t, SAID_HALF_CLOSE, NARR_HALF_CLOSE);
	if (x->own_rst && !(seg->flags & (SEG_RST | SEG_SYN)))
		inf_say_once(inf, c, conn, s, t, SAID_FORGED, NARR_FORGED_RST);
	x->expect = EXPECT_NONE;
	return notes;
}

/* Outside the receiver's window: all of it already acknowledged, or all
 * of it past the window.  A bare SYN and a keepalive probe are outside
 * on purpose, and a RST is judged where it arrives. */
static bool inf_out_of_window(const struct inf_side *r,
    const struct segment *seg, uint32_t notes)
{
	uint32_t end = seg->seq + segment_seqlen(seg);

	if (segment_seqlen(seg) == 0 || (notes & NOTE_KEEPALIVE) ||
	    (seg->flags & SEG_RST) ||
	    (seg->flags & (SEG_SYN | SEG_ACK)) == SEG_SYN || !r->ack_seen)
		return false;
	/* The crossing SYN-ACKs of a simultaneous open. */
	if ((seg->flags & SEG_SYN) &&
	    !(r->known && tcp_state_synchronized(r->state)))
		return false;
	return seq_le(end, r->ack_max) ||
	    seq_ge(seg->seq, r->ack_max + inf_window(r));
}

/* ---- Bookkeeping ---- */

/* What seg shows of its sender s and its receiver, after the inference. */
static void inf_book(struct inf_conn *c, int s, const struct segment *seg)
{
	struct inf_side *x = &c->s[s], *p = &c->s[!s];
	uint32_t end = seg->seq + segment_seqlen(seg);

	if ((seg->flags & SEG_SYN) && !x->syn) {
		x->syn = true;
		x->iss = seg->seq;
		x->wscale = (seg->opt.present & SEGOPT_WSCALE) != 0;
		/* RFC 7323 2.3: a shift above 14 is taken as 14 (and
		 * keeps a hostile capture from shifting past 31). */
		x->wscale_offer = seg->opt.wscale > 14 ? 14 : seg->opt.wscale;
		/* Windows in SYNs are never scaled, later ones are. */
		if (x->wscale && p->wscale) {
			x->wshift = x->wscale_offer;
			p->wshift = p->wscale_offer;
		}
	}
	if ((seg->flags & SEG_SYN) && (seg->flags & SEG_ACK))
		x->synack_sent = true;
	if (!x->sent || seq_gt(end, x->snd_nxt))
		x->snd_nxt = end;
	x->sent = true;
	if (seg->flags & SEG_ACK) {
		if (!x->ack_seen || seq_gt(seg->ack, x->ack_max))
			x->ack_max = seg->ack;
		if (!x->rcv_known || seq_gt(seg->ack, x->rcv_nxt))
			x->rcv_nxt = seg->ack;
		x->rcv_known = true;
		x->ack_seen = true;
		if (!p->una_known || seq_gt(seg->ack, p->snd_una))
			p->snd_una = seg->ack;
		p->una_known = true;
	}
	if (p->rcv_known && seq_le(seg->seq, p->rcv_nxt) &&
	    seq_gt(end, p->rcv_nxt))
		p->rcv_nxt = end;
	else if (!p->rcv_known && (seg->flags & SEG_SYN)) {
		p->rcv_nxt = end;
		p->rcv_known = true;
	}
	x->l_seq = seg->seq;
	x->l_ack = seg->ack;
	x->l_len = seg->len;
	x->l_flags = seg->flags;
	x->l_win = seg->win;
}

/*
 * The backoff of what s keeps resending: after a retransmission of the
 * same segment, a deadline two and a half intervals after the last one
 * (the next would come after two; timers run late by a few per cent)
 * by which, if nothing else happened on the connection, s gave up.  A
 * copy sooner than INF_MIN_RTO after the last answers the peer's
 * duplicate and leaves the schedule alone.
 */
static void inf_backoff(struct infer *inf, struct inf_conn *c, int conn,
    int s, const struct segment *seg, int64_t t, bool rtx)
{
	struct inf_side *x = &c->s[s];

	if (segment_seqlen(seg) == 0)
		return;
	if (!rtx || seg->seq != x->rtx_seq) {
		x->rtx_seq = seg->seq;
		x->rtx_t = t;
		x->rtx_gap = 0;
		return;
	}
	if (t - x->rtx_t >= INF_MIN_RTO) {
		x->rtx_gap = t - x->rtx_t;
		x->rtx_t = t;
	}
	/* No real backoff exceeds Linux's 120 s RTO by much; an hour bounds
	 * the arithmetic for a capture with absurd timestamps (fuzzed). */
	if (x->rtx_gap > 0 && x->rtx_gap <= 3600 * INT64_C(1000000))
		dl_push(inf, x->rtx_t + 2 * x->rtx_gap + x->rtx_gap / 2, conn, s,
		    DL_GIVE_UP);
}

/* ---- The first segment of a connection ---- */

static struct inf_conn *inf_conn(struct infer *inf, int conn)
{
	while ((size_t)conn > inf->nc) {
		if (inf->nc == inf->capc) {
			inf->capc = inf->capc ? inf->capc * 2 : 64;
			inf->c = inf_alloc(inf->c, inf->capc, sizeof *inf->c);
		}
		memset(&inf->c[inf->nc++], 0, sizeof *inf->c);
	}
	return &inf->c[conn - 1];
}

/* A state the capture did not see arise: from == to, cause "assumed". */
static void inf_assume(struct infer *inf, struct inf_conn *c, int conn,
    int side, int64_t t, enum tcp_state s)
{
	inf_learn(&c->s[side], s);
	c->s[side].t_state = t;
	trace_add_state(inf->tr, t, conn, side, s, s, TRACE_CAUSE_ASSUMED);
}

/* Returns false while the connection has shown nothing to start from
 * (a lone RST). */
static bool inf_start(struct infer *inf, struct inf_conn *c, int conn,
    int s, const struct segment *seg, int64_t t)
{
	struct trace_conn *tc = &inf->tr->conns[conn - 1];

	if (seg->flags & SEG_RST)
		return false;
	c->started = true;
	if ((seg->flags & (SEG_SYN | SEG_ACK)) == SEG_SYN) {
		int l;

		if (s != SIDE_CLIENT)
			return true;
		l = inf_listener(inf, &tc->ep[SIDE_SERVER]);
		tc->listener = l;
		tc->incomplete = true;
		inf->l[l - 1].incomplete++;
		if (inf->tr->listeners[l - 1].attempts++ == 0)
			inf->tr->listeners[l - 1].t_first = t;
		inf->tr->listeners[l - 1].t_last = t;
		return true;
	}
	if (seg->flags & SEG_SYN) {
		/* A SYN-ACK first: the SYN went by before the capture. */
		inf_assume(inf, c, conn, SIDE_CLIENT, t, TCP_SYN_SENT);
		inf_assume(inf, c, conn, SIDE_SERVER, t, TCP_SYN_RCVD);
		c->s[SIDE_SERVER].passive = true;
		c->s[SIDE_CLIENT].syn = c->s[SIDE_CLIENT].sent = true;
		c->s[SIDE_CLIENT].iss = seg->ack - 1;
		c->s[SIDE_CLIENT].snd_nxt = seg->ack;
		inf_say(inf, c, conn, s, t, NARR_ASSUMED_SYN_ACK, NULL);
		return true;
	}
	inf_assume(inf, c, conn, SIDE_CLIENT, t, TCP_ESTABLISHED);
	inf_assume(inf, c, conn, SIDE_SERVER, t, TCP_ESTABLISHED);
	inf_say(inf, c, conn, SIDE_CLIENT, t, NARR_ASSUMED, NULL);
	return true;
}

/* ---- The calls of infer.h ---- */

void infer_segment(struct infer *inf, size_t index)
{
	struct trace *tr = inf->tr;
	const struct trace_event *e = &tr->ev[index];
	struct segment seg;
	struct inf_conn *c;
	uint32_t n = e->n, notes;
	int64_t t = e->t;
	int conn = e->conn, s = e->side;
	bool rtx, synack_first;

	if (conn < 1 || (size_t)conn > tr->nconns || s > SIDE_SERVER)
		return;
	/* Appending events moves tr->ev: e is not used below. */
	trace_segment(tr, e, &seg);
	c = inf_conn(inf, conn);
	c->gen++;
	if (!c->started && !inf_start(inf, c, conn, s, &seg, t)) {
		inf_book(c, s, &seg);
		c->t_last = t;
		return;
	}
	/* What the sender had received, then what it did. */
	notes = 0;
	inf_evidence(inf, c, conn, s, &seg, t, &notes);
	notes |= inf_send_notes(inf, c, conn, s, &seg, t, &rtx);
	synack_first = (seg.flags & SEG_SYN) && (seg.flags & SEG_ACK) &&
	    !c->s[s].synack_sent;
	inf_send(inf, c, conn, s, &seg, t, rtx, &notes);
	if (inf_out_of_window(&c->s[!s], &seg, notes)) {
		notes |= NOTE_OUT_OF_WINDOW;
		inf_say_once(inf, c, conn, !s, t, SAID_OOW, NARR_OUT_OF_WINDOW);
	}
	inf_deliver(inf, c, conn, !s, &seg, t, &notes);
	if ((notes & NOTE_REFUSED) && c->s[SIDE_CLIENT].state == TCP_CLOSED) {
		/* A closed port: no half-open attempt. */
		struct trace_conn *tc = &tr->conns[conn - 1];

		if (tc->incomplete && tc->listener > 0)
			inf->l[tc->listener - 1].incomplete--;
		tc->incomplete = false;
	}
	if (rtx && (seg.flags & SEG_SYN) && (seg.flags & SEG_ACK) &&
	    c->s[s].passive && c->s[s].state == TCP_SYN_RCVD &&
	    !c->entry_rtx && tr->conns[conn - 1].listener > 0) {
		c->entry_rtx = true;
		inf->l[tr->conns[conn - 1].listener - 1].rtx_entries++;
	}
	inf_book(c, s, &seg);
	trace_note_segment(tr, n, notes);
	c->t_last = t;
	c->gen++;
	inf_backoff(inf, c, conn, s, &seg, t, rtx);
	if (synack_first && s == SIDE_SERVER && c->s[s].passive &&
	    c->s[s].state == TCP_SYN_RCVD) {
		c->synack_n = n;
		c->synack_t = t;
		dl_push(inf, t + INFER_COOKIE_WAIT, conn, s, DL_COOKIE);
	}
}

/* ---- Inferred timeouts ---- */

/*
 * A SYN-ACK that was neither retransmitted nor answered while the same
 * listener's older entries were retransmitted: a cookie (infer.h).  The
 * first one also tells the queue's size, and which completed
 * connections got cookies before it was known.
 */
static void inf_cookie_check(struct infer *inf, struct inf_conn *c, int conn,
    int64_t t)
{
	struct trace *tr = inf->tr;
	int l = tr->conns[conn - 1].listener;
	struct inf_listener *il;
	uint32_t queue;
	char num[16];

	if (l == 0 || !c->s[SIDE_SERVER].passive ||
	    c->s[SIDE_SERVER].state != TCP_SYN_RCVD)
		return;
	il = &inf->l[l - 1];
	if ((queue = il->rtx_entries) == 0)
		return;
	c->cookie = true;
	trace_note_segment(tr, c->synack_n, NOTE_SYN_COOKIE);
	inf_state(inf, c, conn, SIDE_SERVER, t, TCP_LISTEN, "syn-cookie");
	snprintf(num, sizeof num, "%u", (unsigned)queue);
	inf_say(inf, c, conn, SIDE_SERVER, t, NARR_COOKIE_LATE, num);
	if (il->queue_cap != 0) {
		if (c->synack_t < il->cookie_t)
			il->cookie_t = c->synack_t;
		return;
	}
	il->queue_cap = queue;
	il->cookie_t = c->synack_t;
	tr->listeners[l - 1].cookies = true;
	for (size_t k = 0; k < inf->nc && k < tr->nconns; k++) {
		struct inf_conn *o = &inf->c[k];

		if (tr->conns[k].listener != l || !o->completed || o->cookie ||
		    o->synack_n == 0 || o->synack_t < il->cookie_t)
			continue;
		o->cookie = true;
		trace_note_segment(tr, o->synack_n, NOTE_SYN_COOKIE);
		inf_say(inf, o, (int)k + 1, SIDE_SERVER, t, NARR_COOKIE_AFTER,
		    NULL);
	}
}

static void inf_give_up(struct infer *inf, struct inf_conn *c, int conn,
    int side, int64_t t)
{
	struct inf_side *x = &c->s[side];

	switch (x->state) {
	case TCP_SYN_RCVD:
		if (x->passive) {
			inf_state(inf, c, conn, side, t, TCP_LISTEN,
			    "synack-timeout");
			break;
		}
		/* FALLTHROUGH */
	case TCP_SYN_SENT:
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT_1:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		inf_state(inf, c, conn, side, t, TCP_CLOSED, "timeout");
		break;
	default:
		break;
	}
}

void infer_advance(struct infer *inf, int64_t t)
{
	while (inf->nheap > 0 && inf->heap[0].t <= t) {
		struct inf_deadline d = dl_pop(inf);
		struct inf_conn *c;

		if (d.conn < 1 || (size_t)d.conn > inf->nc)
			continue;
		c = &inf->c[d.conn - 1];
		if (c->gen != d.gen)
			continue;
		if (d.kind == DL_COOKIE)
			inf_cookie_check(inf, c, d.conn, d.t);
		else
			inf_give_up(inf, c, d.conn, d.side, d.t);
	}
}

void infer_forget(struct infer *inf, const int *newid, size_t oldn)
{
	size_t nc = 0, nheap = 0;

	for (size_t id = 1; id <= oldn && id <= inf->nc; id++) {
		if (newid[id] == 0) {
			/* Its queues, if any, go back (records before it
			 * moved only to lower places). */
			for (int s = 0; s < 2; s++) {
				inf->c[id - 1].s[s].nq = 0;
				inf_q_close(inf, &inf->c[id - 1].s[s]);
			}
			continue;
		}
		inf->c[newid[id] - 1] = inf->c[id - 1];
		nc = (size_t)newid[id];
	}
	inf->nc = nc;
	for (size_t i = 0; i < inf->nheap; i++) {
		struct inf_deadline d = inf->heap[i];

		if (d.conn < 1 || (size_t)d.conn > oldn || newid[d.conn] == 0)
			continue;
		d.conn = newid[d.conn];
		inf->heap[nheap++] = d;
	}
	inf->nheap = nheap;
	for (size_t i = nheap / 2; i-- > 0; )
		dl_down(inf, i);
}

/* ---- The end ---- */

/* An incomplete connection's listener and source address, for counting
 * the sources of a flood. */
struct inf_source {
	int listener;
	uint8_t family;
	uint8_t addr[16];
};

static int inf_source_cmp(const void *a, const void *b)
{
	const struct inf_source *x = a, *y = b;

	if (x->listener != y->listener)
		return x->listener < y->listener ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof x->addr);
}

void infer_finish(struct infer *inf)
{
	struct trace *tr = inf->tr;
	struct inf_source *src = inf_alloc(NULL, tr->nconns + 1, sizeof *src);
	int64_t t_end = tr->nev > 0 ? tr->ev[tr->nev - 1].t : 0;
	size_t n = 0;

	for (size_t k = 0; k < tr->nconns; k++) {
		const struct trace_conn *tc = &tr->conns[k];

		if (tc->listener == 0 || !tc->incomplete)
			continue;
		memset(&src[n], 0, sizeof src[n]);
		src[n].listener = tc->listener;
		src[n].family = tc->ep[SIDE_CLIENT].family;
		memcpy(src[n].addr, tc->ep[SIDE_CLIENT].addr, sizeof src[n].addr);
		n++;
	}
	qsort(src, n, sizeof *src, inf_source_cmp);
	for (size_t l = 0; l < tr->nlisteners; l++) {
		tr->listeners[l].members = 0;
		tr->listeners[l].sources = 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct trace_listener *L = &tr->listeners[src[i].listener - 1];

		L->members++;
		if (i == 0 || inf_source_cmp(&src[i - 1], &src[i]) != 0)
			L->sources++;
	}
	for (size_t l = 0; l < tr->nlisteners; l++) {
		struct trace_listener *L = &tr->listeners[l];

		L->flood = L->members >= TRACE_FLOOD_MIN;
		/* The series runs to the end of the capture. */
		if (L->nseries > 0 && t_end > L->series_t0)
			inf_series(L, t_end, L->half_open);
	}
	free(src);
}
