/*
 * conn.c - the SQLite backend's connection pool, statement cache and
 * transactions, and its table of operations.
 *
 * Settings per connection: WAL journal (readers never block the writer),
 * foreign keys on, synchronous=FULL (a commit that returned is on disk),
 * and a busy timeout so that writers queue instead of failing at once.
 * Writers start with BEGIN IMMEDIATE, which takes the write lock up front;
 * a deferred transaction that upgrades later could fail halfway.
 */
#include "sq.h"

#include "log/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUSY_TIMEOUT_MS 5000

struct sq_store *sq_store_of(struct store *s) { return (struct sq_store *)s; }

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void cache_clear(struct sq_conn *c)
{
	for (unsigned i = 0; i < SQ_STMT_CACHE; i++) {
		sqlite3_finalize(c->cache[i].stmt);
		free(c->cache[i].sql);
		c->cache[i].stmt = NULL;
		c->cache[i].sql = NULL;
	}
	c->cached = 0;
}

sqlite3_stmt *sq_prepare(struct sq_conn *c, const char *sql)
{
	uint32_t h = fnv1a(sql) & (SQ_STMT_CACHE - 1);
	sqlite3_stmt *st = NULL;

	for (unsigned probe = 0; probe < SQ_STMT_CACHE; probe++) {
		struct sq_stmt_slot *slot = &c->cache[(h + probe) & (SQ_STMT_CACHE - 1)];

		if (!slot->sql)
			break;
		if (strcmp(slot->sql, sql) == 0) {
			sqlite3_reset(slot->stmt);
			sqlite3_clear_bindings(slot->stmt);
			return slot->stmt;
		}
	}
	int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		sq_status(c, rc, "prepare");
		return NULL;
	}
	/* Keep the table at most three quarters full so probes stay short. */
	if (c->cached >= SQ_STMT_CACHE * 3 / 4)
		cache_clear(c);
	for (unsigned probe = 0;; probe++) {
		struct sq_stmt_slot *slot = &c->cache[(h + probe) & (SQ_STMT_CACHE - 1)];

		if (!slot->sql) {
			slot->sql = strdup(sql);
			if (!slot->sql) {
				sqlite3_finalize(st);
				return NULL;
			}
			slot->stmt = st;
			c->cached++;
			return st;
		}
	}
}

int sq_status(struct sq_conn *c, int rc, const char *what)
{
	struct sq_store *s = (struct sq_store *)c->tx.base.store;

	switch (rc & 0xFF) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return ST_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ST_RETRY;
	case SQLITE_CONSTRAINT:
		return ST_CONFLICT;
	default:
		if (s)
			atomic_fetch_add(&s->errors, 1);
		log_msg(LOG_ERROR, "sqlite error", "%s: %s (%d)", what,
			sqlite3_errmsg(c->db), rc);
		return ST_INTERNAL;
	}
}

int sq_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	return s ? sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT)
		 : sqlite3_bind_null(st, idx);
}

int sq_bind_json(sqlite3_stmt *st, int idx, const json_t *v)
{
	if (!v)
		return sqlite3_bind_null(st, idx);
	switch (json_typeof(v)) {
	case JSON_STRING:
		/* Static: the value outlives the step, and every statement's
		 * bindings are cleared before it is used again (sq_prepare). */
		return sqlite3_bind_text(st, idx, json_string_value(v),
					 (int)json_string_length(v), SQLITE_STATIC);
	case JSON_INTEGER:
		return sqlite3_bind_int64(st, idx, json_integer_value(v));
	case JSON_REAL:
		return sqlite3_bind_double(st, idx, json_real_value(v));
	case JSON_TRUE:
		return sqlite3_bind_int(st, idx, 1);
	case JSON_FALSE:
		return sqlite3_bind_int(st, idx, 0);
	default:
		return sqlite3_bind_null(st, idx);
	}
}

int sq_exec_stmt(struct sq_conn *c, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return ST_OK;
	return sq_status(c, rc, what);
}

void sq_col_copy(sqlite3_stmt *st, int col, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(buf, size, "%s", t ? (const char *)t : "");
}

char *sq_col_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? strdup((const char *)t) : NULL;
}

static int exec_sql(sqlite3 *db, const char *sql, char *errbuf, size_t errlen)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK && errbuf)
		snprintf(errbuf, errlen, "%s: %s", sql, msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return rc;
}

static void *conn_open(void *ctx, char *errbuf, size_t errlen)
{
	struct sq_store *s = ctx;
	struct sq_conn *c = calloc(1, sizeof *c);
	int rc;

	if (!c) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	rc = sqlite3_open_v2(s->path, &c->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, errlen, "cannot open %s: %s", s->path,
			 c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	if (exec_sql(c->db, "PRAGMA foreign_keys=ON", errbuf, errlen) ||
	    exec_sql(c->db, "PRAGMA synchronous=FULL", errbuf, errlen) ||
	    exec_sql(c->db, "PRAGMA journal_mode=WAL", errbuf, errlen) ||
	    /* Up to 32 MiB of pages per connection (allocated as used): the
	     * index of custody events' client-chosen ids takes random inserts
	     * when the ids are UUIDv4, and stays fast while it fits. */
	    exec_sql(c->db, "PRAGMA cache_size=-32768", errbuf, errlen))
		goto fail;
	/* Test knob: checkpoint after every few pages, so that the crash
	 * test can kill the server in the middle of checkpoints. */
	const char *ckpt = getenv("NSATU_SQLITE_AUTOCHECKPOINT");
	long pages = ckpt ? strtol(ckpt, NULL, 10) : 0;
	if (pages > 0 && pages < 1000000) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA wal_autocheckpoint=%ld", pages);
		exec_sql(c->db, pragma, NULL, 0);
	}
	c->tx.base.ops = s->base.ops;
	c->tx.base.store = &s->base;
	c->tx.conn = c;
	return c;
fail:
	sqlite3_close_v2(c->db);
	free(c);
	return NULL;
}

