/*
 * audit.c - nsatu audit verify: walk the hash chain and name the first
 * record that was edited, deleted or reordered.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_audit(int argc, char **argv)
{
	const char *db = NULL;
	bool json = false;
	struct store *store;
	struct svc *svc;
	struct principal sys;
	struct svc_audit_check chk;
	int rc;

	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		bool help = argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
		fprintf(help ? stdout : stderr,
			"usage: nsatu audit verify [--db PATH] [--json]\n\n"
			"Check the audit trail's hash chain.  Exit 0 when it holds; exit 1\n"
			"naming the first record that was edited, deleted or reordered.\n");
		return help ? EXIT_OK : EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else {
			fprintf(stderr, "nsatu audit verify: unexpected argument '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!cli_open(cli_db(db), 1, NULL, &store, &svc))
		return EXIT_FAIL;
	svc_system_principal(&sys);
	rc = svc_audit_verify(svc, &sys, &chk);
	cli_close(store, svc);
	if (rc != ST_OK) {
		cli_fail("audit verify", rc, NULL);
		return EXIT_FAIL;
	}
	if (json) {
		json_t *o = json_pack("{s:b, s:I}", "ok", chk.bad_seq == 0, "records",
				      (json_int_t)chk.records);
		if (chk.bad_seq) {
			json_object_set_new(o, "bad_seq", json_integer(chk.bad_seq));
			json_object_set_new(o, "reason", json_string(chk.reason));
		}
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(o);
	} else if (chk.bad_seq) {
		printf("audit trail BROKEN at record %lld: %s\n", (long long)chk.bad_seq, chk.reason);
	} else {
		printf("audit trail verified: %lld records, chain intact\n", (long long)chk.records);
	}
	return chk.bad_seq ? EXIT_FAIL : EXIT_OK;
}
