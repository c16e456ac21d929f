/*
 * transfer.c - the rules of shipments, legs, lines, assets, repair
 * capacity and repair orders (custody events are in events.c).
 *
 * The invariants, enforced inside the writing transaction:
 *  - a shipment's route is a chain: each leg starts where the one before
 *    ends (the first at the origin); legs and lines change only while the
 *    shipment is planned;
 *  - a delivery line draws on an open allocation of the shipment's nation,
 *    for the same item, never beyond the allocated quantity;
 *  - a serialized line names one serial per unit; each serial is one asset
 *    (registered here when new), waiting at the origin, on no other open line;
 *  - a repair order is approved only within its facility's capacity for the
 *    item's category; the assets' status follows the order.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kind of site @code into @kind (16 bytes). */
static int site_kind(struct store_tx *tx, const char *code, char kind[24])
{
	json_t *site = NULL;
	int rc = store_rec_get(tx, &ESPEC_SITES, code, &site);

	if (rc == ST_OK)
		snprintf(kind, 24, "%s", rec_str(site, "kind"));
	json_decref(site);
	return rc;
}

/* @field must name a site of one of @kinds (NULL-terminated). */
static int want_kind(struct store_tx *tx, const json_t *rec, const char *field,
		     const char *const *kinds, struct verr *err)
{
	char kind[24], list[120] = "";
	size_t used = 0;
	int rc;

	if ((rc = site_kind(tx, rec_str(rec, field), kind)) != ST_OK)
		return rc == ST_NOT_FOUND ? verr_set(err, field, "no such site") : rc;
	for (const char *const *k = kinds; *k; k++) {
		if (strcmp(*k, kind) == 0)
			return ST_OK;
		int w = snprintf(list + used, sizeof list - used, "%s%s", used ? " or " : "", *k);
		if (w > 0 && (size_t)w < sizeof list - used)
			used += (size_t)w;
	}
	return verr_set(err, field, "must be a %s site; %s is a %s", list, rec_str(rec, field), kind);
}

/* Shipment @id, which @p must see, in status planned.  A shipment outside
 * @p's scope is "no shipment", as for a read. */
static int shipment_planned(struct store_tx *tx, const struct principal *p, const char *id,
			    json_t **ship, struct verr *err)
{
	int rc = store_rec_get(tx, &ESPEC_SHIPMENTS, id, ship);

	if (rc == ST_OK && !svc_in_scope(p, &ESPEC_SHIPMENTS, *ship)) {
		json_decref(*ship);
		*ship = NULL;
		rc = ST_NOT_FOUND;
	}
	if (rc == ST_NOT_FOUND)
		return verr_set(err, "shipment", "no shipment '%s'", id);
	if (rc != ST_OK)
		return rc;
	if (strcmp(rec_str(*ship, "status"), "planned") != 0) {
		verr_set(err, "shipment", "is %s; its route and lines change only while planned",
			 rec_str(*ship, "status"));
		return ST_CONFLICT;
	}
	return ST_OK;
}

/* ---- Shipments. ------------------------------------------------------------- */

static int shipment_fill(struct store_tx *tx, json_t *rec, struct verr *err)
{
	static const char *const depot[] = {"depot", "logistics_node", NULL};
	static const char *const unit[] = {"unit", NULL};
	static const char *const handover[] = {"handover_point", NULL};
	static const char *const facility[] = {"repair_facility", NULL};
	const char *purpose = rec_str(rec, "purpose");
	bool delivery = strcmp(purpose, "delivery") == 0;
	bool to_repair = strcmp(purpose, "to_repair") == 0;
	json_t *nation = NULL, *order = NULL;
	int rc;

	if ((rc = store_rec_get(tx, &ESPEC_NATIONS, rec_str(rec, "nation"), &nation)) != ST_OK)
		return rc == ST_NOT_FOUND ? verr_set(err, "nation", "no such nation") : rc;
	bool recipient = strcmp(rec_str(nation, "status"), "recipient") == 0;
	json_decref(nation);
	if (delivery && recipient)
		return verr_set(err, "nation", "a delivery carries a donor nation's materiel");
	if (!delivery && !recipient)
		return verr_set(err, "nation", "repair transport carries the recipient's equipment");
	if ((rc = want_kind(tx, rec, "origin", delivery ? depot : to_repair ? unit : facility,
			    err)) != ST_OK ||
	    (rc = want_kind(tx, rec, "destination", to_repair ? facility : unit, err)) != ST_OK)
		return rc;
	if (delivery && !rec_str(rec, "handover_point"))
		return verr_set(err, "handover_point", "is required for a delivery");
	if (rec_str(rec, "handover_point") && (rc = want_kind(tx, rec, "handover_point", handover,
							  err)) != ST_OK)
		return rc;
	if (delivery != !rec_str(rec, "repair_order"))
		return verr_set(err, "repair_order", delivery ? "belongs only to repair transport"
							      : "is required for repair transport");
	if (!delivery) {
		if ((rc = store_rec_get(tx, &ESPEC_REPAIR_ORDERS, rec_str(rec, "repair_order"),
					&order)) != ST_OK)
			return rc == ST_NOT_FOUND ? verr_set(err, "repair_order", "no such order") : rc;
		const char *end = to_repair ? "destination" : "origin";
		if (strcmp(rec_str(order, "facility"), rec_str(rec, end)) != 0)
			rc = verr_set(err, end, "must be the order's facility %s", rec_str(order, "facility"));
		json_decref(order);
	}
	return rc;
}

