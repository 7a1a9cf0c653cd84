/*
 * datadir.h: where tcpviz finds its data files (scenarios and, later,
 * the concept bank) and its message catalogs, whether installed or run
 * from the build tree.
 *
 * Order for data: $TCPVIZ_DATADIR/sub when that variable is set (and not
 * empty); else, when the running program lives in a build tree (the
 * parent of its directory holds config.status), the source tree's
 * data/sub; else the installed $(pkgdatadir)/sub.
 *
 * Order for catalogs: $TCPVIZ_LOCALEDIR; else, in a build tree, the
 * build tree's locale/ (where `make` compiles the po/ catalogs); else the
 * installed $(localedir).
 */
#ifndef DATADIR_H
#define DATADIR_H

#include <stddef.h>

/*
 * Fill buf (len bytes) with the directory holding data subdirectory
 * `sub`, e.g. "scenarios".  Returns 0 if that directory exists, -1 if
 * not (buf then holds the path that was looked for, for an error
 * message; or "" if it did not fit).  $TCPVIZ_DATADIR, when set, is
 * final: a wrong value is reported, never silently replaced.
 */
int datadir_path(char *buf, size_t len, const char *sub);

/*
 * Fill buf with the directory for bindtextdomain(): the one that holds
 * LANG/LC_MESSAGES/tcpviz.mo.  Returns and reports as datadir_path().
 */
int localedir_path(char *buf, size_t len);

#endif
