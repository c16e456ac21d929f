// pages/reports.js - the report pages (end-use monitoring, repairs,
// training, burden sharing), and what report-like pages share: a sortable
// table of rows already loaded, a form of report parameters, totals as
// key figures, tabs, and the CSV/XLSX export buttons.
//
// Every report is the API's own answer (GET /api/v1/reports/...): the page
// shows its summary, its totals and its rows; the downloads are made by the
// API with the same parameters.  A report's summary sentence is the
// server's (English) text, marked as such for screen readers.

import { h, fill, append, newId } from '../dom.js';
import { t, tv, num, eur, pct, when } from '../i18n.js';
import * as api from '../api.js';
import { session, entity, pageHead, loading, errorBox, notify, problemText, statusBadge } from '../ui.js';
import { compare } from '../table.js';

export const REPORTS = {
  'end-use': { label: 'End-use monitoring', permission: 'end_use' },
  'repairs-report': { label: 'Repair report', permission: 'repair_report' },
  'training-report': { label: 'Training reports', permission: 'training_report' },
  'burden-sharing': { label: 'Burden sharing', permission: 'burden_sharing' },
};

// What each report page was last shown with (tab and parameters), for the
// time the page is open in this browser tab.
const memo = {};
const remember = (key) => (memo[key] = memo[key] || {});

// ---- Shared pieces (readiness.js and audit.js use them too). ---------------

const enc = encodeURIComponent;
const empty = (v) => v === null || v === undefined || v === '';

// Append children to @el, skipping null and false.
export const add = (el, ...kids) => append(el, kids);

// A link to a record when the role may read its resource, else its key.
export function ref(name, id, text) {
  if (empty(id)) return '';
  if (!entity(name)?.actions.includes('r')) return text ?? String(id);
  return h('a', { href: `#/${name}/${enc(id)}` }, text ?? String(id));
}

// A translated text whose placeholders may be nodes (links) as well as
// text: tn(t('Bring {source} forward'), {source: link}).  (t() without
// values leaves the placeholders in.)
export function tn(text, vars) {
  return text.split(/\{(\w+)\}/).map((part, i) => {
    if (i % 2 === 0) return part;
    const v = vars[part];
    return v === undefined || v === null ? `{${part}}` : v;
  });
}

export const yesNo = (v) => (v === null || v === undefined ? '' : v ? t('yes') : t('no'));
export const days = (n, digits = 0) => (empty(n) ? '–' : t('{n} days', { n: num(n, digits) }));
export const day = (d) => (empty(d) ? '–' : d);

// Set an element's width to a share (0 to 1) of its box.  Through the
// element's style object: the server's Content-Security-Policy refuses
// style attributes.
export function widthOf(el, share) {
  el.style.width = `${(Math.min(1, Math.max(0, share || 0)) * 100).toFixed(2)}%`;
  return el;
}

/*
 * A table of rows already loaded, sorted by a click on a column's heading.
 * columns: [{key, label, value(row) (what sorts; default row[key]),
 *   render(row) (what shows; default the value), num (right-aligned)}];
 * wrap (long text that may wrap; other cells keep to one line)}; the first
 * column heads each row.  Shows @limit rows, then a button for
 * the rest.  rowClass(row) adds a class to a row.
 */
export function sortTable({ caption, columns, rows, limit = 100, rowClass, note }) {
  const cols = columns.filter(Boolean).map((c) => ({ value: (r) => r[c.key], ...c }));
  const st = { col: null, dir: 1, all: rows.length <= limit };
  const tbody = h('tbody');
  const foot = h('div', { class: 'rp-table-foot' });
  const heads = cols.map((c) => {
    const arrow = h('span', { 'aria-hidden': 'true', class: 'rp-arrow' });
    const th = h('th', { scope: 'col', class: c.num ? 'num' : null },
      h('button', { type: 'button', class: 'sort', onclick: () => {
        st.dir = st.col === c ? -st.dir : 1;
        st.col = c;
        draw();
      } }, c.label, arrow));
    return { c, th, arrow };
  });

  function draw() {
    for (const x of heads) {
      const active = st.col === x.c;
      if (active) x.th.setAttribute('aria-sort', st.dir > 0 ? 'ascending' : 'descending');
      else x.th.removeAttribute('aria-sort');
      x.arrow.textContent = active ? (st.dir > 0 ? ' ▲' : ' ▼') : '';
    }
    let list = rows;
    if (st.col) list = [...rows].sort((a, b) => st.dir * compare(st.col.value(a), st.col.value(b)));
    const shown = st.all ? list : list.slice(0, limit);
    fill(tbody, shown.length
      ? shown.map((r) => h('tr', { class: rowClass ? rowClass(r) : null }, cols.map((c, i) => {
        const v = c.render ? c.render(r) : c.value(r);
        const content = empty(v) ? '–' : (typeof v === 'number' ? num(v) : v);
        const cls = [c.num && 'num', c.wrap && 'rp-wrap'].filter(Boolean).join(' ') || null;
        return h(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : null, class: cls }, content);
      })))
      : h('tr', null, h('td', { colspan: cols.length, class: 'empty' }, t('No rows.'))));
    fill(foot, rows.length > limit
      ? [h('span', null, st.all ? t('All {n} rows shown.', { n: num(rows.length) })
        : t('{shown} of {n} rows shown.', { shown: num(limit), n: num(rows.length) })),
      h('button', { type: 'button', class: 'btn', onclick: () => { st.all = !st.all; draw(); } },
        st.all ? t('Show the first {n}', { n: num(limit) }) : t('Show all {n} rows', { n: num(rows.length) }))]
      : null);
  }

  const table = h('table', { class: 'rp-table' },
    h('caption', null, caption, note ? h('span', { class: 'rp-caption-note' }, ` ${note}`) : null),
    h('thead', null, h('tr', null, heads.map((x) => x.th))), tbody);
  draw();
  return h('div', { class: 'rp-table-block' },
    h('div', { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: '0' }, table), foot);
}