static int shipment_create(struct store_tx *tx, const struct principal *p, json_t *rec,
			   struct verr *err)
{
	static const char *const derived[] = {"dispatched_at", "handed_over_at", "received_at",
					      "last_event_at"};

	(void)p;
	for (size_t i = 0; i < sizeof derived / sizeof *derived; i++)
		json_object_set_new(rec, derived[i], json_null());
	json_object_set_new(rec, "status", json_string("planned"));
	json_object_set_new(rec, "location", json_string(rec_str(rec, "origin")));
	char route[64];
	snprintf(route, sizeof route, "%s > %s", rec_str(rec, "origin"), rec_str(rec, "destination"));
	json_object_set_new(rec, "route", json_string(route));
	return shipment_fill(tx, rec, err);
}

static int shipment_update(struct store_tx *tx, const struct principal *p, const json_t *cur,
			   json_t *next, struct verr *err)
{
	json_t *legs = NULL, *lines = NULL;
	int rc;

	(void)p;
	if (strcmp(rec_str(cur, "status"), "planned") != 0) {
		verr_set(err, "status", "only a planned shipment can be changed; this one is %s",
			 rec_str(cur, "status"));
		return ST_CONFLICT;
	}
	if ((rc = shipment_fill(tx, next, err)) != ST_OK)
		return rc;
	/* Legs and lines hang on the origin, nation and purpose. */
	static const char *const fixed[] = {"origin", "nation", "purpose"};
	if ((rc = svc_rows(tx, &ESPEC_LEGS, "shipment", rec_str(cur, "id"), &legs)) != ST_OK ||
	    (rc = svc_rows(tx, &ESPEC_LINES, "shipment", rec_str(cur, "id"), &lines)) != ST_OK)
		goto done;
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
		if ((json_array_size(legs) || json_array_size(lines)) &&
		    strcmp(rec_str(cur, fixed[i]), rec_str(next, fixed[i])) != 0) {
			verr_set(err, fixed[i], "cannot change once the shipment has legs or lines");
			rc = ST_CONFLICT;
			goto done;
		}
	}
done:
	json_decref(legs);
	json_decref(lines);
	return rc;
}

/* ---- Legs. -------------------------------------------------------------------- */

/* Write "origin > a > b" from the legs into the shipment's route. */
static int refresh_route(struct store_tx *tx, const struct principal *p, const json_t *ship)
{
	json_t *legs = NULL, *leg, *changes = NULL;
	char route[400];
	size_t i, used;
	int rc;

	if ((rc = svc_rows(tx, &ESPEC_LEGS, "shipment", rec_str(ship, "id"), &legs)) != ST_OK)
		return rc;
	used = (size_t)snprintf(route, sizeof route, "%s", rec_str(ship, "origin"));
	/* Legs come in key order, which is creation order; seq says for sure. */
	for (long long seq = 1; seq <= (long long)json_array_size(legs); seq++) {
		json_array_foreach(legs, i, leg) {
			if (rec_num(leg, "seq") != seq)
				continue;
			int w = snprintf(route + used, sizeof route - used, " > %s",
					 rec_str(leg, "to_site"));
			if (w > 0 && (size_t)w < sizeof route - used)
				used += (size_t)w;
		}
	}
	if (!json_array_size(legs))
		snprintf(route + used, sizeof route - used, " > %s", rec_str(ship, "destination"));
	changes = json_pack("{s:s}", "route", route);
	rc = changes ? svc_patch_record(tx, p, &ESPEC_SHIPMENTS, rec_str(ship, "id"), changes, "route")
		     : ST_INTERNAL;
	json_decref(changes);
	json_decref(legs);
	return rc;
}

static int leg_create(struct store_tx *tx, const struct principal *p, json_t *rec,
		      struct verr *err)
{
	static const char *const stops[] = {
		"logistics_node", "handover_point", "unit", "repair_facility", "depot", NULL,
	};
	json_t *ship = NULL, *legs = NULL, *leg;
	const char *from;
	long long last = 0;
	size_t i;
	int rc;

