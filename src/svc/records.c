/*
 * records.c - list, read, create, change and delete records of the
 * reference data and of users, with permission, scope, references, and
 * the audit record in the same transaction.
 *
 * Scope: a nation- or site-bound role sees only records whose scope field
 * holds its nation or site; a record outside that answers "not found", so
 * its existence does not leak.  Entities with no scope field (reference
 * data) are visible to every role that may read them.
 */
#include "internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILTERS 8

/* ---- Listing. -------------------------------------------------------------- */

/*
 * A page is written as JSON text straight from the rows: no tree is built
 * per record.  One row more than the limit is read to know whether another
 * page follows.
 */
struct page_ctx {
	const struct espec *e;
	struct store_query q;
	size_t limit, n, key_field;
	struct jbuf *b;
	char last_key[256];
	bool more;
};

static void write_value(struct jbuf *b, enum ftype type, const struct store_value *v)
{
	if (v->null) {
		jbuf_lit(b, "null");
		return;
	}
	switch (type) {
	case FT_INT: jbuf_int(b, v->i); break;
	case FT_NUMBER: jbuf_real(b, v->d); break;
	case FT_BOOL:
		if (v->i)
			jbuf_lit(b, "true");
		else
			jbuf_lit(b, "false");
		break;
	default: jbuf_str(b, v->s, v->len); break;
	}
}

static int write_row(const struct espec *e, const struct store_value *row, void *arg)
{
	struct page_ctx *c = arg;
	bool first = true;

	if (c->n == c->limit) {
		c->more = true;
		return 1;
	}
	if (c->n)
		jbuf_lit(c->b, ",");
	jbuf_lit(c->b, "{");
	for (size_t i = 0; i < e->nfields; i++) {
		const struct fspec *f = &e->fields[i];

		if (f->flags & FS_PRIVATE)
			continue;
		if (!first)
			jbuf_lit(c->b, ",");
		first = false;
		jbuf_str(c->b, f->name, strlen(f->name));
		jbuf_lit(c->b, ":");
		write_value(c->b, f->type, &row[i]);
	}
	jbuf_lit(c->b, "}");
	const struct store_value *key = &row[c->key_field];
	snprintf(c->last_key, sizeof c->last_key, "%.*s", (int)key->len, key->s ? key->s : "");
	c->n++;
	return 0;
}

static int page_work(struct store_tx *tx, void *arg)
{
	struct page_ctx *c = arg;
	int rc;

	/* The runner may start over: so does the page. */
	jbuf_reserve(c->b, 512 * (c->limit + 1));
	c->b->len = 0;
	c->n = 0;
	c->more = false;
	jbuf_lit(c->b, "{\"items\":[");
	if ((rc = store_rec_scan(tx, c->e, &c->q, write_row, c)) != ST_OK)
		return rc;
	jbuf_lit(c->b, "],\"next_cursor\":");
	return ST_OK;
}

