/** Small SVG charts: a histogram of weight values and a loss curve. No chart library: a few paths. */

export interface Stats {
  count: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** Values that are NaN or infinite. */
  nonFinite: number;
}

/** Summary statistics of an array (non-finite values counted apart). */
export function stats(values: Float32Array): Stats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sq = 0;
  let n = 0;
  let bad = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      bad++;
      continue;
    }
    n++;
    sum += v;
    sq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = n ? sum / n : 0;
  return { count: values.length, min: n ? min : 0, max: n ? max : 0, mean, std: n ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 0, nonFinite: bad };
}

/** Counts of values in `bins` equal bins between the finite min and max. */
export function histogram(values: Float32Array, bins = 32): { counts: number[]; min: number; max: number } {
  const s = stats(values);
  const counts = new Array<number>(bins).fill(0);
  const span = s.max - s.min || 1;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const b = Math.min(bins - 1, Math.floor(((v - s.min) / span) * bins));
    counts[b]!++;
  }
  return { counts, min: s.min, max: s.max };
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : Number(v.toPrecision(3)).toString();
}

/** A histogram as SVG (width × height), with the value range underneath. */
export function histogramSvg(values: Float32Array, width = 260, height = 96): string {
  const { counts, min, max } = histogram(values);
  const top = Math.max(1, ...counts);
  const plotH = height - 18;
  const bw = width / counts.length;
  const bars = counts
    .map((c, i) => {
      const h = c === 0 ? 0 : Math.max(1, (c / top) * (plotH - 4));
      return `<rect x="${(i * bw + 0.5).toFixed(1)}" y="${(plotH - h).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}"/>`;
    })
    .join('');
  const zero = min < 0 && max > 0 ? `<line class="h-zero" x1="${((-min / (max - min)) * width).toFixed(1)}" x2="${((-min / (max - min)) * width).toFixed(1)}" y1="0" y2="${plotH}"/>` : '';
  return (
    `<svg class="hist" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="histogram">` +
    `<g class="h-bars">${bars}</g>${zero}<line class="h-axis" x1="0" x2="${width}" y1="${plotH}" y2="${plotH}"/>` +
    `<text x="0" y="${height - 3}" class="h-tick">${fmt(min)}</text><text x="${width}" y="${height - 3}" class="h-tick" text-anchor="end">${fmt(max)}</text></svg>`
  );
}

/** Loss curves (one polyline per series) against epochs, with axes and the last values. */
export function lineChartSvg(series: { name: string; values: number[] }[], epochs: number, width = 560, height = 240): string {
  const left = 56;
  const bottom = 28;
  const top = 12;
  const right = 16;
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v));
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (hi - lo < 1e-12) {
    hi += Math.abs(hi) * 0.05 + 1e-6;
    lo -= Math.abs(lo) * 0.05 + 1e-6;
  }
  const pw = width - left - right;
  const ph = height - top - bottom;
  const n = Math.max(2, epochs);
  const x = (i: number) => left + (i / (n - 1)) * pw;
  const y = (v: number) => top + (1 - (v - lo) / (hi - lo)) * ph;
  const ticks = [hi, (hi + lo) / 2, lo]
    .map((v) => `<line class="c-grid" x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/><text class="c-tick" x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`)
    .join('');
  const xt = [1, Math.ceil(n / 2), n].filter((v, i, a) => a.indexOf(v) === i).map((e) => `<text class="c-tick" x="${x(e - 1).toFixed(1)}" y="${height - 8}" text-anchor="middle">${e}</text>`).join('');
  const lines = series
    .map((s, k) => {
      const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      const dots = s.values.map((v, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.6"/>`).join('');
      return `<g class="c-series c-s${k}"><polyline points="${pts}"/>${dots}</g>`;
    })
    .join('');
  const legend = series.map((s, k) => `<tspan class="c-l${k}">● ${s.name}</tspan>`).join('  ');
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="loss per epoch">${ticks}${xt}` +
    `<text class="c-tick" x="${width - right}" y="${top + 10}" text-anchor="end">${legend}</text>${lines}</svg>`
  );
}