static void conn_close(void *conn)
{
	struct sq_conn *c = conn;

	cache_clear(c);
	for (unsigned i = 0; i < c->ninsert; i++)
		sqlite3_finalize(c->insert[i].st);
	sqlite3_close_v2(c->db);
	free(c);
}

static int sq_open(const char *path, unsigned max_conns, struct store **out,
		   char *errbuf, size_t errlen)
{
	struct sq_store *s = calloc(1, sizeof *s);

	*out = NULL;
	if (!s || !(s->path = strdup(path))) {
		free(s);
		snprintf(errbuf, errlen, "out of memory");
		return ST_INTERNAL;
	}
	s->base.ops = &store_sqlite_ops;
	pthread_mutex_init(&s->writer, NULL);
	/* The first connection opens now, so that a bad path fails here. */
	if (store_pool_init(&s->pool, max_conns, conn_open, conn_close, s, errbuf, errlen) != 0) {
		free(s->path);
		free(s);
		return ST_INVALID;
	}
	*out = &s->base;
	return ST_OK;
}

static void sq_close(struct store *base)
{
	struct sq_store *s = sq_store_of(base);

	store_pool_fini(&s->pool);
	pthread_mutex_destroy(&s->writer);
	free(s->path);
	free(s);
}

static void sq_stats(struct store *base, struct store_stats *out)
{
	struct sq_store *s = sq_store_of(base);

	out->errors = atomic_load(&s->errors);
	out->retries = atomic_load(&s->retries);
	out->connections = s->pool.nconns;
}

static void pool_give(struct sq_store *s, struct sq_conn *c)
{
	/* Leave no statement mid-step: it would pin an old read snapshot. */
	for (sqlite3_stmt *st = sqlite3_next_stmt(c->db, NULL); st;
	     st = sqlite3_next_stmt(c->db, st)) {
		if (sqlite3_stmt_busy(st))
			sqlite3_reset(st);
	}
	if (c->writing) {
		c->writing = false;
		pthread_mutex_unlock(&s->writer);
	}
	store_pool_give(&s->pool, c);
}

static int sq_begin(struct store *base, enum store_mode mode, struct store_tx **out)
{
	struct sq_store *s = sq_store_of(base);
	struct sq_conn *c = store_pool_take(&s->pool);
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if (!c)
		return ST_INTERNAL;
	if (mode == STORE_WRITE) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += BUSY_TIMEOUT_MS / 1000;
		if (pthread_mutex_timedlock(&s->writer, &until) != 0) {
			atomic_fetch_add(&s->retries, 1);
			store_pool_give(&s->pool, c);
			return ST_RETRY;
		}
		c->writing = true;
	}
	st = sq_prepare(c, mode == STORE_WRITE ? "BEGIN IMMEDIATE" : "BEGIN");
	rc = st ? sq_exec_stmt(c, st, "begin") : ST_INTERNAL;
	if (rc != ST_OK) {
		if (rc == ST_RETRY)
			atomic_fetch_add(&s->retries, 1);
		pool_give(s, c);
		return rc;
	}
	*out = &c->tx.base;
	return ST_OK;
}

static void sq_rollback(struct store_tx *tx)
{
	struct sq_conn *c = sq_conn_of(tx);
	struct sq_store *s = sq_store_of(tx->store);

	for (sqlite3_stmt *st = sqlite3_next_stmt(c->db, NULL); st;
	     st = sqlite3_next_stmt(c->db, st))
		sqlite3_reset(st);
	if (!sqlite3_get_autocommit(c->db)) {
		sqlite3_stmt *st = sq_prepare(c, "ROLLBACK");
		if (!st || sq_exec_stmt(c, st, "rollback") != ST_OK)
			exec_sql(c->db, "ROLLBACK", NULL, 0);
	}
	pool_give(s, c);
}

static int sq_commit(struct store_tx *tx)
{
	struct sq_conn *c = sq_conn_of(tx);
	struct sq_store *s = sq_store_of(tx->store);
	sqlite3_stmt *st = sq_prepare(c, "COMMIT");
	int rc = st ? sq_exec_stmt(c, st, "commit") : ST_INTERNAL;

	if (rc != ST_OK) {
		if (rc == ST_RETRY)
			atomic_fetch_add(&s->retries, 1);
		sq_rollback(tx);
		return rc;
	}
	pool_give(s, c);
	return ST_OK;
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.migrate = sq_migrate,
	.stats = sq_stats,
	.backup = sq_backup,
	.restore = sq_restore,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.rec_fetch = sq_rec_fetch,
	.rec_scan = sq_rec_scan,
	.rec_insert = sq_rec_insert,
	.rec_update = sq_rec_update,
	.rec_delete = sq_rec_delete,
	.audit_head = sq_audit_head,
	.audit_append = sq_audit_append,
	.audit_scan = sq_audit_scan,
	.token_put = sq_token_put,
	.token_get = sq_token_get,
	.token_revoke = sq_token_revoke,
	.token_revoke_user = sq_token_revoke_user,
	.idem_get = sq_idem_get,
	.idem_claim = sq_idem_claim,
	.idem_finish = sq_idem_finish,
	.idem_drop = sq_idem_drop,
	.login_get = sq_login_get,
	.login_put = sq_login_put,
};
