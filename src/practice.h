/*
 * practice.h: interview drills, made from traces and the concept bank.
 * Pure: no I/O (progress.h reads and writes the records; the views ask).
 *
 * Two kinds of question:
 *  - predictions, made from a lesson's trace at a moment T: which state
 *    a side is in, what it sends next (flags seq ack), which timer runs
 *    on it and when it fires, whether a segment in flight will be
 *    accepted.  The right answer is read off the trace; the wrong ones
 *    are the classic mistakes (ack = seq instead of seq + 1, a FIN
 *    counted as zero bytes, SYN_RCVD taken for ESTABLISHED ...), and
 *    never equal the right one.  They are asked just before each of the
 *    lesson's checkpoints (whose own open question comes right after its
 *    event) and at random moments;
 *  - concepts and "spot the mistake" questions from the bank (bank.h).
 *
 * A session is N questions of both kinds, chosen by spaced repetition:
 * every question has a record (a Leitner box), a missed one goes back to
 * box 0 and comes again next session, a known one climbs a box and
 * waits longer each time (1, 2, 4, 8, 16 sessions).
 *
 * Generated texts are in the current gettext language (i18n.h); the
 * bank's and the lessons' own texts are picked by `lang` (0 English,
 * 1 Chinese).
 *
 * Order of calls: practice_pool_new(); practice_pool_add_lesson() for
 * each scenario played and practice_pool_add_bank(); with the records of
 * earlier sessions (practice_progress_*, progress.h),
 * practice_session_new(); then for each question practice_answer() (not
 * in teacher mode); practice_session_finish() updates the records;
 * practice_session_free(), practice_pool_free().
 */
#ifndef PRACTICE_H
#define PRACTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bank.h"
#include "rng.h"
#include "scenario.h"
#include "trace.h"

enum practice_kind {
	PK_STATE,		/* which state is SIDE in now? */
	PK_NEXT,		/* what does SIDE send next? */
	PK_TIMER,		/* which timer runs on SIDE, when does it fire? */
	PK_ACCEPT,		/* is this segment accepted? */
	PK_CHECKPOINT,		/* the lesson's own question (open) */
	PK_CONCEPT,		/* from the bank */
	PK_MISTAKE,		/* spot the mistake, from the bank */
	PK_NKINDS
};

/* "state", "next", "timer", "accept", "checkpoint", "concept", "mistake" */
const char *practice_kind_name(int kind);

/* A prediction question about the trace, rather than the bank. */
static inline bool practice_kind_is_prediction(int kind)
{
	return kind <= PK_ACCEPT;
}

#define PRACTICE_MAX_CHOICES 5
#define PRACTICE_ID_MAX 128

struct practice_question {
	char id[PRACTICE_ID_MAX];	/* stable: the key of its record */
	uint8_t kind;		/* enum practice_kind */
	char scenario[64];	/* its lesson, or the one that shows it */
	char *topics;		/* space separated tags */
	/* Predictions and checkpoints: where the lesson stops to ask.  The
	 * events [0, at) have happened; t is the moment on screen. */
	const struct trace *tr;
	size_t at;
	int64_t t;
	int conn;
	uint8_t side;
	long segment;		/* PK_ACCEPT: the event asked about; else -1 */
	char *ask;
	char *choices[PRACTICE_MAX_CHOICES];
	int nchoices;		/* 0: an open question the learner grades */
	int right;		/* index of the right choice */
	char *answer;		/* the right answer and a sentence of why */
};

/*
 * Make one prediction question of `kind` about `side` of connection
 * `conn` of tr, stopped at moment T (everything at or before T has
 * happened).  `lesson` names the scenario (for the id); rng shuffles
 * the choices.  0 and q filled (free it with practice_question_free),
 * or -1 when that question has no single right answer at T (nothing to
 * predict, several timers, an ambiguous arrival).
 */
int practice_predict(const struct trace *tr, const char *lesson, int64_t T,
    int kind, int side, int conn, struct rng *rng,
    struct practice_question *q);

void practice_question_free(struct practice_question *q);

/* ---- The pool: every question a session may choose from ---- */

struct practice_pool;

/* NULL when out of memory. */
struct practice_pool *practice_pool_new(int lang, uint64_t seed);
void practice_pool_free(struct practice_pool *p);

