// End-to-end checks of the release build in a real browser.
//
// The dashboard is only useful if it shows exactly what the engine computes,
// works offline for private data (no request leaves the page's origin), and
// fails loudly rather than silently. Each test opens its own browser context
// so none depends on the state another left behind; everything the pages
// request or log is kept for the audit at the end of the file.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { confirmMapping } from './support/mapping.mjs';
import { startServer } from './support/server.mjs';
import {
  cliBinary,
  cliReport,
  flattenReport,
  launchBrowser,
  openApp,
  readKpis,
  readKpiTexts,
  repoRoot,
  screenshot,
  waitForDashboard,
} from './support/browser.mjs';

const DEMO = {
  notes: 'public/demo/notes.csv',
  costs: 'public/demo/costs.csv',
  orders: 'public/demo/orders.csv',
};
const FULL_REPORT_ARGS = ['--notes', DEMO.notes, '--costs', DEMO.costs, '--orders', DEMO.orders];
const NOTES_REPORT_ARGS = ['--notes', DEMO.notes];

/** The figures the demo dashboard must show, at the least. */
const HEADLINE_KPIS = [
  'impressions', 'views', 'interactions', 'engagement_rate', 'save_rate',
  'cpe', 'cpv', 'cpm', 'cost_total',
  'cost_content', 'cost_kol', 'cost_paid', 'cost_agency', 'cost_technology',
  'revenue', 'roas', 'roi',
];
/** The figures that exist with notes alone. */
const NOTES_KPIS = ['impressions', 'views', 'interactions', 'engagement_rate', 'save_rate'];

const FILE_INPUT = 'input[type=file][data-testid="file-input"]';
const FILES_READY = '#app[data-source="files"][data-ready="true"]';
const TEST_OPTIONS = { timeout: 120_000 };

let server;
let browser;
/** Every page opened in this file, for the final origin and error audit. */
const sessions = [];

