/*
 * demo_training.c - the demo's training: about fourteen months of sessions
 * of the demo courses (from some ten months ago to four months ahead,
 * dated relative to today), training-seat pledges of four donors tied to
 * some of them, and some 500 pseudonymous trainees moving through them.
 *
 * Past sessions are completed (most trainees graduated, a few failed or
 * withdrawn), current ones running, the next ones open and later ones
 * planned; two are cancelled.  Advanced infantry draws on graduates of
 * basic infantry and battalion collective training on graduates of
 * advanced infantry, so the prerequisite chains hold; a trainee is never in
 * two sessions at once, and one withdrawn comes back in the next run.
 *
 * The sessions' seats are near class_max, but the big classes (infantry,
 * collective training: hundreds a class) offer the demo's four units a
 * platoon's worth of seats, about 30: filling whole intakes would take
 * thousands of trainees and make `nsatu demo` slow, and a seats report of
 * 5 % filled would mislead.
 *
 * Everything goes through the same use cases as the API, each move made by
 * the role the workflow names: the planner plans sessions and records the
 * pledges, Ukraine's officer registers and nominates trainees, and each
 * facility's operator enrols, trains and graduates them.  Everything is
 * deterministic except the ids the server makes.
 */
#include "demo.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NEVER INT_MIN   /* a course a trainee has not graduated from */
#define MAX_RUNS 64
#define MAX_FILL 24     /* nominees of one run */
#define MAX_TRAINEES 700

/* Who takes a course: their specialties and ranks. */
struct people {
	const char *const *specialties;
	const char *const *ranks;
};

static const char *const rifleman[] = {"rifleman", "machine gunner", "grenadier",
				       "combat medic", NULL};
static const char *const soldier_ranks[] = {"Soldier", "Soldier", "Senior Soldier",
					    "Junior Sergeant", "Sergeant", NULL};
static const char *const air_defence[] = {"air defence missile operator",
					  "air defence radar technician", "launcher crew member",
					  NULL};
static const char *const tank_crew[] = {"tank commander", "tank gunner", "tank driver",
					"tank loader", NULL};
static const char *const nco_ranks[] = {"Senior Soldier", "Junior Sergeant", "Sergeant",
					"Senior Sergeant", "Junior Lieutenant", "Lieutenant", NULL};
static const char *const pilot[] = {"fighter pilot", NULL};
static const char *const officer_ranks[] = {"Lieutenant", "Senior Lieutenant", "Captain",
					    "Captain", "Major", NULL};
static const char *const aircraft_mx[] = {"aircraft maintenance technician",
					  "avionics technician", "armament technician", NULL};
static const char *const technician_ranks[] = {"Sergeant", "Senior Sergeant",
					       "Master Sergeant", "Junior Lieutenant", NULL};

static const struct people infantry = {rifleman, soldier_ranks};
static const struct people ad_crews = {air_defence, nco_ranks};
static const struct people tankers = {tank_crew, nco_ranks};
static const struct people pilots = {pilot, officer_ranks};
static const struct people mechanics = {aircraft_mx, technician_ranks};

/*
 * The runs of each course: the first starts @first days from today (negative:
 * in the past), the next every @every days.  Each run gets @fill nominees
 * (half that while planned), first from the graduates of @from when set.
 * Runs @pledge_from to @pledge_to are offered by @donor's training-seat
 * pledge; run @cancel (-1: none) is cancelled for @why.
 */
struct course_plan {
	const char *code;
	int first, every, runs, fill;
	const char *from;
	const struct people *people;
	const char *donor;
	int pledge_from, pledge_to;
	int cancel;
	const char *why;
};

static const struct course_plan PLANS[] = {
	{"C-INFANTRY-BASIC", -300, 42, 11, 20, NULL, &infantry, NULL, 0, -1, -1, NULL},
	{"C-INFANTRY-ADV", -250, 56, 7, 14, "C-INFANTRY-BASIC", &infantry, NULL, 0, -1, -1, NULL},
	{"C-BN-COLLECTIVE", -280, 91, 5, 16, "C-INFANTRY-ADV", &infantry, NULL, 0, -1, 4,
	 "the training area is needed for a NATO exercise"},
	{"C-PAT-OP", -295, 105, 4, 16, NULL, &ad_crews, "USA", 0, 2, -1, NULL},
	{"C-LEO2-CREW-DE", -290, 63, 7, 10, NULL, &tankers, "DEU", 2, 5, -1, NULL},
	{"C-LEO2-CREW-PL", -270, 49, 8, 10, NULL, &tankers, NULL, 0, -1, 3,
	 "the Leopard 2 training fleet is grounded for repairs; crews move to the next class"},
	{"C-F16-PILOT", -300, 120, 4, 10, NULL, &pilots, "NLD", 1, 3, -1, NULL},
	{"C-F16-MX", -280, 130, 4, 16, NULL, &mechanics, "DNK", 0, 2, -1, NULL},
};
#define NPLANS (sizeof PLANS / sizeof *PLANS)

