/*
 * custody.c - what custody events do: the derived state of shipments,
 * their legs and lines, and serialized assets.
 *
 * Per shipment line, conservation holds after every event:
 *     dispatched = received + in_transit + short + lost
 * "over", "damaged" and "wrong_item" are reported beside it (received
 * beyond what was in transit; received but damaged; another item).
 *
 *   dispatched   at the origin: the line's units (or the serial) leave;
 *                never beyond the line's quantity.
 *   arrived      at a stop of the route: the shipment (and what it carries)
 *                is there.   departed: it leaves a stop.
 *   handed_over  at the hand-over point: custody passes to the recipient;
 *                sensitive assets' first inventory falls due in 90 days.
 *   received     at the destination: units leave "in transit" (beyond that
 *                they count as over); with complete=true the receipt
 *                confirmation books the rest short and closes the line.
 *                A line also closes when all its units are accounted for.
 *   discrepancy  short (units missing: out of transit; a serial is then
 *                lost), over, damaged (assets damaged), wrong_item.
 *   inventory_check  an asset seen at a site: next inventory in a year.
 *   lost, destroyed, expended  an asset's (or in-transit units') end.
 *
 * Status and location follow the latest event by time, so a node that
 * replays old scans late does not move a shipment backwards.
 */
#include "custody.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Records of the working set are private to it (loaded from the store),
 * so their values are changed in place where they already have the type. */
static void set_str(json_t *rec, const char *field, const char *v)
{
	json_t *have = json_object_get(rec, field);

	if (v && json_is_string(have) && json_string_set(have, v) == 0)
		return;
	json_object_set_new(rec, field, v ? json_string(v) : json_null());
}

static void set_int(json_t *rec, const char *field, long long v)
{
	json_t *have = json_object_get(rec, field);

	if (json_is_integer(have))
		json_integer_set(have, v);
	else
		json_object_set_new(rec, field, json_integer(v));
}

/* ---- The working set. -------------------------------------------------------- */

int custody_init(struct custody *c, struct store_tx *tx, const char *now)
{
	memset(c, 0, sizeof *c);
	c->tx = tx;
	snprintf(c->now, sizeof c->now, "%s", now);
	c->sites = json_object();
	c->items = json_object();
	c->shipments = json_object();
	c->lines = json_object();
	c->assets = json_object();
	c->ship_lines = json_object();
	c->ship_legs = json_object();
	c->ship_assets = json_object();
	c->dirty = json_object();
	return c->sites && c->items && c->shipments && c->lines && c->assets && c->ship_lines &&
			       c->ship_legs && c->ship_assets && c->dirty
		       ? ST_OK
		       : ST_INTERNAL;
}

void custody_done(struct custody *c)
{
	json_decref(c->sites);
	json_decref(c->items);
	json_decref(c->shipments);
	json_decref(c->lines);
	json_decref(c->assets);
	json_decref(c->ship_lines);
	json_decref(c->ship_legs);
	json_decref(c->ship_assets);
	json_decref(c->dirty);
	memset(c, 0, sizeof *c);
}

/* @key of @e from @cache, loading it on first use. */
static int cached(struct custody *c, json_t *cache, const struct espec *e, const char *key,
		  json_t **out)
{
	json_t *rec;
	int rc;

	*out = NULL;
	if (!key)
		return ST_NOT_FOUND;
	if ((rec = json_object_get(cache, key))) {
		*out = rec;
		return ST_OK;
	}
	if ((rc = store_rec_get(c->tx, e, key, &rec)) != ST_OK)
		return rc;
	if (json_object_set_new(cache, key, rec) != 0)
		return ST_INTERNAL;
	*out = rec;
	return ST_OK;
}

int custody_site(struct custody *c, const char *code, json_t **out)
{
	return cached(c, c->sites, &ESPEC_SITES, code, out);
}

int custody_item(struct custody *c, const char *code, json_t **out)
{
	return cached(c, c->items, &ESPEC_ITEMS, code, out);
}

int custody_shipment(struct custody *c, const char *id, json_t **out)
{
	return cached(c, c->shipments, &ESPEC_SHIPMENTS, id, out);
}

static void asset_key(const char *item, const char *serial, char *out, size_t n)
{
	snprintf(out, n, "%s\x1f%s", item, serial);
}

/* Put @asset into the asset cache unless a copy is there: the cached copy
 * wins, as it may carry changes not yet written. */
