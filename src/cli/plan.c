/*
 * plan.c - nsatu plan: run the allocation optimiser over the database,
 * review its plans, approve or discard them; and (plan_solve.c) solve a
 * problem file without any database.
 *
 *   nsatu plan run [--title T] [--as-of YYYY-MM-DD] [--json]
 *   nsatu plan list [--json]
 *   nsatu plan show ID [--json]
 *   nsatu plan diff ID [--json]
 *   nsatu plan approve ID
 *   nsatu plan discard ID [--reason R] --yes
 *   nsatu plan solve FILE.json [--json]
 *
 * All but solve take --db DB and --as USER (default: the system acting
 * as a planner), and use the same use cases as the API.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nsatu plan run [--title T] [--as-of YYYY-MM-DD] [--json] [--db DB] [--as USER]\n"
		"       nsatu plan list [--json] [--db DB] [--as USER]\n"
		"       nsatu plan show ID [--json] [--db DB] [--as USER]\n"
		"       nsatu plan diff ID [--json] [--db DB] [--as USER]\n"
		"       nsatu plan approve ID [--db DB] [--as USER]\n"
		"       nsatu plan discard ID [--reason R] --yes [--db DB] [--as USER]\n"
		"       nsatu plan solve FILE.json [--json]\n\n"
		"run: plan the unallocated materiel pledges against the open requirements\n"
		"(validated or partly met) over the lanes, from --as-of (default today),\n"
		"and keep the plan as a draft.  show: its summary and proposed allocations.\n"
		"diff: per requirement, today's allocations and what the plan adds; says\n"
		"when the inputs changed since the run.  approve: create the plan's\n"
		"allocations (refused when the inputs changed: run again).  discard: drop\n"
		"a draft (needs --yes).  solve: solve a problem file (as GET\n"
		"/api/v1/plans/ID/problem gives it) without a database.\n"
		"Without --as the command acts as the system, as a planner.\n");
}

struct args {
	const char *db, *as, *title, *as_of, *reason, *id;
	bool json, yes;
};

/* ---- Printing. ---------------------------------------------------------------- */

