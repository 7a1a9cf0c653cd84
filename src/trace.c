/*
 * trace.c: the event model of trace.h: appending events, connections and
 * option sets, relative sequence numbers, and the names the views print.
 */
/* strdup() is POSIX, not C99. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

/*
 * What trace.h packs: a capture keeps one segment event per packet, so
 * it must stay at 40 bytes, and the notes must fit their 16 bits.  (C99
 * has no static assertion; a negative array size stops the build.)
 */
extern char trace_check_event_size[sizeof (struct trace_event) <= 40 ? 1 : -1];
extern char trace_check_notes[NOTE_NCOUNT <= 16 ? 1 : -1];

/*
 * The append calls cannot report failure, so running out of memory is
 * fatal here, as in tmux's xmalloc.
 */
static void *trace_grow(void *arr, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return arr;
	ncap = *cap != 0 ? *cap * 2 : 64;
	p = realloc(arr, ncap * size);
	if (p == NULL) {
		fputs("tcpviz: out of memory\n", stderr);
		abort();
	}
	*cap = ncap;
	return p;
}

static char *trace_strdup(const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = strdup(s);
	if (p == NULL) {
		fputs("tcpviz: out of memory\n", stderr);
		abort();
	}
	return p;
}

void trace_init(struct trace *tr)
{
	memset(tr, 0, sizeof *tr);
}

void trace_free(struct trace *tr)
{
	/* A capture's narration is all pooled: no need to look. */
	for (size_t i = 0; tr->nnarr_owned > 0 && i < tr->nev; i++) {
		if (tr->ev[i].type == TRACE_NARRATION &&
		    !tr->ev[i].u.narr.pooled) {
			free(tr->ev[i].u.narr.text[0]);
			free(tr->ev[i].u.narr.text[1]);
			tr->nnarr_owned--;
		}
	}
	free(tr->ev);
	for (size_t i = 0; i < tr->npool; i++)
		free(tr->pool[i]);
	free(tr->pool);
	free(tr->pool_slot);
	for (size_t i = 0; i < tr->nckpts; i++)
		for (int l = 0; l < 2; l++) {
			free(tr->ckpts[i].ask[l]);
			free(tr->ckpts[i].answer[l]);
		}
	free(tr->ckpts);
	free(tr->conns);
	free(tr->optbuf);
	free(tr->opt_at);
	free(tr->opt_slot);
	free(tr->summary[0]);
	free(tr->summary[1]);
	free(tr->listeners);
	trace_init(tr);
}

int trace_add_conn(struct trace *tr, const struct endpoint *client,
    const struct endpoint *server)
{
	struct trace_conn *c;

	if (tr->nconns >= TRACE_CONN_MAX) {
		fprintf(stderr, "tcpviz: more than %d connections\n",
		    TRACE_CONN_MAX);
		abort();
	}
	tr->conns = trace_grow(tr->conns, &tr->capconns, tr->nconns,
	    sizeof *tr->conns);
	c = &tr->conns[tr->nconns++];
	memset(c, 0, sizeof *c);
	c->id = (int)tr->nconns;
	c->ep[SIDE_CLIENT] = *client;
	c->ep[SIDE_SERVER] = *server;
	return c->id;
}

const struct trace_conn *trace_conn(const struct trace *tr, int id)
{
	if (id < 1 || (size_t)id > tr->nconns)
		return NULL;
	return &tr->conns[id - 1];
}

/* The most bytes a packed option set takes (trace_opt_pack()). */
#define TRACE_OPT_PACKED_MAX (1 + 2 + 1 + 1 + 8 * SEG_MAX_SACK + 8 + 1 + \
	SEG_MAX_TFO_COOKIE)

/* What trace_opt_pack() keeps of `present`. */
extern char trace_check_segopt[(SEGOPT_MSS | SEGOPT_WSCALE | SEGOPT_SACK_PERM |
    SEGOPT_SACK | SEGOPT_TIMESTAMP | SEGOPT_TFO) <= 0xff ? 1 : -1];

/*
 * An option set as the trace keeps it (trace.h): the present bits, then
 * the fields of the options present in the order of the SEGOPT_* bits,
 * in host order without padding: MSS, window scale, SACK (the block
 * count, then as many blocks as there are, up to SEG_MAX_SACK),
 * timestamps, Fast Open (the cookie's length, then its bytes).  Equal
 * sets pack to equal bytes.  Returns their number.
 */
