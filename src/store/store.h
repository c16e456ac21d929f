/*
 * store.h - the storage API of nsatu.
 *
 * A backend is one table of functions (struct store_ops).  Everything above
 * this layer sees only these types: no SQL string and no backend handle
 * ever leaves src/store.  Records are jansson objects shaped by the field
 * specs of core.h; the backend maps fields to columns of the same name.
 *
 * A statement that fails with ST_CONFLICT (a unique or foreign key) leaves
 * its transaction usable, so a use case may look up why and answer well.
 *
 * Every operation other than open/close/migrate runs inside a transaction
 * obtained from store_run(), the one transaction runner.  It retries the
 * whole unit of work on ST_RETRY (a busy database or a serialization
 * failure), so the work function must be safe to run more than once: it
 * writes its outputs only when it returns ST_OK.
 */
#ifndef NSATU_STORE_H
#define NSATU_STORE_H

#include "core/core.h"

#include <stdint.h>
#include <stdio.h>

struct store;     /* one open database: a pool of connections */
struct store_tx;  /* one transaction on one pooled connection */

enum store_mode { STORE_READ, STORE_WRITE };

/* ---- Records (generic, driven by struct espec). ---------------------- */

struct store_filter {
	const struct fspec *field;  /* a field of the entity being listed */
	const json_t *value;        /* typed as the field (not owned) */
	bool not_equal;             /* false: field = value; true: field <> value */
};

struct store_query {
	const struct store_filter *filters;
	size_t nfilters;
	const char *after;  /* list keys greater than this one, or NULL */
	size_t limit;       /* at most this many rows */
};

/* One field's value in a row, typed by the entity's field spec. */
struct store_value {
	bool null;
	int64_t i;       /* FT_INT; FT_BOOL as 0 or 1 */
	double d;        /* FT_NUMBER */
	const char *s;   /* text types: valid only during the callback */
	size_t len;
};

/* Called once per row with one value per field of @e, in spec order;
 * return non-zero to stop the scan. */
typedef int (*store_row_fn)(const struct espec *e, const struct store_value *row,
			    void *arg);

/* ---- Rows of the security core. ---------------------------------------- */

#define STORE_HASH_HEX 65  /* 32-byte BLAKE2b digest in hex, plus NUL */

struct audit_rec {
	int64_t seq;        /* 1, 2, 3, ... in append order */
	char at[32];        /* RFC 3339 UTC */
	char actor[64];     /* username, or "system" */
	char action[32];    /* create, update, delete, login, ... */
	char entity[32];
	char entity_id[96];
	char *before;       /* compact JSON text or NULL */
	char *after;        /* compact JSON text or NULL */
	char prev_hash[STORE_HASH_HEX];
	char hash[STORE_HASH_HEX];
};

struct token_rec {
	char hash[STORE_HASH_HEX];  /* BLAKE2b of the bearer token */
	char username[64];
	int64_t created_ms, expires_ms, revoked_ms;  /* revoked_ms 0: live */
};

struct idem_rec {
	char username[64];
	char key[129];
	char method[8];
	char path[256];
	char body_hash[STORE_HASH_HEX];
	int status;          /* 0 while the first request is still running */
	char *response;      /* JSON text of the first answer, or NULL */
	int64_t created_ms;
};

struct login_rec {
	char username[64];
	int failures;           /* consecutive failed attempts */
	int64_t last_ms;        /* time of the last failure */
	int64_t locked_until_ms;
};

struct store_stats {
	uint64_t errors;        /* database errors other than busy/constraint */
	uint64_t retries;       /* transactions retried */
	unsigned connections;   /* connections open */
};

/* Called once per audit record in order; return non-zero to stop. */
typedef int (*store_audit_cb)(const struct audit_rec *rec, void *arg);

/*
 * Which audit records audit_scan reads, and in which order.  Zeroed: every
 * record, oldest first.  Only the conditions given reach the SQL, so each
 * combination is its own statement and the planner picks the index for it
 * (migration 8 indexes actor, action, entity and entity_id each with seq,
 * and at).
 */
