/*
 * main.c - runs every unit suite with Check.  Check prints its own closing
 * line ("100%: Checks: N, Failures: 0, Errors: 0"); the exit status is 0
 * only when every test passed.
 */
#include "suites.h"

#include "log/log.h"

#include <stdlib.h>

int main(void)
{
	SRunner *sr;
	int failed;

	/* Expected failures (bad logins, ...) would log warnings; keep errors. */
	log_set_level(LOG_ERROR);
	sr = srunner_create(suite_core());
	srunner_add_suite(sr, suite_decode());
	srunner_add_suite(sr, suite_store());
	srunner_add_suite(sr, suite_svc());
	srunner_add_suite(sr, suite_openapi());
	srunner_add_suite(sr, suite_csv());
	srunner_add_suite(sr, suite_donations());
	srunner_add_suite(sr, suite_decisions());
	srunner_add_suite(sr, suite_import());
	srunner_add_suite(sr, suite_document());
	srunner_add_suite(sr, suite_readiness());
	srunner_add_suite(sr, suite_schedule());
	srunner_add_suite(sr, suite_plan());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
