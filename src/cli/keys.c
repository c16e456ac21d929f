/*
 * keys.c - the server's secret keys, read from files named in its
 * configuration (never from the database): the key of transfer documents'
 * check codes and the key of trainees' pseudonyms.
 *
 * Each is --NAME-key-file FILE, else $NSATU_NAME_KEY_FILE, else a default
 * file beside an SQLite database (./nsatu-NAME.key for PostgreSQL); only
 * that default file is created when missing, with a warning in the log.
 */
#include "cli.h"

#include "log/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct key_kind {
	const char *env;      /* NSATU_..._KEY_FILE */
	const char *suffix;   /* beside an SQLite database */
	const char *pg_file;  /* in the working directory, for PostgreSQL */
	const char *what;     /* for the log */
	const char *keep;     /* how to keep it, for the log */
	const char *option;
};

static const struct key_kind document_key = {
	"NSATU_DOCUMENT_KEY_FILE", ".document-key", "nsatu-document.key",
	"transfer documents", "back it up with the database", "--document-key-file",
};
static const struct key_kind trainee_key = {
	"NSATU_TRAINEE_KEY_FILE", ".trainee-key", "nsatu-trainee.key",
	"trainees' pseudonyms (losing it unlinks every trainee from their service number)",
	"back it up apart from the database (with both, service numbers can be tried)",
	"--trainee-key-file",
};

/* The default key file: next to an SQLite database, else in the working
 * directory (a PostgreSQL server has no file of ours to sit beside). */
static bool default_key_path(const struct key_kind *k, const char *db, char *out, size_t size)
{
	static const char *const pg[] = {"postgresql://", "postgres://"};
	int n;

	for (size_t i = 0; i < sizeof pg / sizeof *pg; i++) {
		if (strncmp(db, pg[i], strlen(pg[i])) == 0) {
			n = snprintf(out, size, "./%s", k->pg_file);
			return n > 0 && (size_t)n < size;
		}
	}
	if (strncmp(db, "sqlite:", 7) == 0)
		db += 7;
	n = snprintf(out, size, "%s%s", db, k->suffix);
	return n > 0 && (size_t)n < size;
}

static bool load_key(const struct key_kind *k, const char *flag, const char *db,
		     unsigned char key[SVC_KEY_LEN], bool *set)
{
	const char *env = getenv(k->env);
	const char *path = flag ? flag : env && *env ? env : NULL;
	char dflt[4096], err[512];
	bool created = false;

	if (!path) {
		if (!default_key_path(k, db, dflt, sizeof dflt)) {
			fprintf(stderr, "nsatu: the database path is too long for a key file "
				"beside it\n");
			return false;
		}
		path = dflt;
	}
	/* Only the default file is made when missing: a file that was named
	 * and is not there is a mistake to report. */
	if (svc_key_file_load(path, path == dflt, key, &created, err, sizeof err) != ST_OK) {
		fprintf(stderr, "nsatu: %s\n", err);
		return false;
	}
	*set = true;
	if (created)
		log_msg(LOG_WARN, "key created",
			"%s: a new key for %s; %s, and give every server of this deployment "
			"the same file (%s)", path, k->what, k->keep, k->option);
	return true;
}

bool cli_document_key(const char *flag, const char *db, struct svc_config *cfg)
{
	return load_key(&document_key, flag, db, cfg->doc_key, &cfg->doc_key_set);
}

bool cli_trainee_key(const char *flag, const char *db, struct svc_config *cfg)
{
	return load_key(&trainee_key, flag, db, cfg->trainee_key, &cfg->trainee_key_set);
}
