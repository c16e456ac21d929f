// pages/readiness.js - when each capability target's units become
// operational, and what to change to bring the late ones forward.
//
// GET /api/v1/readiness projects every target the role may see;
// GET /api/v1/capability_targets/{id}/readiness one target, shown under the
// target's own page with its needs and their sources.  The critical path is
// put in words here, from the projection's fields, so that it reads in the
// user's language; its records are links.

import { h, fill } from '../dom.js';
import { t, tv, num } from '../i18n.js';
import * as api from '../api.js';
import { canReport, pageHead, loading, errorBox } from '../ui.js';
import { sortTable, kpis, summary, exportButtons, ref, tn, yesNo, widthOf, add } from './reports.js';

const enc = encodeURIComponent;

// Where a source of items or people is recorded.
const SOURCE_ENTITY = {
  received: 'shipments', in_transit: 'shipments', allocated: 'allocations',
  in_repair: 'repair_orders', graduated: 'training_sessions', projected: 'training_sessions',
};
const sourceLink = (kind, id) => ref(SOURCE_ENTITY[kind] || '', id);
// The item or course of a need, as a link.
const what = (x) => (x?.item ? ref('items', x.item) : x?.course ? ref('courses', x.course) : '');

// When a source becomes available, in words.
function sourceWhen(kind, date) {
  switch (kind) {
    case 'received': return t('received {date}', { date });
    case 'in_transit': return t('arriving {date}', { date });
    case 'allocated': return t('expected {date}', { date });
    case 'in_repair': return t('back from repair {date}', { date });
    case 'graduated': return t('graduated {date}', { date });
    case 'projected': return t('graduating {date}', { date });
    default: return date || '';
  }
}

// The kind of the source @x.source of need @x.need, from the target's needs.
function kindOf(needs, x) {
  const need = (needs || []).find((n) => n.need === x.need);
  return need?.sources?.find((s) => s.source === x.source)?.kind;
}

// The critical path of one unit of capability in words.
export function criticalPath(u, asOf, needs) {
  const c = u.critical || {};
  if (!c.need) return [t('Nothing is needed.')];
  const w = what(c);
  const people = !c.item && !!c.course;
  if (c.action === 'find') {
    const n = num(c.units);
    if (!c.moves_to) {
      return people ? tn(t('Find {n} more people through {what}; other needs are short too.'), { n, what: w })
        : tn(t('Find {n} more {what}; other needs are short too.'), { n, what: w });
    }
    return people ? tn(t('Find {n} more people through {what}; then operational on {date}.'), { n, what: w, date: c.moves_to })
      : tn(t('Find {n} more {what}; then operational on {date}.'), { n, what: w, date: c.moves_to });
  }
  if (c.action === 'bring_forward') {
    const vars = { source: sourceLink(c.source_kind, c.source), what: w, when: sourceWhen(c.source_kind, c.source_date),
      days: num(c.days), moves: c.moves_to };
    const then = c.then;
    if (then && then.need) {
      return then.source
        ? tn(t('Bring {source} ({what}, {when}) forward {days} days: operational on {moves}, when {then} from {thenSource} binds.'),
          { ...vars, then: what(then), thenSource: sourceLink(kindOf(needs, then), then.source) })
        : tn(t('Bring {source} ({what}, {when}) forward {days} days: operational on {moves}, when {then} binds.'), { ...vars, then: what(then) });
    }
    return then?.date === asOf
      ? tn(t('Bring {source} ({what}, {when}) forward {days} days: operational on {moves}, today.'), vars)
      : tn(t('Bring {source} ({what}, {when}) forward {days} days: operational on {moves}, its due date.'), vars);
  }
  if (u.operational_on && u.operational_on <= asOf) return [t('Operational since {date}.', { date: u.operational_on })];
  if (c.then?.need) {
    return tn(t('Operational on {date}; {what} and {other} bind on the same day.'), { date: u.operational_on, what: w, other: what(c.then) });
  }
  return [t('Operational on {date}.', { date: u.operational_on || '–' })];
}

// A unit's state: on time, late by N days, or not in sight.
function unitState(u) {
  if (!u.operational_on) return h('span', { class: 'rp-badge rp-badge-never' }, t('not in sight'));
  if (u.meets_due) return h('span', { class: 'rp-badge rp-badge-ok' }, t('on time'));
  return h('span', { class: 'rp-badge rp-badge-late' }, t('{n} days late', { n: num(u.days_late) }));
}

// The units of a target, each with its day and its critical path.
function unitList(p) {
  return h('ol', { class: 'rd-units' }, p.units.map((u) => h('li', null,
    h('span', { class: 'rd-unit-head' }, t('Unit {n}', { n: u.number }), ' ', unitState(u),
      u.operational_on ? h('span', { class: 'rd-unit-day' }, ` ${t('operational on {date}', { date: u.operational_on })}`) : null),
    h('span', { class: 'rd-path' }, criticalPath(u, p.as_of, p.needs)),
    u.missing?.length ? h('span', { class: 'rd-missing' }, t('Short:'), ' ',
      u.missing.map((m, i) => [i ? ', ' : '', t('{n} of', { n: num(m.units) }), ' ', what(m)])) : null)));
}