static const char *s_of(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static long long i_of(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static void print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	putchar('\n');
}

static double n_of(const json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

/* Units on time per priority, as the optimiser found them. */
static void print_on_time(const json_t *objective)
{
	const json_t *u = json_object_get(objective, "on_time_units");

	printf("Units on time: P1 %.0f, P2 %.0f, P3 %.0f, P4 %.0f", n_of(u, "P1"), n_of(u, "P2"),
	       n_of(u, "P3"), n_of(u, "P4"));
}

/* Each requirement the plan leaves late or short, and why. */
static void print_shortfalls(const json_t *shortfalls)
{
	size_t i, j;
	json_t *s, *w;

	if (!json_array_size(shortfalls))
		return;
	printf("\nRequirements not met in full on time:\n");
	json_array_foreach(shortfalls, i, s) {
		printf("  %s: %.0f units, %.0f on time, %.0f late, %.0f unmet\n", s_of(s, "demand"),
		       n_of(s, "quantity"), n_of(s, "on_time"), n_of(s, "late"), n_of(s, "unmet"));
		json_array_foreach(json_object_get(s, "why"), j, w)
			printf("    - %s\n", s_of(w, "text"));
	}
}

static void print_summary(const json_t *plan)
{
	const json_t *result = json_object_get(plan, "plan");
	size_t i;
	json_t *l;

	printf("Plan %s (%s) as of %s%s%s\n", s_of(plan, "id"), s_of(plan, "status"),
	       s_of(plan, "as_of"), json_is_string(json_object_get(plan, "title")) ? ": " : "",
	       s_of(plan, "title"));
	printf("%lld requirement lines, %lld pledge lines; %lld allocations proposed.\n",
	       i_of(plan, "requirements"), i_of(plan, "pledges"), i_of(plan, "allocations"));
	print_on_time(json_object_get(result, "objective"));
	printf("; late %lld; unmet %lld.  Transport cost EUR %.2f.\n", i_of(plan, "late_units"),
	       i_of(plan, "unmet_units"), json_number_value(json_object_get(plan, "cost_eur")));
	json_array_foreach(json_object_get(result, "left_out"), i, l)
		printf("Left out: %s (%s, %lld units): %s\n", s_of(l, "pledge"), s_of(l, "item"),
		       i_of(l, "units"), s_of(l, "reason"));
	print_shortfalls(json_object_get(result, "shortfalls"));
}

static void print_allocations(const json_t *allocs)
{
	size_t i;
	json_t *a;

	printf("\n%-26s %-26s %-14s %8s %-10s %5s  %s\n", "REQUIREMENT", "PLEDGE", "ITEM", "UNITS",
	       "EXPECTED", "LATE", "ROUTE");
	json_array_foreach(allocs, i, a)
		printf("%-26s %-26s %-14s %8lld %-10s %5lld  %s\n", s_of(a, "requirement"),
		       s_of(a, "pledge"), s_of(a, "item"), i_of(a, "quantity"), s_of(a, "expected_on"),
		       i_of(a, "days_late"), s_of(a, "route"));
	if (!json_array_size(allocs))
		printf("(none)\n");
}

static void print_diff(const json_t *d)
{
	const json_t *t = json_object_get(d, "totals");
	size_t i, j;
	json_t *r, *a;

	printf("Plan %s (%s) as of %s\n", s_of(d, "plan"), s_of(d, "status"), s_of(d, "as_of"));
	if (json_is_true(json_object_get(d, "stale")))
		printf("STALE: %s\n", s_of(d, "stale_reason"));
	json_array_foreach(json_object_get(d, "requirements"), i, r) {
		const char *what = s_of(r, "item");
		printf("\n%s %s %s, %lld to %s by %s (%s): allocated %lld, plan adds %lld, "
		       "remaining %lld\n", s_of(r, "requirement"), s_of(r, "priority"),
		       *what ? what : s_of(r, "substitution_group"), i_of(r, "requested"),
		       s_of(r, "destination"), s_of(r, "needed_by"), s_of(r, "status"),
		       i_of(r, "current_units"), i_of(r, "proposed_units"), i_of(r, "remaining_units"));
		json_array_foreach(json_object_get(r, "current"), j, a)
			printf("    %-26s %8lld  (allocated)\n", s_of(a, "pledge"), i_of(a, "quantity"));
		json_array_foreach(json_object_get(r, "proposed"), j, a)
			printf("  + %-26s %8lld  %s, expected %s%s\n", s_of(a, "pledge"),
			       i_of(a, "quantity"), s_of(a, "route"), s_of(a, "expected_on"),
			       i_of(a, "days_late") ? " (late)" : "");
	}
	printf("\nTotals: %lld requirements; allocated %lld units, the plan adds %lld in %lld "
	       "allocations, %lld remain.\n", i_of(t, "requirements"), i_of(t, "current_units"),
	       i_of(t, "proposed_units"), i_of(t, "allocations"), i_of(t, "remaining_units"));
}

static void print_list(const json_t *rows)
{
	size_t i;
	json_t *r;

	printf("%-26s %-9s %-10s %6s %9s %9s %9s  %s\n", "PLAN", "STATUS", "AS OF", "ALLOCS",
	       "ON TIME", "LATE", "UNMET", "TITLE");
	json_array_foreach(rows, i, r)
		printf("%-26s %-9s %-10s %6lld %9lld %9lld %9lld  %s\n", s_of(r, "id"),
		       s_of(r, "status"), s_of(r, "as_of"), i_of(r, "allocations"),
		       i_of(r, "on_time_units"), i_of(r, "late_units"), i_of(r, "unmet_units"),
		       s_of(r, "title"));
	if (!json_array_size(rows))
		printf("(no plans)\n");
}

/* ---- The subcommands. ------------------------------------------------------------ */

static int run(struct svc *svc, const struct principal *p, const struct args *a, json_t **out,
	       struct verr *err)
{
	return svc_plan_run(svc, p, a->title, a->as_of, stderr, out, err);
}

static int list(struct svc *svc, const struct principal *p, const struct args *a, json_t **out,
		struct verr *err)
{
	struct svc_list q = {.limit = SVC_MAX_LIMIT};

	(void)a;
	return svc_rec_list_all(svc, p, &ESPEC_PLANS, &q, 100000, out, err);
}

static int show(struct svc *svc, const struct principal *p, const struct args *a, json_t **out,
		struct verr *err)
{
	(void)err;
	return svc_plan_get(svc, p, a->id, out);
}

static int diff(struct svc *svc, const struct principal *p, const struct args *a, json_t **out,
		struct verr *err)
{
	(void)err;
	return svc_plan_diff(svc, p, a->id, out);
}

static int approve(struct svc *svc, const struct principal *p, const struct args *a,
		   json_t **out, struct verr *err)
{
	return svc_transition(svc, p, &ESPEC_PLANS, a->id, "approved", NULL, -1, out, err);
}

static int discard(struct svc *svc, const struct principal *p, const struct args *a,
		   json_t **out, struct verr *err)
{
	return svc_transition(svc, p, &ESPEC_PLANS, a->id, "discarded", a->reason, -1, out, err);
}

static void print_run(const json_t *out)
{
	print_summary(out);
	printf("\nReview it: nsatu plan diff %s; approve it: nsatu plan approve %s\n",
	       s_of(out, "id"), s_of(out, "id"));
}

static void print_show(const json_t *out)
{
	print_summary(out);
	print_allocations(json_object_get(json_object_get(out, "plan"), "allocations"));
}

static void print_moved(const json_t *out)
{
	if (strcmp(s_of(out, "status"), "approved") == 0)
		printf("Plan %s approved by %s: %lld allocations created.\n", s_of(out, "id"),
		       s_of(out, "approved_by"), i_of(out, "allocations"));
	else
		printf("Plan %s discarded.\n", s_of(out, "id"));
}

/* The options a subcommand takes besides --db and --as. */
enum {
	O_RUN = 1u << 0,      /* --title, --as-of */
	O_JSON = 1u << 1,
	O_DISCARD = 1u << 2,  /* --reason, --yes */
};

static const struct sub {
	const char *name;
	int (*fn)(struct svc *svc, const struct principal *p, const struct args *a, json_t **out,
		  struct verr *err);
	void (*print)(const json_t *out);
	bool id;          /* takes a plan ID */
	unsigned opts;
} subs[] = {
	{"run", run, print_run, false, O_RUN | O_JSON},
	{"list", list, print_list, false, O_JSON},
	{"show", show, print_show, true, O_JSON},
	{"diff", diff, print_diff, true, O_JSON},
	{"approve", approve, print_moved, true, 0},
	{"discard", discard, print_moved, true, O_DISCARD},
};

/* Options after the subcommand; false after a usage error. */
static bool parse(int argc, char **argv, const struct sub *s, struct args *a, bool *help)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"as", required_argument, NULL, 'a'},
		{"title", required_argument, NULL, 't'},
		{"as-of", required_argument, NULL, 'o'},
		{"reason", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'},
		{"yes", no_argument, NULL, 'y'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': a->db = optarg; break;
		case 'a': a->as = optarg; break;
		case 't': a->title = optarg; break;
		case 'o': a->as_of = optarg; break;
		case 'r': a->reason = optarg; break;
		case 'j': a->json = true; break;
		case 'y': a->yes = true; break;
		case 'h': *help = true; return true;
		default: return false;
		}
	}
	if (s->id && optind < argc)
		a->id = argv[optind++];
	if (optind != argc || (s->id && !a->id)) {
		fprintf(stderr, "nsatu plan %s: %s\n", s->name,
			s->id ? "give one plan ID" : "takes no arguments but options");
		return false;
	}
	/* Each option only where it means something. */
	if (((a->title || a->as_of) && !(s->opts & O_RUN)) || (a->json && !(s->opts & O_JSON)) ||
	    ((a->reason || a->yes) && !(s->opts & O_DISCARD))) {
		fprintf(stderr, "nsatu plan %s: option not taken here\n", s->name);
		return false;
	}
	return true;
}

