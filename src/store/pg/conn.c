/*
 * conn.c - the PostgreSQL backend's connection pool, prepared statements,
 * transactions, error mapping, and its table of operations.
 *
 * Isolation: writers run SERIALIZABLE, so every invariant that a use case
 * checks inside its transaction holds under concurrent writers exactly as
 * if the transactions had run one after another; a conflict surfaces as
 * SQLSTATE 40001 and the transaction runner retries the whole unit.
 * Readers run REPEATABLE READ READ ONLY: one consistent snapshot.
 */
#include "pg.h"

#include "log/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void cache_clear(struct pg_conn *c)
{
	for (unsigned i = 0; i < PG_STMT_CACHE; i++) {
		free(c->cache[i].sql);
		c->cache[i].sql = NULL;
	}
	c->cached = 0;
}

void pg_param_text(struct pg_params *p, const char *s)
{
	if (p->n < PG_MAX_PARAMS)
		p->v[p->n++] = s;
}

void pg_param_int(struct pg_params *p, long long v)
{
	if (p->n < PG_MAX_PARAMS) {
		snprintf(p->buf[p->n], sizeof p->buf[p->n], "%lld", v);
		p->v[p->n] = p->buf[p->n];
		p->n++;
	}
}

void pg_param_json(struct pg_params *p, const json_t *v)
{
	if (p->n >= PG_MAX_PARAMS)
		return;
	if (!v) {
		p->v[p->n++] = NULL;
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		p->v[p->n++] = json_string_value(v);
		return;
	case JSON_INTEGER:
		pg_param_int(p, json_integer_value(v));
		return;
	case JSON_REAL:
		snprintf(p->buf[p->n], sizeof p->buf[p->n], "%.17g", json_real_value(v));
		p->v[p->n] = p->buf[p->n];
		p->n++;
		return;
	case JSON_TRUE:
		p->v[p->n++] = "t";
		return;
	case JSON_FALSE:
		p->v[p->n++] = "f";
		return;
	default:
		p->v[p->n++] = NULL;
		return;
	}
}

static int map_error(struct pg_conn *c, PGresult *res, const char *what)
{
	struct pg_store *s = (struct pg_store *)c->tx.base.store;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	if (PQstatus(c->db) == CONNECTION_BAD || !state) {
		c->broken = true;
		log_msg(LOG_WARN, "postgresql connection lost", "%s: %s", what,
			PQerrorMessage(c->db));
		return ST_RETRY;
	}
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0)
		return ST_RETRY;
	if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
	    strcmp(state, "25006") == 0) {
		/* Lost the server, or it became a read-only standby (fail-over):
		 * reconnect and retry on the current primary. */
		c->broken = true;
		return ST_RETRY;
	}
	if (strncmp(state, "23", 2) == 0)
		return ST_CONFLICT;
	atomic_fetch_add(&s->errors, 1);
	log_msg(LOG_ERROR, "postgresql error", "%s: %s %s", what, state,
		PQresultErrorMessage(res));
	return ST_INTERNAL;
}

