/*
 * solve.c - the allocation optimiser: builds the LP of internal.h's model,
 * solves it level by level with GLPK's simplex, and turns the solution
 * back into flows from supply lines to demand lines.
 *
 * Levels (lexicographic, docs/planning.md): units on time of P1, then P2,
 * P3, P4 (maximised), then unit-days late with an unmet unit counting H
 * days (minimised), then transport cost (minimised).  After each level the
 * LP is restricted to that level's optimal face by fixing every nonbasic
 * column and row whose reduced cost is not zero (complementary slackness:
 * every optimum of the level has them at those values).  This changes
 * bounds only, never the matrix, so the next level starts warm from the
 * same basis, and network-shaped problems keep whole-number vertices.
 */
#include "internal.h"
#include "common.h"

#include <glpk.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EPS 1e-9

static pthread_mutex_t glpk_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- The LP. ---------------------------------------------------------------- */

struct plan_lp {
	glp_prob *lp;
	struct model m;
	struct colcoef *coef;   /* 1-based, as GLPK's columns */
	double late_const;      /* H * all units demanded */
};

struct triplets {
	int *ia, *ja;
	double *ar;
	size_t n, cap;
};

static int put(struct triplets *t, int row, int col, double v)
{
	if (!t)
		return 0;
	if (t->n + 1 >= t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		int *ia = realloc(t->ia, cap * sizeof *ia);
		if (ia)
			t->ia = ia;
		int *ja = realloc(t->ja, cap * sizeof *ja);
		if (ja)
			t->ja = ja;
		double *ar = realloc(t->ar, cap * sizeof *ar);
		if (ar)
			t->ar = ar;
		if (!ia || !ja || !ar)
			return -1;
		t->cap = cap;
	}
	t->n++;  /* GLPK's arrays are 1-based */
	t->ia[t->n] = row;
	t->ja[t->n] = col;
	t->ar[t->n] = v;
	return 0;
}

/* Rows are laid out before any solver sees them: "<= ub", or ">= 0" when
 * @ub is INFINITY.  Returns the first of @n new rows (1-based). */
static int new_rows(struct model *m, int n, double ub)
{
	if (m->nrows + n >= m->row_cap) {
		int cap = m->row_cap ? m->row_cap * 2 : 4096;
		double *v;

		while (cap <= m->nrows + n)
			cap *= 2;
		if (!(v = realloc(m->row_ub, (size_t)cap * sizeof *v)))
			return -1;
		m->row_ub = v;
		m->row_cap = cap;
	}
	for (int i = 1; i <= n; i++)
		m->row_ub[m->nrows + i] = ub;
	m->nrows += n;
	return m->nrows - n + 1;
}

static int cmp_nodeweek(const void *a, const void *b)
{
	const struct nodeweek *x = a, *y = b;

	if (x->site != y->site)
		return x->site < y->site ? -1 : 1;
	return x->week < y->week ? -1 : x->week > y->week;
}

int model_nodeweek_row(const struct model *m, int site, int week)
{
	size_t lo = 0, hi = m->nnodeweeks;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct nodeweek *w = &m->nodeweeks[mid];
		if (w->site < site || (w->site == site && w->week < week))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->nnodeweeks && m->nodeweeks[lo].site == site && m->nodeweeks[lo].week == week)
		return m->nodeweeks[lo].row;
	return 0;
}

