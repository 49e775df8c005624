/**
 * Where Keras 3 keeps each variable of a model in `.keras` archives and `.weights.h5` files, following
 * `keras/src/saving/saving_lib.py` (`_save_state`, `_save_container_state`, `_walk_saveable`):
 *
 * - every saveable object at path `p` writes a group `p/vars` (attribute `name`) holding its own
 *   variables as datasets `0`, `1`, ... (`save_own_variables`); the model itself is at `''`, so the
 *   root has a `vars` group with the model's name;
 * - a Sequential/Functional model's `layers` list comes first: each layer at
 *   `layers/<snake_case(class)>` with `_1`, `_2`, ... for later layers of the same class (position,
 *   not the layer's name, which Keras does not trust to be reproducible);
 * - inside a layer, child trackables sit under their attribute names (an RNN's `cell`, ...), which
 *   each layer describes through `Layer.keras3VariableTree()` (@kerasts/layers);
 * - a compiled model's optimizer at `optimizer` (its variables: iterations, learning rate, slots).
 *
 * A Sequential's `layers` leaves out its InputLayer; a Functional's includes its InputLayers.
 */
import { toSnakeCase, type Keras3VariableTree, type Layer, type LayerWeight } from '@kerasts/layers';
import type { Model } from '@kerasts/model';
import { KerastsError } from '@kerasts/tensor';

/** One saveable object of the layout: its path, the `name` Keras writes, its own variables. */
export interface LayoutNode {
  /** Path of the object (`''` for the model, `layers/lstm`, `layers/lstm/cell`, ...); its variables are at `<path>/vars/<i>`. */
  path: string;
  /** The `name` attribute of its `vars` group. */
  name: string;
  variables: readonly LayerWeight[];
}

/** The layout of one top-level layer of a model. */
export interface LayerLayout {
  layer: Layer;
  /** `layers/<key>`. */
  path: string;
  /** The layer's nodes, its own first, then its children depth first. */
  nodes: LayoutNode[];
}

/** Keras' `_get_unique_name`: the first `x`, then `x_1`, `x_2`, ... within one container. */
export function uniqueKeys(classNames: readonly string[]): string[] {
  const used = new Map<string, number>();
  return classNames.map((cls) => {
    const base = toSnakeCase(cls);
    const n = used.get(base);
    if (n === undefined) {
      used.set(base, 0);
      return base;
    }
    used.set(base, n + 1);
    return `${base}_${n + 1}`;
  });
}

/** Flatten one layer's Keras 3 variable tree under a path. */
export function layoutNodes(tree: Keras3VariableTree, path: string, out: LayoutNode[] = []): LayoutNode[] {
  out.push({ path, name: tree.name, variables: tree.variables });
  for (const c of tree.children) layoutNodes(c.tree, `${path}/${c.key}`, out);
  return out;
}

/**
 * The Keras 3 layout of a model's layers. Checks the layers' trees: every weight of a layer must
 * appear exactly once (a tree that forgets or repeats one would silently lose or mix up values).
 *
 * @throws {KerastsError} when a layer's `keras3VariableTree()` does not cover its weights exactly once.
 */
export function modelLayout(model: Model): LayerLayout[] {
  // keras.ops nodes (NumpyOperation) are no Keras layers: Keras' saving never sees them.
  const layers = model.layers.filter((l) => l.className !== 'NumpyOperation');
  const keys = uniqueKeys(layers.map((l) => l.className));
  return layers.map((layer, i) => {
    const path = `layers/${keys[i]!}`;
    const nodes = layoutNodes(layer.keras3VariableTree(), path);
    const inTree = nodes.flatMap((n) => [...n.variables]);
    const own = layer.weights;
    const missing = own.filter((w) => !inTree.includes(w));
    const twice = inTree.filter((w, k) => inTree.indexOf(w) !== k);
    const foreign = inTree.filter((w) => !own.includes(w));
    if (missing.length || twice.length || foreign.length) {
      const names = (ws: readonly LayerWeight[]) => ws.map((w) => w.name).join(', ');
      throw new KerastsError(
        `layer "${layer.name}" (${layer.className}): its keras3VariableTree() must hold each of its weights exactly once` +
          `${missing.length ? `; missing: ${names(missing)}` : ''}${twice.length ? `; repeated: ${names(twice)}` : ''}${foreign.length ? `; not its own: ${names(foreign)}` : ''}`,
        layer.name,
      );
    }
    return { layer, path, nodes };
  });
}