// Key figures: [[label, value, class?], ...] as a description list.
export function kpis(items) {
  return h('dl', { class: 'rp-kpis' }, items.filter(Boolean).map(([label, value, cls]) =>
    h('div', { class: cls ? `rp-kpi ${cls}` : 'rp-kpi' }, h('dt', null, label), h('dd', null, empty(value) ? '–' : value))));
}

// The server's one-line summary (English text).
export function summary(text) {
  return text ? h('p', { class: 'rp-summary', lang: 'en' }, text) : null;
}

// Export CSV / Export XLSX of @path with params() and format.
export function exportButtons(path, params, base) {
  return h('div', { class: 'actions rp-export' }, ['csv', 'xlsx'].map((fmt) =>
    h('button', { type: 'button', class: 'btn', onclick: async (ev) => {
      const b = ev.currentTarget;
      b.disabled = true;
      try {
        await api.download(path, { ...(params ? params() : {}), format: fmt }, `${base}.${fmt}`);
      } catch (e) {
        notify(problemText(e), 'error');
      } finally {
        b.disabled = false;
      }
    } }, fmt === 'csv' ? t('Export CSV') : t('Export XLSX'))));
}

/*
 * The parameters of a report as a form: fields [{name, label, type ('date',
 * 'number', 'text'), value, options [{value, label}], min, max, hint}].
 * onSubmit(values).  form.set(values) fills it in; form.errors(err) puts a
 * problem's field reasons beside the fields (true when one matched).
 */
export function paramsForm(label, fields, onSubmit, submitText) {
  const rows = new Map();
  const form = h('form', { class: 'filters rp-params', 'aria-label': label, novalidate: true,
    onsubmit: (ev) => { ev.preventDefault(); onSubmit(form.read()); } });
  for (const f of fields) {
    const id = newId('rp');
    const errId = `${id}-err`;
    const hintId = f.hint ? `${id}-hint` : null;
    const describedBy = [hintId, errId].filter(Boolean).join(' ');
    const ctl = f.options
      ? h('select', { id, name: f.name, 'aria-describedby': describedBy },
        f.options.map((o) => h('option', { value: o.value, selected: String(o.value) === String(f.value ?? '') }, o.label)))
      : h('input', { id, name: f.name, type: f.type || 'text', value: f.value ?? '', min: f.min, max: f.max,
        size: f.size, inputmode: f.type === 'number' ? 'numeric' : null, 'aria-describedby': describedBy });
    const err = h('p', { class: 'field-error', id: errId });
    form.append(h('div', { class: 'field' }, h('label', { for: id }, f.label), ctl,
      f.hint ? h('span', { class: 'rp-hint', id: hintId }, f.hint) : null, err));
    rows.set(f.name, { ctl, err });
  }
  form.append(h('button', { type: 'submit', class: 'btn btn-primary' }, submitText || t('Show report')));
  form.read = () => Object.fromEntries([...rows].map(([k, r]) => [k, r.ctl.value.trim()]));
  form.set = (values) => {
    for (const [k, v] of Object.entries(values || {})) {
      const r = rows.get(k);
      if (!r || empty(v)) continue;
      if (r.ctl.tagName === 'SELECT' && ![...r.ctl.options].some((o) => o.value === String(v))) {
        r.ctl.append(h('option', { value: v }, String(v)));
      }
      r.ctl.value = v;
    }
  };
  form.errors = (e) => {
    for (const r of rows.values()) { r.err.textContent = ''; r.ctl.removeAttribute('aria-invalid'); }
    let hit = false;
    for (const fe of e?.fieldErrors || []) {
      const r = rows.get(fe.field);
      if (!r) continue;
      r.err.textContent = fe.reason;
      r.ctl.setAttribute('aria-invalid', 'true');
      hit = true;
    }
    return hit;
  };
  return form;
}

