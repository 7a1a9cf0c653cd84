/*
 * infer.h: each side's likely state, from captured segments alone.
 *
 * A capture shows segments, never states.  For every segment of a
 * connection this module infers the sender's state after sending it and
 * the receiver's state after receiving it, following RFC 9293 and
 * the shared reference (tcp-behaviour.md), and appends to the trace the
 * state events (with causes like the engine's: "snd-syn", "rcv-syn",
 * "rcv-syn-ack", "rcv-ack", "snd-fin", "rcv-fin", "rcv-fin-ack",
 * "rcv-rst", "abort" ...), notes on the segment (the JSON contract's
 * words, and the class of a RST: "refused", "abort", "half-open",
 * "challenge") and narration in English and Chinese.
 *
 * Evidence, not hope.  One observation point sees a segment once, but not
 * whether it reached its receiver, nor what the receiver had sent before
 * it arrived (two FINs or two SYNs cross on the wire).  So the effect of
 * a segment that must be acknowledged (a SYN, a SYN-ACK, a FIN) on its
 * receiver is applied when the receiver's own next segment acknowledges
 * it, at that segment's time; a receiver's segment that does not cover
 * it was sent before it arrived (a simultaneous open or close).  Effects
 * queue in capture order behind such a segment.  Everything else (an
 * ACK, data) takes effect at its capture time; so do a RST, which
 * clears what waited, and a SYN reaching a synchronized side, which a
 * challenge ACK answers without acknowledging it.
 *
 * Other heuristics, each a guess that the narration owns up to:
 * - a capture that starts mid-connection starts both sides as
 *   ESTABLISHED with the cause TRACE_CAUSE_ASSUMED;
 * - a side whose retransmissions stop, while the capture goes on for
 *   two and a half times the last backoff interval with nothing more on
 *   that connection, has given up (SYN_SENT: connect() timed out;
 *   SYN_RCVD: the half-open entry was dropped; otherwise: ETIMEDOUT),
 *   at that time; copies closer than 200 ms (answers to a duplicate)
 *   are no backoff;
 * - RST classes: "refused" answers a SYN (ack = its seq + 1); "half-open"
 *   has no ACK and seq = the ACK of the segment it answers: if that ACK
 *   covers what the RST's sender had sent, the sender lost the
 *   connection (a crash, a reboot, giving up, or after about 60 s in
 *   FIN_WAIT_2 the orphan timer); "abort" comes from a synchronized side
 *   numbered within [SND.UNA, SND.NXT] and closes it (after two or more
 *   unanswered keepalive probes: the keepalive gave up; in FIN_WAIT_*
 *   right after data: data after close()); "challenge" reaches a
 *   synchronized side inside its window but not at RCV.NXT (RFC 5961:
 *   a challenge ACK follows); one outside the window is noted
 *   "out-of-window" and ignored;
 * - SYN cookies: a SYN-ACK of a listener that was never retransmitted
 *   nor answered within INFER_COOKIE_WAIT, while half-open entries of the
 *   same listener were retransmitted (so they sat in its SYN queue), was
 *   a cookie; the number of those entries is then taken as the queue's
 *   size, and later SYN-ACKs sent while that many entries are half-open
 *   are cookies at once (the completing ACK goes LISTEN -> ESTABLISHED).
 *   Completed connections whose SYN-ACK came after the first cookie while
 *   the queue was still full are marked afterwards, in the notes only.
 * - keepalive: an ACK with seq = SND.UNA - 1, 0 or 1 byte, nothing
 *   outstanding, after at least INFER_IDLE of silence, to a peer whose
 *   window is open (with a closed window the same shape is a window
 *   probe).
 *
 * SYN floods: every server endpoint that receives a first SYN gets a
 * trace_listener record with its half-open count over time; listeners
 * with TRACE_FLOOD_MIN or more connections that never completed are
 * floods (infer_finish() decides), and the views summarise them.
 *
 * Memory: inference keeps a record of 224 bytes per connection, and adds
 * to the trace a state event per inferred transition, whose sentence
 * rides in it (trace_add_narration_pooled()); a sentence about a note
 * takes an event of its own.
 *
 * Order of calls: infer_new() on the trace that conntrack fills; for
 * every captured segment, infer_advance() with its (relative) time
 * before its event is appended, infer_segment() right after;
 * infer_forget() whenever conntrack lets connections go; infer_finish()
 * at the end of the capture; infer_free() after the trace's last use
 * by a view (narration texts live in the trace's pool, not here).
 * conntrack_infer() makes conntrack do the calls in between.
 *
 * Narration: one sentence per inferred transition, and per side the
 * first of each kind of note; connections that are part of a flood in
 * progress (TRACE_FLOOD_MIN attempts on their listener not completed)
 * say nothing, their flood's row speaks for them.
 */
#ifndef INFER_H
#define INFER_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

#define INFER_IDLE 1000000		/* us of silence before a keepalive */
#define INFER_COOKIE_WAIT 2000000	/* us: a SYN-ACK's first RTO is 1 s */
#define INFER_ORPHAN_FIN_WAIT_2 55000000 /* us: about tcp_fin_timeout */

struct infer;

/* NULL when out of memory.  Marks the trace as a capture (tr->capture). */
struct infer *infer_new(struct trace *tr);
void infer_free(struct infer *inf);

/* Time moves to t (microseconds, as the trace counts them): inferred
 * timeouts due by then are appended, at their own times. */
void infer_advance(struct infer *inf, int64_t t);

/* The segment event at tr->ev[index] was just appended. */
void infer_segment(struct infer *inf, size_t index);

/* trace_forget_conns(tr, newid) has just renumbered the connections;
 * oldn is how many there were before. */
void infer_forget(struct infer *inf, const int *newid, size_t oldn);

/* Fill in the listeners' flood summaries: at the end of the capture,
 * and as often as a live view wants them up to date. */
void infer_finish(struct infer *inf);

#endif
