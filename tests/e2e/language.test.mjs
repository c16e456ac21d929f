// tests/e2e/language.test.mjs - switching the language to Ukrainian and
// back with the "Language" select, on the login page and after logging in.
// (i18n.test.mjs checks that the Ukrainian dictionary is complete.)
//
// Needs the Ukrainian dictionary (web/js/i18n/uk.js): while it is missing
// or empty the UI falls back to English, and this test fails, naming what
// stayed English.

import assert from 'node:assert/strict';

const lang = (page) => page.evaluate(() => document.documentElement.lang);
const text = async (loc) => ((await loc.first().textContent()) || '').trim();

export default [
  {
    name: 'language: the Language select turns the UI Ukrainian and back',
    fn: async ({ page, base, users, shot, settle, go }) => {
      const english = [];   // what is still English in Ukrainian
      await page.goto(base + '/');
      await page.getByRole('button', { name: 'Log in' }).waitFor();
      assert.equal(await lang(page), 'en');

      // The login page, in Ukrainian.
      await page.getByLabel('Language').selectOption({ label: 'Українська' });
      await page.waitForFunction(() => document.documentElement.lang === 'uk');
      const submit = page.locator('form.login button[type=submit]');
      await submit.waitFor();
      if (await text(submit) === 'Log in') english.push('the login button "Log in"');
      if (await text(page.locator('label[for=username]')) === 'Username') english.push('the label "Username"');
      await shot(page, 'language-login-uk');

      // Log in in Ukrainian (the fields by their ids: their labels are translated).
      await page.locator('#username').fill(users.planner.username);
      await page.locator('#password').fill(users.planner.password);
      await submit.click();
      const nav = page.locator('nav#menu');
      await nav.waitFor();
      await settle(page);
      assert.equal(await lang(page), 'uk', '<html lang> after logging in');
      assert.equal(await page.locator('header.top select#lang').inputValue(), 'uk', 'the switch shows the choice');
      const logout = page.locator('header.top > button').last();
      if (await text(logout) === 'Log out') english.push('the button "Log out"');
      if (await nav.getAttribute('aria-label') === 'Main menu') english.push('the menu\'s name "Main menu"');
      if (await text(nav.locator('a[href="#/pledges"]')) === 'Pledges') english.push('the menu entry "Pledges"');
      await shot(page, 'language-home-uk');

      // The choice holds on other pages.
      await go(page, '#/requirements');
      await page.locator('main h1').first().waitFor();
      if (await text(page.locator('main h1')) === 'Requirements') english.push('the heading "Requirements"');

      // And back to English, in the header's select.
      await page.locator('header.top').getByRole('combobox').selectOption('en');
      await page.getByRole('button', { name: 'Log out' }).waitFor();
      assert.equal(await lang(page), 'en');
      await page.getByRole('navigation', { name: 'Main menu' }).waitFor();
      await page.getByRole('heading', { level: 1, name: 'Requirements' }).waitFor();
      await settle(page);
      await shot(page, 'language-back-to-en');

      assert.deepEqual(english, [], `still English in Ukrainian (web/js/i18n/uk.js): ${english.join('; ')}`);
    },
  },
];
