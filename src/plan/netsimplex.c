/*
 * netsimplex.c - primal network simplex (Dantzig's simplex specialised to
 * networks, as in Ahuja, Magnanti and Orlin, "Network Flows", ch. 11).
 *
 * The basis is a spanning tree rooted at an extra node; every node starts
 * hanging from the root by an artificial arc carrying its supply, at a cost
 * high enough that no optimum uses one.  A pivot brings in an arc whose
 * reduced cost shows it pays (block search: the best of a block of arcs,
 * the blocks taken in turn), pushes flow round the cycle it closes, and
 * drops the arc that blocks first; ties go to the strongly feasible tree
 * rule (the last blocking arc on the cycle's way back), which rules out
 * cycling.  The tree is kept as parent pointers, child lists and subtree
 * sizes; the subtree that moves is re-hung, and the potentials of it or of
 * the rest of the tree, whichever is smaller, are shifted.
 */
#include "netsimplex.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { TREE = 0, LOWER = 1, UPPER = -1 };

struct ns {
	int n, root;              /* nodes 0 .. n-1, root = n */
	int m, cap;               /* real arcs 0 .. m-1; artificial m + u */
	int *src, *dst;
	int64_t *ucap, *cost, *flow;
	signed char *state;
	unsigned char *frozen;
	int64_t *supply;
	int *first_arc;           /* per node: the arc it starts on in the tree, or -1 */
	/* The tree, per node including the root. */
	int *parent, *pred, *child, *next, *prev;
	int *mark, stamp;         /* join_of's marks */
	int *size;                /* nodes in each subtree */
	int64_t *pi;
	bool started;
	int *cand, ncand;         /* arcs that may enter: not frozen */
	int next_arc;             /* where the next block starts in cand */
};

struct ns *ns_new(int nodes)
{
	struct ns *g = calloc(1, sizeof *g);

	if (!g)
		return NULL;
	g->n = nodes;
	g->root = nodes;
	g->supply = calloc((size_t)nodes + 1, sizeof *g->supply);
	g->first_arc = malloc(((size_t)nodes + 1) * sizeof *g->first_arc);
	if (!g->supply || !g->first_arc) {
		free(g->supply);
		free(g->first_arc);
		free(g);
		return NULL;
	}
	for (int u = 0; u <= nodes; u++)
		g->first_arc[u] = -1;
	return g;
}

void ns_free(struct ns *g)
{
	if (!g)
		return;
	free(g->src);
	free(g->dst);
	free(g->ucap);
	free(g->cost);
	free(g->flow);
	free(g->state);
	free(g->frozen);
	free(g->supply);
	free(g->first_arc);
	free(g->parent);
	free(g->pred);
	free(g->mark);
	free(g->size);
	free(g->child);
	free(g->next);
	free(g->prev);
	free(g->pi);
	free(g->cand);
	free(g);
}

void ns_supply(struct ns *g, int node, int64_t b)
{
	g->supply[node] = b;
}

static bool grow_arcs(struct ns *g, int want)
{
	int cap = g->cap ? g->cap : 1024;

	while (cap < want)
		cap *= 2;
	if (cap == g->cap)
		return true;
#define RE(p) do { void *q = realloc(p, (size_t)cap * sizeof *(p)); if (!q) return false; \
		   p = q; } while (0)
	RE(g->src);
	RE(g->dst);
	RE(g->ucap);
	RE(g->cost);
	RE(g->flow);
	RE(g->state);
	RE(g->frozen);
#undef RE
	g->cap = cap;
	return true;
}

int ns_arc(struct ns *g, int from, int to, int64_t cap)
{
	int a = g->m;

	if (!grow_arcs(g, a + 1))
		return -1;
	g->src[a] = from;
	g->dst[a] = to;
	g->ucap[a] = cap;
	g->cost[a] = 0;
	g->flow[a] = 0;
	g->state[a] = LOWER;
	g->frozen[a] = 0;
	g->m++;
	return a;
}

void ns_tree_arc(struct ns *g, int node, int arc)
{
	g->first_arc[node] = arc;
}

void ns_cost(struct ns *g, int arc, int64_t cost)
{
	g->cost[arc] = cost;
}

void ns_freeze(struct ns *g, int arc)
{
	g->frozen[arc] = 1;
}

int64_t ns_flow(const struct ns *g, int arc)
{
	return g->flow[arc];
}

