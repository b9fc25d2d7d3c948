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
#include "webpage_opinion.h"
#include "webpage_review.h"
#include "webpage_signoff.h"
#include "webpage_stats.h"
#include "websession.h"

#define BODY_MAX (64u << 10)
#define COOKIE "shenli_sid"

static int port;
/* --origin (shenlid --http-origin): the https origin of a TLS reverse
 * proxy in front of this listener, and its host as the proxy passes it
 * on (NULL: loopback only) */
static const char *public_origin, *public_host;

typedef sl_webreq request;

static void logf_(const char *what, const char *user)
{
	char u[64];
	sl_text_sanitize(user ? user : "-", u, sizeof u);
	fprintf(stderr, "shenlid-web: %s user=%s\n", what, u);
}

/* ---- responses ---------------------------------------------------------- */

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind,
                                    const char *key, const char *value)
{
	(void)kind;
	(void)value;
	int *n = cls;
	n[0] += !strcasecmp(key, "Host");
	n[1] += !strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH);
	return MHD_YES;
}

/* One Host and at most one Content-Length (RFC 9112 3.2, 6.3): with two,
 * the host checked (the first) need not be the one a proxy routed by,
 * nor the length read the one another reader of the stream reads. */
static int headers_single(struct MHD_Connection *c)
{
	int n[2] = {0, 0};
	MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, n);
	return n[0] == 1 && n[1] <= 1;
}

/* host is the public origin's, as the proxy passes it on. */
static int public_host_ok(const char *host)
{
	return public_host && host && !strcasecmp(host, public_host);
}

static void set_headers(struct MHD_Response *r, const char *type)
{
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Security-Policy",
	                        "default-src 'self'; frame-ancestors 'none'; "
	                        "form-action 'self'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	/* not no-referrer: under it a browser's form POST carries
	 * "Origin: null" (Fetch, serializing a request origin), which
	 * origin_ok must refuse; same-origin names this listener and sends
	 * no Referer anywhere else (the pages link nowhere else anyway) */
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
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
		/* through the proxy the browser speaks https: the cookie is
		 * never to be sent over plain http */
		int tls = public_host_ok(
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host"));
		char v[176];
		snprintf(v, sizeof v,
		         "%s=%s; HttpOnly; SameSite=Strict; Path=/%s%s", COOKIE,
		         cookie, *cookie ? "" : "; Max-Age=0",
		         tls ? "; Secure" : "");
		MHD_add_response_header(r, "Set-Cookie", v);
		OPENSSL_cleanse(v, sizeof v);
	}
	if (location)
		MHD_add_response_header(r, "Location", location);
	if (status == 405) /* RFC 9110 15.5.6: it names the methods */
		MHD_add_response_header(r, "Allow", "GET, HEAD, POST");
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

enum MHD_Result sl_web_too_long(struct MHD_Connection *c, const sl_websess *s,
                                const char *title, const char *box,
                                size_t bytes)
{
	char m[256];
	snprintf(m, sizeof m,
	         "“%s”过长：最多 %zu 字节（约 %zu 个汉字），未作任何更改。",
	         box, bytes, bytes / 3);
	return message(c, 400, s, title, m);
}

enum MHD_Result sl_web_redirect(struct MHD_Connection *c, const char *to)
{
	return redirect(c, to, NULL);
}

enum MHD_Result sl_web_document(struct MHD_Connection *c, const char *type,
                                const unsigned char *body, size_t len,
                                const char *name)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	set_headers(r, type);
	char v[160];
	snprintf(v, sizeof v, "inline; filename=\"%s\"", name);
	MHD_add_response_header(r, "Content-Disposition", v);
	enum MHD_Result ok = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ok;
}

enum MHD_Result sl_web_not_found(struct MHD_Connection *c, const sl_websess *s)
{
	return not_found(c, s);
}

enum MHD_Result sl_web_refused(struct MHD_Connection *c, const sl_websess *s)
{
	/* most often a page opened before the last sign-in: its forms
	 * carry the token of a session that has ended */
	return message(c, 403, s && s->signed_in ? s : NULL, "请求无效",
	               "请求未通过校验，未执行任何操作。如在重新登录前打开"
	               "了此页面，请刷新页面后再提交。");
}

/* ---- checks ------------------------------------------------------------- */

/* host is this listener: 127.0.0.1:PORT, localhost:PORT, [::1]:PORT, or
 * the public origin's host. */
