/*
 * profile.c: the textbook and linux profiles, and "key=value" overrides.
 *
 * Values come from the shared reference's "Timer and queue profiles"
 * table; where it is silent, from the RFC (textbook) or Linux 6.x
 * defaults (linux).  One table of keys drives parsing, printing and the
 * help text, so a new knob is one line.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "profile.h"
#include "units.h"

#define SEC 1000000LL
#define MS 1000LL

static const struct profile textbook = {
	.name = "textbook",
	.rto_initial = 1 * SEC,
	.rto_min = 1 * SEC,		/* RFC 6298 2.4: RTO never below 1 s */
	.rto_max = 60 * SEC,		/* RFC 6298 2.5: at least 60 s */
	.rto_linux = false,
	.drop_unsent_ack = false,
	.syn_retries = 5,		/* SYNs at 0,1,3,7,15,31 s; fail at 63 s */
	.syn_linear_timeouts = 0,
	.synack_retries = 5,
	.retries2 = 12,			/* BSD's TCP_MAXRXTSHIFT */
	.orphan_retries = 12,
	.msl = 120 * SEC,		/* RFC 9293: MSL 2 minutes */
	.fin_timeout = 0,		/* the RFC has no FIN_WAIT_2 timer */
	.keepalive_time = 7200 * SEC,
	.keepalive_intvl = 75 * SEC,
	.keepalive_probes = 10,
	.delack = 0,			/* drawn as in the books: ACK at once */
	.quickack = 0,
	.syncookies = 0,
	.max_syn_backlog = 128,
	.somaxconn = 128,
	.rfc1337 = false,		/* RFC 9293: RST in TIME-WAIT closes */
	.handshake = 3,
	.fastopen = 0,			/* RFC 7413 is an experiment, not the book */
	.mss = 1460,
	.rcv_wnd = 65535,
	.wscale = -1,
	.sack_perm = false,
	.timestamps = false,
	.delay = { 50 * MS, 50 * MS },
};

static const struct profile linux_defaults = {
	.name = "linux",
	.rto_initial = 1 * SEC,		/* TCP_TIMEOUT_INIT */
	.rto_min = 200 * MS,		/* TCP_RTO_MIN */
	.rto_max = 120 * SEC,		/* TCP_RTO_MAX */
	.rto_linux = true,
	.drop_unsent_ack = true,	/* tcp_ack(): TCP_ACK_UNSENT_DATA */
	.syn_retries = 6,		/* with 4 linear timeouts: fail at 131 s */
	.syn_linear_timeouts = 4,
	.synack_retries = 5,
	.retries2 = 15,
	.orphan_retries = 8,		/* tcp_orphan_retries=0 means 8 */
	.msl = 30 * SEC,		/* TIME_WAIT is a fixed 60 s: TCP_TIMEWAIT_LEN */
	.fin_timeout = 60 * SEC,
	.keepalive_time = 7200 * SEC,
	.keepalive_intvl = 75 * SEC,
	.keepalive_probes = 9,
	.delack = 40 * MS,		/* TCP_DELACK_MIN */
	.quickack = 16,			/* TCP_MAX_QUICKACKS */
	.syncookies = 1,
	.max_syn_backlog = 4096,
	.somaxconn = 4096,
	.rfc1337 = false,
	.handshake = 3,
	.fastopen = 1,			/* clients may, servers must opt in */
	.mss = 1460,
	.rcv_wnd = 64240,
	.wscale = 7,
	.sack_perm = true,
	.timestamps = true,		/* tcp_timestamps=1 */
	.delay = { 50 * MS, 50 * MS },
};

enum key_type { K_TIME, K_INT, K_BOOL, K_U16, K_U32, K_DELAY };

