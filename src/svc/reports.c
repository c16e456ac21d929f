/*
 * reports.c - coverage of requirements, and the fair-share (burden-sharing)
 * report of the funding pledge.
 *
 * Burden sharing: each participating Ally's fair share of a year's target is
 * target x its GDP / the participating Allies' GDP.  Allies are nations with
 * status "member"; one with participates=false (Hungary) has no share and
 * does not enlarge anyone else's.  Partners contribute but have no share.
 * A pledge counts in the period of its pledged_on date once it is committed
 * or delivered: materiel at catalog value (quantity x unit_value_eur), and
 * funding at amount_eur.  Training seats and repair capacity carry no value
 * here.  A half-year's target is half the year's.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* ---- Coverage. ---------------------------------------------------------------- */

/* Units dispatched (shipped) and received (delivered) on the shipment
 * lines drawn on the open allocations of requirement @id. */
static int shipped_of(struct store_tx *tx, const char *id, long long *shipped,
		      long long *delivered)
{
	json_t *allocs = NULL, *a, *lines, *l;
	size_t i, j;
	int rc;

	*shipped = *delivered = 0;
	if ((rc = svc_rows(tx, &ESPEC_ALLOCATIONS, "requirement", id, &allocs)) != ST_OK)
		return rc;
	json_array_foreach(allocs, i, a) {
		if (strcmp(rec_str(a, "status"), "open") != 0)
			continue;
		if ((rc = svc_rows(tx, &ESPEC_LINES, "allocation", rec_str(a, "id"), &lines)) != ST_OK)
			break;
		json_array_foreach(lines, j, l) {
			*shipped += json_integer_value(json_object_get(l, "dispatched"));
			*delivered += json_integer_value(json_object_get(l, "received"));
		}
		json_decref(lines);
	}
	json_decref(allocs);
	return rc;
}

static json_t *coverage_of(struct store_tx *tx, const json_t *req, int *rc)
{
	long long allocated = 0, shipped, delivered;

	*rc = svc_allocated(tx, "requirement", rec_str(req, "id"), &allocated);
	if (*rc == ST_OK)
		*rc = shipped_of(tx, rec_str(req, "id"), &shipped, &delivered);
	if (*rc != ST_OK)
		return NULL;
	long long requested = json_integer_value(json_object_get(req, "quantity"));
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "requirement", rec_str(req, "id"),
			 "requested", (json_int_t)requested, "allocated", (json_int_t)allocated,
			 "shipped", (json_int_t)shipped, "delivered", (json_int_t)delivered,
			 "remaining",
			 (json_int_t)(requested > allocated ? requested - allocated : 0));
}

struct cov_ctx {
	const char *id;
	const struct principal *p;
	json_t *out;
};

static int coverage_work(struct store_tx *tx, void *arg)
{
	struct cov_ctx *c = arg;
	json_t *req = NULL;
	int rc;

	json_decref(c->out);
	c->out = NULL;
	if ((rc = store_rec_get(tx, &ESPEC_REQUIREMENTS, c->id, &req)) != ST_OK)
		return rc;
	if (!svc_in_scope(c->p, &ESPEC_REQUIREMENTS, req))
		rc = ST_NOT_FOUND;
	else if (!(c->out = coverage_of(tx, req, &rc)) && rc == ST_OK)
		rc = ST_INTERNAL;
	json_decref(req);
	return rc;
}

int svc_coverage(struct svc *svc, const struct principal *p, const char *requirement,
		 json_t **out)
{
	struct cov_ctx c = {requirement, p, NULL};
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, "coverage", ACT_READ) ||
	    !perm_allows(p->role, "requirements", ACT_READ))
		return ST_FORBIDDEN;
	rc = store_run(svc->store, STORE_READ, coverage_work, &c);
	if (rc == ST_OK)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}

struct cov_list_ctx {
	json_t *items;   /* requirements of the page, coverage added in place */
};

static int coverage_list_work(struct store_tx *tx, void *arg)
{
	struct cov_list_ctx *c = arg;
	size_t i;
	json_t *req;
	int rc;

	json_array_foreach(c->items, i, req) {
		json_t *cov = coverage_of(tx, req, &rc);
		if (!cov)
			return rc == ST_OK ? ST_INTERNAL : rc;
		json_object_set_new(req, "coverage", cov);
	}
	return ST_OK;
}

int svc_coverage_list(struct svc *svc, const struct principal *p, const struct svc_list *q,
		      json_t **page, struct verr *err)
{
	struct cov_list_ctx c;
	int rc;

	*page = NULL;
	if (!perm_allows(p->role, "coverage", ACT_READ))
		return ST_FORBIDDEN;
	if ((rc = svc_rec_list(svc, p, &ESPEC_REQUIREMENTS, q, page, err)) != ST_OK)
		return rc;
	c.items = json_object_get(*page, "items");
	/* The page and its sums are two reads: a change in between shows in
	 * the next read, never as an inconsistency within one requirement. */
	if ((rc = store_run(svc->store, STORE_READ, coverage_list_work, &c)) != ST_OK) {
		json_decref(*page);
		*page = NULL;
	}
	return rc;
}

