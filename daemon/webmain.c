/*
 * webmain.c - shenlid-web, the web front of shenlid (--http PORT).
 *
 *   shenlid-web --socket PATH --port PORT --idle-timeout SECONDS
 *
 * Started by shenlid only (server.c, start_web), as the service's uid. It
 * holds no key and no store handle: it serves the panel's pages over HTTP
 * on loopback (127.0.0.1, and ::1 where there is one) and gets every
 * page's content from shenlid over the unix socket, with the requests the
 * shenli command sends (webcall.h), so that policy and audit are the
 * service's. Browser sessions: websession.h; the pages: webpage.h.
 *
 * Every request: the Host header must name this listener (a page of
 * another site, resolved to 127.0.0.1 by DNS rebinding, is refused with
 * 421); a POST must carry the session's CSRF token and, when the browser
 * sends Origin, this listener's origin; bodies are bounded (64 KiB; an
 * intake's upload: the dossier limit, webpage_intake.h); every
 * response carries the CSP and the other headers of set_headers().
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <shenli/base.h>

#include "webcall.h"
#include "webhttp.h"
#include "webpage.h"
#include "webpage_audit.h"
#include "webpage_intake.h"
#include "webpage_lead.h"
#include "webpage_stats.h"
#include "websession.h"

#define BODY_MAX (64u << 10)
#define COOKIE "shenli_sid"

static int port;

typedef sl_webreq request;

static void logf_(const char *what, const char *user)
{
	char u[64];
	sl_text_sanitize(user ? user : "-", u, sizeof u);
	fprintf(stderr, "shenlid-web: %s user=%s\n", what, u);
}

/* ---- responses ---------------------------------------------------------- */

static void set_headers(struct MHD_Response *r, const char *type)
{
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Security-Policy",
	                        "default-src 'self'; frame-ancestors 'none'; "
	                        "form-action 'self'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
}

/* Send body (copied) with status; cookie: a session id to set ("": end
 * it; NULL: leave it); location: a 303's target. */
static enum MHD_Result send_(struct MHD_Connection *c, unsigned status,
                             const char *type, const char *body, size_t len,
                             const char *cookie, const char *location)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	set_headers(r, type);
	if (cookie) {
		char v[160];
		snprintf(v, sizeof v,
		         "%s=%s; HttpOnly; SameSite=Strict; Path=/%s", COOKIE,
		         cookie, *cookie ? "" : "; Max-Age=0");
		MHD_add_response_header(r, "Set-Cookie", v);
		OPENSSL_cleanse(v, sizeof v);
	}
	if (location)
		MHD_add_response_header(r, "Location", location);
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result send_page(struct MHD_Connection *c, unsigned status,
                                 sl_html *h, const char *cookie)
{
	enum MHD_Result ok;
	if (h->oom)
		ok = send_(c, 500, "text/plain; charset=utf-8",
		           "out of memory\n", 14, NULL, NULL);
	else
		ok = send_(c, status, "text/html; charset=utf-8", h->buf,
		           h->len, cookie, NULL);
	sl_html_free(h);
	return ok;
}

static enum MHD_Result message(struct MHD_Connection *c, unsigned status,
                               const sl_websess *s, const char *title,
                               const char *text)
{
	sl_html h = {0};
	sl_page_message(&h, s, title, text);
	return send_page(c, status, &h, NULL);
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *to,
                                const char *cookie)
{
	return send_(c, 303, "text/plain; charset=utf-8", "", 0, cookie, to);
}

/* The same page for a case that does not exist, one of another zone and
 * one the user is recused from (the service answers all three alike). */
static enum MHD_Result not_found(struct MHD_Connection *c, const sl_websess *s)
{
	return message(c, 404, s, "未找到", "没有您可查看的此页面或案件。");
}

enum MHD_Result sl_web_page(struct MHD_Connection *c, unsigned status,
                            sl_html *h)
{
	return send_page(c, status, h, NULL);
}

