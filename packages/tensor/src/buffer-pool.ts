/**
 * Reuse of large float32 buffers between training steps. A fresh multi-megabyte array costs its page
 * faults every time (on the shared 2-core machines more than the copies that fill it), and a training
 * step makes the same large arrays again and again: recurrent tapes, an Embedding's dense gradient.
 * Only buffers this pool made ({@link takeF32}) are ever taken back, so an array that came from
 * anywhere else can never be reused behind its owner's back.
 */

/** Buffers given back, newest last. */
const pool: Float32Array[] = [];
/** Buffers this pool handed out (only these may come back). */
const born = new WeakSet<Float32Array>();
let pooledFloats = 0;
/** The pool keeps at most this many floats (128 MB): a training step's worth, not a model's history. */
const POOL_MAX_FLOATS = 32 * 1024 * 1024;
/** Smaller buffers are not pooled (fresh ones are cheap). */
const POOL_MIN_FLOATS = 16 * 1024;

function isShared(a: Float32Array): boolean {
  // `typeof` first: pages that are not cross-origin isolated have no SharedArrayBuffer at all
  return typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;
}

/**
 * A float32 array of exactly n values, over a SharedArrayBuffer when `shared`, reused from the pool when
 * one was given back, else fresh. Its contents are arbitrary: callers overwrite (or zero) every value.
 */
export function takeF32(n: number, shared: boolean): Float32Array {
  if (n >= POOL_MIN_FLOATS) {
    for (let i = pool.length - 1; i >= 0; i--) {
      const a = pool[i]!;
      if (a.length === n && isShared(a) === shared) {
        pool.splice(i, 1);
        pooledFloats -= n;
        return a;
      }
    }
  }
  const a = shared ? new Float32Array(new SharedArrayBuffer(4 * n)) : new Float32Array(n);
  if (n >= POOL_MIN_FLOATS) born.add(a);
  return a;
}

/**
 * Gives arrays made by {@link takeF32} back for reuse (others are ignored). The caller must hold the only
 * use of them: they will be overwritten by a later {@link takeF32}.
 */
export function giveF32(...arrays: (Float32Array | null | undefined)[]): void {
  for (const a of arrays) {
    if (!a || !born.has(a) || pool.includes(a)) continue;
    pool.push(a);
    pooledFloats += a.length;
    // over the cap: drop the oldest
    while (pooledFloats > POOL_MAX_FLOATS && pool.length > 0) pooledFloats -= pool.shift()!.length;
  }
}

/**
 * Hands gradient buffers back once a training step has applied them (the training loop of
 * `@kerasts/model` calls this after the optimizer's update): buffers the kernels took from their pool
 * (an Embedding's dense gradient) then serve the next step. Arrays from anywhere else are left alone.
 * The caller must not use the arrays afterwards.
 */
export function recycleFloat32(arrays: readonly Float32Array[]): void {
  giveF32(...arrays);
}

/** The float buffer under each int32 array {@link takeI32} made (only these may come back). */
const intOwners = new WeakMap<Int32Array, Float32Array>();

/**
 * An int32 array of exactly n values, over a buffer of the float pool (see {@link takeF32}); its
 * contents are arbitrary. Give it back with {@link recycleInt32}.
 */
export function takeI32(n: number): Int32Array {
  const f = takeF32(n, false);
  const a = new Int32Array(f.buffer, f.byteOffset, n);
  intOwners.set(a, f);
  return a;
}

/**
 * Gives int32 arrays made by the kernels from the buffer pool back for reuse (a max pooling's argmax,
 * once its training step is done); others are ignored. The caller must not use them afterwards.
 */
export function recycleInt32(arrays: readonly Int32Array[]): void {
  for (const a of arrays) {
    const f = intOwners.get(a);
    if (f === undefined) continue;
    intOwners.delete(a);
    giveF32(f);
  }
}
