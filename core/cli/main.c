/*
 * main.c - the shenli command: global options, then one command group.
 * Each group lives in its own cmd_*.c (git's builtin/ pattern).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"
#include <jansson.h>

#define SHENLI_VERSION "0.1.0"
#ifndef SHENLI_LOCALEDIR /* set by CMakeLists.txt: where 'make install' puts   \
                            the catalogs */
#define SHENLI_LOCALEDIR "/usr/share/locale"
#endif

/* The command groups; report keeps its own parser and usage text. */
static const struct {
	const char *name;
	const cli_group *grp; /* NULL: fn */
	int (*fn)(int argc, char **argv, sl_cli *g);
	const char *summary;
} commands[] = {
    {"init", &cli_init, NULL,
     N_("create a new encrypted store and its first admin")},
    {"user", &cli_user, NULL,
     N_("add, list, disable users; change your passphrase")},
    {"zone", &cli_zone, NULL, N_("add and list zones (片区)")},
    {"agency", &cli_agency, NULL, N_("add and list agencies and their zones")},
    {"case", &cli_case, NULL,
     N_("import dossiers, list, show, assign, extend")},
    {"review", &cli_review, NULL,
     N_("run the review checks, show their findings")},
    {"report", NULL, cmd_report, N_("write a case's review report (审理报告)")},
    {"keys", &cli_keys, NULL,
     N_("trust, list and revoke package signing keys")},
    {"plugin", &cli_plugin, NULL,
     N_("install, list, remove and verify review plugins")},
    {"rules", &cli_rules, NULL,
     N_("install the signed rules package the checks use")},
    {"script", &cli_script, NULL,
     N_("install, list and remove consistency scripts")},
    {"template", &cli_template, NULL,
     N_("install, list and remove document templates")},
    {"audit", &cli_audit, NULL,
     N_("verify the audit log, show it, print its head")},
    {"sample", &cli_sample, NULL,
     N_("write the deterministic sample docket (no store)")},
    {"demo", &cli_demo, NULL,
     N_("a guided run of the whole workflow in a temporary store")},
};
#define NCMD CLI_COUNT(commands)

static void usage(FILE *f)
{
	fprintf(f, "%s%s\n\n%s\n", _("usage: "), cli_top_synopsis,
	        _("commands:"));
	for (size_t i = 0; i < NCMD; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name,
		        _(commands[i].summary));
	fputs(
	    _("\nglobal options (anywhere on the line):\n"
	      "  --store PATH            the store (env SHENLI_STORE; default "
	      "$XDG_DATA_HOME/shenli/store.db)\n"
	      "  --user ID               who is acting (env SHENLI_USER)\n"
	      "  --passphrase-file PATH  read the passphrase from the first "
	      "line of a private file\n"
	      "  --passphrase-fd N       read the passphrase from file "
	      "descriptor N\n"
	      "Without either, the passphrase is asked on the terminal.\n"
	      "'shenli help COMMAND' or 'shenli COMMAND --help' describes a "
	      "command.\n"
	      "\nexit codes: 0 done, 1 checks did not pass, 2 usage, "
	      "3 authentication, 4 not permitted, 5 invalid input, "
	      "6 integrity violation, 7 system error (I/O, disk full, "
	      "busy)\n"),
	    f);
	fputs(_("\nWith the service (shenlid), whose account alone holds the "
	        "store:\n'shenli login' asks for the passphrase once and opens "
	        "a session; commands\nwithout --store then go through the "
	        "service. 'shenli status' says whether it\nruns and who is "
	        "logged in; 'shenli logout' ends the session. 'shenli open'\n"
	        "prints a one-time URL of the web workbench for the logged-in "
	        "user.\n"),
	      f);
}

/* An unknown command: what was probably meant (a subcommand typed without
 * its group, "shenli import", or else a command spelt nearly so). */
