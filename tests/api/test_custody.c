/*
 * test_custody.c - custody events (issue #5) through the real server: what
 * each type of event does to shipments, legs, lines and assets; replayed
 * and all-or-nothing batches; conservation under random event sequences,
 * checked against a model kept here; end-use due dates at month ends and
 * in leap years; the role x event type matrix and scope; corrections; and
 * the forms of ids, times and batch bodies.
 *
 * Every test starts its own server on a copy of the demo database and
 * makes its own shipments.  The demo's shipments already use serials
 * DE-PAC2-*, so the serials here are T-*.  Expected values (counters, due
 * dates, who may record what) are worked out here, never read back from
 * the code under test.
 *
 * Tests whose name starts with "bug_" pin bugs this suite found (and that
 * were fixed): each states in its comment what is expected and why.
 */
#include "donations.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

Suite *suite_custody(void);

/* ==== Ids, times and dates (our own arithmetic). ============================= */

static unsigned long long splitmix(unsigned long long *x)
{
	unsigned long long z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A new UUID of @version (4 or 7) in canonical lower-case text.  Unique
 * within the process: a counter goes into the random bits. */
static void uuid_make(char out[37], int version)
{
	static unsigned long long counter;
	unsigned long long seed = ((unsigned long long)getpid() << 32) ^ ++counter;
	unsigned long long a = splitmix(&seed), b = splitmix(&seed);
	unsigned char u[16];

	for (int i = 0; i < 8; i++) {
		u[i] = (unsigned char)(a >> (8 * i));
		u[8 + i] = (unsigned char)(b >> (8 * i));
	}
	if (version == 7) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		unsigned long long ms = (unsigned long long)ts.tv_sec * 1000 +
					(unsigned long long)ts.tv_nsec / 1000000;
		for (int i = 0; i < 6; i++)
			u[i] = (unsigned char)(ms >> (40 - 8 * i));
	}
	u[6] = (unsigned char)((version << 4) | (u[6] & 0x0f));
	u[8] = (unsigned char)(0x80 | (u[8] & 0x3f));
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
static long long days_from_civil(long long y, long long m, long long d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, long long *m, long long *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static long long parse_date(const char *s)
{
	long long y = strtoll(s, NULL, 10), m = strtoll(s + 5, NULL, 10),
		  d = strtoll(s + 8, NULL, 10);

	return days_from_civil(y, m, d);
}

/* The date @days after the date part of @at. */
static void date_plus(const char *at, long long days, char out[11])
{
	long long y, m, d;

	char buf[64];

	civil_from_days(parse_date(at) + days, &y, &m, &d);
	snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", y, m, d);
	snprintf(out, 11, "%.10s", buf);
}

/* The same day a year after the date part of @at; 29 February goes to
 * 28 February (the rule the issue states). */
static void date_next_year(const char *at, char out[11])
{
	long long y = strtoll(at, NULL, 10) + 1, m = strtoll(at + 5, NULL, 10),
		  d = strtoll(at + 8, NULL, 10);
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	char buf[64];

	if (m == 2 && d == 29 && !leap)
		d = 28;
	snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", y, m, d);
	snprintf(out, 11, "%.10s", buf);
}

/* "YYYY-MM-DDTHH:MM:SS.000Z" for @secs after the epoch. */
static void stamp(long long secs, char out[32])
{
	long long y, m, d, day = secs / 86400, rest = secs % 86400;

	char buf[160];

	civil_from_days(day, &y, &m, &d);
	snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.000Z", y, m, d,
		 rest / 3600, rest / 60 % 60, rest % 60);
	snprintf(out, 32, "%.31s", buf);
}

/* An event time @hours after 2026-06-01T00:00Z (in the past), from a ring
 * of buffers so that a few can be used in one expression. */
static const char *T(int hours)
{
	static char ring[32][32];
	static unsigned next;
	char *out = ring[next++ % 32];

	stamp(days_from_civil(2026, 6, 1) * 86400 + (long long)hours * 3600, out);
	return out;
}

/* ==== The fixture. ============================================================ */

enum user { ADMIN, PLANNER, LIAISON, OFFICER, NODE, FACILITY, AUDITOR, NUSERS };

static const char *const USER_NAMES[NUSERS] = {
	"admin", "planner", "liaison.deu", "officer.ukr", "node.rze", "facility.grf", "auditor",
};

struct ctx {
	struct server *s;
	const char *tok[NUSERS];
	char ammo_alloc[ID_LEN];  /* DEU ART-155-DM121, 15 000 (the demo ships 3 000) */
	char pac_alloc[ID_LEN];   /* DEU AD-PAT-PAC2, 16 (the demo ships 6) */
	int serials;
};

/* The token of demo user @u, logging in on first use (argon2id is slow). */
static const char *as(struct ctx *c, enum user u)
{
	if (!c->tok[u])
		c->tok[u] = login_as(c->s, USER_NAMES[u]);
	return c->tok[u];
}

static json_t *get_json(struct ctx *c, const char *tok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* GET a path as @tok; asserts 200 and returns the body (new reference). */
static json_t *get_json(struct ctx *c, const char *tok, const char *fmt, ...)
{
	struct http_res r = {0};
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	req(c->s, "GET", path, tok, NULL, &r);
	ck_assert_msg(r.status == 200 && r.json, "GET %s: %ld %s", path, r.status, r.body);
	json_t *j = json_incref(r.json);
	res_free(&r);
	return j;
}

/* GET a path; the status only. */
static long get_status(struct ctx *c, const char *tok, const char *path)
{
	struct http_res r = {0};
	long st = req(c->s, "GET", path, tok, NULL, &r);

	res_free(&r);
	return st;
}

static void start(struct ctx *c)
{
	memset(c, 0, sizeof *c);
	c->s = server_start(NULL);
	json_t *list = get_json(c, as(c, PLANNER), "/api/v1/allocations?limit=500"), *a;
	size_t i;

	json_array_foreach(json_object_get(list, "items"), i, a) {
		if (jint(a, "quantity") == 15000)
			snprintf(c->ammo_alloc, ID_LEN, "%s", jstr(a, "id"));
		if (jint(a, "quantity") == 16)
			snprintf(c->pac_alloc, ID_LEN, "%s", jstr(a, "id"));
	}
	json_decref(list);
	ck_assert_msg(*c->ammo_alloc && *c->pac_alloc, "demo allocations not found");
}

/* POST /api/v1/@entity with @body (taken) as @tok; asserts 201; copies the id. */
static void create(struct ctx *c, const char *tok, const char *entity, json_t *body,
		   char id[ID_LEN])
{
	struct http_res r = {0};
	char path[64];

	snprintf(path, sizeof path, "/api/v1/%s", entity);
	send_json(c->s, "POST", path, tok, body, &r);
	ck_assert_msg(r.status == 201, "POST %s: %ld %s", path, r.status, r.body);
	if (id)
		snprintf(id, ID_LEN, "%s", jstr(r.json, "id") ? jstr(r.json, "id") : "");
	res_free(&r);
}

/* A user made by the admin, logged in. */
static const char *new_user(struct ctx *c, const char *name, const char *role,
			    const char *nation, const char *site)
{
	create(c, as(c, ADMIN), "users",
	       json_pack("{s:s,s:s,s:s,s:s?,s:s?}", "username", name, "password",
			 "custody-test-pass-1", "role", role, "nation", nation, "site", site),
	       NULL);
	return login(c->s, name, "custody-test-pass-1");
}

struct ship {
	char id[ID_LEN];
	char ammo[ID_LEN];      /* the ART-155-DM121 line, or "" */
	char pac[ID_LEN];       /* the AD-PAT-PAC2 line, or "" */
	char serial[8][16];     /* the PAC-2 serials */
	int nserial;
};

/* A shipment of @nation with legs to each of @stops (NULL-terminated). */
static void shipment(struct ctx *c, struct ship *sh, const char *nation, const char *purpose,
		     const char *origin, const char *handover, const char *dest,
		     const char *order, const char *const *stops)
{
	memset(sh, 0, sizeof *sh);
	create(c, as(c, PLANNER), "shipments",
	       json_pack("{s:s,s:s,s:s,s:s?,s:s,s:s?,s:s,s:s}", "nation", nation, "purpose",
			 purpose, "origin", origin, "handover_point", handover, "destination",
			 dest, "repair_order", order, "planned_departure", "2023-01-01",
			 "planned_arrival", "2026-12-31"),
	       sh->id);
	for (const char *const *s = stops; *s; s++)
		create(c, as(c, PLANNER), "shipment_legs",
		       json_pack("{s:s,s:s,s:s}", "shipment", sh->id, "to_site", *s, "mode", "road"),
		       NULL);
}

static void line(struct ctx *c, const char *ship, const char *alloc, const char *item,
		 long long qty, const char *serials, char id[ID_LEN])
{
	create(c, as(c, PLANNER), "shipment_lines",
	       json_pack("{s:s,s:s?,s:s,s:I,s:s?}", "shipment", ship, "allocation", alloc, "item",
			 item, "quantity", (json_int_t)qty, "serials", serials),
	       id);
}

/* A PAC-2 line of @n new serials on @sh. */
static void pac_line(struct ctx *c, struct ship *sh, int n)
{
	char serials[256] = "";
	size_t used = 0;

	ck_assert(n > 0 && n <= 8);
	for (int i = 0; i < n; i++) {
		snprintf(sh->serial[i], sizeof sh->serial[i], "T-%04d", ++c->serials);
		used += (size_t)snprintf(serials + used, sizeof serials - used, "%s%s",
					 i ? ";" : "", sh->serial[i]);
	}
	sh->nserial = n;
	line(c, sh->id, c->pac_alloc, "AD-PAT-PAC2", n, serials, sh->pac);
}

/* The standard delivery: DEU, DEP-DEU > LN-RZE > HP-MED > UA-UNIT-W, with
 * an ammunition line of @ammo units and a PAC-2 line of @npac serials
 * (each left out when 0). */
static void delivery(struct ctx *c, struct ship *sh, long long ammo, int npac)
{
	static const char *const stops[] = {"LN-RZE", "HP-MED", "UA-UNIT-W", NULL};

	shipment(c, sh, "DEU", "delivery", "DEP-DEU", "HP-MED", "UA-UNIT-W", NULL, stops);
	if (ammo)
		line(c, sh->id, c->ammo_alloc, "ART-155-DM121", ammo, NULL, sh->ammo);
	if (npac)
		pac_line(c, sh, npac);
}

/* ==== Events. ================================================================= */

/* A new event (new reference) with a fresh UUIDv7. */
static json_t *ev(const char *type, const char *at, const char *site, const char *ship)
{
	char id[37];
	json_t *e;

	uuid_make(id, 7);
	e = json_pack("{s:s,s:s,s:s,s:s}", "id", id, "type", type, "at", at, "site", site);
	ck_assert(e != NULL);
	if (ship)
		json_object_set_new(e, "shipment", json_string(ship));
	return e;
}

/* @e with its line and quantity (0: none given). */
static json_t *on_line(json_t *e, const char *line_id, long long qty)
{
	if (line_id)
		json_object_set_new(e, "line", json_string(line_id));
	if (qty)
		json_object_set_new(e, "quantity", json_integer(qty));
	return e;
}

static json_t *serial(json_t *e, const char *item, const char *sn)
{
	json_object_set_new(e, "item", json_string(item));
	json_object_set_new(e, "serial", json_string(sn));
	return e;
}

static json_t *pac(json_t *e, const char *sn)
{
	return serial(e, "AD-PAT-PAC2", sn);
}

static json_t *with(json_t *e, const char *key, json_t *value)
{
	json_object_set_new(e, key, value);
	return e;
}

static json_t *disc(const char *kind, const char *at, const char *site, const char *ship)
{
	return with(ev("discrepancy", at, site, ship), "discrepancy", json_string(kind));
}

/* POST /api/v1/events with @e (borrowed) as @tok. */
static long post(struct ctx *c, const char *tok, const json_t *e, struct http_res *r)
{
	char *text = json_dumps(e, JSON_COMPACT);
	long st;

	ck_assert(text != NULL);
	st = req(c->s, "POST", "/api/v1/events", tok, text, r);
	free(text);
	return st;
}

/* Post @e (taken) and assert 201 with the event echoed. */
static void ok(struct ctx *c, const char *tok, json_t *e)
{
	struct http_res r = {0};

	post(c, tok, e, &r);
	ck_assert_msg(r.status == 201, "%s %s at %s: %ld %s", jstr(e, "type"),
		      jstr(e, "at"), jstr(e, "site"), r.status, r.body);
	ck_assert_pstr_eq(jstr(r.json, "id"), jstr(e, "id"));
	ck_assert_pstr_eq(jstr(r.json, "type"), jstr(e, "type"));
	res_free(&r);
	json_decref(e);
}

/* Post @e (taken); assert the problem and that the event was not stored. */
static void refused(struct ctx *c, const char *tok, json_t *e, long status, const char *slug,
		    const char *field)
{
	struct http_res r = {0};
	char path[96];

	post(c, tok, e, &r);
	ck_assert_msg(r.status == status, "%s %s at %s: want %ld, got %ld %s", jstr(e, "type"),
		      jstr(e, "at"), jstr(e, "site"), status, r.status, r.body);
	assert_problem(&r, status, slug, field);
	snprintf(path, sizeof path, "/api/v1/events/%s", jstr(e, "id"));
	ck_assert_int_eq(get_status(c, as(c, ADMIN), path), 404);
	res_free(&r);
	json_decref(e);
}

/* POST /api/v1/events:batch {"events": @events (borrowed)}. */
static long batch(struct ctx *c, const char *tok, json_t *events, struct http_res *r)
{
	return send_json(c->s, "POST", "/api/v1/events:batch", tok,
			 json_pack("{s:O}", "events", events), r);
}

/* ==== Reading records back. ===================================================== */

static json_t *rec(struct ctx *c, const char *entity, const char *id)
{
	return get_json(c, as(c, ADMIN), "/api/v1/%s/%s", entity, id);
}

static json_t *asset(struct ctx *c, const char *item, const char *sn)
{
	json_t *list = get_json(c, as(c, ADMIN), "/api/v1/assets?item=%s&serial=%s", item, sn);
	json_t *items = json_object_get(list, "items");

	ck_assert_msg(json_array_size(items) == 1, "asset %s %s: %zu found", item, sn,
		      json_array_size(items));
	json_t *a = json_incref(json_array_get(items, 0));
	json_decref(list);
	return a;
}

/* The legs of @ship as an array indexed by seq - 1 (new reference). */
static json_t *legs(struct ctx *c, const char *ship)
{
	json_t *list = get_json(c, as(c, ADMIN), "/api/v1/shipment_legs?shipment=%s&limit=500",
				ship);
	json_t *items = json_object_get(list, "items"), *out = json_array(), *l;
	size_t n = json_array_size(items), i;

	for (i = 0; i < n; i++)
		json_array_append_new(out, json_null());
	json_array_foreach(items, i, l) {
		long long seq = jint(l, "seq");
		ck_assert_msg(seq >= 1 && (size_t)seq <= n, "leg seq %lld of %zu", seq, n);
		json_array_set(out, (size_t)seq - 1, l);
	}
	json_decref(list);
	return out;
}

/* Assert @o's @key is the string @want, or JSON null when @want is NULL. */
static void is_str(const json_t *o, const char *key, const char *want)
{
	json_t *v = json_object_get(o, key);
	char *text = json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY);

	if (!want)
		ck_assert_msg(json_is_null(v), "%s: want null in %s", key, text);
	else
		ck_assert_msg(json_is_string(v) && strcmp(json_string_value(v), want) == 0,
			      "%s: want %s in %s", key, want, text);
	free(text);
}

static void rec_str(struct ctx *c, const char *entity, const char *id, const char *key,
		    const char *want)
{
	json_t *o = rec(c, entity, id);
	is_str(o, key, want);
	json_decref(o);
}

static void asset_is(struct ctx *c, const char *sn, const char *status, const char *location)
{
	json_t *a = asset(c, "AD-PAT-PAC2", sn);
	is_str(a, "status", status);
	is_str(a, "location", location);
	json_decref(a);
}

static void leg_is(struct ctx *c, const char *ship, int seq, const char *departed,
		   const char *arrived)
{
	json_t *l = legs(c, ship);
	json_t *leg = json_array_get(l, (size_t)seq - 1);

	ck_assert_msg(json_is_object(leg), "no leg %d", seq);
	is_str(leg, "departed_at", departed);
	is_str(leg, "arrived_at", arrived);
	json_decref(l);
}

struct counts {
	long long dispatched, received, in_transit, shrt, lost, over, damaged, wrong_item;
};

/* Assert a line's counters (and conservation) and status. */
static void line_is(struct ctx *c, const char *id, struct counts w, const char *status)
{
	json_t *l = rec(c, "shipment_lines", id);
	char *text = json_dumps(l, JSON_COMPACT);

	ck_assert_msg(jint(l, "dispatched") == w.dispatched && jint(l, "received") == w.received &&
			      jint(l, "in_transit") == w.in_transit && jint(l, "short") == w.shrt &&
			      jint(l, "lost") == w.lost && jint(l, "over") == w.over &&
			      jint(l, "damaged") == w.damaged && jint(l, "wrong_item") == w.wrong_item,
		      "line %s: want dispatched %lld received %lld in_transit %lld short %lld "
		      "lost %lld over %lld damaged %lld wrong_item %lld; got %s",
		      id, w.dispatched, w.received, w.in_transit, w.shrt, w.lost, w.over, w.damaged,
		      w.wrong_item, text);
	ck_assert_msg(jint(l, "dispatched") == jint(l, "received") + jint(l, "in_transit") +
						      jint(l, "short") + jint(l, "lost"),
		      "conservation broken: %s", text);
	is_str(l, "status", status);
	free(text);
	json_decref(l);
}

#define C(...) ((struct counts){__VA_ARGS__})

/* ==== 1. What each type of event does. ========================================== */

START_TEST(dispatched_effect)
{
	struct ctx c;
	struct ship sh;

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 100, 2);

	/* Only at the origin, never beyond the line, a serialized line only
	 * by serial or whole, and a quantity needs its line. */
	refused(&c, p, on_line(ev("dispatched", T(1), "LN-RZE", sh.id), sh.ammo, 10), 400,
		"invalid-field", "site");
	refused(&c, p, on_line(ev("dispatched", T(1), "DEP-DEU", sh.id), sh.ammo, 101), 409,
		"conflict", "quantity");
	refused(&c, p, on_line(ev("dispatched", T(1), "DEP-DEU", sh.id), NULL, 10), 400,
		"invalid-field", "line");
	refused(&c, p, on_line(ev("dispatched", T(1), "DEP-DEU", sh.id), sh.pac, 1), 400,
		"invalid-field", "quantity");
	/* A line or serial of another shipment. */
	struct ship other;
	delivery(&c, &other, 10, 1);
	refused(&c, p, on_line(ev("dispatched", T(1), "DEP-DEU", sh.id), other.ammo, 1), 400,
		"invalid-field", "line");
	refused(&c, p, pac(ev("dispatched", T(1), "DEP-DEU", sh.id), other.serial[0]), 400,
		"invalid-field", "serial");
	refused(&c, p, pac(ev("dispatched", T(1), "DEP-DEU", sh.id), "T-NONE"), 400,
		"invalid-field", "serial");
	rec_str(&c, "shipments", sh.id, "status", "planned");
	rec_str(&c, "shipments", sh.id, "dispatched_at", NULL);
	line_is(&c, sh.ammo, C(0), "open");
	line_is(&c, other.ammo, C(0), "open");
	asset_is(&c, other.serial[0], "in_stock", "DEP-DEU");

	ok(&c, p, on_line(ev("dispatched", T(1), "DEP-DEU", sh.id), sh.ammo, 60));
	line_is(&c, sh.ammo, C(.dispatched = 60, .in_transit = 60), "open");
	line_is(&c, sh.pac, C(0), "open");
	json_t *s = rec(&c, "shipments", sh.id);
	is_str(s, "status", "in_transit");
	is_str(s, "dispatched_at", T(1));
	is_str(s, "location", NULL);
	json_decref(s);
	leg_is(&c, sh.id, 1, T(1), NULL);
	leg_is(&c, sh.id, 2, NULL, NULL);
	asset_is(&c, sh.serial[0], "in_stock", "DEP-DEU");

	refused(&c, p, on_line(ev("dispatched", T(2), "DEP-DEU", sh.id), sh.ammo, 41), 409,
		"conflict", "quantity");
	ok(&c, p, on_line(ev("dispatched", T(2), "DEP-DEU", sh.id), sh.pac, 0));
	line_is(&c, sh.pac, C(.dispatched = 2, .in_transit = 2), "open");
	asset_is(&c, sh.serial[0], "in_transit", NULL);
	asset_is(&c, sh.serial[1], "in_transit", NULL);

	/* The whole shipment: what is left of each line. */
	ok(&c, p, ev("dispatched", T(3), "DEP-DEU", sh.id));
	line_is(&c, sh.ammo, C(.dispatched = 100, .in_transit = 100), "open");
	line_is(&c, sh.pac, C(.dispatched = 2, .in_transit = 2), "open");
	refused(&c, p, ev("dispatched", T(4), "DEP-DEU", sh.id), 409, "conflict", "shipment");
	rec_str(&c, "shipments", sh.id, "dispatched_at", T(1));
	leg_is(&c, sh.id, 1, T(1), NULL);
	server_end(c.s);
}
END_TEST

