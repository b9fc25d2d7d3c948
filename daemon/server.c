/* server.c - shenlid's socket, connections, sessions and workers. */
#define _GNU_SOURCE
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../core/crypto.h"
#include "../core/store.h"
#include "proto.h"
#include "request.h"
#include "runner.h"
#include "session.h"

#define CONNS_MAX 128
/* connections of one account whose request has not yet come whole (the
 * web front's apart): one account holding every slot idle would shut the
 * others out. Runs waiting for their turn are not counted: they came. */
#define CONNS_PER_UID 16
#define WORKERS_MAX 32
/* Writers run side by side and take turns in the core (turnstile.h: a
 * long import lets them in between its batches). They are capped below
 * the workers' limit so that readers always find room: a reader never
 * waits for a writer. */
#define WRITERS_MAX 16
#define REQUEST_MS 30000 /* a request must arrive whole within this */
/* requests being received, all connections together: a few clients each
 * sending SL_WIRE_MAX must not take the service's memory */
#define BUFFERED_MAX (256u << 20)

static size_t buffered;

typedef struct {
	int fd;
	uid_t uid;
	pid_t pid;
	int web; /* the peer is the web front (server.h) */
	unsigned char hdr[4];
	size_t got; /* bytes of header + body so far */
	uint32_t len;
	char *body;
	int64_t deadline;
	json_t *queued; /* a run waiting for its turn */
	int login_fd;   /* a login worker's answer comes here; -1: none */
	char login_user[SL_ID_MAX + 1];
} conn;

/* What a login worker answers: in one write (below PIPE_BUF: atomic). */
typedef struct {
	int32_t rc;
	char msg[512];
	uint8_t data_key[SL_KEY_LEN];
	uint8_t sign_seed[SL_ED25519_SEED_LEN];
	uint8_t slot_hash[SL_SHA256_LEN];
	char role[16];
} login_answer;

static conn conns[CONNS_MAX];
/* A writing worker, and a second descriptor of its client's connection:
 * if the client goes (Ctrl-C) before the answer has come, the worker is
 * stopped, as the command would be in the user's own process. What it
 * committed stays (a long import's batches), its open transaction does
 * not. A writer waiting for its turn is stopped before it writes. */
typedef struct {
	pid_t pid; /* 0: a free slot */
	int fd;    /* -1: not watched */
	uid_t uid;
	pid_t client;
} writer_slot;
static writer_slot writers[WRITERS_MAX];
static int nwriters;
static int nworkers;
static pid_t worker_pid[WORKERS_MAX]; /* 0: a free slot */
static const sl_server_conf *conf;
static int stop_fd = -1;   /* SIGTERM, SIGINT, SIGHUP */
static int listen_fd = -1; /* the socket */
static int chld_fd = -1;   /* SIGCHLD */
static pid_t web_pid;      /* the web front (--http), 0 if none */

/* In a worker: none of the service's descriptors but keep's connection. */
static void close_all_but(const conn *keep)
{
	close(listen_fd);
	close(chld_fd);
	close(stop_fd);
	for (int i = 0; i < WRITERS_MAX; i++)
		if (writers[i].fd >= 0)
			close(writers[i].fd);
	for (size_t i = 0; i < CONNS_MAX; i++) {
		if (conns[i].login_fd >= 0)
			close(conns[i].login_fd);
		if (conns[i].fd >= 0 && &conns[i] != keep)
			close(conns[i].fd);
	}
}

static void conn_close(conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->login_fd >= 0)
		close(c->login_fd);
	if (c->body) {
		sl_wipe(c->body, c->len);
		free(c->body);
		buffered -= c->len;
	}
	json_decref(c->queued);
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->login_fd = -1;
}

/* A worker started (nworkers < WORKERS_MAX: checked before the fork). */
static void worker_add(pid_t pid)
{
	for (int i = 0; i < WORKERS_MAX; i++)
		if (!worker_pid[i]) {
			worker_pid[i] = pid;
			nworkers++;
			return;
		}
}

static void reply_error(conn *c, int rc, const char *msg)
{
	json_t *r = json_pack("{s:s, s:i}", "error", msg, "rc", rc);
	if (r)
		sl_wire_send(c->fd, r);
	json_decref(r);
	conn_close(c);
}

