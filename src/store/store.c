/*
 * store.c - backend selection and the one transaction runner.
 */
#include "store.h"

#include "log/log.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

static const struct backend {
	const char *prefix;   /* URL prefix that selects the backend */
	const struct store_ops *ops;
	size_t strip;         /* bytes of prefix to drop before open() */
} backends[] = {
	{"sqlite:", &store_sqlite_ops, 7},
	{"postgresql://", &store_pg_ops, 0},
	{"postgres://", &store_pg_ops, 0},
};

int store_open(const char *url, unsigned max_conns, struct store **out,
	       char *errbuf, size_t errlen)
{
	*out = NULL;
	if (!url || !*url) {
		snprintf(errbuf, errlen, "no database given");
		return ST_INVALID;
	}
	for (size_t i = 0; i < sizeof backends / sizeof *backends; i++) {
		if (strncmp(url, backends[i].prefix, strlen(backends[i].prefix)) == 0)
			return backends[i].ops->open(url + backends[i].strip,
						     max_conns, out, errbuf, errlen);
	}
	if (strstr(url, "://")) {
		snprintf(errbuf, errlen, "unsupported database URL scheme in '%s'", url);
		return ST_INVALID;
	}
	/* A plain path is an SQLite file. */
	return store_sqlite_ops.open(url, max_conns, out, errbuf, errlen);
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

int store_migrate(struct store *s, int *applied, int *version)
{
	return s->ops->migrate(s, applied, version);
}

void store_stats(struct store *s, struct store_stats *out)
{
	memset(out, 0, sizeof *out);
	s->ops->stats(s, out);
}

int store_backup(struct store *s, const char *path, FILE *progress, char *errbuf,
		 size_t errlen)
{
	return s->ops->backup(s, path, progress, errbuf, errlen);
}

int store_restore(struct store *s, const char *path, FILE *progress, char *errbuf,
		  size_t errlen)
{
	return s->ops->restore(s, path, progress, errbuf, errlen);
}

static void backoff(int attempt)
{
	/* 1, 2, 4 ... ms with jitter, so that colliding writers spread out. */
	long ms = (1L << (attempt < 6 ? attempt : 6)) + rand() % 3;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

int store_run(struct store *s, enum store_mode mode, store_work_fn fn, void *arg)
{
	int rc = ST_RETRY;

	for (int attempt = 0; attempt < STORE_MAX_ATTEMPTS; attempt++) {
		struct store_tx *tx = NULL;

		if (attempt > 0)
			backoff(attempt);
		rc = s->ops->begin(s, mode, &tx);
		if (rc == ST_RETRY)
			continue;
		if (rc != ST_OK)
			return rc;
		rc = fn(tx, arg);
		if (rc == ST_OK) {
			rc = s->ops->commit(tx);
			if (rc == ST_OK)
				return ST_OK;
		} else {
			s->ops->rollback(tx);
		}
		if (rc != ST_RETRY)
			return rc;
	}
	log_msg(LOG_WARN, "transaction gave up", "still busy after %d attempts",
		STORE_MAX_ATTEMPTS);
	return rc;
}

json_t *store_row_json(const struct espec *e, const struct store_value *row)
{
	json_t *obj = json_object();

	for (size_t i = 0; obj && i < e->nfields; i++) {
		const struct store_value *v = &row[i];
		json_t *j;

		if (v->null) {
			j = json_null();
		} else {
			switch (e->fields[i].type) {
			case FT_INT: j = json_integer(v->i); break;
			case FT_NUMBER: j = json_real(v->d); break;
			case FT_BOOL: j = json_boolean(v->i); break;
			default: j = json_stringn(v->s, v->len); break;
			}
		}
		if (!j || json_object_set_new_nocheck(obj, e->fields[i].name, j) != 0) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

static int one_row(const struct espec *e, const struct store_value *row, void *arg)
{
	json_t **out = arg;

	*out = store_row_json(e, row);
	return 1;
}

int store_rec_get(struct store_tx *tx, const struct espec *e, const char *key,
		  json_t **out)
{
	int rc;

	*out = NULL;
	rc = tx->ops->rec_fetch(tx, e, key, one_row, out);
	if (rc == ST_OK && !*out)
		rc = ST_INTERNAL;
	if (rc != ST_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

struct list_acc {
	json_t *rows;
	bool failed;
};

static int append_row(const struct espec *e, const struct store_value *row, void *arg)
{
	struct list_acc *a = arg;
	json_t *obj = store_row_json(e, row);

	if (!obj || json_array_append_new(a->rows, obj) != 0) {
		a->failed = true;
		return 1;
	}
	return 0;
}

int store_rec_list(struct store_tx *tx, const struct espec *e,
		   const struct store_query *q, json_t **rows)
{
	struct list_acc a = {json_array(), false};
	int rc;

	*rows = NULL;
	if (!a.rows)
		return ST_INTERNAL;
	rc = tx->ops->rec_scan(tx, e, q, append_row, &a);
	if (rc == ST_OK && a.failed)
		rc = ST_INTERNAL;
	if (rc != ST_OK) {
		json_decref(a.rows);
		return rc;
	}
	*rows = a.rows;
	return ST_OK;
}

struct last_ctx {
	struct audit_rec *out;
	bool found;
};

static int take_first(const struct audit_rec *r, void *arg)
{
	struct last_ctx *c = arg;

	*c->out = *r;
	c->out->before = c->out->after = NULL;   /* the scan frees them */
	c->found = true;
	return 1;
}

int store_audit_last(struct store_tx *tx, const char *entity, const char *entity_id,
		     struct audit_rec *out)
{
	struct store_audit_query q = {
		.desc = true, .entity = entity, .entity_id = entity_id, .limit = 1,
	};
	struct last_ctx c = {.out = out};
	int rc;

	memset(out, 0, sizeof *out);
	rc = store_audit_scan(tx, &q, take_first, &c);
	return rc != ST_OK ? rc : c.found ? ST_OK : ST_NOT_FOUND;
}

void store_audit_rec_clear(struct audit_rec *r)
{
	free(r->before);
	free(r->after);
	r->before = r->after = NULL;
}
