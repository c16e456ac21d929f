/*
 * readiness.c - force development: the rules of capability targets and
 * their needs, and the readiness projection of the targets (the pure
 * model is src/plan/readiness.c; docs/planning.md explains it).
 *
 * Everything is read in one transaction.  What a need of a target at unit
 * U can count on:
 *
 *   item I   delivery shipments to U, per line of I: units received on the
 *            shipment's received_at (else its last event, else today);
 *            units still to come (quantity - received - short - lost, on
 *            open lines) on its planned_arrival, the ETA, so a shipment
 *            whose planned_arrival moves later moves the date;
 *            open allocations to requirements whose destination is U, of
 *            pledges of I, less what lines of the allocation already carry,
 *            on the allocation's expected_on, or (marked estimated) the
 *            requirement's needed_by when the plan set none;
 *            the unit's own in repair (open orders of I from U): taken out
 *            of what was received and back on the day a return shipment
 *            (from_repair, to U) plans to arrive, or, as repair orders
 *            carry no expected date, REPAIR_DAYS after approval (else after
 *            the order was made), marked estimated;
 *            assets of I at U lost, destroyed or expended come off what was
 *            received.
 *   course C enrolments in C of trainees whose unit is U: graduates on
 *            their graduated_on, and those nominated, enrolled or in
 *            training on their session's last day (projected).
 *
 * Targets at the same unit share what arrives there: the target due first
 * takes the first units (struct ready_need's "reserved"), whoever may see
 * it.  Scope ("readiness"): a nation-bound caller sees only its nation's
 * targets (they list other donors' shipments as sources); another's
 * answers not found.
 */
#include "tally.h"

#include "plan/readiness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Repair orders carry no expected completion: a month is the demo's and
 * the repair hubs' usual turnaround; the answer marks such days estimated. */
#define REPAIR_DAYS 30

/* ---- Rules of targets and needs. ---------------------------------------------- */

static int target_fill(struct store_tx *tx, const struct principal *p, json_t *rec,
		       struct verr *err)
{
	json_t *site = NULL;
	int rc = store_rec_get(tx, &ESPEC_SITES, rec_str(rec, "unit"), &site);

	(void)p;
	if (rc == ST_NOT_FOUND)
		return verr_set(err, "unit", "no site %s", rec_str(rec, "unit"));
	if (rc != ST_OK)
		return rc;
	if (!str_is(rec_str(site, "kind"), "unit"))
		rc = verr_set(err, "unit", "must be a unit; %s is a %s", rec_str(rec, "unit"),
			      rec_str(site, "kind"));
	else if (!str_is(rec_str(site, "nation"), rec_str(rec, "nation")))
		rc = verr_set(err, "unit", "%s is a unit of %s, not of %s", rec_str(rec, "unit"),
			      rec_str(site, "nation"), rec_str(rec, "nation"));
	json_decref(site);
	return rc;
}

static int target_update(struct store_tx *tx, const struct principal *p, const json_t *cur,
			 json_t *next, struct verr *err)
{
	/* Its needs carry the nation (scope). */
	if (!str_is(rec_str(cur, "nation"), rec_str(next, "nation")))
		return verr_set(err, "nation", "cannot change; record a new target");
	return target_fill(tx, p, next, err);
}

static int target_delete(struct store_tx *tx, const struct principal *p, const json_t *cur,
			 struct verr *err)
{
	json_t *needs = NULL;
	int rc = svc_rows(tx, &ESPEC_CAPABILITY_NEEDS, "target", rec_str(cur, "id"), &needs);
	size_t n = json_array_size(needs);

	(void)p;
	json_decref(needs);
	if (rc == ST_OK && n) {
		verr_set(err, "id", "the target has %zu needs; delete them first", n);
		rc = ST_CONFLICT;
	}
	return rc;
}

/* A need takes its target's nation; a target outside the caller's scope
 * is answered as one that does not exist. */
static int need_fill(struct store_tx *tx, const struct principal *p, json_t *rec,
		     struct verr *err)
{
	json_t *target = NULL;
	int rc = store_rec_get(tx, &ESPEC_CAPABILITY_TARGETS, rec_str(rec, "target"), &target);

