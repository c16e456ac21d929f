/*
 * h_donations.c - workflow moves of requirements and pledges, coverage,
 * and the burden-sharing report.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct fspec move_fields[] = {
	{"to", FT_STRING, FS_REQUIRED, 1, 32, NULL, NULL, NULL, "The status to move to."},
	{"reason", FT_STRING, FS_NULLABLE, 1, 1000, NULL, NULL, NULL,
	 "Why (required to reject, cancel or withdraw)."},
};

static const struct espec move_spec = {
	"transition", NULL, NULL, NULL, NULL, move_fields,
	sizeof move_fields / sizeof *move_fields, "A workflow move.",
	NULL, 0, NULL,
};

void h_transition(struct http_req *rq)
{
	int64_t if_match = http_if_match(rq);
	struct verr err = {.field = ""};
	json_t *body, *out = NULL;
	int rc;

	if (if_match == -2 || !(body = http_body_json(rq)))
		return;
	rc = espec_validate(&move_spec, body, VM_CREATE, &err);
	if (rc == ST_OK)
		rc = svc_transition(rq->svc, &rq->who, rq->route->entity, rq->args[0],
				    json_string_value(json_object_get(body, "to")),
				    json_string_value(json_object_get(body, "reason")), if_match,
				    &out, &err);
	json_decref(body);
	if (rc != ST_OK) {
		http_reply_status(rq, rc, &err);
		return;
	}
	http_set_etag(rq, out);
	http_reply_json(rq, 200, out);
}

void h_coverage(struct http_req *rq)
{
	json_t *out;
	int rc = svc_coverage(rq->svc, &rq->who, rq->args[0], &out);

	if (rc != ST_OK)
		http_reply_status(rq, rc, NULL);
	else
		http_reply_json(rq, 200, out);
}

/* Every requirement the query selects with its coverage, flattened. */
static void export_coverage(struct http_req *rq, struct http_list_args *a)
{
	static const char *const cols[] = {
		"id", "nation", "item", "substitution_group", "quantity", "priority", "needed_by",
		"destination", "coalition", "status", "requested", "allocated", "shipped",
		"delivered", "remaining",
	};
	struct verr err = {.field = ""};
	json_t *rows = json_array(), *page = NULL, *r;
	char cursor[512] = "";
	size_t i;
	int rc;

	a->q.limit = SVC_MAX_LIMIT;
	do {
		a->q.cursor = *cursor ? cursor : NULL;
		if ((rc = svc_coverage_list(rq->svc, &rq->who, &a->q, &page, &err)) != ST_OK)
			break;
		json_array_foreach(json_object_get(page, "items"), i, r) {
			json_t *flat = json_copy(r);
			json_object_update(flat, json_object_get(r, "coverage"));
			json_array_append_new(rows, flat);
		}
		const char *next = json_string_value(json_object_get(page, "next_cursor"));
		snprintf(cursor, sizeof cursor, "%s", next ? next : "");
		json_decref(page);
	} while (*cursor && json_array_size(rows) <= 200000);
	if (rc == ST_OK && json_array_size(rows) > 200000)
		rc = verr_set(&err, "format", "more than 200000 records; narrow the list with filters");
	if (rc == ST_INVALID)
		http_problem(rq, E_BAD_REQUEST, err.field, "%s", err.reason);
	else if (rc != ST_OK)
		http_reply_status(rq, rc, &err);
	else
		http_reply_table(rq, a->format, "coverage", "Coverage of requirements", cols,
				 sizeof cols / sizeof *cols, rows);
	json_decref(rows);
}

void h_coverage_list(struct http_req *rq)
{
	struct http_list_args a;
	struct verr err = {.field = ""};
	json_t *page;
	int rc;

	if (!http_list_params(rq, &a))
		return;
	if (strcmp(a.format, "json") != 0) {
		export_coverage(rq, &a);
		return;
	}
	rc = svc_coverage_list(rq->svc, &rq->who, &a.q, &page, &err);
	if (rc == ST_INVALID)
		http_problem(rq, E_BAD_REQUEST, err.field, "%s", err.reason);
	else if (rc != ST_OK)
		http_reply_status(rq, rc, &err);
	else
		http_reply_json(rq, 200, page);
}

void h_burden_sharing(struct http_req *rq)
{
	const char *year = http_query(rq, "year"), *half = http_query(rq, "half");
	struct verr err = {.field = ""};
	json_t *out;
	char *end;
	long y;
	int h = 0, rc;

	static const char *const params[] = {"year", "half", "format", NULL};

	if (!http_only_params(rq, params))
		return;
	if (!year) {
		http_problem(rq, E_BAD_REQUEST, "year", "is required, e.g. ?year=2024");
		return;
	}
	errno = 0;
	y = strtol(year, &end, 10);
	if (errno || *end || end == year || y < 1990 || y > 2100) {
		http_problem(rq, E_BAD_REQUEST, "year", "must be a year from 1990 to 2100");
		return;
	}
	if (half && strcmp(half, "H1") == 0)
		h = 1;
	else if (half && strcmp(half, "H2") == 0)
		h = 2;
	else if (half) {
		http_problem(rq, E_BAD_REQUEST, "half", "must be H1 or H2");
		return;
	}
	const char *format = http_query(rq, "format");
	if (format && strcmp(format, "json") && strcmp(format, "csv") && strcmp(format, "xlsx")) {
		http_problem(rq, E_BAD_REQUEST, "format", "must be json, csv or xlsx");
		return;
	}
	rc = svc_burden_sharing(rq->svc, &rq->who, (int)y, h, &out, &err);
	if (rc == ST_INVALID && strcmp(err.field, "year") == 0) {
		http_problem(rq, E_NOT_FOUND, err.field, "%s", err.reason);
	} else if (rc != ST_OK) {
		http_reply_status(rq, rc, &err);
	} else if (format && strcmp(format, "json") != 0) {
		static const char *const cols[] = {
			"nation", "name", "status", "has_share", "gdp_usd_bn", "fair_share_eur",
			"contributed_eur", "ratio", "pct_gdp",
		};
		char title[160], name[40];
		snprintf(title, sizeof title, "Burden sharing %ld%s%s: target EUR %.0f, contributed EUR %.0f",
			 y, h ? " H" : "", h ? (h == 1 ? "1" : "2") : "",
			 json_number_value(json_object_get(out, "target_eur")),
			 json_number_value(json_object_get(out, "contributed_eur")));
		snprintf(name, sizeof name, "burden-sharing-%ld%s", y, h ? (h == 1 ? "-H1" : "-H2") : "");
		http_reply_table(rq, format, name, title, cols, sizeof cols / sizeof *cols,
				 json_object_get(out, "nations"));
		json_decref(out);
	} else {
		http_reply_json(rq, 200, out);
	}
}
