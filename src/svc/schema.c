/*
 * schema.c - what the caller's role sees of the server's own specs.
 *
 * The web front end builds its forms, lists and menus from this answer
 * instead of a copy of the specs of its own, so the two cannot drift: the
 * entities the role may read with their fields (private ones left out),
 * the actions it may take, the workflow moves it may request, which fields
 * belong to which kind of record (a pledge's), the reports
 * it may read and the custody event types it may record.  Everything comes
 * from core (field specs, the permission table, the event table) and from
 * the entities' rules (their workflow tables); nothing is read from the
 * database.
 */
#include "internal.h"

static const char *const type_names[] = {
	[FT_STRING] = "string", [FT_INT] = "integer", [FT_NUMBER] = "number",
	[FT_BOOL] = "boolean",  [FT_DATE] = "date",   [FT_ENUM] = "enum",
	[FT_TIME] = "time",
};

/* Set @k of @o to @v (stolen), clearing *@ok on any failure, so that a
 * builder checks once at the end. */
static void put(json_t *o, const char *k, json_t *v, bool *ok)
{
	if (json_object_set_new(o, k, v) != 0)
		*ok = false;
}

static void push(json_t *a, json_t *v, bool *ok)
{
	if (json_array_append_new(a, v) != 0)
		*ok = false;
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* Bounds only where they constrain: a string's length in characters (0:
 * none), a number's value.  Enums, dates and times have their own shape. */
static void put_bounds(json_t *o, const struct fspec *f, bool *ok)
{
	switch (f->type) {
	case FT_STRING:
		if (f->min > 0)
			put(o, "min", json_integer((json_int_t)f->min), ok);
		if (f->max > 0)
			put(o, "max", json_integer((json_int_t)f->max), ok);
		break;
	case FT_INT:
		put(o, "min", json_integer((json_int_t)f->min), ok);
		put(o, "max", json_integer((json_int_t)f->max), ok);
		break;
	case FT_NUMBER:
		put(o, "min", json_real(f->min), ok);
		put(o, "max", json_real(f->max), ok);
		break;
	default:
		break;
	}
}

static json_t *field_json(const struct fspec *f, bool *ok)
{
	json_t *o = json_object();

	put(o, "name", json_string(f->name), ok);
	put(o, "type", json_string(type_names[f->type]), ok);
	put(o, "required", json_boolean(f->flags & FS_REQUIRED), ok);
	put(o, "readonly", json_boolean(f->flags & FS_READONLY), ok);
	put(o, "key", json_boolean(f->flags & FS_KEY), ok);
	put(o, "nullable", json_boolean(f->flags & FS_NULLABLE), ok);
	put(o, "filter", json_boolean(f->flags & FS_FILTER), ok);
	put_bounds(o, f, ok);
	if (f->type == FT_ENUM) {
		json_t *choices = json_array();
		for (const char *const *c = f->choices; *c; c++)
			push(choices, json_string(*c), ok);
		put(o, "choices", choices, ok);
	}
	if (f->ref)
		put(o, "ref", json_string(f->ref), ok);
	put(o, "doc", json_string(f->doc ? f->doc : ""), ok);
	return o;
}

/* The moves of @e's workflow that @role may request: the system's own
 * (automatic) moves are never requested, so they are left out. */
static json_t *transitions_json(const struct espec *e, enum role role, bool *ok)
{
	const struct svc_rules *rules = svc_rules_for(e);
	json_t *list = json_array();

	for (const struct transition *t = rules ? rules->flow : NULL; t && t->from; t++) {
		if (t->automatic || !(t->roles & ROLE_BIT(role)))
			continue;
		push(list, json_pack("{s:s, s:s, s:b}", "from", t->from, "to", t->to, "reason",
				     t->needs_reason),
		     ok);
	}
	return list;
}

static json_t *names_json(const char *const *names, bool *ok)
{
	json_t *list = json_array();

	for (; *names; names++)
		push(list, json_string(*names), ok);
	return list;
}

/* {"by":"kind","kinds":{"funding":{"fields":[...],"required":[...]}, ...}},
 * or null: which fields belong to which kind of record. */
static json_t *variants_json(const struct espec *e, bool *ok)
{
	const char *by;
	const struct espec_variant *vs = espec_variants(e, &by);
	json_t *o, *kinds;

	if (!vs)
		return json_null();
	o = json_object();
	kinds = json_object();
	put(o, "by", json_string(by), ok);
	for (const struct espec_variant *v = vs; v->value; v++)
		put(kinds, v->value, json_pack("{s:o, s:o}", "fields", names_json(v->fields, ok),
					       "required", names_json(v->required, ok)), ok);
	put(o, "kinds", kinds, ok);
	return o;
}

static json_t *entity_json(const struct espec *e, enum role role, const char *actions,
			   bool *ok)
{
	json_t *o = json_object(), *fields = json_array();

	put(o, "key", json_string(e->key), ok);
	put(o, "doc", json_string(e->doc ? e->doc : ""), ok);
	put(o, "actions", json_string(actions), ok);
	put(o, "scope_nation", str_or_null(e->scope_nation), ok);
	put(o, "scope_site", str_or_null(e->scope_site), ok);
	for (size_t i = 0; i < e->nfields; i++) {
		if (!(e->fields[i].flags & FS_PRIVATE))
			push(fields, field_json(&e->fields[i], ok), ok);
	}
	put(o, "fields", fields, ok);
	put(o, "transitions", transitions_json(e, role, ok), ok);
	put(o, "variants", variants_json(e, ok), ok);
	return o;
}

/* Every entity of ESPEC_ALL (the route table serves no other) that the
 * role may read. */
static json_t *entities_json(enum role role, bool *ok)
{
	json_t *all = json_object();
	char letters[ACT__COUNT + 1];

	for (const struct espec *const *e = ESPEC_ALL; *e; e++) {
		perm_letters(role, (*e)->name, letters);
		if (strchr(letters, 'r'))
			put(all, (*e)->name, entity_json(*e, role, letters, ok), ok);
	}
	return all;
}

/* The rows of the permission table that are no entity: reports and the
 * audit trail. */
static json_t *reports_json(enum role role, bool *ok)
{
	json_t *all = json_object();
	char letters[ACT__COUNT + 1];
	const char *name;

	for (size_t i = 0; (name = perm_resource(i)); i++) {
		if (espec_find(name))
			continue;
		perm_letters(role, name, letters);
		if (*letters)
			put(all, name, json_string(letters), ok);
	}
	return all;
}

static json_t *event_types_json(enum role role, bool *ok)
{
	const char *types[32];
	size_t n = event_types_for(role, types, sizeof types / sizeof *types);
	json_t *list = json_array();

	for (size_t i = 0; i < n; i++)
		push(list, json_string(types[i]), ok);
	return list;
}

int svc_schema(const struct principal *p, json_t **out)
{
	json_t *o = json_object();
	bool ok = o != NULL;

	*out = NULL;
	put(o, "role", json_string(role_name(p->role)), &ok);
	put(o, "nation", str_or_null(p->nation), &ok);
	put(o, "site", str_or_null(p->site), &ok);
	put(o, "entities", entities_json(p->role, &ok), &ok);
	put(o, "reports", reports_json(p->role, &ok), &ok);
	put(o, "event_types", event_types_json(p->role, &ok), &ok);
	if (!ok) {
		json_decref(o);
		return ST_INTERNAL;
	}
	*out = o;
	return ST_OK;
}
