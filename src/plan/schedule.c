/*
 * schedule.c - the training scheduler (schedule.h): a deterministic
 * greedy, not an exact optimiser.
 *
 *  1. Demands are served earliest due day first (then by target, course,
 *     and the order given), so the nearest date gets the seats first.
 *  2. For each person a demand still needs, the candidates are the
 *     trainees of the target's unit who have not passed the course and are
 *     not already placed in it, those missing the fewest prerequisites
 *     first (they take the fewest seats), then in the order given.
 *  3. For a candidate, the course's prerequisites are scheduled first,
 *     recursively: each into the earliest open session with a free seat
 *     that starts after every one of its own prerequisites ends, starts no
 *     earlier than as_of and overlaps none of the trainee's sessions.  A
 *     prerequisite already passed counts from the start; one the trainee is
 *     already placed in counts from its session's last day.  Then the
 *     course itself, the same way, in a session that ends by the due day.
 *     If any step fails the candidate is left out for this demand and
 *     nothing of the attempt is kept.
 *  4. Seats are consumed as assignments are made; a candidate who cannot
 *     be fitted now cannot be fitted for a later person of the same
 *     demand either (seats only get fewer), so each demand walks its
 *     candidate list once.
 *  5. A demand left short says why, from what is left: no open session of
 *     the course ending by the date, no free seat in those, no candidate,
 *     some candidate's prerequisites could not be fitted, or else the
 *     candidates' other sessions overlap every one that had a seat.
 *
 * Earliest-fit keeps later sessions free for later demands; it can miss a
 * plan that an exact model would find (a prerequisite placed late to leave
 * an early seat to someone else), which is the price of a schedule that a
 * planner can follow step by step.
 */
#include "schedule.h"
#include "common.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOT_TAKEN INT_MAX   /* done[]: the trainee has not got the course */
#define PASSED (INT_MIN + 1) /* done[]: graduated from it */
#define FAILED INT_MIN       /* fit(): the course cannot be fitted */
#define MAX_DEPTH 16        /* prerequisite chains deeper than this are refused */
#define MAX_CHAIN 64        /* courses one attempt may add */

const char *sched_reason_name(enum sched_reason r)
{
	static const char *const names[] = {
		[SCHED_NO_SESSION] = "no_session", [SCHED_NO_SEATS] = "no_free_seats",
		[SCHED_NO_CANDIDATES] = "no_candidates", [SCHED_PREREQUISITES] = "prerequisites",
		[SCHED_BUSY] = "busy",
	};
	return r >= SCHED_NO_SESSION && r <= SCHED_BUSY ? names[r] : "unknown";
}

static int check(const struct sched_problem *p, char *err, size_t errlen)
{
	for (size_t i = 0; i < p->ncourses; i++) {
		if (!p->courses[i].code)
			return plan_fail(err, errlen, "courses[%zu].code: missing", i);
	}
	for (size_t i = 0; i < p->nsessions; i++) {
		const struct sched_session *s = &p->sessions[i];
		if (!s->id || !s->course)
			return plan_fail(err, errlen, "sessions[%zu].%s: missing", i, s->id ? "course" : "id");
		if (s->end < s->start)
			return plan_fail(err, errlen, "sessions[%zu].end: before its start", i);
		if (s->free_seats < 0)
			return plan_fail(err, errlen, "sessions[%zu].free_seats: must not be negative", i);
	}
	for (size_t i = 0; i < p->ntrainees; i++) {
		const struct sched_trainee *t = &p->trainees[i];
		if (!t->id || !t->unit)
			return plan_fail(err, errlen, "trainees[%zu].%s: missing", i, t->id ? "unit" : "id");
		for (size_t j = 0; j < t->nhistory; j++) {
			if (!t->history[j].course)
				return plan_fail(err, errlen, "trainees[%zu].history[%zu].course: missing", i, j);
		}
	}
	for (size_t i = 0; i < p->ndemands; i++) {
		const struct sched_demand *d = &p->demands[i];
		if (!d->target || !d->course || !d->unit)
			return plan_fail(err, errlen, "demands[%zu]: target, course and unit are required", i);
		if (d->people < 0)
			return plan_fail(err, errlen, "demands[%zu].people: must not be negative", i);
	}
	return 0;
}