static inline int64_t rc(const struct ns *g, int a)
{
	return g->cost[a] + g->pi[g->src[a]] - g->pi[g->dst[a]];
}

int64_t ns_reduced_cost(const struct ns *g, int arc)
{
	return g->state[arc] == TREE ? 0 : rc(g, arc);
}

bool ns_in_tree(const struct ns *g, int arc)
{
	return g->state[arc] == TREE;
}

int ns_arc_count(const struct ns *g)
{
	return g->m;
}

/* ---- The tree. ------------------------------------------------------------ */

static void detach(struct ns *g, int u)
{
	int p = g->parent[u];

	if (g->prev[u] >= 0)
		g->next[g->prev[u]] = g->next[u];
	else
		g->child[p] = g->next[u];
	if (g->next[u] >= 0)
		g->prev[g->next[u]] = g->prev[u];
}

static void attach(struct ns *g, int u, int p)
{
	g->parent[u] = p;
	g->prev[u] = -1;
	g->next[u] = g->child[p];
	if (g->child[p] >= 0)
		g->prev[g->child[p]] = u;
	g->child[p] = u;
}

/* The potential of @u from its parent's, so its tree arc costs nothing. */
static inline void settle(struct ns *g, int u)
{
	int a = g->pred[u], p = g->parent[u];

	g->pi[u] = g->src[a] == u ? g->pi[p] - g->cost[a] : g->pi[p] + g->cost[a];
}

/* The next node after @u in preorder within the subtree of @top; @top
 * when there is none. */
static inline int preorder_next(const struct ns *g, int top, int u)
{
	if (g->child[u] >= 0)
		return g->child[u];
	while (u != top && g->next[u] < 0)
		u = g->parent[u];
	return u == top ? top : g->next[u];
}

/* Potentials of every node below @top from its parent's. */
static void resettle(struct ns *g, int top)
{
	for (int u = preorder_next(g, top, top); u != top; u = preorder_next(g, top, u))
		settle(g, u);
}

/* The next node after @u in a preorder walk of the whole tree that leaves
 * out the subtree of @skip; -1 at the end. */
static inline int outer_next(const struct ns *g, int skip, int u)
{
	int v = u;

	if (g->child[u] >= 0 && g->child[u] != skip)
		return g->child[u];
	if (g->child[u] == skip) {
		if (g->next[skip] >= 0)
			return g->next[skip];
		v = u;
	}
	for (;;) {
		while (v != g->root && g->next[v] < 0)
			v = g->parent[v];
		if (v == g->root)
			return -1;
		v = g->next[v];
		if (v != skip)
			return v;
		if (g->next[skip] >= 0)
			return g->next[skip];
		v = g->parent[skip];
	}
}

/*
 * Shift the potentials of @top's subtree by @sigma; or, when the rest of
 * the tree is smaller, the rest by -sigma (the same reduced costs): a
 * pivot near the root moves almost everything.
 */
static void shift(struct ns *g, int top, int64_t sigma)
{
	if (g->size[top] <= (g->n + 1) / 2) {
		int a = top;
		do {
			g->pi[a] += sigma;
			a = preorder_next(g, top, a);
		} while (a != top);
	} else {
		for (int b = g->root; b >= 0; b = outer_next(g, top, b))
			g->pi[b] -= sigma;
	}
}

/*
 * The first tree: each node on the arc its builder named (ns_tree_arc),
 * the rest on artificial arcs to or from the root.  The tree's flows are
 * what conservation leaves no choice about: each tree arc carries the net
 * supply of the subtree below it.
 */
