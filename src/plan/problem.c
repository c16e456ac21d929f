/*
 * problem.c - the optimiser's problem as JSON (docs/planning.md), dates
 * as day numbers, and the plan as JSON.
 *
 * The reader is strict: a problem file comes from outside, so every member
 * is checked for type and range and unknown members are refused (a typo
 * like "capcity" would otherwise silently mean "no limit").  Errors name
 * the member: "lanes[2].cost: must be a number >= 0".
 */
#include "plan.h"
#include "common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Dates. ------------------------------------------------------------ */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
 * days_from_civil). */
static int days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

int plan_day(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	char tail;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	}
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return -1;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	return days_from_civil(y, m, d);
}

void plan_date(int day, char buf[11])
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int d = doy - (153 * mp + 2) / 5 + 1;
	int m = mp + (mp < 10 ? 3 : -9);
	int y = yoe + era * 400 + (m <= 2);

	/* The ranges are known (m 1..12, d 1..31); say so to the compiler. */
	snprintf(buf, 11, "%04d-%02u-%02u", (y % 10000 + 10000) % 10000, (unsigned)m % 13u,
		 (unsigned)d % 32u);
}

int plan_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- Reading. ---------------------------------------------------------- */

#define PLAN_MAX_LINES 5000000

struct rd {
	char *err;
	size_t errlen;
};

static int fail(struct rd *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct rd *rd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rd->err, rd->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Refuse members of @obj not in @known (NULL-terminated). */
static int only_known(struct rd *rd, const json_t *obj, const char *path,
		      const char *const *known)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)obj, k, v) {
		const char *const *q = known;

		while (*q && strcmp(*q, k) != 0)
			q++;
		if (!*q)
			return fail(rd, "%s.%.40s: unknown member", path, k);
	}
	return 0;
}

/* A code: A-Z 0-9 - _ ; fits @size.  Absent is "" when !@required. */
static int get_code(struct rd *rd, const json_t *obj, const char *path, const char *name,
		    bool required, char *out, size_t size)
{
	const json_t *v = json_object_get(obj, name);
	const char *s;
	size_t n;

	out[0] = '\0';
	if (!v || json_is_null(v)) {
		if (required)
			return fail(rd, "%s.%s: is required", path, name);
		return 0;
	}
	if (!(s = json_string_value(v)))
		return fail(rd, "%s.%s: must be a string", path, name);
	n = strlen(s);
	if (n == 0 || n >= size)
		return fail(rd, "%s.%s: must be 1 to %zu characters", path, name, size - 1);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return fail(rd, "%s.%s: only letters, digits, '-', '_' and '.'", path, name);
	}
	memcpy(out, s, n + 1);
	return 0;
}

static int get_number(struct rd *rd, const json_t *obj, const char *path, const char *name,
		      double min, double max, double dflt, bool required, double *out)
{
	const json_t *v = json_object_get(obj, name);

	*out = dflt;
	if (!v || json_is_null(v)) {
		if (required)
			return fail(rd, "%s.%s: is required", path, name);
		return 0;
	}
	if (!json_is_number(v))
		return fail(rd, "%s.%s: must be a number", path, name);
	*out = json_number_value(v);
	if (!isfinite(*out) || *out < min || *out > max)
		return fail(rd, "%s.%s: must be between %g and %g", path, name, min, max);
	return 0;
}

static int get_date(struct rd *rd, const json_t *obj, const char *path, const char *name,
		    int dflt, int *out)
{
	const json_t *v = json_object_get(obj, name);

	*out = dflt;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || (*out = plan_day(json_string_value(v))) < 0)
		return fail(rd, "%s.%s: must be a date YYYY-MM-DD (1970 or later)", path, name);
	return 0;
}

