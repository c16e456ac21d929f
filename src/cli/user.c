/*
 * user.c - nsatu user add|list|disable|enable|passwd.
 */
#include "cli.h"

#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nsatu user add NAME --role ROLE [--nation ISO3] [--site CODE]\n"
		"                      [--name DISPLAY] [--expires YYYY-MM-DD] [--password-stdin]\n"
		"       nsatu user list [--role ROLE] [--json]\n"
		"       nsatu user disable NAME [--yes]\n"
		"       nsatu user enable NAME\n"
		"       nsatu user passwd NAME [--password-stdin]\n"
		"  (all take --db PATH)\n\n"
		"Roles: admin, planner, donor_liaison (needs --nation), recipient_officer\n"
		"(needs --nation), node_operator (needs --site), facility_operator (needs\n"
		"--site), auditor.  Passwords have at least 12 characters; without\n"
		"--password-stdin they are asked twice on the terminal.\n");
}

struct args {
	const char *db, *role, *nation, *site, *name, *expires;
	bool pw_stdin, json, yes;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"role", required_argument, NULL, 'r'},
		{"nation", required_argument, NULL, 'n'},
		{"site", required_argument, NULL, 's'},
		{"name", required_argument, NULL, 'N'},
		{"expires", required_argument, NULL, 'e'},
		{"password-stdin", no_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'j'},
		{"yes", no_argument, NULL, 'y'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hy", opts, NULL)) != -1) {
		switch (c) {
		case 'd': a->db = optarg; break;
		case 'r': a->role = optarg; break;
		case 'n': a->nation = optarg; break;
		case 's': a->site = optarg; break;
		case 'N': a->name = optarg; break;
		case 'e': a->expires = optarg; break;
		case 'p': a->pw_stdin = true; break;
		case 'j': a->json = true; break;
		case 'y': a->yes = true; break;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return -2;
		}
	}
	return optind;
}

static int user_add(struct svc *svc, const struct principal *sys, const char *name,
		    const struct args *a)
{
	char password[1100];
	struct verr err = {.field = ""};
	json_t *u, *out = NULL;
	int rc;

	if (!a->role) {
		fprintf(stderr, "nsatu user add: --role is required\n");
		return EXIT_USAGE;
	}
	if (!cli_read_password(a->pw_stdin, password, sizeof password))
		return EXIT_FAIL;
	u = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "username", name,
		      "password", password, "role", a->role, "nation", a->nation, "site",
		      a->site, "display_name", a->name, "expires_on", a->expires);
	sodium_memzero(password, sizeof password);
	if (!u) {
		fprintf(stderr, "nsatu user add: arguments must be valid UTF-8\n");
		return EXIT_USAGE;
	}
	rc = svc_rec_create(svc, sys, &ESPEC_USERS, u, &out, &err);
	json_decref(u);
	json_decref(out);
	if (rc != ST_OK) {
		cli_fail("user add", rc, &err);
		return EXIT_FAIL;
	}
	printf("Added user '%s' (%s).\n", name, a->role);
	return EXIT_OK;
}