static void log_line(const conn *c, const char *what, const char *user)
{
	/* the user id is the client's word: its log line holds no escape */
	char u[SL_ID_MAX * 3 + 4];
	sl_text_sanitize(user ? user : "-", u, sizeof u);
	fprintf(stderr, "shenlid: %s uid=%u pid=%d user=%s\n", what,
	        (unsigned)c->uid, (int)c->pid, u);
}

/* ---- listening ---------------------------------------------------------- */

static int listen_on(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof a.sun_path) {
		fprintf(stderr, "shenlid: %s: socket path too long\n", path);
		return -1;
	}
	strcpy(a.sun_path, path);
	struct stat st;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			fprintf(stderr,
			        "shenlid: %s exists and is not a socket: "
			        "refusing to replace it\n",
			        path);
			return -1;
		}
		/* a socket left by a service that died, or a live one */
		int t = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int live =
		    t >= 0 && connect(t, (struct sockaddr *)&a, sizeof a) == 0;
		if (t >= 0)
			close(t);
		if (live) {
			fprintf(stderr,
			        "shenlid: another service is listening on %s\n",
			        path);
			return -1;
		}
		unlink(path);
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	mode_t old = umask(0117); /* 0660 from the first instant */
	int ok = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
	umask(old);
	if (!ok || chmod(path, 0660) != 0 || listen(fd, 64) != 0) {
		fprintf(stderr, "shenlid: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* A connection turned away before its request is read: told why, in the
 * reply the client reads after sending. */
static void turn_away(int fd, const struct ucred *cr, const char *log,
                      const char *msg)
{
	conn who = {.uid = cr->uid, .pid = cr->pid};
	log_line(&who, log, NULL);
	json_t *r = json_pack("{s:s, s:i}", "error", msg, "rc", SL_ESYS);
	if (r)
		sl_wire_send(fd, r);
	json_decref(r);
	close(fd);
}

static void accept_one(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	struct ucred cr;
	socklen_t l = sizeof cr;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) != 0) {
		close(fd);
		return;
	}
	conn *c = NULL;
	int web = web_pid > 0 && cr.pid == web_pid && cr.uid == getuid();
	int mine = 0;
	for (size_t i = 0; i < CONNS_MAX; i++) {
		if (conns[i].fd < 0 && !c)
			c = &conns[i];
		mine += conns[i].fd >= 0 && !conns[i].web && !conns[i].queued &&
		        conns[i].login_fd < 0 && conns[i].uid == cr.uid;
	}
	if (!c) {
		turn_away(fd, &cr, "refused: every connection slot is taken",
		          _("the service is busy: try again"));
		return;
	}
	if (!web && mine >= CONNS_PER_UID) {
		turn_away(fd, &cr,
		          "refused: too many connections of one account",
		          _("the service is busy: too many of your "
		            "connections are open and silent; try again"));
		return;
	}
	memset(c, 0, sizeof *c);
	c->fd = fd;
	c->login_fd = -1;
	c->uid = cr.uid;
	c->pid = cr.pid;
	c->web = web;
	c->deadline = sl_mono_ms() + REQUEST_MS;
}

/* ---- requests ----------------------------------------------------------- */

static uint64_t arrivals;
static uint64_t seq_of[CONNS_MAX]; /* arrival order of queued runs */

/* The session of req's token, if it is c's: its uid's, and opened
 * through the web front exactly when c is the web front. */
static sl_session *find(const conn *c, const json_t *req, int *wrong)
{
	sl_session *s = sl_session_find(
	    json_string_value(json_object_get(req, "token")), c->uid, wrong);
	if (s && s->web != c->web) {
		*wrong = 1;
		s = NULL;
	}
	return s;
}

static sl_session *session_of(conn *c, const json_t *req)
{
	int wrong = 0;
	sl_session *s = find(c, req, &wrong);
	if (wrong) {
		log_line(c, "refused: a token of another account", NULL);
		reply_error(c, SL_EAUTH,
		            _("this session token belongs to another account"));
	} else if (!s) {
		reply_error(c, SL_EAUTH,
		            _("not logged in, or the session has ended: run "
		              "'shenli login'"));
	}
	return s;
}

/* A login: the scrypt (~0.25 s) and the check of the store's log run in
 * a worker of their own, so that the service goes on serving meanwhile
 * and never parses the store in its own process. The worker answers the
 * secrets on a pipe; the session is made here when they come. */
