// End-to-end checks of scenarios (docs/scenarios.md): saved in the browser,
// compared, exported and imported, never lost to a corrupt entry, shared
// between two pages of the app, and the same numbers as the CLI.
//
// Each test opens its own browser context, so each starts with an empty
// localStorage and IndexedDB.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { confirmMapping } from './support/mapping.mjs';
import { startServer } from './support/server.mjs';
import {
  cliReport,
  launchBrowser,
  openApp,
  readKpis,
  repoRoot,
  screenshot,
  waitForDashboard,
} from './support/browser.mjs';

const DEMO_ARGS = ['--notes', 'public/demo/notes.csv', '--costs', 'public/demo/costs.csv', '--orders', 'public/demo/orders.csv'];
const TEST_OPTIONS = { timeout: 120_000 };
const BAR = '[data-testid="scenario-bar"]';
const SAVED = `${BAR}[data-saved="true"]`;
const MARGIN = '[data-testid="margin-input"]';
const ENTRY_PREFIX = 'xhs-roi.scenario.v3.';

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

async function openSession(t, label, options = {}) {
  const session = await openApp(browser, server.baseUrl, options);
  sessions.push({ label, ...session });
  t.after(() => session.context.close());
  return session;
}

/** A second page in the same context (same localStorage), recorded for the audit. */
async function openSecondPage(session, label) {
  const page = await session.context.newPage();
  const record = { label, requests: [], consoleErrors: [], pageErrors: [] };
  page.on('request', (request) => record.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') record.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => record.pageErrors.push(error.stack || String(error)));
  sessions.push(record);
  await page.goto(server.baseUrl);
  await waitForDashboard(page);
  await page.waitForSelector(BAR);
  return page;
}

/** `xhs-roi report --json` on the demo files, cached. */
const reports = new Map();
function cli(extra) {
  const key = extra.join('\0');
  if (!reports.has(key)) reports.set(key, cliReport([...DEMO_ARGS, ...extra]));
  return reports.get(key);
}

/** The scenarios in the switcher: `[{id, name, selected}]`. */
function scenarioOptions(page) {
  return page.$$eval('[data-testid="scenario-select"] option', (options) =>
    options.map((o) => ({ id: o.value, name: o.textContent, selected: o.selected })),
  );
}

async function waitForOptions(page, count) {
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="scenario-select"] option').length === n,
    count,
    { timeout: 10_000 },
  );
}

/** The stored entries, parsed: `{id: scenario}`. */
function storedScenarios(page) {
  return page.evaluate((prefix) => {
    const out = {};
    for (let i = 0; i < localStorage.length; i += 1) {
      const key = localStorage.key(i);
      if (!key.startsWith(prefix)) continue;
      try {
        out[key.slice(prefix.length)] = JSON.parse(localStorage.getItem(key)).scenario;
      } catch {
        out[key.slice(prefix.length)] = null;
      }
    }
    return out;
  }, ENTRY_PREFIX);
}

/** Types a margin (percent) the way a user does, and waits for it to be saved. */
async function setMargin(page, percent) {
  const input = page.locator(MARGIN);
  await input.fill(String(percent));
  await input.dispatchEvent('change');
  const id = await page.getAttribute(BAR, 'data-active');
  await page.waitForFunction(
    ({ prefix, id, rate }) => {
      const text = localStorage.getItem(prefix + id);
      return text !== null && JSON.parse(text).scenario.settings.roi.margin.rate === rate;
    },
    { prefix: ENTRY_PREFIX, id, rate: percent / 100 },
    { timeout: 10_000 },
  );
  await page.waitForSelector(SAVED, { state: 'attached' });
  return id;
}

async function newScenario(page) {
  const before = (await scenarioOptions(page)).length;
  const previous = await page.getAttribute(BAR, 'data-active');
  await page.click('[data-testid="scenario-new"]');
  await waitForOptions(page, before + 1);
  await page.waitForFunction((old) => document.querySelector('[data-testid="scenario-bar"]').dataset.active !== old, previous);
  return page.getAttribute(BAR, 'data-active');
}

/** The compare table as `{scenarioId: {figure: number|null}}`, once it shows `count` scenarios. */
async function readCompare(page, count) {
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="compare-table"] thead th[data-scenario]').length === n,
    count,
    { timeout: 10_000 },
  );
  return page.$$eval('[data-testid="compare-table"] td[data-scenario]', (cells) => {
    const out = {};
    for (const td of cells) {
      const raw = td.dataset.value;
      (out[td.dataset.scenario] ??= {})[td.dataset.figure] = raw === '' ? null : Number(raw);
    }
    return out;
  });
}

