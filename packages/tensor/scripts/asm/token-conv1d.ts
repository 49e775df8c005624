// AssemblyScript: the gather-add of a 1-D convolution over embedded tokens from their projections
// (src/conv/token-conv1d.ts calls it; src/conv/token-projection.ts fills the table). An entry of the
// kernels module (build-wasm.mjs ENTRIES).

/**
 * y (batch, outSteps, f) = act(Σ_k table[rowOf(b, t·stride + k·dilation − pad)][k] + bias) where
 * `slots` (i32, batch × steps) gives each position's row in `table` (rows of taps × f floats); window
 * positions outside [0, steps) add nothing. Taps are summed in order in float32, then the bias is added
 * (bias = 0: none); relu != 0 applies max(x, 0) with NaN → 0 (as the TypeScript RELU). `ptrs` is
 * scratch for `taps` addresses.
 */
export function tokenConv1d(
  table: usize, slots: usize, batch: i32, steps: i32, outSteps: i32, taps: i32, stride: i32, dilation: i32, pad: i32,
  f: i32, bias: usize, relu: i32, y: usize, ptrs: usize,
): void {
  const f4 = f & ~3;
  const rowB = <usize>taps * <usize>f << 2;
  const tapB = <usize>f << 2;
  const zero = f32x4.splat(0);
  let out = y;
  for (let b = 0; b < batch; b++) {
    const sb = slots + (<usize>b * <usize>steps << 2);
    for (let t = 0; t < outSteps; t++) {
      // the rows this window reads (padding reads none)
      let n = 0;
      const start = t * stride - pad;
      for (let k = 0; k < taps; k++) {
        const pos = start + k * dilation;
        if (pos < 0 || pos >= steps) continue;
        store<usize>(ptrs + (<usize>n << 2), table + <usize>load<i32>(sb + (<usize>pos << 2)) * rowB + <usize>k * tapB);
        n++;
      }
      for (let ch = 0; ch < f4; ch += 4) {
        const o = <usize>ch << 2;
        let acc = zero;
        for (let i = 0; i < n; i++) acc = f32x4.add(acc, v128.load(load<usize>(ptrs + (<usize>i << 2)) + o));
        if (bias != 0) acc = f32x4.add(acc, v128.load(bias + o));
        if (relu != 0) acc = v128.and(acc, f32x4.gt(acc, zero));
        v128.store(out + o, acc);
      }
      for (let ch = f4; ch < f; ch++) {
        const o = <usize>ch << 2;
        let acc: f32 = 0;
        for (let i = 0; i < n; i++) acc += load<f32>(load<usize>(ptrs + (<usize>i << 2)) + o);
        if (bias != 0) acc += load<f32>(bias + o);
        if (relu != 0 && !(acc > 0)) acc = 0;
        store<f32>(out + o, acc);
      }
      out += tapB;
    }
  }
}
