/*
 * donations.c - the field specs and workflows of donation planning:
 * Ukraine's requirements, donor nations' pledges, the allocations that
 * link them, exchange rates and the yearly funding target.
 *
 * Keys of these records are made by the server (key_prefix + a
 * time-ordered id).  Status fields are read-only: they change only through
 * the transitions below, each allowed to the roles it names.
 */
#include "spec.h"

#include <string.h>

#define CREATED_FIELDS \
	{"created_by", FT_STRING, FS_READONLY | FS_FILTER, 0, 64, NULL, NULL, NULL, \
	 "Who recorded it."}, \
	{"created_at", FT_TIME, FS_READONLY, 0, 32, NULL, NULL, NULL, "When."}

#define R(role) ROLE_BIT(ROLE_##role)

/* ---- Requirements. ------------------------------------------------------- */

static const char *const priorities[] = {"P1", "P2", "P3", "P4", NULL};
static const char *const requirement_states[] = {
	"draft", "submitted", "validated", "partially_met", "met", "rejected",
	"cancelled", NULL,
};

static const struct fspec requirement_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL,
	 "Made by the server, e.g. REQ-01A21C0C3D6B558627F8 (time first)."},
	{"nation", FT_STRING, FS_REQUIRED | FS_FILTER, 3, 3, NULL, check_iso3, "nations",
	 "The recipient nation whose requirement it is."},
	{"item", FT_STRING, FS_NULLABLE | FS_FILTER, 2, 24, NULL, check_code, "items",
	 "The item needed; or give substitution_group."},
	{"substitution_group", FT_STRING, FS_NULLABLE | FS_FILTER, 2, 24, NULL, check_code,
	 "substitution_groups", "Any item of this group will do; or give item."},
	{"quantity", FT_INT, FS_REQUIRED, 1, 1e12, NULL, NULL, NULL, "How many units."},
	{"priority", FT_ENUM, FS_REQUIRED | FS_FILTER, 2, 2, priorities, NULL, NULL,
	 "P1 (most urgent) to P4."},
	{"needed_by", FT_DATE, FS_REQUIRED, 10, 10, NULL, NULL, NULL, "Needed by this date."},
	{"destination", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "Where it must arrive."},
	{"coalition", FT_STRING, FS_NULLABLE | FS_FILTER, 2, 24, NULL, check_code, "coalitions",
	 "Capability coalition."},
	{"justification", FT_STRING, FS_NULLABLE, 0, 2000, NULL, NULL, NULL,
	 "Why it is needed."},
	{"status", FT_ENUM, FS_READONLY | FS_FILTER, 1, 16, requirement_states, NULL, NULL,
	 "draft, submitted, validated, partially_met, met, rejected or cancelled."},
	{"status_reason", FT_STRING, FS_READONLY | FS_NULLABLE, 0, 1000, NULL, NULL, NULL,
	 "Why it was rejected or cancelled."},
	CREATED_FIELDS,
	VERSION_FIELD,
};

static const char *requirement_check(const json_t *rec, const char **field)
{
	bool item = json_is_string(json_object_get(rec, "item"));
	bool group = json_is_string(json_object_get(rec, "substitution_group"));

	*field = "item";
	if (item == group)
		return "give exactly one of item and substitution_group";
	return NULL;
}

const struct espec ESPEC_REQUIREMENTS = {
	"requirements", "requirements", "id", "nation", NULL, requirement_fields,
	N(requirement_fields), "Ukraine's requirements: what is needed, how urgently, by when.",
	"REQ", R(RECIPIENT_OFFICER), requirement_check,
};

/* Who may move a requirement where.  partially_met and met follow from
 * allocations, never from a request. */