static int get_array(struct rd *rd, const json_t *root, const char *name, bool required,
		     const json_t **arr, size_t *n)
{
	*arr = json_object_get(root, name);
	*n = 0;
	if (!*arr || json_is_null(*arr)) {
		*arr = NULL;
		return required ? fail(rd, "%s: is required", name) : 0;
	}
	if (!json_is_array(*arr))
		return fail(rd, "%s: must be an array", name);
	*n = json_array_size(*arr);
	if (*n > PLAN_MAX_LINES)
		return fail(rd, "%s: more than %d entries", name, PLAN_MAX_LINES);
	return 0;
}

static int read_sites(struct rd *rd, const json_t *root, struct plan_problem *p)
{
	static const char *const known[] = {"code", "throughput_per_day", NULL};
	const json_t *arr;
	char path[48];

	if (get_array(rd, root, "sites", false, &arr, &p->nsites) < 0)
		return -1;
	if (p->nsites && !(p->sites = calloc(p->nsites, sizeof *p->sites)))
		return fail(rd, "out of memory");
	for (size_t i = 0; i < p->nsites; i++) {
		const json_t *o = json_array_get(arr, i);
		struct plan_site *s = &p->sites[i];

		snprintf(path, sizeof path, "sites[%zu]", i);
		if (!json_is_object(o))
			return fail(rd, "%s: must be an object", path);
		if (only_known(rd, o, path, known) < 0 ||
		    get_code(rd, o, path, "code", true, s->code, sizeof s->code) < 0 ||
		    get_number(rd, o, path, "throughput_per_day", 0, 1e12, -1, false,
			       &s->throughput) < 0)
			return -1;
	}
	return 0;
}

static int read_items(struct rd *rd, const json_t *root, struct plan_problem *p)
{
	static const char *const known[] = {"code", "group", "size", NULL};
	const json_t *arr;
	char path[48];

	if (get_array(rd, root, "items", false, &arr, &p->nitems) < 0)
		return -1;
	if (p->nitems && !(p->items = calloc(p->nitems, sizeof *p->items)))
		return fail(rd, "out of memory");
	for (size_t i = 0; i < p->nitems; i++) {
		const json_t *o = json_array_get(arr, i);
		struct plan_item *it = &p->items[i];

		snprintf(path, sizeof path, "items[%zu]", i);
		if (!json_is_object(o))
			return fail(rd, "%s: must be an object", path);
		if (only_known(rd, o, path, known) < 0 ||
		    get_code(rd, o, path, "code", true, it->code, sizeof it->code) < 0 ||
		    get_code(rd, o, path, "group", false, it->group, sizeof it->group) < 0 ||
		    get_number(rd, o, path, "size", 0, 1e9, 1, false, &it->size) < 0)
			return -1;
	}
	return 0;
}

static int read_lanes(struct rd *rd, const json_t *root, struct plan_problem *p)
{
	static const char *const known[] = {
		"from", "to", "transit_days", "cost", "capacity", NULL,
	};
	const json_t *arr;
	char path[48];
	double days;

	if (get_array(rd, root, "lanes", true, &arr, &p->nlanes) < 0)
		return -1;
	if (p->nlanes && !(p->lanes = calloc(p->nlanes, sizeof *p->lanes)))
		return fail(rd, "out of memory");
	for (size_t i = 0; i < p->nlanes; i++) {
		const json_t *o = json_array_get(arr, i);
		struct plan_lane *l = &p->lanes[i];

		snprintf(path, sizeof path, "lanes[%zu]", i);
		if (!json_is_object(o))
			return fail(rd, "%s: must be an object", path);
		if (only_known(rd, o, path, known) < 0 ||
		    get_code(rd, o, path, "from", true, l->from, sizeof l->from) < 0 ||
		    get_code(rd, o, path, "to", true, l->to, sizeof l->to) < 0 ||
		    get_number(rd, o, path, "transit_days", 0, 3650, 0, false, &days) < 0 ||
		    get_number(rd, o, path, "cost", 0, 1e9, 0, false, &l->cost) < 0 ||
		    get_number(rd, o, path, "capacity", 0, 1e15, -1, false, &l->capacity) < 0)
			return -1;
		if (days != floor(days))
			return fail(rd, "%s.transit_days: must be a whole number", path);
		if (strcmp(l->from, l->to) == 0)
			return fail(rd, "%s.to: must differ from from", path);
		l->transit_days = (int)days;
	}
	return 0;
}

