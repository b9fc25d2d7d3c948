/*
 * bench_web - issue 16's figure: the server time of the workbench's queue
 * (我的待办) and case (案件阅卷) pages at N cases (default 100k), against
 * the same operation through the shenli command in a session (target: at
 * most 1.5x).
 *
 * A store is made in a temporary directory: the sample's zones and
 * agencies, a leader who sees every zone, and N sample dossiers imported
 * with `case import --jsonl`. shenlid is started on it with --http; the
 * leader logs in on the command line (a session) and signs in to the web
 * front (a browser session). Then, R times (--runs, default 15),
 * interleaved so that all see the same machine:
 *     GET /                           the queue's first page (100 cases)
 *     GET /?after=ID                  a page in the middle of the store
 *     shenli case list --limit 101 --json   (session) what the queue asks
 *     GET /case/ID                    the case page
 *     shenli case show ID --json      (session) the case itself
 *     GET /stats                      统计, counted by the service
 *     shenli case stats --json        (session) the same figures
 *     shenli --version                the bare process start
 * A page's time is one HTTP request on loopback, from connect to the last
 * byte of the answer (Connection: close): the server's time and the
 * kernel's. Prints medians and ratios; asserts nothing about time.
 *
 * usage: bench_web [--cases N] [--runs R]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchproc.h"

static char dir[PATH_MAX];
static int port;

/* ---- HTTP on loopback: one request per connection ----------------------- */

typedef struct {
	int status;
	char *head, *body; /* body: in the same buffer as head */
	size_t len;
} answer;

/* method path with cookie (NULL: none) and body (NULL: none); the whole
 * answer in *a (free a->head). Returns the time in ms. */