/* ---- guessing passphrases through the socket -----------------------------
 * Every member of the socket's group may try passphrases, each at the
 * cost of a scrypt. An account's logins run one at a time, and after 3
 * failed ones in a row each next one waits 2, 4, 8 ... up to 60 s. */
#define THROTTLE_MAX 64
#define THROTTLE_FREE 3

static struct {
	uid_t uid;
	int used, failures;
	int64_t until, last;
} throttle[THROTTLE_MAX];

static int throttle_slot(uid_t uid)
{
	int oldest = 0;
	for (int i = 0; i < THROTTLE_MAX; i++) {
		if (throttle[i].used && throttle[i].uid == uid)
			return i;
		if (!throttle[i].used ||
		    (throttle[oldest].used &&
		     throttle[i].last < throttle[oldest].last))
			oldest = i;
	}
	memset(&throttle[oldest], 0, sizeof throttle[oldest]);
	throttle[oldest].used = 1;
	throttle[oldest].uid = uid;
	return oldest;
}

/* How many seconds uid must wait before its next login; 0: go on; -1:
 * one of its logins is under way. */
static long login_wait(const conn *c)
{
	for (size_t i = 0; i < CONNS_MAX; i++)
		if (conns[i].fd >= 0 && conns[i].login_fd >= 0 &&
		    conns[i].uid == c->uid)
			return -1;
	int t = throttle_slot(c->uid);
	int64_t left = throttle[t].until - sl_mono_ms();
	return left > 0 ? (long)((left + 999) / 1000) : 0;
}

static void login_counted(uid_t uid, int ok)
{
	int t = throttle_slot(uid);
	throttle[t].last = sl_mono_ms();
	if (ok) {
		throttle[t].failures = 0;
		throttle[t].until = 0;
		return;
	}
	int f = ++throttle[t].failures - THROTTLE_FREE;
	if (f >= 0)
		throttle[t].until =
		    throttle[t].last + (f > 5 ? 60000 : 2000 << f);
}

static void do_login(conn *c, const json_t *req)
{
	const json_t *u = json_object_get(req, "user");
	const json_t *p = json_object_get(req, "passphrase");
	if (!json_is_string(u) || !json_is_string(p) ||
	    json_string_length(p) > 4096 || json_string_length(u) > SL_ID_MAX) {
		reply_error(c, SL_EINPUT,
		            _("malformed request: login needs a user and a "
		              "passphrase"));
		return;
	}
	long wait = login_wait(c);
	if (wait) {
		char msg[160];
		if (wait < 0)
			snprintf(msg, sizeof msg, "%s",
			         _("a login from this account is under way: "
			           "try again when it is done"));
		else
			snprintf(msg, sizeof msg,
			         _("too many failed logins from this account: "
			           "try again in %ld s"),
			         wait);
		log_line(c, "login throttled", json_string_value(u));
		/* said apart from a wrong passphrase, for the web front to
		 * tell its user to wait, not that they mistyped */
		json_t *r =
		    json_pack("{s:s, s:i, s:I}", "error", msg, "rc", SL_EAUTH,
		              "retry_after", (json_int_t)(wait < 0 ? 1 : wait));
		if (r)
			sl_wire_send(c->fd, r);
		json_decref(r);
		conn_close(c);
		return;
	}
	int pfd[2];
	if (nworkers >= WORKERS_MAX || pipe2(pfd, O_CLOEXEC) != 0) {
		reply_error(c, SL_ESYS, _("the service is busy: try again"));
		return;
	}
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		close_all_but(NULL);
		sl_session_wipe_others(NULL);
		login_answer a;
		memset(&a, 0, sizeof a);
		sl_secrets *sec = sl_secrets_new();
		a.rc = sec ? sl_session_unwrap(
		                 conf->store, json_string_value(u),
		                 json_string_value(p), json_string_length(p),
		                 c->uid, sec, a.slot_hash, a.role)
		           : SL_ESYS;
		snprintf(a.msg, sizeof a.msg, "%s", sl_errmsg());
		if (!a.rc) {
			memcpy(a.data_key, sec->data_key, SL_KEY_LEN);
			memcpy(a.sign_seed, sec->sign_seed, sizeof a.sign_seed);
		}
		ssize_t w = write(pfd[1], &a, sizeof a);
		sl_wipe(&a, sizeof a);
		sl_secrets_free(sec);
		_exit(w == (ssize_t)sizeof a ? 0 : 1);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		reply_error(c, SL_ESYS, _("the service cannot start a worker"));
		return;
	}
	worker_add(pid);
	c->login_fd = pfd[0];
	snprintf(c->login_user, sizeof c->login_user, "%s",
	         json_string_value(u));
	c->deadline = sl_mono_ms() + REQUEST_MS;
}