static int host_ok(const char *host)
{
	static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};
	char want[64];
	if (public_host_ok(host))
		return 1;
	for (size_t i = 0; host && i < 3; i++) {
		snprintf(want, sizeof want, "%s:%d", names[i], port);
		if (!strcasecmp(host, want))
			return 1;
	}
	return 0;
}

/* Origin, when the browser sends one, is http:// and this listener, or
 * exactly the public origin. */
static int origin_ok(const char *origin)
{
	if (!origin)
		return 1;
	if (public_origin && !strcasecmp(origin, public_origin))
		return 1;
	return !strncmp(origin, "http://", 7) && host_ok(origin + 7) &&
	       !public_host_ok(origin + 7);
}

static int hexval(int ch)
{
	return ch >= '0' && ch <= '9'   ? ch - '0'
	       : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
	       : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
	                                : -1;
}

/* The i-th field of name in the body: its value's first byte, and in
 * *f_end the byte after it; NULL if there is none. */
static const char *field_at(const request *r, const char *name, size_t i,
                            const char **f_end)
{
	size_t nl = strlen(name);
	const char *p = r->body, *end = r->body + r->len;
	while (p && p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		*f_end = amp ? amp : end;
		if ((size_t)(*f_end - p) > nl && !strncmp(p, name, nl) &&
		    p[nl] == '=' && i-- == 0)
			return p + nl + 1;
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

char *sl_web_form(const request *r, const char *name, size_t i, size_t *n)
{
	const char *f_end, *v = field_at(r, name, i, &f_end);
	if (!v)
		return NULL;
	char *out = malloc((size_t)(f_end - v) + 1), *o = out;
	for (; out && v < f_end; v++) {
		int hi, lo;
		if (*v == '+') {
			*o++ = ' ';
		} else if (*v != '%') {
			*o++ = *v;
		} else if (f_end - v > 2 && (hi = hexval(v[1])) >= 0 &&
		           (lo = hexval(v[2])) >= 0) {
			*o++ = (char)(hi << 4 | lo);
			v += 2;
		} else {
			OPENSSL_cleanse(out, (size_t)(o - out));
			free(out);
			return NULL;
		}
	}
	if (out && !sl_utf8_valid(out, (size_t)(o - out))) {
		/* as a malformed escape: no field, never bytes the service
		 * would have to refuse half way */
		OPENSSL_cleanse(out, (size_t)(o - out));
		free(out);
		return NULL;
	}
	if (out) {
		*o = 0;
		*n = (size_t)(o - out);
	}
	return out;
}

int sl_web_form_sent(const request *r, const char *name, size_t i)
{
	const char *f_end;
	return field_at(r, name, i, &f_end) != NULL;
}

int sl_web_csrf_ok(const sl_websess *s, const request *r)
{
	size_t n = 0;
	char *v = sl_web_form(r, "csrf", 0, &n);
	int ok = s->signed_in && sl_websess_csrf_ok(s, v);
	if (v)
		OPENSSL_cleanse(v, n);
	free(v);
	return ok;
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
	/* why the browser's last session ended, once (session_over) */
	char note[SL_WEBSESS_NOTE_MAX];
	sl_websess_take_note(s->id, note, sizeof note);
	return login_form(c, 200, s, fresh, note[0] ? note : NULL);
}

/* The user's role, from the service's list of users (a role that may not
 * list them gets ""): leaders and auditors see every case they may read,
 * the others their own; the pages offer a leader's and an auditor's
 * forms by it, and the service refuses what the role may not do. */
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
		int rc = sl_webcall_login(user, pass, pl, tok, role, &retry,
		                          msg, sizeof msg);
		OPENSSL_cleanse(pass, pl); /* before anything else is done */
		/* EINPUT: a passphrase the service will not take (too long) */
		int refused = !retry && (rc == SL_EAUTH || rc == SL_EINPUT);
		if (!retry)
			sl_websess_signin_done(user, !refused);
		sl_websess n;
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
			              "服务暂时无法登录，请稍后再试。");
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

/* GET /open?t=TICKET, the URL shenli open printed: the service redeems the
 * ticket for a session of the command's user, and the browser is signed
 * in as a sign-in signs it in (a new id, never the one it brought), then
 * sent to "/" so that the ticket, used up anyway, leaves the address bar.
 * A page of another site may not spend one: the browser's Sec-Fetch-Site
 * says where the request came from (absent: a browser too old to say, or
 * no browser), so a user is never signed in as someone else by a link. */
static enum MHD_Result get_open(struct MHD_Connection *c, sl_websess *s,
                                int have)
{
	const char *site =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
	const char *t =
	    MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "t");
	char tok[SL_TOKEN_HEX + 1], user[SL_ID_MAX + 1], role[16];
	int rc = site && strcmp(site, "none") && strcmp(site, "same-origin")
	             ? SL_EPERM
	             : sl_webcall_redeem(t ? t : "", tok, user, role);
	if (rc == SL_EAUTH || rc == SL_EPERM || rc == SL_EINPUT) {
		logf_("sign-in by ticket refused", NULL);
		return message(c, 403, NULL, "链接无效",
		               "此一次性链接已使用、已过期或无效。请在命令行"
		               "重新运行 shenli open。");
	}
	if (rc)
		return message(c, 503, NULL, "服务暂不可用", "请稍后再试。");
	sl_websess n;
	enum MHD_Result res;
	char old[SL_TOKEN_HEX + 1];
	if (have && sl_websess_end(s->id, old)) /* signed in as another */
		sl_webcall_logout(old);
	OPENSSL_cleanse(old, sizeof old);
	if (sl_websess_sign_in(NULL, user, role, tok, &n)) {
		sl_webcall_logout(tok);
		res = message(c, 503, NULL, "服务暂不可用",
		              "同时登录的用户过多，请稍后再试。");
	} else {
		logf_("sign-in by ticket (shenli open)", user);
		res = redirect(c, "/", n.id);
		sl_websess_wipe(&n);
	}
	OPENSSL_cleanse(tok, sizeof tok);
	return res;
}