static double http(const char *method, const char *path, const char *cookie,
                   const char *body, answer *a)
{
	char req[4096];
	int n =
	    snprintf(req, sizeof req,
	             "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
	             "Connection: close\r\n%s%s%s",
	             method, path, port, cookie ? "Cookie: shenli_sid=" : "",
	             cookie ? cookie : "", cookie ? "\r\n" : "");
	if (body)
		n += snprintf(req + n, sizeof req - (size_t)n,
		              "Content-Type: application/x-www-form-urlencoded"
		              "\r\nContent-Length: %zu\r\n",
		              strlen(body));
	n += snprintf(req + n, sizeof req - (size_t)n, "\r\n%s",
	              body ? body : "");
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	double t0 = bp_now_ms();
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    write(fd, req, (size_t)n) != n) {
		fprintf(stderr, "bench_web: %s %s: %s\n", method, path,
		        strerror(errno));
		exit(1);
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	ssize_t r;
	while (buf && (r = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)r;
		if (len + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	double t = bp_now_ms() - t0;
	close(fd);
	if (!buf) {
		fprintf(stderr, "bench_web: out of memory\n");
		exit(1);
	}
	buf[len] = 0;
	a->head = buf;
	a->status = len > 12 ? atoi(buf + 9) : 0;
	char *sep = strstr(buf, "\r\n\r\n");
	a->body = sep ? sep + 4 : buf + len;
	a->len = (size_t)(buf + len - a->body);
	return t;
}

/* The value of the session cookie an answer sets, into out. */
static int set_cookie(const answer *a, char *out, size_t cap)
{
	const char *p = strcasestr(a->head, "Set-Cookie: shenli_sid=");
	if (!p || p > a->body)
		return -1;
	p += 23;
	size_t n = strspn(p, "0123456789abcdef");
	if (!n || n >= cap)
		return -1;
	memcpy(out, p, n);
	out[n] = 0;
	return 0;
}

/* Sign in as user with the passphrase in pwfile: the session id. */
static void sign_in(const char *user, const char *pwfile, char *sid, size_t cap)
{
	answer a;
	char anon[160], csrf[80], pass[256], body[640];
	http("GET", "/login", NULL, NULL, &a);
	const char *c = strstr(a.body, "name=\"csrf\" value=\"");
	if (set_cookie(&a, anon, sizeof anon) || !c ||
	    sscanf(c + 19, "%64[0-9a-f]", csrf) != 1) {
		fprintf(stderr, "bench_web: no sign-in form\n");
		exit(1);
	}
	free(a.head);
	FILE *f = fopen(pwfile, "r");
	if (!f || !fgets(pass, sizeof pass, f)) {
		fprintf(stderr, "bench_web: %s unreadable\n", pwfile);
		exit(1);
	}
	fclose(f);
	pass[strcspn(pass, "\n")] = 0;
	char *q = pass; /* the test passphrase: letters, digits, spaces */
	for (; *q; q++)
		if (*q == ' ')
			*q = '+';
	snprintf(body, sizeof body, "csrf=%s&user=%s&passphrase=%s", csrf, user,
	         pass);
	http("POST", "/login", anon, body, &a);
	if (a.status != 303 || set_cookie(&a, sid, cap)) {
		fprintf(stderr, "bench_web: sign-in refused (%d)\n", a.status);
		exit(1);
	}
	free(a.head);
}

static double page(const char *path, const char *sid)
{
	answer a;
	double t = http("GET", path, sid, NULL, &a);
	if (a.status != 200) {
		fprintf(stderr, "bench_web: GET %s: %d\n", path, a.status);
		exit(1);
	}
	free(a.head);
	return t;
}

/* ---- the store and the service ------------------------------------------ */

static void setup(long n)
{
	const char *S = SHENLI_BIN;
	bp_base_store(S, dir);
	/* exit 1: some sample dossiers are deferred or refused, as they
	 * are meant to be */
	bp_sh("B=\"%s --store %s/store.db --user boss --passphrase-file "
	      "%s/boss\"; "
	      "%s sample docket --cases %ld --seed 7 >%s/docket.jsonl && "
	      "{ $B case import --jsonl %s/docket.jsonl >/dev/null 2>&1; "
	      "[ $? -le 1 ]; } && "
	      "$B case list --state accepted --limit 1 --json | sed -n "
	      "'s/.*\"case_id\": \"\\([^\"]*\\)\".*/\\1/p' >%s/one && "
	      "$B case list --json | sed -n "
	      "'s/.*\"case_id\": \"\\([^\"]*\\)\".*/\\1/p' | "
	      "awk 'NR==%ld' >%s/mid",
	      S, dir, dir, S, n, dir, dir, dir, n / 2 > 0 ? n / 2 : 1, dir);
}

static void first_line(const char *name, char *out, size_t cap)
{
	char p[PATH_MAX + 16];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "r");
	if (!f || !fgets(out, (int)cap, f) || !*out || *out == '\n') {
		fprintf(stderr, "bench_web: no case in %s\n", p);
		exit(1);
	}
	fclose(f);
	out[strcspn(out, "\n")] = 0;
}

static int free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) ||
	    getsockname(fd, (struct sockaddr *)&sa, &l)) {
		perror("bench_web: a free port");
		exit(1);
	}
	close(fd);
	return ntohs(sa.sin_port);
}

