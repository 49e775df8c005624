/**
 * The model graph as boxes and arrows: nodes and edges from the model's format-neutral config (so
 * any layer the registry builds is drawn), laid out in layers by longest path, drawn as SVG.
 */
import { formatShape, type Shape } from '@kerasts/layers';
import type { Functional, Sequential } from '@kerasts/model';

export interface GraphNode {
  id: string;
  className: string;
  /** Output shape(s), Keras style: `(None, 8)`. */
  shape: string;
  params: number;
  /** Weight shapes, e.g. `kernel (8, 16)`. */
  weights: string[];
}

export interface Graph {
  nodes: GraphNode[];
  edges: { from: string; to: string }[];
  outputs: string[];
}

function shapesText(shapes: Shape[]): string {
  const uniq = [...new Set(shapes.map((s) => formatShape(s)))];
  return uniq.join(', ');
}

/** Nodes and edges of a model, input layers included. */
export function modelGraph(model: Sequential | Functional): Graph {
  const config = model.toConfig();
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const describe = (name: string, className: string, shapes: Shape[]): GraphNode => {
    const layer = byName.get(name);
    return {
      id: name,
      className,
      shape: shapesText(shapes),
      params: layer?.countParams() ?? 0,
      weights: layer ? layer.weights.map((w) => `${w.name.split('/').pop()} ${formatShape(w.shape)}`) : [],
    };
  };
  if (config.className === 'Sequential') {
    const nodes: GraphNode[] = [];
    const input = model.inputShapes?.[0] ?? null;
    const inputSpec = config.layers[0]?.className === 'InputLayer' ? config.layers[0] : null;
    const inputName = inputSpec && typeof inputSpec.config.name === 'string' ? inputSpec.config.name : 'input';
    if (input) nodes.push(describe(inputName, 'InputLayer', [input]));
    let cur: Shape | null = input;
    for (const l of model.layers) {
      let out: Shape[] = [];
      if (cur) {
        try {
          cur = l.computeOutputShape(cur);
          out = [cur];
        } catch {
          cur = null;
        }
      }
      nodes.push(describe(l.name, l.className, out));
    }
    const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id }));
    return { nodes, edges, outputs: nodes.length ? [nodes[nodes.length - 1]!.id] : [] };
  }
  // Functional: a layer's output shapes are the shapes recorded where its outputs are used.
  const shapes = new Map<string, Shape[]>();
  const note = (layer: string, shape: Shape | undefined) => {
    if (!shape) return;
    const list = shapes.get(layer) ?? [];
    list.push(shape);
    shapes.set(layer, list);
  };
  const edges: { from: string; to: string }[] = [];
  const seen = new Set<string>();
  for (const spec of config.layers) {
    for (const node of spec.inboundNodes) {
      for (const ref of node.inputs) {
        note(ref.layer, ref.shape);
        const key = `${ref.layer}\u0000${spec.name}`;
        if (!seen.has(key)) {
          seen.add(key);
          edges.push({ from: ref.layer, to: spec.name });
        }
      }
    }
  }
  for (const ref of config.outputLayers) note(ref.layer, ref.shape);
  for (const ref of config.inputLayers) note(ref.layer, ref.shape);
  (model.outputShapes ?? []).forEach((s, i) => {
    const ref = config.outputLayers[i];
    if (ref && !shapes.has(ref.layer)) note(ref.layer, s);
  });
  const nodes = config.layers.map((spec) => describe(spec.name, spec.className, shapes.get(spec.name) ?? []));
  return { nodes, edges, outputs: config.outputLayers.map((r) => r.layer) };
}

