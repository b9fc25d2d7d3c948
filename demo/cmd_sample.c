/* cmd_sample.c - shenli sample: the deterministic sample docket (no store
 * needed), for the demo, tests and benchmarks. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shenli/ops.h>

#include "cli.h"
#include "sample.h"

static int num(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || !*s || *end || *s == '-' || v > max)
		return 0;
	*out = v;
	return 1;
}

static int docket(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"cases", required_argument, 0, 'n'},
	    {"seed", required_argument, 0, 's'},
	    {"start", required_argument, 0, 'i'},
	    {"fault", required_argument, 0, 'f'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	uint64_t n = 100, seed = 1, start = 0;
	int fault = -1, c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (!num(optarg, 10000000, &n))
				return cli_bad_value(
				    _("--cases: 0 to 10000000"));
			break;
		case 's':
			if (!num(optarg, UINT64_MAX, &seed))
				return cli_bad_value(_("--seed: a number"));
			break;
		case 'i':
			if (!num(optarg, UINT64_MAX / 2, &start))
				return cli_bad_value(_("--start: a number"));
			break;
		case 'f':
			for (int k = 0; k < SL_FAULT__COUNT; k++)
				if (!strcmp(optarg, sl_sample_fault_name(
				                        (sl_sample_fault)k)))
					fault = k;
			if (fault < 0) {
				fprintf(
				    stderr,
				    _("shenli: unknown fault '%s'; one of:"),
				    cli_txt(optarg));
				for (int k = 0; k < SL_FAULT__COUNT; k++)
					fprintf(stderr, " %s",
					        sl_sample_fault_name(
					            (sl_sample_fault)k));
				fputc('\n', stderr);
				return SL_EINPUT; /* a bad value: exit 5 */
			}
			break;
		case 'h': return cli_help();
		default: return cli_bad_option(NULL, NULL, argc, argv, opts);
		}
	}
	if (optind != argc)
		return cli_usage(_("sample: unexpected '%s'"), argv[optind]);
	for (uint64_t i = start; i < start + n; i++) {
		size_t len;
		char *d = fault < 0
		              ? sl_sample_case(seed, i, &len, NULL)
		              : sl_sample_case_with(
		                    seed, i, (sl_sample_fault)fault, &len);
		if (!d) {
			fprintf(stderr, _("shenli: out of memory\n"));
			return SL_ESYS;
		}
		fwrite(d, 1, len, stdout);
		putchar('\n');
		free(d);
	}
	return SL_OK;
}

static int org(int argc, char **argv, int agencies)
{
	int json, rc0 = cli_json_args(argc, argv, NULL, "sample", &json);
	if (rc0)
		return rc0 < 0 ? SL_OK : rc0;
	if (optind != argc)
		return cli_usage(_("sample: unexpected '%s'"), argv[optind]);
	cli_json_array arr = {0};
	if (agencies) {
		const sl_sample_agency *a;
		size_t n;
		sl_sample_agencies(&a, &n);
		for (size_t i = 0; i < n; i++) {
			if (json)
				cli_json_array_add(
				    &arr, sl_sample_agency_json(&a[i]));
			else
				printf("%s\t%s\t%s\n", a[i].code, a[i].zone,
				       a[i].name);
		}
	} else {
		const sl_sample_zone *z;
		size_t n;
		sl_sample_zones(&z, &n);
		for (size_t i = 0; i < n; i++) {
			if (json)
				cli_json_array_add(&arr,
				                   sl_sample_zone_json(&z[i]));
			else
				printf("%s\t%s\n", z[i].code, z[i].name);
		}
	}
	if (json)
		cli_json_array_end(&arr);
	return SL_OK;
}

static int docket_cmd(int argc, char **argv, sl_cli *g)
{
	(void)g;
	return docket(argc, argv);
}

static int zones_cmd(int argc, char **argv, sl_cli *g)
{
	(void)g;
	return org(argc, argv, 0);
}

static int agencies_cmd(int argc, char **argv, sl_cli *g)
{
	(void)g;
	return org(argc, argv, 1);
}

/* The tab-separated lines of zones and agencies are for scripts (the
 * tests read them): they stay as they are. */
static const char ORG_HELP[] =
    N_("Lists the docket's 3 zones (code and name) or 36 agencies (code,\n"
       "zone and name), one a line with a tab between the fields, or as one\n"
       "JSON document with --json. No store is needed.\n");

static const cli_sub subs[] = {
    {"docket", docket_cmd,
     "shenli sample docket [--cases N] [--seed S] [--start I]\n"
     "                     [--fault NAME]",
     N_("write N generated dossiers, one JSON object a line"),
     /* xgettext:no-c-format */
     N_("Writes N realistic generated dossiers (shenli.case/1), one a line,\n"
        "to standard output: about 60% complete and 40% with one fault each\n"
        "of the kinds review must catch. The same seed and index always give\n"
        "the same bytes. --fault plants that fault in every dossier (none:\n"
        "all complete). No store is needed.\n"),
     CLI_NO_STORE},
    {"zones", zones_cmd, "shenli sample zones|agencies [--json]",
     N_("list the docket's zones"), ORG_HELP, CLI_NO_STORE},
    {"agencies", agencies_cmd, "shenli sample zones|agencies [--json]",
     N_("list the docket's agencies"), ORG_HELP, CLI_NO_STORE},
};
const cli_group cli_sample = {"sample", subs, CLI_COUNT(subs), NULL};