static const char *const UNITS[] = {"UA-UNIT-N", "UA-UNIT-E", "UA-UNIT-S", "UA-UNIT-W"};

/* One run of a course, in days from today. */
struct run {
	size_t plan;          /* index into PLANS */
	int k;                /* the course's k-th run */
	int start, end, seats, notice;
	char facility[24];
	char id[48];
};

struct trainee {
	char id[48];
	size_t home;                /* the plan they were registered for */
	bool active;                /* nominated, enrolled or in training */
	bool taken[NPLANS];         /* nominated for the course, and not withdrawn */
	int graduated_end[NPLANS];  /* the last day of the run they graduated from */
};

struct demo {
	struct svc *svc;
	struct principal planner, officer, facility;
	char *errbuf;
	size_t errlen;
	time_t now;
	char pledge[NPLANS][48];     /* each plan's training-seat pledge, "" for none */
	struct trainee *trainees;
	size_t ntrainees, nenrolments;
};

static const char *str(const json_t *rec, const char *field)
{
	return json_string_value(json_object_get(rec, field));
}

/* A deterministic scramble of two small numbers, for the demo's choices. */
static unsigned mix(unsigned a, unsigned b)
{
	unsigned h = a * 2654435761u ^ (b + 0x9e3779b9u + (a << 6) + (a >> 2));

	h ^= h >> 15;
	h *= 2246822519u;
	return h ^ (h >> 13);
}

static size_t count(const char *const *list)
{
	size_t n = 0;

	while (list[n])
		n++;
	return n;
}

/* "YYYY-MM-DD", @days from today (UTC). */
static void date_in(const struct demo *d, int days, char out[11])
{
	time_t t = d->now + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int fail(struct demo *d, const char *what, int rc, const struct verr *err)
{
	char why[512];

	demo_fail(why, sizeof why, what, rc, err);
	snprintf(d->errbuf, d->errlen, "demo training: %s", why);
	return rc;
}

static int make(struct demo *d, const struct principal *p, const struct espec *e, json_t *rec,
		char id[48])
{
	return demo_create(d->svc, p, e, rec, id, d->errbuf, d->errlen);
}

static int move(struct demo *d, const struct principal *p, const struct espec *e,
		const char *id, const char *to, const char *reason)
{
	struct verr err = {.field = ""};
	json_t *after = NULL;
	int rc = svc_transition(d->svc, p, e, id, to, reason, -1, &after, &err);

	json_decref(after);
	return rc == ST_OK ? ST_OK : fail(d, to, rc, &err);
}

/* ---- Pledges and sessions. ---------------------------------------------------- */

static int course_of(struct demo *d, const char *code, json_t **course)
{
	struct verr err = {.field = ""};
	int rc = svc_rec_get(d->svc, &d->planner, &ESPEC_COURSES, code, course);

	return rc == ST_OK ? ST_OK : fail(d, code, rc, &err);
}

/* Seats of a course's k-th run: class_max, or a tenth or a fifth less, in
 * turn; for the big classes, the demo units' share of about 30. */
static int seats_of(long long class_max, int k)
{
	if (class_max > 100)
		return 30 - 3 * (k % 3);
	return (int)(class_max - class_max / 10 * (k % 3));
}

/* Lay out every run of every course, and record the pledges that offer
 * some of them (committed a quarter before their first run). */
static int plan_runs(struct demo *d, struct run *runs, size_t *nruns)
{
	int rc = ST_OK;

	*nruns = 0;
	for (size_t i = 0; i < NPLANS && rc == ST_OK; i++) {
		const struct course_plan *cp = &PLANS[i];
		json_t *course = NULL;
		long long offered = 0;

		if ((rc = course_of(d, cp->code, &course)) != ST_OK)
			break;
		long long days = json_integer_value(json_object_get(course, "duration_days"));
		long long class_max = json_integer_value(json_object_get(course, "class_max"));
		json_decref(course);
		for (int k = 0; k < cp->runs && *nruns < MAX_RUNS; k++) {
			struct run *r = &runs[(*nruns)++];
			*r = (struct run){.plan = i, .k = k, .start = cp->first + k * cp->every};
			r->end = r->start + (int)days - 1;
			r->seats = seats_of(class_max, k);
			/* Either a comfortable 45 to 60 days' notice or a short 12 to 25:
			 * a third of the runs, and the ones starting in the next four
			 * weeks, so that the notice report (which looks ahead) has
			 * warnings to show. */
			bool short_notice = (i + (size_t)k) % 3 == 2 || (r->start > 0 && r->start <= 28);
			r->notice = short_notice ? 12 + (int)(i * 5 + (size_t)k * 3) % 14
						 : 45 + (int)(i * 7 + (size_t)k * 5) % 16;
			if (k >= cp->pledge_from && k <= cp->pledge_to)
				offered += r->seats;
		}
		d->pledge[i][0] = '\0';
		if (!cp->donor)
			continue;
		char on[11];
		date_in(d, cp->first + cp->pledge_from * cp->every - 90, on);
		if ((rc = make(d, &d->planner, &ESPEC_PLEDGES,
			       json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "nation", cp->donor, "kind",
					 "training_seats", "pledged_on", on, "course", cp->code,
					 "seats", (json_int_t)offered, "source", "illustrative"),
			       d->pledge[i])) == ST_OK)
			rc = move(d, &d->planner, &ESPEC_PLEDGES, d->pledge[i], "committed", NULL);
	}
	return rc;
}

