/*
 * tcp_input.c: what a host does when a segment arrives, state by state,
 * in the order of RFC 9293 section 3.10.7 ("SEGMENT ARRIVES"), with the
 * RFC 5961 defences and the Linux behaviours listed in the shared
 * reference (SYN cookies, quick retransmission of a SYN-ACK on a
 * repeated SYN, accept-queue overflow, TIME_WAIT reuse).
 */
#include <string.h>

#include "engine_internal.h"

#define SEC 1000000LL

static bool has(const struct segment *s, uint8_t flag)
{
	return (s->flags & flag) != 0;
}

/* The receive window we advertise: buffer space not holding unread data. */
static uint32_t rcv_window(const struct tcb *t)
{
	return t->rcv_wnd > t->unread ? t->rcv_wnd - t->unread : 0;
}

/* RFC 9293 3.10.7.4, first check: does any of seg fall in our window? */
static bool seq_acceptable(const struct tcb *t, const struct segment *seg)
{
	uint32_t len = segment_seqlen(seg), wnd = rcv_window(t);
	uint32_t lo = t->rcv_nxt, hi = t->rcv_nxt + wnd;
	bool first_in = seq_le(lo, seg->seq) && seq_lt(seg->seq, hi);
	bool last_in = seq_le(lo, seg->seq + len - 1) && seq_lt(seg->seq + len - 1, hi);
	if (len == 0)
		return wnd == 0 ? seg->seq == t->rcv_nxt : first_in;
	return wnd > 0 && (first_in || last_in);
}

/*
 * RFC 7323 PAWS: with timestamps on, a segment whose TSval is older than
 * the last one accepted is an old duplicate, whatever its sequence
 * number says (a RST is exempt, as in Linux's tcp_paws_discard).
 */
static bool paws_reject(const struct tcb *t, const struct segment *seg)
{
	return t->ts_ok && (seg->opt.present & SEGOPT_TIMESTAMP) &&
	    !has(seg, SEG_RST) && seq_lt(seg->opt.ts_val, t->ts_recent);
}

/* Learn what the peer's SYN or SYN-ACK says about MSS, scaling, SACK. */
static void take_syn_options(struct engine *e, struct tcb *t,
    const struct segment *seg)
{
	const struct profile *p = &e->prof;
	uint16_t peer_mss = seg->opt.present & SEGOPT_MSS ? seg->opt.mss : 536;
	t->snd_mss = peer_mss < p->mss ? peer_mss : p->mss;
	if ((seg->opt.present & SEGOPT_WSCALE) && p->wscale >= 0) {
		t->snd_wscale = seg->opt.wscale > 14 ? 14 : seg->opt.wscale;
		t->rcv_wscale = p->wscale;
	} else {
		t->snd_wscale = t->rcv_wscale = -1;
	}
	t->sack_ok = (seg->opt.present & SEGOPT_SACK_PERM) && p->sack_perm;
	/* Timestamps are on when both SYNs carry them; they take 12 bytes
	 * of every segment, so the data per segment shrinks (1460 -> 1448). */
	t->ts_ok = (seg->opt.present & SEGOPT_TIMESTAMP) && p->timestamps;
	if (t->ts_ok) {
		t->ts_recent = seg->opt.ts_val;
		t->snd_mss -= 12;
	}
	t->snd_wnd = seg->win;	/* a SYN's window is never scaled */
	t->snd_wl1 = seg->seq;
	t->snd_wl2 = seg->ack;
}

static void window_update(struct tcb *t, const struct segment *seg)
{
	if (seq_lt(t->snd_wl1, seg->seq) ||
	    (t->snd_wl1 == seg->seq && seq_le(t->snd_wl2, seg->ack))) {
		t->snd_wnd = (uint32_t)seg->win << (t->snd_wscale > 0 ? t->snd_wscale : 0);
		t->snd_wl1 = seg->seq;
		t->snd_wl2 = seg->ack;
	}
}

/*
 * An ACK has advanced SND.UNA: measure the round trip.  The timed segment
 * gives the sample; when Karn's rule forbids it (the segment was resent),
 * the echoed timestamp still tells when the acknowledged copy left, as
 * Linux's tcp_ack_update_rtt does.
 */
