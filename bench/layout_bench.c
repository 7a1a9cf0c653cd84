/*
 * bench/layout_bench.c: how long the interactive view takes to lay out
 * one frame, for `make bench`.  For each size given (segments; default
 * 1000 10000 100000) it makes the trace of one long transfer (a
 * handshake, then data and ACKs crossing in flight, a segment lost and
 * resent now and then, the close), calls layout_build() once and then
 * layout_frame() for a terminal's worth of rows at many places down the
 * ladder, as scrolling and animation do.  A frame must not cost more as
 * the trace grows.
 *
 * Prints one line per size:
 *   segments N build_ms B frame_us_median M frame_us_p99 P frame_us_max X
 * (the maximum is mostly the noise of a busy machine; the 99th
 * percentile is the figure to read).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "layout.h"
#include "trace.h"

#define BENCH_FRAMES 2000
#define BENCH_ROWS 50		/* a terminal's height */
#define BENCH_WIDTH 120
#define BENCH_RTT 10000		/* us */
#define BENCH_GAP 200		/* us between segments */

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void bench_seg(struct trace *tr, int64_t t, int conn, int side,
    uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len, bool lost,
    uint32_t notes)
{
	struct segment s;

	memset(&s, 0, sizeof s);
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.len = len;
	s.win = 502;
	trace_add_segment(tr, t, conn, side, &s,
	    lost ? TRACE_T_NONE : t + BENCH_RTT / 2, notes);
}

/* One connection of about nsegs segments. */
static void bench_trace(struct trace *tr, size_t nsegs)
{
	struct endpoint cli, srv;
	uint32_t cseq = 1000, sseq = 5000;
	int64_t t = 0;
	int c;

	trace_init(tr);
	endpoint_parse("10.0.0.1:49152", &cli);
	endpoint_parse("10.0.0.2:80", &srv);
	c = trace_add_conn(tr, &cli, &srv);
	trace_add_state(tr, t, c, SIDE_CLIENT, TCP_CLOSED, TCP_SYN_SENT,
	    "connect");
	bench_seg(tr, t, c, SIDE_CLIENT, SEG_SYN, cseq++, 0, 0, false, 0);
	t += BENCH_RTT / 2;
	trace_add_state(tr, t, c, SIDE_SERVER, TCP_LISTEN, TCP_SYN_RCVD,
	    "rcv-syn");
	bench_seg(tr, t, c, SIDE_SERVER, SEG_SYN | SEG_ACK, sseq++, cseq, 0,
	    false, 0);
	t += BENCH_RTT / 2;
	trace_add_state(tr, t, c, SIDE_CLIENT, TCP_SYN_SENT, TCP_ESTABLISHED,
	    "rcv-syn-ack");
	for (size_t i = 3; i + 3 < nsegs; i += 2) {
		bool lost = i % 1001 == 0;

		t += BENCH_GAP;
		bench_seg(tr, t, c, SIDE_CLIENT, SEG_ACK | SEG_PSH, cseq, sseq,
		    1448, lost, 0);
		if (lost) {
			trace_add_timer(tr, t, c, SIDE_CLIENT, TIMER_RETRANSMIT,
			    TIMER_ARMED, t + 200000);
			bench_seg(tr, t + 200000, c, SIDE_CLIENT,
			    SEG_ACK | SEG_PSH, cseq, sseq, 1448, false,
			    NOTE_RETRANSMISSION);
			t += 200000;
		}
		cseq += 1448;
		bench_seg(tr, t + BENCH_RTT / 2, c, SIDE_SERVER, SEG_ACK, sseq,
		    cseq, 0, false, 0);
	}
	t += BENCH_RTT;
	trace_add_state(tr, t, c, SIDE_CLIENT, TCP_ESTABLISHED,
	    TCP_FIN_WAIT_1, "close");
	bench_seg(tr, t, c, SIDE_CLIENT, SEG_FIN | SEG_ACK, cseq++, sseq, 0,
	    false, 0);
	t += BENCH_RTT / 2;
	bench_seg(tr, t, c, SIDE_SERVER, SEG_FIN | SEG_ACK, sseq++, cseq, 0,
	    false, 0);
	t += BENCH_RTT / 2;
	bench_seg(tr, t, c, SIDE_CLIENT, SEG_ACK, cseq, sseq, 0, false, 0);
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int bench_size(size_t nsegs)
{
	static struct layout_span spans[8192];
	static double us[BENCH_FRAMES];
	struct layout_opts o = { .width = BENCH_WIDTH, .utf8 = true };
	struct trace tr;
	struct layout *l;
	double t0, build;
	int rows;

	bench_trace(&tr, nsegs);
	t0 = bench_now();
	l = layout_build(&tr, &o);
	build = bench_now() - t0;
	if (l == NULL) {
		fputs("layout_bench: out of memory\n", stderr);
		return -1;
	}
	rows = layout_rows(l);
	/* Scroll down the whole ladder; every other frame animates, with
	 * `now` in the middle of the rows shown. */
	for (int i = 0; i < BENCH_FRAMES; i++) {
		int top = (int)((long long)(rows - BENCH_ROWS) * i /
		    (BENCH_FRAMES - 1));
		int64_t now = i % 2 ? INT64_MAX :
		    layout_row_time(l, top + BENCH_ROWS / 2);
		long cursor = layout_event_at_row(l, top + BENCH_ROWS / 2);

		t0 = bench_now();
		layout_frame(l, top < 0 ? 0 : top, BENCH_ROWS, now, cursor, -1,
		    spans, sizeof spans / sizeof spans[0]);
		us[i] = (bench_now() - t0) * 1e6;
	}
	qsort(us, BENCH_FRAMES, sizeof us[0], bench_cmp);
	printf("segments %u build_ms %.1f frame_us_median %.1f "
	    "frame_us_p99 %.1f frame_us_max %.1f\n", tr.nsegs, build * 1e3,
	    us[BENCH_FRAMES / 2], us[BENCH_FRAMES * 99 / 100],
	    us[BENCH_FRAMES - 1]);
	layout_free(l);
	trace_free(&tr);
	return 0;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 1000, 10000, 100000 };

	if (argc == 1) {
		for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
			if (bench_size(sizes[i]) < 0)
				return 1;
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		char *end;
		unsigned long n = strtoul(argv[i], &end, 10);

		if (*argv[i] == '\0' || *end != '\0' || n < 10) {
			fputs("usage: layout_bench [SEGMENTS]...\n", stderr);
			return 2;
		}
		if (bench_size(n) < 0)
			return 1;
	}
	return 0;
}
