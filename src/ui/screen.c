/*
 * screen.c: the terminal itself.  Starting and restoring curses (on
 * quit, on SIGINT and SIGTERM, on exit() and on a crash), the themes as
 * tables of screen roles, the glyphs of a UTF-8 or an ASCII terminal,
 * and writing UTF-8 text clipped and wrapped by display width.
 *
 * Themes (htop's way): each role has an 8-colour and a 256-colour
 * foreground and an attribute; the mono table uses bold, reverse,
 * underline and dim only.  NO_COLOR, or a terminal without colours,
 * takes the attributes from the mono table whatever the theme.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700	/* wcwidth(), sigaction() */
#endif

#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "textwidth.h"
#include "view.h"

struct theme_role {
	short fg8, fg256;	/* -1: the terminal's own */
	attr_t attr;
};

/* Colour-blind-safe hues (Okabe and Ito) where there are 256 colours:
 * the client blue, the server orange; loss vermillion, always with a
 * mark and a word besides. */
static const struct theme_role theme_default[R_NROLES] = {
	[ROLE_TEXT] = { -1, -1, A_NORMAL },
	[ROLE_TIME] = { -1, 244, A_NORMAL },
	[ROLE_LIFELINE] = { -1, 245, A_NORMAL },
	[ROLE_ARROW_C2S] = { COLOR_BLUE, 32, A_NORMAL },
	[ROLE_ARROW_S2C] = { COLOR_YELLOW, 172, A_NORMAL },
	[ROLE_LABEL] = { -1, -1, A_NORMAL },
	[ROLE_LOST] = { COLOR_RED, 166, A_BOLD },
	[ROLE_RETRANS] = { COLOR_MAGENTA, 132, A_BOLD },
	[ROLE_STATE] = { COLOR_GREEN, 36, A_BOLD },
	[ROLE_TIMER] = { COLOR_MAGENTA, 98, A_NORMAL },
	[ROLE_APP] = { COLOR_CYAN, 74, A_NORMAL },
	[ROLE_GAP] = { -1, 244, A_NORMAL },
	[ROLE_BRANCH] = { COLOR_MAGENTA, 132, A_BOLD | A_UNDERLINE },
	[ROLE_CURSOR] = { -1, -1, A_REVERSE },
	[ROLE_FUTURE] = { -1, 240, A_DIM },
	[R_TITLE] = { -1, -1, A_REVERSE },
	[R_HINT] = { -1, -1, A_NORMAL },
	[R_HINT_KEY] = { -1, -1, A_BOLD },
	[R_FRAME] = { -1, 244, A_NORMAL },
	[R_FRAME_FOCUS] = { -1, -1, A_BOLD | A_UNDERLINE },
	[R_BADGE_CLIENT] = { COLOR_BLUE, 32, A_REVERSE | A_BOLD },
	[R_BADGE_SERVER] = { COLOR_YELLOW, 172, A_REVERSE | A_BOLD },
	[R_FIELD] = { -1, 244, A_NORMAL },
	[R_VALUE] = { -1, -1, A_BOLD },
	[R_QUEUE_FULL] = { COLOR_YELLOW, 172, A_BOLD },
	[R_QUEUE_EMPTY] = { -1, 244, A_NORMAL },
	[R_NARR] = { -1, -1, A_NORMAL },
	[R_NARR_OLD] = { -1, 244, A_DIM },
	[R_STATUS] = { -1, -1, A_BOLD },
	[R_MESSAGE] = { COLOR_CYAN, 74, A_BOLD },
	[R_SELECT] = { -1, -1, A_REVERSE },
	[R_NOTICE] = { -1, -1, A_BOLD },
};