/* "barred": an array of site codes, stored as "A;B". */
static int read_barred(struct rd *rd, const json_t *o, const char *path, char *out,
		       size_t size)
{
	const json_t *arr = json_object_get(o, "barred");
	size_t len = 0;
	char code[PLAN_CODE], sub[96];

	out[0] = '\0';
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return fail(rd, "%s.barred: must be an array of site codes", path);
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *wrap = json_pack("{sO}", "site", json_array_get(arr, i));
		int rc;

		snprintf(sub, sizeof sub, "%s.barred[%zu]", path, i);
		rc = wrap ? get_code(rd, wrap, sub, "site", true, code, sizeof code) : -1;
		json_decref(wrap);
		if (rc < 0)
			return -1;
		if (len + strlen(code) + 2 > size)
			return fail(rd, "%s.barred: too many sites", path);
		len += (size_t)snprintf(out + len, size - len, "%s%s", len ? ";" : "", code);
	}
	return 0;
}

static int read_supplies(struct rd *rd, const json_t *root, struct plan_problem *p)
{
	static const char *const known[] = {
		"id", "item", "origin", "quantity", "available", "only_coalition", "barred", NULL,
	};
	const json_t *arr;
	char path[48];

	if (get_array(rd, root, "supplies", true, &arr, &p->nsupplies) < 0)
		return -1;
	if (p->nsupplies && !(p->supplies = calloc(p->nsupplies, sizeof *p->supplies)))
		return fail(rd, "out of memory");
	for (size_t i = 0; i < p->nsupplies; i++) {
		const json_t *o = json_array_get(arr, i);
		struct plan_supply *s = &p->supplies[i];

		snprintf(path, sizeof path, "supplies[%zu]", i);
		if (!json_is_object(o))
			return fail(rd, "%s: must be an object", path);
		if (only_known(rd, o, path, known) < 0 ||
		    get_code(rd, o, path, "id", true, s->id, sizeof s->id) < 0 ||
		    get_code(rd, o, path, "item", true, s->item, sizeof s->item) < 0 ||
		    get_code(rd, o, path, "origin", true, s->origin, sizeof s->origin) < 0 ||
		    get_number(rd, o, path, "quantity", 0, 1e12, 0, true, &s->quantity) < 0 ||
		    get_date(rd, o, path, "available", p->as_of, &s->available) < 0 ||
		    get_code(rd, o, path, "only_coalition", false, s->only_coalition,
			     sizeof s->only_coalition) < 0 ||
		    read_barred(rd, o, path, s->barred, sizeof s->barred) < 0)
			return -1;
		if (s->available < p->as_of)
			s->available = p->as_of;
	}
	return 0;
}

static int read_priority(struct rd *rd, const json_t *o, const char *path, int *out)
{
	const json_t *v = json_object_get(o, "priority");
	const char *s = json_string_value(v);

	*out = 1;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= 1 && json_integer_value(v) <= 4)
		*out = (int)json_integer_value(v);
	else if (s && s[0] == 'P' && s[1] >= '1' && s[1] <= '4' && !s[2])
		*out = s[1] - '0';
	else
		return fail(rd, "%s.priority: must be P1, P2, P3 or P4", path);
	return 0;
}

