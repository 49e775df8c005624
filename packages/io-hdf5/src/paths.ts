/** HDF5 path helpers (POSIX-like, absolute paths start with `/`). */

/** Join a group path and a (possibly nested, `a/b/c`) member name, following h5py: an absolute name wins. */
export function joinPath(group: string, name: string): string {
  if (name.startsWith('/')) return normalizePath(name);
  return normalizePath(group === '/' ? `/${name}` : `${group}/${name}`);
}

/** Collapse repeated `/` and drop a trailing `/` (except for the root). */
export function normalizePath(path: string): string {
  const p = path.replace(/\/{2,}/g, '/');
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

/** Parent group of an absolute path (`/a/b` → `/a`, `/a` → `/`). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Last component of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Where-string for errors: `file.h5, HDF5 path /model_weights/dense_1` (or just the path). */
export function where(fileName: string | undefined, hdf5Path: string): string {
  return fileName ? `${fileName}, HDF5 path ${hdf5Path}` : `HDF5 path ${hdf5Path}`;
}

/** Where-string for an attribute: `file.h5, HDF5 path /model_weights attribute layer_names`. */
export function whereAttr(fileName: string | undefined, hdf5Path: string, attr: string): string {
  return `${where(fileName, hdf5Path)} attribute ${attr}`;
}
