// The dashboard must also work when deployed below the site root, as an
// agency would host it per client. Any asset or demo file addressed from `/`
// instead of relative to the page would 404 here.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './support/server.mjs';
import { launchBrowser, openApp, waitForDashboard } from './support/browser.mjs';

const PREFIX = '/agency/clients/xhs/';

let server;
let browser;

before(async () => {
  server = await startServer({ prefix: PREFIX });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the demo dashboard loads under a sub-path', { timeout: 120_000 }, async (t) => {
  const { context, page, responses, consoleErrors, pageErrors } = await openApp(
    browser,
    `${server.origin}${PREFIX}`,
  );
  t.after(() => context.close());

  await waitForDashboard(page);
  assert.equal(await page.getAttribute('#app', 'data-source'), 'demo');

  const failed = responses.filter(({ status }) => status >= 400).map(({ url, status }) => `${status} ${url}`);
  assert.deepEqual(failed, [], 'requests failed under the sub-path');
  assert.deepEqual([...consoleErrors, ...pageErrors], [], 'console or page errors under the sub-path');
});
