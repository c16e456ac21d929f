/*
 * routes.c - the route table: every URL nsatu answers, in one place.
 *
 * A pattern segment "{name}" captures one path segment into rq->args.
 * Matching distinguishes "no such path" (404) from "path exists, method
 * does not" (405 with Allow), and answers OPTIONS from the same table.
 * HEAD is served wherever GET is.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* Records that are read, created and changed; most may also be deleted. */
#define RECORD_ROUTES_KEEP(path, spec)                                       \
	{"GET", "/api/v1/" path, h_rec_list, &spec, 0},                      \
	{"POST", "/api/v1/" path, h_rec_create, &spec, 0},                   \
	{"GET", "/api/v1/" path "/{id}", h_rec_get, &spec, 0},               \
	{"PATCH", "/api/v1/" path "/{id}", h_rec_update, &spec, 0}
#define RECORD_ROUTES(path, spec)                                            \
	RECORD_ROUTES_KEEP(path, spec),                                      \
	{"DELETE", "/api/v1/" path "/{id}", h_rec_delete, &spec, 0}

static const struct route routes[] = {
	/* The web UI (static.c): its page, and its files under a build digest. */
	{"GET", "/", h_ui_index, NULL, R_PUBLIC},
	{"GET", "/static/{build}/{file}", h_ui_file, NULL, R_PUBLIC | R_TAIL},
	{"GET", "/healthz", h_healthz, NULL, R_PUBLIC},
	{"GET", "/metrics", h_metrics, NULL, R_PUBLIC},
	{"POST", "/api/v1/sessions", h_session_create, NULL, R_PUBLIC},
	{"GET", "/api/v1/sessions/current", h_session_get, NULL, 0},
	{"DELETE", "/api/v1/sessions/current", h_session_delete, NULL, 0},
	{"POST", "/api/v1/sessions/current/password", h_session_password, NULL, 0},
	{"GET", "/api/v1/schema", h_schema, NULL, 0},
	RECORD_ROUTES("nations", ESPEC_NATIONS),
	RECORD_ROUTES("sites", ESPEC_SITES),
	RECORD_ROUTES("coalitions", ESPEC_COALITIONS),
	RECORD_ROUTES("substitution_groups", ESPEC_SUBST_GROUPS),
	RECORD_ROUTES("items", ESPEC_ITEMS),
	RECORD_ROUTES("users", ESPEC_USERS),
	{"GET", "/api/v1/audit", h_audit_list, NULL, 0},
	{"GET", "/api/v1/audit/verify", h_audit_verify, NULL, 0},
	RECORD_ROUTES("exchange_rates", ESPEC_EXCHANGE_RATES),
	RECORD_ROUTES("funding_targets", ESPEC_FUNDING_TARGETS),
	/* Requirements and pledges are never deleted: they are cancelled,
	 * rejected or withdrawn, with a reason, and stay on record. */
	RECORD_ROUTES_KEEP("requirements", ESPEC_REQUIREMENTS),
	{"POST", "/api/v1/requirements/{id}/transition", h_transition, &ESPEC_REQUIREMENTS, 0},
	{"GET", "/api/v1/requirements/{id}/coverage", h_coverage, &ESPEC_REQUIREMENTS, 0},
	RECORD_ROUTES_KEEP("pledges", ESPEC_PLEDGES),
	{"POST", "/api/v1/pledges/{id}/transition", h_transition, &ESPEC_PLEDGES, 0},
	/* Allocations are made and released, never edited. */
	{"GET", "/api/v1/allocations", h_rec_list, &ESPEC_ALLOCATIONS, 0},
	{"POST", "/api/v1/allocations", h_rec_create, &ESPEC_ALLOCATIONS, 0},
	{"GET", "/api/v1/allocations/{id}", h_rec_get, &ESPEC_ALLOCATIONS, 0},
	{"GET", "/api/v1/reports/coverage", h_coverage_list, &ESPEC_REQUIREMENTS, 0},
	{"GET", "/api/v1/reports/burden-sharing", h_burden_sharing, NULL, 0},
	/* The silence procedure: proposals are tabled, never edited. */
	{"GET", "/api/v1/proposals", h_rec_list, &ESPEC_PROPOSALS, 0},
	{"POST", "/api/v1/proposals", h_rec_create, &ESPEC_PROPOSALS, 0},
	{"GET", "/api/v1/proposals/{id}", h_rec_get, &ESPEC_PROPOSALS, 0},
	{"GET", "/api/v1/proposals/{id}/outcome", h_proposal_outcome, &ESPEC_PROPOSALS, 0},
	{"GET", "/api/v1/proposal_positions", h_rec_list, &ESPEC_POSITIONS, 0},
	{"POST", "/api/v1/proposal_positions", h_rec_create, &ESPEC_POSITIONS, 0},
	{"GET", "/api/v1/proposal_positions/{id}", h_rec_get, &ESPEC_POSITIONS, 0},
	{"POST", "/api/v1/proposal_positions/{id}/transition", h_transition, &ESPEC_POSITIONS, 0},
	RECORD_ROUTES("posts", ESPEC_POSTS),
	{"GET", "/api/v1/reports/manning", h_manning, NULL, 0},
	/* Reports of transfer and repair (h_transfer_reports.c). */
	{"GET", "/api/v1/reports/end-use/delinquent", h_enduse_delinquent, NULL, 0},
	{"GET", "/api/v1/reports/end-use/loss-reports", h_enduse_losses, NULL, 0},
	{"GET", "/api/v1/reports/end-use/reconciliation", h_enduse_reconciliation, NULL, 0},
	{"GET", "/api/v1/reports/nodes/{site}", h_node_report, NULL, 0},
	{"GET", "/api/v1/reports/repairs", h_repair_report, NULL, 0},
	/* Reports of training (h_training_reports.c). */
	{"GET", "/api/v1/reports/training/seats", h_training_seats, NULL, 0},
	{"GET", "/api/v1/reports/training/graduates", h_training_graduates, NULL, 0},
	{"GET", "/api/v1/reports/training/pipeline", h_training_pipeline, NULL, 0},
	{"GET", "/api/v1/reports/training/notice", h_training_notice, NULL, 0},
	/* Transfer and repair.  Shipments are never deleted; legs and lines go
	 * only while the shipment is planned (the last leg first). */
	RECORD_ROUTES_KEEP("shipments", ESPEC_SHIPMENTS),
	/* Transfer documents (h_documents.c): the PDF, and its DataMatrix scanned back. */
	{"GET", "/api/v1/shipments/{id}/document", h_shipment_document, &ESPEC_SHIPMENTS, 0},
	{"POST", "/api/v1/scans", h_scan, NULL, 0},
	{"GET", "/api/v1/shipment_legs", h_rec_list, &ESPEC_LEGS, 0},
	{"POST", "/api/v1/shipment_legs", h_rec_create, &ESPEC_LEGS, 0},
	{"GET", "/api/v1/shipment_legs/{id}", h_rec_get, &ESPEC_LEGS, 0},
	{"DELETE", "/api/v1/shipment_legs/{id}", h_rec_delete, &ESPEC_LEGS, 0},
	{"GET", "/api/v1/shipment_lines", h_rec_list, &ESPEC_LINES, 0},
	{"POST", "/api/v1/shipment_lines", h_rec_create, &ESPEC_LINES, 0},
	{"GET", "/api/v1/shipment_lines/{id}", h_rec_get, &ESPEC_LINES, 0},
	{"DELETE", "/api/v1/shipment_lines/{id}", h_rec_delete, &ESPEC_LINES, 0},
	/* Custody events are append-only: recorded one by one or in batches
	 * (h_events.c), corrected only by a later event. */
	{"GET", "/api/v1/events", h_rec_list, &ESPEC_EVENTS, 0},
	{"POST", "/api/v1/events", h_event_create, &ESPEC_EVENTS, 0},
	{"POST", "/api/v1/events:batch", h_event_batch, &ESPEC_EVENTS, R_BATCH},
	{"GET", "/api/v1/events/{id}", h_rec_get, &ESPEC_EVENTS, 0},
	{"GET", "/api/v1/assets", h_rec_list, &ESPEC_ASSETS, 0},
	{"POST", "/api/v1/assets", h_rec_create, &ESPEC_ASSETS, 0},
	{"GET", "/api/v1/assets/{id}", h_rec_get, &ESPEC_ASSETS, 0},
	RECORD_ROUTES("repair_capacities", ESPEC_REPAIR_CAPACITIES),
	RECORD_ROUTES_KEEP("repair_orders", ESPEC_REPAIR_ORDERS),
	{"POST", "/api/v1/repair_orders/{id}/transition", h_transition, &ESPEC_REPAIR_ORDERS, 0},
	/* Training.  Sessions, trainees and enrolments are never deleted: they
	 * are cancelled or withdrawn.  A trainee is found by service number
	 * with a POST (h_training.c), so the number never sits in a URL. */
	RECORD_ROUTES("courses", ESPEC_COURSES),
	RECORD_ROUTES_KEEP("training_sessions", ESPEC_TRAINING_SESSIONS),
	{"POST", "/api/v1/training_sessions/{id}/transition", h_transition, &ESPEC_TRAINING_SESSIONS, 0},
	RECORD_ROUTES_KEEP("trainees", ESPEC_TRAINEES),
	{"POST", "/api/v1/trainees:lookup", h_trainee_lookup, &ESPEC_TRAINEES, 0},
	{"GET", "/api/v1/enrolments", h_rec_list, &ESPEC_ENROLMENTS, 0},
	{"POST", "/api/v1/enrolments", h_rec_create, &ESPEC_ENROLMENTS, 0},
	{"GET", "/api/v1/enrolments/{id}", h_rec_get, &ESPEC_ENROLMENTS, 0},
	{"POST", "/api/v1/enrolments/{id}/transition", h_transition, &ESPEC_ENROLMENTS, 0},
	/* Planning.  The network, and Ukraine's capability targets with what
	 * one unit of each needs. */
	RECORD_ROUTES("lanes", ESPEC_LANES),
	/* Plans are made by running the optimiser (h_plans.c), never written
	 * by a client; approving one creates its allocations. */
	{"GET", "/api/v1/plans", h_rec_list, &ESPEC_PLANS, 0},
	{"POST", "/api/v1/plans", h_plan_run, &ESPEC_PLANS, 0},
	{"GET", "/api/v1/plans/{id}", h_plan_get, &ESPEC_PLANS, 0},
	{"GET", "/api/v1/plans/{id}/problem", h_plan_problem, &ESPEC_PLANS, 0},
	{"GET", "/api/v1/plans/{id}/diff", h_plan_diff, &ESPEC_PLANS, 0},
	{"POST", "/api/v1/plans/{id}/transition", h_transition, &ESPEC_PLANS, 0},
	RECORD_ROUTES("capability_targets", ESPEC_CAPABILITY_TARGETS),
	RECORD_ROUTES("capability_needs", ESPEC_CAPABILITY_NEEDS),
	/* Readiness of the targets, and the training scheduler (h_readiness.c). */
	{"GET", "/api/v1/readiness", h_readiness, NULL, 0},
	{"GET", "/api/v1/capability_targets/{id}/readiness", h_target_readiness,
	 &ESPEC_CAPABILITY_TARGETS, 0},
	{"POST", "/api/v1/training_schedule", h_training_schedule, NULL, 0},
	/* CSV imports (h_import.c): one transaction per file. */
	{"POST", "/api/v1/requirements/import", h_import, &ESPEC_REQUIREMENTS, 0},
	{"POST", "/api/v1/pledges/import", h_import, &ESPEC_PLEDGES, 0},
};