/* Rows: supply, demand, F and B per event, lane capacity, node weeks. */
static int make_rows(struct model *m)
{
	const struct plan_problem *p = m->p;
	size_t nw = 0;

	m->supply_row = calloc(p->nsupplies + 1, sizeof(int));
	m->demand_row = calloc(p->ndemands + 1, sizeof(int));
	m->lane_row = calloc(p->nlanes + 1, sizeof(int));
	m->ev_frow = calloc(m->nevents + 1, sizeof(int));
	m->ev_brow = calloc(m->nevents + 1, sizeof(int));
	m->nodeweeks = calloc(m->nentries + 1, sizeof *m->nodeweeks);
	if (!m->supply_row || !m->demand_row || !m->lane_row || !m->ev_frow || !m->ev_brow ||
	    !m->nodeweeks)
		return -1;
	for (size_t i = 0; i < m->nentries; i++) {
		const struct entry *e = &m->entries[i];
		int r, site = m->lane_to[e->lane];

		if (!m->supply_row[e->supply]) {
			if ((r = new_rows(m, 1, p->supplies[e->supply].quantity)) < 0)
				return -1;
			m->supply_row[e->supply] = r;
		}
		if (p->sites[site].throughput >= 0 && p->items[m->supply_item[e->supply]].size > 0)
			m->nodeweeks[nw++] = (struct nodeweek){site, model_week(e->at), 0};
	}
	for (size_t i = 0; i < m->ndraws; i++) {
		int d = m->draws[i].demand, r;

		if (!m->demand_row[d]) {
			if ((r = new_rows(m, 1, p->demands[d].quantity)) < 0)
				return -1;
			m->demand_row[d] = r;
		}
	}
	for (size_t e = 0; e < m->nevents; e++) {
		if ((m->ev_frow[e] = new_rows(m, 2, INFINITY)) < 0)
			return -1;
		m->ev_brow[e] = m->ev_frow[e] + 1;
	}
	for (size_t l = 0; l < p->nlanes; l++) {
		if (p->lanes[l].capacity >= 0 &&
		    (m->lane_row[l] = new_rows(m, 1, p->lanes[l].capacity)) < 0)
			return -1;
	}
	qsort(m->nodeweeks, nw, sizeof *m->nodeweeks, cmp_nodeweek);
	for (size_t i = 0; i < nw; i++) {
		if (m->nnodeweeks && cmp_nodeweek(&m->nodeweeks[m->nnodeweeks - 1],
						  &m->nodeweeks[i]) == 0)
			continue;
		struct nodeweek *w = &m->nodeweeks[m->nnodeweeks++];
		*w = m->nodeweeks[i];
		if ((w->row = new_rows(m, 1, 7 * p->sites[w->site].throughput)) < 0)
			return -1;
	}
	return 0;
}

/* A new column (>= 0) with what it counts in each level. */
static int new_col(struct model *m, struct growing *coefs, unsigned prio, double late,
		   double cost)
{
	struct colcoef *c = model_grow(coefs);

	if (!c)
		return -1;
	*c = (struct colcoef){(unsigned char)prio, late, cost};
	return ++m->ncols;
}

/* Columns, with their matrix entries into @t (NULL: only numbered, for
 * the network solver, which reads the model's structure instead). */
