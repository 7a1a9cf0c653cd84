/*
 * check_practice.c: practice mode.  Every question made from a lesson's
 * trace has exactly one right answer, recomputed here from the trace in
 * a way of the test's own, and no wrong choice equals it; the concept
 * bank parses (and names lessons that exist); progress survives a round
 * trip, a damaged file and a directory that cannot be made; and a
 * missed question comes back before a known one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bank.h"
#include "library.h"
#include "practice.h"
#include "progress.h"
#include "tests.h"
#include "units.h"

#define BANK_FILE "data/practice/concepts.tcpviz-bank"

static const char *srcdir(void)
{
	const char *top = getenv("top_srcdir");

	return top != NULL ? top : ".";
}

/* ---- Every lesson, played once ---- */

struct lessons {
	struct run *runs;
	size_t n;
};

static void lessons_play(struct lessons *l)
{
	char **ids = lesson_ids(&l->n);

	l->runs = calloc(l->n, sizeof *l->runs);
	ck_assert_ptr_nonnull(l->runs);
	for (size_t i = 0; i < l->n; i++)
		run_scenario(&l->runs[i], ids[i], NULL, NULL);
	lesson_ids_free(ids, l->n);
}

static void lessons_free(struct lessons *l)
{
	for (size_t i = 0; i < l->n; i++)
		run_free(&l->runs[i]);
	free(l->runs);
}

/* ---- The test's own reading of a trace, by time ---- */

/* The state a side is in after every event at or before T. */
static int truth_state(const struct trace *tr, int64_t T, int conn, int side)
{
	int st = -1;

	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->type != TRACE_STATE || e->conn != conn || e->side != side)
			continue;
		if (e->t <= T)
			st = e->u.state.to;
		else if (st < 0)
			return e->u.state.from;	/* not yet changed */
	}
	return st < 0 ? TCP_CLOSED : st;
}

/* "F. seq=101 ack=301 len=0" of the first segment the side sends after
 * T, or "" if none. */
static const char *truth_next(const struct trace *tr, int64_t T, int conn,
    int side, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];
		char flags[10];

		if (e->type != TRACE_SEGMENT || e->conn != conn ||
		    e->side != side || e->t <= T ||
		    (e->u.seg.notes & NOTE_FORGED))
			continue;
		snprintf(buf, len, "%s seq=%u", segment_flags_str(e->u.seg.flags,
		    flags), (unsigned)trace_rel_seq(tr, e));
		if (e->u.seg.flags & SEG_ACK)
			snprintf(buf + strlen(buf), len - strlen(buf), " ack=%u",
			    (unsigned)trace_rel_ack(tr, e));
		if (e->u.seg.len > 0)
			snprintf(buf + strlen(buf), len - strlen(buf), " len=%u",
			    (unsigned)e->u.seg.len);
		return buf;
	}
	return buf;
}

/* How many timers run on a side just after T, and the one that does. */
static int truth_timers(const struct trace *tr, int64_t T, int conn,
    int side, int *timer, int64_t *expires)
{
	int64_t exp[TIMER_NKINDS];
	int n = 0;

	for (int k = 0; k < TIMER_NKINDS; k++)
		exp[k] = -1;
	for (size_t i = 0; i < tr->nev && tr->ev[i].t <= T; i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->type == TRACE_TIMER && e->conn == conn && e->side == side)
			exp[e->u.timer.timer] = e->u.timer.action == TIMER_ARMED ?
			    e->u.timer.expires : -1;
	}
	for (int k = 0; k < TIMER_NKINDS; k++)
		if (exp[k] >= 0) {
			n++;
			*timer = k;
			*expires = exp[k];
		}
	return n;
}

/* The English labels practice.c gives timers (tests run untranslated). */
static const char *const timer_words[TIMER_NKINDS] = {
	"retransmission timer", "delayed-ACK timer", "keepalive timer",
	"TIME_WAIT timer (2MSL)", "FIN_WAIT_2 timer",
};

/* What the receiver of segment s did when it arrived, by its own
 * segments of that instant: 'R' a RST, 'D' a repeated or challenge
 * ACK, '.' anything else. */
static char truth_reaction(const struct trace *tr, const struct trace_event *s)
{
	char r = '.';

	for (size_t i = 0; i < tr->nev; i++) {
		const struct trace_event *e = &tr->ev[i];

		if (e->type != TRACE_SEGMENT || e->conn != s->conn ||
		    e->side == s->side || e->t != trace_arrival(s))
			continue;
		if (e->u.seg.flags & SEG_RST)
			return 'R';
		if (e->u.seg.notes & (NOTE_DUP_ACK | NOTE_CHALLENGE_ACK))
			r = 'D';
	}
	return r;
}

