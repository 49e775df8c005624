import { describe, expect, it } from 'vitest';
import { partBounds } from '../src/rnn/lstm-backward.js';

describe('the batch parts of LSTM training', () => {
  const sizes = (b: number[]) => b.slice(1).map((x, i) => x - b[i]!);
  it('cover the batch in parts of about 8 rows, at most 16', () => {
    expect(sizes(partBounds(64, 32, 128))).toEqual([8, 8, 8, 8, 8, 8, 8, 8]);
    expect(partBounds(29, 8, 50)).toEqual([0, 7, 15, 22, 29]);
    expect(partBounds(1, 8, 50)).toEqual([0, 1]);
    expect(partBounds(4096, 32, 128).length - 1).toBe(16);
  });
  it('are fewer for large layers, so that the parts\' gradient sums stay under 128 MB', () => {
    const b = partBounds(256, 1024, 1024);
    expect(b.length - 1).toBe(3);
    expect((b.length - 1) * (1024 + 1024 + 1) * 4 * 1024 * 4).toBeLessThanOrEqual(128 * 1024 * 1024);
    expect(b[b.length - 1]).toBe(256);
  });
});