static int unknown_command(const char *word)
{
	if (*word == '-') { /* an option before any command: a global one */
		static const char *const opts[] = {
		    "--store",         "--user",    "--passphrase-file",
		    "--passphrase-fd", "--version", "--help"};
		/* one of them exactly: only the service's runs get here
		 * with it (embedded, the line's own parser took it), and
		 * there the session, not the client, names the store, the
		 * user and the passphrase */
		size_t wl = strcspn(word, "=");
		for (size_t k = 0; k < 4; k++)
			if (strlen(opts[k]) == wl &&
			    !strncmp(word, opts[k], wl)) {
				fprintf(
				    stderr,
				    _("shenli: '%s' is not taken through the "
				      "service: the session already names "
				      "the store and who is acting\n"),
				    opts[k]);
				return SL_EUSAGE;
			}
		char near[512] = "";
		fprintf(stderr, _("shenli: unknown option '%s'\n"),
		        cli_txt(word));
		cli_suggest(word, opts, sizeof opts / sizeof *opts, near,
		            sizeof near);
		if (*near)
			fprintf(stderr, _("shenli: did you mean %s?\n"), near);
		fprintf(stderr, _("try '%s'\n"), "shenli --help");
		return SL_EUSAGE;
	}
	fprintf(stderr, _("shenli: unknown command '%s'\n"), cli_txt(word));
	char near[512] = "";
	for (size_t i = 0; i < NCMD; i++) {
		const cli_group *grp = commands[i].grp;
		for (size_t k = 0; grp && k < grp->n; k++) {
			if (!*grp->subs[k].name ||
			    strcmp(grp->subs[k].name, word))
				continue;
			char both[128];
			snprintf(both, sizeof both, "%s %s", grp->name, word);
			cli_quote_append(near, sizeof near, both);
		}
	}
	if (!*near) {
		const char *names[NCMD];
		for (size_t i = 0; i < NCMD; i++)
			names[i] = commands[i].name;
		cli_suggest(word, names, NCMD, near, sizeof near);
	}
	if (*near)
		fprintf(stderr, _("shenli: did you mean %s?\n"), near);
	fprintf(stderr, _("try '%s'\n"), "shenli help");
	return SL_EUSAGE;
}

/* help's own usage text, as a command keeping its own has one (report):
 * usage lines, a blank line, the rest. */
static const char help_usage[] =
    N_("usage: shenli help [COMMAND [SUBCOMMAND]]\n"
       "\n"
       "help describes a command, or one of its subcommands, as 'shenli "
       "COMMAND\n[SUBCOMMAND] --help' does; without a command it lists the "
       "commands.\n");

/* A word after all that help takes: the usage error of help itself. */
static int help_extra(const char *word)
{
	cli_enter("help", NULL);
	return cli_usage_error(_(help_usage), _("%s: unexpected '%s'"), "help",
	                       word);
}

/* shenli help [COMMAND [SUBCOMMAND]] */
static int help(int argc, char **argv, sl_cli *g)
{
	if (argc < 2) {
		usage(stdout);
		return SL_OK;
	}
	/* help about help: "help help", "help --help" */
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		if (argc > 2)
			return help_extra(argv[2]);
		fputs(_(help_usage), stdout);
		return SL_OK;
	}
	for (size_t i = 0; i < NCMD; i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		const cli_group *grp = commands[i].grp;
		/* a group without subcommands (init) takes none either */
		int words =
		    grp && !(grp->n == 1 && !*grp->subs[0].name) ? 3 : 2;
		if (argc > words)
			return help_extra(argv[words]);
		cli_enter(commands[i].name, grp);
		if (grp)
			return cli_help_group(grp, argc > 2 ? argv[2] : NULL);
		char *args[] = {argv[1], "--help", NULL};
		return commands[i].fn(2, args, g);
	}
	if (cli_client_session_cmd(argv[1])) { /* login, logout, status, open */
		if (argc > 2)
			return help_extra(argv[2]);
		char *args[] = {argv[1], "--help", NULL};
		return cli_client_session(2, args, g);
	}
	return unknown_command(argv[1]);
}

/* Messages in the user's language. setlocale(LC_ALL, "") takes LC_ALL,
 * LC_MESSAGES and LANG as usual; the C locale stays English. */
void cli_init_locale(void)
{
	cli_labels_forget();
	if (!setlocale(LC_ALL, "")) {
		/* The locale asked for is not installed (on Debian: not made
		 * by locale-gen), so the C library would answer in English.
		 * If it asked for UTF-8, take the built-in C.UTF-8 for the
		 * characters and name the language to gettext with LANGUAGE,
		 * which it heeds in any locale but "C": a panel member whose
		 * LANG is zh_CN.UTF-8 reads Chinese whether or not the
		 * machine's locales were generated. */
		const char *want = getenv("LC_ALL");
		if (!want || !*want)
			want = getenv("LC_MESSAGES");
		if (!want || !*want)
			want = getenv("LANG");
		const char *dot = want ? strchr(want, '.') : NULL;
		const char *lang = getenv("LANGUAGE");
		if (dot &&
		    (!strncasecmp(dot, ".UTF-8", 6) ||
		     !strncasecmp(dot, ".utf8", 5)) &&
		    setlocale(LC_ALL, "C.UTF-8") && (!lang || !*lang)) {
			char ll[16];
			size_t n = (size_t)(dot - want);
			int ok = n > 0 && n < sizeof ll;
			for (size_t i = 0; ok && i < n; i++)
				ok = (want[i] >= 'a' && want[i] <= 'z') ||
				     (want[i] >= 'A' && want[i] <= 'Z') ||
				     want[i] == '_';
			if (ok) {
				memcpy(ll, want, n);
				ll[n] = 0;
				setenv("LANGUAGE", ll, 1);
			}
		}
	}
	/* The catalog: next to the binary if there is one there, else where
	 * 'make install' put it. The build tree keeps it in build/locale, an
	 * installed tree (any prefix, or a 'dpkg -x' root) in ../share/locale
	 * beside bin/: found from /proc/self/exe, so the tests use the
	 * catalog they built without installing it, and never from the
	 * environment, which does not get to choose the format strings this
	 * program prints with. */
	static char dir[PATH_MAX];
	const char *found = SHENLI_LOCALEDIR;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		static const char *const rel[] = {"/locale",
		                                  "/../share/locale"};
		for (size_t i = 0; i < CLI_COUNT(rel); i++) {
			char mo[PATH_MAX + 64];
			struct stat st;
			snprintf(dir, sizeof dir, "%s%s", exe, rel[i]);
			snprintf(mo, sizeof mo,
			         "%s/zh_CN/LC_MESSAGES/shenli.mo", dir);
			if (stat(mo, &st) == 0 && S_ISREG(st.st_mode)) {
				found = dir;
				break;
			}
		}
	}
	bindtextdomain("shenli", found);
	/* UTF-8 whatever the locale's charset: shenli writes UTF-8 throughout
	 * (its data is UTF-8), and messages converted to, say, GB18030 would
	 * not be UTF-8 to the code that makes text safe for the terminal,
	 * which would print them as replacement characters */
	bind_textdomain_codeset("shenli", "UTF-8");
	textdomain("shenli");
}

