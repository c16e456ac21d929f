/*
 * test_openapi.c - docs/openapi.yaml must describe the code as it is.
 *
 * The document is written by hand; these tests hold it to the route table
 * (src/http/routes.c), the field specs (src/core/entity.c) and the error
 * registry (src/http/problem.c), so that a route, a field or an error type
 * that changes without the document fails the build.
 *
 * The document is read by a small parser for the subset of YAML it is
 * written in, not by a YAML library:
 *   - block mappings "key: value" and "key:" with children indented by
 *     two more spaces; no tabs;
 *   - block lists "- item" or "- key: value", indented two more than
 *     their parent key (never at the parent's own column);
 *   - scalars plain or quoted ('...' or "..."); flow lists "[a, b]" and
 *     "[]"; block scalars "|" and ">" (used for descriptions);
 *   - full-line comments; no trailing comments, anchors or multi-line
 *     plain scalars.
 * A line outside this subset fails the test with its line number.
 *
 * Conventions the document follows and the tests check:
 *   - paths appear as "  /api/v1/x/{id}:" with the route table's patterns,
 *     operations as "    get:" etc. (lower-case methods);
 *   - security: the top level requires bearerAuth; a public route's
 *     operation says "security: []", every other operation says
 *     "security:" with "- bearerAuth: []";
 *   - one schema per entity of ESPEC_ALL, named by singular CamelCase
 *     ("substitution_groups" -> SubstitutionGroup, "repair_capacities" ->
 *     RepairCapacity), plus <Name>Patch (the
 *     PATCH body: every writable field, each a $ref to the entity's
 *     property) and <Name>Page (a list page);
 *   - a property that is no field of the spec may appear only with
 *     "writeOnly: true" (the users password, taken out before validation).
 *
 * The document is found at $NSATU_SRCDIR/docs/openapi.yaml, or at
 * docs/openapi.yaml relative to the working directory (the repository root
 * under make).  The last test breaks a copy of the parsed document in
 * several ways and checks that each check notices, so that a check that
 * silently passes everything cannot go unnoticed.
 */
#include "suites.h"

#include "core/core.h"
#include "http/internal.h" /* the error registry: http_problem_slug() */

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- A parser for the YAML subset above. --------------------------------- */

struct ynode {
	char *key;     /* NULL for a list entry */
	char *value;   /* scalar text; NULL for a node with only children */
	int indent;
	int line;
	struct ynode **kids;
	size_t nkids, cap;
};

static struct ynode *y_new(const char *key, int indent, int line)
{
	struct ynode *n = calloc(1, sizeof *n);

	ck_assert_ptr_nonnull(n);
	n->key = key ? strdup(key) : NULL;
	n->indent = indent;
	n->line = line;
	return n;
}

static void y_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		y_free(n->kids[i]);
	free(n->kids);
	free(n->key);
	free(n->value);
	free(n);
}

static void y_add(struct ynode *parent, struct ynode *kid)
{
	if (parent->nkids == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 8;
		struct ynode **k = realloc(parent->kids, cap * sizeof *k);
		ck_assert_ptr_nonnull(k);
		parent->kids = k;
		parent->cap = cap;
	}
	parent->kids[parent->nkids++] = kid;
}

/* A quoted scalar's text: '' stands for ' in single quotes; \" and \\
 * are the only escapes used in double quotes. */
static char *unquote(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t o = 0;

	ck_assert_ptr_nonnull(out);
	if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0]) {
		char q = s[0];
		for (size_t i = 1; i + 1 < n; i++) {
			if (q == '\'' && s[i] == '\'' && s[i + 1] == '\'')
				i++;
			else if (q == '"' && s[i] == '\\' && i + 2 < n)
				i++;
			out[o++] = s[i];
		}
	} else {
		memcpy(out, s, n);
		o = n;
	}
	out[o] = '\0';
	return out;
}

/* Where the key of "key: value" / "key:" ends, or NULL when @s is a plain
 * scalar.  *@key_len gets the key's length including any quotes. */
static const char *key_colon(const char *s, size_t *key_len)
{
	const char *p;

	if (*s == '\'' || *s == '"') {
		p = strchr(s + 1, *s);
		while (p && *s == '\'' && p[1] == '\'')
			p = strchr(p + 2, '\'');
		if (!p || p[1] != ':' || (p[2] != '\0' && p[2] != ' '))
			return NULL;
		*key_len = (size_t)(p + 1 - s);
		return p + 1;
	}
	for (p = s; *p; p++) {
		if (*p == ':' && (p[1] == ' ' || p[1] == '\0')) {
			*key_len = (size_t)(p - s);
			return p;
		}
	}
	return NULL;
}

/* Set @n's value from the text after "key: ", splitting a flow list. */
static void set_value(struct ynode *n, const char *v, int line)
{
	size_t len = strlen(v);

	n->value = unquote(v, len);
	if (v[0] != '[')
		return;
	ck_assert_msg(v[len - 1] == ']', "openapi.yaml line %d: unclosed flow list", line);
	for (const char *p = v + 1; p < v + len - 1;) {
		while (*p == ' ')
			p++;
		const char *end = p;
		while (end < v + len - 1 && *end != ',')
			end++;
		size_t n_item = (size_t)(end - p);
		while (n_item && p[n_item - 1] == ' ')
			n_item--;
		if (n_item) {
			struct ynode *item = y_new(NULL, n->indent + 2, line);
			item->value = unquote(p, n_item);
			y_add(n, item);
		}
		p = end + 1;
	}
}

static bool is_block_indicator(const char *v)
{
	return v && (strcmp(v, "|") == 0 || strcmp(v, "|-") == 0 || strcmp(v, ">") == 0 ||
		     strcmp(v, ">-") == 0);
}

/* Parse "key: value" or "key:" at @indent into a new node. */
static struct ynode *parse_pair(const char *text, int indent, int line)
{
	size_t klen = 0;
	const char *colon = key_colon(text, &klen);
	struct ynode *n;
	char *key;

	ck_assert_msg(colon, "openapi.yaml line %d: expected 'key:', 'key: value' or '- item', got '%s'",
		      line, text);
	key = unquote(text, klen);
	n = y_new(key, indent, line);
	free(key);
	colon++;
	while (*colon == ' ')
		colon++;
	if (*colon)
		set_value(n, colon, line);
	return n;
}

