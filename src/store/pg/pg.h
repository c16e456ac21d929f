/*
 * pg.h - internals of the PostgreSQL backend, shared by this folder's files.
 *
 * Like the SQLite backend: a pool of connections (one per worker thread),
 * each with its own statements prepared once (PQprepare) and named by the
 * order in which they were first used.  Values travel as text parameters.
 * A connection that broke (server restart, fail-over) is reset when it is
 * next taken from the pool; libpq then connects to whichever listed host is
 * the primary when the URL says target_session_attrs=read-write.
 */
#ifndef NSATU_STORE_PG_H
#define NSATU_STORE_PG_H

#include "store/pool.h"
#include "store/store.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#define PG_STMT_CACHE 128  /* power of two */
#define PG_MAX_PARAMS 64

struct pg_conn;

struct pg_tx {
	struct store_tx base;
	struct pg_conn *conn;
	enum store_mode mode;
	/* The audit head this transaction moved to, written once at commit:
	 * rewriting one row per record made big imports quadratic. */
	int64_t head_seq;       /* 0: unchanged */
	char head_hash[STORE_HASH_HEX];
};

struct pg_stmt_slot {
	char *sql;
	char name[16];
};

struct pg_conn {
	PGconn *db;
	struct pg_stmt_slot cache[PG_STMT_CACHE];
	unsigned cached, next_id;
	bool broken;
	struct pg_tx tx;
};

struct pg_store {
	struct store base;
	char *url;
	struct store_pool pool;
	_Atomic uint64_t errors, retries;
};

extern const struct store_ops store_pg_ops;

static inline struct pg_conn *pg_conn_of(struct store_tx *tx)
{
	return ((struct pg_tx *)tx)->conn;
}

/* Text parameters for one statement. */
struct pg_params {
	const char *v[PG_MAX_PARAMS];
	char buf[PG_MAX_PARAMS][32];  /* room for numbers */
	int n;
};

void pg_param_text(struct pg_params *p, const char *s);
void pg_param_int(struct pg_params *p, long long v);
/* A JSON scalar as text (string, integer, real, boolean; null is NULL). */
void pg_param_json(struct pg_params *p, const json_t *v);

/*
 * Run @sql (prepared on this connection at first use) with @p.  On ST_OK,
 * *@res (if @res is not NULL) holds the result for the caller to PQclear.
 * Errors map to statuses: unique or foreign-key violation ST_CONFLICT,
 * serialization failure, deadlock or a lost connection ST_RETRY.
 */
int pg_exec(struct pg_conn *c, const char *sql, const struct pg_params *p,
	    PGresult **res, const char *what);

/*
 * pg_exec without preparing: the statement is planned for these values
 * each time.  For statements whose best plan depends on the values (a
 * generic plan guesses, and may walk the whole table for a rare one) and
 * which come in too many shapes to keep prepared (the audit listing).
 */
int pg_exec_once(struct pg_conn *c, const char *sql, const struct pg_params *p,
		 PGresult **res, const char *what);

/*
 * pg_exec for a statement that may violate a constraint: inside a savepoint,
 * so that ST_CONFLICT leaves the transaction usable, as on SQLite.
 */
int pg_exec_guarded(struct pg_conn *c, const char *sql, const struct pg_params *p,
		    PGresult **res, const char *what);

/* Rows affected by the last command of @res. */
long pg_affected(PGresult *res);

int pg_migrate(struct store *s, int *applied, int *version);
int pg_backup(struct store *s, const char *path, FILE *progress, char *errbuf, size_t errlen);
int pg_restore(struct store *s, const char *path, FILE *progress, char *errbuf,
	       size_t errlen);

int pg_rec_fetch(struct store_tx *, const struct espec *, const char *, store_row_fn,
		 void *);
int pg_rec_scan(struct store_tx *, const struct espec *, const struct store_query *,
		store_row_fn, void *);
int pg_rec_insert(struct store_tx *, const struct espec *, const json_t *);
int pg_rec_update(struct store_tx *, const struct espec *, const char *,
		  const json_t *, int64_t);
int pg_rec_delete(struct store_tx *, const struct espec *, const char *, int64_t);

int pg_audit_head(struct store_tx *, int64_t *, char[STORE_HASH_HEX]);
int pg_audit_append(struct store_tx *, const struct audit_rec *);
/* Write the transaction's audit head (before COMMIT). */
int pg_audit_flush(struct store_tx *tx);
int pg_audit_scan(struct store_tx *, const struct store_audit_query *, store_audit_cb, void *);
int pg_token_put(struct store_tx *, const struct token_rec *);
int pg_token_get(struct store_tx *, const char *, struct token_rec *);
int pg_token_revoke(struct store_tx *, const char *, int64_t);
int pg_token_revoke_user(struct store_tx *, const char *, int64_t);
int pg_idem_get(struct store_tx *, const char *, const char *, struct idem_rec *);
int pg_idem_claim(struct store_tx *, const struct idem_rec *);
int pg_idem_finish(struct store_tx *, const char *, const char *, int, const char *);
int pg_idem_drop(struct store_tx *, const char *, const char *);
int pg_login_get(struct store_tx *, const char *, struct login_rec *);
int pg_login_put(struct store_tx *, const struct login_rec *);

#endif
