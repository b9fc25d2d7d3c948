/* dossier_show.c - a dossier as shenli.case/1 defines it, for its readers:
 * the Chinese of its tags, the fields it does not define. The interface is
 * in <shenli/ops.h>, the front ends' one header. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shenli/ops.h>

#define COUNT(a) (sizeof(a) / sizeof *(a))

const char *sl_dossier_tag_zh(const char *tag)
{
	static const char *const T[][2] = {
	    {"bank_record", "银行流水/转账记录"},
	    {"voucher", "记账凭证/支付凭证"},
	    {"invoice", "发票"},
	    {"receipt", "收据/收条"},
	    {"accounts", "账簿"},
	    {"contract", "合同"},
	    {"valuation", "价格认定/评估"},
	    {"use_record", "资金用途的证明"},
	    {"destination", "资金最终去向的证明"},
	    {"identity", "身份材料"},
	};
	for (size_t i = 0; tag && i < COUNT(T); i++)
		if (!strcmp(tag, T[i][0]))
			return T[i][1];
	return tag;
}

/* The keys shenli.case/1 defines, object by object. */
static const char *const KNOWN_TOP[] = {
    "format", "case_id",  "agency",   "transferred_on", "subject",
    "facts",  "evidence", "proposal", "documents",      "supplement"};
static const char *const KNOWN_SUBJECT[] = {
    "name",     "person_id", "party_member",   "public_official",
    "position", "rank",      "prior_sanctions"};
static const char *const KNOWN_PRIOR[] = {"system", "level", "decided_on"};
static const char *const KNOWN_FACT[] = {"id",       "summary", "violation",
                                         "from",     "to",      "amount_yuan",
                                         "evidence", "use",     "in_kind"};
static const char *const KNOWN_EVIDENCE[] = {"id",          "kind",   "title",
                                             "obtained_on", "source", "tags"};
static const char *const KNOWN_PROPOSAL[] = {
    "disciplines", "eight_point_rules", "party_sanction", "gov_sanction",
    "form",        "circumstances"};
static const char *const KNOWN_DOCUMENT[] = {"kind", "date"};
static const char *const KNOWN_SUPPLEMENT[] = {"item", "evidence", "note"};

typedef struct {
	sl_dossier_extra_fn fn;
	void *ud;
	size_t n;
} walk;

static int is_known(const char *key, const char *const *known, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(key, known[i]))
			return 1;
	return 0;
}

static void extra_of(walk *w, const json_t *o, const char *path,
                     const char *const *known, size_t n)
{
	const char *key;
	json_t *val;
	if (!json_is_object(o))
		return;
	json_object_foreach((json_t *)o, key, val)
	{
		if (is_known(key, known, n))
			continue;
		w->n++;
		if (w->fn)
			w->fn(w->ud, path, key, val);
	}
}

static void extra_list(walk *w, const json_t *list, const char *name,
                       const char *const *known, size_t n)
{
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		char path[64];
		snprintf(path, sizeof path, "%s[%zu]", name, i);
		extra_of(w, e, path, known, n);
	}
}

void sl_dossier_extra_text(const char *key, const json_t *val,
                           char k[SL_EXTRA_KEY_MAX], char v[SL_EXTRA_VALUE_MAX])
{
	/* a key, like a value, may be long */
	char *text = sl_json_dumps_short(val, JSON_COMPACT | JSON_ENCODE_ANY);
	sl_text_sanitize(text ? text : "?", v, SL_EXTRA_VALUE_MAX);
	sl_text_sanitize(key, k, SL_EXTRA_KEY_MAX);
	free(text);
}

size_t sl_dossier_extra(const json_t *d, sl_dossier_extra_fn fn, void *ud)
{
	walk w = {fn, ud, 0};
	if (!json_is_object(d))
		return 0;
	extra_of(&w, d, "", KNOWN_TOP, COUNT(KNOWN_TOP));
	const json_t *subj = json_object_get(d, "subject");
	extra_of(&w, subj, "subject", KNOWN_SUBJECT, COUNT(KNOWN_SUBJECT));
	if (json_is_object(subj))
		extra_list(&w, json_object_get(subj, "prior_sanctions"),
		           "subject.prior_sanctions", KNOWN_PRIOR,
		           COUNT(KNOWN_PRIOR));
	extra_list(&w, json_object_get(d, "facts"), "facts", KNOWN_FACT,
	           COUNT(KNOWN_FACT));
	extra_list(&w, json_object_get(d, "evidence"), "evidence",
	           KNOWN_EVIDENCE, COUNT(KNOWN_EVIDENCE));
	extra_of(&w, json_object_get(d, "proposal"), "proposal", KNOWN_PROPOSAL,
	         COUNT(KNOWN_PROPOSAL));
	extra_list(&w, json_object_get(d, "documents"), "documents",
	           KNOWN_DOCUMENT, COUNT(KNOWN_DOCUMENT));
	extra_list(&w, json_object_get(d, "supplement"), "supplement",
	           KNOWN_SUPPLEMENT, COUNT(KNOWN_SUPPLEMENT));
	return w.n;
}