/*
 * Tabs: [{label, render(panel)}]; a panel is drawn when first shown.
 * Arrow keys, Home and End move between the tabs.  @mem.tab keeps the
 * tab chosen.
 */
export function tabs(label, list, mem) {
  const tablist = h('div', { role: 'tablist', 'aria-label': label, class: 'rp-tabs' });
  const panels = [];
  const drawn = new Set();
  const buttons = list.map((x, i) => {
    const id = newId('tab');
    const panel = h('div', { role: 'tabpanel', id: `${id}-panel`, 'aria-labelledby': id, class: 'rp-panel', tabindex: '0', hidden: true });
    panels.push(panel);
    return h('button', { type: 'button', role: 'tab', id, 'aria-controls': panel.id, class: 'rp-tab',
      onclick: () => select(i),
      onkeydown: (ev) => {
        const n = list.length;
        const to = { ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1 }[ev.key];
        if (to === undefined) return;
        ev.preventDefault();
        select(to);
        buttons[to].focus();
      } }, x.label);
  });
  tablist.append(...buttons);
  function select(i) {
    mem.tab = i;
    buttons.forEach((b, j) => {
      b.setAttribute('aria-selected', String(i === j));
      b.tabIndex = i === j ? 0 : -1;
      panels[j].hidden = i !== j;
    });
    if (!drawn.has(i)) {
      drawn.add(i);
      list[i].render(panels[i]);
    }
  }
  select(Math.min(mem.tab || 0, list.length - 1));
  return h('div', { class: 'rp-tabset' }, tablist, panels);
}

/*
 * One report in @where: its parameters (fields; none for a report that
 * takes none), then what draw(out, data, params) shows, with the exports.
 * key remembers the parameters; path is the API path; file the download's
 * base name; problem(err, params) may put a failure in better words.
 */
function report(where, { key, path, file, fields, label, draw, defaults, problem }) {
  const mem = remember(key);
  mem.params = mem.params || { ...(defaults || {}) };
  const out = h('div', { class: 'rp-out' });
  const shown = () => mem.params;
  const form = fields ? paramsForm(label, fields, (v) => {
    // A period that ends before it starts is refused here, before asking.
    if (v.from && v.to && v.from > v.to) {
      form.errors({ fieldErrors: [{ field: 'from', reason: t('must not be after the end of the period ({to})', { to: v.to }) }] });
      form.elements.from?.focus();
      return;
    }
    mem.params = v;
    load();
  }) : null;
  if (form) form.set(mem.params);
  async function load() {
    fill(out, loading());
    form?.errors(null);
    try {
      const data = await api.get(path, mem.params);
      fill(out);
      draw(out, data, form);
    } catch (e) {
      form?.errors(e);
      fill(out, (problem && problem(e, mem.params)) || errorBox(e));
    }
  }
  add(where, h('div', { class: 'rp-bar-top' }, form, exportButtons(path, shown, file)), out);
  load();
}

// ---- End-use monitoring. ---------------------------------------------------

function delinquent(panel) {
  report(panel, {
    key: 'end-use/delinquent', path: '/reports/end-use/delinquent', file: 'end-use-delinquent',
    label: t('Parameters of the delinquent inventories report'),
    fields: [{ name: 'as_of', label: t('As of'), type: 'date', hint: t('Empty: today') }],
    draw(out, d, form) {
      form.set({ as_of: d.as_of });
      const tt = d.totals;
      add(out, summary(d.summary),
        kpis([
          [t('Sensitive items monitored'), num(tt.monitored)],
          [t('Their value'), eur(tt.monitored_value_eur)],
          [t('Delinquent'), num(tt.count), tt.count ? 'rp-bad' : 'rp-good'],
          [t('Delinquent value'), eur(tt.value_eur)],
          [t('Share delinquent'), pct(tt.share, 1)],
          [t('Share of value'), pct(tt.value_share, 1)],
        ]),
        h('p', { class: 'rp-note' }, t('A sensitive item\'s first serial inventory is due {n} days after its hand-over, then a year after each inventory.', { n: num(d.first_inventory_days) })),
        h('div', { class: 'rp-two' },
          sortTable({ caption: t('Delinquent items by unit'), rows: d.by_unit, columns: [
            { key: 'unit', label: t('Unit'), render: (r) => ref('sites', r.unit) },
            { key: 'name', label: t('Name'), wrap: true },
            { key: 'count', label: t('Items'), num: true },
            { key: 'value_eur', label: t('Value'), num: true, render: (r) => eur(r.value_eur) },
          ] }),
          sortTable({ caption: t('Delinquent items by item'), rows: d.by_item, columns: [
            { key: 'item', label: t('Item'), render: (r) => ref('items', r.item) },
            { key: 'name', label: t('Name'), wrap: true },
            { key: 'count', label: t('Items'), num: true },
            { key: 'value_eur', label: t('Value'), num: true, render: (r) => eur(r.value_eur) },
          ] })),
        sortTable({ caption: t('Delinquent items, the longest overdue first'), rows: d.items, columns: [
          { key: 'serial', label: t('Serial'), render: (r) => ref('assets', r.asset, r.serial) },
          { key: 'item', label: t('Item'), render: (r) => ref('items', r.item) },
          { key: 'unit', label: t('Unit'), render: (r) => ref('sites', r.unit) },
          { key: 'days_overdue', label: t('Days overdue'), num: true },
          { key: 'inventory_due', label: t('Inventory due') },
          { key: 'value_eur', label: t('Value'), num: true, render: (r) => eur(r.value_eur) },
          { key: 'last_inventory_at', label: t('Last inventory'), render: (r) => (r.last_inventory_at ? when(r.last_inventory_at) : t('never')) },
          { key: 'handed_over_at', label: t('Handed over'), render: (r) => when(r.handed_over_at) },
          { key: 'nation', label: t('Donor') },
          { key: 'location', label: t('Location') },
          { key: 'status', label: t('Status'), render: (r) => statusBadge(r.status) },
        ] }));
    },
  });
}

