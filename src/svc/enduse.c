/*
 * enduse.c - end-use monitoring of sensitive items: which serial
 * inventories are delinquent, how timely loss reports were, and the
 * reconciliation of the serials handed over against those inventoried.
 *
 * The rules are those of enhanced end-use monitoring: a sensitive item's
 * first serial inventory is due within 90 days of hand-over, then a year
 * after each inventory; a loss is to be reported within 30 days.  The
 * dates are the assets' own, as custody.c derives them from the events
 * (handed_over_at, last_inventory_at, inventory_due, lost_at,
 * loss_reported_at); these reports only read them, so that the report and
 * the asset can never disagree.
 *
 * Monitored: a sensitive asset handed over and not lost, destroyed or
 * expended.  Delinquent on a date: monitored, with its inventory_due
 * before that date.  A date in the future shows what will be overdue by
 * then; a date in the past leaves out what was handed over after it, but
 * does not undo inventories made since (the assets keep only their latest).
 *
 * The unit that holds an asset: its location when that is a unit, else
 * (at a repair facility, or on the way) the unit its last shipment served:
 * the destination of a delivery or of a return from repair, the origin of
 * a transport to repair.
 *
 * Scope: as for reading assets (svc_scope_field): donor liaisons see their
 * nation's materiel; recipient officers, planners, auditors and admins all.
 */
#include "tally.h"

#include <stdio.h>
#include <string.h>

#define FIRST_INVENTORY_DAYS 90
#define LOSS_REPORT_DAYS 30


/* ---- The tables (svc.h). ---------------------------------------------------- */

static const char *const delinquent_cols[] = {
	"asset", "item", "serial", "nation", "unit", "location", "status", "handed_over_at",
	"last_inventory_at", "inventory_due", "days_overdue", "value_eur",
};
const struct svc_report_table SVC_TABLE_DELINQUENT = {
	"end-use-delinquent", "items", delinquent_cols,
	sizeof delinquent_cols / sizeof *delinquent_cols,
};

static const char *const loss_cols[] = {
	"asset", "item", "serial", "nation", "sensitive", "status", "location", "lost_at",
	"loss_reported_at", "days_to_report", "on_time",
};
const struct svc_report_table SVC_TABLE_LOSSES = {
	"end-use-loss-reports", "items", loss_cols, sizeof loss_cols / sizeof *loss_cols,
};

static const char *const reconciliation_cols[] = {
	"unit", "asset", "item", "serial", "nation", "status", "state", "handed_over_at",
	"last_inventory_at", "inventory_due",
};
const struct svc_report_table SVC_TABLE_RECONCILIATION = {
	"end-use-reconciliation", "serials", reconciliation_cols,
	sizeof reconciliation_cols / sizeof *reconciliation_cols,
};

/* ---- What every end-use report reads. ----------------------------------------- */

struct eu {
	struct store_tx *tx;
	const struct principal *p;
	json_t *items, *sites;   /* reference data by code */
	json_t *ships;           /* shipments looked up, by id */
	json_t *assets;          /* the assets in the caller's scope */
};

static int eu_load(struct eu *c, struct store_tx *tx, const struct principal *p,
		   bool sensitive_only)
{
	json_t *yes;
	int rc;

	memset(c, 0, sizeof *c);
	c->tx = tx;
	c->p = p;
	if (!(c->ships = json_object()))
		return ST_INTERNAL;
	if ((rc = tally_index(tx, &ESPEC_ITEMS, &c->items)) != ST_OK ||
	    (rc = tally_index(tx, &ESPEC_SITES, &c->sites)) != ST_OK)
		return rc;
	yes = json_true();
	rc = tally_rows_in_scope(tx, p, &ESPEC_ASSETS, sensitive_only ? "sensitive" : NULL, yes,
				 &c->assets);
	json_decref(yes);
	return rc;
}

static void eu_done(struct eu *c)
{
	json_decref(c->items);
	json_decref(c->sites);
	json_decref(c->ships);
	json_decref(c->assets);
	memset(c, 0, sizeof *c);
}

static long long unit_value(const struct eu *c, const json_t *asset)
{
	json_t *item = json_object_get(c->items, rec_str(asset, "item"));

	return json_integer_value(json_object_get(item, "unit_value_eur"));
}

