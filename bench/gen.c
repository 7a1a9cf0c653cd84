/*
 * bench/gen.c: writes the synthetic capture that `make bench` reads.
 *
 * A classic pcap (Ethernet, microsecond stamps) of N packets across many
 * interleaved connections, as a capture point next to a busy set of
 * clients would see them: three-way handshakes with Linux's SYN options
 * (MSS, SACK permitted, timestamps, window scale), timestamps on every
 * later segment, requests and responses that grow with slow start, ACKs
 * every second segment, FIN closes from either side, and now and then a
 * lost SYN, a lost request or a lost response segment (dup ACKs with
 * SACK blocks, then the retransmission), an abort (RST) or a refused
 * connection.  One in ten connections is IPv6.
 *
 * The same seed gives the same file, byte for byte.  Payload bytes are
 * zeros, so checksums are valid without summing payload that a small
 * snap length (the default: headers only, as for TCP analysis) leaves
 * out anyway.
 *
 * With -b every connection is one bulk download (1 to 4 MB) instead: few
 * connections, so that what a packet costs shows apart from what a
 * connection costs.
 *
 * Usage: gen [-b] [-n PACKETS] [-s SEED] [-c CONCURRENT] [-S SNAPLEN]
 *            [-o FILE]
 */
/* getopt() is POSIX. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GEN_EPOCH 1700000000	/* the capture's first second */
#define GEN_MSS 1448		/* payload of a full segment with timestamps */

/* What a connection's script does, as fractions of 1000. */
#define GEN_REFUSED 15		/* SYN answered by RST */
#define GEN_SYN_LOST 10		/* the first SYN goes unanswered */
#define GEN_ABORT 30		/* the client ends with RST instead of FIN */
#define GEN_SERVER_CLOSE 250	/* the server closes first */
#define GEN_REQ_LOST 8		/* a request is retransmitted after an RTO */
#define GEN_DATA_LOST 6		/* a response segment misses the client */
#define GEN_IPV6 100

/* splitmix64: small, fast, and the same everywhere. */
struct gen_rng {
	uint64_t s;
};

static uint64_t gen_next(struct gen_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static uint32_t gen_range(struct gen_rng *r, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(gen_next(r) % ((uint64_t)hi - lo + 1));
}

static bool gen_chance(struct gen_rng *r, unsigned per_mille)
{
	return gen_next(r) % 1000 < per_mille;
}

/* Which TCP options a packet carries. */
enum { OPT_NONE, OPT_SYN, OPT_TS, OPT_SACK };

/* One packet of a connection's script; dir 0 is client to server. */
struct gen_pkt {
	int64_t t;		/* microseconds from the capture's start */
	uint32_t seq, ack;
	uint16_t len, win;
	uint8_t dir, flags, opt;
	uint32_t sack[2];	/* OPT_SACK: one block */
	uint32_t i;		/* place in the script, for a stable sort */
};

struct gen_conn {
	struct gen_pkt *p;	/* the script, reused by the next connection */
	size_t np, cap, next;
	int v6;
	uint8_t addr[2][16];
	uint16_t port[2];
	uint32_t isn[2], tsoff[2];
	uint16_t ipid[2];
};

/* TCP flag bits. */
enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10 };

/*
 * Building a script.  Times only move forward per direction but the two
 * directions interleave, so the script is sorted once it is complete.
 */
struct gen_script {
	struct gen_conn *c;
	struct gen_rng *rng;
	int64_t rtt;
	uint32_t nxt[2];	/* next sequence number each side sends */
};

/* Room for one more packet at the end of the script. */
static struct gen_pkt *gen_slot(struct gen_conn *c)
{
	if (c->np == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->p = realloc(c->p, c->cap * sizeof *c->p);
		if (c->p == NULL) {
			fputs("gen: out of memory\n", stderr);
			exit(1);
		}
	}
	return &c->p[c->np++];
}

static struct gen_pkt *gen_add(struct gen_script *s, int64_t t, int dir,
    uint8_t flags, uint16_t len)
{
	struct gen_pkt *p = gen_slot(s->c);

	memset(p, 0, sizeof *p);
	p->t = t;
	p->dir = (uint8_t)dir;
	p->flags = flags;
	p->seq = s->nxt[dir];
	p->ack = (flags & F_ACK) ? s->nxt[!dir] : 0;
	p->len = len;
	p->win = dir == 0 ? 502 : 509;
	p->opt = OPT_TS;
	s->nxt[dir] += len + !!(flags & (F_SYN | F_FIN));
	return p;
}