static int make_cols(struct plan_lp *L, struct triplets *t)
{
	struct model *m = &L->m;
	const struct plan_problem *p = m->p;
	struct growing coefs = {.size = sizeof(struct colcoef)};
	double H = m->horizon;

	model_grow(&coefs);  /* column 0 is GLPK's objective constant */
	for (size_t i = 0; i < m->nentries; i++) {
		struct entry *e = &m->entries[i];
		const struct plan_lane *ln = &p->lanes[e->lane];
		double size = p->items[m->supply_item[e->supply]].size;
		int j = new_col(m, &coefs, 0, 0, ln->cost), nwr;

		if (j < 0 || put(t, m->supply_row[e->supply], j, 1) < 0 ||
		    put(t, m->ev_frow[e->event], j, 1) < 0 ||
		    (m->lane_row[e->lane] && put(t, m->lane_row[e->lane], j, 1) < 0))
			return -1;
		nwr = size > 0 ? model_nodeweek_row(m, m->lane_to[e->lane], model_week(e->at)) : 0;
		if (nwr && put(t, nwr, j, size) < 0)
			return -1;
		e->col = j;
	}
	m->ev_hcol = calloc(m->nevents + 1, sizeof(int));
	m->ev_mcol = calloc(m->nevents + 1, sizeof(int));
	m->ev_bcol = calloc(m->nevents + 1, sizeof(int));
	if (!m->ev_hcol || !m->ev_mcol || !m->ev_bcol)
		return -1;
	for (size_t c = 0; c < m->nchains; c++) {
		const struct chain *ch = &m->chains[c];

		for (int k = 0; k < ch->nev; k++) {
			int e = ch->ev0 + k, j;

			/* m: from F to B at the same day. */
			if ((j = new_col(m, &coefs, 0, 0, 0)) < 0 ||
			    put(t, m->ev_frow[e], j, -1) < 0 || put(t, m->ev_brow[e], j, 1) < 0)
				return -1;
			m->ev_mcol[e] = j;
			if (k + 1 == ch->nev)
				break;
			/* h: F forward to the next day; b: B back from the next day. */
			if ((j = new_col(m, &coefs, 0, 0, 0)) < 0 ||
			    put(t, m->ev_frow[e], j, -1) < 0 || put(t, m->ev_frow[e + 1], j, 1) < 0)
				return -1;
			m->ev_hcol[e] = j;
			if ((j = new_col(m, &coefs, 0, (double)m->ev_at[e + 1] - m->ev_at[e], 0)) < 0 ||
			    put(t, m->ev_brow[e + 1], j, -1) < 0 || put(t, m->ev_brow[e], j, 1) < 0)
				return -1;
			m->ev_bcol[e] = j;
		}
	}
	for (size_t i = 0; i < m->ndraws; i++) {
		struct draw *w = &m->draws[i];
		double cost = w->lane >= 0 ? p->lanes[w->lane].cost : 0;
		int lr = w->lane >= 0 ? m->lane_row[w->lane] : 0;
		int prio = p->demands[w->demand].priority;

		for (int late = 0; late < 2; late++) {
			int j = new_col(m, &coefs, late ? 0 : (unsigned)prio, -H, cost);
			if (j < 0 || put(t, m->demand_row[w->demand], j, 1) < 0 ||
			    put(t, late ? m->ev_brow[w->event] : m->ev_frow[w->event], j, -1) < 0 ||
			    (lr && put(t, lr, j, 1) < 0))
				return -1;
			*(late ? &w->col_b : &w->col_f) = j;
		}
	}
	L->coef = coefs.v;
	return 0;
}

void plan_lp_free(struct plan_lp *L)
{
	struct model *m;

	if (!L)
		return;
	m = &L->m;
	if (L->lp)
		glp_delete_prob(L->lp);
	for (int c = 1; m->cls && c < m->ncls; c++)
		free(m->cls[c].barred);
	free(m->cls);
	free(m->site_order);
	free(m->item_order);
	free(m->group_items);
	free(m->lane_from);
	free(m->lane_to);
	free(m->lanes_by_from);
	free(m->lanes_by_to);
	free(m->supply_item);
	free(m->supply_origin);
	free(m->supply_cls);
	free(m->demand_dest);
	free(m->entries);
	free(m->draws);
	free(m->chains);
	free(m->ev_at);
	free(m->ev_frow);
	free(m->ev_brow);
	free(m->ev_hcol);
	free(m->ev_mcol);
	free(m->ev_bcol);
	free(m->supply_row);
	free(m->demand_row);
	free(m->lane_row);
	free(m->nodeweeks);
	free(m->row_ub);
	free(m->colval);
	free(m->rowval);
	free(L->coef);
	free(L);
}

