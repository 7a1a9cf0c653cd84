/*
 * library.c: the helpers of library.h for scenario-level tests.
 */
/* opendir() and strdup() are POSIX. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "library.h"
#include "tests.h"

void run_scenario_with(struct run *r, const char *id, const char *profile,
    const char *const *sets, bool allow_unmatched)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	struct tv_error err;
	snprintf(path, sizeof path, "%s/data/scenarios/%s.tcpviz", top ? top : ".", id);
	ck_assert_msg(scenario_load(&r->sc, path, &err) == 0, "%s: %s", path, err.msg);
	if (!profile)
		profile = r->sc.profile[0] ? r->sc.profile : "linux";
	ck_assert_int_eq(profile_init(&r->prof, profile, NULL), 0);
	for (size_t i = 0; i < r->sc.nsets; i++)
		ck_assert_msg(profile_set(&r->prof, r->sc.sets[i], &err) == 0, "%s: %s",
		    id, err.msg);

	struct scen_fault drops[8];
	size_t ndrops = 0;
	uint64_t seed = r->sc.has_seed ? r->sc.seed : 1;
	for (size_t i = 0; sets && sets[i]; i++) {
		if (strncmp(sets[i], "seed ", 5) == 0) {
			seed = strtoull(sets[i] + 5, NULL, 10);
		} else if (strncmp(sets[i], "drop ", 5) == 0) {
			ck_assert_uint_lt(ndrops, 8);
			ck_assert_int_eq(scen_fault_parse(sets[i] + 5, &drops[ndrops++], NULL), 0);
		} else {
			ck_assert_msg(profile_set(&r->prof, sets[i], &err) == 0, "%s", err.msg);
		}
	}
	trace_init(&r->tr);
	struct engine_opts o = {
		.sc = &r->sc, .prof = &r->prof,
		.seed = seed,
		.faults = drops, .nfaults = ndrops,
	};
	struct engine *e = engine_new(&o, &r->tr, &err);
	ck_assert_msg(e != NULL, "%s: %s", id, err.msg);
	engine_run(e);
	struct engine_unmatched left[4];
	size_t n = engine_unmatched(e, left, 4);
	ck_assert_msg(allow_unmatched || n == 0, "%s: %zu unmatched, first '%s' at line %d",
	    id, n, n ? left[0].what : "", n ? left[0].line : 0);
	engine_free(e);
}

void run_scenario(struct run *r, const char *id, const char *profile,
    const char *drop)
{
	char buf[64];
	const char *sets[2] = { NULL, NULL };
	if (drop) {
		snprintf(buf, sizeof buf, "drop %s", drop);
		sets[0] = buf;
	}
	run_scenario_with(r, id, profile, sets, false);
}

void run_free(struct run *r)
{
	trace_free(&r->tr);
	scenario_free(&r->sc);
}

const char *state_path(const struct trace *tr, int side, int conn, char *buf,
    size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < tr->nev && n < len; i++) {
		const struct trace_event *ev = &tr->ev[i];
		if (ev->type != TRACE_STATE || ev->side != side || ev->conn != conn)
			continue;
		if (n == 0)
			n += (size_t)snprintf(buf + n, len - n, "%s",
			    tcp_state_name(ev->u.state.from));
		n += (size_t)snprintf(buf + n, len - n, " %s",
		    tcp_state_name(ev->u.state.to));
	}
	return buf;
}

const char *segments(const struct trace *tr, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < tr->nev && n < len; i++) {
		const struct trace_event *ev = &tr->ev[i];
		char flags[10];
		if (ev->type != TRACE_SEGMENT)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s%s%s%s", n ? " " : "",
		    ev->side == SIDE_CLIENT ? ">" : "<",
		    segment_flags_str(ev->u.seg.flags, flags),
		    ev->u.seg.lost ? "!" : "",
		    ev->u.seg.notes & NOTE_FORGED ? "*" : "");
	}
	return buf;
}

const struct trace_event *nth_segment(const struct trace *tr, uint32_t n)
{
	for (size_t i = 0; i < tr->nev; i++)
		if (tr->ev[i].type == TRACE_SEGMENT && tr->ev[i].n == n)
			return &tr->ev[i];
	return NULL;
}

long find_segment(const struct trace *tr, long from, int side, const char *flags)
{
	for (size_t i = (size_t)(from + 1); i < tr->nev; i++) {
		const struct trace_event *ev = &tr->ev[i];
		char buf[10];
		if (ev->type == TRACE_SEGMENT && ev->side == side &&
		    (!flags || strcmp(segment_flags_str(ev->u.seg.flags, buf), flags) == 0))
			return (long)i;
	}
	return -1;
}

long find_state(const struct trace *tr, long from, int side, enum tcp_state to)
{
	for (size_t i = (size_t)(from + 1); i < tr->nev; i++) {
		const struct trace_event *ev = &tr->ev[i];
		if (ev->type == TRACE_STATE && ev->side == side && ev->u.state.to == to)
			return (long)i;
	}
	return -1;
}

long find_app(const struct trace *tr, long from, int side, int call, int result)
{
	for (size_t i = (size_t)(from + 1); i < tr->nev; i++) {
		const struct trace_event *ev = &tr->ev[i];
		if (ev->type == TRACE_APP && ev->side == side && ev->u.app.call == call &&
		    ev->u.app.result == result)
			return (long)i;
	}
	return -1;
}

size_t count_narrations(const struct trace *tr)
{
	size_t n = 0;
	for (size_t i = 0; i < tr->nev; i++)
		n += trace_narrates(&tr->ev[i]);
	return n;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **lesson_ids(size_t *n)
{
	const char *top = getenv("top_srcdir");
	char dir[1024], **ids = NULL;
	struct dirent *de;
	DIR *d;

	*n = 0;
	snprintf(dir, sizeof dir, "%s/data/scenarios", top ? top : ".");
	ck_assert_msg((d = opendir(dir)) != NULL, "%s", dir);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len <= 7 || strcmp(de->d_name + len - 7, ".tcpviz") != 0)
			continue;
		ids = realloc(ids, (*n + 1) * sizeof *ids);
		ck_assert_ptr_nonnull(ids);
		ck_assert_ptr_nonnull(ids[*n] = strdup(de->d_name));
		ids[(*n)++][len - 7] = '\0';
	}
	closedir(d);
	ck_assert_msg(*n > 0, "no lessons in %s", dir);
	qsort(ids, *n, sizeof *ids, cmp_id);
	return ids;
}

void lesson_ids_free(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}
