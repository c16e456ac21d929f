// app.js - start-up, login, the frame around every page, and the router.
//
// Pages are addressed by the URL's fragment: #/requirements,
// #/requirements/REQ-..., #/requirements/new, #/scan.  The frame's menu
// lists only what the user's role may read (GET /schema).

import { h, fill } from './dom.js';
import { t, te, getLang, setLang, LANGS } from './i18n.js';
import * as api from './api.js';
import { SECTIONS } from './resources.js';
import { session, entity, canReport, notify, problemText, pageHead } from './ui.js';
import { listPage, newPage, detailPage } from './pages/records.js';
import { dashboard } from './pages/dashboard.js';
import { scanPage } from './pages/scan.js';
import { planDetail, planActions } from './pages/plans.js';
import { auditPage } from './pages/audit.js';
import { reportPage, REPORTS } from './pages/reports.js';
import { readinessPage, targetReadiness } from './pages/readiness.js';
import { shipmentExtra } from './pages/shipments.js';
import { sessionExtra } from './pages/training.js';

const app = document.getElementById('app');

// Pages that are not one resource, and who may open them.
const SPECIAL = {
  scan: { label: 'Scan', allowed: () => !!entity('shipments') && (session.schema.event_types || []).length > 0, page: scanPage },
  audit: { label: 'Audit trail', allowed: () => canReport('audit'), page: auditPage },
  readiness: { label: 'Readiness', allowed: () => canReport('readiness'), page: readinessPage },
};
for (const [id, r] of Object.entries(REPORTS)) {
  SPECIAL[id] = { label: r.label, allowed: () => canReport(r.permission), page: (main) => reportPage(main, id) };
}

// Extra content on one record's page.
const EXTRA = {
  shipments: shipmentExtra,
  training_sessions: sessionExtra,
  // The projection covers a nation-bound user's own nation's targets only
  // (GET /capability_targets/{id}/readiness answers 404 to a donor, who
  // reads Ukraine's targets but has none of its own).
  capability_targets: (body, rec, ...rest) =>
    (!session.user.nation || session.user.nation === rec.nation ? targetReadiness(body, rec, ...rest) : undefined),
};

function allowed(id) {
  return SPECIAL[id] ? SPECIAL[id].allowed() : !!entity(id)?.actions.includes('r');
}
const label = (id) => (SPECIAL[id] ? t(SPECIAL[id].label) : te(id));

// ---- Login. ----------------------------------------------------------------

function langSwitch() {
  const sel = h('select', { id: 'lang', onchange: () => { setLang(sel.value); render(); } },
    LANGS.map((l) => h('option', { value: l.code, selected: l.code === getLang(), lang: l.code }, l.name)));
  return h('div', { class: 'lang' }, h('label', { for: 'lang' }, t('Language')), sel);
}

function loginPage(message) {
  document.title = `${t('Log in')} · nsatu`;
  const err = h('div', { class: 'form-error', role: 'alert' }, message || '');
  const form = h('form', { class: 'login', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const s = await api.post('/sessions', { username: form.elements.username.value.trim(), password: form.elements.password.value }, { idempotent: false });
      api.setToken(s.token);
      await start();
    } catch (e) {
      err.textContent = e.status === 401 ? t('Wrong username or password.') : problemText(e);
      form.elements.password.value = '';
      form.elements.password.focus();
    } finally {
      button.disabled = false;
    }
  } },
  h('h1', null, t('nsatu')),
  h('p', { class: 'tagline' }, t('Security assistance and training for Ukraine')),
  h('div', { class: 'field' }, h('label', { for: 'username' }, t('Username')),
    h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autofocus: true })),
  h('div', { class: 'field' }, h('label', { for: 'password' }, t('Password')),
    h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
  err,
  h('button', { type: 'submit', class: 'btn btn-primary' }, t('Log in')));
  fill(app, h('main', { id: 'main', class: 'login-page' }, langSwitch(), form));
  form.elements.username.focus();
}