static struct plan_lp *lp_build(const struct plan_problem *p, bool with_matrix, char *err,
				size_t errlen)
{
	struct plan_lp *L = calloc(1, sizeof *L);
	struct triplets t = {0};

	if (!L) {
		plan_fail(err, errlen, "out of memory");
		return NULL;
	}
	L->m.p = p;
	if (model_index(&L->m, err, errlen) < 0 || model_build(&L->m, err, errlen) < 0)
		goto fail;
	if (make_rows(&L->m) < 0 || make_cols(L, with_matrix ? &t : NULL) < 0) {
		plan_fail(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t d = 0; d < p->ndemands; d++)
		L->late_const += L->m.horizon * p->demands[d].quantity;
	if (with_matrix) {
		glp_term_out(GLP_OFF);
		L->lp = glp_create_prob();
		if (L->m.nrows)
			glp_add_rows(L->lp, L->m.nrows);
		if (L->m.ncols)
			glp_add_cols(L->lp, L->m.ncols);
		for (int i = 1; i <= L->m.nrows; i++) {
			if (isinf(L->m.row_ub[i]))
				glp_set_row_bnds(L->lp, i, GLP_LO, 0, 0);
			else
				glp_set_row_bnds(L->lp, i, GLP_UP, 0, L->m.row_ub[i]);
		}
		for (int j = 1; j <= L->m.ncols; j++)
			glp_set_col_bnds(L->lp, j, GLP_LO, 0, 0);
		if (t.n)
			glp_load_matrix(L->lp, (int)t.n, t.ia, t.ja, t.ar);
	}
	free(t.ia);
	free(t.ja);
	free(t.ar);
	return L;
fail:
	free(t.ia);
	free(t.ja);
	free(t.ar);
	plan_lp_free(L);
	return NULL;
}

struct plan_lp *plan_lp_build(const struct plan_problem *p, char *err, size_t errlen)
{
	return lp_build(p, true, err, errlen);
}

struct glp_prob *plan_lp_glp(struct plan_lp *L)
{
	return L->lp;
}

static double level_coef(const struct colcoef *c, int level)
{
	if (level <= PLAN_OBJ_P4)
		return c->prio == level + 1 ? 1 : 0;
	return level == PLAN_OBJ_LATENESS ? c->late : c->cost;
}

void plan_lp_objective(struct plan_lp *L, int level)
{
	int n = glp_get_num_cols(L->lp);

	glp_set_obj_dir(L->lp, level <= PLAN_OBJ_P4 ? GLP_MAX : GLP_MIN);
	glp_set_obj_coef(L->lp, 0, level == PLAN_OBJ_LATENESS ? L->late_const : 0);
	for (int j = 1; j <= n; j++)
		glp_set_obj_coef(L->lp, j, level_coef(&L->coef[j], level));
}

/* ---- Solving. -------------------------------------------------------------- */

/* Keep the LP on the optimal face of the level just solved: every nonbasic
 * column or row with a reduced cost that is not zero stays where it is. */
static void fix_face(struct plan_lp *L, int level)
{
	glp_prob *lp = L->lp;
	int nc = glp_get_num_cols(lp), nr = glp_get_num_rows(lp);
	double big = 1, tol;

	for (int j = 1; j <= nc; j++)
		big = fmax(big, fabs(level_coef(&L->coef[j], level)));
	tol = 1e-7 * big;
	for (int j = 1; j <= nc; j++) {
		if (glp_get_col_stat(lp, j) == GLP_BS || glp_get_col_type(lp, j) == GLP_FX)
			continue;
		if (fabs(glp_get_col_dual(lp, j)) > tol) {
			double v = glp_get_col_prim(lp, j);
			glp_set_col_bnds(lp, j, GLP_FX, v, v);
		}
	}
	for (int i = 1; i <= nr; i++) {
		if (glp_get_row_stat(lp, i) == GLP_BS || glp_get_row_type(lp, i) == GLP_FX)
			continue;
		if (fabs(glp_get_row_dual(lp, i)) > tol) {
			double v = glp_get_row_prim(lp, i);
			glp_set_row_bnds(lp, i, GLP_FX, v, v);
		}
	}
}

static bool level_empty(const struct plan_lp *L, int level)
{
	for (int j = 1; j <= L->m.ncols; j++) {
		if (level_coef(&L->coef[j], level) != 0)
			return false;
	}
	return true;
}

static int solve_levels(struct plan_lp *L, struct plan_result *r, char *err, size_t errlen)
{
	glp_smcp parm;
	bool first = true;

	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.meth = GLP_PRIMAL;
	if (L->m.ncols == 0) {
		r->objective[PLAN_OBJ_LATENESS] = L->late_const;
		return 0;
	}
	glp_scale_prob(L->lp, GLP_SF_AUTO);
	for (int level = 0; level < PLAN_OBJ__COUNT; level++) {
		int rc;

		if (level_empty(L, level)) {
			r->objective[level] = level == PLAN_OBJ_LATENESS ? L->late_const : 0;
			continue;
		}
		plan_lp_objective(L, level);
		if (first)
			glp_std_basis(L->lp);
		first = false;
		rc = glp_simplex(L->lp, &parm);
		if (rc != 0 || glp_get_status(L->lp) != GLP_OPT)
			return plan_fail(err, errlen, "the LP solver failed at level %d (glp_simplex %d, "
				    "status %d)", level, rc, glp_get_status(L->lp));
		r->objective[level] = glp_get_obj_val(L->lp);
		if (level + 1 < PLAN_OBJ__COUNT)
			fix_face(L, level);
	}
	return 0;
}

/* ---- From the solution to flows. -------------------------------------------- */

struct piece {
	int supply, lane_in, demand, lane_out, item;
	double q;
	int at;   /* arrival at the chain's site */
};

struct queue {
	struct piece *v;
	size_t head, n, cap;
};

static int q_push(struct queue *q, struct piece pc)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		struct piece *v = realloc(q->v, cap * sizeof *v);
		if (!v)
			return -1;
		q->v = v;
		q->cap = cap;
	}
	q->v[q->n++] = pc;
	return 0;
}

