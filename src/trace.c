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
	for (size_t i = 0; i < tr->nev; i++) {
		if (tr->ev[i].type == TRACE_NARRATION) {
			free(tr->ev[i].u.narr.text[0]);
			free(tr->ev[i].u.narr.text[1]);
		}
	}
	free(tr->ev);
	free(tr->conns);
	free(tr->opts);
	free(tr->summary[0]);
	free(tr->summary[1]);
	trace_init(tr);
}

int trace_add_conn(struct trace *tr, const struct endpoint *client,
    const struct endpoint *server)
{
	struct trace_conn *c;

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

size_t trace_forget_conns(struct trace *tr, int *newid)
{
	size_t nconns = 0, nev = 0, nopts = 0, gone = 0;

	for (size_t i = 0; i < tr->nconns; i++) {
		int id = (int)i + 1;

		if (newid[id] == 0)
			continue;
		newid[id] = (int)nconns + 1;
		tr->conns[nconns] = tr->conns[i];
		tr->conns[nconns++].id = newid[id];
	}
	/* Events and option sets keep their order, so both compact in one
	 * pass.  Events of no connection (conn 0) stay. */
	for (size_t i = 0; i < tr->nev; i++) {
		struct trace_event *e = &tr->ev[i];
		bool known = e->conn >= 1 && (size_t)e->conn <= tr->nconns;

		if (known && newid[e->conn] == 0) {
			if (e->type == TRACE_SEGMENT)
				gone++;
			else if (e->type == TRACE_NARRATION) {
				free(e->u.narr.text[0]);
				free(e->u.narr.text[1]);
			}
			continue;
		}
		if (known)
			e->conn = newid[e->conn];
		if (e->type == TRACE_SEGMENT && e->u.seg.opt >= 0) {
			tr->opts[nopts] = tr->opts[e->u.seg.opt];
			e->u.seg.opt = (int)nopts++;
		}
		tr->ev[nev++] = *e;
	}
	tr->nconns = nconns;
	tr->nev = nev;
	tr->nopts = nopts;
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

struct trace_event *trace_add_segment(struct trace *tr, int64_t t, int conn,
    int side, const struct segment *seg, int64_t t_arrived, uint32_t notes)
{
	struct trace_event *e;
	struct trace_conn *c;

	e = trace_append(tr, TRACE_SEGMENT, t, conn, side);
	e->u.seg.n = ++tr->nsegs;
	e->u.seg.seq = seg->seq;
	e->u.seg.ack = seg->ack;
	e->u.seg.len = seg->len;
	e->u.seg.win = seg->win;
	e->u.seg.flags = seg->flags;
	e->u.seg.lost = t_arrived == TRACE_T_NONE;
	e->u.seg.t_arrived = t_arrived;
	e->u.seg.notes = notes;
	e->u.seg.opt = -1;
	if (seg->opt.present != 0) {
		tr->opts = trace_grow(tr->opts, &tr->capopts, tr->nopts,
		    sizeof *tr->opts);
		tr->opts[tr->nopts] = seg->opt;
		e->u.seg.opt = (int)tr->nopts++;
	}

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
	const struct trace_conn *c = trace_conn(tr, e->conn);

	memset(out, 0, sizeof *out);
	if (c != NULL && e->side <= SIDE_SERVER) {
		out->src = c->ep[e->side];
		out->dst = c->ep[!e->side];
	}
	out->flags = e->u.seg.flags;
	out->seq = e->u.seg.seq;
	out->ack = e->u.seg.ack;
	out->len = e->u.seg.len;
	out->win = e->u.seg.win;
	if (e->u.seg.opt >= 0)
		out->opt = tr->opts[e->u.seg.opt];
}

/* Look a value up in a name table; NULL when out of range. */
#define NAME_OF(table, i) \
	((unsigned)(i) < sizeof (table) / sizeof (table)[0] ? (table)[i] : NULL)

static const char *const side_names[] = { "client", "server" };

static const char *const note_names[NOTE_NCOUNT] = {
	"retransmission", "keepalive", "dup-ack", "challenge-ack",
	"syn-cookie", "tfo-data", "window-zero", "out-of-window",
	"link-down", "delayed", "forged",
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
	for (int i = 0; i < TIMER_NKINDS; i++) {
		if (strcmp(name, timer_names[i]) == 0)
			return i;
	}
	return -1;
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
	for (int i = 0; i < APP_NCALLS; i++) {
		if (strcmp(name, app_call_names[i]) == 0)
			return i;
	}
	return -1;
}

const char *app_result_name(int result)
{
	if (result < 0 || result >= APP_NRESULTS)
		return "?";
	return app_result_names[result];
}
