/*
 * test_import.c - importing requirements and pledges from CSV (io_import):
 * a good file, each kind of error at its exact row and column, header
 * errors before any row, BOM and CRLF, the two modes, the error list's
 * limit, and 100 000 rows in one transaction.
 */
#include "suites.h"
#include "testutil.h"

#include "io/io.h"
#include "svc/svc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct store *S;
static struct svc *V;
static struct principal SYS, PLANNER, OFFICER, LIAISON, AUDITOR;

static void setup(void)
{
	struct svc_config cfg = {.pw_opslimit = crypto_pwhash_OPSLIMIT_MIN,
				 .pw_memlimit = crypto_pwhash_MEMLIMIT_MIN};
	char err[512];

	S = test_store_new(2);
	V = svc_new(S, &cfg);
	svc_system_principal(&SYS);
	ck_assert_msg(io_reference_load(V, &SYS, "data", NULL, err, sizeof err) == ST_OK, "%s", err);
	PLANNER = SYS;
	snprintf(PLANNER.username, sizeof PLANNER.username, "planner.test");
	PLANNER.role = ROLE_PLANNER;
	OFFICER = PLANNER;
	snprintf(OFFICER.username, sizeof OFFICER.username, "officer.test");
	OFFICER.role = ROLE_RECIPIENT_OFFICER;
	snprintf(OFFICER.nation, sizeof OFFICER.nation, "UKR");
	LIAISON = OFFICER;
	snprintf(LIAISON.username, sizeof LIAISON.username, "liaison.test");
	LIAISON.role = ROLE_DONOR_LIAISON;
	snprintf(LIAISON.nation, sizeof LIAISON.nation, "DEU");
	AUDITOR = PLANNER;
	AUDITOR.role = ROLE_AUDITOR;
}

static void teardown(void)
{
	svc_free(V);
	test_store_free(S);
}

/* ---- Helpers. ------------------------------------------------------------ */

#define REQ_HEADER "nation,item,substitution_group,quantity,priority,needed_by,destination," \
		   "coalition,justification\n"
#define REQ_ROW "UKR,AT-JAVELIN,,200,P1,2026-09-30,HP-MED,,Two brigades\n"

static size_t count(const struct espec *e)
{
	struct store_query q = {NULL, 0, NULL, 1000000};
	struct store_tx *tx;
	json_t *rows = NULL;
	size_t n;

	ck_assert_int_eq(S->ops->begin(S, STORE_READ, &tx), ST_OK);
	ck_assert_int_eq(store_rec_list(tx, e, &q, &rows), ST_OK);
	S->ops->rollback(tx);
	n = json_array_size(rows);
	json_decref(rows);
	return n;
}

/* Import @text as @p; *@report may stay NULL. */
static int import(const struct principal *p, const struct espec *e, const char *text,
		  enum svc_batch_mode mode, json_t **report, struct verr *err)
{
	struct io_source src = {.buf = text, .len = strlen(text), .name = "t.csv"};

	return io_import(V, p, e, &src, mode, NULL, report, err);
}

