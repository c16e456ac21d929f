/*
 * readiness.h - the readiness projection of one capability target: for
 * each unit of capability (a battery, a company ...), the day it becomes
 * operational, whether that meets the target's date, and its critical
 * path: the need and the source that set the date, and what to change to
 * bring it forward.
 *
 * Pure: no database, no I/O, no allocation the caller does not free with
 * ready_result_free.  src/svc/readiness.c gathers the events from the
 * records (docs/planning.md, "Readiness projection").  Days are day
 * numbers: days since 1970-01-01 (plan.h).
 *
 * The model.  A need is an item (so many per unit of capability, delivered
 * at the target's unit) or a course (so many people of the unit through
 * it).  Its events say when units or people become available there: items
 * received, on a shipment (at its planned arrival), allocated and not yet
 * shipped (at the allocation's expected day), the unit's own back from
 * repair; people graduated, or in a session (at its last day).  Unit of
 * capability k needs, of every need, the first reserved + k * quantity
 * units of the pool in day order ("reserved": what targets due earlier at
 * the same unit take first), so it is operational on the latest, over its
 * needs, of the day the last of those arrives; never when fewer are in
 * sight.  Whatever is not there yet comes no earlier than as_of (today).
 */
#ifndef NSATU_PLAN_READINESS_H
#define NSATU_PLAN_READINESS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define READY_NEVER INT_MAX   /* not enough in sight */

enum ready_kind {
	READY_RECEIVED,      /* items received at the unit */
	READY_IN_TRANSIT,    /* items on a shipment: its planned arrival (ETA) */
	READY_ALLOCATED,     /* allocated, not yet on a shipment: expected day */
	READY_IN_REPAIR,     /* the unit's own, in repair: expected completion */
	READY_GRADUATED,     /* people who graduated from the course */
	READY_PROJECTED,     /* people in a session: its last day */
};

/* "received", "in_transit", "allocated", "in_repair", "graduated", "projected". */
const char *ready_kind_name(enum ready_kind k);

struct ready_event {
	int day;
	long long units;       /* > 0 */
	enum ready_kind kind;
	bool estimated;        /* the day is a stand-in (no expected date on record) */
	const char *source;    /* borrowed: the shipment, allocation, repair order,
				* enrolment or session it comes from */
};

struct ready_need {
	const char *what;      /* borrowed: the item or course code */
	bool people;           /* a course's graduates, else items */
	long long quantity;    /* per unit of capability, >= 1 */
	long long reserved;    /* units of the pool earlier targets take first, >= 0 */
	const struct ready_event *events;   /* in any order */
	size_t nevents;
};

struct ready_target {
	int count;             /* units of capability, 1 .. 10000 */
	int due;               /* the day all should be operational */
	int as_of;             /* today */
	const struct ready_need *needs;
	size_t nneeds;
};

/* What the critical path asks for. */
enum ready_action {
	READY_ACT_NONE,          /* operational already, or nothing single helps */
	READY_ACT_BRING_FORWARD, /* bring the source forward by `days` */
	READY_ACT_FIND,          /* find `units` more of the need */
};

/* "none", "bring_forward", "find". */
const char *ready_action_name(enum ready_action a);

struct ready_unit {
	int k;                  /* 1 .. count */
	int day;                /* operational on, or READY_NEVER */
	bool on_time;           /* day <= due */
	int days_late;          /* day - due when late (0 when never: see missing) */
	/* The critical path. */
	int need;               /* the binding need (index), -1 when there are no needs */
	int event;              /* its event holding the last unit needed (index into
				 * the need's events as given), -1 when never */
	enum ready_action action;
	int days;               /* bring forward by this many days */
	long long units;        /* find this many units or people */
	int moves_to;           /* the unit's day once that is done, or READY_NEVER */
	int then_need;          /* what binds then: a need (-1: the goal itself, due
				 * date or today) */
	int then_event;         /* and its event, -1 when none */
	const long long *missing; /* per need: units short for this unit (0 when
				   * enough are in sight); nneeds of them */
};

struct ready_result {
	struct ready_unit *units;  /* count of them, k = 1 first */
	size_t nunits;
	long long *missing;        /* nunits * nneeds, the units' `missing` */
	long long *in_sight;       /* per need: units or people of all its events */
	int on_time;               /* units operational by the due day */
	int last_day;              /* the day the last unit is operational, or READY_NEVER */
};

/*
 * Project @t into @r (zeroed by the call; free with ready_result_free).
 * Returns 0, or -1 with @err naming the bad input ("needs[2].quantity:
 * must be at least 1") and @r left empty.
 */
int ready_project(const struct ready_target *t, struct ready_result *r, char *err,
		  size_t errlen);
void ready_result_free(struct ready_result *r);

/* The day @e counts from: its day, or as_of for what is not there yet
 * (anything but received items and graduates) when that day has passed. */
int ready_event_day(const struct ready_target *t, const struct ready_event *e);

#endif
