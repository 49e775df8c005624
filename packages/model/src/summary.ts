import { formatShape, type Layer, type Shape } from '@kerasts/layers';

/** One row of a model summary. */
export interface SummaryRow {
  layer: Layer;
  outputShape: Shape | Shape[];
}

function fit(fields: string[], positions: number[]): string {
  let line = '';
  fields.forEach((f, i) => {
    if (i > 0) line = line.slice(0, positions[i - 1]!) + ' '.repeat(Math.max(0, positions[i - 1]! - line.length));
    line += f;
  });
  return line.slice(0, positions[positions.length - 1]!).padEnd(positions[positions.length - 1]!);
}

/** Keras' classic `model.summary()` table (line length 65, columns layer (type), output shape, param #). */
export function formatSummary(modelName: string, rows: SummaryRow[], lineLength = 65): string {
  const positions = [0.45, 0.85, 1].map((p) => Math.floor(lineLength * p));
  const out: string[] = [];
  out.push(`Model: "${modelName}"`);
  out.push('_'.repeat(lineLength));
  out.push(fit(['Layer (type)', 'Output Shape', 'Param #'], positions).trimEnd());
  out.push('='.repeat(lineLength));
  let total = 0;
  let trainable = 0;
  rows.forEach((r, i) => {
    const n = r.layer.countParams();
    total += n;
    trainable += r.layer.trainableWeights.reduce((s, w) => s + w.value.size, 0);
    const shape = Array.isArray(r.outputShape[0]) ? (r.outputShape as Shape[]).map(formatShape).join(', ') : formatShape(r.outputShape as Shape);
    out.push(fit([`${r.layer.name} (${r.layer.className})`, shape, String(n)], positions).trimEnd());
    out.push(i === rows.length - 1 ? '='.repeat(lineLength) : '_'.repeat(lineLength));
  });
  if (rows.length === 0) out.push('='.repeat(lineLength));
  out.push(`Total params: ${total.toLocaleString('en-US')}`);
  out.push(`Trainable params: ${trainable.toLocaleString('en-US')}`);
  out.push(`Non-trainable params: ${(total - trainable).toLocaleString('en-US')}`);
  out.push('_'.repeat(lineLength));
  return out.join('\n');
}
