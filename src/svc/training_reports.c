/*
 * training_reports.c - the reports of training at Allied facilities
 * (issue 6): seats offered against seats filled, by nation and by
 * facility; graduates per capability per month; the pipeline of
 * enrolments by status; and the notice facilities were given before a
 * class starts.
 *
 * What the figures mean:
 *  - A seat is filled by an enrolment that holds it: enrolled,
 *    in_training, graduated or failed.  That is the set training.c counts
 *    against a session's seats, so a session this report shows as full is
 *    one that refuses the next enrolment.  Nominations and withdrawals
 *    hold no seat.
 *  - The nation offering a session's seats is the nation of its
 *    training-seat pledge when it has one, else the host nation (the
 *    facility's): seats nobody pledged are the host's own offer.
 *  - A session belongs to a period by its starts_on.  Cancelled sessions
 *    offer no seats and need no notice, so the seats and notice reports
 *    leave them out.
 *  - Notice is starts_on - notified_on in days.  Under 30 days is a
 *    warning: facilities need 30 to 60 days to prepare a class (ranges,
 *    instructors, interpreters, billets), and the audit behind issue 6
 *    found classes announced 18 days ahead.  A session with no notified_on
 *    is a warning too, with no figure: nothing shows the facility was told.
 *  - Graduates count in the month of graduated_on under the capability
 *    recorded at graduation (qualification), so that renaming a course's
 *    capability later does not move past graduates.
 *
 * Scope: sessions as the caller may read them (svc_scope_field): a
 * facility operator sees its own facility's, every other reader all of
 * them (donor liaisons offer the seats, recipient officers fill them).  A
 * visible session's seats are counted whole, whoever fills them: the fill
 * is the session's, and a count names nobody.  Enrolments (graduates,
 * pipeline) as the caller may read them: a recipient officer its nation's
 * trainees', a facility operator its facility's.
 */
#include "tally.h"

#include <stdio.h>
#include <string.h>

#define NOTICE_MIN_DAYS 30      /* less notice than this is a warning */
#define NOTICE_AHEAD_DAYS 180   /* the notice report's default look-ahead */
#define GRADUATE_MONTHS 12      /* the graduates report's default, this month included */
#define MAX_MONTHS 120          /* the longest period listed month by month */

#define COUNT(a) (sizeof (a) / sizeof *(a))


/* ---- The tables (svc.h). ---------------------------------------------------- */

static const char *const seat_cols[] = {
	"session", "course", "facility", "nation", "pledge", "starts_on", "ends_on", "status",
	"seats", "filled", "unfilled", "fill_rate",
};
const struct svc_report_table SVC_TABLE_TRAINING_SEATS = {
	"training-seats", "sessions", seat_cols, COUNT(seat_cols),
};

static const char *const graduate_cols[] = {"capability", "month", "graduates"};
const struct svc_report_table SVC_TABLE_TRAINING_GRADUATES = {
	"training-graduates", "by_month", graduate_cols, COUNT(graduate_cols),
};

/* The counters follow ENROLMENT_STATES (core/training.c). */
static const char *const pipeline_cols[] = {
	"course", "name", "capability", "enrolments", "nominated", "enrolled", "in_training",
	"graduated", "failed", "withdrawn",
};
const struct svc_report_table SVC_TABLE_TRAINING_PIPELINE = {
	"training-pipeline", "courses", pipeline_cols, COUNT(pipeline_cols),
};

static const char *const notice_cols[] = {
	"session", "course", "facility", "host_nation", "status", "seats", "notified_on",
	"starts_on", "ends_on", "notice_days", "warning",
};
const struct svc_report_table SVC_TABLE_TRAINING_NOTICE = {
	"training-notice", "sessions", notice_cols, COUNT(notice_cols),
};

/* ---- What every training report shares. ---------------------------------------- */

