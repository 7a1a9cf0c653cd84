/*
 * practice.c: the interactive practice screens (ui_practice.h).
 *
 * One screen per question.  A lesson's question shows the lesson's
 * ladder up to the moment it asks about (the pure layout of layout.h,
 * painted with the theme, as ladder.c does for the main view; the state
 * tables are left out, since they would answer for the learner, and so
 * are the state names on the lifelines while a state is asked).  Below
 * it the question and its choices.  Once answered, the screen says
 * right or wrong and why, and the ladder plays on for a moment to show
 * what happened.  At the end come the score and a review of the
 * mistakes, scrollable.
 *
 * Keys are a table, as in keys.c, so the hint line and the handling
 * cannot disagree.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700	/* clock_gettime(), wide curses */
#endif

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "ui_practice.h"
#include "view.h"

#define FRAME_MS 33
#define PLAY_SECONDS 2.0	/* the ladder's run to what was asked */
#define WRAP_MAX 64		/* lines of one wrapped text, at most */

enum phase {
	P_ASK,			/* the question is open */
	P_JUDGE,		/* an open question's answer shown: knew it? */
	P_ANSWERED,		/* right or wrong and why; the ladder plays */
	P_REVIEW,		/* the score and the mistakes */
};

enum drill_action {
	D_NONE, D_CHOOSE, D_UP, D_DOWN, D_PGUP, D_PGDN, D_REVEAL, D_NEXT,
	D_KNEW, D_MISSED, D_SHOW, D_QUIT, D_REDRAW,
};

/* Which keys do what in which phase; `hint` ones go on the hint line. */
static const struct {
	unsigned phases;	/* bits of enum phase */
	int key;
	enum drill_action action;
	const char *name;	/* for the hint line; NULL: not shown */
	const char *help;
} drill_keys[] = {
#define PH(p) (1u << (p))
	{ PH(P_ASK), '\n', D_CHOOSE, "Enter", N_("answer") },
	{ PH(P_ASK), '\r', D_CHOOSE, NULL, NULL },
	{ PH(P_ASK), KEY_ENTER, D_CHOOSE, NULL, NULL },
	{ PH(P_ASK) | PH(P_REVIEW), KEY_UP, D_UP, NULL, NULL },
	{ PH(P_ASK) | PH(P_REVIEW), KEY_DOWN, D_DOWN, NULL, NULL },
	{ PH(P_ASK) | PH(P_REVIEW), 'k', D_UP, NULL, NULL },
	{ PH(P_ASK) | PH(P_REVIEW), 'j', D_DOWN, NULL, NULL },
	{ PH(P_REVIEW), KEY_PPAGE, D_PGUP, NULL, NULL },
	{ PH(P_REVIEW), KEY_NPAGE, D_PGDN, NULL, NULL },
	{ PH(P_ASK), ' ', D_REVEAL, "Space", N_("show the answer") },
	{ PH(P_JUDGE), 'y', D_KNEW, "y", N_("I knew it") },
	{ PH(P_JUDGE), 'n', D_MISSED, "n", N_("I did not") },
	{ PH(P_ANSWERED), '\n', D_NEXT, "Enter", N_("next question") },
	{ PH(P_ANSWERED), '\r', D_NEXT, NULL, NULL },
	{ PH(P_ANSWERED), KEY_ENTER, D_NEXT, NULL, NULL },
	{ PH(P_ANSWERED), ' ', D_NEXT, NULL, NULL },
	{ PH(P_ANSWERED), 'n', D_NEXT, NULL, NULL },
	{ PH(P_ASK) | PH(P_JUDGE) | PH(P_ANSWERED), 's', D_SHOW, "s",
	  N_("show me: play the lesson") },
	{ PH(P_ASK) | PH(P_JUDGE) | PH(P_ANSWERED), 'q', D_QUIT, "q",
	  N_("end the session") },
	{ PH(P_REVIEW), 'q', D_QUIT, "q", N_("quit") },
	{ PH(P_REVIEW), '\n', D_QUIT, NULL, NULL },
	{ PH(P_ASK) | PH(P_JUDGE) | PH(P_ANSWERED) | PH(P_REVIEW), 12,
	  D_REDRAW, NULL, NULL },	/* Ctrl-L */
#undef PH
};
#define NDRILL_KEYS (sizeof drill_keys / sizeof drill_keys[0])

