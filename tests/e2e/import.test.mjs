// The importer as a marketer meets it: a real creator-centre export in
// Excel's Chinese encoding, the mapping screen, a file that is not a table,
// and a large file cancelled half way. The page must stay responsive and
// never drop data silently.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { confirmMapping } from './support/mapping.mjs';
import { startServer } from './support/server.mjs';
import {
  cliReport,
  flattenReport,
  launchBrowser,
  openApp,
  readKpis,
  repoRoot,
  screenshot,
  waitForDashboard,
} from './support/browser.mjs';

const FILE_INPUT = 'input[type="file"][data-testid="file-input"]';
const FILES_READY = '#app[data-source="files"][data-ready="true"]';
const CREATOR_CENTRE = 'tests/e2e/fixtures/creator-centre-gb18030.csv';

let server;
let browser;
const sessions = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(t, options = {}) {
  const session = await openApp(browser, server.baseUrl, { locale: 'en-US', ...options });
  sessions.push(session);
  t.after(() => session.context.close());
  await waitForDashboard(session.page);
  return session;
}

test('a GB18030 creator-centre export with title rows imports with the right totals', { timeout: 120_000 }, async (t) => {
  const { page } = await open(t);
  await page.setInputFiles(FILE_INPUT, path.join(repoRoot, CREATOR_CENTRE));
  await page.waitForSelector('[data-testid="preview"]', { timeout: 30_000 });

  // What the mapping screen detected.
  assert.equal(await page.inputValue('[data-testid="encoding-select"]'), 'GB18030');
  assert.equal(await page.inputValue('[data-testid="kind-select"]'), 'notes');
  assert.equal(await page.inputValue('[data-testid="header-line"]'), '3');
  const headers = await page.locator('[data-testid="preview"] .column-header').allInnerTexts();
  assert.deepEqual(headers.slice(0, 5), ['笔记标题', '笔记ID', '首次发布时间', '体裁', '曝光量']);
  const fields = await page.locator('[data-testid="column-field"]').evaluateAll((selects) => selects.map((s) => s.value));
  assert.deepEqual(fields.slice(4, 7), ['impressions', 'views', 'likes']);
  await screenshot(page, 'mapping-gb18030');

  // With the keyboard: the import button is disabled while the file is
  // read, and the report's heading takes the focus once it is.
  await page.focus('[data-testid="confirm-import"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector(FILES_READY, { state: 'attached', timeout: 30_000 });
  await page.waitForFunction(
    () => document.activeElement?.matches('[data-testid="import-report"] > summary'),
    null,
    { timeout: 5_000 },
  );

  const cli = flattenReport(cliReport(['--notes', CREATOR_CENTRE]));
  const shown = await readKpis(page);
  for (const key of ['impressions', 'views', 'interactions', 'engagement_rate', 'save_rate']) {
    assert.equal(shown[key], cli[key], key);
  }
  // 1.2万 + 3.45万 + 8,906 + 5,120, read from the Chinese export.
  assert.equal(shown.impressions, 12_000 + 34_500 + 8_906 + 5_120);
  await screenshot(page, 'imported-gb18030');
});

test('going back to the demo sets the user\'s files aside, and undo brings them back', { timeout: 120_000 }, async (t) => {
  const { page } = await open(t);
  await page.setInputFiles(FILE_INPUT, path.join(repoRoot, CREATOR_CENTRE));
  await confirmMapping(page, 1);
  await page.waitForSelector(FILES_READY, { state: 'attached', timeout: 30_000 });
  const theirs = await readKpis(page);

  await page.click('[data-testid="back-to-demo"]');
  await page.waitForSelector('#app[data-source="demo"][data-ready="true"]', { state: 'attached', timeout: 30_000 });
  const notice = page.locator('[data-testid="demo-swap"]');
  assert.match(await notice.innerText(), /Your file is set aside/);
  assert.notDeepEqual(await readKpis(page), theirs);
  // The focus moved to Undo, which the message describes: the live region
  // stays quiet so that a screen reader says it once.
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'undo-back-to-demo');
  assert.equal(await page.locator('[data-testid="drop-zone"] ~ [role="status"]').innerText(), '');

  // At once, while the demo's journeys may still be on their way: they must
  // not be attributed beside the user's data, which has none.
  await page.click('[data-testid="undo-back-to-demo"]');
  await page.waitForSelector(FILES_READY, { state: 'attached', timeout: 30_000 });
  assert.deepEqual(await readKpis(page), theirs);
  assert.equal(await notice.count(), 0, 'the notice goes with the undo');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'back-to-demo');
  await page.waitForTimeout(2_000);
  assert.equal(await page.locator('[data-testid="attribution-table"]').count(), 0, 'no demo journeys attributed');
});