struct report_ctx {
	const struct principal *p;
	char from[11], to[11];   /* the period, both days included */
	const char *course;      /* the pipeline's ?course=, or NULL */
	struct verr *err;
	json_t *out;
};

/* How a report fills in an end of its period that the caller left out. */
enum span {
	SPAN_YEAR,     /* the calendar year of the other end, or of today */
	SPAN_MONTHS,   /* to today; from the first of the month GRADUATE_MONTHS - 1 before */
	SPAN_AHEAD,    /* from today; to NOTICE_AHEAD_DAYS after from */
	SPAN_NONE,     /* the report takes no period */
};

/* Months since year 0 of the (valid) date @d: year * 12 + month - 1. */
static int month_index(const char *d)
{
	int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');

	return y * 12 + (d[5] - '0') * 10 + (d[6] - '0') - 1;
}

static void month_text(int index, char out[8])
{
	char buf[32];

	snprintf(buf, sizeof buf, "%04d-%02d", index / 12, index % 12 + 1);
	memcpy(out, buf, 7);
	out[7] = '\0';
}

static int period(struct report_ctx *c, const char *from, const char *to, enum span span)
{
	char today[11];
	const char *why;
	int64_t d;

	if (span == SPAN_NONE)
		return ST_OK;
	if (from && (why = check_date(from)))
		return verr_set(c->err, "from", "%s", why);
	if (to && (why = check_date(to)))
		return verr_set(c->err, "to", "%s", why);
	tally_today(today);
	snprintf(c->from, sizeof c->from, "%s", from ? from : today);
	snprintf(c->to, sizeof c->to, "%s", to ? to : today);
	switch (span) {
	case SPAN_YEAR:
		/* The year of whichever end was given (from first), else this year. */
		if (!from)
			snprintf(c->from, sizeof c->from, "%.4s-01-01", to ? to : today);
		if (!to)
			snprintf(c->to, sizeof c->to, "%.4s-12-31", c->from);
		break;
	case SPAN_MONTHS:
		if (!from) {
			char month[8];
			month_text(month_index(c->to) - (GRADUATE_MONTHS - 1), month);
			snprintf(c->from, sizeof c->from, "%s-01", month);
		}
		if (month_index(c->to) - month_index(c->from) >= MAX_MONTHS)
			return verr_set(c->err, "from", "the period is at most %d months", MAX_MONTHS);
		break;
	case SPAN_AHEAD:
		if (!to && tally_days(c->from, &d))
			tally_date(d + NOTICE_AHEAD_DAYS, c->to);
		break;
	case SPAN_NONE:
		break;
	}
	if (strcmp(c->from, c->to) > 0)
		return verr_set(c->err, "from", "must not be after to (%s)", c->to);
	return ST_OK;
}

static bool in_period(const struct report_ctx *c, const char *date)
{
	return date && strcmp(date, c->from) >= 0 && strcmp(date, c->to) <= 0;
}

/* Add @n to the integer @field of @row. */
static void bump(json_t *row, const char *field, long long n)
{
	json_object_set_new(row, field, json_integer(rec_num(row, field) + n));
}

static int cmp_fields(const void *a, const void *b, const char *f1, const char *f2)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	const char *s = rec_str(x, f1), *t = rec_str(y, f1);
	int d = strcmp(s ? s : "", t ? t : "");

	if (d || !f2)
		return d;
	s = rec_str(x, f2);
	t = rec_str(y, f2);
	return strcmp(s ? s : "", t ? t : "");
}

static int by_nation(const void *a, const void *b) { return cmp_fields(a, b, "nation", NULL); }
static int by_facility(const void *a, const void *b) { return cmp_fields(a, b, "facility", NULL); }
static int by_course(const void *a, const void *b) { return cmp_fields(a, b, "course", NULL); }
static int by_start(const void *a, const void *b) { return cmp_fields(a, b, "starts_on", "session"); }
static int by_capability(const void *a, const void *b)
{
	return cmp_fields(a, b, "capability", NULL);
}
static int by_capability_month(const void *a, const void *b)
{
	return cmp_fields(a, b, "capability", "month");
}

