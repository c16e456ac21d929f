/*
 * h_records.c - the record resources (reference data and users): list,
 * read, create, change and delete, for whichever entity the route names.
 */
#include "internal.h"

#include "io/io.h"

#include <stdio.h>
#include <string.h>

#define EXPORT_MAX 200000

/* ?format=csv|xlsx: every record the filters select, as a download. */
static void export_list(struct http_req *rq, const struct http_list_args *a)
{
	const struct espec *e = rq->route->entity;
	const char *cols[64];
	struct verr err = {.field = ""};
	json_t *rows;
	int rc = svc_rec_list_all(rq->svc, &rq->who, e, &a->q, EXPORT_MAX, &rows, &err);

	if (rc == ST_INVALID) {
		http_problem(rq, E_BAD_REQUEST, err.field, "%s", err.reason);
		return;
	}
	if (rc != ST_OK) {
		http_reply_status(rq, rc, &err);
		return;
	}
	http_reply_table(rq, a->format, e->name, NULL, cols, io_entity_columns(e, cols, 64), rows);
	json_decref(rows);
}

void h_rec_list(struct http_req *rq)
{
	struct http_list_args a;
	struct verr err = {.field = ""};
	struct jbuf page = {0};
	int rc;

	if (!http_list_params(rq, &a))
		return;
	if (strcmp(a.format, "json") != 0) {
		export_list(rq, &a);
		return;
	}
	rc = svc_rec_list_text(rq->svc, &rq->who, rq->route->entity, &a.q, &page, &err);
	if (rc != ST_OK) {
		jbuf_free(&page);
		/* A bad filter value is a malformed query, not a bad record. */
		if (rc == ST_INVALID)
			http_problem(rq, E_BAD_REQUEST, err.field, "%s", err.reason);
		else
			http_reply_status(rq, rc, &err);
		return;
	}
	http_reply_owned(rq, 200, "application/json", page.p, page.len);
}

void h_rec_get(struct http_req *rq)
{
	const char *inm = http_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);
	json_t *rec;
	int rc = svc_rec_get(rq->svc, &rq->who, rq->route->entity, rq->args[0], &rec);

	if (rc != ST_OK) {
		http_reply_status(rq, rc, NULL);
		return;
	}
	http_set_etag(rq, rec);
	if (inm && strcmp(inm, rq->etag) == 0) {
		json_decref(rec);
		http_reply_empty(rq, 304);
		return;
	}
	http_reply_json(rq, 200, rec);
}

static void reply_record(struct http_req *rq, int status, json_t *rec)
{
	const struct espec *e = rq->route->entity;

	http_set_etag(rq, rec);
	if (status == 201)
		snprintf(rq->location, sizeof rq->location, "/api/v1/%s/%s", e->name,
			 json_string_value(json_object_get(rec, e->key)));
	http_reply_json(rq, status, rec);
}

void h_rec_create(struct http_req *rq)
{
	json_t *body = http_body_json(rq), *rec;
	struct verr err = {.field = ""};
	int rc;

	if (!body)
		return;
	rc = svc_rec_create(rq->svc, &rq->who, rq->route->entity, body, &rec, &err);
	json_decref(body);
	if (rc != ST_OK)
		http_reply_status(rq, rc, &err);
	else
		reply_record(rq, 201, rec);
}

void h_rec_update(struct http_req *rq)
{
	int64_t if_match = http_if_match(rq);
	json_t *body, *rec;
	struct verr err = {.field = ""};
	int rc;

	if (if_match == -2 || !(body = http_body_json(rq)))
		return;
	rc = svc_rec_update(rq->svc, &rq->who, rq->route->entity, rq->args[0], body,
			    if_match, &rec, &err);
	json_decref(body);
	if (rc != ST_OK)
		http_reply_status(rq, rc, &err);
	else
		reply_record(rq, 200, rec);
}

void h_rec_delete(struct http_req *rq)
{
	int64_t if_match = http_if_match(rq);
	struct verr err = {.field = ""};
	int rc;

	if (if_match == -2)
		return;
	rc = svc_rec_delete(rq->svc, &rq->who, rq->route->entity, rq->args[0], if_match,
			    &err);
	if (rc != ST_OK)
		http_reply_status(rq, rc, &err);
	else
		http_reply_empty(rq, 204);
}
