#!/usr/bin/env node
// Import speed, measured on the same files in one run:
//   - the CLI, natively (`xhs-roi import FILE --json`);
//   - the app in headless Chromium: file chosen -> columns ready in the
//     import worker (the issue's wording: the page's xhs-sniff, then from
//     the import's start to the worker's xhs-worker-finish-end) and ->
//     columns on the page (xhs-sniff + xhs-import: the notes, costs and
//     orders tables travel to the page for the ROI views),
//     chosen once the app is idle (the demo's attribution done), with the
//     worker's own User Timing showing where the time went;
//   - PapaParse and uDSV parsing the same file in the same browser
//     (file.text() then parse, typed values, on the page's main thread),
//     each run taking its turn after an app run;
// and the renderer's peak memory during the app's import.
//
// Usage: node scripts/make-bench-data.mjs && node scripts/bench-import.mjs [--runs 3] [--look-ms 1500] [--file F]...
// (after `trunk build --release` and `cargo build --release -p xhs-roi-cli`).
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, readdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { benchFiles, median } from './bench-support.mjs';
import { startServer } from '../tests/e2e/support/server.mjs';
import { cliBinary, launchBrowser, openApp, repoRoot, waitForDashboard } from '../tests/e2e/support/browser.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    file: { type: 'string', multiple: true },
    'look-ms': { type: 'string', default: '0' },
  },
});
const runs = Number(values.runs);
// How long the benchmark's user looks at the mapping screen before
// confirming (0: as soon as the preview shows, about 80 ms after the file
// is chosen). The app reads the file ahead meanwhile; the time measured
// is still the sniff and the import, never the look.
const lookMs = Number(values['look-ms']);
const FILES = benchFiles(values.file, ['bench-data/touchpoints-1m.csv', 'bench-data/notes-50k.csv']);
const mb = (bytes) => bytes / 1e6;

function cliSeconds(file) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync(cliBinary(), ['import', file, '--json'], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return median(times);
}

/** Pids of the browser's processes (renderers, GPU, utility). */
function descendants(root) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {}
  }
  const out = [];
  const walk = (pid) => (children.get(pid) ?? []).forEach((c) => { out.push(c); walk(c); });
  walk(root);
  return out;
}

function status(pid, key) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(key));
    return Number(line.split(/\s+/)[1]) * 1024;
  } catch {
    return 0;
  }
}

async function appRun(browser, server, file) {
  const { context, page } = await openApp(browser, server.baseUrl);
  await waitForDashboard(page);
  // The worker attributes the demo's journeys right after start-up, then
  // warms its import code up on sample files (xhs_roi_engine::warm_up); a
  // file chosen then would wait for them. Like a user reaching for a file,
  // start once the app is idle.
  await page
    .waitForFunction(
      () => ['xhs-attribute', 'xhs-warm'].every((name) => performance.getEntriesByName(name).length > 0),
      null,
      { timeout: 30_000 },
    )
    .catch(() => {});
  const pids = descendants(process.pid);
  const before = new Map(pids.map((pid) => [pid, status(pid, 'VmRSS')]));
  await page.setInputFiles('input[type="file"][data-testid="file-input"]', file);
  await page.waitForSelector('[data-testid="preview"]', { timeout: 60_000 });
  if (lookMs > 0) await page.waitForTimeout(lookMs);
  await page.click('[data-testid="confirm-import"]');
  await page.waitForFunction(() => performance.getEntriesByName('xhs-import').length > 0, null, { timeout: 120_000 });
  const [sniff, importMs, importStart, importEnd, sniffDecode, importDecode] = await page.evaluate(() => [
    performance.getEntriesByName('xhs-sniff')[0].duration,
    performance.getEntriesByName('xhs-import')[0].duration,
    performance.timeOrigin + performance.getEntriesByName('xhs-import-start')[0].startTime,
    performance.timeOrigin + performance.getEntriesByName('xhs-import-end')[0].startTime,
    performance.getEntriesByName('xhs-sniffed-decode').at(-1).duration,
    performance.getEntriesByName('xhs-done-decode').at(-1).duration,
  ]);
  // The worker's own User Timing: where the import's time went.
  let worker = {};
  for (const w of page.workers()) {
    const found = await w
      .evaluate(() => {
        const last = (name) => performance.getEntriesByName(name).at(-1)?.duration;
        const at = (name) => performance.timeOrigin + performance.getEntriesByName(name).at(-1)?.startTime;
        return {
          message: at('xhs-worker-import-message'),
          sendEnd: at('xhs-worker-send-end'),
          sniff: last('xhs-worker-sniff'),
          plan: last('xhs-worker-plan'),
          loop: last('xhs-worker-read'),
          wait: self.xhsWorkerWaitMs,
          copy: self.xhsWorkerCopyMs,
          parse: self.xhsWorkerParseMs,
          finish: last('xhs-worker-finish'),
          finishEnd: at('xhs-worker-finish-end'),
          send: last('xhs-worker-send'),
          readAhead: self.xhsWorkerReadAheadBytes,
        };
      })
      .catch(() => ({}));
    if (found.loop !== undefined) worker = found;
  }
  // Peak RSS growth of the renderer that did the work (the worker lives in it).
  let peakGrowth = 0;
  for (const pid of descendants(process.pid)) {
    peakGrowth = Math.max(peakGrowth, status(pid, 'VmHWM') - (before.get(pid) ?? 0));
  }
  await context.close();
  return {
    seconds: (sniff + importMs) / 1000,
    // The issue's own end point: the columns ready inside the worker
    // (before they are encoded for the page; touchpoints stay there).
    inWorker: (sniff + (worker.finishEnd - importStart)) / 1000,
    peakGrowth,
    sniff,
    sniffDecode,
    importMs,
    importStart,
    importEnd,
    importDecode,
    worker,
  };
}