static int user_list(struct svc *svc, const struct principal *sys, const struct args *a)
{
	struct svc_filter f = {"role", a->role};
	struct svc_list q = {.filters = &f, .nfilters = a->role ? 1 : 0, .limit = SVC_MAX_LIMIT};
	json_t *all = json_array(), *page = NULL;
	struct verr err = {.field = ""};
	char cursor[256] = "";
	int rc;

	do {
		q.cursor = *cursor ? cursor : NULL;
		if ((rc = svc_rec_list(svc, sys, &ESPEC_USERS, &q, &page, &err)) != ST_OK) {
			cli_fail("user list", rc, &err);
			json_decref(all);
			return EXIT_FAIL;
		}
		json_array_extend(all, json_object_get(page, "items"));
		const char *next = json_string_value(json_object_get(page, "next_cursor"));
		snprintf(cursor, sizeof cursor, "%s", next ? next : "");
		json_decref(page);
	} while (*cursor);
	if (a->json) {
		json_dumpf(all, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		size_t i;
		json_t *u;
		printf("%-20s %-18s %-7s %-8s %-8s %-11s %s\n", "USERNAME", "ROLE", "NATION",
		       "SITE", "STATE", "EXPIRES", "NAME");
		json_array_foreach(all, i, u) {
			const char *nation = json_string_value(json_object_get(u, "nation"));
			const char *site = json_string_value(json_object_get(u, "site"));
			const char *name = json_string_value(json_object_get(u, "display_name"));
			const char *until = json_string_value(json_object_get(u, "expires_on"));
			printf("%-20s %-18s %-7s %-8s %-8s %-11s %s\n",
			       json_string_value(json_object_get(u, "username")),
			       json_string_value(json_object_get(u, "role")), nation ? nation : "-",
			       site ? site : "-",
			       json_is_true(json_object_get(u, "disabled")) ? "disabled" : "active",
			       until ? until : "-", name ? name : "");
		}
	}
	json_decref(all);
	return EXIT_OK;
}

static int user_set_disabled(struct svc *svc, const struct principal *sys,
			     const char *name, bool disabled, const struct args *a)
{
	struct verr err = {.field = ""};
	json_t *patch, *out = NULL;
	char question[160];
	int rc;

	if (disabled && !a->yes) {
		snprintf(question, sizeof question,
			 "Disable user '%s'? Their sessions end at once.", name);
		if (!cli_confirm(question)) {
			fprintf(stderr, "nsatu user disable: not confirmed (use --yes to skip the question)\n");
			return EXIT_FAIL;
		}
	}
	patch = json_pack("{s:b}", "disabled", disabled);
	rc = svc_rec_update(svc, sys, &ESPEC_USERS, name, patch, -1, &out, &err);
	json_decref(patch);
	json_decref(out);
	if (rc != ST_OK) {
		cli_fail(disabled ? "user disable" : "user enable", rc, &err);
		return EXIT_FAIL;
	}
	printf("User '%s' is %s.\n", name, disabled ? "disabled; their sessions ended" : "enabled");
	return EXIT_OK;
}

static int user_passwd(struct svc *svc, const struct principal *sys, const char *name,
		       const struct args *a)
{
	struct verr err = {.field = ""};
	char password[1100];
	int rc;

	if (!cli_read_password(a->pw_stdin, password, sizeof password))
		return EXIT_FAIL;
	rc = svc_user_passwd(svc, sys, name, password, &err);
	sodium_memzero(password, sizeof password);
	if (rc != ST_OK) {
		cli_fail("user passwd", rc, &err);
		return EXIT_FAIL;
	}
	printf("Password of '%s' changed.\n", name);
	return EXIT_OK;
}

int cmd_user(int argc, char **argv)
{
	struct args a = {0};
	struct store *store;
	struct svc *svc;
	struct principal sys;
	const char *verb, *name;
	int first, rc;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	verb = argv[1];
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if ((first = parse(argc - 1, argv + 1, &a)) < 0)
		return first == -1 ? EXIT_OK : EXIT_USAGE;
	first++; /* index into argv of the first operand */
	bool needs_name = strcmp(verb, "list") != 0;
	if (needs_name ? argc - first != 1 : argc - first != 0) {
		if (strcmp(verb, "add") && strcmp(verb, "list") && strcmp(verb, "disable") &&
		    strcmp(verb, "enable") && strcmp(verb, "passwd"))
			fprintf(stderr, "nsatu user: unknown action '%s'\n", verb);
		else
			fprintf(stderr, "nsatu user %s: %s\n", verb,
				needs_name ? "give exactly one user name" : "takes no operands");
		usage(stderr);
		return EXIT_USAGE;
	}
	name = needs_name ? argv[first] : NULL;
	if (!cli_open(cli_db(a.db), 2, NULL, &store, &svc))
		return EXIT_FAIL;
	svc_system_principal(&sys);
	if (strcmp(verb, "add") == 0)
		rc = user_add(svc, &sys, name, &a);
	else if (strcmp(verb, "list") == 0)
		rc = user_list(svc, &sys, &a);
	else if (strcmp(verb, "disable") == 0)
		rc = user_set_disabled(svc, &sys, name, true, &a);
	else if (strcmp(verb, "enable") == 0)
		rc = user_set_disabled(svc, &sys, name, false, &a);
	else if (strcmp(verb, "passwd") == 0)
		rc = user_passwd(svc, &sys, name, &a);
	else {
		fprintf(stderr, "nsatu user: unknown action '%s'\n", verb);
		rc = EXIT_USAGE;
	}
	cli_close(store, svc);
	return rc;
}
