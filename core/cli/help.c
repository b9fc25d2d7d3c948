/*
 * help.c - subcommand dispatch, help, usage errors and "did you mean".
 *
 * A group's table (cli_group) is the one description of its subcommands:
 * the group's help lists them, 'shenli help CMD SUB' and 'shenli CMD SUB
 * --help' print one of them, and a usage error prints only the usage lines
 * of the subcommand that was mistyped, with the command that says more.
 * Synopses are what one types and stay untranslated; everything said
 * about them is translated.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cli_top_synopsis[] =
    "shenli [--store PATH] [--user ID] [--passphrase-file PATH | "
    "--passphrase-fd N] COMMAND [ARGS]";

/* What is running: set by main (the command) and cli_dispatch. */
static const char *cur_cmd;
static const cli_group *cur_grp;
static const cli_sub *cur_sub;

void cli_enter(const char *cmd, const cli_group *grp)
{
	cur_cmd = cmd;
	cur_grp = grp;
	cur_sub = NULL;
}

/* Print text's lines, the first after label, the others under it. */
static void lines(FILE *f, const char *label, const char *text, int *first)
{
	size_t pad = cli_width(label);
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		if (*first)
			fprintf(f, "%s%.*s\n", label, len, p);
		else
			fprintf(f, "%*s%.*s\n", (int)pad, "", len, p);
		*first = 0;
		p += len + (nl != NULL);
	}
}

/* The usage lines of one subcommand, or of every one (only NULL). */
static void synopsis(FILE *f, const cli_group *grp, const cli_sub *only)
{
	int first = 1;
	for (size_t i = 0; i < grp->n; i++) {
		const cli_sub *s = &grp->subs[i];
		if (only && s != only)
			continue;
		/* two subcommands may share one line ("zones|agencies") */
		if (!only && i &&
		    !strcmp(s->synopsis, grp->subs[i - 1].synopsis))
			continue;
		lines(f, _("usage: "), s->synopsis, &first);
	}
}

static void hint(FILE *f, const char *sub)
{
	char what[160];
	if (cur_grp && sub && *sub)
		snprintf(what, sizeof what, "shenli help %s %s", cur_grp->name,
		         sub);
	else if (cur_grp || cur_cmd)
		snprintf(what, sizeof what, "shenli help %s",
		         cur_grp ? cur_grp->name : cur_cmd);
	else
		snprintf(what, sizeof what, "shenli help");
	fprintf(f, _("try '%s'\n"), cli_txt(what));
}

static void sub_help(FILE *f, const cli_group *grp, const cli_sub *s)
{
	synopsis(f, grp, s);
	if (s->help)
		fprintf(f, "\n%s", _(s->help));
	else if (s->summary)
		fprintf(f, "\n%s\n", _(s->summary));
}

static void group_help(FILE *f, const cli_group *grp)
{
	if (grp->n == 1 && !*grp->subs[0].name) {
		sub_help(f, grp, &grp->subs[0]);
		return;
	}
	synopsis(f, grp, NULL);
	fprintf(f, "\n%s\n", _("subcommands:"));
	size_t w = 0;
	for (size_t i = 0; i < grp->n; i++)
		if (strlen(grp->subs[i].name) > w)
			w = strlen(grp->subs[i].name);
	for (size_t i = 0; i < grp->n; i++)
		fprintf(f, "  %-*s  %s\n", (int)w, grp->subs[i].name,
		        _(grp->subs[i].summary));
	if (grp->note)
		fprintf(f, "\n%s", _(grp->note));
	fputc('\n', f);
	fprintf(f, _("'shenli help %s SUBCOMMAND' describes one of them.\n"),
	        grp->name);
}

int cli_help(void)
{
	if (cur_sub)
		sub_help(stdout, cur_grp, cur_sub);
	else if (cur_grp)
		group_help(stdout, cur_grp);
	return SL_OK;
}

