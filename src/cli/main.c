/*
 * main.c - the nsatu command: one table of subcommands.
 */
#include "cli.h"

#include "log/log.h"

#include <stdio.h>
#include <string.h>

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"serve", cmd_serve, "serve the HTTP API"},
	{"init", cmd_init, "create a database and its first admin"},
	{"demo", cmd_demo, "create a database with the demo data set"},
	{"migrate", cmd_migrate, "bring a database's schema up to date"},
	{"user", cmd_user, "add, list, disable, enable users; set passwords"},
	{"audit", cmd_audit, "verify the hash-chained audit trail"},
	{"backup", cmd_backup, "write a consistent copy of the live database"},
	{"restore", cmd_restore, "load a backup into a new database"},
	{"copy", cmd_copy, "copy a deployment's data to another database"},
	{"report", cmd_report, "burden-sharing and coverage reports"},
	{"list", cmd_records, "list records of a type (FIELD=VALUE filters)"},
	{"get", cmd_records, "show one record"},
	{"create", cmd_records, "create a record from JSON"},
	{"move", cmd_records, "move a record through its workflow"},
	{"export", cmd_records, "write a list to CSV or XLSX"},
	{"import", cmd_import, "requirements and pledges from CSV; Kiel tracker data"},
	{"ingest", cmd_ingest, "custody events from a scanner's file, in batches"},
	{"document", cmd_document, "a shipment's transfer document (PDF with DataMatrix)"},
	{"plan", cmd_plan, "run, review and approve allocation plans; solve a problem file"},
	{"readiness", cmd_readiness, "when each capability target's units become operational"},
	{"schedule-training", cmd_schedule_training, "nominate trainees so targets' crews graduate in time"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: nsatu COMMAND [OPTIONS]\n\n"
		   "nsatu - security assistance and training coordination for Ukraine.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'nsatu COMMAND --help' for a command's options.\n"
		   "The database is --db PATH, or $NSATU_DB, or " CLI_DEFAULT_DB ".\n"
		   "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "nsatu: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
