/* sql.c - SQL text for generic record operations and the audit list; see sql.h. */
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

/* One condition "column op ?": the column is ours, the value a parameter. */
static void cond_text(struct sql *q, const char *column, const char *op, const char *value,
		      struct sql_arg *args)
{
	add(q, " AND %s%s", column, op);
	param(q);
	args[q->nparams - 1] = (struct sql_arg){.text = value};
}

static void cond_num(struct sql *q, const char *op, int64_t value, struct sql_arg *args)
{
	add(q, " AND seq%s", op);
	param(q);
	args[q->nparams - 1] = (struct sql_arg){.num = value};
}

/* " ORDER BY @col[ DESC]". */
static void order_by(struct sql *q, const char *col, bool desc)
{
	put(q, " ORDER BY ");
	put(q, col);
	if (desc)
		put(q, " DESC");
}

bool sql_audit_scan(struct sql *q, enum sql_dialect d, const struct store_audit_query *aq,
		    struct sql_arg *args, int *nargs)
{
	/* Times compare as text.  PostgreSQL compares text in the database's
	 * collation, which need not be bytewise; the index audit_at is
	 * declared COLLATE "C" (migration 8) to serve this comparison. */
	const char *at = d == SQL_PG ? "at COLLATE \"C\"" : "at";
	bool equal = aq->actor || aq->action || aq->entity || aq->entity_id;
	/*
	 * With an equality filter its index (migration 8: column, seq) is
	 * walked in seq order from the cursor on, and a time range only
	 * filters.  A time range alone is different: walking seq would read
	 * every record between the newest (or oldest) and the range, and no
	 * planner can tell how many that is.  So the range's seqs are read
	 * from audit_at alone (SQLite's index holds the rowid; PostgreSQL's is
	 * on (at, seq)), the page's seqs are kept, and only those rows are
	 * read.  SQLite is told the index; PostgreSQL orders by seq + 0, which
	 * no index gives, so that it does not walk the primary key instead.
	 */
	bool by_time = (aq->at_min || aq->at_max) && !equal;

	start(q, d);
	put(q, "SELECT seq, at, actor, action, entity, entity_id, before, after, prev_hash,"
	       " hash FROM audit WHERE ");
	if (by_time)
		put(q, d == SQL_PG ? "seq IN (SELECT seq FROM audit WHERE "
				   : "seq IN (SELECT seq FROM audit INDEXED BY audit_at WHERE ");
	put(q, "TRUE");
	if (aq->actor)
		cond_text(q, "actor", "=", aq->actor, args);
	if (aq->action)
		cond_text(q, "action", "=", aq->action, args);
	if (aq->entity)
		cond_text(q, "entity", "=", aq->entity, args);
	if (aq->entity_id)
		cond_text(q, "entity_id", "=", aq->entity_id, args);
	if (aq->at_min)
		cond_text(q, at, ">=", aq->at_min, args);
	if (aq->at_max)
		cond_text(q, at, "<=", aq->at_max, args);
	if (aq->seq_min)
		cond_num(q, ">=", aq->seq_min, args);
	if (aq->seq_max)
		cond_num(q, "<=", aq->seq_max, args);
	if (aq->after)
		cond_num(q, aq->desc ? "<" : ">", aq->after, args);
	*nargs = q->nparams;
	if (by_time)
		order_by(q, d == SQL_PG ? "seq + 0" : "seq", aq->desc);
	else
		order_by(q, "seq", aq->desc);
	put(q, " LIMIT ");
	param(q);
	if (by_time) {
		put(q, ")");
		order_by(q, "seq", aq->desc);
	}
	return q->ok;
}
