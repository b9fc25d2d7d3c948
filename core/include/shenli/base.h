/*
 * shenli/base.h - what every front end of shenli shares with the core:
 * the error type that is the exit-code table, roles, case states, opening
 * a store as a user (a session), text that is safe to show, and the few
 * careful file and memory operations. The operations themselves are
 * <shenli/ops.h>'s.
 */
#ifndef SHENLI_BASE_H
#define SHENLI_BASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)
/* A message with a context, marked for xgettext (keyword NC_:1c,2) and
 * looked up as gettext does with pgettext: "CONTEXT\004MSGID". */
#define NC_(ctx, s) ctx "\004" s
/* A code as a person reads it: the translation of ctx_id (NC_(CONTEXT,
 * code)), or the code itself where there is none (the C locale). */
const char *sl_said(const char *ctx_id, const char *code);

typedef enum {
	SL_OK = 0,         /* done */
	SL_FAIL = 1,       /* ran; what it checks did not pass */
	SL_EUSAGE = 2,     /* usage error */
	SL_EAUTH = 3,      /* unknown/disabled user, wrong passphrase */
	SL_EPERM = 4,      /* not permitted: role, recusal, state */
	SL_EINPUT = 5,     /* invalid input */
	SL_EINTEGRITY = 6, /* tampering detected */
	SL_ESYS = 7,       /* the system failed us: I/O, disk full, busy */
} sl_rc;

