import { describe, expect, it } from 'vitest';
import {
  decodeSafetensors,
  encodeSafetensors,
  LoadError,
  type NamedArray,
} from '../../src/nn/io/safetensors.js';

function sample(): Map<string, NamedArray> {
  return new Map<string, NamedArray>([
    ['dense/kernel', { dtype: 'F32', shape: [2, 2], data: Float32Array.from([1.5, -2, 0.25, 3]) }],
    ['dense/bias', { dtype: 'F64', shape: [3], data: Float64Array.from([Math.PI, -0, 1e-300]) }],
  ]);
}

/** A file with a hand-written header and the given number of data bytes. */
function rawFile(header: unknown, dataBytes: number, claimedLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, claimedLength ?? BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe('safetensors writing', () => {
  const buf = encodeSafetensors(sample(), { format: 'test' });
  const view = new DataView(buf.buffer);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + n)));

  it('starts with the header length as a little-endian u64, padded so data is 8-byte aligned', () => {
    expect(n % 8).toBe(0);
    expect(8 + n + 4 * 4 + 3 * 8).toBe(buf.length);
  });

  it('describes each tensor by dtype, shape and data_offsets in name order', () => {
    expect(header['dense/bias']).toEqual({ dtype: 'F64', shape: [3], data_offsets: [0, 24] });
    expect(header['dense/kernel']).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [24, 40] });
    expect(header.__metadata__).toEqual({ format: 'test' });
  });

  it('stores the raw values little-endian at their offsets', () => {
    const base = 8 + n;
    expect(view.getFloat64(base, true)).toBe(Math.PI);
    expect(Object.is(view.getFloat64(base + 8, true), -0)).toBe(true);
    expect(view.getFloat32(base + 24, true)).toBe(1.5);
    expect(view.getFloat32(base + 24 + 12, true)).toBe(3);
  });

  it('reads back exactly what was written', () => {
    const { tensors, metadata } = decodeSafetensors(buf);
    expect(metadata).toEqual({ format: 'test' });
    for (const [name, t] of sample()) {
      const r = tensors.get(name)!;
      expect(r.dtype).toBe(t.dtype);
      expect(r.shape).toEqual(t.shape);
      expect(Array.from(r.data)).toEqual(Array.from(t.data));
    }
  });
});

describe('safetensors reading refuses malformed files with a LoadError', () => {
  const entry = (offs: [number, number], dtype = 'F32', shape = [2]) => ({
    dtype,
    shape,
    data_offsets: offs,
  });
  const cases: [string, Uint8Array][] = [
    ['a file shorter than 8 bytes', new Uint8Array(5)],
    ['a header length over the cap', rawFile({}, 0, 2n ** 40n)],
    ['a header running past the end', rawFile({}, 0, 1000n)],
    [
      'a header that is not JSON',
      (() => {
        const b = rawFile({}, 0);
        b[8] = 0x7b;
        b[9] = 0x7b;
        return b;
      })(),
    ],
    ['an unknown dtype', rawFile({ a: entry([0, 8], 'I64', [1]) }, 8)],
    ['overlapping offsets', rawFile({ a: entry([0, 8]), b: entry([4, 12]) }, 12)],
    ['a gap between tensors', rawFile({ a: entry([0, 8]), b: entry([12, 20]) }, 20)],
    ['tensors running past the buffer', rawFile({ a: entry([0, 8]) }, 4)],
    ['trailing bytes after the last tensor', rawFile({ a: entry([0, 8]) }, 12)],
    ['a byte length that does not match the shape', rawFile({ a: entry([0, 12]) }, 12)],
    ['a shape claiming 2^40 elements', rawFile({ a: entry([0, 8], 'F32', [2 ** 20, 2 ** 20]) }, 8)],
    ['a __proto__ key', new TextEncoder().encode('')],
  ];
  // A literal __proto__ key cannot come from JSON.stringify of an object; write it by hand.
  const proto = new TextEncoder().encode(
    '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
  );
  const protoFile = new Uint8Array(8 + proto.length + 4);
  new DataView(protoFile.buffer).setBigUint64(0, BigInt(proto.length), true);
  protoFile.set(proto, 8);
  cases[cases.length - 1] = ['a __proto__ key', protoFile];

  for (const [what, file] of cases) {
    it(`refuses ${what}`, () => {
      expect(() => decodeSafetensors(file)).toThrow(LoadError);
    });
  }
});

describe('safetensors reading of mutated files', () => {
  it('either reads a mutated or truncated file or throws a LoadError, never anything else (2,000 seeded cases)', () => {
    const good = encodeSafetensors(sample());
    let seed = 1;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const others: string[] = [];
    for (let trial = 0; trial < 2000; trial++) {
      let file = good.slice();
      const kind = trial % 3;
      if (kind === 0) file = file.subarray(0, Math.floor(next() * file.length));
      const flips = 1 + Math.floor(next() * 4);
      for (let f = 0; f < flips && kind !== 0; f++) {
        // Mutate the header length and header more often than the data.
        const at =
          kind === 1
            ? Math.floor(next() * Math.min(file.length, 120))
            : Math.floor(next() * file.length);
        file[at] = Math.floor(next() * 256);
      }
      try {
        decodeSafetensors(file);
      } catch (e) {
        if (!(e instanceof LoadError)) others.push(`trial ${trial}: ${String(e)}`);
      }
    }
    expect(others).toEqual([]);
  });
});
