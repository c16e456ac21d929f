/*
 * plan.c - allocation plans: the optimiser's problem built from the
 * records, the run (solved outside any transaction, stored as a draft
 * with digests of its inputs and its result), the plan read back, its
 * diff against today's allocations, and approval into allocations.
 *
 * Reproducibility: the problem is built in key order and dumped as
 * compact JSON with sorted keys, and the result holds no timings, so the
 * same records give the same bytes and the same digests.  Approval
 * rebuilds the problem in its own transaction and refuses when the
 * digest moved: a plan is only ever applied to the inputs it was solved
 * from.
 */
#include "plan_build.h"

#include "log/log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000LL

/* ---- The proposed allocations. ---------------------------------------------- */

/* Flows of one pledge to one requirement by one route, summed (cost: of
 * all their units, whole or not). */
struct proposal {
	size_t supply, demand;
	char route[256];
	double quantity, cost;
	int arrives;
};

static int proposal_cmp(const void *a, const void *b)
{
	const struct proposal *x = a, *y = b;

	if (x->demand != y->demand)
		return x->demand < y->demand ? -1 : 1;
	if (x->supply != y->supply)
		return x->supply < y->supply ? -1 : 1;
	return strcmp(x->route, y->route);
}

static json_t *proposal_json(const struct plan_problem *pb, const struct proposal *a,
			     long long units)
{
	const struct plan_demand *d = &pb->demands[a->demand];
	const struct plan_supply *s = &pb->supplies[a->supply];
	char on[11];

	plan_date(a->arrives, on);
	return json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:i, s:f}", "pledge", s->id, "requirement",
			 d->id, "item", s->item, "quantity", (json_int_t)units, "route", a->route,
			 "expected_on", on, "days_late",
			 a->arrives > d->needed_by ? a->arrives - d->needed_by : 0, "cost_eur",
			 round(a->cost * (double)units / a->quantity * 100) / 100);
}

/*
 * The allocations @r proposes: its flows summed by pledge, requirement and
 * route (in that key order), each expected on the latest arrival of its
 * flows.  An LP optimum may split units; allocations are whole units, so
 * each sum is rounded down and a sum under one unit proposes nothing.
 */
static json_t *proposals(const struct plan_problem *pb, const struct plan_result *r)
{
	struct proposal *a = calloc(r->nflows + 1, sizeof *a);
	json_t *out = json_array();
	size_t n = 0;

	if (!a || !out) {
		free(a);
		json_decref(out);
		return NULL;
	}
	for (size_t i = 0; i < r->nflows; i++) {
		const struct plan_flow *f = &r->flows[i];

		a[i] = (struct proposal){f->supply, f->demand, "", f->quantity, f->cost, f->arrives};
		plan_route(pb, f, a[i].route, sizeof a[i].route);
	}
	qsort(a, r->nflows, sizeof *a, proposal_cmp);
	for (size_t i = 0; i < r->nflows; i++) {
		if (n && proposal_cmp(&a[n - 1], &a[i]) == 0) {
			a[n - 1].quantity += a[i].quantity;
			a[n - 1].cost += a[i].cost;
			if (a[i].arrives > a[n - 1].arrives)
				a[n - 1].arrives = a[i].arrives;
		} else {
			a[n++] = a[i];
		}
	}
	for (size_t i = 0; i < n; i++) {
		/* 1e-6: 2.9999999 from the simplex is three units. */
		long long units = (long long)floor(a[i].quantity + 1e-6);
		if (units > 0)
			json_array_append_new(out, proposal_json(pb, &a[i], units));
	}
	free(a);
	return out;
}

/* ---- Running. ------------------------------------------------------------------ */

static int build_work(struct store_tx *tx, void *arg)
{
	return svc_plan_build(tx, arg);
}

struct save_ctx {
	const struct principal *p;
	const json_t *body, *server;
	struct verr *err;
	json_t *out;
};

static int save_work(struct store_tx *tx, void *arg)
{
	struct save_ctx *c = arg;
	json_t *body = json_deep_copy(c->body);   /* the runner may start over */
	int rc;

	json_decref(c->out);
	c->out = NULL;
	rc = body ? svc_rec_create_tx(tx, c->p, &ESPEC_PLANS, body, c->server, &c->out, c->err)
		  : ST_INTERNAL;
	json_decref(body);
	return rc;
}

