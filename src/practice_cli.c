/*
 * practice_cli.c: `tcpviz --practice` (practice_cli.h).  The data come
 * first (every lesson played, the bank, the records), then one of three
 * ways to ask: a printed worksheet, the interactive view, or line by
 * line, which is what a pipe or a terminal without curses gets: each
 * question, then the answer read from standard input ("a" to "d", or
 * "q" to stop), then right or wrong and why.  Every warning is one line
 * on stderr; only a filter that matches nothing ends the program early.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bank.h"
#include "datadir.h"
#include "engine.h"
#include "i18n.h"
#include "practice.h"
#include "practice_cli.h"
#include "progress.h"
#include "ui/ui_practice.h"

#define BANK_NAME "concepts.tcpviz-bank"
/* Random moments asked about per lesson, besides its checkpoints. */
#define STOPS_PER_LESSON 6

struct lesson {
	struct scenario sc;
	struct profile prof;
	struct trace tr;
	uint64_t seed;
};

struct lessons {
	struct lesson *l;
	size_t n;
};

#ifdef __GNUC__
__attribute__((format(printf, 1, 2)))
#endif
static void cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("tcpviz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Play one lesson as its file says; -1 (said why) if it cannot be. */
static int lesson_play(struct lesson *l, const char *path)
{
	struct engine_opts eo = { .sc = &l->sc, .prof = &l->prof };
	struct tv_error err;
	struct engine *e;
	char buf[1024];

	trace_init(&l->tr);
	if (scenario_load(&l->sc, path, &err) < 0)
		goto fail;
	if (profile_init(&l->prof, l->sc.profile[0] ? l->sc.profile : "linux",
	    &err) < 0)
		goto fail;
	for (size_t i = 0; i < l->sc.nsets; i++)
		if (profile_set(&l->prof, l->sc.sets[i], &err) < 0)
			goto fail;
	/* As main() plays it without --seed. */
	l->seed = eo.seed = l->sc.has_seed ? l->sc.seed : 1;
	if ((e = engine_new(&eo, &l->tr, &err)) == NULL)
		goto fail;
	engine_run(e);
	engine_free(e);
	return 0;
fail:
	tv_error_format(&err, buf, sizeof buf);
	cli_warn("%s", buf);
	trace_free(&l->tr);
	scenario_free(&l->sc);
	return -1;
}

/* Every lesson of the data directory, sorted by file name. */
static int lessons_load(struct lessons *ls)
{
	char dir[1024], **names = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;

	ls->l = NULL;
	ls->n = 0;
	if (datadir_path(dir, sizeof dir, "scenarios") < 0 ||
	    (d = opendir(dir)) == NULL) {
		cli_warn(_("cannot find the scenario directory (set "
		    "TCPVIZ_DATADIR)"));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char **nn;

		if (len <= 7 || strcmp(de->d_name + len - 7, ".tcpviz") != 0)
			continue;
		if ((nn = realloc(names, (n + 1) * sizeof *names)) == NULL ||
		    (nn[n] = malloc(strlen(dir) + len + 2)) == NULL) {
			names = nn != NULL ? nn : names;
			break;
		}
		names = nn;
		sprintf(names[n++], "%s/%s", dir, de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	ls->l = calloc(n + 1, sizeof *ls->l);
	for (size_t i = 0; i < n; i++) {
		if (ls->l != NULL && lesson_play(&ls->l[ls->n], names[i]) == 0)
			ls->n++;
		free(names[i]);
	}
	free(names);
	if (ls->l == NULL) {
		cli_warn(_("out of memory"));
		return -1;
	}
	return 0;
}

static void lessons_free(struct lessons *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		trace_free(&ls->l[i].tr);
		scenario_free(&ls->l[i].sc);
	}
	free(ls->l);
}

static bool lesson_exists(const char *id, void *ctx)
{
	const struct lessons *ls = ctx;

	for (size_t i = 0; i < ls->n; i++)
		if (strcmp(ls->l[i].sc.id, id) == 0)
			return true;
	return false;
}

/* The concept bank, if it is there and sound; else a warning, and the
 * session is made of the lessons' questions alone. */
static bool bank_read(struct bank *b, const struct lessons *ls)
{
	char dir[1024], path[1200], buf[1024];
	struct tv_error err;

	bank_init(b);
	if (datadir_path(dir, sizeof dir, "practice") < 0) {
		cli_warn(_("no concept bank in %s: asking about the lessons only"),
		    dir);
		return false;
	}
	snprintf(path, sizeof path, "%s/%s", dir, BANK_NAME);
	if (bank_load(b, path, &err) < 0 ||
	    bank_check_shows(b, lesson_exists, (void *)ls, &err) < 0) {
		tv_error_format(&err, buf, sizeof buf);
		cli_warn(_("%s (asking about the lessons only)"), buf);
		bank_free(b);
		return false;
	}
	return true;
}

/* ---- Line by line ---- */

/* Strip the line in buf; false at the end of input. */
static bool read_line(char *buf, size_t len)
{
	size_t n;

	fflush(stdout);
	if (fgets(buf, (int)len, stdin) == NULL) {
		putchar('\n');
		return false;
	}
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
	    buf[n - 1] == ' '))
		buf[--n] = '\0';
	/* Answers from a pipe are not echoed: show them, for the record. */
	if (!isatty(STDIN_FILENO))
		puts(buf);
	return true;
}