/* A form sent by a browser no longer signed in: its session idled out
 * or ended (a forged cookie is no session either, and is told the same:
 * nothing it could use). Said as what happened, not as a bad request. */
static enum MHD_Result signed_out(struct MHD_Connection *c)
{
	return message(c, 403, NULL, "登录已超时",
	               "登录已超时或已结束，请重新登录。本次提交未执行任何"
	               "操作，重新登录后请再次提交。");
}

static enum MHD_Result post_logout(struct MHD_Connection *c, request *r,
                                   sl_websess *s)
{
	size_t cl = 0;
	if (!s->signed_in) /* over already: signed out is what was asked */
		return signed_out(c);
	char *csrf = form_get(r, "csrf", &cl);
	int ok = sl_websess_csrf_ok(s, csrf);
	wipe_free(csrf, cl);
	if (!ok)
		return message(c, 403, s, "请求无效",
		               "请求未通过校验，未执行任何操作。");
	char tok[SL_TOKEN_HEX + 1];
	if (sl_websess_end(s->id, tok))
		sl_webcall_logout(tok);
	OPENSSL_cleanse(tok, sizeof tok);
	logf_("sign-out", s->user);
	return redirect(c, "/login", "");
}

/* ---- pages -------------------------------------------------------------- */

/* The browser's session is over: the service no longer has its session,
 * or shut its user out (why: the service's message). It ends here too,
 * and the browser, under a new anonymous id, is sent to the sign-in page,
 * which says why once. */
static enum MHD_Result session_over(struct MHD_Connection *c, sl_websess *s,
                                    const char *why)
{
	char tok[SL_TOKEN_HEX + 1];
	if (sl_websess_end(s->id, tok) && why)
		sl_webcall_logout(tok); /* a shut-out user's: of no use now */
	OPENSSL_cleanse(tok, sizeof tok);
	logf_(why ? "session ended: user shut out by the service"
	          : "session ended by the service",
	      s->user);
	char *said = why && *why ? sl_web_said(why) : NULL;
	char *note = NULL; /* cut, if ever, on a character by the table */
	if (asprintf(&note, "%s%s",
	             why ? "您的登录已结束。" : "您的登录已失效，请重新登录。",
	             why ? (said && *said ? said : "请重新登录。") : "") < 0)
		note = NULL;
	free(said);
	sl_websess n;
	memset(&n, 0, sizeof n);
	enum MHD_Result res = sl_websess_anon_note(note ? note : "", &n) == 0
	                          ? redirect(c, "/login", n.id)
	                          : redirect(c, "/login", "");
	free(note);
	sl_websess_wipe(&n);
	return res;
}

