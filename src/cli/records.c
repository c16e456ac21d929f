/*
 * records.c - nsatu list | get | create | move | export: any record type
 * from the command line, through the same use cases as the API.
 *
 *   nsatu list ENTITY [FIELD=VALUE ...] [--json]
 *   nsatu get ENTITY ID
 *   nsatu create ENTITY '{"field": ...}'        (or - to read JSON from stdin)
 *   nsatu move ENTITY ID TO [--reason TEXT]     (workflow transition)
 *   nsatu export ENTITY [FIELD=VALUE ...] --out FILE.csv|FILE.xlsx
 *
 * All take --db DB and --as USER (default: the system, acting as planner
 * for donations and as admin for reference data).
 */
#include "cli.h"

#include "io/io.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILTERS 8

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nsatu list ENTITY [FIELD=VALUE ...] [--json] [--db DB] [--as USER]\n"
		"       nsatu get ENTITY ID [--db DB] [--as USER]\n"
		"       nsatu create ENTITY JSON|- [--db DB] [--as USER]\n"
		"       nsatu move ENTITY ID TO [--reason TEXT] [--db DB] [--as USER]\n"
		"       nsatu export ENTITY [FIELD=VALUE ...] --out FILE.csv|FILE.xlsx [--db DB] [--as USER]\n\n"
		"ENTITY: nations, sites, coalitions, substitution_groups, items, users,\n"
		"exchange_rates, funding_targets, requirements, pledges, allocations,\n"
		"proposals, proposal_positions, posts.  Without --as the command acts as\n"
		"the system: an admin, or a planner where admins may not act.\n");
}

/* The principal: a user's role and scope, or the system (an admin, or a
 * planner where admins may not do @act). */
static int acting_as(struct svc *svc, const char *user, const struct espec *e,
		     enum action act, struct principal *p)
{
	if (user)
		return svc_principal_of(svc, user, p);
	svc_system_as(p, perm_allows(ROLE_ADMIN, e->name, act) ? ROLE_ADMIN : ROLE_PLANNER);
	return ST_OK;
}

static void print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	putchar('\n');
}

static json_t *read_json(const char *arg)
{
	json_error_t je;
	json_t *v = strcmp(arg, "-") == 0 ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &je)
					  : json_loads(arg, JSON_REJECT_DUPLICATES, &je);

	if (!v)
		fprintf(stderr, "nsatu: the JSON is broken: line %d column %d: %s\n", je.line,
			je.column, je.text);
	return v;
}

