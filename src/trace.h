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
	NOTE_QUEUE_FULL = 1u << 11,	/* a listener's full queue dropped it */
	/* The class of a RST, as a capture can tell it (infer.h). */
	NOTE_REFUSED = 1u << 12,	/* answers a SYN: nothing listens */
	NOTE_ABORT = 1u << 13,		/* from a synchronized side at SND.NXT */
	NOTE_HALF_OPEN = 1u << 14,	/* seq = the answered segment's ACK: its
					   sender has no such connection */
	NOTE_CHALLENGE = 1u << 15,	/* in the window but not at RCV.NXT: the
					   receiver answers with a challenge ACK */
	NOTE_NCOUNT = 16
};

const char *trace_note_name(unsigned bit_index);	/* "retransmission" */

/*
 * The cause of a state event that no segment showed: a capture that
 * starts mid-connection comes in with each side in the state its
 * segments suggest (from == to).  Views mark such a state as assumed
 * until the side's next state event.
 */
#define TRACE_CAUSE_ASSUMED "assumed"

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
#define TRACE_LEN_MAX 0xffffff	/* the most payload a segment event holds */
#define TRACE_DELAY_MAX INT64_C(0xffffffff)	/* us, about 71 minutes: the
				   longest a segment event takes to arrive */
#define TRACE_CONN_MAX 0xffffff	/* the most connections a trace holds */

/*
 * A capture keeps one event per packet, so an event is packed into 40
 * bytes (trace.c checks): one 32-bit word holds the type, the side and
 * the connection (24 bits: TRACE_CONN_MAX), the next a segment's number
 * (which the 24-byte payload has no room for), then the time.  In a
 * segment's payload len has 24 bits (no IPv4 or IPv6 packet without
 * jumbograms carries more, and trace_add_segment() saturates at
 * TRACE_LEN_MAX), the arrival is a 32-bit delay after the send time
 * (TRACE_DELAY_MAX; trace_arrival() reads it), notes have 16 bits
 * (NOTE_NCOUNT), and lost shares a word with opt.
 */
struct trace_event {
	uint32_t type : 4;	/* enum trace_type */
	uint32_t side : 4;	/* enum trace_side */
	uint32_t conn : 24;	/* 1-based connection id; 0: none */
	uint32_t n;		/* a segment's 1-based number; else 0 */
	int64_t t;		/* microseconds; for segments the send time */
	union {
		struct {
			uint32_t seq, ack;	/* raw */
			uint32_t len : 24;
			uint8_t flags;
			uint32_t delay;		/* us from t to its arrival;
						   0 if lost */
			uint16_t win;
			uint16_t notes;		/* NOTE_* bits */
			signed int opt : 31;	/* index into trace.opts, -1 */
			bool lost : 1;
		} seg;
		struct {
			uint8_t from, to;	/* enum tcp_state */
			/* The narration said right after it, if pooled
			 * (trace_add_narration_pooled()): 1-based indexes
			 * into trace.pool, [0] English, [1] Chinese; 0:
			 * none. */
			uint32_t narr[2];
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
			bool pooled;		/* the texts are trace.pool's */
		} narr;
	} u;
};

struct trace_conn {
	int id;
	struct endpoint ep[2];		/* [SIDE_CLIENT], [SIDE_SERVER] */
	uint32_t base[2];		/* per sender: relative seq 0 */
	bool base_known[2];
	bool base_is_isn[2];		/* base came from a SYN */
	/* Captures (infer.h): the listener its first SYN went to (1-based
	 * index into trace.listeners, 0: none), and whether its handshake
	 * is still incomplete (a half-open connection, for flood rows). */
	int listener;
	bool incomplete;
};

/*
 * A captured server endpoint that received first SYNs (infer.h), with
 * its half-open connections over time.  Connections "in" it are those
 * whose `listener` names it.  A flood (flood set by infer_finish()) is
 * one with TRACE_FLOOD_MIN or more connections that never completed:
 * the views show them as one row instead of a ladder each.
 */
#define TRACE_FLOOD_MIN 10
#define TRACE_SERIES 32

