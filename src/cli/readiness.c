/*
 * readiness.c - nsatu readiness and nsatu schedule-training: the
 * readiness projection of the capability targets, and the training
 * scheduler (docs/planning.md), as text or JSON.
 *
 *   nsatu readiness [--target ID] [--json] [--db DB] [--as USER]
 *   nsatu schedule-training [--apply --yes] [--json] [--db DB] [--as USER]
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "-";
}

static long long num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* Open @db and find the principal: @as, else the system as @role. */
static bool open_as(const char *db, const char *as, enum role role, struct store **store,
		    struct svc **svc, struct principal *p)
{
	int rc = ST_OK;

	if (!cli_open(cli_db(db), 1, NULL, store, svc))
		return false;
	if (as)
		rc = svc_principal_of(*svc, as, p);
	else
		svc_system_as(p, role);
	if (rc != ST_OK) {
		cli_close(*store, *svc);
		cli_fail(as, rc, NULL);
		return false;
	}
	return true;
}

static void print_json(const json_t *out)
{
	char *text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (text)
		puts(text);
	free(text);
}

/* ---- nsatu readiness. ----------------------------------------------------------- */

static void readiness_usage(FILE *f)
{
	fprintf(f,
		"usage: nsatu readiness [--target ID] [--json] [--db DB] [--as USER]\n\n"
		"The readiness projection of the capability targets (or of one): for each\n"
		"unit of capability, the day it becomes operational from the items received,\n"
		"shipped (at their planned arrival), allocated and in repair at the target's\n"
		"unit and the people of the unit graduated or in training; whether that meets\n"
		"the target's date; and the critical path: the source that sets the day and\n"
		"what to change (bring it forward N days, or find N more).  Without --as the\n"
		"command acts as the system (an admin).\n");
}

static void print_target(const json_t *t)
{
	size_t i;
	json_t *u;

	printf("%s\n", str(t, "summary"));
	printf("  target %s, %lld due %s\n", str(json_object_get(t, "target"), "id"),
	       num(json_object_get(t, "target"), "count"),
	       str(json_object_get(t, "target"), "due_on"));
	printf("  %3s  %-11s %-9s %s\n", "#", "OPERATIONAL", "STATUS", "CRITICAL PATH");
	json_array_foreach(json_object_get(t, "units"), i, u) {
		char late[24] = "on time";
		if (!json_is_true(json_object_get(u, "meets_due")))
			snprintf(late, sizeof late, json_is_null(json_object_get(u, "operational_on"))
				 ? "not seen" : "%lld late", num(u, "days_late"));
		printf("  %3lld  %-11s %-9s %s\n", num(u, "number"),
		       json_is_null(json_object_get(u, "operational_on")) ? "never"
									: str(u, "operational_on"),
		       late, str(json_object_get(u, "critical"), "text"));
	}
}

