/*
 * decode.c: link layer -> IPv4/IPv6 (options, extension headers) -> TCP
 * header and options, for decode.h.  All reads go through a small reader
 * that knows how many bytes were captured.  At each header the lengths
 * that the packet claims are checked first and the captured bytes
 * second, so that nonsense is reported as nonsense even when the capture
 * was also cut short.
 */
#include <string.h>

#include "decode.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define PROTO_TCP 6		/* spelt out: no <netinet/in.h> needed */

/* The bytes of a packet that were captured, read big-endian. */
struct rd {
	const uint8_t *p;
	size_t cap;
};

static bool rd_has(const struct rd *r, size_t off, size_t n)
{
	return off <= r->cap && n <= r->cap - off;
}

/*
 * Callers check rd_has() first; these read 0 rather than past r->cap
 * should one of them ever forget.
 */
static uint8_t rd_u8(const struct rd *r, size_t off)
{
	return rd_has(r, off, 1) ? r->p[off] : 0;
}

static uint16_t rd_be16(const struct rd *r, size_t off)
{
	if (!rd_has(r, off, 2))
		return 0;
	return (uint16_t)(r->p[off] << 8 | r->p[off + 1]);
}

static uint32_t rd_be32(const struct rd *r, size_t off)
{
	if (!rd_has(r, off, 4))
		return 0;
	return (uint32_t)r->p[off] << 24 | (uint32_t)r->p[off + 1] << 16 |
	    (uint32_t)r->p[off + 2] << 8 | r->p[off + 3];
}

static uint32_t rd_le32(const struct rd *r, size_t off)
{
	if (!rd_has(r, off, 4))
		return 0;
	return (uint32_t)r->p[off + 3] << 24 | (uint32_t)r->p[off + 2] << 16 |
	    (uint32_t)r->p[off + 1] << 8 | r->p[off];
}

static enum decode_status fail(struct decode_result *out, const char *msg,
    size_t off)
{
	out->err.msg = msg;
	out->err.off = off;
	return DECODE_ERROR;
}

static enum decode_status skip(struct decode_result *out, const char *what,
    size_t off)
{
	out->err.msg = what;
	out->err.off = off;
	return DECODE_NOT_TCP;
}

/*
 * A header that the packet has on the wire but the capture does not
 * hold (cut by the snap length): an error at the first missing byte.
 */
static bool cut(const struct rd *r, size_t off, size_t n,
    struct decode_result *out, const char *msg)
{
	if (rd_has(r, off, n))
		return false;
	fail(out, msg, r->cap);
	return true;
}

/* ---- TCP ---- */

/* A malformed option list: note it, keep what was decoded before it. */
static void opt_bad(struct decode_result *out, const char *msg, size_t off)
{
	out->err.msg = msg;
	out->err.off = off;
}

static void tcp_tfo(struct segment_options *o, const struct rd *r,
    size_t off, size_t clen)
{
	o->present |= SEGOPT_TFO;
	o->tfo_len = (uint8_t)clen;
	memcpy(o->tfo_cookie, r->p + off, clen);
}

/* One option of `len` bytes at `off`, all of it captured. */
static void tcp_option(const struct rd *r, size_t off, size_t len,
    struct segment_options *o)
{
	switch (rd_u8(r, off)) {
	case 2:
		if (len == 4) {
			o->present |= SEGOPT_MSS;
			o->mss = rd_be16(r, off + 2);
		}
		break;
	case 3:
		if (len == 3) {
			o->present |= SEGOPT_WSCALE;
			o->wscale = rd_u8(r, off + 2);
		}
		break;
	case 4:
		if (len == 2)
			o->present |= SEGOPT_SACK_PERM;
		break;
	case 5:
		if (len >= 10 && (len - 2) % 8 == 0 &&
		    (len - 2) / 8 <= SEG_MAX_SACK) {
			o->present |= SEGOPT_SACK;
			o->nsack = (uint8_t)((len - 2) / 8);
			for (size_t i = 0; i < o->nsack; i++) {
				o->sack[i][0] = rd_be32(r, off + 2 + 8 * i);
				o->sack[i][1] = rd_be32(r, off + 6 + 8 * i);
			}
		}
		break;
	case 8:
		if (len == 10) {
			o->present |= SEGOPT_TIMESTAMP;
			o->ts_val = rd_be32(r, off + 2);
			o->ts_ecr = rd_be32(r, off + 6);
		}
		break;
	case 34:
		/* RFC 7413: no cookie (a request) or 4 to 16 bytes. */
		if (len == 2 || (len >= 6 && len <= 18))
			tcp_tfo(o, r, off + 2, len - 2);
		break;
	case 254:
		/* RFC 6994's shared experimental kind; 0xF989 is TFO's. */
		if (len >= 4 && rd_be16(r, off + 2) == 0xf989 &&
		    (len == 4 || (len >= 8 && len <= 20)))
			tcp_tfo(o, r, off + 4, len - 4);
		break;
	default:
		break;
	}
}

