/*
 * h_schema.c - GET /api/v1/schema: the caller's view of the server's specs
 * (svc/schema.c), from which the web front end builds its forms and menus.
 */
#include "internal.h"

void h_schema(struct http_req *rq)
{
	static const char *const no_params[] = {NULL};
	json_t *out;
	int rc;

	if (!http_only_params(rq, no_params))
		return;
	if ((rc = svc_schema(&rq->who, &out)) != ST_OK) {
		http_reply_status(rq, rc, NULL);
		return;
	}
	http_reply_json(rq, 200, out);
}
