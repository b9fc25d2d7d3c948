/* Unit tests: intake decisions, lifecycle, assignment with recusal,
 * visibility, the review clock, the statistics. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
/* */
#include "audit.h"
#include "cases.h"
#include "lifecycle.h"
#include "opinions.h"
#include "org.h"
#include "policy.h"
#include "returns.h"
#include "users.h"
#include "verify.h"

#define PASS "the passphrase"
#define PLEN 14

static tstore T;
static int64_t fake_now;
static int64_t fake_clock(void)
{
	return fake_now;
}

/* root (admin) sets up zones Z1, Z2; agencies ZRJ, JYJ in Z1, CZJ in Z2,
 * LONE in no zone; leader lead1 (zone Z1), leader boss (no zone); members
 * m1 (home JYJ, Z1), m2 (home ZRJ, Z1: recused from ZRJ cases), m3 (Z1, no
 * agency), m9 (Z2); specialist sp (home CZJ, Z2); auditor aud. */
static int setup(void **st)
{
	(void)st;
	sl_store *s = tstore_new(&T);
	tstore_org(s);
	struct {
		const char *id;
		sl_role r;
		const char *agency, *zone;
	} users[] = {
	    {"lead1", SL_ROLE_LEADER, NULL, "Z1"},
	    {"boss", SL_ROLE_LEADER, NULL, NULL},
	    {"m1", SL_ROLE_MEMBER, "JYJ", "Z1"},
	    {"m2", SL_ROLE_MEMBER, "ZRJ", "Z1"},
	    {"m3", SL_ROLE_MEMBER, NULL, "Z1"},
	    {"m9", SL_ROLE_MEMBER, NULL, "Z2"},
	    {"sp", SL_ROLE_SPECIALIST, "CZJ", "Z2"},
	    {"aud", SL_ROLE_AUDITOR, NULL, NULL},
	};
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
		assert_int_equal(sl_user_add(s, users[i].id, users[i].r,
		                             users[i].agency, users[i].zone,
		                             NULL, PASS, PLEN),
		                 SL_OK);
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
		assert_int_equal(
		    sl_user_enrol(T.path, users[i].id, PASS, PLEN, PASS, PLEN),
		    SL_OK);
	/* bad references are refused */
	assert_int_equal(sl_user_add(s, "x1", SL_ROLE_MEMBER, "NOPE", "Z1",
	                             NULL, PASS, PLEN),
	                 SL_EINPUT);
	assert_int_equal(sl_agency_add(s, "AAA", "名称", "Z9"), SL_EINPUT);
	assert_int_equal(sl_zone_add(s, "Z1", "again"), SL_EINPUT);
	sl_store_close(s);
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	sl_clock_override(NULL);
	tstore_cleanup(&T);
	return 0;
}

static sl_store *as(const char *user)
{
	sl_store *s;
	const char *p = strcmp(user, "root") ? PASS : ADMIN_PASS;
	assert_int_equal(sl_store_unlock(T.path, user, p, strlen(p), &s),
	                 SL_OK);
	return s;
}

static sl_rc import(sl_store *s, char *doc, sl_intake_decision *dec,
                    json_t **why)
{
	sl_importer *im;
	sl_rc rc = sl_import_begin(s, &im);
	if (rc) {
		free(doc);
		return rc;
	}
	sl_import_res res;
	rc = sl_import_one(im, doc, strlen(doc), "test", &res);
	free(doc);
	json_t *r = json_array();
	for (size_t i = 0; !rc && i < res.n_reasons; i++)
		json_array_append_new(r, json_string(res.reasons[i]));
	if (!rc)
		*dec = res.decision;
	sl_rc rc2 = rc == SL_OK || rc == SL_EINPUT ? sl_import_finish(im)
	                                           : (sl_import_abort(im), rc);
	if (why)
		*why = r;
	else
		json_decref(r);
	return rc ? rc : rc2;
}

/* The operations with their typed results, shaped as the tests read
 * them: the case as case show --json has it, the team as a JSON list. */
static sl_rc show(sl_store *s, const char *id, json_t **out)
{
	sl_caseview *v;
	*out = NULL;
	sl_rc rc = sl_case_show(s, id, &v);
	if (rc)
		return rc;
	*out = sl_case_show_json(v);
	sl_caseview_free(v);
	return SL_OK;
}

static sl_rc assign(sl_store *s, const char *id, const char *const *names,
                    size_t n, size_t auto_n, json_t **team)
{
	sl_assign_req rq = {id, names, n, auto_n};
	sl_assign_res r;
	sl_rc rc = sl_case_assign(s, &rq, &r);
	if (!rc) {
		json_t *j = sl_assign_json(id, &r);
		*team = json_incref(json_object_get(j, "team"));
		json_decref(j);
		sl_assign_res_free(&r);
	}
	return rc;
}

static sl_rc extend(sl_store *s, const char *id, int days, int64_t *deadline)
{
	sl_extend_res r;
	sl_rc rc = sl_case_extend(s, id, days, &r);
	*deadline = r.deadline_ms;
	return rc;
}

static int reasons_have(json_t *why, const char *needle)
{
	size_t i;
	json_t *v;
	json_array_foreach(
	    why, i, v) if (strstr(json_string_value(v), needle)) return 1;
	return 0;
}

