/*
 * plan_build.h - shared by plan.c and plan_problem.c: the optimiser's
 * problem built from the records; not part of the module's interface.
 */
#ifndef NSATU_SVC_PLAN_BUILD_H
#define NSATU_SVC_PLAN_BUILD_H

#include "internal.h"

#include "plan/plan.h"

struct plan_build {
	int as_of;               /* the plan's first day (day number) */
	struct plan_problem pb;
	json_t *left_out;        /* pledges the problem cannot hold:
				  * [{pledge, item, units, reason}] */
	struct verr *err;        /* why a build failed (a code too long) */
};

/* Build @b's problem for b->as_of inside @tx (run again, it starts over).
 * ST_CONFLICT with b->err set for a record the optimiser cannot take. */
int svc_plan_build(struct store_tx *tx, struct plan_build *b);
/* Free what a build made; @b may be built again. */
void svc_plan_build_clear(struct plan_build *b);

/* @j (taken) as compact JSON with sorted keys (*@text, malloc'd) and its
 * hex BLAKE2b-256: equal content, equal bytes, equal digest. */
int svc_plan_dump(json_t *j, char **text, char digest[STORE_HASH_HEX]);
/* The digest of the problem the records give now for a plan as of @as_of. */
int svc_plan_inputs_digest(struct store_tx *tx, const char *as_of,
			   char digest[STORE_HASH_HEX], struct verr *err);

/* The records of @e, all of them (@field NULL) or those whose @field is
 * one of @values (NULL-terminated), in key order byte by byte: *@rows a
 * new array. */
int svc_rows_sorted(struct store_tx *tx, const struct espec *e, const char *field,
		    const char *const *values, json_t **rows);

#endif
