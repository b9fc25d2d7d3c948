/*
 * org.h - zones (片区) and agencies (派驻纪检监察组).
 *
 * An agency belongs to at most one zone; its cases go to that zone's panel.
 * An agency not yet placed in a zone can be recorded, and intake refuses
 * its cases until it is.
 */
#ifndef SHENLI_ORG_H
#define SHENLI_ORG_H

#include <shenli/ops_admin.h> /* sl_org_info; add and list */

#include "names.h"
#include "store.h"

/* Lookups without permission checks (for other core services). *found is
 * 0 if there is no such row; zone is "" for an agency in no zone. */
sl_rc sl_zone_exists(sl_store *s, const char *code, int *found);
sl_rc sl_agency_zone(sl_store *s, const char *code, int *found,
                     char zone[SL_CODE_MAX + 1]);

#endif
