/*
 * repairs.c - the repair report: per repair facility and item category,
 * the bays, the backlog by status, the active load against the bays, and
 * the turnaround of closed orders.
 *
 * The active load is the units of orders approved and not yet returned or
 * written off (approved, to_facility, in_repair, awaiting_parts,
 * repaired): the set transfer.c weighs against the bays when it approves
 * an order, so "over capacity" here means what a refused approval means
 * there.  Requested orders are backlog but not load.  Turnaround runs from
 * an order's creation to its close (returned or written off), in days.
 *
 * Scope: orders as the caller may read them (svc_scope_field): a facility
 * operator sees its facility's, a recipient officer its nation's.  Bays
 * belong to a facility, not to a nation: a site-bound caller sees its own
 * facility's rows, every other reader all of them (the capacity spec has
 * no nation field, so the scope helper alone would hide every bay from a
 * recipient officer, who may read capacities).
 */
#include "tally.h"

#include <stdio.h>
#include <string.h>

/* The open states of an order, in workflow order, and whether its units
 * occupy bays.  Each gives the row two columns: orders and units. */
static const struct {
	const char *status, *units;
	bool active;
} backlog[] = {
	{"requested", "requested_units", false},
	{"approved", "approved_units", true},
	{"to_facility", "to_facility_units", true},
	{"in_repair", "in_repair_units", true},
	{"awaiting_parts", "awaiting_parts_units", true},
	{"repaired", "repaired_units", true},
};

/* The closed states, each a counter of the row. */
static const char *const closed_states[] = {"returned", "written_off"};

static const char *const repair_cols[] = {
	"facility", "facility_name", "category", "bays",
	"requested", "requested_units", "approved", "approved_units",
	"to_facility", "to_facility_units", "in_repair", "in_repair_units",
	"awaiting_parts", "awaiting_parts_units", "repaired", "repaired_units",
	"active_orders", "active_units", "load_pct", "over_capacity",
	"closed", "returned", "written_off",
	"turnaround_average_days", "turnaround_median_days", "turnaround_max_days",
};
const struct svc_report_table SVC_TABLE_REPAIRS = {
	"repairs", "facilities", repair_cols, sizeof repair_cols / sizeof *repair_cols,
};

static void bump(json_t *row, const char *field, long long n)
{
	json_object_set_new(row, field, json_integer(rec_num(row, field) + n));
}

/* A row of zeros for @facility and @category (NULL: the totals). */
static json_t *new_row(const json_t *sites, const char *facility, const char *category)
{
	json_t *row = json_object();

	if (!row)
		return NULL;
	if (facility) {
		json_object_set_new(row, "facility", json_string(facility));
		const char *name = rec_str(json_object_get(sites, facility), "name");
		json_object_set_new(row, "facility_name", name ? json_string(name) : json_null());
		json_object_set_new(row, "category", json_string(category));
	}
	json_object_set_new(row, "bays", json_integer(0));
	for (size_t i = 0; i < sizeof backlog / sizeof *backlog; i++) {
		json_object_set_new(row, backlog[i].status, json_integer(0));
		json_object_set_new(row, backlog[i].units, json_integer(0));
	}
	static const char *const counters[] = {"active_orders", "active_units", "closed",
					       "returned", "written_off"};
	for (size_t i = 0; i < sizeof counters / sizeof *counters; i++)
		json_object_set_new(row, counters[i], json_integer(0));
	json_object_set_new(row, "turnaround", json_array());
	return row;
}

/* The row of @facility and @category in @rows, made on first use. */
static json_t *row_of(json_t *rows, const json_t *sites, const char *facility,
		      const char *category)
{
	char key[64];
	json_t *row;

	snprintf(key, sizeof key, "%s\x1f%s", facility, category);
	if ((row = json_object_get(rows, key)))
		return row;
	row = new_row(sites, facility, category);
	if (!row || json_object_set_new(rows, key, row) != 0)
		return NULL;
	return row;
}

/* Count @order into @row. */
static void count_order(json_t *row, const json_t *order)
{
	const char *status = rec_str(order, "status");
	long long units = rec_num(order, "quantity");
	int64_t created, closed;

	for (size_t i = 0; i < sizeof backlog / sizeof *backlog; i++) {
		if (strcmp(status, backlog[i].status) != 0)
			continue;
		bump(row, backlog[i].status, 1);
		bump(row, backlog[i].units, units);
		if (backlog[i].active) {
			bump(row, "active_orders", 1);
			bump(row, "active_units", units);
		}
	}
	for (size_t i = 0; i < sizeof closed_states / sizeof *closed_states; i++) {
		if (strcmp(status, closed_states[i]) != 0)
			continue;
		bump(row, closed_states[i], 1);
		bump(row, "closed", 1);
		if (tally_ms(rec_str(order, "created_at"), &created) &&
		    tally_ms(rec_str(order, "closed_at"), &closed))
			json_array_append_new(json_object_get(row, "turnaround"),
					      json_real((double)(closed - created) / TALLY_DAY_MS));
	}
}

