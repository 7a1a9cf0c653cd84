/*
 * keys.c: the keymap.  One table says, for every mode, which keys do
 * what; the same table answers a key press, draws the help page and the
 * one-line hint, and is printed by `tcpviz --keys`, which a test holds
 * against the KEYS section of the man page.  Add a key here and all
 * four follow.
 */
#include <string.h>

#include "i18n.h"
#include "view.h"

#define M_WATCH (1u << MODE_WATCH)
#define M_DROP (1u << MODE_DROP)
#define M_SEARCH (1u << MODE_SEARCH)
#define M_PAGE (1u << MODE_PAGE)
#define M_PICKER (1u << MODE_PICKER)
#define M_CONNLIST (1u << MODE_CONNLIST)

#define KEY_ESC 27
#define KEY_CTRL_L 12

struct keymap {
	unsigned modes;
	int keys[4];		/* 0 ends the list early */
	const char *name;	/* as the help and the man page spell it */
	enum view_action action;
	const char *hintkey;	/* in the hint line; NULL: not there */
	const char *hint;	/* a word or two for the hint line */
	bool essential;		/* the hint line keeps it when short */
	const char *desc;	/* one line, for help, --keys and the man page */
};

static const struct keymap keymap[] = {
	{ M_WATCH, { ' ' }, "Space", A_PLAY, "Space", N_("play"), true,
	  N_("play or pause the animation") },
	{ M_WATCH, { KEY_RIGHT, 'n' }, "Right, n", A_NEXT, "n/p", N_("step"), true,
	  N_("next event") },
	{ M_WATCH, { KEY_LEFT, 'p' }, "Left, p", A_PREV, NULL, NULL, false,
	  N_("previous event: the diagram, tables and narration go back too") },
	{ M_WATCH, { KEY_HOME }, "Home", A_FIRST, NULL, NULL, false,
	  N_("first event") },
	{ M_WATCH, { KEY_END }, "End", A_LAST, NULL, NULL, false,
	  N_("last event") },
	{ M_WATCH, { '+', '=' }, "+", A_FASTER, "+/-", N_("speed"), false,
	  N_("play faster") },
	{ M_WATCH, { '-', '_' }, "-", A_SLOWER, NULL, NULL, false,
	  N_("play slower") },
	{ M_WATCH, { '\t' }, "Tab", A_FOCUS, NULL, NULL, false,
	  N_("move the focus between the diagram and the narration") },
	{ M_WATCH | M_PAGE, { KEY_UP }, "Up", A_UP, NULL, NULL, false,
	  N_("scroll the focused pane or the page up") },
	{ M_WATCH | M_PAGE, { KEY_DOWN }, "Down", A_DOWN, NULL, NULL, false,
	  N_("scroll the focused pane or the page down") },
	{ M_WATCH | M_PAGE | M_PICKER | M_CONNLIST, { KEY_PPAGE }, "PgUp", A_PGUP,
	  NULL, NULL, false, N_("scroll up by a screen") },
	{ M_WATCH | M_PAGE | M_PICKER | M_CONNLIST, { KEY_NPAGE }, "PgDn", A_PGDN,
	  NULL, NULL,
	  false, N_("scroll down by a screen") },
	{ M_WATCH, { '<', KEY_SLEFT }, "<", A_SCROLL_LEFT, NULL, NULL, false,
	  N_("scroll the diagram left") },
	{ M_WATCH, { '>', KEY_SRIGHT }, ">", A_SCROLL_RIGHT, NULL, NULL, false,
	  N_("scroll the diagram right") },
	{ M_WATCH, { '\r', '\n', KEY_ENTER }, "Enter", A_INSPECT, "Enter",
	  N_("inspect"), false,
	  N_("inspect the segment under the cursor: every header field") },
	{ M_WATCH, { '/' }, "/", A_SEARCH, "/", N_("search"), false,
	  N_("search the events: states, flags, calls, narration") },
	{ M_WATCH, { 's' }, "s", A_PICKER, "s", N_("scenarios"), false,
	  N_("choose another scenario") },
	{ M_WATCH, { KEY_BACKSPACE, 127, 8, KEY_ESC }, "Backspace, Esc", A_LIST,
	  "Esc", N_("connections"), true,
	  N_("a capture: back to the list of connections") },
	{ M_WATCH | M_CONNLIST, { 'f' }, "f", A_FOLLOW, "f", N_("follow"),
	  false, N_("a live capture: follow the newest packets, or stop "
	  "following") },
	{ M_WATCH | M_CONNLIST, { 'w' }, "w", A_SAVE, "w", N_("save"), false,
	  N_("a capture: save the packets of the connection on screen to a "
	  "new pcap file") },
	{ M_WATCH, { 'l' }, "l", A_LANG, "l", N_("language"), false,
	  N_("switch the language between English and Chinese") },
	{ M_WATCH, { 't' }, "t", A_THEME, "t", N_("theme"), false,
	  N_("switch the theme: default, projector, mono") },
	{ M_WATCH, { 'a' }, "a", A_ABSOLUTE, NULL, NULL, false,
	  N_("show absolute or relative sequence numbers") },
	{ M_WATCH, { 'P' }, "P", A_PRACTICE, NULL, NULL, false,
	  N_("practice: questions on this lesson, then back here") },
	{ M_WATCH, { 'd' }, "d", A_DROP, "d", N_("drop"), true,
	  N_("drop mode: lose a segment and see what TCP does next") },
	{ M_WATCH, { 'u' }, "u", A_UNDO, "u", N_("undo"), false,
	  N_("undo the last drop") },
	{ M_WATCH, { '?' }, "?", A_HELP, "?", N_("help"), true,
	  N_("show this list of keys") },
	{ M_WATCH, { 'q' }, "q", A_QUIT, "q", N_("quit"), true,
	  N_("quit") },
	{ M_WATCH | M_DROP | M_PAGE | M_PICKER | M_CONNLIST, { KEY_CTRL_L },
	  "Ctrl-L",
	  A_REDRAW, NULL, NULL, false, N_("redraw the screen") },

	{ M_DROP, { 'c' }, "c", A_DROP_CLIENT, "c", N_("client's next"), true,
	  N_("lose the next segment the client sends after the cursor") },
	{ M_DROP, { 's' }, "s", A_DROP_SERVER, "s", N_("server's next"), true,
	  N_("lose the next segment the server sends after the cursor") },
	{ M_DROP, { '\r', '\n', KEY_ENTER, 'd' }, "Enter, d", A_DROP_CURSOR,
	  "Enter", N_("this one"), true,
	  N_("lose the segment under the cursor") },
	{ M_DROP, { KEY_ESC, 'q' }, "Esc, q", A_CANCEL, "Esc", N_("cancel"), true,
	  N_("leave drop mode without dropping") },

	{ M_SEARCH, { '\r', '\n', KEY_ENTER }, "Enter", A_CHOOSE, "Enter",
	  N_("find"), true,
	  N_("find the next event that matches (empty: the last search)") },
	{ M_SEARCH, { KEY_BACKSPACE, 127, 8 }, "Backspace", A_ERASE, NULL, NULL,
	  false, N_("erase a character") },
	{ M_SEARCH, { KEY_ESC }, "Esc", A_CANCEL, "Esc", N_("cancel"), true,
	  N_("cancel the search") },

	{ M_PICKER, { KEY_UP }, "Up", A_UP, NULL, NULL, false,
	  N_("the scenario above") },
	{ M_PICKER, { KEY_DOWN }, "Down", A_DOWN, "Up/Down", N_("choose"), true,
	  N_("the scenario below") },
	{ M_PICKER, { '\r', '\n', KEY_ENTER }, "Enter", A_CHOOSE, "Enter",
	  N_("play it"), true, N_("play the chosen scenario") },
	{ M_PAGE | M_PICKER, { KEY_ESC, 'q', '?' }, "Esc, q, ?", A_CANCEL, "Esc",
	  N_("close"), true, N_("close the page or the list") },

	{ M_CONNLIST, { KEY_UP }, "Up", A_UP, NULL, NULL, false,
	  N_("the connection above") },
	{ M_CONNLIST, { KEY_DOWN }, "Down", A_DOWN, "Up/Down", N_("choose"), true,
	  N_("the connection below") },
	{ M_CONNLIST, { '\r', '\n', KEY_ENTER }, "Enter", A_CHOOSE, "Enter",
	  N_("open"), true,
	  N_("open the chosen connection in the diagram") },
	{ M_CONNLIST, { 'q' }, "q", A_QUIT, "q", N_("quit"), true,
	  N_("quit") },
};

