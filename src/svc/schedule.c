/*
 * schedule.c - the training scheduler use case: what the capability
 * targets still need of their courses, the sessions that take
 * nominations, the trainees of the targets' units; the greedy of
 * src/plan/schedule.c; and, when applied, its nominations.
 *
 * Read, solved and applied in one transaction, so the nominations made
 * are those shown.
 *
 *  - Sessions: planned or open (the ones that take nominations), starting
 *    today or later.  Free seats are the seats less the enrolments that
 *    hold one (svc_holds_seat: enrolled or beyond) and less the
 *    nominations still pending: a nomination is a claim the facility
 *    normally turns into an enrolment, and without it running the
 *    scheduler twice would nominate a session twice over.
 *  - What a target still needs of course C: count x quantity, less the
 *    people of its unit who graduated from C or are placed in a session of
 *    C ending by the due date.  Targets at one unit share those people,
 *    the one due first taking the first of them in order of the day they
 *    qualify (as the readiness projection does).  One placed in a session
 *    ending after the date counts for nothing here: the scheduler looks
 *    for someone who can be in time.
 *  - Applying: each assignment whose course's prerequisites the trainee
 *    has passed becomes an enrolment (status nominated) through the
 *    normal enrolment rules (seats, prerequisites, overlaps), made by the
 *    planner who applies the schedule (planners may nominate: core/role.c).
 *    One refused and nothing is made.  An assignment behind a prerequisite
 *    still to be passed is "deferred": the enrolment rule accepts it only
 *    once the trainee has graduated, so it is listed, not made.
 *
 * Scope ("training_schedule"): a nation-bound caller sees its nation's
 * targets and trainees only.
 */
#include "tally.h"

#include "plan/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int day_of(const char *text, int fallback)
{
	int64_t d;

	return text && tally_days(text, &d) ? (int)d : fallback;
}

/* Everything read, and the problem built from it.  Strings are borrowed
 * from the rows, which live as long as the state. */
struct state {
	int as_of;
	char today[11];
	json_t *courses, *sessions, *enrolments, *trainees, *targets, *needs;
	json_t *session_at;     /* session id -> its record */
	json_t *trainee_at;     /* trainee id -> index into problem trainees */
	struct sched_course *c;
	struct sched_session *s;
	struct sched_trainee *t;
	struct sched_history *h;
	struct sched_demand *d;
	json_t *demands;        /* per demand: what it counts (for the answer) */
	struct sched_problem p;
};

static void state_free(struct state *st)
{
	json_decref(st->courses);
	json_decref(st->sessions);
	json_decref(st->enrolments);
	json_decref(st->trainees);
	json_decref(st->targets);
	json_decref(st->needs);
	json_decref(st->session_at);
	json_decref(st->trainee_at);
	json_decref(st->demands);
	free(st->c);
	free(st->s);
	free(st->t);
	free(st->h);
	free(st->d);
	memset(st, 0, sizeof *st);
}

static bool active(const char *status)
{
	static const char *const live[] = {"nominated", "enrolled", "in_training", NULL};
	return str_in(status, live);
}

static int load(struct store_tx *tx, struct state *st)
{
	size_t i;
	json_t *r;
	int rc;

	if ((rc = svc_rows(tx, &ESPEC_COURSES, NULL, NULL, &st->courses)) != ST_OK ||
	    (rc = svc_rows(tx, &ESPEC_TRAINING_SESSIONS, NULL, NULL, &st->sessions)) != ST_OK ||
	    (rc = svc_rows(tx, &ESPEC_ENROLMENTS, NULL, NULL, &st->enrolments)) != ST_OK ||
	    (rc = svc_rows(tx, &ESPEC_TRAINEES, NULL, NULL, &st->trainees)) != ST_OK ||
	    (rc = svc_rows(tx, &ESPEC_CAPABILITY_TARGETS, NULL, NULL, &st->targets)) != ST_OK ||
	    (rc = svc_rows(tx, &ESPEC_CAPABILITY_NEEDS, NULL, NULL, &st->needs)) != ST_OK)
		return rc;
	if (!(st->session_at = json_object()) || !(st->trainee_at = json_object()) ||
	    !(st->demands = json_array()))
		return ST_INTERNAL;
	json_array_foreach(st->sessions, i, r)
		json_object_set(st->session_at, rec_str(r, "id"), r);
	return ST_OK;
}