function losses(panel) {
  report(panel, {
    key: 'end-use/losses', path: '/reports/end-use/loss-reports', file: 'end-use-loss-reports',
    draw(out, d) {
      const tt = d.totals;
      add(out, summary(d.summary),
        kpis([
          [t('Losses'), num(tt.count)],
          [t('Reported within {n} days', { n: num(d.due_days) }), num(tt.on_time), 'rp-good'],
          [t('Late or not reported'), num(tt.late), tt.late ? 'rp-bad' : null],
          [t('Share on time'), pct(tt.share_on_time, 0)],
          [t('Average days to report'), days(tt.days.average, 1)],
          [t('Median days to report'), days(tt.days.median, 1)],
          [t('Longest'), days(tt.days.max, 1)],
        ]),
        sortTable({ caption: t('Losses, the longest to report first'), rows: d.items,
          rowClass: (r) => (r.on_time ? null : 'rp-row-bad'), columns: [
            { key: 'serial', label: t('Serial'), render: (r) => ref('assets', r.asset, r.serial) },
            { key: 'item', label: t('Item'), render: (r) => ref('items', r.item) },
            { key: 'days_to_report', label: t('Days to report'), num: true, render: (r) => num(r.days_to_report, 1) },
            { key: 'on_time', label: t('On time'), render: (r) => h('span', { class: r.on_time ? 'rp-ok' : 'rp-late' }, yesNo(r.on_time)) },
            { key: 'lost_at', label: t('Lost'), render: (r) => when(r.lost_at) },
            { key: 'loss_reported_at', label: t('Reported'), render: (r) => (r.loss_reported_at ? when(r.loss_reported_at) : t('not reported')) },
            { key: 'status', label: t('Status'), render: (r) => statusBadge(r.status) },
            { key: 'sensitive', label: t('Sensitive'), render: (r) => yesNo(r.sensitive) },
            { key: 'nation', label: t('Donor') },
            { key: 'location', label: t('Location') },
          ] }));
    },
  });
}