static void rtt_from_ack(struct engine *e, struct tcb *t, const struct segment *seg)
{
	if (t->rtt_timing && seq_gt(seg->ack, t->rtt_seq)) {
		timer_rtt_sample(e, t, e->now - t->rtt_sent);
		t->rtt_timing = false;
	} else if (t->ts_ok && (seg->opt.present & SEGOPT_TIMESTAMP) &&
	    seg->opt.ts_ecr != 0) {
		int64_t sent = (int64_t)(uint32_t)(seg->opt.ts_ecr - t->ts_offset) * 1000;
		if (sent <= e->now)
			timer_rtt_sample(e, t, e->now - sent);
	}
}

/* The segment being received is dropped for `why` (NOTE_*): say so on it. */
static void dropped(struct engine *e, uint32_t why)
{
	trace_note_segment(e->tr, e->arriving, why);
}

/* Entering ESTABLISHED, by either side. */
static void established(struct engine *e, struct tcb *t, const char *cause)
{
	timer_cancel(e, t, TIMER_RETRANSMIT);
	t->retransmits = 0;
	/* RFC 6298 5.7: no RTT sample from the handshake (it was resent):
	 * start data transfer with a 3 s RTO, as Linux does too. */
	if (!t->rtt_valid)
		t->rto = 3 * SEC;
	t->quick = e->prof.quickack;
	tcb_set_state(e, t, TCP_ESTABLISHED, cause);
	if (t->keepalive)
		timer_keepalive_reset(e, t);
}

static void enter_time_wait(struct engine *e, struct tcb *t, const char *cause)
{
	timer_cancel_all(e, t);
	tcb_set_state(e, t, TCP_TIME_WAIT, cause);
	timer_arm(e, t, TIMER_TIME_WAIT, 2 * e->prof.msl);
}

/* An acceptable RST in a synchronized state (or SYN_RCVD). */
static void reset_received(struct engine *e, struct tcb *t)
{
	switch (t->state) {
	case TCP_SYN_RCVD:
		if (t->passive)
			tcb_drop_child(e, t, "rcv-rst");
		else
			tcb_close(e, t, "rcv-rst", APP_ECONNREFUSED);
		break;
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
		tcb_close(e, t, "rcv-rst", APP_ECONNRESET);
		break;
	case TCP_CLOSE_WAIT:
		/* Linux's tcp_reset(): the peer had already said FIN, so
		 * reads still end in EOF and the next write fails. */
		tcb_close(e, t, "rcv-rst", APP_EPIPE);
		break;
	default:
		tcb_close(e, t, "rcv-rst", APP_PENDING);
		break;
	}
}

/* ---- LISTEN ---- */

static const uint16_t cookie_mss[] = { 536, 1300, 1440, 1460 };

static void send_cookie(struct engine *e, struct tcb *l, const struct segment *syn,
    int conn, int from_side)
{
	int idx = 0;
	uint16_t peer = syn->opt.present & SEGOPT_MSS ? syn->opt.mss : 536;
	for (int i = 3; i >= 0; i--)
		if (cookie_mss[i] <= peer) {
			idx = i;
			break;
		}
	struct segment s;
	memset(&s, 0, sizeof s);
	s.src = syn->dst;
	s.dst = syn->src;
	s.flags = SEG_SYN | SEG_ACK;
	s.seq = tcp_syn_cookie(e, syn, e->now / (60 * SEC), idx);
	s.ack = syn->seq + 1;
	s.win = l->rcv_wnd > 65535 ? 65535 : (uint16_t)l->rcv_wnd;
	s.opt.present = SEGOPT_MSS;
	s.opt.mss = cookie_mss[idx];
	const struct profile *p = &e->prof;
	if ((syn->opt.present & SEGOPT_TIMESTAMP) && p->timestamps) {
		/* Linux hides the peer's window scale and SACK-permitted in
		 * the low six bits of our TSval; the final ACK echoes them
		 * back, so a stateless server still learns them. */
		uint32_t opts = syn->opt.present & SEGOPT_WSCALE && p->wscale >= 0 ?
		    syn->opt.wscale & 0xf : 0xf;
		if ((syn->opt.present & SEGOPT_SACK_PERM) && p->sack_perm) {
			opts |= 0x10;
			s.opt.present |= SEGOPT_SACK_PERM;
		}
		if ((opts & 0xf) != 0xf) {
			s.opt.present |= SEGOPT_WSCALE;
			s.opt.wscale = (uint8_t)p->wscale;
		}
		s.opt.present |= SEGOPT_TIMESTAMP;
		uint32_t now = (uint32_t)(e->now / 1000) +
		    engine_ts_offset(e, &syn->dst, &syn->src);
		s.opt.ts_val = (now & ~0x3fu) | opts;
		s.opt.ts_ecr = syn->opt.ts_val;
	}
	/* No state is kept, so nothing will ever retransmit this SYN-ACK. */
	l->cookie_until = e->now + 2 * 60 * SEC;
	net_send(e, NULL, l->host, conn, !from_side, &s, NOTE_SYN_COOKIE);
}

