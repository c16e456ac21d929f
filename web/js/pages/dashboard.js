// pages/dashboard.js - the home page: the user's own work first, then the
// state of the whole effort in figures, charts and a map.
//
// Each card shows only if the user's role may read its data (GET /schema),
// loads on its own (all at once), and shows its own problem if it fails;
// the rest of the page carries on.  Cards that share a report (funding and
// burden sharing; coverage and the pipeline) share one request.

import { h, fill, newId } from '../dom.js';
import { t, tv, num, eur, pct, when } from '../i18n.js';
import * as api from '../api.js';
import { session, can, canReport, pageHead, errorBox, loading } from '../ui.js';
import { COLORS, hbars, stackedBars, progress, legend, miniTable, responsive } from '../charts.js';
import { europeMap } from '../map.js';

const enc = encodeURIComponent;

// A function that makes its promise once, on first call.
function once(fn) {
  let p = null;
  return () => (p ||= fn());
}

export async function dashboard(main) {
  const u = session.user;
  const year = new Date().getFullYear();
  const grid = h('div', { class: 'cards dash-cards' });
  fill(main, pageHead(t('Home')), grid);

  const burden = once(() => api.get('/reports/burden-sharing', { year }));
  // The user's own site (node and facility operators): its kind decides
  // which work a facility has (training, repair).
  const siteKind = once(async () => {
    if (!u.site || !can('sites', 'r')) return null;
    try { return (await api.get(`/sites/${enc(u.site)}`)).kind; } catch { return null; }
  });
  // Whether the user's site does @kind's work: false only for a facility
  // operator whose site is known to be the other kind of facility.
  const facilityIs = async (kind) => {
    if (u.role !== 'facility_operator') return true;
    const k = await siteKind();
    return k === kind || !['training_facility', 'repair_facility'].includes(k);
  };
  const coverage = once(() => api.listAll('/reports/coverage'));

  const jobs = [];
  const add = (title, opts, work) => {
    const c = card(title, opts);
    grid.append(c.el);
    jobs.push(run(c, work));
  };

  add(t('Your work'), { wide: true, cls: 'dash-work' }, () => workCard(u, siteKind));

  // Figures first (small cards), then charts and the map (wide cards).
  if (canReport('burden_sharing')) add(t('Funding against the {year} target', { year }), {}, () => fundingCard(burden, year, u));
  if (canReport('coverage')) add(t('Pipeline: pledged to delivered'), {}, () => pipelineCard(coverage, u));
  if (canReport('repair_report')) {
    add(t('Repair backlog'), {}, async () => ((await facilityIs('repair_facility')) ? repairCard() : null));
  }
  if (canReport('end_use')) add(t('End-use monitoring: overdue inventories'), {}, () => endUseCard());
  if (canReport('node_report') && u.site && u.role === 'node_operator') {
    add(t('Your node: {site}', { site: u.site }), {}, () => nodeCard(u.site));
  }
  if (canReport('burden_sharing')) add(t('Burden sharing by nation, {year}', { year }), { wide: true }, () => burdenCard(burden, year, u));
  if (canReport('coverage')) add(t('Requirement coverage'), { wide: true }, () => coverageCard(coverage));
  if (can('sites', 'r')) add(t('Sites and shipments on the move'), { wide: true }, () => mapCard(u));
  if (canReport('training_report')) {
    add(t('Training pipeline'), { wide: true }, async () => ((await facilityIs('training_facility')) ? trainingCard() : null));
  }

  await Promise.all(jobs);
}

// ---- Cards. ---------------------------------------------------------------------

function card(title, { wide = false, cls = '' } = {}) {
  const id = newId('card');
  const body = h('div', { class: 'dash-body', 'aria-busy': 'true' }, loading());
  const el = h('section', { class: ['card', 'dash-card', wide ? 'wide' : '', cls].filter(Boolean).join(' '), 'aria-labelledby': id },
    h('h2', { id }, title), body);
  return { el, body };
}