enum MHD_Result sl_web_message(struct MHD_Connection *c, unsigned status,
                               const sl_websess *s, const char *title,
                               const char *text)
{
	return message(c, status, s, title, text);
}

enum MHD_Result sl_web_redirect(struct MHD_Connection *c, const char *to)
{
	return redirect(c, to, NULL);
}

enum MHD_Result sl_web_not_found(struct MHD_Connection *c, const sl_websess *s)
{
	return not_found(c, s);
}

enum MHD_Result sl_web_refused(struct MHD_Connection *c, const sl_websess *s)
{
	return message(c, 403, s && s->signed_in ? s : NULL, "请求无效",
	               "请求未通过校验，未执行任何操作。");
}

/* ---- checks ------------------------------------------------------------- */

/* host is this listener: 127.0.0.1:PORT, localhost:PORT, [::1]:PORT. */
static int host_ok(const char *host)
{
	static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};
	char want[64];
	for (size_t i = 0; host && i < 3; i++) {
		snprintf(want, sizeof want, "%s:%d", names[i], port);
		if (!strcasecmp(host, want))
			return 1;
	}
	return 0;
}

/* Origin, when the browser sends one, is http:// and this listener. */
static int origin_ok(const char *origin)
{
	if (!origin)
		return 1;
	return !strncmp(origin, "http://", 7) && host_ok(origin + 7);
}

static int hexval(int ch)
{
	return ch >= '0' && ch <= '9'   ? ch - '0'
	       : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
	       : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
	                                : -1;
}

