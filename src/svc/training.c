/*
 * training.c - the rules of courses, sessions, trainees and enrolments.
 *
 * The invariants, enforced inside the writing transaction (whose writers
 * are serialized, so that two enrolments racing for the last seat cannot
 * both win):
 *  - a session runs a course at a training facility, with at most the
 *    course's class_max seats; a training-seat pledge tied to sessions is
 *    never spread over more seats than it offers;
 *  - a trainee is enrolled only within the session's seats, only after
 *    passing the course's prerequisites, and never in two sessions whose
 *    dates overlap;
 *  - a trainee is known by a keyed hash of the service number only
 *    (svc_trainee_pseudonym); the number itself is never stored.
 */
#include "internal.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static int site_of_kind(struct store_tx *tx, const json_t *rec, const char *field,
			const char *kind, json_t **site, struct verr *err)
{
	int rc = store_rec_get(tx, &ESPEC_SITES, rec_str(rec, field), site);

	if (rc == ST_NOT_FOUND)
		return verr_set(err, field, "no site %s", rec_str(rec, field));
	if (rc != ST_OK)
		return rc;
	if (!str_is(rec_str(*site, "kind"), kind)) {
		verr_set(err, field, "must be a %s; %s is a %s", kind, rec_str(rec, field),
			 rec_str(*site, "kind"));
		json_decref(*site);
		*site = NULL;
		return ST_INVALID;
	}
	return ST_OK;
}

/* ---- Courses. ------------------------------------------------------------------- */

static int course_fill(struct store_tx *tx, const struct principal *p, json_t *rec,
		       struct verr *err)
{
	const char *pre = rec_str(rec, "prerequisites");
	json_t *site = NULL;
	int rc;

	(void)p;
	if ((rc = site_of_kind(tx, rec, "facility", "training_facility", &site, err)) != ST_OK)
		return rc;
	json_decref(site);
	while (pre && *pre) {
		char code[32];
		size_t n = strcspn(pre, ";");
		json_t *c = NULL;

		snprintf(code, sizeof code, "%.*s", (int)n, pre);
		pre += n + (pre[n] == ';');
		if (str_is(code, rec_str(rec, "code")))
			return verr_set(err, "prerequisites", "a course cannot require itself");
		rc = store_rec_get(tx, &ESPEC_COURSES, code, &c);
		json_decref(c);
		if (rc == ST_NOT_FOUND)
			return verr_set(err, "prerequisites", "no course %s", code);
		if (rc != ST_OK)
			return rc;
	}
	return ST_OK;
}

/* true when @code is reachable from the prerequisites @pre (through the
 * stored courses' own prerequisites), at most @depth steps deep. */
static int requires(struct store_tx *tx, const char *pre, const char *code, int depth,
		    bool *found)
{
	int rc = ST_OK;

	while (pre && *pre && !*found && rc == ST_OK) {
		char one[32];
		size_t n = strcspn(pre, ";");
		json_t *c = NULL;

		snprintf(one, sizeof one, "%.*s", (int)n, pre);
		pre += n + (pre[n] == ';');
		if (str_is(one, code)) {
			*found = true;
			break;
		}
		if (depth > 0 && (rc = store_rec_get(tx, &ESPEC_COURSES, one, &c)) == ST_OK)
			rc = requires(tx, rec_str(c, "prerequisites"), code, depth - 1, found);
		if (rc == ST_NOT_FOUND)
			rc = ST_OK;
		json_decref(c);
	}
	return rc;
}

static int course_update(struct store_tx *tx, const struct principal *p, const json_t *cur,
			 json_t *next, struct verr *err)
{
	json_t *rows = NULL, *r;
	bool cycle = false;
	size_t i;
	int rc;

	(void)cur;
	if ((rc = course_fill(tx, p, next, err)) != ST_OK)
		return rc;
	/* A course cannot come, through its prerequisites, before itself. */
	if ((rc = requires(tx, rec_str(next, "prerequisites"), rec_str(next, "code"), 32,
			   &cycle)) != ST_OK)
		return rc;
	if (cycle)
		return verr_set(err, "prerequisites", "would make %s a prerequisite of itself",
				rec_str(next, "code"));
	/* Classes already planned keep fitting the course. */
	if ((rc = svc_rows(tx, &ESPEC_TRAINING_SESSIONS, "course", rec_str(next, "code"), &rows)) !=
	    ST_OK)
		return rc;
	json_array_foreach(rows, i, r) {
		const char *st = rec_str(r, "status");
		if (!str_is(st, "cancelled") && !str_is(st, "completed") &&
		    rec_num(r, "seats") > rec_num(next, "class_max")) {
			verr_set(err, "class_max", "session %s has %lld seats", rec_str(r, "id"),
				 rec_num(r, "seats"));
			rc = ST_CONFLICT;
			break;
		}
	}
	json_decref(rows);
	return rc;
}