static const char *state_of(sl_store *s, const char *id)
{
	static char buf[32];
	json_t *c;
	assert_int_equal(show(s, id, &c), SL_OK);
	snprintf(buf, sizeof buf, "%s",
	         json_string_value(json_object_get(c, "state")));
	json_decref(c);
	return buf;
}

static void test_intake_decisions(void **st)
{
	(void)st;
	sl_store *s = as("lead1");
	sl_intake_decision dec;
	json_t *why;
	assert_int_equal(import(s,
	                        tdossier("ZRJ-1", "ZRJ", ALL_DOCS,
	                                 "\"E1\",\"E2\"", "small_coffers"),
	                        &dec, &why),
	                 SL_OK);
	assert_int_equal(dec, SL_INTAKE_ACCEPTED);
	assert_int_equal(json_array_size(why), 0);
	json_decref(why);

	/* deferred, with each missing thing named */
	assert_int_equal(import(s,
	                        tdossier("ZRJ-2", "ZRJ", NO_TRANSFER_NO_ID,
	                                 "\"E1\",\"E9\"", "no_such_violation"),
	                        &dec, &why),
	                 SL_OK);
	assert_int_equal(dec, SL_INTAKE_DEFERRED);
	assert_true(reasons_have(why, "transfer_form"));
	assert_true(reasons_have(why, "identity"));
	assert_true(reasons_have(why, "E9"));
	assert_true(reasons_have(why, "no_such_violation"));
	assert_int_equal(json_array_size(why), 4);
	json_decref(why);

	/* refused: unknown agency, agency in no zone, other zone, duplicate */
	assert_int_equal(
	    import(s,
	           tdossier("X-1", "NOPE", ALL_DOCS, "\"E2\"", "dereliction"),
	           &dec, &why),
	    SL_OK);
	assert_int_equal(dec, SL_INTAKE_REFUSED);
	assert_true(reasons_have(why, "unknown agency"));
	json_decref(why);
	assert_int_equal(
	    import(s,
	           tdossier("L-1", "LONE", ALL_DOCS, "\"E2\"", "dereliction"),
	           &dec, &why),
	    SL_OK);
	assert_int_equal(dec, SL_INTAKE_REFUSED);
	assert_true(reasons_have(why, "no zone"));
	json_decref(why);
	assert_int_equal(
	    import(s,
	           tdossier("CZJ-1", "CZJ", ALL_DOCS, "\"E2\"", "dereliction"),
	           &dec, &why),
	    SL_OK);
	assert_int_equal(dec, SL_INTAKE_REFUSED);
	assert_true(reasons_have(why, "outside"));
	json_decref(why);
	assert_int_equal(
	    import(s,
	           tdossier("ZRJ-1", "ZRJ", ALL_DOCS, "\"E2\"", "dereliction"),
	           &dec, &why),
	    SL_OK);
	assert_int_equal(dec, SL_INTAKE_REFUSED);
	assert_true(reasons_have(why, "duplicate"));
	json_decref(why);
	assert_string_equal(state_of(s, "ZRJ-1"), "accepted"); /* untouched */

	/* the deferred case comes back complete: decided afresh */
	assert_int_equal(import(s,
	                        tdossier("ZRJ-2", "ZRJ", ALL_DOCS,
	                                 "\"E1\",\"E2\"", "small_coffers"),
	                        &dec, &why),
	                 SL_OK);
	assert_int_equal(dec, SL_INTAKE_ACCEPTED);
	json_decref(why);
	assert_string_equal(state_of(s, "ZRJ-2"), "accepted");

	/* members and admins may not import */
	sl_store_close(s);
	s = as("m1");
	assert_int_equal(
	    import(s,
	           tdossier("JYJ-9", "JYJ", ALL_DOCS, "\"E2\"", "dereliction"),
	           &dec, NULL),
	    SL_EPERM);
	sl_store_close(s);
	s = as("root");
	assert_int_equal(
	    import(s,
	           tdossier("JYJ-9", "JYJ", ALL_DOCS, "\"E2\"", "dereliction"),
	           &dec, NULL),
	    SL_EPERM);
	sl_store_close(s);
}

static void test_malformed_changes_nothing(void **st)
{
	(void)st;
	sl_store *s = as("lead1");
	int64_t seq0, seq1;
	uint8_t h0[32], h1[32];
	assert_int_equal(sl_audit_head(s, &seq0, h0), SL_OK);
	sl_intake_decision dec;
	char *bad = strdup("{\"format\":\"shenli.case/1\",\"case_id\":42}");
	assert_int_equal(import(s, bad, &dec, NULL), SL_EINPUT);
	assert_non_null(strstr(sl_errmsg(), "case_id"));
	assert_int_equal(sl_audit_head(s, &seq1, h1), SL_OK);
	assert_int_equal(seq0, seq1);
	assert_memory_equal(h0, h1, 32);
	sl_store_close(s);
}

