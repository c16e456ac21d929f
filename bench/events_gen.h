/*
 * events_gen.h - the deterministic custody-event stream of `make
 * bench-events`, shared by the API client (events_client.c) and the
 * direct SQLite baseline (events_direct.c) so that both write the same
 * rows: the same ids, times, sites, shipments, lines and quantities.
 *
 * The stream is a function of a plan file (written by `bench-events-client
 * seed`: the shipments and lines it created, and a start time) and of the
 * event's index i:
 *
 *   - events come in batches of EG_BATCH; batch b carries the whole life of
 *     its own EG_SHIPS_PER_BATCH shipments (b * 20 ... b * 20 + 19), their
 *     events interleaved round-robin (event k of the batch is step k / 20 of
 *     shipment k % 20), so that each shipment's events stay in causal order
 *     and batches are independent of each other (two connections may send
 *     them in any order);
 *   - each shipment has EG_PER_SHIP steps (see eg_step below): per-pallet
 *     scans of its non-serialized line from dispatch to receipt, the
 *     serialized line's dispatch, hand-over and receipt, and inventory
 *     checks of its serialized assets after receipt;
 *   - event i happens at t0 + i * EG_STEP_MS, so times grow with the index
 *     and are in the past when the plan's t0 is far enough back;
 *   - ids are UUIDv7 (48-bit millisecond timestamp = the event's time, then
 *     random bits from a counter-based generator), so they grow with the
 *     index too and a unique index on them is filled at its end; or, for
 *     the v4 round, random UUIDv4s from the same generator.
 *
 * Header-only, no allocation except eg_plan_load; no snprintf on the hot
 * path (a million events are made per round).
 */
#ifndef NSATU_BENCH_EVENTS_GEN_H
#define NSATU_BENCH_EVENTS_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EG_BATCH 10000         /* events per request / per transaction */
#define EG_PER_SHIP 500        /* events per shipment */
#define EG_SHIPS_PER_BATCH (EG_BATCH / EG_PER_SHIP)
#define EG_PALLETS 60          /* scans of the bulk line per stage */
#define EG_PALLET_MAX 40       /* units per pallet: 1 .. 40 */
#define EG_SERIALS 11          /* serialized assets per shipment */
#define EG_STEP_MS 500         /* time between consecutive events */

/* One shipment of the plan (ids as the server made them). */
struct eg_ship {
	char id[48];     /* SHP-... */
	char line[48];   /* the bulk (non-serialized) line */
	char sline[48];  /* the serialized line */
	char origin[25], node[25], hp[25], dest[25];
};

struct eg_plan {
	int64_t t0_ms;          /* time of event 0 */
	uint64_t seed;          /* of the random bits of ids */
	char nation[4];         /* the shipments' nation */
	char item[25];          /* the bulk line's item */
	char sitem[25];         /* the serialized line's item */
	char recorded_by[64];   /* who sends the events (the API login) */
	size_t nships;
	struct eg_ship *ships;  /* owned: free with eg_plan_free */
};

/* One event; the strings point into the plan or into the event itself. */
struct eg_event {
	char id[37];
	char at[25];          /* YYYY-MM-DDTHH:MM:SS.mmmZ */
	const char *type;
	const char *site;
	const char *shipment;
	const char *line;     /* NULL: the whole shipment */
	const char *item;     /* with serial; NULL otherwise */
	char serial[32];      /* "" when none */
	long long quantity;   /* 0: absent */
};

/* ---- Random bits: splitmix64 of a counter. ---------------------------- */

static inline uint64_t eg_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Units on pallet @p of shipment @s: 1 .. EG_PALLET_MAX. */
static inline long long eg_pallet_qty(size_t s, int p)
{
	return 1 + (long long)(eg_mix(((uint64_t)s << 8) ^ (uint64_t)p ^ 0x51ed270b5ULL) %
			       EG_PALLET_MAX);
}

/* Units of the bulk line that shipment @s dispatches in all: its line's
 * quantity, so that the line closes with its last receipt. */
static inline long long eg_ship_total(size_t s)
{
	long long sum = 0;

	for (int p = 0; p < EG_PALLETS; p++)
		sum += eg_pallet_qty(s, p);
	return sum;
}

/* Serial @k (0-based) of shipment @s: "BX0000120-07". */
static inline void eg_serial(size_t s, int k, char out[32])
{
	char *p = out;
	*p++ = 'B';
	*p++ = 'X';
	for (int d = 6; d >= 0; d--) {
		uint64_t div = 1;
		for (int j = 0; j < d; j++)
			div *= 10;
		*p++ = (char)('0' + (s / div) % 10);
	}
	*p++ = '-';
	*p++ = (char)('0' + k / 10 % 10);
	*p++ = (char)('0' + k % 10);
	*p = '\0';
}

