/*
 * decisions.c - the silence procedure and the manning of the command.
 *
 * A proposal is adopted unless a participating nation objects by its
 * deadline.  Positions (objections, abstentions) are records of their own,
 * one active position per nation and proposal; an objection may be
 * withdrawn before the deadline.  The outcome is never stored: it is worked
 * out from the positions whenever it is read, so it cannot depend on a
 * scheduled job having run.
 *
 * Posts are the establishment of the HQ and the nodes: each a function and
 * grade at a site, the nation that fills it, and whether it is filled.
 */
#include "spec.h"

#include <string.h>

#define R(role) ROLE_BIT(ROLE_##role)

static const struct fspec proposal_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"title", FT_STRING, FS_REQUIRED, 1, 200, NULL, NULL, NULL, "Short title."},
	{"text", FT_STRING, FS_REQUIRED, 1, 20000, NULL, NULL, NULL, "The text to be adopted."},
	{"deadline", FT_STRING, FS_REQUIRED, 20, 24, NULL, check_instant, NULL,
	 "Silence is broken only by an objection before this UTC time."},
	{"participants", FT_STRING, FS_NULLABLE, 3, 1000, NULL, check_iso3_list, NULL,
	 "Nations taking part, ';'-separated; absent: every participating Ally."},
	{"created_by", FT_STRING, FS_READONLY, 0, 64, NULL, NULL, NULL, "Who tabled it."},
	{"created_at", FT_TIME, FS_READONLY, 0, 32, NULL, NULL, NULL, "When."},
	VERSION_FIELD,
};

const struct espec ESPEC_PROPOSALS = {
	"proposals", "proposals", "id", NULL, NULL, proposal_fields, N(proposal_fields),
	"Proposals under the silence procedure.", "PRP", 0, NULL,
};

static const char *const positions[] = {"object", "abstain", NULL};
static const char *const position_states[] = {"active", "withdrawn", NULL};

static const struct fspec position_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"proposal", FT_STRING, FS_REQUIRED | FS_FILTER, 1, 40, NULL, NULL, "proposals",
	 "The proposal."},
	{"nation", FT_STRING, FS_REQUIRED | FS_FILTER, 3, 3, NULL, check_iso3, "nations",
	 "The nation taking the position."},
	{"position", FT_ENUM, FS_REQUIRED | FS_FILTER, 1, 16, positions, NULL, NULL,
	 "object (breaks silence) or abstain (never blocks)."},
	{"reason", FT_STRING, FS_NULLABLE, 1, 2000, NULL, NULL, NULL,
	 "Why; required to object."},
	{"status", FT_ENUM, FS_READONLY | FS_FILTER, 1, 16, position_states, NULL, NULL,
	 "active, or withdrawn before the deadline."},
	{"created_by", FT_STRING, FS_READONLY, 0, 64, NULL, NULL, NULL, "Who recorded it."},
	{"created_at", FT_TIME, FS_READONLY, 0, 32, NULL, NULL, NULL, "When."},
	VERSION_FIELD,
};

static const char *position_check(const json_t *rec, const char **field)
{
	const char *pos = json_string_value(json_object_get(rec, "position"));

	*field = "reason";
	if (pos && strcmp(pos, "object") == 0 && !json_is_string(json_object_get(rec, "reason")))
		return "is required to object";
	return NULL;
}

const struct espec ESPEC_POSITIONS = {
	"proposal_positions", "proposal_positions", "id", "nation", NULL, position_fields,
	N(position_fields), "Nations' objections and abstentions.", "POS",
	R(DONOR_LIAISON), position_check,
};

const struct transition POSITION_FLOW[] = {
	{"active", "withdrawn", R(DONOR_LIAISON) | R(PLANNER), false, false},
	{NULL, NULL, 0, false, false},
};

static const struct fspec post_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"site", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "Where the post is (the HQ or a node)."},
	{"nation", FT_STRING, FS_NULLABLE | FS_FILTER, 3, 3, NULL, check_iso3, "nations",
	 "The nation that fills it (flag to post)."},
	{"grade", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 12, NULL, NULL, NULL,
	 "NATO rank code, e.g. OF-4, OR-7, or CIV."},
	{"function", FT_STRING, FS_REQUIRED, 1, 120, NULL, NULL, NULL,
	 "e.g. J4 logistics planner."},
	{"filled", FT_BOOL, FS_FILTER, 0, 0, NULL, NULL, NULL, "Someone holds it now."},
	VERSION_FIELD,
};

const struct espec ESPEC_POSTS = {
	"posts", "posts", "id", NULL, NULL, post_fields, N(post_fields),
	"The establishment: posts at the HQ and the nodes.", "PST", 0, NULL,
};
