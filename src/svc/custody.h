/*
 * custody.h - the state that custody events act on, shared by events.c
 * (the batch: validation, storage, replays) and custody.c (what each event
 * does to shipments, legs, lines and assets).  Internal to src/svc.
 */
#ifndef NSATU_SVC_CUSTODY_H
#define NSATU_SVC_CUSTODY_H

#include "internal.h"

/*
 * One transaction's working set.  Records are loaded once, changed in
 * memory as events apply, and written back once at the end (flush): a
 * batch of 10 000 scans of one shipment updates its line once, not 10 000
 * times.  Every cache maps a key to a record object (owned by the cache).
 */
struct custody {
	struct store_tx *tx;
	json_t *sites, *items, *shipments, *lines, *assets;  /* assets by "item\x1fserial" */
	json_t *ship_lines;   /* shipment id -> array of its line records */
	json_t *ship_legs;    /* shipment id -> array of its leg records */
	json_t *ship_assets;  /* shipment id -> array of the asset records on it */
	json_t *dirty;        /* "<entity name>\x1f<key>" -> record to write back */
	char now[32];         /* recorded_at of this batch */
};

/* Zero @c and make its caches; ST_INTERNAL on OOM.  custody_done frees. */
int custody_init(struct custody *c, struct store_tx *tx, const char *now);
void custody_done(struct custody *c);

/* Cached records (borrowed references); ST_NOT_FOUND when absent. */
int custody_site(struct custody *c, const char *code, json_t **out);
int custody_item(struct custody *c, const char *code, json_t **out);
int custody_shipment(struct custody *c, const char *id, json_t **out);
int custody_line(struct custody *c, const char *id, json_t **out);
int custody_asset(struct custody *c, const char *item, const char *serial, json_t **out);
/* The lines, legs and assets of a cached shipment (borrowed arrays). */
int custody_lines_of(struct custody *c, const json_t *ship, json_t **out);
int custody_legs_of(struct custody *c, const json_t *ship, json_t **out);
int custody_assets_of(struct custody *c, const json_t *ship, json_t **out);

/* Mark @rec of @e changed, to be written back by custody_flush. */
int custody_touch(struct custody *c, const struct espec *e, json_t *rec);
/* Write every changed record back (version + 1 each). */
int custody_flush(struct custody *c);

/*
 * Apply one stored event @ev to the working set: its effect on the
 * shipment, legs, lines and assets.  ST_INVALID or ST_CONFLICT with @err
 * when the event contradicts the state (e.g. more received than is in
 * transit is fine -- it is "over" -- but dispatching beyond the line is not).
 */
int custody_apply(struct custody *c, const json_t *ev, struct verr *err);

/*
 * Work out shipment @ship_id and its assets again from their events, every
 * event but those corrected by another: after a correction.  @err names
 * the event that no longer fits, if one does not.
 */
int custody_rebuild(struct custody *c, const char *ship_id, struct verr *err);

/* The date @days after the date part of @at, into @out ("YYYY-MM-DD"). */
void custody_date_plus(const char *at, int days, char out[11]);

#endif