	(void)p;
	if ((rc = shipment_planned(tx, p, rec_str(rec, "shipment"), &ship, err)) != ST_OK)
		goto done;
	if ((rc = svc_rows(tx, &ESPEC_LEGS, "shipment", rec_str(ship, "id"), &legs)) != ST_OK)
		goto done;
	from = rec_str(ship, "origin");
	json_array_foreach(legs, i, leg) {
		if (rec_num(leg, "seq") > last) {
			last = rec_num(leg, "seq");
			from = rec_str(leg, "to_site");
		}
	}
	if (last && strcmp(from, rec_str(ship, "destination")) == 0) {
		verr_set(err, "shipment", "its route already reaches the destination %s", from);
		rc = ST_CONFLICT;
		goto done;
	}
	if (strcmp(from, rec_str(rec, "to_site")) == 0) {
		rc = verr_set(err, "to_site", "the leg must go somewhere: it starts at %s", from);
		goto done;
	}
	if ((rc = want_kind(tx, rec, "to_site", stops, err)) != ST_OK)
		goto done;
	json_object_set_new(rec, "seq", json_integer(last + 1));
	json_object_set_new(rec, "from_site", json_string(from));
	json_object_set_new(rec, "nation", json_string(rec_str(ship, "nation")));
	json_object_set_new(rec, "departed_at", json_null());
	json_object_set_new(rec, "arrived_at", json_null());
done:
	json_decref(ship);
	json_decref(legs);
	return rc;
}

static int leg_after_create(struct store_tx *tx, const struct principal *p, const json_t *rec)
{
	json_t *ship = NULL;
	int rc = store_rec_get(tx, &ESPEC_SHIPMENTS, rec_str(rec, "shipment"), &ship);

	if (rc == ST_OK)
		rc = refresh_route(tx, p, ship);
	json_decref(ship);
	return rc;
}

/* Only the last leg of a planned shipment goes. */
static int leg_delete(struct store_tx *tx, const struct principal *p, const json_t *cur,
		      struct verr *err)
{
	json_t *ship = NULL, *legs = NULL, *leg;
	size_t i;
	int rc;

	(void)p;
	if ((rc = shipment_planned(tx, p, rec_str(cur, "shipment"), &ship, err)) != ST_OK)
		goto done;
	if ((rc = svc_rows(tx, &ESPEC_LEGS, "shipment", rec_str(ship, "id"), &legs)) != ST_OK)
		goto done;
	json_array_foreach(legs, i, leg) {
		if (rec_num(leg, "seq") > rec_num(cur, "seq")) {
			verr_set(err, "seq", "only the last leg can be removed");
			rc = ST_CONFLICT;
			goto done;
		}
	}
	/* The route is refreshed after the leg is gone: patch it without it. */
	char route[400];
	size_t used = (size_t)snprintf(route, sizeof route, "%s", rec_str(ship, "origin"));
	for (long long seq = 1; seq < rec_num(cur, "seq"); seq++) {
		json_array_foreach(legs, i, leg) {
			if (rec_num(leg, "seq") != seq)
				continue;
			int w = snprintf(route + used, sizeof route - used, " > %s", rec_str(leg, "to_site"));
			if (w > 0 && (size_t)w < sizeof route - used)
				used += (size_t)w;
		}
	}
	if (rec_num(cur, "seq") == 1)
		snprintf(route + used, sizeof route - used, " > %s", rec_str(ship, "destination"));
	json_t *changes = json_pack("{s:s}", "route", route);
	rc = changes ? svc_patch_record(tx, p, &ESPEC_SHIPMENTS, rec_str(ship, "id"), changes, "route")
		     : ST_INTERNAL;
	json_decref(changes);
done:
	json_decref(ship);
	json_decref(legs);
	return rc;
}

/* ---- Lines and assets. ---------------------------------------------------------- */

/* The asset of @item with @serial into *@asset (new reference), or
 * ST_NOT_FOUND. */
int svc_asset_find(struct store_tx *tx, const char *item, const char *serial, json_t **asset)
{
	const struct espec *e = &ESPEC_ASSETS;
	json_t *i = json_string(item), *s = json_string(serial), *rows = NULL;
	struct store_filter f[2] = {{espec_field(e, "item"), i, false},
				    {espec_field(e, "serial"), s, false}};
	struct store_query q = {f, 2, NULL, 2};
	int rc = i && s ? store_rec_list(tx, e, &q, &rows) : ST_INTERNAL;

	*asset = NULL;
	if (rc == ST_OK && json_array_size(rows) == 0)
		rc = ST_NOT_FOUND;
	if (rc == ST_OK)
		*asset = json_incref(json_array_get(rows, 0));
	json_decref(i);
	json_decref(s);
	json_decref(rows);
	return rc;
}

