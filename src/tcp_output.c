/*
 * tcp_output.c: everything that puts a segment on the simulated wire:
 * building SYNs, data, FINs, ACKs and RSTs from a TCB; the ACK policy
 * (at once, or delayed in the hope of riding on a reply); and net_send(),
 * where the network decides each segment's fate.
 */
#include <string.h>

#include "engine_internal.h"

/* ---- The network ---- */

/*
 * A segment's arrival must fit its trace event: the one-way delay and
 * every scripted delay that may meet it, together, stay within
 * TRACE_DELAY_MAX.  (C99 has no static assertion; a negative array size
 * stops the build.)
 */
extern char net_check_delay[PROFILE_DELAY_MAX + SCEN_DELAY_MAX <=
    TRACE_DELAY_MAX ? 1 : -1];

static bool fault_applies(struct engine *e, int host, enum seg_kind kind,
    struct fault_state *fs)
{
	const struct scen_fault *f = &fs->f;
	if (fs->matched || f->side != host)
		return false;
	if (f->kind == SEGK_ANY)
		return e->sent[host][SEGK_ANY] == f->nth;
	return f->kind == kind && e->sent[host][kind] == f->nth;
}

static bool link_down(const struct engine *e, int dir)
{
	if (!e->sc)
		return false;
	for (size_t i = 0; i < e->sc->noutages; i++) {
		const struct scen_outage *o = &e->sc->outages[i];
		if ((o->dir < 0 || o->dir == dir) && e->now >= o->from && e->now < o->to)
			return true;
	}
	return false;
}

/*
 * Send seg from `host` (t may be NULL for a reply without a socket).
 * The fault descriptors count segments per sending host and kind, so
 * "client:SYN#2" is the client's first SYN retransmission.
 */
void net_send(struct engine *e, struct tcb *t, int host, int conn, int side,
    struct segment *seg, uint32_t notes)
{
	(void)t;
	enum seg_kind kind = segment_kind(seg);
	e->sent[host][kind]++;
	e->sent[host][SEGK_ANY]++;

	bool lost = false;
	int64_t extra = 0;
	for (size_t i = 0; i < e->nfaults; i++) {
		struct fault_state *fs = &e->faults[i];
		if (!fault_applies(e, host, kind, fs))
			continue;
		fs->matched = true;
		if (fs->f.action == FAULT_DROP) {
			lost = true;
		} else {
			extra += fs->f.delay;
			notes |= NOTE_DELAYED;
		}
	}
	if (!lost && link_down(e, host)) {
		lost = true;
		notes |= NOTE_LINK_DOWN;
	}
	if (seg->win == 0 && !(seg->flags & (SEG_SYN | SEG_RST)))
		notes |= NOTE_WINDOW_ZERO;

	int64_t arrive = lost ? TRACE_T_NONE : e->now + e->prof.delay[host] + extra;
	uint32_t n = trace_add_segment(e->tr, e->now, conn, side, seg, arrive,
	    notes)->n;
	engine_cue(e, WHEN_SEGMENT, host, kind, e->sent[host][kind], conn, side);
	engine_cue(e, WHEN_SEGMENT, host, SEGK_ANY, e->sent[host][SEGK_ANY], conn, side);
	if (lost || !e->deliver)
		return;
	struct event ev = {
		.t = arrive, .kind = EV_ARRIVE, .side = (uint8_t)side,
		.host = engine_host_at(e, &seg->dst), .conn = conn, .n = n,
		.seg = *seg,
	};
	engine_push(e, &ev);
}

/* ---- Building segments ---- */

/*
 * The window field: the free receive buffer, scaled once both sides
 * agreed on scaling.  Linux rounds the scaled window up to a whole unit
 * (__tcp_select_window), hence 64240 bytes shows as 502 with scale 7.
 */
