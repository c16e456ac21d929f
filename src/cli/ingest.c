/*
 * ingest.c - `nsatu ingest FILE`: custody events from a file, as a node
 * whose link was down would upload its scanner log.
 *
 * The file is {"events": [...]}, a JSON array of events, or JSON Lines (one
 * event per line).  It goes in batches of up to 10 000, each all or
 * nothing, with a line of progress per batch.  The first refused batch
 * stops the run with its errors; the batches before it stay stored, and
 * running the same file again is safe: events already on record count as
 * duplicates.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nsatu ingest FILE [--as USER] [--batch N] [--db DB]\n\n"
		"Record the custody events in FILE ({\"events\": [...]}, a JSON array, or one\n"
		"event per line) in batches of N (default and most 10000), each all or\n"
		"nothing.  Without --as the command acts as the system (a planner).\n"
		"Re-running a file is safe: events already recorded count as duplicates.\n");
}

/* Every event of the file at @path as a new array; NULL with a message. */
static json_t *read_events(const char *path)
{
	json_error_t je;
	json_t *all = json_load_file(path, JSON_REJECT_DUPLICATES, &je), *list;

	if (all) {
		/* A file of one line is one event (JSON Lines), unless it is a batch. */
		if (json_is_object(all) && !json_object_get(all, "events"))
			list = json_pack("[O]", all);
		else
			list = json_is_array(all) ? json_incref(all)
						  : json_incref(json_object_get(all, "events"));
		json_decref(all);
		if (!json_is_array(list)) {
			fprintf(stderr, "nsatu ingest: %s: expected {\"events\": [...]} or an array\n", path);
			json_decref(list);
			return NULL;
		}
		return list;
	}
	/* JSON Lines: one object per line, blank lines skipped. */
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	long n = 0;
	ssize_t len;

	if (!f) {
		fprintf(stderr, "nsatu ingest: cannot read %s\n", path);
		return NULL;
	}
	list = json_array();
	while (list && (len = getline(&line, &cap, f)) >= 0) {
		n++;
		if (strspn(line, " \t\r\n") == (size_t)len)
			continue;
		json_t *ev = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &je);
		if (!json_is_object(ev)) {
			fprintf(stderr, "nsatu ingest: %s line %ld: %s\n", path, n,
				ev ? "not a JSON object" : je.text);
			json_decref(ev);
			json_decref(list);
			list = NULL;
			break;
		}
		json_array_append_new(list, ev);
	}
	free(line);
	fclose(f);
	return list;
}

static void print_errors(const json_t *report, size_t offset)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(report, "errors"), i, e) {
		fprintf(stderr, "  event %lld (%s): %s: %s\n",
			(long long)(json_integer_value(json_object_get(e, "index")) + (json_int_t)offset),
			json_string_value(json_object_get(e, "id")) ? json_string_value(json_object_get(e, "id")) : "-",
			json_string_value(json_object_get(e, "field")),
			json_string_value(json_object_get(e, "reason")));
	}
}

int cmd_ingest(int argc, char **argv)
{
	const char *db = NULL, *as = NULL, *file = NULL;
	long long batch = SVC_MAX_BATCH;
	struct store *store;
	struct svc *svc;
	struct principal p;
	json_t *events;
	size_t total, done = 0, recorded = 0, dups = 0;
	int rc = ST_OK;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strcmp(argv[i], "--as") == 0 && i + 1 < argc) {
			as = argv[++i];
		} else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
			if (!cli_number("batch", argv[++i], 1, SVC_MAX_BATCH, &batch))
				return EXIT_USAGE;
		} else if (!file && argv[i][0] != '-') {
			file = argv[i];
		} else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!file) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!(events = read_events(file)))
		return EXIT_FAIL;
	total = json_array_size(events);
	if (!cli_open(cli_db(db), 1, NULL, &store, &svc)) {
		json_decref(events);
		return EXIT_FAIL;
	}
	if (as)
		rc = svc_principal_of(svc, as, &p);
	else
		svc_system_as(&p, ROLE_PLANNER);
	if (rc != ST_OK) {
		cli_fail("--as", rc, NULL);
		goto done;
	}
	while (done < total) {
		size_t n = total - done < (size_t)batch ? total - done : (size_t)batch;
		json_t *part = json_array(), *report = NULL;
		struct verr err = {.field = ""};

		for (size_t i = 0; part && i < n; i++)
			json_array_append(part, json_array_get(events, done + i));
		rc = part ? svc_events_ingest(svc, &p, part, &report, &err) : ST_INTERNAL;
		json_decref(part);
		if (rc != ST_OK) {
			fprintf(stderr, "nsatu ingest: events %zu to %zu refused; nothing of them was "
				"stored (%zu before them were)\n", done, done + n - 1, done);
			if (report)
				print_errors(report, done);
			else
				cli_fail("ingest", rc, &err);
			json_decref(report);
			goto done;
		}
		recorded += (size_t)json_integer_value(json_object_get(report, "recorded"));
		dups += (size_t)json_integer_value(json_object_get(report, "duplicates"));
		json_decref(report);
		done += n;
		printf("  %zu of %zu events (%zu new, %zu already on record)\n", done, total,
		       recorded, dups);
		fflush(stdout);
	}
	printf("Recorded %zu new events from %s; %zu were already on record.\n", recorded, file,
	       dups);
done:
	cli_close(store, svc);
	json_decref(events);
	return rc == ST_OK ? EXIT_OK : EXIT_FAIL;
}
