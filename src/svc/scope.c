/*
 * scope.c - which records a nation- or site-bound role sees.
 *
 * A nation-bound role (donor_liaison, recipient_officer) sees only records
 * whose scope field holds its nation, a site-bound role (node_operator,
 * facility_operator) only those of its site; a record outside that answers
 * "not found", so its existence does not leak.  Entities with no scope field
 * (reference data) are visible to every role that may read them, and an
 * entity may bind only some roles (Ukraine's requirements are open to every
 * donor).
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

