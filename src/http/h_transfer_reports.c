/*
 * h_transfer_reports.c - the reports of transfer and repair: end-use
 * monitoring (delinquent inventories, loss reports, reconciliation of
 * serials), a logistics node's report and the repair report.
 *
 * Each answers JSON, or with ?format=csv|xlsx its main list as a download
 * with the report's summary as the sheet's title; which list, and which
 * columns, the service says (svc_report_table), so that the command line
 * writes the same table.
 */
#include "internal.h"

#include <string.h>

/* ?format=, checked; false after answering 400. */
static bool format_of(struct http_req *rq, const char **format)
{
	*format = http_query(rq, "format");
	if (*format && strcmp(*format, "json") && strcmp(*format, "csv") &&
	    strcmp(*format, "xlsx")) {
		http_problem(rq, E_BAD_REQUEST, "format", "must be json, csv or xlsx");
		return false;
	}
	return true;
}

/* Query parameters are checked by the service: a bad one is the request's
 * fault (400 bad-request naming it), and a site that is no logistics node
 * is a resource that does not exist (404). */
static void answer(struct http_req *rq, int rc, const struct verr *err, json_t *out,
		   const char *format, const struct svc_report_table *t)
{
	if (rc == ST_INVALID && strcmp(err->field, "site") == 0) {
		http_problem(rq, E_NOT_FOUND, "site", "%s", err->reason);
	} else if (rc == ST_INVALID) {
		http_problem(rq, E_BAD_REQUEST, *err->field ? err->field : NULL, "%s", err->reason);
	} else if (rc != ST_OK) {
		http_reply_status(rq, rc, err);
	} else if (format && strcmp(format, "json") != 0) {
		http_reply_table(rq, format, t->name,
				 json_string_value(json_object_get(out, "summary")), t->columns,
				 t->ncolumns, json_object_get(out, t->list));
		json_decref(out);
	} else {
		http_reply_json(rq, 200, out);
	}
}

void h_enduse_delinquent(struct http_req *rq)
{
	static const char *const params[] = {"as_of", "format", NULL};
	struct verr err = {.field = ""};
	const char *format;
	json_t *out = NULL;

	if (!http_only_params(rq, params) || !format_of(rq, &format))
		return;
	int rc = svc_enduse_delinquent(rq->svc, &rq->who, http_query(rq, "as_of"), &out, &err);
	answer(rq, rc, &err, out, format, &SVC_TABLE_DELINQUENT);
}

void h_enduse_losses(struct http_req *rq)
{
	static const char *const params[] = {"format", NULL};
	struct verr err = {.field = ""};
	const char *format;
	json_t *out = NULL;

	if (!http_only_params(rq, params) || !format_of(rq, &format))
		return;
	int rc = svc_enduse_losses(rq->svc, &rq->who, &out);
	answer(rq, rc, &err, out, format, &SVC_TABLE_LOSSES);
}

void h_enduse_reconciliation(struct http_req *rq)
{
	static const char *const params[] = {"format", NULL};
	struct verr err = {.field = ""};
	const char *format;
	json_t *out = NULL;

	if (!http_only_params(rq, params) || !format_of(rq, &format))
		return;
	int rc = svc_enduse_reconciliation(rq->svc, &rq->who, &out);
	answer(rq, rc, &err, out, format, &SVC_TABLE_RECONCILIATION);
}

void h_node_report(struct http_req *rq)
{
	static const char *const params[] = {"from", "to", "format", NULL};
	struct verr err = {.field = ""};
	const char *format;
	json_t *out = NULL;

	if (!http_only_params(rq, params) || !format_of(rq, &format))
		return;
	int rc = svc_node_report(rq->svc, &rq->who, rq->args[0], http_query(rq, "from"),
				 http_query(rq, "to"), &out, &err);
	answer(rq, rc, &err, out, format, &SVC_TABLE_NODE);
}

void h_repair_report(struct http_req *rq)
{
	static const char *const params[] = {"format", NULL};
	struct verr err = {.field = ""};
	const char *format;
	json_t *out = NULL;

	if (!http_only_params(rq, params) || !format_of(rq, &format))
		return;
	int rc = svc_repair_report(rq->svc, &rq->who, &out);
	answer(rq, rc, &err, out, format, &SVC_TABLE_REPAIRS);
}