struct trace_listener {
	struct endpoint ep;
	uint32_t attempts;		/* connections that sent it a SYN */
	uint32_t completed;		/* ... whose handshake completed */
	uint32_t half_open;		/* now: SYN seen, neither completed nor
					   ended (RST, timeout) nor a cookie */
	uint32_t half_open_max;
	int64_t t_first, t_last;	/* its first and last SYN */
	/* Half-open count over time: series[i] is the most at once during
	 * [series_t0 + i * series_step, + series_step); the step doubles
	 * (neighbours merge) whenever time runs past the last bucket. */
	int64_t series_t0, series_step;
	uint32_t series[TRACE_SERIES];
	int nseries;
	bool cookies;			/* it was seen answering with SYN cookies */
	/* Filled by infer_finish(), over the connections still in the
	 * trace: the incomplete ones, how many addresses they came from. */
	bool flood;
	uint32_t members, sources;
};

/*
 * A checkpoint of the scenario (scenario.h) that the run reached: the
 * place where practice mode stops and asks, before event `at` (the
 * events before it have happened).  A question, not something that
 * happened, so it is not an event and the renderers never see it.
 * Only scenario traces have them (captures, which trace_forget_conns()
 * compacts, never do).
 */
struct trace_checkpoint {
	size_t at;		/* index of the first event not yet shown */
	int64_t t;
	int conn;
	uint8_t side;		/* of the event that reached it */
	char *ask[2];		/* [0] English, [1] Chinese */
	char *answer[2];
};

/* A slot of the table that finds equal option sets (trace.opt_at). */
struct trace_opt_slot {
	uint32_t hash;
	uint32_t index;		/* + 1; 0: empty */
};

struct trace {
	struct trace_event *ev;
	size_t nev, capev;
	struct trace_checkpoint *ckpts;	/* in the order reached */
	size_t nckpts, capckpts;
	struct trace_conn *conns;	/* conns[i].id == i + 1 */
	size_t nconns, capconns;
	/*
	 * Option sets of segments, packed: set i is the bytes from
	 * optbuf + opt_at[i] on, only the options present, for a capture
	 * keeps those of every SYN and SACK and a struct segment_options
	 * takes 68 bytes; trace_options() unpacks one.  Events with equal
	 * sets share one (but sets with a timestamp, all but unique, are
	 * not looked up).  At most 4 GB of them, as running out of memory.
	 */
	uint8_t *optbuf;
	size_t noptbuf, capoptbuf;
	uint32_t *opt_at;
	size_t nopts, capopts;
	struct trace_opt_slot *opt_slot;	/* sets by content */
	size_t nopt_slot, nopt_keys;
	uint32_t nsegs;
	char source[128];		/* "scenario:lifecycle" */
	char profile[16];		/* "linux", "textbook", "host" */
	char title[2][160];		/* for headers of renderers */
	char *summary[2];		/* [0] English, [1] Chinese; may be NULL */
	bool altered;			/* the lesson was played with other settings
					   than written for (engine_opts) */
	struct trace_listener *listeners;	/* captures only (infer.h) */
	size_t nlisteners, caplisteners;
	/* Texts that many events share (trace_pool()), each kept once;
	 * pool_slot hashes them. */
	char **pool;
	size_t npool, cappool;
	uint32_t *pool_slot;
	size_t npool_slot;
	size_t nnarr_owned;		/* narration events not pooled, whose
					   texts trace_free() frees */
	bool capture;			/* from packets (infer.h): views list the
					   connections, then a ladder each */
	struct endpoint hosts[2];	/* the client and server a scenario names
					   (family 0: unknown, as in a capture):
					   the columns of a ladder */
	uint64_t seed;
};

void trace_init(struct trace *tr);
void trace_free(struct trace *tr);

/* Add a connection; returns its id (>= 1).  More than TRACE_CONN_MAX
 * is fatal, as running out of memory is: conntrack lets connections go
 * first, and a scenario would need seventeen of the largest SYN floods. */
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
 * t_arrived is TRACE_T_NONE when the segment is lost, else from t to
 * t + TRACE_DELAY_MAX (a time outside saturates there).
 */
struct trace_event *trace_add_segment(struct trace *tr, int64_t t, int conn,
    int side, const struct segment *seg, int64_t t_arrived, uint32_t notes);