/* ---- Sessions. ------------------------------------------------------------------- */

bool svc_holds_seat(const char *status)
{
	static const char *const holders[] = {"enrolled", "in_training", "graduated", "failed",
					      NULL};
	return str_in(status, holders);
}

/* Seats of @session taken by enrolments (enrolled or beyond). */
static int seats_taken(struct store_tx *tx, const char *session, long long *taken)
{
	json_t *rows = NULL, *r;
	size_t i;
	int rc = svc_rows(tx, &ESPEC_ENROLMENTS, "session", session, &rows);

	*taken = 0;
	json_array_foreach(rows, i, r) {
		if (svc_holds_seat(rec_str(r, "status")))
			(*taken)++;
	}
	json_decref(rows);
	return rc;
}

/* A training-seat pledge for the session's course, not spread over more
 * seats (across its sessions) than it offers. */
static int check_pledge(struct store_tx *tx, const json_t *rec, struct verr *err)
{
	json_t *pledge = NULL, *rows = NULL, *r;
	long long used = rec_num(rec, "seats");
	size_t i;
	int rc;

	if (!rec_str(rec, "pledge"))
		return ST_OK;
	if ((rc = store_rec_get(tx, &ESPEC_PLEDGES, rec_str(rec, "pledge"), &pledge)) != ST_OK)
		return rc == ST_NOT_FOUND ? verr_set(err, "pledge", "no such pledge") : rc;
	if (!str_is(rec_str(pledge, "kind"), "training_seats") ||
	    !str_is(rec_str(pledge, "course"), rec_str(rec, "course"))) {
		rc = verr_set(err, "pledge", "must be a training-seat pledge for course %s",
			      rec_str(rec, "course"));
		goto done;
	}
	if (!str_is(rec_str(pledge, "status"), "announced") &&
	    !str_is(rec_str(pledge, "status"), "committed") &&
	    !str_is(rec_str(pledge, "status"), "delivered")) {
		verr_set(err, "pledge", "is %s", rec_str(pledge, "status"));
		rc = ST_CONFLICT;
		goto done;
	}
	if ((rc = svc_rows(tx, &ESPEC_TRAINING_SESSIONS, "pledge", rec_str(pledge, "id"), &rows)) !=
	    ST_OK)
		goto done;
	json_array_foreach(rows, i, r) {
		if (!str_is(rec_str(r, "id"), rec_str(rec, "id")) &&
		    !str_is(rec_str(r, "status"), "cancelled"))
			used += rec_num(r, "seats");
	}
	if (used > rec_num(pledge, "seats")) {
		verr_set(err, "seats", "the pledge offers %lld seats; its sessions would take %lld",
			 rec_num(pledge, "seats"), used);
		rc = ST_CONFLICT;
	}
done:
	json_decref(pledge);
	json_decref(rows);
	return rc;
}

static int session_fill(struct store_tx *tx, json_t *rec, struct verr *err)
{
	json_t *site = NULL, *course = NULL;
	char today[32];
	int rc;

	time_format(svc_now_ms(), today);
	today[10] = '\0';
	if (rec_str(rec, "notified_on") && strcmp(rec_str(rec, "notified_on"), today) > 0)
		return verr_set(err, "notified_on", "is in the future: the notice is the day the "
				"facility was told");
	if ((rc = site_of_kind(tx, rec, "facility", "training_facility", &site, err)) != ST_OK)
		return rc;
	json_object_set_new(rec, "host_nation", json_string(rec_str(site, "nation")));
	json_decref(site);
	if ((rc = store_rec_get(tx, &ESPEC_COURSES, rec_str(rec, "course"), &course)) != ST_OK)
		return rc == ST_NOT_FOUND ? verr_set(err, "course", "no such course") : rc;
	if (rec_num(rec, "seats") > rec_num(course, "class_max"))
		rc = verr_set(err, "seats", "course %s takes at most %lld in a class",
			      rec_str(course, "code"), rec_num(course, "class_max"));
	json_decref(course);
	return rc == ST_OK ? check_pledge(tx, rec, err) : rc;
}

