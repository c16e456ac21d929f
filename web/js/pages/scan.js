// pages/scan.js - scanning shipments through a node, by hand or with a
// keyboard-wedge barcode scanner (it types the code and presses Enter).
//
// A scan is the text of a transfer document's DataMatrix ("NSATU1|SHP-…|…",
// checked by POST /scans) or a shipment id.  With "Record on scan" on, the
// chosen custody event is recorded at once, so a queue of trucks goes
// through with one scan each; the input keeps the focus throughout.

import { h, fill } from '../dom.js';
import { t, tf, tv, num } from '../i18n.js';
import * as api from '../api.js';
import { session, mayRecord, pageHead, problemText, statusBadge } from '../ui.js';

const enc = encodeURIComponent;
const MOVES = ['arrived', 'departed', 'dispatched', 'handed_over', 'received'];

async function identify(code) {
  if (code.startsWith('NSATU1|')) return api.post('/scans', { payload: code }, { idempotent: false });
  if (/^SHP-[0-9A-Z]+$/i.test(code)) {
    const id = code.toUpperCase();
    const [shipment, lines] = await Promise.all([
      api.get(`/shipments/${enc(id)}`), api.get('/shipment_lines', { shipment: id, limit: 500 })]);
    return { shipment, lines: lines.items };
  }
  const err = new Error(t('Not a transfer document or shipment id: {code}', { code }));
  err.status = 400;
  err.problem = { detail: err.message };
  throw err;
}

export function recordEvent(type, site, shipment, extra = {}) {
  return api.post('/events', { id: crypto.randomUUID(), type, at: new Date().toISOString(), site, shipment, ...extra });
}

export function scanPage(main) {
  const types = MOVES.filter(mayRecord);
  const fixedSite = session.user.site;
  const log = h('ol', { class: 'scan-log', 'aria-live': 'polite', 'aria-label': t('Scans') });
  const card = h('div');
  const site = fixedSite
    ? h('input', { id: 'scan-site', value: fixedSite, readonly: true })
    : h('input', { id: 'scan-site', placeholder: t('site code'), required: true, autocomplete: 'off' });
  const type = h('select', { id: 'scan-type' }, types.map((ty) => h('option', { value: ty }, tv(ty))));
  const auto = h('input', { id: 'scan-auto', type: 'checkbox', checked: true });
  const input = h('input', { id: 'scan-code', class: 'scan-input', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', autofocus: true });
  // Choosing the event or "Record on scan" with the mouse (or a touch)
  // gives the focus back to the scan input: a scanner's keystrokes landing
  // on the select would silently pick another event by type-ahead ("D…"
  // is Departed or Dispatched).  Keyboard users keep the focus where it is.
  for (const ctl of [type, auto]) {
    let byKey = false;
    ctl.addEventListener('keydown', () => { byKey = true; });
    ctl.addEventListener('pointerdown', () => { byKey = false; });
    ctl.addEventListener('change', () => { if (!byKey) input.focus(); });
  }

  function entry(kind, text) {
    log.prepend(h('li', { class: kind }, `${new Date().toLocaleTimeString()} · `, text));
  }

  async function record(ty, shipment) {
    const where = site.value.trim().toUpperCase();
    if (!where) { entry('bad', t('Choose the site first.')); site.focus(); return false; }
    try {
      await recordEvent(ty, where, shipment.id);
      entry('good', t('{shipment}: {type} recorded at {site}.', { shipment: shipment.id, type: tv(ty), site: where }));
      return true;
    } catch (e) {
      entry('bad', `${shipment.id}: ${problemText(e)}`);
      return false;
    }
  }

  function show(found) {
    const s = found.shipment;
    fill(card, h('section', { class: 'card', 'aria-label': t('Scanned shipment') },
      h('h2', null, h('a', { href: `#/shipments/${enc(s.id)}` }, s.id), ' ', statusBadge(s.status)),
      h('dl', { class: 'fields' }, ['nation', 'route', 'origin', 'destination', 'location', 'planned_arrival'].map((k) =>
        [h('dt', null, tf(k)), h('dd', null, s[k] || '—')])),
      h('table', null, h('caption', null, t('Lines')),
        h('thead', null, h('tr', null, ['item', 'quantity', 'in_transit', 'received'].map((k) => h('th', { scope: 'col' }, tf(k))))),
        h('tbody', null, (found.lines || []).map((l) => h('tr', null, h('th', { scope: 'row' }, l.item),
          h('td', { class: 'num' }, num(l.quantity)), h('td', { class: 'num' }, num(l.in_transit)), h('td', { class: 'num' }, num(l.received)))))),
      h('div', { class: 'actions' }, types.map((ty) => h('button', { type: 'button', class: 'btn', onclick: async () => {
        if (await record(ty, s)) show({ ...found, shipment: await api.get(`/shipments/${enc(s.id)}`) });
        input.focus();
      } }, t('Record: {type}', { type: tv(ty) }))))));
  }

  const form = h('form', { class: 'scan', onsubmit: async (ev) => {
    ev.preventDefault();
    const code = input.value.trim();
    input.value = '';
    if (!code) return;
    try {
      const found = await identify(code);
      show(found);
      if (auto.checked && type.value) await record(type.value, found.shipment);
    } catch (e) {
      entry('bad', `${code.slice(0, 40)}: ${problemText(e)}`);
    }
    input.focus();
  } },
  h('div', { class: 'filters' },
    h('div', { class: 'field' }, h('label', { for: 'scan-site' }, tf('site')), site),
    h('div', { class: 'field' }, h('label', { for: 'scan-type' }, t('Event')), type),
    h('div', { class: 'field field-boolean' }, h('label', { for: 'scan-auto' }, auto, ' ', t('Record on scan')))),
  h('label', { for: 'scan-code' }, t('Scan a transfer document, or type a shipment id, then Enter')),
  h('div', { class: 'actions' }, input, h('button', { type: 'submit', class: 'btn btn-primary' }, t('Look up'))));

  fill(main, pageHead(t('Scan')),
    types.length ? form : h('p', null, t('Your role records no movements.')),
    card, h('h2', null, t('This session')), log);
  input.focus();
}
