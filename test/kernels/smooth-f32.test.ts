/**
 * The float32-lane kernels of the swish family, GELU (exact and tanh form) and
 * mish, where they take care: densely around the root of each derivative
 * (where a naive formula cancels: the kernels take it as a product with the
 * distance to the root, or hand over to a polynomial), through the
 * negative tails where x·e^z is normal while e^z is not, at the end of each
 * kernel's range, and for swish across the β the float32 kernel takes and
 * those it leaves to float64 lanes. Bounds as DESIGN.md §3 and wasm.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { resolveElementwise } from '../../src/activations/registry.js';
import type { ElementwiseSpec, Params, ParamValue } from '../../src/activations/types.js';
import { bindingFor } from '../../src/kernels/wasm/bindings.js';
import { wasmBackend } from '../../src/kernels/wasm/index.js';
import { closeFloat32Derivative, float32Error } from '../helpers/fixtures.js';

const wasm = wasmBackend;
const describeWasm = wasm === undefined ? describe.skip : describe;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 values from `from` upwards, `count` of them, every `step`-th (from > 0 or < 0). */
function run(from: number, count: number, step = 1): number[] {
  f32[0] = from;
  const start = u32[0]!;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    u32[0] = start + i * step;
    out.push(f32[0]!);
  }
  return out;
}

/** `count` evenly spaced float32 values on [a, b]. */
function span(a: number, b: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.fround(a + ((b - a) * i) / (count - 1)));
}

function check(spec: ElementwiseSpec, p: Params, xs: number[]): void {
  const x = Float32Array.from(xs);
  const y = new Float32Array(x.length);
  const gx = new Float32Array(x.length);
  wasm!.unaryForward(spec, p, x, y);
  wasm!.unaryBackward(spec, p, x, new Float32Array(x.length).fill(1), gx, false);
  const bad: string[] = [];
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const err = float32Error(y[i]!, spec.f(x[i]!, p));
    worst = Math.max(worst, err);
    if (err > 4 && bad.length < 5) bad.push(`f(${x[i]}) = ${y[i]}, ${err} ULP`);
    const d = spec.df(x[i]!, p);
    if (!closeFloat32Derivative(gx[i]!, d) && bad.length < 5) {
      bad.push(`f'(${x[i]}) = ${gx[i]}, exact ${d}`);
    }
  }
  expect(bad).toEqual([]);
  expect(worst).toBeLessThanOrEqual(4);
}

interface Case {
  readonly id: string;
  readonly given: Record<string, ParamValue>;
  /** Where the derivative crosses 0 (x of its root). */
  readonly root: number;
  /** x below which |f| < FLT_MIN and the kernel returns −0. */
  readonly floor: number;
}

const CASES: Case[] = [
  { id: 'silu', given: {}, root: -1.278464542761074, floor: -104 },
  {
    id: 'gelu',
    given: { approximate: 'sigmoid' },
    root: -1.278464542761074 / 1.702,
    floor: -104 / 1.702,
  },
  { id: 'gelu', given: {}, root: -0.7517915246935645, floor: -13.2 },
  { id: 'gelu', given: { approximate: 'tanh' }, root: -0.7524614220710163, floor: -10.681296 },
  { id: 'mish', given: {}, root: -1.1924312145154952, floor: -104 },
];

/**
 * The inputs where a check of every float32 found the largest forward errors
 * of the gelu, silu, sigmoid and gelu_sigmoid (x·σ(1.702x)) kernels (3, 3, 2
 * and 4 ULP), with their exact values from mpmath (scripts/fit_kernels.py
 * worst), not from the code under test.
 */
const WORST: [string, number, number][] = [
  ['gelu', -0.001955153653398156, -0.0009760518206135431],
  ['gelu', -2.270780324935913, -0.026295953600409396],
  ['gelu', -2.3022258281707764, -0.02454453620952473],
  ['gelu', -2.3027493953704834, -0.024516160698315043],
  ['gelu', -2.5640246868133545, -0.013264492646785312],
  ['gelu', -2.816413640975952, -0.006838688433510608],
  ['silu', -1.866674542427063, -0.24999807441787295],
  ['silu', -1.8666976690292358, -0.249996164381087],
  ['silu', -2.0000009536743164, -0.23840575746560594],
  ['silu', -2.0004043579101562, -0.23836913062419282],
  ['sigmoid', -2.980232238769531e-7, 0.49999992549419403],
  ['sigmoid', -7.748601547064027e-7, 0.4999998062849613],
  ['sigmoid', -3.081513204961084e-5, 0.4999922962169882],
  ['gelu_sigmoid', -3.1094419956207275, -0.015563222092568179],
  ['gelu_sigmoid', -3.10971999168396, -0.015557287694192103],
];

