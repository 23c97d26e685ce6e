#!/usr/bin/env node
// Writes the benchmark inputs into bench-data/ (git-ignored), seeded so
// every run measures the same bytes:
//   touchpoints-1m.csv  1,000,000 touches of ~285,000 people over 12 channels (~85 MB)
//   notes-50k.csv       50,000 note-day rows in the creator-centre layout
// Usage: node scripts/make-bench-data.mjs [--out DIR] [--rows N]
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'bench-data' }, rows: { type: 'string', default: '1000000' } } });
const rows = Number(values.rows);
mkdirSync(values.out, { recursive: true });

// Mulberry32: small, fast, the same on every machine.
let seed = 20260301;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const CHANNELS = ['xhs_note', 'xhs_search', 'kol_note', 'juguang_ads', 'wechat', 'tmall', 'jd', 'douyin', 'offline_store', 'direct', 'weibo', 'baidu'];
const CAMPAIGNS = ['spring-launch-2026', 'festival-618-2026', 'summer-glow-2026', 'always-on-2026'];
const START = Date.UTC(2026, 2, 1) / 1000;

function pad(n) {
  return String(n).padStart(2, '0');
}
function stamp(seconds) {
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

async function write(file, produce) {
  const out = createWriteStream(path.join(values.out, file));
  let buffer = '';
  for (const line of produce()) {
    buffer += line;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise((r) => out.once('drain', r));
      buffer = '';
    }
  }
  out.write(buffer);
  await new Promise((r) => out.end(r));
  console.error(`wrote ${path.join(values.out, file)}`);
}

await write('touchpoints-1m.csv', function* () {
  yield 'person_id,time,channel,campaign,note_id,event,value\n';
  let written = 0;
  let person = 0;
  while (written < rows) {
    person += 1;
    const touches = Math.min(rows - written, 1 + Math.floor(-Math.log(1 - random()) * 3));
    const id = `user_${Math.floor(random() * 0xffffffffff).toString(16).padStart(10, '0')}`;
    const campaign = CAMPAIGNS[Math.floor(random() * CAMPAIGNS.length)];
    let t = START + Math.floor(random() * 180 * 86400);
    for (let i = 0; i < touches; i++) {
      const channel = CHANNELS[Math.floor(random() ** 1.6 * CHANNELS.length)];
      const converts = i === touches - 1 && random() < 0.08;
      const xhs = channel.startsWith('xhs') || channel === 'kol_note';
      const note = xhs ? `N${100000 + Math.floor(random() * 5000)}` : '';
      yield `${id},${stamp(t)},${channel},${campaign},${note},${converts ? 'conversion' : 'click'},${converts ? (99 + Math.floor(random() * 600)).toFixed(2) : ''}\n`;
      t += Math.floor(random() * 3 * 86400);
    }
    written += touches;
  }
});

await write('notes-50k.csv', function* () {
  yield '笔记ID,日期,笔记标题,体裁,账号,曝光量,阅读量,点赞,收藏,评论,分享,涨粉,封面点击率\n';
  for (let i = 0; i < 50000; i++) {
    const note = 100000 + Math.floor(i / 60);
    const day = START + (i % 60) * 86400;
    const impressions = Math.floor(random() * 50000);
    const views = Math.floor(impressions * (0.08 + random() * 0.08));
    const likes = Math.floor(views * 0.05);
    yield `N${note},${stamp(day).slice(0, 10)},"早C晚A入门, 第${note}篇",${random() < 0.4 ? '视频' : '图文'},达人${note % 300},${impressions >= 10000 ? (impressions / 10000).toFixed(2) + '万' : impressions.toLocaleString('en-US')},${views},${likes},${Math.floor(likes / 2)},${Math.floor(likes / 8)},${Math.floor(likes / 20)},${Math.floor(views / 300)},${((views / Math.max(impressions, 1)) * 100).toFixed(1)}%\n`;
  }
});
