/*
 * internal.h - shared by the files of src/http; not part of its interface.
 */
#ifndef NSATU_HTTP_INTERNAL_H
#define NSATU_HTTP_INTERNAL_H

#include "http.h"

#include <microhttpd.h>
#include <stdatomic.h>

struct http_req;
typedef void (*http_handler)(struct http_req *rq);


enum {
	R_PUBLIC = 1u << 0,
	R_BATCH = 1u << 1,   /* takes a large body (up to max_batch_body) */
	R_TAIL = 1u << 2,    /* the last {param} takes the rest of the path, '/'s too */
};

struct route {
	const char *method;
	const char *pattern;
	http_handler fn;
	const struct espec *entity;  /* for the generic record handlers */
	unsigned flags;
};

#define HTTP_MAX_ARGS 2

/* Most routes the table may hold (the metrics keep a counter per route,
 * and one more for requests that match none); routes.c checks it. */
#define HTTP_MAX_ROUTES 512

struct http_req {
	struct http_server *srv;
	struct svc *svc;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	double t0;

	/* Body, accumulated up to the limit. */
	char *body;
	size_t body_len, body_cap, max_body;
	bool body_too_large;

	/* Routing and authentication. */
	const struct route *route;
	char args[HTTP_MAX_ARGS][128];
	struct principal who;
	bool authed;

	/* The response, built by the handler, sent by the server. */
	int status;
	char *out;
	size_t out_len;
	const char *ctype;
	char etag[40];
	char location[256];
	char allow[96];
	long retry_after;
	bool no_store;  /* Cache-Control: no-store (tokens) */
	char disposition[128];  /* Content-Disposition for downloads */
	bool close;             /* Connection: close (shutting down) */
	/* A large parsed body to release once the answer is on its way (a
	 * batch's tree takes milliseconds to free). */
	json_t *keep;
	/* A file of the web UI (static.c), sent from memory instead of out. */
	const struct web_file *web;
	bool web_gz, web_index;
};

/* ---- Responses (reply.c, problem.c). --------------------------------------- */

/* Serialise @body (stolen) as the response. */
void http_reply_json(struct http_req *rq, int status, json_t *body);
/* Plain text (for /metrics); @text is copied. */
void http_reply_text(struct http_req *rq, int status, const char *ctype,
		     const char *text, size_t len);
void http_reply_empty(struct http_req *rq, int status);
/* Send @text (malloc'd; ownership passes to the request). */
void http_reply_owned(struct http_req *rq, int status, const char *ctype, char *text,
		      size_t len);
/* Set ETag from a record's "version". */
void http_set_etag(struct http_req *rq, const json_t *rec);

/* The error registry: every problem type nsatu answers with. */
enum http_err {
	E_BAD_REQUEST,        /* 400 malformed input (JSON, query) */
	E_INVALID,            /* 400 a field broke a rule */
	E_UNAUTHORIZED,       /* 401 */
	E_FORBIDDEN,          /* 403 */
	E_NOT_FOUND,          /* 404 */
	E_METHOD,             /* 405 */
	E_CONFLICT,           /* 409 */
	E_IN_PROGRESS,        /* 409 idempotent request still running */
	E_PRECONDITION,       /* 412 If-Match stale */
	E_TOO_LARGE,          /* 413 */
	E_MEDIA_TYPE,         /* 415 */
	E_IDEM_MISMATCH,      /* 422 Idempotency-Key reused for another request */
	E_THROTTLED,          /* 429 */
	E_INTERNAL,           /* 500 */
	E_UNAVAILABLE,        /* 503 busy, retry */
	E__COUNT
};

