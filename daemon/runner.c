/* runner.c - the worker that runs one client command (runner.h). */
#define _GNU_SOURCE
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../core/cli/cli.h"
#include "../core/store.h"
#include "argmap.h"
#include "namemap.h"
#include "proto.h"
#include "request.h"

/* memfds stand in for files, at descriptors of three digits: every
 * stand-in's path is as long as another's, so that none is a prefix of
 * another when output is mapped back to the names the client used */
#define FD_FIRST 100
/* A stand-in's path holds a secret: output is mapped back by it, and a
 * dossier's text may be anything, "/proc/self/fd/100" included, which
 * must come out as it is. The path goes through HOPS of HOP_FDS
 * descriptors of /proc/self/fd itself, each a way back into the same
 * directory ("/proc/self/fd/H1/H2/.../H8/N"): which ones, drawn for each
 * stand-in, are 64 random bits, in 49 bytes (a dossier's messages quote
 * a file's name in up to 76). */
#define HOPS 8
#define HOP_FDS 256 /* one random byte picks a hop */
_Static_assert(HOP_FDS == 256, "a hop is picked by a byte");

/* ---- in the worker ---------------------------------------------------- */

typedef struct {
	char *path;        /* /proc/self/fd/NNN, or a private directory */
	const char *name;  /* what the client called it */
	const json_t *dir; /* the directory's files as sent, or NULL */
} stand_in;

static const sl_session *session;
static int hop_fd[HOP_FDS]; /* 0: not opened yet */
static uid_t peer_uid;      /* the client's, from the server's SO_PEERCRED */
static json_t *outs;        /* --out documents, by the client's name */

static sl_rc open_session(const sl_cli *g, unsigned flags, sl_store **out)
{
	return sl_store_open_unwrapped(g->store, session->user, session->sec,
	                               session->slot_hash, peer_uid, flags,
	                               out);
}

static sl_rc keep_out(const char *path, const char *data, size_t len)
{
	char *b = sl_b64_encode(data, len);
	if (!b || json_object_set_new(outs, path, json_string(b))) {
		free(b);
		return sl_error(SL_ESYS, _("out of memory"));
	}
	free(b);
	return SL_OK;
}

