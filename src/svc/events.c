/*
 * events.c - custody events in: one at a time or in batches of up to
 * 10 000 from scanners, all-or-nothing, replay-safe.
 *
 * A batch runs in one write transaction.  Each event is checked and
 * applied in order, against the state the events before it leave (so a
 * batch may dispatch a shipment and receive it); every failure is noted
 * with its index, and if there is any, the transaction rolls back and the
 * caller gets the whole list.  Event ids are the client's: the same id
 * with the same content is a replay and changes nothing; with other content
 * it is an error.
 *
 * The audit trail gets one record per batch, carrying the number of new
 * events, the first and last id and a BLAKE2b digest over the stored
 * events; the events themselves are append-only and never change.  The
 * derived records they update (shipments, legs, lines, assets) are written
 * once per batch (custody.c).
 *
 * A correction is an event naming the one it corrects ("corrects"): the
 * shipment (and its assets) is then worked out again from its events,
 * leaving the corrected one out.
 */
#include "custody.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ERRORS 1000
#define FUTURE_SLACK_MS (5 * 60 * 1000)  /* clocks of scanners drift */

enum { UNCHECKED, CHECKED, REFUSED };  /* what check_event said of an event */

struct ingest {
	const struct principal *p;
	json_t *events;
	char now[32], horizon[32];
	json_t *who, *when, *one;  /* recorded_by, recorded_at, version: shared */
	/* What check_event said of each event, before the transaction. */
	unsigned char *state;      /* UNCHECKED, CHECKED or REFUSED */
	json_t *early;             /* check_event's refusals, in index order */
	size_t early_failed;
	int early_status;
	/* Outputs of one attempt of the transaction. */
	json_t *errors, *last;
	size_t failed, recorded, duplicates;
	int first_status;
};

/* Add event @index's failure to @errors (at most MAX_ERRORS listed). */
static void note(json_t *errors, size_t index, const json_t *ev, const struct verr *err)
{
	const char *id = json_is_object(ev) ? rec_str(ev, "id") : NULL;

	if (json_array_size(errors) >= MAX_ERRORS)
		return;
	json_array_append_new(errors,
			      json_pack("{s:I,s:s?,s:s,s:s}", "index", (json_int_t)index, "id", id,
					"field", err->field, "reason", err->reason));
}

/* The two lists of errors, each in index order, as one (new array). */
static json_t *merge_errors(const json_t *a, const json_t *b)
{
	json_t *out = json_array();
	size_t i = 0, j = 0;

	while (out && json_array_size(out) < MAX_ERRORS &&
	       (i < json_array_size(a) || j < json_array_size(b))) {
		const json_t *x = json_array_get(a, i), *y = json_array_get(b, j);
		bool take_a = x && (!y || json_integer_value(json_object_get(x, "index")) <
						  json_integer_value(json_object_get(y, "index")));
		json_array_append(out, (json_t *)(take_a ? x : y));
		take_a ? i++ : j++;
	}
	return out;
}

/* ---- Checking one event. --------------------------------------------------------- */

/* Normalise @ev in place: lower-case ids, times with milliseconds. */
static void normalise(json_t *ev)
{
	static const char *const ids[] = {"id", "corrects"};
	const char *at = rec_str(ev, "at");

	for (size_t k = 0; k < sizeof ids / sizeof *ids; k++) {
		const char *id = rec_str(ev, ids[k]);
		bool upper = false;
		if (!id || strlen(id) != 36)
			continue;
		for (size_t i = 0; i < 36; i++)
			upper |= id[i] >= 'A' && id[i] <= 'F';
		if (!upper)
			continue;
		char low[37];
		for (size_t i = 0; i <= 36; i++)
			low[i] = (char)tolower((unsigned char)id[i]);
		json_object_set_new(ev, ids[k], json_string(low));
	}
	if (at && strlen(at) == 20 && at[19] == 'Z') {
		char ms[25];
		snprintf(ms, sizeof ms, "%.19s.000Z", at);
		json_object_set_new(ev, "at", json_string(ms));
	}
}

