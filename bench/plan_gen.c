/*
 * plan_gen.c - the deterministic allocation problems of `make bench-plan`
 * (what they hold: plan_gen.h).
 *
 * Every number comes from one splitmix64 stream with a fixed seed, drawn
 * in a fixed order, and sizes and costs are built from integers (no exp or
 * log), so an instance is the same on every machine.
 */
#include "plan_gen.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_SEED 0x6e73617475000007ULL  /* "nsatu", issue 7 */
#define PG_YEAR 365
#define PG_SURGES 3
#define PG_SURGE_DAYS 14

static const int surge_start[PG_SURGES] = {60, 150, 240};
/* Node throughput as a multiple of the average tonnage per day and node. */
static const double node_factor[PG_NODES] = {0.6, 0.9, 1.2, 1.6, 2.4};
static const char *const coalitions[] = {"COAL-A", "COAL-B"};

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi] (the modulo bias is far below what matters here). */
static long range(struct rng *r, long lo, long hi)
{
	return lo + (long)(next(r) % (uint64_t)(hi - lo + 1));
}

/* Uniform in [0, 1). */
static double unit(struct rng *r)
{
	return (double)(next(r) >> 11) * 0x1.0p-53;
}

static bool chance(struct rng *r, double p)
{
	return unit(r) < p;
}

/* An item size in 0.001 - 20 tonnes, about log-uniform: three significant
 * digits times a power of ten drawn from 10^-3 .. 10^1. */
static double item_size(struct rng *r)
{
	static const double scale[] = {0.00001, 0.0001, 0.001, 0.01, 0.1};
	int e = (int)range(r, 0, 4);
	long m = range(r, 100, e == 4 ? 200 : 999);

	return (double)m * scale[e];
}

/* Cents in [lo, hi] EUR, as EUR. */
static double eur(struct rng *r, long lo, long hi)
{
	return (double)range(r, lo * 100, hi * 100) / 100.0;
}

static int priority(struct rng *r)
{
	long x = range(r, 0, 99);

	return x < 15 ? 1 : x < 40 ? 2 : x < 75 ? 3 : 4;
}

/* A substitution group: items [first, first + count). */
struct group {
	size_t first, count;
};

static void make_sites(struct plan_problem *p)
{
	size_t k = 0;

	for (int i = 0; i < PG_NODES; i++, k++)
		snprintf(p->sites[k].code, sizeof p->sites[k].code, "NODE-%d", i + 1);
	for (int i = 0; i < PG_DEPOTS; i++, k++) {
		snprintf(p->sites[k].code, sizeof p->sites[k].code, "DEP-%02d", i + 1);
		p->sites[k].throughput = -1;
	}
	for (int i = 0; i < PG_DESTS; i++, k++) {
		snprintf(p->sites[k].code, sizeof p->sites[k].code, "DST-%02d", i + 1);
		p->sites[k].throughput = -1;
	}
	p->nsites = k;
}

/* Items, and the groups some of them form (@groups has room for nitems / 3). */
static size_t make_items(struct rng *r, struct plan_problem *p, struct group *groups)
{
	size_t ngroups = 0;

	for (size_t i = 0; i < p->nitems; i++) {
		snprintf(p->items[i].code, sizeof p->items[i].code, "ITM-%05u", (unsigned)(i + 1));
		p->items[i].size = item_size(r);
	}
	/* About a third of the items: a group of 3 or 4 starts with
	 * probability 0.15 at each item not yet in one. */
	for (size_t i = 0; i + 4 <= p->nitems;) {
		if (!chance(r, 0.15)) {
			i++;
			continue;
		}
		struct group *g = &groups[ngroups++];
		g->first = i;
		g->count = (size_t)range(r, 3, 4);
		for (size_t k = 0; k < g->count; k++)
			snprintf(p->items[i + k].group, sizeof p->items[i + k].group, "GRP-%04u",
				 (unsigned)ngroups);
		i += g->count;
	}
	return ngroups;
}