// On time / late / never as a bar with its words.
function unitBar(p) {
  const total = p.on_time + p.late + p.never || 1;
  const seg = (n, cls) => (n ? widthOf(h('span', { class: `rd-seg ${cls}` }), n / total) : null);
  return h('div', { class: 'rd-bar', 'aria-hidden': 'true' }, seg(p.on_time, 'rd-seg-ok'), seg(p.late, 'rd-seg-late'), seg(p.never, 'rd-seg-never'));
}

function figures(p) {
  return kpis([
    [t('Units operational on time'), num(p.on_time), p.on_time ? 'rp-good' : null],
    [t('Late'), num(p.late), p.late ? 'rp-warn' : null],
    [t('Not in sight'), num(p.never), p.never ? 'rp-bad' : null],
    [t('Last operational on'), p.last_operational_on || t('not in sight')],
  ]);
}

// One target as a card on the readiness page.
function targetCard(p) {
  const tg = p.target;
  const headId = `rd-${tg.id}`;
  return h('section', { class: 'card rd-card', 'aria-labelledby': headId },
    h('h2', { id: headId }, h('a', { href: `#/capability_targets/${enc(tg.id)}` }, tg.name)),
    h('dl', { class: 'rd-meta' },
      h('div', null, h('dt', null, t('Unit')), h('dd', null, ref('sites', tg.unit))),
      h('div', null, h('dt', null, t('Due on')), h('dd', null, tg.due_on)),
      h('div', null, h('dt', null, t('Units of capability')), h('dd', null, num(tg.count)))),
    summary(p.summary),
    unitBar(p),
    figures(p),
    h('h3', null, t('Critical path')),
    unitList(p));
}

export function readinessPage(main) {
  fill(main, pageHead(t('Readiness'), exportButtons('/readiness', null, 'readiness')), loading());
  api.get('/readiness').then((r) => {
    main.querySelector('.loading')?.remove();
    const sum = (k) => r.targets.reduce((s, p) => s + (p[k] || 0), 0);
    add(main,
      summary(r.summary),
      h('p', { class: 'rp-note' }, t('Projected from {date}: what is not there yet counts from today at the earliest.', { date: r.as_of })),
      kpis([
        [t('Capability targets'), num(r.targets.length)],
        [t('Units operational on time'), num(sum('on_time')), 'rp-good'],
        [t('Late'), num(sum('late')), sum('late') ? 'rp-warn' : null],
        [t('Not in sight'), num(sum('never')), sum('never') ? 'rp-bad' : null],
      ]),
      r.targets.length
        ? h('div', { class: 'cards rd-cards' }, r.targets.map(targetCard))
        : h('p', null, t('No capability targets.')));
  }).catch((e) => {
    main.querySelector('.loading')?.remove();
    main.append(errorBox(e));
  });
}

// The projection of one target, under the target's own page.
export async function targetReadiness(body, rec) {
  if (!canReport('readiness') || !rec?.id) return;
  const path = `/capability_targets/${enc(rec.id)}/readiness`;
  const box = h('section', { class: 'rd-target', 'aria-labelledby': 'rd-target-head' },
    h('div', { class: 'page-head' }, h('h2', { id: 'rd-target-head' }, t('Readiness')), exportButtons(path, null, 'readiness')),
    loading());
  body.append(box);
  // Not awaited: the rest of the page need not wait for the projection.
  api.get(path).then((p) => {
    box.querySelector('.loading')?.remove();
    const sources = p.needs.flatMap((n) => (n.sources || []).map((s) => ({ ...s, item: n.item, course: n.course, what: n.item || n.course })));
    add(box,
      summary(p.summary),
      unitBar(p),
      figures(p),
      h('h3', null, t('Critical path')),
      unitList(p),
      sortTable({ caption: t('Needs per unit of capability'), rows: p.needs, columns: [
        { key: 'what', label: t('Item or course'), value: (n) => n.item || n.course, render: (n) => what(n) },
        { key: 'kind', label: t('Kind'), value: (n) => (n.item ? 1 : 2), render: (n) => (n.item ? t('materiel') : t('people')) },
        { key: 'quantity', label: t('Per unit'), num: true },
        { key: 'required', label: t('Required'), num: true },
        { key: 'reserved', label: t('Taken by earlier targets'), num: true },
        { key: 'in_sight', label: t('In sight'), num: true,
          render: (n) => h('span', { class: n.in_sight < n.required + (n.reserved || 0) ? 'rp-late' : 'rp-ok' }, num(n.in_sight)) },
        { key: 'sources', label: t('Sources'), value: (n) => (n.sources || []).length },
      ] }),
      sortTable({ caption: t('Sources, in the order they become available'), rows: sources, columns: [
        { key: 'what', label: t('Item or course'), render: (s) => what(s) },
        { key: 'kind', label: t('Kind'), render: (s) => tv(s.kind) },
        { key: 'source', label: t('Source'), render: (s) => sourceLink(s.kind, s.source) },
        { key: 'date', label: t('Available on') },
        { key: 'units', label: t('Units'), num: true },
        { key: 'estimated', label: t('Date estimated'), render: (s) => yesNo(s.estimated) },
        { key: 'overdue', label: t('Overdue'), render: (s) => (s.overdue ? h('span', { class: 'rp-late' }, t('yes')) : t('no')) },
      ] }));
  }).catch((e) => {
    box.querySelector('.loading')?.remove();
    box.append(errorBox(e));
  });
}