/* A run's outcome other than success, as a page. */
enum MHD_Result sl_web_failed(struct MHD_Connection *c, sl_websess *s, int rc)
{
	if (rc == SL_WEBCALL_NOSESSION)
		return session_over(c, s, NULL);
	/* a command that ran and exited 3: the service refused the user
	 * (disabled, a new passphrase, or an admin's not yet replaced) */
	if (rc == SL_EAUTH)
		return session_over(c, s, sl_webcall_shutout_why());
	if (rc == SL_EPERM)
		return message(c, 403, s, "无权查看", "您的角色不能查看案件。");
	if (rc == SL_EINPUT) /* what was asked, not the service */
		return message(c, 400, s, "请求无效",
		               "请求中的内容有误（例如不是有效的 UTF-8 "
		               "文本），未执行任何操作。");
	return message(c, 503, s, "服务暂不可用", "请稍后再试。");
}

/* The queue's page: 100 cases, from the one after ?after= (keyset: a
 * page costs the same wherever it is, and a store of 100k cases is never
 * sent whole to a browser). */
#define QUEUE_PAGE 100

static enum MHD_Result queue(struct MHD_Connection *c, sl_websess *s)
{
	/* an admin reads no case: asking for the queue would only be
	 * refused (and audited as a refusal the admin never meant) */
	if (!strcmp(s->role, "admin")) {
		sl_html h = {0};
		sl_page_admin_home(&h, s);
		return send_page(c, 200, &h, NULL);
	}
	const char *after =
	    MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "after");
	if (after && !sl_web_id_ok(after))
		return not_found(c, s);
	char limit[16];
	snprintf(limit, sizeof limit, "%d", QUEUE_PAGE + 1);
	const char *av[12] = {"case", "list", "--json", "--limit", limit};
	size_t n = 5;
	if (!s->sees_all) {
		av[n++] = "--assignee";
		av[n++] = "me";
	}
	if (after) {
		av[n++] = "--after";
		av[n++] = after;
	}
	av[n] = NULL;
	json_t *cases = NULL;
	int rc = sl_webcall_run(s->token, av, &cases);
	if (rc || !json_is_array(cases)) {
		json_decref(cases);
		return sl_web_failed(c, s, rc ? rc : SL_ESYS);
	}
	/* the agencies by name, as the case page names them (the registry
	 * any role may list); without it, by code */
	static const char *const ag_av[] = {"agency", "list", "--json", NULL};
	json_t *ags = NULL;
	if (sl_webcall_run(s->token, ag_av, &ags) != 0) {
		json_decref(ags);
		ags = NULL;
	}
	sl_html h = {0};
	sl_page_queue(&h, s, cases, ags, QUEUE_PAGE, after != NULL);
	json_decref(cases);
	json_decref(ags);
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
	/* the agency's and zone's names, as `case show` prints them: the
	 * registry any role may list (no refusal, nothing audited) */
	static const char *const ag_av[] = {"agency", "list", "--json", NULL};
	static const char *const zo_av[] = {"zone", "list", "--json", NULL};
	json_t *show = NULL, *fnd = NULL, *outl = NULL, *ags = NULL,
	       *zos = NULL;
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
		/* without them (a service that cannot list them now) the
		 * page names both by code, as before */
		if (sl_webcall_run(s->token, ag_av, &ags) != 0) {
			json_decref(ags);
			ags = NULL;
		}
		if (sl_webcall_run(s->token, zo_av, &zos) != 0) {
			json_decref(zos);
			zos = NULL;
		}
		sl_page_case(&h, s, show, fnd, outl, users, ags, zos);
		json_decref(users);
		res = send_page(c, 200, &h, NULL);
	}
	json_decref(show);
	json_decref(fnd);
	json_decref(outl);
	json_decref(ags);
	json_decref(zos);
	return res;
}

/* The command line's words in the core's Chinese messages (po/zh_CN.po)
 * and what the pages call the same thing: the longer phrase first, so
 * that a whole phrase is put before its option alone is. The messages
 * stay the command's (the core's catalog is not the web's to change). */