async function run(c, work) {
  try {
    const content = await work();
    if (content === null) c.el.remove(); // nothing for this user after all
    else fill(c.body, content);
  } catch (e) {
    // A fault in this page's code, not a problem reported by the API: log it.
    if (e instanceof TypeError || e instanceof ReferenceError || e instanceof RangeError) console.error(e);
    fill(c.body, errorBox(e));
  } finally {
    c.body.removeAttribute('aria-busy');
  }
}

function more(href, text) {
  return h('p', { class: 'dash-more' }, h('a', { href }, text));
}

function stats(pairs) {
  return h('dl', { class: 'dash-stats' }, pairs.filter(Boolean).map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))));
}

const note = (text) => h('p', { class: 'dash-note' }, text);

// ---- Your work. -------------------------------------------------------------------

const ACTIVE_REPAIRS = new Set(['requested', 'approved', 'to_facility', 'in_repair', 'awaiting_parts', 'repaired']);

async function workItems(u, siteKind) {
  const items = [];
  const add = (entityName, label, path, params = {}, extra = {}) => {
    // The link opens the list with the same filters (the router reads "?…").
    const q = new URLSearchParams(params).toString();
    if (can(entityName, 'r')) items.push({ label, path, params, href: `#/${entityName}${q ? `?${q}` : ''}`, ...extra });
  };
  const now = Date.now();
  switch (u.role) {
    case 'planner':
      add('requirements', t('Requirements submitted, awaiting validation'), '/requirements', { status: 'submitted' });
      add('plans', t('Draft plans to approve or discard'), '/plans', { status: 'draft' });
      add('repair_orders', t('Repair orders awaiting approval'), '/repair_orders', { status: 'requested' });
      add('pledges', t('Pledges announced, not yet committed'), '/pledges', { status: 'announced' });
      break;
    case 'donor_liaison':
      add('pledges', t('Pledges of {nation}', { nation: u.nation || '' }), '/pledges');
      add('pledges', t('Pledges announced, not yet committed'), '/pledges', { status: 'announced' });
      add('proposals', t('Proposals open under the silence procedure'), '/proposals', {},
        { filter: (p) => !p.deadline || Date.parse(p.deadline) > now });
      add('shipments', t('Shipments planned, to dispatch'), '/shipments', { status: 'planned' });
      break;
    case 'recipient_officer':
      add('requirements', t('Requirements in draft, to submit'), '/requirements', { status: 'draft' });
      add('requirements', t('Requirements submitted, awaiting validation'), '/requirements', { status: 'submitted' });
      add('shipments', t('Shipments in transit'), '/shipments', { status: 'in_transit' });
      add('shipments', t('Shipments handed over, to receive'), '/shipments', { status: 'handed_over' });
      add('enrolments', t('Enrolments nominated'), '/enrolments', { status: 'nominated' });
      break;
    case 'node_operator':
      if (u.site) add('shipments', t('Shipments at {site}', { site: u.site }), '/shipments', { location: u.site });
      break;
    case 'facility_operator': {
      if (!u.site) break;
      const kind = await siteKind(); // null: show both kinds of work
      if (kind !== 'repair_facility') {
        add('training_sessions', t('Training sessions running at {site}', { site: u.site }), '/training_sessions', { facility: u.site, status: 'running' });
        add('training_sessions', t('Training sessions open at {site}', { site: u.site }), '/training_sessions', { facility: u.site, status: 'open' });
        add('enrolments', t('Enrolments nominated at {site}, to enrol', { site: u.site }), '/enrolments', { facility: u.site, status: 'nominated' });
      }
      if (kind !== 'training_facility') {
        add('repair_orders', t('Repair orders open at {site}', { site: u.site }), '/repair_orders', { facility: u.site },
          { filter: (o) => ACTIVE_REPAIRS.has(o.status) });
      }
      break;
    }
    case 'admin':
      add('users', t('Users'), '/users');
      break;
    default:
      break;
  }
  return items;
}

