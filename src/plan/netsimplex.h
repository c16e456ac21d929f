/*
 * netsimplex.h - a primal network simplex for min-cost flow, in integers.
 *
 * Flows, capacities and costs are 64-bit integers, so a solve is exact.
 * Costs may be changed and arcs frozen between solves; the next solve
 * starts from the last spanning tree (the optimiser's levels).  Internal
 * to src/plan.
 */
#ifndef NSATU_PLAN_NETSIMPLEX_H
#define NSATU_PLAN_NETSIMPLEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NS_INF ((int64_t)1 << 60)   /* an arc without a limit */

struct ns;

struct ns *ns_new(int nodes);
void ns_free(struct ns *g);
/* A node's supply (> 0) or demand (< 0); they must sum to zero. */
void ns_supply(struct ns *g, int node, int64_t b);
/* A new arc from @from to @to carrying 0 .. @cap; returns its index, -1
 * when out of memory.  Arcs are added before the first solve. */
int ns_arc(struct ns *g, int from, int to, int64_t cap);
/* Optional: start @node's place in the first spanning tree on @arc (one
 * of its arcs).  The named arcs must form a tree whose flows are within
 * bounds; nodes without one hang from an artificial root. */
void ns_tree_arc(struct ns *g, int node, int arc);
void ns_cost(struct ns *g, int arc, int64_t cost);
/* Keep @arc at its present flow in later solves. */
void ns_freeze(struct ns *g, int arc);
/* Solve; 0 when optimal, -1 when infeasible or out of memory. */
int ns_solve(struct ns *g);
int64_t ns_flow(const struct ns *g, int arc);
/* The arc's reduced cost at the optimum: 0 for arcs that could move. */
int64_t ns_reduced_cost(const struct ns *g, int arc);
bool ns_in_tree(const struct ns *g, int arc);
int ns_arc_count(const struct ns *g);

#endif