/* A new session's answer: its token (wiped here, as every copy of it),
 * its user, their role (for a front end to show the right pages without
 * asking for what the policy would refuse, and audit) and the idle
 * timeout. */
static void reply_session(conn *c, const sl_session *s,
                          uint8_t token[SL_TOKEN_LEN])
{
	char hex[SL_TOKEN_HEX + 1];
	sl_hex(token, SL_TOKEN_LEN, hex);
	sl_wipe(token, SL_TOKEN_LEN);
	json_t *j = json_pack("{s:s, s:s, s:s, s:I}", "token", hex, "user",
	                      s->user, "role", s->role, "idle_timeout",
	                      (json_int_t)conf->idle_s);
	sl_wipe(hex, sizeof hex);
	if (j)
		sl_wire_send(c->fd, j);
	json_decref(j);
	conn_close(c);
}

/* The login worker's answer: the session, or why not. */
static void login_done(conn *c)
{
	login_answer a;
	ssize_t r;
	do
		r = read(c->login_fd, &a, sizeof a);
	while (r < 0 && errno == EINTR);
	close(c->login_fd);
	c->login_fd = -1;
	if (r != (ssize_t)sizeof a) {
		reply_error(c, SL_ESYS, _("the login failed in the service"));
		return;
	}
	a.msg[sizeof a.msg - 1] = 0;
	sl_session *s = NULL;
	uint8_t token[SL_TOKEN_LEN];
	sl_rc rc = a.rc;
	if (!rc) {
		sl_secrets *sec = sl_secrets_new();
		if (!sec) {
			rc = sl_error(SL_ESYS, _("out of memory"));
		} else {
			memcpy(sec->data_key, a.data_key, SL_KEY_LEN);
			memcpy(sec->sign_seed, a.sign_seed, sizeof a.sign_seed);
			rc = sl_session_start(c->login_user, c->uid, c->web,
			                      sec, a.slot_hash, token, &s);
			sl_secrets_free(sec);
			if (!rc) {
				a.role[sizeof a.role - 1] = 0;
				snprintf(s->role, sizeof s->role, "%s", a.role);
			}
		}
		if (rc)
			snprintf(a.msg, sizeof a.msg, "%s", sl_errmsg());
	}
	sl_wipe(a.data_key, sizeof a.data_key);
	sl_wipe(a.sign_seed, sizeof a.sign_seed);
	if (rc < SL_OK || rc > SL_ESYS)
		rc = SL_ESYS;
	login_counted(c->uid, rc != SL_EAUTH);
	if (rc) {
		log_line(c, "login refused", c->login_user);
		reply_error(c, rc, a.msg);
		return;
	}
	log_line(c, "login", s->user);
	reply_session(c, s, token);
}

static void do_status(conn *c, const json_t *req, int logout)
{
	sl_session *s = NULL;
	if (logout || json_object_get(req, "token")) {
		int wrong = 0;
		s = find(c, req, &wrong);
		if (logout && !s) {
			session_of(c, req); /* says why */
			return;
		}
	}
	if (logout) {
		log_line(c, "logout", s->user);
		sl_session_end(s);
		s = NULL;
	}
	json_t *r = json_pack("{s:s?, s:I}", "user", s ? s->user : NULL,
	                      "idle_timeout", (json_int_t)conf->idle_s);
	if (r)
		sl_wire_send(c->fd, r);
	json_decref(r);
	conn_close(c);
}

/* shenli open: a one-time ticket for the web front to open a browser
 * session of this session's user (session.h), and the port to send the
 * browser to. Only while the web front runs: without it there is nothing
 * to open. */
