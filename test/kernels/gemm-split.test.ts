import { describe, expect, it } from 'vitest';
import { splitGemm } from '../../src/kernels/wasm/gemm-split.js';

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
