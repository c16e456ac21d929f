/*
 * transfer.c - the field specs of transfer and repair: shipments, their
 * legs and lines, custody events, serialized assets, repair capacity and
 * repair orders; the repair workflow; and which role may record which kind
 * of custody event.
 *
 * Custody events are the facts; everything marked "derived" below (a
 * shipment's status and location, a line's counters, an asset's status,
 * location and end-use dates) is worked out from them by src/svc/events.c
 * and is read-only to clients.
 */
#include "spec.h"

#include <string.h>

#define R(role) ROLE_BIT(ROLE_##role)

#define CREATED_FIELDS \
	{"created_by", FT_STRING, FS_READONLY | FS_FILTER, 0, 64, NULL, NULL, NULL, \
	 "Who recorded it."}, \
	{"created_at", FT_TIME, FS_READONLY, 0, 32, NULL, NULL, NULL, "When."}

/* ---- Shipments. ------------------------------------------------------------ */

static const char *const purposes[] = {"delivery", "to_repair", "from_repair", NULL};
const char *const SHIPMENT_STATES[] = {
	"planned", "in_transit", "at_node", "handed_over", "received", NULL,
};

static const struct fspec shipment_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"nation", FT_STRING, FS_REQUIRED | FS_FILTER, 3, 3, NULL, check_iso3, "nations",
	 "The nation whose materiel it carries (the donor, or UKR for repair transport)."},
	{"purpose", FT_ENUM, FS_REQUIRED | FS_FILTER, 1, 16, purposes, NULL, NULL,
	 "delivery, to_repair or from_repair."},
	{"origin", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "Where it starts: a depot (deliveries), a unit or a repair facility."},
	{"handover_point", FT_STRING, FS_NULLABLE | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "Where custody passes to Ukraine (deliveries)."},
	{"destination", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "The receiving unit, or the repair facility."},
	{"repair_order", FT_STRING, FS_NULLABLE | FS_FILTER, 1, 40, NULL, NULL, "repair_orders",
	 "Repair transport: the order it serves."},
	{"planned_departure", FT_DATE, FS_REQUIRED, 10, 10, NULL, NULL, NULL, "Planned dispatch."},
	{"planned_arrival", FT_DATE, FS_REQUIRED, 10, 10, NULL, NULL, NULL,
	 "Planned receipt at the destination."},
	{"route", FT_STRING, FS_READONLY | FS_NULLABLE, 0, 400, NULL, NULL, NULL,
	 "Derived from the legs: origin > node > ... > destination."},
	{"status", FT_ENUM, FS_READONLY | FS_FILTER, 1, 16, SHIPMENT_STATES, NULL, NULL,
	 "Derived from custody events: planned, in_transit, at_node, handed_over, received."},
	{"location", FT_STRING, FS_READONLY | FS_NULLABLE | FS_FILTER, 0, 24, NULL, NULL, NULL,
	 "Derived: the site of its last arrival, null while moving."},
	{"dispatched_at", FT_TIME, FS_READONLY | FS_NULLABLE, 0, 32, NULL, NULL, NULL,
	 "Derived: time of dispatch."},
	{"handed_over_at", FT_TIME, FS_READONLY | FS_NULLABLE, 0, 32, NULL, NULL, NULL,
	 "Derived: time custody passed to Ukraine."},
	{"received_at", FT_TIME, FS_READONLY | FS_NULLABLE, 0, 32, NULL, NULL, NULL,
	 "Derived: time the last line was closed."},
	{"last_event_at", FT_STRING, FS_READONLY | FS_NULLABLE, 0, 32, NULL, NULL, NULL,
	 "Derived: time of the latest event about it."},
	{"notes", FT_STRING, FS_NULLABLE, 0, 1000, NULL, NULL, NULL, "Free text."},
	CREATED_FIELDS,
	VERSION_FIELD,
};

static const char *shipment_check(const json_t *rec, const char **field)
{
	const char *dep = json_string_value(json_object_get(rec, "planned_departure"));
	const char *arr = json_string_value(json_object_get(rec, "planned_arrival"));

	*field = "planned_arrival";
	if (dep && arr && strcmp(arr, dep) < 0)
		return "must not be before planned_departure";
	*field = "destination";
	if (strcmp(json_string_value(json_object_get(rec, "origin")),
		   json_string_value(json_object_get(rec, "destination"))) == 0)
		return "must differ from origin";
	return NULL;
}