/* The name of @sql's prepared statement on @c, preparing it if needed. */
static const char *prepared(struct pg_conn *c, const char *sql, int nparams,
			    int *rc, const char *what)
{
	uint32_t h = fnv1a(sql) & (PG_STMT_CACHE - 1);
	struct pg_stmt_slot *slot = NULL;
	PGresult *res;

	for (unsigned probe = 0; probe < PG_STMT_CACHE; probe++) {
		slot = &c->cache[(h + probe) & (PG_STMT_CACHE - 1)];
		if (!slot->sql)
			break;
		if (strcmp(slot->sql, sql) == 0)
			return slot->name;
	}
	if (c->cached >= PG_STMT_CACHE * 3 / 4) {
		/* Rare: forget every statement and start over. */
		PQclear(PQexec(c->db, "DEALLOCATE ALL"));
		cache_clear(c);
		slot = &c->cache[h];
	}
	char name[16];
	snprintf(name, sizeof name, "s%u", c->next_id++);
	res = PQprepare(c->db, name, sql, nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*rc = map_error(c, res, what);
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	if (!(slot->sql = strdup(sql))) {
		*rc = ST_INTERNAL;
		return NULL;
	}
	snprintf(slot->name, sizeof slot->name, "%s", name);
	c->cached++;
	return slot->name;
}

/* Run @sql with @p: prepared once and kept when @keep, else as the
 * unnamed statement, planned for these values. */
static int exec(struct pg_conn *c, const char *sql, const struct pg_params *p,
		PGresult **res_out, const char *what, bool keep)
{
	static const struct pg_params none;
	const char *name;
	PGresult *res;
	int rc = ST_OK;

	if (res_out)
		*res_out = NULL;
	if (!p)
		p = &none;
	if (p->n >= PG_MAX_PARAMS)
		return ST_INTERNAL;
	if (!keep) {
		res = PQexecParams(c->db, sql, p->n, NULL, p->v, NULL, NULL, 0);
	} else {
		if (!(name = prepared(c, sql, p->n, &rc, what)))
			return rc;
		res = PQexecPrepared(c->db, name, p->n, p->v, NULL, NULL, 0);
	}
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		if (res_out)
			*res_out = res;
		else
			PQclear(res);
		return ST_OK;
	default:
		rc = map_error(c, res, what);
		PQclear(res);
		return rc;
	}
}

int pg_exec(struct pg_conn *c, const char *sql, const struct pg_params *p,
	    PGresult **res, const char *what)
{
	return exec(c, sql, p, res, what, true);
}

int pg_exec_once(struct pg_conn *c, const char *sql, const struct pg_params *p,
		 PGresult **res, const char *what)
{
	return exec(c, sql, p, res, what, false);
}

int pg_exec_guarded(struct pg_conn *c, const char *sql, const struct pg_params *p,
		    PGresult **res, const char *what)
{
	int rc = pg_exec(c, "SAVEPOINT nsatu_stmt", NULL, NULL, what);

	if (rc != ST_OK)
		return rc;
	rc = pg_exec(c, sql, p, res, what);
	if (rc == ST_CONFLICT)
		return pg_exec(c, "ROLLBACK TO SAVEPOINT nsatu_stmt", NULL, NULL, what) == ST_OK
			       ? ST_CONFLICT : ST_INTERNAL;
	if (rc != ST_OK)
		return rc;
	return pg_exec(c, "RELEASE SAVEPOINT nsatu_stmt", NULL, NULL, what);
}

long pg_affected(PGresult *res)
{
	const char *n = PQcmdTuples(res);
	return n && *n ? strtol(n, NULL, 10) : 0;
}

static int simple(struct pg_conn *c, const char *sql)
{
	PGresult *res = PQexec(c->db, sql);
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? ST_OK : map_error(c, res, sql);

	PQclear(res);
	return rc;
}

static void *conn_open(void *ctx, char *errbuf, size_t errlen)
{
	struct pg_store *s = ctx;
	struct pg_conn *c = calloc(1, sizeof *c);

	if (!c) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	c->db = PQconnectdb(s->url);
	if (PQstatus(c->db) != CONNECTION_OK) {
		snprintf(errbuf, errlen, "cannot connect: %s", PQerrorMessage(c->db));
		errbuf[strcspn(errbuf, "\n")] = '\0';
		PQfinish(c->db);
		free(c);
		return NULL;
	}
	c->tx.base.ops = &store_pg_ops;
	c->tx.base.store = &s->base;
	c->tx.conn = c;
	/* Quiet NOTICEs; keep the server's time zone out of our data. */
	PQclear(PQexec(c->db, "SET client_min_messages = warning"));
	return c;
}

static void conn_close(void *conn)
{
	struct pg_conn *c = conn;

	cache_clear(c);
	PQfinish(c->db);
	free(c);
}

static int pg_open(const char *url, unsigned max_conns, struct store **out,
		   char *errbuf, size_t errlen)
{
	struct pg_store *s = calloc(1, sizeof *s);

	*out = NULL;
	if (!s || !(s->url = strdup(url))) {
		free(s);
		snprintf(errbuf, errlen, "out of memory");
		return ST_INTERNAL;
	}
	s->base.ops = &store_pg_ops;
	if (store_pool_init(&s->pool, max_conns, conn_open, conn_close, s, errbuf, errlen) != 0) {
		free(s->url);
		free(s);
		return ST_INVALID;
	}
	*out = &s->base;
	return ST_OK;
}