/* Split "a;b;c" into a new array of trimmed, non-empty, distinct serials. */
static int split_serials(const char *text, json_t **out, struct verr *err, const char *field)
{
	json_t *list = json_array(), *seen = json_object();
	const char *s = text;
	int rc = ST_OK;

	if (!list || !seen) {
		rc = ST_INTERNAL;
		goto done;
	}
	while (*s) {
		size_t n = strcspn(s, ";");
		const char *a = s, *b = s + n;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b == a || b - a > 64) {
			rc = verr_set(err, field, "serial %zu is %s", json_array_size(list) + 1,
				      b == a ? "empty" : "longer than 64 characters");
			goto done;
		}
		char one[65];
		memcpy(one, a, (size_t)(b - a));
		one[b - a] = '\0';
		if (json_object_get(seen, one)) {
			rc = verr_set(err, field, "serial %s is listed twice", one);
			goto done;
		}
		json_object_set_new(seen, one, json_true());
		json_array_append_new(list, json_string(one));
		s += n + (s[n] == ';');
	}
done:
	json_decref(seen);
	if (rc == ST_OK)
		*out = list;
	else
		json_decref(list);
	return rc;
}

static bool is_serialized(const json_t *item)
{
	return json_is_true(json_object_get(item, "serialized"));
}

/* Register or claim the line's serials as assets at the shipment's origin. */
static int claim_serials(struct store_tx *tx, const struct principal *p, const json_t *line,
			 const json_t *ship, const json_t *item)
{
	json_t *serials = NULL, *v;
	size_t i;
	int rc;

	if ((rc = split_serials(rec_str(line, "serials"), &serials, &(struct verr){0}, "serials")) != ST_OK)
		return rc;
	json_array_foreach(serials, i, v) {
		json_t *asset = NULL;
		rc = svc_asset_find(tx, rec_str(line, "item"), json_string_value(v), &asset);
		if (rc == ST_OK) {
			json_t *changes = json_pack("{s:s,s:s}", "shipment", rec_str(ship, "id"),
						    "line", rec_str(line, "id"));
			rc = changes ? svc_patch_record(tx, p, &ESPEC_ASSETS, rec_str(asset, "id"),
							changes, "load")
				     : ST_INTERNAL;
			json_decref(changes);
		} else if (rc == ST_NOT_FOUND) {
			char key[48], now[32];
			svc_new_key(ESPEC_ASSETS.key_prefix, key, sizeof key);
			time_format(svc_now_ms(), now);
			json_t *rec = json_pack(
				"{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:n,s:n,s:n,s:n,s:n,s:n,"
				"s:s,s:s,s:I}",
				"id", key, "item", rec_str(line, "item"), "serial", json_string_value(v),
				"nation", rec_str(ship, "nation"), "status", "in_stock",
				"location", rec_str(ship, "origin"), "shipment", rec_str(ship, "id"),
				"line", rec_str(line, "id"), "sensitive",
				json_is_true(json_object_get(item, "sensitive")), "handed_over_at",
				"last_inventory_at", "inventory_due", "lost_at", "loss_reported_at",
				"last_event_at", "created_by", p->username, "created_at", now,
				"version", (json_int_t)1);
			rc = rec ? store_rec_insert(tx, &ESPEC_ASSETS, rec) : ST_INTERNAL;
			if (rc == ST_OK)
				rc = svc_audit_write(tx, p, "create", "assets", key, NULL, rec);
			json_decref(rec);
		}
		json_decref(asset);
		if (rc != ST_OK)
			break;
	}
	json_decref(serials);
	return rc;
}

/* Check every serial of @line: waiting at the origin, on no other open line. */
static int check_serials(struct store_tx *tx, const json_t *line, const json_t *ship,
			 const json_t *item, struct verr *err)
{
	const char *text = rec_str(line, "serials");
	json_t *serials = NULL, *v;
	size_t i;
	int rc;

	if (!is_serialized(item)) {
		if (text)
			return verr_set(err, "serials", "%s is not a serialized item",
					rec_str(line, "item"));
		return ST_OK;
	}
	if (!text)
		return verr_set(err, "serials", "%s is serialized: give one serial per unit",
				rec_str(line, "item"));
	if ((rc = split_serials(text, &serials, err, "serials")) != ST_OK)
		return rc;
	if ((long long)json_array_size(serials) != rec_num(line, "quantity")) {
		rc = verr_set(err, "serials", "lists %zu serials for a quantity of %lld",
			      json_array_size(serials), rec_num(line, "quantity"));
		goto done;
	}
	json_array_foreach(serials, i, v) {
		json_t *asset = NULL, *other = NULL;
		const char *serial = json_string_value(v);
		rc = svc_asset_find(tx, rec_str(line, "item"), serial, &asset);
		if (rc == ST_NOT_FOUND) {
			if (strcmp(rec_str(ship, "purpose"), "delivery") != 0)
				rc = verr_set(err, "serials", "%s %s is not a registered asset",
					      rec_str(line, "item"), serial);
			else
				rc = ST_OK;
			continue;
		}
		if (rc != ST_OK)
			goto done;
		const char *status = rec_str(asset, "status");
		const char *where = rec_str(asset, "location");
		if (strcmp(status, "in_transit") == 0 || strcmp(status, "lost") == 0 ||
		    strcmp(status, "destroyed") == 0 || strcmp(status, "expended") == 0 ||
		    !where || strcmp(where, rec_str(ship, "origin")) != 0) {
			verr_set(err, "serials", "%s %s is %s at %s, not waiting at %s",
				 rec_str(line, "item"), serial, status, where ? where : "no site",
				 rec_str(ship, "origin"));
			rc = ST_CONFLICT;
		} else if (rec_str(asset, "line") &&
			   store_rec_get(tx, &ESPEC_LINES, rec_str(asset, "line"), &other) == ST_OK &&
			   strcmp(rec_str(other, "status"), "open") == 0 &&
			   strcmp(rec_str(other, "id"), rec_str(line, "id")) != 0) {
			verr_set(err, "serials", "%s %s is already on open line %s",
				 rec_str(line, "item"), serial, rec_str(other, "id"));
			rc = ST_CONFLICT;
		}
		json_decref(other);
		json_decref(asset);
		if (rc != ST_OK)
			goto done;
	}
done:
	json_decref(serials);
	return rc;
}