function reconciliation(panel) {
  const mem = remember('end-use/reconciliation');
  report(panel, {
    key: 'end-use/reconciliation', path: '/reports/end-use/reconciliation', file: 'end-use-reconciliation',
    draw(out, d) {
      const tt = d.totals;
      const counts = [
        { key: 'handed_over', label: t('Handed over'), num: true },
        { key: 'inventoried', label: t('Inventoried since'), num: true },
        { key: 'not_inventoried', label: t('Not inventoried yet'), num: true },
        { key: 'lost', label: t('Lost or destroyed'), num: true },
        { key: 'expended', label: t('Expended'), num: true },
      ];
      const serialsBox = h('div');
      const states = [...new Set(d.serials.map((s) => s.state))];
      const stateId = newId('rp');
      const stateSel = h('select', { id: stateId, onchange: () => { mem.state = stateSel.value; drawSerials(); } },
        h('option', { value: '' }, t('All')), states.map((s) => h('option', { value: s, selected: s === mem.state }, tv(s))));
      function drawSerials() {
        const rows = stateSel.value ? d.serials.filter((s) => s.state === stateSel.value) : d.serials;
        fill(serialsBox, sortTable({ caption: t('Sensitive serials handed over, by unit, item and serial'), rows, columns: [
          { key: 'serial', label: t('Serial'), render: (r) => ref('assets', r.asset, r.serial) },
          { key: 'unit', label: t('Unit'), render: (r) => ref('sites', r.unit) },
          { key: 'item', label: t('Item'), render: (r) => ref('items', r.item) },
          { key: 'state', label: t('State'), render: (r) => h('span', { class: r.state === 'inventoried' ? 'rp-ok' : r.state === 'not_inventoried' ? 'rp-late' : null }, tv(r.state)) },
          { key: 'inventory_due', label: t('Inventory due') },
          { key: 'last_inventory_at', label: t('Last inventory'), render: (r) => (r.last_inventory_at ? when(r.last_inventory_at) : t('never')) },
          { key: 'handed_over_at', label: t('Handed over'), render: (r) => when(r.handed_over_at) },
          { key: 'nation', label: t('Donor') },
          { key: 'status', label: t('Status'), render: (r) => statusBadge(r.status) },
        ] }));
      }
      add(out, summary(d.summary),
        kpis([
          [t('Handed over'), num(tt.handed_over)],
          [t('Inventoried since'), num(tt.inventoried), 'rp-good'],
          [t('Not inventoried yet'), num(tt.not_inventoried), tt.not_inventoried ? 'rp-warn' : null],
          [t('Lost or destroyed'), num(tt.lost), tt.lost ? 'rp-bad' : null],
          [t('Expended'), num(tt.expended)],
        ]),
        sortTable({ caption: t('Sensitive serials per unit'), rows: d.units, columns: [
          { key: 'unit', label: t('Unit'), render: (r) => ref('sites', r.unit) },
          { key: 'name', label: t('Name'), wrap: true },
          ...counts,
          { key: 'not_inventoried_serials', label: t('Serials not inventoried yet'), value: (r) => r.not_inventoried_serials.length,
            render: (r) => (r.not_inventoried_serials.length
              ? h('details', { class: 'rp-details' }, h('summary', null, t('{n} serials', { n: num(r.not_inventoried_serials.length) })),
                h('ul', null, r.not_inventoried_serials.map((s) => h('li', null, ref('assets', s.asset, s.serial), ` (${s.item})`))))
              : '–') },
        ] }),
        h('div', { class: 'filters rp-params' }, h('div', { class: 'field' }, h('label', { for: stateId }, t('State')), stateSel)),
        serialsBox);
      drawSerials();
    },
  });
}

function endUse(main) {
  const mem = remember('end-use');
  add(main,
    h('p', { class: 'rp-intro' }, t('Whether every sensitive item handed over is accounted for: overdue serial inventories, how fast losses were reported, and the serials of each unit.')),
    tabs(t('End-use reports'), [
      { label: t('Delinquent inventories'), render: delinquent },
      { label: t('Loss reports'), render: losses },
      { label: t('Reconciliation'), render: reconciliation },
    ], mem));
}

// ---- Repairs. --------------------------------------------------------------

function repairs(main) {
  const ou = (orders, units) => (orders === units ? num(orders) : t('{orders} ({units} units)', { orders: num(orders), units: num(units) }));
  report(main, {
    key: 'repairs', path: '/reports/repairs', file: 'repairs',
    draw(out, d) {
      const tt = d.totals;
      add(out, summary(d.summary),
        kpis([
          [t('Bays'), num(tt.bays)],
          [t('Requested (backlog)'), ou(tt.requested, tt.requested_units)],
          [t('Active orders'), ou(tt.active_orders, tt.active_units)],
          [t('Load'), empty(tt.load_pct) ? '–' : pct(tt.load_pct / 100, 1), tt.over_capacity ? 'rp-bad' : null],
          [t('Closed'), num(tt.closed)],
          [t('Returned'), num(tt.returned), 'rp-good'],
          [t('Written off'), num(tt.written_off), tt.written_off ? 'rp-bad' : null],
          [t('Median turnaround'), days(tt.turnaround_median_days, 1)],
        ]),
        sortTable({ caption: t('Repair facilities by item category'), rows: d.facilities,
          note: t('Orders in each status (units in brackets where they differ).'),
          rowClass: (r) => (r.over_capacity ? 'rp-row-bad' : null), columns: [
            { key: 'facility', label: t('Facility'), wrap: true, value: (r) => r.facility_name || r.facility,
              render: (r) => ref('sites', r.facility, r.facility_name || r.facility) },
            { key: 'category', label: t('Category'), render: (r) => tv(r.category) },
            { key: 'bays', label: t('Bays'), num: true },
            ...['requested', 'approved', 'to_facility', 'in_repair', 'awaiting_parts', 'repaired'].map((s) => ({
              key: s, label: tv(s), num: true, render: (r) => ou(r[s], r[`${s}_units`]),
            })),
            { key: 'active_units', label: t('Active units'), num: true },
            { key: 'load_pct', label: t('Load'), num: true, render: (r) => (empty(r.load_pct) ? '–'
              : h('span', { class: r.over_capacity ? 'rp-late' : null }, pct(r.load_pct / 100, 1), r.over_capacity ? ` ${t('(over capacity)')}` : '')) },
            { key: 'returned', label: tv('returned'), num: true },
            { key: 'written_off', label: tv('written_off'), num: true },
            { key: 'turnaround_median_days', label: t('Median turnaround (days)'), num: true, render: (r) => num(r.turnaround_median_days, 1) },
            { key: 'turnaround_max_days', label: t('Longest (days)'), num: true, render: (r) => num(r.turnaround_max_days, 1) },
          ] }));
    },
  });
}

