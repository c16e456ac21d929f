/* h_audit.c - GET /api/v1/audit and /api/v1/audit/verify. */
#include "internal.h"

#include <string.h>

void h_audit_list(struct http_req *rq)
{
	struct http_list_args a;
	struct verr err = {.field = ""};
	json_t *page;
	int rc;

	if (!http_list_params(rq, &a))
		return;
	if (strcmp(a.format, "json") != 0) {
		http_problem(rq, E_BAD_REQUEST, "format", "the audit trail is served as JSON only");
		return;
	}
	/* The other parameters (order, filters, ranges) are the service's to
	 * check: it names an unknown one or a bad value. */
	rc = svc_audit_list(rq->svc, &rq->who, &a.q, &page, &err);
	if (rc == ST_INVALID)
		http_problem(rq, E_BAD_REQUEST, err.field, "%s", err.reason);
	else if (rc != ST_OK)
		http_reply_status(rq, rc, &err);
	else
		http_reply_json(rq, 200, page);
}

void h_audit_verify(struct http_req *rq)
{
	struct svc_audit_check chk;
	int rc = svc_audit_verify(rq->svc, &rq->who, &chk);

	if (rc != ST_OK) {
		http_reply_status(rq, rc, NULL);
		return;
	}
	json_t *out = json_pack("{s:b, s:I}", "ok", chk.bad_seq == 0, "records",
				(json_int_t)chk.records);
	if (out && chk.bad_seq) {
		json_object_set_new(out, "bad_seq", json_integer(chk.bad_seq));
		json_object_set_new(out, "reason", json_string(chk.reason));
	}
	http_reply_json(rq, 200, out);
}
