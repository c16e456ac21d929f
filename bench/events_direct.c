/*
 * events_direct.c - build/bench-events-direct: the baseline of `make
 * bench-events`, the same rows written straight into SQLite.
 *
 *   bench-events-direct DB PLAN LABEL:FIRST:COUNT:v7|v4 ...
 *
 * Creates DB with nsatu's schema (store_open + store_migrate, then closed),
 * opens it again with plain SQLite and the pragmas of the SQLite backend
 * (src/store/sqlite/conn.c: foreign_keys=ON, synchronous=FULL,
 * journal_mode=WAL, a 5 s busy timeout), and for each round inserts the
 * events [FIRST, FIRST + COUNT) of the shared stream (events_gen.h: the
 * same ids, times, sites, shipments, lines and quantities the API client
 * sends) into the events table with one prepared INSERT, in transactions
 * of EG_BATCH rows begun with BEGIN IMMEDIATE as the backend's writers
 * are.  The derived columns get what the server stores: nation from the
 * plan, recorded_by the API login, recorded_at the time of the batch,
 * complete 0, version 1.
 *
 * Only the transactions are timed; each batch's rows are generated before
 * its BEGIN.  Rounds run one after another in the same database, as the
 * API's rounds run against one server.  Prints progress every 10 batches
 * on stderr and one line per round on stdout:
 *   RESULT direct LABEL <events> <seconds> <batch p50 ms> <batch max ms>
 */
#include "events_gen.h"

#include "log/log.h"
#include "store/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#define BUSY_TIMEOUT_MS 5000  /* as src/store/sqlite/conn.c */

static const char insert_sql[] =
	"INSERT INTO events (id, type, at, site, shipment, line, item, serial, quantity,"
	" discrepancy, complete, corrects, reason, nation, recorded_by, recorded_at, version)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, 0, NULL, NULL, ?10, ?11, ?12, 1)";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench-events-direct: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Bind @s, or NULL when @s is NULL. */
static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

struct round {
	const char *label;
	uint64_t first, count;
	bool v4;
};

