/*
 * datadir.c: finds the data directory and the message catalogs at run
 * time (see datadir.h): an environment variable, then the source or
 * build tree when running uninstalled from the build tree, then the
 * installed place.  The compiled-in paths come from Makefile.am as -D
 * flags.
 */
#define _POSIX_C_SOURCE 200809L

#include <sys/stat.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datadir.h"

#ifndef TCPVIZ_DATADIR
#define TCPVIZ_DATADIR "/usr/local/share/tcpviz"
#endif
#ifndef TCPVIZ_SRCDIR
#define TCPVIZ_SRCDIR "."
#endif
#ifndef TCPVIZ_LOCALEDIR
#define TCPVIZ_LOCALEDIR "/usr/local/share/locale"
#endif
#ifndef TCPVIZ_BUILDDIR
#define TCPVIZ_BUILDDIR "."
#endif

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* "dir/sub", or "dir" if sub is NULL, into buf; -1 (and buf "") if it
 * does not fit. */
static int join(char *buf, size_t len, const char *dir, const char *sub)
{
	int n = snprintf(buf, len, "%s%s%s", dir, sub != NULL ? "/" : "",
	    sub != NULL ? sub : "");

	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			buf[0] = '\0';
		return -1;
	}
	return 0;
}

/* Does the running program live in a build tree: is there a
 * config.status next to the directory that holds it? */
static bool in_build_tree(void)
{
	char exe[PATH_MAX];
	char probe[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (n <= 0)
		return false;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return false;
	*slash = '\0';			/* the program's directory */
	if ((slash = strrchr(exe, '/')) == NULL)
		return false;
	slash[1] = '\0';		/* its parent, with the slash */
	snprintf(probe, sizeof probe, "%sconfig.status", exe);
	return access(probe, F_OK) == 0;
}

/*
 * The search both lookups share: $env/sub, else (uninstalled) tree/sub,
 * else installed/sub; sub may be NULL.
 */
static int find_dir(char *buf, size_t len, const char *env_name,
    const char *tree, const char *installed, const char *sub)
{
	const char *env = getenv(env_name);

	if (env != NULL && *env != '\0') {
		if (join(buf, len, env, sub) == -1)
			return -1;
		return is_dir(buf) ? 0 : -1;
	}
	if (in_build_tree()) {
		if (join(buf, len, tree, sub) == 0 && is_dir(buf))
			return 0;
	}
	if (join(buf, len, installed, sub) == -1)
		return -1;
	return is_dir(buf) ? 0 : -1;
}

int datadir_path(char *buf, size_t len, const char *sub)
{
	return find_dir(buf, len, "TCPVIZ_DATADIR", TCPVIZ_SRCDIR "/data",
	    TCPVIZ_DATADIR, sub);
}

int localedir_path(char *buf, size_t len)
{
	return find_dir(buf, len, "TCPVIZ_LOCALEDIR", TCPVIZ_BUILDDIR "/locale",
	    TCPVIZ_LOCALEDIR, NULL);
}
