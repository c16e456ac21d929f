// tests/e2e/audit.test.mjs - the auditor verifies the audit trail's hash
// chain from the audit page.

import assert from 'node:assert/strict';

export default [
  {
    name: 'audit: auditor verifies the audit trail',
    fn: async ({ page, login, api, token, shot, settle }) => {
      await login(page, 'auditor');
      await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Audit trail', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Audit trail' }).waitFor();
      await page.getByRole('button', { name: 'Verify the audit trail' }).click();
      const result = page.locator('.audit-result').filter({ hasText: /verified/i });
      await result.waitFor();
      const text = await result.textContent();
      const m = /verified: ([\d,.\s]+) records/.exec(text);
      assert.ok(m, `the result names the records checked: ${text}`);
      const shown = Number(m[1].replace(/[^\d]/g, ''));
      await settle(page);
      await shot(page, 'audit-verified');

      const check = await api('audit/verify', { token: await token('auditor') });
      assert.equal(check.ok, true);
      assert.ok(shown > 0 && shown <= check.records, `${shown} records shown, ${check.records} now`);
    },
  },
];
