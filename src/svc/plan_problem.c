/*
 * plan_problem.c - the allocation optimiser's problem, built from the
 * records in one transaction (plan_build.h).
 *
 * Demands are the requirements still to meet (validated or partly met,
 * less their open allocations), supplies the materiel pledges on offer
 * (announced or committed, less theirs); items, sites and lanes come
 * whole.  Every array is in key order, compared byte by byte rather than
 * in the database's collation, so that the same records give the same
 * problem on either backend, and so the same digest.
 */
#include "plan_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNROUTABLE "unroutable: no origin"

void svc_plan_build_clear(struct plan_build *b)
{
	plan_problem_free(&b->pb);
	memset(&b->pb, 0, sizeof b->pb);
	json_decref(b->left_out);
	b->left_out = NULL;
}

/* Copy @s (NULL: "") into a code buffer; a code that does not fit would
 * silently become another code, so it stops the build instead. */
static int put(char *dst, size_t size, const char *s, struct verr *err)
{
	int n = snprintf(dst, size, "%s", s ? s : "");

	if (n >= 0 && (size_t)n < size)
		return ST_OK;
	verr_set(err, "problem", "'%s' is longer than the optimiser takes (%zu characters)", s,
		 size - 1);
	return ST_CONFLICT;
}

struct keyed {
	const char *key;
	json_t *row;
};

static int keyed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

/* @rows (taken) sorted by @field byte by byte, whatever the database's
 * collation: a new array, or NULL on OOM. */
static json_t *sorted(json_t *rows, const char *field)
{
	size_t n = json_array_size(rows), i;
	struct keyed *k = calloc(n ? n : 1, sizeof *k);
	json_t *out = json_array(), *r;

	if (!k || !out) {
		json_decref(out);
		out = NULL;
		goto done;
	}
	json_array_foreach(rows, i, r)
		k[i] = (struct keyed){rec_str(r, field) ? rec_str(r, field) : "", r};
	qsort(k, n, sizeof *k, keyed_cmp);
	for (i = 0; i < n; i++)
		json_array_append(out, k[i].row);
done:
	free(k);
	json_decref(rows);
	return out;
}

int svc_rows_sorted(struct store_tx *tx, const struct espec *e, const char *field,
		    const char *const *values, json_t **rows)
{
	json_t *all = NULL, *part = NULL;
	int rc = ST_OK;

	*rows = NULL;
	if (!field) {
		rc = svc_rows(tx, e, NULL, NULL, &all);
	} else if (!(all = json_array())) {
		rc = ST_INTERNAL;
	}
	for (const char *const *v = values; field && rc == ST_OK && *v; v++) {
		if ((rc = svc_rows(tx, e, field, *v, &part)) == ST_OK)
			json_array_extend(all, part);
		json_decref(part);
		part = NULL;
	}
	if (rc != ST_OK) {
		json_decref(all);
		return rc;
	}
	*rows = sorted(all, e->key);
	return *rows ? ST_OK : ST_INTERNAL;
}

static void add_units(json_t *map, const char *id, long long n)
{
	json_object_set_new(map, id, json_integer(json_integer_value(json_object_get(map, id)) + n));
}

/* Units in open allocations, per pledge and per requirement ({id: units}). */
static int open_units(struct store_tx *tx, json_t *by_pledge, json_t *by_req)
{
	static const char *const open[] = {"open", NULL};
	json_t *rows = NULL, *a;
	size_t i;
	int rc = svc_rows_sorted(tx, &ESPEC_ALLOCATIONS, "status", open, &rows);

	json_array_foreach(rows, i, a) {
		add_units(by_pledge, rec_str(a, "pledge"), rec_num(a, "quantity"));
		add_units(by_req, rec_str(a, "requirement"), rec_num(a, "quantity"));
	}
	json_decref(rows);
	return rc;
}

/* One requirement still to meet, for the units its open allocations do
 * not cover (none: nothing to plan). */