static void do_ticket(conn *c, const json_t *req)
{
	sl_session *s = session_of(c, req);
	if (!s)
		return;
	if (s->web) { /* a browser has its session already */
		reply_error(c, SL_EPERM,
		            _("a web session cannot ask for a "
		              "ticket"));
		return;
	}
	if (web_pid <= 0) {
		reply_error(c, SL_ESYS,
		            _("this service serves no workbench (it was "
		              "started without --http)"));
		return;
	}
	uint8_t t[SL_TICKET_LEN];
	sl_rc rc = sl_ticket_issue(s, t);
	if (rc) {
		reply_error(c, rc, sl_errmsg());
		return;
	}
	s->last_ms = sl_mono_ms();
	char hex[2 * SL_TICKET_LEN + 1];
	sl_hex(t, sizeof t, hex);
	sl_wipe(t, sizeof t);
	log_line(c, "ticket issued (shenli open)", s->user);
	json_t *j =
	    json_pack("{s:s, s:i, s:i}", "ticket", hex, "port", conf->http_port,
	              "expires_in", SL_TICKET_MS / 1000);
	sl_wipe(hex, sizeof hex);
	if (j)
		sl_wire_send(c->fd, j); /* jansson wipes as it frees */
	json_decref(j);
	conn_close(c);
}

/* The web front redeems a ticket: a new session of the ticket's user,
 * opened through the web front (bound to it as a sign-in's is), with the
 * keys of the session that asked for the ticket: no passphrase passes. */
static void do_redeem(conn *c, const json_t *req)
{
	if (!c->web) {
		log_line(c,
		         "refused: a ticket redeemed by another than the "
		         "web front",
		         NULL);
		reply_error(c, SL_EPERM,
		            _("only the web front may redeem a ticket"));
		return;
	}
	sl_session *from =
	    sl_ticket_redeem(json_string_value(json_object_get(req, "ticket")));
	if (!from) {
		log_line(c, "login by ticket refused", NULL);
		reply_error(c, SL_EAUTH, _("unknown, used or expired ticket"));
		return;
	}
	/* from is a command's session (web 0): sl_session_start replaces
	 * the user's web session, never it, so its keys stay valid */
	sl_session *s = NULL;
	uint8_t token[SL_TOKEN_LEN];
	char role[sizeof from->role];
	memcpy(role, from->role, sizeof role);
	sl_rc rc = sl_session_start(from->user, c->uid, 1, from->sec,
	                            from->slot_hash, token, &s);
	if (rc) {
		reply_error(c, rc, sl_errmsg());
		return;
	}
	memcpy(s->role, role, sizeof role);
	log_line(c, "login by ticket (shenli open)", s->user);
	reply_session(c, s, token);
}

static void dispatch_queue(void);

static void do_run(conn *c, json_t *req)
{
	sl_session *s = session_of(c, req);
	if (!s)
		return;
	int writer = 1;
	char msg[512];
	int rc = sl_request_check(req, s->user, &writer, msg, sizeof msg);
	if (rc) {
		reply_error(c, rc, msg);
		return;
	}
	s->last_ms = sl_mono_ms();
	c->queued = json_incref(req);
	json_object_set_new(c->queued, "_writer", json_boolean(writer));
	seq_of[c - conns] = ++arrivals;
	dispatch_queue();
}

static void handle(conn *c, json_t *req)
{
	const char *op = json_string_value(json_object_get(req, "op"));
	if (!op)
		reply_error(c, SL_EINPUT, _("malformed request: no op"));
	else if (!strcmp(op, "login"))
		do_login(c, req);
	else if (!strcmp(op, "logout"))
		do_status(c, req, 1);
	else if (!strcmp(op, "status"))
		do_status(c, req, 0);
	else if (!strcmp(op, "run"))
		do_run(c, req);
	else if (!strcmp(op, "ticket"))
		do_ticket(c, req);
	else if (!strcmp(op, "redeem"))
		do_redeem(c, req);
	else
		reply_error(c, SL_EINPUT, _("malformed request: unknown op"));
}