async function countOf(item) {
  const page = await api.get(item.path, { ...item.params, limit: 500 });
  const list = item.filter ? page.items.filter(item.filter) : page.items;
  return { n: list.length, more: !!page.next_cursor };
}

async function workCard(u, siteKind) {
  const items = await workItems(u, siteKind);
  const counts = await Promise.allSettled(items.map(countOf));
  const out = [];

  // The node's big button: scanning is most of a node operator's work.
  if (u.role === 'node_operator' && can('shipments', 'r') && (session.schema?.event_types || []).length) {
    out.push(h('p', { class: 'dash-scan' }, h('a', { class: 'btn btn-primary btn-big', href: '#/scan' }, t('Scan a shipment or asset'))));
  }

  if (items.length) {
    out.push(h('ul', { class: 'work-list' }, items.map((item, i) => {
      const c = counts[i];
      const value = c.status === 'fulfilled' ? `${num(c.value.n)}${c.value.more ? '+' : ''}` : '–';
      return h('li', null, h('a', { class: 'work-item', href: item.href },
        h('span', { class: 'work-count' }, value),
        h('span', { class: 'work-label' }, item.label)));
    })));
  }
  const failed = counts.find((c) => c.status === 'rejected');
  if (failed) out.push(errorBox(failed.reason));

  if (canReport('audit')) out.push(await auditWork());
  if (!out.length) out.push(h('p', null, t('Nothing is waiting for you.')));
  return out;
}

// The trail's length from its newest record (one indexed row); checking the
// whole chain reads every record, so it waits for the audit page's button.
async function auditWork() {
  let latest = null;
  let err = null;
  try { latest = (await api.get('/audit', { order: 'desc', limit: 1 })).items[0] || { seq: 0 }; } catch (e) { err = e; }
  return h('div', { class: 'dash-audit' },
    h('a', { class: 'work-item', href: '#/audit' },
      h('span', { class: 'work-count' }, latest ? num(latest.seq) : '–'),
      h('span', { class: 'work-label' }, t('Audit records: open the audit trail'))),
    latest?.at ? h('p', null, t('Latest: {when}', { when: when(latest.at) })) : null,
    err ? errorBox(err) : null);
}

// ---- Funding against the year's target. -------------------------------------------

function noTarget(e, year) {
  if (e?.status === 404 && (e.problem?.field === 'year' || e.fieldErrors.some((f) => f.field === 'year'))) {
    return [h('p', null, t('No funding target is set for {year}.', { year })),
      can('funding_targets', 'c') ? more('#/funding_targets/new', t('Set the funding target')) : null];
  }
  throw e;
}

async function fundingCard(burden, year, u) {
  let r;
  try { r = await burden(); } catch (e) { return noTarget(e, year); }
  const ratio = r.ratio ?? (r.target_eur ? r.contributed_eur / r.target_eur : 0);
  return [
    h('p', { class: 'kpi' }, eur(r.contributed_eur)),
    h('p', { class: 'kpi-sub' }, t('{ratio} of the target of {target}', { ratio: pct(ratio, 1), target: eur(r.target_eur) })),
    progress({
      value: ratio, max: 1, label: t('Funding against the {year} target', { year }),
      text: t('{contributed} of {target} ({ratio})', { contributed: eur(r.contributed_eur), target: eur(r.target_eur), ratio: pct(ratio, 1) }),
      color: COLORS.blue,
    }),
    stats([
      [t('Still to find'), eur(Math.max(0, (r.target_eur || 0) - (r.contributed_eur || 0)))],
      // The nations a role sees may be only its own: then no total delivered.
      !u.nation && r.nations?.length
        ? [t('Delivered'), eur(r.nations.reduce((a, n) => a + (n.delivered_eur || 0), 0))] : null,
      [t('Nations contributing'), r.nations && !u.nation ? num(r.nations.filter((n) => n.contributed_eur > 0).length) : null],
    ].filter((p) => p && p[1] !== null)),
    note(t('Committed and delivered pledges of all nations, {from} to {to}.', { from: r.from, to: r.to })),
    canReport('burden_sharing') ? more('#/burden-sharing', t('Burden-sharing report')) : null,
  ];
}

