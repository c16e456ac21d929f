/*
 * client.c - the API tests' harness: servers in temp dirs and an HTTP
 * client on libcurl, with the assertions the tests share.  See client.h.
 *
 * The demo database is built once per test binary (client_init) and copied
 * for each server, so every test starts from the same, known data without
 * paying for seven argon2id hashes each time.
 */
#include "client.h"

#include <curl/curl.h>
#include <pthread.h>
#include <libpq-fe.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 32

/* The run's root dir: the template database, the binary, one subdir per
 * server.  Check ends a failed test with _exit(), so no test cleans up after
 * itself then; removing the root at the end leaves nothing behind. */
static char template_dir[64];
static char template_db[256];
static char pg_template[64];  /* PostgreSQL: the template database name */

/* A private copy of $NSATU_BIN, so that a rebuild during the run cannot
 * pull the binary away from under the tests. */
static char bin_copy[96];

const char *nsatu_bin(void)
{
	const char *b = getenv("NSATU_BIN");

	if (*bin_copy)
		return bin_copy;
	if (!b || !*b) {
		fprintf(stderr, "api-tests: set NSATU_BIN to the nsatu binary\n");
		exit(2);
	}
	return b;
}

/* ---- PostgreSQL (when NSATU_TEST_DB names a server). ----------------------------- */

const char *client_pg_url(void)
{
	const char *u = getenv("NSATU_TEST_DB");

	return u && (strncmp(u, "postgresql://", 13) == 0 || strncmp(u, "postgres://", 11) == 0)
		       ? u : NULL;
}

bool client_pg_exec(const char *url, const char *sql, char *err, size_t errlen)
{
	PGconn *db = PQconnectdb(url);
	PGresult *res = NULL;
	bool ok = PQstatus(db) == CONNECTION_OK;

	if (ok) {
		res = PQexec(db, sql);
		ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
	}
	if (!ok && err)
		snprintf(err, errlen, "%s", res ? PQresultErrorMessage(res) : PQerrorMessage(db));
	PQclear(res);
	PQfinish(db);
	return ok;
}

/* @url with its database name replaced by @name. */
static void url_with_db(const char *url, const char *name, char *out, size_t size)
{
	const char *slash = strrchr(url, '/');
	const char *query = strchr(url, '?');

	snprintf(out, size, "%.*s/%s%s", (int)(slash - url), url, name, query ? query : "");
}

static void pg_sql_or_die(const char *sql)
{
	char err[512];

	if (!client_pg_exec(client_pg_url(), sql, err, sizeof err)) {
		fprintf(stderr, "api-tests: %s: %s\n", sql, err);
		exit(2);
	}
}

/* ---- Servers. ------------------------------------------------------------------ */

void client_init(void)
{
	char *out = NULL;
	int code;

	nsatu_bin();
	snprintf(template_dir, sizeof template_dir, "/tmp/nsatu-api-XXXXXX");
	if (!mkdtemp(template_dir) || curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		perror("api-tests: set-up");
		exit(2);
	}
	snprintf(template_db, sizeof template_db, "%s/t.db", template_dir);
	if (client_pg_url()) {
		char sql[128];
		snprintf(pg_template, sizeof pg_template, "nsatu_api_tpl_%d", (int)getpid());
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", pg_template);
		pg_sql_or_die(sql);
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", pg_template);
		pg_sql_or_die(sql);
		url_with_db(client_pg_url(), pg_template, template_db, sizeof template_db);
	}
	snprintf(bin_copy, sizeof bin_copy, "%s/nsatu", template_dir);
	if (!copy_file(getenv("NSATU_BIN"), bin_copy) || chmod(bin_copy, 0755) != 0) {
		perror("api-tests: copying $NSATU_BIN");
		rm_tree(template_dir);
		exit(2);
	}
	code = run_argv((const char *const[]){nsatu_bin(), "demo", "--db", template_db,
					     "--data", "data", NULL}, &out);
	if (code != 0) {
		fprintf(stderr, "api-tests: nsatu demo failed (exit %d):\n%s\n", code, out);
		free(out);
		rm_tree(template_dir);
		exit(2);
	}
	free(out);
}

void client_cleanup(bool keep)
{
	if (client_pg_url() && !keep) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", pg_template);
		client_pg_exec(client_pg_url(), sql, NULL, 0);
	}
	if (keep)
		fprintf(stderr, "api-tests: server logs and databases kept in %s\n", template_dir);
	else
		rm_tree(template_dir);
	curl_global_cleanup();
}

