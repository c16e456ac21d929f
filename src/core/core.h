/*
 * core.h - the domain core of nsatu: status codes, roles and permissions,
 * field and entity specifications, and validation.
 *
 * Nothing here does I/O.  The field specs are the single place where the
 * shape of every record is written down; the HTTP decoder, the importers,
 * the storage backends and the OpenAPI test all read them.  Records travel
 * between layers as jansson objects (jansson is a pure data library).
 */
#ifndef NSATU_CORE_H
#define NSATU_CORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Status codes shared by every layer. ---------------------------- */

enum status {
	ST_OK = 0,
	ST_NOT_FOUND,     /* no such record, or outside the caller's scope */
	ST_CONFLICT,      /* unique key taken, or still referenced */
	ST_INVALID,       /* the caller's input broke a rule */
	ST_PRECONDITION,  /* If-Match did not match the current version */
	ST_UNAUTHORIZED,  /* no valid credentials */
	ST_FORBIDDEN,     /* valid credentials, no permission */
	ST_THROTTLED,     /* too many attempts; try later */
	ST_RETRY,         /* transient: busy database, serialization failure */
	ST_INTERNAL,      /* our own bug or an environment failure */
};

const char *status_name(enum status st);

/* ---- Validation errors. ---------------------------------------------- */

/* One failed rule: the field (a JSON path such as "lines[2].qty", or a
 * column name) and why.  Fixed buffers so that a validation failure never
 * needs an allocation to be reported. */
struct verr {
	char field[96];
	char reason[192];
};

