/*
 * role.c - the seven roles and the permission table.
 *
 * Every permission decision in nsatu is a lookup in perms[] below: a reader
 * can see at a glance who may do what.  Rows name a resource; each role's
 * cell lists the actions it may take ("r" read, "c" create, "u" update,
 * "d" delete).  A missing row or an empty cell denies.  Which roles may
 * record which custody events is the second table, event_roles[].  Scope
 * (which rows of a resource a nation- or site-bound role sees) is applied by
 * the service layer (svc/scope.c) from role_scope() and the entity's scope
 * fields.
 */
#include "core.h"

#include <string.h>

static const char *const role_names[ROLE__COUNT] = {
	[ROLE_ADMIN] = "admin",
	[ROLE_PLANNER] = "planner",
	[ROLE_DONOR_LIAISON] = "donor_liaison",
	[ROLE_RECIPIENT_OFFICER] = "recipient_officer",
	[ROLE_NODE_OPERATOR] = "node_operator",
	[ROLE_FACILITY_OPERATOR] = "facility_operator",
	[ROLE_AUDITOR] = "auditor",
};

static const enum scope_kind role_scopes[ROLE__COUNT] = {
	[ROLE_ADMIN] = SCOPE_ALL,
	[ROLE_PLANNER] = SCOPE_ALL,
	[ROLE_DONOR_LIAISON] = SCOPE_NATION,
	[ROLE_RECIPIENT_OFFICER] = SCOPE_NATION,
	[ROLE_NODE_OPERATOR] = SCOPE_SITE,
	[ROLE_FACILITY_OPERATOR] = SCOPE_SITE,
	[ROLE_AUDITOR] = SCOPE_ALL,
};

#define EVERYONE_READS_BUT_PLANNER                                        \
	[ROLE_DONOR_LIAISON] = "r",                                       \
	[ROLE_RECIPIENT_OFFICER] = "r", [ROLE_NODE_OPERATOR] = "r",       \
	[ROLE_FACILITY_OPERATOR] = "r", [ROLE_AUDITOR] = "r"

#define EVERYONE_READS                                                    \
	[ROLE_PLANNER] = "r", [ROLE_DONOR_LIAISON] = "r",                 \
	[ROLE_RECIPIENT_OFFICER] = "r", [ROLE_NODE_OPERATOR] = "r",       \
	[ROLE_FACILITY_OPERATOR] = "r", [ROLE_AUDITOR] = "r"

