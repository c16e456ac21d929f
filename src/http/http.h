/*
 * http.h - the HTTP/JSON API server (libmicrohttpd).
 *
 * Only this module knows libmicrohttpd.  Routes live in one table
 * (routes.c); each resource has one file of handlers; every error leaves
 * through the problem registry (problem.c) as application/problem+json.
 */
#ifndef NSATU_HTTP_H
#define NSATU_HTTP_H

#include "core/core.h"
#include "svc/svc.h"

#include <stddef.h>

struct http_config {
	const char *listen;        /* "HOST:PORT", "[V6]:PORT"; port 0 picks one */
	unsigned threads;          /* worker threads; 0: the number of CPUs */
	size_t max_body;           /* bytes; larger bodies get 413 */
	size_t max_batch_body;     /* the same for batch routes (events:batch) */
	size_t max_header;         /* bytes of request line and headers */
	unsigned conn_timeout_s;   /* idle connections are closed after this */
	unsigned body_timeout_s;   /* a body must arrive whole within this */
	const char *web_dir;       /* the web UI (make web's build/web); NULL: none */
};

struct http_server;

/* Start serving.  On failure writes a reason into @errbuf. */
int http_start(const struct http_config *cfg, struct svc *svc,
	       struct http_server **out, char *errbuf, size_t errlen);

/* The port actually bound (useful with port 0). */
unsigned http_port(const struct http_server *srv);

/* Stop accepting, let requests in flight finish (up to @grace_s seconds),
 * then close every connection and free the server. */
void http_stop(struct http_server *srv, unsigned grace_s);

/* The route table, for documentation checks.  Patterns use {name}. */
struct http_route_info {
	const char *method;
	const char *pattern;
	bool public_route;   /* needs no bearer token */
};
size_t http_route_count(void);
struct http_route_info http_route_at(size_t i);

/*
 * Decode a request body that must be one JSON object.  On failure returns
 * ST_INVALID with @err naming the field (a JSON path such as "lines[2].qty"
 * where it can be found) and the reason.  *@out is a new reference.
 */
int http_decode_json(const char *body, size_t len, json_t **out, struct verr *err);
/*
 * The same for a body {"@key": [...]} of at least @min_len bytes, parsed on
 * two threads (the array cut at a top-level comma near its middle, each
 * half parsed alone): a batch of 10 000 events decodes in about half the
 * time.  Any other shape, or any error, goes through http_decode_json, so
 * the result and the errors are always the same as its.
 */
int http_decode_json_split(const char *body, size_t len, const char *key, size_t min_len,
			   json_t **out, struct verr *err);

#endif
