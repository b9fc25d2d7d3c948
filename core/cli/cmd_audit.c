/* cmd_audit.c - shenli audit verify|log|head. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shenli/ops.h>

#include "cli.h"

static int audit_verify(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"anchor", required_argument, 0, 'a'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *anchor = NULL;
	int c, rc;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': anchor = optarg; break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind != argc)
		return cli_usage(_("audit verify: unexpected '%s'"),
		                 argv[optind]);
	/* the option's value is read before the passphrase is asked */
	int64_t aseq;
	uint8_t ahash[32];
	sl_rc r;
	if (anchor && (r = sl_audit_parse_anchor(anchor, &aseq, ahash)))
		return cli_fail(r);
	/* a store whose log does not verify serves this and nothing else
	 * (the table opens it SL_OPEN_UNVERIFIED) */
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_audit_report rep;
	if ((r = sl_audit_verify(s, anchor, &rep)))
		return cli_fail(r);
	char head[96];
	sl_audit_format_anchor(rep.head_seq, rep.head_hash, head);
	printf(_("audit log ok: %" PRId64 " entries, %" PRId64
	         " signatures, every page of the store read, every entry's "
	         "authority replayed, every table equal to the log\nhead "
	         "%s\n"),
	       rep.entries, rep.signatures, head);
	if (anchor)
		printf(_("the log extends the anchor %s\n"), cli_txt(anchor));
	return SL_OK;
}

struct log_ctx {
	cli_json_array *arr; /* --json: streamed */
	cli_table *t;
	/* the filters: NULL / 0 for none (object: a part of it) */
	const char *action, *actor, *object;
	long long until, limit, shown;
	int done; /* past --until or the --limit-th: stop reading */
	/* the words of every row, translated once (once()), not once a row:
	 * gettext on each of a million rows was 5% of the listing */
	const char *fmt_user, *fmt_uid, *yes, *withheld;
};

/* msgid translated, the first time into *slot; format_arg lets the
 * compiler check a format passed through it against its arguments. */
__attribute__((format_arg(2))) static const char *once(const char **slot,
                                                       const char *msgid)
{
	if (!*slot)
		*slot = _(msgid);
	return *slot;
}

/* Whether e is one --action, --actor, --object and --until keep. */
static int kept(struct log_ctx *c, const sl_audit_entry *e)
{
	if (c->until && e->seq > c->until) {
		c->done = 1; /* the log is read in seq order: no more */
		return 0;
	}
	return (!c->action || !strcmp(c->action, e->action)) &&
	       (!c->actor || !strcmp(c->actor, e->actor)) &&
	       (!c->object || strstr(e->object, c->object));
}

static int print_entry(const sl_audit_entry *e, void *ud)
{
	struct log_ctx *c = ud;
	if (!kept(c, e))
		return c->done;
	if (c->limit && ++c->shown >= c->limit)
		c->done = 1;
	if (c->arr) {
		cli_json_array_add(c->arr, sl_audit_entry_json(e));
		return c->done;
	}
	char seq[24], local[32], who[SL_ID_MAX + SL_OS_USER_MAX + 96];
	snprintf(seq, sizeof seq, "%" PRId64, e->seq);
	cli_local_time(e->ts, 1, local);
	/* the OS account beside the shenli user; an entry of an older store
	 * records none, and shows the user alone */
	sl_os_account os;
	int has_os = sl_audit_entry_os(e, &os);
	if (has_os == 1 && os.user[0])
		snprintf(who, sizeof who,
		         once(&c->fmt_user, N_("%s (os: %s/%" PRId64 ")")),
		         e->actor, os.user, os.uid);
	else if (has_os == 1)
		snprintf(who, sizeof who,
		         once(&c->fmt_uid, N_("%s (os: uid %" PRId64 ")")),
		         e->actor, os.uid);
	else
		snprintf(who, sizeof who, "%s", e->actor);
	cli_table_add(c->t, seq);
	cli_table_add(c->t, local);
	cli_table_add(c->t, who);
	cli_table_add(c->t, e->action);
	cli_table_add(c->t, e->object);
	cli_table_add(c->t, e->is_signed ? once(&c->yes, N_("yes")) : "");
	cli_table_add(c->t, sl_audit_entry_withheld(e)
	                        ? once(&c->withheld,
	                               N_("(a case's: not shown to admins)"))
	                        : e->details);
	return c->done;
}

/* The reading of the log with the filters, in one pass (cli_table_list). */
struct log_all {
	sl_store *s;
	long long since;
	struct log_ctx *c;
};

static int log_all(void *ud)
{
	struct log_all *a = ud;
	a->c->shown = 0;
	a->c->done = 0;
	return sl_audit_log(a->s, a->since, print_entry, a->c);
}

/* A --since, --until or --limit value: a number from 0 (--limit: 1). */
static int seq_arg(const char *v, long long lo, long long *out)
{
	char *end;
	errno = 0;
	*out = strtoll(v, &end, 10);
	/* digits only: strtoll would take " 5", "+5" and clamp an overflow */
	return *v >= '0' && *v <= '9' && !*end && !errno && *out >= lo;
}