static json_t *adopt_asset(struct custody *c, json_t *asset)
{
	char key[96];
	json_t *have;

	asset_key(rec_str(asset, "item"), rec_str(asset, "serial"), key, sizeof key);
	if ((have = json_object_get(c->assets, key)))
		return have;
	if (json_object_set(c->assets, key, asset) != 0)
		return NULL;
	return asset;
}

int custody_asset(struct custody *c, const char *item, const char *serial, json_t **out)
{
	char key[96];
	json_t *asset = NULL;
	int rc;

	asset_key(item, serial, key, sizeof key);
	if ((*out = json_object_get(c->assets, key)))
		return ST_OK;
	if ((rc = svc_asset_find(c->tx, item, serial, &asset)) != ST_OK)
		return rc;
	*out = adopt_asset(c, asset);
	json_decref(asset);
	return *out ? ST_OK : ST_INTERNAL;
}

/* A shipment's lines, legs or assets, each record shared with its cache. */
static int children(struct custody *c, json_t *index, json_t *cache, const struct espec *e,
		    const json_t *ship, json_t **out)
{
	const char *id = rec_str(ship, "id");
	json_t *rows = NULL, *row, *list;
	size_t i;
	int rc;

	if ((*out = json_object_get(index, id)))
		return ST_OK;
	if ((rc = svc_rows(c->tx, e, "shipment", id, &rows)) != ST_OK)
		return rc;
	if (!(list = json_array()))
		goto oom;
	json_array_foreach(rows, i, row) {
		json_t *rec;
		if (e == &ESPEC_ASSETS) {
			rec = adopt_asset(c, row);
		} else if (!(rec = json_object_get(cache, rec_str(row, "id")))) {
			rec = row;
			if (cache && json_object_set(cache, rec_str(row, "id"), row) != 0)
				rec = NULL;
		}
		if (!rec || json_array_append(list, rec) != 0)
			goto oom;
	}
	json_decref(rows);
	if (json_object_set_new(index, id, list) != 0)
		return ST_INTERNAL;
	*out = list;
	return ST_OK;
oom:
	json_decref(rows);
	json_decref(list);
	return ST_INTERNAL;
}

int custody_lines_of(struct custody *c, const json_t *ship, json_t **out)
{
	return children(c, c->ship_lines, c->lines, &ESPEC_LINES, ship, out);
}

int custody_legs_of(struct custody *c, const json_t *ship, json_t **out)
{
	return children(c, c->ship_legs, NULL, &ESPEC_LEGS, ship, out);
}

int custody_assets_of(struct custody *c, const json_t *ship, json_t **out)
{
	return children(c, c->ship_assets, NULL, &ESPEC_ASSETS, ship, out);
}

int custody_line(struct custody *c, const char *id, json_t **out)
{
	return cached(c, c->lines, &ESPEC_LINES, id, out);
}

int custody_touch(struct custody *c, const struct espec *e, json_t *rec)
{
	const char *id = rec_str(rec, e->key);
	size_t n = strlen(e->name), m = id ? strlen(id) : 0;
	char key[128];

	if (!id || n + m + 2 > sizeof key)
		return ST_INTERNAL;
	memcpy(key, e->name, n);
	key[n] = '\x1f';
	memcpy(key + n + 1, id, m + 1);
	return json_object_set(c->dirty, key, rec) == 0 ? ST_OK : ST_INTERNAL;
}

int custody_flush(struct custody *c)
{
	const char *key;
	json_t *rec;
	int rc;

	json_object_foreach(c->dirty, key, rec) {
		const struct espec *e;
		char name[32];
		size_t n = strcspn(key, "\x1f");

		snprintf(name, sizeof name, "%.*s", (int)n, key);
		e = espec_find(name);
		if (!e)
			return ST_INTERNAL;
		int64_t version = rec_num(rec, "version");
		set_int(rec, "version", version + 1);
		if ((rc = store_rec_update(c->tx, e, rec_str(rec, e->key), rec, version)) != ST_OK)
			return rc;
	}
	json_object_clear(c->dirty);
	return ST_OK;
}

/* ---- Dates. ------------------------------------------------------------------- */

