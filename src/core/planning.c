/*
 * planning.c - the field specs of planning: the transport network the
 * allocation optimiser routes over (lanes), the plans it proposes, and the
 * capability targets of Ukraine's long-term force development.
 *
 * A plan is a stored, reproducible proposal: the inputs it was solved
 * from and the result are kept whole (as JSON text the plan routes answer
 * parsed), with their digests, so the same inputs can be shown to give the
 * same plan.  Approval turns the proposal into allocations.
 */
#include "spec.h"

#include <string.h>

#define R(role) ROLE_BIT(ROLE_##role)

#define CREATED_FIELDS \
	{"created_by", FT_STRING, FS_READONLY | FS_FILTER, 0, 64, NULL, NULL, NULL, \
	 "Who recorded it."}, \
	{"created_at", FT_TIME, FS_READONLY, 0, 32, NULL, NULL, NULL, "When."}

/* ---- Lanes: the network. -------------------------------------------------- */

static const char *const lane_modes[] = {"road", "rail", "sea", "air", "mixed", NULL};

static const struct fspec lane_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"from_site", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "Where the lane starts: a depot (a pledge's origin) or a logistics node."},
	{"to_site", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "Where it ends: a logistics node or a requirement's destination."},
	{"mode", FT_ENUM, FS_NULLABLE, 1, 8, lane_modes, NULL, NULL,
	 "road, rail, sea, air or mixed."},
	{"transit_days", FT_INT, FS_REQUIRED, 0, 365, NULL, NULL, NULL,
	 "Days from departure to arrival."},
	{"cost_eur", FT_NUMBER, FS_REQUIRED, 0, 1e9, NULL, NULL, NULL,
	 "Transport cost per unit carried, EUR."},
	{"capacity", FT_INT, FS_NULLABLE, 0, 1e12, NULL, NULL, NULL,
	 "Most units the lane carries in one plan; empty: no limit."},
	{"notes", FT_STRING, FS_NULLABLE, 0, 500, NULL, NULL, NULL, "Free text."},
	VERSION_FIELD,
};

static const char *lane_check(const json_t *rec, const char **field)
{
	const char *from = json_string_value(json_object_get(rec, "from_site"));
	const char *to = json_string_value(json_object_get(rec, "to_site"));

	*field = "to_site";
	if (from && to && strcmp(from, to) == 0)
		return "must differ from from_site";
	return NULL;
}

const struct espec ESPEC_LANES = {
	"lanes", "lanes", "id", NULL, NULL, lane_fields, N(lane_fields),
	"Transport lanes between sites: transit days, cost per unit, capacity.",
	"LANE", 0, lane_check,
};

/* ---- Plans. --------------------------------------------------------------- */

static const char *const plan_states[] = {"draft", "approved", "discarded", NULL};

static const struct fspec plan_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"title", FT_STRING, FS_NULLABLE, 0, 200, NULL, NULL, NULL, "What the run is for."},
	{"as_of", FT_DATE, FS_READONLY, 10, 10, NULL, NULL, NULL,
	 "The day the plan starts from: nothing is dispatched earlier."},
	{"status", FT_ENUM, FS_READONLY | FS_FILTER, 1, 16, plan_states, NULL, NULL,
	 "draft, approved (its allocations were created) or discarded."},
	{"status_reason", FT_STRING, FS_READONLY | FS_NULLABLE, 0, 1000, NULL, NULL, NULL,
	 "Why it was discarded."},
	{"inputs_digest", FT_STRING, FS_READONLY, 64, 64, NULL, NULL, NULL,
	 "BLAKE2b-256 of the problem it was solved from (hex)."},
	{"result_digest", FT_STRING, FS_READONLY, 64, 64, NULL, NULL, NULL,
	 "BLAKE2b-256 of the plan it produced (hex): equal inputs, equal plan."},
	{"requirements", FT_INT, FS_READONLY, 0, 1e12, NULL, NULL, NULL,
	 "Open requirement lines planned for."},
	{"pledges", FT_INT, FS_READONLY, 0, 1e12, NULL, NULL, NULL,
	 "Pledge lines with unallocated units."},
	{"allocations", FT_INT, FS_READONLY, 0, 1e12, NULL, NULL, NULL,
	 "Allocations it proposes."},
	{"on_time_units", FT_INT, FS_READONLY, 0, 1e15, NULL, NULL, NULL,
	 "Units delivered by their needed-by date (all priorities)."},
	{"late_units", FT_INT, FS_READONLY, 0, 1e15, NULL, NULL, NULL,
	 "Units delivered after their needed-by date."},
	{"unmet_units", FT_INT, FS_READONLY, 0, 1e15, NULL, NULL, NULL,
	 "Units the plan cannot deliver."},
	{"cost_eur", FT_NUMBER, FS_READONLY, 0, 1e18, NULL, NULL, NULL,
	 "Transport cost of the plan, EUR."},
	{"solve_ms", FT_INT, FS_READONLY, 0, 1e12, NULL, NULL, NULL,
	 "How long the optimiser took."},
	{"problem", FT_STRING, FS_PRIVATE, 0, 1e9, NULL, NULL, NULL,
	 "The problem as solved (JSON); answered by GET /plans/{id}/problem."},
	{"result", FT_STRING, FS_PRIVATE, 0, 1e9, NULL, NULL, NULL,
	 "The plan (JSON); answered by GET /plans/{id}."},
	{"approved_by", FT_STRING, FS_READONLY | FS_NULLABLE, 0, 64, NULL, NULL, NULL,
	 "Who approved it."},
	CREATED_FIELDS,
	VERSION_FIELD,
};

