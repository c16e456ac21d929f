/*
 * security.c - the SQLite rows of the security core: the hash-chained
 * audit trail, bearer-token sessions, idempotency keys and login throttling.
 */
#include "sq.h"

#include "store/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sq_audit_head(struct store_tx *tx, int64_t *seq, char hash[STORE_HASH_HEX])
{
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_prepare(c, "SELECT seq, hash FROM audit_head WHERE id=1");
	int rc;

	*seq = 0;
	hash[0] = '\0';
	if (!st)
		return ST_INTERNAL;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		sq_col_copy(st, 1, hash, STORE_HASH_HEX);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ST_OK : sq_status(c, rc, "audit_head");
}

int sq_audit_append(struct store_tx *tx, const struct audit_rec *r)
{
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_prepare(c,
		"INSERT INTO audit(seq, at, actor, action, entity, entity_id, before,"
		" after, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)");
	int rc;

	if (!st)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, r->seq);
	sq_bind_text(st, 2, r->at);
	sq_bind_text(st, 3, r->actor);
	sq_bind_text(st, 4, r->action);
	sq_bind_text(st, 5, r->entity);
	sq_bind_text(st, 6, r->entity_id);
	sq_bind_text(st, 7, r->before);
	sq_bind_text(st, 8, r->after);
	sq_bind_text(st, 9, r->prev_hash);
	sq_bind_text(st, 10, r->hash);
	if ((rc = sq_exec_stmt(c, st, "audit_append")) != ST_OK)
		return rc;
	st = sq_prepare(c, "INSERT INTO audit_head(id, seq, hash) VALUES (1, ?, ?)"
			   " ON CONFLICT(id) DO UPDATE SET seq=excluded.seq,"
			   " hash=excluded.hash");
	if (!st)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, r->seq);
	sq_bind_text(st, 2, r->hash);
	return sq_exec_stmt(c, st, "audit_head");
}

int sq_audit_scan(struct store_tx *tx, const struct store_audit_query *q,
		  store_audit_cb cb, void *arg)
{
	struct sq_conn *c = sq_conn_of(tx);
	struct sql_arg args[SQL_AUDIT_ARGS];
	struct sql text;
	sqlite3_stmt *st;
	int rc, nargs;

	if (!sql_audit_scan(&text, SQL_SQLITE, q, args, &nargs) ||
	    !(st = sq_prepare(c, text.text)))
		return ST_INTERNAL;
	for (int i = 0; i < nargs; i++) {
		if (args[i].text)
			sq_bind_text(st, i + 1, args[i].text);
		else
			sqlite3_bind_int64(st, i + 1, args[i].num);
	}
	sqlite3_bind_int64(st, nargs + 1, q->limit ? (sqlite3_int64)q->limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_rec r = {.seq = sqlite3_column_int64(st, 0)};
		int stop;

		sq_col_copy(st, 1, r.at, sizeof r.at);
		sq_col_copy(st, 2, r.actor, sizeof r.actor);
		sq_col_copy(st, 3, r.action, sizeof r.action);
		sq_col_copy(st, 4, r.entity, sizeof r.entity);
		sq_col_copy(st, 5, r.entity_id, sizeof r.entity_id);
		r.before = sq_col_dup(st, 6);
		r.after = sq_col_dup(st, 7);
		sq_col_copy(st, 8, r.prev_hash, sizeof r.prev_hash);
		sq_col_copy(st, 9, r.hash, sizeof r.hash);
		stop = cb(&r, arg);
		store_audit_rec_clear(&r);
		if (stop)
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ST_OK : sq_status(c, rc, "audit_scan");
}

int sq_token_put(struct store_tx *tx, const struct token_rec *t)
{
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_prepare(c,
		"INSERT INTO sessions(token_hash, username, created_ms, expires_ms,"
		" revoked_ms) VALUES (?,?,?,?,?)");

	if (!st)
		return ST_INTERNAL;
	sq_bind_text(st, 1, t->hash);
	sq_bind_text(st, 2, t->username);
	sqlite3_bind_int64(st, 3, t->created_ms);
	sqlite3_bind_int64(st, 4, t->expires_ms);
	sqlite3_bind_int64(st, 5, t->revoked_ms);
	return sq_exec_stmt(c, st, "token_put");
}

int sq_token_get(struct store_tx *tx, const char *hash, struct token_rec *t)
{
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_prepare(c,
		"SELECT username, created_ms, expires_ms, revoked_ms FROM sessions"
		" WHERE token_hash=?");
	int rc;

	memset(t, 0, sizeof *t);
	if (!st)
		return ST_INTERNAL;
	sq_bind_text(st, 1, hash);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(t->hash, sizeof t->hash, "%s", hash);
		sq_col_copy(st, 0, t->username, sizeof t->username);
		t->created_ms = sqlite3_column_int64(st, 1);
		t->expires_ms = sqlite3_column_int64(st, 2);
		t->revoked_ms = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? ST_NOT_FOUND : sq_status(c, rc, "token_get");
}

int sq_token_revoke(struct store_tx *tx, const char *hash, int64_t at_ms)
{
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_prepare(c,
		"UPDATE sessions SET revoked_ms=? WHERE token_hash=? AND revoked_ms=0");

	if (!st)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, at_ms);
	sq_bind_text(st, 2, hash);
	return sq_exec_stmt(c, st, "token_revoke");
}

