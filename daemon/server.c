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
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/crypto.h"
#include "proto.h"
#include "runner.h"
#include "session.h"

#define CONNS_MAX 128
#define WORKERS_MAX 32
#define REQUEST_MS 30000 /* a request must arrive whole within this */

typedef struct {
	int fd;
	uid_t uid;
	pid_t pid;
	unsigned char hdr[4];
	size_t got; /* bytes of header + body so far */
	uint32_t len;
	char *body;
	int64_t deadline;
	json_t *queued; /* a writer's request waiting for its turn */
	sl_session *sess;
} conn;

static conn conns[CONNS_MAX];
static pid_t writer_pid; /* the writing worker, 0 if none */
static int nworkers;
static const sl_server_conf *conf;
static int stop_fd = -1; /* SIGTERM, SIGINT, SIGHUP */

static void conn_close(conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->body) {
		sl_wipe(c->body, c->len);
		free(c->body);
	}
	json_decref(c->queued);
	memset(c, 0, sizeof *c);
	c->fd = -1;
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
	fprintf(stderr, "shenlid: %s uid=%u pid=%d user=%s\n", what,
	        (unsigned)c->uid, (int)c->pid, user ? user : "-");
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

static void accept_one(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	struct ucred cr;
	socklen_t l = sizeof cr;
	conn *c = NULL;
	for (size_t i = 0; i < CONNS_MAX && !c; i++)
		if (conns[i].fd < 0)
			c = &conns[i];
	if (!c || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) != 0) {
		close(fd); /* full: the client retries or reports it */
		return;
	}
	memset(c, 0, sizeof *c);
	c->fd = fd;
	c->uid = cr.uid;
	c->pid = cr.pid;
	c->deadline = sl_mono_ms() + REQUEST_MS;
}

/* ---- requests ----------------------------------------------------------- */

static uint64_t arrivals;
static uint64_t seq_of[CONNS_MAX]; /* arrival order of queued runs */

static sl_session *session_of(conn *c, const json_t *req)
{
	int wrong = 0;
	sl_session *s = sl_session_find(
	    json_string_value(json_object_get(req, "token")), c->uid, &wrong);
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

static void do_login(conn *c, const json_t *req)
{
	const json_t *u = json_object_get(req, "user");
	const json_t *p = json_object_get(req, "passphrase");
	if (!json_is_string(u) || !json_is_string(p) ||
	    json_string_length(p) > 4096) {
		reply_error(c, SL_EINPUT,
		            _("malformed request: login needs a user and a "
		              "passphrase"));
		return;
	}
	sl_session *s = NULL;
	sl_rc rc = sl_session_login(conf->store, json_string_value(u),
	                            json_string_value(p), json_string_length(p),
	                            c->uid, &s);
	/* the passphrase is wiped with the request (proto.h: jansson frees
	 * through a wiping allocator) */
	if (rc) {
		log_line(c, "login refused", json_string_value(u));
		reply_error(c, rc, sl_errmsg());
		return;
	}
	log_line(c, "login", s->user);
	char hex[SL_TOKEN_HEX + 1];
	sl_hex(s->token, SL_TOKEN_LEN, hex);
	json_t *r = json_pack("{s:s, s:s, s:I}", "token", hex, "user", s->user,
	                      "idle_timeout", (json_int_t)conf->idle_s);
	sl_wipe(hex, sizeof hex);
	if (r)
		sl_wire_send(c->fd, r);
	json_decref(r);
	conn_close(c);
}

static void do_status(conn *c, const json_t *req, int logout)
{
	sl_session *s = NULL;
	if (logout || json_object_get(req, "token")) {
		int wrong = 0;
		s = sl_session_find(
		    json_string_value(json_object_get(req, "token")), c->uid,
		    &wrong);
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

static void dispatch_queue(int lfd, int sfd);

static void do_run(conn *c, json_t *req, int lfd, int sfd)
{
	sl_session *s = session_of(c, req);
	if (!s)
		return;
	int writer = 1;
	char msg[512];
	int rc = sl_runner_check(req, s, &writer, msg, sizeof msg);
	if (rc) {
		reply_error(c, rc, msg);
		return;
	}
	s->last_ms = sl_mono_ms();
	c->queued = json_incref(req);
	json_object_set_new(c->queued, "_writer", json_boolean(writer));
	seq_of[c - conns] = ++arrivals;
	dispatch_queue(lfd, sfd);
}

static void handle(conn *c, json_t *req, int lfd, int sfd)
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
		do_run(c, req, lfd, sfd);
	else
		reply_error(c, SL_EINPUT, _("malformed request: unknown op"));
}

/* Read what has come; a whole request is handled. */
static void read_some(conn *c, int lfd, int sfd)
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
			if (!(c->body = malloc(c->len))) {
				reply_error(c, SL_ESYS, _("out of memory"));
				return;
			}
		}
		if (c->got >= 4 && c->got == 4 + (size_t)c->len)
			break;
	}
	char why[256];
	json_t *req = sl_wire_parse(c->body, c->len, why, sizeof why);
	sl_wipe(c->body, c->len);
	free(c->body);
	c->body = NULL;
	if (!req)
		reply_error(c, SL_EINPUT, why);
	else
		handle(c, req, lfd, sfd);
	json_decref(req);
}