async function openCompare(page) {
  if (!(await page.isVisible('[data-testid="compare-panel"]'))) {
    await page.click('[data-testid="scenario-compare"]');
  }
  await page.waitForSelector('[data-testid="compare-panel"]');
}

function sameNumber(a, b) {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
}

test('two scenarios with different margins survive a reload and compare like the CLI', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'create and compare');
  await waitForDashboard(page);
  await page.waitForSelector(BAR);
  const first = await scenarioOptions(page);
  assert.deepEqual(first.map((o) => o.name), ['Default'], 'a first start makes one scenario');

  const low = await newScenario(page);
  await setMargin(page, 40);
  const high = await newScenario(page);
  await setMargin(page, 70);
  assert.notEqual(low, high);

  await page.reload();
  await waitForDashboard(page);
  const options = await scenarioOptions(page);
  assert.deepEqual(options.map((o) => o.name), ['Default', 'Scenario 2', 'Scenario 3']);
  assert.deepEqual(options.map((o) => o.selected), [false, false, true], 'the scenario in use is open again');
  assert.equal(await page.inputValue(MARGIN), '70');
  const kpis = await readKpis(page);
  assert.ok(sameNumber(kpis.roi, cli(['--margin', '0.7']).roi), `dashboard ROI ${kpis.roi}`);

  // Switching applies the scenario's margin.
  await page.selectOption('[data-testid="scenario-select"]', low);
  await page.waitForFunction((m) => document.querySelector(m).value === '40', MARGIN);

  await openCompare(page);
  const figures = await readCompare(page, 3);
  const expected = { default: 0.6, [low]: 0.4, [high]: 0.7 };
  for (const [id, margin] of Object.entries(expected)) {
    const report = cli(['--margin', String(margin)]);
    for (const key of ['cost_total', 'revenue', 'net_profit', 'roi', 'roas']) {
      assert.ok(sameNumber(figures[id][key], report[key]), `${id} ${key}: page ${figures[id][key]}, CLI ${report[key]}`);
    }
    assert.ok(sameNumber(figures[id].blended_roi, report.returns.blended_roi), `${id} blended ROI`);
  }
  // The ROI chart has one bar per scenario with the same values.
  const bars = await page.$$eval('[data-testid="compare-roi-bars"] li', (items) =>
    Object.fromEntries(items.map((li) => [li.dataset.scenario, Number(li.dataset.value)])),
  );
  assert.deepEqual(Object.keys(bars).sort(), Object.keys(expected).sort());
  for (const id of Object.keys(expected)) assert.equal(bars[id], figures[id].roi);
  // Each scenario's top channels by credit, from the worker with its own
  // attribution settings (the same here, so the same channels).
  await page.waitForFunction(
    () => [...document.querySelectorAll('td.top-channels')].every((td) => td.querySelectorAll('li').length === 3),
    null,
    { timeout: 15_000 },
  );
  const tops = await page.$$eval('td.top-channels', (tds) => tds.map((td) => td.textContent));
  assert.equal(tops.length, 3);
  assert.equal(new Set(tops).size, 1, 'identical attribution settings give identical top channels');
  // Differences against the first column are highlighted; costs are equal.
  assert.equal(await page.locator(`td.differs[data-figure="net_profit"]`).count(), 2);
  assert.equal(await page.locator(`td.differs[data-figure="cost_total"]`).count(), 0);
  // Two picked at the least.
  await page.uncheck(`[data-testid="compare-pick"][value="${high}"]`);
  await readCompare(page, 2);
  await page.uncheck(`[data-testid="compare-pick"][value="${low}"]`);
  await page.waitForSelector('[data-testid="compare-hint"]');
  await page.check(`[data-testid="compare-pick"][value="${high}"]`);
  await readCompare(page, 2);
  await screenshot(page, 'scenarios-compare');
});