static size_t trace_opt_pack(const struct segment_options *o, uint8_t *out)
{
	size_t n = 0;

	out[n++] = (uint8_t)o->present;
	if (o->present & SEGOPT_MSS) {
		memcpy(out + n, &o->mss, 2);
		n += 2;
	}
	if (o->present & SEGOPT_WSCALE)
		out[n++] = o->wscale;
	if (o->present & SEGOPT_SACK) {
		size_t blocks = o->nsack < SEG_MAX_SACK ? o->nsack : SEG_MAX_SACK;

		out[n++] = o->nsack;
		memcpy(out + n, o->sack, blocks * sizeof o->sack[0]);
		n += blocks * sizeof o->sack[0];
	}
	if (o->present & SEGOPT_TIMESTAMP) {
		memcpy(out + n, &o->ts_val, 4);
		memcpy(out + n + 4, &o->ts_ecr, 4);
		n += 8;
	}
	if (o->present & SEGOPT_TFO) {
		size_t len = o->tfo_len < SEG_MAX_TFO_COOKIE ? o->tfo_len :
		    SEG_MAX_TFO_COOKIE;

		out[n++] = o->tfo_len;
		memcpy(out + n, o->tfo_cookie, len);
		n += len;
	}
	return n;
}

/* The inverse; returns the number of bytes read. */
static size_t trace_opt_unpack(const uint8_t *in, struct segment_options *o)
{
	size_t n = 0;

	memset(o, 0, sizeof *o);
	o->present = in[n++];
	if (o->present & SEGOPT_MSS) {
		memcpy(&o->mss, in + n, 2);
		n += 2;
	}
	if (o->present & SEGOPT_WSCALE)
		o->wscale = in[n++];
	if (o->present & SEGOPT_SACK) {
		size_t blocks;

		o->nsack = in[n++];
		blocks = o->nsack < SEG_MAX_SACK ? o->nsack : SEG_MAX_SACK;
		memcpy(o->sack, in + n, blocks * sizeof o->sack[0]);
		n += blocks * sizeof o->sack[0];
	}
	if (o->present & SEGOPT_TIMESTAMP) {
		memcpy(&o->ts_val, in + n, 4);
		memcpy(&o->ts_ecr, in + n + 4, 4);
		n += 8;
	}
	if (o->present & SEGOPT_TFO) {
		size_t len;

		o->tfo_len = in[n++];
		len = o->tfo_len < SEG_MAX_TFO_COOKIE ? o->tfo_len :
		    SEG_MAX_TFO_COOKIE;
		memcpy(o->tfo_cookie, in + n, len);
		n += len;
	}
	return n;
}

/* The length of packed set k. */
static size_t trace_opt_len(const struct trace *tr, size_t k)
{
	struct segment_options o;

	return trace_opt_unpack(tr->optbuf + tr->opt_at[k], &o);
}