static void spawn(struct server *s, const char *flag, va_list ap)
{
	const char *argv[MAX_ARGS] = {nsatu_bin(), "serve", "--db", s->db, "--listen",
				      "127.0.0.1:0", "--port-file", NULL, "--log-level",
				      "warn"};
	char port_file[128];
	size_t argc = 10;
	int fd;

	snprintf(port_file, sizeof port_file, "%s/port", s->dir);
	unlink(port_file);
	argv[7] = port_file;
	for (const char *a = flag; a && argc < MAX_ARGS - 1; a = va_arg(ap, const char *))
		argv[argc++] = a;
	argv[argc] = NULL;
	s->pid = fork();
	ck_assert(s->pid >= 0);
	if (s->pid == 0) {
		fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	/* Wait for a complete line in the port file, or for the server to die. */
	double deadline = now_s() + 15;
	while (now_s() < deadline) {
		char line[32] = "";
		FILE *f = fopen(port_file, "r");
		int st;

		if (f) {
			bool got = fgets(line, sizeof line, f) && strchr(line, '\n');
			fclose(f);
			if (got && (s->port = (unsigned)strtoul(line, NULL, 10)) > 0)
				return;
		}
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = 0;
			dump_file(s->log);
			ck_abort_msg("nsatu serve exited at start-up (status %d)", st);
		}
		sleep_ms(20);
	}
	dump_file(s->log);
	ck_abort_msg("nsatu serve wrote no port file within 15 s");
}

struct server *server_start(const char *flag, ...)
{
	struct server *s = calloc(1, sizeof *s);
	va_list ap;

	ck_assert(s != NULL);
	snprintf(s->dir, sizeof s->dir, "%s/srv-XXXXXX", template_dir);
	ck_assert(mkdtemp(s->dir) != NULL);
	snprintf(s->log, sizeof s->log, "%s/server.log", s->dir);
	if (client_pg_url()) {
		/* A fresh database per server, cloned from the demo template. */
		static unsigned counter;
		char sql[192], err[512];

		snprintf(s->pg_name, sizeof s->pg_name, "nsatu_api_%d_%u", (int)getpid(), counter++);
		snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE %s", s->pg_name, pg_template);
		ck_assert_msg(client_pg_exec(client_pg_url(), sql, err, sizeof err), "%s: %s", sql, err);
		url_with_db(client_pg_url(), s->pg_name, s->db, sizeof s->db);
	} else {
		snprintf(s->db, sizeof s->db, "%s/t.db", s->dir);
		ck_assert_msg(copy_file(template_db, s->db), "cannot copy the demo database");
	}
	va_start(ap, flag);
	spawn(s, flag, ap);
	va_end(ap);
	return s;
}

void server_restart(struct server *s, const char *flag, ...)
{
	va_list ap;

	ck_assert_msg(s->pid == 0, "server_restart: the server is still running");
	va_start(ap, flag);
	spawn(s, flag, ap);
	va_end(ap);
}

int server_stop(struct server *s)
{
	int code;

	if (!s->pid)
		return 0;
	kill(s->pid, SIGTERM);
	code = wait_bounded(s->pid, 20);
	s->pid = 0;
	if (code != 0)
		dump_file(s->log);
	return code;
}

void server_end(struct server *s)
{
	int code = server_stop(s);

	if (*s->pg_name) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", s->pg_name);
		client_pg_exec(client_pg_url(), sql, NULL, 0);
	}
	rm_tree(s->dir);
	for (size_t i = 0; i < s->ntokens; i++)
		free(s->tokens[i]);
	free(s);
	ck_assert_msg(code == 0, "nsatu serve did not exit cleanly: status %d", code);
}

/* ---- HTTP. ------------------------------------------------------------------- */

struct sink {
	char *p;
	size_t len, cap;
	bool failed;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct sink *b = arg;
	size_t add = size * n;

	if (b->len + add + 1 > b->cap) {
		size_t cap = (b->len + add + 1) * 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return 0;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, add);
	b->len += add;
	b->p[b->len] = '\0';
	return add;
}

static void keep_header(const char *line, size_t n, const char *name, char *dst,
			size_t size)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return;
	line += k + 1;
	n -= k + 1;
	while (n && (*line == ' ' || *line == '\t'))
		line++, n--;
	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n' || line[n - 1] == ' '))
		n--;
	snprintf(dst, size, "%.*s", (int)n, line);
}

