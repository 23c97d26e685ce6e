#!/usr/bin/env node
// The engine's import alone, one WebAssembly module (scripts/engine-wasm:
// no JavaScript glue, no reader, no messages) run in Node and in a Chromium
// worker on the same files. It tells the engine's speed in each runtime
// apart from what the app adds around it (reading the file, copying the
// slices in, the sniff on the page), which scripts/bench-import.mjs measures
// together.
//
// Each Chromium round is a fresh worker that warms up on the engine's
// samples (as the app's import worker does while the app is idle), waits a
// second, then imports the file once ("first import": what a user's file
// meets) and again a few times ("steady": the same code and memory, warm).
//
// Usage: node scripts/make-bench-data.mjs && node scripts/bench-engine-browser.mjs [--rounds 5] [--file F]...
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { benchFiles, median } from './bench-support.mjs';
import { launchBrowser, repoRoot } from '../tests/e2e/support/browser.mjs';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, file: { type: 'string', multiple: true } },
});
const rounds = Number(values.rounds);
const files = benchFiles(values.file, ['bench-data/notes-50k.csv', 'bench-data/touchpoints-1m.csv']);

const crate = path.join(repoRoot, 'scripts/engine-wasm');
const targetDir = path.join(repoRoot, 'target/engine-wasm');
execFileSync(
  'cargo',
  ['build', '--release', '--locked', '--target', 'wasm32-unknown-unknown', '--target-dir', targetDir],
  { cwd: crate, stdio: ['ignore', 'ignore', 'inherit'] },
);
const wasm = readFileSync(path.join(targetDir, 'wasm32-unknown-unknown/release/engine_wasm.wasm'));

// The same measuring code runs in Node and in the worker.
const measure = `
async function measure(wasm, bytes, warmRounds, idleMs, steadyRuns) {
  const { instance } = await WebAssembly.instantiate(wasm, {});
  const e = instance.exports;
  e.warm(warmRounds);
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const times = [];
  const at = e.room(bytes.length);
  for (let i = 0; i <= steadyRuns; i++) {
    // Copied in before each run, as the app copies each slice in just
    // before it is parsed.
    new Uint8Array(e.memory.buffer, at, bytes.length).set(bytes);
    const start = performance.now();
    const rows = e.import(at, bytes.length);
    times.push(performance.now() - start);
    if (rows === 0) throw new Error('the engine read no rows');
  }
  return { first: times[0], steady: times.slice(1) };
}`;
const WARM_ROUNDS = 12;
const IDLE_MS = 1000;
const STEADY_RUNS = 3;

const spread = (xs) => `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`;

async function inNode(bytes) {
  const run = new Function(`${measure}; return measure;`)();
  const out = [];
  for (let i = 0; i < rounds; i++) out.push(await run(wasm, bytes, WARM_ROUNDS, IDLE_MS, STEADY_RUNS));
  return out;
}

async function inChromium(browser, bytes) {
  const routes = {
    '/': '<!doctype html><meta charset=utf-8>',
    '/engine.wasm': wasm,
    '/file.csv': bytes,
    '/worker.js': `${measure}
onmessage = async ({ data }) => {
  const [wasm, bytes] = await Promise.all(['engine.wasm', 'file.csv'].map((u) => fetch(u).then((r) => r.arrayBuffer())));
  postMessage(await measure(wasm, new Uint8Array(bytes), ${WARM_ROUNDS}, ${IDLE_MS}, ${STEADY_RUNS}));
};`,
  };
  const server = http.createServer((req, res) => {
    const body = routes[req.url];
    const type = req.url.endsWith('.wasm') ? 'application/wasm' : req.url.endsWith('.js') ? 'text/javascript' : 'text/html';
    res.writeHead(body ? 200 : 404, { 'content-type': type });
    res.end(body ?? '');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const out = [];
  for (let i = 0; i < rounds; i++) {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    out.push(
      await page.evaluate(
        () =>
          new Promise((resolve, reject) => {
            const worker = new Worker('worker.js');
            worker.onmessage = (m) => resolve(m.data);
            worker.onerror = (e) => reject(new Error(e.message));
            worker.postMessage(null);
          }),
      ),
    );
    await page.close();
  }
  server.close();
  return out;
}

const browser = await launchBrowser();
console.log(`## The engine alone: Node ${process.versions.node} and Chromium ${browser.version()}\n`);
console.log(
  `${rounds} rounds each; a round warms up (${WARM_ROUNDS} rounds of the samples), idles ${IDLE_MS} ms, imports once (first), then ${STEADY_RUNS} times (steady). Milliseconds, median (fastest-slowest).\n`,
);
console.log('| File | Size | Node, first | Node, steady | Chromium worker, first | Chromium worker, steady |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const file of files) {
  const bytes = readFileSync(file);
  const node = await inNode(bytes);
  const chromium = await inChromium(browser, bytes);
  const cell = (xs) => `${median(xs).toFixed(1)} (${spread(xs)})`;
  const firsts = (rs) => rs.map((r) => r.first);
  const steadies = (rs) => rs.flatMap((r) => r.steady);
  console.log(
    `| ${path.basename(file)} | ${(bytes.length / 1e6).toFixed(1)} MB | ${cell(firsts(node))} | ${cell(steadies(node))} | ${cell(firsts(chromium))} | ${cell(steadies(chromium))} |`,
  );
}
await browser.close();
