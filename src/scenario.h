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
	uint32_t arg;		/* listen: backlog; send, fastopen: bytes;
				   connect: local port (0 = the declared one) */
	int line;		/* where in the file, for messages */
	uint16_t port;		/* fastopen: local port (0 = the declared one) */
};

enum scen_fault_action { FAULT_DROP, FAULT_DELAY };

/* us: what a scenario's delays may add up to, since one segment may meet
 * all of them (see PROFILE_DELAY_MAX). */
#define SCEN_DELAY_MAX (30 * 60 * INT64_C(1000000))

/* SIDE:KIND#N: the Nth segment of that kind sent by that side. */
struct scen_fault {
	uint8_t side;
	uint8_t kind;		/* enum seg_kind */
	uint8_t action;		/* enum scen_fault_action */
	uint32_t nth;		/* 1-based */
	int64_t delay;		/* extra delay for FAULT_DELAY; a scenario's
				   add up to at most SCEN_DELAY_MAX */
	int line;		/* 0 when from the command line */
	int col;		/* of the descriptor; 0 from the command line */
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

/*
 * An event that narration and checkpoints attach to.  A segment is named
 * like a loss descriptor (SIDE:KIND#N, counted the same way); a state by
 * the side entering it ("server enters SYN_RCVD", the Nth time); a timer
 * by the side whose timer fires ("client timer retransmit", Nth firing);
 * or a moment ("at 2.5").
 */
enum scen_when_kind { WHEN_SEGMENT, WHEN_STATE, WHEN_TIMER, WHEN_TIME };

struct scen_when {
	uint8_t kind;		/* enum scen_when_kind */
	uint8_t side;
	uint8_t seg_kind;	/* WHEN_SEGMENT: enum seg_kind */
	uint8_t state;		/* WHEN_STATE: enum tcp_state */
	uint8_t timer;		/* WHEN_TIMER: enum trace_timer */
	uint32_t nth;		/* 1-based (0 for WHEN_TIME) */
	int64_t t;		/* WHEN_TIME */
};

/* Text shown when `when` happens, in both languages. */
/* "client:SYN#1", "server enters SYN_RCVD#1", "client timer retransmit#2",
 * "at 2.5": the selector as a file would write it. */
const char *scen_when_str(const struct scen_when *w, char *buf, size_t len);

struct scen_narration {
	struct scen_when when;
	char *text[2];		/* [0] English, [1] Chinese; both required */
	int line;
	int col;		/* of the event's first word */
};

/* A question practice mode asks when `when` happens (before showing
 * what comes next), with the answer, in both languages. */
struct scen_checkpoint {
	struct scen_when when;
	char *ask[2];		/* [0] English, [1] Chinese; all four required */
	char *answer[2];
	int line;
	int col;		/* of the event's first word */
};

/*
 * What the third host (the attacker) does.  It answers nothing; what it
 * sends claims to come from someone else.
 *   synflood: `count` SYNs to the server spread evenly over `over`, from
 *             random addresses near the attacker's and random ports;
 *   forge:    one segment that claims to come from `from_side`'s
 *             endpoint, to the other side.  seq (and ack) are absolute,
 *             or relative to the ISN the scenario fixed for a side
 *             (`isn`): the attacker's guess, right only if ISNs are
 *             predictable.
 */
enum scen_attack_kind { ATTACK_SYNFLOOD, ATTACK_FORGE };

struct scen_attack {
	uint8_t kind;		/* enum scen_attack_kind */
	int64_t at, over;	/* microseconds; over: 0 = all at once */
	uint32_t count;		/* synflood: 1 to 1000000 */
	uint8_t from_side;	/* forge */
	uint8_t flags;		/* forge: SEG_* */
	uint32_t seq, ack, len;
	int seq_isn, ack_isn;	/* -1: absolute; else add isn[that side] */
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
	bool fixed_isn;		/* every connection of a side uses isn[side] */
	uint32_t isn[2];
	struct scen_step *steps;
	size_t nsteps;
	struct scen_fault *faults;
	size_t nfaults;
	struct scen_outage *outages;
	size_t noutages;
	struct scen_narration *narrations;
	size_t nnarrations;
	struct scen_checkpoint *checkpoints;
	size_t ncheckpoints;
	bool has_attacker;
	struct endpoint attacker;	/* its own address */
	struct scen_attack *attacks;
	size_t nattacks;
};

void scenario_init(struct scenario *sc);
/* Frees everything sc owns and leaves it as scenario_init does, so a
 * second call is harmless. */
void scenario_free(struct scenario *sc);

/*
 * Parse a scenario file.  -1 and err ("file:line:col: ...") on any
 * mistake; sc is then empty.  Both start with scenario_init(sc), so
 * whatever sc held is lost, not freed: scenario_free it before reusing.
 */
int scenario_load(struct scenario *sc, const char *path, struct tv_error *err);
int scenario_parse(struct scenario *sc, const char *name, const char *text,
    size_t len, struct tv_error *err);

#endif
