/*
 * fuzz/bank.c: libFuzzer target for the concept bank (bank.h).
 *
 * Input: the text of a bank file.  When it parses, every question is
 * looked up again by id and by its first topic, and the `show` check
 * runs against a list of scenarios that knows some ids and not others.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "tv_error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A scenario "exists" unless its id starts with 'x': both answers. */
static bool fz_exists(const char *id, void *ctx)
{
	(void)ctx;
	return id[0] != 'x';
}

static void fz_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "bank: broken promise: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tv_error err;
	struct bank b;

	/* libFuzzer's buffer holds exactly the input: ASan sees a read past
	 * the end of the text.  On failure b is empty (bank.h). */
	if (bank_parse(&b, "fuzz", (const char *)data, size, &err) < 0)
		return 0;
	(void)bank_check_shows(&b, fz_exists, NULL, &err);
	for (size_t i = 0; i < b.nq; i++) {
		const struct bank_question *q = &b.q[i];
		char tag[64];
		size_t n;

		fz_check(bank_find(&b, q->id) != NULL, "bank_find finds it");
		fz_check(q->nwrong >= 0 && q->nwrong <= BANK_MAX_WRONG,
		    "nwrong");
		if (q->topics != NULL) {
			n = strcspn(q->topics, " ");
			if (n < sizeof tag) {
				memcpy(tag, q->topics, n);
				tag[n] = '\0';
				fz_check(bank_has_tag(q->topics, tag),
				    "its first topic is a tag of it");
			}
		}
	}
	bank_free(&b);
	return 0;
}
