/*
 * import.c - requirements and pledges from a CSV file, in one transaction.
 *
 * The header names the fields (docs/import.md lists them per entity).  The
 * header is checked before the first row is used: a column that is not a
 * field, a field the server sets, or a missing required field stops the
 * import naming the column.  Each cell then goes through fspec_parse_text,
 * exactly the check a JSON body gets; a bad cell makes its row fail with
 * the row number a spreadsheet shows, the column, the value and the reason.
 * The rows that parse go to svc_rec_create_many, which checks references,
 * scope and the rules across fields, and stores them in one transaction;
 * its errors, counted by array index, are mapped back to rows and columns.
 *
 * All rows are held as JSON objects until the transaction, because the
 * transaction needs them all at once.  Per row that is the record itself
 * and one row number; nothing else grows with the file.
 */
#include "io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LISTED 1000   /* errors listed in a report; counts stay complete */
#define VALUE_SHOWN 100   /* characters of a cell quoted in an error */

struct import_ctx {
	const struct espec *e;
	const struct fspec *cols[IO_CSV_MAX_COLUMNS];  /* field of each column */
	bool header_checked;
	struct verr *err;       /* why the header was refused */
	bool header_bad;
	json_t *recs;           /* the rows that parsed, in file order */
	size_t *rownum;         /* CSV row number of each entry of @recs */
	size_t nrecs, caprecs;
	size_t read;            /* data rows read */
	size_t failed;          /* rows with a bad cell */
	json_t *errors;         /* [{row, column, value, reason}]: the first MAX_LISTED
				 * cell errors, then those of the service */
	bool too_many;
};

/* ---- Errors. ----------------------------------------------------------- */

/* @s cut to VALUE_SHOWN characters (the last one an ellipsis when cut);
 * @s is valid UTF-8.  A new reference, or NULL on OOM. */
static json_t *shown_value(const char *s)
{
	size_t i = 0, chars = 0;
	char buf[VALUE_SHOWN * 4 + 4];

	while (s[i] && chars < VALUE_SHOWN) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	if (!s[i])
		return json_string(s);
	/* Longer: keep VALUE_SHOWN - 1 characters and end with U+2026. */
	while (i > 0) {
		i--;
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			break;
	}
	memcpy(buf, s, i);
	memcpy(buf + i, "\xE2\x80\xA6", 4);
	return json_string(buf);
}

/* List one error (while fewer than MAX_LISTED are listed).  False on OOM. */
static bool list_error(json_t *errors, size_t row, const char *column, const char *value,
		       const char *reason)
{
	json_t *v, *e;

	if (json_array_size(errors) >= MAX_LISTED)
		return true;
	v = shown_value(value);
	e = json_pack("{s:I, s:s, s:o?, s:s}", "row", (json_int_t)row, "column", column,
		      "value", v, "reason", reason);
	return e && v && json_array_append_new(errors, e) == 0;
}

/* The text of a record's field, as a cell would hold it: the string
 * itself, or a number written into @buf. */
static const char *value_text(const json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.15g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	else
		buf[0] = '\0';
	return buf;
}

/* ---- The header. ------------------------------------------------------- */

static int header_fail(struct import_ctx *c, const char *column, const char *reason)
{
	c->header_bad = true;
	return verr_set(c->err, column, "%s", reason);
}

/* Map every column to its field; refuse unknown and server-set columns,
 * and a file without a column for each required field.  (The reader has
 * already refused empty and duplicate names.) */
static int header_check(struct import_ctx *c, const struct io_csv_row *hdr)
{
	bool have[64] = {false};
	char why[160];

	for (size_t i = 0; i < hdr->n; i++) {
		const struct fspec *f = espec_field(c->e, hdr->cells[i]);

		if (!f) {
			snprintf(why, sizeof why, "is not a column of %s (docs/import.md lists them)",
				 c->e->name);
			return header_fail(c, hdr->cells[i], why);
		}
		if (f->flags & (FS_READONLY | FS_PRIVATE | FS_KEY))
			return header_fail(c, hdr->cells[i],
					   "is set by the server and cannot be imported");
		c->cols[i] = f;
		if ((size_t)(f - c->e->fields) < sizeof have / sizeof *have)
			have[f - c->e->fields] = true;
	}
	for (size_t i = 0; i < c->e->nfields && i < sizeof have / sizeof *have; i++) {
		const struct fspec *f = &c->e->fields[i];

		if ((f->flags & FS_REQUIRED) && !(f->flags & FS_READONLY) && !have[i])
			return header_fail(c, f->name, "is a required column and missing");
	}
	c->header_checked = true;
	return ST_OK;
}