__attribute__((format(printf, 3, 0))) static int
vusage(int rc, const char *use, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	fprintf(stderr, _("shenli: %s\n"), cli_txt(msg));
	if (cur_grp) {
		synopsis(stderr, cur_grp, cur_sub);
	} else if (use && *use) {
		/* a command's own text: its usage lines, to the blank line */
		const char *end = strstr(use, "\n\n");
		size_t len = end ? (size_t)(end - use) : strlen(use);
		while (len && use[len - 1] == '\n')
			len--;
		fprintf(stderr, "%.*s\n", (int)len, use);
	} else if (!cur_cmd) {
		fprintf(stderr, "%s%s\n", _("usage: "), cli_top_synopsis);
	}
	hint(stderr, cur_sub ? cur_sub->name : NULL);
	return rc;
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vusage(SL_EUSAGE, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int cli_usage_error(const char *use, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vusage(SL_EUSAGE, use, fmt, ap);
	va_end(ap);
	return rc;
}

int cli_bad_value(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vusage(SL_EINPUT, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int cli_bad_value_of(const char *use, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = vusage(SL_EINPUT, use, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- an option getopt_long refused --------------------------------------- */

const char *cli_opt_word(int argc, char **argv)
{
	/* No optstring has short options, so a single-dash word fails at its
	 * first letter (optopt). getopt_long has then moved past a word of
	 * two characters ("-x") but not past a longer one ("-json"), whose
	 * next letter it would read next; past a long option, always (and
	 * its optopt is 0 when it does not know it). */
	const char *at = optind < argc ? argv[optind] : NULL;
	const char *prev = optind > 0 ? argv[optind - 1] : "";
	int mid = at && optopt && at[0] == '-' && at[1] == optopt && at[2];
	/* "-j -json": "-j" failed, and getopt_long stands on "-json" */
	if (mid && prev[0] == '-' && prev[1] == optopt && !prev[2])
		mid = 0;
	return mid ? at : prev;
}

/* The option of opts that word names as getopt_long reads it ("--name"
 * with no "=VALUE": the whole name, or the start of one name only). */
static const struct option *long_opt(const char *word,
                                     const struct option *opts)
{
	if (!opts || strncmp(word, "--", 2) || !word[2] || strchr(word, '='))
		return NULL;
	const char *name = word + 2;
	size_t len = strlen(name), n = 0;
	const struct option *found = NULL;
	for (const struct option *o = opts; o->name; o++) {
		if (!strcmp(o->name, name))
			return o;
		if (!strncmp(o->name, name, len) && n++ == 0)
			found = o;
	}
	return n == 1 ? found : NULL;
}

int cli_bad_option(const char *use, const char *what, int argc, char **argv,
                   const struct option *opts)
{
	const char *word = cli_opt_word(argc, argv);
	const struct option *o = long_opt(word, opts);
	/* named as the usage hint names it: "case list", "init", "report" */
	char name[160] = "shenli";
	if (what)
		snprintf(name, sizeof name, "%s", what);
	else if (cur_grp && cur_sub && *cur_sub->name)
		snprintf(name, sizeof name, "%s %s", cur_grp->name,
		         cur_sub->name);
	else if (cur_grp || cur_cmd)
		snprintf(name, sizeof name, "%s",
		         cur_grp ? cur_grp->name : cur_cmd);
	/* an option it knows, at the end of the line without its value:
	 * getopt_long refuses it as it refuses an unknown one */
	if (o && o->has_arg == required_argument)
		return cli_usage_error(use, _("%s: option '%s' needs a value"),
		                       name, word);
	return cli_usage_error(use, _("%s: bad option '%s'"), name, word);
}

int cli_asks_help(int argc, char **argv)
{
	/* before "--", after which every word is an argument */
	for (int k = 1; k < argc && strcmp(argv[k], "--"); k++)
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h"))
			return 1;
	return 0;
}

/* ---- did you mean ------------------------------------------------------- */

/* Optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of neighbours ("reivew") each cost 1. Words are short; longer
 * ones are compared on their first 63 bytes. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63)
		la = 63;
	if (lb > 63)
		lb = 63;
	size_t d[64][64];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

void cli_quote_append(char *out, size_t cap, const char *word)
{
	size_t used = strlen(out);
	char q[256];
	/* TRANSLATORS: a command in a list of suggestions */
	snprintf(q, sizeof q, _("'%s'"), word);
	/* TRANSLATORS: between two suggestions of a list */
	snprintf(out + used, cap - used, "%s%s", used ? _(", ") : "", q);
}

int cli_suggest(const char *word, const char *const *cand, size_t n, char *out,
                size_t cap)
{
	size_t lw = strlen(word), best = SIZE_MAX;
	/* a typo of one in a short word, two in a longer one; a started
	 * word ("rev") counts as one */
	size_t limit = lw <= 3 ? 1 : 2;
	size_t *d = calloc(n ? n : 1, sizeof *d);
	if (!d || !lw) {
		free(d);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		d[i] = distance(word, cand[i]);
		if (lw >= 2 && !strncmp(cand[i], word, lw) && d[i] > 1)
			d[i] = 1;
		if (d[i] < best)
			best = d[i];
	}
	int found = 0;
	if (best <= limit && best < lw) {
		for (size_t i = 0; i < n; i++) {
			if (d[i] != best)
				continue;
			cli_quote_append(out, cap, cand[i]);
			found++;
		}
	}
	free(d);
	return found;
}

/* An unknown subcommand of grp: say so, and what was probably meant. */
static int unknown_sub(const cli_group *grp, const char *sub)
{
	const char *names[64];
	size_t n = grp->n < 64 ? grp->n : 64;
	char list[512] = "";
	for (size_t i = 0; i < n; i++) {
		names[i] = grp->subs[i].name;
		size_t used = strlen(list);
		snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
		         names[i]);
	}
	fprintf(stderr, _("shenli: %s: unknown subcommand '%s'\n"), grp->name,
	        cli_txt(sub));
	char near[256] = "";
	if (cli_suggest(sub, names, n, near, sizeof near))
		fprintf(stderr, _("shenli: did you mean %s?\n"), near);
	else
		fprintf(stderr, _("shenli: the subcommands of %s are: %s\n"),
		        grp->name, list);
	hint(stderr, NULL);
	return SL_EUSAGE;
}

int cli_help_group(const cli_group *grp, const char *sub)
{
	cur_grp = grp;
	cur_sub = NULL;
	if (!sub || (grp->n == 1 && !*grp->subs[0].name)) {
		group_help(stdout, grp);
		return SL_OK;
	}
	for (size_t i = 0; i < grp->n; i++)
		if (!strcmp(sub, grp->subs[i].name)) {
			cur_sub = &grp->subs[i];
			sub_help(stdout, grp, cur_sub);
			return SL_OK;
		}
	return unknown_sub(grp, sub);
}

/* Run a subcommand; the store it opened is closed here, whatever it
 * returned. */
static int run(const cli_sub *sub, int argc, char **argv, sl_cli *g)
{
	int rc = sub->fn(argc, argv, g);
	if (g->s) {
		sl_store_close(g->s);
		g->s = NULL;
	}
	return rc;
}

sl_store *cli_store(sl_cli *g, int *rc)
{
	*rc = SL_OK;
	if (g->s)
		return g->s;
	unsigned how = cur_sub ? cur_sub->unlock : 0;
	if (!(how & CLI_UNLOCK)) {
		*rc = cli_fail(sl_error(SL_ESYS,
		                        _("internal: '%s' does not "
		                          "open the store"),
		                        cur_sub ? cur_sub->name : "?"));
		return NULL;
	}
	sl_rc r = cli_unlock_as(g, how & ~CLI_UNLOCK, &g->s);
	if (r) {
		g->s = NULL;
		*rc = cli_fail(r);
	}
	return g->s;
}

int cli_dispatch(const cli_group *grp, int argc, char **argv, sl_cli *g)
{
	cur_grp = grp;
	cur_sub = NULL;
	if (grp->n == 1 && !*grp->subs[0].name) {
		cur_sub = &grp->subs[0];
		if (cli_asks_help(argc, argv))
			return cli_help();
		return run(cur_sub, argc, argv, g);
	}
	if (argc < 2)
		return cli_usage(_("%s: which subcommand?"), grp->name);
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h"))
		return cli_help_group(grp, NULL);
	if (!strcmp(sub, "help"))
		return cli_help_group(grp, argc > 2 ? argv[2] : NULL);
	for (size_t i = 0; i < grp->n; i++) {
		if (strcmp(sub, grp->subs[i].name))
			continue;
		cur_sub = &grp->subs[i];
		/* --help or -h anywhere answers before any parsing */
		if (cli_asks_help(argc - 1, argv + 1))
			return cli_help();
		return run(cur_sub, argc - 1, argv + 1, g);
	}
	return unknown_sub(grp, sub);
}