/* Run @fn in a read transaction; on success hand c->out over to *@out. */
static int run(struct svc *svc, store_work_fn fn, struct report_ctx *c, json_t **out)
{
	int rc = store_run(svc->store, STORE_READ, fn, c);

	if (rc == ST_OK && !c->out)
		rc = ST_INTERNAL;
	if (rc == ST_OK)
		*out = c->out;
	else
		json_decref(c->out);
	c->out = NULL;
	return rc;
}

/* ---- Seats offered and filled. -------------------------------------------------- */

static double rate(long long part, long long whole)
{
	return whole ? tally_round((double)part / (double)whole, 4) : 0;
}

/* A row's unfilled seats and fill rate, from its seats and filled. */
static void seat_rates(json_t *row)
{
	long long seats = rec_num(row, "seats"), filled = rec_num(row, "filled");

	json_object_set_new(row, "unfilled", json_integer(seats - filled));
	json_object_set_new(row, "fill_rate", json_real(rate(filled, seats)));
}

static void add_seats(json_t *row, long long seats, long long filled)
{
	bump(row, "sessions", 1);
	bump(row, "seats", seats);
	bump(row, "filled", filled);
}

/* The nation offering @session's seats (see the header) into *@nation;
 * pledges read are kept in @pledges by id. */
static int offering_nation(struct store_tx *tx, json_t *pledges, const json_t *session,
			   const char **nation)
{
	const char *id = rec_str(session, "pledge");
	json_t *pledge;

	*nation = rec_str(session, "host_nation");
	if (!id)
		return ST_OK;
	if (!(pledge = json_object_get(pledges, id))) {
		int rc = store_rec_get(tx, &ESPEC_PLEDGES, id, &pledge);
		if (rc == ST_NOT_FOUND)
			return ST_OK;
		if (rc != ST_OK)
			return rc;
		if (json_object_set_new(pledges, id, pledge) != 0)
			return ST_INTERNAL;
	}
	if (rec_str(pledge, "nation"))
		*nation = rec_str(pledge, "nation");
	return ST_OK;
}

/* Seats filled per session id, from every enrolment (see the header). */
static int filled_by_session(struct store_tx *tx, json_t **out)
{
	json_t *rows = NULL, *e, *filled = json_object();
	size_t i;
	int rc = filled ? svc_rows(tx, &ESPEC_ENROLMENTS, NULL, NULL, &rows) : ST_INTERNAL;

	*out = NULL;
	json_array_foreach(rows, i, e) {
		if (svc_holds_seat(rec_str(e, "status")) && rec_str(e, "session"))
			bump(filled, rec_str(e, "session"), 1);
	}
	json_decref(rows);
	if (rc == ST_OK)
		*out = filled;
	else
		json_decref(filled);
	return rc;
}

/* One session's row in the report's list, counted into its groups. */
static json_t *seat_row(const json_t *s, const char *nation, long long filled)
{
	json_t *row = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s, s:s, s:s, s:I, s:I}", "session",
				rec_str(s, "id"), "course", rec_str(s, "course"), "facility",
				rec_str(s, "facility"), "nation", nation, "pledge",
				rec_str(s, "pledge"), "starts_on", rec_str(s, "starts_on"), "ends_on",
				rec_str(s, "ends_on"), "status", rec_str(s, "status"), "seats",
				(json_int_t)rec_num(s, "seats"), "filled", (json_int_t)filled);

	if (row)
		seat_rates(row);
	return row;
}

