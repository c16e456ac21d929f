/*
 * records.c - generic record storage for entities described by a struct
 * espec: the table and its columns are named exactly as the spec says, so
 * the SQL is built from the spec and cached per connection like any other
 * statement.  Field names come from the compiled-in specs, never from input.
 */
#include "sq.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SQL_MAX 2048

/* Append to a fixed buffer; returns false on overflow (a spec too large). */
static bool sql_add(char *buf, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool sql_add(char *buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, SQL_MAX - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= SQL_MAX - *len)
		return false;
	*len += (size_t)n;
	return true;
}

static bool add_columns(char *sql, size_t *len, const struct espec *e)
{
	for (size_t i = 0; i < e->nfields; i++) {
		if (!sql_add(sql, len, "%s%s", i ? "," : "", e->fields[i].name))
			return false;
	}
	return true;
}

/* Build one record from the current row; NULL on OOM or bad stored text. */
static json_t *row_to_json(sqlite3_stmt *st, const struct espec *e)
{
	json_t *obj = json_object();

	for (size_t i = 0; obj && i < e->nfields; i++) {
		const struct fspec *f = &e->fields[i];
		int col = (int)i;
		json_t *v;

		if (sqlite3_column_type(st, col) == SQLITE_NULL) {
			v = json_null();
		} else {
			switch (f->type) {
			case FT_INT:
				v = json_integer(sqlite3_column_int64(st, col));
				break;
			case FT_NUMBER:
				v = json_real(sqlite3_column_double(st, col));
				break;
			case FT_BOOL:
				v = json_boolean(sqlite3_column_int(st, col));
				break;
			default:
				v = json_stringn((const char *)sqlite3_column_text(st, col),
						 (size_t)sqlite3_column_bytes(st, col));
				break;
			}
		}
		if (!v || json_object_set_new(obj, f->name, v) != 0) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

int sq_rec_get(struct store_tx *tx, const struct espec *e, const char *key,
	       json_t **out)
{
	struct sq_conn *c = sq_conn_of(tx);
	char sql[SQL_MAX];
	size_t len = 0;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if (!sql_add(sql, &len, "SELECT ") || !add_columns(sql, &len, e) ||
	    !sql_add(sql, &len, " FROM %s WHERE %s=?", e->table, e->key))
		return ST_INTERNAL;
	if (!(st = sq_prepare(c, sql)))
		return ST_INTERNAL;
	sq_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = row_to_json(st, e);
		rc = *out ? ST_OK : ST_INTERNAL;
	} else if (rc == SQLITE_DONE) {
		rc = ST_NOT_FOUND;
	} else {
		rc = sq_status(c, rc, "rec_get");
	}
	sqlite3_reset(st);
	return rc;
}

static bool field_of(const struct espec *e, const struct fspec *f)
{
	return f >= e->fields && f < e->fields + e->nfields;
}

int sq_rec_list(struct store_tx *tx, const struct espec *e,
		const struct store_query *q, json_t **rows)
{
	struct sq_conn *c = sq_conn_of(tx);
	char sql[SQL_MAX];
	size_t len = 0;
	sqlite3_stmt *st;
	int rc, idx = 1;
	json_t *arr;

	*rows = NULL;
	if (!sql_add(sql, &len, "SELECT ") || !add_columns(sql, &len, e) ||
	    !sql_add(sql, &len, " FROM %s WHERE 1", e->table))
		return ST_INTERNAL;
	for (size_t i = 0; i < q->nfilters; i++) {
		if (!field_of(e, q->filters[i].field))
			return ST_INTERNAL;
		if (!sql_add(sql, &len, json_is_null(q->filters[i].value)
					     ? " AND %s IS NULL" : " AND %s=?",
			     q->filters[i].field->name))
			return ST_INTERNAL;
	}
	if ((q->after && !sql_add(sql, &len, " AND %s>?", e->key)) ||
	    !sql_add(sql, &len, " ORDER BY %s LIMIT ?", e->key))
		return ST_INTERNAL;
	if (!(st = sq_prepare(c, sql)))
		return ST_INTERNAL;
	for (size_t i = 0; i < q->nfilters; i++) {
		if (!json_is_null(q->filters[i].value))
			sq_bind_json(st, idx++, q->filters[i].value);
	}
	if (q->after)
		sq_bind_text(st, idx++, q->after);
	sqlite3_bind_int64(st, idx, (sqlite3_int64)q->limit);
	if (!(arr = json_array()))
		return ST_INTERNAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *row = row_to_json(st, e);
		if (!row || json_array_append_new(arr, row) != 0) {
			sqlite3_reset(st);
			json_decref(arr);
			return ST_INTERNAL;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return sq_status(c, rc, "rec_list");
	}
	*rows = arr;
	return ST_OK;
}

/* Bind every field of @rec in spec order from index 1; version is 1. */
static void bind_record(sqlite3_stmt *st, const struct espec *e, const json_t *rec,
			json_int_t version)
{
	for (size_t i = 0; i < e->nfields; i++) {
		const char *name = e->fields[i].name;

		if (strcmp(name, "version") == 0)
			sqlite3_bind_int64(st, (int)i + 1, version);
		else
			sq_bind_json(st, (int)i + 1, json_object_get(rec, name));
	}
}

int sq_rec_insert(struct store_tx *tx, const struct espec *e, const json_t *rec)
{
	struct sq_conn *c = sq_conn_of(tx);
	char sql[SQL_MAX];
	size_t len = 0;
	sqlite3_stmt *st;

	if (!sql_add(sql, &len, "INSERT INTO %s(", e->table) ||
	    !add_columns(sql, &len, e) || !sql_add(sql, &len, ") VALUES("))
		return ST_INTERNAL;
	for (size_t i = 0; i < e->nfields; i++) {
		if (!sql_add(sql, &len, "%s?", i ? "," : ""))
			return ST_INTERNAL;
	}
	if (!sql_add(sql, &len, ")") || !(st = sq_prepare(c, sql)))
		return ST_INTERNAL;
	bind_record(st, e, rec, 1);
	return sq_exec_stmt(c, st, "rec_insert");
}

/* After an UPDATE or DELETE touched no row: missing, or a stale version? */
static int why_unchanged(struct store_tx *tx, const struct espec *e, const char *key)
{
	json_t *cur = NULL;
	int rc = sq_rec_get(tx, e, key, &cur);

	json_decref(cur);
	return rc == ST_OK ? ST_PRECONDITION : rc;
}

int sq_rec_update(struct store_tx *tx, const struct espec *e, const char *key,
		  const json_t *rec, int64_t version)
{
	struct sq_conn *c = sq_conn_of(tx);
	char sql[SQL_MAX];
	size_t len = 0;
	sqlite3_stmt *st;
	int rc;

	if (!sql_add(sql, &len, "UPDATE %s SET ", e->table))
		return ST_INTERNAL;
	for (size_t i = 0; i < e->nfields; i++) {
		if (!sql_add(sql, &len, "%s%s=?%zu", i ? "," : "", e->fields[i].name,
			     i + 1))
			return ST_INTERNAL;
	}
	if (!sql_add(sql, &len, " WHERE %s=?%zu AND version=?%zu", e->key,
		     e->nfields + 1, e->nfields + 2) ||
	    !(st = sq_prepare(c, sql)))
		return ST_INTERNAL;
	bind_record(st, e, rec, version + 1);
	sq_bind_text(st, (int)e->nfields + 1, key);
	sqlite3_bind_int64(st, (int)e->nfields + 2, version);
	if ((rc = sq_exec_stmt(c, st, "rec_update")) != ST_OK)
		return rc;
	return sqlite3_changes(c->db) == 1 ? ST_OK : why_unchanged(tx, e, key);
}

int sq_rec_delete(struct store_tx *tx, const struct espec *e, const char *key,
		  int64_t version)
{
	struct sq_conn *c = sq_conn_of(tx);
	char sql[SQL_MAX];
	size_t len = 0;
	sqlite3_stmt *st;
	int rc;

	if (!sql_add(sql, &len, "DELETE FROM %s WHERE %s=? AND version=?", e->table,
		     e->key) ||
	    !(st = sq_prepare(c, sql)))
		return ST_INTERNAL;
	sq_bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, version);
	if ((rc = sq_exec_stmt(c, st, "rec_delete")) != ST_OK)
		return rc;
	return sqlite3_changes(c->db) == 1 ? ST_OK : why_unchanged(tx, e, key);
}
