// tests/e2e/conflict.test.mjs - two people edit the same record: the second
// save is refused, and the form says who changed it and when, and reloads.

import assert from 'node:assert/strict';

export default [
  {
    name: 'conflict: a stale edit says "changed by X at T" and offers Reload',
    // The refused save answers 412, which chromium logs.
    allowConsoleErrors: [/status of 412/],
    fn: async ({ page, login, api, token, shot, settle, go, field }) => {
      const tk = await token('planner');
      // A course: reference data that planners and admins both edit.
      const course = (await api('courses?limit=1', { token: tk })).items[0];
      assert.ok(course, 'the demo has courses');
      await login(page, 'planner');
      await go(page, `#/courses/${course.code}`);
      await page.getByRole('button', { name: 'Edit', exact: true }).click();
      const notes = field(page, 'Notes');
      await notes.waitFor();

      // Meanwhile the administrator changes it (another session).
      const other = await token('admin');
      await api(`courses/${course.code}`, { token: other, method: 'PATCH', body: { notes: "admin's note" } });

      await notes.fill("planner's note");
      await page.getByRole('button', { name: 'Save changes' }).click();
      const error = page.locator('form.record-form .form-error');
      await error.getByText(/Changed by admin at .* since you opened it/).waitFor();
      await shot(page, 'conflict-explained');

      // Nothing of the planner's was written; Reload shows the officer's change.
      const now = await api(`courses/${course.code}`, { token: tk });
      assert.equal(now.notes, "admin's note");
      await error.getByRole('button', { name: 'Reload' }).click();
      await settle(page);
      await page.getByText("admin's note").first().waitFor();
    },
  },
];
