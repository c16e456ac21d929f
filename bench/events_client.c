/*
 * events_client.c - build/bench-events-client: the API side of `make
 * bench-events`.
 *
 *   bench-events-client seed DB PLAN SHIPMENTS
 *       Create DB with the reference data and the demo logins (as `nsatu
 *       demo` and bench/seed.c do), then, through the service layer, what
 *       the event stream needs: a donor depot and four receiving units, a
 *       validated requirement, a committed pledge and open allocations for
 *       a bulk item and for a serialized one, and SHIPMENTS delivery
 *       shipments (depot > LN-RZE > hand-over point > unit), each with one
 *       bulk line and one serialized line of EG_SERIALS assets.  Writes
 *       the shipments' ids to PLAN (the input of events_gen.h).  Not timed.
 *
 *   bench-events-client ingest URL PLAN USER PASSWORD LABEL FIRST COUNT v7|v4 CONNS
 *       Log in, make the request bodies of events [FIRST, FIRST + COUNT)
 *       (batches of EG_BATCH, built before the clock starts), send them to
 *       POST /api/v1/events:batch over CONNS keep-alive connections and
 *       time that alone.  Every answer must be 200 with all events
 *       recorded.  Then, untimed: replay the first batch (all duplicates
 *       expected) and read back the first and last shipment of the range
 *       to check that the events had their effect.  Prints progress every
 *       10 batches on stderr and one line on stdout:
 *         RESULT api LABEL <events> <seconds> <batch p50 ms> <batch max ms>
 *
 * Exits 0 on success, 1 when anything was refused or wrong (with the
 * server's problem body on stderr), 2 on bad usage.
 */
#include "events_gen.h"

#include "io/io.h"
#include "log/log.h"
#include "store/store.h"
#include "svc/svc.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#define BODY_ESTIMATE 300  /* bytes per event in a request body, to reserve */
#define ALLOC_GROUP 100    /* shipments per allocation (keeps line checks short) */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_u64(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && *s != '-' && *out <= max;
}

/* ==== seed ================================================================ */

struct seeder {
	struct svc *svc;
	struct principal admin, planner;
	char day0[11], day_end[11], day_before[11];
};

static void day_of(int64_t ms, char out[11])
{
	char t[25];

	eg_time(ms, t);
	memcpy(out, t, 10);
	out[10] = '\0';
}

static void fail_verr(const char *what, int rc, const struct verr *err)
{
	fprintf(stderr, "bench-events seed: %s: %s%s%s\n", what,
		*err->field ? err->field : status_name((enum status)rc), *err->field ? ": " : "",
		*err->field ? err->reason : "");
}

/* Create one record from @rec (reference consumed); its key into @key. */
static int create(struct seeder *sd, const struct principal *p, const struct espec *e,
		  json_t *rec, char *key, size_t keylen)
{
	struct verr err = {.field = ""};
	json_t *out = NULL;
	int rc = rec ? svc_rec_create(sd->svc, p, e, rec, &out, &err) : ST_INTERNAL;

	if (rc == ST_OK && key)
		snprintf(key, keylen, "%s", json_string_value(json_object_get(out, e->key)));
	if (rc != ST_OK)
		fail_verr(e->name, rc, &err);
	json_decref(rec);
	json_decref(out);
	return rc;
}

static int move(struct seeder *sd, const struct espec *e, const char *key, const char *to)
{
	struct verr err = {.field = ""};
	json_t *out = NULL;
	int rc = svc_transition(sd->svc, &sd->planner, e, key, to, NULL, -1, &out, &err);

	if (rc != ST_OK)
		fail_verr(to, rc, &err);
	json_decref(out);
	return rc;
}

/* A validated requirement, a committed pledge of @nation, and one open
 * allocation per ALLOC_GROUP shipments, for @item; shipment i needs
 * @per_ship[i] units.  The allocations' keys into @alloc. */