/* Read what has come; a whole request is handled. */
static void read_some(conn *c)
{
	for (;;) {
		ssize_t r;
		if (c->got < 4)
			r = read(c->fd, c->hdr + c->got, 4 - c->got);
		else
			r = read(c->fd, c->body + (c->got - 4),
			         c->len - (c->got - 4));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			conn_close(c);
			return;
		}
		c->got += (size_t)r;
		if (c->got == 4) {
			c->len = (uint32_t)c->hdr[0] << 24 |
			         (uint32_t)c->hdr[1] << 16 |
			         (uint32_t)c->hdr[2] << 8 | c->hdr[3];
			if (c->len == 0 || c->len > SL_WIRE_MAX) {
				reply_error(c, SL_EINPUT,
				            _("malformed request: bad length"));
				return;
			}
			if (buffered + c->len > BUFFERED_MAX ||
			    !(c->body = malloc(c->len))) {
				reply_error(
				    c, SL_ESYS,
				    _("the service is busy: try again"));
				return;
			}
			buffered += c->len;
		}
		if (c->got >= 4 && c->got == 4 + (size_t)c->len)
			break;
	}
	char why[256];
	json_t *req = sl_wire_parse(c->body, c->len, why, sizeof why);
	sl_wipe(c->body, c->len);
	free(c->body);
	c->body = NULL;
	buffered -= c->len;
	if (!req)
		reply_error(c, SL_EINPUT, why);
	else
		handle(c, req);
	json_decref(req);
}

/* ---- workers ------------------------------------------------------------ */

static void spawn(conn *c, sl_session *s, int writer)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		reply_error(c, SL_ESYS, _("the service cannot start a worker"));
		return;
	}
	if (pid == 0) {
		close_all_but(c);
		sl_runner_main(c->fd, c->queued, s, c->uid, conf->store);
	}
	worker_add(pid);
	for (int i = 0; writer && i < WRITERS_MAX; i++)
		if (!writers[i].pid) {
			writers[i] =
			    (writer_slot){pid, fcntl(c->fd, F_DUPFD_CLOEXEC, 0),
			                  c->uid, c->pid};
			nwriters++;
			break;
		}
	conn_close(c);
}

/* Start what may start, in arrival order: a writer while fewer than
 * WRITERS_MAX write, any reader while there is room. */
static void dispatch_queue(void)
{
	while (nworkers < WORKERS_MAX) {
		conn *next = NULL;
		uint64_t last = 0;
		for (;;) { /* the queued runs in arrival order */
			conn *m = NULL;
			for (size_t i = 0; i < CONNS_MAX; i++)
				if (conns[i].fd >= 0 && conns[i].queued &&
				    seq_of[i] > last &&
				    (!m || seq_of[i] < seq_of[m - conns]))
					m = &conns[i];
			if (!m)
				break;
			last = seq_of[m - conns];
			int w =
			    json_is_true(json_object_get(m->queued, "_writer"));
			if (!w || nwriters < WRITERS_MAX) {
				next = m;
				break;
			}
		}
		if (!next)
			return;
		int w = json_is_true(json_object_get(next->queued, "_writer"));
		/* the session may have ended while it waited */
		sl_session *s = session_of(next, next->queued);
		if (s)
			spawn(next, s, w);
	}
}

static void reap(void)
{
	struct signalfd_siginfo si;
	while (read(chld_fd, &si, sizeof si) == sizeof si)
		; /* drained: waitpid says what ended */
	pid_t pid;
	int st;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid == web_pid) {
			/* its sessions go with it: no other process may use
			 * them, and a new web front would not know them */
			fprintf(
			    stderr, "shenlid: the web front ended (%s %d)\n",
			    WIFSIGNALED(st) ? "signal" : "exit",
			    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
			web_pid = 0;
			sl_session_end_web();
			continue;
		}
		for (int i = 0; i < WORKERS_MAX; i++)
			if (worker_pid[i] == pid) {
				worker_pid[i] = 0;
				nworkers--;
			}
		for (int i = 0; i < WRITERS_MAX; i++)
			if (writers[i].pid == pid) {
				if (writers[i].fd >= 0)
					close(writers[i].fd);
				writers[i] = (writer_slot){0, -1, 0, 0};
				nwriters--;
			}
		if (WIFSIGNALED(st))
			fprintf(stderr,
			        "shenlid: worker %d killed by signal %d\n",
			        (int)pid, WTERMSIG(st));
	}
	dispatch_queue();
}

/* The writers' connections to watch, from pf[*n] on; which writer each
 * is, in slot[] (and its pid in pid[]: reap() may give the slot and the
 * descriptor's number to a new writer before the answers are read). */