before(async () => {
  server = await startServer({ prefix: '/' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * Opens the app in a new context that is closed when the test ends, and
 * registers its recordings for the audit.
 *
 * errorsExpected: the test provokes errors on purpose (the panic test).
 * ignoredUrls: outside URLs the test itself requests on purpose (the CSP probe).
 */
async function openSession(t, label, { url = server.baseUrl, errorsExpected = false, ignoredUrls = [], ...options } = {}) {
  const session = await openApp(browser, url, options);
  sessions.push({ label, errorsExpected, ignoredUrls, ...session });
  t.after(() => session.context.close());
  return session;
}

/** Caches CLI runs: the same report is compared by several tests. */
const reports = new Map();
function engineKpis(args) {
  const key = args.join('\0');
  if (!reports.has(key)) reports.set(key, flattenReport(cliReport(args)));
  return reports.get(key);
}

/**
 * Whether the page's value is the engine's. Both are printed from the same
 * f64 (shortest round-trip form), so they should be identical; the relative
 * tolerance only guards against a lossy step in the JSON round trip.
 */
function sameNumber(shown, expected) {
  if (expected === null || shown === null) return shown === expected;
  if (Number.isInteger(expected)) return shown === expected;
  return Math.abs(shown - expected) <= 1e-12 * Math.abs(expected);
}

/** Lists `{key, page, cli}` for each key whose page value differs from the CLI's. */
function kpiMismatches(pageKpis, cliKpis, keys) {
  return keys
    .filter((key) => !sameNumber(pageKpis[key] ?? null, cliKpis[key] ?? null))
    .map((key) => ({ key, page: pageKpis[key], cli: cliKpis[key] }));
}

/**
 * Waits until the page's KPIs equal the engine's over `keys(pageKpis)`, then
 * asserts so a failure shows the last differences; also asserts the page
 * has every `required` KPI. The wait absorbs the gap between an import
 * finishing and every card re-rendering.
 */
async function expectKpis(page, cliKpis, { keys, required }, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let pageKpis;
  let mismatches;
  for (;;) {
    pageKpis = await readKpis(page);
    mismatches = kpiMismatches(pageKpis, cliKpis, keys(pageKpis));
    if (mismatches.length === 0 || Date.now() > deadline) break;
    await page.waitForTimeout(100);
  }
  const missing = required.filter((key) => !(key in pageKpis));
  assert.deepEqual(missing, [], 'KPIs missing from the dashboard');
  assert.deepEqual(mismatches, [], 'dashboard KPIs differ from `xhs-roi report --json`');
  return pageKpis;
}

/** Every KPI on the page must be one the engine reports. */
function keysOnPage(cliKpis) {
  return (pageKpis) => {
    const unknown = Object.keys(pageKpis).filter((key) => !(key in cliKpis));
    assert.deepEqual(unknown, [], 'the page shows KPIs the CLI report does not have');
    return Object.keys(pageKpis);
  };
}

/** Keys both the page and the engine have. */
function keysInBoth(cliKpis) {
  return (pageKpis) => Object.keys(pageKpis).filter((key) => key in cliKpis);
}

/**
 * Reads a formatted figure back into a number: `¥1,234,567`, `-¥2,500`,
 * `8.3%`, `2.15×`, `1,234.57万`, `¥1.23亿`, a card's shortened `1.22B`, or `—`
 * for a missing value.
 * Returns the value and half a unit of the last digit shown (after scaling),
 * the most a correctly rounded display can differ from the exact figure.
 */
function parseShown(text) {
  let body = text.replace(/[\s\u00a0\u202f]/g, '');
  if (body === '—') return { value: null, halfUnit: 0 };
  body = body.replace(/[¥￥]/g, '');
  let sign = 1;
  if (/^[-−]/.test(body)) {
    sign = -1;
    body = body.slice(1);
  }
  const SCALES = { '%': 0.01, '×': 1, '万': 1e4, '亿': 1e8, k: 1e3, M: 1e6, B: 1e9 };
  let scale = 1;
  while (body.length > 0 && body.at(-1) in SCALES) {
    scale *= SCALES[body.at(-1)];
    body = body.slice(0, -1);
  }
  body = body.replace(/,/g, '');
  if (!/^\d+(\.\d+)?$/.test(body)) throw new Error(`cannot read a number from "${text}"`);
  const decimals = body.split('.')[1]?.length ?? 0;
  return { value: sign * Number(body) * scale, halfUnit: 0.5 * 10 ** -decimals * scale };
}

/**
 * The visible text of every card must be the engine's value rounded to the
 * digits it shows: catches a card wired to the wrong figure or a unit slip
 * (a fraction shown without ×100) that `data-value` alone would not.
 */
async function expectShownTextsMatch(page, cliKpis) {
  const texts = await readKpiTexts(page);
  assert.ok(Object.keys(texts).length > 0, 'no .kpi-value found inside [data-kpi] cards');
  const wrong = [];
  for (const [key, text] of Object.entries(texts)) {
    if (!(key in cliKpis)) continue;
    const expected = cliKpis[key];
    let shown;
    try {
      shown = parseShown(text);
    } catch (error) {
      wrong.push({ key, text, cli: expected, problem: error.message });
      continue;
    }
    const ok =
      shown.value === null || expected === null
        ? shown.value === expected
        : // The slack only absorbs binary rounding of the parsed decimal.
          Math.abs(shown.value - expected) <= shown.halfUnit * (1 + 1e-9) + Math.abs(expected) * 1e-15;
    if (!ok) wrong.push({ key, text, cli: expected });
  }
  assert.deepEqual(wrong, [], 'card text does not show the engine value to its last digit');
}

async function uploadAndWait(page, files) {
  await page.setInputFiles(FILE_INPUT, files.map((file) => path.join(repoRoot, file)));
  await confirmMapping(page, files.length);
  await page.waitForSelector(FILES_READY, { state: 'attached', timeout: 30_000 });
}

test('demo dashboard shows the engine\'s numbers for the demo data', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'demo', { locale: 'en-US' });
  await waitForDashboard(page);
  assert.equal(await page.getAttribute('#app', 'data-source'), 'demo');

  const cli = engineKpis(FULL_REPORT_ARGS);
  await expectKpis(page, cli, { keys: keysOnPage(cli), required: HEADLINE_KPIS });

  await expectShownTextsMatch(page, cli);
  await screenshot(page, 'dashboard-en');
});

test('the attribution table shows the engine\'s credit for every model and channel', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'attribution', { locale: 'en-US' });
  await waitForDashboard(page);
  await page.waitForSelector('[data-testid="attribution-table"]', { timeout: 30_000 });
  const shown = await page.$$eval('[data-testid="attribution-table"] td[data-model]', (cells) =>
    cells.map((c) => [c.dataset.model, c.dataset.channel, Number(c.dataset.value)]),
  );
  const cli = JSON.parse(
    execFileSync(cliBinary(), ['attribute', '--touchpoints', 'public/demo/touchpoints.csv', '--format', 'json'], {
      cwd: repoRoot,
      maxBuffer: 1 << 26,
    }).toString(),
  );
  const expected = new Map();
  for (const model of cli.models) {
    for (const credit of model.credits) expected.set(`${model.model}/${credit.channel}`, credit.conversions);
  }
  assert.equal(shown.length, expected.size, 'one cell per model and channel');
  for (const [model, channel, value] of shown) {
    assert.equal(value, expected.get(`${model}/${channel}`), `${model} ${channel}`);
  }
  // The path explorer: top converting paths, journey lengths, time to conversion.
  await page.waitForSelector('[data-testid="top-paths"]', { timeout: 10_000 });
  const paths = await page.$$eval('[data-testid="top-path"]', (rows) => rows.length);
  assert.ok(paths > 0 && paths <= 10, `${paths} top paths`);
  assert.equal(await page.locator('[data-testid="path-lengths"] li').count(), 6);
  assert.equal(await page.locator('[data-testid="time-to-conversion"] li').count(), 6);
  // Markov removal effects, as the CLI reports them.
  const removal = await page.$$eval('[data-testid="removal-effects"] li', (items) =>
    Object.fromEntries(items.map((li) => [li.dataset.channel, Number(li.dataset.value)])),
  );
  const markovResult = cli.models.find((m) => m.model === 'markov');
  assert.deepEqual(
    removal,
    Object.fromEntries(markovResult.removal_effects.map((e) => [e.channel, e.conversions])),
  );
  const highlighted = await page.$$eval('[data-testid="attribution-table"] tr.xhs', (rows) => rows.length);
  assert.ok(highlighted >= 3, 'Xiaohongshu channels are highlighted');
  await screenshot(page, 'attribution-en');
});

