/*
 * kiel.c - the Kiel Institute's Ukraine Support Tracker (release 29) as
 * committed funding pledges.
 *
 * data/kiel/kiel_data_explorer.csv holds each donor's allocations by month
 * in EUR bn.  Every row with a military allocation becomes one funding
 * pledge of its donor: pledged on the first of the month, for that year,
 * of military x 1e9 EUR, with the Kiel release as its source; then it is
 * committed.  Donors that are not nations in the database (EU
 * institutions, countries outside the alliance) are skipped and counted.
 *
 * The pledges are created in one transaction (all or nothing), then each
 * is committed in its own (the service moves one record at a time).  Rows
 * imported before (same nation, date and source) are not created again,
 * and those still announced are committed, so a run that stopped half-way
 * is finished by running it again.
 */
#include "io.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COL_ISO, COL_YEAR, COL_MONTH, COL_MILITARY, NCOLS };
static const char *const col_names[NCOLS] = {"iso", "year", "month", "military"};

struct kiel_ctx {
	struct svc *svc;
	const struct principal *p;
	struct verr *err;
	size_t col[NCOLS];
	bool mapped;
	json_t *nations;    /* iso -> true (a nation) or false, as looked up */
	json_t *existing;   /* "ISO|YYYY-MM-DD" -> pledge imported before */
	json_t *recs;       /* new pledges */
	json_t *rownums;    /* their CSV row numbers */
	json_t *commit;     /* ids to commit: new and earlier announced ones */
	json_t *skipped;    /* isos skipped, in first-seen order */
	size_t rows, no_military, not_nation, already;
	double eur;         /* sum of the new pledges */
};

static int map_columns(struct kiel_ctx *c, const struct io_csv_row *hdr)
{
	for (size_t k = 0; k < NCOLS; k++) {
		size_t i = 0;

		while (i < hdr->n && strcmp(hdr->cells[i], col_names[k]) != 0)
			i++;
		if (i == hdr->n)
			return verr_set(c->err, col_names[k], "is a required column and missing");
		c->col[k] = i;
	}
	c->mapped = true;
	return ST_OK;
}

/* A whole number from @min to @max, or a finite number (@min > @max). */
static bool number(const char *s, double min, double max, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(*out))
		return false;
	if (min > max)
		return true;
	return *out >= min && *out <= max && *out == floor(*out);
}

/* Whether @iso is a nation in the database (looked up once per iso). */
static int is_nation(struct kiel_ctx *c, const char *iso, bool *yes)
{
	json_t *known = json_object_get(c->nations, iso), *rec = NULL;
	int rc;

	if (known) {
		*yes = json_is_true(known);
		return ST_OK;
	}
	rc = svc_rec_get(c->svc, c->p, &ESPEC_NATIONS, iso, &rec);
	json_decref(rec);
	if (rc != ST_OK && rc != ST_NOT_FOUND)
		return rc;
	*yes = rc == ST_OK;
	json_object_set_new(c->nations, iso, json_boolean(*yes));
	if (!*yes)
		json_array_append_new(c->skipped, json_string(iso));
	return ST_OK;
}

