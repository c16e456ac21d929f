/*
 * training.c - the field specs and workflows of training at Allied
 * facilities: courses, their sessions (runs of a course), pseudonymous
 * trainees, and enrolments.
 *
 * Trainees carry no name and no service number: the server keeps only a
 * keyed hash of the service number (the key is in the server's
 * configuration, never in the database), with unit, specialty and rank.
 */
#include "spec.h"

#include <string.h>

#define R(role) ROLE_BIT(ROLE_##role)

#define CREATED_FIELDS \
	{"created_by", FT_STRING, FS_READONLY | FS_FILTER, 0, 64, NULL, NULL, NULL, \
	 "Who recorded it."}, \
	{"created_at", FT_TIME, FS_READONLY, 0, 32, NULL, NULL, NULL, "When."}

/* ISO 639-1: two lower-case letters. */
static const char *check_language(const char *s)
{
	if (strlen(s) != 2 || s[0] < 'a' || s[0] > 'z' || s[1] < 'a' || s[1] > 'z')
		return "must be an ISO 639-1 code: two lower-case letters, e.g. en, uk";
	return NULL;
}

/* ---- Courses. ----------------------------------------------------------------- */

static const struct fspec course_fields[] = {
	{"code", FT_STRING, FS_KEY | FS_REQUIRED, 2, 24, NULL, check_code, NULL,
	 "Course code, e.g. C-PAT-OP."},
	{"name", FT_STRING, FS_REQUIRED, 1, 120, NULL, NULL, NULL, "Course name."},
	{"capability", FT_STRING, FS_REQUIRED | FS_FILTER, 1, 80, NULL, NULL, NULL,
	 "What the course qualifies for, e.g. Patriot battery."},
	{"facility", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "The training facility that usually runs it."},
	{"duration_days", FT_INT, FS_REQUIRED, 1, 1000, NULL, NULL, NULL, "Length in days."},
	{"class_min", FT_INT, FS_REQUIRED, 1, 10000, NULL, NULL, NULL,
	 "Fewest trainees for a class to run."},
	{"class_max", FT_INT, FS_REQUIRED, 1, 10000, NULL, NULL, NULL, "Most trainees in a class."},
	{"prerequisites", FT_STRING, FS_NULLABLE, 2, 500, NULL, check_code_list, NULL,
	 "Courses a trainee must have passed first, ';'-separated."},
	{"language", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 2, NULL, check_language, NULL,
	 "Language of instruction (ISO 639-1)."},
	{"interpreter", FT_BOOL, FS_FILTER, 0, 0, NULL, NULL, NULL,
	 "An interpreter is needed."},
	{"notes", FT_STRING, FS_NULLABLE, 0, 500, NULL, NULL, NULL, "Free text."},
	VERSION_FIELD,
};

static const char *course_check(const json_t *rec, const char **field)
{
	*field = "class_max";
	if (json_integer_value(json_object_get(rec, "class_max")) <
	    json_integer_value(json_object_get(rec, "class_min")))
		return "must not be below class_min";
	return NULL;
}

const struct espec ESPEC_COURSES = {
	"courses", "courses", "code", NULL, NULL, course_fields, N(course_fields),
	"Training courses: what they qualify for, where, how long, for how many.",
	NULL, 0, course_check,
};

/* ---- Sessions. ------------------------------------------------------------------- */

const char *const SESSION_STATES[] = {
	"planned", "open", "running", "completed", "cancelled", NULL,
};

static const struct fspec session_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"course", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "courses",
	 "The course."},
	{"facility", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "The training facility running it."},
	{"host_nation", FT_STRING, FS_READONLY | FS_FILTER, 3, 3, NULL, NULL, NULL,
	 "Derived: the facility's nation."},
	{"starts_on", FT_DATE, FS_REQUIRED, 10, 10, NULL, NULL, NULL, "First day."},
	{"ends_on", FT_DATE, FS_REQUIRED, 10, 10, NULL, NULL, NULL, "Last day."},
	{"seats", FT_INT, FS_REQUIRED, 1, 10000, NULL, NULL, NULL,
	 "Seats: at most the course's class_max."},
	{"pledge", FT_STRING, FS_NULLABLE | FS_FILTER, 1, 40, NULL, NULL, "pledges",
	 "The donor's training-seat pledge for this course that offers the seats."},
	{"notified_on", FT_DATE, FS_NULLABLE, 10, 10, NULL, NULL, NULL,
	 "When the facility was told of the class (its notice); default: the day the session "
	 "was recorded."},
	{"status", FT_ENUM, FS_READONLY | FS_FILTER, 1, 16, SESSION_STATES, NULL, NULL,
	 "planned, open, running, completed or cancelled."},
	{"status_reason", FT_STRING, FS_READONLY | FS_NULLABLE, 0, 1000, NULL, NULL, NULL,
	 "Why it was cancelled."},
	CREATED_FIELDS,
	VERSION_FIELD,
};

static const char *session_check(const json_t *rec, const char **field)
{
	const char *from = json_string_value(json_object_get(rec, "starts_on"));
	const char *to = json_string_value(json_object_get(rec, "ends_on"));
	const char *told = json_string_value(json_object_get(rec, "notified_on"));

	*field = "ends_on";
	if (from && to && strcmp(to, from) < 0)
		return "must not be before starts_on";
	*field = "notified_on";
	if (told && from && strcmp(told, from) > 0)
		return "must not be after starts_on";
	return NULL;
}

