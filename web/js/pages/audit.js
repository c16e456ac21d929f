// pages/audit.js - the audit trail (admin and auditor): verify its hash
// chain, and read its records with what each change did.
//
// GET /api/v1/audit orders (oldest or newest first) and filters (user,
// action, resource, record key, sequence number, dates) the whole trail on
// the server and answers a page at a time with a cursor to the next; the
// page asks for 50 records at a time, the next 50 when "Next" goes past
// what it has read.  GET /api/v1/audit/verify walks the chain.

import { h, fill, newId } from '../dom.js';
import { t, te, tv, num, when } from '../i18n.js';
import * as api from '../api.js';
import { pageHead, errorBox, problemText, session, entity } from '../ui.js';
import { ref } from './reports.js';

const PAGE = 50;     // records per page, read from the server one page at a time

// The actions svc_audit_write and its callers record (src/svc/), offered
// in the filter with those the pages read; the server filters any.
const ACTIONS = ['create', 'update', 'delete', 'transition', 'release', 'login', 'logout', 'ingest',
  'route', 'graduate', 'approve', 'load', 'unload', 'repair'];

// ---- Verifying the chain. --------------------------------------------------

function verifyBlock() {
  const result = h('div', { class: 'audit-result', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'btn btn-primary', onclick: verify }, t('Verify the audit trail'));
  const block = h('section', { class: 'card audit-verify', 'aria-labelledby': 'audit-verify-head' },
    h('h2', { id: 'audit-verify-head' }, t('Hash chain')),
    h('p', null, t('Each record holds the hash of the one before it, so an edit, a deletion or a reordering of any record breaks the chain at that record.')),
    h('div', { class: 'actions' }, button),
    result);
  async function verify() {
    button.disabled = true;
    result.className = 'audit-result';
    fill(result, t('Verifying the whole chain…'));
    try {
      const r = await api.get('/audit/verify');
      const at = when(new Date().toISOString());
      if (r.ok) {
        result.className = 'audit-result audit-ok';
        fill(result, h('strong', null, t('Audit trail verified: {n} records, chain intact.', { n: num(r.records) })),
          h('span', { class: 'audit-at' }, t('Checked {at}.', { at })));
      } else {
        result.className = 'audit-result audit-broken';
        fill(result, h('strong', null, t('Audit trail BROKEN at record {seq}.', { seq: num(r.bad_seq) })),
          r.reason ? h('span', { lang: 'en' }, r.reason) : null,
          h('span', { class: 'audit-at' }, t('{n} records read. Checked {at}.', { n: num(r.records), at })),
          block.showRecord ? h('button', { type: 'button', class: 'btn', onclick: () => block.showRecord(r.bad_seq) },
            t('Show record {seq}', { seq: r.bad_seq })) : null);
      }
    } catch (e) {
      result.className = 'audit-result audit-broken';
      fill(result, problemText(e));
    } finally {
      button.disabled = false;
    }
  }
  return block;
}

// ---- What a change did. ----------------------------------------------------

function show(v) {
  if (v === null || v === undefined) return h('span', { class: 'audit-null' }, t('empty'));
  if (typeof v === 'object') return h('code', null, JSON.stringify(v));
  if (typeof v === 'boolean') return v ? t('yes') : t('no');
  return String(v);
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// [{field, before, after}] that the record's change touched: every field of
// a record created or deleted, the fields that differ otherwise.
function changes(r) {
  const b = r.before || {};
  const a = r.after || {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const both = r.before && r.after;
  return keys.filter((k) => !both || !same(b[k], a[k]))
    .map((k) => ({ field: k, before: r.before ? b[k] : undefined, after: r.after ? a[k] : undefined }));
}

// A record's change as a table of fields before and after.
function diffTable(r, list) {
  if (!list.length) return h('p', null, t('No field changed.'));
  return h('table', { class: 'audit-diff-table' },
    h('caption', null, t('Record {seq}: {action} of {entity} {key}', { seq: r.seq, action: tv(r.action), entity: te(r.entity), key: r.entity_id })),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('Field')),
      r.before ? h('th', { scope: 'col' }, t('Before')) : null,
      r.after ? h('th', { scope: 'col' }, t('After')) : null)),
    h('tbody', null, list.map((c) => h('tr', null, h('th', { scope: 'row' }, c.field),
      r.before ? h('td', { class: r.after ? 'audit-before' : null }, show(c.before)) : null,
      r.after ? h('td', { class: r.before ? 'audit-after' : null }, show(c.after)) : null))));
}

