// The ROI view against `xhs-roi report` on the demo data: every card the
// page shows is the CLI's number for the same settings, whatever the
// margin, objective, period, baseline or filter; the breakdown exports the
// CLI's CSV byte for byte.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { startServer } from './support/server.mjs';
import { cliBinary, cliReport, launchBrowser, openApp, repoRoot, screenshot, waitForDashboard } from './support/browser.mjs';

const DEMO_ARGS = [
  '--notes', 'public/demo/notes.csv',
  '--costs', 'public/demo/costs.csv',
  '--orders', 'public/demo/orders.csv',
  '--kols', 'public/demo/kols.csv',
];
const TEST_OPTIONS = { timeout: 120_000 };

let server;
let browser;

before(async () => {
  server = await startServer({ prefix: '/' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(t, locale = 'en-US') {
  const session = await openApp(browser, server.baseUrl, { locale, viewport: { width: 1280, height: 1000 } });
  t.after(() => session.context.close());
  await waitForDashboard(session.page);
  await session.page.waitForSelector('[data-testid="lead-kpis"] [data-card]', { timeout: 30_000 });
  // Every card, not only the objective's leading ones.
  await session.page.click('[data-testid="all-kpis"] summary');
  await session.page.waitForSelector('[data-testid="all-kpis"] [data-card]');
  return session;
}

/** `{card: value}` of every ROI card on the page (lead and all). */
function pageCards(page) {
  return page.$$eval('[data-card]', (cards) =>
    Object.fromEntries(cards.map((c) => [c.dataset.card, c.dataset.value === '' ? null : Number(c.dataset.value)])),
  );
}

/** `{card: value}` from the CLI's `cards`, for the cards the page shows. */
function cliCards(args) {
  const json = cliReport([...DEMO_ARGS, ...args]);
  return { json, cards: Object.fromEntries(Object.entries(json.cards).map(([k, c]) => [k, c.value])) };
}

/** Waits until every card on the page equals the CLI's for `args`. */
async function expectCards(page, args) {
  const { json, cards } = cliCards(args);
  let shown;
  let wrong = [];
  for (let i = 0; i < 50; i++) {
    shown = await pageCards(page);
    wrong = Object.entries(shown).filter(([k, v]) => v !== (cards[k] ?? null));
    if (wrong.length === 0 && Object.keys(shown).length > 0) break;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(wrong, [], `cards differ from xhs-roi report ${args.join(' ')}`);
  return json;
}

test('the ROI cards equal the CLI on the demo, and follow the margin', TEST_OPTIONS, async (t) => {
  const { page } = await open(t);
  await expectCards(page, []);
  await page.fill('[data-testid="margin-input"]', '45');
  await page.press('[data-testid="margin-input"]', 'Enter');
  const json = await expectCards(page, ['--margin', '0.45']);
  // The headline ROI card (the first screen's) moves to the CLI's value too.
  const roi = await page.getAttribute('[data-kpi="roi"]', 'data-value');
  assert.equal(Number(roi), json.roi);
  const blended = await page.getAttribute('[data-testid="blended-roi"]', 'data-value');
  assert.equal(Number(blended), json.returns.blended_roi);
});

test('switching the objective changes the leading KPIs to the ones the CLI names', TEST_OPTIONS, async (t) => {
  const { page } = await open(t, 'zh-CN');
  for (const objective of ['brand_awareness', 'community', 'market_research', 'direct_sales']) {
    await page.selectOption('[data-testid="objective"]', objective);
    const flag = objective.replace(/_/g, '-');
    const { json } = cliCards(['--objective', flag]);
    await page.waitForSelector(`[data-testid="lead-kpis"][data-objective="${objective}"]`);
    const lead = await page.$$eval('[data-testid="lead-kpis"] > .roi-grid [data-card]', (cards) =>
      cards.map((c) => c.dataset.card),
    );
    assert.deepEqual(lead, json.lead_kpis, objective);
  }
  await screenshot(page, 'roi-objective-zh');
});

test('a period, a baseline and a campaign filter give the CLI\'s figures', TEST_OPTIONS, async (t) => {
  const { page } = await open(t);
  await page.fill('[data-testid="period-from"]', '2026-05-15');
  await page.fill('[data-testid="period-to"]', '2026-06-20');
  await page.fill('[data-testid="baseline-from"]', '2026-03-01');
  await page.fill('[data-testid="baseline-to"]', '2026-03-31');
  await page.selectOption('[data-testid="filter-campaign"]', '618-festival');
  const args = [
    '--from', '2026-05-15', '--to', '2026-06-20',
    '--baseline-from', '2026-03-01', '--baseline-to', '2026-03-31',
    '--campaign', '618-festival',
  ];
  const json = await expectCards(page, args);
  // Changes against the previous period and the baseline are shown.
  for (const card of ['revenue', 'roi', 'cost_total']) {
    const shown = page.locator(`[data-card="${card}"]`).first();
    const expected = ['vs_previous', 'vs_baseline'].filter((k) => json.cards[card][k] !== null).length;
    assert.equal(await shown.locator('.change').count(), expected, card);
  }
  assert.ok(json.cards.revenue.vs_baseline, 'revenue has a baseline change');
  await screenshot(page, 'roi-period-filter');
});

test('the breakdown exports the CLI\'s CSV and sorts by a column', TEST_OPTIONS, async (t) => {
  const { page } = await open(t);
  await page.selectOption('[data-testid="breakdown-by"]', 'campaign');
  await page.waitForSelector('[data-testid="breakdown-table"][data-by="campaign"]');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('[data-testid="export-breakdown"]'),
  ]);
  assert.equal(download.suggestedFilename(), 'xhs-roi-by-campaign.csv');
  const text = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '');
  const cli = execFileSync(cliBinary(), ['report', ...DEMO_ARGS, '--by', 'campaign', '--csv'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.equal(text, cli);

  // Sorting by ROI, then reversing it.
  await page.selectOption('[data-testid="breakdown-by"]', 'kol');
  const roiHeader = page.locator('[data-testid="breakdown-table"] thead th', { hasText: 'ROI' }).last();
  await roiHeader.locator('button').click();
  const column = await page.$$eval('[data-testid="breakdown-table"] thead th', (ths) =>
    ths.findIndex((th) => ['ascending', 'descending'].includes(th.getAttribute('aria-sort'))),
  );
  const values = await page.$$eval(
    `[data-testid="breakdown-table"] tbody tr:not(.not-allocated) td:nth-child(${column + 1})`,
    (tds) => tds.map((td) => (td.dataset.value === '' ? null : Number(td.dataset.value))),
  );
  const present = values.filter((v) => v !== null);
  const sorted = [...present].sort((a, b) => b - a);
  assert.deepEqual(present, sorted, 'descending by ROI');
});

test('a chart shows the exact value on hover and exports as PNG', TEST_OPTIONS, async (t) => {
  const { page } = await open(t);
  const canvas = page.locator('canvas[data-chart="funnel"]');
  await canvas.scrollIntoViewIfNeeded();
  // Charts are drawn when they come into view.
  await page.waitForTimeout(300);
  const box = await canvas.boundingBox();
  const impressions = Number(
    await page.getAttribute('[data-testid="funnel-values"] [data-stage="0"]', 'data-value'),
  );
  // The first stage (impressions) is the top row of the funnel.
  let tip = '';
  for (const y of [0.12, 0.16, 0.2, 0.25]) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * y);
    tip = (await page.locator('[data-testid="chart-tip-funnel"]').textContent()) ?? '';
    if (tip.includes(impressions.toLocaleString('en-US'))) break;
  }
  assert.ok(tip.includes(impressions.toLocaleString('en-US')), `tooltip "${tip}" has ${impressions}`);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('[data-testid="export-png-funnel"]'),
  ]);
  assert.equal(download.suggestedFilename(), 'xhs-roi-funnel.png');
  const bytes = await readFile(await download.path());
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
});

