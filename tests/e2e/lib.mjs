// tests/e2e/lib.mjs - what browser tests share: the demo logins, the base
// URL of the server under test, and the helpers login, api, token, shot.
//
// run.mjs sets state.base once the server answers; the helpers read it.
// Tests get these through their argument ({page, base, login, api, ...}) and
// may also import them from here (ES modules are loaded once, so it is the
// same state).

import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const OUT = fileURLToPath(new URL('../out/e2e/', import.meta.url));

export const state = { base: null };

// The demo database's logins (build/nsatu demo), by username.
export const users = {
  admin: { username: 'admin', password: 'demo-admin-2026', role: 'admin' },
  planner: { username: 'planner', password: 'demo-planner-2026', role: 'planner' },
  liaison: { username: 'liaison.deu', password: 'demo-liaison-2026', role: 'donor_liaison', nation: 'DEU' },
  officer: { username: 'officer.ukr', password: 'demo-officer-2026', role: 'recipient_officer', nation: 'UKR' },
  node: { username: 'node.rze', password: 'demo-node-2026', role: 'node_operator', site: 'LN-RZE' },
  facility: { username: 'facility.grf', password: 'demo-facility-2026', role: 'facility_operator', site: 'TF-GRF' },
  auditor: { username: 'auditor', password: 'demo-auditor-2026', role: 'auditor' },
};
for (const u of Object.values(users)) users[u.username] = u;

export const VIEWPORT = { width: 1280, height: 800 };
export const TABLET = { width: 820, height: 1180 };

function password(username, given) {
  if (given !== undefined) return given;
  const u = users[username];
  if (!u) throw new Error(`no demo password for "${username}"; pass one`);
  return u.password;
}