void custody_date_plus(const char *at, int days, char out[11])
{
	struct tm tm = {0};
	char buf[40];

	tm.tm_year = (int)strtol(at, NULL, 10) - 1900;
	tm.tm_mon = (int)strtol(at + 5, NULL, 10) - 1;
	tm.tm_mday = (int)strtol(at + 8, NULL, 10) + days;
	tm.tm_hour = 12;
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

/* The same day one year on (29 February goes to 28 February). */
static void date_next_year(const char *at, char out[11])
{
	int y = (int)strtol(at, NULL, 10) + 1, m = (int)strtol(at + 5, NULL, 10), d = (int)strtol(at + 8, NULL, 10);
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m == 2 && d == 29 && !leap)
		d = 28;
	char buf[40];

	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

/* When the next serial inventory of a sensitive @asset is due. */
static void refresh_due(json_t *asset)
{
	const char *handed = rec_str(asset, "handed_over_at");
	const char *last = rec_str(asset, "last_inventory_at");
	const char *status = rec_str(asset, "status");
	char due[11];

	if (!json_is_true(json_object_get(asset, "sensitive")) || !handed ||
	    str_is(status, "lost") || str_is(status, "destroyed") || str_is(status, "expended")) {
		set_str(asset, "inventory_due", NULL);
		return;
	}
	if (last && strcmp(last, handed) >= 0)
		date_next_year(last, due);
	else
		custody_date_plus(handed, 90, due);
	set_str(asset, "inventory_due", due);
}

/* ---- Effects. ------------------------------------------------------------------- */

struct fx {
	struct custody *c;
	const json_t *ev;
	const char *type, *at, *site;
	json_t *ship, *asset;
	bool latest;          /* the event is the shipment's newest so far */
	struct verr *err;
};

static int fail(struct fx *x, int status, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct fx *x, int status, const char *field, const char *fmt, ...)
{
	char why[sizeof x->err->reason];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	verr_set(x->err, field, "%s", why);
	return status;
}

static int touch_asset(struct fx *x, json_t *asset)
{
	const char *last = rec_str(asset, "last_event_at");

	if (!last || strcmp(x->at, last) >= 0)
		set_str(asset, "last_event_at", x->at);
	refresh_due(asset);
	return custody_touch(x->c, &ESPEC_ASSETS, asset);
}

bool svc_asset_ended(const json_t *asset)
{
	static const char *const ends[] = {"lost", "destroyed", "expended", NULL};
	return str_in(rec_str(asset, "status"), ends);
}

/* Set @field of @a to @v (NULL: null); true when that changed it. */
static bool change(json_t *a, const char *field, const char *v)
{
	const char *have = rec_str(a, field);

	if (v ? str_is(have, v) : !have)
		return false;
	set_str(a, field, v);
	return true;
}

/*
 * Apply @fn to the event's asset, or to every asset still travelling on
 * @line (NULL: on the whole shipment).  Only the assets @fn changes are
 * written back: a shipment's scans at a node need not rewrite each of the
 * serials it carries.
 */
static int each_asset(struct fx *x, const json_t *line, bool (*fn)(struct fx *, json_t *))
{
	json_t *assets, *a;
	size_t i;
	int rc;

	if (x->asset)
		return fn(x, x->asset) ? touch_asset(x, x->asset) : ST_OK;
	/* A line without serials carries no assets: most scans are of bulk
	 * lines (pallets of rounds), so this is the common way out. */
	if (!x->ship || (line && !rec_str(line, "serials")))
		return ST_OK;
	if ((rc = custody_assets_of(x->c, x->ship, &assets)) != ST_OK)
		return rc;
	json_array_foreach(assets, i, a) {
		if (svc_asset_ended(a) ||
		    !str_is(rec_str(a, "shipment"), rec_str(x->ship, "id")))
			continue;
		if (line && !str_is(rec_str(a, "line"), rec_str(line, "id")))
			continue;
		if (fn(x, a) && (rc = touch_asset(x, a)) != ST_OK)
			return rc;
	}
	return ST_OK;
}

static bool go_in_transit(struct fx *x, json_t *a)
{
	(void)x;
	return change(a, "status", "in_transit") | change(a, "location", NULL);
}

static bool go_to_site(struct fx *x, json_t *a)
{
	return str_is(rec_str(a, "status"), "in_transit") && change(a, "location", x->site);
}

static bool go_moving(struct fx *x, json_t *a)
{
	(void)x;
	return str_is(rec_str(a, "status"), "in_transit") && change(a, "location", NULL);
}

static bool go_handed_over(struct fx *x, json_t *a)
{
	const char *have = rec_str(a, "handed_over_at");

	if (!str_is(rec_str(a, "status"), "in_transit"))
		return false;  /* still at the depot, or already in service */
	/* The earliest hand-over counts (scans may arrive out of order). */
	return (!have || strcmp(x->at, have) < 0) && change(a, "handed_over_at", x->at);
}

static bool go_received(struct fx *x, json_t *a)
{
	bool changed;

	if (!str_is(rec_str(a, "status"), "in_transit") && x->asset != a)
		return false;
	bool to_repair = str_is(rec_str(x->ship, "purpose"), "to_repair");
	changed = change(a, "status", to_repair ? "damaged" : "in_service") |
		  change(a, "location", x->site);
	if (str_is(rec_str(x->ship, "purpose"), "delivery") && !rec_str(a, "handed_over_at"))
		changed |= change(a, "handed_over_at", x->at);
	return changed;
}

static bool go_damaged(struct fx *x, json_t *a)
{
	(void)x;
	return change(a, "status", "damaged");
}

static bool go_ended(struct fx *x, json_t *a)
{
	const char *status = str_is(x->type, "discrepancy") ? "lost" : x->type;

	set_str(a, "status", status);
	if (!str_is(status, "expended")) {
		set_str(a, "lost_at", x->at);
		set_str(a, "loss_reported_at", rec_str(x->ev, "recorded_at"));
	}
	return true;
}

/* The line the event names, if any, checked to be the shipment's. */
static int named_line(struct fx *x, json_t **line)
{
	const char *id = rec_str(x->ev, "line");
	int rc;

	*line = NULL;
	if (!id)
		return ST_OK;
	if ((rc = custody_line(x->c, id, line)) != ST_OK)
		return rc == ST_NOT_FOUND ? fail(x, ST_INVALID, "line", "no line %s", id) : rc;
	if (!str_is(rec_str(*line, "shipment"), rec_str(x->ship, "id")))
		return fail(x, ST_INVALID, "line", "%s is not a line of shipment %s", id,
			    rec_str(x->ship, "id"));
	return ST_OK;
}

/* The lines an event is about: the one it names, the one its serial is
 * on, or every line of the shipment. */
static int target_lines(struct fx *x, json_t **out, json_t **own)
{
	const char *line_id = rec_str(x->ev, "line");
	json_t *lines, *line;
	int rc;

	*own = NULL;
	if ((rc = custody_lines_of(x->c, x->ship, &lines)) != ST_OK)
		return rc;
	if (!line_id && x->asset) {
		if (!str_is(rec_str(x->asset, "shipment"), rec_str(x->ship, "id")))
			return fail(x, ST_INVALID, "serial", "%s is not on shipment %s",
				    rec_str(x->asset, "serial"), rec_str(x->ship, "id"));
		line_id = rec_str(x->asset, "line");
	}
	if (!line_id) {
		*out = lines;
		return ST_OK;
	}
	if ((rc = custody_line(x->c, line_id, &line)) != ST_OK)
		return rc == ST_NOT_FOUND ? fail(x, ST_INVALID, "line", "no line %s", line_id)
					  : rc;
	if (!str_is(rec_str(line, "shipment"), rec_str(x->ship, "id")))
		return fail(x, ST_INVALID, "line", "%s is not a line of shipment %s", line_id,
			    rec_str(x->ship, "id"));
	if (x->asset && !str_is(rec_str(x->asset, "line"), line_id))
		return fail(x, ST_INVALID, "serial", "%s is not on line %s",
			    rec_str(x->asset, "serial"), line_id);
	if (!(*own = json_array()) || json_array_append(*own, line) != 0)
		return ST_INTERNAL;
	*out = *own;
	return ST_OK;
}

/* How many units the event moves on @line, given what is @available. */
static int units(struct fx *x, size_t nlines, long long available,
		 long long *q)
{
	json_t *qty = json_object_get(x->ev, "quantity");

	if (x->asset) {
		*q = 1;
		return ST_OK;
	}
	if (json_is_integer(qty)) {
		if (nlines > 1)
			return fail(x, ST_INVALID, "line", "give the line when a shipment of several "
				    "lines moves a quantity");
		*q = json_integer_value(qty);
		return ST_OK;
	}
	*q = available;
	return ST_OK;
}

static bool serialized_line(struct fx *x, const json_t *line)
{
	json_t *item;
	return custody_item(x->c, rec_str(line, "item"), &item) == ST_OK &&
	       json_is_true(json_object_get(item, "serialized"));
}

static int close_if_done(struct fx *x, json_t *line, bool complete)
{
	if (complete) {
		set_int(line, "short", rec_num(line, "short") + rec_num(line, "in_transit"));
		set_int(line, "in_transit", 0);
	}
	/* The receipt confirmation closes a line even if part of it never
	 * left: what was not dispatched was never shipped. */
	if (rec_num(line, "in_transit") == 0 &&
	    (complete || (rec_num(line, "dispatched") == rec_num(line, "quantity") &&
			  rec_num(line, "dispatched") > 0)))
		set_str(line, "status", "closed");
	return custody_touch(x->c, &ESPEC_LINES, line);
}

/* After a line closed: the shipment is received when all its lines are. */
static int maybe_received(struct fx *x)
{
	json_t *lines, *l;
	size_t i;
	int rc;

	if ((rc = custody_lines_of(x->c, x->ship, &lines)) != ST_OK)
		return rc;
	json_array_foreach(lines, i, l) {
		if (!str_is(rec_str(l, "status"), "closed"))
			return ST_OK;
	}
	set_str(x->ship, "status", "received");
	set_str(x->ship, "location", rec_str(x->ship, "destination"));
	if (!rec_str(x->ship, "received_at"))
		set_str(x->ship, "received_at", x->at);
	return ST_OK;
}

static int on_dispatched(struct fx *x)
{
	json_t *lines, *own = NULL, *line;
	size_t i;
	long long total = 0;
	int rc;

	if (!str_is(x->site, rec_str(x->ship, "origin")))
		return fail(x, ST_INVALID, "site", "a shipment is dispatched at its origin %s",
			    rec_str(x->ship, "origin"));
	if ((rc = target_lines(x, &lines, &own)) != ST_OK)
		goto done;
	json_array_foreach(lines, i, line) {
		long long left = rec_num(line, "quantity") - rec_num(line, "dispatched"), q = 0;
		if (str_is(rec_str(line, "status"), "closed")) {
			if (json_array_size(lines) > 1 && !rec_str(x->ev, "line") && !x->asset)
				continue;  /* a whole-shipment dispatch skips closed lines */
			rc = fail(x, ST_CONFLICT, "line", "line %s is closed by its receipt; ship "
				  "the rest on a new line", rec_str(line, "id"));
			goto done;
		}
		if ((rc = units(x, json_array_size(lines), left, &q)) != ST_OK)
			goto done;
		if (!x->asset && json_is_integer(json_object_get(x->ev, "quantity")) &&
		    serialized_line(x, line)) {
			rc = fail(x, ST_INVALID, "quantity", "line %s is serialized: dispatch it by "
				  "serial or as a whole", rec_str(line, "id"));
			goto done;
		}
		if (x->asset && (str_is(rec_str(x->asset, "status"), "in_transit") ||
				 svc_asset_ended(x->asset))) {
			rc = fail(x, ST_CONFLICT, "serial", "%s is %s; it cannot be dispatched",
				  rec_str(x->asset, "serial"), rec_str(x->asset, "status"));
			goto done;
		}
		if (q > left) {
			rc = fail(x, ST_CONFLICT, "quantity", "dispatching %lld units, but only %lld "
				  "are left to dispatch on line %s", q, left, rec_str(line, "id"));
			goto done;
		}
		set_int(line, "dispatched", rec_num(line, "dispatched") + q);
		set_int(line, "in_transit", rec_num(line, "in_transit") + q);
		total += q;
		if ((rc = custody_touch(x->c, &ESPEC_LINES, line)) != ST_OK ||
		    (rc = each_asset(x, line, go_in_transit)) != ST_OK)
			goto done;
	}
	if (total == 0) {
		rc = fail(x, ST_CONFLICT, "shipment", "%s has nothing left to dispatch",
			  rec_str(x->ship, "id"));
		goto done;
	}
	if (str_is(rec_str(x->ship, "status"), "planned")) {
		set_str(x->ship, "status", "in_transit");
		set_str(x->ship, "location", NULL);
	}
	if (!rec_str(x->ship, "dispatched_at") || strcmp(x->at, rec_str(x->ship, "dispatched_at")) < 0)
		set_str(x->ship, "dispatched_at", x->at);
	json_t *legs, *leg;
	if ((rc = custody_legs_of(x->c, x->ship, &legs)) != ST_OK)
		goto done;
	json_array_foreach(legs, i, leg) {
		if (rec_num(leg, "seq") == 1 &&
		    (!rec_str(leg, "departed_at") || strcmp(x->at, rec_str(leg, "departed_at")) < 0)) {
			set_str(leg, "departed_at", x->at);
			rc = custody_touch(x->c, &ESPEC_LEGS, leg);
		}
	}
done:
	json_decref(own);
	return rc;
}

/* arrived / departed: the site must be a stop of the route. */
static int on_stop(struct fx *x, bool arriving)
{
	json_t *legs, *leg;
	bool on_route = str_is(x->site, rec_str(x->ship, "destination")) ||
			str_is(x->site, rec_str(x->ship, "handover_point")) ||
			(!arriving && str_is(x->site, rec_str(x->ship, "origin")));
	size_t i;
	int rc;

	if ((rc = custody_legs_of(x->c, x->ship, &legs)) != ST_OK)
		return rc;
	json_array_foreach(legs, i, leg) {
		const char *end = rec_str(leg, arriving ? "to_site" : "from_site");
		if (!str_is(end, x->site))
			continue;
		on_route = true;
		const char *field = arriving ? "arrived_at" : "departed_at";
		if (!rec_str(leg, field) || strcmp(x->at, rec_str(leg, field)) < 0) {
			set_str(leg, field, x->at);
			if ((rc = custody_touch(x->c, &ESPEC_LEGS, leg)) != ST_OK)
				return rc;
		}
	}
	if (!on_route)
		return fail(x, ST_INVALID, "site", "%s is not a stop on the route of %s", x->site,
			    rec_str(x->ship, "id"));
	if (x->latest && !str_is(rec_str(x->ship, "status"), "received")) {
		if (!str_is(rec_str(x->ship, "status"), "handed_over"))
			set_str(x->ship, "status", arriving ? "at_node" : "in_transit");
		set_str(x->ship, "location", arriving ? x->site : NULL);
	}
	json_t *line;
	if ((rc = named_line(x, &line)) != ST_OK)
		return rc;
	/* A late scan tells where it was, not where it is. */
	if (!x->latest)
		return ST_OK;
	return each_asset(x, line, arriving ? go_to_site : go_moving);
}

static int on_handed_over(struct fx *x)
{
	const char *point = rec_str(x->ship, "handover_point");

	if (!point)
		return fail(x, ST_INVALID, "shipment", "%s has no hand-over point (repair transport "
			    "stays with %s)", rec_str(x->ship, "id"), rec_str(x->ship, "nation"));
	if (!str_is(x->site, point))
		return fail(x, ST_INVALID, "site", "custody passes at the hand-over point %s",
			    point);
	if (!str_is(rec_str(x->ship, "status"), "received"))
		set_str(x->ship, "status", "handed_over");
	if (x->latest)
		set_str(x->ship, "location", x->site);
	if (!rec_str(x->ship, "handed_over_at") || strcmp(x->at, rec_str(x->ship, "handed_over_at")) < 0)
		set_str(x->ship, "handed_over_at", x->at);
	json_t *line;
	int rc = named_line(x, &line);
	return rc == ST_OK ? each_asset(x, line, go_handed_over) : rc;
}

static int on_received(struct fx *x)
{
	json_t *lines, *own = NULL, *line;
	bool complete = json_is_true(json_object_get(x->ev, "complete"));
	size_t i;
	int rc;

	if (!str_is(x->site, rec_str(x->ship, "destination")))
		return fail(x, ST_INVALID, "site", "%s is received at its destination %s",
			    rec_str(x->ship, "id"), rec_str(x->ship, "destination"));
	if ((rc = target_lines(x, &lines, &own)) != ST_OK)
		goto done;
	json_array_foreach(lines, i, line) {
		long long in = rec_num(line, "in_transit"), q = 0;
		if ((rc = units(x, json_array_size(lines), in, &q)) != ST_OK)
			goto done;
		if (x->asset && !str_is(rec_str(x->asset, "status"), "in_transit")) {
			rc = fail(x, ST_CONFLICT, "serial", "%s is %s, not in transit",
				  rec_str(x->asset, "serial"), rec_str(x->asset, "status"));
			goto done;
		}
		long long take = q < in ? q : in;
		set_int(line, "received", rec_num(line, "received") + take);
		set_int(line, "in_transit", in - take);
		set_int(line, "over", rec_num(line, "over") + (q - take));
		if ((rc = each_asset(x, line, go_received)) != ST_OK ||
		    (rc = close_if_done(x, line, complete)) != ST_OK)
			goto done;
	}
	rc = maybe_received(x);
done:
	json_decref(own);
	return rc;
}

/* Units of a serialized line go missing, get lost or damaged one serial at
 * a time: the serial says which asset. */
static int by_serial(struct fx *x, const json_t *line)
{
	const char *kind = rec_str(x->ev, "discrepancy");

	if (x->asset || !serialized_line(x, line) || str_is(kind, "over") || str_is(kind, "wrong_item"))
		return ST_OK;
	return fail(x, ST_INVALID, "serial", "line %s is serialized: report each unit by its "
		    "item and serial", rec_str(line, "id"));
}

static int on_discrepancy(struct fx *x)
{
	const char *kind = rec_str(x->ev, "discrepancy");
	json_t *lines, *own = NULL, *line;
	size_t i;
	int rc;

	if (!x->asset && !json_is_integer(json_object_get(x->ev, "quantity")))
		return fail(x, ST_INVALID, "quantity", "is required for a %s discrepancy", kind);
	if ((rc = target_lines(x, &lines, &own)) != ST_OK)
		goto done;
	json_array_foreach(lines, i, line) {
		long long q = 0;
		if ((rc = by_serial(x, line)) != ST_OK)
			goto done;
		if ((rc = units(x, json_array_size(lines), 0, &q)) != ST_OK)
			goto done;
		if (str_is(kind, "short")) {
			if (q > rec_num(line, "in_transit") ||
			    (x->asset && !str_is(rec_str(x->asset, "status"), "in_transit"))) {
				rc = fail(x, ST_CONFLICT, "quantity", "more is reported short than is "
					  "in transit on line %s", rec_str(line, "id"));
				goto done;
			}
			set_int(line, "short", rec_num(line, "short") + q);
			set_int(line, "in_transit", rec_num(line, "in_transit") - q);
			if (x->asset && (rc = each_asset(x, line, go_ended)) != ST_OK)
				goto done;
			if ((rc = close_if_done(x, line, false)) != ST_OK ||
			    (rc = maybe_received(x)) != ST_OK)
				goto done;
		} else if (str_is(kind, "damaged")) {
			if (q > rec_num(line, "received") + rec_num(line, "in_transit")) {
				rc = fail(x, ST_CONFLICT, "quantity", "more is reported damaged than "
					  "line %s carries", rec_str(line, "id"));
				goto done;
			}
			set_int(line, "damaged", rec_num(line, "damaged") + q);
			if (x->asset && (rc = each_asset(x, line, go_damaged)) != ST_OK)
				goto done;
		} else {
			set_int(line, kind, rec_num(line, kind) + q);
		}
		if ((rc = custody_touch(x->c, &ESPEC_LINES, line)) != ST_OK)
			goto done;
	}
done:
	json_decref(own);
	return rc;
}

/* lost / destroyed / expended: an asset's end, or units lost in transit. */
static int on_end(struct fx *x)
{
	json_t *lines, *own = NULL, *line;
	size_t i;
	int rc = ST_OK;

	if (x->asset) {
		if (svc_asset_ended(x->asset))
			return fail(x, ST_CONFLICT, "serial", "%s is already %s",
				    rec_str(x->asset, "serial"), rec_str(x->asset, "status"));
		bool moving = str_is(rec_str(x->asset, "status"), "in_transit");
		if (str_is(x->type, "expended") && moving)
			return fail(x, ST_CONFLICT, "type", "%s is in transit; it cannot be expended",
				    rec_str(x->asset, "serial"));
		if (moving && x->ship && (rc = target_lines(x, &lines, &own)) == ST_OK) {
			json_array_foreach(lines, i, line) {
				set_int(line, "lost", rec_num(line, "lost") + 1);
				set_int(line, "in_transit", rec_num(line, "in_transit") - 1);
				if ((rc = close_if_done(x, line, false)) != ST_OK ||
				    (rc = maybe_received(x)) != ST_OK)
					break;
			}
		}
		json_decref(own);
		if (rc != ST_OK)
			return rc;
		go_ended(x, x->asset);
		return touch_asset(x, x->asset);
	}
	if (!x->ship)
		return fail(x, ST_INVALID, "serial", "give the serial, or the shipment and line, "
			    "of what was %s", x->type);
	if (str_is(x->type, "expended"))
		return fail(x, ST_INVALID, "serial", "only a serialized asset is expended");
	if ((rc = target_lines(x, &lines, &own)) != ST_OK)
		goto done;
	json_array_foreach(lines, i, line) {
		long long q = 0;
		if ((rc = by_serial(x, line)) != ST_OK ||
		    (rc = units(x, json_array_size(lines), rec_num(line, "in_transit"), &q)) != ST_OK)
			goto done;
		if (q > rec_num(line, "in_transit")) {
			rc = fail(x, ST_CONFLICT, "quantity", "more is reported lost than is in "
				  "transit on line %s", rec_str(line, "id"));
			goto done;
		}
		set_int(line, "lost", rec_num(line, "lost") + q);
		set_int(line, "in_transit", rec_num(line, "in_transit") - q);
		if ((rc = close_if_done(x, line, false)) != ST_OK || (rc = maybe_received(x)) != ST_OK)
			goto done;
	}
done:
	json_decref(own);
	return rc;
}

static int on_inventory(struct fx *x)
{
	json_t *a = x->asset;

	if (!a)
		return ST_OK;  /* a count of unserialized stock: recorded, no state */
	if (!rec_str(a, "handed_over_at"))
		return fail(x, ST_CONFLICT, "serial", "%s has not been handed over; end-use "
			    "inventories start at hand-over", rec_str(a, "serial"));
	if (str_is(rec_str(a, "status"), "in_transit"))
		return fail(x, ST_CONFLICT, "serial", "%s is in transit", rec_str(a, "serial"));
	if (str_is(rec_str(a, "status"), "destroyed") || str_is(rec_str(a, "status"), "expended"))
		return fail(x, ST_CONFLICT, "serial", "%s is %s", rec_str(a, "serial"), rec_str(a, "status"));
	if (str_is(rec_str(a, "status"), "lost"))
		set_str(a, "status", "in_service");  /* found again */
	const char *last = rec_str(a, "last_inventory_at");
	if (!last || strcmp(x->at, last) > 0)
		set_str(a, "last_inventory_at", x->at);
	set_str(a, "location", x->site);
	return touch_asset(x, a);
}

static int on_arrived(struct fx *x) { return on_stop(x, true); }
static int on_departed(struct fx *x) { return on_stop(x, false); }

static const struct {
	const char *type;
	int (*fn)(struct fx *x);
} effects[] = {
	{"dispatched", on_dispatched},   {"arrived", on_arrived},
	{"departed", on_departed},       {"handed_over", on_handed_over},
	{"received", on_received},       {"discrepancy", on_discrepancy},
	{"inventory_check", on_inventory}, {"lost", on_end},
	{"destroyed", on_end},           {"expended", on_end},
};

int custody_apply(struct custody *c, const json_t *ev, struct verr *err)
{
	struct fx x = {c, ev, rec_str(ev, "type"), rec_str(ev, "at"), rec_str(ev, "site"), NULL, NULL,
		       true, err};
	int rc;

	if (rec_str(ev, "shipment") &&
	    (rc = custody_shipment(c, rec_str(ev, "shipment"), &x.ship)) != ST_OK)
		return rc == ST_NOT_FOUND ? verr_set(err, "shipment", "no shipment %s",
						     rec_str(ev, "shipment"))
					  : rc;
	if (rec_str(ev, "serial") &&
	    (rc = custody_asset(c, rec_str(ev, "item"), rec_str(ev, "serial"), &x.asset)) != ST_OK)
		return rc == ST_NOT_FOUND ? verr_set(err, "serial", "no asset %s of %s",
						     rec_str(ev, "serial"), rec_str(ev, "item"))
					  : rc;
	/* A serial lost (or found short) on the way, reported without its
	 * shipment, still comes off its line. */
	if (!x.ship && x.asset && str_is(rec_str(x.asset, "status"), "in_transit") &&
	    rec_str(x.asset, "shipment") &&
	    (rc = custody_shipment(c, rec_str(x.asset, "shipment"), &x.ship)) != ST_OK)
		return rc;
	if (x.ship && x.asset && !str_is(rec_str(x.asset, "shipment"), rec_str(x.ship, "id")))
		return verr_set(err, "serial", "%s is not on shipment %s", rec_str(ev, "serial"),
				rec_str(x.ship, "id"));
	if (x.ship) {
		const char *last = rec_str(x.ship, "last_event_at");
		x.latest = !last || strcmp(x.at, last) >= 0;
		if (!str_is(x.type, "dispatched") && str_is(rec_str(x.ship, "status"), "planned") &&
		    !str_is(x.type, "inventory_check"))
			return verr_set(err, "shipment", "%s has not been dispatched",
					rec_str(x.ship, "id"));
	}
	rc = ST_INTERNAL;
	for (size_t i = 0; i < sizeof effects / sizeof *effects; i++) {
		if (str_is(x.type, effects[i].type)) {
			rc = effects[i].fn(&x);
			break;
		}
	}
	if (rc != ST_OK || !x.ship)
		return rc;
	if (x.latest)
		set_str(x.ship, "last_event_at", x.at);
	return custody_touch(c, &ESPEC_SHIPMENTS, x.ship);
}
