/*
 * readiness.c - the readiness projection (readiness.h): when each unit of
 * a capability target becomes operational, and its critical path.
 *
 * Per need, the events are put in day order once; unit k then needs the
 * n-th unit of the pool, n = reserved + k * quantity, and the event that
 * holds it gives the need's day.  The unit's day is the latest over its
 * needs, the need that sets it the binding one.
 *
 * The critical path says what to change.  When the binding need's n-th
 * unit is in sight, it is the source of that event: bring it forward.  How
 * far is worth it?  Moving that one event earlier helps until something
 * else binds: another need's day, or (within the same need) the event the
 * n-th unit would then come from.  That second bound is the first day by
 * which the other events of the need and the moved one together reach n.
 * The unit then moves to the latest of those bounds and of the goal (the
 * due day when late, today otherwise), and the answer names what binds
 * there.  When fewer than n are in sight, the answer is the shortfall, and
 * the day the unit would move to were it found today.
 */
#include "readiness.h"
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ready_kind_name(enum ready_kind k)
{
	static const char *const names[] = {
		[READY_RECEIVED] = "received", [READY_IN_TRANSIT] = "in_transit",
		[READY_ALLOCATED] = "allocated", [READY_IN_REPAIR] = "in_repair",
		[READY_GRADUATED] = "graduated", [READY_PROJECTED] = "projected",
	};
	return k >= READY_RECEIVED && k <= READY_PROJECTED ? names[k] : "unknown";
}

const char *ready_action_name(enum ready_action a)
{
	static const char *const names[] = {
		[READY_ACT_NONE] = "none", [READY_ACT_BRING_FORWARD] = "bring_forward",
		[READY_ACT_FIND] = "find",
	};
	return a >= READY_ACT_NONE && a <= READY_ACT_FIND ? names[a] : "unknown";
}

int ready_event_day(const struct ready_target *t, const struct ready_event *e)
{
	bool here = e->kind == READY_RECEIVED || e->kind == READY_GRADUATED;

	return !here && e->day < t->as_of ? t->as_of : e->day;
}

static int check(const struct ready_target *t, char *err, size_t errlen)
{
	if (t->count < 1 || t->count > 10000)
		return plan_fail(err, errlen, "count: must be 1 to 10000");
	if (t->nneeds && !t->needs)
		return plan_fail(err, errlen, "needs: missing");
	for (size_t i = 0; i < t->nneeds; i++) {
		const struct ready_need *n = &t->needs[i];

		if (n->quantity < 1 || n->quantity > 1000000000LL)
			return plan_fail(err, errlen, "needs[%zu].quantity: must be 1 to 1000000000", i);
		if (n->reserved < 0)
			return plan_fail(err, errlen, "needs[%zu].reserved: must not be negative", i);
		if (n->nevents && !n->events)
			return plan_fail(err, errlen, "needs[%zu].events: missing", i);
		for (size_t j = 0; j < n->nevents; j++) {
			if (n->events[j].units < 1 || n->events[j].units > 1000000000000LL)
				return plan_fail(err, errlen, "needs[%zu].events[%zu].units: must be 1 to "
					    "1000000000000", i, j);
		}
	}
	return 0;
}

/* ---- One need's pool, in day order. ---------------------------------------- */

struct pool {
	const struct ready_need *need;
	size_t *order;        /* event indices by (day, index) */
	int *day;             /* the effective day of order[i] */
	long long *cum;       /* units of order[0..i] */
	long long total;
};

struct dated {
	int day;
	size_t index;
};

