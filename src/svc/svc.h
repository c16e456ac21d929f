/*
 * svc.h - the use cases of nsatu.
 *
 * One function per operation.  Each runs in one transaction through
 * store_run(), checks the caller's permission and scope, enforces the
 * invariants, and writes the audit record in the same transaction as the
 * change it describes.  Entry points (HTTP, CLI) call only these.
 *
 * Returned JSON objects are new references the caller must json_decref.
 * On failure no output is set; a struct verr, where given, says which field
 * broke which rule.
 */
#ifndef NSATU_SVC_H
#define NSATU_SVC_H

#include "core/core.h"
#include "store/store.h"

#include <stdio.h>

struct svc_config {
	int64_t token_ttl_s;          /* lifetime of a session token */
	int login_max_failures;       /* failures before the account locks */
	int64_t lockout_s;            /* first lock; doubles per further failure */
	unsigned long long pw_opslimit; /* argon2id cost; 0: libsodium's interactive */
	size_t pw_memlimit;
	int64_t auth_cache_ms;        /* remember resolved tokens this long; 0: off */
};

struct svc;

/* A service on @store (not owned).  NULL on OOM or libsodium failure. */
struct svc *svc_new(struct store *store, const struct svc_config *cfg);
void svc_free(struct svc *svc);
struct store *svc_store(struct svc *svc);

/* ST_OK when the database answers a read. */
int svc_health(struct svc *svc);

/* The principal used by the command line and the demo loader: the system
 * as an admin, or as @role where the admin may not act (svc_system_as). */
void svc_system_principal(struct principal *p);
void svc_system_as(struct principal *p, enum role role);

/* ---- Sessions (svc_session.c). ---------------------------------------- */

#define SVC_TOKEN_LEN 64  /* "nsatu_" + 43 base64url chars + NUL, with room */

/*
 * Check a password and open a session.  @token receives the bearer token
 * (shown once, stored only as a hash).  ST_UNAUTHORIZED for a wrong name or
 * password or a disabled user (indistinguishable to the caller);
 * ST_THROTTLED with *@retry_after_s while the name is locked out.
 */
int svc_login(struct svc *svc, const char *username, const char *password,
	      char token[SVC_TOKEN_LEN], int64_t *expires_ms,
	      struct principal *p, int64_t *retry_after_s);

/* Resolve a bearer token.  ST_UNAUTHORIZED if unknown, expired, revoked,
 * or its user is disabled. */
int svc_authenticate(struct svc *svc, const char *token, struct principal *p);

/*
 * The principal of user @username, for acting as them without a session
 * (the command line's --as).  ST_NOT_FOUND when there is no such user,
 * ST_FORBIDDEN when the account is disabled or past its last day.
 */
int svc_principal_of(struct svc *svc, const char *username, struct principal *p);

/* End the session of @token. */
int svc_logout(struct svc *svc, const struct principal *p, const char *token);

/* ---- Records: reference data and users (svc_records.c). --------------- */

struct svc_filter {
	const char *field;   /* field name (validated against the spec) */
	const char *value;   /* text form, as in a query string */
};

struct svc_list {
	const struct svc_filter *filters;
	size_t nfilters;
	const char *cursor;  /* opaque, from a previous page; NULL: first page */
	size_t limit;        /* 1..SVC_MAX_LIMIT; 0 means the default */
};

#define SVC_DEFAULT_LIMIT 50
#define SVC_MAX_LIMIT 500

/* *@page = {"items": [...], "next_cursor": "..." | null}. */
int svc_rec_list_text(struct svc *svc, const struct principal *p, const struct espec *e,
		      const struct svc_list *q, struct jbuf *out, struct verr *err);
/* The same page as a jansson object (for the command line and tests). */
int svc_rec_list(struct svc *svc, const struct principal *p, const struct espec *e,
		 const struct svc_list *q, json_t **page, struct verr *err);
int svc_rec_get(struct svc *svc, const struct principal *p, const struct espec *e,
		const char *key, json_t **out);
/* @body is validated and consumed (may be changed); *@out is the stored record. */
int svc_rec_create(struct svc *svc, const struct principal *p, const struct espec *e,
		   json_t *body, json_t **out, struct verr *err);
enum svc_batch_mode {
	BATCH_ALL_OR_NOTHING,  /* one bad row and nothing is stored */
	BATCH_VALID_ONLY,      /* store the good rows, report the bad */
};

/*
 * Create every record of @rows (an array of objects, changed in place) in
 * one transaction, checking each as svc_rec_create would.  *@report =
 * {"mode", "rows", "created", "failed", "stored", "errors": [{"index",
 * "field", "reason"}]} (at most 1000 errors listed; "index" counts from 0).
 * Returns ST_OK when rows were stored, ST_INVALID (with the report) when
 * nothing was, or another status (no report).
 */
