/*
 * webpage_audit.h - 审计 (the audit page): `audit verify` with its result
 * (通过 / 未通过, the head's seq and hash) and the log (`audit log
 * --json`) filtered by action, actor, object and a seq range, 100 entries
 * a page, on the server. For the roles the service lets read the log
 * (auditors, admins): for the others the service's refusal, shown as it
 * gives it.
 */
#ifndef SHENLID_WEBPAGE_AUDIT_H
#define SHENLID_WEBPAGE_AUDIT_H

#include "webhttp.h"

/* GET /audit?action=&actor=&object=&from=&to=&page= */
enum MHD_Result sl_web_audit(struct MHD_Connection *c, sl_websess *s);

#endif