/* The whole file as a tree under a root node; the caller frees it. */
static struct ynode *y_load(const char *path)
{
	FILE *f = fopen(path, "r");
	struct ynode *root, *stack[64], *block = NULL;
	size_t depth = 1;
	char line[4096];
	int lineno = 0;

	ck_assert_msg(f, "cannot open %s (set NSATU_SRCDIR to the repository root)", path);
	root = y_new(NULL, -1, 0);
	stack[0] = root;
	while (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);
		int indent = 0;

		lineno++;
		ck_assert_msg(n < sizeof line - 1 || line[n - 1] == '\n',
			      "openapi.yaml line %d: longer than %zu bytes", lineno, sizeof line);
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
			line[--n] = '\0';
		while (line[indent] == ' ')
			indent++;
		ck_assert_msg(line[indent] != '\t', "openapi.yaml line %d: tab in indentation", lineno);
		if (block) {
			/* A block scalar goes on while lines are blank or deeper. */
			if (line[indent] == '\0' || indent > block->indent) {
				size_t have = strlen(block->value), add = strlen(line + indent);
				char *v = realloc(block->value, have + add + 2);
				ck_assert_ptr_nonnull(v);
				memcpy(v + have, line + indent, add);
				v[have + add] = '\n';
				v[have + add + 1] = '\0';
				block->value = v;
				continue;
			}
			block = NULL;
		}
		if (line[indent] == '\0' || line[indent] == '#')
			continue;
		while (depth > 1 && stack[depth - 1]->indent >= indent)
			depth--;

		const char *text = line + indent;
		struct ynode *parent = stack[depth - 1], *node;

		if (text[0] == '-' && (text[1] == ' ' || text[1] == '\0')) {
			struct ynode *item = y_new(NULL, indent, lineno);
			const char *rest = text + 1;
			size_t klen;

			y_add(parent, item);
			ck_assert_msg(depth < 63, "openapi.yaml line %d: nested too deep", lineno);
			stack[depth++] = item;
			while (*rest == ' ')
				rest++;
			if (!*rest)
				continue;
			if (!key_colon(rest, &klen)) {
				set_value(item, rest, lineno);
				continue;
			}
			node = parse_pair(rest, indent + 2, lineno);
			y_add(item, node);
		} else {
			node = parse_pair(text, indent, lineno);
			y_add(parent, node);
		}
		ck_assert_msg(depth < 63, "openapi.yaml line %d: nested too deep", lineno);
		stack[depth++] = node;
		if (is_block_indicator(node->value)) {
			free(node->value);
			node->value = strdup("");
			ck_assert_ptr_nonnull(node->value);
			block = node;
		}
	}
	fclose(f);
	return root;
}

/* ---- Looking things up. ---------------------------------------------------- */

static struct ynode *y_get(const struct ynode *n, const char *key)
{
	for (size_t i = 0; n && i < n->nkids; i++) {
		if (n->kids[i]->key && strcmp(n->kids[i]->key, key) == 0)
			return n->kids[i];
	}
	return NULL;
}

/* Follow a NULL-terminated list of keys. */
static struct ynode *y_path(const struct ynode *n, ...) __attribute__((sentinel));

static struct ynode *y_path(const struct ynode *n, ...)
{
	struct ynode *cur = (struct ynode *)n;
	va_list ap;
	const char *key;

	va_start(ap, n);
	while (cur && (key = va_arg(ap, const char *)))
		cur = y_get(cur, key);
	va_end(ap);
	return cur;
}

/* The scalar value of child @key, or NULL. */
static const char *y_str(const struct ynode *n, const char *key)
{
	const struct ynode *k = y_get(n, key);
	return k ? k->value : NULL;
}

/* Resolve a local reference "#/a/b~1c" (JSON Pointer escapes ~0 ~1). */
static struct ynode *y_ref(const struct ynode *root, const char *ref)
{
	struct ynode *cur = (struct ynode *)root;
	char seg[256];

	if (!ref || strncmp(ref, "#/", 2) != 0)
		return NULL;
	for (const char *p = ref + 2; cur && *p;) {
		size_t o = 0;
		while (*p && *p != '/' && o + 1 < sizeof seg) {
			if (p[0] == '~' && (p[1] == '0' || p[1] == '1')) {
				seg[o++] = p[1] == '0' ? '~' : '/';
				p += 2;
			} else {
				seg[o++] = *p++;
			}
		}
		seg[o] = '\0';
		cur = y_get(cur, seg);
		if (*p == '/')
			p++;
	}
	return cur;
}

/* @n itself, or what its "$ref" names. */
static struct ynode *y_deref(const struct ynode *root, const struct ynode *n)
{
	const char *ref = n ? y_str(n, "$ref") : NULL;
	return ref ? y_ref(root, ref) : (struct ynode *)n;
}

static void y_remove(struct ynode *parent, const char *key)
{
	for (size_t i = 0; parent && i < parent->nkids; i++) {
		if (parent->kids[i]->key && strcmp(parent->kids[i]->key, key) == 0) {
			y_free(parent->kids[i]);
			memmove(parent->kids + i, parent->kids + i + 1,
				(parent->nkids - i - 1) * sizeof *parent->kids);
			parent->nkids--;
			return;
		}
	}
}

/* ---- Collecting every drift before failing. ------------------------------- */

struct report {
	char text[6000];
	size_t len;
	int count;
};

