/* argmap.c - the table of commands' file arguments (argmap.h). */
#include "argmap.h"

#include <stddef.h>
#include <string.h>

#include <shenli/base.h>

typedef struct {
	const char *cmd, *sub; /* sub NULL: a command without subs */
	/* every long option of the command, as its getopt_long table has
	 * them, separated by spaces: NAME (no argument), NAME=f (its value is
	 * a file read), NAME=o (a file written), NAME=v (another value) */
	const char *opts;
	int pos_files; /* positionals that are files: -1 all, k > 0 the k-th
	                  only, 0 none */
	int stdin_ok;  /* "-" as a file means standard input */
	int reader;    /* never writes the store */
	int dir;       /* the positional files are directories */
} cmd_files;

/* Commands that read or write files, and those that never write. Every
 * command not listed is a writer without files. A command with a file
 * lists all its options, the ones without an argument too: getopt_long
 * takes an exact name before any abbreviation ("--json" is not an
 * abbreviation of "--jsonl"), which only the whole table can say, and a
 * value is never taken for a positional. */
static const cmd_files table[] = {
    {"case", "import", "jsonl=f json help", -1, 1, 0, 0},
    {"case", "resubmit", "json help", 2, 0, 0, 0},
    {"case", "list", "", 0, 0, 1, 0},
    {"case", "stats", "", 0, 0, 1, 0},
    {"case", "show", "", 0, 0, 1, 0},
    {"review", "opinion",
     "json panel file=f discipline=v eight-point party-sanction=v "
     "gov-sanction=v form=v circumstance=v reason=v dissent=v property=v "
     "help",
     0, 0, 0, 0},
    {"review", "findings", "", 0, 0, 1, 0},
    {"review", "opinions", "", 0, 0, 1, 0},
    {"review", "outline", "json format=v out=o return=v help", 0, 0, 1, 0},
    {"report", NULL, "format=v out=o opinion help", 0, 0, 1, 0},
    {"keys", "trust", "comment=v help", 1, 0, 0, 0},
    {"plugin", "install", "help", 1, 0, 0, 1},
    {"rules", "install", "help", 1, 0, 0, 1},
    {"rules", "show", "", 0, 0, 1, 0},
    {"script", "install", "help", 1, 0, 0, 1},
    {"template", "install", "help", 1, 0, 0, 1},
    {"template", "list", "", 0, 0, 1, 0},
    {"keys", "list", "", 0, 0, 1, 0},
    {"user", "add", "role=v name=v agency=v zone=v new-passphrase-file=f help",
     0, 0, 0, 0},
    {"user", "passwd", "new-passphrase-file=f help", 0, 0, 0, 0},
    {"user", "list", "", 0, 0, 1, 0},
    {"zone", "list", "", 0, 0, 1, 0},
    {"agency", "list", "", 0, 0, 1, 0},
    {"plugin", "list", "", 0, 0, 1, 0},
    {"plugin", "verify", "", 0, 0, 1, 0},
    {"script", "list", "", 0, 0, 1, 0},
    {"audit", "verify", "", 0, 0, 1, 0},
    {"audit", "log", "", 0, 0, 1, 0},
    {"audit", "head", "", 0, 0, 1, 0},
};

static const struct {
	const char *cmd, *sub;
	const char *why;
} refused[] = {
    {"init", NULL,
     N_("'init' makes a store of one's own: give --store (embedded mode)")},
};

static const char *const local_cmds[] = {"help",      "--help", "-h",
                                         "--version", "sample", "demo"};

enum { O_NONE, O_FILE, O_OUT, O_VALUE, O_AMBIG };

/* The kind of one option of a table entry ("NAME" or "NAME=K"). */
static int kind_of(char k)
{
	return k == 'f'   ? O_FILE
	       : k == 'o' ? O_OUT
	       : k == 'v' ? O_VALUE
	                  : O_NONE;
}

/* What "--name" (its first n bytes) is, as getopt_long resolves it: an
 * option named exactly so, else the one option it abbreviates. *json: it
 * is --json, the switch to JSON output. An abbreviation of several fails
 * the command before it opens anything; it is read here the safe way,
 * its next word as a file if any of them reads or writes one, or if a
 * value of one of them would shift which positional is a file. */
static int opt_kind(const cmd_files *c, const char *name, size_t n, int *json)
{
	int matches = 0, any_f = 0, any_o = 0, any_v = 0, only = O_NONE;
	const char *only_name = NULL;
	for (const char *p = c->opts; *p;) {
		size_t len = strcspn(p, " =");
		const char *eq = p[len] == '=' ? p + len : NULL;
		int k = eq ? kind_of(eq[1]) : O_NONE;
		if (len == n && !memcmp(p, name, n)) {
			*json = !eq && n == 4 && !memcmp(name, "json", 4);
			return k;
		}
		if (len > n && !memcmp(p, name, n)) {
			matches++;
			only = k;
			only_name = p;
			any_f |= k == O_FILE;
			any_o |= k == O_OUT;
			any_v |= k == O_VALUE;
		}
		p += len + (eq ? 2 : 0);
		p += strspn(p, " ");
	}
	if (matches == 1) {
		*json = only == O_NONE && !strncmp(only_name, "json", 4) &&
		        (only_name[4] == ' ' || !only_name[4]);
		return only;
	}
	/* a value, had it been one, would not have counted as a positional:
	 * taken as a file, whichever it is, it is sent */
	if (matches > 1)
		return any_f                        ? O_FILE
		       : any_o                      ? O_OUT
		       : any_v && c->pos_files != 0 ? O_AMBIG
		                                    : O_NONE;
	return O_NONE;
}

