// ui.js - what every page shares: who is logged in and what they may do,
// messages, confirmation, and problems shown in words.

import { h, fill } from './dom.js';
import { t, when } from './i18n.js';

// Filled at login from GET /sessions/current and GET /schema.
export const session = { user: null, schema: null };

export function entity(name) { return session.schema?.entities?.[name] || null; }
export function can(name, action) { return (entity(name)?.actions || '').includes(action); }
export function canReport(name) { return (session.schema?.reports?.[name] || '').includes('r'); }
export function mayRecord(type) { return (session.schema?.event_types || []).includes(type); }

// A message read out by screen readers and shown for a few seconds.
export function notify(text, kind = 'ok') {
  const box = document.getElementById('toasts');
  const el = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  box.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 9000 : 4000);
}

// Ask in a modal dialog.  With @reason the user must also say why (a move
// that needs a reason): resolves the reason, else true; null when the user
// cancels (Cancel, Escape).
export function ask(question, { yes = t('Confirm'), danger = false, reason = false } = {}) {
  return new Promise((resolve) => {
    const area = reason ? h('textarea', { id: 'reason-text', rows: 3, required: true, maxlength: 1000 }) : null;
    const dlg = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-q' },
      h('form', { method: 'dialog' },
        h('p', { id: 'confirm-q' }, question),
        area ? [h('label', { for: 'reason-text' }, t('Reason')), area] : null,
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'btn', onclick: () => dlg.close('no') }, t('Cancel')),
          h('button', { type: 'submit', class: danger ? 'btn btn-danger' : 'btn btn-primary', value: 'yes' }, yes))));
    dlg.addEventListener('close', () => {
      dlg.remove();
      if (dlg.returnValue !== 'yes') resolve(null);
      else resolve(area ? area.value.trim() || null : true);
    });
    document.body.append(dlg);
    dlg.showModal();
  });
}

// Ask before anything that cannot be undone.  Resolves true or false.
export async function confirmAction(question, opts) {
  return (await ask(question, opts)) === true;
}

// A problem from the API as one sentence in the user's language.
export function problemText(err) {
  const p = err?.problem || {};
  switch (err?.status) {
    case 0: return t('The server cannot be reached. Check the connection and try again.');
    case 401: return t('Your session has ended. Log in again.');
    case 403: return t('Your role may not do this.');
    case 404: return t('Not found, or not visible to you.');
    case 412:
      return p.changed_by
        ? t('Changed by {who} at {at} since you opened it — reload to see the change.',
          { who: p.changed_by, at: when(p.changed_at) })
        : t('Someone changed this record since you opened it — reload to see the change.');
    case 429: return t('Too many attempts. Wait a moment and try again.');
    default:
      if (err?.status >= 500) return t('The server failed. Try again; if it persists, tell the administrator.');
      return p.detail || err?.message || t('Something went wrong.');
  }
}

export function errorBox(err, { onReload } = {}) {
  return h('div', { class: 'problem', role: 'alert' },
    h('p', null, problemText(err)),
    err?.status === 412 && onReload
      ? h('button', { type: 'button', class: 'btn', onclick: onReload }, t('Reload')) : null);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('Loading…'));
}

// The heading of a page, with its actions on the right.
export function pageHead(title, ...actions) {
  document.title = `${title} · nsatu`;
  const h1 = h('h1', { tabindex: '-1' }, title);
  // A page drawn once its data came (or drawn again) takes the focus that
  // the page it replaced let fall to <body>.
  queueMicrotask(() => { if (h1.isConnected && document.activeElement === document.body) h1.focus({ preventScroll: true }); });
  return h('header', { class: 'page-head' }, h1,
    h('div', { class: 'actions' }, actions));
}

// Run @work, showing its problem in @where if it fails.
export async function guard(where, work) {
  try {
    return await work();
  } catch (e) {
    if (where) fill(where, errorBox(e));
    else notify(problemText(e), 'error');
    return undefined;
  }
}

export function statusBadge(value) {
  return value ? h('span', { class: `badge badge-${value}` }, t(`value:${value}`)) : '';
}
