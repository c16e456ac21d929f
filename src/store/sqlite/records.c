/*
 * records.c - generic record storage for entities described by a struct
 * espec, on SQLite.  The SQL comes from ../sql.c; this file binds values
 * and hands rows on as typed values (../store.c makes JSON of them).
 */
#include "sq.h"

#include "store/sql.h"

#include <string.h>

#define MAX_FIELDS 64

/* The current row as typed values (texts point into SQLite's row). */
static void row_values(sqlite3_stmt *st, const struct espec *e, struct store_value *v)
{
	for (size_t i = 0; i < e->nfields; i++) {
		int col = (int)i;

		memset(&v[i], 0, sizeof v[i]);
		if (sqlite3_column_type(st, col) == SQLITE_NULL) {
			v[i].null = true;
			continue;
		}
		switch (e->fields[i].type) {
		case FT_INT:
		case FT_BOOL:
			v[i].i = sqlite3_column_int64(st, col);
			break;
		case FT_NUMBER:
			v[i].d = sqlite3_column_double(st, col);
			break;
		default:
			v[i].s = (const char *)sqlite3_column_text(st, col);
			v[i].len = (size_t)sqlite3_column_bytes(st, col);
			if (!v[i].s) {
				v[i].s = "";
				v[i].len = 0;
			}
			break;
		}
	}
}

/* Step @st to the end, handing each row to @fn; *@rows counts them. */
static int each_row(struct sq_conn *c, sqlite3_stmt *st, const struct espec *e,
		    store_row_fn fn, void *arg, size_t *rows, const char *what)
{
	struct store_value v[MAX_FIELDS];
	int rc;

	*rows = 0;
	if (e->nfields > MAX_FIELDS)
		return ST_INTERNAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_values(st, e, v);
		(*rows)++;
		if (fn(e, v, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? ST_OK : sq_status(c, rc, what);
}

int sq_rec_fetch(struct store_tx *tx, const struct espec *e, const char *key,
		 store_row_fn fn, void *arg)
{
	struct sq_conn *c = sq_conn_of(tx);
	struct sql q;
	sqlite3_stmt *st;
	size_t rows;
	int rc;

	if (!sql_rec_get(&q, SQL_SQLITE, e) || !(st = sq_prepare(c, q.text)))
		return ST_INTERNAL;
	sq_bind_text(st, 1, key);
	rc = each_row(c, st, e, fn, arg, &rows, "rec_fetch");
	return rc == ST_OK && rows == 0 ? ST_NOT_FOUND : rc;
}

int sq_rec_scan(struct store_tx *tx, const struct espec *e,
		const struct store_query *query, store_row_fn fn, void *arg)
{
	struct sq_conn *c = sq_conn_of(tx);
	struct sql q;
	sqlite3_stmt *st;
	size_t rows;
	int idx = 1;

	if (!sql_rec_list(&q, SQL_SQLITE, e, query) || !(st = sq_prepare(c, q.text)))
		return ST_INTERNAL;
	for (size_t i = 0; i < query->nfilters; i++) {
		if (!json_is_null(query->filters[i].value))
			sq_bind_json(st, idx++, query->filters[i].value);
	}
	if (query->after)
		sq_bind_text(st, idx++, query->after);
	sqlite3_bind_int64(st, idx, (sqlite3_int64)query->limit);
	return each_row(c, st, e, fn, arg, &rows, "rec_scan");
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

/* @e's INSERT on @c, reset with its bindings cleared; prepared on first use
 * and kept for the connection's life. */
static sqlite3_stmt *insert_stmt(struct sq_conn *c, const struct espec *e)
{
	struct sql q;
	sqlite3_stmt *st = NULL;

	for (unsigned i = 0; i < c->ninsert; i++) {
		if (c->insert[i].e == e) {
			sqlite3_reset(c->insert[i].st);
			sqlite3_clear_bindings(c->insert[i].st);
			return c->insert[i].st;
		}
	}
	if (!sql_rec_insert(&q, SQL_SQLITE, e))
		return NULL;
	if (c->ninsert == SQ_INSERT_CACHE)
		return sq_prepare(c, q.text);
	int rc = sqlite3_prepare_v3(c->db, q.text, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		sq_status(c, rc, "prepare");
		return NULL;
	}
	c->insert[c->ninsert].e = e;
	c->insert[c->ninsert++].st = st;
	return st;
}

int sq_rec_insert(struct store_tx *tx, const struct espec *e, const json_t *rec)
{
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = insert_stmt(c, e);

	if (!st)
		return ST_INTERNAL;
	bind_record(st, e, rec, -1);
	return sq_exec_stmt(c, st, "rec_insert");
}

/* After an UPDATE or DELETE touched no row: missing, or a stale version? */
static int why_unchanged(struct store_tx *tx, const struct espec *e, const char *key)
{
	json_t *cur = NULL;
	int rc = store_rec_get(tx, e, key, &cur);

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
