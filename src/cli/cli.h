/*
 * cli.h - shared by the subcommands of the nsatu command.
 *
 * Exit codes: 0 success, 1 failure, 2 usage error.
 */
#ifndef NSATU_CLI_H
#define NSATU_CLI_H

#include "svc/svc.h"

#include <stdbool.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

#define CLI_DEFAULT_DB "var/nsatu.db"

/* The database named by --db, else $NSATU_DB, else the default. */
const char *cli_db(const char *flag);

/* Open and migrate the database and make a service on it.  Prints the
 * reason and returns false on failure.  Free with cli_close(). */
bool cli_open(const char *db, unsigned conns, const struct svc_config *cfg,
	      struct store **store, struct svc **svc);

/* Parse a whole number from @min to @max for option @name; prints why not. */
bool cli_number(const char *name, const char *text, long long min, long long max,
		long long *out);
void cli_close(struct store *store, struct svc *svc);

/* Read a password: one line from stdin with --password-stdin, else asked
 * twice on the terminal without echo.  @buf gets the password. */
bool cli_read_password(bool from_stdin, char *buf, size_t size);

/* Ask "question [y/N]" on the terminal; false when not a terminal. */
bool cli_confirm(const char *question);

/* Print a service failure: "nsatu: what: field: reason". */
void cli_fail(const char *what, int st, const struct verr *err);

int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_copy(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_records(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_document(int argc, char **argv);
int cmd_readiness(int argc, char **argv);
int cmd_schedule_training(int argc, char **argv);
int cmd_plan(int argc, char **argv);    /* plan.c */
/* nsatu plan solve FILE.json (plan_solve.c): @argv[0] is "solve". */
int cli_plan_solve(int argc, char **argv);

/*
 * The server's keys into @cfg (keys.c): the transfer documents' key and the
 * trainees' pseudonym key.  Each from the file @flag (--document-key-file,
 * --trainee-key-file), else $NSATU_DOCUMENT_KEY_FILE / $NSATU_TRAINEE_KEY_FILE,
 * else "<db>.document-key" / "<db>.trainee-key" beside an SQLite database
 * (./nsatu-document.key, ./nsatu-trainee.key for PostgreSQL); only that
 * default file is created when missing (with a warning in the log).
 * Prints why not and returns false.
 */
bool cli_document_key(const char *flag, const char *db, struct svc_config *cfg);
bool cli_trainee_key(const char *flag, const char *db, struct svc_config *cfg);

#endif
