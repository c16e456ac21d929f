/*
 * import.c - nsatu import requirements|pledges|kiel FILE: records from CSV
 * files (docs/import.md), as a planner or as a named user.
 */
#include "cli.h"

#include "io/io.h"
#include "log/log.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: nsatu import requirements|pledges FILE.csv [--valid-only] [--json]\n"
		   "                    [--as USER] [--db DB]\n"
		   "       nsatu import kiel FILE.csv [--json] [--db DB]\n\n"
		   "requirements, pledges: one record per row, the header naming the fields\n"
		   "(see docs/import.md), stored in one transaction.  By default one bad row\n"
		   "stores nothing; --valid-only stores the good rows.  Runs as a planner, or\n"
		   "with --as USER with that user's role and scope.  Prints the errors as a\n"
		   "table (row 1 is the header), or the whole report with --json.\n\n"
		   "kiel: the Kiel Institute's Ukraine Support Tracker allocations by month\n"
		   "(data/kiel/kiel_data_explorer.csv) as committed funding pledges of the\n"
		   "military allocations; running it again adds nothing twice.\n\n"
		   "Exit status: 0 when records were stored, 1 when not, 2 usage error.\n");
}

/* ---- Acting as a user. ---------------------------------------------------- */

/* @p = the user @name's role and scope; false (said why) when not usable. */
static bool principal_of(struct svc *svc, const char *name, struct principal *p)
{
	int rc = svc_principal_of(svc, name, p);

	if (rc != ST_OK)
		fprintf(stderr, "nsatu import: --as %s: %s\n", name,
			rc == ST_NOT_FOUND ? "no such user"
			: rc == ST_FORBIDDEN ? "the account is disabled or expired"
					     : status_name((enum status)rc));
	return rc == ST_OK;
}

/* ---- The report as text. -------------------------------------------------- */

/* Print @s in @width characters (UTF-8), cut with an ellipsis, control
 * characters (line breaks in a quoted cell) as spaces, padded with spaces
 * unless @last. */
static void cell(const char *s, size_t width, bool last)
{
	size_t chars = 0, total = 0;

	for (const char *t = s; *t; t++)
		total += ((unsigned char)*t & 0xC0) != 0x80;
	for (; *s && chars < width; chars++) {
		if (total > width && chars == width - 1) {
			fputs("\xE2\x80\xA6", stdout);
			chars++;
			break;
		}
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7F) {
			putchar(' ');
			s++;
			continue;
		}
		do
			putchar(*s++);
		while (((unsigned char)*s & 0xC0) == 0x80);
	}
	for (; !last && chars < width; chars++)
		putchar(' ');
	putchar(last ? '\n' : ' ');
}

static void print_errors(const json_t *report)
{
	const json_t *errors = json_object_get(report, "errors"), *e;
	size_t i;

	if (json_array_size(errors) == 0)
		return;
	printf("\n%6s %-20s %-30s %s\n", "ROW", "COLUMN", "VALUE", "REASON");
	json_array_foreach(errors, i, e) {
		printf("%6lld ", (long long)json_integer_value(json_object_get(e, "row")));
		cell(json_string_value(json_object_get(e, "column")), 20, false);
		cell(json_string_value(json_object_get(e, "value")), 30, false);
		cell(json_string_value(json_object_get(e, "reason")), 200, true);
	}
	if ((long long)json_array_size(errors) < json_integer_value(json_object_get(report, "failed")))
		printf("(the first %zu errors; %lld rows failed in all)\n", json_array_size(errors),
		       (long long)json_integer_value(json_object_get(report, "failed")));
}

