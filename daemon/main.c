/*
 * main.c - shenlid, the service that alone holds a shenli store.
 *
 *   shenlid --store DIR|PATH --socket PATH [--idle-timeout SECONDS]
 *           [--http PORT]
 *
 * Run as its own account, owning the store's directory (0700): users
 * reach the store only through the socket, by logging in (server.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/cli/cli.h"
#include "../core/crypto.h"
#include "../core/sandbox.h"
#include "../core/turnstile.h"
#include "proto.h"
#include "server.h"

/* https://HOST[:PORT], HOST a DNS name or an address (letters, digits,
 * '.', '-', or an IPv6 address in brackets), nothing after: what a
 * browser sends as Origin for the proxy's pages. */
static int origin_valid(const char *o)
{
	if (strncmp(o, "https://", 8))
		return 0;
	const char *h = o + 8;
	size_t n = *h == '['
	               ? strspn(h + 1, "0123456789abcdefABCDEF:") + 2
	               : strspn(h, "abcdefghijklmnopqrstuvwxyz"
	                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
	if (n < 1 || (*h == '[' && h[n - 1] != ']') || n > 253)
		return 0;
	const char *p = h + n;
	if (*p == ':') {
		size_t d = strspn(p + 1, "0123456789");
		long port = d && d <= 5 ? strtol(p + 1, NULL, 10) : 0;
		if (port < 1 || port > 65535)
			return 0;
		p += 1 + d;
	}
	return *p == 0;
}

static int usage(FILE *f, int rc)
{
	fputs(
	    "usage: shenlid --store DIR|PATH --socket PATH "
	    "[--idle-timeout SECONDS] [--http PORT\n"
	    "               [--http-origin https://HOST[:PORT]]]\n"
	    "  --store         the store (a directory: its store.db)\n"
	    "  --socket        the unix socket to listen on (made 0660)\n"
	    "  --idle-timeout  a session idle this long is wiped "
	    "(default 900)\n"
	    "  --http          also serve the web workbench on "
	    "127.0.0.1:PORT (and [::1])\n"
	    "  --http-origin   also answer as that https origin, which a TLS\n"
	    "                  reverse proxy on the LAN forwards to the port\n",
	    f);
	return rc;
}

/* Package directories that workers killed mid-install left beside the
 * store (runner.c makes them; only this service does): removed at start.
 * They hold packages, which are public, but should not pile up. */
static void clean_incoming(const char *store)
{
	char dir[4096];
	const char *slash = strrchr(store, '/');
	if (!slash || snprintf(dir, sizeof dir, "%.*s", (int)(slash - store),
	                       store) >= (int)sizeof dir)
		return;
	int dfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, ".incoming.", 10) ||
		    strlen(e->d_name) != 16)
			continue;
		int sub =
		    openat(dfd, e->d_name,
		           O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		DIR *sd = sub >= 0 ? fdopendir(sub) : NULL;
		struct dirent *f;
		while (sd && (f = readdir(sd)))
			if (strcmp(f->d_name, ".") && strcmp(f->d_name, ".."))
				unlinkat(sub, f->d_name, 0);
		if (sd)
			closedir(sd);
		else if (sub >= 0)
			close(sub);
		unlinkat(dfd, e->d_name, AT_REMOVEDIR);
	}
	if (d)
		closedir(d);
	else if (dfd >= 0)
		close(dfd);
}

/* The web front: beside this program (the build tree), else where an
 * installed tree at any prefix keeps it (sbin/../libexec/shenli), else
 * where 'make install' put it; found from /proc/self/exe as the message
 * catalogs are (core/cli/main.c), never from PATH or the environment. */
static char *web_program(void)
{
	static const char *const rel[] = {"/shenlid-web",
	                                  "/../libexec/shenli/shenlid-web"};
	char *self = realpath("/proc/self/exe", NULL), *web = NULL;
	char *slash = self ? strrchr(self, '/') : NULL;
	for (size_t i = 0; slash && i < 2; i++) {
		if (asprintf(&web, "%.*s%s", (int)(slash - self), self,
		             rel[i]) < 0)
			web = NULL;
		if (web && access(web, X_OK) == 0)
			break;
		free(web);
		web = NULL;
	}
	free(self);
	if (!web && access(SHENLID_WEB, X_OK) == 0)
		web = strdup(SHENLID_WEB);
	if (!web)
		fprintf(stderr, "shenlid: --http: no web front (%s)\n",
		        SHENLID_WEB);
	return web;
}

