/*
 * migrations.c - the SQLite schema, as numbered migrations.
 *
 * Migration N brings the schema from version N-1 to N.  The version lives
 * in PRAGMA user_version, which SQLite changes inside the transaction, so a
 * failed migration leaves both the schema and the number as they were.
 * Never edit a migration that has shipped; add the next one.  Tables of
 * records mirror the field specs in src/core/entity.c column for column.
 */
#include "sq.h"

#include "log/log.h"

#include <stdio.h>

static const char *const migrations[] = {
	NULL, /* version 0: empty database */

	/* 1: reference data, users, sessions, audit, idempotency, throttling. */
	"CREATE TABLE nations ("
	"  iso3 TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL,"
	"  nato_since INTEGER, gdp_usd_bn REAL, gdp_year INTEGER,"
	"  participates INTEGER NOT NULL, version INTEGER NOT NULL);"
	"CREATE TABLE sites ("
	"  code TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,"
	"  nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  lat REAL NOT NULL, lon REAL NOT NULL, throughput_t_day REAL,"
	"  training_seats INTEGER, repair_bays INTEGER, notes TEXT,"
	"  version INTEGER NOT NULL);"
	"CREATE INDEX sites_nation ON sites(nation);"
	"CREATE INDEX sites_kind ON sites(kind);"
	"CREATE TABLE coalitions ("
	"  code TEXT PRIMARY KEY, name TEXT NOT NULL, lead_nations TEXT,"
	"  version INTEGER NOT NULL);"
	"CREATE TABLE substitution_groups ("
	"  code TEXT PRIMARY KEY, name TEXT NOT NULL, version INTEGER NOT NULL);"
	"CREATE TABLE items ("
	"  code TEXT PRIMARY KEY, name TEXT NOT NULL, nsn TEXT UNIQUE,"
	"  category TEXT NOT NULL, coalition TEXT REFERENCES coalitions(code),"
	"  unit_of_issue TEXT NOT NULL, serialized INTEGER NOT NULL,"
	"  sensitive INTEGER NOT NULL, unit_value_eur INTEGER NOT NULL,"
	"  mass_kg REAL,"
	"  substitution_group TEXT REFERENCES substitution_groups(code),"
	"  version INTEGER NOT NULL);"
	"CREATE INDEX items_category ON items(category);"
	"CREATE INDEX items_coalition ON items(coalition);"
	"CREATE INDEX items_group ON items(substitution_group);"
	"CREATE TABLE users ("
	"  username TEXT PRIMARY KEY, display_name TEXT, role TEXT NOT NULL,"
	"  nation TEXT REFERENCES nations(iso3), site TEXT REFERENCES sites(code),"
	"  disabled INTEGER NOT NULL, expires_on TEXT, password_hash TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, version INTEGER NOT NULL);"
	"CREATE INDEX users_nation ON users(nation);"
	"CREATE INDEX users_site ON users(site);"
	"CREATE TABLE sessions ("
	"  token_hash TEXT PRIMARY KEY,"
	"  username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,"
	"  created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL,"
	"  revoked_ms INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX sessions_user ON sessions(username);"
	"CREATE TABLE audit ("
	"  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
	"  action TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL,"
	"  before TEXT, after TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE TABLE audit_head ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,"
	"  hash TEXT NOT NULL);"
	"CREATE TABLE idempotency ("
	"  username TEXT NOT NULL, key TEXT NOT NULL, method TEXT NOT NULL,"
	"  path TEXT NOT NULL, body_hash TEXT NOT NULL, status INTEGER NOT NULL,"
	"  response TEXT, created_ms INTEGER NOT NULL,"
	"  PRIMARY KEY (username, key));"
	"CREATE TABLE login_failures ("
	"  username TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
	"  last_ms INTEGER NOT NULL, locked_until_ms INTEGER NOT NULL);",

	/* 2: donations: requirements, pledges, allocations, rates, targets. */
	"CREATE TABLE exchange_rates ("
	"  id TEXT PRIMARY KEY, currency TEXT NOT NULL, valid_from TEXT NOT NULL,"
	"  eur_per_unit REAL NOT NULL, version INTEGER NOT NULL,"
	"  UNIQUE (currency, valid_from));"
	"CREATE TABLE funding_targets ("
	"  year TEXT PRIMARY KEY, amount_eur REAL NOT NULL, notes TEXT,"
	"  version INTEGER NOT NULL);"
	"CREATE TABLE requirements ("
	"  id TEXT PRIMARY KEY, nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  item TEXT REFERENCES items(code),"
	"  substitution_group TEXT REFERENCES substitution_groups(code),"
	"  quantity INTEGER NOT NULL, priority TEXT NOT NULL, needed_by TEXT NOT NULL,"
	"  destination TEXT NOT NULL REFERENCES sites(code),"
	"  coalition TEXT REFERENCES coalitions(code), justification TEXT,"
	"  status TEXT NOT NULL, status_reason TEXT, created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, version INTEGER NOT NULL);"
	"CREATE INDEX requirements_nation ON requirements(nation);"
	"CREATE INDEX requirements_status ON requirements(status);"
	"CREATE TABLE pledges ("
	"  id TEXT PRIMARY KEY, nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  kind TEXT NOT NULL, pledged_on TEXT NOT NULL,"
	"  item TEXT REFERENCES items(code), quantity INTEGER, condition TEXT,"
	"  origin TEXT REFERENCES sites(code), available_from TEXT, conditions TEXT,"
	"  amount REAL, currency TEXT, amount_eur REAL, year INTEGER,"
	"  earmark_coalition TEXT REFERENCES coalitions(code), earmark_category TEXT,"
	"  course TEXT, seats INTEGER, facility TEXT REFERENCES sites(code),"
	"  category TEXT, slots INTEGER, source TEXT, status TEXT NOT NULL,"
	"  status_reason TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  version INTEGER NOT NULL);"
	"CREATE INDEX pledges_nation ON pledges(nation);"
	"CREATE INDEX pledges_status ON pledges(status);"
	"CREATE TABLE allocations ("
	"  id TEXT PRIMARY KEY, pledge TEXT NOT NULL REFERENCES pledges(id),"
	"  requirement TEXT NOT NULL REFERENCES requirements(id),"
	"  quantity INTEGER NOT NULL, route TEXT, status TEXT NOT NULL,"
	"  created_by TEXT NOT NULL, created_at TEXT NOT NULL, version INTEGER NOT NULL);"
	"CREATE INDEX allocations_pledge ON allocations(pledge);"
	"CREATE INDEX allocations_requirement ON allocations(requirement);",

	/* 3: the silence procedure and the establishment. */
	"CREATE TABLE proposals ("
	"  id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL,"
	"  deadline TEXT NOT NULL, participants TEXT, created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, version INTEGER NOT NULL);"
	"CREATE TABLE proposal_positions ("
	"  id TEXT PRIMARY KEY, proposal TEXT NOT NULL REFERENCES proposals(id),"
	"  nation TEXT NOT NULL REFERENCES nations(iso3), position TEXT NOT NULL,"
	"  reason TEXT, status TEXT NOT NULL, created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, version INTEGER NOT NULL);"
	"CREATE INDEX positions_proposal ON proposal_positions(proposal);"
	"CREATE TABLE posts ("
	"  id TEXT PRIMARY KEY, site TEXT NOT NULL REFERENCES sites(code),"
	"  nation TEXT REFERENCES nations(iso3), grade TEXT NOT NULL,"
	"  function TEXT NOT NULL, filled INTEGER NOT NULL, version INTEGER NOT NULL);"
	"CREATE INDEX posts_site ON posts(site);"
	"CREATE INDEX posts_nation ON posts(nation);",

	/* 4: transfer and repair: shipments, legs, lines, custody events,
	 * assets, repair capacity and orders.  Events carry no foreign keys:
	 * the ingest checks every reference (with a per-batch cache), and the
	 * records they name are never deleted once an event names them. */
	"CREATE TABLE repair_capacities ("
	"  id TEXT PRIMARY KEY, facility TEXT NOT NULL REFERENCES sites(code),"
	"  category TEXT NOT NULL, bays INTEGER NOT NULL, version INTEGER NOT NULL,"
	"  UNIQUE (facility, category));"
	"CREATE TABLE repair_orders ("
	"  id TEXT PRIMARY KEY, nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  requesting_unit TEXT NOT NULL REFERENCES sites(code),"
	"  facility TEXT NOT NULL REFERENCES sites(code),"
	"  item TEXT NOT NULL REFERENCES items(code), category TEXT NOT NULL,"
	"  quantity INTEGER NOT NULL, serials TEXT, fault TEXT NOT NULL,"
	"  priority TEXT NOT NULL, status TEXT NOT NULL, status_reason TEXT,"
	"  approved_at TEXT, closed_at TEXT, created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, version INTEGER NOT NULL);"
	"CREATE INDEX repair_orders_facility ON repair_orders(facility, category, status);"
	"CREATE TABLE shipments ("
	"  id TEXT PRIMARY KEY, nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  purpose TEXT NOT NULL, origin TEXT NOT NULL REFERENCES sites(code),"
	"  handover_point TEXT REFERENCES sites(code),"
	"  destination TEXT NOT NULL REFERENCES sites(code),"
	"  repair_order TEXT REFERENCES repair_orders(id),"
	"  planned_departure TEXT NOT NULL, planned_arrival TEXT NOT NULL, route TEXT,"
	"  status TEXT NOT NULL, location TEXT, dispatched_at TEXT, handed_over_at TEXT,"
	"  received_at TEXT, last_event_at TEXT, notes TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  version INTEGER NOT NULL);"
	"CREATE INDEX shipments_nation ON shipments(nation);"
	"CREATE INDEX shipments_status ON shipments(status);"
	"CREATE TABLE shipment_legs ("
	"  id TEXT PRIMARY KEY, shipment TEXT NOT NULL REFERENCES shipments(id),"
	"  seq INTEGER NOT NULL, from_site TEXT NOT NULL REFERENCES sites(code),"
	"  to_site TEXT NOT NULL REFERENCES sites(code), mode TEXT NOT NULL,"
	"  planned_departure TEXT, planned_arrival TEXT, departed_at TEXT, arrived_at TEXT,"
	"  nation TEXT NOT NULL, version INTEGER NOT NULL, UNIQUE (shipment, seq));"
	"CREATE INDEX shipment_legs_to ON shipment_legs(to_site);"
	"CREATE TABLE shipment_lines ("
	"  id TEXT PRIMARY KEY, shipment TEXT NOT NULL REFERENCES shipments(id),"
	"  allocation TEXT REFERENCES allocations(id),"
	"  item TEXT NOT NULL REFERENCES items(code), quantity INTEGER NOT NULL,"
	"  serials TEXT, dispatched INTEGER NOT NULL, received INTEGER NOT NULL,"
	"  in_transit INTEGER NOT NULL, short INTEGER NOT NULL, lost INTEGER NOT NULL,"
	"  over INTEGER NOT NULL, damaged INTEGER NOT NULL, wrong_item INTEGER NOT NULL,"
	"  status TEXT NOT NULL, nation TEXT NOT NULL, version INTEGER NOT NULL);"
	"CREATE INDEX shipment_lines_shipment ON shipment_lines(shipment);"
	"CREATE INDEX shipment_lines_allocation ON shipment_lines(allocation);"
	"CREATE TABLE assets ("
	"  id TEXT PRIMARY KEY, item TEXT NOT NULL REFERENCES items(code),"
	"  serial TEXT NOT NULL, nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  status TEXT NOT NULL, location TEXT REFERENCES sites(code), shipment TEXT,"
	"  line TEXT, sensitive INTEGER NOT NULL, handed_over_at TEXT,"
	"  last_inventory_at TEXT, inventory_due TEXT, lost_at TEXT, loss_reported_at TEXT,"
	"  last_event_at TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  version INTEGER NOT NULL, UNIQUE (item, serial));"
	"CREATE INDEX assets_serial ON assets(serial);"
	"CREATE INDEX assets_status ON assets(status);"
	"CREATE INDEX assets_location ON assets(location);"
	"CREATE INDEX assets_shipment ON assets(shipment);"
	"CREATE TABLE events ("
	"  id TEXT PRIMARY KEY, type TEXT NOT NULL, at TEXT NOT NULL, site TEXT NOT NULL,"
	"  shipment TEXT, line TEXT, item TEXT, serial TEXT, quantity INTEGER,"
	"  discrepancy TEXT, complete INTEGER NOT NULL, corrects TEXT, reason TEXT,"
	"  nation TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL,"
	"  version INTEGER NOT NULL);"
	"CREATE INDEX events_shipment ON events(shipment);"
	"CREATE INDEX events_site ON events(site);"
	"CREATE INDEX events_serial ON events(item, serial) WHERE serial IS NOT NULL;"
	"CREATE INDEX events_corrects ON events(corrects) WHERE corrects IS NOT NULL;",
	/* 5: training: courses, sessions, pseudonymous trainees, enrolments. */
	"CREATE TABLE courses ("
	"  code TEXT PRIMARY KEY, name TEXT NOT NULL, capability TEXT NOT NULL,"
	"  facility TEXT NOT NULL REFERENCES sites(code), duration_days INTEGER NOT NULL,"
	"  class_min INTEGER NOT NULL, class_max INTEGER NOT NULL, prerequisites TEXT,"
	"  language TEXT NOT NULL, interpreter INTEGER NOT NULL, notes TEXT,"
	"  version INTEGER NOT NULL);"
	"CREATE TABLE training_sessions ("
	"  id TEXT PRIMARY KEY, course TEXT NOT NULL REFERENCES courses(code),"
	"  facility TEXT NOT NULL REFERENCES sites(code), host_nation TEXT NOT NULL,"
	"  starts_on TEXT NOT NULL, ends_on TEXT NOT NULL, seats INTEGER NOT NULL,"
	"  pledge TEXT REFERENCES pledges(id), notified_on TEXT, status TEXT NOT NULL,"
	"  status_reason TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  version INTEGER NOT NULL);"
	"CREATE INDEX training_sessions_course ON training_sessions(course);"
	"CREATE INDEX training_sessions_facility ON training_sessions(facility);"
	"CREATE TABLE trainees ("
	"  id TEXT PRIMARY KEY, pseudonym TEXT NOT NULL UNIQUE,"
	"  nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  unit TEXT NOT NULL REFERENCES sites(code), specialty TEXT NOT NULL,"
	"  rank TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  version INTEGER NOT NULL);"
	"CREATE TABLE enrolments ("
	"  id TEXT PRIMARY KEY, trainee TEXT NOT NULL REFERENCES trainees(id),"
	"  session TEXT NOT NULL REFERENCES training_sessions(id), course TEXT NOT NULL,"
	"  facility TEXT NOT NULL, nation TEXT NOT NULL, status TEXT NOT NULL,"
	"  status_reason TEXT, qualification TEXT, graduated_on TEXT,"
	"  created_by TEXT NOT NULL, created_at TEXT NOT NULL, version INTEGER NOT NULL);"
	"CREATE INDEX enrolments_trainee ON enrolments(trainee);"
	"CREATE INDEX enrolments_session ON enrolments(session);",
	/* 6: planning: lanes, plans, capability targets; donor conditions on
	 * pledges; allocations know their plan and expected delivery. */
	"CREATE TABLE lanes ("
	"  id TEXT PRIMARY KEY, from_site TEXT NOT NULL REFERENCES sites(code),"
	"  to_site TEXT NOT NULL REFERENCES sites(code), mode TEXT,"
	"  transit_days INTEGER NOT NULL, cost_eur REAL NOT NULL, capacity INTEGER, notes TEXT,"
	"  version INTEGER NOT NULL);"
	"CREATE INDEX lanes_from ON lanes(from_site);"
	"CREATE INDEX lanes_to ON lanes(to_site);"
	"CREATE TABLE plans ("
	"  id TEXT PRIMARY KEY, title TEXT, as_of TEXT NOT NULL, status TEXT NOT NULL,"
	"  status_reason TEXT, inputs_digest TEXT NOT NULL, result_digest TEXT NOT NULL,"
	"  requirements INTEGER NOT NULL, pledges INTEGER NOT NULL, allocations INTEGER NOT NULL,"
	"  on_time_units INTEGER NOT NULL, late_units INTEGER NOT NULL, unmet_units INTEGER NOT NULL,"
	"  cost_eur REAL NOT NULL, solve_ms INTEGER NOT NULL, problem TEXT NOT NULL,"
	"  result TEXT NOT NULL, approved_by TEXT, created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, version INTEGER NOT NULL);"
	"CREATE INDEX plans_status ON plans(status);"
	"CREATE TABLE capability_targets ("
	"  id TEXT PRIMARY KEY, name TEXT NOT NULL, nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  unit TEXT NOT NULL REFERENCES sites(code), count INTEGER NOT NULL,"
	"  due_on TEXT NOT NULL, notes TEXT, created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, version INTEGER NOT NULL);"
	"CREATE TABLE capability_needs ("
	"  id TEXT PRIMARY KEY, target TEXT NOT NULL REFERENCES capability_targets(id),"
	"  item TEXT REFERENCES items(code), course TEXT REFERENCES courses(code),"
	"  quantity INTEGER NOT NULL, nation TEXT NOT NULL, version INTEGER NOT NULL);"
	"CREATE INDEX capability_needs_target ON capability_needs(target);"
	"ALTER TABLE pledges ADD COLUMN only_coalition TEXT REFERENCES coalitions(code);"
	"ALTER TABLE pledges ADD COLUMN barred_sites TEXT;"
	"ALTER TABLE allocations ADD COLUMN expected_on TEXT;"
	"ALTER TABLE allocations ADD COLUMN plan TEXT REFERENCES plans(id);"
	"CREATE INDEX allocations_plan ON allocations(plan);",
	/* 7: the latest audit record about one record (who changed it last,
	 * told in a 412) is an index lookup, not a scan of the trail. */
	"CREATE INDEX audit_entity ON audit(entity, entity_id, seq);",
	/* 8: listing the audit trail by user, action, resource or record key
	 * walks one of these indexes in seq order from the cursor on, so a
	 * page reads about a page of entries at any depth; a time range reads
	 * its seqs from audit_at alone, which holds the rowid, seq
	 * (src/store/sql.c). */
	"CREATE INDEX audit_actor ON audit(actor, seq);"
	"CREATE INDEX audit_action ON audit(action, seq);"
	"CREATE INDEX audit_entity_seq ON audit(entity, seq);"
	"CREATE INDEX audit_entity_id ON audit(entity_id, seq);"
	"CREATE INDEX audit_at ON audit(at);",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof *migrations) - 1)

