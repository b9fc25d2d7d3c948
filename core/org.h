/*
 * org.h - zones (片区) and agencies (派驻纪检监察组).
 *
 * An agency belongs to at most one zone; its cases go to that zone's panel.
 * An agency not yet placed in a zone can be recorded, and intake refuses
 * its cases until it is.
 */
#ifndef SHENLI_ORG_H
#define SHENLI_ORG_H

#include "names.h"
#include "store.h"

typedef struct {
	char code[SL_CODE_MAX + 1];
	char name[SL_NAME_MAX + 1];
	char zone[SL_CODE_MAX + 1]; /* agencies only; "" if none */
} sl_org_info;

sl_rc sl_zone_add(sl_store *s, const char *code, const char *name);
sl_rc sl_zone_list(sl_store *s, int (*cb)(const sl_org_info *z, void *ud),
                   void *ud);
sl_rc sl_agency_add(sl_store *s, const char *code, const char *name,
                    const char *zone);
sl_rc sl_agency_list(sl_store *s, int (*cb)(const sl_org_info *a, void *ud),
                     void *ud);

/* Lookups without permission checks (for other core services). *found is
 * 0 if there is no such row; zone is "" for an agency in no zone. */
sl_rc sl_zone_exists(sl_store *s, const char *code, int *found);
sl_rc sl_agency_zone(sl_store *s, const char *code, int *found,
                     char zone[SL_CODE_MAX + 1]);

#endif
