/*
 * webpage_opinion.h - 审理意见 (the opinion), a form rather than a file:
 * the disciplines broken, the eight-point flag, the form of handling, the
 * party and government sanctions and the circumstances, offered as the
 * rules in force allow them (`rules show --json`), and the reasoning. A
 * leader records the panel's opinion of the collective deliberation with
 * each member's dissent and the disposal of property.
 *
 * The form starts from the user's own opinion in force (a leader's: the
 * panel's). Once the case is deliberated the leader is still offered it:
 * a panel opinion the sign-off's gates refuse is corrected by recording
 * a new one, which supersedes the earlier (api.md, review opinion). A
 * form the page or the service refuses comes back filled with what was
 * posted (escaped), with the reason above it: nothing typed is lost.
 *
 * After one has recorded one's own, the team's opinions in force are
 * shown side by side (`review opinions --json`); before, the service
 * refuses them (no one anchors on another's view) and the page says so.
 * What is posted becomes the `review opinion` argv the shenli command
 * sends; the service checks every value and signs the opinion.
 */
#ifndef SHENLID_WEBPAGE_OPINION_H
#define SHENLID_WEBPAGE_OPINION_H

#include "webhttp.h"

/* GET /case/ID/opinion: the form and the team's opinions. */
enum MHD_Result sl_web_opinion_page(struct MHD_Connection *c, sl_websess *s,
                                    const char *id);
/* POST /case/ID/opinion. */
enum MHD_Result sl_web_opinion(struct MHD_Connection *c, sl_websess *s,
                               const char *id, const sl_webreq *r);

#endif
