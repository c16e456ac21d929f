/*
 * test_decisions.c - the silence procedure (outcome on read, who can
 * block) and the manning report.
 */
#include "suites.h"
#include "testutil.h"

#include "io/io.h"
#include "svc/svc.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct store *S;
static struct svc *V;
static struct principal SYS, PLANNER, DEU;

static void setup(void)
{
	S = test_store_new(4);
	V = test_svc_new(S, 0);
	svc_system_principal(&SYS);
	PLANNER = SYS;
	PLANNER.role = ROLE_PLANNER;
	DEU = SYS;
	snprintf(DEU.username, sizeof DEU.username, "liaison.deu");
	DEU.role = ROLE_DONOR_LIAISON;
	snprintf(DEU.nation, sizeof DEU.nation, "DEU");
}

static void teardown(void)
{
	svc_free(V);
	test_store_free(S);
}

/* A proposal whose deadline is @secs from now; its id into @id. */
static void table(int secs, const char *participants, char id[48])
{
	char deadline[32];
	time_t t = time(NULL) + secs;
	struct tm tm;
	struct verr err;
	json_t *body, *out = NULL;

	gmtime_r(&t, &tm);
	strftime(deadline, sizeof deadline, "%Y-%m-%dT%H:%M:%SZ", &tm);
	body = json_pack("{s:s, s:s, s:s}", "title", "Winter package", "text", "Adopt it.",
			 "deadline", deadline);
	if (participants)
		json_object_set_new(body, "participants", json_string(participants));
	ck_assert_msg(svc_rec_create(V, &PLANNER, &ESPEC_PROPOSALS, body, &out, &err) == ST_OK,
		      "%s: %s", err.field, err.reason);
	snprintf(id, 48, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(body);
	json_decref(out);
}

static int take(const struct principal *p, const char *proposal, const char *nation,
		const char *position, char id[48], struct verr *err)
{
	json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "proposal", proposal, "nation", nation,
				 "position", position, "reason", "not yet"), *out = NULL;
	int rc = svc_rec_create(V, p, &ESPEC_POSITIONS, body, &out, err);

	if (rc == ST_OK && id)
		snprintf(id, 48, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(body);
	json_decref(out);
	return rc;
}

static const char *state(const char *proposal)
{
	static char buf[16];
	json_t *out = NULL;

	ck_assert_int_eq(svc_proposal_outcome(V, &PLANNER, proposal, &out), ST_OK);
	snprintf(buf, sizeof buf, "%s", json_string_value(json_object_get(out, "state")));
	json_decref(out);
	return buf;
}

START_TEST(silence_adopts_and_objection_fails)
{
	char quiet[48], blocked[48], pos[48];
	struct verr err;

	table(2, NULL, quiet);
	table(2, NULL, blocked);
	ck_assert_int_eq(take(&DEU, blocked, "DEU", "object", pos, &err), ST_OK);
	ck_assert_int_eq(take(&PLANNER, quiet, "FRA", "abstain", NULL, &err), ST_OK);
	ck_assert_str_eq(state(quiet), "open");
	ck_assert_str_eq(state(blocked), "open");
	sleep(3);
	/* Nothing ran at the deadline: the outcome follows from reading. */
	ck_assert_str_eq(state(quiet), "adopted");
	ck_assert_str_eq(state(blocked), "failed");
	/* After the deadline nothing changes it. */
	json_t *out = NULL;
	ck_assert_int_eq(svc_transition(V, &DEU, &ESPEC_POSITIONS, pos, "withdrawn", NULL, -1,
					&out, &err), ST_CONFLICT);
	ck_assert_int_eq(take(&DEU, quiet, "DEU", "object", NULL, &err), ST_CONFLICT);
	ck_assert_str_eq(state(quiet), "adopted");
}
END_TEST

START_TEST(who_can_block)
{
	char id[48], pos[48], small[48];
	struct verr err;
	json_t *out = NULL;

	table(60, NULL, id);
	/* Hungary neither takes part nor blocks. */
	ck_assert_int_eq(take(&PLANNER, id, "HUN", "object", NULL, &err), ST_INVALID);
	ck_assert_str_eq(err.field, "nation");
	/* A liaison officer speaks only for its nation. */
	ck_assert_int_eq(take(&DEU, id, "FRA", "object", NULL, &err), ST_INVALID);
	ck_assert_int_eq(take(&DEU, id, "DEU", "object", pos, &err), ST_OK);
	ck_assert_int_eq(take(&DEU, id, "DEU", "abstain", NULL, &err), ST_CONFLICT);
	/* Withdrawing before the deadline restores silence. */
	ck_assert_int_eq(svc_transition(V, &DEU, &ESPEC_POSITIONS, pos, "withdrawn", NULL, -1,
					&out, &err), ST_OK);
	json_decref(out);
	ck_assert_int_eq(svc_proposal_outcome(V, &PLANNER, id, &out), ST_OK);
	ck_assert(json_is_false(json_object_get(out, "silence_broken")));
	json_decref(out);
	/* Only listed nations take part in a proposal with participants. */
	table(60, "DEU;FRA", small);
	ck_assert_int_eq(take(&PLANNER, small, "POL", "object", NULL, &err), ST_INVALID);
	ck_assert_int_eq(take(&PLANNER, small, "FRA", "object", NULL, &err), ST_OK);
	/* Participants must take part in the assistance. */
	json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "title", "t", "text", "x", "deadline",
				 "2099-01-01T00:00:00Z", "participants", "DEU;HUN");
	ck_assert_int_eq(svc_rec_create(V, &PLANNER, &ESPEC_PROPOSALS, body, &out, &err), ST_INVALID);
	ck_assert_str_eq(err.field, "participants");
	json_decref(body);
	body = json_pack("{s:s, s:s, s:s}", "title", "t", "text", "x", "deadline", "2020-01-01T00:00:00Z");
	ck_assert_int_eq(svc_rec_create(V, &PLANNER, &ESPEC_PROPOSALS, body, &out, &err), ST_INVALID);
	ck_assert_str_eq(err.field, "deadline");
	json_decref(body);
}
END_TEST

