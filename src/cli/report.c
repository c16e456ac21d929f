/*
 * report.c - nsatu report burden-sharing | coverage | end-use-delinquent |
 * loss-reports | reconciliation | node SITE | repairs | training-seats |
 * training-graduates | training-pipeline | training-notice: the reports on
 * the command line, as a table, as JSON, or written to an XLSX or CSV file.
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
		   "       nsatu report coverage [--priority P1..P4] [--json|--xlsx FILE] [--db DB]\n"
		   "       nsatu report end-use-delinquent [--as-of YYYY-MM-DD] [--json|--xlsx FILE|--csv FILE] [--db DB]\n"
		   "       nsatu report loss-reports|reconciliation|repairs [--json|--xlsx FILE|--csv FILE] [--db DB]\n"
		   "       nsatu report node SITE [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json|--xlsx FILE|--csv FILE] [--db DB]\n"
		   "       nsatu report training-seats|training-graduates|training-notice [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json|--xlsx FILE|--csv FILE] [--db DB]\n"
		   "       nsatu report training-pipeline [--course C] [--json|--xlsx FILE|--csv FILE] [--db DB]\n\n"
		   "burden-sharing: each participating Ally's fair share of the year's funding\n"
		   "target (target x GDP / the participating Allies' GDP) against what it\n"
		   "committed or delivered, by nation.  coverage: each requirement's requested,\n"
		   "allocated, shipped and delivered quantities.\n"
		   "end-use-delinquent: sensitive items whose serial inventory is overdue (90 days\n"
		   "after hand-over, then yearly), by unit and item.  loss-reports: days from each\n"
		   "loss to its report (due within 30).  reconciliation: per unit, serials handed\n"
		   "over, inventoried since, not, lost.  node: a logistics node's queues, stock,\n"
		   "daily throughput against capacity and dwell (default: the last 30 days).\n"
		   "repairs: backlog, load against bays and turnaround per facility and category.\n"
		   "training-seats: seats offered and filled by nation, facility and session\n"
		   "(default: this year).  training-graduates: graduates per capability per month\n"
		   "(default: the last 12 months).  training-pipeline: enrolments by status, per\n"
		   "course.  training-notice: days of notice facilities had before each class\n"
		   "(default: starting within 180 days), a warning under 30.\n");
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

/* ---- Reports of transfer and repair. ------------------------------------------ */

struct transfer_args {
	const char *site, *as_of, *from, *to, *course;
};

static int run_delinquent(struct svc *svc, const struct principal *p,
			  const struct transfer_args *a, json_t **out, struct verr *err)
{
	return svc_enduse_delinquent(svc, p, a->as_of, out, err);
}

static int run_losses(struct svc *svc, const struct principal *p, const struct transfer_args *a,
		      json_t **out, struct verr *err)
{
	(void)a, (void)err;
	return svc_enduse_losses(svc, p, out);
}

static int run_reconciliation(struct svc *svc, const struct principal *p,
			      const struct transfer_args *a, json_t **out, struct verr *err)
{
	(void)a, (void)err;
	return svc_enduse_reconciliation(svc, p, out);
}

static int run_node(struct svc *svc, const struct principal *p, const struct transfer_args *a,
		    json_t **out, struct verr *err)
{
	return svc_node_report(svc, p, a->site, a->from, a->to, out, err);
}

static int run_repairs(struct svc *svc, const struct principal *p, const struct transfer_args *a,
		       json_t **out, struct verr *err)
{
	(void)a, (void)err;
	return svc_repair_report(svc, p, out);
}

static int run_seats(struct svc *svc, const struct principal *p, const struct transfer_args *a,
		     json_t **out, struct verr *err)
{
	return svc_training_seats(svc, p, a->from, a->to, out, err);
}

static int run_graduates(struct svc *svc, const struct principal *p,
			 const struct transfer_args *a, json_t **out, struct verr *err)
{
	return svc_training_graduates(svc, p, a->from, a->to, out, err);
}

static int run_pipeline(struct svc *svc, const struct principal *p,
			const struct transfer_args *a, json_t **out, struct verr *err)
{
	return svc_training_pipeline(svc, p, a->course, out, err);
}

static int run_notice(struct svc *svc, const struct principal *p, const struct transfer_args *a,
		      json_t **out, struct verr *err)
{
	return svc_training_notice(svc, p, a->from, a->to, out, err);
}

/* On a terminal: the per-unit counts read better than the serial list. */
static const char *const unit_cols[] = {
	"unit", "handed_over", "inventoried", "not_inventoried", "lost", "expended",
};
static const struct svc_report_table units_table = {
	"units", "units", unit_cols, sizeof unit_cols / sizeof *unit_cols,
};

