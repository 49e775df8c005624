/**
 * PyYAML-compatible YAML for Keras 1.x/2.x `model.to_yaml()` / `model_from_yaml()`.
 *
 * `to_yaml()` was `yaml.dump(config)`: PyYAML's `Representer` + `Serializer` + `Emitter` with
 * `sort_keys=True`, width 80, indent 2, `allow_unicode=None` (so every non-ASCII string is written
 * double-quoted with `\x..`/`\u....` escapes), and Python tuples as `!!python/tuple`. Two styles
 * exist because PyYAML 5.1 changed `default_flow_style` from `None` to `False` (see
 * KERAS-FORMAT.md §9):
 *
 * - `'pyyaml-legacy'` (PyYAML < 5.1): a collection holding only scalars is written in flow style
 *   (`{a: 1, b: null}`, `!!python/tuple [null, 1, 8]`), every other collection in block style;
 * - `'pyyaml-5.1'` (PyYAML >= 5.1): block style everywhere (except empty collections: `{}`, `[]`).
 *
 * The emitter below is a port of PyYAML 6.0.3's `emitter.py` (the parts reachable from
 * `yaml.dump` with default options): the same scalar analysis, the same choice between plain,
 * single-quoted and double-quoted scalars, the same line folding at column 80 (flow collections,
 * plain, single-quoted and double-quoted scalars), the same "simple key" limit (keys of 123 or more
 * characters become `? key` / `: value`). Fixtures produced by real PyYAML are in
 * `test/fixtures/` (see `gen_pyyaml_fixtures.py`).
 *
 * Loading uses js-yaml with a schema that reproduces PyYAML's YAML 1.1 resolver (`yes`/`no`/`on`/
 * `off` are booleans, `010` is octal, `1e5` is a string, `1:30` is sexagesimal, ...). Of the
 * Python-specific tags it accepts only those that PyYAML's `FullLoader` turns into plain data
 * (`!!python/tuple`, `!!python/unicode`, `!!python/str`, `!!python/int`, `!!python/long`,
 * `!!python/float`, `!!python/bool`, `!!python/none`, `!!python/list`, `!!python/dict`); every other
 * tag (`!!python/object:...`, `!!python/name:...`, `!!python/object/apply:...`, `!!python/complex`,
 * `!!binary`, `!foo`, ...) is refused with an `UnsupportedError` that names the tag and its line.
 * Nothing is ever executed or instantiated.
 */
import { FAILSAFE_SCHEMA, Type, YAMLException, load as jsYamlLoad } from 'js-yaml';
import type { State as JsYamlState } from 'js-yaml';
import { ConfigError, UnsupportedError } from './pyyaml-errors.js';

// ------------------------------------------------------------------------------------------------
// Public types
// ------------------------------------------------------------------------------------------------

/** A JSON-like value; arrays whose key is listed in tupleKeys are emitted as !!python/tuple. */
export type YamlValue =
  | null
  | boolean
  | number
  | string
  | readonly YamlValue[]
  | { readonly [k: string]: YamlValue };

/** A position in a value: mapping keys (strings) and sequence indexes (numbers), from the root. */
export type YamlPath = readonly (string | number)[];

export interface PyYamlDumpOptions {
  /** `'pyyaml-legacy'`: PyYAML < 5.1 (`default_flow_style=None`); `'pyyaml-5.1'`: block style. */
  style: 'pyyaml-5.1' | 'pyyaml-legacy';
  /**
   * Keys whose array values are Python tuples. An array is a tuple when the nearest mapping key
   * above it is in the set, so nested arrays under such a key (`padding: ((1, 1), (1, 1))`) are
   * tuples too.
   */
  tupleKeys?: ReadonlySet<string>;
  /**
   * Finer rule for tuples: called for every array with its path; `true`/`false` decides, `undefined`
   * falls back to `tupleKeys`.
   */
  tuple?: (path: YamlPath, value: readonly YamlValue[]) => boolean | undefined;
  /**
   * JavaScript has one number type, Python two. A number that is not an integer, is `-0`, `NaN` or
   * infinite is always written as a Python float. An integer-valued number is written as a Python
   * int (`1`) unless the nearest mapping key above it is in `floatKeys` or `float` returns `true`,
   * in which case it is written as a float (`1.0`).
   */
  floatKeys?: ReadonlySet<string>;
  /** Finer rule for floats: `true`/`false` decides, `undefined` falls back to `floatKeys`. */
  float?: (path: YamlPath, value: number) => boolean | undefined;
  /**
   * PyYAML aliases by object identity: an object or array met a second time (or inside itself) is
   * written once with an anchor (`&id001 ...`) and then as an alias (`*id001`), exactly as
   * `yaml.dump` does for a shared Python object (Keras 2 configs do share default tuples such as
   * `strides` and `dilation_rate` between layers). Default `true`. With `false` a shared object is
   * written out in full each time and a cycle is a `ConfigError`.
   */
  aliases?: boolean;
}

/**
 * Keys whose list values Keras 2.x keeps as Python tuples in layer configs (and hence writes as
 * `!!python/tuple` in `to_yaml`). A suggestion for `tupleKeys`, not applied by default.
 */
export const KERAS2_TUPLE_KEYS: ReadonlySet<string> = new Set([
  'batch_input_shape',
  'kernel_size',
  'strides',
  'pool_size',
  'dilation_rate',
  'padding',
  'cropping',
  'size',
  'target_shape',
  'dims',
]);

