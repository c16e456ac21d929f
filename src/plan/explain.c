/*
 * explain.c - why a demand is not fully met on time, with the numbers.
 *
 * For each such demand the supply of its item (or group) is sorted into
 * what its donors' conditions exclude, what has no route to the
 * destination, what can only arrive late, and what could arrive on time;
 * then the capacities on its on-time routes that the plan fills, and where
 * on-time supply went instead.  Every reason that applies is given.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIGHT(act, cap) ((act) >= (cap) - 1e-6 * fmax(1, (cap)))

struct facts {
	double all, cond, noroute, late, ontime;  /* units of compatible supply */
	int earliest;                              /* earliest arrival of routable supply */
	int cond_example, noroute_example;         /* a supply, or -1 */
	int node_site, node_week;                  /* a full node week, or -1 */
	double node_act, node_cap;
	int lane;                                  /* a full lane, or -1 */
	double lane_act;
	double elsewhere, by_prio[5];              /* on-time supply used elsewhere */
	int others;                                /* how many other demands got it */
};

struct ctx {
	const struct model *m;
	const struct plan_result *r;
	int *by_item;            /* supply indices sorted by item */
	size_t *flow_first;      /* flows of supply s: [flow_first[s], flow_first[s+1]) */
	double *on_time;         /* per demand */
	int *seen;               /* per demand: last demand index that counted it */
};

static int cmp_supply_item(const void *a, const void *b, void *ctx)
{
	const struct model *cmp_m = ctx;
	int x = *(const int *)a, y = *(const int *)b;
	int ix = cmp_m->supply_item[x], iy = cmp_m->supply_item[y];

	if (ix != iy)
		return ix < iy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* The lane from @from to @to, or -1. */
static int lane_between(const struct model *m, int from, int to)
{
	size_t lo = 0, hi = m->p->nlanes;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int l = m->lanes_by_from[mid];
		if (m->lane_from[l] < from || (m->lane_from[l] == from && m->lane_to[l] < to))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->p->nlanes) {
		int l = m->lanes_by_from[lo];
		if (m->lane_from[l] == from && m->lane_to[l] == to)
			return l;
	}
	return -1;
}

static bool row_full(const struct model *m, int row, double *act, double cap)
{
	if (!row || !m->rowval)
		return false;
	*act = m->rowval[row];
	return TIGHT(*act, cap);
}

/* A route of supply @s to demand @d over lanes @l1 (and @l2 >= 0) that
 * arrives on time: note the capacities it finds full. */
static void check_capacity(const struct model *m, struct facts *f, int s, int l1, int l2,
			   int at_hub)
{
	const struct plan_problem *p = m->p;
	int site = m->lane_to[l1];
	double act;

	if (f->node_site < 0 && p->sites[site].throughput >= 0 &&
	    p->items[m->supply_item[s]].size > 0) {
		int week = model_week(at_hub), row = model_nodeweek_row(m, site, week);
		if (row_full(m, row, &act, 7 * p->sites[site].throughput)) {
			f->node_site = site;
			f->node_week = week;
			f->node_act = act;
			f->node_cap = 7 * p->sites[site].throughput;
		}
	}
	for (int k = 0; k < 2 && f->lane < 0; k++) {
		int l = k ? l2 : l1;
		if (l >= 0 && row_full(m, m->lane_row[l], &act, p->lanes[l].capacity)) {
			f->lane = l;
			f->lane_act = act;
		}
	}
}

/* Sort one compatible supply line into the facts of demand @d. */
static void weigh_supply(struct ctx *x, struct facts *f, int d, int s)
{
	const struct model *m = x->m;
	const struct plan_problem *p = m->p;
	const struct plan_demand *dm = &p->demands[d];
	const struct cls *c = &m->cls[m->supply_cls[s]];
	double q = p->supplies[s].quantity;
	int dest = m->demand_dest[d], best = PLAN_NO_DATE + 1, first, n;
	size_t lo, hi;

	f->all += q;
	if (!model_cls_fits(m, c, d)) {
		f->cond += q;
		if (f->cond_example < 0)
			f->cond_example = s;
		return;
	}
	/* Routes: lanes from the origin, then (unless that reached the
	 * destination) one more lane to it. */
	lo = 0;
	hi = p->nlanes;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->lane_from[m->lanes_by_from[mid]] < m->supply_origin[s])
			lo = mid + 1;
		else
			hi = mid;
	}
	first = (int)lo;
	for (n = 0; lo < p->nlanes && m->lane_from[m->lanes_by_from[lo]] == m->supply_origin[s];
	     lo++)
		n++;
	for (int k = 0; k < n; k++) {
		int l1 = m->lanes_by_from[first + k], hub = m->lane_to[l1], l2 = -1;
		int at_hub = p->supplies[s].available + p->lanes[l1].transit_days, at;

		if (model_barred(c, hub))
			continue;
		if (hub != dest && (l2 = lane_between(m, hub, dest)) < 0)
			continue;
		at = at_hub + (l2 >= 0 ? p->lanes[l2].transit_days : 0);
		if (at < best)
			best = at;
		if (dm->needed_by == PLAN_NO_DATE || at <= dm->needed_by)
			check_capacity(m, f, s, l1, l2, at_hub);
	}
	if (best > PLAN_NO_DATE) {
		f->noroute += q;
		if (f->noroute_example < 0)
			f->noroute_example = s;
		return;
	}
	if (best < f->earliest)
		f->earliest = best;
	if (dm->needed_by != PLAN_NO_DATE && best > dm->needed_by) {
		f->late += q;
		return;
	}
	f->ontime += q;
	for (size_t i = x->flow_first[s]; i < x->flow_first[s + 1]; i++) {
		const struct plan_flow *fl = &x->r->flows[i];
		if ((int)fl->demand == d)
			continue;
		f->elsewhere += fl->quantity;
		f->by_prio[p->demands[fl->demand].priority] += fl->quantity;
		if (x->seen[fl->demand] != d) {
			x->seen[fl->demand] = d;
			f->others++;
		}
	}
}