int svc_rec_list_text(struct svc *svc, const struct principal *p, const struct espec *e,
		      const struct svc_list *q, struct jbuf *out, struct verr *err)
{
	struct store_filter filters[MAX_FILTERS + 2] = {{0}};
	json_t *owned[MAX_FILTERS + 2] = {0};
	struct page_ctx c = {.e = e, .b = out};
	char after[128], next[400];
	size_t nf = 0, limit = q->limit ? q->limit : SVC_DEFAULT_LIMIT;
	const char *sfield, *svalue;
	bool deny;
	int rc = ST_OK;

	if (!perm_allows(p->role, e->name, ACT_READ))
		return ST_FORBIDDEN;
	if (limit > SVC_MAX_LIMIT)
		return verr_set(err, "limit", "must be between 1 and %d", SVC_MAX_LIMIT);
	if (q->nfilters > MAX_FILTERS)
		return verr_set(err, q->filters[MAX_FILTERS].field,
				"too many filters (at most %d)", MAX_FILTERS);
	for (size_t i = 0; i < q->nfilters; i++) {
		const struct fspec *f = espec_field(e, q->filters[i].field);

		if (!f || !(f->flags & FS_FILTER)) {
			rc = verr_set(err, q->filters[i].field, "is not a filter of %s", e->name);
			goto done;
		}
		if ((rc = fspec_parse_text(f, q->filters[i].value, &owned[nf], err)) != ST_OK)
			goto done;
		filters[nf].field = f;
		filters[nf].value = owned[nf];
		nf++;
	}
	if (q->cursor && svc_cursor_decode(q->cursor, after, sizeof after) != ST_OK) {
		rc = verr_set(err, "cursor", "is not a cursor from this list");
		goto done;
	}
	sfield = svc_scope_field(p, e, &svalue, &deny);
	if (deny || (sfield && !*svalue)) {
		out->len = 0;
		jbuf_lit(out, "{\"items\":[],\"next_cursor\":null}");
		goto done;
	}
	if (sfield) {
		filters[nf].field = espec_field(e, sfield);
		filters[nf].value = owned[nf] = json_string(svalue);
		nf++;
	}
	if (svc_hidden_draft(p, e)) {
		filters[nf].field = espec_field(e, "status");
		filters[nf].value = owned[nf] = json_string("draft");
		filters[nf].not_equal = true;
		nf++;
	}
	c.q = (struct store_query){filters, nf, q->cursor ? after : NULL, limit + 1};
	c.limit = limit;
	c.key_field = (size_t)(espec_field(e, e->key) - e->fields);
	if ((rc = store_run(svc->store, STORE_READ, page_work, &c)) != ST_OK)
		goto done;
	if (c.more && svc_cursor_encode(c.last_key, next, sizeof next) == ST_OK) {
		jbuf_str(out, next, strlen(next));
		jbuf_lit(out, "}");
	} else {
		jbuf_lit(out, "null}");
	}
done:
	for (size_t k = 0; k < MAX_FILTERS + 2; k++)
		json_decref(owned[k]);
	if (rc == ST_OK && out->failed)
		rc = ST_INTERNAL;
	return rc;
}

int svc_rec_list(struct svc *svc, const struct principal *p, const struct espec *e,
		 const struct svc_list *q, json_t **page, struct verr *err)
{
	struct jbuf b = {0};
	int rc = svc_rec_list_text(svc, p, e, q, &b, err);

	*page = NULL;
	if (rc == ST_OK && !(*page = json_loadb(b.p, b.len, 0, NULL)))
		rc = ST_INTERNAL;
	jbuf_free(&b);
	return rc;
}

int svc_rec_list_all(struct svc *svc, const struct principal *p, const struct espec *e,
		     const struct svc_list *q, size_t max, json_t **rows, struct verr *err)
{
	struct svc_list page_q = *q;
	char cursor[512] = "";
	json_t *all = json_array(), *page = NULL;
	int rc = ST_OK;

	*rows = NULL;
	if (!all)
		return ST_INTERNAL;
	page_q.limit = SVC_MAX_LIMIT;
	do {
		page_q.cursor = *cursor ? cursor : q->cursor;
		if ((rc = svc_rec_list(svc, p, e, &page_q, &page, err)) != ST_OK)
			break;
		json_array_extend(all, json_object_get(page, "items"));
		const char *next = json_string_value(json_object_get(page, "next_cursor"));
		snprintf(cursor, sizeof cursor, "%s", next ? next : "");
		json_decref(page);
		if (json_array_size(all) > max) {
			rc = verr_set(err, "format", "more than %zu records; narrow the list with "
				      "filters", max);
			break;
		}
	} while (*cursor);
	if (rc != ST_OK) {
		json_decref(all);
		return rc;
	}
	*rows = all;
	return ST_OK;
}

/* ---- Reading. -------------------------------------------------------------- */

struct get_ctx {
	const struct espec *e;
	const char *key;
	json_t *rec;
};

static int get_work(struct store_tx *tx, void *arg)
{
	struct get_ctx *c = arg;

	json_decref(c->rec);
	c->rec = NULL;
	return store_rec_get(tx, c->e, c->key, &c->rec);
}

int svc_rec_get(struct svc *svc, const struct principal *p, const struct espec *e,
		const char *key, json_t **out)
{
	struct get_ctx c = {.e = e, .key = key};
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, e->name, ACT_READ))
		return ST_FORBIDDEN;
	rc = store_run(svc->store, STORE_READ, get_work, &c);
	if (rc == ST_OK && !svc_in_scope(p, e, c.rec))
		rc = ST_NOT_FOUND;
	if (rc == ST_OK)
		*out = espec_public(e, c.rec);
	json_decref(c.rec);
	return rc == ST_OK && !*out ? ST_INTERNAL : rc;
}