static int donation(struct seeder *sd, const char *nation, const char *item,
		    const long long *per_ship, size_t ships, char (*alloc)[48])
{
	char req[48], pledge[48];
	long long total = 0;
	int rc;

	for (size_t i = 0; i < ships; i++)
		total += per_ship[i];
	rc = create(sd, &sd->planner, &ESPEC_REQUIREMENTS,
		    json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "nation", "UKR", "item", item,
			      "quantity", (json_int_t)total, "priority", "P1", "needed_by",
			      sd->day_end, "destination", "HP-MED", "justification",
			      "bench-events: custody event stream"),
		    req, sizeof req);
	if (rc == ST_OK)
		rc = move(sd, &ESPEC_REQUIREMENTS, req, "submitted");
	if (rc == ST_OK)
		rc = move(sd, &ESPEC_REQUIREMENTS, req, "validated");
	if (rc == ST_OK)
		rc = create(sd, &sd->planner, &ESPEC_PLEDGES,
			    json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "nation", nation,
				      "kind", "materiel", "pledged_on", sd->day_before, "item", item,
				      "quantity", (json_int_t)total, "condition", "new",
				      "available_from", sd->day_before),
			    pledge, sizeof pledge);
	if (rc == ST_OK)
		rc = move(sd, &ESPEC_PLEDGES, pledge, "committed");
	for (size_t g = 0; rc == ST_OK && g * ALLOC_GROUP < ships; g++) {
		long long sum = 0;
		for (size_t i = g * ALLOC_GROUP; i < ships && i < (g + 1) * ALLOC_GROUP; i++)
			sum += per_ship[i];
		rc = create(sd, &sd->planner, &ESPEC_ALLOCATIONS,
			    json_pack("{s:s, s:s, s:I}", "pledge", pledge, "requirement", req,
				      "quantity", (json_int_t)sum),
			    alloc[g], sizeof *alloc);
	}
	return rc;
}

/* Create @rows (all or nothing, one transaction); they get their keys. */
static int create_many(struct seeder *sd, const struct espec *e, json_t *rows)
{
	json_t *report = NULL;
	double t = now_s();
	int rc = svc_rec_create_many(sd->svc, &sd->planner, e, rows, BATCH_ALL_OR_NOTHING, &report);

	if (rc != ST_OK) {
		json_t *first = json_array_get(json_object_get(report, "errors"), 0);
		fprintf(stderr, "bench-events seed: %s: %s (row %lld: %s: %s)\n", e->name,
			status_name((enum status)rc),
			(long long)json_integer_value(json_object_get(first, "index")),
			json_string_value(json_object_get(first, "field")),
			json_string_value(json_object_get(first, "reason")));
	} else {
		fprintf(stderr, "bench-events seed: %zu %s in %.1f s\n", json_array_size(rows),
			e->name, now_s() - t);
	}
	json_decref(report);
	return rc;
}

static const char *const units[] = {"UA-BENCH-1", "UA-BENCH-2", "UA-BENCH-3", "UA-BENCH-4"};
static const char *const hps[] = {"HP-MED", "HP-DOR"};
#define NUNITS (sizeof units / sizeof *units)
#define NHPS (sizeof hps / sizeof *hps)