/* ---- workers ------------------------------------------------------------ */

static void spawn(conn *c, sl_session *s, int writer, int lfd, int sfd)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		reply_error(c, SL_ESYS, _("the service cannot start a worker"));
		return;
	}
	if (pid == 0) {
		close(lfd);
		close(sfd);
		close(stop_fd);
		for (size_t i = 0; i < CONNS_MAX; i++)
			if (conns[i].fd >= 0 && &conns[i] != c)
				close(conns[i].fd);
		sl_runner_main(c->fd, c->queued, s, conf->store);
	}
	nworkers++;
	if (writer)
		writer_pid = pid;
	conn_close(c);
}

/* Start what may start, in arrival order: a writer when no writer runs
 * (and none came before it), any reader while there is room. */
static void dispatch_queue(int lfd, int sfd)
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
			if (!w || !writer_pid) {
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
			spawn(next, s, w, lfd, sfd);
	}
}

static void reap(int sfd, int lfd)
{
	struct signalfd_siginfo si;
	while (read(sfd, &si, sizeof si) == sizeof si)
		; /* drained: waitpid says what ended */
	pid_t pid;
	int st;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		nworkers--;
		if (pid == writer_pid)
			writer_pid = 0;
		if (WIFSIGNALED(st))
			fprintf(stderr,
			        "shenlid: worker %d killed by signal %d\n",
			        (int)pid, WTERMSIG(st));
	}
	dispatch_queue(lfd, sfd);
}

/* ---- the loop ----------------------------------------------------------- */

int sl_server_run(const sl_server_conf *c)
{
	conf = c;
	for (size_t i = 0; i < CONNS_MAX; i++)
		conns[i].fd = -1;
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
	int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	int tfd = stop_fd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);
	int lfd = listen_on(c->socket);
	if (lfd < 0 || sfd < 0 || tfd < 0)
		return SL_ESYS;
	fprintf(stderr, "shenlid: serving %s on %s (idle timeout %ld s)\n",
	        c->store, c->socket, c->idle_s);
	const int64_t idle_ms = (int64_t)c->idle_s * 1000;
	for (;;) {
		struct pollfd pf[CONNS_MAX + 3];
		conn *pc[CONNS_MAX + 3];
		nfds_t n = 0;
		pf[n++] = (struct pollfd){lfd, POLLIN, 0};
		pf[n++] = (struct pollfd){sfd, POLLIN, 0};
		pf[n++] = (struct pollfd){tfd, POLLIN, 0};
		int64_t now = sl_mono_ms();
		int64_t wait = sl_session_expire(now, idle_ms);
		for (size_t i = 0; i < CONNS_MAX; i++) {
			conn *k = &conns[i];
			if (k->fd < 0 || k->queued)
				continue;
			if (k->deadline <= now) {
				conn_close(k); /* too slow: a stuck client */
				continue;
			}
			int64_t left = k->deadline - now;
			if (wait < 0 || left < wait)
				wait = left;
			pc[n] = k;
			pf[n++] = (struct pollfd){k->fd, POLLIN, 0};
		}
		int r = poll(
		    pf, n, wait < 0 ? -1 : (int)(wait > 60000 ? 60000 : wait));
		if (r < 0 && errno != EINTR)
			break;
		if (pf[2].revents)
			break;
		if (pf[1].revents)
			reap(sfd, lfd);
		for (nfds_t i = 3; i < n; i++)
			if (pf[i].revents && pc[i]->fd >= 0 && !pc[i]->queued)
				read_some(pc[i], lfd, sfd);
		if (pf[0].revents)
			accept_one(lfd);
	}
	fprintf(stderr, "shenlid: stopping; sessions wiped\n");
	sl_session_wipe_others(NULL);
	unlink(c->socket);
	close(lfd);
	return SL_OK;
}