const struct transition REQUIREMENT_FLOW[] = {
	{"draft", "submitted", R(RECIPIENT_OFFICER) | R(PLANNER), false, false},
	{"submitted", "validated", R(PLANNER), false, false},
	{"submitted", "rejected", R(PLANNER), true, false},
	{"draft", "cancelled", R(RECIPIENT_OFFICER) | R(PLANNER), true, false},
	{"submitted", "cancelled", R(RECIPIENT_OFFICER) | R(PLANNER), true, false},
	{"validated", "cancelled", R(RECIPIENT_OFFICER) | R(PLANNER), true, false},
	{"partially_met", "cancelled", R(RECIPIENT_OFFICER) | R(PLANNER), true, false},
	{"validated", "partially_met", 0, false, true},
	{"validated", "met", 0, false, true},
	{"partially_met", "met", 0, false, true},
	{"partially_met", "validated", 0, false, true},
	{"met", "partially_met", 0, false, true},
	{"met", "validated", 0, false, true},
	{NULL, NULL, 0, false, false},
};

/* ---- Pledges. ------------------------------------------------------------ */

static const char *const pledge_kinds[] = {
	"materiel", "funding", "training_seats", "repair_capacity", NULL,
};
static const char *const conditions[] = {"new", "refurbished", "used", NULL};
static const char *const pledge_states[] = {
	"announced", "committed", "delivered", "withdrawn", NULL,
};

static const struct fspec pledge_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"nation", FT_STRING, FS_REQUIRED | FS_FILTER, 3, 3, NULL, check_iso3, "nations",
	 "The donor nation."},
	{"kind", FT_ENUM, FS_REQUIRED | FS_FILTER, 1, 16, pledge_kinds, NULL, NULL,
	 "materiel, funding, training_seats or repair_capacity."},
	{"pledged_on", FT_DATE, FS_REQUIRED, 10, 10, NULL, NULL, NULL,
	 "Date of the pledge; funding is converted to EUR at this date's rate."},
	/* materiel */
	{"item", FT_STRING, FS_NULLABLE | FS_FILTER, 2, 24, NULL, check_code, "items",
	 "Materiel: the item."},
	{"quantity", FT_INT, FS_NULLABLE, 1, 1e12, NULL, NULL, NULL, "Materiel: units."},
	{"condition", FT_ENUM, FS_NULLABLE, 1, 16, conditions, NULL, NULL,
	 "Materiel: new, refurbished or used."},
	{"origin", FT_STRING, FS_NULLABLE, 2, 24, NULL, check_code, "sites",
	 "Materiel: where it starts from (a depot)."},
	{"available_from", FT_DATE, FS_NULLABLE, 10, 10, NULL, NULL, NULL,
	 "Materiel: ready for collection from."},
	{"conditions", FT_STRING, FS_NULLABLE, 0, 2000, NULL, NULL, NULL,
	 "Donor conditions, free text."},
	{"only_coalition", FT_STRING, FS_NULLABLE, 2, 24, NULL, check_code, "coalitions",
	 "Materiel: the donor allows it only for requirements of this capability "
	 "coalition (the planner keeps to it)."},
	{"barred_sites", FT_STRING, FS_NULLABLE, 2, 500, NULL, check_code_list, NULL,
	 "Materiel: sites it must not pass or go to, e.g. LN-XYZ;UA-UNIT-E (the "
	 "planner keeps to it)."},
	/* funding */
	{"amount", FT_NUMBER, FS_NULLABLE, 0.01, 1e13, NULL, NULL, NULL,
	 "Funding: amount in the currency."},
	{"currency", FT_STRING, FS_NULLABLE, 3, 3, NULL, check_currency, NULL,
	 "Funding: ISO 4217 currency."},
	{"amount_eur", FT_NUMBER, FS_READONLY | FS_NULLABLE, 0, 1e14, NULL, NULL, NULL,
	 "Funding: amount in EUR at the pledge date's rate (set by the server)."},
	{"year", FT_INT, FS_NULLABLE | FS_FILTER, 1990, 2100, NULL, NULL, NULL,
	 "Funding: the budget year it is for (burden sharing counts a pledge in the "
	 "period of its pledged_on date)."},
	{"earmark_coalition", FT_STRING, FS_NULLABLE, 2, 24, NULL, check_code, "coalitions",
	 "Funding: earmarked for a coalition."},
	{"earmark_category", FT_ENUM, FS_NULLABLE, 1, 24, ITEM_CATEGORIES, NULL, NULL,
	 "Funding: earmarked for an item category."},
	/* training seats */
	{"course", FT_STRING, FS_NULLABLE, 2, 24, NULL, check_code, NULL,
	 "Training seats: course code."},
	{"seats", FT_INT, FS_NULLABLE, 1, 100000, NULL, NULL, NULL, "Training seats: how many."},
	/* repair capacity */
	{"facility", FT_STRING, FS_NULLABLE, 2, 24, NULL, check_code, "sites",
	 "Repair capacity: the repair facility."},
	{"category", FT_ENUM, FS_NULLABLE, 1, 24, ITEM_CATEGORIES, NULL, NULL,
	 "Repair capacity: item category."},
	{"slots", FT_INT, FS_NULLABLE, 1, 100000, NULL, NULL, NULL, "Repair capacity: slots."},
	{"source", FT_STRING, FS_NULLABLE, 0, 300, NULL, NULL, NULL,
	 "Where the figure comes from (e.g. a Kiel Institute release)."},
	{"status", FT_ENUM, FS_READONLY | FS_FILTER, 1, 16, pledge_states, NULL, NULL,
	 "announced, committed, delivered or withdrawn."},
	{"status_reason", FT_STRING, FS_READONLY | FS_NULLABLE, 0, 1000, NULL, NULL, NULL,
	 "Why it was withdrawn."},
	CREATED_FIELDS,
	VERSION_FIELD,
};