const struct espec ESPEC_PLANS = {
	"plans", "plans", "id", NULL, NULL, plan_fields, N(plan_fields),
	"Allocation plans proposed by the optimiser, reviewed and approved or discarded.",
	"PLAN", 0, NULL,
};

/* Approval and discarding are requests to the plan routes, which check the
 * plan is still a draft and (for approval) still fits the open allocations. */
const struct transition PLAN_FLOW[] = {
	{"draft", "approved", R(PLANNER), false, false},
	{"draft", "discarded", R(PLANNER), false, false},
	{NULL, NULL, 0, false, false},
};

/* ---- Capability targets: long-term force development. --------------------- */

static const struct fspec target_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"name", FT_STRING, FS_REQUIRED, 1, 120, NULL, NULL, NULL,
	 "The capability, e.g. Patriot battery."},
	{"nation", FT_STRING, FS_REQUIRED | FS_FILTER, 3, 3, NULL, check_iso3, "nations",
	 "The recipient nation raising it."},
	{"unit", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "The unit that fields it: its items are delivered there and its crews "
	 "are its trainees."},
	{"count", FT_INT, FS_REQUIRED, 1, 10000, NULL, NULL, NULL,
	 "How many units of the capability."},
	{"due_on", FT_DATE, FS_REQUIRED, 10, 10, NULL, NULL, NULL,
	 "By when all of them should be operational."},
	{"notes", FT_STRING, FS_NULLABLE, 0, 2000, NULL, NULL, NULL, "Free text."},
	CREATED_FIELDS,
	VERSION_FIELD,
};

const struct espec ESPEC_CAPABILITY_TARGETS = {
	"capability_targets", "capability_targets", "id", "nation", NULL, target_fields,
	N(target_fields), "Capability targets: what one unit of a capability needs, how "
	"many, by when.", "CAP", R(RECIPIENT_OFFICER), NULL,
};

static const struct fspec need_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"target", FT_STRING, FS_REQUIRED | FS_FILTER, 1, 40, NULL, NULL,
	 "capability_targets", "The capability target."},
	{"item", FT_STRING, FS_NULLABLE | FS_FILTER, 2, 24, NULL, check_code, "items",
	 "An item one unit of capability needs; or give course."},
	{"course", FT_STRING, FS_NULLABLE | FS_FILTER, 2, 24, NULL, check_code, "courses",
	 "A course whose graduates one unit of capability needs; or give item."},
	{"quantity", FT_INT, FS_REQUIRED, 1, 1e9, NULL, NULL, NULL,
	 "Per unit of capability: items, or people through the course."},
	{"nation", FT_STRING, FS_READONLY | FS_FILTER, 3, 3, NULL, NULL, NULL,
	 "The target's nation (set by the server)."},
	VERSION_FIELD,
};

static const char *need_check(const json_t *rec, const char **field)
{
	bool item = json_is_string(json_object_get(rec, "item"));
	bool course = json_is_string(json_object_get(rec, "course"));

	*field = "item";
	if (item == course)
		return "give exactly one of item and course";
	return NULL;
}

const struct espec ESPEC_CAPABILITY_NEEDS = {
	"capability_needs", "capability_needs", "id", "nation", NULL, need_fields,
	N(need_fields), "What one unit of a capability target needs: items and trained people.",
	"CAPN", R(RECIPIENT_OFFICER), need_check,
};
