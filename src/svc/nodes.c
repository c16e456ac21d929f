/*
 * nodes.c - the report of a logistics node: what is on its way in, what
 * waits there to leave, the stock on hand by item, daily throughput
 * against the node's capacity, and how long shipments dwell.
 *
 * It reads the derived records custody.c keeps, not the raw events: a
 * shipment's legs carry when it arrived at and departed from each stop
 * (the first arrival and departure recorded, corrections already applied),
 * its lines what was dispatched and what is still in transit.  Custody
 * treats an arrival or departure as the whole shipment's (custody.c,
 * on_stop), so the node counts shipments, not scans:
 *
 *  - inbound: dispatched shipments (in transit, at another node, handed
 *    over) with a leg to this node not yet arrived;
 *  - outbound queue: shipments located here, arrived and not departed,
 *    with their dwell so far;
 *  - stock on hand: what those shipments still carry in transit, plus
 *    assets held here (registered stock, not on a shipment waiting here);
 *  - throughput: per day, the tonnes of the shipments that arrived and of
 *    those that departed.  A shipment's tonnes are its lines' dispatched
 *    units x the item's mass: what left the origin.  Units lost or short
 *    on the way are known only per line, not per stop, so a shipment that
 *    lost part of its load before this node counts in full -- an upper
 *    bound.  (Lines' current in-transit units would be exact for a
 *    shipment still at the node, but fall to zero once it is received,
 *    which would rewrite history.)  An item without a mass counts 0 t.
 *    Utilisation is the busier direction of the day (tonnes in or out)
 *    against throughput_t_day;
 *  - dwell: hours from arrival to departure, for departures in the period.
 *
 * Scope: a node's report shows what the custody events recorded at it
 * show, so it is visible to whoever sees those events (svc_in_scope on a
 * probe event at the site): a node operator sees its own node's only.
 */
#include "tally.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DAYS 30
#define MAX_DAYS 366
#define TONNE_PLACES 6   /* tonnes to the gram: a night-vision device weighs 0.4 kg */

/* Shipments that have left their origin and are not yet received. */
static bool moving(const json_t *ship)
{
	static const char *const states[] = {"in_transit", "at_node", "handed_over"};

	for (size_t i = 0; i < sizeof states / sizeof *states; i++) {
		if (str_is(rec_str(ship, "status"), states[i]))
			return true;
	}
	return false;
}

static const char *const node_cols[] = {
	"date", "arrived_t", "departed_t", "capacity_t", "utilisation_pct",
};
const struct svc_report_table SVC_TABLE_NODE = {
	"node", "throughput", node_cols, sizeof node_cols / sizeof *node_cols,
};

struct node_ctx {
	const struct principal *p;
	const char *site;
	char from[11], to[11];
	int64_t from_day, ndays, now_ms;
	struct verr *err;
	json_t *out;
	/* one attempt's working set */
	struct store_tx *tx;
	json_t *items;           /* by code */
	json_t *ships, *lines;   /* shipments, and each one's lines, by shipment id */
	double *in_t, *out_t;    /* tonnes per day of the period */
};

static int ship_get(struct node_ctx *n, const char *id, json_t **ship)
{
	int rc;

	if ((*ship = json_object_get(n->ships, id)))
		return ST_OK;
	if ((rc = store_rec_get(n->tx, &ESPEC_SHIPMENTS, id, ship)) != ST_OK)
		return rc;
	return json_object_set_new(n->ships, id, *ship) == 0 ? ST_OK : ST_INTERNAL;
}

static int lines_of(struct node_ctx *n, const char *id, json_t **lines)
{
	int rc;

	if ((*lines = json_object_get(n->lines, id)))
		return ST_OK;
	if ((rc = svc_rows(n->tx, &ESPEC_LINES, "shipment", id, lines)) != ST_OK)
		return rc;
	return json_object_set_new(n->lines, id, *lines) == 0 ? ST_OK : ST_INTERNAL;
}

static double mass_t(const struct node_ctx *n, const char *item, long long units)
{
	json_t *it = json_object_get(n->items, item);

	return (double)units * json_number_value(json_object_get(it, "mass_kg")) / 1000;
}

