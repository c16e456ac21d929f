/* h_decisions.c - a proposal's outcome, and the manning report. */
#include "internal.h"

static const char *const no_params[] = {NULL};

void h_proposal_outcome(struct http_req *rq)
{
	json_t *out;
	int rc;

	if (!http_only_params(rq, no_params))
		return;
	rc = svc_proposal_outcome(rq->svc, &rq->who, rq->args[0], &out);

	if (rc != ST_OK)
		http_reply_status(rq, rc, NULL);
	else
		http_reply_json(rq, 200, out);
}

void h_manning(struct http_req *rq)
{
	json_t *out;
	int rc;

	if (!http_only_params(rq, no_params))
		return;
	rc = svc_manning(rq->svc, &rq->who, &out);

	if (rc != ST_OK)
		http_reply_status(rq, rc, NULL);
	else
		http_reply_json(rq, 200, out);
}