/* ---- The working state. --------------------------------------------------------- */

struct slot {
	int start, end;
};

struct busy {
	struct slot *v;
	size_t n, cap;
};

struct ctx {
	const struct sched_problem *p;
	struct sched_result *r;
	int *pre;            /* prerequisites: pre[pre_at[c] .. pre_at[c + 1]) course indices,
			      * -1 for a code that is no course */
	size_t *pre_at;
	int *session_course; /* per session: its course index, -1 for none */
	size_t *by_start;    /* session indices by (start, end, index) */
	int *done;           /* ntrainees x ncourses: NOT_TAKEN, PASSED or a last day */
	struct busy *busy;   /* per trainee: the sessions they are in */
	size_t nassign_cap, nshort_cap;
};

static int course_index(const struct sched_problem *p, const char *code)
{
	for (size_t i = 0; code && i < p->ncourses; i++) {
		if (strcmp(p->courses[i].code, code) == 0)
			return (int)i;
	}
	return -1;
}

static int *done_of(struct ctx *x, size_t trainee)
{
	return &x->done[trainee * x->p->ncourses];
}

static int busy_add(struct busy *b, int start, int end)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 8;
		struct slot *v = realloc(b->v, cap * sizeof *v);
		if (!v)
			return -1;
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = (struct slot){start, end};
	return 0;
}

static bool overlaps(int s1, int e1, int s2, int e2)
{
	return !(e1 < s2 || e2 < s1);
}

/* Prerequisite codes of every course as indices. */
static int index_prerequisites(struct ctx *x)
{
	const struct sched_problem *p = x->p;
	size_t n = 0, cap = 16;

	if (!(x->pre = malloc(cap * sizeof *x->pre)) ||
	    !(x->pre_at = calloc(p->ncourses + 1, sizeof *x->pre_at)))
		return -1;
	for (size_t c = 0; c < p->ncourses; c++) {
		const char *s = p->courses[c].prerequisites;
		x->pre_at[c] = n;
		while (s && *s) {
			char code[64];
			size_t len = strcspn(s, ";");
			snprintf(code, sizeof code, "%.*s", (int)len, s);
			s += len + (s[len] == ';');
			if (!*code)
				continue;
			if (n == cap) {
				int *v = realloc(x->pre, 2 * cap * sizeof *v);
				if (!v)
					return -1;
				x->pre = v;
				cap *= 2;
			}
			x->pre[n++] = course_index(p, code);
		}
	}
	x->pre_at[p->ncourses] = n;
	return 0;
}

struct timed {
	int start, end;
	size_t index;
};