static void gather(struct ctx *x, struct facts *f, int d)
{
	const struct model *m = x->m;
	const struct plan_demand *dm = &m->p->demands[d];
	int gfirst = 0, gn = 1;

	memset(f, 0, sizeof *f);
	f->earliest = PLAN_NO_DATE + 1;
	f->cond_example = f->noroute_example = f->node_site = f->lane = -1;
	if (!dm->item[0])
		model_group(m, dm->group, &gfirst, &gn);
	for (int g = 0; g < gn; g++) {
		int item = dm->item[0] ? model_item(m, dm->item) : m->group_items[gfirst + g];
		size_t lo = 0, hi = m->p->nsupplies;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (m->supply_item[x->by_item[mid]] < item)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < m->p->nsupplies && m->supply_item[x->by_item[lo]] == item; lo++) {
			if (m->p->supplies[x->by_item[lo]].quantity > 0)
				weigh_supply(x, f, d, x->by_item[lo]);
		}
	}
}

static struct plan_why *add(struct plan_result *r, size_t *cap, int d, enum plan_reason why,
			    double units)
{
	if (r->nwhy == *cap) {
		size_t n = *cap ? *cap * 2 : 64;
		struct plan_why *v = realloc(r->why, n * sizeof *v);
		if (!v)
			return NULL;
		r->why = v;
		*cap = n;
	}
	r->why[r->nwhy] = (struct plan_why){.demand = (size_t)d, .reason = why, .units = units};
	return &r->why[r->nwhy++];
}

static const char *what(const struct plan_demand *dm, char *buf, size_t len)
{
	if (dm->item[0])
		snprintf(buf, len, "item %s", dm->item);
	else
		snprintf(buf, len, "any item of group %s", dm->group);
	return buf;
}