static void test_lifecycle_table(void **st)
{
	(void)st;
	sl_state to;
	assert_int_equal(
	    sl_lifecycle_next("C", SL_ST_ACCEPTED, SL_EV_ASSIGN, &to), SL_OK);
	assert_int_equal(to, SL_ST_IN_REVIEW);
	assert_int_equal(
	    sl_lifecycle_next("C", SL_ST_RETURNED, SL_EV_RESUBMIT, &to), SL_OK);
	assert_int_equal(to, SL_ST_IN_REVIEW);
	assert_int_equal(
	    sl_lifecycle_next("C", SL_ST_REFUSED, SL_EV_ASSIGN, &to), SL_EPERM);
	assert_non_null(strstr(sl_errmsg(), "refused"));
	assert_int_equal(
	    sl_lifecycle_next("C", SL_ST_ACCEPTED, SL_EV_SIGNOFF, &to),
	    SL_EPERM);
	assert_int_equal(
	    sl_lifecycle_next("C", SL_ST_SIGNED_OFF, SL_EV_RETURN, &to),
	    SL_EPERM);
	for (int i = 0; i < SL_ST__COUNT; i++)
		assert_int_equal(sl_state_parse(sl_state_name((sl_state)i)), i);
}

static void test_assignment_and_recusal(void **st)
{
	(void)st;
	sl_store *s = as("lead1");
	json_t *team = NULL;
	/* ZRJ-1 transferred by ZRJ: m2's home agency -> recused, audited */
	const char *with_m2[] = {"m1", "m2"};
	assert_int_equal(assign(s, "ZRJ-1", with_m2, 2, 0, &team), SL_EPERM);
	assert_non_null(strstr(sl_errmsg(), "recused"));
	int64_t seq;
	uint8_t h[32];
	assert_int_equal(sl_audit_head(s, &seq, h), SL_OK);
	/* a team of one is refused */
	const char *one[] = {"m1"};
	assert_int_equal(assign(s, "ZRJ-1", one, 1, 0, &team), SL_EPERM);
	/* a member of another zone is refused; a specialist is welcome */
	const char *other[] = {"m1", "m9"};
	assert_int_equal(assign(s, "ZRJ-1", other, 2, 0, &team), SL_EPERM);
	const char *leader[] = {"m1", "boss"}; /* refused for the role */
	assert_int_equal(assign(s, "ZRJ-1", leader, 2, 0, &team), SL_EPERM);
	const char *ok[] = {"m1", "sp"};
	assert_int_equal(assign(s, "ZRJ-1", ok, 2, 0, &team), SL_OK);
	assert_int_equal(json_array_size(team), 2);
	json_decref(team);
	assert_string_equal(state_of(s, "ZRJ-1"), "in_review");
	/* auto: eligible members of Z1 not recused from ZRJ are m1 and m3; m1
	 * has one open case, so m3 comes first */
	assert_int_equal(assign(s, "ZRJ-2", NULL, 0, 2, &team), SL_OK);
	assert_string_equal(json_string_value(json_array_get(team, 0)), "m3");
	assert_string_equal(json_string_value(json_array_get(team, 1)), "m1");
	json_decref(team);
	assert_int_equal(assign(s, "ZRJ-2", NULL, 0, 3, &team), SL_EPERM);
	/* a refused case cannot be assigned: exit 4 naming the state */
	sl_store_close(s);
	s = as("boss");
	assert_int_equal(assign(s, "X-1", ok, 2, 0, &team), SL_EPERM);
	assert_non_null(strstr(sl_errmsg(), "refused"));
	sl_store_close(s);
}

static int count_rows(const sl_case_row *r, void *ud)
{
	(void)r;
	(*(int *)ud)++;
	return 0;
}

static int list_n(sl_store *s, const sl_case_filter *f)
{
	int n = 0;
	assert_int_equal(sl_case_list(s, f, count_rows, &n), SL_OK);
	return n;
}

static void test_visibility(void **st)
{
	(void)st;
	sl_case_filter all = {0};
	json_t *c = NULL;
	/* m2 (home ZRJ) sees no ZRJ case and cannot read one */
	sl_store *s = as("m2");
	assert_int_equal(list_n(s, &all), 0);
	assert_int_equal(show(s, "ZRJ-1", &c), SL_EPERM);
	char recused[512];
	snprintf(recused, sizeof recused, "%s", sl_errmsg());
	assert_non_null(strstr(recused, "ZRJ-1"));
	/* an unknown id gets the same answer, word for word but the id */
	assert_int_equal(show(s, "NO-SUCH", &c), SL_EPERM);
	char unknown[512];
	snprintf(unknown, sizeof unknown, "%s", sl_errmsg());
	char *at = strstr(recused, "ZRJ-1");
	memmove(at + 7, at + 5, strlen(at + 5) + 1);
	memcpy(at, "NO-SUCH", 7);
	assert_string_equal(recused, unknown);
	sl_store_close(s);
	/* m1 (Z1) sees Z1 cases, m9 (Z2) none of them */
	s = as("m1");
	sl_case_filter z1 = {.zone = "Z1"};
	assert_int_equal(list_n(s, &z1), 2);
	assert_int_equal(show(s, "ZRJ-1", &c), SL_OK);
	assert_string_equal(json_string_value(json_object_get(c, "zone")),
	                    "Z1");
	json_t *d = json_object_get(c, "dossier");
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(d, "subject"), "name")),
	                    "李某");
	/* unknown fields are kept */
	assert_non_null(json_object_get(d, "x_unknown"));
	json_decref(c);
	sl_store_close(s);
	s = as("m9"); /* Z2: only the refused CZJ-1 */
	assert_int_equal(list_n(s, &all), 1);
	assert_int_equal(show(s, "ZRJ-1", &c), SL_EPERM);
	sl_store_close(s);
	/* the specialist sees exactly the case they were asked to review */
	s = as("sp");
	assert_int_equal(list_n(s, &all), 1);
	assert_int_equal(show(s, "ZRJ-2", &c), SL_EPERM);
	sl_store_close(s);
	/* the auditor sees everything, the admin nothing */
	s = as("aud");
	assert_int_equal(list_n(s, &all), 5); /* the duplicate was not stored */
	sl_case_filter refused = {.state = "refused"};
	assert_int_equal(list_n(s, &refused), 3);
	sl_case_filter by = {.assignee = "m3"};
	assert_int_equal(list_n(s, &by), 1);
	sl_store_close(s);
	s = as("root");
	int n = 0;
	assert_int_equal(sl_case_list(s, &all, count_rows, &n), SL_EPERM);
	sl_store_close(s);
}