START_TEST(arrived_departed_effect)
{
	struct ctx c;
	struct ship sh;

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 100, 1);

	refused(&c, p, ev("arrived", T(1), "LN-RZE", sh.id), 400, "invalid-field", "shipment");
	ok(&c, p, ev("dispatched", T(1), "DEP-DEU", sh.id));

	ok(&c, p, ev("arrived", T(2), "LN-RZE", sh.id));
	json_t *s = rec(&c, "shipments", sh.id);
	is_str(s, "status", "at_node");
	is_str(s, "location", "LN-RZE");
	json_decref(s);
	leg_is(&c, sh.id, 1, T(1), T(2));
	asset_is(&c, sh.serial[0], "in_transit", "LN-RZE");

	/* Not on the route. */
	refused(&c, p, ev("arrived", T(3), "LN-CTZ", sh.id), 400, "invalid-field", "site");
	refused(&c, p, ev("departed", T(3), "LN-CTZ", sh.id), 400, "invalid-field", "site");
	refused(&c, p, ev("arrived", T(3), "HP-DOR", sh.id), 400, "invalid-field", "site");

	ok(&c, p, ev("departed", T(3), "LN-RZE", sh.id));
	s = rec(&c, "shipments", sh.id);
	is_str(s, "status", "in_transit");
	is_str(s, "location", NULL);
	json_decref(s);
	leg_is(&c, sh.id, 2, T(3), NULL);
	asset_is(&c, sh.serial[0], "in_transit", NULL);

	ok(&c, p, ev("arrived", T(4), "HP-MED", sh.id));
	leg_is(&c, sh.id, 2, T(3), T(4));
	rec_str(&c, "shipments", sh.id, "location", "HP-MED");
	rec_str(&c, "shipments", sh.id, "status", "at_node");

	/* A late scan of an earlier arrival moves nothing back. */
	ok(&c, p, ev("arrived", "2026-06-01T02:30:00.000Z", "LN-RZE", sh.id));
	rec_str(&c, "shipments", sh.id, "location", "HP-MED");
	rec_str(&c, "shipments", sh.id, "status", "at_node");
	rec_str(&c, "shipments", sh.id, "last_event_at", T(4));
	leg_is(&c, sh.id, 1, T(1), T(2));

	ok(&c, p, ev("departed", T(5), "HP-MED", sh.id));
	ok(&c, p, ev("arrived", T(6), "UA-UNIT-W", sh.id));
	leg_is(&c, sh.id, 3, T(5), T(6));
	s = rec(&c, "shipments", sh.id);
	is_str(s, "location", "UA-UNIT-W");
	is_str(s, "last_event_at", T(6));
	json_decref(s);
	asset_is(&c, sh.serial[0], "in_transit", "UA-UNIT-W");
	line_is(&c, sh.ammo, C(.dispatched = 100, .in_transit = 100), "open");
	server_end(c.s);
}
END_TEST

START_TEST(handed_over_effect)
{
	struct ctx c;
	struct ship sh;
	char due[11];
	const char *h = "2026-03-10T10:00:00.000Z";

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 10, 2);
	ok(&c, p, ev("dispatched", "2026-03-08T06:00:00.000Z", "DEP-DEU", sh.id));
	ok(&c, p, ev("arrived", "2026-03-10T08:00:00.000Z", "HP-MED", sh.id));

	/* Only at the hand-over point. */
	refused(&c, p, ev("handed_over", h, "LN-RZE", sh.id), 400, "invalid-field", "site");
	refused(&c, p, ev("handed_over", h, "UA-UNIT-W", sh.id), 400, "invalid-field", "site");
	refused(&c, p, ev("handed_over", h, "HP-DOR", sh.id), 400, "invalid-field", "site");
	rec_str(&c, "shipments", sh.id, "handed_over_at", NULL);

	ok(&c, p, ev("handed_over", h, "HP-MED", sh.id));
	json_t *s = rec(&c, "shipments", sh.id);
	is_str(s, "status", "handed_over");
	is_str(s, "handed_over_at", h);
	is_str(s, "location", "HP-MED");
	json_decref(s);
	/* 10 March + 90 days = 8 June. */
	date_plus(h, 90, due);
	ck_assert_str_eq(due, "2026-06-08");
	for (int i = 0; i < 2; i++) {
		json_t *a = asset(&c, "AD-PAT-PAC2", sh.serial[i]);
		is_str(a, "handed_over_at", h);
		is_str(a, "inventory_due", due);
		is_str(a, "status", "in_transit");
		ck_assert(json_is_true(json_object_get(a, "sensitive")));
		json_decref(a);
	}

	/* Custody stays passed while it moves on. */
	ok(&c, p, ev("departed", "2026-03-10T12:00:00.000Z", "HP-MED", sh.id));
	s = rec(&c, "shipments", sh.id);
	is_str(s, "status", "handed_over");
	is_str(s, "location", NULL);
	json_decref(s);
	ok(&c, p, ev("arrived", "2026-03-11T12:00:00.000Z", "UA-UNIT-W", sh.id));
	rec_str(&c, "shipments", sh.id, "status", "handed_over");
	rec_str(&c, "shipments", sh.id, "location", "UA-UNIT-W");
	server_end(c.s);
}
END_TEST