/* One generated question: one right answer, the trace's. */
static void check_question(const struct practice_question *q)
{
	const struct trace *tr = q->tr;
	const char *right;
	char buf[160], t[32], want[160];
	int timer = -1;
	int64_t expires = 0;

	ck_assert_msg(q->nchoices >= 3 && q->nchoices <= PRACTICE_MAX_CHOICES,
	    "%s: %d choices", q->id, q->nchoices);
	ck_assert_msg(q->right >= 0 && q->right < q->nchoices, "%s", q->id);
	for (int i = 0; i < q->nchoices; i++)
		for (int j = i + 1; j < q->nchoices; j++)
			ck_assert_msg(strcmp(q->choices[i], q->choices[j]) != 0,
			    "%s: choice '%s' twice", q->id, q->choices[i]);
	ck_assert_msg(q->ask != NULL && q->answer != NULL, "%s", q->id);
	right = q->choices[q->right];
	/* The explanation starts with the answer it explains. */
	if (q->kind != PK_ACCEPT)
		ck_assert_msg(strncmp(q->answer, right, strlen(right)) == 0,
		    "%s: answer '%s' explains '%s'", q->id, q->answer, right);
	ck_assert_uint_gt(q->at, 0);
	ck_assert_msg(tr->ev[q->at - 1].t <= q->t && q->at < tr->nev &&
	    tr->ev[q->at].t > q->t, "%s: not stopped between instants", q->id);
	switch (q->kind) {
	case PK_STATE:
		ck_assert_msg(strcmp(right, tcp_state_name(truth_state(tr, q->t,
		    q->conn, q->side))) == 0, "%s: says %s", q->id, right);
		break;
	case PK_NEXT:
		ck_assert_msg(strcmp(right, truth_next(tr, q->t, q->conn,
		    q->side, buf, sizeof buf)) == 0, "%s: says '%s', the trace "
		    "'%s'", q->id, right, buf);
		break;
	case PK_TIMER:
		if (truth_timers(tr, q->t, q->conn, q->side, &timer,
		    &expires) == 0) {
			ck_assert_msg(strcmp(right, "No timer is running") == 0,
			    "%s: says '%s', no timer runs", q->id, right);
			break;
		}
		ck_assert_int_eq(truth_timers(tr, q->t, q->conn, q->side,
		    &timer, &expires), 1);
		snprintf(want, sizeof want, "%s, fires at %s s",
		    timer_words[timer], units_format_time(expires, t, sizeof t));
		ck_assert_msg(strncmp(right, want, strlen(want)) == 0,
		    "%s: says '%s', the trace '%s'", q->id, right, want);
		break;
	case PK_ACCEPT: {
		const struct trace_event *s = &tr->ev[q->segment];
		char react;

		ck_assert_msg(q->segment >= 0 && (size_t)q->segment < q->at &&
		    s->type == TRACE_SEGMENT && !s->u.seg.lost &&
		    trace_arrival(s) > q->t && s->side != q->side,
		    "%s: not a segment on its way", q->id);
		react = truth_reaction(tr, s);
		if (strcmp(right, "No: the receiver drops it without a word") ==
		    0)
			ck_assert_msg(react == '.' &&
			    (s->u.seg.notes & NOTE_QUEUE_FULL), "%s: silence "
			    "without a full queue", q->id);
		else if (strcmp(right, "No: the receiver answers with a RST") == 0)
			ck_assert_msg(react == 'R', "%s: no RST answered", q->id);
		else if (strcmp(right, "Yes: it is accepted") == 0)
			ck_assert_msg(react == '.', "%s: accepted, but %c",
			    q->id, react);
		else
			ck_assert_msg(react == 'D', "%s: says '%s', but %c",
			    q->id, right, react);
		break;
	}
	default:
		ck_abort_msg("%s: kind %d is not a prediction", q->id, q->kind);
	}
}

START_TEST(predictions_have_one_right_answer)
{
	struct lessons l;
	size_t counted[PK_NKINDS] = { 0 };

	lessons_play(&l);
	for (uint64_t seed = 1; seed <= 12; seed++) {
		struct practice_pool *p = practice_pool_new(0, seed);

		for (size_t i = 0; i < l.n; i++)
			ck_assert_int_eq(practice_pool_add_lesson(p, &l.runs[i].sc,
			    &l.runs[i].tr, 12, NULL, 0), 0);
		for (size_t i = 0; i < practice_pool_size(p); i++) {
			const struct practice_question *q =
			    practice_pool_question(p, i);

			counted[q->kind]++;
			if (practice_kind_is_prediction(q->kind))
				check_question(q);
		}
		practice_pool_free(p);
	}
	/* Every kind is made, somewhere in the library. */
	for (int k = PK_STATE; k <= PK_CHECKPOINT; k++)
		ck_assert_msg(counted[k] > 0, "no %s question",
		    practice_kind_name(k));
	lessons_free(&l);
}
END_TEST