/* Replace the row's list of turnarounds by its figures, and add load. */
static int finish_row(json_t *row)
{
	json_t *list = json_object_get(row, "turnaround"), *v, *stats;
	struct tally t = {0};
	size_t i;
	long long bays = rec_num(row, "bays"), active = rec_num(row, "active_units");

	json_array_foreach(list, i, v)
		tally_add(&t, json_real_value(v));
	stats = t.failed ? NULL : tally_stats(t.v, t.n, 2);
	tally_free(&t);
	if (!stats)
		return ST_INTERNAL;
	json_object_set(row, "turnaround_average_days", json_object_get(stats, "average"));
	json_object_set(row, "turnaround_median_days", json_object_get(stats, "median"));
	json_object_set(row, "turnaround_max_days", json_object_get(stats, "max"));
	json_decref(stats);
	json_object_del(row, "turnaround");
	double load = bays > 0 ? 100.0 * (double)active / (double)bays : 0;
	json_object_set_new(row, "load_pct",
			    bays > 0 ? json_real(tally_round(load, 1)) : json_null());
	json_object_set_new(row, "over_capacity", json_boolean(active > bays));
	return ST_OK;
}

static bool capacity_visible(const struct principal *p, const json_t *cap)
{
	return role_scope(p->role) != SCOPE_SITE || svc_in_scope(p, &ESPEC_REPAIR_CAPACITIES, cap);
}

static int by_row(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int d = strcmp(rec_str(x, "facility"), rec_str(y, "facility"));

	return d ? d : strcmp(rec_str(x, "category"), rec_str(y, "category"));
}

struct repair_ctx {
	const struct principal *p;
	json_t *out;
};

static int repair_work(struct store_tx *tx, void *arg)
{
	struct repair_ctx *c = arg;
	json_t *sites = NULL, *caps = NULL, *orders = NULL, *rows = json_object(), *list = NULL;
	json_t *totals = new_row(NULL, NULL, NULL), *r;
	const char *key;
	size_t i;
	int rc;

	json_decref(c->out);
	c->out = NULL;
	if ((rc = tally_index(tx, &ESPEC_SITES, &sites)) != ST_OK ||
	    (rc = svc_rows(tx, &ESPEC_REPAIR_CAPACITIES, NULL, NULL, &caps)) != ST_OK ||
	    (rc = tally_rows_in_scope(tx, c->p, &ESPEC_REPAIR_ORDERS, NULL, NULL, &orders)) !=
		    ST_OK)
		goto done;
	rc = ST_INTERNAL;
	if (!rows || !totals || !(list = json_array()))
		goto done;
	json_array_foreach(caps, i, r) {
		json_t *row;
		if (!capacity_visible(c->p, r))
			continue;
		if (!(row = row_of(rows, sites, rec_str(r, "facility"), rec_str(r, "category"))))
			goto done;
		bump(row, "bays", rec_num(r, "bays"));
		bump(totals, "bays", rec_num(r, "bays"));
	}
	json_array_foreach(orders, i, r) {
		json_t *row = row_of(rows, sites, rec_str(r, "facility"), rec_str(r, "category"));
		if (!row)
			goto done;
		count_order(row, r);
		count_order(totals, r);
	}
	json_object_foreach(rows, key, r) {
		if (finish_row(r) != ST_OK || json_array_append(list, r) != 0)
			goto done;
	}
	if (finish_row(totals) != ST_OK || tally_sort(list, by_row) != ST_OK)
		goto done;
	char summary[256], median[64] = "";
	if (rec_num(totals, "closed"))
		snprintf(median, sizeof median, ", median turnaround %.1f days",
			 json_number_value(json_object_get(totals, "turnaround_median_days")));
	snprintf(summary, sizeof summary,
		 "Repairs: %lld units in work on %lld bays, %lld requested; %lld orders closed "
		 "(%lld returned, %lld written off)%s.",
		 rec_num(totals, "active_units"), rec_num(totals, "bays"), rec_num(totals, "requested_units"),
		 rec_num(totals, "closed"), rec_num(totals, "returned"), rec_num(totals, "written_off"),
		 median);
	c->out = json_pack("{s:s, s:O, s:O}", "summary", summary, "totals", totals, "facilities",
			   list);
	rc = c->out ? ST_OK : ST_INTERNAL;
done:
	json_decref(sites);
	json_decref(caps);
	json_decref(orders);
	json_decref(rows);
	json_decref(list);
	json_decref(totals);
	return rc;
}

int svc_repair_report(struct svc *svc, const struct principal *p, json_t **out)
{
	struct repair_ctx c = {.p = p};
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, "repair_report", ACT_READ))
		return ST_FORBIDDEN;
	rc = store_run(svc->store, STORE_READ, repair_work, &c);
	if (rc == ST_OK && c.out)
		*out = c.out;
	else
		json_decref(c.out);
	return rc == ST_OK && !*out ? ST_INTERNAL : rc;
}