static int read_demands(struct rd *rd, const json_t *root, struct plan_problem *p)
{
	static const char *const known[] = {
		"id", "item", "group", "quantity", "priority", "needed_by", "destination",
		"coalition", NULL,
	};
	const json_t *arr;
	char path[48];

	if (get_array(rd, root, "demands", true, &arr, &p->ndemands) < 0)
		return -1;
	if (p->ndemands && !(p->demands = calloc(p->ndemands, sizeof *p->demands)))
		return fail(rd, "out of memory");
	for (size_t i = 0; i < p->ndemands; i++) {
		const json_t *o = json_array_get(arr, i);
		struct plan_demand *d = &p->demands[i];

		snprintf(path, sizeof path, "demands[%zu]", i);
		if (!json_is_object(o))
			return fail(rd, "%s: must be an object", path);
		if (only_known(rd, o, path, known) < 0 ||
		    get_code(rd, o, path, "id", true, d->id, sizeof d->id) < 0 ||
		    get_code(rd, o, path, "item", false, d->item, sizeof d->item) < 0 ||
		    get_code(rd, o, path, "group", false, d->group, sizeof d->group) < 0 ||
		    get_number(rd, o, path, "quantity", 0, 1e12, 0, true, &d->quantity) < 0 ||
		    read_priority(rd, o, path, &d->priority) < 0 ||
		    get_date(rd, o, path, "needed_by", PLAN_NO_DATE, &d->needed_by) < 0 ||
		    get_code(rd, o, path, "destination", true, d->destination,
			     sizeof d->destination) < 0 ||
		    get_code(rd, o, path, "coalition", false, d->coalition,
			     sizeof d->coalition) < 0)
			return -1;
		if (!d->item[0] == !d->group[0])
			return fail(rd, "%s.item: give exactly one of item and group", path);
	}
	return 0;
}

/* ---- Implied sites and items. ---------------------------------------------
 * A plain transportation problem needs no list of sites or items: codes
 * used by lanes, supplies and demands stand for themselves (no throughput
 * limit, size 1, no group).  When the list is given, it is the whole list,
 * and a code missing from it is an error (most likely a typo). */

struct codes {
	char (*v)[PLAN_CODE];
	size_t n, cap;
};

static int code_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int codes_add(struct codes *c, const char *code)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		void *v = realloc(c->v, cap * sizeof *c->v);
		if (!v)
			return -1;
		c->v = v;
		c->cap = cap;
	}
	snprintf(c->v[c->n++], PLAN_CODE, "%s", code);
	return 0;
}

static void codes_sort(struct codes *c)
{
	size_t w = 0;

	if (c->n == 0)
		return;
	qsort(c->v, c->n, sizeof *c->v, code_cmp);
	for (size_t i = 0; i < c->n; i++) {
		if (w == 0 || strcmp(c->v[w - 1], c->v[i]) != 0)
			memmove(c->v[w++], c->v[i], PLAN_CODE);
	}
	c->n = w;
}

static bool codes_has(const struct codes *c, const char *code)
{
	return c->n && bsearch(code, c->v, c->n, sizeof *c->v, code_cmp);
}

/* @code (at @path) must be known, or is added to @missing when implied. */
static int refer(struct rd *rd, const struct codes *known, bool given, struct codes *missing,
		 const char *code, const char *path, const char *what)
{
	if (codes_has(known, code))
		return 0;
	if (given)
		return fail(rd, "%s: no %s '%s' in the problem's %ss", path, what, code, what);
	return codes_add(missing, code) < 0 ? fail(rd, "out of memory") : 0;
}

static int imply_sites(struct rd *rd, struct plan_problem *p, bool given)
{
	struct codes known = {0}, missing = {0};
	char path[48];
	int rc = 0;

	for (size_t i = 0; i < p->nsites && rc == 0; i++)
		rc = codes_add(&known, p->sites[i].code);
	codes_sort(&known);
	if (given && known.n != p->nsites)
		rc = fail(rd, "sites: a site is listed twice");
	for (size_t i = 0; i < p->nlanes && rc == 0; i++) {
		snprintf(path, sizeof path, "lanes[%zu].from", i);
		rc = refer(rd, &known, given, &missing, p->lanes[i].from, path, "site");
		snprintf(path, sizeof path, "lanes[%zu].to", i);
		if (rc == 0)
			rc = refer(rd, &known, given, &missing, p->lanes[i].to, path, "site");
	}
	for (size_t i = 0; i < p->nsupplies && rc == 0; i++) {
		snprintf(path, sizeof path, "supplies[%zu].origin", i);
		rc = refer(rd, &known, given, &missing, p->supplies[i].origin, path, "site");
	}
	for (size_t i = 0; i < p->ndemands && rc == 0; i++) {
		snprintf(path, sizeof path, "demands[%zu].destination", i);
		rc = refer(rd, &known, given, &missing, p->demands[i].destination, path, "site");
	}
	codes_sort(&missing);
	if (rc == 0 && missing.n) {
		struct plan_site *v = realloc(p->sites, (p->nsites + missing.n) * sizeof *v);
		if (!v) {
			rc = fail(rd, "out of memory");
		} else {
			p->sites = v;
			for (size_t i = 0; i < missing.n; i++) {
				struct plan_site *s = &p->sites[p->nsites++];
				memcpy(s->code, missing.v[i], PLAN_CODE);
				s->throughput = -1;
			}
		}
	}
	free(known.v);
	free(missing.v);
	return rc;
}

