/*
 * tally.h - arithmetic the transfer reports share (enduse.c, nodes.c,
 * repairs.c): calendar days and instants as numbers, medians, rounding,
 * sorting rows, and reading a table whole.  Internal to src/svc.
 *
 * Times are the text the store keeps ("YYYY-MM-DDTHH:MM:SS[.mmm]Z", UTC)
 * and dates "YYYY-MM-DD"; both are validated on the way in, so a parse
 * failure here means a damaged row and the callers skip it.
 */
#ifndef NSATU_SVC_TALLY_H
#define NSATU_SVC_TALLY_H

#include "internal.h"

#define TALLY_DAY_MS 86400000LL

/* Days since 1970-01-01 of the date at the start of @s (a date or an
 * instant).  false when @s does not start with a real date. */
bool tally_days(const char *s, int64_t *days);
/* The date @days after 1970-01-01 into @out. */
void tally_date(int64_t days, char out[11]);
/* Milliseconds since the epoch of the instant @s.  false when malformed. */
bool tally_ms(const char *s, int64_t *ms);

/* Today (UTC) as YYYY-MM-DD. */
void tally_today(char out[11]);

/* @v rounded to @places decimals. */
double tally_round(double v, int places);

/*
 * {"count", "average", "median", "max"} of the @n values in @v (sorted in
 * place), rounded to @places; the three figures are null when @n is 0.
 * A new reference, or NULL on OOM.
 */
json_t *tally_stats(double *v, size_t n, int places);

/* A growing array of doubles; zero-initialise, free with tally_free. */
struct tally {
	double *v;
	size_t n, cap;
	bool failed;   /* an allocation failed: the caller answers ST_INTERNAL */
};
void tally_add(struct tally *t, double v);
void tally_free(struct tally *t);

/* Sort the array @rows in place with @cmp (over json_t * elements). */
int tally_sort(json_t *rows, int (*cmp)(const void *, const void *));


/* The records of @e the principal @p may see (its scope field, if any,
 * filtered by the store), optionally also @field = @value. */
int tally_rows_in_scope(struct store_tx *tx, const struct principal *p, const struct espec *e,
			const char *field, const json_t *value, json_t **rows);

/* An object of @e's records by key (for look-ups), new in *@out. */
int tally_index(struct store_tx *tx, const struct espec *e, json_t **out);

/* The row of @key in @groups (an object of rows), made from @fields
 * (stolen) on first use; borrowed; NULL on OOM. */
json_t *tally_group(json_t *groups, const char *key, json_t *fields);
/* The rows of @groups as a new array, each passed to @finish (when not
 * NULL), sorted with @cmp; NULL on OOM. */
json_t *tally_group_rows(json_t *groups, void (*finish)(json_t *row),
			 int (*cmp)(const void *, const void *));

#endif
