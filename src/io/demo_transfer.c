/*
 * demo_transfer.c - the demo's transfers and repairs: repair capacity at
 * the three repair hubs, and shipments in every state of the pipeline,
 * drawn from the demo allocations, with their custody events dated
 * relative to today so that the end-use reports have something to say
 * (inventories done, due, overdue; a loss reported late).
 *
 * Everything goes through the same use cases as the API, as the planner.
 */
#include "demo.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *str(const json_t *rec, const char *field)
{
	return json_string_value(json_object_get(rec, field));
}

/* "YYYY-MM-DDTHH:MM:SS.000Z", @days before now (at @hour o'clock). */
static void days_ago(int days, int hour, char out[32])
{
	time_t t = time(NULL) - (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	tm.tm_hour = hour;
	tm.tm_min = tm.tm_sec = 0;
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static void date_ago(int days, char out[11])
{
	char at[32];

	days_ago(days, 12, at);
	snprintf(out, 11, "%.10s", at);
}

/* A UUIDv7 for a demo event: time-ordered like a scanner's. */
static void uuid7(char out[37])
{
	unsigned char b[16];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	unsigned long long ms = (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
	randombytes_buf(b, sizeof b);
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | (b[6] & 0x0f));
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

struct demo {
	struct svc *svc;
	const struct principal *p;
	char *errbuf;
	size_t errlen;
	json_t *events;   /* the batch being gathered */
};

static int fail(struct demo *d, const char *what, int rc, const struct verr *err)
{
	return demo_fail(d->errbuf, d->errlen, what, rc, err);
}

static int make(struct demo *d, const struct espec *e, json_t *rec, char id[48])
{
	return demo_create(d->svc, d->p, e, rec, id, d->errbuf, d->errlen);
}

/* The open allocation of a pledge of @nation for @item. */
static int allocation_for(struct demo *d, const char *nation, const char *item, char id[48])
{
	struct svc_list q = {.limit = SVC_MAX_LIMIT};
	struct verr err = {.field = ""};
	json_t *allocs = NULL, *a;
	size_t i;
	int rc = svc_rec_list_all(d->svc, d->p, &ESPEC_ALLOCATIONS, &q, 100000, &allocs, &err);

	if (rc != ST_OK)
		return fail(d, "allocations", rc, &err);
	rc = ST_NOT_FOUND;
	json_array_foreach(allocs, i, a) {
		json_t *pledge = NULL;
		if (svc_rec_get(d->svc, d->p, &ESPEC_PLEDGES, str(a, "pledge"), &pledge) == ST_OK &&
		    strcmp(str(pledge, "nation"), nation) == 0 &&
		    strcmp(str(pledge, "item"), item) == 0 && strcmp(str(a, "status"), "open") == 0) {
			snprintf(id, 48, "%s", str(a, "id"));
			rc = ST_OK;
		}
		json_decref(pledge);
		if (rc == ST_OK)
			break;
	}
	json_decref(allocs);
	if (rc != ST_OK)
		snprintf(d->errbuf, d->errlen, "no demo allocation of %s %s", nation, item);
	return rc;
}

struct plan {
	const char *nation, *origin, *handover, *destination, *item;
	long long quantity;
	const char *serial_prefix;   /* NULL: not serialized */
	const char *const *stops;    /* to_site of each leg, NULL-terminated */
	const char *mode;
};

static int shipment(struct demo *d, const struct plan *pl, int depart_days_ago, char ship[48],
		    char line[48])
{
	char alloc[48], dep[11], arr[11];
	int rc;

	if ((rc = allocation_for(d, pl->nation, pl->item, alloc)) != ST_OK)
		return rc;
	date_ago(depart_days_ago, dep);
	date_ago(depart_days_ago - 7, arr);
	if ((rc = make(d, &ESPEC_SHIPMENTS,
		       json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "nation", pl->nation, "purpose",
				 "delivery", "origin", pl->origin, "handover_point", pl->handover,
				 "destination", pl->destination, "planned_departure", dep,
				 "planned_arrival", arr),
		       ship)) != ST_OK)
		return rc;
	for (const char *const *s = pl->stops; *s; s++) {
		if ((rc = make(d, &ESPEC_LEGS,
			       json_pack("{s:s,s:s,s:s}", "shipment", ship, "to_site", *s, "mode",
					 s == pl->stops ? "rail" : pl->mode),
			       NULL)) != ST_OK)
			return rc;
	}
	json_t *l = json_pack("{s:s,s:s,s:s,s:I}", "shipment", ship, "allocation", alloc, "item",
			      pl->item, "quantity", (json_int_t)pl->quantity);
	if (l && pl->serial_prefix) {
		char serials[4096] = "";
		size_t used = 0;
		for (long long i = 1; i <= pl->quantity; i++) {
			int w = snprintf(serials + used, sizeof serials - used, "%s%s-%04lld",
					 i > 1 ? ";" : "", pl->serial_prefix, i);
			if (w > 0 && (size_t)w < sizeof serials - used)
				used += (size_t)w;
		}
		json_object_set_new(l, "serials", json_string(serials));
	}
	return make(d, &ESPEC_LINES, l, line);
}

/* Add an event to the batch. */
static void ev(struct demo *d, const char *type, int days, int hour, const char *site,
	       const char *ship, json_t *more)
{
	char id[37], at[32];
	json_t *e;

	uuid7(id);
	days_ago(days, hour, at);
	e = json_pack("{s:s,s:s,s:s,s:s}", "id", id, "type", type, "at", at, "site", site);
	if (e && ship)
		json_object_set_new(e, "shipment", json_string(ship));
	if (e && more)
		json_object_update(e, more);
	json_decref(more);
	if (e)
		json_array_append_new(d->events, e);
}

static int flush(struct demo *d, const char *what)
{
	struct verr err = {.field = ""};
	json_t *report = NULL;
	int rc = svc_events_ingest(d->svc, d->p, d->events, &report, &err);

	if (rc == ST_INVALID && report) {
		json_t *first = json_array_get(json_object_get(report, "errors"), 0);
		verr_set(&err, str(first, "field") ? str(first, "field") : "",
			 "event %lld: %s", (long long)json_integer_value(json_object_get(first, "index")),
			 str(first, "reason") ? str(first, "reason") : "");
	}
	json_decref(report);
	json_array_clear(d->events);
	return rc == ST_OK ? ST_OK : fail(d, what, rc, &err);
}

/* The whole way from depot to unit, starting @days ago. */
static void journey(struct demo *d, const struct plan *pl, const char *ship, int days,
		    bool hand_over, bool receive)
{
	const char *node = pl->stops[0];

	ev(d, "dispatched", days, 6, pl->origin, ship, NULL);
	ev(d, "arrived", days - 1, 9, node, ship, NULL);
	ev(d, "departed", days - 2, 14, node, ship, NULL);
	ev(d, "arrived", days - 3, 8, pl->handover, ship, NULL);
	if (!hand_over)
		return;
	ev(d, "handed_over", days - 3, 11, pl->handover, ship, NULL);
	ev(d, "departed", days - 3, 12, pl->handover, ship, NULL);
	ev(d, "arrived", days - 5, 10, pl->destination, ship, NULL);
	if (receive)
		ev(d, "received", days - 5, 15, pl->destination, ship,
		   json_pack("{s:b}", "complete", 1));
}

static int capacities(struct demo *d)
{
	static const struct { const char *site, *category; int bays; } caps[] = {
		{"RF-GLI", "vehicle", 8},        {"RF-GLI", "weapon_system", 4},
		{"RF-MIC", "weapon_system", 6},  {"RF-MIC", "vehicle", 4},
		{"RF-SAT", "vehicle", 10},       {"RF-SAT", "weapon_system", 6},
		{"RF-SAT", "ammunition", 20},    {"RF-MIC", "optics", 50},
	};
	int rc = ST_OK;

	for (size_t i = 0; i < sizeof caps / sizeof *caps && rc == ST_OK; i++)
		rc = make(d, &ESPEC_REPAIR_CAPACITIES,
			  json_pack("{s:s,s:s,s:i}", "facility", caps[i].site, "category",
				    caps[i].category, "bays", caps[i].bays),
			  NULL);
	return rc;
}

int io_demo_transfers(struct svc *svc, const struct principal *p, FILE *progress,
		      char *errbuf, size_t errlen)
{
	static const char *const via_med[] = {"LN-RZE", "HP-MED", "UA-UNIT-E", NULL};
	static const char *const via_dor[] = {"LN-RZE", "HP-DOR", "UA-UNIT-N", NULL};
	static const struct plan ammo = {"DEU", "DEP-DEU", "HP-MED", "UA-UNIT-E", "ART-155-DM121",
					 3000, NULL, via_med, "road"};
	static const struct plan pac2 = {"DEU", "DEP-DEU", "HP-MED", "UA-UNIT-E", "AD-PAT-PAC2",
					 6, "DE-PAC2", via_med, "road"};
	static const struct plan nvd = {"DNK", "DEP-DEU", "HP-DOR", "UA-UNIT-N", "NVD-PVS14", 40,
					"DK-NVD", via_dor, "road"};
	static const struct plan fpv = {"LVA", "DEP-POL", "HP-DOR", "UA-UNIT-N", "DRN-FPV", 2000,
					NULL, via_dor, "road"};
	static const struct plan shells = {"FRA", "DEP-FRA", "HP-MED", "UA-UNIT-E", "ART-155-OF",
					   2000, NULL, via_med, "rail"};
	struct demo d = {svc, p, errbuf, errlen, json_array()};
	char s1[48], s2[48], s3[48], s4[48], s5[48], line[48];
	int rc;

	if (!d.events)
		return ST_INTERNAL;
	if ((rc = capacities(&d)) != ST_OK ||
	    (rc = shipment(&d, &ammo, 40, s1, line)) != ST_OK ||
	    (rc = shipment(&d, &pac2, 130, s2, line)) != ST_OK ||
	    (rc = shipment(&d, &nvd, 200, s3, line)) != ST_OK ||
	    (rc = shipment(&d, &fpv, 2, s4, line)) != ST_OK ||
	    (rc = shipment(&d, &shells, -5, s5, line)) != ST_OK)
		goto done;
	/* Shells received 10 short; interceptors handed over 125 days ago;
	 * night-vision devices 195 days ago; drones waiting at Rzeszow. */
	journey(&d, &ammo, s1, 40, true, false);
	ev(&d, "received", 35, 15, "UA-UNIT-E", s1, json_pack("{s:I,s:b}", "quantity",
							      (json_int_t)2990, "complete", 1));
	journey(&d, &pac2, s2, 130, true, true);
	journey(&d, &nvd, s3, 200, true, true);
	ev(&d, "dispatched", 2, 6, "DEP-POL", s4, NULL);
	ev(&d, "arrived", 1, 9, "LN-RZE", s4, NULL);
	if ((rc = flush(&d, "demo shipments")) != ST_OK)
		goto done;
	/* End-use checks: two interceptors inventoried; a third lost 60 days
	 * ago and reported only now (late); most night-vision devices
	 * inventoried in time, a few never. */
	for (int i = 1; i <= 2; i++) {
		char serial[32];
		snprintf(serial, sizeof serial, "DE-PAC2-%04d", i);
		ev(&d, "inventory_check", 40, 10, "UA-UNIT-E", NULL,
		   json_pack("{s:s,s:s}", "item", "AD-PAT-PAC2", "serial", serial));
	}
	ev(&d, "lost", 60, 10, "UA-UNIT-E", NULL,
	   json_pack("{s:s,s:s,s:s}", "item", "AD-PAT-PAC2", "serial", "DE-PAC2-0003", "reason",
		     "destroyed in a strike on the launcher position"));
	for (int i = 1; i <= 32; i++) {
		char serial[32];
		snprintf(serial, sizeof serial, "DK-NVD-%04d", i);
		ev(&d, "inventory_check", 110, 10, "UA-UNIT-N", NULL,
		   json_pack("{s:s,s:s}", "item", "NVD-PVS14", "serial", serial));
	}
	if ((rc = flush(&d, "demo end-use checks")) != ST_OK)
		goto done;
	/* A damaged interceptor goes to repair. */
	rc = make(&d, &ESPEC_REPAIR_ORDERS,
		  json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:s}", "nation", "UKR", "requesting_unit",
			    "UA-UNIT-E", "facility", "RF-SAT", "item", "AD-PAT-PAC2", "quantity", 1,
			    "serials", "DE-PAC2-0004", "fault", "seeker head fault after storage",
			    "priority", "P2"),
		  NULL);
	if (rc == ST_OK && progress)
		fprintf(progress, "  %-22s %4d records (5 shipments, custody events, a repair)\n",
			"transfers", 5);
done:
	json_decref(d.events);
	(void)s5;
	return rc;
}
