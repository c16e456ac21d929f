/*
 * test_ops.c - operations: /healthz, the Prometheus /metrics text, and a
 * clean shutdown on SIGTERM and SIGINT, also with clients still connected.
 */
#include "client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

START_TEST(healthz)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};

	req(s, "GET", "/healthz", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.ctype, "application/json");
	ck_assert_pstr_eq(jstr(r.json, "status"), "ok");
	ck_assert_pstr_eq(jstr(r.json, "db"), "ok");
	req(s, "HEAD", "/healthz", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.body_len, 0);
	res_free(&r);
	server_end(s);
}
END_TEST

/* The value of the sample line that starts with @prefix, or -1. */
static double sample(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		if (strncmp(l, prefix, n) == 0 && l[n] == ' ')
			return strtod(l + n + 1, NULL);
		l = nl ? nl + 1 : NULL;
	}
	return -1;
}

/* The request counter of @route ("METHOD /pattern" or "unmatched"). */
static double requests(const char *text, const char *route, int status)
{
	char prefix[160];

	snprintf(prefix, sizeof prefix,
		 "nsatu_http_requests_total{route=\"%s\",status=\"%d\"}", route, status);
	return sample(text, prefix);
}

#define HIST "nsatu_http_request_duration_seconds"

START_TEST(metrics)
{
	struct server *s = server_start(NULL);
	struct http_res r = {0};
	const char *tok;
	double prev = 0, count;
	int buckets = 0;

	req(s, "GET", "/healthz", NULL, NULL, &r);
	req(s, "GET", "/healthz", NULL, NULL, &r);
	req(s, "GET", "/nope", NULL, NULL, &r);
	tok = login_as(s, "planner");
	req(s, "GET", "/api/v1/nations/DEU", tok, NULL, &r);
	req(s, "GET", "/api/v1/nations/XXX", tok, NULL, &r);
	req(s, "GET", "/metrics", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.ctype, "text/plain; version=0.0.4");
	ck_assert_ptr_nonnull(strstr(r.body, "# TYPE nsatu_http_requests_total counter\n"));
	ck_assert(requests(r.body, "GET /healthz", 200) == 2);
	ck_assert(requests(r.body, "unmatched", 404) == 1);
	ck_assert(requests(r.body, "POST /api/v1/sessions", 201) == 1);
	ck_assert(requests(r.body, "GET /api/v1/nations/{id}", 200) == 1);
	ck_assert(requests(r.body, "GET /api/v1/nations/{id}", 404) == 1);

	/* The histogram: cumulative buckets ending in +Inf == _count. */
	ck_assert_ptr_nonnull(strstr(r.body, "# TYPE " HIST " histogram\n"));
	for (const char *l = strstr(r.body, HIST "_bucket{"); l;
	     l = strstr(l + 1, HIST "_bucket{")) {
		double v = strtod(strchr(l, ' ') + 1, NULL);
		ck_assert_msg(v >= prev, "buckets are not cumulative");
		prev = v;
		buckets++;
	}
	ck_assert_int_eq(buckets, 13);
	count = sample(r.body, HIST "_count");
	ck_assert(count == 6);
	ck_assert(sample(r.body, HIST "_bucket{le=\"+Inf\"}") == count);
	ck_assert(sample(r.body, HIST "_sum") > 0);
	ck_assert(sample(r.body, "nsatu_http_in_flight") >= 1);
	ck_assert(sample(r.body, "nsatu_db_errors_total") == 0);
	ck_assert(sample(r.body, "nsatu_db_connections") >= 1);

	req(s, "GET", "/metrics", NULL, NULL, &r);
	ck_assert(requests(r.body, "GET /metrics", 200) == 1);
	res_free(&r);
	server_end(s);
}
END_TEST

static bool port_open(unsigned port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	close(fd);
	return ok;
}

START_TEST(clean_shutdown)
{
	struct server *s = server_start("--grace", "1", NULL);
	struct http_res r = {0};
	const char *head = "POST /api/v1/nations HTTP/1.1\r\nHost: x\r\n"
			   "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"iso3\":";
	const char *alive = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
	char buf[1024];
	bool closed;
	unsigned port = s->port;

	req(s, "GET", "/healthz", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	/* One idle keep-alive client, one stuck half-way through a body. */
	int idle = raw_connect(s), stuck = raw_connect(s);
	ck_assert(raw_send(idle, alive, strlen(alive)));
	raw_recv_all(idle, buf, sizeof buf, 500, &closed);
	ck_assert_msg(strncmp(buf, "HTTP/1.1 200 ", 13) == 0 && !closed, "%s", buf);
	ck_assert(raw_send(stuck, head, strlen(head)));
	raw_recv_all(stuck, buf, sizeof buf, 300, &closed);
	ck_assert(!closed);

	double t0 = now_s();
	ck_assert_int_eq(server_stop(s), 0);
	ck_assert_msg(now_s() - t0 < 8, "shutdown took %.1f s with --grace 1", now_s() - t0);
	raw_recv_all(idle, buf, sizeof buf, 2000, &closed);
	ck_assert(closed);
	raw_recv_all(stuck, buf, sizeof buf, 2000, &closed);
	ck_assert(closed);
	close(idle);
	close(stuck);
	ck_assert_msg(!port_open(port), "port %u still accepts after shutdown", port);

	/* SIGINT stops it cleanly as well. */
	server_restart(s, NULL);
	req(s, "GET", "/healthz", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	kill(s->pid, SIGINT);
	int st;
	ck_assert_int_eq(waitpid(s->pid, &st, 0), s->pid);
	s->pid = 0;
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "SIGINT: status %d", st);
	res_free(&r);
	server_end(s);
}
END_TEST

Suite *suite_ops(void)
{
	Suite *s = suite_create("ops");
	TCase *tc = api_tcase("ops");

	tcase_add_test(tc, healthz);
	tcase_add_test(tc, metrics);
	tcase_add_test(tc, clean_shutdown);
	suite_add_tcase(s, tc);
	return s;
}