static int session_create(struct store_tx *tx, const struct principal *p, json_t *rec,
			  struct verr *err)
{
	(void)p;
	json_object_set_new(rec, "status", json_string("planned"));
	json_object_set_new(rec, "status_reason", json_null());
	if (!rec_str(rec, "notified_on")) {
		char today[32];
		time_format(svc_now_ms(), today);
		today[10] = '\0';
		json_object_set_new(rec, "notified_on", json_string(today));
	}
	return session_fill(tx, rec, err);
}

static int check_moved(struct store_tx *tx, const json_t *session, struct verr *err);

static int session_update(struct store_tx *tx, const struct principal *p, const json_t *cur,
			  json_t *next, struct verr *err)
{
	long long taken;
	int rc;

	(void)p;
	if (!str_is(rec_str(cur, "status"), "planned") && !str_is(rec_str(cur, "status"), "open")) {
		verr_set(err, "status", "a %s session cannot be changed", rec_str(cur, "status"));
		return ST_CONFLICT;
	}
	/* Enrolments copy the course and facility (scope, reports). */
	if (!str_is(rec_str(cur, "course"), rec_str(next, "course")))
		return verr_set(err, "course", "cannot change; cancel the session and plan another");
	if (!str_is(rec_str(cur, "facility"), rec_str(next, "facility")))
		return verr_set(err, "facility", "cannot change; cancel the session and plan another");
	/* The notice given is a record of what happened: kept once set. */
	if (rec_str(cur, "notified_on") && !rec_str(next, "notified_on"))
		return verr_set(err, "notified_on", "cannot be removed once recorded");
	if ((rc = session_fill(tx, next, err)) != ST_OK ||
	    (rc = seats_taken(tx, rec_str(cur, "id"), &taken)) != ST_OK)
		return rc;
	if (rec_num(next, "seats") < taken) {
		verr_set(err, "seats", "%lld trainees are enrolled already", taken);
		return ST_CONFLICT;
	}
	if (str_is(rec_str(cur, "starts_on"), rec_str(next, "starts_on")) &&
	    str_is(rec_str(cur, "ends_on"), rec_str(next, "ends_on")))
		return ST_OK;
	return check_moved(tx, next, err);
}

/* A cancelled session withdraws the nominations and enrolments it had. */
static int session_after_transition(struct store_tx *tx, const struct principal *p,
				    const json_t *rec, const char *from, const char *to,
				    struct verr *err)
{
	json_t *rows = NULL, *r;
	size_t i;
	int rc;

	(void)from, (void)err;
	if (!str_is(to, "cancelled"))
		return ST_OK;
	if ((rc = svc_rows(tx, &ESPEC_ENROLMENTS, "session", rec_str(rec, "id"), &rows)) != ST_OK)
		return rc;
	json_array_foreach(rows, i, r) {
		if (rc != ST_OK)
			break;
		if (str_is(rec_str(r, "status"), "nominated") || str_is(rec_str(r, "status"), "enrolled"))
			rc = svc_set_status(tx, p, &ESPEC_ENROLMENTS, rec_str(r, "id"), "withdrawn",
					    "the session was cancelled", "transition");
	}
	json_decref(rows);
	return rc;
}

/* ---- Trainees. -------------------------------------------------------------------- */

int svc_trainee_pseudonym(struct svc *svc, const char *service_number, char out[65],
			  struct verr *err)
{
	unsigned char h[32];
	size_t n = service_number ? strlen(service_number) : 0;

