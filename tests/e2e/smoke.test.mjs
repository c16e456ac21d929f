// tests/e2e/smoke.test.mjs - the UI is served at all: GET / in chromium
// answers 200 and the page's title names nsatu.  Needs `make web` and
// `nsatu serve --web build/web`; fails until both exist.

import assert from 'node:assert/strict';

export default [
  {
    name: 'smoke: the base URL serves the UI (200, title contains nsatu)',
    fn: async ({ page, base }) => {
      const res = await page.goto(base + '/');
      assert.ok(res, `no response for ${base}/`);
      assert.equal(res.status(), 200, `GET / answered ${res.status()} (content-type ${res.headers()['content-type']})`);
      const title = await page.title();
      assert.match(title, /nsatu/i, `the document title is "${title}"`);
    },
  },
];
