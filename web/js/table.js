// table.js - the list of any resource: filter (by the API), sort and page
// (over what is loaded), and export (CSV or XLSX, made by the API with the
// same filters).
//
// Records come 500 at a time, in the API's order; "Load more" fetches the
// next 500.  Sorting covers the records loaded, which the status line says.

import { h, fill, newId } from './dom.js';
import { t, tf, tv, num, when } from './i18n.js';
import * as api from './api.js';
import { entity, errorBox, notify, problemText, statusBadge } from './ui.js';

const PAGE = 25;

// How a field's value shows in a cell, from its type in the schema.
export function cell(field, value) {
  if (value === null || value === undefined || value === '') return '';
  if (!field) return typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (field.name === 'status') return statusBadge(value);
  switch (field.type) {
    case 'enum': return tv(value);
    case 'boolean': return value ? t('yes') : t('no');
    case 'integer': return num(value);
    case 'number': return num(value, 2);
    case 'time': return when(value);
    default:
      // Instants kept as checked strings (an event's "at") read as times too.
      if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value)) return when(value);
      if (field.ref && typeof value === 'string') return h('a', { href: `#/${field.ref}/${encodeURIComponent(value)}` }, value);
      return String(value);
  }
}

// The order of two cells: empty last, numbers by value, true before false,
// text as people read it ("P2" before "P10").  Also the reports' tables.
export function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined || a === '') return 1;
  if (b === null || b === undefined || b === '') return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? -1 : 1;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/*
 * opts: path ('/requirements'), entity (schema name), columns (field names
 * or {key, label, value(row), render(row), num}), filters (field names),
 * params (fixed filters), link(row) (a hash), caption.
 */
export function dataTable(opts) {
  const spec = entity(opts.entity) || { fields: [] };
  const fieldOf = (k) => spec.fields.find((f) => f.name === k);
  const cols = opts.columns.map((c) => (typeof c === 'string' ? { key: c } : c)).map((c) => ({
    ...c,
    field: fieldOf(c.key),
    label: c.label || tf(c.key),
    value: c.value || ((r) => r[c.key]),
  }));
  const st = { items: [], cursor: null, sort: null, dir: 1, page: 0, filters: { ...(opts.initial || {}) }, busy: false };
  const root = h('section', { class: 'datatable', 'aria-label': opts.caption });
  const status = h('p', { class: 'table-status', role: 'status', 'aria-live': 'polite' });
  const body = h('div', { class: 'table-wrap' });
  // Named after its table: a record's page may hold several lists.
  const pager = h('nav', { class: 'pager', 'aria-label': opts.caption ? `${t('Pages')}: ${opts.caption}` : t('Pages') });

  function params() { return { ...(opts.params || {}), ...st.filters }; }

  async function load(more) {
    st.busy = true;
    status.textContent = t('Loading…');
    try {
      const page = await api.get(opts.path, { ...params(), limit: 500, cursor: more ? st.cursor : undefined });
      st.items = more ? st.items.concat(page.items) : page.items;
      st.cursor = page.next_cursor;
      if (!more) st.page = 0;
      draw();
    } catch (e) {
      fill(body, errorBox(e));
      status.textContent = '';
    } finally {
      st.busy = false;
    }
  }

  function sorted() {
    if (!st.sort) return st.items;
    const c = cols.find((x) => x.key === st.sort);
    return [...st.items].sort((a, b) => st.dir * compare(c.value(a), c.value(b)));
  }

  function head(c) {
    const active = st.sort === c.key;
    return h('th', { scope: 'col', 'aria-sort': active ? (st.dir > 0 ? 'ascending' : 'descending') : null, class: c.num ? 'num' : null },
      h('button', { type: 'button', class: 'sort', onclick: () => {
        st.dir = active ? -st.dir : 1;
        st.sort = c.key;
        draw();
      } }, c.label, h('span', { 'aria-hidden': 'true' }, active ? (st.dir > 0 ? ' ▲' : ' ▼') : '')));
  }

  function draw() {
    const rows = sorted();
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    st.page = Math.min(st.page, pages - 1);
    const shown = rows.slice(st.page * PAGE, st.page * PAGE + PAGE);
    fill(body, h('table', null,
      opts.caption ? h('caption', { class: 'sr-only' }, opts.caption) : null,
      h('thead', null, h('tr', null, cols.map(head))),
      h('tbody', null, shown.length ? shown.map((r) => h('tr', null, cols.map((c, i) => {
        const content = c.render ? c.render(r) : cell(c.field, c.value(r));
        const link = i === 0 && opts.link ? h('a', { href: opts.link(r) }, content === '' ? '—' : content) : content;
        return h(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : null, class: c.num ? 'num' : null }, link);
      })))
        : h('tr', null, h('td', { colspan: cols.length, class: 'empty' }, t('No records.'))))));
    status.textContent = st.cursor
      ? t('{n} records loaded; more on the server. Sorting covers the loaded records.', { n: num(rows.length) })
      : t('{n} records', { n: num(rows.length) });
    fill(pager,
      h('button', { type: 'button', class: 'btn', disabled: st.page === 0, onclick: () => { st.page--; draw(); } }, t('Previous')),
      h('span', null, t('Page {p} of {n}', { p: st.page + 1, n: pages })),
      h('button', { type: 'button', class: 'btn', disabled: st.page >= pages - 1, onclick: () => { st.page++; draw(); } }, t('Next')),
      st.cursor ? h('button', { type: 'button', class: 'btn', onclick: () => load(true) }, t('Load more')) : null);
  }

  function filterBar() {
    const names = (opts.filters || []).filter((n) => fieldOf(n)?.filter);
    if (!names.length && opts.export === false) return null;
    const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('Filter') ,
      onsubmit: (ev) => { ev.preventDefault(); read(); load(false); } });
    function read() {
      for (const n of names) {
        const el = form.elements[`f-${n}`];
        if (el) st.filters[n] = el.value.trim();
      }
    }
    for (const n of names) {
      const f = fieldOf(n) || { name: n, type: 'string' };
      const id = newId('flt');
      const cur = st.filters[n] || '';
      const input = f.type === 'enum' || f.type === 'boolean'
        ? h('select', { id, name: `f-${n}`, onchange: () => { read(); load(false); } },
          h('option', { value: '' }, t('Any')),
          (f.type === 'boolean' ? ['true', 'false'] : f.choices).map((v) =>
            h('option', { value: v, selected: v === cur }, f.type === 'boolean' ? t(v === 'true' ? 'yes' : 'no') : tv(v))))
        : h('input', { id, name: `f-${n}`, value: cur, type: f.type === 'date' ? 'date' : 'text', size: 14 });
      form.append(h('div', { class: 'field' }, h('label', { for: id }, tf(n)), input));
    }
    if (names.length) form.append(h('button', { type: 'submit', class: 'btn' }, t('Apply filters')));
    if (opts.export !== false) {
      for (const fmt of ['csv', 'xlsx']) {
        form.append(h('button', { type: 'button', class: 'btn', onclick: async () => {
          try {
            await api.download(opts.path, { ...params(), format: fmt }, `${opts.entity}.${fmt}`);
          } catch (e) { notify(problemText(e), 'error'); }
        } }, fmt === 'csv' ? t('Export CSV') : t('Export XLSX')));
      }
    }
    return form;
  }

  root.append(filterBar() || '', status, body, pager);
  root.reload = () => load(false);
  load(false);
  return root;
}