/* Tonnes of shipment @id: its lines' @field units (dispatched, in_transit). */
static int tonnes(struct node_ctx *n, const char *id, const char *field, double *t)
{
	json_t *lines, *l;
	size_t i;
	int rc = lines_of(n, id, &lines);

	*t = 0;
	if (rc != ST_OK)
		return rc;
	json_array_foreach(lines, i, l)
		*t += mass_t(n, rec_str(l, "item"), rec_num(l, field));
	*t = tally_round(*t, TONNE_PLACES);
	return ST_OK;
}

/* The day index of instant @at in the period, or -1 outside it. */
static int64_t day_in(const struct node_ctx *n, const char *at)
{
	int64_t d;

	if (!at || !tally_days(at, &d) || d < n->from_day || d >= n->from_day + n->ndays)
		return -1;
	return d - n->from_day;
}

static double hours(const char *from, int64_t to_ms)
{
	int64_t ms;

	return tally_ms(from, &ms) ? tally_round((double)(to_ms - ms) / 3600000.0, 2) : 0;
}

/* The legs leaving the node, by "shipment#seq" of the leg before them. */
static int legs_out(struct node_ctx *n, json_t **by_prev)
{
	json_t *legs = NULL, *l;
	size_t i;
	int rc = svc_rows(n->tx, &ESPEC_LEGS, "from_site", n->site, &legs);

	*by_prev = NULL;
	if (rc != ST_OK)
		return rc;
	if (!(*by_prev = json_object()))
		rc = ST_INTERNAL;
	json_array_foreach(legs, i, l) {
		char key[96];
		snprintf(key, sizeof key, "%s#%lld", rec_str(l, "shipment"), rec_num(l, "seq") - 1);
		if (rc == ST_OK && json_object_set(*by_prev, key, l) != 0)
			rc = ST_INTERNAL;
	}
	json_decref(legs);
	return rc;
}

struct lists {
	json_t *inbound, *queue, *dwell, *stock, *days, *queued;  /* queued: ids */
	struct tally stay;
	double in_total, queue_total;
};

/* One leg into the node: inbound, arrived (and departed, or waiting). */
static int leg_in(struct node_ctx *n, struct lists *o, const json_t *leg, json_t *outs)
{
	const char *arrived = rec_str(leg, "arrived_at");
	json_t *ship, *next, *row;
	char key[96];
	double t;
	int rc;

	if ((rc = ship_get(n, rec_str(leg, "shipment"), &ship)) != ST_OK)
		return rc;
	snprintf(key, sizeof key, "%s#%lld", rec_str(leg, "shipment"), rec_num(leg, "seq"));
	next = json_object_get(outs, key);
	const char *departed = rec_str(next, "departed_at");
	if (!arrived) {
		if (!moving(ship) || departed)
			return ST_OK;
		if ((rc = tonnes(n, rec_str(ship, "id"), "in_transit", &t)) != ST_OK)
			return rc;
		o->in_total += t;
		row = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:s?, s:f}", "shipment",
				rec_str(ship, "id"), "nation", rec_str(ship, "nation"), "status",
				rec_str(ship, "status"), "location", rec_str(ship, "location"), "from_site",
				rec_str(leg, "from_site"), "mode", rec_str(leg, "mode"), "planned_arrival",
				rec_str(leg, "planned_arrival") ? rec_str(leg, "planned_arrival")
							    : rec_str(ship, "planned_arrival"),
				"tonnes", t);
		return row && json_array_append_new(o->inbound, row) == 0 ? ST_OK : ST_INTERNAL;
	}
	int64_t day = day_in(n, arrived), dep_ms;
	if (day >= 0) {
		if ((rc = tonnes(n, rec_str(ship, "id"), "dispatched", &t)) != ST_OK)
			return rc;
		n->in_t[day] += t;
	}
	if (departed) {
		if (day_in(n, departed) < 0 || !tally_ms(departed, &dep_ms))
			return ST_OK;
		double h = hours(arrived, dep_ms);
		tally_add(&o->stay, h);
		row = json_pack("{s:s, s:s, s:s, s:s, s:f}", "shipment", rec_str(ship, "id"), "nation",
				rec_str(ship, "nation"), "arrived_at", arrived, "departed_at", departed,
				"hours", h);
		return row && json_array_append_new(o->dwell, row) == 0 ? ST_OK : ST_INTERNAL;
	}
	if (!str_is(rec_str(ship, "location"), n->site) || str_is(rec_str(ship, "status"), "received"))
		return ST_OK;
	if ((rc = tonnes(n, rec_str(ship, "id"), "in_transit", &t)) != ST_OK)
		return rc;
	o->queue_total += t;
	row = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:f, s:f}", "shipment",
			rec_str(ship, "id"), "nation", rec_str(ship, "nation"), "status",
			rec_str(ship, "status"), "arrived_at", arrived, "next_site",
			rec_str(next, "to_site"), "mode", rec_str(next, "mode"), "planned_departure",
			rec_str(next, "planned_departure"),
			"dwell_hours", hours(arrived, n->now_ms), "tonnes", t);
	if (!row || json_array_append_new(o->queue, row) != 0 ||
	    json_object_set_new(o->queued, rec_str(ship, "id"), json_true()) != 0)
		return ST_INTERNAL;
	return ST_OK;
}

