/*
 * model.c - the optimiser's model (internal.h) built from a problem:
 * lookups by code, donor-condition classes, and the chains with their
 * entries, draws and events.  Shared by both solvers (network.c and the
 * LP in solve.c); no solver here.
 */
#include "internal.h"
#include "common.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Lookups. ------------------------------------------------------------- */

static int cmp_site(const void *a, const void *b, void *ctx)
{
	const struct model *sort_model = ctx;

	return strcmp(sort_model->p->sites[*(const int *)a].code,
		      sort_model->p->sites[*(const int *)b].code);
}

static int cmp_item(const void *a, const void *b, void *ctx)
{
	const struct model *sort_model = ctx;

	return strcmp(sort_model->p->items[*(const int *)a].code,
		      sort_model->p->items[*(const int *)b].code);
}

static int cmp_group(const void *a, const void *b, void *ctx)
{
	const struct model *sort_model = ctx;

	const struct plan_item *x = &sort_model->p->items[*(const int *)a];
	const struct plan_item *y = &sort_model->p->items[*(const int *)b];
	int c = strcmp(x->group, y->group);

	return c ? c : strcmp(x->code, y->code);
}

static int cmp_lane_from(const void *a, const void *b, void *ctx)
{
	const struct model *sort_model = ctx;

	const int *lf = sort_model->lane_from, *lt = sort_model->lane_to;
	int x = *(const int *)a, y = *(const int *)b;

	if (lf[x] != lf[y])
		return lf[x] < lf[y] ? -1 : 1;
	return lt[x] < lt[y] ? -1 : lt[x] > lt[y];
}

static int cmp_lane_to(const void *a, const void *b, void *ctx)
{
	const struct model *sort_model = ctx;

	const int *lf = sort_model->lane_from, *lt = sort_model->lane_to;
	int x = *(const int *)a, y = *(const int *)b;

	if (lt[x] != lt[y])
		return lt[x] < lt[y] ? -1 : 1;
	return lf[x] < lf[y] ? -1 : lf[x] > lf[y];
}

