/*
 * security.c - the PostgreSQL rows of the security core: audit trail,
 * session tokens, idempotency keys and login throttling.
 */
#include "pg.h"

#include "store/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy(char *dst, size_t size, PGresult *res, int row, int col)
{
	snprintf(dst, size, "%s", PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

static char *dup_or_null(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : strdup(PQgetvalue(res, row, col));
}

static long long num(PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

int pg_audit_head(struct store_tx *tx, int64_t *seq, char hash[STORE_HASH_HEX])
{
	/* A writer locks the head row: appends queue up behind each other,
	 * and under SERIALIZABLE a loser retries instead of forking the chain. */
	const char *sql = ((struct pg_tx *)tx)->mode == STORE_WRITE
				  ? "SELECT seq, hash FROM audit_head WHERE id=1 FOR UPDATE"
				  : "SELECT seq, hash FROM audit_head WHERE id=1";
	struct pg_tx *t = (struct pg_tx *)tx;
	PGresult *res;
	int rc;

	if (t->head_seq) {
		*seq = t->head_seq;
		memcpy(hash, t->head_hash, STORE_HASH_HEX);
		return ST_OK;
	}
	*seq = 0;
	hash[0] = '\0';
	if ((rc = pg_exec(pg_conn_of(tx), sql, NULL, &res, "audit_head")) != ST_OK)
		return rc;
	if (PQntuples(res) == 1) {
		*seq = num(res, 0, 0);
		copy(hash, STORE_HASH_HEX, res, 0, 1);
	}
	PQclear(res);
	return ST_OK;
}

int pg_audit_append(struct store_tx *tx, const struct audit_rec *r)
{
	struct pg_params p = {.n = 0};
	int rc;

	pg_param_int(&p, r->seq);
	pg_param_text(&p, r->at);
	pg_param_text(&p, r->actor);
	pg_param_text(&p, r->action);
	pg_param_text(&p, r->entity);
	pg_param_text(&p, r->entity_id);
	pg_param_text(&p, r->before);
	pg_param_text(&p, r->after);
	pg_param_text(&p, r->prev_hash);
	pg_param_text(&p, r->hash);
	rc = pg_exec(pg_conn_of(tx),
		     "INSERT INTO audit(seq, at, actor, action, entity, entity_id, before,"
		     " after, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
		     &p, NULL, "audit_append");
	if (rc != ST_OK)
		return rc;
	struct pg_tx *t = (struct pg_tx *)tx;
	t->head_seq = r->seq;
	snprintf(t->head_hash, sizeof t->head_hash, "%s", r->hash);
	return ST_OK;
}

int pg_audit_flush(struct store_tx *tx)
{
	struct pg_tx *t = (struct pg_tx *)tx;
	struct pg_params p = {.n = 0};

	if (!t->head_seq)
		return ST_OK;
	pg_param_int(&p, t->head_seq);
	pg_param_text(&p, t->head_hash);
	return pg_exec(pg_conn_of(tx),
		       "INSERT INTO audit_head(id, seq, hash) VALUES (1, $1, $2)"
		       " ON CONFLICT (id) DO UPDATE SET seq=excluded.seq, hash=excluded.hash",
		       &p, NULL, "audit_head");
}

int pg_audit_scan(struct store_tx *tx, const struct store_audit_query *q,
		  store_audit_cb cb, void *arg)
{
	/* In batches, so that a long trail is never held in memory at once:
	 * each batch seeks past the last record of the one before. */
	const size_t batch = 1000;
	struct store_audit_query next = *q;
	size_t seen = 0;

	for (;;) {
		struct pg_params p = {.n = 0};
		struct sql_arg args[SQL_AUDIT_ARGS];
		size_t want = q->limit && q->limit - seen < batch ? q->limit - seen : batch;
		struct sql text;
		PGresult *res;
		int rc, n, nargs;

		if (!sql_audit_scan(&text, SQL_PG, &next, args, &nargs))
			return ST_INTERNAL;
		for (int i = 0; i < nargs; i++) {
			if (args[i].text)
				pg_param_text(&p, args[i].text);
			else
				pg_param_int(&p, args[i].num);
		}
		pg_param_int(&p, (long long)want);
		/* Planned for its values: which index serves a filter depends on
		 * how common the value is (src/store/sql.c). */
		if ((rc = pg_exec_once(pg_conn_of(tx), text.text, &p, &res, "audit_scan")) != ST_OK)
			return rc;
		n = PQntuples(res);
		for (int i = 0; i < n; i++) {
			struct audit_rec r = {.seq = num(res, i, 0)};
			int stop;

			copy(r.at, sizeof r.at, res, i, 1);
			copy(r.actor, sizeof r.actor, res, i, 2);
			copy(r.action, sizeof r.action, res, i, 3);
			copy(r.entity, sizeof r.entity, res, i, 4);
			copy(r.entity_id, sizeof r.entity_id, res, i, 5);
			r.before = dup_or_null(res, i, 6);
			r.after = dup_or_null(res, i, 7);
			copy(r.prev_hash, sizeof r.prev_hash, res, i, 8);
			copy(r.hash, sizeof r.hash, res, i, 9);
			next.after = r.seq;
			stop = cb(&r, arg);
			store_audit_rec_clear(&r);
			if (stop) {
				PQclear(res);
				return ST_OK;
			}
		}
		PQclear(res);
		seen += (size_t)n;
		if ((size_t)n < want || (q->limit && seen >= q->limit))
			return ST_OK;
	}
}

int pg_token_put(struct store_tx *tx, const struct token_rec *t)
{
	struct pg_params p = {.n = 0};

	pg_param_text(&p, t->hash);
	pg_param_text(&p, t->username);
	pg_param_int(&p, t->created_ms);
	pg_param_int(&p, t->expires_ms);
	pg_param_int(&p, t->revoked_ms);
	return pg_exec(pg_conn_of(tx),
		       "INSERT INTO sessions(token_hash, username, created_ms, expires_ms,"
		       " revoked_ms) VALUES ($1,$2,$3,$4,$5)", &p, NULL, "token_put");
}

int pg_token_get(struct store_tx *tx, const char *hash, struct token_rec *t)
{
	struct pg_params p = {.n = 0};
	PGresult *res;
	int rc;

	memset(t, 0, sizeof *t);
	pg_param_text(&p, hash);
	rc = pg_exec(pg_conn_of(tx),
		     "SELECT username, created_ms, expires_ms, revoked_ms FROM sessions"
		     " WHERE token_hash=$1", &p, &res, "token_get");
	if (rc != ST_OK)
		return rc;
	if (PQntuples(res) == 1) {
		snprintf(t->hash, sizeof t->hash, "%s", hash);
		copy(t->username, sizeof t->username, res, 0, 0);
		t->created_ms = num(res, 0, 1);
		t->expires_ms = num(res, 0, 2);
		t->revoked_ms = num(res, 0, 3);
	} else {
		rc = ST_NOT_FOUND;
	}
	PQclear(res);
	return rc;
}

int pg_token_revoke(struct store_tx *tx, const char *hash, int64_t at_ms)
{
	struct pg_params p = {.n = 0};

	pg_param_int(&p, at_ms);
	pg_param_text(&p, hash);
	return pg_exec(pg_conn_of(tx),
		       "UPDATE sessions SET revoked_ms=$1 WHERE token_hash=$2 AND revoked_ms=0",
		       &p, NULL, "token_revoke");
}

int pg_token_revoke_user(struct store_tx *tx, const char *username, int64_t at_ms)
{
	struct pg_params p = {.n = 0};

	pg_param_int(&p, at_ms);
	pg_param_text(&p, username);
	return pg_exec(pg_conn_of(tx),
		       "UPDATE sessions SET revoked_ms=$1 WHERE username=$2 AND revoked_ms=0",
		       &p, NULL, "token_revoke_user");
}

int pg_idem_get(struct store_tx *tx, const char *username, const char *key,
		struct idem_rec *out)
{
	struct pg_params p = {.n = 0};
	PGresult *res;
	int rc;

	memset(out, 0, sizeof *out);
	pg_param_text(&p, username);
	pg_param_text(&p, key);
	rc = pg_exec(pg_conn_of(tx),
		     "SELECT method, path, body_hash, status, response, created_ms"
		     " FROM idempotency WHERE username=$1 AND key=$2", &p, &res, "idem_get");
	if (rc != ST_OK)
		return rc;
	if (PQntuples(res) == 1) {
		snprintf(out->username, sizeof out->username, "%s", username);
		snprintf(out->key, sizeof out->key, "%s", key);
		copy(out->method, sizeof out->method, res, 0, 0);
		copy(out->path, sizeof out->path, res, 0, 1);
		copy(out->body_hash, sizeof out->body_hash, res, 0, 2);
		out->status = (int)num(res, 0, 3);
		out->response = dup_or_null(res, 0, 4);
		out->created_ms = num(res, 0, 5);
	} else {
		rc = ST_NOT_FOUND;
	}
	PQclear(res);
	return rc;
}

int pg_idem_claim(struct store_tx *tx, const struct idem_rec *r)
{
	struct pg_params p = {.n = 0};

	pg_param_text(&p, r->username);
	pg_param_text(&p, r->key);
	pg_param_text(&p, r->method);
	pg_param_text(&p, r->path);
	pg_param_text(&p, r->body_hash);
	pg_param_int(&p, r->created_ms);
	return pg_exec_guarded(pg_conn_of(tx),
		       "INSERT INTO idempotency(username, key, method, path, body_hash,"
		       " status, response, created_ms) VALUES ($1,$2,$3,$4,$5,0,NULL,$6)",
		       &p, NULL, "idem_claim");
}

int pg_idem_finish(struct store_tx *tx, const char *username, const char *key,
		   int status, const char *response)
{
	struct pg_params p = {.n = 0};

	pg_param_int(&p, status);
	pg_param_text(&p, response);
	pg_param_text(&p, username);
	pg_param_text(&p, key);
	return pg_exec(pg_conn_of(tx),
		       "UPDATE idempotency SET status=$1, response=$2 WHERE username=$3 AND key=$4",
		       &p, NULL, "idem_finish");
}

int pg_idem_drop(struct store_tx *tx, const char *username, const char *key)
{
	struct pg_params p = {.n = 0};

	pg_param_text(&p, username);
	pg_param_text(&p, key);
	return pg_exec(pg_conn_of(tx), "DELETE FROM idempotency WHERE username=$1 AND key=$2",
		       &p, NULL, "idem_drop");
}

int pg_login_get(struct store_tx *tx, const char *username, struct login_rec *out)
{
	struct pg_params p = {.n = 0};
	PGresult *res;
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(out->username, sizeof out->username, "%s", username);
	pg_param_text(&p, username);
	rc = pg_exec(pg_conn_of(tx),
		     "SELECT failures, last_ms, locked_until_ms FROM login_failures"
		     " WHERE username=$1", &p, &res, "login_get");
	if (rc != ST_OK)
		return rc;
	if (PQntuples(res) == 1) {
		out->failures = (int)num(res, 0, 0);
		out->last_ms = num(res, 0, 1);
		out->locked_until_ms = num(res, 0, 2);
	}
	PQclear(res);
	return ST_OK;
}

int pg_login_put(struct store_tx *tx, const struct login_rec *r)
{
	struct pg_params p = {.n = 0};

	pg_param_text(&p, r->username);
	pg_param_int(&p, r->failures);
	pg_param_int(&p, r->last_ms);
	pg_param_int(&p, r->locked_until_ms);
	return pg_exec(pg_conn_of(tx),
		       "INSERT INTO login_failures(username, failures, last_ms, locked_until_ms)"
		       " VALUES ($1,$2,$3,$4) ON CONFLICT (username) DO UPDATE SET"
		       " failures=excluded.failures, last_ms=excluded.last_ms,"
		       " locked_until_ms=excluded.locked_until_ms", &p, NULL, "login_put");
}