// The rows of one record: the record, and (hidden until asked for) what
// its change did, across the whole table.
function recordRows(r, open) {
  const cells = [
    h('th', { scope: 'row', class: 'num' }, String(r.seq)),
    h('td', { class: 'audit-when' }, when(r.at)),
    h('td', null, r.actor),
    h('td', null, h('span', { class: `audit-action audit-action-${r.action}` }, tv(r.action))),
    h('td', null, te(r.entity)),
    h('td', { class: 'audit-key' }, r.entity === 'sessions' ? r.entity_id : ref(r.entity, r.entity_id)),
  ];
  if (!r.before && !r.after) return [h('tr', null, cells, h('td', { class: 'audit-null' }, '–'))];
  const list = changes(r);
  const label = r.before && r.after
    ? t('{n} fields changed', { n: num(list.length) })
    : r.after ? t('{n} fields (created)', { n: num(list.length) }) : t('{n} fields (deleted)', { n: num(list.length) });
  const id = `audit-diff-${r.seq}`;
  const detail = h('tr', { id, class: 'audit-diff-row', hidden: !open.has(r.seq) },
    h('td', { colspan: 7 }, diffTable(r, list)));
  const button = h('button', { type: 'button', class: 'audit-toggle', 'aria-expanded': String(open.has(r.seq)), 'aria-controls': id,
    onclick: () => {
      const opening = detail.hidden;
      detail.hidden = !opening;
      button.setAttribute('aria-expanded', String(opening));
      if (opening) open.add(r.seq); else open.delete(r.seq);
    } }, h('span', { class: 'audit-caret', 'aria-hidden': 'true' }), label,
    h('span', { class: 'sr-only' }, ` ${t('(record {seq})', { seq: r.seq })}`));
  return [h('tr', null, cells, h('td', null, button)), detail];
}

// ---- The records. ----------------------------------------------------------