static int imply_items(struct rd *rd, struct plan_problem *p, bool given)
{
	struct codes known = {0}, missing = {0};
	char path[48];
	int rc = 0;

	for (size_t i = 0; i < p->nitems && rc == 0; i++)
		rc = codes_add(&known, p->items[i].code);
	codes_sort(&known);
	if (given && known.n != p->nitems)
		rc = fail(rd, "items: an item is listed twice");
	for (size_t i = 0; i < p->nsupplies && rc == 0; i++) {
		snprintf(path, sizeof path, "supplies[%zu].item", i);
		rc = refer(rd, &known, given, &missing, p->supplies[i].item, path, "item");
	}
	for (size_t i = 0; i < p->ndemands && rc == 0; i++) {
		if (!p->demands[i].item[0])
			continue;
		snprintf(path, sizeof path, "demands[%zu].item", i);
		rc = refer(rd, &known, given, &missing, p->demands[i].item, path, "item");
	}
	codes_sort(&missing);
	if (rc == 0 && missing.n) {
		struct plan_item *v = realloc(p->items, (p->nitems + missing.n) * sizeof *v);
		if (!v) {
			rc = fail(rd, "out of memory");
		} else {
			p->items = v;
			for (size_t i = 0; i < missing.n; i++) {
				struct plan_item *it = &p->items[p->nitems++];
				memset(it, 0, sizeof *it);
				memcpy(it->code, missing.v[i], PLAN_CODE);
				it->size = 1;
			}
		}
	}
	free(known.v);
	free(missing.v);
	return rc;
}

int plan_problem_from_json(const json_t *j, struct plan_problem *p, char *err, size_t errlen)
{
	static const char *const known[] = {
		"as_of", "sites", "items", "lanes", "supplies", "demands", NULL,
	};
	struct rd rd = {err, errlen};

	memset(p, 0, sizeof *p);
	if (!json_is_object(j)) {
		fail(&rd, "the problem must be a JSON object");
		return -1;
	}
	if (only_known(&rd, j, "problem", known) < 0 ||
	    get_date(&rd, j, "problem", "as_of", 0, &p->as_of) < 0 ||
	    read_sites(&rd, j, p) < 0 || read_items(&rd, j, p) < 0 ||
	    read_lanes(&rd, j, p) < 0 || read_supplies(&rd, j, p) < 0 ||
	    read_demands(&rd, j, p) < 0 ||
	    imply_sites(&rd, p, json_object_get(j, "sites") != NULL) < 0 ||
	    imply_items(&rd, p, json_object_get(j, "items") != NULL) < 0) {
		plan_problem_free(p);
		return -1;
	}
	return 0;
}

void plan_problem_free(struct plan_problem *p)
{
	free(p->sites);
	free(p->lanes);
	free(p->items);
	free(p->supplies);
	free(p->demands);
	memset(p, 0, sizeof *p);
}

/* ---- Writing. ---------------------------------------------------------- */

static json_t *date_json(int day)
{
	char buf[11];

	if (day == PLAN_NO_DATE)
		return json_null();
	plan_date(day, buf);
	return json_string(buf);
}