/* Sum of line quantities drawn on @allocation, other than line @except. */
static int drawn(struct store_tx *tx, const char *allocation, const char *except,
		 long long *sum)
{
	json_t *lines = NULL, *l;
	size_t i;
	int rc = svc_rows(tx, &ESPEC_LINES, "allocation", allocation, &lines);

	*sum = 0;
	json_array_foreach(lines, i, l) {
		if (!except || strcmp(rec_str(l, "id"), except) != 0)
			*sum += rec_num(l, "quantity");
	}
	json_decref(lines);
	return rc;
}

static int check_allocation(struct store_tx *tx, const json_t *line, const json_t *ship,
			    struct verr *err)
{
	json_t *alloc = NULL, *pledge = NULL;
	long long used;
	int rc;

	if (strcmp(rec_str(ship, "purpose"), "delivery") != 0)
		return rec_str(line, "allocation")
			       ? verr_set(err, "allocation", "belongs only to delivery lines")
			       : ST_OK;
	if (!rec_str(line, "allocation"))
		return verr_set(err, "allocation", "is required: a delivery line draws on an "
				"allocation");
	if ((rc = store_rec_get(tx, &ESPEC_ALLOCATIONS, rec_str(line, "allocation"), &alloc)) != ST_OK ||
	    (rc = store_rec_get(tx, &ESPEC_PLEDGES, rec_str(alloc, "pledge"), &pledge)) != ST_OK) {
		if (rc == ST_NOT_FOUND)
			rc = verr_set(err, "allocation", "no such allocation");
		goto done;
	}
	if (strcmp(rec_str(alloc, "status"), "open") != 0) {
		verr_set(err, "allocation", "is %s", rec_str(alloc, "status"));
		rc = ST_CONFLICT;
	} else if (strcmp(rec_str(pledge, "item"), rec_str(line, "item")) != 0) {
		rc = verr_set(err, "item", "the allocation's pledge is for %s", rec_str(pledge, "item"));
	} else if (strcmp(rec_str(pledge, "nation"), rec_str(ship, "nation")) != 0) {
		rc = verr_set(err, "allocation", "is %s's pledge; the shipment carries %s's materiel",
			      rec_str(pledge, "nation"), rec_str(ship, "nation"));
	} else if ((rc = drawn(tx, rec_str(alloc, "id"), rec_str(line, "id"), &used)) == ST_OK &&
		   used + rec_num(line, "quantity") > rec_num(alloc, "quantity")) {
		verr_set(err, "quantity", "the allocation has %lld of %lld units left to ship",
			 rec_num(alloc, "quantity") - used, rec_num(alloc, "quantity"));
		rc = ST_CONFLICT;
	}
done:
	json_decref(alloc);
	json_decref(pledge);
	return rc;
}

/* A new line: on a planned shipment, within its allocation, with its
 * serials waiting at the origin; takes the shipment's nation. */
static int line_fill(struct store_tx *tx, const struct principal *p, json_t *rec,
		     struct verr *err)
{
	json_t *ship = NULL, *item = NULL;
	int rc;

	if ((rc = shipment_planned(tx, p, rec_str(rec, "shipment"), &ship, err)) != ST_OK)
		goto done;
	if ((rc = store_rec_get(tx, &ESPEC_ITEMS, rec_str(rec, "item"), &item)) != ST_OK) {
		if (rc == ST_NOT_FOUND)
			rc = verr_set(err, "item", "no such item");
		goto done;
	}
	if ((rc = check_allocation(tx, rec, ship, err)) != ST_OK ||
	    (rc = check_serials(tx, rec, ship, item, err)) != ST_OK)
		goto done;
	json_object_set_new(rec, "nation", json_string(rec_str(ship, "nation")));
done:
	json_decref(ship);
	json_decref(item);
	return rc;
}