/* FNV-1a over a packed set. */
static uint32_t trace_opt_hash(const uint8_t *p, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/*
 * Whether equal sets are looked for: a timestamp is a clock, so a set
 * with one is all but never seen twice, and a table entry for it would
 * only cost memory (a capture's SACK blocks come with timestamps).
 */
static bool trace_opt_shared(const uint8_t *packed)
{
	return !(packed[0] & SEGOPT_TIMESTAMP);
}

/* Index the option sets that may be shared afresh, in a table at most
 * half full so that probes stay short. */
static void trace_opt_rehash(struct trace *tr)
{
	size_t n = 64, mask;

	tr->nopt_keys = 0;
	for (size_t k = 0; k < tr->nopts; k++)
		tr->nopt_keys += trace_opt_shared(tr->optbuf + tr->opt_at[k]);
	while (n < tr->nopt_keys * 2 + 2)
		n *= 2;
	free(tr->opt_slot);
	tr->opt_slot = calloc(n, sizeof *tr->opt_slot);
	if (tr->opt_slot == NULL) {
		fputs("tcpviz: out of memory\n", stderr);
		abort();
	}
	tr->nopt_slot = n;
	mask = n - 1;
	for (size_t k = 0; k < tr->nopts; k++) {
		const uint8_t *p = tr->optbuf + tr->opt_at[k];
		uint32_t h;
		size_t i;

		if (!trace_opt_shared(p))
			continue;
		h = trace_opt_hash(p, trace_opt_len(tr, k));
		for (i = h & mask; tr->opt_slot[i].index != 0; i = (i + 1) & mask)
			;
		tr->opt_slot[i].hash = h;
		tr->opt_slot[i].index = (uint32_t)k + 1;
	}
}

/* A new option set, packed in p, at the end of trace.optbuf. */
static int trace_opt_append(struct trace *tr, const uint8_t *p, size_t len)
{
	if (tr->noptbuf + len > UINT32_MAX) {
		fputs("tcpviz: out of memory\n", stderr);
		abort();
	}
	while (tr->noptbuf + len > tr->capoptbuf)
		tr->optbuf = trace_grow(tr->optbuf, &tr->capoptbuf,
		    tr->capoptbuf, 1);
	memcpy(tr->optbuf + tr->noptbuf, p, len);
	tr->opt_at = trace_grow(tr->opt_at, &tr->capopts, tr->nopts,
	    sizeof *tr->opt_at);
	tr->opt_at[tr->nopts] = (uint32_t)tr->noptbuf;
	tr->noptbuf += len;
	return (int)tr->nopts++;
}

/*
 * The index of an option set equal to `o`, added if there is none yet:
 * a SYN's options repeat from connection to connection when there are
 * no timestamps.
 */
static int trace_opt_index(struct trace *tr, const struct segment_options *o)
{
	uint8_t p[TRACE_OPT_PACKED_MAX];
	size_t len = trace_opt_pack(o, p), mask, i;
	uint32_t h;

	if (!trace_opt_shared(p))
		return trace_opt_append(tr, p, len);
	h = trace_opt_hash(p, len);
	if (tr->nopt_slot < tr->nopt_keys * 2 + 2)
		trace_opt_rehash(tr);
	mask = tr->nopt_slot - 1;
	for (i = h & mask; tr->opt_slot[i].index != 0; i = (i + 1) & mask) {
		const struct trace_opt_slot *sl = &tr->opt_slot[i];

		if (sl->hash == h && trace_opt_len(tr, sl->index - 1) == len &&
		    memcmp(tr->optbuf + tr->opt_at[sl->index - 1], p, len) == 0)
			return (int)sl->index - 1;
	}
	tr->opt_slot[i].hash = h;
	tr->opt_slot[i].index = (uint32_t)tr->nopts + 1;
	tr->nopt_keys++;
	return trace_opt_append(tr, p, len);
}

void trace_options(const struct trace *tr, const struct trace_event *e,
    struct segment_options *out)
{
	if (e->u.seg.opt < 0)
		memset(out, 0, sizeof *out);
	else
		trace_opt_unpack(tr->optbuf + tr->opt_at[e->u.seg.opt], out);
}

size_t trace_forget_conns(struct trace *tr, int *newid)
{
	size_t nconns = 0, nev = 0, nopts = 0, noptbuf = 0, gone = 0;
	int *newopt = malloc((tr->nopts + 1) * sizeof *newopt);

	for (size_t i = 0; i < tr->nconns; i++) {
		int id = (int)i + 1;

		if (newid[id] == 0)
			continue;
		newid[id] = (int)nconns + 1;
		tr->conns[nconns] = tr->conns[i];
		tr->conns[nconns++].id = newid[id];
	}
	/*
	 * Events and option sets keep their order, so both compact in one
	 * pass: an option set first used by a kept event moves down to the
	 * next free place (never past a set still to be read, since sets
	 * are added in order of first use, and packed in that order too);
	 * later users follow it there.  Events of no connection (conn 0)
	 * stay.
	 */
	if (newopt == NULL) {
		fputs("tcpviz: out of memory\n", stderr);
		abort();
	}
	for (size_t k = 0; k < tr->nopts; k++)
		newopt[k] = -1;
	for (size_t i = 0; i < tr->nev; i++) {
		struct trace_event *e = &tr->ev[i];
		bool known = e->conn >= 1 && (size_t)e->conn <= tr->nconns;

		if (known && newid[e->conn] == 0) {
			if (e->type == TRACE_SEGMENT)
				gone++;
			else if (e->type == TRACE_NARRATION && !e->u.narr.pooled) {
				free(e->u.narr.text[0]);
				free(e->u.narr.text[1]);
				tr->nnarr_owned--;
			}
			continue;
		}
		if (known)
			e->conn = newid[e->conn];
		if (e->type == TRACE_SEGMENT && e->u.seg.opt >= 0) {
			int k = e->u.seg.opt;

			if (newopt[k] < 0) {
				size_t len = trace_opt_len(tr, (size_t)k);

				memmove(tr->optbuf + noptbuf,
				    tr->optbuf + tr->opt_at[k], len);
				tr->opt_at[nopts] = (uint32_t)noptbuf;
				noptbuf += len;
				newopt[k] = (int)nopts++;
			}
			e->u.seg.opt = newopt[k];
		}
		tr->ev[nev++] = *e;
	}
	free(newopt);
	tr->nconns = nconns;
	tr->nev = nev;
	tr->nopts = nopts;
	tr->noptbuf = noptbuf;
	trace_opt_rehash(tr);
	return gone;
}

static struct trace_event *trace_append(struct trace *tr, int type, int64_t t,
    int conn, int side)
{
	struct trace_event *e;

	tr->ev = trace_grow(tr->ev, &tr->capev, tr->nev, sizeof *tr->ev);
	e = &tr->ev[tr->nev++];
	memset(e, 0, sizeof *e);
	e->type = (uint8_t)type;
	e->side = (uint8_t)side;
	e->conn = conn;
	e->t = t;
	return e;
}

/*
 * The event of segment n, or SIZE_MAX if it went (trace_forget_conns()).
 * Segment events come in the order of their numbers, so a binary search
 * finds it without an index (which would cost a capture 8 bytes a
 * packet); most notes are for a segment just sent, so look back a
 * little first.
 */
static size_t trace_find_segment(const struct trace *tr, uint32_t n)
{
	size_t lo = 0, hi = tr->nev;

	for (size_t i = tr->nev; i-- > 0 && tr->nev - i <= 64;) {
		if (tr->ev[i].type != TRACE_SEGMENT)
			continue;
		if (tr->ev[i].n == n)
			return i;
		if (tr->ev[i].n < n)
			return SIZE_MAX;
		hi = i;
		break;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, j = mid;

		/* The first segment event at or after mid. */
		while (j < hi && tr->ev[j].type != TRACE_SEGMENT)
			j++;
		if (j == hi || tr->ev[j].n > n)
			hi = mid;
		else if (tr->ev[j].n < n)
			lo = j + 1;
		else
			return j;
	}
	return SIZE_MAX;
}

void trace_note_segment(struct trace *tr, uint32_t n, uint32_t notes)
{
	size_t i;

	if (notes == 0 || n < 1 || n > tr->nsegs)
		return;
	i = trace_find_segment(tr, n);
	if (i != SIZE_MAX)
		tr->ev[i].u.seg.notes |= (uint16_t)notes;
}

struct trace_event *trace_add_segment(struct trace *tr, int64_t t, int conn,
    int side, const struct segment *seg, int64_t t_arrived, uint32_t notes)
{
	struct trace_event *e;
	struct trace_conn *c;

	e = trace_append(tr, TRACE_SEGMENT, t, conn, side);
	e->n = ++tr->nsegs;
	e->u.seg.seq = seg->seq;
	e->u.seg.ack = seg->ack;
	e->u.seg.len = seg->len < TRACE_LEN_MAX ? seg->len : TRACE_LEN_MAX;
	e->u.seg.win = seg->win;
	e->u.seg.flags = seg->flags;
	e->u.seg.lost = t_arrived == TRACE_T_NONE;
	if (!e->u.seg.lost)
		e->u.seg.delay = (uint32_t)(t_arrived < t ? 0 :
		    t_arrived - t > TRACE_DELAY_MAX ? TRACE_DELAY_MAX :
		    t_arrived - t);
	e->u.seg.notes = (uint16_t)notes;
	e->u.seg.opt = seg->opt.present != 0 ? trace_opt_index(tr, &seg->opt) : -1;

	if (conn < 1 || (size_t)conn > tr->nconns || side > SIDE_SERVER)
		return e;
	c = &tr->conns[conn - 1];
	/*
	 * The first SYN's ISN wins: a retransmitted SYN has the same seq, and
	 * moving the base later would renumber segments already shown.
	 */
	if ((seg->flags & SEG_SYN) && !c->base_is_isn[side]) {
		c->base[side] = seg->seq;
		c->base_known[side] = true;
		c->base_is_isn[side] = true;
	} else if (!c->base_known[side]) {
		c->base[side] = seg->seq;
		c->base_known[side] = true;
	}
	return e;
}

void trace_add_state(struct trace *tr, int64_t t, int conn, int side,
    enum tcp_state from, enum tcp_state to, const char *cause)
{
	struct trace_event *e = trace_append(tr, TRACE_STATE, t, conn, side);

	e->u.state.from = (uint8_t)from;
	e->u.state.to = (uint8_t)to;
	e->u.state.cause = cause;
}

void trace_add_timer(struct trace *tr, int64_t t, int conn, int side,
    int timer, int action, int64_t expires)
{
	struct trace_event *e = trace_append(tr, TRACE_TIMER, t, conn, side);

	e->u.timer.timer = (uint8_t)timer;
	e->u.timer.action = (uint8_t)action;
	e->u.timer.expires = expires;
}

void trace_add_app(struct trace *tr, int64_t t, int conn, int side,
    int call, int result, uint32_t arg)
{
	struct trace_event *e = trace_append(tr, TRACE_APP, t, conn, side);

	e->u.app.call = (uint8_t)call;
	e->u.app.result = (uint8_t)result;
	e->u.app.arg = arg;
}

void trace_add_narration(struct trace *tr, int64_t t, int conn, int side,
    const char *en, const char *zh)
{
	struct trace_event *e = trace_append(tr, TRACE_NARRATION, t, conn, side);

	e->u.narr.text[0] = trace_strdup(en);
	e->u.narr.text[1] = trace_strdup(zh);
	tr->nnarr_owned++;
}

const char *trace_narration(const struct trace *tr,
    const struct trace_event *e, int lang)
{
	if (lang < 0 || lang > 1)
		return NULL;
	if (e->type == TRACE_NARRATION)
		return e->u.narr.text[lang];
	if (e->type == TRACE_STATE && e->u.state.narr[lang] != 0)
		return tr->pool[e->u.state.narr[lang] - 1];
	return NULL;
}

void trace_add_checkpoint(struct trace *tr, int64_t t, int conn, int side,
    const char *const ask[2], const char *const answer[2])
{
	struct trace_checkpoint *c;

	tr->ckpts = trace_grow(tr->ckpts, &tr->capckpts, tr->nckpts,
	    sizeof *tr->ckpts);
	c = &tr->ckpts[tr->nckpts++];
	c->at = tr->nev;
	c->t = t;
	c->conn = conn;
	c->side = (uint8_t)side;
	for (int l = 0; l < 2; l++) {
		c->ask[l] = trace_strdup(ask[l]);
		c->answer[l] = trace_strdup(answer[l]);
	}
}

void trace_set_summary(struct trace *tr, const char *en, const char *zh)
{
	free(tr->summary[0]);
	free(tr->summary[1]);
	tr->summary[0] = trace_strdup(en);
	tr->summary[1] = trace_strdup(zh);
}

uint32_t trace_rel_seq(const struct trace *tr, const struct trace_event *e)
{
	const struct trace_conn *c = trace_conn(tr, e->conn);

	if (c == NULL || e->side > SIDE_SERVER || !c->base_known[e->side])
		return e->u.seg.seq;
	return e->u.seg.seq - c->base[e->side];
}

uint32_t trace_rel_ack(const struct trace *tr, const struct trace_event *e)
{
	const struct trace_conn *c = trace_conn(tr, e->conn);
	int peer = !e->side;

	if (!(e->u.seg.flags & SEG_ACK))
		return 0;
	/* Nothing seen from the peer yet (a RST reply to a lone SYN). */
	if (c == NULL || e->side > SIDE_SERVER || !c->base_known[peer])
		return e->u.seg.ack;
	return e->u.seg.ack - c->base[peer];
}

void trace_segment(const struct trace *tr, const struct trace_event *e,
    struct segment *out)
{
	static const struct endpoint nowhere;
	const struct trace_conn *c = trace_conn(tr, e->conn);
	bool known = c != NULL && e->side <= SIDE_SERVER;

	/* Field by field rather than memset() first: inference rebuilds the
	 * segment of every captured packet. */
	out->src = known ? c->ep[e->side] : nowhere;
	out->dst = known ? c->ep[!e->side] : nowhere;
	out->flags = e->u.seg.flags;
	out->seq = e->u.seg.seq;
	out->ack = e->u.seg.ack;
	out->len = e->u.seg.len;
	out->win = e->u.seg.win;
	out->urp = 0;
	trace_options(tr, e, &out->opt);
}

/* Look a value up in a name table; NULL when out of range. */
#define NAME_OF(table, i) \
	((unsigned)(i) < sizeof (table) / sizeof (table)[0] ? (table)[i] : NULL)
/* The index of name in table, -1 if it is not there. */
#define INDEX_OF(table, name) \
	name_index(table, (int)(sizeof (table) / sizeof (table)[0]), name)

static int name_index(const char *const *table, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(name, table[i]) == 0)
			return i;
	return -1;
}