/*
 * The options from `off` to `hdr_end`, of which the capture holds those
 * before `end`: one cut off there is simply not decoded.  Known kinds
 * with a wrong length are ignored, as Linux's tcp_parse_options() does;
 * a length that cannot be (below 2, past the header) ends the list.
 */
static void tcp_options(const struct rd *r, size_t off, size_t end,
    size_t hdr_end, struct decode_result *out)
{
	while (off < end) {
		uint8_t kind = rd_u8(r, off);
		size_t len;

		if (kind == 0)		/* end of option list */
			return;
		if (kind == 1) {	/* no-operation, padding */
			off++;
			continue;
		}
		if (off + 1 >= hdr_end) {
			opt_bad(out, "TCP option without a length", off);
			return;
		}
		if (off + 1 >= end)
			return;
		len = rd_u8(r, off + 1);
		if (len < 2) {
			opt_bad(out, "TCP option length below 2", off + 1);
			return;
		}
		if (len > hdr_end - off) {
			opt_bad(out, "TCP option past the end of the header",
			    off + 1);
			return;
		}
		if (len > end - off)
			return;
		tcp_option(r, off, len, &out->seg.opt);
		off += len;
	}
}

/*
 * The TCP header at `off`; the IP payload ends at `end` on the wire.
 * `partial`: the IP layer knows that only part of the payload is here
 * (a first fragment).
 */
static enum decode_status tcp_decode(const struct rd *r, size_t off,
    size_t end, bool partial, struct decode_result *out)
{
	struct segment *s = &out->seg;
	size_t hlen, optend;

	if (end - off < 20)
		return fail(out, "IP payload too short for a TCP header", off);
	if (cut(r, off, 20, out, "captured bytes end inside the TCP header"))
		return DECODE_ERROR;
	hlen = (size_t)(rd_u8(r, off + 12) >> 4) * 4;
	if (hlen < 20)
		return fail(out, "TCP data offset below 5 (20 bytes)", off + 12);
	if (hlen > end - off)
		return fail(out, "TCP data offset past the end of the IP payload",
		    off + 12);

	s->src.port = rd_be16(r, off);
	s->dst.port = rd_be16(r, off + 2);
	s->seq = rd_be32(r, off + 4);
	s->ack = rd_be32(r, off + 8);
	s->flags = rd_u8(r, off + 13);
	s->win = rd_be16(r, off + 14);
	s->urp = rd_be16(r, off + 18);
	s->len = (uint32_t)(end - off - hlen);

	optend = off + hlen;
	if (optend > r->cap) {
		optend = r->cap;
		out->truncated = true;
	}
	tcp_options(r, off + 20, optend, off + hlen, out);

	out->payload_off = off + hlen;
	if (r->cap > out->payload_off) {
		size_t got = r->cap - out->payload_off;

		out->payload_caplen = got < s->len ? (uint32_t)got : s->len;
	}
	if (out->payload_caplen < s->len || partial)
		out->truncated = true;
	return DECODE_OK;
}

/* ---- IP ---- */