/* What can be checked of @ev without the database, once per batch (not
 * per attempt of its transaction): shape, fields, the time.  Normalises
 * @ev in place. */
static int check_event(const struct ingest *g, json_t *ev, struct verr *err)
{
	const char *why, *field = NULL;
	int rc;

	if (!json_is_object(ev))
		return verr_set(err, "", "an event must be a JSON object");
	normalise(ev);
	if ((rc = espec_validate(&ESPEC_EVENTS, ev, VM_CREATE_SPARSE, err)) != ST_OK)
		return rc;
	if ((why = ESPEC_EVENTS.check(ev, &field)))
		return verr_set(err, field, "%s", why);
	if (strcmp(rec_str(ev, "at"), g->horizon) > 0)
		return verr_set(err, "at", "is in the future (the server's time is %s)", g->now);
	if (str_is(rec_str(ev, "corrects"), rec_str(ev, "id")))
		return verr_set(err, "corrects", "an event cannot correct itself");
	return ST_OK;
}

/* The references of the checked event @rec, who may record it, and what
 * the server adds (nation, recorded_by, recorded_at, version). */
static int prepare(struct ingest *g, struct custody *cu, json_t *rec, struct verr *err)
{
	json_t *site, *ship = NULL, *asset = NULL;
	int rc;

	if ((rc = custody_site(cu, rec_str(rec, "site"), &site)) != ST_OK)
		return rc == ST_NOT_FOUND ? verr_set(err, "site", "no site %s", rec_str(rec, "site")) : rc;
	if (rec_str(rec, "shipment") && (rc = custody_shipment(cu, rec_str(rec, "shipment"), &ship)) != ST_OK)
		return rc == ST_NOT_FOUND ? verr_set(err, "shipment", "no shipment %s",
						     rec_str(rec, "shipment"))
					  : rc;
	if (rec_str(rec, "serial") &&
	    (rc = custody_asset(cu, rec_str(rec, "item"), rec_str(rec, "serial"), &asset)) != ST_OK)
		return rc == ST_NOT_FOUND ? verr_set(err, "serial", "no asset %s of item %s",
						     rec_str(rec, "serial"), rec_str(rec, "item"))
					  : rc;
	json_t *nation = json_object_get(ship ? ship : asset ? asset : site, "nation");
	/* Shared values: set, not copied (the same on every attempt). */
	if (json_object_set(rec, "nation", nation))
		return ST_INTERNAL;
	if ((rc = svc_event_scope(g->p, rec, site, err)) != ST_OK)
		return rc;
	if (json_object_set(rec, "recorded_by", g->who) || json_object_set(rec, "recorded_at", g->when) ||
	    json_object_set(rec, "version", g->one))
		return ST_INTERNAL;
	return ST_OK;
}

/* The fields a replay must repeat exactly. */
static bool same_event(const json_t *a, const json_t *b)
{
	for (size_t i = 0; i < ESPEC_EVENTS.nfields; i++) {
		const struct fspec *f = &ESPEC_EVENTS.fields[i];
		if (f->flags & FS_READONLY)
			continue;
		json_t *x = json_object_get(a, f->name), *y = json_object_get(b, f->name);
		bool xnull = !x || json_is_null(x), ynull = !y || json_is_null(y);
		if (xnull != ynull || (!xnull && !json_equal(x, y)))
			return false;
	}
	return true;
}

/* Store @rec; *@dup when it is a replay of a stored event. */
static int store_event(struct store_tx *tx, json_t *rec, bool *dup, json_t **stored,
		       struct verr *err)
{
	json_t *have = NULL;
	int rc = store_rec_insert(tx, &ESPEC_EVENTS, rec);

	*dup = false;
	*stored = rec;
	if (rc != ST_CONFLICT)
		return rc;
	if ((rc = store_rec_get(tx, &ESPEC_EVENTS, rec_str(rec, "id"), &have)) != ST_OK)
		return rc;
	if (!same_event(have, rec)) {
		verr_set(err, "id", "%s is already recorded with other content (recorded by %s "
			 "at %s)", rec_str(rec, "id"), rec_str(have, "recorded_by"), rec_str(have, "recorded_at"));
		json_decref(have);
		return ST_CONFLICT;
	}
	*dup = true;
	*stored = have;
	return ST_OK;
}

