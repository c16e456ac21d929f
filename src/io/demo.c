/*
 * demo.c - the demo data set: the reference data in data/ (copied from the
 * project brief's sources, see data/SOURCES.md) and one login per role.
 *
 * Each CSV column maps to a field of the entity; the cells are checked by
 * the same field specs as the API, and records are created through the
 * service layer, so the demo is audited like any other change.
 */
#include "demo.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const struct io_demo_login IO_DEMO_LOGINS[] = {
	{"admin", "demo-admin-2026", "admin", NULL, NULL, "System administrator"},
	{"planner", "demo-planner-2026", "planner", NULL, NULL, "HQ planner (J4/J5)"},
	{"liaison.deu", "demo-liaison-2026", "donor_liaison", "DEU", NULL,
	 "German liaison officer"},
	{"officer.ukr", "demo-officer-2026", "recipient_officer", "UKR", NULL,
	 "Ukrainian requirement officer"},
	{"node.rze", "demo-node-2026", "node_operator", NULL, "LN-RZE",
	 "Operator, logistics node Rzeszow"},
	{"facility.grf", "demo-facility-2026", "facility_operator", NULL, "TF-GRF",
	 "Operator, Grafenwoehr training area"},
	{"auditor", "demo-auditor-2026", "auditor", NULL, NULL, "Auditor"},
};
const size_t IO_DEMO_NLOGINS = sizeof IO_DEMO_LOGINS / sizeof *IO_DEMO_LOGINS;

/* A CSV column that is not a field of the same name. */
struct colmap {
	const char *column;
	const char *field;   /* NULL: ignore the column */
};

struct table {
	const char *file;
	const struct espec *e;
	const struct colmap *map;
	const char *fixed_field, *fixed_value;  /* a constant for every row */
};

/* Demo records whose keys the server makes: a "ref" column names each row
 * for later rows (allocations name their pledge and requirement by ref),
 * and a "status" column says how far along its workflow to move it. */
struct flowed {
	const char *file;
	const struct espec *e;
	const char *const *ref_fields;  /* columns that hold refs, NULL-terminated */
};

static const struct colmap nation_map[] = {
	{"gdp_2023_usd_bn", "gdp_usd_bn"}, {NULL, NULL},
};
static const struct colmap no_map[] = {{NULL, NULL}};

static const struct table tables[] = {
	{"nations.csv", &ESPEC_NATIONS, nation_map, "gdp_year", "2023"},
	{"sites.csv", &ESPEC_SITES, no_map, NULL, NULL},
	{"coalitions.csv", &ESPEC_COALITIONS, no_map, NULL, NULL},
	{"substitution_groups.csv", &ESPEC_SUBST_GROUPS, no_map, NULL, NULL},
	{"items.csv", &ESPEC_ITEMS, no_map, NULL, NULL},
	{"exchange_rates.csv", &ESPEC_EXCHANGE_RATES, no_map, NULL, NULL},
	{"funding_targets.csv", &ESPEC_FUNDING_TARGETS, no_map, NULL, NULL},
	/* After the sites (each course names its training facility); within
	 * the file a course comes after the courses it requires. */
	{"courses.csv", &ESPEC_COURSES, no_map, NULL, NULL},
};

static const char *const no_refs[] = {NULL};
static const char *const allocation_refs[] = {"pledge", "requirement", NULL};

static const struct flowed flowed[] = {
	{"demo_requirements.csv", &ESPEC_REQUIREMENTS, no_refs},
	{"demo_pledges.csv", &ESPEC_PLEDGES, no_refs},
	{"demo_allocations.csv", &ESPEC_ALLOCATIONS, allocation_refs},
};

/* The moves from a new record to @status, in order. */
static const char *const *path_to(const struct espec *e, const char *status)
{
	static const struct {
		const struct espec *e;
		const char *status;
		const char *path[3];
	} paths[] = {
		{&ESPEC_REQUIREMENTS, "submitted", {"submitted", NULL}},
		{&ESPEC_REQUIREMENTS, "validated", {"submitted", "validated", NULL}},
		{&ESPEC_PLEDGES, "committed", {"committed", NULL}},
		{&ESPEC_PLEDGES, "delivered", {"committed", "delivered", NULL}},
	};
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		if (paths[i].e == e && strcmp(paths[i].status, status) == 0)
			return paths[i].path;
	}
	return NULL;
}

