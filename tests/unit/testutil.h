/* testutil.h - helpers shared by the unit tests. */
#ifndef NSATU_TESTUTIL_H
#define NSATU_TESTUTIL_H

#include "store/store.h"

#include <stdbool.h>

/*
 * A fresh, migrated database for one test.  The backend comes from
 * $NSATU_TEST_DB: unset or "sqlite" gives a new SQLite file in a temporary
 * directory.  Other backends (PostgreSQL) plug in here.
 */
struct store *test_store_new(unsigned conns);
void test_store_free(struct store *s);

struct svc;

/* A service on @s with the cheapest password hashing (these tests are about
 * logic), @auth_cache_ms as given, and the reference data of data/ loaded. */
struct svc *test_svc_new(struct store *s, long long auth_cache_ms);

#endif
