/*
 * i18n.c: sets gettext up for the one language that main() chose, so
 * that the interface strings and the scenario texts never disagree.
 */
/* setenv() is POSIX, not C99. */
#define _POSIX_C_SOURCE 200809L

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "datadir.h"
#include "i18n.h"

#define I18N_DOMAIN "tcpviz"

void i18n_init(int lang)
{
	char dir[4096];
	const char *msgs;

	setlocale(LC_ALL, "");
	/*
	 * LANGUAGE outranks LC_ALL, LC_MESSAGES and LANG in gettext, so
	 * setting it makes the choice final; "en" has no catalog, which
	 * gives the English msgids even under LANG=zh_CN.UTF-8.
	 */
	setenv("LANGUAGE", lang == 1 ? "zh_CN" : "en", 1);
	/*
	 * gettext ignores LANGUAGE under the C locale, and zh_CN.UTF-8 may
	 * not be installed (CI machines have only C.UTF-8), so a failed
	 * setlocale() above left "C".  glibc honours LANGUAGE under
	 * C.UTF-8, which every glibc system has.
	 */
	msgs = setlocale(LC_MESSAGES, NULL);
	if (lang == 1 && msgs != NULL &&
	    (strcmp(msgs, "C") == 0 || strcmp(msgs, "POSIX") == 0))
		setlocale(LC_MESSAGES, "C.UTF-8");
	/* Not found: gettext's default directory, then the English msgids. */
	if (localedir_path(dir, sizeof dir) == 0)
		bindtextdomain(I18N_DOMAIN, dir);
	textdomain(I18N_DOMAIN);
	/* The catalog, the scenario files and every output are UTF-8,
	 * whatever the locale's own charset. */
	bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
}
