/*
 * donations.c - the rules of requirements, pledges and allocations.
 *
 * The invariants, all enforced inside the writing transaction:
 *  - a pledge is never allocated beyond its quantity, nor a requirement
 *    beyond what it asks for;
 *  - an allocation's item is the requirement's item, or a member of the
 *    requirement's substitution group;
 *  - only materiel pledges that are announced or committed are allocated,
 *    and only to validated (or partially met) requirements;
 *  - a withdrawn pledge releases its open allocations, and the requirements
 *    they covered are open again; a cancelled requirement releases its own;
 *  - a requirement's validated / partially_met / met status always follows
 *    from its open allocations.
 * SQLite's single writer and PostgreSQL's serializable writers (queued on
 * the audit head) make these checks race-free.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* ---- Sums over open allocations. ------------------------------------------- */

struct sum_ctx {
	size_t qty_field;
	long long sum;
};

static int add_quantity(const struct espec *e, const struct store_value *row, void *arg)
{
	struct sum_ctx *c = arg;

	(void)e;
	c->sum += row[c->qty_field].i;
	return 0;
}

/* The quantity of open allocations whose @field is @key. */
int svc_allocated(struct store_tx *tx, const char *field, const char *key, long long *sum)
{
	const struct espec *e = &ESPEC_ALLOCATIONS;
	json_t *k = json_string(key), *open = json_string("open");
	struct store_filter f[2] = {{espec_field(e, field), k, false},
				    {espec_field(e, "status"), open, false}};
	struct store_query q = {f, 2, NULL, 10000000};
	struct sum_ctx c = {(size_t)(espec_field(e, "quantity") - e->fields), 0};
	int rc = k && open ? store_rec_scan(tx, e, &q, add_quantity, &c) : ST_INTERNAL;

	json_decref(k);
	json_decref(open);
	*sum = c.sum;
	return rc;
}

/* Bring a requirement's status in line with its open allocations. */
static int refresh_requirement(struct store_tx *tx, const struct principal *p, const char *id)
{
	json_t *req = NULL;
	long long allocated;
	int rc;

	if ((rc = store_rec_get(tx, &ESPEC_REQUIREMENTS, id, &req)) != ST_OK)
		return rc;
	const char *status = rec_str(req, "status");
	long long want = json_integer_value(json_object_get(req, "quantity"));
	char now[32];
	snprintf(now, sizeof now, "%s", status ? status : "");
	json_decref(req);
	if (strcmp(now, "validated") && strcmp(now, "partially_met") && strcmp(now, "met"))
		return ST_OK;
	if ((rc = svc_allocated(tx, "requirement", id, &allocated)) != ST_OK)
		return rc;
	const char *should = allocated == 0 ? "validated"
			     : allocated < want ? "partially_met" : "met";
	if (strcmp(should, now) == 0)
		return ST_OK;
	return svc_set_status(tx, p, &ESPEC_REQUIREMENTS, id, should, NULL, "transition");
}

/* ---- Requirements. --------------------------------------------------------- */

static int nation_status(struct store_tx *tx, const char *iso3, char out[16])
{
	json_t *n = NULL;
	int rc = store_rec_get(tx, &ESPEC_NATIONS, iso3, &n);

	if (rc == ST_OK)
		snprintf(out, 16, "%s", rec_str(n, "status"));
	json_decref(n);
	return rc;
}

static int requirement_create(struct store_tx *tx, const struct principal *p, json_t *rec,
			      struct verr *err)
{
	char status[16];
	int rc = nation_status(tx, rec_str(rec, "nation"), status);

	(void)p;
	if (rc != ST_OK)
		return rc;
	if (strcmp(status, "recipient") != 0)
		return verr_set(err, "nation", "must be a recipient nation");
	json_object_set_new(rec, "status", json_string("draft"));
	json_object_set_new(rec, "status_reason", json_null());
	return ST_OK;
}

static int requirement_update(struct store_tx *tx, const struct principal *p,
			      const json_t *cur, json_t *next, struct verr *err)
{
	(void)p;
	if (strcmp(rec_str(cur, "status"), "draft") != 0) {
		verr_set(err, "status", "only a draft requirement can be changed; this one is %s",
			 rec_str(cur, "status"));
		return ST_CONFLICT;
	}
	return requirement_create(tx, p, next, err);
}

/* ---- Pledges. --------------------------------------------------------------- */

struct rate_ctx {
	const char *date;
	char best_from[16];
	double rate;
	size_t from_field, rate_field;
};