/* Which fields each kind of pledge owns and which it needs; every field a
 * kind does not own stays empty.  The API's schema lists the same table, so
 * forms offer only a kind's own fields. */
#define FIELDS(...) (const char *const[]){__VA_ARGS__, NULL}
const struct espec_variant PLEDGE_KINDS[] = {
	{"materiel", FIELDS("item", "quantity", "condition", "origin", "available_from",
			    "only_coalition", "barred_sites"),
	 FIELDS("item", "quantity", "condition")},
	{"funding", FIELDS("amount", "currency", "year", "earmark_coalition", "earmark_category"),
	 FIELDS("amount", "currency", "year")},
	{"training_seats", FIELDS("course", "seats"), FIELDS("course", "seats")},
	{"repair_capacity", FIELDS("facility", "category", "slots"),
	 FIELDS("facility", "category", "slots")},
	{NULL, NULL, NULL},
};
#undef FIELDS

static bool listed(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

static const char *pledge_check(const json_t *rec, const char **field)
{
	const char *kind = json_string_value(json_object_get(rec, "kind"));
	const struct espec_variant *mine = NULL;

	*field = "kind";
	if (!kind)
		return "is required";
	for (const struct espec_variant *v = PLEDGE_KINDS; v->value; v++)
		if (strcmp(v->value, kind) == 0)
			mine = v;
	if (!mine)
		return "is not a kind of pledge";
	for (const char *const *f = mine->required; *f; f++) {
		if (json_is_null(json_object_get(rec, *f)) || !json_object_get(rec, *f)) {
			*field = *f;
			return "is required for this kind of pledge";
		}
	}
	/* Another kind's field, filled in: refused rather than dropped. */
	for (const struct espec_variant *v = PLEDGE_KINDS; v->value; v++) {
		for (const char *const *f = v->fields; *f; f++) {
			const json_t *val = json_object_get(rec, *f);
			if (val && !json_is_null(val) && !listed(mine->fields, *f)) {
				*field = *f;
				return "does not belong to this kind of pledge";
			}
		}
	}
	return NULL;
}

const struct espec ESPEC_PLEDGES = {
	"pledges", "pledges", "id", "nation", NULL, pledge_fields, N(pledge_fields),
	"Donor nations' pledges: materiel, funding, training seats, repair capacity.",
	"PLG", R(DONOR_LIAISON), pledge_check,
};

const struct transition PLEDGE_FLOW[] = {
	{"announced", "committed", R(DONOR_LIAISON) | R(PLANNER), false, false},
	{"committed", "delivered", R(DONOR_LIAISON) | R(PLANNER), false, false},
	{"announced", "withdrawn", R(DONOR_LIAISON) | R(PLANNER), true, false},
	{"committed", "withdrawn", R(DONOR_LIAISON) | R(PLANNER), true, false},
	{NULL, NULL, 0, false, false},
};

/* ---- Allocations. --------------------------------------------------------- */

static const char *const allocation_states[] = {"open", "released", NULL};

static const struct fspec allocation_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"pledge", FT_STRING, FS_REQUIRED | FS_FILTER, 1, 40, NULL, NULL, "pledges",
	 "The materiel pledge it draws on."},
	{"requirement", FT_STRING, FS_REQUIRED | FS_FILTER, 1, 40, NULL, NULL, "requirements",
	 "The requirement it meets."},
	{"quantity", FT_INT, FS_REQUIRED, 1, 1e12, NULL, NULL, NULL, "Units allocated."},
	{"route", FT_STRING, FS_NULLABLE, 0, 500, NULL, NULL, NULL,
	 "Planned route, e.g. depot > LN-RZE > HP-MED."},
	{"expected_on", FT_DATE, FS_NULLABLE, 10, 10, NULL, NULL, NULL,
	 "Expected delivery at the requirement's destination (plans set it)."},
	{"plan", FT_STRING, FS_READONLY | FS_NULLABLE | FS_FILTER, 1, 40, NULL, NULL, "plans",
	 "The approved plan that created it, if any."},
	{"status", FT_ENUM, FS_READONLY | FS_FILTER, 1, 16, allocation_states, NULL, NULL,
	 "open, or released when its pledge was withdrawn or its requirement cancelled."},
	CREATED_FIELDS,
	VERSION_FIELD,
};

