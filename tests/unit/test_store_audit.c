/*
 * test_store_audit.c - store conformance, continued: listing the audit
 * trail (audit_scan) with filters, ranges and either order.  Part of the
 * suite "store", so every backend runs it ($NSATU_TEST_DB).
 *
 * A trail of TRAIL records with known columns is written once per test;
 * each query's answer is compared with what a plain loop over the same
 * rows selects, in both orders and walked page by page.
 */
#include "suites.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#define TRAIL 60

static struct store *S;

static void setup(void) { S = test_store_new(2); }
static void teardown(void) { test_store_free(S); }

/* Record @seq (1..TRAIL) of the trail, column by column.  Times go up a
 * minute per record over three days, except record 31, whose clock was
 * behind: times are filters, never the order. */
static void row(int64_t seq, struct audit_rec *r)
{
	static const char *const actors[] = {"alice", "bob", "system"};
	static const char *const actions[] = {"create", "update", "delete", "login"};
	int64_t minute = seq == 31 ? 5 : seq * 50;

	memset(r, 0, sizeof *r);
	r->seq = seq;
	snprintf(r->at, sizeof r->at, "2026-03-%02d" "T%02d:%02d:00.000Z",
		 (int)(1 + minute / 1440), (int)(minute % 1440 / 60), (int)(minute % 60));
	snprintf(r->actor, sizeof r->actor, "%s", actors[seq % 3]);
	snprintf(r->action, sizeof r->action, "%s", actions[seq % 4]);
	snprintf(r->entity, sizeof r->entity, "%s", seq % 2 ? "nations" : "sites");
	snprintf(r->entity_id, sizeof r->entity_id, "K%d", (int)(seq % 5));
	snprintf(r->prev_hash, sizeof r->prev_hash, "h%lld", (long long)seq - 1);
	snprintf(r->hash, sizeof r->hash, "h%lld", (long long)seq);
}

static int write_trail(struct store_tx *tx, void *arg)
{
	int rc;

	(void)arg;
	for (int64_t seq = 1; seq <= TRAIL; seq++) {
		struct audit_rec r;

		row(seq, &r);
		r.after = (char *)"{\"x\":1}";
		if ((rc = store_audit_append(tx, &r)) != ST_OK)
			return rc;
	}
	return ST_OK;
}

/* Whether @r is one @q selects, as the store should decide it. */
static bool selects(const struct store_audit_query *q, const struct audit_rec *r)
{
	return (!q->actor || strcmp(q->actor, r->actor) == 0) &&
	       (!q->action || strcmp(q->action, r->action) == 0) &&
	       (!q->entity || strcmp(q->entity, r->entity) == 0) &&
	       (!q->entity_id || strcmp(q->entity_id, r->entity_id) == 0) &&
	       (!q->at_min || strcmp(r->at, q->at_min) >= 0) &&
	       (!q->at_max || strcmp(r->at, q->at_max) <= 0) &&
	       (!q->seq_min || r->seq >= q->seq_min) && (!q->seq_max || r->seq <= q->seq_max) &&
	       (!q->after || (q->desc ? r->seq < q->after : r->seq > q->after));
}

struct got {
	int64_t seq[TRAIL + 1];
	size_t n;
	bool overflow, mismatch;
};

static int collect(const struct audit_rec *r, void *arg)
{
	struct got *g = arg;
	struct audit_rec want;

	if (g->n == TRAIL + 1) {
		g->overflow = true;
		return 1;
	}
	row(r->seq, &want);
	/* Every column comes back as written. */
	if (strcmp(r->at, want.at) || strcmp(r->actor, want.actor) ||
	    strcmp(r->action, want.action) || strcmp(r->entity, want.entity) ||
	    strcmp(r->entity_id, want.entity_id) || strcmp(r->hash, want.hash) ||
	    strcmp(r->prev_hash, want.prev_hash) || !r->after || strcmp(r->after, "{\"x\":1}") ||
	    r->before)
		g->mismatch = true;
	g->seq[g->n++] = r->seq;
	return 0;
}

static void scan(const struct store_audit_query *q, struct got *g)
{
	struct store_tx *tx;

	memset(g, 0, sizeof *g);
	ck_assert_int_eq(S->ops->begin(S, STORE_READ, &tx), ST_OK);
	ck_assert_int_eq(store_audit_scan(tx, q, collect, g), ST_OK);
	S->ops->rollback(tx);
	ck_assert(!g->overflow);
	ck_assert(!g->mismatch);
}