const struct espec ESPEC_SHIPMENTS = {
	"shipments", "shipments", "id", "nation", NULL, shipment_fields, N(shipment_fields),
	"Shipments: materiel moving from an origin through nodes to its destination.",
	"SHP", R(DONOR_LIAISON), shipment_check,
};

/* ---- Legs. ------------------------------------------------------------------ */

static const char *const modes[] = {"road", "rail", "air", "sea", NULL};

static const struct fspec leg_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"shipment", FT_STRING, FS_REQUIRED | FS_FILTER, 1, 40, NULL, NULL, "shipments",
	 "The shipment."},
	{"seq", FT_INT, FS_READONLY, 1, 100, NULL, NULL, NULL,
	 "Derived: 1 for the first leg, then 2, 3, ..."},
	{"from_site", FT_STRING, FS_READONLY | FS_FILTER, 2, 24, NULL, NULL, NULL,
	 "Derived: the origin, or where the leg before ends."},
	{"to_site", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "Where the leg ends: a logistics node, the hand-over point or the destination."},
	{"mode", FT_ENUM, FS_REQUIRED | FS_FILTER, 1, 8, modes, NULL, NULL,
	 "road, rail, air or sea."},
	{"planned_departure", FT_DATE, FS_NULLABLE, 10, 10, NULL, NULL, NULL, "Planned."},
	{"planned_arrival", FT_DATE, FS_NULLABLE, 10, 10, NULL, NULL, NULL, "Planned."},
	{"departed_at", FT_TIME, FS_READONLY | FS_NULLABLE, 0, 32, NULL, NULL, NULL,
	 "Derived from the dispatched or departed event at from_site."},
	{"arrived_at", FT_TIME, FS_READONLY | FS_NULLABLE, 0, 32, NULL, NULL, NULL,
	 "Derived from the arrived event at to_site."},
	{"nation", FT_STRING, FS_READONLY | FS_FILTER, 3, 3, NULL, NULL, NULL,
	 "The shipment's nation (for scope)."},
	VERSION_FIELD,
};

const struct espec ESPEC_LEGS = {
	"shipment_legs", "shipment_legs", "id", "nation", NULL, leg_fields, N(leg_fields),
	"The legs of a shipment's route, each with its mode of transport.",
	"LEG", R(DONOR_LIAISON), NULL,
};

/* ---- Lines. ----------------------------------------------------------------- */

static const char *const line_states[] = {"open", "closed", NULL};

static const struct fspec line_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"shipment", FT_STRING, FS_REQUIRED | FS_FILTER, 1, 40, NULL, NULL, "shipments",
	 "The shipment."},
	{"allocation", FT_STRING, FS_NULLABLE | FS_FILTER, 1, 40, NULL, NULL, "allocations",
	 "Deliveries: the allocation it draws on."},
	{"item", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "items",
	 "The item."},
	{"quantity", FT_INT, FS_REQUIRED, 1, 1e9, NULL, NULL, NULL, "Units loaded."},
	{"serials", FT_STRING, FS_NULLABLE, 1, 200000, NULL, NULL, NULL,
	 "Serialized items: one serial per unit, separated by ';'."},
	{"dispatched", FT_INT, FS_READONLY, 0, 1e9, NULL, NULL, NULL, "Derived: units dispatched."},
	{"received", FT_INT, FS_READONLY, 0, 1e9, NULL, NULL, NULL,
	 "Derived: units received at the destination."},
	{"in_transit", FT_INT, FS_READONLY, 0, 1e9, NULL, NULL, NULL,
	 "Derived: dispatched - received - short - lost."},
	{"short", FT_INT, FS_READONLY, 0, 1e9, NULL, NULL, NULL,
	 "Derived: units reported short (or left open by the receipt confirmation)."},
	{"lost", FT_INT, FS_READONLY, 0, 1e9, NULL, NULL, NULL,
	 "Derived: units lost or destroyed on the way."},
	{"over", FT_INT, FS_READONLY, 0, 1e9, NULL, NULL, NULL,
	 "Derived: units received beyond what was in transit."},
	{"damaged", FT_INT, FS_READONLY, 0, 1e9, NULL, NULL, NULL,
	 "Derived: units received damaged (counted in received)."},
	{"wrong_item", FT_INT, FS_READONLY, 0, 1e9, NULL, NULL, NULL,
	 "Derived: units of another item received instead."},
	{"status", FT_ENUM, FS_READONLY | FS_FILTER, 1, 8, line_states, NULL, NULL,
	 "open, or closed by the receipt confirmation or when nothing is in transit."},
	{"nation", FT_STRING, FS_READONLY | FS_FILTER, 3, 3, NULL, NULL, NULL,
	 "The shipment's nation (for scope)."},
	VERSION_FIELD,
};

