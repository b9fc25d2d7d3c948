/*
 * osacct.h - the OS account an audit entry records beside the shenli user.
 *
 * Every entry's details carry "os": {"uid": N, "user": "NAME"}: the uid
 * that made the change and that account's name as getpwuid_r gave it at
 * the time ("user" left out if the uid had no name). sl_audit() adds it,
 * so the entry's hash and the transaction's signature cover it. In service
 * mode the uid is the client's, from SO_PEERCRED on its connection (the
 * kernel's word); in embedded mode the process's real uid (its own word).
 * Entries written before it have no "os" and still verify.
 */
#ifndef SHENLI_OSACCT_H
#define SHENLI_OSACCT_H

#include <jansson.h>
#include <sys/types.h>

#include <shenli/ops_admin.h> /* sl_os_account */

/* uid's account now: its name bounded to SL_OS_USER_MAX bytes and made
 * safe to print (sl_text_sanitize); "" if the uid has none. */
void sl_osacct_resolve(uid_t uid, sl_os_account *out);

/* {"uid": N, "user": NAME}, "user" left out if a->user is "". NULL if out
 * of memory. */
json_t *sl_osacct_json(const sl_os_account *a);

/* What an entry's details (a JSON object) record: 1 and *out filled; 0 if
 * they record no OS account; -1 if "os" is not what sl_osacct_json writes
 * (not an object, keys other than uid and user, a uid out of range, a
 * name too long or not safe to print). */
int sl_osacct_from_details(const json_t *details, sl_os_account *out);

/* The same of details as stored (text): 0 as well if the text is not a
 * JSON object, or NULL. Reads only the "os" member (audit log lists a
 * million). */
int sl_osacct_from_text(const char *details, sl_os_account *out);

#endif