static int kiel_row(const struct io_csv_row *hdr, const struct io_csv_row *row, void *arg)
{
	struct kiel_ctx *c = arg;
	const char *iso;
	double year, month, military;
	char on[16], key[32];
	bool nation;
	int rc;

	if (!c->mapped && (rc = map_columns(c, hdr)) != ST_OK)
		return rc;
	c->rows++;
	iso = row->cells[c->col[COL_ISO]];
	if (!number(row->cells[c->col[COL_YEAR]], 1990, 2100, &year))
		return verr_set(c->err, "year", "row %zu: '%.20s' is not a year from 1990 to 2100",
				row->row, row->cells[c->col[COL_YEAR]]);
	if (!number(row->cells[c->col[COL_MONTH]], 1, 12, &month))
		return verr_set(c->err, "month", "row %zu: '%.20s' is not a month from 1 to 12",
				row->row, row->cells[c->col[COL_MONTH]]);
	if (!number(row->cells[c->col[COL_MILITARY]], 1, 0, &military))
		return verr_set(c->err, "military", "row %zu: '%.20s' is not a number", row->row,
				row->cells[c->col[COL_MILITARY]]);
	if (military <= 0) {
		c->no_military++;
		return ST_OK;
	}
	if ((rc = is_nation(c, iso, &nation)) != ST_OK)
		return rc;
	if (!nation) {
		c->not_nation++;
		return ST_OK;
	}
	snprintf(on, sizeof on, "%04d-%02d-01", (int)year, (int)month);
	snprintf(key, sizeof key, "%s|%s", iso, on);
	json_t *old = json_object_get(c->existing, key);
	if (old) {
		c->already++;
		const char *status = json_string_value(json_object_get(old, "status"));
		if (status && strcmp(status, "announced") == 0)
			json_array_append(c->commit, json_object_get(old, "id"));
		return ST_OK;
	}
	/* EUR bn to EUR, in whole cents. */
	double amount = round(military * 1e11) / 100;
	json_t *rec = json_pack("{s:s, s:s, s:s, s:f, s:s, s:I, s:s}", "nation", iso, "kind",
				"funding", "pledged_on", on, "amount", amount, "currency", "EUR",
				"year", (json_int_t)year, "source", IO_KIEL_SOURCE);
	if (!rec || json_array_append_new(c->recs, rec) != 0 ||
	    json_array_append_new(c->rownums, json_integer((json_int_t)row->row)) != 0)
		return ST_INTERNAL;
	c->eur += amount;
	return ST_OK;
}

/* The funding pledges imported from this release before, by nation and
 * date: {"ISO|YYYY-MM-DD": {"id", "status"}}. */
static int load_existing(struct kiel_ctx *c)
{
	struct svc_filter f = {"kind", "funding"};
	char cursor[256] = "";
	int rc = ST_OK;

	do {
		struct svc_list q = {&f, 1, *cursor ? cursor : NULL, SVC_MAX_LIMIT};
		struct verr err = {.field = ""};
		json_t *page = NULL, *it, *next;
		size_t i;

		if ((rc = svc_rec_list(c->svc, c->p, &ESPEC_PLEDGES, &q, &page, &err)) != ST_OK)
			return rc;
		json_array_foreach(json_object_get(page, "items"), i, it) {
			const char *source = json_string_value(json_object_get(it, "source"));
			const char *nation = json_string_value(json_object_get(it, "nation"));
			const char *on = json_string_value(json_object_get(it, "pledged_on"));
			char key[32];

			if (!source || strcmp(source, IO_KIEL_SOURCE) != 0 || !nation || !on)
				continue;
			snprintf(key, sizeof key, "%s|%s", nation, on);
			json_object_set_new(c->existing, key,
					    json_pack("{s:O, s:O}", "id", json_object_get(it, "id"),
						      "status", json_object_get(it, "status")));
		}
		next = json_object_get(page, "next_cursor");
		snprintf(cursor, sizeof cursor, "%s",
			 json_is_string(next) ? json_string_value(next) : "");
		json_decref(page);
	} while (*cursor);
	return rc;
}

/* Create the new pledges in one transaction; their ids join @commit. */
static int create_all(struct kiel_ctx *c, json_t **svc_report)
{
	json_t *rec;
	size_t i;
	int rc;

	if (json_array_size(c->recs) == 0)
		return ST_OK;
	rc = svc_rec_create_many(c->svc, c->p, &ESPEC_PLEDGES, c->recs, BATCH_ALL_OR_NOTHING,
				 svc_report);
	if (rc != ST_OK)
		return rc;
	/* The service wrote the new keys into the rows it was given. */
	json_array_foreach(c->recs, i, rec) {
		json_t *id = json_object_get(rec, "id");
		if (!json_is_string(id))
			return ST_INTERNAL;
		json_array_append(c->commit, id);
	}
	return ST_OK;
}