static int cmp_entry_ev(const void *a, const void *b, void *ctx)
{
	const struct model *order_model = ctx;

	const struct entry *x = &order_model->entries[*(const int *)a];
	const struct entry *y = &order_model->entries[*(const int *)b];

	if (x->event != y->event)
		return x->event < y->event ? -1 : 1;
	return x->supply < y->supply ? -1 : x->supply > y->supply;
}

static int cmp_draw_ev(const void *a, const void *b, void *ctx)
{
	const struct model *order_model = ctx;

	const struct draw *x = &order_model->draws[*(const int *)a];
	const struct draw *y = &order_model->draws[*(const int *)b];

	if (x->event != y->event)
		return x->event < y->event ? -1 : 1;
	if (x->demand != y->demand)
		return x->demand < y->demand ? -1 : 1;
	return x->lane < y->lane ? -1 : x->lane > y->lane;
}

/* Take @want units from the pool's front (FIFO) or back (LIFO) into
 * @out, each piece then going to demand @d over @lane_out. */
static int take(struct queue *pool, bool fifo, double want, int d, int lane_out,
		struct growing *out, struct queue *moved)
{
	while (want > EPS && pool->head < pool->n) {
		struct piece *pc = fifo ? &pool->v[pool->head] : &pool->v[pool->n - 1];
		double q = fmin(want, pc->q);
		struct piece part = *pc;

		part.q = q;
		if (moved) {
			if (q_push(moved, part) < 0)
				return -1;
		} else {
			struct piece *o = model_grow(out);
			if (!o)
				return -1;
			part.demand = d;
			part.lane_out = lane_out;
			*o = part;
		}
		pc->q -= q;
		want -= q;
		if (pc->q <= EPS) {
			if (fifo)
				pool->head++;
			else
				pool->n--;
		}
	}
	return 0;
}

/*
 * Follow the flow through each chain.  Forward in time: arrivals join F;
 * on-time draws take the earliest arrivals; m moves the latest arrivals
 * over to B.  Backward in time: late draws take from B what arrived
 * soonest after their day.  Any split that matches the arc flows is a
 * valid reading of the LP; this one is deterministic.
 */
