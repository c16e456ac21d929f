/*
 * problem.c - the one error registry and RFC 9457 problem responses.
 *
 * Every error nsatu answers with is a row here: its HTTP status, a stable
 * slug that clients may branch on (the "type" is urn:nsatu:problem:SLUG),
 * and a title.  The detail says what went wrong with this request; when a
 * single field is at fault, "field" names it and "errors" lists it with
 * the bare reason.
 */
#include "internal.h"

#include "log/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	int status;
	const char *slug;
	const char *title;
} registry[E__COUNT] = {
	[E_BAD_REQUEST] = {400, "bad-request", "The request is malformed"},
	[E_INVALID] = {400, "invalid-field", "A field is not valid"},
	[E_UNAUTHORIZED] = {401, "unauthorized", "Authentication is required"},
	[E_FORBIDDEN] = {403, "forbidden", "Your role may not do this"},
	[E_NOT_FOUND] = {404, "not-found", "No such resource"},
	[E_METHOD] = {405, "method-not-allowed", "Method not allowed on this resource"},
	[E_CONFLICT] = {409, "conflict", "The request conflicts with the current state"},
	[E_IN_PROGRESS] = {409, "request-in-progress", "A request with this Idempotency-Key is still running"},
	[E_PRECONDITION] = {412, "precondition-failed", "The record changed since you read it"},
	[E_TOO_LARGE] = {413, "payload-too-large", "The request body is too large"},
	[E_MEDIA_TYPE] = {415, "unsupported-media-type", "Unsupported media type"},
	[E_IDEM_MISMATCH] = {422, "idempotency-key-reused", "This Idempotency-Key was used for a different request"},
	[E_THROTTLED] = {429, "too-many-requests", "Too many attempts"},
	[E_INTERNAL] = {500, "internal-error", "Internal server error"},
	[E_UNAVAILABLE] = {503, "unavailable", "The service is busy; retry shortly"},
};

int http_problem_status(enum http_err e) { return registry[e].status; }
const char *http_problem_slug(enum http_err e) { return registry[e].slug; }

/* json_string that never fails on hostile bytes. */
static json_t *safe_string(const char *s)
{
	json_t *v = json_string(s);
	return v ? v : json_string("(not valid UTF-8)");
}

#define DETAIL_MAX 512

/* The problem document of @e with @reason (and @field, when one is at
 * fault), its detail also written to @detail; NULL on OOM, which
 * http_reply_json answers as a bare 500. */
static json_t *problem_new(struct http_req *rq, enum http_err e, const char *field,
			   const char *reason, char detail[DETAIL_MAX])
{
	char type[80];
	json_t *body;

	/* With a field, the detail reads "field: reason"; "errors" holds both. */
	if (field && *field)
		snprintf(detail, DETAIL_MAX, "%s: %s", field, reason);
	else
		snprintf(detail, DETAIL_MAX, "%s", reason);
	snprintf(type, sizeof type, "urn:nsatu:problem:%s", registry[e].slug);
	body = json_pack("{s:s, s:s, s:i, s:o, s:o}", "type", type, "title",
			 registry[e].title, "status", registry[e].status, "detail",
			 safe_string(detail), "instance", safe_string(rq->path));
	if (body && field && *field) {
		json_object_set_new(body, "field", safe_string(field));
		json_object_set_new(body, "errors",
				    json_pack("[{s:o, s:o}]", "field", safe_string(field),
					      "reason", safe_string(reason)));
	}
	return body;
}

static void problem_send(struct http_req *rq, enum http_err e, json_t *body,
			 const char *detail)
{
	http_reply_json(rq, registry[e].status, body);
	rq->ctype = "application/problem+json";
	if (e == E_INTERNAL)
		log_msg(LOG_ERROR, "internal error", "%s %s: %s", rq->method, rq->path, detail);
}

void http_problem(struct http_req *rq, enum http_err e, const char *field,
		  const char *fmt, ...)
{
	char reason[400], detail[DETAIL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	problem_send(rq, e, problem_new(rq, e, field, reason, detail), detail);
}

/*
 * A stale If-Match.  On a route about one record (an entity and an {id})
 * the answer says who changed it last, when, and its version now
 * ("changed_by", "changed_at", "current_version"), so the user can judge
 * what they would overwrite.  When that cannot be told (no audit record,
 * a record the caller may not read, a busy database) the plain answer
 * stands.
 */
static void precondition_failed(struct http_req *rq)
{
	const struct route *r = rq->route;
	struct svc_change ch;
	char reason[400], detail[DETAIL_MAX];
	json_t *body;

	if (!r || !r->entity || !strstr(r->pattern, "{id}") || !rq->authed ||
	    svc_rec_last_change(rq->svc, &rq->who, r->entity, rq->args[0], &ch) != ST_OK) {
		http_problem(rq, E_PRECONDITION, NULL,
			     "the record was changed by someone else; reload it and try again");
		return;
	}
	snprintf(reason, sizeof reason,
		 "the record was changed by %s at %s (now version %lld); reload it and try again",
		 ch.actor, ch.at, (long long)ch.version);
	body = problem_new(rq, E_PRECONDITION, NULL, reason, detail);
	if (body) {
		json_object_set_new(body, "changed_by", safe_string(ch.actor));
		json_object_set_new(body, "changed_at", safe_string(ch.at));
		json_object_set_new(body, "current_version", json_integer(ch.version));
	}
	problem_send(rq, E_PRECONDITION, body, detail);
}

void http_reply_status(struct http_req *rq, int st, const struct verr *err)
{
	switch (st) {
	case ST_OK:
		http_problem(rq, E_INTERNAL, NULL, "no answer was produced");
		return;
	case ST_INVALID:
		if (err && *err->field)
			http_problem(rq, E_INVALID, err->field, "%s", err->reason);
		else
			http_problem(rq, E_INVALID, NULL, "%s", err ? err->reason : "invalid input");
		return;
	case ST_NOT_FOUND:
		http_problem(rq, E_NOT_FOUND, NULL, "%s was not found", rq->path);
		return;
	case ST_CONFLICT:
		if (err && *err->field)
			http_problem(rq, E_CONFLICT, err->field, "%s", err->reason);
		else
			http_problem(rq, E_CONFLICT, NULL,
				     "the record is still referenced or its key is taken");
		return;
	case ST_PRECONDITION:
		precondition_failed(rq);
		return;
	case ST_UNAUTHORIZED:
		http_problem(rq, E_UNAUTHORIZED, NULL, "log in to get a valid bearer token");
		return;
	case ST_FORBIDDEN:
		if (err && *err->field) {
			http_problem(rq, E_FORBIDDEN, err->field, "%s", err->reason);
			return;
		}
		http_problem(rq, E_FORBIDDEN, NULL, "the %s role may not %s %s",
			     role_name(rq->who.role), rq->method, rq->path);
		return;
	case ST_THROTTLED:
		http_problem(rq, E_THROTTLED, NULL, "too many failed attempts; retry in %ld s",
			     rq->retry_after);
		return;
	case ST_RETRY:
		rq->retry_after = 1;
		http_problem(rq, E_UNAVAILABLE, NULL, "the database is busy");
		return;
	default:
		http_problem(rq, E_INTERNAL, NULL, "status %s", status_name((enum status)st));
		return;
	}
}