static int seed_shipments(struct seeder *sd, struct eg_plan *pl)
{
	size_t n = pl->nships, ngroups = (n + ALLOC_GROUP - 1) / ALLOC_GROUP;
	char (*bulk)[48] = calloc(ngroups, sizeof *bulk);
	char (*ser)[48] = calloc(ngroups, sizeof *ser);
	long long *qty = calloc(n, sizeof *qty), *nser = calloc(n, sizeof *nser);
	json_t *ships = json_array(), *legs = json_array(), *lines = json_array();
	int rc = bulk && ser && qty && nser && ships && legs && lines ? ST_OK : ST_INTERNAL;

	for (size_t i = 0; rc == ST_OK && i < n; i++) {
		qty[i] = eg_ship_total(i);
		nser[i] = EG_SERIALS;
	}
	if (rc == ST_OK)
		rc = donation(sd, pl->nation, pl->item, qty, n, bulk);
	if (rc == ST_OK)
		rc = donation(sd, pl->nation, pl->sitem, nser, n, ser);
	for (size_t i = 0; rc == ST_OK && i < n; i++) {
		struct eg_ship *s = &pl->ships[i];
		snprintf(s->origin, sizeof s->origin, "DEP-BENCH");
		snprintf(s->node, sizeof s->node, "LN-RZE");
		snprintf(s->hp, sizeof s->hp, "%s", hps[i % NHPS]);
		snprintf(s->dest, sizeof s->dest, "%s", units[i % NUNITS]);
		json_array_append_new(ships, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "nation",
						       pl->nation, "purpose", "delivery", "origin",
						       s->origin, "handover_point", s->hp,
						       "destination", s->dest, "planned_departure",
						       sd->day0, "planned_arrival", sd->day_end));
	}
	if (rc == ST_OK)
		rc = create_many(sd, &ESPEC_SHIPMENTS, ships);
	for (size_t i = 0; rc == ST_OK && i < n; i++) {
		struct eg_ship *s = &pl->ships[i];
		const char *id = json_string_value(json_object_get(json_array_get(ships, i), "id"));
		const char *stops[] = {s->node, s->hp, s->dest};
		char serials[EG_SERIALS * 16] = "", one[32];
		size_t used = 0;

		snprintf(s->id, sizeof s->id, "%s", id ? id : "?");
		for (size_t k = 0; k < sizeof stops / sizeof *stops; k++)
			json_array_append_new(legs, json_pack("{s:s, s:s, s:s}", "shipment", s->id,
							      "to_site", stops[k], "mode", "road"));
		for (int k = 0; k < EG_SERIALS; k++) {
			eg_serial(i, k, one);
			used += (size_t)snprintf(serials + used, sizeof serials - used, "%s%s",
						 k ? ";" : "", one);
		}
		json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:I}", "shipment", s->id,
						       "allocation", bulk[i / ALLOC_GROUP], "item",
						       pl->item, "quantity", (json_int_t)qty[i]));
		json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:I, s:s}", "shipment", s->id,
						       "allocation", ser[i / ALLOC_GROUP], "item",
						       pl->sitem, "quantity", (json_int_t)EG_SERIALS,
						       "serials", serials));
	}
	if (rc == ST_OK)
		rc = create_many(sd, &ESPEC_LEGS, legs);
	if (rc == ST_OK)
		rc = create_many(sd, &ESPEC_LINES, lines);
	for (size_t i = 0; rc == ST_OK && i < n; i++) {
		struct eg_ship *s = &pl->ships[i];
		snprintf(s->line, sizeof s->line, "%s",
			 json_string_value(json_object_get(json_array_get(lines, 2 * i), "id")));
		snprintf(s->sline, sizeof s->sline, "%s",
			 json_string_value(json_object_get(json_array_get(lines, 2 * i + 1), "id")));
	}
	json_decref(ships);
	json_decref(legs);
	json_decref(lines);
	free(bulk);
	free(ser);
	free(qty);
	free(nser);
	return rc;
}