static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
	struct http_res *r = arg;
	size_t len = size * n;

	keep_header(line, len, "Content-Type", r->ctype, sizeof r->ctype);
	keep_header(line, len, "ETag", r->etag, sizeof r->etag);
	keep_header(line, len, "Allow", r->allow, sizeof r->allow);
	keep_header(line, len, "Location", r->location, sizeof r->location);
	keep_header(line, len, "Retry-After", r->retry_after, sizeof r->retry_after);
	keep_header(line, len, "WWW-Authenticate", r->www_auth, sizeof r->www_auth);
	keep_header(line, len, "Cache-Control", r->cache_control, sizeof r->cache_control);
	return len;
}

void res_free(struct http_res *res)
{
	free(res->body);
	json_decref(res->json);
	memset(res, 0, sizeof *res);
}

long http_do(const struct server *s, const struct http_call *c, struct http_res *res)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	struct sink body = {0};
	char url[2048], line[4200];
	CURLcode rc;

	ck_assert(h != NULL);
	res_free(res);
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", s->port, c->path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, res);
	if (strcmp(c->method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, c->method);
	hdrs = curl_slist_append(hdrs, "Expect:");
	if (c->token) {
		snprintf(line, sizeof line, "Authorization: Bearer %s", c->token);
		hdrs = curl_slist_append(hdrs, line);
	}
	if (c->body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, c->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(c->body_len ? c->body_len : strlen(c->body)));
		if (!c->ctype)
			hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		else if (!*c->ctype)
			hdrs = curl_slist_append(hdrs, "Content-Type:");
		else {
			snprintf(line, sizeof line, "Content-Type: %s", c->ctype);
			hdrs = curl_slist_append(hdrs, line);
		}
	}
	for (size_t i = 0; i < sizeof c->headers / sizeof *c->headers && c->headers[i]; i++)
		hdrs = curl_slist_append(hdrs, c->headers[i]);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK) {
		/* Did the server die?  Its log says why (a sanitizer report). */
		sleep_ms(300);
		dump_file(s->log);
	}
	ck_assert_msg(rc == CURLE_OK && !body.failed, "%s %s: %s", c->method, c->path,
		      curl_easy_strerror(rc));
	if (!body.p)
		body.p = calloc(1, 1);
	ck_assert(body.p != NULL);
	res->body = body.p;
	res->body_len = body.len;
	if (body.len && (strncmp(res->ctype, "application/json", 16) == 0 ||
			 strncmp(res->ctype, "application/problem+json", 24) == 0))
		res->json = json_loadb(body.p, body.len, 0, NULL);
	return res->status;
}

long req(const struct server *s, const char *method, const char *path,
	 const char *token, const char *body, struct http_res *res)
{
	return http_do(s, &(struct http_call){.method = method, .path = path,
					      .token = token, .body = body}, res);
}

const char *login(struct server *s, const char *user, const char *password)
{
	struct http_res r = {0};
	json_t *body = json_pack("{s:s, s:s}", "username", user, "password", password);
	char *text = json_dumps(body, JSON_COMPACT);
	char *token;

	json_decref(body);
	ck_assert(text != NULL);
	req(s, "POST", "/api/v1/sessions", NULL, text, &r);
	free(text);
	ck_assert_msg(r.status == 201, "login %s: status %ld: %s", user, r.status, r.body);
	token = strdup(jstr(r.json, "token") ? jstr(r.json, "token") : "");
	res_free(&r);
	ck_assert(token && *token);
	ck_assert(s->ntokens < SERVER_MAX_TOKENS);
	s->tokens[s->ntokens++] = token;
	return token;
}

const char *login_as(struct server *s, const char *user)
{
	static const char *const demo[][2] = {
		{"admin", "demo-admin-2026"}, {"planner", "demo-planner-2026"},
		{"liaison.deu", "demo-liaison-2026"}, {"officer.ukr", "demo-officer-2026"},
		{"node.rze", "demo-node-2026"}, {"facility.grf", "demo-facility-2026"},
		{"auditor", "demo-auditor-2026"},
	};

	for (size_t i = 0; i < sizeof demo / sizeof *demo; i++) {
		if (strcmp(demo[i][0], user) == 0)
			return login(s, user, demo[i][1]);
	}
	ck_abort_msg("no demo user %s", user);
	return NULL;
}

