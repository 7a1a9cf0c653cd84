/*
 * trace_capture.c: the parts of the trace model that only captures use
 * (trace.h): listener records for SYN floods, the per-connection
 * summary that a list of connections shows, and the pool that keeps
 * the recurring sentences of inferred narration once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

/* As trace.c does: the append calls cannot fail, so this is fatal. */
static void *tc_alloc(void *p, size_t n, size_t size)
{
	p = realloc(p, n * size);
	if (p == NULL) {
		fputs("tcpviz: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* FNV-1a */
static uint32_t tc_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static void tc_slot_put(struct trace *tr, uint32_t index)
{
	size_t mask = tr->npool_slot - 1, i;

	for (i = tc_hash(tr->pool[index - 1]) & mask; tr->pool_slot[i] != 0;
	    i = (i + 1) & mask)
		;
	tr->pool_slot[i] = index;
}

uint32_t trace_pool(struct trace *tr, const char *s)
{
	size_t len = strlen(s);
	char *copy;

	if (tr->npool_slot > 0) {
		size_t mask = tr->npool_slot - 1;

		for (size_t i = tc_hash(s) & mask; tr->pool_slot[i] != 0;
		    i = (i + 1) & mask) {
			if (strcmp(tr->pool[tr->pool_slot[i] - 1], s) == 0)
				return tr->pool_slot[i];
		}
	}
	if (tr->npool == tr->cappool) {
		tr->cappool = tr->cappool ? tr->cappool * 2 : 64;
		tr->pool = tc_alloc(tr->pool, tr->cappool, sizeof *tr->pool);
	}
	copy = tc_alloc(NULL, len + 1, 1);
	memcpy(copy, s, len + 1);
	tr->pool[tr->npool++] = copy;
	/* At most half full, so that probes stay short. */
	if (tr->npool * 2 > tr->npool_slot) {
		tr->npool_slot = tr->npool_slot ? tr->npool_slot * 2 : 128;
		free(tr->pool_slot);
		tr->pool_slot = tc_alloc(NULL, tr->npool_slot,
		    sizeof *tr->pool_slot);
		memset(tr->pool_slot, 0, tr->npool_slot * sizeof *tr->pool_slot);
		for (size_t k = 1; k <= tr->npool; k++)
			tc_slot_put(tr, (uint32_t)k);
	} else {
		tc_slot_put(tr, (uint32_t)tr->npool);
	}
	return (uint32_t)tr->npool;
}

void trace_add_narration_pooled(struct trace *tr, int64_t t, int conn,
    int side, uint32_t en, uint32_t zh)
{
	struct trace_event *e = tr->nev > 0 ? &tr->ev[tr->nev - 1] : NULL;

	if (e != NULL && e->type == TRACE_STATE && e->u.state.narr[0] == 0 &&
	    e->t == t && e->conn == conn && e->side == side) {
		e->u.state.narr[0] = en;
		e->u.state.narr[1] = zh;
		return;
	}
	trace_add_narration(tr, t, conn, side, NULL, NULL);
	e = &tr->ev[tr->nev - 1];
	/* The pool's texts are never changed; the event only names them. */
	e->u.narr.text[0] = tr->pool[en - 1];
	e->u.narr.text[1] = tr->pool[zh - 1];
	e->u.narr.pooled = true;
	tr->nnarr_owned--;
}

int trace_add_listener(struct trace *tr, const struct endpoint *ep)
{
	struct trace_listener *l;

	if (tr->nlisteners == tr->caplisteners) {
		tr->caplisteners = tr->caplisteners ? tr->caplisteners * 2 : 16;
		tr->listeners = tc_alloc(tr->listeners, tr->caplisteners,
		    sizeof *tr->listeners);
	}
	l = &tr->listeners[tr->nlisteners++];
	memset(l, 0, sizeof *l);
	l->ep = *ep;
	return (int)tr->nlisteners;
}

void trace_conn_summaries(const struct trace *tr,
    struct trace_conn_summary *out)
{
	memset(out, 0, tr->nconns * sizeof *out);
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];
		struct trace_conn_summary *s;

		if (e->conn < 1 || (size_t)e->conn > tr->nconns ||
		    e->side > SIDE_SERVER)
			continue;
		s = &out[e->conn - 1];
		if (e->type == TRACE_STATE) {
			s->state[e->side] = e->u.state.to;
			s->known[e->side] = true;
			s->assumed[e->side] = e->u.state.cause != NULL &&
			    strcmp(e->u.state.cause, TRACE_CAUSE_ASSUMED) == 0;
		} else if (e->type == TRACE_SEGMENT) {
			if (s->packets++ == 0)
				s->t_first = e->t;
			s->t_last = e->t;
			s->bytes += e->u.seg.len;
			s->notes |= e->u.seg.notes;
		}
	}
}
