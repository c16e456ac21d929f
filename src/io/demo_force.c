/*
 * demo_force.c - the demo's force development: two capability targets of
 * Ukraine's, built from the demo's items and courses, with what their
 * readiness projection needs to show a unit on time, one late, and some
 * not in sight (docs/planning.md has the projection).
 *
 *  - "Patriot battery" at UA-UNIT-E, 2 batteries due in 150 days, each 1
 *    radar, 1 engagement control station, 6 launchers and a crew through
 *    C-PAT-OP.  A US pledge is allocated to three requirements of the unit;
 *    battery 1's equipment arrived a month ago, battery 2's radar is on
 *    the way (due in 45 days), its control station is allocated for day
 *    90 and its launchers are on a shipment planned to arrive in 200 days:
 *    after the date, so battery 2 is late and its critical path names that
 *    shipment.  The crew per battery is the demo's few: its classes offer
 *    each unit a platoon's worth of seats, not a battery's 90.
 *  - "Mechanised infantry company" at UA-UNIT-N, 3 companies due in 150
 *    days, each 10 night-vision devices and 500 FPV drones (both on the
 *    demo's shipments to that unit) and squad leaders through advanced
 *    infantry, which requires basic infantry: more than the unit has, so
 *    the training scheduler has chains of courses to propose.
 *
 * Everything goes through the use cases, as the planner, dated relative
 * to today like the rest of the demo.  Needs the demo's transfers and
 * training (their shipments and graduates).
 */
#include "demo.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define UNIT_E "UA-UNIT-E"
#define UNIT_N "UA-UNIT-N"
#define DUE_IN 150                /* days from today, both targets */
#define PATRIOT_CREW 2            /* per battery, through C-PAT-OP */
#define SQUAD_LEADERS 10          /* per company, through C-INFANTRY-ADV */

struct force {
	struct svc *svc;
	const struct principal *p;
	char *errbuf;
	size_t errlen;
	json_t *events;
};

/* "YYYY-MM-DD" @days from today (negative: ago), UTC. */
static void date_in(int days, char out[11])
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int make(struct force *f, const struct espec *e, json_t *rec, char id[48])
{
	return demo_create(f->svc, f->p, e, rec, id, f->errbuf, f->errlen);
}

static int move(struct force *f, const struct espec *e, const char *id, const char *to)
{
	struct verr err = {.field = ""};
	json_t *after = NULL;
	int rc = svc_transition(f->svc, f->p, e, id, to, NULL, -1, &after, &err);

	json_decref(after);
	return rc == ST_OK ? ST_OK : demo_fail(f->errbuf, f->errlen, to, rc, &err);
}

/* ---- The Patriot battery's equipment. ------------------------------------------- */

/* A validated requirement of the unit for @qty of @item, a committed US
 * pledge of them, and an allocation of all expected in @expected days. */
static int allocate(struct force *f, const char *item, long long qty, int expected,
		    char alloc[48])
{
	char req[48], pledge[48], needed[11], on[11], pledged[11], ready[11];
	int rc;

	date_in(DUE_IN, needed);
	date_in(expected, on);
	date_in(-90, pledged);
	date_in(-60, ready);
	if ((rc = make(f, &ESPEC_REQUIREMENTS,
		       json_pack("{s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "nation", "UKR", "item", item,
				 "quantity", (json_int_t)qty, "priority", "P1", "needed_by", needed,
				 "destination", UNIT_E, "coalition", "IAMD", "justification",
				 "A Patriot battery for the eastern region (force development)"),
		       req)) != ST_OK ||
	    (rc = move(f, &ESPEC_REQUIREMENTS, req, "submitted")) != ST_OK ||
	    (rc = move(f, &ESPEC_REQUIREMENTS, req, "validated")) != ST_OK ||
	    (rc = make(f, &ESPEC_PLEDGES,
		       json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s}", "nation", "USA", "kind",
				 "materiel", "pledged_on", pledged, "item", item, "quantity",
				 (json_int_t)qty, "condition", "new", "origin", "DEP-USA",
				 "available_from", ready, "source", "illustrative"),
		       pledge)) != ST_OK ||
	    (rc = move(f, &ESPEC_PLEDGES, pledge, "committed")) != ST_OK)
		return rc;
	return make(f, &ESPEC_ALLOCATIONS,
		    json_pack("{s:s,s:s,s:I,s:s,s:s}", "pledge", pledge, "requirement", req,
			      "quantity", (json_int_t)qty, "route", "DEP-USA > LN-RZE > HP-MED",
			      "expected_on", on),
		    alloc);
}

