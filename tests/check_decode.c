/*
 * check_decode.c: the packet decoder on hand-built packets: every link
 * type, VLAN tags, IPv4 options, IPv6 extension headers, every TCP
 * option, and every kind of truncation and nonsense, each with its exact
 * result or error offset.  Then every packet of the pcap files that
 * tcpviz writes for its own scenarios, against the trace they came from.
 */
/* open_memstream() is POSIX 2008. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "library.h"
#include "decode.h"

/* ---- A packet builder ---- */

struct pkt {
	uint8_t b[2048];
	size_t n;
};

static void put8(struct pkt *p, uint8_t v)
{
	ck_assert_uint_lt(p->n, sizeof p->b);
	p->b[p->n++] = v;
}

static void put16(struct pkt *p, uint16_t v)
{
	put8(p, (uint8_t)(v >> 8));
	put8(p, (uint8_t)v);
}

static void put32(struct pkt *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p, (uint16_t)v);
}

static void putn(struct pkt *p, const void *v, size_t n)
{
	if (n == 0)		/* v may be NULL then; memcpy() must not see it */
		return;
	ck_assert_uint_le(p->n + n, sizeof p->b);
	memcpy(p->b + p->n, v, n);
	p->n += n;
}

static void set16(struct pkt *p, size_t off, uint16_t v)
{
	p->b[off] = (uint8_t)(v >> 8);
	p->b[off + 1] = (uint8_t)v;
}

/* The TCP segment a test wants; options are raw bytes, padded here. */
struct tcp_spec {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	const char *opt;	/* raw option bytes (a string literal) */
	size_t optlen;
	size_t paylen;
};

static const struct tcp_spec syn = {
	.sport = 49152, .dport = 80, .seq = 1000, .flags = SEG_SYN,
	.win = 64240,
};

static const struct tcp_spec data = {
	.sport = 49152, .dport = 80, .seq = 1001, .ack = 5001,
	.flags = SEG_ACK | SEG_PSH, .win = 502, .paylen = 100,
};

static void tcp_put(struct pkt *p, const struct tcp_spec *t)
{
	size_t pad = (4 - t->optlen % 4) % 4;

	put16(p, t->sport);
	put16(p, t->dport);
	put32(p, t->seq);
	put32(p, t->ack);
	put8(p, (uint8_t)(((20 + t->optlen + pad) / 4) << 4));
	put8(p, t->flags);
	put16(p, t->win);
	put16(p, 0);		/* checksum: the decoder does not check it */
	put16(p, 0);		/* urgent pointer */
	putn(p, t->opt, t->optlen);
	for (size_t i = 0; i < pad; i++)
		put8(p, 0);
	for (size_t i = 0; i < t->paylen; i++)
		put8(p, (uint8_t)('a' + i % 26));
}

static const uint8_t v4src[4] = { 10, 0, 0, 1 }, v4dst[4] = { 10, 0, 0, 2 };
static const uint8_t v6src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* IPv4 with `optlen` bytes of NOP options, then the TCP segment. */
static void ipv4_put(struct pkt *p, const struct tcp_spec *t, size_t optlen)
{
	size_t start = p->n;

	put8(p, (uint8_t)(0x40 | (20 + optlen) / 4));
	put8(p, 0);
	put16(p, 0);		/* total length, set below */
	put16(p, 1);
	put16(p, 0x4000);
	put8(p, 64);
	put8(p, 6);
	put16(p, 0);
	putn(p, v4src, 4);
	putn(p, v4dst, 4);
	for (size_t i = 0; i < optlen; i++)
		put8(p, 1);
	tcp_put(p, t);
	set16(p, start + 2, (uint16_t)(p->n - start));
}

/* IPv6 with the extension headers `ext` (first one named `nh`). */
static void ipv6_put(struct pkt *p, const struct tcp_spec *t, uint8_t nh,
    const uint8_t *ext, size_t extlen)
{
	size_t start = p->n;

	put32(p, 0x60000000);
	put16(p, 0);		/* payload length, set below */
	put8(p, nh);
	put8(p, 64);
	putn(p, v6src, 16);
	putn(p, v6dst, 16);
	putn(p, ext, extlen);
	tcp_put(p, t);
	set16(p, start + 4, (uint16_t)(p->n - start - 40));
}

static void eth_put(struct pkt *p, uint16_t type)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

	putn(p, macs, 12);
	put16(p, type);
}

/* A decode of the whole packet (caplen = wirelen = p->n). */
static enum decode_status dec(int link, const struct pkt *p,
    struct decode_result *r)
{
	return decode_packet(link, p->b, (uint32_t)p->n, (uint32_t)p->n, r);
}

/* A decode of the first `caplen` bytes, as a snap length would cut. */
static enum decode_status dec_cut(int link, const struct pkt *p,
    size_t caplen, struct decode_result *r)
{
	return decode_packet(link, p->b, (uint32_t)caplen, (uint32_t)p->n, r);
}