static long long num(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* ---- Commands. ------------------------------------------------------------ */

struct args {
	const char *db, *as, *what, *file;
	bool valid_only, json;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"as", required_argument, NULL, 'a'},
		{"valid-only", no_argument, NULL, 'v'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': a->db = optarg; break;
		case 'a': a->as = optarg; break;
		case 'v': a->valid_only = true; break;
		case 'j': a->json = true; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	a->what = argv[optind];
	a->file = argv[optind + 1];
	return -1;
}

static int import_kiel(struct svc *svc, const struct args *a)
{
	struct principal planner;
	struct verr err = {.field = ""};
	json_t *report = NULL;
	int rc;

	svc_system_as(&planner, ROLE_PLANNER);
	rc = io_import_kiel(svc, &planner, a->file, a->json ? stderr : stdout, &report, &err);
	if (rc != ST_OK) {
		cli_fail("import kiel", rc, &err);
		return EXIT_FAIL;
	}
	if (a->json) {
		json_dumpf(report, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		const json_t *iso;
		size_t i;

		printf("skipped donors that are not nations in the database:");
		json_array_foreach(json_object_get(report, "skipped_donors"), i, iso)
			printf(" %s", json_string_value(iso));
		printf("\nsource: %s\n", IO_KIEL_SOURCE);
	}
	json_decref(report);
	return EXIT_OK;
}

static int import_records(struct svc *svc, const struct espec *e, const struct args *a)
{
	struct principal p;
	struct io_source src = {.path = a->file, .name = a->file};
	struct verr err = {.field = ""};
	json_t *report = NULL;
	int rc;

	if (a->as) {
		if (!principal_of(svc, a->as, &p))
			return EXIT_FAIL;
	} else {
		svc_system_as(&p, ROLE_PLANNER);
	}
	rc = io_import(svc, &p, e, &src, a->valid_only ? BATCH_VALID_ONLY : BATCH_ALL_OR_NOTHING,
		       a->json ? stderr : stdout, &report, &err);
	if (!report) {
		if (rc == ST_FORBIDDEN)
			fprintf(stderr, "nsatu import: the %s role may not create %s\n",
				role_name(p.role), e->name);
		else if (rc == ST_INVALID && *err.field)
			fprintf(stderr, "nsatu import: %s: column \"%s\" %s; nothing was stored\n",
				a->file, err.field, err.reason);
		else if (rc == ST_INVALID)
			fprintf(stderr, "nsatu import: %s: %s; nothing was stored\n", a->file,
				err.reason);
		else
			cli_fail("import", rc, &err);
		return EXIT_FAIL;
	}
	if (a->json) {
		json_dumpf(report, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		if (rc == ST_OK)
			printf("stored %lld %.*s", num(report, "created"),
			       (int)strlen(e->name) - (num(report, "created") == 1), e->name);
		else
			printf("stored nothing");
		if (num(report, "failed"))
			printf(" (%lld of %lld rows failed%s)", num(report, "failed"),
			       num(report, "rows"), rc == ST_OK ? "" : ", all-or-nothing");
		else if (rc != ST_OK)
			printf(" (%s)", err.reason);
		putchar('\n');
		print_errors(report);
	}
	json_decref(report);
	return rc == ST_OK ? EXIT_OK : EXIT_FAIL;
}

int cmd_import(int argc, char **argv)
{
	struct args a = {0};
	const struct espec *e = NULL;
	struct store *store;
	struct svc *svc;
	int rc = parse(argc, argv, &a);

	if (rc >= 0)
		return rc;
	if (strcmp(a.what, "requirements") == 0)
		e = &ESPEC_REQUIREMENTS;
	else if (strcmp(a.what, "pledges") == 0)
		e = &ESPEC_PLEDGES;
	else if (strcmp(a.what, "kiel") != 0) {
		fprintf(stderr, "nsatu import: unknown kind '%s'\n", a.what);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!e && (a.valid_only || a.as)) {
		fprintf(stderr, "nsatu import kiel: --valid-only and --as do not apply\n");
		return EXIT_USAGE;
	}
	if (!cli_open(cli_db(a.db), 1, NULL, &store, &svc))
		return EXIT_FAIL;
	rc = e ? import_records(svc, e, &a) : import_kiel(svc, &a);
	cli_close(store, svc);
	return rc;
}
