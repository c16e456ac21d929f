/* testutil.c - fresh databases for unit tests. */
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];

struct store *test_store_new(unsigned conns)
{
	const char *backend = getenv("NSATU_TEST_DB");
	char url[512], err[512];
	struct store *s = NULL;
	int applied = 0, version = 0;

	ck_assert_msg(!backend || !*backend || strcmp(backend, "sqlite") == 0,
		      "unknown NSATU_TEST_DB backend '%s'", backend);
	snprintf(dir, sizeof dir, "/tmp/nsatu-unit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(url, sizeof url, "sqlite:%s/test.db", dir);
	ck_assert_msg(store_open(url, conns, &s, err, sizeof err) == ST_OK, "open: %s", err);
	ck_assert_int_eq(store_migrate(s, &applied, &version), ST_OK);
	ck_assert_int_gt(applied, 0);
	return s;
}

void test_store_free(struct store *s)
{
	static const char *const files[] = {"test.db", "test.db-wal", "test.db-shm"};
	char path[300];

	store_close(s);
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}
