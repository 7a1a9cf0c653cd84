/*
 * savefile.c: see savefile.h.  The temporary name is the target's plus
 * ".tmp-XXXXXX", in the same directory so that rename() is atomic.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "savefile.h"

static void savefile_free(struct savefile *sf)
{
	if (sf->fd >= 0)
		close(sf->fd);
	free(sf->path);
	free(sf->tmp);
	sf->path = sf->tmp = NULL;
	sf->fd = -1;
}

FILE *savefile_open(struct savefile *sf, const char *path, char *err,
    size_t errlen)
{
	struct stat st;
	FILE *f = NULL;
	int fd;

	sf->path = strdup(path);
	sf->tmp = NULL;
	sf->fd = -1;
	if (sf->path == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return NULL;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	} else {
		size_t n = strlen(path) + sizeof ".tmp-XXXXXX";
		sf->tmp = malloc(n);
		if (sf->tmp == NULL) {
			snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
			savefile_free(sf);
			return NULL;
		}
		snprintf(sf->tmp, n, "%s.tmp-XXXXXX", path);
		fd = mkstemp(sf->tmp);
		if (fd < 0) {
			free(sf->tmp);
			sf->tmp = NULL;
		} else {
			/* What open() would have made (0666 less the umask), not
			 * mkstemp()'s 0600. */
			mode_t mask = umask(0);
			umask(mask);
			fchmod(fd, 0666 & ~mask);
		}
	}
	if (fd < 0 || (sf->fd = dup(fd)) < 0 || (f = fdopen(fd, "wb")) == NULL) {
		int saved = errno;
		if (fd >= 0 && f == NULL)
			close(fd);
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		savefile_abort(sf);
		return NULL;
	}
	return f;
}

int savefile_commit(struct savefile *sf, char *err, size_t errlen)
{
	if (sf->tmp != NULL && (fsync(sf->fd) < 0 || rename(sf->tmp, sf->path) < 0)) {
		snprintf(err, errlen, "%s: %s", sf->path, strerror(errno));
		savefile_abort(sf);
		return -1;
	}
	savefile_free(sf);
	return 0;
}

void savefile_abort(struct savefile *sf)
{
	if (sf->tmp != NULL)
		unlink(sf->tmp);
	savefile_free(sf);
}