static const struct perm_row {
	const char *resource;
	const char *cells[ROLE__COUNT];
} perms[] = {
	{"nations",             {[ROLE_ADMIN] = "rcud", EVERYONE_READS}},
	{"sites",               {[ROLE_ADMIN] = "rcud", EVERYONE_READS}},
	{"coalitions",          {[ROLE_ADMIN] = "rcud", EVERYONE_READS}},
	{"substitution_groups", {[ROLE_ADMIN] = "rcud", EVERYONE_READS}},
	{"items",               {[ROLE_ADMIN] = "rcud", EVERYONE_READS}},
	/* Users see the directory within their own scope. */
	{"users",               {[ROLE_ADMIN] = "rcud", EVERYONE_READS}},
	{"audit",               {[ROLE_ADMIN] = "r", [ROLE_AUDITOR] = "r"}},
	{"exchange_rates",      {[ROLE_ADMIN] = "rcud", EVERYONE_READS}},
	{"funding_targets",     {[ROLE_ADMIN] = "rcud", EVERYONE_READS}},
	/* Ukraine's requirements: its officers write their own; donors see all
	 * of them, to pledge against them; planners validate. */
	{"requirements",        {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rcu",
				 [ROLE_RECIPIENT_OFFICER] = "rcu", [ROLE_DONOR_LIAISON] = "r",
				 [ROLE_AUDITOR] = "r"}},
	/* Pledges: a liaison officer records their own nation's. */
	{"pledges",             {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rcu",
				 [ROLE_DONOR_LIAISON] = "rcu", [ROLE_AUDITOR] = "r"}},
	{"allocations",         {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rc", [ROLE_AUDITOR] = "r"}},
	/* Reports: coverage of requirements, and the fair-share report. */
	{"coverage",            {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "r",
				 [ROLE_RECIPIENT_OFFICER] = "r", [ROLE_DONOR_LIAISON] = "r",
				 [ROLE_AUDITOR] = "r"}},
	/* The silence procedure: planners table proposals; each nation's
	 * liaison officer breaks silence (or abstains) for its nation. */
	{"proposals",           {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rc",
				 [ROLE_DONOR_LIAISON] = "r", [ROLE_RECIPIENT_OFFICER] = "r",
				 [ROLE_AUDITOR] = "r"}},
	{"proposal_positions",  {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rc",
				 [ROLE_DONOR_LIAISON] = "rc", [ROLE_RECIPIENT_OFFICER] = "r",
				 [ROLE_AUDITOR] = "r"}},
	{"posts",               {[ROLE_ADMIN] = "rcud", [ROLE_PLANNER] = "rcu",
				 [ROLE_DONOR_LIAISON] = "r", [ROLE_AUDITOR] = "r"}},
	{"manning",             {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "r",
				 [ROLE_DONOR_LIAISON] = "r", [ROLE_AUDITOR] = "r"}},
	/* Transfer and repair.  Shipments are planned by HQ and by the donor
	 * whose materiel moves; custody events come from whoever holds it
	 * (which types, and where, is checked per event: transfer.c). */
	{"shipments",           {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rcu",
				 [ROLE_DONOR_LIAISON] = "rcu", [ROLE_RECIPIENT_OFFICER] = "r",
				 [ROLE_NODE_OPERATOR] = "r", [ROLE_FACILITY_OPERATOR] = "r",
				 [ROLE_AUDITOR] = "r"}},
	{"shipment_legs",       {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rcd",
				 [ROLE_DONOR_LIAISON] = "rcd", [ROLE_RECIPIENT_OFFICER] = "r",
				 [ROLE_NODE_OPERATOR] = "r", [ROLE_FACILITY_OPERATOR] = "r",
				 [ROLE_AUDITOR] = "r"}},
	{"shipment_lines",      {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rcd",
				 [ROLE_DONOR_LIAISON] = "rcd", [ROLE_RECIPIENT_OFFICER] = "r",
				 [ROLE_NODE_OPERATOR] = "r", [ROLE_FACILITY_OPERATOR] = "r",
				 [ROLE_AUDITOR] = "r"}},
	{"events",              {[ROLE_ADMIN] = "rc", [ROLE_PLANNER] = "rc",
				 [ROLE_DONOR_LIAISON] = "rc", [ROLE_RECIPIENT_OFFICER] = "rc",
				 [ROLE_NODE_OPERATOR] = "rc", [ROLE_FACILITY_OPERATOR] = "rc",
				 [ROLE_AUDITOR] = "r"}},
	{"assets",              {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rc",
				 [ROLE_DONOR_LIAISON] = "rc", [ROLE_RECIPIENT_OFFICER] = "r",
				 [ROLE_NODE_OPERATOR] = "r", [ROLE_FACILITY_OPERATOR] = "r",
				 [ROLE_AUDITOR] = "r"}},
	{"repair_capacities",   {[ROLE_ADMIN] = "rcud", [ROLE_PLANNER] = "rcud",
				 [ROLE_RECIPIENT_OFFICER] = "r", [ROLE_FACILITY_OPERATOR] = "r",
				 [ROLE_DONOR_LIAISON] = "r", [ROLE_AUDITOR] = "r"}},
	/* Facility operators move orders through REPAIR_FLOW (a read
	 * permission and the flow's roles); they never rewrite one. */
	{"repair_orders",       {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rcu",
				 [ROLE_RECIPIENT_OFFICER] = "rcu", [ROLE_FACILITY_OPERATOR] = "r",
				 [ROLE_AUDITOR] = "r"}},
	/* Training.  Courses are reference data; sessions are run by the
	 * facilities and HQ; Ukraine's officers register trainees and
	 * nominate them; facilities enrol, train and graduate. */
	{"courses",             {[ROLE_ADMIN] = "rcud", [ROLE_PLANNER] = "rcu", EVERYONE_READS_BUT_PLANNER}},
	{"training_sessions",   {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rcu",
				 [ROLE_FACILITY_OPERATOR] = "rcu", [ROLE_DONOR_LIAISON] = "r",
				 [ROLE_RECIPIENT_OFFICER] = "r", [ROLE_AUDITOR] = "r"}},
	{"trainees",            {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "r",
				 [ROLE_RECIPIENT_OFFICER] = "rcu", [ROLE_FACILITY_OPERATOR] = "r",
				 [ROLE_AUDITOR] = "r"}},
	/* HQ nominates too: the training scheduler's assignments. */
	{"enrolments",          {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rc",
				 [ROLE_RECIPIENT_OFFICER] = "rc", [ROLE_FACILITY_OPERATOR] = "r",
				 [ROLE_AUDITOR] = "r"}},
	{"training_report",     {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "r",
				 [ROLE_DONOR_LIAISON] = "r", [ROLE_RECIPIENT_OFFICER] = "r",
				 [ROLE_FACILITY_OPERATOR] = "r", [ROLE_AUDITOR] = "r"}},
	/* Planning.  The network is reference data HQ maintains; plans are
	 * run and approved by planners (approval creates allocations);
	 * capability targets are Ukraine's force development, written by its
	 * officers and by HQ; readiness is projected from them. */
	{"lanes",               {[ROLE_ADMIN] = "rcud", [ROLE_PLANNER] = "rcud",
				 [ROLE_DONOR_LIAISON] = "r", [ROLE_RECIPIENT_OFFICER] = "r",
				 [ROLE_NODE_OPERATOR] = "r", [ROLE_AUDITOR] = "r"}},
	{"plans",               {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rcu", [ROLE_AUDITOR] = "r"}},
	{"capability_targets",  {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rcud",
				 [ROLE_RECIPIENT_OFFICER] = "rcud", [ROLE_DONOR_LIAISON] = "r",
				 [ROLE_AUDITOR] = "r"}},
	{"capability_needs",    {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rcud",
				 [ROLE_RECIPIENT_OFFICER] = "rcud", [ROLE_DONOR_LIAISON] = "r",
				 [ROLE_AUDITOR] = "r"}},
	{"readiness",           {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "r",
				 [ROLE_RECIPIENT_OFFICER] = "r", [ROLE_DONOR_LIAISON] = "r",
				 [ROLE_AUDITOR] = "r"}},
	{"training_schedule",   {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "rc",
				 [ROLE_RECIPIENT_OFFICER] = "r", [ROLE_AUDITOR] = "r"}},
	/* Reports of transfer and end-use monitoring. */
	{"end_use",             {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "r",
				 [ROLE_RECIPIENT_OFFICER] = "r", [ROLE_DONOR_LIAISON] = "r",
				 [ROLE_AUDITOR] = "r"}},
	{"node_report",         {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "r",
				 [ROLE_NODE_OPERATOR] = "r", [ROLE_AUDITOR] = "r"}},
	{"repair_report",       {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "r",
				 [ROLE_RECIPIENT_OFFICER] = "r", [ROLE_FACILITY_OPERATOR] = "r",
				 [ROLE_AUDITOR] = "r"}},
	{"burden_sharing",      {[ROLE_ADMIN] = "r", [ROLE_PLANNER] = "r",
				 [ROLE_DONOR_LIAISON] = "r", [ROLE_AUDITOR] = "r"}},
};

#define B(role) ROLE_BIT(ROLE_##role)

/* Which roles may record each type of event.  Node operators record at
 * their node, facility operators at their facility; recipient officers for
 * Ukraine; donor liaisons dispatch their nation's shipments. */
static const struct {
	const char *type;
	unsigned roles;
} event_roles[] = {
	{"dispatched", B(ADMIN) | B(PLANNER) | B(DONOR_LIAISON) | B(NODE_OPERATOR) |
			       B(RECIPIENT_OFFICER) | B(FACILITY_OPERATOR)},
	{"arrived", B(ADMIN) | B(PLANNER) | B(NODE_OPERATOR) | B(RECIPIENT_OFFICER) |
			    B(FACILITY_OPERATOR)},
	{"departed", B(ADMIN) | B(PLANNER) | B(NODE_OPERATOR)},
	{"handed_over", B(ADMIN) | B(PLANNER) | B(NODE_OPERATOR) | B(RECIPIENT_OFFICER)},
	{"received", B(ADMIN) | B(PLANNER) | B(RECIPIENT_OFFICER) | B(FACILITY_OPERATOR)},
	{"discrepancy", B(ADMIN) | B(PLANNER) | B(NODE_OPERATOR) | B(RECIPIENT_OFFICER) |
				B(FACILITY_OPERATOR)},
	{"inventory_check", B(ADMIN) | B(PLANNER) | B(RECIPIENT_OFFICER) |
				    B(FACILITY_OPERATOR)},
	{"lost", B(ADMIN) | B(PLANNER) | B(NODE_OPERATOR) | B(RECIPIENT_OFFICER)},
	{"destroyed", B(ADMIN) | B(PLANNER) | B(RECIPIENT_OFFICER)},
	{"expended", B(ADMIN) | B(PLANNER) | B(RECIPIENT_OFFICER)},
};

bool event_role_allows(enum role role, const char *type)
{
	for (size_t i = 0; i < sizeof event_roles / sizeof *event_roles; i++) {
		if (strcmp(event_roles[i].type, type) == 0)
			return (event_roles[i].roles & ROLE_BIT(role)) != 0;
	}
	return false;
}

size_t event_types_for(enum role role, const char **out, size_t max)
{
	size_t n = 0;

	if (role < 0 || role >= ROLE__COUNT)
		return 0;
	for (size_t i = 0; i < sizeof event_roles / sizeof *event_roles && n < max; i++) {
		if (event_roles[i].roles & ROLE_BIT(role))
			out[n++] = event_roles[i].type;
	}
	return n;
}

#undef B

static const char action_letters[ACT__COUNT] = {
	[ACT_READ] = 'r', [ACT_CREATE] = 'c', [ACT_UPDATE] = 'u', [ACT_DELETE] = 'd',
};

static const char *const action_names[ACT__COUNT] = {
	[ACT_READ] = "read", [ACT_CREATE] = "create",
	[ACT_UPDATE] = "update", [ACT_DELETE] = "delete",
};

const char *role_name(enum role r)
{
	return r >= 0 && r < ROLE__COUNT ? role_names[r] : "none";
}

enum role role_parse(const char *s)
{
	for (int r = 0; s && r < ROLE__COUNT; r++) {
		if (strcmp(s, role_names[r]) == 0)
			return (enum role)r;
	}
	return ROLE_NONE;
}

enum scope_kind role_scope(enum role r)
{
	return r >= 0 && r < ROLE__COUNT ? role_scopes[r] : SCOPE_SITE;
}

const char *action_name(enum action a)
{
	return a >= 0 && a < ACT__COUNT ? action_names[a] : "none";
}

bool perm_allows(enum role role, const char *resource, enum action act)
{
	if (role < 0 || role >= ROLE__COUNT || act < 0 || act >= ACT__COUNT ||
	    !resource)
		return false;
	for (size_t i = 0; i < sizeof perms / sizeof *perms; i++) {
		if (strcmp(perms[i].resource, resource) != 0)
			continue;
		const char *cell = perms[i].cells[role];
		return cell && strchr(cell, action_letters[act]) != NULL;
	}
	return false;
}

const char *perm_resource(size_t i)
{
	return i < sizeof perms / sizeof *perms ? perms[i].resource : NULL;
}

void perm_letters(enum role role, const char *resource, char out[ACT__COUNT + 1])
{
	size_t n = 0;

	/* Through perm_allows, so the letters can never say more than a
	 * request would be allowed, and always in the order r, c, u, d. */
	for (int a = 0; a < ACT__COUNT; a++) {
		if (perm_allows(role, resource, (enum action)a))
			out[n++] = action_letters[a];
	}
	out[n] = '\0';
}