static enum decode_status ipv4_decode(const struct rd *r, size_t off,
    size_t wire_end, struct decode_result *out)
{
	struct segment *s = &out->seg;
	size_t ihl, total;
	uint16_t frag;

	if (wire_end - off < 20)
		return fail(out, "packet too short for an IPv4 header", off);
	if (cut(r, off, 20, out, "captured bytes end inside the IPv4 header"))
		return DECODE_ERROR;
	if (rd_u8(r, off) >> 4 != 4)
		return fail(out, "IP version is not 4 in an IPv4 packet", off);
	ihl = (size_t)(rd_u8(r, off) & 0x0f) * 4;
	if (ihl < 20)
		return fail(out, "IPv4 header length below 5 (20 bytes)", off);
	total = rd_be16(r, off + 2);
	if (total < ihl)
		return fail(out, "IPv4 total length shorter than its header",
		    off + 2);
	if (total > wire_end - off)
		return fail(out, "IPv4 total length past the end of the packet",
		    off + 2);
	if (cut(r, off, ihl, out, "captured bytes end inside the IPv4 options"))
		return DECODE_ERROR;

	frag = rd_be16(r, off + 6);
	if ((frag & 0x1fff) != 0)
		return skip(out, "IPv4 fragment (not the first)", off + 6);
	if (rd_u8(r, off + 9) != PROTO_TCP)
		return skip(out, "not TCP", off + 9);

	s->src.family = s->dst.family = 4;
	memcpy(s->src.addr, r->p + off + 12, 4);
	memcpy(s->dst.addr, r->p + off + 16, 4);
	/* More fragments (MF) follow: this one holds part of the payload. */
	return tcp_decode(r, off + ihl, off + total, (frag & 0x2000) != 0, out);
}

static bool ipv6_ext(uint8_t nh)
{
	/* Hop-by-hop, routing, fragment, destination options. */
	return nh == 0 || nh == 43 || nh == 44 || nh == 60;
}

static enum decode_status ipv6_decode(const struct rd *r, size_t off,
    size_t wire_end, struct decode_result *out)
{
	static const char ext_cut[] =
	    "captured bytes end inside an IPv6 extension header";
	struct segment *s = &out->seg;
	size_t end, hoff;
	uint8_t nh;
	bool partial = false;

	if (wire_end - off < 40)
		return fail(out, "packet too short for an IPv6 header", off);
	if (cut(r, off, 40, out, "captured bytes end inside the IPv6 header"))
		return DECODE_ERROR;
	if (rd_u8(r, off) >> 4 != 6)
		return fail(out, "IP version is not 6 in an IPv6 packet", off);
	end = off + 40 + rd_be16(r, off + 4);
	if (end > wire_end)
		return fail(out, "IPv6 payload length past the end of the packet",
		    off + 4);

	/* Each extension header names the next header after it. */
	nh = rd_u8(r, off + 6);
	hoff = off + 40;
	while (ipv6_ext(nh)) {
		size_t hlen = 8;

		if (end - hoff < 8)
			return fail(out, "IPv6 extension header past the payload",
			    hoff);
		if (cut(r, hoff, 8, out, ext_cut))
			return DECODE_ERROR;
		if (nh == 44) {
			uint16_t fo = rd_be16(r, hoff + 2);

			if ((fo & 0xfff8) != 0)
				return skip(out, "IPv6 fragment (not the first)",
				    hoff + 2);
			partial = (fo & 1) != 0;
		} else {
			hlen = ((size_t)rd_u8(r, hoff + 1) + 1) * 8;
			if (hlen > end - hoff)
				return fail(out,
				    "IPv6 extension header past the payload",
				    hoff + 1);
		}
		nh = rd_u8(r, hoff);
		hoff += hlen;
	}
	if (nh != PROTO_TCP)
		return skip(out, nh == 59 ? "IPv6 without a next header" :
		    "not TCP", hoff);

	s->src.family = s->dst.family = 6;
	memcpy(s->src.addr, r->p + off + 8, 16);
	memcpy(s->dst.addr, r->p + off + 24, 16);
	return tcp_decode(r, hoff, end, partial, out);
}

/* IPv4 or IPv6 by the version nibble, for links that carry bare IP. */
static enum decode_status ip_decode(const struct rd *r, size_t wire_end,
    struct decode_result *out)
{
	switch (rd_u8(r, 0) >> 4) {
	case 4:
		return ipv4_decode(r, 0, wire_end, out);
	case 6:
		return ipv6_decode(r, 0, wire_end, out);
	default:
		return fail(out, "IP version is neither 4 nor 6", 0);
	}
}

/* ---- Link layers ---- */

/*
 * The EtherType at `type_off` (Ethernet, Linux cooked v1 and v2) names
 * what starts at `off`: IP, or an 802.1Q / 802.1ad tag of 4 bytes whose
 * last two name what follows it.
 */
