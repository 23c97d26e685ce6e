#!/usr/bin/env node
// What a first visit to the dashboard costs: the bytes of the release build
// (raw and as a server would compress them) and the time from navigation
// start to the first KPI on screen, in headless Chromium.
//
// Usage: node scripts/bench-first-paint.mjs [--runs N] [--dist DIR]
// (after `trunk build --release`). Prints markdown for docs/benchmarks.md.

import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';

import { startServer } from '../tests/e2e/support/server.mjs';
import { launchBrowser, repoRoot } from '../tests/e2e/support/browser.mjs';

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    dist: { type: 'string', default: 'dist' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (options.help) {
  console.log('usage: node scripts/bench-first-paint.mjs [--runs N] [--dist DIR]');
  process.exit(0);
}
const runs = Number(options.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got "${options.runs}"`);
  process.exit(2);
}
const distDir = path.resolve(repoRoot, options.dist);

const PAYLOAD_EXTENSIONS = ['.wasm', '.js', '.css'];
const number = new Intl.NumberFormat('en-US');
const bytes = (n) => `${number.format(n)} B (${(n / 1024).toFixed(1)} KiB)`;
const ms = (n) => `${n.toFixed(1)} ms`;

/** All files under `directory`, as paths relative to it. */
async function listFiles(directory) {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath ?? entry.path, entry.name)));
}

/** Sizes as served: raw, gzip at its best level, brotli at its best quality. */
function compressedSizes(buffer, extension) {
  return {
    raw: buffer.length,
    gzip: zlib.gzipSync(buffer, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buffer, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buffer.length,
        // Text mode helps brotli's context modelling on JS and CSS.
        [zlib.constants.BROTLI_PARAM_MODE]:
          extension === '.wasm' ? zlib.constants.BROTLI_MODE_GENERIC : zlib.constants.BROTLI_MODE_TEXT,
      },
    }).length,
  };
}

async function measurePayload() {
  const files = (await listFiles(distDir))
    .filter((file) => PAYLOAD_EXTENSIONS.includes(path.extname(file)))
    // wasm first: it dominates, and the order stays stable across builds.
    .sort((a, b) =>
      PAYLOAD_EXTENSIONS.indexOf(path.extname(a)) - PAYLOAD_EXTENSIONS.indexOf(path.extname(b)) ||
      a.localeCompare(b),
    );
  const rows = [];
  for (const file of files) {
    const buffer = await readFile(path.join(distDir, file));
    rows.push({ file, ...compressedSizes(buffer, path.extname(file)) });
  }
  const total = { file: '**Total**', raw: 0, gzip: 0, brotli: 0 };
  for (const row of rows) for (const key of ['raw', 'gzip', 'brotli']) total[key] += row[key];
  return [...rows, total];
}

/**
 * Runs in the page before any of its scripts: notes when the dashboard is
 * ready and the first KPI has text, then when that frame has been painted.
 * Times are `performance.now()`, i.e. milliseconds since navigation start
 * (`performance.timeOrigin`).
 */
function recordFirstKpiPaint() {
  const kpiShown = () =>
    document.querySelector('#app[data-ready="true"]') !== null &&
    (document.querySelector('[data-kpi] .kpi-value')?.textContent.trim() ?? '') !== '';
  const observer = new MutationObserver(check);
  function check() {
    if (!kpiShown()) return;
    observer.disconnect();
    window.__benchKpiInDom = performance.now();
    // A requestAnimationFrame callback runs just before the next paint; a
    // message posted from it is delivered once that frame has been produced.
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        window.__benchFirstKpiPaint = performance.now();
      };
      channel.port2.postMessage(null);
    });
  }
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  check();
}

/** One cold visit: a fresh context has empty caches, like a first-time visitor. */
async function measureOnce(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.addInitScript(recordFirstKpiPaint);
    await page.goto(url);
    await page.waitForFunction(() => window.__benchFirstKpiPaint !== undefined, null, { timeout: 60_000 });
    return await page.evaluate(() => ({ inDom: window.__benchKpiInDom, painted: window.__benchFirstKpiPaint }));
  } finally {
    await context.close();
  }
}

function summarise(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1) };
}

async function measureFirstPaint() {
  const server = await startServer({ root: distDir, prefix: '/' });
  const browser = await launchBrowser();
  try {
    // One unrecorded visit so browser start-up (not the app) is out of the
    // numbers; every recorded visit still starts with cold page caches.
    await measureOnce(browser, server.baseUrl);
    const samples = [];
    for (let i = 0; i < runs; i++) {
      samples.push(await measureOnce(browser, server.baseUrl));
      process.stderr.write(`run ${i + 1}/${runs}: ${ms(samples.at(-1).painted)}\n`);
    }
    return {
      version: browser.version(),
      inDom: summarise(samples.map((s) => s.inDom)),
      painted: summarise(samples.map((s) => s.painted)),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

const payload = await measurePayload();
if (payload.length === 1) {
  console.error(`no .wasm/.js/.css files in ${distDir}: run \`trunk build --release\` first`);
  process.exit(1);
}
const paint = await measureFirstPaint();
const cpus = os.cpus();

console.log(`## Release payload (\`${path.relative(repoRoot, distDir) || '.'}/\`)

| File | Raw | gzip -9 | brotli (q11) |
|---|---:|---:|---:|
${payload.map((r) => `| ${r.file} | ${bytes(r.raw)} | ${bytes(r.gzip)} | ${bytes(r.brotli)} |`).join('\n')}

## Time to first KPI (headless Chromium, cold context, local server, ${runs} runs)

| Milestone (from navigation start) | Median | Min | Max |
|---|---:|---:|---:|
| KPI text in the DOM | ${ms(paint.inDom.median)} | ${ms(paint.inDom.min)} | ${ms(paint.inDom.max)} |
| First KPI painted | ${ms(paint.painted.median)} | ${ms(paint.painted.min)} | ${ms(paint.painted.max)} |

Machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${os.type()} ${os.release()}; Chromium ${paint.version}; Node ${process.version}.`);
