#!/usr/bin/env node
// ROI view speed in headless Chromium: 20,000 notes with daily rows over 180
// days (3.6M rows) and a cost per note are imported through the app's
// mapping screen; then filters are changed one at a time and each change is
// timed from the `change` event to the end of the first frame painted after
// it (every card, chart and table repainted; a frame comes every 16.7 ms, so
// even no work at all measures up to that). Long main-thread tasks during
// the changes are counted with a PerformanceObserver. Prints the figures.
//
// Usage: node scripts/bench-roi-browser.mjs [--notes 20000] [--days 180] [--changes 21]
// (after `trunk build --release`). The generated files are kept in bench-data/.
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { startServer } from '../tests/e2e/support/server.mjs';
import { launchBrowser, openApp, repoRoot, waitForDashboard } from '../tests/e2e/support/browser.mjs';

const { values } = parseArgs({
  options: {
    notes: { type: 'string', default: '20000' },
    days: { type: 'string', default: '180' },
    changes: { type: 'string', default: '21' },
    // Window height: 1000 shows the controls and the KPI cards, no chart.
    height: { type: 'string', default: '1000' },
    // Extra changes made with the keyboard (trusted input), timed by the
    // browser's Event Timing API; 0 to skip.
    keys: { type: 'string', default: '12' },
    trace: { type: 'string' },
    // 'idle': before the next change, wait until the page is idle (the
    // panels out of view have caught up, as they would between a person's
    // changes); 'none': changes back to back.
    settle: { type: 'string', default: 'idle' },
  },
});
const NOTES = Number(values.notes);
const DAYS = Number(values.days);
const CHANGES = Number(values.changes);

