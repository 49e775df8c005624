import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { FormatError, LimitError, UnsupportedError } from '@kerasts/tensor';
import { crc32, isZipSignature, ZipArchive, writeZip } from '../src/index.js';
import { FIXTURES, fixture } from './helpers.js';

const index = JSON.parse(readFileSync(join(FIXTURES, 'zip', 'index.json'), 'utf8')) as Record<string, { expect: string; what: string }>;

/** Every entry through this reader equals what fflate's own unzipSync gives (the reference). */
function sameAsFflate(bytes: Uint8Array): void {
  const ours = ZipArchive.open(bytes);
  const ref = unzipSync(bytes);
  expect(ours.entries.map((e) => e.name)).toEqual(Object.keys(ref));
  for (const e of ours.entries) expect(Buffer.from(ours.read(e.name)).equals(Buffer.from(ref[e.name]!))).toBe(true);
}

function patch32(b: Uint8Array, at: number, v: number): Uint8Array {
  const c = b.slice();
  new DataView(c.buffer).setUint32(at, v, true);
  return c;
}

function centralOffset(b: Uint8Array): number {
  for (let o = b.length - 22; o >= 0; o--) if (b[o] === 0x50 && b[o + 1] === 0x4b && b[o + 2] === 5 && b[o + 3] === 6) return new DataView(b.buffer, b.byteOffset).getUint32(o + 16, true);
  throw new Error('no EOCD');
}

describe('ZIP archives written by Python zipfile', () => {
  for (const [name, c] of Object.entries(index)) {
    it(`${name} (${c.what}): ${c.expect}`, () => {
      const bytes = fixture('zip', name);
      if (c.expect === 'ok') {
        sameAsFflate(bytes);
        return;
      }
      const word = c.expect.slice('error:'.length);
      const open = () => {
        const z = ZipArchive.open(bytes, { fileName: name, limits: { maxBytes: 1 << 20 } });
        for (const e of z.entries) z.read(e.name);
      };
      // a limit refused is a LimitError naming the option; anything else unsound a FormatError
      expect(open).toThrow(word === 'maxBytes' || word === 'maxEntries' ? LimitError : FormatError);
      expect(open).toThrow(new RegExp(`${name}: .*${word}`));
    });
  }
  it('the bomb is refused before inflating: its declared size alone exceeds maxBytes', () => {
    expect(() => ZipArchive.open(fixture('zip', 'bomb.zip'), { limits: { maxBytes: 1 << 20 } })).toThrow(/declares more than 1048576 inflated bytes/);
    // Within a larger limit it is a well-formed archive.
    expect(ZipArchive.open(fixture('zip', 'bomb.zip')).read('model.weights.h5').length).toBe(64 << 20);
  });
  it('recognizes the signature', () => {
    expect(isZipSignature(fixture('zip', 'stored.zip'))).toBe(true);
    expect(isZipSignature(new TextEncoder().encode('{"a": 1}'))).toBe(false);
  });
});

describe('damaged archives give typed errors', () => {
  const good = fixture('zip', 'deflated.zip');
  const cd = centralOffset(good);
  it('an entry that inflates to more than it declares', () => {
    // central directory entry 1 (big.bin): declared size at +24 of its header
    const z = ZipArchive.open(good);
    const e = z.entry('big.bin')!;
    const cdEntry = cd + 46 + 'metadata.json'.length; // first header has no extra/comment
    const lied = patch32(patch32(good, cdEntry + 24, e.size - 10), e.headerOffset + 22, e.size - 10);
    expect(() => ZipArchive.open(lied).read('big.bin')).toThrow(/inflates to more than .* declares 16374/);
  });
  it('a CRC-32 mismatch', () => {
    const z = ZipArchive.open(good);
    const bad = good.slice();
    bad[z.entry('metadata.json')!.dataOffset + 3] ^= 0x20;
    expect(() => ZipArchive.open(bad).read('metadata.json')).toThrow(/CRC-32/);
  });
  it('overlapping entries (two directory records pointing at one local header)', () => {
    const a = writeZip([{ name: 'a', data: new Uint8Array(100) }, { name: 'b', data: new Uint8Array(100) }]);
    const z = ZipArchive.open(a);
    const cdB = centralOffset(a) + 46 + 1;
    const overlapped = patch32(a, cdB + 42, z.entry('a')!.headerOffset);
    expect(() => ZipArchive.open(overlapped)).toThrow(FormatError);
  });
  it('truncation anywhere: never anything but a FormatError', () => {
    for (let cut = 0; cut < good.length; cut += 7) {
      const t = good.subarray(0, cut);
      expect(() => {
        const z = ZipArchive.open(t);
        for (const e of z.entries) z.read(e.name);
      }, `cut at ${cut}`).toThrow(FormatError);
    }
  });
  it('random byte flips: a typed error (FormatError, or UnsupportedError for a flipped flag/method) or correct contents', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const ref = unzipSync(good);
    for (let k = 0; k < 300; k++) {
      const m = good.slice();
      m[Math.floor(rnd() * m.length)] ^= 1 << Math.floor(rnd() * 8);
      try {
        const z = ZipArchive.open(m);
        for (const e of z.entries) {
          const got = z.read(e.name);
          if (ref[e.name]) expect(Buffer.from(got).equals(Buffer.from(ref[e.name]!))).toBe(true);
        }
      } catch (err) {
        expect(err instanceof FormatError || err instanceof UnsupportedError, String(err)).toBe(true);
      }
    }
  });
});

describe('writeZip', () => {
  it('writes stored entries that fflate and this reader read back, deterministically', () => {
    const files = [
      { name: 'metadata.json', data: new TextEncoder().encode('{"keras_version": "3.15.1"}') },
      { name: 'assets/x/y.txt', data: new Uint8Array([1, 2, 3]) },
      { name: 'model.weights.h5', data: new Uint8Array(1000).map((_, i) => i & 255) },
    ];
    const a = writeZip(files);
    expect(Buffer.from(a).equals(Buffer.from(writeZip(files)))).toBe(true);
    sameAsFflate(a);
    const z = ZipArchive.open(a);
    expect(z.entries.every((e) => e.method === 0)).toBe(true);
    expect(z.entries.map((e) => e.name)).toEqual(files.map((f) => f.name));
  });
  it('refuses unsafe and duplicated names', () => {
    expect(() => writeZip([{ name: '../x', data: new Uint8Array(1) }])).toThrow(FormatError);
    expect(() => writeZip([{ name: 'x', data: new Uint8Array(1) }, { name: 'x', data: new Uint8Array(1) }])).toThrow(/twice/);
  });
  it('crc32 agrees with what fflate stores', () => {
    const data = new TextEncoder().encode('The quick brown fox jumps over the lazy dog');
    expect(crc32(data)).toBe(0x414fa339);
    const z = ZipArchive.open(zipSync({ f: data }));
    expect(z.entry('f')!.crc32).toBe(0x414fa339);
  });
});