START_TEST(received_effect)
{
	struct ctx c;
	struct ship sh;
	char line_b[ID_LEN], due[11];

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 100, 2);
	line(&c, sh.id, c.ammo_alloc, "ART-155-DM121", 50, NULL, line_b);
	ok(&c, p, ev("dispatched", T(1), "DEP-DEU", sh.id));

	/* Only at the destination. */
	refused(&c, p, on_line(ev("received", T(2), "HP-MED", sh.id), sh.ammo, 10), 400,
		"invalid-field", "site");

	ok(&c, p, on_line(ev("received", T(2), "UA-UNIT-W", sh.id), sh.ammo, 30));
	line_is(&c, sh.ammo, C(.dispatched = 100, .received = 30, .in_transit = 70), "open");
	/* More than in transit: the rest is over; all accounted for: closed. */
	ok(&c, p, on_line(ev("received", T(3), "UA-UNIT-W", sh.id), line_b, 60));
	line_is(&c, line_b, C(.dispatched = 50, .received = 50, .over = 10), "closed");
	/* The receipt confirmation books what is still missing short. */
	ok(&c, p, with(on_line(ev("received", T(4), "UA-UNIT-W", sh.id), sh.ammo, 50), "complete",
		       json_true()));
	line_is(&c, sh.ammo, C(.dispatched = 100, .received = 80, .shrt = 20), "closed");
	rec_str(&c, "shipments", sh.id, "status", "in_transit");
	rec_str(&c, "shipments", sh.id, "received_at", NULL);

	/* One serial, then the rest of its line. */
	ok(&c, p, pac(ev("received", T(5), "UA-UNIT-W", sh.id), sh.serial[0]));
	line_is(&c, sh.pac, C(.dispatched = 2, .received = 1, .in_transit = 1), "open");
	asset_is(&c, sh.serial[0], "in_service", "UA-UNIT-W");
	asset_is(&c, sh.serial[1], "in_transit", NULL);
	/* Received without a hand-over event: custody passed on receipt. */
	json_t *a = asset(&c, "AD-PAT-PAC2", sh.serial[0]);
	is_str(a, "handed_over_at", T(5));
	date_plus(T(5), 90, due);
	is_str(a, "inventory_due", due);
	json_decref(a);
	rec_str(&c, "shipments", sh.id, "status", "in_transit");
	/* A serial is received once. */
	refused(&c, p, pac(ev("received", T(5), "UA-UNIT-W", sh.id), sh.serial[0]), 409, "conflict",
		"serial");
	line_is(&c, sh.pac, C(.dispatched = 2, .received = 1, .in_transit = 1), "open");

	ok(&c, p, on_line(ev("received", T(6), "UA-UNIT-W", sh.id), sh.pac, 0));
	line_is(&c, sh.pac, C(.dispatched = 2, .received = 2), "closed");
	asset_is(&c, sh.serial[1], "in_service", "UA-UNIT-W");
	json_t *s = rec(&c, "shipments", sh.id);
	is_str(s, "status", "received");
	is_str(s, "received_at", T(6));
	is_str(s, "location", "UA-UNIT-W");
	json_decref(s);
	server_end(c.s);
}
END_TEST

START_TEST(discrepancy_effect)
{
	struct ctx c;
	struct ship sh;

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 100, 3);
	ok(&c, p, ev("dispatched", T(1), "DEP-DEU", sh.id));

	ok(&c, p, on_line(disc("short", T(2), "LN-RZE", sh.id), sh.ammo, 10));
	line_is(&c, sh.ammo, C(.dispatched = 100, .in_transit = 90, .shrt = 10), "open");
	refused(&c, p, on_line(disc("short", T(3), "LN-RZE", sh.id), sh.ammo, 91), 409, "conflict",
		"quantity");
	ok(&c, p, on_line(disc("over", T(3), "UA-UNIT-W", sh.id), sh.ammo, 5));
	ok(&c, p, on_line(disc("damaged", T(4), "UA-UNIT-W", sh.id), sh.ammo, 7));
	ok(&c, p, on_line(disc("wrong_item", T(5), "UA-UNIT-W", sh.id), sh.ammo, 3));
	line_is(&c, sh.ammo,
		C(.dispatched = 100, .in_transit = 90, .shrt = 10, .over = 5, .damaged = 7,
		  .wrong_item = 3),
		"open");
	/* More damaged than the line carries. */
	refused(&c, p, on_line(disc("damaged", T(5), "UA-UNIT-W", sh.id), sh.ammo, 91), 409,
		"conflict", "quantity");
	/* A quantity (or serial) is required; the kind goes with the type. */
	refused(&c, p, on_line(disc("over", T(5), "UA-UNIT-W", sh.id), sh.ammo, 0), 400,
		"invalid-field", "quantity");
	refused(&c, p, on_line(ev("discrepancy", T(5), "UA-UNIT-W", sh.id), sh.ammo, 1), 400,
		"invalid-field", "discrepancy");
	refused(&c, p,
		with(on_line(ev("received", T(5), "UA-UNIT-W", sh.id), sh.ammo, 1), "discrepancy",
		     json_string("short")),
		400, "invalid-field", "discrepancy");

	/* A serial short is lost. */
	ok(&c, p, pac(disc("short", T(6), "UA-UNIT-W", sh.id), sh.serial[0]));
	line_is(&c, sh.pac, C(.dispatched = 3, .in_transit = 2, .shrt = 1), "open");
	json_t *a = asset(&c, "AD-PAT-PAC2", sh.serial[0]);
	is_str(a, "status", "lost");
	is_str(a, "lost_at", T(6));
	json_decref(a);
	refused(&c, p, pac(disc("short", T(7), "UA-UNIT-W", sh.id), sh.serial[0]), 409, "conflict",
		"quantity");
	/* A damaged serial. */
	ok(&c, p, pac(disc("damaged", T(7), "UA-UNIT-W", sh.id), sh.serial[1]));
	line_is(&c, sh.pac, C(.dispatched = 3, .in_transit = 2, .shrt = 1, .damaged = 1), "open");
	asset_is(&c, sh.serial[1], "damaged", NULL);
	server_end(c.s);
}
END_TEST

START_TEST(inventory_check_effect)
{
	struct ctx c;
	struct ship sh;
	char due[11];
	const char *h = "2026-04-01T10:00:00.000Z", *d = "2026-05-15T09:30:00.000Z";

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 0, 2);

	/* An asset never handed over (registered at a depot) has no end-use
	 * inventory. */
	create(&c, p, "assets",
	       json_pack("{s:s,s:s,s:s,s:s}", "item", "AD-PAT-PAC2", "serial", "T-HAND-1",
			 "nation", "DEU", "location", "DEP-DEU"),
	       NULL);
	refused(&c, p, pac(ev("inventory_check", T(1), "DEP-DEU", NULL), "T-HAND-1"), 409,
		"conflict", "serial");

	ok(&c, p, ev("dispatched", "2026-03-30T06:00:00.000Z", "DEP-DEU", sh.id));
	refused(&c, p, pac(ev("inventory_check", "2026-03-31T06:00:00.000Z", "UA-UNIT-W", NULL),
			   sh.serial[0]),
		409, "conflict", "serial");
	ok(&c, p, ev("handed_over", h, "HP-MED", sh.id));
	/* Handed over but still on the way. */
	refused(&c, p, pac(ev("inventory_check", "2026-04-01T12:00:00.000Z", "UA-UNIT-W", NULL),
			   sh.serial[0]),
		409, "conflict", "serial");
	ok(&c, p, with(ev("received", "2026-04-03T10:00:00.000Z", "UA-UNIT-W", sh.id), "complete",
		       json_true()));
	json_t *a = asset(&c, "AD-PAT-PAC2", sh.serial[0]);
	is_str(a, "inventory_due", "2026-06-30");
	is_str(a, "last_inventory_at", NULL);
	json_decref(a);

	ok(&c, p, pac(ev("inventory_check", d, "UA-UNIT-W", NULL), sh.serial[0]));
	a = asset(&c, "AD-PAT-PAC2", sh.serial[0]);
	is_str(a, "last_inventory_at", d);
	date_next_year(d, due);
	ck_assert_str_eq(due, "2027-05-15");
	is_str(a, "inventory_due", due);
	is_str(a, "status", "in_service");
	is_str(a, "location", "UA-UNIT-W");
	json_decref(a);
	/* The other asset is untouched. */
	a = asset(&c, "AD-PAT-PAC2", sh.serial[1]);
	is_str(a, "last_inventory_at", NULL);
	is_str(a, "inventory_due", "2026-06-30");
	json_decref(a);
	server_end(c.s);
}
END_TEST

START_TEST(end_effects)
{
	struct ctx c;
	struct ship sh;

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 100, 4);
	ok(&c, p, ev("dispatched", T(1), "DEP-DEU", sh.id));

	/* Lost and destroyed on the way count in the line's "lost". */
	ok(&c, p, pac(ev("lost", T(2), "LN-RZE", sh.id), sh.serial[0]));
	json_t *a = asset(&c, "AD-PAT-PAC2", sh.serial[0]);
	is_str(a, "status", "lost");
	is_str(a, "lost_at", T(2));
	ck_assert_msg(jstr(a, "loss_reported_at") != NULL, "no loss_reported_at");
	is_str(a, "inventory_due", NULL);
	json_decref(a);
	line_is(&c, sh.pac, C(.dispatched = 4, .in_transit = 3, .lost = 1), "open");
	refused(&c, p, pac(ev("expended", T(3), "LN-RZE", sh.id), sh.serial[1]), 409, "conflict",
		"type");
	ok(&c, p, pac(ev("destroyed", T(3), "LN-RZE", sh.id), sh.serial[1]));
	asset_is(&c, sh.serial[1], "destroyed", NULL);
	line_is(&c, sh.pac, C(.dispatched = 4, .in_transit = 2, .lost = 2), "open");
	refused(&c, p, pac(ev("lost", T(4), "LN-RZE", sh.id), sh.serial[1]), 409, "conflict",
		"serial");

	ok(&c, p, on_line(ev("lost", T(4), "LN-RZE", sh.id), sh.ammo, 10));
	line_is(&c, sh.ammo, C(.dispatched = 100, .in_transit = 90, .lost = 10), "open");
	refused(&c, p, on_line(ev("lost", T(5), "LN-RZE", sh.id), sh.ammo, 91), 409, "conflict",
		"quantity");
	ok(&c, p, on_line(ev("destroyed", T(5), "LN-RZE", sh.id), sh.ammo, 5));
	line_is(&c, sh.ammo, C(.dispatched = 100, .in_transit = 85, .lost = 15), "open");
	refused(&c, p, on_line(ev("expended", T(5), "LN-RZE", sh.id), sh.ammo, 1), 400,
		"invalid-field", "serial");

	ok(&c, p, with(ev("received", T(6), "UA-UNIT-W", sh.id), "complete", json_true()));
	line_is(&c, sh.ammo, C(.dispatched = 100, .received = 85, .lost = 15), "closed");
	line_is(&c, sh.pac, C(.dispatched = 4, .received = 2, .lost = 2), "closed");
	rec_str(&c, "shipments", sh.id, "status", "received");
	asset_is(&c, sh.serial[2], "in_service", "UA-UNIT-W");

	/* In service: expended, destroyed; an end is final. */
	ok(&c, p, pac(ev("expended", T(7), "UA-UNIT-W", NULL), sh.serial[2]));
	a = asset(&c, "AD-PAT-PAC2", sh.serial[2]);
	is_str(a, "status", "expended");
	is_str(a, "lost_at", NULL);
	is_str(a, "inventory_due", NULL);
	json_decref(a);
	ok(&c, p, pac(ev("destroyed", T(8), "UA-UNIT-W", NULL), sh.serial[3]));
	a = asset(&c, "AD-PAT-PAC2", sh.serial[3]);
	is_str(a, "status", "destroyed");
	is_str(a, "lost_at", T(8));
	is_str(a, "inventory_due", NULL);
	json_decref(a);
	refused(&c, p, pac(ev("lost", T(9), "UA-UNIT-W", NULL), sh.serial[3]), 409, "conflict",
		"serial");
	refused(&c, p, pac(ev("expended", T(9), "UA-UNIT-W", NULL), sh.serial[2]), 409, "conflict",
		"serial");
	/* Losses after receipt leave the closed lines alone. */
	line_is(&c, sh.pac, C(.dispatched = 4, .received = 2, .lost = 2), "closed");
	server_end(c.s);
}
END_TEST

/*
 * BUG: a serial lost on the way, reported without naming its shipment (the
 * form the spec documents for losses: "shipment ... absent for inventory
 * checks and losses in service"; a scanner reporting a lost serial need not
 * know the shipment), turns the asset "lost" but leaves it counted in its
 * line's in_transit: the line's "lost" stays 0, and a later receipt
 * confirmation books the lost unit short as well.  Expected: the line's
 * "lost" counts it, as when the shipment is given (end_effects).
 */
START_TEST(bug_lost_serial_without_shipment_counts_in_line)
{
	struct ctx c;
	struct ship sh;

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 0, 2);
	ok(&c, p, ev("dispatched", T(1), "DEP-DEU", sh.id));
	ok(&c, p, pac(ev("lost", T(2), "LN-RZE", NULL), sh.serial[0]));
	asset_is(&c, sh.serial[0], "lost", NULL);
	line_is(&c, sh.pac, C(.dispatched = 2, .in_transit = 1, .lost = 1), "open");
	server_end(c.s);
}
END_TEST

/*
 * BUG: "status and location follow the latest event by time, so a node that
 * replays old scans late does not move a shipment backwards" -- but its
 * assets do move back: a late arrival scan at LN-RZE (older than the
 * arrival at HP-MED) leaves the shipment at HP-MED and moves its serials'
 * location to LN-RZE.  Expected: the assets stay where their shipment is.
 */
START_TEST(bug_late_scan_moves_assets_back)
{
	struct ctx c;
	struct ship sh;

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 0, 1);
	ok(&c, p, ev("dispatched", T(1), "DEP-DEU", sh.id));
	ok(&c, p, ev("arrived", T(2), "LN-RZE", sh.id));
	ok(&c, p, ev("departed", T(3), "LN-RZE", sh.id));
	ok(&c, p, ev("arrived", T(4), "HP-MED", sh.id));
	ok(&c, p, ev("arrived", T(2), "LN-RZE", sh.id));  /* the late scan */
	rec_str(&c, "shipments", sh.id, "location", "HP-MED");
	asset_is(&c, sh.serial[0], "in_transit", "HP-MED");
	server_end(c.s);
}
END_TEST

