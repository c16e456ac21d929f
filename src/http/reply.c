/* reply.c - building responses into the request, for the server to send. */
#include "internal.h"

#include "io/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_out(struct http_req *rq, char *text, size_t len)
{
	free(rq->out);
	rq->out = text;
	rq->out_len = len;
}

void http_reply_json(struct http_req *rq, int status, json_t *body)
{
	/* 15 significant digits: what people entered, without binary noise. */
	char *text = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER |
						   JSON_REAL_PRECISION(15)) : NULL;

	json_decref(body);
	if (!text) {
		/* Out of memory: a fixed answer that needs no allocation. */
		static const char oom[] =
			"{\"type\":\"urn:nsatu:problem:internal-error\","
			"\"title\":\"Internal server error\",\"status\":500}";
		set_out(rq, strdup(oom), sizeof oom - 1);
		rq->status = 500;
		rq->ctype = "application/problem+json";
		return;
	}
	set_out(rq, text, strlen(text));
	rq->status = status;
	rq->ctype = "application/json";
}

void http_reply_text(struct http_req *rq, int status, const char *ctype,
		     const char *text, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy) {
		http_reply_json(rq, 500, NULL);
		return;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	set_out(rq, copy, len);
	rq->status = status;
	rq->ctype = ctype;
}

void http_reply_owned(struct http_req *rq, int status, const char *ctype, char *text,
		      size_t len)
{
	set_out(rq, text, len);
	rq->status = status;
	rq->ctype = ctype;
}

void http_reply_empty(struct http_req *rq, int status)
{
	set_out(rq, NULL, 0);
	rq->status = status;
	rq->ctype = NULL;
}

void http_set_etag(struct http_req *rq, const json_t *rec)
{
	json_t *v = json_object_get(rec, "version");

	if (json_is_integer(v))
		snprintf(rq->etag, sizeof rq->etag, "\"%lld\"",
			 (long long)json_integer_value(v));
}

bool http_reply_table(struct http_req *rq, const char *format, const char *name,
		      const char *title, const char *const *columns, size_t ncols,
		      const json_t *rows)
{
	char err[256];

	if (strcmp(format, "csv") == 0) {
		struct jbuf b = {0};
		/* A UTF-8 byte order mark, so that spreadsheets read the text right. */
		jbuf_lit(&b, "\xEF\xBB\xBF");
		if (io_write_csv(columns, ncols, rows, &b) != ST_OK) {
			jbuf_free(&b);
			http_problem(rq, E_INTERNAL, NULL, "out of memory writing CSV");
			return true;
		}
		http_reply_owned(rq, 200, "text/csv; charset=utf-8", b.p, b.len);
		snprintf(rq->disposition, sizeof rq->disposition, "attachment; filename=\"%s.csv\"", name);
		return true;
	}
	if (strcmp(format, "xlsx") == 0) {
		char *data = NULL;
		size_t len = 0;
		if (io_write_xlsx(name, title, columns, ncols, rows, NULL, &data, &len, err,
				  sizeof err) != ST_OK) {
			http_problem(rq, E_INTERNAL, NULL, "%s", err);
			return true;
		}
		http_reply_owned(rq, 200,
				 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
				 data, len);
		snprintf(rq->disposition, sizeof rq->disposition, "attachment; filename=\"%s.xlsx\"", name);
		return true;
	}
	return false;
}