	if (rc == ST_OK && !svc_in_scope(p, &ESPEC_CAPABILITY_TARGETS, target))
		rc = ST_NOT_FOUND;
	if (rc == ST_NOT_FOUND)
		rc = verr_set(err, "target", "no capability target %s", rec_str(rec, "target"));
	if (rc == ST_OK)
		json_object_set_new(rec, "nation", json_string(rec_str(target, "nation")));
	json_decref(target);
	return rc;
}

static int need_update(struct store_tx *tx, const struct principal *p, const json_t *cur,
		       json_t *next, struct verr *err)
{
	(void)cur;
	return need_fill(tx, p, next, err);
}

const struct svc_rules SVC_FORCE_RULES[] = {
	{.e = &ESPEC_CAPABILITY_TARGETS, .on_create = target_fill, .on_update = target_update,
	 .on_delete = target_delete},
	{.e = &ESPEC_CAPABILITY_NEEDS, .on_create = need_fill, .on_update = need_update},
	{.e = NULL},
};

/* ---- What a unit can count on: pools of events. --------------------------------- */

struct pool {
	char key[80];               /* "U\x1fI:item" or "U\x1fC:course" */
	struct ready_event *ev;
	size_t n, cap;
	long long claimed;          /* by the targets projected so far */
};

struct gather {
	struct store_tx *tx;
	int as_of;
	json_t *keep;               /* rows whose strings the events borrow */
	json_t *sessions;           /* id -> training session */
	struct pool *pools;
	size_t npools, cap;
};

static int day_of(const char *text, int fallback)
{
	int64_t d;

	return text && tally_days(text, &d) ? (int)d : fallback;
}

/* The rows of @e with @field = @value, kept alive for the events. */
static int rows(struct gather *g, const struct espec *e, const char *field, const char *value,
		json_t **out)
{
	int rc = svc_rows(g->tx, e, field, value, out);

	if (rc == ST_OK && json_array_append_new(g->keep, *out) != 0)
		return ST_INTERNAL;
	return rc;
}

static int add_event(struct pool *pl, int day, long long units, enum ready_kind kind,
		     bool estimated, const char *source)
{
	if (units <= 0)
		return ST_OK;
	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? 2 * pl->cap : 8;
		struct ready_event *v = realloc(pl->ev, cap * sizeof *v);
		if (!v)
			return ST_INTERNAL;
		pl->ev = v;
		pl->cap = cap;
	}
	pl->ev[pl->n++] = (struct ready_event){day, units, kind, estimated, source};
	return ST_OK;
}

/* Take @units out of what was received, the latest receipts first. */
static long long withdraw(struct pool *pl, long long units)
{
	long long taken = 0;

	while (taken < units) {
		struct ready_event *last = NULL;
		for (size_t i = 0; i < pl->n; i++) {
			if (pl->ev[i].kind == READY_RECEIVED && pl->ev[i].units > 0 &&
			    (!last || pl->ev[i].day >= last->day))
				last = &pl->ev[i];
		}
		if (!last)
			break;
		long long t = units - taken < last->units ? units - taken : last->units;
		last->units -= t;
		taken += t;
	}
	size_t k = 0;
	for (size_t i = 0; i < pl->n; i++) {
		if (pl->ev[i].units > 0)
			pl->ev[k++] = pl->ev[i];
	}
	pl->n = k;
	return taken;
}

/* Delivery lines of @item on shipments to @unit. */
static int item_shipments(struct gather *g, const char *unit, const char *item, struct pool *pl)
{
	json_t *ships = NULL, *lines = NULL, *s, *l;
	size_t i, j;
	int rc = rows(g, &ESPEC_SHIPMENTS, "destination", unit, &ships);

	json_array_foreach(ships, i, s) {
		if (rc != ST_OK)
			break;
		if (!str_is(rec_str(s, "purpose"), "delivery") ||
		    (rc = rows(g, &ESPEC_LINES, "shipment", rec_str(s, "id"), &lines)) != ST_OK)
			continue;
		const char *at = rec_str(s, "received_at") ? rec_str(s, "received_at")
							    : rec_str(s, "last_event_at");
		json_array_foreach(lines, j, l) {
			if (!str_is(rec_str(l, "item"), item))
				continue;
			long long got = rec_num(l, "received");
			long long rest = rec_num(l, "quantity") - got - rec_num(l, "short") -
					 rec_num(l, "lost");
			rc = add_event(pl, day_of(at, g->as_of), got, READY_RECEIVED, false,
				       rec_str(s, "id"));
			if (rc == ST_OK && str_is(rec_str(l, "status"), "open"))
				rc = add_event(pl, day_of(rec_str(s, "planned_arrival"), g->as_of), rest,
					       READY_IN_TRANSIT, false, rec_str(s, "id"));
		}
	}
	return rc;
}

