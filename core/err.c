/* err.c - last-error message storage. See err.h. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char errbuf[1024];

sl_rc sl_error(sl_rc rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof errbuf, fmt, ap);
	va_end(ap);
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
