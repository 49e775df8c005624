/**
 * kerasts in a real browser: Debian's Chromium, driven by playwright-core, against the built web app
 * served on 127.0.0.1 — once as a plain page (no SharedArrayBuffer: one thread) and once cross-origin
 * isolated (COOP/COEP: Web Workers with shared memory). Real Keras files from the repository go in;
 * predictions and fit losses are compared with what Node computes with the same code; the trained
 * model is downloaded, loaded in Node and checked; a screenshot of the app is kept.
 *
 * Needs `pnpm --filter @kerasts/web build` first and Chromium at /usr/bin/chromium (or
 * KERASTS_CHROMIUM); `pnpm test:browser` does both builds.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '@kerasts/io-hdf5';
import { Random } from '@kerasts/tensor';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, parseNpy, toModelInput, type ArrayData } from '../src/data.js';
import { bigFit } from '../src/big-fit.js';
import { fineTune, type FitRequest } from '../src/train.js';
// @ts-expect-error a plain .mjs script without types
import { startServer } from '../scripts/serve.mjs';

const WEB = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(WEB, '..', '..');
const SAMPLES = join(WEB, 'public', 'samples');
const CHROMIUM = process.env.KERASTS_CHROMIUM ?? '/usr/bin/chromium';
// The committed screenshot is replaced only on request (KERASTS_UPDATE_SCREENSHOT=1); otherwise the
// picture goes to a temporary folder, so a test run never leaves the clone modified.
const SCREENSHOT = process.env.KERASTS_UPDATE_SCREENSHOT === '1' ? join(WEB, 'screenshot.png') : join(tmpdir(), `kerasts-web-screenshot-${process.pid}.png`);

/** The real Keras files the tests open (all committed). */
const FILES = {
  k208: join(SAMPLES, 'keras-2.0.8-lstm.h5'),
  k3func: join(SAMPLES, 'keras-3-functional.h5'),
  twoInputs: join(SAMPLES, 'keras-3-two-inputs.h5'),
  adam: join(ROOT, 'tools', 'oracle', 'fixtures', 'h5', 'seed_adam_trained.h5'),
  stacked: join(ROOT, 'tools', 'oracle', 'fixtures', 'h5', 'lstm_stacked3_seq_named.h5'),
  keras: join(ROOT, 'tools', 'oracle', 'fixtures', 'keras', 'seq_lstm_adam.keras'),
  archJson: join(SAMPLES, 'hls4ml-dense.arch.json'),
  archWeights: join(SAMPLES, 'hls4ml-dense.weights.h5'),
};

/** Deterministic float32 data as CSV (one sample per line) and as the array it parses to. */
function csvData(rows: number, cols: number, seed: number, scale = 1): { csv: string; array: ArrayData } {
  const rng = new Random(seed);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) lines.push(Array.from({ length: cols }, () => String(Math.fround(rng.normal() * scale))).join(','));
  const csv = lines.join('\n');
  return { csv, array: parseCsv(csv) };
}