/** A small deterministic generator (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CAMPAIGNS = ['spring-launch', '618-festival', 'summer-glow', 'autumn-care', 'double-11', 'always-on'];
const FORMATS = ['image', 'video'];
const TYPES = ['tutorial', 'review', 'haul', 'lifestyle', 'comparison'];

async function writeLines(file, header, rows) {
  const out = createWriteStream(file);
  out.write(header + '\n');
  for (const line of rows()) {
    if (!out.write(line + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function generate(notesFile, costsFile) {
  const random = rng(20261126);
  const start = Date.UTC(2026, 0, 1);
  const iso = (day) => new Date(start + day * 86_400_000).toISOString().slice(0, 10);
  const notes = Array.from({ length: NOTES }, (_, i) => ({
    id: `N${String(i).padStart(6, '0')}`,
    account: `creator_${Math.floor(random() * 2000)}`,
    campaign: CAMPAIGNS[Math.floor(random() * CAMPAIGNS.length)],
    format: FORMATS[Math.floor(random() * 2)],
    type: TYPES[Math.floor(random() * TYPES.length)],
    reach: 2000 + random() * 50_000,
  }));
  await writeLines(
    notesFile,
    'note_id,date,published_at,format,account,campaign,content_type,impressions,views,likes,saves,comments,shares,new_followers,product_clicks',
    function* () {
      for (const n of notes) {
        for (let d = 0; d < DAYS; d++) {
          const impressions = Math.round(n.reach * (0.2 * 0.5 ** (d / 3) + 0.002) * (0.7 + random() * 0.6));
          const views = Math.round(impressions * 0.12);
          const likes = Math.round(views * 0.04);
          yield `${n.id},${iso(d)},${iso(0)},${n.format},${n.account},${n.campaign},${n.type},${impressions},${views},${likes},${Math.round(likes / 2)},${Math.round(likes / 6)},${Math.round(likes / 10)},${Math.round(views / 500)},${Math.round(views * 0.03)}`;
        }
      }
    },
  );
  await writeLines(costsFile, 'date,category,amount,campaign,note_id,account,pay_kind', function* () {
    for (const n of notes) {
      yield `${iso(Math.floor(random() * DAYS))},kol,${(500 + random() * 5000).toFixed(2)},${n.campaign},${n.id},${n.account},flat_fee`;
    }
  });
}

const notesFile = path.join(repoRoot, 'bench-data', `roi-notes-${NOTES}x${DAYS}.csv`);
const costsFile = path.join(repoRoot, 'bench-data', `roi-costs-${NOTES}.csv`);
if (!existsSync(notesFile) || !existsSync(costsFile)) {
  console.error(`generating ${path.basename(notesFile)} and ${path.basename(costsFile)}…`);
  await generate(notesFile, costsFile);
}
console.log(`${NOTES.toLocaleString('en')} notes × ${DAYS} days = ${(NOTES * DAYS).toLocaleString('en')} rows (${(statSync(notesFile).size / 1e6).toFixed(0)} MB), ${NOTES.toLocaleString('en')} cost rows`);

const server = await startServer();
const browser = await launchBrowser();
try {
  const { page, pageErrors } = await openApp(browser, server.baseUrl, { locale: 'en-US', viewport: { width: 1280, height: Number(values.height) } });
  await waitForDashboard(page);
  const loadStart = Date.now();
  await page.setInputFiles('input[type="file"][data-testid="file-input"]', [notesFile, costsFile]);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="pending-file"] [data-testid="preview"]').length === 2, null, { timeout: 600_000 });
  await page.click('[data-testid="confirm-import"]');
  await page.waitForSelector('#app[data-source="files"][data-ready="true"] [data-testid="lead-kpis"] [data-card]', { state: 'attached', timeout: 1_200_000 });
  console.log(`import to first ROI view: ${((Date.now() - loadStart) / 1000).toFixed(1)} s`);

  // What "visible" means in this window: the panels and charts in it.
  const inView = await page.evaluate(() => {
    const seen = (el) => {
      const r = el.getBoundingClientRect();
      return r.bottom > 0 && r.top < innerHeight && r.height > 0;
    };
    return {
      cards: [...document.querySelectorAll('[data-card], [data-kpi]')].filter(seen).length,
      charts: [...document.querySelectorAll('canvas[data-chart]')].filter(seen).map((c) => c.dataset.chart),
      panels: [...document.querySelectorAll('main section[data-testid], main figure')].filter(seen).map((p) => p.dataset.testid ?? p.className),
    };
  });
  console.log(`in the ${values.height} px high window: ${inView.cards} cards; charts: ${inView.charts.join(', ') || 'none'}; panels: ${inView.panels.join(', ')}`);

  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries())).observe({ type: 'longtask' });
  });
  // Each change: a campaign, a format, a tier filter or a period, in turn.
  const plan = [];
  for (let i = 0; i < CHANGES; i++) {
    const kind = i % 3;
    if (kind === 0) plan.push(['filter-campaign', CAMPAIGNS[i % CAMPAIGNS.length]]);
    if (kind === 1) plan.push(['filter-format', FORMATS[i % 2]]);
    if (kind === 2) plan.push(['filter-campaign', '']);
  }
  if (values.trace) {
    await browser.startTracing(page, {
      // The DevTools timeline, User Timing and every task with its origin
      // (ThreadControllerImpl::RunTask's src_func).
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'toplevel'],
    });
  }
  const times = [];
  for (const [testid, value] of plan) {
    times.push(
      await page.evaluate(
        async ([testid, value, settle]) => {
          const select = document.querySelector(`[data-testid="${testid}"]`);
          const t0 = performance.now();
          performance.mark('bench-change');
          select.value = value;
          select.dispatchEvent(new Event('change', { bubbles: true }));
          // The app's own work: the event and the effects it queues as
          // microtasks (Leptos runs effects there).
          for (let i = 0; i < 20; i++) await new Promise((resolve) => queueMicrotask(resolve));
          const work = performance.now() - t0;
          // The frame after the change: rAF runs before its style, layout,
          // paint and commit, which finish the same task; a task queued from
          // there runs after them. A user-blocking task runs first thing
          // (where scheduler.postTask exists); a zero timeout comes after
          // any other task queued meanwhile (the browser's own, such as
          // autofill looking at the changed form control).
          let frameDone = null;
          let frameAt = null;
          await new Promise((resolve) =>
            requestAnimationFrame(() => {
              globalThis.scheduler?.postTask(
                () => {
                  frameAt = performance.now();
                  frameDone = frameAt - t0;
                },
                { priority: 'user-blocking' },
              );
              setTimeout(resolve, 0);
            }),
          );
          const painted = performance.now() - t0;
          // What that frame showed (no script of the app has run since):
          // every card's value, taken after the measurement.
          const cards = () =>
            Object.fromEntries([...document.querySelectorAll('[data-card], [data-kpi]')].map((el) => [el.dataset.card ?? el.dataset.kpi, el.dataset.value]));
          const shown = cards();
          frameAt ??= t0 + painted;
          performance.mark('bench-painted');
          let caughtUp = null;
          if (settle) {
            // The first idle period: nothing left to run (the deferred
            // panels done and painted); then idle once more to be sure.
            await new Promise((resolve) => requestIdleCallback(resolve, { timeout: 5000 }));
            caughtUp = performance.now() - t0;
            await new Promise((resolve) => setTimeout(resolve, 10));
            await new Promise((resolve) => requestIdleCallback(resolve, { timeout: 5000 }));
          }
          // Was it final? Every card in view then has its value now, and
          // every chart in view was drawn after the change, before that
          // frame, and not again since.
          const stale = [];
          if (settle) {
            const inView = (el) => {
              const r = el.getBoundingClientRect();
              return r.bottom > 0 && r.top < innerHeight && r.height > 0;
            };
            const now = cards();
            for (const el of [...document.querySelectorAll('[data-card], [data-kpi]')].filter(inView)) {
              const key = el.dataset.card ?? el.dataset.kpi;
              if (shown[key] !== now[key]) stale.push(`card ${key}`);
            }
            for (const chart of [...document.querySelectorAll('canvas[data-chart]')].filter(inView).map((c) => c.dataset.chart)) {
              const draws = performance.getEntriesByName(`xhs-roi-draw-${chart}`).map((e) => e.startTime).filter((at) => at >= t0);
              if (!draws.some((at) => at < frameAt) || draws.some((at) => at > frameAt)) stale.push(`chart ${chart}`);
            }
          }
          return [painted, work, caughtUp, frameDone, stale];
        },
        [testid, value, values.settle === 'idle'],
      ),
    );
  }
  // Where the time goes: the app's User Timing measures of each part
  // (of the changes above).
  const parts = await page.evaluate(() => {
    const out = {};
    for (const name of ['xhs-roi-report', 'xhs-roi-weekly', 'xhs-roi-breakdown', 'xhs-roi-rankings', 'xhs-roi-lifespan']) {
      const d = performance.getEntriesByName(name).map((e) => e.duration).sort((a, b) => a - b);
      if (d.length) out[name.replace('xhs-roi-', '')] = d[Math.floor(d.length / 2)].toFixed(1);
    }
    return out;
  });
  // Trusted input: the keyboard changes the format filter (arrow keys on
  // the focused select), and the browser's Event Timing API gives each
  // keydown's duration from the key to the next frame presented on screen,
  // in steps of 8 ms; it only reports those of 16 ms or more.
  let keyed = null;
  if (Number(values.keys) > 0) {
    await page.evaluate(() => {
      window.__events = [];
      window.__changes = 0;
      document.querySelector('[data-testid="filter-format"]').addEventListener('change', () => window.__changes++);
      new PerformanceObserver((list) => window.__events.push(...list.getEntries().filter((e) => e.name === 'keydown').map((e) => e.duration))).observe({ type: 'event', durationThreshold: 16 });
    });
    await page.focus('[data-testid="filter-format"]');
    for (let i = 0; i < Number(values.keys); i++) {
      await page.keyboard.press(i % 2 ? 'ArrowDown' : 'ArrowUp');
      await page.evaluate(async () => {
        await new Promise((resolve) => requestIdleCallback(resolve, { timeout: 5000 }));
        await new Promise((resolve) => setTimeout(resolve, 10));
        await new Promise((resolve) => requestIdleCallback(resolve, { timeout: 5000 }));
      });
    }
    keyed = await page.evaluate(() => ({ changes: window.__changes, durations: window.__events }));
  }
  if (values.trace) {
    const buffer = await browser.stopTracing();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(values.trace, buffer);
    console.log(`trace written to ${values.trace}`);
  }
  const works = times.map((t) => t[1]);
  const frameDone = times.map((t) => t[3]).filter((t) => t !== null).sort((a, b) => a - b);
  const stale = times.flatMap((t) => t[4]);
  const caughtUp = times.map((t) => t[2]).filter((t) => t !== null).sort((a, b) => a - b);
  times.splice(0, times.length, ...times.map((t) => t[0]));
  const sortedWork = [...works].sort((a, b) => a - b);
  console.log(`of which the app's script work (event, memos, effects, DOM updates): median ${sortedWork[Math.floor(sortedWork.length / 2)].toFixed(1)} ms; the rest is style, layout, paint and the wait for the frame`);
  // Each long task with the app's measures inside it (what it was doing).
  const longTasks = await page.evaluate(() =>
    window.__longTasks.map((task) => ({
      duration: task.duration,
      parts: performance
        .getEntriesByType('measure')
        .filter((m) => m.name.startsWith('xhs-roi-') && m.startTime >= task.startTime && m.startTime < task.startTime + task.duration)
        .map((m) => `${m.name.replace('xhs-roi-', '')} ${m.duration.toFixed(0)}`),
    })),
  );
  console.log(`median compute per part (ms): ${Object.entries(parts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`filter change -> repainted, ${times.length} changes: median ${median.toFixed(1)} ms, worst ${sorted.at(-1).toFixed(1)} ms`);
  console.log(`  all: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  if (frameDone.length) {
    console.log(`  the frame itself done (a user-blocking task right after its commit, before the browser's other queued tasks): median ${frameDone[Math.floor(frameDone.length / 2)].toFixed(1)} ms, worst ${frameDone.at(-1).toFixed(1)} ms`);
  }
  if (values.settle === 'idle') {
    console.log(`cards and charts in the window that the measured frame showed out of date: ${stale.length}${stale.length ? ` (${stale.join(', ')})` : ''}`);
  }
  if (caughtUp.length) {
    console.log(`change -> page idle again (every panel, in view or not, caught up and painted): median ${caughtUp[Math.floor(caughtUp.length / 2)].toFixed(1)} ms, worst ${caughtUp.at(-1).toFixed(1)} ms`);
  }
  console.log(`long tasks (> 50 ms) during the changes: ${longTasks.length}${longTasks.length ? `: ${longTasks.map((t) => `${t.duration.toFixed(0)} ms (${t.parts.join(', ') || 'no app measure'})`).join('; ')}` : ''}`);
  if (keyed) {
    const d = [...keyed.durations].sort((a, b) => a - b);
    console.log(`keyboard changes (trusted), Event Timing keydown -> next frame presented: ${keyed.changes} changes, ${d.length} of them 16 ms or more${d.length ? ` (${d.map((x) => x.toFixed(0)).join(', ')} ms)` : ''}, the others under 16 ms`);
  }
  if (pageErrors.length) console.log('page errors:', pageErrors);
} finally {
  await browser.close();
  await server.close();
}