int svc_rows(struct store_tx *tx, const struct espec *e, const char *field,
	     const char *value, json_t **rows)
{
	json_t *v = field ? json_string(value) : NULL;
	struct store_filter f = {field ? espec_field(e, field) : NULL, v, false};
	struct store_query q = {&f, field ? 1 : 0, NULL, 100000000};
	int rc = !field || v ? store_rec_list(tx, e, &q, rows) : ST_INTERNAL;

	json_decref(v);
	return rc;
}

/* ---- Rules checked inside the writing transaction. ------------------------ */

/* Every field that names another record must name one that exists. */
static int check_refs(struct store_tx *tx, const struct espec *e, const json_t *rec,
		      struct verr *err)
{
	for (size_t i = 0; i < e->nfields; i++) {
		const struct fspec *f = &e->fields[i];
		const char *key = json_string_value(json_object_get(rec, f->name));
		const struct espec *target;
		json_t *found = NULL;
		int rc;

		if (!f->ref || !key || !(target = espec_find(f->ref)))
			continue;
		rc = store_rec_get(tx, target, key, &found);
		json_decref(found);
		if (rc == ST_NOT_FOUND)
			return verr_set(err, f->name, "no %s record '%s'", f->ref, key);
		if (rc != ST_OK)
			return rc;
	}
	return ST_OK;
}

static const char *site_kind(struct store_tx *tx, const char *code, json_t **hold)
{
	if (store_rec_get(tx, &ESPEC_SITES, code, hold) != ST_OK)
		return NULL;
	return json_string_value(json_object_get(*hold, "kind"));
}

/* A user's role must match the scope it is bound to. */
static int check_user(struct store_tx *tx, const json_t *user, struct verr *err)
{
	enum role role = role_parse(json_string_value(json_object_get(user, "role")));
	const char *nation = json_string_value(json_object_get(user, "nation"));
	const char *site = json_string_value(json_object_get(user, "site"));
	json_t *hold = NULL;
	int rc = ST_OK;

	switch (role_scope(role)) {
	case SCOPE_ALL:
		if (nation)
			return verr_set(err, "nation", "only donor_liaison and recipient_officer users act for a nation");
		if (site)
			return verr_set(err, "site", "only node_operator and facility_operator users work at a site");
		return ST_OK;
	case SCOPE_NATION: {
		if (!nation)
			return verr_set(err, "nation", "is required for a %s", role_name(role));
		if (site)
			return verr_set(err, "site", "must be null for a %s", role_name(role));
		if (store_rec_get(tx, &ESPEC_NATIONS, nation, &hold) != ST_OK)
			return ST_OK; /* check_refs reports the missing nation */
		const char *status = json_string_value(json_object_get(hold, "status"));
		bool recipient = status && strcmp(status, "recipient") == 0;
		if (role == ROLE_RECIPIENT_OFFICER && !recipient)
			rc = verr_set(err, "nation", "must be a recipient nation for a recipient_officer");
		else if (role == ROLE_DONOR_LIAISON && recipient)
			rc = verr_set(err, "nation", "must be a donor nation for a donor_liaison");
		break;
	}
	case SCOPE_SITE: {
		if (!site)
			return verr_set(err, "site", "is required for a %s", role_name(role));
		if (nation)
			return verr_set(err, "nation", "must be null for a %s", role_name(role));
		const char *kind = site_kind(tx, site, &hold);
		if (!kind)
			break;
		if (role == ROLE_NODE_OPERATOR && strcmp(kind, "logistics_node") != 0)
			rc = verr_set(err, "site", "must be a logistics_node for a node_operator");
		else if (role == ROLE_FACILITY_OPERATOR &&
			 strcmp(kind, "training_facility") != 0 &&
			 strcmp(kind, "repair_facility") != 0)
			rc = verr_set(err, "site", "must be a training or repair facility for a facility_operator");
		break;
	}
	}
	json_decref(hold);
	return rc;
}

/* @rec must lie within @p's scope. */
static int check_scope(const struct principal *p, const struct espec *e, const json_t *rec,
		       struct verr *err)
{
	const char *v, *field;
	bool deny;

	if (svc_in_scope(p, e, rec))
		return ST_OK;
	field = svc_scope_field(p, e, &v, &deny);
	return verr_set(err, field ? field : e->key, "is outside your scope");
}