/* @title and @as_of checked as the plan's fields; *@day the plan's start. */
static int run_args(const char *title, const char *as_of, int *day, struct verr *err)
{
	const char *names[] = {"title", "as_of"}, *values[] = {title, as_of};
	int rc = ST_OK;

	for (size_t i = 0; i < 2 && rc == ST_OK; i++) {
		json_t *v = values[i] ? json_string(values[i]) : NULL;

		if (values[i] && !v)
			return verr_set(err, names[i], "must be valid UTF-8 text");
		if (v)
			rc = fspec_check_value(espec_field(&ESPEC_PLANS, names[i]), v, names[i], err);
		json_decref(v);
	}
	*day = as_of ? plan_day(as_of) : (int)(svc_now_ms() / DAY_MS);
	if (rc == ST_OK && *day < 0)
		rc = verr_set(err, "as_of", "must be 1970 or later");
	return rc;
}

/* The plan's result: the optimiser's JSON, with the allocations it
 * proposes and the pledges it could not plan with.  Never a timing, so
 * that equal inputs give an equal result digest. */
static json_t *result_json(const struct plan_build *b, const struct plan_result *r, json_t *props)
{
	json_t *j = plan_result_to_json(&b->pb, r);

	if (!j || !props) {
		json_decref(j);
		json_decref(props);
		return NULL;
	}
	json_object_del(j, "solve_ms");
	json_object_set_new(j, "allocations", props);
	json_object_set(j, "left_out", b->left_out);
	return j;
}

static json_t *server_fields(const struct plan_build *b, const struct plan_result *r, size_t nprops,
			     char *problem, char *result, const char *inputs, const char *outputs)
{
	char as_of[11];

	plan_date(b->as_of, as_of);
	return json_pack("{s:s, s:s, s:n, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:I,"
			 " s:s, s:s, s:n}",
			 "as_of", as_of, "status", "draft", "status_reason", "inputs_digest", inputs,
			 "result_digest", outputs, "requirements", (json_int_t)b->pb.ndemands,
			 "pledges", (json_int_t)(b->pb.nsupplies + json_array_size(b->left_out)),
			 "allocations", (json_int_t)nprops, "on_time_units", (json_int_t)llround(r->on_time),
			 "late_units", (json_int_t)llround(r->late),
			 "unmet_units", (json_int_t)llround(r->unmet), "cost_eur",
			 round(r->cost * 100) / 100, "solve_ms", (json_int_t)llround(r->solve_ms),
			 "problem", problem, "result", result, "approved_by");
}

/* The JSON text a plan keeps in @field ("problem", "result") parsed: a
 * new reference, NULL when it is missing or broken. */
static json_t *parsed(const json_t *plan, const char *field)
{
	const char *text = rec_str(plan, field);

	return text ? json_loads(text, 0, NULL) : NULL;
}

/* The stored plan as the API shows it: the record and "plan", its result. */
static json_t *plan_view(const json_t *rec)
{
	json_t *pub = espec_public(&ESPEC_PLANS, rec);
	json_t *result = parsed(rec, "result");

	if (!pub || !result) {
		json_decref(pub);
		json_decref(result);
		return NULL;
	}
	json_object_set_new(pub, "plan", result);
	return pub;
}

/* Store the plan (@body the client's fields, @server ours) as @p:
 * *@out as svc_plan_get answers it. */
static int save(struct svc *svc, const struct principal *p, const json_t *body,
		const json_t *server, const char *result, json_t **out, struct verr *err)
{
	struct save_ctx c = {p, body, server, err, NULL};
	int rc = store_run(svc->store, STORE_WRITE, save_work, &c);

	if (rc == ST_OK) {
		/* c.out is the public form: the result goes back in for the view. */
		json_object_set_new(c.out, "result", json_string(result));
		rc = (*out = plan_view(c.out)) ? ST_OK : ST_INTERNAL;
	}
	json_decref(c.out);
	return rc;
}

/* Solve @b outside any transaction and store the plan as @p. */
static int solve_and_save(struct svc *svc, const struct principal *p, const char *title,
			  struct plan_build *b, FILE *progress, json_t **out, struct verr *err)
{
	struct plan_result r = {0};
	char msg[320], inputs[STORE_HASH_HEX], outputs[STORE_HASH_HEX];
	char *problem = NULL, *result = NULL;
	json_t *server = NULL, *body = NULL;
	int rc;