test('the undo brings back the user\'s journeys, not the demo\'s', { timeout: 120_000 }, async (t) => {
  const { page } = await open(t);
  const channels = () =>
    page.$$eval('[data-testid="attribution-table"] td[data-model="last_touch"]', (tds) =>
      tds.map((td) => td.dataset.channel).sort(),
    );
  await page.setInputFiles(FILE_INPUT, path.join(repoRoot, 'tests/e2e/fixtures/utm-touchpoints.csv'));
  await confirmMapping(page, 1);
  await page.waitForSelector(FILES_READY, { state: 'attached', timeout: 30_000 });
  await page.waitForSelector('[data-testid="attribution-table"] td[data-channel="other"]', { timeout: 15_000 });
  const theirs = await channels();
  // Journeys alone: no dated rows to name a period, no notes to count.
  assert.match(await page.textContent('[data-testid="lead-kpis"] .panel-caption'), /^No dates yet/);
  assert.equal(await page.getAttribute('[data-kpi="impressions"]', 'data-value'), '');

  await page.click('[data-testid="back-to-demo"]');
  await page.waitForSelector('#app[data-source="demo"][data-ready="true"]', { state: 'attached', timeout: 30_000 });
  // The demo's journeys arrive and are attributed (its channels differ).
  await page.waitForFunction(
    (theirs) => {
      const shown = [...document.querySelectorAll('[data-testid="attribution-table"] td[data-model="last_touch"]')];
      return shown.length > 0 && shown.map((td) => td.dataset.channel).sort().join() !== theirs.join();
    },
    theirs,
    { timeout: 30_000 },
  );

  await page.click('[data-testid="undo-back-to-demo"]');
  await page.waitForSelector(FILES_READY, { state: 'attached', timeout: 30_000 });
  await page.waitForFunction(
    (theirs) => {
      const shown = [...document.querySelectorAll('[data-testid="attribution-table"] td[data-model="last_touch"]')];
      return shown.map((td) => td.dataset.channel).sort().join() === theirs.join();
    },
    theirs,
    { timeout: 15_000 },
  );
});

test('changing the header row updates the preview before anything is imported', { timeout: 120_000 }, async (t) => {
  const { page } = await open(t);
  await page.setInputFiles(FILE_INPUT, path.join(repoRoot, CREATOR_CENTRE));
  await page.waitForSelector('[data-testid="preview"]', { timeout: 30_000 });
  const before = await page.locator('[data-testid="preview"] tbody tr').count();
  await page.fill('[data-testid="header-line"]', '4');
  await page.dispatchEvent('[data-testid="header-line"]', 'change');
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="preview"] tbody tr').length === n - 1,
    before,
    { timeout: 10_000 },
  );
  assert.equal(await page.getAttribute('#app', 'data-source'), 'demo', 'nothing is imported before confirming');
});

test('a file that is not a table gets one sentence naming it', { timeout: 120_000 }, async (t) => {
  const { page } = await open(t);
  await page.setInputFiles(FILE_INPUT, { name: 'report.csv', mimeType: 'text/csv', buffer: Buffer.from('%PDF-1.7\n%âãÏÓ\n') });
  const message = page.locator('[data-testid="import-error"]');
  await message.waitFor({ state: 'visible', timeout: 10_000 });
  const text = await message.innerText();
  assert.match(text, /report\.csv/);
  assert.match(text, /PDF/);
  assert.equal(await page.getAttribute('#app', 'data-source'), 'demo');
});