struct load_ctx {
	struct svc *svc;
	const struct principal *p;
	const struct table *t;
	const char *path;
	size_t loaded;
	bool row_failed;
	char *errbuf;
	size_t errlen;
};

static const struct fspec *column_field(const struct table *t, const char *column)
{
	for (const struct colmap *m = t->map; m->column; m++) {
		if (strcmp(m->column, column) == 0)
			return m->field ? espec_field(t->e, m->field) : NULL;
	}
	return espec_field(t->e, column);
}

static int load_row(const struct io_csv_row *hdr, const struct io_csv_row *row, void *arg)
{
	struct load_ctx *c = arg;
	json_t *rec = json_object(), *out = NULL, *v;
	struct verr err = {.field = ""};
	int rc = ST_OK;

	if (!rec)
		return ST_INTERNAL;
	for (size_t i = 0; i < hdr->n && rc == ST_OK; i++) {
		const struct fspec *f = column_field(c->t, hdr->cells[i]);

		if (!f) {
			rc = verr_set(&err, hdr->cells[i], "is not a column of %s", c->t->e->name);
			break;
		}
		if ((rc = fspec_parse_text(f, row->cells[i], &v, &err)) == ST_OK)
			json_object_set_new(rec, f->name, v);
	}
	if (rc == ST_OK && c->t->fixed_field) {
		const struct fspec *f = espec_field(c->t->e, c->t->fixed_field);
		if ((rc = fspec_parse_text(f, c->t->fixed_value, &v, &err)) == ST_OK)
			json_object_set_new(rec, f->name, v);
	}
	if (rc == ST_OK)
		rc = svc_rec_create(c->svc, c->p, c->t->e, rec, &out, &err);
	json_decref(rec);
	json_decref(out);
	if (rc != ST_OK) {
		snprintf(c->errbuf, c->errlen, "%s row %zu: %s: %s", c->path, row->row,
			 *err.field ? err.field : status_name((enum status)rc),
			 *err.field ? err.reason : "could not be stored");
		c->row_failed = true;
		return rc;
	}
	c->loaded++;
	return ST_OK;
}

struct flow_ctx {
	struct svc *svc;
	const struct principal *p;
	const struct flowed *t;
	const char *path;
	json_t *refs;     /* ref -> id, across files */
	size_t loaded;
	bool row_failed;
	char *errbuf;
	size_t errlen;
};

static bool is_ref_field(const struct flowed *t, const char *name)
{
	for (const char *const *f = t->ref_fields; *f; f++) {
		if (strcmp(*f, name) == 0)
			return true;
	}
	return false;
}

static int load_flowed_row(const struct io_csv_row *hdr, const struct io_csv_row *row,
			   void *arg)
{
	struct flow_ctx *c = arg;
	const struct espec *e = c->t->e;
	json_t *rec = json_object(), *out = NULL, *v;
	struct verr err = {.field = ""};
	const char *ref = NULL, *status = NULL;
	int rc = ST_OK;

	for (size_t i = 0; rec && i < hdr->n && rc == ST_OK; i++) {
		const char *col = hdr->cells[i], *cell = row->cells[i];
		const struct fspec *f = espec_field(e, col);

		if (strcmp(col, "ref") == 0) {
			ref = cell;
		} else if (strcmp(col, "status") == 0) {
			status = cell;
		} else if (f && is_ref_field(c->t, col)) {
			const char *id = json_string_value(json_object_get(c->refs, cell));
			if (!id)
				rc = verr_set(&err, col, "no earlier row has ref '%s'", cell);
			else
				json_object_set_new(rec, col, json_string(id));
		} else if (!f) {
			rc = verr_set(&err, col, "is not a column of %s", e->name);
		} else if (*cell || !(f->flags & FS_NULLABLE)) {
			if ((rc = fspec_parse_text(f, cell, &v, &err)) == ST_OK)
				json_object_set_new(rec, f->name, v);
		}
	}
	if (!rec)
		rc = ST_INTERNAL;
	if (rc == ST_OK)
		rc = svc_rec_create(c->svc, c->p, e, rec, &out, &err);
	const char *id = json_string_value(json_object_get(out, e->key));
	if (rc == ST_OK && ref && *ref)
		json_object_set_new(c->refs, ref, json_string(id));
	const char *const *moves = rc == ST_OK && status && *status ? path_to(e, status) : NULL;
	for (; moves && *moves && rc == ST_OK; moves++) {
		json_t *after = NULL;
		rc = svc_transition(c->svc, c->p, e, id, *moves, NULL, -1, &after, &err);
		json_decref(after);
	}
	json_decref(rec);
	json_decref(out);
	if (rc != ST_OK) {
		snprintf(c->errbuf, c->errlen, "%s row %zu: %s: %s", c->path, row->row,
			 *err.field ? err.field : status_name((enum status)rc),
			 *err.field ? err.reason : "could not be stored");
		c->row_failed = true;
		return rc;
	}
	c->loaded++;
	return ST_OK;
}

