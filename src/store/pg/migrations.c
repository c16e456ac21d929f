/*
 * migrations.c - the PostgreSQL schema, as numbered migrations.
 *
 * The same migrations as the SQLite backend, in PostgreSQL's dialect: the
 * tables mirror the field specs column for column.  Key columns use the
 * "C" collation so that keyset pagination orders bytewise, as on SQLite.
 * The version lives in nsatu_schema; an advisory lock keeps two servers
 * starting at once from migrating together.
 */
#include "pg.h"

#include "log/log.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const migrations[] = {
	NULL,

	/* 1: reference data, users, sessions, audit, idempotency, throttling. */
	"CREATE TABLE nations ("
	"  iso3 TEXT COLLATE \"C\" PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL,"
	"  nato_since BIGINT, gdp_usd_bn DOUBLE PRECISION, gdp_year BIGINT,"
	"  participates BOOLEAN NOT NULL, version BIGINT NOT NULL);"
	"CREATE TABLE sites ("
	"  code TEXT COLLATE \"C\" PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,"
	"  nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  lat DOUBLE PRECISION NOT NULL, lon DOUBLE PRECISION NOT NULL,"
	"  throughput_t_day DOUBLE PRECISION, training_seats BIGINT, repair_bays BIGINT,"
	"  notes TEXT, version BIGINT NOT NULL);"
	"CREATE INDEX sites_nation ON sites(nation);"
	"CREATE INDEX sites_kind ON sites(kind);"
	"CREATE TABLE coalitions ("
	"  code TEXT COLLATE \"C\" PRIMARY KEY, name TEXT NOT NULL, lead_nations TEXT,"
	"  version BIGINT NOT NULL);"
	"CREATE TABLE substitution_groups ("
	"  code TEXT COLLATE \"C\" PRIMARY KEY, name TEXT NOT NULL, version BIGINT NOT NULL);"
	"CREATE TABLE items ("
	"  code TEXT COLLATE \"C\" PRIMARY KEY, name TEXT NOT NULL, nsn TEXT UNIQUE,"
	"  category TEXT NOT NULL, coalition TEXT REFERENCES coalitions(code),"
	"  unit_of_issue TEXT NOT NULL, serialized BOOLEAN NOT NULL,"
	"  sensitive BOOLEAN NOT NULL, unit_value_eur BIGINT NOT NULL,"
	"  mass_kg DOUBLE PRECISION,"
	"  substitution_group TEXT REFERENCES substitution_groups(code),"
	"  version BIGINT NOT NULL);"
	"CREATE INDEX items_category ON items(category);"
	"CREATE INDEX items_coalition ON items(coalition);"
	"CREATE INDEX items_group ON items(substitution_group);"
	"CREATE TABLE users ("
	"  username TEXT COLLATE \"C\" PRIMARY KEY, display_name TEXT, role TEXT NOT NULL,"
	"  nation TEXT REFERENCES nations(iso3), site TEXT REFERENCES sites(code),"
	"  disabled BOOLEAN NOT NULL, expires_on TEXT, password_hash TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, version BIGINT NOT NULL);"
	"CREATE INDEX users_nation ON users(nation);"
	"CREATE INDEX users_site ON users(site);"
	"CREATE TABLE sessions ("
	"  token_hash TEXT PRIMARY KEY,"
	"  username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,"
	"  created_ms BIGINT NOT NULL, expires_ms BIGINT NOT NULL,"
	"  revoked_ms BIGINT NOT NULL DEFAULT 0);"
	"CREATE INDEX sessions_user ON sessions(username);"
	"CREATE TABLE audit ("
	"  seq BIGINT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
	"  action TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL,"
	"  before TEXT, after TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE TABLE audit_head ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash TEXT NOT NULL);"
	"INSERT INTO audit_head VALUES (1, 0, '');"
	"CREATE TABLE idempotency ("
	"  username TEXT NOT NULL, key TEXT NOT NULL, method TEXT NOT NULL,"
	"  path TEXT NOT NULL, body_hash TEXT NOT NULL, status INTEGER NOT NULL,"
	"  response TEXT, created_ms BIGINT NOT NULL, PRIMARY KEY (username, key));"
	"CREATE TABLE login_failures ("
	"  username TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
	"  last_ms BIGINT NOT NULL, locked_until_ms BIGINT NOT NULL);",

	/* 2: donations: requirements, pledges, allocations, rates, targets. */
	"CREATE TABLE exchange_rates ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, currency TEXT NOT NULL, valid_from TEXT NOT NULL,"
	"  eur_per_unit DOUBLE PRECISION NOT NULL, version BIGINT NOT NULL,"
	"  UNIQUE (currency, valid_from));"
	"CREATE TABLE funding_targets ("
	"  year TEXT COLLATE \"C\" PRIMARY KEY, amount_eur DOUBLE PRECISION NOT NULL,"
	"  notes TEXT, version BIGINT NOT NULL);"
	"CREATE TABLE requirements ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  item TEXT REFERENCES items(code),"
	"  substitution_group TEXT REFERENCES substitution_groups(code),"
	"  quantity BIGINT NOT NULL, priority TEXT NOT NULL, needed_by TEXT NOT NULL,"
	"  destination TEXT NOT NULL REFERENCES sites(code),"
	"  coalition TEXT REFERENCES coalitions(code), justification TEXT,"
	"  status TEXT NOT NULL, status_reason TEXT, created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, version BIGINT NOT NULL);"
	"CREATE INDEX requirements_nation ON requirements(nation);"
	"CREATE INDEX requirements_status ON requirements(status);"
	"CREATE TABLE pledges ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  kind TEXT NOT NULL, pledged_on TEXT NOT NULL,"
	"  item TEXT REFERENCES items(code), quantity BIGINT, condition TEXT,"
	"  origin TEXT REFERENCES sites(code), available_from TEXT, conditions TEXT,"
	"  amount DOUBLE PRECISION, currency TEXT, amount_eur DOUBLE PRECISION, year BIGINT,"
	"  earmark_coalition TEXT REFERENCES coalitions(code), earmark_category TEXT,"
	"  course TEXT, seats BIGINT, facility TEXT REFERENCES sites(code),"
	"  category TEXT, slots BIGINT, source TEXT, status TEXT NOT NULL,"
	"  status_reason TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  version BIGINT NOT NULL);"
	"CREATE INDEX pledges_nation ON pledges(nation);"
	"CREATE INDEX pledges_status ON pledges(status);"
	"CREATE TABLE allocations ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, pledge TEXT NOT NULL REFERENCES pledges(id),"
	"  requirement TEXT NOT NULL REFERENCES requirements(id),"
	"  quantity BIGINT NOT NULL, route TEXT, status TEXT NOT NULL,"
	"  created_by TEXT NOT NULL, created_at TEXT NOT NULL, version BIGINT NOT NULL);"
	"CREATE INDEX allocations_pledge ON allocations(pledge);"
	"CREATE INDEX allocations_requirement ON allocations(requirement);",

	/* 3: the silence procedure and the establishment. */
	"CREATE TABLE proposals ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL,"
	"  deadline TEXT NOT NULL, participants TEXT, created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, version BIGINT NOT NULL);"
	"CREATE TABLE proposal_positions ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, proposal TEXT NOT NULL REFERENCES proposals(id),"
	"  nation TEXT NOT NULL REFERENCES nations(iso3), position TEXT NOT NULL,"
	"  reason TEXT, status TEXT NOT NULL, created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, version BIGINT NOT NULL);"
	"CREATE INDEX positions_proposal ON proposal_positions(proposal);"
	"CREATE TABLE posts ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, site TEXT NOT NULL REFERENCES sites(code),"
	"  nation TEXT REFERENCES nations(iso3), grade TEXT NOT NULL,"
	"  function TEXT NOT NULL, filled BOOLEAN NOT NULL, version BIGINT NOT NULL);"
	"CREATE INDEX posts_site ON posts(site);"
	"CREATE INDEX posts_nation ON posts(nation);",
	/* 4: transfer and repair: shipments, legs, lines, custody events,
	 * assets, repair capacity and orders.  Events carry no foreign keys:
	 * the ingest checks every reference (with a per-batch cache), and the
	 * records they name are never deleted once an event names them. */
	"CREATE TABLE repair_capacities ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, facility TEXT NOT NULL REFERENCES sites(code),"
	"  category TEXT NOT NULL, bays BIGINT NOT NULL, version BIGINT NOT NULL,"
	"  UNIQUE (facility, category));"
	"CREATE TABLE repair_orders ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  requesting_unit TEXT NOT NULL REFERENCES sites(code),"
	"  facility TEXT NOT NULL REFERENCES sites(code),"
	"  item TEXT NOT NULL REFERENCES items(code), category TEXT NOT NULL,"
	"  quantity BIGINT NOT NULL, serials TEXT, fault TEXT NOT NULL,"
	"  priority TEXT NOT NULL, status TEXT NOT NULL, status_reason TEXT,"
	"  approved_at TEXT, closed_at TEXT, created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, version BIGINT NOT NULL);"
	"CREATE INDEX repair_orders_facility ON repair_orders(facility, category, status);"
	"CREATE TABLE shipments ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  purpose TEXT NOT NULL, origin TEXT NOT NULL REFERENCES sites(code),"
	"  handover_point TEXT REFERENCES sites(code),"
	"  destination TEXT NOT NULL REFERENCES sites(code),"
	"  repair_order TEXT REFERENCES repair_orders(id),"
	"  planned_departure TEXT NOT NULL, planned_arrival TEXT NOT NULL, route TEXT,"
	"  status TEXT NOT NULL, location TEXT, dispatched_at TEXT, handed_over_at TEXT,"
	"  received_at TEXT, last_event_at TEXT, notes TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  version BIGINT NOT NULL);"
	"CREATE INDEX shipments_nation ON shipments(nation);"
	"CREATE INDEX shipments_status ON shipments(status);"
	"CREATE TABLE shipment_legs ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, shipment TEXT NOT NULL REFERENCES shipments(id),"
	"  seq BIGINT NOT NULL, from_site TEXT NOT NULL REFERENCES sites(code),"
	"  to_site TEXT NOT NULL REFERENCES sites(code), mode TEXT NOT NULL,"
	"  planned_departure TEXT, planned_arrival TEXT, departed_at TEXT, arrived_at TEXT,"
	"  nation TEXT NOT NULL, version BIGINT NOT NULL, UNIQUE (shipment, seq));"
	"CREATE INDEX shipment_legs_to ON shipment_legs(to_site);"
	"CREATE TABLE shipment_lines ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, shipment TEXT NOT NULL REFERENCES shipments(id),"
	"  allocation TEXT REFERENCES allocations(id),"
	"  item TEXT NOT NULL REFERENCES items(code), quantity BIGINT NOT NULL,"
	"  serials TEXT, dispatched BIGINT NOT NULL, received BIGINT NOT NULL,"
	"  in_transit BIGINT NOT NULL, short BIGINT NOT NULL, lost BIGINT NOT NULL,"
	"  over BIGINT NOT NULL, damaged BIGINT NOT NULL, wrong_item BIGINT NOT NULL,"
	"  status TEXT NOT NULL, nation TEXT NOT NULL, version BIGINT NOT NULL);"
	"CREATE INDEX shipment_lines_shipment ON shipment_lines(shipment);"
	"CREATE INDEX shipment_lines_allocation ON shipment_lines(allocation);"
	"CREATE TABLE assets ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, item TEXT NOT NULL REFERENCES items(code),"
	"  serial TEXT NOT NULL, nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  status TEXT NOT NULL, location TEXT REFERENCES sites(code), shipment TEXT,"
	"  line TEXT, sensitive BOOLEAN NOT NULL, handed_over_at TEXT,"
	"  last_inventory_at TEXT, inventory_due TEXT, lost_at TEXT, loss_reported_at TEXT,"
	"  last_event_at TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  version BIGINT NOT NULL, UNIQUE (item, serial));"
	"CREATE INDEX assets_serial ON assets(serial);"
	"CREATE INDEX assets_status ON assets(status);"
	"CREATE INDEX assets_location ON assets(location);"
	"CREATE INDEX assets_shipment ON assets(shipment);"
	"CREATE TABLE events ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, type TEXT NOT NULL, at TEXT NOT NULL, site TEXT NOT NULL,"
	"  shipment TEXT, line TEXT, item TEXT, serial TEXT, quantity BIGINT,"
	"  discrepancy TEXT, complete BOOLEAN NOT NULL, corrects TEXT, reason TEXT,"
	"  nation TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL,"
	"  version BIGINT NOT NULL);"
	"CREATE INDEX events_shipment ON events(shipment);"
	"CREATE INDEX events_site ON events(site);"
	"CREATE INDEX events_serial ON events(item, serial) WHERE serial IS NOT NULL;"
	"CREATE INDEX events_corrects ON events(corrects) WHERE corrects IS NOT NULL;",
	/* 5: training: courses, sessions, pseudonymous trainees, enrolments. */
	"CREATE TABLE courses ("
	"  code TEXT COLLATE \"C\" PRIMARY KEY, name TEXT NOT NULL, capability TEXT NOT NULL,"
	"  facility TEXT NOT NULL REFERENCES sites(code), duration_days BIGINT NOT NULL,"
	"  class_min BIGINT NOT NULL, class_max BIGINT NOT NULL, prerequisites TEXT,"
	"  language TEXT NOT NULL, interpreter BOOLEAN NOT NULL, notes TEXT,"
	"  version BIGINT NOT NULL);"
	"CREATE TABLE training_sessions ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, course TEXT NOT NULL REFERENCES courses(code),"
	"  facility TEXT NOT NULL REFERENCES sites(code), host_nation TEXT NOT NULL,"
	"  starts_on TEXT NOT NULL, ends_on TEXT NOT NULL, seats BIGINT NOT NULL,"
	"  pledge TEXT REFERENCES pledges(id), notified_on TEXT, status TEXT NOT NULL,"
	"  status_reason TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  version BIGINT NOT NULL);"
	"CREATE INDEX training_sessions_course ON training_sessions(course);"
	"CREATE INDEX training_sessions_facility ON training_sessions(facility);"
	"CREATE TABLE trainees ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, pseudonym TEXT NOT NULL UNIQUE,"
	"  nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  unit TEXT NOT NULL REFERENCES sites(code), specialty TEXT NOT NULL,"
	"  rank TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  version BIGINT NOT NULL);"
	"CREATE TABLE enrolments ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, trainee TEXT NOT NULL REFERENCES trainees(id),"
	"  session TEXT NOT NULL REFERENCES training_sessions(id), course TEXT NOT NULL,"
	"  facility TEXT NOT NULL, nation TEXT NOT NULL, status TEXT NOT NULL,"
	"  status_reason TEXT, qualification TEXT, graduated_on TEXT,"
	"  created_by TEXT NOT NULL, created_at TEXT NOT NULL, version BIGINT NOT NULL);"
	"CREATE INDEX enrolments_trainee ON enrolments(trainee);"
	"CREATE INDEX enrolments_session ON enrolments(session);",
	/* 6: planning: lanes, plans, capability targets; donor conditions on
	 * pledges; allocations know their plan and expected delivery. */
	"CREATE TABLE lanes ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, from_site TEXT NOT NULL REFERENCES sites(code),"
	"  to_site TEXT NOT NULL REFERENCES sites(code), mode TEXT,"
	"  transit_days BIGINT NOT NULL, cost_eur DOUBLE PRECISION NOT NULL, capacity BIGINT, notes TEXT,"
	"  version BIGINT NOT NULL);"
	"CREATE INDEX lanes_from ON lanes(from_site);"
	"CREATE INDEX lanes_to ON lanes(to_site);"
	"CREATE TABLE plans ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, title TEXT, as_of TEXT NOT NULL, status TEXT NOT NULL,"
	"  status_reason TEXT, inputs_digest TEXT NOT NULL, result_digest TEXT NOT NULL,"
	"  requirements BIGINT NOT NULL, pledges BIGINT NOT NULL, allocations BIGINT NOT NULL,"
	"  on_time_units BIGINT NOT NULL, late_units BIGINT NOT NULL, unmet_units BIGINT NOT NULL,"
	"  cost_eur DOUBLE PRECISION NOT NULL, solve_ms BIGINT NOT NULL, problem TEXT NOT NULL,"
	"  result TEXT NOT NULL, approved_by TEXT, created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, version BIGINT NOT NULL);"
	"CREATE INDEX plans_status ON plans(status);"
	"CREATE TABLE capability_targets ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, name TEXT NOT NULL, nation TEXT NOT NULL REFERENCES nations(iso3),"
	"  unit TEXT NOT NULL REFERENCES sites(code), count BIGINT NOT NULL,"
	"  due_on TEXT NOT NULL, notes TEXT, created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL, version BIGINT NOT NULL);"
	"CREATE TABLE capability_needs ("
	"  id TEXT COLLATE \"C\" PRIMARY KEY, target TEXT NOT NULL REFERENCES capability_targets(id),"
	"  item TEXT REFERENCES items(code), course TEXT REFERENCES courses(code),"
	"  quantity BIGINT NOT NULL, nation TEXT NOT NULL, version BIGINT NOT NULL);"
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
	 * its seqs from audit_at alone (src/store/sql.c).  The index holds seq
	 * for index-only scans, and compares times bytewise whatever the
	 * database's collation, as the listing does. */
	"CREATE INDEX audit_actor ON audit(actor, seq);"
	"CREATE INDEX audit_action ON audit(action, seq);"
	"CREATE INDEX audit_entity_seq ON audit(entity, seq);"
	"CREATE INDEX audit_entity_id ON audit(entity_id, seq);"
	"CREATE INDEX audit_at ON audit(at COLLATE \"C\", seq);",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof *migrations) - 1)

