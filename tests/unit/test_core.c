/* test_core.c - field specs, format rules, roles and permissions. */
#include "suites.h"

#include "core/core.h"

#include <stdlib.h>
#include <string.h>

START_TEST(nsn_format)
{
	ck_assert_ptr_null(check_nsn("1005-01-123-4567"));
	ck_assert_ptr_nonnull(check_nsn("1005-01-123-456"));
	ck_assert_ptr_nonnull(check_nsn("1005-01-123-45678"));
	ck_assert_ptr_nonnull(check_nsn("1005011234567XXX"));
	ck_assert_ptr_nonnull(check_nsn("10A5-01-123-4567"));
	ck_assert_ptr_nonnull(check_nsn("1005-01-123_4567"));
	ck_assert_ptr_nonnull(check_nsn(""));
}
END_TEST

START_TEST(codes_and_names)
{
	ck_assert_ptr_null(check_iso3("DEU"));
	ck_assert_ptr_nonnull(check_iso3("deu"));
	ck_assert_ptr_nonnull(check_iso3("DE"));
	ck_assert_ptr_nonnull(check_iso3("DEUT"));
	ck_assert_ptr_null(check_code("LN-RZE"));
	ck_assert_ptr_null(check_code("AMMO_155"));
	ck_assert_ptr_nonnull(check_code("-X"));
	ck_assert_ptr_nonnull(check_code("ln-rze"));
	ck_assert_ptr_nonnull(check_code("A B"));
	ck_assert_ptr_null(check_username("liaison.deu"));
	ck_assert_ptr_nonnull(check_username("Liaison"));
	ck_assert_ptr_nonnull(check_username("1abc"));
	ck_assert_ptr_nonnull(check_username("a b"));
}
END_TEST

START_TEST(dates)
{
	ck_assert_ptr_null(check_date("2024-02-29"));
	ck_assert_ptr_null(check_date("2000-02-29"));
	ck_assert_ptr_nonnull(check_date("1900-02-29"));
	ck_assert_ptr_nonnull(check_date("2023-02-29"));
	ck_assert_ptr_nonnull(check_date("2026-02-30"));
	ck_assert_ptr_nonnull(check_date("2026-13-01"));
	ck_assert_ptr_nonnull(check_date("2026-00-10"));
	ck_assert_ptr_nonnull(check_date("2026-04-31"));
	ck_assert_ptr_null(check_date("2026-12-31"));
	ck_assert_ptr_nonnull(check_date("2026-1-01"));
	ck_assert_ptr_nonnull(check_date("2026/01/01"));
	ck_assert_ptr_nonnull(check_date("26-01-01"));
}
END_TEST

START_TEST(utf8)
{
	ck_assert(utf8_valid("plain", 5));
	ck_assert(utf8_valid("\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2", 8)); /* Київ */
	ck_assert(utf8_valid("\xF0\x9F\x87\xBA", 4));
	ck_assert(!utf8_valid("\xC0\x80", 2));          /* overlong NUL */
	ck_assert(!utf8_valid("\xE0\x80\xAF", 3));      /* overlong '/' */
	ck_assert(!utf8_valid("\xED\xA0\x80", 3));      /* surrogate */
	ck_assert(!utf8_valid("\xF4\x90\x80\x80", 4));  /* above U+10FFFF */
	ck_assert(!utf8_valid("\xD0", 1));              /* truncated */
	ck_assert(!utf8_valid("\xFF", 1));
	ck_assert(!utf8_valid("a\x80", 2));             /* stray continuation */
}
END_TEST

START_TEST(time_formatting)
{
	char buf[32];

	time_format(0, buf);
	ck_assert_str_eq(buf, "1970-01-01T00:00:00.000Z");
	time_format(951782400123LL, buf);
	ck_assert_str_eq(buf, "2000-02-29T00:00:00.123Z");
	time_format(1795737599999LL, buf);
	ck_assert_str_eq(buf, "2026-11-26T23:59:59.999Z");
}
END_TEST

static int validate(const char *text, enum vmode mode, struct verr *err)
{
	json_t *obj = json_loads(text, JSON_ALLOW_NUL, NULL);
	int rc;

	ck_assert_ptr_nonnull(obj);
	rc = espec_validate(&ESPEC_SITES, obj, mode, err);
	json_decref(obj);
	return rc;
}

#define SITE_OK "{\"code\":\"LN-X\",\"name\":\"X\",\"kind\":\"depot\",\"nation\":\"POL\",\"lat\":50,\"lon\":20"