function flat(a: ArrayData): number[] {
  return Array.from(a.data);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function nodePredict(file: string | Uint8Array, x: ArrayData): Promise<Float32Array> {
  const model = await loadModel(file);
  const y = model.predict(toModelInput(x, model.inputShapes![0]!, 'x'));
  return (Array.isArray(y) ? y[0]! : y).data;
}

function fileReq(path: string, x: ArrayData, y: ArrayData, extra: Partial<FitRequest> = {}): FitRequest {
  return { files: [{ name: path.split('/').pop()!, bytes: new Uint8Array(readFileSync(path)) }], inputs: [x], targets: [y], epochs: 3, batchSize: 16, learningRate: 0.01, loss: 'mean_squared_error', seed: 1, ...extra };
}

/** A request as it crosses into the page (typed arrays as plain arrays). */
function plainReq(r: FitRequest): unknown {
  return { ...r, files: r.files.map((f) => ({ name: f.name, bytes: Array.from(f.bytes) })), inputs: r.inputs.map((a) => ({ data: flat(a), shape: a.shape })), targets: r.targets.map((a) => ({ data: flat(a), shape: a.shape })) };
}

const REVIVE = `(r) => ({ ...r, files: r.files.map((f) => ({ name: f.name, bytes: Uint8Array.from(f.bytes) })), inputs: r.inputs.map((a) => ({ data: Float32Array.from(a.data), shape: a.shape })), targets: r.targets.map((a) => ({ data: Float32Array.from(a.data), shape: a.shape })) })`;

/** Results reported to the lead (printed at the end). */
const report: Record<string, unknown> = {};

if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set KERASTS_CHROMIUM)`);
if (!existsSync(join(WEB, 'dist', 'index.html'))) throw new Error('apps/web/dist is missing: run pnpm --filter @kerasts/web build');

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

for (const isolated of [false, true]) {
  const mode = isolated ? 'isolated' : 'plain';
  describe(`Chromium, ${isolated ? 'cross-origin isolated page (Web Workers + SharedArrayBuffer)' : 'page without cross-origin isolation (one thread)'}`, () => {
    let server: { url: string; close: () => Promise<void> };
    let context: BrowserContext;
    let profile: string;
    let harness: Page;
    const appErrors: string[] = [];

    beforeAll(async () => {
      server = await startServer({ isolated });
      profile = mkdtempSync(join(tmpdir(), 'kerasts-chromium-'));
      context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      harness = await context.newPage();
      await harness.goto(`${server.url}harness.html`);
      await harness.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      await server?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it('runs with or without shared memory, as served', async () => {
      const info = await harness.evaluate(() => (globalThis as any).kt.info());
      expect(info.crossOriginIsolated).toBe(isolated);
      expect(info.sharedArrayBuffer).toBe(isolated);
      report[`${mode}.info`] = info;
    });

    it('predicts what Node predicts on real Keras files of three eras, loaded by URL', async () => {
      const cases = [
        { url: 'samples/keras-2.0.8-lstm.h5', file: FILES.k208, x: csvData(40, 8, 11).array, shape: [40, 1, 8] },
        { url: 'samples/keras-3-functional.h5', file: FILES.k3func, x: csvData(40, 8, 12).array, shape: [40, 1, 8] },
      ];
      const worst: Record<string, number> = {};
      for (const c of cases) {
        const page = await harness.evaluate(([u, x, s]) => (globalThis as any).kt.predict(u, x, s), [c.url, flat(c.x), c.shape] as const);
        const node = await nodePredict(c.file, { data: c.x.data, shape: c.shape });
        worst[c.url] = maxAbsDiff(page, node);
      }
      // a Keras 3 stacked-LSTM file from the oracle fixtures, through a Blob URL made in the page
      const bytes = Array.from(readFileSync(FILES.stacked));
      const x = csvData(6, 13 * 3, 13).array;
      const stackedPage = await harness.evaluate(
        async ([b, xs]) => {
          const url = URL.createObjectURL(new Blob([Uint8Array.from(b)]));
          return (globalThis as any).kt.predict(url, xs, [6, 13, 3]);
        },
        [bytes, flat(x)] as const,
      );
      worst['lstm_stacked3_seq_named.h5 (blob: URL)'] = maxAbsDiff(stackedPage, await nodePredict(FILES.stacked, { data: x.data, shape: [6, 13, 3] }));
      report[`${mode}.predictMaxAbsDiff`] = worst;
      for (const [k, d] of Object.entries(worst)) expect(d, k).toBe(0);
    }, 120_000);

    it('fits with the same losses as Node, epoch by epoch, on the page and in a worker', async () => {
      const x = csvData(96, 8, 21).array;
      const y = csvData(96, 1, 22, 0.5).array;
      const cases = [
        { name: 'keras-2.0.8 LSTM, Adam state resumed', file: FILES.k208 },
        { name: 'Keras 3 seed_adam_trained, Adam state resumed', file: FILES.adam },
      ];
      const losses: Record<string, { node: number[]; page: number[]; worker: number[]; workerThreads: number }> = {};
      for (const c of cases) {
        const req = fileReq(c.file, { data: x.data, shape: [96, 1, 8] }, y, { epochs: 4 });
        const node = await fineTune(req, () => {});
        const here = await harness.evaluate(async ([r, revive]) => (globalThis as any).kt.fitHere((0, eval)(revive)(r)), [plainReq(req), REVIVE] as const);
        const inWorker = await harness.evaluate(async ([r, revive]) => (globalThis as any).kt.fitWorker((0, eval)(revive)(r)), [plainReq(req), REVIVE] as const);
        losses[c.name] = { node: node.history.loss!, page: here.history.loss, worker: inWorker.history.loss, workerThreads: inWorker.threads };
        expect(here.history.loss).toEqual(node.history.loss);
        expect(inWorker.history.loss).toEqual(node.history.loss);
        expect(inWorker.epochsSeen).toBe(4);
        // the worker's trained model, loaded in Node, predicts what Node's trained model predicts
        const xp = { data: x.data.subarray(0, 16 * 8), shape: [16, 1, 8] };
        expect(maxAbsDiff(await nodePredict(Uint8Array.from(inWorker.h5), xp), await nodePredict(node.h5, xp))).toBe(0);
      }
      report[`${mode}.fitLosses`] = losses;
    }, 240_000);

    it('saves and re-loads in the page (same predictions)', async () => {
      const x = csvData(8, 8, 31).array;
      const r = await harness.evaluate(([u, xs]) => (globalThis as any).kt.saveReload(u, xs, [8, 1, 8]), ['samples/keras-3-functional.h5', flat(x)] as const);
      expect(r.bytes).toBeGreaterThan(10_000);
      expect(maxAbsDiff(r.before, r.after)).toBe(0);
    });

    it('gives typed errors with readable names in the minified bundle', async () => {
      const e = await harness.evaluate(() => (globalThis as any).kt.errors());
      report[`${mode}.errors`] = Object.fromEntries(Object.entries(e).map(([k, v]: [string, any]) => [k, v.text.slice(0, 140)]));
      expect(e.windowsPath).toMatchObject({ name: 'FileAccessError', code: 'NO_FILE_SYSTEM', isKerasts: true });
      expect(e.windowsPath.text).toContain("FileAccessError: C:\\models\\m.h5: a file path cannot be read in a browser (there is no file system): pass the file's bytes");
      expect(e.fileUrl).toMatchObject({ name: 'FileAccessError', code: 'NO_FILE_SYSTEM' });
      expect(e.missingUrl).toMatchObject({ name: 'FileAccessError', code: 'HTTP_404' });
      expect(e.missingUrl.text).toContain('/no/such/model.h5: could not fetch the file: HTTP 404');
      expect(e.notHdf5.text).toMatch(/^FormatError: <bytes>: not an HDF5 file/);
      expect(e.truncated.text).toMatch(/^FormatError: cut\.h5/);
      expect(e.savePath).toMatchObject({ name: 'FileAccessError', code: 'NO_FILE_SYSTEM' });
      expect(e.savePath.text).toContain('cannot write a file path in a browser');
      expect(e.constructed.text).toBe('FormatError: x.h5: made here');
    });

    it('restarts the HDF5 engine after many corrupt files (bundle chunk re-import) and keeps saving', async () => {
      const r = await harness.evaluate(() => (globalThis as any).kt.engineRestart('samples/keras-3-functional.h5', 130));
      report[`${mode}.engineRestart`] = r;
      expect(r.errors).toBe(130);
      expect(r.typed).toBe(true);
      expect(r.after).toBeGreaterThan(r.before);
      expect(r.saved).toBeGreaterThan(10_000);
      expect(r.reloaded).toBe(true);
    }, 120_000);

    it('restarts the HDF5 engine inside a module worker too', async () => {
      const r = await harness.evaluate(([u]) => (globalThis as any).kt.inWorker('engineRestart', { source: u }), [`${server.url}samples/keras-3-functional.h5`] as const);
      report[`${mode}.engineRestartInWorker`] = r;
      expect(r.after).toBeGreaterThan(r.before);
      expect(r.reloaded).toBe(true);
    }, 120_000);

    it(`a large LSTM fit: ${isolated ? 'helper Web Workers share it' : 'one thread'}, the same losses as Node, on the page and in a worker`, async () => {
      const node = await bigFit(1);
      const here1 = await harness.evaluate(() => (globalThis as any).kt.bigFitHere(1));
      const here2 = await harness.evaluate(() => (globalThis as any).kt.bigFitHere(2));
      const worker2 = await harness.evaluate(() => (globalThis as any).kt.inWorker('bigFit', { threads: 2 }));
      report[`${mode}.bigFit`] = { node: node.loss, page1: here1, page2: here2, worker2 };
      expect(here1.loss).toEqual(node.loss);
      expect(here2.loss).toEqual(node.loss);
      expect(worker2.loss).toEqual(node.loss);
      expect(here1.helperParts).toBe(0);
      if (isolated) {
        expect(here2.helperParts).toBeGreaterThan(0);
        expect(worker2.helperParts).toBeGreaterThan(0);
      } else {
        expect(here2.helperParts).toBe(0);
        expect(worker2.helperParts).toBe(0);
      }
    }, 300_000);

    it('the app: open, inspect, graph, histograms, predict, fine-tune, download — as Node computes', async () => {
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') appErrors.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => appErrors.push(`pageerror: ${String(e)}`));
      await page.goto(server.url);
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
      await expect(page.locator('#threads').textContent()).resolves.toContain(isolated ? 'cross-origin isolated' : 'not cross-origin isolated');

      // A bad file first: a typed, readable error
      await page.setInputFiles('#file-input', { name: 'notes.h5', mimeType: 'application/octet-stream', buffer: Buffer.from('not a model at all') });
      await page.waitForSelector('#open-error:not([hidden])');
      expect(await page.locator('#open-error').textContent()).toMatch(/^FormatError: notes\.h5: not a Keras file/);

      // The Keras 2.0.8 tutorial model
      await page.setInputFiles('#file-input', FILES.k208);
      await page.waitForSelector('#workspace:not([hidden])');
      expect(await page.locator('#era').textContent()).toBe('Keras 2.0.x multi-backend (2.0.8)');
      expect(await page.locator('#keras-version').textContent()).toBe('2.0.8');
      expect(await page.locator('#total-params').textContent()).toBe('213');
      expect(await page.locator('#training-config').textContent()).toContain('Adam');
      expect(await page.locator('#optimizer-state').textContent()).toContain('11 arrays, restored');
      expect(await page.locator('#graph .g-node').count()).toBe(3);
      expect(await page.locator('#weights .hist-card').count()).toBe(5);

      // Predict on pasted CSV; the download is what Node predicts
      const px = csvData(24, 8, 41);
      await page.fill('#predict-x0-text', px.csv);
      await page.click('#predict-run');
      await page.waitForSelector('#predict-table-0');
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#predict-npy-0')]);
      const pagePred = parseNpy(new Uint8Array(readFileSync((await dl.path())!)));
      expect(pagePred.shape).toEqual([24, 1]);
      expect(maxAbsDiff(pagePred.data, await nodePredict(FILES.k208, px.array))).toBe(0);

      // Fine-tune with a live loss curve; the losses are Node's
      const tx = csvData(64, 8, 51);
      const ty = csvData(64, 1, 52, 0.5);
      await page.fill('#train-x0-text', tx.csv);
      await page.fill('#train-y0-text', ty.csv);
      await page.fill('#train-epochs', '5');
      await page.fill('#train-batch', '16');
      await page.fill('#train-seed', '3');
      await page.click('#train-run');
      await page.waitForSelector('#train-status[data-done="true"]', { timeout: 180_000 });
      const history = JSON.parse((await page.locator('#train-chart').getAttribute('data-history'))!) as Record<string, number[]>;
      const nodeFit = await fineTune(fileReq(FILES.k208, { data: tx.array.data, shape: [64, 1, 8] }, ty.array, { epochs: 5, batchSize: 16, seed: 3 }), () => {});
      expect(history.loss).toEqual(nodeFit.history.loss);
      report[`${mode}.appFitLosses`] = { page: history.loss, node: nodeFit.history.loss, status: await page.locator('#train-status').textContent() };
      expect(await page.locator('#train-chart svg polyline').count()).toBe(1);
      expect(await page.locator('#file-name').textContent()).toContain('fine-tuned 5 epochs');

      if (isolated) {
        await page.locator('#sec-train').scrollIntoViewIfNeeded();
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
      }

      // Download the fine-tuned model; Node loads it and predicts what Node's own fine-tune predicts
      const [dl2] = await Promise.all([page.waitForEvent('download'), page.click('#download-h5')]);
      expect(dl2.suggestedFilename()).toBe('keras-2.0.8-lstm-finetuned.h5');
      const saved = new Uint8Array(readFileSync((await dl2.path())!));
      const reloaded = await loadModel(saved);
      expect(reloaded.kerasVersion).toBe('2.0.8');
      expect(reloaded.isCompiled).toBe(true);
      expect(maxAbsDiff(await nodePredict(saved, px.array), await nodePredict(nodeFit.h5, px.array))).toBe(0);

      // An architecture JSON with its weights file (Keras 2.0.0, a real published pair)
      await page.setInputFiles('#file-input', [FILES.archJson, FILES.archWeights]);
      await page.waitForFunction(() => document.querySelector('#file-name')?.textContent?.includes('hls4ml-dense.arch.json'));
      expect(await page.locator('#era').textContent()).toContain('2.0');
      expect(await page.locator('#weights .hist-card').count()).toBeGreaterThan(0);

      // A Keras 3 functional model with two inputs, dropped on the page: the graph has both branches
      const dropped = Array.from(readFileSync(FILES.twoInputs));
      await page.evaluate((bytes) => {
        const dt = new DataTransfer();
        dt.items.add(new File([Uint8Array.from(bytes)], 'keras-3-two-inputs.h5'));
        document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, dropped);
      await page.waitForFunction(() => document.querySelector('#file-name')?.textContent?.includes('keras-3-two-inputs.h5'));
      expect(await page.locator('#graph .g-node').count()).toBe(7);
      expect(await page.locator('#graph .g-edge').count()).toBe(6);
      expect(await page.locator('#graph .g-node[data-layer="join"] .g-shape').textContent()).toBe('(None, 14)');
      expect(await page.locator('#optimizer-state').textContent()).toContain('20 arrays, restored');

      // A Keras 3 .keras archive: opened, and downloaded again as .keras that Node loads to the same model
      await page.setInputFiles('#file-input', FILES.keras);
      await page.waitForFunction(() => document.querySelector('#file-name')?.textContent?.includes('seq_lstm_adam.keras'));
      expect(await page.locator('#era').textContent()).toMatch(/^Keras 3 \(\.keras, 3\./);
      expect(await page.locator('#optimizer-state').textContent()).toContain('restored');
      const [dl3] = await Promise.all([page.waitForEvent('download'), page.click('#download-keras')]);
      expect(dl3.suggestedFilename()).toBe('seq_lstm_adam.keras');
      const { loadKerasModel } = await import('@kerasts/io-keras');
      const original = await loadKerasModel(new Uint8Array(readFileSync(FILES.keras)));
      const downloaded = await loadKerasModel(new Uint8Array(readFileSync((await dl3.path())!)));
      expect(downloaded.isCompiled).toBe(true);
      const shape = original.inputShapes![0]!;
      const kxs = toModelInput(csvData(24, shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1), 61).array, shape, 'x');
      expect(maxAbsDiff((downloaded.predict(kxs) as { data: Float32Array }).data, (original.predict(kxs) as { data: Float32Array }).data)).toBe(0);

      expect(appErrors, appErrors.join('\n')).toEqual([]);
      await page.close();
    }, 300_000);
  });
}

afterAll(() => {
  if (process.env.KERASTS_UPDATE_SCREENSHOT !== '1') rmSync(SCREENSHOT, { force: true });
  writeFileSync(join(tmpdir(), 'kerasts-browser-report.json'), JSON.stringify(report, null, 1));
  console.log(`browser results:\n${JSON.stringify(report, null, 1)}`);
});
