/* client.c - login, logout, status, and commands through shenlid. */
#define _GNU_SOURCE
#include "client.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../daemon/argmap.h"
#include "../../daemon/proto.h"
#include "../fsutil.h"

static const char *socket_path(void)
{
	const char *p = getenv("SHENLI_SOCKET");
	return p && *p ? p : SL_SOCKET_DEFAULT;
}

/* $XDG_RUNTIME_DIR/shenli[/session]; 0 if XDG_RUNTIME_DIR is not set. */
static int token_path(char *buf, size_t cap, int dir_only)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	if (!x || x[0] != '/')
		return 0;
	return snprintf(buf, cap, "%s/shenli%s", x,
	                dir_only ? "" : "/session") < (int)cap;
}

/* The token, from a private file of this account's; 0 if there is none
 * (or it is not private: then said why). */
static int read_token(char tok[SL_TOKEN_HEX + 1], int quiet)
{
	char path[PATH_MAX];
	if (!token_path(path, sizeof path, 0))
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return 0;
	struct stat st;
	char buf[SL_TOKEN_HEX + 2];
	ssize_t r = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == getuid() && !(st.st_mode & 077))
		r = read(fd, buf, sizeof buf);
	else if (!quiet)
		fprintf(stderr,
		        _("shenli: %s is not a private file of yours: "
		          "ignored (shenli login makes a new one)\n"),
		        path);
	close(fd);
	int ok = r >= SL_TOKEN_HEX &&
	         (r == SL_TOKEN_HEX || buf[SL_TOKEN_HEX] == '\n');
	if (ok) {
		memcpy(tok, buf, SL_TOKEN_HEX);
		tok[SL_TOKEN_HEX] = 0;
	}
	sl_wipe(buf, sizeof buf);
	return ok;
}

static int connect_service(void)
{
	const char *p = socket_path();
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(p) >= sizeof a.sun_path) {
		sl_error(SL_EUSAGE, _("%s: socket path too long"), p);
		return -1;
	}
	strcpy(a.sun_path, p);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		sl_error(SL_ESYS, _("the service is not running (%s: %s)"), p,
		         strerror(e));
		return -1;
	}
	return fd;
}

/* The reply, after the chunks of stdout that come before it when the
 * request asked for them (proto.h): each written out as it comes. */
static sl_rc recv_reply(int fd, const json_t *req, json_t **reply)
{
	int chunks = json_is_true(json_object_get(req, "stream_out"));
	char *buf = NULL;
	sl_rc rc;
	for (;;) {
		if ((rc = sl_wire_recv(fd, reply)) || !chunks ||
		    !sl_wire_has(*reply, "stdout_bytes"))
			break;
		long long n = sl_wire_int(*reply, "stdout_bytes");
		json_decref(*reply);
		*reply = NULL;
		if (!buf && !(buf = malloc(SL_STREAM_CHUNK))) {
			rc = sl_error(SL_ESYS, _("out of memory"));
			break;
		}
		if (n < 1 || n > SL_STREAM_CHUNK) {
			rc = sl_error(SL_ESYS,
			              _("the service sent a malformed chunk "
			                "of output"));
			break;
		}
		if ((rc = sl_wire_recv_raw(fd, buf, (size_t)n)))
			break;
		fwrite(buf, 1, (size_t)n, stdout);
	}
	free(buf);
	return rc;
}

/* The input stream, sent from a thread of its own. */
struct sender {
	int sock, fd;
	const char *name;
	sl_rc rc;
	char err[1024];
};

static void *send_input(void *ud)
{
	struct sender *w = ud;
	if ((w->rc = sl_wire_send_stream(w->sock, w->fd, w->name)))
		snprintf(w->err, sizeof w->err, "%s", sl_errmsg());
	return NULL;
}

/* The input stream goes out while stdout comes in: the command may print
 * before it has read all its input (an import's rows as it goes), and a
 * client that only sent, or only read, would wait on a service waiting on
 * it. The service's side is two processes (runner.c's feeder and pump),
 * this side two threads on the one socket. */
