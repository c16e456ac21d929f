/*
 * audit.c - the hash-chained audit trail.
 *
 * Record n stores the hash of record n-1 and its own hash over all of its
 * fields, so editing, deleting or reordering any record breaks the chain at
 * that record.  The last seq and hash are also kept apart (audit_head), so
 * that cutting records off the end is seen too.  The hash input is each
 * field as an 8-byte length and its bytes, so that no two different records
 * can serialise to the same input.
 */
#include "internal.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void feed(crypto_generichash_state *st, const char *s)
{
	unsigned char len[8];
	uint64_t n = s ? strlen(s) : UINT64_MAX;

	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	crypto_generichash_update(st, len, sizeof len);
	if (s)
		crypto_generichash_update(st, (const unsigned char *)s, (size_t)n);
}

void svc_audit_hash(const struct audit_rec *r, char hex[STORE_HASH_HEX])
{
	crypto_generichash_state st;
	unsigned char h[32];
	char seq[24];

	snprintf(seq, sizeof seq, "%lld", (long long)r->seq);
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	feed(&st, "nsatu-audit-v1");
	feed(&st, seq);
	feed(&st, r->at);
	feed(&st, r->actor);
	feed(&st, r->action);
	feed(&st, r->entity);
	feed(&st, r->entity_id);
	feed(&st, r->before);
	feed(&st, r->after);
	feed(&st, r->prev_hash);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(hex, STORE_HASH_HEX, h, sizeof h);
}

int svc_audit_write(struct store_tx *tx, const struct principal *p,
		    const char *action, const char *entity, const char *id,
		    const json_t *before, const json_t *after)
{
	struct audit_rec r = {0};
	int64_t head;
	int rc;

	if ((rc = store_audit_head(tx, &head, r.prev_hash)) != ST_OK)
		return rc;
	r.seq = head + 1;
	time_format(svc_now_ms(), r.at);
	snprintf(r.actor, sizeof r.actor, "%s", p->username);
	snprintf(r.action, sizeof r.action, "%s", action);
	snprintf(r.entity, sizeof r.entity, "%s", entity);
	snprintf(r.entity_id, sizeof r.entity_id, "%s", id);
	if ((before && !(r.before = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS))) ||
	    (after && !(r.after = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS)))) {
		store_audit_rec_clear(&r);
		return ST_INTERNAL;
	}
	svc_audit_hash(&r, r.hash);
	rc = store_audit_append(tx, &r);
	store_audit_rec_clear(&r);
	return rc;
}

/* ---- Listing. ------------------------------------------------------------ */

struct list_ctx {
	struct store_audit_query q;  /* what the query asks for, limit + 1 */
	char at_min[32], at_max[32];
	json_t *items;
	int failed;
};

static json_t *text_json(const char *s)
{
	return s ? json_loads(s, 0, NULL) : json_null();
}

static int list_one(const struct audit_rec *r, void *arg)
{
	struct list_ctx *ctx = arg;
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o?, s:o?, s:s, s:s}",
			      "seq", (json_int_t)r->seq, "at", r->at, "actor", r->actor,
			      "action", r->action, "entity", r->entity,
			      "entity_id", r->entity_id, "before", text_json(r->before),
			      "after", text_json(r->after), "prev_hash", r->prev_hash,
			      "hash", r->hash);

	if (!o || json_array_append_new(ctx->items, o) != 0) {
		ctx->failed = 1;
		return 1;
	}
	return 0;
}

static int list_work(struct store_tx *tx, void *arg)
{
	struct list_ctx *ctx = arg;

	json_array_clear(ctx->items);
	ctx->failed = 0;
	int rc = store_audit_scan(tx, &ctx->q, list_one, ctx);
	return rc == ST_OK && ctx->failed ? ST_INTERNAL : rc;
}

/* A bound of a time range in the form `at` is stored in, so that the two
 * compare as text: a date counts from its first millisecond (@upper false)
 * or to its last, a time without milliseconds likewise to its whole
 * second.  @s passed check_date_or_instant. */