int svc_rec_create_many(struct svc *svc, const struct principal *p, const struct espec *e,
			json_t *rows, enum svc_batch_mode mode, json_t **report);

/* @if_match: the version the caller saw, or -1 for none. */
int svc_rec_update(struct svc *svc, const struct principal *p, const struct espec *e,
		   const char *key, json_t *patch, int64_t if_match, json_t **out,
		   struct verr *err);
int svc_rec_delete(struct svc *svc, const struct principal *p, const struct espec *e,
		   const char *key, int64_t if_match, struct verr *err);

/* Change the caller's own password, proving the current one.  Field errors
 * name current_password or new_password. */
int svc_password_change(struct svc *svc, const struct principal *p, const char *current,
			const char *password, struct verr *err);

/* Every record the query selects (following pages), at most @max:
 * *@rows is a new array.  For exports. */
int svc_rec_list_all(struct svc *svc, const struct principal *p, const struct espec *e,
		     const struct svc_list *q, size_t max, json_t **rows, struct verr *err);

/* Set a user's password (admin); the user's sessions end. */
int svc_user_passwd(struct svc *svc, const struct principal *p,
		    const char *username, const char *password, struct verr *err);

/* Shortest password accepted. */
#define SVC_MIN_PASSWORD 12

/* ---- Workflows (workflow.c) and donations (donations.c, reports.c). ---- */

/*
 * Move @e's record @key to status @to, as its workflow table allows for
 * @p's role; @reason where the move needs one.  ST_CONFLICT (field "to")
 * for a move that does not exist from the current status.
 */
int svc_transition(struct svc *svc, const struct principal *p, const struct espec *e,
		   const char *key, const char *to, const char *reason, int64_t if_match,
		   json_t **out, struct verr *err);

/* *@out = {requirement, requested, allocated, shipped, delivered, remaining}. */
int svc_coverage(struct svc *svc, const struct principal *p, const char *requirement,
		 json_t **out);
/* Coverage of the requirements a list query selects: {"items":[...],
 * "next_cursor":...}, each item a requirement with its coverage. */
int svc_coverage_list(struct svc *svc, const struct principal *p, const struct svc_list *q,
		      json_t **page, struct verr *err);

/* The fair-share report for @year, or half 1 or 2 of it (@half 0: all year). */
int svc_burden_sharing(struct svc *svc, const struct principal *p, int year, int half,
		       json_t **out, struct verr *err);

/* *@out = {proposal, deadline, participants, state (open, adopted or
 * failed), silence_broken, objections: [{nation, reason, at}], abstentions}. */
int svc_proposal_outcome(struct svc *svc, const struct principal *p, const char *id,
			 json_t **out);
/* *@out = {posts, filled, vacant, fill_rate, by_nation: [...], by_site: [...]}. */
int svc_manning(struct svc *svc, const struct principal *p, json_t **out);

/* ---- Audit (svc_audit.c). ----------------------------------------------- */

/* *@page = {"items": [...], "next_cursor": ...}; records after the cursor. */
int svc_audit_list(struct svc *svc, const struct principal *p, const char *cursor,
		   size_t limit, json_t **page, struct verr *err);

struct svc_audit_check {
	int64_t records;      /* records read */
	int64_t bad_seq;      /* first bad record, 0 when the chain holds */
	char reason[160];     /* why it is bad */
};

/* Walk the chain.  ST_OK with bad_seq == 0 when it verifies. */
int svc_audit_verify(struct svc *svc, const struct principal *p,
		     struct svc_audit_check *out);

/* ---- Idempotency keys for POST (svc_idem.c). --------------------------- */

enum svc_idem_state {
	IDEM_NEW,          /* first use: run the request, then svc_idem_end */
	IDEM_REPLAY,       /* same key, same request: answer with *status, *response */
	IDEM_MISMATCH,     /* same key, different request: 422 */
	IDEM_IN_PROGRESS,  /* the first request is still running: 409 */
};

int svc_idem_begin(struct svc *svc, const struct principal *p, const char *key,
		   const char *method, const char *path, const void *body,
		   size_t body_len, enum svc_idem_state *state, int *status,
		   char **response);
/* Record the answer (status < 500) or release the key (status >= 500). */
int svc_idem_end(struct svc *svc, const struct principal *p, const char *key,
		 int status, const char *response);

/* ---- Moving data between databases (copy.c). -------------------------- */

/*
 * Copy every record (as stored, password hashes included) and the audit
 * trail from @from into the empty @to.  Prints a line per table to
 * @progress (may be NULL).  ST_CONFLICT when @to is not empty.
 */
int svc_copy(struct store *from, struct store *to, FILE *progress, char *errbuf,
	     size_t errlen);

#endif