/* Units of allocation @a not yet on any shipment line. */
static int unshipped(struct gather *g, const json_t *a, long long *left)
{
	json_t *lines = NULL, *l;
	size_t i;
	int rc = rows(g, &ESPEC_LINES, "allocation", rec_str(a, "id"), &lines);

	*left = rec_num(a, "quantity");
	json_array_foreach(lines, i, l)
		*left -= rec_num(l, "quantity");
	return rc;
}

/* Open allocations of pledges of @item to requirements for @unit. */
static int item_allocations(struct gather *g, const char *unit, const char *item,
			    struct pool *pl)
{
	json_t *reqs = NULL, *allocs = NULL, *r, *a;
	size_t i, j;
	int rc = rows(g, &ESPEC_REQUIREMENTS, "destination", unit, &reqs);

	json_array_foreach(reqs, i, r) {
		if (rc != ST_OK)
			break;
		if (str_is(rec_str(r, "status"), "cancelled") || str_is(rec_str(r, "status"), "rejected") ||
		    (rc = rows(g, &ESPEC_ALLOCATIONS, "requirement", rec_str(r, "id"), &allocs)) != ST_OK)
			continue;
		json_array_foreach(allocs, j, a) {
			json_t *pledge = NULL;
			long long left = 0;
			if (!str_is(rec_str(a, "status"), "open"))
				continue;
			if ((rc = store_rec_get(g->tx, &ESPEC_PLEDGES, rec_str(a, "pledge"), &pledge)) != ST_OK)
				break;
			bool same = str_is(rec_str(pledge, "item"), item);
			json_decref(pledge);
			if (!same || (rc = unshipped(g, a, &left)) != ST_OK)
				continue;
			const char *on = rec_str(a, "expected_on");
			rc = add_event(pl, day_of(on ? on : rec_str(r, "needed_by"), g->as_of), left,
				       READY_ALLOCATED, on == NULL, rec_str(a, "id"));
		}
	}
	return rc;
}

/* When order @o's units are expected back at @unit, and whether that is
 * our estimate. */
static int repair_back(struct gather *g, const json_t *o, const char *unit, int *day,
		       bool *estimated)
{
	json_t *ships = NULL, *s;
	size_t i;
	int rc = rows(g, &ESPEC_SHIPMENTS, "repair_order", rec_str(o, "id"), &ships);
	const char *from = rec_str(o, "approved_at") ? rec_str(o, "approved_at")
						     : rec_str(o, "created_at");

	*day = day_of(from, g->as_of) + REPAIR_DAYS;
	*estimated = true;
	json_array_foreach(ships, i, s) {
		if (str_is(rec_str(s, "purpose"), "from_repair") &&
		    str_is(rec_str(s, "destination"), unit) &&
		    !str_is(rec_str(s, "status"), "received")) {
			*day = day_of(rec_str(s, "planned_arrival"), *day);
			*estimated = false;
		}
	}
	return rc;
}

/* The unit's own units of @item in repair, and those it lost. */
static int item_repairs(struct gather *g, const char *unit, const char *item, struct pool *pl)
{
	static const char *const closed[] = {"returned", "written_off", NULL};
	json_t *orders = NULL, *assets = NULL, *o, *a;
	size_t i;
	long long ended = 0;
	int rc = rows(g, &ESPEC_REPAIR_ORDERS, "requesting_unit", unit, &orders);

	json_array_foreach(orders, i, o) {
		int day;
		bool estimated;
		if (rc != ST_OK)
			break;
		if (!str_is(rec_str(o, "item"), item) || str_in(rec_str(o, "status"), closed) ||
		    (rc = repair_back(g, o, unit, &day, &estimated)) != ST_OK)
			continue;
		withdraw(pl, rec_num(o, "quantity"));
		rc = add_event(pl, day, rec_num(o, "quantity"), READY_IN_REPAIR, estimated,
			       rec_str(o, "id"));
	}
	if (rc == ST_OK)
		rc = rows(g, &ESPEC_ASSETS, "location", unit, &assets);
	json_array_foreach(assets, i, a) {
		if (str_is(rec_str(a, "item"), item) && svc_asset_ended(a))
			ended++;
	}
	withdraw(pl, ended);
	return rc;
}

