// pages/training.js - a training session's class: the roster, and the moves
// a facility makes for many trainees at once (enrol, start, graduate).
// Moves that need a reason (fail, withdraw) are made one by one on the
// enrolment's page.

import { h, fill } from '../dom.js';
import { t, tf, tv, tm, num } from '../i18n.js';
import * as api from '../api.js';
import { entity, confirmAction, notify, problemText, statusBadge, errorBox } from '../ui.js';

const enc = encodeURIComponent;

export async function sessionExtra(body, rec, _etag, reload) {
  const spec = entity('enrolments');
  if (!spec) return;
  const section = h('section', { class: 'roster' }, h('h2', null, t('Class')));
  body.append(section);
  let items;
  try {
    ({ items } = await api.listAll('/enrolments', { session: rec.id }));
  } catch (e) {
    section.append(errorBox(e));
    return;
  }
  const moves = (spec.transitions || []).filter((m) => !m.reason);
  const boxes = new Map();
  const progress = h('p', { role: 'status', class: 'table-status' });
  const counts = {};
  for (const e of items) counts[e.status] = (counts[e.status] || 0) + 1;

  const selectAll = h('input', { type: 'checkbox', id: 'roster-all', onchange: () => {
    for (const b of boxes.values()) b.checked = selectAll.checked;
  } });
  const table = h('div', { class: 'table-wrap' }, h('table', null,
    h('caption', { class: 'sr-only' }, t('Class')),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, h('label', { for: 'roster-all', class: 'sr-only' }, t('Select all')), selectAll),
      ['id', 'trainee', 'status', 'graduated_on', 'qualification'].map((k) => h('th', { scope: 'col' }, tf(k))))),
    h('tbody', null, items.length ? items.map((e) => {
      const box = h('input', { type: 'checkbox', id: `sel-${e.id}`, 'aria-label': t('Select {id}', { id: e.id }) });
      boxes.set(e.id, box);
      return h('tr', null, h('td', null, box),
        h('th', { scope: 'row' }, h('a', { href: `#/enrolments/${enc(e.id)}` }, e.id)),
        h('td', null, e.trainee), h('td', null, statusBadge(e.status)),
        h('td', null, e.graduated_on || ''), h('td', null, e.qualification || ''));
    }) : h('tr', null, h('td', { colspan: 6, class: 'empty' }, t('No one is enrolled yet.'))))));

  async function bulk(m) {
    const chosen = items.filter((e) => boxes.get(e.id).checked && e.status === m.from);
    if (!chosen.length) {
      notify(t('Select trainees whose status is "{from}".', { from: tv(m.from) }), 'error');
      return;
    }
    if (!(await confirmAction(t('Move {n} trainees from "{from}" to "{to}"?', { n: chosen.length, from: tv(m.from), to: tv(m.to) }), { yes: tm(m.to) }))) return;
    let done = 0;
    const failed = [];
    for (const e of chosen) {
      progress.textContent = t('{done} of {n}…', { done, n: chosen.length });
      try {
        await api.post(`/enrolments/${enc(e.id)}/transition`, { to: m.to });
        done++;
      } catch (err) {
        failed.push(`${e.id}: ${problemText(err)}`);
      }
    }
    notify(t('{done} of {n} moved to "{to}".', { done, n: chosen.length, to: tv(m.to) }), failed.length ? 'error' : 'ok');
    if (failed.length) fill(progress, h('ul', null, failed.map((f) => h('li', null, f))));
    else reload();
  }

  section.append(
    h('p', null, Object.entries(counts).map(([s, n]) => `${tv(s)}: ${num(n)}`).join(' · ') || ''),
    moves.length ? h('div', { class: 'actions' }, moves.map((m) => h('button', { type: 'button', class: 'btn btn-primary', onclick: () => bulk(m) },
      t('{move} selected ({from})', { move: tm(m.to), from: tv(m.from) })))) : null,
    progress, table);
}
