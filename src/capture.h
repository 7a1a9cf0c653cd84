/*
 * capture.h: packets from libpcap (a pcap or pcapng file, standard
 * input, or a live interface) through decode into conntrack.  The only
 * module that uses libpcap; it is linked into the program, not into the
 * pure library that the tests use.
 *
 * Order of calls: capture_open(), capture_run(), capture_close().  All
 * three return -1 with one line of explanation in `err` (for the command
 * line: a missing device, no permission, a bad filter, a file that is no
 * capture); a file that is damaged part-way is not an error: what came
 * before the damage is kept and the report says where it starts.
 *
 * An interactive view reads a live device as packets come instead:
 * capture_open(), capture_watch(), then capture_poll() whenever
 * capture_fd() is readable (and capture_stats() for pcap's counters),
 * capture_close() at the end.  capture_save() copies chosen packets,
 * as they were captured, from a file read with capture_run() or from a
 * watched device.
 */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conntrack.h"
#include "decode.h"

struct capture_opts {
	const char *file;	/* -r: pcap or pcapng; "-" is standard input */
	const char *device;	/* -i, when there is no file */
	const char *filter;	/* tcpdump's filter syntax; NULL: everything */
	bool promisc;		/* live: promiscuous mode (off by default) */
	const char *user;	/* live as root: become this user; NULL: nobody */
	uint64_t count;		/* stop after this many packets; 0: no limit */
	const char *save;	/* -w: save every packet read here, as pcap */
};

struct capture_report {
	uint64_t packets;	/* read (after the filter) */
	uint64_t tcp;		/* of which decoded into conntrack */
	uint64_t bad;		/* of which could not be decoded */
	uint64_t first_bad;	/* the number (1-based) of the first bad one */
	struct decode_error bad_err;	/* and what was wrong with it */
	/* A damaged or truncated file: libpcap's words and the byte offset
	 * where the damaged record starts (-1 when the input cannot tell,
	 * as a pipe cannot). */
	bool damaged;
	char damage[256];
	long long damage_off;
	/* Live: pcap_stats() at the end. */
	bool has_stats;
	unsigned recv, drop, ifdrop;
	/* Live, read by capture_poll(): the device failed, and why. */
	char failed[256];
};

struct capture;

struct capture *capture_open(const struct capture_opts *o,
    struct conntrack *ct, char *err, size_t errlen);

/*
 * Read until the end of the file, -c packets, damage, or SIGINT/SIGTERM
 * (which stop the capture, not the program; the handlers are restored
 * on return).  -1 only when reading fails otherwise (a live device that
 * goes away).
 */
int capture_run(struct capture *c, char *err, size_t errlen);

/*
 * Live, for a view: reading no longer waits, and every packet read is
 * also kept in an unnamed temporary file (in $TMPDIR, else /tmp) for
 * capture_save().  Files need nothing of this.
 */
int capture_watch(struct capture *c, char *err, size_t errlen);

/* What poll() should watch for packets (capture_watch() done); -1 for a
 * file. */
int capture_fd(const struct capture *c);

/*
 * Read at most `max` of the packets that wait, without waiting.  Returns
 * how many were read, or -1 once the capture is over: the -c count was
 * reached (err empty) or the device failed (err says why).
 */
long capture_poll(struct capture *c, long max, char *err, size_t errlen);

/* pcap's counters so far, in rep's has_stats, recv, drop and ifdrop
 * (live only), and the packets read. */
void capture_stats(struct capture *c, struct capture_report *rep);

/*
 * Save to a new pcap file at `path` (written aside and renamed, as -w)
 * the packets that were the `seg[0..n)`-th segments given to conntrack
 * (trace segment numbers, ascending), as they were captured: the file
 * is read again with the same filter, or the watched device's packets
 * are read back.  *saved says how many were written.  Not for standard
 * input or a pipe, which cannot be read twice, nor for a file that has
 * changed since it was read.
 */
int capture_save(struct capture *c, const uint32_t *seg, size_t n,
    const char *path, size_t *saved, char *err, size_t errlen);

/* Finish the -w file (rename it into place), fill the report, free. */
int capture_close(struct capture *c, struct capture_report *rep, char *err,
    size_t errlen);

#endif
