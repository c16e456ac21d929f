/*
 * testutil.c - fresh databases for unit tests.
 *
 * NSATU_TEST_DB unset or "sqlite": a new SQLite file per test.
 * NSATU_TEST_DB=postgresql://...: a new database per test on that server,
 * created and dropped through libpq here (test code, not product code).
 */
#include "testutil.h"

#include "io/io.h"
#include "svc/svc.h"

#include <check.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];
static char pg_db[64];

static bool is_pg(const char *url)
{
	return url && (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0);
}

/* Run one statement on the server's maintenance connection. */
static void pg_admin(const char *url, const char *sql)
{
	PGconn *db = PQconnectdb(url);
	PGresult *res;

	ck_assert_msg(PQstatus(db) == CONNECTION_OK, "connect %s: %s", url, PQerrorMessage(db));
	res = PQexec(db, sql);
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s", sql,
		      PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(db);
}

/* @url with its database name replaced by @name. */
static void with_db(const char *url, const char *name, char *out, size_t size)
{
	const char *slash = strrchr(url, '/');
	const char *query = strchr(url, '?');
	int host_len = (int)(slash - url);

	snprintf(out, size, "%.*s/%s%s", host_len, url, name, query ? query : "");
}

struct store *test_store_new(unsigned conns)
{
	const char *backend = getenv("NSATU_TEST_DB");
	char url[512], err[512], sql[128];
	struct store *s = NULL;
	int applied = 0, version = 0;

	if (is_pg(backend)) {
		static unsigned counter;
		snprintf(pg_db, sizeof pg_db, "nsatu_t%d_%u", (int)getpid(), counter++);
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", pg_db);
		pg_admin(backend, sql);
		with_db(backend, pg_db, url, sizeof url);
	} else {
		ck_assert_msg(!backend || !*backend || strcmp(backend, "sqlite") == 0,
			      "unknown NSATU_TEST_DB backend '%s'", backend);
		snprintf(dir, sizeof dir, "/tmp/nsatu-unit-XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(dir));
		snprintf(url, sizeof url, "sqlite:%s/test.db", dir);
	}
	ck_assert_msg(store_open(url, conns, &s, err, sizeof err) == ST_OK, "open: %s", err);
	ck_assert_int_eq(store_migrate(s, &applied, &version), ST_OK);
	ck_assert_int_gt(applied, 0);
	return s;
}

void test_store_free(struct store *s)
{
	static const char *const files[] = {"test.db", "test.db-wal", "test.db-shm"};
	const char *backend = getenv("NSATU_TEST_DB");
	char path[300];

	store_close(s);
	if (is_pg(backend)) {
		snprintf(path, sizeof path, "DROP DATABASE IF EXISTS %s", pg_db);
		pg_admin(backend, path);
		return;
	}
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

struct svc *test_svc_new(struct store *s, long long auth_cache_ms)
{
	struct svc_config cfg = {.pw_opslimit = crypto_pwhash_OPSLIMIT_MIN,
				 .pw_memlimit = crypto_pwhash_MEMLIMIT_MIN,
				 .auth_cache_ms = auth_cache_ms};
	struct principal sys;
	struct svc *v = svc_new(s, &cfg);
	char err[512];

	ck_assert_ptr_nonnull(v);
	svc_system_principal(&sys);
	ck_assert_msg(io_reference_load(v, &sys, "data", NULL, err, sizeof err) == ST_OK, "%s", err);
	return v;
}