struct line {
	const char *alloc, *item, *serial_prefix;
	int count, first;      /* units, and the first serial's number */
};

/* A US delivery to the unit via Rzeszow and Medyka, leaving in @dep days
 * and planned to arrive in @arr, with @lines. */
static int ship(struct force *f, int dep, int arr, const struct line *lines, size_t n,
		char id[48])
{
	static const char *const stops[] = {"LN-RZE", "HP-MED", UNIT_E};
	char d1[11], d2[11];
	int rc;

	date_in(dep, d1);
	date_in(arr, d2);
	if ((rc = make(f, &ESPEC_SHIPMENTS,
		       json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "nation", "USA", "purpose",
				 "delivery", "origin", "DEP-USA", "handover_point", "HP-MED",
				 "destination", UNIT_E, "planned_departure", d1, "planned_arrival", d2),
		       id)) != ST_OK)
		return rc;
	for (size_t i = 0; i < sizeof stops / sizeof *stops && rc == ST_OK; i++)
		rc = make(f, &ESPEC_LEGS,
			  json_pack("{s:s,s:s,s:s}", "shipment", id, "to_site", stops[i], "mode",
				    i ? "road" : "rail"),
			  NULL);
	for (size_t i = 0; i < n && rc == ST_OK; i++) {
		char serials[512] = "";
		size_t used = 0;
		for (int k = 0; k < lines[i].count; k++) {
			int w = snprintf(serials + used, sizeof serials - used, "%s%s-%04d", k ? ";" : "",
					 lines[i].serial_prefix, lines[i].first + k);
			if (w > 0 && (size_t)w < sizeof serials - used)
				used += (size_t)w;
		}
		rc = make(f, &ESPEC_LINES,
			  json_pack("{s:s,s:s,s:s,s:i,s:s}", "shipment", id, "allocation",
				    lines[i].alloc, "item", lines[i].item, "quantity", lines[i].count,
				    "serials", serials),
			  NULL);
	}
	return rc;
}