/* Whole numbers as integers, so a written problem reads back the same. */
static json_t *num_json(double v)
{
	if (v == floor(v) && fabs(v) < 9e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static void set_code(json_t *o, const char *name, const char *code)
{
	if (code[0])
		json_object_set_new(o, name, json_string(code));
}

static json_t *barred_json(const char *list)
{
	json_t *arr = json_array();
	const char *s = list;

	while (*s) {
		size_t n = strcspn(s, ";");
		json_array_append_new(arr, json_stringn(s, n));
		s += n + (s[n] == ';');
	}
	return arr;
}

json_t *plan_problem_to_json(const struct plan_problem *p)
{
	json_t *j = json_object(), *a;

	json_object_set_new(j, "as_of", date_json(p->as_of));
	json_object_set_new(j, "sites", a = json_array());
	for (size_t i = 0; i < p->nsites; i++) {
		json_t *o = json_object();
		set_code(o, "code", p->sites[i].code);
		if (p->sites[i].throughput >= 0)
			json_object_set_new(o, "throughput_per_day", num_json(p->sites[i].throughput));
		json_array_append_new(a, o);
	}
	json_object_set_new(j, "items", a = json_array());
	for (size_t i = 0; i < p->nitems; i++) {
		json_t *o = json_object();
		set_code(o, "code", p->items[i].code);
		set_code(o, "group", p->items[i].group);
		json_object_set_new(o, "size", num_json(p->items[i].size));
		json_array_append_new(a, o);
	}
	json_object_set_new(j, "lanes", a = json_array());
	for (size_t i = 0; i < p->nlanes; i++) {
		const struct plan_lane *l = &p->lanes[i];
		json_t *o = json_pack("{ss ss si so}", "from", l->from, "to", l->to,
				      "transit_days", l->transit_days, "cost", num_json(l->cost));
		if (l->capacity >= 0)
			json_object_set_new(o, "capacity", num_json(l->capacity));
		json_array_append_new(a, o);
	}
	json_object_set_new(j, "supplies", a = json_array());
	for (size_t i = 0; i < p->nsupplies; i++) {
		const struct plan_supply *s = &p->supplies[i];
		json_t *o = json_pack("{ss ss ss so so}", "id", s->id, "item", s->item,
				      "origin", s->origin, "quantity", num_json(s->quantity),
				      "available", date_json(s->available));
		set_code(o, "only_coalition", s->only_coalition);
		if (s->barred[0])
			json_object_set_new(o, "barred", barred_json(s->barred));
		json_array_append_new(a, o);
	}
	json_object_set_new(j, "demands", a = json_array());
	for (size_t i = 0; i < p->ndemands; i++) {
		const struct plan_demand *d = &p->demands[i];
		char prio[3] = {'P', (char)('0' + d->priority), 0};
		json_t *o = json_pack("{ss so ss ss}", "id", d->id, "quantity",
				      num_json(d->quantity), "priority", prio, "destination",
				      d->destination);
		set_code(o, "item", d->item);
		set_code(o, "group", d->group);
		if (d->needed_by != PLAN_NO_DATE)
			json_object_set_new(o, "needed_by", date_json(d->needed_by));
		set_code(o, "coalition", d->coalition);
		json_array_append_new(a, o);
	}
	return j;
}

void plan_route(const struct plan_problem *p, const struct plan_flow *f, char *buf,
		size_t len)
{
	const struct plan_supply *s = &p->supplies[f->supply];
	const struct plan_demand *d = &p->demands[f->demand];

	if (f->hub >= 0)
		snprintf(buf, len, "%s > %s > %s", s->origin, p->sites[f->hub].code,
			 d->destination);
	else
		snprintf(buf, len, "%s > %s", s->origin, d->destination);
}

static const char *const reason_names[] = {
	[WHY_NO_SUPPLY] = "no_supply",
	[WHY_NO_ROUTE] = "no_route",
	[WHY_DONOR_CONDITION] = "donor_condition",
	[WHY_TOO_LATE] = "too_late",
	[WHY_NODE_CAPACITY] = "node_capacity",
	[WHY_LANE_CAPACITY] = "lane_capacity",
	[WHY_COMPETITION] = "competition",
};

const char *plan_reason_name(enum plan_reason r)
{
	return reason_names[r];
}

static json_t *objective_json(const struct plan_result *r)
{
	return json_pack("{s{so so so so} so so}",
			 "on_time_units", "P1", num_json(r->objective[PLAN_OBJ_P1]),
			 "P2", num_json(r->objective[PLAN_OBJ_P2]),
			 "P3", num_json(r->objective[PLAN_OBJ_P3]),
			 "P4", num_json(r->objective[PLAN_OBJ_P4]),
			 "lateness", num_json(r->objective[PLAN_OBJ_LATENESS]),
			 "cost_eur", num_json(r->objective[PLAN_OBJ_COST]));
}

/* Per demand: what it got, and why not more. */
static json_t *shortfalls_json(const struct plan_problem *p, const struct plan_result *r)
{
	json_t *arr = json_array();
	double *on_time = calloc(p->ndemands + 1, sizeof *on_time);
	double *late = calloc(p->ndemands + 1, sizeof *late);
	size_t w = 0;

	if (!on_time || !late)
		goto done;
	for (size_t i = 0; i < r->nflows; i++)
		(r->flows[i].days_late ? late : on_time)[r->flows[i].demand] += r->flows[i].quantity;
	for (size_t d = 0; d < p->ndemands; d++) {
		double q = p->demands[d].quantity;
		json_t *why;

		if (on_time[d] >= q - 1e-9)
			continue;
		why = json_array();
		for (; w < r->nwhy && r->why[w].demand == d; w++)
			json_array_append_new(why, json_pack("{ss so ss}", "reason",
				reason_names[r->why[w].reason], "units", num_json(r->why[w].units),
				"text", r->why[w].text));
		json_array_append_new(arr, json_pack("{ss so so so so so}", "demand",
			p->demands[d].id, "quantity", num_json(q), "on_time", num_json(on_time[d]),
			"late", num_json(late[d]),
			"unmet", num_json(fmax(0, q - on_time[d] - late[d])), "why", why));
	}
done:
	free(on_time);
	free(late);
	return arr;
}

json_t *plan_result_to_json(const struct plan_problem *p, const struct plan_result *r)
{
	json_t *j = json_object(), *flows = json_array();
	char route[3 * PLAN_CODE + 8];

	json_object_set_new(j, "as_of", date_json(p->as_of));
	json_object_set_new(j, "objective", objective_json(r));
	json_object_set_new(j, "horizon_days", num_json(r->horizon_days));
	json_object_set_new(j, "totals", json_pack("{so so so so so}",
		"on_time_units", num_json(r->on_time), "late_units", num_json(r->late),
		"unmet_units", num_json(r->unmet), "unit_days_late", num_json(r->unit_days_late),
		"cost_eur", num_json(r->cost)));
	json_object_set_new(j, "integral", json_boolean(r->integral));
	json_object_set_new(j, "method", json_string(r->method ? r->method : "none"));
	json_object_set_new(j, "lp", json_pack("{sI sI}", "rows", (json_int_t)r->rows,
					       "cols", (json_int_t)r->cols));
	for (size_t i = 0; i < r->nflows; i++) {
		const struct plan_flow *f = &r->flows[i];

		plan_route(p, f, route, sizeof route);
		json_array_append_new(flows, json_pack("{ss ss ss ss so so so si so}",
			"supply", p->supplies[f->supply].id, "demand", p->demands[f->demand].id,
			"item", p->items[f->item].code, "route", route,
			"quantity", num_json(f->quantity), "departs", date_json(f->departs),
			"arrives", date_json(f->arrives), "days_late", f->days_late,
			"cost_eur", num_json(f->cost)));
	}
	json_object_set_new(j, "flows", flows);
	json_object_set_new(j, "shortfalls", shortfalls_json(p, r));
	return j;
}