/* true when the field that bounds @p's view of @e comes from the client
 * (a requirement's nation), false when the server fills it. */
static bool scope_given(const struct principal *p, const struct espec *e)
{
	const char *v;
	bool deny;
	const char *field = svc_scope_field(p, e, &v, &deny);
	const struct fspec *f = field ? espec_field(e, field) : NULL;

	return !f || !(f->flags & FS_READONLY);
}

/* References, the record's own rule, users' scope rules, and (with
 * @scope) the caller's scope.  A record whose scope field the server
 * fills (a shipment line takes its shipment's nation) is checked for
 * scope after its rules ran. */
static int check_record(struct store_tx *tx, const struct principal *p,
			const struct espec *e, const json_t *rec, bool scope, struct verr *err)
{
	int rc = check_refs(tx, e, rec, err);
	const char *why, *field = NULL;

	if (rc == ST_OK && e->check && (why = e->check(rec, &field)))
		rc = verr_set(err, field, "%s", why);
	if (rc == ST_OK && e == &ESPEC_USERS)
		rc = check_user(tx, rec, err);
	if (rc == ST_OK && scope)
		rc = check_scope(p, e, rec, err);
	return rc;
}

/* Take a "password" member out of a users body and hash it into the record. */
static int take_password(struct svc *svc, const struct espec *e, json_t *body,
			 bool required, char hash[160], struct verr *err)
{
	json_t *pw;
	int rc;

	hash[0] = '\0';
	if (e != &ESPEC_USERS || !json_is_object(body))
		return ST_OK;
	pw = json_object_get(body, "password");
	if (!pw)
		return required ? verr_set(err, "password", "is required") : ST_OK;
	if (!json_is_string(pw))
		return verr_set(err, "password", "must be a string");
	rc = svc_password_hash(svc, json_string_value(pw), hash, err);
	json_object_del(body, "password");
	return rc;
}

/*
 * Take the "service_number" member out of a trainees body (@required on
 * create; refused on change) and put its pseudonym in @pseud.  The number
 * is wiped from the body's memory: it is never stored, logged or answered.
 */
static int take_service_number(struct svc *svc, const struct espec *e, json_t *body,
			       bool create, char pseud[65], struct verr *err)
{
	json_t *sn;
	int rc;

	pseud[0] = '\0';
	if (e != &ESPEC_TRAINEES || !json_is_object(body))
		return ST_OK;
	sn = json_object_get(body, "service_number");
	if (!sn)
		return create ? verr_set(err, "service_number", "is required") : ST_OK;
	if (!create)
		return verr_set(err, "service_number", "cannot change: a trainee is one person");
	if (!json_is_string(sn))
		return verr_set(err, "service_number", "must be a string");
	rc = svc_trainee_pseudonym(svc, json_string_value(sn), pseud, err);
	sodium_memzero((char *)json_string_value(sn), json_string_length(sn));
	json_object_del(body, "service_number");
	return rc;
}

/* A unique constraint other than the key failed: say which field. */
static int unique_conflict(const struct espec *e, struct verr *err)
{
	if (e == &ESPEC_ITEMS)
		verr_set(err, "nsn", "is already used by another item");
	else if (e == &ESPEC_EXCHANGE_RATES)
		verr_set(err, "valid_from", "this currency already has a rate from this date");
	else if (e == &ESPEC_ASSETS)
		verr_set(err, "serial", "is already registered for this item");
	else if (e == &ESPEC_TRAINEES)
		verr_set(err, "service_number", "a trainee with this service number is already "
			 "registered (POST /api/v1/trainees:lookup finds them)");
	else if (e == &ESPEC_REPAIR_CAPACITIES)
		verr_set(err, "category", "this facility already has a capacity for this category");
	return ST_CONFLICT;
}

/* ---- Creating. ------------------------------------------------------------- */

struct write_ctx {
	const struct principal *p;
	const struct espec *e;
	const char *key;
	json_t *rec;          /* create: the record; update: the patch */
	int64_t if_match;
	struct verr *err;
	json_t *out;          /* public form of the result */
};