/* Stock on hand: the queue's loads in transit, and assets held here. */
static int stock(struct node_ctx *n, struct lists *o, double *total)
{
	json_t *by_item = json_object(), *assets = NULL, *lines, *l, *a, *row;
	const char *id, *key;
	size_t i;
	int rc = by_item ? ST_OK : ST_INTERNAL;

	*total = 0;
	json_t *unused;
	json_object_foreach(o->queued, id, unused) {
		if (rc != ST_OK || (rc = lines_of(n, id, &lines)) != ST_OK)
			break;
		json_array_foreach(lines, i, l) {
			json_t *sum = json_object_get(by_item, rec_str(l, "item"));
			long long units = json_integer_value(sum) + rec_num(l, "in_transit");
			json_object_set_new(by_item, rec_str(l, "item"), json_integer(units));
		}
	}
	if (rc == ST_OK)
		rc = svc_rows(n->tx, &ESPEC_ASSETS, "location", n->site, &assets);
	json_array_foreach(assets, i, a) {
		/* Assets travelling with a shipment here are in its lines already. */
		if (rc != ST_OK || str_is(rec_str(a, "status"), "in_transit") ||
		    (rec_str(a, "shipment") && json_object_get(o->queued, rec_str(a, "shipment"))))
			continue;
		json_t *sum = json_object_get(by_item, rec_str(a, "item"));
		json_object_set_new(by_item, rec_str(a, "item"),
				    json_integer(json_integer_value(sum) + 1));
	}
	json_object_foreach(by_item, key, l) {
		long long units = json_integer_value(l);
		double t = tally_round(mass_t(n, key, units), TONNE_PLACES);
		if (rc != ST_OK || units == 0)
			continue;
		*total += t;
		row = json_pack("{s:s, s:s?, s:I, s:f}", "item", key, "name",
				rec_str(json_object_get(n->items, key), "name"), "quantity",
				(json_int_t)units, "tonnes", t);
		if (!row || json_array_append_new(o->stock, row) != 0)
			rc = ST_INTERNAL;
	}
	*total = tally_round(*total, TONNE_PLACES);
	json_decref(assets);
	json_decref(by_item);
	return rc;
}

static int cmp_str(const void *a, const void *b, const char *field)
{
	const char *s = rec_str(*(json_t *const *)a, field), *t = rec_str(*(json_t *const *)b, field);

	return strcmp(s ? s : "", t ? t : "");
}

static int by_item(const void *a, const void *b) { return cmp_str(a, b, "item"); }
static int by_arrival(const void *a, const void *b)
{
	int d = cmp_str(a, b, "arrived_at");
	return d ? d : cmp_str(a, b, "shipment");
}
static int by_shipment(const void *a, const void *b) { return cmp_str(a, b, "shipment"); }