/*
 * BUG: a receipt confirmation (complete=true) closes a line that was only
 * partly dispatched; the server then still accepts dispatches on it, and
 * the line reads "closed" with units in transit -- which breaks "closed
 * implies in_transit = 0" (and the shipment stays "received" while its
 * units are on the road).  Expected: the dispatch is refused (409) or the
 * line opens again; either way never closed with units in transit.
 */
START_TEST(bug_closed_line_takes_more_dispatches)
{
	struct ctx c;
	struct ship sh;
	struct http_res r = {0};

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 100, 0);
	ok(&c, p, on_line(ev("dispatched", T(1), "DEP-DEU", sh.id), sh.ammo, 40));
	ok(&c, p, with(on_line(ev("received", T(2), "UA-UNIT-W", sh.id), sh.ammo, 40), "complete",
		       json_true()));
	line_is(&c, sh.ammo, C(.dispatched = 40, .received = 40), "closed");
	rec_str(&c, "shipments", sh.id, "status", "received");

	json_t *e = on_line(ev("dispatched", T(3), "DEP-DEU", sh.id), sh.ammo, 30);
	post(&c, p, e, &r);
	json_decref(e);
	json_t *l = rec(&c, "shipment_lines", sh.ammo);
	char *text = json_dumps(l, JSON_COMPACT);
	ck_assert_msg(r.status == 201 || r.status == 409, "dispatch: %ld %s", r.status, r.body);
	ck_assert_msg(!(strcmp(jstr(l, "status"), "closed") == 0 && jint(l, "in_transit") > 0),
		      "the dispatch was answered %ld and the line is closed with units in "
		      "transit: %s",
		      r.status, text);
	if (r.status == 201) {
		json_t *s = rec(&c, "shipments", sh.id);
		ck_assert_msg(strcmp(jstr(s, "status"), "received") != 0,
			      "units on the road, shipment still received");
		json_decref(s);
	}
	free(text);
	json_decref(l);
	res_free(&r);
	server_end(c.s);
}
END_TEST

/*
 * BUG: a dispatch recorded late with an earlier time (a scanner that syncs
 * after the next one) moves the shipment's dispatched_at back to it, but
 * not leg 1's departed_at, which stays at the later dispatch -- while a
 * late "departed" scan does move a leg's departed_at back to the earliest.
 * Expected: leg 1 departed when the shipment was dispatched.
 */
START_TEST(bug_backdated_dispatch_leaves_leg_departure)
{
	struct ctx c;
	struct ship sh;

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 100, 0);
	ok(&c, p, on_line(ev("dispatched", T(5), "DEP-DEU", sh.id), sh.ammo, 10));
	ok(&c, p, on_line(ev("dispatched", T(1), "DEP-DEU", sh.id), sh.ammo, 10));
	rec_str(&c, "shipments", sh.id, "dispatched_at", T(1));
	leg_is(&c, sh.id, 1, T(1), NULL);
	server_end(c.s);
}
END_TEST

/* ==== 2. Replays change nothing. ================================================= */

/* Everything a shipment's events write: shipment, lines, legs, assets (with
 * versions), as one JSON value (new reference). */
static json_t *snapshot(struct ctx *c, const char *ship)
{
	json_t *s = rec(c, "shipments", ship);
	json_t *lines = get_json(c, as(c, ADMIN), "/api/v1/shipment_lines?shipment=%s&limit=500",
				 ship);
	json_t *assets = get_json(c, as(c, ADMIN), "/api/v1/assets?shipment=%s&limit=500", ship);
	json_t *l = legs(c, ship);

	return json_pack("{s:o,s:o,s:o,s:o}", "shipment", s, "lines", lines, "legs", l, "assets",
			 assets);
}

static void same_snapshot(json_t *a, json_t *b, const char *when)
{
	char *x = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
	char *y = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);

	ck_assert_msg(json_equal(a, b), "%s changed records:\nbefore %s\nafter  %s", when, x, y);
	free(x);
	free(y);
}

/* Assert a 200 batch report. */
static void report_is(const struct http_res *r, long long received, long long recorded,
		      long long duplicates)
{
	ck_assert_msg(r->status == 200, "batch: %ld %s", r->status, r->body);
	ck_assert_msg(jint(r->json, "received") == received && jint(r->json, "recorded") == recorded &&
			      jint(r->json, "duplicates") == duplicates,
		      "want received %lld recorded %lld duplicates %lld: %s", received, recorded,
		      duplicates, r->body);
}

/* Assert a refused batch: 400 problem listing exactly @n errors, at
 * @indexes, naming @fields; none of @absent (NULL: of @events) stored. */
static void batch_refused(struct ctx *c, const struct http_res *r, json_t *events, size_t n,
			  const size_t *indexes, const char *const *fields, json_t *absent)
{
	json_t *errors = json_object_get(r->json, "errors"), *e, *ev_i;
	size_t i;

	ck_assert_msg(r->status == 400, "batch: want 400, got %ld %s", r->status, r->body);
	ck_assert_str_eq(r->ctype, "application/problem+json");
	ck_assert_pstr_eq(jstr(r->json, "type"), "urn:nsatu:problem:invalid-field");
	ck_assert_msg(json_array_size(errors) == n, "want %zu errors: %s", n, r->body);
	ck_assert_int_eq(jint(r->json, "failed"), n);
	ck_assert_int_eq(jint(r->json, "received"), json_array_size(events));
	json_array_foreach(errors, i, e) {
		ck_assert_msg(json_is_integer(json_object_get(e, "index")) &&
				      (size_t)jint(e, "index") == indexes[i],
			      "error %zu: want index %zu: %s", i, indexes[i], r->body);
		ck_assert_pstr_eq(jstr(e, "id"), jstr(json_array_get(events, indexes[i]), "id"));
		ck_assert_msg(jstr(e, "field") && strcmp(jstr(e, "field"), fields[i]) == 0,
			      "error %zu: want field %s: %s", i, fields[i], r->body);
		ck_assert_msg(jstr(e, "reason") && *jstr(e, "reason"), "no reason: %s", r->body);
	}
	json_array_foreach(absent ? absent : events, i, ev_i) {
		char path[96];
		snprintf(path, sizeof path, "/api/v1/events/%s", jstr(ev_i, "id"));
		ck_assert_msg(get_status(c, as(c, ADMIN), path) == 404, "event %zu of a refused "
			      "batch was stored", i);
	}
}

/* The journey of the standard delivery as a batch (new reference). */
static json_t *journey(const struct ship *sh)
{
	json_t *b = json_array();

	json_array_append_new(b, ev("dispatched", T(1), "DEP-DEU", sh->id));
	json_array_append_new(b, ev("arrived", T(2), "LN-RZE", sh->id));
	json_array_append_new(b, ev("departed", T(3), "LN-RZE", sh->id));
	json_array_append_new(b, ev("arrived", T(4), "HP-MED", sh->id));
	json_array_append_new(b, ev("handed_over", T(5), "HP-MED", sh->id));
	json_array_append_new(b, ev("departed", T(6), "HP-MED", sh->id));
	json_array_append_new(b, ev("arrived", T(7), "UA-UNIT-W", sh->id));
	json_array_append_new(b, on_line(ev("received", T(8), "UA-UNIT-W", sh->id), sh->ammo, 90));
	json_array_append_new(b, pac(ev("received", T(9), "UA-UNIT-W", sh->id), sh->serial[0]));
	json_array_append_new(b, on_line(disc("over", T(10), "UA-UNIT-W", sh->id), sh->ammo, 3));
	return b;
}

START_TEST(replay_changes_nothing)
{
	struct ctx c;
	struct ship sh;
	struct http_res r = {0};

	start(&c);
	const char *p = as(&c, PLANNER), *admin = as(&c, ADMIN);
	delivery(&c, &sh, 100, 2);
	json_t *b = journey(&sh);
	size_t n = json_array_size(b);

	long long audit0 = audit_count(c.s, admin);
	batch(&c, p, b, &r);
	report_is(&r, (long long)n, (long long)n, 0);
	/* One audit record for the batch. */
	long long audit1 = audit_count(c.s, admin);
	ck_assert_int_eq(audit1, audit0 + 1);
	json_t *snap1 = snapshot(&c, sh.id);
	line_is(&c, sh.ammo, C(.dispatched = 100, .received = 90, .in_transit = 10, .over = 3),
		"open");

	/* The same batch again. */
	batch(&c, p, b, &r);
	report_is(&r, (long long)n, 0, (long long)n);
	json_t *snap2 = snapshot(&c, sh.id);
	same_snapshot(snap1, snap2, "a replayed batch");
	ck_assert_int_eq(audit_count(c.s, admin), audit1);

	/* Again with the ids in upper case (the same UUIDs). */
	json_t *upper = json_deep_copy(b), *e;
	size_t i;
	json_array_foreach(upper, i, e) {
		char id[37];
		snprintf(id, sizeof id, "%s", jstr(e, "id"));
		for (char *q = id; *q; q++)
			if (*q >= 'a' && *q <= 'f')
				*q = (char)(*q - 'a' + 'A');
		json_object_set_new(e, "id", json_string(id));
	}
	batch(&c, p, upper, &r);
	report_is(&r, (long long)n, 0, (long long)n);
	json_decref(upper);
	/* And one event alone: 200, the stored event. */
	post(&c, p, json_array_get(b, 7), &r);
	ck_assert_msg(r.status == 200, "single replay: %ld %s", r.status, r.body);
	ck_assert_pstr_eq(jstr(r.json, "id"), jstr(json_array_get(b, 7), "id"));
	ck_assert_int_eq(jint(r.json, "quantity"), 90);
	json_t *snap3 = snapshot(&c, sh.id);
	same_snapshot(snap1, snap3, "replays");
	ck_assert_int_eq(audit_count(c.s, admin), audit1);

	/* An old event beside a new one: only the new one counts. */
	json_t *mixed = json_pack("[O,o]", json_array_get(b, 0),
				  on_line(disc("over", T(11), "UA-UNIT-W", sh.id), sh.ammo, 1));
	batch(&c, p, mixed, &r);
	report_is(&r, 2, 1, 1);
	json_decref(mixed);
	line_is(&c, sh.ammo, C(.dispatched = 100, .received = 90, .in_transit = 10, .over = 4),
		"open");
	/* The same new event twice in one batch is applied once. */
	json_t *twice = on_line(disc("over", T(12), "UA-UNIT-W", sh.id), sh.ammo, 1);
	json_t *pair = json_pack("[O,O]", twice, twice);
	batch(&c, p, pair, &r);
	report_is(&r, 2, 1, 1);
	json_decref(pair);
	json_decref(twice);
	line_is(&c, sh.ammo, C(.dispatched = 100, .received = 90, .in_transit = 10, .over = 5),
		"open");

	/* A known id with other content: an error for its index naming "id",
	 * and nothing of the batch stored. */
	json_t *before = snapshot(&c, sh.id);
	long long audit2 = audit_count(c.s, admin);
	json_t *changed = json_deep_copy(json_array_get(b, 7));
	json_object_set_new(changed, "quantity", json_integer(91));
	json_t *bad = json_pack("[o,o]", on_line(disc("over", T(13), "UA-UNIT-W", sh.id), sh.ammo, 2),
				changed);
	batch(&c, p, bad, &r);
	json_t *fresh = json_pack("[O]", json_array_get(bad, 0));
	batch_refused(&c, &r, bad, 1, (size_t[]){1}, (const char *[]){"id"}, fresh);
	json_decref(fresh);
	json_decref(bad);
	json_t *after = snapshot(&c, sh.id);
	same_snapshot(before, after, "a refused batch");
	ck_assert_int_eq(audit_count(c.s, admin), audit2);
	/* And alone: 409 naming "id"; the stored event is as it was. */
	changed = json_deep_copy(json_array_get(b, 7));
	json_object_set_new(changed, "site", json_string("HP-MED"));
	post(&c, p, changed, &r);
	assert_problem(&r, 409, "conflict", "id");
	json_decref(changed);
	json_t *stored = rec(&c, "events", jstr(json_array_get(b, 7), "id"));
	is_str(stored, "site", "UA-UNIT-W");
	ck_assert_int_eq(jint(stored, "quantity"), 90);
	json_decref(stored);

	json_decref(before);
	json_decref(after);
	json_decref(snap1);
	json_decref(snap2);
	json_decref(snap3);
	json_decref(b);
	res_free(&r);
	server_end(c.s);
}
END_TEST

/* ==== 3. All or nothing. ========================================================== */