// ---- The frame. ------------------------------------------------------------

function nav() {
  const route = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return h('nav', { 'aria-label': t('Main menu'), id: 'menu' },
    h('ul', null,
      h('li', null, h('a', { href: '#/', 'aria-current': route === '' ? 'page' : null }, t('Home'))),
      SECTIONS.map((s) => {
        const items = s.items.filter(allowed);
        if (!items.length) return null;
        return h('li', null, h('span', { class: 'section' }, t(s.label)),
          h('ul', null, items.map((id) => h('li', null,
            h('a', { href: `#/${id}`, 'aria-current': route === id ? 'page' : null }, label(id))))));
      })));
}

function frame() {
  const u = session.user;
  const who = [u.username, t(`value:${u.role}`), u.nation || u.site].filter(Boolean).join(' · ');
  const main = h('main', { id: 'main', tabindex: '-1' });
  fill(app,
    h('a', { class: 'skip', href: '#main', onclick: (ev) => { ev.preventDefault(); (main.querySelector('h1') || main).focus(); } }, t('Skip to content')),
    h('header', { class: 'top' },
      h('button', { type: 'button', class: 'menu-toggle btn', 'aria-controls': 'menu', 'aria-expanded': 'false',
        onclick: (ev) => {
          const open = document.body.classList.toggle('menu-open');
          ev.currentTarget.setAttribute('aria-expanded', String(open));
        } }, t('Menu')),
      h('a', { class: 'brand', href: '#/' }, 'nsatu'),
      h('span', { class: 'who' }, who),
      langSwitch(),
      h('button', { type: 'button', class: 'btn', onclick: logout }, t('Log out'))),
    h('div', { class: 'body' }, nav(), main));
  return main;
}

async function logout() {
  try { await api.del('/sessions/current'); } catch { /* the token may have expired */ }
  api.setToken(null);
  session.user = session.schema = null;
  location.hash = '#/';
  loginPage(t('You have logged out.'));
}

// ---- Routing. --------------------------------------------------------------

function route() {
  if (!session.user) return;
  document.body.classList.remove('menu-open');
  // "#/requirements?status=submitted": a list with its filters set.
  const [path, search] = location.hash.replace(/^#\/?/, '').split('?');
  const [name, id] = path.split('/').map(decodeURIComponent);
  const filters = Object.fromEntries(new URLSearchParams(search || ''));
  const main = frame();
  if (!name) {
    dashboard(main);
  } else if (!allowed(name)) {
    fill(main, pageHead(t('Not available')), h('p', null, t('This page does not exist, or your role may not open it.')));
  } else if (SPECIAL[name]) {
    SPECIAL[name].page(main, id);
  } else if (id === 'new') {
    newPage(main, name);
  } else if (id && name === 'plans') {
    planDetail(main, id);
  } else if (id) {
    detailPage(main, name, id, EXTRA[name]);
  } else {
    listPage(main, name, filters);
    if (name === 'plans') planActions(main);
  }
  const h1 = main.querySelector('h1');
  if (h1 && document.activeElement === document.body) h1.focus({ preventScroll: true });
}

function render() {
  document.documentElement.lang = getLang();
  if (session.user) route();
  else loginPage();
}

async function start() {
  try {
    const [user, schema] = await Promise.all([api.get('/sessions/current'), api.get('/schema')]);
    session.user = user;
    session.schema = schema;
    route();
  } catch (e) {
    api.setToken(null);
    loginPage(e.status === 401 ? t('Your session has ended. Log in again.') : problemText(e));
  }
}

api.whenExpired(() => {
  session.user = session.schema = null;
  api.setToken(null);
  loginPage(t('Your session has ended. Log in again.'));
});
window.addEventListener('hashchange', route);
window.addEventListener('unhandledrejection', (ev) => notify(problemText(ev.reason), 'error'));
setLang(getLang());
if (api.hasToken()) start();
else loginPage();
