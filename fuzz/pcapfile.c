/*
 * fuzz/pcapfile.c: libFuzzer target for reading a capture file, as
 * `tcpviz -r FILE --text` and `--json` do: libpcap reads a pcap or
 * pcapng file from a memory buffer; every packet goes through decode,
 * conntrack and infer into a trace; the text, JSON and pcap writers
 * then write that trace to a stream that throws it away.
 *
 * capture.c opens files by name, so its loop is mirrored here (same
 * calls, same clamping of timestamps); keep the two alike.  libpcap
 * itself is not instrumented: what is fuzzed is tcpviz's use of what it
 * returns.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE		/* fmemopen(), and the types pcap.h uses */
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <pcap.h>

#include "conntrack.h"
#include "decode.h"
#include "infer.h"
#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Small bounds, so that a few dozen packets already make conntrack
 * let connections go (the path of --max-packets / --max-conns).
 */
static const struct conntrack_limits fz_limits = {
	.max_packets = 40,
	.max_conns = 6,
};

/* Where the writers write: /dev/null, opened once. */
static FILE *fz_sink(void)
{
	static FILE *sink;

	if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL) {
		perror("fuzz: /dev/null");
		abort();
	}
	return sink;
}

/* As capture.c's cap_time(): seconds held within 2^42. */
static int64_t fz_time(const struct pcap_pkthdr *h)
{
	const int64_t max = (int64_t)1 << 42;
	int64_t sec = h->ts.tv_sec;

	sec = sec > max ? max : sec < -max ? -max : sec;
	return sec * 1000000 + h->ts.tv_usec;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct trace_text_opts to = { 0 };
	struct pcap_pkthdr *h;
	const u_char *pkt;
	struct conntrack *ct;
	struct infer *inf;
	struct trace tr;
	pcap_t *p;
	FILE *f;
	int linktype;

	if (size == 0)
		return 0;
	/* fmemopen() reads the buffer in place and never writes to it in
	 * mode "rb"; the cast only drops const. */
	f = fmemopen((void *)(uintptr_t)data, size, "rb");
	if (f == NULL)
		return 0;
	p = pcap_fopen_offline(f, ebuf);	/* owns f from now on */
	if (p == NULL) {
		fclose(f);
		return 0;
	}
	linktype = pcap_datalink(p);
	if (!decode_link_supported(linktype)) {
		pcap_close(p);
		return 0;
	}

	trace_init(&tr);
	ct = conntrack_new(&tr, &fz_limits);
	inf = infer_new(&tr);
	if (ct == NULL || inf == NULL)
		abort();
	conntrack_infer(ct, inf);
	while (pcap_next_ex(p, &h, &pkt) == 1) {
		struct decode_result r;

		if (decode_packet(linktype, pkt, h->caplen, h->len, &r) ==
		    DECODE_OK)
			conntrack_add(ct, fz_time(h), &r.seg);
	}
	pcap_close(p);
	infer_finish(inf);

	/* Both languages and a few widths, chosen by the input's size so
	 * that a saved input replays the same way. */
	to.lang = (int)(size & 1);
	to.width = (int)(size % 3) * 40;	/* 0 (80), 40, 80 */
	to.absolute = (size & 4) != 0;
	f = fz_sink();
	trace_write_text(&tr, f, &to);
	trace_write_json(&tr, f);
	trace_write_pcap(&tr, f);
	fflush(f);

	conntrack_free(ct);
	infer_free(inf);
	trace_free(&tr);
	return 0;
}
