/*
 * The visibility table: who sees which case, and who may act on it, over
 * roles x zones x agencies x case states x recusal, in a real store.
 *
 * The expected answers are written out by hand from DOMAIN.md (Roles;
 * Separation and recusal), one row per user and one column per case; they
 * are not computed from policy.c. Each row is held to three things that
 * must agree: the listing (the scope policy gives the query), showing each
 * case (policy asked per case), and policy's pure answer on the case as
 * the store holds it. Cases sit in four states (accepted, deferred,
 * refused, in review): what a user sees never depends on the state.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
/* */
#include "cases.h"
#include "org.h"
#include "policy.h"
#include "users.h"

#define PASS "the passphrase"
#define PLEN 14

/* Z1: ZRJ, JYJ; Z2: CZJ; LONE in no zone. */
static const struct {
	const char *id;
	sl_role role;
	const char *agency, *zone;
} users[] = {
    {"root", SL_ROLE_ADMIN, NULL, NULL},
    {"aud", SL_ROLE_AUDITOR, NULL, NULL},
    {"lz1", SL_ROLE_LEADER, NULL, "Z1"},
    {"lz1r", SL_ROLE_LEADER, "ZRJ", "Z1"}, /* a zone leader from ZRJ */
    {"boss", SL_ROLE_LEADER, NULL, NULL},  /* the review office */
    {"bossc", SL_ROLE_LEADER, "CZJ", NULL},
    {"m1", SL_ROLE_MEMBER, NULL, "Z1"},
    {"m1r", SL_ROLE_MEMBER, "ZRJ", "Z1"},
    {"m9", SL_ROLE_MEMBER, NULL, "Z2"},
    {"m0", SL_ROLE_MEMBER, NULL, NULL}, /* a member of no zone */
    {"sp", SL_ROLE_SPECIALIST, NULL, NULL},
    {"spc", SL_ROLE_SPECIALIST, "CZJ", "Z2"},
};
#define NUSERS (sizeof users / sizeof users[0])

/* The cases, their agency and the state they are brought to; the teams
 * of the ones in review. */
static const struct {
	const char *id, *agency, *state, *team[2];
} cases[] = {
    {"ZRJ-A", "ZRJ", "accepted", {0}},
    {"ZRJ-D", "ZRJ", "deferred", {0}},
    {"ZRJ-R", "ZRJ", "in_review", {"m1", "sp"}},
    {"JYJ-A", "JYJ", "accepted", {0}},
    {"JYJ-D", "JYJ", "deferred", {0}},
    {"JYJ-R", "JYJ", "in_review", {"m1r", "spc"}},
    {"CZJ-A", "CZJ", "accepted", {0}},
    {"CZJ-D", "CZJ", "deferred", {0}},
    {"CZJ-R", "CZJ", "in_review", {"m9", "sp"}},
    {"LONE-F", "LONE", "refused", {0}},
};
#define NCASES (sizeof cases / sizeof cases[0])

/* Who sees what: one character per case, in the order above. */
static const struct {
	const char *user, *sees;
} visible[] = {
    /*         ZRJ JYJ CZJ L */
    {"root", "---"
             "---"
             "---"
             "-"}, /* the admin never reviews */
    {"aud", "YYY"
            "YYY"
            "YYY"
            "Y"}, /* reads everything */
    {"lz1", "YYY"
            "YYY"
            "---"
            "-"}, /* the zone */
    {"lz1r", "---"
             "YYY"
             "---"
             "-"}, /* ... but never ZRJ's: 回避 */
    {"boss", "YYY"
             "YYY"
             "YYY"
             "Y"}, /* all zones */
    {"bossc", "YYY"
              "YYY"
              "---"
              "Y"}, /* all but CZJ's */
    {"m1", "YYY"
           "YYY"
           "---"
           "-"}, /* the zone */
    {"m1r", "---"
            "YYY"
            "---"
            "-"}, /* the zone but ZRJ's */
    {"m9", "---"
           "---"
           "YYY"
           "-"},
    {"m0", "---"
           "---"
           "---"
           "-"}, /* no zone: nothing */
    {"sp", "--Y"
           "---"
           "--Y"
           "-"}, /* what they were asked to */
    {"spc", "---"
            "--Y"
            "---"
            "-"},
};