const struct espec ESPEC_LINES = {
	"shipment_lines", "shipment_lines", "id", "nation", NULL, line_fields, N(line_fields),
	"Shipment lines: an item and quantity (and serials), with custody counters.",
	"LIN", R(DONOR_LIAISON), NULL,
};

/* ---- Custody events. -------------------------------------------------------- */

const char *const EVENT_TYPES[] = {
	"dispatched", "arrived", "departed", "handed_over", "received", "discrepancy",
	"inventory_check", "lost", "destroyed", "expended", NULL,
};
static const char *const discrepancies[] = {"short", "over", "damaged", "wrong_item", NULL};

static const struct fspec event_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_REQUIRED, 36, 36, NULL, check_uuid, NULL,
	 "Chosen by the client: a UUID (v7, time-ordered, preferred). Replaying it is harmless."},
	{"type", FT_ENUM, FS_REQUIRED | FS_FILTER, 1, 16, EVENT_TYPES, NULL, NULL,
	 "What happened."},
	{"at", FT_STRING, FS_REQUIRED, 20, 24, NULL, check_instant, NULL,
	 "When it happened, UTC (YYYY-MM-DDTHH:MM:SS[.mmm]Z)."},
	{"site", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "Where it happened."},
	{"shipment", FT_STRING, FS_NULLABLE | FS_FILTER, 1, 40, NULL, NULL, "shipments",
	 "The shipment, for movements; absent for inventory checks and losses in service."},
	{"line", FT_STRING, FS_NULLABLE | FS_FILTER, 1, 40, NULL, NULL, "shipment_lines",
	 "One line of the shipment; absent: the whole shipment (or the serial's line)."},
	{"item", FT_STRING, FS_NULLABLE | FS_FILTER, 2, 24, NULL, check_code, "items",
	 "With serial: the serialized item."},
	{"serial", FT_STRING, FS_NULLABLE | FS_FILTER, 1, 64, NULL, NULL, NULL,
	 "One serialized asset (with item)."},
	{"quantity", FT_INT, FS_NULLABLE, 1, 1e9, NULL, NULL, NULL,
	 "Units, for a line; absent: all the line's units in question."},
	{"discrepancy", FT_ENUM, FS_NULLABLE | FS_FILTER, 1, 16, discrepancies, NULL, NULL,
	 "Discrepancy events: short, over, damaged or wrong_item."},
	{"complete", FT_BOOL, 0, 0, 0, NULL, NULL, NULL,
	 "received: the receipt confirmation; what is still in transit is booked short "
	 "and the line closes."},
	{"corrects", FT_STRING, FS_NULLABLE | FS_FILTER, 36, 36, NULL, check_uuid, NULL,
	 "The id of the event this one corrects (replaces)."},
	{"reason", FT_STRING, FS_NULLABLE, 0, 1000, NULL, NULL, NULL, "Why: free text."},
	{"nation", FT_STRING, FS_READONLY | FS_FILTER, 3, 3, NULL, NULL, NULL,
	 "Derived: the nation of the shipment or asset (for scope)."},
	{"recorded_by", FT_STRING, FS_READONLY | FS_FILTER, 0, 64, NULL, NULL, NULL,
	 "Who recorded it."},
	{"recorded_at", FT_TIME, FS_READONLY, 0, 32, NULL, NULL, NULL, "When it reached nsatu."},
	VERSION_FIELD,
};

static const char *event_check(const json_t *rec, const char **field)
{
	const char *type = json_string_value(json_object_get(rec, "type"));
	bool item = json_is_string(json_object_get(rec, "item"));
	bool serial = json_is_string(json_object_get(rec, "serial"));
	bool shipment = json_is_string(json_object_get(rec, "shipment"));
	bool line = json_is_string(json_object_get(rec, "line"));
	bool qty = json_is_integer(json_object_get(rec, "quantity"));
	bool disc = json_is_string(json_object_get(rec, "discrepancy"));

	*field = "serial";
	if (item != serial)
		return "give item and serial together";
	*field = "quantity";
	if (serial && qty && json_integer_value(json_object_get(rec, "quantity")) != 1)
		return "must be 1 (or absent) for a serial";
	*field = "discrepancy";
	if (disc != (strcmp(type, "discrepancy") == 0))
		return disc ? "belongs only to discrepancy events" : "is required for a discrepancy";
	*field = "complete";
	if (json_is_true(json_object_get(rec, "complete")) && strcmp(type, "received") != 0)
		return "belongs only to received events";
	*field = "shipment";
	static const char *const movements[] = {
		"dispatched", "arrived", "departed", "handed_over", "received", "discrepancy",
	};
	for (size_t i = 0; i < N(movements); i++) {
		if (strcmp(type, movements[i]) == 0 && !shipment)
			return "is required for this type of event";
	}
	if (line && !shipment)
		return "is required with line";
	*field = "serial";
	if (!shipment && !serial && strcmp(type, "inventory_check") != 0)
		return "is required (with item) for this type of event outside a shipment";
	return NULL;
}

