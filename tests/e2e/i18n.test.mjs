// tests/e2e/i18n.test.mjs - the Ukrainian translation is complete.
//
// 1. Every key the UI uses (tests/e2e/i18n-keys.mjs: t('...') literals in
//    web/js, the labels translated where used, the API schema of every
//    demo role, the values only the server's answers carry) has Ukrainian
//    text in web/js/i18n/uk.js; every entity:/field:/value:/move: key has an
//    English label in en.js; no Ukrainian text drops or renames a
//    {placeholder} of its key, or is the English unchanged (but for codes
//    and acronyms: ALLOW in i18n-keys.mjs); no t() takes a template with
//    ${...} that no dictionary can hold.
// 2. In chromium: the planner logs in with Ukrainian chosen on the login
//    page, opens the home page and five lists; <html lang="uk">, and
//    i18n.js warned of no missing Ukrainian text ("i18n: no uk text").
//
// To see what is missing against a running server:
//   node tests/e2e/i18n-keys.mjs http://127.0.0.1:PORT

import assert from 'node:assert/strict';
import { codeKeys, keys, loadDicts, check } from './i18n-keys.mjs';

const SHOW = 25;   // problems listed per kind

function listing(title, items, fmt = (x) => JSON.stringify(x)) {
  if (!items.length) return null;
  const shown = items.slice(0, SHOW).map((x) => `    ${fmt(x)}`);
  if (items.length > SHOW) shown.push(`    … and ${items.length - SHOW} more`);
  return `  ${title} (${items.length}):\n${shown.join('\n')}`;
}

// The lists every role may open and the pages the browser check visits.
const LISTS = ['requirements', 'pledges', 'shipments', 'repair_orders', 'training_sessions'];

export default [
  {
    name: 'i18n: every key has Ukrainian text and every label English, placeholders kept',
    fn: async ({ api, token, users }) => {
      const schemas = [];
      for (const u of new Set(Object.values(users))) {
        schemas.push(await api('/api/v1/schema', { token: await token(u.username) }));
      }
      const code = codeKeys();
      const used = keys({ schemas, code });
      const { en, uk } = await loadDicts();
      const r = check({ used, en, uk });
      const where = (k) => (code.keys.get(k) ? `  (${code.keys.get(k)[0]})` : '');
      const problems = [
        listing('keys without Ukrainian text in web/js/i18n/uk.js', r.missingUk, (k) => JSON.stringify(k) + where(k)),
        listing('labels without English text in web/js/i18n/en.js', r.missingEn),
        listing('Ukrainian text that drops or renames a {placeholder}', r.placeholders,
          ([k, e, v]) => `${JSON.stringify(k)}: ${JSON.stringify(e)} -> ${JSON.stringify(v)}`),
        listing('Ukrainian text equal to the English (not a code or acronym)', r.same, ([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`),
        listing('t() of a template with ${...}: no dictionary can hold its key', code.templates, (x) => `${x.where}: ${x.text}`),
      ].filter(Boolean);
      if (r.unused.length) console.log(`# i18n: ${r.unused.length} key(s) of uk.js no longer used: ${r.unused.slice(0, 10).map((k) => JSON.stringify(k)).join(', ')}${r.unused.length > 10 ? ', …' : ''}`);
      assert.ok(used.size > 500, `only ${used.size} keys found: the extraction is broken`);
      assert.ok(!problems.length, `the translation is incomplete (${used.size} keys used):\n${problems.join('\n')}\n  (node tests/e2e/i18n-keys.mjs BASE_URL lists it all)`);
    },
  },
  {
    name: 'i18n: the planner in Ukrainian sees no missing-text warnings (home and five lists)',
    fn: async ({ page, base, users }) => {
      const { uk } = await loadDicts();
      const warnings = [];
      page.on('console', (m) => {
        if (m.text().includes('i18n: no uk text')) warnings.push(`${m.text()} (${page.url().replace(base, '')})`);
      });

      await page.goto(base + '/');
      await page.locator('#lang').selectOption('uk');   // the "Language" select of the login page
      await page.locator('form.login button[type=submit]', { hasText: uk['Log in'] }).waitFor();
      await page.locator('#username').fill(users.planner.username);
      await page.locator('#password').fill(users.planner.password);
      await page.locator('form.login button[type=submit]').click();
      await page.getByRole('navigation').first().waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'uk', '<html lang> after choosing Ukrainian');
      await page.getByRole('link', { name: uk.Home, exact: true }).waitFor();

      // The home page: every card has loaded (or shown its problem).
      await page.locator('.dash-card').first().waitFor();
      await page.waitForFunction(() => !document.querySelector('.dash-body[aria-busy="true"]'), null, { timeout: 30000 });

      for (const name of LISTS) {
        await page.goto(`${base}/#/${name}`);
        await page.locator('main h1', { hasText: uk[`entity:${name}`] }).waitFor();
        await page.locator('main .datatable table, main .datatable .problem').first().waitFor();
      }
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'uk', '<html lang> at the end');
      assert.deepEqual(warnings, [], `i18n.js warned of missing Ukrainian text:\n  ${warnings.join('\n  ')}`);
    },
  },
];
