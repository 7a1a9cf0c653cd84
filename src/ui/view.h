/*
 * view.h: what the files of the interactive view share: the view's
 * state (struct view), the screen roles a theme colours, and the
 * functions each file offers.  Only src/ui/ includes this (and curses).
 *
 * Order: ui.c makes the view and calls screen_init(); every frame it
 * erases the screen, asks ladder, tables, narration and keys to draw
 * their rectangles (and an overlay: help, inspect or picker), then
 * refreshes; screen_end() last.
 */
#ifndef VIEW_H
#define VIEW_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifdef HAVE_NCURSESW_CURSES_H
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"
#include "player.h"
#include "ui.h"

/* Below this the view shows a notice instead of a squeezed diagram. */
#define VIEW_MIN_W 60
#define VIEW_MIN_H 16
/* From this width the state tables stand left and right of the ladder. */
#define VIEW_WIDE_W 120

/* Screen roles: the ladder's (enum layout_role) and the view's own. */
enum view_role {
	R_TITLE = ROLE_NROLES,	/* the top line */
	R_HINT,			/* the key hint line */
	R_HINT_KEY,		/* a key name in it */
	R_FRAME,		/* rules and pane headings */
	R_FRAME_FOCUS,		/* the heading of the focused pane */
	R_BADGE_CLIENT,		/* the big state name of the client */
	R_BADGE_SERVER,
	R_FIELD,		/* a table's field name */
	R_VALUE,		/* its value */
	R_QUEUE_FULL,		/* a filled queue box */
	R_QUEUE_EMPTY,
	R_NARR,			/* narration of this step */
	R_NARR_OLD,		/* an earlier step's narration, still shown */
	R_STATUS,		/* the one-line summary of the step */
	R_MESSAGE,		/* the answer to the last key */
	R_SELECT,		/* the chosen line of a list */
	R_NOTICE,		/* the "please enlarge" notice */
	R_NROLES
};

/* Glyphs that differ between UTF-8 and ASCII terminals. */
enum glyph {
	G_HLINE, G_VLINE, G_TL, G_TR, G_BL, G_BR,
	G_BOX_FULL, G_BOX_EMPTY,	/* queue slots */
	G_BAR_FULL, G_BAR_EMPTY,	/* a timer's bar */
	G_PLAY, G_PAUSE, G_FFWD,
	G_RARROW, G_LARROW, G_BULLET,
	G_NGLYPHS
};

struct rect {
	int y, x, h, w;
};

enum view_mode {
	MODE_WATCH,		/* the diagram */
	MODE_DROP,		/* d was pressed: which segment to lose? */
	MODE_SEARCH,		/* typing after / */
	MODE_PAGE,		/* help or inspect on top */
	MODE_PICKER,		/* the scenario list on top */
	MODE_CONNLIST,		/* a capture's connections, to pick one */
	MODE_NMODES
};

enum view_page { PAGE_NONE, PAGE_HELP, PAGE_INSPECT };

enum view_focus { FOCUS_LADDER, FOCUS_NARRATION, FOCUS_N };

/* One row of a capture's connection list: a connection, or a SYN flood
 * (all the half-open connections to one listener) as a single row. */
struct connlist_row {
	int conn;		/* trace id; 0 for a flood row */
	int listener;		/* 1-based, for a flood row; else 0 */
};

/* One scenario of the picker's list. */
struct picker_item {
	char *path;
	char id[64];
	char *title[2];
	char *topics;
};

struct view {
	const struct ui_opts *opts;

	/* What is played: the command line's scenario (opts->sc), or one
	 * the picker loaded (then also owned_sc). */
	const struct scenario *sc;
	struct scenario *owned_sc;
	struct profile *prof;
	struct player *player;
	const struct trace *tr;
	struct layout *lay;
	int lay_width;		/* the width lay was built for */
	struct layout_span *spans;	/* of the last frame */
	size_t nspans_cap;

	/* Steps: the events the cursor stops at (all but narration). */
	size_t *steps;
	size_t nsteps;
	size_t step;		/* index into steps */
	int64_t now;		/* the moment on screen, protocol time */

	/* Playback. */
	bool playing;
	int speed;		/* index into the speed table of ui.c */
	double last_tick;	/* monotonic seconds of the last frame */
	double hold_until;	/* reading time of a narrated step */

	/* Presentation. */
	int lang;
	int theme;
	bool absolute;
	enum view_mode mode;
	enum view_page page;
	enum view_focus focus;
	int scroll_rows;	/* manual ladder scroll, added to the follow */
	int scroll_cols;	/* horizontal ladder scroll */
	int narr_scroll;
	int page_scroll;
	long inspect_ev;	/* the event inspect shows */
	char message[256];
	char search[128];
	size_t searchlen;
	char last_search[128];

	/* Picker. */
	struct picker_item *items;
	size_t nitems;
	size_t item;