static void pg_close(struct store *base)
{
	struct pg_store *s = (struct pg_store *)base;

	store_pool_fini(&s->pool);
	free(s->url);
	free(s);
}

static void pg_stats(struct store *base, struct store_stats *out)
{
	struct pg_store *s = (struct pg_store *)base;

	out->errors = atomic_load(&s->errors);
	out->retries = atomic_load(&s->retries);
	out->connections = s->pool.nconns;
}

/* A pooled connection, re-opened first if it broke (fail-over). */
static struct pg_conn *pool_take(struct pg_store *s)
{
	struct pg_conn *c = store_pool_take(&s->pool);

	if (c && (c->broken || PQstatus(c->db) != CONNECTION_OK)) {
		PQreset(c->db);
		cache_clear(c);
		c->broken = PQstatus(c->db) != CONNECTION_OK;
	}
	return c;
}

static void pool_give(struct pg_store *s, struct pg_conn *c)
{
	store_pool_give(&s->pool, c);
}

static int pg_begin(struct store *base, enum store_mode mode, struct store_tx **out)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pg_conn *c = pool_take(s);
	int rc;

	*out = NULL;
	if (!c)
		return ST_RETRY; /* the server may be failing over: try again */
	if (c->broken) {
		pool_give(s, c);
		atomic_fetch_add(&s->retries, 1);
		return ST_RETRY;
	}
	/* Every change appends to the one audit chain, so writers queue on its
	 * head.  LOCK TABLE before any query takes the lock before the
	 * snapshot: each writer sees the one before it, and they do not abort
	 * each other with serialization failures over the head row. */
	rc = simple(c, mode == STORE_WRITE
			       ? "BEGIN ISOLATION LEVEL SERIALIZABLE;"
				 " LOCK TABLE audit_head IN EXCLUSIVE MODE"
			       : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (rc != ST_OK) {
		if (rc == ST_RETRY)
			atomic_fetch_add(&s->retries, 1);
		pool_give(s, c);
		return rc;
	}
	c->tx.mode = mode;
	c->tx.head_seq = 0;
	*out = &c->tx.base;
	return ST_OK;
}

static void pg_rollback(struct store_tx *tx)
{
	struct pg_conn *c = pg_conn_of(tx);

	if (!c->broken && PQtransactionStatus(c->db) != PQTRANS_IDLE)
		simple(c, "ROLLBACK");
	pool_give((struct pg_store *)tx->store, c);
}

static int pg_commit(struct store_tx *tx)
{
	struct pg_conn *c = pg_conn_of(tx);
	struct pg_store *s = (struct pg_store *)tx->store;
	int rc = pg_audit_flush(tx);

	if (rc == ST_OK)
		rc = simple(c, "COMMIT");
	if (rc != ST_OK) {
		if (rc == ST_RETRY)
			atomic_fetch_add(&s->retries, 1);
		pg_rollback(tx);
		return rc;
	}
	pool_give(s, c);
	return ST_OK;
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.migrate = pg_migrate,
	.stats = pg_stats,
	.backup = pg_backup,
	.restore = pg_restore,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.rec_fetch = pg_rec_fetch,
	.rec_scan = pg_rec_scan,
	.rec_insert = pg_rec_insert,
	.rec_update = pg_rec_update,
	.rec_delete = pg_rec_delete,
	.audit_head = pg_audit_head,
	.audit_append = pg_audit_append,
	.audit_scan = pg_audit_scan,
	.token_put = pg_token_put,
	.token_get = pg_token_get,
	.token_revoke = pg_token_revoke,
	.token_revoke_user = pg_token_revoke_user,
	.idem_get = pg_idem_get,
	.idem_claim = pg_idem_claim,
	.idem_finish = pg_idem_finish,
	.idem_drop = pg_idem_drop,
	.login_get = pg_login_get,
	.login_put = pg_login_put,
};