/* Does this ACK carry one of our cookies, less than two minutes old? */
static int cookie_mss_index(struct engine *e, const struct segment *ack)
{
	struct segment syn = *ack;
	syn.seq = ack->seq - 1;
	int64_t minute = e->now / (60 * SEC);
	for (int64_t m = minute; m >= 0 && m >= minute - 2; m--)
		for (int i = 0; i < 4; i++)
			if (tcp_syn_cookie(e, &syn, m, i) == ack->ack - 1)
				return i;
	return -1;
}

static struct tcb *child_new(struct engine *e, struct tcb *l,
    const struct segment *seg, int conn, int from_side)
{
	struct tcb *c = tcb_new(e, l->host);
	tcb_set_endpoints(e, c, &seg->dst, &seg->src);
	c->conn = conn;
	c->side = !from_side;
	c->passive = true;
	c->listener = l->handle;
	c->reuse = l->reuse;
	c->ts_offset = engine_ts_offset(e, &c->local, &c->remote);
	c->state = TCP_LISTEN;	/* it was the listener until now */
	return c;
}

static bool accept_queue_full(const struct tcb *l)
{
	return l->acc_q > l->backlog;	/* Linux fits backlog + 1 */
}

static void enqueue_accept(struct engine *e, struct tcb *l, struct tcb *c)
{
	if (c->queue == Q_SYN)
		l->syn_q--;
	c->queue = Q_ACCEPT;
	c->queued_order = e->accept_order++;
	tcb_accept_push(l, c);
	l->acc_q++;
}

static void listen_ack(struct engine *e, struct tcb *l, const struct segment *seg,
    int conn, int from_side)
{
	int idx = -1;
	if (!has(seg, SEG_SYN) && e->now < l->cookie_until && !accept_queue_full(l))
		idx = cookie_mss_index(e, seg);
	if (idx < 0) {
		tcp_reply_rst(e, l->host, seg, conn, from_side);
		return;
	}
	/* A valid cookie rebuilds the connection from the ACK alone. */
	struct tcb *c = child_new(e, l, seg, conn, from_side);
	c->irs = seg->seq - 1;
	c->rcv_nxt = seg->seq;
	c->iss = seg->ack - 1;
	c->snd_una = c->snd_nxt = c->snd_end = seg->ack;
	c->snd_mss = cookie_mss[idx] < e->prof.mss ? cookie_mss[idx] : e->prof.mss;
	c->snd_wnd = seg->win;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	if ((seg->opt.present & SEGOPT_TIMESTAMP) && e->prof.timestamps) {
		/* What send_cookie() hid in its TSval comes back as TSecr;
		 * without timestamps, window scaling and SACK are lost. */
		uint32_t opts = seg->opt.ts_ecr & 0x3f;
		c->ts_ok = true;
		/* child_new() gave it the offset the cookie's TSval used. */
		c->ts_recent = seg->opt.ts_val;
		c->snd_mss -= 12;
		if ((opts & 0xf) != 0xf && e->prof.wscale >= 0) {
			c->snd_wscale = (int)(opts & 0xf);
			c->rcv_wscale = e->prof.wscale;
		}
		c->sack_ok = opts & 0x10;
	}
	enqueue_accept(e, l, c);
	established(e, c, "syn-cookie");
	if (seg->len > 0 || has(seg, SEG_FIN))
		tcp_arrive(e, l->host, seg, conn, from_side);
}