/* A classroom projector washes colours out: bright hues, all bold. */
static const struct theme_role theme_projector[R_NROLES] = {
	[ROLE_TEXT] = { -1, -1, A_BOLD },
	[ROLE_TIME] = { -1, -1, A_NORMAL },
	[ROLE_LIFELINE] = { -1, -1, A_BOLD },
	[ROLE_ARROW_C2S] = { COLOR_BLUE, 33, A_BOLD },
	[ROLE_ARROW_S2C] = { COLOR_YELLOW, 208, A_BOLD },
	[ROLE_LABEL] = { -1, -1, A_BOLD },
	[ROLE_LOST] = { COLOR_RED, 202, A_BOLD | A_REVERSE },
	[ROLE_RETRANS] = { COLOR_MAGENTA, 170, A_BOLD | A_UNDERLINE },
	[ROLE_STATE] = { COLOR_GREEN, 41, A_BOLD },
	[ROLE_TIMER] = { COLOR_MAGENTA, 141, A_BOLD },
	[ROLE_APP] = { COLOR_CYAN, 45, A_BOLD },
	[ROLE_GAP] = { -1, -1, A_BOLD },
	[ROLE_BRANCH] = { COLOR_MAGENTA, 170, A_BOLD | A_REVERSE },
	[ROLE_CURSOR] = { -1, -1, A_REVERSE | A_BOLD },
	[ROLE_FUTURE] = { -1, 242, A_DIM },
	[R_TITLE] = { -1, -1, A_REVERSE | A_BOLD },
	[R_HINT] = { -1, -1, A_BOLD },
	[R_HINT_KEY] = { -1, -1, A_BOLD | A_REVERSE },
	[R_FRAME] = { -1, -1, A_BOLD },
	[R_FRAME_FOCUS] = { -1, -1, A_BOLD | A_REVERSE },
	[R_BADGE_CLIENT] = { COLOR_BLUE, 33, A_REVERSE | A_BOLD },
	[R_BADGE_SERVER] = { COLOR_YELLOW, 208, A_REVERSE | A_BOLD },
	[R_FIELD] = { -1, -1, A_NORMAL },
	[R_VALUE] = { -1, -1, A_BOLD },
	[R_QUEUE_FULL] = { COLOR_YELLOW, 208, A_BOLD },
	[R_QUEUE_EMPTY] = { -1, -1, A_BOLD },
	[R_NARR] = { -1, -1, A_BOLD },
	[R_NARR_OLD] = { -1, -1, A_NORMAL },
	[R_STATUS] = { -1, -1, A_BOLD | A_UNDERLINE },
	[R_MESSAGE] = { COLOR_CYAN, 45, A_BOLD },
	[R_SELECT] = { -1, -1, A_REVERSE | A_BOLD },
	[R_NOTICE] = { -1, -1, A_BOLD },
};

/* No colour at all: the two directions differ by weight, a loss by
 * weight and underline, the cursor by reverse video. */
static const struct theme_role theme_mono[R_NROLES] = {
	[ROLE_TEXT] = { -1, -1, A_NORMAL },
	[ROLE_TIME] = { -1, -1, A_DIM },
	[ROLE_LIFELINE] = { -1, -1, A_NORMAL },
	[ROLE_ARROW_C2S] = { -1, -1, A_BOLD },
	[ROLE_ARROW_S2C] = { -1, -1, A_NORMAL },
	[ROLE_LABEL] = { -1, -1, A_NORMAL },
	[ROLE_LOST] = { -1, -1, A_BOLD | A_UNDERLINE },
	[ROLE_RETRANS] = { -1, -1, A_UNDERLINE },
	[ROLE_STATE] = { -1, -1, A_BOLD },
	[ROLE_TIMER] = { -1, -1, A_UNDERLINE },
	[ROLE_APP] = { -1, -1, A_NORMAL },
	[ROLE_GAP] = { -1, -1, A_DIM },
	[ROLE_BRANCH] = { -1, -1, A_BOLD | A_REVERSE },
	[ROLE_CURSOR] = { -1, -1, A_REVERSE },
	[ROLE_FUTURE] = { -1, -1, A_DIM },
	[R_TITLE] = { -1, -1, A_REVERSE },
	[R_HINT] = { -1, -1, A_NORMAL },
	[R_HINT_KEY] = { -1, -1, A_BOLD },
	[R_FRAME] = { -1, -1, A_NORMAL },
	[R_FRAME_FOCUS] = { -1, -1, A_BOLD | A_UNDERLINE },
	[R_BADGE_CLIENT] = { -1, -1, A_REVERSE | A_BOLD },
	[R_BADGE_SERVER] = { -1, -1, A_REVERSE | A_BOLD },
	[R_FIELD] = { -1, -1, A_NORMAL },
	[R_VALUE] = { -1, -1, A_BOLD },
	[R_QUEUE_FULL] = { -1, -1, A_BOLD },
	[R_QUEUE_EMPTY] = { -1, -1, A_NORMAL },
	[R_NARR] = { -1, -1, A_NORMAL },
	[R_NARR_OLD] = { -1, -1, A_DIM },
	[R_STATUS] = { -1, -1, A_BOLD },
	[R_MESSAGE] = { -1, -1, A_BOLD },
	[R_SELECT] = { -1, -1, A_REVERSE },
	[R_NOTICE] = { -1, -1, A_BOLD },
};