function recordsBlock() {
  // pages: the pages read so far for the filters in st.params, in the
  // order asked for; cursor: the server's way to the next one (null at
  // the end); gen: which reading is current (a reading started before the
  // filters changed is dropped when it answers).
  const st = { pages: [], cursor: null, page: 0, params: { order: 'desc' }, loading: false, error: null, gen: 0, open: new Set() };
  const seen = { action: new Set(ACTIONS), entity: new Set(['sessions']), actor: new Set(['system']) };
  const status = h('p', { class: 'table-status', role: 'status', 'aria-live': 'polite' });
  const body = h('div', { class: 'table-wrap', role: 'region', 'aria-label': t('Audit records'), tabindex: '0' });
  const pager = h('nav', { class: 'pager', 'aria-label': t('Pages of the audit trail') });

  // The filters: the API's parameters of GET /audit.
  const ids = {};
  const field = (name, label, ctl) => {
    ids[name] = ctl;
    return h('div', { class: 'field' }, h('label', { for: ctl.id }, label), ctl);
  };
  const sel = (name) => h('select', { id: newId('af'), name });
  const form = h('form', { class: 'filters audit-filters', role: 'search', 'aria-label': t('Filter the audit records'),
    onsubmit: (ev) => { ev.preventDefault(); read(); } },
  field('order', t('Order'), h('select', { id: newId('af'), name: 'order' },
    h('option', { value: 'desc' }, t('Newest first')), h('option', { value: 'asc' }, t('Oldest first')))),
  field('action', t('Action'), sel('action')),
  field('entity', t('Resource'), sel('entity')),
  field('actor', t('User'), sel('actor')),
  field('entity_id', t('Record key'), h('input', { id: newId('af'), name: 'entity_id', size: 16 })),
  field('seq', t('Sequence number'), h('input', { id: newId('af'), name: 'seq', type: 'number', min: 1, size: 8, inputmode: 'numeric' })),
  field('from', t('From'), h('input', { id: newId('af'), name: 'from', type: 'date' })),
  field('to', t('To'), h('input', { id: newId('af'), name: 'to', type: 'date' })),
  h('button', { type: 'submit', class: 'btn btn-primary' }, t('Apply filters')),
  h('button', { type: 'button', class: 'btn', onclick: () => { form.reset(); read(); } }, t('Clear filters')));

  // The choices of a filter: what is known to exist, and what was read.
  // The choice stays, but not as the default: "Clear filters" (a form
  // reset) goes back to "Any".
  function options(name, label) {
    const ctl = ids[name];
    const cur = ctl.value;
    fill(ctl, h('option', { value: '' }, t('Any')),
      [...seen[name]].sort().map((v) => h('option', { value: v }, label(v))));
    ctl.value = cur;
  }
  function refreshOptions() {
    options('action', tv);
    options('entity', te);
    options('actor', (v) => v);
  }
  function remember(items) {
    for (const r of items) {
      seen.action.add(r.action);
      seen.entity.add(r.entity);
      seen.actor.add(r.actor);
    }
  }
  // The resources the role may read, and the users (if it may list them).
  async function knownValues() {
    for (const name of Object.keys(session.schema?.entities || {})) seen.entity.add(name);
    if (entity('users')) {
      try {
        const { items } = await api.listAll('/users', {}, 5000);
        for (const u of items) seen.actor.add(u.username);
      } catch { /* the users list is a convenience; the records name theirs */ }
    }
    refreshOptions();
  }

  // The form as the query's parameters; a new reading from the first page.
  function read() {
    const p = { order: ids.order.value };
    for (const k of ['action', 'entity', 'actor', 'entity_id', 'from', 'to']) {
      const v = ids[k].value.trim();
      if (v) p[k] = v;
    }
    const seq = ids.seq.value.trim();
    if (seq) { p.seq_from = seq; p.seq_to = seq; }
    st.params = p;
    st.pages = [];
    st.cursor = null;
    st.page = 0;
    st.error = null;
    load();
  }

  // Read the next page; on success show it.
  async function load() {
    const gen = ++st.gen;
    st.loading = true;
    draw();
    try {
      const page = await api.get('/audit', { ...st.params, limit: PAGE, cursor: st.cursor || undefined });
      if (gen !== st.gen) return;
      st.pages.push(page.items);
      st.cursor = page.next_cursor;
      st.page = st.pages.length - 1;
      remember(page.items);
      refreshOptions();
    } catch (e) {
      if (gen !== st.gen) return;
      st.error = e;
    }
    st.loading = false;
    draw();
  }

  function draw() {
    const shown = st.pages[st.page] || [];
    const done = st.pages.length > 0 && !st.cursor;
    const filtered = Object.keys(st.params).some((k) => k !== 'order');
    fill(body, st.error ? errorBox(st.error) : h('table', { class: 'audit-table' },
      h('caption', { class: 'sr-only' }, t('Audit records')),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col', class: 'num' }, t('No.')),
        h('th', { scope: 'col' }, t('When')),
        h('th', { scope: 'col' }, t('User')),
        h('th', { scope: 'col' }, t('Action')),
        h('th', { scope: 'col' }, t('Resource')),
        h('th', { scope: 'col' }, t('Record')),
        h('th', { scope: 'col' }, t('Before and after')))),
      h('tbody', null, shown.length ? shown.map((r) => recordRows(r, st.open))
        : h('tr', null, h('td', { colspan: 7, class: 'empty' },
          st.loading ? t('Loading…') : filtered ? t('No records match.') : t('No records.'))))));
    const n = num(st.pages.reduce((sum, p) => sum + p.length, 0));
    status.textContent = st.loading ? t('Loading…')
      : st.error ? ''
        : done ? t('{n} records.', { n }) : t('{n} records loaded; more on the server.', { n });
    // Paging keeps the focus on the button pressed (or the table, at an end).
    const turn = (by, nav) => async () => {
      if (by > 0 && st.page + 1 >= st.pages.length) {
        await load();
      } else {
        st.page += by;
        st.error = null;
        draw();
      }
      (pager.querySelector(`[data-nav="${nav}"]:not([disabled])`) || body).focus();
    };
    const p = num(st.page + 1);
    fill(pager,
      h('button', { type: 'button', class: 'btn', 'data-nav': 'prev', disabled: st.loading || st.page === 0, onclick: turn(-1, 'prev') }, t('Previous')),
      h('span', null, done ? t('Page {p} of {n}', { p, n: num(st.pages.length) }) : t('Page {p}', { p })),
      h('button', { type: 'button', class: 'btn', 'data-nav': 'next',
        disabled: st.loading || !!st.error || (st.page + 1 >= st.pages.length && !st.cursor), onclick: turn(1, 'next') }, t('Next')));
  }

  const block = h('section', { class: 'audit-records', 'aria-labelledby': 'audit-records-head' },
    h('h2', { id: 'audit-records-head' }, t('Records')),
    h('p', { class: 'rp-note' }, t('Every change, login and logout. The server orders and filters the whole trail and sends it a page at a time.')),
    form, status, body, pager);
  block.showRecord = (seq) => {
    form.reset();
    ids.seq.value = String(seq);
    read();
    body.scrollIntoView({ block: 'start' });
    body.focus({ preventScroll: true });
  };
  refreshOptions();
  knownValues();
  read();
  return block;
}

export function auditPage(main) {
  const verify = verifyBlock();
  const records = recordsBlock();
  verify.showRecord = records.showRecord;
  fill(main, pageHead(t('Audit trail')), verify, records);
}