static double make_demands(struct rng *r, struct plan_problem *p, const struct group *groups,
			   size_t ngroups)
{
	double total = 0;

	for (size_t i = 0; i < p->ndemands; i++) {
		struct plan_demand *d = &p->demands[i];

		snprintf(d->id, sizeof d->id, "REQ-%07zu", i + 1);
		if (ngroups > 0 && chance(r, 0.15)) {
			const struct group *g = &groups[range(r, 0, (long)ngroups - 1)];
			memcpy(d->group, p->items[g->first].group, sizeof d->group);
		} else {
			size_t it = (size_t)range(r, 0, (long)p->nitems - 1);
			memcpy(d->item, p->items[it].code, sizeof d->item);
		}
		d->priority = priority(r);
		d->needed_by = PG_AS_OF + (int)range(r, 10, PG_YEAR + 10);
		snprintf(d->destination, sizeof d->destination, "DST-%02ld", range(r, 1, PG_DESTS));
		if (chance(r, 0.05))
			snprintf(d->coalition, sizeof d->coalition, "%s", coalitions[range(r, 0, 1)]);
		d->quantity = (double)range(r, 1, 500);
		total += d->quantity;
	}
	return total;
}
/* What make_supplies drew for a supply line, by index. */
struct supply_ref {
	int item, depot;
};

/* Supplies, scaled to @target units in all; then the units each depot
 * supplies (@units) and the tonnage of all of them (@tonnes). */
static void make_supplies(struct rng *r, struct plan_problem *p, struct supply_ref *ref,
			  double target, double units[PG_DEPOTS], double *tonnes)
{
	double total = 0;

	for (size_t i = 0; i < p->nsupplies; i++) {
		struct plan_supply *s = &p->supplies[i];

		ref[i].item = (int)range(r, 0, (long)p->nitems - 1);
		ref[i].depot = (int)range(r, 0, PG_DEPOTS - 1);
		snprintf(s->id, sizeof s->id, "PLG-%07zu", i + 1);
		memcpy(s->item, p->items[ref[i].item].code, sizeof s->item);
		snprintf(s->origin, sizeof s->origin, "DEP-%02d", ref[i].depot + 1);
		if (chance(r, 0.25))
			s->available = PG_AS_OF + surge_start[range(r, 0, PG_SURGES - 1)] +
				       (int)range(r, 0, PG_SURGE_DAYS - 1);
		else
			s->available = PG_AS_OF + (int)range(r, 0, PG_YEAR - 35);
		if (chance(r, 0.02))
			snprintf(s->only_coalition, sizeof s->only_coalition, "%s",
				 coalitions[range(r, 0, 1)]);
		if (chance(r, 0.03)) {
			switch (range(r, 0, 2)) {
			case 0:
				snprintf(s->barred, sizeof s->barred, "NODE-%ld", range(r, 1, PG_NODES));
				break;
			case 1:
				snprintf(s->barred, sizeof s->barred, "DST-%02ld", range(r, 1, PG_DESTS));
				break;
			default: {
				long a = range(r, 1, PG_DESTS), b = range(r, 1, PG_DESTS - 1);
				snprintf(s->barred, sizeof s->barred, "DST-%02ld;DST-%02ld", a,
					 b >= a ? b + 1 : b);
				break;
			}
			}
		}
		s->quantity = (double)range(r, 1, 500);
		total += s->quantity;
	}
	double f = total > 0 ? target / total : 1;
	for (int d = 0; d < PG_DEPOTS; d++)
		units[d] = 0;
	*tonnes = 0;
	for (size_t i = 0; i < p->nsupplies; i++) {
		struct plan_supply *s = &p->supplies[i];
		double q = (double)(long)(s->quantity * f + 0.5);

		s->quantity = q < 1 ? 1 : q;
		units[ref[i].depot] += s->quantity;
		*tonnes += s->quantity * p->items[ref[i].item].size;
	}
}

