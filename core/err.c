/* err.c - last-error message storage. See err.h. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char errbuf[1024];

sl_rc sl_error(sl_rc rc, const char *fmt, ...)
{
	/* formatted apart and then copied: a message may take the last one
	 * as an argument (sl_errmsg()), and a buffer formatted into itself
	 * is undefined behaviour */
	char next[sizeof errbuf];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(next, sizeof next, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof next) {
		/* cut short: never inside a UTF-8 character */
		size_t i = sizeof next - 1, lead = i;
		while (lead > 0 &&
		       ((unsigned char)next[lead - 1] & 0xC0) == 0x80)
			lead--;
		if (lead > 0 && (unsigned char)next[lead - 1] >= 0xC0) {
			unsigned char b = (unsigned char)next[lead - 1];
			size_t want = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
			if (i - (lead - 1) < want)
				next[lead - 1] = 0;
		}
	}
	memcpy(errbuf, next, sizeof next);
	return rc;
}

const char *sl_errmsg(void)
{
	return errbuf;
}

void sl_errclear(void)
{
	errbuf[0] = 0;
}
