/*
 * scenario.h: a scenario is a small script for the engine: two endpoints,
 * what each side's application does and when, and which segments the
 * network loses or delays.  Scenario files (data/scenarios/ *.tcpviz)
 * parse into this; the engine runs it.
 *
 * Each side's steps run in order, like a program blocking in socket
 * calls: a step waits for its trigger (a time, or an event on that side's
 * socket such as "connected" or "data"), then waits `delay`, then makes
 * its call; only then is the next step of that side considered.
 */
#ifndef SCENARIO_H
#define SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "segment.h"
#include "tv_error.h"

enum scen_trigger {
	TRIG_AT,		/* at an absolute time (delay = that time) */
	TRIG_AFTER,		/* `delay` after the previous step */
	TRIG_CONNECTED,		/* connect() or accept() has returned */
	TRIG_DATA,		/* new data can be read (the step reads it) */
	TRIG_EOF,		/* the peer's FIN has been read */
	TRIG_CLOSED,		/* the connection has ended (reset, timeout) */
	TRIG_NTRIGGERS
};

const char *scen_trigger_name(int trig);

struct scen_step {
	uint8_t side;		/* SIDE_CLIENT / SIDE_SERVER */
	uint8_t trigger;	/* enum scen_trigger */
	uint8_t call;		/* enum app_call */
	int64_t delay;		/* microseconds; see enum scen_trigger */
	uint32_t arg;		/* listen: backlog; send: bytes */
	int line;		/* where in the file, for messages */
};

enum scen_fault_action { FAULT_DROP, FAULT_DELAY };

/* SIDE:KIND#N: the Nth segment of that kind sent by that side. */
struct scen_fault {
	uint8_t side;
	uint8_t kind;		/* enum seg_kind */
	uint8_t action;		/* enum scen_fault_action */
	uint32_t nth;		/* 1-based */
	int64_t delay;		/* extra delay for FAULT_DELAY */
	int line;		/* 0 when from the command line */
};

/* Parse "server:FIN#1" (and "#N" optional).  -1 and err if malformed. */
int scen_fault_parse(const char *spec, struct scen_fault *f,
    struct tv_error *err);
/* "server:FIN#1"; buf needs 32 bytes. */
const char *scen_fault_str(const struct scen_fault *f, char *buf, size_t len);

/* Link down from `from` to `to` (microseconds) in one or both directions. */
struct scen_outage {
	int64_t from, to;
	int dir;		/* -1 both, 0 client->server, 1 server->client */
	int line;
};

struct scenario {
	char id[64];
	char *title[2];		/* [0] English, [1] Chinese; may be NULL */
	char *summary[2];
	char *topics;		/* space separated tags */
	char *file;		/* where it was read from */
	char profile[16];	/* "" = the caller's choice */
	char **sets;		/* "key=value" profile overrides */
	size_t nsets;
	struct endpoint ep[2];	/* [SIDE_CLIENT], [SIDE_SERVER] */
	bool has_seed;
	uint64_t seed;
	bool fixed_isn;
	uint32_t isn[2];
	struct scen_step *steps;
	size_t nsteps;
	struct scen_fault *faults;
	size_t nfaults;
	struct scen_outage *outages;
	size_t noutages;
};

void scenario_init(struct scenario *sc);
void scenario_free(struct scenario *sc);

/* Parse a scenario file.  -1 and err ("file:line:col: ...") on any
 * mistake; sc is then empty. */
int scenario_load(struct scenario *sc, const char *path, struct tv_error *err);
int scenario_parse(struct scenario *sc, const char *name, const char *text,
    size_t len, struct tv_error *err);

#endif