/* ---- Text: UUIDs and times. --------------------------------------------- */

static inline void eg_hex(const unsigned char b[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 15];
	}
	*p = '\0';
}

/* UUIDv7: 48-bit ms timestamp, version 7, 12 + 62 random bits. */
static inline void eg_uuid7(int64_t ms, uint64_t r1, uint64_t r2, char out[37])
{
	unsigned char b[16];

	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)((uint64_t)ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | (r1 & 0x0f));
	b[7] = (unsigned char)(r1 >> 8);
	for (int i = 0; i < 8; i++)
		b[8 + i] = (unsigned char)(r2 >> (56 - 8 * i));
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
	eg_hex(b, out);
}

/* UUIDv4: 122 random bits. */
static inline void eg_uuid4(uint64_t r1, uint64_t r2, char out[37])
{
	unsigned char b[16];

	for (int i = 0; i < 8; i++) {
		b[i] = (unsigned char)(r1 >> (56 - 8 * i));
		b[8 + i] = (unsigned char)(r2 >> (56 - 8 * i));
	}
	b[6] = (unsigned char)(0x40 | (b[6] & 0x0f));
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
	eg_hex(b, out);
}

static inline void eg_digits(char *p, long long v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
}

/* @ms (after 1970) as YYYY-MM-DDTHH:MM:SS.mmmZ (civil-from-days). */
static inline void eg_time(int64_t ms, char out[25])
{
	int64_t secs = ms / 1000, days = secs / 86400, rem = secs % 86400;
	int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);

	eg_digits(out, y, 4);
	out[4] = '-';
	eg_digits(out + 5, m, 2);
	out[7] = '-';
	eg_digits(out + 8, d, 2);
	out[10] = 'T';
	eg_digits(out + 11, rem / 3600, 2);
	out[13] = ':';
	eg_digits(out + 14, rem % 3600 / 60, 2);
	out[16] = ':';
	eg_digits(out + 17, rem % 60, 2);
	out[19] = '.';
	eg_digits(out + 20, ms % 1000, 3);
	out[23] = 'Z';
	out[24] = '\0';
}

/* ---- The stream. ----------------------------------------------------------- */

/* Shipments a stream of events [0, @n) needs. */
static inline size_t eg_ships_for(uint64_t n)
{
	return (size_t)((n + EG_PER_SHIP - 1) / EG_PER_SHIP);
}

/*
 * Step @step (0 .. EG_PER_SHIP-1) of shipment @s.  The bulk line moves as
 * EG_PALLETS pallet scans per stage; the serialized line as a whole; then
 * the receiving unit checks its serialized assets again and again:
 *
 *     0 ..  59  dispatched at the origin, bulk line, one pallet each
 *    60         dispatched at the origin, serialized line (all its units)
 *    61 .. 120  arrived at the logistics node, bulk line, one pallet each
 *   121 .. 180  departed from the node, bulk line, one pallet each
 *   181 .. 240  arrived at the hand-over point, bulk line, one pallet each
 *   241 .. 300  handed_over at the hand-over point, bulk line, one pallet each
 *   301         handed_over, serialized line
 *   302 .. 361  arrived at the destination, bulk line, one pallet each
 *   362 .. 421  received at the destination, bulk line, one pallet each
 *   422         received, serialized line
 *   423 .. 499  inventory_check at the destination, item + serial
 *               (77 checks: 7 of each of the 11 assets, 15 % of the stream)
 */
static inline void eg_step(const struct eg_plan *pl, size_t s, int step, struct eg_event *ev)
{
	const struct eg_ship *sh = &pl->ships[s];
	static const struct {
		int from, to;        /* steps [from, to) */
		const char *type;
		int where;           /* 0 origin, 1 node, 2 hand-over point, 3 destination */
		int line;            /* 0 bulk (per pallet), 1 serialized, 2 inventory check */
	} stages[] = {
		{0, 60, "dispatched", 0, 0},    {60, 61, "dispatched", 0, 1},
		{61, 121, "arrived", 1, 0},     {121, 181, "departed", 1, 0},
		{181, 241, "arrived", 2, 0},    {241, 301, "handed_over", 2, 0},
		{301, 302, "handed_over", 2, 1}, {302, 362, "arrived", 3, 0},
		{362, 422, "received", 3, 0},   {422, 423, "received", 3, 1},
		{423, 500, "inventory_check", 3, 2},
	};
	size_t i = 0;

	while (i + 1 < sizeof stages / sizeof *stages && step >= stages[i].to)
		i++;
	const char *sites[] = {sh->origin, sh->node, sh->hp, sh->dest};
	ev->type = stages[i].type;
	ev->site = sites[stages[i].where];
	ev->shipment = sh->id;
	ev->line = NULL;
	ev->item = NULL;
	ev->serial[0] = '\0';
	ev->quantity = 0;
	switch (stages[i].line) {
	case 0:
		ev->line = sh->line;
		ev->quantity = eg_pallet_qty(s, step - stages[i].from);
		break;
	case 1:
		ev->line = sh->sline;
		break;
	default:
		ev->shipment = NULL;
		ev->item = pl->sitem;
		eg_serial(s, (step - stages[i].from) % EG_SERIALS, ev->serial);
		break;
	}
}