/* @q in both orders, whole and in pages of @page: each time exactly the
 * records the loop selects, in the order asked for.  Returns how many. */
static size_t check_query(const char *what, struct store_audit_query q, size_t page)
{
	int64_t want[TRAIL];
	size_t nwant = 0;
	struct got g;

	for (int64_t seq = 1; seq <= TRAIL; seq++) {
		struct audit_rec r;

		row(seq, &r);
		if (selects(&q, &r))
			want[nwant++] = seq;
	}
	for (int desc = 0; desc <= 1; desc++) {
		q.desc = desc;
		q.limit = 0;
		q.after = 0;
		scan(&q, &g);
		ck_assert_msg(g.n == nwant, "%s %s: %zu records, want %zu", what,
			      desc ? "desc" : "asc", g.n, nwant);
		for (size_t i = 0; i < nwant; i++)
			ck_assert_msg(g.seq[i] == want[desc ? nwant - 1 - i : i],
				      "%s %s: record %zu is seq %lld", what, desc ? "desc" : "asc",
				      i, (long long)g.seq[i]);

		/* Page by page, each seeking past the last record of the one
		 * before: every record exactly once, in order. */
		size_t seen = 0, pages = 0;
		q.limit = page;
		for (;;) {
			scan(&q, &g);
			ck_assert_msg(g.n <= page, "%s: page of %zu", what, g.n);
			for (size_t i = 0; i < g.n; i++, seen++) {
				ck_assert_msg(seen < nwant, "%s: more than %zu records", what, nwant);
				ck_assert_msg(g.seq[i] == want[desc ? nwant - 1 - seen : seen],
					      "%s %s, paged: record %zu is seq %lld", what,
					      desc ? "desc" : "asc", seen, (long long)g.seq[i]);
			}
			pages++;
			if (g.n < page)
				break;
			q.after = g.seq[g.n - 1];
		}
		ck_assert_msg(seen == nwant, "%s %s, paged: %zu of %zu", what,
			      desc ? "desc" : "asc", seen, nwant);
		ck_assert_int_eq(pages, nwant / page + 1);
	}
	return nwant;
}

START_TEST(audit_scan_filters_in_both_orders)
{
	ck_assert_int_eq(store_run(S, STORE_WRITE, write_trail, NULL), ST_OK);

	ck_assert_int_eq(check_query("everything", (struct store_audit_query){0}, 7), TRAIL);
	ck_assert_int_eq(check_query("actor", (struct store_audit_query){.actor = "bob"}, 7),
			 TRAIL / 3);
	ck_assert_int_eq(check_query("action", (struct store_audit_query){.action = "delete"}, 4),
			 TRAIL / 4);
	ck_assert_int_eq(check_query("entity", (struct store_audit_query){.entity = "sites"}, 10),
			 TRAIL / 2);
	ck_assert_int_eq(check_query("entity_id", (struct store_audit_query){.entity_id = "K3"}, 5),
			 TRAIL / 5);
	ck_assert_int_eq(check_query("entity and key",
				     (struct store_audit_query){.entity = "nations",
								.entity_id = "K3"}, 3),
			 TRAIL / 10);
	ck_assert_int_eq(check_query("actor and action",
				     (struct store_audit_query){.actor = "system",
								.action = "create"}, 2),
			 TRAIL / 12);
	/* Every filter at once: record 56 alone. */
	ck_assert_int_eq(check_query("all filters",
				     (struct store_audit_query){
					     .actor = "system", .action = "create",
					     .entity = "sites", .entity_id = "K1",
					     .at_min = "2026-03-02T00:00:00.000Z",
					     .at_max = "2026-03-02T23:59:59.999Z",
					     .seq_min = 2, .seq_max = 59}, 1),
			 1);
	/* One day: records 29 to 57 but 31, whose clock said day 1. */
	ck_assert_int_eq(check_query("one day",
				     (struct store_audit_query){
					     .at_min = "2026-03-02T00:00:00.000Z",
					     .at_max = "2026-03-02T23:59:59.999Z"}, 8),
			 28);
	ck_assert_int_eq(check_query("from",
				     (struct store_audit_query){.at_min = "2026-03-03T00:00:00.000Z"}, 8),
			 3);
	ck_assert_int_eq(check_query("to",
				     (struct store_audit_query){.at_max = "2026-03-01T00:05:00.000Z"}, 8),
			 1);
	ck_assert_int_eq(check_query("seq range",
				     (struct store_audit_query){.seq_min = 10, .seq_max = 20}, 4),
			 11);
	ck_assert_int_eq(check_query("seq range and actor",
				     (struct store_audit_query){.actor = "alice", .seq_min = 10,
								.seq_max = 20}, 2),
			 3);
}
END_TEST

