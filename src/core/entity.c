/*
 * entity.c - the field specs of the reference data and of users.
 *
 * Each table below is the whole truth about one record type: the storage
 * schema (the migrations of each store backend) mirrors it, and a conformance test checks
 * that it does.  Every entity carries a server-managed "version" that backs
 * ETag and If-Match.
 */
#include "spec.h"

#include <string.h>


static const char *const nation_status[] = {"member", "partner", "recipient", NULL};

static const struct fspec nation_fields[] = {
	{"iso3", FT_STRING, FS_KEY | FS_REQUIRED, 3, 3, NULL, check_iso3, NULL,
	 "ISO 3166 alpha-3 code."},
	{"name", FT_STRING, FS_REQUIRED, 1, 100, NULL, NULL, NULL, "English short name."},
	{"status", FT_ENUM, FS_REQUIRED | FS_FILTER, 1, 16, nation_status, NULL, NULL,
	 "member (NATO Ally), partner, or recipient."},
	{"nato_since", FT_INT, FS_NULLABLE, 1949, 2100, NULL, NULL, NULL,
	 "Year of accession, for members."},
	{"gdp_usd_bn", FT_NUMBER, FS_NULLABLE, 0, 1e6, NULL, NULL, NULL,
	 "Nominal GDP in USD billion, for burden sharing."},
	{"gdp_year", FT_INT, FS_NULLABLE, 1990, 2100, NULL, NULL, NULL,
	 "Year the GDP figure refers to."},
	{"participates", FT_BOOL, FS_FILTER, 0, 0, NULL, NULL, NULL,
	 "false for a nation that neither takes part in nor blocks the assistance."},
	VERSION_FIELD,
};

const struct espec ESPEC_NATIONS = {
	"nations", "nations", "iso3", NULL, NULL, nation_fields, N(nation_fields),
	"Nations: Allies, partners and the recipient.",
	NULL, 0, NULL,
};

static const char *const site_kinds[] = {
	"hq", "logistics_node", "training_facility", "repair_facility",
	"depot", "handover_point", "unit", NULL,
};

static const struct fspec site_fields[] = {
	{"code", FT_STRING, FS_KEY | FS_REQUIRED, 2, 24, NULL, check_code, NULL,
	 "Short site code, e.g. LN-RZE."},
	{"name", FT_STRING, FS_REQUIRED, 1, 120, NULL, NULL, NULL, "Site name."},
	{"kind", FT_ENUM, FS_REQUIRED | FS_FILTER, 1, 24, site_kinds, NULL, NULL,
	 "What the site does."},
	{"nation", FT_STRING, FS_REQUIRED | FS_FILTER, 3, 3, NULL, check_iso3, "nations",
	 "Host nation."},
	{"lat", FT_NUMBER, FS_REQUIRED, -90, 90, NULL, NULL, NULL, "Latitude, degrees."},
	{"lon", FT_NUMBER, FS_REQUIRED, -180, 180, NULL, NULL, NULL, "Longitude, degrees."},
	{"throughput_t_day", FT_NUMBER, FS_NULLABLE, 0, 1e6, NULL, NULL, NULL,
	 "Logistics nodes: tonnes handled per day."},
	{"training_seats", FT_INT, FS_NULLABLE, 0, 100000, NULL, NULL, NULL,
	 "Training facilities: seats."},
	{"repair_bays", FT_INT, FS_NULLABLE, 0, 10000, NULL, NULL, NULL,
	 "Repair facilities: bays."},
	{"notes", FT_STRING, FS_NULLABLE, 0, 500, NULL, NULL, NULL, "Free text."},
	VERSION_FIELD,
};

const struct espec ESPEC_SITES = {
	"sites", "sites", "code", NULL, NULL, site_fields, N(site_fields),
	"Sites: HQ, logistics nodes, facilities, depots, hand-over points, units.",
	NULL, 0, NULL,
};

static const struct fspec coalition_fields[] = {
	{"code", FT_STRING, FS_KEY | FS_REQUIRED, 2, 24, NULL, check_code, NULL,
	 "Coalition code, e.g. IAMD."},
	{"name", FT_STRING, FS_REQUIRED, 1, 120, NULL, NULL, NULL, "Coalition name."},
	{"lead_nations", FT_STRING, FS_NULLABLE, 3, 200, NULL, check_iso3_list, NULL,
	 "Lead nations, alpha-3 codes separated by ';'."},
	VERSION_FIELD,
};

const struct espec ESPEC_COALITIONS = {
	"coalitions", "coalitions", "code", NULL, NULL, coalition_fields,
	N(coalition_fields), "Capability coalitions of the Contact Group.",
	NULL, 0, NULL,
};

static const struct fspec group_fields[] = {
	{"code", FT_STRING, FS_KEY | FS_REQUIRED, 2, 24, NULL, check_code, NULL,
	 "Group code, e.g. AMMO-155-HE."},
	{"name", FT_STRING, FS_REQUIRED, 1, 120, NULL, NULL, NULL,
	 "What the members have in common."},
	VERSION_FIELD,
};

const struct espec ESPEC_SUBST_GROUPS = {
	"substitution_groups", "substitution_groups", "code", NULL, NULL,
	group_fields, N(group_fields),
	"Substitution groups: items that can stand in for one another.",
	NULL, 0, NULL,
};

const char *const ITEM_CATEGORIES[] = {
	"ammunition", "weapon_system", "vehicle", "optics", "drone", "medical",
	"engineering", "fuel", "communications", "spare_parts", "other", NULL,
};