static int decompose(const struct model *m, struct growing *pieces)
{
	int *eo = malloc((m->nentries + 1) * sizeof *eo), *dw = malloc((m->ndraws + 1) * sizeof *dw);
	struct queue f = {0}, b = {0}, *moved = calloc(m->nevents + 1, sizeof *moved);
	size_t ie = 0, id = 0;
	int rc = -1;

	if (!eo || !dw || !moved)
		goto done;
	for (size_t i = 0; i < m->nentries; i++)
		eo[i] = (int)i;
	for (size_t i = 0; i < m->ndraws; i++)
		dw[i] = (int)i;
	qsort_r(eo, m->nentries, sizeof *eo, cmp_entry_ev, (void *)m);
	qsort_r(dw, m->ndraws, sizeof *dw, cmp_draw_ev, (void *)m);
	for (size_t c = 0; c < m->nchains; c++) {
		const struct chain *ch = &m->chains[c];
		size_t d_first = id;

		f.head = f.n = 0;
		for (int e = ch->ev0; e < ch->ev0 + ch->nev; e++) {
			for (; ie < m->nentries && m->entries[eo[ie]].event == e; ie++) {
				const struct entry *en = &m->entries[eo[ie]];
				double q = m->colval[en->col];
				if (q > EPS && q_push(&f, (struct piece){en->supply, en->lane, -1, -1,
						m->supply_item[en->supply], q, en->at}) < 0)
					goto done;
			}
			for (; id < m->ndraws && m->draws[dw[id]].event == e; id++) {
				const struct draw *w = &m->draws[dw[id]];
				if (take(&f, true, m->colval[w->col_f], w->demand, w->lane, pieces,
					 NULL) < 0)
					goto done;
			}
			if (take(&f, false, m->colval[m->ev_mcol[e]], -1, -1, NULL, &moved[e]) < 0)
				goto done;
		}
		/* Backward: B is a stack, the newest (soonest) arrivals on top. */
		b.head = b.n = 0;
		size_t d_end = id;
		for (int e = ch->ev0 + ch->nev - 1; e >= ch->ev0; e--) {
			for (size_t k = moved[e].n; k-- > 0;) {
				if (q_push(&b, moved[e].v[k]) < 0)
					goto done;
			}
			for (; d_end > d_first && m->draws[dw[d_end - 1]].event == e; d_end--) {
				const struct draw *w = &m->draws[dw[d_end - 1]];
				if (take(&b, false, m->colval[w->col_b], w->demand, w->lane, pieces,
					 NULL) < 0)
					goto done;
			}
		}
	}
	rc = 0;
done:
	for (size_t e = 0; moved && e < m->nevents; e++)
		free(moved[e].v);
	free(moved);
	free(f.v);
	free(b.v);
	free(eo);
	free(dw);
	return rc;
}

static int cmp_piece(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;

	if (x->supply != y->supply)
		return x->supply < y->supply ? -1 : 1;
	if (x->demand != y->demand)
		return x->demand < y->demand ? -1 : 1;
	if (x->lane_in != y->lane_in)
		return x->lane_in < y->lane_in ? -1 : 1;
	return x->lane_out < y->lane_out ? -1 : x->lane_out > y->lane_out;
}

