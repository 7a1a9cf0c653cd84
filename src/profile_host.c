/*
 * profile_host.c: the "host" profile reads the running kernel's TCP
 * settings from /proc/sys/net/ipv4.  Kept apart from profile.c because
 * it is the only part of the profile module that does I/O.
 */
#include <stdio.h>
#include <stdlib.h>

#include "profile.h"

#define SEC 1000000LL

static int read_long(const char *dir, const char *name, long *out)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[64];
	char *end;
	int ok = fgets(line, sizeof line, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	long v = strtol(line, &end, 10);
	if (end == line || (*end != '\n' && *end != '\0'))
		return -1;
	*out = v;
	return 0;
}

int profile_load_host(struct profile *p, const char *procdir)
{
	static const struct {
		const char *file;
		char kind;	/* 'i' int field, 's' seconds field */
		size_t off;
		long min, max;
	} map[] = {
#define F(field) offsetof(struct profile, field)
		{ "tcp_syn_retries", 'i', F(syn_retries), 1, 127 },
		{ "tcp_syn_linear_timeouts", 'i', F(syn_linear_timeouts), 0, 127 },
		{ "tcp_synack_retries", 'i', F(synack_retries), 0, 127 },
		{ "tcp_retries2", 'i', F(retries2), 0, 127 },
		{ "tcp_fin_timeout", 's', F(fin_timeout), 0, 1 << 24 },
		{ "tcp_keepalive_time", 's', F(keepalive_time), 1, 1 << 24 },
		{ "tcp_keepalive_intvl", 's', F(keepalive_intvl), 1, 1 << 24 },
		{ "tcp_keepalive_probes", 'i', F(keepalive_probes), 1, 127 },
		{ "tcp_syncookies", 'i', F(syncookies), 0, 2 },
		{ "tcp_max_syn_backlog", 'i', F(max_syn_backlog), 1, 1 << 24 },
#undef F
	};
	int n = 0;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		long v;
		if (read_long(procdir, map[i].file, &v) < 0 || v < map[i].min ||
		    v > map[i].max)
			continue;
		char *field = (char *)p + map[i].off;
		if (map[i].kind == 'i')
			*(int *)(void *)field = (int)v;
		else
			*(int64_t *)(void *)field = (int64_t)v * SEC;
		n++;
	}
	/* tcp_orphan_retries=0 means 8, as in Linux's tcp_orphan_retries(). */
	long orphan;
	if (read_long(procdir, "tcp_orphan_retries", &orphan) == 0 && orphan >= 0 &&
	    orphan <= 127) {
		p->orphan_retries = orphan ? (int)orphan : 8;
		n++;
	}
	return n;
}