#define NROUTES (sizeof routes / sizeof *routes)
_Static_assert(NROUTES < HTTP_MAX_ROUTES, "raise HTTP_MAX_ROUTES: the metrics count per route");

size_t http_route_count(void) { return NROUTES; }

struct http_route_info http_route_at(size_t i)
{
	return (struct http_route_info){routes[i].method, routes[i].pattern,
					routes[i].flags & R_PUBLIC};
}

size_t http_route_index(const struct route *r)
{
	return r ? (size_t)(r - routes) : NROUTES;
}

/* Match @path against @pattern, capturing {params} into @args; with @tail
 * the last {param} takes the rest of the path. */
static bool path_matches(const char *pattern, const char *path, bool tail,
			 char args[HTTP_MAX_ARGS][128])
{
	int nargs = 0;

	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *pend = strchr(pattern, '}');
			size_t n = tail && pend && !pend[1] ? strlen(path) : strcspn(path, "/");

			if (!pend || n == 0 || n >= 128 || nargs == HTTP_MAX_ARGS)
				return false;
			memcpy(args[nargs], path, n);
			args[nargs++][n] = '\0';
			pattern = pend + 1;
			path += n;
		} else if (*pattern++ != *path++) {
			return false;
		}
	}
	return *pattern == '\0' && *path == '\0';
}