/* Option bytes as dec_options() takes them: a string literal, NULs and
 * all. */
#define OPT(s) (s), sizeof(s) - 1

/* t with the n option bytes `opt`, in a raw IPv4 packet: it decodes
 * (options never spoil a segment) into *r. */
static void dec_options(struct tcp_spec t, const char *opt, size_t n,
    struct decode_result *r)
{
	struct pkt p = { .n = 0 };

	t.opt = opt;
	t.optlen = n;
	ipv4_put(&p, &t, 0);
	ck_assert_int_eq(dec(DECODE_LINK_RAW, &p, r), DECODE_OK);
}

#define ASSERT_ERROR(st, r, where, text) do { \
	ck_assert_int_eq((st), DECODE_ERROR); \
	ck_assert_ptr_nonnull((r).err.msg); \
	ck_assert_str_eq((r).err.msg, (text)); \
	ck_assert_uint_eq((r).err.off, (where)); \
} while (0)

/* The fields of `syn` in an IPv4 decode. */
static void assert_syn4(const struct decode_result *r)
{
	ck_assert_uint_eq(r->seg.src.family, 4);
	ck_assert_mem_eq(r->seg.src.addr, v4src, 4);
	ck_assert_mem_eq(r->seg.dst.addr, v4dst, 4);
	ck_assert_uint_eq(r->seg.src.port, 49152);
	ck_assert_uint_eq(r->seg.dst.port, 80);
	ck_assert_uint_eq(r->seg.seq, 1000);
	ck_assert_uint_eq(r->seg.flags, SEG_SYN);
	ck_assert_uint_eq(r->seg.win, 64240);
	ck_assert_uint_eq(r->seg.len, 0);
	ck_assert(!r->truncated);
	ck_assert_ptr_null(r->err.msg);
}

/* ---- Link types ---- */

START_TEST(test_link_ethernet)
{
	struct pkt p = { .n = 0 };
	struct decode_result r;

	eth_put(&p, 0x0800);
	ipv4_put(&p, &syn, 0);
	ck_assert_int_eq(dec(DECODE_LINK_ETHERNET, &p, &r), DECODE_OK);
	assert_syn4(&r);
	ck_assert_uint_eq(r.payload_off, 14 + 20 + 20);
}
END_TEST

/* Ethernet pads short frames to 60 bytes: the IP length rules. */
START_TEST(test_link_ethernet_padding)
{
	struct pkt p = { .n = 0 };
	struct decode_result r;

	eth_put(&p, 0x0800);
	ipv4_put(&p, &syn, 0);
	while (p.n < 60)
		put8(&p, 0);
	ck_assert_int_eq(dec(DECODE_LINK_ETHERNET, &p, &r), DECODE_OK);
	assert_syn4(&r);
	ck_assert_uint_eq(r.payload_caplen, 0);
}
END_TEST

START_TEST(test_link_vlan)
{
	struct pkt p = { .n = 0 };
	struct decode_result r;

	/* 802.1ad outer tag, 802.1Q inner tag (QinQ). */
	eth_put(&p, 0x88a8);
	put16(&p, 100);
	put16(&p, 0x8100);
	put16(&p, 200);
	put16(&p, 0x86dd);
	ipv6_put(&p, &syn, 6, NULL, 0);
	ck_assert_int_eq(dec(DECODE_LINK_ETHERNET, &p, &r), DECODE_OK);
	ck_assert_uint_eq(r.seg.src.family, 6);
	ck_assert_mem_eq(r.seg.src.addr, v6src, 16);
	ck_assert_mem_eq(r.seg.dst.addr, v6dst, 16);
	ck_assert_uint_eq(r.seg.seq, 1000);
	ck_assert_uint_eq(r.payload_off, 14 + 8 + 40 + 20);

	/* A tag cut by the snap length, and one the frame is too short for. */
	ASSERT_ERROR(dec_cut(DECODE_LINK_ETHERNET, &p, 16, &r), r, 16,
	    "captured bytes end inside a VLAN tag");
	p.n = 16;
	ASSERT_ERROR(dec(DECODE_LINK_ETHERNET, &p, &r), r, 14,
	    "packet too short for its VLAN tag");
}
END_TEST

START_TEST(test_link_not_ip)
{
	struct pkt p = { .n = 0 };
	struct decode_result r;

	eth_put(&p, 0x0806);		/* ARP */
	for (int i = 0; i < 28; i++)
		put8(&p, 0);
	ck_assert_int_eq(dec(DECODE_LINK_ETHERNET, &p, &r), DECODE_NOT_TCP);
	ck_assert_str_eq(r.err.msg, "not IP");
	ck_assert_uint_eq(r.err.off, 12);

	set16(&p, 12, 46);		/* an 802.3 length field */
	ck_assert_int_eq(dec(DECODE_LINK_ETHERNET, &p, &r), DECODE_NOT_TCP);
	ck_assert_str_eq(r.err.msg, "802.3 frame");
}
END_TEST

