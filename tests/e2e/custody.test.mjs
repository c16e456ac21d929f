// tests/e2e/custody.test.mjs - a shipment through custody: the node operator
// scans it in and out at the node with a keyboard-wedge scanner; Ukraine's
// officer confirms receipt at the unit.  Each test plans and dispatches its
// own shipment through the API (DEP-DEU > LN-RZE > HP-MED > UA-UNIT-W).

import assert from 'node:assert/strict';

const SCAN_LABEL = 'Scan a transfer document, or type a shipment id, then Enter';

export default [
  {
    name: 'custody: node.rze scans a shipment in (Arrived) and out (Departed) at LN-RZE',
    fn: async ({ page, login, api, token, shot, settle, makeShipment }) => {
      const shp = await makeShipment({ quantity: 25 });
      // The transfer document's DataMatrix text, as a scanner reads it.
      const doc = await api(`shipments/${shp.id}/document?format=payload`, { token: await token('node.rze') });
      assert.match(doc.payload, new RegExp(`^NSATU1\\|${shp.id}\\|[0-9A-Z]+$`));

      await login(page, 'node.rze');
      await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Scan', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Scan' }).waitFor();
      const input = page.getByLabel(SCAN_LABEL);
      const event = page.getByLabel('Event', { exact: true });
      const log = page.getByRole('list', { name: 'Scans' });
      assert.ok(await page.getByLabel('Record on scan').isChecked(), '"Record on scan" is on by default');
      assert.equal(await page.locator('#scan-site').inputValue(), 'LN-RZE');
      // The scan input has the focus, so the scanner's keystrokes land there.
      assert.ok(await input.evaluate((el) => el === document.activeElement), 'the scan input has the focus');

      // Choosing the event gives the focus back to the scan input, so the
      // scanner's keystrokes cannot land on the select (web/js/pages/scan.js).
      await event.selectOption({ label: 'Arrived' });
      assert.ok(await input.evaluate((el) => el === document.activeElement), 'the scan input has the focus after choosing the event');
      await page.keyboard.type(doc.payload);   // a wedge scanner: fast keystrokes, then Enter
      await page.keyboard.press('Enter');
      await log.getByRole('listitem').filter({ hasText: `${shp.id}: Arrived recorded at LN-RZE.` }).waitFor();
      // The scanned shipment's card, and the input is cleared and focused for the next truck.
      await page.getByRole('region', { name: 'Scanned shipment' }).getByRole('link', { name: shp.id }).waitFor();
      assert.equal(await input.inputValue(), '');
      assert.ok(await input.evaluate((el) => el === document.activeElement), 'the scan input has the focus again');

      await event.selectOption({ label: 'Departed' });
      assert.ok(await input.evaluate((el) => el === document.activeElement), 'the scan input has the focus after choosing the event');
      await page.keyboard.type(doc.payload);
      await page.keyboard.press('Enter');
      await log.getByRole('listitem').filter({ hasText: `${shp.id}: Departed recorded at LN-RZE.` }).waitFor();
      assert.equal(await log.locator('li.bad').count(), 0, 'no scan was refused');
      // With the keyboard, the focus stays on the select while choosing.
      await event.focus();
      await page.keyboard.press('ArrowUp');
      assert.equal(await event.inputValue(), 'arrived');
      assert.ok(await event.evaluate((el) => el === document.activeElement), 'the select keeps the focus for the keyboard');
      await settle(page);
      await shot(page, 'scan-node-rze');

      const ev = await api(`events?shipment=${shp.id}&limit=500`, { token: await token('node.rze') });
      const here = ev.items.filter((e) => e.site === 'LN-RZE').map((e) => [e.type, e.recorded_by]);
      assert.deepEqual(here.map(([t]) => t).sort(), ['arrived', 'departed']);
      assert.ok(here.every(([, by]) => by === 'node.rze'));
      const s = await api(`shipments/${shp.id}`, { token: await token('planner') });
      assert.equal(s.status, 'in_transit');
    },
  },
  {
    name: 'custody: officer.ukr confirms receipt of a shipment handed over at HP-MED',
    fn: async ({ page, login, api, token, shot, settle, confirm, statusOf, waitText, makeShipment, postEvent }) => {
      const shp = await makeShipment({ quantity: 15, minutesAgo: 60 });
      const at = (min) => new Date(Date.now() - min * 60000).toISOString();
      await postEvent('node.rze', 'arrived', 'LN-RZE', shp.id, { at: at(50) });
      await postEvent('node.rze', 'departed', 'LN-RZE', shp.id, { at: at(40) });
      await postEvent('officer.ukr', 'arrived', 'HP-MED', shp.id, { at: at(20) });
      await postEvent('officer.ukr', 'handed_over', 'HP-MED', shp.id, { at: at(10) });
      const officer = await token('officer.ukr');
      assert.equal((await api(`shipments/${shp.id}`, { token: officer })).status, 'handed_over');

      await login(page, 'officer.ukr');
      await page.goto(`/#/shipments/${shp.id}`);
      await page.getByRole('heading', { level: 1, name: `Shipments ${shp.id}` }).waitFor();
      await waitText(statusOf(page), 'Handed over');
      await page.getByRole('button', { name: 'Confirm receipt', exact: true }).click();
      const dlg = page.getByRole('dialog');
      await dlg.getByText(`Confirm receipt of ${shp.id} at UA-UNIT-W?`).waitFor();
      await confirm(page, 'Confirm receipt');
      await waitText(statusOf(page), 'Received');
      // Received is final: nothing more to confirm.
      await page.getByRole('button', { name: 'Confirm receipt', exact: true }).waitFor({ state: 'detached' });
      await settle(page);
      await shot(page, 'shipment-received');

      const s = await api(`shipments/${shp.id}`, { token: officer });
      assert.equal(s.status, 'received');
      assert.equal(s.location, 'UA-UNIT-W');
      const lines = await api(`shipment_lines?shipment=${shp.id}`, { token: officer });
      assert.deepEqual(lines.items.map((l) => [l.received, l.status]), [[15, 'closed']]);
    },
  },
];