struct store_audit_query {
	bool desc;                 /* newest first (seq descending) */
	int64_t after;             /* the last seq of the page before: only records past
				    * it in this order (asc: seq > after, desc:
				    * seq < after); 0: from the start */
	int64_t seq_min, seq_max;  /* inclusive bounds on seq; 0: none */
	const char *actor, *action, *entity, *entity_id;  /* equal to; NULL: any */
	const char *at_min, *at_max;  /* inclusive bounds on at, compared as text, so
				       * in the stored form YYYY-MM-DDTHH:MM:SS.mmmZ;
				       * NULL: none */
	size_t limit;              /* at most this many; 0: all */
};

struct store_ops {
	const char *name;

	int (*open)(const char *url, unsigned max_conns, struct store **out,
		    char *errbuf, size_t errlen);
	void (*close)(struct store *s);
	/* Apply numbered migrations newer than the database's, in one
	 * transaction.  *@applied: how many were applied. */
	int (*migrate)(struct store *s, int *applied, int *version);
	void (*stats)(struct store *s, struct store_stats *out);
	/* Write a consistent copy of the live database to @path (SQLite: the
	 * online backup API; PostgreSQL: pg_dump's custom format), and load
	 * one back (the target must be empty).  @progress may be NULL. */
	int (*backup)(struct store *s, const char *path, FILE *progress,
		      char *errbuf, size_t errlen);
	int (*restore)(struct store *s, const char *path, FILE *progress,
		       char *errbuf, size_t errlen);

	int (*begin)(struct store *s, enum store_mode mode, struct store_tx **out);
	int (*commit)(struct store_tx *tx);
	void (*rollback)(struct store_tx *tx);

	/* The record with @key to @fn; ST_NOT_FOUND if absent. */
	int (*rec_fetch)(struct store_tx *tx, const struct espec *e, const char *key,
			 store_row_fn fn, void *arg);
	/* The records matching @q, ordered by key, to @fn one by one. */
	int (*rec_scan)(struct store_tx *tx, const struct espec *e,
			const struct store_query *q, store_row_fn fn, void *arg);
	/* Insert @rec as given, its "version" included.  ST_CONFLICT if the
	 * key is taken. */
	int (*rec_insert)(struct store_tx *tx, const struct espec *e,
			  const json_t *rec);
	/* Replace the record whose key and version match; its version becomes
	 * @version + 1.  ST_NOT_FOUND, or ST_PRECONDITION on a stale version. */
	int (*rec_update)(struct store_tx *tx, const struct espec *e,
			  const char *key, const json_t *rec, int64_t version);
	/* ST_CONFLICT when other records still refer to it. */
	int (*rec_delete)(struct store_tx *tx, const struct espec *e,
			  const char *key, int64_t version);

	/* The last record's seq and hash; seq 0 and "" for an empty trail. */
	int (*audit_head)(struct store_tx *tx, int64_t *seq, char hash[STORE_HASH_HEX]);
	int (*audit_append)(struct store_tx *tx, const struct audit_rec *rec);
	/* The records @q selects, in its order, to @cb one by one.  A page
	 * costs the same at any depth: the scan seeks to @q->after. */
	int (*audit_scan)(struct store_tx *tx, const struct store_audit_query *q,
			  store_audit_cb cb, void *arg);

	int (*token_put)(struct store_tx *tx, const struct token_rec *t);
	int (*token_get)(struct store_tx *tx, const char *hash, struct token_rec *t);
	int (*token_revoke)(struct store_tx *tx, const char *hash, int64_t at_ms);
	int (*token_revoke_user)(struct store_tx *tx, const char *username,
				 int64_t at_ms);

	/* idem_claim inserts a pending row; ST_CONFLICT if the key exists. */
	int (*idem_get)(struct store_tx *tx, const char *username, const char *key,
			struct idem_rec *out);  /* out->response: caller frees */
	int (*idem_claim)(struct store_tx *tx, const struct idem_rec *r);
	int (*idem_finish)(struct store_tx *tx, const char *username,
			   const char *key, int status, const char *response);
	int (*idem_drop)(struct store_tx *tx, const char *username, const char *key);

	int (*login_get)(struct store_tx *tx, const char *username,
			 struct login_rec *out);  /* zeroed row if none */
	int (*login_put)(struct store_tx *tx, const struct login_rec *r);
};

/* The common head of every backend's store and transaction. */
struct store {
	const struct store_ops *ops;
};

struct store_tx {
	const struct store_ops *ops;
	struct store *store;
};

/* ---- Opening and running. --------------------------------------------- */

