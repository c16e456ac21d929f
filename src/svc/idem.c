/*
 * idem.c - Idempotency-Key for POST.
 *
 * The first request with a key claims it (a pending row, in its own
 * transaction) before it runs; a concurrent duplicate then finds the claim
 * and is told to retry later instead of running twice.  When the first
 * request ends its answer is stored with the claim, and later requests with
 * the same key and the same method, path and body get that answer again.
 * A server error releases the key so that the client may retry.  Keys are
 * per user and are forgotten after a day.
 */
#include "internal.h"

#include <sodium.h>

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define IDEM_TTL_MS (24LL * 3600 * 1000)

struct begin_ctx {
	struct idem_rec want;
	enum svc_idem_state state;
	int status;
	char *response;
};

static int begin_work(struct store_tx *tx, void *arg)
{
	struct begin_ctx *c = arg;
	struct idem_rec have;
	int rc;

	free(c->response);
	c->response = NULL;
	rc = store_idem_get(tx, c->want.username, c->want.key, &have);
	if (rc == ST_OK && have.created_ms + IDEM_TTL_MS < c->want.created_ms) {
		free(have.response);
		if ((rc = store_idem_drop(tx, c->want.username, c->want.key)) != ST_OK)
			return rc;
		rc = ST_NOT_FOUND;
	}
	if (rc == ST_NOT_FOUND) {
		c->state = IDEM_NEW;
		return store_idem_claim(tx, &c->want);
	}
	if (rc != ST_OK)
		return rc;
	if (strcmp(have.method, c->want.method) != 0 ||
	    strcmp(have.path, c->want.path) != 0 ||
	    strcmp(have.body_hash, c->want.body_hash) != 0) {
		c->state = IDEM_MISMATCH;
	} else if (have.status == 0) {
		c->state = IDEM_IN_PROGRESS;
	} else {
		c->state = IDEM_REPLAY;
		c->status = have.status;
		c->response = have.response;
		have.response = NULL;
	}
	free(have.response);
	return ST_OK;
}

int svc_idem_begin(struct svc *svc, const struct principal *p, const char *key,
		   const char *method, const char *path, const void *body,
		   size_t body_len, enum svc_idem_state *state, int *status,
		   char **response)
{
	struct begin_ctx c = {0};
	int rc;

	*response = NULL;
	*status = 0;
	snprintf(c.want.username, sizeof c.want.username, "%s", p->username);
	snprintf(c.want.key, sizeof c.want.key, "%s", key);
	snprintf(c.want.method, sizeof c.want.method, "%s", method);
	snprintf(c.want.path, sizeof c.want.path, "%s", path);
	/* Keyed (with the server's trainee key, when it has one): a stored hash
	 * of a short body must not let anyone try service numbers against it. */
	if (svc->cfg.trainee_key_set) {
		unsigned char h[32];
		crypto_generichash(h, sizeof h, body, body_len, svc->cfg.trainee_key,
				   sizeof svc->cfg.trainee_key);
		sodium_bin2hex(c.want.body_hash, sizeof c.want.body_hash, h, sizeof h);
	} else {
		svc_hash_hex(body, body_len, c.want.body_hash);
	}
	c.want.created_ms = svc_now_ms();
	rc = store_run(svc->store, STORE_WRITE, begin_work, &c);
	if (rc != ST_OK) {
		free(c.response);
		return rc;
	}
	*state = c.state;
	*status = c.status;
	*response = c.response;
	return ST_OK;
}

struct end_ctx {
	const struct principal *p;
	const char *key;
	int status;
	const char *response;
};

static int end_work(struct store_tx *tx, void *arg)
{
	struct end_ctx *c = arg;

	if (c->status >= 500)
		return store_idem_drop(tx, c->p->username, c->key);
	return store_idem_finish(tx, c->p->username, c->key, c->status, c->response);
}

int svc_idem_end(struct svc *svc, const struct principal *p, const char *key,
		 int status, const char *response)
{
	struct end_ctx c = {p, key, status, response};

	return store_run(svc->store, STORE_WRITE, end_work, &c);
}