int io_demo_donations(struct svc *svc, const struct principal *p, const char *datadir,
		      FILE *progress, char *errbuf, size_t errlen)
{
	json_t *refs = json_object();
	char path[4096];
	int rc = refs ? ST_OK : ST_INTERNAL;

	for (size_t i = 0; rc == ST_OK && i < sizeof flowed / sizeof *flowed; i++) {
		struct flow_ctx c = {svc, p, &flowed[i], path, refs, 0, false, errbuf, errlen};
		char csv_err[256];

		snprintf(path, sizeof path, "%s/%s", datadir, flowed[i].file);
		rc = io_csv_read(path, load_flowed_row, &c, csv_err, sizeof csv_err);
		if (rc != ST_OK && !c.row_failed)
			snprintf(errbuf, errlen, "%s: %s", path, csv_err);
		else if (rc == ST_OK && progress)
			fprintf(progress, "  %-22s %4zu records\n", flowed[i].e->name, c.loaded);
	}
	json_decref(refs);
	return rc;
}

/*
 * The establishment: about 700 posts at the HQ and the two nodes, with flags
 * shared among the participating Allies roughly by size (every Ally at least
 * two posts), and a deterministic one in eight vacant.  Illustrative.
 */
int io_demo_posts(struct svc *svc, const struct principal *p, FILE *progress, char *errbuf,
		  size_t errlen)
{
	static const struct { const char *site; int posts; } sites[] = {
		{"HQ-WIE", 560}, {"LN-RZE", 85}, {"LN-CTZ", 55},
	};
	static const char *const functions[] = {
		"J1 personnel officer", "J2 intelligence analyst", "J3 current operations officer",
		"J4 logistics planner", "J4 movements controller", "J5 force development planner",
		"J6 communications officer", "J7 training coordinator", "J8 finance officer",
		"J9 liaison officer", "Legal adviser", "Node operations officer",
		"Node warehouse supervisor", "Node transport coordinator",
	};
	static const char *const grades[] = {"OR-6", "OR-7", "OR-8", "OF-2", "OF-3", "OF-3",
					     "OF-4", "OF-4", "OF-5", "CIV"};
	struct svc_list q = {.limit = SVC_MAX_LIMIT};
	struct verr err = {.field = ""};
	json_t *page = NULL, *rows = json_array(), *report = NULL, *n;
	double weights[64], sum = 0;
	const char *allies[64];
	size_t nallies = 0, i, k = 0;
	int rc;

	if ((rc = svc_rec_list(svc, p, &ESPEC_NATIONS, &q, &page, &err)) != ST_OK)
		goto done;
	json_array_foreach(json_object_get(page, "items"), i, n) {
		if (nallies < 64 && strcmp(json_string_value(json_object_get(n, "status")), "member") == 0 &&
		    json_is_true(json_object_get(n, "participates"))) {
			allies[nallies] = json_string_value(json_object_get(n, "iso3"));
			/* Flags follow size, dampened: small Allies still send staff. */
			weights[nallies] = 3 + sqrt(json_number_value(json_object_get(n, "gdp_usd_bn"))) / 4;
			sum += weights[nallies++];
		}
	}
	for (size_t si = 0; si < sizeof sites / sizeof *sites; si++) {
		for (int j = 0; j < sites[si].posts; j++, k++) {
			/* Walk the Allies by cumulative weight, spread across posts. */
			double at = fmod((double)k * 0.6180339887 * sum, sum), acc = 0;
			size_t a = 0;
			while (a + 1 < nallies && (acc += weights[a]) < at)
				a++;
			const char *fn = functions[(k * 7 + si) % (sizeof functions / sizeof *functions)];
			if (si > 0 && k % 3)
				fn = functions[11 + k % 3];
			json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:b}", "site",
							      sites[si].site, "nation", allies[a],
							      "grade", grades[k % 10], "function", fn,
							      "filled", k % 8 != 3));
		}
	}
	rc = svc_rec_create_many(svc, p, &ESPEC_POSTS, rows, BATCH_ALL_OR_NOTHING, &report);
	if (rc == ST_OK && progress)
		fprintf(progress, "  %-22s %4zu records\n", "posts", json_array_size(rows));