/* ---- Corrections. -------------------------------------------------------------------- */

/* The event @rec corrects must exist, be about the same shipment and not
 * be corrected already. */
static int check_correction(struct store_tx *tx, const json_t *rec, struct verr *err)
{
	const char *target = rec_str(rec, "corrects");
	json_t *old = NULL, *rows = NULL, *v = json_string(target), *r;
	struct store_filter f = {espec_field(&ESPEC_EVENTS, "corrects"), v, false};
	struct store_query q = {&f, 1, NULL, 10};
	size_t i;
	int rc;

	if ((rc = store_rec_get(tx, &ESPEC_EVENTS, target, &old)) != ST_OK) {
		if (rc == ST_NOT_FOUND)
			rc = verr_set(err, "corrects", "no event %s", target);
		goto done;
	}
	if (!str_is(rec_str(old, "shipment"), rec_str(rec, "shipment")) &&
	    (rec_str(old, "shipment") || rec_str(rec, "shipment"))) {
		rc = verr_set(err, "corrects", "%s is about shipment %s; a correction stays with it",
			      target, rec_str(old, "shipment") ? rec_str(old, "shipment") : "none");
		goto done;
	}
	if (!rec_str(rec, "shipment") && (!str_is(rec_str(old, "serial"), rec_str(rec, "serial")) ||
				      !str_is(rec_str(old, "item"), rec_str(rec, "item")))) {
		rc = verr_set(err, "corrects", "%s is about another asset", target);
		goto done;
	}
	if ((rc = store_rec_list(tx, &ESPEC_EVENTS, &q, &rows)) != ST_OK)
		goto done;
	json_array_foreach(rows, i, r) {
		if (!str_is(rec_str(r, "id"), rec_str(rec, "id"))) {
			verr_set(err, "corrects", "%s is already corrected by %s; correct that one",
				 target, rec_str(r, "id"));
			rc = ST_CONFLICT;
			goto done;
		}
	}
done:
	json_decref(old);
	json_decref(rows);
	json_decref(v);
	return rc;
}

static int by_time(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int d = strcmp(rec_str(x, "at"), rec_str(y, "at"));

	return d ? d : strcmp(rec_str(x, "id"), rec_str(y, "id"));
}

/* Append to @all the events whose @field is @value. */
static int gather(struct store_tx *tx, const char *field, const char *value,
		  const char *field2, const char *value2, json_t *all)
{
	json_t *a = json_string(value), *b = value2 ? json_string(value2) : NULL, *rows = NULL;
	struct store_filter f[2] = {{espec_field(&ESPEC_EVENTS, field), a, false},
				    {value2 ? espec_field(&ESPEC_EVENTS, field2) : NULL, b, false}};
	struct store_query q = {f, value2 ? 2 : 1, NULL, 100000000};
	int rc = store_rec_list(tx, &ESPEC_EVENTS, &q, &rows);

	if (rc == ST_OK && json_array_extend(all, rows) != 0)
		rc = ST_INTERNAL;
	json_decref(a);
	json_decref(b);
	json_decref(rows);
	return rc;
}

static void reset_asset(json_t *a, const char *status, const char *where, bool clear_dates)
{
	static const char *const dates[] = {"handed_over_at", "last_inventory_at",
					    "inventory_due", "lost_at", "loss_reported_at",
					    "last_event_at"};
	json_object_set_new(a, "status", json_string(status));
	json_object_set_new(a, "location", where ? json_string(where) : json_null());
	for (size_t i = 0; clear_dates && i < sizeof dates / sizeof *dates; i++)
		json_object_set_new(a, dates[i], json_null());
}

/* Put shipment @ship, its legs, lines and assets back to before its first
 * event, and collect every event that acts on them into @all. */
