/*
 * main.c - runs the API suites against real nsatu servers ($NSATU_BIN).
 * Check prints its closing line ("100%: Checks: N, Failures: 0, Errors:
 * 0"); the exit status is 0 only when every test passed.  Each test runs
 * in its own forked process (CK_FORK) and starts its own server.
 */
#include "client.h"
#include "donations.h"

#include <stdlib.h>

Suite *suite_import(void);   /* test_import.c: CSV uploads */
Suite *suite_transfer_reports(void);  /* test_transfer_reports.c */
Suite *suite_documents(void); /* test_documents.c: transfer documents and scans */
Suite *suite_custody(void);   /* test_custody.c: custody events */
Suite *suite_repairs(void);   /* test_repairs.c: repair orders and repair transport */
Suite *suite_training_reports(void); /* test_training_reports.c */
Suite *suite_training(void);  /* test_training.c: courses, sessions, trainees, enrolments */
Suite *suite_readiness(void); /* test_readiness.c: capability targets, readiness, scheduler */
Suite *suite_plans(void);     /* test_plans.c: allocation plans: run, diff, approve */
Suite *suite_schema(void);    /* test_schema.c: each role's view of the specs */
Suite *suite_conflicts(void); /* test_conflicts.c: who changed a record, in a 412 */
Suite *suite_web(void);       /* test_web.c: the web UI (--web DIR) */

int main(void)
{
	SRunner *sr;
	int failed;

	client_init();
	sr = srunner_create(suite_auth());
	srunner_add_suite(sr, suite_errors());
	srunner_add_suite(sr, suite_records());
	srunner_add_suite(sr, suite_audit());
	srunner_add_suite(sr, suite_ops());
	srunner_add_suite(sr, suite_donations());
	srunner_add_suite(sr, suite_allocations());
	srunner_add_suite(sr, suite_import());
	srunner_add_suite(sr, suite_transfer_reports());
	srunner_add_suite(sr, suite_documents());
	srunner_add_suite(sr, suite_custody());
	srunner_add_suite(sr, suite_repairs());
	srunner_add_suite(sr, suite_training_reports());
	srunner_add_suite(sr, suite_training());
	srunner_add_suite(sr, suite_readiness());
	srunner_add_suite(sr, suite_plans());
	srunner_add_suite(sr, suite_schema());
	srunner_add_suite(sr, suite_conflicts());
	srunner_add_suite(sr, suite_web());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	client_cleanup(failed != 0);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
