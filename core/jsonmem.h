/*
 * jsonmem.h - a JSON document parsed into an arena (arena.h).
 *
 * jansson allocates each value, key and string of a document on its own:
 * a parsed dossier of 2 KB is some hundreds of mallocs, and as many frees
 * when it is dropped, often on another thread than the one that parsed it
 * (the import's reader parses, its writer drops). sl_jsonmem_loadb is
 * json_loadb with every allocation of the parse taken from the arena (and
 * jansson's frees during it ignored: its temporaries, a failed parse's
 * partial tree). The tree goes when the arena is freed or reset, on any
 * thread, and must never be json_decref'd, nor changed (a value added to
 * it would be malloc'd and never freed). Every other jansson call, on any
 * thread, allocates from malloc as before.
 */
#ifndef SHENLI_JSONMEM_H
#define SHENLI_JSONMEM_H

#include <jansson.h>

#include "arena.h"

json_t *sl_jsonmem_loadb(sl_arena *a, const char *buf, size_t len, size_t flags,
                         json_error_t *error);

#endif
