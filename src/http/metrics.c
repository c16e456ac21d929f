/*
 * metrics.c - Prometheus counters: requests by route and status, a latency
 * histogram, and the database's error and retry counts.
 *
 * Counters are plain atomics indexed by route and status code, so counting
 * costs two relaxed increments and no lock.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROUTES HTTP_MAX_ROUTES
#define NSTATUS 600

static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
				 0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define NBUCKETS (sizeof buckets / sizeof *buckets)

static _Atomic unsigned long long requests[MAX_ROUTES + 1][NSTATUS];
static _Atomic unsigned long long hist[NBUCKETS + 1];
static _Atomic unsigned long long hist_count;
static _Atomic unsigned long long hist_sum_us;

void http_metrics_observe(size_t route_idx, int status, double seconds)
{
	size_t b = 0;

	if (route_idx > MAX_ROUTES)
		route_idx = MAX_ROUTES;
	if (status < 0 || status >= NSTATUS)
		status = 0;
	atomic_fetch_add_explicit(&requests[route_idx][status], 1, memory_order_relaxed);
	while (b < NBUCKETS && seconds > buckets[b])
		b++;
	atomic_fetch_add_explicit(&hist[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&hist_count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&hist_sum_us, (unsigned long long)(seconds * 1e6),
				  memory_order_relaxed);
}

/* A growing string; on allocation failure it stays failed and frees. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void sb_add(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = true;
			break;
		}
		if (b->p && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)n;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			break;
		}
		b->p = p;
		b->cap = cap;
	}
	free(b->p);
	b->p = NULL;
}

char *http_metrics_render(struct store *store, long in_flight)
{
	struct sbuf b = {0};
	struct store_stats st;
	unsigned long long cum = 0;
	size_t n = http_route_count();

	sb_add(&b, "# HELP nsatu_http_requests_total HTTP requests by route and status.\n"
		   "# TYPE nsatu_http_requests_total counter\n");
	for (size_t r = 0; r <= n && r <= MAX_ROUTES; r++) {
		char label[160];

		if (r < n) {
			struct http_route_info ri = http_route_at(r);
			snprintf(label, sizeof label, "%s %s", ri.method, ri.pattern);
		} else {
			snprintf(label, sizeof label, "unmatched");
		}
		for (int s = 0; s < NSTATUS; s++) {
			unsigned long long v = atomic_load_explicit(&requests[r][s], memory_order_relaxed);
			if (v)
				sb_add(&b, "nsatu_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
				       label, s, v);
		}
	}
	sb_add(&b, "# HELP nsatu_http_request_duration_seconds Time to answer a request.\n"
		   "# TYPE nsatu_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= NBUCKETS; i++) {
		cum += atomic_load_explicit(&hist[i], memory_order_relaxed);
		if (i < NBUCKETS)
			sb_add(&b, "nsatu_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
			       buckets[i], cum);
		else
			sb_add(&b, "nsatu_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	}
	sb_add(&b, "nsatu_http_request_duration_seconds_sum %.6f\n"
		   "nsatu_http_request_duration_seconds_count %llu\n",
	       (double)atomic_load(&hist_sum_us) / 1e6, atomic_load(&hist_count));
	store_stats(store, &st);
	sb_add(&b, "# HELP nsatu_http_in_flight Requests being answered now.\n"
		   "# TYPE nsatu_http_in_flight gauge\nnsatu_http_in_flight %ld\n"
		   "# HELP nsatu_db_errors_total Database errors (not busy or constraint).\n"
		   "# TYPE nsatu_db_errors_total counter\nnsatu_db_errors_total %llu\n"
		   "# HELP nsatu_db_retries_total Transactions retried after a busy or serialization failure.\n"
		   "# TYPE nsatu_db_retries_total counter\nnsatu_db_retries_total %llu\n"
		   "# HELP nsatu_db_connections Open database connections.\n"
		   "# TYPE nsatu_db_connections gauge\nnsatu_db_connections %u\n",
	       in_flight, (unsigned long long)st.errors, (unsigned long long)st.retries,
	       st.connections);
	return b.failed ? NULL : b.p;
}