/* Who may record their own opinion (the team of a case in review). */
static const struct {
	const char *user, *may;
} opinion[] = {
    {"root", "---"
             "---"
             "---"
             "-"},
    {"aud", "---"
            "---"
            "---"
            "-"},
    {"lz1", "---"
            "---"
            "---"
            "-"},
    {"boss", "---"
             "---"
             "---"
             "-"},
    {"m1", "--Y"
           "---"
           "---"
           "-"},
    {"m1r", "---"
            "--Y"
            "---"
            "-"},
    {"m9", "---"
           "---"
           "--Y"
           "-"},
    {"sp", "--Y"
           "---"
           "--Y"
           "-"},
    {"spc", "---"
            "--Y"
            "---"
            "-"},
};

/* Who may be put on a team, for a case of ZRJ (Z1) and one of CZJ (Z2). */
static const struct {
	const char *user;
	sl_verdict zrj, czj;
} candidate[] = {
    {"m1", SL_ALLOW, SL_DENY_ZONE_MEMBER},
    {"m1r", SL_DENY_RECUSED, SL_DENY_ZONE_MEMBER},
    {"m9", SL_DENY_ZONE_MEMBER, SL_ALLOW},
    {"m0", SL_DENY_ZONE_MEMBER, SL_DENY_ZONE_MEMBER},
    {"sp", SL_ALLOW, SL_ALLOW},
    {"spc", SL_ALLOW, SL_DENY_RECUSED},
    {"lz1", SL_DENY_NOT_REVIEWER, SL_DENY_NOT_REVIEWER},
    {"aud", SL_DENY_NOT_REVIEWER, SL_DENY_NOT_REVIEWER},
};

static tstore T;

static sl_store *as(const char *user)
{
	sl_store *s;
	const char *p = strcmp(user, "root") ? PASS : ADMIN_PASS;
	assert_int_equal(sl_store_unlock(T.path, user, p, strlen(p), &s),
	                 SL_OK);
	return s;
}

static sl_rc assign(sl_store *s, const char *id, const char *const *two)
{
	sl_assign_req rq = {id, two, 2, 0};
	sl_assign_res r;
	sl_rc rc = sl_case_assign(s, &rq, &r);
	if (!rc)
		sl_assign_res_free(&r);
	return rc;
}

/* case show, as its JSON */
static sl_rc show(sl_store *s, const char *id, json_t **out)
{
	sl_caseview *v;
	*out = NULL;
	sl_rc rc = sl_case_show(s, id, &v);
	if (!rc) {
		*out = sl_case_show_json(v);
		sl_caseview_free(v);
	}
	return rc;
}

static int user_index(const char *id)
{
	for (size_t i = 0; i < NUSERS; i++)
		if (!strcmp(users[i].id, id))
			return (int)i;
	fail_msg("no user %s in the table", id);
	return -1;
}

static sl_actor actor_of(const char *id)
{
	int i = user_index(id);
	sl_actor a = {.role = users[i].role};
	snprintf(a.id, sizeof a.id, "%s", id);
	snprintf(a.agency, sizeof a.agency, "%s",
	         users[i].agency ? users[i].agency : "");
	snprintf(a.zone, sizeof a.zone, "%s",
	         users[i].zone ? users[i].zone : "");
	return a;
}

static const char *zone_of(const char *agency)
{
	return !strcmp(agency, "CZJ")    ? "Z2"
	       : !strcmp(agency, "LONE") ? NULL
	                                 : "Z1";
}

static int on_team(size_t c, const char *user)
{
	for (int k = 0; k < 2; k++)
		if (cases[c].team[k] && !strcmp(cases[c].team[k], user))
			return 1;
	return 0;
}

static void import_one(sl_store *s, size_t c)
{
	const char *docs =
	    !strcmp(cases[c].state, "deferred") ? NO_TRANSFER_NO_ID : ALL_DOCS;
	char *d = tdossier(cases[c].id, cases[c].agency, docs, "\"E1\",\"E2\"",
	                   "small_coffers");
	sl_importer *im;
	assert_int_equal(sl_import_begin(s, &im), SL_OK);
	sl_import_res res;
	assert_int_equal(sl_import_one(im, d, strlen(d), "t", &res), SL_OK);
	assert_int_equal(sl_import_finish(im), SL_OK);
	free(d);
}