/* Graduates of @course among the unit's trainees, and those on their way,
 * one event per session and kind. */
static int course_people(struct gather *g, const char *unit, const char *course,
			 struct pool *pl)
{
	static const char *const on_way[] = {"nominated", "enrolled", "in_training", NULL};
	json_t *trainees = NULL, *enrols = NULL, *t, *e, *mine = json_object();
	size_t i;
	int rc = mine ? rows(g, &ESPEC_TRAINEES, "unit", unit, &trainees) : ST_INTERNAL;

	if (rc == ST_OK && !g->sessions)
		rc = tally_index(g->tx, &ESPEC_TRAINING_SESSIONS, &g->sessions);
	if (rc == ST_OK)
		rc = rows(g, &ESPEC_ENROLMENTS, "course", course, &enrols);
	json_array_foreach(trainees, i, t)
		json_object_set_new(mine, rec_str(t, "id"), json_true());
	json_array_foreach(enrols, i, e) {
		const char *session = rec_str(e, "session");
		const json_t *s = json_object_get(g->sessions, session);
		bool passed = str_is(rec_str(e, "status"), "graduated");
		if (!json_object_get(mine, rec_str(e, "trainee")) ||
		    (!passed && !str_in(rec_str(e, "status"), on_way)))
			continue;
		int day = passed ? day_of(rec_str(e, "graduated_on"), g->as_of)
				 : day_of(rec_str(s, "ends_on"), g->as_of);
		enum ready_kind kind = passed ? READY_GRADUATED : READY_PROJECTED;
		size_t k;
		for (k = 0; k < pl->n; k++) {   /* one event per session and kind */
			if (pl->ev[k].kind == kind && pl->ev[k].day == day && str_is(pl->ev[k].source, session))
				break;
		}
		if (k < pl->n)
			pl->ev[k].units++;
		else if ((rc = add_event(pl, day, 1, kind, false, session)) != ST_OK)
			break;
	}
	json_decref(mine);
	return rc;
}

/* The pool of @unit for need @need, gathered on first use: *@out is its
 * index (the array may move as pools are added). */
static int pool_of(struct gather *g, const char *unit, const json_t *need, size_t *out)
{
	const char *item = rec_str(need, "item"), *course = rec_str(need, "course");
	char key[80];
	int rc;

	snprintf(key, sizeof key, "%s\x1f%s:%s", unit, item ? "I" : "C", item ? item : course);
	for (size_t i = 0; i < g->npools; i++) {
		if (strcmp(g->pools[i].key, key) == 0) {
			*out = i;
			return ST_OK;
		}
	}
	if (g->npools == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 16;
		struct pool *v = realloc(g->pools, cap * sizeof *v);
		if (!v)
			return ST_INTERNAL;
		g->pools = v;
		g->cap = cap;
	}
	struct pool *pl = &g->pools[g->npools++];
	memset(pl, 0, sizeof *pl);
	snprintf(pl->key, sizeof pl->key, "%s", key);
	if (course)
		rc = course_people(g, unit, course, pl);
	else if ((rc = item_shipments(g, unit, item, pl)) == ST_OK &&
		 (rc = item_allocations(g, unit, item, pl)) == ST_OK)
		rc = item_repairs(g, unit, item, pl);
	*out = g->npools - 1;
	return rc;
}

static void gather_free(struct gather *g)
{
	for (size_t i = 0; i < g->npools; i++)
		free(g->pools[i].ev);
	free(g->pools);
	json_decref(g->keep);
	json_decref(g->sessions);
	memset(g, 0, sizeof *g);
}

/* ---- The answer. -------------------------------------------------------------- */

