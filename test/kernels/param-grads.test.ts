/**
 * The wasm backend's learnable-parameter gradients, Σ gy·∂f/∂θ, against the js
 * reference (float64 terms from the spec's dParams, summed in float64), on
 * ordinary and resident arrays, with lengths that leave a tail of 1–3
 * elements and the inputs where the spec takes care: 0, ±∞, NaN, the far tails.
 */
import { describe, expect, it } from 'vitest';
import { paramGrads } from '../../src/activations/kernels.js';
import { resolveElementwise } from '../../src/activations/registry.js';
import { wasmBackend } from '../../src/kernels/wasm/index.js';
import { Random } from '../../src/tensor/index.js';

const wasm = wasmBackend;
const describeWasm = wasm === undefined ? describe.skip : describe;

const CASES: [string, Record<string, number>][] = [
  ['swish', {}],
  ['swish', { beta: 1.7 }],
  ['swish', { beta: -0.3 }],
  ['elu', {}],
  ['elu', { alpha: 0.4 }],
  ['prelu', {}],
  ['snake', {}],
  ['snake', { alpha: 0.3 }],
  // From |x| = 10 on, αx is beyond the kernel's reduction: those terms come from the host.
  ['snake', { alpha: 1e5 }],
];

function inputs(n: number, seed: number): [Float32Array, Float32Array] {
  const rng = new Random(seed);
  const x = Float32Array.from({ length: n }, () => rng.normal() * 6);
  const gy = Float32Array.from({ length: n }, () => rng.normal());
  return [x, gy];
}

/** Σ |gy·∂f/∂θ|: the scale a sum's rounding error is measured against. */
function magnitude(
  spec: ReturnType<typeof resolveElementwise>['spec'],
  p: Record<string, number | string>,
  name: string,
  x: Float32Array,
  gy: Float32Array,
): number {
  const d = spec.dParams![name]!;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(gy[i]! * d(x[i]!, p));
  return s;
}

describeWasm('learnable-parameter gradients on the wasm backend', () => {
  for (const [id, given] of CASES) {
    it(`${id} ${JSON.stringify(given)} matches the js reference within 1e-5 of Σ|terms|`, () => {
      const { spec, params } = resolveElementwise(id, given);
      for (const n of [4, 7, 1001, 70_001]) {
        const [x, gy] = inputs(n, n);
        const resident = wasm!.residentAlloc!(n)!;
        const residentGy = wasm!.residentAlloc!(n)!;
        resident.set(x);
        residentGy.set(gy);
        const want = paramGrads(spec, params, x, gy);
        for (const [xs, gs] of [
          [x, gy],
          [resident, residentGy],
        ] as const) {
          const got = wasm!.unaryParamGrads(spec, params, xs, gs);
          expect(Object.keys(got)).toEqual(Object.keys(want));
          for (const name of Object.keys(want)) {
            const tol = 1e-5 * magnitude(spec, params, name, x, gy) + 1e-9;
            expect(Math.abs(got[name]! - want[name]!), `${id} n=${n}`).toBeLessThanOrEqual(tol);
          }
        }
        wasm!.residentFree!(resident);
        wasm!.residentFree!(residentGy);
      }
    });

    it(`${id} ${JSON.stringify(given)} agrees at 0, ±∞, NaN and the far tails`, () => {
      const { spec, params } = resolveElementwise(id, given);
      const special = [
        0,
        -0,
        1e-30,
        -1e-30,
        30,
        -30,
        150,
        -150,
        1e19,
        -1e19,
        3e38,
        -3e38,
        Infinity,
        -Infinity,
      ];
      for (const v of special) {
        const x = new Float32Array(8).fill(v);
        const gy = new Float32Array(8).fill(0.5);
        const want = paramGrads(spec, params, x, gy);
        const got = wasm!.unaryParamGrads(spec, params, x, gy);
        for (const name of Object.keys(want)) {
          const w = want[name]!;
          const g = got[name]!;
          if (!Number.isFinite(w)) expect(g, `${id} at ${v}`).toBe(w);
          else
            expect(Math.abs(g - w), `${id} at ${v}`).toBeLessThanOrEqual(1e-5 * Math.abs(w) + 1e-9);
        }
      }
      const nan = new Float32Array(4).fill(Number.NaN);
      const got = wasm!.unaryParamGrads(spec, params, nan, new Float32Array(4).fill(1));
      for (const v of Object.values(got)) expect(v).toBeNaN();
    });
  }
});