static const struct fspec item_fields[] = {
	{"code", FT_STRING, FS_KEY | FS_REQUIRED, 2, 24, NULL, check_code, NULL,
	 "Catalog code, e.g. ART-155-M795."},
	{"name", FT_STRING, FS_REQUIRED, 1, 120, NULL, NULL, NULL, "Item name."},
	{"nsn", FT_STRING, FS_NULLABLE | FS_FILTER, 16, 16, NULL, check_nsn, NULL,
	 "NATO Stock Number NNNN-NN-NNN-NNNN, where known."},
	{"category", FT_ENUM, FS_REQUIRED | FS_FILTER, 1, 24, ITEM_CATEGORIES, NULL, NULL,
	 "Category."},
	{"coalition", FT_STRING, FS_NULLABLE | FS_FILTER, 2, 24, NULL, check_code,
	 "coalitions", "Capability coalition."},
	{"unit_of_issue", FT_STRING, FS_REQUIRED, 1, 16, NULL, NULL, NULL,
	 "each, round, tonne, ..."},
	{"serialized", FT_BOOL, FS_FILTER, 0, 0, NULL, NULL, NULL,
	 "Tracked one by one by serial number."},
	{"sensitive", FT_BOOL, FS_FILTER, 0, 0, NULL, NULL, NULL,
	 "Subject to enhanced end-use monitoring."},
	{"unit_value_eur", FT_INT, FS_REQUIRED, 0, 1e12, NULL, NULL, NULL,
	 "Value of one unit in whole euros."},
	{"mass_kg", FT_NUMBER, FS_NULLABLE, 0, 1e7, NULL, NULL, NULL, "Mass of one unit."},
	{"substitution_group", FT_STRING, FS_NULLABLE | FS_FILTER, 2, 24, NULL, check_code,
	 "substitution_groups", "Group of interchangeable items."},
	VERSION_FIELD,
};

const struct espec ESPEC_ITEMS = {
	"items", "items", "code", NULL, NULL, item_fields, N(item_fields),
	"The item catalog.",
	NULL, 0, NULL,
};

static const char *const role_choices[] = {
	"admin", "planner", "donor_liaison", "recipient_officer",
	"node_operator", "facility_operator", "auditor", NULL,
};

static const struct fspec user_fields[] = {
	{"username", FT_STRING, FS_KEY | FS_REQUIRED, 3, 63, NULL, check_username, NULL,
	 "Login name."},
	{"display_name", FT_STRING, FS_NULLABLE, 1, 100, NULL, NULL, NULL,
	 "Name shown in the interface and the audit trail."},
	{"role", FT_ENUM, FS_REQUIRED | FS_FILTER, 1, 24, role_choices, NULL, NULL,
	 "One of the seven roles."},
	{"nation", FT_STRING, FS_NULLABLE | FS_FILTER, 3, 3, NULL, check_iso3, "nations",
	 "Nation a donor_liaison or recipient_officer acts for."},
	{"site", FT_STRING, FS_NULLABLE | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "Site a node_operator or facility_operator works at."},
	{"disabled", FT_BOOL, FS_FILTER, 0, 0, NULL, NULL, NULL,
	 "A disabled user cannot log in; their sessions end."},
	{"expires_on", FT_DATE, FS_NULLABLE, 10, 10, NULL, NULL, NULL,
	 "Last day the account may be used (end of a posting); null: no end."},
	{"password_hash", FT_STRING, FS_PRIVATE, 0, 256, NULL, NULL, NULL,
	 "argon2id hash; never shown."},
	{"created_at", FT_TIME, FS_READONLY, 0, 32, NULL, NULL, NULL, "When created."},
	VERSION_FIELD,
};

const struct espec ESPEC_USERS = {
	"users", "users", "username", "nation", "site", user_fields, N(user_fields),
	"Users, their role and scope.",
	NULL, 0, NULL,
};

const struct espec *const ESPEC_ALL[] = {
	&ESPEC_NATIONS, &ESPEC_SITES, &ESPEC_COALITIONS, &ESPEC_SUBST_GROUPS,
	&ESPEC_ITEMS, &ESPEC_USERS, &ESPEC_EXCHANGE_RATES, &ESPEC_FUNDING_TARGETS,
	&ESPEC_REQUIREMENTS, &ESPEC_PLEDGES, &ESPEC_ALLOCATIONS, &ESPEC_PROPOSALS,
	&ESPEC_POSITIONS, &ESPEC_POSTS, &ESPEC_REPAIR_CAPACITIES, &ESPEC_REPAIR_ORDERS,
	&ESPEC_SHIPMENTS, &ESPEC_LEGS, &ESPEC_LINES, &ESPEC_ASSETS, &ESPEC_EVENTS,
	&ESPEC_COURSES, &ESPEC_TRAINING_SESSIONS, &ESPEC_TRAINEES, &ESPEC_ENROLMENTS,
	&ESPEC_LANES, &ESPEC_PLANS, &ESPEC_CAPABILITY_TARGETS, &ESPEC_CAPABILITY_NEEDS, NULL,
};

const struct espec *espec_find(const char *name)
{
	for (const struct espec *const *e = ESPEC_ALL; *e; e++) {
		if (strcmp((*e)->name, name) == 0)
			return *e;
	}
	return NULL;
}

const struct espec_variant *espec_variants(const struct espec *e, const char **by)
{
	/* One entity has kinds today; its rule (donations.c) reads the same table. */
	if (e == &ESPEC_PLEDGES) {
		*by = "kind";
		return PLEDGE_KINDS;
	}
	*by = NULL;
	return NULL;
}