void assert_problem(const struct http_res *r, long status, const char *slug,
		    const char *field)
{
	char type[96];

	snprintf(type, sizeof type, "urn:nsatu:problem:%s", slug);
	ck_assert_msg(r->status == status, "want %ld, got %ld: %s", status, r->status, r->body);
	ck_assert_str_eq(r->ctype, "application/problem+json");
	ck_assert_msg(json_is_object(r->json), "problem body is not JSON: %s", r->body);
	ck_assert_pstr_eq(jstr(r->json, "type"), type);
	ck_assert_int_eq(jint(r->json, "status"), status);
	ck_assert_msg(jstr(r->json, "title") && *jstr(r->json, "title"), "no title");
	ck_assert_msg(jstr(r->json, "detail") && *jstr(r->json, "detail"), "no detail");
	ck_assert_msg(jstr(r->json, "instance") && *jstr(r->json, "instance"), "no instance");
	if (field) {
		json_t *e0 = json_array_get(json_object_get(r->json, "errors"), 0);
		ck_assert_pstr_eq(jstr(r->json, "field"), field);
		ck_assert_pstr_eq(jstr(e0, "field"), field);
		ck_assert_msg(jstr(e0, "reason") && *jstr(e0, "reason"), "no reason");
	}
}

const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

long long jint(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

long long audit_count(const struct server *s, const char *admin_token)
{
	struct http_res r = {0};
	long long n;

	req(s, "GET", "/api/v1/audit/verify", admin_token, NULL, &r);
	ck_assert_msg(r.status == 200, "audit verify: %ld %s", r.status, r.body);
	ck_assert_msg(json_is_true(json_object_get(r.json, "ok")), "chain broken: %s", r.body);
	n = jint(r.json, "records");
	res_free(&r);
	return n;
}

void date_utc(int days, char out[16])
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* ---- Test cases. -------------------------------------------------------- */

TCase *api_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 60);
	return tc;
}

/* ---- Concurrent POSTs. -------------------------------------------------------- */

struct shooter {
	const struct server *s;
	const char *token;
	struct shot *shot;
	pthread_barrier_t *go;
};

static size_t shot_body(char *data, size_t size, size_t n, void *arg)
{
	struct shot *sh = arg;
	size_t add = size * n, room = sizeof sh->buf - 1 - sh->len;

	memcpy(sh->buf + sh->len, data, add < room ? add : room);
	sh->len += add < room ? add : room;
	sh->buf[sh->len] = '\0';
	return add;
}

/* One POST on its own connection; no Check calls in a thread. */
static void *fire(void *arg)
{
	struct shooter *f = arg;
	struct shot *sh = f->shot;
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	char url[256], auth[256];

	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", f->s->port, sh->path);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", f->token);
	hdrs = curl_slist_append(hdrs, auth);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:");
	if (h) {
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
		curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, sh->body);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, shot_body);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, sh);
	}
	pthread_barrier_wait(f->go);
	sh->curl_rc = h ? (int)curl_easy_perform(h) : -1;
	if (h)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &sh->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return NULL;
}

void post_all_at_once(const struct server *s, const char *token, struct shot *shots, size_t n)
{
	struct shooter *f = calloc(n, sizeof *f);
	pthread_t *th = calloc(n, sizeof *th);
	pthread_barrier_t go;

	ck_assert(f && th && n > 0);
	ck_assert_int_eq(pthread_barrier_init(&go, NULL, (unsigned)n), 0);
	for (size_t i = 0; i < n; i++) {
		shots[i].status = 0;
		shots[i].curl_rc = 0;
		shots[i].len = 0;
		shots[i].buf[0] = '\0';
		f[i] = (struct shooter){s, token, &shots[i], &go};
		ck_assert_int_eq(pthread_create(&th[i], NULL, fire, &f[i]), 0);
	}
	for (size_t i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	free(f);
	free(th);
}

/* GET @path as @token, asserting 200: the body (new reference). */
json_t *get_ok(const struct server *s, const char *token, const char *path)
{
	struct http_res r = {0};
	json_t *out;

	req(s, "GET", path, token, NULL, &r);
	ck_assert_msg(r.status == 200, "%s: %ld %s", path, r.status, r.body);
	out = json_incref(r.json);
	res_free(&r);
	return out;
}

/* The element of @rows whose @field is @value, or NULL (borrowed). */
json_t *row_where(const json_t *rows, const char *field, const char *value)
{
	json_t *r;
	size_t i;

	json_array_foreach(rows, i, r) {
		if (jstr(r, field) && strcmp(jstr(r, field), value) == 0)
			return r;
	}
	return NULL;
}
