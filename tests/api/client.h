/*
 * client.h - what the API tests share: a real nsatu server per test, an
 * HTTP client on libcurl, raw sockets for the slow-client cases, running
 * the nsatu command, and the suites main.c runs.
 *
 * Every helper that can fail asserts with Check, so a test reads as a list
 * of requests and expectations.  A test that fails half-way leaves its
 * server to Check, which kills the test's whole process group; the dirs
 * all live under one root that client_cleanup removes.
 */
#ifndef NSATU_API_CLIENT_H
#define NSATU_API_CLIENT_H

#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- The process: once per test binary. --------------------------------- */

/* Create the demo database template ($NSATU_BIN demo) that every server
 * starts from, and set libcurl up.  Exits on failure. */
void client_init(void);
/* Remove the template and every server's dir, unless @keep (after a
 * failure, for a look at the logs). */
void client_cleanup(bool keep);

/* ---- Servers. ----------------------------------------------------------------- */

#define SERVER_MAX_TOKENS 32

struct server {
	pid_t pid;          /* 0 when stopped */
	unsigned port;
	char dir[96];       /* private temp dir: t.db, port, server.log */
	char db[256];       /* SQLite file, or a PostgreSQL URL */
	char pg_name[64];   /* PostgreSQL: this server's database, else "" */
	char log[128];
	char *tokens[SERVER_MAX_TOKENS]; /* from login(), freed with the server */
	size_t ntokens;
};

/* The PostgreSQL server the tests run on ($NSATU_TEST_DB), or NULL for SQLite. */
const char *client_pg_url(void);
/* Run one SQL text on the database at @url; false with @err set on failure. */
bool client_pg_exec(const char *url, const char *sql, char *err, size_t errlen);

/*
 * Start `nsatu serve` on a fresh copy of the demo database with the extra
 * flags given (a NULL-terminated list, e.g. "--token-ttl", "2", NULL).
 * Waits up to 15 s for the port file.  The caller ends it with server_end().
 */
struct server *server_start(const char *flag, ...);
/* Start again on the same database (after server_stop). */
void server_restart(struct server *s, const char *flag, ...);
/* SIGTERM and wait (bounded; SIGKILL after 20 s).  Returns the exit code,
 * 128 + signal when killed, or -1 after the SIGKILL.  The log is copied to
 * stderr when the exit code is not 0. */
int server_stop(struct server *s);
/* Stop (asserting a clean exit 0), remove the temp dir, free. */
void server_end(struct server *s);

/* ---- HTTP. -------------------------------------------------------------- */

struct http_res {
	long status;
	char *body;        /* NUL-terminated, never NULL after a request */
	size_t body_len;
	json_t *json;      /* the body when it is JSON, else NULL */
	char ctype[128], etag[64], allow[128], location[256], retry_after[32],
		www_auth[128], cache_control[64];
};

struct http_call {
	const char *method;
	const char *path;         /* with the query string */
	const char *token;        /* NULL: no Authorization header */
	const char *body;         /* NULL: no body */
	size_t body_len;          /* 0: strlen(body) */
	const char *ctype;        /* NULL: application/json; "": no Content-Type */
	const char *headers[8];   /* more "Name: value" lines, NULL-terminated */
};

/* Send one request; fills @res, freeing what it held (it must start zeroed).
 * Asserts that the transfer itself worked; returns the status. */
long http_do(const struct server *s, const struct http_call *c, struct http_res *res);
/* The common case: @body (or NULL) as application/json. */
long req(const struct server *s, const char *method, const char *path,
	 const char *token, const char *body, struct http_res *res);
void res_free(struct http_res *res);

/* One of several POSTs sent at the same instant (post_all_at_once): fill
 * path and body; status, curl_rc and the answer's start come back. */
struct shot {
	char path[192];
	const char *body;
	long status;
	int curl_rc;
	char buf[2048];   /* the answer, cut at this size */
	size_t len;
};
/* POST each of @shots[0..n) as @token, each on its own connection, all
 * released at once by a barrier (for races: capacity, quantities); returns
 * when all have answered. */
void post_all_at_once(const struct server *s, const char *token, struct shot *shots, size_t n);

/* Log in; asserts 201 and returns the token (owned by @s). */
const char *login(struct server *s, const char *user, const char *password);
/* Log in as a demo user by name, with its demo password. */
const char *login_as(struct server *s, const char *user);

/* Assert an RFC 9457 answer: @status, content type, type
 * urn:nsatu:problem:@slug, title, detail, instance; when @field is not
 * NULL, "field" and errors[0].field name it. */
void assert_problem(const struct http_res *r, long status, const char *slug,
		    const char *field);

/* GET @path as @token, asserting 200: the body (new reference). */
json_t *get_ok(const struct server *s, const char *token, const char *path);
/* The element of @rows whose @field is @value, or NULL (borrowed). */
json_t *row_where(const json_t *rows, const char *field, const char *value);

/* Members of a JSON object (NULL / 0 when absent). */
const char *jstr(const json_t *o, const char *key);
long long jint(const json_t *o, const char *key);

/* The number of audit records, from GET /api/v1/audit/verify (asserts ok). */
long long audit_count(const struct server *s, const char *admin_token);

/* Today's date (UTC) plus @days, as YYYY-MM-DD. */
void date_utc(int days, char out[16]);

/* ---- Plumbing (proc.c). ------------------------------------------------- */

double now_s(void);               /* monotonic clock, seconds */
void sleep_ms(long ms);
void rm_tree(const char *dir);    /* rm -rf */
bool copy_file(const char *from, const char *to);
void dump_file(const char *path); /* to stderr, for a failed server's log */
/* Wait for @pid up to @secs, SIGKILL after.  The exit code, 128 + signal,
 * or -1 (killed after the time, or a system failure). */
int wait_bounded(pid_t pid, double secs);
/* Run @argv (NULL-terminated) with stdout and stderr into *@out (always
 * set; the caller frees).  Bounded to 30 s.  Makes no Check calls, so
 * client_init can use it.  The exit code, or -1. */
int run_argv(const char *const *argv, char **out);
/* The nsatu binary under test: a private copy of $NSATU_BIN. */
const char *nsatu_bin(void);

/* ---- Raw sockets and the command line. ---------------------------------- */

/* A TCP connection to the server; asserts. */
int raw_connect(const struct server *s);
/* Send all of @len bytes; false when the peer closed. */
bool raw_send(int fd, const void *buf, size_t len);
/* Read until the peer closes or @timeout_ms passes; returns the bytes read
 * (at most @size - 1, NUL-terminated) and sets *@closed. */
size_t raw_recv_all(int fd, char *buf, size_t size, int timeout_ms, bool *closed);

/* Run $NSATU_BIN with the NULL-terminated arguments, from the repository
 * root.  Returns the exit code; *@out (when given) gets stdout and stderr,
 * for the caller to free. */
int nsatu_run(char **out, const char *arg, ...);

/* ---- Suites and a TCase with the generous timeout the sanitizers need. -- */

TCase *api_tcase(const char *name);
Suite *suite_auth(void);
Suite *suite_errors(void);
Suite *suite_records(void);
Suite *suite_audit(void);
Suite *suite_ops(void);

#endif