static int parse_round(char *arg, struct round *r)
{
	char *c1 = strchr(arg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char *c3 = c2 ? strchr(c2 + 1, ':') : NULL, *end;

	if (!c3)
		return -1;
	*c1 = *c2 = *c3 = '\0';
	r->label = arg;
	errno = 0;
	r->first = strtoull(c1 + 1, &end, 10);
	if (errno || *end || r->first % EG_BATCH)
		return -1;
	r->count = strtoull(c2 + 1, &end, 10);
	if (errno || *end || r->count % EG_BATCH || r->count == 0)
		return -1;
	if (strcmp(c3 + 1, "v7") && strcmp(c3 + 1, "v4"))
		return -1;
	r->v4 = strcmp(c3 + 1, "v4") == 0;
	return 0;
}

static int run_round(sqlite3 *db, sqlite3_stmt *st, const struct eg_plan *pl,
		     const struct round *r, struct eg_event *evs)
{
	size_t nbatches = (size_t)(r->count / EG_BATCH);
	double *ms = malloc(nbatches * sizeof *ms), total = 0;
	char recorded_at[25];
	int rc = -1;

	if (!ms)
		return -1;
	for (size_t b = 0; b < nbatches; b++) {
		uint64_t first = r->first + b * EG_BATCH;

		for (uint64_t i = 0; i < EG_BATCH; i++)
			eg_event(pl, first + i, r->v4, &evs[i]);
		eg_time(wall_ms(), recorded_at);

		double t = now_s();
		if (exec(db, "BEGIN IMMEDIATE") != 0)
			goto done;
		for (uint64_t i = 0; i < EG_BATCH; i++) {
			const struct eg_event *ev = &evs[i];
			sqlite3_bind_text(st, 1, ev->id, 36, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, ev->type, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, ev->at, 24, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, ev->site, -1, SQLITE_STATIC);
			bind_text(st, 5, ev->shipment);
			bind_text(st, 6, ev->line);
			bind_text(st, 7, ev->item);
			bind_text(st, 8, ev->serial[0] ? ev->serial : NULL);
			if (ev->quantity)
				sqlite3_bind_int64(st, 9, ev->quantity);
			else
				sqlite3_bind_null(st, 9);
			sqlite3_bind_text(st, 10, pl->nation, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 11, pl->recorded_by, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 12, recorded_at, 24, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE) {
				fprintf(stderr, "bench-events-direct: insert of event %llu: %s\n",
					(unsigned long long)(first + i), sqlite3_errmsg(db));
				sqlite3_reset(st);
				exec(db, "ROLLBACK");
				goto done;
			}
			sqlite3_reset(st);
		}
		if (exec(db, "COMMIT") != 0)
			goto done;
		ms[b] = (now_s() - t) * 1000;
		total += ms[b] / 1000;
		if ((b + 1) % 10 == 0 || b + 1 == nbatches)
			fprintf(stderr, "  %s: %3zu/%zu batches, %8llu events, %6.1f s, %7.0f events/s\n",
				r->label, b + 1, nbatches, (unsigned long long)((b + 1) * EG_BATCH),
				total, (double)((b + 1) * EG_BATCH) / total);
	}
	qsort(ms, nbatches, sizeof *ms, cmp_double);
	printf("RESULT direct %s %llu %.3f %.1f %.1f\n", r->label, (unsigned long long)r->count,
	       total, ms[nbatches / 2], ms[nbatches - 1]);
	fflush(stdout);
	rc = 0;
done:
	free(ms);
	return rc;
}

int main(int argc, char **argv)
{
	struct round rounds[8];
	struct eg_plan pl;
	struct store *store = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct eg_event *evs = NULL;
	char err[512];
	int applied = 0, version = 0, nrounds = argc - 3, rc = 1;

	if (argc < 4 || nrounds > 8) {
		fprintf(stderr, "usage: bench-events-direct DB PLAN LABEL:FIRST:COUNT:v7|v4 ...\n");
		return 2;
	}
	for (int i = 0; i < nrounds; i++) {
		if (parse_round(argv[3 + i], &rounds[i]) != 0) {
			fprintf(stderr, "bench-events-direct: bad round (LABEL:FIRST:COUNT:v7|v4, "
					"multiples of %d)\n", EG_BATCH);
			return 2;
		}
	}
	if (access(argv[1], F_OK) == 0) {
		fprintf(stderr, "bench-events-direct: %s exists; give a new file\n", argv[1]);
		return 1;
	}
	if (eg_plan_load(argv[2], &pl) != 0)
		return 1;
	for (int i = 0; i < nrounds; i++) {
		if (eg_ships_for(rounds[i].first + rounds[i].count) > pl.nships) {
			fprintf(stderr, "bench-events-direct: the plan has too few shipments for %s\n",
				rounds[i].label);
			goto done;
		}
	}

	/* The schema, made by the project itself. */
	log_set_level(LOG_WARN);
	if (store_open(argv[1], 1, &store, err, sizeof err) != ST_OK) {
		fprintf(stderr, "bench-events-direct: %s\n", err);
		goto done;
	}
	if (store_migrate(store, &applied, &version) != ST_OK) {
		fprintf(stderr, "bench-events-direct: migration failed\n");
		goto done;
	}
	store_close(store);
	store = NULL;

	/* Plain SQLite with the backend's settings. */
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "bench-events-direct: %s\n", db ? sqlite3_errmsg(db) : "out of memory");
		goto done;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	if (exec(db, "PRAGMA foreign_keys=ON") || exec(db, "PRAGMA synchronous=FULL") ||
	    exec(db, "PRAGMA journal_mode=WAL"))
		goto done;
	if (sqlite3_prepare_v3(db, insert_sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "bench-events-direct: %s\n", sqlite3_errmsg(db));
		goto done;
	}
	if (!(evs = calloc(EG_BATCH, sizeof *evs)))
		goto done;
	for (int i = 0; i < nrounds; i++) {
		if (run_round(db, st, &pl, &rounds[i], evs) != 0)
			goto done;
	}
	rc = 0;
done:
	free(evs);
	sqlite3_finalize(st);
	sqlite3_close(db);
	store_close(store);
	eg_plan_free(&pl);
	return rc;
}