static sl_rc send_while_receiving(int fd, const json_t *req, int stream,
                                  const char *name, json_t **reply)
{
	struct sender w = {fd, stream, name, SL_OK, ""};
	pthread_t th;
	if (pthread_create(&th, NULL, send_input, &w) != 0)
		return sl_error(SL_ESYS, _("cannot start sending the input"));
	sl_rc rc = recv_reply(fd, req, reply);
	/* a sender still blocked on a service that has answered */
	shutdown(fd, SHUT_RDWR);
	pthread_join(th, NULL);
	/* the command may have ended without reading it all (a usage
	 * error, say): its answer says more than a broken stream */
	if (rc && w.rc)
		sl_error(w.rc, "%s", w.err);
	return rc;
}

/* Whether req is a command, which may have changed the store, rather
 * than a session request (login, logout, status, open). */
static int is_command(const json_t *req)
{
	const char *op = sl_wire_text(req, "op");
	return !op || !strcmp(op, "run");
}

/* One request, one reply; a refusal ({"error"}) becomes its exit code
 * with the message recorded. stream >= 0: what the request's "stream"
 * names follows it, read from that descriptor (proto.h). */
static sl_rc exchange_stream(const json_t *req, int stream, const char *name,
                             json_t **reply)
{
	*reply = NULL;
	int fd = connect_service();
	if (fd < 0)
		return SL_ESYS;
	sl_rc rc = sl_wire_send(fd, req);
	if (!rc) {
		rc = stream >= 0
		         ? send_while_receiving(fd, req, stream, name, reply)
		         : recv_reply(fd, req, reply);
	} else {
		/* turned away before the request was read (the service
		 * busy): its reason came first, and nothing was done */
		char sent[512];
		snprintf(sent, sizeof sent, "%s", sl_errmsg());
		if (sl_wire_recv(fd, reply) == SL_OK &&
		    sl_wire_text(*reply, "error")) {
			rc = SL_OK;
		} else {
			json_decref(*reply);
			*reply = NULL;
			sl_error(rc, "%s", sent);
		}
	}
	close(fd);
	if (rc == SL_ESYS && is_command(req)) {
		/* the service may have done it all, part of it or none: the
		 * connection broke after the request left */
		char why[512];
		snprintf(why, sizeof why, "%s", sl_errmsg());
		return sl_error(SL_ESYS,
		                _("%s: the command was sent, and whether it "
		                  "took effect is unknown: look ('audit log', "
		                  "'case list') before running it again"),
		                why);
	}
	if (rc)
		return rc;
	const char *err = sl_wire_text(*reply, "error");
	if (err) {
		long long r = sl_wire_int(*reply, "rc");
		rc = sl_error(r >= 1 && r <= 7 ? (sl_rc)r : SL_ESYS, "%s", err);
		json_decref(*reply);
		*reply = NULL;
	}
	return rc;
}

static sl_rc exchange(const json_t *req, json_t **reply)
{
	return exchange_stream(req, -1, NULL, reply);
}

int cli_client_session_cmd(const char *cmd)
{
	return !strcmp(cmd, "login") || !strcmp(cmd, "logout") ||
	       !strcmp(cmd, "status") || !strcmp(cmd, "open");
}

int cli_client_wanted(int n, char **rest)
{
	if (n < 1)
		return 0;
	sl_arg_kind *kinds = calloc((size_t)n, sizeof *kinds);
	sl_arg_info info;
	if (!kinds)
		return 0;
	sl_argmap(n, rest, kinds, &info);
	free(kinds);
	if (info.local || !strcmp(rest[0], "init"))
		return 0;
	struct stat st;
	char tok[SL_TOKEN_HEX + 1];
	if (stat(socket_path(), &st) != 0 || !S_ISSOCK(st.st_mode) ||
	    !read_token(tok, 1))
		return 0;
	sl_wipe(tok, sizeof tok);
	return 1;
}

/* ---- login, logout, status ---------------------------------------------- */

/* As embedded mode has it (cli_run): output that could not be written (a
 * full disk, a closed file) fails a command that would have succeeded,
 * never in silence. */
static int output_written(int rc)
{
	fflush(stdout);
	if (ferror(stdout) && rc == SL_OK) {
		fprintf(stderr, _("shenli: writing output failed\n"));
		rc = SL_ESYS;
	}
	return rc;
}