/* Runs in the order they start (then in the order of PLANS). */
static int by_start(const void *a, const void *b)
{
	const struct run *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->plan < y->plan ? -1 : x->plan > y->plan;
}

static int create_session(struct demo *d, struct run *r)
{
	const struct course_plan *cp = &PLANS[r->plan];
	char from[11], to[11], told[11];
	json_t *course = NULL;
	int rc;

	if ((rc = course_of(d, cp->code, &course)) != ST_OK)
		return rc;
	date_in(d, r->start, from);
	date_in(d, r->end, to);
	/* Sessions far ahead were made known today, with more notice still. */
	date_in(d, r->start - r->notice < 0 ? r->start - r->notice : 0, told);
	json_t *rec = json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "course", cp->code, "facility",
				str(course, "facility"), "starts_on", from, "ends_on", to, "seats",
				(json_int_t)r->seats, "notified_on", told);
	snprintf(r->facility, sizeof r->facility, "%s", str(course, "facility"));
	json_decref(course);
	if (rec && d->pledge[r->plan][0] && r->k >= cp->pledge_from && r->k <= cp->pledge_to)
		json_object_set_new(rec, "pledge", json_string(d->pledge[r->plan]));
	return make(d, &d->planner, &ESPEC_TRAINING_SESSIONS, rec, r->id);
}

/* ---- Trainees and enrolments. --------------------------------------------------- */

static int new_trainee(struct demo *d, size_t home, size_t *index)
{
	const struct people *who = PLANS[home].people;
	size_t i = d->ntrainees;
	char number[16];

	if (i >= MAX_TRAINEES) {
		snprintf(d->errbuf, d->errlen, "demo training: more than %d trainees", MAX_TRAINEES);
		return ST_INTERNAL;
	}
	/* Seven digits, distinct for every i (7919 is prime to 9 000 000). */
	snprintf(number, sizeof number, "UA-%07lu", 1000000ul + (unsigned long)i * 7919ul % 9000000ul);
	const char *specialty = who->specialties[mix((unsigned)i, 1) % count(who->specialties)];
	const char *rank = who->ranks[mix((unsigned)i, 2) % count(who->ranks)];
	struct trainee *t = &d->trainees[i];
	int rc = make(d, &d->officer, &ESPEC_TRAINEES,
		      json_pack("{s:s,s:s,s:s,s:s,s:s}", "service_number", number, "nation", "UKR",
				"unit", UNITS[mix((unsigned)i, 3) % 4], "specialty", specialty,
				"rank", rank),
		      t->id);

	if (rc != ST_OK)
		return rc;
	for (size_t c = 0; c < NPLANS; c++)
		t->graduated_end[c] = NEVER;
	t->home = home;
	d->ntrainees++;
	*index = i;
	return ST_OK;
}