bool http_route_is_batch(const char *method, const char *path)
{
	char args[HTTP_MAX_ARGS][128];

	for (size_t i = 0; i < NROUTES; i++) {
		if ((routes[i].flags & R_BATCH) && strcmp(routes[i].method, method) == 0 &&
		    path_matches(routes[i].pattern, path, false, args))
			return true;
	}
	return false;
}

const struct route *http_route_match(struct http_req *rq, const char *method,
				     const char *path, bool *path_known,
				     char *allow, size_t allow_len)
{
	const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
	char args[HTTP_MAX_ARGS][128];
	size_t used = 0;

	*path_known = false;
	if (allow_len)
		allow[0] = '\0';
	for (size_t i = 0; i < NROUTES; i++) {
		if (!path_matches(routes[i].pattern, path, routes[i].flags & R_TAIL, args))
			continue;
		if (strcmp(routes[i].method, want) == 0) {
			memcpy(rq->args, args, sizeof args);
			return &routes[i];
		}
		*path_known = true;
		int w = snprintf(allow + used, allow_len - used, "%s%s", used ? ", " : "",
				 routes[i].method);
		if (w > 0 && (size_t)w < allow_len - used)
			used += (size_t)w;
		if (strcmp(routes[i].method, "GET") == 0) {
			w = snprintf(allow + used, allow_len - used, ", HEAD");
			if (w > 0 && (size_t)w < allow_len - used)
				used += (size_t)w;
		}
	}
	if (*path_known) {
		int w = snprintf(allow + used, allow_len - used, ", OPTIONS");
		(void)w;
	}
	return NULL;
}