/* Courses and the sessions that take nominations, with their free seats. */
static int build_sessions(struct state *st)
{
	size_t nc = json_array_size(st->courses), ns = json_array_size(st->sessions), i;
	json_t *r, *claims = json_object();

	st->c = calloc(nc ? nc : 1, sizeof *st->c);
	st->s = calloc(ns ? ns : 1, sizeof *st->s);
	if (!st->c || !st->s || !claims) {
		json_decref(claims);
		return ST_INTERNAL;
	}
	json_array_foreach(st->courses, i, r)
		st->c[i] = (struct sched_course){rec_str(r, "code"), rec_str(r, "prerequisites")};
	json_array_foreach(st->enrolments, i, r) {
		const char *status = rec_str(r, "status");
		if (svc_holds_seat(status) || str_is(status, "nominated"))
			json_object_set_new(claims, rec_str(r, "session"),
					    json_integer(rec_num(claims, rec_str(r, "session")) + 1));
	}
	json_array_foreach(st->sessions, i, r) {
		long long free_seats = rec_num(r, "seats") - rec_num(claims, rec_str(r, "id"));
		const char *status = rec_str(r, "status");
		st->s[i] = (struct sched_session){
			rec_str(r, "id"), rec_str(r, "course"), day_of(rec_str(r, "starts_on"), 0),
			day_of(rec_str(r, "ends_on"), 0), free_seats > 0 ? (int)free_seats : 0,
			str_is(status, "planned") || str_is(status, "open")};
	}
	json_decref(claims);
	st->p.courses = st->c;
	st->p.ncourses = nc;
	st->p.sessions = st->s;
	st->p.nsessions = ns;
	return ST_OK;
}

/* The trainees the caller may see, each with what they passed and the
 * sessions they are placed in. */
static int build_trainees(struct state *st, const struct principal *p)
{
	size_t nt = json_array_size(st->trainees), ne = json_array_size(st->enrolments), i, n = 0;
	size_t *count = calloc(nt ? nt : 1, sizeof *count), used = 0;
	json_t *r;

	st->t = calloc(nt ? nt : 1, sizeof *st->t);
	st->h = calloc(ne ? ne : 1, sizeof *st->h);
	if (!count || !st->t || !st->h) {
		free(count);
		return ST_INTERNAL;
	}
	json_array_foreach(st->trainees, i, r) {
		if (!svc_in_scope(p, &ESPEC_TRAINEES, r))
			continue;
		json_object_set_new(st->trainee_at, rec_str(r, "id"), json_integer((json_int_t)n));
		st->t[n++] = (struct sched_trainee){rec_str(r, "id"), rec_str(r, "unit"), NULL, 0};
	}
	/* Two passes over the enrolments: count per trainee, then place. */
	json_array_foreach(st->enrolments, i, r) {
		json_t *at = json_object_get(st->trainee_at, rec_str(r, "trainee"));
		if (at)
			count[json_integer_value(at)]++;
	}
	for (size_t t = 0; t < n; t++) {
		size_t mine = count[t];
		count[t] = used;   /* now: where the trainee's history starts */
		used += mine;
	}
	json_array_foreach(st->enrolments, i, r) {
		json_t *at = json_object_get(st->trainee_at, rec_str(r, "trainee"));
		const json_t *s = json_object_get(st->session_at, rec_str(r, "session"));
		bool passed = str_is(rec_str(r, "status"), "graduated");
		if (!at || (!passed && !active(rec_str(r, "status"))))
			continue;
		size_t t = (size_t)json_integer_value(at);
		st->h[count[t] + st->t[t].nhistory++] = (struct sched_history){
			rec_str(r, "course"), day_of(rec_str(s, "starts_on"), 0),
			day_of(rec_str(s, "ends_on"), 0), passed};
	}
	for (size_t t = 0; t < n; t++)
		st->t[t].history = &st->h[count[t]];
	free(count);
	st->p.trainees = st->t;
	st->p.ntrainees = n;
	return ST_OK;
}