	if (!svc->cfg.trainee_key_set) {
		verr_set(err, "service_number", "the server has no trainee key "
			 "(nsatu serve --trainee-key-file)");
		return ST_INTERNAL;
	}
	if (n < 1 || n > 32)
		return verr_set(err, "service_number", "must be 1 to 32 characters");
	for (size_t i = 0; i < n; i++) {
		char c = service_number[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '-'))
			return verr_set(err, "service_number",
					"must be digits, capital letters and '-'");
	}
	crypto_generichash(h, sizeof h, (const unsigned char *)service_number, n,
			   svc->cfg.trainee_key, sizeof svc->cfg.trainee_key);
	sodium_bin2hex(out, 65, h, sizeof h);
	sodium_memzero(h, sizeof h);
	return ST_OK;
}

static int trainee_fill(struct store_tx *tx, const struct principal *p, json_t *rec,
			struct verr *err)
{
	json_t *nation = NULL, *site = NULL;
	int rc;

	(void)p;
	if ((rc = store_rec_get(tx, &ESPEC_NATIONS, rec_str(rec, "nation"), &nation)) != ST_OK)
		return rc == ST_NOT_FOUND ? verr_set(err, "nation", "no such nation") : rc;
	bool recipient = str_is(rec_str(nation, "status"), "recipient");
	json_decref(nation);
	if (!recipient)
		return verr_set(err, "nation", "trainees are the recipient nation's");
	rc = site_of_kind(tx, rec, "unit", "unit", &site, err);
	json_decref(site);
	return rc;
}

static int trainee_update(struct store_tx *tx, const struct principal *p, const json_t *cur,
			  json_t *next, struct verr *err)
{
	/* Enrolments copy the nation (scope). */
	if (!str_is(rec_str(cur, "nation"), rec_str(next, "nation")))
		return verr_set(err, "nation", "cannot change");
	return trainee_fill(tx, p, next, err);
}

/* ---- Enrolments. ------------------------------------------------------------------ */

static bool active(const char *status)
{
	static const char *const live[] = {"nominated", "enrolled", "in_training", NULL};
	return str_in(status, live);
}

/* The trainee's enrolments, each with its session (member "_session"). */
static int trainee_history(struct store_tx *tx, const char *trainee, json_t **out)
{
	json_t *rows = NULL, *r;
	size_t i;
	int rc = svc_rows(tx, &ESPEC_ENROLMENTS, "trainee", trainee, &rows);

	json_array_foreach(rows, i, r) {
		json_t *s = NULL;
		if (rc == ST_OK && (rc = store_rec_get(tx, &ESPEC_TRAINING_SESSIONS,
						       rec_str(r, "session"), &s)) == ST_OK)
			json_object_set_new(r, "_session", s);
	}
	if (rc == ST_OK)
		*out = rows;
	else
		json_decref(rows);
	return rc;
}

static int check_trainee(struct store_tx *tx, const json_t *rec, const json_t *session,
			 const json_t *course, struct verr *err)
{
	const char *pre = rec_str(course, "prerequisites");
	json_t *history = NULL, *h;
	size_t i;
	int rc;

	if ((rc = trainee_history(tx, rec_str(rec, "trainee"), &history)) != ST_OK)
		return rc;
	json_array_foreach(history, i, h) {
		const json_t *s = json_object_get(h, "_session");
		if (!active(rec_str(h, "status")))
			continue;
		if (str_is(rec_str(h, "session"), rec_str(session, "id"))) {
			verr_set(err, "trainee", "is already %s for this session (%s)",
				 rec_str(h, "status"), rec_str(h, "id"));
			rc = ST_CONFLICT;
			goto done;
		}
		/* Two date ranges overlap unless one ends before the other starts. */
		if (!(strcmp(rec_str(s, "ends_on"), rec_str(session, "starts_on")) < 0 ||
		      strcmp(rec_str(session, "ends_on"), rec_str(s, "starts_on")) < 0)) {
			verr_set(err, "session", "overlaps session %s (%s to %s) the trainee is %s for",
				 rec_str(s, "id"), rec_str(s, "starts_on"), rec_str(s, "ends_on"),
				 rec_str(h, "status"));
			rc = ST_CONFLICT;
			goto done;
		}
	}
	while (pre && *pre) {
		char code[32];
		size_t n = strcspn(pre, ";");
		bool passed = false;

		snprintf(code, sizeof code, "%.*s", (int)n, pre);
		pre += n + (pre[n] == ';');
		json_array_foreach(history, i, h) {
			passed |= str_is(rec_str(h, "course"), code) &&
				  str_is(rec_str(h, "status"), "graduated");
		}
		if (!passed) {
			verr_set(err, "trainee", "has not passed %s, which course %s requires", code,
				 rec_str(course, "code"));
			rc = ST_CONFLICT;
			goto done;
		}
	}
done:
	json_decref(history);
	return rc;
}