/* The client sends `len` bytes of request (once more after an RTO if
 * the first copy is lost); returns when the server has it. */
static int64_t gen_request(struct gen_script *s, int64_t t, uint16_t len)
{
	struct gen_pkt first = *gen_add(s, t, 0, F_PSH | F_ACK, len);

	if (gen_chance(s->rng, GEN_REQ_LOST)) {
		t += 200000 + s->rtt;	/* Linux's minimum RTO, plus the RTT */
		*gen_slot(s->c) = first;
		s->c->p[s->c->np - 1].t = t;
	}
	return t + s->rtt / 2;
}

/*
 * The server's response of `total` bytes, starting at `t` at the server:
 * slow start from ten segments, the client ACKing every second one and
 * the last; a lost segment makes the client's later ACKs duplicates
 * with a SACK block, and the server resends it one RTT on.  Returns the
 * time the client has it all.
 */
static int64_t gen_response(struct gen_script *s, int64_t t, uint32_t total)
{
	uint32_t cwnd = 10, sent = 0;
	int64_t arrive = t + s->rtt / 2;

	while (sent < total) {
		uint32_t hole_seq = 0, hole_len = 0, sack_lo = 0;
		int64_t last = arrive;

		for (uint32_t k = 0; k < cwnd && sent < total; k++) {
			uint16_t len = (uint16_t)(total - sent < GEN_MSS ?
			    total - sent : GEN_MSS);
			bool lose = hole_len == 0 && sent + len < total &&
			    gen_chance(s->rng, GEN_DATA_LOST);
			struct gen_pkt *p;

			last = arrive + (int64_t)k * 12;
			sent += len;
			if (lose) {
				hole_seq = s->nxt[1];
				hole_len = len;
				s->nxt[1] += len;
				sack_lo = s->nxt[1];
				continue;
			}
			gen_add(s, last, 1, F_ACK | (sent == total ? F_PSH : 0),
			    len);
			if (!(k % 2 == 1 || sent == total || hole_len))
				continue;
			p = gen_add(s, last + 30, 0, F_ACK, 0);
			if (hole_len) {
				p->ack = hole_seq;
				p->opt = OPT_SACK;
				p->sack[0] = sack_lo;
				p->sack[1] = s->nxt[1];
			}
		}
		if (hole_len != 0) {
			/* The third duplicate reaches the server half an RTT
			 * later; the resent segment comes back as far. */
			uint32_t keep = s->nxt[1];

			last += s->rtt;
			s->nxt[1] = hole_seq;
			gen_add(s, last, 1, F_ACK, (uint16_t)hole_len);
			s->nxt[1] = keep;
			gen_add(s, last + 30, 0, F_ACK, 0);
		}
		cwnd *= 2;
		arrive = last + s->rtt;
	}
	return arrive;
}