static int by_start(const void *a, const void *b)
{
	const struct timed *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Session indices by (start, end, index) into x->by_start. */
static int sort_sessions(struct ctx *x)
{
	const struct sched_problem *p = x->p;
	struct timed *v = calloc(p->nsessions ? p->nsessions : 1, sizeof *v);

	if (!v)
		return -1;
	for (size_t s = 0; s < p->nsessions; s++)
		v[s] = (struct timed){p->sessions[s].start, p->sessions[s].end, s};
	qsort(v, p->nsessions, sizeof *v, by_start);
	for (size_t s = 0; s < p->nsessions; s++)
		x->by_start[s] = v[s].index;
	free(v);
	return 0;
}

/* What each trainee has done and is doing, from their history. */
static int load_trainees(struct ctx *x)
{
	const struct sched_problem *p = x->p;

	for (size_t t = 0; t < p->ntrainees; t++) {
		int *done = done_of(x, t);
		for (size_t c = 0; c < p->ncourses; c++)
			done[c] = NOT_TAKEN;
		for (size_t j = 0; j < p->trainees[t].nhistory; j++) {
			const struct sched_history *h = &p->trainees[t].history[j];
			int c = course_index(p, h->course);
			if (h->graduated) {
				if (c >= 0)
					done[c] = PASSED;
				continue;
			}
			if (busy_add(&x->busy[t], h->start, h->end) != 0)
				return -1;
			if (c >= 0 && done[c] != PASSED && (done[c] == NOT_TAKEN || h->end > done[c]))
				done[c] = h->end;
		}
	}
	return 0;
}

static int init(struct ctx *x)
{
	const struct sched_problem *p = x->p;
	size_t ns = p->nsessions ? p->nsessions : 1, nt = p->ntrainees ? p->ntrainees : 1;

	x->session_course = calloc(ns, sizeof *x->session_course);
	x->by_start = calloc(ns, sizeof *x->by_start);
	x->done = calloc(nt * (p->ncourses ? p->ncourses : 1), sizeof *x->done);
	x->busy = calloc(nt, sizeof *x->busy);
	x->r->free_seats = calloc(ns, sizeof *x->r->free_seats);
	if (!x->session_course || !x->by_start || !x->done || !x->busy || !x->r->free_seats ||
	    index_prerequisites(x) != 0)
		return -1;
	for (size_t s = 0; s < p->nsessions; s++) {
		x->session_course[s] = course_index(p, p->sessions[s].course);
		x->r->free_seats[s] = p->sessions[s].free_seats;
	}
	return sort_sessions(x) == 0 ? load_trainees(x) : -1;
}

static void ctx_free(struct ctx *x)
{
	for (size_t t = 0; x->busy && t < x->p->ntrainees; t++)
		free(x->busy[t].v);
	free(x->busy);
	free(x->pre);
	free(x->pre_at);
	free(x->session_course);
	free(x->by_start);
	free(x->done);
}

/* ---- One attempt: a trainee's chain of courses. --------------------------------- */

struct attempt {
	size_t trainee;
	size_t session[MAX_CHAIN];
	int course[MAX_CHAIN];
	size_t n;
	bool prereq_failed;   /* a prerequisite could not be fitted */
};

static bool free_for(const struct ctx *x, const struct attempt *a, size_t s)
{
	const struct sched_session *ss = &x->p->sessions[s];
	const struct busy *b = &x->busy[a->trainee];

	for (size_t i = 0; i < b->n; i++) {
		if (overlaps(ss->start, ss->end, b->v[i].start, b->v[i].end))
			return false;
	}
	for (size_t i = 0; i < a->n; i++) {
		const struct sched_session *o = &x->p->sessions[a->session[i]];
		if (overlaps(ss->start, ss->end, o->start, o->end))
			return false;
	}
	return true;
}

/* The earliest session of course @c that starts after @after and ends by
 * @limit, with a seat, free in the trainee's calendar; -1 when none. */
static long earliest(const struct ctx *x, const struct attempt *a, int c, int after, int limit)
{
	for (size_t i = 0; i < x->p->nsessions; i++) {
		size_t s = x->by_start[i];
		const struct sched_session *ss = &x->p->sessions[s];

		if (x->session_course[s] != c || !ss->open || ss->start <= after ||
		    ss->start < x->p->as_of || ss->end > limit || x->r->free_seats[s] <= 0)
			continue;
		if (free_for(x, a, s))
			return (long)s;
	}
	return -1;
}

/*
 * Fit course @c (and first its prerequisites) into the attempt, to end by
 * @limit.  Returns the day the trainee will have passed it (PASSED when
 * they have already), or FAILED.
 */
static int fit(struct ctx *x, struct attempt *a, int c, int limit, int depth)
{
	int have = done_of(x, a->trainee)[c], after = INT_MIN;

	if (have != NOT_TAKEN)
		return have;
	for (size_t i = 0; i < a->n; i++) {
		if (a->course[i] == c)
			return x->p->sessions[a->session[i]].end;
	}
	if (depth > MAX_DEPTH || a->n == MAX_CHAIN) {
		a->prereq_failed = true;
		return FAILED;
	}
	for (size_t i = x->pre_at[c]; i < x->pre_at[c + 1]; i++) {
		int pre = x->pre[i], end;
		if (pre < 0 || (end = fit(x, a, pre, limit - 1, depth + 1)) == FAILED) {
			a->prereq_failed = true;
			return FAILED;
		}
		if (end > after)
			after = end;
	}
	long s = earliest(x, a, c, after, limit);
	if (s < 0) {
		if (depth > 0)
			a->prereq_failed = true;
		return FAILED;
	}
	a->session[a->n] = (size_t)s;
	a->course[a->n++] = c;
	return x->p->sessions[s].end;
}

static int add_assignment(struct ctx *x, const struct sched_assignment *as)
{
	struct sched_result *r = x->r;

	if (r->nassignments == x->nassign_cap) {
		size_t cap = x->nassign_cap ? 2 * x->nassign_cap : 64;
		struct sched_assignment *v = realloc(r->assignments, cap * sizeof *v);
		if (!v)
			return -1;
		r->assignments = v;
		x->nassign_cap = cap;
	}
	r->assignments[r->nassignments++] = *as;
	return 0;
}

/* Keep the attempt: seats taken, calendar and courses updated.  A course
 * is deferred while one of its prerequisites is not passed yet. */
static int commit(struct ctx *x, const struct attempt *a, size_t demand, int c)
{
	int *done = done_of(x, a->trainee);

	for (size_t i = 0; i < a->n; i++) {
		size_t s = a->session[i];
		int cc = a->course[i];
		struct sched_assignment as = {a->trainee, s, demand, cc != c, false};

		for (size_t j = x->pre_at[cc]; j < x->pre_at[cc + 1]; j++)
			as.deferred |= x->pre[j] < 0 || done[x->pre[j]] != PASSED;
		x->r->free_seats[s]--;
		done[cc] = x->p->sessions[s].end;
		if (busy_add(&x->busy[a->trainee], x->p->sessions[s].start, x->p->sessions[s].end) != 0 ||
		    add_assignment(x, &as) != 0)
			return -1;
	}
	return 0;
}

/* ---- Demands. ------------------------------------------------------------------- */

/* Courses of @c's prerequisite closure the trainee has not got. */
static int missing(struct ctx *x, size_t trainee, int c, int depth)
{
	int n = 0;

	if (depth > MAX_DEPTH)
		return 0;
	for (size_t i = x->pre_at[c]; i < x->pre_at[c + 1]; i++) {
		int pre = x->pre[i];
		if (pre >= 0 && done_of(x, trainee)[pre] == NOT_TAKEN)
			n += 1 + missing(x, trainee, pre, depth + 1);
	}
	return n;
}

struct candidate {
	size_t trainee;
	int missing;
};

static int by_missing(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->missing != y->missing)
		return x->missing < y->missing ? -1 : 1;
	return x->trainee < y->trainee ? -1 : x->trainee > y->trainee;
}

