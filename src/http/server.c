/*
 * server.c - libmicrohttpd set-up, request life cycle and dispatch.
 *
 * A request goes: read headers (MHD) -> accumulate the body up to the limit
 * -> route -> authenticate -> Idempotency-Key -> handler -> response.
 * Handlers build their answer into struct http_req; only this file turns it
 * into an MHD response.  libmicrohttpd runs its own epoll thread pool.
 */
#include "internal.h"

#include "log/log.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct http_server {
	struct MHD_Daemon *daemon;
	struct svc *svc;
	struct http_config cfg;
	int listen_fd;
	unsigned port;
	_Atomic long in_flight;
	_Atomic bool stopping;   /* set by http_stop: new requests get 503 */
	struct http_web *web;    /* the UI's files, or NULL */
};

const struct http_web *http_server_web(const struct http_server *srv) { return srv->web; }

long http_in_flight(const struct http_server *srv) { return srv->in_flight; }
unsigned http_port(const struct http_server *srv) { return srv->port; }

/* ---- Sending. ------------------------------------------------------------- */

static void add_header(struct MHD_Response *r, const char *name, const char *value)
{
	if (value && *value)
		MHD_add_response_header(r, name, value);
}

static enum MHD_Result send_reply(struct http_req *rq)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	char num[24];

	if (rq->web) {
		r = http_web_response(rq);
	} else {
		r = MHD_create_response_from_buffer(rq->out_len, rq->out, MHD_RESPMEM_MUST_FREE);
		if (r)
			rq->out = NULL;
	}
	if (!r)
		return MHD_NO;
	add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rq->ctype);
	add_header(r, MHD_HTTP_HEADER_ETAG, rq->etag);
	add_header(r, MHD_HTTP_HEADER_LOCATION, rq->location);
	add_header(r, MHD_HTTP_HEADER_ALLOW, rq->allow);
	add_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, rq->disposition);
	if (rq->retry_after > 0) {
		snprintf(num, sizeof num, "%ld", rq->retry_after);
		add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, num);
	}
	if (rq->status == 401)
		add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"nsatu\"");
	add_header(r, "X-Content-Type-Options", "nosniff");
	if (rq->close)
		add_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	/* Records are scoped per user: no shared cache may keep them. */
	if (!rq->web)
		add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
			   rq->no_store ? "no-store" : "private, no-cache");
	ret = MHD_queue_response(rq->conn, (unsigned)rq->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void access_log(struct http_req *rq, double secs)
{
	if (!log_enabled(LOG_INFO))
		return;
	json_t *f = json_pack("{s:s, s:s?, s:i, s:f, s:s?}", "method", rq->method,
			      "route", rq->route ? rq->route->pattern : NULL, "status",
			      rq->status, "ms", (double)(long)(secs * 1e6) / 1000.0, "user",
			      rq->authed ? rq->who.username : NULL);
	if (f) {
		json_t *path = json_string(rq->path);
		json_object_set_new(f, "path", path ? path : json_string("(not UTF-8)"));
	}
	log_json(rq->status >= 500 ? LOG_ERROR : LOG_INFO, "request", f);
}

static enum MHD_Result finish(struct http_req *rq)
{
	double secs = log_mono_s() - rq->t0;

	if (!rq->status)
		http_problem(rq, E_INTERNAL, NULL, "the handler gave no answer");
	http_metrics_observe(http_route_index(rq->route), rq->status, secs);
	access_log(rq, secs);
	return send_reply(rq);
}

/* ---- Authentication and idempotency. ---------------------------------------- */

static bool authenticate(struct http_req *rq)
{
	const char *h = http_header(rq, MHD_HTTP_HEADER_AUTHORIZATION);
	int rc;

	if (!h || strncmp(h, "Bearer ", 7) != 0) {
		http_problem(rq, E_UNAUTHORIZED, NULL,
			     "send Authorization: Bearer TOKEN; get a token from POST /api/v1/sessions");
		return false;
	}
	rc = svc_authenticate(rq->svc, h + 7, &rq->who);
	if (rc == ST_UNAUTHORIZED) {
		http_problem(rq, E_UNAUTHORIZED, NULL,
			     "the token is unknown, expired or revoked; log in again");
		return false;
	}
	if (rc != ST_OK) {
		http_reply_status(rq, rc, NULL);
		return false;
	}
	rq->authed = true;
	return true;
}

static bool idem_key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (k[i] < 0x21 || k[i] > 0x7E)
			return false;
	}
	return true;
}

