/**
 * The kerasts web app: open a Keras file, see what it is, draw it, predict, look at its weights,
 * fine-tune it and download the result. Plain TypeScript and the DOM; everything stays in the page.
 */
import { saveModel } from '@kerasts/io-hdf5';
import { DIALECTS, type Dialect } from '@kerasts/io-json';
import { formatShape, type Shape } from '@kerasts/layers';
import type { Logs } from '@kerasts/model';
import { getThreads, Tensor } from '@kerasts/tensor';
import { histogramSvg, lineChartSvg, stats } from './charts.js';
import { parseArray, parseCsv, toCsv, toModelInput, toNpy, type ArrayData } from './data.js';
import { graphSvg, modelGraph } from './graph.js';
import { describeTraining, openModel, type InputFile, type Opened } from './open.js';
import { dialectFor, type FitRequest, type FitResult } from './train.js';
import './style.css';

const $ = <T extends HTMLElement = HTMLElement>(sel: string): T => {
  const el = document.querySelector<T>(sel);
  if (!el) throw new Error(`missing element ${sel}`);
  return el;
};

function h(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(c);
  return el;
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

const num = (n: number) => n.toLocaleString('en-US');

/** `FormatError: m.h5: not an HDF5 file` — the error's (static) name and message. */
function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

interface State {
  files: InputFile[];
  opened: Opened;
  fineTuned: number;
}
let state: State | null = null;

// ---------------------------------------------------------------------------------------------
// Opening files

function showError(where: string, err: unknown): void {
  const box = $(where);
  box.textContent = errorText(err);
  box.hidden = false;
}

async function filesFrom(list: FileList | File[]): Promise<InputFile[]> {
  return Promise.all([...list].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
}

async function open(files: InputFile[]): Promise<void> {
  const status = $('#open-status');
  $('#open-error').hidden = true;
  status.textContent = `Opening ${files.map((f) => f.name).join(' + ')}…`;
  try {
    const opened = await openModel(files);
    state = { files, opened, fineTuned: 0 };
    status.textContent = '';
    render();
  } catch (err) {
    status.textContent = '';
    showError('#open-error', err);
  }
}

function setupOpen(): void {
  const drop = $('#drop');
  const input = $<HTMLInputElement>('#file-input');
  input.addEventListener('change', async () => {
    if (input.files && input.files.length) await open(await filesFrom(input.files));
    input.value = '';
  });
  for (const ev of ['dragenter', 'dragover']) {
    document.addEventListener(ev, (e) => {
      e.preventDefault();
      drop.classList.add('dragging');
    });
  }
  for (const ev of ['dragleave', 'drop']) document.addEventListener(ev, () => drop.classList.remove('dragging'));
  document.addEventListener('drop', async (e) => {
    e.preventDefault();
    const list = (e as DragEvent).dataTransfer?.files;
    if (list && list.length) await open(await filesFrom(list));
  });
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-sample]')) {
    b.addEventListener('click', async () => {
      const names = b.dataset.sample!.split('+');
      try {
        const files = await Promise.all(
          names.map(async (n) => {
            const r = await fetch(`${import.meta.env.BASE_URL}samples/${n}`);
            if (!r.ok) throw new Error(`could not fetch the sample ${n}: HTTP ${r.status}`);
            return { name: n, bytes: new Uint8Array(await r.arrayBuffer()) };
          }),
        );
        await open(files);
      } catch (err) {
        showError('#open-error', err);
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering a model

/** Draw everything for a newly opened model; after a fine-tune, the forms (and their data) stay. */
function render(keepForms = false): void {
  if (!state) return;
  document.body.classList.add('has-model');
  $('#workspace').hidden = false;
  renderOverview();
  renderLayers();
  renderGraph();
  renderWeights();
  if (!keepForms) {
    renderPredict();
    renderTrain();
  }
  renderDownload();
}

function row(label: string, value: string, id?: string): string {
  return `<dt>${esc(label)}</dt><dd${id ? ` id="${id}"` : ''}>${value}</dd>`;
}

function renderOverview(): void {
  const { opened, fineTuned } = state!;
  const m = opened.model;
  const trainable = m.layers.reduce((n, l) => n + l.trainableWeights.reduce((s, w) => s + w.value.size, 0), 0);
  const total = m.countParams();
  const tc = describeTraining(opened.trainingConfig);
  const inputs = (m.inputShapes ?? []).map(formatShape).join(', ') || 'not declared';
  const outputs = (m.outputShapes ?? []).map(formatShape).join(', ') || '—';
  $('#file-name').textContent = opened.source + (fineTuned ? ` · fine-tuned ${fineTuned} epoch${fineTuned === 1 ? '' : 's'}` : '');
  $('#overview').innerHTML =
    `<dl class="facts">` +
    row('File', esc(opened.format)) +
    row('Era', esc(opened.era), 'era') +
    row('Keras version', esc(opened.kerasVersion ?? '(none in file)'), 'keras-version') +
    row('Backend', esc(opened.backend ?? '—')) +
    row('Model', `${esc(m.toConfig().className)} “${esc(m.name)}”, ${m.layers.length} layers`, 'model-class') +
    row('Inputs', esc(inputs), 'input-shapes') +
    row('Outputs', esc(outputs), 'output-shapes') +
    row('Parameters', `<strong id="total-params">${num(total)}</strong> (${num(trainable)} trainable, ${num(total - trainable)} non-trainable)`) +
    row('Training config', tc ? `${esc(tc.optimizer)}${tc.settings ? ` (${esc(tc.settings)})` : ''}, loss ${esc(tc.loss)}, metrics ${esc(tc.metrics)}` : 'none (not compiled)', 'training-config') +
    row(
      'Optimizer state',
      opened.optimizerArrays !== 0
        ? `${opened.optimizerArrays > 0 ? `${opened.optimizerArrays} arrays` : 'stored'}, ${opened.optimizerRestored ? 'restored: training resumes where it stopped' : 'not restored'}`
        : 'none',
      'optimizer-state',
    ) +
    (opened.extraRootGroups.length ? row('Ignored groups', esc(opened.extraRootGroups.join(', '))) : '') +
    `</dl>` +
    (opened.warnings.length ? `<ul class="warnings">${opened.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : '');
}

function renderLayers(): void {
  const g = modelGraph(state!.opened.model);
  const rows = g.nodes
    .map(
      (n) =>
        `<tr><td><span class="mono">${esc(n.id)}</span></td><td>${esc(n.className)}</td><td class="mono">${esc(n.shape)}</td><td class="num">${num(n.params)}</td><td class="mono small">${n.weights.map(esc).join('<br>')}</td></tr>`,
    )
    .join('');
  $('#layers').innerHTML = `<table class="grid"><thead><tr><th>Layer</th><th>Class</th><th>Output shape</th><th class="num">Params</th><th>Weights</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function renderGraph(): void {
  $('#graph').innerHTML = graphSvg(modelGraph(state!.opened.model));
}

function renderWeights(): void {
  const m = state!.opened.model;
  const cards: string[] = [];
  for (const l of m.layers) {
    for (const w of l.weights) {
      const s = stats(w.value.data);
      cards.push(
        `<figure class="hist-card" data-weight="${esc(`${l.name}/${w.name}`)}"><figcaption><span class="mono">${esc(l.name)}</span> <span class="muted">${esc(w.name)} ${esc(formatShape(w.shape))}</span></figcaption>` +
          histogramSvg(w.value.data) +
          `<div class="hist-stats">mean ${s.mean.toPrecision(3)} · std ${s.std.toPrecision(3)}${s.nonFinite ? ` · <b>${s.nonFinite} non-finite</b>` : ''}</div></figure>`,
      );
    }
  }
  $('#weights').innerHTML = cards.length ? cards.join('') : '<p class="muted">This model has no weights.</p>';
}

// ---------------------------------------------------------------------------------------------
// Arrays typed or loaded by the user

interface ArrayField {
  read(): Promise<ArrayData>;
  element: HTMLElement;
}

function arrayField(id: string, label: string, shape: Shape | null, placeholder: string): ArrayField {
  let loaded: { name: string; data: ArrayData } | null = null;
  const text = h('textarea', { id: `${id}-text`, rows: '4', spellcheck: 'false', placeholder }) as HTMLTextAreaElement;
  const file = h('input', { type: 'file', id: `${id}-file`, accept: ".csv,.txt,.npy,.npz,.json,text/csv" }) as HTMLInputElement;
  const note = h('div', { class: 'field-note', id: `${id}-note` }, shape ? `one sample per row: ${shapeValues(shape)} values, shape ${formatShape(shape)}` : '');
  const pick = h('label', { class: 'btn btn-small', for: `${id}-file` }, 'Load .csv / .npy / .npz');
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    try {
      const data = parseArray(new Uint8Array(await f.arrayBuffer()), f.name);
      loaded = { name: f.name, data };
      text.value = '';
      note.textContent = `${f.name}: ${data.shape.join(' × ')} values`;
    } catch (err) {
      note.textContent = errorText(err);
    }
    file.value = '';
  });
  text.addEventListener('input', () => {
    loaded = null;
  });
  const element = h('div', { class: 'field' }, h('div', { class: 'field-head' }, h('span', { class: 'field-label' }, label), pick, file), text, note);
  return {
    element,
    async read() {
      if (loaded && text.value.trim() === '') return loaded.data;
      if (text.value.trim() === '') throw new Error(`${label}: paste CSV numbers or load a .csv / .npy file`);
      return parseCsv(text.value, label);
    },
  };
}

function shapeValues(shape: Shape): string {
  const dims = shape.slice(1);
  return dims.some((d) => d === null) ? 'any number of' : String((dims as number[]).reduce((a, b) => a * b, 1));
}

function download(name: string, bytes: Uint8Array | string, type: string): void {
  const blob = new Blob([bytes as BlobPart], { type });
  const a = h('a', { href: URL.createObjectURL(blob), download: name }) as HTMLAnchorElement;
  document.body.append(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 1000);
}

function baseName(): string {
  const src = state!.files[0]?.name ?? 'model';
  return src.replace(/\.(h5|hdf5|json|ya?ml|keras)$/i, '');
}

// ---------------------------------------------------------------------------------------------
// Predict

function renderPredict(): void {
  const shapes0 = state!.opened.model.inputShapes;
  const m0 = state!.opened.model;
  const shapes = shapes0 ?? [];
  const box = $('#predict');
  box.innerHTML = '';
  if (!m0.built || shapes.length === 0) {
    box.innerHTML = '<p class="muted">The model declares no input shape, so it cannot predict.</p>';
    return;
  }
  const names = inputNames();
  const fields = shapes.map((s, i) => arrayField(`predict-x${i}`, shapes.length > 1 ? `Input “${names[i]}”` : 'Input', s, examplePlaceholder(s)));
  const run = h('button', { class: 'btn btn-primary', id: 'predict-run' }, 'Predict');
  const out = h('div', { id: 'predict-out', class: 'result' });
  box.append(...fields.map((f) => f.element), h('div', { class: 'actions' }, run), out);
  run.addEventListener('click', async () => {
    out.innerHTML = '';
    try {
      const xs = await Promise.all(fields.map(async (f, i) => toModelInput(await f.read(), shapes[i]!, names[i]!)));
      const t0 = performance.now();
      // the current model: after a fine-tune, the trained one
      const y = state!.opened.model.predict(xs.length === 1 ? xs[0]! : xs);
      const ms = performance.now() - t0;
      const ys = Array.isArray(y) ? y : [y];
      out.append(h('p', { class: 'muted' }, `${xs[0]!.shape[0]} sample${xs[0]!.shape[0] === 1 ? '' : 's'} in ${ms.toFixed(1)} ms`));
      ys.forEach((t, k) => out.append(predictionTable(t, ys.length > 1 ? `Output ${k + 1}` : 'Output', k)));
    } catch (err) {
      out.append(h('p', { class: 'error', id: 'predict-error' }, errorText(err)));
    }
  });
}

function inputNames(): string[] {
  const cfg = state!.opened.model.toConfig();
  if (cfg.className === 'Functional') return cfg.inputLayers.map((r) => r.layer);
  return ['input'];
}

function examplePlaceholder(shape: Shape): string {
  const n = Math.min(8, Number(shapeValues(shape)) || 4);
  const row = Array.from({ length: n }, (_, i) => (Math.sin(i + 1) * 0.5).toFixed(2)).join(', ');
  return `${row}${n < Number(shapeValues(shape)) ? ', …' : ''}\n(one sample per line, comma separated)`;
}

function predictionTable(t: Tensor, label: string, k: number): HTMLElement {
  const n = t.shape[0] ?? 1;
  const w = n ? t.size / n : 0;
  const shown = Math.min(n, 12);
  const cols = Math.min(w, 10);
  let rows = '';
  for (let r = 0; r < shown; r++) {
    rows += `<tr><td class="muted">${r}</td>${Array.from(t.data.subarray(r * w, r * w + cols), (v) => `<td class="num mono">${v.toPrecision(6)}</td>`).join('')}${w > cols ? '<td>…</td>' : ''}</tr>`;
  }
  const wrap = h('div', { class: 'pred' });
  wrap.innerHTML =
    `<div class="pred-head"><strong>${esc(label)}</strong> <span class="muted mono">${esc(formatShape(t.shape))}</span></div>` +
    `<table class="grid compact" id="predict-table-${k}"><tbody>${rows}</tbody></table>` +
    (n > shown ? `<p class="muted small">${n - shown} more rows in the download</p>` : '');
  const npy = h('button', { class: 'btn btn-small', id: `predict-npy-${k}` }, 'Download .npy');
  const csv = h('button', { class: 'btn btn-small', id: `predict-csv-${k}` }, 'Download .csv');
  npy.addEventListener('click', () => download(`${baseName()}-predictions${k ? `-${k + 1}` : ''}.npy`, toNpy(t.data, t.shape), 'application/octet-stream'));
  csv.addEventListener('click', () => download(`${baseName()}-predictions${k ? `-${k + 1}` : ''}.csv`, toCsv(t.data, t.shape), 'text/csv'));
  wrap.append(h('div', { class: 'actions' }, npy, csv));
  return wrap;
}

// ---------------------------------------------------------------------------------------------
// Fine-tune

let worker: Worker | null = null;

function renderTrain(): void {
  const { opened } = state!;
  const m = opened.model;
  const box = $('#train');
  box.innerHTML = '';
  const shapes = m.inputShapes ?? [];
  const outShapes = m.outputShapes ?? [];
  if (!m.built || shapes.length === 0) {
    box.innerHTML = '<p class="muted">The model declares no input shape, so it cannot be trained here.</p>';
    return;
  }
  const tc = describeTraining(opened.trainingConfig);
  const names = inputNames();
  const xs = shapes.map((s, i) => arrayField(`train-x${i}`, shapes.length > 1 ? `x: “${names[i]}”` : 'x (inputs)', s, examplePlaceholder(s)));
  const ys = outShapes.map((s, i) => arrayField(`train-y${i}`, outShapes.length > 1 ? `y: output ${i + 1}` : 'y (targets)', s, examplePlaceholder(s)));
  const numberInput = (id: string, label: string, value: string, attrs: Record<string, string> = {}) =>
    h('label', { class: 'knob' }, h('span', {}, label), h('input', { id, type: 'number', value, ...attrs }));
  const knobs = h(
    'div',
    { class: 'knobs' },
    numberInput('train-epochs', 'Epochs', '5', { min: '1', max: '500' }),
    numberInput('train-batch', 'Batch size', '32', { min: '1' }),
    numberInput('train-seed', 'Seed', '1', { min: '0' }),
    ...(tc ? [] : [numberInput('train-lr', 'Learning rate (Adam)', '0.001', { step: 'any', min: '0' }), h('label', { class: 'knob' }, h('span', {}, 'Loss'), lossSelect())]),
  );
  const how = h(
    'p',
    { class: 'muted', id: 'train-compile' },
    tc
      ? `Compiled from the file: ${tc.optimizer}${tc.settings ? ` (${tc.settings})` : ''}, loss ${tc.loss}${opened.optimizerRestored ? '; resumes from the stored optimizer state' : ''}.`
      : 'Not compiled in the file: the page compiles it with Adam and the loss below.',
  );
  const run = h('button', { class: 'btn btn-primary', id: 'train-run' }, 'Fine-tune');
  const stop = h('button', { class: 'btn', id: 'train-stop', hidden: '' }, 'Stop');
  const status = h('p', { id: 'train-status', class: 'muted' });
  const chart = h('div', { id: 'train-chart', class: 'chart-box' });
  box.append(how, ...xs.map((f) => f.element), ...ys.map((f) => f.element), knobs, h('div', { class: 'actions' }, run, stop, status), chart);
  stop.addEventListener('click', () => {
    worker?.terminate();
    worker = null;
    run.removeAttribute('disabled');
    stop.hidden = true;
    status.textContent = 'Stopped.';
  });
  run.addEventListener('click', async () => {
    const value = (id: string) => Number(($(`#${id}`) as HTMLInputElement).value);
    let req: FitRequest;
    try {
      const inputs = await Promise.all(xs.map(async (f, i) => toModelInput(await f.read(), shapes[i]!, names[i]!)));
      const targets = await Promise.all(ys.map(async (f, i) => toModelInput(await f.read(), outShapes[i]!, `y ${i + 1}`)));
      req = {
        files: state!.files,
        inputs: inputs.map((t) => ({ data: t.data, shape: [...t.shape] })),
        targets: targets.map((t) => ({ data: t.data, shape: [...t.shape] })),
        epochs: value('train-epochs'),
        batchSize: value('train-batch'),
        seed: value('train-seed'),
        learningRate: tc ? 0.001 : value('train-lr'),
        loss: tc ? 'mse' : ($('#train-loss') as HTMLSelectElement).value,
      };
    } catch (err) {
      status.textContent = errorText(err);
      status.className = 'error';
      return;
    }
    status.className = 'muted';
    run.setAttribute('disabled', '');
    stop.hidden = false;
    const losses: Record<string, number[]> = {};
    const draw = () => {
      const series = Object.entries(losses)
        .filter(([k]) => k === 'loss' || k === 'val_loss')
        .map(([name, values]) => ({ name, values }));
      chart.innerHTML = lineChartSvg(series, req.epochs);
      chart.dataset.history = JSON.stringify(losses);
    };
    draw();
    status.textContent = `Training on ${req.inputs[0]!.shape[0]} samples…`;
    worker?.terminate();
    worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module', name: 'kerasts-training' });
    worker.onmessage = async (e: MessageEvent<{ type: 'epoch'; epoch: number; logs: Logs } | { type: 'done'; result: FitResult } | { type: 'error'; name: string; message: string }>) => {
      const msg = e.data;
      if (msg.type === 'epoch') {
        for (const [k, v] of Object.entries(msg.logs)) (losses[k] ??= []).push(v);
        draw();
        status.textContent = `Epoch ${msg.epoch + 1} of ${req.epochs}: loss ${msg.logs.loss?.toPrecision(6)}`;
        return;
      }
      worker?.terminate();
      worker = null;
      run.removeAttribute('disabled');
      stop.hidden = true;
      if (msg.type === 'error') {
        status.textContent = `${msg.name}: ${msg.message}`;
        status.className = 'error';
        return;
      }
      const r = msg.result;
      const name = `${baseName().replace(/-finetuned$/, '')}-finetuned.h5`;
      const done = state!.fineTuned + req.epochs;
      const before = state!.opened;
      const files = [{ name, bytes: r.h5 }];
      const opened = await openModel(files);
      // keep what the original file said about itself; the model is the trained one
      state = { files, opened: { ...opened, source: before.source, era: before.era, format: before.format }, fineTuned: done };
      chart.dataset.history = JSON.stringify(r.history);
      render(true);
      const s = $('#train-status');
      const how = r.helperParts > 0 ? `${r.threads} threads (helpers ran ${r.helperParts} batch parts)` : r.threads > 1 ? 'one thread (batches too small to share)' : 'one thread';
      s.textContent = `Done: ${req.epochs} epochs in ${(r.milliseconds / 1000).toFixed(2)} s on ${how}; final loss ${r.history.loss?.at(-1)?.toPrecision(6)}. The model above is the fine-tuned one.`;
      s.dataset.done = 'true';
    };
    worker.onerror = (e) => {
      status.textContent = `The training worker failed: ${e.message}`;
      status.className = 'error';
      run.removeAttribute('disabled');
      stop.hidden = true;
    };
    worker.postMessage(req);
  });
}

function lossSelect(): HTMLElement {
  const s = h('select', { id: 'train-loss' });
  for (const l of ['mean_squared_error', 'mean_absolute_error', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'huber']) s.append(h('option', { value: l }, l));
  return s;
}

// ---------------------------------------------------------------------------------------------
// Download

function renderDownload(): void {
  const box = $('#download');
  box.innerHTML = '';
  const m = state!.opened.model;
  const select = h('select', { id: 'download-dialect' }) as HTMLSelectElement;
  const labels: Record<Dialect, string> = {
    'keras-2': 'Keras 3 and tf.keras 2 (keras-2)',
    'keras-2.0': 'Keras 2.0.x, as Keras 2.0.8 wrote it (keras-2.0)',
    'keras-3': 'Keras 3 legacy .h5 (keras-3)',
  };
  for (const d of DIALECTS) select.append(h('option', { value: d }, labels[d]));
  select.value = dialectFor(m.kerasVersion);
  const h5 = h('button', { class: 'btn btn-primary', id: 'download-h5' }, 'Download .h5');
  const keras = h('button', { class: 'btn', id: 'download-keras', title: "Keras 3's own format: a zip of config.json, metadata.json and model.weights.h5" }, 'Download .keras');
  const msg = h('p', { class: 'muted', id: 'download-status' }, 'Architecture, weights, training config and optimizer state, in one file that Keras loads.');
  h5.addEventListener('click', async () => {
    try {
      const warnings: string[] = [];
      const bytes = await saveModel(m, null, { dialect: select.value as Dialect, warn: (w) => warnings.push(w) });
      download(`${baseName()}.h5`, bytes, 'application/x-hdf5');
      msg.className = 'muted';
      msg.textContent = `${baseName()}.h5: ${num(bytes.length)} bytes${warnings.length ? ` (${warnings.join('; ')})` : ''}`;
    } catch (err) {
      msg.className = 'error';
      msg.textContent = errorText(err);
    }
  });
  keras.addEventListener('click', async () => {
    try {
      // the .keras writer (zip) loads only when asked for
      const { modelToKerasBytes } = await import('@kerasts/io-keras');
      const bytes = await modelToKerasBytes(m);
      download(`${baseName()}.keras`, bytes, 'application/zip');
      msg.className = 'muted';
      msg.textContent = `${baseName()}.keras: ${num(bytes.length)} bytes (Keras 3 format${m.kerasVersion.startsWith('3') ? '' : `; the model follows Keras ${m.kerasVersion} numerics`})`;
    } catch (err) {
      msg.className = 'error';
      msg.textContent = errorText(err);
    }
  });
  box.append(h('div', { class: 'knobs' }, h('label', { class: 'knob wide' }, h('span', {}, 'Write for'), select)), h('div', { class: 'actions' }, h5, keras), msg);
}

// ---------------------------------------------------------------------------------------------

function setupHeader(): void {
  const iso = globalThis.crossOriginIsolated === true;
  const badge = $('#threads');
  badge.textContent = iso ? `${getThreads()} threads · cross-origin isolated` : '1 thread · not cross-origin isolated';
  badge.title = iso
    ? 'The page is cross-origin isolated: training uses Web Workers that share memory (SharedArrayBuffer).'
    : 'The page is not cross-origin isolated (no COOP/COEP headers): training runs on one thread, with the same numbers.';
  $('#open-another').addEventListener('click', () => $<HTMLInputElement>('#file-input').click());
}

setupHeader();
setupOpen();
document.body.dataset.ready = 'true';
