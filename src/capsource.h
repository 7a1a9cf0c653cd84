/*
 * capsource.h: a capture as the interactive view's source (ui.h's
 * struct ui_capture_source).  capture.h reads the packets, conntrack.h
 * groups them, infer.h explains them; the view only calls the source,
 * so that src/ui/ never sees libpcap.  Program-only, like capture.c.
 *
 * Order of calls: capture_open() (and capture_watch() for a live view)
 * and the conntrack and infer of the trace; capsource_bind(); the view;
 * then capture_close() as always.
 */
#ifndef CAPSOURCE_H
#define CAPSOURCE_H

#include <stdbool.h>

#include "capture.h"
#include "conntrack.h"
#include "infer.h"
#include "trace.h"
#include "ui/ui.h"

struct capsource {
	struct capture *cap;
	struct conntrack *ct;
	struct infer *inf;
	struct trace *tr;
	/* Saved connections go to STEM-WHAT.pcap ("lo-conn3.pcap") in the
	 * current directory. */
	char stem[128];
};

/*
 * Fill *src so that the view calls cs, which must outlive it.  `name`
 * is the file (-r) or the device (-i), which names the saved files.
 * live: the capture was given to capture_watch().
 */
void capsource_bind(struct capsource *cs, const char *name, bool live,
    struct ui_capture_source *src);

#endif
