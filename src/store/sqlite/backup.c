/*
 * backup.c - SQLite backups with the online backup API: a consistent copy
 * of a live database, taken a few hundred pages at a time so that writers
 * are never held up for long.  Restore runs the same API the other way.
 */
#include "sq.h"

#include "log/log.h"

#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGES_PER_STEP 256

static int copy_db(sqlite3 *from, sqlite3 *to, FILE *progress, char *errbuf, size_t errlen)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	int rc, last_pct = -1;

	if (!b) {
		snprintf(errbuf, errlen, "backup: %s", sqlite3_errmsg(to));
		return ST_INTERNAL;
	}
	do {
		rc = sqlite3_backup_step(b, PAGES_PER_STEP);
		int total = sqlite3_backup_pagecount(b);
		int pct = total ? 100 * (total - sqlite3_backup_remaining(b)) / total : 100;
		if (progress && pct / 10 != last_pct / 10) {
			fprintf(progress, "  %3d %% of %d pages\n", pct, total);
			last_pct = pct;
		}
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(errbuf, errlen, "backup: %s", sqlite3_errstr(rc));
		return ST_INTERNAL;
	}
	return ST_OK;
}

static int open_file(const char *path, int flags, sqlite3 **db, char *errbuf, size_t errlen)
{
	if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
		snprintf(errbuf, errlen, "%s: %s", path, *db ? sqlite3_errmsg(*db) : "cannot open");
		sqlite3_close(*db);
		*db = NULL;
		return ST_INVALID;
	}
	return ST_OK;
}

int sq_backup(struct store *s, const char *path, FILE *progress, char *errbuf, size_t errlen)
{
	struct sq_store *ss = sq_store_of(s);
	sqlite3 *from = NULL, *to = NULL;
	struct stat st;
	int rc;

	if (stat(path, &st) == 0) {
		snprintf(errbuf, errlen, "%s exists; choose a new file name", path);
		return ST_CONFLICT;
	}
	if ((rc = open_file(ss->path, SQLITE_OPEN_READONLY, &from, errbuf, errlen)) != ST_OK)
		return rc;
	if ((rc = open_file(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &to, errbuf,
			    errlen)) != ST_OK) {
		sqlite3_close(from);
		return rc;
	}
	sqlite3_busy_timeout(from, 5000);
	rc = copy_db(from, to, progress, errbuf, errlen);
	sqlite3_close(from);
	if (sqlite3_close(to) != SQLITE_OK && rc == ST_OK)
		rc = ST_INTERNAL;
	if (rc != ST_OK)
		unlink(path);
	return rc;
}

int sq_restore(struct store *s, const char *path, FILE *progress, char *errbuf,
	       size_t errlen)
{
	struct sq_store *ss = sq_store_of(s);
	sqlite3 *from = NULL, *to = NULL;
	int rc;

	if ((rc = open_file(path, SQLITE_OPEN_READONLY, &from, errbuf, errlen)) != ST_OK)
		return rc;
	if ((rc = open_file(ss->path, SQLITE_OPEN_READWRITE, &to, errbuf, errlen)) != ST_OK) {
		sqlite3_close(from);
		return rc;
	}
	sqlite3_busy_timeout(to, 5000);
	rc = copy_db(from, to, progress, errbuf, errlen);
	sqlite3_close(from);
	sqlite3_close(to);
	return rc;
}