	/* Outside any transaction: a large problem takes seconds. */
	if (plan_solve(&b->pb, &r, msg, sizeof msg) != 0) {
		/* The problem comes from records that passed their checks: a
		 * refusal is our bug, or GLPK's failure. */
		log_msg(LOG_ERROR, "plan failed", "%s", msg);
		verr_set(err, "problem", "the optimiser failed: %s", msg);
		plan_result_free(&r);
		return ST_INTERNAL;
	}
	if (progress)
		fprintf(progress, "solved in %.0f ms (%zu rows, %zu columns)\n", r.solve_ms, r.rows,
			r.cols);
	json_t *props = proposals(&b->pb, &r);
	size_t nprops = json_array_size(props);
	if ((rc = svc_plan_dump(result_json(b, &r, props), &result, outputs)) != ST_OK ||
	    (rc = svc_plan_dump(plan_problem_to_json(&b->pb), &problem, inputs)) != ST_OK)
		goto done;
	server = server_fields(b, &r, nprops, problem, result, inputs, outputs);
	body = json_pack("{s:s?}", "title", title);
	if (!server || !body) {
		rc = ST_INTERNAL;
		goto done;
	}
	rc = save(svc, p, body, server, result, out, err);
done:
	plan_result_free(&r);
	free(problem);
	free(result);
	json_decref(server);
	json_decref(body);
	return rc;
}

int svc_plan_run(struct svc *svc, const struct principal *p, const char *title,
		 const char *as_of, FILE *progress, json_t **out, struct verr *err)
{
	struct plan_build b = {.err = err};
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, ESPEC_PLANS.name, ACT_CREATE))
		return ST_FORBIDDEN;
	if ((rc = run_args(title, as_of, &b.as_of, err)) != ST_OK)
		return rc;
	if ((rc = store_run(svc->store, STORE_READ, build_work, &b)) == ST_OK) {
		if (progress) {
			fprintf(progress, "planning: %zu requirement lines, %zu pledge lines (%zu "
				"without an origin), %zu lanes; solving ...\n", b.pb.ndemands,
				b.pb.nsupplies, json_array_size(b.left_out), b.pb.nlanes);
			fflush(progress);
		}
		rc = solve_and_save(svc, p, title, &b, progress, out, err);
	}
	svc_plan_build_clear(&b);
	return rc;
}

/* ---- Reading. ---------------------------------------------------------------- */

struct read_ctx {
	const char *id;
	json_t *rec;
};

static int read_work(struct store_tx *tx, void *arg)
{
	struct read_ctx *c = arg;

	json_decref(c->rec);
	c->rec = NULL;
	return store_rec_get(tx, &ESPEC_PLANS, c->id, &c->rec);
}

/* The stored plan @id, private fields included: *@rec a new reference. */
static int read_plan(struct svc *svc, const struct principal *p, const char *id, json_t **rec)
{
	struct read_ctx c = {id, NULL};
	int rc;

	*rec = NULL;
	if (!perm_allows(p->role, ESPEC_PLANS.name, ACT_READ))
		return ST_FORBIDDEN;
	if ((rc = store_run(svc->store, STORE_READ, read_work, &c)) == ST_OK)
		*rec = c.rec;
	else
		json_decref(c.rec);
	return rc;
}

int svc_plan_get(struct svc *svc, const struct principal *p, const char *id, json_t **out)
{
	json_t *rec;
	int rc = read_plan(svc, p, id, &rec);

	*out = NULL;
	if (rc == ST_OK && !(*out = plan_view(rec)))
		rc = ST_INTERNAL;
	json_decref(rec);
	return rc;
}

int svc_plan_problem(struct svc *svc, const struct principal *p, const char *id, json_t **out)
{
	json_t *rec;
	int rc = read_plan(svc, p, id, &rec);

	*out = NULL;
	if (rc == ST_OK && !(*out = parsed(rec, "problem")))
		rc = ST_INTERNAL;
	json_decref(rec);
	return rc;
}

/* ---- The diff: the plan against today's allocations. ---------------------------- */

struct diff_ctx {
	const char *id;
	json_t *out;
};

/* @list (an array of objects) grouped by their @field: {value: [...]}. */
static json_t *grouped(const json_t *list, const char *field)
{
	json_t *map = json_object(), *it;
	size_t i;

	json_array_foreach(list, i, it) {
		const char *k = rec_str(it, field);
		json_t *g = k ? json_object_get(map, k) : NULL;

		if (!k)
			continue;
		if (!g && json_object_set_new(map, k, g = json_array()) != 0)
			continue;
		json_array_append(g, it);
	}
	return map;
}

static long long units_of(const json_t *list)
{
	long long n = 0;
	size_t i;
	json_t *it;

	json_array_foreach(list, i, it)
		n += rec_num(it, "quantity");
	return n;
}

/* One requirement of the plan: its open allocations, what the plan adds,
 * and what would remain (@pending: the plan is a draft; once approved its
 * allocations are among the open ones, once discarded it adds nothing). */