static int setup(void **st)
{
	(void)st;
	sl_store *s = tstore_new(&T);
	tstore_org(s);
	for (size_t i = 1; i < NUSERS; i++)
		assert_int_equal(sl_user_add(s, users[i].id, users[i].role,
		                             users[i].agency, users[i].zone,
		                             NULL, PASS, PLEN),
		                 SL_OK);
	sl_store_close(s);
	for (size_t i = 1; i < NUSERS; i++)
		assert_int_equal(
		    sl_user_enrol(T.path, users[i].id, PASS, PLEN, PASS, PLEN),
		    SL_OK);
	/* the office's leader takes every case in and names the teams */
	s = as("boss");
	for (size_t c = 0; c < NCASES; c++)
		import_one(s, c);
	for (size_t c = 0; c < NCASES; c++)
		if (cases[c].team[0])
			assert_int_equal(assign(s, cases[c].id, cases[c].team),
			                 SL_OK);
	sl_store_close(s);
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	tstore_cleanup(&T);
	return 0;
}

static int collect(const sl_case_row *r, void *ud)
{
	char *seen = ud;
	for (size_t c = 0; c < NCASES; c++)
		if (!strcmp(r->case_id, cases[c].id))
			seen[c] = 'Y';
	return 0;
}

/* The cases are where the table says, in the states it says. */
static void test_states(void **st)
{
	(void)st;
	sl_store *s = as("aud");
	for (size_t c = 0; c < NCASES; c++) {
		json_t *j;
		assert_int_equal(show(s, cases[c].id, &j), SL_OK);
		assert_string_equal(
		    json_string_value(json_object_get(j, "state")),
		    cases[c].state);
		json_decref(j);
	}
	sl_store_close(s);
}

static void test_visibility(void **st)
{
	(void)st;
	for (size_t u = 0; u < sizeof visible / sizeof visible[0]; u++) {
		const char *want = visible[u].sees;
		assert_int_equal(strlen(want), NCASES);
		sl_actor who = actor_of(visible[u].user);
		sl_case_scope sc;
		sl_policy_scope(&who, &sc);
		/* policy's pure answer and its scope */
		for (size_t c = 0; c < NCASES; c++) {
			sl_case_ref r = {cases[c].id, cases[c].agency,
			                 zone_of(cases[c].agency),
			                 on_team(c, who.id)};
			int yes = sl_policy_case(&who, SL_ACT_CASE_READ, &r) ==
			          SL_ALLOW;
			if (yes != (want[c] == 'Y'))
				fail_msg("policy: %s on %s: %d", who.id,
				         cases[c].id, yes);
			if (sl_policy_in_scope(&sc, &r) != yes)
				fail_msg("scope and policy disagree: %s on %s",
				         who.id, cases[c].id);
		}
		/* the store: listing and showing */
		sl_store *s = as(who.id);
		char seen[NCASES + 1];
		memset(seen, '-', NCASES);
		seen[NCASES] = 0;
		sl_case_filter f = {0};
		sl_rc rc = sl_case_list(s, &f, collect, seen);
		if (who.role == SL_ROLE_ADMIN)
			assert_int_equal(rc, SL_EPERM);
		else
			assert_int_equal(rc, SL_OK);
		if (strcmp(seen, want))
			fail_msg("list as %s: %s, want %s", who.id, seen, want);
		for (size_t c = 0; c < NCASES; c++) {
			json_t *j = NULL;
			rc = show(s, cases[c].id, &j);
			json_decref(j);
			if ((rc == SL_OK) != (want[c] == 'Y'))
				fail_msg("show %s as %s: rc %d", cases[c].id,
				         who.id, rc);
			if (rc && rc != SL_EPERM)
				fail_msg("show %s as %s: rc %d, not EPERM",
				         cases[c].id, who.id, rc);
		}
		sl_store_close(s);
	}
}

/* A case that does not exist and one the user may not see get one and
 * the same answer, so that no one learns which case ids exist. */