static void drift(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void drift(struct report *r, const char *fmt, ...)
{
	va_list ap;
	int w;

	r->count++;
	if (r->len + 200 >= sizeof r->text)
		return;
	w = snprintf(r->text + r->len, sizeof r->text - r->len, "\n  - ");
	if (w > 0)
		r->len += (size_t)w;
	va_start(ap, fmt);
	w = vsnprintf(r->text + r->len, sizeof r->text - r->len - 40, fmt, ap);
	va_end(ap);
	if (w > 0)
		r->len = r->len + (size_t)w < sizeof r->text - 40 ? r->len + (size_t)w
								  : sizeof r->text - 40;
	r->text[r->len] = '\0';
}

#define ASSERT_NO_DRIFT(r)                                                           \
	ck_assert_msg((r)->count == 0, "docs/openapi.yaml disagrees with the code (%d):%s", \
		      (r)->count, (r)->text)

static bool reported(const struct report *r, const char *needle)
{
	return r->count > 0 && strstr(r->text, needle) != NULL;
}

/* ---- What the code says. ----------------------------------------------------- */

static const char *const HTTP_METHODS[] = {"get",  "put",   "post",  "delete",
					   "patch", "head", "options", "trace", NULL};

static bool is_method(const char *key)
{
	for (const char *const *m = HTTP_METHODS; *m; m++) {
		if (strcmp(*m, key) == 0)
			return true;
	}
	return false;
}

static void lower(const char *s, char *out, size_t size)
{
	size_t i = 0;

	for (; s[i] && i + 1 < size; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

/* The route with this pattern and lower-case method, or -1. */
static long find_route(const char *pattern, const char *method)
{
	for (size_t i = 0; i < http_route_count(); i++) {
		struct http_route_info ri = http_route_at(i);
		char m[16];

		lower(ri.method, m, sizeof m);
		if (strcmp(ri.pattern, pattern) == 0 && strcmp(m, method) == 0)
			return (long)i;
	}
	return -1;
}

/* "substitution_groups" -> "SubstitutionGroup", "repair_capacities" ->
 * "RepairCapacity". */
static void schema_name(const char *entity, char *out, size_t size)
{
	size_t n = strlen(entity), o = 0;
	bool up = true, ies = n > 3 && strcmp(entity + n - 3, "ies") == 0;

	if (ies)
		n -= 3;
	else if (n && entity[n - 1] == 's')
		n--;
	for (size_t i = 0; i < n && o + 1 < size; i++) {
		if (entity[i] == '_') {
			up = true;
			continue;
		}
		out[o++] = up ? (char)toupper((unsigned char)entity[i]) : entity[i];
		up = false;
	}
	if (ies && o + 1 < size)
		out[o++] = 'y';
	out[o] = '\0';
}

static const char *schema_type(enum ftype t)
{
	switch (t) {
	case FT_INT: return "integer";
	case FT_NUMBER: return "number";
	case FT_BOOL: return "boolean";
	case FT_STRING:
	case FT_DATE:
	case FT_ENUM:
	case FT_TIME: return "string";
	}
	return "?";
}

static const char *schema_format(enum ftype t)
{
	switch (t) {
	case FT_INT: return "int64";
	case FT_DATE: return "date";
	case FT_TIME: return "date-time";
	default: return NULL;
	}
}

static bool is_writable(const struct fspec *f)
{
	return !(f->flags & (FS_KEY | FS_READONLY | FS_PRIVATE));
}

/* ---- The checks; each reports into @r. ------------------------------------ */

static struct ynode *operation(const struct ynode *root, const char *pattern, const char *method)
{
	return y_path(root, "paths", pattern, method, (char *)NULL);
}

/* Every route is documented with its method. */
static void check_routes_documented(const struct ynode *root, struct report *r)
{
	for (size_t i = 0; i < http_route_count(); i++) {
		struct http_route_info ri = http_route_at(i);
		char m[16];

		lower(ri.method, m, sizeof m);
		if (!y_path(root, "paths", ri.pattern, (char *)NULL))
			drift(r, "route %s %s: path %s is not documented", ri.method, ri.pattern,
			      ri.pattern);
		else if (!operation(root, ri.pattern, m))
			drift(r, "route %s %s: the path is documented but not '%s:'", ri.method,
			      ri.pattern, m);
	}
}

/* Every documented operation exists in the route table. */
static void check_no_stale_operations(const struct ynode *root, struct report *r)
{
	const struct ynode *paths = y_get(root, "paths");

	if (!paths) {
		drift(r, "there is no 'paths:' section");
		return;
	}
	for (size_t i = 0; i < paths->nkids; i++) {
		const struct ynode *p = paths->kids[i];
		bool any = false;

		for (size_t k = 0; k < p->nkids; k++) {
			const char *key = p->kids[k]->key;

			if (!key) {
				drift(r, "%s (line %d): a list where operations belong", p->key,
				      p->kids[k]->line);
			} else if (is_method(key)) {
				any = true;
				if (find_route(p->key, key) < 0)
					drift(r, "documented %s %s (line %d) has no route in src/http/routes.c",
					      key, p->key, p->kids[k]->line);
			} else if (strcmp(key, "parameters") != 0 && strcmp(key, "summary") != 0 &&
				   strcmp(key, "description") != 0) {
				drift(r, "%s: '%s:' (line %d) is neither an HTTP method nor a path field",
				      p->key, key, p->kids[k]->line);
			}
		}
		if (!any)
			drift(r, "path %s documents no operation", p->key);
	}
}

/* Public routes say "security: []"; the others require bearerAuth. */
static void check_security(const struct ynode *root, struct report *r)
{
	const struct ynode *top = y_get(root, "security");
	const struct ynode *scheme = y_path(root, "components", "securitySchemes", "bearerAuth",
					    (char *)NULL);

	if (!top || top->nkids != 1 || !y_get(top->kids[0], "bearerAuth"))
		drift(r, "the top-level security must be exactly '- bearerAuth: []'");
	if (!scheme || !y_str(scheme, "type") || strcmp(y_str(scheme, "type"), "http") != 0 ||
	    !y_str(scheme, "scheme") || strcmp(y_str(scheme, "scheme"), "bearer") != 0)
		drift(r, "components/securitySchemes/bearerAuth must be type http, scheme bearer");
	for (size_t i = 0; i < http_route_count(); i++) {
		struct http_route_info ri = http_route_at(i);
		char m[16];
		const struct ynode *op, *sec;

		lower(ri.method, m, sizeof m);
		if (!(op = operation(root, ri.pattern, m)))
			continue; /* reported by check_routes_documented */
		sec = y_get(op, "security");
		if (!sec) {
			drift(r, "%s %s: says nothing about security", ri.method, ri.pattern);
		} else if (ri.public_route) {
			if (!sec->value || strcmp(sec->value, "[]") != 0 || sec->nkids)
				drift(r, "%s %s is public: it must say 'security: []'", ri.method,
				      ri.pattern);
		} else if (sec->nkids != 1 || !y_get(sec->kids[0], "bearerAuth")) {
			drift(r, "%s %s needs a bearer token: it must say 'security:' '- bearerAuth: []'",
			      ri.method, ri.pattern);
		}
	}
}

/* The parameters of an operation and of its path, resolved. */
static size_t op_params(const struct ynode *root, const char *pattern, const char *method,
			const struct ynode **out, size_t max)
{
	const struct ynode *lists[2] = {
		y_path(root, "paths", pattern, "parameters", (char *)NULL),
		y_path(root, "paths", pattern, method, "parameters", (char *)NULL),
	};
	size_t n = 0;

	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; lists[l] && i < lists[l]->nkids && n < max; i++) {
			const struct ynode *p = y_deref(root, lists[l]->kids[i]);
			if (p)
				out[n++] = p;
		}
	}
	return n;
}

static const struct ynode *find_param(const struct ynode *const *ps, size_t n, const char *in,
				      const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const char *pin = y_str(ps[i], "in"), *pname = y_str(ps[i], "name");
		if (pin && pname && strcmp(pin, in) == 0 && strcasecmp(pname, name) == 0)
			return ps[i];
	}
	return NULL;
}

