// Trunk post-build hook: put the SHA-256 of every inline <script> of the
// built index.html into its Content-Security-Policy, replacing the
// INLINE_SCRIPT_HASHES placeholder. The policy then allows Trunk's own loader
// and nothing else inline.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('csp-hash: TRUNK_STAGING_DIR is not set (run me as a Trunk hook)');
  process.exit(1);
}
const file = join(dir, 'index.html');
const html = readFileSync(file, 'utf8');
const placeholder = 'INLINE_SCRIPT_HASHES';
if (!html.includes(placeholder)) {
  console.error(`csp-hash: ${file} has no ${placeholder} placeholder in its CSP`);
  process.exit(1);
}
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
  .map(([, body]) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
writeFileSync(file, html.replace(placeholder, hashes.join(' ')));
console.log(`csp-hash: allowed ${hashes.length} inline script(s) by hash`);