/* The repair table's orders per status, without the units, fits a terminal. */
static const char *const repair_cols[] = {
	"facility", "category", "bays", "requested", "approved", "to_facility", "in_repair",
	"awaiting_parts", "repaired", "active_units", "load_pct", "returned", "written_off",
	"turnaround_median_days",
};
static const struct svc_report_table repairs_table = {
	"repairs", "facilities", repair_cols, sizeof repair_cols / sizeof *repair_cols,
};

/* The training tables without the columns a terminal can do without. */
static const char *const seat_cols[] = {
	"session", "course", "facility", "nation", "starts_on", "seats", "filled", "fill_rate",
};
static const struct svc_report_table seats_table = {
	"training-seats", "sessions", seat_cols, sizeof seat_cols / sizeof *seat_cols,
};
static const char *const pipeline_cols[] = {
	"course", "enrolments", "nominated", "enrolled", "in_training", "graduated", "failed",
	"withdrawn",
};
static const struct svc_report_table pipeline_table = {
	"training-pipeline", "courses", pipeline_cols, sizeof pipeline_cols / sizeof *pipeline_cols,
};
static const char *const notice_cols[] = {
	"session", "course", "facility", "notified_on", "starts_on", "notice_days", "warning",
};
static const struct svc_report_table notice_table = {
	"training-notice", "sessions", notice_cols, sizeof notice_cols / sizeof *notice_cols,
};

static const struct transfer_report {
	const char *name;
	int (*run)(struct svc *svc, const struct principal *p, const struct transfer_args *a,
		   json_t **out, struct verr *err);
	const struct svc_report_table *table;  /* --xlsx, --csv */
	const struct svc_report_table *text;   /* on the terminal, when not the same */
	bool site, as_of, period, course;      /* the arguments it takes */
} transfer_reports[] = {
	{"end-use-delinquent", run_delinquent, &SVC_TABLE_DELINQUENT, NULL, false, true, false,
	 false},
	{"loss-reports", run_losses, &SVC_TABLE_LOSSES, NULL, false, false, false, false},
	{"reconciliation", run_reconciliation, &SVC_TABLE_RECONCILIATION, &units_table, false,
	 false, false, false},
	{"node", run_node, &SVC_TABLE_NODE, NULL, true, false, true, false},
	{"repairs", run_repairs, &SVC_TABLE_REPAIRS, &repairs_table, false, false, false, false},
	{"training-seats", run_seats, &SVC_TABLE_TRAINING_SEATS, &seats_table, false, false,
	 true, false},
	{"training-graduates", run_graduates, &SVC_TABLE_TRAINING_GRADUATES, NULL, false, false,
	 true, false},
	{"training-pipeline", run_pipeline, &SVC_TABLE_TRAINING_PIPELINE, &pipeline_table, false,
	 false, false, true},
	{"training-notice", run_notice, &SVC_TABLE_TRAINING_NOTICE, &notice_table, false, false,
	 true, false},
};

static void cell(const json_t *v, char *buf, size_t n)
{
	if (json_is_string(v))
		snprintf(buf, n, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, n, "%.2f", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, n, "%s", json_is_true(v) ? "yes" : "no");
	else
		snprintf(buf, n, "-");
}

/* @rows as a text table of the columns of @t, each as wide as it needs. */
static void print_table(const struct svc_report_table *t, const json_t *rows)
{
	int width[32] = {0};
	size_t ncols = t->ncolumns < 32 ? t->ncolumns : 32, i;
	char buf[48];
	json_t *r;

	for (size_t c = 0; c < ncols; c++)
		width[c] = (int)strlen(t->columns[c]);
	json_array_foreach(rows, i, r) {
		for (size_t c = 0; c < ncols; c++) {
			cell(json_object_get(r, t->columns[c]), buf, sizeof buf);
			if ((int)strlen(buf) > width[c])
				width[c] = (int)strlen(buf);
		}
	}
	/* The last column unpadded, so that no line ends in blanks. */
	width[ncols - 1] = 0;
	for (size_t c = 0; c < ncols; c++)
		printf("%-*s%s", width[c], t->columns[c], c + 1 < ncols ? "  " : "\n");
	json_array_foreach(rows, i, r) {
		for (size_t c = 0; c < ncols; c++) {
			cell(json_object_get(r, t->columns[c]), buf, sizeof buf);
			printf("%-*s%s", width[c], buf, c + 1 < ncols ? "  " : "\n");
		}
	}
	if (!json_array_size(rows))
		printf("(none)\n");
}

/* The table of @t from @out into @path as CSV (with a byte order mark, as
 * the API serves it, so that spreadsheets read UTF-8) or XLSX. */