// ---- Training. -------------------------------------------------------------

const STATUSES = ['nominated', 'enrolled', 'in_training', 'graduated', 'failed', 'withdrawn'];

function pipeline(panel, courses) {
  report(panel, {
    key: 'training/pipeline', path: '/reports/training/pipeline', file: 'training-pipeline',
    label: t('Parameters of the training pipeline'),
    fields: [courses
      ? { name: 'course', label: t('Course'), options: [{ value: '', label: t('All courses') },
        ...courses.map((c) => ({ value: c.code, label: c.name ? `${c.code} – ${c.name}` : c.code }))] }
      : { name: 'course', label: t('Course (code)'), type: 'text', size: 18, hint: t('Empty: all courses') }],
    draw(out, d) {
      const tt = d.totals;
      add(out, summary(d.summary),
        kpis([[t('Enrolments'), num(tt.enrolments)], ...STATUSES.map((s) => [tv(s), num(tt[s])])]),
        sortTable({ caption: t('Enrolments by course and status'), rows: d.courses, columns: [
          { key: 'course', label: t('Course'), render: (r) => ref('courses', r.course) },
          { key: 'name', label: t('Name'), wrap: true },
          { key: 'capability', label: t('Capability') },
          { key: 'enrolments', label: t('Enrolments'), num: true },
          ...STATUSES.map((s) => ({ key: s, label: tv(s), num: true })),
        ] }));
    },
  });
}

function graduates(panel) {
  report(panel, {
    key: 'training/graduates', path: '/reports/training/graduates', file: 'training-graduates',
    label: t('Parameters of the graduates report'),
    fields: [
      { name: 'from', label: t('From'), type: 'date', hint: t('Empty: twelve months to "To"') },
      { name: 'to', label: t('To'), type: 'date', hint: t('Empty: today') },
    ],
    draw(out, d, form) {
      form.set({ from: d.from, to: d.to });
      const cell = new Map(d.by_month.map((r) => [`${r.capability}\u0000${r.month}`, r.graduates]));
      const rows = d.by_capability.map((c) => {
        const row = { capability: c.capability, total: c.graduates };
        for (const m of d.months) row[m] = cell.get(`${c.capability}\u0000${m}`) || 0;
        return row;
      });
      add(out, summary(d.summary),
        kpis([[t('Graduates'), num(d.totals.graduates)], [t('Capabilities'), num(d.totals.capabilities)],
          [t('Period'), `${d.from} – ${d.to}`, 'rp-small']]),
        sortTable({ caption: t('Graduates per capability and month'), rows, columns: [
          { key: 'capability', label: t('Capability') },
          ...d.months.map((m) => ({ key: m, label: m, num: true, render: (r) => (r[m] ? num(r[m]) : h('span', { class: 'rp-zero' }, '0')) })),
          { key: 'total', label: t('Total'), num: true },
        ] }));
    },
  });
}

function seatColumns(first) {
  return [...first,
    { key: 'sessions', label: t('Sessions'), num: true },
    { key: 'seats', label: t('Seats'), num: true },
    { key: 'filled', label: t('Filled'), num: true },
    { key: 'unfilled', label: t('Unfilled'), num: true },
    { key: 'fill_rate', label: t('Fill rate'), num: true, render: (r) => pct(r.fill_rate, 0) }];
}

