/*
 * webpage_audit.h - 审计 (the audit page): `audit verify` with its result
 * (通过 / 未通过, the head's seq and hash) and the log (`audit log
 * --json`) filtered by action, actor, object and a seq range, 100 entries
 * a page: the service filters and stops after the page (`audit log
 * --action --actor --object --since --until --limit`), and the next page
 * starts after the last seq shown, so a page costs the same at any depth
 * of a log of millions. For the roles the service lets read the log
 * (auditors, admins): for the others the service's refusal, shown as it
 * gives it.
 */
#ifndef SHENLID_WEBPAGE_AUDIT_H
#define SHENLID_WEBPAGE_AUDIT_H

#include "webhttp.h"

/* GET /audit?action=&actor=&object=&from=&to=&after= */
enum MHD_Result sl_web_audit(struct MHD_Connection *c, sl_websess *s);

#endif
