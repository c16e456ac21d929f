// tests/e2e/plans.test.mjs - the planner validates a submitted requirement,
// runs the allocation optimiser, reviews what the plan changes and approves
// it; the approved plan's allocations exist.

import assert from 'node:assert/strict';

export default [
  {
    name: 'plans: planner validates a requirement, runs a plan and approves it',
    fn: async ({ page, login, api, token, shot, settle, confirm, statusOf, waitText, day, uid }) => {
      // Ukraine submits a requirement, and Germany pledges what it needs, so
      // that the plan has something to allocate whatever ran before.  Diesel:
      // no demo requirement or pledge and no other test uses it, so the plan
      // gives these 120 units to this requirement, on time.
      const officer = await token('officer.ukr');
      const planner = await token('planner');
      const req = await api('requirements', { token: officer, body: {
        nation: 'UKR', item: 'FUEL-DIESEL', quantity: 120, priority: 'P1', needed_by: day(400),
        destination: 'HP-MED', justification: `e2e plan ${uid()}`,
      } });
      await api(`requirements/${req.id}/transition`, { token: officer, body: { to: 'submitted' } });
      await api('pledges', { token: await token('liaison.deu'), body: {
        nation: 'DEU', kind: 'materiel', pledged_on: day(-2), item: 'FUEL-DIESEL', quantity: 120,
        condition: 'new', origin: 'DEP-DEU',
      } });

      await login(page, 'planner');
      await page.goto(`/#/requirements/${req.id}`);
      await page.getByRole('heading', { level: 1, name: `Requirements ${req.id}` }).waitFor();
      await waitText(statusOf(page), 'Submitted');
      await page.getByRole('button', { name: 'Validate', exact: true }).click();
      await confirm(page, 'Validate');
      await waitText(statusOf(page), 'Validated');
      assert.equal((await api(`requirements/${req.id}`, { token: planner })).status, 'validated');
      await settle(page);
      await shot(page, 'plan-requirement-validated');

      await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Plans', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Plans' }).waitFor();
      await page.getByRole('button', { name: 'Run a plan' }).click();
      const title = `e2e plan ${uid()}`;
      await page.getByLabel('Title').fill(title);
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await page.waitForURL(/#\/plans\/PLAN-[0-9A-Z]+$/, { timeout: 30000 });
      const planId = decodeURIComponent(page.url().split('/').pop());
      await page.getByRole('heading', { level: 1, name: `Plan: ${title}` }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'What the plan changes' }).waitFor();
      const diff = page.getByRole('table', { name: 'What the plan changes' });
      assert.ok(await diff.isVisible(), 'the diff table is visible');
      // The new requirement's row proposes its 120 units.
      const mine = diff.getByRole('row').filter({ has: page.getByRole('link', { name: req.id }) });
      await waitText(mine.locator('td').nth(4), '+120');
      await waitText(page.locator('dl.fields .badge'), 'Draft');
      await settle(page);
      await shot(page, 'plan-draft');

      const before = await api(`plans/${planId}`, { token: planner });
      assert.ok(before.allocations > 0, `the plan proposes allocations (${before.allocations})`);
      await page.getByRole('button', { name: 'Approve', exact: true }).click();
      await confirm(page, 'Approve');
      await waitText(page.locator('dl.fields .badge'), 'Approved');
      // Approve and Discard are gone: approved is final.
      await page.getByRole('button', { name: 'Discard', exact: true }).waitFor({ state: 'detached' });
      await settle(page);
      await shot(page, 'plan-approved');

      const plan = await api(`plans/${planId}`, { token: planner });
      assert.equal(plan.status, 'approved');
      assert.equal(plan.approved_by, 'planner');
      const allocs = await api(`allocations?plan=${planId}&limit=500`, { token: planner });
      assert.equal(allocs.items.length, before.allocations, 'one allocation per planned allocation');
      const forMine = allocs.items.filter((a) => a.requirement === req.id);
      assert.equal(forMine.reduce((n, a) => n + a.quantity, 0), 120);
      assert.equal((await api(`requirements/${req.id}`, { token: planner })).status, 'met');
    },
  },
];