/* A private in-memory file holding data, at a descriptor >= FD_FIRST. */
static int memfile(const char *name, const void *data, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	int hi = fcntl(fd, F_DUPFD_CLOEXEC, FD_FIRST);
	close(fd);
	if (hi < 0 || hi > 999 || fchmod(hi, 0600) != 0)
		return -1;
	const char *p = data;
	while (len) {
		ssize_t w = write(hi, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return hi;
}

static void apply_env(const json_t *env)
{
	for (size_t i = 0; sl_arg_env[i]; i++) {
		const char *v =
		    json_string_value(json_object_get(env, sl_arg_env[i]));
		if (v)
			setenv(sl_arg_env[i], v, 1);
		else
			unsetenv(sl_arg_env[i]);
	}
	cli_init_locale();
	tzset();
}

/* A package directory made again from the files sent, in a private
 * directory of the service's beside the store (0700, removed after the
 * command): a package install reads a directory, and the worker opens
 * only what it made itself. NULL if it could not be made. */
static char *private_dir(const json_t *files, const char *store_path)
{
	char tmpl[PATH_MAX];
	const char *slash = strrchr(store_path, '/');
	int dl = slash ? (int)(slash - store_path) : 1;
	if (snprintf(tmpl, sizeof tmpl, "%.*s/.incoming.XXXXXX", dl,
	             slash ? store_path : ".") >= (int)sizeof tmpl ||
	    !mkdtemp(tmpl))
		return NULL;
	int dfd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ok = dfd >= 0;
	const char *name;
	json_t *v;
	json_object_foreach((json_t *)files, name, v)
	{
		unsigned char *b = NULL;
		size_t len = 0;
		if (!ok || sl_b64_decode(json_string_value(v),
		                         json_string_length(v), &b, &len)) {
			ok = 0;
			break;
		}
		int fd = openat(
		    dfd, name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		ok = fd >= 0 && write(fd, b, len) == (ssize_t)len;
		if (fd >= 0 && close(fd) != 0)
			ok = 0;
		free(b);
	}
	char *path = ok ? strdup(tmpl) : NULL;
	if (!path) { /* nothing half made stays behind */
		json_object_foreach((json_t *)files, name, v)
		{
			if (dfd >= 0)
				unlinkat(dfd, name, 0);
		}
		rmdir(tmpl);
	}
	if (dfd >= 0)
		close(dfd);
	return path;
}

static void remove_private_dir(const stand_in *s)
{
	const char *name;
	json_t *v;
	int dfd = open(s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	json_object_foreach((json_t *)s->dir, name, v)
	{
		if (dfd >= 0)
			unlinkat(dfd, name, 0);
	}
	if (dfd >= 0)
		close(dfd);
	rmdir(s->path);
}

/* The hops (above), opened once; 0 if they cannot be. */
static int open_hops(void)
{
	if (hop_fd[HOP_FDS - 1] > 0)
		return 1;
	int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ok = dir >= 0;
	for (int k = 0; ok && k < HOP_FDS; k++) {
		hop_fd[k] = fcntl(dir, F_DUPFD_CLOEXEC, FD_FIRST);
		ok = hop_fd[k] >= FD_FIRST && hop_fd[k] <= 999;
	}
	if (dir >= 0)
		close(dir);
	return ok;
}

/* The stand-in's path of descriptor fd, into buf; 0 if it cannot be
 * made. */
static int standin_path(char *buf, size_t cap, int fd)
{
	uint8_t r[HOPS];
	if (!open_hops() || sl_random(r, sizeof r) != SL_OK)
		return 0;
	size_t o = (size_t)snprintf(buf, cap, "/proc/self/fd");
	for (int k = 0; k < HOPS && o < cap; k++)
		o += (size_t)snprintf(buf + o, cap - o, "/%d", hop_fd[r[k]]);
	/* fd -1: "nil", as long as a descriptor and never one */
	return o < cap && (fd < 0 ? snprintf(buf + o, cap - o, "/nil")
	                          : snprintf(buf + o, cap - o, "/%d", fd)) <
	                      (int)(cap - o);
}

/* The command line with every file word pointing at its stand-in. */
static char **substitute(const json_t *req, const char *store_path, int sw,
                         int stream_fd, stand_in *st, size_t *nst, int *argc,
                         int *json)
{
	const json_t *argv = json_object_get(req, "argv");
	const json_t *files = json_object_get(req, "files");
	const json_t *dirs = json_object_get(req, "dirs");
	size_t n = json_array_size(argv);
	char **av = calloc(n + 1, sizeof *av);
	sl_arg_kind *kinds = calloc(n, sizeof *kinds);
	sl_arg_info info;
	if (!av || !kinds)
		return NULL;
	for (size_t i = 0; i < n; i++)
		av[i] = (char *)json_string_value(json_array_get(argv, i));
	sl_argmap((int)n, av, kinds, &info);
	*json = info.json;
	*nst = 0;
	for (size_t i = 0; i < n; i++) {
		if (kinds[i] == SL_ARG_DIR) {
			stand_in *s = &st[*nst];
			s->dir = json_object_get(dirs, av[i]);
			s->name = av[i];
			if (!(s->path = private_dir(s->dir, store_path)))
				return NULL;
			av[i] = s->path;
			(*nst)++;
			continue;
		}
		if (kinds[i] != SL_ARG_FILE && kinds[i] != SL_ARG_FILE_EQ)
			continue;
		const char *name = sl_arg_path(av[i], kinds[i]);
		int fd;
		if (kinds[i] == SL_ARG_FILE && sl_request_missing(req, name)) {
			/* a path that names nothing: the command says the
			 * file is missing, under the client's name */
			stand_in *s = &st[*nst];
			char p[64];
			if (!standin_path(p, sizeof p, -1) ||
			    !(s->path = strdup(p)) || !(av[i] = strdup(p)))
				return NULL;
			s->name = name;
			(*nst)++;
			continue;
		}
		if ((int)i == sw) { /* the stream's pipe */
			fd = fcntl(stream_fd, F_DUPFD_CLOEXEC, FD_FIRST);
		} else {
			unsigned char *b;
			size_t len;
			if (sl_wire_bytes(files, name, &b, &len) != 0)
				return NULL; /* checked: out of memory */
			fd = memfile("file", b, len);
			sl_wipe(b, len);
			free(b);
		}
		if (fd < 0 || fd > 999)
			return NULL;
		stand_in *s = &st[*nst];
		char fdpath[64];
		if (!standin_path(fdpath, sizeof fdpath, fd))
			return NULL;
		size_t pre =
		    kinds[i] == SL_ARG_FILE_EQ ? (size_t)(name - av[i]) : 0;
		char *w = malloc(pre + sizeof fdpath);
		if (!w || !(s->path = strdup(fdpath)))
			return NULL;
		s->name = name;
		(*nst)++;
		memcpy(w, av[i], pre);
		strcpy(w + pre, fdpath);
		av[i] = w;
	}
	free(kinds);
	*argc = (int)n;
	return av;
}

static void pairs_free(sl_namemap *m, size_t n)
{
	for (size_t k = 0; m && k < n; k++)
		free((char *)m[k].to);
	free(m);
}

/* The stand-ins as from -> to pairs (namemap.h), the client's names as
 * they go into JSON (json) or text; NULL if out of memory. */
static sl_namemap *name_pairs(const stand_in *st, size_t nst, int json)
{
	sl_namemap *m = calloc(nst + 1, sizeof *m);
	for (size_t k = 0; m && k < nst; k++) {
		char *to = sl_namemap_as(st[k].name, json);
		if (!to) {
			pairs_free(m, k);
			return NULL;
		}
		m[k] = (sl_namemap){st[k].path, to};
	}
	return m;
}

/* The whole of a memfd, with every stand-in's name put back as the name
 * the client used (in messages: "a.json: ..."); json: the output is one
 * JSON document (namemap.h). */
static char *slurp(int fd, const stand_in *st, size_t nst, int json,
                   size_t *len)
{
	char *buf = NULL, *named = NULL;
	size_t n;
	sl_namemap *m = name_pairs(st, nst, json);
	if (m && lseek(fd, 0, SEEK_SET) == 0 &&
	    sl_fd_read(fd, "output", SL_WIRE_MAX / 2, &buf, &n) == SL_OK &&
	    sl_namemap_put(m, nst, buf, n, 1, &named, len) < 0)
		named = NULL;
	free(buf);
	pairs_free(m, nst);
	return named;
}

/* A process of the worker's own that only copies bytes between the
 * connection and a pipe (the feeder, the pump): forked before the command
 * opens the store, so the session's are the only keys it has, and it
 * wipes them; it dies with the worker. fork()'s result. */
static pid_t fork_copier(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		sl_session_wipe_others(NULL);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	}
	return pid;
}

/* The stream that follows the request (proto.h), through a pipe: a
 * process of its own copies the chunks from the connection into it while
 * the command reads the other end. A stream that breaks off (the client
 * gone, a malformed chunk) must not pass for a shorter input, so the
 * feeder then kills the worker before the command can see the end: its
 * transaction never commits. The read end, or -1. */
static int start_feeder(int conn)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	pid_t worker = getpid(), pid = fork_copier();
	if (pid == 0) {
		close(p[0]);
		if (sl_wire_recv_stream(conn, p[1]) != 0 && getppid() == worker)
			kill(worker, SIGKILL);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	return p[0];
}

static json_t *b64_string(const char *data, size_t len)
{
	char *b = sl_b64_encode(data, len);
	json_t *j = b ? json_string(b) : NULL;
	free(b);
	return j;
}

/* Send t[0..n) on as one chunk with the names put back; returns how many
 * bytes at the end are held back (a name perhaps cut), unless last. */
static size_t send_named(int conn, const sl_namemap *m, size_t nm,
                         const char *t, size_t n, int last, int *gone)
{
	char *out;
	size_t o;
	long held = sl_namemap_put(m, nm, t, n, last, &out, &o);
	if (held < 0) {
		*gone = 1; /* out of memory: nothing more is sent */
		return 0;
	}
	/* in pieces the client accepts: names put back may have made it
	 * longer than a chunk */
	for (size_t at = 0; at < o && !*gone;) {
		size_t k = o - at < SL_STREAM_CHUNK ? o - at : SL_STREAM_CHUNK;
		json_t *msg = json_pack("{s:I}", "stdout_bytes", (json_int_t)k);
		if (!msg || sl_wire_send(conn, msg) != SL_OK ||
		    sl_wire_send_raw(conn, out + at, k) != SL_OK)
			*gone = 1; /* the client went: the rest is dropped */
		json_decref(msg);
		at += k;
	}
	free(out);
	return (size_t)held;
}

/* stdout as the command writes it, sent on while it runs (the client asked,
 * and reads it while it sends any input stream: the feeder takes that in
 * another process, so neither waits on the other): a pipe,
 * read by a process of its own that sends it in chunks, each a message
 * {"stdout_bytes": N} and N bytes (proto.h), with the stand-ins' names put
 * back.
 * A listing of any length then goes through without being held whole.
 * Returns the pipe's write end (the command's stdout), or -1. */
static int start_pump(int conn, const stand_in *st, size_t nst, int json,
                      pid_t *pump)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	pid_t pid = fork_copier();
	if (pid == 0) {
		close(p[1]);
		signal(SIGPIPE, SIG_IGN);
		sl_namemap *nm = name_pairs(st, nst, json);
		size_t cap = SL_STREAM_CHUNK, have = 0;
		char *buf = nm ? malloc(cap) : NULL;
		int gone = 0, eof = 0;
		while (buf && !eof) {
			ssize_t r = read(p[0], buf + have, cap - have);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				eof = 1;
			else
				have += (size_t)r;
			/* a chunk is sent when it is full, at the end, or
			 * when the command pauses in its output */
			struct pollfd pf = {p[0], POLLIN, 0};
			if (!eof && have < cap && poll(&pf, 1, 50) > 0)
				continue;
			size_t held =
			    send_named(conn, nm, nst, buf, have, eof, &gone);
			memmove(buf, buf + have - held, held);
			have = held;
		}
		_exit(buf ? 0 : 1);
	}
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return -1;
	}
	*pump = pid;
	return p[1];
}

void sl_runner_main(int fd, const json_t *req, const sl_session *s, uid_t peer,
                    const char *store_path)
{
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	session = s;
	peer_uid = peer;
	sl_session_wipe_others(s);
	/* the service reads its connections without blocking; this worker
	 * answers on its own one, blocking until the client has it all */
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	apply_env(json_object_get(req, "env"));

	const json_t *js = json_object_get(req, "stream");
	int sw = js ? (int)json_integer_value(json_object_get(js, "word")) : -1;
	int stream_fd = sw >= 0 ? start_feeder(fd) : -1;
	/* "--jsonl -" or "--jsonl=-": the stream is the command's stdin */
	const char *sword = sw >= 0
	                        ? json_string_value(json_array_get(
	                              json_object_get(req, "argv"), (size_t)sw))
	                        : NULL;
	size_t swl = sword ? strlen(sword) : 0;
	int stdin_streams =
	    sword && (!strcmp(sword, "-") ||
	              (swl > 2 && !strcmp(sword + swl - 2, "=-")));
	unsigned char *in = NULL;
	size_t inlen = 0;
	int in_fd = stdin_streams ? stream_fd
	            : sl_wire_bytes(req, "stdin", &in, &inlen) == 0
	                ? memfile("stdin", in, inlen)
	                : open("/dev/null", O_RDONLY | O_CLOEXEC);
	free(in);
	int out_fd = memfd_create("stdout", MFD_CLOEXEC);
	int err_fd = memfd_create("stderr", MFD_CLOEXEC);
	stand_in *st = calloc(SL_REQUEST_FILES_MAX + 8, sizeof *st);
	size_t nst = 0;
	int argc = 0, json = 0;
	char **av = st && (sw < 0 || stream_fd >= 0)
	                ? substitute(req, store_path, sw, stream_fd, st, &nst,
	                             &argc, &json)
	                : NULL;
	outs = json_object();
	pid_t pump = -1;
	if (av && json_is_true(json_object_get(req, "stream_out")) &&
	    out_fd >= 0) {
		close(out_fd);
		out_fd = start_pump(fd, st, nst, json, &pump);
	}
	if (in_fd >= 0 && !stdin_streams)
		lseek(in_fd, 0, SEEK_SET);
	if (!av || !outs || in_fd < 0 || out_fd < 0 || err_fd < 0 ||
	    dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) {
		for (size_t k = 0; st && k < nst; k++)
			if (st[k].dir)
				remove_private_dir(&st[k]);
		json_t *r = json_pack("{s:s, s:i}", "error",
		                      _("the service could not start the "
		                        "command"),
		                      "rc", SL_ESYS);
		sl_wire_send(fd, r);
		_exit(1);
	}
	sl_cli g = {.store = (char *)store_path,
	            .user = s->user,
	            .pass_fd = -1,
	            .open = open_session};
	cli_out_hook = keep_out;
	int rc = cli_run(argc, av, &g);
	fflush(stdout);
	fflush(stderr);
	if (pump > 0) {
		/* the end of stdout: the pump sends the rest, then ends,
		 * before the answer goes on the same connection */
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, 1) < 0)
			_exit(1);
		close(null);
		close(out_fd);
		while (waitpid(pump, NULL, 0) < 0 && errno == EINTR)
			;
	}
	for (size_t k = 0; k < nst; k++)
		if (st[k].dir)
			remove_private_dir(&st[k]);

	size_t olen = 0, elen = 0;
	char *o = pump > 0 ? strdup("") : slurp(out_fd, st, nst, json, &olen);
	char *e = slurp(err_fd, st, nst, 0, &elen);
	json_t *r = o && e ? json_pack("{s:i, s:o, s:o, s:O}", "rc", rc,
	                               "stdout", b64_string(o, olen), "stderr",
	                               b64_string(e, elen), "out", outs)
	                   : NULL;
	if (!r)
		r = json_pack("{s:s, s:i}", "error",
		              _("the command's output is larger than the "
		                "service sends"),
		              "rc", SL_ESYS);
	sl_wire_send(fd, r);
	sl_session_wipe_others(NULL);
	_exit(0);
}
