/*
 * db.c - nsatu init, demo and migrate: creating and upgrading databases.
 */
#include "cli.h"

#include "io/io.h"
#include "store/store.h"

#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *data_dir(const char *flag)
{
	const char *env = getenv("NSATU_DATA");
	return flag ? flag : env && *env ? env : "data";
}

/* true when the database already has user @name. */
static bool has_user(struct svc *svc, const char *name)
{
	struct principal sys;
	json_t *u = NULL;

	svc_system_principal(&sys);
	int rc = svc_rec_get(svc, &sys, &ESPEC_USERS, name, &u);
	json_decref(u);
	return rc == ST_OK;
}

static void print_logins(void)
{
	printf("\nDemo logins, one per role (for this demo database only):\n\n"
	       "  %-18s %-14s %-20s %s\n", "role", "username", "password", "scope");
	for (size_t i = 0; i < IO_DEMO_NLOGINS; i++) {
		const struct io_demo_login *l = &IO_DEMO_LOGINS[i];
		printf("  %-18s %-14s %-20s %s\n", l->role, l->username, l->password,
		       l->nation ? l->nation : l->site ? l->site : "all");
	}
	printf("\nLog in: curl -s -X POST http://127.0.0.1:8080/api/v1/sessions \\\n"
	       "          -H 'Content-Type: application/json' \\\n"
	       "          -d '{\"username\":\"planner\",\"password\":\"demo-planner-2026\"}'\n\n");
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"data", required_argument, NULL, 'D'},
		{"logins-only", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *data = NULL;
	bool logins_only = false;
	struct store *store;
	struct svc *svc;
	struct principal sys;
	char err[1024];
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'D': data = optarg; break;
		case 'l': logins_only = true; break;
		case 'h':
			printf("usage: nsatu demo [--db PATH] [--data DIR] [--logins-only]\n\n"
			       "Create (or complete) a database with the demo data set: the\n"
			       "reference data in DIR (default ./data or $NSATU_DATA) and one\n"
			       "user per role.  An existing demo database is left as it is.\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (logins_only) {
		print_logins();
		return EXIT_OK;
	}
	/* The demo's trainees are registered by service number: the server's
	 * trainee key (the default file beside the database) makes them. */
	struct svc_config cfg = {0};
	if (!cli_trainee_key(NULL, cli_db(db), &cfg))
		return EXIT_FAIL;
	bool opened = cli_open(cli_db(db), 2, &cfg, &store, &svc);
	sodium_memzero(cfg.trainee_key, sizeof cfg.trainee_key);
	if (!opened)
		return EXIT_FAIL;
	if (has_user(svc, "admin")) {
		printf("%s already holds the demo data set.\n", cli_db(db));
		cli_close(store, svc);
		print_logins();
		return EXIT_OK;
	}
	svc_system_principal(&sys);
	printf("Loading the demo data set into %s from %s/ ...\n", cli_db(db), data_dir(data));
	rc = io_reference_load(svc, &sys, data_dir(data), stdout, err, sizeof err);
	if (rc == ST_OK) {
		printf("  %-22s %4zu records (hashing passwords)\n", "users", IO_DEMO_NLOGINS);
		rc = io_demo_users(svc, &sys, err, sizeof err);
	}
	if (rc == ST_OK) {
		/* The planner's workflow moves need a planner; the system acts as one. */
		struct principal planner;
		svc_system_as(&planner, ROLE_PLANNER);
		rc = io_demo_donations(svc, &planner, data_dir(data), stdout, err, sizeof err);
		if (rc == ST_OK)
			rc = io_demo_posts(svc, &planner, stdout, err, sizeof err);
		if (rc == ST_OK)
			rc = io_demo_transfers(svc, &planner, stdout, err, sizeof err);
		if (rc == ST_OK)
			rc = io_demo_training(svc, &planner, stdout, err, sizeof err);
		if (rc == ST_OK)
			rc = io_demo_force(svc, &planner, stdout, err, sizeof err);
		/* Last: the demo's plan is over all of the above (demo_plan.c). */
		if (rc == ST_OK)
			rc = io_demo_plan(svc, &planner, data_dir(data), stdout, err, sizeof err);
	}
	cli_close(store, svc);
	if (rc != ST_OK) {
		fprintf(stderr, "nsatu demo: %s\n", err);
		fprintf(stderr, "nsatu demo: the database may be partly loaded; delete %s and run again\n",
			cli_db(db));
		return EXIT_FAIL;
	}
	print_logins();
	return EXIT_OK;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"admin", required_argument, NULL, 'a'},
		{"reference", required_argument, NULL, 'r'},
		{"password-stdin", no_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *admin = NULL, *reference = NULL;
	bool pw_stdin = false;
	struct store *store;
	struct svc *svc;
	struct principal sys;
	struct verr verr = {.field = ""};
	char password[1100], err[1024];
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'a': admin = optarg; break;
		case 'r': reference = optarg; break;
		case 'p': pw_stdin = true; break;
		case 'h':
			printf("usage: nsatu init [--db PATH] --admin NAME [--password-stdin]\n"
			       "                  [--reference DIR]\n\n"
			       "Create a database with its first admin user.  With --reference,\n"
			       "also load the reference data CSV files from DIR.\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (!admin) {
		fprintf(stderr, "nsatu init: --admin NAME is required\n");
		return EXIT_USAGE;
	}
	if (!cli_read_password(pw_stdin, password, sizeof password))
		return EXIT_FAIL;
	if (!cli_open(cli_db(db), 2, NULL, &store, &svc))
		return EXIT_FAIL;
	svc_system_principal(&sys);
	rc = ST_OK;
	if (reference)
		rc = io_reference_load(svc, &sys, reference, stdout, err, sizeof err);
	if (rc != ST_OK) {
		fprintf(stderr, "nsatu init: %s\n", err);
	} else {
		json_t *u = json_pack("{s:s, s:s, s:s}", "username", admin, "password",
				      password, "role", "admin"), *out = NULL;
		rc = u ? svc_rec_create(svc, &sys, &ESPEC_USERS, u, &out, &verr) : ST_INTERNAL;
		json_decref(u);
		json_decref(out);
		if (rc != ST_OK)
			cli_fail("init", rc, &verr);
		else
			printf("Created %s with admin user '%s'.\n", cli_db(db), admin);
	}
	sodium_memzero(password, sizeof password);
	cli_close(store, svc);
	return rc == ST_OK ? EXIT_OK : EXIT_FAIL;
}

int cmd_migrate(int argc, char **argv)
{
	const char *db = NULL;
	struct store *store;
	char err[512];
	int applied = 0, version = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0) {
			printf("usage: nsatu migrate [--db PATH]\n\n"
			       "Apply the schema migrations the database lacks, in one transaction.\n");
			return EXIT_OK;
		} else {
			fprintf(stderr, "nsatu migrate: unexpected argument '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (store_open(cli_db(db), 1, &store, err, sizeof err) != ST_OK) {
		fprintf(stderr, "nsatu migrate: %s\n", err);
		return EXIT_FAIL;
	}
	int rc = store_migrate(store, &applied, &version);
	store_close(store);
	if (rc != ST_OK) {
		fprintf(stderr, "nsatu migrate: failed; the schema is unchanged\n");
		return EXIT_FAIL;
	}
	printf("%s: schema version %d (%d migrations applied)\n", cli_db(db), version, applied);
	return EXIT_OK;
}