/**
 * Keys whose values are Python floats in Keras 2.x configs even when integral (`scale: 1.0`,
 * `dropout: 0.0`, `l2: 0.0`). A suggestion for `floatKeys`, not applied by default: a Keras user
 * could still have passed an int (`Dropout(0)`), which no key rule can know.
 */
export const KERAS2_FLOAT_KEYS: ReadonlySet<string> = new Set([
  'scale',
  'gain',
  'dropout',
  'recurrent_dropout',
  'rate',
  'l1',
  'l2',
  'lr',
  'learning_rate',
  'momentum',
  'decay',
  'rho',
  'epsilon',
  'beta_1',
  'beta_2',
  'mean',
  'stddev',
  'minval',
  'maxval',
  'alpha',
  'theta',
  'clipnorm',
  'clipvalue',
  'schedule_decay',
]);

// ------------------------------------------------------------------------------------------------
// Representer: YamlValue -> node tree (PyYAML representer.py + serializer.py + resolver.py)
// ------------------------------------------------------------------------------------------------

const TAG_STR = 'tag:yaml.org,2002:str';
const TAG_SEQ = 'tag:yaml.org,2002:seq';
const TAG_MAP = 'tag:yaml.org,2002:map';
const TAG_TUPLE = 'tag:yaml.org,2002:python/tuple';
const PY_PREFIX = 'tag:yaml.org,2002:python/';

interface ScalarNode {
  readonly kind: 'scalar';
  /** The text of the scalar, as an array of code points (Python indexes strings by code point). */
  readonly text: readonly string[];
  /** PyYAML `implicit[0]`: the plain text resolves back to the node's own tag. */
  readonly plainImplicit: boolean;
}

// Collection nodes are filled after they are registered, so that a shared (or cyclic) object
// becomes the same node, as in PyYAML's representer.
interface SequenceNode {
  readonly kind: 'sequence';
  /** `!!python/tuple` or `null` for a plain list (implicit tag). */
  readonly tag: string | null;
  flow: boolean;
  readonly items: Node[];
}

interface MappingNode {
  readonly kind: 'mapping';
  flow: boolean;
  readonly pairs: (readonly [ScalarNode, Node])[];
}

type Node = ScalarNode | SequenceNode | MappingNode;

function describePath(path: YamlPath): string {
  let s = '$';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`;
  return s;
}

/** Compare two strings by Unicode code point, as Python's `sorted` does for `str`. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order differs from code point order only between a surrogate and U+E000..U+FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Python `repr(float)` (shortest round-trip digits; exponent form when the decimal exponent is
 * < -4 or >= 16), followed by PyYAML's `represent_float` fix-ups (lower case, `.0` before `e`,
 * `.nan`, `.inf`, `-.inf`).
 */
export function pyYamlFloat(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // Number#toString gives the shortest digits that round-trip, picking the closest when several
  // do -- the same digits as Python's repr (David Gay's mode 0).
  const s = String(Math.abs(x));
  const eAt = s.indexOf('e');
  const mant = eAt < 0 ? s : s.slice(0, eAt);
  const exp = eAt < 0 ? 0 : Number(s.slice(eAt + 1));
  const dot = mant.indexOf('.');
  const intPart = dot < 0 ? mant : mant.slice(0, dot);
  const fracPart = dot < 0 ? '' : mant.slice(dot + 1);
  let digits = intPart + fracPart;
  let decpt = intPart.length + exp;
  while (digits.length > 1 && digits[0] === '0') {
    digits = digits.slice(1);
    decpt--;
  }
  digits = digits.replace(/0+$/, '');
  const nd = digits.length;
  let out: string;
  if (decpt <= -4 || decpt > 16) {
    const e = decpt - 1;
    const ee = String(Math.abs(e)).padStart(2, '0');
    // repr gives '1e-07'; PyYAML inserts '.0' when there is no '.': '1.0e-07'.
    out = `${digits[0]}.${nd > 1 ? digits.slice(1) : '0'}e${e < 0 ? '-' : '+'}${ee}`;
  } else if (decpt <= 0) {
    out = `0.${'0'.repeat(-decpt)}${digits}`;
  } else if (decpt >= nd) {
    out = `${digits}${'0'.repeat(decpt - nd)}.0`;
  } else {
    out = `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  return sign + out;
}

function pyInt(x: number): string {
  return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
}

// PyYAML resolver.py implicit resolvers (re.X patterns with the whitespace removed).
const RESOLVE_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const RESOLVE_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const RESOLVE_INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const RESOLVE_MERGE = /^(?:<<)$/;
const RESOLVE_NULL = /^(?:~|null|Null|NULL|)$/;
const RESOLVE_TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
const RESOLVE_VALUE = /^(?:=)$/;
const RESOLVE_YAML = /^(?:!|&|\*)$/;
const IMPLICIT_RESOLVERS = [
  RESOLVE_BOOL,
  RESOLVE_FLOAT,
  RESOLVE_INT,
  RESOLVE_MERGE,
  RESOLVE_NULL,
  RESOLVE_TIMESTAMP,
  RESOLVE_VALUE,
  RESOLVE_YAML,
];