const struct espec ESPEC_EVENTS = {
	"events", "events", "id", "nation", "site", event_fields, N(event_fields),
	"Custody events: append-only facts of what moved where, when, why, and who said so.",
	NULL, R(DONOR_LIAISON) | R(NODE_OPERATOR), event_check,
};

/* ---- Assets. ---------------------------------------------------------------- */

const char *const ASSET_STATES[] = {
	"in_stock", "in_transit", "in_service", "damaged", "in_repair", "lost", "destroyed",
	"expended", NULL,
};

static const struct fspec asset_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"item", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "items",
	 "The serialized item."},
	{"serial", FT_STRING, FS_REQUIRED | FS_FILTER, 1, 64, NULL, NULL, NULL,
	 "Serial number, unique per item."},
	{"nation", FT_STRING, FS_REQUIRED | FS_FILTER, 3, 3, NULL, check_iso3, "nations",
	 "The donor nation."},
	{"status", FT_ENUM, FS_READONLY | FS_FILTER, 1, 16, ASSET_STATES, NULL, NULL,
	 "Derived from events and repairs."},
	{"location", FT_STRING, FS_NULLABLE | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "Where it is (derived from events once it moves); null while in transit."},
	{"shipment", FT_STRING, FS_READONLY | FS_NULLABLE | FS_FILTER, 0, 40, NULL, NULL, NULL,
	 "Derived: the shipment it travels (or last travelled) with."},
	{"line", FT_STRING, FS_READONLY | FS_NULLABLE, 0, 40, NULL, NULL, NULL,
	 "Derived: the shipment line it is on."},
	{"sensitive", FT_BOOL, FS_READONLY | FS_FILTER, 0, 0, NULL, NULL, NULL,
	 "Copied from the item: subject to enhanced end-use monitoring."},
	{"handed_over_at", FT_TIME, FS_READONLY | FS_NULLABLE, 0, 32, NULL, NULL, NULL,
	 "Derived: when custody passed to Ukraine."},
	{"last_inventory_at", FT_TIME, FS_READONLY | FS_NULLABLE, 0, 32, NULL, NULL, NULL,
	 "Derived: the latest serial inventory check."},
	{"inventory_due", FT_DATE, FS_READONLY | FS_NULLABLE | FS_FILTER, 0, 10, NULL, NULL,
	 NULL, "Derived, sensitive items: 90 days after hand-over, then a year after each "
	 "inventory."},
	{"lost_at", FT_TIME, FS_READONLY | FS_NULLABLE, 0, 32, NULL, NULL, NULL,
	 "Derived: when it was lost or destroyed."},
	{"loss_reported_at", FT_TIME, FS_READONLY | FS_NULLABLE, 0, 32, NULL, NULL, NULL,
	 "Derived: when the loss reached nsatu (due within 30 days)."},
	{"last_event_at", FT_STRING, FS_READONLY | FS_NULLABLE, 0, 32, NULL, NULL, NULL,
	 "Derived: time of the latest event that changed it."},
	CREATED_FIELDS,
	VERSION_FIELD,
};

const struct espec ESPEC_ASSETS = {
	"assets", "assets", "id", "nation", "location", asset_fields, N(asset_fields),
	"Assets: one serialized item each; status and location follow its events.",
	"AST", R(DONOR_LIAISON) | R(NODE_OPERATOR), NULL,
};

/* ---- Repair capacity and repair orders. --------------------------------------- */

static const struct fspec capacity_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"facility", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "The repair facility."},
	{"category", FT_ENUM, FS_REQUIRED | FS_FILTER, 1, 24, ITEM_CATEGORIES, NULL, NULL,
	 "Item category it repairs."},
	{"bays", FT_INT, FS_REQUIRED, 0, 10000, NULL, NULL, NULL,
	 "Orders it can work on at once for the category."},
	VERSION_FIELD,
};

