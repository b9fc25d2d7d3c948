/*
 * arena.h - a bump allocator for a view that lives as long as one case is
 * looked at: every string and array of a case's view comes from one arena,
 * which is reset (its first chunk kept) for the next case. A failed
 * allocation sets failed and returns NULL; the caller checks once.
 */
#ifndef SHENLI_ARENA_H
#define SHENLI_ARENA_H

#include <stddef.h>

typedef struct sl_arena_chunk sl_arena_chunk;

typedef struct {
	sl_arena_chunk *head;
	/* the least a new chunk holds; 0 for 64 KiB. Set it before the
	 * first allocation to fit what the arena is for. */
	size_t chunk;
	int failed;
} sl_arena;

void *sl_arena_alloc(sl_arena *a, size_t n);
/* A copy of s (NULL for NULL). */
const char *sl_arena_str(sl_arena *a, const char *s);
/* The bytes its chunks hold, used or not. */
size_t sl_arena_held(const sl_arena *a);
/* Keep the first chunk; free the rest. */
void sl_arena_reset(sl_arena *a);
void sl_arena_free(sl_arena *a);

#endif