/* Ask every kind about every side at every instant of every lesson. */
START_TEST(every_instant_of_every_lesson)
{
	struct lessons l;
	struct rng rng;

	rng_seed(&rng, 99);
	lessons_play(&l);
	for (size_t i = 0; i < l.n; i++) {
		const struct trace *tr = &l.runs[i].tr;
		size_t asked = 0;

		/* Big lessons (a SYN flood) every 7th instant, to stay quick. */
		for (size_t e = 0; e + 1 < tr->nev; e += tr->nev > 600 ? 7 : 1) {
			if (tr->ev[e].t == tr->ev[e + 1].t)
				continue;
			for (int k = PK_STATE; k <= PK_ACCEPT; k++)
				for (int side = 0; side < 2; side++) {
					struct practice_question q;

					if (practice_predict(tr, l.runs[i].sc.id,
					    tr->ev[e].t, k, side, 1, &rng, &q) < 0)
						continue;
					check_question(&q);
					practice_question_free(&q);
					asked++;
				}
		}
		ck_assert_msg(asked > 0, "%s: no question", l.runs[i].sc.id);
	}
	lessons_free(&l);
}
END_TEST

/* The classic mistakes are among the wrong choices where they apply. */
START_TEST(mistakes_as_choices)
{
	struct run r;
	struct rng rng;
	struct practice_question q;
	bool found;

	rng_seed(&rng, 1);
	run_scenario(&r, "lifecycle", NULL, NULL);
	/* Before the third handshake segment (the SYN-ACK left at 0.15 s). */
	ck_assert_int_eq(practice_predict(&r.tr, "lifecycle", 150000, PK_NEXT,
	    SIDE_CLIENT, 1, &rng, &q), 0);
	ck_assert_str_eq(q.choices[q.right], ". seq=1 ack=1");
	found = false;
	for (int i = 0; i < q.nchoices; i++)
		found |= strcmp(q.choices[i], "S. seq=1 ack=1") == 0;
	ck_assert_msg(found, "no 'SYN on the third segment' choice");
	found = false;
	for (int i = 0; i < q.nchoices; i++)
		found |= strcmp(q.choices[i], ". seq=1 ack=0") == 0;
	ck_assert_msg(found, "no 'ack = seq' choice");
	practice_question_free(&q);
	/* The second wave, after the client's FIN arrived (0.55 s). */
	ck_assert_int_eq(practice_predict(&r.tr, "lifecycle", 550000, PK_NEXT,
	    SIDE_SERVER, 1, &rng, &q), 0);
	ck_assert_str_eq(q.choices[q.right], ". seq=301 ack=102");
	found = false;
	for (int i = 0; i < q.nchoices; i++)
		found |= strcmp(q.choices[i], "F. seq=301 ack=102") == 0;
	ck_assert_msg(found, "no 'second wave with FIN' choice");
	found = false;
	for (int i = 0; i < q.nchoices; i++)
		found |= strcmp(q.choices[i], ". seq=301 ack=101") == 0;
	ck_assert_msg(found, "no 'FIN counted as zero bytes' choice");
	practice_question_free(&q);
	/* The server after sending its SYN-ACK: not ESTABLISHED yet. */
	ck_assert_int_eq(practice_predict(&r.tr, "lifecycle", 150000, PK_STATE,
	    SIDE_SERVER, 1, &rng, &q), 0);
	ck_assert_str_eq(q.choices[q.right], "SYN_RCVD");
	found = false;
	for (int i = 0; i < q.nchoices; i++)
		found |= strcmp(q.choices[i], "ESTABLISHED") == 0;
	ck_assert(found);
	practice_question_free(&q);
	run_free(&r);
}
END_TEST

/* An old duplicate reaching TIME_WAIT is not accepted. */
START_TEST(old_duplicate_in_time_wait)
{
	struct run r;
	struct rng rng;
	struct practice_question q;
	long dup = -1;

	rng_seed(&rng, 1);
	run_scenario(&r, "time-wait-old-duplicate", NULL, NULL);
	/* The delayed old reply: a server data segment arriving after the
	 * client entered TIME_WAIT. */
	for (size_t i = 0; i < r.tr.nev && dup < 0; i++) {
		const struct trace_event *e = &r.tr.ev[i];

		if (e->type == TRACE_SEGMENT && e->side == SIDE_SERVER &&
		    e->u.seg.len > 0 && (e->u.seg.notes & NOTE_DELAYED))
			dup = (long)i;
	}
	ck_assert_int_ge(dup, 0);
	ck_assert_int_eq(practice_predict(&r.tr, "time-wait-old-duplicate",
	    trace_arrival(&r.tr.ev[dup]) - 1, PK_ACCEPT, SIDE_CLIENT, 1, &rng,
	    &q), 0);
	ck_assert_int_eq(q.segment, dup);
	ck_assert_str_eq(q.choices[q.right], "No: it is not acceptable; the "
	    "receiver drops it and sends an ACK of what it expects");
	ck_assert_ptr_nonnull(strstr(q.ask, "TIME_WAIT"));
	practice_question_free(&q);
	run_free(&r);
}
END_TEST