static int start(struct ns *g)
{
	size_t nn = (size_t)g->n + 1;
	int *order, head = 0, tail = 0;
	int64_t *below;

	if (!grow_arcs(g, g->m + g->n))
		return -1;
	g->parent = malloc(nn * sizeof *g->parent);
	g->pred = malloc(nn * sizeof *g->pred);
	g->mark = calloc(nn, sizeof *g->mark);
	g->size = calloc(nn, sizeof *g->size);
	g->child = malloc(nn * sizeof *g->child);
	g->next = malloc(nn * sizeof *g->next);
	g->prev = malloc(nn * sizeof *g->prev);
	g->pi = calloc(nn, sizeof *g->pi);
	order = malloc(nn * sizeof *order);
	below = calloc(nn, sizeof *below);
	if (!g->parent || !g->pred || !g->mark || !g->size || !g->child || !g->next || !g->prev || !g->pi ||
	    !order || !below) {
		free(order);
		free(below);
		return -1;
	}
	for (size_t u = 0; u < nn; u++)
		g->child[u] = -1;
	g->parent[g->root] = -1;
	g->pred[g->root] = -1;
	for (int u = 0; u < g->n; u++) {
		int a = g->m + u, t = g->first_arc[u];

		g->ucap[a] = NS_INF;
		g->flow[a] = 0;
		g->frozen[a] = 0;
		g->state[a] = LOWER;
		g->src[a] = u;
		g->dst[a] = g->root;
		if (t >= 0) {
			g->pred[u] = t;
			attach(g, u, g->src[t] == u ? g->dst[t] : g->src[t]);
			g->state[t] = TREE;
		} else {
			g->pred[u] = a;
			g->state[a] = TREE;
			attach(g, u, g->root);
		}
	}
	/* Breadth first from the root; a node never reached sits on a cycle
	 * of named arcs: the builder's mistake. */
	order[tail++] = g->root;
	while (head < tail) {
		for (int c = g->child[order[head++]]; c >= 0; c = g->next[c])
			order[tail++] = c;
	}
	if (tail != (int)nn) {
		free(order);
		free(below);
		return -1;
	}
	for (int k = tail - 1; k >= 0; k--) {
		g->size[order[k]] += 1;
		if (k > 0)
			g->size[g->parent[order[k]]] += g->size[order[k]];
	}
	for (int k = tail - 1; k > 0; k--) {
		int u = order[k], a = g->pred[u];

		below[u] += g->supply[u];
		below[g->parent[u]] += below[u];
		if (a >= g->m) {
			/* Artificial: it points the way its flow goes. */
			g->src[a] = below[u] >= 0 ? u : g->root;
			g->dst[a] = below[u] >= 0 ? g->root : u;
			g->flow[a] = below[u] >= 0 ? below[u] : -below[u];
		} else {
			g->flow[a] = g->src[a] == u ? below[u] : -below[u];
			if (g->flow[a] < 0 || g->flow[a] > g->ucap[a]) {
				free(order);
				free(below);
				return -1;
			}
		}
	}
	free(order);
	free(below);
	g->started = true;
	return 0;
}

/* Artificial arcs cost more than any path of real arcs can save. */
static void price_artificial(struct ns *g)
{
	int64_t most = 0;

	for (int a = 0; a < g->m; a++)
		most = llabs(g->cost[a]) > most ? llabs(g->cost[a]) : most;
	for (int u = 0; u < g->n; u++)
		g->cost[g->m + u] = (most + 1) * ((int64_t)g->n + 1);
}

/* The best arc of the next block that pays to bring in, or -1 when none
 * does.  Small blocks: most arcs are already where they belong, and a
 * pivot soon after finding a good one beats scanning far for the best
 * (measured on bench-plan's problems: blocks of ~16 arcs are 4x faster
 * than the textbook sqrt(arcs)). */
static int entering(struct ns *g)
{
	int total = g->ncand, block = 4 + (int)(sqrt((double)total) / 128), best = -1;
	int64_t worst = 0;

	for (int k = 0, i = g->next_arc; k < total; k++, i = i + 1 == total ? 0 : i + 1) {
		int a = g->cand[i];
		int64_t v = g->state[a] * (g->cost[a] + g->pi[g->src[a]] - g->pi[g->dst[a]]);

		if (v < worst) {
			worst = v;
			best = a;
		}
		if (k >= block && best >= 0) {
			g->next_arc = i + 1 == total ? 0 : i + 1;
			return best;
		}
	}
	return best;
}

/* The arcs that may enter in this solve. */
static int candidates(struct ns *g)
{
	int total = g->m + g->n;

	free(g->cand);
	if (!(g->cand = malloc((size_t)total * sizeof *g->cand)))
		return -1;
	g->ncand = 0;
	for (int a = 0; a < total; a++) {
		if (!g->frozen[a])
			g->cand[g->ncand++] = a;
	}
	g->next_arc = 0;
	return 0;
}

/* The lowest common ancestor of @a and @b: both walk up in turns, marking
 * their way; the first to step on the other's mark is there. */