static const struct theme_role *const themes[THEME_NTHEMES] = {
	[THEME_DEFAULT] = theme_default,
	[THEME_PROJECTOR] = theme_projector,
	[THEME_MONO] = theme_mono,
};

static const char *const glyphs_utf8[G_NGLYPHS] = {
	[G_HLINE] = "─", [G_VLINE] = "│", [G_TL] = "┌", [G_TR] = "┐",
	[G_BL] = "└", [G_BR] = "┘",
	[G_BOX_FULL] = "▮", [G_BOX_EMPTY] = "▯",
	[G_BAR_FULL] = "█", [G_BAR_EMPTY] = "░",
	[G_PLAY] = "▶", [G_PAUSE] = "‖", [G_FFWD] = "»",
	[G_RARROW] = "→", [G_LARROW] = "←",
	[G_BULLET] = "•",
};

static const char *const glyphs_ascii[G_NGLYPHS] = {
	[G_HLINE] = "-", [G_VLINE] = "|", [G_TL] = "+", [G_TR] = "+",
	[G_BL] = "+", [G_BR] = "+",
	[G_BOX_FULL] = "#", [G_BOX_EMPTY] = ".",
	[G_BAR_FULL] = "#", [G_BAR_EMPTY] = "-",
	[G_PLAY] = ">", [G_PAUSE] = "=", [G_FFWD] = ">>",
	[G_RARROW] = "->", [G_LARROW] = "<-",
	[G_BULLET] = "*",
};

static bool active;		/* curses owns the terminal */
static SCREEN *screen;
static FILE *keyboard;		/* stdin, or /dev/tty when stdin is not one */
static int keyboard_fd = -1;
static bool utf8;
static bool colour;		/* colours are allowed and available */
static int theme = THEME_DEFAULT;
static attr_t attrs[R_NROLES];
static volatile sig_atomic_t pending_signal;

/* For the crash path, which may not call curses: the terminal modes
 * from before initscr() and the escapes that undo what curses set. */
static struct termios saved_tios;
static bool have_tios;
static char reset_seq[256];
static size_t reset_len;

static void screen_on_signal(int sig)
{
	pending_signal = sig;
}

/* A crash: put the terminal back with async-signal-safe calls only,
 * then die of the same signal so the shell reports it. */
