/*
 * h_import.c - POST /api/v1/requirements/import and /api/v1/pledges/import:
 * a CSV file as the body (text/csv), imported with the caller's role and
 * scope in one transaction (io_import).  The body is bounded by
 * --max-body; bigger files go through `nsatu import`.
 */
#include "internal.h"

#include "io/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* text/csv, with no parameter but an optional charset=utf-8. */
static bool is_csv_type(const char *ct)
{
	static const char want[] = "text/csv";
	size_t n = sizeof want - 1;

	if (!ct || strncasecmp(ct, want, n) != 0)
		return false;
	ct += n;
	while (*ct == ' ')
		ct++;
	if (*ct == '\0')
		return true;
	if (*ct++ != ';')
		return false;
	while (*ct == ' ')
		ct++;
	return strcasecmp(ct, "charset=utf-8") == 0 || strcasecmp(ct, "charset=\"utf-8\"") == 0;
}

/* 400 invalid-field saying that nothing was stored, with the report as an
 * extra member "report" (RFC 9457 allows extension members).  The problem
 * is built by http_problem, so that it has the registry's shape. */
static void reply_not_stored(struct http_req *rq, json_t *report, const struct verr *err)
{
	json_t *body;

	http_problem(rq, E_INVALID, NULL, "%s; see report.errors", err->reason);
	body = json_loadb(rq->out, rq->out_len, 0, NULL);
	if (!body || json_object_set_new(body, "report", report) != 0) {
		json_decref(body);
		http_problem(rq, E_INTERNAL, NULL, "the import report could not be written");
		return;
	}
	http_reply_json(rq, 400, body);
	if (rq->status == 400)
		rq->ctype = "application/problem+json";
}

void h_import(struct http_req *rq)
{
	const char *mode_s = http_query(rq, "mode");
	struct io_source src = {.buf = rq->body ? rq->body : "", .len = rq->body_len};
	enum svc_batch_mode mode = BATCH_ALL_OR_NOTHING;
	struct verr err = {.field = ""};
	json_t *report = NULL;
	int rc;

	if (!is_csv_type(http_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		http_problem(rq, E_MEDIA_TYPE, "Content-Type",
			     "must be text/csv (UTF-8) for an import");
		return;
	}
	if (mode_s && strcmp(mode_s, "valid-rows-only") == 0) {
		mode = BATCH_VALID_ONLY;
	} else if (mode_s && strcmp(mode_s, "all-or-nothing") != 0) {
		http_problem(rq, E_BAD_REQUEST, "mode",
			     "must be all-or-nothing (the default) or valid-rows-only");
		return;
	}
	rc = io_import(rq->svc, &rq->who, rq->route->entity, &src, mode, NULL, &report, &err);
	if (rc == ST_OK) {
		http_reply_json(rq, 201, report);
	} else if (rc == ST_INVALID && report) {
		reply_not_stored(rq, report, &err);
	} else if (rc == ST_INVALID) {
		/* The file as a whole: a bad header names its column. */
		http_problem(rq, *err.field ? E_INVALID : E_BAD_REQUEST, err.field,
			     "%s; nothing was stored", err.reason);
	} else {
		http_reply_status(rq, rc, &err);
	}
}