static const char *const readiness_cols[] = {
	"target", "name", "unit", "number", "due_on", "operational_on", "meets_due",
	"days_late", "binding", "source", "action", "days", "units_short", "moves_to",
	"critical_path",
};
const struct svc_report_table SVC_TABLE_READINESS = {
	"readiness", "rows", readiness_cols, sizeof readiness_cols / sizeof *readiness_cols,
};

static json_t *date_json(int day)
{
	char d[11];

	if (day == READY_NEVER || day == INT_MIN)
		return json_null();
	tally_date(day, d);
	return json_string(d);
}

static const char *date_text(int day, char buf[11])
{
	if (day == READY_NEVER)
		return "never";
	tally_date(day, buf);
	return buf;
}

/* What a source is, and what its day is, for the text: "shipment
 * SHP-... (6 AD-PAT-LCHR arriving 2027-06-15)". */
static const struct {
	const char *noun, *verb;
} WORDS[] = {
	[READY_RECEIVED] = {"shipment", "received"},
	[READY_IN_TRANSIT] = {"shipment", "arriving"},
	[READY_ALLOCATED] = {"allocation", "expected"},
	[READY_IN_REPAIR] = {"repair order", "back"},
	[READY_GRADUATED] = {"session", "graduated"},
	[READY_PROJECTED] = {"session", "graduating"},
};

/* One projection under way: the target, its needs and the model's view. */
struct proj {
	const struct gather *g;
	const json_t *target, *needs;   /* the target record, its need rows */
	const struct ready_target *t;
	const struct ready_result *r;
};

static const char *what_of(const json_t *need)
{
	return rec_str(need, "item") ? rec_str(need, "item") : rec_str(need, "course");
}

/* {"need", "item"|"course"} of need @i into @o. */
static void name_need(const struct proj *pj, int i, json_t *o)
{
	const json_t *need = json_array_get(pj->needs, (size_t)i);

	json_object_set_new(o, "need", i < 0 ? json_null() : json_string(rec_str(need, "id")));
	if (i >= 0)
		json_object_set_new(o, rec_str(need, "item") ? "item" : "course",
				    json_string(what_of(need)));
}

static const struct ready_event *event_at(const struct proj *pj, int need, int event)
{
	return need >= 0 && event >= 0 ? &pj->t->needs[need].events[event] : NULL;
}

/* The critical path as a sentence. */
static void critical_text(const struct proj *pj, const struct ready_unit *u, char *buf,
			  size_t len)
{
	const struct ready_event *e = event_at(pj, u->need, u->event);
	const char *what = u->need >= 0 ? what_of(json_array_get(pj->needs, (size_t)u->need)) : "";
	char d1[11], d2[11];

	if (u->need < 0) {
		snprintf(buf, len, "nothing is needed");
	} else if (u->action == READY_ACT_FIND) {
		int n = snprintf(buf, len, "find %lld more %s%s", u->units,
				 pj->t->needs[u->need].people ? "people through " : "", what);
		if (n > 0 && (size_t)n < len)
			snprintf(buf + n, len - (size_t)n, u->moves_to == READY_NEVER
				 ? "; other needs are short too" : "; then operational on %s",
				 date_text(u->moves_to, d1));
	} else if (u->action == READY_ACT_BRING_FORWARD) {
		snprintf(buf, len, "bring %s %s (%lld %s%s %s %s) forward %d days: operational on %s%s",
			 WORDS[e->kind].noun, e->source, e->units,
			 pj->t->needs[u->need].people ? "of " : "", what, WORDS[e->kind].verb,
			 date_text(ready_event_day(pj->t, e), d1), u->days, date_text(u->moves_to, d2),
			 u->then_need < 0 ? (u->on_time ? ", today" : ", its due date") : "");
	} else if (u->day <= pj->t->as_of) {
		snprintf(buf, len, "operational since %s", date_text(u->day, d1));
	} else {
		snprintf(buf, len, "%s; %s %s (%s) binds on the same day", u->on_time ? "on time" : "late",
			 u->then_need >= 0 ? "also" : "nothing else",
			 u->then_need >= 0 ? what_of(json_array_get(pj->needs, (size_t)u->then_need)) : "",
			 date_text(u->day, d1));
	}
}