/*
 * Ask question i; its answer goes into the session.  false when the
 * learner stops ("q" or the end of input).
 */
static bool line_ask(struct practice_session *s, size_t i, int width,
    int lang, bool teacher)
{
	const struct practice_question *q = s->q[i];
	char buf[256];
	int given = PRACTICE_UNANSWERED;

	putchar('\n');
	practice_write_question(q, stdout, width, lang, i + 1);
	if (teacher || q->nchoices == 0) {
		fputs(_("Press Enter to see the answer (q to stop): "), stdout);
		if (!read_line(buf, sizeof buf) || strcmp(buf, "q") == 0)
			return false;
	} else {
		for (;;) {
			printf(_("Your answer (a-%c, q to stop): "),
			    'a' + q->nchoices - 1);
			if (!read_line(buf, sizeof buf) || strcmp(buf, "q") == 0)
				return false;
			if (buf[0] >= 'a' && buf[0] < 'a' + q->nchoices &&
			    buf[1] == '\0')
				given = buf[0] - 'a';
			else if (buf[0] >= '1' && buf[0] < '1' + q->nchoices &&
			    buf[1] == '\0')
				given = buf[0] - '1';
			if (given != PRACTICE_UNANSWERED)
				break;
		}
	}
	if (!teacher && q->nchoices > 0)
		puts(practice_is_right(q, given) ? _("Right.") : _("Wrong."));
	practice_write_answer(q, stdout, width, i + 1);
	if (teacher)
		return true;
	if (q->nchoices == 0) {
		for (;;) {
			fputs(_("Did you know it? (y/n, q to stop): "), stdout);
			if (!read_line(buf, sizeof buf) || strcmp(buf, "q") == 0)
				return false;
			if (strcmp(buf, "y") == 0 || strcmp(buf, "n") == 0)
				break;
		}
		given = buf[0] == 'y' ? PRACTICE_KNEW : PRACTICE_MISSED;
	}
	practice_answer(s, i, given);
	return true;
}

/* The score and the mistakes again, with their explanations. */
static void line_review(const struct practice_session *s, int width)
{
	size_t right, answered, missed = 0;

	practice_score(s, &right, &answered);
	printf("\n%s\n", "========================================");
	printf(_("Score: %zu of %zu"), right, answered);
	putchar('\n');
	for (size_t i = 0; i < s->nq; i++) {
		const struct practice_question *q = s->q[i];

		if (s->given[i] == PRACTICE_UNANSWERED ||
		    practice_is_right(q, s->given[i]))
			continue;
		if (missed++ == 0)
			printf("\n%s\n", _("To review:"));
		printf("\n%zu. %s\n", i + 1, q->ask);
		if (q->nchoices > 0) {
			printf("   ");
			printf(_("Your answer: %s"), q->choices[s->given[i]]);
			putchar('\n');
		}
		practice_write_answer(q, stdout, width, 0);
	}
	if (answered > 0 && missed == 0)
		printf("%s\n", _("No mistakes."));
}

/* ---- The session ---- */