const struct espec ESPEC_ALLOCATIONS = {
	"allocations", "allocations", "id", NULL, NULL, allocation_fields,
	N(allocation_fields), "Allocations: a quantity of a pledge for a requirement.",
	"ALC", 0, NULL,
};

/* ---- Exchange rates and funding targets. ---------------------------------- */

static const struct fspec rate_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"currency", FT_STRING, FS_REQUIRED | FS_FILTER, 3, 3, NULL, check_currency, NULL,
	 "ISO 4217 currency."},
	{"valid_from", FT_DATE, FS_REQUIRED, 10, 10, NULL, NULL, NULL,
	 "The rate applies from this date until the next one."},
	{"eur_per_unit", FT_NUMBER, FS_REQUIRED, 1e-9, 1e9, NULL, NULL, NULL,
	 "EUR for one unit of the currency."},
	VERSION_FIELD,
};

const struct espec ESPEC_EXCHANGE_RATES = {
	"exchange_rates", "exchange_rates", "id", NULL, NULL, rate_fields, N(rate_fields),
	"Exchange rates to EUR, maintained by admins.", "FX", 0, NULL,
};

static const struct fspec target_fields[] = {
	{"year", FT_STRING, FS_KEY | FS_REQUIRED, 4, 4, NULL, check_year, NULL,
	 "The year, e.g. 2025."},
	{"amount_eur", FT_NUMBER, FS_REQUIRED, 0, 1e14, NULL, NULL, NULL,
	 "The funding target in EUR (the baseline is 40 000 000 000)."},
	{"notes", FT_STRING, FS_NULLABLE, 0, 500, NULL, NULL, NULL, "Free text."},
	VERSION_FIELD,
};

const struct espec ESPEC_FUNDING_TARGETS = {
	"funding_targets", "funding_targets", "year", NULL, NULL, target_fields,
	N(target_fields), "The yearly funding target shared by GDP.", NULL, 0, NULL,
};

const struct transition *transition_find(const struct transition *table,
					  const char *from, const char *to)
{
	for (const struct transition *t = table; t->from; t++) {
		if (strcmp(t->from, from) == 0 && strcmp(t->to, to) == 0)
			return t;
	}
	return NULL;
}