test('changing the Markov order reruns attribution and matches the CLI', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'markov order', { locale: 'en-US' });
  await waitForDashboard(page);
  await page.waitForSelector('[data-testid="attribution-table"]', { timeout: 30_000 });
  const cli = JSON.parse(
    execFileSync(
      cliBinary(),
      ['attribute', '--touchpoints', 'public/demo/touchpoints.csv', '--markov-order', '2', '--format', 'json'],
      { cwd: repoRoot, maxBuffer: 1 << 26 },
    ).toString(),
  );
  const markov = cli.models.find((m) => m.model === 'markov');
  await page.selectOption('[data-testid="markov-order"]', '2');
  const expected = Object.fromEntries(markov.credits.map((c) => [c.channel, c.conversions]));
  await page.waitForFunction(
    (want) =>
      [...document.querySelectorAll('[data-testid="attribution-table"] td[data-model="markov"]')].every(
        (td) => Number(td.dataset.value) === want[td.dataset.channel],
      ),
    expected,
    { timeout: 15_000 },
  );
});

/** `xhs-roi attribute` on the demo touchpoints, as JSON. */
function cliAttribute(extra = []) {
  return JSON.parse(
    execFileSync(cliBinary(), ['attribute', '--touchpoints', 'public/demo/touchpoints.csv', '--format', 'json', ...extra], {
      cwd: repoRoot,
      maxBuffer: 1 << 26,
    }).toString(),
  );
}

