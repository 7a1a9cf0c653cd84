/*
 * fuzz/decode.c: libFuzzer target for the packet decoder (decode.h).
 *
 * Input: one byte that chooses the link type and the length the packet
 * claims on the wire, then the captured bytes.  Besides the sanitizers,
 * the promises of decode.h are checked on every result, so a decoder
 * that reads in bounds but says something impossible also fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "decode.h"
#include "segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every link type decode.h names, and one it does not know. */
static const int fz_links[] = {
	DECODE_LINK_NULL, DECODE_LINK_ETHERNET, DECODE_LINK_RAW_DLT,
	DECODE_LINK_RAW_DLT_BSDOS, DECODE_LINK_RAW, DECODE_LINK_LOOP,
	DECODE_LINK_SLL, DECODE_LINK_IPV4, DECODE_LINK_IPV6,
	DECODE_LINK_SLL2, 147 /* LINKTYPE_USER0 */,
};
#define FZ_NLINKS (sizeof fz_links / sizeof fz_links[0])

/* A broken promise is a crash, so that libFuzzer keeps the input. */
static void fz_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "decode: broken promise: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_result r;
	enum decode_status st;
	uint32_t caplen, wirelen;
	unsigned sel, k;
	char buf[64];

	if (size < 1 || size - 1 > UINT32_MAX)
		return 0;
	sel = data[0];
	caplen = (uint32_t)(size - 1);
	/*
	 * k: 0 -> the whole packet was captured; 1..20 -> a snap length
	 * cut it; above -> a damaged file claims less than was captured.
	 */
	k = sel / FZ_NLINKS;
	if (k == 0)
		wirelen = caplen;
	else if (k <= 20)
		wirelen = caplen + k * 97;
	else
		wirelen = caplen / 2;

	/* The packet is exactly the rest of libFuzzer's buffer: ASan sees
	 * a read one byte past it. */
	st = decode_packet(fz_links[sel % FZ_NLINKS], data + 1, caplen, wirelen,
	    &r);
	switch (st) {
	case DECODE_OK: {
		const struct segment *s = &r.seg;

		fz_check(s->src.family == 4 || s->src.family == 6,
		    "address family");
		fz_check(s->src.family == s->dst.family, "families match");
		fz_check(r.payload_caplen <= s->len, "payload_caplen <= len");
		fz_check(r.payload_caplen == 0 ||
		    (r.payload_off <= caplen &&
		    r.payload_caplen <= caplen - r.payload_off),
		    "payload within the captured bytes");
		fz_check(s->opt.nsack <= SEG_MAX_SACK, "nsack");
		fz_check(s->opt.tfo_len <= SEG_MAX_TFO_COOKIE, "tfo_len");
		segment_flags_str(s->flags, buf);
		endpoint_str(&s->src, buf, sizeof buf);
		endpoint_str(&s->dst, buf, sizeof buf);
		(void)segment_kind(s);
		break;
	}
	case DECODE_NOT_TCP:
		break;
	case DECODE_ERROR:
		fz_check(r.err.msg != NULL, "an error says what");
		break;
	default:
		fz_check(0, "a known status");
	}
	return 0;
}
