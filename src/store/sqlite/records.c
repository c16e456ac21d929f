/*
 * records.c - generic record storage for entities described by a struct
 * espec, on SQLite.  The SQL comes from ../sql.c; this file binds values
 * and turns rows into JSON.
 */
#include "sq.h"

#include "store/sql.h"

#include <string.h>

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
	struct sql q;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if (!sql_rec_get(&q, SQL_SQLITE, e) || !(st = sq_prepare(c, q.text)))
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

int sq_rec_list(struct store_tx *tx, const struct espec *e,
		const struct store_query *query, json_t **rows)
{
	struct sq_conn *c = sq_conn_of(tx);
	struct sql q;
	sqlite3_stmt *st;
	int rc, idx = 1;
	json_t *arr;

	*rows = NULL;
	if (!sql_rec_list(&q, SQL_SQLITE, e, query) || !(st = sq_prepare(c, q.text)))
		return ST_INTERNAL;
	for (size_t i = 0; i < query->nfilters; i++) {
		if (!json_is_null(query->filters[i].value))
			sq_bind_json(st, idx++, query->filters[i].value);
	}
	if (query->after)
		sq_bind_text(st, idx++, query->after);
	sqlite3_bind_int64(st, idx, (sqlite3_int64)query->limit);
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

/* Bind every field of @rec in spec order from index 1; "version" becomes
 * @version unless that is negative (then @rec's own is used). */
static void bind_record(sqlite3_stmt *st, const struct espec *e, const json_t *rec,
			json_int_t version)
{
	for (size_t i = 0; i < e->nfields; i++) {
		const char *name = e->fields[i].name;

		if (version >= 0 && strcmp(name, "version") == 0)
			sqlite3_bind_int64(st, (int)i + 1, version);
		else
			sq_bind_json(st, (int)i + 1, json_object_get(rec, name));
	}
}

int sq_rec_insert(struct store_tx *tx, const struct espec *e, const json_t *rec)
{
	struct sq_conn *c = sq_conn_of(tx);
	struct sql q;
	sqlite3_stmt *st;

	if (!sql_rec_insert(&q, SQL_SQLITE, e) || !(st = sq_prepare(c, q.text)))
		return ST_INTERNAL;
	bind_record(st, e, rec, -1);
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
	struct sql q;
	sqlite3_stmt *st;
	int rc;

	if (!sql_rec_update(&q, SQL_SQLITE, e) || !(st = sq_prepare(c, q.text)))
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
	struct sql q;
	sqlite3_stmt *st;
	int rc;

	if (!sql_rec_delete(&q, SQL_SQLITE, e) || !(st = sq_prepare(c, q.text)))
		return ST_INTERNAL;
	sq_bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, version);
	if ((rc = sq_exec_stmt(c, st, "rec_delete")) != ST_OK)
		return rc;
	return sqlite3_changes(c->db) == 1 ? ST_OK : why_unchanged(tx, e, key);
}