int sq_migrate(struct store *s, int *applied, int *version)
{
	struct store_tx *tx;
	struct sq_conn *c;
	sqlite3_stmt *st;
	char *msg = NULL;
	int rc, current = 0;

	*applied = 0;
	rc = s->ops->begin(s, STORE_WRITE, &tx);
	if (rc != ST_OK)
		return rc;
	c = sq_conn_of(tx);
	/* Not cached: a schema change would invalidate it anyway. */
	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) {
		rc = sq_status(c, sqlite3_errcode(c->db), "user_version");
		goto fail;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		current = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (current > NMIGRATIONS) {
		log_msg(LOG_ERROR, "database is newer than this program",
			"schema version %d, this build knows up to %d", current,
			NMIGRATIONS);
		rc = ST_INVALID;
		goto fail;
	}
	for (int v = current + 1; v <= NMIGRATIONS; v++) {
		char pragma[64];

		snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", v);
		if (sqlite3_exec(c->db, migrations[v], NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(c->db, pragma, NULL, NULL, &msg) != SQLITE_OK) {
			log_msg(LOG_ERROR, "migration failed", "version %d: %s", v,
				msg ? msg : "?");
			sqlite3_free(msg);
			rc = ST_INTERNAL;
			goto fail;
		}
		(*applied)++;
	}
	*version = NMIGRATIONS;
	return s->ops->commit(tx);
fail:
	s->ops->rollback(tx);
	return rc;
}
