/*
 * decisions.c - the silence procedure and the manning report.
 *
 * Silence procedure: a proposal is adopted unless a participating nation
 * objects before the deadline.  Abstentions never block, nor do nations
 * outside the proposal (they cannot record a position at all).  A nation
 * holds one active position per proposal and may withdraw it before the
 * deadline.  The outcome is computed on every read from the positions and
 * the clock; nothing has to run at the deadline.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* true once @deadline ("...Z", second precision) has come. */
static bool passed(const char *deadline)
{
	char now[32];

	time_format(svc_now_ms(), now);
	return strncmp(now, deadline, 19) >= 0;
}

static bool listed(const char *list, const char *iso3)
{
	for (const char *p = list; p && *p; p += 4) {
		if (strncmp(p, iso3, 3) == 0)
			return true;
		if (!p[3])
			break;
	}
	return false;
}

/* ---- Proposals. ------------------------------------------------------------- */

static int proposal_create(struct store_tx *tx, const struct principal *p, json_t *rec,
			   struct verr *err)
{
	struct store_query all = {NULL, 0, NULL, 100000};
	json_t *nations = NULL, *n;
	const char *given = rec_str(rec, "participants");
	char list[1024] = "";
	size_t used = 0, i;
	int rc;

	(void)p;
	if (passed(rec_str(rec, "deadline")))
		return verr_set(err, "deadline", "must be in the future");
	for (const char *a = given; a && *a; a += 4) {
		for (const char *b = a + 4; (size_t)(b - given) < strlen(given); b += 4) {
			if (strncmp(a, b, 3) == 0)
				return verr_set(err, "participants", "lists %.3s twice", a);
		}
		if (!a[3])
			break;
	}
	if ((rc = store_rec_list(tx, &ESPEC_NATIONS, &all, &nations)) != ST_OK)
		return rc;
	json_array_foreach(nations, i, n) {
		const char *iso = rec_str(n, "iso3");
		bool ally = strcmp(rec_str(n, "status"), "member") == 0 &&
			    json_is_true(json_object_get(n, "participates"));
		if (given ? !listed(given, iso) : !ally)
			continue;
		if (given && (!json_is_true(json_object_get(n, "participates")) ||
			      strcmp(rec_str(n, "status"), "recipient") == 0)) {
			verr_set(err, "participants", "%s %s and cannot be a participant", iso,
				 strcmp(rec_str(n, "status"), "recipient") == 0
					 ? "is the recipient" : "does not take part in the assistance");
			json_decref(nations);
			return ST_INVALID;
		}
		int w = snprintf(list + used, sizeof list - used, "%s%s", used ? ";" : "", iso);
		if (w > 0 && (size_t)w < sizeof list - used)
			used += (size_t)w;
	}
	json_decref(nations);
	if (given && strlen(given) != used)
		return verr_set(err, "participants", "names a nation that does not exist");
	json_object_set_new(rec, "participants", json_string(list));
	return ST_OK;
}

/* ---- Positions. ------------------------------------------------------------- */

struct active_ctx {
	const char *nation;
	size_t nation_field, status_field;
	bool found;
};

static int find_active(const struct espec *e, const struct store_value *row, void *arg)
{
	struct active_ctx *c = arg;
	const struct store_value *n = &row[c->nation_field], *s = &row[c->status_field];

	(void)e;
	if (n->len == 3 && memcmp(n->s, c->nation, 3) == 0 && s->len == 6 &&
	    memcmp(s->s, "active", 6) == 0) {
		c->found = true;
		return 1;
	}
	return 0;
}

static int position_create(struct store_tx *tx, const struct principal *p, json_t *rec,
			   struct verr *err)
{
	const struct espec *e = &ESPEC_POSITIONS;
	json_t *prop = NULL, *key;
	int rc;

