/*
 * engine_internal.h: what engine.c, tcp_input.c, tcp_output.c and
 * tcp_timer.c share.  Nothing outside the engine includes this.
 *
 * The engine owns every TCB (struct tcb, one per socket: listeners and
 * connections alike) in one array of pointers that only grows, so a
 * handle (the index) stays valid for the whole run.  A TCB in state
 * CLOSED is dead: lookups skip it.
 *
 * Time only moves in engine_step(): it pops the earliest event (ties in
 * the order they were queued), sets the clock and acts.  Every segment
 * sent goes through net_send(), which decides its fate (delivered,
 * delayed, lost), records it in the trace and queues its arrival.
 */
#ifndef ENGINE_INTERNAL_H
#define ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "rng.h"

#define NEVER INT64_MAX
#define LINUX_TICK 4000		/* one jiffy at HZ=250, Debian's kernels */

/* An entry of a listener's accept queue (tcb.accq). */
struct tcb_accepted {
	int handle;
	uint64_t order;
};

/* Which queue of its listener a passive connection sits in. */
enum tcb_queue { Q_NONE, Q_SYN, Q_ACCEPT };

struct tcb {
	int handle;			/* index in engine.tcbs */
	int host;			/* index in engine.hosts */
	int conn;			/* trace connection id; 0 for a listener */
	int side;			/* trace side of this end of conn */
	enum tcp_state state;
	struct endpoint local, remote;

	/* RFC 9293 section 3.3.1 */
	uint32_t iss, irs;
	uint32_t snd_una, snd_nxt, snd_wnd, snd_wl1, snd_wl2;
	uint32_t rcv_nxt, rcv_wnd;

	/* Negotiated in the handshake. */
	uint16_t snd_mss;		/* largest segment we send */
	bool ts_ok;			/* both SYNs carried timestamps */
	uint32_t ts_recent;		/* the peer's last TSval, to echo */
	uint32_t ts_offset;		/* our TSval = ms clock + this */
	int snd_wscale, rcv_wscale;	/* -1 while not agreed */
	bool sack_ok;

	/* Application side. */
	uint32_t snd_end;		/* seq just after the last byte written */
	bool fin_queued;		/* close()/shutdown(): FIN after the data */
	bool orphan;			/* close() called: no application any more */
	bool fin_received;		/* peer's FIN is in sequence */
	uint32_t unread;		/* received bytes the application has not read */
	bool eof_read;			/* application has seen end of file */
	bool connected_seen;		/* the app has been told connect/accept returned */
	int error;			/* enum app_result to report, or APP_PENDING */

	/* TCP Fast Open (RFC 7413). */
	bool tfo_syn;			/* active: the SYN carries a TFO option */
	bool tfo_reply;			/* passive: put our cookie in the SYN-ACK */
	bool tfo_early;			/* passive: took data from the SYN, so it
					   may send before the handshake ends */

	/* A passive connection's listener, or for a listener its limits. */
	bool passive;
	bool reuse;			/* SO_REUSEADDR (children: the listener's) */
	int listener;			/* handle, -1 */
	enum tcb_queue queue;
	uint64_t queued_order;		/* FIFO order in the accept queue */
	int backlog;			/* listeners: accept backlog */
	int syn_q, acc_q;		/* listeners: queue lengths */
	int64_t cookie_until;		/* listeners: cookies sent; accept ACKs until */
	/* Listeners: the accept queue in FIFO order, as (handle,
	 * queued_order) pairs; one whose TCB has left or moved on is
	 * stale and skipped (accept_ready()). */
	struct tcb_accepted *accq;
	size_t accq_head, naccq, capaccq;
	/* The next older TCB with the same tcb_lookup() key, -1. */
	int same_key;

	/* Retransmission (RFC 6298). */
	int64_t rto, srtt, rttvar;
	int64_t mdev4, mdev_max;	/* Linux's estimator: 4 x mean deviation,
					   and its largest in this window */
	uint32_t var_seq;		/* the window ends when SND.UNA passes it */
	int64_t syn_first;		/* when the first SYN left (giving up) */
	bool rtt_valid;
	int retransmits;		/* timeouts of the segment at snd_una */
	bool recovering;		/* after a timeout: resend the rest as ACKs come */
	bool rtt_timing;
	uint32_t rtt_seq;		/* timed segment: acked when snd_una passes it */
	int64_t rtt_sent;