/* The day rows of the period and their totals. */
static json_t *throughput(struct node_ctx *n, json_t *days, const json_t *capacity)
{
	double cap = json_number_value(capacity), in = 0, out = 0, peak = 0, util = 0;
	char peak_date[11] = "", date[11];
	long long over = 0;

	for (int64_t d = 0; d < n->ndays; d++) {
		double busy = fmax(n->in_t[d], n->out_t[d]);
		json_t *pct = cap > 0 ? json_real(tally_round(100 * busy / cap, 2)) : json_null();

		tally_date(n->from_day + d, date);
		in += n->in_t[d];
		out += n->out_t[d];
		util += cap > 0 ? 100 * busy / cap : 0;
		over += cap > 0 && busy > cap;
		if (busy > peak || !*peak_date) {
			peak = busy;
			memcpy(peak_date, date, sizeof date);
		}
		json_t *row = json_pack("{s:s, s:f, s:f, s:O, s:o}", "date", date, "arrived_t",
					tally_round(n->in_t[d], TONNE_PLACES), "departed_t",
					tally_round(n->out_t[d], TONNE_PLACES), "capacity_t",
					capacity, "utilisation_pct", pct);
		if (!row || json_array_append_new(days, row) != 0)
			return NULL;
	}
	json_t *totals = json_pack("{s:f, s:f, s:f, s:s, s:I}", "arrived_t",
				   tally_round(in, TONNE_PLACES), "departed_t",
				   tally_round(out, TONNE_PLACES), "peak_t",
				   tally_round(peak, TONNE_PLACES), "peak_date", peak_date,
				   "days_over_capacity", (json_int_t)over);
	if (totals)
		json_object_set_new(totals, "average_utilisation_pct",
				    cap > 0 ? json_real(tally_round(util / (double)n->ndays, 2))
					    : json_null());
	return totals;
}

static void lists_free(struct lists *o)
{
	json_decref(o->inbound);
	json_decref(o->queue);
	json_decref(o->dwell);
	json_decref(o->stock);
	json_decref(o->days);
	json_decref(o->queued);
	tally_free(&o->stay);
}

static int node_work(struct store_tx *tx, void *arg)
{
	struct node_ctx *n = arg;
	struct lists o = {json_array(), json_array(), json_array(), json_array(), json_array(),
			  json_object(), {0}, 0, 0};
	json_t *site = NULL, *ins = NULL, *outs = NULL, *leg, *totals = NULL, *stay = NULL;
	double stock_t = 0;
	size_t i;
	int rc;

	json_decref(n->out);
	n->out = NULL;
	n->tx = tx;
	n->items = NULL;
	n->ships = json_object();
	n->lines = json_object();
	n->in_t = calloc((size_t)n->ndays, sizeof *n->in_t);
	n->out_t = calloc((size_t)n->ndays, sizeof *n->out_t);
	rc = ST_INTERNAL;
	if (!o.inbound || !o.queue || !o.dwell || !o.stock || !o.days || !o.queued || !n->ships ||
	    !n->lines || !n->in_t || !n->out_t)
		goto done;
	if ((rc = store_rec_get(tx, &ESPEC_SITES, n->site, &site)) != ST_OK)
		goto done;
	if (!str_is(rec_str(site, "kind"), "logistics_node")) {
		rc = verr_set(n->err, "site", "%s is a %s, not a logistics node", n->site,
			      rec_str(site, "kind"));
		goto done;
	}
	/* Every field of a stored record is present, null or not; be sure. */
	json_t *capacity = json_object_get(site, "throughput_t_day");
	if (!capacity)
		json_object_set_new(site, "throughput_t_day", json_null());
	if ((rc = tally_index(tx, &ESPEC_ITEMS, &n->items)) != ST_OK ||
	    (rc = svc_rows(tx, &ESPEC_LEGS, "to_site", n->site, &ins)) != ST_OK ||
	    (rc = legs_out(n, &outs)) != ST_OK)
		goto done;
	json_array_foreach(ins, i, leg) {
		if ((rc = leg_in(n, &o, leg, outs)) != ST_OK)
			goto done;
	}
	const char *key;
	json_object_foreach(outs, key, leg) {
		int64_t day = day_in(n, rec_str(leg, "departed_at"));
		double t;
		if (day < 0)
			continue;
		if ((rc = tonnes(n, rec_str(leg, "shipment"), "dispatched", &t)) != ST_OK)
			goto done;
		n->out_t[day] += t;
	}
	if ((rc = stock(n, &o, &stock_t)) != ST_OK)
		goto done;
	rc = ST_INTERNAL;
	if (o.stay.failed || !(stay = tally_stats(o.stay.v, o.stay.n, 2)) ||
	    !(totals = throughput(n, o.days, json_object_get(site, "throughput_t_day"))) ||
	    tally_sort(o.inbound, by_shipment) != ST_OK ||
	    tally_sort(o.queue, by_arrival) != ST_OK || tally_sort(o.dwell, by_arrival) != ST_OK ||
	    tally_sort(o.stock, by_item) != ST_OK)
		goto done;
	double waiting_max = 0;
	json_array_foreach(o.queue, i, leg)
		waiting_max = fmax(waiting_max, json_number_value(json_object_get(leg,
										  "dwell_hours")));
	char summary[320], median[64] = "";
	if (o.stay.n)
		snprintf(median, sizeof median, "; median dwell %.1f h",
			 json_number_value(json_object_get(stay, "median")));
	snprintf(summary, sizeof summary,
		 "%s %s to %s: %zu shipments inbound, %zu waiting to leave, %.1f t on hand; "
		 "%.1f t in and %.1f t out%s.", n->site, n->from, n->to,
		 json_array_size(o.inbound), json_array_size(o.queue), stock_t,
		 json_number_value(json_object_get(totals, "arrived_t")),
		 json_number_value(json_object_get(totals, "departed_t")), median);
	n->out = json_pack(
		"{s:s, s:s?, s:O, s:s, s:s, s:s, s:O, s:f, s:O, s:f, s:O, s:f, s:O, s:O,"
		" s:{s:O, s:O, s:O, s:O, s:O, s:I, s:f}}",
		"site", n->site, "name", rec_str(site, "name"), "capacity_t_day",
		json_object_get(site, "throughput_t_day"), "from", n->from, "to", n->to, "summary",
		summary, "inbound", o.inbound, "inbound_tonnes",
		tally_round(o.in_total, TONNE_PLACES), "outbound", o.queue, "outbound_tonnes",
		tally_round(o.queue_total, TONNE_PLACES), "stock", o.stock, "stock_tonnes", stock_t,
		"throughput", o.days, "throughput_totals", totals,
		"dwell", "count", json_object_get(stay, "count"), "average_hours",
		json_object_get(stay, "average"), "median_hours", json_object_get(stay, "median"),
		"max_hours", json_object_get(stay, "max"), "shipments", o.dwell, "waiting",
		(json_int_t)json_array_size(o.queue), "waiting_max_hours", waiting_max);
	rc = n->out ? ST_OK : ST_INTERNAL;
done:
	lists_free(&o);
	json_decref(site);
	json_decref(ins);
	json_decref(outs);
	json_decref(totals);
	json_decref(stay);
	json_decref(n->items);
	json_decref(n->ships);
	json_decref(n->lines);
	free(n->in_t);
	free(n->out_t);
	n->items = n->ships = n->lines = NULL;
	n->in_t = n->out_t = NULL;
	return rc;
}