static void make_lanes(struct rng *r, struct plan_problem *p, const double units[PG_DEPOTS])
{
	size_t k = 0;

	for (int d = 0; d < PG_DEPOTS; d++) {
		int nodes[PG_NODES], n = (int)range(r, 2, 3);

		/* The first n of a shuffle of the nodes. */
		for (int i = 0; i < PG_NODES; i++)
			nodes[i] = i + 1;
		for (int i = PG_NODES - 1; i > 0; i--) {
			int j = (int)range(r, 0, i), t = nodes[i];
			nodes[i] = nodes[j];
			nodes[j] = t;
		}
		for (int i = 0; i < n; i++, k++) {
			struct plan_lane *l = &p->lanes[k];
			snprintf(l->from, sizeof l->from, "DEP-%02d", d + 1);
			snprintf(l->to, sizeof l->to, "NODE-%d", nodes[i]);
			l->transit_days = (int)range(r, 1, 6);
			l->cost = eur(r, 5, 60);
			l->capacity = -1;
			if (chance(r, 0.25)) {
				double c = units[d] / n * (0.3 + 0.4 * unit(r)) * pg_capacity_scale();
				l->capacity = c < 1 ? 1 : (double)(long)c;
			}
		}
	}
	for (int nd = 0; nd < PG_NODES; nd++) {
		for (int t = 0; t < PG_DESTS; t++, k++) {
			struct plan_lane *l = &p->lanes[k];
			snprintf(l->from, sizeof l->from, "NODE-%d", nd + 1);
			snprintf(l->to, sizeof l->to, "DST-%02d", t + 1);
			l->transit_days = (int)range(r, 1, 4);
			l->cost = eur(r, 1, 15);
			l->capacity = -1;
		}
	}
	p->nlanes = k;
}

double pg_capacity_scale(void)
{
	const char *c = getenv("BENCH_PLAN_CAPACITY");

	return c && strcmp(c, "tight") == 0 ? 1 : 10;
}

/* Node throughput from the supplies' tonnage (see plan_gen.h). */
static void set_throughput(struct plan_problem *p, double tonnes)
{
	double per_day = tonnes / PG_YEAR / PG_NODES * pg_capacity_scale();

	for (int i = 0; i < PG_NODES; i++) {
		double t = (double)(long)(per_day * node_factor[i] + 0.5);
		p->sites[i].throughput = t < 1 ? 1 : t;
	}
}

int pg_generate(size_t lines, struct plan_problem *p)
{
	struct rng r = {PG_SEED};
	struct group *groups = NULL;
	struct supply_ref *ref = NULL;
	double units[PG_DEPOTS], tonnes;
	int rc = -1;

	memset(p, 0, sizeof *p);
	if (lines < 2)
		return -1;
	p->as_of = PG_AS_OF;
	p->nitems = lines / 50 < 20 ? 20 : lines / 50;
	p->nsupplies = lines / 2;
	p->ndemands = lines - p->nsupplies;
	p->sites = calloc(PG_NODES + PG_DEPOTS + PG_DESTS, sizeof *p->sites);
	p->lanes = calloc(PG_DEPOTS * 3 + PG_NODES * PG_DESTS, sizeof *p->lanes);
	p->items = calloc(p->nitems, sizeof *p->items);
	p->supplies = calloc(p->nsupplies, sizeof *p->supplies);
	p->demands = calloc(p->ndemands, sizeof *p->demands);
	groups = calloc(p->nitems / 3 + 1, sizeof *groups);
	ref = calloc(p->nsupplies, sizeof *ref);
	if (!p->sites || !p->lanes || !p->items || !p->supplies || !p->demands || !groups ||
	    !ref) {
		pg_free(p);
		goto done;
	}
	make_sites(p);
	size_t ngroups = make_items(&r, p, groups);
	double demand = make_demands(&r, p, groups, ngroups);
	make_supplies(&r, p, ref, 0.9 * demand, units, &tonnes);
	make_lanes(&r, p, units);
	set_throughput(p, tonnes);
	rc = 0;
done:
	free(groups);
	free(ref);
	return rc;
}

void pg_free(struct plan_problem *p)
{
	free(p->sites);
	free(p->lanes);
	free(p->items);
	free(p->supplies);
	free(p->demands);
	memset(p, 0, sizeof *p);
}

int pg_write_json(const struct plan_problem *p, const char *path, char *err, size_t errlen)
{
	json_t *j = plan_problem_to_json(p);
	int rc = -1;

	if (!j) {
		snprintf(err, errlen, "plan_problem_to_json failed");
		return -1;
	}
	if (json_dump_file(j, path, JSON_COMPACT) != 0)
		snprintf(err, errlen, "%s: cannot write", path);
	else
		rc = 0;
	json_decref(j);
	return rc;
}
