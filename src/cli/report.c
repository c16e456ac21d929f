/*
 * report.c - nsatu report burden-sharing | coverage: the planners' reports
 * on the command line, as a table or as JSON.
 */
#include "cli.h"

#include "io/io.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: nsatu report burden-sharing --year YYYY [--half H1|H2] [--json|--xlsx FILE] [--db DB]\n"
		   "       nsatu report coverage [--priority P1..P4] [--json|--xlsx FILE] [--db DB]\n\n"
		   "burden-sharing: each participating Ally's fair share of the year's funding\n"
		   "target (target x GDP / the participating Allies' GDP) against what it\n"
		   "committed or delivered, by nation.  coverage: each requirement's requested,\n"
		   "allocated, shipped and delivered quantities.\n");
}

static double num(const json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

static void print_burden(const json_t *r)
{
	size_t i;
	json_t *n;

	printf("Burden sharing %lld%s%s (%s to %s): target EUR %.0f, contributed EUR %.0f (%.1f %%)\n\n",
	       (long long)json_integer_value(json_object_get(r, "year")),
	       json_is_string(json_object_get(r, "half")) ? " " : "",
	       json_is_string(json_object_get(r, "half")) ? json_string_value(json_object_get(r, "half")) : "",
	       json_string_value(json_object_get(r, "from")), json_string_value(json_object_get(r, "to")),
	       num(r, "target_eur"), num(r, "contributed_eur"), 100 * num(r, "ratio"));
	size_t k;
	json_t *src;
	json_array_foreach(json_object_get(r, "sources"), k, src)
		printf("Source: %s\n", json_string_value(src));
	printf("\n");
	printf("%-6s %-22s %16s %16s %8s %8s\n", "NATION", "NAME", "FAIR SHARE EUR",
	       "CONTRIBUTED EUR", "RATIO", "% GDP");
	json_array_foreach(json_object_get(r, "nations"), i, n) {
		json_t *share = json_object_get(n, "fair_share_eur");
		char share_s[32] = "-", ratio_s[16] = "-", gdp_s[16] = "-";

		if (json_is_number(share))
			snprintf(share_s, sizeof share_s, "%.0f", json_number_value(share));
		if (json_is_number(json_object_get(n, "ratio")))
			snprintf(ratio_s, sizeof ratio_s, "%.2f", num(n, "ratio"));
		if (json_is_number(json_object_get(n, "pct_gdp")))
			snprintf(gdp_s, sizeof gdp_s, "%.3f", num(n, "pct_gdp"));
		printf("%-6s %-22.22s %16s %16.0f %8s %8s\n",
		       json_string_value(json_object_get(n, "nation")),
		       json_string_value(json_object_get(n, "name")), share_s,
		       num(n, "contributed_eur"), ratio_s, gdp_s);
	}
}

static void print_coverage(const json_t *page)
{
	size_t i;
	json_t *r;

	printf("%-26s %-14s %-12s %-4s %-14s %10s %10s %10s\n", "REQUIREMENT", "ITEM/GROUP",
	       "DESTINATION", "PRIO", "STATUS", "REQUESTED", "ALLOCATED", "REMAINING");
	json_array_foreach(json_object_get(page, "items"), i, r) {
		const char *what = json_string_value(json_object_get(r, "item"));
		json_t *c = json_object_get(r, "coverage");
		printf("%-26s %-14s %-12s %-4s %-14s %10lld %10lld %10lld\n",
		       json_string_value(json_object_get(r, "id")),
		       what ? what : json_string_value(json_object_get(r, "substitution_group")),
		       json_string_value(json_object_get(r, "destination")),
		       json_string_value(json_object_get(r, "priority")),
		       json_string_value(json_object_get(r, "status")),
		       (long long)json_integer_value(json_object_get(c, "requested")),
		       (long long)json_integer_value(json_object_get(c, "allocated")),
		       (long long)json_integer_value(json_object_get(c, "remaining")));
	}
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"year", required_argument, NULL, 'y'},
		{"half", required_argument, NULL, 'H'},
		{"priority", required_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'j'},
		{"xlsx", required_argument, NULL, 'x'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *year = NULL, *half = NULL, *priority = NULL, *what, *xlsx = NULL;
	struct verr err = {.field = ""};
	struct principal sys;
	struct store *store;
	struct svc *svc;
	json_t *out = NULL;
	bool json = false;
	long long y = 0;
	int c, rc, h = 0;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	what = argv[1];
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'y': year = optarg; break;
		case 'H': half = optarg; break;
		case 'p': priority = optarg; break;
		case 'j': json = true; break;
		case 'x': xlsx = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (strcmp(what, "burden-sharing") == 0) {
		if (!year || !cli_number("year", year, 1990, 2100, &y))
			return fprintf(stderr, "nsatu report: --year YYYY is required\n"), EXIT_USAGE;
		if (half && strcmp(half, "H1") && strcmp(half, "H2"))
			return fprintf(stderr, "nsatu report: --half must be H1 or H2\n"), EXIT_USAGE;
		h = !half ? 0 : half[1] == '1' ? 1 : 2;
	} else if (strcmp(what, "coverage") != 0) {
		fprintf(stderr, "nsatu report: unknown report '%s'\n", what);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!cli_open(cli_db(db), 1, NULL, &store, &svc))
		return EXIT_FAIL;
	svc_system_as(&sys, ROLE_PLANNER);
	if (strcmp(what, "burden-sharing") == 0) {
		rc = svc_burden_sharing(svc, &sys, (int)y, h, &out, &err);
	} else {
		/* Every page, into one list. */
		struct svc_filter f = {"priority", priority};
		struct svc_list q = {.filters = &f, .nfilters = priority ? 1 : 0,
				     .limit = SVC_MAX_LIMIT};
		char cursor[512] = "";
		json_t *page = NULL;

		out = json_pack("{s:[]}", "items");
		do {
			q.cursor = *cursor ? cursor : NULL;
			if ((rc = svc_coverage_list(svc, &sys, &q, &page, &err)) != ST_OK)
				break;
			json_array_extend(json_object_get(out, "items"), json_object_get(page, "items"));
			const char *next = json_string_value(json_object_get(page, "next_cursor"));
			snprintf(cursor, sizeof cursor, "%s", next ? next : "");
			json_decref(page);
		} while (*cursor);
	}
	cli_close(store, svc);
	if (rc != ST_OK) {
		cli_fail("report", rc, &err);
		return EXIT_FAIL;
	}
	if (xlsx) {
		static const char *const burden_cols[] = {
			"nation", "name", "status", "has_share", "gdp_usd_bn", "fair_share_eur",
			"contributed_eur", "ratio", "pct_gdp",
		};
		static const char *const coverage_cols[] = {
			"id", "nation", "item", "substitution_group", "quantity", "priority",
			"needed_by", "destination", "coalition", "status", "requested", "allocated",
			"shipped", "delivered", "remaining",
		};
		bool burden = strcmp(what, "burden-sharing") == 0;
		json_t *rows = burden ? json_incref(json_object_get(out, "nations")) : json_array();
		char errbuf[256], title[160];
		size_t i;
		json_t *r;

		if (!burden) {
			json_array_foreach(json_object_get(out, "items"), i, r) {
				json_t *flat = json_copy(r);
				json_object_update(flat, json_object_get(r, "coverage"));
				json_array_append_new(rows, flat);
			}
		}
		if (burden)
			snprintf(title, sizeof title,
				 "Burden sharing %lld%s%s: target EUR %.0f, contributed EUR %.0f", y,
				 half ? " " : "", half ? half : "", num(out, "target_eur"),
				 num(out, "contributed_eur"));
		else
			snprintf(title, sizeof title, "Coverage of requirements");
		rc = io_write_xlsx(burden ? "burden-sharing" : "coverage", title,
				   burden ? burden_cols : coverage_cols,
				   burden ? sizeof burden_cols / sizeof *burden_cols
					  : sizeof coverage_cols / sizeof *coverage_cols,
				   rows, xlsx, NULL, NULL, errbuf, sizeof errbuf);
		json_decref(rows);
		json_decref(out);
		if (rc != ST_OK) {
			fprintf(stderr, "nsatu report: %s\n", errbuf);
			return EXIT_FAIL;
		}
		printf("Wrote %s.\n", xlsx);
		return EXIT_OK;
	}
	if (json) {
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else if (strcmp(what, "coverage") == 0) {
		print_coverage(out);
	} else {
		print_burden(out);
	}
	json_decref(out);
	return EXIT_OK;
}
