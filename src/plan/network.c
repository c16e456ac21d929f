/*
 * network.c - the fast exact path: the model as a min-cost flow network,
 * solved level by level with GLPK's RELAX-IV (Bertsekas and Tseng).
 *
 * Without lane capacities and node throughput, the LP of internal.h is a
 * single-commodity network: supply nodes feed chain nodes (F and B per
 * event) which feed demand nodes, all draining into one sink.  Supplies
 * and demands are whole units and costs whole cents, so RELAX-IV solves it
 * exactly in integers, far faster than a general simplex.  The levels are
 * kept as in solve.c: after each level, every arc whose reduced cost is
 * not zero keeps its flow (low = cap = flow).
 *
 * The capacities are then checked.  When the flow keeps within all of
 * them it is optimal for the whole LP (it is optimal for a relaxation and
 * feasible); when not, the caller solves the whole LP with the simplex.
 */
#include "internal.h"
#include "netsimplex.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What each arc is: its LP column (0 for the sink arcs) and what it costs
 * in which level (arc_cost). */
struct arcinfo {
	int col;
	unsigned char prio;
	int64_t late, cents;
};

struct net {
	struct ns *g;
	struct arcinfo *info;
	size_t narcs, cap;
	int nodes, sink;
};

static bool whole(double v)
{
	return fabs(v - round(v)) < 1e-9 && fabs(v) < 1e15;
}

static int arc_at(struct net *n, int from, int to, double cap, int col, int64_t late,
		  int64_t cents, unsigned prio);

static bool arc(struct net *n, int from, int to, double cap, int col, int64_t late,
		int64_t cents, unsigned prio)
{
	return arc_at(n, from, to, cap, col, late, cents, prio) >= 0;
}

/* The new arc's index, or -1. */
static int arc_at(struct net *n, int from, int to, double cap, int col, int64_t late,
		  int64_t cents, unsigned prio)
{
	int a = ns_arc(n->g, from, to, cap >= 1e17 ? NS_INF : (int64_t)llround(cap));

	if (a < 0)
		return -1;
	if ((size_t)a >= n->cap) {
		size_t c = n->cap ? n->cap * 2 : 4096;
		struct arcinfo *v = realloc(n->info, c * sizeof *v);
		if (!v)
			return -1;
		n->info = v;
		n->cap = c;
	}
	n->info[a] = (struct arcinfo){col, (unsigned char)prio, late, cents};
	n->narcs = (size_t)a + 1;
	return a;
}

/* The cost of an arc in @level: an integer (cents at the cost level). */
static int64_t arc_cost(const struct arcinfo *d, int level)
{
	if (level <= PLAN_OBJ_P4)
		return d->prio == level + 1 ? -1 : 0;
	return level == PLAN_OBJ_LATENESS ? d->late : d->cents;
}

/* A cost in whole cents, or -1 when it has a fraction of a cent. */
static int64_t cents_of(double eur)
{
	double c = round(eur * 100);

	return fabs(eur * 100 - c) > 1e-6 || c > 1e12 ? -1 : (int64_t)c;
}

