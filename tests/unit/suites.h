/* suites.h - the unit test suites, one per file of tests/unit. */
#ifndef NSATU_TEST_SUITES_H
#define NSATU_TEST_SUITES_H

#include <check.h>

Suite *suite_core(void);      /* test_core.c: field specs, formats, roles */
Suite *suite_store(void);     /* test_store.c: store conformance (NSATU_TEST_DB) */
TCase *tcase_store_audit(void); /* test_store_audit.c: its audit listing part */
Suite *suite_svc(void);       /* test_svc.c: use cases, scope, audit chain */
Suite *suite_decode(void);    /* test_decode.c: JSON body decoding */
Suite *suite_openapi(void);   /* test_openapi.c: docs/openapi.yaml covers every route */
Suite *suite_csv(void);       /* test_csv.c: the CSV reader */
Suite *suite_donations(void); /* test_donations.c: allocation invariants */
Suite *suite_decisions(void); /* test_decisions.c: silence procedure, manning */
Suite *suite_import(void);    /* test_import.c: CSV import of requirements, pledges */
Suite *suite_document(void);  /* test_document.c: transfer documents, DataMatrix, PDF */
Suite *suite_readiness(void); /* test_readiness.c: the readiness projection */
Suite *suite_schedule(void);  /* test_schedule.c: the training scheduler */
Suite *suite_plan(void);      /* test_plan.c: the allocation optimiser */

#endif