// ---- Burden sharing by nation. ---------------------------------------------------------

const TOP = 15;

async function burdenCard(burden, year, u) {
  let r;
  try { r = await burden(); } catch (e) { return noTarget(e, year); }
  const nations = r.nations || [];
  const rows = nations
    .filter((n) => n.contributed_eur > 0 || nations.length === 1)
    .sort((a, b) => b.contributed_eur - a.contributed_eur)
    .slice(0, TOP);
  if (!rows.length) return h('p', null, t('No contributions are recorded for {year} yet.', { year }));

  const maxC = Math.max(...rows.map((n) => n.contributed_eur), 0);
  const maxM = Math.max(...rows.map((n) => (n.has_share ? n.fair_share_eur || 0 : 0)), 0);
  // Very large fair shares would flatten every bar: beyond 3 times the
  // largest contribution they are drawn as arrows at the end of the axis.
  const max = Math.max(maxC, Math.min(maxM, 3 * maxC)) || maxM || 1;
  const share = (n) => (n.has_share && n.fair_share_eur !== null ? n.fair_share_eur : null);
  const valueText = (n) => (share(n) === null
    ? t('{eur}, no fair share', { eur: eur(n.contributed_eur) })
    : t('{eur}, {ratio} of fair share', { eur: eur(n.contributed_eur), ratio: pct(n.ratio, 0) }));
  const title = t('Contributions against fair share, top {n} nations, {year}', { n: rows.length, year });

  const chart = responsive((width) => hbars({
    width, title, max,
    desc: t('Bars: contribution; marks: fair share of the target. A mark beyond the axis is an arrow at its end.'),
    format: (v) => eur(v),
    rows: rows.map((n) => ({
      label: n.name || n.nation,
      value: n.contributed_eur,
      marker: share(n),
      text: valueText(n),
      tip: share(n) === null
        ? `${n.name}: ${valueText(n)}`
        : `${n.name}: ${t('contributed {c} of a fair share of {s} ({ratio})', { c: eur(n.contributed_eur), s: eur(share(n)), ratio: pct(n.ratio, 1) })}`,
    })),
    color: COLORS.blue, markerColor: COLORS.ink,
  }));

  return [
    legend([
      { label: t('Contributed (committed and delivered)'), color: COLORS.blue },
      { label: t('Fair share of the target'), color: COLORS.ink, shape: 'tick' },
      rows.some((n) => share(n) !== null && share(n) > max)
        ? { label: t('Fair share beyond the scale'), color: COLORS.ink, shape: 'arrow' } : null,
    ].filter(Boolean), t('Legend')),
    chart,
    miniTable({
      caption: title, srOnly: true,
      columns: [{ label: t('Nation') }, { label: t('Contributed'), num: true }, { label: t('Fair share'), num: true }, { label: t('Ratio'), num: true }],
      rows: rows.map((n) => [n.name || n.nation, eur(n.contributed_eur),
        share(n) === null ? t('none') : eur(share(n)), n.ratio === null ? '–' : pct(n.ratio, 1)]),
    }),
    u.nation && nations.length <= 1 ? note(t('Your role sees only its own nation.')) : null,
    nations.length > rows.length
      ? note(t('{shown} of {all} nations: those that contributed most.', { shown: rows.length, all: nations.length })) : null,
    more('#/burden-sharing', t('Burden-sharing report')),
  ];
}

// ---- Requirement coverage. ---------------------------------------------------------------

const COUNTED = (r) => !['draft', 'rejected', 'cancelled'].includes(r.status);

// A requirement's units split into delivered, shipped (not yet delivered),
// allocated (not yet shipped) and not yet allocated; they add up to requested.
function split(c) {
  const req = Math.max(0, c?.requested || 0);
  const al = Math.min(Math.max(0, c?.allocated || 0), req);
  const sh = Math.min(Math.max(0, c?.shipped || 0), al);
  const de = Math.min(Math.max(0, c?.delivered || 0), sh);
  return [de, sh - de, al - sh, req - al];
}

