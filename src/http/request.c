/*
 * request.c - reading what the client sent: headers, query string, body.
 * Each helper that can fail answers the request itself with a problem that
 * names the parameter, so handlers stay short.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *http_header(struct http_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *http_query(struct http_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

static bool is_json_type(const char *ct)
{
	static const char want[] = "application/json";
	size_t n = sizeof want - 1;

	if (!ct || strncasecmp(ct, want, n) != 0)
		return false;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/* The body as JSON; a large {"@key": [...]} (a batch) on two threads. */
static json_t *body_json(struct http_req *rq, const char *key)
{
	struct verr err = {.field = ""};
	json_t *v;
	int rc;

	if (rq->body_len > 0 && !is_json_type(http_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		http_problem(rq, E_MEDIA_TYPE, "Content-Type",
			     "must be application/json");
		return NULL;
	}
	rc = key ? http_decode_json_split(rq->body, rq->body_len, key, 256 * 1024, &v, &err)
		 : http_decode_json(rq->body, rq->body_len, &v, &err);
	if (rc != ST_OK) {
		http_problem(rq, E_BAD_REQUEST, err.field, "%s", err.reason);
		return NULL;
	}
	return v;
}

json_t *http_body_json(struct http_req *rq)
{
	return body_json(rq, NULL);
}

json_t *http_body_json_batch(struct http_req *rq, const char *key)
{
	return body_json(rq, key);
}

int64_t http_if_match(struct http_req *rq)
{
	const char *h = http_header(rq, MHD_HTTP_HEADER_IF_MATCH);
	char *end;
	long long v;

	if (!h || strcmp(h, "*") == 0)
		return -1;
	if (h[0] == '"') {
		errno = 0;
		v = strtoll(h + 1, &end, 10);
		if (!errno && end != h + 1 && end[0] == '"' && end[1] == '\0' && v > 0)
			return v;
	}
	http_problem(rq, E_BAD_REQUEST, "If-Match",
		     "must be an ETag from this API, such as \"3\"");
	return -2;
}

struct list_walk {
	struct http_req *rq;
	struct http_list_args *a;
	const char *bad_name;
	const char *bad_reason;
};

static enum MHD_Result list_arg(void *cls, enum MHD_ValueKind kind,
				const char *key, const char *value)
{
	struct list_walk *w = cls;
	struct svc_list *q = &w->a->q;

	(void)kind;
	if (!value)
		value = "";
	if (strcmp(key, "format") == 0) {
		if (w->a->format) {
			w->bad_name = key;
			w->bad_reason = "appears more than once";
			return MHD_NO;
		}
		if (strcmp(value, "json") && strcmp(value, "csv") && strcmp(value, "xlsx")) {
			w->bad_name = key;
			w->bad_reason = "must be json, csv or xlsx";
			return MHD_NO;
		}
		w->a->format = value;
		return MHD_YES;
	}
	if (strcmp(key, "limit") == 0 || strcmp(key, "cursor") == 0) {
		bool limit = key[0] == 'l';
		if (limit ? q->limit != 0 : q->cursor != NULL) {
			w->bad_name = key;
			w->bad_reason = "appears more than once";
			return MHD_NO;
		}
		if (!limit) {
			q->cursor = value;
			return MHD_YES;
		}
		char *end;
		errno = 0;
		long n = strtol(value, &end, 10);
		if (errno || end == value || *end || n < 1 || n > SVC_MAX_LIMIT) {
			w->bad_name = key;
			w->bad_reason = "must be a whole number from 1 to 500";
			return MHD_NO;
		}
		q->limit = (size_t)n;
		return MHD_YES;
	}
	for (size_t i = 0; i < q->nfilters; i++) {
		if (strcmp(w->a->filters[i].field, key) == 0) {
			w->bad_name = key;
			w->bad_reason = "appears more than once";
			return MHD_NO;
		}
	}
	if (q->nfilters == HTTP_MAX_FILTERS) {
		w->bad_name = key;
		w->bad_reason = "is one filter too many";
		return MHD_NO;
	}
	w->a->filters[q->nfilters].field = key;
	w->a->filters[q->nfilters].value = value;
	q->nfilters++;
	return MHD_YES;
}

bool http_list_params(struct http_req *rq, struct http_list_args *a)
{
	struct list_walk w = {.rq = rq, .a = a};

	memset(a, 0, sizeof *a);
	a->q.filters = a->filters;
	MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, list_arg, &w);
	if (w.bad_name) {
		http_problem(rq, E_BAD_REQUEST, w.bad_name, "%s", w.bad_reason);
		return false;
	}
	if (!a->format)
		a->format = "json";
	return true;
}

struct only_walk {
	const char *const *allowed;
	const char *seen[16];
	size_t nseen;
	const char *bad, *why;
};

static enum MHD_Result only_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	struct only_walk *w = cls;
	const char *const *a;

	(void)kind, (void)value;
	for (a = w->allowed; *a && strcmp(*a, key) != 0; a++)
		;
	if (!*a) {
		w->bad = key;
		w->why = "is not a parameter here";
		return MHD_NO;
	}
	for (size_t i = 0; i < w->nseen; i++) {
		if (strcmp(w->seen[i], key) == 0) {
			w->bad = key;
			w->why = "appears more than once";
			return MHD_NO;
		}
	}
	if (w->nseen < 16)
		w->seen[w->nseen++] = *a;
	return MHD_YES;
}

bool http_only_params(struct http_req *rq, const char *const *allowed)
{
	struct only_walk w = {.allowed = allowed};

	MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, only_arg, &w);
	if (w.bad) {
		http_problem(rq, E_BAD_REQUEST, w.bad, "%s", w.why);
		return false;
	}
	return true;
}