/* Every {name} in a path is a declared path parameter. */
static void check_path_params(const struct ynode *root, struct report *r)
{
	for (size_t i = 0; i < http_route_count(); i++) {
		struct http_route_info ri = http_route_at(i);
		const struct ynode *ps[32];
		char m[16], name[64];
		size_t n;

		lower(ri.method, m, sizeof m);
		if (!operation(root, ri.pattern, m))
			continue;
		n = op_params(root, ri.pattern, m, ps, 32);
		for (const char *p = strchr(ri.pattern, '{'); p; p = strchr(p + 1, '{')) {
			size_t len = strcspn(p + 1, "}");
			snprintf(name, sizeof name, "%.*s", (int)len, p + 1);
			const struct ynode *prm = find_param(ps, n, "path", name);
			if (!prm)
				drift(r, "%s %s: path parameter '%s' is not declared", ri.method,
				      ri.pattern, name);
			else if (!y_str(prm, "required") || strcmp(y_str(prm, "required"), "true"))
				drift(r, "%s %s: path parameter '%s' must be required: true", ri.method,
				      ri.pattern, name);
		}
	}
}

static bool has_response(const struct ynode *op, const char *code)
{
	return y_path(op, "responses", code, (char *)NULL) != NULL;
}

/* Summary, description, a success answer, and the failures every route of
 * its kind can give. */
static void check_responses(const struct ynode *root, struct report *r)
{
	for (size_t i = 0; i < http_route_count(); i++) {
		struct http_route_info ri = http_route_at(i);
		const struct ynode *op, *resp;
		bool ok2xx = false;
		char m[16];

		lower(ri.method, m, sizeof m);
		if (!(op = operation(root, ri.pattern, m)))
			continue;
		if (!y_str(op, "summary") || !*y_str(op, "summary"))
			drift(r, "%s %s: no summary", ri.method, ri.pattern);
		if (!y_str(op, "description") || !*y_str(op, "description"))
			drift(r, "%s %s: no description", ri.method, ri.pattern);
		if (!(resp = y_get(op, "responses"))) {
			drift(r, "%s %s: no responses", ri.method, ri.pattern);
			continue;
		}
		for (size_t k = 0; k < resp->nkids; k++) {
			const char *code = resp->kids[k]->key;
			const struct ynode *body = y_deref(root, resp->kids[k]);

			if (!code || strlen(code) != 3 || !isdigit((unsigned char)code[0]))
				drift(r, "%s %s: response key '%s' is not a status code", ri.method,
				      ri.pattern, code ? code : "-");
			else if (code[0] == '2')
				ok2xx = true;
			if (!body || !y_str(body, "description"))
				drift(r, "%s %s: response %s has no description (or a broken $ref)",
				      ri.method, ri.pattern, code ? code : "-");
		}
		if (!ok2xx)
			drift(r, "%s %s: no 2xx response", ri.method, ri.pattern);
		if (!ri.public_route && !has_response(op, "401"))
			drift(r, "%s %s: needs a token, so it must document 401", ri.method,
			      ri.pattern);
		if (y_get(op, "requestBody")) {
			static const char *const body_codes[] = {"400", "413", "415"};
			for (size_t k = 0; k < 3; k++) {
				if (!has_response(op, body_codes[k]))
					drift(r, "%s %s: takes a body, so it must document %s",
					      ri.method, ri.pattern, body_codes[k]);
			}
		}
		/* server.c applies Idempotency-Key to every authenticated POST. */
		if (!ri.public_route && strcmp(ri.method, "POST") == 0) {
			const struct ynode *ps[32];
			size_t n = op_params(root, ri.pattern, m, ps, 32);
			if (!find_param(ps, n, "header", "Idempotency-Key"))
				drift(r, "%s %s: must document the Idempotency-Key header",
				      ri.method, ri.pattern);
			if (!has_response(op, "409") || !has_response(op, "422"))
				drift(r, "%s %s: must document 409 and 422 for Idempotency-Key",
				      ri.method, ri.pattern);
		}
	}
}

/* A response's header @name, following $refs; NULL when absent. */
static const struct ynode *resp_header(const struct ynode *root, const struct ynode *op,
				       const char *code, const char *name)
{
	const struct ynode *resp = y_deref(root, y_path(op, "responses", code, (char *)NULL));
	return y_path(resp, "headers", name, (char *)NULL);
}

/* The record routes of every entity follow the ETag conventions. */
static void check_record_conventions(const struct ynode *root, struct report *r)
{
	for (const struct espec *const *e = ESPEC_ALL; *e; e++) {
		char coll[128], one[140];
		const struct ynode *ps[32], *op;
		size_t n;

		snprintf(coll, sizeof coll, "/api/v1/%s", (*e)->name);
		snprintf(one, sizeof one, "/api/v1/%s/{id}", (*e)->name);
		if ((op = operation(root, coll, "post")) &&
		    (!resp_header(root, op, "201", "ETag") || !resp_header(root, op, "201", "Location")))
			drift(r, "POST %s: 201 must carry the ETag and Location headers", coll);
		if ((op = operation(root, one, "get"))) {
			n = op_params(root, one, "get", ps, 32);
			if (!find_param(ps, n, "header", "If-None-Match") || !has_response(op, "304"))
				drift(r, "GET %s: must take If-None-Match and document 304", one);
			if (!resp_header(root, op, "200", "ETag"))
				drift(r, "GET %s: 200 must carry the ETag header", one);
		}
		static const char *const writes[] = {"patch", "delete"};
		for (int w = 0; w < 2; w++) {
			if (!(op = operation(root, one, writes[w])))
				continue;
			n = op_params(root, one, writes[w], ps, 32);
			if (!find_param(ps, n, "header", "If-Match") || !has_response(op, "412"))
				drift(r, "%s %s: must take If-Match and document 412", writes[w], one);
			if (!has_response(op, "403") || !has_response(op, "404"))
				drift(r, "%s %s: must document 403 and 404", writes[w], one);
		}
		if ((op = operation(root, one, "patch")) && !resp_header(root, op, "200", "ETag"))
			drift(r, "PATCH %s: 200 must carry the ETag header", one);
	}
}