char *sl_web_form(const request *r, const char *name, size_t i, size_t *n)
{
	size_t nl = strlen(name);
	const char *p = r->body, *end = r->body + r->len;
	while (p && p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *f_end = amp ? amp : end;
		if ((size_t)(f_end - p) > nl && !strncmp(p, name, nl) &&
		    p[nl] == '=' && i-- == 0) {
			const char *v = p + nl + 1;
			char *out = malloc((size_t)(f_end - v) + 1), *o = out;
			for (; out && v < f_end; v++) {
				int hi, lo;
				if (*v == '+') {
					*o++ = ' ';
				} else if (*v != '%') {
					*o++ = *v;
				} else if (f_end - v > 2 &&
				           (hi = hexval(v[1])) >= 0 &&
				           (lo = hexval(v[2])) >= 0) {
					*o++ = (char)(hi << 4 | lo);
					v += 2;
				} else {
					OPENSSL_cleanse(out, (size_t)(o - out));
					free(out);
					return NULL;
				}
			}
			if (out) {
				*o = 0;
				*n = (size_t)(o - out);
			}
			return out;
		}
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

/* The value of name in an x-www-form-urlencoded body (the first). */
static char *form_get(const request *r, const char *name, size_t *n)
{
	return sl_web_form(r, name, 0, n);
}

static void wipe_free(char *s, size_t n)
{
	if (s)
		OPENSSL_cleanse(s, n);
	free(s);
}

/* ---- sign-in and sign-out ----------------------------------------------- */

static enum MHD_Result login_form(struct MHD_Connection *c, unsigned status,
                                  const sl_websess *anon, int fresh,
                                  const char *msg)
{
	sl_html h = {0};
	sl_page_login(&h, anon->csrf, msg);
	return send_page(c, status, &h, fresh ? anon->id : NULL);
}

static enum MHD_Result get_login(struct MHD_Connection *c, sl_websess *s,
                                 int have)
{
	if (have && s->signed_in)
		return redirect(c, "/", NULL);
	int fresh = !have;
	if (fresh && sl_websess_anon(s) != 0)
		return message(c, 503, NULL, "服务暂不可用", "请稍后再试。");
	return login_form(c, 200, s, fresh, NULL);
}

/* The user's role, from the service's list of users (a role that may not
 * list them gets ""): leaders and auditors see every case they may read,
 * the others their own; the pages offer a leader's and an auditor's
 * forms by it, and the service refuses what the role may not do. */
static void role_of(const char *tok, const char *user, char *role, size_t cap)
{
	static const char *const av[] = {"user", "list", "--json", NULL};
	json_t *users = NULL;
	snprintf(role, cap, "%s", "");
	if (sl_webcall_run(tok, av, &users) == 0) {
		size_t i;
		json_t *u;
		json_array_foreach(users, i, u)
		{
			const char *id =
			    json_string_value(json_object_get(u, "id"));
			const char *r =
			    json_string_value(json_object_get(u, "role"));
			if (id && r && !strcmp(id, user))
				snprintf(role, cap, "%s", r);
		}
	}
	json_decref(users);
}

static enum MHD_Result post_login(struct MHD_Connection *c, request *r,
                                  sl_websess *s)
{
	size_t ul = 0, pl = 0, cl = 0;
	char *csrf = form_get(r, "csrf", &cl);
	int ok = sl_websess_csrf_ok(s, csrf);
	wipe_free(csrf, cl);
	if (!ok)
		return message(c, 403, NULL, "请求无效",
		               "登录表单已失效，请重新打开登录页面。");
	char *user = form_get(r, "user", &ul);
	char *pass = form_get(r, "passphrase", &pl);
	enum MHD_Result res;
	long wait =
	    user && sl_user_id_valid(user) ? sl_websess_signin_wait(user) : 0;
	if (!user || !pass || !sl_user_id_valid(user) || strlen(pass) != pl) {
		res = login_form(c, 403, s, 0, "用户名或口令错误。");
	} else if (wait) {
		char m[128];
		snprintf(m, sizeof m, "登录尝试过于频繁，请%ld秒后再试。",
		         wait);
		logf_("sign-in throttled", user);
		res = login_form(c, 429, s, 0, m);
	} else {
		char tok[SL_TOKEN_HEX + 1], msg[256], role[16];
		long retry = 0;
		int rc = sl_webcall_login(user, pass, pl, tok, &retry, msg,
		                          sizeof msg);
		OPENSSL_cleanse(pass, pl); /* before anything else is done */
		/* EINPUT: a passphrase the service will not take (too long) */
		int refused = !retry && (rc == SL_EAUTH || rc == SL_EINPUT);
		if (!retry)
			sl_websess_signin_done(user, !refused);
		sl_websess n;
		if (!rc)
			role_of(tok, user, role, sizeof role);
		if (retry) {
			/* the service's limit of the web front's account: all
			 * browsers' failures together (SECURITY.md) */
			char m[128];
			snprintf(m, sizeof m,
			         "登录尝试过于频繁，请%ld秒后再试。", retry);
			logf_("sign-in throttled by the service", user);
			res = login_form(c, 429, s, 0, m);
		} else if (refused) {
			logf_("sign-in refused", user);
			res = login_form(c, 403, s, 0, "用户名或口令错误。");
		} else if (rc) {
			res = message(c, 503, NULL, "服务暂不可用",
			              "审理服务暂时无法登录，请稍后再试。");
		} else if (sl_websess_sign_in(s->id, user, role, tok, &n) !=
		           0) {
			sl_webcall_logout(tok);
			res = message(c, 503, NULL, "服务暂不可用",
			              "同时登录的用户过多，请稍后再试。");
		} else {
			logf_("sign-in", user);
			res = redirect(c, "/", n.id); /* a new id, never s's */
			sl_websess_wipe(&n);
		}
		OPENSSL_cleanse(tok, sizeof tok);
	}
	wipe_free(pass, pl);
	free(user);
	return res;
}

static enum MHD_Result post_logout(struct MHD_Connection *c, request *r,
                                   sl_websess *s)
{
	size_t cl = 0;
	char *csrf = form_get(r, "csrf", &cl);
	int ok = s->signed_in && sl_websess_csrf_ok(s, csrf);
	wipe_free(csrf, cl);
	if (!ok)
		return message(c, 403, s->signed_in ? s : NULL, "请求无效",
		               "请求未通过校验，未执行任何操作。");
	char tok[SL_TOKEN_HEX + 1];
	if (sl_websess_end(s->id, tok))
		sl_webcall_logout(tok);
	OPENSSL_cleanse(tok, sizeof tok);
	logf_("sign-out", s->user);
	return redirect(c, "/login", "");
}

/* ---- pages -------------------------------------------------------------- */

/* A run's outcome other than success, as a page. */
enum MHD_Result sl_web_failed(struct MHD_Connection *c, sl_websess *s, int rc)
{
	if (rc == SL_WEBCALL_NOSESSION) {
		sl_websess_lost(s->id);
		return redirect(c, "/login", "");
	}
	if (rc == SL_EPERM)
		return message(c, 403, s, "无权查看", "您的角色不能查看案件。");
	return message(c, 503, s, "服务暂不可用", "请稍后再试。");
}

static enum MHD_Result queue(struct MHD_Connection *c, sl_websess *s)
{
	const char *mine[] = {"case", "list",   "--assignee",
	                      "me",   "--json", NULL};
	const char *all[] = {"case", "list", "--json", NULL};
	json_t *cases = NULL;
	int rc = sl_webcall_run(s->token, s->sees_all ? all : mine, &cases);
	if (rc || !json_is_array(cases)) {
		json_decref(cases);
		return sl_web_failed(c, s, rc ? rc : SL_ESYS);
	}
	sl_html h = {0};
	sl_page_queue(&h, s, cases);
	json_decref(cases);
	return send_page(c, 200, &h, NULL);
}

/* The outlines of the case's returns, 1 to n, in order. */
static int outlines_of(sl_websess *s, const char *id, long long n, json_t **out)
{
	*out = json_array();
	int rc = *out ? 0 : SL_ESYS;
	for (long long i = 1; !rc && i <= n && i <= 100; i++) {
		char no[24];
		snprintf(no, sizeof no, "%lld", i);
		const char *av[] = {"review", "outline", id,  "--return",
		                    no,       "--json",  NULL};
		json_t *o = NULL;
		rc = sl_webcall_run(s->token, av, &o);
		if (!rc && json_array_append_new(*out, o))
			rc = SL_ESYS;
	}
	return rc;
}

static enum MHD_Result case_page(struct MHD_Connection *c, sl_websess *s,
                                 const char *id)
{
	const char *show_av[] = {"case", "show", id, "--json", NULL};
	const char *find_av[] = {"review", "findings", id, "--json", NULL};
	json_t *show = NULL, *fnd = NULL, *outl = NULL;
	int rc = sl_webcall_run(s->token, show_av, &show);
	if (!rc)
		rc = sl_webcall_run(s->token, find_av, &fnd);
	if (!rc)
		rc = outlines_of(
		    s, id, json_integer_value(json_object_get(show, "returns")),
		    &outl);
	enum MHD_Result res;
	if (rc == SL_EPERM || rc == SL_EINPUT) {
		res = not_found(c, s); /* not visible, or no such id */
	} else if (rc || !json_is_object(show) || !json_is_array(fnd)) {
		res = sl_web_failed(c, s, rc ? rc : SL_ESYS);
	} else {
		sl_html h = {0};
		json_t *users = sl_lead_team_users(s, show);
		sl_page_case(&h, s, show, fnd, outl, users);
		json_decref(users);
		res = send_page(c, 200, &h, NULL);
	}
	json_decref(show);
	json_decref(fnd);
	json_decref(outl);
	return res;
}

const char *sl_web_plain(char *msg)
{
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = 0;
	return !strncmp(msg, "shenli: ", 8) ? msg + 8 : msg;
}

int sl_web_id_ok(const char *id)
{
	size_t n = strlen(id);
	if (!n || n > 64 || id[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr(
		        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		        "0123456789._-",
		        id[i]))
			return 0;
	return 1;
}

/* A signed-in user's POST other than sign-out: each handler checks the
 * form's CSRF token before it does anything. */
static enum MHD_Result post_page(struct MHD_Connection *c, const char *url,
                                 request *r, sl_websess *s)
{
	static const char suffix[] = "/assign";
	if (!strcmp(url, "/intake"))
		return sl_web_intake(c, s, r);
	size_t n = strlen(url), sl = sizeof suffix - 1;
	char id[72];
	if (!strncmp(url, "/case/", 6) && n > 6 + sl &&
	    n - 6 - sl < sizeof id && !strcmp(url + n - sl, suffix)) {
		snprintf(id, sizeof id, "%.*s", (int)(n - 6 - sl), url + 6);
		if (sl_web_id_ok(id))
			return sl_web_assign(c, s, id, r);
	}
	return sl_web_refused(c, s);
}

static enum MHD_Result route(struct MHD_Connection *c, const char *url,
                             int post, request *r)
{
	sl_websess s;
	memset(&s, 0, sizeof s);
	int have = sl_websess_get(
	    MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE), &s);
	enum MHD_Result res;
	if (!post && !strcmp(url, "/style.css"))
		res = send_(c, 200, "text/css; charset=utf-8", sl_page_css,
		            strlen(sl_page_css), NULL, NULL);
	else if (!strcmp(url, "/login"))
		res = post ? (have && !s.signed_in
		                  ? post_login(c, r, &s)
		                  : message(
		                        c, 403, NULL, "请求无效",
		                        "登录表单已失效，请重新打开登录页面。"))
		           : get_login(c, &s, have);
	else if (post && !strcmp(url, "/logout"))
		res = post_logout(c, r, &s);
	else if (post)
		res = have && s.signed_in ? post_page(c, url, r, &s)
		                          : sl_web_refused(c, NULL);
	else if (!have || !s.signed_in)
		res = strcmp(url, "/") && strncmp(url, "/case/", 6) &&
		              strcmp(url, "/intake") && strcmp(url, "/audit") &&
		              strcmp(url, "/stats")
		          ? not_found(c, NULL)
		          : redirect(c, "/login", NULL);
	else if (!strcmp(url, "/"))
		res = queue(c, &s);
	else if (!strcmp(url, "/intake"))
		res = sl_web_intake_form(c, &s);
	else if (!strcmp(url, "/audit"))
		res = sl_web_audit(c, &s);
	else if (!strcmp(url, "/stats"))
		res = sl_web_stats(c, &s);
	else if (!strncmp(url, "/case/", 6) && sl_web_id_ok(url + 6))
		res = case_page(c, &s, url + 6);
	else
		res = not_found(c, &s);
	sl_websess_wipe(&s);
	return res;
}

/* The request comes from a signed-in leader's browser: only theirs may
 * send an upload of the dossier limit (64 connections of anyone's at
 * 16 MiB would be a gigabyte held). Who may import is the service's. */
static int leader_of(struct MHD_Connection *c)
{
	sl_websess s;
	memset(&s, 0, sizeof s);
	int yes =
	    sl_websess_get(
	        MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE), &s) &&
	    s.signed_in && !strcmp(s.role, "leader");
	sl_websess_wipe(&s);
	return yes;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c,
                               const char *url, const char *method,
                               const char *version, const char *data,
                               size_t *size, void **ctx)
{
	(void)cls;
	(void)version;
	request *r = *ctx;
	int post = !strcmp(method, "POST");
	if (!r) { /* the headers: checked before any body is read */
		if (!(r = calloc(1, sizeof *r)))
			return MHD_NO;
		*ctx = r;
		r->max = post && !strcmp(url, "/intake") && leader_of(c)
		             ? sl_intake_body_max()
		             : BODY_MAX;
		const char *len = MHD_lookup_connection_value(
		    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (!host_ok(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                         "Host")))
			return send_(c, 421, "text/plain; charset=utf-8",
			             "misdirected request\n", 20, NULL, NULL);
		if (!post && strcmp(method, "GET") && strcmp(method, "HEAD"))
			return message(c, 405, NULL, "不支持的请求",
			               "不支持此请求方法。");
		if (len && strtoull(len, NULL, 10) > r->max)
			return message(c, 413, NULL, "请求过大",
			               "提交的内容过大。");
		return MHD_YES;
	}
	if (*size) { /* a piece of the body: kept while within bounds */
		if (!r->too_big && r->len + *size <= r->max) {
			/* doubled as it grows: an upload of 16 MiB comes in
			 * thousands of pieces */
			size_t cap = r->cap ? r->cap : 4096;
			while (cap < r->len + *size + 1)
				cap *= 2;
			char *b =
			    cap == r->cap ? r->body : realloc(r->body, cap);
			if (b) {
				memcpy(b + r->len, data, *size);
				r->body = b;
				r->cap = cap;
				r->len += *size;
				b[r->len] = 0;
			}
			r->too_big = !b;
		} else {
			r->too_big = 1;
		}
		*size = 0;
		return MHD_YES;
	}
	if (r->too_big)
		return message(c, 413, NULL, "请求过大", "提交的内容过大。");
	if (post && !origin_ok(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	                                                   "Origin")))
		return message(c, 403, NULL, "请求无效",
		               "请求来源不符，未执行任何操作。");
	return route(c, url, post, r);
}