/* The unit holding @asset into *@unit (see the header), or its location,
 * or "unknown". */
static int unit_of(struct eu *c, const json_t *asset, const char **unit)
{
	const char *loc = rec_str(asset, "location"), *id = rec_str(asset, "shipment");
	json_t *site = loc ? json_object_get(c->sites, loc) : NULL, *ship = NULL;

	*unit = loc ? loc : "unknown";
	if (str_is(rec_str(site, "kind"), "unit") || !id)
		return ST_OK;
	if (!(ship = json_object_get(c->ships, id))) {
		int rc = store_rec_get(c->tx, &ESPEC_SHIPMENTS, id, &ship);
		if (rc == ST_NOT_FOUND)
			return ST_OK;
		if (rc != ST_OK)
			return rc;
		if (json_object_set_new(c->ships, id, ship) != 0)
			return ST_INTERNAL;
	}
	*unit = rec_str(ship, str_is(rec_str(ship, "purpose"), "to_repair") ? "origin" : "destination");
	return ST_OK;
}

/* Add @n to the integer @field of @row. */
static void bump(json_t *row, const char *field, long long n)
{
	json_object_set_new(row, field,
			    json_integer(json_integer_value(json_object_get(row, field)) + n));
}

static int cmp_field(const void *a, const void *b, const char *field)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	const char *s = rec_str(x, field), *t = rec_str(y, field);

	return strcmp(s ? s : "", t ? t : "");
}

static int by_unit(const void *a, const void *b) { return cmp_field(a, b, "unit"); }
static int by_item(const void *a, const void *b) { return cmp_field(a, b, "item"); }

/* Unit, then item, then serial. */
static int by_unit_serial(const void *a, const void *b)
{
	int d = cmp_field(a, b, "unit");

	d = d ? d : cmp_field(a, b, "item");
	return d ? d : cmp_field(a, b, "serial");
}

/* The longest first, then item and serial. */
static int by_days(const void *a, const void *b, const char *field)
{
	double x = json_number_value(json_object_get(*(json_t *const *)a, field));
	double y = json_number_value(json_object_get(*(json_t *const *)b, field));
	int d = (x < y) - (x > y);

	d = d ? d : cmp_field(a, b, "item");
	return d ? d : cmp_field(a, b, "serial");
}

static int by_overdue(const void *a, const void *b) { return by_days(a, b, "days_overdue"); }
static int by_delay(const void *a, const void *b) { return by_days(a, b, "days_to_report"); }

static double share(long long part, long long whole)
{
	return whole ? tally_round((double)part / (double)whole, 4) : 0;
}

/* Run @fn in a read transaction; on success hand *@result over to *@out. */
static int run(struct svc *svc, store_work_fn fn, void *ctx, json_t **result, json_t **out)
{
	int rc = store_run(svc->store, STORE_READ, fn, ctx);

	if (rc == ST_OK && !*result)
		rc = ST_INTERNAL;
	if (rc == ST_OK)
		*out = *result;
	else
		json_decref(*result);
	*result = NULL;
	return rc;
}

/* ---- Delinquent inventories. ------------------------------------------------------ */

struct delinquent_ctx {
	const struct principal *p;
	char as_of[11];
	json_t *out;
};

