/*
 * tcp_timer.c: TCP's timers on the virtual clock: retransmission with
 * backoff (and giving up), delayed ACK, keepalive, TIME_WAIT's 2MSL and
 * the FIN_WAIT_2 timeout of an orphaned socket; and the RTO estimator.
 *
 * A timer is a deadline in the TCB plus an event in the queue.  Re-arming
 * or cancelling only changes the deadline; an event whose deadline no
 * longer matches is stale and ignored when it comes up.
 */
#include "engine_internal.h"

void timer_arm(struct engine *e, struct tcb *t, int timer, int64_t delay)
{
	int64_t at = e->now + delay;
	t->timer[timer] = at;
	trace_add_timer(e->tr, e->now, t->conn, t->side, timer, TIMER_ARMED, at);
	struct event ev = {
		.t = at, .kind = EV_TIMER, .timer = (uint8_t)timer,
		.tcb = t->handle, .deadline = at,
	};
	engine_push(e, &ev);
}

void timer_cancel(struct engine *e, struct tcb *t, int timer)
{
	if (t->timer[timer] == NEVER)
		return;
	t->timer[timer] = NEVER;
	trace_add_timer(e->tr, e->now, t->conn, t->side, timer, TIMER_CANCELLED, 0);
}

void timer_cancel_all(struct engine *e, struct tcb *t)
{
	for (int i = 0; i < TIMER_NKINDS; i++)
		timer_cancel(e, t, i);
}

void timer_rtx_start(struct engine *e, struct tcb *t)
{
	if (t->timer[TIMER_RETRANSMIT] == NEVER)
		timer_arm(e, t, TIMER_RETRANSMIT, t->rto);
}

/*
 * How long the k-th timeout of a SYN (or SYN-ACK) waits.  Linux keeps the
 * first syn_linear_timeouts + 1 intervals at the initial RTO, then doubles
 * (measured: SYNs at 0,1,2,3,4,5,7,11,19,35,67 s, failure at 131 s); with
 * no linear timeouts this is the textbook 1,2,4,8... schedule.
 */
int64_t timer_syn_interval(const struct profile *p, int k, bool syn)
{
	int linear = syn ? p->syn_linear_timeouts : 0;
	int doublings = k - 1 - linear;
	int64_t rto = p->rto_initial;
	for (int i = 0; i < doublings && rto < p->rto_max; i++)
		rto *= 2;
	return rto < p->rto_max ? rto : p->rto_max;
}

/* RFC 6298 section 2, with Linux's floor on the variance term. */
/*
 * Linux's tcp_rtt_estimator(): the variance term starts at twice the
 * first sample (at least rto_min) and shrinks by a quarter of its excess
 * at most once per window of data, however many samples come in it.
 */
static void rtt_sample_linux(struct engine *e, struct tcb *t, int64_t r)
{
	const struct profile *p = &e->prof;
	if (!t->rtt_valid) {
		t->srtt = r;
		t->mdev4 = 2 * r;
		t->rttvar = t->mdev4 > p->rto_min ? t->mdev4 : p->rto_min;
		t->mdev_max = t->rttvar;
		t->var_seq = t->snd_nxt;
		t->rtt_valid = true;
	} else {
		int64_t err = r - t->srtt;
		t->srtt += err / 8;
		if (err < 0) {
			err = -err - t->mdev4 / 4;
			if (err > 0)
				err /= 8;
		} else {
			err -= t->mdev4 / 4;
		}
		t->mdev4 += err;
		if (t->mdev4 > t->mdev_max) {
			t->mdev_max = t->mdev4;
			if (t->mdev_max > t->rttvar)
				t->rttvar = t->mdev_max;
		}
		if (seq_gt(t->snd_una, t->var_seq)) {
			if (t->mdev_max < t->rttvar)
				t->rttvar -= (t->rttvar - t->mdev_max) / 4;
			t->var_seq = t->snd_nxt;
			t->mdev_max = p->rto_min;
		}
	}
	int64_t rto = t->srtt + t->rttvar;
	t->rto = rto < p->rto_max ? rto : p->rto_max;
}

void timer_rtt_sample(struct engine *e, struct tcb *t, int64_t r)
{
	const struct profile *p = &e->prof;
	if (p->rto_linux) {
		rtt_sample_linux(e, t, r);
		return;
	}
	if (!t->rtt_valid) {
		t->srtt = r;
		t->rttvar = r / 2;
		t->rtt_valid = true;
	} else {
		int64_t diff = t->srtt > r ? t->srtt - r : r - t->srtt;
		t->rttvar = (3 * t->rttvar + diff) / 4;
		t->srtt = (7 * t->srtt + r) / 8;
	}
	/* RFC 6298 2.3 and 2.4: never below the floor (1 s). */
	int64_t rto = t->srtt + 4 * t->rttvar;
	rto = rto > p->rto_min ? rto : p->rto_min;
	t->rto = rto < p->rto_max ? rto : p->rto_max;
}