/* A session moved to new dates: none of its trainees may then be in two
 * overlapping sessions. */
static int check_moved(struct store_tx *tx, const json_t *session, struct verr *err)
{
	json_t *rows = NULL, *r, *history = NULL, *h;
	size_t i, j;
	int rc = svc_rows(tx, &ESPEC_ENROLMENTS, "session", rec_str(session, "id"), &rows);

	json_array_foreach(rows, i, r) {
		if (rc != ST_OK)
			break;
		if (!active(rec_str(r, "status")))
			continue;
		if ((rc = trainee_history(tx, rec_str(r, "trainee"), &history)) != ST_OK)
			break;
		json_array_foreach(history, j, h) {
			const json_t *s = json_object_get(h, "_session");
			if (!active(rec_str(h, "status")) ||
			    str_is(rec_str(h, "session"), rec_str(session, "id")))
				continue;
			if (!(strcmp(rec_str(s, "ends_on"), rec_str(session, "starts_on")) < 0 ||
			      strcmp(rec_str(session, "ends_on"), rec_str(s, "starts_on")) < 0)) {
				verr_set(err, "starts_on", "trainee %s would be in session %s (%s to %s) "
					 "at the same time", rec_str(r, "trainee"), rec_str(s, "id"),
					 rec_str(s, "starts_on"), rec_str(s, "ends_on"));
				rc = ST_CONFLICT;
				break;
			}
		}
		json_decref(history);
		history = NULL;
	}
	json_decref(rows);
	return rc;
}

static int enrolment_create(struct store_tx *tx, const struct principal *p, json_t *rec,
			    struct verr *err)
{
	json_t *session = NULL, *course = NULL, *trainee = NULL;
	int rc;

	if ((rc = store_rec_get(tx, &ESPEC_TRAINING_SESSIONS, rec_str(rec, "session"), &session)) !=
		    ST_OK ||
	    (rc = store_rec_get(tx, &ESPEC_TRAINEES, rec_str(rec, "trainee"), &trainee)) != ST_OK ||
	    (rc = store_rec_get(tx, &ESPEC_COURSES, rec_str(session, "course"), &course)) != ST_OK) {
		if (rc == ST_NOT_FOUND)
			rc = verr_set(err, session ? "trainee" : "session", "not found");
		goto done;
	}
	/* A trainee outside the officer's nation is not there for them. */
	if (!svc_in_scope(p, &ESPEC_TRAINEES, trainee)) {
		rc = verr_set(err, "trainee", "not found");
		goto done;
	}
	if (!str_is(rec_str(session, "status"), "planned") &&
	    !str_is(rec_str(session, "status"), "open")) {
		verr_set(err, "session", "is %s; nominations go to planned or open sessions",
			 rec_str(session, "status"));
		rc = ST_CONFLICT;
		goto done;
	}
	json_object_set_new(rec, "course", json_string(rec_str(session, "course")));
	json_object_set_new(rec, "facility", json_string(rec_str(session, "facility")));
	json_object_set_new(rec, "nation", json_string(rec_str(trainee, "nation")));
	json_object_set_new(rec, "status", json_string("nominated"));
	json_object_set_new(rec, "status_reason", json_null());
	json_object_set_new(rec, "qualification", json_null());
	json_object_set_new(rec, "graduated_on", json_null());
	rc = check_trainee(tx, rec, session, course, err);
done:
	json_decref(session);
	json_decref(course);
	json_decref(trainee);
	return rc;
}

static int enrolment_after_transition(struct store_tx *tx, const struct principal *p,
				      const json_t *rec, const char *from, const char *to,
				      struct verr *err)
{
	json_t *session = NULL, *course = NULL, *changes = NULL;
	long long taken;
	int rc;