static int write_table(const struct svc_report_table *t, const json_t *out, const char *path,
		       bool csv)
{
	const json_t *rows = json_object_get(out, t->list);
	char errbuf[256];
	int rc;

	if (!csv) {
		rc = io_write_xlsx(t->name, json_string_value(json_object_get(out, "summary")),
				   t->columns, t->ncolumns, rows, path, NULL, NULL, errbuf,
				   sizeof errbuf);
		if (rc != ST_OK)
			fprintf(stderr, "nsatu report: %s\n", errbuf);
		return rc;
	}
	struct jbuf b = {0};
	FILE *f;
	jbuf_lit(&b, "\xEF\xBB\xBF");
	if ((rc = io_write_csv(t->columns, t->ncolumns, rows, &b)) != ST_OK || b.failed) {
		fprintf(stderr, "nsatu report: out of memory writing CSV\n");
		jbuf_free(&b);
		return ST_INTERNAL;
	}
	if (!(f = fopen(path, "wb")) || fwrite(b.p, 1, b.len, f) != b.len) {
		fprintf(stderr, "nsatu report: cannot write %s\n", path);
		rc = ST_INTERNAL;
	}
	if (f && fclose(f) != 0 && rc == ST_OK) {
		fprintf(stderr, "nsatu report: cannot write %s\n", path);
		rc = ST_INTERNAL;
	}
	jbuf_free(&b);
	return rc;
}

static int transfer_report(const struct transfer_report *tr, const char *db,
			   const struct transfer_args *a, bool json, const char *xlsx,
			   const char *csv)
{
	struct verr err = {.field = ""};
	struct principal sys;
	struct store *store;
	struct svc *svc;
	json_t *out = NULL;
	int rc;

	if (tr->site && !a->site)
		return fprintf(stderr, "nsatu report: %s needs a SITE\n", tr->name), EXIT_USAGE;
	if ((a->as_of && !tr->as_of) || ((a->from || a->to) && !tr->period) ||
	    (a->course && !tr->course))
		return fprintf(stderr, "nsatu report: %s takes no %s\n", tr->name,
			       a->as_of ? "--as-of" : a->course ? "--course" : "--from or --to"),
		       EXIT_USAGE;
	if (!cli_open(cli_db(db), 1, NULL, &store, &svc))
		return EXIT_FAIL;
	svc_system_as(&sys, ROLE_PLANNER);
	rc = tr->run(svc, &sys, a, &out, &err);
	cli_close(store, svc);
	if (rc != ST_OK) {
		cli_fail("report", rc, &err);
		return EXIT_FAIL;
	}
	if (xlsx || csv) {
		rc = write_table(tr->table, out, xlsx ? xlsx : csv, !xlsx);
		if (rc == ST_OK && xlsx && csv)
			rc = write_table(tr->table, out, csv, true);
		json_decref(out);
		if (rc != ST_OK)
			return EXIT_FAIL;
		printf("Wrote %s%s%s.\n", xlsx ? xlsx : csv, xlsx && csv ? " and " : "",
		       xlsx && csv ? csv : "");
		return EXIT_OK;
	}
	if (json) {
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		const struct svc_report_table *t = tr->text ? tr->text : tr->table;
		printf("%s\n\n", json_string_value(json_object_get(out, "summary")));
		print_table(t, json_object_get(out, t->list));
	}
	json_decref(out);
	return EXIT_OK;
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
		{"csv", required_argument, NULL, 'c'},
		{"as-of", required_argument, NULL, 'a'},
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"course", required_argument, NULL, 'C'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *year = NULL, *half = NULL, *priority = NULL, *what, *xlsx = NULL;
	const char *csv = NULL;
	struct transfer_args targs = {0};
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
		case 'c': csv = optarg; break;
		case 'a': targs.as_of = optarg; break;
		case 'f': targs.from = optarg; break;
		case 't': targs.to = optarg; break;
		case 'C': targs.course = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < sizeof transfer_reports / sizeof *transfer_reports; i++) {
		if (strcmp(what, transfer_reports[i].name) != 0)
			continue;
		/* getopt moved the operands behind the options: SITE is the first. */
		targs.site = optind < argc - 1 ? argv[1 + optind] : NULL;
		if (optind + (transfer_reports[i].site ? 1 : 0) < argc - 1)
			return fprintf(stderr, "nsatu report: unexpected '%s'\n",
				       argv[argc - 1]), EXIT_USAGE;
		return transfer_report(&transfer_reports[i], db, &targs, json, xlsx, csv);
	}
	if (csv || targs.as_of || targs.from || targs.to || targs.course) {
		fprintf(stderr, "nsatu report: --csv, --as-of, --from, --to and --course are for "
			"the transfer and training reports\n");
		return EXIT_USAGE;
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