static enum decode_status ether_decode(const struct rd *r, size_t type_off,
    size_t off, size_t wire_end, struct decode_result *out)
{
	uint16_t type = rd_be16(r, type_off);

	while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
		if (wire_end - off < 4)
			return fail(out, "packet too short for its VLAN tag", off);
		if (cut(r, off, 4, out, "captured bytes end inside a VLAN tag"))
			return DECODE_ERROR;
		type_off = off + 2;
		type = rd_be16(r, type_off);
		off += 4;
	}
	if (type == ETHERTYPE_IPV4)
		return ipv4_decode(r, off, wire_end, out);
	if (type == ETHERTYPE_IPV6)
		return ipv6_decode(r, off, wire_end, out);
	return skip(out, type < 0x0600 ? "802.3 frame" : "not IP", type_off);
}

/* Whether a link header of `n` bytes is missing (on the wire or in the
 * capture); if so, out says so. */
static bool link_short(const struct rd *r, size_t n, size_t wire_end,
    struct decode_result *out)
{
	if (wire_end < n) {
		fail(out, "packet too short for its link-layer header", 0);
		return true;
	}
	return cut(r, 0, n, out,
	    "captured bytes end inside the link-layer header");
}

/*
 * BSD loopback: the address family in the capturing host's byte order
 * (DLT_NULL) or in network order (DLT_LOOP); either order is accepted,
 * no family value being the byte-swap of another.  AF_INET is 2 almost
 * everywhere; AF_INET6 is 10 (Linux), 23 (Windows), 24 (NetBSD,
 * OpenBSD), 28 (FreeBSD) or 30 (macOS).
 */
static enum decode_status null_decode(const struct rd *r, size_t wire_end,
    struct decode_result *out)
{
	static const uint32_t af6[] = { 10, 23, 24, 28, 30 };
	uint32_t be, le;

	if (link_short(r, 4, wire_end, out))
		return DECODE_ERROR;
	be = rd_be32(r, 0);
	le = rd_le32(r, 0);
	if (be == 2 || le == 2)
		return ipv4_decode(r, 4, wire_end, out);
	for (size_t i = 0; i < sizeof af6 / sizeof af6[0]; i++) {
		if (be == af6[i] || le == af6[i])
			return ipv6_decode(r, 4, wire_end, out);
	}
	return skip(out, "not IP", 0);
}

bool decode_link_supported(int linktype)
{
	switch (linktype) {
	case DECODE_LINK_NULL:
	case DECODE_LINK_LOOP:
	case DECODE_LINK_ETHERNET:
	case DECODE_LINK_RAW:
	case DECODE_LINK_RAW_DLT:
	case DECODE_LINK_RAW_DLT_BSDOS:
	case DECODE_LINK_IPV4:
	case DECODE_LINK_IPV6:
	case DECODE_LINK_SLL:
	case DECODE_LINK_SLL2:
		return true;
	default:
		return false;
	}
}

enum decode_status decode_packet(int linktype, const uint8_t *pkt,
    uint32_t caplen, uint32_t wirelen, struct decode_result *out)
{
	struct rd r = { pkt, caplen };

	memset(out, 0, sizeof *out);
	if (caplen == 0)
		return fail(out, "empty packet (nothing captured)", 0);
	if (caplen > wirelen)
		return fail(out, "more bytes captured than the packet had", 0);

	switch (linktype) {
	case DECODE_LINK_NULL:
	case DECODE_LINK_LOOP:
		return null_decode(&r, wirelen, out);
	case DECODE_LINK_ETHERNET:
		if (link_short(&r, 14, wirelen, out))
			return DECODE_ERROR;
		return ether_decode(&r, 12, 14, wirelen, out);
	case DECODE_LINK_SLL:
		if (link_short(&r, 16, wirelen, out))
			return DECODE_ERROR;
		return ether_decode(&r, 14, 16, wirelen, out);
	case DECODE_LINK_SLL2:
		if (link_short(&r, 20, wirelen, out))
			return DECODE_ERROR;
		return ether_decode(&r, 0, 20, wirelen, out);
	case DECODE_LINK_RAW:
	case DECODE_LINK_RAW_DLT:
	case DECODE_LINK_RAW_DLT_BSDOS:
	case DECODE_LINK_IPV4:
	case DECODE_LINK_IPV6:
		return ip_decode(&r, wirelen, out);
	default:
		return fail(out, "unsupported link type", 0);
	}
}