/* Attribute @key of @prop is @want (NULL: must be absent). */
static void expect_attr(struct report *r, const char *where, const struct ynode *prop,
			const char *key, const char *want, const char *why)
{
	const char *have = y_str(prop, key);

	if (want && !have)
		drift(r, "%s: %s is missing, want %s (%s)", where, key, want, why);
	else if (!want && have && strcmp(have, "false") != 0)
		drift(r, "%s: %s: %s should not be there (%s)", where, key, have, why);
	else if (want && strcmp(have, want) != 0)
		drift(r, "%s: %s is %s, want %s (%s)", where, key, have, want, why);
}

/* Numeric attribute @key of @prop equals @want, or is absent when !@present. */
static void expect_num(struct report *r, const char *where, const struct ynode *prop,
		       const char *key, bool present, double want)
{
	const char *have = y_str(prop, key);
	char *end;
	double v;

	if (!present) {
		if (have)
			drift(r, "%s: %s: %s should not be there", where, key, have);
		return;
	}
	if (!have) {
		drift(r, "%s: %s is missing, want %.17g", where, key, want);
		return;
	}
	v = strtod(have, &end);
	if (end == have || *end || fabs(v - want) > 1e-9 * fmax(1.0, fabs(want)))
		drift(r, "%s: %s is %s, want %.17g", where, key, have, want);
}

/* The values of the list @list as one "a, b, c" string; with @skip_null,
 * leaving out one entry null (a nullable enum lists null, so that strict
 * validators accept the null a response holds). */
static void list_text(const struct ynode *list, char *out, size_t size, bool skip_null)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; list && i < list->nkids; i++) {
		if (skip_null && list->kids[i]->value && strcmp(list->kids[i]->value, "null") == 0) {
			skip_null = false;
			continue;
		}
		int w = snprintf(out + used, size - used, "%s%s", used ? ", " : "",
				 list->kids[i]->value ? list->kids[i]->value : "?");
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
}

static void expect_enum(struct report *r, const char *where, const struct ynode *node,
			const struct fspec *f)
{
	const struct ynode *list = y_get(node, "enum");
	char have[512], want[512] = "";
	size_t used = 0;

	if (f->type != FT_ENUM) {
		if (list)
			drift(r, "%s: has an enum, but the field is no FT_ENUM", where);
		return;
	}
	for (const char *const *c = f->choices; *c; c++) {
		int w = snprintf(want + used, sizeof want - used, "%s%s", used ? ", " : "", *c);
		if (w > 0 && (size_t)w < sizeof want - used)
			used += (size_t)w;
	}
	list_text(list, have, sizeof have, (f->flags & FS_NULLABLE) != 0);
	if (strcmp(have, want) != 0)
		drift(r, "%s: enum is [%s], the code's choices are [%s]", where, have, want);
}

static void check_property(struct report *r, const char *schema, const struct fspec *f,
			   const struct ynode *prop)
{
	char where[160];
	bool str = f->type == FT_STRING, num = f->type == FT_INT || f->type == FT_NUMBER;

	snprintf(where, sizeof where, "schema %s, property %s", schema, f->name);
	expect_attr(r, where, prop, "type", schema_type(f->type), "from the field type");
	expect_attr(r, where, prop, "format", schema_format(f->type), "from the field type");
	expect_attr(r, where, prop, "nullable", f->flags & FS_NULLABLE ? "true" : NULL,
		    "FS_NULLABLE");
	expect_attr(r, where, prop, "readOnly", f->flags & FS_READONLY ? "true" : NULL,
		    "FS_READONLY");
	expect_attr(r, where, prop, "writeOnly", NULL, "only for what is no field");
	expect_num(r, where, prop, "minLength", str && f->min > 0, f->min);
	expect_num(r, where, prop, "maxLength", str && f->max > 0, f->max);
	expect_num(r, where, prop, "minimum", num, f->min);
	expect_num(r, where, prop, "maximum", num, f->max);
	expect_enum(r, where, prop, f);
	if (f->check && !y_str(prop, "pattern"))
		drift(r, "%s: the field has a format rule; document it as a pattern", where);
	if (!f->check && y_str(prop, "pattern"))
		drift(r, "%s: has a pattern, but the field has no format rule", where);
	if (!y_str(prop, "description"))
		drift(r, "%s: no description", where);
}