START_TEST(validate_records)
{
	struct verr err;

	ck_assert_int_eq(validate(SITE_OK "}", VM_CREATE, &err), ST_OK);
	ck_assert_int_eq(validate(SITE_OK ",\"colour\":1}", VM_CREATE, &err), ST_INVALID);
	ck_assert_str_eq(err.field, "colour");
	ck_assert_int_eq(validate(SITE_OK ",\"version\":3}", VM_CREATE, &err), ST_INVALID);
	ck_assert_str_eq(err.field, "version");
	ck_assert_int_eq(validate("{\"code\":\"LN-X\",\"name\":\"X\",\"kind\":\"depot\","
				  "\"nation\":\"POL\",\"lat\":91,\"lon\":20}", VM_CREATE, &err),
			 ST_INVALID);
	ck_assert_str_eq(err.field, "lat");
	ck_assert_int_eq(validate("{\"code\":\"LN-X\",\"name\":\"X\",\"kind\":\"depot\","
				  "\"nation\":\"POL\",\"lat\":\"50\",\"lon\":20}", VM_CREATE, &err),
			 ST_INVALID);
	ck_assert_str_eq(err.field, "lat");
	ck_assert_int_eq(validate("{\"code\":\"LN-X\",\"name\":\"X\",\"kind\":\"castle\","
				  "\"nation\":\"POL\",\"lat\":50,\"lon\":20}", VM_CREATE, &err),
			 ST_INVALID);
	ck_assert_str_eq(err.field, "kind");
	ck_assert(strstr(err.reason, "logistics_node") != NULL);
	ck_assert_int_eq(validate("{\"code\":\"LN-X\",\"kind\":\"depot\",\"nation\":\"POL\","
				  "\"lat\":50,\"lon\":20}", VM_CREATE, &err), ST_INVALID);
	ck_assert_str_eq(err.field, "name");
	ck_assert(strstr(err.reason, "required") != NULL);
	ck_assert_int_eq(validate(SITE_OK ",\"training_seats\":1.5}", VM_CREATE, &err), ST_INVALID);
	ck_assert_str_eq(err.field, "training_seats");
	ck_assert_int_eq(validate(SITE_OK ",\"name\":\"\"}", VM_CREATE, &err), ST_INVALID);
	ck_assert_int_eq(validate("{\"code\":\"LN-Y\"}", VM_PATCH, &err), ST_INVALID);
	ck_assert_str_eq(err.field, "code");
	ck_assert_int_eq(validate("{\"name\":\"New name\"}", VM_PATCH, &err), ST_OK);
	ck_assert_int_eq(validate("{\"name\":null}", VM_PATCH, &err), ST_INVALID);
	ck_assert_int_eq(validate("{\"notes\":null}", VM_PATCH, &err), ST_OK);
	ck_assert_int_eq(validate("{\"notes\":\"a\\u0000b\"}", VM_PATCH, &err), ST_INVALID);
	ck_assert_int_eq(validate("{\"notes\":\"bell\\u0007\"}", VM_PATCH, &err), ST_INVALID);
	ck_assert_int_eq(validate("[]", VM_PATCH, &err), ST_INVALID);
}
END_TEST

START_TEST(defaults_fill_in)
{
	json_t *obj = json_pack("{s:s, s:s, s:s, s:I}", "code", "X1", "name", "Thing",
				"category", "other", "unit_value_eur", (json_int_t)5);
	struct verr err;

	ck_assert_int_eq(espec_validate(&ESPEC_ITEMS, obj, VM_CREATE, &err), ST_INVALID);
	ck_assert_str_eq(err.field, "unit_of_issue");
	json_object_set_new(obj, "unit_of_issue", json_string("each"));
	ck_assert_int_eq(espec_validate(&ESPEC_ITEMS, obj, VM_CREATE, &err), ST_OK);
	ck_assert(json_is_false(json_object_get(obj, "serialized")));
	ck_assert(json_is_null(json_object_get(obj, "nsn")));
	ck_assert(json_is_null(json_object_get(obj, "substitution_group")));
	json_object_set_new(obj, "nsn", json_string("1234"));
	ck_assert_int_eq(espec_validate(&ESPEC_ITEMS, obj, VM_CREATE, &err), ST_INVALID);
	ck_assert_str_eq(err.field, "nsn");
	json_decref(obj);
}
END_TEST