/* ---- What each target still needs. ----------------------------------------------- */

static int by_day(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* The days on which people of @unit qualify in @course (passed or placed),
 * sorted, as a JSON array of integers. */
static json_t *qualifying(const struct state *st, const char *unit, const char *course)
{
	size_t n = 0, i;
	int *days = calloc(json_array_size(st->enrolments) + 1, sizeof *days);
	json_t *units = json_object(), *r, *out = json_array();

	if (!days || !units || !out)
		goto done;
	json_array_foreach(st->trainees, i, r)
		json_object_set_new(units, rec_str(r, "id"), json_string(rec_str(r, "unit")));
	json_array_foreach(st->enrolments, i, r) {
		const char *status = rec_str(r, "status");
		const json_t *s = json_object_get(st->session_at, rec_str(r, "session"));
		if (!str_is(rec_str(r, "course"), course) ||
		    !str_is(json_string_value(json_object_get(units, rec_str(r, "trainee"))), unit))
			continue;
		if (str_is(status, "graduated"))
			days[n++] = day_of(rec_str(r, "graduated_on"), st->as_of);
		else if (active(status))
			days[n++] = day_of(rec_str(s, "ends_on"), st->as_of);
	}
	qsort(days, n, sizeof *days, by_day);
	for (i = 0; i < n; i++)
		json_array_append_new(out, json_integer(days[i]));
done:
	free(days);
	json_decref(units);
	return out;
}

static int by_due(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int d = strcmp(rec_str(x, "due_on"), rec_str(y, "due_on"));

	return d ? d : strcmp(rec_str(x, "id"), rec_str(y, "id"));
}

/* One course need of @target: take its people from the pool @pool (and
 * move the pool's cursor); a demand for the rest when the caller sees it. */
static int demand_of(struct state *st, const struct principal *p, const json_t *target,
		     const json_t *need, json_t *pool)
{
	long long want = rec_num(target, "count") * rec_num(need, "quantity");
	long long from = rec_num(pool, "next"), size = (long long)json_array_size(json_object_get(pool, "days"));
	long long take = want < size - from ? want : size - from, on_time = 0;
	int due = day_of(rec_str(target, "due_on"), st->as_of);

	for (long long k = 0; k < take; k++)
		on_time += json_integer_value(json_array_get(json_object_get(pool, "days"),
							     (size_t)(from + k))) <= due;
	json_object_set_new(pool, "next", json_integer(from + take));
	if (!svc_in_scope(p, &ESPEC_CAPABILITY_TARGETS, target))
		return ST_OK;
	long long people = want - on_time;
	st->d[json_array_size(st->demands)] = (struct sched_demand){
		rec_str(target, "id"), rec_str(need, "course"), rec_str(target, "unit"),
		people > 1000000 ? 1000000 : (int)people, due};
	json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "target",
			      rec_str(target, "id"), "name", rec_str(target, "name"), "nation",
			      rec_str(target, "nation"), "unit", rec_str(target, "unit"), "course",
			      rec_str(need, "course"), "due_on", rec_str(target, "due_on"), "required",
			      (json_int_t)want, "qualified_in_time", (json_int_t)on_time, "needed",
			      (json_int_t)people);
	return d && json_array_append_new(st->demands, d) == 0 ? ST_OK : ST_INTERNAL;
}

static int build_demands(struct state *st, const struct principal *p)
{
	json_t *pools = json_object(), *t, *n;
	size_t i, j;
	int rc = pools ? tally_sort(st->targets, by_due) : ST_INTERNAL;

	st->d = calloc(json_array_size(st->needs) + 1, sizeof *st->d);
	if (!st->d)
		rc = ST_INTERNAL;
	json_array_foreach(st->targets, i, t) {
		json_array_foreach(st->needs, j, n) {
			char key[80];
			json_t *pool;
			if (rc != ST_OK)
				break;
			if (!rec_str(n, "course") || !str_is(rec_str(n, "target"), rec_str(t, "id")))
				continue;
			snprintf(key, sizeof key, "%s\x1f%s", rec_str(t, "unit"), rec_str(n, "course"));
			if (!(pool = json_object_get(pools, key))) {
				pool = json_pack("{s:o, s:i}", "days",
						 qualifying(st, rec_str(t, "unit"), rec_str(n, "course")),
						 "next", 0);
				if (!pool || json_object_set_new(pools, key, pool) != 0) {
					rc = ST_INTERNAL;
					break;
				}
			}
			rc = demand_of(st, p, t, n, pool);
		}
	}
	json_decref(pools);
	st->p.demands = st->d;
	st->p.ndemands = json_array_size(st->demands);
	return rc;
}

