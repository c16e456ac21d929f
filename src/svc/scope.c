/*
 * scope.c - which records a nation- or site-bound role sees.
 *
 * A nation-bound role (donor_liaison, recipient_officer) sees only records
 * whose scope field holds its nation, a site-bound role (node_operator,
 * facility_operator) only those of its site; a record outside that answers
 * "not found", so its existence does not leak.  Entities with no scope field
 * (reference data) are visible to every role that may read them, and an
 * entity may bind only some roles (Ukraine's requirements are open to every
 * donor).  Custody events add a rule of their own: who records one where.
 */
#include "internal.h"

#include <string.h>

/* The field that bounds @p's view of @e, or NULL when none applies.
 * *@deny is set when the role is bound but the entity has no field for it. */
const char *svc_scope_field(const struct principal *p, const struct espec *e,
			    const char **value, bool *deny)
{
	*deny = false;
	*value = NULL;
	if (role_scope(p->role) == SCOPE_ALL || (!e->scope_nation && !e->scope_site))
		return NULL;
	/* The entity may bind only some roles (requirements: recipient officers). */
	if (e->scoped_roles && !(e->scoped_roles & ROLE_BIT(p->role)))
		return NULL;
	if (role_scope(p->role) == SCOPE_NATION && e->scope_nation) {
		*value = p->nation;
		return e->scope_nation;
	}
	if (role_scope(p->role) == SCOPE_SITE && e->scope_site) {
		*value = p->site;
		return e->scope_site;
	}
	*deny = true;
	return NULL;
}

bool svc_hidden_draft(const struct principal *p, const struct espec *e)
{
	/* A requirement is the recipient's own work until it is submitted:
	 * donors see it from then on. */
	return e == &ESPEC_REQUIREMENTS && p->role == ROLE_DONOR_LIAISON;
}

bool svc_in_scope(const struct principal *p, const struct espec *e, const json_t *rec)
{
	const char *status = json_string_value(json_object_get(rec, "status"));

	if (svc_hidden_draft(p, e) && status && strcmp(status, "draft") == 0)
		return false;
	const char *value, *field;
	bool deny;

	field = svc_scope_field(p, e, &value, &deny);
	if (deny)
		return false;
	if (!field)
		return true;
	const char *have = json_string_value(json_object_get(rec, field));
	return have && *value && strcmp(have, value) == 0;
}

bool svc_sees_nation(const struct principal *p, const char *nation)
{
	return role_scope(p->role) == SCOPE_ALL || (nation && strcmp(nation, p->nation) == 0);
}

/* Custody events: the role's event types, then its site or nation. */
int svc_event_scope(const struct principal *p, const json_t *rec, const json_t *site,
		    struct verr *err)
{
	const char *type = rec_str(rec, "type");

	if (!event_role_allows(p->role, type)) {
		verr_set(err, "type", "a %s may not record %s events", role_name(p->role), type);
		return ST_FORBIDDEN;
	}
	switch (role_scope(p->role)) {
	case SCOPE_SITE:
		if (!str_is(rec_str(rec, "site"), p->site)) {
			verr_set(err, "site", "you record events only at your site %s", p->site);
			return ST_FORBIDDEN;
		}
		break;
	case SCOPE_NATION:
		/* Another nation's shipment is answered as one that does not
		 * exist, as a read would be: no existence leak. */
		if (p->role == ROLE_DONOR_LIAISON && !str_is(rec_str(rec, "nation"), p->nation)) {
			if (rec_str(rec, "shipment"))
				return verr_set(err, "shipment", "no shipment %s", rec_str(rec, "shipment"));
			return verr_set(err, "serial", "no asset %s of item %s", rec_str(rec, "serial"),
					rec_str(rec, "item"));
		}
		/* Ukraine's officers act in Ukraine, and at the hand-over
		 * points where custody passes to them. */
		if (p->role == ROLE_RECIPIENT_OFFICER && !str_is(rec_str(site, "nation"), p->nation) &&
		    !str_is(rec_str(site, "kind"), "handover_point")) {
			verr_set(err, "site", "is neither in %s nor a hand-over point", p->nation);
			return ST_FORBIDDEN;
		}
		break;
	case SCOPE_ALL:
		break;
	}
	return ST_OK;
}