static int delinquent_work(struct store_tx *tx, void *arg)
{
	struct delinquent_ctx *d = arg;
	json_t *units = json_object(), *items = json_object(), *list = json_array(), *a;
	long long monitored = 0, monitored_value = 0, count = 0, value = 0;
	int64_t as_of_days = 0;
	struct eu c;
	size_t i;
	int rc;

	json_decref(d->out);
	d->out = NULL;
	if ((rc = eu_load(&c, tx, d->p, true)) != ST_OK)
		goto done;
	rc = ST_INTERNAL;
	if (!units || !items || !list || !tally_days(d->as_of, &as_of_days))
		goto done;
	json_array_foreach(c.assets, i, a) {
		const char *handed = rec_str(a, "handed_over_at"), *due = rec_str(a, "inventory_due");
		const char *unit;
		long long v = unit_value(&c, a);
		int64_t due_days;
		json_t *row, *item = json_object_get(c.items, rec_str(a, "item"));

		if (!handed || svc_asset_ended(a) || strncmp(handed, d->as_of, 10) > 0)
			continue;
		monitored++;
		monitored_value += v;
		if (!due || strcmp(due, d->as_of) >= 0 || !tally_days(due, &due_days))
			continue;
		count++;
		value += v;
		if ((rc = unit_of(&c, a, &unit)) != ST_OK)
			goto done;
		rc = ST_INTERNAL;
		const char *uname = rec_str(json_object_get(c.sites, unit), "name");
		if (!(row = tally_group(units, unit,
				  json_pack("{s:s, s:s?}", "unit", unit, "name", uname))))
			goto done;
		bump(row, "count", 1);
		bump(row, "value_eur", v);
		if (!(row = tally_group(items, rec_str(a, "item"), json_pack("{s:s, s:s?}", "item",
								    rec_str(a, "item"), "name",
								    rec_str(item, "name")))))
			goto done;
		bump(row, "count", 1);
		bump(row, "value_eur", v);
		row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:s?, s:s, s:I, s:I}",
				"asset", rec_str(a, "id"), "item", rec_str(a, "item"), "serial",
				rec_str(a, "serial"), "nation", rec_str(a, "nation"), "unit", unit,
				"location", rec_str(a, "location"), "status", rec_str(a, "status"),
				"handed_over_at", handed, "last_inventory_at",
				rec_str(a, "last_inventory_at"), "inventory_due", due, "days_overdue",
				(json_int_t)(as_of_days - due_days), "value_eur", (json_int_t)v);
		if (!row || json_array_append_new(list, row) != 0)
			goto done;
	}
	json_t *by_u = tally_group_rows(units, NULL, by_unit);
	json_t *by_i = tally_group_rows(items, NULL, by_item);
	char summary[256];
	snprintf(summary, sizeof summary,
		 "Serial inventories as of %s: %lld of %lld sensitive items delinquent (%.0f %%), "
		 "EUR %lld of EUR %lld.", d->as_of, count, monitored, 100 * share(count, monitored),
		 value, monitored_value);
	if (by_u && by_i && tally_sort(list, by_overdue) == ST_OK)
		d->out = json_pack(
			"{s:s, s:s, s:i, s:{s:I, s:I, s:I, s:I, s:f, s:f}, s:o, s:o, s:O}", "as_of",
			d->as_of, "summary", summary, "first_inventory_days", FIRST_INVENTORY_DAYS,
			"totals", "monitored", (json_int_t)monitored, "monitored_value_eur",
			(json_int_t)monitored_value, "count", (json_int_t)count, "value_eur",
			(json_int_t)value, "share", share(count, monitored), "value_share",
			share(value, monitored_value), "by_unit", by_u, "by_item", by_i, "items",
			list);
	else {
		json_decref(by_u);
		json_decref(by_i);
	}
	rc = d->out ? ST_OK : ST_INTERNAL;
done:
	eu_done(&c);
	json_decref(units);
	json_decref(items);
	json_decref(list);
	return rc;
}

int svc_enduse_delinquent(struct svc *svc, const struct principal *p, const char *as_of,
			  json_t **out, struct verr *err)
{
	struct delinquent_ctx d = {.p = p};
	const char *why;

	*out = NULL;
	if (!perm_allows(p->role, "end_use", ACT_READ))
		return ST_FORBIDDEN;
	if (as_of && (why = check_date(as_of)))
		return verr_set(err, "as_of", "%s", why);
	if (as_of)
		snprintf(d.as_of, sizeof d.as_of, "%s", as_of);
	else
		tally_today(d.as_of);
	return run(svc, delinquent_work, &d, &d.out, out);
}

/* ---- Loss reports. --------------------------------------------------------------- */

struct loss_ctx {
	const struct principal *p;
	json_t *out;
};