const struct espec ESPEC_REPAIR_CAPACITIES = {
	"repair_capacities", "repair_capacities", "id", NULL, "facility", capacity_fields,
	N(capacity_fields), "Repair capacity of each facility by item category.",
	"RCP", R(FACILITY_OPERATOR), NULL,
};

static const char *const priorities[] = {"P1", "P2", "P3", "P4", NULL};
const char *const REPAIR_STATES[] = {
	"requested", "approved", "to_facility", "in_repair", "awaiting_parts", "repaired",
	"returned", "written_off", NULL,
};

static const struct fspec repair_fields[] = {
	{"id", FT_STRING, FS_KEY | FS_READONLY, 1, 40, NULL, NULL, NULL, "Made by the server."},
	{"nation", FT_STRING, FS_REQUIRED | FS_FILTER, 3, 3, NULL, check_iso3, "nations",
	 "The nation whose equipment it is (the recipient)."},
	{"requesting_unit", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "The unit asking for the repair."},
	{"facility", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "sites",
	 "The repair facility."},
	{"item", FT_STRING, FS_REQUIRED | FS_FILTER, 2, 24, NULL, check_code, "items",
	 "The item to repair."},
	{"category", FT_ENUM, FS_READONLY | FS_FILTER, 1, 24, ITEM_CATEGORIES, NULL, NULL,
	 "Derived: the item's category (capacity is counted by it)."},
	{"quantity", FT_INT, FS_REQUIRED, 1, 100000, NULL, NULL, NULL,
	 "Units; for serialized items, the number of serials."},
	{"serials", FT_STRING, FS_NULLABLE, 1, 20000, NULL, NULL, NULL,
	 "Serialized items: the assets' serials, separated by ';'."},
	{"fault", FT_STRING, FS_REQUIRED, 1, 2000, NULL, NULL, NULL, "What is wrong."},
	{"priority", FT_ENUM, FS_REQUIRED | FS_FILTER, 2, 2, priorities, NULL, NULL, "P1 to P4."},
	{"status", FT_ENUM, FS_READONLY | FS_FILTER, 1, 16, REPAIR_STATES, NULL, NULL,
	 "requested, approved, to_facility, in_repair, awaiting_parts, repaired, returned, "
	 "written_off."},
	{"status_reason", FT_STRING, FS_READONLY | FS_NULLABLE, 0, 1000, NULL, NULL, NULL,
	 "Why it was written off."},
	{"approved_at", FT_TIME, FS_READONLY | FS_NULLABLE, 0, 32, NULL, NULL, NULL,
	 "When it was approved."},
	{"closed_at", FT_TIME, FS_READONLY | FS_NULLABLE, 0, 32, NULL, NULL, NULL,
	 "When it was returned or written off (turnaround ends)."},
	CREATED_FIELDS,
	VERSION_FIELD,
};

const struct espec ESPEC_REPAIR_ORDERS = {
	"repair_orders", "repair_orders", "id", "nation", "facility", repair_fields,
	N(repair_fields), "Repair orders: damaged equipment to a repair facility and back.",
	"RPO", R(RECIPIENT_OFFICER) | R(FACILITY_OPERATOR), NULL,
};

/* written_off needs a reason; every move follows the asset (events.c). */
const struct transition REPAIR_FLOW[] = {
	{"requested", "approved", R(PLANNER), false, false},
	{"approved", "to_facility", R(PLANNER) | R(RECIPIENT_OFFICER), false, false},
	{"to_facility", "in_repair", R(FACILITY_OPERATOR), false, false},
	{"in_repair", "awaiting_parts", R(FACILITY_OPERATOR), false, false},
	{"awaiting_parts", "in_repair", R(FACILITY_OPERATOR), false, false},
	{"in_repair", "repaired", R(FACILITY_OPERATOR), false, false},
	{"repaired", "returned", R(FACILITY_OPERATOR) | R(RECIPIENT_OFFICER) | R(PLANNER),
	 false, false},
	{"requested", "written_off", R(PLANNER), true, false},
	{"approved", "written_off", R(PLANNER), true, false},
	{"to_facility", "written_off", R(FACILITY_OPERATOR) | R(PLANNER), true, false},
	{"in_repair", "written_off", R(FACILITY_OPERATOR) | R(PLANNER), true, false},
	{"awaiting_parts", "written_off", R(FACILITY_OPERATOR) | R(PLANNER), true, false},
	{NULL, NULL, 0, false, false},
};