/** Would a plain scalar with this text be resolved by PyYAML to something other than `!!str`? */
function resolvesToNonString(value: string): boolean {
  // Python's `re.match(...$)` also matches before one trailing '\n'.
  const alt = value.endsWith('\n') ? value.slice(0, -1) : null;
  for (const re of IMPLICIT_RESOLVERS) {
    if (re.test(value) || (alt !== null && re.test(alt))) return true;
  }
  return false;
}

function strNode(value: string): ScalarNode {
  return { kind: 'scalar', text: Array.from(value), plainImplicit: !resolvesToNonString(value) };
}

/** null, bool, int and float: PyYAML's text for them always resolves back to their own tag. */
function plainNode(text: string): ScalarNode {
  return { kind: 'scalar', text: Array.from(text), plainImplicit: true };
}

function nearestKey(path: YamlPath): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const p = path[i];
    if (typeof p === 'string') return p;
  }
  return undefined;
}

class Representer {
  /** Objects being represented (cycle detection when aliases are off). */
  private readonly active = new Set<object>();
  /** PyYAML's `represented_objects`: one node per object identity. */
  private readonly represented = new Map<object, Node>();
  private readonly legacy: boolean;
  private readonly aliases: boolean;
  constructor(private readonly options: PyYamlDumpOptions) {
    if (options.style !== 'pyyaml-5.1' && options.style !== 'pyyaml-legacy') {
      throw new ConfigError(`unknown PyYAML style ${JSON.stringify(options.style)} (expected 'pyyaml-5.1' or 'pyyaml-legacy')`);
    }
    this.legacy = options.style === 'pyyaml-legacy';
    this.aliases = options.aliases ?? true;
  }

  represent(value: unknown, path: (string | number)[]): Node {
    if (value === null) return plainNode('null');
    switch (typeof value) {
      case 'boolean':
        return plainNode(value ? 'true' : 'false');
      case 'number':
        return plainNode(this.isFloat(value, path) ? pyYamlFloat(value) : pyInt(value));
      case 'string':
        return strNode(value);
      case 'object':
        break;
      default:
        throw new ConfigError(`cannot write ${value === undefined ? 'undefined' : `a ${typeof value}`} as YAML`, describePath(path));
    }
    if (this.aliases) {
      const seen = this.represented.get(value);
      if (seen !== undefined) return seen;
    } else if (this.active.has(value)) {
      throw new ConfigError('cannot write a cyclic value as YAML without aliases', describePath(path));
    }
    this.active.add(value);
    try {
      if (Array.isArray(value)) {
        const arr = value as readonly YamlValue[];
        const tuple = this.isTuple(arr, path);
        const node: SequenceNode = { kind: 'sequence', tag: tuple ? TAG_TUPLE : null, flow: false, items: [] };
        // PyYAML never aliases the empty tuple (ignore_aliases: `data == ()`).
        if (this.aliases && !(tuple && arr.length === 0)) this.represented.set(value, node);
        for (let i = 0; i < arr.length; i++) {
          path.push(i);
          node.items.push(this.represent(arr[i], path));
          path.pop();
        }
        node.flow = this.flowStyle(node.items);
        return node;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
        throw new ConfigError(`cannot write a ${name} as YAML (only plain objects, arrays and scalars)`, describePath(path));
      }
      const node: MappingNode = { kind: 'mapping', flow: false, pairs: [] };
      if (this.aliases) this.represented.set(value, node);
      const keys = Object.keys(value).sort(compareCodePoints);
      for (const k of keys) {
        path.push(k);
        node.pairs.push([strNode(k), this.represent((value as Record<string, unknown>)[k], path)]);
        path.pop();
      }
      node.flow = this.flowStyle(node.pairs.map((p) => p[1]));
      return node;
    } finally {
      this.active.delete(value);
    }
  }

  /** `default_flow_style=None` -> flow iff every child is a scalar; `False` -> block. */
  private flowStyle(children: readonly Node[]): boolean {
    return this.legacy && children.every((c) => c.kind === 'scalar');
  }

  private isTuple(value: readonly YamlValue[], path: YamlPath): boolean {
    const decided = this.options.tuple?.([...path], value);
    if (decided !== undefined) return decided;
    const key = nearestKey(path);
    return key !== undefined && (this.options.tupleKeys?.has(key) ?? false);
  }

  private isFloat(value: number, path: YamlPath): boolean {
    if (!Number.isInteger(value) || Object.is(value, -0)) return true;
    const decided = this.options.float?.([...path], value);
    if (decided !== undefined) return decided;
    const key = nearestKey(path);
    return key !== undefined && (this.options.floatKeys?.has(key) ?? false);
  }
}

// ------------------------------------------------------------------------------------------------
// Emitter (PyYAML serializer.py + emitter.py with yaml.dump's defaults: not canonical, indent 2,
// width 80, '\n' line breaks, allow_unicode off, implicit document start and end)
// ------------------------------------------------------------------------------------------------

const BEST_INDENT = 2;
const BEST_WIDTH = 80;
const BREAKS = '\n\x85\u2028\u2029';
const WS_OR_BREAK = '\0 \t\r\n\x85\u2028\u2029';

