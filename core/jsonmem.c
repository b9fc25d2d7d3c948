/* jsonmem.c - jansson's allocations from an arena. See jsonmem.h. */
#include "jsonmem.h"

#include <jansson.h>
#include <stdlib.h>

static _Thread_local sl_arena *current;

static void *jm_malloc(size_t n)
{
	return current ? sl_arena_alloc(current, n) : malloc(n);
}

static void jm_free(void *p)
{
	/* During sl_jsonmem_loadb, what jansson frees came from the arena:
	 * it is let go with the arena. (jansson frees its temporaries and,
	 * on a parse error, the partial tree; both are the arena's.) */
	if (!current)
		free(p);
}

/* Set before main and before any thread: jansson's allocator is one pair
 * of process-wide pointers, and outside an arena these two are malloc and
 * free, so memory jansson allocated before is freed alike. */
__attribute__((constructor)) static void jm_install(void)
{
	json_set_alloc_funcs(jm_malloc, jm_free);
}

json_t *sl_jsonmem_loadb(sl_arena *a, const char *buf, size_t len, size_t flags,
                         json_error_t *error)
{
	current = a;
	json_t *j = json_loadb(buf, len, flags, error);
	current = NULL;
	return j;
}