/* ---- The answer, and applying it. ---------------------------------------------- */

static const json_t *demand_row(const struct state *st, size_t d)
{
	return json_array_get(st->demands, d);
}

/* Why a demand is short, in words. */
static void shortfall_text(const struct state *st, const struct sched_shortfall *sf, char *buf,
			   size_t len)
{
	const json_t *d = demand_row(st, sf->demand);
	const char *course = rec_str(d, "course"), *due = rec_str(d, "due_on");

	switch (sf->reason) {
	case SCHED_NO_SESSION:
		snprintf(buf, len, "no planned or open session of %s starting from %s ends by %s",
			 course, st->today, due);
		break;
	case SCHED_NO_SEATS:
		snprintf(buf, len, "the %d session%s of %s ending by %s %s no free seat left",
			 sf->sessions, sf->sessions == 1 ? "" : "s", course, due,
			 sf->sessions == 1 ? "has" : "have");
		break;
	case SCHED_NO_CANDIDATES:
		snprintf(buf, len, "no trainee of %s is left without %s: register more trainees",
			 rec_str(d, "unit"), course);
		break;
	case SCHED_PREREQUISITES:
		snprintf(buf, len, "the prerequisites of %s cannot be fitted before a session of it "
			 "ending by %s", course, due);
		break;
	case SCHED_BUSY:
		snprintf(buf, len, "the %d candidate%s of %s %s in other sessions whenever %s has a "
			 "free seat", sf->candidates, sf->candidates == 1 ? "" : "s",
			 rec_str(d, "unit"), sf->candidates == 1 ? "is" : "are", course);
		break;
	}
}

/* Nominate assignment @i (@a) as the enrolment rules allow. */
static int nominate(struct store_tx *tx, const struct principal *p, const struct state *st,
		    size_t i, json_t *a, struct verr *err)
{
	json_t *body = json_pack("{s:s, s:s}", "trainee", rec_str(a, "trainee"), "session",
				 rec_str(a, "session")), *out = NULL;
	struct verr why = {.field = ""};
	int rc;

	if (!body)
		return ST_INTERNAL;
	rc = svc_rec_create_tx(tx, p, &ESPEC_ENROLMENTS, body, NULL, &out, &why);
	json_decref(body);
	if (rc == ST_OK) {
		json_object_set_new(a, "enrolment", json_string(rec_str(out, "id")));
	} else if (rc != ST_RETRY && rc != ST_INTERNAL) {
		verr_set(err, "apply", "assignment %zu (trainee %s to session %s) was refused: %s%s%s",
			 i, rec_str(a, "trainee"), rec_str(a, "session"), why.field,
			 *why.field ? ": " : "", *why.reason ? why.reason : status_name((enum status)rc));
		rc = ST_CONFLICT;
	}
	json_decref(out);
	return rc;
}

static json_t *assignment_json(const struct state *st, const struct sched_result *r, size_t i)
{
	const struct sched_assignment *as = &r->assignments[i];
	const struct sched_session *s = &st->p.sessions[as->session];
	const json_t *d = demand_row(st, as->demand);
	const json_t *session = json_object_get(st->session_at, s->id);

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:b, s:n}", "trainee",
			 st->p.trainees[as->trainee].id, "session", s->id, "course", s->course,
			 "starts_on", rec_str(session, "starts_on"), "ends_on",
			 rec_str(session, "ends_on"), "target", rec_str(d, "target"), "for_course",
			 rec_str(d, "course"), "demand", (json_int_t)as->demand, "prerequisite",
			 as->prerequisite, "deferred", as->deferred, "enrolment");
}