/*
 * RFC 7413 on the server: a SYN asking for a cookie gets one in the
 * SYN-ACK; a SYN with our cookie has its data accepted at once, and the
 * connection goes to the accept queue before the handshake completes.
 * A wrong cookie just means a normal handshake (the data is not acked).
 */
static void fastopen_input(struct engine *e, struct tcb *l, struct tcb *c,
    const struct segment *seg)
{
	uint8_t cookie[8];
	tcp_tfo_cookie(e, &seg->src, cookie);
	/* Linux sends its cookie only to a client that lacks a good one. */
	c->tfo_reply = seg->opt.tfo_len != 8 ||
	    memcmp(seg->opt.tfo_cookie, cookie, 8) != 0;
	if (c->tfo_reply || seg->len == 0)
		return;
	c->tfo_early = true;
	c->rcv_nxt += seg->len;
	c->unread = seg->len;
	c->last_data_rcvd = e->now;
	enqueue_accept(e, l, c);
}

static void listen_input(struct engine *e, struct tcb *l, const struct segment *seg,
    int conn, int from_side)
{
	const struct profile *p = &e->prof;
	if (has(seg, SEG_RST))
		return;
	if (has(seg, SEG_ACK)) {
		listen_ack(e, l, seg, conn, from_side);
		return;
	}
	if (!has(seg, SEG_SYN))
		return;
	/* A full accept queue drops the SYN: the client will retry. */
	if (accept_queue_full(l)) {
		dropped(e, NOTE_QUEUE_FULL);
		return;
	}
	/* Measured on Linux 6.x: listen(4) holds 5 half-open connections;
	 * like the accept queue, the SYN queue is full only past backlog. */
	int syn_limit = l->backlog < p->max_syn_backlog ? l->backlog : p->max_syn_backlog;
	if (p->syncookies == 2 || l->syn_q > syn_limit) {
		if (p->syncookies)
			send_cookie(e, l, seg, conn, from_side);
		else
			dropped(e, NOTE_QUEUE_FULL);
		return;
	}
	struct tcb *c = child_new(e, l, seg, conn, from_side);
	c->queue = Q_SYN;
	l->syn_q++;
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	take_syn_options(e, c, seg);
	c->iss = engine_isn(e, l->host, &c->local, &c->remote);
	c->snd_una = c->iss;
	c->snd_nxt = c->snd_end = c->iss + 1;
	tcb_set_state(e, c, TCP_SYN_RCVD, "rcv-syn");
	if ((p->fastopen & 2) && (seg->opt.present & SEGOPT_TFO))
		fastopen_input(e, l, c, seg);
	tcp_send_syn(e, c, 0);
	if (p->handshake == 2) {
		/* The what-if of "why not two handshakes": the server takes
		 * the SYN alone as proof, and hands the connection to the
		 * application at once. */
		enqueue_accept(e, l, c);
		established(e, c, "two-way-handshake");
	}
}

/* ---- SYN_SENT (RFC 9293 3.10.7.3) ---- */

