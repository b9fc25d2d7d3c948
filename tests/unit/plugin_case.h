/*
 * plugin_case.h - a shenli.case/1 dossier (a jansson tree) as the plugin
 * ABI's read-only case view (shenli/plugin.h), for tests and benchmarks
 * that drive plugins without a store.
 *
 * The view borrows every string from the tree (which it holds a reference
 * to) and keeps all its arrays in one allocation, so a converted case costs
 * one malloc and one free. It does not validate: the dossier parser does
 * that. A field of the wrong type reads as absent (NULL, 0, empty), the way
 * a plugin must cope with it anyway.
 */
#ifndef SHENLI_PLUGIN_CASE_H
#define SHENLI_PLUGIN_CASE_H

#include <jansson.h>
#include <shenli/plugin.h>

typedef struct {
	shenli_case c;
	json_t *root; /* a reference: the strings live here */
	void *mem;    /* every array of c */
} pc_case;

/* Fill *out from dossier; zone and state are the host's (dossiers do not
 * carry them) and may be NULL. 0 on success; -1 if dossier is not an
 * object or memory ran out (*out is then empty and needs no free). */
int pc_case_from_json(json_t *dossier, const char *zone, const char *state,
                      pc_case *out);
void pc_case_free(pc_case *pc);

#endif
