/*
 * tally.c - arithmetic the transfer reports share: see tally.h.
 *
 * Calendar arithmetic is done on day numbers (days since 1970-01-01, the
 * proleptic Gregorian calendar, H. Hinnant's civil-date algorithms)
 * rather than with timegm(), so that it needs no locale, no time zone and
 * no libc extension, and is exact for any date the field specs accept.
 */
#include "tally.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* @n decimal digits at @s as a number; false when one is not a digit. */
static bool digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static int64_t from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

bool tally_days(const char *s, int64_t *days)
{
	char date[11];
	int y, m, d;

	if (!s || strlen(s) < 10)
		return false;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (check_date(date) || !digits(date, 4, &y) || !digits(date + 5, 2, &m) ||
	    !digits(date + 8, 2, &d))
		return false;
	*days = from_civil(y, m, d);
	return true;
}

void tally_date(int64_t days, char out[11])
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	long long y = yoe + era * 400 + (m <= 2);
	char buf[32];

	snprintf(buf, sizeof buf, "%04lld-%02d-%02d", y, m, d);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

bool tally_ms(const char *s, int64_t *ms)
{
	int64_t days;
	int h, mi, sec, milli = 0;

	if (!tally_days(s, &days) || strlen(s) < 20 || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) ||
	    !digits(s + 17, 2, &sec))
		return false;
	if (s[19] == '.' && !digits(s + 20, 3, &milli))
		return false;
	*ms = days * TALLY_DAY_MS + ((int64_t)h * 3600 + mi * 60 + sec) * 1000 + milli;
	return true;
}

void tally_today(char out[11])
{
	int64_t now = svc_now_ms();

	tally_date(now / TALLY_DAY_MS, out);
}

double tally_round(double v, int places)
{
	double f = pow(10, places);

	return round(v * f) / f;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

json_t *tally_stats(double *v, size_t n, int places)
{
	double sum = 0;

	if (n == 0)
		return json_pack("{s:i, s:n, s:n, s:n}", "count", 0, "average", "median", "max");
	qsort(v, n, sizeof *v, by_value);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return json_pack("{s:I, s:f, s:f, s:f}", "count", (json_int_t)n, "average",
			 tally_round(sum / (double)n, places), "median",
			 tally_round(median, places), "max", tally_round(v[n - 1], places));
}

void tally_add(struct tally *t, double v)
{
	if (t->failed)
		return;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		double *grown = realloc(t->v, cap * sizeof *grown);
		if (!grown) {
			t->failed = true;
			return;
		}
		t->v = grown;
		t->cap = cap;
	}
	t->v[t->n++] = v;
}

void tally_free(struct tally *t)
{
	free(t->v);
	memset(t, 0, sizeof *t);
}

int tally_sort(json_t *rows, int (*cmp)(const void *, const void *))
{
	size_t n = json_array_size(rows);
	json_t **v;

	if (n < 2)
		return ST_OK;
	if (!(v = malloc(n * sizeof *v)))
		return ST_INTERNAL;
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(rows, i));
	qsort(v, n, sizeof *v, cmp);
	json_array_clear(rows);
	int rc = ST_OK;
	for (size_t i = 0; i < n; i++) {
		if (json_array_append_new(rows, v[i]) != 0)
			rc = ST_INTERNAL;
	}
	free(v);
	return rc;
}

int tally_rows_in_scope(struct store_tx *tx, const struct principal *p, const struct espec *e,
			const char *field, const json_t *value, json_t **rows)
{
	struct store_filter f[2];
	const char *scope_value;
	bool deny;
	const char *scope = svc_scope_field(p, e, &scope_value, &deny);
	json_t *sv = NULL;
	size_t nf = 0;
	int rc;

	*rows = NULL;
	/* Bound to a nation or site the entity does not carry, or to none: nothing. */
	if (deny || (scope && !*scope_value)) {
		*rows = json_array();
		return *rows ? ST_OK : ST_INTERNAL;
	}
	if (field)
		f[nf++] = (struct store_filter){espec_field(e, field), value, false};
	if (scope) {
		if (!(sv = json_string(scope_value)))
			return ST_INTERNAL;
		f[nf++] = (struct store_filter){espec_field(e, scope), sv, false};
	}
	struct store_query q = {f, nf, NULL, 100000000};
	rc = store_rec_list(tx, e, &q, rows);
	json_decref(sv);
	return rc;
}

int tally_index(struct store_tx *tx, const struct espec *e, json_t **out)
{
	json_t *rows = NULL, *r, *index;
	size_t i;
	int rc = svc_rows(tx, e, NULL, NULL, &rows);

	*out = NULL;
	if (rc != ST_OK)
		return rc;
	if (!(index = json_object())) {
		json_decref(rows);
		return ST_INTERNAL;
	}
	json_array_foreach(rows, i, r) {
		if (json_object_set(index, json_string_value(json_object_get(r, e->key)), r) != 0)
			rc = ST_INTERNAL;
	}
	json_decref(rows);
	if (rc == ST_OK)
		*out = index;
	else
		json_decref(index);
	return rc;
}

json_t *tally_group(json_t *groups, const char *key, json_t *fields)
{
	json_t *row = json_object_get(groups, key);

	if (row) {
		json_decref(fields);
		return row;
	}
	if (!fields || json_object_set_new(groups, key, fields) != 0)
		return NULL;
	return fields;
}

json_t *tally_group_rows(json_t *groups, void (*finish)(json_t *row),
			 int (*cmp)(const void *, const void *))
{
	json_t *rows = json_array(), *row;
	const char *key;

	if (!rows)
		return NULL;
	json_object_foreach(groups, key, row) {
		if (finish)
			finish(row);
		if (json_array_append(rows, row) != 0)
			goto fail;
	}
	if (tally_sort(rows, cmp) == ST_OK)
		return rows;
fail:
	json_decref(rows);
	return NULL;
}