static int create_work(struct store_tx *tx, void *arg)
{
	struct write_ctx *c = arg;
	const char *key = json_string_value(json_object_get(c->rec, c->e->key));
	int rc;

	json_decref(c->out);
	c->out = NULL;
	const struct svc_rules *rules = svc_rules_for(c->e);

	if ((rc = check_record(tx, c->p, c->e, c->rec, scope_given(c->p, c->e), c->err)) != ST_OK)
		return rc;
	if (rules && rules->on_create && (rc = rules->on_create(tx, c->p, c->rec, c->err)) != ST_OK)
		return rc;
	if ((rc = check_scope(c->p, c->e, c->rec, c->err)) != ST_OK)
		return rc;
	json_object_set_new(c->rec, "version", json_integer(1));
	rc = store_rec_insert(tx, c->e, c->rec);
	if (rc == ST_CONFLICT) {
		json_t *cur = NULL;
		bool taken = store_rec_get(tx, c->e, key, &cur) == ST_OK;

		json_decref(cur);
		if (!taken)
			return unique_conflict(c->e, c->err);
		verr_set(c->err, c->e->key, "'%s' already exists", key);
		return ST_CONFLICT;
	}
	if (rc != ST_OK)
		return rc;
	if (!(c->out = espec_public(c->e, c->rec)))
		return ST_INTERNAL;
	if ((rc = svc_audit_write(tx, c->p, "create", c->e->name, key, NULL, c->out)) != ST_OK)
		return rc;
	return rules && rules->after_create ? rules->after_create(tx, c->p, c->rec) : ST_OK;
}

/* Fill what the server sets on a new record: a made key, who and when, and
 * null for every other field the body left out. */
static int server_fields(const struct principal *p, const struct espec *e, json_t *rec)
{
	char now[32];

	time_format(svc_now_ms(), now);
	for (size_t i = 0; i < e->nfields; i++) {
		const struct fspec *f = &e->fields[i];
		json_t *v = NULL;

		if (json_object_get(rec, f->name))
			continue;
		if ((f->flags & FS_KEY) && e->key_prefix) {
			char key[48];
			svc_new_key(e->key_prefix, key, sizeof key);
			v = json_string(key);
		} else if (f->type == FT_TIME && (f->flags & FS_READONLY)) {
			v = json_string(now);
		} else if (strcmp(f->name, "created_by") == 0) {
			v = json_string(p->username);
		} else {
			v = json_null();
		}
		if (!v || json_object_set_new(rec, f->name, v) != 0)
			return ST_INTERNAL;
	}
	return ST_OK;
}

int svc_rec_create(struct svc *svc, const struct principal *p, const struct espec *e,
		   json_t *body, json_t **out, struct verr *err)
{
	struct write_ctx c = {.p = p, .e = e, .rec = body, .err = err};
	char hash[160];
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, e->name, ACT_CREATE))
		return ST_FORBIDDEN;
	/* A custody event is never a plain record: it has effects (events.c). */
	if (e == &ESPEC_EVENTS) {
		bool replayed;
		return svc_event_record(svc, p, body, out, &replayed, err);
	}
	char pseud[65];
	if ((rc = take_password(svc, e, body, true, hash, err)) != ST_OK ||
	    (rc = take_service_number(svc, e, body, true, pseud, err)) != ST_OK)
		return rc;
	if ((rc = espec_validate(e, body, VM_CREATE, err)) != ST_OK)
		return rc;
	if (*hash)
		json_object_set_new(body, "password_hash", json_string(hash));
	if (*pseud)
		json_object_set_new(body, "pseudonym", json_string(pseud));
	sodium_memzero(hash, sizeof hash);
	if ((rc = server_fields(p, e, body)) != ST_OK)
		return rc;
	rc = store_run(svc->store, STORE_WRITE, create_work, &c);
	if (rc == ST_OK)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}

/* svc_rec_create's checks inside the caller's transaction (internal.h). */
int svc_rec_create_tx(struct store_tx *tx, const struct principal *p, const struct espec *e,
		      json_t *body, const json_t *server, json_t **out, struct verr *err)
{
	struct write_ctx c = {.p = p, .e = e, .rec = body, .err = err};
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, e->name, ACT_CREATE))
		return ST_FORBIDDEN;
	if ((rc = espec_validate(e, body, VM_CREATE, err)) != ST_OK)
		return rc;
	if (server && json_object_update(body, (json_t *)server) != 0)
		return ST_INTERNAL;
	if ((rc = server_fields(p, e, body)) != ST_OK)
		return rc;
	if ((rc = create_work(tx, &c)) == ST_OK)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}