/* Bounds hold their own value: a record exactly at from, at to, at
 * seq_from or at seq_to is in. */
START_TEST(audit_scan_bounds_are_inclusive)
{
	struct audit_rec r10, r12;
	struct got g;

	ck_assert_int_eq(store_run(S, STORE_WRITE, write_trail, NULL), ST_OK);
	row(10, &r10);
	row(12, &r12);
	scan(&(struct store_audit_query){.at_min = r10.at, .at_max = r12.at}, &g);
	ck_assert_int_eq(g.n, 3);
	ck_assert_int_eq(g.seq[0], 10);
	ck_assert_int_eq(g.seq[2], 12);
	scan(&(struct store_audit_query){.at_min = r10.at, .at_max = r10.at, .desc = true}, &g);
	ck_assert_int_eq(g.n, 1);
	ck_assert_int_eq(g.seq[0], 10);
	scan(&(struct store_audit_query){.seq_min = 10, .seq_max = 12, .desc = true}, &g);
	ck_assert_int_eq(g.n, 3);
	ck_assert_int_eq(g.seq[0], 12);
	ck_assert_int_eq(g.seq[2], 10);
	scan(&(struct store_audit_query){.seq_min = TRAIL, .seq_max = TRAIL}, &g);
	ck_assert_int_eq(g.n, 1);
	/* A millisecond past either end and the record is out. */
	scan(&(struct store_audit_query){.at_min = "2026-03-01T08:20:00.001Z",
					 .at_max = "2026-03-01T09:09:59.999Z"}, &g);
	ck_assert_int_eq(g.n, 0);
}
END_TEST

START_TEST(audit_scan_empty_answers)
{
	struct got g;

	/* An empty trail. */
	scan(&(struct store_audit_query){0}, &g);
	ck_assert_int_eq(g.n, 0);
	scan(&(struct store_audit_query){.desc = true, .limit = 5}, &g);
	ck_assert_int_eq(g.n, 0);

	ck_assert_int_eq(store_run(S, STORE_WRITE, write_trail, NULL), ST_OK);
	scan(&(struct store_audit_query){.actor = "nobody"}, &g);
	ck_assert_int_eq(g.n, 0);
	scan(&(struct store_audit_query){.actor = "'; DELETE FROM audit; --"}, &g);
	ck_assert_int_eq(g.n, 0);
	scan(&(struct store_audit_query){.actor = "Bob"}, &g);  /* exact match */
	ck_assert_int_eq(g.n, 0);
	scan(&(struct store_audit_query){.entity_id = "K"}, &g);
	ck_assert_int_eq(g.n, 0);
	scan(&(struct store_audit_query){.at_min = "2027-01-01T00:00:00.000Z"}, &g);
	ck_assert_int_eq(g.n, 0);
	scan(&(struct store_audit_query){.seq_min = TRAIL + 1}, &g);
	ck_assert_int_eq(g.n, 0);
	/* Past either end of the trail. */
	scan(&(struct store_audit_query){.after = TRAIL}, &g);
	ck_assert_int_eq(g.n, 0);
	scan(&(struct store_audit_query){.after = 1, .desc = true}, &g);
	ck_assert_int_eq(g.n, 0);
	scan(&(struct store_audit_query){.after = 2, .desc = true}, &g);
	ck_assert_int_eq(g.n, 1);
	/* The trail is whole after all that. */
	scan(&(struct store_audit_query){0}, &g);
	ck_assert_int_eq(g.n, TRAIL);
}
END_TEST

TCase *tcase_store_audit(void)
{
	TCase *tc = tcase_create("audit listing");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, audit_scan_filters_in_both_orders);
	tcase_add_test(tc, audit_scan_bounds_are_inclusive);
	tcase_add_test(tc, audit_scan_empty_answers);
	return tc;
}