static int save_token(const char *tok)
{
	char dir[PATH_MAX], path[PATH_MAX];
	if (!token_path(dir, sizeof dir, 1) ||
	    !token_path(path, sizeof path, 0))
		return cli_fail(sl_error(
		    SL_EUSAGE, _("XDG_RUNTIME_DIR is not set: there is no "
		                 "private place to keep the session token (log "
		                 "in from a login session, or set it to a "
		                 "directory of your own, mode 0700)")));
	char line[SL_TOKEN_HEX + 2];
	snprintf(line, sizeof line, "%s\n", tok);
	sl_rc rc = sl_dir_ensure(dir, 0700);
	if (!rc)
		rc = sl_file_write_atomic(path, line, SL_TOKEN_HEX + 1, 0600);
	sl_wipe(line, sizeof line);
	return rc ? cli_fail(rc) : SL_OK;
}

/* A session of g->user with the passphrase cli_read_passphrase gives for
 * g, its token kept: 0, or the exit code (said why). *idle: how long an
 * idle session lives. */
static int open_session(const sl_cli *g, const char *prompt, long long *idle)
{
	cli_pass p = {0};
	/* an id that is not text names no user (json_pack would fail on it
	 * as if out of memory) */
	if (!sl_utf8_valid(g->user, strlen(g->user)))
		return cli_fail(sl_auth_failed());
	sl_rc rc = cli_read_passphrase(g, prompt, &p);
	/* nothing typed: no passphrase is empty, so none goes to the
	 * service, where it would cost an unlock and count as a failed
	 * login; on a terminal it is asked again, as in embedded mode */
	int tty = !g->pass_file && g->pass_fd < 0;
	for (int again = 0; !rc && !p.len && tty && again < 2; again++) {
		cli_pass_free(&p);
		fprintf(stderr, "%s\n",
		        _("shenli: no passphrase was given; try again."));
		rc = cli_read_passphrase(g, prompt, &p);
	}
	if (!rc && !p.len) {
		cli_pass_free(&p);
		rc = sl_error(SL_EAUTH, _("no passphrase was given"));
	}
	if (rc)
		return cli_fail(rc);
	json_t *req = json_pack("{s:s, s:s, s:s%}", "op", "login", "user",
	                        g->user, "passphrase", p.buf, p.len);
	cli_pass_free(&p);
	json_t *reply = NULL;
	rc =
	    req ? exchange(req, &reply) : sl_error(SL_ESYS, _("out of memory"));
	json_decref(req);
	if (rc)
		return cli_fail(rc);
	const char *tok = sl_wire_text(reply, "token");
	*idle = sl_wire_int(reply, "idle_timeout");
	int r = tok && strlen(tok) == SL_TOKEN_HEX
	            ? save_token(tok)
	            : cli_fail(sl_error(SL_ESYS, _("the service sent no "
	                                           "session token")));
	json_decref(reply);
	return r;
}

static int login(sl_cli *g)
{
	char dir[PATH_MAX];
	if (!token_path(dir, sizeof dir, 1))
		return save_token(""); /* says why */
	if (!g->user)
		return cli_fail(sl_error(
		    SL_EUSAGE,
		    _("who is acting? give --user ID or set SHENLI_USER")));
	char prompt[256];
	snprintf(prompt, sizeof prompt, _("%sPassphrase for %s: "), "",
	         cli_txt(g->user));
	long long idle = 0;
	int r = open_session(g, prompt, &idle);
	if (!r)
		printf(_("logged in as %s; the session ends after %lld s "
		         "idle (shenli logout ends it now)\n"),
		       cli_txt(g->user), (long long)idle);
	return r;
}

static int logout(void)
{
	char tok[SL_TOKEN_HEX + 1], path[PATH_MAX];
	if (!read_token(tok, 0)) {
		printf("%s\n", _("not logged in"));
		return SL_OK;
	}
	json_t *req = json_pack("{s:s, s:s}", "op", "logout", "token", tok);
	sl_wipe(tok, sizeof tok);
	json_t *reply = NULL;
	sl_rc rc = req ? exchange(req, &reply) : SL_ESYS;
	json_decref(req);
	json_decref(reply);
	/* the token goes either way: a session the service no longer has
	 * (idle, restarted) is over too */
	if (token_path(path, sizeof path, 0))
		unlink(path);
	if (rc && rc != SL_EAUTH)
		return cli_fail(rc);
	printf("%s\n", _("logged out"));
	return SL_OK;
}

