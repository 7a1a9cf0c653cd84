/*
 * trace.h: the one model every view reads.
 *
 * A trace is an ordered list of events (segments, state changes, timers,
 * application calls, narration) plus a table of connections.  The engine
 * and the capture path append to it; views (text, JSON, pcap, the UI)
 * only read it.  Events are appended in time order; events with equal
 * times keep the order in which they happened.
 *
 * Segment events keep raw sequence numbers; relative numbers (the SYN has
 * seq 0) are computed from the connection's per-direction base, which is
 * the sender's ISN when its SYN was seen, else the first seq seen.
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "segment.h"
#include "tcp_state.h"

/* Which end of a connection: the client sent the first SYN. */
enum trace_side { SIDE_CLIENT, SIDE_SERVER };

const char *trace_side_name(int side);	/* "client" / "server" */

enum trace_type {
	TRACE_SEGMENT,
	TRACE_STATE,
	TRACE_TIMER,
	TRACE_APP,
	TRACE_NARRATION,
};

/* Segment notes: short machine words of the JSON contract. */
enum {
	NOTE_RETRANSMISSION = 1u << 0,
	NOTE_KEEPALIVE = 1u << 1,
	NOTE_DUP_ACK = 1u << 2,
	NOTE_CHALLENGE_ACK = 1u << 3,
	NOTE_SYN_COOKIE = 1u << 4,
	NOTE_TFO_DATA = 1u << 5,
	NOTE_WINDOW_ZERO = 1u << 6,
	NOTE_OUT_OF_WINDOW = 1u << 7,
	NOTE_LINK_DOWN = 1u << 8,	/* lost because the link was down */
	NOTE_DELAYED = 1u << 9,		/* held back by a scripted delay */
	NOTE_FORGED = 1u << 10,		/* sent by a third host, not the peer */
	NOTE_NCOUNT = 11
};

const char *trace_note_name(unsigned bit_index);	/* "retransmission" */

enum trace_timer {
	TIMER_RETRANSMIT,
	TIMER_DELACK,
	TIMER_KEEPALIVE,
	TIMER_TIME_WAIT,
	TIMER_FIN_WAIT_2,
	TIMER_NKINDS
};

const char *trace_timer_name(int timer);	/* "retransmit", "time-wait" ... */
int trace_timer_parse(const char *name);	/* -1 if unknown */

enum trace_timer_action { TIMER_ARMED, TIMER_FIRED, TIMER_CANCELLED };

const char *trace_timer_action_name(int action);

enum app_call {
	APP_LISTEN,
	APP_CONNECT,
	APP_ACCEPT,
	APP_SEND,
	APP_RECV,
	APP_SHUTDOWN,
	APP_CLOSE,
	APP_ABORT,
	APP_CRASH,
	APP_KEEPALIVE,		/* setsockopt(SO_KEEPALIVE) */
	APP_REUSEADDR,		/* setsockopt(SO_REUSEADDR) before listen */
	APP_FASTOPEN,		/* sendto(MSG_FASTOPEN): connect with data */
	APP_NCALLS
};

const char *app_call_name(int call);	/* "connect" ... */
int app_call_parse(const char *name);	/* -1 if unknown */

/* What a call returned; APP_PENDING marks the call itself. */
enum app_result {
	APP_PENDING,
	APP_OK,
	APP_ECONNREFUSED,
	APP_ETIMEDOUT,
	APP_ECONNRESET,
	APP_EADDRINUSE,
	APP_EPIPE,
	APP_NRESULTS
};

const char *app_result_name(int result);	/* "ok", "ECONNREFUSED" ... */

#define TRACE_T_NONE INT64_MIN	/* "no time": a lost or unseen arrival */

struct trace_event {
	uint8_t type;		/* enum trace_type */
	uint8_t side;		/* enum trace_side */
	int conn;		/* 1-based connection id */
	int64_t t;		/* microseconds; for segments the send time */
	union {
		struct {
			uint32_t n;		/* 1-based segment number */
			uint32_t seq, ack, len;	/* raw */
			uint16_t win;
			uint8_t flags;
			bool lost;
			int64_t t_arrived;	/* TRACE_T_NONE if lost */
			uint32_t notes;		/* NOTE_* bits */
			int opt;		/* index into trace.opts, -1 */
		} seg;
		struct {
			uint8_t from, to;	/* enum tcp_state */
			const char *cause;	/* static string */
		} state;
		struct {
			uint8_t timer;		/* enum trace_timer */
			uint8_t action;		/* enum trace_timer_action */
			int64_t expires;	/* for ARMED: when it fires */
		} timer;
		struct {
			uint8_t call;		/* enum app_call */
			uint8_t result;		/* enum app_result */
			uint32_t arg;		/* bytes, backlog ... */
		} app;
		struct {
			char *text[2];		/* [0] English, [1] Chinese */
		} narr;
	} u;
};

