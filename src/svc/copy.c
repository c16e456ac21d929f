/*
 * copy.c - moving a deployment's data between databases (SQLite to
 * PostgreSQL or back): every record as stored, and the audit trail record
 * for record, so that the chain still verifies on the new database.
 *
 * The source is read in one read transaction (one consistent snapshot);
 * the target is written in batches.  The target must be empty: nothing is
 * ever merged or overwritten.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 500

struct batch {
	const struct espec *e;
	json_t *rows;                 /* records, or NULL for audit */
	struct audit_rec *audit;
	size_t naudit;
};

static int write_batch(struct store_tx *tx, void *arg)
{
	struct batch *b = arg;
	size_t i;
	json_t *row;
	int rc;

	json_array_foreach(b->rows, i, row) {
		if ((rc = store_rec_insert(tx, b->e, row)) != ST_OK)
			return rc;
	}
	for (i = 0; i < b->naudit; i++) {
		if ((rc = store_audit_append(tx, &b->audit[i])) != ST_OK)
			return rc;
	}
	return ST_OK;
}

static int target_empty(struct store_tx *tx, void *arg)
{
	struct store_query q = {NULL, 0, NULL, 1};
	char hash[STORE_HASH_HEX];
	int64_t seq;
	int rc;

	(void)arg;
	for (const struct espec *const *e = ESPEC_ALL; *e; e++) {
		json_t *rows = NULL;
		if ((rc = store_rec_list(tx, *e, &q, &rows)) != ST_OK)
			return rc;
		size_t n = json_array_size(rows);
		json_decref(rows);
		if (n)
			return ST_CONFLICT;
	}
	if ((rc = store_audit_head(tx, &seq, hash)) != ST_OK)
		return rc;
	return seq ? ST_CONFLICT : ST_OK;
}

struct audit_buf {
	struct store *to;
	struct audit_rec recs[BATCH];
	size_t n, total;
	int rc;
};

static int flush_audit(struct audit_buf *a)
{
	struct batch b = {.audit = a->recs, .naudit = a->n};
	int rc = a->n ? store_run(a->to, STORE_WRITE, write_batch, &b) : ST_OK;

	for (size_t i = 0; i < a->n; i++)
		store_audit_rec_clear(&a->recs[i]);
	a->total += a->n;
	a->n = 0;
	return rc;
}

static int take_audit(const struct audit_rec *r, void *arg)
{
	struct audit_buf *a = arg;
	struct audit_rec *c = &a->recs[a->n];

	*c = *r;
	c->before = r->before ? strdup(r->before) : NULL;
	c->after = r->after ? strdup(r->after) : NULL;
	if ((r->before && !c->before) || (r->after && !c->after)) {
		a->rc = ST_INTERNAL;
		return 1;
	}
	if (++a->n == BATCH && (a->rc = flush_audit(a)) != ST_OK)
		return 1;
	return 0;
}

static int copy_entity(struct store_tx *src, struct store *to, const struct espec *e,
		       size_t *count)
{
	char after[256] = "";
	int rc;

	*count = 0;
	for (;;) {
		struct store_query q = {NULL, 0, *after ? after : NULL, BATCH};
		struct batch b = {.e = e};

		if ((rc = store_rec_list(src, e, &q, &b.rows)) != ST_OK)
			return rc;
		size_t n = json_array_size(b.rows);
		if (n) {
			const char *last = json_string_value(
				json_object_get(json_array_get(b.rows, n - 1), e->key));
			snprintf(after, sizeof after, "%s", last ? last : "");
			rc = store_run(to, STORE_WRITE, write_batch, &b);
		}
		json_decref(b.rows);
		if (rc != ST_OK)
			return rc;
		*count += n;
		if (n < BATCH)
			return ST_OK;
	}
}

int svc_copy(struct store *from, struct store *to, FILE *progress, char *errbuf,
	     size_t errlen)
{
	struct store_tx *src;
	struct audit_buf *a;
	int rc;

	rc = store_run(to, STORE_READ, target_empty, NULL);
	if (rc == ST_CONFLICT) {
		snprintf(errbuf, errlen, "the target database is not empty; copy only into a new one");
		return rc;
	}
	if (rc != ST_OK) {
		snprintf(errbuf, errlen, "cannot read the target database");
		return rc;
	}
	if (!(a = calloc(1, sizeof *a))) {
		snprintf(errbuf, errlen, "out of memory");
		return ST_INTERNAL;
	}
	a->to = to;
	if ((rc = from->ops->begin(from, STORE_READ, &src)) != ST_OK) {
		snprintf(errbuf, errlen, "cannot read the source database");
		free(a);
		return rc;
	}
	for (const struct espec *const *e = ESPEC_ALL; *e && rc == ST_OK; e++) {
		size_t n;
		rc = copy_entity(src, to, *e, &n);
		if (rc == ST_OK && progress)
			fprintf(progress, "  %-22s %8zu records\n", (*e)->name, n);
	}
	if (rc == ST_OK) {
		rc = store_audit_scan(src, &(struct store_audit_query){0}, take_audit, a);
		if (rc == ST_OK)
			rc = a->rc;
		if (rc == ST_OK)
			rc = flush_audit(a);
		if (rc == ST_OK && progress)
			fprintf(progress, "  %-22s %8zu records\n", "audit trail", a->total);
	}
	for (size_t i = 0; i < a->n; i++)
		store_audit_rec_clear(&a->recs[i]);
	from->ops->rollback(src);
	free(a);
	if (rc != ST_OK)
		snprintf(errbuf, errlen, "copy failed (%s); the target is partly written: "
			 "drop it and copy again", status_name((enum status)rc));
	return rc;
}