static int pick_rate(const struct espec *e, const struct store_value *row, void *arg)
{
	struct rate_ctx *c = arg;
	const struct store_value *from = &row[c->from_field];
	char d[16];

	(void)e;
	snprintf(d, sizeof d, "%.*s", (int)from->len, from->s);
	if (strcmp(d, c->date) <= 0 && strcmp(d, c->best_from) > 0) {
		memcpy(c->best_from, d, sizeof d);
		c->rate = row[c->rate_field].d;
	}
	return 0;
}

int svc_eur_rate(struct store_tx *tx, const char *currency, const char *date, double *rate,
		 struct verr *err)
{
	const struct espec *e = &ESPEC_EXCHANGE_RATES;
	struct rate_ctx c = {date, "", 0, (size_t)(espec_field(e, "valid_from") - e->fields),
			     (size_t)(espec_field(e, "eur_per_unit") - e->fields)};
	json_t *cur;
	int rc;

	if (strcmp(currency, "EUR") == 0) {
		*rate = 1;
		return ST_OK;
	}
	cur = json_string(currency);
	struct store_filter f = {espec_field(e, "currency"), cur, false};
	struct store_query q = {&f, 1, NULL, 100000};
	rc = store_rec_scan(tx, e, &q, pick_rate, &c);
	json_decref(cur);
	if (rc != ST_OK)
		return rc;
	if (!c.best_from[0])
		return verr_set(err, "currency", "no exchange rate for %s on or before %s; "
				"an admin adds one under /api/v1/exchange_rates", currency, date);
	*rate = c.rate;
	return ST_OK;
}

static int pledge_fill(struct store_tx *tx, json_t *rec, struct verr *err)
{
	char status[16];
	const char *kind = rec_str(rec, "kind");
	int rc = nation_status(tx, rec_str(rec, "nation"), status);

	if (rc != ST_OK)
		return rc;
	if (strcmp(status, "recipient") == 0)
		return verr_set(err, "nation", "must be a donor nation");
	if (strcmp(kind, "funding") == 0) {
		double rate;
		if ((rc = svc_eur_rate(tx, rec_str(rec, "currency"), rec_str(rec, "pledged_on"), &rate,
				       err)) != ST_OK)
			return rc;
		double eur = json_number_value(json_object_get(rec, "amount")) * rate;
		json_object_set_new(rec, "amount_eur", json_real((double)(long long)(eur * 100 + 0.5) / 100));
	} else {
		json_object_set_new(rec, "amount_eur", json_null());
	}
	if (strcmp(kind, "repair_capacity") == 0) {
		json_t *site = NULL;
		if ((rc = store_rec_get(tx, &ESPEC_SITES, rec_str(rec, "facility"), &site)) != ST_OK)
			return rc;
		bool repair = strcmp(rec_str(site, "kind"), "repair_facility") == 0;
		json_decref(site);
		if (!repair)
			return verr_set(err, "facility", "must be a repair facility");
	}
	return ST_OK;
}

static int pledge_create(struct store_tx *tx, const struct principal *p, json_t *rec,
			 struct verr *err)
{
	(void)p;
	json_object_set_new(rec, "status", json_string("announced"));
	json_object_set_new(rec, "status_reason", json_null());
	return pledge_fill(tx, rec, err);
}

static int pledge_update(struct store_tx *tx, const struct principal *p, const json_t *cur,
			 json_t *next, struct verr *err)
{
	long long allocated;
	int rc;

	(void)p;
	if (strcmp(rec_str(cur, "status"), "announced") != 0) {
		verr_set(err, "status", "only an announced pledge can be changed; this one is %s",
			 rec_str(cur, "status"));
		return ST_CONFLICT;
	}
	if ((rc = pledge_fill(tx, next, err)) != ST_OK)
		return rc;
	if ((rc = svc_allocated(tx, "pledge", rec_str(cur, "id"), &allocated)) != ST_OK)
		return rc;
	if (allocated > 0 && (strcmp(rec_str(next, "kind"), "materiel") != 0 ||
			      json_integer_value(json_object_get(next, "quantity")) < allocated ||
			      strcmp(rec_str(next, "item"), rec_str(cur, "item")) != 0)) {
		verr_set(err, "quantity", "%lld units are allocated; the pledge cannot drop below "
			 "that or change its item", allocated);
		return ST_CONFLICT;
	}
	return ST_OK;
}

struct release_ctx {
	size_t id_field, req_field;
	json_t *ids, *reqs;
};

static int collect(const struct espec *e, const struct store_value *row, void *arg)
{
	struct release_ctx *c = arg;

	(void)e;
	json_array_append_new(c->ids, json_stringn(row[c->id_field].s, row[c->id_field].len));
	json_array_append_new(c->reqs, json_stringn(row[c->req_field].s, row[c->req_field].len));
	return 0;
}