describeWasm('the float32 smooth kernels', () => {
  it('keep the bound at the worst inputs of the exhaustive check', () => {
    const bad: string[] = [];
    for (const [id, x, exact] of WORST) {
      const { spec, params } = resolveElementwise(id, {});
      const y = new Float32Array(1);
      wasm!.unaryForward(spec, params, Float32Array.of(x), y);
      const err = float32Error(y[0]!, exact);
      if (err > 4) bad.push(`${id}(${x}) = ${y[0]}, ${err} ULP`);
    }
    expect(bad).toEqual([]);
  });

  it('mish keeps the bound where a float32 tail once lost it (5 ULP at these inputs)', () => {
    const { spec, params } = resolveElementwise('mish', {});
    check(spec, params, [-3.23502516746521, -3.2372570037841797, ...span(-3.25, -3.22, 20001)]);
  });

  for (const c of CASES) {
    describe(`${c.id} ${JSON.stringify(c.given)}`, () => {
      const { spec, params } = resolveElementwise(c.id, c.given);

      it('are the kernels that serve it', () => {
        expect(bindingFor(spec.id, params)?.forward.fn).not.toMatch(/64_f$/);
      });

      it('keep the bounds around the root of the derivative', () => {
        // Every float32 next to the root, and across ±1/16 (in βx for swish), the edge of the polynomials.
        const edge =
          c.id === 'gelu' && c.given['approximate'] === 'sigmoid' ? 0.0625 / 1.702 : 0.0625;
        check(spec, params, [
          ...run(c.root, 4096, 1),
          ...run(c.root, 4096, -1),
          ...span(c.root - 2 * edge, c.root + 2 * edge, 8001),
        ]);
      });

      it('keep the bounds through the negative tail and past the floor', () => {
        check(spec, params, [
          ...span(c.floor - 12, c.floor + 1, 20001),
          ...run(c.floor, 2048, 1),
          ...run(c.floor, 2048, -1),
          -1e30,
          Number.NEGATIVE_INFINITY,
        ]);
      });

      it('keep the bounds on the positive side, to +∞', () => {
        check(spec, params, [...span(0, 16, 20001), ...run(1e-30, 4096, 65536), 1e30, Infinity]);
      });

      it('give NaN for NaN and never NaN for a number', () => {
        const x = Float32Array.of(Number.NaN, ...span(-200, 200, 4001), 3.4e38, -3.4e38);
        const y = new Float32Array(x.length);
        const gx = new Float32Array(x.length);
        wasm!.unaryForward(spec, params, x, y);
        wasm!.unaryBackward(spec, params, x, new Float32Array(x.length).fill(1), gx, false);
        expect(y[0]).toBeNaN();
        expect(gx[0]).toBeNaN();
        expect(Array.from(y.subarray(1)).some(Number.isNaN)).toBe(false);
        expect(Array.from(gx.subarray(1)).some(Number.isNaN)).toBe(false);
      });
    });
  }

  describe('swish across β', () => {
    const xs = [
      ...span(-60, 60, 24001),
      ...run(-1e-30, 2048, 65536),
      ...run(1e-30, 2048, 65536),
      -1e30,
      1e30,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ];

    for (const beta of [2 ** -10, 0.1, 0.5, 1.5, 3, 100, 2 ** 10]) {
      it(`β = ${beta}: the float32 kernel, within the bounds`, () => {
        const { spec, params } = resolveElementwise('swish', { beta });
        expect(bindingFor('swish', params)?.forward.fn).toBe('swish_f');
        // The tail and the root scale with 1/β.
        check(spec, params, [
          ...xs,
          ...xs.map((x) => x / beta),
          ...run(-1.278464542761074 / beta, 2048, 1),
          ...run(-1.278464542761074 / beta, 2048, -1),
        ]);
      });
    }

    for (const beta of [2 ** -11, 2 ** 11, -1, -0.3]) {
      it(`β = ${beta}: float64 lanes, within the bounds`, () => {
        const { spec, params } = resolveElementwise('swish', { beta });
        expect(bindingFor('swish', params)?.forward.fn).toBe('swish64_f');
        check(spec, params, xs);
      });
    }

    it('β = 0: the js reference (x/2, which the kernels would turn into NaN at ±∞)', () => {
      const { spec, params } = resolveElementwise('swish', { beta: 0 });
      expect(bindingFor('swish', params)).toBeUndefined();
      const y = new Float32Array(2);
      wasm!.unaryForward(spec, params, Float32Array.of(Infinity, -Infinity), y);
      expect(Array.from(y)).toEqual([Infinity, -Infinity]);
    });
  });
});
