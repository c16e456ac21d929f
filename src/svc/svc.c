/*
 * svc.c - the service object and helpers shared by the use cases.
 */
#include "internal.h"

#include "log/log.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURSOR_PREFIX "k:"

struct svc *svc_new(struct store *store, const struct svc_config *cfg)
{
	struct svc *svc;

	if (sodium_init() < 0)
		return NULL;
	svc = calloc(1, sizeof *svc);
	if (!svc)
		return NULL;
	svc->store = store;
	svc->cfg = *cfg;
	pthread_mutex_init(&svc->auth_lock, NULL);
	if (svc->cfg.pw_opslimit == 0) {
		svc->cfg.pw_opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		svc->cfg.pw_memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	}
	if (svc->cfg.token_ttl_s <= 0)
		svc->cfg.token_ttl_s = 8 * 3600;
	if (svc->cfg.login_max_failures <= 0)
		svc->cfg.login_max_failures = 5;
	if (svc->cfg.lockout_s <= 0)
		svc->cfg.lockout_s = 60;
	/* A hash to verify against when the user does not exist, so that a
	 * wrong name costs as long as a wrong password. */
	char random_pw[33];
	unsigned char raw[16];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(random_pw, sizeof random_pw, raw, sizeof raw);
	if (crypto_pwhash_str(svc->dummy_hash, random_pw, strlen(random_pw),
			      svc->cfg.pw_opslimit, svc->cfg.pw_memlimit) != 0) {
		free(svc);
		return NULL;
	}
	return svc;
}

void svc_free(struct svc *svc)
{
	if (svc) {
		pthread_mutex_destroy(&svc->auth_lock);
		sodium_memzero(svc->cfg.doc_key, sizeof svc->cfg.doc_key);
		sodium_memzero(svc->cfg.trainee_key, sizeof svc->cfg.trainee_key);
	}
	free(svc);
}

struct store *svc_store(struct svc *svc) { return svc->store; }

void svc_system_principal(struct principal *p)
{
	memset(p, 0, sizeof *p);
	snprintf(p->username, sizeof p->username, "system");
	p->role = ROLE_ADMIN;
}

void svc_system_as(struct principal *p, enum role role)
{
	svc_system_principal(p);
	p->role = role;
}

int64_t svc_now_ms(void) { return log_now_ms(); }

void svc_hash_hex(const void *data, size_t len, char hex[STORE_HASH_HEX])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, data, len, NULL, 0);
	sodium_bin2hex(hex, STORE_HASH_HEX, h, sizeof h);
}

int svc_cursor_encode(const char *key, char *out, size_t size)
{
	char plain[160];
	int n = snprintf(plain, sizeof plain, CURSOR_PREFIX "%s", key);

	if (n < 0 || (size_t)n >= sizeof plain ||
	    sodium_base64_encoded_len((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING) > size)
		return ST_INTERNAL;
	sodium_bin2base64(out, size, (const unsigned char *)plain, (size_t)n,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return ST_OK;
}

int svc_cursor_decode(const char *cursor, char *key, size_t size)
{
	unsigned char plain[160];
	size_t n = 0;

	if (strlen(cursor) > 200 ||
	    sodium_base642bin(plain, sizeof plain - 1, cursor, strlen(cursor), NULL, &n,
			      NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return ST_INVALID;
	plain[n] = '\0';
	if (n < 2 || memcmp(plain, CURSOR_PREFIX, 2) != 0 || n - 2 >= size ||
	    strlen((char *)plain) != n || !utf8_valid((char *)plain, n))
		return ST_INVALID;
	memcpy(key, plain + 2, n - 1);
	return ST_OK;
}

int svc_password_hash(struct svc *svc, const char *password, char out[160],
		      struct verr *err)
{
	size_t n = strlen(password);

	if (n < SVC_MIN_PASSWORD)
		return verr_set(err, "password", "must be at least %d characters",
				SVC_MIN_PASSWORD);
	if (n > 1024)
		return verr_set(err, "password", "must be at most 1024 characters");
	if (!utf8_valid(password, n))
		return verr_set(err, "password", "must be valid UTF-8 text");
	if (crypto_pwhash_str(out, password, n, svc->cfg.pw_opslimit,
			      svc->cfg.pw_memlimit) != 0) {
		log_msg(LOG_ERROR, "password hashing failed", "out of memory?");
		return ST_INTERNAL;
	}
	return ST_OK;
}

static int health_work(struct store_tx *tx, void *arg)
{
	char hash[STORE_HASH_HEX];
	int64_t seq;

	(void)arg;
	return store_audit_head(tx, &seq, hash);
}

int svc_health(struct svc *svc)
{
	return store_run(svc->store, STORE_READ, health_work, NULL);
}

void svc_new_key(const char *prefix, char *out, size_t size)
{
	/* Time first, so keys sort by creation and indexes grow at the end. */
	snprintf(out, size, "%s-%012llX%08X", prefix,
		 (unsigned long long)svc_now_ms() & 0xFFFFFFFFFFFFULL,
		 (unsigned)randombytes_random());
}
