/*
 * h_training_reports.c - the reports of training (issue 6): seats offered
 * against seats filled, graduates per capability per month, the pipeline
 * by status, and the notice given to facilities.
 *
 * The same table of reports as h_transfer_reports.c: each row names the
 * query parameters a report takes, the service call, and the table its
 * ?format=csv|xlsx download holds (svc_report_table, shared with the
 * command line).  Parameters are checked by the service; a bad one is the
 * request's fault, 400 naming it.
 */
#include "internal.h"

#include <string.h>

/* ---- The reports: parameters, service call, table. -------------------------- */

static int run_seats(struct http_req *rq, json_t **out, struct verr *err)
{
	return svc_training_seats(rq->svc, &rq->who, http_query(rq, "from"), http_query(rq, "to"),
				  out, err);
}

static int run_graduates(struct http_req *rq, json_t **out, struct verr *err)
{
	return svc_training_graduates(rq->svc, &rq->who, http_query(rq, "from"),
				      http_query(rq, "to"), out, err);
}

static int run_pipeline(struct http_req *rq, json_t **out, struct verr *err)
{
	return svc_training_pipeline(rq->svc, &rq->who, http_query(rq, "course"), out, err);
}

static int run_notice(struct http_req *rq, json_t **out, struct verr *err)
{
	return svc_training_notice(rq->svc, &rq->who, http_query(rq, "from"), http_query(rq, "to"),
				   out, err);
}


static const char *const period[] = {"from", "to", "format", NULL};
static const char *const by_course[] = {"course", "format", NULL};

static const struct http_report seats = {period, run_seats, &SVC_TABLE_TRAINING_SEATS, NULL};
static const struct http_report graduates = {period, run_graduates,
					     &SVC_TABLE_TRAINING_GRADUATES, NULL};
static const struct http_report pipeline = {by_course, run_pipeline,
					    &SVC_TABLE_TRAINING_PIPELINE, NULL};
static const struct http_report notice = {period, run_notice, &SVC_TABLE_TRAINING_NOTICE, NULL};


void h_training_seats(struct http_req *rq) { http_report(rq, &seats); }
void h_training_graduates(struct http_req *rq) { http_report(rq, &graduates); }
void h_training_pipeline(struct http_req *rq) { http_report(rq, &pipeline); }
void h_training_notice(struct http_req *rq) { http_report(rq, &notice); }
