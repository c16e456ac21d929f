/*
 * schedule.h - the training scheduler: which trainee to nominate for which
 * session so that the crews of each capability target graduate by its
 * date, within the sessions' free seats and the courses' prerequisites,
 * never in two sessions at once; and, for what cannot be met, why.
 *
 * Pure: no database, no I/O.  src/svc/schedule.c gathers the sessions,
 * trainees and demands from the records and turns the assignments into
 * nominations (docs/planning.md, "Training scheduler").  Days are day
 * numbers: days since 1970-01-01 (plan.h).  Two date ranges overlap unless
 * one ends before the other starts, as the enrolment rule has it.
 */
#ifndef NSATU_PLAN_SCHEDULE_H
#define NSATU_PLAN_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

struct sched_course {
	const char *code;            /* borrowed, as every string here */
	const char *prerequisites;   /* "C-A;C-B", or NULL / "" for none */
};

struct sched_session {
	const char *id;
	const char *course;
	int start, end;              /* first and last day */
	int free_seats;              /* seats not yet claimed, >= 0 */
	bool open;                   /* takes nominations (planned or open) */
};

/* What a trainee already has: a course passed, or a place in a session. */
struct sched_history {
	const char *course;
	int start, end;              /* the session's days */
	bool graduated;              /* passed; else nominated, enrolled or in training */
};

struct sched_trainee {
	const char *id;
	const char *unit;
	const struct sched_history *history;
	size_t nhistory;
};

/* People of @unit who must have passed @course by day @due, for @target. */
struct sched_demand {
	const char *target;
	const char *course;
	const char *unit;
	int people;                  /* >= 0 */
	int due;
};

struct sched_problem {
	int as_of;                   /* no session starting before this day is used */
	const struct sched_course *courses;
	size_t ncourses;
	const struct sched_session *sessions;
	size_t nsessions;
	const struct sched_trainee *trainees;
	size_t ntrainees;
	const struct sched_demand *demands;
	size_t ndemands;
};

/* One nomination: @trainee to @session (indices into the problem). */
struct sched_assignment {
	size_t trainee, session, demand;
	bool prerequisite;     /* for a course the demanded one requires */
	bool deferred;         /* a prerequisite is still to be passed first: the
				* nomination can be made only after it */
};

/* Why a demand is not met in full. */
enum sched_reason {
	SCHED_NO_SESSION,      /* no open session of the course ends by the date */
	SCHED_NO_SEATS,        /* there are, but their seats are taken */
	SCHED_NO_CANDIDATES,   /* no trainee of the unit left without the course */
	SCHED_PREREQUISITES,   /* the prerequisites cannot be fitted before */
	SCHED_BUSY,            /* the candidates are in other sessions then */
};

/* "no_session", "no_free_seats", "no_candidates", "prerequisites", "busy". */
const char *sched_reason_name(enum sched_reason r);

struct sched_shortfall {
	size_t demand;
	int needed, assigned;
	enum sched_reason reason;
	int candidates;        /* trainees of the unit still without the course */
	int sessions;          /* open sessions of the course that end by the date */
	int seats;             /* free seats left in them */
};

struct sched_result {
	struct sched_assignment *assignments;
	size_t nassignments;
	struct sched_shortfall *shortfalls;
	size_t nshortfalls;
	int *free_seats;       /* per session, after the assignments */
};

/*
 * Schedule @p into @r (zeroed by the call; free with sched_result_free).
 * Returns 0, or -1 with @err naming the bad input ("sessions[3].end:
 * before its start") and @r left empty.
 */
int sched_solve(const struct sched_problem *p, struct sched_result *r, char *err,
		size_t errlen);
void sched_result_free(struct sched_result *r);

#endif