static int seats_work(struct store_tx *tx, void *arg)
{
	struct report_ctx *c = arg;
	json_t *sessions = NULL, *filled = NULL, *sites = NULL, *nations = NULL, *s, *row;
	json_t *pledges = json_object(), *nat = json_object(), *fac = json_object();
	json_t *list = json_array(), *by_n = NULL, *by_f = NULL;
	json_t *totals = json_pack("{s:i, s:i, s:i}", "sessions", 0, "seats", 0, "filled", 0);
	size_t i;
	int rc;

	json_decref(c->out);
	c->out = NULL;
	if ((rc = tally_rows_in_scope(tx, c->p, &ESPEC_TRAINING_SESSIONS, NULL, NULL,
				      &sessions)) != ST_OK ||
	    (rc = filled_by_session(tx, &filled)) != ST_OK ||
	    (rc = tally_index(tx, &ESPEC_SITES, &sites)) != ST_OK ||
	    (rc = tally_index(tx, &ESPEC_NATIONS, &nations)) != ST_OK)
		goto done;
	rc = ST_INTERNAL;
	if (!pledges || !nat || !fac || !list || !totals)
		goto done;
	json_array_foreach(sessions, i, s) {
		const char *facility = rec_str(s, "facility"), *nation;
		long long seats = rec_num(s, "seats"), taken = rec_num(filled, rec_str(s, "id"));

		if (str_is(rec_str(s, "status"), "cancelled") || !in_period(c, rec_str(s, "starts_on")))
			continue;
		if ((rc = offering_nation(tx, pledges, s, &nation)) != ST_OK)
			goto done;
		rc = ST_INTERNAL;
		if (!nation || !facility)
			continue;   /* a damaged row: the field specs require both */
		row = tally_group(nat, nation, json_pack("{s:s, s:s?}", "nation", nation, "name",
						    rec_str(json_object_get(nations, nation), "name")));
		if (!row)
			goto done;
		add_seats(row, seats, taken);
		row = tally_group(fac, facility,
			    json_pack("{s:s, s:s?, s:s?}", "facility", facility, "name",
				      rec_str(json_object_get(sites, facility), "name"), "host_nation",
				      rec_str(s, "host_nation")));
		if (!row)
			goto done;
		add_seats(row, seats, taken);
		add_seats(totals, seats, taken);
		if (json_array_append_new(list, seat_row(s, nation, taken)) != 0)
			goto done;
	}
	seat_rates(totals);
	if (!(by_n = tally_group_rows(nat, seat_rates, by_nation)) ||
	    !(by_f = tally_group_rows(fac, seat_rates, by_facility)) ||
	    tally_sort(list, by_start) != ST_OK)
		goto done;
	char summary[256];
	snprintf(summary, sizeof summary,
		 "Training seats, classes starting %s to %s: %lld of %lld seats filled (%.0f %%) "
		 "in %lld sessions.", c->from, c->to, rec_num(totals, "filled"),
		 rec_num(totals, "seats"),
		 100 * rate(rec_num(totals, "filled"), rec_num(totals, "seats")),
		 rec_num(totals, "sessions"));
	c->out = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:O}", "from", c->from, "to", c->to,
			   "summary", summary, "totals", totals, "by_nation", by_n, "by_facility",
			   by_f, "sessions", list);
	rc = c->out ? ST_OK : ST_INTERNAL;
done:
	json_decref(sessions);
	json_decref(filled);
	json_decref(sites);
	json_decref(nations);
	json_decref(pledges);
	json_decref(nat);
	json_decref(fac);
	json_decref(list);
	json_decref(by_n);
	json_decref(by_f);
	json_decref(totals);
	return rc;
}

/* ---- Graduates per capability per month. ------------------------------------------ */

/* The months of the period, "YYYY-MM", in order; NULL on OOM. */
static json_t *months_of(const struct report_ctx *c)
{
	json_t *months = json_array();
	char m[8];

	for (int i = month_index(c->from); months && i <= month_index(c->to); i++) {
		month_text(i, m);
		if (json_array_append_new(months, json_string(m)) != 0) {
			json_decref(months);
			return NULL;
		}
	}
	return months;
}