int cmd_records(int argc, char **argv)
{
	const char *verb = argv[0], *db = NULL, *as = NULL, *out_file = NULL, *reason = NULL;
	const char *pos[4] = {NULL};
	struct svc_filter filters[MAX_FILTERS];
	char fbuf[MAX_FILTERS][256];
	size_t npos = 0, nf = 0;
	bool json = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return EXIT_OK;
		} else if (strcmp(a, "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strcmp(a, "--as") == 0 && i + 1 < argc) {
			as = argv[++i];
		} else if (strcmp(a, "--out") == 0 && i + 1 < argc) {
			out_file = argv[++i];
		} else if (strcmp(a, "--reason") == 0 && i + 1 < argc) {
			reason = argv[++i];
		} else if (strcmp(a, "--json") == 0) {
			json = true;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "nsatu %s: unknown option '%s'\n", verb, a);
			return EXIT_USAGE;
		} else if (strchr(a, '=') && npos >= 1 && nf < MAX_FILTERS &&
			   (!strcmp(verb, "list") || !strcmp(verb, "export"))) {
			snprintf(fbuf[nf], sizeof fbuf[nf], "%s", a);
			char *eq = strchr(fbuf[nf], '=');
			*eq = '\0';
			filters[nf] = (struct svc_filter){fbuf[nf], eq + 1};
			nf++;
		} else if (npos < 4) {
			pos[npos++] = a;
		} else {
			fprintf(stderr, "nsatu %s: unexpected argument '%s'\n", verb, a);
			return EXIT_USAGE;
		}
	}
	size_t want = !strcmp(verb, "list") || !strcmp(verb, "export") ? 1
		      : !strcmp(verb, "move") ? 3 : 2;
	const struct espec *e = pos[0] ? espec_find(pos[0]) : NULL;
	if (npos != want || !e || (!strcmp(verb, "export") && !out_file)) {
		if (pos[0] && !e)
			fprintf(stderr, "nsatu %s: no record type '%s'\n", verb, pos[0]);
		usage(stderr);
		return EXIT_USAGE;
	}
	enum action act = !strcmp(verb, "create") ? ACT_CREATE
			  : !strcmp(verb, "move") ? ACT_UPDATE : ACT_READ;
	struct store *store;
	struct svc *svc;
	struct principal p;
	struct verr err = {.field = ""};
	json_t *result = NULL;
	int rc;

	/* Trainees are registered by service number: that needs the
	 * server's trainee key ($NSATU_TRAINEE_KEY_FILE or the default). */
	struct svc_config cfg = {0};
	if (e == &ESPEC_TRAINEES && act == ACT_CREATE && !cli_trainee_key(NULL, cli_db(db), &cfg))
		return EXIT_FAIL;
	bool opened = cli_open(cli_db(db), 1, &cfg, &store, &svc);
	sodium_memzero(cfg.trainee_key, sizeof cfg.trainee_key);
	if (!opened)
		return EXIT_FAIL;
	if ((rc = acting_as(svc, as, e, act, &p)) != ST_OK) {
		cli_close(store, svc);
		cli_fail("--as", rc, NULL);
		return EXIT_FAIL;
	}
	struct svc_list q = {.filters = filters, .nfilters = nf, .limit = SVC_MAX_LIMIT};
	if (!strcmp(verb, "list") || !strcmp(verb, "export")) {
		rc = svc_rec_list_all(svc, &p, e, &q, 1000000, &result, &err);
	} else if (!strcmp(verb, "get")) {
		rc = svc_rec_get(svc, &p, e, pos[1], &result);
	} else if (!strcmp(verb, "create")) {
		json_t *body = read_json(pos[1]);
		rc = body ? svc_rec_create(svc, &p, e, body, &result, &err) : ST_INVALID;
		json_decref(body);
		if (!body) {
			cli_close(store, svc);
			return EXIT_USAGE;
		}
	} else {
		rc = svc_transition(svc, &p, e, pos[1], pos[2], reason, -1, &result, &err);
	}
	cli_close(store, svc);
	if (rc != ST_OK) {
		cli_fail(verb, rc, &err);
		return EXIT_FAIL;
	}
	if (!strcmp(verb, "export")) {
		const char *cols[64];
		size_t ncols = io_entity_columns(e, cols, 64);
		size_t n = strlen(out_file);
		char errbuf[256];

		if (n > 5 && !strcmp(out_file + n - 5, ".xlsx")) {
			rc = io_write_xlsx(e->name, NULL, cols, ncols, result, out_file, NULL, NULL,
					   errbuf, sizeof errbuf);
		} else {
			struct jbuf b = {0};
			FILE *f = fopen(out_file, "wb");
			rc = io_write_csv(cols, ncols, result, &b);
			if (!f || (rc == ST_OK && fwrite(b.p, 1, b.len, f) != b.len))
				rc = ST_INTERNAL;
			if (f && fclose(f) != 0)
				rc = ST_INTERNAL;
			snprintf(errbuf, sizeof errbuf, "cannot write %s", out_file);
			jbuf_free(&b);
		}
		if (rc != ST_OK) {
			fprintf(stderr, "nsatu export: %s\n", errbuf);
			json_decref(result);
			return EXIT_FAIL;
		}
		printf("Wrote %zu %s to %s.\n", json_array_size(result), e->name, out_file);
	} else if (!strcmp(verb, "list") && !json) {
		size_t i;
		json_t *r;
		json_array_foreach(result, i, r) {
			json_t *k = json_object_get(r, e->key);
			json_t *st = json_object_get(r, "status");
			json_t *name = json_object_get(r, "name");
			printf("%-26s %-14s %s\n", json_string_value(k),
			       json_is_string(st) ? json_string_value(st) : "",
			       json_is_string(name) ? json_string_value(name) : "");
		}
	} else {
		print_json(result);
	}
	json_decref(result);
	return EXIT_OK;
}
