// tests/e2e/scope.test.mjs - no page shows a nation- or site-bound user
// another nation's or site's records.
//
// Each test logs in as one scoped user, opens every entry of the menu and
// the record linked from the first row of every list, and checks every JSON
// answer of /api/v1 the pages read against the scope rule below.

import assert from 'node:assert/strict';

// The scope rule, as src/core/*.c declare it (each entity's scope fields and
// the roles they bind: struct espec's scope_nation, scope_site and
// scoped_roles) and src/svc/scope.c applies it: a nation-bound role
// (donor_liaison, recipient_officer) sees only records whose nation field is
// its nation, a site-bound role (node_operator, facility_operator) only
// those whose site field is its site.  `roles` absent: every bound role.
// An entity that is not bound for a role is read in full by it (e.g. a
// recipient officer reads every nation's shipments; a donor every
// requirement of Ukraine).
const SCOPE = {
  users: { nation: 'nation', site: 'site' },
  requirements: { nation: 'nation', roles: ['recipient_officer'] },
  pledges: { nation: 'nation', roles: ['donor_liaison'] },
  proposal_positions: { nation: 'nation', roles: ['donor_liaison'] },
  shipments: { nation: 'nation', roles: ['donor_liaison'] },
  shipment_legs: { nation: 'nation', roles: ['donor_liaison'] },
  shipment_lines: { nation: 'nation', roles: ['donor_liaison'] },
  events: { nation: 'nation', site: 'site', roles: ['donor_liaison', 'node_operator'] },
  assets: { nation: 'nation', site: 'location', roles: ['donor_liaison', 'node_operator'] },
  repair_capacities: { site: 'facility', roles: ['facility_operator'] },
  repair_orders: { nation: 'nation', site: 'facility', roles: ['recipient_officer', 'facility_operator'] },
  training_sessions: { site: 'facility', roles: ['facility_operator'] },
  trainees: { nation: 'nation', roles: ['recipient_officer'] },
  enrolments: { nation: 'nation', site: 'facility', roles: ['recipient_officer', 'facility_operator'] },
  capability_targets: { nation: 'nation', roles: ['recipient_officer'] },
  capability_needs: { nation: 'nation', roles: ['recipient_officer'] },
};
// Ukraine's own records: every one of them is Ukraine's, whoever reads it.
const UKRAINES = ['requirements', 'trainees', 'enrolments', 'capability_targets', 'capability_needs'];

// The problems of one record of @res read by @user, as strings.
function check(user, res, rec, where) {
  const bad = [];
  const rule = SCOPE[res];
  const id = rec.id ?? rec.username ?? rec.code ?? JSON.stringify(rec).slice(0, 60);
  if (rule && (!rule.roles || rule.roles.includes(user.role))) {
    if (user.nation) {
      if (!rule.nation) bad.push(`${where}: ${res} ${id}: a ${user.role} may not read ${res} at all`);
      else if (rec[rule.nation] !== user.nation) bad.push(`${where}: ${res} ${id} has ${rule.nation} ${rec[rule.nation]}, not ${user.nation}`);
    }
    if (user.site) {
      if (!rule.site) bad.push(`${where}: ${res} ${id}: a ${user.role} may not read ${res} at all`);
      else if (rec[rule.site] !== user.site) bad.push(`${where}: ${res} ${id} has ${rule.site} ${rec[rule.site]}, not ${user.site}`);
    }
  }
  if (UKRAINES.includes(res) && 'nation' in rec && rec.nation !== 'UKR') bad.push(`${where}: ${res} ${id} is of ${rec.nation}, not Ukraine's`);
  // A requirement is Ukraine's own work until it is submitted (scope.c).
  if (res === 'requirements' && user.role === 'donor_liaison' && rec.status === 'draft') bad.push(`${where}: draft requirement ${id} shown to a donor`);
  return bad;
}

// Every object with a "nation" key inside @v.
function nations(v, out = []) {
  if (Array.isArray(v)) v.forEach((x) => nations(x, out));
  else if (v && typeof v === 'object') {
    if (typeof v.nation === 'string') out.push(v);
    Object.values(v).forEach((x) => nations(x, out));
  }
  return out;
}

