#!/usr/bin/env node
// The app's attribution speed in headless Chromium, on one paths file:
// the file is imported through the mapping screen, then every model is run
// in the worker with the bootstrap off, `--runs` times (a settings change
// that leaves the work the same reruns it), then once with the automatic
// bootstrap. Times are the page's User Timing measure `xhs-attribute`: from
// the request leaving the page to the result being on it. Prints one JSON
// object on stdout.
//
// Usage: node scripts/bench-attribution-browser.mjs FILE [--runs 3]
// (after `trunk build --release`).
import path from 'node:path';
import { parseArgs } from 'node:util';

import { startServer } from '../tests/e2e/support/server.mjs';
import { launchBrowser, openApp, waitForDashboard } from '../tests/e2e/support/browser.mjs';

const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '3' } }, allowPositionals: true });
const runs = Number(values.runs);
const file = path.resolve(positionals[0] ?? '');
if (!positionals[0]) {
  console.error('usage: node scripts/bench-attribution-browser.mjs FILE [--runs 3]');
  process.exit(2);
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const { page } = await openApp(browser, server.baseUrl, { locale: 'en-US' });
  await waitForDashboard(page);
  await page.waitForSelector('[data-testid="attribution-table"]', { timeout: 60_000 });
  const measures = () => page.evaluate(() => performance.getEntriesByName('xhs-attribute').map((e) => e.duration));
  const settle = async (count) => {
    await page.waitForFunction((n) => performance.getEntriesByName('xhs-attribute').length >= n, count, {
      timeout: 600_000,
      polling: 50,
    });
    return (await measures())[count - 1];
  };

  // Bootstrap off for the model timings.
  let seen = (await measures()).length;
  await page.selectOption('[data-testid="bootstrap"]', '0');
  await settle(++seen);

  await page.setInputFiles('input[type="file"][data-testid="file-input"]', file);
  await page.waitForSelector('[data-testid="pending-file"] [data-testid="preview"]', { timeout: 60_000 });
  await page.click('[data-testid="confirm-import"]');
  await page.waitForFunction(() => performance.getEntriesByName('xhs-import').length > 0, null, { timeout: 600_000 });
  const importMs = await page.evaluate(() => performance.getEntriesByName('xhs-import')[0].duration);
  const first = await settle(++seen);
  // The worker builds the journeys right after the import and keeps them
  // (its own User Timing); the runs below reuse them.
  const workerMeasures = async (name) =>
    (
      await Promise.all(
        page.workers().map((w) =>
          w.evaluate((n) => performance.getEntriesByName(n).map((e) => e.duration), name).catch(() => []),
        ),
      )
    ).flat();
  const journeysMs = (await workerMeasures('xhs-journeys')).at(-1);

  // The lookback window does not apply to paths: the same work again.
  const lookback = page.locator('[data-testid="attribution-settings"] select').first();
  const models = [];
  for (let i = 0; i < runs; i++) {
    await lookback.selectOption(i % 2 === 0 ? '60' : '30');
    models.push(await settle(++seen));
  }

  // The Markov model alone, timed inside the worker in those runs.
  const markov = (await workerMeasures('xhs-markov')).slice(-runs);

  await page.selectOption('[data-testid="bootstrap"]', 'auto');
  const withBootstrap = await settle(++seen);
  const replicates = await page.getAttribute('[data-testid="attribution-table"] .interval', 'title');
  const journeys = await page.textContent('.attribution .panel-caption');

  console.log(
    JSON.stringify({
      file,
      import_ms: importMs,
      first_attribution_ms: first,
      journeys_ms: journeysMs ?? null,
      models_ms: models,
      markov_ms: markov,
      bootstrap_ms: withBootstrap,
      bootstrap_help: replicates,
      caption: journeys,
    }),
  );
} finally {
  await browser.close();
  await server.close();
}
