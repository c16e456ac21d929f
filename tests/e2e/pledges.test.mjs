// tests/e2e/pledges.test.mjs - a donor's liaison officer records a pledge
// through the form built from the API's schema; the API's field errors show
// beside their fields.

import assert from 'node:assert/strict';
import * as lib from './lib.mjs';

// The row of a record form that holds the field labelled @label.
function row(page, label) {
  return page.locator('form.record-form .field').filter({ has: lib.field(page, label) });
}

export default [
  {
    name: 'pledges: liaison.deu records a materiel pledge; field errors show beside their fields',
    // The refused submissions answer 400, which chromium logs.
    allowConsoleErrors: [/status of 400/],
    fn: async ({ page, login, api, token, shot, settle, day, field }) => {
      const tk = await token('liaison.deu');
      const depots = await api('sites?kind=depot&nation=DEU', { token: tk });
      const origin = depots.items.map((s) => s.code).find((c) => c === 'DEP-DEU') || depots.items[0].code;

      await login(page, 'liaison.deu');
      await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Pledges', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Pledges' }).waitFor();
      await page.getByRole('link', { name: 'New', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'New: Pledges' }).waitFor();
      await settle(page);

      // The liaison officer's own nation is filled in (or typed).
      const nation = field(page, 'Nation');
      if (!(await nation.inputValue())) await nation.fill('DEU');
      assert.equal(await nation.inputValue(), 'DEU');

      // Nothing else filled in: the API names a missing field, shown beside it.
      await page.getByRole('button', { name: 'Create' }).click();
      const errRow = page.locator('form.record-form .field')
        .filter({ has: page.locator('.field-error', { hasText: 'is required' }) }).first();
      await errRow.waitFor();
      assert.equal(await errRow.locator('input, select, textarea').first().getAttribute('aria-invalid'), 'true');

      // Only the chosen kind's own fields are offered (GET /schema variants).
      await field(page, 'Kind').selectOption({ label: 'Funding' });
      assert.ok(await row(page, 'Amount').isVisible(), 'funding offers Amount');
      assert.ok(!(await row(page, 'Item').isVisible()), 'funding hides Item');
      await field(page, 'Kind').selectOption({ label: 'Materiel' });
      assert.ok(await row(page, 'Item').isVisible(), 'materiel offers Item');
      assert.ok(!(await row(page, 'Amount').isVisible()), 'materiel hides Amount');
      await field(page, 'Pledged on').fill(day(-1));
      await field(page, 'Item').fill('MED-IFAK');
      await field(page, 'Condition').selectOption({ label: 'New' });
      await field(page, 'Origin').fill(origin);
      await field(page, 'Available from').fill(day(14));
      await field(page, 'Conditions').fill('e2e: for the medical units only');

      // A bad value: quantity 0.
      const qty = field(page, 'Quantity');
      await qty.fill('0');
      await page.getByRole('button', { name: 'Create' }).click();
      const qtyErr = row(page, 'Quantity').locator('.field-error');
      await qtyErr.filter({ hasText: /between 1 and/ }).waitFor();
      assert.equal(await qty.getAttribute('aria-invalid'), 'true');
      // The earlier error is gone, and the field with the error has the focus.
      assert.equal(await page.locator('form.record-form [aria-invalid]').count(), 1);
      assert.equal(await page.locator('form.record-form .field-error').filter({ hasText: /./ }).count(), 1);
      assert.ok(await qty.evaluate((el) => el === document.activeElement), 'the field in error has the focus');
      // The error is tied to its field for screen readers.
      const described = await qty.getAttribute('aria-describedby');
      assert.equal(await qtyErr.getAttribute('id'), described);
      await shot(page, 'pledge-form-error');

      await qty.fill('250');
      await page.getByRole('button', { name: 'Create' }).click();
      await page.waitForURL(/#\/pledges\/PLG-[0-9A-Z]+$/);
      const id = decodeURIComponent(page.url().split('/').pop());
      await page.getByRole('heading', { level: 1, name: `Pledges ${id}` }).waitFor();
      await page.locator('main .page-head + p .badge', { hasText: 'Announced' }).waitFor();
      await page.locator('dl.fields').getByText(origin, { exact: true }).waitFor();
      await settle(page);
      await shot(page, 'pledge-created');

      const rec = await api(`pledges/${id}`, { token: tk });
      assert.equal(rec.nation, 'DEU');
      assert.equal(rec.kind, 'materiel');
      assert.equal(rec.item, 'MED-IFAK');
      assert.equal(rec.quantity, 250);
      assert.equal(rec.condition, 'new');
      assert.equal(rec.origin, origin);
      assert.equal(rec.status, 'announced');
      assert.equal(rec.created_by, 'liaison.deu');
    },
  },
];