	(void)p;
	json_object_set_new(rec, "status", json_string("active"));
	if ((rc = store_rec_get(tx, &ESPEC_PROPOSALS, rec_str(rec, "proposal"), &prop)) != ST_OK)
		return rc;
	if (passed(rec_str(prop, "deadline"))) {
		verr_set(err, "proposal", "its deadline %s has passed", rec_str(prop, "deadline"));
		rc = ST_CONFLICT;
	} else if (!listed(rec_str(prop, "participants"), rec_str(rec, "nation"))) {
		rc = verr_set(err, "nation", "%s does not take part in this proposal and can "
			      "neither object nor abstain", rec_str(rec, "nation"));
	}
	json_decref(prop);
	if (rc != ST_OK)
		return rc;
	struct active_ctx c = {rec_str(rec, "nation"), (size_t)(espec_field(e, "nation") - e->fields),
			       (size_t)(espec_field(e, "status") - e->fields), false};
	key = json_string(rec_str(rec, "proposal"));
	struct store_filter f = {espec_field(e, "proposal"), key, false};
	struct store_query q = {&f, 1, NULL, 100000};
	rc = store_rec_scan(tx, e, &q, find_active, &c);
	json_decref(key);
	if (rc == ST_OK && c.found) {
		verr_set(err, "nation", "%s already holds a position on this proposal; withdraw "
			 "it first", rec_str(rec, "nation"));
		rc = ST_CONFLICT;
	}
	return rc;
}

static int position_after_transition(struct store_tx *tx, const struct principal *p,
				     const json_t *rec, const char *from, const char *to,
				     struct verr *err)
{
	json_t *prop = NULL;
	int rc;

	(void)p, (void)from, (void)to;
	if ((rc = store_rec_get(tx, &ESPEC_PROPOSALS, rec_str(rec, "proposal"), &prop)) != ST_OK)
		return rc;
	/* After the deadline the outcome stands: nothing may change it. */
	if (passed(rec_str(prop, "deadline"))) {
		verr_set(err, "to", "the deadline %s has passed; the outcome stands",
			 rec_str(prop, "deadline"));
		rc = ST_CONFLICT;
	}
	json_decref(prop);
	return rc;
}

const struct svc_rules SVC_PROPOSAL_RULES = {&ESPEC_PROPOSALS, proposal_create, NULL, NULL,
					     NULL, NULL, NULL};
const struct svc_rules SVC_POSITION_RULES = {&ESPEC_POSITIONS, position_create, NULL, NULL,
					     POSITION_FLOW, position_after_transition, NULL};

/* ---- The outcome. ------------------------------------------------------------ */

struct outcome_ctx {
	const char *id;
	json_t *out;
};

static int outcome_work(struct store_tx *tx, void *arg)
{
	struct outcome_ctx *c = arg;
	json_t *prop = NULL, *rows = NULL, *key = json_string(c->id), *row;
	json_t *objections = json_array(), *abstentions = json_array();
	const struct espec *e = &ESPEC_POSITIONS;
	struct store_filter f = {espec_field(e, "proposal"), key, false};
	struct store_query q = {&f, 1, NULL, 100000};
	size_t i;
	int rc;

	json_decref(c->out);
	c->out = NULL;
	if ((rc = store_rec_get(tx, &ESPEC_PROPOSALS, c->id, &prop)) != ST_OK ||
	    (rc = store_rec_list(tx, e, &q, &rows)) != ST_OK)
		goto done;
	json_array_foreach(rows, i, row) {
		if (strcmp(rec_str(row, "status"), "active") != 0 ||
		    !listed(rec_str(prop, "participants"), rec_str(row, "nation")))
			continue;
		if (strcmp(rec_str(row, "position"), "object") == 0)
			json_array_append_new(objections,
					      json_pack("{s:s, s:s?, s:s}", "nation", rec_str(row, "nation"),
							"reason", rec_str(row, "reason"), "at",
							rec_str(row, "created_at")));
		else
			json_array_append_new(abstentions, json_string(rec_str(row, "nation")));
	}
	bool over = passed(rec_str(prop, "deadline"));
	const char *state = !over ? "open" : json_array_size(objections) ? "failed" : "adopted";
	c->out = json_pack("{s:s, s:s, s:s, s:s, s:b, s:O, s:O}", "proposal", c->id, "deadline",
			   rec_str(prop, "deadline"), "participants", rec_str(prop, "participants"),
			   "state", state, "silence_broken", json_array_size(objections) > 0,
			   "objections", objections, "abstentions", abstentions);
	rc = c->out ? ST_OK : ST_INTERNAL;
done:
	json_decref(prop);
	json_decref(rows);
	json_decref(key);
	json_decref(objections);
	json_decref(abstentions);
	return rc;
}