/* The entity schemas mirror the field specs. */
static void check_entity_schemas(const struct ynode *root, struct report *r)
{
	for (const struct espec *const *e = ESPEC_ALL; *e; e++) {
		char name[64];
		const struct ynode *schema, *props, *req;

		schema_name((*e)->name, name, sizeof name);
		schema = y_path(root, "components", "schemas", name, (char *)NULL);
		if (!schema) {
			drift(r, "entity %s: no schema components/schemas/%s", (*e)->name, name);
			continue;
		}
		props = y_get(schema, "properties");
		expect_attr(r, name, schema, "type", "object", "a record");
		expect_attr(r, name, schema, "additionalProperties", "false",
			    "unknown fields are rejected");
		for (size_t i = 0; i < (*e)->nfields; i++) {
			const struct fspec *f = &(*e)->fields[i];
			const struct ynode *prop = y_get(props, f->name);

			if (f->flags & FS_PRIVATE) {
				if (prop)
					drift(r, "schema %s: %s is FS_PRIVATE and must not be documented",
					      name, f->name);
			} else if (!prop) {
				drift(r, "schema %s: field %s is missing", name, f->name);
			} else {
				check_property(r, name, f, prop);
			}
		}
		for (size_t k = 0; props && k < props->nkids; k++) {
			const struct ynode *prop = props->kids[k];
			const char *wo = y_str(prop, "writeOnly");

			if (!prop->key || espec_field(*e, prop->key))
				continue;
			if (!wo || strcmp(wo, "true") != 0)
				drift(r, "schema %s: property %s is no field of %s (only a writeOnly input may be extra)",
				      name, prop->key, (*e)->name);
		}
		req = y_get(schema, "required");
		for (size_t i = 0; i < (*e)->nfields; i++) {
			const struct fspec *f = &(*e)->fields[i];
			bool listed = false;

			for (size_t k = 0; req && k < req->nkids; k++)
				listed |= req->kids[k]->value && strcmp(req->kids[k]->value, f->name) == 0;
			if ((f->flags & FS_REQUIRED) && !listed)
				drift(r, "schema %s: required must list %s (FS_REQUIRED)", name, f->name);
			if (!(f->flags & FS_REQUIRED) && listed)
				drift(r, "schema %s: required lists %s, which is not FS_REQUIRED", name,
				      f->name);
		}
		for (size_t k = 0; req && k < req->nkids; k++) {
			const char *v = req->kids[k]->value;
			if (!v || !espec_field(*e, v))
				drift(r, "schema %s: required lists %s, which is no field", name,
				      v ? v : "?");
		}
	}
}

/* <Name>Patch holds every writable field; <Name>Page wraps a list. */
static void check_patch_and_page(const struct ynode *root, struct report *r)
{
	for (const struct espec *const *e = ESPEC_ALL; *e; e++) {
		char name[64], patch_name[80], page_name[80], want_ref[160];
		const struct ynode *main_props, *patch, *props, *page;

		schema_name((*e)->name, name, sizeof name);
		snprintf(patch_name, sizeof patch_name, "%sPatch", name);
		snprintf(page_name, sizeof page_name, "%sPage", name);
		main_props = y_path(root, "components", "schemas", name, "properties", (char *)NULL);
		patch = y_path(root, "components", "schemas", patch_name, (char *)NULL);
		props = y_get(patch, "properties");
		if (!patch) {
			drift(r, "entity %s: no schema %s for PATCH bodies", (*e)->name, patch_name);
		} else {
			if (y_get(patch, "required"))
				drift(r, "schema %s: a PATCH body has no required fields", patch_name);
			expect_attr(r, patch_name, patch, "additionalProperties", "false",
				    "unknown fields are rejected");
			for (size_t i = 0; i < (*e)->nfields; i++) {
				const struct fspec *f = &(*e)->fields[i];
				bool has = y_get(props, f->name) != NULL;
				if (is_writable(f) && !has)
					drift(r, "schema %s: writable field %s is missing", patch_name,
					      f->name);
				if (!is_writable(f) && has)
					drift(r, "schema %s: %s cannot be changed (key, read-only or private)",
					      patch_name, f->name);
			}
			for (size_t k = 0; props && k < props->nkids; k++) {
				const struct ynode *p = props->kids[k];
				const struct ynode *target = y_get(main_props, p->key);

				snprintf(want_ref, sizeof want_ref, "#/components/schemas/%s/properties/%s",
					 name, p->key);
				if (!target)
					drift(r, "schema %s: %s is not a property of %s", patch_name,
					      p->key, name);
				else if (!espec_field(*e, p->key) &&
					 (!y_str(target, "writeOnly") ||
					  strcmp(y_str(target, "writeOnly"), "true") != 0))
					drift(r, "schema %s: %s is no field", patch_name, p->key);
				if (!y_str(p, "$ref") || strcmp(y_str(p, "$ref"), want_ref) != 0)
					drift(r, "schema %s: %s must be $ref '%s'", patch_name, p->key,
					      want_ref);
			}
			for (size_t k = 0; main_props && k < main_props->nkids; k++) {
				const struct ynode *p = main_props->kids[k];
				const char *wo = y_str(p, "writeOnly");
				if (!espec_field(*e, p->key) && wo && strcmp(wo, "true") == 0 &&
				    !y_get(props, p->key))
					drift(r, "schema %s: write-only input %s is missing", patch_name,
					      p->key);
			}
		}
		page = y_path(root, "components", "schemas", page_name, (char *)NULL);
		snprintf(want_ref, sizeof want_ref, "#/components/schemas/%s", name);
		const char *items_ref = y_str(y_path(page, "properties", "items", "items", (char *)NULL),
					      "$ref");
		const struct ynode *next = y_path(page, "properties", "next_cursor", (char *)NULL);
		if (!page)
			drift(r, "entity %s: no schema %s for list pages", (*e)->name, page_name);
		else if (!items_ref || strcmp(items_ref, want_ref) != 0)
			drift(r, "schema %s: items must be an array of $ref '%s'", page_name, want_ref);
		if (page && (!next || !y_str(next, "nullable") ||
			     strcmp(y_str(next, "nullable"), "true") != 0))
			drift(r, "schema %s: next_cursor must be a nullable string", page_name);
	}
}

/* Check a list operation's query parameters: limit, cursor, and exactly
 * @e's FS_FILTER fields, or (when @e is NULL) exactly the parameters of
 * @params (ended by a NULL name; NULL: none). */