/* the longest id, agency and zone among the rows listed */
static int widest_row(const sl_case_row *r, void *ud)
{
	sl_case_widths *w = ud;
	if (strlen(r->case_id) > w->case_id)
		w->case_id = strlen(r->case_id);
	if (strlen(r->agency) > w->agency)
		w->agency = strlen(r->agency);
	if (r->zone && strlen(r->zone) > w->zone)
		w->zone = strlen(r->zone);
	return 0;
}

/* The bounds a streamed table fits its columns to: the longest case id
 * of the store, and no row of anyone's listing wider than they say. */
static void test_list_widths(void **st)
{
	(void)st;
	sl_case_filter all = {0};
	sl_case_widths w, rows = {0};
	sl_store *s = as("aud"); /* sees every case */
	assert_int_equal(sl_case_list(s, &all, widest_row, &rows), SL_OK);
	assert_int_equal(sl_case_list_widths(s, &w), SL_OK);
	assert_true(rows.case_id > 0);
	assert_int_equal(w.case_id, rows.case_id);
	assert_true(w.agency >= rows.agency && rows.agency > 0);
	assert_true(w.zone >= rows.zone && rows.zone > 0);
	assert_true(w.agency <= SL_CODE_MAX && w.zone <= SL_CODE_MAX);
	sl_store_close(s);
	s = as("m1"); /* a member: the store's bounds, wider than theirs */
	assert_int_equal(sl_case_list_widths(s, &rows), SL_OK);
	assert_memory_equal(&rows, &w, sizeof w);
	sl_store_close(s);
	s = as("root"); /* the admin lists no case */
	assert_int_equal(sl_case_list_widths(s, &w), SL_EPERM);
	sl_store_close(s);
}

static void test_clock(void **st)
{
	(void)st;
	sl_store *s = as("boss");
	sl_case_filter od = {.overdue = 1};
	assert_int_equal(list_n(s, &od), 0);
	/* 40 days on, both accepted cases are late (limit 30 days, moved on
	 * to a working day at most by a week or so of holidays) */
	fake_now = sl_now_ms() + 40 * SL_DAY_MS;
	sl_clock_override(fake_clock);
	assert_int_equal(list_n(s, &od), 2);
	int64_t deadline;
	assert_int_equal(extend(s, "ZRJ-1", 20, &deadline), SL_OK);
	assert_int_equal(list_n(s, &od), 1);
	/* the limit ends at the end of a local day */
	char day[11], end[11];
	sl_day_of(deadline, day);
	sl_day_of(deadline + 1, end);
	assert_string_not_equal(day, end);
	/* extensions are bounded by the rules (30 days in all) */
	assert_int_equal(extend(s, "ZRJ-1", 11, &deadline), SL_EINPUT);
	assert_int_equal(extend(s, "X-1", 1, &deadline), SL_EPERM);
	sl_clock_override(NULL);
	sl_store_close(s);
	s = as("m1");
	assert_int_equal(extend(s, "ZRJ-1", 1, &deadline), SL_EPERM);
	sl_store_close(s);
	/* everything above left a verifiable log */
	s = as("aud");
	sl_audit_report r;
	assert_int_equal(sl_store_verify(s, NULL, &r), SL_OK);
	sl_store_close(s);
}

static int grab_deadline(const sl_case_row *r, void *ud)
{
	if (!strcmp(r->case_id, "ZRJ-2"))
		*(int64_t *)ud = r->deadline_ms;
	return 0;
}

static int64_t deadline_of(sl_store *s)
{
	int64_t d = -1;
	sl_case_filter f = {0};
	assert_int_equal(sl_case_list(s, &f, grab_deadline, &d), SL_OK);
	return d;
}

/* Returns pause the clock exactly for the time away; a resubmission
 * answers items; opinions are signed and a changed one is caught. */
