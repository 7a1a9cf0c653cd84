/*
 * conntrack.c: four-tuple -> connection, for conntrack.h.  An open-
 * addressing hash table maps each four-tuple (in either direction) to
 * the id of its newest connection; a small record per connection, kept
 * parallel to the trace's connection table, says how far its close has
 * got.  Bounds are enforced in batches so that letting connections go
 * costs a constant per packet on average.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conntrack.h"
#include "infer.h"

/* Bits of ct_entry.flags. */
enum {
	CT_FIN_CLIENT = 0x01,	/* CT_FIN_CLIENT << side: a FIN seen */
	CT_FIN_SERVER = 0x02,
	CT_ACKED_CLIENT = 0x04,	/* CT_ACKED_CLIENT << side: that FIN acked */
	CT_ACKED_SERVER = 0x08,
	CT_RST = 0x10,
	CT_LIVE = 0x20,		/* the table maps its four-tuple to it */
};

#define CT_FINISHED_CLOSE \
	(CT_FIN_CLIENT | CT_FIN_SERVER | CT_ACKED_CLIENT | CT_ACKED_SERVER)

/* 16 bytes per connection; the endpoints are in the trace's table. */
struct ct_entry {
	uint32_t hash;		/* of the four-tuple, for rebuilding */
	uint32_t fin_end[2];	/* per side: the sequence number after its FIN */
	uint8_t flags;
};

/*
 * A slot of the table: the four-tuple's hash is kept beside the id so
 * that a probe past other connections touches no other memory (with
 * tens of thousands of connections, every other touch is a cache miss).
 */
struct ct_slot {
	uint32_t hash;
	uint32_t id;		/* 0: empty */
};

struct conntrack {
	struct trace *tr;
	struct conntrack_limits lim;
	struct ct_entry *ent;	/* ent[id - 1] */
	size_t capent;
	struct ct_slot *slot;
	size_t nslot;		/* a power of two */
	size_t nlive;		/* slots in use */
	bool started;
	int64_t t0, tlast;
	size_t kept;		/* segment events in the trace */
	size_t next_packets;	/* look at the bounds again past these */
	size_t next_conns;
	int pinned;
	struct conntrack_stats stats;
	struct infer *inf;	/* NULL: no inference */
};

