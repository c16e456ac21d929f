/*
 * internal.h - shared by the files of src/svc; not part of its interface.
 */
#ifndef NSATU_SVC_INTERNAL_H
#define NSATU_SVC_INTERNAL_H

#include "svc.h"

#include <pthread.h>

#define SVC_AUTH_CACHE_SLOTS 1024

struct svc_auth_entry {
	char hash[STORE_HASH_HEX];
	struct principal who;
	int64_t cached_until, token_expires;
	uint64_t generation;
};

struct svc {
	struct store *store;
	struct svc_config cfg;
	char dummy_hash[160];  /* verified against for unknown users, for timing */
	pthread_mutex_t auth_lock;
	uint64_t auth_generation;  /* bumped by every change to a user */
	struct svc_auth_entry auth_cache[SVC_AUTH_CACHE_SLOTS];
};

/* The token cache (authcache.c). */
bool svc_auth_cache_get(struct svc *svc, const char *hash, int64_t now, struct principal *p);
void svc_auth_cache_put(struct svc *svc, const char *hash, int64_t now, int64_t token_expires,
			const struct principal *p, uint64_t generation);
uint64_t svc_auth_cache_generation(struct svc *svc);
void svc_auth_cache_forget_all(struct svc *svc);

int64_t svc_now_ms(void);

/* Hex BLAKE2b-256 of @len bytes at @data into @hex. */
void svc_hash_hex(const void *data, size_t len, char hex[STORE_HASH_HEX]);

/*
 * Append an audit record inside @tx: @before and @after are the public
 * forms of the record (NULL when there is none).  Returns a store status.
 */
int svc_audit_write(struct store_tx *tx, const struct principal *p,
		    const char *action, const char *entity, const char *id,
		    const json_t *before, const json_t *after);

/* The hash of an audit record, over every field but its own hash. */
void svc_audit_hash(const struct audit_rec *r, char hex[STORE_HASH_HEX]);

/* Cursor encoding: opaque base64url text for a key.  decode returns
 * ST_INVALID for text that is not a cursor of ours. */
int svc_cursor_encode(const char *key, char *out, size_t size);
int svc_cursor_decode(const char *cursor, char *key, size_t size);

/* Hash @password with the configured argon2id cost into @out. */
int svc_password_hash(struct svc *svc, const char *password, char out[160],
		      struct verr *err);

#endif
