/* osacct.c - the OS account an audit entry records. See osacct.h. */
#define _GNU_SOURCE
#include "osacct.h"

#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* getpwuid_r's buffer grows to this at most: a passwd line longer than
 * this is not an account anyone reads in a log */
#define PW_BUF_MAX (1 << 20)

void sl_osacct_resolve(uid_t uid, sl_os_account *out)
{
	out->uid = (int64_t)uid;
	out->user[0] = 0;
	long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t cap = hint > 0 && hint < PW_BUF_MAX ? (size_t)hint : 4096;
	for (;;) {
		char *buf = malloc(cap);
		struct passwd pw, *res = NULL;
		if (!buf)
			return; /* the uid alone: still the kernel's number */
		int e = getpwuid_r(uid, &pw, buf, cap, &res);
		if (!e && res && res->pw_name)
			/* NSS may answer with anything (LDAP, sssd): bounded
			 * and printable before it goes into a signed entry */
			sl_text_sanitize(res->pw_name, out->user,
			                 sizeof out->user);
		free(buf);
		if (e != ERANGE || cap >= PW_BUF_MAX)
			return;
		cap *= 2;
	}
}

json_t *sl_osacct_json(const sl_os_account *a)
{
	json_t *o = json_pack("{s:I}", "uid", (json_int_t)a->uid);
	if (o && a->user[0] &&
	    json_object_set_new(o, "user", json_string(a->user))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int sl_osacct_from_details(const json_t *details, sl_os_account *out)
{
	json_t *os = json_object_get(details, "os");
	if (!os)
		return 0;
	json_t *uid = json_object_get(os, "uid"),
	       *user = json_object_get(os, "user");
	if (!json_is_object(os) || !json_is_integer(uid) ||
	    json_object_size(os) != 1u + (user != NULL) ||
	    json_integer_value(uid) < 0 ||
	    json_integer_value(uid) > (json_int_t)UINT32_MAX)
		return -1;
	const char *u = user ? json_string_value(user) : "";
	size_t n = user ? json_string_length(user) : 0;
	if (!u || n > SL_OS_USER_MAX || (user && !n) || strlen(u) != n ||
	    !sl_text_safe(u, n))
		return -1;
	out->uid = (int64_t)json_integer_value(uid);
	memcpy(out->user, u, n + 1);
	return 1;
}