int cmd_readiness(int argc, char **argv)
{
	static const struct option opts[] = {
		{"target", required_argument, NULL, 't'},
		{"json", no_argument, NULL, 'j'},
		{"db", required_argument, NULL, 'd'},
		{"as", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *target = NULL, *db = NULL, *as = NULL;
	bool json = false;
	struct principal p;
	struct store *store;
	struct svc *svc;
	json_t *out = NULL, *t;
	size_t i;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't': target = optarg; break;
		case 'j': json = true; break;
		case 'd': db = optarg; break;
		case 'a': as = optarg; break;
		case 'h': readiness_usage(stdout); return EXIT_OK;
		default: readiness_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		readiness_usage(stderr);
		return EXIT_USAGE;
	}
	if (!open_as(db, as, ROLE_ADMIN, &store, &svc, &p))
		return EXIT_FAIL;
	rc = svc_readiness(svc, &p, target, &out);
	cli_close(store, svc);
	if (rc != ST_OK) {
		cli_fail(target ? target : "readiness", rc, NULL);
		return EXIT_FAIL;
	}
	json_object_del(out, "rows");   /* the table form, for downloads */
	if (json)
		print_json(out);
	else if (target)
		print_target(out);
	else {
		json_array_foreach(json_object_get(out, "targets"), i, t) {
			print_target(t);
			printf("\n");
		}
		printf("%s\n", str(out, "summary"));
	}
	json_decref(out);
	return EXIT_OK;
}

/* ---- nsatu schedule-training. ---------------------------------------------------- */

static void schedule_usage(FILE *f)
{
	fprintf(f,
		"usage: nsatu schedule-training [--apply --yes] [--json] [--db DB] [--as USER]\n\n"
		"Propose nominations so that the people each capability target's courses\n"
		"need graduate by its date: trainees of the target's unit into planned or\n"
		"open sessions with free seats, prerequisites first, never two sessions at\n"
		"once; and, for what cannot be met, why.  --apply --yes makes the\n"
		"nominations (all or none) through the enrolment rules; an assignment behind\n"
		"a prerequisite not yet passed is listed as deferred and not made.  Without\n"
		"--as the command acts as the system as a planner.\n");
}

static void print_schedule(const json_t *out)
{
	size_t i;
	json_t *a, *s;

	printf("%s\n", str(out, "summary"));
	if (json_array_size(json_object_get(out, "assignments"))) {
		printf("\n%-26s %-26s %-16s %-10s %-10s %-26s %s\n", "TRAINEE", "SESSION", "COURSE",
		       "STARTS", "ENDS", "TARGET", "NOTE");
		json_array_foreach(json_object_get(out, "assignments"), i, a) {
			char note[64] = "";
			if (json_is_true(json_object_get(a, "deferred")))
				snprintf(note, sizeof note, "deferred (prerequisite first)");
			else if (json_is_string(json_object_get(a, "enrolment")))
				snprintf(note, sizeof note, "nominated %s", str(a, "enrolment"));
			if (json_is_true(json_object_get(a, "prerequisite")))
				snprintf(note + strlen(note), sizeof note - strlen(note), "%sfor %s",
					 *note ? "; " : "", str(a, "for_course"));
			printf("%-26s %-26s %-16s %-10s %-10s %-26s %s\n", str(a, "trainee"),
			       str(a, "session"), str(a, "course"), str(a, "starts_on"),
			       str(a, "ends_on"), str(a, "target"), note);
		}
	}
	if (json_array_size(json_object_get(out, "shortfalls"))) {
		printf("\n%-26s %-16s %-10s %6s %8s  %s\n", "TARGET", "COURSE", "DUE", "SHORT",
		       "OF", "WHY");
		json_array_foreach(json_object_get(out, "shortfalls"), i, s)
			printf("%-26s %-16s %-10s %6lld %8lld  %s\n", str(s, "target"), str(s, "course"),
			       str(s, "due_on"), num(s, "short"), num(s, "needed"), str(s, "detail"));
	}
}

int cmd_schedule_training(int argc, char **argv)
{
	static const struct option opts[] = {
		{"apply", no_argument, NULL, 'p'},
		{"yes", no_argument, NULL, 'y'},
		{"json", no_argument, NULL, 'j'},
		{"db", required_argument, NULL, 'd'},
		{"as", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *as = NULL;
	bool apply = false, yes = false, json = false;
	struct verr err = {.field = ""};
	struct principal p;
	struct store *store;
	struct svc *svc;
	json_t *out = NULL;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': apply = true; break;
		case 'y': yes = true; break;
		case 'j': json = true; break;
		case 'd': db = optarg; break;
		case 'a': as = optarg; break;
		case 'h': schedule_usage(stdout); return EXIT_OK;
		default: schedule_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		schedule_usage(stderr);
		return EXIT_USAGE;
	}
	if (apply && !yes) {
		fprintf(stderr, "nsatu schedule-training: --apply makes the nominations; run without "
			"--apply to see them, then add --yes to confirm\n");
		return EXIT_USAGE;
	}
	if (!open_as(db, as, ROLE_PLANNER, &store, &svc, &p))
		return EXIT_FAIL;
	rc = svc_training_schedule(svc, &p, apply, &out, &err);
	cli_close(store, svc);
	if (rc != ST_OK) {
		cli_fail("schedule-training", rc, &err);
		return EXIT_FAIL;
	}
	if (json)
		print_json(out);
	else
		print_schedule(out);
	json_decref(out);
	return EXIT_OK;
}
