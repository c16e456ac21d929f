/*
 * h_documents.c - transfer documents.
 *
 *   GET  /api/v1/shipments/{id}/document            the PDF, as a download
 *   GET  /api/v1/shipments/{id}/document?format=payload
 *                                                    {"shipment", "payload"}: the
 *                                                    DataMatrix text alone
 *   POST /api/v1/scans  {"payload": "..."}           a scanned DataMatrix back to
 *                                                    {"shipment", "lines"}
 *
 * Both need what reading the shipment needs (role and scope); the service
 * layer checks the payload and io/ draws the PDF.
 */
#include "internal.h"

#include "io/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reply_pdf(struct http_req *rq)
{
	struct verr err = {.field = ""};
	char payload[SVC_PAYLOAD_MAX], msg[256];
	json_t *doc = NULL;
	char *pdf = NULL;
	size_t len = 0;
	int rc = svc_shipment_document(rq->svc, &rq->who, rq->args[0], &doc, payload, &err);

	/* ST_INVALID: more lines than one document holds. */
	if (rc == ST_INVALID) {
		http_problem(rq, E_CONFLICT, err.field, "%s", err.reason);
		return;
	}
	if (rc != ST_OK) {
		http_reply_status(rq, rc, &err);
		return;
	}
	const json_t *ship = json_object_get(doc, "shipment");
	rc = io_shipment_pdf(ship, json_object_get(doc, "lines"), payload, &pdf, &len, msg,
			     sizeof msg);
	if (rc == ST_INVALID) {
		/* Only a shipment too big for one document gets here. */
		http_problem(rq, E_CONFLICT, "shipment", "%s", msg);
	} else if (rc != ST_OK) {
		http_problem(rq, E_INTERNAL, NULL, "%s", msg);
	} else {
		http_reply_owned(rq, 200, "application/pdf", pdf, len);
		/* Ids are "SHP-" and upper-case hex: safe in a quoted file name. */
		snprintf(rq->disposition, sizeof rq->disposition, "attachment; filename=\"%s.pdf\"",
			 json_string_value(json_object_get(ship, "id")));
	}
	json_decref(doc);
}

static void reply_payload(struct http_req *rq)
{
	char payload[SVC_PAYLOAD_MAX];
	int rc = svc_shipment_payload(rq->svc, &rq->who, rq->args[0], payload);

	if (rc != ST_OK)
		http_reply_status(rq, rc, NULL);
	else
		http_reply_json(rq, 200, json_pack("{s:s, s:s}", "shipment", rq->args[0], "payload",
						   payload));
}

static const struct {
	const char *name;
	void (*reply)(struct http_req *rq);
} formats[] = {
	{"pdf", reply_pdf},
	{"payload", reply_payload},
};

void h_shipment_document(struct http_req *rq)
{
	static const char *const params[] = {"format", NULL};
	const char *format;

	if (!http_only_params(rq, params))
		return;
	format = http_query(rq, "format");
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
		if (!format || strcmp(format, formats[i].name) == 0) {
			formats[i].reply(rq);
			return;
		}
	}
	http_problem(rq, E_BAD_REQUEST, "format", "must be pdf (the default) or payload");
}

/* The body of a scan.  The payload's own rules (length, characters,
 * structure, check code) are the service's, which names each failure. */
static const struct fspec scan_fields[] = {
	{"payload", FT_STRING, FS_REQUIRED, 0, 4096, NULL, NULL, NULL,
	 "The text of a transfer document's DataMatrix, as scanned."},
};

static const struct espec scan_spec = {
	"scan", NULL, NULL, NULL, NULL, scan_fields, sizeof scan_fields / sizeof *scan_fields,
	"A scanned transfer document.", NULL, 0, NULL,
};

void h_scan(struct http_req *rq)
{
	struct verr err = {.field = ""};
	json_t *body, *doc = NULL;
	int rc;

	if (!(body = http_body_json(rq)))
		return;
	rc = espec_validate(&scan_spec, body, VM_CREATE, &err);
	if (rc == ST_OK)
		rc = svc_scan(rq->svc, &rq->who,
			      json_string_value(json_object_get(body, "payload")), &doc, &err);
	json_decref(body);
	if (rc == ST_NOT_FOUND)
		http_problem(rq, E_NOT_FOUND, NULL, "the shipment of this document was not found");
	else if (rc != ST_OK)
		http_reply_status(rq, rc, &err);
	else
		http_reply_json(rq, 200, doc);
}