done:
	if (rc != ST_OK)
		snprintf(errbuf, errlen, "demo posts: %s", *err.reason ? err.reason : status_name((enum status)rc));
	json_decref(page);
	json_decref(rows);
	json_decref(report);
	return rc;
}

static int load_user(struct svc *svc, const struct principal *p,
		     const struct io_demo_login *l, char *errbuf, size_t errlen)
{
	json_t *u = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s}", "username", l->username,
			      "password", l->password, "role", l->role, "nation", l->nation,
			      "site", l->site, "display_name", l->display_name);
	json_t *out = NULL;
	struct verr err = {.field = ""};
	int rc = u ? svc_rec_create(svc, p, &ESPEC_USERS, u, &out, &err) : ST_INTERNAL;

	json_decref(u);
	json_decref(out);
	if (rc != ST_OK)
		snprintf(errbuf, errlen, "demo user %s: %s: %s", l->username, err.field,
			 *err.field ? err.reason : status_name((enum status)rc));
	return rc;
}

int io_reference_load(struct svc *svc, const struct principal *p,
		      const char *datadir, FILE *progress, char *errbuf,
		      size_t errlen)
{
	char path[4096];
	int rc;

	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
		struct load_ctx c = {svc, p, &tables[i], path, 0, false, errbuf, errlen};
		char csv_err[256];

		snprintf(path, sizeof path, "%s/%s", datadir, tables[i].file);
		rc = io_csv_read(path, load_row, &c, csv_err, sizeof csv_err);
		if (rc != ST_OK) {
			/* load_row wrote its own message; a parse error did not. */
			if (!c.row_failed)
				snprintf(errbuf, errlen, "%s: %s", path, csv_err);
			return rc;
		}
		if (progress)
			fprintf(progress, "  %-22s %4zu records\n", tables[i].e->name, c.loaded);
	}
	return ST_OK;
}

int io_demo_users(struct svc *svc, const struct principal *p, char *errbuf,
		  size_t errlen)
{
	int rc;

	for (size_t i = 0; i < IO_DEMO_NLOGINS; i++) {
		if ((rc = load_user(svc, p, &IO_DEMO_LOGINS[i], errbuf, errlen)) != ST_OK)
			return rc;
	}
	return ST_OK;
}

/* ---- Shared by the demo loaders (demo.h). ---------------------------------- */

int demo_fail(char *errbuf, size_t errlen, const char *what, int rc, const struct verr *err)
{
	bool field = err && *err->field, reason = err && *err->reason;

	snprintf(errbuf, errlen, "%s: %s%s%s%s%s%s", what, status_name((enum status)rc),
		 field ? " (" : "", field ? err->field : "", field ? ")" : "", reason ? ": " : "",
		 reason ? err->reason : "");
	return rc;
}

int demo_create(struct svc *svc, const struct principal *p, const struct espec *e, json_t *rec,
		char id[48], char *errbuf, size_t errlen)
{
	struct verr err = {.field = ""};
	json_t *out = NULL;
	int rc = rec ? svc_rec_create(svc, p, e, rec, &out, &err) : ST_INTERNAL;

	json_decref(rec);
	if (rc != ST_OK)
		return demo_fail(errbuf, errlen, e->name, rc, &err);
	if (id)
		snprintf(id, 48, "%s", json_string_value(json_object_get(out, e->key)));
	json_decref(out);
	return ST_OK;
}