void timer_keepalive_reset(struct engine *e, struct tcb *t)
{
	t->probes_out = 0;
	timer_arm(e, t, TIMER_KEEPALIVE, e->prof.keepalive_time);
}

static int retry_limit(const struct engine *e, const struct tcb *t)
{
	const struct profile *p = &e->prof;
	if (t->state == TCP_SYN_RCVD)
		return p->synack_retries;
	return t->orphan ? p->orphan_retries : p->retries2;
}

/*
 * Linux gives up on a SYN by time, not by count (retransmits_timed_out,
 * tcp_model_timeout): after as long as syn_retries doublings of the
 * initial RTO would take, (2^(n+1) - 1) x RTO, the linear timeouts only
 * packing the retries closer inside it (measured: syn_retries=2 -> six
 * SYNs, failure at 7 s; the default 6 -> failure at 131 s).
 */
static bool syn_expired(const struct engine *e, const struct tcb *t)
{
	const struct profile *p = &e->prof;
	/* How many doublings fit under rto_max (Linux: linear_backoff_thresh);
	 * bounded so that odd --set values cannot shift past 63 bits. */
	int thresh = 0;
	while (thresh < 30 && p->rto_initial <= p->rto_max >> (thresh + 1))
		thresh++;
	int n = p->syn_retries;
	int64_t budget = n <= thresh ? ((2LL << n) - 1) * p->rto_initial :
	    ((2LL << thresh) - 1) * p->rto_initial + (n - thresh) * p->rto_max;
	return e->now - t->syn_first >= budget;
}

static void retransmit_timeout(struct engine *e, struct tcb *t)
{
	bool handshake = t->state == TCP_SYN_SENT || t->state == TCP_SYN_RCVD;
	bool active_syn = t->state == TCP_SYN_SENT ||
	    (t->state == TCP_SYN_RCVD && !t->passive);
	if (active_syn ? syn_expired(e, t) : t->retransmits >= retry_limit(e, t)) {
		if (t->state == TCP_SYN_RCVD && t->passive) {
			/* The half-open entry is dropped without a word. */
			tcb_drop_child(e, t, "synack-timeout");
			return;
		}
		tcb_close(e, t, "timeout", APP_ETIMEDOUT);
		return;
	}
	t->retransmits++;
	t->recovering = !handshake;
	if (handshake)
		t->rto = timer_syn_interval(&e->prof, t->retransmits + 1,
		    t->state == TCP_SYN_SENT);
	else
		t->rto = 2 * t->rto < e->prof.rto_max ? 2 * t->rto : e->prof.rto_max;
	tcp_retransmit(e, t);
	timer_rtx_start(e, t);	/* a resent SYN has armed it already */
}

static void keepalive_timeout(struct engine *e, struct tcb *t)
{
	const struct profile *p = &e->prof;
	if (t->state != TCP_ESTABLISHED && t->state != TCP_CLOSE_WAIT)
		return;
	/* Something arrived since: the connection is not idle yet. */
	if (t->probes_out == 0 && e->now - t->last_rcvd < p->keepalive_time) {
		timer_arm(e, t, TIMER_KEEPALIVE,
		    t->last_rcvd + p->keepalive_time - e->now);
		return;
	}
	if (t->probes_out >= p->keepalive_probes) {
		tcp_send_reset(e, t);
		tcb_close(e, t, "keepalive-timeout", APP_ETIMEDOUT);
		return;
	}
	/* A probe is an ACK one byte below SND.UNA: it asks for a reply
	 * without the risk of being taken as new data. */
	struct segment s = {
		.src = t->local, .dst = t->remote, .flags = SEG_ACK,
		.seq = t->snd_una - 1, .ack = t->rcv_nxt,
		.win = tcp_window_field(t, false),
	};
	tcp_add_timestamp(e, t, &s);
	t->probes_out++;
	net_send(e, t, t->host, t->conn, t->side, &s, NOTE_KEEPALIVE);
	timer_arm(e, t, TIMER_KEEPALIVE, p->keepalive_intvl);
}

void timer_fire(struct engine *e, struct tcb *t, int timer)
{
	t->timer[timer] = NEVER;
	trace_add_timer(e->tr, e->now, t->conn, t->side, timer, TIMER_FIRED, 0);
	engine_cue(e, WHEN_TIMER, t->host, timer, ++e->fired[t->host][timer], t->conn,
	    t->side);
	switch (timer) {
	case TIMER_RETRANSMIT:
		retransmit_timeout(e, t);
		break;
	case TIMER_DELACK:
		if (t->ack_pending)
			tcp_send_ack(e, t, 0);
		t->pingpong = false;	/* a missed chance to piggyback */
		break;
	case TIMER_KEEPALIVE:
		keepalive_timeout(e, t);
		break;
	case TIMER_TIME_WAIT:
		tcb_close(e, t, "2msl", APP_PENDING);
		break;
	case TIMER_FIN_WAIT_2:
		tcb_close(e, t, "fin-wait-2-timeout", APP_PENDING);
		break;
	}
}
