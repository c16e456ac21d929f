/*
 * h_training.c - POST /api/v1/trainees:lookup: find a trainee by service
 * number without putting the number in a URL (URLs end up in logs).
 */
#include "internal.h"

#include <sodium.h>

void h_trainee_lookup(struct http_req *rq)
{
	json_t *body = http_body_json(rq), *out = NULL, *sn;
	struct verr err = {.field = ""};
	int rc;

	if (!body)
		return;
	sn = json_object_get(body, "service_number");
	if (!json_is_string(sn) || json_object_size(body) != 1) {
		http_problem(rq, E_INVALID, "service_number",
			     "the body must be {\"service_number\": \"...\"} and nothing else");
		json_decref(body);
		return;
	}
	rc = svc_trainee_lookup(rq->svc, &rq->who, json_string_value(sn), &out, &err);
	/* The number is wiped as soon as it has been hashed. */
	sodium_memzero((char *)json_string_value(sn), json_string_length(sn));
	json_decref(body);
	if (rc != ST_OK) {
		http_reply_status(rq, rc, &err);
		return;
	}
	http_set_etag(rq, out);
	http_reply_json(rq, 200, out);
}