test('survey answers sit beside each model\'s platform shares exactly as the CLI computes them', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'surveys', { locale: 'zh-CN' });
  await waitForDashboard(page);
  await page.waitForSelector('[data-testid="survey-comparison"] tr[data-platform]', { timeout: 30_000 });
  const shown = await page.$$eval('[data-testid="survey-comparison"] tr[data-platform]', (rows) =>
    rows.map((row) => ({
      platform: row.dataset.platform,
      survey: Number(row.querySelector('.survey-share').dataset.value),
      models: [...row.querySelectorAll('td[data-model]')].map((td) => [td.dataset.model, Number(td.dataset.value)]),
    })),
  );
  const cli = cliAttribute(['--surveys', 'public/demo/surveys.csv']).surveys;
  assert.deepEqual(
    shown,
    cli.platforms.map((p) => ({ platform: p.platform, survey: p.survey, models: p.models.map((m) => [m.model, m.share]) })),
  );
  assert.equal(shown[0].platform, 'xiaohongshu');
  const firstCell = await page.textContent('[data-testid="survey-comparison"] tr[data-platform="xiaohongshu"] th');
  assert.equal(firstCell, '小红书');
  await screenshot(page, 'surveys-zh');
});

test('custom position weights, the bootstrap choice and the progress bar rerun attribution like the CLI', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'custom weights', { locale: 'en-US' });
  await waitForDashboard(page);
  await page.waitForSelector('[data-testid="attribution-table"]', { timeout: 30_000 });

  // 50/25/25 are exact in binary, so the page's weights equal the CLI's.
  await page.selectOption('[data-testid="position-preset"]', '3');
  await page.fill('[data-testid="position-weight-0"]', '50');
  await page.fill('[data-testid="position-weight-1"]', '25');
  assert.ok(await page.isVisible('.field-error'), 'a sum other than 100 is refused with a message');
  await page.fill('[data-testid="position-weight-2"]', '25');
  assert.ok(!(await page.isVisible('.field-error')));
  const cli = cliAttribute(['--position-weights', '0.5,0.25,0.25']);
  const expected = Object.fromEntries(
    cli.models.find((m) => m.model === 'position_based').credits.map((c) => [c.channel, c.conversions]),
  );
  await page.waitForFunction(
    (want) =>
      [...document.querySelectorAll('[data-testid="attribution-table"] td[data-model="position_based"]')].every(
        (td) => Number(td.dataset.value) === want[td.dataset.channel],
      ),
    expected,
    { timeout: 15_000 },
  );

  // Bootstrap off: no intervals. 1,000 resamples: a progress bar, then intervals.
  await page.selectOption('[data-testid="bootstrap"]', '0');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="attribution-table"] .interval').length === 0, null, {
    timeout: 15_000,
  });
  await Promise.all([
    page.waitForSelector('[data-testid="attribution-progress"]', { state: 'attached', timeout: 15_000 }),
    page.selectOption('[data-testid="bootstrap"]', '1000'),
  ]);
  await page.waitForSelector('[data-testid="attribution-progress"]', { state: 'detached', timeout: 60_000 });
  await page.waitForSelector('[data-testid="attribution-table"] .interval', { timeout: 15_000 });
  const help = await page.getAttribute('[data-testid="attribution-table"] .interval', 'title');
  assert.match(help, /1000 resamples/);
});