/* Each checkpoint of a lesson is asked where the lesson puts it. */
START_TEST(checkpoint_questions)
{
	struct run r;
	struct practice_pool *p = practice_pool_new(1, 1);
	size_t found = 0;

	run_scenario(&r, "lifecycle", NULL, NULL);
	ck_assert_uint_eq(r.tr.nckpts, r.sc.ncheckpoints);
	ck_assert_int_eq(practice_pool_add_lesson(p, &r.sc, &r.tr, 0, NULL, 0),
	    0);
	for (size_t i = 0; i < practice_pool_size(p); i++) {
		const struct practice_question *q = practice_pool_question(p, i);

		if (q->kind != PK_CHECKPOINT)
			continue;
		ck_assert_str_eq(q->ask, r.tr.ckpts[found].ask[1]);
		ck_assert_str_eq(q->answer, r.tr.ckpts[found].answer[1]);
		ck_assert_uint_eq(q->at, r.tr.ckpts[found].at);
		ck_assert_int_eq(q->nchoices, 0);
		/* Right after its event: the third handshake segment. */
		if (found == 0)
			ck_assert(r.tr.ev[q->at - 1].type == TRACE_NARRATION ||
			    r.tr.ev[q->at - 1].type == TRACE_SEGMENT);
		found++;
	}
	ck_assert_uint_eq(found, r.sc.ncheckpoints);
	practice_pool_free(p);
	run_free(&r);
}
END_TEST

/* ---- The concept bank ---- */

static int bank_try(const char *text, char *msg, size_t len)
{
	struct bank b;
	struct tv_error err;
	int rc = bank_parse(&b, "b", text, strlen(text), &err);

	msg[0] = '\0';
	if (rc < 0)
		tv_error_format(&err, msg, len);
	bank_free(&b);
	return rc;
}

#define Q1 "question q1\ntopics handshake\nshow lifecycle\n" \
	"ask Why?\nask.zh 为什么？\nanswer Because.\nanswer.zh 因为。\n"

START_TEST(bank_parses)
{
	static const char text[] =
	    "# two questions\n"
	    Q1
	    "seed 000:3.3 003:1.1\n"
	    "\n"
	    "question q2\n"
	    "kind mistake\n"
	    "topics close time-wait\n"
	    "show lifecycle\n"
	    "ask \"The second wave carries FIN.\"\n"
	    "ask   What is wrong?\n"
	    "ask.zh “第二次挥手带 FIN。”错在哪里？\n"
	    "answer It is a plain ACK.\n"
	    "answer.zh 它只是一个 ACK。\n"
	    "right A plain ACK\n"
	    "right.zh 普通的 ACK\n"
	    "wrong FIN and ACK\n"
	    "wrong.zh FIN 和 ACK\n"
	    "wrong Nothing\n"
	    "wrong.zh 什么也不发\n";
	struct bank b;
	struct tv_error err;

	ck_assert_int_eq(bank_parse(&b, "b", text, strlen(text), &err), 0);
	ck_assert_uint_eq(b.nq, 2);
	ck_assert_str_eq(b.q[0].id, "q1");
	ck_assert_int_eq(b.q[0].kind, BANK_CONCEPT);
	ck_assert_str_eq(b.q[0].seeds, "000:3.3 003:1.1");
	ck_assert_ptr_null(b.q[0].right[0]);
	ck_assert_int_eq(b.q[1].kind, BANK_MISTAKE);
	ck_assert_str_eq(b.q[1].topics, "close time-wait");
	ck_assert_str_eq(b.q[1].ask[0], "\"The second wave carries FIN.\" "
	    "What is wrong?");
	ck_assert_str_eq(b.q[1].right[1], "普通的 ACK");
	ck_assert_int_eq(b.q[1].nwrong, 2);
	ck_assert_str_eq(b.q[1].wrong[1][0], "Nothing");
	ck_assert_str_eq(b.q[1].wrong[1][1], "什么也不发");
	ck_assert(bank_has_tag(b.q[1].topics, "time-wait"));
	ck_assert(!bank_has_tag(b.q[1].topics, "time"));
	ck_assert_ptr_eq(bank_find(&b, "q2"), &b.q[1]);
	bank_free(&b);
}
END_TEST

START_TEST(bank_mistakes)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "topics x\n", "b:1:1: 'topics' must follow a 'question' line" },
		{ "question Q\n", "b:1:10: bad id 'Q': use lowercase letters, "
		    "digits and '-'" },
		{ Q1 "question q1\n", "b:8:10: duplicate question id 'q1' "
		    "(first on line 1)" },
		{ Q1 "show refused\n", "b:8:1: duplicate 'show' (first on "
		    "line 3)" },
		{ "question q\ntopics a\nshow s\nask A\nanswer B\nanswer.zh C\n",
		    "b:1:1: question 'q' has no Chinese question (ask.zh)" },
		{ "question q\ntopics a\nask A\nask.zh A\nanswer B\n"
		    "answer.zh C\n", "b:1:1: question 'q' has no 'show' (the "
		    "scenario that demonstrates it)" },
		{ "question q\nshow s\nask A\nask.zh A\nanswer B\nanswer.zh C\n",
		    "b:1:1: question 'q' has no 'topics'" },
		{ Q1 "right R\nright.zh R\nwrong W\nwrong.zh W\n",
		    "b:8:1: question 'q1' needs 2 to 4 'wrong' choices, has 1" },
		{ Q1 "wrong W\nwrong.zh W\nwrong X\nwrong.zh X\n",
		    "b:8:1: question 'q1' has choices but no English right one "
		    "(right)" },
		{ Q1 "right R\nright.zh R\nwrong W\nwrong.zh W\nwrong X\n",
		    "b:10:1: question 'q1' has 2 'wrong' and 1 'wrong.zh' "
		    "lines: each wrong choice needs both" },
		{ Q1 "right R\nright R\n", "b:9:1: duplicate 'right' (first on "
		    "line 8)" },
		{ Q1 "kind quiz\n", "b:8:6: unknown kind 'quiz' (concept, "
		    "mistake)" },
		{ Q1 "seed 3.3\n", "b:8:6: expected FILE:SECTION like 000:3.3, "
		    "got '3.3'" },
		{ Q1 "colour red\n", "b:8:1: unknown word 'colour'" },
		{ "# nothing\n", "b:1:1: no questions, e.g. 'question "
		    "why-three-way'" },
		{ "question q\nask \xff\n", "b:2:5: invalid UTF-8" },
	};
	char msg[600];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert_msg(bank_try(cases[i].text, msg, sizeof msg) < 0,
		    "case %zu parsed", i);
		ck_assert_str_eq(msg, cases[i].msg);
	}
}
END_TEST