interface ScalarAnalysis {
  empty: boolean;
  multiline: boolean;
  allowFlowPlain: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

function analyzeScalar(text: readonly string[]): ScalarAnalysis {
  if (text.length === 0) {
    return { empty: true, multiline: false, allowFlowPlain: false, allowBlockPlain: true, allowSingleQuoted: true };
  }
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;

  const head = text.slice(0, 3).join('');
  if (head === '---' || head === '...') {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  let followedByWhitespace = text.length === 1 || WS_OR_BREAK.includes(text[1]!);
  let previousSpace = false;
  let previousBreak = false;
  const n = text.length;
  for (let index = 0; index < n; ) {
    const ch = text[index]!;
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '#' && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    // Without allow_unicode every character other than '\n' and printable ASCII is "special".
    if (!(ch === '\n' || (ch >= '\x20' && ch <= '\x7e'))) specialCharacters = true;

    if (ch === ' ') {
      if (index === 0) leadingSpace = true;
      if (index === n - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (index === 0) leadingBreak = true;
      if (index === n - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    index += 1;
    precededByWhitespace = WS_OR_BREAK.includes(ch);
    followedByWhitespace = index + 1 >= n || WS_OR_BREAK.includes(text[index + 1]!);
  }

  let allowFlowPlain = true;
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    allowFlowPlain = allowBlockPlain = false;
  }
  if (breakSpace) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (spaceBreak || specialCharacters) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowFlowPlain = allowBlockPlain = false;
  if (flowIndicators) allowFlowPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { empty: false, multiline: lineBreaks, allowFlowPlain, allowBlockPlain, allowSingleQuoted };
}

const ESCAPE_REPLACEMENTS: Readonly<Record<string, string>> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0A': 'n',
  '\x0B': 'v',
  '\x0C': 'f',
  '\x0D': 'r',
  '\x1B': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xA0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

function hex(cp: number, width: number): string {
  return cp.toString(16).toUpperCase().padStart(width, '0');
}

interface NodeContext {
  root?: boolean;
  sequence?: boolean;
  mapping?: boolean;
  simpleKey?: boolean;
}

/** PyYAML serializer.anchor_node: an anchor for every node reached twice, numbered in order. */
function assignAnchors(root: Node): Map<Node, string | null> {
  const anchors = new Map<Node, string | null>();
  let last = 0;
  const visit = (node: Node): void => {
    if (anchors.has(node)) {
      if (anchors.get(node) === null) anchors.set(node, `id${String(++last).padStart(3, '0')}`);
      return;
    }
    anchors.set(node, null);
    if (node.kind === 'sequence') node.items.forEach(visit);
    else if (node.kind === 'mapping') {
      for (const [k, v] of node.pairs) {
        visit(k);
        visit(v);
      }
    }
  };
  visit(root);
  return anchors;
}

class Emitter {
  private readonly out: string[] = [];
  private anchors = new Map<Node, string | null>();
  private readonly serialized = new Set<Node>();
  private readonly indents: (number | null)[] = [];
  private indent: number | null = null;
  private flowLevel = 0;
  private rootContext = false;
  private mappingContext = false;
  private simpleKeyContext = false;
  private column = 0;
  private whitespace = true;
  private indention = true;
  private openEnded = false;

  emitDocument(root: Node): string {
    this.anchors = assignAnchors(root);
    // DocumentStart: implicit (first document, no directives; check_empty_document is false
    // because every scalar event carries a tag).
    this.expectNode(root, { root: true });
    // DocumentEnd (implicit).
    this.writeIndent();
    // StreamEnd.
    if (this.openEnded) {
      this.writeIndicator('...', true);
      this.writeIndent();
    }
    return this.out.join('');
  }

  // --- node handlers ---------------------------------------------------------------------------

  private expectNode(node: Node, ctx: NodeContext): void {
    this.rootContext = ctx.root ?? false;
    this.mappingContext = ctx.mapping ?? false;
    this.simpleKeyContext = ctx.simpleKey ?? false;
    const anchor = this.anchors.get(node) ?? null;
    if (this.serialized.has(node)) {
      // expect_alias
      this.writeIndicator('*' + anchor, true);
      return;
    }
    this.serialized.add(node);
    if (anchor !== null) this.writeIndicator('&' + anchor, true);
    if (node.kind === 'scalar') {
      // process_tag: a scalar never needs a tag here (see choose_scalar_style).
      this.expectScalar(node);
    } else if (node.kind === 'sequence') {
      if (node.tag !== null) this.writeIndicator('!!' + node.tag.slice('tag:yaml.org,2002:'.length), true);
      if (this.flowLevel > 0 || node.flow || node.items.length === 0) this.expectFlowSequence(node);
      else this.expectBlockSequence(node);
    } else {
      if (this.flowLevel > 0 || node.flow || node.pairs.length === 0) this.expectFlowMapping(node);
      else this.expectBlockMapping(node);
    }
  }

  private expectScalar(node: ScalarNode): void {
    this.increaseIndent(true, false);
    this.processScalar(node);
    this.indent = this.indents.pop() ?? null;
  }

  private expectFlowSequence(node: SequenceNode): void {
    this.writeIndicator('[', true, true);
    this.flowLevel++;
    this.increaseIndent(true, false);
    node.items.forEach((item, i) => {
      if (i > 0) this.writeIndicator(',', false);
      if (this.column > BEST_WIDTH) this.writeIndent();
      this.expectNode(item, { sequence: true });
    });
    this.indent = this.indents.pop() ?? null;
    this.flowLevel--;
    this.writeIndicator(']', false);
  }

  private expectFlowMapping(node: MappingNode): void {
    this.writeIndicator('{', true, true);
    this.flowLevel++;
    this.increaseIndent(true, false);
    node.pairs.forEach(([key, value], i) => {
      if (i > 0) this.writeIndicator(',', false);
      if (this.column > BEST_WIDTH) this.writeIndent();
      if (this.checkSimpleKey(key)) {
        this.expectNode(key, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
        this.expectNode(value, { mapping: true });
      } else {
        this.writeIndicator('?', true);
        this.expectNode(key, { mapping: true });
        if (this.column > BEST_WIDTH) this.writeIndent();
        this.writeIndicator(':', true);
        this.expectNode(value, { mapping: true });
      }
    });
    this.indent = this.indents.pop() ?? null;
    this.flowLevel--;
    this.writeIndicator('}', false);
  }

  private expectBlockSequence(node: SequenceNode): void {
    const indentless = this.mappingContext && !this.indention;
    this.increaseIndent(false, indentless);
    for (const item of node.items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.expectNode(item, { sequence: true });
    }
    this.indent = this.indents.pop() ?? null;
  }

  private expectBlockMapping(node: MappingNode): void {
    this.increaseIndent(false, false);
    for (const [key, value] of node.pairs) {
      this.writeIndent();
      if (this.checkSimpleKey(key)) {
        this.expectNode(key, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
        this.expectNode(value, { mapping: true });
      } else {
        this.writeIndicator('?', true, false, true);
        this.expectNode(key, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
        this.expectNode(value, { mapping: true });
      }
    }
    this.indent = this.indents.pop() ?? null;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  /** check_simple_key for a string key: its '!!str' tag (5 characters) counts towards the limit. */
  private checkSimpleKey(key: ScalarNode): boolean {
    const a = analyzeScalar(key.text);
    return '!!str'.length + key.text.length < 128 && !a.empty && !a.multiline;
  }

  // --- scalars ---------------------------------------------------------------------------------

  private chooseScalarStyle(node: ScalarNode, a: ScalarAnalysis): '' | "'" | '"' {
    if (node.plainImplicit) {
      if (
        !(this.simpleKeyContext && (a.empty || a.multiline)) &&
        ((this.flowLevel > 0 && a.allowFlowPlain) || (this.flowLevel === 0 && a.allowBlockPlain))
      ) {
        return '';
      }
    }
    if (a.allowSingleQuoted && !(this.simpleKeyContext && a.multiline)) return "'";
    return '"';
  }

  private processScalar(node: ScalarNode): void {
    const a = analyzeScalar(node.text);
    const style = this.chooseScalarStyle(node, a);
    const split = !this.simpleKeyContext;
    if (style === '"') this.writeDoubleQuoted(node.text, split);
    else if (style === "'") this.writeSingleQuoted(node.text, split);
    else this.writePlain(node.text, split);
  }

  // --- writers ---------------------------------------------------------------------------------

  private write(data: string): void {
    // Everything written is ASCII (non-ASCII text is always double-quoted and escaped), so the
    // UTF-16 length is the number of code points.
    this.column += data.length;
    this.out.push(data);
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ' ' + indicator;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.openEnded = false;
    this.write(data);
  }

  private writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.writeLineBreak();
    }
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
    }
  }

  private writeLineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.out.push(data);
    this.column = 0;
  }

  private writePlain(text: readonly string[], split: boolean): void {
    if (this.rootContext) this.openEnded = true;
    if (text.length === 0) return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end]! : null;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else {
            this.write(text.slice(start, end).join(''));
          }
          start = end;
        }
      } else if (ch === null || ch === ' ') {
        // (plain scalars never contain line breaks: analyze_scalar forbids it)
        this.write(text.slice(start, end).join(''));
        start = end;
      }
      if (ch !== null) spaces = ch === ' ';
    }
  }