test('rename, duplicate, delete with undo', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'rename delete undo', { locale: 'zh-CN' });
  await waitForDashboard(page);
  await page.waitForSelector(BAR);
  assert.deepEqual((await scenarioOptions(page)).map((o) => o.name), ['默认方案']);
  await setMargin(page, 45);

  await page.click('[data-testid="scenario-rename"]');
  await page.fill('[data-testid="scenario-name-input"]', '双十一 高毛利');
  await page.press('[data-testid="scenario-name-input"]', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="scenario-select"] option')?.textContent === '双十一 高毛利');
  await page.waitForFunction(
    (key) => JSON.parse(localStorage.getItem(key) ?? 'null')?.scenario.name === '双十一 高毛利',
    `${ENTRY_PREFIX}default`,
  );

  await page.click('[data-testid="scenario-duplicate"]');
  await waitForOptions(page, 2);
  const copy = await page.getAttribute(BAR, 'data-active');
  assert.equal((await scenarioOptions(page)).find((o) => o.id === copy).name, '双十一 高毛利（副本）');
  assert.equal(await page.inputValue(MARGIN), '45', 'a copy keeps the settings');

  await page.click('[data-testid="scenario-delete"]');
  await waitForOptions(page, 1);
  await page.waitForSelector('[data-testid="scenario-undo"]');
  assert.equal(Object.keys(await storedScenarios(page)).length, 1);
  await page.click('[data-testid="scenario-undo-button"]');
  await waitForOptions(page, 2);
  assert.equal(await page.getAttribute(BAR, 'data-active'), copy, 'undo opens it again');
  assert.equal(Object.keys(await storedScenarios(page)).length, 2);
});

test('export all, forget everything, import: identical figures, and the CLI agrees', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'export import');
  await waitForDashboard(page);
  await page.waitForSelector(BAR);
  const low = await newScenario(page);
  await setMargin(page, 35);
  await openCompare(page);
  const before = await readCompare(page, 2);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'xhs-scenarios-'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="scenario-export-all"]')]);
  assert.equal(download.suggestedFilename(), 'xhs-roi-scenarios.json');
  const file = path.join(dir, 'all.json');
  await download.saveAs(file);
  const exported = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(exported.format, 'xhs-roi-scenarios');
  assert.equal(exported.schema_version, 3);
  assert.deepEqual(exported.scenarios.map((s) => s.name), ['Default', 'Scenario 2']);

  // The same file on the command line gives the page's numbers.
  const fromFile = cliReport([...DEMO_ARGS, '--scenario', file, '--scenario-name', 'Scenario 2']);
  for (const key of ['cost_total', 'revenue', 'net_profit', 'roi', 'roas']) {
    assert.ok(sameNumber(before[low][key], fromFile[key]), `${key}: page ${before[low][key]}, CLI ${fromFile[key]}`);
  }

  // An invalid file is refused whole, every problem named by its path.
  await page.setInputFiles('[data-testid="scenario-import-input"]', path.join(repoRoot, 'tests/fixtures/scenarios/bad-several.json'));
  await page.waitForSelector('[data-testid="scenario-import-errors"]');
  const problems = await page.$$eval('[data-testid="import-problem"]', (items) => items.map((li) => li.textContent));
  assert.equal(problems.length, 4);
  assert.match(problems[0], /^scenarios\[0\]\.settings\.attribution: /);
  assert.match(problems[2], /^scenarios\[2\]\.settings\.mappings\[0\]\.encoding: unknown encoding "latin1"/);
  assert.equal((await scenarioOptions(page)).length, 2, 'nothing was imported');
  await page.click('[data-testid="import-errors-dismiss"]');

  // Forget everything: after a confirmation, a fresh start.
  await page.click('[data-testid="scenario-device"]');
  await page.click('[data-testid="forget-everything"]');
  await page.waitForSelector('[data-testid="forget-dialog"]');
  await Promise.all([page.waitForEvent('framenavigated'), page.click('[data-testid="forget-confirm"]')]);
  await waitForDashboard(page);
  await page.waitForSelector(BAR);
  assert.deepEqual((await scenarioOptions(page)).map((o) => o.name), ['Default']);
  const keys = await page.evaluate(() => Object.keys(localStorage).sort());
  assert.deepEqual(keys, [`${ENTRY_PREFIX}default`, 'xhs-roi.scenarios.active']);

  await page.setInputFiles('[data-testid="scenario-import-input"]', file);
  await page.waitForSelector('[data-testid="scenario-notice"][data-kind="imported"]');
  const options = await scenarioOptions(page);
  // The new Default took the id "default"; the imported one gets a new id.
  assert.deepEqual(options.map((o) => o.name).sort(), ['Default', 'Default (imported)', 'Scenario 2']);
  const importedDefault = options.find((o) => o.name === 'Default (imported)').id;
  assert.notEqual(importedDefault, 'default');
  assert.ok(options.some((o) => o.id === low), 'a free id is kept');

  await openCompare(page);
  const after = await readCompare(page, 3);
  assert.deepEqual(after[low], before[low]);
  assert.deepEqual(after[importedDefault], before.default);
  assert.deepEqual(after.default, before.default);
});

