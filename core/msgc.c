/* msgc.c - the language of messages: an error untranslated (msgc.h) and a
 * code as a person reads it (sl_said, base.h). */
#define _GNU_SOURCE /* uselocale and friends */
#include "msgc.h"

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

const char *sl_said(const char *ctx_id, const char *code)
{
	const char *t = gettext(ctx_id);
	return t == ctx_id ? code : t;
}

sl_rc sl_msgc_run(sl_msgc_fn fn, void *arg, char *out, size_t n)
{
	char *was = strdup(sl_errmsg());
	/* the thread's own locale but for its messages: LC_CTYPE stays, so
	 * that what is checked as UTF-8 is checked the same way */
	locale_t base = duplocale(uselocale((locale_t)0));
	locale_t c = base ? newlocale(LC_MESSAGES_MASK, "C", base) : NULL;
	if (!c && base)
		freelocale(base);
	locale_t old = c ? uselocale(c) : (locale_t)0;
	sl_errclear();
	sl_rc rc = fn(arg);
	if (n)
		snprintf(out, n, "%s", rc ? sl_errmsg() : "");
	if (c) {
		uselocale(old);
		freelocale(c);
	}
	sl_errclear();
	if (was)
		sl_error(SL_OK, "%s", was);
	free(was);
	return rc;
}