/*
 * Open the database named by @url: "sqlite:PATH", or a plain file path for
 * SQLite.  @max_conns bounds the connection pool (one per worker thread is
 * right).  On failure returns non-OK and writes a reason into @errbuf.
 * The result is freed with store_close().
 */
int store_open(const char *url, unsigned max_conns, struct store **out,
	       char *errbuf, size_t errlen);
void store_close(struct store *s);
int store_migrate(struct store *s, int *applied, int *version);
void store_stats(struct store *s, struct store_stats *out);
int store_backup(struct store *s, const char *path, FILE *progress, char *errbuf,
		 size_t errlen);
int store_restore(struct store *s, const char *path, FILE *progress, char *errbuf,
		  size_t errlen);

typedef int (*store_work_fn)(struct store_tx *tx, void *arg);

/*
 * The transaction runner: begin, run @fn, commit; roll back when @fn fails.
 * A transient failure (ST_RETRY from @fn, begin or commit) restarts the
 * whole unit, up to STORE_MAX_ATTEMPTS times with a short randomised
 * back-off; after that ST_RETRY is returned.
 */
#define STORE_MAX_ATTEMPTS 8
int store_run(struct store *s, enum store_mode mode, store_work_fn fn, void *arg);

/* Thin dispatchers, so callers read as plain calls. */
#define STORE_CALL(tx, op, ...) ((tx)->ops->op((tx), __VA_ARGS__))
#define store_rec_scan(tx, ...) STORE_CALL(tx, rec_scan, __VA_ARGS__)
#define store_rec_insert(tx, ...) STORE_CALL(tx, rec_insert, __VA_ARGS__)
#define store_rec_update(tx, ...) STORE_CALL(tx, rec_update, __VA_ARGS__)
#define store_rec_delete(tx, ...) STORE_CALL(tx, rec_delete, __VA_ARGS__)
#define store_audit_head(tx, ...) STORE_CALL(tx, audit_head, __VA_ARGS__)
#define store_audit_append(tx, ...) STORE_CALL(tx, audit_append, __VA_ARGS__)
#define store_audit_scan(tx, ...) STORE_CALL(tx, audit_scan, __VA_ARGS__)
#define store_token_put(tx, ...) STORE_CALL(tx, token_put, __VA_ARGS__)
#define store_token_get(tx, ...) STORE_CALL(tx, token_get, __VA_ARGS__)
#define store_token_revoke(tx, ...) STORE_CALL(tx, token_revoke, __VA_ARGS__)
#define store_token_revoke_user(tx, ...) STORE_CALL(tx, token_revoke_user, __VA_ARGS__)
#define store_idem_get(tx, ...) STORE_CALL(tx, idem_get, __VA_ARGS__)
#define store_idem_claim(tx, ...) STORE_CALL(tx, idem_claim, __VA_ARGS__)
#define store_idem_finish(tx, ...) STORE_CALL(tx, idem_finish, __VA_ARGS__)
#define store_idem_drop(tx, ...) STORE_CALL(tx, idem_drop, __VA_ARGS__)
#define store_login_get(tx, ...) STORE_CALL(tx, login_get, __VA_ARGS__)
#define store_login_put(tx, ...) STORE_CALL(tx, login_put, __VA_ARGS__)

/* Records as JSON, built from rec_fetch and rec_scan.  store_rec_get: *@out
 * is a new object, ST_NOT_FOUND if absent.  store_rec_list: *@rows is a new
 * array ordered by key. */
int store_rec_get(struct store_tx *tx, const struct espec *e, const char *key,
		  json_t **out);
int store_rec_list(struct store_tx *tx, const struct espec *e,
		   const struct store_query *q, json_t **rows);
/* One row as a JSON object (new reference, NULL on OOM or bad stored text). */
json_t *store_row_json(const struct espec *e, const struct store_value *row);

/* The latest record about @entity's record @entity_id into *@out: seq, at,
 * actor, action, entity, entity_id and the hashes (before and after stay
 * NULL).  ST_NOT_FOUND when none names it.  An audit_scan, newest first, of
 * one record: the index on (entity, entity_id, seq) makes it a lookup. */
int store_audit_last(struct store_tx *tx, const char *entity, const char *entity_id,
		     struct audit_rec *out);

/* Free the strings an audit record owns (not the record itself). */
void store_audit_rec_clear(struct audit_rec *r);

#endif