START_TEST(batch_all_or_nothing)
{
	struct ctx c;
	struct ship sh;
	struct http_res r = {0};

	start(&c);
	const char *p = as(&c, PLANNER), *admin = as(&c, ADMIN);
	delivery(&c, &sh, 100, 1);
	json_t *before = snapshot(&c, sh.id);
	long long audit0 = audit_count(c.s, admin);

	/* The 4th of 5 is received at a node, not at the destination. */
	json_t *b = json_pack("[o,o,o,o,o]", ev("dispatched", T(1), "DEP-DEU", sh.id),
			      ev("arrived", T(2), "LN-RZE", sh.id),
			      ev("departed", T(3), "LN-RZE", sh.id),
			      on_line(ev("received", T(4), "LN-RZE", sh.id), sh.ammo, 10),
			      ev("arrived", T(5), "HP-MED", sh.id));
	batch(&c, p, b, &r);
	batch_refused(&c, &r, b, 1, (size_t[]){3}, (const char *[]){"site"}, NULL);
	json_t *after = snapshot(&c, sh.id);
	same_snapshot(before, after, "a refused batch");
	ck_assert_int_eq(audit_count(c.s, admin), audit0);
	json_decref(b);
	json_decref(after);

	/* Every bad event is listed, in order; each judged against what the
	 * events before it leave (the 4th dispatches beyond what is left after
	 * the 1st). */
	b = json_pack("[o,o,o,o,o,o]", on_line(ev("dispatched", T(1), "DEP-DEU", sh.id), sh.ammo, 70),
		      ev("arrived", T(2), "LN-CTZ", sh.id),
		      on_line(disc("short", T(3), "LN-RZE", sh.id), sh.ammo, 5),
		      on_line(ev("dispatched", T(4), "DEP-DEU", sh.id), sh.ammo, 31),
		      with(ev("received", T(5), "UA-UNIT-W", sh.id), "type", json_string("teleported")),
		      on_line(ev("received", T(6), "UA-UNIT-W", sh.id), sh.ammo, 65));
	batch(&c, p, b, &r);
	batch_refused(&c, &r, b, 3, (size_t[]){1, 3, 4},
		      (const char *[]){"site", "quantity", "type"}, NULL);
	after = snapshot(&c, sh.id);
	same_snapshot(before, after, "a refused batch");
	ck_assert_int_eq(audit_count(c.s, admin), audit0);

	/* The good events alone go through. */
	json_array_remove(b, 4);
	json_array_remove(b, 3);
	json_array_remove(b, 1);
	batch(&c, p, b, &r);
	report_is(&r, 3, 3, 0);
	line_is(&c, sh.ammo, C(.dispatched = 70, .received = 65, .shrt = 5), "open");
	json_decref(b);
	json_decref(after);
	json_decref(before);
	res_free(&r);
	server_end(c.s);
}
END_TEST

/* ==== 4. Conservation under random event sequences. ============================== */

struct mline {
	char id[ID_LEN];
	long long quantity, dispatched, received, in_transit, shrt, lost, over, damaged;
	bool closed;
};

struct model {
	struct mline line[2];
	const char *status;  /* the shipment's: planned, in_transit, received */
};

enum rkind { R_DISPATCH, R_RECEIVE, R_SHORT, R_LOST, R_OVER, R_DAMAGED, R_KINDS };

static void m_close(struct model *m, struct mline *l, bool complete)
{
	if (complete) {
		l->shrt += l->in_transit;
		l->in_transit = 0;
	}
	if (l->in_transit == 0 && (complete || l->dispatched == l->quantity) && l->dispatched > 0)
		l->closed = true;
	if (m->line[0].closed && m->line[1].closed)
		m->status = "received";
}

/* Apply one event to @m; NULL when accepted, else the field the server
 * must name for refusing it (@m unchanged then). */
static const char *m_apply(struct model *m, enum rkind k, int li, long long q, bool complete)
{
	struct mline *l = &m->line[li];

	if (strcmp(m->status, "planned") == 0 && k != R_DISPATCH)
		return "shipment";
	switch (k) {
	case R_DISPATCH:
		/* A closed line takes no more dispatches (409 "line"). */
		if (l->closed)
			return "line";
		if (q > l->quantity - l->dispatched)
			return "quantity";
		l->dispatched += q;
		l->in_transit += q;
		if (strcmp(m->status, "planned") == 0)
			m->status = "in_transit";
		return NULL;
	case R_RECEIVE: {
		long long take = q < l->in_transit ? q : l->in_transit;
		l->received += take;
		l->in_transit -= take;
		l->over += q - take;
		m_close(m, l, complete);
		return NULL;
	}
	case R_SHORT:
	case R_LOST:
		if (q > l->in_transit)
			return "quantity";
		*(k == R_SHORT ? &l->shrt : &l->lost) += q;
		l->in_transit -= q;
		m_close(m, l, false);
		return NULL;
	case R_OVER:
		l->over += q;
		return NULL;
	case R_DAMAGED:
		if (q > l->received + l->in_transit)
			return "quantity";
		l->damaged += q;
		return NULL;
	case R_KINDS:
		break;
	}
	return "?";
}

static void m_check(struct ctx *c, const struct model *m, const char *ship, int round)
{
	for (int i = 0; i < 2; i++) {
		const struct mline *w = &m->line[i];
		json_t *l = rec(c, "shipment_lines", w->id);
		char *text = json_dumps(l, JSON_COMPACT);
		long long d = jint(l, "dispatched"), rc = jint(l, "received"),
			  t = jint(l, "in_transit"), s = jint(l, "short"), lo = jint(l, "lost");
		bool closed = strcmp(jstr(l, "status"), "closed") == 0;

		/* The invariants, whatever the model says. */
		ck_assert_msg(d == rc + t + s + lo, "round %d line %d: dispatched != received + "
			      "in_transit + short + lost: %s", round, i, text);
		ck_assert_msg(d >= 0 && rc >= 0 && t >= 0 && s >= 0 && lo >= 0 &&
				      jint(l, "over") >= 0 && jint(l, "damaged") >= 0,
			      "round %d line %d: a counter below 0: %s", round, i, text);
		ck_assert_msg(d <= jint(l, "quantity"), "round %d line %d: dispatched beyond the "
			      "quantity: %s", round, i, text);
		ck_assert_msg(!closed || t == 0, "round %d line %d: closed with units in transit: "
			      "%s", round, i, text);
		/* The model, exactly. */
		ck_assert_msg(d == w->dispatched && rc == w->received && t == w->in_transit &&
				      s == w->shrt && lo == w->lost && jint(l, "over") == w->over &&
				      jint(l, "damaged") == w->damaged && closed == w->closed,
			      "round %d line %d: model says dispatched %lld received %lld in_transit "
			      "%lld short %lld lost %lld over %lld damaged %lld %s; server: %s",
			      round, i, w->dispatched, w->received, w->in_transit, w->shrt, w->lost,
			      w->over, w->damaged, w->closed ? "closed" : "open", text);
		free(text);
		json_decref(l);
	}
	rec_str(c, "shipments", ship, "status", m->status);
}

/* The words a refusal's reason must hold: why it broke conservation. */
static const char *m_reason_word(enum rkind k, const char *field)
{
	if (strcmp(field, "shipment") == 0)
		return "dispatched";
	if (strcmp(field, "line") == 0)
		return "closed";
	return k == R_DISPATCH ? "left to dispatch" : k == R_DAMAGED ? "damaged" : "in transit";
}

#define ROUNDS 80

START_TEST(conservation_random)
{
	struct ctx c;
	struct ship sh;
	struct http_res r = {0};
	unsigned long long seed = 20261127, x;
	const char *env = getenv("NSATU_CUSTODY_SEED");
	struct model m = {.status = "planned"};
	int hour = 0, accepted = 0, refused_batches = 0, refused_events = 0;

	if (env && *env)
		seed = strtoull(env, NULL, 10);
	fprintf(stderr, "custody conservation_random: seed %llu (NSATU_CUSTODY_SEED)\n", seed);
	x = seed;
	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 150, 0);
	snprintf(m.line[0].id, ID_LEN, "%s", sh.ammo);
	m.line[0].quantity = 150;
	line(&c, sh.id, c.ammo_alloc, "ART-155-DM121", 90, NULL, m.line[1].id);
	m.line[1].quantity = 90;

	for (int round = 0; round < ROUNDS; round++) {
		struct model next = m;
		size_t n = 1 + splitmix(&x) % 5, nbad = 0, bad_index[8];
		const char *bad_field[8];
		enum rkind bad_kind[8];
		json_t *b = json_array();

		for (size_t i = 0; i < n; i++) {
			enum rkind k = (enum rkind)(splitmix(&x) % R_KINDS);
			int li = (int)(splitmix(&x) % 2);
			long long q = 1 + (long long)(splitmix(&x) % 20);
			bool complete = k == R_RECEIVE && splitmix(&x) % 25 == 0;
			struct mline *l = &next.line[li];
			json_t *e;

			/* Mostly a quantity that fits (often all of it), so that the
			 * sequence gets somewhere; the rest at random. */
			long long most = k == R_DISPATCH ? l->quantity - l->dispatched
					 : k == R_SHORT || k == R_LOST ? l->in_transit
					 : k == R_DAMAGED ? l->received + l->in_transit
							  : 20;
			unsigned long long dice = splitmix(&x) % 10;
			if (most > 0 && dice < 2)
				q = most;
			else if (most > 0 && dice < 9)
				q = 1 + (long long)(splitmix(&x) % (unsigned long long)most);
			hour++;
			switch (k) {
			case R_DISPATCH:
				e = ev("dispatched", T(hour), "DEP-DEU", sh.id);
				break;
			case R_RECEIVE:
				e = ev("received", T(hour), "UA-UNIT-W", sh.id);
				if (complete)
					json_object_set_new(e, "complete", json_true());
				break;
			case R_SHORT:
				e = disc("short", T(hour), "LN-RZE", sh.id);
				break;
			case R_LOST:
				e = ev("lost", T(hour), "LN-RZE", sh.id);
				break;
			case R_OVER:
				e = disc("over", T(hour), "UA-UNIT-W", sh.id);
				break;
			default:
				e = disc("damaged", T(hour), "UA-UNIT-W", sh.id);
				break;
			}
			json_array_append_new(b, on_line(e, l->id, q));
			const char *why = m_apply(&next, k, li, q, complete);
			if (why) {
				bad_index[nbad] = i;
				bad_kind[nbad] = k;
				bad_field[nbad++] = why;
			}
		}
		batch(&c, p, b, &r);
		if (nbad == 0) {
			report_is(&r, (long long)n, (long long)n, 0);
			m = next;
			accepted++;
			m_check(&c, &m, sh.id, round);
		} else {
			batch_refused(&c, &r, b, nbad, bad_index, bad_field, NULL);
			json_t *errors = json_object_get(r.json, "errors");
			for (size_t i = 0; i < nbad; i++) {
				const char *why = jstr(json_array_get(errors, i), "reason");
				const char *word = m_reason_word(bad_kind[i], bad_field[i]);
				ck_assert_msg(why && strstr(why, word), "round %d: the refusal of "
					      "event %zu should say \"%s\": %s", round, bad_index[i],
					      word, r.body);
			}
			refused_batches++;
			refused_events += (int)nbad;
			if (round % 10 == 0)
				m_check(&c, &m, sh.id, round);
		}
		json_decref(b);
	}
	m_check(&c, &m, sh.id, ROUNDS);
	fprintf(stderr, "custody conservation_random: %d batches accepted, %d refused (%d "
		"events refused); lines %lld/%lld and %lld/%lld dispatched, shipment %s\n",
		accepted, refused_batches, refused_events, m.line[0].dispatched, m.line[0].quantity,
		m.line[1].dispatched, m.line[1].quantity, m.status);
	/* The sequence must have exercised both outcomes. */
	ck_assert_int_gt(accepted, 5);
	ck_assert_int_gt(refused_batches, 5);
	res_free(&r);
	server_end(c.s);
}
END_TEST

/* ==== 5. End-use due dates at the edges. ========================================= */

/* A one-serial PAC-2 delivery dispatched at @dispatch and handed over at @h. */
static void handed_over_at(struct ctx *c, struct ship *sh, const char *dispatch, const char *h)
{
	const char *p = as(c, PLANNER);

	delivery(c, sh, 0, 1);
	ok(c, p, ev("dispatched", dispatch, "DEP-DEU", sh->id));
	ok(c, p, ev("handed_over", h, "HP-MED", sh->id));
}

static void due_is(struct ctx *c, const char *sn, const char *literal, const char *from,
		   long long days, bool next_year)
{
	char want[11];

	if (next_year)
		date_next_year(from, want);
	else
		date_plus(from, days, want);
	ck_assert_str_eq(want, literal);  /* our arithmetic agrees with the issue */
	json_t *a = asset(c, "AD-PAT-PAC2", sn);
	is_str(a, "inventory_due", want);
	json_decref(a);
}

