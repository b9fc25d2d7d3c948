/*
 * docket_checks - how far a panel can trust the checks, measured on the
 * labelled sample docket (core/sample.c).
 *
 *     docket_checks EVIDENCE.so CLASSIFICATION.so PROCEDURE.so
 *                   [--cases N] [--seed S] [--rules FILE] [--assert]
 *
 * The generator labels every dossier: complete and correctly decided, or
 * carrying exactly one planted fault. Each is run through the three
 * built-in plugins exactly as the host runs them (dlopen, open with the
 * rules, check on the case view), and three figures come out:
 *
 *   detection      planted faults whose own finding (the code the fault is
 *                  named after) is reported as a blocker; an unknown agency
 *                  is intake's matter, not the checks', and is left out;
 *   false blockers clean dossiers with at least one blocker;
 *   false warnings clean dossiers with at least one warning.
 *
 * Notes are not counted: they are what a panel should merely see. The
 * codes behind the false alarms and the misses are listed, so a figure can
 * be traced to the rule that made it. --rules runs the plugins on another
 * rules document (say, an older one, to measure the checks as they were);
 * by default it is the built-in document. --assert makes the run a test:
 * exit 1 unless every planted fault is caught and no clean dossier draws a
 * blocker or a warning.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shenli/plugin.h>

#include "plugin_case.h"
#include "rules.h"
#include "sample.h"

#define NP 3
#define MAX_CODES 64
#define MAX_RULES_BYTES (1u << 20)

struct plugin {
	const char *path;
	void *dl;
	shenli_check_fn check;
	shenli_close_fn close;
	void *state;
};

/* A count per finding code (and severity), for the breakdowns. */
struct tally {
	char code[48];
	int sev;
	unsigned long n;
};

struct tallies {
	struct tally v[MAX_CODES];
	size_t n;
};

static void tally(struct tallies *t, const char *code, int sev)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].sev == sev && !strcmp(t->v[i].code, code)) {
			t->v[i].n++;
			return;
		}
	if (t->n < MAX_CODES) {
		snprintf(t->v[t->n].code, sizeof t->v[t->n].code, "%s", code);
		t->v[t->n].sev = sev;
		t->v[t->n].n = 1;
		t->n++;
	}
}

/* What one dossier drew: the codes (a dossier draws a few dozen at
 * most), with their severities. */
#define MAX_FINDINGS 256
struct shenli_emitter {
	size_t n;
	char code[MAX_FINDINGS][48];
	int sev[MAX_FINDINGS];
};

/* Is finding k the first of its code and severity in this dossier? (The
 * breakdown counts dossiers, not findings.) */
static int first_of(const shenli_emitter *e, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (e->sev[i] == e->sev[k] && !strcmp(e->code[i], e->code[k]))
			return 0;
	return 1;
}

static void emit_cb(shenli_emitter *e, const shenli_finding *f)
{
	if (e->n >= MAX_FINDINGS || !f || !f->code)
		return;
	snprintf(e->code[e->n], sizeof e->code[0], "%s", f->code);
	e->sev[e->n] = (int)f->severity;
	e->n++;
}

static shenli_funcptr lookup(const shenli_dispatch *t, int id)
{
	for (; t && t->id; t++)
		if (t->id == id)
			return t->fn;
	return NULL;
}

