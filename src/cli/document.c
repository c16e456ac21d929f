/*
 * document.c - nsatu document: a shipment's transfer document as PDF.
 *
 *   nsatu document SHIPMENT_ID --out FILE.pdf [--db DB] [--as USER]
 *                  [--document-key-file FILE]
 */
#include "cli.h"

#include "io/io.h"
#include "log/log.h"

#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nsatu document SHIPMENT_ID --out FILE.pdf [--db DB] [--as USER]\n"
		"                      [--document-key-file FILE]\n\n"
		"Write the transfer document of a shipment: its header, its lines with their\n"
		"serials, and a DataMatrix that POST /api/v1/scans checks.  The key file is\n"
		"--document-key-file, else $NSATU_DOCUMENT_KEY_FILE, else DB.document-key\n"
		"(./nsatu-document.key for PostgreSQL), made when missing; use the server's.\n"
		"Without --as the command acts as the system (an admin).\n");
}

static bool write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(data, 1, len, f) == len;

	if (f && fclose(f) != 0)
		ok = false;
	if (!ok)
		fprintf(stderr, "nsatu document: cannot write %s\n", path);
	return ok;
}

int cmd_document(int argc, char **argv)
{
	static const struct option opts[] = {
		{"out", required_argument, NULL, 'o'},
		{"db", required_argument, NULL, 'd'},
		{"as", required_argument, NULL, 'a'},
		{"document-key-file", required_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *out = NULL, *db = NULL, *as = NULL, *key_file = NULL, *id;
	struct svc_config cfg = {0};
	struct verr err = {.field = ""};
	char payload[SVC_PAYLOAD_MAX], msg[256];
	struct principal p;
	struct store *store;
	struct svc *svc;
	json_t *doc = NULL;
	char *pdf = NULL;
	size_t len = 0;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'd': db = optarg; break;
		case 'a': as = optarg; break;
		case 'k': key_file = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || !out) {
		usage(stderr);
		return EXIT_USAGE;
	}
	id = argv[optind];
	if (!cli_document_key(key_file, cli_db(db), &cfg))
		return EXIT_FAIL;
	bool opened = cli_open(cli_db(db), 1, &cfg, &store, &svc);
	sodium_memzero(&cfg, sizeof cfg);
	if (!opened)
		return EXIT_FAIL;
	rc = ST_OK;
	if (as)
		rc = svc_principal_of(svc, as, &p);
	else
		svc_system_principal(&p);
	if (rc != ST_OK) {
		cli_close(store, svc);
		cli_fail(as, rc, NULL);
		return EXIT_FAIL;
	}
	rc = svc_shipment_document(svc, &p, id, &doc, payload, &err);
	cli_close(store, svc);
	if (rc != ST_OK) {
		cli_fail(id, rc, &err);
		return EXIT_FAIL;
	}
	rc = io_shipment_pdf(json_object_get(doc, "shipment"), json_object_get(doc, "lines"),
			     payload, &pdf, &len, msg, sizeof msg);
	size_t nlines = json_array_size(json_object_get(doc, "lines"));
	json_decref(doc);
	if (rc != ST_OK) {
		fprintf(stderr, "nsatu document: %s\n", msg);
		return EXIT_FAIL;
	}
	bool written = write_file(out, pdf, len);
	free(pdf);
	if (!written)
		return EXIT_FAIL;
	printf("Wrote %s: transfer document of %s, %zu line%s, %zu bytes.\n", out, id, nlines,
	       nlines == 1 ? "" : "s", len);
	return EXIT_OK;
}