/* A segment event's arrival time, TRACE_T_NONE if it was lost. */
static inline int64_t trace_arrival(const struct trace_event *e)
{
	return e->u.seg.lost ? TRACE_T_NONE : e->t + e->u.seg.delay;
}

void trace_add_state(struct trace *tr, int64_t t, int conn, int side,
    enum tcp_state from, enum tcp_state to, const char *cause);
void trace_add_timer(struct trace *tr, int64_t t, int conn, int side,
    int timer, int action, int64_t expires);
void trace_add_app(struct trace *tr, int64_t t, int conn, int side,
    int call, int result, uint32_t arg);
void trace_add_narration(struct trace *tr, int64_t t, int conn, int side,
    const char *en, const char *zh);

/* A checkpoint reached now, after the last event; texts copied. */
void trace_add_checkpoint(struct trace *tr, int64_t t, int conn, int side,
    const char *const ask[2], const char *const answer[2]);

/*
 * A text kept once in the trace's pool however often it recurs: the
 * same sentences about thousands of captured connections cost their
 * memory once.  Returns its 1-based index (tr->pool[index - 1] is the
 * copy), the same for equal texts.
 */
uint32_t trace_pool(struct trace *tr, const char *s);

/*
 * As trace_add_narration(), with texts that are the pool's (indexes
 * from trace_pool()).  Said right after a state event of the same time,
 * connection and side that carries no narration yet, it is kept in that
 * event (u.state.narr) rather than in one of its own: a capture narrates
 * nearly every transition it infers, and an event per sentence would
 * cost it a sixth more memory.  Readers see it, just after the state,
 * with trace_narrates() and trace_narration().
 */
void trace_add_narration_pooled(struct trace *tr, int64_t t, int conn,
    int side, uint32_t en, uint32_t zh);

/*
 * Whether narration is said right after event e (before any later
 * event): e is a narration event, or a state event that carries one.
 */
static inline bool trace_narrates(const struct trace_event *e)
{
	return e->type == TRACE_NARRATION ||
	    (e->type == TRACE_STATE && e->u.state.narr[0] != 0);
}

/* That narration's text in language `lang` (0 English, 1 Chinese);
 * NULL when it has none in that language or e says nothing. */
const char *trace_narration(const struct trace *tr,
    const struct trace_event *e, int lang);

/* Add a listener record for ep; returns its 1-based index. */
int trace_add_listener(struct trace *tr, const struct endpoint *ep);

/*
 * What a list of connections shows about each (captures): every side's
 * last state, if any, and whether it is assumed (TRACE_CAUSE_ASSUMED),
 * segments, payload bytes, the first and last
 * segment's time and every note seen.  out has tr->nconns entries;
 * out[id - 1] is connection id's.  O(events).
 */
struct trace_conn_summary {
	uint8_t state[2];		/* enum tcp_state */
	bool known[2];			/* a state event was seen */
	bool assumed[2];
	uint32_t packets;
	uint64_t bytes;
	int64_t t_first, t_last;
	uint32_t notes;
};
void trace_conn_summaries(const struct trace *tr,
    struct trace_conn_summary *out);

/* The scenario's summary paragraph, copied; either may be NULL. */
void trace_set_summary(struct trace *tr, const char *en, const char *zh);

/* Add note bits to segment n: what its receiver made of it (dropped
 * by a full queue, out of window) is known only when it arrives. */
void trace_note_segment(struct trace *tr, uint32_t n, uint32_t notes);

/* Relative seq / ack of a segment event, as Wireshark shows them. */
uint32_t trace_rel_seq(const struct trace *tr, const struct trace_event *e);
uint32_t trace_rel_ack(const struct trace *tr, const struct trace_event *e);

/* Rebuild the full segment of an event (addresses, options). */
void trace_segment(const struct trace *tr, const struct trace_event *e,
    struct segment *out);

/* A segment event's options, as trace_add_segment() got them (fields of
 * options not present, SACK blocks past nsack and cookie bytes past
 * tfo_len are zero); all zero when it has none. */
void trace_options(const struct trace *tr, const struct trace_event *e,
    struct segment_options *out);

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
