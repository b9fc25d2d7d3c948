/* namemap.c - the names of files put back in output. See namemap.h. */
#include "namemap.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include <shenli/base.h>

/* Is p[0..n) a proper prefix of some from (a name cut short)? */
static int cut_name(const sl_namemap *m, size_t nm, const char *p, size_t n)
{
	for (size_t k = 0; k < nm; k++) {
		size_t fl = strlen(m[k].from);
		if (n < fl && memcmp(p, m[k].from, n) == 0)
			return 1;
	}
	return 0;
}

long sl_namemap_put(const sl_namemap *m, size_t nm, const char *t, size_t n,
                    int last, char **out, size_t *olen)
{
	/* cap >= o + (n - i) throughout: a name put back may be longer
	 * than its stand-in, and then the buffer grows */
	size_t cap = n + 64, o = 0, i = 0;
	char *b = malloc(cap + 1);
	if (!b)
		return -1;
	while (i < n) {
		/* every stand-in is an absolute path */
		const char *slash = memchr(t + i, '/', n - i);
		size_t upto = slash ? (size_t)(slash - t) : n;
		memcpy(b + o, t + i, upto - i);
		o += upto - i;
		i = upto;
		if (i >= n)
			break;
		size_t k = 0, fl = 0;
		for (; k < nm; k++) {
			fl = strlen(m[k].from);
			if (fl && n - i >= fl && !memcmp(t + i, m[k].from, fl))
				break;
		}
		if (k < nm) {
			size_t tl = strlen(m[k].to);
			size_t need = o + tl + (n - i - fl);
			if (need > cap) {
				char *bigger = realloc(b, 2 * need + 1);
				if (!bigger) {
					free(b);
					return -1;
				}
				b = bigger;
				cap = 2 * need;
			}
			memcpy(b + o, m[k].to, tl);
			o += tl;
			i += fl;
		} else if (!last && cut_name(m, nm, t + i, n - i)) {
			break; /* held back for the next chunk */
		} else {
			b[o++] = t[i++];
		}
	}
	b[o] = 0;
	*out = b;
	*olen = o;
	return (long)(n - i);
}

char *sl_namemap_as(const char *name, int json)
{
	if (!json)
		return sl_text_clean(name, "\xEF\xBF\xBD");
	/* as the CLI's own JSON has it (jansson, not ASCII-only), without
	 * the quotes: the stand-in stood between them */
	json_t *s = json_string(name);
	if (!s) { /* not UTF-8 (names come as JSON text, so never) */
		char *c = sl_text_clean(name, "\xEF\xBF\xBD");
		s = c ? json_string(c) : NULL;
		free(c);
	}
	char *q = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
	json_decref(s);
	if (!q)
		return NULL;
	size_t n = strlen(q);
	memmove(q, q + 1, n - 2);
	q[n - 2] = 0;
	return q;
}