static int find_code(const int *order, size_t n, const char *code, const char *(*name)(
			     const struct plan_problem *, int), const struct plan_problem *p)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name(p, order[mid]), code);
		if (c == 0)
			return order[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static const char *site_name(const struct plan_problem *p, int i) { return p->sites[i].code; }
static const char *item_name(const struct plan_problem *p, int i) { return p->items[i].code; }

int model_site(const struct model *m, const char *code)
{
	return find_code(m->site_order, m->p->nsites, code, site_name, m->p);
}

int model_item(const struct model *m, const char *code)
{
	return find_code(m->item_order, m->p->nitems, code, item_name, m->p);
}

void model_group(const struct model *m, const char *group, int *first, int *n)
{
	size_t lo = 0, hi = m->p->nitems;

	*n = 0;
	*first = 0;
	if (!group[0])
		return;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(m->p->items[m->group_items[mid]].group, group) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = (int)lo;
	while (lo < m->p->nitems && strcmp(m->p->items[m->group_items[lo]].group, group) == 0)
		lo++;
	*n = (int)lo - *first;
}

bool model_barred(const struct cls *c, int site)
{
	for (int i = 0; i < c->nbarred; i++) {
		if (c->barred[i] == site)
			return true;
	}
	return false;
}

bool model_cls_fits(const struct model *m, const struct cls *c, int d)
{
	const struct plan_demand *dm = &m->p->demands[d];

	if (c->coalition[0] && strcmp(c->coalition, dm->coalition) != 0)
		return false;
	return !model_barred(c, m->demand_dest[d]);
}

/* ---- Indexing the problem. -------------------------------------------------- */

static int *seq(size_t n)
{
	int *v = malloc((n ? n : 1) * sizeof *v);

	for (size_t i = 0; v && i < n; i++)
		v[i] = (int)i;
	return v;
}

/* Distinct donor conditions; supply_cls[s] names each supply's. */
static int index_classes(struct model *m, char *err, size_t errlen)
{
	const struct plan_problem *p = m->p;

	m->cls = calloc(p->nsupplies + 1, sizeof *m->cls);
	m->supply_cls = malloc((p->nsupplies + 1) * sizeof *m->supply_cls);
	if (!m->cls || !m->supply_cls)
		return plan_fail(err, errlen, "out of memory");
	m->cls[0].coalition = "";
	m->ncls = 1;
	for (size_t s = 0; s < p->nsupplies; s++) {
		const struct plan_supply *sp = &p->supplies[s];
		int c;

		if (!sp->only_coalition[0] && !sp->barred[0]) {
			m->supply_cls[s] = 0;
			continue;
		}
		/* Few supplies carry conditions: a linear search is fine. */
		for (c = 1; c < m->ncls; c++) {
			const struct plan_supply *first = &p->supplies[m->cls[c].first];
			if (strcmp(first->only_coalition, sp->only_coalition) == 0 &&
			    strcmp(first->barred, sp->barred) == 0)
				break;
		}
		if (c == m->ncls) {
			struct cls *k = &m->cls[m->ncls++];
			const char *b = sp->barred;

			k->first = (int)s;
			k->coalition = sp->only_coalition;
			if (!(k->barred = malloc((strlen(b) / 2 + 1) * sizeof *k->barred)))
				return plan_fail(err, errlen, "out of memory");
			while (*b) {
				char code[PLAN_CODE];
				size_t len = strcspn(b, ";");
				int site;

				snprintf(code, sizeof code, "%.*s", (int)len, b);
				if ((site = model_site(m, code)) >= 0)
					k->barred[k->nbarred++] = site;
				b += len + (b[len] == ';');
			}
		}
		m->supply_cls[s] = c;
	}
	return 0;
}

int model_index(struct model *m, char *err, size_t errlen)
{
	const struct plan_problem *p = m->p;

	m->site_order = seq(p->nsites);
	m->item_order = seq(p->nitems);
	m->group_items = seq(p->nitems);
	m->lane_from = malloc((p->nlanes + 1) * sizeof *m->lane_from);
	m->lane_to = malloc((p->nlanes + 1) * sizeof *m->lane_to);
	m->supply_item = malloc((p->nsupplies + 1) * sizeof *m->supply_item);
	m->supply_origin = malloc((p->nsupplies + 1) * sizeof *m->supply_origin);
	m->demand_dest = malloc((p->ndemands + 1) * sizeof *m->demand_dest);
	if (!m->site_order || !m->item_order || !m->group_items || !m->lane_from ||
	    !m->lane_to || !m->supply_item || !m->supply_origin || !m->demand_dest)
		return plan_fail(err, errlen, "out of memory");
	qsort_r(m->site_order, p->nsites, sizeof *m->site_order, cmp_site, m);
	qsort_r(m->item_order, p->nitems, sizeof *m->item_order, cmp_item, m);
	qsort_r(m->group_items, p->nitems, sizeof *m->group_items, cmp_group, m);
	for (size_t i = 1; i < p->nsites; i++) {
		if (strcmp(p->sites[m->site_order[i - 1]].code, p->sites[m->site_order[i]].code) == 0)
			return plan_fail(err, errlen, "sites: '%s' is listed twice",
				    p->sites[m->site_order[i]].code);
	}
	for (size_t i = 1; i < p->nitems; i++) {
		if (strcmp(p->items[m->item_order[i - 1]].code, p->items[m->item_order[i]].code) == 0)
			return plan_fail(err, errlen, "items: '%s' is listed twice",
				    p->items[m->item_order[i]].code);
	}
	for (size_t l = 0; l < p->nlanes; l++) {
		if ((m->lane_from[l] = model_site(m, p->lanes[l].from)) < 0)
			return plan_fail(err, errlen, "lanes[%zu].from: no such site", l);
		if ((m->lane_to[l] = model_site(m, p->lanes[l].to)) < 0)
			return plan_fail(err, errlen, "lanes[%zu].to: no such site", l);
	}
	m->lanes_by_from = seq(p->nlanes);
	m->lanes_by_to = seq(p->nlanes);
	if (!m->lanes_by_from || !m->lanes_by_to)
		return plan_fail(err, errlen, "out of memory");
	qsort_r(m->lanes_by_from, p->nlanes, sizeof(int), cmp_lane_from, m);
	qsort_r(m->lanes_by_to, p->nlanes, sizeof(int), cmp_lane_to, m);
	for (size_t i = 1; i < p->nlanes; i++) {
		int a = m->lanes_by_from[i - 1], b = m->lanes_by_from[i];
		if (m->lane_from[a] == m->lane_from[b] && m->lane_to[a] == m->lane_to[b])
			return plan_fail(err, errlen, "lanes[%d]: a second lane from %s to %s", b,
				    p->lanes[b].from, p->lanes[b].to);
	}
	for (size_t s = 0; s < p->nsupplies; s++) {
		if ((m->supply_item[s] = model_item(m, p->supplies[s].item)) < 0)
			return plan_fail(err, errlen, "supplies[%zu].item: no such item", s);
		if ((m->supply_origin[s] = model_site(m, p->supplies[s].origin)) < 0)
			return plan_fail(err, errlen, "supplies[%zu].origin: no such site", s);
		if (!(p->supplies[s].quantity >= 0))
			return plan_fail(err, errlen, "supplies[%zu].quantity: must be >= 0", s);
	}
	for (size_t d = 0; d < p->ndemands; d++) {
		const struct plan_demand *dm = &p->demands[d];

		if ((m->demand_dest[d] = model_site(m, dm->destination)) < 0)
			return plan_fail(err, errlen, "demands[%zu].destination: no such site", d);
		if (dm->item[0] && model_item(m, dm->item) < 0)
			return plan_fail(err, errlen, "demands[%zu].item: no such item", d);
		if (dm->priority < 1 || dm->priority > 4)
			return plan_fail(err, errlen, "demands[%zu].priority: must be 1 to 4", d);
		if (!(dm->quantity >= 0))
			return plan_fail(err, errlen, "demands[%zu].quantity: must be >= 0", d);
	}
	return index_classes(m, err, errlen);
}

/* Lanes leaving @site: *@n from lanes_by_from[*@first]. */
static void lanes_from(const struct model *m, int site, int *first, int *n)
{
	size_t lo = 0, hi = m->p->nlanes;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->lane_from[m->lanes_by_from[mid]] < site)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = (int)lo;
	while (lo < m->p->nlanes && m->lane_from[m->lanes_by_from[lo]] == site)
		lo++;
	*n = (int)lo - *first;
}