START_TEST(manning_counts)
{
	json_t *rows = json_pack("[{s:s, s:s, s:s, s:s, s:b}, {s:s, s:s, s:s, s:s, s:b},"
				 " {s:s, s:s, s:s, s:s, s:b}]",
				 "site", "HQ-WIE", "nation", "DEU", "grade", "OF-4", "function", "J4", "filled", 1,
				 "site", "HQ-WIE", "nation", "DEU", "grade", "OF-3", "function", "J5", "filled", 0,
				 "site", "LN-RZE", "nation", "POL", "grade", "OR-7", "function", "ops", "filled", 1);
	json_t *report = NULL, *out = NULL, *row;
	size_t i;

	ck_assert_int_eq(svc_rec_create_many(V, &PLANNER, &ESPEC_POSTS, rows, BATCH_ALL_OR_NOTHING,
					     &report), ST_OK);
	ck_assert_int_eq(svc_manning(V, &PLANNER, &out), ST_OK);
	ck_assert_int_eq(json_integer_value(json_object_get(out, "posts")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(out, "filled")), 2);
	json_array_foreach(json_object_get(out, "by_nation"), i, row) {
		if (strcmp(json_string_value(json_object_get(row, "nation")), "DEU") == 0) {
			ck_assert_int_eq(json_integer_value(json_object_get(row, "posts")), 2);
			ck_assert(json_real_value(json_object_get(row, "fill_rate")) == 0.5);
		}
	}
	json_decref(rows);
	json_decref(report);
	json_decref(out);
}
END_TEST

Suite *suite_decisions(void)
{
	Suite *s = suite_create("decisions");
	TCase *tc = tcase_create("silence and manning");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, silence_adopts_and_objection_fails);
	tcase_add_test(tc, who_can_block);
	tcase_add_test(tc, manning_counts);
	suite_add_tcase(s, tc);
	return s;
}
