/*
 * h_events.c - POST /api/v1/events (one custody event) and
 * POST /api/v1/events:batch (up to 10 000, all or nothing).
 *
 * A refused batch is a 400 problem whose "errors" member lists each bad
 * event by index, id, field and reason; nothing of it was stored.  A
 * replayed batch answers 200 again, its events counted as duplicates.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* 400 invalid-field with extension members copied from @report. */
static void reply_refused(struct http_req *rq, json_t *report, const struct verr *err)
{
	json_t *body;

	http_problem(rq, E_INVALID, err->field, "%s", err->reason);
	body = json_loadb(rq->out, rq->out_len, 0, NULL);
	if (!body || json_object_update(body, report) != 0) {
		json_decref(body);
		http_problem(rq, E_INTERNAL, NULL, "the batch report could not be written");
		return;
	}
	http_reply_json(rq, 400, body);
	if (rq->status == 400)
		rq->ctype = "application/problem+json";
}

void h_event_batch(struct http_req *rq)
{
	json_t *body = http_body_json_batch(rq, "events"), *report = NULL;
	struct verr err = {.field = ""};
	int rc;

	if (!body)
		return;
	json_t *events = json_object_get(body, "events");
	if (!events || json_object_size(body) != 1) {
		http_problem(rq, E_INVALID, "events",
			     "the body must be {\"events\": [...]} and nothing else");
		json_decref(body);
		return;
	}
	rc = svc_events_ingest(rq->svc, &rq->who, events, &report, &err);
	rq->keep = body;  /* freed once the answer is on its way */
	if (rc == ST_OK)
		http_reply_json(rq, 200, report);
	else if (rc == ST_INVALID && report)
		reply_refused(rq, report, &err);
	else
		http_reply_status(rq, rc, &err);
	if (rc != ST_OK)
		json_decref(report);
}

void h_event_create(struct http_req *rq)
{
	json_t *body = http_body_json(rq), *rec = NULL;
	struct verr err = {.field = ""};
	bool replayed;
	int rc;

	if (!body)
		return;
	rc = svc_event_record(rq->svc, &rq->who, body, &rec, &replayed, &err);
	json_decref(body);
	if (rc != ST_OK) {
		http_reply_status(rq, rc, &err);
		return;
	}
	http_set_etag(rq, rec);
	snprintf(rq->location, sizeof rq->location, "/api/v1/events/%s",
		 json_string_value(json_object_get(rec, "id")));
	http_reply_json(rq, replayed ? 200 : 201, rec);
}