struct drill {
	const struct ui_practice_opts *o;
	struct practice_session *s;
	size_t i;		/* the question on screen */
	int sel;		/* the highlighted choice */
	int given;		/* the answer given (PRACTICE_*, a choice) */
	enum phase phase;
	int theme;
	/* The ladder of the question's lesson. */
	const struct trace *lay_tr;
	struct layout *lay;
	int lay_width;
	struct layout_span *spans;
	size_t nspans;
	int64_t now, from, to;	/* the moment shown; the run after answering */
	double play_start;
	int review_top;
	char message[256];
};

static double drill_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const struct practice_question *drill_q(const struct drill *d)
{
	return d->s->q[d->i];
}

/* ---- The moment a question is about ---- */

/*
 * Where the ladder runs to once the question is answered: to the
 * arrival of the segment asked about, or of the one the side sent next,
 * or else to the next instant of the lesson.
 */
static int64_t drill_target(const struct practice_question *q)
{
	const struct trace *tr = q->tr;
	long seg = q->segment;

	if (q->kind == PK_NEXT)
		for (size_t i = q->at; i < tr->nev && seg < 0; i++)
			if (tr->ev[i].type == TRACE_SEGMENT &&
			    tr->ev[i].conn == q->conn &&
			    tr->ev[i].side == q->side &&
			    !(tr->ev[i].u.seg.notes & NOTE_FORGED))
				seg = (long)i;
	if (seg >= 0 && !tr->ev[seg].u.seg.lost &&
	    trace_arrival(&tr->ev[seg]) != TRACE_T_NONE)
		return trace_arrival(&tr->ev[seg]);
	if (seg >= 0)
		return tr->ev[seg].t;
	return q->at < tr->nev ? tr->ev[q->at].t : q->t;
}

static int drill_layout(struct drill *d, int width)
{
	const struct practice_question *q = drill_q(d);
	struct layout_opts lo = {
		.width = width, .utf8 = screen_utf8(),
	};

	if (q->tr == NULL)
		return 0;
	if (d->lay != NULL && d->lay_tr == q->tr && d->lay_width == width)
		return 0;
	layout_free(d->lay);
	d->lay = layout_build(q->tr, &lo);
	d->lay_tr = q->tr;
	d->lay_width = width;
	return d->lay != NULL ? 0 : -1;
}

static void drill_start(struct drill *d)
{
	const struct practice_question *q = drill_q(d);

	d->phase = P_ASK;
	d->sel = 0;
	d->given = PRACTICE_UNANSWERED;
	d->now = d->from = d->to = q->t;
	d->play_start = 0;
}

/* The answer is in: judge it (unless teaching), and play on. */
static void drill_answered(struct drill *d, int given)
{
	const struct practice_question *q = drill_q(d);

	d->given = given;
	if (!d->o->teacher)
		practice_answer(d->s, d->i, given);
	d->phase = P_ANSWERED;
	if (q->tr != NULL) {
		d->from = q->t;
		d->to = drill_target(q);
		d->play_start = drill_clock();
	}
}

/* ---- Drawing ---- */

/* Text wrapped into rows [y, y + h) from column x, `width` wide;
 * returns the rows it takes in all. */
static int drill_wrap(const char *s, int y, int x, int width, int h, int role)
{
	size_t start[WRAP_MAX], len[WRAP_MAX];
	int n = screen_wrap(s, width > 1 ? width : 1, start, len, WRAP_MAX);
	char line[1024];

	if (n > WRAP_MAX)
		n = WRAP_MAX;
	for (int k = 0; k < n && k < h; k++) {
		size_t l = len[k] < sizeof line - 1 ? len[k] : sizeof line - 1;

		memcpy(line, s + start[k], l);
		line[l] = '\0';
		screen_put(y + k, x, line, role, width);
	}
	return n;
}