test('a corrupt entry is named and set aside; the app starts and the others work', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'corrupt entry');
  await waitForDashboard(page);
  await page.waitForSelector(BAR);
  const bad = await newScenario(page);
  await setMargin(page, 40);
  const key = `${ENTRY_PREFIX}${bad}`;
  const broken = `{"schema_version":3,"scenario":{"id":"${bad}","name":"Half wr`;
  await page.evaluate(({ key, broken }) => localStorage.setItem(key, broken), { key, broken });

  await page.reload();
  await waitForDashboard(page);
  const notice = page.locator('[data-testid="scenario-set-aside"]');
  await notice.waitFor();
  assert.equal(await notice.getAttribute('data-key'), key);
  const text = await notice.innerText();
  assert.ok(text.includes(key), text);
  assert.match(text, /not valid JSON/);
  assert.deepEqual((await scenarioOptions(page)).map((o) => o.name), ['Default']);

  // Its raw text can be downloaded as it was.
  const [download] = await Promise.all([page.waitForEvent('download'), notice.locator('[data-testid="set-aside-download"]').click()]);
  const saved = path.join(await mkdtemp(path.join(os.tmpdir(), 'xhs-aside-')), 'raw.json');
  await download.saveAs(saved);
  assert.equal(await readFile(saved, 'utf8'), broken);

  // The other scenario works: a change is saved, and the numbers follow.
  await setMargin(page, 55);
  const kpis = await readKpis(page);
  assert.ok(sameNumber(kpis.roi, cli(['--margin', '0.55']).roi));

  // Dismissed, the copy is gone for good.
  await notice.locator('[data-testid="set-aside-dismiss"]').click();
  await notice.waitFor({ state: 'detached' });
  const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('xhs-roi.corrupt.')));
  assert.deepEqual(left, []);
});

test('two pages of the app see each other\'s saves; when both edit, the later save wins and says so', TEST_OPTIONS, async (t) => {
  const session = await openSession(t, 'two tabs: first');
  const a = session.page;
  await waitForDashboard(a);
  await a.waitForSelector(BAR);
  const b = await openSecondPage(session, 'two tabs: second');
  assert.equal(await b.getAttribute(BAR, 'data-active'), 'default');

  // A saves; B applies it and says so.
  await setMargin(a, 45);
  await b.waitForFunction((m) => document.querySelector(m).value === '45', MARGIN, { timeout: 10_000 });
  await b.waitForSelector('[data-testid="scenario-notice"][data-kind="other-tab"]');
  // The page and the CLI add the same figures in a different order: equal
  // to the last few bits (sameNumber).
  const roi = cli(['--margin', '0.45']).roi;
  await b.waitForFunction(
    (want) => Math.abs(Number(document.querySelector('[data-kpi="roi"]')?.dataset.value) - want) <= 1e-12 * Math.abs(want),
    roi,
    { timeout: 10_000 },
  );

  // A scenario made in B appears in A's switcher, and A stays on its own.
  await newScenario(b);
  await b.waitForSelector(SAVED, { state: 'attached' });
  await waitForOptions(a, 2);
  assert.equal(await a.getAttribute(BAR, 'data-active'), 'default');

  // Both edit the same scenario within the autosave's wait: the later save
  // wins, the page that saved over the other's change is told, and the
  // other page takes the winning version.
  await b.selectOption('[data-testid="scenario-select"]', 'default');
  await b.waitForFunction((m) => document.querySelector(m).value === '45', MARGIN);
  for (const page of [a, b]) {
    if (await page.isVisible('[data-testid="notice-dismiss"]')) await page.click('[data-testid="notice-dismiss"]');
  }
  const inputA = a.locator(MARGIN);
  const inputB = b.locator(MARGIN);
  await inputA.fill('50');
  await inputA.dispatchEvent('change');
  await inputB.fill('55');
  await inputB.dispatchEvent('change');
  for (const page of [a, b]) {
    await page.waitForFunction((m) => document.querySelector(m).value === '55', MARGIN, { timeout: 10_000 });
    await page.waitForSelector('[data-testid="scenario-notice"][data-kind="other-tab"]', { timeout: 10_000 });
  }
  const stored = await storedScenarios(a);
  assert.equal(stored.default.settings.roi.margin.rate, 0.55);
  await screenshot(b, 'scenarios-two-tabs');
});

