/* webcall.c - the web front's requests to shenlid. */
#define _GNU_SOURCE
#include "webcall.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static const char *sock_path;
/* The service runs one login of an account at a time and refuses a second
 * meanwhile ("under way"): the browsers' sign-ins, all of the web front's
 * account, wait their turn here instead. */
static pthread_mutex_t login_lock = PTHREAD_MUTEX_INITIALIZER;

void sl_webcall_init(const char *socket)
{
	sock_path = socket;
}

/* One request, one reply, as the shenli command does (client.c). A reply
 * that refuses ({"error"}) is returned as it is. */
static int exchange(const json_t *req, json_t **reply)
{
	*reply = NULL;
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (!sock_path || strlen(sock_path) >= sizeof a.sun_path)
		return SL_ESYS;
	strcpy(a.sun_path, sock_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* a stuck service must not hold a page (and its thread) forever:
	 * a login's scrypt and a read take well under this */
	struct timeval tv = {60, 0};
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) {
		if (fd >= 0)
			close(fd);
		return SL_ESYS;
	}
	sl_rc rc = sl_wire_send(fd, req);
	if (!rc)
		rc = sl_wire_recv(fd, reply);
	close(fd);
	return rc ? SL_ESYS : 0;
}

/* The role a session's answer names, if it is a role ("" if not). */
static void role_said(const json_t *reply, char role[16])
{
	const char *r = reply ? sl_wire_text(reply, "role") : NULL;
	snprintf(role, 16, "%s", r && sl_role_parse(r) ? r : "");
}

int sl_webcall_login(const char *user, const char *pass, size_t plen,
                     char tok[SL_TOKEN_HEX + 1], char role[16], long *retry,
                     char *msg, size_t cap)
{
	role[0] = 0;
	*retry = 0;
	json_t *req = json_pack("{s:s, s:s, s:s%}", "op", "login", "user", user,
	                        "passphrase", pass, plen);
	json_t *reply = NULL;
	pthread_mutex_lock(&login_lock);
	int rc = req ? exchange(req, &reply) : SL_ESYS;
	pthread_mutex_unlock(&login_lock);
	json_decref(req); /* wiped as it is freed (sl_wire_wiping_alloc) */
	snprintf(msg, cap, "%s", "");
	const char *t = reply ? sl_wire_text(reply, "token") : NULL;
	const char *err = reply ? sl_wire_text(reply, "error") : NULL;
	if (!rc && err) {
		long long r = sl_wire_int(reply, "rc");
		rc = r >= 1 && r <= 7 ? (int)r : SL_ESYS;
		snprintf(msg, cap, "%s", err);
		long long w = sl_wire_int(reply, "retry_after");
		*retry = w > 0 && w <= 3600 ? (long)w : 0;
	} else if (!rc && (!t || strlen(t) != SL_TOKEN_HEX)) {
		rc = SL_ESYS;
	} else if (!rc) {
		memcpy(tok, t, SL_TOKEN_HEX + 1);
		role_said(reply, role);
	}
	json_decref(reply);
	return rc;
}

int sl_webcall_redeem(const char *ticket, char tok[SL_TOKEN_HEX + 1],
                      char user[SL_ID_MAX + 1], char role[16])
{
	role[0] = 0;
	json_t *req = json_pack("{s:s, s:s}", "op", "redeem", "ticket", ticket);
	json_t *reply = NULL;
	int rc = req ? exchange(req, &reply) : SL_ESYS;
	json_decref(req); /* wiped as it is freed */
	const char *t = reply ? sl_wire_text(reply, "token") : NULL;
	const char *u = reply ? sl_wire_text(reply, "user") : NULL;
	if (!rc && sl_wire_text(reply, "error")) {
		long long r = sl_wire_int(reply, "rc");
		rc = r >= 1 && r <= 7 ? (int)r : SL_ESYS;
	} else if (!rc && (!t || strlen(t) != SL_TOKEN_HEX || !u ||
	                   !sl_user_id_valid(u))) {
		rc = SL_ESYS;
	} else if (!rc) {
		memcpy(tok, t, SL_TOKEN_HEX + 1);
		snprintf(user, SL_ID_MAX + 1, "%s", u);
		role_said(reply, role);
	}
	json_decref(reply);
	return rc;
}

void sl_webcall_logout(const char *tok)
{
	json_t *req = json_pack("{s:s, s:s}", "op", "logout", "token", tok);
	json_t *reply = NULL;
	if (req)
		exchange(req, &reply);
	json_decref(req);
	json_decref(reply);
}

/* What err points to when there is no message (or no memory for one),
 * so that a page may always read err[0]; never freed. */
static char no_err[1];

/* This thread's last run that exited SL_EAUTH: the service's message. */
static _Thread_local char shutout_why[1024];

