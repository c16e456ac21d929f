/*
 * last_change.c - who changed a record last.
 *
 * A stale If-Match answers 412; telling the user who changed the record,
 * when, and which version it is at now lets them decide whether to reload
 * or to talk to that person first.  The answer comes from the audit trail
 * (the latest record naming the entity and key, one index probe since
 * migration 7) and is given only to a caller who may read the record, so
 * a 412 leaks nothing a read would hide.
 */
#include "internal.h"

#include <stdio.h>

struct change_ctx {
	const struct principal *p;
	const struct espec *e;
	const char *key;
	struct svc_change out;
};

static int change_work(struct store_tx *tx, void *arg)
{
	struct change_ctx *c = arg;
	struct audit_rec last;
	json_t *rec = NULL;
	int rc = store_rec_get(tx, c->e, c->key, &rec);

	if (rc == ST_OK && !svc_in_scope(c->p, c->e, rec))
		rc = ST_NOT_FOUND;
	if (rc == ST_OK)
		rc = store_audit_last(tx, c->e->name, c->key, &last);
	if (rc == ST_OK) {
		snprintf(c->out.actor, sizeof c->out.actor, "%s", last.actor);
		snprintf(c->out.at, sizeof c->out.at, "%s", last.at);
		c->out.version = rec_num(rec, "version");
	}
	json_decref(rec);
	return rc;
}

int svc_rec_last_change(struct svc *svc, const struct principal *p, const struct espec *e,
			const char *key, struct svc_change *out)
{
	struct change_ctx c = {.p = p, .e = e, .key = key};
	int rc;

	if (!perm_allows(p->role, e->name, ACT_READ))
		return ST_NOT_FOUND;
	if ((rc = store_run(svc->store, STORE_READ, change_work, &c)) == ST_OK)
		*out = c.out;
	return rc;
}