static void watch_writers(struct pollfd *pf, nfds_t *n, int *slot, pid_t *pid)
{
	for (int i = 0; i < WRITERS_MAX; i++)
		if (writers[i].pid && writers[i].fd >= 0) {
			slot[*n] = i;
			pid[*n] = writers[i].pid;
			pf[(*n)++] =
			    (struct pollfd){writers[i].fd, POLLRDHUP, 0};
		}
}

/* Does writer pid end within ms? It answers, then closes the store and
 * wipes its keys, then exits: a client that read the whole answer may
 * close a moment before the writer has ended. WNOWAIT leaves it for
 * reap(). */
static int ends_within(pid_t pid, int ms)
{
	for (int waited = 0;; waited += 5) {
		siginfo_t si;
		memset(&si, 0, sizeof si);
		if (waitid(P_PID, (id_t)pid, &si,
		           WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == pid)
			return 1;
		if (waited >= ms)
			return 0;
		struct timespec ts = {0, 5 * 1000000L};
		nanosleep(&ts, NULL);
	}
}

/* A writer whose client went before it answered is stopped. One that
 * answered ends by itself at once (reap() frees its slot); only one still
 * running a quarter second later is a command its client gave up on
 * (Ctrl-C). Without the wait, a client's ordinary close after its answer
 * was logged as giving up, and the writer killed while it wiped its
 * keys. */
static void writers_gone(const struct pollfd *pf, nfds_t from, nfds_t n,
                         const int *slot, const pid_t *pid)
{
	for (nfds_t i = from; i < n; i++) {
		writer_slot *w = &writers[slot[i]];
		if (!pf[i].revents || w->pid != pid[i] || w->fd < 0)
			continue;
		if (ends_within(w->pid, 250)) {
			close(w->fd); /* not watched again; reap() takes it */
			w->fd = -1;
			continue;
		}
		kill(w->pid, SIGKILL);
		fprintf(stderr,
		        "shenlid: stopped: its client gave up uid=%u pid=%d "
		        "user=-\n",
		        (unsigned)w->uid, (int)w->client);
		close(w->fd);
		w->fd = -1;
	}
}

/* ---- the web front ------------------------------------------------------ */

/* Start the web front (--http): its own program, exec'ed, so that none of
 * this process's memory (the sessions' keys) and none of its descriptors
 * (CLOEXEC) reach it, and libmicrohttpd is never loaded where keys are.
 * It dies with the service (PR_SET_PDEATHSIG). */
static int start_web(const sl_server_conf *c)
{
	char port[16], idle[24];
	snprintf(port, sizeof port, "%d", c->http_port);
	snprintf(idle, sizeof idle, "%ld", c->idle_s);
	pid_t parent = getpid();
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 ||
		    getppid() != parent)
			_exit(SL_ESYS);
		if (c->http_origin)
			execl(c->web, c->web, "--socket", c->socket, "--port",
			      port, "--idle-timeout", idle, "--origin",
			      c->http_origin, (char *)NULL);
		else
			execl(c->web, c->web, "--socket", c->socket, "--port",
			      port, "--idle-timeout", idle, (char *)NULL);
		fprintf(stderr, "shenlid: %s: %s\n", c->web, strerror(errno));
		_exit(SL_ESYS);
	}
	web_pid = pid;
	return 0;
}

/* At the service's end: each worker told to stop (SIGTERM), then, if any
 * is still there after STOP_MS, killed; all of them waited for. */
#define STOP_MS 5000
static void stop_workers(void)
{
	int n = 0;
	for (int i = 0; i < WORKERS_MAX; i++)
		if (worker_pid[i] && kill(worker_pid[i], SIGTERM) == 0)
			n++;
	if (n)
		fprintf(stderr, "shenlid: stopping %d running command%s\n", n,
		        n == 1 ? "" : "s");
	int64_t end = sl_mono_ms() + STOP_MS;
	for (int i = 0; i < WORKERS_MAX; i++) {
		if (!worker_pid[i])
			continue;
		int64_t left = end - sl_mono_ms();
		if (!ends_within(worker_pid[i], left > 0 ? (int)left : 0)) {
			kill(worker_pid[i], SIGKILL);
			fprintf(stderr,
			        "shenlid: worker %d killed: it did not "
			        "stop within %d s\n",
			        (int)worker_pid[i], STOP_MS / 1000);
		}
		waitpid(worker_pid[i], NULL, 0);
		worker_pid[i] = 0;
		nworkers--;
	}
}

