/*
 * h_plans.c - allocation plans: POST /api/v1/plans runs the optimiser
 * (a plan is never written by a client), then the plan, the problem it
 * was solved from (what `nsatu plan solve` reads) and its diff against
 * today's allocations.  Lists and the draft -> approved | discarded moves
 * go through the generic handlers (h_rec_list, h_transition).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* The body of a run: both fields optional. */
static const struct fspec run_fields[] = {
	{"title", FT_STRING, FS_NULLABLE, 0, 200, NULL, NULL, NULL, "What the run is for."},
	{"as_of", FT_DATE, FS_NULLABLE, 10, 10, NULL, NULL, NULL,
	 "The day the plan starts from (default: today, UTC)."},
};

static const struct espec run_spec = {
	"plan run", NULL, NULL, NULL, NULL, run_fields, sizeof run_fields / sizeof *run_fields,
	"A run of the allocation optimiser.", NULL, 0, NULL,
};

void h_plan_run(struct http_req *rq)
{
	json_t *body = http_body_json(rq), *out = NULL;
	struct verr err = {.field = ""};
	int rc;

	if (!body)
		return;
	rc = espec_validate(&run_spec, body, VM_CREATE, &err);
	if (rc == ST_OK)
		rc = svc_plan_run(rq->svc, &rq->who, json_string_value(json_object_get(body, "title")),
				  json_string_value(json_object_get(body, "as_of")), NULL, &out, &err);
	json_decref(body);
	if (rc != ST_OK) {
		http_reply_status(rq, rc, &err);
		return;
	}
	http_set_etag(rq, out);
	snprintf(rq->location, sizeof rq->location, "/api/v1/plans/%s",
		 json_string_value(json_object_get(out, "id")));
	http_reply_json(rq, 201, out);
}

/* Answer @rc's outcome: 200 with @out (taken), or the problem. */
static void reply(struct http_req *rq, int rc, json_t *out)
{
	if (rc != ST_OK) {
		http_reply_status(rq, rc, NULL);
		return;
	}
	http_reply_json(rq, 200, out);
}

void h_plan_get(struct http_req *rq)
{
	const char *inm = http_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);
	json_t *out = NULL;
	int rc = svc_plan_get(rq->svc, &rq->who, rq->args[0], &out);

	if (rc == ST_OK)
		http_set_etag(rq, out);
	if (rc == ST_OK && inm && strcmp(inm, rq->etag) == 0) {
		json_decref(out);
		http_reply_empty(rq, 304);
		return;
	}
	reply(rq, rc, out);
}

void h_plan_problem(struct http_req *rq)
{
	json_t *out = NULL;
	int rc = svc_plan_problem(rq->svc, &rq->who, rq->args[0], &out);

	reply(rq, rc, out);
}

void h_plan_diff(struct http_req *rq)
{
	json_t *out = NULL;
	int rc = svc_plan_diff(rq->svc, &rq->who, rq->args[0], &out);

	reply(rq, rc, out);
}