/* ---- Burden sharing. -------------------------------------------------------------- */

struct burden_ctx {
	int year, half;
	char from[11], to[11];   /* the period, inclusive, as YYYY-MM-DD */
	const struct principal *p;
	struct verr *err;
	json_t *out;
};

static int in_period(const struct burden_ctx *c, const char *date)
{
	return date && strcmp(date, c->from) >= 0 && strcmp(date, c->to) <= 0;
}

/*
 * Materiel delivered, by donor nation, at catalog value: units received on
 * delivery lines whose shipment passed into Ukraine's custody (hand-over,
 * or receipt where there was none) within the period.
 */
static int delivered_by_nation(struct store_tx *tx, const struct burden_ctx *c,
			       const json_t *unit_value, json_t *delivered)
{
	struct store_query all = {NULL, 0, NULL, 10000000};
	json_t *lines = NULL, *ships = json_object(), *l;
	size_t i;
	int rc;

	if (!ships)
		return ST_INTERNAL;
	if ((rc = store_rec_list(tx, &ESPEC_LINES, &all, &lines)) != ST_OK)
		goto done;
	json_array_foreach(lines, i, l) {
		long long got = json_integer_value(json_object_get(l, "received"));
		json_t *ship = json_object_get(ships, rec_str(l, "shipment"));
		char day[11] = "";

		if (got == 0)
			continue;
		if (!ship) {
			if ((rc = store_rec_get(tx, &ESPEC_SHIPMENTS, rec_str(l, "shipment"), &ship)) != ST_OK)
				goto done;
			json_object_set_new(ships, rec_str(l, "shipment"), ship);
		}
		const char *when = rec_str(ship, "handed_over_at") ? rec_str(ship, "handed_over_at")
							       : rec_str(ship, "received_at");
		if (strcmp(rec_str(ship, "purpose"), "delivery") != 0 || !when)
			continue;
		snprintf(day, sizeof day, "%.10s", when);
		if (!in_period(c, day))
			continue;
		double value = (double)got *
			       (double)json_integer_value(json_object_get(unit_value, rec_str(l, "item")));
		json_t *sum = json_object_get(delivered, rec_str(l, "nation"));
		json_object_set_new(delivered, rec_str(l, "nation"),
				    json_real(value + (sum ? json_real_value(sum) : 0)));
	}
done:
	json_decref(lines);
	json_decref(ships);
	return rc;
}