/* Replay a stored answer: {"status":N,"body":"...","ctype":...,"etag":...}. */
static void replay(struct http_req *rq, int status, const char *stored)
{
	json_t *env = json_loads(stored, 0, NULL);
	const char *body = json_string_value(json_object_get(env, "body"));
	const char *ctype = json_string_value(json_object_get(env, "ctype"));
	const char *etag = json_string_value(json_object_get(env, "etag"));
	const char *loc = json_string_value(json_object_get(env, "location"));

	if (!env) {
		http_problem(rq, E_INTERNAL, NULL, "stored idempotent answer is unreadable");
		return;
	}
	/* Only the two types we ever store; never a pointer into @env. */
	http_reply_text(rq, status,
			ctype && strcmp(ctype, "application/problem+json") == 0
				? "application/problem+json" : "application/json",
			body ? body : "", body ? strlen(body) : 0);
	snprintf(rq->etag, sizeof rq->etag, "%s", etag ? etag : "");
	snprintf(rq->location, sizeof rq->location, "%s", loc ? loc : "");
	json_decref(env);
}

static char *envelope(struct http_req *rq)
{
	json_t *env = json_pack("{s:s%, s:s?, s:s, s:s}", "body", rq->out ? rq->out : "",
				rq->out_len, "ctype", rq->ctype, "etag", rq->etag,
				"location", rq->location);
	char *text = env ? json_dumps(env, JSON_COMPACT) : NULL;

	json_decref(env);
	return text;
}

/* The query string, rebuilt: a retry must match it as well as the body. */
static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *value)
{
	struct jbuf *b = cls;

	(void)kind;
	jbuf_raw(b, key, strlen(key));
	jbuf_lit(b, "=");
	if (value)
		jbuf_raw(b, value, strlen(value));
	jbuf_lit(b, "&");
	return MHD_YES;
}

/* ---- Dispatch. ---------------------------------------------------------------- */