/* Fill @err and return ST_INVALID; printf-style reason. */
int verr_set(struct verr *err, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- Roles, actions, permissions. ------------------------------------ */

enum role {
	ROLE_ADMIN,
	ROLE_PLANNER,
	ROLE_DONOR_LIAISON,
	ROLE_RECIPIENT_OFFICER,
	ROLE_NODE_OPERATOR,
	ROLE_FACILITY_OPERATOR,
	ROLE_AUDITOR,
	ROLE__COUNT,
	ROLE_NONE = -1,
};

enum action { ACT_READ, ACT_CREATE, ACT_UPDATE, ACT_DELETE, ACT__COUNT };

/* How far a role's view reaches. */
enum scope_kind { SCOPE_ALL, SCOPE_NATION, SCOPE_SITE };

const char *role_name(enum role r);
enum role role_parse(const char *s);      /* ROLE_NONE when unknown */
enum scope_kind role_scope(enum role r);
const char *action_name(enum action a);

/* The authenticated caller, as every use case sees it. */
struct principal {
	char username[64];
	enum role role;
	char nation[4];   /* ISO 3166 alpha-3, "" when none */
	char site[24];    /* site code, "" when none */
};

/* true when @role may do @act on @resource (an entity or pseudo-resource
 * name such as "audit").  Deny by default: unknown names are denied. */
bool perm_allows(enum role role, const char *resource, enum action act);

/* The permission table row by row, for listing what a role may do (the
 * API's schema): the resource of row @i, NULL past the last row. */
const char *perm_resource(size_t i);
/* The actions @role may take on @resource as letters in the order "rcud"
 * ("r" read, "c" create, "u" update, "d" delete); "" for none. */
void perm_letters(enum role role, const char *resource, char out[ACT__COUNT + 1]);

/* ---- Field specifications. ------------------------------------------- */

enum ftype {
	FT_STRING,
	FT_INT,      /* 64-bit integer */
	FT_NUMBER,   /* finite double */
	FT_BOOL,
	FT_DATE,     /* YYYY-MM-DD, a real calendar date */
	FT_ENUM,     /* string from a fixed list */
	FT_TIME,     /* RFC 3339 UTC timestamp, server-set */
};

enum {
	FS_REQUIRED = 1u << 0, /* must be present on create */
	FS_KEY      = 1u << 1, /* the record's identity; immutable */
	FS_READONLY = 1u << 2, /* set by the server; rejected in input */
	FS_PRIVATE  = 1u << 3, /* stored, never output (password hash) */
	FS_FILTER   = 1u << 4, /* usable as an equality filter on lists */
	FS_NULLABLE = 1u << 5, /* may be null / absent */
};

/* Extra format rule: returns NULL when @s is acceptable, or a reason. */
typedef const char *(*fcheck_fn)(const char *s);

struct fspec {
	const char *name;
	enum ftype type;
	unsigned flags;
	double min, max;              /* numbers: value bounds; strings: length */
	const char *const *choices;   /* FT_ENUM: NULL-terminated list */
	fcheck_fn check;              /* optional extra rule (strings) */
	const char *ref;              /* entity this field refers to, or NULL */
	const char *doc;              /* one line for the API document */
};

struct espec {
	const char *name;             /* URL and resource name: "nations" */
	const char *table;            /* storage table name */
	const char *key;              /* name of the FS_KEY field */
	const char *scope_nation;     /* field holding the owning nation, or NULL */
	const char *scope_site;       /* field holding the owning site, or NULL */
	const struct fspec *fields;
	size_t nfields;
	const char *doc;
	const char *key_prefix;       /* keys the server makes (key field FS_READONLY) */
	unsigned scoped_roles;        /* ROLE_BITs the scope applies to; 0: every bound role */
	/* A rule across fields of the whole record: NULL when @rec is fine,
	 * else the reason, with *@field naming the field at fault. */
	const char *(*check)(const json_t *rec, const char **field);
};

/* Records of several kinds (a pledge's "kind"): the fields each kind owns
 * and needs; a field its kind does not own stays empty. */
struct espec_variant {
	const char *value;                  /* the enum value, e.g. "funding" */
	const char *const *fields;          /* the fields it owns, NULL-terminated */
	const char *const *required;        /* of those, the ones it needs */
};

/* @e's kinds (terminated by a NULL value) and in *@by the enum field that
 * chooses one; NULL for a record of one kind (entity.c). */
const struct espec_variant *espec_variants(const struct espec *e, const char **by);
extern const struct espec_variant PLEDGE_KINDS[];

#define ROLE_BIT(r) (1u << (unsigned)(r))

/* Item categories, NULL-terminated (entity.c). */
extern const char *const ITEM_CATEGORIES[];

/* The entities of the reference data and users.  ESPEC_ALL is
 * NULL-terminated and in dependency order (referenced before referencing). */
extern const struct espec ESPEC_NATIONS, ESPEC_SITES, ESPEC_COALITIONS,
	ESPEC_SUBST_GROUPS, ESPEC_ITEMS, ESPEC_USERS;
/* Donations (donations.c). */
extern const struct espec ESPEC_REQUIREMENTS, ESPEC_PLEDGES, ESPEC_ALLOCATIONS,
	ESPEC_EXCHANGE_RATES, ESPEC_FUNDING_TARGETS;
/* Decisions and manning (decisions.c). */
extern const struct espec ESPEC_PROPOSALS, ESPEC_POSITIONS, ESPEC_POSTS;
/* Transfer and repair (transfer.c). */
extern const struct espec ESPEC_SHIPMENTS, ESPEC_LEGS, ESPEC_LINES, ESPEC_EVENTS,
	ESPEC_ASSETS, ESPEC_REPAIR_CAPACITIES, ESPEC_REPAIR_ORDERS;
/* Training (training.c). */
extern const struct espec ESPEC_COURSES, ESPEC_TRAINING_SESSIONS, ESPEC_TRAINEES,
	ESPEC_ENROLMENTS;
extern const char *const SESSION_STATES[], *const ENROLMENT_STATES[];
/* Planning (planning.c). */
extern const struct espec ESPEC_LANES, ESPEC_PLANS, ESPEC_CAPABILITY_TARGETS,
	ESPEC_CAPABILITY_NEEDS;
/* NULL-terminated lists of states and event types (transfer.c). */
extern const char *const SHIPMENT_STATES[], *const ASSET_STATES[],
	*const REPAIR_STATES[], *const EVENT_TYPES[];
/* true when @role may record custody events of @type (before scope). */
bool event_role_allows(enum role role, const char *type);
/* The event types @role may record, in table order, into @out (at most
 * @max; the strings are static); returns how many. */
size_t event_types_for(enum role role, const char **out, size_t max);
extern const struct espec *const ESPEC_ALL[];

const struct espec *espec_find(const char *name);
const struct fspec *espec_field(const struct espec *e, const char *name);

/* The query parameters of the audit trail's list (GET /api/v1/audit) other
 * than limit and cursor, ended by a NULL name (audit.c).  The service
 * checks each value with fspec_parse_text; the OpenAPI test holds the
 * document to them. */
extern const struct fspec AUDIT_PARAMS[];
/* The spec named @name in @list (ended by a NULL name), or NULL. */
const struct fspec *fspec_find(const struct fspec *list, const char *name);

enum vmode {
	VM_CREATE,   /* full record: required fields present */
	VM_REPLACE,  /* full record for PUT: key may be present but must match */
	VM_PATCH,    /* partial: only the fields given */
	VM_CREATE_SPARSE, /* as VM_CREATE, but absent nullable fields stay
			   * absent (the store reads them as null); for bulk
			   * input where every member costs */
};

/*
 * Check @obj against @e.  Rejects unknown fields, read-only and private
 * fields, wrong types, out-of-range values, bad formats and missing
 * required fields.  In VM_CREATE, absent nullable fields are added as null
 * so the stored record is complete.  Returns ST_OK or ST_INVALID with @err
 * set to the first failure.
 */
int espec_validate(const struct espec *e, json_t *obj, enum vmode mode,
		   struct verr *err);

/* Check one value against one field spec; @path names it in @err. */
int fspec_check_value(const struct fspec *f, const json_t *v, const char *path,
		      struct verr *err);

/*
 * Convert the text form of a value (a query string or CSV cell) to JSON of
 * the field's type, validating it.  On success *@out is a new reference the
 * caller must json_decref.
 */
int fspec_parse_text(const struct fspec *f, const char *text, json_t **out,
		     struct verr *err);

/* A copy of @rec without FS_PRIVATE fields (new reference, or NULL on OOM). */
json_t *espec_public(const struct espec *e, const json_t *rec);

/* ---- Workflows (state machines as tables). ------------------------------ */

struct transition {
	const char *from, *to;
	unsigned roles;          /* ROLE_BITs allowed to make it */
	bool needs_reason;
	bool automatic;          /* made by the system, never requested */
};

/* The row for @from -> @to in @table (NULL-terminated by from == NULL),
 * or NULL when that move does not exist. */
const struct transition *transition_find(const struct transition *table,
					  const char *from, const char *to);

extern const struct transition REQUIREMENT_FLOW[], PLEDGE_FLOW[], POSITION_FLOW[],
	REPAIR_FLOW[], SESSION_FLOW[], ENROLMENT_FLOW[], PLAN_FLOW[];

/* ---- Format checks (NULL when fine, else the reason). ----------------- */

const char *check_nsn(const char *s);     /* NATO Stock Number NNNN-NN-NNN-NNNN */
const char *check_iso3(const char *s);    /* three upper-case letters */
const char *check_iso3_list(const char *s); /* "USA;DNK;NLD" */
const char *check_code(const char *s);    /* A-Z 0-9 - _ , starts alnum */
const char *check_code_list(const char *s); /* "C-A;C-B" */
const char *check_username(const char *s);
const char *check_date(const char *s);    /* YYYY-MM-DD, real date */
const char *check_currency(const char *s); /* ISO 4217: three capital letters */
const char *check_year(const char *s);    /* "1990" .. "2100" */
const char *check_instant(const char *s); /* YYYY-MM-DDTHH:MM:SS[.mmm]Z */
const char *check_date_or_instant(const char *s); /* a date or an instant, as above */
const char *check_uuid(const char *s);    /* 8-4-4-4-12 lower-case hex */
bool utf8_valid(const char *s, size_t n);

/* ---- JSON text written directly (jsonw.c). ------------------------------ */

/* A growing text buffer; zero-initialise.  On allocation failure it stops
 * growing and sets @failed; the caller checks once at the end. */
struct jbuf {
	char *p;        /* NUL-terminated text; owned, free with jbuf_free */
	size_t len, cap;
	bool failed;
};

/* @lit must be a string literal (the "" around it makes sure). */
#define jbuf_lit(b, lit) jbuf_raw((b), "" lit "", sizeof(lit) - 1)
void jbuf_raw(struct jbuf *b, const char *s, size_t n);
void jbuf_reserve(struct jbuf *b, size_t n);   /* room for @n more bytes */
void jbuf_str(struct jbuf *b, const char *s, size_t n);  /* quoted, escaped */
void jbuf_int(struct jbuf *b, long long v);
void jbuf_real(struct jbuf *b, double v);                /* as jansson, 15 digits */
void jbuf_free(struct jbuf *b);

/* ---- Time (pure formatting; the caller supplies the clock). ---------- */

/* Format @unix_ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" into @buf (>= 25 bytes). */
void time_format(int64_t unix_ms, char buf[32]);

#endif
