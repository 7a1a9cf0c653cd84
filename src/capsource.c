/*
 * capsource.c: the capture behind the interactive view, for
 * capsource.h.  Live packets are read in batches so that a burst never
 * starves the keyboard; a quiet capture still moves inference's clock,
 * so that a connect() that gave up shows without another packet.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700	/* clock_gettime() */
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capsource.h"
#include "i18n.h"

#define CS_BATCH 4096		/* packets per read, at most */
/* Live: a packet reaches tcpviz this long after its time stamp, at the
 * most; the clock of a quiet capture lags the wall clock by it, so
 * that no packet is stamped before what inference already said. */
#define CS_LATE 1000000		/* us */

static int64_t cs_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cs_pump(void *ctx, char *why, size_t whylen)
{
	struct capsource *cs = ctx;
	size_t nev = cs->tr->nev, nconns = cs->tr->nconns;
	long n = capture_poll(cs->cap, CS_BATCH, why, whylen);

	if (n < 0)
		return -1;
	/* Only once what waited has been read is the capture quiet. */
	if (n < CS_BATCH)
		conntrack_idle(cs->ct, cs_wall_us() - CS_LATE);
	/* Other protocols' packets change nothing to show. */
	return cs->tr->nev != nev || cs->tr->nconns != nconns;
}

static void cs_settle(void *ctx)
{
	struct capsource *cs = ctx;

	infer_finish(cs->inf);
}

static void cs_status(void *ctx, struct ui_capture_status *st)
{
	struct capsource *cs = ctx;
	struct capture_report rep;
	struct conntrack_stats cst;

	capture_stats(cs->cap, &rep);
	conntrack_stats(cs->ct, &cst);
	*st = (struct ui_capture_status){
		.packets = rep.packets, .has_stats = rep.has_stats,
		.drop = rep.drop, .ifdrop = rep.ifdrop,
		.let_go_conns = cst.conns, .let_go_packets = cst.packets,
	};
}

static void cs_pin(void *ctx, int conn)
{
	struct capsource *cs = ctx;

	conntrack_pin(cs->ct, conn);
}

static int cs_pinned(void *ctx)
{
	struct capsource *cs = ctx;

	return conntrack_pinned(cs->ct);
}

/* A name for a new file in the current directory that does not exist
 * yet: STEM-WHAT.pcap, else with -2, -3 ...  -1 and errno when the
 * directory cannot tell (no permission, as -Z's user). */
static int cs_new_name(const struct capsource *cs, const char *what,
    char *path, size_t len)
{
	for (int k = 1; k < 1000; k++) {
		char nth[16] = "";

		if (k > 1)
			snprintf(nth, sizeof nth, "-%d", k);
		if (snprintf(path, len, "%s-%s%s.pcap", cs->stem, what, nth) >=
		    (int)len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (access(path, F_OK) == 0)
			continue;
		return errno == ENOENT ? 0 : -1;
	}
	errno = EEXIST;
	return -1;
}

static int cs_save(void *ctx, const int *conn, size_t n, const char *what,
    char *msg, size_t msglen)
{
	struct capsource *cs = ctx;
	const struct trace *tr = cs->tr;
	bool *want = calloc(tr->nconns + 1, sizeof *want);
	uint32_t *seg = malloc((tr->nsegs ? tr->nsegs : 1) * sizeof *seg);
	char path[4096], err[512];
	size_t nseg = 0, saved;
	int rc = -1;

	if (want == NULL || seg == NULL) {
		snprintf(msg, msglen, "%s", _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (conn[i] > 0 && (size_t)conn[i] <= tr->nconns)
			want[conn[i]] = true;
	/* Segment numbers grow in capture order. */
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];
		if (e->type == TRACE_SEGMENT && e->conn > 0 &&
		    (size_t)e->conn <= tr->nconns && want[e->conn])
			seg[nseg++] = e->n;
	}
	if (cs_new_name(cs, what, path, sizeof path) < 0) {
		snprintf(msg, msglen, _("Not saved: %s-%s.pcap: %s"), cs->stem,
		    what, strerror(errno));
		goto out;
	}
	if (capture_save(cs->cap, seg, nseg, path, &saved, err,
	    sizeof err) < 0) {
		snprintf(msg, msglen, _("Not saved: %s"), err);
		goto out;
	}
	snprintf(msg, msglen, ngettext("Saved %zu packet to %s.",
	    "Saved %zu packets to %s.", (unsigned long)saved), saved, path);
	rc = 0;
out:
	free(want);
	free(seg);
	return rc;
}

void capsource_bind(struct capsource *cs, const char *name, bool live,
    struct ui_capture_source *src)
{
	static const char *const ext[] = { ".pcap", ".pcapng", ".cap" };
	const char *base = strrchr(name, '/');
	size_t n;

	base = base ? base + 1 : name;
	snprintf(cs->stem, sizeof cs->stem, "%s", *base ? base : "capture");
	/* "trace.pcap" saves as "trace-conn3.pcap" (but a device "eth0.100"
	 * keeps its name). */
	n = strlen(cs->stem);
	for (size_t i = 0; !live && i < sizeof ext / sizeof ext[0]; i++) {
		size_t e = strlen(ext[i]);
		if (n > e && strcmp(cs->stem + n - e, ext[i]) == 0)
			cs->stem[n - e] = '\0';
	}
	*src = (struct ui_capture_source){
		.ctx = cs, .fd = live ? capture_fd(cs->cap) : -1,
		.pump = cs_pump, .settle = cs_settle, .status = cs_status,
		.pin = cs_pin, .pinned = cs_pinned, .save = cs_save,
	};
}