int main(int argc, char **argv)
{
	bp_name = "bench_web";
	long cases = 100000;
	int runs = 15;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--cases") && i + 1 < argc)
			cases = atol(argv[++i]);
		else {
			fprintf(stderr,
			        "usage: bench_web [--cases N] [--runs R]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > 10000)
		runs = 15;
	if (cases < 1 || cases > 10000000)
		cases = 100000;
	bp_tmpdir("shenli-bench-web", dir, sizeof dir);
	char sock[PATH_MAX + 16], xdg[PATH_MAX + 16], pw[PATH_MAX + 16];
	snprintf(sock, sizeof sock, "%s/shenli.sock", dir);
	snprintf(xdg, sizeof xdg, "%s/xdg", dir);
	snprintf(pw, sizeof pw, "%s/boss", dir);
	mkdir(xdg, 0700);
	double t0 = bp_now_ms();
	setup(cases);
	char id[128], mid[128];
	first_line("one", id, sizeof id);
	first_line("mid", mid, sizeof mid);
	fprintf(stderr, "bench_web: %ld cases made in %.1f s\n", cases,
	        (bp_now_ms() - t0) / 1e3);
	port = free_port();
	pid_t svc = bp_shenlid(SHENLID_BIN, dir, sock, port);
	char e_sock[PATH_MAX + 32], e_xdg[PATH_MAX + 32];
	snprintf(e_sock, sizeof e_sock, "SHENLI_SOCKET=%s", sock);
	snprintf(e_xdg, sizeof e_xdg, "XDG_RUNTIME_DIR=%s", xdg);
	char *extra[] = {e_sock, e_xdg, NULL};
	char **cenv = bp_env_with(extra), **penv = bp_env_with(NULL);
	char *login[] = {SHENLI_BIN, "--user", "boss", "--passphrase-file",
	                 pw,         "login",  NULL};
	bp_run_ms(login, cenv);
	char sid[160];
	sign_in("boss", pw, sid, sizeof sid);
	char q_mid[256], c_path[256];
	snprintf(q_mid, sizeof q_mid, "/?after=%s", mid);
	snprintf(c_path, sizeof c_path, "/case/%s", id);
	char *ver[] = {SHENLI_BIN, "--version", NULL};
	char *list[] = {SHENLI_BIN, "case",   "list", "--limit",
	                "101",      "--json", NULL};
	char *show[] = {SHENLI_BIN, "case", "show", id, "--json", NULL};
	char *stats[] = {SHENLI_BIN, "case", "stats", "--json", NULL};
	double *t[8];
	for (int k = 0; k < 8; k++)
		t[k] = calloc((size_t)runs, sizeof *t[k]);
	page("/", sid); /* warm: page cache, the catalogs */
	bp_run_ms(list, cenv);
	for (int i = 0; i < runs; i++) {
		t[0][i] = page("/", sid);
		t[1][i] = page(q_mid, sid);
		t[2][i] = bp_run_ms(list, cenv);
		t[3][i] = page(c_path, sid);
		t[4][i] = bp_run_ms(show, cenv);
		t[5][i] = bp_run_ms(ver, penv);
		t[6][i] = page("/stats", sid);
		t[7][i] = bp_run_ms(stats, cenv);
	}
	double m[8];
	for (int k = 0; k < 8; k++)
		m[k] = bp_median(t[k], runs);
	printf("bench_web: %ld cases, medians of %d runs (ms)\n", cases, runs);
	printf("  GET / (queue, first 100)            %8.2f  %.2fx of the "
	       "CLI's (target <= 1.5x)\n",
	       m[0], m[0] / m[2]);
	printf("  GET /?after= (a page mid-store)     %8.2f  %.2fx\n", m[1],
	       m[1] / m[2]);
	printf(
	    "  shenli case list --limit 101 --json %8.2f  1.00x  (session)\n",
	    m[2]);
	printf("  GET /case/ID (case page)            %8.2f  %.2fx of the "
	       "CLI's (target <= 1.5x)\n",
	       m[3], m[3] / m[4]);
	printf(
	    "  shenli case show ID --json          %8.2f  1.00x  (session)\n",
	    m[4]);
	printf("  GET /stats (统计)                   %8.2f  %.2fx\n", m[6],
	       m[6] / m[7]);
	printf(
	    "  shenli case stats --json            %8.2f  1.00x  (session)\n",
	    m[7]);
	printf("  shenli --version (process start)    %8.2f\n", m[5]);
	kill(svc, SIGTERM);
	waitpid(svc, NULL, 0);
	bp_sh("rm -rf %s", dir);
	for (int k = 0; k < 8; k++)
		free(t[k]);
	free(cenv);
	free(penv);
	return 0;
}