int cli_json_args(int argc, char **argv, const char *usage, const char *what,
                  int *json)
{
	static const struct option opts[] = {
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	int c;
	*json = 0;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': *json = 1; break;
		case 'h':
			if (usage)
				fputs(usage, stdout);
			else
				cli_help();
			return -1; /* done: exit 0 */
		default: return cli_bad_option(usage, what, argc, argv, opts);
		}
	}
	return 0;
}

int cli_id_args(int argc, char **argv, const char *usage, const char *what,
                const char **id, int *json)
{
	*id = NULL;
	int rc = cli_json_args(argc, argv, usage, what, json);
	if (rc)
		return rc;
	if (optind == argc)
		return cli_usage_error(usage, _("%s: which one?"), what);
	if (optind + 1 < argc)
		return cli_usage_error(usage, _("%s: unexpected '%s'"), what,
		                       argv[optind + 1]);
	*id = argv[optind];
	return 0;
}

/* Take a global option's value: "--opt VALUE" or "--opt=VALUE". */
static int take(const char *opt, int *i, int argc, char **argv,
                const char **val)
{
	size_t n = strlen(opt);
	if (strncmp(argv[*i], opt, n) != 0)
		return 0;
	if (argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n] != 0)
		return 0;
	if (*i + 1 >= argc) {
		*val = NULL;
		return 1;
	}
	*val = argv[++*i];
	return 1;
}

int cli_run(int n, char **rest, sl_cli *g)
{
	int rc;
	if (n == 0) {
		usage(stderr);
		rc = SL_EUSAGE;
	} else if (!strcmp(rest[0], "--help") || !strcmp(rest[0], "-h")) {
		usage(stdout);
		rc = SL_OK;
	} else if (!strcmp(rest[0], "help")) {
		rc = help(n, rest, g);
	} else if (!strcmp(rest[0], "--version")) {
		if (n > 1) {
			rc = cli_usage(_("%s: unexpected '%s'"), "--version",
			               rest[1]);
		} else {
			printf("shenli %s\n", SHENLI_VERSION);
			rc = SL_OK;
		}
	} else {
		rc = -1;
		for (size_t i = 0; i < NCMD; i++) {
			if (strcmp(rest[0], commands[i].name))
				continue;
			cli_enter(commands[i].name, commands[i].grp);
			/* a command with its own parser (report) takes -h as
			 * the dispatcher does for a group: --help */
			char *help_args[] = {rest[0], "--help", NULL};
			if (commands[i].grp)
				rc = cli_dispatch(commands[i].grp, n, rest, g);
			else if (cli_asks_help(n, rest))
				rc = commands[i].fn(2, help_args, g);
			else
				rc = commands[i].fn(n, rest, g);
			break;
		}
		if (rc == -1)
			rc = unknown_command(rest[0]);
	}
	fflush(stdout);
	if (ferror(stdout)) {
		/* said whatever the command's own outcome (an import's
		 * decisions lost with exit 1 too), and whether the change it
		 * made stands: exit 7 alone would say nothing was changed */
		if (sl_tx_committed_any())
			fprintf(stderr,
			        _("shenli: writing output failed; the change "
			          "itself was made (see 'shenli audit log'): "
			          "do not run the command again\n"));
		else
			fprintf(stderr, _("shenli: writing output failed\n"));
		if (rc == SL_OK)
			rc = SL_ESYS;
	}
	return rc;
}