static void check_list_params(const struct ynode *root, struct report *r, const char *path,
			      const struct espec *e, const struct fspec *params)
{
	const struct ynode *ps[32];
	const struct ynode *limit;
	size_t n;

	if (!operation(root, path, "get")) {
		drift(r, "GET %s is not documented", path);
		return;
	}
	n = op_params(root, path, "get", ps, 32);
	limit = find_param(ps, n, "query", "limit");
	/* format (json, csv, xlsx) is, like limit and cursor, no filter: every
	 * record list takes it (h_rec_list); the audit trail answers JSON only. */
	if (e && !find_param(ps, n, "query", "format"))
		drift(r, "GET %s: must take format (json, csv or xlsx)", path);
	if (!limit || !find_param(ps, n, "query", "cursor")) {
		drift(r, "GET %s: must take limit and cursor", path);
	} else {
		const struct ynode *s = y_get(limit, "schema");
		char where[160];
		snprintf(where, sizeof where, "GET %s, parameter limit", path);
		expect_num(r, where, s, "minimum", true, 1);
		expect_num(r, where, s, "maximum", true, SVC_MAX_LIMIT);
		expect_num(r, where, s, "default", true, SVC_DEFAULT_LIMIT);
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = y_str(ps[i], "name"), *in = y_str(ps[i], "in");
		const struct fspec *f;

		if (!name || !in || strcmp(in, "query") != 0 || strcmp(name, "limit") == 0 ||
		    strcmp(name, "cursor") == 0 || strcmp(name, "format") == 0)
			continue;
		f = e ? espec_field(e, name) : params ? fspec_find(params, name) : NULL;
		if (!f || (e && !(f->flags & FS_FILTER))) {
			drift(r, "GET %s: documents filter '%s', which the code does not accept", path,
			      name);
			continue;
		}
		char where[160];
		snprintf(where, sizeof where, "GET %s, filter %s", path, name);
		expect_attr(r, where, y_get(ps[i], "schema"), "type", schema_type(f->type),
			    "from the field type");
		expect_enum(r, where, y_get(ps[i], "schema"), f);
	}
	for (size_t i = 0; e && i < e->nfields; i++) {
		if ((e->fields[i].flags & FS_FILTER) &&
		    !find_param(ps, n, "query", e->fields[i].name))
			drift(r, "GET %s: filter '%s' (FS_FILTER) is not documented", path,
			      e->fields[i].name);
	}
	for (const struct fspec *f = e ? NULL : params; f && f->name; f++) {
		if (!find_param(ps, n, "query", f->name))
			drift(r, "GET %s: parameter '%s' is not documented", path, f->name);
	}
}

static void check_list_filters(const struct ynode *root, struct report *r)
{
	char path[128];

	for (const struct espec *const *e = ESPEC_ALL; *e; e++) {
		snprintf(path, sizeof path, "/api/v1/%s", (*e)->name);
		check_list_params(root, r, path, *e, NULL);
	}
	check_list_params(root, r, "/api/v1/audit", NULL, AUDIT_PARAMS);
}

/* The Problem schema lists exactly the registry's types. */
static void check_problem_types(const struct ynode *root, struct report *r)
{
	const struct ynode *list =
		y_path(root, "components", "schemas", "Problem", "properties", "type", "enum",
		       (char *)NULL);
	char want[128];

	if (!list) {
		drift(r, "components/schemas/Problem/properties/type has no enum");
		return;
	}
	for (int e = 0; e < E__COUNT; e++) {
		bool found = false;
		snprintf(want, sizeof want, "urn:nsatu:problem:%s", http_problem_slug((enum http_err)e));
		for (size_t k = 0; k < list->nkids; k++)
			found |= list->kids[k]->value && strcmp(list->kids[k]->value, want) == 0;
		if (!found)
			drift(r, "Problem type %s (status %d) is not in the enum", want,
			      http_problem_status((enum http_err)e));
	}
	for (size_t k = 0; k < list->nkids; k++) {
		bool found = false;
		for (int e = 0; e < E__COUNT; e++) {
			snprintf(want, sizeof want, "urn:nsatu:problem:%s",
				 http_problem_slug((enum http_err)e));
			found |= list->kids[k]->value && strcmp(list->kids[k]->value, want) == 0;
		}
		if (!found)
			drift(r, "Problem type %s is not in the error registry",
			      list->kids[k]->value ? list->kids[k]->value : "?");
	}
}

/* Every "$ref" points at something in the document. */
static void check_refs(const struct ynode *root, const struct ynode *n, struct report *r)
{
	for (size_t i = 0; i < n->nkids; i++) {
		const struct ynode *k = n->kids[i];
		if (k->key && strcmp(k->key, "$ref") == 0 && !y_ref(root, k->value))
			drift(r, "line %d: $ref '%s' points at nothing", k->line,
			      k->value ? k->value : "");
		check_refs(root, k, r);
	}
}

static void check_all(const struct ynode *root, struct report *r)
{
	check_routes_documented(root, r);
	check_no_stale_operations(root, r);
	check_security(root, r);
	check_path_params(root, r);
	check_responses(root, r);
	check_record_conventions(root, r);
	check_entity_schemas(root, r);
	check_patch_and_page(root, r);
	check_list_filters(root, r);
	check_problem_types(root, r);
	check_refs(root, root, r);
}

/* ---- The tests. -------------------------------------------------------------- */

static struct ynode *doc;

static void load_doc(void)
{
	const char *dir = getenv("NSATU_SRCDIR");
	char path[4096];

	snprintf(path, sizeof path, "%s%sdocs/openapi.yaml", dir && *dir ? dir : "",
		 dir && *dir ? "/" : "");
	doc = y_load(path);
}

static void free_doc(void)
{
	y_free(doc);
	doc = NULL;
}

START_TEST(document_header)
{
	ck_assert_str_eq(y_str(doc, "openapi") ? y_str(doc, "openapi") : "(none)", "3.0.3");
	ck_assert_ptr_nonnull(y_path(doc, "info", "title", (char *)NULL));
	ck_assert_ptr_nonnull(y_get(doc, "paths"));
	ck_assert_ptr_nonnull(y_path(doc, "components", "schemas", (char *)NULL));
}
END_TEST

#define CHECK_TEST(name, fn)                     \
	START_TEST(name)                         \
	{                                        \
		struct report r = {.count = 0};  \
		fn(doc, &r);                     \
		ASSERT_NO_DRIFT(&r);             \
	}                                        \
	END_TEST

CHECK_TEST(every_route_is_documented, check_routes_documented)
CHECK_TEST(no_stale_operations, check_no_stale_operations)
CHECK_TEST(security_matches_routes, check_security)
CHECK_TEST(path_parameters_declared, check_path_params)
CHECK_TEST(responses_cover_failures, check_responses)
CHECK_TEST(record_routes_follow_conventions, check_record_conventions)
CHECK_TEST(entity_schemas_match_field_specs, check_entity_schemas)
CHECK_TEST(patch_and_page_schemas, check_patch_and_page)
CHECK_TEST(list_filters_match_field_specs, check_list_filters)
CHECK_TEST(problem_types_match_registry, check_problem_types)

