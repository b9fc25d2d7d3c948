/*
 * shenli/ops_admin.h - the operations that set a workstation up and keep
 * it honest: the store, users, zones and agencies, signing keys, packages
 * (plugins, scripts, rules) and the audit log. See <shenli/ops.h> for the
 * shape every operation has.
 */
#ifndef SHENLI_OPS_ADMIN_H
#define SHENLI_OPS_ADMIN_H

#include <jansson.h>

#include <shenli/base.h>

#endif