static int reset_shipment(struct custody *cu, json_t *ship, json_t *all)
{
	static const char *const counters[] = {"dispatched", "received", "in_transit", "short",
					       "lost", "over", "damaged", "wrong_item"};
	static const char *const times[] = {"dispatched_at", "handed_over_at", "received_at",
					    "last_event_at"};
	json_t *lines, *legs, *assets, *r, *mine = json_array();
	bool delivery = str_is(rec_str(ship, "purpose"), "delivery");
	size_t i;
	int rc;

	if (!mine)
		return ST_INTERNAL;
	if ((rc = custody_lines_of(cu, ship, &lines)) != ST_OK ||
	    (rc = custody_legs_of(cu, ship, &legs)) != ST_OK ||
	    (rc = custody_assets_of(cu, ship, &assets)) != ST_OK)
		goto done;
	json_object_set_new(ship, "status", json_string("planned"));
	json_object_set_new(ship, "location", json_string(rec_str(ship, "origin")));
	for (size_t k = 0; k < sizeof times / sizeof *times; k++)
		json_object_set_new(ship, times[k], json_null());
	json_array_foreach(lines, i, r) {
		for (size_t k = 0; k < sizeof counters / sizeof *counters; k++)
			json_object_set_new(r, counters[k], json_integer(0));
		json_object_set_new(r, "status", json_string("open"));
		if ((rc = custody_touch(cu, &ESPEC_LINES, r)) != ST_OK)
			goto done;
	}
	json_array_foreach(legs, i, r) {
		json_object_set_new(r, "departed_at", json_null());
		json_object_set_new(r, "arrived_at", json_null());
		if ((rc = custody_touch(cu, &ESPEC_LEGS, r)) != ST_OK)
			goto done;
	}
	if ((rc = gather(cu->tx, "shipment", rec_str(ship, "id"), NULL, NULL, all)) != ST_OK)
		goto done;
	json_array_foreach(assets, i, r) {
		reset_asset(r, str_is(rec_str(ship, "purpose"), "to_repair") ? "damaged" : "in_stock",
			    rec_str(ship, "origin"), delivery);
		if ((rc = custody_touch(cu, &ESPEC_ASSETS, r)) != ST_OK ||
		    (rc = gather(cu->tx, "item", rec_str(r, "item"), "serial", rec_str(r, "serial"),
				 mine)) != ST_OK)
			goto done;
	}
	/* An asset's own events on other (earlier) shipments stay as they are. */
	json_array_foreach(mine, i, r) {
		if ((!rec_str(r, "shipment") || str_is(rec_str(r, "shipment"), rec_str(ship, "id"))) &&
		    json_array_append(all, r) != 0) {
			rc = ST_INTERNAL;
			goto done;
		}
	}
	rc = custody_touch(cu, &ESPEC_SHIPMENTS, ship);
done:
	json_decref(mine);
	return rc;
}

/*
 * Work out the shipment of @rec (or, for an event outside shipments, its
 * asset) again from the events, leaving out every corrected one.
 */