static int add_demand(struct plan_build *b, const json_t *r, const json_t *open)
{
	const char *id = rec_str(r, "id");
	long long left = rec_num(r, "quantity") - json_integer_value(json_object_get(open, id));
	struct plan_demand *d = &b->pb.demands[b->pb.ndemands];
	int rc;

	if (left <= 0)
		return ST_OK;
	if ((rc = put(d->id, sizeof d->id, id, b->err)) != ST_OK ||
	    (rc = put(d->item, sizeof d->item, rec_str(r, "item"), b->err)) != ST_OK ||
	    (rc = put(d->group, sizeof d->group, rec_str(r, "substitution_group"), b->err)) != ST_OK ||
	    (rc = put(d->destination, sizeof d->destination, rec_str(r, "destination"),
		      b->err)) != ST_OK ||
	    (rc = put(d->coalition, sizeof d->coalition, rec_str(r, "coalition"), b->err)) != ST_OK)
		return rc;
	d->priority = rec_str(r, "priority")[1] - '0';   /* "P1".."P4" */
	d->needed_by = plan_day(rec_str(r, "needed_by"));
	d->quantity = (double)left;
	b->pb.ndemands++;
	return ST_OK;
}

/* A pledge without an origin cannot be routed: it is named, not planned. */
static void leave_out(struct plan_build *b, const json_t *pledge, long long units)
{
	json_array_append_new(b->left_out, json_pack("{s:s, s:s, s:I, s:s}", "pledge",
						     rec_str(pledge, "id"), "item",
						     rec_str(pledge, "item"), "units",
						     (json_int_t)units, "reason", UNROUTABLE));
}

/* One pledge's materiel on offer, less its open allocations, leaving its
 * origin when it is ready and the plan has begun. */
static int add_supply(struct plan_build *b, const json_t *r, const json_t *open)
{
	const char *id = rec_str(r, "id"), *from = rec_str(r, "available_from");
	long long left = rec_num(r, "quantity") - json_integer_value(json_object_get(open, id));
	struct plan_supply *s = &b->pb.supplies[b->pb.nsupplies];
	int rc;

	if (!str_is(rec_str(r, "kind"), "materiel") || left <= 0)
		return ST_OK;
	if (!rec_str(r, "origin")) {
		leave_out(b, r, left);
		return ST_OK;
	}
	if ((rc = put(s->id, sizeof s->id, id, b->err)) != ST_OK ||
	    (rc = put(s->item, sizeof s->item, rec_str(r, "item"), b->err)) != ST_OK ||
	    (rc = put(s->origin, sizeof s->origin, rec_str(r, "origin"), b->err)) != ST_OK ||
	    (rc = put(s->only_coalition, sizeof s->only_coalition, rec_str(r, "only_coalition"),
		      b->err)) != ST_OK ||
	    (rc = put(s->barred, sizeof s->barred, rec_str(r, "barred_sites"), b->err)) != ST_OK)
		return rc;
	s->available = plan_day(from ? from : rec_str(r, "pledged_on"));
	if (s->available < b->as_of)
		s->available = b->as_of;
	s->quantity = (double)left;
	b->pb.nsupplies++;
	return ST_OK;
}

/* A nullable number of a record, or @dflt when it is null. */
static double num_or(const json_t *rec, const char *field, double dflt)
{
	const json_t *v = json_object_get(rec, field);

	return json_is_number(v) ? json_number_value(v) : dflt;
}

/* An item, its size in tonnes (what the nodes' throughput counts). */
static int add_item(struct plan_build *b, const json_t *r, const json_t *unused)
{
	struct plan_item *it = &b->pb.items[b->pb.nitems];
	int rc;

	(void)unused;
	if ((rc = put(it->code, sizeof it->code, rec_str(r, "code"), b->err)) != ST_OK ||
	    (rc = put(it->group, sizeof it->group, rec_str(r, "substitution_group"), b->err)) != ST_OK)
		return rc;
	it->size = num_or(r, "mass_kg", 0) / 1000;
	b->pb.nitems++;
	return ST_OK;
}

static int add_site(struct plan_build *b, const json_t *r, const json_t *unused)
{
	struct plan_site *s = &b->pb.sites[b->pb.nsites];
	int rc = put(s->code, sizeof s->code, rec_str(r, "code"), b->err);

	(void)unused;
	if (rc == ST_OK) {
		s->throughput = num_or(r, "throughput_t_day", -1);
		b->pb.nsites++;
	}
	return rc;
}

static int add_lane(struct plan_build *b, const json_t *r, const json_t *unused)
{
	struct plan_lane *l = &b->pb.lanes[b->pb.nlanes];
	int rc;

	(void)unused;
	if ((rc = put(l->from, sizeof l->from, rec_str(r, "from_site"), b->err)) != ST_OK ||
	    (rc = put(l->to, sizeof l->to, rec_str(r, "to_site"), b->err)) != ST_OK)
		return rc;
	l->transit_days = (int)rec_num(r, "transit_days");
	l->cost = num_or(r, "cost_eur", 0);
	l->capacity = num_or(r, "capacity", -1);
	b->pb.nlanes++;
	return ST_OK;
}