/*
 * Add a lesson's questions: its checkpoints' own questions, predictions
 * just before each checkpoint and at `stops` random moments (the pool's
 * seed picks them), and the prediction questions among `due_ids` (ids
 * from earlier sessions) that belong to this lesson.  sc and tr must
 * outlive the pool.  -1 when out of memory.
 */
int practice_pool_add_lesson(struct practice_pool *p,
    const struct scenario *sc, const struct trace *tr, int stops,
    const char *const *due_ids, size_t ndue);
/* Add every question of the bank, which must outlive the pool. */
int practice_pool_add_bank(struct practice_pool *p, const struct bank *b);

size_t practice_pool_size(const struct practice_pool *p);
const struct practice_question *practice_pool_question(
    const struct practice_pool *p, size_t i);

/* ---- Records of earlier sessions (spaced repetition) ---- */

#define PRACTICE_BOXES 5	/* Leitner boxes 0 .. 4 */

struct practice_record {
	char id[PRACTICE_ID_MAX];
	uint8_t box;		/* 0: missed last time .. 4: known well */
	uint32_t last;		/* the session it was last asked in */
	uint32_t right, wrong;	/* answers over all sessions */
};

struct practice_progress {
	uint32_t sessions;	/* finished sessions */
	struct practice_record *r;
	size_t n, cap;
};

void practice_progress_init(struct practice_progress *pr);
void practice_progress_free(struct practice_progress *pr);
struct practice_record *practice_record_find(
    const struct practice_progress *pr, const char *id);
/* Add or update a record: right climbs a box, wrong goes back to 0.
 * -1 when out of memory. */
int practice_record_answer(struct practice_progress *pr, const char *id,
    bool right, uint32_t session);
/* Sessions to wait after `box` before the question is due again. */
uint32_t practice_box_interval(int box);
/* Due in session `session` (the one about to start)? */
bool practice_record_due(const struct practice_record *r, uint32_t session);

/* ---- Sessions ---- */

#define PRACTICE_DEFAULT_QUESTIONS 10
#define PRACTICE_MAX_QUESTIONS 100

/* What the learner answered: a choice index, or for an open question
 * whether the model answer matched theirs. */
enum { PRACTICE_UNANSWERED = -1, PRACTICE_KNEW = -2, PRACTICE_MISSED = -3 };

struct practice_session {
	const struct practice_question **q;	/* into the pool */
	size_t nq;
	int *given;		/* per question: a choice or PRACTICE_* */
	uint32_t number;	/* which session this is (1 = the first) */
};

/*
 * Choose up to n questions (PRACTICE_DEFAULT_QUESTIONS if 0) about
 * `filter` (a topic or a scenario id; NULL: everything): due ones
 * first (missed ones before known ones), then new ones, then those
 * seen least recently; predictions and concepts alternate while both
 * last.  rng breaks ties.  -1 when out of memory; nq 0 when nothing
 * matches the filter.
 */
int practice_session_new(struct practice_session *s,
    const struct practice_pool *p, const struct practice_progress *pr,
    const char *filter, size_t n, struct rng *rng);
void practice_session_free(struct practice_session *s);

/* Record the answer to question i; true if it is right. */
bool practice_answer(struct practice_session *s, size_t i, int given);
bool practice_is_right(const struct practice_question *q, int given);

/* Right answers, and answered questions, so far. */
void practice_score(const struct practice_session *s, size_t *right,
    size_t *answered);

/*
 * Question `number` as text: for a lesson's question its diagram up to
 * the moment asked about (`width` columns, lang as trace_write_text
 * takes it, without the narration that would give the answer away),
 * then the question and its choices a), b) ...  And its answer: the
 * right choice and the explanation (number 0: no number, only its
 * indent).  0, or -1 on a write error.
 */
int practice_write_question(const struct practice_question *q, FILE *out,
    int width, int lang, size_t number);
int practice_write_answer(const struct practice_question *q, FILE *out,
    int width, size_t number);

/*
 * The session as a printable worksheet: the questions (a lesson's with
 * its diagram so far, `width` columns wide, lang as trace_write_text
 * takes it), then a form feed, "----- answers -----" and the answers
 * with their explanations.  0, or -1 with errno set by stdio.
 */
int practice_write_worksheet(const struct practice_session *s, FILE *out,
    int width, int lang);

/* Write the answered questions into the records and count the session.
 * -1 when out of memory (the records then miss some answers). */
int practice_session_finish(const struct practice_session *s,
    struct practice_progress *pr);

#endif
