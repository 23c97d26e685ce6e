#!/usr/bin/env node
// Loads a ~1 GB touchpoint file into the app in headless Chromium and prints
// how long the worker took and the browser's peak memory: the "a 1 GB file
// must load without crashing the tab" check of issue 3.
//
// Usage: node scripts/make-bench-data.mjs && node scripts/bench-big-file.mjs
// (after `trunk build --release`). The file is bench-data/touchpoints-1m.csv
// repeated 14 times (~1.02 GB), written to bench-data/touchpoints-1gb.csv.
import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

import { startServer } from '../tests/e2e/support/server.mjs';
import { launchBrowser, openApp, repoRoot, waitForDashboard } from '../tests/e2e/support/browser.mjs';

const source = path.join(repoRoot, 'bench-data/touchpoints-1m.csv');
const big = path.join(repoRoot, 'bench-data/touchpoints-1gb.csv');
if (!existsSync(source)) {
  console.error('run node scripts/make-bench-data.mjs first');
  process.exit(2);
}
if (!existsSync(big)) {
  const lines = readFileSync(source, 'utf8');
  const body = lines.slice(lines.indexOf('\n') + 1);
  const out = createWriteStream(big);
  out.write(lines);
  for (let i = 1; i < 14; i++) out.write(body);
  await new Promise((resolve) => out.end(resolve));
}

/** Sum of the resident memory of every process below this one (Chromium's). */
function chromiumRss() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!/^Name:\s+chrom/m.test(status)) continue;
      total += Number(status.match(/^VmRSS:\s+(\d+)/m)[1]) * 1024;
    } catch {}
  }
  return total;
}

const server = await startServer();
const browser = await launchBrowser();
const { page, consoleErrors, pageErrors } = await openApp(browser, server.baseUrl);
let crashed = false;
page.on('crash', () => (crashed = true));
await waitForDashboard(page);
let peak = chromiumRss();
const sampler = setInterval(() => (peak = Math.max(peak, chromiumRss())), 250);
await page.setInputFiles('input[type="file"][data-testid="file-input"]', big);
await page.waitForSelector('[data-testid="preview"]', { timeout: 60_000 });
await page.click('[data-testid="confirm-import"]');
await page.waitForFunction(() => performance.getEntriesByName('xhs-import').length > 0, null, { timeout: 600_000 });
const ms = await page.evaluate(() => performance.getEntriesByName('xhs-import')[0].duration);
clearInterval(sampler);
const size = statSync(big).size;
console.log(`| file | size | worker import | peak Chromium RSS (all processes) | crashed | errors |`);
console.log(`|---|---:|---:|---:|---|---|`);
console.log(
  `| touchpoints-1gb.csv | ${(size / 1e9).toFixed(2)} GB | ${(ms / 1000).toFixed(1)} s | ${(peak / 1e9).toFixed(2)} GB (${(peak / size).toFixed(2)}x file) | ${crashed ? 'yes' : 'no'} | ${consoleErrors.length + pageErrors.length} |`,
);
await browser.close();
await server.close();