static int line_create(struct store_tx *tx, const struct principal *p, json_t *rec,
		       struct verr *err)
{
	static const char *const counters[] = {
		"dispatched", "received", "in_transit", "short", "lost", "over", "damaged",
		"wrong_item",
	};
	for (size_t i = 0; i < sizeof counters / sizeof *counters; i++)
		json_object_set_new(rec, counters[i], json_integer(0));
	json_object_set_new(rec, "status", json_string("open"));
	return line_fill(tx, p, rec, err);
}

static int line_after_create(struct store_tx *tx, const struct principal *p, const json_t *rec)
{
	json_t *ship = NULL, *item = NULL;
	int rc = ST_OK;

	if (!rec_str(rec, "serials"))
		return ST_OK;
	if ((rc = store_rec_get(tx, &ESPEC_SHIPMENTS, rec_str(rec, "shipment"), &ship)) == ST_OK &&
	    (rc = store_rec_get(tx, &ESPEC_ITEMS, rec_str(rec, "item"), &item)) == ST_OK)
		rc = claim_serials(tx, p, rec, ship, item);
	json_decref(ship);
	json_decref(item);
	return rc;
}

/* Let go of the serials of a line that leaves a planned shipment. */
static int release_serials(struct store_tx *tx, const struct principal *p, const json_t *line)
{
	json_t *assets = NULL, *a;
	size_t i;
	int rc = svc_rows(tx, &ESPEC_ASSETS, "shipment", rec_str(line, "shipment"), &assets);

	json_array_foreach(assets, i, a) {
		if (rc != ST_OK)
			break;
		if (!rec_str(a, "line") || strcmp(rec_str(a, "line"), rec_str(line, "id")) != 0)
			continue;
		json_t *changes = json_pack("{s:n,s:n}", "shipment", "line");
		rc = changes ? svc_patch_record(tx, p, &ESPEC_ASSETS, rec_str(a, "id"), changes, "unload")
			     : ST_INTERNAL;
		json_decref(changes);
	}
	json_decref(assets);
	return rc;
}

static int line_delete(struct store_tx *tx, const struct principal *p, const json_t *cur,
		       struct verr *err)
{
	json_t *ship = NULL;
	int rc = shipment_planned(tx, p, rec_str(cur, "shipment"), &ship, err);

	json_decref(ship);
	return rc == ST_OK ? release_serials(tx, p, cur) : rc;
}

/* ---- Assets registered by hand (stock at a depot). -------------------------------- */

static int asset_create(struct store_tx *tx, const struct principal *p, json_t *rec,
			struct verr *err)
{
	json_t *item = NULL;
	int rc;

	(void)p;
	if (!rec_str(rec, "location"))
		return verr_set(err, "location", "is required: where the asset is held");
	if ((rc = store_rec_get(tx, &ESPEC_ITEMS, rec_str(rec, "item"), &item)) != ST_OK)
		return rc == ST_NOT_FOUND ? verr_set(err, "item", "no such item") : rc;
	if (!is_serialized(item))
		rc = verr_set(err, "item", "%s is not a serialized item", rec_str(rec, "item"));
	static const char *const derived[] = {"shipment", "line", "handed_over_at",
					      "last_inventory_at", "inventory_due", "lost_at",
					      "loss_reported_at", "last_event_at"};
	for (size_t i = 0; i < sizeof derived / sizeof *derived; i++)
		json_object_set_new(rec, derived[i], json_null());
	json_object_set_new(rec, "status", json_string("in_stock"));
	json_object_set_new(rec, "sensitive",
			    json_boolean(json_is_true(json_object_get(item, "sensitive"))));
	json_decref(item);
	return rc;
}

/* ---- Repair capacity and orders. ----------------------------------------------------- */

static int capacity_create(struct store_tx *tx, const struct principal *p, json_t *rec,
			   struct verr *err)
{
	static const char *const facility[] = {"repair_facility", NULL};

	(void)p;
	return want_kind(tx, rec, "facility", facility, err);
}

static int capacity_update(struct store_tx *tx, const struct principal *p, const json_t *cur,
			   json_t *next, struct verr *err)
{
	(void)cur;
	return capacity_create(tx, p, next, err);
}

static bool active_repair(const char *status)
{
	static const char *const active[] = {"approved", "to_facility", "in_repair",
					     "awaiting_parts", "repaired", NULL};
	return str_in(status, active);
}

