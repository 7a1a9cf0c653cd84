/*
 * capture.c: libpcap -> decode -> conntrack, for capture.h.  Files and
 * devices are read the same way, one packet at a time with
 * pcap_next_ex(), so that damage in a file is seen at the packet where
 * it starts.  Live capture drops root right after the device is open,
 * as tcpdump -Z does.  Saving chosen packets reads them again from
 * where they came (the file, or a watched device's spool) rather than
 * keeping every packet's bytes in memory.
 */
/* setgroups() and the BSD types that pcap.h uses (the program's flags
 * may already ask for them, for curses). */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap.h>

#include "capture.h"
#include "savefile.h"

/* As tcpdump: enough for any packet of any link. */
#define CAP_SNAPLEN 262144
#define CAP_TIMEOUT_MS 100
/*
 * Immediate mode makes Linux's libpcap use fixed ring frames as large as
 * the snap length (or the MTU): libpcap's default 2 MB would hold only
 * 8 packets on "any" and drop the rest of a burst.
 */
#define CAP_BUFFER (32 << 20)
/* A file's stdio buffer: libpcap's own fopen() gets the default 4 KB, a
 * system call every few dozen packets, which a big file notices. */
#define CAP_FILE_BUFFER (256 << 10)
#define CAP_PCAP_FILE_HEADER 24
#define CAP_PCAP_RECORD_HEADER 16

struct capture {
	pcap_t *p;
	int linktype;
	bool live;
	bool pcapng;
	const char *name;	/* for messages: the file or the device */
	const char *file;	/* -r, to read again for capture_save() */
	const char *filter;
	struct conntrack *ct;
	uint64_t count;
	/* Where the next record starts: a classic pcap file's records are
	 * counted here (that works on a pipe too); pcapng asks ftell(). */
	long long pos;
	pcap_dumper_t *dump;
	struct savefile save;	/* -w */
	char *filebuf;		/* the file's stdio buffer (cap_open_file()) */
	/* capture_watch(): every packet read, for capture_save(). */
	pcap_dumper_t *spool;
	bool over;		/* capture_poll() has nothing more to give */
	/* -r: the file as it was read, so that capture_save() reads the
	 * same one again; not a regular file: never again. */
	bool file_again;
	struct stat file_st;
	struct capture_report rep;
};

/* The handle that SIGINT and SIGTERM stop, while capture_run() runs. */
static pcap_t *volatile cap_running;

static void cap_on_signal(int sig)
{
	(void)sig;
	if (cap_running != NULL)
		pcap_breakloop(cap_running);
}

/* Become `user` if running as root; with capabilities alone there is
 * nothing to drop. */
