/*
 * authcache.c - a short-lived memory of resolved bearer tokens.
 *
 * Every request presents a token; resolving it costs a read transaction
 * with two lookups.  A resolved token is remembered for cfg.auth_cache_ms
 * (1 s by default, 0 turns the cache off).  Changes made through this
 * process take effect at once: logout forgets the token, and any change to
 * a user (disable, expiry, role, password reset) forgets every token.
 * A change made by another server process on the same PostgreSQL database
 * is seen within auth_cache_ms.
 */
#include "internal.h"

#include <string.h>

static size_t slot_of(const char *hash)
{
	/* The hash is hex of a cryptographic digest: its head is uniform. */
	size_t h = 0;

	for (int i = 0; i < 8 && hash[i]; i++)
		h = h * 16 + (size_t)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
	return h % SVC_AUTH_CACHE_SLOTS;
}

bool svc_auth_cache_get(struct svc *svc, const char *hash, int64_t now, struct principal *p)
{
	struct svc_auth_entry *e;
	bool hit = false;

	if (svc->cfg.auth_cache_ms <= 0)
		return false;
	pthread_mutex_lock(&svc->auth_lock);
	e = &svc->auth_cache[slot_of(hash)];
	if (e->generation == svc->auth_generation && strcmp(e->hash, hash) == 0 &&
	    now < e->cached_until && now < e->token_expires) {
		*p = e->who;
		hit = true;
	}
	pthread_mutex_unlock(&svc->auth_lock);
	return hit;
}

void svc_auth_cache_put(struct svc *svc, const char *hash, int64_t now, int64_t token_expires,
			const struct principal *p, uint64_t generation)
{
	struct svc_auth_entry *e;

	if (svc->cfg.auth_cache_ms <= 0)
		return;
	pthread_mutex_lock(&svc->auth_lock);
	/* A change that happened while the token was being looked up wins. */
	if (generation == svc->auth_generation) {
		e = &svc->auth_cache[slot_of(hash)];
		memcpy(e->hash, hash, sizeof e->hash);
		e->who = *p;
		e->cached_until = now + svc->cfg.auth_cache_ms;
		e->token_expires = token_expires;
		e->generation = generation;
	}
	pthread_mutex_unlock(&svc->auth_lock);
}

uint64_t svc_auth_cache_generation(struct svc *svc)
{
	uint64_t g;

	pthread_mutex_lock(&svc->auth_lock);
	g = svc->auth_generation;
	pthread_mutex_unlock(&svc->auth_lock);
	return g;
}

void svc_auth_cache_forget_all(struct svc *svc)
{
	pthread_mutex_lock(&svc->auth_lock);
	svc->auth_generation++;
	pthread_mutex_unlock(&svc->auth_lock);
}