  private writeSingleQuoted(text: readonly string[], split: boolean): void {
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    const n = text.length;
    for (let end = 0; end <= n; end++) {
      const ch = end < n ? text[end]! : null;
      if (spaces) {
        if (ch === null || ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split && start !== 0 && end !== n) {
            this.writeIndent();
          } else {
            this.write(text.slice(start, end).join(''));
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !BREAKS.includes(ch)) {
          if (text[start] === '\n') this.writeLineBreak();
          for (const br of text.slice(start, end)) {
            if (br === '\n') this.writeLineBreak();
            else this.writeLineBreak(br);
          }
          this.writeIndent();
          start = end;
        }
      } else if (ch === null || ch === ' ' || BREAKS.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(text.slice(start, end).join(''));
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== null) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  private writeDoubleQuoted(text: readonly string[], split: boolean): void {
    this.writeIndicator('"', true);
    let start = 0;
    const n = text.length;
    for (let end = 0; end <= n; end++) {
      const ch = end < n ? text[end]! : null;
      if (ch === null || '"\\\x85\u2028\u2029\uFEFF'.includes(ch) || !(ch >= '\x20' && ch <= '\x7e')) {
        if (start < end) {
          this.write(text.slice(start, end).join(''));
          start = end;
        }
        if (ch !== null) {
          const rep = ESCAPE_REPLACEMENTS[ch];
          const cp = ch.codePointAt(0)!;
          let data: string;
          if (rep !== undefined) data = '\\' + rep;
          else if (cp <= 0xff) data = '\\x' + hex(cp, 2);
          else if (cp <= 0xffff) data = '\\u' + hex(cp, 4);
          else data = '\\U' + hex(cp, 8);
          this.write(data);
          start = end + 1;
        }
      }
      if (0 < end && end < n - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > BEST_WIDTH && split) {
        const data = text.slice(start, end).join('') + '\\';
        if (start < end) start = end;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (text[start] === ' ') this.write('\\');
      }
    }
    this.writeIndicator('"', false);
  }
}

/** Emit exactly what PyYAML's yaml.dump(obj) writes (sort_keys=True, default width 80, indent 2). */
export function dumpPyYaml(value: YamlValue, options: PyYamlDumpOptions): string {
  const node = new Representer(options).represent(value, []);
  return new Emitter().emitDocument(node);
}

// ------------------------------------------------------------------------------------------------
// Loader
// ------------------------------------------------------------------------------------------------

/** PyYAML's construct_yaml_int (with '_' removed, sign, 0b, 0x, leading-0 octal, sexagesimal). */
function constructPyInt(text: string): number | undefined {
  let value = text.replace(/_/g, '');
  let sign = 1;
  if (value.startsWith('-')) {
    sign = -1;
    value = value.slice(1);
  } else if (value.startsWith('+')) {
    value = value.slice(1);
  }
  let r: number;
  if (value === '0') return 0;
  if (/^0b[01]+$/.test(value)) r = parseInt(value.slice(2), 2);
  else if (/^0x[0-9a-fA-F]+$/.test(value)) r = parseInt(value.slice(2), 16);
  else if (/^0[0-7]+$/.test(value)) r = parseInt(value, 8);
  else if (value.includes(':')) {
    const parts = value.split(':');
    if (!parts.every((p) => /^[0-9]+$/.test(p))) return undefined;
    r = 0;
    let base = 1;
    for (let i = parts.length - 1; i >= 0; i--) {
      r += Number(parts[i]) * base;
      base *= 60;
    }
  } else if (/^[0-9]+$/.test(value)) r = Number(value);
  else return undefined;
  return sign * r;
}

/** PyYAML's construct_yaml_float (lower-cased, '_' removed, .inf/.nan, sexagesimal, float()). */
function constructPyFloat(text: string): number | undefined {
  let value = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (value.startsWith('-')) sign = -1;
  if (value[0] === '-' || value[0] === '+') value = value.slice(1);
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  if (value.includes(':')) {
    const parts = value.split(':');
    const nums = parts.map((p) => (/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)$/.test(p) ? Number(p) : NaN));
    if (nums.some((x) => Number.isNaN(x))) return undefined;
    let r = 0;
    let base = 1;
    for (let i = nums.length - 1; i >= 0; i--) {
      r += nums[i]! * base;
      base *= 60;
    }
    return sign * r;
  }
  // Python float(): decimal literal, or inf/infinity/nan (the explicit !!float tag reaches here).
  const t = value.trim();
  if (t === 'inf' || t === 'infinity') return sign * Infinity;
  if (t === 'nan') return NaN;
  if (!/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?$/.test(t)) return undefined;
  return sign * Number(t);
}

const BOOL_VALUES: Readonly<Record<string, boolean>> = { yes: true, no: false, true: true, false: false, on: true, off: false };

/** Python floats are boxed while loading so that `loadKerasYamlDocument` can tell `1.0` from `1`. */
class PyFloat {
  constructor(readonly value: number) {}
  // A float used as a mapping key becomes a string key; js-yaml would turn anything whose tag is
  // '[object Object]' into the literal '[object Object]', so give the box its own tag and text.
  get [Symbol.toStringTag](): string {
    return 'PyFloat';
  }
  toString(): string {
    return pyYamlFloat(this.value);
  }
}
/** Arrays built from `!!python/tuple`. */
const tupleArrays = new WeakSet<object>();

/** Node kind of every tag the schema knows (js-yaml reports a kind mismatch as "unknown tag"). */
const KNOWN_TAG_KINDS = new Map<string, 'scalar' | 'sequence' | 'mapping'>([
  [TAG_STR, 'scalar'],
  [TAG_SEQ, 'sequence'],
  [TAG_MAP, 'mapping'],
]);

function collectionType(tag: string, kind: 'sequence' | 'mapping', construct: (data: unknown) => unknown): Type {
  KNOWN_TAG_KINDS.set(tag, kind);
  return new Type(tag, { kind, construct });
}

function scalarType(tag: string, resolve: (s: string) => boolean, construct: (s: string) => unknown): Type {
  KNOWN_TAG_KINDS.set(tag, 'scalar');
  return new Type(tag, {
    kind: 'scalar',
    resolve: (data: unknown) => resolve(typeof data === 'string' ? data : ''),
    construct: (data: unknown) => construct(typeof data === 'string' ? data : ''),
  });
}

// Implicit types: what a plain scalar becomes (PyYAML resolver.py).
const implicitNull = scalarType('tag:yaml.org,2002:null', (s) => RESOLVE_NULL.test(s), () => null);
const implicitBool = scalarType('tag:yaml.org,2002:bool', (s) => RESOLVE_BOOL.test(s), (s) => BOOL_VALUES[s.toLowerCase()]);
const implicitInt = scalarType('tag:yaml.org,2002:int', (s) => RESOLVE_INT.test(s), (s) => constructPyInt(s));
const implicitFloat = scalarType(
  'tag:yaml.org,2002:float',
  (s) => RESOLVE_FLOAT.test(s),
  (s) => new PyFloat(constructPyFloat(s) ?? NaN),
);
const implicitMerge = scalarType('tag:yaml.org,2002:merge', (s) => s === '<<', (s) => s);

// Explicit forms (`!!int "0x1F"`, `!!float 1`): as lenient as PyYAML's constructors.
const nullCtor = () => null;
const boolCtor = (s: string) => BOOL_VALUES[s.toLowerCase()];
const boolOk = (s: string) => s.toLowerCase() in BOOL_VALUES;
const intOk = (s: string) => constructPyInt(s) !== undefined;
const floatOk = (s: string) => constructPyFloat(s) !== undefined;
const floatCtor = (s: string) => new PyFloat(constructPyFloat(s) ?? NaN);
const strCtor = (s: string) => s;

const explicitTypes: Type[] = [
  scalarType('tag:yaml.org,2002:null', () => true, nullCtor),
  scalarType('tag:yaml.org,2002:bool', boolOk, boolCtor),
  scalarType('tag:yaml.org,2002:int', intOk, (s) => constructPyInt(s)),
  scalarType('tag:yaml.org,2002:float', floatOk, floatCtor),
  // The Python tags that PyYAML's FullLoader turns into plain data.
  scalarType(PY_PREFIX + 'none', () => true, nullCtor),
  scalarType(PY_PREFIX + 'bool', boolOk, boolCtor),
  scalarType(PY_PREFIX + 'str', () => true, strCtor),
  scalarType(PY_PREFIX + 'unicode', () => true, strCtor),
  scalarType(PY_PREFIX + 'int', intOk, (s) => constructPyInt(s)),
  scalarType(PY_PREFIX + 'long', intOk, (s) => constructPyInt(s)),
  scalarType(PY_PREFIX + 'float', floatOk, floatCtor),
  collectionType(PY_PREFIX + 'list', 'sequence', (d) => d ?? []),
  collectionType(PY_PREFIX + 'dict', 'mapping', (d) => d ?? {}),
  collectionType(TAG_TUPLE, 'sequence', (d) => {
    const arr: unknown[] = Array.isArray(d) ? d : [];
    tupleArrays.add(arr);
    return arr;
  }),
];

const implicitTypes: Type[] = [implicitNull, implicitBool, implicitInt, implicitFloat, implicitMerge];
const KERAS_YAML_SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: implicitTypes, explicit: explicitTypes });