static int act(const struct sub *s, const struct args *a)
{
	struct verr err = {.field = ""};
	struct principal p;
	struct store *store;
	struct svc *svc;
	json_t *out = NULL;
	int rc;

	if (!cli_open(cli_db(a->db), 1, NULL, &store, &svc))
		return EXIT_FAIL;
	svc_system_as(&p, ROLE_PLANNER);
	if (a->as && (rc = svc_principal_of(svc, a->as, &p)) != ST_OK) {
		cli_close(store, svc);
		cli_fail("--as", rc, NULL);
		return EXIT_FAIL;
	}
	rc = s->fn(svc, &p, a, &out, &err);
	cli_close(store, svc);
	if (rc != ST_OK) {
		char what[32];
		snprintf(what, sizeof what, "plan %s", s->name);
		cli_fail(what, rc, &err);
		return EXIT_FAIL;
	}
	if (a->json)
		print_json(out);
	else
		s->print(out);
	json_decref(out);
	return EXIT_OK;
}

int cmd_plan(int argc, char **argv)
{
	struct args a = {0};
	bool help = false;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "solve"))
		return cli_plan_solve(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof subs / sizeof *subs; i++) {
		if (strcmp(argv[1], subs[i].name) != 0)
			continue;
		if (!parse(argc - 1, argv + 1, &subs[i], &a, &help)) {
			usage(stderr);
			return EXIT_USAGE;
		}
		if (help) {
			usage(stdout);
			return EXIT_OK;
		}
		if (!strcmp(subs[i].name, "discard") && !a.yes) {
			fprintf(stderr, "nsatu plan discard: a discarded plan cannot be approved any "
				"more; add --yes to discard %s\n", a.id);
			return EXIT_USAGE;
		}
		return act(&subs[i], &a);
	}
	fprintf(stderr, "nsatu plan: unknown subcommand '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