/* Release the open allocations whose @field is @key, and bring the
 * requirements they covered up to date. */
static int release_allocations(struct store_tx *tx, const struct principal *p,
			       const char *field, const char *key_value)
{
	const struct espec *e = &ESPEC_ALLOCATIONS;
	struct release_ctx c = {(size_t)(espec_field(e, "id") - e->fields),
				(size_t)(espec_field(e, "requirement") - e->fields),
				json_array(), json_array()};
	json_t *key = json_string(key_value), *open = json_string("open"), *v;
	struct store_filter f[2] = {{espec_field(e, field), key, false},
				    {espec_field(e, "status"), open, false}};
	struct store_query q = {f, 2, NULL, 10000000};
	size_t i;
	int rc;

	if (!c.ids || !c.reqs || !key || !open) {
		rc = ST_INTERNAL;
		goto done;
	}
	if ((rc = store_rec_scan(tx, e, &q, collect, &c)) != ST_OK)
		goto done;
	json_array_foreach(c.ids, i, v) {
		if ((rc = svc_set_status(tx, p, e, json_string_value(v), "released",
					 NULL, "release")) != ST_OK)
			goto done;
	}
	json_array_foreach(c.reqs, i, v) {
		if ((rc = refresh_requirement(tx, p, json_string_value(v))) != ST_OK)
			goto done;
	}
done:
	json_decref(key);
	json_decref(open);
	json_decref(c.ids);
	json_decref(c.reqs);
	return rc;
}

/* ---- Allocations. ------------------------------------------------------------ */

/* The substitution group of @item, into @out ("" when none). */
static int item_group(struct store_tx *tx, const char *item, char out[32])
{
	json_t *it = NULL;
	int rc = store_rec_get(tx, &ESPEC_ITEMS, item, &it);

	if (rc == ST_OK)
		snprintf(out, 32, "%s", rec_str(it, "substitution_group") ? rec_str(it, "substitution_group") : "");
	json_decref(it);
	return rc;
}

static int allocation_create(struct store_tx *tx, const struct principal *p, json_t *rec,
			     struct verr *err)
{
	json_t *pledge = NULL, *req = NULL;
	long long q = json_integer_value(json_object_get(rec, "quantity")), pledged, wanted, used;
	char group[32];
	int rc;

	(void)p;
	json_object_set_new(rec, "status", json_string("open"));
	if ((rc = store_rec_get(tx, &ESPEC_PLEDGES, rec_str(rec, "pledge"), &pledge)) != ST_OK ||
	    (rc = store_rec_get(tx, &ESPEC_REQUIREMENTS, rec_str(rec, "requirement"), &req)) != ST_OK)
		goto done;
	if (strcmp(rec_str(pledge, "kind"), "materiel") != 0) {
		rc = verr_set(err, "pledge", "is a %s pledge; only materiel is allocated",
			      rec_str(pledge, "kind"));
		goto done;
	}
	if (strcmp(rec_str(pledge, "status"), "announced") && strcmp(rec_str(pledge, "status"), "committed")) {
		verr_set(err, "pledge", "is %s; only announced or committed pledges are allocated",
			 rec_str(pledge, "status"));
		rc = ST_CONFLICT;
		goto done;
	}
	if (strcmp(rec_str(req, "status"), "validated") && strcmp(rec_str(req, "status"), "partially_met")) {
		verr_set(err, "requirement", "is %s; only validated requirements are allocated to",
			 rec_str(req, "status"));
		rc = ST_CONFLICT;
		goto done;
	}
	const char *item = rec_str(pledge, "item");
	if (rec_str(req, "item")) {
		if (strcmp(rec_str(req, "item"), item) != 0) {
			rc = verr_set(err, "pledge", "offers %s; the requirement asks for %s",
				      item, rec_str(req, "item"));
			goto done;
		}
	} else {
		if ((rc = item_group(tx, item, group)) != ST_OK)
			goto done;
		if (strcmp(group, rec_str(req, "substitution_group")) != 0) {
			rc = verr_set(err, "pledge", "offers %s, which is not in group %s", item,
				      rec_str(req, "substitution_group"));
			goto done;
		}
	}
	pledged = json_integer_value(json_object_get(pledge, "quantity"));
	if ((rc = svc_allocated(tx, "pledge", rec_str(pledge, "id"), &used)) != ST_OK)
		goto done;
	if (used + q > pledged) {
		verr_set(err, "quantity", "the pledge has %lld of %lld units left", pledged - used,
			 pledged);
		rc = ST_CONFLICT;
		goto done;
	}
	wanted = json_integer_value(json_object_get(req, "quantity"));
	if ((rc = svc_allocated(tx, "requirement", rec_str(req, "id"), &used)) != ST_OK)
		goto done;
	if (used + q > wanted) {
		verr_set(err, "quantity", "the requirement needs %lld more of %lld units",
			 wanted - used, wanted);
		rc = ST_CONFLICT;
		goto done;
	}
done:
	json_decref(pledge);
	json_decref(req);
	return rc;
}