START_TEST(test_link_sll)
{
	struct pkt p = { .n = 0 };
	struct decode_result r;

	put16(&p, 0);			/* sent to us */
	put16(&p, 772);			/* ARPHRD_LOOPBACK */
	put16(&p, 6);
	putn(&p, "\0\0\0\0\0\0\0\0", 8);
	put16(&p, 0x0800);
	ipv4_put(&p, &syn, 0);
	ck_assert_int_eq(dec(DECODE_LINK_SLL, &p, &r), DECODE_OK);
	assert_syn4(&r);
	ck_assert_uint_eq(r.payload_off, 16 + 40);
	ASSERT_ERROR(dec_cut(DECODE_LINK_SLL, &p, 15, &r), r, 15,
	    "captured bytes end inside the link-layer header");
}
END_TEST

START_TEST(test_link_sll2)
{
	struct pkt p = { .n = 0 };
	struct decode_result r;

	put16(&p, 0x0800);
	put16(&p, 0);
	put32(&p, 1);			/* interface index */
	put16(&p, 1);			/* ARPHRD_ETHER */
	put8(&p, 4);			/* outgoing */
	put8(&p, 6);
	putn(&p, "\2\0\0\0\0\1\0\0", 8);
	ipv4_put(&p, &syn, 0);
	ck_assert_int_eq(dec(DECODE_LINK_SLL2, &p, &r), DECODE_OK);
	assert_syn4(&r);
	ck_assert_uint_eq(r.payload_off, 20 + 40);

	p.n = 19;
	ASSERT_ERROR(dec(DECODE_LINK_SLL2, &p, &r), r, 0,
	    "packet too short for its link-layer header");
}
END_TEST

START_TEST(test_link_null)
{
	struct pkt p = { .n = 0 };
	struct decode_result r;

	/* AF_INET written by a little-endian host. */
	putn(&p, "\2\0\0\0", 4);
	ipv4_put(&p, &syn, 0);
	ck_assert_int_eq(dec(DECODE_LINK_NULL, &p, &r), DECODE_OK);
	assert_syn4(&r);

	/* AF_INET6 of OpenBSD (24), big-endian, and macOS (30). */
	p.n = 0;
	putn(&p, "\0\0\0\x18", 4);
	ipv6_put(&p, &syn, 6, NULL, 0);
	ck_assert_int_eq(dec(DECODE_LINK_NULL, &p, &r), DECODE_OK);
	ck_assert_uint_eq(r.seg.src.family, 6);
	ck_assert_int_eq(dec(DECODE_LINK_LOOP, &p, &r), DECODE_OK);
	p.b[3] = 30;
	ck_assert_int_eq(dec(DECODE_LINK_NULL, &p, &r), DECODE_OK);

	p.b[3] = 7;
	ck_assert_int_eq(dec(DECODE_LINK_NULL, &p, &r), DECODE_NOT_TCP);
}
END_TEST

START_TEST(test_link_raw)
{
	static const int links[] = {
		DECODE_LINK_RAW, DECODE_LINK_RAW_DLT, DECODE_LINK_RAW_DLT_BSDOS,
		DECODE_LINK_IPV4, DECODE_LINK_IPV6,
	};
	struct pkt p4 = { .n = 0 }, p6 = { .n = 0 };
	struct decode_result r;

	ipv4_put(&p4, &syn, 0);
	ipv6_put(&p6, &syn, 6, NULL, 0);
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		ck_assert(decode_link_supported(links[i]));
		ck_assert_int_eq(dec(links[i], &p4, &r), DECODE_OK);
		assert_syn4(&r);
		ck_assert_int_eq(dec(links[i], &p6, &r), DECODE_OK);
		ck_assert_uint_eq(r.seg.src.family, 6);
		ck_assert_uint_eq(r.payload_off, 60);
	}
	p4.b[0] = 0x55;
	ASSERT_ERROR(dec(DECODE_LINK_RAW, &p4, &r), r, 0,
	    "IP version is neither 4 nor 6");
	ck_assert(!decode_link_supported(105));
	ASSERT_ERROR(dec(105, &p6, &r), r, 0, "unsupported link type");
}
END_TEST

/* ---- IP ---- */

START_TEST(test_ipv4_options)
{
	struct pkt p = { .n = 0 };
	struct decode_result r;

	ipv4_put(&p, &data, 12);	/* IHL 8 */
	ck_assert_int_eq(dec(DECODE_LINK_RAW, &p, &r), DECODE_OK);
	ck_assert_uint_eq(r.payload_off, 32 + 20);
	ck_assert_uint_eq(r.seg.len, 100);
	ck_assert_uint_eq(r.payload_caplen, 100);
	ck_assert_uint_eq(r.seg.ack, 5001);
	ck_assert_uint_eq(r.seg.flags, SEG_ACK | SEG_PSH);
	ASSERT_ERROR(dec_cut(DECODE_LINK_RAW, &p, 24, &r), r, 24,
	    "captured bytes end inside the IPv4 options");
}
END_TEST