int io_import_kiel(struct svc *svc, const struct principal *p, const char *path,
		   FILE *progress, json_t **report, struct verr *err)
{
	struct kiel_ctx c = {.svc = svc, .p = p, .err = err, .nations = json_object(),
			     .existing = json_object(), .recs = json_array(),
			     .rownums = json_array(), .commit = json_array(),
			     .skipped = json_array()};
	json_t *svc_report = NULL, *id;
	char csv_err[256];
	size_t committed = 0, i;
	int rc;

	*report = NULL;
	verr_set(err, "", "%s", "");
	if (!c.nations || !c.existing || !c.recs || !c.rownums || !c.commit || !c.skipped) {
		rc = ST_INTERNAL;
		goto done;
	}
	if ((rc = load_existing(&c)) != ST_OK)
		goto done;
	if ((rc = io_csv_read(path, kiel_row, &c, csv_err, sizeof csv_err)) != ST_OK) {
		if (*csv_err)
			verr_set(err, "", "%s", csv_err);
		goto done;
	}
	if (progress)
		fprintf(progress, "read %zu rows: %zu new pledges, %zu imported before, %zu without "
			"military allocation, %zu rows of donors that are not nations here\n", c.rows,
			json_array_size(c.recs), c.already, c.no_military, c.not_nation);
	if ((rc = create_all(&c, &svc_report)) != ST_OK) {
		/* Name the first row that failed, from the service's report. */
		json_t *e = json_array_get(json_object_get(svc_report, "errors"), 0);
		size_t at = (size_t)json_integer_value(json_object_get(e, "index"));
		const char *why = json_string_value(json_object_get(e, "reason"));
		if (e)
			verr_set(err, json_string_value(json_object_get(e, "field")),
				 "row %lld: %s; nothing was stored",
				 (long long)json_integer_value(json_array_get(c.rownums, at)),
				 why ? why : "could not be stored");
		goto done;
	}
	if (progress && json_array_size(c.recs))
		fprintf(progress, "created %zu funding pledges, EUR %.3f bn\n",
			json_array_size(c.recs), c.eur / 1e9);
	json_array_foreach(c.commit, i, id) {
		json_t *after = NULL;

		rc = svc_transition(svc, p, &ESPEC_PLEDGES, json_string_value(id), "committed", NULL,
				    -1, &after, err);
		json_decref(after);
		if (rc != ST_OK) {
			char why[sizeof err->reason];
			snprintf(why, sizeof why, "%s",
				 *err->reason ? err->reason : status_name((enum status)rc));
			verr_set(err, "", "committing %s: %s; %zu pledges are still announced "
				 "(run the import again to commit them)", json_string_value(id), why,
				 json_array_size(c.commit) - committed);
			goto done;
		}
		committed++;
	}
	if (progress)
		fprintf(progress, "committed %zu pledges\n", committed);
	*report = json_pack("{s:s, s:s, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:O}", "file", path,
			    "source", IO_KIEL_SOURCE, "rows", (json_int_t)c.rows,
			    "created", (json_int_t)json_array_size(c.recs), "created_eur", c.eur,
			    "committed", (json_int_t)committed,
			    "imported_before", (json_int_t)c.already,
			    "skipped_no_military", (json_int_t)c.no_military,
			    "skipped_not_a_nation", (json_int_t)c.not_nation,
			    "skipped_donors", c.skipped);
	rc = *report ? ST_OK : ST_INTERNAL;
done:
	json_decref(svc_report);
	json_decref(c.nations);
	json_decref(c.existing);
	json_decref(c.recs);
	json_decref(c.rownums);
	json_decref(c.commit);
	json_decref(c.skipped);
	return rc;
}
