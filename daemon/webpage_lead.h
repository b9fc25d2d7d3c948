/*
 * webpage_lead.h - a leader's pages: 组成审理组 (the team of a case, on
 * its page) and 受理 (intake: dossiers uploaded and decided).
 *
 * The web front decides nothing: the form lists the members of the case's
 * zone and the specialists with what the core's policy would say of each
 * (回避: the transferring agency is their home agency; a member of another
 * zone; disabled), from the same facts (`user list`, `case show`), so that
 * nobody picks what would be refused; what is posted goes through the same
 * `case assign` and `case import` the shenli command sends, whose answer
 * (and refusal, in Chinese) is shown as the service gives it.
 */
#ifndef SHENLID_WEBPAGE_LEAD_H
#define SHENLID_WEBPAGE_LEAD_H

#include <jansson.h>

#include "webhttp.h"

/* The users to offer for the team of the case shown (`user list
 * --json`), or NULL when the form is not the user's to see: not a
 * leader, or the case not in a state a team is formed in. */
json_t *sl_lead_team_users(const sl_websess *s, const json_t *show);
/* The 组成审理组 form of the case shown, for users (as above). */
void sl_page_team_form(sl_html *h, const sl_websess *s, const json_t *show,
                       const json_t *users, const json_t *agencies,
                       const json_t *zones);
/* POST /case/ID/assign. */
enum MHD_Result sl_web_assign(struct MHD_Connection *c, sl_websess *s,
                              const char *id, const sl_webreq *r);

#endif
