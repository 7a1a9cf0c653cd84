/*
 * savefile.h: writing a file so that an interrupted run never leaves
 * half a file under its name: the data goes to a temporary file next to
 * it, made durable and renamed into place only when complete.  What
 * exists and is not a regular file (/dev/null, a FIFO, /dev/stdout) is
 * written directly: renaming over it would replace the device.
 *
 * Order: savefile_open(); write to the FILE and close it with whatever
 * owns it (fclose, pcap_dump_close); then savefile_commit() if all went
 * well, else savefile_abort().
 */
#ifndef SAVEFILE_H
#define SAVEFILE_H

#include <stddef.h>
#include <stdio.h>

struct savefile {
	char *path;
	char *tmp;		/* NULL when writing the target directly */
	int fd;			/* a duplicate, to sync after the FILE closes */
};

/* A FILE to write, or NULL and err ("path: reason"). */
FILE *savefile_open(struct savefile *sf, const char *path, char *err,
    size_t errlen);

/* Sync and rename into place; -1 and err on failure (the temporary file
 * is removed). */
int savefile_commit(struct savefile *sf, char *err, size_t errlen);

/* Remove the temporary file and forget it. */
void savefile_abort(struct savefile *sf);

#endif