static json_t *critical_json(const struct proj *pj, const struct ready_unit *u)
{
	const struct ready_event *e = event_at(pj, u->need, u->event);
	const struct ready_event *then = event_at(pj, u->then_need, u->then_event);
	json_t *c = json_object(), *t = NULL;
	char text[400];

	if (!c)
		return NULL;
	name_need(pj, u->need, c);
	json_object_set_new(c, "source", e ? json_string(e->source) : json_null());
	json_object_set_new(c, "source_kind", e ? json_string(ready_kind_name(e->kind)) : json_null());
	json_object_set_new(c, "source_date", e ? date_json(ready_event_day(pj->t, e)) : json_null());
	json_object_set_new(c, "action", json_string(ready_action_name(u->action)));
	json_object_set_new(c, "days", json_integer(u->days));
	json_object_set_new(c, "units", json_integer(u->action == READY_ACT_FIND ? u->units : 0));
	json_object_set_new(c, "moves_to", date_json(u->moves_to));
	if (u->action != READY_ACT_NONE || u->then_need >= 0) {
		t = json_object();
		if (t && u->then_need >= 0) {
			name_need(pj, u->then_need, t);
			json_object_set_new(t, "source", then ? json_string(then->source) : json_null());
			json_object_set_new(t, "date", then ? date_json(ready_event_day(pj->t, then))
							    : json_null());
		} else if (t) {
			json_object_set_new(t, "need", json_null());
			json_object_set_new(t, "date", date_json(u->on_time ? pj->t->as_of : pj->t->due));
		}
	}
	json_object_set_new(c, "then", t ? t : json_null());
	critical_text(pj, u, text, sizeof text);
	json_object_set_new(c, "text", json_string(text));
	return c;
}

static json_t *unit_json(const struct proj *pj, const struct ready_unit *u)
{
	json_t *o = json_object(), *missing = json_array();

	if (!o || !missing) {
		json_decref(o);
		json_decref(missing);
		return NULL;
	}
	for (size_t i = 0; i < pj->t->nneeds; i++) {
		json_t *m;
		if (!u->missing[i] || !(m = json_object()))
			continue;
		name_need(pj, (int)i, m);
		json_object_set_new(m, "units", json_integer(u->missing[i]));
		json_array_append_new(missing, m);
	}
	json_object_set_new(o, "number", json_integer(u->k));
	json_object_set_new(o, "operational_on", date_json(u->day));
	json_object_set_new(o, "meets_due", json_boolean(u->on_time));
	json_object_set_new(o, "days_late", json_integer(u->days_late));
	json_object_set_new(o, "critical", critical_json(pj, u));
	json_object_set_new(o, "missing", missing);
	return o;
}

/* The unit as a flat row of the readiness table. */
static json_t *unit_row(const struct proj *pj, const json_t *unit)
{
	const json_t *c = json_object_get(unit, "critical");
	const char *binding = rec_str(c, "item") ? rec_str(c, "item") : rec_str(c, "course");

	return json_pack("{s:s, s:s, s:s, s:O, s:s, s:O, s:O, s:O, s:s?, s:O, s:O, s:O, s:O, s:O, s:O}",
			 "target", rec_str(pj->target, "id"), "name", rec_str(pj->target, "name"),
			 "unit", rec_str(pj->target, "unit"), "number", json_object_get(unit, "number"),
			 "due_on", rec_str(pj->target, "due_on"),
			 "operational_on", json_object_get(unit, "operational_on"),
			 "meets_due", json_object_get(unit, "meets_due"),
			 "days_late", json_object_get(unit, "days_late"), "binding", binding,
			 "source", json_object_get(c, "source"), "action", json_object_get(c, "action"),
			 "days", json_object_get(c, "days"), "units_short", json_object_get(c, "units"),
			 "moves_to", json_object_get(c, "moves_to"),
			 "critical_path", json_object_get(c, "text"));
}

struct dated_event {
	int day;
	size_t index;
};