static void syn_sent_input(struct engine *e, struct tcb *t, const struct segment *seg)
{
	if (has(seg, SEG_ACK) &&
	    (seq_le(seg->ack, t->iss) || seq_gt(seg->ack, t->snd_nxt))) {
		tcp_reply_rst(e, t->host, seg, t->conn, !t->side);
		return;
	}
	if (has(seg, SEG_RST)) {
		if (has(seg, SEG_ACK))
			tcb_close(e, t, "rcv-rst", APP_ECONNREFUSED);
		return;
	}
	if (!has(seg, SEG_SYN))
		return;
	t->irs = seg->seq;
	t->rcv_nxt = seg->seq + 1;
	take_syn_options(e, t, seg);
	if (has(seg, SEG_ACK)) {
		struct host *h = &e->hosts[t->host];
		if ((seg->opt.present & SEGOPT_TFO) && seg->opt.tfo_len > 0 &&
		    seg->opt.tfo_len <= sizeof h->tfo_cookie) {
			h->tfo_cookie_len = seg->opt.tfo_len;
			memcpy(h->tfo_cookie, seg->opt.tfo_cookie, seg->opt.tfo_len);
		}
		t->snd_una = seg->ack;
		rtt_from_ack(e, t, seg);
		/* Data in our SYN that the server did not take goes again. */
		t->snd_nxt = seg->ack;
		established(e, t, "rcv-syn-ack");
		/* Data the application wrote while connecting carries the
		 * ACK itself (Linux delays the ACK for a waiting writer). */
		if (seq_lt(t->snd_nxt, t->snd_end)) {
			/* Linux marks the SYN-ACK as a receive with its ACK
			 * timer primed (tcp_enter_quickack_mode), so data
			 * sent at once makes the exchange interactive. */
			t->last_data_rcvd = e->now;
			tcp_output(e, t);
		}
		else
			tcp_send_ack(e, t, 0);
		return;
	}
	/* Simultaneous open: answer with a SYN-ACK at the same ISS. */
	tcb_set_state(e, t, TCP_SYN_RCVD, "rcv-syn");
	tcp_send_syn(e, t, 0);
}

/* ---- TIME_WAIT ---- */

static void time_wait_input(struct engine *e, struct tcb *t, const struct segment *seg,
    int conn, int from_side)
{
	if (has(seg, SEG_RST)) {
		/* RFC 9293 closes on an exact RST; RFC 1337 says ignore it. */
		if (!e->prof.rfc1337 && seg->seq == t->rcv_nxt)
			tcb_close(e, t, "rcv-rst", APP_PENDING);
		return;
	}
	struct tcb *l = tcb_listener(e, t->host, t->local.port);
	bool newer = seq_gt(seg->seq, t->rcv_nxt) ||
	    (t->ts_ok && (seg->opt.present & SEGOPT_TIMESTAMP) &&
	    seq_gt(seg->opt.ts_val, t->ts_recent));
	if (has(seg, SEG_SYN) && !has(seg, SEG_ACK) && newer && l) {
		/* RFC 1122 4.2.2.13: a new SYN above the old sequence space
		 * (or, Linux, with a newer timestamp) may end TIME_WAIT and
		 * open a new incarnation. */
		tcb_close(e, t, "new-syn", APP_PENDING);
		listen_input(e, l, seg, conn, from_side);
		return;
	}
	if (t->ts_ok && (seg->opt.present & SEGOPT_TIMESTAMP))
		t->ts_recent = seg->opt.ts_val;
	if (has(seg, SEG_FIN) && seg->seq + seg->len + 1 == t->rcv_nxt) {
		/* The peer did not hear our last ACK: say it again, and wait
		 * the full 2MSL again from now. */
		tcp_send_ack(e, t, NOTE_DUP_ACK);
		timer_arm(e, t, TIMER_TIME_WAIT, 2 * e->prof.msl);
		return;
	}
	if (!seq_acceptable(t, seg) || segment_seqlen(seg) > 0) {
		dropped(e, NOTE_OUT_OF_WINDOW);
		tcp_send_ack(e, t, NOTE_DUP_ACK);
	}
}

/* ---- SYN_RCVD and the synchronized states (RFC 9293 3.10.7.4) ---- */

