/*
 * h_readiness.c - force development: the readiness projection of every
 * capability target in the caller's scope (GET /api/v1/readiness) or of
 * one (GET /api/v1/capability_targets/{id}/readiness), each also as a
 * table (?format=csv|xlsx: a row per unit of capability); and the training
 * scheduler (POST /api/v1/training_schedule), which proposes nominations
 * and, with {"apply": true}, makes them.
 */
#include "internal.h"

static const char *const format_only[] = {"format", NULL};
static const char *const no_params[] = {NULL};

static int run_all(struct http_req *rq, json_t **out, struct verr *err)
{
	(void)err;
	return svc_readiness(rq->svc, &rq->who, NULL, out);
}

static int run_one(struct http_req *rq, json_t **out, struct verr *err)
{
	(void)err;
	return svc_readiness(rq->svc, &rq->who, rq->args[0], out);
}

static const struct http_report all = {format_only, run_all, &SVC_TABLE_READINESS, NULL};
static const struct http_report one = {format_only, run_one, &SVC_TABLE_READINESS, NULL};

void h_readiness(struct http_req *rq) { http_report(rq, &all); }
void h_target_readiness(struct http_req *rq) { http_report(rq, &one); }

/* The scheduler's body: {"apply": false} by default; nothing else. */
static const struct fspec schedule_fields[] = {
	{"apply", FT_BOOL, 0, 0, 0, NULL, NULL, NULL,
	 "Make the nominations (needs permission to create training schedules)."},
};

static const struct espec schedule_spec = {
	"training schedule", NULL, NULL, NULL, NULL, schedule_fields,
	sizeof schedule_fields / sizeof *schedule_fields, "A run of the training scheduler.",
	NULL, 0, NULL,
};

void h_training_schedule(struct http_req *rq)
{
	struct verr err = {.field = ""};
	json_t *body, *out = NULL;
	int rc;

	if (!http_only_params(rq, no_params))
		return;
	/* An empty body asks for the proposal only. */
	body = rq->body_len ? http_body_json(rq) : json_object();
	if (!body)
		return;
	rc = espec_validate(&schedule_spec, body, VM_PATCH, &err);
	if (rc == ST_OK)
		rc = svc_training_schedule(rq->svc, &rq->who,
					   json_is_true(json_object_get(body, "apply")), &out, &err);
	json_decref(body);
	if (rc != ST_OK) {
		http_reply_status(rq, rc, &err);
		return;
	}
	http_reply_json(rq, 200, out);
}