static long long num(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* Assert error @i of @report. */
static void assert_error(const json_t *report, size_t i, long long row, const char *column,
			 const char *value, const char *reason_part)
{
	json_t *e = json_array_get(json_object_get(report, "errors"), i);
	const char *reason = json_string_value(json_object_get(e, "reason"));

	ck_assert_msg(e, "no error %zu", i);
	ck_assert_int_eq(num(e, "row"), row);
	ck_assert_str_eq(json_string_value(json_object_get(e, "column")), column);
	ck_assert_str_eq(json_string_value(json_object_get(e, "value")), value);
	ck_assert_msg(reason && strstr(reason, reason_part), "error %zu: reason '%s' lacks '%s'", i,
		      reason, reason_part);
}

static void assert_counts(const json_t *report, long long rows, long long created,
			  long long failed, bool stored)
{
	ck_assert_int_eq(num(report, "rows"), rows);
	ck_assert_int_eq(num(report, "created"), created);
	ck_assert_int_eq(num(report, "failed"), failed);
	ck_assert(json_boolean_value(json_object_get(report, "stored")) == stored);
}

/* ---- Good files. ---------------------------------------------------------- */

START_TEST(good_file)
{
	const char *csv = REQ_HEADER REQ_ROW
		"UKR,,AMMO-155-HE,5000,P2,2026-10-31,HP-SIR,ARTILLERY,\n"
		"UKR,ART-155-M795,,10,P4,2026-12-01,HP-MED,,\"Quoted, with a comma\n"
		"and a line break\"\n";
	json_t *report = NULL, *page = NULL;
	struct verr err;

	ck_assert_int_eq(import(&PLANNER, &ESPEC_REQUIREMENTS, csv, BATCH_ALL_OR_NOTHING,
				&report, &err), ST_OK);
	ck_assert_str_eq(json_string_value(json_object_get(report, "file")), "t.csv");
	ck_assert_str_eq(json_string_value(json_object_get(report, "entity")), "requirements");
	ck_assert_str_eq(json_string_value(json_object_get(report, "mode")), "all-or-nothing");
	assert_counts(report, 3, 3, 0, true);
	ck_assert_uint_eq(json_array_size(json_object_get(report, "errors")), 0);
	ck_assert_uint_eq(count(&ESPEC_REQUIREMENTS), 3);
	json_decref(report);

	/* Stored as the API would: draft, created by the importer, nulls for
	 * the empty cells. */
	struct svc_filter f = {"priority", "P4"};
	struct svc_list q = {&f, 1, NULL, 10};
	ck_assert_int_eq(svc_rec_list(V, &PLANNER, &ESPEC_REQUIREMENTS, &q, &page, &err), ST_OK);
	json_t *r = json_array_get(json_object_get(page, "items"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(r, "status")), "draft");
	ck_assert_str_eq(json_string_value(json_object_get(r, "created_by")), "planner.test");
	ck_assert(json_is_null(json_object_get(r, "coalition")));
	ck_assert(json_is_null(json_object_get(r, "substitution_group")));
	ck_assert_str_eq(json_string_value(json_object_get(r, "justification")),
			 "Quoted, with a comma\nand a line break");
	ck_assert_int_eq(num(r, "quantity"), 10);
	json_decref(page);
}
END_TEST

START_TEST(good_pledges_of_every_kind)
{
	const char *csv =
		"nation,kind,pledged_on,item,quantity,condition,amount,currency,year,course,seats,"
		"facility,category,slots,source\n"
		"DEU,materiel,2026-01-20,ART-155-DM121,1500,new,,,,,,,,,tracker\n"
		"DEU,funding,2026-02-01,,,,1250000.50,EUR,2026,,,,,,\n"
		"DEU,training_seats,2026-02-01,,,,,,,LEO2-CREW,24,,,,\n"
		"DEU,repair_capacity,2026-02-01,,,,,,,,,RF-GLI,vehicle,4,\n";
	json_t *report = NULL;
	struct verr err;
	int rc = import(&LIAISON, &ESPEC_PLEDGES, csv, BATCH_ALL_OR_NOTHING, &report, &err);

	ck_assert_msg(rc == ST_OK, "%s %s", err.field, err.reason);
	assert_counts(report, 4, 4, 0, true);
	ck_assert_uint_eq(count(&ESPEC_PLEDGES), 4);
	json_decref(report);
}
END_TEST

START_TEST(bom_and_crlf)
{
	const char *csv = "\xEF\xBB\xBF" "nation,item,quantity,priority,needed_by,destination\r\n"
			  "UKR,AT-JAVELIN,5,P1,2026-09-30,HP-MED\r\n"
			  "\r\n"
			  "UKR,AT-NLAW,x,P1,2026-09-30,HP-MED\r\n";
	json_t *report = NULL;
	struct verr err;

	/* The BOM is not part of the first column's name; the blank line is
	 * row 3, so the bad row is row 4. */
	ck_assert_int_eq(import(&PLANNER, &ESPEC_REQUIREMENTS, csv, BATCH_VALID_ONLY, &report,
				&err), ST_OK);
	assert_counts(report, 2, 1, 1, true);
	assert_error(report, 0, 4, "quantity", "x", "whole number");
	json_decref(report);
}
END_TEST

START_TEST(from_a_file)
{
	char path[] = "/tmp/nsatu-import-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct io_source src = {.path = path, .name = path};
	json_t *report = NULL;
	struct verr err;

	fputs(REQ_HEADER REQ_ROW REQ_ROW, f);
	fclose(f);
	ck_assert_int_eq(io_import(V, &PLANNER, &ESPEC_REQUIREMENTS, &src, BATCH_ALL_OR_NOTHING,
				   NULL, &report, &err), ST_OK);
	assert_counts(report, 2, 2, 0, true);
	ck_assert_str_eq(json_string_value(json_object_get(report, "file")), path);
	json_decref(report);
	unlink(path);
	/* A missing file is the reader's error, without a report. */
	ck_assert_int_eq(io_import(V, &PLANNER, &ESPEC_REQUIREMENTS, &src, BATCH_ALL_OR_NOTHING,
				   NULL, &report, &err), ST_INVALID);
	ck_assert_ptr_null(report);
	ck_assert_str_eq(err.field, "");
	ck_assert_msg(strstr(err.reason, "cannot open"), "%s", err.reason);
}
END_TEST

/* ---- Row errors. ------------------------------------------------------------ */

START_TEST(cell_errors_name_row_and_column)
{
	char long_text[2101];
	char *csv;
	json_t *report = NULL;
	struct verr err;

	memset(long_text, 'x', 2100);
	long_text[2100] = '\0';
	/* Two multi-byte characters at the cut show it is cut by character. */
	memcpy(long_text + 97, "\xC3\xA9\xC3\xA9", 4);
	ck_assert_int_ne(asprintf(&csv, REQ_HEADER
		"UKR,AT-JAVELIN,,abc,P1,2026-09-30,HP-MED,,\n"         /* 2 quantity */
		"UKR,AT-JAVELIN,,5,P7,2026-02-30,HP-MED,,\n"           /* 3 priority + needed_by */
		"UKR,AT-JAVELIN,,5,,2026-09-30,HP-MED,,\n"             /* 4 priority empty */
		"UKR,at javelin,,5,P1,2026-09-30,HP-MED,,\n"           /* 5 item format */
		"UKR,AT-JAVELIN,,0,P1,2026-09-30,HP-MED,,\n"           /* 6 quantity range */
		"UKR,AT-JAVELIN,,5,P1,2026-09-30,HP-MED,,%s\n"         /* 7 justification */
		REQ_ROW,                                               /* 8 fine */
		long_text), -1);
	ck_assert_int_eq(import(&PLANNER, &ESPEC_REQUIREMENTS, csv, BATCH_ALL_OR_NOTHING, &report,
				&err), ST_INVALID);
	assert_counts(report, 7, 0, 6, false);
	assert_error(report, 0, 2, "quantity", "abc", "whole number");
	assert_error(report, 1, 3, "priority", "P7", "one of: P1");
	assert_error(report, 2, 3, "needed_by", "2026-02-30", "");
	assert_error(report, 3, 4, "priority", "", "is required");
	assert_error(report, 4, 5, "item", "at javelin", "");
	assert_error(report, 5, 6, "quantity", "0", "");
	/* The value is cut to 100 characters, the last an ellipsis. */
	json_t *e = json_array_get(json_object_get(report, "errors"), 6);
	const char *v = json_string_value(json_object_get(e, "value"));
	ck_assert_int_eq(num(e, "row"), 7);
	ck_assert_str_eq(json_string_value(json_object_get(e, "column")), "justification");
	ck_assert_uint_eq(strlen(v), 97 + 4 + 3);   /* 97 x, 2 x e-acute, ellipsis */
	ck_assert_str_eq(v + 97, "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
	ck_assert_uint_eq(json_array_size(json_object_get(report, "errors")), 7);
	ck_assert_uint_eq(count(&ESPEC_REQUIREMENTS), 0);
	json_decref(report);
	free(csv);
}
END_TEST

START_TEST(service_errors_map_to_rows)
{
	const char *csv = REQ_HEADER
		REQ_ROW                                                        /* 2 fine */
		"UKR,NO-SUCH-ITEM,,5,P1,2026-09-30,HP-MED,,\n"                 /* 3 reference */
		"UKR,AT-JAVELIN,AMMO-155-HE,5,P1,2026-09-30,HP-MED,,\n"        /* 4 rule */
		"DEU,AT-JAVELIN,,5,P1,2026-09-30,HP-MED,,\n"                   /* 5 scope */
		"UKR,AT-JAVELIN,,5,P1,2026-09-30,NO-SITE,,\n"                  /* 6 reference */
		"UKR,AT-JAVELIN,,5,P1,2026-09-30,HP-MED,,\n";                  /* 7 fine */
	json_t *report = NULL;
	struct verr err;

	ck_assert_int_eq(import(&OFFICER, &ESPEC_REQUIREMENTS, csv, BATCH_ALL_OR_NOTHING, &report,
				&err), ST_INVALID);
	assert_counts(report, 6, 0, 4, false);
	assert_error(report, 0, 3, "item", "NO-SUCH-ITEM", "no items record");
	assert_error(report, 1, 4, "item", "AT-JAVELIN", "exactly one of");
	assert_error(report, 2, 5, "nation", "DEU", "outside your scope");
	assert_error(report, 3, 6, "destination", "NO-SITE", "no sites record");
	ck_assert_uint_eq(count(&ESPEC_REQUIREMENTS), 0);
	ck_assert_msg(strstr(err.reason, "nothing was stored"), "%s", err.reason);
	json_decref(report);
}
END_TEST

START_TEST(pledge_rules_name_the_column)
{
	const char *csv = "nation,kind,pledged_on,item,quantity,condition,amount,currency,year\n"
			  "DEU,funding,2026-02-01,,,,1000,EUR,\n"          /* 2 year missing */
			  "DEU,materiel,2026-02-01,AT-NLAW,5,new,100,EUR,\n" /* 3 amount foreign */
			  "DEU,funding,2026-02-01,,,,1000,XXX,2026\n";     /* 4 no rate */
	json_t *report = NULL;
	struct verr err;

	ck_assert_int_eq(import(&PLANNER, &ESPEC_PLEDGES, csv, BATCH_VALID_ONLY, &report, &err),
			 ST_INVALID);
	assert_counts(report, 3, 0, 3, false);
	assert_error(report, 0, 2, "year", "", "required for this kind");
	assert_error(report, 1, 3, "amount", "100", "does not belong");
	assert_error(report, 2, 4, "currency", "XXX", "no exchange rate");
	json_decref(report);
}
END_TEST

/* ---- Header errors: before any row. --------------------------------------------- */

START_TEST(header_errors_name_the_column)
{
	static const struct {
		const char *csv, *column, *reason;
	} cases[] = {
		{"nation,item,quantity,priority,needed_by,destination,colour\n"
		 "UKR,AT-NLAW,1,P1,2026-09-30,HP-MED,red\n", "colour", "not a column of requirements"},
		{"id,nation,item,quantity,priority,needed_by,destination\n"
		 "X,UKR,AT-NLAW,1,P1,2026-09-30,HP-MED\n", "id", "set by the server"},
		{"nation,item,quantity,priority,needed_by,destination,status\n"
		 "UKR,AT-NLAW,1,P1,2026-09-30,HP-MED,draft\n", "status", "set by the server"},
		{"nation,item,quantity,priority,needed_by,destination,created_by\n"
		 "UKR,AT-NLAW,1,P1,2026-09-30,HP-MED,me\n", "created_by", "set by the server"},
		{"nation,item,quantity,priority,destination\n"
		 "UKR,AT-NLAW,1,P1,HP-MED\n", "needed_by", "required column"},
	};
	json_t *report = NULL;
	struct verr err;

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		ck_assert_int_eq(import(&PLANNER, &ESPEC_REQUIREMENTS, cases[i].csv,
					BATCH_VALID_ONLY, &report, &err), ST_INVALID);
		ck_assert_ptr_null(report);
		ck_assert_str_eq(err.field, cases[i].column);
		ck_assert_msg(strstr(err.reason, cases[i].reason), "case %zu: %s", i, err.reason);
	}
	/* A duplicate column is refused by the reader, which names it. */
	ck_assert_int_eq(import(&PLANNER, &ESPEC_REQUIREMENTS,
				"nation,item,quantity,priority,needed_by,destination,item\n"
				"UKR,AT-NLAW,1,P1,2026-09-30,HP-MED,AT-NLAW\n",
				BATCH_VALID_ONLY, &report, &err), ST_INVALID);
	ck_assert_ptr_null(report);
	ck_assert_msg(strstr(err.reason, "duplicate column \"item\""), "%s", err.reason);
	/* Broken CSV: the reader's message, row and column included. */
	ck_assert_int_eq(import(&PLANNER, &ESPEC_REQUIREMENTS,
				REQ_HEADER REQ_ROW "UKR,AT-NLAW,,1,P1\n", BATCH_VALID_ONLY, &report,
				&err), ST_INVALID);
	ck_assert_ptr_null(report);
	ck_assert_msg(strstr(err.reason, "row 3"), "%s", err.reason);
	ck_assert_uint_eq(count(&ESPEC_REQUIREMENTS), 0);
}
END_TEST

START_TEST(no_rows_and_no_permission)
{
	json_t *report = NULL;
	struct verr err;

	ck_assert_int_eq(import(&PLANNER, &ESPEC_REQUIREMENTS, REQ_HEADER, BATCH_VALID_ONLY,
				&report, &err), ST_INVALID);
	assert_counts(report, 0, 0, 0, false);
	ck_assert_msg(strstr(err.reason, "no data rows"), "%s", err.reason);
	json_decref(report);
	ck_assert_int_eq(import(&AUDITOR, &ESPEC_REQUIREMENTS, REQ_HEADER REQ_ROW,
				BATCH_VALID_ONLY, &report, &err), ST_FORBIDDEN);
	ck_assert_ptr_null(report);
	ck_assert_int_eq(import(&LIAISON, &ESPEC_REQUIREMENTS, REQ_HEADER REQ_ROW,
				BATCH_VALID_ONLY, &report, &err), ST_FORBIDDEN);
	ck_assert_int_eq(import(&PLANNER, &ESPEC_NATIONS, "iso3\nXXX\n", BATCH_VALID_ONLY,
				&report, &err), ST_INVALID);
	ck_assert_ptr_null(report);
}
END_TEST

/* ---- Modes. ----------------------------------------------------------------- */

START_TEST(all_or_nothing_stores_nothing)
{
	/* A cell error and a service error; the good rows are still checked,
	 * and nothing is stored. */
	const char *csv = REQ_HEADER REQ_ROW
		"UKR,AT-JAVELIN,,many,P1,2026-09-30,HP-MED,,\n"
		REQ_ROW
		"UKR,NO-SUCH-ITEM,,5,P1,2026-09-30,HP-MED,,\n";
	json_t *report = NULL;
	struct verr err;

	ck_assert_int_eq(import(&PLANNER, &ESPEC_REQUIREMENTS, csv, BATCH_ALL_OR_NOTHING, &report,
				&err), ST_INVALID);
	assert_counts(report, 4, 0, 2, false);
	assert_error(report, 0, 3, "quantity", "many", "whole number");
	assert_error(report, 1, 5, "item", "NO-SUCH-ITEM", "no items record");
	ck_assert_uint_eq(json_array_size(json_object_get(report, "errors")), 2);
	ck_assert_uint_eq(count(&ESPEC_REQUIREMENTS), 0);
	json_decref(report);
	/* Only cell errors: the same. */
	ck_assert_int_eq(import(&PLANNER, &ESPEC_REQUIREMENTS,
				REQ_HEADER REQ_ROW "UKR,AT-JAVELIN,,-1,P1,2026-09-30,HP-MED,,\n",
				BATCH_ALL_OR_NOTHING, &report, &err), ST_INVALID);
	assert_counts(report, 2, 0, 1, false);
	ck_assert_uint_eq(json_array_size(json_object_get(report, "errors")), 1);
	ck_assert_uint_eq(count(&ESPEC_REQUIREMENTS), 0);
	json_decref(report);
}
END_TEST

START_TEST(valid_only_stores_the_good_rows)
{
	const char *csv = REQ_HEADER REQ_ROW
		"UKR,AT-JAVELIN,,many,P1,2026-09-30,HP-MED,,\n"
		REQ_ROW
		"UKR,NO-SUCH-ITEM,,5,P1,2026-09-30,HP-MED,,\n"
		"DEU,AT-JAVELIN,,5,P1,2026-09-30,HP-MED,,\n";
	json_t *report = NULL;
	struct verr err;

	ck_assert_int_eq(import(&OFFICER, &ESPEC_REQUIREMENTS, csv, BATCH_VALID_ONLY, &report,
				&err), ST_OK);
	ck_assert_str_eq(json_string_value(json_object_get(report, "mode")), "valid-rows-only");
	assert_counts(report, 5, 2, 3, true);
	assert_error(report, 0, 3, "quantity", "many", "");
	assert_error(report, 1, 5, "item", "NO-SUCH-ITEM", "");
	assert_error(report, 2, 6, "nation", "DEU", "outside your scope");
	ck_assert_uint_eq(count(&ESPEC_REQUIREMENTS), 2);
	json_decref(report);
	/* Every row bad: nothing stored, and it says so. */
	ck_assert_int_eq(import(&OFFICER, &ESPEC_REQUIREMENTS,
				REQ_HEADER "DEU,AT-JAVELIN,,5,P1,2026-09-30,HP-MED,,\n",
				BATCH_VALID_ONLY, &report, &err), ST_INVALID);
	assert_counts(report, 1, 0, 1, false);
	ck_assert_uint_eq(count(&ESPEC_REQUIREMENTS), 2);
	json_decref(report);
}
END_TEST

/* ---- Volume. ------------------------------------------------------------------ */

/* @n rows, every @bad_every-th (0: none) with a bad quantity. */
static char *many_rows(size_t n, size_t bad_every)
{
	static const char *const items[] = {"AT-JAVELIN", "AT-NLAW", "ART-155-M795", "DRN-FPV"};
	size_t cap = 128 + n * 96, used;
	char *buf = malloc(cap);

	ck_assert_ptr_nonnull(buf);
	used = (size_t)snprintf(buf, cap, REQ_HEADER);
	for (size_t i = 0; i < n; i++) {
		bool bad = bad_every && i % bad_every == 0;
		used += (size_t)snprintf(buf + used, cap - used,
					 "UKR,%s,,%s%zu,P%zu,2026-%02zu-15,HP-MED,,Row %zu\n",
					 items[i % 4], bad ? "q" : "", i % 500 + 1, i % 4 + 1,
					 i % 12 + 1, i);
	}
	return buf;
}

START_TEST(error_list_is_capped_counts_are_not)
{
	char *rows = many_rows(1500, 1), *csv;
	json_t *report = NULL;
	struct verr err;

	/* Row 2 fails in the service, rows 3 to 1502 on a cell: the list
	 * holds the first 1000 errors by row, whichever found them. */
	ck_assert_int_ne(asprintf(&csv, REQ_HEADER "UKR,NO-SUCH-ITEM,,5,P1,2026-09-30,HP-MED,,\n%s",
				  rows + strlen(REQ_HEADER)), -1);
	ck_assert_int_eq(import(&PLANNER, &ESPEC_REQUIREMENTS, csv, BATCH_VALID_ONLY, &report,
				&err), ST_INVALID);
	assert_counts(report, 1501, 0, 1501, false);
	ck_assert_uint_eq(json_array_size(json_object_get(report, "errors")), 1000);
	assert_error(report, 0, 2, "item", "NO-SUCH-ITEM", "no items record");
	assert_error(report, 1, 3, "quantity", "q1", "whole number");
	assert_error(report, 999, 1001, "quantity", "q499", "whole number");
	json_decref(report);
	free(rows);
	free(csv);
}
END_TEST

/*
 * 100 000 rows in one transaction.  On PostgreSQL each row costs several
 * round trips (reference checks, a savepoint, the insert, its audit
 * record): 100 000 rows take about a minute, so the suite uses 20 000 there
 * to keep `make test` short; the path is the same.
 */
START_TEST(hundred_thousand_rows)
{
	const char *db = getenv("NSATU_TEST_DB");
	long long n = db && strncmp(db, "postgres", 8) == 0 ? 20000 : 100000;
	char *csv = many_rows((size_t)n, 0);
	json_t *report = NULL;
	struct verr err;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = import(&PLANNER, &ESPEC_REQUIREMENTS, csv, BATCH_ALL_OR_NOTHING, &report, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_msg(rc == ST_OK, "%s: %s", err.field, err.reason);
	assert_counts(report, n, n, 0, true);
	ck_assert_uint_eq(count(&ESPEC_REQUIREMENTS), (size_t)n);
	fprintf(stderr, "import: %lld requirements in %.1f s\n", n,
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	json_decref(report);
	free(csv);
}
END_TEST

Suite *suite_import(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("csv");
	TCase *big = tcase_create("volume");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, good_file);
	tcase_add_test(tc, good_pledges_of_every_kind);
	tcase_add_test(tc, bom_and_crlf);
	tcase_add_test(tc, from_a_file);
	tcase_add_test(tc, cell_errors_name_row_and_column);
	tcase_add_test(tc, service_errors_map_to_rows);
	tcase_add_test(tc, pledge_rules_name_the_column);
	tcase_add_test(tc, header_errors_name_the_column);
	tcase_add_test(tc, no_rows_and_no_permission);
	tcase_add_test(tc, all_or_nothing_stores_nothing);
	tcase_add_test(tc, valid_only_stores_the_good_rows);
	tcase_add_test(tc, error_list_is_capped_counts_are_not);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(big, setup, teardown);
	tcase_set_timeout(big, 600);
	tcase_add_test(big, hundred_thousand_rows);
	suite_add_tcase(s, big);
	return s;
}
