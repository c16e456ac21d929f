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

/* ---- The reports: parameters, service call, table. -------------------------- */

static int run_delinquent(struct http_req *rq, json_t **out, struct verr *err)
{
	return svc_enduse_delinquent(rq->svc, &rq->who, http_query(rq, "as_of"), out, err);
}

static int run_losses(struct http_req *rq, json_t **out, struct verr *err)
{
	(void)err;
	return svc_enduse_losses(rq->svc, &rq->who, out);
}

static int run_reconciliation(struct http_req *rq, json_t **out, struct verr *err)
{
	(void)err;
	return svc_enduse_reconciliation(rq->svc, &rq->who, out);
}

static int run_node(struct http_req *rq, json_t **out, struct verr *err)
{
	return svc_node_report(rq->svc, &rq->who, rq->args[0], http_query(rq, "from"),
			       http_query(rq, "to"), out, err);
}

static int run_repairs(struct http_req *rq, json_t **out, struct verr *err)
{
	(void)err;
	return svc_repair_report(rq->svc, &rq->who, out);
}

struct report {
	const char *const *params;   /* the query parameters it takes, format included */
	int (*run)(struct http_req *rq, json_t **out, struct verr *err);
	const struct svc_report_table *table;
};

static const char *const only_format[] = {"format", NULL};
static const char *const as_of[] = {"as_of", "format", NULL};
static const char *const period[] = {"from", "to", "format", NULL};

static const struct report delinquent = {as_of, run_delinquent, &SVC_TABLE_DELINQUENT};
static const struct report losses = {only_format, run_losses, &SVC_TABLE_LOSSES};
static const struct report reconciliation = {only_format, run_reconciliation,
					     &SVC_TABLE_RECONCILIATION};
static const struct report node = {period, run_node, &SVC_TABLE_NODE};
static const struct report repairs = {only_format, run_repairs, &SVC_TABLE_REPAIRS};

static void report(struct http_req *rq, const struct report *r)
{
	struct verr err = {.field = ""};
	const char *format;
	json_t *out = NULL;

	if (!http_only_params(rq, r->params) || !format_of(rq, &format))
		return;
	int rc = r->run(rq, &out, &err);  /* before reading out */
	answer(rq, rc, &err, out, format, r->table);
}

void h_enduse_delinquent(struct http_req *rq) { report(rq, &delinquent); }
void h_enduse_losses(struct http_req *rq) { report(rq, &losses); }
void h_enduse_reconciliation(struct http_req *rq) { report(rq, &reconciliation); }
void h_node_report(struct http_req *rq) { report(rq, &node); }
void h_repair_report(struct http_req *rq) { report(rq, &repairs); }