static void test_same_answer(void **st)
{
	(void)st;
	sl_store *s = as("m9");
	json_t *j = NULL;
	assert_int_equal(show(s, "ZRJ-A", &j), SL_EPERM);
	char hidden[512];
	snprintf(hidden, sizeof hidden, "%s", sl_errmsg());
	assert_int_equal(show(s, "ZRJ-NONE", &j), SL_EPERM);
	char *a = strstr(hidden, "ZRJ-A"), *b = strstr(sl_errmsg(), "ZRJ-NONE");
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a + 5, b + 8); /* the same words after the id */
	sl_store_close(s);
}

static void test_opinion_and_candidates(void **st)
{
	(void)st;
	for (size_t u = 0; u < sizeof opinion / sizeof opinion[0]; u++) {
		sl_actor who = actor_of(opinion[u].user);
		for (size_t c = 0; c < NCASES; c++) {
			sl_case_ref r = {cases[c].id, cases[c].agency,
			                 zone_of(cases[c].agency),
			                 on_team(c, who.id)};
			int yes = sl_policy_case(&who, SL_ACT_REVIEW_OPINION,
			                         &r) == SL_ALLOW;
			if (yes != (opinion[u].may[c] == 'Y'))
				fail_msg("opinion: %s on %s: %d", who.id,
				         cases[c].id, yes);
			/* the checks: a reviewer runs them where they may
			 * give an opinion (their teams), a leader wherever
			 * they see the case */
			int run = sl_policy_case(&who, SL_ACT_REVIEW_RUN, &r) ==
			          SL_ALLOW;
			int want = yes;
			for (size_t v = 0;
			     who.role == SL_ROLE_LEADER &&
			     v < sizeof visible / sizeof visible[0];
			     v++)
				if (!strcmp(visible[v].user, who.id))
					want = visible[v].sees[c] == 'Y';
			if (run != want)
				fail_msg("review run: %s on %s: %d", who.id,
				         cases[c].id, run);
		}
	}
	sl_case_ref zrj = {"ZRJ-A", "ZRJ", "Z1", 0};
	sl_case_ref czj = {"CZJ-A", "CZJ", "Z2", 0};
	for (size_t u = 0; u < sizeof candidate / sizeof candidate[0]; u++) {
		sl_actor who = actor_of(candidate[u].user);
		assert_int_equal(sl_policy_candidate(&who, &zrj),
		                 candidate[u].zrj);
		assert_int_equal(sl_policy_candidate(&who, &czj),
		                 candidate[u].czj);
	}
	/* and the store enforces it: m1r on a ZRJ case is refused */
	sl_store *s = as("boss");
	const char *team[] = {"m1", "m1r"};
	assert_int_equal(assign(s, "ZRJ-A", team), SL_EPERM);
	assert_non_null(strstr(sl_errmsg(), "回避"));
	sl_store_close(s);
}

/* The team's opinions: a reviewer sees them after recording their own. */
static void test_team_opinions(void **st)
{
	(void)st;
	sl_actor m1 = actor_of("m1"), lz1 = actor_of("lz1"),
	         aud = actor_of("aud"), root = actor_of("root");
	assert_int_equal(sl_policy_team_opinions(&m1, 1, 0), SL_DENY_OWN_FIRST);
	assert_int_equal(sl_policy_team_opinions(&m1, 1, 1), SL_ALLOW);
	/* a reviewer of the zone off the team: not on it, whatever they
	 * recorded before they were left off */
	assert_int_equal(sl_policy_team_opinions(&m1, 0, 0), SL_DENY_NOT_TEAM);
	assert_int_equal(sl_policy_team_opinions(&m1, 0, 1), SL_DENY_NOT_TEAM);
	assert_int_equal(sl_policy_team_opinions(&lz1, 0, 0), SL_ALLOW);
	assert_int_equal(sl_policy_team_opinions(&aud, 0, 0), SL_ALLOW);
	assert_int_equal(sl_policy_team_opinions(&root, 1, 1), SL_DENY_ROLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_states),
	    cmocka_unit_test(test_visibility),
	    cmocka_unit_test(test_same_answer),
	    cmocka_unit_test(test_opinion_and_candidates),
	    cmocka_unit_test(test_team_opinions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