/* Step five: the ACK field.  Returns false when the segment is done. */
static bool ack_input(struct engine *e, struct tcb *t, const struct segment *seg)
{
	if (t->state == TCP_SYN_RCVD) {
		if (seq_le(seg->ack, t->snd_una) || seq_gt(seg->ack, t->snd_nxt)) {
			tcp_reply_rst(e, t->host, seg, t->conn, !t->side);
			return false;
		}
		struct tcb *l = tcb_get(e, t->listener);
		if (t->passive && l && l->state == TCP_LISTEN && t->queue == Q_SYN) {
			/* Linux (tcp_abort_on_overflow=0) ignores the ACK when
			 * the accept queue is full; the SYN-ACK timer goes on. */
			if (accept_queue_full(l)) {
				dropped(e, NOTE_QUEUE_FULL);
				return false;
			}
			enqueue_accept(e, l, t);
		}
		t->snd_una = seg->ack;
		rtt_from_ack(e, t, seg);
		t->snd_wl1 = seg->seq - 1;	/* let this segment set the window */
		window_update(t, seg);
		established(e, t, "rcv-ack");
		return true;
	}
	if (seq_gt(seg->ack, t->snd_nxt)) {
		/* It acknowledges what we never sent. */
		if (!e->prof.drop_unsent_ack)
			tcp_send_ack(e, t, 0);
		return false;
	}
	if (seq_gt(seg->ack, t->snd_una)) {
		t->snd_una = seg->ack;
		rtt_from_ack(e, t, seg);
		t->retransmits = 0;
		timer_cancel(e, t, TIMER_RETRANSMIT);
		if (t->snd_una != t->snd_nxt) {
			/* After a timeout, resend the rest one by one as the
			 * ACKs come (go-back-N, like Linux's loss recovery). */
			if (t->recovering)
				tcp_retransmit(e, t);
			timer_rtx_start(e, t);
		} else {
			t->recovering = false;
		}
	}
	window_update(t, seg);
	return true;
}

/* Our FIN has been sent and everything up to it acknowledged. */
static bool our_fin_acked(const struct tcb *t)
{
	return t->fin_queued && seq_gt(t->snd_nxt, t->snd_end) &&
	    t->snd_una == t->snd_nxt;
}

/* Step seven: data.  Returns false when the segment is done. */
static bool data_input(struct engine *e, struct tcb *t, const struct segment *seg,
    bool *accepted)
{
	if (seg->len == 0 || (t->state != TCP_ESTABLISHED &&
	    t->state != TCP_FIN_WAIT_1 && t->state != TCP_FIN_WAIT_2))
		return true;
	if (t->orphan) {
		/* Nobody will ever read it: tell the sender at once. */
		tcp_reply_rst(e, t->host, seg, t->conn, !t->side);
		tcb_close(e, t, "rcv-data-after-close", APP_PENDING);
		return false;
	}
	if (seq_gt(seg->seq, t->rcv_nxt)) {
		/* A hole before it: repeat our ACK so the sender learns. */
		tcp_send_ack(e, t, NOTE_DUP_ACK);
		return false;
	}
	uint32_t end = seg->seq + seg->len;
	if (seq_gt(end, t->rcv_nxt)) {
		uint32_t fresh = end - t->rcv_nxt;
		t->rcv_nxt = end;
		t->unread += fresh;
		t->rcv_unacked += fresh;
		t->last_data_rcvd = e->now;
		*accepted = true;
	}
	return true;
}

/* Step eight: FIN. */
static void fin_input(struct engine *e, struct tcb *t, bool fin_acked_now)
{
	t->rcv_nxt++;
	t->fin_received = true;
	switch (t->state) {
	case TCP_ESTABLISHED:
		tcb_set_state(e, t, TCP_CLOSE_WAIT, "rcv-fin");
		/* Linux delays this ACK (pingpong mode) so that, if the
		 * application closes at once, FIN and ACK share a segment. */
		if (e->prof.delack > 0)
			t->pingpong = true;
		tcp_ack_received(e, t, false);
		break;
	case TCP_FIN_WAIT_1:
		if (fin_acked_now) {
			enter_time_wait(e, t, "rcv-fin-ack");
		} else {
			tcb_set_state(e, t, TCP_CLOSING, "rcv-fin");
		}
		tcp_ack_received(e, t, true);
		break;
	case TCP_FIN_WAIT_2:
		enter_time_wait(e, t, "rcv-fin");
		tcp_ack_received(e, t, true);
		break;
	default:
		break;
	}
}

