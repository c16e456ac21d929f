/*
 * sql.h - SQL text for the generic record operations and the audit
 * trail's listing, shared by the backends of src/store (internal to this
 * module).
 *
 * Statements are built from an entity's field spec: the table and columns
 * are named as the spec says, parameters are numbered in order of
 * appearance.  Field names come from the compiled-in specs, never from
 * input, so the text is safe to build.
 */
#ifndef NSATU_STORE_SQL_H
#define NSATU_STORE_SQL_H

#include "store.h"

#include <stdbool.h>
#include <stdint.h>

enum sql_dialect {
	SQL_SQLITE,  /* parameters ?1, ?2, ... */
	SQL_PG,      /* parameters $1, $2, ... */
};

#define SQL_MAX 2048

struct sql {
	enum sql_dialect dialect;
	char text[SQL_MAX];
	size_t len;
	int nparams;   /* parameters used so far */
	bool ok;       /* false once the text overflowed */
};

/* SELECT all columns WHERE key = $1. */
bool sql_rec_get(struct sql *q, enum sql_dialect d, const struct espec *e);
/* SELECT all columns with the query's non-null filters as parameters in
 * order, then the cursor key (if q->after), then the limit. */
bool sql_rec_list(struct sql *q, enum sql_dialect d, const struct espec *e,
		  const struct store_query *query);
/* INSERT all columns, parameters in spec order. */
bool sql_rec_insert(struct sql *q, enum sql_dialect d, const struct espec *e);
/* UPDATE all columns (spec order), WHERE key = $n+1 AND version = $n+2. */
bool sql_rec_update(struct sql *q, enum sql_dialect d, const struct espec *e);
/* DELETE WHERE key = $1 AND version = $2. */
bool sql_rec_delete(struct sql *q, enum sql_dialect d, const struct espec *e);

/* One parameter of a statement: text, or (when @text is NULL) a number. */
struct sql_arg {
	const char *text;
	int64_t num;
};

#define SQL_AUDIT_ARGS 10

/*
 * SELECT the audit records @aq selects, every column, in its order: a
 * condition only for what @aq gives, so that each combination is planned
 * on its own.  The parameters go to @args (*@nargs of them, at most
 * SQL_AUDIT_ARGS); the LIMIT is parameter *@nargs + 1, for the backend to
 * bind (SQLite: -1 for none).
 */
bool sql_audit_scan(struct sql *q, enum sql_dialect d, const struct store_audit_query *aq,
		    struct sql_arg *args, int *nargs);

/* true when @f is one of @e's fields (not another entity's). */
bool sql_field_of(const struct espec *e, const struct fspec *f);

#endif
