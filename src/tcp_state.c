/*
 * tcp_state.c: the names of the TCP states, printed as in the reference
 * (underscores), and their parser.
 */
#include <string.h>

#include "tcp_state.h"

/* Parallel to enum tcp_state, as in OpenBSD's tcpstates[]. */
static const char *const state_names[TCP_NSTATES] = {
	[TCP_CLOSED] = "CLOSED",
	[TCP_LISTEN] = "LISTEN",
	[TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RCVD] = "SYN_RCVD",
	[TCP_ESTABLISHED] = "ESTABLISHED",
	[TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_FIN_WAIT_1] = "FIN_WAIT_1",
	[TCP_CLOSING] = "CLOSING",
	[TCP_LAST_ACK] = "LAST_ACK",
	[TCP_FIN_WAIT_2] = "FIN_WAIT_2",
	[TCP_TIME_WAIT] = "TIME_WAIT",
};

const char *tcp_state_name(enum tcp_state s)
{
	/* The cast also catches negative values from a bad int. */
	if ((unsigned)s >= TCP_NSTATES)
		return "?";
	return state_names[s];
}

int tcp_state_parse(const char *name)
{
	for (int i = 0; i < TCP_NSTATES; i++) {
		if (strcmp(name, state_names[i]) == 0)
			return i;
	}
	return -1;
}