/* The last row of the ladder whose time is at or before t. */
static int drill_row_at(const struct layout *l, int64_t t)
{
	int lo = 0, hi = layout_rows(l) - 1, found = 0;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (layout_row_time(l, mid) <= t) {
			found = mid;
			lo = mid + 1;
		} else
			hi = mid - 1;
	}
	return found;
}

static void drill_ladder(struct drill *d, struct rect r)
{
	const struct practice_question *q = drill_q(d);
	/* What the ladder would answer for the learner stays hidden. */
	bool hide_states = q->kind == PK_STATE && d->phase != P_ANSWERED;
	bool hide_timers = q->kind == PK_TIMER && d->phase != P_ANSWERED;
	size_t n;
	int top;

	if (r.h <= 0 || drill_layout(d, r.w) < 0 || d->lay == NULL)
		return;
	top = drill_row_at(d->lay, d->now) + 2 - r.h;
	if (top < 0)
		top = 0;
	for (;;) {
		n = layout_frame(d->lay, top, r.h, d->now, -1, -1, d->spans,
		    d->nspans);
		if (n <= d->nspans)
			break;
		struct layout_span *s = realloc(d->spans, n * sizeof *s);
		if (s == NULL) {
			n = d->nspans;
			break;
		}
		d->spans = s;
		d->nspans = n;
	}
	for (size_t i = 0; i < n; i++) {
		const struct layout_span *s = &d->spans[i];

		if ((hide_states && s->role == ROLE_STATE) ||
		    (hide_timers && s->role == ROLE_TIMER))
			continue;
		screen_text(r.y + s->row - top, r.x + s->col, s->text,
		    screen_attr(s->role), r.x, r.x + r.w);
	}
}

/* The hint line: the keys of this phase, or a message. */
static void drill_hint(const struct drill *d)
{
	int y = LINES - 1, x = 1;

	screen_fill(y, 0, COLS, screen_attr(R_HINT));
	if (d->message[0] != '\0') {
		screen_put(y, 1, d->message, R_MESSAGE, COLS - 2);
		return;
	}
	if (d->phase == P_ASK && drill_q(d)->nchoices > 0 && !d->o->teacher) {
		char keys[16];

		snprintf(keys, sizeof keys, "a-%c",
		    'a' + drill_q(d)->nchoices - 1);
		x += screen_put(y, x, keys, R_HINT_KEY, COLS - x);
		x += screen_put(y, x, " ", R_HINT, COLS - x);
		x += screen_put(y, x, _("choose"), R_HINT, COLS - x);
		x += screen_put(y, x, "  ", R_HINT, COLS - x);
	}
	for (size_t k = 0; k < NDRILL_KEYS; k++) {
		const char *help;

		if (!(drill_keys[k].phases & (1u << d->phase)) ||
		    drill_keys[k].name == NULL)
			continue;
		/* Space reveals only where nothing is to be chosen. */
		if (drill_keys[k].action == D_REVEAL &&
		    drill_q(d)->nchoices > 0 && !d->o->teacher)
			continue;
		if (drill_keys[k].action == D_CHOOSE &&
		    (drill_q(d)->nchoices == 0 || d->o->teacher))
			continue;
		if (drill_keys[k].action == D_SHOW &&
		    drill_q(d)->scenario[0] == '\0')
			continue;
		help = gettext(drill_keys[k].help);
		x += screen_put(y, x, drill_keys[k].name, R_HINT_KEY, COLS - x);
		x += screen_put(y, x, " ", R_HINT, COLS - x);
		x += screen_put(y, x, help, R_HINT, COLS - x);
		x += screen_put(y, x, "  ", R_HINT, COLS - x);
	}
}

