/* cmd_audit.c - shenli audit verify|log|head. */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../audit.h"
#include "../policy.h"
#include "cli.h"

static const char USAGE[] = N_(
    "usage: shenli audit verify [--anchor SEQ:HASH]\n"
    "       shenli audit log [--since SEQ] [--json]\n"
    "       shenli audit head\n"
    "\n"
    "verify re-reads every page of the store and re-checks the whole hash\n"
    "chain and every signature; it names the first bad entry and exits 6.\n"
    "With --anchor it also proves the log still extends a head written down\n"
    "earlier (from 'audit head'), which a rolled-back or rewritten store\n"
    "cannot. log is for auditors and admins.\n");

static int audit_verify(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"anchor", required_argument, 0, 'a'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	const char *anchor = NULL;
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': anchor = optarg; break;
		case 'h': fputs(_(USAGE), stdout); return SL_OK;
		default:
			return cli_usage_error(
			    _(USAGE), _("audit verify: bad option '%s'"),
			    argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(
		    _(USAGE), _("audit verify: unexpected '%s'"), argv[optind]);
	int64_t aseq;
	uint8_t ahash[32];
	sl_rc rc;
	if (anchor && (rc = sl_audit_parse_anchor(anchor, &aseq, ahash)))
		return cli_fail(rc);
	sl_store *s;
	if ((rc = cli_unlock(g, &s)))
		return cli_fail(rc);
	sl_audit_report r;
	rc = sl_policy_require(s, SL_ACT_AUDIT_VERIFY, "audit");
	if (!rc)
		rc = sl_audit_verify(s, anchor, &r);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	char head[96];
	sl_audit_format_anchor(r.head_seq, r.head_hash, head);
	printf(_("audit log ok: %" PRId64 " entries, %" PRId64
	         " signatures, every page of the store read\nhead %s\n"),
	       r.entries, r.signatures, head);
	if (anchor)
		printf(_("the log extends the anchor %s\n"), anchor);
	return SL_OK;
}

struct log_ctx {
	cli_json_array *arr; /* --json: streamed */
};

static int print_entry(const sl_audit_entry *e, void *ud)
{
	struct log_ctx *c = ud;
	char ts[32], hex[65];
	cli_fmt_time(e->ts, ts);
	if (c->arr) {
		json_error_t err;
		json_t *d = json_loads(e->details, 0, &err);
		if (!d)
			d = json_string(e->details);
		sl_hex(e->hash, 32, hex);
		cli_json_array_add(
		    c->arr,
		    json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:o, s:s, s:b}",
		              "seq", (json_int_t)e->seq, "time", ts, "ts_ms",
		              (json_int_t)e->ts, "actor", e->actor, "action",
		              e->action, "object", e->object, "details", d,
		              "hash", hex, "signed", e->is_signed));
	} else {
		printf("%6" PRId64 "  %s  %-12s %-16s %-16s %s%s\n", e->seq, ts,
		       e->actor, e->action, e->object, e->details,
		       e->is_signed ? "  [signed]" : "");
	}
	return 0;
}

static int audit_log(int argc, char **argv, sl_cli *g)
{
	static const struct option opts[] = {
	    {"since", required_argument, 0, 's'},
	    {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	long long since = 0;
	int json = 0, c;
	char *end;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			since = strtoll(optarg, &end, 10);
			if (*end || since < 0 || !*optarg)
				return cli_usage_error(
				    _(USAGE),
				    _("--since needs a sequence number"));
			break;
		case 'j': json = 1; break;
		case 'h': fputs(_(USAGE), stdout); return SL_OK;
		default:
			return cli_usage_error(_(USAGE),
			                       _("audit log: bad option '%s'"),
			                       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(
		    _(USAGE), _("audit log: unexpected '%s'"), argv[optind]);
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	cli_json_array arr = {0};
	struct log_ctx ctx = {json ? &arr : NULL};
	rc = sl_policy_require(s, SL_ACT_AUDIT_LOG, "audit");
	if (!rc)
		rc = sl_audit_each(s, since, print_entry, &ctx);
	sl_store_close(s);
	if (!rc && json)
		cli_json_array_end(&arr);
	return rc ? cli_fail(rc) : SL_OK;
}

static int audit_head(int argc, char **argv, sl_cli *g)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		fputs(_(USAGE), stdout);
		return SL_OK;
	}
	if (argc != 1)
		return cli_usage_error(_(USAGE),
		                       _("audit head takes no arguments"));
	sl_store *s;
	sl_rc rc = cli_unlock(g, &s);
	if (rc)
		return cli_fail(rc);
	int64_t seq;
	uint8_t h[32];
	rc = sl_policy_require(s, SL_ACT_AUDIT_HEAD, "audit");
	if (!rc)
		rc = sl_audit_head(s, &seq, h);
	sl_store_close(s);
	if (rc)
		return cli_fail(rc);
	char a[96];
	sl_audit_format_anchor(seq, h, a);
	puts(a);
	return SL_OK;
}

int cmd_audit(int argc, char **argv, sl_cli *g)
{
	if (argc < 2)
		return cli_usage_error(_(USAGE), _("audit: which subcommand?"));
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "help")) {
		fputs(_(USAGE), stdout);
		return SL_OK;
	}
	if (!strcmp(sub, "verify"))
		return audit_verify(argc - 1, argv + 1, g);
	if (!strcmp(sub, "log"))
		return audit_log(argc - 1, argv + 1, g);
	if (!strcmp(sub, "head"))
		return audit_head(argc - 1, argv + 1, g);
	return cli_usage_error(_(USAGE), _("audit: unknown subcommand '%s'"),
	                       sub);
}
