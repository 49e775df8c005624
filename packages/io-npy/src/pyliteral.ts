/**
 * A parser for the Python literals a `.npy` header holds (`{'descr': '<f4', 'fortran_order': False,
 * 'shape': (2, 3), }`): strings, integers (Python 2's `3L` too), True/False/None, tuples, lists and
 * dicts. It is what `ast.literal_eval` accepts for these types and nothing more: the header is
 * untrusted input, and nothing in it is ever evaluated.
 */

/** A parsed Python literal. Tuples and lists are both arrays. */
export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/** Thrown with the position of the problem; the caller wraps it in a FormatError. */
export class PyLiteralError extends Error {
  override name = 'PyLiteralError';
}

/** Parse one literal; the whole text must be consumed (whitespace aside). */
export function parsePyLiteral(text: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new PyLiteralError(`${what} at character ${i}`);
  };
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (depth: number): PyValue => {
    if (depth > 32) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === undefined) return fail('unexpected end');
    if (c === "'" || c === '"') return str();
    if (c === '(' || c === '[') return seq(c === '(' ? ')' : ']', depth);
    if (c === '{') return dict(depth);
    if (/[-+0-9]/.test(c)) return num();
    for (const [word, v] of [['True', true], ['False', false], ['None', null]] as const) {
      if (text.startsWith(word, i) && !/[A-Za-z0-9_]/.test(text[i + word.length] ?? '')) {
        i += word.length;
        return v;
      }
    }
    return fail(`unexpected ${JSON.stringify(c)}`);
  };
  const str = (): string => {
    const q = text[i++]!;
    let out = '';
    while (i < text.length && text[i] !== q) {
      if (text[i] === '\\') {
        const n = text[i + 1];
        if (n === undefined) break;
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
        if (n in simple) out += simple[n]!;
        else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
          i += 2;
        } else out += '\\' + n;
        i += 2;
      } else out += text[i++];
    }
    if (text[i] !== q) fail('unterminated string');
    i++;
    return out;
  };
  const num = (): number => {
    const m = /^[-+]?\d+[lL]?/.exec(text.slice(i));
    if (!m) return fail('bad number');
    i += m[0].length;
    const v = Number(m[0].replace(/[lL]$/, ''));
    if (!Number.isSafeInteger(v)) fail(`integer ${m[0]} is too large`);
    return v;
  };
  const seq = (close: string, depth: number): PyValue[] => {
    i++;
    const out: PyValue[] = [];
    for (;;) {
      ws();
      if (text[i] === close) {
        i++;
        return out;
      }
      out.push(value(depth + 1));
      ws();
      if (text[i] === ',') i++;
      else if (text[i] !== close) fail(`expected "," or "${close}"`);
    }
  };
  const dict = (depth: number): { [key: string]: PyValue } => {
    i++;
    const out: { [key: string]: PyValue } = Object.create(null) as { [key: string]: PyValue };
    for (;;) {
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      const k = value(depth + 1);
      if (typeof k !== 'string') fail('dict keys must be strings');
      ws();
      if (text[i] !== ':') fail('expected ":"');
      i++;
      out[k as string] = value(depth + 1);
      ws();
      if (text[i] === ',') i++;
      else if (text[i] !== '}') fail('expected "," or "}"');
    }
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}
