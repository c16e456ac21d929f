/*
 * records.c - generic record storage for entities described by a struct
 * espec, on PostgreSQL.  The SQL comes from ../sql.c; this file passes
 * values as text and turns rows into JSON by the field types.
 */
#include "pg.h"

#include "store/sql.h"

#include <stdlib.h>
#include <string.h>

static json_t *row_to_json(PGresult *res, int row, const struct espec *e)
{
	json_t *obj = json_object();

	for (size_t i = 0; obj && i < e->nfields; i++) {
		const struct fspec *f = &e->fields[i];
		int col = (int)i;
		const char *text = PQgetvalue(res, row, col);
		json_t *v;

		if (PQgetisnull(res, row, col)) {
			v = json_null();
		} else {
			switch (f->type) {
			case FT_INT:
				v = json_integer(strtoll(text, NULL, 10));
				break;
			case FT_NUMBER:
				v = json_real(strtod(text, NULL));
				break;
			case FT_BOOL:
				v = json_boolean(text[0] == 't');
				break;
			default:
				v = json_stringn(text, (size_t)PQgetlength(res, row, col));
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

int pg_rec_get(struct store_tx *tx, const struct espec *e, const char *key,
	       json_t **out)
{
	struct pg_params p = {.n = 0};
	struct sql q;
	PGresult *res;
	int rc;

	*out = NULL;
	if (!sql_rec_get(&q, SQL_PG, e))
		return ST_INTERNAL;
	pg_param_text(&p, key);
	if ((rc = pg_exec(pg_conn_of(tx), q.text, &p, &res, "rec_get")) != ST_OK)
		return rc;
	if (PQntuples(res) == 0)
		rc = ST_NOT_FOUND;
	else if (!(*out = row_to_json(res, 0, e)))
		rc = ST_INTERNAL;
	PQclear(res);
	return rc;
}

int pg_rec_list(struct store_tx *tx, const struct espec *e,
		const struct store_query *query, json_t **rows)
{
	struct pg_params p = {.n = 0};
	struct sql q;
	PGresult *res;
	json_t *arr;
	int rc;

	*rows = NULL;
	if (!sql_rec_list(&q, SQL_PG, e, query))
		return ST_INTERNAL;
	for (size_t i = 0; i < query->nfilters; i++) {
		if (!json_is_null(query->filters[i].value))
			pg_param_json(&p, query->filters[i].value);
	}
	if (query->after)
		pg_param_text(&p, query->after);
	pg_param_int(&p, (long long)query->limit);
	if ((rc = pg_exec(pg_conn_of(tx), q.text, &p, &res, "rec_list")) != ST_OK)
		return rc;
	if (!(arr = json_array())) {
		PQclear(res);
		return ST_INTERNAL;
	}
	for (int r = 0; r < PQntuples(res); r++) {
		json_t *row = row_to_json(res, r, e);
		if (!row || json_array_append_new(arr, row) != 0) {
			PQclear(res);
			json_decref(arr);
			return ST_INTERNAL;
		}
	}
	PQclear(res);
	*rows = arr;
	return ST_OK;
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
	int rc = pg_rec_get(tx, e, key, &cur);

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
