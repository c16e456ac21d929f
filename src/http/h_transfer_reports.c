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


static const char *const only_format[] = {"format", NULL};
static const char *const as_of[] = {"as_of", "format", NULL};
static const char *const period[] = {"from", "to", "format", NULL};

static const struct http_report delinquent = {as_of, run_delinquent, &SVC_TABLE_DELINQUENT,
					      NULL};
static const struct http_report losses = {only_format, run_losses, &SVC_TABLE_LOSSES, NULL};
static const struct http_report reconciliation = {only_format, run_reconciliation,
						  &SVC_TABLE_RECONCILIATION, NULL};
/* A site that is no logistics node is a report that does not exist. */
static const struct http_report node = {period, run_node, &SVC_TABLE_NODE, "site"};
static const struct http_report repairs = {only_format, run_repairs, &SVC_TABLE_REPAIRS, NULL};


void h_enduse_delinquent(struct http_req *rq) { http_report(rq, &delinquent); }
void h_enduse_losses(struct http_req *rq) { http_report(rq, &losses); }
void h_enduse_reconciliation(struct http_req *rq) { http_report(rq, &reconciliation); }
void h_node_report(struct http_req *rq) { http_report(rq, &node); }
void h_repair_report(struct http_req *rq) { http_report(rq, &repairs); }
