/*
 * workflow.c - moving records through their workflows.
 *
 * The moves themselves are tables in core (REQUIREMENT_FLOW, PLEDGE_FLOW):
 * from, to, the roles that may ask for it, whether a reason is needed, and
 * whether only the system makes it.  This file applies a requested move in
 * one transaction: scope, version, table, reason, the status change with
 * its audit record, and whatever follows (svc_rules.after_transition).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

int svc_patch_record(struct store_tx *tx, const struct principal *p, const struct espec *e,
		     const char *key, const json_t *changes, const char *action)
{
	json_t *cur = NULL, *next = NULL, *before = NULL, *after = NULL;
	int64_t version;
	int rc;

	if ((rc = store_rec_get(tx, e, key, &cur)) != ST_OK)
		return rc;
	version = json_integer_value(json_object_get(cur, "version"));
	if (!(next = json_deep_copy(cur)) || json_object_update(next, (json_t *)changes) != 0) {
		rc = ST_INTERNAL;
		goto done;
	}
	json_object_set_new(next, "version", json_integer(version + 1));
	if ((rc = store_rec_update(tx, e, key, next, version)) != ST_OK)
		goto done;
	before = espec_public(e, cur);
	after = espec_public(e, next);
	rc = before && after ? svc_audit_write(tx, p, action, e->name, key, before, after)
			     : ST_INTERNAL;
done:
	json_decref(cur);
	json_decref(next);
	json_decref(before);
	json_decref(after);
	return rc;
}

int svc_set_status(struct store_tx *tx, const struct principal *p, const struct espec *e,
		   const char *key, const char *status, const char *reason, const char *action)
{
	json_t *changes = json_pack("{s:s}", "status", status);
	int rc;

	if (!changes)
		return ST_INTERNAL;
	if (espec_field(e, "status_reason"))
		json_object_set_new(changes, "status_reason", reason ? json_string(reason) : json_null());
	rc = svc_patch_record(tx, p, e, key, changes, action);
	json_decref(changes);
	return rc;
}

struct move_ctx {
	const struct principal *p;
	const struct espec *e;
	const struct svc_rules *rules;
	const char *key, *to, *reason;
	int64_t if_match;
	struct verr *err;
	json_t *out;
};

static int move_work(struct store_tx *tx, void *arg)
{
	struct move_ctx *c = arg;
	const struct transition *t;
	json_t *cur = NULL;
	char from[32];
	int rc;

	json_decref(c->out);
	c->out = NULL;
	if ((rc = store_rec_get(tx, c->e, c->key, &cur)) != ST_OK)
		return rc;
	if (!svc_in_scope(c->p, c->e, cur)) {
		rc = ST_NOT_FOUND;
		goto done;
	}
	if (c->if_match >= 0 && json_integer_value(json_object_get(cur, "version")) != c->if_match) {
		rc = ST_PRECONDITION;
		goto done;
	}
	snprintf(from, sizeof from, "%s", json_string_value(json_object_get(cur, "status")));
	t = transition_find(c->rules->flow, from, c->to);
	if (!t) {
		char next[160] = "";
		size_t used = 0;
		for (const struct transition *x = c->rules->flow; x->from; x++) {
			if (strcmp(x->from, from) != 0 || x->automatic)
				continue;
			int w = snprintf(next + used, sizeof next - used, "%s%s", used ? ", " : "", x->to);
			if (w > 0 && (size_t)w < sizeof next - used)
				used += (size_t)w;
		}
		verr_set(c->err, "to", "cannot go from %s to %s; from %s it can go to: %s", from,
			 c->to, from, used ? next : "nothing (it is final)");
		rc = ST_CONFLICT;
		goto done;
	}
	if (t->automatic) {
		verr_set(c->err, "to", "%s follows from allocations; it cannot be requested", c->to);
		rc = ST_CONFLICT;
		goto done;
	}
	if (!(t->roles & ROLE_BIT(c->p->role))) {
		rc = ST_FORBIDDEN;
		goto done;
	}
	if (t->needs_reason && (!c->reason || !*c->reason)) {
		rc = verr_set(c->err, "reason", "is required to go from %s to %s", from, c->to);
		goto done;
	}
	/* A reason is kept when the move needs one, and when one is given for
	 * a move where it is optional (discarding a plan). */
	if ((rc = svc_set_status(tx, c->p, c->e, c->key, c->to,
				 c->reason && *c->reason ? c->reason : NULL, "transition")) != ST_OK)
		goto done;
	if (c->rules->after_transition &&
	    (rc = c->rules->after_transition(tx, c->p, cur, from, c->to, c->err)) != ST_OK)
		goto done;
	json_t *now = NULL;
	if ((rc = store_rec_get(tx, c->e, c->key, &now)) == ST_OK)
		c->out = espec_public(c->e, now);
	json_decref(now);
done:
	json_decref(cur);
	return rc;
}

int svc_transition(struct svc *svc, const struct principal *p, const struct espec *e,
		   const char *key, const char *to, const char *reason, int64_t if_match,
		   json_t **out, struct verr *err)
{
	const struct svc_rules *rules = svc_rules_for(e);
	struct move_ctx c = {p, e, rules, key, to, reason, if_match, err, NULL};
	int rc;

	*out = NULL;
	if (!rules || !rules->flow)
		return ST_NOT_FOUND;
	if (!perm_allows(p->role, e->name, ACT_READ))
		return ST_FORBIDDEN;
	rc = store_run(svc->store, STORE_WRITE, move_work, &c);
	if (rc == ST_OK)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}