static void test_return_resubmit_opinion(void **st)
{
	(void)st;
	sl_store *s = as("boss");
	int64_t t0 = sl_now_ms(), before = deadline_of(s);
	fake_now = t0;
	sl_clock_override(fake_clock);
	/* an item must be tied to the case's facts or evidence */
	sl_outline_extra bad = {"补充证人证言", "F9"};
	sl_return_req r = {.kind = "supplement", .extra = &bad, .n_extra = 1};
	assert_int_equal(sl_return_case(s, "ZRJ-2", &r, NULL), SL_EINPUT);
	sl_outline_extra items[] = {{"补充转账记录的来源说明", "F1,E2"},
	                            {"补充证人证言", "F1"},
	                            {"补充任免文件", "doc:identity"}};
	json_t *o = NULL;
	/* a dry run shows what would be sent and writes nothing */
	r.extra = items;
	r.n_extra = 3;
	r.dry_run = 1;
	assert_int_equal(sl_return_case(s, "ZRJ-2", &r, &o), SL_OK);
	assert_int_equal(json_array_size(json_object_get(o, "items")), 3);
	assert_true(json_is_true(json_object_get(o, "dry_run")));
	json_decref(o);
	assert_string_equal(state_of(s, "ZRJ-2"), "in_review");
	r.dry_run = 0;
	assert_int_equal(sl_return_case(s, "ZRJ-2", &r, &o), SL_OK);
	assert_int_equal(json_array_size(json_object_get(o, "items")), 3);
	json_decref(o);
	assert_string_equal(state_of(s, "ZRJ-2"), "returned");
	/* ten days away do not count against the limit */
	fake_now = t0 + 10 * SL_DAY_MS;
	char *doc;
	assert_true(
	    asprintf(
	        &doc,
	        "{\"format\":\"shenli.case/1\",\"case_id\":\"ZRJ-2\","
	        "\"agency\":\"ZRJ\",\"transferred_on\":\"2024-05-06\","
	        "\"subject\":{\"name\":\"李某\",\"person_id\":\"P-0042\","
	        "\"party_member\":true,\"public_official\":true},"
	        "\"facts\":[{\"id\":\"F1\",\"summary\":\"违规设立小金库\","
	        "\"violation\":\"small_coffers\",\"amount_yuan\":86000,"
	        "\"evidence\":[\"E1\",\"E2\",\"E3\"]}],"
	        "\"evidence\":[{\"id\":\"E1\",\"kind\":\"subject_statement\","
	        "\"title\":\"李某谈话笔录\"},{\"id\":\"E2\",\"kind\":"
	        "\"documentary\",\"title\":\"转账记录\"},{\"id\":\"E3\","
	        "\"kind\":\"documentary\",\"title\":\"资金来源说明\"}],"
	        "\"proposal\":{\"disciplines\":[\"integrity\"],"
	        "\"eight_point_rules\":true,\"party_sanction\":\"严重警告\","
	        "\"gov_sanction\":\"记过\",\"form\":2},"
	        "\"documents\":[%s],\"supplement\":[{\"item\":\"1\","
	        "\"evidence\":[\"E3\"],\"note\":\"已补充\"},{\"item\":\"2\","
	        "\"evidence\":[\"E2\"]}]}",
	        ALL_DOCS) > 0);
	json_t *res = NULL;
	assert_int_equal(
	    sl_case_resubmit(s, "ZRJ-2", doc, strlen(doc), "test", &res),
	    SL_OK);
	free(doc);
	/* item 2 cites only evidence the case already had: it stays open,
	 * as does item 3, which nothing answers */
	assert_int_equal(json_array_size(json_object_get(res, "answered")), 1);
	assert_int_equal(json_array_size(json_object_get(res, "open")), 2);
	assert_int_equal(
	    json_integer_value(json_object_get(
	        json_array_get(json_object_get(res, "open"), 0), "no")),
	    2);
	assert_true(
	    json_is_null(json_object_get(res, "checks"))); /* no plugin */
	json_decref(res);
	assert_string_equal(state_of(s, "ZRJ-2"), "in_review");
	/* the limit moved on by the ten days, to a working day (clock.h):
	 * at most a holiday's week more, and never less */
	assert_true(deadline_of(s) >= before + 9 * SL_DAY_MS);
	assert_true(deadline_of(s) <= before + 18 * SL_DAY_MS);
	sl_clock_override(NULL);
	sl_store_close(s);

	/* m3 is on the team: a signed opinion; m2 (recused) may not */
	static const char op[] =
	    "{\"format\":\"shenli.opinion/1\",\"case_id\":\"ZRJ-2\","
	    "\"disciplines\":[\"integrity\"],\"eight_point_rules\":true,"
	    "\"party_sanction\":\"严重警告\",\"gov_sanction\":\"记过\","
	    "\"form\":2,\"reasoning\":\"事实清楚。\"}";
	s = as("m2");
	assert_int_equal(sl_opinion_record(s, "ZRJ-2", op, strlen(op), 0, NULL),
	                 SL_EPERM);
	sl_store_close(s);
	s = as("m3");
	assert_int_equal(sl_opinion_record(s, "ZRJ-2", op, strlen(op), 0, &o),
	                 SL_OK);
	assert_string_equal(json_string_value(json_object_get(o, "author")),
	                    "m3");
	json_decref(o);
	int64_t ref;
	sl_state state;
	assert_int_equal(
	    sl_case_require(s, SL_ACT_CASE_READ, "ZRJ-2", &ref, &state), SL_OK);
	assert_int_equal(sl_opinions_of(s, ref, "ZRJ-2", 0, &o), SL_OK);
	assert_int_equal(json_array_size(o), 1);
	json_decref(o);
	sl_store_close(s);
	/* someone with the data key softens the sanction: the signature
	 * no longer verifies */
	tstore_raw_exec(&T,
	                "CREATE TABLE opinions_kept AS SELECT * FROM opinions;"
	                "UPDATE opinions SET body = replace(body, '严重警告',"
	                " '警告')");
	s = as("m3");
	assert_int_equal(sl_opinions_of(s, ref, "ZRJ-2", 0, &o), SL_EINTEGRITY);
	assert_non_null(strstr(sl_errmsg(), "altered"));
	sl_store_close(s);
	/* put back, for the tests after this one */
	tstore_raw_exec(&T, "UPDATE opinions SET body = (SELECT k.body FROM"
	                    " opinions_kept k WHERE k.case_ref ="
	                    " opinions.case_ref AND k.seq = opinions.seq);"
	                    "DROP TABLE opinions_kept");
}