/** A page that parses a chosen file with PapaParse and uDSV. */
function comparePage() {
  const papa = readFileSync(path.join(repoRoot, 'node_modules/papaparse/papaparse.min.js'));
  const udsv = readFileSync(path.join(repoRoot, 'node_modules/udsv/dist/uDSV.iife.min.js'));
  const html = `<!doctype html><meta charset=utf-8><input type=file id=f><script src=papa.js></script><script src=udsv.js></script>
<script>
window.parseWith = async (lib) => {
  const file = document.getElementById('f').files[0];
  const start = performance.now();
  const text = await file.text();
  let rows;
  if (lib === 'papaparse') {
    rows = Papa.parse(text, { header: true, dynamicTyping: true, skipEmptyLines: true }).data.length;
  } else {
    const schema = uDSV.inferSchema(text);
    const cols = uDSV.initParser(schema).typedCols(text);
    rows = cols[0].length;
  }
  return { ms: performance.now() - start, rows };
};
</script>`;
  const server = http.createServer((req, res) => {
    const body = { '/': html, '/papa.js': papa, '/udsv.js': udsv }[req.url];
    res.writeHead(body ? 200 : 404, { 'content-type': req.url.endsWith('.js') ? 'text/javascript' : 'text/html' });
    res.end(body ?? '');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function libSeconds(browser, url, file, lib) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.setInputFiles('#f', file);
  const { ms } = await page.evaluate((l) => window.parseWith(l), lib);
  await context.close();
  return ms / 1000;
}

const browser = await launchBrowser();
const server = await startServer();
const compare = await comparePage();
const compareUrl = `http://127.0.0.1:${compare.address().port}/`;

console.log('## Import speed\n');
console.log(
  `Machine: ${os.cpus()[0].model} x ${os.cpus().length}; Chromium ${browser.version()}; median of ${runs} runs; ${lookMs > 0 ? `the mapping screen looked at for ${lookMs} ms` : 'confirmed as soon as the preview shows'}.\n`,
);
const breakdown = [];
const spreads = [];
console.log(
  '| File | Size | CLI native | App, to columns in the worker | App, to columns on the page | PapaParse | uDSV | vs PapaParse (worker; page) | vs uDSV (worker; page) | App peak memory |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const file of FILES) {
  const size = statSync(file).size;
  const cli = cliSeconds(file);
  // The three take turns, so that whatever else the machine does at a
  // moment weighs on all of them alike; a ratio is the medians' ratio.
  const app = [];
  const papaRuns = [];
  const udsvRuns = [];
  for (let i = 0; i < runs; i++) {
    app.push(await appRun(browser, server, file));
    papaRuns.push(await libSeconds(browser, compareUrl, file, 'papaparse'));
    udsvRuns.push(await libSeconds(browser, compareUrl, file, 'udsv'));
  }
  const appSeconds = median(app.map((r) => r.seconds));
  const workerSeconds = median(app.map((r) => r.inWorker));
  const typical = app.find((r) => r.seconds === appSeconds);
  breakdown.push({ file: path.basename(file), ...typical });
  const peak = Math.max(...app.map((r) => r.peakGrowth));
  const papa = median(papaRuns);
  const udsv = median(udsvRuns);
  const rate = (s) => `${s.toFixed(3)} s (${(mb(size) / s).toFixed(0)} MB/s)`;
  console.log(
    `| ${path.basename(file)} | ${mb(size).toFixed(1)} MB | ${rate(cli)} | ${rate(workerSeconds)} | ${rate(appSeconds)} | ${rate(papa)} | ${rate(udsv)} | ${(papa / workerSeconds).toFixed(1)}x; ${(papa / appSeconds).toFixed(1)}x | ${(udsv / workerSeconds).toFixed(1)}x; ${(udsv / appSeconds).toFixed(1)}x | ${mb(peak).toFixed(0)} MB (${(peak / size).toFixed(2)}x file) |`,
  );
  const spread = (xs) => `${Math.min(...xs).toFixed(3)}-${Math.max(...xs).toFixed(3)} s`;
  spreads.push(
    `| ${path.basename(file)} | ${spread(app.map((r) => r.inWorker))} | ${spread(app.map((r) => r.seconds))} | ${spread(papaRuns)} | ${spread(udsvRuns)} |`,
  );
}
console.log('\n### Fastest to slowest of the runs\n');
console.log('| File | App, columns in the worker | App, columns on the page | PapaParse | uDSV |');
console.log('|---|---:|---:|---:|---:|');
spreads.forEach((line) => console.log(line));
const ms = (x) => (x === undefined || Number.isNaN(x) ? '-' : `${x.toFixed(0)} ms`);
console.log('\n### Where the app\'s time goes (the median run; User Timing in the page and in the worker)\n');
console.log(
  '| File | Sniff (page) | of which in the worker | decoding the plan | read before the import (outside the time) | Import (page) | to the worker | plan again | waiting for slices | copying them in | parsing | finishing | encoding and posting | back to the page | of which decoding |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const b of breakdown) {
  const w = b.worker;
  console.log(
    `| ${b.file} | ${ms(b.sniff)} | ${ms(w.sniff)} | ${ms(b.sniffDecode)} | ${w.readAhead === undefined ? '-' : `${mb(w.readAhead).toFixed(0)} MB`} | ${ms(b.importMs)} | ${ms(w.message - b.importStart)} | ${ms(w.plan)} | ${ms(w.wait)} | ${ms(w.copy)} | ${ms(w.parse)} | ${ms(w.finish)} | ${ms(w.send)} | ${ms(b.importEnd - w.sendEnd)} | ${ms(b.importDecode)} |`,
  );
}
await browser.close();
await server.close();
compare.close();