test('channel rules give touches without a channel their channel, and the user can edit them', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'channel rules', { locale: 'en-US' });
  await waitForDashboard(page);
  const log = 'tests/e2e/fixtures/utm-touchpoints.csv';
  await uploadAndWait(page, [log]);
  const channels = () =>
    page.$$eval('[data-testid="attribution-table"] td[data-model="first_touch"]', (tds) =>
      Object.fromEntries(tds.map((td) => [td.dataset.channel, Number(td.dataset.value)])),
    );
  const cliFirstTouch = (extra = []) =>
    Object.fromEntries(
      JSON.parse(
        execFileSync(cliBinary(), ['attribute', '--touchpoints', log, '--format', 'json', ...extra], {
          cwd: repoRoot,
        }).toString(),
      )
        .models.find((m) => m.model === 'first_touch')
        .credits.map((c) => [c.channel, c.conversions]),
    );
  // Default rules: weibo is a source no rule knows ("other").
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-testid="attribution-table"] td[data-channel="other"]')].length > 0,
    null,
    { timeout: 15_000 },
  );
  assert.deepEqual(await channels(), cliFirstTouch());

  // A rule for weibo, added on the panel, matches the CLI given the same rule.
  await page.click('[data-testid="channel-rules"] summary');
  const before = await page.locator('[data-testid="channel-rule"]').count();
  await page.click('[data-testid="add-rule"]');
  const added = page.locator('[data-testid="channel-rule"]').nth(before);
  await added.locator('.rule-patterns input').fill('weibo');
  await added.locator('.rule-patterns input').press('Enter');
  await added.locator('input.rule-channel').fill('weibo');
  await added.locator('input.rule-channel').press('Enter');
  await page.waitForSelector('[data-testid="attribution-table"] td[data-channel="weibo"]', { timeout: 15_000 });
  const rules = JSON.stringify({
    rules: [{ field: 'utm_source', matches: { equals: ['weibo'] }, channel: 'weibo' }],
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xhs-rules-'));
  const rulesFile = path.join(dir, 'rules.json');
  await writeFile(rulesFile, rules);
  // The CLI's file holds only the weibo rule; the defaults cover the rest the same way here.
  const cli = cliFirstTouch(['--channel-rules', rulesFile]);
  const shown = await channels();
  assert.equal(shown.weibo, cli.weibo);
  assert.equal(shown.weibo, 1, 'one converting journey starts on weibo');
  await page.screenshot({ path: path.join(repoRoot, 'tests', 'artifacts', 'channel-rules.png'), fullPage: false });

  // Deleting the rule can be undone.
  await added.locator('[data-testid="delete-rule"]').click();
  await page.waitForSelector('[data-testid="attribution-table"] td[data-channel="weibo"]', { state: 'detached', timeout: 15_000 });
  await page.click('[data-testid="undo-delete-rule"]');
  await page.waitForSelector('[data-testid="attribution-table"] td[data-channel="weibo"]', { timeout: 15_000 });
});

test('uploading the demo notes alone gives the notes-only numbers', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'upload notes');
  await waitForDashboard(page);
  await uploadAndWait(page, [DEMO.notes]);

  const cli = engineKpis(NOTES_REPORT_ARGS);
  await expectKpis(page, cli, { keys: keysInBoth(cli), required: NOTES_KPIS });
  // The demo's journeys went with the demo: no attribution without the user's own.
  await page.waitForSelector('[data-testid="attribution-table"]', { state: 'detached', timeout: 15_000 });

  await expectShownTextsMatch(page, cli);
  await screenshot(page, 'upload-notes');
});

test('uploading notes, costs and orders together reproduces the demo figures', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'upload all');
  await waitForDashboard(page);
  await uploadAndWait(page, [DEMO.notes, DEMO.costs, DEMO.orders]);

  const cli = engineKpis(FULL_REPORT_ARGS);
  await expectKpis(page, cli, { keys: keysOnPage(cli), required: HEADLINE_KPIS });
  await expectShownTextsMatch(page, cli);
});

test('drag and drop of a file works', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'drag and drop');
  await waitForDashboard(page);

  // Pass the bytes, not decoded text, so the dropped file is the demo file
  // exactly, whatever its encoding.
  const base64 = (await readFile(path.join(repoRoot, DEMO.notes))).toString('base64');
  const dataTransfer = await page.evaluateHandle((encoded) => {
    const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'notes.csv', { type: 'text/csv' }));
    return transfer;
  }, base64);
  // A drop is only accepted after dragenter/dragover were handled, as in a
  // real drag.
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.dispatchEvent('[data-testid="drop-zone"]', type, { dataTransfer });
  }
  await confirmMapping(page, 1);
  await page.waitForSelector(FILES_READY, { state: 'attached', timeout: 30_000 });

  const cli = engineKpis(NOTES_REPORT_ARGS);
  await expectKpis(page, cli, { keys: keysInBoth(cli), required: NOTES_KPIS });
  // The demo's journeys went with the demo: no attribution without the user's own.
  await page.waitForSelector('[data-testid="attribution-table"]', { state: 'detached', timeout: 15_000 });
});

test('a broken file gets a clear message naming the file', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'broken file');
  await waitForDashboard(page);
  const kpisBefore = await readKpis(page);
  const sourceBefore = await page.getAttribute('#app', 'data-source');

  await page.setInputFiles(FILE_INPUT, {
    name: 'broken.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('%PDF-1.7 binary'),
  });
  const message = page.locator('[data-testid="import-error"]');
  await message.waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await message.innerText(), /broken\.csv/);

  // A bad file must not wipe out the figures the user was looking at.
  assert.equal(await page.getAttribute('#app', 'data-ready'), 'true');
  assert.equal(await page.getAttribute('#app', 'data-source'), sourceBefore);
  assert.deepEqual(await readKpis(page), kpisBefore);
});

