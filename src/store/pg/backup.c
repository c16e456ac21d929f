/*
 * backup.c - PostgreSQL backups with pg_dump (custom format, a consistent
 * snapshot of a live database) and restores with pg_restore into an empty
 * database.  Both tools come with Debian's postgresql-client package.
 */
#include "pg.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

static int run_tool(char *const argv[], FILE *progress, char *errbuf, size_t errlen)
{
	pid_t pid;
	int status, err;

	if (progress)
		fprintf(progress, "  running %s ...\n", argv[0]);
	err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (err != 0) {
		snprintf(errbuf, errlen, "cannot run %s: %s", argv[0], strerror(err));
		return ST_INTERNAL;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(errbuf, errlen, "%s: %s", argv[0], strerror(errno));
			return ST_INTERNAL;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(errbuf, errlen, "%s failed (exit %d); see its messages above", argv[0],
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return ST_INTERNAL;
	}
	return ST_OK;
}

int pg_backup(struct store *s, const char *path, FILE *progress, char *errbuf, size_t errlen)
{
	struct pg_store *ps = (struct pg_store *)s;
	struct stat st;
	char file_arg[4200];

	if (stat(path, &st) == 0) {
		snprintf(errbuf, errlen, "%s exists; choose a new file name", path);
		return ST_CONFLICT;
	}
	snprintf(file_arg, sizeof file_arg, "--file=%s", path);
	char *argv[] = {"pg_dump", "--format=custom", "--no-owner", file_arg, ps->url, NULL};
	int rc = run_tool(argv, progress, errbuf, errlen);
	if (rc != ST_OK)
		unlink(path);
	return rc;
}

int pg_restore(struct store *s, const char *path, FILE *progress, char *errbuf,
	       size_t errlen)
{
	struct pg_store *ps = (struct pg_store *)s;
	struct pg_conn *c = store_pool_peek(&ps->pool);
	char db_arg[4200];
	PGresult *res;
	bool empty;

	if (!c)
		return ST_INTERNAL;
	res = PQexec(c->db, "SELECT 1 FROM pg_tables WHERE tablename = 'nsatu_schema'");
	empty = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 0;
	PQclear(res);
	if (!empty) {
		snprintf(errbuf, errlen, "the target database is not empty; restore into a new one");
		return ST_CONFLICT;
	}
	snprintf(db_arg, sizeof db_arg, "--dbname=%s", ps->url);
	char *argv[] = {"pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
			db_arg, (char *)path, NULL};
	return run_tool(argv, progress, errbuf, errlen);
}