static void drill_title(const struct drill *d)
{
	char left[256], right[128];
	size_t ok, answered;

	practice_score(d->s, &ok, &answered);
	snprintf(left, sizeof left, " tcpviz  %s  %s", d->o->teacher ?
	    _("teaching") : _("practice"), drill_q(d)->scenario);
	if (d->phase == P_REVIEW)
		right[0] = '\0';
	else if (d->o->teacher)
		snprintf(right, sizeof right, _(" question %zu of %zu "),
		    d->i + 1, d->s->nq);
	else
		snprintf(right, sizeof right, _(" question %zu of %zu  "
		    "score %zu/%zu "), d->i + 1, d->s->nq, ok, answered);
	screen_fill(0, 0, COLS, screen_attr(R_TITLE));
	screen_put(0, 0, left, R_TITLE, COLS - screen_width(right) - 1);
	screen_put(0, COLS - screen_width(right), right, R_TITLE, COLS);
}

/* The question, its choices and, once answered, the verdict and why. */
static void drill_question(const struct drill *d, struct rect r)
{
	const struct practice_question *q = drill_q(d);
	bool shown = d->phase == P_ANSWERED || d->phase == P_JUDGE;
	int y = r.y;
	char line[1200];

	screen_hline(y++, r.x, r.w, screen_attr(R_FRAME));
	y += drill_wrap(q->ask, y, r.x + 1, r.w - 2, r.y + r.h - y, R_VALUE);
	for (int c = 0; c < q->nchoices && y < r.y + r.h; c++) {
		int role = R_VALUE;
		const char *mark = "  ";

		if (shown && c == q->right) {
			role = R_BADGE_CLIENT;
			mark = screen_utf8() ? "✓ " : "+ ";
		} else if (shown && c == d->given) {
			role = ROLE_LOST;
			mark = screen_utf8() ? "✗ " : "x ";
		} else if (d->phase == P_ASK && c == d->sel &&
		    !d->o->teacher)
			role = R_SELECT;
		snprintf(line, sizeof line, "%s%c) %s", mark, 'a' + c,
		    q->choices[c]);
		y += drill_wrap(line, y, r.x + 1, r.w - 2, r.y + r.h - y, role);
	}
	if (!shown || y >= r.y + r.h)
		return;
	y++;
	if (!d->o->teacher && d->phase == P_ANSWERED) {
		const char *verdict = practice_is_right(q, d->given) ?
		    _("Right.") : _("Wrong.");

		screen_put(y++, r.x + 1, verdict, practice_is_right(q, d->given)
		    ? R_BADGE_CLIENT : ROLE_LOST, r.w - 2);
	}
	if (d->phase == P_JUDGE && !d->o->teacher)
		screen_put(y++, r.x + 1, _("Did you know it?"), R_MESSAGE,
		    r.w - 2);
	drill_wrap(q->answer, y, r.x + 1, r.w - 2, r.y + r.h - y, R_NARR);
}

/* The review as a scrolled page: `y` counts its lines so far, those
 * from `top` on are drawn below the title. */
struct page {
	int y, top;
};

static void page_text(struct page *pg, const char *s, int x, int role)
{
	size_t start[WRAP_MAX], len[WRAP_MAX];
	int n = screen_wrap(s, COLS - x - 2 > 1 ? COLS - x - 2 : 1, start, len,
	    WRAP_MAX);
	char line[1024];

	for (int k = 0; k < n && k < WRAP_MAX; k++, pg->y++) {
		int row = pg->y - pg->top + 1;
		size_t l = len[k] < sizeof line - 1 ? len[k] : sizeof line - 1;

		if (row < 1 || row >= LINES - 1)
			continue;
		memcpy(line, s + start[k], l);
		line[l] = '\0';
		screen_put(row, x, line, role, COLS - x - 2);
	}
}