static int burden_work(struct store_tx *tx, void *arg)
{
	struct burden_ctx *c = arg;
	struct store_query all = {NULL, 0, NULL, 10000000};
	json_t *target = NULL, *nations = NULL, *pledges = NULL, *items = NULL;
	json_t *rows = NULL, *contrib = json_object(), *unit_value = json_object();
	json_t *sources = json_object(), *delivered = json_object();
	char year[8];
	double usd_eur, target_eur, gdp_sum = 0, total = 0;
	size_t i;
	json_t *n, *pl, *it;
	int rc;

	json_decref(c->out);
	c->out = NULL;
	snprintf(year, sizeof year, "%d", c->year);
	rc = store_rec_get(tx, &ESPEC_FUNDING_TARGETS, year, &target);
	if (rc == ST_NOT_FOUND) {
		rc = verr_set(c->err, "year", "no funding target for %d; an admin sets one under "
			      "/api/v1/funding_targets", c->year);
		goto done;
	}
	if (rc != ST_OK || (rc = svc_eur_rate(tx, "USD", c->to, &usd_eur, c->err)) != ST_OK)
		goto done;
	target_eur = json_number_value(json_object_get(target, "amount_eur")) / (c->half ? 2 : 1);
	if ((rc = store_rec_list(tx, &ESPEC_NATIONS, &all, &nations)) != ST_OK ||
	    (rc = store_rec_list(tx, &ESPEC_PLEDGES, &all, &pledges)) != ST_OK ||
	    (rc = store_rec_list(tx, &ESPEC_ITEMS, &all, &items)) != ST_OK)
		goto done;
	json_array_foreach(items, i, it)
		json_object_set_new(unit_value, rec_str(it, "code"),
				    json_integer(json_integer_value(json_object_get(it, "unit_value_eur"))));
	json_array_foreach(pledges, i, pl) {
		const char *st = rec_str(pl, "status"), *kind = rec_str(pl, "kind");
		double value = 0;

		if ((strcmp(st, "committed") && strcmp(st, "delivered")) ||
		    !in_period(c, rec_str(pl, "pledged_on")))
			continue;
		if (strcmp(kind, "materiel") == 0)
			value = (double)json_integer_value(json_object_get(pl, "quantity")) *
				(double)json_integer_value(json_object_get(unit_value, rec_str(pl, "item")));
		else if (strcmp(kind, "funding") == 0)
			value = json_number_value(json_object_get(pl, "amount_eur"));
		json_t *sum = json_object_get(contrib, rec_str(pl, "nation"));
		json_object_set_new(contrib, rec_str(pl, "nation"),
				    json_real(value + (sum ? json_real_value(sum) : 0)));
		/* Cite where the counted figures come from (e.g. the Kiel Institute). */
		if (rec_str(pl, "source"))
			json_object_set_new(sources, rec_str(pl, "source"), json_true());
	}
	if ((rc = delivered_by_nation(tx, c, unit_value, delivered)) != ST_OK)
		goto done;
	json_array_foreach(nations, i, n) {
		if (strcmp(rec_str(n, "status"), "member") == 0 &&
		    json_is_true(json_object_get(n, "participates")))
			gdp_sum += json_number_value(json_object_get(n, "gdp_usd_bn"));
	}
	rows = json_array();
	json_array_foreach(nations, i, n) {
		const char *iso = rec_str(n, "iso3");
		json_t *sum = json_object_get(contrib, iso);
		double given = sum ? json_real_value(sum) : 0;
		double gdp = json_number_value(json_object_get(n, "gdp_usd_bn"));
		bool shares = strcmp(rec_str(n, "status"), "member") == 0 &&
			      json_is_true(json_object_get(n, "participates"));
		json_t *row;

		if (strcmp(rec_str(n, "status"), "recipient") == 0)
			continue;
		total += given;
		if (role_scope(c->p->role) == SCOPE_NATION && strcmp(iso, c->p->nation) != 0)
			continue;
		double share = shares && gdp_sum > 0 ? target_eur * gdp / gdp_sum : 0;
		double gdp_eur = gdp * 1e9 * usd_eur / (c->half ? 2 : 1);
		row = json_pack("{s:s, s:s, s:s, s:b, s:f, s:f}", "nation", iso, "name",
				rec_str(n, "name"), "status", rec_str(n, "status"), "has_share", shares,
				"gdp_usd_bn", gdp, "contributed_eur", given);
		json_object_set_new(row, "fair_share_eur", shares ? json_real(share) : json_null());
		json_t *got = json_object_get(delivered, iso);
		json_object_set_new(row, "delivered_eur", json_real(got ? json_real_value(got) : 0));
		json_object_set_new(row, "ratio", shares && share > 0 ? json_real(given / share)
								       : json_null());
		json_object_set_new(row, "pct_gdp", gdp_eur > 0 ? json_real(100 * given / gdp_eur)
								 : json_null());
		json_array_append_new(rows, row);
	}
	json_t *cited = json_array();
	const char *src;
	json_t *unused;
	json_object_foreach(sources, src, unused)
		json_array_append_new(cited, json_string(src));
	c->out = json_pack("{s:i, s:s?, s:s, s:s, s:f, s:f, s:f, s:f, s:o, s:o}", "year", c->year,
			   "half", c->half ? (c->half == 1 ? "H1" : "H2") : NULL, "from", c->from,
			   "to", c->to, "target_eur", target_eur, "contributed_eur", total,
			   "ratio", target_eur > 0 ? total / target_eur : 0.0,
			   "usd_eur", usd_eur, "sources", cited, "nations", rows);
	rows = NULL;
	rc = c->out ? ST_OK : ST_INTERNAL;
done:
	json_decref(target);
	json_decref(nations);
	json_decref(pledges);
	json_decref(items);
	json_decref(rows);
	json_decref(contrib);
	json_decref(unit_value);
	json_decref(sources);
	json_decref(delivered);
	return rc;
}

int svc_burden_sharing(struct svc *svc, const struct principal *p, int year, int half,
		       json_t **out, struct verr *err)
{
	struct burden_ctx c = {.year = year, .half = half, .p = p, .err = err};
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, "burden_sharing", ACT_READ))
		return ST_FORBIDDEN;
	if (year < 1990 || year > 2100)
		return verr_set(err, "year", "must be a year from 1990 to 2100");
	if (half < 0 || half > 2)
		return verr_set(err, "half", "must be H1 or H2");
	snprintf(c.from, sizeof c.from, "%04d-%s", year, half == 2 ? "07-01" : "01-01");
	snprintf(c.to, sizeof c.to, "%04d-%s", year, half == 1 ? "06-30" : "12-31");
	rc = store_run(svc->store, STORE_READ, burden_work, &c);
	if (rc == ST_OK)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}
