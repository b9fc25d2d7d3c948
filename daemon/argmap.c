/* argmap.c - the table of commands' file arguments (argmap.h). */
#include "argmap.h"

#include <stddef.h>
#include <string.h>

#include <shenli/base.h>

#define MAXO 8
typedef struct {
	const char *cmd, *sub;    /* sub NULL: a command without subs */
	const char *files[MAXO];  /* options whose value is a file read */
	const char *outs[MAXO];   /* options whose value is a file written */
	const char *values[MAXO]; /* other options that take a value */
	int pos_files;            /* positionals that are files: -1 all,
	                             k > 0 the k-th only, 0 none */
	int stdin_ok;             /* "-" as a file means standard input */
	int reader;               /* never writes the store */
	int dir;                  /* the positional files are directories */
} cmd_files;

/* Commands that read or write files, and those that never write. Every
 * command not listed is a writer without files. Option lists must hold
 * every value-taking option of a command whose positionals are files
 * (so that a value is never taken for a positional); for the others the
 * file and output options are enough. */
static const cmd_files table[] = {
    {"case", "import", {"jsonl"}, {0}, {0}, -1, 1, 0, 0},
    {"case", "resubmit", {0}, {0}, {0}, 2, 0, 0, 0},
    {"case", "list", {0}, {0}, {0}, 0, 0, 1, 0},
    {"case", "stats", {0}, {0}, {0}, 0, 0, 1, 0},
    {"case", "show", {0}, {0}, {0}, 0, 0, 1, 0},
    {"review", "opinion", {"file"}, {0}, {0}, 0, 0, 0, 0},
    {"review", "findings", {0}, {0}, {0}, 0, 0, 1, 0},
    {"review", "opinions", {0}, {0}, {0}, 0, 0, 1, 0},
    {"review", "outline", {0}, {"out"}, {0}, 0, 0, 1, 0},
    {"report", NULL, {0}, {"out"}, {0}, 0, 0, 1, 0},
    {"keys", "trust", {0}, {0}, {"comment"}, 1, 0, 0, 0},
    {"plugin", "install", {0}, {0}, {0}, 1, 0, 0, 1},
    {"rules", "install", {0}, {0}, {0}, 1, 0, 0, 1},
    {"rules", "show", {0}, {0}, {0}, 0, 0, 1, 0},
    {"script", "install", {0}, {0}, {0}, 1, 0, 0, 1},
    {"template", "install", {0}, {0}, {0}, 1, 0, 0, 1},
    {"template", "list", {0}, {0}, {0}, 0, 0, 1, 0},
    {"keys", "list", {0}, {0}, {0}, 0, 0, 1, 0},
    {"user", "add", {"new-passphrase-file"}, {0}, {0}, 0, 0, 0, 0},
    {"user", "passwd", {"new-passphrase-file"}, {0}, {0}, 0, 0, 0, 0},
    {"user", "list", {0}, {0}, {0}, 0, 0, 1, 0},
    {"zone", "list", {0}, {0}, {0}, 0, 0, 1, 0},
    {"agency", "list", {0}, {0}, {0}, 0, 0, 1, 0},
    {"plugin", "list", {0}, {0}, {0}, 0, 0, 1, 0},
    {"plugin", "verify", {0}, {0}, {0}, 0, 0, 1, 0},
    {"script", "list", {0}, {0}, {0}, 0, 0, 1, 0},
    {"audit", "verify", {0}, {0}, {0}, 0, 0, 1, 0},
    {"audit", "log", {0}, {0}, {0}, 0, 0, 1, 0},
    {"audit", "head", {0}, {0}, {0}, 0, 0, 1, 0},
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

static int in_list(const char *const *l, const char *name, size_t n, int *exact)
{
	int found = 0;
	for (size_t i = 0; i < MAXO && l[i]; i++)
		if (!strncmp(l[i], name, n)) {
			found++;
			if (!l[i][n])
				*exact = 1;
		}
	return found;
}

/* What "--name" is, as getopt_long would resolve it among the options
 * the table knows (an abbreviation getopt finds ambiguous fails the
 * command before it opens anything, whichever way it is read here). */
static int opt_kind(const cmd_files *c, const char *name, size_t n)
{
	int ex_f = 0, ex_o = 0, ex_v = 0;
	int f = in_list(c->files, name, n, &ex_f);
	int o = in_list(c->outs, name, n, &ex_o);
	int v = in_list(c->values, name, n, &ex_v);
	if (ex_f)
		return O_FILE;
	if (ex_o)
		return O_OUT;
	if (ex_v)
		return O_VALUE;
	if (f + o + v > 1)
		return f ? O_FILE : o ? O_OUT : O_AMBIG; /* read as a path */
	return f ? O_FILE : o ? O_OUT : v ? O_VALUE : O_NONE;
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
                     sl_arg_kind *kinds, int *stream)
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
		int k = opt_kind(c, w + 2, n);
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
	classify(c, first, argc, argv, kinds, &info->stream_word);
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
