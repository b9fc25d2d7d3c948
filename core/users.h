/*
 * users.h - users, roles and their key slots.
 *
 * Adding a user writes their key slot (the data key and a fresh Ed25519
 * signing key, sealed under their passphrase) and records their public key
 * in the audit log; see audit.h for why the log, not the users table, is
 * where keys are trusted from.
 */
#ifndef SHENLI_USERS_H
#define SHENLI_USERS_H

#include "store.h"

#define SL_CODE_MAX 32
#define SL_PASS_MIN 8
#define SL_PASS_MAX 1024

typedef struct {
	char id[SL_ID_MAX + 1];
	sl_role role;
	char agency[SL_CODE_MAX + 1];
	char zone[SL_CODE_MAX + 1];
	int disabled;
	char fingerprint[17]; /* first 8 bytes of SHA-256(pubkey), hex */
} sl_user_info;

/* Agency and zone codes: [A-Za-z0-9_-]{1,32}. */
int sl_code_valid(const char *code);
/* SL_EINPUT unless SL_PASS_MIN..SL_PASS_MAX bytes, no NUL. */
sl_rc sl_passphrase_acceptable(const char *pass, size_t plen);

sl_rc sl_user_add(sl_store *s, const char *id, sl_role role, const char *agency,
                  const char *zone, const char *pass, size_t plen);
sl_rc sl_user_disable(sl_store *s, const char *id);
/* Change the acting user's own passphrase. */
sl_rc sl_user_passwd(sl_store *s, const char *newpass, size_t plen);
sl_rc sl_user_list(sl_store *s, int (*cb)(const sl_user_info *u, void *ud),
                   void *ud);

#endif
