/*
 * bank.h: the concept bank (data/practice/concepts.tcpviz-bank), the
 * interview questions that practice mode asks besides the ones it makes
 * from traces.  Each question has a model answer in English and Chinese,
 * optionally multiple choices, and names the scenario that shows it.
 * Pure: bank_parse() reads text; bank_load() only reads the file.
 *
 * The format is line-oriented like scenario files (textfile.h):
 *
 *	question  why-three-way          # starts a block; id [a-z0-9-]+
 *	kind      concept                # concept (default) | mistake
 *	topics    handshake              # tags, repeatable
 *	show      two-way-handshake      # the scenario that demonstrates it
 *	seed      000:3.3 003:1.1        # seed questions covered, repeatable
 *	ask       Why three segments ... # text lines join into a paragraph
 *	ask.zh    ...
 *	answer    ...
 *	answer.zh ...
 *	right     ...                    # optional choices: one right line,
 *	right.zh  ...                    # 2 to 4 wrong lines, each with its
 *	wrong     ...                    # .zh line (the Nth wrong.zh goes
 *	wrong.zh  ...                    # with the Nth wrong)
 *
 * Order: bank_load() or bank_parse(); bank_check_shows() with the
 * scenarios the caller knows; any lookups; bank_free().
 */
#ifndef BANK_H
#define BANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tv_error.h"

enum bank_kind { BANK_CONCEPT, BANK_MISTAKE, BANK_NKINDS };

#define BANK_MAX_WRONG 4
#define BANK_MIN_WRONG 2

struct bank_question {
	char id[64];
	uint8_t kind;		/* enum bank_kind */
	char *topics;		/* space separated tags */
	char show[64];		/* a scenario id */
	char *seeds;		/* "000:3.3 003:1.1"; NULL if none */
	char *ask[2];		/* [0] English, [1] Chinese: all required */
	char *answer[2];
	char *right[2];		/* NULL when the question has no choices */
	char *wrong[BANK_MAX_WRONG][2];
	int nwrong;
	int line;		/* of its `question` line */
	int show_line, show_col;	/* of the scenario id */
};

struct bank {
	char *file;		/* where it was read from */
	struct bank_question *q;
	size_t nq;
};

void bank_init(struct bank *b);
/* Frees everything and leaves b as bank_init does. */
void bank_free(struct bank *b);

/*
 * Parse a bank.  -1 and err ("file:line:col: ...") on the first
 * mistake; b is then empty.  Both start with bank_init(b).
 */
int bank_parse(struct bank *b, const char *name, const char *text,
    size_t len, struct tv_error *err);
int bank_load(struct bank *b, const char *path, struct tv_error *err);

/*
 * Every `show` names a scenario for which exists(id, ctx) is true; else
 * -1 and err at the first unknown id's file:line:col.
 */
int bank_check_shows(const struct bank *b,
    bool (*exists)(const char *id, void *ctx), void *ctx,
    struct tv_error *err);

/* The question with this id, or NULL. */
const struct bank_question *bank_find(const struct bank *b, const char *id);

/* Whether the space separated list `tags` holds `tag`. */
bool bank_has_tag(const char *tags, const char *tag);

#endif