const char *sl_webcall_shutout_why(void)
{
	return shutout_why;
}

char *sl_webcall_clip(const char *s, size_t n, size_t max)
{
	static const char more[] = "\xE2\x80\xA6"; /* … */
	size_t k = n;
	if (n > max) {
		k = max > sizeof more - 1 ? max - (sizeof more - 1) : 0;
		/* back to a lead byte: never half a character */
		while (k && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
	}
	char *out = malloc(k + sizeof more);
	if (!out)
		return NULL;
	memcpy(out, s, k);
	if (n > max)
		memcpy(out + k, more, sizeof more);
	else
		out[k] = 0;
	return out;
}

static void set_err(sl_webcall_res *res, const char *s, size_t n)
{
	char *e = s && n ? sl_webcall_clip(s, n, SL_WEBCALL_ERR_MAX) : NULL;
	res->err = e ? e : no_err;
}

/* s into buf (of cap bytes), cut on a character's boundary if it must
 * be. */
static void clip_into(char *buf, size_t cap, const char *s)
{
	char *c = sl_webcall_clip(s, strlen(s), cap - 1);
	snprintf(buf, cap, "%s", c ? c : "");
	free(c);
}

#define ERR_NOT_UTF8 "输入的内容不是有效的 UTF-8 文本，未执行任何操作。"

int sl_webcall_exec(const char *tok, const char *const *argv,
                    const json_t *files, int zh, sl_webcall_res *res)
{
	memset(res, 0, sizeof *res);
	res->err = no_err;
	shutout_why[0] = 0;
	json_t *av = json_array(), *reply = NULL;
	for (size_t i = 0; av && argv[i]; i++) {
		/* a word jansson cannot hold (not UTF-8) must not vanish:
		 * the words after it would move into its place */
		json_t *w = json_string(argv[i]);
		if (!w) {
			json_decref(av);
			set_err(res, ERR_NOT_UTF8, strlen(ERR_NOT_UTF8));
			return res->rc = SL_EINPUT;
		}
		json_array_append_new(av, w);
	}
	json_t *req =
	    json_pack("{s:s, s:s, s:o}", "op", "run", "token", tok, "argv", av);
	/* the service's messages in Chinese, as a panel member's shell with
	 * LANG=zh_CN.UTF-8 gets them (cli_init_locale falls back to C.UTF-8
	 * and LANGUAGE where the locale is not installed) */
	int bad = req && zh &&
	          json_object_set_new(
	              req, "env", json_pack("{s:s}", "LANG", "zh_CN.UTF-8"));
	bad = bad ||
	      (req && files && json_object_set(req, "files", (json_t *)files));
	int rc = req && !bad ? exchange(req, &reply) : SL_ESYS;
	json_decref(req);
	if (rc) {
		json_decref(reply);
		return res->rc = rc;
	}
	unsigned char *b = NULL;
	size_t n = 0;
	if (sl_wire_text(reply, "error")) {
		long long r = sl_wire_int(reply, "rc");
		rc = r == SL_EAUTH      ? SL_WEBCALL_NOSESSION
		     : r >= 1 && r <= 7 ? (int)r
		                        : SL_ESYS;
		const char *e = sl_wire_text(reply, "error");
		set_err(res, e, strlen(e));
	} else if (!sl_wire_is_int(reply, "rc") ||
	           sl_wire_bytes(reply, "stdout", &res->out, &res->len) != 0) {
		rc = SL_ESYS;
	} else {
		rc = (int)sl_wire_int(reply, "rc");
		if (rc < 0 || rc > 7)
			rc = SL_ESYS;
		if (sl_wire_bytes(reply, "stderr", &b, &n) == 0)
			set_err(res, (const char *)b, strnlen((char *)b, n));
		free(b);
		if (rc == SL_EAUTH) /* cut on a character, as a page shows it */
			clip_into(shutout_why, sizeof shutout_why, res->err);
	}
	json_decref(reply);
	return res->rc = rc;
}

void sl_webcall_res_free(sl_webcall_res *res)
{
	free(res->out);
	if (res->err != no_err)
		free(res->err);
	memset(res, 0, sizeof *res);
	res->err = no_err;
}

int sl_webcall_run(const char *tok, const char *const *argv, json_t **out)
{
	*out = NULL;
	sl_webcall_res res;
	/* in Chinese: --json is the same in every language, and a refusal
	 * of the user (SL_EAUTH) is said on the sign-in page */
	int rc = sl_webcall_exec(tok, argv, NULL, 1, &res);
	json_error_t e;
	if (!rc && !(*out = json_loadb((const char *)res.out, res.len, 0, &e)))
		rc = SL_ESYS;
	sl_webcall_res_free(&res);
	return rc;
}