static int loss_work(struct store_tx *tx, void *arg)
{
	struct loss_ctx *l = arg;
	struct tally days = {0};
	json_t *list = json_array(), *a, *stats = NULL;
	long long on_time = 0;
	struct eu c;
	size_t i;
	int rc;

	json_decref(l->out);
	l->out = NULL;
	if ((rc = eu_load(&c, tx, l->p, false)) != ST_OK)
		goto done;
	rc = ST_INTERNAL;
	if (!list)
		goto done;
	json_array_foreach(c.assets, i, a) {
		const char *lost = rec_str(a, "lost_at"), *reported = rec_str(a, "loss_reported_at");
		int64_t lost_ms, reported_ms;
		json_t *delay = json_null(), *row;
		bool in_time = false;

		if (!lost || !tally_ms(lost, &lost_ms))
			continue;
		/* A loss with no report time (never so far) counts as late. */
		if (reported && tally_ms(reported, &reported_ms)) {
			int64_t ms = reported_ms > lost_ms ? reported_ms - lost_ms : 0;
			double d = (double)ms / TALLY_DAY_MS;
			in_time = ms <= LOSS_REPORT_DAYS * TALLY_DAY_MS;
			delay = json_real(tally_round(d, 1));
			tally_add(&days, d);
		}
		on_time += in_time;
		row = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s?, s:s, s:s?, s:o, s:b}",
				"asset", rec_str(a, "id"), "item", rec_str(a, "item"), "serial",
				rec_str(a, "serial"), "nation", rec_str(a, "nation"), "sensitive",
				json_is_true(json_object_get(a, "sensitive")), "status",
				rec_str(a, "status"), "location", rec_str(a, "location"), "lost_at", lost,
				"loss_reported_at", reported, "days_to_report", delay, "on_time",
				in_time);
		if (!row || json_array_append_new(list, row) != 0)
			goto done;
	}
	if (days.failed || !(stats = tally_stats(days.v, days.n, 1)) ||
	    tally_sort(list, by_delay) != ST_OK)
		goto done;
	long long n = (long long)json_array_size(list);
	json_t *median = json_object_get(stats, "median"), *max = json_object_get(stats, "max");
	char summary[256], delays[96] = "";
	if (days.n)
		snprintf(delays, sizeof delays, "; median %.1f days, longest %.1f days",
			 json_number_value(median), json_number_value(max));
	snprintf(summary, sizeof summary, "Loss reports: %lld losses, %lld reported within %d "
		 "days (%.0f %%)%s.", n, on_time, LOSS_REPORT_DAYS, 100 * share(on_time, n),
		 delays);
	l->out = json_pack("{s:s, s:i, s:{s:I, s:I, s:I, s:f, s:O}, s:O}", "summary", summary,
			   "due_days", LOSS_REPORT_DAYS, "totals", "count", (json_int_t)n,
			   "on_time", (json_int_t)on_time, "late", (json_int_t)(n - on_time),
			   "share_on_time", share(on_time, n), "days", stats, "items", list);
	rc = l->out ? ST_OK : ST_INTERNAL;
done:
	eu_done(&c);
	tally_free(&days);
	json_decref(stats);
	json_decref(list);
	return rc;
}

int svc_enduse_losses(struct svc *svc, const struct principal *p, json_t **out)
{
	struct loss_ctx l = {.p = p};

	*out = NULL;
	if (!perm_allows(p->role, "end_use", ACT_READ))
		return ST_FORBIDDEN;
	return run(svc, loss_work, &l, &l.out, out);
}

/* ---- Reconciliation. ---------------------------------------------------------------- */

/* Where a handed-over serial stands: each is in exactly one state, so the
 * counts of a unit add up to what was handed over to it. */
static const struct {
	const char *state;   /* as listed per serial */
	const char *count;   /* the unit's counter it adds to */
} states[] = {
	{"inventoried", "inventoried"}, {"not_inventoried", "not_inventoried"},
	{"lost", "lost"},               {"destroyed", "lost"},
	{"expended", "expended"},
};

static const char *state_of(const json_t *a)
{
	const char *last = rec_str(a, "last_inventory_at");

	if (svc_asset_ended(a))
		return rec_str(a, "status");
	return last && strcmp(last, rec_str(a, "handed_over_at")) >= 0 ? "inventoried"
								   : "not_inventoried";
}

