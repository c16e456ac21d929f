// tests/e2e/a11y.test.mjs - the UI is accessible: axe-core's WCAG 2.1 A and
// AA rules on every page each demo role can reach, at a desktop and a tablet
// size and in the states pages reach by use; one form used with the
// keyboard alone; and every control's focus indicator.
//
// 1. Every role (3 at a time, each logged in once on its own page): the
//    login page (before logging in), home, every page of the main menu, the
//    first record of every list, one "New" form (where the role may create)
//    and the scan page.  A page whose structure (tags, attributes, which
//    nodes hold text; see structure()) was already checked, for this role or
//    another, is visited but not checked again.  After every page change the
//    focus must be on something (main's h1), not on <body>.
// 2. 820x1180 (planner): home, a list, a record, the open menu.
// 3. States: the move dialogs, a refused form, each report tab, a scanned
//    shipment, an opened audit record.
// 4. The keyboard alone (officer.ukr): log in, menu, skip link, New
//    requirement, every field, a refused and an accepted submission; after
//    every key the focus shows (outline or box shadow, 3:1 against the
//    background, WCAG 1.4.11) and after a page change it is on main's h1.
// 5. Every element reachable with Tab on one page of each kind (admin)
//    shows its focus at 3:1.
//
// A violation of impact "serious" or "critical" fails a test (page, rule,
// selectors); "moderate" and "minor" ones are printed as # notes.  axe-core
// comes from web/node_modules (a devDependency).  It is injected as an
// inline script, which the page's Content-Security-Policy (script-src
// 'self') refuses: the contexts that run it bypass CSP (bypassCSP: true),
// and only those.
//
//   node tests/e2e/run.mjs a11y

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { users, settle, watchNetwork, go, day } from './lib.mjs';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const AXE = require.resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const FAIL = new Set(['serious', 'critical']);
const ROLES = ['admin', 'planner', 'auditor', 'officer.ukr', 'liaison.deu', 'facility.grf', 'node.rze'];

const note = (s) => console.log('# ' + String(s).replace(/\n/g, '\n# '));

// axe.run on the page as it is now: [{id, impact, help, nodes: [{target, impact}]}].
// @whole: the whole document; else only what a route changes (main, and
// the messages), as the frame around it (header, menu) is the same on every
// page and was checked on the first.
async function axe(page, whole = true) {
  const run = () => page.evaluate(async ([tags, all]) => {
    if (!window.axe) return null;   // not in this document yet
    const context = all ? document : { include: [['main'], ['#toasts']] };
    const r = await window.axe.run(context, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), impact: n.impact, summary: n.failureSummary })),
    }));
  }, [TAGS, whole]);
  const found = await run();
  if (found) return found;
  await page.addScriptTag({ path: AXE });
  return run();
}

// In the page: the structure of @root as a short hash, for checking each
// structure once: tags, attributes (numbers and record keys masked; not
// links, values or SVG geometry), which nodes hold text (not what text), and
// runs of siblings of one structure (table rows, list items) as one.  Two
// pages alike in all of this meet axe's rules alike.
function structure(root) {
  const SKIP = new Set(['href', 'value', 'd', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'cx', 'cy', 'r', 'width', 'height', 'viewBox', 'transform', 'points', 'style']);
  const mask = (v) => v.replace(/[0-9A-Z]{12,}/g, '*').replace(/[0-9]+/g, '#');
  const walk = (el) => {
    let s = el.tagName;
    for (const a of el.attributes) if (!SKIP.has(a.name)) s += ` ${a.name}=${mask(a.value)}`;
    const kids = [];
    for (const c of el.childNodes) {
      const k = c.nodeType === 1 ? walk(c) : c.nodeType === 3 && c.textContent.trim() ? '"' : null;
      if (k && k !== kids[kids.length - 1]) kids.push(k);
    }
    return `${s}(${kids.join(',')})`;
  };
  const text = walk(root);
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return `${text.length}:${h.toString(36)}`;
}