static void synchronized_input(struct engine *e, struct tcb *t,
    const struct segment *seg)
{
	/* Simultaneous open: our SYN-ACK's twin arrives. */
	if (t->state == TCP_SYN_RCVD && !t->passive && has(seg, SEG_SYN) &&
	    has(seg, SEG_ACK) && !has(seg, SEG_RST) && seg->seq == t->irs &&
	    seg->ack == t->snd_nxt) {
		t->snd_una = seg->ack;
		t->snd_wnd = seg->win;
		established(e, t, "rcv-syn-ack");
		tcp_send_ack(e, t, 0);
		return;
	}
	/* The client did not hear our SYN-ACK and sent its SYN again. */
	if (t->state == TCP_SYN_RCVD && t->passive && has(seg, SEG_SYN) &&
	    !has(seg, SEG_ACK) && !has(seg, SEG_RST) && seg->seq == t->irs) {
		tcp_send_syn(e, t, NOTE_RETRANSMISSION);
		return;
	}
	if (!seq_acceptable(t, seg) || paws_reject(t, seg)) {
		dropped(e, NOTE_OUT_OF_WINDOW);
		if (!has(seg, SEG_RST))
			tcp_send_ack(e, t, NOTE_DUP_ACK);
		return;
	}
	if (t->ts_ok && (seg->opt.present & SEGOPT_TIMESTAMP))
		t->ts_recent = seg->opt.ts_val;
	/* Only an acceptable segment proves the peer alive: a keepalive
	 * probe from the peer (one below our window) does not, as in
	 * Linux, where it never reaches the code that stamps rcv_tstamp. */
	t->last_rcvd = e->now;
	t->probes_out = 0;
	if (has(seg, SEG_RST)) {
		/* RFC 5961 3.2: only the exact RST resets; one merely in the
		 * window could be forged, so ask the peer to confirm. */
		if (seg->seq == t->rcv_nxt)
			reset_received(e, t);
		else
			tcp_send_ack(e, t, NOTE_CHALLENGE_ACK);
		return;
	}
	if (has(seg, SEG_SYN)) {
		tcp_send_ack(e, t, NOTE_CHALLENGE_ACK);	/* RFC 5961 4.2 */
		return;
	}
	if (!has(seg, SEG_ACK))
		return;

	bool was_fin_acked = our_fin_acked(t);
	if (!ack_input(e, t, seg))
		return;
	bool fin_acked_now = !was_fin_acked && our_fin_acked(t);
	bool fin_here = has(seg, SEG_FIN) && !t->fin_received;

	if (fin_acked_now) {
		switch (t->state) {
		case TCP_FIN_WAIT_1:
			/* With the peer's FIN in the same segment we go
			 * straight to TIME_WAIT below (a three-way close). */
			if (!fin_here || seg->seq + seg->len != t->rcv_nxt)
				tcb_set_state(e, t, TCP_FIN_WAIT_2, "rcv-ack");
			if (t->state == TCP_FIN_WAIT_2 && t->orphan &&
			    e->prof.fin_timeout > 0)
				timer_arm(e, t, TIMER_FIN_WAIT_2, e->prof.fin_timeout);
			break;
		case TCP_CLOSING:
			enter_time_wait(e, t, "rcv-ack");
			return;
		case TCP_LAST_ACK:
			tcb_close(e, t, "rcv-ack", APP_PENDING);
			return;
		default:
			break;
		}
	}

	bool accepted = false;
	if (!data_input(e, t, seg, &accepted))
		return;
	if (fin_here && seg->seq + seg->len == t->rcv_nxt)
		fin_input(e, t, fin_acked_now);
	else if (accepted)
		tcp_ack_received(e, t, false);
	tcp_output(e, t);
}

void tcp_arrive(struct engine *e, int host, const struct segment *seg,
    int conn, int from_side)
{
	struct tcb *t = tcb_lookup(e, host, seg);
	if (!t) {
		struct tcb *l = tcb_listener(e, host, seg->dst.port);
		if (l)
			listen_input(e, l, seg, conn, from_side);
		else
			tcp_reply_rst(e, host, seg, conn, from_side);
		return;
	}
	switch (t->state) {
	case TCP_SYN_SENT:
		syn_sent_input(e, t, seg);
		break;
	case TCP_TIME_WAIT:
		time_wait_input(e, t, seg, conn, from_side);
		break;
	default:
		synchronized_input(e, t, seg);
		break;
	}
}
