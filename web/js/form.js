// form.js - a form for any record, built from the API's field specs
// (GET /schema), so the rules shown are the rules enforced.  The API's
// field errors appear beside their fields; a conflicting edit (412) says
// who changed the record and when, and offers to reload.

import { h, newId } from './dom.js';
import { t, tf, tv } from './i18n.js';
import * as api from './api.js';
import { entity, notify, problemText } from './ui.js';

const refCache = new Map();

// Keys (and names) of a referenced resource, for the field's suggestions.
async function refOptions(ref) {
  if (!refCache.has(ref)) {
    const spec = entity(ref);
    refCache.set(ref, spec && spec.actions.includes('r')
      ? api.get(`/${ref}`, { limit: 500 }).then((p) => p.items.map((r) => ({
        key: r[spec.key], name: r.name || r.title || '',
      }))).catch(() => [])
      : Promise.resolve([]));
  }
  return refCache.get(ref);
}

function control(f, value, id, describedBy) {
  const common = { id, name: f.name, 'aria-describedby': describedBy, required: f.required && !f.nullable ? true : null };
  if (f.type === 'enum') {
    return h('select', common,
      !f.required || f.nullable ? h('option', { value: '' }, '—') : null,
      f.choices.map((c) => h('option', { value: c, selected: c === value }, tv(c))));
  }
  if (f.type === 'boolean') return h('input', { ...common, type: 'checkbox', checked: !!value, required: null });
  if (f.type === 'date') return h('input', { ...common, type: 'date', value: value || '' });
  if (f.type === 'integer' || f.type === 'number') {
    return h('input', { ...common, type: 'number', inputmode: 'decimal', step: f.type === 'integer' ? '1' : 'any',
      min: f.min ?? null, max: f.max ?? null, value: value ?? '' });
  }
  if (f.secret) return h('input', { ...common, type: 'password', autocomplete: 'new-password', maxlength: f.max ?? null });
  if (f.max > 200) return h('textarea', { ...common, rows: 3, maxlength: f.max, value: value ?? '' });
  const input = h('input', { ...common, type: 'text', maxlength: f.max ?? null, value: value ?? '', autocomplete: 'off' });
  if (f.ref) {
    const listId = `${id}-list`;
    input.setAttribute('list', listId);
    const dl = h('datalist', { id: listId });
    refOptions(f.ref).then((opts) => dl.append(...opts.map((o) => h('option', { value: o.key }, o.name))));
    return [input, dl];
  }
  return input;
}

function readValue(f, el) {
  if (f.type === 'boolean') return el.checked;
  const raw = el.value.trim();
  if (raw === '') return null;
  if (f.type === 'integer' || f.type === 'number') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;   // the API names the fault
  }
  return raw;
}

/*
 * opts: entity, path ('/pledges'), record (to edit) and etag, fields (names
 * to offer; default every writable one), inputs (write-only members:
 * {name, required, update, secret, max}), fixed (values set without a field),
 * submit (button text), onSaved(record).
 */
export function recordForm(opts) {
  const spec = entity(opts.entity);
  const editing = !!opts.record;
  const writable = spec.fields.filter((f) => !f.readonly && !(editing && f.key) && f.name !== 'version');
  const fields = opts.fields ? opts.fields.map((n) => writable.find((f) => f.name === n)).filter(Boolean) : writable;
  // Inputs that are not stored fields (a user's password, a trainee's
  // service number): sent, never shown back.
  for (const i of opts.inputs || []) {
    if (editing && !i.update) continue;
    fields.push({ name: i.name, type: 'string', secret: i.secret, writeOnly: true, max: i.max,
      required: !editing && i.required, nullable: editing || !i.required });
  }
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const rows = new Map();
  const form = h('form', { class: 'record-form', novalidate: true, onsubmit: submit });

  for (const f of fields) {
    const id = newId(`in-${f.name}`);
    const errId = `${id}-err`;
    const err = h('p', { class: 'field-error', id: errId });
    const value = editing ? opts.record[f.name] : opts.defaults?.[f.name];
    const ctl = control(f, value, id, errId);
    const req = h('span', { class: 'req', 'aria-hidden': 'true', hidden: !(f.required && !editing) }, ' *');
    const label = h('label', { for: id }, tf(f.name), req);
    const row = h('div', { class: `field field-${f.type}` }, label, ctl, err);
    rows.set(f.name, { f, row, err, req, el: Array.isArray(ctl) ? ctl[0] : ctl });
    form.append(row);
  }
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, opts.submit || (editing ? t('Save changes') : t('Create')));
  form.append(formError, h('div', { class: 'actions' }, button,
    opts.onCancel ? h('button', { type: 'button', class: 'btn', onclick: opts.onCancel }, t('Cancel')) : null));

  // Records of several kinds (a pledge's kind): only the chosen kind's own
  // fields are offered, with the ones it needs marked (GET /schema variants).
  const variants = spec.variants;
  function applyKind() {
    const kinds = variants.kinds;
    const kind = rows.get(variants.by)?.el.value ?? opts.record?.[variants.by];
    const mine = kinds[kind] || { fields: [], required: [] };
    const owned = new Set(Object.values(kinds).flatMap((k) => k.fields));
    for (const [name, r] of rows) {
      if (!owned.has(name)) continue;
      r.row.hidden = !mine.fields.includes(name);
      r.req.hidden = editing || !mine.required.includes(name);
    }
  }
  if (variants) {
    rows.get(variants.by)?.el.addEventListener('change', applyKind);
    applyKind();
  }

  function clear() {
    formError.replaceChildren();
    for (const { err, el } of rows.values()) { err.textContent = ''; el.removeAttribute('aria-invalid'); }
  }

  function show(e) {
    let first = null;
    const loose = [];
    for (const { field, reason } of e.fieldErrors) {
      const top = String(field || '').split(/[.[]/)[0];
      const r = rows.get(top);
      if (r) {
        r.err.textContent = reason;
        r.el.setAttribute('aria-invalid', 'true');
        first = first || r.el;
      } else {
        loose.push(field ? `${tf(field)}: ${reason}` : reason);
      }
    }
    if (!e.fieldErrors.length || loose.length) {
      formError.append(h('p', null, loose.length ? loose.join('; ') : problemText(e)));
      if (e.status === 412 && opts.onReload) formError.append(h('button', { type: 'button', class: 'btn', onclick: opts.onReload }, t('Reload')));
    }
    if (first) {
      first.focus();
    } else {
      formError.setAttribute('tabindex', '-1');
      formError.focus();
    }
  }

  async function submit(ev) {
    ev.preventDefault();
    clear();
    const body = { ...(opts.fixed || {}) };
    for (const [name, { f, el, row }] of rows) {
      if (row.hidden) continue;   // another kind's field
      const v = readValue(f, el);
      if (editing) {
        const before = f.writeOnly ? null : opts.record[name] ?? null;
        if (v !== before && !(v === null && before === null)) body[name] = v;
      } else if (v !== null && !(f.type === 'boolean' && v === false && !f.required)) {
        body[name] = v;
      }
    }
    if (editing && !Object.keys(body).length) { notify(t('Nothing changed.')); return; }
    button.disabled = true;
    try {
      const saved = editing
        ? (await api.patch(`${opts.path}/${encodeURIComponent(opts.record[spec.key])}`, body, opts.etag)).data
        : await api.post(opts.path, body);
      notify(editing ? t('Saved.') : t('Created {id}.', { id: saved?.[spec.key] ?? '' }));
      opts.onSaved?.(saved);
    } catch (e) {
      show(e);
    } finally {
      button.disabled = false;
    }
  }
  return form;
}