static bool scenario_exists(const char *id, void *ctx)
{
	char path[1024];

	(void)ctx;
	snprintf(path, sizeof path, "%s/data/scenarios/%s.tcpviz", srcdir(),
	    id);
	return access(path, F_OK) == 0;
}

START_TEST(bank_show_must_exist)
{
	static const char text[] =
	    "question q\ntopics a\nshow no-such-lesson\nask A\nask.zh A\n"
	    "answer B\nanswer.zh B\n";
	struct bank b;
	struct tv_error err;
	char msg[600];

	ck_assert_int_eq(bank_parse(&b, "b", text, strlen(text), &err), 0);
	ck_assert_int_eq(bank_check_shows(&b, scenario_exists, NULL, &err), -1);
	tv_error_format(&err, msg, sizeof msg);
	ck_assert_str_eq(msg, "b:3:6: question 'q' shows scenario "
	    "'no-such-lesson', which does not exist");
	bank_free(&b);
}
END_TEST

/* The bank that ships: big enough, and every lesson it shows exists. */
START_TEST(bank_file)
{
	char path[1024], msg[600];
	struct bank b;
	struct tv_error err;
	struct practice_pool *p;
	size_t choices = 0, mistakes = 0;

	snprintf(path, sizeof path, "%s/%s", srcdir(), BANK_FILE);
	if (access(path, F_OK) < 0) {
		fprintf(stderr, "check_practice: SKIP the bank checks: %s does "
		    "not exist yet\n", path);
		return;
	}
	if (bank_load(&b, path, &err) < 0) {
		tv_error_format(&err, msg, sizeof msg);
		ck_abort_msg("%s", msg);
	}
	ck_assert_msg(b.nq >= 40, "the bank has %zu questions, at least 40 "
	    "wanted", b.nq);
	if (bank_check_shows(&b, scenario_exists, NULL, &err) < 0) {
		tv_error_format(&err, msg, sizeof msg);
		ck_abort_msg("%s", msg);
	}
	for (size_t i = 0; i < b.nq; i++) {
		choices += b.q[i].right[0] != NULL;
		mistakes += b.q[i].kind == BANK_MISTAKE;
	}
	ck_assert_msg(mistakes > 0, "no 'spot the mistake' question");
	ck_assert_msg(choices > 0, "no multiple-choice question");
	/* Its choices stay one right answer once shuffled. */
	p = practice_pool_new(0, 3);
	ck_assert_int_eq(practice_pool_add_bank(p, &b), 0);
	ck_assert_uint_eq(practice_pool_size(p), b.nq);
	for (size_t i = 0; i < b.nq; i++) {
		const struct practice_question *q = practice_pool_question(p, i);

		if (q->nchoices == 0)
			continue;
		ck_assert_str_eq(q->choices[q->right], b.q[i].right[0]);
		for (int c = 0; c < q->nchoices; c++)
			ck_assert_msg(c == q->right ||
			    strcmp(q->choices[c], b.q[i].right[0]) != 0,
			    "%s: a wrong choice is the right one", b.q[i].id);
	}
	practice_pool_free(p);
	bank_free(&b);
}
END_TEST

/* ---- Progress on disk ---- */