static int cap_drop_root(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		snprintf(err, errlen, "cannot drop privileges: no user '%s' "
		    "(choose one with -Z)", user);
		return -1;
	}
	if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		snprintf(err, errlen, "cannot become user '%s': %s", user,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int cap_open_live(struct capture *c, const struct capture_opts *o,
    char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	int rc;

	c->p = pcap_create(o->device, ebuf);
	if (c->p == NULL) {
		snprintf(err, errlen, "%s: %s", o->device, ebuf);
		return -1;
	}
	pcap_set_snaplen(c->p, CAP_SNAPLEN);
	pcap_set_promisc(c->p, o->promisc);
	pcap_set_immediate_mode(c->p, 1);
	pcap_set_timeout(c->p, CAP_TIMEOUT_MS);
	pcap_set_buffer_size(c->p, CAP_BUFFER);
	rc = pcap_activate(c->p);
	if (rc < 0) {
		const char *status = pcap_statustostr(rc);
		const char *detail = pcap_geterr(c->p);

		if (strcmp(detail, status) == 0)
			detail = "";

		snprintf(err, errlen, "%s: %s%s%s%s", o->device,
		    status, *detail ? " (" : "", detail,
		    *detail ? ")" : "");
		if (rc == PCAP_ERROR_PERM_DENIED) {
			size_t n = strlen(err);

			snprintf(err + n, errlen - n,
			    "; capturing needs root or CAP_NET_RAW");
		}
		return -1;
	}
	c->live = true;
	return cap_drop_root(o->user ? o->user : "nobody", err, errlen);
}

static int cap_set_filter(struct capture *c, const struct capture_opts *o,
    char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	bpf_u_int32 net, mask = PCAP_NETMASK_UNKNOWN;
	struct bpf_program prog;

	/* The netmask only matters to "ip broadcast". */
	if (c->live && pcap_lookupnet(o->device, &net, &mask, ebuf) < 0)
		mask = PCAP_NETMASK_UNKNOWN;
	if (pcap_compile(c->p, &prog, o->filter, 1, mask) < 0) {
		snprintf(err, errlen, "bad filter '%s': %s", o->filter,
		    pcap_geterr(c->p));
		return -1;
	}
	if (pcap_setfilter(c->p, &prog) < 0) {
		snprintf(err, errlen, "cannot set the filter: %s",
		    pcap_geterr(c->p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

/* -w: see savefile.h; opened after root is dropped, as tcpdump does. */
static int cap_save_open(struct capture *c, const char *path, char *err,
    size_t errlen)
{
	FILE *f = savefile_open(&c->save, path, err, errlen);

	if (f == NULL)
		return -1;
	if ((c->dump = pcap_dump_fopen(c->p, f)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(c->p));
		fclose(f);
		savefile_abort(&c->save);
		return -1;
	}
	return 0;
}

/* Free everything; the temporary -w file goes unless it was renamed. */
static void cap_free(struct capture *c)
{
	if (c->dump != NULL) {
		pcap_dump_close(c->dump);
		savefile_abort(&c->save);
	}
	if (c->spool != NULL)
		pcap_dump_close(c->spool);
	if (c->p != NULL)
		pcap_close(c->p);
	free(c->filebuf);
	free(c);
}

/*
 * A file (or "-", which stays libpcap's) with a large buffer, which
 * c->filebuf keeps until pcap_close() has closed the stream.  (glibc's
 * setvbuf() takes no size without a buffer.)
 */
static pcap_t *cap_open_file(struct capture *c, const char *path, char *ebuf)
{
	FILE *f;
	pcap_t *p;

	if (strcmp(path, "-") == 0)
		return pcap_open_offline(path, ebuf);
	if ((f = fopen(path, "rb")) == NULL) {
		/* Worded as libpcap words it. */
		snprintf(ebuf, PCAP_ERRBUF_SIZE, "%s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if ((c->filebuf = malloc(CAP_FILE_BUFFER)) != NULL)
		setvbuf(f, c->filebuf, _IOFBF, CAP_FILE_BUFFER);
	/* On failure the stream stays ours to close. */
	if ((p = pcap_fopen_offline(f, ebuf)) == NULL)
		fclose(f);
	return p;
}

struct capture *capture_open(const struct capture_opts *o,
    struct conntrack *ct, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = calloc(1, sizeof *c);

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->ct = ct;
	c->count = o->count;
	c->file = o->file;
	c->filter = o->filter;
	if (o->file != NULL) {
		c->name = strcmp(o->file, "-") == 0 ? "standard input" : o->file;
		c->p = cap_open_file(c, o->file, ebuf);
		if (c->p == NULL) {
			/* libpcap names the file itself when fopen() fails. */
			bool named = strncmp(ebuf, o->file, strlen(o->file)) == 0;

			snprintf(err, errlen, "%s%s%s", named ? "" : c->name,
			    named ? "" : ": ", ebuf);
			goto fail;
		}
		/* libpcap says 1.0 for pcapng, 2.4 for classic pcap. */
		c->pcapng = pcap_major_version(c->p) != 2;
		c->file_again = fstat(fileno(pcap_file(c->p)), &c->file_st) == 0 &&
		    S_ISREG(c->file_st.st_mode);
		c->pos = c->pcapng ? ftell(pcap_file(c->p)) :
		    CAP_PCAP_FILE_HEADER;
	} else {
		c->name = o->device;
		if (cap_open_live(c, o, err, errlen) < 0)
			goto fail;
	}
	c->linktype = pcap_datalink(c->p);
	if (!decode_link_supported(c->linktype)) {
		const char *lt = pcap_datalink_val_to_name(c->linktype);

		snprintf(err, errlen, "%s: link type %s (%d) is not supported",
		    c->name, lt ? lt : "unknown", c->linktype);
		goto fail;
	}
	if (o->filter != NULL && cap_set_filter(c, o, err, errlen) < 0)
		goto fail;
	if (o->save != NULL && cap_save_open(c, o->save, err, errlen) < 0)
		goto fail;
	return c;
fail:
	cap_free(c);
	return NULL;
}

/*
 * Microseconds.  A damaged file may claim any time at all; seconds are
 * held within 2^42 (139,000 years) so that no sum or difference of two
 * times overflows.
 */
static int64_t cap_time(const struct pcap_pkthdr *h)
{
	const int64_t max = (int64_t)1 << 42;
	int64_t sec = h->ts.tv_sec;

	sec = sec > max ? max : sec < -max ? -max : sec;
	return sec * 1000000 + h->ts.tv_usec;
}

static void cap_packet(struct capture *c, const struct pcap_pkthdr *h,
    const u_char *data)
{
	struct decode_result r;

	switch (decode_packet(c->linktype, data, h->caplen, h->len, &r)) {
	case DECODE_OK:
		c->rep.tcp++;
		conntrack_add(c->ct, cap_time(h), &r.seg);
		break;
	case DECODE_NOT_TCP:
		break;
	case DECODE_ERROR:
		if (c->rep.bad++ == 0) {
			c->rep.first_bad = c->rep.packets;
			c->rep.bad_err = r.err;
		}
		break;
	}
}

/* One packet read: saved, spooled, decoded, and counted. */
static void cap_take(struct capture *c, const struct pcap_pkthdr *h,
    const u_char *data)
{
	c->rep.packets++;
	if (c->dump != NULL)
		pcap_dump((u_char *)c->dump, h, data);
	if (c->spool != NULL)
		pcap_dump((u_char *)c->spool, h, data);
	cap_packet(c, h, data);
	if (!c->live) {
		c->pos = c->pcapng ? ftell(pcap_file(c->p)) :
		    c->pos + CAP_PCAP_RECORD_HEADER + h->caplen;
	}
}

int capture_run(struct capture *c, char *err, size_t errlen)
{
	struct sigaction sa, old_int, old_term;
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = 1, status = 0;

	/* No SA_RESTART: a blocked read returns and sees the break. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cap_on_signal;
	sigemptyset(&sa.sa_mask);
	cap_running = c->p;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	while (c->count == 0 || c->rep.packets < c->count) {
		rc = pcap_next_ex(c->p, &h, &data);
		if (rc == 0)		/* live: the timeout, nothing came */
			continue;
		if (rc != 1)
			break;
		cap_take(c, h, data);
	}

	cap_running = NULL;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);

	if (rc == PCAP_ERROR && !c->live) {
		c->rep.damaged = true;
		c->rep.damage_off = c->pos;
		snprintf(c->rep.damage, sizeof c->rep.damage, "%s",
		    pcap_geterr(c->p));
	} else if (rc == PCAP_ERROR) {
		snprintf(err, errlen, "%s: %s", c->name, pcap_geterr(c->p));
		status = -1;
	}
	return status;
}

int capture_watch(struct capture *c, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE], path[4096];
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	if (!c->live)
		return 0;
	if (pcap_setnonblock(c->p, 1, ebuf) < 0) {
		snprintf(err, errlen, "%s: %s", c->name, ebuf);
		return -1;
	}
	snprintf(path, sizeof path, "%s/tcpviz-XXXXXX",
	    dir != NULL && *dir ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Unnamed from the start: nothing is left behind, however the
	 * program ends. */
	unlink(path);
	if ((f = fdopen(fd, "w+b")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if ((c->spool = pcap_dump_fopen(c->p, f)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(c->p));
		fclose(f);
		return -1;
	}
	return 0;
}

int capture_fd(const struct capture *c)
{
	return c->live ? pcap_get_selectable_fd(c->p) : -1;
}

long capture_poll(struct capture *c, long max, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	long n = 0;

	while (!c->over && n < max) {
		int rc;

		if (c->count != 0 && c->rep.packets >= c->count) {
			c->over = true;
			break;
		}
		rc = pcap_next_ex(c->p, &h, &data);
		if (rc == 0)
			break;
		if (rc != 1) {
			c->over = true;
			snprintf(c->rep.failed, sizeof c->rep.failed, "%s: %s",
			    c->name, rc == PCAP_ERROR ? pcap_geterr(c->p)
			    : "the capture ended");
			break;
		}
		cap_take(c, h, data);
		n++;
	}
	if (n == 0 && c->over) {
		snprintf(err, errlen, "%s", c->rep.failed);
		return -1;
	}
	return n;
}

/* pcap's counters into the report.  libpcap keeps the totals: asking
 * again does not reset them. */
static void cap_read_stats(struct capture *c)
{
	struct pcap_stat ps;

	if (c->live && pcap_stats(c->p, &ps) == 0) {
		c->rep.has_stats = true;
		c->rep.recv = ps.ps_recv;
		c->rep.drop = ps.ps_drop;
		c->rep.ifdrop = ps.ps_ifdrop;
	}
}

void capture_stats(struct capture *c, struct capture_report *rep)
{
	cap_read_stats(c);
	*rep = c->rep;
}

/* Where capture_save() reads the packets again: the file, or the
 * spool through a descriptor of its own (its own offset). */
static pcap_t *cap_reopen(struct capture *c, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "", path[64];
	struct bpf_program prog;
	struct stat st;
	pcap_t *p;

	if (c->live) {
		if (c->spool == NULL || pcap_dump_flush(c->spool) < 0) {
			snprintf(err, errlen, "%s: the packets were not kept",
			    c->name);
			return NULL;
		}
		snprintf(path, sizeof path, "/proc/self/fd/%d",
		    fileno(pcap_dump_file(c->spool)));
		if ((p = pcap_open_offline(path, ebuf)) == NULL)
			snprintf(err, errlen, "%s: reading the kept packets: %s",
			    c->name, ebuf);
		return p;
	}
	if (!c->file_again) {
		snprintf(err, errlen, "%s cannot be read twice", c->name);
		return NULL;
	}
	if ((p = pcap_open_offline(c->file, ebuf)) == NULL) {
		snprintf(err, errlen, "%s", ebuf);
		return NULL;
	}
	/* The same file, unchanged: else other packets would be counted. */
	if (fstat(fileno(pcap_file(p)), &st) < 0 ||
	    st.st_dev != c->file_st.st_dev || st.st_ino != c->file_st.st_ino ||
	    st.st_size != c->file_st.st_size ||
	    st.st_mtime != c->file_st.st_mtime) {
		snprintf(err, errlen, "%s has changed since it was read",
		    c->file);
		pcap_close(p);
		return NULL;
	}
	/* The same filter, so that the packets come in the same order and
	 * number as the first time. */
	if (c->filter != NULL) {
		int rc = pcap_compile(p, &prog, c->filter, 1,
		    PCAP_NETMASK_UNKNOWN);

		if (rc == 0) {
			rc = pcap_setfilter(p, &prog);
			pcap_freecode(&prog);
		}
		if (rc < 0) {
			snprintf(err, errlen, "%s: %s", c->file, pcap_geterr(p));
			pcap_close(p);
			return NULL;
		}
	}
	return p;
}

int capture_save(struct capture *c, const uint32_t *seg, size_t n,
    const char *path, size_t *saved, char *err, size_t errlen)
{
	struct savefile sf;
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_dumper_t *out;
	pcap_t *in;
	uint64_t read = 0;
	uint32_t k = 0;
	size_t i = 0;
	FILE *f;
	int failed, saved_errno;

	*saved = 0;
	if ((in = cap_reopen(c, err, errlen)) == NULL)
		return -1;
	if ((f = savefile_open(&sf, path, err, errlen)) == NULL) {
		pcap_close(in);
		return -1;
	}
	if ((out = pcap_dump_fopen(in, f)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(in));
		fclose(f);
		savefile_abort(&sf);
		pcap_close(in);
		return -1;
	}
	/* The k-th packet that decodes as TCP was segment k: decoding is
	 * the same pure function as the first time. */
	while (i < n && (c->live || c->count == 0 || read < c->count) &&
	    pcap_next_ex(in, &h, &data) == 1) {
		struct decode_result r;

		read++;
		if (decode_packet(c->linktype, data, h->caplen, h->len, &r) !=
		    DECODE_OK)
			continue;
		k++;
		while (i < n && seg[i] < k)
			i++;
		if (i < n && seg[i] == k) {
			pcap_dump((u_char *)out, h, data);
			(*saved)++;
			i++;
		}
	}
	errno = 0;
	failed = pcap_dump_flush(out) < 0 || ferror(pcap_dump_file(out));
	saved_errno = errno ? errno : EIO;
	pcap_dump_close(out);
	pcap_close(in);
	if (failed || *saved != n) {
		if (failed)
			snprintf(err, errlen, "%s: %s", path, strerror(saved_errno));
		else
			snprintf(err, errlen, "%s: %zu of the %zu packets were not "
			    "found again", c->name, n - *saved, n);
		savefile_abort(&sf);
		return -1;
	}
	return savefile_commit(&sf, err, errlen);
}

/* Finish the -w file and put it in place. */
static int cap_save_close(struct capture *c, char *err, size_t errlen)
{
	FILE *f = pcap_dump_file(c->dump);
	int failed = pcap_dump_flush(c->dump) < 0 || ferror(f);
	int saved = errno;

	pcap_dump_close(c->dump);
	c->dump = NULL;
	if (failed) {
		snprintf(err, errlen, "%s: %s", c->save.path, strerror(saved));
		savefile_abort(&c->save);
		return -1;
	}
	return savefile_commit(&c->save, err, errlen);
}

int capture_close(struct capture *c, struct capture_report *rep, char *err,
    size_t errlen)
{
	int status = 0;

	cap_read_stats(c);
	if (c->dump != NULL)
		status = cap_save_close(c, err, errlen);
	*rep = c->rep;
	cap_free(c);
	return status;
}