/* The trainees of the demand's unit without course @c, best first. */
static size_t candidates(struct ctx *x, const struct sched_demand *d, int c,
			 struct candidate *out)
{
	size_t n = 0;

	for (size_t t = 0; t < x->p->ntrainees; t++) {
		if (strcmp(x->p->trainees[t].unit, d->unit) != 0 || done_of(x, t)[c] != NOT_TAKEN)
			continue;
		out[n++] = (struct candidate){t, missing(x, t, c, 0)};
	}
	qsort(out, n, sizeof *out, by_missing);
	return n;
}

/* Why the rest of demand @di cannot be met. */
static int shortfall(struct ctx *x, size_t di, int c, int assigned, size_t left,
		     bool prereq_failed)
{
	const struct sched_demand *d = &x->p->demands[di];
	struct sched_shortfall sf = {.demand = di, .needed = d->people, .assigned = assigned,
				     .candidates = (int)left};
	struct sched_result *r = x->r;

	for (size_t s = 0; c >= 0 && s < x->p->nsessions; s++) {
		const struct sched_session *ss = &x->p->sessions[s];
		if (x->session_course[s] == c && ss->open && ss->start >= x->p->as_of &&
		    ss->end <= d->due) {
			sf.sessions++;
			sf.seats += r->free_seats[s];
		}
	}
	if (!sf.sessions)
		sf.reason = SCHED_NO_SESSION;
	else if (!sf.seats)
		sf.reason = SCHED_NO_SEATS;
	else if (!left)
		sf.reason = SCHED_NO_CANDIDATES;
	else
		sf.reason = prereq_failed ? SCHED_PREREQUISITES : SCHED_BUSY;
	if (r->nshortfalls == x->nshort_cap) {
		size_t cap = x->nshort_cap ? 2 * x->nshort_cap : 16;
		struct sched_shortfall *v = realloc(r->shortfalls, cap * sizeof *v);
		if (!v)
			return -1;
		r->shortfalls = v;
		x->nshort_cap = cap;
	}
	r->shortfalls[r->nshortfalls++] = sf;
	return 0;
}