/** `tag:yaml.org,2002:python/object:x` -> `!!python/object:x`; `!foo` stays; others `!<...>`. */
function displayTag(tag: string): string {
  if (tag.startsWith('tag:yaml.org,2002:')) return '!!' + tag.slice('tag:yaml.org,2002:'.length);
  if (tag.startsWith('!')) return tag;
  return `!<${tag}>`;
}

/** 1-based line and column of a 0-based offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** From the start of a node, skip blanks, comments and an anchor to find where its tag is. */
function findTagStart(text: string, from: number): number | undefined {
  let i = from;
  let atLineStart = from === 0 || text[from - 1] === '\n' || text[from - 1] === '\r';
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\uFEFF') {
      atLineStart = c === '\n' || c === '\r';
      i++;
    } else if (c === '#' && (atLineStart || /\s/.test(text[i - 1] ?? ' '))) {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === '&') {
      while (i < text.length && !/[\s,\[\]{}]/.test(text[i]!)) i++;
      atLineStart = false;
    } else if (c === '-' && /[\s]/.test(text[i + 1] ?? ' ') && atLineStart) {
      i++;
    } else if (c === '!') {
      return i;
    } else {
      return undefined;
    }
  }
  return undefined;
}

export interface LoadKerasYamlOptions {
  /** Used in error messages (`where`). */
  fileName?: string;
}