static int graduates_work(struct store_tx *tx, void *arg)
{
	struct report_ctx *c = arg;
	json_t *rows = NULL, *e, *row, *status = json_string("graduated");
	json_t *cells = json_object(), *caps = json_object(), *months = months_of(c);
	json_t *by_m = NULL, *by_c = NULL;
	long long total = 0;
	size_t i;
	int rc;

	json_decref(c->out);
	c->out = NULL;
	rc = status ? tally_rows_in_scope(tx, c->p, &ESPEC_ENROLMENTS, "status", status, &rows)
		    : ST_INTERNAL;
	if (rc != ST_OK)
		goto done;
	rc = ST_INTERNAL;
	if (!cells || !caps || !months)
		goto done;
	json_array_foreach(rows, i, e) {
		const char *on = rec_str(e, "graduated_on"), *cap = rec_str(e, "qualification");
		char month[8], key[128];

		if (!in_period(c, on))
			continue;
		if (!cap)
			cap = "unknown";   /* training.c sets it with graduated_on */
		snprintf(month, sizeof month, "%.7s", on);
		snprintf(key, sizeof key, "%s\x1f%s", cap, month);
		if (!(row = tally_group(cells, key, json_pack("{s:s, s:s}", "capability", cap, "month",
							month))))
			goto done;
		bump(row, "graduates", 1);
		if (!(row = tally_group(caps, cap, json_pack("{s:s}", "capability", cap))))
			goto done;
		bump(row, "graduates", 1);
		total++;
	}
	if (!(by_m = tally_group_rows(cells, NULL, by_capability_month)) ||
	    !(by_c = tally_group_rows(caps, NULL, by_capability)))
		goto done;
	char summary[256];
	snprintf(summary, sizeof summary, "Graduates %s to %s: %lld in %zu capabilities.", c->from,
		 c->to, total, json_array_size(by_c));
	c->out = json_pack("{s:s, s:s, s:s, s:O, s:{s:I, s:I}, s:O, s:O}", "from", c->from, "to",
			   c->to, "summary", summary, "months", months, "totals", "graduates",
			   (json_int_t)total, "capabilities", (json_int_t)json_array_size(by_c),
			   "by_capability", by_c, "by_month", by_m);
	rc = c->out ? ST_OK : ST_INTERNAL;
done:
	json_decref(status);
	json_decref(rows);
	json_decref(cells);
	json_decref(caps);
	json_decref(months);
	json_decref(by_m);
	json_decref(by_c);
	return rc;
}

/* ---- The pipeline by status. --------------------------------------------------- */

/* Zero counters for every enrolment status, and their sum, into @row
 * (stolen); NULL on OOM. */
static json_t *zero_counts(json_t *row)
{
	if (!row)
		return NULL;
	json_object_set_new(row, "enrolments", json_integer(0));
	for (size_t k = 0; ENROLMENT_STATES[k]; k++)
		json_object_set_new(row, ENROLMENT_STATES[k], json_integer(0));
	return row;
}

/* A course's row, named from @courses (by code). */
static json_t *course_row(const json_t *courses, const char *code)
{
	const json_t *course = json_object_get(courses, code);

	return zero_counts(json_pack("{s:s, s:s?, s:s?}", "course", code, "name",
				     rec_str(course, "name"), "capability",
				     rec_str(course, "capability")));
}

/* Count an enrolment in @status; a status the row has no counter for
 * (none, while the field spec holds) adds to nothing. */
static void count_status(json_t *row, const char *status)
{
	if (!status || !json_object_get(row, status))
		return;
	bump(row, status, 1);
	bump(row, "enrolments", 1);
}

