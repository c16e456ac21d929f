/*
 * internal.h - shared by the files of src/svc; not part of its interface.
 */
#ifndef NSATU_SVC_INTERNAL_H
#define NSATU_SVC_INTERNAL_H

#include "svc.h"

#include <pthread.h>
#include <string.h>

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

/* Fields of a record (a JSON object): NULL / 0 when absent or of another
 * type; and whether two strings are both there and equal. */
static inline const char *rec_str(const json_t *rec, const char *field)
{
	return json_string_value(json_object_get(rec, field));
}

static inline long long rec_num(const json_t *rec, const char *field)
{
	return json_integer_value(json_object_get(rec, field));
}

static inline bool str_is(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* true when @s is one of @list (NULL-terminated). */
static inline bool str_in(const char *s, const char *const *list)
{
	for (; *list; list++) {
		if (str_is(s, *list))
			return true;
	}
	return false;
}

/* An asset that is lost, destroyed or expended (custody.c). */
bool svc_asset_ended(const json_t *asset);
/* An enrolment status that holds a seat of its session: enrolled or
 * beyond, failures included (training.c). */
bool svc_holds_seat(const char *status);

/* Records of @e whose @field is @value (@field NULL: all of them), in key
 * order: *@rows is a new array (records.c). */
int svc_rows(struct store_tx *tx, const struct espec *e, const char *field, const char *value,
	     json_t **rows);

/* Scope (scope.c): the field that bounds @p's view of @e and the value it
 * must hold, or NULL when none applies; *@deny when the role is bound but
 * the entity has no field for it. */
const char *svc_scope_field(const struct principal *p, const struct espec *e,
			    const char **value, bool *deny);
bool svc_in_scope(const struct principal *p, const struct espec *e, const json_t *rec);
/*
 * May @p record the custody event @rec (its "nation" filled in) at @site?
 * The role's event types (event_role_allows), then its site or nation.
 * ST_FORBIDDEN, or ST_INVALID "no shipment" for another nation's shipment
 * (as a read would answer: no existence leak), with the field at fault.
 */
int svc_event_scope(const struct principal *p, const json_t *rec, const json_t *site,
		    struct verr *err);
/* true when @p is not bound to a nation, or bound to @nation: for answers
 * that mix records of several nations (readiness lists every donor's
 * shipments to a unit), a nation-bound caller gets only its own nation's. */
bool svc_sees_nation(const struct principal *p, const char *nation);
/* true when @p must not see @e's records in status "draft". */
bool svc_hidden_draft(const struct principal *p, const struct espec *e);

/* A new time-ordered key "PREFIX-<ms time hex><random hex>" into @out. */
void svc_new_key(const char *prefix, char *out, size_t size);

/*
 * What an entity adds to the generic record use cases (donations.c and
 * later areas).  Each hook runs inside the writing transaction and returns
 * a status, with @err naming the field for ST_INVALID.
 */
struct svc_rules {
	const struct espec *e;
	/* A new record, validated: set server-made fields, check rules that
	 * need the database. */
	int (*on_create)(struct store_tx *tx, const struct principal *p, json_t *rec,
			 struct verr *err);
	/* A change from @cur to @next (the merged record). */
	int (*on_update)(struct store_tx *tx, const struct principal *p, const json_t *cur,
			 json_t *next, struct verr *err);
	/* After the new record was stored and audited. */
	int (*after_create)(struct store_tx *tx, const struct principal *p, const json_t *rec);
	/* Its workflow, and what follows a transition once stored. */
	const struct transition *flow;
	int (*after_transition)(struct store_tx *tx, const struct principal *p,
				const json_t *rec, const char *from, const char *to,
				struct verr *err);
	/* Before the record @cur is deleted. */
	int (*on_delete)(struct store_tx *tx, const struct principal *p, const json_t *cur,
			 struct verr *err);
};

/* The rules of the silence procedure (decisions.c) and of transfer and
 * repair (transfer.c). */
extern const struct svc_rules SVC_PROPOSAL_RULES, SVC_POSITION_RULES;
extern const struct svc_rules SVC_TRANSFER_RULES[];  /* ends with e == NULL */
extern const struct svc_rules SVC_TRAINING_RULES[];  /* training.c; the same */
extern const struct svc_rules SVC_PLAN_RULES[];      /* plan.c; the same */
extern const struct svc_rules SVC_FORCE_RULES[];     /* readiness.c; the same */

/* The rules of @e, or NULL for a plain record. */
const struct svc_rules *svc_rules_for(const struct espec *e);

/*
 * Create a record inside @tx as svc_rec_create does (permission, the
 * body's fields, references, the entity's rules, scope, the audit record),
 * for a use case that makes records as part of a larger change (approving
 * a plan makes its allocations).  @server (may be NULL) adds fields only
 * the server sets (an allocation's plan).  @body is changed.  *@out is the
 * public form of the stored record.  records.c.
 */
int svc_rec_create_tx(struct store_tx *tx, const struct principal *p, const struct espec *e,
		      json_t *body, const json_t *server, json_t **out, struct verr *err);

/* Merge @changes into @e's record @key (version + 1), audited as @action. */
int svc_patch_record(struct store_tx *tx, const struct principal *p, const struct espec *e,
		     const char *key, const json_t *changes, const char *action);

/* Set @e's record @key to @status (and @reason), audited as @action. */
int svc_set_status(struct store_tx *tx, const struct principal *p, const struct espec *e,
		   const char *key, const char *status, const char *reason, const char *action);

/* The asset of @item with @serial (transfer.c): *@asset a new reference,
 * or ST_NOT_FOUND. */
int svc_asset_find(struct store_tx *tx, const char *item, const char *serial, json_t **asset);

/* Open allocations' quantity for a pledge or requirement (donations.c). */
int svc_allocated(struct store_tx *tx, const char *field, const char *key, long long *sum);
/* EUR for one unit of @currency on @date, from the exchange-rate table. */
int svc_eur_rate(struct store_tx *tx, const char *currency, const char *date, double *rate,
		 struct verr *err);

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