#define NKEYMAP (sizeof keymap / sizeof keymap[0])

/* Headings of the help page and of --keys, one per mode. */
static const char *const mode_heading[MODE_NMODES] = {
	[MODE_WATCH] = N_("Watching"),
	[MODE_DROP] = N_("In drop mode (after d)"),
	[MODE_SEARCH] = N_("Typing a search (after /)"),
	[MODE_PAGE] = N_("On a page (help, inspect)"),
	[MODE_PICKER] = N_("In the scenario list (after s)"),
	[MODE_CONNLIST] = N_("In the connection list (a capture, -r or -i)"),
};

/* The mode under whose heading an entry is listed: its first one. */
static enum view_mode keys_home(const struct keymap *k)
{
	for (int m = 0; m < MODE_NMODES; m++)
		if (k->modes & (1u << m))
			return (enum view_mode)m;
	return MODE_WATCH;
}

enum view_action keys_action(enum view_mode mode, int key)
{
	for (size_t i = 0; i < NKEYMAP; i++) {
		if (!(keymap[i].modes & (1u << mode)))
			continue;
		for (size_t j = 0; j < 4 && keymap[i].keys[j]; j++)
			if (keymap[i].keys[j] == key)
				return keymap[i].action;
	}
	return A_NONE;
}

/* One "key word" item of the hint line; returns its width. */
static int keys_hint_item(const struct keymap *k, int y, int x, int w,
    bool draw)
{
	const char *word = gettext(k->hint);
	int kw = screen_width(k->hintkey), ww = screen_width(word);

	if (draw && x + kw + 1 + ww <= w) {
		screen_put(y, x, k->hintkey, R_HINT_KEY, kw);
		screen_put(y, x + kw + 1, word, R_HINT, ww);
	}
	return kw + 1 + ww + 2;
}