static int by_day(const void *a, const void *b)
{
	const struct dated *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int pool_make(const struct ready_target *t, const struct ready_need *n, struct pool *p)
{
	size_t m = n->nevents ? n->nevents : 1;
	struct dated *d = calloc(m, sizeof *d);

	memset(p, 0, sizeof *p);
	p->need = n;
	p->order = calloc(m, sizeof *p->order);
	p->day = calloc(m, sizeof *p->day);
	p->cum = calloc(m, sizeof *p->cum);
	if (!d || !p->order || !p->day || !p->cum) {
		free(d);
		return -1;
	}
	for (size_t i = 0; i < n->nevents; i++)
		d[i] = (struct dated){ready_event_day(t, &n->events[i]), i};
	qsort(d, n->nevents, sizeof *d, by_day);
	for (size_t i = 0; i < n->nevents; i++) {
		p->order[i] = d[i].index;
		p->day[i] = d[i].day;
		p->total += n->events[d[i].index].units;
		p->cum[i] = p->total;
	}
	free(d);
	return 0;
}

static void pool_free(struct pool *p)
{
	free(p->order);
	free(p->day);
	free(p->cum);
}

/* The position (in day order) of the event holding the @n-th unit, or -1
 * when fewer are in sight. */
static long pool_find(const struct pool *p, long long n)
{
	size_t lo = 0, hi = p->need->nevents;

	if (n > p->total)
		return -1;
	while (lo < hi) {   /* the first cum >= n */
		size_t mid = lo + (hi - lo) / 2;
		if (p->cum[mid] < n)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo;
}

/*
 * The first day by which the events other than position @at, together
 * with that one moved as early as wished, hold @n units: INT_MIN when it
 * holds them alone.  *@pos gets the position of the event that day is
 * from (-1 with INT_MIN).
 */
static int pool_without(const struct pool *p, long at, long long n, long *pos)
{
	long long own = p->need->events[p->order[at]].units, acc = 0;

	*pos = -1;
	if (own >= n)
		return INT_MIN;
	for (long i = 0; i < (long)p->need->nevents; i++) {
		if (i == at)
			continue;
		acc += p->need->events[p->order[i]].units;
		if (acc + own >= n) {
			*pos = i;
			return p->day[i];
		}
	}
	return INT_MIN;   /* not reached: the event's own position qualifies */
}

/* ---- One unit of capability. ------------------------------------------------ */

struct need_at {
	int day;              /* READY_NEVER when short */
	long pos;             /* position in the pool, -1 when short */
	long long n;          /* the unit of the pool needed */
};

/* The latest day over the needs other than @skip (INT_MIN when none), and
 * the first need that has it. */
static int others(const struct need_at *at, size_t nneeds, size_t skip, int *which)
{
	int best = INT_MIN;

	*which = -1;
	for (size_t i = 0; i < nneeds; i++) {
		if (i != skip && at[i].day > best) {
			best = at[i].day;
			*which = (int)i;
		}
	}
	return best;
}

/* Fewer than needed are in sight: find them.  Were they found today, the
 * need would be ready when the last of what is in sight arrives. */
static void plan_find(const struct ready_target *t, const struct pool *pools,
		      const struct need_at *at, struct ready_unit *u)
{
	const struct pool *p = &pools[u->need];
	size_t b = (size_t)u->need, last = p->need->nevents;
	int which, o = others(at, t->nneeds, b, &which);
	int own = last ? p->day[last - 1] : t->as_of;

	u->action = READY_ACT_FIND;
	u->units = at[b].n - p->total;
	if (own < t->as_of)
		own = t->as_of;
	u->then_need = (int)b;
	u->then_event = last ? (int)p->order[last - 1] : -1;
	u->moves_to = own;
	if (which >= 0 && o >= own) {
		u->moves_to = o;
		u->then_need = which;
		u->then_event = at[which].pos >= 0 ? (int)pools[which].order[at[which].pos] : -1;
	}
}

/* The n-th unit is in sight, too late (or later than it could be): how far
 * its source is worth bringing forward, and what binds then. */
static void plan_forward(const struct ready_target *t, const struct pool *pools,
			 const struct need_at *at, struct ready_unit *u)
{
	size_t b = (size_t)u->need;
	long xpos;
	int which, o = others(at, t->nneeds, b, &which);
	int x = pool_without(&pools[b], at[b].pos, at[b].n, &xpos);
	int goal = u->on_time ? t->as_of : t->due;
	int to = goal;

	u->then_need = -1;
	u->then_event = -1;
	if (x > to) {
		to = x;
		u->then_need = (int)b;
		u->then_event = (int)pools[b].order[xpos];
	}
	if (which >= 0 && o >= to && o > INT_MIN) {
		to = o;
		u->then_need = which;
		u->then_event = (int)pools[which].order[at[which].pos];
	}
	u->days = u->day - to;
	u->action = u->days > 0 ? READY_ACT_BRING_FORWARD : READY_ACT_NONE;
	u->moves_to = u->days > 0 ? to : u->day;
	if (u->days < 0)
		u->days = 0;
}

static void project_unit(const struct ready_target *t, const struct pool *pools,
			 struct need_at *at, long long *missing, struct ready_unit *u)
{
	u->day = INT_MIN;
	u->need = -1;
	u->event = -1;
	u->then_need = u->then_event = -1;
	for (size_t i = 0; i < t->nneeds; i++) {
		const struct ready_need *n = &t->needs[i];

		at[i].n = n->reserved + (long long)u->k * n->quantity;
		at[i].pos = pool_find(&pools[i], at[i].n);
		at[i].day = at[i].pos < 0 ? READY_NEVER : pools[i].day[at[i].pos];
		missing[i] = at[i].pos < 0 ? at[i].n - pools[i].total : 0;
		if (at[i].day > u->day) {
			u->day = at[i].day;
			u->need = (int)i;
		}
	}
	if (u->need < 0) {   /* nothing needed: operational now */
		u->day = t->as_of;
		u->on_time = u->day <= t->due;
		u->moves_to = u->day;
		return;
	}
	u->on_time = u->day != READY_NEVER && u->day <= t->due;
	u->days_late = u->day != READY_NEVER && !u->on_time ? u->day - t->due : 0;
	u->moves_to = u->day;
	if (u->day == READY_NEVER) {
		plan_find(t, pools, at, u);
		return;
	}
	u->event = (int)pools[u->need].order[at[u->need].pos];
	if (u->day > t->as_of)
		plan_forward(t, pools, at, u);
}

/* ---- The target. ------------------------------------------------------------- */

void ready_result_free(struct ready_result *r)
{
	if (!r)
		return;
	free(r->units);
	free(r->missing);
	free(r->in_sight);
	memset(r, 0, sizeof *r);
}

int ready_project(const struct ready_target *t, struct ready_result *r, char *err,
		  size_t errlen)
{
	size_t m = t->nneeds ? t->nneeds : 1;
	struct pool *pools = NULL;
	struct need_at *at = NULL;
	int rc = -1;

	memset(r, 0, sizeof *r);
	if (check(t, err, errlen) != 0)
		return -1;
	pools = calloc(m, sizeof *pools);
	at = calloc(m, sizeof *at);
	r->units = calloc((size_t)t->count, sizeof *r->units);
	r->missing = calloc((size_t)t->count * m, sizeof *r->missing);
	r->in_sight = calloc(m, sizeof *r->in_sight);
	if (!pools || !at || !r->units || !r->missing || !r->in_sight)
		goto done;
	for (size_t i = 0; i < t->nneeds; i++) {
		if (pool_make(t, &t->needs[i], &pools[i]) != 0)
			goto done;
		r->in_sight[i] = pools[i].total;
	}
	r->nunits = (size_t)t->count;
	r->last_day = INT_MIN;
	for (size_t k = 0; k < r->nunits; k++) {
		struct ready_unit *u = &r->units[k];

		u->k = (int)k + 1;
		u->missing = &r->missing[k * m];
		project_unit(t, pools, at, &r->missing[k * m], u);
		r->on_time += u->on_time;
		if (u->day > r->last_day)
			r->last_day = u->day;
	}
	rc = 0;
done:
	for (size_t i = 0; pools && i < t->nneeds; i++)
		pool_free(&pools[i]);
	free(pools);
	free(at);
	if (rc != 0) {
		ready_result_free(r);
		plan_fail(err, errlen, "out of memory");
	}
	return rc;
}
