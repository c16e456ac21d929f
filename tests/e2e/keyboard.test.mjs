// tests/e2e/keyboard.test.mjs - logging in with the keyboard alone, and the
// menu on a tablet.

import assert from 'node:assert/strict';

const focusedId = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);

export default [
  {
    name: 'keyboard: log in with Tab, typing and Enter only',
    fn: async ({ page, base, users, shot }) => {
      await page.goto(base + '/');
      await page.getByRole('button', { name: 'Log in' }).waitFor();
      // The username field has the focus on arrival.
      assert.equal(await focusedId(page), 'username');
      await page.keyboard.type(users.planner.username);
      await page.keyboard.press('Tab');
      assert.equal(await focusedId(page), 'password');
      await page.keyboard.type(users.planner.password);
      await page.keyboard.press('Enter');
      await page.getByRole('navigation', { name: 'Main menu' }).waitFor();
      await page.getByRole('button', { name: 'Log out' }).waitFor();
      await shot(page, 'keyboard-logged-in');
    },
  },
  {
    name: 'keyboard: on a tablet (820x1180) the Menu button opens the menu',
    tablet: true,
    fn: async ({ page, login, shot, settle }) => {
      await login(page, 'planner');
      const nav = page.getByRole('navigation', { name: 'Main menu' });
      const toggle = page.getByRole('button', { name: 'Menu', exact: true });
      await toggle.waitFor();
      assert.ok(!(await nav.isVisible()), 'the menu is folded away');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      await toggle.click();
      await nav.waitFor({ state: 'visible' });
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      await settle(page);
      await shot(page, 'tablet-menu-open');
      // Choosing a page closes the menu again.
      await nav.getByRole('link', { name: 'Pledges', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Pledges' }).waitFor();
      await nav.waitFor({ state: 'hidden' });
      assert.equal(await page.getByRole('button', { name: 'Menu', exact: true }).getAttribute('aria-expanded'), 'false');
      await settle(page);
      await shot(page, 'tablet-pledges');
    },
  },
];