// What the checks found, over a test: serious/critical to fail, the rest to print.
function findings() {
  const bad = [];
  const soft = new Map();   // "rule impact" -> Set of pages
  return {
    bad,
    ms: 0,
    pages: 0,
    seen: new Set(),   // structures checked
    add(where, violations) {
      for (const v of violations) {
        for (const n of v.nodes) {
          const impact = n.impact || v.impact;
          if (FAIL.has(impact)) bad.push(`${where}: ${v.id} (${impact}) ${n.target} - ${v.help}`);
          else {
            const k = `${v.id} (${impact}): ${v.help}`;
            if (!soft.has(k)) soft.set(k, new Set());
            soft.get(k).add(where);
          }
        }
      }
    },
    done(label) {
      for (const [k, pages] of soft) note(`${label} ${k} - on ${[...pages].slice(0, 6).join(', ')}${pages.size > 6 ? ` and ${pages.size - 6} more` : ''}`);
      assert.equal(bad.length, 0, `${bad.length} serious or critical accessibility violation(s) or focus lost:\n  ${bad.slice(0, 40).join('\n  ')}${bad.length > 40 ? `\n  and ${bad.length - 40} more` : ''}`);
    },
  };
}

// The page after a route change: the router ran, no request is in flight
// (for 50 ms), and nothing shows "Loading…".
async function ready(page) {
  await settle(page, { quiet: 50 });
  await page.waitForFunction(() => !document.querySelector('main [aria-busy="true"], main .loading'), null, { timeout: 15000 });
}

// Go to @hash through the router and wait until the page is drawn.
async function visit(page, hash) {
  await go(page, hash, { quiet: 50 });
  await ready(page);
}

// One role: the login page, log in, home, the menu's pages, the first record
// of each list, one New form and the scan page.  Returns the pages visited.
async function auditRole(page, username, f) {
  const u = users[username];
  const check = async (where, whole = false) => {
    const t0 = Date.now();
    // A page of a structure already checked (by this role or another) is not checked again.
    const [shape, focus] = await page.evaluate(`[(${structure})(document.${whole ? 'body' : 'querySelector("main")'}),
      document.activeElement === document.body ? null : document.activeElement?.tagName]`);
    // Every page change leaves the focus on something (main's h1), never on <body>.
    if (!focus) f.bad.push(`${username} ${where}: the focus is lost to <body>`);
    // Nothing widens the page beyond the window (WCAG 1.4.10, reflow); wide
    // tables scroll inside their own box.
    const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    if (sw > cw + 1) f.bad.push(`${username} ${where}: the page is ${sw} px wide in a ${cw} px window`);
    const fp = `${whole}:${shape}`;
    f.pages++;
    if (f.seen.has(fp)) return;
    f.seen.add(fp);
    f.add(`${username} ${where}`, await axe(page, whole));
    f.ms += Date.now() - t0;
  };
  await page.goto('/');
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  await check('#login', true);

  // Logged in as lib.mjs login() does, on this page (it is reused from here on).
  watchNetwork(page);
  await page.getByLabel('Username').fill(u.username);
  await page.getByLabel('Password').fill(u.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Main menu', includeHidden: true }).waitFor({ state: 'attached' });
  await ready(page);
  await check('#/', true);
  let n = 2;

  const menu = await page.$$eval('nav[aria-label="Main menu"] a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(menu.length > 1, `${username}: the main menu has no pages`);
  const records = [];
  let newForm = null;
  for (const href of menu) {
    if (href === '#/') continue;
    await visit(page, href);
    await check(href);
    n++;
    const [first, create] = await page.evaluate(() => [
      document.querySelector('main .datatable tbody tr:first-child > th a')?.getAttribute('href'),
      document.querySelector('main .page-head a[href$="/new"]')?.getAttribute('href')]);
    if (first) records.push(first);
    newForm ||= create;
  }
  const more = [...records, newForm, menu.includes('#/scan') ? null : '#/scan'].filter(Boolean);
  for (const href of more) {
    await visit(page, href);
    await check(href);
    n++;
  }
  return n;
}

// Runs @fn over @items, @limit at a time.
async function pool(items, limit, fn) {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    while (queue.length) await fn(queue.shift());
  }));
}