/* ---- Creating many (imports). ---------------------------------------------- */

#define MAX_REPORTED 1000

struct many_ctx {
	const struct principal *p;
	const struct espec *e;
	json_t *rows;          /* prepared records; JSON null where a row failed early */
	enum svc_batch_mode mode;
	json_t *errors;        /* [{row, field, reason}], filled in the transaction */
	size_t failed, created;
	json_t *early;         /* errors found before the transaction */
	size_t early_failed;
};

static void note_error(json_t *errors, size_t *failed, size_t index, const struct verr *err,
		       int rc)
{
	(*failed)++;
	if (json_array_size(errors) >= MAX_REPORTED)
		return;
	json_t *f = json_string(err->field), *r = json_string(err->reason);
	json_array_append_new(errors, json_pack("{s:I, s:o, s:o}", "index", (json_int_t)index,
						 "field", f ? f : json_string(""),
						 "reason", *err->reason || !r ? (r ? r : json_string("?"))
									    : json_string(status_name((enum status)rc))));
}

static int many_work(struct store_tx *tx, void *arg)
{
	struct many_ctx *c = arg;
	size_t i;
	json_t *row;

	json_array_clear(c->errors);
	json_array_extend(c->errors, c->early);
	c->failed = c->early_failed;
	c->created = 0;
	json_array_foreach(c->rows, i, row) {
		struct verr err = {.field = ""};
		json_t *copy;
		int rc;

		if (json_is_null(row))
			continue;
		/* A failed create_work must not leave its changes to the row behind. */
		if (!(copy = json_deep_copy(row)))
			return ST_INTERNAL;
		struct write_ctx w = {.p = c->p, .e = c->e, .rec = copy, .err = &err};
		rc = create_work(tx, &w);
		json_decref(w.out);
		json_decref(copy);
		if (rc == ST_RETRY || rc == ST_INTERNAL)
			return rc;
		if (rc != ST_OK)
			note_error(c->errors, &c->failed, i, &err, rc);
		else
			c->created++;
	}
	/* All or nothing: one bad row and nothing is stored. */
	return c->failed && c->mode == BATCH_ALL_OR_NOTHING ? ST_INVALID : ST_OK;
}

int svc_rec_create_many(struct svc *svc, const struct principal *p, const struct espec *e,
			json_t *rows, enum svc_batch_mode mode, json_t **report)
{
	struct many_ctx c = {.p = p, .e = e, .mode = mode, .errors = json_array(),
			     .early = json_array(), .rows = json_array()};
	size_t i;
	json_t *row;
	int rc = ST_OK;

	*report = NULL;
	/* Users carry passwords, trainees service numbers, and events have
	 * effects: none of them is a plain row. */
	if (!perm_allows(p->role, e->name, ACT_CREATE) || e == &ESPEC_USERS || e == &ESPEC_EVENTS ||
	    e == &ESPEC_TRAINEES) {
		rc = ST_FORBIDDEN;
		goto done;
	}
	if (!c.errors || !c.early || !c.rows || !json_is_array(rows)) {
		rc = ST_INTERNAL;
		goto done;
	}
	json_array_foreach(rows, i, row) {
		struct verr err = {.field = ""};
		int vr = espec_validate(e, row, VM_CREATE, &err);

		if (vr == ST_OK)
			vr = server_fields(p, e, row);
		if (vr != ST_OK) {
			note_error(c.early, &c.early_failed, i, &err, vr);
			json_array_append_new(c.rows, json_null());
		} else {
			json_array_append(c.rows, row);
		}
	}
	rc = store_run(svc->store, STORE_WRITE, many_work, &c);
	if (rc != ST_OK && rc != ST_INVALID)
		goto done;
	*report = json_pack("{s:s, s:I, s:I, s:I, s:b, s:O}", "mode",
			    mode == BATCH_VALID_ONLY ? "valid-rows-only" : "all-or-nothing",
			    "rows", (json_int_t)json_array_size(rows),
			    "created", (json_int_t)(rc == ST_OK ? c.created : 0),
			    "failed", (json_int_t)c.failed, "stored", rc == ST_OK, "errors", c.errors);
	rc = *report ? (rc == ST_OK ? ST_OK : ST_INVALID) : ST_INTERNAL;
done:
	json_decref(c.errors);
	json_decref(c.early);
	json_decref(c.rows);
	return rc;
}