/* May trainee @t be nominated for run @r?  Not while in another course,
 * not twice for one course (unless withdrawn), and only after graduating,
 * before @r starts, from the course the plan draws on (@from, NPLANS for
 * none: then only those registered for this course). */
static bool eligible(const struct trainee *t, const struct run *r, size_t from)
{
	if (t->active || t->taken[r->plan])
		return false;
	if (from == NPLANS)
		return t->home == r->plan;
	return t->graduated_end[from] != NEVER && t->graduated_end[from] < r->start;
}

/* Up to @want trainees for run @r into @picked: first those waiting for
 * the course (withdrawn from an earlier run) or graduates of the course the
 * plan draws on, in the order they were registered, then new ones. */
static int pick(struct demo *d, const struct run *r, size_t want, size_t *picked, size_t *n)
{
	const struct course_plan *cp = &PLANS[r->plan];
	size_t from = NPLANS;
	int rc = ST_OK;

	for (size_t c = 0; cp->from && c < NPLANS; c++) {
		if (strcmp(PLANS[c].code, cp->from) == 0)
			from = c;
	}
	*n = 0;
	for (size_t i = 0; i < d->ntrainees && *n < want; i++) {
		if (eligible(&d->trainees[i], r, from))
			picked[(*n)++] = i;
	}
	while (*n < want && rc == ST_OK)
		rc = new_trainee(d, r->plan, &picked[(*n)++]);
	return rc;
}

/* How far a run has come by today. */
enum stage { PLANNED, OPEN, RUNNING, COMPLETED, CANCELLED };

static enum stage stage_of(const struct run *r)
{
	if (PLANS[r->plan].cancel == r->k)
		return CANCELLED;
	if (r->end < 0)
		return COMPLETED;
	if (r->start <= 0)
		return RUNNING;
	return r->start <= 60 ? OPEN : PLANNED;
}

/* The end of trainee @t's enrolment @id: to @to (withdrawn, failed or
 * graduated) on the last day of run @r. */
static int finish(struct demo *d, const struct principal *p, struct trainee *t,
		  const struct run *r, const char *id, const char *to, const char *reason)
{
	int rc = move(d, p, &ESPEC_ENROLMENTS, id, to, reason);

	t->active = false;
	if (strcmp(to, "withdrawn") == 0)
		t->taken[r->plan] = false;   /* they may come back in a later run */
	else if (strcmp(to, "graduated") == 0)
		t->graduated_end[r->plan] = r->end;
	return rc;
}

/*
 * Plan run @r (the @index-th to start) and take it as far as today: its
 * trainees nominated, enrolled, in training and through, each a few in a
 * hundred withdrawn or failed, as chance (a deterministic one) has it.
 */
