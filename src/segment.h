/*
 * segment.h: one TCP segment as the engine sends it and the decoder sees
 * it, with the header fields and options tcpviz teaches about.
 *
 * Sequence and acknowledgement numbers here are always the raw 32-bit
 * values on the wire; relative numbers are a view (see trace.h).
 */
#ifndef SEGMENT_H
#define SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Header flag bits, in the order of the TCP header. */
enum {
	SEG_FIN = 0x01,
	SEG_SYN = 0x02,
	SEG_RST = 0x04,
	SEG_PSH = 0x08,
	SEG_ACK = 0x10,
	SEG_URG = 0x20,
	SEG_ECE = 0x40,
	SEG_CWR = 0x80,
};

/* Which options a segment carries (bits of segment_options.present). */
enum {
	SEGOPT_MSS = 0x01,
	SEGOPT_WSCALE = 0x02,
	SEGOPT_SACK_PERM = 0x04,
	SEGOPT_SACK = 0x08,
	SEGOPT_TIMESTAMP = 0x10,
	SEGOPT_TFO = 0x20,
};

#define SEG_MAX_SACK 4
#define SEG_MAX_TFO_COOKIE 16

struct segment_options {
	unsigned present;		/* SEGOPT_* bits */
	uint16_t mss;
	uint8_t wscale;
	uint8_t nsack;
	uint32_t sack[SEG_MAX_SACK][2];	/* left, right edges */
	uint32_t ts_val, ts_ecr;
	uint8_t tfo_len;		/* 0 = cookie request */
	uint8_t tfo_cookie[SEG_MAX_TFO_COOKIE];
};

/* An address as tcpviz shows it: IPv4 or IPv6, network byte order. */
struct endpoint {
	uint8_t family;			/* 4 or 6 */
	uint8_t addr[16];		/* IPv4 uses the first 4 bytes */
	uint16_t port;
};

struct segment {
	struct endpoint src, dst;
	uint8_t flags;			/* SEG_* bits */
	uint32_t seq, ack;
	uint32_t len;			/* payload bytes (true length) */
	uint16_t win;			/* the 16-bit field, unscaled */
	uint16_t urp;
	struct segment_options opt;
};

/*
 * The kinds that a loss descriptor (SIDE:KIND#N) names.  Every segment
 * has exactly one kind; ANY matches every kind.
 */
enum seg_kind {
	SEGK_SYN,	/* SYN without ACK */
	SEGK_SYN_ACK,	/* SYN with ACK */
	SEGK_FIN,	/* FIN (with or without data) */
	SEGK_RST,	/* RST, with or without ACK */
	SEGK_DATA,	/* payload, no SYN/FIN/RST */
	SEGK_ACK,	/* nothing but an acknowledgement */
	SEGK_ANY,
	SEGK_NKINDS
};

enum seg_kind segment_kind(const struct segment *s);
const char *seg_kind_name(enum seg_kind k);	/* "SYN-ACK" etc. */
int seg_kind_parse(const char *name);		/* -1 if unknown */

/*
 * Sequence space the segment occupies: its payload plus one for SYN and
 * one for FIN.
 */
static inline uint32_t segment_seqlen(const struct segment *s)
{
	return s->len + !!(s->flags & SEG_SYN) + !!(s->flags & SEG_FIN);
}

/*
 * tcpdump's flag letters in tcpdump's order (S F P R U E W) with "." for
 * ACK last: "S", "S.", ".", "P.", "FP.", "R.".  buf needs 10 bytes.
 */
const char *segment_flags_str(uint8_t flags, char *buf);

/* Parse the letters back ("S.", "FP." ...); -1 if malformed. */
int segment_flags_parse(const char *s);

/* Modular sequence comparisons (RFC 9293 section 3.4). */
static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_ge(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

/* "10.0.0.1:49152" or "[2001:db8::1]:49152"; buf needs 64 bytes. */
const char *endpoint_str(const struct endpoint *ep, char *buf, size_t len);

/* Parse the same forms; -1 if malformed. */
int endpoint_parse(const char *s, struct endpoint *ep);

bool endpoint_eq(const struct endpoint *a, const struct endpoint *b);

#endif