static void dispatch(struct http_req *rq)
{
	const char *key = NULL;
	bool path_known;

	rq->route = http_route_match(rq, rq->method, rq->path, &path_known, rq->allow,
				     sizeof rq->allow);
	if (!rq->route) {
		if (path_known && strcmp(rq->method, "OPTIONS") == 0)
			http_reply_empty(rq, 204);
		else if (path_known)
			http_problem(rq, E_METHOD, NULL, "%s is not allowed here; allowed: %s",
				     rq->method, rq->allow);
		else
			http_problem(rq, E_NOT_FOUND, NULL, "no resource at %s", rq->path);
		if (!path_known)
			rq->allow[0] = '\0';
		return;
	}
	rq->allow[0] = '\0';
	if (rq->body_too_large) {
		http_problem(rq, E_TOO_LARGE, "body", "is larger than %zu bytes",
			     rq->max_body);
		return;
	}
	if (!(rq->route->flags & R_PUBLIC) && !authenticate(rq))
		return;
	if (rq->authed && strcmp(rq->method, "POST") == 0 &&
	    (key = http_header(rq, "Idempotency-Key"))) {
		enum svc_idem_state state;
		char *stored = NULL;
		int status, rc;

		if (!idem_key_ok(key)) {
			http_problem(rq, E_BAD_REQUEST, "Idempotency-Key",
				     "must be 1 to 128 visible ASCII characters");
			return;
		}
		struct jbuf request = {0};
		MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, add_arg, &request);
		jbuf_lit(&request, "\n");
		if (rq->body_len)
			jbuf_raw(&request, rq->body, rq->body_len);
		rc = request.failed ? ST_INTERNAL
				    : svc_idem_begin(rq->svc, &rq->who, key, rq->method, rq->path,
						     request.p, request.len, &state, &status, &stored);
		jbuf_free(&request);
		if (rc != ST_OK) {
			http_reply_status(rq, rc, NULL);
			return;
		}
		switch (state) {
		case IDEM_NEW:
			break;
		case IDEM_REPLAY:
			replay(rq, status, stored);
			free(stored);
			return;
		case IDEM_MISMATCH:
			http_problem(rq, E_IDEM_MISMATCH, "Idempotency-Key",
				     "this key was used with a different request body or URL");
			return;
		case IDEM_IN_PROGRESS:
			rq->retry_after = 1;
			http_problem(rq, E_IN_PROGRESS, "Idempotency-Key",
				     "the first request with this key has not finished");
			return;
		}
	}
	rq->route->fn(rq);
	if (key) {
		char *env = rq->status < 500 ? envelope(rq) : NULL;
		if (svc_idem_end(rq->svc, &rq->who, key, env ? rq->status : 500, env) != ST_OK)
			log_msg(LOG_ERROR, "idempotency record failed", "key %s", key);
		free(env);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct http_req *rq = *con_cls;

	(void)version;
	if (!rq) {
		const char *cl;

		if (!(rq = calloc(1, sizeof *rq)))
			return MHD_NO;
		rq->srv = srv;
		rq->svc = srv->svc;
		rq->conn = conn;
		rq->method = method;
		rq->path = url;
		rq->t0 = log_mono_s();
		*con_cls = rq;
		srv->in_flight++;
		if (srv->stopping) {
			/* Shutting down: refuse new work at once, and close. */
			rq->retry_after = 1;
			http_problem(rq, E_UNAVAILABLE, NULL, "the server is shutting down");
			rq->close = true;
			return finish(rq);
		}
		rq->max_body = http_route_is_batch(method, url) && srv->cfg.max_batch_body
				       ? srv->cfg.max_batch_body : srv->cfg.max_body;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > rq->max_body) {
			/* Answer now rather than read a body we will refuse. */
			rq->body_too_large = true;
			dispatch(rq);
			return finish(rq);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		/* A client trickling its body keeps the connection active, so
		 * the idle timeout never fires: bound the whole upload too. */
		if (log_mono_s() - rq->t0 > srv->cfg.body_timeout_s) {
			log_msg(LOG_WARN, "slow upload cut off", "%s %s after %u s", rq->method,
				rq->path, srv->cfg.body_timeout_s);
			return MHD_NO;
		}
		if (rq->body_too_large)
			return MHD_YES;
		if (rq->body_len + n > rq->max_body) {
			rq->body_too_large = true;
			free(rq->body);
			rq->body = NULL;
			rq->body_len = rq->body_cap = 0;
			return MHD_YES;
		}
		if (rq->body_len + n + 1 > rq->body_cap) {
			size_t cap = (rq->body_len + n + 1) * 2;
			if (cap > rq->max_body + 1)
				cap = rq->max_body + 1;
			char *p = realloc(rq->body, cap);
			if (!p)
				return MHD_NO;
			rq->body = p;
			rq->body_cap = cap;
		}
		memcpy(rq->body + rq->body_len, upload_data, n);
		rq->body_len += n;
		rq->body[rq->body_len] = '\0';
		return MHD_YES;
	}
	if (rq->status)  /* already answered (early 413) */
		return MHD_YES;
	dispatch(rq);
	return finish(rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode code)
{
	struct http_server *srv = cls;
	struct http_req *rq = *con_cls;

	(void)conn;
	(void)code;
	if (!rq)
		return;
	json_decref(rq->keep);
	free(rq->body);
	free(rq->out);
	free(rq);
	*con_cls = NULL;
	srv->in_flight--;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_msg(LOG_WARN, "libmicrohttpd", "%s", msg);
}

/* ---- Start and stop. ------------------------------------------------------------ */

static int open_listener(const char *listen_on, int *fd_out, unsigned *port_out,
			 char *errbuf, size_t errlen)
{
	char host[256], port[16];
	const char *colon;
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE};
	struct addrinfo *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	int fd, one = 1, rc;

	if (listen_on[0] == '[') {
		const char *close = strchr(listen_on, ']');
		if (!close || close[1] != ':' || (size_t)(close - listen_on) >= sizeof host) {
			snprintf(errbuf, errlen, "listen: '%s' is not [IPv6]:PORT", listen_on);
			return ST_INVALID;
		}
		snprintf(host, sizeof host, "%.*s", (int)(close - listen_on - 1), listen_on + 1);
		colon = close + 1;
	} else {
		colon = strrchr(listen_on, ':');
		if (!colon || (size_t)(colon - listen_on) >= sizeof host) {
			snprintf(errbuf, errlen, "listen: '%s' is not HOST:PORT", listen_on);
			return ST_INVALID;
		}
		snprintf(host, sizeof host, "%.*s", (int)(colon - listen_on), listen_on);
	}
	snprintf(port, sizeof port, "%s", colon + 1);
	char *end;
	long p = strtol(port, &end, 10);
	if (!*port || *end || p < 0 || p > 65535) {
		snprintf(errbuf, errlen, "listen: port '%s' must be 0 to 65535", port);
		return ST_INVALID;
	}
	if ((rc = getaddrinfo(*host ? host : NULL, port, &hints, &ai)) != 0) {
		snprintf(errbuf, errlen, "listen: %s: %s", host, gai_strerror(rc));
		return ST_INVALID;
	}
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		snprintf(errbuf, errlen, "listen on %s: %s", listen_on, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return ST_INVALID;
	}
	freeaddrinfo(ai);
	*port_out = ss.ss_family == AF_INET6
			    ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
			    : ntohs(((struct sockaddr_in *)&ss)->sin_port);
	*fd_out = fd;
	return ST_OK;
}

