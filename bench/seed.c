/*
 * seed.c - build/bench-seed DB [N]: a database for the HTTP benchmark.
 *
 * Loads the demo data set (reference data and one login per role) through
 * the service layer, exactly as `nsatu demo` does, and then adds N catalog
 * items BENCH-000001 ... so that a list request is a keyset seek into a
 * table of realistic size.  The extra items go straight to the store in a
 * few large transactions: the service layer would write an audit record
 * and check references per item, which is right for real changes but
 * makes a hundred thousand inserts take minutes instead of a second.
 *
 * Runs from the repository root (the demo CSV files are read from ./data,
 * or from $NSATU_DATA).  Refuses to touch an existing file.
 */
#include "io/io.h"
#include "log/log.h"
#include "store/store.h"
#include "svc/svc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define DEFAULT_ITEMS 100000LL
#define MAX_ITEMS 9999999LL /* the NSN below holds 7 digits of the index */
#define BATCHES 10          /* one transaction per 10 % of the items */

/* Values cycled through so that the rows are not all alike. */
static const char *const categories[] = {
	"ammunition", "weapon_system", "vehicle", "optics", "drone", "medical",
	"engineering", "fuel", "communications", "spare_parts", "other",
};
static const char *const units[] = {"each", "round", "box", "tonne", "set"};
static const char *const coalitions[] = {
	"ARTILLERY", "AIRFORCE", "IAMD", "ARMOUR", "MARITIME", "IT", "DEMINING", "DRONES",
};
#define N(a) (sizeof(a) / sizeof *(a))

struct batch {
	long long from, to;  /* item numbers, 1-based, [from, to) */
	json_t *rec;         /* reused for every row (owned by main) */
	struct verr err;
	long long failed_at; /* item number that failed, 0 if none */
};

/* Set every field of item @i in @rec (the same keys each time, so the
 * object's storage is reused). */
static int item_fill(json_t *rec, long long i)
{
	char code[32], name[64], nsn[32];
	int rc = 0;

	snprintf(code, sizeof code, "BENCH-%06lld", i);
	snprintf(name, sizeof name, "Benchmark item %lld", i);
	snprintf(nsn, sizeof nsn, "%04lld-99-%03lld-%04lld", 1000 + i % 9000,
		 i / 10000 % 1000, i % 10000);
	rc |= json_object_set_new(rec, "code", json_string(code));
	rc |= json_object_set_new(rec, "name", json_string(name));
	rc |= json_object_set_new(rec, "nsn", i % 2 ? json_string(nsn) : json_null());
	rc |= json_object_set_new(rec, "category",
				  json_string(categories[i % N(categories)]));
	rc |= json_object_set_new(rec, "coalition",
				  i % 3 ? json_string(coalitions[i % N(coalitions)])
					: json_null());
	rc |= json_object_set_new(rec, "unit_of_issue", json_string(units[i % N(units)]));
	rc |= json_object_set_new(rec, "serialized", json_boolean(i % 5 == 0));
	rc |= json_object_set_new(rec, "sensitive", json_boolean(i % 7 == 0));
	rc |= json_object_set_new(rec, "unit_value_eur", json_integer(100 + i % 50000));
	rc |= json_object_set_new(rec, "mass_kg", json_real(0.5 + (double)(i % 1000)));
	rc |= json_object_set_new(rec, "substitution_group", json_null());
	return rc ? ST_INTERNAL : ST_OK;
}

/* Store items [from, to) in one transaction; safe to rerun on ST_RETRY
 * because a retried transaction starts from the rolled-back state. */
static int insert_batch(struct store_tx *tx, void *arg)
{
	struct batch *b = arg;
	int rc = ST_OK;

	for (long long i = b->from; i < b->to && rc == ST_OK; i++) {
		/* Validate without "version" (read-only in input), then add it:
		 * the stored record carries every field of the spec. */
		json_object_del(b->rec, "version");
		rc = item_fill(b->rec, i);
		if (rc == ST_OK)
			rc = espec_validate(&ESPEC_ITEMS, b->rec, VM_CREATE, &b->err);
		if (rc == ST_OK &&
		    json_object_set_new(b->rec, "version", json_integer(1)) != 0)
			rc = ST_INTERNAL;
		if (rc == ST_OK)
			rc = store_rec_insert(tx, &ESPEC_ITEMS, b->rec);
		if (rc != ST_OK)
			b->failed_at = i;
	}
	return rc;
}

static int seed_items(struct store *store, long long n)
{
	struct batch b = {.rec = json_object()};
	long long per = (n + BATCHES - 1) / BATCHES;
	int rc = b.rec ? ST_OK : ST_INTERNAL;

	for (long long from = 1; from <= n && rc == ST_OK; from += per) {
		b.from = from;
		b.to = from + per <= n + 1 ? from + per : n + 1;
		b.err = (struct verr){.field = ""};
		rc = store_run(store, STORE_WRITE, insert_batch, &b);
		if (rc == ST_OK)
			fprintf(stderr, "bench-seed: %3lld %% (%lld/%lld items)\n",
				(b.to - 1) * 100 / n, b.to - 1, n);
	}
	if (rc != ST_OK)
		fprintf(stderr, "bench-seed: item %lld: %s%s%s\n", b.failed_at,
			*b.err.field ? b.err.field : status_name((enum status)rc),
			*b.err.field ? ": " : "", *b.err.field ? b.err.reason : "");
	json_decref(b.rec);
	return rc;
}

static int parse_count(const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && *out >= 1 && *out <= MAX_ITEMS;
}

int main(int argc, char **argv)
{
	const char *env = getenv("NSATU_DATA");
	const char *datadir = env && *env ? env : "data";
	struct svc_config cfg = {0};
	struct store *store = NULL;
	struct svc *svc = NULL;
	struct principal sys;
	char err[1024];
	int applied = 0, version = 0, rc;
	long long n = DEFAULT_ITEMS;

	if (argc < 2 || argc > 3 || (argc == 3 && !parse_count(argv[2], &n))) {
		fprintf(stderr, "usage: bench-seed DB [N]\n\n"
				"Create DB with the demo data set and N (1..%lld, default %lld)\n"
				"extra catalog items BENCH-000001 ...\n",
			MAX_ITEMS, DEFAULT_ITEMS);
		return 2;
	}
	if (access(argv[1], F_OK) == 0) {
		fprintf(stderr, "bench-seed: %s exists; give a new file\n", argv[1]);
		return 1;
	}
	log_set_level(LOG_WARN);
	if (store_open(argv[1], 2, &store, err, sizeof err) != ST_OK) {
		fprintf(stderr, "bench-seed: %s\n", err);
		return 1;
	}
	if ((rc = store_migrate(store, &applied, &version)) != ST_OK) {
		fprintf(stderr, "bench-seed: migration failed\n");
		goto done;
	}
	if (!(svc = svc_new(store, &cfg))) {
		fprintf(stderr, "bench-seed: cannot start the service\n");
		rc = ST_INTERNAL;
		goto done;
	}
	svc_system_principal(&sys);
	rc = io_reference_load(svc, &sys, datadir, NULL, err, sizeof err);
	if (rc == ST_OK)
		rc = io_demo_users(svc, &sys, err, sizeof err);
	if (rc != ST_OK) {
		fprintf(stderr, "bench-seed: demo data: %s\n", err);
		goto done;
	}
	fprintf(stderr, "bench-seed: demo data loaded from %s/\n", datadir);
	rc = seed_items(store, n);
done:
	svc_free(svc);
	store_close(store);
	return rc == ST_OK ? 0 : 1;
}
