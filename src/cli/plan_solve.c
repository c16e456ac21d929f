/*
 * plan_solve.c - `nsatu plan solve FILE.json`: the optimiser on a problem
 * file, without a database (the format is in docs/planning.md).
 *
 * Planners use it to try "what if" problems, and to check a stored plan:
 * GET /api/v1/plans/{id}/problem gives the very file a plan was solved
 * from, and solving it again gives the same plan.
 */
#include "cli.h"
#include "plan/plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROBLEM_BYTES (512u << 20)

static void usage(FILE *f)
{
	fputs("usage: nsatu plan solve FILE.json [--json]\n\n"
	      "Solve an allocation problem file without a database and print the plan:\n"
	      "each part of the objective (units on time by priority, lateness, transport\n"
	      "cost), the flows, and why each demand that is short is short.\n"
	      "FILE may be - for standard input.\n\n"
	      "  --json   print the plan as JSON (the format of GET /api/v1/plans/{id})\n",
	      f);
}

static json_t *load(const char *path)
{
	json_error_t jerr;
	json_t *j;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "nsatu: %s: cannot open: %s\n", path, strerror(errno));
		return NULL;
	}
	/* Read at most MAX_PROBLEM_BYTES: a problem file is input from outside. */
	{
		char *buf = NULL;
		size_t n = 0, cap = 0, got;

		do {
			if (n == cap) {
				cap = cap ? cap * 2 : 1 << 16;
				char *b = cap <= MAX_PROBLEM_BYTES + 1 ? realloc(buf, cap) : NULL;
				if (!b) {
					fprintf(stderr, "nsatu: %s: larger than %u MiB\n", path,
						MAX_PROBLEM_BYTES >> 20);
					free(buf);
					if (f != stdin)
						fclose(f);
					return NULL;
				}
				buf = b;
			}
			got = fread(buf + n, 1, cap - n, f);
			n += got;
		} while (got > 0);
		if (f != stdin)
			fclose(f);
		j = json_loadb(buf ? buf : "", n, JSON_REJECT_DUPLICATES, &jerr);
		free(buf);
	}
	if (!j)
		fprintf(stderr, "nsatu: %s: line %d, column %d: %s\n", path, jerr.line,
			jerr.column, jerr.text);
	return j;
}

static void print_plan(const struct plan_problem *p, const struct plan_result *r)
{
	static const char *const names[PLAN_OBJ__COUNT] = {
		"P1 units on time", "P2 units on time", "P3 units on time",
		"P4 units on time", "lateness (unit-days)", "transport cost (EUR)",
	};
	char route[3 * PLAN_CODE + 8], dep[11], arr[11];
	size_t w = 0;

	printf("objective, in the order optimised (LP %zu rows x %zu columns, %.0f ms):\n",
	       r->rows, r->cols, r->solve_ms);
	for (int i = 0; i < PLAN_OBJ__COUNT; i++)
		printf("  %-22s %.10g\n", names[i], r->objective[i]);
	printf("  (an unmet unit counts %.0f day%s of lateness)\n", r->horizon_days,
	       r->horizon_days == 1 ? "" : "s");
	printf("solved by %s\n", r->method && strcmp(r->method, "network") == 0 ?
	       "the network simplex (no capacity binds)" : "GLPK's simplex on the whole LP");
	printf("plan: %.10g units on time, %.10g late (%.10g unit-days), %.10g unmet; "
	       "cost %.2f EUR%s\n", r->on_time, r->late, r->unit_days_late, r->unmet, r->cost,
	       r->integral ? "" : "; the LP optimum has fractional units");
	printf("\nflows (%zu):\n", r->nflows);
	for (size_t i = 0; i < r->nflows; i++) {
		const struct plan_flow *f = &r->flows[i];

		plan_route(p, f, route, sizeof route);
		plan_date(f->departs, dep);
		plan_date(f->arrives, arr);
		printf("  %-20s -> %-20s %10.10g x %-12s %s, %s .. %s%s", p->supplies[f->supply].id,
		       p->demands[f->demand].id, f->quantity, p->items[f->item].code, route, dep,
		       arr, f->days_late ? "" : "\n");
		if (f->days_late)
			printf(" (%d days late)\n", f->days_late);
	}
	if (r->nwhy)
		printf("\nshort on time:\n");
	while (w < r->nwhy) {
		size_t d = r->why[w].demand;

		printf("  %s (%s, %.10g units):\n", p->demands[d].id,
		       (const char[][3]){"P1", "P2", "P3", "P4"}[p->demands[d].priority - 1],
		       p->demands[d].quantity);
		for (; w < r->nwhy && r->why[w].demand == d; w++)
			printf("    %s: %s\n", plan_reason_name(r->why[w].reason), r->why[w].text);
	}
}

int cli_plan_solve(int argc, char **argv)
{
	const char *path = NULL;
	bool as_json = false;
	struct plan_problem p;
	struct plan_result r;
	char err[256];
	json_t *j;
	int rc = EXIT_FAIL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			as_json = true;
		} else if (!path && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0)) {
			path = argv[i];
		} else {
			fprintf(stderr, "nsatu plan solve: unexpected '%s'\n", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!path) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!(j = load(path)))
		return EXIT_FAIL;
	if (plan_problem_from_json(j, &p, err, sizeof err) < 0) {
		fprintf(stderr, "nsatu: %s: %s\n", path, err);
		json_decref(j);
		return EXIT_FAIL;
	}
	json_decref(j);
	if (plan_solve(&p, &r, err, sizeof err) < 0) {
		fprintf(stderr, "nsatu: %s: %s\n", path, err);
		plan_problem_free(&p);
		return EXIT_FAIL;
	}
	if (as_json) {
		json_t *out = plan_result_to_json(&p, &r);
		char *text = out ? json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;

		if (text)
			puts(text);
		free(text);
		json_decref(out);
		rc = text ? EXIT_OK : EXIT_FAIL;
	} else {
		print_plan(&p, &r);
		rc = EXIT_OK;
	}
	plan_result_free(&r);
	plan_problem_free(&p);
	return rc;
}