static int stdin_closed;

int cli_stdin_closed(void)
{
	return stdin_closed;
}

/* Descriptors 0-2 closed by whoever started us: filled before anything is
 * opened, so that no store, key or report file is taken for one. What is
 * printed to a closed stdout fails as on a full disk ("writing output
 * failed", exit 7) rather than vanishing into /dev/null with exit 0; a
 * closed stdin reads as empty, and reading a docket from it is refused
 * (cli_stdin_closed). */
static void cli_fill_std_fds(void)
{
	static const char *const with[3] = {"/dev/null", "/dev/full",
	                                    "/dev/null"};
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (fd == 0)
			stdin_closed = 1;
		int got = open(with[fd], fd ? O_WRONLY : O_RDONLY);
		if (got < 0)
			got = open("/dev/null", O_RDWR);
		if (got > 2)
			_exit(SL_ESYS); /* a lower one was free: impossible */
	}
}

int cli_main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], SL_SANDBOX_WORKER_ARG) == 0)
		return sl_sandbox_worker_main();
	if (argc >= 2 && strcmp(argv[1], SL_PLUGIN_WORKER_ARG) == 0)
		return sl_plugin_worker_main();

	cli_fill_std_fds();
	/* past a file size limit (ulimit -f) a write fails with EFBIG and is
	 * said, and its temporary file removed, instead of the process being
	 * killed half-way by the signal */
	signal(SIGXFSZ, SIG_IGN);
	cli_init_locale();
	umask(077); /* everything shenli creates is private */
	sl_crypto_init();

	sl_cli g = {0};
	g.pass_fd = -1;
	const char *store = getenv("SHENLI_STORE");
	g.user = getenv("SHENLI_USER");
	if (g.user && !*g.user)
		g.user = NULL;

	/* Pull the global options out of argv, wherever they stand. */
	char **rest = calloc((size_t)argc + 1, sizeof *rest);
	if (!rest)
		return SL_ESYS;
#define USAGE_FAIL(...)                                                        \
	do {                                                                   \
		free(rest);                                                    \
		return cli_usage(__VA_ARGS__);                                 \
	} while (0)
	int n = 0, dashdash = 0;
	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		if (!dashdash && strcmp(argv[i], "--") == 0) {
			dashdash = 1;
			rest[n++] = argv[i];
		} else if (!dashdash && take("--store", &i, argc, argv, &v)) {
			if (!v || !*v)
				USAGE_FAIL(_("--store needs a path"));
			store = v;
		} else if (!dashdash && take("--user", &i, argc, argv, &v)) {
			if (!v || !*v)
				USAGE_FAIL(_("--user needs an id"));
			g.user = v;
		} else if (!dashdash &&
		           take("--passphrase-file", &i, argc, argv, &v)) {
			if (!v || !*v)
				USAGE_FAIL(_("--passphrase-file needs a path"));
			g.pass_file = v;
		} else if (!dashdash &&
		           take("--passphrase-fd", &i, argc, argv, &v)) {
			char *end = NULL;
			/* digits only: strtol would take "" and " 0" as 0 */
			long fd = v && *v >= '0' && *v <= '9'
			              ? strtol(v, &end, 10)
			              : -1;
			if (!v)
				USAGE_FAIL(_("--passphrase-fd needs a file "
				             "descriptor number"));
			if (fd < 0 || *end || fd > 1023) {
				free(rest);
				return cli_bad_value(
				    _("--passphrase-fd needs a "
				      "file descriptor number"));
			}
			g.pass_fd = (int)fd;
		} else {
			rest[n++] = argv[i];
		}
	}
	if (g.pass_file && g.pass_fd >= 0)
		USAGE_FAIL(
		    _("give --passphrase-file or --passphrase-fd, not both"));
	/* The service: login, logout and status always talk to it; any other
	 * command does when no store is named and this account has a
	 * session (client.h). A named store is embedded mode, as always. */
	if (n > 0 && cli_client_session_cmd(rest[0])) {
		/* -h as --help, as for every other command */
		char *help_args[] = {rest[0], "--help", NULL};
		int rc = cli_asks_help(n, rest)
		             ? cli_client_session(2, help_args, &g)
		             : cli_client_session(n, rest, &g);
		free(rest);
		return rc;
	}
	if (!(store && *store) && cli_client_wanted(n, rest)) {
		int rc = cli_client_run(n, rest, &g);
		free(rest);
		return rc;
	}
	g.store = store && *store ? strdup(store) : sl_store_default_path();
	if (!g.store) {
		fprintf(stderr,
		        _("shenli: no store path: give --store or set HOME\n"));
		free(rest);
		return SL_EUSAGE;
	}

	int rc = cli_run(n, rest, &g);
	free(g.store);
	free(rest);
	return rc;
}