/* ---- Changing. ------------------------------------------------------------- */

/* Read the current record for a change: in scope, at the expected version. */
static int load_current(struct store_tx *tx, struct write_ctx *c, json_t **cur)
{
	int rc = store_rec_get(tx, c->e, c->key, cur);

	if (rc != ST_OK)
		return rc;
	if (!svc_in_scope(c->p, c->e, *cur))
		return ST_NOT_FOUND;
	if (c->if_match >= 0 &&
	    json_integer_value(json_object_get(*cur, "version")) != c->if_match)
		return ST_PRECONDITION;
	return ST_OK;
}

/* An admin must not lock themself out of the account they are using. */
static int check_self(const struct write_ctx *c, const json_t *after, struct verr *err)
{
	if (c->e != &ESPEC_USERS || strcmp(c->key, c->p->username) != 0)
		return ST_OK;
	if (json_is_true(json_object_get(after, "disabled")))
		return verr_set(err, "disabled", "you cannot disable your own account");
	if (c->p->role == ROLE_ADMIN &&
	    role_parse(json_string_value(json_object_get(after, "role"))) != ROLE_ADMIN)
		return verr_set(err, "role", "you cannot remove your own admin role");
	const char *until = json_string_value(json_object_get(after, "expires_on"));
	char today[32];
	time_format(svc_now_ms(), today);
	if (until && strncmp(until, today, 10) < 0)
		return verr_set(err, "expires_on", "you cannot expire your own account");
	return ST_OK;
}

static int update_work(struct store_tx *tx, void *arg)
{
	struct write_ctx *c = arg;
	json_t *cur = NULL, *next = NULL, *before = NULL;
	int64_t version;
	int rc;

	json_decref(c->out);
	c->out = NULL;
	if ((rc = load_current(tx, c, &cur)) != ST_OK)
		goto done;
	version = json_integer_value(json_object_get(cur, "version"));
	if (!(next = json_deep_copy(cur)) || json_object_update(next, c->rec) != 0) {
		rc = ST_INTERNAL;
		goto done;
	}
	if ((rc = check_record(tx, c->p, c->e, next, true, c->err)) != ST_OK)
		goto done;
	if ((rc = check_self(c, next, c->err)) != ST_OK)
		goto done;
	const struct svc_rules *rules = svc_rules_for(c->e);
	if (rules && rules->on_update &&
	    (rc = rules->on_update(tx, c->p, cur, next, c->err)) != ST_OK)
		goto done;
	json_object_set_new(next, "version", json_integer(version + 1));
	if ((rc = store_rec_update(tx, c->e, c->key, next, version)) != ST_OK) {
		if (rc == ST_CONFLICT)
			rc = unique_conflict(c->e, c->err);
		goto done;
	}
	/* A disabled account, or a password reset by somebody else (a
	 * suspected compromise), ends the user's sessions at once. */
	if (c->e == &ESPEC_USERS &&
	    (json_is_true(json_object_get(next, "disabled")) ||
	     (json_object_get(c->rec, "password_hash") && strcmp(c->key, c->p->username) != 0)) &&
	    (rc = store_token_revoke_user(tx, c->key, svc_now_ms())) != ST_OK)
		goto done;
	before = espec_public(c->e, cur);
	c->out = espec_public(c->e, next);
	if (!before || !c->out) {
		rc = ST_INTERNAL;
		goto done;
	}
	rc = svc_audit_write(tx, c->p, "update", c->e->name, c->key, before, c->out);
done:
	json_decref(cur);
	json_decref(next);
	json_decref(before);
	return rc;
}

int svc_rec_update(struct svc *svc, const struct principal *p, const struct espec *e,
		   const char *key, json_t *patch, int64_t if_match, json_t **out,
		   struct verr *err)
{
	struct write_ctx c = {.p = p, .e = e, .key = key, .rec = patch,
			      .if_match = if_match, .err = err};
	char hash[160];
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, e->name, ACT_UPDATE))
		return ST_FORBIDDEN;
	char pseud[65];
	if ((rc = take_password(svc, e, patch, false, hash, err)) != ST_OK ||
	    (rc = take_service_number(svc, e, patch, false, pseud, err)) != ST_OK)
		return rc;
	if ((rc = espec_validate(e, patch, VM_PATCH, err)) != ST_OK)
		return rc;
	if (*hash)
		json_object_set_new(patch, "password_hash", json_string(hash));
	sodium_memzero(hash, sizeof hash);
	rc = store_run(svc->store, STORE_WRITE, update_work, &c);
	if (e == &ESPEC_USERS)
		svc_auth_cache_forget_all(svc);
	if (rc == ST_OK)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}