START_TEST(test_ipv4_not_tcp)
{
	struct pkt p = { .n = 0 };
	struct decode_result r;

	ipv4_put(&p, &syn, 0);
	p.b[9] = 17;			/* UDP */
	ck_assert_int_eq(dec(DECODE_LINK_RAW, &p, &r), DECODE_NOT_TCP);
	ck_assert_str_eq(r.err.msg, "not TCP");
	ck_assert_uint_eq(r.err.off, 9);

	/* A later fragment has no TCP header; the first is kept, cut. */
	p.b[9] = 6;
	set16(&p, 6, 0x0010);
	ck_assert_int_eq(dec(DECODE_LINK_RAW, &p, &r), DECODE_NOT_TCP);
	ck_assert_uint_eq(r.err.off, 6);
	set16(&p, 6, 0x2000);
	ck_assert_int_eq(dec(DECODE_LINK_RAW, &p, &r), DECODE_OK);
	ck_assert(r.truncated);
}
END_TEST

START_TEST(test_ipv6_extensions)
{
	/* Hop-by-hop (8) -> destination options (16) -> routing (8)
	 * -> fragment, first, more to come -> TCP. */
	static const uint8_t ext[] = {
		60, 0, 1, 4, 0, 0, 0, 0,
		43, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		44, 0, 0, 0, 0, 0, 0, 0,
		6, 0, 0x00, 0x01, 0, 0, 0, 7,
	};
	struct pkt p = { .n = 0 };
	struct decode_result r;

	ipv6_put(&p, &data, 0, ext, sizeof ext);
	ck_assert_int_eq(dec(DECODE_LINK_RAW, &p, &r), DECODE_OK);
	ck_assert_uint_eq(r.payload_off, 40 + sizeof ext + 20);
	ck_assert_uint_eq(r.seg.len, 100);
	ck_assert_uint_eq(r.seg.seq, 1001);
	ck_assert(r.truncated);		/* more fragments follow */

	/* The last fragment of the datagram: all of the payload is here. */
	p.b[40 + 32 + 3] = 0;
	ck_assert_int_eq(dec(DECODE_LINK_RAW, &p, &r), DECODE_OK);
	ck_assert(!r.truncated);

	/* A fragment that is not the first has no TCP header. */
	p.b[40 + 32 + 3] = 0x08;
	ck_assert_int_eq(dec(DECODE_LINK_RAW, &p, &r), DECODE_NOT_TCP);
	ck_assert_str_eq(r.err.msg, "IPv6 fragment (not the first)");
	ck_assert_uint_eq(r.err.off, 40 + 32 + 2);
	p.b[40 + 32 + 3] = 0;

	/* Cut inside the routing header; a length past the payload. */
	ASSERT_ERROR(dec_cut(DECODE_LINK_RAW, &p, 60, &r), r, 60,
	    "captured bytes end inside an IPv6 extension header");
	p.b[40 + 8 + 1] = 200;
	ASSERT_ERROR(dec(DECODE_LINK_RAW, &p, &r), r, 40 + 8 + 1,
	    "IPv6 extension header past the payload");
}
END_TEST

START_TEST(test_ipv6_not_tcp)
{
	static const uint8_t hbh_none[] = { 59, 0, 1, 4, 0, 0, 0, 0 };
	struct pkt p = { .n = 0 };
	struct decode_result r;

	ipv6_put(&p, &syn, 0, hbh_none, sizeof hbh_none);
	ck_assert_int_eq(dec(DECODE_LINK_RAW, &p, &r), DECODE_NOT_TCP);
	ck_assert_str_eq(r.err.msg, "IPv6 without a next header");
	ck_assert_uint_eq(r.err.off, 48);

	p.n = 0;
	ipv6_put(&p, &syn, 17, NULL, 0);
	ck_assert_int_eq(dec(DECODE_LINK_RAW, &p, &r), DECODE_NOT_TCP);
	ck_assert_str_eq(r.err.msg, "not TCP");
}
END_TEST

/* ---- TCP options ---- */

START_TEST(test_options_syn)
{
	/* Linux's SYN: MSS, SACK-permitted, timestamps, NOP, window scale. */
	struct decode_result r;
	const struct segment_options *o = &r.seg.opt;

	dec_options(syn, OPT("\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x01"
	    "\xe2\x40\x00\x00\x00\x00\x01\x03\x03\x07"), &r);
	ck_assert_uint_eq(o->present, SEGOPT_MSS | SEGOPT_SACK_PERM |
	    SEGOPT_TIMESTAMP | SEGOPT_WSCALE);
	ck_assert_uint_eq(o->mss, 1460);
	ck_assert_uint_eq(o->wscale, 7);
	ck_assert_uint_eq(o->ts_val, 123456);
	ck_assert_uint_eq(o->ts_ecr, 0);
	ck_assert_uint_eq(r.payload_off, 60);
	ck_assert_ptr_null(r.err.msg);
}
END_TEST