/* Build the network; 0 when the data are not whole units and cents. */
static int build(struct net *n, const struct model *m, const struct colcoef *coef)
{
	const struct plan_problem *p = m->p;
	double total = 0;
	int64_t H = (int64_t)m->horizon;
	int *sv = calloc(p->nsupplies + 1, sizeof *sv), *dv = calloc(p->ndemands + 1, sizeof *dv);
	int ev0, nodes = 1, rc = -1, a;

	if (!sv || !dv)
		goto done;
	rc = 0;
	/* Flows are 64-bit: keep their sums (and H times them) well inside. */
	if (!whole(m->horizon) || m->horizon > 1e6)
		goto done;
	/* Nodes: the sink (0), used supplies, F and B per event, used demands. */
	for (size_t i = 0; i < m->nentries; i++) {
		int s = m->entries[i].supply;
		if (sv[s])
			continue;
		if (!whole(p->supplies[s].quantity))
			goto done;
		sv[s] = nodes++;
		total += p->supplies[s].quantity;
	}
	if (total > 1e15)
		goto done;
	ev0 = nodes;
	nodes += 2 * (int)m->nevents;
	for (size_t i = 0; i < m->ndraws; i++) {
		int d = m->draws[i].demand;
		if (dv[d])
			continue;
		if (!whole(p->demands[d].quantity))
			goto done;
		dv[d] = nodes++;
	}
	for (size_t i = 0; i < m->nentries; i++) {
		if (cents_of(coef[m->entries[i].col].cost) < 0)
			goto done;
	}
	for (size_t i = 0; i < m->ndraws; i++) {
		if (cents_of(coef[m->draws[i].col_f].cost) < 0)
			goto done;
	}
	rc = -1;
	if (!(n->g = ns_new(nodes)))
		goto done;
	n->nodes = nodes;
	n->sink = 0;
	ns_supply(n->g, 0, -(int64_t)llround(total));
	for (size_t s = 0; s < p->nsupplies; s++) {
		if (!sv[s])
			continue;
		ns_supply(n->g, sv[s], (int64_t)llround(p->supplies[s].quantity));
		if ((a = arc_at(n, sv[s], n->sink, p->supplies[s].quantity, 0, 0, 0, 0)) < 0)
			goto done;
		ns_tree_arc(n->g, sv[s], a);
	}
#define FV(e) (ev0 + 2 * (int)(e))
#define BV(e) (ev0 + 2 * (int)(e) + 1)
	for (size_t i = 0; i < m->nentries; i++) {
		const struct entry *e = &m->entries[i];
		if (!arc(n, sv[e->supply], FV(e->event), p->supplies[e->supply].quantity, e->col,
			 0, cents_of(coef[e->col].cost), 0))
			goto done;
	}
	for (size_t c = 0; c < m->nchains; c++) {
		const struct chain *ch = &m->chains[c];
		int last = ch->ev0 + ch->nev - 1;

		/* The first tree runs each chain's F forward and its B back to
		 * the sink. */
		for (int e = ch->ev0; e <= last; e++) {
			if (!arc(n, FV(e), BV(e), 1e18, m->ev_mcol[e], 0, 0, 0))
				goto done;
			if (e == last)
				break;
			if ((a = arc_at(n, FV(e), FV(e + 1), 1e18, m->ev_hcol[e], 0, 0, 0)) < 0)
				goto done;
			ns_tree_arc(n->g, FV(e), a);
			if ((a = arc_at(n, BV(e + 1), BV(e), 1e18, m->ev_bcol[e],
					(int64_t)llround(coef[m->ev_bcol[e]].late), 0, 0)) < 0)
				goto done;
			ns_tree_arc(n->g, BV(e + 1), a);
		}
		/* What nobody takes leaves the chain at its ends, at no cost
		 * (the LP's ">= 0" rows). */
		if ((a = arc_at(n, FV(last), n->sink, 1e18, 0, 0, 0, 0)) < 0)
			goto done;
		ns_tree_arc(n->g, FV(last), a);
		if ((a = arc_at(n, BV(ch->ev0), n->sink, 1e18, 0, 0, 0, 0)) < 0)
			goto done;
		ns_tree_arc(n->g, BV(ch->ev0), a);
	}
	for (size_t i = 0; i < m->ndraws; i++) {
		const struct draw *w = &m->draws[i];
		double q = p->demands[w->demand].quantity;
		int64_t cents = cents_of(coef[w->col_f].cost);

		if (!arc(n, FV(w->event), dv[w->demand], q, w->col_f, 0, cents,
			 coef[w->col_f].prio) ||
		    !arc(n, BV(w->event), dv[w->demand], q, w->col_b, 0, cents, 0))
			goto done;
	}
	/* An undelivered unit costs H days of lateness: a delivered one earns
	 * them back (the constant H * demand is added to the objective). */
	for (size_t d = 0; d < p->ndemands; d++) {
		if (!dv[d])
			continue;
		if ((a = arc_at(n, dv[d], n->sink, p->demands[d].quantity, 0, -H, 0, 0)) < 0)
			goto done;
		ns_tree_arc(n->g, dv[d], a);
	}
#undef FV
#undef BV
	rc = 1;
done:
	free(sv);
	free(dv);
	return rc;
}

