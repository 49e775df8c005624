/**
 * Every kind of source loadModel/loadWeights take: bytes, ArrayBuffer, Blob, File, Response, URL
 * (fetched from a local HTTP server), a path; and the browser platform's answers to a path string.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileAccessError, FormatError, KerastsError } from '@kerasts/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, readSourceBytes } from '../src/index.js';
import * as browser from '../src/platform-browser.js';
import { SAMPLES_DIR } from './helpers.js';

const file = join(SAMPLES_DIR, 'm.h5');
const bytes = new Uint8Array(readFileSync(file));
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/m.h5') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(bytes);
    } else if (req.url === '/spa/m.h5') {
      res.writeHead(200, { 'content-type': 'text/html' }); // what a dev server's SPA fallback answers
      res.end('<!doctype html><html><body>app</body></html>');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function predictOf(source: Parameters<typeof loadModel>[0]): Promise<number[]> {
  const model = await loadModel(source);
  const shape = model.inputShapes![0]!.map((d) => d ?? 1);
  const n = shape.reduce((a, b) => a * b, 1);
  const x = Array.from({ length: n }, (_, i) => Math.sin(i));
  const { Tensor } = await import('@kerasts/tensor');
  const y = model.predict(new Tensor(new Float32Array(x), shape)) as { data: Float32Array };
  return [...y.data];
}

describe('loadModel sources', () => {
  it('bytes, ArrayBuffer, Blob, File, Response, URL, http(s) string, path and file: URL all give the same model', async () => {
    const ref = await predictOf(bytes);
    expect(await predictOf(bytes.slice().buffer)).toEqual(ref);
    expect(await predictOf(new Blob([bytes]))).toEqual(ref);
    expect(await predictOf(new File([bytes], 'm.h5'))).toEqual(ref);
    expect(await predictOf(new Response(bytes))).toEqual(ref);
    expect(await predictOf(new URL('/m.h5', base))).toEqual(ref);
    expect(await predictOf(`${base}/m.h5`)).toEqual(ref);
    expect(await predictOf(file)).toEqual(ref);
    expect(await predictOf(pathToFileURL(file).href)).toEqual(ref);
  });

  it('names the source in errors: a File by its name, a URL by its address', async () => {
    const bad = new File([new Uint8Array([1, 2, 3])], 'broken.h5');
    const err = await loadModel(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message.startsWith('broken.h5')).toBe(true);
    const notFound = await loadModel(`${base}/missing.h5`).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(FileAccessError);
    expect((notFound as FileAccessError).code).toBe('HTTP_404');
    expect((notFound as Error).message).toContain(`${base}/missing.h5: could not fetch the file: HTTP 404`);
    const html = await loadModel(new URL('/spa/m.h5', base)).catch((e: unknown) => e);
    expect(html).toBeInstanceOf(FormatError);
    expect((html as Error).message).toContain('the server answered with an HTML page, not a Keras file');
  });

  it('refuses what is not a source with a typed error', async () => {
    const err = await readSourceBytes(42 as unknown as Uint8Array).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileAccessError);
    expect((err as Error).message).toContain('cannot read a Number: pass the file');
  });
});

describe('the browser platform (what a bundle for the browser gets)', () => {
  it('a file path is a typed error that says what to pass instead', async () => {
    for (const p of ['C:\\models\\m.h5', 'file:///home/me/m.h5', '~/m.h5', 'models\\m.h5']) {
      const err = await browser.readPathBytes(p, p).catch((e: unknown) => e);
      expect(err, p).toBeInstanceOf(FileAccessError);
      expect((err as FileAccessError).code).toBe('NO_FILE_SYSTEM');
      expect((err as Error).message).toBe(
        `${p}: a file path cannot be read in a browser (there is no file system): pass the file's bytes (Uint8Array or ArrayBuffer), a File, a Blob, a Response or a URL`,
      );
    }
    // No page to resolve against (Node has no location): a relative string is not a URL either.
    const rel = await browser.readPathBytes('/tmp/m.h5', '/tmp/m.h5').catch((e: unknown) => e);
    expect(rel).toBeInstanceOf(FileAccessError);
    expect((rel as Error).message).toContain('not a URL, and a file path cannot be read here');
    const write = await browser.writePathBytes('out.h5', bytes, false).catch((e: unknown) => e);
    expect(write).toBeInstanceOf(KerastsError);
    expect((write as Error).message).toContain('cannot write a file path in a browser');
  });

  it('a relative URL resolves against the page and is fetched', async () => {
    const g = globalThis as { location?: unknown };
    g.location = { href: `${base}/app/index.html` };
    try {
      expect(await browser.readPathBytes('../m.h5', 'm.h5')).toEqual(bytes);
      const err = await browser.readPathBytes('/tmp/m.h5', '/tmp/m.h5').catch((e: unknown) => e);
      expect((err as FileAccessError).code).toBe('HTTP_404');
    } finally {
      delete g.location;
    }
  });
});