static const cmd_files *find(int argc, char *const *argv, int *first)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (strcmp(argv[0], table[i].cmd))
			continue;
		if (!table[i].sub) {
			*first = 1;
			return &table[i];
		}
		if (argc > 1 && !strcmp(argv[1], table[i].sub)) {
			*first = 2;
			return &table[i];
		}
	}
	return NULL;
}

static void classify(const cmd_files *c, int first, int argc, char *const *argv,
                     sl_arg_kind *kinds, int *stream, int *json_out)
{
	int npos = 0, dashdash = 0;
	for (int i = first; i < argc; i++) {
		const char *w = argv[i];
		if (!dashdash && !strcmp(w, "--")) {
			dashdash = 1;
			continue;
		}
		if (dashdash || strncmp(w, "--", 2)) {
			if (!dashdash && w[0] == '-' && w[1])
				continue; /* a short option: none is valid */
			/* a positional "-" is a file named "-" (only an
			 * option's "-" means standard input) */
			npos++;
			if (c->pos_files == -1 || c->pos_files == npos)
				kinds[i] = c->dir ? SL_ARG_DIR : SL_ARG_FILE;
			continue;
		}
		const char *eq = strchr(w + 2, '=');
		size_t n = eq ? (size_t)(eq - w - 2) : strlen(w + 2);
		int json = 0, k = opt_kind(c, w + 2, n, &json);
		if (json && !eq)
			*json_out = 1;
		if (k == O_NONE)
			continue;
		if (eq) {
			if (k == O_FILE)
				kinds[i] = c->stdin_ok && !strcmp(eq + 1, "-")
				               ? SL_ARG_STDIN
				               : SL_ARG_FILE_EQ;
			if (k == O_FILE && c->stdin_ok)
				*stream = i; /* getopt keeps the last */
			else if (k == O_OUT)
				kinds[i] = SL_ARG_OUT_EQ;
			continue;
		}
		if (i + 1 >= argc)
			continue;
		i++;
		if (k == O_FILE || k == O_AMBIG)
			kinds[i] = c->stdin_ok && !strcmp(argv[i], "-")
			               ? SL_ARG_STDIN
			               : SL_ARG_FILE;
		if (k == O_FILE && c->stdin_ok)
			*stream = i;
		else if (k == O_OUT)
			kinds[i] = SL_ARG_OUT;
	}
}

void sl_argmap(int argc, char *const *argv, sl_arg_kind *kinds,
               sl_arg_info *info)
{
	info->writer = 1;
	info->local = 0;
	info->refused = NULL;
	info->stream_word = -1;
	info->json = 0;
	for (int i = 0; i < argc; i++)
		kinds[i] = SL_ARG_PLAIN;
	if (argc < 1)
		return;
	for (size_t i = 0; i < sizeof local_cmds / sizeof local_cmds[0]; i++)
		if (!strcmp(argv[0], local_cmds[i])) {
			info->local = 1;
			info->writer = 0;
			return;
		}
	/* --help anywhere before "--" only prints help */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") ||
		    (i == 1 &&
		     (!strcmp(argv[i], "help") || !strcmp(argv[i], "-h")))) {
			info->local = 1;
			info->writer = 0;
			return;
		}
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		if (!strcmp(argv[0], refused[i].cmd) &&
		    (!refused[i].sub ||
		     (argc > 1 && !strcmp(argv[1], refused[i].sub)))) {
			info->refused = refused[i].why;
			return;
		}
	int first = 0;
	const cmd_files *c = find(argc, argv, &first);
	if (!c)
		return;
	info->writer = !c->reader;
	classify(c, first, argc, argv, kinds, &info->stream_word, &info->json);
}

const char *sl_arg_path(const char *word, sl_arg_kind kind)
{
	if (kind == SL_ARG_FILE_EQ || kind == SL_ARG_OUT_EQ) {
		const char *eq = strchr(word, '=');
		return eq ? eq + 1 : word;
	}
	return word;
}

int sl_arg_dir_name_ok(const char *name)
{
	size_t n = strlen(name);
	return n >= 1 && n <= 255 && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..");
}

const char *const sl_arg_env[] = {"LC_ALL",   "LC_MESSAGES", "LANG",
                                  "LANGUAGE", "TZ",          NULL};

/* The zone files glibc reads for TZ=NAME, which TZ may also name whole. */
#define ZONEINFO "/usr/share/zoneinfo/"

int sl_arg_env_ok(const char *name, const char *v)
{
	int tz = !strcmp(name, "TZ");
	if (strlen(v) > 127)
		return 0;
	/* ":NAME" is glibc's way to say "a zone file", which NAME is
	 * anyway when it is no POSIX rule */
	if (tz && v[0] == ':')
		v++;
	if (tz && !strncmp(v, ZONEINFO, strlen(ZONEINFO)))
		v += strlen(ZONEINFO);
	/* what is left names no file of its own: anything relative is read
	 * below the system's zoneinfo or locale directories, never above
	 * them ("..") */
	if (!*v || v[0] == '/' || v[0] == ':' || strstr(v, ".."))
		return 0;
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("._-@+:,/", *p) ||
		      (tz && (*p == '<' || *p == '>'))))
			return 0;
	return 1;
}