START_TEST(test_options_sack)
{
	struct decode_result r;
	const struct segment_options *o = &r.seg.opt;
	char opt[40];

	/* One to four blocks after two NOPs; each block two edges. */
	for (unsigned n = 1; n <= 4; n++) {
		memset(opt, 0, sizeof opt);
		opt[0] = opt[1] = 1;
		opt[2] = 5;
		opt[3] = (char)(2 + 8 * n);
		for (unsigned i = 0; i < 2 * n; i++)
			opt[4 + 4 * i + 3] = (char)(10 * (i + 1));
		dec_options(data, opt, 4 + 8 * n, &r);
		ck_assert_uint_eq(o->present, SEGOPT_SACK);
		ck_assert_uint_eq(o->nsack, n);
		for (unsigned i = 0; i < n; i++) {
			ck_assert_uint_eq(o->sack[i][0], 20 * i + 10);
			ck_assert_uint_eq(o->sack[i][1], 20 * i + 20);
		}
	}
	/* A length that is not 2 + 8n is not SACK: ignored, as Linux
	 * ignores it. */
	opt[3] = 9;
	dec_options(data, opt, 11, &r);
	ck_assert_uint_eq(o->present, 0);
	ck_assert_ptr_null(r.err.msg);
}
END_TEST

START_TEST(test_options_tfo)
{
	struct tcp_spec t = syn;
	struct decode_result r;
	const struct segment_options *o = &r.seg.opt;

	/* A cookie request: kind 34, no cookie. */
	dec_options(syn, OPT("\x22\x02"), &r);
	ck_assert_uint_eq(o->present, SEGOPT_TFO);
	ck_assert_uint_eq(o->tfo_len, 0);

	/* An 8-byte cookie with data on the SYN. */
	t.paylen = 5;
	dec_options(t, OPT("\x22\x0a\x01\x02\x03\x04\x05\x06\x07\x08"),
	    &r);
	ck_assert_uint_eq(o->present, SEGOPT_TFO);
	ck_assert_uint_eq(o->tfo_len, 8);
	ck_assert_mem_eq(o->tfo_cookie, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	ck_assert_uint_eq(r.seg.len, 5);

	/* The experimental form: kind 254, magic 0xF989, 4-byte cookie. */
	dec_options(t, OPT("\xfe\x08\xf9\x89\xaa\xbb\xcc\xdd"), &r);
	ck_assert_uint_eq(o->present, SEGOPT_TFO);
	ck_assert_uint_eq(o->tfo_len, 4);
	ck_assert_mem_eq(o->tfo_cookie, "\xaa\xbb\xcc\xdd", 4);

	/* Another experiment under kind 254 is not TFO. */
	dec_options(t, OPT("\xfe\x08\x12\x34\xaa\xbb\xcc\xdd"), &r);
	ck_assert_uint_eq(o->present, 0);

	/* A 3-byte cookie is below RFC 7413's minimum: ignored. */
	dec_options(t, OPT("\x22\x05\x01\x02\x03"), &r);
	ck_assert_uint_eq(o->present, 0);
}
END_TEST

START_TEST(test_options_odd)
{
	struct decode_result r;
	const struct segment_options *o = &r.seg.opt;

	/* An unknown kind is skipped; a known kind with a wrong length is
	 * ignored; nothing after the end-of-list is read. */
	dec_options(syn, OPT("\x1e\x04\xff\xff\x02\x03\x05\x03\x03\x07"
	    "\x00\x02\x04\x05\xb4"), &r);
	ck_assert_uint_eq(o->present, SEGOPT_WSCALE);
	ck_assert_uint_eq(o->wscale, 7);
	ck_assert_ptr_null(r.err.msg);

	/* A length below 2 ends the list (the byte after 20+2 of TCP). */
	dec_options(syn, OPT("\x02\x04\x05\xb4\x01\x01\x08\x01"), &r);
	ck_assert_uint_eq(o->present, SEGOPT_MSS);
	ck_assert_str_eq(r.err.msg, "TCP option length below 2");
	ck_assert_uint_eq(r.err.off, 20 + 20 + 7);

	/* A length past the header. */
	dec_options(syn, OPT("\x01\x01\x08\x0a\x00\x00\x00\x01"), &r);
	ck_assert_uint_eq(o->present, 0);
	ck_assert_str_eq(r.err.msg, "TCP option past the end of the header");
	ck_assert_uint_eq(r.err.off, 20 + 20 + 3);

	/* A kind in the header's last byte has no room for its length. */
	dec_options(syn, OPT("\x01\x01\x01\x02"), &r);
	ck_assert_str_eq(r.err.msg, "TCP option without a length");
	ck_assert_uint_eq(r.err.off, 20 + 20 + 3);
}
END_TEST

/* ---- Truncation: a snap length shorter than the packet ---- */

START_TEST(test_cut_payload)
{
	struct pkt p = { .n = 0 };
	struct decode_result r;

	/* tcpdump -s 96 on Ethernet: 96 - 54 = 42 payload bytes. */
	eth_put(&p, 0x0800);
	ipv4_put(&p, &data, 0);
	ck_assert_int_eq(dec_cut(DECODE_LINK_ETHERNET, &p, 96, &r), DECODE_OK);
	ck_assert_uint_eq(r.seg.len, 100);
	ck_assert_uint_eq(r.payload_caplen, 42);
	ck_assert(r.truncated);
	ck_assert_uint_eq(r.seg.seq, 1001);

	/* Cut right after the TCP header: no payload at all. */
	ck_assert_int_eq(dec_cut(DECODE_LINK_ETHERNET, &p, 54, &r), DECODE_OK);
	ck_assert_uint_eq(r.seg.len, 100);
	ck_assert_uint_eq(r.payload_caplen, 0);
	ck_assert(r.truncated);

	/* Whole: nothing truncated. */
	ck_assert_int_eq(dec(DECODE_LINK_ETHERNET, &p, &r), DECODE_OK);
	ck_assert_uint_eq(r.payload_caplen, 100);
	ck_assert(!r.truncated);
}
END_TEST

START_TEST(test_cut_options)
{
	struct tcp_spec t = syn;
	struct pkt p = { .n = 0 };
	struct decode_result r;

	/* MSS is captured, the timestamp (bytes 46..55) is cut. */
	t.opt = "\x02\x04\x05\xb4\x01\x01\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x00";
	t.optlen = 16;
	ipv4_put(&p, &t, 0);
	ck_assert_int_eq(dec_cut(DECODE_LINK_RAW, &p, 50, &r), DECODE_OK);
	ck_assert(r.truncated);
	ck_assert_uint_eq(r.seg.opt.present, SEGOPT_MSS);
	ck_assert_ptr_null(r.err.msg);
	ck_assert_uint_eq(r.seg.len, 0);
	/* Cut between a kind and its length. */
	ck_assert_int_eq(dec_cut(DECODE_LINK_RAW, &p, 47, &r), DECODE_OK);
	ck_assert_uint_eq(r.seg.opt.present, SEGOPT_MSS);
	ck_assert_ptr_null(r.err.msg);
}
END_TEST

START_TEST(test_cut_headers)
{
	struct pkt p = { .n = 0 };
	struct decode_result r;

	eth_put(&p, 0x86dd);
	ipv6_put(&p, &data, 6, NULL, 0);
	ASSERT_ERROR(dec_cut(DECODE_LINK_ETHERNET, &p, 10, &r), r, 10,
	    "captured bytes end inside the link-layer header");
	ASSERT_ERROR(dec_cut(DECODE_LINK_ETHERNET, &p, 30, &r), r, 30,
	    "captured bytes end inside the IPv6 header");
	ASSERT_ERROR(dec_cut(DECODE_LINK_ETHERNET, &p, 70, &r), r, 70,
	    "captured bytes end inside the TCP header");

	p.n = 0;
	ipv4_put(&p, &data, 0);
	ASSERT_ERROR(dec_cut(DECODE_LINK_RAW, &p, 19, &r), r, 19,
	    "captured bytes end inside the IPv4 header");
	ASSERT_ERROR(dec_cut(DECODE_LINK_RAW, &p, 39, &r), r, 39,
	    "captured bytes end inside the TCP header");
}
END_TEST

/* ---- Nonsense ---- */

START_TEST(test_bad_lengths)
{
	struct pkt p = { .n = 0 };
	struct decode_result r;

	ASSERT_ERROR(decode_packet(DECODE_LINK_RAW, p.b, 0, 60, &r), r, 0,
	    "empty packet (nothing captured)");

	eth_put(&p, 0x0800);
	ipv4_put(&p, &data, 0);
	ASSERT_ERROR(decode_packet(DECODE_LINK_ETHERNET, p.b, 100, 60, &r), r, 0,
	    "more bytes captured than the packet had");

	p.b[14] = 0x44;			/* IHL 4 */
	ASSERT_ERROR(dec(DECODE_LINK_ETHERNET, &p, &r), r, 14,
	    "IPv4 header length below 5 (20 bytes)");
	p.b[14] = 0x65;			/* version 6 behind EtherType IPv4 */
	ASSERT_ERROR(dec(DECODE_LINK_ETHERNET, &p, &r), r, 14,
	    "IP version is not 4 in an IPv4 packet");
	p.b[14] = 0x46;			/* IHL 6, total length 20 */
	set16(&p, 16, 20);
	ASSERT_ERROR(dec(DECODE_LINK_ETHERNET, &p, &r), r, 16,
	    "IPv4 total length shorter than its header");
	p.b[14] = 0x45;
	ASSERT_ERROR(dec(DECODE_LINK_ETHERNET, &p, &r), r, 34,
	    "IP payload too short for a TCP header");
	set16(&p, 16, 141);		/* one byte more than the frame has */
	ASSERT_ERROR(dec(DECODE_LINK_ETHERNET, &p, &r), r, 16,
	    "IPv4 total length past the end of the packet");
	/* Nonsense wins over a short capture: the length is checked first. */
	ASSERT_ERROR(dec_cut(DECODE_LINK_ETHERNET, &p, 40, &r), r, 16,
	    "IPv4 total length past the end of the packet");
	set16(&p, 16, 140);

	p.b[14 + 20 + 12] = 0x40;	/* data offset 4 */
	ASSERT_ERROR(dec(DECODE_LINK_ETHERNET, &p, &r), r, 46,
	    "TCP data offset below 5 (20 bytes)");
	set16(&p, 16, 20 + 32);		/* data offset 15 (60) > 32 */
	p.b[14 + 20 + 12] = 0xf0;
	ASSERT_ERROR(dec(DECODE_LINK_ETHERNET, &p, &r), r, 46,
	    "TCP data offset past the end of the IP payload");

	p.n = 30;
	ASSERT_ERROR(dec(DECODE_LINK_ETHERNET, &p, &r), r, 14,
	    "packet too short for an IPv4 header");
}
END_TEST

START_TEST(test_bad_ipv6)
{
	struct pkt p = { .n = 0 };
	struct decode_result r;

	ipv6_put(&p, &data, 6, NULL, 0);
	set16(&p, 4, 121);		/* one byte past the packet */
	ASSERT_ERROR(dec(DECODE_LINK_RAW, &p, &r), r, 4,
	    "IPv6 payload length past the end of the packet");
	set16(&p, 4, 8);
	ASSERT_ERROR(dec(DECODE_LINK_RAW, &p, &r), r, 40,
	    "IP payload too short for a TCP header");
	/* An extension header that does not fit in the payload. */
	set16(&p, 4, 4);
	p.b[6] = 0;
	ASSERT_ERROR(dec(DECODE_LINK_RAW, &p, &r), r, 40,
	    "IPv6 extension header past the payload");
	p.b[6] = 6;
	/* The version nibble decides, whatever the link type says. */
	p.b[0] = 0x45;
	ASSERT_ERROR(dec(DECODE_LINK_IPV6, &p, &r), r, 2,
	    "IPv4 total length shorter than its header");
	p.n = 30;
	p.b[0] = 0x60;
	ASSERT_ERROR(dec(DECODE_LINK_RAW, &p, &r), r, 0,
	    "packet too short for an IPv6 header");
}
END_TEST

/* Every prefix of a valid packet, and every byte value at every offset,
 * decodes without reading out of bounds (ASan and valgrind see to it). */
START_TEST(test_no_overread)
{
	struct tcp_spec t = syn;
	struct pkt p = { .n = 0 };
	struct decode_result r;

	t.opt = "\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x01\xe2\x40"
	    "\x00\x00\x00\x00\x01\x03\x03\x07\x22\x06\x01\x02\x03\x04";
	t.optlen = 26;
	t.paylen = 10;
	eth_put(&p, 0x8100);
	put16(&p, 5);
	put16(&p, 0x86dd);
	ipv6_put(&p, &t, 0, (const uint8_t *)"\x06\0\0\0\0\0\0\0", 8);
	for (size_t n = 0; n <= p.n; n++) {
		uint8_t *copy = malloc(n + 1);

		memcpy(copy, p.b, n);
		decode_packet(DECODE_LINK_ETHERNET, copy, (uint32_t)n,
		    (uint32_t)n, &r);
		decode_packet(DECODE_LINK_ETHERNET, copy, (uint32_t)n,
		    (uint32_t)p.n, &r);
		free(copy);
	}
	for (size_t i = 0; i < p.n; i++) {
		uint8_t saved = p.b[i];

		for (unsigned v = 0; v < 256; v += 17) {
			p.b[i] = (uint8_t)v;
			decode_packet(DECODE_LINK_ETHERNET, p.b, (uint32_t)p.n,
			    (uint32_t)p.n, &r);
		}
		p.b[i] = saved;
	}
	ck_assert_int_eq(dec(DECODE_LINK_ETHERNET, &p, &r), DECODE_OK);
	ck_assert_uint_eq(r.seg.opt.tfo_len, 4);
}
END_TEST

/* ---- The pcap files tcpviz writes ---- */

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* The options the pcap writer puts on the wire (it leaves SACK blocks
 * off a SYN and caps a TFO cookie at what the header holds). */
static void assert_same_options(const struct segment *want,
    const struct segment *got, uint32_t n)
{
	const struct segment_options *w = &want->opt, *g = &got->opt;
	unsigned present = w->present;

	if (want->flags & SEG_SYN)
		present &= ~(unsigned)SEGOPT_SACK;
	ck_assert_msg(g->present == present, "segment %u: options %#x, want %#x",
	    n, g->present, present);
	if (present & SEGOPT_MSS)
		ck_assert_uint_eq(g->mss, w->mss);
	if (present & SEGOPT_WSCALE)
		ck_assert_uint_eq(g->wscale, w->wscale);
	if (present & SEGOPT_TIMESTAMP) {
		ck_assert_uint_eq(g->ts_val, w->ts_val);
		ck_assert_uint_eq(g->ts_ecr, w->ts_ecr);
	}
	if (present & SEGOPT_SACK) {
		ck_assert_uint_eq(g->nsack, w->nsack);
		ck_assert_mem_eq(g->sack, w->sack, sizeof g->sack[0] * g->nsack);
	}
	if (present & SEGOPT_TFO) {
		ck_assert_uint_eq(g->tfo_len, w->tfo_len);
		ck_assert_mem_eq(g->tfo_cookie, w->tfo_cookie, g->tfo_len);
	}
}

/* Decode every record of the pcap of scenario `id` against its trace. */
static void check_scenario_pcap(const char *id)
{
	struct run run;
	char *buf = NULL;
	size_t len = 0, off = 24, ev = 0;
	FILE *f;

	run_scenario_with(&run, id, NULL, NULL, true);
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(trace_write_pcap(&run.tr, f), 0);
	fclose(f);
	ck_assert_uint_ge(len, 24);
	ck_assert_uint_eq(le32((unsigned char *)buf + 20), DECODE_LINK_RAW);

	while (off < len) {
		const unsigned char *rec = (unsigned char *)buf + off;
		uint32_t caplen = le32(rec + 8), wirelen = le32(rec + 12);
		struct decode_result r;
		struct segment want;
		const struct trace_event *e;

		while (ev < run.tr.nev && run.tr.ev[ev].type != TRACE_SEGMENT)
			ev++;
		ck_assert_msg(ev < run.tr.nev, "%s: more packets than segments", id);
		e = &run.tr.ev[ev++];
		trace_segment(&run.tr, e, &want);

		ck_assert_uint_le(off + 16 + caplen, len);
		ck_assert_msg(decode_packet(DECODE_LINK_RAW, rec + 16, caplen,
		    wirelen, &r) == DECODE_OK, "%s: segment %u: %s at %zu", id,
		    e->n, r.err.msg, r.err.off);
		ck_assert_ptr_null(r.err.msg);
		ck_assert(!r.truncated);
		ck_assert(endpoint_eq(&r.seg.src, &want.src));
		ck_assert(endpoint_eq(&r.seg.dst, &want.dst));
		ck_assert_uint_eq(r.seg.flags, want.flags);
		ck_assert_uint_eq(r.seg.seq, want.seq);
		if (want.flags & SEG_ACK)
			ck_assert_uint_eq(r.seg.ack, want.ack);
		ck_assert_uint_eq(r.seg.len, want.len);
		ck_assert_uint_eq(r.seg.win, want.win);
		assert_same_options(&want, &r.seg, e->n);
		off += 16 + caplen;
	}
	while (ev < run.tr.nev && run.tr.ev[ev].type != TRACE_SEGMENT)
		ev++;
	ck_assert_msg(ev == run.tr.nev, "%s: fewer packets than segments", id);
	free(buf);
	run_free(&run);
}

START_TEST(test_own_pcaps)
{
	size_t n;
	char **ids = lesson_ids(&n);

	for (size_t i = 0; i < n; i++)
		check_scenario_pcap(ids[i]);
	ck_assert_uint_ge(n, 6);
	lesson_ids_free(ids, n);
}
END_TEST

Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("link");

	tcase_add_test(tc, test_link_ethernet);
	tcase_add_test(tc, test_link_ethernet_padding);
	tcase_add_test(tc, test_link_vlan);
	tcase_add_test(tc, test_link_not_ip);
	tcase_add_test(tc, test_link_sll);
	tcase_add_test(tc, test_link_sll2);
	tcase_add_test(tc, test_link_null);
	tcase_add_test(tc, test_link_raw);
	suite_add_tcase(s, tc);

	tc = tcase_create("ip");
	tcase_add_test(tc, test_ipv4_options);
	tcase_add_test(tc, test_ipv4_not_tcp);
	tcase_add_test(tc, test_ipv6_extensions);
	tcase_add_test(tc, test_ipv6_not_tcp);
	suite_add_tcase(s, tc);

	tc = tcase_create("options");
	tcase_add_test(tc, test_options_syn);
	tcase_add_test(tc, test_options_sack);
	tcase_add_test(tc, test_options_tfo);
	tcase_add_test(tc, test_options_odd);
	suite_add_tcase(s, tc);

	tc = tcase_create("truncation");
	tcase_add_test(tc, test_cut_payload);
	tcase_add_test(tc, test_cut_options);
	tcase_add_test(tc, test_cut_headers);
	suite_add_tcase(s, tc);

	tc = tcase_create("nonsense");
	tcase_add_test(tc, test_bad_lengths);
	tcase_add_test(tc, test_bad_ipv6);
	tcase_add_test(tc, test_no_overread);
	suite_add_tcase(s, tc);

	tc = tcase_create("own-pcaps");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_own_pcaps);
	suite_add_tcase(s, tc);
	return s;
}