/* Answer with problem @e; @field may be NULL; detail is printf-style. */
void http_problem(struct http_req *rq, enum http_err e, const char *field,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Answer for a service status (and its validation error, if any). */
void http_reply_status(struct http_req *rq, int st, const struct verr *err);

/* Iterate the registry (for the document test). */
int http_problem_status(enum http_err e);
const char *http_problem_slug(enum http_err e);

/* ---- Request helpers (request.c). ---------------------------------------------- */

const char *http_header(struct http_req *rq, const char *name);
const char *http_query(struct http_req *rq, const char *name);

/* Decode the body as a JSON object; on failure answers 400/415 and
 * returns NULL. */
json_t *http_body_json(struct http_req *rq);
/* The same for a batch body {"@key": [...]}, decoded on two threads when
 * large (http_decode_json_split). */
json_t *http_body_json_batch(struct http_req *rq, const char *key);

/* Refuse a query parameter not in @allowed (NULL-terminated), or one given
 * twice, with 400 naming it; true when the query is fine. */
bool http_only_params(struct http_req *rq, const char *const *allowed);

/* If-Match as a version: -1 when absent or "*"; -2 after answering 400. */
int64_t http_if_match(struct http_req *rq);

/*
 * Read limit, cursor and filters from the query string into @q (whose
 * strings point into the request).  Returns false after answering 400.
 */
#define HTTP_MAX_FILTERS 16
struct http_list_args {
	struct svc_filter filters[HTTP_MAX_FILTERS];
	struct svc_list q;
	const char *format;   /* "json" (default), "csv" or "xlsx" */
};

/* Answer with @rows as a CSV or XLSX download named @name (a table of
 * @columns); for format "json" it does nothing and returns false. */
bool http_reply_table(struct http_req *rq, const char *format, const char *name,
		      const char *title, const char *const *columns, size_t ncols,
		      const json_t *rows);
bool http_list_params(struct http_req *rq, struct http_list_args *a);

/* ---- Routing (routes.c). --------------------------------------------------- */

/* Find the route for @method and @path, filling rq->args.  NULL when none;
 * then *@path_known says whether another method would match, and @allow
 * lists those methods. */
const struct route *http_route_match(struct http_req *rq, const char *method,
				     const char *path, bool *path_known,
				     char *allow, size_t allow_len);
size_t http_route_index(const struct route *r);

/* ---- Metrics (metrics.c). ---------------------------------------------------- */

void http_metrics_observe(size_t route_idx, int status, double seconds);
/* Prometheus text; caller frees. */
char *http_metrics_render(struct store *store, long in_flight);

/* ---- Handlers, one file per resource. ---------------------------------------- */

void h_healthz(struct http_req *rq);
void h_metrics(struct http_req *rq);
void h_session_create(struct http_req *rq);
void h_session_get(struct http_req *rq);
void h_session_delete(struct http_req *rq);
void h_session_password(struct http_req *rq);
void h_rec_list(struct http_req *rq);
void h_rec_get(struct http_req *rq);
void h_rec_create(struct http_req *rq);
void h_rec_update(struct http_req *rq);
void h_rec_delete(struct http_req *rq);
void h_audit_list(struct http_req *rq);
void h_transition(struct http_req *rq);
void h_coverage(struct http_req *rq);
void h_coverage_list(struct http_req *rq);
void h_burden_sharing(struct http_req *rq);
void h_proposal_outcome(struct http_req *rq);
void h_manning(struct http_req *rq);
/* Reports of transfer and repair (h_transfer_reports.c). */
void h_enduse_delinquent(struct http_req *rq);
void h_enduse_losses(struct http_req *rq);
void h_enduse_reconciliation(struct http_req *rq);
void h_node_report(struct http_req *rq);
void h_repair_report(struct http_req *rq);
/* Reports of training (h_training_reports.c). */
void h_training_seats(struct http_req *rq);
void h_training_graduates(struct http_req *rq);
void h_training_pipeline(struct http_req *rq);
void h_training_notice(struct http_req *rq);
void h_audit_verify(struct http_req *rq);
/* Allocation plans (h_plans.c). */
void h_plan_run(struct http_req *rq);
void h_plan_get(struct http_req *rq);
void h_plan_problem(struct http_req *rq);
void h_plan_diff(struct http_req *rq);
/* Readiness and the training scheduler (h_readiness.c). */
void h_readiness(struct http_req *rq);
void h_target_readiness(struct http_req *rq);
void h_training_schedule(struct http_req *rq);
void h_import(struct http_req *rq);
void h_schema(struct http_req *rq);  /* h_schema.c: GET /api/v1/schema */
/* A report route (report.c): the query parameters it takes (format
 * included), the service call, the table of its CSV/XLSX form, and the
 * query or path parameter whose "invalid" means "no such resource" (404),
 * or NULL. */
struct http_report {
	const char *const *params;
	int (*run)(struct http_req *rq, json_t **out, struct verr *err);
	const struct svc_report_table *table;
	const char *resource;
};
void http_report(struct http_req *rq, const struct http_report *r);

void h_event_create(struct http_req *rq);
void h_trainee_lookup(struct http_req *rq);
void h_event_batch(struct http_req *rq);
void h_shipment_document(struct http_req *rq);
void h_scan(struct http_req *rq);

/* true when @method @path is a route that takes a large body (R_BATCH). */
bool http_route_is_batch(const char *method, const char *path);

/* ---- The web UI (static.c). ----------------------------------------------- */

struct http_web;
struct web_file;
/* Read the UI under @dir into memory: ST_OK, or ST_INVALID with @err. */
int http_web_load(const char *dir, struct http_web **out, char *err, size_t errlen);
void http_web_free(struct http_web *w);
/* GET / and GET /static/{build}/{file}: the UI's page and its files. */
void h_ui_index(struct http_req *rq);
void h_ui_file(struct http_req *rq);
/* The response for a request http_web_serve answered with a file. */
struct MHD_Response *http_web_response(const struct http_req *rq);
const struct http_web *http_server_web(const struct http_server *srv);

/* In-flight request count (server.c), for /metrics. */
long http_in_flight(const struct http_server *srv);

#endif