static json_t *diff_line(const json_t *req, json_t *current, json_t *proposed, bool pending)
{
	json_t *cur = json_array(), *add_list = proposed ? json_incref(proposed) : json_array(), *it;
	size_t i;
	long long have = units_of(current), add = units_of(proposed);
	long long left = rec_num(req, "quantity") - have - (pending ? add : 0);

	json_array_foreach(current, i, it)
		json_array_append_new(cur, json_pack("{s:s, s:s, s:I, s:s?}", "allocation",
						     rec_str(it, "id"), "pledge", rec_str(it, "pledge"),
						     "quantity", (json_int_t)rec_num(it, "quantity"),
						     "plan", rec_str(it, "plan")));
	return json_pack("{s:s, s:s?, s:s?, s:s, s:s, s:s, s:s, s:I, s:o, s:I, s:o, s:I, s:I}",
			 "requirement", rec_str(req, "id"), "item", rec_str(req, "item"),
			 "substitution_group", rec_str(req, "substitution_group"), "priority",
			 rec_str(req, "priority"), "needed_by", rec_str(req, "needed_by"),
			 "destination", rec_str(req, "destination"), "status", rec_str(req, "status"),
			 "requested", (json_int_t)rec_num(req, "quantity"), "current", cur,
			 "current_units", (json_int_t)have, "proposed", add_list,
			 "proposed_units", (json_int_t)add, "remaining_units",
			 (json_int_t)(left > 0 ? left : 0));
}

/* One line per requirement the plan was solved for (the demands of its
 * problem, in key order), with the sums of their units into @sums. */
static int diff_lines(struct store_tx *tx, const json_t *plan, json_t *lines, long long sums[3])
{
	static const char *const open[] = {"open", NULL};
	json_t *problem = parsed(plan, "problem"), *result = parsed(plan, "result");
	json_t *allocs = NULL, *current = NULL, *proposed = NULL, *d;
	bool pending = str_is(rec_str(plan, "status"), "draft");
	size_t i;
	int rc = problem && result ? ST_OK : ST_INTERNAL;

	if (rc == ST_OK)
		rc = svc_rows_sorted(tx, &ESPEC_ALLOCATIONS, "status", open, &allocs);
	if (rc == ST_OK) {
		current = grouped(allocs, "requirement");
		proposed = grouped(json_object_get(result, "allocations"), "requirement");
	}
	json_array_foreach(json_object_get(problem, "demands"), i, d) {
		const char *id = rec_str(d, "id");
		json_t *req = NULL, *line;

		if (rc != ST_OK || (rc = store_rec_get(tx, &ESPEC_REQUIREMENTS, id, &req)) != ST_OK)
			break;
		line = diff_line(req, json_object_get(current, id), json_object_get(proposed, id),
				 pending);
		sums[0] += rec_num(line, "current_units");
		sums[1] += rec_num(line, "proposed_units");
		sums[2] += rec_num(line, "remaining_units");
		rc = line && json_array_append_new(lines, line) == 0 ? ST_OK : ST_INTERNAL;
		json_decref(req);
	}
	json_decref(problem);
	json_decref(result);
	json_decref(allocs);
	json_decref(current);
	json_decref(proposed);
	return rc;
}

static int diff_work(struct store_tx *tx, void *arg)
{
	struct diff_ctx *c = arg;
	json_t *plan = NULL, *lines = json_array();
	long long sums[3] = {0};
	char digest[STORE_HASH_HEX] = "";
	struct verr err = {.field = ""};
	bool stale = false;
	int rc;

	json_decref(c->out);
	c->out = NULL;
	if (!lines) {
		rc = ST_INTERNAL;
		goto done;
	}
	if ((rc = store_rec_get(tx, &ESPEC_PLANS, c->id, &plan)) != ST_OK)
		goto done;
	if ((rc = diff_lines(tx, plan, lines, sums)) != ST_OK)
		goto done;
	/* Only a draft can go stale: an approved plan changed its inputs itself. */
	if (str_is(rec_str(plan, "status"), "draft")) {
		if ((rc = svc_plan_inputs_digest(tx, rec_str(plan, "as_of"), digest, &err)) != ST_OK)
			goto done;
		stale = !str_is(digest, rec_str(plan, "inputs_digest"));
	}
	c->out = json_pack("{s:s, s:s, s:s, s:b, s:s?, s:O, s:{s:I, s:I, s:I, s:I, s:I}}", "plan",
			   c->id, "status", rec_str(plan, "status"), "as_of", rec_str(plan, "as_of"),
			   "stale", stale, "stale_reason",
			   stale ? "requirements, pledges, allocations, items, sites or lanes changed "
				   "since the plan was run: approving it would be refused; run it again"
				 : NULL,
			   "requirements", lines, "totals", "requirements",
			   (json_int_t)json_array_size(lines), "allocations",
			   (json_int_t)rec_num(plan, "allocations"), "current_units",
			   (json_int_t)sums[0], "proposed_units", (json_int_t)sums[1], "remaining_units",
			   (json_int_t)sums[2]);
	rc = c->out ? ST_OK : ST_INTERNAL;
done:
	json_decref(plan);
	json_decref(lines);
	return rc;
}