const struct espec ESPEC_TRAINING_SESSIONS = {
	"training_sessions", "training_sessions", "id", NULL, "facility", session_fields,
	N(session_fields), "Sessions: runs of a course at a training facility.",
	"TRS", R(FACILITY_OPERATOR), session_check,
};

const struct transition SESSION_FLOW[] = {
	{"planned", "open", R(PLANNER) | R(FACILITY_OPERATOR), false, false},
	{"open", "running", R(PLANNER) | R(FACILITY_OPERATOR), false, false},
	{"running", "completed", R(PLANNER) | R(FACILITY_OPERATOR), false, false},
	{"planned", "cancelled", R(PLANNER) | R(FACILITY_OPERATOR), true, false},
	{"open", "cancelled", R(PLANNER) | R(FACILITY_OPERATOR), true, false},
	{NULL, NULL, 0, false, false},
};

/* ---- Trainees. -------------------------------------------------------------------- */

static const struct fspec trainee_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"pseudonym", FT_STRING, FS_READONLY | FS_FILTER, 64, 64, NULL, NULL, NULL,
	 "Keyed BLAKE2b hash of the service number (hex): the same person, never the number."},
	{"nation", FT_STRING, FS_REQUIRED | FS_FILTER, 3, 3, NULL, check_iso3, "nations",
	 "The trainee's nation (the recipient)."},
	{"unit", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "The trainee's unit."},
	{"specialty", FT_STRING, FS_REQUIRED | FS_FILTER, 1, 80, NULL, NULL, NULL,
	 "Military specialty, e.g. air defence operator."},
	{"rank", FT_STRING, FS_REQUIRED | FS_FILTER, 1, 40, NULL, NULL, NULL, "Rank."},
	CREATED_FIELDS,
	VERSION_FIELD,
};

const struct espec ESPEC_TRAINEES = {
	"trainees", "trainees", "id", "nation", NULL, trainee_fields, N(trainee_fields),
	"Trainees, pseudonymous: a keyed hash of the service number, unit, specialty, rank.",
	"TRN", R(RECIPIENT_OFFICER), NULL,
};

/* ---- Enrolments. ------------------------------------------------------------------ */

const char *const ENROLMENT_STATES[] = {
	"nominated", "enrolled", "in_training", "graduated", "failed", "withdrawn", NULL,
};

static const struct fspec enrolment_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"trainee", FT_STRING, FS_REQUIRED | FS_FILTER, 1, 40, NULL, NULL, "trainees",
	 "The trainee."},
	{"session", FT_STRING, FS_REQUIRED | FS_FILTER, 1, 40, NULL, NULL, "training_sessions",
	 "The session."},
	{"course", FT_STRING, FS_READONLY | FS_FILTER, 0, 24, NULL, NULL, NULL,
	 "Derived: the session's course."},
	{"facility", FT_STRING, FS_READONLY | FS_FILTER, 0, 24, NULL, NULL, NULL,
	 "Derived: the session's facility (for scope)."},
	{"nation", FT_STRING, FS_READONLY | FS_FILTER, 0, 3, NULL, NULL, NULL,
	 "Derived: the trainee's nation (for scope)."},
	{"status", FT_ENUM, FS_READONLY | FS_FILTER, 1, 16, ENROLMENT_STATES, NULL, NULL,
	 "nominated, enrolled, in_training, graduated, failed or withdrawn."},
	{"status_reason", FT_STRING, FS_READONLY | FS_NULLABLE, 0, 1000, NULL, NULL, NULL,
	 "Why the trainee failed or was withdrawn."},
	{"qualification", FT_STRING, FS_READONLY | FS_NULLABLE | FS_FILTER, 0, 80, NULL, NULL,
	 NULL, "Set at graduation: the capability the course qualifies for."},
	{"graduated_on", FT_DATE, FS_READONLY | FS_NULLABLE, 0, 10, NULL, NULL, NULL,
	 "Set at graduation: the session's last day, or the day it was recorded if earlier."},
	CREATED_FIELDS,
	VERSION_FIELD,
};

const struct espec ESPEC_ENROLMENTS = {
	"enrolments", "enrolments", "id", "nation", "facility", enrolment_fields,
	N(enrolment_fields), "Enrolments: a trainee nominated for, enrolled in and through a session.",
	"ENR", R(RECIPIENT_OFFICER) | R(FACILITY_OPERATOR), NULL,
};

const struct transition ENROLMENT_FLOW[] = {
	{"nominated", "enrolled", R(FACILITY_OPERATOR) | R(PLANNER), false, false},
	{"enrolled", "in_training", R(FACILITY_OPERATOR), false, false},
	{"in_training", "graduated", R(FACILITY_OPERATOR), false, false},
	{"in_training", "failed", R(FACILITY_OPERATOR), true, false},
	{"nominated", "withdrawn", R(RECIPIENT_OFFICER) | R(FACILITY_OPERATOR) | R(PLANNER), true,
	 false},
	{"enrolled", "withdrawn", R(RECIPIENT_OFFICER) | R(FACILITY_OPERATOR) | R(PLANNER), true,
	 false},
	{"in_training", "withdrawn", R(RECIPIENT_OFFICER) | R(FACILITY_OPERATOR) | R(PLANNER),
	 true, false},
	{NULL, NULL, 0, false, false},
};