/* Event @i of the stream, with a UUIDv7 id, or a UUIDv4 one when @v4. */
static inline void eg_event(const struct eg_plan *pl, uint64_t i, bool v4, struct eg_event *ev)
{
	uint64_t b = i / EG_BATCH, k = i % EG_BATCH;
	size_t s = (size_t)(b * EG_SHIPS_PER_BATCH + k % EG_SHIPS_PER_BATCH);
	int64_t ms = pl->t0_ms + (int64_t)i * EG_STEP_MS;
	uint64_t r1 = eg_mix(pl->seed ^ (i << 1)), r2 = eg_mix(pl->seed ^ (i << 1) ^ 1);

	eg_step(pl, s, (int)(k / EG_SHIPS_PER_BATCH), ev);
	eg_time(ms, ev->at);
	if (v4)
		eg_uuid4(r1, r2, ev->id);
	else
		eg_uuid7(ms, r1, r2, ev->id);
}

/* ---- The plan file. ---------------------------------------------------------
 *
 *   nsatu-bench-events 1
 *   t0 <ms> seed <n> nation <ISO3> item <code> sitem <code> recorded_by <user>
 *   ships <n>
 *   <shipment> <bulk line> <serialized line> <origin> <node> <hand-over> <destination>
 *   ...
 */

static inline void eg_plan_free(struct eg_plan *pl)
{
	free(pl->ships);
	memset(pl, 0, sizeof *pl);
}

/* Read @path into @pl; 0 on success, -1 with a message on stderr. */
static inline int eg_plan_load(const char *path, struct eg_plan *pl)
{
	FILE *f = fopen(path, "r");
	unsigned long long t0, seed, n;
	int version = 0;

	memset(pl, 0, sizeof *pl);
	if (!f) {
		fprintf(stderr, "bench-events: cannot open %s\n", path);
		return -1;
	}
	if (fscanf(f, "nsatu-bench-events %d t0 %llu seed %llu nation %3s item %24s sitem %24s "
		      "recorded_by %63s ships %llu",
		   &version, &t0, &seed, pl->nation, pl->item, pl->sitem, pl->recorded_by,
		   &n) != 8 ||
	    version != 1 || n == 0 || n > 10000000) {
		fprintf(stderr, "bench-events: %s is not a plan file\n", path);
		goto fail;
	}
	pl->t0_ms = (int64_t)t0;
	pl->seed = seed;
	pl->nships = (size_t)n;
	if (!(pl->ships = calloc(pl->nships, sizeof *pl->ships))) {
		fprintf(stderr, "bench-events: out of memory\n");
		goto fail;
	}
	for (size_t i = 0; i < pl->nships; i++) {
		struct eg_ship *s = &pl->ships[i];
		if (fscanf(f, "%47s %47s %47s %24s %24s %24s %24s", s->id, s->line, s->sline,
			   s->origin, s->node, s->hp, s->dest) != 7) {
			fprintf(stderr, "bench-events: %s: shipment %zu is cut short\n", path, i);
			goto fail;
		}
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	eg_plan_free(pl);
	return -1;
}

/* Write @pl to @path; 0 on success. */
static inline int eg_plan_save(const char *path, const struct eg_plan *pl)
{
	FILE *f = fopen(path, "w");
	int bad;

	if (!f)
		return -1;
	fprintf(f, "nsatu-bench-events 1\nt0 %llu seed %llu nation %s item %s sitem %s "
		   "recorded_by %s\nships %zu\n",
		(unsigned long long)pl->t0_ms, (unsigned long long)pl->seed, pl->nation, pl->item,
		pl->sitem, pl->recorded_by, pl->nships);
	for (size_t i = 0; i < pl->nships; i++) {
		const struct eg_ship *s = &pl->ships[i];
		fprintf(f, "%s %s %s %s %s %s %s\n", s->id, s->line, s->sline, s->origin, s->node,
			s->hp, s->dest);
	}
	bad = ferror(f);
	return fclose(f) != 0 || bad ? -1 : 0;
}

#endif