START_TEST(parse_text)
{
	const struct fspec *lat = espec_field(&ESPEC_SITES, "lat");
	const struct fspec *seats = espec_field(&ESPEC_SITES, "training_seats");
	const struct fspec *part = espec_field(&ESPEC_NATIONS, "participates");
	struct verr err;
	json_t *v;

	ck_assert_int_eq(fspec_parse_text(lat, "50.5", &v, &err), ST_OK);
	ck_assert(json_real_value(v) == 50.5);
	json_decref(v);
	ck_assert_int_eq(fspec_parse_text(lat, "95", &v, &err), ST_INVALID);
	ck_assert_int_eq(fspec_parse_text(lat, "nan", &v, &err), ST_INVALID);
	ck_assert_int_eq(fspec_parse_text(seats, "12x", &v, &err), ST_INVALID);
	ck_assert_int_eq(fspec_parse_text(seats, "", &v, &err), ST_OK);
	ck_assert(json_is_null(v));
	ck_assert_int_eq(fspec_parse_text(part, "yes", &v, &err), ST_INVALID);
	ck_assert_int_eq(fspec_parse_text(part, "false", &v, &err), ST_OK);
	ck_assert(json_is_false(v));
	ck_assert_int_eq(fspec_parse_text(espec_field(&ESPEC_SITES, "name"), "\xFF", &v, &err),
			 ST_INVALID);
}
END_TEST

START_TEST(permissions)
{
	ck_assert(perm_allows(ROLE_ADMIN, "nations", ACT_CREATE));
	ck_assert(perm_allows(ROLE_DONOR_LIAISON, "nations", ACT_READ));
	ck_assert(!perm_allows(ROLE_DONOR_LIAISON, "nations", ACT_CREATE));
	ck_assert(!perm_allows(ROLE_PLANNER, "items", ACT_DELETE));
	ck_assert(perm_allows(ROLE_AUDITOR, "audit", ACT_READ));
	ck_assert(!perm_allows(ROLE_PLANNER, "audit", ACT_READ));
	ck_assert(!perm_allows(ROLE_AUDITOR, "users", ACT_UPDATE));
	ck_assert(!perm_allows(ROLE_ADMIN, "no-such-resource", ACT_READ));
	ck_assert(!perm_allows(ROLE_NONE, "nations", ACT_READ));
	for (int r = 0; r < ROLE__COUNT; r++)
		ck_assert_int_eq(role_parse(role_name((enum role)r)), r);
	ck_assert_int_eq(role_parse("root"), ROLE_NONE);
	ck_assert_int_eq(role_scope(ROLE_DONOR_LIAISON), SCOPE_NATION);
	ck_assert_int_eq(role_scope(ROLE_NODE_OPERATOR), SCOPE_SITE);
	ck_assert_int_eq(role_scope(ROLE_AUDITOR), SCOPE_ALL);
}
END_TEST

/* The accessors the API's schema lists permissions with agree with
 * perm_allows and event_role_allows. */
START_TEST(permission_listings)
{
	char letters[ACT__COUNT + 1];
	const char *types[32], *name;
	size_t n, rows = 0;

	perm_letters(ROLE_PLANNER, "requirements", letters);
	ck_assert_str_eq(letters, "rcu");
	perm_letters(ROLE_ADMIN, "nations", letters);
	ck_assert_str_eq(letters, "rcud");
	perm_letters(ROLE_PLANNER, "audit", letters);
	ck_assert_str_eq(letters, "");
	perm_letters(ROLE_ADMIN, "no-such-resource", letters);
	ck_assert_str_eq(letters, "");
	perm_letters(ROLE_NONE, "nations", letters);
	ck_assert_str_eq(letters, "");
	for (; (name = perm_resource(rows)); rows++) {
		for (int r = 0; r < ROLE__COUNT; r++) {
			perm_letters((enum role)r, name, letters);
			for (int a = 0; a < ACT__COUNT; a++)
				ck_assert_msg(perm_allows((enum role)r, name, (enum action)a) ==
						      (strchr(letters, "rcud"[a]) != NULL),
					      "%s %s %s", name, role_name((enum role)r),
					      action_name((enum action)a));
		}
	}
	ck_assert_uint_gt(rows, 30);

	n = event_types_for(ROLE_NODE_OPERATOR, types, 32);
	ck_assert_uint_gt(n, 0);
	for (const char *const *t = EVENT_TYPES; *t; t++) {
		bool listed = false;
		for (size_t i = 0; i < n; i++)
			listed |= strcmp(types[i], *t) == 0;
		ck_assert_msg(listed == event_role_allows(ROLE_NODE_OPERATOR, *t), "%s", *t);
	}
	ck_assert_uint_eq(event_types_for(ROLE_AUDITOR, types, 32), 0);
	ck_assert_uint_eq(event_types_for(ROLE_NONE, types, 32), 0);
	ck_assert_uint_eq(event_types_for(ROLE_ADMIN, types, 2), 2);
}
END_TEST