/* The period: @from..@to, or the @DEFAULT_DAYS days to today. */
static int period(struct node_ctx *n, const char *from, const char *to)
{
	const char *why;
	int64_t f, t;

	if (to && (why = check_date(to)))
		return verr_set(n->err, "to", "%s", why);
	if (from && (why = check_date(from)))
		return verr_set(n->err, "from", "%s", why);
	if (to)
		snprintf(n->to, sizeof n->to, "%s", to);
	else
		tally_today(n->to);
	tally_days(n->to, &t);
	if (from) {
		snprintf(n->from, sizeof n->from, "%s", from);
		tally_days(n->from, &f);
	} else {
		f = t - (DEFAULT_DAYS - 1);
		tally_date(f, n->from);
	}
	if (f > t)
		return verr_set(n->err, "from", "must not be after to (%s)", n->to);
	if (t - f + 1 > MAX_DAYS)
		return verr_set(n->err, "from", "the period is at most %d days", MAX_DAYS);
	n->from_day = f;
	n->ndays = t - f + 1;
	return ST_OK;
}

int svc_node_report(struct svc *svc, const struct principal *p, const char *site,
		    const char *from, const char *to, json_t **out, struct verr *err)
{
	struct node_ctx n = {.p = p, .site = site, .err = err, .now_ms = svc_now_ms()};
	json_t *probe;
	bool visible;
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, "node_report", ACT_READ))
		return ST_FORBIDDEN;
	if (!(probe = json_pack("{s:s}", "site", site)))
		return ST_INTERNAL;
	visible = svc_in_scope(p, &ESPEC_EVENTS, probe);
	json_decref(probe);
	if (!visible)
		return ST_NOT_FOUND;
	if ((rc = period(&n, from, to)) != ST_OK)
		return rc;
	rc = store_run(svc->store, STORE_READ, node_work, &n);
	if (rc == ST_OK && n.out)
		*out = n.out;
	else
		json_decref(n.out);
	return rc == ST_OK && !*out ? ST_INTERNAL : rc;
}