static int make_flows(const struct model *m, struct plan_result *r)
{
	const struct plan_problem *p = m->p;
	struct growing pieces = {.size = sizeof(struct piece)};
	struct piece *pc;
	size_t n, w = 0;

	if (decompose(m, &pieces) < 0) {
		free(pieces.v);
		return -1;
	}
	pc = pieces.v;
	n = pieces.n;
	if (n)
		qsort(pc, n, sizeof *pc, cmp_piece);
	for (size_t i = 0; i < n; i++) {
		if (w && cmp_piece(&pc[w - 1], &pc[i]) == 0)
			pc[w - 1].q += pc[i].q;
		else
			pc[w++] = pc[i];
	}
	if (!(r->flows = calloc(w + 1, sizeof *r->flows))) {
		free(pc);
		return -1;
	}
	for (size_t i = 0; i < w; i++) {
		const struct plan_demand *d = &p->demands[pc[i].demand];
		const struct plan_lane *in = &p->lanes[pc[i].lane_in];
		const struct plan_lane *out = pc[i].lane_out >= 0 ? &p->lanes[pc[i].lane_out] : NULL;
		struct plan_flow *f = &r->flows[r->nflows];
		double q = pc[i].q;

		if (fabs(q - round(q)) < 1e-6)
			q = round(q);
		if (q <= EPS)
			continue;
		r->nflows++;
		*f = (struct plan_flow){
			.supply = (size_t)pc[i].supply, .demand = (size_t)pc[i].demand,
			.item = pc[i].item, .hub = out ? m->lane_to[pc[i].lane_in] : -1,
			.quantity = q, .departs = p->supplies[pc[i].supply].available,
			.arrives = pc[i].at + (out ? out->transit_days : 0),
		};
		if (d->needed_by != PLAN_NO_DATE && f->arrives > d->needed_by)
			f->days_late = f->arrives - d->needed_by;
		f->cost = q * (in->cost + (out ? out->cost : 0));
		if (f->days_late) {
			r->late += q;
			r->unit_days_late += q * f->days_late;
		} else {
			r->on_time += q;
		}
		r->cost += f->cost;
	}
	free(pc);
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The LP's solution into m->colval and m->rowval. */
static int read_lp(struct plan_lp *L, struct plan_result *r)
{
	struct model *m = &L->m;

	m->colval = calloc((size_t)m->ncols + 1, sizeof(double));
	m->rowval = calloc((size_t)m->nrows + 1, sizeof(double));
	if (!m->colval || !m->rowval)
		return -1;
	r->integral = true;
	for (int j = 1; j <= m->ncols; j++) {
		double v = glp_get_col_prim(L->lp, j);
		m->colval[j] = v > EPS ? v : 0;
		if (fabs(v - round(v)) > 1e-6)
			r->integral = false;
	}
	for (int i = 1; i <= m->nrows; i++)
		m->rowval[i] = glp_get_row_prim(L->lp, i);
	return 0;
}

/*
 * First the network without capacities (fast, exact in integers); when its
 * flow keeps within every capacity it is the optimum.  Otherwise, or when
 * the data are not whole units, the LP with the simplex.
 */
int plan_solve(const struct plan_problem *p, struct plan_result *r, char *err, size_t errlen)
{
	return plan_solve_by(p, PLAN_AUTO, r, err, errlen);
}

int plan_solve_by(const struct plan_problem *p, enum plan_method how, struct plan_result *r,
		  char *err, size_t errlen)
{
	double t0 = now_ms(), demanded = 0;
	struct plan_lp *L;
	int rc = -1, net;

	memset(r, 0, sizeof *r);
	if (!(L = lp_build(p, false, err, errlen)))
		return -1;
	net = how == PLAN_SIMPLEX ? 0 : network_solve(&L->m, L->coef, L->late_const, r->objective);
	if (net < 0) {
		plan_fail(err, errlen, "out of memory");
		goto done;
	}
	if (net == 1) {
		r->integral = true;
		r->method = "network";
	} else {
		int st;

		plan_lp_free(L);
		memset(r->objective, 0, sizeof r->objective);
		/* GLPK keeps per-process state; one plan at a time uses it. */
		pthread_mutex_lock(&glpk_lock);
		if (!(L = lp_build(p, true, err, errlen)))
			st = -1;
		else if ((st = solve_levels(L, r, err, errlen)) == 0 && (st = read_lp(L, r)) < 0)
			plan_fail(err, errlen, "out of memory");
		if (L) {
			glp_delete_prob(L->lp);
			L->lp = NULL;
		}
		/* GLPK's environment is per thread: free it, or every server
		 * thread that ever solved an LP keeps it. */
		glp_free_env();
		pthread_mutex_unlock(&glpk_lock);
		if (!L)
			return -1;
		if (st < 0)
			goto done;
		r->method = "simplex";
	}
	r->rows = (size_t)L->m.nrows;
	r->cols = (size_t)L->m.ncols;
	r->horizon_days = L->m.horizon;
	if (make_flows(&L->m, r) < 0 || model_explain(&L->m, r) < 0) {
		plan_fail(err, errlen, "out of memory");
		goto done;
	}
	for (size_t d = 0; d < p->ndemands; d++)
		demanded += p->demands[d].quantity;
	r->unmet = fmax(0, demanded - r->on_time - r->late);
	rc = 0;
done:
	plan_lp_free(L);
	if (rc < 0)
		plan_result_free(r);
	r->solve_ms = now_ms() - t0;
	return rc;
}

void plan_result_free(struct plan_result *r)
{
	free(r->flows);
	free(r->why);
	r->flows = NULL;
	r->why = NULL;
	r->nflows = r->nwhy = 0;
}
