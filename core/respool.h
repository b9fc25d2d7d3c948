/*
 * respool.h - where a typed result's strings and arrays live: one bump
 * allocator per result, freed whole by the result's _free(). A result
 * points into its pool, so that a caller frees one thing however many
 * strings, items and findings it holds (ops.h: results are freed with
 * sl_X_res_free()).
 *
 * Allocation failures are sticky: once one fails, sl_pool_failed() says
 * so, and an operation checks it once before it returns its result.
 */
#ifndef SHENLI_RESPOOL_H
#define SHENLI_RESPOOL_H

#include <stddef.h>

typedef struct sl_pool sl_pool;

sl_pool *sl_pool_new(void);
void sl_pool_free(sl_pool *p);
int sl_pool_failed(const sl_pool *p);
/* n zeroed bytes, aligned for any type; NULL (and failed) if out of
 * memory or p is NULL. */
void *sl_pool_alloc(sl_pool *p, size_t n);
/* A copy of s; NULL for NULL (not a failure). */
char *sl_pool_strdup(sl_pool *p, const char *s);
/* A stored JSON list of strings ("[\"F1\",\"E2\"]") into p, its count
 * in *n; non-strings are skipped, and text that is not a list is empty. */
const char *const *sl_pool_strlist(sl_pool *p, const unsigned char *text,
                                   size_t *n);
/* Room for element *n of an array that grows in the pool: *v is moved to
 * a block twice as large when full (*cap). 0, or -1 if out of memory. */
int sl_pool_grow(sl_pool *p, void **v, size_t *cap, size_t n, size_t elem);

#endif