/* What a listing gives, counted as case stats counts it; and whether any
 * row carried sign-off times (a listing without signoff_times: none). */
typedef struct {
	sl_case_counts n;
	int times;
} list_counts;

static int count_listed(const sl_case_row *r, void *ud)
{
	list_counts *c = ud;
	int st = sl_state_parse(r->state);
	assert_true(st >= 0);
	c->n.total++;
	c->n.by_state[st]++;
	c->n.overdue += r->overdue;
	if (st != SL_ST_RECEIVED && st != SL_ST_DEFERRED &&
	    st != SL_ST_REFUSED) {
		c->n.accepted++;
		c->n.returned += r->returns > 0;
	}
	c->times |= r->accepted_ms || r->signed_ms;
	return 0;
}

/* case stats of user: what the user's listing lists, counted; the zones'
 * counts add up to the whole, the largest first. */
static void stats_as(const char *user, sl_case_stats_res *r)
{
	sl_store *s = as(user);
	list_counts c = {0};
	sl_case_filter all = {0};
	assert_int_equal(sl_case_list(s, &all, count_listed, &c), SL_OK);
	assert_false(c.times);
	assert_int_equal(sl_case_stats(s, r), SL_OK);
	sl_store_close(s);
	assert_memory_equal(&r->all, &c.n, sizeof c.n);
	long total = 0;
	for (size_t i = 0; i < r->n_zones; i++) {
		total += r->zones[i].n.total;
		assert_true(!i ||
		            r->zones[i].n.total <= r->zones[i - 1].n.total);
	}
	assert_int_equal(total, r->all.total);
}

/* case stats: the listing's counts, for every role that lists; the median
 * days to sign-off, of an even count the mean of the two middle ones. */
static void test_stats(void **st)
{
	(void)st;
	static const char *const users[] = {"boss", "lead1", "m1", "m2",
	                                    "m9",   "sp",    "aud"};
	sl_case_stats_res r;
	for (size_t i = 0; i < sizeof users / sizeof *users; i++) {
		stats_as(users[i], &r);
		assert_int_equal(r.n_timed, 0);
		sl_case_stats_free(&r);
	}
	sl_store *s = as("root");
	assert_int_equal(sl_case_stats(s, &r), SL_EPERM);
	sl_store_close(s);
	/* ZRJ-1 and ZRJ-2 signed off (by someone with the data key), both
	 * accepted at noon on Monday 2 March 2026 and signed off 3 and 8
	 * days later: 3 and 6 working days (no holiday in March) */
	struct tm tm = {.tm_year = 126,
	                .tm_mon = 2,
	                .tm_mday = 2,
	                .tm_hour = 12,
	                .tm_isdst = -1};
	long long mon = (long long)mktime(&tm) * 1000;
	char sql[512];
	snprintf(sql, sizeof sql,
	         "UPDATE cases SET state = 'signed_off', accepted_ms = %lld,"
	         " signed_ms = %lld + %lld * CASE case_id WHEN 'ZRJ-1' THEN 3"
	         " ELSE 8 END WHERE case_id IN ('ZRJ-1', 'ZRJ-2')",
	         mon, mon, (long long)SL_DAY_MS);
	tstore_raw_exec(&T, sql);
	stats_as("boss", &r);
	assert_int_equal(r.all.by_state[SL_ST_SIGNED_OFF], 2);
	assert_int_equal(r.n_timed, 2);
	assert_true(r.median_days == 5.5);
	assert_true(r.median_working_days == 4.5);
	json_t *j = sl_case_stats_json(&r);
	assert_true(json_real_value(json_object_get(j, "median_days")) == 5.5);
	assert_int_equal(json_integer_value(json_object_get(j, "signed_off")),
	                 2);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_object_get(j, "by_state"), "signed_off")),
	                 2);
	json_decref(j);
	sl_case_stats_free(&r);
	/* an odd count: the middle one (3, 8 and 9 days: 8) */
	snprintf(sql, sizeof sql,
	         "UPDATE cases SET state = 'signed_off', accepted_ms = %lld,"
	         " signed_ms = %lld + 9 * %lld WHERE case_id = ("
	         "SELECT case_id FROM cases WHERE case_id NOT IN"
	         " ('ZRJ-1', 'ZRJ-2') ORDER BY case_id LIMIT 1)",
	         mon, mon, (long long)SL_DAY_MS);
	tstore_raw_exec(&T, sql);
	stats_as("aud", &r);
	assert_int_equal(r.n_timed, 3);
	assert_true(r.median_days == 8);
	assert_true(r.median_working_days == 6);
	sl_case_stats_free(&r);
}

/* A case's lists (here an evidence item's tags) read back from the store
 * as jansson reads them, whatever text the column holds: the plain ones
 * are split without it (caseview.c), every other one goes to it. */
