/*
 * fuzz/replay.c: runs saved inputs through one fuzz target without
 * libFuzzer, so that `make check` (tests/fuzz_replay.sh) replays the
 * regression corpus with the ordinary compiler, and a crash once found
 * stays fixed.  Linked with one target's LLVMFuzzerTestOneInput().
 *
 *	replay-TARGET FILE|DIR...
 *
 * A directory means every file in it, in name order.  Each input's name
 * is printed before it runs, so the last name printed is the one that
 * crashed.  Exit 0 when all ran, 1 when one could not be read; a crash
 * is the target's own (abort, a sanitizer, a signal).
 */
#define _POSIX_C_SOURCE 200809L	/* scandir() and fileno() */

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read path whole into a buffer of exactly its size, as libFuzzer hands
 * inputs over (a read past the end is then a sanitizer error). */
static int replay_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	size_t n;
	FILE *f;

	printf("replay: %s\n", path);
	fflush(stdout);
	f = fopen(path, "rb");
	if (f == NULL || fstat(fileno(f), &st) < 0 || st.st_size < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (buf == NULL) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	if (n != (size_t)st.st_size || ferror(f)) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

/* Hidden files are no inputs (libFuzzer never writes any). */
static int replay_visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int replay_dir(const char *dir, int *count)
{
	struct dirent **list;
	int n, status = 0;

	n = scandir(dir, &list, replay_visible, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		size_t len = strlen(dir) + strlen(list[i]->d_name) + 2;
		char *path = malloc(len);
		struct stat st;

		if (path == NULL) {
			fprintf(stderr, "replay: out of memory\n");
			status = -1;
		} else {
			snprintf(path, len, "%s/%s", dir, list[i]->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				if (replay_file(path) < 0)
					status = -1;
				else
					++*count;
			}
			free(path);
		}
		free(list[i]);
	}
	free(list);
	return status;
}

int main(int argc, char **argv)
{
	int status = 0, count = 0;
	struct stat st;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) < 0)
				status = 1;
		} else if (replay_file(argv[i]) < 0) {
			status = 1;
		} else {
			count++;
		}
	}
	printf("replay: %d inputs ran\n", count);
	return status;
}