	/* Acknowledgements. */
	bool ack_pending;		/* received something not yet acknowledged */
	uint32_t rcv_unacked;		/* bytes received since the last ACK sent */
	int quick;			/* quick ACKs left (linux profile) */
	bool pingpong;			/* interactive: delay ACKs, hoping to piggyback */
	int64_t last_data_rcvd;		/* -1: no data yet */

	/* Keepalive. */
	bool keepalive;
	int probes_out;
	int64_t last_rcvd;

	/* Timers: when each fires (NEVER when not armed). */
	int64_t timer[TIMER_NKINDS];
};

enum event_kind { EV_ARRIVE, EV_TIMER, EV_STEP, EV_CUE, EV_ATTACK };

struct event {
	int64_t t;
	uint64_t order;			/* tie-breaker: queueing order */
	uint8_t kind;
	uint8_t side;			/* EV_ARRIVE: sender's trace side; EV_STEP: host */
	uint32_t index;			/* EV_CUE, EV_ATTACK: which one; EV_ATTACK:
					   also which SYN of a flood (count) */
	uint32_t count;
	uint8_t timer;			/* EV_TIMER */
	int host;			/* EV_ARRIVE: receiving host, -1: none */
	int tcb;			/* EV_TIMER */
	int conn;			/* EV_ARRIVE */
	uint32_t n;			/* EV_ARRIVE: its number in the trace */
	int64_t deadline;		/* EV_TIMER: stale unless tcb->timer == this */
	struct segment seg;		/* EV_ARRIVE */
};

/* What one host's application is doing. */
struct host {
	struct endpoint ep;		/* address and the port its script uses */
	int app_sock;			/* handle the script acts on, -1 */
	int *owned;			/* connections the application holds and */
	size_t nowned, capowned;	/* must hear about (connect, errors) */
	int listen_sock;		/* handle of its listener, -1 */
	size_t next_step;		/* index in engine.sc->steps */
	bool step_queued;		/* an EV_STEP for next_step is pending */
	bool blocked;			/* next_step (accept or recv) is waiting */
	bool reuseaddr;			/* SO_REUSEADDR for the next listen() */
	uint8_t tfo_cookie[8];		/* Fast Open cookie from the server */
	uint8_t tfo_cookie_len;		/* 0: none cached yet */
	int *listeners;			/* handles of its listen() sockets, */
	size_t nlisteners, caplisteners;/* oldest first (tcb_listener()) */
};

struct fault_state {
	struct scen_fault f;
	bool matched;
};

/* A narration or checkpoint waiting for its event. */
struct cue {
	const struct scen_when *when;
	const char *const *text;	/* narration: [en, zh]; NULL: checkpoint */
	const struct scen_checkpoint *ckpt;	/* NULL: narration */
	int line, col;
	bool matched;
};

struct engine {
	const struct scenario *sc;
	struct profile prof;
	struct trace *tr;
	struct rng rng;
	uint64_t secret;		/* ISN and SYN-cookie hash key */
	int64_t now, limit;
	bool deliver;
	bool altered;			/* see engine_opts */

	struct host hosts[2];		/* [SIDE_CLIENT], [SIDE_SERVER] */

	struct tcb **tcbs;
	int ntcbs, captcbs;
	uint64_t accept_order;
	/*
	 * Lookups that a flood of 100,000 SYNs makes 100,000 times, so they
	 * are hash tables rather than scans of every TCB or connection:
	 * tcb_slot maps (host, local port, remote endpoint) to the newest
	 * TCB with that key (handle + 1; 0 empty), whose same_key chains
	 * the older ones; conn_slot maps a pair of endpoints to the newest
	 * trace connection between them (id; 0 empty), indexed lazily up
	 * to conn_indexed.
	 */
	uint32_t *tcb_slot;
	size_t ntcb_slot, ntcb_keys;
	uint32_t *conn_slot;
	size_t nconn_slot, conn_indexed;

	struct event *heap;
	size_t nheap, capheap;
	uint64_t order;

	struct fault_state *faults;
	size_t nfaults;
	uint32_t sent[2][SEGK_NKINDS];	/* per host, per kind, for faults */
	uint32_t arriving;		/* number of the segment being received */

	struct cue *cues;
	size_t ncues;
	uint32_t entered[2][TCP_NSTATES];	/* per host: states entered */
	uint32_t fired[2][TIMER_NKINDS];	/* per host: timers fired */
};