static int serve(struct ctx *x, size_t di, struct candidate *cand)
{
	const struct sched_demand *d = &x->p->demands[di];
	int c = course_index(x->p, d->course), assigned = 0;
	size_t n = c >= 0 ? candidates(x, d, c, cand) : 0, next = 0;
	bool prereq_failed = false;

	while (assigned < d->people && next < n) {
		struct attempt a = {.trainee = cand[next].trainee};
		if (fit(x, &a, c, d->due, 0) == FAILED) {
			prereq_failed |= a.prereq_failed;
			next++;   /* seats only get fewer: no later chance in this demand */
			continue;
		}
		if (commit(x, &a, di, c) != 0)
			return -1;
		assigned++;
		next++;
	}
	if (assigned == d->people)
		return 0;
	/* Candidates not tried were never needed; those tried and failed are left. */
	return shortfall(x, di, c, assigned, n - (size_t)assigned, prereq_failed);
}

struct dated {
	int due;
	const struct sched_demand *d;
	size_t index;
};

static int by_due(const void *a, const void *b)
{
	const struct dated *x = a, *y = b;
	int d;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	if ((d = strcmp(x->d->target, y->d->target)) || (d = strcmp(x->d->course, y->d->course)))
		return d;
	return x->index < y->index ? -1 : x->index > y->index;
}

void sched_result_free(struct sched_result *r)
{
	if (!r)
		return;
	free(r->assignments);
	free(r->shortfalls);
	free(r->free_seats);
	memset(r, 0, sizeof *r);
}

int sched_solve(const struct sched_problem *p, struct sched_result *r, char *err,
		size_t errlen)
{
	struct ctx x = {.p = p, .r = r};
	struct dated *order = NULL;
	struct candidate *cand = NULL;
	int rc = -1;

	memset(r, 0, sizeof *r);
	if (check(p, err, errlen) != 0)
		return -1;
	order = calloc(p->ndemands ? p->ndemands : 1, sizeof *order);
	cand = calloc(p->ntrainees ? p->ntrainees : 1, sizeof *cand);
	if (!order || !cand || init(&x) != 0)
		goto done;
	for (size_t i = 0; i < p->ndemands; i++)
		order[i] = (struct dated){p->demands[i].due, &p->demands[i], i};
	qsort(order, p->ndemands, sizeof *order, by_due);
	for (size_t i = 0; i < p->ndemands; i++) {
		if (serve(&x, order[i].index, cand) != 0)
			goto done;
	}
	rc = 0;
done:
	ctx_free(&x);
	free(order);
	free(cand);
	if (rc != 0) {
		sched_result_free(r);
		plan_fail(err, errlen, "out of memory");
	}
	return rc;
}
