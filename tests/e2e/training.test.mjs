// tests/e2e/training.test.mjs - a training facility enrols, starts and
// graduates a whole class from the session's roster, with the bulk moves.
// The session, trainees and nominations are set up through the API.

import assert from 'node:assert/strict';

export default [
  {
    name: 'training: facility.grf enrols, trains and graduates a class of 3',
    fn: async ({ page, login, api, token, shot, settle, confirm, statusOf, waitText, day, uid }) => {
      const facility = await token('facility.grf');
      const officer = await token('officer.ukr');
      const courses = await api('courses?facility=TF-GRF', { token: facility });
      const course = courses.items.find((c) => !c.prerequisites) || courses.items[0];
      assert.ok(course, 'TF-GRF runs a course');
      // A session of its own, far enough ahead not to overlap anything the
      // trainees (new ones) could be in.
      const start = 200 + Math.floor(Math.random() * 100);
      const sess = await api('training_sessions', { token: facility, body: {
        course: course.code, facility: 'TF-GRF', starts_on: day(start), ends_on: day(start + (course.duration_days || 10) - 1),
        seats: Math.min(3, course.class_max || 3),
      } });
      await api(`training_sessions/${sess.id}/transition`, { token: facility, body: { to: 'open' } });
      const enrolments = [];
      for (let i = 0; i < 3; i++) {
        const tr = await api('trainees', { token: officer, body: {
          service_number: `UA-E2E-${uid()}`, nation: 'UKR', unit: 'UA-UNIT-E', specialty: 'infantry', rank: 'Soldier',
        } });
        enrolments.push((await api('enrolments', { token: officer, body: { trainee: tr.id, session: sess.id } })).id);
      }

      await login(page, 'facility.grf');
      await page.goto(`/#/training_sessions/${sess.id}`);
      await page.getByRole('heading', { level: 1, name: `Training sessions ${sess.id}` }).waitFor();
      await waitText(statusOf(page), 'Open');
      const roster = page.locator('section.roster');
      const counts = roster.locator(':scope > p').first();
      await waitText(counts, 'Nominated: 3');
      for (const id of enrolments) await roster.getByRole('link', { name: id }).waitFor();

      // Each bulk move: select the class, the move's button, confirm.
      const bulk = async (button, verb, after) => {
        await roster.getByLabel('Select all').check();
        for (const id of enrolments) assert.ok(await roster.getByLabel(`Select ${id}`).isChecked());
        await roster.getByRole('button', { name: button, exact: true }).click();
        await page.getByRole('dialog').getByText(`Move 3 trainees from`).waitFor();
        await confirm(page, verb);
        await waitText(page.locator('section.roster > p').first(), after);
      };
      await bulk('Enrol selected (Nominated)', 'Enrol', 'Enrolled: 3');

      // Training starts when the session runs: the session's own move.
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      await confirm(page, 'Start');
      await waitText(statusOf(page), 'Running');
      await bulk('Start training selected (Enrolled)', 'Start training', 'In training: 3');
      await bulk('Graduate selected (In training)', 'Graduate', 'Graduated: 3');

      const rows = page.locator('section.roster tbody tr');
      assert.equal(await rows.count(), 3);
      for (let i = 0; i < 3; i++) assert.equal((await rows.nth(i).locator('.badge').textContent()).trim(), 'Graduated');
      await settle(page);
      await shot(page, 'training-graduated');

      const list = await api(`enrolments?session=${sess.id}`, { token: facility });
      assert.deepEqual(list.items.map((e) => e.id).sort(), [...enrolments].sort());
      for (const e of list.items) {
        assert.equal(e.status, 'graduated');
        assert.equal(e.qualification, course.capability);
        assert.ok(e.graduated_on, 'graduated_on is set');
      }
      assert.equal((await api(`training_sessions/${sess.id}`, { token: facility })).status, 'running');
    },
  },
];