test('remember my data keeps the user\'s tables across a reload; off, the demo comes back', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'remember data');
  await waitForDashboard(page);
  await page.click('[data-testid="scenario-device"]');
  assert.equal(await page.isChecked('[data-testid="remember-data"]'), false, 'off by default');
  await page.check('[data-testid="remember-data"]');

  await page.setInputFiles('input[type=file][data-testid="file-input"]', [
    path.join(repoRoot, 'public/demo/notes.csv'),
    path.join(repoRoot, 'public/demo/costs.csv'),
    path.join(repoRoot, 'tests/e2e/fixtures/utm-touchpoints.csv'),
  ]);
  await confirmMapping(page, 3);
  await page.waitForSelector('#app[data-source="files"][data-ready="true"]', { state: 'attached', timeout: 30_000 });
  const kpis = await readKpis(page);
  const expected = cliReport(['--notes', 'public/demo/notes.csv', '--costs', 'public/demo/costs.csv']);
  assert.ok(sameNumber(kpis.cost_total, expected.cost_total));

  // Written to IndexedDB in the background: wait for the record. (Opening
  // a database that does not exist yet would create it empty, so the probe
  // looks for it first.)
  const kept = () =>
    page.evaluate(async () => {
      if (!(await indexedDB.databases()).some((d) => d.name === 'xhs-roi')) return false;
      return new Promise((resolve) => {
        const open = indexedDB.open('xhs-roi');
        open.onerror = () => resolve(false);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('data')) {
            db.close();
            resolve(false);
            return;
          }
          // The journeys are written last, after the tables.
          const get = db.transaction('data').objectStore('data').get('journeys');
          get.onsuccess = () => {
            db.close();
            resolve(get.result instanceof Uint8Array);
          };
          get.onerror = () => {
            db.close();
            resolve(false);
          };
        };
      });
    });
  const deadline = Date.now() + 10_000;
  while (!(await kept())) {
    assert.ok(Date.now() < deadline, 'the tables were not kept in IndexedDB');
    await page.waitForTimeout(100);
  }

  await page.reload();
  await page.waitForSelector('#app[data-source="files"][data-ready="true"]', { state: 'attached', timeout: 30_000 });
  const again = await readKpis(page);
  assert.ok(sameNumber(again.cost_total, expected.cost_total));
  assert.ok(sameNumber(again.impressions, expected.impressions));
  // The journeys came back too: attribution runs without the file.
  await page.waitForSelector('[data-testid="attribution-table"] td[data-channel="xhs_search"]', { timeout: 15_000 });

  await page.click('[data-testid="scenario-device"]');
  await page.uncheck('[data-testid="remember-data"]');
  await page.waitForTimeout(300);
  await page.reload();
  await waitForDashboard(page);
  assert.equal(await page.getAttribute('#app', 'data-source'), 'demo');
});

// Defined last so it runs after every other test in this file.
test('a mapping confirmed on the mapping screen is kept in the active scenario', TEST_OPTIONS, async (t) => {
  const { page } = await openSession(t, 'mapping in scenario', { locale: 'en-US' });
  await waitForDashboard(page);
  await page.waitForSelector(SAVED, { timeout: 15_000 });
  await page.setInputFiles('input[type=file][data-testid="file-input"]', path.join(repoRoot, 'tests/e2e/fixtures/utm-touchpoints.csv'));
  await confirmMapping(page, 1);
  await page.waitForFunction(
    (prefix) => {
      for (let i = 0; i < localStorage.length; i += 1) {
        const key = localStorage.key(i);
        if (!key.startsWith(prefix)) continue;
        const mappings = JSON.parse(localStorage.getItem(key)).scenario.settings.mappings ?? [];
        if (mappings.some((m) => m.signature.startsWith('personid|time|utmsource'))) return true;
      }
      return false;
    },
    ENTRY_PREFIX,
    { timeout: 15_000 },
  );
  const stored = Object.values(await storedScenarios(page));
  const mapping = stored.flatMap((s) => s.settings.mappings).find((m) => m.signature.startsWith('personid|time|utmsource'));
  assert.equal(mapping.kind, 'touchpoints');
});

test('nothing is requested from any other origin and no console errors', () => {
  assert.ok(sessions.length > 0, 'no pages were opened');
  const outside = [];
  const errors = [];
  for (const { label, requests, consoleErrors, pageErrors } of sessions) {
    for (const url of requests) {
      if (url.startsWith('data:') || url.startsWith('blob:')) continue;
      if (new URL(url).origin !== server.origin) outside.push(`${label}: ${url}`);
    }
    for (const text of consoleErrors) errors.push(`${label}: console: ${text}`);
    for (const text of pageErrors) errors.push(`${label}: page error: ${text}`);
  }
  assert.deepEqual(outside, [], `requests left ${server.origin}`);
  assert.deepEqual(errors, [], 'console or page errors');
});