int svc_plan_diff(struct svc *svc, const struct principal *p, const char *id, json_t **out)
{
	struct diff_ctx c = {id, NULL};
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, ESPEC_PLANS.name, ACT_READ))
		return ST_FORBIDDEN;
	if ((rc = store_run(svc->store, STORE_READ, diff_work, &c)) == ST_OK)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}

/* ---- The rules: made only by a run; approval makes the allocations. ------------ */

static int plan_create(struct store_tx *tx, const struct principal *p, json_t *rec,
		       struct verr *err)
{
	(void)tx, (void)p;
	if (!rec_str(rec, "inputs_digest") || !rec_str(rec, "result"))
		return verr_set(err, "inputs_digest", "plans are made by running the optimiser: "
				"POST /api/v1/plans or nsatu plan run");
	return ST_OK;
}

/* Create proposal @i of the plan as an allocation, through the allocation
 * rules (quantities, items, statuses; the requirement's status follows). */
static int make_allocation(struct store_tx *tx, const struct principal *p, const char *plan,
			   size_t i, const json_t *a, struct verr *err)
{
	json_t *body = json_pack("{s:s, s:s, s:I, s:s, s:s}", "pledge", rec_str(a, "pledge"),
				 "requirement", rec_str(a, "requirement"), "quantity",
				 (json_int_t)rec_num(a, "quantity"), "route", rec_str(a, "route"),
				 "expected_on", rec_str(a, "expected_on"));
	json_t *server = json_pack("{s:s}", "plan", plan), *out = NULL;
	struct verr why = {.field = ""};
	int rc = body && server ? svc_rec_create_tx(tx, p, &ESPEC_ALLOCATIONS, body, server, &out, &why)
				: ST_INTERNAL;

	if (rc != ST_OK && rc != ST_RETRY && rc != ST_INTERNAL) {
		snprintf(err->field, sizeof err->field, "allocations[%zu]%s%.60s", i,
			 *why.field ? "." : "", why.field);
		snprintf(err->reason, sizeof err->reason, "%s", *why.reason ? why.reason
						       : status_name((enum status)rc));
	}
	json_decref(body);
	json_decref(server);
	json_decref(out);
	return rc;
}

static int approve(struct store_tx *tx, const struct principal *p, const json_t *plan,
		   struct verr *err)
{
	const char *id = rec_str(plan, "id");
	char digest[STORE_HASH_HEX];
	json_t *result = NULL, *a, *changes = NULL;
	size_t i;
	int rc = svc_plan_inputs_digest(tx, rec_str(plan, "as_of"), digest, err);

	if (rc != ST_OK)
		return rc;
	if (!str_is(digest, rec_str(plan, "inputs_digest"))) {
		verr_set(err, "to", "inputs changed since the plan was run; run it again");
		return ST_CONFLICT;
	}
	if (!(result = parsed(plan, "result")))
		return ST_INTERNAL;
	json_array_foreach(json_object_get(result, "allocations"), i, a) {
		if ((rc = make_allocation(tx, p, id, i, a, err)) != ST_OK)
			goto done;
	}
	changes = json_pack("{s:s}", "approved_by", p->username);
	rc = changes ? svc_patch_record(tx, p, &ESPEC_PLANS, id, changes, "approve") : ST_INTERNAL;
done:
	json_decref(result);
	json_decref(changes);
	return rc;
}

static int plan_after_transition(struct store_tx *tx, const struct principal *p,
				 const json_t *rec, const char *from, const char *to,
				 struct verr *err)
{
	(void)from;
	return strcmp(to, "approved") == 0 ? approve(tx, p, rec, err) : ST_OK;
}

const struct svc_rules SVC_PLAN_RULES[] = {
	{.e = &ESPEC_PLANS, .on_create = plan_create, .flow = PLAN_FLOW,
	 .after_transition = plan_after_transition},
	{.e = NULL},
};