static int rebuild(struct custody *cu, const json_t *rec, struct verr *err)
{
	json_t *all = json_array(), *corrected = json_object(), *ship = NULL, *asset = NULL, *e;
	const char *ship_id = rec_str(rec, "shipment");
	size_t i, n;
	int rc = ST_OK;

	if (!all || !corrected) {
		rc = ST_INTERNAL;
		goto done;
	}
	if (!ship_id && (rc = custody_asset(cu, rec_str(rec, "item"), rec_str(rec, "serial"), &asset)) != ST_OK)
		goto done;
	if (!ship_id)
		ship_id = rec_str(asset, "shipment");
	if (ship_id) {
		if ((rc = custody_shipment(cu, ship_id, &ship)) != ST_OK ||
		    (rc = reset_shipment(cu, ship, all)) != ST_OK)
			goto done;
	} else {
		reset_asset(asset, "in_stock", rec_str(asset, "location"), true);
		if ((rc = gather(cu->tx, "item", rec_str(asset, "item"), "serial", rec_str(asset, "serial"),
				 all)) != ST_OK)
			goto done;
	}
	json_array_foreach(all, i, e) {
		if (rec_str(e, "corrects"))
			json_object_set_new(corrected, rec_str(e, "corrects"), json_true());
	}
	/* Sort, then drop repeats (a serial event of the shipment is gathered
	 * twice) and the corrected. */
	n = json_array_size(all);
	json_t **v = malloc((n ? n : 1) * sizeof *v);
	if (!v) {
		rc = ST_INTERNAL;
		goto done;
	}
	for (i = 0; i < n; i++)
		v[i] = json_array_get(all, i);
	qsort(v, n, sizeof *v, by_time);
	for (i = 0; i < n && rc == ST_OK; i++) {
		if ((i && str_is(rec_str(v[i], "id"), rec_str(v[i - 1], "id"))) ||
		    json_object_get(corrected, rec_str(v[i], "id")))
			continue;
		struct verr why = {.field = ""};
		if ((rc = custody_apply(cu, v[i], &why)) != ST_OK)
			verr_set(err, "corrects", "with the correction, event %s no longer fits: "
				 "%s %s", rec_str(v[i], "id"), why.field, why.reason);
	}
	free(v);
done:
	json_decref(all);
	json_decref(corrected);
	return rc == ST_INVALID ? ST_CONFLICT : rc;
}

/* ---- The batch. ---------------------------------------------------------------------- */

/* Feed every field of a stored event, in spec order, to the batch digest:
 * each as its text (numbers and booleans in decimal), NUL-terminated, so
 * that no two different events hash alike. */
static void digest_add(crypto_generichash_state *h, const json_t *rec)
{
	char buf[4096];
	size_t used = 0;

	for (size_t i = 0; i < ESPEC_EVENTS.nfields; i++) {
		const json_t *v = json_object_get(rec, ESPEC_EVENTS.fields[i].name);
		char num[24];
		const char *text = num;

		if (json_is_string(v)) {
			text = json_string_value(v);
		} else if (json_is_integer(v)) {
			long long n = json_integer_value(v);
			char *p = num + sizeof num;
			bool neg = n < 0;
			unsigned long long u = neg ? 0 - (unsigned long long)n : (unsigned long long)n;
			*--p = '\0';
			do
				*--p = (char)('0' + u % 10);
			while ((u /= 10) > 0);
			if (neg)
				*--p = '-';
			text = p;
		} else {
			text = json_is_true(v) ? "true" : json_is_false(v) ? "false" : "";
		}
		/* Gathered into one update per event; a long field goes alone. */
		size_t n = strlen(text) + 1;
		if (used + n > sizeof buf) {
			crypto_generichash_update(h, (const unsigned char *)buf, used);
			used = 0;
		}
		if (n > sizeof buf) {
			crypto_generichash_update(h, (const unsigned char *)text, n);
			continue;
		}
		memcpy(buf + used, text, n);
		used += n;
	}
	crypto_generichash_update(h, (const unsigned char *)buf, used);
}

static int audit_batch(struct store_tx *tx, struct ingest *g, const char *first,
		       const char *last, crypto_generichash_state *h)
{
	unsigned char sum[32];
	char hex[65];
	json_t *after;
	int rc;

	crypto_generichash_final(h, sum, sizeof sum);
	sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);
	after = json_pack("{s:I,s:I,s:s,s:s,s:s}", "events", (json_int_t)g->recorded, "replayed",
			  (json_int_t)g->duplicates, "first", first, "last", last, "digest", hex);
	if (!after)
		return ST_INTERNAL;
	rc = svc_audit_write(tx, g->p, "ingest", "events", first, NULL, after);
	json_decref(after);
	return rc;
}