struct trace_conn {
	int id;
	struct endpoint ep[2];		/* [SIDE_CLIENT], [SIDE_SERVER] */
	uint32_t base[2];		/* per sender: relative seq 0 */
	bool base_known[2];
	bool base_is_isn[2];		/* base came from a SYN */
};

struct trace {
	struct trace_event *ev;
	size_t nev, capev;
	struct trace_conn *conns;	/* conns[i].id == i + 1 */
	size_t nconns, capconns;
	struct segment_options *opts;
	size_t nopts, capopts;
	uint32_t nsegs;
	char source[128];		/* "scenario:lifecycle" */
	char profile[16];		/* "linux", "textbook", "host" */
	char title[2][160];		/* for headers of renderers */
	char *summary[2];		/* [0] English, [1] Chinese; may be NULL */
	struct endpoint hosts[2];	/* the client and server a scenario names
					   (family 0: unknown, as in a capture):
					   the columns of a ladder */
	uint64_t seed;
};

void trace_init(struct trace *tr);
void trace_free(struct trace *tr);

/* Add a connection; returns its id (>= 1). */
int trace_add_conn(struct trace *tr, const struct endpoint *client,
    const struct endpoint *server);
const struct trace_conn *trace_conn(const struct trace *tr, int id);

/*
 * Let connections go, to bound the memory of a long capture.  newid has
 * nconns + 1 entries; on entry newid[id] != 0 keeps connection id.  The
 * kept ones are renumbered 1..n in their old order (newid[id] becomes
 * the new id, 0 for the others); every event of the others goes, with
 * its options.  Segment numbers (n) stay.  Returns how many segment
 * events went.
 */
size_t trace_forget_conns(struct trace *tr, int *newid);

/*
 * Append a segment sent at time t by `side` of `conn`.  Returns the
 * event (valid until the next append) so the caller can set notes.
 * t_arrived is TRACE_T_NONE when the segment is lost.
 */
struct trace_event *trace_add_segment(struct trace *tr, int64_t t, int conn,
    int side, const struct segment *seg, int64_t t_arrived, uint32_t notes);
void trace_add_state(struct trace *tr, int64_t t, int conn, int side,
    enum tcp_state from, enum tcp_state to, const char *cause);
void trace_add_timer(struct trace *tr, int64_t t, int conn, int side,
    int timer, int action, int64_t expires);
void trace_add_app(struct trace *tr, int64_t t, int conn, int side,
    int call, int result, uint32_t arg);
void trace_add_narration(struct trace *tr, int64_t t, int conn, int side,
    const char *en, const char *zh);

/* The scenario's summary paragraph, copied; either may be NULL. */
void trace_set_summary(struct trace *tr, const char *en, const char *zh);

/* Relative seq / ack of a segment event, as Wireshark shows them. */
uint32_t trace_rel_seq(const struct trace *tr, const struct trace_event *e);
uint32_t trace_rel_ack(const struct trace *tr, const struct trace_event *e);

/* Rebuild the full segment of an event (addresses, options). */
void trace_segment(const struct trace *tr, const struct trace_event *e,
    struct segment *out);

/* Writers.  Each returns 0, or -1 with errno set by stdio. */
int trace_write_json(const struct trace *tr, FILE *out);

struct trace_text_opts {
	int width;		/* columns; 80 if 0 */
	int lang;		/* 0 English, 1 Chinese */
	bool absolute;		/* raw seq/ack instead of relative */
};
int trace_write_text(const struct trace *tr, FILE *out,
    const struct trace_text_opts *opts);

/* Classic pcap (LINKTYPE_RAW IPv4/IPv6), valid checksums; lost ones too. */
int trace_write_pcap(const struct trace *tr, FILE *out);

#endif