static json_t *shortfall_json(const struct state *st, const struct sched_shortfall *sf)
{
	const json_t *d = demand_row(st, sf->demand);
	char detail[300];

	shortfall_text(st, sf, detail, sizeof detail);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:s}", "target",
			 rec_str(d, "target"), "name", rec_str(d, "name"), "unit", rec_str(d, "unit"),
			 "course", rec_str(d, "course"), "due_on", rec_str(d, "due_on"), "needed",
			 sf->needed, "assigned", sf->assigned, "short", sf->needed - sf->assigned,
			 "reason", sched_reason_name(sf->reason), "detail", detail);
}

struct sched_ctx {
	const struct principal *p;
	bool apply;
	struct verr *err;
	json_t *out;
};

/* The answer; with c->apply, the nominations made too. */
static int answer(struct store_tx *tx, struct sched_ctx *c, struct state *st,
		  const struct sched_result *r)
{
	json_t *assignments = json_array(), *shortfalls = json_array();
	size_t made = 0, deferred = 0;
	long long missing = 0;
	int rc = assignments && shortfalls ? ST_OK : ST_INTERNAL;

	for (size_t i = 0; rc == ST_OK && i < r->nassignments; i++) {
		json_t *a = assignment_json(st, r, i);
		if (!a || json_array_append_new(assignments, a) != 0) {
			rc = ST_INTERNAL;
			break;
		}
		deferred += r->assignments[i].deferred;
		if (c->apply && !r->assignments[i].deferred &&
		    (rc = nominate(tx, c->p, st, i, a, c->err)) == ST_OK)
			made++;
	}
	for (size_t i = 0; rc == ST_OK && i < r->nshortfalls; i++) {
		missing += r->shortfalls[i].needed - r->shortfalls[i].assigned;
		json_array_append_new(shortfalls, shortfall_json(st, &r->shortfalls[i]));
	}
	if (rc == ST_OK) {
		char summary[300];
		snprintf(summary, sizeof summary, "%zu assignment%s for %zu demand%s: %zu %s, %zu "
			 "deferred behind a prerequisite; %lld people short in %zu demand%s.",
			 r->nassignments, r->nassignments == 1 ? "" : "s", st->p.ndemands,
			 st->p.ndemands == 1 ? "" : "s", c->apply ? made : r->nassignments - deferred,
			 c->apply ? "nominated" : "to nominate", deferred, missing, r->nshortfalls,
			 r->nshortfalls == 1 ? "" : "s");
		c->out = json_pack("{s:s, s:b, s:s, s:O, s:O, s:O}", "as_of", st->today, "applied",
				   c->apply, "summary", summary, "demands", st->demands, "assignments",
				   assignments, "shortfalls", shortfalls);
		rc = c->out ? ST_OK : ST_INTERNAL;
	}
	json_decref(assignments);
	json_decref(shortfalls);
	return rc;
}

static int schedule_work(struct store_tx *tx, void *arg)
{
	struct sched_ctx *c = arg;
	struct state st = {0};
	struct sched_result r = {0};
	char err[200];
	int rc;

	json_decref(c->out);
	c->out = NULL;
	tally_today(st.today);
	st.as_of = day_of(st.today, 0);
	st.p.as_of = st.as_of;
	if ((rc = load(tx, &st)) != ST_OK || (rc = build_sessions(&st)) != ST_OK ||
	    (rc = build_trainees(&st, c->p)) != ST_OK || (rc = build_demands(&st, c->p)) != ST_OK)
		goto done;
	if (sched_solve(&st.p, &r, err, sizeof err) != 0) {
		rc = ST_INTERNAL;
		goto done;
	}
	rc = answer(tx, c, &st, &r);
done:
	sched_result_free(&r);
	state_free(&st);
	return rc;
}

int svc_training_schedule(struct svc *svc, const struct principal *p, bool apply,
			  json_t **out, struct verr *err)
{
	struct sched_ctx c = {.p = p, .apply = apply, .err = err};
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, "training_schedule", apply ? ACT_CREATE : ACT_READ))
		return ST_FORBIDDEN;
	rc = store_run(svc->store, apply ? STORE_WRITE : STORE_READ, schedule_work, &c);
	if (rc == ST_OK)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}
