/*
 * infer_narr.h: the sentences with which infer.c explains a capture, one
 * per inferred transition or notable note, in English and Chinese.
 * Private to the infer module.
 */
#ifndef INFER_NARR_H
#define INFER_NARR_H

#include <stdint.h>

#include "trace.h"

enum infer_narr {
	/* Transitions, chosen by infer_narr_transition(). */
	NARR_SND_SYN,
	NARR_RCV_SYN,
	NARR_SIMOPEN,
	NARR_RCV_SYN_ACK,
	NARR_SIMOPEN_DONE,
	NARR_HANDSHAKE_DONE,
	NARR_COOKIE_DONE,
	NARR_SND_FIN,
	NARR_SND_FIN_EARLY,
	NARR_SND_FIN_LAST,
	NARR_RCV_FIN,
	NARR_FIN_ACKED,
	NARR_TIME_WAIT,
	NARR_THREE_WAY,
	NARR_SIMCLOSE,
	NARR_CLOSING_ACKED,
	NARR_LAST_ACKED,
	NARR_REFUSED,
	NARR_HALF_OPEN_RST,
	NARR_RCV_RST,
	NARR_TIME_WAIT_RST,
	NARR_ABORT,
	NARR_KEEPALIVE_GIVE_UP,
	NARR_DATA_AFTER_CLOSE,
	NARR_STATE_LOST,
	NARR_NEW_SYN,
	NARR_FIN_WAIT_2_TIMEOUT,
	NARR_SYN_TIMEOUT,
	NARR_SYNACK_TIMEOUT,
	NARR_GAVE_UP,
	/* Not tied to one transition. */
	NARR_COOKIE_LATE,
	NARR_ASSUMED,
	NARR_ASSUMED_SYN_ACK,
	NARR_RETRANSMISSION,
	NARR_KEEPALIVE,
	NARR_KEEPALIVE_ANSWER,
	NARR_DUP_ACK,
	NARR_CHALLENGE_ACK,
	NARR_OUT_OF_WINDOW,
	NARR_TFO,
	NARR_WINDOW_ZERO,
	NARR_COOKIE,
	NARR_COOKIE_AFTER,
	NARR_RST_CHALLENGE,
	NARR_RST_IGNORED,
	NARR_FORGED_RST,
	NARR_SYNACK_AGAIN,
	NARR_TIME_WAIT_AGAIN,
	NARR_HALF_CLOSE,
	NARR_COUNT
};

/* The sentence for a transition of `side` from `from` to `to` for
 * `cause`, or -1 when it needs none (an assumed state, say). */
int infer_narr_transition(enum tcp_state from, enum tcp_state to,
    const char *cause);

/*
 * The texts of the sentences without a number, once made: their indexes
 * in the trace's pool (trace_pool()), 0 before.  A capture says the same
 * few thousands of times, and filling and pooling each again would cost
 * more than the rest of the inference.  Zeroed with the infer record;
 * valid while its trace is.
 */
struct infer_narr_memo {
	uint32_t text[NARR_COUNT][2][2];	/* [id][side][lang] */
};

/* Append narration `id` about `side` at time t; `num` fills the
 * sentence's number, if it has one. */
void infer_narrate(struct trace *tr, struct infer_narr_memo *memo, int64_t t,
    int conn, int side, enum infer_narr id, const char *num);

#endif