/* Every serial of a repair order as an asset, each passed to @fn. */
static int each_repair_asset(struct store_tx *tx, const json_t *order,
			     int (*fn)(struct store_tx *, const json_t *order, const json_t *asset,
				       void *arg, struct verr *err),
			     void *arg, struct verr *err)
{
	json_t *serials = NULL, *v;
	size_t i;
	int rc;

	if (!rec_str(order, "serials"))
		return ST_OK;
	if ((rc = split_serials(rec_str(order, "serials"), &serials, err, "serials")) != ST_OK)
		return rc;
	json_array_foreach(serials, i, v) {
		json_t *asset = NULL;
		rc = svc_asset_find(tx, rec_str(order, "item"), json_string_value(v), &asset);
		if (rc == ST_NOT_FOUND)
			rc = verr_set(err, "serials", "%s %s is not a registered asset",
				      rec_str(order, "item"), json_string_value(v));
		if (rc == ST_OK)
			rc = fn(tx, order, asset, arg, err);
		json_decref(asset);
		if (rc != ST_OK)
			break;
	}
	json_decref(serials);
	return rc;
}

static int repairable(struct store_tx *tx, const json_t *order, const json_t *asset, void *arg,
		      struct verr *err)
{
	const char *status = rec_str(asset, "status");

	(void)tx, (void)arg;
	if (strcmp(rec_str(asset, "nation"), rec_str(order, "nation")) != 0 &&
	    !rec_str(asset, "handed_over_at"))
		return verr_set(err, "serials", "%s has not been handed over to %s",
				rec_str(asset, "serial"), rec_str(order, "nation"));
	if (strcmp(status, "in_service") && strcmp(status, "damaged") && strcmp(status, "in_stock")) {
		verr_set(err, "serials", "%s is %s; only equipment in service or damaged is "
			 "sent for repair", rec_str(asset, "serial"), status);
		return ST_CONFLICT;
	}
	return ST_OK;
}

static int repair_fill(struct store_tx *tx, json_t *rec, struct verr *err)
{
	static const char *const unit[] = {"unit", NULL};
	static const char *const facility[] = {"repair_facility", NULL};
	json_t *item = NULL, *nation = NULL, *serials = NULL;
	int rc;

	if ((rc = store_rec_get(tx, &ESPEC_NATIONS, rec_str(rec, "nation"), &nation)) != ST_OK)
		return rc == ST_NOT_FOUND ? verr_set(err, "nation", "no such nation") : rc;
	bool recipient = strcmp(rec_str(nation, "status"), "recipient") == 0;
	json_decref(nation);
	if (!recipient)
		return verr_set(err, "nation", "must be the recipient nation");
	if ((rc = want_kind(tx, rec, "requesting_unit", unit, err)) != ST_OK ||
	    (rc = want_kind(tx, rec, "facility", facility, err)) != ST_OK)
		return rc;
	if ((rc = store_rec_get(tx, &ESPEC_ITEMS, rec_str(rec, "item"), &item)) != ST_OK)
		return rc == ST_NOT_FOUND ? verr_set(err, "item", "no such item") : rc;
	json_object_set_new(rec, "category", json_string(rec_str(item, "category")));
	if (is_serialized(item) != (rec_str(rec, "serials") != NULL)) {
		rc = verr_set(err, "serials", is_serialized(item)
				      ? "is required: the item is serialized"
				      : "belongs only to serialized items");
	} else if (rec_str(rec, "serials") &&
		   (rc = split_serials(rec_str(rec, "serials"), &serials, err, "serials")) == ST_OK &&
		   (long long)json_array_size(serials) != rec_num(rec, "quantity")) {
		rc = verr_set(err, "quantity", "must equal the number of serials (%zu)",
			      json_array_size(serials));
	}
	json_decref(serials);
	json_decref(item);
	return rc;
}

static int repair_create(struct store_tx *tx, const struct principal *p, json_t *rec,
			 struct verr *err)
{
	int rc;

	(void)p;
	json_object_set_new(rec, "status", json_string("requested"));
	json_object_set_new(rec, "status_reason", json_null());
	json_object_set_new(rec, "approved_at", json_null());
	json_object_set_new(rec, "closed_at", json_null());
	if ((rc = repair_fill(tx, rec, err)) != ST_OK)
		return rc;
	return each_repair_asset(tx, rec, repairable, NULL, err);
}

static int repair_update(struct store_tx *tx, const struct principal *p, const json_t *cur,
			 json_t *next, struct verr *err)
{
	(void)p;
	if (strcmp(rec_str(cur, "status"), "requested") != 0) {
		verr_set(err, "status", "only a requested order can be changed; this one is %s",
			 rec_str(cur, "status"));
		return ST_CONFLICT;
	}
	int rc = repair_fill(tx, next, err);
	return rc == ST_OK ? each_repair_asset(tx, next, repairable, NULL, err) : rc;
}

struct follow {
	const struct principal *p;
	const char *status, *location;  /* NULL: leave as is */
};