int sq_token_revoke_user(struct store_tx *tx, const char *username, int64_t at_ms)
{
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_prepare(c,
		"UPDATE sessions SET revoked_ms=? WHERE username=? AND revoked_ms=0");

	if (!st)
		return ST_INTERNAL;
	sqlite3_bind_int64(st, 1, at_ms);
	sq_bind_text(st, 2, username);
	return sq_exec_stmt(c, st, "token_revoke_user");
}

int sq_idem_get(struct store_tx *tx, const char *username, const char *key,
		struct idem_rec *out)
{
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_prepare(c,
		"SELECT method, path, body_hash, status, response, created_ms"
		" FROM idempotency WHERE username=? AND key=?");
	int rc;

	memset(out, 0, sizeof *out);
	if (!st)
		return ST_INTERNAL;
	sq_bind_text(st, 1, username);
	sq_bind_text(st, 2, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out->username, sizeof out->username, "%s", username);
		snprintf(out->key, sizeof out->key, "%s", key);
		sq_col_copy(st, 0, out->method, sizeof out->method);
		sq_col_copy(st, 1, out->path, sizeof out->path);
		sq_col_copy(st, 2, out->body_hash, sizeof out->body_hash);
		out->status = sqlite3_column_int(st, 3);
		out->response = sq_col_dup(st, 4);
		out->created_ms = sqlite3_column_int64(st, 5);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? ST_NOT_FOUND : sq_status(c, rc, "idem_get");
}

int sq_idem_claim(struct store_tx *tx, const struct idem_rec *r)
{
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_prepare(c,
		"INSERT INTO idempotency(username, key, method, path, body_hash,"
		" status, response, created_ms) VALUES (?,?,?,?,?,0,NULL,?)");

	if (!st)
		return ST_INTERNAL;
	sq_bind_text(st, 1, r->username);
	sq_bind_text(st, 2, r->key);
	sq_bind_text(st, 3, r->method);
	sq_bind_text(st, 4, r->path);
	sq_bind_text(st, 5, r->body_hash);
	sqlite3_bind_int64(st, 6, r->created_ms);
	return sq_exec_stmt(c, st, "idem_claim");
}

int sq_idem_finish(struct store_tx *tx, const char *username, const char *key,
		   int status, const char *response)
{
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_prepare(c,
		"UPDATE idempotency SET status=?, response=? WHERE username=? AND key=?");

	if (!st)
		return ST_INTERNAL;
	sqlite3_bind_int(st, 1, status);
	sq_bind_text(st, 2, response);
	sq_bind_text(st, 3, username);
	sq_bind_text(st, 4, key);
	return sq_exec_stmt(c, st, "idem_finish");
}

int sq_idem_drop(struct store_tx *tx, const char *username, const char *key)
{
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_prepare(c,
		"DELETE FROM idempotency WHERE username=? AND key=?");

	if (!st)
		return ST_INTERNAL;
	sq_bind_text(st, 1, username);
	sq_bind_text(st, 2, key);
	return sq_exec_stmt(c, st, "idem_drop");
}

int sq_login_get(struct store_tx *tx, const char *username, struct login_rec *out)
{
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_prepare(c,
		"SELECT failures, last_ms, locked_until_ms FROM login_failures"
		" WHERE username=?");
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(out->username, sizeof out->username, "%s", username);
	if (!st)
		return ST_INTERNAL;
	sq_bind_text(st, 1, username);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->failures = sqlite3_column_int(st, 0);
		out->last_ms = sqlite3_column_int64(st, 1);
		out->locked_until_ms = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ST_OK : sq_status(c, rc, "login_get");
}

int sq_login_put(struct store_tx *tx, const struct login_rec *r)
{
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_prepare(c,
		"INSERT INTO login_failures(username, failures, last_ms, locked_until_ms)"
		" VALUES (?,?,?,?) ON CONFLICT(username) DO UPDATE SET"
		" failures=excluded.failures, last_ms=excluded.last_ms,"
		" locked_until_ms=excluded.locked_until_ms");

	if (!st)
		return ST_INTERNAL;
	sq_bind_text(st, 1, r->username);
	sqlite3_bind_int(st, 2, r->failures);
	sqlite3_bind_int64(st, 3, r->last_ms);
	sqlite3_bind_int64(st, 4, r->locked_until_ms);
	return sq_exec_stmt(c, st, "login_put");
}