START_TEST(end_use_due_dates)
{
	struct ctx c;
	struct ship a, b, d;
	char req_id[ID_LEN], pledge[ID_LEN], alloc[ID_LEN], m777[ID_LEN], ship_m[ID_LEN];

	start(&c);
	const char *p = as(&c, PLANNER);
	/* Across a month end (December + 90 days, no leap day). */
	handed_over_at(&c, &a, "2024-11-28T08:00:00.000Z", "2024-12-01T00:00:00.000Z");
	due_is(&c, a.serial[0], "2025-03-01", "2024-12-01", 90, false);
	/* Into a leap February, at the last second of the day. */
	handed_over_at(&c, &b, "2023-11-29T08:00:00.000Z", "2023-12-01T23:59:59.000Z");
	due_is(&c, b.serial[0], "2024-02-29", "2023-12-01", 90, false);
	/* Across a year end. */
	handed_over_at(&c, &d, "2025-09-30T08:00:00.000Z", "2025-10-03T12:00:00.000Z");
	due_is(&c, d.serial[0], "2026-01-01", "2025-10-03", 90, false);

	ok(&c, p, with(ev("received", "2023-12-05T10:00:00.000Z", "UA-UNIT-W", b.id), "complete",
		       json_true()));
	ok(&c, p, with(ev("received", "2024-12-03T10:00:00.000Z", "UA-UNIT-W", a.id), "complete",
		       json_true()));
	/* The hand-over date stays the base until an inventory. */
	due_is(&c, b.serial[0], "2024-02-29", "2023-12-01", 90, false);
	/* An inventory on 29 February: due 28 February next year. */
	ok(&c, p, pac(ev("inventory_check", "2024-02-29T12:00:00.000Z", "UA-UNIT-W", NULL),
		      b.serial[0]));
	due_is(&c, b.serial[0], "2025-02-28", "2024-02-29", 0, true);
	/* Then one on 28 February 2025: due 28 February 2026. */
	ok(&c, p, pac(ev("inventory_check", "2025-02-28T07:00:00.000Z", "UA-UNIT-W", NULL),
		      b.serial[0]));
	due_is(&c, b.serial[0], "2026-02-28", "2025-02-28", 0, true);
	/* An inventory on the last day of a month: the same day next year. */
	ok(&c, p, pac(ev("inventory_check", "2025-01-31T23:59:59.000Z", "UA-UNIT-W", NULL),
		      a.serial[0]));
	due_is(&c, a.serial[0], "2026-01-31", "2025-01-31", 0, true);
	json_t *x = asset(&c, "AD-PAT-PAC2", a.serial[0]);
	is_str(x, "last_inventory_at", "2025-01-31T23:59:59.000Z");
	json_decref(x);

	/* Items that are not sensitive have no end-use inventory. */
	new_validated(c.s, as(&c, OFFICER), p, "ART-M777", NULL, 10, "P1", req_id);
	new_materiel(c.s, as(&c, LIAISON), "DEU", "ART-M777", 10, PLEDGED_ON, pledge);
	allocate_ok(c.s, p, pledge, req_id, 10, alloc);
	{
		static const char *const stops[] = {"LN-RZE", "HP-MED", "UA-UNIT-W", NULL};
		struct ship sm;
		shipment(&c, &sm, "DEU", "delivery", "DEP-DEU", "HP-MED", "UA-UNIT-W", NULL, stops);
		snprintf(ship_m, sizeof ship_m, "%s", sm.id);
		line(&c, ship_m, alloc, "ART-M777", 1, "T-M777-1", m777);
	}
	ok(&c, p, ev("dispatched", "2024-11-28T08:00:00.000Z", "DEP-DEU", ship_m));
	ok(&c, p, ev("handed_over", "2024-12-01T00:00:00.000Z", "HP-MED", ship_m));
	x = asset(&c, "ART-M777", "T-M777-1");
	is_str(x, "handed_over_at", "2024-12-01T00:00:00.000Z");
	is_str(x, "inventory_due", NULL);
	ck_assert(json_is_false(json_object_get(x, "sensitive")));
	json_decref(x);
	server_end(c.s);
}
END_TEST

/* ==== 6. Who records what, and where. ============================================= */

/* Our own copy of the table: which role records which type. */
enum mrole { M_ADMIN, M_PLANNER, M_LIAISON, M_OFFICER, M_NODE, M_FACILITY, M_AUDITOR, M_ROLES };
enum mtype {
	T_DISPATCHED, T_ARRIVED, T_DEPARTED, T_HANDED_OVER, T_RECEIVED, T_DISCREPANCY,
	T_INVENTORY, T_LOST, T_DESTROYED, T_EXPENDED, M_TYPES
};

static const char *const MTYPE_NAMES[M_TYPES] = {
	"dispatched", "arrived", "departed", "handed_over", "received", "discrepancy",
	"inventory_check", "lost", "destroyed", "expended",
};

static const bool EXPECTED[M_ROLES][M_TYPES] = {
	/*                disp arr  dep  hand rec  disc inv  lost dest exp */
	[M_ADMIN]    = {1,   1,   1,   1,   1,   1,   1,   1,   1,   1},
	[M_PLANNER]  = {1,   1,   1,   1,   1,   1,   1,   1,   1,   1},
	[M_LIAISON]  = {1,   0,   0,   0,   0,   0,   0,   0,   0,   0},
	[M_OFFICER]  = {1,   1,   0,   1,   1,   1,   1,   1,   1,   1},
	[M_NODE]     = {1,   1,   1,   1,   0,   1,   0,   1,   0,   0},
	[M_FACILITY] = {1,   1,   0,   0,   1,   1,   1,   0,   0,   0},
	[M_AUDITOR]  = {0,   0,   0,   0,   0,   0,   0,   0,   0,   0},
};

struct matrix {
	struct ctx *c;
	const char *tok[M_ROLES];
	int cells;
};

/* Record @e (taken) as @role; the answer must follow EXPECTED.  When
 * @valid, an allowed event must be stored (201); otherwise it must only not
 * be refused for the role. */
static void cell(struct matrix *mx, enum mrole role, json_t *e, bool valid)
{
	struct http_res r = {0};
	enum mtype t = M_TYPES;

	for (int i = 0; i < M_TYPES; i++)
		if (strcmp(MTYPE_NAMES[i], jstr(e, "type")) == 0)
			t = (enum mtype)i;
	ck_assert(t != M_TYPES);
	post(mx->c, mx->tok[role], e, &r);
	if (role == M_AUDITOR) {
		assert_problem(&r, 403, "forbidden", NULL);
	} else if (!EXPECTED[role][t]) {
		ck_assert_msg(r.status == 403, "role %d %s at %s: want 403, got %ld %s", role,
			      MTYPE_NAMES[t], jstr(e, "site"), r.status, r.body);
		assert_problem(&r, 403, "forbidden", "type");
	} else if (valid) {
		ck_assert_msg(r.status == 201, "role %d %s at %s: want 201, got %ld %s", role,
			      MTYPE_NAMES[t], jstr(e, "site"), r.status, r.body);
	} else {
		ck_assert_msg(r.status != 403, "role %d %s at %s: refused for the role: %s", role,
			      MTYPE_NAMES[t], jstr(e, "site"), r.body);
	}
	mx->cells++;
	res_free(&r);
	json_decref(e);
}

START_TEST(role_matrix)
{
	struct ctx c;
	struct matrix mx = {&c, {0}, 0};
	struct ship w1, w2, w3, w4;
	char order[ID_LEN];
	int h = 0;

	start(&c);
	const char *p = as(&c, PLANNER);
	mx.tok[M_ADMIN] = as(&c, ADMIN);
	mx.tok[M_PLANNER] = p;
	mx.tok[M_LIAISON] = as(&c, LIAISON);
	mx.tok[M_OFFICER] = as(&c, OFFICER);
	mx.tok[M_NODE] = as(&c, NODE);
	mx.tok[M_AUDITOR] = as(&c, AUDITOR);
	/* facility.grf works at a training area, which no shipment passes; the
	 * facility operator of the matrix works at a repair hub. */
	mx.tok[M_FACILITY] = new_user(&c, "facility.sat", "facility_operator", NULL, "RF-SAT");

	/* W1: a delivery; W2: a delivery from the node; W3/W4: repair
	 * transport to and from RF-SAT. */
	static const char *const from_node[] = {"HP-MED", "UA-UNIT-W", NULL};
	static const char *const to_sat[] = {"RF-SAT", NULL};
	static const char *const to_unit[] = {"UA-UNIT-W", NULL};
	delivery(&c, &w1, 100, 5);
	shipment(&c, &w2, "DEU", "delivery", "LN-RZE", "HP-MED", "UA-UNIT-W", NULL, from_node);
	line(&c, w2.id, c.ammo_alloc, "ART-155-DM121", 10, NULL, w2.ammo);
	create(&c, as(&c, OFFICER), "repair_orders",
	       json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:s}", "nation", "UKR", "requesting_unit",
			 "UA-UNIT-W", "facility", "RF-SAT", "item", "ART-155-DM121", "quantity", 10,
			 "fault", "fuzes corroded", "priority", "P3"),
	       order);
	shipment(&c, &w3, "UKR", "to_repair", "UA-UNIT-W", NULL, "RF-SAT", order, to_sat);
	line(&c, w3.id, NULL, "ART-155-DM121", 10, NULL, w3.ammo);
	shipment(&c, &w4, "UKR", "from_repair", "RF-SAT", NULL, "UA-UNIT-W", order, to_unit);
	line(&c, w4.id, NULL, "ART-155-DM121", 10, NULL, w4.ammo);

	/* dispatched, each at an origin of its own. */
	for (int r = M_ADMIN; r <= M_LIAISON; r++)
		cell(&mx, r, on_line(ev("dispatched", T(++h), "DEP-DEU", w1.id), w1.ammo, 1), true);
	cell(&mx, M_AUDITOR, on_line(ev("dispatched", T(++h), "DEP-DEU", w1.id), w1.ammo, 1), true);
	cell(&mx, M_NODE, ev("dispatched", T(++h), "LN-RZE", w2.id), true);
	cell(&mx, M_OFFICER, ev("dispatched", T(++h), "UA-UNIT-W", w3.id), true);
	cell(&mx, M_FACILITY, ev("dispatched", T(++h), "RF-SAT", w4.id), true);
	ok(&c, p, ev("dispatched", T(++h), "DEP-DEU", w1.id));

	/* arrived */
	for (int r = M_ADMIN; r <= M_AUDITOR; r++) {
		if (r == M_OFFICER)
			cell(&mx, r, ev("arrived", T(++h), "UA-UNIT-W", w1.id), true);
		else if (r == M_FACILITY)
			cell(&mx, r, ev("arrived", T(++h), "RF-SAT", w3.id), true);
		else
			cell(&mx, r, ev("arrived", T(++h), "LN-RZE", w1.id), true);
	}
	/* departed */
	for (int r = M_ADMIN; r <= M_AUDITOR; r++) {
		if (r == M_OFFICER)
			cell(&mx, r, ev("departed", T(++h), "UA-UNIT-W", w1.id), true);
		else if (r == M_FACILITY)
			cell(&mx, r, ev("departed", T(++h), "RF-SAT", w3.id), true);
		else
			cell(&mx, r, ev("departed", T(++h), "LN-RZE", w1.id), true);
	}
	/* handed_over: only at the hand-over point, where node operators (bound
	 * to a logistics node) never are: theirs is refused for the site, not
	 * for the role. */
	for (int r = M_ADMIN; r <= M_AUDITOR; r++) {
		if (r == M_NODE)
			cell(&mx, r, ev("handed_over", T(++h), "LN-RZE", w1.id), false);
		else if (r == M_FACILITY)
			cell(&mx, r, ev("handed_over", T(++h), "RF-SAT", w3.id), true);
		else
			cell(&mx, r, ev("handed_over", T(++h), "HP-MED", w1.id), true);
	}
	/* received */
	for (int r = M_ADMIN; r <= M_AUDITOR; r++) {
		if (r == M_NODE)
			cell(&mx, r, on_line(ev("received", T(++h), "LN-RZE", w1.id), w1.ammo, 1), true);
		else if (r == M_FACILITY)
			cell(&mx, r, on_line(ev("received", T(++h), "RF-SAT", w3.id), NULL, 1), true);
		else
			cell(&mx, r, on_line(ev("received", T(++h), "UA-UNIT-W", w1.id), w1.ammo, 1),
			     true);
	}
	/* discrepancy */
	for (int r = M_ADMIN; r <= M_AUDITOR; r++) {
		if (r == M_NODE)
			cell(&mx, r, on_line(disc("over", T(++h), "LN-RZE", w1.id), w1.ammo, 1), true);
		else if (r == M_FACILITY)
			cell(&mx, r, on_line(disc("over", T(++h), "RF-SAT", w3.id), NULL, 1), true);
		else
			cell(&mx, r, on_line(disc("over", T(++h), "UA-UNIT-W", w1.id), w1.ammo, 1),
			     true);
	}
	/* Four serials in service for what follows; the fifth stays on the way. */
	for (int i = 0; i < 4; i++)
		ok(&c, p, pac(ev("received", T(++h), "UA-UNIT-W", w1.id), w1.serial[i]));
	/* inventory_check */
	for (int r = M_ADMIN; r <= M_AUDITOR; r++) {
		const char *site = r == M_NODE ? "LN-RZE" : r == M_FACILITY ? "RF-SAT" : "UA-UNIT-W";
		cell(&mx, r, pac(ev("inventory_check", T(++h), site, NULL), w1.serial[0]), true);
	}
	/* The demo facility operator, at its training area: inventories, yes. */
	ok(&c, as(&c, FACILITY), pac(ev("inventory_check", T(++h), "TF-GRF", NULL), w1.serial[1]));
	/* lost */
	for (int r = M_ADMIN; r <= M_AUDITOR; r++) {
		if (r == M_NODE)
			cell(&mx, r, pac(ev("lost", T(++h), "LN-RZE", w1.id), w1.serial[4]), true);
		else if (r == M_FACILITY)
			cell(&mx, r, on_line(ev("lost", T(++h), "RF-SAT", w3.id), NULL, 1), true);
		else
			cell(&mx, r, on_line(ev("lost", T(++h), "UA-UNIT-W", w1.id), w1.ammo, 1), true);
	}
	/* destroyed */
	for (int r = M_ADMIN; r <= M_AUDITOR; r++) {
		if (r == M_OFFICER)
			cell(&mx, r, pac(ev("destroyed", T(++h), "UA-UNIT-W", NULL), w1.serial[3]), true);
		else if (r == M_NODE)
			cell(&mx, r, on_line(ev("destroyed", T(++h), "LN-RZE", w1.id), w1.ammo, 1), true);
		else if (r == M_FACILITY)
			cell(&mx, r, on_line(ev("destroyed", T(++h), "RF-SAT", w3.id), NULL, 1), true);
		else
			cell(&mx, r, on_line(ev("destroyed", T(++h), "UA-UNIT-W", w1.id), w1.ammo, 1),
			     true);
	}
	/* expended */
	for (int r = M_ADMIN; r <= M_AUDITOR; r++) {
		const char *site = r == M_NODE ? "LN-RZE" : r == M_FACILITY ? "RF-SAT" : "UA-UNIT-W";
		int sn = r == M_ADMIN ? 0 : r == M_PLANNER ? 1 : 2;
		cell(&mx, r, pac(ev("expended", T(++h), site, NULL), w1.serial[sn]), true);
	}
	ck_assert_int_eq(mx.cells, M_ROLES * M_TYPES);
	asset_is(&c, w1.serial[0], "expended", "RF-SAT");  /* last seen there */
	asset_is(&c, w1.serial[1], "expended", "TF-GRF");
	asset_is(&c, w1.serial[2], "expended", "UA-UNIT-W");
	asset_is(&c, w1.serial[3], "destroyed", "UA-UNIT-W");
	asset_is(&c, w1.serial[4], "lost", NULL);
	/* ... but no movements. */
	refused(&c, as(&c, FACILITY), ev("departed", T(++h), "TF-GRF", w1.id), 403, "forbidden",
		"type");
	server_end(c.s);
}
END_TEST