static void lanes_to(const struct model *m, int site, int *first, int *n)
{
	size_t lo = 0, hi = m->p->nlanes;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->lane_to[m->lanes_by_to[mid]] < site)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = (int)lo;
	while (lo < m->p->nlanes && m->lane_to[m->lanes_by_to[lo]] == site)
		lo++;
	*n = (int)lo - *first;
}

/* ---- Chains, entries, draws, events. --------------------------------------- */

void *model_grow(struct growing *g)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 1024;
		void *v = realloc(g->v, cap * g->size);
		if (!v)
			return NULL;
		g->v = v;
		g->cap = cap;
	}
	return (char *)g->v + g->size * g->n++;
}

static uint64_t chain_key(const struct model *m, int item, int site, int cls)
{
	return ((uint64_t)item * m->p->nsites + (uint64_t)site) * (uint64_t)m->ncls + (uint64_t)cls;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int find_u64(const uint64_t *v, size_t n, uint64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == key ? (int)lo : -1;
}

/* Every supply enters a chain at the end of each lane leaving its origin
 * that its donor's conditions allow. */
static int make_entries(struct model *m, struct growing *ge)
{
	const struct plan_problem *p = m->p;

	for (size_t s = 0; s < p->nsupplies; s++) {
		const struct cls *c = &m->cls[m->supply_cls[s]];
		int first, n;

		if (p->supplies[s].quantity <= 0)
			continue;
		lanes_from(m, m->supply_origin[s], &first, &n);
		for (int k = 0; k < n; k++) {
			int l = m->lanes_by_from[first + k];
			struct entry *e;

			if (model_barred(c, m->lane_to[l]))
				continue;
			if (!(e = model_grow(ge)))
				return -1;
			*e = (struct entry){.supply = (int)s, .lane = l, .chain = -1, .event = -1,
				.at = p->supplies[s].available + p->lanes[l].transit_days};
		}
	}
	return 0;
}

/* A demand draws from every chain of an item it accepts and a class it
 * may take, at its destination or one lane before it. */
static int make_draws(struct model *m, const uint64_t *keys, size_t nkeys, struct growing *gd)
{
	const struct plan_problem *p = m->p;

	for (size_t d = 0; d < p->ndemands; d++) {
		const struct plan_demand *dm = &p->demands[d];
		int x = m->demand_dest[d], first, n, gfirst = 0, gn = 1, one = -1;

		if (dm->quantity <= 0)
			continue;
		if (dm->item[0])
			one = model_item(m, dm->item);
		else
			model_group(m, dm->group, &gfirst, &gn);
		lanes_to(m, x, &first, &n);
		for (int k = -1; k < n; k++) {
			int lane = k < 0 ? -1 : m->lanes_by_to[first + k];
			int site = k < 0 ? x : m->lane_from[lane];
			int days = k < 0 ? 0 : p->lanes[lane].transit_days;

			for (int g = 0; g < gn; g++) {
				int item = dm->item[0] ? one : m->group_items[gfirst + g];

				for (int c = 0; c < m->ncls; c++) {
					int ch = find_u64(keys, nkeys, chain_key(m, item, site, c));
					struct draw *w;

					if (ch < 0 || !model_cls_fits(m, &m->cls[c], (int)d))
						continue;
					if (!(w = model_grow(gd)))
						return -1;
					*w = (struct draw){.demand = (int)d, .lane = lane, .chain = ch,
						.item = item, .at = dm->needed_by == PLAN_NO_DATE ?
						PLAN_NO_DATE : dm->needed_by - days};
				}
			}
		}
	}
	return 0;
}

struct stamp {
	int chain, at;
};

static int cmp_stamp(const void *a, const void *b)
{
	const struct stamp *x = a, *y = b;

	if (x->chain != y->chain)
		return x->chain < y->chain ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

static int find_event(const struct model *m, int chain, int at)
{
	const struct chain *c = &m->chains[chain];
	int lo = c->ev0, hi = c->ev0 + c->nev;

	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (m->ev_at[mid] < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int model_build(struct model *m, char *err, size_t errlen)
{
	const struct plan_problem *p = m->p;
	struct growing ge = {.size = sizeof(struct entry)}, gd = {.size = sizeof(struct draw)};
	uint64_t *keys = NULL;
	size_t nkeys = 0;
	bool *used = NULL;
	struct stamp *st = NULL;
	size_t nst = 0;
	int rc = -1;

	if (make_entries(m, &ge) < 0)
		goto oom;
	m->entries = ge.v;
	m->nentries = ge.n;
	if (!(keys = malloc((m->nentries + 1) * sizeof *keys)))
		goto oom;
	for (size_t i = 0; i < m->nentries; i++) {
		const struct entry *e = &m->entries[i];
		keys[i] = chain_key(m, m->supply_item[e->supply], m->lane_to[e->lane],
				    m->supply_cls[e->supply]);
	}
	qsort(keys, m->nentries, sizeof *keys, cmp_u64);
	for (size_t i = 0; i < m->nentries; i++) {
		if (nkeys == 0 || keys[nkeys - 1] != keys[i])
			keys[nkeys++] = keys[i];
	}
	if (make_draws(m, keys, nkeys, &gd) < 0)
		goto oom;
	m->draws = gd.v;
	m->ndraws = gd.n;

	/* Chains nobody draws from are dropped, with the entries into them. */
	if (!(used = calloc(nkeys + 1, sizeof *used)))
		goto oom;
	for (size_t i = 0; i < m->ndraws; i++)
		used[m->draws[i].chain] = true;
	{
		int *renum = malloc((nkeys + 1) * sizeof *renum);
		size_t w = 0;

		if (!renum || !(m->chains = calloc(nkeys + 1, sizeof *m->chains))) {
			free(renum);
			goto oom;
		}
		for (size_t k = 0; k < nkeys; k++) {
			renum[k] = used[k] ? (int)m->nchains : -1;
			if (used[k]) {
				struct chain *c = &m->chains[m->nchains++];
				uint64_t key = keys[k];
				c->cls = (int)(key % (uint64_t)m->ncls);
				key /= (uint64_t)m->ncls;
				c->site = (int)(key % p->nsites);
				c->item = (int)(key / p->nsites);
			}
		}
		for (size_t i = 0; i < m->ndraws; i++)
			m->draws[i].chain = renum[m->draws[i].chain];
		for (size_t i = 0; i < m->nentries; i++) {
			struct entry e = m->entries[i];
			uint64_t key = chain_key(m, m->supply_item[e.supply], m->lane_to[e.lane],
						 m->supply_cls[e.supply]);
			int k = find_u64(keys, nkeys, key);
			if (k >= 0 && renum[k] >= 0) {
				e.chain = renum[k];
				m->entries[w++] = e;
			}
		}
		m->nentries = w;
		free(renum);
	}

	/* Events: the distinct days of each chain's entries and draws. */
	if (!(st = malloc((m->nentries + m->ndraws + 1) * sizeof *st)))
		goto oom;
	for (size_t i = 0; i < m->nentries; i++)
		st[nst++] = (struct stamp){m->entries[i].chain, m->entries[i].at};
	for (size_t i = 0; i < m->ndraws; i++)
		st[nst++] = (struct stamp){m->draws[i].chain, m->draws[i].at};
	qsort(st, nst, sizeof *st, cmp_stamp);
	if (!(m->ev_at = malloc((nst + 1) * sizeof *m->ev_at)))
		goto oom;
	for (size_t i = 0; i < nst; i++) {
		struct chain *c = &m->chains[st[i].chain];

		if (i > 0 && st[i].chain == st[i - 1].chain && st[i].at == st[i - 1].at)
			continue;
		if (c->nev == 0)
			c->ev0 = (int)m->nevents;
		c->nev++;
		m->ev_at[m->nevents++] = st[i].at;
	}
	for (size_t i = 0; i < m->nentries; i++)
		m->entries[i].event = find_event(m, m->entries[i].chain, m->entries[i].at);
	for (size_t i = 0; i < m->ndraws; i++)
		m->draws[i].event = find_event(m, m->draws[i].chain, m->draws[i].at);

	/* H, the lateness of a unit never delivered: one day more than any
	 * delivery could be late, so a late delivery always beats none. */
	{
		int lo = PLAN_NO_DATE, hi = 0;
		for (size_t i = 0; i < m->nentries; i++)
			hi = m->entries[i].at > hi ? m->entries[i].at : hi;
		for (size_t i = 0; i < m->ndraws; i++)
			lo = m->draws[i].at < lo ? m->draws[i].at : lo;
		m->horizon = 1 + (hi > lo ? (double)hi - lo : 0);
	}
	rc = 0;
	goto done;
oom:
	plan_fail(err, errlen, "out of memory");
done:
	free(keys);
	free(used);
	free(st);
	return rc;
}