/* The end: score, then every mistake with its explanation. */
static void drill_review(struct drill *d)
{
	struct page pg = { 0, d->review_top };
	size_t ok, answered, missed = 0;
	char line[1400];

	practice_score(d->s, &ok, &answered);
	pg.y++;
	snprintf(line, sizeof line, _("Score: %zu of %zu"), ok, answered);
	page_text(&pg, line, 2, R_BADGE_CLIENT);
	pg.y++;
	for (size_t i = 0; i < d->s->nq; i++) {
		const struct practice_question *q = d->s->q[i];

		if (d->s->given[i] == PRACTICE_UNANSWERED ||
		    practice_is_right(q, d->s->given[i]))
			continue;
		if (missed++ == 0) {
			page_text(&pg, _("To review:"), 2, R_FRAME_FOCUS);
			pg.y++;
		}
		snprintf(line, sizeof line, "%zu. %s", i + 1, q->ask);
		page_text(&pg, line, 2, R_VALUE);
		if (q->nchoices > 0) {
			snprintf(line, sizeof line, _("Your answer: %s"),
			    q->choices[d->s->given[i]]);
			page_text(&pg, line, 5, ROLE_LOST);
			snprintf(line, sizeof line, _("Right answer: %s"),
			    q->choices[q->right]);
			page_text(&pg, line, 5, R_BADGE_CLIENT);
		}
		page_text(&pg, q->answer, 5, R_NARR);
		pg.y++;
	}
	if (missed == 0 && answered > 0)
		page_text(&pg, _("No mistakes."), 2, R_VALUE);
	/* Scrolling stops where the text ends. */
	if (d->review_top > pg.y - (LINES - 2))
		d->review_top = pg.y - (LINES - 2) > 0 ? pg.y - (LINES - 2) : 0;
}

static void drill_draw(struct drill *d)
{
	const struct practice_question *q = drill_q(d);
	struct rect body = { 1, 0, LINES - 2, COLS };
	int qh;

	erase();
	if (COLS < VIEW_MIN_W || LINES < VIEW_MIN_H) {
		char msg[160];

		snprintf(msg, sizeof msg, _("The terminal is too small for "
		    "practice (now %dx%d, needs %dx%d)"), COLS, LINES, VIEW_MIN_W,
		    VIEW_MIN_H);
		screen_put(LINES / 2, 1, msg, R_NOTICE, COLS - 2);
		refresh();
		return;
	}
	drill_title(d);
	if (d->phase == P_REVIEW) {
		drill_review(d);
	} else if (q->tr != NULL) {
		/* The question below, the ladder above: at least half. */
		qh = body.h / 2 > 8 ? body.h / 2 : 8;
		drill_ladder(d, (struct rect){ body.y, 1, body.h - qh, COLS - 2 });
		drill_question(d, (struct rect){ body.y + body.h - qh, 1, qh,
		    COLS - 2 });
	} else {
		drill_question(d, (struct rect){ body.y + 1, 1, body.h - 1,
		    COLS - 2 });
	}
	drill_hint(d);
	refresh();
}

/* ---- Keys ---- */

static enum drill_action drill_action_of(const struct drill *d, int r,
    wint_t ch)
{
	for (size_t k = 0; k < NDRILL_KEYS; k++)
		if ((drill_keys[k].phases & (1u << d->phase)) &&
		    drill_keys[k].key == (int)ch &&
		    (r == KEY_CODE_YES) == (drill_keys[k].key >= KEY_MIN))
			return drill_keys[k].action;
	return D_NONE;
}

/* Play the lesson of the question in the main view, then come back. */
static int drill_show(struct drill *d)
{
	const struct practice_question *q = drill_q(d);
	const struct ui_practice_lesson *l = NULL;
	struct ui_opts uo;
	int status;

	for (size_t i = 0; i < d->o->nlessons && l == NULL; i++)
		if (strcmp(d->o->lessons[i].sc->id, q->scenario) == 0)
			l = &d->o->lessons[i];
	if (l == NULL) {
		snprintf(d->message, sizeof d->message, _("No lesson '%s' to "
		    "show"), q->scenario);
		return 0;
	}
	memset(&uo, 0, sizeof uo);
	uo.sc = l->sc;
	uo.prof = l->prof;
	uo.seed = l->seed;
	uo.has_seed = true;
	uo.lang = d->o->lang;
	uo.theme = d->theme;
	screen_end();
	status = ui_run(&uo);
	if (status > 1)
		return status;	/* a signal asked to stop */
	if (screen_init(d->theme) < 0)
		return 1;
	clearok(curscr, TRUE);
	return 0;
}

/* The next question, or the review (or the end, when teaching). */
static bool drill_next(struct drill *d)
{
	if (d->i + 1 < d->s->nq) {
		d->i++;
		drill_start(d);
		return true;
	}
	if (d->o->teacher)
		return false;
	d->phase = P_REVIEW;
	d->review_top = 0;
	return true;
}