int http_start(const struct http_config *cfg, struct svc *svc,
	       struct http_server **out, char *errbuf, size_t errlen)
{
	struct http_server *srv = calloc(1, sizeof *srv);
	unsigned threads = cfg->threads;
	int rc;

	*out = NULL;
	if (!srv) {
		snprintf(errbuf, errlen, "out of memory");
		return ST_INTERNAL;
	}
	srv->svc = svc;
	srv->cfg = *cfg;
	if (cfg->web_dir && (rc = http_web_load(cfg->web_dir, &srv->web, errbuf, errlen)) != ST_OK) {
		char why[256];
		snprintf(why, sizeof why, "%s", errbuf);
		snprintf(errbuf, errlen, "web UI in %s: %s", cfg->web_dir, why);
		free(srv);
		return rc;
	}
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 2;
	}
	if ((rc = open_listener(cfg->listen, &srv->listen_fd, &srv->port, errbuf, errlen)) != ST_OK) {
		http_web_free(srv->web);
		free(srv);
		return rc;
	}
	srv->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			MHD_USE_TURBO | MHD_USE_ERROR_LOG,
		0, NULL, NULL, on_request, srv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_LISTEN_SOCKET, srv->listen_fd,
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->conn_timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->max_header,
		MHD_OPTION_CONNECTION_LIMIT, 1024u,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_END);
	if (!srv->daemon) {
		snprintf(errbuf, errlen, "libmicrohttpd failed to start on %s", cfg->listen);
		close(srv->listen_fd);
		http_web_free(srv->web);
		free(srv);
		return ST_INTERNAL;
	}
	*out = srv;
	return ST_OK;
}

void http_stop(struct http_server *srv, unsigned grace_s)
{
	double deadline;

	if (!srv)
		return;
	/*
	 * Let requests in flight finish; answer new ones 503.  (libmicrohttpd
	 * 0.9.75's MHD_quiesce_daemon races with its epoll thread pool and can
	 * abort the process: "Failed to remove listen FD from epoll set".)
	 */
	srv->stopping = true;
	deadline = log_mono_s() + grace_s;
	while (srv->in_flight > 0 && log_mono_s() < deadline) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (srv->in_flight > 0)
		log_msg(LOG_WARN, "shutdown", "%ld requests still running after %u s",
			(long)srv->in_flight, grace_s);
	/* libmicrohttpd closes the listen socket it was given. */
	MHD_stop_daemon(srv->daemon);
	http_web_free(srv->web);
	free(srv);
}