uint16_t tcp_window_field(const struct tcb *t, bool syn)
{
	uint32_t avail = t->rcv_wnd > t->unread ? t->rcv_wnd - t->unread : 0;
	if (syn || t->rcv_wscale < 0)
		return avail > 65535 ? 65535 : (uint16_t)avail;
	uint32_t unit = 1u << t->rcv_wscale;
	uint32_t field = (avail + unit - 1) >> t->rcv_wscale;
	return field > 65535 ? 65535 : (uint16_t)field;
}

/* RFC 7323: a millisecond clock, offset per connection. */
uint32_t tcp_ts_now(const struct engine *e, const struct tcb *t)
{
	return (uint32_t)(e->now / 1000) + t->ts_offset;
}

void tcp_add_timestamp(const struct engine *e, const struct tcb *t,
    struct segment *s)
{
	if (!t->ts_ok)
		return;
	s->opt.present |= SEGOPT_TIMESTAMP;
	s->opt.ts_val = tcp_ts_now(e, t);
	s->opt.ts_ecr = t->ts_recent;
}

static void seg_init(const struct engine *e, const struct tcb *t,
    struct segment *s, uint8_t flags, uint32_t seq, uint32_t len)
{
	memset(s, 0, sizeof *s);
	s->src = t->local;
	s->dst = t->remote;
	s->flags = flags;
	s->seq = seq;
	s->len = len;
	if (flags & SEG_ACK)
		s->ack = t->rcv_nxt;
	s->win = tcp_window_field(t, flags & SEG_SYN);
	tcp_add_timestamp(e, t, s);
}

/* Every segment that carries an ACK answers whatever was pending. */
static void ack_sent(struct engine *e, struct tcb *t)
{
	t->ack_pending = false;
	t->rcv_unacked = 0;
	timer_cancel(e, t, TIMER_DELACK);
}

static void send_from(struct engine *e, struct tcb *t, struct segment *s,
    uint32_t notes)
{
	if (s->flags & SEG_ACK)
		ack_sent(e, t);
	net_send(e, t, t->host, t->conn, t->side, s, notes);
}

/* SYN in SYN_SENT, SYN-ACK in SYN_RCVD, always at ISS. */
void tcp_send_syn(struct engine *e, struct tcb *t, uint32_t notes)
{
	struct segment s;
	bool synack = t->state == TCP_SYN_RCVD;
	seg_init(e, t, &s, synack ? SEG_SYN | SEG_ACK : SEG_SYN, t->iss, 0);
	const struct profile *p = &e->prof;
	s.opt.present |= SEGOPT_MSS;
	s.opt.mss = p->mss;
	/* A SYN offers; a SYN-ACK only accepts what the SYN offered. */
	if (p->sack_perm && (!synack || t->sack_ok))
		s.opt.present |= SEGOPT_SACK_PERM;
	if (p->wscale >= 0 && (!synack || t->snd_wscale >= 0)) {
		s.opt.present |= SEGOPT_WSCALE;
		s.opt.wscale = (uint8_t)p->wscale;
	}
	/* A SYN offers timestamps (echo 0); a SYN-ACK answers an offer. */
	if (!synack && p->timestamps) {
		s.opt.present |= SEGOPT_TIMESTAMP;
		s.opt.ts_val = tcp_ts_now(e, t);
		s.opt.ts_ecr = 0;
	}
	if (synack && t->tfo_reply) {
		s.opt.present |= SEGOPT_TFO;
		s.opt.tfo_len = 8;
		tcp_tfo_cookie(e, &t->remote, s.opt.tfo_cookie);
	}
	if (!synack && t->tfo_syn && !(notes & NOTE_RETRANSMISSION)) {
		/* With a cookie the SYN carries data; without one it asks
		 * for a cookie and the data waits for the handshake. */
		const struct host *h = &e->hosts[t->host];
		s.opt.present |= SEGOPT_TFO;
		s.opt.tfo_len = h->tfo_cookie_len;
		memcpy(s.opt.tfo_cookie, h->tfo_cookie, h->tfo_cookie_len);
		if (h->tfo_cookie_len > 0) {
			uint32_t left = t->snd_end - (t->iss + 1);
			s.len = left < t->snd_mss ? left : t->snd_mss;
			t->snd_nxt = t->iss + 1 + s.len;
			if (s.len > 0)
				notes |= NOTE_TFO_DATA;
		}
	}
	if (!(notes & NOTE_RETRANSMISSION)) {
		t->rtt_timing = true;	/* the handshake gives the first RTT */
		t->rtt_seq = t->iss;
		t->rtt_sent = e->now;
	}
	send_from(e, t, &s, notes);
	timer_rtx_start(e, t);
}

