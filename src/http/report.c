/*
 * report.c - answering a report route: its query parameters, the service
 * call, and JSON or (?format=csv|xlsx) its main list as a download with
 * the report's summary as the sheet's title.  The reports themselves are
 * tables in h_transfer_reports.c and h_training_reports.c.
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
 * fault (400 bad-request naming it); a path parameter the report names as
 * its resource (a node report's site) is a resource that does not exist. */
static void answer(struct http_req *rq, const struct http_report *r, int rc,
		   const struct verr *err, json_t *out, const char *format)
{
	const struct svc_report_table *t = r->table;

	if (rc == ST_INVALID && r->resource && strcmp(err->field, r->resource) == 0) {
		http_problem(rq, E_NOT_FOUND, err->field, "%s", err->reason);
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

void http_report(struct http_req *rq, const struct http_report *r)
{
	struct verr err = {.field = ""};
	const char *format;
	json_t *out = NULL;

	if (!http_only_params(rq, r->params) || !format_of(rq, &format))
		return;
	int rc = r->run(rq, &out, &err);  /* before reading out */
	answer(rq, r, rc, &err, out, format);
}