// The problems of one JSON answer to GET @path.
function checkAnswer(user, path, body, seen) {
  const [res, id, sub] = path.replace(/^\/api\/v1\//, '').split('?')[0].split('/').map(decodeURIComponent);
  if (res === 'reports') {
    // A donor's reports of its own materiel and money: its nation's rows only.
    if (user.role === 'donor_liaison' && /^(end-use|burden-sharing)$/.test(id)) {
      return nations(body).filter((o) => o.nation !== user.nation)
        .map((o) => `${path}: a row of ${o.nation}`);
    }
    return [];
  }
  if (!SCOPE[res] && !UKRAINES.includes(res)) return [];
  let records = [];
  if (!id && Array.isArray(body?.items)) records = body.items;
  else if (id && !sub && body && typeof body === 'object') records = [body];
  seen[res] = (seen[res] || 0) + records.length;
  return records.flatMap((r) => check(user, res, r, path));
}

// Opens every menu entry and the first record of every list as @username.
async function visitAll({ page, login, users, settle, go, watchNetwork }, username) {
  const user = users[username];
  const problems = [];
  const pending = [];
  const seen = {};
  let schema = null;
  watchNetwork(page);
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (!url.pathname.startsWith('/api/v1/') || r.request().method() !== 'GET' || r.status() !== 200) return;
    if (!(r.headers()['content-type'] || '').includes('json')) return;
    const path = url.pathname + url.search;
    pending.push(r.json().then((body) => {
      if (url.pathname === '/api/v1/schema') schema = body;
      problems.push(...checkAnswer(user, path, body, seen));
    }, (e) => problems.push(`${path}: unreadable answer (${e.message})`)));
  });

  await login(page, username);
  await settle(page);
  const hrefs = await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.length > 5, `the menu lists pages: ${hrefs}`);
  const visited = [];
  for (const href of hrefs) {
    await go(page, href, { quiet: 80 });
    await page.locator('main h1').first().waitFor();
    visited.push(href);
    const first = page.locator('main .datatable tbody tr').first().locator('th a').first();
    if (await first.count()) {
      const rec = await first.getAttribute('href');
      await go(page, rec, { quiet: 80 });
      await page.locator('main h1').first().waitFor();
      visited.push(rec);
    }
  }
  await settle(page);
  await Promise.all(pending);

  // The rule above matches what the server declares of each entity.
  assert.ok(schema, 'the UI read /schema');
  for (const [name, e] of Object.entries(schema.entities)) {
    if (!e.actions.includes('r')) continue;
    const rule = SCOPE[name] || {};
    assert.equal(e.scope_nation, rule.nation || null, `${name}: scope_nation in /schema and in this test`);
    assert.equal(e.scope_site, rule.site || null, `${name}: scope_site in /schema and in this test`);
  }
  if (process.env.E2E_DEBUG) console.error(`# ${username}: visited ${visited.join(' ')}\n# read ${JSON.stringify(seen)}`);
  return { problems, seen, visited };
}

export default [
  {
    name: 'scope: liaison.deu sees no other nation\'s records on any page',
    fn: async (ctx) => {
      const { page, api, token, shot } = ctx;
      const { problems, seen, visited } = await visitAll(ctx, 'liaison.deu');
      assert.deepEqual(problems, [], `records out of scope:\n${problems.slice(0, 30).join('\n')}`);
      for (const res of ['pledges', 'shipments', 'events', 'assets', 'users', 'requirements'])
        assert.ok(seen[res] > 0, `no ${res} were read (visited ${visited.join(' ')})`);

      // The pledges list names no other donor.
      await ctx.go(page, '#/pledges');
      const table = page.getByRole('region', { name: 'Pledges' });
      await table.locator('tbody tr').first().waitFor();
      await ctx.settle(page);
      const others = (await api('nations?limit=500', { token: await token('liaison.deu') })).items
        .map((n) => n.iso3).filter((c) => c !== 'DEU');
      const text = await table.locator('table').innerText();
      const found = others.filter((c) => new RegExp(`\\b${c}\\b`).test(text));
      assert.deepEqual(found, [], 'other nations\' codes in the pledges list');
      assert.match(text, /\bDEU\b/);
      await shot(page, 'scope-liaison-pledges');
    },
  },
  {
    name: 'scope: officer.ukr sees only Ukraine\'s records where they are scoped',
    fn: async (ctx) => {
      const { problems, seen, visited } = await visitAll(ctx, 'officer.ukr');
      assert.deepEqual(problems, [], `records out of scope:\n${problems.slice(0, 30).join('\n')}`);
      for (const res of ['requirements', 'trainees', 'enrolments', 'users'])
        assert.ok(seen[res] > 0, `no ${res} were read (visited ${visited.join(' ')})`);
      await ctx.shot(ctx.page, 'scope-officer-last');
    },
  },
  {
    name: 'scope: node.rze sees only LN-RZE\'s events, assets and users',
    fn: async (ctx) => {
      const { problems, seen, visited } = await visitAll(ctx, 'node.rze');
      assert.deepEqual(problems, [], `records out of scope:\n${problems.slice(0, 30).join('\n')}`);
      for (const res of ['events', 'users', 'shipments'])
        assert.ok(seen[res] > 0, `no ${res} were read (visited ${visited.join(' ')})`);
      await ctx.shot(ctx.page, 'scope-node-last');
    },
  },
];