const COVERAGE_SERIES = () => [
  { label: t('Delivered'), color: COLORS.green },
  { label: t('Shipped, not yet delivered'), color: COLORS.blue },
  { label: t('Allocated, not yet shipped'), color: COLORS.amber },
  { label: t('Not yet allocated'), color: COLORS.slate },
];

function coverageGroups(items, key, order) {
  const groups = new Map();
  for (const r of items) {
    const k = r[key] ?? '';
    if (!groups.has(k)) groups.set(k, { key: k, count: 0, values: [0, 0, 0, 0] });
    const g = groups.get(k);
    g.count += 1;
    split(r.coverage).forEach((v, i) => { g.values[i] += v; });
  }
  const list = [...groups.values()];
  return order ? list.sort(order) : list;
}

function coverageChart(groups, series, title, labelOf) {
  const rows = groups.map((g) => {
    const total = g.values.reduce((a, b) => a + b, 0);
    return {
      label: labelOf(g.key),
      values: g.values,
      text: t('{pct} delivered of {n}', { pct: pct(total ? g.values[0] / total : 0), n: num(total) }),
      tip: `${labelOf(g.key)}: ${t('{count} requirements, {n} units requested', { count: num(g.count), n: num(total) })}`,
    };
  });
  const table = miniTable({
    caption: title, srOnly: true,
    columns: [{ label: t('Group') }, { label: t('Requested'), num: true }, ...series.map((s) => ({ label: s.label, num: true }))],
    rows: groups.map((g) => [labelOf(g.key), num(g.values.reduce((a, b) => a + b, 0)), ...g.values.map((v) => num(v))]),
  });
  return [
    h('h3', null, title),
    responsive((width) => stackedBars({
      width, title, series, rows, percent: true, textShare: 0.4,
      segmentTip: (row, k, v, total) => `${row.label}: ${series[k].label} ${num(v)} (${pct(total ? v / total : 0)})`,
    }), { initial: 480 }),
    table,
  ];
}

async function coverageCard(coverage) {
  const { items, more: truncated } = await coverage();
  const counted = items.filter(COUNTED);
  if (!counted.length) return h('p', null, t('No requirements have been submitted yet.'));
  const series = COVERAGE_SERIES();
  const prio = coverageGroups(counted, 'priority', (a, b) => String(a.key).localeCompare(String(b.key)));
  const coal = coverageGroups(counted, 'coalition', (a, b) => {
    if (!a.key !== !b.key) return a.key ? -1 : 1; // "no coalition" last
    const ta = a.values.reduce((x, y) => x + y, 0);
    const tb = b.values.reduce((x, y) => x + y, 0);
    return tb - ta;
  });
  return [
    legend(series.map((s) => ({ label: s.label, color: s.color })), t('Legend')),
    h('div', { class: 'dash-split' },
      h('div', null, coverageChart(prio, series, t('By priority: share of requested units'), (k) => (k ? tv(k) : t('No priority')))),
      h('div', null, coverageChart(coal, series, t('By coalition: share of requested units'), (k) => k || t('No coalition')))),
    note(t('{n} requirements: all but drafts, rejected and cancelled ones. Units of different items are added up as they are.', { n: num(counted.length) })),
    truncated ? note(t('Only the first {n} requirements are counted.', { n: num(items.length) })) : null,
    can('requirements', 'r') ? more('#/requirements', t('Requirements')) : null,
  ];
}

// ---- The pipeline: pledged, allocated, shipped, delivered. -------------------------------

