/*
 * jsonmem.h - jansson's allocations, on one thread for a while, from an
 * arena (arena.h).
 *
 * jansson allocates each value, key and string of a document on its own:
 * a parsed dossier of 2 KB is some hundreds of mallocs, and as many frees
 * when it is dropped, often on another thread than the one that parsed it
 * (the import's reader parses, its writer drops). Between sl_jsonmem_begin
 * and sl_jsonmem_end, this thread's jansson allocations come from the arena
 * and jansson's frees are ignored; the whole tree goes when the arena is
 * freed, on any thread, and must not be json_decref'd after. Every other
 * thread, and this one outside the pair, allocates from malloc as before.
 *
 * So: nothing made inside the pair may outlive the arena, and nothing made
 * outside it may be freed by jansson inside it. The pair is for one
 * json_loadb into a tree that one owner keeps with the arena.
 */
#ifndef SHENLI_JSONMEM_H
#define SHENLI_JSONMEM_H

#include "arena.h"

void sl_jsonmem_begin(sl_arena *a);
void sl_jsonmem_end(void);

#endif