/** The loaded value plus what JSON-like values lose: which arrays were tuples, which numbers floats. */
export interface KerasYamlDocument {
  readonly value: YamlValue;
  /** Paths of the arrays that were `!!python/tuple`. */
  readonly tuplePaths: readonly YamlPath[];
  /** Paths of the numbers that were Python floats (`1.0`, `.nan`, `1.0e-07`, ...). */
  readonly floatPaths: readonly YamlPath[];
  /** For `PyYamlDumpOptions.tuple`: true exactly at `tuplePaths`. */
  readonly tuple: (path: YamlPath) => boolean;
  /** For `PyYamlDumpOptions.float`: true exactly at `floatPaths`. */
  readonly float: (path: YamlPath) => boolean;
}

/** Upper bound on the nodes visited while expanding aliases (Keras configs have a few thousand). */
const MAX_EXPANDED_NODES = 1_000_000;

function setOwn(obj: Record<string, YamlValue>, key: string, value: YamlValue): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/**
 * Unbox floats, copy tuples to plain arrays, and record the paths of both. An object reached
 * through a YAML alias stays one shared object, so that dumping it again writes the alias again.
 */
function finish(raw: unknown, where: string): KerasYamlDocument {
  const tuplePaths: YamlPath[] = [];
  const floatPaths: YamlPath[] = [];
  const path: (string | number)[] = [];
  const done = new Map<object, YamlValue>();
  const ancestors = new Set<object>();
  // Shared objects are walked again at each place they occur (to record paths); bound the work so
  // that a "billion laughs" document fails instead of running for ever.
  let budget = MAX_EXPANDED_NODES;
  const walk = (v: unknown): YamlValue => {
    if (--budget < 0) {
      throw new ConfigError(`YAML aliases expand to more than ${MAX_EXPANDED_NODES} nodes`, where);
    }
    if (v === null || v === undefined) return null;
    if (v instanceof PyFloat) {
      floatPaths.push([...path]);
      return v.value;
    }
    if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
    if (typeof v !== 'object') throw new ConfigError(`unexpected ${typeof v} in loaded YAML`, where);
    if (ancestors.has(v)) {
      throw new ConfigError(`a recursive alias (a collection that contains itself) at ${describePath(path)} is not supported`, where);
    }
    ancestors.add(v);
    try {
      return walkObject(v);
    } finally {
      ancestors.delete(v);
    }
  };
  const walkObject = (v: object): YamlValue => {
    const again = done.get(v);
    if (Array.isArray(v)) {
      if (tupleArrays.has(v)) tuplePaths.push([...path]);
      const out: YamlValue[] = [];
      if (again === undefined) done.set(v, out);
      v.forEach((item, i) => {
        path.push(i);
        const r = walk(item);
        if (again === undefined) out.push(r);
        path.pop();
      });
      return again ?? out;
    }
    const out: Record<string, YamlValue> = {};
    if (again === undefined) done.set(v, out);
    for (const k of Object.keys(v)) {
      path.push(k);
      const r = walk((v as Record<string, unknown>)[k]);
      if (again === undefined) setOwn(out, k, r);
      path.pop();
    }
    return again ?? out;
  };
  const value = walk(raw);
  const tupleSet = new Set(tuplePaths.map((p) => JSON.stringify(p)));
  const floatSet = new Set(floatPaths.map((p) => JSON.stringify(p)));
  return {
    value,
    tuplePaths,
    floatPaths,
    tuple: (p) => tupleSet.has(JSON.stringify(p)),
    float: (p) => floatSet.has(JSON.stringify(p)),
  };
}