function seats(panel) {
  report(panel, {
    key: 'training/seats', path: '/reports/training/seats', file: 'training-seats',
    label: t('Parameters of the training seats report'),
    fields: [
      { name: 'from', label: t('Classes starting from'), type: 'date', hint: t('Empty: 1 January') },
      { name: 'to', label: t('To'), type: 'date', hint: t('Empty: 31 December') },
    ],
    draw(out, d, form) {
      form.set({ from: d.from, to: d.to });
      const tt = d.totals;
      add(out, summary(d.summary),
        kpis([[t('Sessions'), num(tt.sessions)], [t('Seats offered'), num(tt.seats)], [t('Filled'), num(tt.filled)],
          [t('Unfilled'), num(tt.unfilled)], [t('Fill rate'), pct(tt.fill_rate, 0)]]),
        h('div', { class: 'rp-two' },
          sortTable({ caption: t('Seats by offering nation'), rows: d.by_nation, columns: seatColumns([
            { key: 'nation', label: t('Nation'), value: (r) => r.name || r.nation, render: (r) => ref('nations', r.nation, r.name || r.nation) }]) }),
          sortTable({ caption: t('Seats by training facility'), rows: d.by_facility, columns: seatColumns([
            { key: 'facility', label: t('Facility'), wrap: true, value: (r) => r.name || r.facility, render: (r) => ref('sites', r.facility, r.name || r.facility) },
            { key: 'host_nation', label: t('Host') }]) })),
        sortTable({ caption: t('Sessions, by start date'), rows: d.sessions, columns: [
          { key: 'session', label: t('Session'), render: (r) => ref('training_sessions', r.session) },
          { key: 'course', label: t('Course'), render: (r) => ref('courses', r.course) },
          { key: 'facility', label: t('Facility'), render: (r) => ref('sites', r.facility) },
          { key: 'starts_on', label: t('Starts') },
          { key: 'seats', label: t('Seats'), num: true },
          { key: 'filled', label: t('Filled'), num: true },
          { key: 'unfilled', label: t('Unfilled'), num: true },
          { key: 'fill_rate', label: t('Fill rate'), num: true, render: (r) => pct(r.fill_rate, 0) },
          { key: 'nation', label: t('Offered by') },
          { key: 'pledge', label: t('Pledge'), render: (r) => ref('pledges', r.pledge) },
          { key: 'status', label: t('Status'), render: (r) => statusBadge(r.status) },
          { key: 'ends_on', label: t('Ends') },
        ] }));
    },
  });
}

function notice(panel) {
  report(panel, {
    key: 'training/notice', path: '/reports/training/notice', file: 'training-notice',
    label: t('Parameters of the notice report'),
    fields: [
      { name: 'from', label: t('Classes starting from'), type: 'date', hint: t('Empty: today') },
      { name: 'to', label: t('To'), type: 'date', hint: t('Empty: 180 days on') },
    ],
    draw(out, d, form) {
      form.set({ from: d.from, to: d.to });
      const tt = d.totals;
      add(out, summary(d.summary),
        kpis([
          [t('Sessions'), num(tt.sessions)],
          [t('Under {n} days\' notice', { n: num(d.minimum_notice_days) }), num(tt.under_30), tt.under_30 ? 'rp-bad' : 'rp-good'],
          [t('Average notice'), days(tt.average_notice_days, 1)],
          [t('Median notice'), days(tt.median_notice_days, 1)],
          [t('Shortest notice'), days(tt.shortest_notice_days)],
        ]),
        sortTable({ caption: t('Notice given for each session, by start date'), rows: d.sessions,
          rowClass: (r) => (r.warning ? 'rp-row-bad' : null), columns: [
            { key: 'session', label: t('Session'), render: (r) => ref('training_sessions', r.session) },
            { key: 'course', label: t('Course'), render: (r) => ref('courses', r.course) },
            { key: 'facility', label: t('Facility'), render: (r) => ref('sites', r.facility) },
            { key: 'starts_on', label: t('Starts') },
            { key: 'notified_on', label: t('Facility told'), render: (r) => r.notified_on || t('not recorded') },
            { key: 'notice_days', label: t('Notice (days)'), num: true },
            { key: 'warning', label: t('Warning'), value: (r) => r.warning,
              render: (r) => (r.warning
                ? h('span', { class: 'rp-late' }, r.notice_days === null ? t('no notice recorded') : t('under {n} days', { n: num(d.minimum_notice_days) }))
                : h('span', { class: 'rp-ok' }, t('enough notice'))) },
            { key: 'status', label: t('Status'), render: (r) => statusBadge(r.status) },
            { key: 'seats', label: t('Seats'), num: true },
            { key: 'host_nation', label: t('Host') },
            { key: 'ends_on', label: t('Ends') },
          ] }));
    },
  });
}

async function training(main) {
  const mem = remember('training');
  let courses = null;
  if (entity('courses')?.actions.includes('r')) {
    try {
      courses = (await api.listAll('/courses', {}, 2000)).items;
    } catch { courses = null; }
  }
  add(main, tabs(t('Training reports'), [
    { label: t('Pipeline'), render: (p) => pipeline(p, courses) },
    { label: t('Graduates'), render: graduates },
    { label: t('Seats'), render: seats },
    { label: t('Notice to facilities'), render: notice },
  ], mem));
}

// ---- Burden sharing. -------------------------------------------------------