START_TEST(refs_resolve)
{
	struct report r = {.count = 0};

	check_refs(doc, doc, &r);
	ASSERT_NO_DRIFT(&r);
}
END_TEST

/* Break the parsed document in one way; the checks must notice. */
static void expect_caught(const char *what, const char *needle)
{
	struct report r = {.count = 0};

	check_all(doc, &r);
	ck_assert_msg(reported(&r, needle),
		      "the checks missed a drift (%s): no report mentions '%s'; got %d:%s", what,
		      needle, r.count, r.text);
	free_doc();
	load_doc();
}

START_TEST(drift_is_caught)
{
	struct report clean = {.count = 0};
	struct ynode *n;

	check_all(doc, &clean);
	ASSERT_NO_DRIFT(&clean);

	y_remove(y_path(doc, "paths", "/api/v1/audit/verify", (char *)NULL), "get");
	expect_caught("a route's operation deleted", "GET /api/v1/audit/verify");

	y_remove(y_get(doc, "paths"), "/api/v1/sessions");
	expect_caught("a route's path deleted", "POST /api/v1/sessions");

	n = y_path(doc, "paths", "/api/v1/nations/{id}", (char *)NULL);
	y_add(n, y_new("put", 4, 0));
	expect_caught("an operation without a route", "put /api/v1/nations/{id}");

	n = y_path(doc, "paths", "/healthz", "get", "security", (char *)NULL);
	free(n->value);
	n->value = strdup("[x]");
	expect_caught("a public route with security", "GET /healthz is public");

	y_remove(y_path(doc, "paths", "/api/v1/items", "get", (char *)NULL), "security");
	expect_caught("an operation without security", "GET /api/v1/items: says nothing");

	y_remove(y_path(doc, "components", "schemas", "User", "properties", (char *)NULL),
		 "expires_on");
	expect_caught("a field missing from a schema", "field expires_on is missing");

	n = y_path(doc, "components", "schemas", "Nation", "properties", "status", "enum",
		   (char *)NULL);
	free(n->kids[0]->value);
	n->kids[0]->value = strdup("ally");
	expect_caught("an enum value changed", "property status: enum");

	n = y_path(doc, "components", "schemas", "Site", "properties", "notes", (char *)NULL);
	y_remove(n, "nullable");
	expect_caught("nullable dropped", "property notes: nullable");

	n = y_path(doc, "components", "schemas", "Item", "properties", "unit_value_eur",
		   (char *)NULL);
	free(y_get(n, "maximum")->value);
	y_get(n, "maximum")->value = strdup("999");
	expect_caught("a bound changed", "property unit_value_eur: maximum");

	n = y_path(doc, "components", "schemas", "Coalition", "required", (char *)NULL);
	y_add(n, y_new(NULL, 8, 0));
	n->kids[n->nkids - 1]->value = strdup("lead_nations");
	expect_caught("required too wide", "required lists lead_nations");

	n = y_path(doc, "components", "schemas", "User", "properties", (char *)NULL);
	y_add(n, y_new("password_hash", 8, 0));
	expect_caught("a private field documented", "password_hash is FS_PRIVATE");

	y_remove(y_path(doc, "components", "schemas", "ItemPatch", "properties", (char *)NULL),
		 "nsn");
	expect_caught("a writable field missing from a PATCH body", "writable field nsn");

	n = y_path(doc, "paths", "/api/v1/sites", "get", "parameters", (char *)NULL);
	for (size_t i = 0; i < n->nkids; i++) {
		const char *name = y_str(n->kids[i], "name");
		if (name && strcmp(name, "kind") == 0) {
			free(y_get(n->kids[i], "name")->value);
			y_get(n->kids[i], "name")->value = strdup("name");
		}
	}
	expect_caught("a filter renamed", "filter 'kind'");

	n = y_path(doc, "paths", "/api/v1/audit", "get", "parameters", (char *)NULL);
	for (size_t i = 0; i < n->nkids; i++) {
		const char *name = y_str(n->kids[i], "name");
		if (name && strcmp(name, "seq_to") == 0) {
			free(y_get(n->kids[i], "name")->value);
			y_get(n->kids[i], "name")->value = strdup("seq_until");
		}
	}
	expect_caught("an audit parameter renamed", "parameter 'seq_to'");

	n = y_path(doc, "components", "schemas", "Problem", "properties", "type", "enum",
		   (char *)NULL);
	for (size_t i = 0; i < n->nkids; i++) {
		if (n->kids[i]->value && strcmp(n->kids[i]->value, "urn:nsatu:problem:unavailable") == 0) {
			free(n->kids[i]->value);
			n->kids[i]->value = strdup("urn:nsatu:problem:gone");
		}
	}
	expect_caught("a problem type missing", "urn:nsatu:problem:unavailable");

	n = y_path(doc, "paths", "/api/v1/users/{id}", "patch", "responses", (char *)NULL);
	y_remove(n, "412");
	expect_caught("412 dropped from a PATCH", "patch /api/v1/users/{id}: must take If-Match");

	n = y_path(doc, "paths", "/api/v1/nations", "get", "responses", "200", "content",
		   "application/json", "schema", (char *)NULL);
	free(y_get(n, "$ref")->value);
	y_get(n, "$ref")->value = strdup("#/components/schemas/NoSuchPage");
	expect_caught("a broken $ref", "NoSuchPage");
}
END_TEST

Suite *suite_openapi(void)
{
	Suite *s = suite_create("openapi");
	TCase *tc = tcase_create("document");

	tcase_add_checked_fixture(tc, load_doc, free_doc);
	tcase_add_test(tc, document_header);
	tcase_add_test(tc, every_route_is_documented);
	tcase_add_test(tc, no_stale_operations);
	tcase_add_test(tc, security_matches_routes);
	tcase_add_test(tc, path_parameters_declared);
	tcase_add_test(tc, responses_cover_failures);
	tcase_add_test(tc, record_routes_follow_conventions);
	tcase_add_test(tc, entity_schemas_match_field_specs);
	tcase_add_test(tc, patch_and_page_schemas);
	tcase_add_test(tc, list_filters_match_field_specs);
	tcase_add_test(tc, problem_types_match_registry);
	tcase_add_test(tc, refs_resolve);
	tcase_add_test(tc, drift_is_caught);
	suite_add_tcase(s, tc);
	return s;
}
