/*
 * player.c: replays a scenario with the drops a user injected (player.h).
 * Every change of the drop list plays the whole scenario again into a
 * fresh trace; the engine's determinism makes that a branch, not a new
 * story.  The lists form a stack so that undo is exact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "player.h"

struct player_drop {
	struct scen_fault f;
	uint32_t n;		/* the segment's number (the same in every
				   trace that has it: prefixes are equal) */
	int64_t branch;		/* its send time */
};

/* One drop list; the stack keeps every earlier one for undo. */
struct player_level {
	struct player_drop *drops;
	size_t ndrops;
};

struct player {
	const struct scenario *sc;
	const struct profile *prof;
	uint64_t seed;
	struct scen_fault *faults;	/* the caller's, then the drops */
	size_t nbase;
	struct player_level *levels;	/* levels[0]: no drops */
	size_t nlevels, caplevels;
	struct trace tr;
};

/* As the engine does: running out of memory is fatal. */
static void *player_alloc(void *p, size_t n, size_t size)
{
	p = realloc(p, (n != 0 ? n : 1) * size);
	if (p == NULL) {
		fputs("tcpviz: out of memory\n", stderr);
		abort();
	}
	return p;
}

static struct player_level *player_top(const struct player *p)
{
	return &p->levels[p->nlevels - 1];
}

/* Play the scenario with the top level's drops into a fresh trace. */
static int player_play(struct player *p, struct tv_error *err)
{
	const struct player_level *lv = player_top(p);
	struct engine_opts o;
	struct engine *e;
	struct trace tr;

	p->faults = player_alloc(p->faults, p->nbase + lv->ndrops,
	    sizeof *p->faults);
	for (size_t i = 0; i < lv->ndrops; i++)
		p->faults[p->nbase + i] = lv->drops[i].f;
	memset(&o, 0, sizeof o);
	o.sc = p->sc;
	o.prof = p->prof;
	o.seed = p->seed;
	o.faults = p->faults;
	o.nfaults = p->nbase + lv->ndrops;
	trace_init(&tr);
	e = engine_new(&o, &tr, err);
	if (e == NULL) {
		trace_free(&tr);
		return -1;
	}
	engine_run(e);
	engine_free(e);
	trace_free(&p->tr);
	p->tr = tr;
	return 0;
}

struct player *player_new(const struct scenario *sc, const struct profile *prof,
    uint64_t seed, const struct scen_fault *faults, size_t nfaults,
    struct tv_error *err)
{
	struct player *p = player_alloc(NULL, 1, sizeof *p);

	memset(p, 0, sizeof *p);
	p->sc = sc;
	p->prof = prof;
	p->seed = seed;
	p->nbase = nfaults;
	p->faults = player_alloc(NULL, nfaults, sizeof *p->faults);
	if (nfaults > 0)
		memcpy(p->faults, faults, nfaults * sizeof *faults);
	p->caplevels = 4;
	p->levels = player_alloc(NULL, p->caplevels, sizeof *p->levels);
	memset(&p->levels[0], 0, sizeof p->levels[0]);
	p->nlevels = 1;
	trace_init(&p->tr);
	if (player_play(p, err) != 0) {
		player_free(p);
		return NULL;
	}
	return p;
}

const struct trace *player_trace(const struct player *p)
{
	return &p->tr;
}

/* Which host sent e: the scenario endpoint with its source address (the
 * port too when both hosts share an address); -1 for none. */
static int player_host(const struct player *p, const struct trace_event *e)
{
	const struct trace_conn *c = trace_conn(&p->tr, e->conn);
	const struct endpoint *src, *ep = p->sc->ep;
	int h = -1;

	if (c == NULL || e->side > SIDE_SERVER)
		return -1;
	src = &c->ep[e->side];
	for (int i = 0; i < 2; i++) {
		if (endpoint_eq(src, &ep[i]))
			return i;
		if (h < 0 && src->family == ep[i].family &&
		    memcmp(src->addr, ep[i].addr, sizeof src->addr) == 0)
			h = i;
	}
	return h;
}

int player_drop_segment(struct player *p, uint32_t n, int64_t *branch)
{
	const struct trace_event *seg = NULL;
	struct player_level *old, *lv;
	struct player_drop d;
	uint32_t k = 0;
	int host;
	size_t at;

	for (at = 0; at < p->tr.nev && seg == NULL; at++) {
		const struct trace_event *e = &p->tr.ev[at];

		if (e->type == TRACE_SEGMENT && e->n == n)
			seg = e;
	}
	if (seg == NULL || seg->u.seg.lost || (seg->u.seg.notes & NOTE_FORGED))
		return -1;
	host = player_host(p, seg);
	if (host < 0)
		return -1;
	/* Its place among the host's segments, counted as net_send() does. */
	for (size_t i = 0; i < at; i++) {
		const struct trace_event *e = &p->tr.ev[i];

		if (e->type == TRACE_SEGMENT && !(e->u.seg.notes & NOTE_FORGED) &&
		    player_host(p, e) == host)
			k++;
	}

	memset(&d, 0, sizeof d);
	d.f.side = (uint8_t)host;
	d.f.kind = SEGK_ANY;
	d.f.action = FAULT_DROP;
	d.f.nth = k;
	d.n = n;
	d.branch = seg->t;

	if (p->nlevels == p->caplevels) {
		p->caplevels *= 2;
		p->levels = player_alloc(p->levels, p->caplevels,
		    sizeof *p->levels);
	}
	old = player_top(p);
	lv = &p->levels[p->nlevels];
	lv->drops = player_alloc(NULL, old->ndrops + 1, sizeof *lv->drops);
	lv->ndrops = 0;
	/* Keep the drops of segments sent before this one. */
	for (size_t i = 0; i < old->ndrops; i++)
		if (old->drops[i].n < n)
			lv->drops[lv->ndrops++] = old->drops[i];
	lv->drops[lv->ndrops++] = d;
	p->nlevels++;
	if (player_play(p, NULL) != 0) {
		p->nlevels--;
		free(lv->drops);
		return -1;
	}
	if (branch != NULL)
		*branch = d.branch;
	return 0;
}

int player_drop_next(struct player *p, int side, int64_t t, int64_t *branch)
{
	for (size_t i = 0; i < p->tr.nev; i++) {
		const struct trace_event *e = &p->tr.ev[i];

		if (e->type == TRACE_SEGMENT && e->side == side && e->t > t &&
		    !e->u.seg.lost && !(e->u.seg.notes & NOTE_FORGED))
			return player_drop_segment(p, e->n, branch);
	}
	return -1;
}

int player_undo(struct player *p, int64_t *branch)
{
	struct player_level *lv;

	if (p->nlevels < 2)
		return -1;
	lv = player_top(p);
	if (branch != NULL)
		*branch = lv->drops[lv->ndrops - 1].branch;
	free(lv->drops);
	p->nlevels--;
	/* The same scenario played before, so it cannot be refused now. */
	return player_play(p, NULL);
}

int64_t player_branch(const struct player *p)
{
	const struct player_level *lv = player_top(p);

	return lv->ndrops > 0 ? lv->drops[lv->ndrops - 1].branch : -1;
}

size_t player_ndrops(const struct player *p)
{
	return player_top(p)->ndrops;
}

void player_free(struct player *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nlevels; i++)
		free(p->levels[i].drops);
	free(p->levels);
	free(p->faults);
	trace_free(&p->tr);
	free(p);
}