static const char *const side_names[] = { "client", "server" };

static const char *const note_names[NOTE_NCOUNT] = {
	"retransmission", "keepalive", "dup-ack", "challenge-ack",
	"syn-cookie", "tfo-data", "window-zero", "out-of-window",
	"link-down", "delayed", "forged", "queue-full",
	"refused", "abort", "half-open", "challenge",
};

static const char *const timer_names[TIMER_NKINDS] = {
	[TIMER_RETRANSMIT] = "retransmit",
	[TIMER_DELACK] = "delayed-ack",
	[TIMER_KEEPALIVE] = "keepalive",
	[TIMER_TIME_WAIT] = "time-wait",
	[TIMER_FIN_WAIT_2] = "fin-wait-2",
};

static const char *const timer_action_names[] = {
	[TIMER_ARMED] = "armed",
	[TIMER_FIRED] = "fired",
	[TIMER_CANCELLED] = "cancelled",
};

static const char *const app_call_names[APP_NCALLS] = {
	[APP_LISTEN] = "listen",
	[APP_CONNECT] = "connect",
	[APP_ACCEPT] = "accept",
	[APP_SEND] = "send",
	[APP_RECV] = "recv",
	[APP_SHUTDOWN] = "shutdown",
	[APP_CLOSE] = "close",
	[APP_ABORT] = "abort",
	[APP_CRASH] = "crash",
	[APP_KEEPALIVE] = "keepalive",
	[APP_REUSEADDR] = "reuseaddr",
	[APP_FASTOPEN] = "fastopen",
};

