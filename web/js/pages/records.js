// pages/records.js - the list, the form and the page of any resource.

import { h, fill } from '../dom.js';
import { t, te, tf, tv, tm, num } from '../i18n.js';
import * as api from '../api.js';
import { RESOURCES } from '../resources.js';
import { dataTable, cell } from '../table.js';
import { recordForm } from '../form.js';
import { session, entity, can, pageHead, loading, errorBox, ask, confirmAction, notify, problemText, statusBadge } from '../ui.js';

const enc = encodeURIComponent;

export function listPage(main, name, filters = {}) {
  const spec = entity(name);
  const cfg = RESOURCES[name] || { columns: spec.fields.slice(0, 8).map((f) => f.name) };
  const actions = [];
  if (can(name, 'c') && !cfg.noCreate) {
    actions.push(h('a', { class: 'btn btn-primary', href: `#/${name}/new` }, t('New')));
  }
  fill(main, pageHead(te(name), actions),
    dataTable({
      path: `/${name}`, entity: name, columns: cfg.columns, filters: cfg.filters,
      initial: filters, caption: te(name), link: (r) => `#/${name}/${enc(r[spec.key])}`,
    }));
}

export function newPage(main, name, defaults = {}) {
  // A nation's or site's own user makes records of their own nation or site.
  const spec = entity(name);
  const u = session.user;
  if (spec.scope_nation && u.nation) defaults = { [spec.scope_nation]: u.nation, ...defaults };
  if (spec.scope_site && u.site) defaults = { [spec.scope_site]: u.site, ...defaults };
  fill(main, pageHead(t('New: {what}', { what: te(name) })),
    recordForm({
      entity: name, path: `/${name}`, defaults, inputs: RESOURCES[name]?.inputs,
      onSaved: (rec) => { location.hash = `#/${name}/${enc(rec[entity(name).key])}`; },
      onCancel: () => history.back(),
    }));
}

// The record's fields as a description list.
export function fieldList(name, rec) {
  const spec = entity(name);
  return h('dl', { class: 'fields' }, spec.fields.filter((f) => f.name in rec).map((f) =>
    [h('dt', null, tf(f.name)), h('dd', null, cell(f, rec[f.name]) === '' ? '—' : cell(f, rec[f.name]))]));
}

// The workflow moves the user may make from the record's status.
export function transitionButtons(name, rec, etag, after) {
  const spec = entity(name);
  const moves = (spec.transitions || []).filter((m) => m.from === rec.status);
  return moves.map((m) => h('button', {
    type: 'button', class: m.to.match(/reject|cancel|withdraw|discard|written_off|fail/) ? 'btn btn-danger' : 'btn btn-primary',
    onclick: async () => {
      const q = t('Move {what} {id} from "{from}" to "{to}"?', { what: te(name), id: rec[spec.key], from: tv(m.from), to: tv(m.to) });
      let reason;
      if (m.reason) {
        reason = await ask(q, { reason: true });
        if (!reason) return;
      } else if (!(await confirmAction(q, { yes: tm(m.to) }))) {
        return;
      }
      try {
        await api.post(`/${name}/${enc(rec[spec.key])}/transition`, reason ? { to: m.to, reason } : { to: m.to }, { etag });
        notify(t('{id} is now "{to}".', { id: rec[spec.key], to: tv(m.to) }));
        after();
      } catch (e) {
        notify(problemText(e), 'error');
        if (e.status === 412) after();
      }
    },
  }, tm(m.to)));
}

export async function detailPage(main, name, id, extra) {
  const spec = entity(name);
  const cfg = RESOURCES[name] || {};
  fill(main, loading());
  let rec, etag;
  try {
    ({ data: rec, etag } = await api.getWithEtag(`/${name}/${enc(id)}`));
  } catch (e) {
    fill(main, pageHead(`${te(name)} ${id}`), errorBox(e));
    return;
  }
  const reload = () => detailPage(main, name, id, extra);
  const body = h('div', { class: 'detail' });
  const actions = transitionButtons(name, rec, etag, reload);
  if (can(name, 'u') && !['plans'].includes(name)) {
    actions.push(h('button', { type: 'button', class: 'btn', onclick: () => {
      fill(body, recordForm({ entity: name, path: `/${name}`, record: rec, etag, inputs: cfg.inputs, onSaved: reload, onReload: reload, onCancel: reload }));
    } }, t('Edit')));
  }
  if (can(name, 'd')) {
    actions.push(h('button', { type: 'button', class: 'btn btn-danger', onclick: async () => {
      if (!(await confirmAction(t('Delete {what} {id}? This cannot be undone.', { what: te(name), id }), { yes: t('Delete'), danger: true }))) return;
      try {
        await api.del(`/${name}/${enc(id)}`, etag);
        notify(t('Deleted {id}.', { id }));
        location.hash = `#/${name}`;
      } catch (e) { notify(problemText(e), 'error'); }
    } }, t('Delete')));
  }
  fill(main, pageHead(`${te(name)} ${id}`, actions),
    rec.status ? h('p', null, statusBadge(rec.status), rec.status_reason ? ` ${rec.status_reason}` : '') : null,
    body);
  fill(body, fieldList(name, rec));
  if (cfg.coverage) {
    const cov = h('section', { 'aria-label': t('Coverage') });
    body.append(cov);
    api.get(`/${name}/${enc(id)}/coverage`).then((c) => fill(cov, h('h2', null, t('Coverage')),
      h('dl', { class: 'fields' }, ['requested', 'allocated', 'shipped', 'delivered', 'remaining'].map((k) =>
        [h('dt', null, tf(k)), h('dd', null, num(c[k]))])))).catch(() => cov.remove());
  }
  if (extra) await extra(body, rec, etag, reload);
  for (const c of cfg.children || []) {
    if (!entity(c.entity)?.actions.includes('r')) continue;
    const childSpec = entity(c.entity);
    body.append(h('section', { class: 'children' }, h('h2', null, te(c.entity)),
      dataTable({
        path: `/${c.entity}`, entity: c.entity, columns: c.columns, params: { [c.by]: rec[c.key || spec.key] },
        caption: te(c.entity), link: (r) => `#/${c.entity}/${enc(r[childSpec.key])}`, export: false,
      })));
  }
}
