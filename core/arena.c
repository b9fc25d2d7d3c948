/* arena.c - a bump allocator for one case's view. See arena.h. */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct sl_arena_chunk {
	struct sl_arena_chunk *next;
	size_t used, cap;
	char data[];
};

void *sl_arena_alloc(sl_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!a->head || a->head->used + n > a->head->cap) {
		size_t least = a->chunk ? a->chunk : 65536;
		size_t cap = n > least ? n : least;
		sl_arena_chunk *c = malloc(sizeof *c + cap);
		if (!c) {
			a->failed = 1;
			return NULL;
		}
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	void *p = a->head->data + a->head->used;
	a->head->used += n;
	return p;
}

const char *sl_arena_str(sl_arena *a, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = sl_arena_alloc(a, n);
	if (d)
		memcpy(d, s, n);
	return d;
}

size_t sl_arena_held(const sl_arena *a)
{
	size_t n = 0;
	for (const sl_arena_chunk *c = a->head; c; c = c->next)
		n += sizeof *c + c->cap;
	return n;
}

void sl_arena_reset(sl_arena *a)
{
	while (a->head && a->head->next) {
		sl_arena_chunk *n = a->head->next;
		free(a->head);
		a->head = n;
	}
	if (a->head)
		a->head->used = 0;
	a->failed = 0;
}

void sl_arena_free(sl_arena *a)
{
	sl_arena_reset(a);
	free(a->head);
	a->head = NULL;
}