	/* A capture (ui_capture_run()): no player, profile nor scenario
	 * file.  The list shows cap's connections; the chosen ones are
	 * copied into sub (events and connections only, the rest shared
	 * with cap), which tr then points at, and capsc stands in for the
	 * scenario so that the headers name the chosen endpoints. */
	bool capture;
	const struct trace *cap;
	struct trace sub;
	bool has_sub;
	struct scenario capsc;
	char captitle[160];
	struct connlist_row *rows;
	size_t nrows;
	size_t row;
	struct trace_conn_summary *sums;	/* of cap's connections */
	int open_conn;		/* the row in the diagram: a connection, */
	int open_listener;	/* or a flood's half-open ones */
	/* Where more packets come from, and how they are followed
	 * (capview.c). */
	const struct ui_capture_source *src;
	bool live;		/* packets may still come */
	bool live_over;		/* they came, and stopped */
	bool follow;		/* the list and the diagram show the newest */
	double shown_at;	/* monotonic seconds of the last rebuild */
	double pumped_at;	/* ... and of the last read */
	size_t let_go;		/* connections let go, as last said */
	char live_why[256];	/* why the capture stopped */
};

/* ---- screen.c ---- */
int screen_init(int theme);
void screen_end(void);
bool screen_utf8(void);
void screen_set_theme(int theme);
bool screen_has_colour(void);
bool screen_spacious(void);	/* projector: room between lines */
attr_t screen_attr(int role);
const char *screen_glyph(enum glyph g);
int screen_signal(void);
int screen_width(const char *s);
int screen_text(int y, int x, const char *s, attr_t attr, int x0, int x1);
int screen_put(int y, int x, const char *s, int role, int maxw);
void screen_fill(int y, int x, int w, attr_t attr);
void screen_hline(int y, int x, int w, attr_t attr);
int screen_wrap(const char *s, int width, size_t *start, size_t *len,
    int max);

/* ---- keys.c ---- */
enum view_action {
	A_NONE,
	A_PLAY, A_NEXT, A_PREV, A_FIRST, A_LAST, A_FASTER, A_SLOWER,
	A_FOCUS, A_UP, A_DOWN, A_PGUP, A_PGDN, A_SCROLL_LEFT, A_SCROLL_RIGHT,
	A_INSPECT, A_SEARCH, A_PICKER, A_LANG, A_THEME, A_ABSOLUTE, A_PRACTICE,
	A_DROP, A_UNDO, A_HELP, A_QUIT, A_REDRAW,
	A_DROP_CLIENT, A_DROP_SERVER, A_DROP_CURSOR,
	A_CHOOSE, A_CANCEL, A_ERASE, A_LIST, A_FOLLOW, A_SAVE
};
enum view_action keys_action(enum view_mode mode, int key);
void keys_draw_hint(const struct view *v, int y, int w);
int keys_help_lines(void);
void keys_draw_help(const struct view *v, struct rect r);

/* ---- ladder.c ---- */
void ladder_draw(struct view *v, struct rect r);

/* ---- tables.c ---- */
int tables_height(void);
int tables_width(void);
void tables_draw(const struct view *v, struct rect r, int side, bool wide);

/* ---- narration.c ---- */
const char *narration_event(const struct view *v, size_t i, char *buf,
    size_t len);
const char *narration_side(int side);
const char *narration_time(int64_t t, char *buf, size_t len);
void narration_draw(struct view *v, struct rect r);

/* ---- inspect.c ---- */
void inspect_draw(struct view *v, struct rect r);

/* ---- picker.c ---- */
int picker_open(struct view *v);
void picker_close(struct view *v);
void picker_draw(const struct view *v, struct rect r);

/* ---- connlist.c ---- */
int connlist_build(struct view *v);
void connlist_free(struct view *v);
void connlist_draw(const struct view *v, struct rect r);

/* ---- capview.c ---- */
int capview_open(struct view *v, size_t row);
void capview_close(struct view *v);
bool capview_list_key(struct view *v, enum view_action a);
/* f and w, in the list or the diagram; false if a is neither. */
bool capview_key(struct view *v, enum view_action a);
/* After every key: following and pinning follow where the user is. */
void capview_after_key(struct view *v, enum view_action a);
/* Live: wait up to ms (-1: no limit) for a key, reading packets as they
 * come; true when a key waits, false when there is something new to
 * draw or the time is up. */
bool capview_wait(struct view *v, int ms);
/* "1234 packets, dropped 0+0 ... LIVE, following" for the title. */
void capview_status(const struct view *v, char *buf, size_t len);
void capview_free(struct view *v);

/* ---- ui.c ---- */
#ifdef __GNUC__
__attribute__((format(printf, 2, 3)))
#endif
void ui_message(struct view *v, const char *fmt, ...);
int view_make_steps(struct view *v);
int view_relayout(struct view *v, int width);
void view_goto(struct view *v, size_t k);
long view_cursor(const struct view *v);
const char *view_narration(const struct view *v, size_t i);
bool view_focused(const struct view *v, enum view_focus f);

#endif