static void test_lists_read_back(void **st)
{
	(void)st;
	static const char *const texts[] = {
	    "[]",
	    "[\"bank_record\"]",
	    "[\"bank_record\",\"voucher\",\"x\"]",
	    "[\"\"]",
	    "[\"\",\"a\",\"\"]",
	    "[\"含中文\",\"voucher\"]",
	    "[\"a\\\"b\",\"c\\\\d\"]",
	    "[\"c\\\\d\"]",
	    "[\"\xff\"]",
	    "[\"a\x01\"]",
	    "[\"a\x7f\"]",
	    "[\"a\\u0041\"]",
	    "[\"a b\"]",
	    "[ \"a\" , \"b\" ]",
	    "[\"a\"] ",
	    "[\"a\",]",
	    "[,\"a\"]",
	    "[\"a\"",
	    "[\"a\"]x",
	    "[1,\"a\",null]",
	    "\"a\"",
	    "{}",
	    "",
	    "[",
	    "[\"a\"\"b\"]",
	};
	sl_store *s = as("boss");
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		char *sql = sqlite3_mprintf(
		    "UPDATE evidence SET tags = %Q WHERE id = 'E2' AND"
		    " case_ref = (SELECT id FROM cases WHERE case_id ="
		    " 'ZRJ-1')",
		    texts[i]);
		tstore_raw_exec(&T, sql);
		sqlite3_free(sql);
		sl_caseview *v;
		assert_int_equal(sl_case_show(s, "ZRJ-1", &v), SL_OK);
		const shenli_evidence *e = &v->c->evidence[1];
		assert_string_equal(e->id, "E2");
		json_t *want = json_loads(texts[i], 0, NULL);
		size_t k = 0;
		for (size_t j = 0; j < json_array_size(want); j++) {
			const char *w =
			    json_string_value(json_array_get(want, j));
			if (!w)
				continue;
			assert_true(k < e->n_tags);
			assert_string_equal(e->tags[k], w);
			k++;
		}
		if (k != e->n_tags)
			fail_msg("%s: %zu tags, jansson reads %zu", texts[i],
			         e->n_tags, k);
		json_decref(want);
		sl_caseview_free(v);
	}
	sl_store_close(s);
}

static const char *const case_tables[] = {
    "cases",    "dossiers",      "prior_sanctions", "facts",
    "evidence", "documents",     "findings",        "assignments",
    "returns",  "outline_items", "opinions"};

/* audit verify of the store with sql (every %lld: the case's rowid)
 * committed by an insider's raw connection (foreign keys off), and then
 * every case table put back as it was; the rows sql changed in *changed.
 * (Held open instead, the change would keep the file's checkpoint waiting
 * on the writer.) */
static sl_rc verify_with(sl_store *s, sqlite3 *db, const char *sql,
                         long long ref, int *changed)
{
	/* each in one transaction: one sync, not one per statement */
	char *keep = sqlite3_mprintf("%s", "BEGIN;"),
	     *back = sqlite3_mprintf("%s", "BEGIN;");
	for (size_t i = 0; i < sizeof case_tables / sizeof *case_tables; i++) {
		const char *t = case_tables[i];
		keep = sqlite3_mprintf(
		    "%zCREATE TABLE kept_%s AS SELECT * FROM %s;", keep, t, t);
		back = sqlite3_mprintf("%zDELETE FROM %s; INSERT INTO %s"
		                       " SELECT * FROM kept_%s; DROP TABLE"
		                       " kept_%s;",
		                       back, t, t, t, t);
	}
	keep = sqlite3_mprintf("%zCOMMIT;", keep);
	back = sqlite3_mprintf("%zCOMMIT;", back);
	char *q = sqlite3_mprintf(sql, ref, ref, ref, ref, ref, ref, ref, ref,
	                          ref, ref, ref);
	sl_rc rc = SL_OK;
	assert_int_equal(sqlite3_exec(db, keep, 0, 0, 0), SQLITE_OK);
	int before = sqlite3_total_changes(db);
	if (sqlite3_exec(db, q, 0, 0, 0) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(db));
	*changed = sqlite3_total_changes(db) - before;
	sl_audit_report r;
	if (*changed)
		rc = sl_store_verify(s, NULL, &r);
	char msg[512];
	snprintf(msg, sizeof msg, "%s", sl_errmsg());
	assert_int_equal(sqlite3_exec(db, back, 0, 0, 0), SQLITE_OK);
	sqlite3_free(q);
	sqlite3_free(keep);
	sqlite3_free(back);
	if (rc) /* the verdict's message, for the caller */
		sl_error(rc, "%s", msg);
	return rc;
}

/* audit verify replays the cases a share of the cases table at a time
 * (a million would not fit in memory at once). In shares of one, two and
 * three cases the store verifies as in one share, and a change to the
 * rows of any case is caught whichever share holds it: a case's row, a
 * child row, a whole case gone (the log's case in no share), rows of no
 * case before, between and after the shares' rows. */