/**
 * Like `loadKerasYaml`, but also reports which arrays were `!!python/tuple` and which numbers were
 * Python floats, so that `dumpPyYaml(doc.value, { style, tuple: doc.tuple, float: doc.float })`
 * reproduces a PyYAML-written file byte for byte.
 */
export function loadKerasYamlDocument(text: string, options?: LoadKerasYamlOptions): KerasYamlDocument {
  const fileName = options?.fileName;
  const name = fileName ?? '<yaml>';
  const openPositions: number[] = [];
  let raw: unknown;
  try {
    raw = jsYamlLoad(text, {
      schema: KERAS_YAML_SCHEMA,
      // PyYAML lets a later duplicate key win instead of failing.
      json: true,
      ...(fileName !== undefined ? { filename: fileName } : {}),
      listener(this: JsYamlState, event: 'open' | 'close', state: JsYamlState) {
        if (event === 'open') openPositions.push(state.position);
        else openPositions.pop();
      },
    });
  } catch (e) {
    if (!(e instanceof YAMLException)) throw e;
    const reason = e.reason || e.message;
    const mark = e.mark as { line?: number; column?: number } | undefined;
    let pos = mark && typeof mark.line === 'number' && typeof mark.column === 'number'
      ? { line: mark.line + 1, column: mark.column + 1 }
      : undefined;
    const tagMatch = /^unknown tag !<(.*)>$/.exec(reason);
    if (tagMatch) {
      const tag = tagMatch[1]!;
      const open = openPositions[openPositions.length - 1];
      const at = open !== undefined ? findTagStart(text, open) : undefined;
      if (at !== undefined) pos = lineColumn(text, at);
      const where = pos ? `${name}:${pos.line}:${pos.column}` : name;
      const shown = displayTag(tag);
      const kind = KNOWN_TAG_KINDS.get(tag);
      if (kind !== undefined) {
        throw new ConfigError(`invalid YAML at line ${pos?.line ?? '?'}: a ${shown} node must be a ${kind}`, where);
      }
      const detail = tag.startsWith(PY_PREFIX)
        ? 'kerasts never constructs Python objects; only !!python/tuple and plain-data Python tags are accepted'
        : 'only plain data (mappings, sequences, strings, numbers, booleans, null) and !!python/tuple are accepted';
      throw new UnsupportedError(`unsupported YAML tag ${shown} (line ${pos?.line ?? '?'}): ${detail}`, where);
    }
    const where = pos ? `${name}:${pos.line}:${pos.column}` : name;
    const at = pos ? ` at line ${pos.line}, column ${pos.column}` : '';
    const shownReason = reason.replace(/!<([^>]*)>/g, (_m, t: string) => displayTag(t));
    throw new ConfigError(`invalid YAML${at}: ${shownReason}`, where);
  }
  return finish(raw ?? null, name);
}

/** Parse YAML as Keras wrote it: accepts !!python/tuple (→ array); refuses every other python tag (!!python/object, !!python/name, !!python/object/apply, !!python/unicode is fine → string, etc.) with UnsupportedError naming the tag and line, never executing anything; syntax errors → ConfigError with line/column. */
export function loadKerasYaml(text: string, options?: LoadKerasYamlOptions): YamlValue {
  return loadKerasYamlDocument(text, options).value;
}