test('the language switch changes the labels and the html lang', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'language switch', { locale: 'en-US' });
  await waitForDashboard(page);
  const label = page.locator('[data-kpi="impressions"] .kpi-label').first();
  const labelIs = (text) =>
    page.waitForFunction(
      (expected) =>
        document.querySelector('[data-kpi="impressions"] .kpi-label')?.textContent.trim() === expected,
      text,
      { timeout: 10_000 },
    );

  await page.click('[data-lang="zh"]');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN', null, { timeout: 10_000 });
  await labelIs('曝光');
  assert.equal((await label.textContent()).trim(), '曝光');
  // Chinese figures use 万 and 亿; they must still be the engine's numbers.
  await expectShownTextsMatch(page, engineKpis(FULL_REPORT_ARGS));
  await page.waitForTimeout(300); // let the charts repaint their Chinese labels
  await screenshot(page, 'dashboard-zh');

  await page.click('[data-lang="en"]');
  await labelIs('Impressions');
  assert.equal((await label.textContent()).trim(), 'Impressions');
  assert.match(await page.evaluate(() => document.documentElement.lang), /^en\b/);
});

test('a Chinese browser starts in Chinese', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'zh-CN browser', { locale: 'zh-CN' });
  await waitForDashboard(page);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.equal(
    (await page.locator('[data-kpi="impressions"] .kpi-label').first().textContent()).trim(),
    '曝光',
  );
});

/**
 * Measures each chart canvas in the page: backing-store size, CSS size, and
 * whether anything was drawn (share of non-transparent pixels, distinct
 * colours, capped). The canvas is copied into a fresh 2d canvas so this works
 * whatever context the chart itself uses.
 */
function inspectCharts() {
  return [...document.querySelectorAll('canvas[data-chart]')].map((canvas) => {
    const { width, height, clientWidth, clientHeight } = canvas;
    let paintedShare = 0;
    const colours = new Set();
    if (width > 0 && height > 0) {
      const copy = document.createElement('canvas');
      copy.width = width;
      copy.height = height;
      const context = copy.getContext('2d');
      context.drawImage(canvas, 0, 0);
      const pixels = new Uint32Array(context.getImageData(0, 0, width, height).data.buffer);
      let painted = 0;
      for (const pixel of pixels) {
        if (pixel >>> 24 !== 0) painted++; // alpha byte (little-endian RGBA)
        if (colours.size < 64) colours.add(pixel);
      }
      paintedShare = painted / pixels.length;
    }
    return { chart: canvas.dataset.chart, width, height, clientWidth, clientHeight, paintedShare, colours: colours.size };
  });
}

/** Problems that make a chart blurry or empty at the given device pixel ratio. */
function chartProblems(charts, ratio) {
  const problems = [];
  for (const name of ['time-series', 'cost', 'funnel', 'stacked-cost', 'scatter', 'lifespan', 'attribution']) {
    if (!charts.some((c) => c.chart === name)) problems.push(`no canvas[data-chart="${name}"]`);
  }
  for (const c of charts) {
    if (c.clientWidth === 0) problems.push(`${c.chart}: not laid out (clientWidth 0)`);
    if (Math.abs(c.width - ratio * c.clientWidth) > 2) {
      problems.push(`${c.chart}: width ${c.width}, expected ${ratio} × ${c.clientWidth} CSS px`);
    }
    if (Math.abs(c.height - ratio * c.clientHeight) > 2) {
      problems.push(`${c.chart}: height ${c.height}, expected ${ratio} × ${c.clientHeight} CSS px`);
    }
    if (c.paintedShare <= 0.01) problems.push(`${c.chart}: blank (${(c.paintedShare * 100).toFixed(2)}% painted)`);
    if (c.colours < 2) problems.push(`${c.chart}: a single flat colour`);
  }
  return problems;
}

/**
 * Scrolls every chart into view in turn: charts out of view are not drawn
 * (they paint when they come near the viewport).
 */
async function visitCharts(page) {
  await page.evaluate(async () => {
    for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
      canvas.scrollIntoView({ block: 'center' });
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 30)));
    }
    window.scrollTo(0, 0);
  });
}

