/*
 * ui_practice.h: the interactive practice screens, the way into
 * src/ui/practice.c.  Nothing here needs curses, so the command line
 * (practice_cli.c) can include it.
 *
 * A session goes question by question: a lesson's question shows its
 * diagram up to the moment asked about; the learner picks a choice (or,
 * for an open question, reveals the model answer and says whether they
 * knew it); the screen says right or wrong with the explanation and
 * plays on to show it.  A key plays the whole lesson a question is
 * about ("show me").  At the end: the score and a review of the
 * mistakes.  In teacher mode (the projector theme) nothing is scored: a
 * key reveals the answer and plays it.
 */
#ifndef UI_PRACTICE_H
#define UI_PRACTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "practice.h"
#include "profile.h"
#include "scenario.h"

/* A lesson as played for the questions, to play it again on request. */
struct ui_practice_lesson {
	const struct scenario *sc;
	const struct profile *prof;
	uint64_t seed;
};

struct ui_practice_opts {
	struct practice_session *session;	/* answers are recorded in it */
	const struct ui_practice_lesson *lessons;
	size_t nlessons;
	int lang;			/* 0 English, 1 Chinese */
	int theme;			/* enum ui_theme; teacher: projector */
	bool teacher;
	const char *notice;		/* one line to show first, or NULL */
};

/*
 * Run the session until its end or until the learner quits.  Returns
 * the exit status as ui_run() does: 0, 1 if the terminal cannot be
 * used (said on stderr), 128 + n after signal n.
 */
int ui_practice_run(const struct ui_practice_opts *o);

#endif
