/*
 * i18n.h: interface strings through gettext.  _() translates a string
 * where it is used; N_() only marks one (in a table) for xgettext, and
 * the code calls gettext() on it where it is printed.
 *
 * Order: main() calls i18n_init() once, before the first message that
 * might be translated; from then on anything may use _().  Without that
 * call gettext returns the English msgids, which is what the unit tests
 * see unless they call i18n_init() themselves.
 *
 * Scenario texts (titles, summaries, narration) are not catalog
 * strings: each file carries both languages and the views pick one by
 * the same `lang` number (0 English, 1 Simplified Chinese).
 */
#ifndef I18N_H
#define I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/*
 * Make gettext speak `lang` (0 English, 1 Simplified Chinese) whatever
 * LANGUAGE, LC_ALL, LC_MESSAGES and LANG say, and find tcpviz's catalog
 * (datadir.h, localedir_path).  Also sets the locale from the
 * environment (setlocale(LC_ALL, "")).
 */
void i18n_init(int lang);

#endif