static int join_of(struct ns *g, int a, int b)
{
	int ma = ++g->stamp, mb = ++g->stamp;

	while (a != b) {
		if (a >= 0) {
			if (g->mark[a] == mb)
				return a;
			g->mark[a] = ma;
			a = g->parent[a];
		}
		if (b >= 0) {
			if (g->mark[b] == ma)
				return b;
			g->mark[b] = mb;
			b = g->parent[b];
		}
	}
	return a;
}

static inline int64_t room(int64_t cap, int64_t flow)
{
	return cap >= NS_INF ? NS_INF : cap - flow;
}

static void pivot(struct ns *g, int e)
{
	int first = g->state[e] == LOWER ? g->src[e] : g->dst[e];
	int second = g->state[e] == LOWER ? g->dst[e] : g->src[e];
	int join = join_of(g, first, second), u_out = -1, side = 0, u_in, v_in;
	int64_t delta = g->ucap[e] >= NS_INF ? NS_INF : g->ucap[e];

	/* Flow goes first -> second over e, then back: up from second to the
	 * join, down from the join to first. */
	for (int u = first; u != join; u = g->parent[u]) {
		int a = g->pred[u];
		int64_t d = g->dst[a] == u ? room(g->ucap[a], g->flow[a]) : g->flow[a];
		if (d < delta) {
			delta = d;
			u_out = u;
			side = 1;
		}
	}
	for (int u = second; u != join; u = g->parent[u]) {
		int a = g->pred[u];
		int64_t d = g->src[a] == u ? room(g->ucap[a], g->flow[a]) : g->flow[a];
		if (d <= delta) {
			delta = d;
			u_out = u;
			side = 2;
		}
	}
	if (delta > 0) {
		g->flow[e] += g->state[e] == LOWER ? delta : -delta;
		for (int u = first; u != join; u = g->parent[u]) {
			int a = g->pred[u];
			g->flow[a] += g->dst[a] == u ? delta : -delta;
		}
		for (int u = second; u != join; u = g->parent[u]) {
			int a = g->pred[u];
			g->flow[a] += g->src[a] == u ? delta : -delta;
		}
	}
	if (side == 0) {
		/* e itself blocks: it goes from one bound to the other. */
		g->state[e] = (signed char)-g->state[e];
		return;
	}
	{
		int a_out = g->pred[u_out];
		g->state[a_out] = g->flow[a_out] == 0 ? LOWER : UPPER;
	}
	g->state[e] = TREE;
	u_in = side == 1 ? first : second;
	v_in = side == 1 ? second : first;
	/* Subtree sizes: S (below u_out) leaves the path from u_out up to
	 * the join and joins the path from v_in up to it; above the join
	 * nothing changes. */
	{
		int moved = g->size[u_out];
		for (int p = g->parent[u_out]; p != join; p = g->parent[p])
			g->size[p] -= moved;
		for (int p = v_in; p != join; p = g->parent[p])
			g->size[p] += moved;
	}
	/* Re-hang the path u_in .. u_out below v_in, reversing it: each node
	 * on it keeps its own other children and gains the one above it. */
	{
		int w = u_in, above = v_in, arc = e, below_size = 0, moved = g->size[u_out];
		for (;;) {
			int up = g->parent[w], up_arc = g->pred[w], own = g->size[w] - below_size;
			below_size = g->size[w];
			detach(g, w);
			attach(g, w, above);
			g->pred[w] = arc;
			g->size[w] = own;   /* completed below, top down */
			if (w == u_out)
				break;
			above = w;
			arc = up_arc;
			w = up;
		}
		/* Now sizes along the path, from u_out back down to u_in, add up. */
		for (int x = u_out; x != u_in; x = g->parent[x])
			g->size[g->parent[x]] += g->size[x];
		g->size[u_in] = moved;
	}
	{
		int64_t want = g->src[e] == u_in ? g->pi[v_in] - g->cost[e] : g->pi[v_in] + g->cost[e];
		shift(g, u_in, want - g->pi[u_in]);
	}
}

int ns_solve(struct ns *g)
{
	int e;

	if (!g->started && start(g) < 0)
		return -1;
	price_artificial(g);
	resettle(g, g->root);
	if (candidates(g) < 0)
		return -1;
	while ((e = entering(g)) >= 0)
		pivot(g, e);
	for (int u = 0; u < g->n; u++) {
		if (g->flow[g->m + u] != 0)
			return -1;
	}
	return 0;
}