/* engine.c */
void engine_push(struct engine *e, const struct event *ev);
struct tcb *tcb_new(struct engine *e, int host);
struct tcb *tcb_get(const struct engine *e, int handle);
struct tcb *tcb_lookup(const struct engine *e, int host,
    const struct segment *seg);
struct tcb *tcb_listener(const struct engine *e, int host, uint16_t port);
/* Give a connection's TCB its endpoints (once), so that tcb_lookup()
 * finds it. */
void tcb_set_endpoints(struct engine *e, struct tcb *t,
    const struct endpoint *local, const struct endpoint *remote);
/* A passive connection has just entered its listener's accept queue. */
void tcb_accept_push(struct tcb *l, const struct tcb *c);
void tcb_set_state(struct engine *e, struct tcb *t, enum tcp_state to,
    const char *cause);
/* The connection has ended: CLOSED, timers stopped, queues updated;
 * `error` (enum app_result) is what the application will be told. */
void tcb_close(struct engine *e, struct tcb *t, const char *cause, int error);
/* A passive connection in SYN_RCVD is forgotten: for its connection the
 * server side is back in LISTEN (the listener), and the TCB is dead. */
void tcb_drop_child(struct engine *e, struct tcb *t, const char *cause);
uint32_t engine_isn(struct engine *e, int host, const struct endpoint *local,
    const struct endpoint *remote);
uint32_t engine_ts_offset(const struct engine *e, const struct endpoint *local,
    const struct endpoint *remote);
int engine_conn_for(struct engine *e, const struct endpoint *client,
    const struct endpoint *server);
void engine_app_event(struct engine *e, const struct tcb *t, int host,
    int call, int result, uint32_t arg);

/* The cues that `when` (of kind k) matches now; n is the count so far. */
void engine_cue(struct engine *e, int kind, int host, int what, uint32_t n,
    int conn, int side);
/* The host whose address is addr, or -1 (a spoofed or absent one). */
int engine_host_at(const struct engine *e, const struct endpoint *addr);

/* tcp_output.c */
/* Send what the window and the queue allow: data, then FIN. */
void tcp_output(struct engine *e, struct tcb *t);
void tcp_send_syn(struct engine *e, struct tcb *t, uint32_t notes);
void tcp_send_ack(struct engine *e, struct tcb *t, uint32_t notes);
/* RST,ACK at SND.NXT: abort(), or close() with unread data. */
void tcp_send_reset(struct engine *e, struct tcb *t);
/* Answer `in` (which arrived at host) with a RST as RFC 9293 says. */
void tcp_reply_rst(struct engine *e, int host, const struct segment *in,
    int conn, int in_side);
/* Resend the oldest unacknowledged segment. */
void tcp_retransmit(struct engine *e, struct tcb *t);
/* Data or FIN arrived: ACK now or later as the profile says. */
void tcp_ack_received(struct engine *e, struct tcb *t, bool now);
uint16_t tcp_window_field(const struct tcb *t, bool syn);
/* Our TSval now, and the option on a segment if t uses timestamps. */
uint32_t tcp_ts_now(const struct engine *e, const struct tcb *t);
void tcp_add_timestamp(const struct engine *e, const struct tcb *t,
    struct segment *s);
void net_send(struct engine *e, struct tcb *t, int host, int conn, int side,
    struct segment *seg, uint32_t notes);
uint32_t tcp_syn_cookie(const struct engine *e, const struct segment *syn,
    int64_t minute, int mss_index);
/* The Fast Open cookie this server gives the client at `client`. */
void tcp_tfo_cookie(const struct engine *e, const struct endpoint *client,
    uint8_t out[8]);

/* tcp_input.c */
void tcp_arrive(struct engine *e, int host, const struct segment *seg,
    int conn, int from_side);

/* tcp_timer.c */
void timer_arm(struct engine *e, struct tcb *t, int timer, int64_t delay);
void timer_cancel(struct engine *e, struct tcb *t, int timer);
void timer_cancel_all(struct engine *e, struct tcb *t);
void timer_fire(struct engine *e, struct tcb *t, int timer);
/* Start the retransmission timer for a fresh segment if it is idle. */
void timer_rtx_start(struct engine *e, struct tcb *t);
/* The `k`th timeout (1-based) of a SYN or SYN-ACK: how long to wait. */
int64_t timer_syn_interval(const struct profile *p, int k, bool syn);
void timer_rtt_sample(struct engine *e, struct tcb *t, int64_t rtt);
void timer_keepalive_reset(struct engine *e, struct tcb *t);

#endif
