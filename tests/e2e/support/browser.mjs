// Browser and CLI helpers shared by the end-to-end tests and the benchmark.
//
// The tests drive Debian's Chromium through playwright-core; no browser is
// ever downloaded. The CLI is the reference: the dashboard must show the
// numbers the engine prints for the same files, because both are shells over
// the same engine crate.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { repoRoot } from './server.mjs';

export { repoRoot };

/** How long the app may take to load, compile its wasm and render. */
export const READY_TIMEOUT_MS = 30_000;

// Flags for a quiet, reproducible browser: no GPU on CI machines, and none of
// Chromium's own background traffic, which would otherwise blur both the
// "no outside requests" check and the benchmark timings.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches the system Chromium (override with the CHROMIUM variable). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * Opens the app in a fresh browser context and records what the page does.
 *
 * Recording starts before navigation so the very first requests (HTML, JS,
 * wasm, demo data) and any errors while booting are included.
 *
 * @param {import('playwright-core').Browser} browser
 * @param {string} url the app's URL (a query string such as `?panic-test` is fine)
 * @param {{locale?: string, viewport?: {width: number, height: number}, deviceScaleFactor?: number}} [options]
 * @returns {Promise<{context, page, requests: string[], responses: {url: string, status: number}[],
 *   consoleErrors: string[], pageErrors: string[]}>}
 */
export async function openApp(
  browser,
  url,
  { locale = 'en-US', viewport = { width: 1280, height: 800 }, deviceScaleFactor = 1 } = {},
) {
  const context = await browser.newContext({ locale, viewport, deviceScaleFactor });
  const page = await context.newPage();
  const requests = [];
  const responses = [];
  const consoleErrors = [];
  const pageErrors = [];

  page.on('request', (request) => requests.push(request.url()));
  page.on('response', (response) => responses.push({ url: response.url(), status: response.status() }));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url: source, lineNumber } = message.location();
    consoleErrors.push(source ? `${message.text()} (${source}:${lineNumber})` : message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.stack || String(error)));

  await page.goto(url);
  return { context, page, requests, responses, consoleErrors, pageErrors };
}

/** Waits until the app says its dashboard is rendered (`#app[data-ready="true"]`). */
export async function waitForDashboard(page) {
  await page.waitForSelector('#app[data-ready="true"]', { state: 'attached', timeout: READY_TIMEOUT_MS });
}

/**
 * The machine-readable KPI values on the page: `{key: number | null}` from
 * every `[data-kpi]` element. An empty `data-value` means the figure does not
 * exist (a ratio over zero) and reads as null.
 */
export async function readKpis(page) {
  const pairs = await page.$$eval('[data-kpi]', (elements) =>
    elements.map((element) => [element.dataset.kpi, element.getAttribute('data-value') ?? '']),
  );
  const kpis = {};
  for (const [key, raw] of pairs) {
    const value = raw.trim() === '' ? null : Number(raw);
    // The same KPI may appear twice (e.g. a card and a summary); it must not
    // disagree with itself.
    if (key in kpis && !Object.is(kpis[key], value)) {
      throw new Error(`KPI "${key}" appears with two values: ${kpis[key]} and ${value}`);
    }
    kpis[key] = value;
  }
  return kpis;
}

/** The text a reader sees in each KPI card's `.kpi-value`, by KPI key. */
export async function readKpiTexts(page) {
  const pairs = await page.$$eval('[data-kpi]', (elements) =>
    elements
      .map((element) => [element.dataset.kpi, element.querySelector('.kpi-value')?.innerText])
      .filter(([, text]) => text !== undefined),
  );
  return Object.fromEntries(pairs);
}

/** Path of the release CLI binary (override with XHS_ROI_BIN or CARGO_TARGET_DIR). */
export function cliBinary() {
  return path.resolve(
    repoRoot,
    process.env.XHS_ROI_BIN || `${process.env.CARGO_TARGET_DIR || 'target'}/release/xhs-roi`,
  );
}

/**
 * Runs `xhs-roi report <args> --json` from the repository root (so the demo
 * CSV paths are relative to it) and returns the parsed report.
 */
export function cliReport(args) {
  const binary = cliBinary();
  if (!existsSync(binary)) {
    throw new Error(
      `CLI binary ${binary} not found: run \`cargo build --release -p xhs-roi-cli\` or set XHS_ROI_BIN`,
    );
  }
  const stdout = execFileSync(binary, ['report', ...args, '--json'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

/**
 * Flattens the CLI report to the page's KPI keys: `cost_by_category.kol`
 * becomes `cost_kol`, and so on; every other top-level key is kept as is.
 */
export function flattenReport(json) {
  const { cost_by_category: costs, ...rest } = json;
  const flat = { ...rest };
  for (const [category, amount] of Object.entries(costs ?? {})) {
    flat[`cost_${category}`] = amount;
  }
  return flat;
}

/** Saves a full-page screenshot as tests/artifacts/<name>.png for review. */
export async function screenshot(page, name) {
  const directory = path.join(repoRoot, 'tests', 'artifacts');
  await mkdir(directory, { recursive: true });
  const file = path.join(directory, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