static int ingest_work(struct store_tx *tx, void *arg)
{
	struct ingest *g = arg;
	struct custody cu;
	crypto_generichash_state h;
	char first[40] = "", last[40] = "";
	json_t *ev, *late = json_array();
	size_t i, late_failed = 0;
	int rc, late_status = ST_OK;

	json_decref(g->errors);
	json_decref(g->last);
	g->errors = g->last = NULL;
	g->recorded = g->duplicates = 0;
	if (!late || custody_init(&cu, tx, g->now) != ST_OK) {
		json_decref(late);
		custody_done(&cu);
		return ST_INTERNAL;
	}
	crypto_generichash_init(&h, NULL, 0, 32);
	json_array_foreach(g->events, i, ev) {
		struct verr err = {.field = ""};
		json_t *stored = NULL;
		bool dup = false;

		if (g->state[i] == REFUSED)
			continue;
		rc = prepare(g, &cu, ev, &err);
		if (rc == ST_OK && rec_str(ev, "corrects"))
			rc = check_correction(tx, ev, &err);
		if (rc == ST_OK)
			rc = store_event(tx, ev, &dup, &stored, &err);
		if (rc == ST_OK && !dup)
			rc = rec_str(ev, "corrects") ? rebuild(&cu, ev, &err) : custody_apply(&cu, ev, &err);
		if (rc == ST_OK) {
			if (dup) {
				g->duplicates++;
			} else {
				g->recorded++;
				digest_add(&h, ev);
				/* ids are 36 characters (checked) */
				if (!*first)
					memcpy(first, rec_str(ev, "id"), 37);
				memcpy(last, rec_str(ev, "id"), 37);
			}
			json_decref(g->last);
			g->last = json_incref(stored);
		}
		if (stored != ev)
			json_decref(stored);
		if (rc == ST_RETRY || rc == ST_INTERNAL) {
			json_decref(late);
			custody_done(&cu);
			return rc;
		}
		if (rc != ST_OK) {
			if (!late_failed++)
				late_status = rc;
			note(late, i, ev, &err);
		}
	}
	g->failed = g->early_failed + late_failed;
	g->first_status = g->early_failed ? g->early_status : late_status;
	g->errors = merge_errors(g->early, late);
	json_decref(late);
	rc = g->failed ? ST_INVALID : custody_flush(&cu);
	if (rc == ST_OK && g->recorded)
		rc = audit_batch(tx, g, first, last, &h);
	custody_done(&cu);
	return rc;
}

/* One half of the batch's checks (check_all). */
struct check_part {
	struct ingest *g;
	size_t from, to;
	json_t *errors;
	size_t failed;
	int status, rc;
};

static void *check_part(void *arg)
{
	struct check_part *c = arg;

	c->rc = ST_OK;
	for (size_t i = c->from; i < c->to; i++) {
		json_t *ev = json_array_get(c->g->events, i);
		struct verr err = {.field = ""};
		int rc = check_event(c->g, ev, &err);

		if (rc == ST_INTERNAL) {
			c->rc = rc;
			break;
		}
		c->g->state[i] = rc == ST_OK ? CHECKED : REFUSED;
		if (rc != ST_OK) {
			if (!c->failed++)
				c->status = rc;
			note(c->errors, i, ev, &err);
		}
	}
	return NULL;
}

/*
 * check_event for every event, before the transaction (so once, not per
 * attempt): a large batch's two halves on two threads, as the events are
 * disjoint objects.  The refusals go to g->early in index order.
 */
static int check_all(struct ingest *g)
{
	size_t n = json_array_size(g->events), mid = n >= 1000 ? n / 2 : n;
	struct check_part a = {g, 0, mid, json_array(), 0, ST_OK, ST_OK};
	struct check_part b = {g, mid, n, json_array(), 0, ST_OK, ST_OK};
	pthread_t th;
	bool threaded = false;
	int rc = ST_INTERNAL;

	if (!a.errors || !b.errors)
		goto done;
	if (mid < n)
		threaded = pthread_create(&th, NULL, check_part, &b) == 0;
	check_part(&a);
	if (threaded)
		pthread_join(th, NULL);
	else if (mid < n)
		check_part(&b);
	if (a.rc != ST_OK || b.rc != ST_OK)
		goto done;
	g->early_failed = a.failed + b.failed;
	g->early_status = a.failed ? a.status : b.status;
	json_decref(g->early);
	g->early = merge_errors(a.errors, b.errors);
	rc = g->early ? ST_OK : ST_INTERNAL;
done:
	json_decref(a.errors);
	json_decref(b.errors);
	return rc;
}