static int cmd_seed(int argc, char **argv)
{
	const char *env = getenv("NSATU_DATA");
	const char *datadir = env && *env ? env : "data";
	unsigned long long nships;
	struct svc_config cfg = {0};
	struct store *store = NULL;
	struct seeder sd = {0};
	struct eg_plan pl = {0};
	char err[1024];
	int applied = 0, version = 0, rc = ST_INTERNAL;

	if (argc != 5 || !parse_u64(argv[4], 1000000, &nships) || nships == 0) {
		fprintf(stderr, "usage: bench-events-client seed DB PLAN SHIPMENTS\n");
		return 2;
	}
	if (access(argv[2], F_OK) == 0) {
		fprintf(stderr, "bench-events seed: %s exists; give a new file\n", argv[2]);
		return 1;
	}
	log_set_level(LOG_WARN);
	if (store_open(argv[2], 2, &store, err, sizeof err) != ST_OK) {
		fprintf(stderr, "bench-events seed: %s\n", err);
		return 1;
	}
	if (store_migrate(store, &applied, &version) != ST_OK) {
		fprintf(stderr, "bench-events seed: migration failed\n");
		goto done;
	}
	if (!(sd.svc = svc_new(store, &cfg))) {
		fprintf(stderr, "bench-events seed: cannot start the service\n");
		goto done;
	}
	svc_system_principal(&sd.admin);
	svc_system_as(&sd.planner, ROLE_PLANNER);
	rc = io_reference_load(sd.svc, &sd.admin, datadir, NULL, err, sizeof err);
	if (rc == ST_OK)
		rc = io_demo_users(sd.svc, &sd.admin, err, sizeof err);
	if (rc != ST_OK) {
		fprintf(stderr, "bench-events seed: demo data: %s\n", err);
		goto done;
	}

	/* Event i happens at t0 + i * EG_STEP_MS: start far enough back that
	 * the last one is a day in the past. */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now_ms = (int64_t)ts.tv_sec * 1000;
	pl.t0_ms = now_ms - (int64_t)nships * EG_PER_SHIP * EG_STEP_MS - 86400000LL;
	pl.t0_ms -= pl.t0_ms % 1000;
	pl.seed = 0x6e736174755f6576ULL;  /* fixed: both sides make the same ids */
	snprintf(pl.nation, sizeof pl.nation, "DEU");
	snprintf(pl.item, sizeof pl.item, "ART-155-DM121");  /* ammunition, not serialized */
	snprintf(pl.sitem, sizeof pl.sitem, "NVD-PVS14");    /* serialized, sensitive */
	snprintf(pl.recorded_by, sizeof pl.recorded_by, "planner");
	day_of(pl.t0_ms, sd.day0);
	day_of(pl.t0_ms - 86400000LL, sd.day_before);
	day_of(now_ms + 30 * 86400000LL, sd.day_end);

	/* The sites the demo data lacks: a donor depot and receiving units. */
	rc = create(&sd, &sd.admin, &ESPEC_SITES,
		    json_pack("{s:s, s:s, s:s, s:s, s:f, s:f}", "code", "DEP-BENCH", "name",
			      "Benchmark depot", "kind", "depot", "nation", "DEU", "lat", 49.9,
			      "lon", 8.6),
		    NULL, 0);
	for (size_t i = 0; rc == ST_OK && i < NUNITS; i++) {
		char name[64];
		snprintf(name, sizeof name, "Benchmark brigade %zu", i + 1);
		rc = create(&sd, &sd.admin, &ESPEC_SITES,
			    json_pack("{s:s, s:s, s:s, s:s, s:f, s:f}", "code", units[i], "name",
				      name, "kind", "unit", "nation", "UKR", "lat", 49.0 + (double)i,
				      "lon", 31.0),
			    NULL, 0);
	}
	pl.nships = (size_t)nships;
	if (rc == ST_OK && !(pl.ships = calloc(pl.nships, sizeof *pl.ships)))
		rc = ST_INTERNAL;
	if (rc == ST_OK)
		rc = seed_shipments(&sd, &pl);
	if (rc == ST_OK && eg_plan_save(argv[3], &pl) != 0) {
		fprintf(stderr, "bench-events seed: cannot write %s\n", argv[3]);
		rc = ST_INTERNAL;
	}
done:
	eg_plan_free(&pl);
	svc_free(sd.svc);
	store_close(store);
	return rc == ST_OK ? 0 : 1;
}

/* ==== ingest ================================================================ */

