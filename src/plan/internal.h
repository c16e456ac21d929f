/*
 * internal.h - the optimiser's model, shared by solve.c (which builds and
 * solves it) and explain.c (which reads it to say why a demand is short).
 * Not part of src/plan's interface.
 */
#ifndef NSATU_PLAN_INTERNAL_H
#define NSATU_PLAN_INTERNAL_H

#include "plan.h"

/*
 * The model (docs/planning.md has it with the reasons):
 *
 * A route is one lane (origin to destination) or two (origin to a hub, hub
 * to destination).  Units of item i with donor conditions c that arrive at
 * site k wait there in a "chain" (i, k, c): a timeline of the days things
 * arrive at k and the days demands must leave k to be on time.  Each day
 * on the timeline has two pools:
 *   F, on time: arrivals enter it and are held forward in time (h arcs);
 *   B, late: units moved over from F (m arcs) travel back in time (b arcs,
 *      each costing its days in lateness) to demands whose day was earlier.
 * A demand draws from F at its day (on time) or from B (late).
 */

/* A supply line entering a chain: supply s over lane `lane` to the chain's
 * site, arriving on day `at`. */
struct entry {
	int supply, lane, chain, event, col;
	int at;
};

/* A demand drawing from a chain: over lane `lane` (-1: the chain is at the
 * destination), leaving the chain's site on day `at` to be on time. */
struct draw {
	int demand, lane, chain, event, item;
	int at;
	int col_f, col_b;
};

struct chain {
	int item, site, cls;
	int ev0, nev;     /* its events: model.ev_at[ev0 .. ev0 + nev) */
};

/* Donor conditions shared by supplies: only for one coalition, and sites
 * the units must not pass or go to. */
struct cls {
	int first;                /* the first supply with these conditions */
	const char *coalition;    /* "" when none */
	int *barred;              /* site indices, sorted */
	int nbarred;
};

struct model {
	const struct plan_problem *p;
	int *site_order, *item_order;   /* indices sorted by code, for lookups */
	int *supply_item, *supply_origin, *supply_cls, *demand_dest;
	int *lane_from, *lane_to;
	int *lanes_by_from, *lanes_by_to;  /* lane indices sorted by from / by to */
	int *group_items;                  /* item indices sorted by group */
	struct cls *cls;
	int ncls;
	struct entry *entries;
	size_t nentries;
	struct draw *draws;
	size_t ndraws;
	struct chain *chains;
	size_t nchains;
	int *ev_at;            /* day of each event */
	size_t nevents;
	int *ev_frow, *ev_brow, *ev_hcol, *ev_mcol, *ev_bcol;
	int *supply_row, *demand_row, *lane_row;
	struct nodeweek { int site, week, row; } *nodeweeks;
	size_t nnodeweeks;
	double horizon;
	double *row_ub;        /* per row: "<= ub", or ">= 0" when INFINITY */
	int row_cap;
	/* The solved values: column and row activities (1-based as GLPK). */
	double *colval, *rowval;
	int nrows, ncols;
};

/* What each column counts in each level: its priority (1..4, 0: none) for
 * the on-time levels, and its lateness and cost coefficients. */
struct colcoef {
	unsigned char prio;
	double late, cost;
};

/* A growing array of @size-byte elements; zero-initialise but for size. */
struct growing {
	void *v;
	size_t n, cap, size;
};
/* Room for one more element (counted in n), or NULL when out of memory. */
void *model_grow(struct growing *g);

/* Index @m->p (lookups, classes; checks its codes), then build the chains
 * with their entries, draws and events (model.c).  -1 with @err set. */
int model_index(struct model *m, char *err, size_t errlen);
int model_build(struct model *m, char *err, size_t errlen);

int model_site(const struct model *m, const char *code);   /* -1 when unknown */
int model_item(const struct model *m, const char *code);
/* Items of group @group: *@n of them from *@first in group_items. */
void model_group(const struct model *m, const char *group, int *first, int *n);
bool model_barred(const struct cls *c, int site);
/* May units of class @c go to demand @d?  Coalition and destination. */
bool model_cls_fits(const struct model *m, const struct cls *c, int d);
/* The row of node @site's week @week, 0 when it has none. */
int model_nodeweek_row(const struct model *m, int site, int week);
/* Monday-based week of day @day. */
static inline int model_week(int day) { return (day + 3) / 7; }

/*
 * The network solver (network.c): the model without lane capacities and
 * node throughput is a single-commodity min-cost flow; solve it level by
 * level with GLPK's RELAX-IV and fill m->colval (and m->rowval for the
 * capacity rows).  Returns 1 when that solution is also within every
 * capacity (so it is the LP's optimum), 0 when the LP must be solved
 * (a capacity is exceeded, or the data are not whole units and cents),
 * -1 when out of memory.
 */
int network_solve(struct model *m, const struct colcoef *coef, double late_const,
		  double objective[PLAN_OBJ__COUNT]);

/* The explanations of the demands not fully met on time (explain.c). */
int model_explain(const struct model *m, struct plan_result *r);

#endif