/* Record the events in one transaction, which rolls back when any event
 * was refused (by check_event or against the database). */
static int run(struct svc *svc, struct ingest *g)
{
	size_t n = json_array_size(g->events);
	int64_t now = svc_now_ms();
	int rc = ST_INTERNAL;

	time_format(now, g->now);
	time_format(now + FUTURE_SLACK_MS, g->horizon);
	/* Every event of the batch shares these (immutable) values. */
	g->who = json_string(g->p->username);
	g->when = json_string(g->now);
	g->one = json_integer(1);
	g->early = json_array();
	g->state = calloc(n ? n : 1, 1);
	if (g->who && g->when && g->one && g->early && g->state &&
	    (rc = check_all(g)) == ST_OK)
		rc = store_run(svc->store, STORE_WRITE, ingest_work, g);
	json_decref(g->who);
	json_decref(g->when);
	json_decref(g->one);
	json_decref(g->early);
	free(g->state);
	return rc;
}

int svc_events_ingest(struct svc *svc, const struct principal *p, json_t *events,
		      json_t **report, struct verr *err)
{
	struct ingest g = {.p = p, .events = events};
	int rc;

	*report = NULL;
	if (!perm_allows(p->role, "events", ACT_CREATE))
		return ST_FORBIDDEN;
	if (!json_is_array(events))
		return verr_set(err, "events", "must be an array of events");
	if (json_array_size(events) == 0 || json_array_size(events) > SVC_MAX_BATCH)
		return verr_set(err, "events", "must hold 1 to %d events; this has %zu",
				SVC_MAX_BATCH, json_array_size(events));
	rc = run(svc, &g);
	if (rc == ST_OK)
		*report = json_pack("{s:I,s:I,s:I}", "received", (json_int_t)json_array_size(events),
				    "recorded", (json_int_t)g.recorded, "duplicates",
				    (json_int_t)g.duplicates);
	else if (rc == ST_INVALID && g.failed)
		*report = json_pack("{s:I,s:I,s:O}", "received", (json_int_t)json_array_size(events),
				    "failed", (json_int_t)g.failed, "errors", g.errors);
	if (rc == ST_INVALID && g.failed)
		verr_set(err, "events", "%zu of %zu events were refused; nothing was stored",
			 g.failed, json_array_size(events));
	json_decref(g.errors);
	json_decref(g.last);
	if ((rc == ST_OK || (rc == ST_INVALID && g.failed)) && !*report)
		return ST_INTERNAL;
	return rc;
}

int svc_event_record(struct svc *svc, const struct principal *p, json_t *event,
		     json_t **out, bool *replayed, struct verr *err)
{
	json_t *one = json_pack("[O]", event);
	struct ingest g = {.p = p, .events = one};
	int rc;

	*out = NULL;
	*replayed = false;
	if (!one)
		return ST_INTERNAL;
	if (!perm_allows(p->role, "events", ACT_CREATE)) {
		json_decref(one);
		return ST_FORBIDDEN;
	}
	rc = run(svc, &g);
	if (rc == ST_OK) {
		*replayed = g.duplicates > 0;
		*out = g.last ? espec_public(&ESPEC_EVENTS, g.last) : NULL;
		/* Stored sparse; shown whole, as a read would. */
		for (size_t i = 0; *out && i < ESPEC_EVENTS.nfields; i++) {
			if (!json_object_get(*out, ESPEC_EVENTS.fields[i].name))
				json_object_set_new(*out, ESPEC_EVENTS.fields[i].name, json_null());
		}
		if (!*out)
			rc = ST_INTERNAL;
	} else if (rc == ST_INVALID && g.failed) {
		json_t *e = json_array_get(g.errors, 0);
		verr_set(err, rec_str(e, "field"), "%s", rec_str(e, "reason"));
		rc = g.first_status;
	}
	json_decref(g.errors);
	json_decref(g.last);
	json_decref(one);
	return rc;
}