/* As trace.c does: the append calls cannot fail, so this is fatal. */
static void *ct_alloc(void *p, size_t n, size_t size)
{
	p = realloc(p, n * size);
	if (p == NULL) {
		fputs("tcpviz: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* What tells an endpoint apart, a 32-bit word at a time (every packet
 * is hashed, so bytes at a time would show). */
static uint32_t ct_ep_hash(const struct endpoint *e)
{
	uint32_t w[4] = { 0, 0, 0, 0 }, h;

	/* Constant lengths: loads, not a call. */
	if (e->family == 4)
		memcpy(w, e->addr, 4);
	else
		memcpy(w, e->addr, 16);
	h = (uint32_t)e->port << 8 ^ e->family;
	for (int i = 0; i < 4; i++)
		h = (h ^ w[i]) * 0x9e3779b1u + (h >> 15);
	return h;
}

/* The same for both directions: the sum commutes; then mix the bits
 * (MurmurHash3's finaliser) since the table uses the low ones. */
static uint32_t ct_hash(const struct endpoint *a, const struct endpoint *b)
{
	uint32_t h = ct_ep_hash(a) + ct_ep_hash(b);

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

/* endpoint_eq() with lengths known when compiling, so that the
 * comparisons of every packet need no call. */
static inline bool ct_ep_eq(const struct endpoint *a, const struct endpoint *b)
{
	if (a->family != b->family || a->port != b->port)
		return false;
	return a->family == 4 ? memcmp(a->addr, b->addr, 4) == 0 :
	    memcmp(a->addr, b->addr, 16) == 0;
}

static bool ct_same_tuple(const struct trace_conn *c, const struct segment *s)
{
	return (ct_ep_eq(&s->src, &c->ep[SIDE_CLIENT]) &&
	    ct_ep_eq(&s->dst, &c->ep[SIDE_SERVER])) ||
	    (ct_ep_eq(&s->src, &c->ep[SIDE_SERVER]) &&
	    ct_ep_eq(&s->dst, &c->ep[SIDE_CLIENT]));
}

/*
 * The slot of the segment's four-tuple: *id is its connection, or 0 and
 * the slot is the empty one where it would go.
 */
static size_t ct_find(const struct conntrack *ct, const struct segment *s,
    uint32_t h, int *id)
{
	size_t mask = ct->nslot - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		const struct ct_slot *sl = &ct->slot[i];

		*id = (int)sl->id;
		if (sl->id == 0 || (sl->hash == h &&
		    ct_same_tuple(&ct->tr->conns[sl->id - 1], s)))
			return i;
	}
}

/* Fill a table of `nslot` slots with the live connections. */
static void ct_rebuild(struct conntrack *ct, size_t nslot)
{
	size_t mask = nslot - 1;

	ct->slot = ct_alloc(ct->slot, nslot, sizeof *ct->slot);
	memset(ct->slot, 0, nslot * sizeof *ct->slot);
	ct->nslot = nslot;
	ct->nlive = 0;
	for (size_t id = 1; id <= ct->tr->nconns; id++) {
		size_t i;

		if (!(ct->ent[id - 1].flags & CT_LIVE))
			continue;
		for (i = ct->ent[id - 1].hash & mask; ct->slot[i].id != 0;
		    i = (i + 1) & mask)
			;
		ct->slot[i].hash = ct->ent[id - 1].hash;
		ct->slot[i].id = (uint32_t)id;
		ct->nlive++;
	}
}

struct conntrack *conntrack_new(struct trace *tr,
    const struct conntrack_limits *lim)
{
	struct conntrack *ct = calloc(1, sizeof *ct);

	if (ct == NULL)
		return NULL;
	ct->tr = tr;
	if (lim != NULL)
		ct->lim = *lim;
	/* Passing this bound makes room before the trace is full. */
	if (ct->lim.max_conns == 0 || ct->lim.max_conns > TRACE_CONN_MAX - 1)
		ct->lim.max_conns = TRACE_CONN_MAX - 1;
	ct->next_packets = ct->lim.max_packets;
	ct->next_conns = ct->lim.max_conns;
	ct_rebuild(ct, 1024);
	return ct;
}

void conntrack_free(struct conntrack *ct)
{
	if (ct == NULL)
		return;
	free(ct->ent);
	free(ct->slot);
	free(ct);
}

static bool ct_finished(const struct ct_entry *e)
{
	return (e->flags & CT_RST) ||
	    (e->flags & CT_FINISHED_CLOSE) == CT_FINISHED_CLOSE;
}

/*
 * Whether a segment on the four-tuple of connection `id` opens a new one:
 * a SYN after the old one finished, unless it repeats the old client's
 * SYN (same ISN), which is a retransmission.
 */
static bool ct_reopens(const struct conntrack *ct, int id,
    const struct segment *s)
{
	const struct trace_conn *c = &ct->tr->conns[id - 1];

	if ((s->flags & (SEG_SYN | SEG_ACK)) != SEG_SYN ||
	    !ct_finished(&ct->ent[id - 1]))
		return false;
	return !(endpoint_eq(&s->src, &c->ep[SIDE_CLIENT]) &&
	    c->base_is_isn[SIDE_CLIENT] && c->base[SIDE_CLIENT] == s->seq);
}

/*
 * Whether the sender of the first segment seen of a connection is its
 * client: it sent a SYN; else, when the SYN was missed, the receiver has
 * the lower (well-known) port.
 */
static bool ct_sender_is_client(const struct segment *s)
{
	if (s->flags & SEG_SYN)
		return !(s->flags & SEG_ACK);
	return s->dst.port <= s->src.port;
}

/* A new connection for the segment's four-tuple, whose slot is `i`. */
static int ct_open(struct conntrack *ct, const struct segment *s,
    uint32_t h, size_t i)
{
	bool client = ct_sender_is_client(s);
	int id = trace_add_conn(ct->tr, client ? &s->src : &s->dst,
	    client ? &s->dst : &s->src);
	struct ct_entry *e;

	if ((size_t)id > ct->capent) {
		ct->capent = ct->capent ? ct->capent * 2 : 64;
		ct->ent = ct_alloc(ct->ent, ct->capent, sizeof *ct->ent);
	}
	e = &ct->ent[id - 1];
	memset(e, 0, sizeof *e);
	e->hash = h;
	e->flags = CT_LIVE;
	/* A connection that reopens a four-tuple takes the old one's slot. */
	if (ct->slot[i].id != 0)
		ct->ent[ct->slot[i].id - 1].flags &= (uint8_t)~CT_LIVE;
	else
		ct->nlive++;
	ct->slot[i].hash = h;
	ct->slot[i].id = (uint32_t)id;
	/* At most half full, so that probes stay short. */
	if (ct->nlive > ct->nslot / 2)
		ct_rebuild(ct, ct->nslot * 2);
	return id;
}

/* How far the close has got, from one more segment of `side`. */
static void ct_track(struct ct_entry *e, int side, const struct segment *s)
{
	int peer = !side;

	if (s->flags & SEG_RST)
		e->flags |= CT_RST;
	if (s->flags & SEG_FIN) {
		e->fin_end[side] = s->seq + segment_seqlen(s);
		e->flags |= (uint8_t)(CT_FIN_CLIENT << side);
	}
	if ((s->flags & SEG_ACK) && (e->flags & (CT_FIN_CLIENT << peer)) &&
	    seq_ge(s->ack, e->fin_end[peer]))
		e->flags |= (uint8_t)(CT_ACKED_CLIENT << peer);
}

/*
 * Let connections go until both bounds are a quarter below their limit:
 * first finished ones, then the others, oldest first, never the pinned
 * one nor `current`.  Returns current's new id.
 */
static int ct_let_go(struct conntrack *ct, int current)
{
	struct trace *tr = ct->tr;
	size_t n = tr->nconns, conns = n, packets = ct->kept, gone = 0;
	size_t want_p = ct->lim.max_packets - ct->lim.max_packets / 4;
	size_t want_c = ct->lim.max_conns - ct->lim.max_conns / 4;
	uint32_t *count = calloc(n + 1, sizeof *count);
	int *newid = malloc((n + 1) * sizeof *newid);

	if (count == NULL || newid == NULL) {
		fputs("tcpviz: out of memory\n", stderr);
		abort();
	}
	for (size_t i = 0; i < tr->nev; i++) {
		if (tr->ev[i].type == TRACE_SEGMENT)
			count[tr->ev[i].conn]++;
	}
	for (size_t id = 0; id <= n; id++)
		newid[id] = 1;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t id = 1; id <= n; id++) {
			if ((!ct->lim.max_packets || packets <= want_p) &&
			    conns <= want_c)
				break;
			if (newid[id] == 0 || (int)id == ct->pinned ||
			    (int)id == current ||
			    (pass == 0 && !ct_finished(&ct->ent[id - 1])))
				continue;
			newid[id] = 0;
			packets -= count[id];
			conns--;
		}
	}
	if (conns < n) {
		gone = trace_forget_conns(tr, newid);
		if (ct->inf != NULL)
			infer_forget(ct->inf, newid, n);
		for (size_t id = 1; id <= n; id++) {
			if (newid[id] != 0)
				ct->ent[newid[id] - 1] = ct->ent[id - 1];
		}
		if (ct->pinned >= 1 && (size_t)ct->pinned <= n)
			ct->pinned = newid[ct->pinned];
		current = newid[current];
		ct->kept -= gone;
		ct->stats.conns += n - conns;
		ct->stats.packets += gone;
		ct_rebuild(ct, ct->nslot);
	}
	/* If the pinned and current connections alone pass a bound, try
	 * again only after another quarter of it. */
	ct->next_packets = ct->kept + ct->lim.max_packets / 4;
	if (ct->next_packets < ct->lim.max_packets)
		ct->next_packets = ct->lim.max_packets;
	ct->next_conns = tr->nconns + ct->lim.max_conns / 4;
	if (ct->next_conns < ct->lim.max_conns)
		ct->next_conns = ct->lim.max_conns;
	free(count);
	free(newid);
	return current;
}