const sweep = {
  name: 'a11y: axe (WCAG 2.1 A/AA) on every page of every demo role',
  contextOptions: { bypassCSP: true },
  fn: async ({ page, newContext }) => {
    const f = findings();
    const t0 = Date.now();
    const pages = [page];
    let total = 0;
    await pool(ROLES, 3, async (username) => {
      const p = pages.pop() || await (await newContext({ bypassCSP: true })).newPage();
      const t1 = Date.now();
      const n = await auditRole(p, username, f);
      total += n;
      note(`${username}: ${n} pages in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    });
    note(`${total} pages of ${ROLES.length} roles, ${f.seen.size} different, checked in ${((Date.now() - t0) / 1000).toFixed(1)} s (axe ${(f.ms / 1000).toFixed(1)} s)`);
    f.done('moderate/minor:');
  },
};

// ---- The tablet (820x1180): the menu folds away behind a button. ----------

const tablet = {
  name: 'a11y: axe on home, a list, a record and the open menu at 820x1180 (planner)',
  tablet: true,
  contextOptions: { bypassCSP: true },
  fn: async ({ page, login }) => {
    const f = findings();
    const check = async (where) => f.add(`tablet ${where}`, await axe(page));
    watchNetwork(page);
    await login(page, 'planner');
    await ready(page);
    await check('#/');
    await visit(page, '#/requirements');
    await check('#/requirements');
    const first = await page.$eval('main .datatable tbody tr:first-child > th a', (a) => a.getAttribute('href'));
    await visit(page, first);
    await check(first);
    await page.getByRole('button', { name: 'Menu', exact: true }).click();
    await page.getByRole('navigation', { name: 'Main menu' }).waitFor();
    await check('menu open');
    f.done('moderate/minor (tablet):');
  },
};

// ---- States a page reaches by use: dialogs, refused forms, tabs, rows. -----

const states = {
  name: 'a11y: axe on dialogs, a refused form, report tabs, a scan and an opened audit record',
  contextOptions: { bypassCSP: true },
  // The refused form: the API answers 400.
  allowConsoleErrors: [/status of 400/],
  fn: async ({ page, login, newContext }) => {
    const f = findings();
    const check = async (where, whole = false) => f.add(where, await axe(page, whole));
    watchNetwork(page);
    await login(page, 'planner');
    await ready(page);

    // A submitted requirement's moves: Reject asks for a reason, Validate to confirm.
    await visit(page, '#/requirements?status=submitted');
    const rec = await page.$eval('main .datatable tbody tr:first-child > th a', (a) => a.getAttribute('href'));
    await visit(page, rec);
    for (const verb of ['Reject', 'Validate']) {
      const button = page.locator('main .page-head').getByRole('button', { name: verb, exact: true });
      await button.click();
      await page.getByRole('dialog').waitFor();
      await check(`${rec} dialog ${verb}`, true);
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      const back = await page.evaluate(() => document.activeElement?.textContent);
      assert.equal(back, verb, `closing the dialog left the focus on "${back}", not on its button`);
    }

    // A new pledge sent empty: every field error beside its field.
    await visit(page, '#/pledges/new');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator('main [aria-invalid="true"]').first().waitFor();
    await check('#/pledges/new refused');

    // Every tab of the training reports.
    await visit(page, '#/training-report');
    const tabs = page.getByRole('tab');
    for (let i = 0; i < await tabs.count(); i++) {
      await tabs.nth(i).click();
      await ready(page);
      await check(`#/training-report tab ${i + 1}`);
    }

    // A shipment looked up on the scan page (nothing recorded).
    const shp = await (async () => {
      await visit(page, '#/shipments');
      return page.$eval('main .datatable tbody tr:first-child > th a', (a) => a.textContent);
    })();
    await visit(page, '#/scan');
    await page.getByLabel('Record on scan').uncheck();
    await page.locator('#scan-site').fill('LN-RZE');
    await page.locator('#scan-code').fill(shp);
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Scanned shipment' }).waitFor();
    await check('#/scan shipment shown');

    // The audit trail with one record's change opened (admin).
    const admin = await (await newContext({ bypassCSP: true })).newPage();
    watchNetwork(admin);
    await login(admin, 'admin');
    await visit(admin, '#/audit');
    await admin.locator('.audit-toggle').first().click();
    await admin.locator('.audit-diff-row:not([hidden])').first().waitFor();
    f.add('#/audit record opened', await axe(admin, false));
    f.done('moderate/minor (states):');
  },
};

// ---- The keyboard alone. ---------------------------------------------------

// In the page: how element @el shows that it has the focus (an outline or a
// box shadow, and its contrast).  @before: its outline and box shadow when
// it had not the focus (only what focusing changed counts).  Passed to the
// page as source text.
function focusInfo(el, before = null) {
  if (!el || el === document.body || el === document.documentElement) return { body: true, what: '<body>' };
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  // The indicator's contrast with what lies around the element (WCAG
  // 1.4.11: 3:1): the outline's colour or the box shadow's, against the
  // first background behind the element.
  const rgb = (s) => (String(s).match(/rgba?\(([^)]+)\)/)?.[1].split(/[ ,/]+/).filter(Boolean).map(Number)) || null;
  const lum = ([r0, g0, b0]) => [r0, g0, b0].map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((a, c, i) => a + c * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  let bg = [255, 255, 255];
  for (let p = el.parentElement; p; p = p.parentElement) {
    const c = rgb(getComputedStyle(p).backgroundColor);
    if (c && (c.length < 4 || c[3] > 0)) { bg = c; break; }
  }
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0
    && (!before || before.outline !== `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`);
  const shadow = cs.boxShadow && cs.boxShadow !== 'none' && (!before || before.shadow !== cs.boxShadow);
  const colours = [];
  if (outline) colours.push(rgb(cs.outlineColor));
  // A box shadow drawn outside the element (not inset), each of its colours.
  if (shadow) colours.push(...cs.boxShadow.split(/,(?![^(]*\))/).filter((x) => !/inset/.test(x)).map(rgb));
  const contrast = Math.max(0, ...colours.filter(Boolean).filter((c) => c.length < 4 || c[3] > 0).map((c) => ratio(c, bg)));
  const text = (el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, text, href: el.getAttribute('href'), type: el.type || null,
    h1: el.tagName === 'H1' && !!el.closest('main'),
    shows: !!(outline || shadow),
    contrast: Math.round(contrast * 100) / 100,
    onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0,
    what: `<${el.tagName.toLowerCase()}${el.id ? ` id=${el.id}` : ''}${el.className && typeof el.className === 'string' ? ` class="${el.className}"` : ''}> "${text}"`,
  };
}

// What has the focus, and whether it shows.
function focused(page) {
  return page.evaluate(`(${focusInfo})(document.activeElement)`);
}

function assertShows(f, when) {
  assert.ok(!f.body, `${when}: the focus is lost to <body>`);
  assert.ok(f.shows, `${when}: the focus on ${f.what} is not visible (no outline, no box-shadow)`);
  assert.ok(f.onScreen, `${when}: the focused ${f.what} is off screen`);
  assert.ok(f.contrast >= 3, `${when}: the focus indicator of ${f.what} has a contrast of ${f.contrast}:1 with its background (less than 3:1)`);
}

const keyboard = {
  name: 'a11y: keyboard only, from the login page to a new requirement (officer.ukr)',
  // The first submission leaves out a required field on purpose.
  allowConsoleErrors: [/status of 400/],
  fn: async ({ page, base }) => {
    const path = [];
    const press = async (key, when) => {
      await page.keyboard.press(key);
      const f = await focused(page);
      path.push(`${key} ${f.what}`);
      assertShows(f, `${when} (after ${key})`);
      return f;
    };
    // Tab (or Shift+Tab) until @match(focused), checking the focus shows at every step.
    const tabTo = async (match, what, { back = false, max = 80 } = {}) => {
      for (let i = 0; i < max; i++) {
        const f = await press(back ? 'Shift+Tab' : 'Tab', `looking for ${what}`);
        if (match(f)) return f;
      }
      throw new Error(`${what} not reached in ${max} ${back ? 'Shift+Tab' : 'Tab'} presses:\n  ${path.slice(-max).join('\n  ')}`);
    };
    // After a page change: the focus is on main's h1 (named @title), visibly.
    const landed = async (title, when) => {
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      await settle(page, { quiet: 100 });
      const f = await focused(page);
      assertShows(f, when);
      assert.ok(f.h1 && f.text.startsWith(title.source ? '' : title) && (!title.source || title.test(f.text)),
        `${when}: the focus is on ${f.what}, not main's heading "${title}"`);
      return f;
    };

    watchNetwork(page);
    await page.goto(base + '/');
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    let f = await focused(page);
    assert.equal(f.id, 'username', `the login page starts with the focus on ${f.what}`);
    assertShows(f, 'the login page');
    await page.keyboard.type(users.officer.username);
    f = await press('Tab', 'login');
    assert.equal(f.id, 'password');
    await page.keyboard.type(users.officer.password);
    f = await press('Tab', 'login');
    assert.equal(f.text, 'Log in');
    // The language switch comes before the form: Shift+Tab reaches it, Tab comes back.
    await tabTo((x) => x.id === 'lang', 'the language switch', { back: true });
    await tabTo((x) => x.text === 'Log in', 'the button Log in');
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Main menu' }).waitFor();
    await landed('Home', 'after logging in');

    // Back through the menu to the skip link; it moves the focus to the page.
    await tabTo((x) => x.text === 'Requirements' && x.href === '#/requirements', 'the menu link Requirements', { back: true });
    await tabTo((x) => x.text === 'Skip to content', 'the skip link', { back: true });
    await page.keyboard.press('Enter');
    f = await focused(page);
    assertShows(f, 'after the skip link');
    assert.ok(f.h1 || f.tag === 'main', `the skip link left the focus on ${f.what}`);

    // The menu's Requirements, then the list's New.
    await tabTo((x) => x.href === '#/requirements', 'the menu link Requirements', { back: true });
    await page.keyboard.press('Enter');
    await landed('Requirements', 'after choosing Requirements in the menu');
    await tabTo((x) => x.href === '#/requirements/new', 'the link New');
    await page.keyboard.press('Enter');
    await landed('New: Requirements', 'after New');

    // Every control of the form, in order, filled by typing; the
    // destination (required) is left out at first.
    const typed = {
      nation: null,   // UKR already: the officer's own nation
      item: 'MED-IFAK',
      substitution_group: null,
      quantity: '7',
      priority: 'P3', // a select: typing chooses the option
      needed_by: null, // a date: typed as the locale's parts below
      destination: null,
      coalition: null,
      justification: 'Keyboard-only test: first-aid kits for a unit.',
    };
    const seen = [];
    for (;;) {
      f = await press('Tab', 'the new requirement form');
      if (f.tag === 'button') break;
      assert.ok(['input', 'select', 'textarea'].includes(f.tag), `the form's Tab order reached ${f.what}`);
      const name = await page.evaluate(() => document.activeElement.name);
      if (seen.includes(name)) continue;   // a date field's next part, or its calendar button
      seen.push(name);
      if (name === 'needed_by') {
        const d = new Date(Date.now() + 200 * 86400000);
        await page.keyboard.type(`${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}${d.getUTCFullYear()}`);
      } else if (typed[name]) {
        await page.keyboard.type(typed[name]);
      }
    }
    assert.deepEqual(seen, Object.keys(typed), 'the form\'s fields in Tab order');
    assert.equal(f.text, 'Create');
    f = await press('Tab', 'the new requirement form');
    assert.equal(f.text, 'Cancel');
    f = await press('Shift+Tab', 'the new requirement form');
    assert.equal(f.text, 'Create');

    // Submitted without a destination: the focus goes to that field, marked invalid.
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true');
    f = await focused(page);
    assertShows(f, 'after a refused submission');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'destination', `the refused form put the focus on ${f.what}`);
    const described = await page.evaluate(() => document.getElementById(document.activeElement.getAttribute('aria-describedby'))?.textContent);
    assert.ok(described, 'the invalid field is described by its error');
    await page.keyboard.type('UA-UNIT-W');
    await tabTo((x) => x.text === 'Create', 'the button Create');
    await page.keyboard.press('Enter');
    f = await landed(/^Requirements REQ-/, 'after creating the requirement');
    await page.getByRole('status').filter({ hasText: /Created REQ-/ }).first().waitFor();
    // What was typed is what was saved.
    const rec = await page.$$eval('main dl.fields > dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
    assert.equal(rec.Item, 'MED-IFAK');
    assert.equal(rec.Quantity, '7');
    assert.match(rec.Priority, /^P3/);
    assert.equal(rec.Destination, 'UA-UNIT-W');
    assert.equal(rec['Needed by'], day(200));
    assert.equal(rec.Justification, typed.justification);
    // The new record's status moves are reachable from its heading.
    await tabTo((x) => x.tag === 'button', 'the first button of the record');
  },
};

// ---- Every control's focus indicator. --------------------------------------

// In the page: focuses every element reachable with Tab in turn and lists
// those whose focus does not show (no outline or box shadow that focusing
// adds, or less than 3:1 against the background).  @info is focusInfo.
function ringAll(info) {
  const bad = [];
  const els = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
    .filter((e) => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length && !e.closest('[hidden], [inert]'));
  for (const el of els) {
    const cs = getComputedStyle(el);
    const before = { outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`, shadow: cs.boxShadow };
    el.focus();
    if (document.activeElement !== el) continue;
    const f = info(el, before);
    if (!f.shows) bad.push(`${f.what}: no visible focus`);
    else if (f.contrast < 3) bad.push(`${f.what}: focus indicator ${f.contrast}:1`);
  }
  document.activeElement?.blur();
  return { count: els.length, bad };
}

const rings = {
  name: 'a11y: every control shows its focus at 3:1 (admin, one page of each kind)',
  fn: async ({ page, login }) => {
    watchNetwork(page);
    await login(page, 'admin');
    await ready(page);
    const problems = new Map();   // problem -> pages
    let count = 0;
    const check = async (where) => {
      // A key press first: focus moved by script then shows as from the keyboard.
      await page.keyboard.press('Shift');
      await page.evaluate(() => document.querySelector('main h1')?.focus());
      const r = await page.evaluate(`(${ringAll})(${focusInfo})`);
      count += r.count;
      for (const b of r.bad) {
        const k = b.replace(/ id=[a-z]+-\d+/g, '').replace(/"[^"]*"$/, (m) => m.replace(/\d+/g, 'N'));
        if (!problems.has(k)) problems.set(k, new Set());
        problems.get(k).add(where);
      }
    };
    await check('#/');
    await visit(page, '#/requirements');
    await check('#/requirements');
    const first = await page.$eval('main .datatable tbody tr:first-child > th a', (a) => a.getAttribute('href'));
    for (const hash of [first, '#/requirements/new', '#/training-report', '#/end-use', '#/burden-sharing', '#/readiness', '#/audit', '#/scan', '#/plans']) {
      await visit(page, hash);
      await check(hash);
    }
    const list = [...problems].map(([k, pages]) => `${k} (on ${[...pages].join(', ')})`);
    note(`${count} focusable elements checked`);
    assert.equal(list.length, 0, `${list.length} control(s) without a visible focus:\n  ${list.slice(0, 30).join('\n  ')}${list.length > 30 ? `\n  and ${list.length - 30} more` : ''}`);
  },
};

export default [
  sweep,
  tablet,
  states,
  keyboard,
  rings,
];