static int by_event_day(const void *a, const void *b)
{
	const struct dated_event *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* What need @i counts on, in day order. */
static json_t *sources_json(const struct proj *pj, size_t i)
{
	const struct ready_need *n = &pj->t->needs[i];
	struct dated_event *d = calloc(n->nevents ? n->nevents : 1, sizeof *d);
	json_t *list = json_array();

	if (!d || !list) {
		free(d);
		json_decref(list);
		return NULL;
	}
	for (size_t k = 0; k < n->nevents; k++)
		d[k] = (struct dated_event){ready_event_day(pj->t, &n->events[k]), k};
	qsort(d, n->nevents, sizeof *d, by_event_day);
	for (size_t k = 0; k < n->nevents; k++) {
		const struct ready_event *e = &n->events[d[k].index];
		json_array_append_new(list, json_pack("{s:s, s:s, s:o, s:I, s:b, s:b}", "kind",
						      ready_kind_name(e->kind), "source", e->source,
						      "date", date_json(d[k].day), "units",
						      (json_int_t)e->units, "estimated", e->estimated,
						      "overdue", d[k].day != e->day));
	}
	free(d);
	return list;
}

static json_t *needs_json(const struct proj *pj)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < pj->t->nneeds; i++) {
		const struct ready_need *n = &pj->t->needs[i];
		json_t *o = json_object();
		if (!o)
			continue;
		name_need(pj, (int)i, o);
		json_object_set_new(o, "quantity", json_integer(n->quantity));
		json_object_set_new(o, "required", json_integer((json_int_t)pj->t->count * n->quantity));
		json_object_set_new(o, "reserved", json_integer(n->reserved));
		json_object_set_new(o, "in_sight", json_integer(pj->r->in_sight[i]));
		json_object_set_new(o, "sources", sources_json(pj, i));
		json_array_append_new(list, o);
	}
	return list;
}

/* The whole answer for one target; its flat rows go to @rows too. */
static json_t *target_json(const struct proj *pj, json_t *rows)
{
	const struct ready_result *r = pj->r;
	json_t *units = json_array(), *o;
	int never = 0;
	char due[11], last[11], summary[400];

	for (size_t k = 0; units && k < r->nunits; k++) {
		json_t *u = unit_json(pj, &r->units[k]);
		never += r->units[k].day == READY_NEVER;
		if (u)
			json_array_append_new(rows, unit_row(pj, u));
		json_array_append_new(units, u ? u : json_null());
	}
	snprintf(summary, sizeof summary, "%s at %s: %d of %zu operational by %s%s%s",
		 rec_str(pj->target, "name"), rec_str(pj->target, "unit"), r->on_time, r->nunits,
		 date_text(pj->t->due, due), r->last_day == READY_NEVER ? "" : "; the last on ",
		 r->last_day == READY_NEVER ? "" : date_text(r->last_day, last));
	if (never) {
		size_t n = strlen(summary);
		snprintf(summary + n, sizeof summary - n, "; %d not in sight", never);
	}
	o = json_pack("{s:O, s:s, s:I, s:I, s:I, s:o, s:s, s:o, s:o}", "target", pj->target,
		      "summary", summary, "on_time", (json_int_t)r->on_time, "late",
		      (json_int_t)((int)r->nunits - r->on_time - never), "never", (json_int_t)never,
		      "last_operational_on", date_json(r->last_day), "as_of",
		      date_text(pj->t->as_of, last), "needs", needs_json(pj), "units", units);
	return o;
}

/* ---- Projecting the targets. ---------------------------------------------------- */

static int by_due(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int d = strcmp(rec_str(x, "due_on"), rec_str(y, "due_on"));

	return d ? d : strcmp(rec_str(x, "id"), rec_str(y, "id"));
}

struct readiness_ctx {
	const struct principal *p;
	const char *target;          /* one target, or NULL for all in scope */
	json_t *out;
	json_t *rows;                /* the flat table */
	int on_time, late, never, targets;
};

/* Project @target (its needs @needs) on the pools, claiming its share of
 * them; with @out, answer it. */