struct resp {
	char *p;
	size_t len, cap;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;
	size_t add = size * n;

	if (r->len + add + 1 > r->cap) {
		size_t cap = (r->len + add + 1) * 2;
		char *p = realloc(r->p, cap);
		if (!p)
			return 0;
		r->p = p;
		r->cap = cap;
	}
	memcpy(r->p + r->len, data, add);
	r->len += add;
	r->p[r->len] = '\0';
	return add;
}

/* One HTTP exchange on @curl: *@status and the body into @r (reset). */
static int exchange(CURL *curl, const char *url, struct curl_slist *hdrs, const char *body,
		    size_t len, struct resp *r, long *status)
{
	CURLcode cc;

	r->len = 0;
	if (r->p)
		r->p[0] = '\0';
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	if (body) {
		curl_easy_setopt(curl, CURLOPT_POST, 1L);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else {
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, r);
	if ((cc = curl_easy_perform(curl)) != CURLE_OK) {
		fprintf(stderr, "bench-events: %s: %s\n", url, curl_easy_strerror(cc));
		return -1;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
	return 0;
}

static CURL *client_new(void)
{
	CURL *curl = curl_easy_init();

	if (curl) {
		curl_easy_setopt(curl, CURLOPT_TIMEOUT, 600L);
		curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
	}
	return curl;
}

/* Append event @ev as a JSON object.  Every string comes from the plan or
 * the generator (codes, server keys, UUIDs, times): nothing to escape. */
static void put_event(struct jbuf *b, const struct eg_event *ev)
{
#define PUT(key, val)                                        \
	do {                                                 \
		jbuf_lit(b, ",\"" key "\":\"");              \
		jbuf_raw(b, (val), strlen(val));             \
		jbuf_lit(b, "\"");                           \
	} while (0)
	jbuf_lit(b, "{\"id\":\"");
	jbuf_raw(b, ev->id, 36);
	jbuf_lit(b, "\"");
	PUT("type", ev->type);
	PUT("at", ev->at);
	PUT("site", ev->site);
	if (ev->shipment)
		PUT("shipment", ev->shipment);
	if (ev->line)
		PUT("line", ev->line);
	if (ev->item) {
		PUT("item", ev->item);
		PUT("serial", ev->serial);
	}
	if (ev->quantity) {
		jbuf_lit(b, ",\"quantity\":");
		jbuf_int(b, ev->quantity);
	}
	jbuf_lit(b, "}");
#undef PUT
}

struct batch {
	struct jbuf body;
	uint64_t first, n;
	double ms;  /* time to answer */
};

struct run {
	const char *url;         /* .../api/v1/events:batch */
	struct curl_slist *hdrs;
	struct batch *batches;
	size_t nbatches;
	atomic_size_t next, done;
	atomic_int failed;
	atomic_llong recorded;
	double t0;
	const char *label;
	pthread_mutex_t lock;
};

/* Check a batch answer: 200 and {"received": n, "recorded": n, "duplicates": 0}
 * (@want_dups: all duplicates instead).  Prints what is wrong. */
static int check_answer(long status, const struct resp *r, uint64_t n, bool want_dups,
			long long *recorded)
{
	json_t *j = status == 200 ? json_loads(r->p ? r->p : "", 0, NULL) : NULL;
	long long rec = json_integer_value(json_object_get(j, "recorded"));
	long long dup = json_integer_value(json_object_get(j, "duplicates"));
	long long got = json_integer_value(json_object_get(j, "received"));
	int ok = j && got == (long long)n && rec == (want_dups ? 0 : (long long)n) &&
		 dup == (want_dups ? (long long)n : 0);

	if (!ok)
		fprintf(stderr, "bench-events: events:batch answered %ld: %.2000s\n", status,
			r->p ? r->p : "");
	if (recorded)
		*recorded = rec;
	json_decref(j);
	return ok ? 0 : -1;
}

static void *sender(void *arg)
{
	struct run *run = arg;
	CURL *curl = client_new();
	struct resp r = {0};

	if (!curl) {
		atomic_store(&run->failed, 1);
		return NULL;
	}
	for (;;) {
		size_t i = atomic_fetch_add(&run->next, 1);
		long status = 0;
		long long rec = 0;

		if (i >= run->nbatches || atomic_load(&run->failed))
			break;
		struct batch *b = &run->batches[i];
		double t = now_s();
		if (exchange(curl, run->url, run->hdrs, b->body.p, b->body.len, &r, &status) != 0 ||
		    check_answer(status, &r, b->n, false, &rec) != 0) {
			fprintf(stderr, "bench-events: batch %zu (events %llu..) failed\n", i,
				(unsigned long long)b->first);
			atomic_store(&run->failed, 1);
			break;
		}
		b->ms = (now_s() - t) * 1000;
		atomic_fetch_add(&run->recorded, rec);
		size_t done = atomic_fetch_add(&run->done, 1) + 1;
		if (done % 10 == 0 || done == run->nbatches) {
			double el = now_s() - run->t0;
			pthread_mutex_lock(&run->lock);
			fprintf(stderr, "  %s: %3zu/%zu batches, %8llu events, %6.1f s, %7.0f events/s\n",
				run->label, done, run->nbatches, (unsigned long long)(done * EG_BATCH),
				el, (double)(done * EG_BATCH) / el);
			pthread_mutex_unlock(&run->lock);
		}
	}
	free(r.p);
	curl_easy_cleanup(curl);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* GET @path; the answer as JSON (new reference) or NULL. */
static json_t *get_json(CURL *curl, const char *base, const char *path,
			struct curl_slist *hdrs)
{
	char url[512];
	struct resp r = {0};
	long status = 0;
	json_t *j = NULL;

	snprintf(url, sizeof url, "%s%s", base, path);
	if (exchange(curl, url, hdrs, NULL, 0, &r, &status) == 0 && status == 200)
		j = json_loads(r.p, 0, NULL);
	else
		fprintf(stderr, "bench-events: GET %s answered %ld: %.500s\n", path, status,
			r.p ? r.p : "");
	free(r.p);
	return j;
}

/* After the run: the first and last shipment of the range moved as sent. */
static int check_effects(CURL *curl, const char *base, struct curl_slist *hdrs,
			 const struct eg_plan *pl, uint64_t first, uint64_t count)
{
	size_t ships[2] = {eg_ships_for(first), eg_ships_for(first + count) - 1};
	int bad = 0;

	for (size_t k = 0; k < 2; k++) {
		const struct eg_ship *s = &pl->ships[ships[k]];
		char path[256];
		long long want = eg_ship_total(ships[k]);

		snprintf(path, sizeof path, "/api/v1/shipment_lines/%s", s->line);
		json_t *line = get_json(curl, base, path, hdrs);
		snprintf(path, sizeof path, "/api/v1/shipment_lines/%s", s->sline);
		json_t *sline = get_json(curl, base, path, hdrs);
		snprintf(path, sizeof path, "/api/v1/shipments/%s", s->id);
		json_t *ship = get_json(curl, base, path, hdrs);
		char serial[32];
		eg_serial(ships[k], 0, serial);
		snprintf(path, sizeof path, "/api/v1/assets?item=%s&serial=%s", pl->sitem, serial);
		json_t *assets = get_json(curl, base, path, hdrs);
		json_t *asset = json_array_get(json_object_get(assets, "items"), 0);
#define NUM(o, f) ((long long)json_integer_value(json_object_get((o), (f))))
#define STR(o, f) (json_string_value(json_object_get((o), (f))) ? json_string_value(json_object_get((o), (f))) : "null")
		fprintf(stderr,
			"  check %s: status %s, location %s; bulk line dispatched %lld received %lld "
			"in_transit %lld (sent %lld) %s; serialized line dispatched %lld received %lld "
			"%s; asset %s: %s at %s, last inventory %s\n",
			s->id, STR(ship, "status"), STR(ship, "location"), NUM(line, "dispatched"),
			NUM(line, "received"), NUM(line, "in_transit"), want, STR(line, "status"),
			NUM(sline, "dispatched"), NUM(sline, "received"), STR(sline, "status"),
			serial, STR(asset, "status"), STR(asset, "location"),
			STR(asset, "last_inventory_at"));
		if (!line || NUM(line, "dispatched") != want || NUM(line, "received") != want ||
		    !sline || NUM(sline, "received") != EG_SERIALS) {
			fprintf(stderr, "bench-events: shipment %s does not show the events sent\n",
				s->id);
			bad = 1;
		}
#undef NUM
#undef STR
		json_decref(line);
		json_decref(sline);
		json_decref(ship);
		json_decref(assets);
	}
	return bad ? -1 : 0;
}

static int cmd_ingest(int argc, char **argv)
{
	unsigned long long first, count, conns;
	struct eg_plan pl;
	struct run run = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct curl_slist *hdrs = NULL, *login_hdrs = NULL;
	struct resp r = {0};
	pthread_t th[16];
	CURL *curl = NULL;
	char url[512], auth[256];
	long status = 0;
	bool v4;
	int rc = 1;

	if (argc != 11 || !parse_u64(argv[7], 100000000, &first) ||
	    !parse_u64(argv[8], 100000000, &count) || first % EG_BATCH || count % EG_BATCH ||
	    count == 0 || (strcmp(argv[9], "v7") && strcmp(argv[9], "v4")) ||
	    !parse_u64(argv[10], 16, &conns) || conns == 0) {
		fprintf(stderr, "usage: bench-events-client ingest URL PLAN USER PASSWORD LABEL "
				"FIRST COUNT v7|v4 CONNS\n"
				"  FIRST and COUNT: multiples of %d; CONNS 1..16\n",
			EG_BATCH);
		return 2;
	}
	const char *base = argv[2], *user = argv[4], *password = argv[5];
	v4 = strcmp(argv[9], "v4") == 0;
	if (eg_plan_load(argv[3], &pl) != 0)
		return 1;
	if (eg_ships_for(first + count) > pl.nships) {
		fprintf(stderr, "bench-events: the plan has %zu shipments; events up to %llu need %zu\n",
			pl.nships, first + count, eg_ships_for(first + count));
		goto done;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(curl = client_new()))
		goto done;

	/* Log in. */
	json_t *cred = json_pack("{s:s, s:s}", "username", user, "password", password);
	char *cred_text = cred ? json_dumps(cred, JSON_COMPACT) : NULL;
	json_decref(cred);
	login_hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	snprintf(url, sizeof url, "%s/api/v1/sessions", base);
	int lrc = cred_text ? exchange(curl, url, login_hdrs, cred_text, strlen(cred_text), &r,
				       &status)
			    : -1;
	free(cred_text);
	json_t *session = lrc == 0 && status == 201 ? json_loads(r.p, 0, NULL) : NULL;
	if (lrc == 0 && status == 200 && !session)
		session = json_loads(r.p, 0, NULL);
	const char *token = json_string_value(json_object_get(session, "token"));
	if (!token) {
		fprintf(stderr, "bench-events: login as %s answered %ld: %.500s\n", user, status,
			r.p ? r.p : "");
		json_decref(session);
		goto done;
	}
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	json_decref(session);
	hdrs = curl_slist_append(NULL, auth);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:");  /* no 100-continue round trip */

	/* Every body before the clock starts. */
	double tb = now_s();
	run.nbatches = (size_t)(count / EG_BATCH);
	if (!(run.batches = calloc(run.nbatches, sizeof *run.batches)))
		goto done;
	for (size_t bi = 0; bi < run.nbatches; bi++) {
		struct batch *b = &run.batches[bi];
		struct eg_event ev;

		b->first = first + bi * EG_BATCH;
		b->n = EG_BATCH;
		jbuf_reserve(&b->body, EG_BATCH * BODY_ESTIMATE);
		jbuf_lit(&b->body, "{\"events\":[");
		for (uint64_t i = 0; i < b->n; i++) {
			if (i)
				jbuf_lit(&b->body, ",");
			eg_event(&pl, b->first + i, v4, &ev);
			put_event(&b->body, &ev);
		}
		jbuf_lit(&b->body, "]}");
		if (b->body.failed) {
			fprintf(stderr, "bench-events: out of memory\n");
			goto done;
		}
	}
	fprintf(stderr, "  %s: %zu request bodies built in %.1f s (%.1f MB each)\n", argv[6],
		run.nbatches, now_s() - tb, (double)run.batches[0].body.len / 1e6);

	/* The timed part. */
	snprintf(url, sizeof url, "%s/api/v1/events:batch", base);
	run.url = url;
	run.hdrs = hdrs;
	run.label = argv[6];
	run.t0 = now_s();
	size_t started = 0;
	for (; started < conns; started++) {
		if (pthread_create(&th[started], NULL, sender, &run) != 0) {
			atomic_store(&run.failed, 1);
			break;
		}
	}
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	double secs = now_s() - run.t0;
	if (atomic_load(&run.failed) || atomic_load(&run.done) != run.nbatches)
		goto done;

	double *ms = malloc(run.nbatches * sizeof *ms);
	if (!ms)
		goto done;
	for (size_t i = 0; i < run.nbatches; i++)
		ms[i] = run.batches[i].ms;
	qsort(ms, run.nbatches, sizeof *ms, cmp_double);
	double p50 = ms[run.nbatches / 2], max = ms[run.nbatches - 1];
	free(ms);

	/* Batches far slower than the median are worth a look (a checkpoint,
	 * writers queueing on SQLite's busy handler). */
	for (size_t i = 0; i < run.nbatches; i++) {
		if (run.batches[i].ms > 4 * p50)
			fprintf(stderr, "  %s: batch %zu took %.0f ms (median %.0f ms)\n", argv[6], i,
				run.batches[i].ms, p50);
	}

	/* Untimed: a replay is all duplicates; the events had their effect. */
	double tr = now_s();
	long long rec = 0;
	if (exchange(curl, url, hdrs, run.batches[0].body.p, run.batches[0].body.len, &r,
		     &status) != 0 ||
	    check_answer(status, &r, run.batches[0].n, true, &rec) != 0) {
		fprintf(stderr, "bench-events: replaying batch 0 was not all duplicates\n");
		goto done;
	}
	fprintf(stderr, "  %s: replay of batch 0: %d duplicates, 0 recorded, %.0f ms\n", argv[6],
		EG_BATCH, (now_s() - tr) * 1000);
	if (check_effects(curl, base, hdrs, &pl, first, count) != 0)
		goto done;
	printf("RESULT api %s %llu %.3f %.1f %.1f\n", argv[6], count, secs, p50, max);
	fflush(stdout);
	rc = 0;
done:
	for (size_t i = 0; run.batches && i < run.nbatches; i++)
		jbuf_free(&run.batches[i].body);
	free(run.batches);
	free(r.p);
	curl_slist_free_all(hdrs);
	curl_slist_free_all(login_hdrs);
	if (curl)
		curl_easy_cleanup(curl);
	curl_global_cleanup();
	eg_plan_free(&pl);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "seed") == 0)
		return cmd_seed(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "ingest") == 0)
		return cmd_ingest(argc, argv);
	fprintf(stderr, "usage: bench-events-client seed DB PLAN SHIPMENTS\n"
			"       bench-events-client ingest URL PLAN USER PASSWORD LABEL FIRST COUNT "
			"v7|v4 CONNS\n");
	return 2;
}