static void screen_on_crash(int sig)
{
	if (active) {
		/* Should the write fail, nothing more can be done. */
		ssize_t n = write(STDOUT_FILENO, reset_seq, reset_len);
		(void)n;
		if (have_tios)
			tcsetattr(keyboard_fd, TCSANOW, &saved_tios);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* exit() from anywhere (an error path of a library) ends curses too. */
static void screen_atexit(void)
{
	screen_end();
}

static void screen_catch(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal must wake a getch() that is sleeping. */
	sigaction(sig, &sa, NULL);
}

/* Back to the default dispositions of the signals we wait for. */
static void screen_release_signals(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
}

static void screen_add_reset(const char *cap)
{
	char *s = tigetstr((char *)cap);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (reset_len + n < sizeof reset_seq) {
		memcpy(reset_seq + reset_len, s, n);
		reset_len += n;
	}
}

static void screen_make_attrs(void)
{
	const struct theme_role *t = themes[colour ? theme : THEME_MONO];
	bool many = colour && COLORS >= 256;

	for (int r = 0; r < R_NROLES; r++) {
		short fg = many ? t[r].fg256 : t[r].fg8;
		attrs[r] = t[r].attr;
		if (colour && fg >= 0) {
			init_pair((short)(r + 1), fg, -1);
			attrs[r] |= COLOR_PAIR(r + 1);
		}
	}
}

int screen_init(int th)
{
	const char *nc = getenv("NO_COLOR");
	static bool registered;

	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	/* Keys come from the terminal even when stdin is a pipe or a file,
	 * as with less(1): reading keys from a file would never block. */
	keyboard = isatty(STDIN_FILENO) ? stdin : fopen("/dev/tty", "r");
	if (keyboard == NULL)
		return -1;
	keyboard_fd = fileno(keyboard);
	have_tios = tcgetattr(keyboard_fd, &saved_tios) == 0;
	/* Ours before initscr(), which then leaves them alone. */
	screen_catch(SIGINT, screen_on_signal);
	screen_catch(SIGTERM, screen_on_signal);
	screen_catch(SIGHUP, screen_on_signal);
	screen_catch(SIGSEGV, screen_on_crash);
	screen_catch(SIGBUS, screen_on_crash);
	screen_catch(SIGFPE, screen_on_crash);
	screen_catch(SIGABRT, screen_on_crash);
	if (!registered) {
		atexit(screen_atexit);
		registered = true;
	}

	if ((screen = newterm(NULL, stdout, keyboard)) == NULL) {
		if (keyboard != stdin)
			fclose(keyboard);
		screen_release_signals();
		return -1;
	}
	active = true;
	reset_len = 0;
	screen_add_reset("rmcup");
	screen_add_reset("cnorm");
	screen_add_reset("sgr0");
	screen_add_reset("rmkx");
	cbreak();		/* Ctrl-C stays a signal */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(50);	/* Esc alone closes a page at once */
	colour = has_colors() && !(nc != NULL && *nc != '\0');
	if (colour) {
		start_color();
		if (use_default_colors() != OK)
			assume_default_colors(COLOR_WHITE, COLOR_BLACK);
	}
	screen_set_theme(th);
	return 0;
}

void screen_end(void)
{
	if (!active)
		return;
	active = false;
	curs_set(1);
	endwin();
	delscreen(screen);
	if (keyboard != stdin)
		fclose(keyboard);
	/* The program may still print (an error); the terminal is ours. */
	screen_release_signals();
}

bool screen_utf8(void)
{
	return utf8;
}

bool screen_has_colour(void)
{
	return colour;
}

void screen_set_theme(int th)
{
	theme = th;
	screen_make_attrs();
}

bool screen_spacious(void)
{
	return theme == THEME_PROJECTOR;
}

attr_t screen_attr(int role)
{
	return role >= 0 && role < R_NROLES ? attrs[role] : A_NORMAL;
}

const char *screen_glyph(enum glyph g)
{
	return (utf8 ? glyphs_utf8 : glyphs_ascii)[g];
}

int screen_signal(void)
{
	return pending_signal;
}

/* Next code point of NUL-terminated UTF-8 text.  A sequence cut short
 * stops at the NUL, which is no continuation byte, so saying that four
 * bytes are left is safe. */
static wchar_t screen_decode(const char **sp)
{
	uint32_t cp;

	*sp += textwidth_decode(*sp, 4, &cp);
	return (wchar_t)cp;
}

/* Columns a character takes here; an ASCII terminal shows '?' for
 * anything it cannot show, so that it never gets a byte >= 0x80.  The
 * locale's wcwidth(), not textwidth(): curses places characters by it,
 * and the two must agree. */
static int screen_cwidth(wchar_t *wc)
{
	int w;

	if (*wc < 0x20 || *wc == 0x7f) {
		*wc = L' ';
		return 1;
	}
	if (!utf8 && *wc >= 0x80) {
		*wc = L'?';
		return 1;
	}
	w = wcwidth(*wc);
	if (w < 0) {
		*wc = L'?';
		return 1;
	}
	return w;
}

int screen_width(const char *s)
{
	int n = 0;

	while (*s) {
		wchar_t wc = screen_decode(&s);
		n += screen_cwidth(&wc);
	}
	return n;
}

/*
 * Write s with its first column at x on row y, showing only what falls
 * in columns [x0, x1): the ladder scrolls sideways by starting text left
 * of its pane.  A wide character cut by an edge becomes a space.
 * Returns the column after the text (unclipped).
 */
int screen_text(int y, int x, const char *s, attr_t attr, int x0, int x1)
{
	if (y < 0 || y >= LINES)
		return x + screen_width(s);
	if (x0 < 0)
		x0 = 0;
	if (x1 > COLS)
		x1 = COLS;
	attrset(attr);
	while (*s) {
		wchar_t wc = screen_decode(&s);
		int w = screen_cwidth(&wc);
		if (w == 0)
			continue;	/* combining marks: not in our texts */
		if (x >= x0 && x + w <= x1) {
			wchar_t str[2] = { wc, L'\0' };
			mvaddnwstr(y, x, str, 1);
		} else if (x + w > x0 && x < x1) {
			for (int i = x < x0 ? x0 : x; i < x + w && i < x1; i++)
				mvaddch(y, i, ' ');
		}
		x += w;
	}
	attrset(A_NORMAL);
	return x;
}

/* Text at (y, x) in a role, at most maxw columns; returns the columns
 * written. */
int screen_put(int y, int x, const char *s, int role, int maxw)
{
	if (maxw <= 0)
		return 0;
	int end = screen_text(y, x, s, screen_attr(role), x, x + maxw);
	return (end > x + maxw ? maxw : end - x);
}

void screen_fill(int y, int x, int w, attr_t attr)
{
	if (y < 0 || y >= LINES)
		return;
	attrset(attr);
	for (int i = x < 0 ? 0 : x; i < x + w && i < COLS; i++)
		mvaddch(y, i, ' ');
	attrset(A_NORMAL);
}

void screen_hline(int y, int x, int w, attr_t attr)
{
	for (int i = 0; i < w; i++)
		screen_text(y, x + i, screen_glyph(G_HLINE), attr, x, x + w);
}

/* May a line break come before this character?  Not before Chinese
 * closing punctuation, which must stay with what it closes. */
static bool screen_break_before(wchar_t wc)
{
	static const wchar_t nobreak[] = L"，。、；：！？）」』》〉”’,.;:!?)";

	return wcschr(nobreak, wc) == NULL;
}

/*
 * Break s into lines of at most `width` columns: at spaces, and next to
 * wide (CJK) characters, which need no space.  Fills start/len (in
 * bytes; a line's trailing spaces left out) for up to max lines and
 * returns how many lines there are.  A newline in s ends a line.
 */
int screen_wrap(const char *s, int width, size_t *start, size_t *len, int max)
{
	const char *line = s;
	int n = 0;

	if (width < 1)
		width = 1;
	while (*line) {
		const char *p = line, *cut, *resume, *brk = NULL, *brk_next = NULL;
		bool prev_wide = false;
		int col = 0;

		for (;;) {
			const char *here = p;
			wchar_t wc;
			int w;
			if (*p == '\0' || *p == '\n') {
				cut = p;
				resume = *p ? p + 1 : p;
				break;
			}
			wc = screen_decode(&p);
			w = screen_cwidth(&wc);
			bool can = here > line && screen_break_before(wc) &&
			    (w > 1 || prev_wide);
			if (col + w > width) {
				if (wc == L' ')
					cut = here, resume = p;
				else if (can)
					cut = resume = here;
				else if (brk != NULL)
					cut = brk, resume = brk_next;
				else	/* one word wider than the line */
					cut = resume = here > line ? here : p;
				break;
			}
			if (wc == L' ')
				brk = here, brk_next = p;
			else if (can)
				brk = brk_next = here;
			prev_wide = w > 1;
			col += w;
		}
		while (cut > line && cut[-1] == ' ')
			cut--;
		if (n < max) {
			start[n] = (size_t)(line - s);
			len[n] = (size_t)(cut - line);
		}
		n++;
		line = resume;
		while (*line == ' ')
			line++;
	}
	return n;
}