/*
 * The hint line of the current mode: the table's hint words in table
 * order.  When they do not all fit, the essential ones (play, step,
 * drop, help, quit) stay and the others go from the right.
 */
/* Does the hint line of this view offer k?  A capture cannot be
 * replayed, so it has no drops nor scenarios; only a capture has a list
 * to go back to. */
static bool keys_offered(const struct view *v, const struct keymap *k)
{
	if (k->hint == NULL || !(k->modes & (1u << v->mode)))
		return false;
	if (k->action == A_LIST)
		return v->capture;
	if (k->action == A_FOLLOW)
		return v->live;
	if (k->action == A_SAVE)
		return v->capture && v->src != NULL && v->src->save != NULL;
	if (v->capture)
		return k->action != A_DROP && k->action != A_UNDO &&
		    k->action != A_PICKER && k->action != A_PRACTICE;
	return true;
}

void keys_draw_hint(const struct view *v, int y, int w)
{
	/* TRANSLATORS: the end of the hint line on a capture's diagram. */
	const char *nodrop = _("capture: no drop mode");
	int need = 0, x = 1;

	screen_fill(y, 0, w, screen_attr(R_HINT));
	if (v->capture && v->mode == MODE_WATCH)
		need += screen_width(nodrop) + 2;
	for (size_t i = 0; i < NKEYMAP; i++)
		if (keys_offered(v, &keymap[i]) && keymap[i].essential)
			need += keys_hint_item(&keymap[i], y, 0, w, false);
	for (size_t i = 0; i < NKEYMAP; i++) {
		const struct keymap *k = &keymap[i];
		int iw;
		if (!keys_offered(v, k))
			continue;
		iw = keys_hint_item(k, y, 0, w, false);
		if (k->essential)
			need -= iw;
		else if (x + iw + need > w)
			continue;
		keys_hint_item(k, y, x, w, true);
		x += iw;
	}
	if (v->capture && v->mode == MODE_WATCH && x + screen_width(nodrop) <= w)
		screen_put(y, x, nodrop, R_HINT, w - x);
}

void ui_keys_print(FILE *out)
{
	for (int m = 0; m < MODE_NMODES; m++) {
		fprintf(out, "%s%s:\n", m ? "\n" : "", gettext(mode_heading[m]));
		for (size_t i = 0; i < NKEYMAP; i++)
			if (keys_home(&keymap[i]) == (enum view_mode)m)
				fprintf(out, "%s\t%s\n", keymap[i].name,
				    gettext(keymap[i].desc));
	}
}

/* Lines of the help page: per mode a heading and its keys, a blank
 * line between modes. */
int keys_help_lines(void)
{
	return MODE_NMODES * 2 - 1 + (int)NKEYMAP;
}

/* The screen row of line `line` of a page scrolled to v->page_scroll;
 * -1 when it is off the rectangle. */
static int keys_row(const struct view *v, struct rect r, int line)
{
	int y = line - v->page_scroll;

	return y >= 0 && y < r.h ? r.y + y : -1;
}

void keys_draw_help(const struct view *v, struct rect r)
{
	int line = 0, namew = 0, y;

	for (size_t i = 0; i < NKEYMAP; i++) {
		int w = screen_width(keymap[i].name);
		if (w > namew)
			namew = w;
	}
	for (int m = 0; m < MODE_NMODES; m++) {
		if (m > 0)
			line++;
		if ((y = keys_row(v, r, line++)) >= 0)
			screen_put(y, r.x, gettext(mode_heading[m]), R_FRAME_FOCUS,
			    r.w);
		for (size_t i = 0; i < NKEYMAP; i++) {
			const struct keymap *k = &keymap[i];
			if (keys_home(k) != (enum view_mode)m)
				continue;
			if ((y = keys_row(v, r, line++)) < 0)
				continue;
			screen_put(y, r.x + 2, k->name, R_HINT_KEY, namew);
			screen_put(y, r.x + 4 + namew, gettext(k->desc), ROLE_TEXT,
			    r.w - 4 - namew);
		}
	}
}