static int follow_order(struct store_tx *tx, const json_t *order, const json_t *asset,
			void *arg, struct verr *err)
{
	struct follow *f = arg;
	json_t *changes = json_object();
	int rc;

	(void)order, (void)err;
	if (!changes)
		return ST_INTERNAL;
	if (f->status)
		json_object_set_new(changes, "status", json_string(f->status));
	/* Written off: beyond repair, out of end-use monitoring from now. */
	if (f->status && strcmp(f->status, "destroyed") == 0) {
		char now[32];
		time_format(svc_now_ms(), now);
		json_object_set_new(changes, "lost_at", json_string(now));
		json_object_set_new(changes, "loss_reported_at", json_string(now));
		json_object_set_new(changes, "inventory_due", json_null());
	}
	if (f->location)
		json_object_set_new(changes, "location", json_string(f->location));
	rc = svc_patch_record(tx, f->p, &ESPEC_ASSETS, rec_str(asset, "id"), changes, "repair");
	json_decref(changes);
	return rc;
}

/* Units of @category in active orders at @facility. */
static int facility_load(struct store_tx *tx, const char *facility, const char *category,
			 long long *load, long long *bays)
{
	json_t *orders = NULL, *caps = NULL, *o;
	size_t i;
	int rc;

	*load = *bays = 0;
	if ((rc = svc_rows(tx, &ESPEC_REPAIR_ORDERS, "facility", facility, &orders)) != ST_OK ||
	    (rc = svc_rows(tx, &ESPEC_REPAIR_CAPACITIES, "facility", facility, &caps)) != ST_OK)
		goto done;
	json_array_foreach(orders, i, o) {
		if (strcmp(rec_str(o, "category"), category) == 0 && active_repair(rec_str(o, "status")))
			*load += rec_num(o, "quantity");
	}
	json_array_foreach(caps, i, o) {
		if (strcmp(rec_str(o, "category"), category) == 0)
			*bays += rec_num(o, "bays");
	}
done:
	json_decref(orders);
	json_decref(caps);
	return rc;
}

static int repair_after_transition(struct store_tx *tx, const struct principal *p,
				   const json_t *rec, const char *from, const char *to,
				   struct verr *err)
{
	struct follow f = {p, NULL, NULL};
	json_t *changes = json_object();
	char now[32];
	int rc = ST_OK;

	(void)from;
	if (!changes)
		return ST_INTERNAL;
	time_format(svc_now_ms(), now);
	if (strcmp(to, "approved") == 0) {
		long long load, bays;
		if ((rc = facility_load(tx, rec_str(rec, "facility"), rec_str(rec, "category"), &load,
					&bays)) != ST_OK)
			goto done;
		/* The load counts this order already: it is approved now. */
		if (load > bays) {
			verr_set(err, "to", "%s has %lld bays for %s and %lld units are already "
				 "approved or in work; this order needs %lld",
				 rec_str(rec, "facility"), bays, rec_str(rec, "category"),
				 load - rec_num(rec, "quantity"), rec_num(rec, "quantity"));
			rc = ST_CONFLICT;
			goto done;
		}
		json_object_set_new(changes, "approved_at", json_string(now));
	} else if (strcmp(to, "in_repair") == 0 || strcmp(to, "awaiting_parts") == 0) {
		f.status = "in_repair";
		f.location = rec_str(rec, "facility");
	} else if (strcmp(to, "repaired") == 0) {
		f.status = "in_stock";
	} else if (strcmp(to, "returned") == 0) {
		f.status = "in_service";
		json_object_set_new(changes, "closed_at", json_string(now));
	} else if (strcmp(to, "written_off") == 0) {
		f.status = "destroyed";
		json_object_set_new(changes, "closed_at", json_string(now));
	}
	if (f.status && (rc = each_repair_asset(tx, rec, follow_order, &f, err)) != ST_OK)
		goto done;
	if (json_object_size(changes))
		rc = svc_patch_record(tx, p, &ESPEC_REPAIR_ORDERS, rec_str(rec, "id"), changes,
				      "transition");
done:
	json_decref(changes);
	return rc;
}

const struct svc_rules SVC_TRANSFER_RULES[] = {
	{.e = &ESPEC_SHIPMENTS, .on_create = shipment_create, .on_update = shipment_update},
	{.e = &ESPEC_LEGS, .on_create = leg_create, .after_create = leg_after_create,
	 .on_delete = leg_delete},
	{.e = &ESPEC_LINES, .on_create = line_create, .after_create = line_after_create,
	 .on_delete = line_delete},
	{.e = &ESPEC_ASSETS, .on_create = asset_create},
	{.e = &ESPEC_REPAIR_CAPACITIES, .on_create = capacity_create,
	 .on_update = capacity_update},
	{.e = &ESPEC_REPAIR_ORDERS, .on_create = repair_create, .on_update = repair_update,
	 .flow = REPAIR_FLOW, .after_transition = repair_after_transition},
	{.e = NULL},
};
