// resources.js - what the UI shows of each resource: the columns of its
// list, the filters offered, and the lists shown under one record.  What a
// user may do with each comes from the API (GET /schema), not from here.

export const SECTIONS = [
  { id: 'donations', label: 'Donations', items: ['requirements', 'pledges', 'allocations', 'plans'] },
  { id: 'transfer', label: 'Transfer', items: ['shipments', 'scan', 'events', 'assets', 'end-use'] },
  { id: 'repairs', label: 'Repairs', items: ['repair_orders', 'repair_capacities', 'repairs-report'] },
  { id: 'training', label: 'Training', items: ['training_sessions', 'enrolments', 'trainees', 'courses', 'training-report'] },
  { id: 'force', label: 'Force development', items: ['capability_targets', 'readiness', 'capability_needs'] },
  { id: 'decisions', label: 'Decisions', items: ['proposals', 'proposal_positions', 'burden-sharing', 'posts'] },
  { id: 'reference', label: 'Reference data', items: ['nations', 'sites', 'coalitions', 'items', 'substitution_groups', 'exchange_rates', 'funding_targets', 'lanes'] },
  { id: 'admin', label: 'Administration', items: ['users', 'audit'] },
];

export const RESOURCES = {
  requirements: {
    columns: ['id', 'priority', 'item', 'substitution_group', 'quantity', 'needed_by', 'destination', 'coalition', 'status'],
    filters: ['status', 'priority', 'coalition', 'destination'],
    coverage: true,
    children: [{ entity: 'allocations', by: 'requirement', columns: ['id', 'pledge', 'quantity', 'expected_on', 'status'] }],
  },
  pledges: {
    columns: ['id', 'nation', 'kind', 'item', 'quantity', 'amount_eur', 'pledged_on', 'available_from', 'status'],
    filters: ['nation', 'kind', 'status', 'item'],
    children: [{ entity: 'allocations', by: 'pledge', columns: ['id', 'requirement', 'quantity', 'expected_on', 'status'] }],
  },
  allocations: {
    columns: ['id', 'requirement', 'pledge', 'quantity', 'route', 'expected_on', 'plan', 'status'],
    filters: ['requirement', 'pledge', 'plan', 'status'],
  },
  plans: {
    columns: ['id', 'title', 'status', 'as_of', 'on_time_units', 'late_units', 'unmet_units', 'cost_eur', 'created_by'],
    filters: ['status'],
  },
  shipments: {
    columns: ['id', 'nation', 'purpose', 'origin', 'destination', 'location', 'planned_arrival', 'status'],
    filters: ['nation', 'status', 'origin', 'destination', 'location'],
    children: [
      { entity: 'shipment_legs', by: 'shipment', columns: ['seq', 'from_site', 'to_site', 'mode', 'planned_departure', 'departed_at', 'arrived_at'] },
      { entity: 'shipment_lines', by: 'shipment', columns: ['id', 'item', 'quantity', 'dispatched', 'in_transit', 'received', 'short', 'status'] },
      { entity: 'events', by: 'shipment', columns: ['at', 'type', 'site', 'line', 'serial', 'quantity', 'recorded_by'] },
    ],
  },
  shipment_legs: { columns: ['id', 'shipment', 'seq', 'from_site', 'to_site', 'mode', 'planned_departure', 'planned_arrival'], filters: ['shipment'] },
  shipment_lines: { columns: ['id', 'shipment', 'item', 'quantity', 'received', 'status'], filters: ['shipment', 'item'] },
  events: {
    columns: ['at', 'type', 'site', 'shipment', 'item', 'serial', 'quantity', 'nation', 'recorded_by'],
    filters: ['type', 'site', 'shipment', 'serial', 'nation'],
    noCreate: true,
  },
  assets: {
    columns: ['id', 'item', 'serial', 'nation', 'location', 'status', 'inventory_due', 'last_inventory_at'],
    filters: ['item', 'serial', 'status', 'location', 'nation'],
    children: [{ entity: 'events', by: 'serial', key: 'serial', columns: ['at', 'type', 'site', 'shipment', 'recorded_by'] }],
  },
  repair_orders: {
    columns: ['id', 'item', 'quantity', 'category', 'facility', 'requesting_unit', 'priority', 'status'],
    filters: ['status', 'facility', 'category'],
  },
  repair_capacities: { columns: ['id', 'facility', 'category', 'bays'], filters: ['facility', 'category'] },
  courses: { columns: ['code', 'name', 'capability', 'facility', 'duration_days', 'class_min', 'class_max', 'language'], filters: ['facility'] },
  training_sessions: {
    columns: ['id', 'course', 'facility', 'starts_on', 'ends_on', 'seats', 'status'],
    filters: ['course', 'facility', 'status'],
    // The class roster, with moves for many trainees at once: pages/training.js.
  },
  trainees: {
    columns: ['id', 'pseudonym', 'rank', 'specialty', 'unit', 'nation'], filters: ['unit'],
    // Kept only as a keyed hash (the pseudonym): given once, never shown.
    inputs: [{ name: 'service_number', required: true, max: 64 }],
  },
  enrolments: {
    columns: ['id', 'trainee', 'course', 'session', 'facility', 'status', 'graduated_on'],
    filters: ['session', 'course', 'facility', 'status'],
  },
  proposals: {
    columns: ['id', 'title', 'deadline', 'status', 'created_by'],
    filters: [],
    children: [{ entity: 'proposal_positions', by: 'proposal', columns: ['id', 'nation', 'position', 'status'] }],
  },
  proposal_positions: { columns: ['id', 'proposal', 'nation', 'position', 'status'], filters: ['proposal', 'nation'] },
  capability_targets: {
    columns: ['id', 'name', 'unit', 'count', 'due_on', 'nation'],
    filters: ['unit'],
    readiness: true,
    children: [{ entity: 'capability_needs', by: 'target', columns: ['id', 'item', 'course', 'quantity'] }],
  },
  capability_needs: { columns: ['id', 'target', 'item', 'course', 'quantity'], filters: ['target'] },
  posts: { columns: ['id', 'function', 'grade', 'nation', 'site', 'filled'], filters: ['nation', 'site'] },
  nations: { columns: ['iso3', 'name', 'status', 'participates', 'gdp_usd_bn', 'nato_since'], filters: ['status'] },
  sites: { columns: ['code', 'name', 'kind', 'nation', 'lat', 'lon'], filters: ['kind', 'nation'] },
  coalitions: { columns: ['code', 'name', 'lead_nations'], filters: [] },
  items: { columns: ['code', 'name', 'category', 'nsn', 'serialized', 'sensitive', 'unit_value_eur', 'mass_kg'], filters: ['category', 'coalition'] },
  substitution_groups: { columns: ['code', 'name'], filters: [] },
  exchange_rates: { columns: ['id', 'currency', 'eur_per_unit', 'valid_from'], filters: ['currency'] },
  funding_targets: { columns: ['year', 'amount_eur', 'notes'], filters: [] },
  lanes: { columns: ['id', 'from_site', 'to_site', 'mode', 'transit_days', 'capacity', 'cost_eur'], filters: ['from_site', 'to_site', 'mode'] },
  users: {
    columns: ['username', 'display_name', 'role', 'nation', 'site', 'disabled', 'expires_on'], filters: ['role', 'nation', 'site'],
    inputs: [{ name: 'password', required: true, update: true, secret: true, max: 1024 }],
  },
};