/* A request's body is wiped as it ends: it may hold a passphrase. */
static void completed(void *cls, struct MHD_Connection *c, void **ctx,
                      enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)c;
	(void)why;
	request *r = *ctx;
	if (r) {
		wipe_free(r->body, r->len);
		free(r);
		*ctx = NULL;
	}
}

static struct MHD_Daemon *listen_on(int v6)
{
	struct sockaddr_in a4 = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6,
	                          .sin6_port = htons((uint16_t)port),
	                          .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	return MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
	        (v6 ? MHD_USE_IPv6 : 0),
	    (uint16_t)port, NULL, NULL, handler, NULL, MHD_OPTION_SOCK_ADDR,
	    v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
	    MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_CONNECTION_TIMEOUT,
	    30u, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
}

static const char *arg(int argc, char **argv, const char *name)
{
	for (int i = 1; i + 1 < argc; i += 2)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *sock = arg(argc, argv, "--socket");
	const char *p = arg(argc, argv, "--port");
	const char *idle = arg(argc, argv, "--idle-timeout");
	port = p ? atoi(p) : 0;
	long idle_s = idle ? atol(idle) : 0;
	if (argc != 7 || !sock || port < 1 || port > 65535 || idle_s < 1) {
		fprintf(stderr,
		        "shenlid-web: started by shenlid --http only\n");
		return SL_EUSAGE;
	}
	/* it holds session tokens: no core dumps, no ptrace by its uid */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	sl_wire_wiping_alloc();
	sl_webcall_init(sock);
	sl_websess_init(idle_s);
	signal(SIGPIPE, SIG_IGN);
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, NULL); /* the threads inherit it */
	struct MHD_Daemon *d4 = listen_on(0), *d6 = listen_on(1);
	if (!d4) {
		fprintf(stderr,
		        "shenlid-web: cannot listen on 127.0.0.1:%d: %s\n",
		        port, strerror(errno));
		if (d6)
			MHD_stop_daemon(d6);
		return SL_ESYS;
	}
	fprintf(stderr, "shenlid-web: serving http://127.0.0.1:%d/%s\n", port,
	        d6 ? " and [::1]" : "");
	int sig = 0;
	sigwait(&stop, &sig);
	MHD_stop_daemon(d4);
	if (d6)
		MHD_stop_daemon(d6);
	return SL_OK;
}