/* ---- Rows. ------------------------------------------------------------- */

static bool keep(struct import_ctx *c, json_t *rec, size_t row)
{
	if (c->nrecs == c->caprecs) {
		size_t cap = c->caprecs ? c->caprecs * 2 : 1024;
		size_t *t = realloc(c->rownum, cap * sizeof *t);

		if (!t)
			return false;
		c->rownum = t;
		c->caprecs = cap;
	}
	if (json_array_append_new(c->recs, rec) != 0)
		return false;
	c->rownum[c->nrecs++] = row;
	return true;
}

static int import_row(const struct io_csv_row *hdr, const struct io_csv_row *row, void *arg)
{
	struct import_ctx *c = arg;
	json_t *rec, *v;
	bool bad = false;
	int rc;

	if (!c->header_checked && (rc = header_check(c, hdr)) != ST_OK)
		return rc;
	if (c->read == IO_IMPORT_MAX_ROWS) {
		c->too_many = true;
		return verr_set(c->err, "", "more than %d data rows; split the file",
				IO_IMPORT_MAX_ROWS);
	}
	c->read++;
	if (!(rec = json_object()))
		return ST_INTERNAL;
	for (size_t i = 0; i < hdr->n; i++) {
		const struct fspec *f = c->cols[i];
		const char *cell = row->cells[i];
		struct verr err = {.field = ""};

		/* An empty cell is null, which espec_validate fills in. */
		if (!*cell && (f->flags & FS_NULLABLE))
			continue;
		rc = fspec_parse_text(f, cell, &v, &err);
		if (rc == ST_OK) {
			json_object_set_new_nocheck(rec, f->name, v);
			continue;
		}
		bad = true;
		if (!list_error(c->errors, row->row, f->name, cell,
				*cell ? err.reason : "is required")) {
			json_decref(rec);
			return ST_INTERNAL;
		}
	}
	if (bad) {
		c->failed++;
		json_decref(rec);
		return ST_OK;
	}
	return keep(c, rec, row->row) ? ST_OK : ST_INTERNAL;
}

/* ---- Storing and the report. ------------------------------------------- */

static int by_row(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t rx = json_integer_value(json_object_get(x, "row"));
	json_int_t ry = json_integer_value(json_object_get(y, "row"));

	if (rx != ry)
		return rx < ry ? -1 : 1;
	/* Keep the order within a row: the index was stored while sorting. */
	rx = json_integer_value(json_object_get(x, "_n"));
	ry = json_integer_value(json_object_get(y, "_n"));
	return (rx > ry) - (rx < ry);
}

/* @errors in row order, at most MAX_LISTED (a new reference). */
static json_t *sorted_errors(json_t *errors)
{
	size_t n = json_array_size(errors), i;
	json_t **v = malloc((n ? n : 1) * sizeof *v), *out = json_array(), *e;

	if (!v || !out) {
		free(v);
		json_decref(out);
		return NULL;
	}
	json_array_foreach(errors, i, e) {
		json_object_set_new(e, "_n", json_integer((json_int_t)i));
		v[i] = e;
	}
	if (n > 1)
		qsort(v, n, sizeof *v, by_row);
	for (i = 0; i < n && i < MAX_LISTED; i++) {
		json_object_del(v[i], "_n");
		json_array_append(out, v[i]);
	}
	free(v);
	return out;
}

/*
 * Hand the parsed rows to the service.  When rows already failed and
 * nothing may be stored, the service still checks the others (so that the
 * report is complete), but a row that cannot pass is added at the end to
 * make sure the transaction is rolled back; its error is not reported.
 * *@created, *@failed: the service's counts for the real rows.
 */
static int store_rows(struct svc *svc, const struct principal *p, struct import_ctx *c,
		      enum svc_batch_mode mode, size_t *created, size_t *failed)
{
	bool sentinel = mode == BATCH_ALL_OR_NOTHING && c->failed > 0;
	json_t *report = NULL, *found = NULL, *e;
	size_t i;
	int rc;