static const char *value(int argc, char **argv, int *i, const char *opt)
{
	size_t n = strlen(opt);
	if (strncmp(argv[*i], opt, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

int main(int argc, char **argv)
{
	/* the script worker is exec'ed from this executable too */
	if (argc >= 2 && strcmp(argv[1], SL_SANDBOX_WORKER_ARG) == 0)
		return sl_sandbox_worker_main();
	if (argc >= 2 && strcmp(argv[1], SL_PLUGIN_WORKER_ARG) == 0)
		return sl_plugin_worker_main();

	const char *store = NULL, *sock = NULL, *idle = "900", *http = NULL,
	           *origin = NULL;
	for (int i = 1; i < argc; i++) {
		const char *v;
		if (!strcmp(argv[i], "--help"))
			return usage(stdout, 0);
		if ((v = value(argc, argv, &i, "--store")))
			store = v;
		else if ((v = value(argc, argv, &i, "--socket")))
			sock = v;
		else if ((v = value(argc, argv, &i, "--idle-timeout")))
			idle = v;
		else if ((v = value(argc, argv, &i, "--http")))
			http = v;
		else if ((v = value(argc, argv, &i, "--http-origin")))
			origin = v;
		else
			return usage(stderr, SL_EUSAGE);
	}
	char *end;
	long idle_s = strtol(idle, &end, 10);
	if (!store || !sock || !*store || !*sock || *end || idle_s < 1 ||
	    idle_s > 7 * 24 * 3600)
		return usage(stderr, SL_EUSAGE);
	/* the paths are said in the service's log: never bytes that would
	 * reach its reader's terminal as escapes */
	if (!sl_text_printable(store, strlen(store)) ||
	    !sl_text_printable(sock, strlen(sock))) {
		fprintf(stderr, "shenlid: --store and --socket must be "
		                "printable UTF-8 paths\n");
		return SL_EUSAGE;
	}
	long port = http ? strtol(http, &end, 10) : 0;
	if (http && (*end || port < 1 || port > 65535))
		return usage(stderr, SL_EUSAGE);
	if (origin && (!http || !origin_valid(origin))) {
		fprintf(stderr, "shenlid: --http-origin: %s\n",
		        http ? "give https://HOST or https://HOST:PORT (a TLS "
		               "reverse proxy's address; plain http is never "
		               "served beyond loopback)"
		             : "needs --http");
		return SL_EUSAGE;
	}
	umask(077);
	/* keys in the secure heap; no core dumps, no ptrace (crypto.c) */
	sl_crypto_init();
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	sl_wire_wiping_alloc();
	cli_init_locale();
	char *path = NULL;
	struct stat st;
	if (stat(store, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (asprintf(&path, "%s/store.db", store) < 0)
			return SL_ESYS;
	} else if (!(path = strdup(store))) {
		return SL_ESYS;
	}
	char *abs = realpath(path, NULL);
	if (!abs) {
		fprintf(stderr, "shenlid: %s: %s\n", path, strerror(errno));
		free(path);
		return SL_EINPUT;
	}
	free(path);
	path = abs;
	char *sock_abs = NULL;
	if (sock[0] != '/') {
		char cwd[4096];
		if (!getcwd(cwd, sizeof cwd) ||
		    asprintf(&sock_abs, "%s/%s", cwd, sock) < 0) {
			free(path);
			return SL_ESYS;
		}
		sock = sock_abs;
	}
	/* Another service on this store may be installing a package now:
	 * what workers left is cleared only by a service that is alone.
	 * The hold lasts until this process ends. */
	sl_turnstile *hold = NULL;
	if (sl_turnstile_open(path, &hold)) {
		fprintf(stderr, "shenlid: %s\n", sl_errmsg());
		free(path);
		free(sock_abs);
		return SL_ESYS;
	}
	if (sl_turn_service_alone(hold))
		clean_incoming(path);
	else
		fprintf(stderr, "shenlid: another shenlid serves this store "
		                "too: its unfinished package installs are "
		                "left alone\n");
	/* nothing a client names is ever opened, relative or not */
	if (chdir("/") != 0) {
		sl_turnstile_close(hold);
		free(path);
		free(sock_abs);
		return SL_ESYS;
	}
	char *web = NULL;
	if (port && !(web = web_program())) {
		sl_turnstile_close(hold);
		free(path);
		free(sock_abs);
		return SL_ESYS;
	}
	sl_server_conf c = {path, sock, idle_s, (int)port, web, origin};
	int rc = sl_server_run(&c);
	sl_turnstile_close(hold);
	free(path);
	free(sock_abs);
	free(web);
	return rc;
}