/*
 * Recipient officers may record hand-overs (the table), and a hand-over
 * happens only at the hand-over point, which lies outside Ukraine (HP-MED
 * is POL): so an officer must be able to record there.  (Node operators,
 * bound to a logistics node, never can: see the matrix.)
 */
START_TEST(officer_records_hand_over)
{
	struct ctx c;
	struct ship sh;

	start(&c);
	delivery(&c, &sh, 10, 0);
	ok(&c, as(&c, PLANNER), ev("dispatched", T(1), "DEP-DEU", sh.id));
	ok(&c, as(&c, PLANNER), ev("arrived", T(2), "HP-MED", sh.id));
	ok(&c, as(&c, OFFICER), ev("handed_over", T(3), "HP-MED", sh.id));
	rec_str(&c, "shipments", sh.id, "handed_over_at", T(3));
	server_end(c.s);
}
END_TEST

/* Every event a list shows (all pages), as a new array. */
static json_t *all_events(struct ctx *c, const char *tok)
{
	json_t *out = json_array();
	char *cursor = NULL;
	int pages = 0;

	do {
		json_t *page = cursor ? get_json(c, tok, "/api/v1/events?limit=500&cursor=%s", cursor)
				      : get_json(c, tok, "/api/v1/events?limit=500");
		free(cursor);
		cursor = NULL;
		json_array_extend(out, json_object_get(page, "items"));
		if (json_is_string(json_object_get(page, "next_cursor")))
			cursor = strdup(jstr(page, "next_cursor"));
		json_decref(page);
		ck_assert_int_lt(++pages, 50);
	} while (cursor);
	return out;
}

START_TEST(event_scope)
{
	struct ctx c;
	struct ship sh;
	struct http_res r = {0};
	char path[128];
	json_t *e, *list;
	size_t i;

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 100, 0);
	e = ev("dispatched", T(1), "DEP-DEU", sh.id);
	char at_depot[37];
	snprintf(at_depot, sizeof at_depot, "%s", jstr(e, "id"));
	ok(&c, p, e);
	e = ev("arrived", T(2), "LN-RZE", sh.id);
	char at_node[37];
	snprintf(at_node, sizeof at_node, "%s", jstr(e, "id"));
	ok(&c, as(&c, NODE), e);

	/* A node operator records only at its node; an officer only in Ukraine. */
	refused(&c, as(&c, NODE), ev("arrived", T(3), "LN-CTZ", sh.id), 403, "forbidden", "site");
	refused(&c, as(&c, NODE), ev("departed", T(3), "HP-MED", sh.id), 403, "forbidden", "site");
	refused(&c, as(&c, OFFICER), ev("arrived", T(3), "LN-RZE", sh.id), 403, "forbidden", "site");
	/* The auditor records nothing, one by one or in a batch. */
	refused(&c, as(&c, AUDITOR), ev("arrived", T(3), "LN-RZE", sh.id), 403, "forbidden", NULL);
	json_t *b = json_pack("[o]", ev("arrived", T(3), "LN-RZE", sh.id));
	batch(&c, as(&c, AUDITOR), b, &r);
	assert_problem(&r, 403, "forbidden", NULL);
	snprintf(path, sizeof path, "/api/v1/events/%s", jstr(json_array_get(b, 0), "id"));
	ck_assert_int_eq(get_status(&c, p, path), 404);
	json_decref(b);

	/* A liaison of another nation neither records for nor sees Germany's:
	 * to it the shipment does not exist (as for a read: no existence leak). */
	const char *fra = new_user(&c, "liaison.fra", "donor_liaison", "FRA", NULL);
	refused(&c, fra, on_line(ev("dispatched", T(4), "DEP-DEU", sh.id), sh.ammo, 1), 400,
		"invalid-field", "shipment");
	refused(&c, fra, ev("arrived", T(4), "LN-RZE", sh.id), 403, "forbidden", NULL);
	snprintf(path, sizeof path, "/api/v1/shipments/%s", sh.id);
	ck_assert_int_eq(get_status(&c, fra, path), 404);
	snprintf(path, sizeof path, "/api/v1/shipment_lines/%s", sh.ammo);
	ck_assert_int_eq(get_status(&c, fra, path), 404);
	snprintf(path, sizeof path, "/api/v1/events/%s", at_depot);
	ck_assert_int_eq(get_status(&c, fra, path), 404);
	ck_assert_int_eq(get_status(&c, as(&c, LIAISON), path), 200);
	list = all_events(&c, fra);
	json_array_foreach(list, i, e)
		ck_assert_msg(strcmp(jstr(e, "nation") ? jstr(e, "nation") : "", "FRA") == 0,
			      "liaison.fra sees an event of %s", jstr(e, "nation"));
	json_decref(list);
	line_is(&c, sh.ammo, C(.dispatched = 100, .in_transit = 100), "open");

	/* A node operator sees the events at its node, and only those. */
	ck_assert_int_eq(get_status(&c, as(&c, NODE), path), 404);
	list = all_events(&c, as(&c, NODE));
	bool seen = false;
	ck_assert_uint_gt(json_array_size(list), 0);
	json_array_foreach(list, i, e) {
		ck_assert_msg(strcmp(jstr(e, "site"), "LN-RZE") == 0,
			      "node.rze sees an event at %s", jstr(e, "site"));
		seen |= strcmp(jstr(e, "id"), at_node) == 0;
	}
	ck_assert_msg(seen, "node.rze does not see its own event");
	json_decref(list);
	/* And the planner sees both. */
	list = all_events(&c, p);
	int both = 0;
	json_array_foreach(list, i, e)
		both += strcmp(jstr(e, "id"), at_node) == 0 || strcmp(jstr(e, "id"), at_depot) == 0;
	ck_assert_int_eq(both, 2);
	json_decref(list);
	res_free(&r);
	server_end(c.s);
}
END_TEST

/* ==== 7. Corrections. ============================================================== */

START_TEST(corrections)
{
	struct ctx c;
	struct ship s1, s2;
	char a_id[37], path[96];

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &s1, 1000, 0);
	ok(&c, p, ev("dispatched", T(1), "DEP-DEU", s1.id));
	json_t *a = on_line(ev("received", T(2), "UA-UNIT-W", s1.id), s1.ammo, 990);
	snprintf(a_id, sizeof a_id, "%s", jstr(a, "id"));
	ok(&c, p, a);
	line_is(&c, s1.ammo, C(.dispatched = 1000, .received = 990, .in_transit = 10), "open");

	/* 990 was a typo for 1000: the line shows 1000, not 1990. */
	json_t *b = with(on_line(ev("received", T(3), "UA-UNIT-W", s1.id), s1.ammo, 1000),
			 "corrects", json_string(a_id));
	char b_id[37];
	snprintf(b_id, sizeof b_id, "%s", jstr(b, "id"));
	ok(&c, p, b);
	line_is(&c, s1.ammo, C(.dispatched = 1000, .received = 1000), "closed");
	rec_str(&c, "shipments", s1.id, "status", "received");
	/* Nothing is deleted: the corrected event is still there, as it was. */
	json_t *old = rec(&c, "events", a_id);
	ck_assert_int_eq(jint(old, "quantity"), 990);
	json_decref(old);
	rec_str(&c, "events", b_id, "corrects", a_id);

	/* An event is corrected once; correct the correction instead. */
	refused(&c, p,
		with(on_line(ev("received", T(4), "UA-UNIT-W", s1.id), s1.ammo, 995), "corrects",
		     json_string(a_id)),
		409, "conflict", "corrects");
	line_is(&c, s1.ammo, C(.dispatched = 1000, .received = 1000), "closed");
	/* Corrections of nothing, or of themselves. */
	json_t *self = on_line(ev("received", T(4), "UA-UNIT-W", s1.id), s1.ammo, 1);
	with(self, "corrects", json_string(jstr(self, "id")));
	refused(&c, p, self, 400, "invalid-field", "corrects");
	char none[37];
	uuid_make(none, 7);
	refused(&c, p,
		with(on_line(ev("received", T(4), "UA-UNIT-W", s1.id), s1.ammo, 1), "corrects",
		     json_string(none)),
		400, "invalid-field", "corrects");
	snprintf(path, sizeof path, "/api/v1/events?corrects=%s", a_id);
	json_t *list = get_json(&c, p, "%s", path);
	ck_assert_uint_eq(json_array_size(json_object_get(list, "items")), 1);
	json_decref(list);

	/* A correction whose outcome no longer fits is refused: with the
	 * dispatch corrected to 50, the 60 reported short were never on the
	 * way. */
	delivery(&c, &s2, 100, 0);
	json_t *d = on_line(ev("dispatched", T(1), "DEP-DEU", s2.id), s2.ammo, 100);
	char d_id[37];
	snprintf(d_id, sizeof d_id, "%s", jstr(d, "id"));
	ok(&c, p, d);
	ok(&c, p, on_line(disc("short", T(2), "LN-RZE", s2.id), s2.ammo, 60));
	json_t *before = rec(&c, "shipment_lines", s2.ammo);
	refused(&c, p,
		with(on_line(ev("dispatched", T(1), "DEP-DEU", s2.id), s2.ammo, 50), "corrects",
		     json_string(d_id)),
		409, "conflict", "corrects");
	json_t *after = rec(&c, "shipment_lines", s2.ammo);
	same_snapshot(before, after, "a refused correction");
	json_decref(before);
	json_decref(after);
	/* One that fits goes through: dispatched 80, of which 60 short. */
	ok(&c, p,
	   with(on_line(ev("dispatched", T(1), "DEP-DEU", s2.id), s2.ammo, 80), "corrects",
		json_string(d_id)));
	line_is(&c, s2.ammo, C(.dispatched = 80, .in_transit = 20, .shrt = 60), "open");
	rec_str(&c, "shipments", s2.id, "dispatched_at", T(1));
	server_end(c.s);
}
END_TEST

/* A correction of an asset's event (no shipment named): the inventory date
 * was wrong.  The corrected date may be earlier than the wrong one. */
START_TEST(correction_of_inventory)
{
	struct ctx c;
	struct ship sh;
	char wrong[37];

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 0, 2);
	ok(&c, p, ev("dispatched", "2026-03-01T06:00:00.000Z", "DEP-DEU", sh.id));
	ok(&c, p, ev("handed_over", "2026-03-03T06:00:00.000Z", "HP-MED", sh.id));
	ok(&c, p, with(ev("received", "2026-03-05T06:00:00.000Z", "UA-UNIT-W", sh.id), "complete",
		       json_true()));
	json_t *i1 = pac(ev("inventory_check", "2026-05-10T10:00:00.000Z", "UA-UNIT-W", NULL),
			 sh.serial[0]);
	snprintf(wrong, sizeof wrong, "%s", jstr(i1, "id"));
	ok(&c, p, i1);
	json_t *a = asset(&c, "AD-PAT-PAC2", sh.serial[0]);
	is_str(a, "inventory_due", "2027-05-10");
	json_decref(a);

	ok(&c, p, with(pac(ev("inventory_check", "2026-05-01T10:00:00.000Z", "UA-UNIT-W", NULL),
			   sh.serial[0]),
		       "corrects", json_string(wrong)));
	a = asset(&c, "AD-PAT-PAC2", sh.serial[0]);
	is_str(a, "last_inventory_at", "2026-05-01T10:00:00.000Z");
	is_str(a, "inventory_due", "2027-05-01");
	is_str(a, "status", "in_service");
	is_str(a, "location", "UA-UNIT-W");
	is_str(a, "handed_over_at", "2026-03-03T06:00:00.000Z");
	json_decref(a);
	/* The rest of the shipment is as it was. */
	line_is(&c, sh.pac, C(.dispatched = 2, .received = 2), "closed");
	rec_str(&c, "shipments", sh.id, "status", "received");
	a = asset(&c, "AD-PAT-PAC2", sh.serial[1]);
	is_str(a, "status", "in_service");
	is_str(a, "inventory_due", "2026-06-01");
	json_decref(a);
	server_end(c.s);
}
END_TEST

/*
 * A correction works a shipment out again from its events and from its
 * serials' events -- but not from those of a serial's earlier shipment: an
 * interceptor delivered on S1, then sent for repair on S2; a correction on
 * S2 leaves S1 exactly as it was.
 */
