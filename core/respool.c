/* respool.c - a typed result's memory. See respool.h. */
#include "respool.h"

#include <jansson.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
	struct block *next;
	size_t used, cap;
	max_align_t data[];
} block;

struct sl_pool {
	block *head;
	int failed;
};

sl_pool *sl_pool_new(void)
{
	return calloc(1, sizeof(sl_pool));
}

void sl_pool_free(sl_pool *p)
{
	if (!p)
		return;
	while (p->head) {
		block *n = p->head->next;
		free(p->head);
		p->head = n;
	}
	free(p);
}

int sl_pool_failed(const sl_pool *p)
{
	return !p || p->failed;
}

void *sl_pool_alloc(sl_pool *p, size_t n)
{
	if (!p)
		return NULL;
	const size_t a = sizeof(max_align_t);
	if (n > SIZE_MAX / 2 - a) {
		p->failed = 1;
		return NULL;
	}
	n = (n + a - 1) / a * a;
	if (!p->head || p->head->cap - p->head->used < n) {
		/* small results (one opinion, an outline) fit in the first
		 * block; a large one gets blocks of its own size */
		size_t cap = n > 4096 ? n : 4096;
		block *b = malloc(sizeof *b + cap);
		if (!b) {
			p->failed = 1;
			return NULL;
		}
		b->next = p->head;
		b->used = 0;
		b->cap = cap;
		p->head = b;
	}
	void *r = (char *)p->head->data + p->head->used;
	p->head->used += n;
	memset(r, 0, n);
	return r;
}

char *sl_pool_strdup(sl_pool *p, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = sl_pool_alloc(p, n);
	if (d)
		memcpy(d, s, n);
	return d;
}

int sl_pool_grow(sl_pool *p, void **v, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? 2 * *cap : 8;
	if (nc > SIZE_MAX / elem) {
		if (p)
			p->failed = 1;
		return -1;
	}
	void *nv = sl_pool_alloc(p, nc * elem);
	if (!nv)
		return -1;
	if (*v)
		memcpy(nv, *v, n * elem);
	*v = nv;
	*cap = nc;
	return 0;
}

const char *const *sl_pool_strlist(sl_pool *p, const unsigned char *text,
                                   size_t *n)
{
	json_error_t jerr;
	json_t *j = text ? json_loads((const char *)text, 0, &jerr) : NULL;
	size_t k = json_is_array(j) ? json_array_size(j) : 0;
	const char **v = sl_pool_alloc(p, (k + 1) * sizeof *v);
	*n = 0;
	for (size_t i = 0; v && i < k; i++) {
		const char *r = json_string_value(json_array_get(j, i));
		if (r)
			v[(*n)++] = sl_pool_strdup(p, r);
	}
	json_decref(j);
	return v;
}
