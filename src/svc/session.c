/*
 * session.c - logging in and out, and resolving bearer tokens.
 *
 * A token is 32 random bytes, shown to the client once; the database holds
 * only its BLAKE2b hash, so a stolen database copy opens no session.  The
 * argon2id check runs outside any transaction: it takes tens of
 * milliseconds and must not hold the write lock.  Failed attempts count per
 * user name (known or not, so that locking does not reveal which names
 * exist); after cfg.login_max_failures the name locks for cfg.lockout_s,
 * doubling with every further failure, up to a day.
 */
#include "internal.h"

#include "log/log.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define TOKEN_PREFIX "nsatu_"
#define MAX_LOCK_S (24 * 3600)

struct login_read {
	const char *username;
	struct login_rec lr;
	json_t *user;
};

static int login_read_work(struct store_tx *tx, void *arg)
{
	struct login_read *c = arg;
	int rc;

	json_decref(c->user);
	c->user = NULL;
	if ((rc = store_login_get(tx, c->username, &c->lr)) != ST_OK)
		return rc;
	rc = store_rec_get(tx, &ESPEC_USERS, c->username, &c->user);
	return rc == ST_NOT_FOUND ? ST_OK : rc;
}

struct login_write {
	struct svc *svc;
	const char *username;
	bool ok;
	const struct token_rec *tok;
	const struct principal *p;
	struct login_rec lr;  /* out: the state after a failure */
};

static int login_write_work(struct store_tx *tx, void *arg)
{
	struct login_write *c = arg;
	int64_t now = svc_now_ms();
	int rc;

	if ((rc = store_login_get(tx, c->username, &c->lr)) != ST_OK)
		return rc;
	if (c->ok) {
		if (c->lr.failures) {
			c->lr.failures = 0;
			c->lr.locked_until_ms = 0;
			if ((rc = store_login_put(tx, &c->lr)) != ST_OK)
				return rc;
		}
		if ((rc = store_token_put(tx, c->tok)) != ST_OK)
			return rc;
		return svc_audit_write(tx, c->p, "login", "sessions", c->username,
				       NULL, NULL);
	}
	c->lr.failures++;
	c->lr.last_ms = now;
	int over = c->lr.failures - c->svc->cfg.login_max_failures;
	if (over >= 0) {
		int64_t lock = c->svc->cfg.lockout_s << (over < 16 ? over : 16);
		c->lr.locked_until_ms = now + (lock < MAX_LOCK_S ? lock : MAX_LOCK_S) * 1000;
	}
	return store_login_put(tx, &c->lr);
}

/* A disabled account, or one past its last day, may not be used. */
static bool account_usable(const json_t *user, int64_t now_ms)
{
	const char *until = json_string_value(json_object_get(user, "expires_on"));
	char today[32];

	if (json_is_true(json_object_get(user, "disabled")))
		return false;
	time_format(now_ms, today);
	return !until || strncmp(today, until, 10) <= 0;
}

static void fill_principal(struct principal *p, const json_t *user)
{
	const char *s;

	memset(p, 0, sizeof *p);
	snprintf(p->username, sizeof p->username, "%s",
		 json_string_value(json_object_get(user, "username")));
	p->role = role_parse(json_string_value(json_object_get(user, "role")));
	if ((s = json_string_value(json_object_get(user, "nation"))))
		snprintf(p->nation, sizeof p->nation, "%s", s);
	if ((s = json_string_value(json_object_get(user, "site"))))
		snprintf(p->site, sizeof p->site, "%s", s);
}