void tcp_send_ack(struct engine *e, struct tcb *t, uint32_t notes)
{
	struct segment s;
	seg_init(e, t, &s, SEG_ACK, t->snd_nxt, 0);
	send_from(e, t, &s, notes);
}

void tcp_send_reset(struct engine *e, struct tcb *t)
{
	struct segment s;
	seg_init(e, t, &s, SEG_RST | SEG_ACK, t->snd_nxt, 0);
	s.win = 0;
	send_from(e, t, &s, 0);
}

void tcp_reply_rst(struct engine *e, int host, const struct segment *in,
    int conn, int in_side)
{
	if (in->flags & SEG_RST)
		return;		/* never answer a RST with a RST */
	struct segment s;
	memset(&s, 0, sizeof s);
	s.src = in->dst;
	s.dst = in->src;
	if (in->flags & SEG_ACK) {
		s.flags = SEG_RST;
		s.seq = in->ack;
	} else {
		s.flags = SEG_RST | SEG_ACK;
		s.seq = 0;
		s.ack = in->seq + segment_seqlen(in);
	}
	net_send(e, NULL, host, conn, !in_side, &s, 0);
}

/* Data [seq, seq+len) and, when asked and it fits, the FIN after it. */
static void send_data(struct engine *e, struct tcb *t, uint32_t seq,
    uint32_t len, bool with_fin, uint32_t notes)
{
	uint8_t flags = SEG_ACK;
	if (len > 0 && seq + len == t->snd_end)
		flags |= SEG_PSH;	/* last piece of what the app wrote */
	if (with_fin && t->fin_queued && seq + len == t->snd_end)
		flags |= SEG_FIN;
	struct segment s;
	seg_init(e, t, &s, flags, seq, len);
	send_from(e, t, &s, notes);
}

static uint32_t segment_len(const struct tcb *t, uint32_t seq)
{
	uint32_t left = seq_lt(seq, t->snd_end) ? t->snd_end - seq : 0;
	return left < t->snd_mss ? left : t->snd_mss;
}

void tcp_output(struct engine *e, struct tcb *t)
{
	/* A Fast Open server may answer before the handshake completes. */
	if (!tcp_state_synchronized(t->state) &&
	    !(t->state == TCP_SYN_RCVD && t->tfo_early))
		return;
	/* The FIN's own sequence number sits at snd_end. */
	uint32_t fin_end = t->snd_end + (t->fin_queued ? 1 : 0);
	while (seq_lt(t->snd_nxt, fin_end)) {
		uint32_t wnd_end = t->snd_una + t->snd_wnd;
		bool data_left = seq_lt(t->snd_nxt, t->snd_end);
		if (data_left && !seq_lt(t->snd_nxt, wnd_end))
			break;	/* window full; no zero-window probing here */
		uint32_t seq = t->snd_nxt;
		uint32_t len = segment_len(t, seq);
		if (data_left && len > wnd_end - seq)
			len = wnd_end - seq;
		send_data(e, t, seq, len, true, 0);
		t->snd_nxt = seq + len + (t->fin_queued && seq + len == t->snd_end);
		if (!t->rtt_timing) {
			t->rtt_timing = true;
			t->rtt_seq = seq;
			t->rtt_sent = e->now;
		}
		if (len > 0 && e->prof.delack > 0 && t->last_data_rcvd >= 0 &&
		    e->now - t->last_data_rcvd < e->prof.delack)
			t->pingpong = true;	/* a quick reply: interactive */
		timer_rtx_start(e, t);
	}
}

