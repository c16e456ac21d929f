/*
 * records.c - generic record storage for entities described by a struct
 * espec, on PostgreSQL.  The SQL comes from ../sql.c; this file passes
 * values as text and hands rows on as typed values.
 */
#include "pg.h"

#include "store/sql.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 64

/* Hand every row of @res to @fn as typed values. */
static int each_row(PGresult *res, const struct espec *e, store_row_fn fn, void *arg)
{
	struct store_value v[MAX_FIELDS];

	if (e->nfields > MAX_FIELDS)
		return ST_INTERNAL;
	for (int r = 0; r < PQntuples(res); r++) {
		for (size_t i = 0; i < e->nfields; i++) {
			int col = (int)i;
			const char *text = PQgetvalue(res, r, col);

			memset(&v[i], 0, sizeof v[i]);
			if (PQgetisnull(res, r, col)) {
				v[i].null = true;
				continue;
			}
			switch (e->fields[i].type) {
			case FT_INT: v[i].i = strtoll(text, NULL, 10); break;
			case FT_BOOL: v[i].i = text[0] == 't'; break;
			case FT_NUMBER: v[i].d = strtod(text, NULL); break;
			default:
				v[i].s = text;
				v[i].len = (size_t)PQgetlength(res, r, col);
				break;
			}
		}
		if (fn(e, v, arg))
			break;
	}
	return ST_OK;
}

int pg_rec_fetch(struct store_tx *tx, const struct espec *e, const char *key,
		 store_row_fn fn, void *arg)
{
	struct pg_params p = {.n = 0};
	struct sql q;
	PGresult *res;
	int rc;

	if (!sql_rec_get(&q, SQL_PG, e))
		return ST_INTERNAL;
	pg_param_text(&p, key);
	if ((rc = pg_exec(pg_conn_of(tx), q.text, &p, &res, "rec_fetch")) != ST_OK)
		return rc;
	rc = PQntuples(res) == 0 ? ST_NOT_FOUND : each_row(res, e, fn, arg);
	PQclear(res);
	return rc;
}

int pg_rec_scan(struct store_tx *tx, const struct espec *e,
		const struct store_query *query, store_row_fn fn, void *arg)
{
	struct pg_params p = {.n = 0};
	struct sql q;
	PGresult *res;
	int rc;

	if (!sql_rec_list(&q, SQL_PG, e, query))
		return ST_INTERNAL;
	for (size_t i = 0; i < query->nfilters; i++) {
		if (!json_is_null(query->filters[i].value))
			pg_param_json(&p, query->filters[i].value);
	}
	if (query->after)
		pg_param_text(&p, query->after);
	pg_param_int(&p, (long long)query->limit);
	if ((rc = pg_exec(pg_conn_of(tx), q.text, &p, &res, "rec_scan")) != ST_OK)
		return rc;
	rc = each_row(res, e, fn, arg);
	PQclear(res);
	return rc;
}

/* Every field of @rec in spec order; "version" becomes @version unless that
 * is negative (then @rec's own is used). */
static void record_params(struct pg_params *p, const struct espec *e, const json_t *rec,
			  long long version)
{
	for (size_t i = 0; i < e->nfields; i++) {
		const char *name = e->fields[i].name;

		if (version >= 0 && strcmp(name, "version") == 0)
			pg_param_int(p, version);
		else
			pg_param_json(p, json_object_get(rec, name));
	}
}

int pg_rec_insert(struct store_tx *tx, const struct espec *e, const json_t *rec)
{
	struct pg_params p = {.n = 0};
	struct sql q;

	if (!sql_rec_insert(&q, SQL_PG, e))
		return ST_INTERNAL;
	record_params(&p, e, rec, -1);
	return pg_exec_guarded(pg_conn_of(tx), q.text, &p, NULL, "rec_insert");
}

/* After an UPDATE or DELETE touched no row: missing, or a stale version? */
static int why_unchanged(struct store_tx *tx, const struct espec *e, const char *key)
{
	json_t *cur = NULL;
	int rc = store_rec_get(tx, e, key, &cur);

	json_decref(cur);
	return rc == ST_OK ? ST_PRECONDITION : rc;
}

static int exec_one(struct store_tx *tx, const struct espec *e, const char *key,
		    const char *sql, const struct pg_params *p, const char *what)
{
	PGresult *res;
	int rc = pg_exec_guarded(pg_conn_of(tx), sql, p, &res, what);
	long n;

	if (rc != ST_OK)
		return rc;
	n = pg_affected(res);
	PQclear(res);
	return n == 1 ? ST_OK : why_unchanged(tx, e, key);
}

int pg_rec_update(struct store_tx *tx, const struct espec *e, const char *key,
		  const json_t *rec, int64_t version)
{
	struct pg_params p = {.n = 0};
	struct sql q;

	if (!sql_rec_update(&q, SQL_PG, e))
		return ST_INTERNAL;
	record_params(&p, e, rec, (long long)version + 1);
	pg_param_text(&p, key);
	pg_param_int(&p, (long long)version);
	return exec_one(tx, e, key, q.text, &p, "rec_update");
}

int pg_rec_delete(struct store_tx *tx, const struct espec *e, const char *key,
		  int64_t version)
{
	struct pg_params p = {.n = 0};
	struct sql q;

	if (!sql_rec_delete(&q, SQL_PG, e))
		return ST_INTERNAL;
	pg_param_text(&p, key);
	pg_param_int(&p, (long long)version);
	return exec_one(tx, e, key, q.text, &p, "rec_delete");
}
