/**
 * What Keras' `safe_mode` refuses, refused by name before anything is built: Lambda layers and
 * lambdas (they carry Python bytecode), custom functions, and custom objects kerasts does not know.
 * Nothing in an archive is ever executed by kerasts; this check makes the refusal say what and where
 * instead of failing later with a less precise message.
 */
import { isJsonObject, isLayerRegistered, type JsonValue } from '@kerasts/layers';
import { UnsupportedError } from '@kerasts/tensor';

const CODE_CLASSES = new Set(['Lambda', '__lambda__']);

/**
 * Walk a Keras 3 config and refuse, with an {@link UnsupportedError} naming the object and its JSON
 * path: Lambda layers and `__lambda__` objects; `function` objects outside Keras' own modules;
 * objects from modules other than Keras' whose class is not a registered kerasts layer.
 */
export function checkSafeConfig(config: JsonValue, source = ''): void {
  const at = (path: string) => (source ? `${source}: config.json ${path}` : `config.json ${path}`);
  const walk = (v: JsonValue, path: string): void => {
    if (Array.isArray(v)) {
      v.forEach((e, i) => walk(e, `${path}[${i}]`));
      return;
    }
    if (!isJsonObject(v)) return;
    const cls = typeof v.class_name === 'string' ? v.class_name : null;
    const module = typeof v.module === 'string' ? v.module : null;
    const registered = typeof v.registered_name === 'string' ? v.registered_name : null;
    if (cls !== null) {
      const label = `"${registered ?? cls}"${module ? ` (module ${module})` : ''}`;
      if (CODE_CLASSES.has(cls)) {
        throw new UnsupportedError(
          `refusing ${label}: a Lambda holds Python code, which kerasts never runs (Keras refuses it too unless safe_mode=False); replace it with a layer or register an equivalent TypeScript layer`,
          at(path),
        );
      }
      const foreign = module !== null && module !== 'keras' && !module.startsWith('keras.');
      if (cls === 'function' && foreign) {
        throw new UnsupportedError(`refusing the custom function "${String(v.config)}" (module ${module}): unknown custom objects are refused by name`, at(path));
      }
      if (foreign && !isLayerRegistered(cls) && !(registered !== null && isLayerRegistered(registered))) {
        throw new UnsupportedError(
          `refusing the unknown custom object ${label}: kerasts knows no class of that name; implement it and call registerLayer("${cls}", factory) before loading`,
          at(path),
        );
      }
    }
    for (const [k, e] of Object.entries(v)) walk(e, path ? `${path}.${k}` : k);
  };
  walk(config, '');
}