START_TEST(specs_are_consistent)
{
	/* Every entity has its key field, marked as key and required, a
	 * version, and references only to entities that exist. */
	for (const struct espec *const *e = ESPEC_ALL; *e; e++) {
		const struct fspec *key = espec_field(*e, (*e)->key);
		/* A key is given by the client (required) or made by the server
		 * (read-only, with a prefix). */
		ck_assert_msg(key && (key->flags & FS_KEY) &&
				      ((key->flags & FS_REQUIRED) ||
				       ((key->flags & FS_READONLY) && (*e)->key_prefix)),
			      "%s: key field", (*e)->name);
		ck_assert_msg(espec_field(*e, "version") != NULL, "%s: version", (*e)->name);
		for (size_t i = 0; i < (*e)->nfields; i++) {
			const struct fspec *f = &(*e)->fields[i];
			ck_assert_msg(!f->ref || espec_find(f->ref), "%s.%s: ref", (*e)->name, f->name);
			ck_assert_msg(f->type != FT_ENUM || f->choices, "%s.%s: choices",
				      (*e)->name, f->name);
			/* A field that may be absent needs a default: nullable or bool. */
			ck_assert_msg((f->flags & (FS_REQUIRED | FS_READONLY | FS_PRIVATE | FS_NULLABLE)) ||
					      f->type == FT_BOOL,
				      "%s.%s: no default", (*e)->name, f->name);
		}
	}
}
END_TEST

/* The direct writer must produce what jansson would for the same values. */
START_TEST(json_writer_matches_jansson)
{
	static const char *const texts[] = {
		"plain", "", "quote \" and \\ back", "ctl \x01\x1f\n\t\r\b\f",
		"\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2 \xE2\x9C\x93", "slash / and \x7f",
	};
	static const double reals[] = {0, 23, 46.503, -33.125, 1e300, 4200, 0.1, 1724.0, 1e-7,
				       -0.0, 0.0001, 0.00012, 1e14, 999999999999999.0, 1e15,
				       -7.5, 123456.123456, 0.3};
	static const long long ints[] = {0, -1, 9007199254740993LL, -9223372036854775807LL - 1,
					 9223372036854775807LL};

	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		struct jbuf b = {0};
		json_t *v = json_string(texts[i]);
		char *want = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		jbuf_str(&b, texts[i], strlen(texts[i]));
		ck_assert_str_eq(b.p, want);
		free(want);
		json_decref(v);
		jbuf_free(&b);
	}
	for (size_t i = 0; i < sizeof reals / sizeof *reals; i++) {
		struct jbuf b = {0};
		json_t *v = json_real(reals[i]);
		char *want = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));
		jbuf_real(&b, reals[i]);
		ck_assert_str_eq(b.p, want);
		free(want);
		json_decref(v);
		jbuf_free(&b);
	}
	/* Many values of the shapes nsatu stores: decimals, coordinates, money,
	 * and arbitrary doubles, each as jansson would print it. */
	srand(42);
	for (int i = 0; i < 200000; i++) {
		double v;
		switch (i % 5) {
		case 0: v = (double)(rand() % 2000000 - 1000000) / 1000.0; break;
		case 1: v = (double)rand() / RAND_MAX * 180.0 - 90.0; break;
		case 2: v = (double)(rand() % 100000) / 100.0; break;
		case 3: v = (double)rand() * (double)rand() / 7.0; break;
		default: v = ((double)rand() / RAND_MAX - 0.5) * 1e-3; break;
		}
		struct jbuf b = {0};
		json_t *j = json_real(v);
		char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));
		jbuf_real(&b, v);
		ck_assert_msg(strcmp(b.p, want) == 0, "%.17g: wrote %s, jansson %s", v, b.p, want);
		free(want);
		json_decref(j);
		jbuf_free(&b);
	}
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
		struct jbuf b = {0};
		json_t *v = json_integer(ints[i]);
		char *want = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		jbuf_int(&b, ints[i]);
		ck_assert_str_eq(b.p, want);
		free(want);
		json_decref(v);
		jbuf_free(&b);
	}
}
END_TEST

Suite *suite_core(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, nsn_format);
	tcase_add_test(tc, codes_and_names);
	tcase_add_test(tc, dates);
	tcase_add_test(tc, utf8);
	tcase_add_test(tc, time_formatting);
	tcase_add_test(tc, validate_records);
	tcase_add_test(tc, defaults_fill_in);
	tcase_add_test(tc, parse_text);
	tcase_add_test(tc, permissions);
	tcase_add_test(tc, permission_listings);
	tcase_add_test(tc, specs_are_consistent);
	tcase_add_test(tc, json_writer_matches_jansson);
	suite_add_tcase(s, tc);
	return s;
}