/* The reasons for demand @d, short by @short_units on time. */
static int explain_one(struct ctx *x, struct plan_result *r, size_t *cap, int d,
		       double short_units)
{
	const struct model *m = x->m;
	const struct plan_problem *p = m->p;
	const struct plan_demand *dm = &p->demands[d];
	struct facts f;
	struct plan_why *w;
	char buf[64], day[11], day2[11];
	size_t before = r->nwhy;

	gather(x, &f, d);
	if (f.all <= 0) {
		if (!(w = add(r, cap, d, WHY_NO_SUPPLY, short_units)))
			return -1;
		snprintf(w->text, sizeof w->text, "no pledge offers %s",
			 what(dm, buf, sizeof buf));
		return 0;
	}
	if (f.all < dm->quantity) {
		if (!(w = add(r, cap, d, WHY_NO_SUPPLY, dm->quantity - f.all)))
			return -1;
		snprintf(w->text, sizeof w->text, "only %.15g units of %s are on offer, %.15g needed",
			 f.all, what(dm, buf, sizeof buf), dm->quantity);
	}
	if (f.cond > 0) {
		const struct plan_supply *s = &p->supplies[f.cond_example];
		const struct cls *c = &m->cls[m->supply_cls[f.cond_example]];
		bool coalition = c->coalition[0] && strcmp(c->coalition, dm->coalition) != 0;

		if (!(w = add(r, cap, d, WHY_DONOR_CONDITION, f.cond)))
			return -1;
		snprintf(w->text, sizeof w->text, "%.15g of %.15g units of %s on offer are "
			 "excluded by donor conditions, e.g. %s %s%s", f.cond, f.all,
			 what(dm, buf, sizeof buf), s->id,
			 coalition ? "is only for coalition " : "must not go to ",
			 coalition ? c->coalition : dm->destination);
	}
	if (f.noroute > 0) {
		if (!(w = add(r, cap, d, WHY_NO_ROUTE, f.noroute)))
			return -1;
		snprintf(w->text, sizeof w->text, "%.15g units have no route to %s, e.g. %s from %s",
			 f.noroute, dm->destination, p->supplies[f.noroute_example].id,
			 p->supplies[f.noroute_example].origin);
	}
	if (f.late > 0 && dm->needed_by != PLAN_NO_DATE) {
		if (!(w = add(r, cap, d, WHY_TOO_LATE, f.late)))
			return -1;
		plan_date(dm->needed_by, day);
		if (f.ontime > 0)
			snprintf(w->text, sizeof w->text, "%.15g units can only arrive after the "
				 "needed-by date %s", f.late, day);
		else {
			plan_date(f.earliest, day2);
			snprintf(w->text, sizeof w->text, "supply can only arrive after the needed-by "
				 "date %s: the earliest arrival is %s, %d days late", day, day2,
				 f.earliest - dm->needed_by);
		}
	}
	if (f.node_site >= 0) {
		if (!(w = add(r, cap, d, WHY_NODE_CAPACITY, short_units)))
			return -1;
		plan_date(f.node_week * 7 - 3, day);
		snprintf(w->text, sizeof w->text, "node %s is full in the week of %s (%.15g of "
			 "%.15g per week)", p->sites[f.node_site].code, day, f.node_act, f.node_cap);
	}
	if (f.lane >= 0) {
		if (!(w = add(r, cap, d, WHY_LANE_CAPACITY, short_units)))
			return -1;
		snprintf(w->text, sizeof w->text, "lane %s > %s is full (%.15g of %.15g units)",
			 p->lanes[f.lane].from, p->lanes[f.lane].to, f.lane_act,
			 p->lanes[f.lane].capacity);
	}
	if (f.ontime > 0 && f.elsewhere > 0) {
		if (!(w = add(r, cap, d, WHY_COMPETITION, f.elsewhere)))
			return -1;
		snprintf(w->text, sizeof w->text, "%.15g units that could arrive on time went to "
			 "%d other requirement%s (P1 %.15g, P2 %.15g, P3 %.15g, P4 %.15g units)",
			 f.elsewhere, f.others, f.others == 1 ? "" : "s", f.by_prio[1],
			 f.by_prio[2], f.by_prio[3], f.by_prio[4]);
	}
	if (r->nwhy == before) {
		/* Supply that could come on time, none of it used elsewhere and no
		 * full capacity found on its routes: the plan keeps it for a
		 * better use of a shared limit (a node or lane later in time). */
		if (!(w = add(r, cap, d, WHY_COMPETITION, f.ontime)))
			return -1;
		snprintf(w->text, sizeof w->text, "%.15g units could arrive on time but a shared "
			 "node or lane limit is worth more to other requirements", f.ontime);
	}
	return 0;
}

int model_explain(const struct model *m, struct plan_result *r)
{
	const struct plan_problem *p = m->p;
	struct ctx x = {.m = m, .r = r};
	size_t cap = 0;
	int rc = -1;

	x.by_item = malloc((p->nsupplies + 1) * sizeof *x.by_item);
	x.flow_first = calloc(p->nsupplies + 2, sizeof *x.flow_first);
	x.on_time = calloc(p->ndemands + 1, sizeof *x.on_time);
	x.seen = malloc((p->ndemands + 1) * sizeof *x.seen);
	if (!x.by_item || !x.flow_first || !x.on_time || !x.seen)
		goto done;
	for (size_t s = 0; s < p->nsupplies; s++)
		x.by_item[s] = (int)s;
	qsort_r(x.by_item, p->nsupplies, sizeof *x.by_item, cmp_supply_item, (void *)m);
	for (size_t d = 0; d < p->ndemands; d++)
		x.seen[d] = -1;
	/* Flows are sorted by supply (solve.c): index their ranges. */
	for (size_t i = 0; i < r->nflows; i++) {
		x.flow_first[r->flows[i].supply + 1]++;
		if (!r->flows[i].days_late)
			x.on_time[r->flows[i].demand] += r->flows[i].quantity;
	}
	for (size_t s = 0; s < p->nsupplies; s++)
		x.flow_first[s + 1] += x.flow_first[s];
	for (size_t d = 0; d < p->ndemands; d++) {
		double short_units = p->demands[d].quantity - x.on_time[d];
		if (short_units > 1e-9 && explain_one(&x, r, &cap, (int)d, short_units) < 0)
			goto done;
	}
	rc = 0;
done:
	free(x.by_item);
	free(x.flow_first);
	free(x.on_time);
	free(x.seen);
	return rc;
}
