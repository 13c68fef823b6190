/**
 * The wasm backend's softmax and log-softmax, sparse softmax cross-entropy,
 * and sum and max along an axis, against the js reference, the mpmath
 * fixtures and laws. The js reference runs on float64 copies of the same
 * float32 inputs, so its answer carries no float32 rounding of its own.
 *
 * Tolerances, from DESIGN.md §3:
 * - values: within 4 ULP of the correctly rounded value, 0 accepted below
 *   FLT_MIN. The kernel's e^{x−m} is within about 1.5 ULP (its argument is
 *   split exactly, so no error grows with |x − m|); 1/Σ and the product add
 *   half an ULP each (log-softmax: x − m and the subtraction of the float32
 *   logsumexp, two terms of one sign).
 * - derivatives: 1e-5 relative + 1e-9 absolute (the kernels form Jᵀgy in
 *   float64 and round once; the cross-entropy's label entry is taken from the
 *   other classes' share, so it keeps its digits where p is close to 1).
 * - the loss: 1e-6 relative (each row is two terms >= 0, the logarithm is
 *   float32, rows are summed in float64).
 * - sum and max: bit for bit, since the kernels keep the reference's order of
 *   float32 additions and its comparisons.
 */
import { describe, expect, it } from 'vitest';
import { resolveVector } from '../../src/activations/registry.js';
import type { Params, VectorSpec } from '../../src/activations/types.js';
import type { Backend } from '../../src/kernels/backend.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmBackend } from '../../src/kernels/wasm/index.js';
import { instantiateKernelsSync } from '../../src/kernels/wasm/loader.js';
import { Random } from '../../src/tensor/random.js';
import {
  closeFloat32Derivative,
  FLT_MIN,
  float32Error,
  loadVector,
  show,
  type VectorSlice,
} from '../helpers/fixtures.js';

const MAX_ULP = 4;
const INF = Number.POSITIVE_INFINITY;

function wasm(): Backend {
  if (wasmBackend === undefined) throw new Error('the wasm backend did not load');
  return wasmBackend;
}

interface Activation {
  readonly id: string;
  readonly spec: VectorSpec;
  readonly params: Params;
}

const ACTIVATIONS: readonly Activation[] = ['softmax', 'log_softmax'].map((id) => ({
  id,
  ...resolveVector(id),
}));

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function uniform(n: number, rng: Random, lo: number, hi: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
}

/** Same bits, NaN matching NaN. */
function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i]) && !(Number.isNaN(a[i]!) && Number.isNaN(b[i]!))) return false;
  }
  return true;
}

/** The js reference's vector forward in float64 on the float32 values. */
function referenceForward(
  a: Activation,
  x: Float32Array,
  shape: readonly number[],
  axis: number,
): Float64Array {
  const y = new Float64Array(x.length);
  jsBackend.vectorForward(a.spec, a.params, Float64Array.from(x), shape, axis, y);
  return y;
}

/**
 * Runs the wasm forward on x and the wasm backward on the reference's float32
 * output and gy, and lists what misses the reference (the first few).
 */
function mismatches(
  a: Activation,
  x: Float32Array,
  gy: Float32Array,
  shape: readonly number[],
  axis: number,
): string[] {
  const bad: string[] = [];
  const y = new Float32Array(x.length);
  wasm().vectorForward(a.spec, a.params, x, shape, axis, y);
  const yRef = referenceForward(a, x, shape, axis);
  for (let i = 0; i < x.length; i++) {
    if (float32Error(y[i]!, yRef[i]!) > MAX_ULP) {
      bad.push(`y[${i}] = ${show(y[i]!)}, reference ${show(yRef[i]!)}`);
    }
  }
  // Both backends' backward from the same output: the rounded reference.
  const y32 = Float32Array.from(yRef);
  const gx = new Float32Array(x.length);
  wasm().vectorBackward(a.spec, a.params, x, y32, gy, shape, axis, gx);
  const gxRef = new Float64Array(x.length);
  const [x64, y64, gy64] = [x, y32, gy].map((v) => Float64Array.from(v));
  jsBackend.vectorBackward(a.spec, a.params, x64!, y64!, gy64!, shape, axis, gxRef);
  for (let i = 0; i < x.length; i++) {
    if (!closeFloat32Derivative(gx[i]!, gxRef[i]!)) {
      bad.push(`gx[${i}] = ${show(gx[i]!)}, reference ${show(gxRef[i]!)}`);
    }
  }
  return bad.slice(0, 6);
}

