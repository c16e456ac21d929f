/*
 * backup.c - nsatu backup, restore and copy: moving whole databases.
 */
#include "cli.h"

#include "store/store.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Parse "--name VALUE" pairs into @vals by @names; false on a bad argument. */
static bool pairs(int argc, char **argv, const char *const *names, const char **vals,
		  size_t n, const char *cmd)
{
	for (int i = 1; i < argc; i++) {
		size_t k;
		for (k = 0; k < n; k++) {
			if (strcmp(argv[i], names[k]) == 0 && i + 1 < argc) {
				vals[k] = argv[++i];
				break;
			}
		}
		if (k == n) {
			fprintf(stderr, "nsatu %s: unexpected argument '%s'\n", cmd, argv[i]);
			return false;
		}
	}
	return true;
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

int cmd_backup(int argc, char **argv)
{
	static const char *const names[] = {"--db", "--to"};
	const char *vals[2] = {NULL, NULL};
	struct store *store;
	struct svc *svc;
	char err[512];
	int rc;

	if (wants_help(argc, argv)) {
		printf("usage: nsatu backup [--db PATH|URL] --to FILE\n\n"
		       "Write a consistent copy of the live database to FILE (a new file):\n"
		       "SQLite's online backup, or pg_dump's custom format for PostgreSQL.\n"
		       "The server may keep running.  Restore with 'nsatu restore'.\n");
		return EXIT_OK;
	}
	if (!pairs(argc, argv, names, vals, 2, "backup"))
		return EXIT_USAGE;
	if (!vals[1]) {
		fprintf(stderr, "nsatu backup: --to FILE is required\n");
		return EXIT_USAGE;
	}
	if (!cli_open(cli_db(vals[0]), 1, NULL, &store, &svc))
		return EXIT_FAIL;
	printf("Backing up %s to %s ...\n", cli_db(vals[0]), vals[1]);
	rc = store_backup(store, vals[1], stdout, err, sizeof err);
	cli_close(store, svc);
	if (rc != ST_OK) {
		fprintf(stderr, "nsatu backup: %s\n", err);
		return EXIT_FAIL;
	}
	printf("Backup written to %s.\n", vals[1]);
	return EXIT_OK;
}

int cmd_restore(int argc, char **argv)
{
	static const char *const names[] = {"--db", "--from"};
	const char *vals[2] = {NULL, NULL};
	struct store *store;
	struct svc *svc;
	struct svc_audit_check chk;
	struct principal sys;
	struct stat st;
	char err[512];
	int rc, applied, version;

	if (wants_help(argc, argv)) {
		printf("usage: nsatu restore --from FILE [--db PATH|URL]\n\n"
		       "Load a backup made by 'nsatu backup' into a database that does not\n"
		       "exist yet (SQLite) or is empty (PostgreSQL), bring its schema up to\n"
		       "date, and verify its audit trail.  Nothing existing is overwritten.\n");
		return EXIT_OK;
	}
	if (!pairs(argc, argv, names, vals, 2, "restore"))
		return EXIT_USAGE;
	const char *db = cli_db(vals[0]);
	if (!vals[1]) {
		fprintf(stderr, "nsatu restore: --from FILE is required\n");
		return EXIT_USAGE;
	}
	if (!strstr(db, "://") && stat(strncmp(db, "sqlite:", 7) == 0 ? db + 7 : db, &st) == 0) {
		fprintf(stderr, "nsatu restore: %s exists; restore into a new file "
			"(move the old one away first)\n", db);
		return EXIT_FAIL;
	}
	if (store_open(db, 1, &store, err, sizeof err) != ST_OK) {
		fprintf(stderr, "nsatu restore: %s\n", err);
		return EXIT_FAIL;
	}
	printf("Restoring %s into %s ...\n", vals[1], db);
	rc = store_restore(store, vals[1], stdout, err, sizeof err);
	if (rc == ST_OK)
		rc = store_migrate(store, &applied, &version);
	store_close(store);
	if (rc != ST_OK) {
		fprintf(stderr, "nsatu restore: %s\n", err);
		return EXIT_FAIL;
	}
	if (!cli_open(db, 1, NULL, &store, &svc))
		return EXIT_FAIL;
	svc_system_principal(&sys);
	rc = svc_audit_verify(svc, &sys, &chk);
	cli_close(store, svc);
	if (rc != ST_OK || chk.bad_seq) {
		fprintf(stderr, "nsatu restore: restored, but the audit trail does not verify: %s\n",
			rc == ST_OK ? chk.reason : status_name((enum status)rc));
		return EXIT_FAIL;
	}
	printf("Restored; audit trail verified (%lld records).\n", (long long)chk.records);
	return EXIT_OK;
}

int cmd_copy(int argc, char **argv)
{
	static const char *const names[] = {"--from", "--to"};
	const char *vals[2] = {NULL, NULL};
	struct store *from, *to;
	struct svc *from_svc, *to_svc;
	struct svc_audit_check chk;
	struct principal sys;
	char err[512];
	int rc;

	if (wants_help(argc, argv)) {
		printf("usage: nsatu copy --from DB --to DB\n\n"
		       "Copy a deployment's data between databases, e.g. from an SQLite file\n"
		       "to postgresql://...: every record and the audit trail, which is\n"
		       "verified on the target afterwards.  The target must be empty.  Stop\n"
		       "the server first: writes made during the copy are not carried over.\n");
		return EXIT_OK;
	}
	if (!pairs(argc, argv, names, vals, 2, "copy"))
		return EXIT_USAGE;
	if (!vals[0] || !vals[1]) {
		fprintf(stderr, "nsatu copy: --from and --to are required\n");
		return EXIT_USAGE;
	}
	if (!cli_open(vals[0], 1, NULL, &from, &from_svc))
		return EXIT_FAIL;
	if (!cli_open(vals[1], 2, NULL, &to, &to_svc)) {
		cli_close(from, from_svc);
		return EXIT_FAIL;
	}
	printf("Copying %s to %s ...\n", vals[0], vals[1]);
	rc = svc_copy(from, to, stdout, err, sizeof err);
	if (rc == ST_OK) {
		svc_system_principal(&sys);
		rc = svc_audit_verify(to_svc, &sys, &chk);
		if (rc == ST_OK && chk.bad_seq) {
			snprintf(err, sizeof err, "the copied audit trail does not verify: %s",
				 chk.reason);
			rc = ST_INTERNAL;
		}
	}
	cli_close(from, from_svc);
	cli_close(to, to_svc);
	if (rc != ST_OK) {
		fprintf(stderr, "nsatu copy: %s\n", err);
		return EXIT_FAIL;
	}
	printf("Copied; audit trail verified on the target (%lld records).\n",
	       (long long)chk.records);
	return EXIT_OK;
}