static void time_bound(const char *s, bool upper, char out[32])
{
	size_t n = strlen(s);

	if (n == 10)
		snprintf(out, 32, "%.10sT%s", s, upper ? "23:59:59.999Z" : "00:00:00.000Z");
	else if (n == 20)
		snprintf(out, 32, "%.19s%s", s, upper ? ".999Z" : ".000Z");
	else
		snprintf(out, 32, "%.24s", s);
}

/* One parameter of AUDIT_PARAMS into ctx->q; the query's text stays
 * referenced, so it must outlive the listing. */
static int take_param(struct list_ctx *ctx, const struct svc_filter *p, struct verr *err)
{
	const struct fspec *f = fspec_find(AUDIT_PARAMS, p->field);
	struct store_audit_query *q = &ctx->q;
	json_t *v;
	int rc;

	if (!f)
		return verr_set(err, p->field, "is not a parameter of the audit trail");
	if ((rc = fspec_parse_text(f, p->value, &v, err)) != ST_OK)
		return rc;
	if (strcmp(f->name, "order") == 0) {
		q->desc = strcmp(p->value, "desc") == 0;
	} else if (strcmp(f->name, "actor") == 0) {
		q->actor = p->value;
	} else if (strcmp(f->name, "action") == 0) {
		q->action = p->value;
	} else if (strcmp(f->name, "entity") == 0) {
		q->entity = p->value;
	} else if (strcmp(f->name, "entity_id") == 0) {
		q->entity_id = p->value;
	} else if (strcmp(f->name, "from") == 0) {
		time_bound(p->value, false, ctx->at_min);
		q->at_min = ctx->at_min;
	} else if (strcmp(f->name, "to") == 0) {
		time_bound(p->value, true, ctx->at_max);
		q->at_max = ctx->at_max;
	} else if (strcmp(f->name, "seq_from") == 0) {
		q->seq_min = json_integer_value(v);
	} else {
		q->seq_max = json_integer_value(v);
	}
	json_decref(v);
	return ST_OK;
}

/* The cursor names the order it was made for ("asc:SEQ" or "desc:SEQ"):
 * the same seq means another place in the other order.  A bare SEQ is
 * a cursor from before there was an order: ascending. */
static int take_cursor(struct list_ctx *ctx, const char *cursor, struct verr *err)
{
	const char *order = ctx->q.desc ? "desc" : "asc";
	char key[48], *num = key, *colon, *end;

	if (svc_cursor_decode(cursor, key, sizeof key) != ST_OK)
		return verr_set(err, "cursor", "is not a cursor from this list");
	if ((colon = strchr(key, ':'))) {
		*colon = '\0';
		num = colon + 1;
		if (strcmp(key, "asc") != 0 && strcmp(key, "desc") != 0)
			return verr_set(err, "cursor", "is not a cursor from this list");
	}
	if (strcmp(colon ? key : "asc", order) != 0)
		return verr_set(err, "cursor", "belongs to another order (%s); start again "
				"without it", colon ? key : "asc");
	errno = 0;
	ctx->q.after = strtoll(num, &end, 10);
	if (errno || end == num || *end || ctx->q.after < 1)
		return verr_set(err, "cursor", "is not a cursor from this list");
	return ST_OK;
}

int svc_audit_list(struct svc *svc, const struct principal *p, const struct svc_list *in,
		   json_t **page, struct verr *err)
{
	struct list_ctx ctx = {0};
	size_t limit = in->limit ? in->limit : SVC_DEFAULT_LIMIT;
	char key[32], next[80];
	int rc;

	*page = NULL;
	if (!perm_allows(p->role, "audit", ACT_READ))
		return ST_FORBIDDEN;
	if (limit > SVC_MAX_LIMIT)
		return verr_set(err, "limit", "must be between 1 and %d", SVC_MAX_LIMIT);
	for (size_t i = 0; i < in->nfilters; i++) {
		if ((rc = take_param(&ctx, &in->filters[i], err)) != ST_OK)
			return rc;
	}
	if (in->cursor && (rc = take_cursor(&ctx, in->cursor, err)) != ST_OK)
		return rc;
	if (ctx.q.at_min && ctx.q.at_max && strcmp(ctx.q.at_min, ctx.q.at_max) > 0)
		return verr_set(err, "from", "must not be after to");
	if (ctx.q.seq_min && ctx.q.seq_max && ctx.q.seq_min > ctx.q.seq_max)
		return verr_set(err, "seq_from", "must not be greater than seq_to");
	/* One more than asked: whether there is a next page. */
	ctx.q.limit = limit + 1;
	if (!(ctx.items = json_array()))
		return ST_INTERNAL;
	rc = store_run(svc->store, STORE_READ, list_work, &ctx);
	if (rc != ST_OK) {
		json_decref(ctx.items);
		return rc;
	}
	json_t *next_json = json_null();
	if (json_array_size(ctx.items) > limit) {
		json_array_remove(ctx.items, limit);
		json_t *last = json_array_get(ctx.items, limit - 1);
		snprintf(key, sizeof key, "%s:%lld", ctx.q.desc ? "desc" : "asc",
			 (long long)json_integer_value(json_object_get(last, "seq")));
		if (svc_cursor_encode(key, next, sizeof next) == ST_OK)
			next_json = json_string(next);
	}
	*page = json_pack("{s:o, s:o}", "items", ctx.items, "next_cursor", next_json);
	return *page ? ST_OK : ST_INTERNAL;
}