/* APP_PENDING has no name (NULL): the call has not returned yet. */
static const char *const app_result_names[APP_NRESULTS] = {
	[APP_PENDING] = NULL,
	[APP_OK] = "ok",
	[APP_ECONNREFUSED] = "ECONNREFUSED",
	[APP_ETIMEDOUT] = "ETIMEDOUT",
	[APP_ECONNRESET] = "ECONNRESET",
	[APP_EADDRINUSE] = "EADDRINUSE",
	[APP_EPIPE] = "EPIPE",
};

const char *trace_side_name(int side)
{
	const char *s = NAME_OF(side_names, side);

	return s != NULL ? s : "?";
}

const char *trace_note_name(unsigned bit_index)
{
	const char *s = NAME_OF(note_names, bit_index);

	return s != NULL ? s : "?";
}

const char *trace_timer_name(int timer)
{
	const char *s = NAME_OF(timer_names, timer);

	return s != NULL ? s : "?";
}

int trace_timer_parse(const char *name)
{
	return INDEX_OF(timer_names, name);
}

const char *trace_timer_action_name(int action)
{
	const char *s = NAME_OF(timer_action_names, action);

	return s != NULL ? s : "?";
}

const char *app_call_name(int call)
{
	const char *s = NAME_OF(app_call_names, call);

	return s != NULL ? s : "?";
}

int app_call_parse(const char *name)
{
	return INDEX_OF(app_call_names, name);
}

const char *app_result_name(int result)
{
	if (result < 0 || result >= APP_NRESULTS)
		return "?";
	return app_result_names[result];	/* NULL for APP_PENDING */
}
