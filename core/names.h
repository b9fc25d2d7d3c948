/*
 * names.h - what a zone or agency code, a display name and a person's
 * name may be. One rule each, below every service that stores them (org:
 * zones and agencies; users: home agency, zone, name) and the replay that
 * checks them again from the log, so that those services need not include
 * one another to agree on a code (org.h and users.h used to include each
 * other for sl_code_valid).
 */
#ifndef SHENLI_NAMES_H
#define SHENLI_NAMES_H

#include <shenli/ops_admin.h> /* SL_CODE_MAX, SL_NAME_MAX, ... */

/* Agency and zone codes: [A-Za-z0-9_-]{1,32}. */
int sl_code_valid(const char *code);
/* Zones' and agencies' names: 1..SL_NAME_MAX bytes of printable UTF-8
 * (no control characters). */
int sl_name_valid(const char *name);
/* A person's name as documents print it: 1..SL_PERSON_NAME_MAX bytes of
 * printable UTF-8. */
int sl_person_name_valid(const char *name);

#endif