/** Polls the charts until they satisfy `accept` or the time runs out. */
async function settledCharts(page, accept, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await visitCharts(page);
    const charts = await page.evaluate(inspectCharts);
    if (accept(charts) || Date.now() > deadline) return charts;
    await page.waitForTimeout(100);
  }
}

test('charts are drawn crisp for the device pixel ratio', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'device pixel ratio 2', {
    deviceScaleFactor: 2,
    viewport: { width: 1280, height: 800 },
  });
  await waitForDashboard(page);
  // The attribution chart arrives from the worker a moment after the cards.
  await page.waitForSelector('canvas[data-chart="attribution"]', { timeout: 30_000 });

  const wide = await settledCharts(page, (charts) => chartProblems(charts, 2).length === 0, 10_000);
  assert.deepEqual(chartProblems(wide, 2), [], 'charts at 1280 px');

  await page.setViewportSize({ width: 800, height: 800 });
  await page.waitForTimeout(500);
  // A short extra poll tolerates a busy CI machine; the charts must still
  // follow the new width, not keep their old backing store.
  const resized = (charts) =>
    chartProblems(charts, 2).length === 0 &&
    charts.every((c) => c.width !== wide.find((w) => w.chart === c.chart)?.width);
  const narrow = await settledCharts(page, resized, 2_000);
  assert.deepEqual(chartProblems(narrow, 2), [], 'charts at 800 px');
  for (const chart of narrow) {
    const atWide = wide.find((w) => w.chart === chart.chart);
    assert.notEqual(chart.width, atWide?.width, `${chart.chart}: canvas width did not follow the viewport`);
  }
});

const CSP_PROBE_URL = 'https://example.com/x';

test('the content security policy blocks outside requests', TEST_OPTIONS, async (t) => {
  // The probe is requested on purpose; the audit must not count it.
  const { page } = await openSession(t, 'csp', { ignoredUrls: [CSP_PROBE_URL] });
  await waitForDashboard(page);

  const policy = await page.evaluate(
    () => document.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.content ?? null,
  );
  assert.ok(policy, 'no <meta http-equiv="Content-Security-Policy">');
  assert.ok(policy.includes("default-src 'self'"), `CSP lacks default-src 'self': ${policy}`);
  assert.ok(policy.includes("connect-src 'self'"), `CSP lacks connect-src 'self': ${policy}`);

  const outcome = await page.evaluate((url) => fetch(url).then(() => 'allowed', () => 'blocked'), CSP_PROBE_URL);
  assert.equal(outcome, 'blocked');
});

test('a panic becomes a visible error, not a dead page', TEST_OPTIONS, async (t) => {
  // The panic is the point: its page and console errors are not audited.
  const { page } = await openSession(t, 'panic', { url: `${server.baseUrl}?panic-test`, errorsExpected: true });
  const fatal = page.locator('[data-testid="fatal-error"]');
  await fatal.waitFor({ state: 'visible', timeout: 10_000 });
  assert.notEqual((await fatal.innerText()).trim(), '');
  await screenshot(page, 'panic');
});

// Defined last so it runs after every other test in this file.
test('nothing is requested from any other origin and no console errors', () => {
  assert.ok(sessions.length > 0, 'no pages were opened');

  const outside = [];
  for (const { label, requests, ignoredUrls } of sessions) {
    for (const url of requests) {
      if (ignoredUrls.includes(url) || url.startsWith('data:')) continue; // data: is inline, not a request
      if (new URL(url).origin !== server.origin) outside.push(`${label}: ${url}`);
    }
  }
  assert.deepEqual(outside, [], `requests left ${server.origin}`);

  const errors = [];
  for (const { label, consoleErrors, pageErrors, errorsExpected, ignoredUrls } of sessions) {
    if (errorsExpected) continue;
    for (const text of consoleErrors) {
      // The CSP refusal of the deliberate probe is logged as a console error.
      if (ignoredUrls.some((url) => text.includes(url))) continue;
      errors.push(`${label}: console: ${text}`);
    }
    for (const text of pageErrors) errors.push(`${label}: page error: ${text}`);
  }
  assert.deepEqual(errors, [], 'console or page errors');
});
