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

#define SVC_KEY_LEN 32  /* bytes of a key of the server's (documents, trainees) */

struct svc_config {
	int64_t token_ttl_s;          /* lifetime of a session token */
	int login_max_failures;       /* failures before the account locks */
	int64_t lockout_s;            /* first lock; doubles per further failure */
	unsigned long long pw_opslimit; /* argon2id cost; 0: libsodium's interactive */
	size_t pw_memlimit;
	int64_t auth_cache_ms;        /* remember resolved tokens this long; 0: off */
	/* The key of transfer documents' check codes (document.c): server
	 * configuration, never stored in the database.  svc_free wipes the
	 * service's copy; the caller wipes its own. */
	unsigned char doc_key[SVC_KEY_LEN];
	bool doc_key_set;
	/* The key of trainees' pseudonyms (a keyed hash of the service
	 * number; training.c): configuration, never in the database. */
	unsigned char trainee_key[SVC_KEY_LEN];
	bool trainee_key_set;
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

/* Who changed a record last (last_change.c). */
struct svc_change {
	char actor[64];    /* actor of the latest audit record about it */
	char at[32];       /* that record's time, RFC 3339 as stored */
	int64_t version;   /* the record's version now */
};

/*
 * Who changed @e's record @key last, when, and its version now, read in
 * one transaction: what a 412 tells the user whose If-Match was stale.
 * ST_NOT_FOUND when there is no such record, when @p may not read it
 * (permission or scope, so that nothing leaks that a read would hide), or
 * when no audit record names it.
 */
int svc_rec_last_change(struct svc *svc, const struct principal *p, const struct espec *e,
			const char *key, struct svc_change *out);

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

/* ---- What the caller's role sees of the specs (schema.c). ---------------- */

/*
 * The caller's view of the server's own specs, for clients that build
 * forms and menus from them: *@out = {"role", "nation", "site",
 * "entities": {NAME: {"key", "doc", "actions", "scope_nation",
 * "scope_site", "fields": [...], "transitions": [...]}}, "reports": {NAME:
 * ACTIONS}, "event_types": [...]}, with only the entities @p may read, no
 * private field, only the workflow moves @p may request, and only the
 * reports and event types of @p's role.  Reads no database.  ST_INTERNAL
 * on OOM.
 */
int svc_schema(const struct principal *p, json_t **out);

/* ---- Custody events (events.c). ------------------------------------------ */

#define SVC_MAX_BATCH 10000

/*
 * Record the custody events of @events (an array of event objects as in
 * ESPEC_EVENTS; normalised and completed in place: lower-case ids, times
 * with milliseconds, the server's fields) in one transaction: every event is checked
 * (fields, references, the caller's role and site, conservation) against
 * the state the events before it leave, then all are stored with their
 * effects on shipments, lines, legs and assets, or none is.
 *
 * An event whose id is already on record with the same content is a
 * replay: it counts as a duplicate and changes nothing.  The same id with
 * other content is an error.
 *
 * ST_OK: *@report = {"received", "recorded", "duplicates"}.
 * ST_INVALID with *@report = {"received", "failed", "errors": [{"index",
 * "id", "field", "reason"}]} (at most 1000 listed): nothing was stored.
 * ST_INVALID without a report: @events itself is wrong (@err says why).
 * Other statuses: no report.
 */
int svc_events_ingest(struct svc *svc, const struct principal *p, json_t *events,
		      json_t **report, struct verr *err);

/* One event, as a batch of one: *@out is the stored event (the earlier one
 * when *@replayed).  Errors as for a record: ST_INVALID, ST_CONFLICT or
 * ST_FORBIDDEN with @err naming the field. */
int svc_event_record(struct svc *svc, const struct principal *p, json_t *event,
		     json_t **out, bool *replayed, struct verr *err);

/* ---- Transfer documents (document.c). --------------------------------------
 *
 * A shipment's printed transfer document carries a DataMatrix whose text
 * (the payload) is "NSATU1|<shipment id>|<check code>", the check code a
 * 128-bit keyed MAC of the rest (the format is described in document.c).
 * Scanning it back (svc_scan) proves the document came from this server
 * and shows the shipment, with the caller's permissions and scope.
 */

#define SVC_PAYLOAD_MAX 80      /* a payload with its NUL */
#define SVC_SHIPMENT_ID_MAX 41  /* a shipment id with its NUL */

/*
 * Read a key of the server's (the transfer documents' or the trainees')
 * from the file at @path into @key.  The file holds
 * at least 32 random bytes, raw or as hex text (at least 64 hex digits);
 * the key is their BLAKE2b-256 hash.  It must be a regular file that only
 * its owner may read or write.  When it does not exist and @create is
 * set, it is made first (mode 0600, 32 random bytes as hex) and *@created
 * is set.  ST_INVALID with a reason in @errbuf when the file is missing,
 * unreadable, too short, too long or open to group or others.  Nothing
 * is written to @key on failure.
 */
int svc_key_file_load(const char *path, bool create, unsigned char key[SVC_KEY_LEN],
			  bool *created, char *errbuf, size_t errlen);

/* The payload for shipment @id under @key into @out.  ST_INVALID when @id
 * is not a shipment id. */
int svc_payload_make(const unsigned char key[SVC_KEY_LEN], const char *id,
		     char out[SVC_PAYLOAD_MAX]);
/*
 * Check @payload against @key: length, characters, prefix and structure
 * first, then the check code (in constant time).  ST_OK with the shipment
 * id in @id, or ST_INVALID with @err naming "payload" and saying why.
 */
int svc_payload_check(const unsigned char key[SVC_KEY_LEN], const char *payload,
		      char id[SVC_SHIPMENT_ID_MAX], struct verr *err);

/* The payload of shipment @id, which @p must be able to read (else
 * ST_FORBIDDEN, or ST_NOT_FOUND outside @p's scope). */
int svc_shipment_payload(struct svc *svc, const struct principal *p, const char *id,
			 char payload[SVC_PAYLOAD_MAX]);
/*
 * What a transfer document shows: *@doc = {"shipment": {...}, "lines":
 * [...]} (a new reference), read with @p's permissions and scope like GET
 * /shipments/{id}, and, when @payload is not NULL, its payload.
 */
int svc_shipment_document(struct svc *svc, const struct principal *p, const char *id,
			  json_t **doc, char *payload, struct verr *err);
/* A scanned @payload back to its shipment: *@doc as svc_shipment_document
 * gives it.  ST_INVALID (field "payload") for a forged, altered or broken
 * payload; ST_FORBIDDEN and ST_NOT_FOUND as for reading the shipment. */
int svc_scan(struct svc *svc, const struct principal *p, const char *payload, json_t **doc,
	     struct verr *err);

/* ---- Reports of transfer and repair (enduse.c, nodes.c, repairs.c). --------
 *
 * Each reads in one transaction, within the caller's permission ("end_use",
 * "node_report", "repair_report") and scope.  *@out (a new reference)
 * holds a one-line "summary", totals and lists, as each file's header
 * describes; its table form (CSV, XLSX) is the list its svc_report_table
 * names.
 */
struct svc_report_table {
	const char *name;             /* file name stem: "end-use-delinquent" */
	const char *list;             /* the member of the report holding the rows */
	const char *const *columns;   /* the rows' fields, in order */
	size_t ncolumns;
};
extern const struct svc_report_table SVC_TABLE_DELINQUENT, SVC_TABLE_LOSSES,
	SVC_TABLE_RECONCILIATION, SVC_TABLE_NODE, SVC_TABLE_REPAIRS;

/* Sensitive items whose serial inventory is overdue on @as_of (YYYY-MM-DD;
 * NULL: today): ST_INVALID (field "as_of") for a bad date. */
int svc_enduse_delinquent(struct svc *svc, const struct principal *p, const char *as_of,
			  json_t **out, struct verr *err);
/* How long each loss took to reach nsatu against the 30-day rule. */
int svc_enduse_losses(struct svc *svc, const struct principal *p, json_t **out);
/* Per unit: sensitive serials handed over, inventoried since, not, lost. */
int svc_enduse_reconciliation(struct svc *svc, const struct principal *p, json_t **out);
/* Logistics node @site over the dates @from..@to (NULL: the last 30 days
 * to today): ST_NOT_FOUND for no such site or one outside the caller's
 * scope, ST_INVALID (field "site", "from" or "to") otherwise wrong. */
int svc_node_report(struct svc *svc, const struct principal *p, const char *site,
		    const char *from, const char *to, json_t **out, struct verr *err);
/* Backlog, load against bays, and turnaround per facility and category. */
int svc_repair_report(struct svc *svc, const struct principal *p, json_t **out);

/* ---- Training (training.c). ----------------------------------------------- */

/*
 * The pseudonym of @service_number: the hex keyed BLAKE2b-256 under the
 * configured trainee key.  ST_INVALID (field service_number) for a number
 * that is not 1 to 32 digits, capital letters and '-'; ST_INTERNAL when
 * the server has no key.  Creating a trainee takes "service_number" in
 * the body and stores only this.
 */
int svc_trainee_pseudonym(struct svc *svc, const char *service_number, char out[65],
			  struct verr *err);
/* The trainee with @service_number, within @p's scope; ST_NOT_FOUND if none. */
int svc_trainee_lookup(struct svc *svc, const struct principal *p, const char *service_number,
		       json_t **out, struct verr *err);

/*
 * Reports of training (training_reports.c), read like the transfer
 * reports above, within permission "training_report" and the caller's
 * scope.  @from and @to are dates (YYYY-MM-DD, both days included; NULL
 * takes the report's default); ST_INVALID (field "from", "to" or
 * "course") for a bad one.
 */
extern const struct svc_report_table SVC_TABLE_TRAINING_SEATS, SVC_TABLE_TRAINING_GRADUATES,
	SVC_TABLE_TRAINING_PIPELINE, SVC_TABLE_TRAINING_NOTICE;
/* Seats offered and filled by nation, facility and session, for sessions
 * starting in the period (default: this calendar year). */
int svc_training_seats(struct svc *svc, const struct principal *p, const char *from,
		       const char *to, json_t **out, struct verr *err);
/* Graduates per capability per month (default: the last 12 months). */
int svc_training_graduates(struct svc *svc, const struct principal *p, const char *from,
			   const char *to, json_t **out, struct verr *err);
/* Enrolments by status, overall and per course (@course NULL: all). */
int svc_training_pipeline(struct svc *svc, const struct principal *p, const char *course,
			  json_t **out, struct verr *err);
/* Notice given to facilities before classes starting in the period
 * (default: today to 180 days ahead), with a warning under 30 days. */
int svc_training_notice(struct svc *svc, const struct principal *p, const char *from,
			const char *to, json_t **out, struct verr *err);

/* ---- Allocation plans (plan.c). ------------------------------------------
 *
 * A plan is the optimiser's proposal (src/plan) over the open requirements
 * and the unallocated materiel pledges, stored with the problem it solved
 * and digests of both, reviewed (diff), then approved into allocations
 * (svc_transition on ESPEC_PLANS: draft -> approved | discarded).
 */

/*
 * Run the optimiser and store its plan as a draft (permission "plans"
 * create).  @title may be NULL (at most 200 characters); @as_of is the
 * day the plan starts from (YYYY-MM-DD; NULL: today, UTC).  The problem
 * is read in one transaction, solved outside any, and the plan stored in
 * another.  @progress (may be NULL) gets a line before and after solving.
 * *@out is the stored plan as svc_plan_get answers it.  ST_INVALID names
 * "title" or "as_of".
 */
int svc_plan_run(struct svc *svc, const struct principal *p, const char *title,
		 const char *as_of, FILE *progress, json_t **out, struct verr *err);
/* The plan record with "plan": its result (objective, flows, why, the
 * proposed allocations, the pledges left out). */
int svc_plan_get(struct svc *svc, const struct principal *p, const char *id, json_t **out);
/* The problem the plan was solved from: what `nsatu plan solve` reads. */
int svc_plan_problem(struct svc *svc, const struct principal *p, const char *id,
		     json_t **out);
/*
 * The plan against today's allocations: per requirement its open
 * allocations, what the plan adds, and totals; "stale" (with
 * "stale_reason") when a draft's inputs changed since it was run, so that
 * approving it would be refused.
 */
int svc_plan_diff(struct svc *svc, const struct principal *p, const char *id, json_t **out);

/* ---- Force development: readiness and the training scheduler. --------------
 *
 * (readiness.c, schedule.c; the models are src/plan/readiness.c and
 * src/plan/schedule.c, explained in docs/planning.md.)  A nation-bound
 * caller sees only its nation's capability targets.
 */

/* The readiness table (?format=csv|xlsx): one row per unit of capability. */
extern const struct svc_report_table SVC_TABLE_READINESS;

/*
 * The readiness projection (permission "readiness"), read in one
 * transaction: of capability target @target, or (@target NULL) of every
 * target the caller may see.  One target: *@out = {"target", "summary",
 * "as_of", "on_time", "late", "never", "last_operational_on", "needs":
 * [{need, item|course, quantity, required, reserved, in_sight, sources:
 * [{kind, source, date, units, estimated, overdue}]}], "units": [{number,
 * operational_on, meets_due, days_late, critical: {need, item|course,
 * source, source_kind, source_date, action, days, units, moves_to, then,
 * text}, missing: [...]}], "rows"}.  All: {"summary", "as_of", "targets":
 * [...], "rows"}.  ST_NOT_FOUND for a target that does not exist or that
 * the caller may not see.
 */
int svc_readiness(struct svc *svc, const struct principal *p, const char *target,
		  json_t **out);

/*
 * The training scheduler (permission "training_schedule": read to see the
 * proposal, create to @apply it): nominate trainees of each target's unit
 * into planned or open sessions so that the people its course needs
 * graduate by its date.  Read, solved and (with @apply) carried out in one
 * transaction: every assignment whose prerequisites are passed becomes a
 * nomination through the enrolment rules, all or none (ST_CONFLICT, field
 * "apply", naming the assignment that was refused).  *@out = {"as_of",
 * "applied", "summary", "demands": [...], "assignments": [...],
 * "shortfalls": [...]}.
 */
int svc_training_schedule(struct svc *svc, const struct principal *p, bool apply,
			  json_t **out, struct verr *err);

/* ---- Audit (svc_audit.c). ----------------------------------------------- */

/*
 * One page of the audit trail: *@page = {"items": [...], "next_cursor":
 * ... | null}.  @q's filters are the parameters of AUDIT_PARAMS by name, as
 * text (order, the equality filters actor, action, entity and entity_id,
 * the time range from/to and the seq range seq_from/seq_to), and refer
 * into the caller's memory until the call returns.  The cursor carries the
 * order it was made for.  ST_INVALID names the parameter at fault: one
 * that is not of the audit trail, a bad value, a range that ends before it
 * starts, or a cursor from another order.
 */
int svc_audit_list(struct svc *svc, const struct principal *p, const struct svc_list *q,
		   json_t **page, struct verr *err);

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
