/*
 * field.c - validation of records against their field specs.
 *
 * The same functions check an HTTP body, a CSV row and a query-string
 * filter, so a rule is written once and every door enforces it.
 */
#include "core.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct fspec *espec_field(const struct espec *e, const char *name)
{
	for (size_t i = 0; i < e->nfields; i++) {
		if (strcmp(e->fields[i].name, name) == 0)
			return &e->fields[i];
	}
	return NULL;
}

static size_t utf8_chars(const char *s, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += ((unsigned char)s[i] & 0xC0) != 0x80;
	return count;
}

static int check_string(const struct fspec *f, const json_t *v,
			const char *path, struct verr *err)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v), chars;
	const char *why;

	if (strlen(s) != n)
		return verr_set(err, path, "must not contain NUL characters");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
			return verr_set(err, path, "must not contain control characters");
	}
	chars = utf8_chars(s, n);
	if (f->type == FT_STRING || f->type == FT_ENUM) {
		if ((double)chars < f->min)
			return f->min <= 1 ? verr_set(err, path, "must not be empty")
					   : verr_set(err, path, "must be at least %.0f characters", f->min);
		if (f->max > 0 && (double)chars > f->max)
			return verr_set(err, path, "must be at most %.0f characters", f->max);
	}
	if (f->type == FT_ENUM) {
		char list[160] = "";
		size_t used = 0;

		for (const char *const *c = f->choices; *c; c++) {
			if (strcmp(*c, s) == 0)
				return ST_OK;
			int w = snprintf(list + used, sizeof list - used, "%s%s",
					 used ? ", " : "", *c);
			if (w > 0 && (size_t)w < sizeof list - used)
				used += (size_t)w;
		}
		return verr_set(err, path, "must be one of: %s", list);
	}
	if (f->type == FT_DATE && (why = check_date(s)))
		return verr_set(err, path, "%s", why);
	if (f->check && (why = f->check(s)))
		return verr_set(err, path, "%s", why);
	return ST_OK;
}

int fspec_check_value(const struct fspec *f, const json_t *v, const char *path,
		      struct verr *err)
{
	if (json_is_null(v)) {
		if (f->flags & FS_NULLABLE)
			return ST_OK;
		return verr_set(err, path, "must not be null");
	}
	switch (f->type) {
	case FT_STRING:
	case FT_ENUM:
	case FT_DATE:
	case FT_TIME:
		if (!json_is_string(v))
			return verr_set(err, path, "must be a string");
		return check_string(f, v, path, err);
	case FT_INT: {
		if (!json_is_integer(v))
			return verr_set(err, path, "must be a whole number");
		json_int_t i = json_integer_value(v);
		if ((double)i < f->min || (double)i > f->max)
			return verr_set(err, path, "must be between %.0f and %.0f",
					f->min, f->max);
		return ST_OK;
	}
	case FT_NUMBER: {
		if (!json_is_number(v))
			return verr_set(err, path, "must be a number");
		double d = json_number_value(v);
		if (!isfinite(d) || d < f->min || d > f->max)
			return verr_set(err, path, "must be between %g and %g",
					f->min, f->max);
		return ST_OK;
	}
	case FT_BOOL:
		if (!json_is_boolean(v))
			return verr_set(err, path, "must be true or false");
		return ST_OK;
	}
	return verr_set(err, path, "has an unknown type");
}

int espec_validate(const struct espec *e, json_t *obj, enum vmode mode,
		   struct verr *err)
{
	const char *k;
	json_t *v;
	int rc;

	if (!json_is_object(obj))
		return verr_set(err, "", "the body must be a JSON object");
	json_object_foreach(obj, k, v) {
		const struct fspec *f = espec_field(e, k);

		if (!f || (f->flags & FS_PRIVATE))
			return verr_set(err, k, "is not a field of %s", e->name);
		if (f->flags & FS_READONLY)
			return verr_set(err, k, "is set by the server and cannot be given");
		if (mode == VM_PATCH && (f->flags & FS_KEY))
			return verr_set(err, k, "is the record's key and cannot be changed");
		if ((rc = fspec_check_value(f, v, k, err)) != ST_OK)
			return rc;
		/* A decimal field given as 5 is the number 5.0: store and echo it
		 * so.  (Replacing a member's value keeps the iteration valid.) */
		if (f->type == FT_NUMBER && json_is_integer(v) &&
		    json_object_set_new(obj, k, json_real((double)json_integer_value(v))) != 0)
			return verr_set(err, k, "out of memory");
	}
	if (mode != VM_CREATE && mode != VM_CREATE_SPARSE)
		return ST_OK;
	for (size_t i = 0; i < e->nfields; i++) {
		const struct fspec *f = &e->fields[i];
		json_t *dflt = NULL;

		if ((f->flags & (FS_READONLY | FS_PRIVATE)) || json_object_get(obj, f->name))
			continue;
		if (f->flags & FS_REQUIRED)
			return verr_set(err, f->name, "is required");
		if (f->type == FT_BOOL)
			dflt = json_false();
		else if (f->flags & FS_NULLABLE)
			dflt = mode == VM_CREATE ? json_null() : NULL;
		else
			return verr_set(err, f->name, "is required");
		if (!dflt)
			continue;
		if (json_object_set_new(obj, f->name, dflt) != 0)
			return verr_set(err, f->name, "out of memory");
	}
	return ST_OK;
}

int fspec_parse_text(const struct fspec *f, const char *text, json_t **out,
		     struct verr *err)
{
	json_t *v = NULL;
	char *end;
	int rc;

	*out = NULL;
	if (!utf8_valid(text, strlen(text)))
		return verr_set(err, f->name, "is not valid UTF-8 text");
	if (*text == '\0' && (f->flags & FS_NULLABLE)) {
		*out = json_null();
		return ST_OK;
	}
	switch (f->type) {
	case FT_INT: {
		errno = 0;
		long long i = strtoll(text, &end, 10);
		if (errno || end == text || *end)
			return verr_set(err, f->name, "must be a whole number");
		v = json_integer(i);
		break;
	}
	case FT_NUMBER: {
		errno = 0;
		double d = strtod(text, &end);
		if (errno || end == text || *end || !isfinite(d))
			return verr_set(err, f->name, "must be a number");
		v = json_real(d);
		break;
	}
	case FT_BOOL:
		if (strcmp(text, "true") == 0)
			v = json_true();
		else if (strcmp(text, "false") == 0)
			v = json_false();
		else
			return verr_set(err, f->name, "must be true or false");
		break;
	default:
		v = json_string(text);
		break;
	}
	if (!v)
		return verr_set(err, f->name, "out of memory");
	if ((rc = fspec_check_value(f, v, f->name, err)) != ST_OK) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return ST_OK;
}

json_t *espec_public(const struct espec *e, const json_t *rec)
{
	json_t *copy = json_copy((json_t *)rec);

	for (size_t i = 0; copy && i < e->nfields; i++) {
		if (e->fields[i].flags & FS_PRIVATE)
			json_object_del(copy, e->fields[i].name);
	}
	return copy;
}
