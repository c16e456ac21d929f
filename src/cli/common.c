/* common.c - helpers shared by the subcommands. */
#include "cli.h"

#include "log/log.h"
#include "store/store.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

const char *cli_db(const char *flag)
{
	const char *env = getenv("NSATU_DB");

	return flag ? flag : env && *env ? env : CLI_DEFAULT_DB;
}

bool cli_number(const char *name, const char *text, long long min, long long max,
		long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(text, &end, 10);
	if (errno || end == text || *end || *out < min || *out > max) {
		fprintf(stderr, "nsatu: %s: '%s' must be a whole number from %lld to %lld\n",
			name, text, min, max);
		return false;
	}
	return true;
}

bool cli_open(const char *db, unsigned conns, const struct svc_config *cfg,
	      struct store **store, struct svc **svc)
{
	static const struct svc_config defaults;
	char err[512];
	int applied = 0, version = 0;

	*svc = NULL;
	if (store_open(db, conns, store, err, sizeof err) != ST_OK) {
		fprintf(stderr, "nsatu: database: %s\n", err);
		return false;
	}
	if (store_migrate(*store, &applied, &version) != ST_OK) {
		fprintf(stderr, "nsatu: database %s: migration failed (see the log above)\n", db);
		store_close(*store);
		return false;
	}
	if (applied)
		log_msg(LOG_INFO, "migrated", "%s: %d migrations applied, schema version %d",
			db, applied, version);
	if (!(*svc = svc_new(*store, cfg ? cfg : &defaults))) {
		fprintf(stderr, "nsatu: cannot start the service (out of memory?)\n");
		store_close(*store);
		return false;
	}
	return true;
}

void cli_close(struct store *store, struct svc *svc)
{
	svc_free(svc);
	store_close(store);
}

static bool read_line(FILE *f, char *buf, size_t size)
{
	if (!fgets(buf, (int)size, f))
		return false;
	size_t n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n == size - 1)
		return false; /* longer than the buffer */
	buf[n] = '\0';
	return true;
}

static bool ask_hidden(const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	bool ok;

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return false;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	ok = read_line(stdin, buf, size);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return ok;
}

bool cli_read_password(bool from_stdin, char *buf, size_t size)
{
	char again[1100];
	bool same;

	if (from_stdin) {
		if (!read_line(stdin, buf, size)) {
			fprintf(stderr, "nsatu: no password on standard input\n");
			return false;
		}
		return true;
	}
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "nsatu: no terminal to ask for a password; use --password-stdin\n");
		return false;
	}
	if (!ask_hidden("New password: ", buf, size) ||
	    !ask_hidden("Repeat it: ", again, sizeof again))
		return false;
	same = strcmp(buf, again) == 0;
	sodium_memzero(again, sizeof again);
	if (!same)
		fprintf(stderr, "nsatu: the passwords differ\n");
	return same;
}

bool cli_confirm(const char *question)
{
	char answer[16];

	if (!isatty(STDIN_FILENO))
		return false;
	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	return read_line(stdin, answer, sizeof answer) &&
	       (strcmp(answer, "y") == 0 || strcmp(answer, "yes") == 0);
}

void cli_fail(const char *what, int st, const struct verr *err)
{
	if (st == ST_INVALID && err && *err->field)
		fprintf(stderr, "nsatu: %s: %s: %s\n", what, err->field, err->reason);
	else if (st == ST_INVALID && err)
		fprintf(stderr, "nsatu: %s: %s\n", what, err->reason);
	else if (st == ST_CONFLICT && err && *err->field)
		fprintf(stderr, "nsatu: %s: %s: %s\n", what, err->field, err->reason);
	else if (st == ST_NOT_FOUND)
		fprintf(stderr, "nsatu: %s: not found\n", what);
	else
		fprintf(stderr, "nsatu: %s failed: %s\n", what, status_name((enum status)st));
}