int svc_user_passwd(struct svc *svc, const struct principal *p, const char *username,
		    const char *password, struct verr *err)
{
	json_t *patch = json_pack("{s:s}", "password", password), *out = NULL;
	int rc;

	if (!patch)
		return verr_set(err, "password", "must be valid UTF-8 text");
	rc = svc_rec_update(svc, p, &ESPEC_USERS, username, patch, -1, &out, err);
	json_decref(patch);
	json_decref(out);
	return rc;
}

struct hash_ctx {
	const char *username;
	char hash[160];
};

static int read_hash(struct store_tx *tx, void *arg)
{
	struct hash_ctx *c = arg;
	json_t *user = NULL;
	int rc = store_rec_get(tx, &ESPEC_USERS, c->username, &user);

	if (rc == ST_OK)
		snprintf(c->hash, sizeof c->hash, "%s",
			 json_string_value(json_object_get(user, "password_hash")));
	json_decref(user);
	return rc;
}

int svc_password_change(struct svc *svc, const struct principal *p, const char *current,
			const char *password, struct verr *err)
{
	struct hash_ctx h = {.username = p->username};
	json_t *patch = NULL;
	char hash[160];
	int rc;

	if ((rc = store_run(svc->store, STORE_READ, read_hash, &h)) != ST_OK)
		return rc;
	if (crypto_pwhash_str_verify(h.hash, current, strlen(current)) != 0)
		return verr_set(err, "current_password", "is not your current password");
	if ((rc = svc_password_hash(svc, password, hash, err)) != ST_OK) {
		if (rc == ST_INVALID)
			snprintf(err->field, sizeof err->field, "new_password");
		return rc;
	}
	if (!(patch = json_pack("{s:s}", "password_hash", hash)))
		return ST_INTERNAL;
	sodium_memzero(hash, sizeof hash);
	struct write_ctx c = {.p = p, .e = &ESPEC_USERS, .key = p->username, .rec = patch,
			      .if_match = -1, .err = err};
	rc = store_run(svc->store, STORE_WRITE, update_work, &c);
	json_decref(c.out);
	json_decref(patch);
	return rc;
}

/* ---- Deleting. ------------------------------------------------------------- */

static int delete_work(struct store_tx *tx, void *arg)
{
	struct write_ctx *c = arg;
	json_t *cur = NULL, *before = NULL;
	int rc;

	if ((rc = load_current(tx, c, &cur)) != ST_OK)
		goto done;
	if (c->e == &ESPEC_USERS && strcmp(c->key, c->p->username) == 0) {
		rc = verr_set(c->err, "username", "you cannot delete your own account");
		goto done;
	}
	const struct svc_rules *rules = svc_rules_for(c->e);
	if (rules && rules->on_delete && (rc = rules->on_delete(tx, c->p, cur, c->err)) != ST_OK)
		goto done;
	rc = store_rec_delete(tx, c->e, c->key,
			      json_integer_value(json_object_get(cur, "version")));
	if (rc != ST_OK)
		goto done;
	if (!(before = espec_public(c->e, cur))) {
		rc = ST_INTERNAL;
		goto done;
	}
	rc = svc_audit_write(tx, c->p, "delete", c->e->name, c->key, before, NULL);
done:
	json_decref(cur);
	json_decref(before);
	return rc;
}

int svc_rec_delete(struct svc *svc, const struct principal *p, const struct espec *e,
		   const char *key, int64_t if_match, struct verr *err)
{
	struct write_ctx c = {.p = p, .e = e, .key = key, .if_match = if_match,
			      .err = err};

	if (!perm_allows(p->role, e->name, ACT_DELETE))
		return ST_FORBIDDEN;
	int rc = store_run(svc->store, STORE_WRITE, delete_work, &c);
	if (e == &ESPEC_USERS)
		svc_auth_cache_forget_all(svc);
	return rc;
}