/* The audit head through the session ("audit head"); NULL if none. */
static char *session_head(const char *tok)
{
	json_t *req = json_pack("{s:s, s:s, s:[s,s]}", "op", "run", "token",
	                        tok, "argv", "audit", "head");
	json_t *reply = NULL;
	char *head = NULL;
	unsigned char *out;
	size_t n;
	if (req && exchange(req, &reply) == SL_OK &&
	    sl_wire_int(reply, "rc") == 0 &&
	    sl_wire_bytes(reply, "stdout", &out, &n) == 0) {
		out[strcspn((char *)out, "\n")] = 0;
		head = (char *)out;
	}
	json_decref(req);
	json_decref(reply);
	return head;
}

static int status(int json)
{
	char tok[SL_TOKEN_HEX + 1];
	int have = read_token(tok, 0);
	json_t *req =
	    have ? json_pack("{s:s, s:s}", "op", "status", "token", tok)
	         : json_pack("{s:s}", "op", "status");
	json_t *reply = NULL;
	sl_rc rc = req ? exchange(req, &reply) : SL_ESYS;
	json_decref(req);
	const char *user = reply ? sl_wire_text(reply, "user") : NULL;
	char *head = user && have ? session_head(tok) : NULL;
	sl_wipe(tok, sizeof tok);
	if (json) {
		json_t *j = json_pack(
		    "{s:s, s:s, s:s?, s:I, s:s?}", "service",
		    rc == SL_ESYS ? "not running" : "running", "socket",
		    socket_path(), "user", user, "idle_timeout",
		    (json_int_t)(reply ? sl_wire_int(reply, "idle_timeout")
		                       : 0),
		    "audit_head", head);
		cli_print_json(j);
		json_decref(j);
	} else if (rc == SL_ESYS) {
		printf(_("service: not running (%s)\n"), socket_path());
	} else {
		printf(_("service: running (%s)\n"), socket_path());
		if (user)
			printf(_("session: %s\n"), cli_txt(user));
		else
			printf("%s\n", _("session: none (shenli login)"));
		if (head)
			printf(_("audit head: %s\n"), cli_txt(head));
	}
	free(head);
	json_decref(reply);
	if (rc == SL_ESYS)
		fprintf(stderr, _("shenli: %s\n"), cli_txt(sl_errmsg()));
	return rc == SL_ESYS ? SL_ESYS : SL_OK;
}

/* xdg-open url, where a person would see the browser come up: a terminal,
 * a graphical session, xdg-open in PATH. Run directly (no shell: the URL is
 * one word whatever it holds) in a grandchild, so that shenli neither waits
 * for the browser nor leaves a zombie. */