static void test_verify_in_shares(void **st)
{
	(void)st;
	sl_store *s = as("aud");
	sl_audit_report r0, r;
	sl_verify_share_override(0);
	if (sl_store_verify(s, NULL, &r0) != SL_OK)
		fail_msg("%s", sl_errmsg());
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(sl_store_db(s),
	                                    "SELECT id FROM cases ORDER BY id",
	                                    -1, &q, 0),
	                 SQLITE_OK);
	long long refs[32];
	int n = 0;
	while (n < 32 && sqlite3_step(q) == SQLITE_ROW)
		refs[n++] = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	assert_true(n >= 4);
	for (int k = 1; k <= 3; k++) {
		sl_verify_share_override(k);
		assert_int_equal(sl_store_verify(s, NULL, &r), SL_OK);
		assert_int_equal(r.entries, r0.entries);
		assert_int_equal(r.head_seq, r0.head_seq);
	}
	static const char *const per_case[] = {
	    "UPDATE cases SET rev = rev + 1 WHERE id = %lld",
	    "UPDATE cases SET case_id = case_id || 'X' WHERE id = %lld",
	    "UPDATE dossiers SET sha256 = zeroblob(32) WHERE case_ref = %lld",
	    "DELETE FROM facts WHERE case_ref = %lld AND n ="
	    " (SELECT min(n) FROM facts WHERE case_ref = %lld)",
	    "UPDATE evidence SET title = title || '.' WHERE case_ref = %lld",
	    "DELETE FROM assignments WHERE case_ref = %lld",
	    "UPDATE outline_items SET text = text || '.' WHERE case_ref = %lld",
	    "UPDATE opinions SET recorded_ms = recorded_ms + 1"
	    " WHERE case_ref = %lld",
	    "DELETE FROM prior_sanctions WHERE case_ref = %lld;"
	    " DELETE FROM facts WHERE case_ref = %lld;"
	    " DELETE FROM evidence WHERE case_ref = %lld;"
	    " DELETE FROM documents WHERE case_ref = %lld;"
	    " DELETE FROM dossiers WHERE case_ref = %lld;"
	    " DELETE FROM assignments WHERE case_ref = %lld;"
	    " DELETE FROM findings WHERE case_ref = %lld;"
	    " DELETE FROM outline_items WHERE case_ref = %lld;"
	    " DELETE FROM returns WHERE case_ref = %lld;"
	    " DELETE FROM opinions WHERE case_ref = %lld;"
	    " DELETE FROM cases WHERE id = %lld",
	};
	size_t kinds = sizeof per_case / sizeof per_case[0];
	int applied[16] = {0};
	/* an insider's raw connection (foreign keys off) */
	sqlite3 *raw = tstore_raw(&T);
	assert_int_equal(
	    sqlite3_exec(raw, "PRAGMA foreign_keys = OFF", 0, 0, 0), SQLITE_OK);
	/* one case a share: each case's share is the walk's (the first) or
	 * one read by the index. Each change is made to the first case it
	 * applies to and to the last. */
	sl_verify_share_override(1);
	for (size_t t = 0; t < kinds; t++)
		for (int end = 0; end < 2; end++)
			for (int i = 0; i < n; i++) {
				int c = end ? n - 1 - i : i, changed;
				sl_rc rc = verify_with(s, raw, per_case[t],
				                       refs[c], &changed);
				if (!changed)
					continue;
				applied[t]++;
				if (rc != SL_EINTEGRITY)
					fail_msg(
					    "case row %lld: '%s' not caught",
					    refs[c], per_case[t]);
				/* the whole case gone: the log's case is
				 * named */
				if (t == kinds - 1 &&
				    !strstr(sl_errmsg(), "missing"))
					fail_msg("%s", sl_errmsg());
				break;
			}
	for (size_t t = 0; t < kinds; t++)
		if (!applied[t])
			fail_msg("'%s' changed no case", per_case[t]);
	/* rows of no case, before the first row, between and after */
	static const char *const orphan[] = {
	    "INSERT INTO documents VALUES(0, 0, 'x', '2024-01-01')",
	    "INSERT INTO findings VALUES((SELECT max(id) FROM cases) + 9, 0,"
	    " 'c', 'facts', 'note', 'x', 'm', '[]', NULL)",
	    "INSERT INTO assignments VALUES((SELECT max(id) FROM cases) + 1,"
	    " 'm1')",
	};
	for (int k = 1; k <= 2; k++) {
		sl_verify_share_override(k);
		for (size_t t = 0; t < sizeof orphan / sizeof orphan[0]; t++) {
			int changed;
			assert_int_equal(
			    verify_with(s, raw, orphan[t], 0, &changed),
			    SL_EINTEGRITY);
			assert_int_equal(changed, 1);
		}
		/* a child row moved from one case to another */
		int changed;
		assert_int_equal(
		    verify_with(
		        s, raw,
		        "UPDATE documents SET case_ref = %lld, n = n + 100 "
		        "WHERE"
		        " case_ref = (SELECT max(id) FROM cases) AND n ="
		        " (SELECT max(n) FROM documents WHERE case_ref ="
		        " (SELECT max(id) FROM cases))",
		        refs[0], &changed),
		    SL_EINTEGRITY);
		assert_int_equal(changed, 1);
	}
	sqlite3_close(raw);
	sl_verify_share_override(0);
	/* nothing above was kept */
	assert_int_equal(sl_store_verify(s, NULL, &r), SL_OK);
	sl_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lifecycle_table),
	    cmocka_unit_test(test_intake_decisions),
	    cmocka_unit_test(test_malformed_changes_nothing),
	    cmocka_unit_test(test_assignment_and_recusal),
	    cmocka_unit_test(test_visibility),
	    cmocka_unit_test(test_list_widths),
	    cmocka_unit_test(test_clock),
	    cmocka_unit_test(test_return_resubmit_opinion),
	    cmocka_unit_test(test_verify_in_shares),
	    cmocka_unit_test(test_stats),
	    cmocka_unit_test(test_lists_read_back),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