test('a cost entered by hand and a cost multiplier change the figures as the CLI computes them', TEST_OPTIONS, async (t) => {
  const { page } = await open(t);
  await page.click('[data-testid="add-manual-cost"]');
  const row = page.locator('[data-testid="manual-cost"]').first();
  await row.locator('select').first().selectOption('kol');
  await row.locator('[data-testid="manual-cost-amount"]').fill('12000');
  await row.locator('[data-testid="manual-cost-amount"]').press('Enter');
  await page.fill('[data-testid="multiplier-kol"]', '1.2');
  await page.press('[data-testid="multiplier-kol"]', 'Enter');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xhs-roi-settings-'));
  const settings = path.join(dir, 'settings.json');
  await writeFile(settings, JSON.stringify({ manual_costs: [{ category: 'kol', amount: 12000 }] }));
  const json = await expectCards(page, ['--settings', settings, '--cost-multiplier', 'kol=1.2']);
  assert.ok(json.cards.cost_kol.value > 12000 * 1.2, 'the KOL cost includes the entry, scaled');

  // Deleting the entry can be undone.
  await row.locator('button[aria-label="Delete"]').click();
  await expectCards(page, ['--cost-multiplier', 'kol=1.2']);
  await page.click('[data-testid="undo-manual-cost"]');
  await expectCards(page, ['--settings', settings, '--cost-multiplier', 'kol=1.2']);
});

test('another currency at a rate shows every amount converted, as the CLI does', TEST_OPTIONS, async (t) => {
  const { page } = await open(t);
  await page.selectOption('[data-testid="currency"]', 'USD');
  await page.fill('[data-testid="currency-rate"]', '7.2');
  await page.press('[data-testid="currency-rate"]', 'Enter');
  await expectCards(page, ['--currency', 'USD', '--rate', '7.2']);
  const revenue = await page.textContent('[data-kpi="revenue"] .kpi-value');
  assert.match(revenue, /^\$/, `revenue shown as ${revenue}`);
});

test('the attribution table exports the CLI\'s CSV, bootstrap intervals included', TEST_OPTIONS, async (t) => {
  const { page } = await open(t);
  await page.waitForSelector('[data-testid="attribution-table"] .interval', { timeout: 30_000 });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('[data-testid="export-attribution"]'),
  ]);
  const text = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '');
  const cli = execFileSync(
    cliBinary(),
    ['attribute', '--touchpoints', 'public/demo/touchpoints.csv', '--bootstrap', '200', '--removal-effects'],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  assert.equal(text, cli);
});