/* Record a message for rc and return rc. printf-style. */
sl_rc sl_error(sl_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The last recorded message ("" if none). */
const char *sl_errmsg(void);
void sl_errclear(void);

/* ---- users and roles ------------------------------------------------------
 */

#define SL_ID_MAX 32

typedef enum {
	SL_ROLE_ADMIN = 1 << 0,
	SL_ROLE_LEADER = 1 << 1,
	SL_ROLE_MEMBER = 1 << 2,
	SL_ROLE_SPECIALIST = 1 << 3,
	SL_ROLE_AUDITOR = 1 << 4,
} sl_role;

/* The authenticated user of an unlocked store. */
typedef struct {
	char id[SL_ID_MAX + 1];
	sl_role role;
	char agency[SL_ID_MAX + 1]; /* home agency, "" if none */
	char zone[SL_ID_MAX + 1];   /* "" if none */
} sl_actor;

/* "admin" -> SL_ROLE_ADMIN; 0 if unknown. And back. */
sl_role sl_role_parse(const char *name);
const char *sl_role_name(sl_role r);
/* The role as a person reads it, in their language (messages and tables;
 * never --json): "组员" for member. The name itself if it has no words. */
const char *sl_role_said(sl_role r);
/* User ids: [a-z0-9][a-z0-9._-]{0,31}. They name key slot files. */
int sl_user_id_valid(const char *id);

/* ---- case states (lifecycle.h has the machine) ----------------------------
 */

typedef enum {
	SL_ST_RECEIVED,
	SL_ST_ACCEPTED,
	SL_ST_DEFERRED,
	SL_ST_REFUSED,
	SL_ST_IN_REVIEW,
	SL_ST_RETURNED,
	SL_ST_DELIBERATED,
	SL_ST_SIGNED_OFF,
	SL_ST__COUNT
} sl_state;

const char *sl_state_name(sl_state s);
/* -1 if unknown */
int sl_state_parse(const char *name);
/* The state as a person reads it, in their language: "审理中". */
const char *sl_state_said(sl_state s);

/* ---- a store, opened as a user --------------------------------------------
 */

typedef struct sl_store sl_store;

/* Default store path: $XDG_DATA_HOME/shenli/store.db. Caller frees. */
char *sl_store_default_path(void);

/* Create a new store with its first admin. Fails if PATH exists. */
sl_rc sl_store_create(const char *path, const char *admin, const char *pass,
                      size_t plen, sl_store **out);
/*
 * Unlock as user. SL_EAUTH (one message for every cause) when the user is
 * unknown or disabled or the passphrase is wrong; SL_EINTEGRITY when the
 * store cannot be decrypted or its key slot is not the one it recorded.
 *
 * Every unlock checks the audit log from where this user last verified it
 * (verify.h, checkpoint.h): the registry it ends with (who holds which
 * role, key, agency and zone; which packages may run) is what the store
 * trusts from then on, and the registry tables must agree with it. A log
 * that does not verify is SL_EINTEGRITY naming why, unless flags hold
 * SL_OPEN_UNVERIFIED (for audit verify, which then says why in full).
 *
 * A user whom an admin added is pending until they choose their own
 * passphrase: their first passphrase opens nothing but SL_OPEN_ENROL
 * (user passwd, which enrols them); otherwise SL_EAUTH says so.
 */
#define SL_OPEN_ENROL 1u
#define SL_OPEN_UNVERIFIED 2u
sl_rc sl_store_open(const char *path, const char *user, const char *pass,
                    size_t plen, unsigned flags, sl_store **out);
sl_rc sl_store_unlock(const char *path, const char *user, const char *pass,
                      size_t plen, sl_store **out); /* flags 0 */
/* Close; the user's checkpoint moves on to the head (best effort). */
void sl_store_close(sl_store *s);
/* SL_EAUTH with the one message every refused unlock or login gives: it
 * does not say which of user, state or passphrase was wrong. */
sl_rc sl_auth_failed(void);
/* Whether this process has committed a change to any store: a command
 * whose output is then lost says that its change was made all the same. */
int sl_tx_committed_any(void);

/* The user has not yet chosen their own passphrase (SL_OPEN_ENROL). */
int sl_store_pending(const sl_store *s);
/* Opened with SL_OPEN_UNVERIFIED and the log did not verify. */
int sl_store_unverified(const sl_store *s);

const sl_actor *sl_store_actor(const sl_store *s);

/* ---- text ------------------------------------------------------------------
 */

/* Well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int sl_utf8_valid(const char *s, size_t n);
/* Well-formed UTF-8 on one line, every character shown as itself: no
 * control character (C0, DEL, C1), bidirectional control or invisible
 * format character (as sl_text_safe). */
int sl_text_printable(const char *s, size_t n);
/* Nothing one can read: only spaces, tabs, line ends and ideographic
 * spaces (U+3000), or nothing at all. A reason or an item so written says
 * nothing, and a form's blank field must not pass for one. */
int sl_text_blank(const char *s, size_t n);

/* The one place that says what text from a dossier, a plugin, a log or a
 * user may show as itself (text.c: klass). A line break or tab becomes a
 * space; a control character (C0, DEL, C1), a bidirectional control or
 * isolate, or another invisible format character never reaches a
 * terminal or a document as itself. Every byte the CLI prints, every
 * document (md, html, pdf) and every message goes through one of these. */

/* Valid UTF-8 with nothing that is not shown as itself. */
int sl_text_safe(const char *s, size_t n);
/* A malloc'ed copy for a person to read: breaks and tabs a space, unsafe
 * characters unsafe_as ("" drops them, "\uFFFD" marks them), bytes that
 * are not UTF-8 U+FFFD. NULL if out of memory. */
char *sl_text_clean(const char *s, const char *unsafe_as);
/* JSON text (as jansson writes it: C0 controls already escaped) with every
 * other character not shown as itself (DEL, C1, bidi, invisible) written
 * as a \uXXXX escape: the same JSON, and nothing in it drives a terminal.
 * NULL when there is none (the common case: nothing allocated), else a
 * malloc'ed copy of *n bytes, *n updated. */
char *sl_text_json_escape(const char *json, size_t *n);
/* Write s to f, cleaned, unsafe characters marked U+FFFD. */
void sl_text_put(FILE *f, const char *s);
/* Copy in to out (cap bytes with the NUL) for a log or a message: invalid
 * UTF-8 and characters not shown as themselves become '?', and a long
 * text is cut on a character boundary with "...". */
void sl_text_sanitize(const char *in, char *out, size_t cap);
/* The same for n bytes that may hold a NUL (a value from a file). */
void sl_text_sanitize_n(const char *in, size_t n, char *out, size_t cap);
/* The length of an intake reason r without the English tag the core ends
 * it with for scripts and logs (" (unknown agency)"): a trailing " (...)"
 * of printable ASCII alone, after some text of its own. A person reading
 * Chinese is shown the first strlen-or-less bytes only. */
size_t sl_text_untagged(const char *r);

/* ---- files and memory ------------------------------------------------------
 */

/* Read a whole regular file of at most max bytes into a NUL-terminated heap
 * buffer. SL_EINPUT if too large or not a regular file; SL_ESYS on I/O. */
sl_rc sl_file_read(const char *path, size_t max, char **out, size_t *len);
/* Read from an open fd the same way (e.g. "-" for stdin). */
sl_rc sl_fd_read(int fd, const char *name, size_t max, char **out, size_t *len);
/* Atomically replace path with data, created with mode. */
sl_rc sl_file_write_atomic(const char *path, const void *data, size_t len,
                           mode_t mode);
/* A document to the user's --out PATH: an existing FIFO or device (a
 * pipe, /dev/stdout) is written into as it is; otherwise the file is
 * replaced atomically through a temporary file of a name no one else has
 * (mkstemp beside it: never PATH.tmp, which may be the user's). */
sl_rc sl_file_write_out(const char *path, const void *data, size_t len,
                        mode_t mode);
/* SL_EINPUT if a document written to path (--out) would land on one of
 * the open store's own files: the database itself, its journal, WAL and
 * shared memory (PATH-journal, -wal, -shm), its lock (PATH.lock), its
 * key slots (PATH.keys/) or its packages (PATH.pkg/), however path is
 * spelt. One mistyped --out must not destroy the store or lock a user
 * out for good. */
sl_rc sl_store_out_ok(const sl_store *s, const char *path);
/* Overwrite n bytes at p; never optimised away. */
void sl_wipe(void *p, size_t n);
/* n bytes from the system's random generator (OpenSSL's). */
sl_rc sl_random(void *buf, size_t n);
/* Lower-case hex. out must hold 2n+1 bytes. */
void sl_hex(const uint8_t *in, size_t n, char *out);

/* Days since 1970-01-01 in the proleptic Gregorian calendar, and back:
 * exact integer arithmetic, no libc and no time zone, so that a day is the
 * same day on every machine (Howard Hinnant's algorithms). */
int32_t sl_days_from_civil(int y, unsigned m, unsigned d);
void sl_civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d);