static const char *const CLI_WORDS[][2] = {
    {"请先运行“review run”", "请先在案件页面点击“运行审查”"},
    {"--form 须为形态序号 1-4，", "请在“四种形态”中选择一项，"},
    {"（无人能够答复的事项可以撤回：review withdraw）",
     "（无人能够答复的事项，可在案件页面的“撤回补查事项”中写明理由后撤回）"},
    {"退回（review return --from-finding）", "“退回补查”"},
    {"（--item TEXT --ref IDS）", "（在“组长补充的补查事项”中填写）"},
    {"（--ref F1,E2、--ref doc:identity、--ref subject）",
     "（在“涉及”一栏填写，如 F1,E2、doc:identity 或 subject）"},
    {"、“subject”或“doc:KIND”",
     "、被审查调查人（subject）或卷宗材料（doc:材料代码，如 doc:identity）"},
    {"请至少给出一个 --discipline", "请至少选择一项“违反纪律”"},
    {"请说明理由（--reason TEXT）", "请填写理由"},
    {"请以文件（--file）或逐项选项给出", "请填写意见表"},
    {"（review opinion）", ""},
    {"（--panel）", "（集体审议）"},
    {"review withdraw：", "撤回补查事项："},
    {"review return：", "退回补查："},
    {"review opinion：", "审理意见："},
    {"--from-finding ", "审查发现 "},
};

/* The program's name at the start of a line ("shenli: ", or with the
 * Chinese catalog's full-width colon): its length, 0 if none. */
static size_t prog_name(const char *p)
{
	return !strncmp(p, "shenli: ", 8)             ? 8
	       : !strncmp(p, "shenli\xEF\xBC\x9A", 9) ? 9
	                                              : 0;
}

/* A line of a command's usage, or the hint to its help (cli_usage): the
 * command line's, which the pages do not speak; the error it follows
 * says what was wrong. */
static int usage_line(const char *p)
{
	static const char *const starts[] = {
	    "用法：", "usage: ", "请运行“shenli help", "try 'shenli help"};
	for (size_t k = 0; k < sizeof starts / sizeof *starts; k++)
		if (!strncmp(p, starts[k], strlen(starts[k])))
			return 1;
	size_t sp = strspn(p, " ");
	return sp && !strncmp(p + sp, "shenli ", 7);
}