/** Positions of the nodes: rank = longest path from an input; order within a rank kept from the config. */
export function layout(graph: Graph): Map<string, { rank: number; slot: number }> {
  const rank = new Map<string, number>();
  const preds = new Map<string, string[]>();
  for (const e of graph.edges) preds.set(e.to, [...(preds.get(e.to) ?? []), e.from]);
  const visit = (id: string, stack: Set<string>): number => {
    const known = rank.get(id);
    if (known !== undefined) return known;
    if (stack.has(id)) return 0; // never in a Keras graph; guards against a malformed config
    stack.add(id);
    const r = Math.max(-1, ...(preds.get(id) ?? []).map((p) => visit(p, stack))) + 1;
    stack.delete(id);
    rank.set(id, r);
    return r;
  };
  for (const n of graph.nodes) visit(n.id, new Set());
  const slots = new Map<number, number>();
  const pos = new Map<string, { rank: number; slot: number }>();
  for (const n of graph.nodes) {
    const r = rank.get(n.id) ?? 0;
    const s = slots.get(r) ?? 0;
    slots.set(r, s + 1);
    pos.set(n.id, { rank: r, slot: s });
  }
  return pos;
}

const NODE_W = 210;
const NODE_H = 58;
const GAP_X = 36;
const GAP_Y = 46;

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The graph as an SVG document string (top to bottom). */
export function graphSvg(graph: Graph): string {
  const pos = layout(graph);
  const perRank = new Map<number, number>();
  for (const p of pos.values()) perRank.set(p.rank, Math.max(perRank.get(p.rank) ?? 0, p.slot + 1));
  const widest = Math.max(1, ...perRank.values());
  const ranks = Math.max(1, ...[...pos.values()].map((p) => p.rank + 1));
  const width = widest * NODE_W + (widest - 1) * GAP_X + 24;
  const height = ranks * NODE_H + (ranks - 1) * GAP_Y + 24;
  const xy = (id: string) => {
    const p = pos.get(id)!;
    const n = perRank.get(p.rank)!;
    const rowW = n * NODE_W + (n - 1) * GAP_X;
    return { x: 12 + (width - 24 - rowW) / 2 + p.slot * (NODE_W + GAP_X), y: 12 + p.rank * (NODE_H + GAP_Y) };
  };
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="model graph">`);
  parts.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="g-arrow"/></marker></defs>');
  for (const e of graph.edges) {
    if (!pos.has(e.from) || !pos.has(e.to)) continue;
    const a = xy(e.from);
    const b = xy(e.to);
    const x1 = a.x + NODE_W / 2;
    const y1 = a.y + NODE_H;
    const x2 = b.x + NODE_W / 2;
    const y2 = b.y;
    const my = (y1 + y2) / 2;
    parts.push(`<path class="g-edge" d="M ${x1} ${y1} C ${x1} ${my}, ${x2} ${my}, ${x2} ${y2 - 2}" marker-end="url(#arrow)"/>`);
  }
  const outputs = new Set(graph.outputs);
  for (const n of graph.nodes) {
    const { x, y } = xy(n.id);
    const cls = n.className === 'InputLayer' ? 'g-node g-input' : outputs.has(n.id) ? 'g-node g-output' : 'g-node';
    const title = [`${n.id} (${n.className})`, `output ${n.shape || '?'}`, `${n.params.toLocaleString('en-US')} params`, ...n.weights].join('\n');
    parts.push(
      `<g class="${cls}" data-layer="${esc(n.id)}"><title>${esc(title)}</title>` +
        `<rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" rx="8"/>` +
        `<text x="${x + 12}" y="${y + 22}" class="g-name">${esc(n.id.length > 22 ? `${n.id.slice(0, 21)}…` : n.id)}</text>` +
        `<text x="${x + NODE_W - 12}" y="${y + 22}" class="g-class" text-anchor="end">${esc(n.className)}</text>` +
        `<text x="${x + 12}" y="${y + 44}" class="g-shape">${esc(n.shape || '')}</text>` +
        `<text x="${x + NODE_W - 12}" y="${y + 44}" class="g-params" text-anchor="end">${n.params ? `${n.params.toLocaleString('en-US')} p` : ''}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
