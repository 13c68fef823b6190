import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGemmPool, type GemmPool } from '../../src/bench/gemm-pool.js';
import { splitGemm } from '../../src/bench/gemm-split.js';

/** A seeded LCG, so that a failure reproduces. */
function filled(n: number, seed: number, shared = true): Float32Array {
  const x = shared ? new Float32Array(new SharedArrayBuffer(n * 4)) : new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32 - 0.5;
  }
  return x;
}

function bits(x: Float32Array): Uint32Array {
  return new Uint32Array(x.buffer, x.byteOffset, x.length);
}

/** alpha·op(A)·op(B) + beta·C in float64. */
function naive(
  ta: boolean,
  tb: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  b: Float32Array,
  beta: number,
  c: Float32Array,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += a[ta ? p * m + i : i * k + p]! * b[tb ? j * k + p : p * n + j]!;
      out[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * n + j]!);
    }
  }
  return out;
}

describe('splitGemm', () => {
  it('covers every element of C exactly once, cutting at whole tiles where it can', () => {
    for (const [m, n] of [
      [1, 1],
      [3, 2],
      [8, 8],
      [10, 70],
      [37, 53],
      [133, 19],
      [784, 128],
      [64, 10],
    ] as const) {
      for (const parts of [1, 2, 3]) {
        const seen = new Uint8Array(m * n);
        const shares = splitGemm(m, n, parts);
        expect(shares.length).toBeLessThanOrEqual(parts);
        for (const s of shares) {
          for (let i = s.r0; i < s.r1; i++) for (let j = s.c0; j < s.c1; j++) seen[i * n + j]!++;
          if (s.c1 - s.c0 < n && n >= parts * 8) expect(s.c0 % 8).toBe(0);
          if (s.r1 - s.r0 < m && m >= parts * 4) expect(s.r0 % 4).toBe(0);
        }
        expect(seen.every((v) => v === 1)).toBe(true);
      }
    }
  });
});

describe('the threaded GEMM', () => {
  let one: GemmPool;
  let mainAndWorker: GemmPool;
  let twoWorkers: GemmPool;

  beforeAll(async () => {
    one = await createGemmPool({ workers: 0, mainShares: true });
    mainAndWorker = await createGemmPool({ workers: 1, mainShares: true });
    twoWorkers = await createGemmPool({ workers: 2, mainShares: false });
  });

  afterAll(async () => {
    await Promise.all([one, mainAndWorker, twoWorkers].map((p) => p?.close()));
  });

  // Sizes that are not multiples of the 4×8 tiles, depths past one 256-deep
  // block, rows past one 128-row block; row cuts (m >= n) and column cuts.
  const cases = [
    { m: 37, n: 53, k: 301, alpha: 1, beta: 0 },
    { m: 133, n: 19, k: 45, alpha: 1.5, beta: 0.5 },
    { m: 10, n: 70, k: 9, alpha: -0.75, beta: 1 },
    { m: 131, n: 29, k: 517, alpha: 1, beta: 0 },
    { m: 3, n: 5, k: 7, alpha: 2, beta: -1 },
  ];

  it('gives bit for bit the C of the one-thread GEMM, with the main thread sharing or not', () => {
    let checked = 0;
    for (const [ci, { m, n, k, alpha, beta }] of cases.entries()) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const a = filled(m * k, 1 + ci);
          const b = filled(k * n, 100 + ci);
          const c0 = filled(m * n, 200 + ci);
          const expected = Float32Array.from(c0);
          one.gemm(ta, tb, m, n, k, alpha, a, 0, b, 0, beta, expected, 0);
          const ref = naive(ta, tb, m, n, k, alpha, a, b, beta, c0);
          for (let i = 0; i < ref.length; i++) {
            expect(Math.abs(expected[i]! - ref[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(ref[i]!)));
          }
          for (const pool of [mainAndWorker, twoWorkers]) {
            const c = filled(m * n, 200 + ci);
            pool.gemm(ta, tb, m, n, k, alpha, a, 0, b, 0, beta, c, 0);
            expect(bits(c)).toEqual(bits(expected));
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(cases.length * 4 * 2);
  });

  it('reads and writes at offsets, in views that start inside their buffer', () => {
    const [m, n, k] = [21, 43, 33];
    const a = filled(m * k + 11, 7).subarray(5);
    const b = filled(k * n + 9, 8).subarray(2);
    const expected = new Float32Array(m * n + 6);
    one.gemm(false, false, m, n, k, 1, a, 3, b, 4, 0, expected, 6);
    for (const pool of [mainAndWorker, twoWorkers]) {
      const c = new Float32Array(new SharedArrayBuffer((m * n + 10) * 4)).subarray(4);
      pool.gemm(false, false, m, n, k, 1, a, 3, b, 4, 0, c, 6);
      expect(bits(c)).toEqual(bits(expected));
    }
  });

  it('refuses operands the workers cannot see, and operands too short, in one line', () => {
    const a = filled(64, 1, false);
    const s = filled(64, 1);
    expect(() => mainAndWorker.gemm(false, false, 8, 8, 8, 1, a, 0, s, 0, 0, s, 0)).toThrow(
      /^threaded gemm: a must be a Float32Array over a SharedArrayBuffer/,
    );
    expect(() => twoWorkers.gemm(false, false, 8, 8, 9, 1, s, 0, s, 0, 0, s, 0)).toThrow(
      /^threaded gemm: a holds 64 floats, the product needs 72 from offset 0$/,
    );
    expect(() => twoWorkers.gemm(false, false, -1, 8, 8, 1, s, 0, s, 0, 0, s, 0)).toThrow(
      /^threaded gemm: m must be a non-negative integer/,
    );
  });

  it('stops its workers when closed, and refuses work after', async () => {
    const pool = await createGemmPool({ workers: 2, mainShares: true });
    expect(pool.parties).toBe(3);
    expect(pool.alive()).toBe(2);
    const s = filled(64, 3);
    pool.gemm(false, false, 8, 8, 8, 1, s, 0, s, 0, 0, filled(64, 4), 0);
    // Exit code 0: each worker left its loop when told, none had to be killed.
    expect(await pool.close()).toEqual([0, 0]);
    expect(pool.alive()).toBe(0);
    expect(await pool.close()).toEqual([0, 0]);
    expect(() => pool.gemm(false, false, 8, 8, 8, 1, s, 0, s, 0, 0, s, 0)).toThrow(
      'threaded gemm: the pool is closed',
    );
  });
});
