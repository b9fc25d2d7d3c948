/* jsonout.c - instants, string lists and reals as the JSON shapes write
 * them. See jsonout.h. */
#include "jsonout.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zhtext.h"

json_t *sl_json_utc(int64_t ms)
{
	if (!ms)
		return json_null();
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char buf[32];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

json_t *sl_json_strings(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *sl_json_ints(const int *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_integer(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* A real of jansson's text (s, n bytes) as its shortest decimal, into
 * out (32 bytes): written as jansson writes it (a '.' or an 'e' always, no
 * '+' nor leading zeros in the exponent). 0 if it does not read as one
 * (then it stays as it is). */
static int real_short(const char *s, size_t n, char out[32])
{
	char tok[64], *end;
	if (n >= sizeof tok)
		return 0;
	memcpy(tok, s, n);
	tok[n] = 0;
	double v = strtod(tok, &end);
	if (*end || !sl_num_shortest(v, out, 32) || strtod(out, &end) != v ||
	    *end)
		return 0;
	char *e = strchr(out, 'e');
	if (!e && !strchr(out, '.') && strlen(out) + 2 < 32)
		strcat(out, ".0");
	if (e) {
		char *from = e + 1, *to = e + 1;
		if (*from == '+')
			from++;
		else if (*from == '-')
			from++, to++;
		while (*from == '0' && from[1])
			from++;
		memmove(to, from, strlen(from) + 1);
	}
	return 1;
}

static int put(char **b, size_t *n, size_t *cap, const char *s, size_t k)
{
	if (*n + k + 1 > *cap) {
		size_t nc = (*n + k + 1) * 2;
		char *nb = realloc(*b, nc);
		if (!nb)
			return -1;
		*b = nb;
		*cap = nc;
	}
	memcpy(*b + *n, s, k);
	*n += k;
	(*b)[*n] = 0;
	return 0;
}

char *sl_json_dumps_short(const json_t *j, size_t flags)
{
	char *text = json_dumps(j, flags);
	if (!text)
		return NULL;
	size_t len = strlen(text), n = 0, cap = len + 64, i = 0;
	char *b = malloc(cap);
	int in_str = 0, bad = !b;
	if (b)
		b[0] = 0;
	while (!bad && i < len) {
		size_t k = 1;
		const char *at = text + i;
		char real[32];
		if (in_str) {
			if (*at == '\\' && i + 1 < len)
				k = 2;
			else if (*at == '"')
				in_str = 0;
		} else if (*at == '"') {
			in_str = 1;
		} else if (*at == '-' || (*at >= '0' && *at <= '9')) {
			k = strspn(at, "+-0123456789.eE");
			if (strcspn(at, ".eE") < k && real_short(at, k, real)) {
				bad = put(&b, &n, &cap, real, strlen(real));
				i += k;
				continue;
			}
		}
		bad = put(&b, &n, &cap, at, k);
		i += k;
	}
	free(text);
	if (bad) {
		free(b);
		return NULL;
	}
	return b;
}