/* A UUIDv7 for a demo event: time-ordered like a scanner's. */
static void uuid7(char out[37])
{
	unsigned char b[16];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	unsigned long long ms =
		(unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
	randombytes_buf(b, sizeof b);
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | (b[6] & 0x0f));
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

/* An event of shipment @ship, @days ago at @hour o'clock. */
static void ev(struct force *f, const char *type, int days, int hour, const char *site,
	       const char *ship, bool complete)
{
	time_t t = time(NULL) - (time_t)days * 86400;
	char id[37], at[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	tm.tm_hour = hour;
	tm.tm_min = tm.tm_sec = 0;
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	uuid7(id);
	json_t *e = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", id, "type", type, "at", at, "site",
			      site, "shipment", ship);
	if (e && complete)
		json_object_set_new(e, "complete", json_true());
	if (e)
		json_array_append_new(f->events, e);
}

static int flush(struct force *f)
{
	struct verr err = {.field = ""};
	json_t *report = NULL;
	int rc = svc_events_ingest(f->svc, f->p, f->events, &report, &err);

	if (rc == ST_INVALID && report) {
		json_t *first = json_array_get(json_object_get(report, "errors"), 0);
		verr_set(&err, "events", "event %lld: %s: %s",
			 (long long)json_integer_value(json_object_get(first, "index")),
			 json_string_value(json_object_get(first, "field")),
			 json_string_value(json_object_get(first, "reason")));
	}
	json_decref(report);
	return rc == ST_OK ? ST_OK : demo_fail(f->errbuf, f->errlen, "demo force events", rc, &err);
}

/* Battery 1's equipment received a month ago; battery 2's radar on its
 * way, its launchers planned for after the target's date. */
static int patriot_equipment(struct force *f)
{
	char radar[48], ecs[48], launchers[48], s1[48], s2[48], s3[48];
	int rc;

	/* The control stations not yet shipped are expected in 90 days. */
	if ((rc = allocate(f, "AD-PAT-RDR", 2, 45, radar)) != ST_OK ||
	    (rc = allocate(f, "AD-PAT-ECS", 2, 90, ecs)) != ST_OK ||
	    (rc = allocate(f, "AD-PAT-LCHR", 12, 200, launchers)) != ST_OK)
		return rc;
	const struct line first[] = {
		{radar, "AD-PAT-RDR", "US-RDR", 1, 1},
		{ecs, "AD-PAT-ECS", "US-ECS", 1, 1},
		{launchers, "AD-PAT-LCHR", "US-LCHR", 6, 1},
	};
	const struct line second_radar[] = {{radar, "AD-PAT-RDR", "US-RDR", 1, 2}};
	const struct line more_launchers[] = {{launchers, "AD-PAT-LCHR", "US-LCHR", 6, 7}};
	if ((rc = ship(f, -32, -25, first, 3, s1)) != ST_OK ||
	    (rc = ship(f, -5, 45, second_radar, 1, s2)) != ST_OK ||
	    (rc = ship(f, 190, 200, more_launchers, 1, s3)) != ST_OK)
		return rc;
	ev(f, "dispatched", 32, 6, "DEP-USA", s1, false);
	ev(f, "arrived", 31, 9, "LN-RZE", s1, false);
	ev(f, "departed", 30, 14, "LN-RZE", s1, false);
	ev(f, "arrived", 28, 8, "HP-MED", s1, false);
	ev(f, "handed_over", 28, 11, "HP-MED", s1, false);
	ev(f, "departed", 28, 12, "HP-MED", s1, false);
	ev(f, "arrived", 26, 10, UNIT_E, s1, false);
	ev(f, "received", 26, 15, UNIT_E, s1, true);
	ev(f, "dispatched", 5, 6, "DEP-USA", s2, false);
	ev(f, "arrived", 4, 9, "LN-RZE", s2, false);
	return flush(f);
}

/* ---- The targets. ------------------------------------------------------------------- */

struct need {
	const char *item, *course;
	int quantity;
};

static int target(struct force *f, const char *name, const char *unit, int count,
		  const char *notes, const struct need *needs, size_t n)
{
	char id[48], due[11];
	int rc;

	date_in(DUE_IN, due);
	if ((rc = make(f, &ESPEC_CAPABILITY_TARGETS,
		       json_pack("{s:s,s:s,s:s,s:i,s:s,s:s}", "name", name, "nation", "UKR", "unit",
				 unit, "count", count, "due_on", due, "notes", notes),
		       id)) != ST_OK)
		return rc;
	for (size_t i = 0; i < n && rc == ST_OK; i++) {
		json_t *rec = json_pack("{s:s,s:i}", "target", id, "quantity", needs[i].quantity);
		if (rec)
			json_object_set_new(rec, needs[i].item ? "item" : "course",
					    json_string(needs[i].item ? needs[i].item : needs[i].course));
		rc = make(f, &ESPEC_CAPABILITY_NEEDS, rec, NULL);
	}
	return rc;
}

int io_demo_force(struct svc *svc, const struct principal *p, FILE *progress, char *errbuf,
		  size_t errlen)
{
	static const struct need battery[] = {
		{"AD-PAT-RDR", NULL, 1}, {"AD-PAT-ECS", NULL, 1}, {"AD-PAT-LCHR", NULL, 6},
		{NULL, "C-PAT-OP", PATRIOT_CREW},
	};
	static const struct need company[] = {
		{"NVD-PVS14", NULL, 10}, {"DRN-FPV", NULL, 500},
		{NULL, "C-INFANTRY-ADV", SQUAD_LEADERS},
	};
	struct force f = {svc, p, errbuf, errlen, json_array()};
	int rc = f.events ? ST_OK : ST_INTERNAL;

	if (rc == ST_OK)
		rc = patriot_equipment(&f);
	if (rc == ST_OK)
		rc = target(&f, "Patriot battery", UNIT_E, 2,
			    "Illustrative: radar, control station and six launchers per battery; "
			    "a full crew is about 90 through C-PAT-OP, the demo trains a few.",
			    battery, sizeof battery / sizeof *battery);
	if (rc == ST_OK)
		rc = target(&f, "Mechanised infantry company", UNIT_N, 3,
			    "Illustrative: night vision and FPV drones per company, and squad "
			    "leaders through advanced infantry.",
			    company, sizeof company / sizeof *company);
	if (rc == ST_OK && progress)
		fprintf(progress, "  %-22s %4d records (2 targets, 7 needs, 3 shipments)\n",
			"force development", 9);
	json_decref(f.events);
	return rc;
}