/* Memory for secrets (a passphrase being typed): locked, out of core
 * dumps, wiped when freed. */
void *sl_secure_alloc(size_t n);        /* zeroed; NULL on failure */
void sl_secure_free(void *p, size_t n); /* wipes, then frees */
/* Constant-time compare; 0 when equal. */
int sl_memeq_ct(const void *a, const void *b, size_t n);

/* ---- passphrases -----------------------------------------------------------
 */

#define SL_PASS_MIN 8
#define SL_PASS_MAX 1024
/* SL_EINPUT unless SL_PASS_MIN..SL_PASS_MAX bytes, no NUL. */
sl_rc sl_passphrase_acceptable(const char *pass, size_t plen);

/* ---- the process -----------------------------------------------------------
 */

/* Once per process, first: secure heap, no core dumps, not ptrace-able. */
void sl_crypto_init(void);

/* The check worker: the program re-executes itself with this argument to
 * run consistency scripts confined (seccomp, rlimits, no key, no store).
 * A program that may be used as the worker calls sl_sandbox_worker_main
 * first thing in main() when argv[1] is SL_SANDBOX_WORKER_ARG, and
 * returns its value. */
#define SL_SANDBOX_WORKER_ARG "__sandbox-worker"
int sl_sandbox_worker_main(void);
/* The same for review plugins: the program re-executes itself with this
 * argument to run them confined, away from the keys and the store. */
#define SL_PLUGIN_WORKER_ARG "__plugin-worker"
int sl_plugin_worker_main(void);

#endif
