/* sql.c - SQL text for generic record operations; see sql.h. */
#include "sql.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void add(struct sql *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct sql *q, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!q->ok)
		return;
	va_start(ap, fmt);
	n = vsnprintf(q->text + q->len, SQL_MAX - q->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= SQL_MAX - q->len)
		q->ok = false;
	else
		q->len += (size_t)n;
}

/* Append @s as is.  The builders run for every statement (a batch of
 * events inserts 10 000 rows), so the common pieces avoid printf. */
static void put(struct sql *q, const char *s)
{
	size_t n = strlen(s);

	if (!q->ok)
		return;
	if (n >= SQL_MAX - q->len) {
		q->ok = false;
		return;
	}
	memcpy(q->text + q->len, s, n + 1);
	q->len += n;
}

/* The next parameter's placeholder: ?N or $N. */
static void param(struct sql *q)
{
	char buf[16], *p = buf + sizeof buf;
	int n = ++q->nparams;

	*--p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	*--p = q->dialect == SQL_PG ? '$' : '?';
	put(q, p);
}

static void start(struct sql *q, enum sql_dialect d)
{
	q->dialect = d;
	q->len = 0;
	q->nparams = 0;
	q->ok = true;
	q->text[0] = '\0';
}

static void columns(struct sql *q, const struct espec *e)
{
	for (size_t i = 0; i < e->nfields; i++) {
		if (i)
			put(q, ",");
		put(q, e->fields[i].name);
	}
}

bool sql_field_of(const struct espec *e, const struct fspec *f)
{
	return f >= e->fields && f < e->fields + e->nfields;
}

bool sql_rec_get(struct sql *q, enum sql_dialect d, const struct espec *e)
{
	start(q, d);
	add(q, "SELECT ");
	columns(q, e);
	add(q, " FROM %s WHERE %s=", e->table, e->key);
	param(q);
	return q->ok;
}

bool sql_rec_list(struct sql *q, enum sql_dialect d, const struct espec *e,
		  const struct store_query *query)
{
	start(q, d);
	add(q, "SELECT ");
	columns(q, e);
	add(q, " FROM %s WHERE TRUE", e->table);
	for (size_t i = 0; i < query->nfilters; i++) {
		const struct store_filter *f = &query->filters[i];

		if (!sql_field_of(e, f->field))
			return false;
		if (json_is_null(f->value)) {
			add(q, " AND %s IS %sNULL", f->field->name, f->not_equal ? "NOT " : "");
		} else {
			add(q, " AND %s%s", f->field->name, f->not_equal ? "<>" : "=");
			param(q);
		}
	}
	if (query->after) {
		add(q, " AND %s>", e->key);
		param(q);
	}
	/* Keys compare bytewise on every backend (PostgreSQL declares key
	 * columns COLLATE "C"), so pages follow the same order everywhere. */
	add(q, " ORDER BY %s LIMIT ", e->key);
	param(q);
	return q->ok;
}

bool sql_rec_insert(struct sql *q, enum sql_dialect d, const struct espec *e)
{
	start(q, d);
	add(q, "INSERT INTO %s(", e->table);
	columns(q, e);
	add(q, ") VALUES(");
	for (size_t i = 0; i < e->nfields; i++) {
		if (i)
			put(q, ",");
		param(q);
	}
	put(q, ")");
	return q->ok;
}

bool sql_rec_update(struct sql *q, enum sql_dialect d, const struct espec *e)
{
	start(q, d);
	add(q, "UPDATE %s SET ", e->table);
	for (size_t i = 0; i < e->nfields; i++) {
		if (i)
			put(q, ",");
		put(q, e->fields[i].name);
		put(q, "=");
		param(q);
	}
	add(q, " WHERE %s=", e->key);
	param(q);
	add(q, " AND version=");
	param(q);
	return q->ok;
}

bool sql_rec_delete(struct sql *q, enum sql_dialect d, const struct espec *e)
{
	start(q, d);
	add(q, "DELETE FROM %s WHERE %s=", e->table, e->key);
	param(q);
	add(q, " AND version=");
	param(q);
	return q->ok;
}