static void browse(const char *url)
{
	const char *path = getenv("PATH");
	char prog[PATH_MAX] = "";
	if (!isatty(1) || !path ||
	    !((getenv("DISPLAY") && *getenv("DISPLAY")) ||
	      (getenv("WAYLAND_DISPLAY") && *getenv("WAYLAND_DISPLAY"))))
		return;
	for (const char *p = path; *p && !*prog;) {
		size_t n = strcspn(p, ":");
		int fits = n && snprintf(prog, sizeof prog, "%.*s/xdg-open",
		                         (int)n, p) < (int)sizeof prog;
		if (!fits || access(prog, X_OK) != 0)
			*prog = 0;
		p += n + (p[n] == ':');
	}
	if (!*prog)
		return;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		/* a session of its own, made before shenli can exit (it waits
		 * for this child): the browser outlives the terminal, and no
		 * SIGHUP of its closing reaches the grandchild before exec */
		setsid();
		if (fork() == 0) {
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);
			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				dup2(null, 2);
			}
			execl(prog, prog, url, (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* shenli open: a one-time URL of the workbench, signed in as this
 * session's user (the service's ticket, session.h: once, within a minute,
 * on loopback); printed, and opened where a browser can be. */
static int open_workbench(int json)
{
	char tok[SL_TOKEN_HEX + 1];
	if (!read_token(tok, 0))
		return cli_fail(sl_error(SL_EAUTH, _("not logged in: run "
		                                     "'shenli login'")));
	json_t *req = json_pack("{s:s, s:s}", "op", "ticket", "token", tok);
	sl_wipe(tok, sizeof tok);
	json_t *reply = NULL;
	sl_rc rc = req ? exchange(req, &reply) : SL_ESYS;
	json_decref(req);
	if (rc)
		return cli_fail(rc);
	const char *t = sl_wire_text(reply, "ticket");
	long long port = sl_wire_int(reply, "port");
	char url[128];
	if (!t || strlen(t) != SL_TOKEN_HEX ||
	    strspn(t, "0123456789abcdef") != SL_TOKEN_HEX || port < 1 ||
	    port > 65535) {
		json_decref(reply);
		return cli_fail(sl_error(SL_ESYS, _("the service sent no "
		                                    "ticket")));
	}
	snprintf(url, sizeof url, "http://127.0.0.1:%lld/open?t=%s", port, t);
	long long ttl = sl_wire_int(reply, "expires_in");
	json_decref(reply); /* wiped as it is freed */
	if (json) {
		json_t *j = json_pack("{s:s, s:I}", "url", url, "expires_in",
		                      (json_int_t)ttl);
		cli_print_json(j);
		json_decref(j);
	} else {
		printf("%s\n", url);
		fprintf(
		    stderr,
		    _("shenli: the URL signs a browser in once, within %lld "
		      "s; keep it to yourself\n"),
		    ttl);
		browse(url);
	}
	fflush(stdout);
	sl_wipe(url, sizeof url);
	return SL_OK;
}

/* open's help, and login's, logout's and status's: "usage:" lines, a
 * blank line, the rest (cli_usage_error prints the first part) */
static const char *session_help(const char *cmd)
{
	if (!strcmp(cmd, "open"))
		return _("usage: shenli open [--json]\n\n"
		         "open prints a one-time URL of the web "
		         "workbench that signs a browser in as\n"
		         "the user logged in with 'shenli login': "
		         "good once, within 60 s, on this\n"
		         "machine only (127.0.0.1). On a terminal in "
		         "a graphical session it is also\n"
		         "opened with xdg-open. --json prints "
		         "{\"url\": ...}.\n\n"
		         "exit codes: 3 not logged in, 7 the service "
		         "is not running or serves no\n"
		         "workbench (shenlid --http).");
	return _("usage: shenli login | logout | status "
	         "[--json]\n\n"
	         "login asks for the passphrase once and "
	         "opens a session with the service\n"
	         "(shenlid); commands without --store then "
	         "go through it. logout ends the\n"
	         "session; status says whether the service "
	         "runs, who is logged in and the\n"
	         "audit head.");
}

int cli_client_session(int n, char **rest, sl_cli *g)
{
	sl_wire_wiping_alloc();
	int json = 0;
	for (int i = 1; i < n; i++) {
		if (!strcmp(rest[i], "--help")) {
			printf("%s\n", session_help(rest[0]));
			return SL_OK;
		}
		if ((!strcmp(rest[0], "status") || !strcmp(rest[0], "open")) &&
		    !strcmp(rest[i], "--json")) {
			json = 1;
			continue;
		}
		/* as every other command says it: the usage, then the
		 * help command that says more */
		cli_enter(rest[0], NULL);
		return cli_usage_error(session_help(rest[0]),
		                       _("%s: unexpected '%s'"), rest[0],
		                       cli_txt(rest[i]));
	}
	if (!strcmp(rest[0], "login"))
		return output_written(login(g));
	if (!strcmp(rest[0], "logout"))
		return output_written(logout());
	if (!strcmp(rest[0], "open"))
		return output_written(open_workbench(json));
	return output_written(status(json));
}

/* ---- a command through the service -------------------------------------- */

/* A package directory as {NAME: BASE64}: its regular files only (a
 * package holds nothing else), read here, bounded. */
static sl_rc read_dir(const char *path, json_t **out)
{
	DIR *d = opendir(path);
	if (!d)
		return sl_error(SL_EINPUT, _("%s: %s"), path, strerror(errno));
	json_t *o = json_object();
	sl_rc rc = o ? SL_OK : sl_error(SL_ESYS, _("out of memory"));
	struct dirent *e;
	while (!rc && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		struct stat st;
		char *buf = NULL;
		size_t len = 0;
		int fd = openat(dirfd(d), e->d_name,
		                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
			rc = sl_error(SL_EINPUT,
			              _("%s/%s: not a regular file (a package "
			                "directory holds files only)"),
			              path, e->d_name);
		else if (json_object_size(o) >= SL_ARG_DIR_FILES ||
		         !sl_arg_dir_name_ok(e->d_name))
			rc =
			    sl_error(SL_EINPUT,
			             _("%s: not a package directory (more than "
			               "%d files, or a strange name)"),
			             path, SL_ARG_DIR_FILES);
		else
			rc = sl_fd_read(fd, e->d_name, SL_WIRE_MAX, &buf, &len);
		if (fd >= 0)
			close(fd);
		char *b = rc ? NULL : sl_b64_encode(buf, len);
		free(buf);
		if (!rc &&
		    (!b || json_object_set_new(o, e->d_name, json_string(b))))
			rc = sl_error(SL_ESYS, _("out of memory"));
		free(b);
	}
	closedir(d);
	if (rc)
		json_decref(o);
	else
		*out = o;
	return rc;
}

/* The language and time zone the output is in, as far as the service may
 * take them (argmap.h): one it may not (a file of one's own) is left out,
 * and the service's applies, as the machine's would; a time zone left out
 * is said, the times would be another zone's. TZ=:/etc/localtime is the
 * machine's zone, the service's too. -1 if out of memory. */
static int add_env(json_t *e)
{
	for (size_t i = 0; sl_arg_env[i]; i++) {
		const char *name = sl_arg_env[i], *v = getenv(name);
		if (!v || !*v)
			continue;
		if (sl_arg_env_ok(name, v)) {
			if (json_object_set_new(e, name, json_string(v)))
				return -1;
		} else if (!strcmp(name, "TZ") &&
		           strcmp(v + (*v == ':'), "/etc/localtime")) {
			fprintf(stderr,
			        _("shenli: TZ=%s is no time zone the service "
			          "reads (a zone's name, a POSIX rule, or a "
			          "file under /usr/share/zoneinfo): times are "
			          "in the service's time zone\n"),
			        cli_txt(v));
		}
	}
	return 0;
}

/* The files the command line names, read here (the service opens no path
 * of ours), and standard input where it is read. */
static sl_rc add_inputs(json_t *req, int n, char **rest,
                        const sl_arg_kind *kinds, int stream_word)
{
	json_t *files = json_object(), *dirs = json_object(), *missing = NULL;
	if (!files || json_object_set_new(req, "files", files) || !dirs ||
	    json_object_set_new(req, "dirs", dirs))
		return sl_error(SL_ESYS, _("out of memory"));
	int import =
	    n >= 2 && !strcmp(rest[0], "case") && !strcmp(rest[1], "import");
	for (int i = 0; i < n; i++) {
		json_t *d = NULL;
		if (kinds[i] != SL_ARG_DIR || sl_wire_has(dirs, rest[i]))
			continue;
		sl_rc rc = read_dir(rest[i], &d);
		if (rc)
			return rc;
		if (json_object_set_new(dirs, rest[i], d))
			return sl_error(SL_ESYS, _("out of memory"));
	}
	for (int i = 0; i < n; i++) {
		char *buf = NULL;
		size_t len = 0;
		sl_rc rc = SL_OK;
		if (i == stream_word)
			continue; /* it follows the request (exchange_stream) */
		if (kinds[i] == SL_ARG_FILE || kinds[i] == SL_ARG_FILE_EQ) {
			const char *path = sl_arg_path(rest[i], kinds[i]);
			if (sl_wire_has(files, path))
				continue;
			if (import && kinds[i] == SL_ARG_FILE &&
			    access(path, F_OK) != 0 && errno == ENOENT) {
				/* one dossier of several, refused in its
				 * place as embedded mode refuses it (the
				 * others imported), not the whole command */
				if (!missing && (!(missing = json_array()) ||
				                 json_object_set_new(
				                     req, "missing", missing)))
					return sl_error(SL_ESYS,
					                _("out of memory"));
				if (json_array_append_new(missing,
				                          json_string(path)))
					return sl_error(SL_ESYS,
					                _("out of memory"));
				continue;
			}
			/* the only files user add and passwd read are new
			 * passphrases: private, as in embedded mode (the
			 * service sees only their bytes) */
			int secret = n > 0 && !strcmp(rest[0], "user");
			if ((rc = secret ? cli_pass_file_read(path, SL_WIRE_MAX,
			                                      &buf, &len)
			                 : sl_file_read(path, SL_WIRE_MAX, &buf,
			                                &len)))
				return rc;
			char *b = sl_b64_encode(buf, len);
			sl_wipe(buf, len);
			free(buf);
			if (!b ||
			    json_object_set_new(files, path, json_string(b)))
				rc = sl_error(SL_ESYS, _("out of memory"));
			if (b)
				sl_wipe(b, strlen(b));
			free(b);
		} else if (kinds[i] == SL_ARG_STDIN &&
		           !sl_wire_has(req, "stdin")) {
			if ((rc = sl_fd_read(0, "stdin", SL_WIRE_MAX, &buf,
			                     &len)))
				return rc;
			char *b = sl_b64_encode(buf, len);
			free(buf);
			if (!b ||
			    json_object_set_new(req, "stdin", json_string(b)))
				rc = sl_error(SL_ESYS, _("out of memory"));
			free(b);
		}
		if (rc)
			return rc;
	}
	json_t *e = json_object();
	if (!e || json_object_set_new(req, "env", e) || add_env(e))
		return sl_error(SL_ESYS, _("out of memory"));
	return SL_OK;
}

/* Is path one the command line names for output? Only those are written. */
static int is_out(const char *path, int n, char **rest,
                  const sl_arg_kind *kinds)
{
	for (int i = 0; i < n; i++)
		if ((kinds[i] == SL_ARG_OUT || kinds[i] == SL_ARG_OUT_EQ) &&
		    !strcmp(sl_arg_path(rest[i], kinds[i]), path))
			return 1;
	return 0;
}

/* The reply of a run: --out documents written, then the command's own
 * output and its exit code. */
static int deliver(const json_t *reply, int n, char **rest,
                   const sl_arg_kind *kinds)
{
	long long rc = sl_wire_int(reply, "rc");
	if (!sl_wire_is_int(reply, "rc") || rc < 0 || rc > 125)
		return cli_fail(sl_error(SL_ESYS, _("the service's reply has "
		                                    "no exit code")));
	const char *path;
	json_t *v;
	json_object_foreach(sl_wire_object(reply, "out"), path, v)
	{
		unsigned char *doc;
		size_t len;
		if (!is_out(path, n, rest, kinds) || !json_is_string(v) ||
		    sl_b64_decode(json_string_value(v), json_string_length(v),
		                  &doc, &len))
			return cli_fail(
			    sl_error(SL_ESYS,
			             _("the service sent a document "
			               "for '%s', which this command "
			               "did not ask for"),
			             path));
		sl_rc r = sl_file_write_out(path, doc, len, 0600);
		free(doc);
		if (r)
			return cli_fail(r);
		cli_said_written(path); /* only now that it is there */
	}
	static const char *const streams[] = {"stdout", "stderr"};
	for (size_t i = 0; i < 2; i++) {
		unsigned char *b;
		size_t len;
		if (sl_wire_bytes(reply, streams[i], &b, &len))
			continue;
		fwrite(b, 1, len, i ? stderr : stdout);
		free(b);
	}
	return (int)rc;
}

/* The user of this account's session, as the service says (NULL: none). */
static char *session_user(void)
{
	char tok[SL_TOKEN_HEX + 1];
	if (!read_token(tok, 1))
		return NULL;
	json_t *req = json_pack("{s:s, s:s}", "op", "status", "token", tok);
	sl_wipe(tok, sizeof tok);
	json_t *reply = NULL;
	const char *u = NULL;
	if (req && exchange(req, &reply) == SL_OK)
		u = sl_wire_text(reply, "user");
	char *user = u ? strdup(u) : NULL;
	json_decref(req);
	json_decref(reply);
	return user;
}

/* user passwd has replaced the key slot this session was opened with, and
 * the service holds a session to the slot it opened: from now on it
 * refuses this one, so that whoever knew only the old passphrase is shut
 * out (doc/shenlid.8). The user gave the new passphrase in a file: a
 * login with it opens the session the new passphrase grants, and the user
 * goes on as in embedded mode; failing that, the user is told. */
static void passwd_relogin(int n, char **rest, const sl_arg_kind *kinds,
                           const sl_cli *g)
{
	const char *file = NULL;
	for (int i = 0; i < n; i++) /* getopt keeps the last */
		if (kinds[i] == SL_ARG_FILE || kinds[i] == SL_ARG_FILE_EQ)
			file = sl_arg_path(rest[i], kinds[i]);
	char *user = !file ? NULL : g->user ? strdup(g->user) : session_user();
	sl_cli again = {.user = user, .pass_file = file, .pass_fd = -1};
	long long idle = 0;
	fflush(stdout);
	if (!user || open_session(&again, "", &idle) != SL_OK)
		fprintf(stderr, "%s\n",
		        _("shenli: the session opened with the old passphrase "
		          "has ended: log in again with the new one (shenli "
		          "login)"));
	free(user);
}

int cli_client_run(int n, char **rest, sl_cli *g)
{
	sl_wire_wiping_alloc();
	char tok[SL_TOKEN_HEX + 1];
	if (!read_token(tok, 0))
		return cli_fail(sl_error(SL_EAUTH, _("not logged in: run "
		                                     "'shenli login'")));
	sl_arg_kind *kinds = calloc((size_t)n, sizeof *kinds);
	json_t *argv = json_array(), *reply = NULL;
	json_t *req = json_pack("{s:s, s:s, s:o}", "op", "run", "token", tok,
	                        "argv", argv);
	sl_wipe(tok, sizeof tok);
	sl_rc rc = SL_OK;
	sl_arg_info info;
	if (!kinds || !argv || !req)
		rc = sl_error(SL_ESYS, _("out of memory"));
	else
		sl_argmap(n, rest, kinds, &info);
	if (!rc && info.refused)
		rc = sl_error(SL_EUSAGE, "%s", _(info.refused));
	/* a word the service cannot take is this command line's fault, as
	 * embedded mode says it is: a usage error */
	for (int i = 0; !rc && i < n; i++) {
		size_t wl = strlen(rest[i]);
		if (wl > SL_WIRE_ARG_MAX)
			rc = sl_error(SL_EUSAGE,
			              _("an argument of %zu bytes is longer "
			                "than the %d the service takes"),
			              wl, SL_WIRE_ARG_MAX);
		else if (json_array_append_new(argv, json_string(rest[i])))
			rc = sl_error(SL_EUSAGE, _("'%s' is not UTF-8 text"),
			              cli_txt(rest[i]));
	}
	/* an id that is not text names no user: refused as embedded mode
	 * refuses it, never dropped (the session's user would act) */
	if (!rc && g->user &&
	    json_object_set_new(req, "user", json_string(g->user)))
		rc = sl_auth_failed();
	/* --jsonl FILE|- streams: an import of any size, never held whole */
	int sw = rc ? -1 : info.stream_word, in = -1;
	const char *sname = NULL;
	if (!rc && sw >= 0) {
		sname = kinds[sw] == SL_ARG_STDIN
		            ? "stdin"
		            : sl_arg_path(rest[sw], kinds[sw]);
		in = kinds[sw] == SL_ARG_STDIN
		         ? 0
		         : open(sname, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (in < 0)
			rc = sl_error(SL_EINPUT, "%s: %s", sname,
			              strerror(errno));
		else if (json_object_set_new(req, "stream",
		                             json_pack("{s:i}", "word", sw)))
			rc = sl_error(SL_ESYS, _("out of memory"));
	}
	/* stdout comes as it is made (with a stream of input too: it goes
	 * out while stdout comes in, send_while_receiving) */
	if (!rc && json_object_set_new(req, "stream_out", json_true()))
		rc = sl_error(SL_ESYS, _("out of memory"));
	if (!rc)
		rc = add_inputs(req, n, rest, kinds, sw);
	if (!rc)
		rc = exchange_stream(req, in, sname, &reply);
	if (in > 0)
		close(in);
	json_decref(req);
	int r = rc ? cli_fail(rc) : deliver(reply, n, rest, kinds);
	json_decref(reply);
	if (r == SL_OK && n >= 2 && !strcmp(rest[0], "user") &&
	    !strcmp(rest[1], "passwd"))
		passwd_relogin(n, rest, kinds, g);
	free(kinds);
	return output_written(r);
}
