/*
 * decode.h: one captured packet -> struct segment.  Pure C over a byte
 * buffer: no libpcap here (capture.c calls this), so the Check tests and
 * fuzzers feed it hand-built bytes.
 *
 * Every read is bounds-checked.  Lengths come from the IP header, not
 * from how much was captured: a packet cut by a small snap length still
 * has its true segment length, with `truncated` set.
 */
#ifndef DECODE_H
#define DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "segment.h"

/*
 * Link types, as pcap files (LINKTYPE_*) and pcap_datalink() (DLT_*)
 * number them; where the two differ both are accepted.
 */
enum {
	DECODE_LINK_NULL = 0,		/* BSD loopback: 4-byte AF, host order */
	DECODE_LINK_ETHERNET = 1,
	DECODE_LINK_RAW_DLT = 12,	/* DLT_RAW on most systems */
	DECODE_LINK_RAW_DLT_BSDOS = 14,	/* DLT_RAW on BSD/OS */
	DECODE_LINK_RAW = 101,		/* LINKTYPE_RAW */
	DECODE_LINK_LOOP = 108,		/* OpenBSD loopback: AF, network order */
	DECODE_LINK_SLL = 113,		/* Linux cooked v1 */
	DECODE_LINK_IPV4 = 228,
	DECODE_LINK_IPV6 = 229,
	DECODE_LINK_SLL2 = 276,		/* Linux cooked v2 (-i any) */
};

enum decode_status {
	DECODE_OK,		/* seg is filled (err may note a bad option) */
	DECODE_NOT_TCP,		/* a valid packet of something else: skip it */
	DECODE_ERROR,		/* nonsense or cut too short: err says where */
};

struct decode_error {
	const char *msg;	/* static English text, NULL if none */
	size_t off;		/* byte offset in the captured packet */
};

struct decode_result {
	struct segment seg;
	size_t payload_off;	/* where the TCP payload starts */
	uint32_t payload_caplen;/* payload bytes actually captured */
	bool truncated;		/* payload or options cut by the snap length */
	/*
	 * DECODE_ERROR: what is wrong and the offset of the field (or, for
	 * a packet cut short, of the first byte that is missing).
	 * DECODE_OK: a malformed TCP option list, ignored from err.off on
	 * as Linux's tcp_parse_options() would.  DECODE_NOT_TCP: msg says
	 * what the packet is ("ARP", "UDP", "IPv6 fragment" ...).
	 */
	struct decode_error err;
};

/*
 * Decode the `caplen` captured bytes of a packet that was `wirelen`
 * bytes long on the wire, of link type `linktype`.  Fills *out in every
 * case (out->err.msg is NULL when there is nothing to say).
 */
enum decode_status decode_packet(int linktype, const uint8_t *pkt,
    uint32_t caplen, uint32_t wirelen, struct decode_result *out);

/* Whether decode_packet() knows the link type. */
bool decode_link_supported(int linktype);

#endif