/* Units already dispatched on shipment lines drawn on the open allocations
 * whose @field is @key: those cannot be released any more. */
static int shipped_on(struct store_tx *tx, const char *field, const char *key, long long *units)
{
	json_t *k = json_string(key), *open = json_string("open"), *allocs = NULL, *a;
	struct store_filter f[2] = {{espec_field(&ESPEC_ALLOCATIONS, field), k, false},
				    {espec_field(&ESPEC_ALLOCATIONS, "status"), open, false}};
	struct store_query q = {f, 2, NULL, 10000000};
	size_t i, j;
	int rc = k && open ? store_rec_list(tx, &ESPEC_ALLOCATIONS, &q, &allocs) : ST_INTERNAL;

	*units = 0;
	json_array_foreach(allocs, i, a) {
		json_t *id = json_string(rec_str(a, "id")), *lines = NULL, *l;
		struct store_filter lf = {espec_field(&ESPEC_LINES, "allocation"), id, false};
		struct store_query lq = {&lf, 1, NULL, 10000000};
		if (rc == ST_OK)
			rc = id ? store_rec_list(tx, &ESPEC_LINES, &lq, &lines) : ST_INTERNAL;
		json_array_foreach(lines, j, l)
			*units += json_integer_value(json_object_get(l, "dispatched"));
		json_decref(lines);
		json_decref(id);
	}
	json_decref(allocs);
	json_decref(k);
	json_decref(open);
	return rc;
}

/* Release what is not on its way yet; refuse when units already left. */
static int release_unshipped(struct store_tx *tx, const struct principal *p, const char *field,
			     const json_t *rec, struct verr *err)
{
	long long units;
	int rc = shipped_on(tx, field, rec_str(rec, "id"), &units);

	if (rc != ST_OK)
		return rc;
	if (units > 0) {
		verr_set(err, "to", "%lld units of its allocations are already shipped; record "
			 "their custody events (or a discrepancy) instead", units);
		return ST_CONFLICT;
	}
	return release_allocations(tx, p, field, rec_str(rec, "id"));
}

/* A withdrawn pledge releases its open allocations; coverage reopens. */
static int pledge_after_transition(struct store_tx *tx, const struct principal *p,
				   const json_t *rec, const char *from, const char *to,
				   struct verr *err)
{
	(void)from;
	return strcmp(to, "withdrawn") == 0 ? release_unshipped(tx, p, "pledge", rec, err) : ST_OK;
}

/* A cancelled requirement gives its allocated units back to the pledges. */
static int requirement_after_transition(struct store_tx *tx, const struct principal *p,
					const json_t *rec, const char *from, const char *to,
					struct verr *err)
{
	(void)from;
	return strcmp(to, "cancelled") == 0 ? release_unshipped(tx, p, "requirement", rec, err)
					    : ST_OK;
}

static int allocation_after_create(struct store_tx *tx, const struct principal *p,
				   const json_t *rec)
{
	return refresh_requirement(tx, p, rec_str(rec, "requirement"));
}

static const struct svc_rules rules[] = {
	{&ESPEC_REQUIREMENTS, requirement_create, requirement_update, NULL, REQUIREMENT_FLOW,
	 requirement_after_transition, NULL},
	{&ESPEC_PLEDGES, pledge_create, pledge_update, NULL, PLEDGE_FLOW, pledge_after_transition, NULL},
	{&ESPEC_ALLOCATIONS, allocation_create, NULL, allocation_after_create, NULL, NULL, NULL},
};

const struct svc_rules *svc_rules_for(const struct espec *e)
{
	static const struct svc_rules *const more[] = {&SVC_PROPOSAL_RULES, &SVC_POSITION_RULES};

	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
		if (rules[i].e == e)
			return &rules[i];
	}
	for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
		if (more[i]->e == e)
			return more[i];
	}
	for (const struct svc_rules *r = SVC_TRANSFER_RULES; r->e; r++) {
		if (r->e == e)
			return r;
	}
	for (const struct svc_rules *r = SVC_TRAINING_RULES; r->e; r++) {
		if (r->e == e)
			return r;
	}
	for (const struct svc_rules *r = SVC_PLAN_RULES; r->e; r++) {
		if (r->e == e)
			return r;
	}
	for (const struct svc_rules *r = SVC_FORCE_RULES; r->e; r++) {
		if (r->e == e)
			return r;
	}
	return NULL;
}
