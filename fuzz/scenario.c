/*
 * fuzz/scenario.c: libFuzzer target for scenario files (scenario.h).
 *
 * Input: the text of a scenario file.  When it parses, it is played as
 * `tcpviz --text FILE` would play it (its own profile and settings, its
 * seed) under a short time limit, and its text ladder and JSON trace
 * are written to a stream that throws them away.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"
#include "profile.h"
#include "scenario.h"
#include "trace.h"
#include "tv_error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Protocol time, microseconds: long enough for a TIME_WAIT (2 MSL). */
#define FZ_LIMIT (10 * 60 * INT64_C(1000000))
/*
 * A flood may ask for 1,000,000 SYNs; the engine plays that in about a
 * second on purpose, which libFuzzer would report as slow, not wrong.
 * Fewer SYNs take the same paths.
 */
#define FZ_MAX_FLOOD 1000

/* Where the writers write: /dev/null, opened once. */
static FILE *fz_sink(void)
{
	static FILE *sink;

	if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL) {
		perror("fuzz: /dev/null");
		abort();
	}
	return sink;
}

/* As main.c's build_profile(), without reading /proc for "host" (the
 * machine's values would make runs differ). */
static int fz_profile(const struct scenario *sc, struct profile *p)
{
	struct tv_error err;

	if (profile_init(p, sc->profile[0] ? sc->profile : "linux", &err) < 0)
		return -1;
	for (size_t i = 0; i < sc->nsets; i++)
		if (profile_set(p, sc->sets[i], &err) < 0)
			return -1;
	return 0;
}

static void fz_play(struct scenario *sc, size_t size)
{
	struct engine_unmatched left[8];
	struct trace_text_opts to = { 0 };
	struct engine_opts eo = { 0 };
	struct profile prof;
	struct tv_error err;
	struct engine *e;
	struct trace tr;
	FILE *f;

	if (fz_profile(sc, &prof) < 0)
		return;
	for (size_t i = 0; i < sc->nattacks; i++)
		if (sc->attacks[i].kind == ATTACK_SYNFLOOD &&
		    sc->attacks[i].count > FZ_MAX_FLOOD)
			sc->attacks[i].count = FZ_MAX_FLOOD;

	trace_init(&tr);
	eo.sc = sc;
	eo.prof = &prof;
	eo.seed = sc->has_seed ? sc->seed : 1;	/* main.c's default */
	eo.limit = FZ_LIMIT;
	e = engine_new(&eo, &tr, &err);
	if (e == NULL) {
		trace_free(&tr);
		return;
	}
	engine_run(e);
	(void)engine_unmatched(e, left, sizeof left / sizeof left[0]);
	engine_free(e);

	/* The language and width by the input's size, so that a saved
	 * input replays the same way. */
	to.lang = (int)(size & 1);
	to.width = (int)(size % 3) * 40;	/* 0 (80), 40, 80 */
	f = fz_sink();
	trace_write_text(&tr, f, &to);
	trace_write_json(&tr, f);
	fflush(f);
	trace_free(&tr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario sc;
	struct tv_error err;

	/* libFuzzer's buffer holds exactly the input: ASan sees a read past
	 * the end of the text.  On failure sc is empty (scenario.h), so it
	 * is not freed then: a leak there is the parser's. */
	if (scenario_parse(&sc, "fuzz", (const char *)data, size, &err) == 0) {
		fz_play(&sc, size);
		scenario_free(&sc);
	}
	return 0;
}