test('a large load shows progress, keeps the page responsive, and can be cancelled', { timeout: 180_000 }, async (t) => {
  const { page } = await open(t);
  const kpisBefore = await readKpis(page);

  // ~1.2 GB of touchpoints, made in the page from one repeated chunk, then
  // dropped like a real file. The chunk is one Blob referenced 12,000 times,
  // so the copies cost no memory (string parts would each be copied, and
  // Chromium cannot keep 400 MB of them readable in an incognito context);
  // at over 150 MB/s it is still being read when the test cancels it.
  const dataTransfer = await page.evaluateHandle(() => {
    const rows = [];
    for (let i = 0; i < 2000; i++) rows.push(`P${i},2026-03-01 10:00:00,xhs_note,,N1,click,\n`);
    const chunk = new Blob([rows.join('')]);
    const parts = ['person_id,time,channel,campaign,note_id,event,value\n'];
    for (let i = 0; i < 12000; i++) parts.push(chunk);
    const transfer = new DataTransfer();
    transfer.items.add(new File(parts, 'big-touchpoints.csv', { type: 'text/csv' }));
    return transfer;
  });
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.dispatchEvent('[data-testid="drop-zone"]', type, { dataTransfer });
  }
  await confirmMapping(page, 1);
  const progress = page.locator('[data-testid="import-progress"]');
  await progress.waitFor({ state: 'visible', timeout: 10_000 });
  // The import button went disabled with the focus; Cancel takes it.
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'cancel-import', null, { timeout: 5_000 });
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="import-progress"] progress')?.value) > 0, null, {
    timeout: 30_000,
  });

  // The page answers while the worker reads: a round trip through the event
  // loop takes milliseconds, not the length of the import.
  const lag = await page.evaluate(() => new Promise((resolve) => {
    const start = performance.now();
    setTimeout(() => resolve(performance.now() - start), 0);
  }));
  assert.ok(lag < 200, `the main thread was blocked for ${lag} ms`);
  // While the worker reads, every main-thread task over 50 ms is recorded.
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(Math.round(entry.duration));
    }).observe({ type: 'longtask' });
  });
  await page.waitForTimeout(1500);
  const longTasks = await page.evaluate(() => window.__longTasks);
  assert.deepEqual(longTasks, [], 'main-thread tasks over 50 ms while the file is read');
  await screenshot(page, 'import-progress');

  await page.click('[data-testid="cancel-import"]');
  await progress.waitFor({ state: 'detached', timeout: 10_000 });
  // Cancel went with the bar; the import report's heading has the focus.
  await page.waitForFunction(
    () => document.activeElement?.matches('[data-testid="import-report"] > summary'),
    null,
    { timeout: 5_000 },
  );
  const message = page.locator('[data-testid="import-error"]');
  await message.waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await message.innerText(), /big-touchpoints\.csv.*cancelled/);
  assert.equal(await page.getAttribute('#app', 'data-source'), 'demo');
  assert.deepEqual(await readKpis(page), kpisBefore);
  // Cancelling restarts the worker; the demo's journeys are read again, so
  // a new run (another Markov order) still has journeys to attribute.
  await page.waitForTimeout(3_000);
  await page.selectOption('[data-testid="markov-order"]', '2');
  await page.waitForSelector('[data-testid="attribution-progress"]', { state: 'detached', timeout: 30_000 });
  assert.equal(await page.locator('[data-testid="attribution-table"]').count(), 1, 'the run found journeys');
});

test('an Excel workbook is read directly, its cover sheet skipped, with a sheet picker', { timeout: 120_000 }, async (t) => {
  const { page } = await open(t);
  await page.setInputFiles(FILE_INPUT, path.join(repoRoot, 'tests/fixtures/workbook-notes.xlsx'));
  await page.waitForSelector('[data-testid="preview"]', { timeout: 30_000 });
  const sheets = await page.locator('[data-testid="sheet-select"] option').allInnerTexts();
  assert.deepEqual(sheets, ['说明', '笔记数据']);
  assert.equal(await page.inputValue('[data-testid="sheet-select"]'), '1');
  assert.equal(await page.inputValue('[data-testid="header-line"]'), '2');
  await screenshot(page, 'mapping-xlsx');
  await confirmMapping(page, 1);
  await page.waitForSelector(FILES_READY, { state: 'attached', timeout: 30_000 });
  const kpis = await readKpis(page);
  assert.equal(kpis.impressions, 12_000 + 34_500 + 8_906);
});

test('overlapping monthly order exports count a repeated order once', { timeout: 120_000 }, async (t) => {
  const { page } = await open(t);
  const march = 'order_id,time,revenue,utm_source\nSO1,2026-03-30 10:00:00,100,xiaohongshu\nSO2,2026-03-31 11:00:00,200,xhs\n';
  const april = 'order_id,time,revenue,utm_source\nSO2,2026-03-31 11:00:00,200,xhs\nSO3,2026-04-01 09:00:00,300,xiaohongshu\n';
  await page.setInputFiles(FILE_INPUT, [
    { name: 'orders-2026-03.csv', mimeType: 'text/csv', buffer: Buffer.from(march) },
    { name: 'orders-2026-04.csv', mimeType: 'text/csv', buffer: Buffer.from(april) },
  ]);
  await confirmMapping(page, 2);
  await page.waitForSelector(FILES_READY, { state: 'attached', timeout: 30_000 });
  const kpis = await readKpis(page);
  assert.equal(kpis.revenue, 600, 'SO2 counted once');
  // The heading counts the problem without the report being opened.
  assert.equal(await page.locator('[data-testid="import-summary"]').innerText(), '2 files · 1 problem, no rows rejected');
  await page.click('[data-testid="import-report"] summary');
  const report = await page.locator('[data-testid="import-report"]').innerText();
  assert.match(report, /orders-2026-04\.csv/);
  assert.match(report, /repeats line 3 of an earlier file/);
});

test('the import pages requested nothing from other origins and logged no errors', () => {
  assert.ok(sessions.length > 0);
  for (const { requests, consoleErrors, pageErrors } of sessions) {
    const foreign = requests.filter((url) => !url.startsWith(server.origin) && !url.startsWith('blob:') && !url.startsWith('data:'));
    assert.deepEqual(foreign, []);
    assert.deepEqual([...consoleErrors, ...pageErrors], []);
  }
});