static int load(struct plugin *p, const char *rules, size_t len)
{
	p->dl = dlopen(p->path, RTLD_NOW | RTLD_LOCAL);
	if (!p->dl) {
		fprintf(stderr, "docket_checks: %s\n", dlerror());
		return -1;
	}
	const int *abi = dlsym(p->dl, SHENLI_PLUGIN_ABI_SYMBOL);
	shenli_init_fn init = (shenli_init_fn)dlsym(p->dl, SHENLI_PLUGIN_INIT);
	const shenli_dispatch *t = abi && *abi == SHENLI_PLUGIN_ABI && init
	                               ? init(SHENLI_PLUGIN_ABI)
	                               : NULL;
	shenli_open_fn open = (shenli_open_fn)lookup(t, SHENLI_FN_OPEN);
	p->check = (shenli_check_fn)lookup(t, SHENLI_FN_CHECK);
	p->close = (shenli_close_fn)lookup(t, SHENLI_FN_CLOSE);
	if (!open || !p->check || !p->close) {
		fprintf(stderr, "docket_checks: %s: not a plugin of ABI %d\n",
		        p->path, SHENLI_PLUGIN_ABI);
		return -1;
	}
	p->state = open(rules, len);
	if (!p->state) {
		fprintf(stderr, "docket_checks: %s refuses the rules\n",
		        p->path);
		return -1;
	}
	return 0;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "docket_checks: %s: %s\n", path,
		        strerror(errno));
		return NULL;
	}
	char *buf = malloc(MAX_RULES_BYTES + 1);
	size_t n = buf ? fread(buf, 1, MAX_RULES_BYTES + 1, f) : 0;
	fclose(f);
	if (!buf || n > MAX_RULES_BYTES) {
		fprintf(stderr, "docket_checks: %s: too large\n", path);
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static int parse_u64(const char *s, unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		return -1;
	*out = v;
	return 0;
}

static double pct(unsigned long a, unsigned long b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static const char *const SEV[] = {"blocker", "warning", "note"};

static void print_tallies(const char *title, const struct tallies *t)
{
	if (!t->n)
		return;
	printf("%s\n", title);
	for (size_t i = 0; i < t->n; i++)
		printf("    %-8s %-28s %7lu\n", SEV[t->v[i].sev], t->v[i].code,
		       t->v[i].n);
}

int main(int argc, char **argv)
{
	struct plugin P[NP] = {{0}};
	unsigned long long cases = 20000, seed = 20240506;
	const char *rules_path = NULL;
	int want_assert = 0, np = 0;
	for (int i = 1; i < argc; i++) {
		unsigned long long v;
		if (!strcmp(argv[i], "--cases") && i + 1 < argc &&
		    !parse_u64(argv[i + 1], &v) && v > 0) {
			cases = v;
			i++;
		} else if (!strcmp(argv[i], "--seed") && i + 1 < argc &&
		           !parse_u64(argv[i + 1], &v)) {
			seed = v;
			i++;
		} else if (!strcmp(argv[i], "--rules") && i + 1 < argc) {
			rules_path = argv[++i];
		} else if (!strcmp(argv[i], "--assert")) {
			want_assert = 1;
		} else if (argv[i][0] != '-' && np < NP) {
			P[np++].path = argv[i];
		} else {
			np = -1;
			break;
		}
	}
	if (np != NP) {
		fprintf(stderr,
		        "usage: %s EVIDENCE.so CLASSIFICATION.so PROCEDURE.so "
		        "[--cases N] [--seed S] [--rules FILE] [--assert]\n",
		        argv[0]);
		return 2;
	}
	size_t len;
	char *owned = NULL;
	const char *rules;
	if (rules_path) {
		if (!(owned = read_file(rules_path, &len)))
			return 2;
		rules = owned;
	} else {
		rules = sl_rules_builtin(&len);
	}
	int rc = 2;
	for (int i = 0; i < NP; i++)
		if (load(&P[i], rules, len))
			goto out;

	unsigned long clean = 0, clean_blocked = 0, clean_warned = 0,
	              clean_noted = 0, faulty = 0, caught = 0, stray = 0;
	unsigned long per_fault[SL_FAULT__COUNT] = {0},
	              per_caught[SL_FAULT__COUNT] = {0};
	struct tallies alarms = {.n = 0}, missed = {.n = 0};
	static shenli_emitter em;
	for (unsigned long long i = 0; i < cases; i++) {
		sl_sample_fault fault;
		size_t dl;
		char *doc = sl_sample_case(seed, i, &dl, &fault);
		json_t *j = doc ? json_loadb(doc, dl, 0, NULL) : NULL;
		free(doc);
		pc_case pc;
		if (!j || pc_case_from_json(j, "Z1", "in_review", &pc)) {
			fprintf(stderr, "docket_checks: dossier %llu: %s\n", i,
			        j ? "no case view" : "not JSON");
			json_decref(j);
			goto out;
		}
		em.n = 0;
		for (int p = 0; p < NP; p++)
			if (P[p].check(P[p].state, &pc.c, &em, emit_cb)) {
				fprintf(stderr,
				        "docket_checks: %s failed on dossier "
				        "%llu\n",
				        P[p].path, i);
				pc_case_free(&pc);
				json_decref(j);
				goto out;
			}
		pc_case_free(&pc);
		json_decref(j);
		int blocked = 0, warned = 0, noted = 0, found = 0;
		const char *want = sl_sample_fault_name(fault);
		for (size_t k = 0; k < em.n; k++) {
			blocked |= em.sev[k] == SHENLI_BLOCKER;
			warned |= em.sev[k] == SHENLI_WARNING;
			noted |= em.sev[k] == SHENLI_NOTE;
			found |= em.sev[k] == SHENLI_BLOCKER &&
			         !strcmp(em.code[k], want);
		}
		if (fault == SL_FAULT_NONE) {
			clean++;
			clean_blocked += blocked;
			clean_warned += warned;
			clean_noted += noted;
			for (size_t k = 0; k < em.n; k++)
				if (em.sev[k] != SHENLI_NOTE &&
				    first_of(&em, k))
					tally(&alarms, em.code[k], em.sev[k]);
			continue;
		}
		if (fault == SL_FAULT_UNKNOWN_AGENCY)
			continue; /* refused at intake: no check's matter */
		faulty++;
		per_fault[fault]++;
		if (found) {
			caught++;
			per_caught[fault]++;
		} else {
			tally(&missed, want, SHENLI_BLOCKER);
		}
		for (size_t k = 0; k < em.n; k++)
			if (em.sev[k] == SHENLI_BLOCKER &&
			    strcmp(em.code[k], want)) {
				stray++;
				break;
			}
	}

	printf("labelled docket: seed %llu, %llu dossiers (%lu complete, %lu "
	       "with a planted review fault)\n",
	       seed, cases, clean, faulty);
	printf("  detection of planted faults   %6.2f%%  (%lu of %lu)\n",
	       pct(caught, faulty), caught, faulty);
	printf("  false blockers, clean cases   %6.2f%%  (%lu of %lu)\n",
	       pct(clean_blocked, clean), clean_blocked, clean);
	printf("  false warnings, clean cases   %6.2f%%  (%lu of %lu)\n",
	       pct(clean_warned, clean), clean_warned, clean);
	printf("  clean cases with a note       %6.2f%%  (%lu of %lu)\n",
	       pct(clean_noted, clean), clean_noted, clean);
	printf("  faulty cases with another blocker as well: %lu\n", stray);
	printf("  per fault (caught / planted):\n");
	for (int f = 1; f < SL_FAULT__COUNT; f++)
		if (per_fault[f])
			printf("    %-26s %5lu / %-5lu\n",
			       sl_sample_fault_name((sl_sample_fault)f),
			       per_caught[f], per_fault[f]);
	print_tallies("  clean cases drawing a blocker or warning, by code:",
	              &alarms);
	print_tallies("  planted faults missed, by fault:", &missed);
	rc = 0;
	if (want_assert &&
	    (caught != faulty || clean_blocked || clean_warned)) {
		fprintf(stderr, "docket_checks: the checks miss faults or cry "
		                "wolf (see above)\n");
		rc = 1;
	}
out:
	for (int i = 0; i < NP; i++) {
		if (P[i].state)
			P[i].close(P[i].state);
		if (P[i].dl)
			dlclose(P[i].dl);
	}
	free(owned);
	return rc;
}