int svc_login(struct svc *svc, const char *username, const char *password,
	      char token[SVC_TOKEN_LEN], int64_t *expires_ms, struct principal *p,
	      int64_t *retry_after_s)
{
	struct login_read rd = {.username = username};
	struct login_write wr = {.svc = svc, .username = username};
	struct token_rec tok = {0};
	const char *hash;
	int64_t now = svc_now_ms();
	int rc;

	*retry_after_s = 0;
	if (strlen(username) >= sizeof p->username || strlen(password) > 1024)
		return ST_UNAUTHORIZED;
	if ((rc = store_run(svc->store, STORE_READ, login_read_work, &rd)) != ST_OK)
		return rc;
	if (rd.lr.locked_until_ms > now) {
		json_decref(rd.user);
		*retry_after_s = (rd.lr.locked_until_ms - now + 999) / 1000;
		log_msg(LOG_WARN, "login refused: locked", "user %s", username);
		return ST_THROTTLED;
	}
	hash = rd.user ? json_string_value(json_object_get(rd.user, "password_hash")) : NULL;
	wr.ok = crypto_pwhash_str_verify(hash ? hash : svc->dummy_hash, password,
					 strlen(password)) == 0 &&
		hash && account_usable(rd.user, now);
	if (wr.ok) {
		unsigned char raw[32];
		char b64[48];

		fill_principal(p, rd.user);
		randombytes_buf(raw, sizeof raw);
		sodium_bin2base64(b64, sizeof b64, raw, sizeof raw,
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		sodium_memzero(raw, sizeof raw);
		snprintf(token, SVC_TOKEN_LEN, TOKEN_PREFIX "%s", b64);
		svc_hash_hex(token, strlen(token), tok.hash);
		snprintf(tok.username, sizeof tok.username, "%s", p->username);
		tok.created_ms = now;
		tok.expires_ms = *expires_ms = now + svc->cfg.token_ttl_s * 1000;
		wr.tok = &tok;
		wr.p = p;
	}
	json_decref(rd.user);
	rc = store_run(svc->store, STORE_WRITE, login_write_work, &wr);
	if (rc != ST_OK) {
		sodium_memzero(token, SVC_TOKEN_LEN);
		return rc;
	}
	if (!wr.ok) {
		log_msg(LOG_WARN, "login failed", "user %s, %d consecutive failures",
			username, wr.lr.failures);
		return ST_UNAUTHORIZED;
	}
	return ST_OK;
}

struct auth_ctx {
	const char *hash;
	struct principal *p;
	int64_t now;
	int64_t token_expires;
};

static int auth_work(struct store_tx *tx, void *arg)
{
	struct auth_ctx *c = arg;
	struct token_rec t;
	json_t *user = NULL;
	int rc;

	rc = store_token_get(tx, c->hash, &t);
	if (rc == ST_NOT_FOUND)
		return ST_UNAUTHORIZED;
	if (rc != ST_OK)
		return rc;
	if (t.revoked_ms || t.expires_ms <= c->now)
		return ST_UNAUTHORIZED;
	c->token_expires = t.expires_ms;
	rc = store_rec_get(tx, &ESPEC_USERS, t.username, &user);
	if (rc == ST_NOT_FOUND)
		return ST_UNAUTHORIZED;
	if (rc != ST_OK)
		return rc;
	if (!account_usable(user, c->now)) {
		json_decref(user);
		return ST_UNAUTHORIZED;
	}
	fill_principal(c->p, user);
	json_decref(user);
	return ST_OK;
}

int svc_authenticate(struct svc *svc, const char *token, struct principal *p)
{
	char hash[STORE_HASH_HEX];
	struct auth_ctx c = {.hash = hash, .p = p, .now = svc_now_ms()};
	size_t n = strlen(token);

	if (n < sizeof TOKEN_PREFIX || n >= SVC_TOKEN_LEN ||
	    strncmp(token, TOKEN_PREFIX, sizeof TOKEN_PREFIX - 1) != 0)
		return ST_UNAUTHORIZED;
	svc_hash_hex(token, n, hash);
	if (svc_auth_cache_get(svc, hash, c.now, p))
		return ST_OK;
	uint64_t generation = svc_auth_cache_generation(svc);
	int rc = store_run(svc->store, STORE_READ, auth_work, &c);
	if (rc == ST_OK)
		svc_auth_cache_put(svc, hash, c.now, c.token_expires, p, generation);
	return rc;
}

struct logout_ctx {
	const struct principal *p;
	const char *hash;
};

static int logout_work(struct store_tx *tx, void *arg)
{
	struct logout_ctx *c = arg;
	int rc = store_token_revoke(tx, c->hash, svc_now_ms());

	if (rc != ST_OK)
		return rc;
	return svc_audit_write(tx, c->p, "logout", "sessions", c->p->username, NULL, NULL);
}

int svc_logout(struct svc *svc, const struct principal *p, const char *token)
{
	char hash[STORE_HASH_HEX];
	struct logout_ctx c = {.p = p, .hash = hash};

	svc_hash_hex(token, strlen(token), hash);
	int rc = store_run(svc->store, STORE_WRITE, logout_work, &c);
	svc_auth_cache_forget_all(svc);
	return rc;
}

struct whois_ctx {
	const char *username;
	struct principal *p;
	int64_t now;
};

static int whois_work(struct store_tx *tx, void *arg)
{
	struct whois_ctx *c = arg;
	json_t *user = NULL;
	int rc = store_rec_get(tx, &ESPEC_USERS, c->username, &user);

	if (rc != ST_OK)
		return rc;
	if (account_usable(user, c->now))
		fill_principal(c->p, user);
	else
		rc = ST_FORBIDDEN;
	json_decref(user);
	return rc;
}

int svc_principal_of(struct svc *svc, const char *username, struct principal *p)
{
	struct whois_ctx c = {username, p, svc_now_ms()};

	return store_run(svc->store, STORE_READ, whois_work, &c);
}
