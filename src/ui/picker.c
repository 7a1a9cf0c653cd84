/*
 * picker.c: the scenario list that s opens.  It reads the scenario
 * directory as `tcpviz --list` does (datadir.h), shows each scenario's
 * id, title and topics in the chosen language, and ui.c plays the one
 * chosen.  A file that does not parse is left out of the list.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "datadir.h"
#include "i18n.h"
#include "view.h"

static int picker_cmp(const void *a, const void *b)
{
	return strcmp(((const struct picker_item *)a)->id,
	    ((const struct picker_item *)b)->id);
}

static char *picker_dup(const char *s)
{
	char *d = s ? malloc(strlen(s) + 1) : NULL;

	if (d)
		strcpy(d, s);
	return d;
}

/* Add the scenario in file `path` to the list; false if out of memory. */
static bool picker_add(struct view *v, const char *path)
{
	struct picker_item *items, *it;
	struct scenario sc;
	struct tv_error err;

	if (scenario_load(&sc, path, &err) < 0) {
		scenario_free(&sc);
		return true;	/* tcpviz --check says what is wrong */
	}
	items = realloc(v->items, (v->nitems + 1) * sizeof *items);
	if (items == NULL) {
		scenario_free(&sc);
		return false;
	}
	v->items = items;
	it = &items[v->nitems++];
	memset(it, 0, sizeof *it);
	snprintf(it->id, sizeof it->id, "%s", sc.id);
	it->path = picker_dup(path);
	it->title[0] = picker_dup(sc.title[0]);
	it->title[1] = picker_dup(sc.title[1]);
	it->topics = picker_dup(sc.topics);
	scenario_free(&sc);
	return it->path != NULL;
}

int picker_open(struct view *v)
{
	char dir[1024], path[1400];
	struct dirent *de;
	DIR *d;

	picker_close(v);
	if (datadir_path(dir, sizeof dir, "scenarios") < 0 ||
	    (d = opendir(dir)) == NULL) {
		snprintf(v->message, sizeof v->message,
		    _("Cannot read the scenario directory %s (set TCPVIZ_DATADIR)"),
		    dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n <= 7 || strcmp(de->d_name + n - 7, ".tcpviz") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (!picker_add(v, path))
			break;
	}
	closedir(d);
	if (v->nitems == 0) {
		snprintf(v->message, sizeof v->message,
		    _("No scenarios in %s"), dir);
		return -1;
	}
	qsort(v->items, v->nitems, sizeof *v->items, picker_cmp);
	v->item = 0;
	for (size_t i = 0; i < v->nitems; i++)
		if (strcmp(v->items[i].id, v->sc->id) == 0)
			v->item = i;
	return 0;
}

void picker_close(struct view *v)
{
	for (size_t i = 0; i < v->nitems; i++) {
		free(v->items[i].path);
		free(v->items[i].title[0]);
		free(v->items[i].title[1]);
		free(v->items[i].topics);
	}
	free(v->items);
	v->items = NULL;
	v->nitems = 0;
}

void picker_draw(const struct view *v, struct rect r)
{
	int idw = 0, top;

	for (size_t i = 0; i < v->nitems; i++) {
		int w = screen_width(v->items[i].id);
		if (w > idw)
			idw = w;
	}
	/* Two lines an item: id and title, then the topics below. */
	top = (int)v->item * 2 + 2 > r.h ? (int)v->item * 2 + 2 - r.h : 0;
	for (size_t i = 0; i < v->nitems; i++) {
		const struct picker_item *it = &v->items[i];
		const char *title = it->title[v->lang] ? it->title[v->lang]
		    : it->title[0] ? it->title[0] : "";
		int y = r.y + (int)i * 2 - top;
		bool sel = i == v->item;
		if (y < r.y || y + 1 >= r.y + r.h)
			continue;
		if (sel) {
			screen_fill(y, r.x, r.w, screen_attr(R_SELECT));
			screen_fill(y + 1, r.x, r.w, screen_attr(R_SELECT));
		}
		screen_put(y, r.x + 1, it->id, sel ? R_SELECT : R_VALUE, idw);
		screen_put(y, r.x + idw + 3, title, sel ? R_SELECT : ROLE_TEXT,
		    r.w - idw - 4);
		screen_put(y + 1, r.x + idw + 3, it->topics ? it->topics : "",
		    sel ? R_SELECT : R_FIELD, r.w - idw - 4);
	}
}