/* Room for @n entries in one of the problem's arrays (zeroed; one more,
 * so that no allocation is of zero bytes). */
#define ROOM(name, array)                                                    \
	static bool name(struct plan_build *b, size_t n)                     \
	{                                                                    \
		return (b->pb.array = calloc(n + 1, sizeof *b->pb.array)) != NULL; \
	}
ROOM(room_demands, demands)
ROOM(room_supplies, supplies)
ROOM(room_items, items)
ROOM(room_sites, sites)
ROOM(room_lanes, lanes)
#undef ROOM

/* What goes into the problem, one entry per kind of record: which records
 * (@field one of @values; NULL: all), the room they take, and how one is
 * added (with the open allocations' units by pledge or by requirement). */
static const char *const requirement_states[] = {"validated", "partially_met", NULL};
static const char *const pledge_states[] = {"announced", "committed", NULL};

enum { BY_NONE, BY_PLEDGE, BY_REQUIREMENT };

static const struct part {
	const struct espec *e;
	const char *field;
	const char *const *values;
	bool (*room)(struct plan_build *b, size_t n);
	int open;        /* which units of open allocations it subtracts */
	int (*add)(struct plan_build *b, const json_t *rec, const json_t *open);
} parts[] = {
	{&ESPEC_REQUIREMENTS, "status", requirement_states, room_demands, BY_REQUIREMENT,
	 add_demand},
	{&ESPEC_PLEDGES, "status", pledge_states, room_supplies, BY_PLEDGE, add_supply},
	{&ESPEC_ITEMS, NULL, NULL, room_items, BY_NONE, add_item},
	{&ESPEC_SITES, NULL, NULL, room_sites, BY_NONE, add_site},
	{&ESPEC_LANES, NULL, NULL, room_lanes, BY_NONE, add_lane},
};

/* Add the records of @part to @b's problem. */
static int add_part(struct store_tx *tx, struct plan_build *b, const struct part *part,
		    const json_t *open)
{
	json_t *rows = NULL, *r;
	size_t i;
	int rc = svc_rows_sorted(tx, part->e, part->field, part->values, &rows);

	if (rc == ST_OK && !part->room(b, json_array_size(rows)))
		rc = ST_INTERNAL;
	json_array_foreach(rows, i, r) {
		if (rc != ST_OK)
			break;
		rc = part->add(b, r, open);
	}
	json_decref(rows);
	return rc;
}

/* Build @b's problem inside @tx: everything in one snapshot. */
int svc_plan_build(struct store_tx *tx, struct plan_build *b)
{
	json_t *open[3] = {NULL, json_object(), json_object()};
	int rc = open[BY_PLEDGE] && open[BY_REQUIREMENT] ? ST_OK : ST_INTERNAL;

	svc_plan_build_clear(b);
	b->pb.as_of = b->as_of;
	if (rc == ST_OK && !(b->left_out = json_array()))
		rc = ST_INTERNAL;
	if (rc == ST_OK)
		rc = open_units(tx, open[BY_PLEDGE], open[BY_REQUIREMENT]);
	for (size_t i = 0; rc == ST_OK && i < sizeof parts / sizeof *parts; i++)
		rc = add_part(tx, b, &parts[i], open[parts[i].open]);
	json_decref(open[BY_PLEDGE]);
	json_decref(open[BY_REQUIREMENT]);
	return rc;
}

int svc_plan_dump(json_t *j, char **text, char digest[STORE_HASH_HEX])
{
	*text = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	if (!*text)
		return ST_INTERNAL;
	svc_hash_hex(*text, strlen(*text), digest);
	return ST_OK;
}

int svc_plan_inputs_digest(struct store_tx *tx, const char *as_of,
			   char digest[STORE_HASH_HEX], struct verr *err)
{
	struct plan_build b = {.as_of = plan_day(as_of), .err = err};
	char *text = NULL;
	int rc = svc_plan_build(tx, &b);

	if (rc == ST_OK)
		rc = svc_plan_dump(plan_problem_to_json(&b.pb), &text, digest);
	free(text);
	svc_plan_build_clear(&b);
	return rc;
}