static int project(struct gather *g, const json_t *target, const json_t *needs, json_t *rows,
		   json_t **out)
{
	size_t n = json_array_size(needs), *pix = calloc(n ? n : 1, sizeof *pix);
	struct ready_need *rn = calloc(n ? n : 1, sizeof *rn);
	long long count = rec_num(target, "count");
	int rc = pix && rn ? ST_OK : ST_INTERNAL;

	for (size_t i = 0; rc == ST_OK && i < n; i++)
		rc = pool_of(g, rec_str(target, "unit"), json_array_get(needs, i), &pix[i]);
	for (size_t i = 0; rc == ST_OK && i < n; i++) {
		const json_t *need = json_array_get(needs, i);
		struct pool *pl = &g->pools[pix[i]];
		rn[i] = (struct ready_need){what_of(need), rec_str(need, "course") != NULL,
					    rec_num(need, "quantity"), pl->claimed, pl->ev, pl->n};
		pl->claimed += count * rec_num(need, "quantity");
	}
	if (rc == ST_OK && out) {
		struct ready_target t = {(int)count, day_of(rec_str(target, "due_on"), g->as_of),
					 g->as_of, rn, n};
		struct ready_result r;
		char err[160];
		if (ready_project(&t, &r, err, sizeof err) != 0) {
			rc = ST_INTERNAL;
		} else {
			struct proj pj = {g, target, needs, &t, &r};
			rc = (*out = target_json(&pj, rows)) ? ST_OK : ST_INTERNAL;
			ready_result_free(&r);
		}
	}
	free(pix);
	free(rn);
	return rc;
}

static int readiness_work(struct store_tx *tx, void *arg)
{
	struct readiness_ctx *c = arg;
	struct gather g = {.tx = tx, .keep = json_array()};
	json_t *targets = NULL, *needs = NULL, *by_target = json_object(), *list = json_array(), *t, *n;
	char today[11];
	size_t i;
	int rc;

	json_decref(c->out);
	json_decref(c->rows);
	c->out = NULL;
	c->rows = json_array();
	c->on_time = c->late = c->never = c->targets = 0;
	tally_today(today);
	g.as_of = day_of(today, 0);
	if (!g.keep || !by_target || !list || !c->rows) {
		rc = ST_INTERNAL;
		goto done;
	}
	if ((rc = rows(&g, &ESPEC_CAPABILITY_TARGETS, NULL, NULL, &targets)) != ST_OK ||
	    (rc = rows(&g, &ESPEC_CAPABILITY_NEEDS, NULL, NULL, &needs)) != ST_OK ||
	    (rc = tally_sort(targets, by_due)) != ST_OK)
		goto done;
	json_array_foreach(needs, i, n) {
		json_t *mine = json_object_get(by_target, rec_str(n, "target"));
		if (!mine)
			json_object_set_new(by_target, rec_str(n, "target"), mine = json_array());
		json_array_append(mine, n);
	}
	rc = c->target ? ST_NOT_FOUND : ST_OK;
	json_array_foreach(targets, i, t) {
		bool wanted = svc_sees_nation(c->p, rec_str(t, "nation")) && (!c->target || str_is(c->target, rec_str(t, "id")));
		json_t *one = NULL;
		int prc = project(&g, t, json_object_get(by_target, rec_str(t, "id")), c->rows,
				  wanted ? &one : NULL);
		if (prc != ST_OK) {
			rc = prc;
			goto done;
		}
		if (!one)
			continue;
		if (c->target)
			rc = ST_OK;
		c->targets++;
		c->on_time += (int)rec_num(one, "on_time");
		c->late += (int)rec_num(one, "late");
		c->never += (int)rec_num(one, "never");
		json_array_append_new(list, one);
	}
	if (rc != ST_OK)
		goto done;
	if (c->target) {
		c->out = json_incref(json_array_get(list, 0));
	} else {
		char summary[256];
		snprintf(summary, sizeof summary, "%d capability target%s: %d units operational by "
			 "their dates, %d late, %d not in sight.", c->targets, c->targets == 1 ? "" : "s",
			 c->on_time, c->late, c->never);
		c->out = json_pack("{s:s, s:s, s:O}", "summary", summary, "as_of", today, "targets", list);
	}
	rc = c->out ? ST_OK : ST_INTERNAL;
	if (rc == ST_OK)
		json_object_set(c->out, "rows", c->rows);
done:
	json_decref(by_target);
	json_decref(list);
	gather_free(&g);
	return rc;
}

int svc_readiness(struct svc *svc, const struct principal *p, const char *target, json_t **out)
{
	struct readiness_ctx c = {.p = p, .target = target};
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, "readiness", ACT_READ))
		return ST_FORBIDDEN;
	rc = store_run(svc->store, STORE_READ, readiness_work, &c);
	if (rc == ST_OK)
		*out = c.out;
	else
		json_decref(c.out);
	json_decref(c.rows);
	return rc;
}