static int gen_pkt_cmp(const void *a, const void *b)
{
	const struct gen_pkt *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* A new connection starting at t0: its whole script. */
static void gen_conn_new(struct gen_conn *c, struct gen_rng *rng, int64_t t0,
    bool bulk)
{
	struct gen_script s = { .c = c, .rng = rng };
	unsigned client = gen_range(rng, 1, 2000), server = gen_range(rng, 1, 40);
	int64_t t = t0;
	struct gen_pkt *p;

	c->np = c->next = 0;
	c->v6 = gen_chance(rng, GEN_IPV6);
	memset(c->addr, 0, sizeof c->addr);
	if (c->v6) {
		static const uint8_t pfx[4] = { 0x20, 0x01, 0x0d, 0xb8 };

		memcpy(c->addr[0], pfx, 4);
		memcpy(c->addr[1], pfx, 4);
		c->addr[0][5] = 1;
		c->addr[0][14] = (uint8_t)(client >> 8);
		c->addr[0][15] = (uint8_t)client;
		c->addr[1][5] = 2;
		c->addr[1][15] = (uint8_t)server;
	} else {
		c->addr[0][0] = 10;
		c->addr[0][1] = 2;
		c->addr[0][2] = (uint8_t)(client >> 8);
		c->addr[0][3] = (uint8_t)client;
		c->addr[1][0] = 10;
		c->addr[1][1] = 1;
		c->addr[1][3] = (uint8_t)server;
	}
	c->port[0] = (uint16_t)gen_range(rng, 32768, 60999);
	c->port[1] = gen_chance(rng, 500) ? 443 : 80;
	for (int d = 0; d < 2; d++) {
		c->isn[d] = (uint32_t)gen_next(rng);
		c->tsoff[d] = (uint32_t)gen_next(rng);
		c->ipid[d] = (uint16_t)gen_next(rng);
		s.nxt[d] = c->isn[d];
	}
	/* RTTs from a LAN's to another continent's. */
	s.rtt = gen_range(rng, 200, 150000);

	p = gen_add(&s, t, 0, F_SYN, 0);
	p->opt = OPT_SYN;
	p->win = 64240;
	if (gen_chance(rng, GEN_SYN_LOST)) {
		t += 1000000;	/* Linux's initial RTO */
		p = gen_slot(c);
		*p = c->p[0];
		p->t = t;
	}
	if (gen_chance(rng, GEN_REFUSED)) {
		p = gen_add(&s, t + s.rtt, 1, F_RST | F_ACK, 0);
		p->opt = OPT_NONE;
		p->seq = 0;	/* RFC 9293: a reset answering a SYN */
		p->win = 0;
		goto done;
	}
	t += s.rtt;
	p = gen_add(&s, t, 1, F_SYN | F_ACK, 0);
	p->opt = OPT_SYN;
	p->win = 65160;
	t += 20;
	gen_add(&s, t, 0, F_ACK, 0);

	for (unsigned rounds = bulk ? 1 : gen_range(rng, 1, 3); rounds > 0;
	    rounds--) {
		uint32_t size;
		unsigned kind = gen_range(rng, 0, 99);

		/* Mostly small responses, some pages, a few downloads. */
		if (bulk)
			size = gen_range(rng, 1000000, 4000000);
		else if (kind < 60)
			size = gen_range(rng, 200, 4000);
		else if (kind < 95)
			size = gen_range(rng, 4000, 30000);
		else
			size = gen_range(rng, 30000, 200000);
		t += gen_range(rng, 20, 5000);
		t = gen_request(&s, t, (uint16_t)gen_range(rng, 80, 900));
		/* Server think time, then the data. */
		t = gen_response(&s, t + gen_range(rng, 50, 20000), size);
	}

	t += gen_range(rng, 100, 50000);
	if (gen_chance(rng, GEN_ABORT)) {
		gen_add(&s, t, 0, F_RST | F_ACK, 0);
	} else if (gen_chance(rng, GEN_SERVER_CLOSE)) {
		gen_add(&s, t, 1, F_FIN | F_ACK, 0);
		gen_add(&s, t + 40, 0, F_ACK, 0);
		t += gen_range(rng, 100, 3000);
		gen_add(&s, t, 0, F_FIN | F_ACK, 0);
		gen_add(&s, t + s.rtt, 1, F_ACK, 0);
	} else {
		gen_add(&s, t, 0, F_FIN | F_ACK, 0);
		gen_add(&s, t + s.rtt, 1, F_FIN | F_ACK, 0);
		gen_add(&s, t + s.rtt + 25, 0, F_ACK, 0);
	}
done:
	/* qsort is not stable: the index breaks ties in script order. */
	for (size_t i = 0; i < c->np; i++)
		c->p[i].i = (uint32_t)i;
	qsort(c->p, c->np, sizeof c->p[0], gen_pkt_cmp);
}

/* ---- Writing ---- */

static void gen_be16(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void gen_be32(uint8_t *b, uint32_t v)
{
	gen_be16(b, v >> 16);
	gen_be16(b + 2, v);
}

static void gen_le32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

/* The ones' complement sum of 16-bit words, not yet folded. */
static uint32_t gen_sum(const uint8_t *b, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	return sum;
}

static uint16_t gen_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The TCP options of p; returns their length (a multiple of 4). */
static size_t gen_options(const struct gen_conn *c, const struct gen_pkt *p,
    uint8_t *o)
{
	uint32_t ms = (uint32_t)(p->t / 1000);
	uint32_t tsval = c->tsoff[p->dir] + ms;
	/* The peer's clock as of its last segment: close enough to echo. */
	uint32_t tsecr = (p->flags & F_ACK) ? c->tsoff[!p->dir] + ms : 0;
	size_t n = 0;

	switch (p->opt) {
	case OPT_SYN:
		/* Linux's order: MSS, SACK permitted, timestamps, wscale. */
		o[n++] = 2, o[n++] = 4;
		gen_be16(o + n, c->v6 ? 1440 : 1460);
		n += 2;
		o[n++] = 4, o[n++] = 2;
		o[n++] = 8, o[n++] = 10;
		gen_be32(o + n, tsval);
		gen_be32(o + n + 4, tsecr);
		n += 8;
		o[n++] = 1;
		o[n++] = 3, o[n++] = 3, o[n++] = 7;
		return n;
	case OPT_SACK:
		o[n++] = 1, o[n++] = 1;
		o[n++] = 5, o[n++] = 10;
		gen_be32(o + n, p->sack[0]);
		gen_be32(o + n + 4, p->sack[1]);
		n += 8;
		/* Timestamps follow the SACK block. */
		/* FALLTHROUGH */
	case OPT_TS:
		o[n++] = 1, o[n++] = 1;
		o[n++] = 8, o[n++] = 10;
		gen_be32(o + n, tsval);
		gen_be32(o + n + 4, tsecr);
		return n + 8;
	}
	return 0;
}

/* Headers of one packet into buf; returns the bytes on the wire. */
static size_t gen_packet(struct gen_conn *c, const struct gen_pkt *p,
    uint8_t *buf, size_t *hdrlen)
{
	static const uint8_t mac[2][6] = {
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0xfe },
	};
	int d = p->dir;
	size_t iplen = c->v6 ? 40 : 20, off = 14 + iplen, optlen, tcplen;
	uint8_t *ip = buf + 14, *tcp;
	uint32_t sum;

	memcpy(buf, mac[!d], 6);
	memcpy(buf + 6, mac[d], 6);
	gen_be16(buf + 12, c->v6 ? 0x86dd : 0x0800);
	tcp = buf + off;
	optlen = gen_options(c, p, tcp + 20);
	tcplen = 20 + optlen;

	gen_be16(tcp, c->port[d]);
	gen_be16(tcp + 2, c->port[!d]);
	gen_be32(tcp + 4, p->seq);
	gen_be32(tcp + 8, p->ack);
	tcp[12] = (uint8_t)(tcplen / 4 << 4);
	tcp[13] = p->flags;
	gen_be16(tcp + 14, p->win);
	gen_be16(tcp + 16, 0);
	gen_be16(tcp + 18, 0);

	/* The pseudo-header, the header; the payload is zeros. */
	if (c->v6) {
		sum = gen_sum(c->addr[d], 16, 0);
		sum = gen_sum(c->addr[!d], 16, sum);
	} else {
		sum = gen_sum(c->addr[d], 4, 0);
		sum = gen_sum(c->addr[!d], 4, sum);
	}
	sum += 6 + (uint32_t)(tcplen + p->len);
	gen_be16(tcp + 16, gen_fold(gen_sum(tcp, tcplen, sum)));

	if (c->v6) {
		ip[0] = 0x60;
		ip[1] = ip[2] = ip[3] = 0;
		gen_be16(ip + 4, (uint32_t)(tcplen + p->len));
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, c->addr[d], 16);
		memcpy(ip + 24, c->addr[!d], 16);
	} else {
		ip[0] = 0x45;
		ip[1] = 0;
		gen_be16(ip + 2, (uint32_t)(20 + tcplen + p->len));
		gen_be16(ip + 4, c->ipid[d]++);
		gen_be16(ip + 6, 0x4000);	/* DF */
		ip[8] = d == 0 ? 64 : 57;
		ip[9] = 6;
		gen_be16(ip + 10, 0);
		memcpy(ip + 12, c->addr[d], 4);
		memcpy(ip + 16, c->addr[!d], 4);
		gen_be16(ip + 10, gen_fold(gen_sum(ip, 20, 0)));
	}
	*hdrlen = off + tcplen;
	return off + tcplen + p->len;
}