/* One key; false when the session is over. */
static bool drill_key(struct drill *d, int r, wint_t ch, int *status)
{
	const struct practice_question *q = drill_q(d);
	enum drill_action a = drill_action_of(d, r, ch);

	d->message[0] = '\0';
	/* A choice by its letter or number. */
	if (d->phase == P_ASK && q->nchoices > 0 && !d->o->teacher &&
	    r != KEY_CODE_YES) {
		int c = ch >= 'a' && ch < (wint_t)('a' + q->nchoices) ?
		    (int)(ch - 'a') : ch >= '1' && ch < (wint_t)('1' +
		    q->nchoices) ? (int)(ch - '1') : -1;

		if (c >= 0) {
			drill_answered(d, c);
			return true;
		}
	}
	switch (a) {
	case D_CHOOSE:
		if (q->nchoices > 0 && !d->o->teacher)
			drill_answered(d, d->sel);
		else
			a = D_REVEAL;
		break;
	case D_UP:
	case D_DOWN:
		if (d->phase == P_REVIEW)
			d->review_top += a == D_UP ? -1 : 1;
		else if (q->nchoices > 0)
			d->sel = (d->sel + (a == D_UP ? q->nchoices - 1 : 1)) %
			    q->nchoices;
		break;
	case D_PGUP:
	case D_PGDN:
		d->review_top += (a == D_PGUP ? -1 : 1) * (LINES / 2);
		break;
	case D_KNEW:
	case D_MISSED:
		drill_answered(d, a == D_KNEW ? PRACTICE_KNEW : PRACTICE_MISSED);
		break;
	case D_NEXT:
		return drill_next(d);
	case D_SHOW:
		if ((*status = drill_show(d)) != 0)
			return false;
		break;
	case D_QUIT:
		if (d->phase == P_REVIEW || d->o->teacher)
			return false;
		d->phase = P_REVIEW;
		d->review_top = 0;
		break;
	case D_REDRAW:
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
	if (d->review_top < 0)
		d->review_top = 0;
	if (a == D_REVEAL) {
		/* Teaching: show it and play it; an open question: judge. */
		if (d->o->teacher)
			drill_answered(d, q->nchoices > 0 ? q->right :
			    PRACTICE_KNEW);
		else if (q->nchoices == 0)
			d->phase = P_JUDGE;
	}
	return true;
}

/* ---- The loop ---- */

int ui_practice_run(const struct ui_practice_opts *o)
{
	struct drill d;
	int status = 0, sig;

	if (o->session->nq == 0)
		return 0;
	memset(&d, 0, sizeof d);
	d.o = o;
	d.s = o->session;
	d.theme = o->teacher ? THEME_PROJECTOR : o->theme;
	setlocale(LC_CTYPE, "");
	if (screen_init(d.theme) < 0) {
		const char *term = getenv("TERM");

		fprintf(stderr, _("tcpviz: cannot use the terminal (TERM=%s); "
		    "use --text for a worksheet\n"), term ? term : "");
		return 1;
	}
	if (o->notice != NULL)
		snprintf(d.message, sizeof d.message, "%s", o->notice);
	drill_start(&d);
	for (;;) {
		wint_t ch;
		int r;
		bool playing = d.phase == P_ANSWERED && d.now < d.to;

		if ((sig = screen_signal()) != 0) {
			status = 128 + sig;
			break;
		}
		if (playing) {
			double f = (drill_clock() - d.play_start) / PLAY_SECONDS;

			d.now = f >= 1 ? d.to : d.from +
			    (int64_t)((double)(d.to - d.from) * f);
		}
		drill_draw(&d);
		timeout(playing ? FRAME_MS : -1);
		r = get_wch(&ch);
		if (r == ERR || (r == KEY_CODE_YES && ch == KEY_RESIZE))
			continue;
		if (!drill_key(&d, r, ch, &status))
			break;
	}
	screen_end();
	layout_free(d.lay);
	free(d.spans);
	return status;
}
