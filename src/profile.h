/*
 * profile.h: the timer and queue values that make TCP behave as the
 * textbook draws it or as Linux does (see shared reference, "Timer and
 * queue profiles").  A profile is plain data; the engine reads it.
 *
 * Order of calls: profile_init() with a name, then profile_load_host()
 * for "host", then any number of profile_set("key=value").
 */
#ifndef PROFILE_H
#define PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "tv_error.h"

struct profile {
	char name[16];			/* "textbook", "linux", "host" */

	int64_t rto_initial;		/* microseconds */
	int64_t rto_min;		/* floor added to the variance term (linux) or
					   floor of the whole RTO (textbook) */
	int64_t rto_max;
	bool rto_linux;			/* RTO = SRTT + max(4*RTTVAR, rto_min) */
	bool drop_unsent_ack;		/* an ACK of data never sent is dropped
					   silently (Linux) instead of answered
					   with an ACK (RFC 9293), which can make
					   two hosts ACK each other forever */
	int syn_retries;
	int syn_linear_timeouts;	/* first SYN timeouts not doubled */
	int synack_retries;
	int retries2;			/* data/FIN retransmissions before giving up */
	int orphan_retries;		/* the same after close() */

	int64_t msl;			/* TIME_WAIT lasts 2 * msl */
	int64_t fin_timeout;		/* orphaned FIN_WAIT_2; 0 = wait forever */
	int64_t keepalive_time;
	int64_t keepalive_intvl;
	int keepalive_probes;
	int64_t delack;			/* delayed ACK; 0 = acknowledge at once */
	int quickack;			/* first data segments ACKed at once */

	int syncookies;			/* 0 off, 1 when the SYN queue is full */
	int max_syn_backlog;
	int somaxconn;
	bool rfc1337;			/* true: a RST does not end TIME_WAIT */
	int handshake;			/* 3; 2 is a what-if: a server that
					   trusts a SYN alone */
	int fastopen;			/* Linux tcp_fastopen: 1 client, 2 server */

	uint16_t mss;
	uint32_t rcv_wnd;		/* receive buffer, bytes */
	int wscale;			/* -1: no window scale option */
	bool sack_perm;
	bool timestamps;		/* RFC 7323 timestamps (Linux: on) */

	/* The network between the hosts, not a property of a TCP stack. */
	int64_t delay[2];		/* one-way: [0] client->server, [1] back;
					   at most PROFILE_DELAY_MAX */
};

/* us: the longest one-way delay; with a scenario's own delays
 * (SCEN_DELAY_MAX) a segment still arrives within what a trace event
 * holds (TRACE_DELAY_MAX). */
#define PROFILE_DELAY_MAX (30 * 60 * INT64_C(1000000))

/* Fill p with "textbook" or "linux" ("host" gives linux; then call
 * profile_load_host).  -1 and err on an unknown name. */
int profile_init(struct profile *p, const char *name, struct tv_error *err);

/*
 * Read the running machine's values from procdir (normally
 * "/proc/sys/net/ipv4"); anything missing or unreadable keeps its
 * linux value.  Returns how many values were read.
 */
int profile_load_host(struct profile *p, const char *procdir);

/* Override one value from "key=value" (times in seconds, "ms" or "us"
 * suffixes allowed).  -1 and err on an unknown key or bad value. */
int profile_set(struct profile *p, const char *assignment,
    struct tv_error *err);

/* The keys profile_set understands, for --help and the man page:
 * i from 0 to profile_nkeys() - 1. */
int profile_nkeys(void);
const char *profile_key_name(int i);
const char *profile_key_help(int i);

/* Current value of a key as text ("60", "0.2"); NULL if unknown. */
const char *profile_get(const struct profile *p, const char *key,
    char *buf, int len);

#endif
