/*
 * sq.h - internals of the SQLite backend, shared by the files of this folder.
 *
 * One struct sq_store holds a pool of connections.  Each connection keeps a
 * cache of prepared statements keyed by SQL text, so a statement is
 * prepared once per connection and reused.  A transaction is a connection
 * taken from the pool; it goes back on commit or rollback.
 */
#ifndef NSATU_STORE_SQ_H
#define NSATU_STORE_SQ_H

#include "store/pool.h"
#include "store/store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

#define SQ_STMT_CACHE 128  /* power of two */
#define SQ_INSERT_CACHE 32

struct sq_stmt_slot {
	char *sql;
	sqlite3_stmt *stmt;
};

struct sq_conn;

struct sq_tx {
	struct store_tx base;
	struct sq_conn *conn;
};

struct sq_conn {
	sqlite3 *db;
	struct sq_stmt_slot cache[SQ_STMT_CACHE];
	unsigned cached;
	struct sq_tx tx;
	bool writing;   /* holds the store's writer mutex */
	/* Each entity's INSERT, prepared once and kept (not in the cache
	 * above, which is cleared when full): custody events arrive ten
	 * thousand to a batch. */
	struct {
		const struct espec *e;
		sqlite3_stmt *st;
	} insert[SQ_INSERT_CACHE];
	unsigned ninsert;
};

struct sq_store {
	struct store base;
	char *path;
	struct store_pool pool;
	/* Writers of this process queue here before BEGIN IMMEDIATE, rather
	 * than spin in SQLite's busy handler (which gives up after its
	 * timeout while a long batch holds the lock). */
	pthread_mutex_t writer;
	_Atomic uint64_t errors, retries;
};

static inline struct sq_conn *sq_conn_of(struct store_tx *tx)
{
	return ((struct sq_tx *)tx)->conn;
}

/*
 * A statement for @sql from the connection's cache, reset and with its
 * bindings cleared; prepared on first use.  NULL on error (logged).  The
 * statement belongs to the connection: do not finalize it.
 */
sqlite3_stmt *sq_prepare(struct sq_conn *c, const char *sql);

/* Map an SQLite result code to a status, counting and logging real errors. */
int sq_status(struct sq_conn *c, int rc, const char *what);

/* Bind a JSON scalar (string, integer, real, boolean or null). */
int sq_bind_json(sqlite3_stmt *st, int idx, const json_t *v);

/* Bind a text or NULL. */
int sq_bind_text(sqlite3_stmt *st, int idx, const char *s);

/* Run a statement that returns no rows; SQLITE_DONE becomes ST_OK. */
int sq_exec_stmt(struct sq_conn *c, sqlite3_stmt *st, const char *what);

/* Copy column @col as a NUL-terminated string into @buf (truncating). */
void sq_col_copy(sqlite3_stmt *st, int col, char *buf, size_t size);
/* Column @col as a new malloc'd string, or NULL for SQL NULL. */
char *sq_col_dup(sqlite3_stmt *st, int col);

int sq_migrate(struct store *s, int *applied, int *version);
int sq_backup(struct store *s, const char *path, FILE *progress, char *errbuf, size_t errlen);
int sq_restore(struct store *s, const char *path, FILE *progress, char *errbuf,
	       size_t errlen);

struct sq_store *sq_store_of(struct store *s);
extern const struct store_ops store_sqlite_ops;

/* Operations implemented in records.c and security.c. */
int sq_rec_fetch(struct store_tx *, const struct espec *, const char *, store_row_fn,
		 void *);
int sq_rec_scan(struct store_tx *, const struct espec *, const struct store_query *,
		store_row_fn, void *);
int sq_rec_insert(struct store_tx *, const struct espec *, const json_t *);
int sq_rec_update(struct store_tx *, const struct espec *, const char *,
		  const json_t *, int64_t);
int sq_rec_delete(struct store_tx *, const struct espec *, const char *, int64_t);

int sq_audit_head(struct store_tx *, int64_t *, char[STORE_HASH_HEX]);
int sq_audit_append(struct store_tx *, const struct audit_rec *);
int sq_audit_scan(struct store_tx *, const struct store_audit_query *, store_audit_cb, void *);
int sq_token_put(struct store_tx *, const struct token_rec *);
int sq_token_get(struct store_tx *, const char *, struct token_rec *);
int sq_token_revoke(struct store_tx *, const char *, int64_t);
int sq_token_revoke_user(struct store_tx *, const char *, int64_t);
int sq_idem_get(struct store_tx *, const char *, const char *, struct idem_rec *);
int sq_idem_claim(struct store_tx *, const struct idem_rec *);
int sq_idem_finish(struct store_tx *, const char *, const char *, int, const char *);
int sq_idem_drop(struct store_tx *, const char *, const char *);
int sq_login_get(struct store_tx *, const char *, struct login_rec *);
int sq_login_put(struct store_tx *, const struct login_rec *);

#endif