START_TEST(correction_on_repair_shipment)
{
	struct ctx c;
	struct ship s1, s2;
	char order[ID_LEN], over_id[37];
	static const char *const to_sat[] = {"RF-SAT", NULL};

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &s1, 0, 1);
	ok(&c, p, ev("dispatched", T(1), "DEP-DEU", s1.id));
	ok(&c, p, ev("handed_over", T(2), "HP-MED", s1.id));
	ok(&c, p, pac(ev("received", T(3), "UA-UNIT-W", s1.id), s1.serial[0]));
	rec_str(&c, "shipments", s1.id, "status", "received");

	create(&c, as(&c, OFFICER), "repair_orders",
	       json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:s}", "nation", "UKR", "requesting_unit",
			 "UA-UNIT-W", "facility", "RF-SAT", "item", "AD-PAT-PAC2", "quantity", 1,
			 "serials", s1.serial[0], "fault", "seeker head fault", "priority", "P2"),
	       order);
	shipment(&c, &s2, "UKR", "to_repair", "UA-UNIT-W", NULL, "RF-SAT", order, to_sat);
	line(&c, s2.id, NULL, "AD-PAT-PAC2", 1, s1.serial[0], s2.pac);
	json_t *before = snapshot(&c, s1.id);
	json_object_del(before, "assets");  /* the asset has moved on to S2 */
	ok(&c, p, ev("dispatched", T(10), "UA-UNIT-W", s2.id));
	json_t *o = on_line(disc("over", T(11), "RF-SAT", s2.id), s2.pac, 1);
	snprintf(over_id, sizeof over_id, "%s", jstr(o, "id"));
	ok(&c, p, o);
	/* It was 2 over, not 1. */
	ok(&c, p, with(on_line(disc("over", T(11), "RF-SAT", s2.id), s2.pac, 2), "corrects",
		       json_string(over_id)));
	line_is(&c, s2.pac, C(.dispatched = 1, .in_transit = 1, .over = 2), "open");
	json_t *after = snapshot(&c, s1.id);
	json_object_del(after, "assets");
	same_snapshot(before, after, "a correction on another shipment");
	asset_is(&c, s1.serial[0], "in_transit", NULL);
	json_decref(before);
	json_decref(after);
	server_end(c.s);
}
END_TEST

/* ==== 8. Ids, times and batch bodies. ================================================ */

START_TEST(ids_and_times)
{
	struct ctx c;
	struct ship sh;
	struct http_res r = {0};
	char id[37], upper[37], path[96];

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 100, 0);
	ok(&c, p, ev("dispatched", T(1), "DEP-DEU", sh.id));

	/* UUIDv7 and v4 alike. */
	json_t *e = on_line(disc("over", T(2), "UA-UNIT-W", sh.id), sh.ammo, 1);
	ck_assert_int_eq(jstr(e, "id")[14], '7');
	ok(&c, p, e);
	e = on_line(disc("over", T(2), "UA-UNIT-W", sh.id), sh.ammo, 1);
	uuid_make(id, 4);
	ck_assert_int_eq(id[14], '4');
	ok(&c, p, with(e, "id", json_string(id)));

	/* Upper case is the same UUID, stored in lower case. */
	uuid_make(id, 4);
	for (size_t i = 0; i <= 36; i++)
		upper[i] = (char)(id[i] >= 'a' && id[i] <= 'f' ? id[i] - 'a' + 'A' : id[i]);
	ck_assert_str_ne(id, upper);
	e = with(on_line(disc("over", T(3), "UA-UNIT-W", sh.id), sh.ammo, 1), "id",
		 json_string(upper));
	post(&c, p, e, &r);
	ck_assert_msg(r.status == 201, "upper-case id: %ld %s", r.status, r.body);
	ck_assert_pstr_eq(jstr(r.json, "id"), id);
	snprintf(path, sizeof path, "/api/v1/events/%s", id);
	ck_assert_str_eq(r.location, path);
	ck_assert_int_eq(get_status(&c, p, path), 200);
	post(&c, p, e, &r);
	ck_assert_msg(r.status == 200, "upper-case replay: %ld %s", r.status, r.body);
	with(e, "id", json_string(id));
	post(&c, p, e, &r);
	ck_assert_msg(r.status == 200, "lower-case replay: %ld %s", r.status, r.body);
	json_decref(e);
	line_is(&c, sh.ammo, C(.dispatched = 100, .in_transit = 100, .over = 3), "open");

	/* Malformed ids. */
	static const char *const bad_ids[] = {
		"",
		"1234",
		"0190a0b2-7c1d-7abc-8def-0123456789ab0",
		"0190a0b27c1d7abc8def0123456789abcdef",
		"0190a0b2-7c1d-7abc-8def-0123456789ag",
		"0190a0b2_7c1d_7abc_8def_0123456789ab",
		"{190a0b2-7c1d-7abc-8def-0123456789a}",
		" 190a0b2-7c1d-7abc-8def-0123456789ab",
	};
	for (size_t i = 0; i < sizeof bad_ids / sizeof *bad_ids; i++) {
		e = with(on_line(disc("over", T(4), "UA-UNIT-W", sh.id), sh.ammo, 1), "id",
			 json_string(bad_ids[i]));
		post(&c, p, e, &r);
		assert_problem(&r, 400, "invalid-field", "id");
		json_decref(e);
	}
	e = with(on_line(disc("over", T(4), "UA-UNIT-W", sh.id), sh.ammo, 1), "id", json_integer(7));
	post(&c, p, e, &r);
	assert_problem(&r, 400, "invalid-field", "id");
	json_object_del(e, "id");
	post(&c, p, e, &r);
	assert_problem(&r, 400, "invalid-field", "id");
	json_decref(e);

	/* Times: seconds get .000; milliseconds are kept. */
	e = on_line(disc("over", "2026-06-02T10:11:12Z", "UA-UNIT-W", sh.id), sh.ammo, 1);
	snprintf(id, sizeof id, "%s", jstr(e, "id"));
	ok(&c, p, e);
	rec_str(&c, "events", id, "at", "2026-06-02T10:11:12.000Z");
	e = on_line(disc("over", "2026-06-02T10:11:12.345Z", "UA-UNIT-W", sh.id), sh.ammo, 1);
	snprintf(id, sizeof id, "%s", jstr(e, "id"));
	ok(&c, p, e);
	rec_str(&c, "events", id, "at", "2026-06-02T10:11:12.345Z");
	static const char *const bad_times[] = {
		"2026-06-02 10:11:12Z", "2026-06-02T10:11:12", "2026-02-30T10:00:00Z",
		"2026-06-02T24:00:00Z", "2026-06-02T10:11:12+02:00", "2026-06-02",
		"2026-06-02T10:11:12.3Z",
	};
	for (size_t i = 0; i < sizeof bad_times / sizeof *bad_times; i++) {
		e = on_line(disc("over", bad_times[i], "UA-UNIT-W", sh.id), sh.ammo, 1);
		post(&c, p, e, &r);
		ck_assert_msg(r.status == 400, "at %s: %ld %s", bad_times[i], r.status, r.body);
		assert_problem(&r, 400, "invalid-field", "at");
		json_decref(e);
	}
	/* Not in the future, beyond the five minutes clocks may drift. */
	char soon[32], later[32];
	stamp((long long)time(NULL) + 60, soon);
	stamp((long long)time(NULL) + 3600, later);
	refused(&c, p, on_line(disc("over", later, "UA-UNIT-W", sh.id), sh.ammo, 1), 400,
		"invalid-field", "at");
	ok(&c, p, on_line(disc("over", soon, "UA-UNIT-W", sh.id), sh.ammo, 1));
	res_free(&r);
	server_end(c.s);
}
END_TEST

/* Assert a 400 problem for a batch body (whatever its slug). */
static void body_refused(const struct http_res *r, const char *what)
{
	ck_assert_msg(r->status == 400, "%s: want 400, got %ld %s", what, r->status, r->body);
	ck_assert_str_eq(r->ctype, "application/problem+json");
	ck_assert_msg(jstr(r->json, "detail") != NULL, "%s: no problem detail", what);
}

START_TEST(batch_bodies)
{
	struct ctx c;
	struct ship sh;
	struct http_res r = {0};

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 100, 0);
	long long audit0 = audit_count(c.s, as(&c, ADMIN));

	req(c.s, "POST", "/api/v1/events:batch", p, "{\"events\":[]}", &r);
	assert_problem(&r, 400, "invalid-field", "events");
	req(c.s, "POST", "/api/v1/events:batch", p, "[]", &r);
	body_refused(&r, "an array");
	req(c.s, "POST", "/api/v1/events:batch", p, "{\"evts\":[]}", &r);
	body_refused(&r, "no events");
	req(c.s, "POST", "/api/v1/events:batch", p, "{}", &r);
	body_refused(&r, "{}");
	req(c.s, "POST", "/api/v1/events:batch", p, "{\"events\":{}}", &r);
	body_refused(&r, "events an object");
	req(c.s, "POST", "/api/v1/events:batch", p, "{\"events\":null}", &r);
	body_refused(&r, "events null");
	req(c.s, "POST", "/api/v1/events:batch", p, "\"events\"", &r);
	body_refused(&r, "a string");
	/* An event beside the list is not ignored. */
	json_t *one = json_pack("{s:[o],s:i}", "events",
				on_line(ev("dispatched", T(1), "DEP-DEU", sh.id), sh.ammo, 1), "more", 1);
	send_json(c.s, "POST", "/api/v1/events:batch", p, json_incref(one), &r);
	body_refused(&r, "another member");
	json_decref(one);
	json_t *notobj = json_pack("{s:[i,s]}", "events", 1, "x");
	send_json(c.s, "POST", "/api/v1/events:batch", p, notobj, &r);
	ck_assert_int_eq(r.status, 400);

	/* 10 001 events are too many, whatever they hold. */
	json_t *big = json_array();
	for (int i = 0; i < 10001; i++)
		json_array_append_new(big, on_line(ev("dispatched", T(1), "DEP-DEU", sh.id), sh.ammo,
						   1));
	batch(&c, p, big, &r);
	assert_problem(&r, 400, "invalid-field", "events");
	ck_assert_msg(json_object_get(r.json, "failed") == NULL, "judged one by one: %s", r.body);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/events/%s", jstr(json_array_get(big, 0), "id"));
	ck_assert_int_eq(get_status(&c, p, path), 404);
	/* 10 000 are judged one by one (each here lacks its type). */
	json_array_remove(big, 10000);
	size_t i;
	json_t *e;
	json_array_foreach(big, i, e)
		json_object_del(e, "type");
	batch(&c, p, big, &r);
	ck_assert_msg(r.status == 400, "10 000: %ld", r.status);
	ck_assert_int_eq(jint(r.json, "received"), 10000);
	ck_assert_int_eq(jint(r.json, "failed"), 10000);
	json_t *e0 = json_array_get(json_object_get(r.json, "errors"), 0);
	ck_assert_int_eq(jint(e0, "index"), 0);
	ck_assert_pstr_eq(jstr(e0, "field"), "type");
	json_decref(big);

	line_is(&c, sh.ammo, C(0), "open");
	ck_assert_int_eq(audit_count(c.s, as(&c, ADMIN)), audit0);
	res_free(&r);
	server_end(c.s);
}
END_TEST

/*
 * BUG (minor): an event's id is normalised to lower case, but the id in
 * "corrects" is not -- a scanner that writes its UUIDs in upper case has
 * its events accepted and its corrections refused ("must be a UUID in
 * lower-case hex").  Expected: "corrects" is read like "id".
 */
START_TEST(bug_corrects_in_upper_case)
{
	struct ctx c;
	struct ship sh;
	char a_id[37], upper[37];

	start(&c);
	const char *p = as(&c, PLANNER);
	delivery(&c, &sh, 100, 0);
	ok(&c, p, ev("dispatched", T(1), "DEP-DEU", sh.id));
	json_t *a = on_line(ev("received", T(2), "UA-UNIT-W", sh.id), sh.ammo, 90);
	snprintf(a_id, sizeof a_id, "%s", jstr(a, "id"));
	ok(&c, p, a);
	for (size_t i = 0; i <= 36; i++)
		upper[i] = (char)(a_id[i] >= 'a' && a_id[i] <= 'f' ? a_id[i] - 'a' + 'A' : a_id[i]);
	ok(&c, p, with(on_line(ev("received", T(3), "UA-UNIT-W", sh.id), sh.ammo, 95), "corrects",
		       json_string(upper)));
	line_is(&c, sh.ammo, C(.dispatched = 100, .received = 95, .in_transit = 5), "open");
	server_end(c.s);
}
END_TEST

Suite *suite_custody(void)
{
	Suite *s = suite_create("custody");
	TCase *effects = api_tcase("effects");
	TCase *batches = api_tcase("batches");
	TCase *rules = api_tcase("rules");
	TCase *bugs = api_tcase("bugs");

	tcase_add_test(effects, dispatched_effect);
	tcase_add_test(effects, arrived_departed_effect);
	tcase_add_test(effects, handed_over_effect);
	tcase_add_test(effects, received_effect);
	tcase_add_test(effects, discrepancy_effect);
	tcase_add_test(effects, inventory_check_effect);
	tcase_add_test(effects, end_effects);
	tcase_add_test(batches, replay_changes_nothing);
	tcase_add_test(batches, batch_all_or_nothing);
	tcase_add_test(batches, conservation_random);
	tcase_add_test(batches, batch_bodies);
	tcase_add_test(rules, end_use_due_dates);
	tcase_add_test(rules, role_matrix);
	tcase_add_test(rules, officer_records_hand_over);
	tcase_add_test(rules, event_scope);
	tcase_add_test(rules, corrections);
	tcase_add_test(rules, correction_of_inventory);
	tcase_add_test(rules, correction_on_repair_shipment);
	tcase_add_test(rules, ids_and_times);
	tcase_add_test(bugs, bug_lost_serial_without_shipment_counts_in_line);
	tcase_add_test(bugs, bug_late_scan_moves_assets_back);
	tcase_add_test(bugs, bug_closed_line_takes_more_dispatches);
	tcase_add_test(bugs, bug_corrects_in_upper_case);
	tcase_add_test(bugs, bug_backdated_dispatch_leaves_leg_departure);
	suite_add_tcase(s, effects);
	suite_add_tcase(s, batches);
	suite_add_tcase(s, rules);
	suite_add_tcase(s, bugs);
	return s;
}