async function pipelineCard(coverage, u) {
  const mayPledges = can('pledges', 'r');
  const [cov, pledges] = await Promise.all([
    coverage(),
    mayPledges ? api.listAll('/pledges', { kind: 'materiel' }) : Promise.resolve(null),
  ]);
  const counted = cov.items.filter(COUNTED);
  const sum = (f) => counted.reduce((a, r) => a + Math.max(0, r.coverage?.[f] || 0), 0);
  const requested = sum('requested');
  const pledged = pledges
    ? pledges.items.filter((p) => p.status !== 'withdrawn').reduce((a, p) => a + Math.max(0, p.quantity || 0), 0)
    : null;
  // A donor liaison reads only their own nation's pledges: those are not a
  // step of the whole pipeline, so they are shown beside it.
  const scoped = pledged !== null && !!u.nation;
  const steps = [
    pledged !== null && !scoped ? { label: t('Pledged'), value: pledged, color: COLORS.purple } : null,
    { label: t('Allocated'), value: sum('allocated'), color: COLORS.amber },
    { label: t('Shipped'), value: sum('shipped'), color: COLORS.blue },
    { label: t('Delivered'), value: sum('delivered'), color: COLORS.green },
  ].filter(Boolean);
  const first = steps[0].value;
  const title = t('Units along the pipeline');
  return [
    h('p', { class: 'kpi' }, num(steps[steps.length - 1].value)),
    h('p', { class: 'kpi-sub' }, t('units delivered of {n} requested', { n: num(requested) })),
    responsive((width) => hbars({
      width, title, axis: false, rowHeight: 30, labelShare: 0.4,
      rows: steps.map((s, i) => ({
        label: s.label, value: s.value, color: s.color,
        text: i === 0 ? num(s.value) : `${num(s.value)} (${pct(first ? s.value / first : 0)})`,
        tip: `${s.label}: ${num(s.value)}`,
      })),
    }), { initial: 320 }),
    miniTable({
      caption: title, srOnly: true,
      columns: [{ label: t('Step') }, { label: t('Units'), num: true }],
      rows: steps.map((s) => [s.label, num(s.value)]),
    }),
    scoped ? stats([[t('Units pledged by {nation}', { nation: u.nation }), num(pledged)]]) : null,
    pledged === null
      ? note(t('Your role does not see pledges: the pipeline starts at allocation. Percentages are of the units allocated.'))
      : note(scoped
        ? t('Allocations, shipments and deliveries of all nations; percentages are of the units allocated. Pledged: materiel pledges of {nation}, not withdrawn.', { nation: u.nation })
        : t('Pledged: materiel pledges not withdrawn. Percentages are of the units pledged.')),
    pledges?.more ? note(t('Only the first {n} pledges are counted.', { n: num(pledges.items.length) })) : null,
  ];
}

// ---- Sites and shipments on the map. -----------------------------------------------------

const MOVING = ['in_transit', 'at_node', 'handed_over'];
const MAX_LEGS = 25; // shipments in transit whose legs are read to place them

async function mapCard(u) {
  const mayShipments = can('shipments', 'r');
  const [sites, ...lists] = await Promise.all([
    api.listAll('/sites'),
    ...(mayShipments ? MOVING.map((status) => api.listAll('/shipments', { status })) : []),
  ]);
  const shipments = lists.flatMap((l) => l.items);
  // A moving shipment has no location: its legs say between which sites.
  const legs = {};
  const inTransit = shipments.filter((s) => !s.location).slice(0, MAX_LEGS);
  if (can('shipment_legs', 'r') && inTransit.length) {
    await Promise.all(inTransit.map(async (s) => {
      try { legs[s.id] = (await api.get('/shipment_legs', { shipment: s.id, limit: 100 })).items; } catch { /* drawn without its position */ }
    }));
  }
  return [
    await europeMap({
      sites: sites.items, shipments, legs, highlight: u.site,
      shipmentLink: (id) => `#/shipments/${enc(id)}`,
    }),
    mayShipments && !shipments.length ? note(t('No shipments are on the move.')) : null,
    mayShipments ? more('#/shipments', t('Shipments')) : null,
  ];
}

// ---- Training pipeline. --------------------------------------------------------------------