static const struct key {
	const char *name;
	enum key_type type;
	size_t off;
	long min, max;
	const char *help;
} keys[] = {
#define F(field) offsetof(struct profile, field)
	{ "rto_initial", K_TIME, F(rto_initial), 1000, 0, N_("first retransmission timeout") },
	{ "rto_min", K_TIME, F(rto_min), 1000, 0, N_("smallest retransmission timeout") },
	{ "rto_max", K_TIME, F(rto_max), 1000, 0, N_("largest retransmission timeout") },
	{ "syn_retries", K_INT, F(syn_retries), 0, 127, N_("connect() gives up after (2^(n+1) - 1) x rto_initial (n SYN retries)") },
	{ "syn_linear_timeouts", K_INT, F(syn_linear_timeouts), 0, 127, N_("SYN timeouts before the backoff doubles") },
	{ "synack_retries", K_INT, F(synack_retries), 0, 127, N_("SYN-ACK retransmissions before the half-open entry is dropped") },
	{ "retries2", K_INT, F(retries2), 0, 127, N_("data and FIN retransmissions before giving up") },
	{ "orphan_retries", K_INT, F(orphan_retries), 0, 127, N_("the same for a socket already closed") },
	{ "msl", K_TIME, F(msl), 0, 0, N_("maximum segment lifetime; TIME_WAIT lasts 2*msl") },
	{ "fin_timeout", K_TIME, F(fin_timeout), 0, 0, N_("FIN_WAIT_2 timeout of a closed socket (0: none)") },
	{ "keepalive_time", K_TIME, F(keepalive_time), 0, 0, N_("idle time before the first keepalive probe") },
	{ "keepalive_intvl", K_TIME, F(keepalive_intvl), 0, 0, N_("time between keepalive probes") },
	{ "keepalive_probes", K_INT, F(keepalive_probes), 1, 127, N_("unanswered probes before the connection is dropped") },
	{ "delack", K_TIME, F(delack), 0, 0, N_("delayed ACK timeout (0: acknowledge at once)") },
	{ "quickack", K_INT, F(quickack), 0, 1000, N_("first data segments acknowledged at once") },
	{ "syncookies", K_INT, F(syncookies), 0, 2, N_("0 off, 1 when the SYN queue is full, 2 always") },
	{ "max_syn_backlog", K_INT, F(max_syn_backlog), 1, 1 << 20, N_("most half-open connections per listener") },
	{ "somaxconn", K_INT, F(somaxconn), 1, 1 << 20, N_("largest accept backlog") },
	{ "rfc1337", K_BOOL, F(rfc1337), 0, 1, N_("1: a RST does not end TIME_WAIT") },
	{ "handshake", K_INT, F(handshake), 2, 3, N_("3; 2 = what if a SYN alone opened a connection") },
	{ "fastopen", K_INT, F(fastopen), 0, 3, N_("TCP Fast Open: 1 client, 2 server, 3 both") },
	{ "mss", K_U16, F(mss), 88, 65495, N_("maximum segment size announced in the SYN") },
	{ "rcv_wnd", K_U32, F(rcv_wnd), 1, 1 << 30, N_("receive window, bytes") },
	{ "wscale", K_INT, F(wscale), -1, 14, N_("window scale shift (-1: no option)") },
	{ "sack_perm", K_BOOL, F(sack_perm), 0, 1, N_("announce SACK-permitted") },
	{ "timestamps", K_BOOL, F(timestamps), 0, 1, N_("RFC 7323 timestamps (RTT samples even after a retransmission)") },
	{ "delay", K_DELAY, 0, 0, PROFILE_DELAY_MAX, N_("one-way network delay, both directions") },
	{ "delay_c2s", K_TIME, F(delay[0]), 0, PROFILE_DELAY_MAX, N_("one-way delay client to server") },
	{ "delay_s2c", K_TIME, F(delay[1]), 0, PROFILE_DELAY_MAX, N_("one-way delay server to client") },
#undef F
};

#define NKEYS (int)(sizeof keys / sizeof keys[0])

int profile_init(struct profile *p, const char *name, struct tv_error *err)
{
	if (strcmp(name, "textbook") == 0) {
		*p = textbook;
	} else if (strcmp(name, "linux") == 0) {
		*p = linux_defaults;
	} else if (strcmp(name, "host") == 0) {
		*p = linux_defaults;
		strcpy(p->name, "host");
	} else {
		tv_error_set(err, "unknown profile '%s' (textbook, linux, host)", name);
		return -1;
	}
	return 0;
}

