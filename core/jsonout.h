/*
 * jsonout.h - the small pieces every JSON shape of the operations is built
 * from, so that an instant or a list of strings is written one way in
 * every result and audit entry.
 */
#ifndef SHENLI_JSONOUT_H
#define SHENLI_JSONOUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include <shenli/ops.h>

/* An instant, UTC: "2026-11-22T11:22:33Z"; null for 0 (none). */
json_t *sl_json_utc(int64_t ms);
/* ["a", "b"]; NULL if out of memory. */
json_t *sl_json_strings(const char *const *v, size_t n);
/* [1, 2]; NULL if out of memory. */
json_t *sl_json_ints(const int *v, size_t n);

/* sl_json_dumps_short: <shenli/ops.h> */

#endif
