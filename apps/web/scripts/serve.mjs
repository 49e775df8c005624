#!/usr/bin/env node
/**
 * Serves the built app (apps/web/dist) on 127.0.0.1. By default the page is cross-origin isolated
 * (COOP/COEP headers), so training can use Web Workers with shared memory; `--no-isolation` serves it
 * without those headers (one thread, the same numbers). Used by `pnpm web` and the browser tests.
 *
 *   node scripts/serve.mjs [--port 5173] [--no-isolation] [--root dist]
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.md': 'text/markdown; charset=utf-8',
};

/**
 * Start a static server. Resolves with `{ url, close }` once it listens.
 * @param {{ root?: string, port?: number, isolated?: boolean }} options
 */
export function startServer({ root = fileURLToPath(new URL('../dist', import.meta.url)), port = 0, isolated = true } = {}) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path = decodeURIComponent(url.pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(base, path));
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (isolated) {
      headers['cross-origin-opener-policy'] = 'same-origin';
      headers['cross-origin-embedder-policy'] = 'require-corp';
      headers['cross-origin-resource-policy'] = 'same-origin';
    }
    let size = -1;
    try {
      if (file === base || file.startsWith(base + sep)) {
        const st = statSync(file);
        if (st.isFile()) size = st.size;
      }
    } catch {
      /* not found */
    }
    if (size < 0) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': String(size) });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolvePromise({
        url: `http://127.0.0.1:${address.port}/`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const isolated = !args.includes('--no-isolation');
  const { url } = await startServer({ port: Number(opt('--port', '5173')), isolated, ...(opt('--root') ? { root: opt('--root') } : {}) });
  console.log(`kerasts web app: ${url}  (${isolated ? 'cross-origin isolated: threads on' : 'not isolated: one thread'}; Ctrl+C to stop)`);
}