int practice_cli_run(const struct practice_cli_opts *o)
{
	struct lessons ls;
	struct bank b;
	bool have_bank, known, scored = !o->worksheet && !o->teacher;
	bool fresh = false;		/* no records yet */
	bool interactive = !o->worksheet && isatty(STDIN_FILENO) &&
	    isatty(STDOUT_FILENO);
	struct practice_progress pr;
	struct practice_pool *pool = NULL;
	struct practice_session s = { 0 };
	struct rng rng;
	char path[4096] = "", notice[1024] = "";
	const char **ids = NULL;
	uint64_t seed = o->has_seed ? o->seed :
	    (uint64_t)time(NULL) ^ (uint64_t)getpid() << 20;
	int status = 0;

	practice_progress_init(&pr);
	if (lessons_load(&ls) < 0)
		return 1;
	have_bank = bank_read(&b, &ls);
	/* The filter must name something: a lesson or a topic. */
	known = o->filter == NULL || lesson_exists(o->filter, &ls);
	for (size_t i = 0; !known && i < ls.n; i++)
		known = bank_has_tag(ls.l[i].sc.topics, o->filter);
	for (size_t i = 0; !known && have_bank && i < b.nq; i++)
		known = bank_has_tag(b.q[i].topics, o->filter);
	if (!known) {
		cli_warn(_("'%s' is neither a topic nor a scenario (see --list)"),
		    o->filter);
		status = 2;
		goto out;
	}
	/*
	 * One line of warning at most: in the view's first screen, or on
	 * stderr.  That there are no records yet can wait for the end,
	 * where a failure to save them would say more.
	 */
	if (scored) {
		if (progress_path(path, sizeof path) < 0)
			snprintf(notice, sizeof notice, "%s", _("neither "
			    "XDG_STATE_HOME nor HOME is set: this session's "
			    "answers are not kept"));
		else
			fresh = progress_load(&pr, path, notice,
			    sizeof notice) == 1;
		if (notice[0] != '\0' && !interactive && !fresh)
			cli_warn("%s", notice);
	}
	/* Questions missed or known before, to be asked again. */
	if ((ids = malloc((pr.n + 1) * sizeof *ids)) == NULL ||
	    (pool = practice_pool_new(o->lang, seed)) == NULL)
		goto oom;
	for (size_t i = 0; i < pr.n; i++)
		ids[i] = pr.r[i].id;
	for (size_t i = 0; i < ls.n; i++)
		if (practice_pool_add_lesson(pool, &ls.l[i].sc, &ls.l[i].tr,
		    STOPS_PER_LESSON, ids, pr.n) < 0)
			goto oom;
	if (have_bank && practice_pool_add_bank(pool, &b) < 0)
		goto oom;
	rng_seed(&rng, seed);
	if (practice_session_new(&s, pool, &pr, o->filter, o->questions,
	    &rng) < 0)
		goto oom;
	if (s.nq == 0) {
		cli_warn(_("no questions about '%s'"), o->filter ? o->filter : "");
		status = 1;
		goto out;
	}

	if (o->worksheet) {
		if (practice_write_worksheet(&s, stdout, o->width, o->lang) < 0) {
			cli_warn(_("write error: %s"), strerror(errno));
			status = 1;
		}
	} else if (interactive) {
		struct ui_practice_lesson *ul = calloc(ls.n + 1, sizeof *ul);
		struct ui_practice_opts uo = {
			.session = &s, .lessons = ul, .nlessons = ls.n,
			.lang = o->lang, .theme = o->theme, .teacher = o->teacher,
			.notice = notice[0] != '\0' ? notice : NULL,
		};

		if (ul == NULL)
			goto oom;
		for (size_t i = 0; i < ls.n; i++)
			ul[i] = (struct ui_practice_lesson){
				&ls.l[i].sc, &ls.l[i].prof, ls.l[i].seed,
			};
		status = ui_practice_run(&uo);
		free(ul);
	} else {
		for (size_t i = 0; i < s.nq; i++)
			if (!line_ask(&s, i, o->width, o->lang, o->teacher))
				break;
		if (scored)
			line_review(&s, o->width);
	}
	if (scored && path[0] != '\0') {
		if (practice_session_finish(&s, &pr) < 0)
			cli_warn(_("out of memory"));
		else if (progress_save(&pr, path, notice, sizeof notice) < 0)
			cli_warn("%s", notice);
		else if (fresh && !interactive)
			cli_warn("%s", notice);
	}
	goto out;
oom:
	cli_warn(_("out of memory"));
	status = 1;
out:
	if (fflush(stdout) != 0 && status == 0) {
		cli_warn(_("write error: %s"), strerror(errno));
		status = 1;
	}
	practice_session_free(&s);
	practice_pool_free(pool);
	free(ids);
	practice_progress_free(&pr);
	if (have_bank)
		bank_free(&b);
	lessons_free(&ls);
	return status;
}