int profile_nkeys(void)
{
	return NKEYS;
}

const char *profile_key_name(int i)
{
	return i >= 0 && i < NKEYS ? keys[i].name : NULL;
}

const char *profile_key_help(int i)
{
	return i >= 0 && i < NKEYS ? keys[i].help : NULL;
}

static const struct key *key_find(const char *name, size_t len)
{
	for (int i = 0; i < NKEYS; i++)
		if (strlen(keys[i].name) == len && memcmp(keys[i].name, name, len) == 0)
			return &keys[i];
	return NULL;
}

static int parse_long(const char *s, long *out)
{
	char *end;
	if (*s == '\0')
		return -1;
	long v = strtol(s, &end, 10);
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

int profile_set(struct profile *p, const char *assignment, struct tv_error *err)
{
	const char *eq = strchr(assignment, '=');
	if (!eq) {
		tv_error_set(err, "expected KEY=VALUE, got '%s'", assignment);
		return -1;
	}
	const struct key *k = key_find(assignment, (size_t)(eq - assignment));
	if (!k) {
		tv_error_set(err, "unknown setting '%.*s' (see tcpviz --help)",
		    (int)(eq - assignment), assignment);
		return -1;
	}
	const char *val = eq + 1;
	char *field = (char *)p + k->off;
	int64_t us;
	long v;

	switch (k->type) {
	case K_TIME:
	case K_DELAY:
		if (units_parse_time(val, &us, NULL) != UNITS_OK) {
			tv_error_set(err, "%s: expected a time like 1.5 or 200ms, got '%s'",
			    k->name, val);
			return -1;
		}
		/* A timer of 0 would fire again at the same instant forever. */
		if (us < k->min) {
			tv_error_set(err, "%s: at least 0.001 s, got '%s'", k->name, val);
			return -1;
		}
		/* Only delays have a most (PROFILE_DELAY_MAX). */
		if (k->max > 0 && us > k->max) {
			char most[32];

			tv_error_set(err, "%s: at most %s s, got '%s'", k->name,
			    units_format_time(k->max, most, sizeof most), val);
			return -1;
		}
		if (k->type == K_DELAY)
			p->delay[0] = p->delay[1] = us;
		else
			memcpy(field, &us, sizeof us);
		return 0;
	default:
		if (parse_long(val, &v) < 0 || v < k->min || v > k->max) {
			tv_error_set(err, "%s: expected a whole number from %ld to %ld, got '%s'",
			    k->name, k->min, k->max, val);
			return -1;
		}
		break;
	}
	switch (k->type) {
	case K_INT:
		*(int *)(void *)field = (int)v;
		break;
	case K_BOOL:
		*(bool *)(void *)field = v != 0;
		break;
	case K_U16:
		*(uint16_t *)(void *)field = (uint16_t)v;
		break;
	case K_U32:
		*(uint32_t *)(void *)field = (uint32_t)v;
		break;
	default:
		break;
	}
	return 0;
}

const char *profile_get(const struct profile *p, const char *key, char *buf, int len)
{
	const struct key *k = key_find(key, strlen(key));
	if (!k)
		return NULL;
	const char *field = (const char *)p + k->off;
	int64_t us;
	switch (k->type) {
	case K_DELAY:
		return units_format_time(p->delay[0], buf, (size_t)len);
	case K_TIME:
		memcpy(&us, field, sizeof us);
		return units_format_time(us, buf, (size_t)len);
	case K_INT:
		snprintf(buf, (size_t)len, "%d", *(const int *)(const void *)field);
		break;
	case K_BOOL:
		snprintf(buf, (size_t)len, "%d", *(const bool *)(const void *)field);
		break;
	case K_U16:
		snprintf(buf, (size_t)len, "%u", *(const uint16_t *)(const void *)field);
		break;
	case K_U32:
		snprintf(buf, (size_t)len, "%u", *(const uint32_t *)(const void *)field);
		break;
	}
	return buf;
}