static json_t *new_counts(const char *unit, const char *name)
{
	json_t *row = json_pack("{s:s, s:s?, s:i, s:i, s:i, s:i, s:i, s:[]}", "unit", unit, "name",
				name, "handed_over", 0, "inventoried", 0, "not_inventoried", 0,
				"lost", 0, "expended", 0, "not_inventoried_serials");
	return row;
}

struct recon_ctx {
	const struct principal *p;
	json_t *out;
};

static int recon_work(struct store_tx *tx, void *arg)
{
	struct recon_ctx *r = arg;
	json_t *units = json_object(), *serials = json_array(), *totals = new_counts("", NULL), *a;
	struct eu c;
	size_t i;
	int rc;

	json_decref(r->out);
	r->out = NULL;
	if ((rc = eu_load(&c, tx, r->p, true)) != ST_OK)
		goto done;
	rc = ST_INTERNAL;
	if (!units || !serials || !totals)
		goto done;
	json_array_foreach(c.assets, i, a) {
		const char *unit, *state;
		json_t *row;

		if (!rec_str(a, "handed_over_at"))
			continue;
		if ((rc = unit_of(&c, a, &unit)) != ST_OK)
			goto done;
		rc = ST_INTERNAL;
		if (!(row = tally_group(units, unit,
				  new_counts(unit, rec_str(json_object_get(c.sites, unit), "name")))))
			goto done;
		state = state_of(a);
		for (size_t k = 0; k < sizeof states / sizeof *states; k++) {
			if (str_is(state, states[k].state)) {
				bump(row, states[k].count, 1);
				bump(totals, states[k].count, 1);
			}
		}
		bump(row, "handed_over", 1);
		bump(totals, "handed_over", 1);
		json_t *missing = json_object_get(row, "not_inventoried_serials");
		if (str_is(state, "not_inventoried") &&
		    json_array_append_new(missing, json_pack("{s:s, s:s, s:s}", "asset",
							     rec_str(a, "id"), "item", rec_str(a, "item"),
							     "serial", rec_str(a, "serial"))) != 0)
			goto done;
		json_t *line = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?}", "unit", unit,
			"asset", rec_str(a, "id"), "item", rec_str(a, "item"), "serial", rec_str(a, "serial"),
			"nation", rec_str(a, "nation"), "status", rec_str(a, "status"), "state", state,
			"handed_over_at", rec_str(a, "handed_over_at"), "last_inventory_at",
			rec_str(a, "last_inventory_at"), "inventory_due", rec_str(a, "inventory_due"));
		if (!line || json_array_append_new(serials, line) != 0)
			goto done;
	}
	json_t *rows = tally_group_rows(units, NULL, by_unit);
	if (!rows || tally_sort(serials, by_unit_serial) != ST_OK) {
		json_decref(rows);
		goto done;
	}
	json_object_del(totals, "unit");
	json_object_del(totals, "name");
	json_object_del(totals, "not_inventoried_serials");
	char summary[256];
	snprintf(summary, sizeof summary,
		 "Reconciliation: %lld sensitive serials handed over; %lld inventoried since, %lld "
		 "not yet, %lld lost or destroyed, %lld expended.",
		 (long long)json_integer_value(json_object_get(totals, "handed_over")),
		 (long long)json_integer_value(json_object_get(totals, "inventoried")),
		 (long long)json_integer_value(json_object_get(totals, "not_inventoried")),
		 (long long)json_integer_value(json_object_get(totals, "lost")),
		 (long long)json_integer_value(json_object_get(totals, "expended")));
	r->out = json_pack("{s:s, s:O, s:o, s:O}", "summary", summary, "totals", totals, "units",
			   rows, "serials", serials);
	rc = r->out ? ST_OK : ST_INTERNAL;
done:
	eu_done(&c);
	json_decref(units);
	json_decref(serials);
	json_decref(totals);
	return rc;
}

int svc_enduse_reconciliation(struct svc *svc, const struct principal *p, json_t **out)
{
	struct recon_ctx r = {.p = p};

	*out = NULL;
	if (!perm_allows(p->role, "end_use", ACT_READ))
		return ST_FORBIDDEN;
	return run(svc, recon_work, &r, &r.out, out);
}