/* Options the trace keeps: see conntrack.h.  `buf` holds a trimmed copy. */
static const struct segment *ct_kept(const struct segment *s,
    struct segment *buf)
{
	if (s->opt.present == 0 || (s->flags & SEG_SYN) ||
	    (s->opt.present & (SEGOPT_SACK | SEGOPT_TFO)))
		return s;
	*buf = *s;
	buf->opt.present = 0;
	return buf;
}

int conntrack_add(struct conntrack *ct, int64_t t_us,
    const struct segment *seg)
{
	uint32_t h = ct_hash(&seg->src, &seg->dst);
	struct segment trimmed;
	int64_t t;
	size_t i;
	int id, side;

	i = ct_find(ct, seg, h, &id);
	if (id == 0 || ct_reopens(ct, id, seg))
		id = ct_open(ct, seg, h, i);
	side = ct_ep_eq(&seg->src, &ct->tr->conns[id - 1].ep[SIDE_CLIENT]) ?
	    SIDE_CLIENT : SIDE_SERVER;
	ct_track(&ct->ent[id - 1], side, seg);

	if (!ct->started) {
		ct->started = true;
		ct->t0 = t_us;
	}
	t = t_us - ct->t0;
	if (t < ct->tlast)
		t = ct->tlast;
	ct->tlast = t;
	/* Inferred timeouts due by now come before the segment. */
	if (ct->inf != NULL)
		infer_advance(ct->inf, t);
	trace_add_segment(ct->tr, t, id, side, ct_kept(seg, &trimmed), t, 0);
	if (ct->inf != NULL)
		infer_segment(ct->inf, ct->tr->nev - 1);
	ct->kept++;

	if ((ct->lim.max_packets && ct->kept > ct->next_packets) ||
	    ct->tr->nconns > ct->next_conns)
		id = ct_let_go(ct, id);
	return id;
}

void conntrack_idle(struct conntrack *ct, int64_t t_us)
{
	int64_t t;

	if (!ct->started)
		return;
	t = t_us - ct->t0;
	if (t <= ct->tlast)
		return;
	ct->tlast = t;
	if (ct->inf != NULL)
		infer_advance(ct->inf, t);
}

void conntrack_infer(struct conntrack *ct, struct infer *inf)
{
	ct->inf = inf;
}

void conntrack_pin(struct conntrack *ct, int conn)
{
	ct->pinned = conn;
}

int conntrack_pinned(const struct conntrack *ct)
{
	return ct->pinned;
}

void conntrack_stats(const struct conntrack *ct, struct conntrack_stats *st)
{
	*st = ct->stats;
}