const TRAINING = [
  ['nominated', COLORS.slate],
  ['enrolled', COLORS.sky],
  ['in_training', COLORS.blue],
  ['graduated', COLORS.green],
  ['failed', COLORS.red],
  ['withdrawn', COLORS.amber],
];

async function trainingCard() {
  const r = await api.get('/reports/training/pipeline');
  const courses = (r.courses || []).slice().sort((a, b) => (b.enrolments || 0) - (a.enrolments || 0));
  const tot = r.totals || {};
  const series = TRAINING.map(([k, color]) => ({ key: k, label: tv(k), color }));
  if (!courses.length) return h('p', null, t('No trainees are enrolled yet.'));
  const title = t('Enrolments by course and status');
  return [
    h('p', { class: 'kpi' }, num(tot.graduated)),
    h('p', { class: 'kpi-sub' }, t('graduated of {n} enrolments; {training} in training now', { n: num(tot.enrolments), training: num(tot.in_training) })),
    legend(series.map((s) => ({ label: `${s.label}: ${num(tot[s.key] || 0)}`, color: s.color })), t('Legend')),
    responsive((width) => stackedBars({
      width, title, series,
      rows: courses.map((c) => ({
        label: c.name || c.course,
        values: series.map((s) => c[s.key] || 0),
        text: t('{g} of {n} graduated', { g: num(c.graduated || 0), n: num(c.enrolments || 0) }),
        tip: `${c.name || c.course} (${c.course})`,
      })),
      segmentTip: (row, k, v) => `${row.label}: ${series[k].label} ${num(v)}`,
    })),
    miniTable({
      caption: title, srOnly: true,
      columns: [{ label: t('Course') }, { label: t('Enrolments'), num: true }, ...series.map((s) => ({ label: s.label, num: true }))],
      rows: courses.map((c) => [c.name || c.course, num(c.enrolments || 0), ...series.map((s) => num(c[s.key] || 0))]),
    }),
    more('#/training-report', t('Training report')),
  ];
}

// ---- Repair backlog. -----------------------------------------------------------------------

const REPAIR_STAGES = [
  ['requested', COLORS.slate],
  ['approved', COLORS.sky],
  ['to_facility', COLORS.purple],
  ['in_repair', COLORS.blue],
  ['awaiting_parts', COLORS.amber],
  ['repaired', COLORS.green],
];

async function repairCard() {
  const r = await api.get('/reports/repairs');
  const x = r.totals || {};
  const load = x.load_pct;
  const stages = REPAIR_STAGES.map(([k, color]) => ({ key: k, label: tv(k), color, units: x[`${k}_units`] || 0, orders: x[k] || 0 }));
  const inWork = stages.reduce((a, s) => a + s.units, 0);
  const title = t('Units by repair stage');
  return [
    h('p', { class: 'kpi' }, load === null || load === undefined ? '–' : pct(load / 100)),
    h('p', { class: 'kpi-sub' }, t('of repair bays in use: {units} units in work on {bays} bays', { units: num(x.active_units || 0), bays: num(x.bays || 0) })),
    x.bays ? progress({
      value: x.active_units || 0, max: x.bays, label: t('Repair bays in use'),
      text: t('{units} units on {bays} bays', { units: num(x.active_units || 0), bays: num(x.bays) }),
      color: x.over_capacity ? COLORS.red : COLORS.blue, marker: x.bays,
    }) : note(t('No repair bays are recorded.')),
    x.over_capacity ? h('p', { class: 'dash-bad' }, t('Over capacity: more units are in work than there are bays.')) : null,
    inWork > 0 ? h('h3', null, title) : null,
    inWork > 0 ? responsive((width) => hbars({
      width, title, axis: false, rowHeight: 24, labelShare: 0.45,
      rows: stages.map((s) => ({
        label: s.label, value: s.units, color: s.color,
        text: num(s.units),
        tip: `${s.label}: ${t('{units} units, {orders} orders', { units: num(s.units), orders: num(s.orders) })}`,
      })),
    }), { initial: 320 }) : note(t('No repair orders are open.')),
    miniTable({
      caption: title, srOnly: true,
      columns: [{ label: t('Stage') }, { label: t('Orders'), num: true }, { label: t('Units'), num: true }],
      rows: stages.map((s) => [s.label, num(s.orders), num(s.units)]),
    }),
    stats([
      [t('Closed orders'), num(x.closed || 0)],
      [t('Returned'), num(x.returned || 0)],
      [t('Written off'), num(x.written_off || 0)],
      x.turnaround_median_days !== null && x.turnaround_median_days !== undefined
        ? [t('Median turnaround'), t('{n} days', { n: num(x.turnaround_median_days, 1) })] : null,
    ]),
    more('#/repairs-report', t('Repair report')),
  ];
}