void tcp_retransmit(struct engine *e, struct tcb *t)
{
	t->rtt_timing = false;	/* Karn: no RTT sample from a resent segment */
	if (t->state == TCP_SYN_SENT || t->state == TCP_SYN_RCVD) {
		/* A repeated SYN goes without data (RFC 7413 4.1.3), but the
		 * data of the first one stays counted as sent, as Linux keeps
		 * it queued behind the SYN: the SYN-ACK may still acknowledge
		 * it, and if it does not, SYN_SENT rewinds SND.NXT and resends. */
		tcp_send_syn(e, t, NOTE_RETRANSMISSION);
		return;
	}
	/* The FIN goes again only if it had gone already. */
	bool fin_sent = t->fin_queued && seq_gt(t->snd_nxt, t->snd_end);
	send_data(e, t, t->snd_una, segment_len(t, t->snd_una), fin_sent,
	    NOTE_RETRANSMISSION);
}

/*
 * Data or a FIN arrived.  Textbook: ACK at once.  Linux: ACK at once for
 * the first few data segments (quick ACK mode) and for two full segments'
 * worth; otherwise wait up to `delack`, so that a reply can carry it.
 */
void tcp_ack_received(struct engine *e, struct tcb *t, bool now)
{
	t->ack_pending = true;
	if (e->prof.delack == 0 || now || t->rcv_unacked >= 2u * t->snd_mss) {
		tcp_send_ack(e, t, 0);
		return;
	}
	if (t->quick > 0 && !t->pingpong) {
		t->quick--;
		tcp_send_ack(e, t, 0);
		return;
	}
	/* Linux's ato is 0 until data has arrived: a bare FIN is then
	 * acknowledged at the next clock tick (4 ms at HZ=250), not 40 ms. */
	if (t->timer[TIMER_DELACK] == NEVER)
		timer_arm(e, t, TIMER_DELACK,
		    t->last_data_rcvd >= 0 ? e->prof.delack : LINUX_TICK);
}

/*
 * SYN cookies as Linux builds them (net/ipv4/syncookies.c):
 *   hash1(4-tuple) + client ISN + (minute << 24)
 *   + ((hash2(4-tuple, minute) + mss index) mod 2^24)
 * so the final ACK alone tells whether the cookie is ours and fresh.
 */
static uint32_t cookie_hash(const struct engine *e, const struct segment *syn,
    uint32_t count, int which)
{
	uint64_t h = e->secret ^ ((uint64_t)which << 62) ^ count;
	for (int i = 0; i < 4; i++)
		h = h * 0x100000001b3ULL ^ ((uint64_t)syn->src.addr[i] << 24 |
		    (uint64_t)syn->dst.addr[i] << 16 | syn->src.port);
	h ^= syn->dst.port;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

void tcp_tfo_cookie(const struct engine *e, const struct endpoint *client,
    uint8_t out[8])
{
	uint64_t h = e->secret ^ 0x74666f636f6f6b69ULL;	/* "tfocooki" */
	for (int i = 0; i < 16; i++)
		h = (h ^ client->addr[i]) * 0x100000001b3ULL;
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(h >> (8 * i));
}

uint32_t tcp_syn_cookie(const struct engine *e, const struct segment *syn,
    int64_t minute, int mss_index)
{
	uint32_t count = (uint32_t)minute;
	return cookie_hash(e, syn, 0, 1) + syn->seq + (count << 24) +
	    ((cookie_hash(e, syn, count, 2) + (uint32_t)mss_index) & 0xffffff);
}