// login(page, username, password?): the UI's login form, then the navigation.
// The password defaults to the demo user's.
export async function login(page, username, pw) {
  await page.goto(state.base + '/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password(username, pw));
  await page.getByRole('button', { name: 'Log in' }).click();
  // Attached, not visible: on a narrow screen the menu is folded away.
  await page.getByRole('navigation', { includeHidden: true }).first().waitFor({ state: 'attached' });
}

export class ApiError extends Error {
  constructor(method, path, status, body) {
    super(`${method} ${path}: HTTP ${status} ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
  }
}

// api(path, {token, method, body, raw}): a direct call to the server, for
// setting up data.  path is "/api/v1/..." (or just "requirements", made
// "/api/v1/requirements").  The body is sent as JSON.  Returns the parsed
// JSON (null for an empty body); throws ApiError on a status >= 400 unless
// raw is true, when it returns {status, headers, body} whatever the status.
export async function api(path, { token, method, body, raw = false, headers = {} } = {}) {
  if (!path.startsWith('/')) path = '/api/v1/' + path;
  method = method || (body === undefined ? 'GET' : 'POST');
  const h = { Accept: 'application/json', ...headers };
  if (token) h.Authorization = 'Bearer ' + token;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const res = await fetch(state.base + path, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30000),
  });
  const text = await res.text();
  let parsed = text;
  if (text && (res.headers.get('content-type') || '').includes('json')) {
    try { parsed = JSON.parse(text); } catch { /* keep the text */ }
  }
  if (!text) parsed = null;
  if (raw) return { status: res.status, headers: res.headers, body: parsed };
  if (res.status >= 400) throw new ApiError(method, path, res.status, parsed);
  return parsed;
}

// token(username, password?): a bearer token for a (demo) user, cached.
const tokens = new Map();
export async function token(username, pw) {
  const key = username + '\0' + (pw ?? '');
  if (!tokens.has(key)) {
    const r = await api('/api/v1/sessions', { body: { username, password: password(username, pw) } });
    tokens.set(key, r.token);
  }
  return tokens.get(key);
}
export function forgetTokens() { tokens.clear(); }

export function fileName(name) {
  return String(name).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 120) || 'unnamed';
}

// shot(page, name): a full-page PNG at tests/out/e2e/NAME.png; returns the path.
export async function shot(page, name) {
  mkdirSync(OUT, { recursive: true });
  const path = OUT + fileName(name) + '.png';
  await page.screenshot({ path, fullPage: true });
  return path;
}

// Thrown by skip(reason): the test is reported "ok N - name # SKIP reason".
export class Skip extends Error {}
export function skip(reason) { throw new Skip(reason); }

// ---- Helpers of the workflow tests ----------------------------------------

// A short unique suffix for what a test creates (service numbers, titles).
let seq = 0;
export function uid() {
  return Date.now().toString(36).toUpperCase() + (++seq).toString(36).toUpperCase()
    + Math.floor(Math.random() * 36 ** 3).toString(36).toUpperCase();
}

// YYYY-MM-DD, @days from today (UTC).
export function day(days = 0) {
  return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

// settle(page): waits until the page has had no fetch/XHR in flight for
// @quiet ms (the UI's pages load their data after the hash changes, which
// Playwright's "networkidle" does not see).  The first call starts counting;
// call watchNetwork(page) before the navigation to count from there.
const inflight = new WeakMap();
export function watchNetwork(page) {
  if (inflight.has(page)) return inflight.get(page);
  const st = { n: 0, last: Date.now() };
  const busy = (r) => ['fetch', 'xhr', 'document', 'script'].includes(r.resourceType());
  page.on('request', (r) => { if (busy(r)) { st.n++; st.last = Date.now(); } });
  const done = (r) => { if (busy(r)) { st.n = Math.max(0, st.n - 1); st.last = Date.now(); } };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  inflight.set(page, st);
  return st;
}
export async function settle(page, { quiet = 200, timeout = 15000 } = {}) {
  const st = watchNetwork(page);
  const deadline = Date.now() + timeout;
  for (;;) {
    if (st.n === 0 && Date.now() - st.last >= quiet) return;
    if (Date.now() > deadline) throw new Error(`settle: ${st.n} request(s) still in flight after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// go(page, hash): the UI's router, by the URL's fragment ('#/pledges').
// Resolves once the app's hashchange listener has run (it starts the page's
// requests at once), then waits for them to settle.
export async function go(page, hash, opts) {
  watchNetwork(page);
  await page.evaluate((h) => new Promise((resolve) => {
    if (location.hash === h) { resolve(); return; }
    window.addEventListener('hashchange', () => setTimeout(resolve, 0), { once: true });
    location.hash = h;
  }), hash);
  await settle(page, opts);
}

// confirm(page, verb): the <dialog> a move opens; clicks its button @verb.
export async function confirm(page, verb) {
  const dlg = page.getByRole('dialog');
  await dlg.waitFor();
  await dlg.getByRole('button', { name: verb, exact: true }).click();
  await dlg.waitFor({ state: 'detached' });
}

// The status badge of a record's page (<p><span class="badge">).
export function statusOf(page) {
  return page.locator('main .page-head + p .badge').first();
}

// waitText(locator, text): until the locator's text is (or matches) @text.
export async function waitText(locator, text, timeout = 15000) {
  const want = (s) => (text instanceof RegExp ? text.test(s) : s.trim() === text);
  const deadline = Date.now() + timeout;
  let last = null;
  for (;;) {
    try { last = await locator.textContent({ timeout: 1000 }); } catch { last = null; }
    if (last !== null && want(last)) return last;
    if (Date.now() > deadline) throw new Error(`waitText: wanted ${text}, have ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// A custody event through the API, as @username.
export async function postEvent(username, type, site, shipment, { at, ...extra } = {}) {
  return api('events', {
    token: await token(username),
    body: { id: crypto.randomUUID(), type, at: at || new Date().toISOString(), site, shipment, ...extra },
  });
}

// A validated requirement of Ukraine, a DEU pledge for it and the allocation
// between them (as planner), all of @quantity of @item.
export async function makeAllocation({ item = 'MED-IFAK', quantity = 20, destination = 'UA-UNIT-W', nation = 'DEU' } = {}) {
  const tk = await token('planner');
  const req = await api('requirements', { token: tk, body: {
    nation: 'UKR', item, quantity, priority: 'P3', needed_by: day(300), destination,
    justification: 'e2e test',
  } });
  await api(`requirements/${req.id}/transition`, { token: tk, body: { to: 'submitted' } });
  await api(`requirements/${req.id}/transition`, { token: tk, body: { to: 'validated' } });
  const origin = `DEP-${nation}`;
  const pledge = await api('pledges', { token: tk, body: {
    nation, kind: 'materiel', pledged_on: day(-30), item, quantity, condition: 'new', origin,
  } });
  const alloc = await api('allocations', { token: tk, body: { pledge: pledge.id, requirement: req.id, quantity } });
  return { requirement: req.id, pledge: pledge.id, allocation: alloc.id, item, quantity, origin };
}

// A DEU delivery DEP-DEU > LN-RZE > HP-MED > UA-UNIT-W with one line, made
// by the planner; dispatched at the depot @minutesAgo minutes ago when
// @dispatch.  Returns {id, line, ...allocation}.
export async function makeShipment({ item = 'MED-IFAK', quantity = 20, dispatch = true, minutesAgo = 30 } = {}) {
  const tk = await token('planner');
  const a = await makeAllocation({ item, quantity });
  const shp = await api('shipments', { token: tk, body: {
    nation: 'DEU', purpose: 'delivery', origin: 'DEP-DEU', handover_point: 'HP-MED',
    destination: 'UA-UNIT-W', planned_departure: day(-1), planned_arrival: day(5), notes: 'e2e test',
  } });
  for (const [to_site, mode] of [['LN-RZE', 'rail'], ['HP-MED', 'road'], ['UA-UNIT-W', 'road']]) {
    await api('shipment_legs', { token: tk, body: { shipment: shp.id, to_site, mode } });
  }
  const line = await api('shipment_lines', { token: tk, body: { shipment: shp.id, allocation: a.allocation, item, quantity } });
  if (dispatch) {
    await postEvent('planner', 'dispatched', 'DEP-DEU', shp.id, { at: new Date(Date.now() - minutesAgo * 60000).toISOString() });
  }
  return { ...a, id: shp.id, line: line.id };
}

// field(scope, label): a form control by its label's text, which for a
// required field ends in a " *" marker (aria-hidden: not part of its
// accessible name, but part of the label's text that getByLabel reads).
export function field(scope, label) {
  const esc = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return scope.getByLabel(new RegExp(`^${esc}\\s*\\*?$`));
}