/* ---- Verification. ------------------------------------------------------- */

struct verify_ctx {
	struct svc_audit_check *out;
	int64_t expect_seq;
	char prev_hash[STORE_HASH_HEX];
};

static int verify_one(const struct audit_rec *r, void *arg)
{
	struct verify_ctx *v = arg;
	struct svc_audit_check *out = v->out;
	char hash[STORE_HASH_HEX];

	out->records++;
	if (r->seq != v->expect_seq) {
		out->bad_seq = v->expect_seq;
		snprintf(out->reason, sizeof out->reason,
			 r->seq > v->expect_seq ? "record %lld is missing (deleted)"
						: "record %lld is out of order",
			 (long long)v->expect_seq);
		return 1;
	}
	/* Its own hash first: a record that was edited or moved (the hash
	 * covers seq) is the one to name. */
	svc_audit_hash(r, hash);
	if (strcmp(hash, r->hash) != 0) {
		out->bad_seq = r->seq;
		snprintf(out->reason, sizeof out->reason,
			 "record %lld was edited or moved: its content does not match its hash",
			 (long long)r->seq);
		return 1;
	}
	if (strcmp(r->prev_hash, v->prev_hash) != 0) {
		/* This record no longer links to its predecessor: the
		 * predecessor was changed (and re-hashed), or records moved. */
		out->bad_seq = r->seq > 1 ? r->seq - 1 : r->seq;
		snprintf(out->reason, sizeof out->reason,
			 "record %lld was edited or reordered: record %lld does not link to it",
			 (long long)out->bad_seq, (long long)r->seq);
		return 1;
	}
	v->expect_seq++;
	memcpy(v->prev_hash, r->hash, sizeof v->prev_hash);
	return 0;
}

static int verify_work(struct store_tx *tx, void *arg)
{
	static const struct store_audit_query all;  /* every record, in order */
	struct verify_ctx *v = arg;
	struct svc_audit_check *out = v->out;
	char head_hash[STORE_HASH_HEX];
	int64_t head_seq;
	int rc;

	memset(out, 0, sizeof *out);
	v->expect_seq = 1;
	v->prev_hash[0] = '\0';
	if ((rc = store_audit_scan(tx, &all, verify_one, v)) != ST_OK || out->bad_seq)
		return rc;
	if ((rc = store_audit_head(tx, &head_seq, head_hash)) != ST_OK)
		return rc;
	if (head_seq != v->expect_seq - 1 || strcmp(head_hash, v->prev_hash) != 0) {
		out->bad_seq = v->expect_seq;
		snprintf(out->reason, sizeof out->reason,
			 head_seq >= v->expect_seq
				 ? "records %lld to %lld are missing (deleted from the end)"
				 : "the trail's head does not match its last record %lld",
			 (long long)v->expect_seq, (long long)head_seq);
	}
	return ST_OK;
}

int svc_audit_verify(struct svc *svc, const struct principal *p,
		     struct svc_audit_check *out)
{
	struct verify_ctx v = {.out = out};

	if (!perm_allows(p->role, "audit", ACT_READ))
		return ST_FORBIDDEN;
	return store_run(svc->store, STORE_READ, verify_work, &v);
}