static int pipeline_work(struct store_tx *tx, void *arg)
{
	struct report_ctx *c = arg;
	json_t *courses = NULL, *rows = NULL, *e, *row, *list = NULL;
	json_t *code = c->course ? json_string(c->course) : NULL;
	json_t *groups = json_object(), *totals = zero_counts(json_object());
	size_t i;
	int rc;

	json_decref(c->out);
	c->out = NULL;
	if ((rc = tally_index(tx, &ESPEC_COURSES, &courses)) != ST_OK)
		goto done;
	if (c->course && !json_object_get(courses, c->course)) {
		rc = verr_set(c->err, "course", "no course %s", c->course);
		goto done;
	}
	if (c->course && !code) {
		rc = ST_INTERNAL;
		goto done;
	}
	if ((rc = tally_rows_in_scope(tx, c->p, &ESPEC_ENROLMENTS, c->course ? "course" : NULL,
				      code, &rows)) != ST_OK)
		goto done;
	rc = ST_INTERNAL;
	if (!groups || !totals)
		goto done;
	/* The course asked for is listed even with nothing in its pipeline. */
	if (c->course && !tally_group(groups, c->course, course_row(courses, c->course)))
		goto done;
	json_array_foreach(rows, i, e) {
		const char *course = rec_str(e, "course");
		if (!course || !(row = tally_group(groups, course, course_row(courses, course))))
			goto done;
		count_status(row, rec_str(e, "status"));
		count_status(totals, rec_str(e, "status"));
	}
	if (!(list = tally_group_rows(groups, NULL, by_course)))
		goto done;
	char summary[256];
	snprintf(summary, sizeof summary,
		 "Training pipeline%s%s: %lld enrolments: %lld nominated, %lld enrolled, %lld in "
		 "training, %lld graduated, %lld failed, %lld withdrawn.", c->course ? " of " : "",
		 c->course ? c->course : "", rec_num(totals, "enrolments"),
		 rec_num(totals, "nominated"), rec_num(totals, "enrolled"),
		 rec_num(totals, "in_training"), rec_num(totals, "graduated"),
		 rec_num(totals, "failed"), rec_num(totals, "withdrawn"));
	c->out = json_pack("{s:s?, s:s, s:O, s:O}", "course", c->course, "summary", summary,
			   "totals", totals, "courses", list);
	rc = c->out ? ST_OK : ST_INTERNAL;
done:
	json_decref(courses);
	json_decref(rows);
	json_decref(code);
	json_decref(groups);
	json_decref(totals);
	json_decref(list);
	return rc;
}

/* ---- Notice given to facilities. ---------------------------------------------- */

/* One session's row; its notice in days is added to @days, and *@warning
 * says whether it is short (or unknown). */
static json_t *notice_row(const json_t *s, struct tally *days, bool *warning)
{
	const char *told = rec_str(s, "notified_on");
	int64_t start, on;
	json_t *n = json_null();

	*warning = true;
	if (told && tally_days(told, &on) && tally_days(rec_str(s, "starts_on"), &start)) {
		n = json_integer(start - on);
		*warning = start - on < NOTICE_MIN_DAYS;
		tally_add(days, (double)(start - on));
	}
	return json_pack("{s:s, s:s, s:s, s:s?, s:s, s:I, s:s?, s:s, s:s, s:o, s:b}", "session",
			 rec_str(s, "id"), "course", rec_str(s, "course"), "facility",
			 rec_str(s, "facility"), "host_nation", rec_str(s, "host_nation"), "status",
			 rec_str(s, "status"), "seats", (json_int_t)rec_num(s, "seats"),
			 "notified_on", told, "starts_on", rec_str(s, "starts_on"), "ends_on",
			 rec_str(s, "ends_on"), "notice_days", n, "warning", *warning);
}

