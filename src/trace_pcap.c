/*
 * trace_pcap.c: the -w view, a classic pcap file of the trace's segments
 * that tcpdump and Wireshark open: raw IPv4/IPv6 packets (LINKTYPE_RAW)
 * with real TCP headers, options laid out as Linux lays them out, valid
 * checksums and a recognisable filler as payload.  Lost segments are
 * written too, at their send time, as a sender-side capture would see
 * them.
 */
#include <stdlib.h>
#include <string.h>

#include "trace.h"

#define PCAP_SNAPLEN 65535
#define PCAP_LINKTYPE_RAW 101
#define TCP_MAX_OPTS 40

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

/* RFC 1071: sum of 16-bit big-endian words, an odd last byte padded. */
static uint32_t cksum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (; n > 1; p += 2, n -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (n == 1)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Options in the order of Linux's tcp_options_write(), each group in
 * whole 32-bit words so that no further padding is needed.  Returns the
 * length, at most TCP_MAX_OPTS; what does not fit is left out.
 */
static size_t pcap_options(const struct segment *s, uint8_t *p)
{
	const struct segment_options *o = &s->opt;
	bool ts = o->present & SEGOPT_TIMESTAMP;
	size_t n = 0;

	if (o->present & SEGOPT_MSS) {
		p[n++] = 2;
		p[n++] = 4;
		put_be16(p + n, o->mss);
		n += 2;
	}
	if (ts) {
		/* SACK-permitted takes the place of the two NOPs. */
		bool sp = o->present & SEGOPT_SACK_PERM;

		p[n++] = sp ? 4 : 1;
		p[n++] = sp ? 2 : 1;
		p[n++] = 8;
		p[n++] = 10;
		put_be32(p + n, o->ts_val);
		put_be32(p + n + 4, o->ts_ecr);
		n += 8;
	}
	if ((o->present & SEGOPT_SACK_PERM) && !ts) {
		memcpy(p + n, "\x01\x01\x04\x02", 4);
		n += 4;
	}
	if (o->present & SEGOPT_WSCALE) {
		memcpy(p + n, "\x01\x03\x03", 3);
		p[n + 3] = o->wscale;
		n += 4;
	}
	if ((o->present & SEGOPT_SACK) && !(s->flags & SEG_SYN)) {
		size_t nb = o->nsack < SEG_MAX_SACK ? o->nsack : SEG_MAX_SACK;

		if (nb > (TCP_MAX_OPTS - n - 4) / 8)
			nb = (TCP_MAX_OPTS - n - 4) / 8;
		if (nb > 0) {
			memcpy(p + n, "\x01\x01\x05", 3);
			p[n + 3] = (uint8_t)(2 + 8 * nb);
			n += 4;
			for (size_t i = 0; i < nb; i++, n += 8) {
				put_be32(p + n, o->sack[i][0]);
				put_be32(p + n + 4, o->sack[i][1]);
			}
		}
	}
	if (o->present & SEGOPT_TFO) {
		size_t clen = o->tfo_len < SEG_MAX_TFO_COOKIE ?
		    o->tfo_len : SEG_MAX_TFO_COOKIE;
		size_t words = (2 + clen + 3) & ~(size_t)3;

		if (n + words <= TCP_MAX_OPTS) {
			memset(p + n, 1, words);
			p[n] = 34;
			p[n + 1] = (uint8_t)(2 + clen);
			memcpy(p + n + 2, o->tfo_cookie, clen);
			n += words;
		}
	}
	return n;
}

/* Build one packet in buf (PCAP_SNAPLEN bytes); returns its length. */
static size_t pcap_packet(const struct trace *tr, const struct trace_event *e,
    uint16_t ipid, uint8_t *buf)
{
	static const char filler[] = "tcpviz ";
	struct segment s;
	bool v6;
	size_t iph, tcph, pay;
	uint8_t *tcp;
	uint32_t sum, off;

	trace_segment(tr, e, &s);
	v6 = s.src.family == 6;
	iph = v6 ? 40 : 20;
	tcp = buf + iph;
	memset(tcp, 0, 20);
	tcph = 20 + pcap_options(&s, tcp + 20);

	/* The IPv4 length field caps the packet; no engine segment is near. */
	pay = s.len;
	if (pay > PCAP_SNAPLEN - iph - tcph)
		pay = PCAP_SNAPLEN - iph - tcph;
	/*
	 * Filler by sequence number, so that a retransmission repeats the
	 * bytes; the first byte after the SYN (relative seq 1) is the 't'.
	 */
	off = (trace_rel_seq(tr, e) + !!(s.flags & SEG_SYN)) %
	    (sizeof filler - 1) + sizeof filler - 2;
	for (size_t i = 0; i < pay; i++)
		tcp[tcph + i] = (uint8_t)filler[(off + i) % (sizeof filler - 1)];

	put_be16(tcp, s.src.port);
	put_be16(tcp + 2, s.dst.port);
	put_be32(tcp + 4, s.seq);
	put_be32(tcp + 8, (s.flags & SEG_ACK) ? s.ack : 0);
	tcp[12] = (uint8_t)((tcph / 4) << 4);
	tcp[13] = s.flags;
	put_be16(tcp + 14, s.win);

	/* The IP header, and the sum of the pseudo-header it implies. */
	if (v6) {
		buf[0] = 0x60;
		memset(buf + 1, 0, 3);
		put_be16(buf + 4, (uint16_t)(tcph + pay));
		buf[6] = 6;
		buf[7] = 64;
		memcpy(buf + 8, s.src.addr, 16);
		memcpy(buf + 24, s.dst.addr, 16);
		sum = cksum_add(0, buf + 8, 32);
	} else {
		buf[0] = 0x45;
		buf[1] = 0;
		put_be16(buf + 2, (uint16_t)(iph + tcph + pay));
		put_be16(buf + 4, ipid);
		put_be16(buf + 6, 0x4000);	/* DF, as Linux sets it */
		buf[8] = 64;
		buf[9] = 6;
		put_be16(buf + 10, 0);
		memcpy(buf + 12, s.src.addr, 4);
		memcpy(buf + 16, s.dst.addr, 4);
		put_be16(buf + 10, cksum_fold(cksum_add(0, buf, 20)));
		sum = cksum_add(0, buf + 12, 8);
	}
	sum += 6 + (uint32_t)(tcph + pay);
	put_be16(tcp + 16, cksum_fold(cksum_add(sum, tcp, tcph + pay)));
	return iph + tcph + pay;
}

int trace_write_pcap(const struct trace *tr, FILE *out)
{
	uint8_t hdr[24], *buf;
	uint16_t ipid = 0;

	buf = malloc(PCAP_SNAPLEN);
	if (buf == NULL)
		return -1;
	/* Little-endian whatever the host: readers go by the magic. */
	put_le32(hdr, 0xa1b2c3d4);
	put_le16(hdr + 4, 2);
	put_le16(hdr + 6, 4);
	put_le32(hdr + 8, 0);		/* thiszone */
	put_le32(hdr + 12, 0);		/* sigfigs */
	put_le32(hdr + 16, PCAP_SNAPLEN);
	put_le32(hdr + 20, PCAP_LINKTYPE_RAW);
	fwrite(hdr, 1, sizeof hdr, out);

	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];
		int64_t t = e->t > 0 ? e->t : 0;
		size_t n;

		if (e->type != TRACE_SEGMENT)
			continue;
		n = pcap_packet(tr, e, ++ipid, buf);
		put_le32(hdr, (uint32_t)(t / 1000000));
		put_le32(hdr + 4, (uint32_t)(t % 1000000));
		put_le32(hdr + 8, (uint32_t)n);
		put_le32(hdr + 12, (uint32_t)n);
		fwrite(hdr, 1, 16, out);
		fwrite(buf, 1, n, out);
	}
	free(buf);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}
