/*
 * audit.c - the query parameters of the audit trail's list.
 *
 * They are not fields of a record, but they are checked the same way
 * (fspec_parse_text) and documented from the same table, so a parameter
 * is written down once.  The equality filters are as long as the columns
 * they compare with (struct audit_rec); a longer value could match nothing.
 */
#include "spec.h"

#include <string.h>

static const char *const ORDERS[] = {"asc", "desc", NULL};

const struct fspec AUDIT_PARAMS[] = {
	{"order", FT_ENUM, 0, 0, 0, ORDERS, NULL, NULL,
	 "asc: oldest first (the default); desc: newest first."},
	{"actor", FT_STRING, FS_FILTER, 1, 63, NULL, NULL, NULL,
	 "Only the records of this user (\"system\" for the server's own changes)."},
	{"action", FT_STRING, FS_FILTER, 1, 31, NULL, NULL, NULL,
	 "Only records of this action, such as create, update, transition, login or logout."},
	{"entity", FT_STRING, FS_FILTER, 1, 31, NULL, NULL, NULL,
	 "Only records about this kind of resource, such as requirements or sessions."},
	{"entity_id", FT_STRING, FS_FILTER, 1, 95, NULL, NULL, NULL,
	 "Only records about the record with this key (exact match)."},
	{"from", FT_STRING, 0, 0, 0, NULL, check_date_or_instant, NULL,
	 "Records at or after this time: a date YYYY-MM-DD (from its start) or a UTC time "
	 "YYYY-MM-DDTHH:MM:SS[.mmm]Z."},
	{"to", FT_STRING, 0, 0, 0, NULL, check_date_or_instant, NULL,
	 "Records at or before this time, inclusive at the precision given: a date means "
	 "the whole day, a time without milliseconds the whole second."},
	{"seq_from", FT_INT, 0, 1, 9.2e18, NULL, NULL, NULL,
	 "Records with this sequence number or a higher one."},
	{"seq_to", FT_INT, 0, 1, 9.2e18, NULL, NULL, NULL,
	 "Records with this sequence number or a lower one."},
	{NULL, FT_STRING, 0, 0, 0, NULL, NULL, NULL, NULL},
};

const struct fspec *fspec_find(const struct fspec *list, const char *name)
{
	for (const struct fspec *f = list; f->name; f++) {
		if (strcmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}