// ---- End-use delinquency. --------------------------------------------------------------------

async function endUseCard() {
  const r = await api.get('/reports/end-use/delinquent');
  const x = r.totals || {};
  const top = (list) => (list || []).slice().sort((a, b) => b.count - a.count || b.value_eur - a.value_eur).slice(0, 5);
  const byUnit = top(r.by_unit);
  const byItem = top(r.by_item);
  return [
    h('p', { class: `kpi${x.count ? ' kpi-bad' : ''}` }, pct(x.share || 0)),
    h('p', { class: 'kpi-sub' }, t('{count} of {monitored} sensitive items are overdue for their serial inventory', { count: num(x.count || 0), monitored: num(x.monitored || 0) })),
    x.monitored_value_eur !== undefined
      ? note(t('Value overdue: {value} of {total} monitored.', { value: eur(x.value_eur || 0), total: eur(x.monitored_value_eur || 0) }))
      : note(t('Value overdue: {value}.', { value: eur(x.value_eur || 0) })),
    h('div', { class: 'dash-tables' }, byUnit.length ? miniTable({
      caption: t('Overdue by unit'),
      columns: [{ label: t('Unit') }, { label: t('Items'), num: true }, { label: t('Value'), num: true }],
      rows: byUnit.map((b) => [b.name || b.unit, num(b.count), eur(b.value_eur)]),
    }) : null,
    byItem.length ? miniTable({
      caption: t('Overdue by item'),
      columns: [{ label: t('Item') }, { label: t('Items'), num: true }, { label: t('Value'), num: true }],
      rows: byItem.map((b) => [b.name || b.item, num(b.count), eur(b.value_eur)]),
    }) : null),
    !x.count ? h('p', { class: 'dash-ok' }, t('Every sensitive item has had its inventory on time.')) : null,
    r.as_of ? note(t('As of {date}.', { date: r.as_of })) : null,
    more('#/end-use', t('End-use report')),
  ];
}

// ---- A logistics node (node operators). ---------------------------------------------------

async function nodeCard(site) {
  const r = await api.get(`/reports/nodes/${enc(site)}`);
  const tonnes = (v) => t('{n} t', { n: num(v || 0, 1) });
  const waitMax = r.dwell?.waiting_max_hours;
  return [
    h('p', { class: 'kpi' }, num((r.outbound || []).length)),
    h('p', { class: 'kpi-sub' }, t('shipments waiting to leave {name}', { name: r.name || site })),
    stats([
      [t('Inbound shipments'), `${num((r.inbound || []).length)} · ${tonnes(r.inbound_tonnes)}`],
      [t('On hand'), tonnes(r.stock_tonnes)],
      waitMax !== null && waitMax !== undefined ? [t('Longest wait'), t('{n} hours', { n: num(waitMax, 0) })] : null,
      r.capacity_t_day ? [t('Capacity'), t('{n} t a day', { n: num(r.capacity_t_day) })] : null,
      r.throughput_totals ? [t('Average use of capacity'), pct((r.throughput_totals.average_utilisation_pct || 0) / 100, 1)] : null,
    ]),
    note(t('From {from} to {to}.', { from: r.from, to: r.to })),
  ];
}