/* The last entry's number is the widest, asked for when the log is long
 * enough to stream (in the widths of its first rows), as case list asks
 * for its own: a short log never queries for it. */
static void fit_seq(cli_table *t, void *ud)
{
	sl_anchor a;
	char seq[32];
	if (!sl_audit_anchor(ud, &a))
		cli_table_fit(
		    t, 0, (size_t)snprintf(seq, sizeof seq, "%" PRId64, a.seq));
}

static int audit_log(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"since", required_argument, 0, 's'},
	    {"until", required_argument, 0, 'U'},
	    {"limit", required_argument, 0, 'l'},
	    {"action", required_argument, 0, 'a'},
	    {"actor", required_argument, 0, 'u'},
	    {"object", required_argument, 0, 'o'},
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	long long since = 0;
	int json = 0, c, rc;
	struct log_ctx ctx = {0};
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
		case 'U':
			/* entries count from 1: --until 0 would read as no
			 * bound at all (ctx.until 0), not as "none" */
			if (!seq_arg(optarg, c == 's' ? 0 : 1,
			             c == 's' ? &since : &ctx.until))
				return cli_bad_value(
				    _("--%s needs a sequence number"),
				    c == 's' ? "since" : "until");
			break;
		case 'l':
			if (!seq_arg(optarg, 1, &ctx.limit))
				return cli_bad_value(
				    _("--limit needs a number of "
				      "entries from 1"));
			break;
		case 'a': ctx.action = optarg; break;
		case 'u': ctx.actor = optarg; break;
		case 'o': ctx.object = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind != argc)
		return cli_usage(_("audit log: unexpected '%s'"), argv[optind]);
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	cli_json_array arr = {0};
	ctx.arr = json ? &arr : NULL;
	if (!json) {
		ctx.t = cli_table_new(7, _("SEQ"), _("TIME"), _("ACTOR"),
		                      _("ACTION"), _("OBJECT"), _("SIGNED"),
		                      _("DETAILS"));
		cli_table_right(ctx.t, 0);
		cli_table_on_stream(ctx.t, fit_seq, s);
	}
	struct log_all all = {s, since, &ctx};
	sl_rc r = cli_table_list(ctx.t, stdout, log_all, &all);
	if (!r && json)
		cli_json_array_end(&arr);
	if (!r && ctx.t)
		cli_table_print(ctx.t, stdout);
	cli_table_free(ctx.t);
	return r ? cli_fail(r) : SL_OK;
}

static int audit_head(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	int c, rc;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help();
		return cli_bad_option(NULL, NULL, argc, argv, opts);
	}
	if (optind != argc)
		return cli_usage(_("audit head takes no arguments"));
	sl_store *s = cli_store(g, &rc);
	if (!s)
		return rc;
	sl_anchor a;
	sl_rc r = sl_audit_anchor(s, &a);
	if (r)
		return cli_fail(r);
	puts(a.text);
	return SL_OK;
}

static const char AUDIT_NOTE[] =
    N_("Every change is an entry of a hash chain signed by the user who made\n"
       "it; 'audit head' is a short proof of the whole log to write down.\n");

static const cli_sub subs[] = {
    {"verify", audit_verify, "shenli audit verify [--anchor SEQ:HASH]",
     N_("re-check every page, the whole chain and every signature"),
     N_("Re-reads every page of the store and re-checks the whole hash chain\n"
        "and every signature; it names the first bad entry and exits 6. With\n"
        "--anchor it also proves that the log still extends a head written\n"
        "down earlier (from 'audit head'), which a rolled-back or rewritten\n"
        "store cannot. For everyone.\n"),
     CLI_UNLOCK | SL_OPEN_UNVERIFIED},
    {"log", audit_log,
     "shenli audit log [--since SEQ] [--until SEQ] [--action A] [--actor U]\n"
     "                 [--object TEXT] [--limit N] [--json]",
     N_("show the audit log (admins and auditors)"),
     N_("Shows the audit log (审计日志) after entry SEQ: who did what to\n"
        "which object, when (local time), and which entries close a signed\n"
        "command. For admins and auditors. --until SEQ stops at that entry;\n"
        "--action and --actor keep the entries of that action or user,\n"
        "--object those whose object contains TEXT; --limit N stops after N\n"
        "entries kept (the next page is --since the last one shown). --json\n"
        "gives one JSON document, with times in UTC.\n"),
     CLI_UNLOCK},
    {"head", audit_head, "shenli audit head",
     N_("print the head of the log, SEQ:HASH, to write down"),
     N_("Prints the head of the audit log as SEQ:HASH. Write it down or\n"
        "print it on reports: 'audit verify --anchor' proves later that the\n"
        "log still extends it.\n"),
     CLI_UNLOCK},
};
const cli_group cli_audit = {"audit", subs, CLI_COUNT(subs), AUDIT_NOTE};