static int notice_work(struct store_tx *tx, void *arg)
{
	struct report_ctx *c = arg;
	json_t *sessions = NULL, *s, *list = json_array(), *stats = NULL;
	struct tally days = {0};
	long long short_notice = 0;
	bool warning;
	size_t i;
	int rc;

	json_decref(c->out);
	c->out = NULL;
	if ((rc = tally_rows_in_scope(tx, c->p, &ESPEC_TRAINING_SESSIONS, NULL, NULL,
				      &sessions)) != ST_OK)
		goto done;
	rc = ST_INTERNAL;
	if (!list)
		goto done;
	json_array_foreach(sessions, i, s) {
		if (str_is(rec_str(s, "status"), "cancelled") || !in_period(c, rec_str(s, "starts_on")))
			continue;
		if (json_array_append_new(list, notice_row(s, &days, &warning)) != 0)
			goto done;
		short_notice += warning;
	}
	if (days.failed || !(stats = tally_stats(days.v, days.n, 1)) ||
	    tally_sort(list, by_start) != ST_OK)
		goto done;
	/* tally_stats sorted the figures: the first is the shortest notice. */
	json_t *shortest = days.n ? json_integer((json_int_t)days.v[0]) : json_null();
	char summary[256], median[64] = "";
	if (days.n)
		snprintf(median, sizeof median, "; median %.1f days, shortest %lld",
			 json_number_value(json_object_get(stats, "median")), (long long)days.v[0]);
	snprintf(summary, sizeof summary,
		 "Notice to facilities, classes starting %s to %s: %zu sessions, %lld with under "
		 "%d days' notice%s.", c->from, c->to, json_array_size(list), short_notice,
		 NOTICE_MIN_DAYS, median);
	c->out = json_pack("{s:s, s:s, s:i, s:s, s:{s:I, s:I, s:O, s:O, s:o}, s:O}", "from", c->from,
			   "to", c->to, "minimum_notice_days", NOTICE_MIN_DAYS, "summary", summary,
			   "totals", "sessions", (json_int_t)json_array_size(list), "under_30",
			   (json_int_t)short_notice, "average_notice_days",
			   json_object_get(stats, "average"), "median_notice_days",
			   json_object_get(stats, "median"), "shortest_notice_days", shortest,
			   "sessions", list);
	rc = c->out ? ST_OK : ST_INTERNAL;
done:
	tally_free(&days);
	json_decref(sessions);
	json_decref(list);
	json_decref(stats);
	return rc;
}

/* ---- Entry points (svc.h). ---------------------------------------------------- */

/* The caller may read the reports, and the period is right; then run @fn. */
static int report(struct svc *svc, const struct principal *p, const char *from, const char *to,
		  enum span span, store_work_fn fn, struct report_ctx *c, json_t **out)
{
	int rc;

	*out = NULL;
	if (!perm_allows(p->role, "training_report", ACT_READ))
		return ST_FORBIDDEN;
	if ((rc = period(c, from, to, span)) != ST_OK)
		return rc;
	return run(svc, fn, c, out);
}

int svc_training_seats(struct svc *svc, const struct principal *p, const char *from,
		       const char *to, json_t **out, struct verr *err)
{
	struct report_ctx c = {.p = p, .err = err};

	return report(svc, p, from, to, SPAN_YEAR, seats_work, &c, out);
}

int svc_training_graduates(struct svc *svc, const struct principal *p, const char *from,
			   const char *to, json_t **out, struct verr *err)
{
	struct report_ctx c = {.p = p, .err = err};

	return report(svc, p, from, to, SPAN_MONTHS, graduates_work, &c, out);
}

int svc_training_pipeline(struct svc *svc, const struct principal *p, const char *course,
			  json_t **out, struct verr *err)
{
	struct report_ctx c = {.p = p, .course = course, .err = err};

	return report(svc, p, NULL, NULL, SPAN_NONE, pipeline_work, &c, out);
}

int svc_training_notice(struct svc *svc, const struct principal *p, const char *from,
			const char *to, json_t **out, struct verr *err)
{
	struct report_ctx c = {.p = p, .err = err};

	return report(svc, p, from, to, SPAN_AHEAD, notice_work, &c, out);
}
