/** Test helper: look at the raw HDF5 structure of bytes with h5wasm's high-level API. */
import h5wasm from 'h5wasm';
import type { Metadata } from 'h5wasm';

export interface RawObject {
  path: string;
  type: 'group' | 'dataset';
  attrs: Record<string, Metadata>;
  dataset?: Metadata;
}

let n = 0;

/** Every group and dataset (recursively) with attribute and dataset metadata. */
export async function inspectH5(bytes: Uint8Array): Promise<Map<string, RawObject>> {
  const M = await h5wasm.ready;
  const name = `/inspect-${++n}.h5`;
  M.FS.writeFile(name, bytes);
  const f = new h5wasm.File(name, 'r');
  try {
    const out = new Map<string, RawObject>();
    const visit = (g: InstanceType<typeof h5wasm.Group>) => {
      out.set(g.path, { path: g.path, type: 'group', attrs: attrsOf(g) });
      for (const k of g.keys()) {
        const e = g.get(k);
        if (e instanceof h5wasm.Group) visit(e);
        else if (e instanceof h5wasm.Dataset) out.set(e.path, { path: e.path, type: 'dataset', attrs: attrsOf(e), dataset: e.metadata });
      }
    };
    visit(f);
    return out;
  } finally {
    f.close();
    M.FS.unlink(name);
  }
}

function attrsOf(o: { attrs: Record<string, { metadata: Metadata }> }): Record<string, Metadata> {
  const r: Record<string, Metadata> = {};
  for (const [k, v] of Object.entries(o.attrs)) r[k] = v.metadata;
  return r;
}

export const H5T_STRING = 3;
export const H5T_FLOAT = 1;