async function burdenSharing(main) {
  const thisYear = new Date().getUTCFullYear();
  let years = null;
  if (entity('funding_targets')?.actions.includes('r')) {
    try {
      years = (await api.listAll('/funding_targets', {}, 500)).items.map((f) => String(f.year)).sort().reverse();
    } catch { years = null; }
  }
  const defYear = years?.length ? (years.includes(String(thisYear)) ? String(thisYear) : years[0]) : String(thisYear);
  const period = (d) => (d.half === 'H1' ? t('first half of {year}', { year: d.year })
    : d.half === 'H2' ? t('second half of {year}', { year: d.year }) : String(d.year));
  const Period = (d) => (d.half === 'H1' ? t('First half of {year}', { year: d.year })
    : d.half === 'H2' ? t('Second half of {year}', { year: d.year }) : String(d.year));
  report(main, {
    key: 'burden-sharing', path: '/reports/burden-sharing', file: 'burden-sharing',
    defaults: { year: defYear, half: '' },
    label: t('Period of the burden-sharing report'),
    fields: [
      years?.length
        ? { name: 'year', label: t('Year'), options: years.map((y) => ({ value: y, label: y })), value: defYear }
        : { name: 'year', label: t('Year'), type: 'number', min: 1990, max: 2100, size: 6, value: defYear },
      { name: 'half', label: t('Period'), options: [
        { value: '', label: t('Whole year') },
        { value: 'H1', label: t('First half (January to June)') },
        { value: 'H2', label: t('Second half (July to December)') },
      ] },
    ],
    problem: (e, p) => (e.status === 404 ? h('div', { class: 'problem', role: 'alert' },
      h('p', null, t('There is no funding target for {year}. An admin sets one under Funding targets.', { year: p.year }))) : null),
    draw(out, d) {
      const own = session.user?.role === 'donor_liaison';
      add(out,
        h('p', { class: 'rp-summary' }, t('{period}: {contributed} contributed against a target of {target} ({ratio}).', {
          period: Period(d), contributed: eur(d.contributed_eur), target: eur(d.target_eur), ratio: pct(d.ratio, 1) })),
        kpis([
          [t('Target'), eur(d.target_eur)],
          [t('Contributed'), eur(d.contributed_eur)],
          [t('Share of the target'), pct(d.ratio, 1), d.ratio >= 1 ? 'rp-good' : 'rp-warn'],
          [t('Period'), `${d.from} – ${d.to}`, 'rp-small'],
          [t('EUR per USD'), num(d.usd_eur, 4)],
          own ? null : [t('Nations that contributed'), t('{n} of {m}', { n: num(d.nations.filter((x) => x.contributed_eur > 0).length), m: num(d.nations.length) })],
        ]),
        own ? h('p', { class: 'rp-note' }, t('Your role sees your own nation\'s row; the totals cover every nation.')) : null,
        sortTable({ caption: t('Contributions against fair shares, {period}', { period: period(d) }), rows: d.nations,
          note: t('Fair share = target × GDP ÷ GDP of the participating Allies; partners and non-participating Allies have none.'),
          limit: 200, columns: [
            { key: 'nation', label: t('Nation'), value: (r) => r.name, render: (r) => ref('nations', r.nation, r.name) },
            { key: 'status', label: t('Status'), render: (r) => tv(r.status) },
            { key: 'has_share', label: t('Has a share'), render: (r) => yesNo(r.has_share) },
            { key: 'gdp_usd_bn', label: t('GDP (USD bn)'), num: true, render: (r) => num(r.gdp_usd_bn, 1) },
            { key: 'fair_share_eur', label: t('Fair share'), num: true, render: (r) => eur(r.fair_share_eur) },
            { key: 'contributed_eur', label: t('Contributed'), num: true, render: (r) => eur(r.contributed_eur) },
            { key: 'delivered_eur', label: t('Delivered'), num: true, render: (r) => eur(r.delivered_eur) },
            { key: 'ratio', label: t('Of fair share'), num: true, render: (r) => (empty(r.ratio) || !r.has_share ? '–'
              : h('span', { class: 'rp-ratio' }, h('span', { class: 'rp-meter', 'aria-hidden': 'true' },
                widthOf(h('span', { class: r.ratio >= 1 ? 'rp-meter-fill rp-meter-full' : 'rp-meter-fill' }), r.ratio)),
              pct(r.ratio, 1))) },
            { key: 'pct_gdp', label: t('% of GDP'), num: true, render: (r) => (empty(r.pct_gdp) ? '–' : pct(r.pct_gdp / 100, 3)) },
          ] }),
        d.sources?.length ? h('p', { class: 'rp-sources' }, t('Sources: {list}', { list: d.sources.join('; ') })) : null);
    },
  });
}

// ---- The page. -------------------------------------------------------------

const PAGES = {
  'end-use': endUse,
  'repairs-report': repairs,
  'training-report': training,
  'burden-sharing': burdenSharing,
};

export function reportPage(main, id) {
  const r = REPORTS[id];
  if (!r) {
    fill(main, pageHead(t('Not available')), h('p', null, t('This page does not exist, or your role may not open it.')));
    return;
  }
  fill(main, pageHead(t(r.label)));
  const body = h('div', { class: 'rp-page' });
  main.append(body);
  Promise.resolve(PAGES[id](body)).catch((e) => body.append(errorBox(e)));
}