/** Lays equal-length slices along `axis` of [2, n, 3] (n moved to `axis`), cycling through them. */
function layAlong(
  slices: readonly (readonly number[])[],
  axis: number,
): { x: Float32Array; shape: number[] } {
  const n = slices[0]!.length;
  const shape = [2, 3];
  shape.splice(axis, 0, n);
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const x = new Float32Array(sizeOf(shape));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const s = slices[(o * inner + i) % slices.length]!;
      for (let k = 0; k < n; k++) x[(o * n + k) * inner + i] = s[k]!;
    }
  }
  return { x, shape };
}

/** Shapes and axes covering rows and columns, tails of 1–3 lanes, n = 1 and long rows. */
const LAYOUTS: readonly [number[], number][] = [
  [[7, 10], 1],
  [[7, 10], 0],
  [[3, 5, 6], 0],
  [[3, 5, 6], 1],
  [[3, 5, 6], 2],
  [[2, 9, 7], 0],
  [[2, 9, 7], 1],
  [[2, 9, 7], 2],
  [[4, 1, 5], 1],
  [[5, 1], 1],
  [[1, 1], 0],
  [[6, 2], 1],
  [[3, 1001], 1],
  [[64, 13], 1],
  [[2, 37, 21], 1],
];

describe('wasm softmax and log_softmax', () => {
  for (const a of ACTIVATIONS) {
    for (const [shape, axis] of LAYOUTS) {
      it(`${a.id} along axis ${axis} of [${shape}] agrees with the js reference`, () => {
        const rng = new Random(sizeOf(shape) * 7 + axis);
        const x = uniform(sizeOf(shape), rng, -40, 40);
        const gy = uniform(x.length, rng, -1, 1);
        expect(mismatches(a, x, gy, shape, axis)).toEqual([]);
      });
    }

    it(`${a.id} keeps its relative precision for logits down to 87 below the max`, () => {
      // x − m is not a float32 here (m is not a round number): one rounded
      // difference would cost up to 87·2^-24 relative in e^{x−m}.
      const rng = new Random(3);
      const rows = 64;
      const n = 12;
      const x = new Float32Array(rows * n);
      for (let r = 0; r < rows; r++) {
        const m = rng.uniform(-1, 1) * 1e-3 + 0.123456;
        x[r * n] = m;
        for (let k = 1; k < n; k++) x[r * n + k] = m - (87 * k) / n - rng.uniform(0, 1e-3);
      }
      const gy = uniform(x.length, rng, -1, 1);
      expect(mismatches(a, x, gy, [rows, n], 1)).toEqual([]);
    });

    it(`${a.id} follows the reference on huge, infinite and NaN logits, rows and columns alike`, () => {
      const slices: number[][] = [
        [1e30, -1e30, 0, 5, -5, 1e30],
        [3.4e38, -3.4e38, 1, 0, -1, 2],
        [INF, 0, 1, -INF, 2, 3],
        [INF, INF, 0, -INF, 1, INF],
        [-INF, -INF, -INF, -INF, -INF, -INF],
        [-INF, 0, 1.5, -INF, -INF, -INF],
        [Number.NaN, 1, 2, 3, 4, 5],
        [1, 2, 3, 4, 5, Number.NaN],
        [1000, 1000, 0, 0, 0, 0],
        [-1e30, -1e30, -1e30, -1e30, -1e30, -1e30],
        [-3.4e38, 3.4e38, -3.4e38, 3.4e38, 0, 0],
        [0.5, -0.25, 3, 1, -2, 0],
      ];
      const rng = new Random(4);
      for (const axis of [0, 1, 2]) {
        const { x, shape } = layAlong(slices, axis);
        const gy = uniform(x.length, rng, -1, 1);
        expect(mismatches(a, x, gy, shape, axis)).toEqual([]);
      }
      for (const s of [[-INF], [INF], [Number.NaN], [-1e30], [-INF, -INF], [INF, -INF, INF]]) {
        const x = Float32Array.from(s);
        expect(
          mismatches(
            a,
            x,
            Float32Array.from(s, () => 0.5),
            [1, s.length],
            1,
          ),
        ).toEqual([]);
      }
    });

    it(`${a.id} propagates NaN and ±∞ in the upstream gradient as the reference does`, () => {
      // e^{−∞} = 0 exactly: 0·∞ in the log-softmax's e^y·Σgy must stay NaN.
      const slices = [
        [-INF, 0, 1, 2, -INF],
        [0.5, 1, -2, 3, 0],
        [-INF, -INF, -INF, -INF, -INF],
      ];
      const gys = [INF, -INF, Number.NaN, 1];
      for (const axis of [0, 1, 2]) {
        const { x, shape } = layAlong(slices, axis);
        for (const special of gys) {
          const gy = Float32Array.from(x, (_, i) => (i % 7 === 3 ? special : 0.25));
          expect(mismatches(a, x, gy, shape, axis)).toEqual([]);
        }
      }
    });

    it(`${a.id} gives no NaN, value or gradient, for finite logits of any size`, () => {
      const rng = new Random(5);
      const magnitudes = [1e-40, 1, 1e10, 1e30, 3.4e38];
      const x = Float32Array.from({ length: 40 * 9 }, (_, i) => {
        const v = rng.uniform(-1, 1) * magnitudes[i % magnitudes.length]!;
        return Number.isFinite(Math.fround(v)) ? v : 0;
      });
      const y = new Float32Array(x.length);
      const gx = new Float32Array(x.length);
      wasm().vectorForward(a.spec, a.params, x, [40, 9], 1, y);
      wasm().vectorBackward(a.spec, a.params, x, y, uniform(x.length, rng, -1, 1), [40, 9], 1, gx);
      expect(y.some(Number.isNaN) || gx.some(Number.isNaN)).toBe(false);
    });

    it(`${a.id} gives, resident in the wasm heap or not, in place or not, the same bits`, () => {
      const rng = new Random(6);
      for (const [shape, axis] of [
        [[37, 11], 1],
        [[3, 11, 6], 1],
      ] as const) {
        const size = sizeOf(shape);
        const x = uniform(size, rng, -20, 20);
        const gy = uniform(size, rng, -1, 1);
        const run = (xs: Float32Array, ys: Float32Array, gys: Float32Array, gxs: Float32Array) => {
          wasm().vectorForward(a.spec, a.params, xs, shape, axis, ys);
          wasm().vectorBackward(a.spec, a.params, xs, ys, gys, shape, axis, gxs);
          return [ys.slice(), gxs.slice()];
        };
        const resident = (src?: Float32Array) => {
          const r = wasm().residentAlloc!(size)!;
          if (src !== undefined) r.set(src);
          return r;
        };
        const plain = run(x, new Float32Array(size), gy, new Float32Array(size));
        const inHeap = run(resident(x), resident(), resident(gy), resident());
        const mixed = run(resident(x), new Float32Array(size), gy, resident());
        // The output over its input, and the gradient over gy.
        const xi = x.slice();
        const gi = gy.slice();
        wasm().vectorForward(a.spec, a.params, xi, shape, axis, xi);
        wasm().vectorBackward(a.spec, a.params, x, xi, gi, shape, axis, gi);
        for (const other of [inHeap, mixed, [xi, gi]]) {
          expect(sameBits(other[0]!, plain[0]!)).toBe(true);
          expect(sameBits(other[1]!, plain[1]!)).toBe(true);
        }
      }
    });

    it(`${a.id} over inputs larger than a chunk agrees with the reference and with one whole call`, () => {
      const rng = new Random(7);
      for (const [shape, axis] of [
        [[300, 300], 1],
        [[2, 70000], 1],
        [[3, 300, 100], 1],
      ] as const) {
        const size = sizeOf(shape);
        const x = uniform(size, rng, -30, 30);
        const gy = uniform(size, rng, -1, 1);
        expect(mismatches(a, x, gy, shape, axis)).toEqual([]);
        const y = new Float32Array(size);
        wasm().vectorForward(a.spec, a.params, x, shape, axis, y);
        const xr = wasm().residentAlloc!(size)!;
        const yr = wasm().residentAlloc!(size)!;
        xr.set(x);
        wasm().vectorForward(a.spec, a.params, xr, shape, axis, yr);
        expect(sameBits(yr, y)).toBe(true);
        // Resident input, ordinary output: chunks of the one in place, of the other copied.
        const yo = new Float32Array(size);
        wasm().vectorForward(a.spec, a.params, xr, shape, axis, yo);
        expect(sameBits(yo, y)).toBe(true);
        wasm().residentFree!(xr);
        wasm().residentFree!(yr);
      }
    });
  }

  it('agrees with the mpmath fixtures along every axis in float32', () => {
    const bad: string[] = [];
    for (const c of loadVector()) {
      const a = ACTIVATIONS.find((v) => v.id === c.id);
      if (a === undefined) continue;
      const byLength = new Map<number, VectorSlice[]>();
      for (const s of c.slices) byLength.set(s.x.length, [...(byLength.get(s.x.length) ?? []), s]);
      for (const slices of byLength.values()) {
        for (const axis of [0, 1, 2]) {
          const { x, shape } = layAlong(
            slices.map((s) => Array.from(s.x)),
            axis,
          );
          const y = new Float32Array(x.length);
          wasm().vectorForward(a.spec, a.params, x, shape, axis, y);
          const n = slices[0]!.x.length;
          const outer = sizeOf(shape.slice(0, axis));
          const inner = sizeOf(shape.slice(axis + 1));
          for (let o = 0; o < outer; o++) {
            for (let i = 0; i < inner; i++) {
              const s = slices[(o * inner + i) % slices.length]!;
              // The conformance suite's float32 bound: 4 ULP, or 1e-7 of the slice's scale.
              const finite = [...s.x, ...s.y].filter(Number.isFinite).map(Math.abs);
              const scale = Math.max(1, ...finite);
              for (let k = 0; k < n; k++) {
                const got = y[(o * n + k) * inner + i]!;
                const want = s.y[k]!;
                const ok =
                  float32Error(got, want) <= MAX_ULP ||
                  (Number.isFinite(want) && Math.abs(got - want) <= 1e-7 * scale);
                if (!ok && bad.length < 6) {
                  bad.push(`${c.id} axis ${axis}: ${show(got)} for ${show(want)} (x ${s.x})`);
                }
              }
            }
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('has rows that sum to 1, and log_softmax = log(softmax), as laws', () => {
    const [sm, lsm] = ACTIVATIONS as [Activation, Activation];
    const rng = new Random(8);
    for (const [shape, axis] of [
      [[50, 37], 1],
      [[6, 37, 5], 1],
      [[37, 6], 0],
    ] as const) {
      const x = uniform(sizeOf(shape), rng, -25, 25);
      const y = new Float32Array(x.length);
      const ly = new Float32Array(x.length);
      wasm().vectorForward(sm.spec, sm.params, x, shape, axis, y);
      wasm().vectorForward(lsm.spec, lsm.params, x, shape, axis, ly);
      const n = shape[axis]!;
      const outer = sizeOf(shape.slice(0, axis));
      const inner = sizeOf(shape.slice(axis + 1));
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          let sum = 0;
          let sumExp = 0;
          for (let k = 0; k < n; k++) {
            const at = (o * n + k) * inner + i;
            sum += y[at]!;
            sumExp += Math.exp(ly[at]!);
            // log of a value within 4 ULP: within 4·2^-23 absolute, beside ly's own 4 ULP.
            if (y[at]! >= FLT_MIN) {
              expect(Math.abs(ly[at]! - Math.log(y[at]!))).toBeLessThanOrEqual(
                5e-7 * (1 + Math.abs(ly[at]!)),
              );
            }
          }
          // Each term within 4 ULP: the sum within 4·2^-23 of 1.
          expect(Math.abs(sum - 1)).toBeLessThanOrEqual(5e-7);
          expect(Math.abs(sumExp - 1)).toBeLessThanOrEqual(5e-7 * (1 + Math.log(n)));
        }
      }
    }
  });

  it('leaves float64 arrays and other vector activations to the js reference, bit for bit', () => {
    const rng = new Random(9);
    const shape = [4, 6, 3];
    const x32 = uniform(sizeOf(shape), rng, -5, 5);
    const gy32 = uniform(x32.length, rng, -1, 1);
    const cases: [Activation, boolean][] = [
      ...ACTIVATIONS.map((a): [Activation, boolean] => [a, true]),
      [{ id: 'glu', ...resolveVector('glu') }, false],
    ];
    for (const [a, f64] of cases) {
      const x = f64 ? Float64Array.from(x32) : x32;
      const gyFull = f64 ? Float64Array.from(gy32) : gy32;
      const outShape = a.id === 'glu' ? [4, 3, 3] : shape;
      const gy = gyFull.slice(0, sizeOf(outShape));
      const make = (n: number) => (f64 ? new Float64Array(n) : new Float32Array(n));
      const results = [jsBackend, wasm()].map((b) => {
        const y = make(sizeOf(outShape));
        const gx = make(x.length);
        b.vectorForward(a.spec, a.params, x, shape, 1, y);
        b.vectorBackward(a.spec, a.params, x, y, gy, shape, 1, gx);
        return [y, gx];
      });
      expect(sameBits(results[1]![0]!, results[0]![0]!)).toBe(true);
      expect(sameBits(results[1]![1]!, results[0]![1]!)).toBe(true);
    }
  });
});

/**
 * Mean over rows of logsumexp(z) − z[label] in float64, from the definition:
 * (m − z[label]) + log1p of the terms of all but one maximum m, two terms of
 * one sign, so that a confident row's loss near 0 keeps its digits. A NaN or
 * infinite max is logsumexp itself, as in the reference.
 */
function crossEntropy64(z: Float64Array, labels: Int32Array, rows: number, classes: number) {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const row = z.subarray(r * classes, (r + 1) * classes);
    const m = Math.max(...row);
    const zl = row[labels[r]!]!;
    if (!Number.isFinite(m)) {
      total += m - zl;
      continue;
    }
    const top = row.indexOf(m);
    let rest = 0;
    row.forEach((v, i) => {
      if (i !== top) rest += Math.exp(v - m);
    });
    total += m - zl + Math.log1p(rest);
  }
  return total / rows;
}

function randomLabels(rows: number, classes: number, rng: Random): Int32Array {
  return Int32Array.from({ length: rows }, () => rng.int(classes));
}

describe('wasm softmax cross-entropy', () => {
  /** The js reference's loss and gradient in float64 on the same float32 logits. */
  function reference(
    z: Float32Array,
    labels: Int32Array,
    rows: number,
    classes: number,
    scale: number,
  ) {
    const z64 = Float64Array.from(z);
    const g = new Float64Array(z.length);
    jsBackend.softmaxCrossEntropyBackward(z64, labels, rows, classes, scale, g);
    return { loss: jsBackend.softmaxCrossEntropy(z64, labels, rows, classes), grad: g };
  }

  function gradientMismatches(got: Float32Array, want: Float64Array): string[] {
    const bad: string[] = [];
    for (let i = 0; i < got.length; i++) {
      if (!closeFloat32Derivative(got[i]!, want[i]!) && bad.length < 6) {
        bad.push(`gz[${i}] = ${show(got[i]!)}, reference ${show(want[i]!)}`);
      }
    }
    return bad;
  }

  for (const [rows, classes] of [
    [256, 10],
    [7, 1],
    [5, 3],
    [33, 37],
    [3, 1000],
  ] as const) {
    it(`matches the js reference for the loss and its gradient at [${rows}, ${classes}]`, () => {
      const rng = new Random(rows * 1000 + classes);
      const z = uniform(rows * classes, rng, -20, 20);
      const labels = randomLabels(rows, classes, rng);
      for (const scale of [1 / rows, 0.37]) {
        const want = reference(z, labels, rows, classes, scale);
        const loss = wasm().softmaxCrossEntropy(z, labels, rows, classes);
        expect(Math.abs(loss - want.loss)).toBeLessThanOrEqual(1e-6 * Math.abs(want.loss));
        const gz = new Float32Array(z.length);
        wasm().softmaxCrossEntropyBackward(z, labels, rows, classes, scale, gz);
        expect(gradientMismatches(gz, want.grad)).toEqual([]);
      }
    });
  }

  it('keeps the digits of confident rows: a loss near 0, a label gradient near 0', () => {
    // p(label) = 1 − 2e^{−d}: the loss and the label's gradient are about 2e^{−d}.
    // The reference's m + log Σ − z[label] keeps them only to an ULP of m, so
    // the loss is checked against the definition evaluated with log1p.
    const ds = [3, 8, 14, 17, 25, 40];
    const classes = 3;
    const z = new Float32Array(ds.length * classes);
    const labels = new Int32Array(ds.length);
    ds.forEach((d, r) => {
      z[r * classes + (r % classes)] = d + 0.1;
      labels[r] = r % classes;
    });
    ds.forEach((_, r) => {
      const zr = z.subarray(r * classes, (r + 1) * classes);
      const lr = labels.subarray(r, r + 1);
      const want = crossEntropy64(Float64Array.from(zr), lr, 1, classes);
      const loss = wasm().softmaxCrossEntropy(zr, lr, 1, classes);
      expect(Math.abs(loss - want)).toBeLessThanOrEqual(1e-6 * want);
    });
    const want = reference(z, labels, ds.length, classes, 1);
    const gz = new Float32Array(z.length);
    wasm().softmaxCrossEntropyBackward(z, labels, ds.length, classes, 1, gz);
    expect(gradientMismatches(gz, want.grad)).toEqual([]);
    // The label's entry, −Σ_{c≠label} p_c, to its own relative precision.
    ds.forEach((d, r) => {
      const e = 2 * Math.exp(-Math.fround(d + 0.1));
      const exact = -e / (1 + e);
      expect(Math.abs(gz[r * classes + labels[r]!]! - exact)).toBeLessThanOrEqual(1e-6 * -exact);
    });
  });

  it('gives equal logits of any size the uniform distribution: loss log n, gradient 1/n − onehot', () => {
    // The reference's m + log n rounds to m once |m| is past 2^53·log n: a law is the check here.
    for (const v of [0, -7.5, 1e30, -1e30, 3.4e38, -3.4e38]) {
      for (const n of [1, 3, 10]) {
        const z = new Float32Array(n).fill(v);
        const labels = Int32Array.of(n - 1);
        const loss = wasm().softmaxCrossEntropy(z, labels, 1, n);
        expect(Math.abs(loss - Math.log(n))).toBeLessThanOrEqual(1e-6 * Math.log(n));
        const gz = new Float32Array(n);
        wasm().softmaxCrossEntropyBackward(z, labels, 1, n, 0.5, gz);
        gz.forEach((g, c) => {
          const exact = 0.5 * (1 / n - (c === n - 1 ? 1 : 0));
          expect(closeFloat32Derivative(g, exact), `${g} for ${exact} at ${v}, n = ${n}`).toBe(
            true,
          );
        });
      }
    }
  });

  it('has a gradient that agrees with a central difference of the loss', () => {
    const rng = new Random(11);
    const rows = 4;
    const classes = 7;
    const z = uniform(rows * classes, rng, -3, 3);
    const labels = randomLabels(rows, classes, rng);
    const gz = new Float32Array(z.length);
    // d(mean)/dz: scale 1/rows.
    wasm().softmaxCrossEntropyBackward(z, labels, rows, classes, 1 / rows, gz);
    const z64 = Float64Array.from(z);
    const h = 1e-6;
    for (let i = 0; i < z.length; i++) {
      const v = z64[i]!;
      z64[i] = v + h;
      const up = crossEntropy64(z64, labels, rows, classes);
      z64[i] = v - h;
      const down = crossEntropy64(z64, labels, rows, classes);
      z64[i] = v;
      const fd = (up - down) / (2 * h);
      expect(Math.abs(gz[i]! - fd)).toBeLessThanOrEqual(1e-4 * Math.abs(fd) + 1e-7);
    }
    expect(
      Math.abs(
        wasm().softmaxCrossEntropy(z, labels, rows, classes) -
          crossEntropy64(z64, labels, rows, classes),
      ),
    ).toBeLessThanOrEqual(1e-6);
  });

  it('follows the reference row by row on huge, infinite and NaN logits; never NaN on finite ones', () => {
    const rows: [number[], number][] = [
      [[1e30, -1e30, 0], 0],
      [[1e30, -1e30, 0], 1],
      [[3.4e38, -3.4e38, 1], 1],
      [[-3.4e38, 3.4e38, -3.4e38], 2],
      [[INF, 0, 1], 0],
      [[INF, 0, 1], 1],
      [[-INF, 0, 1], 0],
      [[-INF, -INF, -INF], 1],
      [[Number.NaN, 0, 1], 2],
      [[0, 1, Number.NaN, 4, 5], 0],
      [[1000, 1000, 0, 0, 0, 0, 0], 1],
    ];
    for (const [row, label] of rows) {
      const z = Float32Array.from(row);
      const labels = Int32Array.of(label);
      const want = reference(z, labels, 1, row.length, 0.5);
      const loss = wasm().softmaxCrossEntropy(z, labels, 1, row.length);
      const lossOk = Number.isFinite(want.loss)
        ? Math.abs(loss - want.loss) <= 1e-6 * Math.abs(want.loss)
        : Object.is(loss, want.loss) || (Number.isNaN(loss) && Number.isNaN(want.loss));
      expect(lossOk, `loss of [${row}] for label ${label}: ${loss}, reference ${want.loss}`).toBe(
        true,
      );
      const gz = new Float32Array(row.length);
      wasm().softmaxCrossEntropyBackward(z, labels, 1, row.length, 0.5, gz);
      expect(gradientMismatches(gz, want.grad), `[${row}] label ${label}`).toEqual([]);
      if (row.every(Number.isFinite)) {
        expect(Number.isNaN(loss) || gz.some(Number.isNaN)).toBe(false);
      }
    }
  });

  it("throws the reference's error for a label outside [0, classes)", () => {
    const z = new Float32Array(6);
    const labels = Int32Array.of(1, 3);
    const message = /label 3 of row 1 is outside \[0, 3\)/;
    expect(() => jsBackend.softmaxCrossEntropy(z, labels, 2, 3)).toThrow(message);
    expect(() => wasm().softmaxCrossEntropy(z, labels, 2, 3)).toThrow(message);
    expect(() =>
      wasm().softmaxCrossEntropyBackward(z, labels, 2, 3, 1, new Float32Array(6)),
    ).toThrow(message);
  });

  it('gives the same bits resident or not, in one call or in chunks, and leaves float64 to the reference', () => {
    const rng = new Random(12);
    // Seven chunks of rows, and row losses of mixed size (about 3e4 every
    // third row): summed chunk by chunk instead of row after row, the total
    // would round differently.
    const rows = 45000;
    const classes = 10;
    const z = uniform(rows * classes, rng, -10, 10);
    const labels = randomLabels(rows, classes, rng);
    for (let r = 0; r < rows; r += 3) z[r * classes + ((labels[r]! + 1) % classes)] = 3e4;
    const zr = wasm().residentAlloc!(z.length)!;
    const gr = wasm().residentAlloc!(z.length)!;
    zr.set(z);
    const gz = new Float32Array(z.length);
    // Ordinary arrays go through in chunks of rows; resident ones in one call.
    expect(
      Object.is(
        wasm().softmaxCrossEntropy(zr, labels, rows, classes),
        wasm().softmaxCrossEntropy(z, labels, rows, classes),
      ),
    ).toBe(true);
    wasm().softmaxCrossEntropyBackward(z, labels, rows, classes, 1 / rows, gz);
    wasm().softmaxCrossEntropyBackward(zr, labels, rows, classes, 1 / rows, gr);
    expect(sameBits(gr, gz)).toBe(true);
    const gm = new Float32Array(z.length);
    wasm().softmaxCrossEntropyBackward(zr, labels, rows, classes, 1 / rows, gm);
    expect(sameBits(gm, gz)).toBe(true);
    wasm().residentFree!(zr);
    wasm().residentFree!(gr);
    const z64 = Float64Array.from(z.subarray(0, 50 * classes));
    const [a, b] = [jsBackend, wasm()].map((be) => {
      const g = new Float64Array(z64.length);
      be.softmaxCrossEntropyBackward(z64, labels, 50, classes, 0.02, g);
      return { loss: be.softmaxCrossEntropy(z64, labels, 50, classes), g };
    });
    expect(Object.is(b!.loss, a!.loss)).toBe(true);
    expect(sameBits(b!.g, a!.g)).toBe(true);
  });
});

describe('wasm sum and max along an axis', () => {
  /** [outer, n, inner]: rows (inner 1) in groups of four and left over, columns with tails, long axes split into chunks. */
  const LAYOUTS3: readonly [number, number, number][] = [
    [1, 1, 1],
    [5, 7, 1],
    [7, 3, 1],
    [8, 16, 1],
    [3, 9, 6],
    [2, 5, 17],
    [9, 3, 35],
    [2, 0, 3],
    [1, 100000, 1],
    [6, 70000, 1],
    [2, 70000, 3],
    [5, 20000, 4],
  ];

  /** Values with ties, ±0, ±∞, NaN and sums that overflow float32, at random places. */
  function awkward(n: number, rng: Random): Float32Array {
    const specials = [0, -0, INF, -INF, Number.NaN, 3e38, -3e38, 1, 2];
    return Float32Array.from({ length: n }, () =>
      rng.next() < 0.02 ? specials[rng.int(specials.length)]! : rng.int(5) - 2 + 0.25 * rng.int(3),
    );
  }

  function run(b: Backend, x: Float32Array, [outer, n, inner]: readonly number[]) {
    const sum = new Float32Array(outer! * inner!);
    const max = new Float32Array(outer! * inner!);
    const argmax = new Int32Array(outer! * inner!);
    b.sumAxis(x, outer!, n!, inner!, sum);
    if (n! > 0) b.maxAxis(x, outer!, n!, inner!, max, argmax);
    return { sum, max, argmax };
  }

  for (const layout of LAYOUTS3) {
    for (const kind of ['random', 'awkward'] as const) {
      it(`sum, max and argmax over [${layout}] (${kind} values) match the js reference bit for bit`, () => {
        const rng = new Random(sizeOf(layout) + (kind === 'random' ? 0 : 1));
        const x =
          kind === 'random' ? uniform(sizeOf(layout), rng, -1, 1) : awkward(sizeOf(layout), rng);
        const want = run(jsBackend, x, layout);
        const got = run(wasm(), x, layout);
        expect(sameBits(got.sum, want.sum)).toBe(true);
        expect(sameBits(got.max, want.max)).toBe(true);
        expect(Array.from(got.argmax)).toEqual(Array.from(want.argmax));
      });
    }
  }

  it('keeps the first maximum across chunks, and a NaN in a later chunk wins', () => {
    // One axis of 150000 rows goes through in chunks of 65536.
    const n = 150000;
    const x = new Float32Array(n * 2);
    for (let k = 0; k < n; k++) {
      x[2 * k] = k === 10 || k === 70000 || k === 140000 ? 5 : 1;
      x[2 * k + 1] = k === 3 ? 9 : k === 100000 ? Number.NaN : k === 130000 ? Number.NaN : 0;
    }
    const got = run(wasm(), x, [1, n, 2]);
    expect(Array.from(got.argmax)).toEqual([10, 100000]);
    expect(got.max[0]).toBe(5);
    expect(Number.isNaN(got.max[1]!)).toBe(true);
    expect(sameBits(got.sum, run(jsBackend, x, [1, n, 2]).sum)).toBe(true);
  });

  it('continues an axis given in chunks of rows exactly as one pass, several slices a call', () => {
    // The backend splits only single long slices; the kernels take any number.
    const mod = instantiateKernelsSync();
    // A memory of its own needs room; a shared one (Node) comes at its full size.
    if (mod.memory.buffer.byteLength < 4 * 65536) mod.memory.grow(4);
    const base = (mod.scratchBase + 63) & ~63;
    const f32 = new Float32Array(mod.memory.buffer);
    const i32 = new Int32Array(mod.memory.buffer);
    const sum = mod.kernel('sumAlongAxis');
    const max = mod.kernel('maxAlongAxis');
    const rng = new Random(14);
    for (const [outer, n, inner] of [
      [7, 21, 1],
      [3, 21, 5],
      [2, 9, 18],
    ] as const) {
      const x = awkward(outer * n * inner, rng);
      const px = base;
      const py = px + 4096;
      const pa = py + 1024;
      const ref = { y: new Float32Array(outer * inner), at: new Int32Array(outer * inner) };
      f32.set(x, px >> 2);
      sum(px, py, outer, n, inner, 0);
      ref.y.set(f32.subarray(py >> 2, (py >> 2) + outer * inner));
      const sums = new Float32Array(outer * inner);
      const maxes = new Float32Array(outer * inner);
      max(px, pa, pa + 1024, outer, n, inner, 0);
      maxes.set(f32.subarray(pa >> 2, (pa >> 2) + outer * inner));
      ref.at.set(i32.subarray((pa + 1024) >> 2, ((pa + 1024) >> 2) + outer * inner));
      // Rows [k0, k1) of every slice, packed as [outer, k1 − k0, inner].
      const cuts = [0, Math.floor(n / 3), Math.floor((2 * n) / 3), n];
      for (const [k0, k1] of cuts.slice(1).map((k, c) => [cuts[c]!, k] as const)) {
        for (let o = 0; o < outer; o++) {
          const from = (o * n + k0) * inner;
          f32.set(x.subarray(from, from + (k1 - k0) * inner), (px >> 2) + o * (k1 - k0) * inner);
        }
        sum(px, py, outer, k1 - k0, inner, k0);
        max(px, pa, pa + 1024, outer, k1 - k0, inner, k0);
      }
      sums.set(f32.subarray(py >> 2, (py >> 2) + outer * inner));
      expect(sameBits(sums, ref.y)).toBe(true);
      expect(sameBits(f32.subarray(pa >> 2, (pa >> 2) + outer * inner), maxes)).toBe(true);
      expect(
        Array.from(i32.subarray((pa + 1024) >> 2, ((pa + 1024) >> 2) + outer * inner)),
      ).toEqual(Array.from(ref.at));
    }
  });

  it('gives the same bits for resident arrays as for ordinary ones, and leaves float64 to the reference', () => {
    const rng = new Random(13);
    for (const layout of [
      [6, 70000, 1],
      [3, 9, 6],
    ] as const) {
      const x = uniform(sizeOf(layout), rng, -1, 1);
      const xr = wasm().residentAlloc!(x.length)!;
      xr.set(x);
      const want = run(wasm(), x, layout);
      const [outer, n, inner] = layout;
      const sum = wasm().residentAlloc!(outer * inner)!;
      const max = wasm().residentAlloc!(outer * inner)!;
      const argmax = new Int32Array(outer * inner);
      wasm().sumAxis(xr, outer, n, inner, sum);
      wasm().maxAxis(xr, outer, n, inner, max, argmax);
      expect(sameBits(sum, want.sum)).toBe(true);
      expect(sameBits(max, want.max)).toBe(true);
      expect(Array.from(argmax)).toEqual(Array.from(want.argmax));
      // Resident input, ordinary outputs: the input's chunks are used in place.
      const mixed = run(wasm(), xr, layout);
      expect(sameBits(mixed.sum, want.sum)).toBe(true);
      expect(sameBits(mixed.max, want.max)).toBe(true);
      expect(Array.from(mixed.argmax)).toEqual(Array.from(want.argmax));
      for (const a of [xr, sum, max]) wasm().residentFree!(a);
    }
    const x64 = Float64Array.from(uniform(3 * 5 * 4, rng, -1, 1));
    const [a, b] = [jsBackend, wasm()].map((be) => {
      const s = new Float64Array(12);
      const m = new Float64Array(12);
      const at = new Int32Array(12);
      be.sumAxis(x64, 3, 5, 4, s);
      be.maxAxis(x64, 3, 5, 4, m, at);
      return [s, m, at];
    });
    for (let i = 0; i < 3; i++) expect(sameBits(b![i]!, a![i]!)).toBe(true);
  });
});