/* ---- The merge: a heap of connections by their next packet's time ---- */

struct gen {
	struct gen_rng rng;
	struct gen_conn **heap;
	size_t n;
};

static int64_t gen_when(const struct gen_conn *c)
{
	return c->p[c->next].t;
}

static void gen_down(struct gen *g, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct gen_conn *tmp;

		if (l < g->n && gen_when(g->heap[l]) < gen_when(g->heap[m]))
			m = l;
		if (r < g->n && gen_when(g->heap[r]) < gen_when(g->heap[m]))
			m = r;
		if (m == i)
			return;
		tmp = g->heap[i];
		g->heap[i] = g->heap[m];
		g->heap[m] = tmp;
		i = m;
	}
}

static void usage(void)
{
	fputs("usage: gen [-b] [-n PACKETS] [-s SEED] [-c CONCURRENT] "
	    "[-S SNAPLEN] [-o FILE]\n", stderr);
	exit(2);
}

static unsigned long long gen_arg(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	unsigned long long npkts = 1000000, seed = 1, conc = 2000;
	unsigned long long snaplen = 128;
	const char *path = NULL;
	bool bulk = false;
	uint8_t hdr[24] = { 0 }, buf[16 + 14 + 40 + 60 + GEN_MSS];
	struct gen g;
	FILE *out = stdout;
	int opt;

	while ((opt = getopt(argc, argv, "bn:s:c:S:o:")) != -1) {
		switch (opt) {
		case 'b': bulk = true; break;
		case 'n': npkts = gen_arg(optarg); break;
		case 's': seed = gen_arg(optarg); break;
		case 'c': conc = gen_arg(optarg); break;
		case 'S': snaplen = gen_arg(optarg); break;
		case 'o': path = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || conc == 0 || snaplen < 128 || snaplen > 65535)
		usage();
	if (path != NULL && (out = fopen(path, "wb")) == NULL) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		return 1;
	}

	gen_le32(hdr, 0xa1b2c3d4);
	hdr[4] = 2;
	hdr[6] = 4;
	gen_le32(hdr + 16, (uint32_t)snaplen);
	gen_le32(hdr + 20, 1);	/* LINKTYPE_ETHERNET */
	fwrite(hdr, 1, sizeof hdr, out);

	g.rng.s = seed;
	g.n = (size_t)conc;
	g.heap = calloc(g.n, sizeof *g.heap);
	if (g.heap == NULL) {
		fputs("gen: out of memory\n", stderr);
		return 1;
	}
	/* The first connections start within a second of each other. */
	for (size_t i = 0; i < g.n; i++) {
		if ((g.heap[i] = calloc(1, sizeof *g.heap[i])) == NULL) {
			fputs("gen: out of memory\n", stderr);
			return 1;
		}
		gen_conn_new(g.heap[i], &g.rng, gen_range(&g.rng, 0, 999999),
		    bulk);
	}
	for (size_t i = g.n / 2 + 1; i-- > 0;)
		gen_down(&g, i);

	for (unsigned long long k = 0; k < npkts; k++) {
		struct gen_conn *c = g.heap[0];
		const struct gen_pkt *p = &c->p[c->next++];
		size_t hlen, wire = gen_packet(c, p, buf + 16, &hlen);
		size_t cap = wire < snaplen ? wire : (size_t)snaplen;
		int64_t ts = (int64_t)GEN_EPOCH * 1000000 + p->t;

		/* Headers, then zeros up to the snap length. */
		if (cap > hlen)
			memset(buf + 16 + hlen, 0, cap - hlen);
		gen_le32(buf, (uint32_t)(ts / 1000000));
		gen_le32(buf + 4, (uint32_t)(ts % 1000000));
		gen_le32(buf + 8, (uint32_t)cap);
		gen_le32(buf + 12, (uint32_t)wire);
		fwrite(buf, 1, 16 + cap, out);
		if (c->next == c->np) {
			/* Its place goes to a new one, soon after. */
			gen_conn_new(c, &g.rng, p->t +
			    gen_range(&g.rng, 0, 2000), bulk);
		}
		gen_down(&g, 0);
	}
	if (fflush(out) != 0 || ferror(out) || (path && fclose(out) != 0)) {
		fprintf(stderr, "gen: write error: %s\n", strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < g.n; i++) {
		free(g.heap[i]->p);
		free(g.heap[i]);
	}
	free(g.heap);
	return 0;
}