int svc_proposal_outcome(struct svc *svc, const struct principal *p, const char *id,
			 json_t **out)
{
	struct outcome_ctx c = {id, NULL};
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, "proposals", ACT_READ))
		return ST_FORBIDDEN;
	rc = store_run(svc->store, STORE_READ, outcome_work, &c);
	if (rc == ST_OK)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}

/* ---- Manning. ------------------------------------------------------------------ */

struct manning_ctx {
	json_t *out;
};

static void count(json_t *by, const char *key, bool filled)
{
	json_t *row = json_object_get(by, key);

	if (!row) {
		row = json_pack("{s:s, s:i, s:i}", "key", key, "posts", 0, "filled", 0);
		json_object_set_new(by, key, row);
	}
	json_object_set_new(row, "posts",
			    json_integer(json_integer_value(json_object_get(row, "posts")) + 1));
	if (filled)
		json_object_set_new(row, "filled",
				    json_integer(json_integer_value(json_object_get(row, "filled")) + 1));
}

static json_t *rows_of(json_t *by, const char *name)
{
	json_t *arr = json_array(), *row;
	const char *k;

	json_object_foreach(by, k, row) {
		json_int_t posts = json_integer_value(json_object_get(row, "posts"));
		json_int_t filled = json_integer_value(json_object_get(row, "filled"));
		json_array_append_new(arr, json_pack("{s:s?, s:I, s:I, s:I, s:f}", name, *k ? k : NULL, "posts",
						     posts, "filled", filled, "vacant",
						     posts - filled, "fill_rate",
						     posts ? (double)filled / (double)posts : 0.0));
	}
	return arr;
}

static int manning_work(struct store_tx *tx, void *arg)
{
	struct manning_ctx *c = arg;
	struct store_query all = {NULL, 0, NULL, 10000000};
	json_t *posts = NULL, *by_nation = json_object(), *by_site = json_object(), *post;
	size_t i, filled = 0;
	int rc;

	json_decref(c->out);
	c->out = NULL;
	if ((rc = store_rec_list(tx, &ESPEC_POSTS, &all, &posts)) != ST_OK)
		goto done;
	json_array_foreach(posts, i, post) {
		bool f = json_is_true(json_object_get(post, "filled"));
		count(by_nation, rec_str(post, "nation") ? rec_str(post, "nation") : "", f);
		count(by_site, rec_str(post, "site"), f);
		filled += f;
	}
	size_t n = json_array_size(posts);
	c->out = json_pack("{s:I, s:I, s:I, s:f, s:o, s:o}", "posts", (json_int_t)n, "filled",
			   (json_int_t)filled, "vacant", (json_int_t)(n - filled), "fill_rate",
			   n ? (double)filled / (double)n : 0.0, "by_nation",
			   rows_of(by_nation, "nation"), "by_site", rows_of(by_site, "site"));
	rc = c->out ? ST_OK : ST_INTERNAL;
done:
	json_decref(posts);
	json_decref(by_nation);
	json_decref(by_site);
	return rc;
}

int svc_manning(struct svc *svc, const struct principal *p, json_t **out)
{
	struct manning_ctx c = {NULL};
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, "manning", ACT_READ))
		return ST_FORBIDDEN;
	rc = store_run(svc->store, STORE_READ, manning_work, &c);
	if (rc == ST_OK)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}