	(void)from;
	if ((rc = store_rec_get(tx, &ESPEC_TRAINING_SESSIONS, rec_str(rec, "session"), &session)) !=
	    ST_OK)
		return rc;
	if (str_is(to, "enrolled")) {
		/* The seat is counted taken already (the status changed first). */
		if ((rc = seats_taken(tx, rec_str(session, "id"), &taken)) == ST_OK &&
		    taken > rec_num(session, "seats")) {
			verr_set(err, "to", "session %s is full: %lld of %lld seats taken",
				 rec_str(session, "id"), taken - 1, rec_num(session, "seats"));
			rc = ST_CONFLICT;
		}
		if (rc == ST_OK && !str_is(rec_str(session, "status"), "planned") &&
		    !str_is(rec_str(session, "status"), "open") &&
		    !str_is(rec_str(session, "status"), "running")) {
			verr_set(err, "to", "session %s is %s", rec_str(session, "id"),
				 rec_str(session, "status"));
			rc = ST_CONFLICT;
		}
	} else if (str_is(to, "in_training") && !str_is(rec_str(session, "status"), "running")) {
		verr_set(err, "to", "session %s is %s; training starts when it runs",
			 rec_str(session, "id"), rec_str(session, "status"));
		rc = ST_CONFLICT;
	} else if (str_is(to, "graduated")) {
		char today[32];
		if ((rc = store_rec_get(tx, &ESPEC_COURSES, rec_str(rec, "course"), &course)) != ST_OK)
			goto done;
		time_format(svc_now_ms(), today);
		today[10] = '\0';
		/* A class graduates on its last day; recorded later, it still
		 * did (the report counts graduates by the month they qualified). */
		const char *ended = rec_str(session, "ends_on");
		const char *on = ended && strcmp(ended, today) < 0 ? ended : today;
		changes = json_pack("{s:s,s:s}", "qualification", rec_str(course, "capability"),
				    "graduated_on", on);
		rc = changes ? svc_patch_record(tx, p, &ESPEC_ENROLMENTS, rec_str(rec, "id"), changes,
						"graduate")
			     : ST_INTERNAL;
	}
done:
	json_decref(session);
	json_decref(course);
	json_decref(changes);
	return rc;
}

const struct svc_rules SVC_TRAINING_RULES[] = {
	{.e = &ESPEC_COURSES, .on_create = course_fill, .on_update = course_update},
	{.e = &ESPEC_TRAINING_SESSIONS, .on_create = session_create, .on_update = session_update,
	 .flow = SESSION_FLOW, .after_transition = session_after_transition},
	{.e = &ESPEC_TRAINEES, .on_create = trainee_fill, .on_update = trainee_update},
	{.e = &ESPEC_ENROLMENTS, .on_create = enrolment_create, .flow = ENROLMENT_FLOW,
	 .after_transition = enrolment_after_transition},
	{.e = NULL},
};

/* ---- Looking a trainee up by service number. ----------------------------------- */

struct lookup_ctx {
	const struct principal *p;
	const char *pseudonym;
	json_t *out;
};

static int lookup_work(struct store_tx *tx, void *arg)
{
	struct lookup_ctx *c = arg;
	json_t *rows = NULL;
	int rc = svc_rows(tx, &ESPEC_TRAINEES, "pseudonym", c->pseudonym, &rows);

	json_decref(c->out);
	c->out = NULL;
	if (rc == ST_OK) {
		json_t *t = json_array_get(rows, 0);
		if (!t || !svc_in_scope(c->p, &ESPEC_TRAINEES, t))
			rc = ST_NOT_FOUND;
		else
			c->out = json_incref(t);
	}
	json_decref(rows);
	return rc;
}

int svc_trainee_lookup(struct svc *svc, const struct principal *p, const char *service_number,
		       json_t **out, struct verr *err)
{
	char pseud[65];
	struct lookup_ctx c = {p, pseud, NULL};
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, "trainees", ACT_READ))
		return ST_FORBIDDEN;
	if ((rc = svc_trainee_pseudonym(svc, service_number, pseud, err)) != ST_OK)
		return rc;
	rc = store_run(svc->store, STORE_READ, lookup_work, &c);
	if (rc == ST_OK)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}
