// A minimal static file server for the browser tests and the benchmark.
//
// Trunk's own dev server is not used: it rebuilds, injects a live-reload
// script and serves from `/` only, whereas the tests must exercise exactly
// the release files in `dist/` and also a deployment under a sub-path (an
// agency hosting the dashboard at /agency/clients/xhs/).

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, so paths work whatever the caller's cwd is. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// Browsers refuse `WebAssembly.instantiateStreaming` unless the wasm is sent
// as application/wasm, and module scripts need a JavaScript type, so these
// must be exact rather than left to sniffing.
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Normalises a prefix to the form `/a/b/` (always leading and trailing slash). */
function normalisePrefix(prefix) {
  const trimmed = String(prefix ?? '/').replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

/**
 * Maps a URL path to a file under `root`, or null when it is outside the
 * prefix or tries to escape the root.
 */
function resolveFile(root, prefix, urlPath) {
  if (!urlPath.startsWith(prefix)) return null;
  let relative;
  try {
    relative = decodeURIComponent(urlPath.slice(prefix.length));
  } catch {
    return null; // malformed percent-encoding
  }
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';
  const file = path.resolve(root, relative);
  // `..` segments (even encoded ones) must not reach files outside dist/.
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

/**
 * Serves `root` under `prefix` on 127.0.0.1 at an ephemeral port.
 *
 * @param {{root?: string, prefix?: string}} options
 *   root: directory to serve (default `dist/` of the repository);
 *   prefix: URL path the app is deployed under (default `/`).
 * @returns {Promise<{origin: string, baseUrl: string, close: () => Promise<void>}>}
 *   baseUrl is the URL of the app itself (origin + prefix).
 */
export async function startServer({ root = path.join(repoRoot, 'dist'), prefix = '/' } = {}) {
  root = path.resolve(repoRoot, root);
  prefix = normalisePrefix(prefix);

  // Fail with a useful message rather than a page of 404s when the release
  // build has not been made.
  const index = await stat(path.join(root, 'index.html')).catch(() => null);
  if (!index?.isFile()) {
    throw new Error(`${path.join(root, 'index.html')} not found: run \`trunk build --release\` first`);
  }

  const server = createServer(async (request, response) => {
    const send = (status, body, headers = {}) => {
      response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return send(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    }

    const urlPath = new URL(request.url, 'http://localhost').pathname;
    // `/agency/clients/xhs` without its slash would make the page's relative
    // asset URLs resolve one level too high; real hosts redirect, so do we.
    if (prefix !== '/' && urlPath === prefix.slice(0, -1)) {
      return send(301, 'moved\n', { Location: prefix });
    }

    const file = resolveFile(root, prefix, urlPath);
    const info = file && (await stat(file).catch(() => null));
    if (!info?.isFile()) return send(404, 'not found\n');

    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': info.size,
      // Every test and benchmark run must load the files as built, never a
      // copy cached from an earlier build.
      'Cache-Control': 'no-store',
    });
    if (request.method === 'HEAD') return response.end();
    createReadStream(file)
      .on('error', () => response.destroy())
      .pipe(response);
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    baseUrl: origin + prefix,
    close: () =>
      new Promise((resolve, reject) => {
        // Keep-alive sockets from the browser would otherwise hold close() open.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
