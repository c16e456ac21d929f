/*
 * test_transfer_reports.c - the reports of transfer and repair, each fed a
 * scenario built through the API with custody events dated in the past:
 *
 *  - end use: serial inventories delinquent 90 days after hand-over and a
 *    year after the last inventory (on either side of both edges), loss
 *    reports 10 days (on time) and 45 days (late) after the loss, the
 *    reconciliation per unit, a donor liaison's narrower view, CSV, XLSX
 *    and the command line;
 *  - a logistics node: inbound, waiting, stock, throughput in tonnes from
 *    the item masses, dwell hours, and a node operator's scope;
 *  - repairs: backlog, load against bays (an approval beyond them refused),
 *    turnaround, and a facility operator's scope.
 *
 * The demo database the servers start from has transfers of its own, so
 * every figure is checked as the difference the scenario makes, and every
 * row the scenario owns (its units, serials, shipments, facility rows) is
 * checked exactly.
 */
#include "donations.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

Suite *suite_transfer_reports(void);  /* run by main.c */

#define PAC2_EUR 4000000LL  /* AD-PAT-PAC2 unit_value_eur (data/items.csv) */
#define NVD_EUR 4000LL      /* NVD-PVS14 */

/* ==== Helpers. ============================================================= */

static double num(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static void assert_near(double got, double want, const char *what)
{
	ck_assert_msg(fabs(got - want) <= 1e-6 * fmax(1, fabs(want)), "%s: got %.6f, want %.6f",
		      what, got, want);
}

/* A fresh event id: lower-case hex in the 8-4-4-4-12 shape. */
static void new_uuid(char out[37])
{
	static unsigned counter;
	unsigned long long t = (unsigned long long)time(NULL);
	unsigned c = ++counter;

	snprintf(out, 37, "%08llx-%04x-7%03x-8%03x-%012llx", t & 0xffffffffULL,
		 (unsigned)getpid() & 0xffff, c & 0xfff, (c >> 12) & 0xfff,
		 (unsigned long long)c * 7919ULL);
}

/* The instant @days before now, as the events API takes it. */
static void ago(double days, char out[32])
{
	time_t t = time(NULL) - (time_t)llround(days * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The same instant as nsatu stores it (with milliseconds). */
static void stored(const char *at, char out[32])
{
	snprintf(out, 32, "%.19s.000Z", at);
}

/* An event @days ago at @site, about @ship (NULL: none). */
static json_t *ev(const char *type, double days, const char *site, const char *ship)
{
	char id[37], at[32];

	new_uuid(id);
	ago(days, at);
	json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "type", type, "at", at, "site",
			      site);
	if (ship)
		json_object_set_new(e, "shipment", json_string(ship));
	return e;
}

/* The same, about one serial of @item. */
static json_t *ev_serial(const char *type, double days, const char *site, const char *ship,
			 const char *item, const char *serial)
{
	json_t *e = ev(type, days, site, ship);

	json_object_set_new(e, "item", json_string(item));
	json_object_set_new(e, "serial", json_string(serial));
	return e;
}

/* POST the events of @events (stolen) as one batch; all must be recorded. */
static void ingest(const struct server *s, const char *token, json_t *events)
{
	struct http_res r = {0};
	size_t n = json_array_size(events);

	send_json(s, "POST", "/api/v1/events:batch", token, json_pack("{s:o}", "events", events),
		  &r);
	ck_assert_msg(r.status == 200, "events: %ld %s", r.status, r.body);
	ck_assert_int_eq(jint(r.json, "recorded"), (long long)n);
	res_free(&r);
}

/* A delivery leg by leg along the route DEP-DEU > LN-RZE > HP-MED > @unit,
 * times in days ago: dispatched @start, at the node, at the hand-over
 * point a day before @handover, handed over whole then (or, when
 * @serial_events is given, by those events: stolen), leaving the hand-over
 * point @leave and received at @unit half a day later. */
static void journey(const struct server *s, const char *token, const char *ship,
		    const char *unit, double start, double handover, double leave,
		    json_t *serial_events)
{
	json_t *e = json_array(), *rcv;

	json_array_append_new(e, ev("dispatched", start, "DEP-DEU", ship));
	json_array_append_new(e, ev("arrived", start - 2, "LN-RZE", ship));
	json_array_append_new(e, ev("departed", start - 3, "LN-RZE", ship));
	json_array_append_new(e, ev("arrived", handover + 1, "HP-MED", ship));
	if (serial_events)
		json_array_extend(e, serial_events);
	else
		json_array_append_new(e, ev("handed_over", handover, "HP-MED", ship));
	json_decref(serial_events);
	json_array_append_new(e, ev("departed", leave, "HP-MED", ship));
	json_array_append_new(e, ev("arrived", leave - 0.5, unit, ship));
	rcv = ev("received", leave - 0.6, unit, ship);
	json_object_set_new(rcv, "complete", json_true());
	json_array_append_new(e, rcv);
	ingest(s, token, e);
}

/* The open demo allocation of @qty units (the demo's are all different). */
static void allocation_of(const struct server *s, const char *token, long long qty,
			  char id[ID_LEN])
{
	struct http_res r = {0};
	json_t *a;
	size_t i;

	*id = '\0';
	req(s, "GET", "/api/v1/allocations?limit=500", token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	json_array_foreach(json_object_get(r.json, "items"), i, a) {
		if (jint(a, "quantity") == qty && strcmp(jstr(a, "status"), "open") == 0)
			snprintf(id, ID_LEN, "%s", jstr(a, "id"));
	}
	ck_assert_msg(*id, "no open demo allocation of %lld", qty);
	res_free(&r);
}

/* A planned delivery of @nation's materiel from DEP-DEU to @unit through
 * LN-RZE and HP-MED. */
static void new_shipment(const struct server *s, const char *token, const char *nation,
			 const char *unit, char id[ID_LEN])
{
	static const char *const mid[] = {"LN-RZE", "HP-MED"};
	struct http_res r = {0};
	char dep[16], arr[16];

	date_utc(-30, dep);
	date_utc(-20, arr);
	send_json(s, "POST", "/api/v1/shipments", token,
		  json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "nation", nation, "purpose",
			    "delivery", "origin", "DEP-DEU", "handover_point", "HP-MED",
			    "destination", unit, "planned_departure", dep, "planned_arrival", arr),
		  &r);
	ck_assert_msg(r.status == 201, "shipment: %ld %s", r.status, r.body);
	snprintf(id, ID_LEN, "%s", jstr(r.json, "id"));
	for (size_t i = 0; i < 3; i++) {
		send_json(s, "POST", "/api/v1/shipment_legs", token,
			  json_pack("{s:s, s:s, s:s}", "shipment", id, "to_site",
				    i < 2 ? mid[i] : unit, "mode", "road"), &r);
		ck_assert_msg(r.status == 201, "leg: %ld %s", r.status, r.body);
	}
	res_free(&r);
}

static void new_line(const struct server *s, const char *token, const char *ship,
		     const char *alloc, const char *item, long long qty, const char *serials)
{
	struct http_res r = {0};

	send_json(s, "POST", "/api/v1/shipment_lines", token,
		  json_pack("{s:s, s:s, s:s, s:I, s:s?}", "shipment", ship, "allocation", alloc,
			    "item", item, "quantity", (json_int_t)qty, "serials", serials), &r);
	ck_assert_msg(r.status == 201, "line: %ld %s", r.status, r.body);
	res_free(&r);
}

/* @field of the row of @rows where @key is @value, 0 when there is none. */
static double figure(const json_t *rows, const char *key, const char *value, const char *field)
{
	return num(row_where(rows, key, value), field);
}

/* Days from date @a to date @b (YYYY-MM-DD). */
static long days_between(const char *a, const char *b)
{
	struct tm x = {0}, y = {0};

	ck_assert(strptime(a, "%Y-%m-%d", &x) && strptime(b, "%Y-%m-%d", &y));
	return (long)((timegm(&y) - timegm(&x)) / 86400);
}

/* The same day a year later (29 February: 28 February). */
static void next_year(const char *date, char out[16])
{
	struct tm tm = {0};

	ck_assert(strptime(date, "%Y-%m-%d", &tm) != NULL);
	int y = tm.tm_year + 1900 + 1;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (tm.tm_mon == 1 && tm.tm_mday == 29 && !leap)
		tm.tm_mday = 28;
	tm.tm_year++;
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* ==== End-use monitoring. ================================================== */

/*
 * At UA-UNIT-W (DEU interceptors):
 *   TR-OLD-1  handed over 450 days ago, inventoried 400 days ago  delinquent
 *   TR-OLD-2  handed over 450 days ago, inventoried 300 days ago  not
 *   TR-OLD-3  lost 10 days ago, reported now                      on time
 *   TR-OLD-4  lost 45 days ago, reported now                      late
 *   TR-NEW-1  handed over 100 days ago, never inventoried         delinquent
 *   TR-NEW-2  handed over 80 days ago, never inventoried          not
 * At UA-UNIT-S (a DNK night-vision device):
 *   DK-TR-1   handed over 100 days ago, never inventoried         delinquent
 */
static void end_use_scenario(const struct server *s, const char *planner)
{
	char pac2[ID_LEN], nvd[ID_LEN], ship[ID_LEN];
	json_t *e;

	allocation_of(s, planner, 16, pac2);
	allocation_of(s, planner, 2000, nvd);

	new_shipment(s, planner, "DEU", "UA-UNIT-W", ship);
	new_line(s, planner, ship, pac2, "AD-PAT-PAC2", 4, "TR-OLD-1;TR-OLD-2;TR-OLD-3;TR-OLD-4");
	journey(s, planner, ship, "UA-UNIT-W", 460, 450, 449.9, NULL);
	e = json_array();
	json_array_append_new(e, ev_serial("inventory_check", 400, "UA-UNIT-W", NULL,
					   "AD-PAT-PAC2", "TR-OLD-1"));
	json_array_append_new(e, ev_serial("inventory_check", 300, "UA-UNIT-W", NULL,
					   "AD-PAT-PAC2", "TR-OLD-2"));
	json_array_append_new(e, ev_serial("lost", 10, "UA-UNIT-W", NULL, "AD-PAT-PAC2",
					   "TR-OLD-3"));
	json_array_append_new(e, ev_serial("lost", 45, "UA-UNIT-W", NULL, "AD-PAT-PAC2",
					   "TR-OLD-4"));
	ingest(s, planner, e);

	new_shipment(s, planner, "DEU", "UA-UNIT-W", ship);
	new_line(s, planner, ship, pac2, "AD-PAT-PAC2", 2, "TR-NEW-1;TR-NEW-2");
	e = json_array();
	json_array_append_new(e, ev_serial("handed_over", 100, "HP-MED", ship, "AD-PAT-PAC2",
					   "TR-NEW-1"));
	json_array_append_new(e, ev_serial("handed_over", 80, "HP-MED", ship, "AD-PAT-PAC2",
					   "TR-NEW-2"));
	journey(s, planner, ship, "UA-UNIT-W", 110, 100, 79.9, e);

	new_shipment(s, planner, "DNK", "UA-UNIT-S", ship);
	new_line(s, planner, ship, nvd, "NVD-PVS14", 1, "DK-TR-1");
	journey(s, planner, ship, "UA-UNIT-S", 110, 100, 99.9, NULL);
}

/* The delinquent report's totals, by_unit and by_item moved by exactly
 * @count and @value (by unit: @w at UA-UNIT-W, @s at UA-UNIT-S). */
static void assert_delinquent_delta(const json_t *before, const json_t *after, long long count,
				    long long value, long long monitored, long long w,
				    long long s_units)
{
	const json_t *t0 = json_object_get(before, "totals");
	const json_t *t1 = json_object_get(after, "totals");

	ck_assert_int_eq(jint(t1, "count") - jint(t0, "count"), count);
	ck_assert_int_eq(jint(t1, "value_eur") - jint(t0, "value_eur"), value);
	ck_assert_int_eq(jint(t1, "monitored") - jint(t0, "monitored"), monitored);
	double share = (double)jint(t1, "count") / (double)jint(t1, "monitored");
	assert_near(num(t1, "share"), round(10000 * share) / 10000, "share delinquent");
	const json_t *u0 = json_object_get(before, "by_unit");
	const json_t *u1 = json_object_get(after, "by_unit");
	assert_near(figure(u1, "unit", "UA-UNIT-W", "count") -
			    figure(u0, "unit", "UA-UNIT-W", "count"), (double)w, "UA-UNIT-W");
	assert_near(figure(u1, "unit", "UA-UNIT-S", "count") -
			    figure(u0, "unit", "UA-UNIT-S", "count"), (double)s_units, "UA-UNIT-S");
	if (s_units == 0)
		ck_assert(row_where(u1, "unit", "UA-UNIT-S") == NULL);
	assert_near(figure(u1, "unit", "UA-UNIT-W", "value_eur") -
			    figure(u0, "unit", "UA-UNIT-W", "value_eur"), (double)(w * PAC2_EUR),
		    "UA-UNIT-W value");
	const json_t *i0 = json_object_get(before, "by_item");
	const json_t *i1 = json_object_get(after, "by_item");
	assert_near(figure(i1, "item", "AD-PAT-PAC2", "value_eur") -
			    figure(i0, "item", "AD-PAT-PAC2", "value_eur"), (double)(2 * PAC2_EUR),
		    "PAC-2 value");
	assert_near(figure(i1, "item", "NVD-PVS14", "count") -
			    figure(i0, "item", "NVD-PVS14", "count"), (double)s_units, "NVD count");
}

START_TEST(end_use)
{
	size_t i;
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *planner = login_as(s, "planner"), *liaison = login_as(s, "liaison.deu");
	const char *officer = login_as(s, "officer.ukr"), *auditor = login_as(s, "auditor");
	char today[16], path[160], due[16], ago10[16];
	json_t *items, *row;

	date_utc(0, today);
	snprintf(path, sizeof path, "/api/v1/reports/end-use/delinquent?as_of=%s", today);
	json_t *del0 = get_ok(s, planner, path), *lia0 = get_ok(s, liaison, path);
	json_t *loss0 = get_ok(s, planner, "/api/v1/reports/end-use/loss-reports");
	json_t *rec0 = get_ok(s, planner, "/api/v1/reports/end-use/reconciliation");

	end_use_scenario(s, planner);

	/* Delinquent: TR-NEW-1, TR-OLD-1 and DK-TR-1, of five more monitored. */
	json_t *del = get_ok(s, planner, path);
	ck_assert_str_eq(jstr(del, "as_of"), today);
	assert_delinquent_delta(del0, del, 3, 2 * PAC2_EUR + NVD_EUR, 5, 2, 1);
	ck_assert_int_eq(jint(json_object_get(del, "totals"), "monitored_value_eur") -
				 jint(json_object_get(del0, "totals"), "monitored_value_eur"),
			 4 * PAC2_EUR + NVD_EUR);
	items = json_object_get(del, "items");
	row = row_where(items, "serial", "TR-NEW-1");
	ck_assert_msg(row != NULL, "TR-NEW-1 is delinquent");
	date_utc(-10, ago10);
	ck_assert_str_eq(jstr(row, "inventory_due"), ago10);
	ck_assert_int_eq(jint(row, "days_overdue"), 10);
	ck_assert_str_eq(jstr(row, "unit"), "UA-UNIT-W");
	ck_assert_int_eq(jint(row, "value_eur"), PAC2_EUR);
	ck_assert(json_is_null(json_object_get(row, "last_inventory_at")));
	/* A year after the inventory 400 days ago. */
	row = row_where(items, "serial", "TR-OLD-1");
	ck_assert_msg(row != NULL, "TR-OLD-1 is delinquent");
	char inventoried[16];
	date_utc(-400, inventoried);
	next_year(inventoried, due);
	ck_assert_str_eq(jstr(row, "inventory_due"), due);
	ck_assert_int_eq(jint(row, "days_overdue"), days_between(due, today));
	ck_assert_int_ge(jint(row, "days_overdue"), 34);
	row = row_where(items, "serial", "DK-TR-1");
	ck_assert(row && strcmp(jstr(row, "unit"), "UA-UNIT-S") == 0);
	ck_assert_int_eq(jint(row, "value_eur"), NVD_EUR);
	static const char *const fine[] = {"TR-NEW-2", "TR-OLD-2", "TR-OLD-3", "TR-OLD-4"};
	for (i = 0; i < 4; i++)
		ck_assert_msg(!row_where(items, "serial", fine[i]), "%s is not delinquent",
			      fine[i]);

	/* The edge: not overdue on its due date, overdue the day after. */
	snprintf(path, sizeof path, "/api/v1/reports/end-use/delinquent?as_of=%s", ago10);
	json_t *edge = get_ok(s, planner, path);
	ck_assert(!row_where(json_object_get(edge, "items"), "serial", "TR-NEW-1"));
	json_decref(edge);
	date_utc(-9, due);
	snprintf(path, sizeof path, "/api/v1/reports/end-use/delinquent?as_of=%s", due);
	edge = get_ok(s, planner, path);
	row = row_where(json_object_get(edge, "items"), "serial", "TR-NEW-1");
	ck_assert(row && jint(row, "days_overdue") == 1);
	json_decref(edge);

	/* Without as_of: today. */
	edge = get_ok(s, planner, "/api/v1/reports/end-use/delinquent");
	ck_assert_str_eq(jstr(edge, "as_of"), today);
	ck_assert_int_eq(jint(json_object_get(edge, "totals"), "count"),
			 jint(json_object_get(del, "totals"), "count"));
	json_decref(edge);

	/* A donor liaison sees its nation's materiel only; the recipient's
	 * officer and the auditor see everything. */
	snprintf(path, sizeof path, "/api/v1/reports/end-use/delinquent?as_of=%s", today);
	json_t *lia = get_ok(s, liaison, path);
	assert_delinquent_delta(lia0, lia, 2, 2 * PAC2_EUR, 4, 2, 0);
	json_array_foreach(json_object_get(lia, "items"), i, row)
		ck_assert_str_eq(jstr(row, "nation"), "DEU");
	ck_assert(!row_where(json_object_get(lia, "by_item"), "item", "NVD-PVS14"));
	json_t *off = get_ok(s, officer, path), *aud = get_ok(s, auditor, path);
	ck_assert(json_equal(json_object_get(off, "totals"), json_object_get(del, "totals")));
	ck_assert(json_equal(json_object_get(aud, "totals"), json_object_get(del, "totals")));
	json_decref(off);
	json_decref(aud);
	req(s, "GET", path, login_as(s, "node.rze"), NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);

	/* Loss reports: 10 days (on time) and 45 days (late). */
	json_t *loss = get_ok(s, planner, "/api/v1/reports/end-use/loss-reports");
	const json_t *l0 = json_object_get(loss0, "totals"), *l1 = json_object_get(loss, "totals");
	ck_assert_int_eq(jint(loss, "due_days"), 30);
	ck_assert_int_eq(jint(l1, "count") - jint(l0, "count"), 2);
	ck_assert_int_eq(jint(l1, "on_time") - jint(l0, "on_time"), 1);
	ck_assert_int_eq(jint(l1, "late") - jint(l0, "late"), 1);
	double on_time = (double)jint(l1, "on_time") / (double)jint(l1, "count");
	assert_near(num(l1, "share_on_time"), round(10000 * on_time) / 10000, "share on time");
	ck_assert(num(json_object_get(l1, "days"), "max") >= 45.0);
	row = row_where(json_object_get(loss, "items"), "serial", "TR-OLD-3");
	ck_assert(row != NULL);
	assert_near(num(row, "days_to_report"), 10.0, "TR-OLD-3 reported after");
	ck_assert(json_is_true(json_object_get(row, "on_time")));
	ck_assert_str_eq(jstr(row, "status"), "lost");
	row = row_where(json_object_get(loss, "items"), "serial", "TR-OLD-4");
	ck_assert(row != NULL);
	assert_near(num(row, "days_to_report"), 45.0, "TR-OLD-4 reported after");
	ck_assert(json_is_false(json_object_get(row, "on_time")));
	json_t *lia_loss = get_ok(s, liaison, "/api/v1/reports/end-use/loss-reports");
	json_array_foreach(json_object_get(lia_loss, "items"), i, row)
		ck_assert_str_eq(jstr(row, "nation"), "DEU");
	json_decref(lia_loss);

	/* Reconciliation: every serial handed over to UA-UNIT-W accounted for. */
	json_t *rec = get_ok(s, planner, "/api/v1/reports/end-use/reconciliation");
	static const struct { const char *field; long long w, s; } counts[] = {
		{"handed_over", 6, 1}, {"inventoried", 2, 0}, {"not_inventoried", 2, 1},
		{"lost", 2, 0},        {"expended", 0, 0},
	};
	const json_t *ru0 = json_object_get(rec0, "units"), *ru1 = json_object_get(rec, "units");
	for (i = 0; i < sizeof counts / sizeof *counts; i++) {
		const char *f = counts[i].field;
		double w = figure(ru1, "unit", "UA-UNIT-W", f) -
			   figure(ru0, "unit", "UA-UNIT-W", f);
		double su = figure(ru1, "unit", "UA-UNIT-S", f) -
			    figure(ru0, "unit", "UA-UNIT-S", f);
		assert_near(w, (double)counts[i].w, f);
		assert_near(su, (double)counts[i].s, f);
		ck_assert_int_eq(jint(json_object_get(rec, "totals"), f) -
					 jint(json_object_get(rec0, "totals"), f),
				 counts[i].w + counts[i].s);
	}
	json_t *missing = json_object_get(row_where(ru1, "unit", "UA-UNIT-W"),
					  "not_inventoried_serials");
	ck_assert(row_where(missing, "serial", "TR-NEW-1"));
	ck_assert(row_where(missing, "serial", "TR-NEW-2"));
	ck_assert(!row_where(missing, "serial", "TR-OLD-1"));
	const json_t *serials = json_object_get(rec, "serials");
	ck_assert_str_eq(jstr(row_where(serials, "serial", "TR-OLD-1"), "state"), "inventoried");
	ck_assert_str_eq(jstr(row_where(serials, "serial", "TR-OLD-3"), "state"), "lost");
	ck_assert_str_eq(jstr(row_where(serials, "serial", "TR-NEW-2"), "state"),
			 "not_inventoried");

	/* The main list as CSV and XLSX. */
	snprintf(path, sizeof path, "/api/v1/reports/end-use/delinquent?as_of=%s&format=csv",
		 today);
	req(s, "GET", path, planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(strncmp(r.ctype, "text/csv", 8) == 0);
	ck_assert_msg(strstr(r.body, "asset,item,serial,nation,unit,location,status,") != NULL,
		      "%s", r.body);
	ck_assert(strstr(r.body, "TR-NEW-1") && !strstr(r.body, "TR-NEW-2"));
	req(s, "GET", "/api/v1/reports/end-use/reconciliation?format=xlsx", planner, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(strstr(r.ctype, "spreadsheetml") != NULL);
	ck_assert(r.body_len > 100 && memcmp(r.body, "PK", 2) == 0);
	req(s, "GET", "/api/v1/reports/end-use/loss-reports?format=csv", liaison, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(strstr(r.body, "TR-OLD-4") != NULL);

	/* Bad queries. */
	req(s, "GET", "/api/v1/reports/end-use/delinquent?as_of=2026-02-30", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "as_of");
	req(s, "GET", "/api/v1/reports/end-use/delinquent?format=pdf", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "format");
	req(s, "GET", "/api/v1/reports/end-use/loss-reports?as_of=2026-01-01", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "as_of");

	/* The command line gives the same figures, and writes the same table. */
	char *out = NULL, csv[160];
	int code = nsatu_run(&out, "report", "end-use-delinquent", "--db", s->db, "--as-of", today,
			     "--json", NULL);
	ck_assert_msg(code == 0, "exit %d: %s", code, out);
	const char *start = strstr(out, "{\n");
	json_t *cli = start ? json_loads(start, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
	ck_assert_msg(cli != NULL, "no JSON: %s", out);
	ck_assert(json_equal(json_object_get(cli, "totals"), json_object_get(del, "totals")));
	json_decref(cli);
	free(out);
	snprintf(csv, sizeof csv, "%s/delinquent.csv", s->dir);
	code = nsatu_run(&out, "report", "end-use-delinquent", "--db", s->db, "--csv", csv, NULL);
	ck_assert_msg(code == 0, "exit %d: %s", code, out);
	free(out);
	FILE *f = fopen(csv, "r");
	char text[8192] = "";
	ck_assert(f != NULL);
	text[fread(text, 1, sizeof text - 1, f)] = '\0';
	fclose(f);
	ck_assert(strstr(text, "TR-OLD-1") && strstr(text, "DK-TR-1"));
	code = nsatu_run(&out, "report", "reconciliation", "--db", s->db, NULL);
	ck_assert_msg(code == 0 && strstr(out, "UA-UNIT-W"), "exit %d: %s", code, out);
	free(out);
	code = nsatu_run(&out, "report", "loss-reports", "--db", s->db, "--as-of", today, NULL);
	ck_assert_msg(code == 2, "--as-of is not for loss-reports: exit %d: %s", code, out);
	free(out);

	json_decref(del0);
	json_decref(lia0);
	json_decref(loss0);
	json_decref(rec0);
	json_decref(del);
	json_decref(lia);
	json_decref(loss);
	json_decref(rec);
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== A logistics node. ===================================================== */

/* The tonnes of one row of the throughput by date. */
static double day_figure(const json_t *rep, const char *date, const char *field)
{
	return figure(json_object_get(rep, "throughput"), "date", date, field);
}

START_TEST(node)
{
	size_t i;
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *planner = login_as(s, "planner"), *op = login_as(s, "node.rze");
	char from[16], to[16], path[160], ammo[ID_LEN], pac2[ID_LEN];
	char s1[ID_LEN], s2[ID_LEN], s3[ID_LEN];
	const double dm121_t = 43.5 / 1000, pac2_t = 900.0 / 1000, nvd_t = 0.4 / 1000;

	date_utc(-10, from);
	date_utc(0, to);
	snprintf(path, sizeof path, "/api/v1/reports/nodes/LN-RZE?from=%s&to=%s", from, to);
	json_t *base = get_ok(s, planner, path);
	allocation_of(s, planner, 15000, ammo);
	allocation_of(s, planner, 16, pac2);

	/* S1 stops 30 hours at the node; S2 is there since 2 days; S3 is on
	 * its way.  S1 carries 4.35 t of shells and 1.8 t of interceptors. */
	new_shipment(s, planner, "DEU", "UA-UNIT-W", s1);
	new_line(s, planner, s1, ammo, "ART-155-DM121", 100, NULL);
	new_line(s, planner, s1, pac2, "AD-PAT-PAC2", 2, "TR-N-1;TR-N-2");
	new_shipment(s, planner, "DEU", "UA-UNIT-W", s2);
	new_line(s, planner, s2, ammo, "ART-155-DM121", 200, NULL);
	new_shipment(s, planner, "DEU", "UA-UNIT-W", s3);
	new_line(s, planner, s3, ammo, "ART-155-DM121", 50, NULL);
	json_t *e = json_array();
	json_t *a1 = ev("arrived", 3, "LN-RZE", s1), *d1 = ev("departed", 1.75, "LN-RZE", s1);
	json_t *a2 = ev("arrived", 2, "LN-RZE", s2);
	json_array_append_new(e, ev("dispatched", 5, "DEP-DEU", s1));
	json_array_append(e, a1);
	json_array_append(e, d1);
	json_array_append_new(e, ev("dispatched", 4, "DEP-DEU", s2));
	json_array_append(e, a2);
	json_array_append_new(e, ev("dispatched", 0.5, "DEP-DEU", s3));
	ingest(s, planner, e);
	/* Stock registered at the node by hand. */
	send_json(s, "POST", "/api/v1/assets", planner,
		  json_pack("{s:s, s:s, s:s, s:s}", "item", "NVD-PVS14", "serial", "TR-NODE-1",
			    "nation", "DEU", "location", "LN-RZE"), &r);
	ck_assert_msg(r.status == 201, "asset: %ld %s", r.status, r.body);

	json_t *rep = get_ok(s, planner, path);
	ck_assert_str_eq(jstr(rep, "site"), "LN-RZE");
	ck_assert_str_eq(jstr(rep, "from"), from);
	ck_assert_str_eq(jstr(rep, "to"), to);
	assert_near(num(rep, "capacity_t_day"), 600, "capacity");

	/* Inbound: S3 with its 50 shells. */
	json_t *row = row_where(json_object_get(rep, "inbound"), "shipment", s3);
	ck_assert_msg(row != NULL, "S3 is inbound");
	assert_near(num(row, "tonnes"), 50 * dm121_t, "S3 tonnes");
	ck_assert_str_eq(jstr(row, "from_site"), "DEP-DEU");
	ck_assert(!row_where(json_object_get(rep, "inbound"), "shipment", s1));
	ck_assert(!row_where(json_object_get(rep, "inbound"), "shipment", s2));
	assert_near(num(rep, "inbound_tonnes") - num(base, "inbound_tonnes"), 50 * dm121_t,
		    "inbound tonnes");

	/* Waiting to leave: S2, for about two days now. */
	char at[32];
	row = row_where(json_object_get(rep, "outbound"), "shipment", s2);
	ck_assert_msg(row != NULL, "S2 waits at the node");
	stored(jstr(a2, "at"), at);
	ck_assert_str_eq(jstr(row, "arrived_at"), at);
	ck_assert_str_eq(jstr(row, "next_site"), "HP-MED");
	ck_assert(num(row, "dwell_hours") >= 48.0 && num(row, "dwell_hours") < 48.5);
	assert_near(num(row, "tonnes"), 200 * dm121_t, "S2 tonnes");
	ck_assert(!row_where(json_object_get(rep, "outbound"), "shipment", s1));

	/* Stock: S2's shells and the registered device. */
	const json_t *st0 = json_object_get(base, "stock"), *st1 = json_object_get(rep, "stock");
	assert_near(figure(st1, "item", "ART-155-DM121", "quantity") -
			    figure(st0, "item", "ART-155-DM121", "quantity"),
		    200, "shells on hand");
	assert_near(figure(st1, "item", "ART-155-DM121", "tonnes") -
			    figure(st0, "item", "ART-155-DM121", "tonnes"), 200 * dm121_t, "t");
	assert_near(figure(st1, "item", "NVD-PVS14", "quantity") -
			    figure(st0, "item", "NVD-PVS14", "quantity"), 1, "devices on hand");
	assert_near(figure(st1, "item", "AD-PAT-PAC2", "quantity") -
			    figure(st0, "item", "AD-PAT-PAC2", "quantity"), 0, "S1 left");
	assert_near(num(rep, "stock_tonnes") - num(base, "stock_tonnes"), 200 * dm121_t + nvd_t,
		    "stock tonnes");

	/* Dwell: S1 stayed 30 hours exactly. */
	const json_t *dw0 = json_object_get(base, "dwell"), *dw1 = json_object_get(rep, "dwell");
	row = row_where(json_object_get(dw1, "shipments"), "shipment", s1);
	ck_assert_msg(row != NULL, "S1's dwell");
	assert_near(num(row, "hours"), 30.0, "S1 dwell hours");
	ck_assert_int_eq(jint(dw1, "count") - jint(dw0, "count"), 1);
	ck_assert(num(dw1, "max_hours") >= 30.0);
	ck_assert_int_eq(jint(dw1, "waiting") - jint(dw0, "waiting"), 1);

	/* Throughput: 6.15 t in and out for S1, 8.7 t in for S2, on their days. */
	struct { const char *at, *field; double t; } moves[] = {
		{jstr(a1, "at"), "arrived_t", 100 * dm121_t + 2 * pac2_t},
		{jstr(d1, "at"), "departed_t", 100 * dm121_t + 2 * pac2_t},
		{jstr(a2, "at"), "arrived_t", 200 * dm121_t},
	};
	json_t *days = json_object_get(rep, "throughput");
	ck_assert_uint_eq(json_array_size(days), 11);
	json_array_foreach(days, i, row) {
		double want_in = 0, want_out = 0;
		for (size_t k = 0; k < 3; k++) {
			if (strncmp(moves[k].at, jstr(row, "date"), 10) != 0)
				continue;
			if (strcmp(moves[k].field, "arrived_t") == 0)
				want_in += moves[k].t;
			else
				want_out += moves[k].t;
		}
		const char *date = jstr(row, "date");
		assert_near(num(row, "arrived_t") - day_figure(base, date, "arrived_t"), want_in,
			    "tonnes in");
		assert_near(num(row, "departed_t") - day_figure(base, date, "departed_t"), want_out,
			    "tonnes out");
		assert_near(num(row, "capacity_t"), 600, "capacity of the day");
		/* Rounded to 0.01 from unrounded tonnes: allow for that. */
		double busy = fmax(num(row, "arrived_t"), num(row, "departed_t"));
		ck_assert_msg(fabs(num(row, "utilisation_pct") - 100 * busy / 600) <= 0.0051,
			      "utilisation %s: %f", jstr(row, "date"), num(row, "utilisation_pct"));
	}
	const json_t *tt0 = json_object_get(base, "throughput_totals");
	const json_t *tt1 = json_object_get(rep, "throughput_totals");
	assert_near(num(tt1, "arrived_t") - num(tt0, "arrived_t"),
		    100 * dm121_t + 2 * pac2_t + 200 * dm121_t, "tonnes in");
	assert_near(num(tt1, "departed_t") - num(tt0, "departed_t"), 100 * dm121_t + 2 * pac2_t,
		    "tonnes out");

	/* The node operator sees its node, and no other. */
	json_t *own = get_ok(s, op, path);
	ck_assert(json_equal(json_object_get(own, "throughput"), days));
	json_decref(own);
	req(s, "GET", "/api/v1/reports/nodes/LN-CTZ", op, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);
	json_decref(get_ok(s, planner, "/api/v1/reports/nodes/LN-CTZ"));
	req(s, "GET", "/api/v1/reports/nodes/LN-RZE", login_as(s, "liaison.deu"), NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", "/api/v1/reports/nodes/HP-MED", planner, NULL, &r);
	assert_problem(&r, 404, "not-found", "site");
	req(s, "GET", "/api/v1/reports/nodes/NO-SUCH", planner, NULL, &r);
	assert_problem(&r, 404, "not-found", NULL);

	/* The default period is the last 30 days; bad periods are refused. */
	json_t *def = get_ok(s, planner, "/api/v1/reports/nodes/LN-RZE");
	ck_assert_str_eq(jstr(def, "to"), to);
	ck_assert_uint_eq(json_array_size(json_object_get(def, "throughput")), 30);
	json_decref(def);
	snprintf(path, sizeof path, "/api/v1/reports/nodes/LN-RZE?from=%s&to=%s", to, from);
	req(s, "GET", path, planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "from");
	req(s, "GET", "/api/v1/reports/nodes/LN-RZE?from=2020-01-01&to=2026-01-01", planner, NULL,
	    &r);
	assert_problem(&r, 400, "bad-request", "from");
	req(s, "GET", "/api/v1/reports/nodes/LN-RZE?to=yesterday", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "to");

	/* The daily table as CSV. */
	snprintf(path, sizeof path, "/api/v1/reports/nodes/LN-RZE?from=%s&to=%s&format=csv", from,
		 to);
	req(s, "GET", path, op, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(strstr(r.body, "date,arrived_t,departed_t,capacity_t,utilisation_pct\r\n"));
	ck_assert(strstr(r.body, to) != NULL);

	json_decref(a1);
	json_decref(d1);
	json_decref(a2);
	json_decref(base);
	json_decref(rep);
	res_free(&r);
	server_end(s);
}
END_TEST

/* ==== Repairs. ================================================================ */

static void new_order(const struct server *s, const char *token, const char *facility,
		      long long qty, char id[ID_LEN])
{
	struct http_res r = {0};

	send_json(s, "POST", "/api/v1/repair_orders", token,
		  json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "nation", "UKR",
			    "requesting_unit", "UA-UNIT-W", "facility", facility, "item", "DRN-FPV",
			    "quantity", (json_int_t)qty, "fault", "motor burnt out", "priority",
			    "P2"), &r);
	ck_assert_msg(r.status == 201, "repair order: %ld %s", r.status, r.body);
	snprintf(id, ID_LEN, "%s", jstr(r.json, "id"));
	res_free(&r);
}

/* The row of @facility's drones in the repair report. */
static json_t *drones(const json_t *rep, const char *facility)
{
	json_t *row;
	size_t i;

	json_array_foreach(json_object_get(rep, "facilities"), i, row) {
		if (strcmp(jstr(row, "facility"), facility) == 0 &&
		    strcmp(jstr(row, "category"), "drone") == 0)
			return row;
	}
	return NULL;
}

START_TEST(repairs)
{
	size_t i;
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *admin = login_as(s, "admin"), *planner = login_as(s, "planner");
	const char *officer = login_as(s, "officer.ukr");
	char o1[ID_LEN], o2[ID_LEN], o3[ID_LEN], o4[ID_LEN];

	req(s, "POST", "/api/v1/users", admin,
	    "{\"username\":\"facility.gli\",\"password\":\"repair-hub-gliwice\","
	    "\"role\":\"facility_operator\",\"site\":\"RF-GLI\"}", &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	const char *gli = login(s, "facility.gli", "repair-hub-gliwice");
	json_t *base = get_ok(s, planner, "/api/v1/reports/repairs");
	ck_assert(drones(base, "RF-GLI") == NULL);

	send_json(s, "POST", "/api/v1/repair_capacities", planner,
		  json_pack("{s:s, s:s, s:i}", "facility", "RF-GLI", "category", "drone", "bays",
			    5), &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	new_order(s, officer, "RF-GLI", 3, o1);
	new_order(s, officer, "RF-GLI", 2, o2);
	new_order(s, officer, "RF-GLI", 1, o3);
	new_order(s, officer, "RF-MIC", 4, o4);

	/* 3 + 2 units fill the 5 bays; one more is refused. */
	move_ok(s, planner, "repair_orders", o1, "approved", NULL);
	move_ok(s, planner, "repair_orders", o2, "approved", NULL);
	move(s, planner, "repair_orders", o3, "approved", NULL, &r);
	assert_problem(&r, 409, "conflict", "to");
	json_t *rep = get_ok(s, planner, "/api/v1/reports/repairs"), *row = drones(rep, "RF-GLI");
	ck_assert(row != NULL);
	ck_assert_int_eq(jint(row, "bays"), 5);
	ck_assert_int_eq(jint(row, "approved"), 2);
	ck_assert_int_eq(jint(row, "approved_units"), 5);
	ck_assert_int_eq(jint(row, "requested"), 1);
	ck_assert_int_eq(jint(row, "requested_units"), 1);
	ck_assert_int_eq(jint(row, "active_units"), 5);
	assert_near(num(row, "load_pct"), 100.0, "full");
	ck_assert(json_is_false(json_object_get(row, "over_capacity")));
	json_decref(rep);

	/* O1 is repaired and returned; O2 waits for parts; O3 is written off. */
	move_ok(s, planner, "repair_orders", o1, "to_facility", NULL);
	move_ok(s, gli, "repair_orders", o1, "in_repair", NULL);
	move_ok(s, gli, "repair_orders", o1, "repaired", NULL);
	move_ok(s, gli, "repair_orders", o1, "returned", NULL);
	move_ok(s, officer, "repair_orders", o2, "to_facility", NULL);
	move_ok(s, gli, "repair_orders", o2, "in_repair", NULL);
	move_ok(s, gli, "repair_orders", o2, "awaiting_parts", NULL);
	move_ok(s, planner, "repair_orders", o3, "written_off", "beyond economic repair");

	rep = get_ok(s, planner, "/api/v1/reports/repairs");
	row = drones(rep, "RF-GLI");
	ck_assert(row != NULL);
	ck_assert_str_eq(jstr(row, "facility_name"), "Bumar-Labedy repair hub Gliwice");
	static const struct { const char *field; long long want; } gli_row[] = {
		{"bays", 5},           {"requested", 0},      {"requested_units", 0},
		{"approved", 0},       {"to_facility", 0},    {"in_repair", 0},
		{"awaiting_parts", 1}, {"awaiting_parts_units", 2}, {"repaired", 0},
		{"active_orders", 1},  {"active_units", 2},   {"closed", 2},
		{"returned", 1},       {"written_off", 1},
	};
	for (i = 0; i < sizeof gli_row / sizeof *gli_row; i++)
		ck_assert_msg(jint(row, gli_row[i].field) == gli_row[i].want, "%s: %lld, want %lld",
			      gli_row[i].field, jint(row, gli_row[i].field), gli_row[i].want);
	assert_near(num(row, "load_pct"), 40.0, "two of five bays");
	ck_assert(num(row, "turnaround_max_days") >= 0 && num(row, "turnaround_max_days") < 1);
	ck_assert(json_is_number(json_object_get(row, "turnaround_median_days")));
	/* RF-MIC has no bays for drones: the order waits, no load figure. */
	row = drones(rep, "RF-MIC");
	ck_assert(row != NULL);
	ck_assert_int_eq(jint(row, "bays"), 0);
	ck_assert_int_eq(jint(row, "requested_units"), 4);
	ck_assert(json_is_null(json_object_get(row, "load_pct")));
	ck_assert(json_is_null(json_object_get(row, "turnaround_median_days")));
	const json_t *t0 = json_object_get(base, "totals"), *t1 = json_object_get(rep, "totals");
	ck_assert_int_eq(jint(t1, "bays") - jint(t0, "bays"), 5);
	ck_assert_int_eq(jint(t1, "requested_units") - jint(t0, "requested_units"), 4);
	ck_assert_int_eq(jint(t1, "active_units") - jint(t0, "active_units"), 2);
	ck_assert_int_eq(jint(t1, "closed") - jint(t0, "closed"), 2);

	/* The facility operator sees its facility; the officer its nation's
	 * orders at every facility. */
	json_t *own = get_ok(s, gli, "/api/v1/reports/repairs");
	json_array_foreach(json_object_get(own, "facilities"), i, row)
		ck_assert_str_eq(jstr(row, "facility"), "RF-GLI");
	ck_assert(json_equal(drones(own, "RF-GLI"), drones(rep, "RF-GLI")));
	ck_assert(drones(own, "RF-MIC") == NULL);
	json_decref(own);
	own = get_ok(s, officer, "/api/v1/reports/repairs");
	ck_assert(json_equal(drones(own, "RF-GLI"), drones(rep, "RF-GLI")));
	ck_assert(json_equal(drones(own, "RF-MIC"), drones(rep, "RF-MIC")));
	json_decref(own);
	req(s, "GET", "/api/v1/reports/repairs", login_as(s, "liaison.deu"), NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	req(s, "GET", "/api/v1/reports/repairs", login_as(s, "node.rze"), NULL, &r);
	assert_problem(&r, 403, "forbidden", NULL);

	req(s, "GET", "/api/v1/reports/repairs?format=csv", gli, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(strstr(r.body, "facility,facility_name,category,bays,requested,") != NULL);
	ck_assert(strstr(r.body, "RF-GLI") && !strstr(r.body, "RF-MIC"));
	req(s, "GET", "/api/v1/reports/repairs?facility=RF-GLI", planner, NULL, &r);
	assert_problem(&r, 400, "bad-request", "facility");

	char *out = NULL;
	int code = nsatu_run(&out, "report", "repairs", "--db", s->db, NULL);
	ck_assert_msg(code == 0 && strstr(out, "drone"), "exit %d: %s", code, out);
	free(out);

	json_decref(base);
	json_decref(rep);
	res_free(&r);
	server_end(s);
}
END_TEST

Suite *suite_transfer_reports(void)
{
	Suite *s = suite_create("transfer_reports");
	TCase *tc = api_tcase("transfer_reports");

	tcase_add_test(tc, end_use);
	tcase_add_test(tc, node);
	tcase_add_test(tc, repairs);
	suite_add_tcase(s, tc);
	return s;
}