static int run_session(struct demo *d, struct run *r, unsigned index)
{
	const struct course_plan *cp = &PLANS[r->plan];
	enum stage stage = stage_of(r);
	/* Still planned (when cancelled too, far enough ahead). */
	bool planned = stage == PLANNED || (stage == CANCELLED && r->start > 60);
	size_t want = (size_t)cp->fill, picked[MAX_FILL], n = 0;
	char enr[MAX_FILL][48];
	bool in[MAX_FILL] = {false};   /* enrolled (a seat taken) */
	int rc;

	if (planned)
		want /= 2;   /* nominations are still coming in */
	if (want > (size_t)r->seats)
		want = (size_t)r->seats;
	if (want > MAX_FILL)
		want = MAX_FILL;
	if ((rc = create_session(d, r)) != ST_OK)
		return rc;
	/* The run's facility operator: a site-bound role acts at its site only. */
	snprintf(d->facility.site, sizeof d->facility.site, "%s", r->facility);
	if (!planned &&
	    (rc = move(d, &d->planner, &ESPEC_TRAINING_SESSIONS, r->id, "open", NULL)) != ST_OK)
		return rc;
	if ((rc = pick(d, r, want, picked, &n)) != ST_OK)
		return rc;
	for (size_t j = 0; j < n && rc == ST_OK; j++) {
		struct trainee *t = &d->trainees[picked[j]];
		rc = make(d, &d->officer, &ESPEC_ENROLMENTS,
			  json_pack("{s:s,s:s}", "trainee", t->id, "session", r->id), enr[j]);
		t->active = t->taken[r->plan] = true;
		d->nenrolments++;
	}
	/* The unit cannot spare a few; the facility confirms the others (in an
	 * open run, two in three so far; in a cancelled one, half). */
	for (size_t j = 0; j < n && rc == ST_OK && stage != PLANNED; j++) {
		unsigned u = mix(index * 31 + (unsigned)j, 7) % 100;
		if (u < 4 && stage != CANCELLED) {
			rc = finish(d, &d->officer, &d->trainees[picked[j]], r, enr[j], "withdrawn",
				    "the unit cannot release the trainee");
		} else if ((stage != OPEN || 3 * j < 2 * n) && (stage != CANCELLED || 2 * j < n)) {
			rc = move(d, &d->facility, &ESPEC_ENROLMENTS, enr[j], "enrolled", NULL);
			in[j] = rc == ST_OK;
		}
	}
	if (rc != ST_OK)
		return rc;
	if (stage == CANCELLED) {
		/* The service withdraws the run's nominations and enrolments. */
		rc = move(d, &d->planner, &ESPEC_TRAINING_SESSIONS, r->id, "cancelled", cp->why);
		for (size_t j = 0; j < n; j++) {
			d->trainees[picked[j]].active = false;
			d->trainees[picked[j]].taken[r->plan] = false;
		}
		return rc;
	}
	if (stage != RUNNING && stage != COMPLETED)
		return ST_OK;
	if ((rc = move(d, &d->planner, &ESPEC_TRAINING_SESSIONS, r->id, "running", NULL)) != ST_OK)
		return rc;
	for (size_t j = 0; j < n && rc == ST_OK; j++) {
		struct trainee *t = &d->trainees[picked[j]];
		unsigned u = mix(index * 31 + (unsigned)j, 7) % 100;

		if (!in[j])
			continue;
		rc = move(d, &d->facility, &ESPEC_ENROLMENTS, enr[j], "in_training", NULL);
		if (rc != ST_OK)
			break;
		if (u >= 4 && u < 7 && stage == RUNNING)
			rc = finish(d, &d->facility, t, r, enr[j], "withdrawn", "injured in training");
		else if (u >= 4 && u < 7)
			rc = finish(d, &d->officer, t, r, enr[j], "withdrawn", "recalled to the unit");
		else if (stage == COMPLETED && u < 13)
			rc = finish(d, &d->facility, t, r, enr[j], "failed",
				    "did not pass the final qualification");
		else if (stage == COMPLETED)
			rc = finish(d, &d->facility, t, r, enr[j], "graduated", NULL);
	}
	if (rc == ST_OK && stage == COMPLETED)
		rc = move(d, &d->planner, &ESPEC_TRAINING_SESSIONS, r->id, "completed", NULL);
	return rc;
}

int io_demo_training(struct svc *svc, const struct principal *p, FILE *progress,
		     char *errbuf, size_t errlen)
{
	struct demo d = {.svc = svc, .planner = *p, .errbuf = errbuf, .errlen = errlen,
			 .now = time(NULL)};
	struct run runs[MAX_RUNS];
	size_t nruns = 0, npledges = 0;
	int rc;

	svc_system_as(&d.officer, ROLE_RECIPIENT_OFFICER);
	snprintf(d.officer.nation, sizeof d.officer.nation, "UKR");
	svc_system_as(&d.facility, ROLE_FACILITY_OPERATOR);
	if (!(d.trainees = calloc(MAX_TRAINEES, sizeof *d.trainees))) {
		snprintf(errbuf, errlen, "demo training: out of memory");
		return ST_INTERNAL;
	}
	if ((rc = plan_runs(&d, runs, &nruns)) != ST_OK)
		goto done;
	qsort(runs, nruns, sizeof *runs, by_start);
	for (size_t i = 0; i < nruns && rc == ST_OK; i++)
		rc = run_session(&d, &runs[i], (unsigned)i);
	for (size_t i = 0; i < NPLANS; i++)
		npledges += d.pledge[i][0] != '\0';
	if (rc == ST_OK && progress)
		fprintf(progress,
			"  %-22s %4zu records (%zu pledges, %zu sessions, %zu trainees, %zu enrolments)\n",
			"training", npledges + nruns + d.ntrainees + d.nenrolments, npledges, nruns,
			d.ntrainees, d.nenrolments);
done:
	free(d.trainees);
	return rc;
}