char *sl_web_said(const char *msg)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	if (!f)
		return NULL;
	size_t end = strlen(msg);
	while (end && (msg[end - 1] == '\n' || msg[end - 1] == ' '))
		end--;
	/* a usage's synopsis goes on over indented lines ("   [--panel
	 * ...]"): dropped with the line they continue */
	int in_usage = 0;
	for (size_t i = 0; i < end;) {
		if (i == 0 || msg[i - 1] == '\n') {
			i += prog_name(msg + i);
			in_usage =
			    usage_line(msg + i) || (in_usage && msg[i] == ' ');
			if (in_usage) {
				const char *nl = memchr(msg + i, '\n', end - i);
				i = nl ? (size_t)(nl - msg) + 1 : end;
				continue;
			}
		}
		size_t k = 0, w = sizeof CLI_WORDS / sizeof *CLI_WORDS, len = 0;
		for (; k < w; k++) {
			len = strlen(CLI_WORDS[k][0]);
			if (len <= end - i &&
			    !memcmp(msg + i, CLI_WORDS[k][0], len))
				break;
		}
		if (k < w) {
			fputs(CLI_WORDS[k][1], f);
			i += len;
		} else {
			fputc(msg[i++], f);
		}
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

void sl_html_said(sl_html *h, const char *msg, const char *dflt)
{
	char *m = msg && *msg ? sl_web_said(msg) : NULL;
	if (msg && *msg && !m) {
		h->oom = 1;
		return;
	}
	if (!m || !*m) {
		sl_html_text(h, dflt);
		free(m);
		return;
	}
	/* a line each (an intake's malformed files, a sign-off's scripts):
	 * the cleaner would make a newline a mere space */
	for (char *line = m, *nl; line; line = nl) {
		if ((nl = strchr(line, '\n')))
			*nl++ = 0;
		sl_html_text(h, line);
		if (nl)
			sl_html_put(h, "<br>");
	}
	free(m);
}

enum MHD_Result sl_web_said_message(struct MHD_Connection *c, unsigned status,
                                    const sl_websess *s, const char *title,
                                    const char *msg, const char *dflt)
{
	char *m = msg && *msg ? sl_web_said(msg) : NULL;
	enum MHD_Result ok = message(c, status, s, title, m && *m ? m : dflt);
	free(m);
	return ok;
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

/* "/case/ID/ACTION": ID (checked) into id and ACTION's place; 0 if url is
 * not of that form. */
static int case_action(const char *url, char id[72], const char **action)
{
	if (strncmp(url, "/case/", 6))
		return 0;
	const char *slash = strchr(url + 6, '/');
	size_t n = slash ? (size_t)(slash - url - 6) : 0;
	if (!n || n >= 72)
		return 0;
	memcpy(id, url + 6, n);
	id[n] = 0;
	*action = slash + 1;
	return sl_web_id_ok(id);
}

/* A signed-in user's POST other than sign-out: each handler checks the
 * form's CSRF token before it does anything. */
static enum MHD_Result post_page(struct MHD_Connection *c, const char *url,
                                 request *r, sl_websess *s)
{
	if (!strcmp(url, "/intake"))
		return sl_web_intake(c, s, r);
	char id[72];
	const char *a;
	if (!case_action(url, id, &a))
		return sl_web_refused(c, s);
	if (!strcmp(a, "assign"))
		return sl_web_assign(c, s, id, r);
	if (!strcmp(a, "return"))
		return sl_web_return(c, s, id, r);
	if (!strcmp(a, "withdraw"))
		return sl_web_withdraw(c, s, id, r);
	if (!strcmp(a, "run"))
		return sl_web_run(c, s, id, r);
	if (!strcmp(a, "resubmit"))
		return sl_web_resubmit(c, s, id, r);
	if (!strcmp(a, "opinion"))
		return sl_web_opinion(c, s, id, r);
	if (!strcmp(a, "signoff"))
		return sl_web_signoff(c, s, id, r);
	return sl_web_refused(c, s);
}

/* GET /case/ID/ACTION. */
static enum MHD_Result case_get(struct MHD_Connection *c, const char *url,
                                sl_websess *s)
{
	char id[72];
	const char *a;
	if (!case_action(url, id, &a))
		return not_found(c, s);
	if (!strcmp(a, "return"))
		return sl_web_return_form(c, s, id);
	if (!strcmp(a, "opinion"))
		return sl_web_opinion_page(c, s, id);
	if (!strcmp(a, "signoff"))
		return sl_web_signoff_page(c, s, id);
	if (!strcmp(a, "report.pdf"))
		return sl_web_report_pdf(c, s, id, 0);
	if (!strcmp(a, "opinion.pdf"))
		return sl_web_report_pdf(c, s, id, 1);
	if (!strcmp(a, "outline.pdf"))
		return sl_web_outline_pdf(c, s, id);
	return not_found(c, s);
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
	else if (!post && !strcmp(url, "/open"))
		res = get_open(c, &s, have);
	else if (post)
		res = have && s.signed_in ? post_page(c, url, r, &s)
		                          : signed_out(c);
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
	else if (!strncmp(url, "/case/", 6))
		res = case_get(c, url, &s);
	else
		res = not_found(c, &s);
	sl_websess_wipe(&s);
	return res;
}

/* A URL that takes a whole dossier: 受理's upload and a case's
 * resubmission (/case/ID/resubmit). */
static int upload_url(const char *url)
{
	static const char suffix[] = "/resubmit";
	size_t n = strlen(url), k = sizeof suffix - 1;
	return !strcmp(url, "/intake") ||
	       (!strncmp(url, "/case/", 6) && n > 6 + k &&
	        !strcmp(url + n - k, suffix));
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
		r->max = post && upload_url(url) && leader_of(c)
		             ? sl_intake_body_max()
		             : BODY_MAX;
		const char *len = MHD_lookup_connection_value(
		    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (!headers_single(c))
			return message(c, 400, NULL, "请求无效",
			               "请求的 Host 或 Content-Length 重复，"
			               "未执行任何操作。");
		if (!host_ok(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                         "Host")))
			return message(c, 421, NULL, "地址不符",
			               "请求的主机名不是本工作台的地址，"
			               "未执行任何操作。请通过本工作台的地址"
			               "访问。");
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
	/* checked by shenlid (main.c): https://HOST[:PORT]. A browser says
	 * the default port of https in neither Host nor Origin (RFC 6454
	 * 6.1): :443 is dropped, so that the origin is the one it sends. */
	static char origin[300];
	public_origin = arg(argc, argv, "--origin");
	size_t olen = public_origin ? strlen(public_origin) : 0;
	if (olen > 4 && olen < sizeof origin &&
	    !strcmp(public_origin + olen - 4, ":443")) {
		memcpy(origin, public_origin, olen - 4);
		origin[olen - 4] = 0;
		public_origin = origin;
	}
	public_host = public_origin && !strncmp(public_origin, "https://", 8)
	                  ? public_origin + 8
	                  : NULL;
	if ((argc != 7 && argc != 9) || (argc == 9 && !public_host) || !sock ||
	    port < 1 || port > 65535 || idle_s < 1) {
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
