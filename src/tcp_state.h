/*
 * tcp_state.h: the eleven TCP states of RFC 9293 and their names.
 *
 * The states are ordered as in OpenBSD's tcp_fsm.h so that questions such
 * as "has this side reached ESTABLISHED?" are one comparison.  Names are
 * printed with underscores (SYN_SENT), as in the reference.
 */
#ifndef TCP_STATE_H
#define TCP_STATE_H

#include <stdbool.h>

enum tcp_state {
	TCP_CLOSED,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RCVD,
	TCP_ESTABLISHED,	/* from here on: synchronized states */
	TCP_CLOSE_WAIT,
	TCP_FIN_WAIT_1,		/* from here on: we have sent (or queued) FIN */
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_FIN_WAIT_2,
	TCP_TIME_WAIT,
	TCP_NSTATES
};

/* "SYN_SENT" etc.; "?" for a value out of range. */
const char *tcp_state_name(enum tcp_state s);

/* Parse a state name (exact, upper case); -1 if unknown. */
int tcp_state_parse(const char *name);

/* Synchronized: both ISNs known (ESTABLISHED and every later state). */
static inline bool tcp_state_synchronized(enum tcp_state s)
{
	return s >= TCP_ESTABLISHED;
}

/* We have sent our FIN (every state from FIN_WAIT_1 on). */
static inline bool tcp_state_fin_sent(enum tcp_state s)
{
	return s >= TCP_FIN_WAIT_1;
}

/* The peer's FIN has been received: nothing more will arrive. */
static inline bool tcp_state_fin_received(enum tcp_state s)
{
	return s == TCP_CLOSE_WAIT || s == TCP_CLOSING || s == TCP_LAST_ACK ||
	    s == TCP_TIME_WAIT;
}

#endif