/* A fresh directory of our own. */
static void temp_dir(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/tcpviz-progress-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

static void remove_tree(const char *dir)
{
	char cmd[1200];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(progress_round_trip)
{
	char dir[256], path[512], warn[512];
	struct practice_progress a, b;

	temp_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/state/tcpviz/progress", dir);
	practice_progress_init(&a);
	a.sessions = 7;
	ck_assert_int_eq(practice_record_answer(&a, "bank:why-three-way", true,
	    6), 0);
	ck_assert_int_eq(practice_record_answer(&a, "bank:why-three-way", true,
	    7), 0);
	ck_assert_int_eq(practice_record_answer(&a, "lifecycle@0.15:next:client",
	    false, 7), 0);
	/* Missing: a fresh start and one warning. */
	ck_assert_int_eq(progress_load(&b, path, warn, sizeof warn), 1);
	ck_assert_uint_eq(b.n, 0);
	ck_assert_ptr_nonnull(strstr(warn, path));
	ck_assert_ptr_null(strchr(warn, '\n'));
	practice_progress_free(&b);
	/* Saved (making the directories) and read back the same. */
	ck_assert_int_eq(progress_save(&a, path, warn, sizeof warn), 0);
	ck_assert_int_eq(progress_load(&b, path, warn, sizeof warn), 0);
	ck_assert_uint_eq(b.sessions, 7);
	ck_assert_uint_eq(b.n, 2);
	for (size_t i = 0; i < a.n; i++) {
		const struct practice_record *r = practice_record_find(&b,
		    a.r[i].id);

		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq(r->box, a.r[i].box);
		ck_assert_uint_eq(r->last, a.r[i].last);
		ck_assert_uint_eq(r->right, a.r[i].right);
		ck_assert_uint_eq(r->wrong, a.r[i].wrong);
	}
	ck_assert_int_eq(practice_record_find(&b, "bank:why-three-way")->box, 2);
	ck_assert_int_eq(practice_record_find(&b,
	    "lifecycle@0.15:next:client")->box, 0);
	practice_progress_free(&a);
	practice_progress_free(&b);
	remove_tree(dir);
}
END_TEST

START_TEST(progress_damaged)
{
	static const char *const bad[] = {
		"",
		"something else\n",
		"tcpviz-progress 9\n",
		"tcpviz-progress 1\nsessions x\n",
		"tcpviz-progress 1\nq 7 1 1 0 bank:a\n",
		"tcpviz-progress 1\nq 1 1 1 bank:a\n",
		"tcpviz-progress 1\nq 1 1 1 0 bank:a\nq 1 1 1 0 bank:a\n",
		"tcpviz-progress 1\nsessions 2\nq 1 1 1 0 bank:a\ngarbage\n",
	};
	char dir[256], path[512], kept[600], warn[512];
	struct practice_progress pr;
	struct stat st;

	temp_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/progress", dir);
	snprintf(kept, sizeof kept, "%s.bad", path);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		FILE *f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fputs(bad[i], f);
		fclose(f);
		ck_assert_msg(progress_load(&pr, path, warn, sizeof warn) == 2,
		    "case %zu loaded", i);
		ck_assert_uint_eq(pr.n, 0);
		ck_assert_uint_eq(pr.sessions, 0);
		ck_assert_ptr_null(strchr(warn, '\n'));
		/* Kept aside, not lost. */
		ck_assert_int_eq(stat(kept, &st), 0);
		ck_assert_int_eq((int)st.st_size, (int)strlen(bad[i]));
		practice_progress_free(&pr);
	}
	/* The damaged file's place takes the next save. */
	practice_progress_init(&pr);
	ck_assert_int_eq(practice_record_answer(&pr, "bank:a", true, 1), 0);
	pr.sessions = 1;
	ck_assert_int_eq(progress_save(&pr, path, warn, sizeof warn), 0);
	practice_progress_free(&pr);
	ck_assert_int_eq(progress_load(&pr, path, warn, sizeof warn), 0);
	ck_assert_uint_eq(pr.n, 1);
	practice_progress_free(&pr);
	remove_tree(dir);
}
END_TEST

/* A directory that cannot be made (under a regular file, which stops
 * root too): one warning, no crash. */
START_TEST(progress_unwritable)
{
	char dir[256], file[512], path[600], warn[512];
	struct practice_progress pr;
	FILE *f;

	temp_dir(dir, sizeof dir);
	snprintf(file, sizeof file, "%s/a-file", dir);
	ck_assert_ptr_nonnull(f = fopen(file, "w"));
	fclose(f);
	snprintf(path, sizeof path, "%s/tcpviz/progress", file);
	ck_assert_int_eq(progress_load(&pr, path, warn, sizeof warn), 1);
	ck_assert_ptr_null(strchr(warn, '\n'));
	ck_assert_int_eq(practice_record_answer(&pr, "bank:a", false, 1), 0);
	warn[0] = '\0';
	ck_assert_int_eq(progress_save(&pr, path, warn, sizeof warn), -1);
	ck_assert_ptr_nonnull(strstr(warn, path));
	ck_assert_ptr_null(strchr(warn, '\n'));
	practice_progress_free(&pr);
	remove_tree(dir);
}
END_TEST

START_TEST(progress_path_from_env)
{
	char buf[512], *old_state = getenv("XDG_STATE_HOME"),
	    *old_home = getenv("HOME");
	char *saved_state = old_state ? strdup(old_state) : NULL;
	char *saved_home = old_home ? strdup(old_home) : NULL;

	setenv("XDG_STATE_HOME", "/x/state", 1);
	ck_assert_int_eq(progress_path(buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "/x/state/tcpviz/progress");
	/* Relative values are invalid (XDG): the default then. */
	setenv("XDG_STATE_HOME", "state", 1);
	setenv("HOME", "/home/u", 1);
	ck_assert_int_eq(progress_path(buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "/home/u/.local/state/tcpviz/progress");
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	ck_assert_int_eq(progress_path(buf, sizeof buf), -1);
	if (saved_state)
		setenv("XDG_STATE_HOME", saved_state, 1);
	if (saved_home)
		setenv("HOME", saved_home, 1);
	free(saved_state);
	free(saved_home);
}
END_TEST

/* ---- Sessions and spaced repetition ---- */

static const char three[] =
    "question a\ntopics t\nshow lifecycle\nask A\nask.zh A\nanswer A\n"
    "answer.zh A\nright R\nright.zh R\nwrong W\nwrong.zh W\nwrong X\n"
    "wrong.zh X\n"
    "question b\ntopics t\nshow lifecycle\nask B\nask.zh B\nanswer B\n"
    "answer.zh B\n"
    "question c\ntopics u\nshow refused\nask C\nask.zh C\nanswer C\n"
    "answer.zh C\n";

static size_t find_q(const struct practice_session *s, const char *id)
{
	for (size_t i = 0; i < s->nq; i++)
		if (strcmp(s->q[i]->id, id) == 0)
			return i;
	return (size_t)-1;
}

START_TEST(missed_comes_back_sooner)
{
	struct bank b;
	struct tv_error err;
	struct practice_pool *p = practice_pool_new(0, 1);
	struct practice_progress pr;
	struct practice_session s;
	struct rng rng;
	size_t right, answered, ia, ib;

	ck_assert_int_eq(bank_parse(&b, "b", three, strlen(three), &err), 0);
	ck_assert_int_eq(practice_pool_add_bank(p, &b), 0);
	practice_progress_init(&pr);
	rng_seed(&rng, 4);

	/* Session 1: a is missed, b is known. */
	ck_assert_int_eq(practice_session_new(&s, p, &pr, "t", 0, &rng), 0);
	ck_assert_uint_eq(s.nq, 2);
	ia = find_q(&s, "bank:a");
	ib = find_q(&s, "bank:b");
	ck_assert(ia < s.nq && ib < s.nq);
	ck_assert(!practice_answer(&s, ia, (s.q[ia]->right + 1) %
	    s.q[ia]->nchoices));
	ck_assert(practice_answer(&s, ib, PRACTICE_KNEW));
	practice_score(&s, &right, &answered);
	ck_assert_uint_eq(right, 1);
	ck_assert_uint_eq(answered, 2);
	ck_assert_int_eq(practice_session_finish(&s, &pr), 0);
	practice_session_free(&s);
	ck_assert_uint_eq(pr.sessions, 1);

	/* Session 2, one question: the missed one, every time. */
	for (int k = 0; k < 20; k++) {
		ck_assert_int_eq(practice_session_new(&s, p, &pr, "t", 1, &rng),
		    0);
		ck_assert_uint_eq(s.nq, 1);
		ck_assert_str_eq(s.q[0]->id, "bank:a");
		practice_session_free(&s);
	}
	/* Known once, b waits two sessions; missed, a comes each time. */
	ck_assert(practice_record_due(practice_record_find(&pr, "bank:a"), 2));
	ck_assert(!practice_record_due(practice_record_find(&pr, "bank:b"), 2));
	ck_assert(practice_record_due(practice_record_find(&pr, "bank:b"), 3));
	/* Right answers climb the boxes, and the waits double. */
	for (uint32_t n = 2; n < 10; n++)
		ck_assert_int_eq(practice_record_answer(&pr, "bank:b", true, n),
		    0);
	ck_assert_int_eq(practice_record_find(&pr, "bank:b")->box,
	    PRACTICE_BOXES - 1);
	ck_assert_uint_eq(practice_box_interval(PRACTICE_BOXES - 1), 16);
	ck_assert_int_eq(practice_record_answer(&pr, "bank:b", false, 10), 0);
	ck_assert_int_eq(practice_record_find(&pr, "bank:b")->box, 0);

	practice_progress_free(&pr);
	practice_pool_free(p);
	bank_free(&b);
}
END_TEST

START_TEST(sessions_mix_and_filter)
{
	struct bank b;
	struct tv_error err;
	struct run r;
	struct practice_pool *p = practice_pool_new(0, 2);
	struct practice_progress pr;
	struct practice_session s;
	struct rng rng;
	size_t lesson = 0, bank = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	run_scenario(&r, "lifecycle", NULL, NULL);
	ck_assert_int_eq(bank_parse(&b, "b", three, strlen(three), &err), 0);
	ck_assert_int_eq(practice_pool_add_lesson(p, &r.sc, &r.tr, 4, NULL, 0),
	    0);
	ck_assert_int_eq(practice_pool_add_bank(p, &b), 0);
	practice_progress_init(&pr);
	rng_seed(&rng, 9);

	ck_assert_int_eq(practice_session_new(&s, p, &pr, NULL, 0, &rng), 0);
	ck_assert_uint_eq(s.nq, PRACTICE_DEFAULT_QUESTIONS);
	for (size_t i = 0; i < s.nq; i++) {
		if (s.q[i]->kind >= PK_CONCEPT)
			bank++;
		else
			lesson++;
		for (size_t j = i + 1; j < s.nq; j++)
			ck_assert_str_ne(s.q[i]->id, s.q[j]->id);
	}
	ck_assert_uint_eq(bank, 3);	/* all the bank has */
	ck_assert_uint_eq(lesson, 7);

	/* The worksheet: questions, then the answers on a page of their own. */
	ck_assert_ptr_nonnull(f = open_memstream(&text, &len));
	ck_assert_int_eq(practice_write_worksheet(&s, f, 80, 0), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "\f----- answers -----\n"));
	ck_assert_ptr_null(strstr(strstr(text, "\f") + 1, "\f"));
	ck_assert_ptr_nonnull(strstr(text, "10. "));
	ck_assert_ptr_nonnull(strstr(strstr(text, "\f"), "10. "));
	free(text);
	practice_session_free(&s);

	/* A scenario id: its lesson and the bank questions it shows. */
	ck_assert_int_eq(practice_session_new(&s, p, &pr, "refused", 0, &rng),
	    0);
	ck_assert_uint_eq(s.nq, 1);
	ck_assert_str_eq(s.q[0]->id, "bank:c");
	practice_session_free(&s);
	/* A topic. */
	ck_assert_int_eq(practice_session_new(&s, p, &pr, "time-wait", 50,
	    &rng), 0);
	ck_assert_uint_gt(s.nq, 0);
	for (size_t i = 0; i < s.nq; i++)
		ck_assert_str_eq(s.q[i]->scenario, "lifecycle");
	practice_session_free(&s);
	/* Nothing. */
	ck_assert_int_eq(practice_session_new(&s, p, &pr, "no-such-thing", 0,
	    &rng), 0);
	ck_assert_uint_eq(s.nq, 0);
	practice_session_free(&s);

	practice_progress_free(&pr);
	practice_pool_free(p);
	bank_free(&b);
	run_free(&r);
}
END_TEST

static bool pool_has_id(const struct practice_pool *p, const char *id)
{
	for (size_t i = 0; i < practice_pool_size(p); i++)
		if (strcmp(practice_pool_question(p, i)->id, id) == 0)
			return true;
	return false;
}

/* A question asked at a random moment comes back in a later session,
 * whose own random moments differ: rebuilt from its id. */
START_TEST(due_predictions_are_rebuilt)
{
	struct run r;
	struct practice_pool *p = practice_pool_new(0, 5), *bare, *again;
	const char *ids[1] = { NULL };

	run_scenario(&r, "lifecycle", NULL, NULL);
	ck_assert_int_eq(practice_pool_add_lesson(p, &r.sc, &r.tr, 12, NULL, 0),
	    0);
	/* Later sessions: no random moments, only the checkpoints'. */
	bare = practice_pool_new(0, 77);
	ck_assert_int_eq(practice_pool_add_lesson(bare, &r.sc, &r.tr, 0, NULL,
	    0), 0);
	for (size_t i = 0; i < practice_pool_size(p) && ids[0] == NULL; i++) {
		const struct practice_question *q = practice_pool_question(p, i);

		if (practice_kind_is_prediction(q->kind) &&
		    !pool_has_id(bare, q->id))
			ids[0] = q->id;
	}
	ck_assert_ptr_nonnull(ids[0]);
	again = practice_pool_new(0, 77);
	ck_assert_int_eq(practice_pool_add_lesson(again, &r.sc, &r.tr, 0, ids,
	    1), 0);
	ck_assert_msg(pool_has_id(again, ids[0]), "%s not rebuilt", ids[0]);
	ck_assert_uint_eq(practice_pool_size(again), practice_pool_size(bare) + 1);
	practice_pool_free(again);
	practice_pool_free(bare);
	practice_pool_free(p);
	run_free(&r);
}
END_TEST

Suite *practice_suite(void)
{
	Suite *s = suite_create("practice");
	TCase *tc = tcase_create("predictions");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, predictions_have_one_right_answer);
	tcase_add_test(tc, every_instant_of_every_lesson);
	tcase_add_test(tc, mistakes_as_choices);
	tcase_add_test(tc, old_duplicate_in_time_wait);
	tcase_add_test(tc, checkpoint_questions);
	suite_add_tcase(s, tc);

	tc = tcase_create("bank");
	tcase_add_test(tc, bank_parses);
	tcase_add_test(tc, bank_mistakes);
	tcase_add_test(tc, bank_show_must_exist);
	tcase_add_test(tc, bank_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("progress");
	tcase_add_test(tc, progress_round_trip);
	tcase_add_test(tc, progress_damaged);
	tcase_add_test(tc, progress_unwritable);
	tcase_add_test(tc, progress_path_from_env);
	suite_add_tcase(s, tc);

	tc = tcase_create("sessions");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, missed_comes_back_sooner);
	tcase_add_test(tc, sessions_mix_and_filter);
	tcase_add_test(tc, due_predictions_are_rebuilt);
	suite_add_tcase(s, tc);
	return s;
}