	*created = *failed = 0;
	if (c->nrecs == 0)
		return ST_OK;
	if (sentinel && json_array_append_new(c->recs, json_object()) != 0)
		return ST_INTERNAL;
	rc = svc_rec_create_many(svc, p, c->e, c->recs, mode, &report);
	if (rc != ST_OK && rc != ST_INVALID)
		return rc;
	/* Listed apart from the cell errors, so that the first MAX_LISTED of
	 * both by row can be chosen. */
	if (!report || !(found = json_array())) {
		json_decref(report);
		return ST_INTERNAL;
	}
	*created = (size_t)json_integer_value(json_object_get(report, "created"));
	*failed = (size_t)json_integer_value(json_object_get(report, "failed"));
	if (sentinel)
		(*failed)--;
	json_array_foreach(json_object_get(report, "errors"), i, e) {
		size_t index = (size_t)json_integer_value(json_object_get(e, "index"));
		const char *field = json_string_value(json_object_get(e, "field"));
		const char *reason = json_string_value(json_object_get(e, "reason"));
		char buf[64];
		const char *value;

		if (index >= c->nrecs)
			continue;   /* the sentinel */
		if (!field)
			field = "";
		value = value_text(json_object_get(json_array_get(c->recs, index), field), buf,
				   sizeof buf);
		if (!list_error(found, c->rownum[index], field, value, reason ? reason : ""))
			rc = ST_INTERNAL;
	}
	if (rc != ST_INTERNAL && json_array_extend(c->errors, found) != 0)
		rc = ST_INTERNAL;
	json_decref(found);
	json_decref(report);
	return rc == ST_INTERNAL ? rc : ST_OK;
}

int io_import(struct svc *svc, const struct principal *p, const struct espec *e,
	      const struct io_source *src, enum svc_batch_mode mode, FILE *progress,
	      json_t **report, struct verr *err)
{
	struct import_ctx c = {.e = e, .err = err, .recs = json_array(), .errors = json_array()};
	json_t *listed = NULL;
	size_t created = 0, failed = 0;
	char csv_err[256];
	int rc;

	*report = NULL;
	verr_set(err, "", "%s", "");
	if (e != &ESPEC_REQUIREMENTS && e != &ESPEC_PLEDGES) {
		rc = verr_set(err, "", "%s cannot be imported", e->name);
		goto done;
	}
	if (!perm_allows(p->role, e->name, ACT_CREATE)) {
		rc = ST_FORBIDDEN;
		goto done;
	}
	if (!c.recs || !c.errors) {
		rc = ST_INTERNAL;
		goto done;
	}
	rc = src->path ? io_csv_read(src->path, import_row, &c, csv_err, sizeof csv_err)
		       : io_csv_parse(src->buf, src->len, import_row, &c, csv_err, sizeof csv_err);
	if (rc != ST_OK) {
		/* A bad header or too many rows set @err; the reader's own
		 * failures come with its message. */
		if (!c.header_bad && !c.too_many && *csv_err)
			verr_set(err, "", "%s", csv_err);
		goto done;
	}
	if (progress)
		fprintf(progress, "read %zu %s (%zu with bad cells)\n", c.read,
			c.read == 1 ? "row" : "rows", c.failed);
	if ((rc = store_rows(svc, p, &c, mode, &created, &failed)) != ST_OK)
		goto done;
	if (!(listed = sorted_errors(c.errors))) {
		rc = ST_INTERNAL;
		goto done;
	}
	/* In all-or-nothing mode the service stored nothing if anything failed. */
	if (mode == BATCH_ALL_OR_NOTHING && (c.failed || failed))
		created = 0;
	*report = json_pack("{s:s?, s:s, s:s, s:I, s:I, s:I, s:b, s:O}", "file", src->name,
			    "entity", e->name,
			    "mode", mode == BATCH_VALID_ONLY ? "valid-rows-only" : "all-or-nothing",
			    "rows", (json_int_t)c.read, "created", (json_int_t)created,
			    "failed", (json_int_t)(c.failed + failed), "stored", created > 0,
			    "errors", listed);
	if (!*report)
		rc = ST_INTERNAL;
	else if (created == 0)
		rc = c.read == 0 ? verr_set(err, "", "the file has no data rows")
				 : verr_set(err, "", "nothing was stored: %zu of %zu rows failed",
					    c.failed + failed, c.read);
done:
	json_decref(listed);
	json_decref(c.recs);
	json_decref(c.errors);
	free(c.rownum);
	return rc;
}