/* ---- the loop ----------------------------------------------------------- */

int sl_server_run(const sl_server_conf *c)
{
	conf = c;
	for (size_t i = 0; i < CONNS_MAX; i++)
		conns[i].fd = conns[i].login_fd = -1;
	for (int i = 0; i < WRITERS_MAX; i++)
		writers[i].fd = -1;
	signal(SIGPIPE, SIG_IGN);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGCHLD);
	sigaddset(&m, SIGTERM);
	sigaddset(&m, SIGINT);
	sigaddset(&m, SIGHUP);
	sigprocmask(SIG_BLOCK, &m, NULL);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	int sfd = chld_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	int tfd = stop_fd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);
	int lfd = listen_fd = listen_on(c->socket);
	if (lfd < 0 || sfd < 0 || tfd < 0)
		return SL_ESYS;
	fprintf(stderr, "shenlid: serving %s on %s (idle timeout %ld s)\n",
	        c->store, c->socket, c->idle_s);
	if (c->http_port && start_web(c) != 0) {
		fprintf(stderr, "shenlid: cannot start the web front: %s\n",
		        strerror(errno));
		return SL_ESYS;
	}
	const int64_t idle_ms = (int64_t)c->idle_s * 1000;
	for (;;) {
		struct pollfd pf[CONNS_MAX + 3 + WRITERS_MAX];
		conn *pc[CONNS_MAX + 3];
		int slot[CONNS_MAX + 3 + WRITERS_MAX];
		pid_t wpid[CONNS_MAX + 3 + WRITERS_MAX];
		nfds_t n = 0;
		pf[n++] = (struct pollfd){lfd, POLLIN, 0};
		pf[n++] = (struct pollfd){sfd, POLLIN, 0};
		pf[n++] = (struct pollfd){tfd, POLLIN, 0};
		int64_t now = sl_mono_ms();
		int64_t wait = sl_session_expire(now, idle_ms);
		for (size_t i = 0; i < CONNS_MAX; i++) {
			conn *k = &conns[i];
			if (k->fd >= 0 && k->queued) {
				/* a run waiting for its turn: only to see
				 * whether its client gave up (Ctrl-C) */
				pc[n] = k;
				pf[n++] = (struct pollfd){k->fd, POLLRDHUP, 0};
				continue;
			}
			if (k->fd < 0)
				continue;
			if (k->deadline <= now) {
				conn_close(k); /* too slow: a stuck client */
				continue;
			}
			int64_t left = k->deadline - now;
			if (wait < 0 || left < wait)
				wait = left;
			pc[n] = k;
			pf[n++] = (struct pollfd){
			    k->login_fd >= 0 ? k->login_fd : k->fd, POLLIN, 0};
		}
		nfds_t nc = n;
		watch_writers(pf, &n, slot, wpid);
		int r = poll(
		    pf, n, wait < 0 ? -1 : (int)(wait > 60000 ? 60000 : wait));
		if (r < 0 && errno != EINTR)
			break;
		if (pf[2].revents)
			break;
		if (pf[1].revents || nc < n)
			reap();
		writers_gone(pf, nc, n, slot, wpid);
		for (nfds_t i = 3; i < nc; i++) {
			if (!pf[i].revents || pc[i]->fd < 0)
				continue;
			if (pc[i]->queued) {
				log_line(pc[i], "dropped: gave up waiting",
				         NULL);
				conn_close(pc[i]);
				continue;
			}
			if (pc[i]->login_fd >= 0)
				login_done(pc[i]);
			else
				read_some(pc[i]);
		}
		if (pf[0].revents)
			accept_one(lfd);
	}
	/* nothing more comes in; what runs is stopped, as its client's
	 * Ctrl-C would stop it: what it committed stays, an open
	 * transaction does not. Nothing of the service outlives it. */
	close(lfd);
	unlink(c->socket);
	stop_workers();
	fprintf(stderr, "shenlid: stopping; sessions wiped\n");
	if (web_pid > 0 && kill(web_pid, SIGTERM) == 0)
		waitpid(web_pid, NULL, 0);
	sl_session_wipe_others(NULL);
	return SL_OK;
}