/* Keep every arc whose reduced cost is not zero at its flow. */
static void fix_face(struct net *n)
{
	for (size_t a = 0; a < n->narcs; a++) {
		if (ns_reduced_cost(n->g, (int)a) != 0)
			ns_freeze(n->g, (int)a);
	}
}

/* Capacity rows: their activity into m->rowval; false when one is over. */
static bool within_capacity(struct model *m)
{
	const struct plan_problem *p = m->p;
	bool ok = true;

	for (size_t i = 0; i < m->nentries; i++) {
		const struct entry *e = &m->entries[i];
		double x = m->colval[e->col], size = p->items[m->supply_item[e->supply]].size;
		int site = m->lane_to[e->lane];

		if (m->lane_row[e->lane])
			m->rowval[m->lane_row[e->lane]] += x;
		if (size > 0 && p->sites[site].throughput >= 0) {
			int row = model_nodeweek_row(m, site, model_week(e->at));
			if (row)
				m->rowval[row] += size * x;
		}
	}
	for (size_t i = 0; i < m->ndraws; i++) {
		const struct draw *w = &m->draws[i];
		if (w->lane >= 0 && m->lane_row[w->lane])
			m->rowval[m->lane_row[w->lane]] += m->colval[w->col_f] + m->colval[w->col_b];
	}
	for (int i = 1; i <= m->nrows; i++) {
		double ub = m->row_ub[i];
		if (!isinf(ub) && m->rowval[i] > ub + 1e-9 * fmax(1, ub))
			ok = false;
	}
	return ok;
}

int network_solve(struct model *m, const struct colcoef *coef, double late_const,
		  double objective[PLAN_OBJ__COUNT])
{
	struct net n = {0};
	int rc;

	if ((rc = build(&n, m, coef)) != 1)
		goto done;
	for (int level = 0; level < PLAN_OBJ__COUNT; level++) {
		bool any = false;
		long double sol = 0;  /* 64-bit mantissa: exact far past int64 */

		for (size_t a = 0; a < n.narcs; a++) {
			int64_t c = arc_cost(&n.info[a], level);
			ns_cost(n.g, (int)a, c);
			any |= c != 0;
		}
		if (!any) {
			objective[level] = level == PLAN_OBJ_LATENESS ? late_const : 0;
			continue;
		}
		if (ns_solve(n.g) < 0) {
			rc = -1;
			goto done;
		}
		for (size_t a = 0; a < n.narcs; a++)
			sol += (long double)arc_cost(&n.info[a], level) * ns_flow(n.g, (int)a);
		if (level <= PLAN_OBJ_P4)
			objective[level] = (double)-sol;
		else if (level == PLAN_OBJ_LATENESS)
			objective[level] = (double)sol + late_const;
		else
			objective[level] = (double)sol / 100;
		if (level + 1 < PLAN_OBJ__COUNT)
			fix_face(&n);
	}
	m->colval = calloc((size_t)m->ncols + 1, sizeof *m->colval);
	m->rowval = calloc((size_t)m->nrows + 1, sizeof *m->rowval);
	if (!m->colval || !m->rowval) {
		rc = -1;
		goto done;
	}
	for (size_t a = 0; a < n.narcs; a++) {
		if (n.info[a].col)
			m->colval[n.info[a].col] = (double)ns_flow(n.g, (int)a);
	}
	rc = within_capacity(m) ? 1 : 0;
done:
	ns_free(n.g);
	free(n.info);
	return rc;
}