static int run(PGconn *db, const char *sql)
{
	PGresult *res = PQexec(db, sql);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		log_msg(LOG_ERROR, "migration failed", "%s", PQresultErrorMessage(res));
		PQclear(res);
		return ST_INTERNAL;
	}
	PQclear(res);
	return ST_OK;
}

int pg_migrate(struct store *s, int *applied, int *version)
{
	struct pg_store *ps = (struct pg_store *)s;
	struct pg_conn *c = store_pool_peek(&ps->pool);
	PGresult *res;
	int current = 0;

	*applied = 0;
	/* Called before serving: the first pooled connection is free. */
	if (!c)
		return ST_INTERNAL;
	if (run(c->db, "BEGIN") != ST_OK)
		return ST_RETRY;
	if (run(c->db, "SELECT pg_advisory_xact_lock(7310551)") != ST_OK ||
	    run(c->db, "CREATE TABLE IF NOT EXISTS nsatu_schema (version INTEGER NOT NULL)") != ST_OK)
		goto fail;
	res = PQexec(c->db, "SELECT version FROM nsatu_schema");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		PQclear(res);
		goto fail;
	}
	if (PQntuples(res) == 1)
		current = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
	else if (run(c->db, "INSERT INTO nsatu_schema VALUES (0)") != ST_OK) {
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	if (current > NMIGRATIONS) {
		log_msg(LOG_ERROR, "database is newer than this program",
			"schema version %d, this build knows up to %d", current, NMIGRATIONS);
		run(c->db, "ROLLBACK");
		return ST_INVALID;
	}
	for (int v = current + 1; v <= NMIGRATIONS; v++) {
		char sql[64];

		snprintf(sql, sizeof sql, "UPDATE nsatu_schema SET version=%d", v);
		if (run(c->db, migrations[v]) != ST_OK || run(c->db, sql) != ST_OK)
			goto fail;
		(*applied)++;
	}
	if (run(c->db, "COMMIT") != ST_OK)
		return ST_INTERNAL;
	*version = NMIGRATIONS;
	return ST_OK;
fail:
	run(c->db, "ROLLBACK");
	return ST_INTERNAL;
}
