/**
 * The wasm backend's bias kernels, its fused bias + activation (alone, after
 * a product and after a convolution) and its convolution over the taps inside the image,
 * against the js reference and against the laws that define them: a fused
 * call gives, bit for bit, what the separate calls give on the same backend;
 * the tap classes partition the output positions and keep every in-image tap.
 */
import { describe, expect, it } from 'vitest';
import { resolveElementwise } from '../../src/activations/registry.js';
import type { Backend, Conv2DGeometry } from '../../src/kernels/backend.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { tapClasses } from '../../src/kernels/wasm/conv-taps.js';
import { wasmBackend } from '../../src/kernels/wasm/index.js';
import { conv2dGeometry } from '../../src/tensor/ops/conv.js';
import { Random } from '../../src/tensor/random.js';

const EPS32 = 2 ** -23;

function wasm(): Backend {
  if (wasmBackend === undefined) throw new Error('the wasm backend did not load');
  return wasmBackend;
}

function randomF32(n: number, rng: Random, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-scale, scale);
  return a;
}

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) expect({ i, got: got[i] }).toEqual({ i, got: want[i] });
  }
}

// Rows × cols around the vector width, and one past the kernels' 16384-float chunk.
const SHAPES: readonly [number, number][] = [
  [1, 1],
  [3, 3],
  [5, 4],
  [7, 6],
  [9, 16],
  [4, 84],
  [3001, 6],
  [200, 120],
];

describe('wasm bias kernels', () => {
  for (const [rows, cols] of SHAPES) {
    it(`add and reduce exactly as the js reference (${rows}×${cols})`, () => {
      const rng = new Random(rows * 31 + cols);
      const x = randomF32(rows * cols, rng);
      const b = randomF32(cols, rng);
      const want = new Float32Array(x.length);
      const got = new Float32Array(x.length).fill(Number.NaN);
      jsBackend.biasAdd(x, b, rows, cols, want);
      wasm().biasAdd(x, b, rows, cols, got);
      expectSame(got, want);
      // The same float32 additions in the same row order: bit for bit.
      const gbWant = new Float32Array(cols);
      const gbGot = new Float32Array(cols).fill(Number.NaN);
      jsBackend.biasGrad(x, rows, cols, gbWant);
      wasm().biasGrad(x, rows, cols, gbGot);
      expectSame(gbGot, gbWant);
    });
  }
});

/** biasAdd then unaryForward / unaryBackward then biasGrad, on one backend: what the fused kernels must equal. */
function composed(
  be: Backend,
  name: string,
  x: Float32Array,
  b: Float32Array,
  gy: Float32Array,
  rows: number,
  cols: number,
) {
  const { spec, params } = resolveElementwise(name, {});
  const fromY = spec.dfFromY !== undefined;
  const z = new Float32Array(x.length);
  const y = new Float32Array(x.length);
  be.biasAdd(x, b, rows, cols, z);
  be.unaryForward(spec, params, z, y);
  const gz = new Float32Array(x.length);
  const gb = new Float32Array(cols);
  be.unaryBackward(spec, params, fromY ? y : z, gy, gz, fromY);
  be.biasGrad(gz, rows, cols, gb);
  return { z, y, gz, gb };
}

function fused(
  be: Backend,
  name: string,
  x: Float32Array,
  b: Float32Array,
  gy: Float32Array,
  rows: number,
  cols: number,
) {
  const { spec, params } = resolveElementwise(name, {});
  const fromY = spec.dfFromY !== undefined;
  const y = new Float32Array(x.length).fill(Number.NaN);
  const pre = fromY ? null : new Float32Array(x.length).fill(Number.NaN);
  be.biasActivationForward(spec, params, x, b, rows, cols, y, pre);
  const gz = new Float32Array(x.length).fill(Number.NaN);
  const gb = new Float32Array(cols).fill(Number.NaN);
  be.biasActivationBackward(spec, params, pre ?? y, gy, rows, cols, fromY, gz, gb);
  return { pre, y, gz, gb };
}

// relu, gelu and elu keep x + b for the backward, sigmoid, tanh and
// log_sigmoid work from y; every one of them has a wasm kernel.
const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'gelu', 'softsign', 'log_sigmoid', 'elu'];

describe('fused bias + activation', () => {
  for (const name of ACTIVATIONS) {
    for (const [rows, cols] of [
      [7, 6],
      [3001, 6],
      [50, 84],
    ] as const) {
      it(`is biasAdd then ${name}, bit for bit, on both backends (${rows}×${cols})`, () => {
        const rng = new Random(rows + cols + name.length);
        const x = randomF32(rows * cols, rng, 3);
        const b = randomF32(cols, rng);
        const gy = randomF32(rows * cols, rng);
        for (const be of [jsBackend, wasm()]) {
          const want = composed(be, name, x, b, gy, rows, cols);
          const got = fused(be, name, x, b, gy, rows, cols);
          expectSame(got.y, want.y);
          if (got.pre !== null) expectSame(got.pre, want.z);
          expectSame(got.gz, want.gz);
          expectSame(got.gb, want.gb);
        }
      });
    }
  }

  it('on the wasm backend stays within float32 rounding of the js reference', () => {
    const rng = new Random(77);
    const [rows, cols] = [301, 6];
    const x = randomF32(rows * cols, rng, 3);
    const b = randomF32(cols, rng);
    const gy = randomF32(rows * cols, rng);
    for (const name of ACTIVATIONS) {
      const want = fused(jsBackend, name, x, b, gy, rows, cols);
      const got = fused(wasm(), name, x, b, gy, rows, cols);
      for (let i = 0; i < want.y.length; i++) {
        expect(Math.abs(got.y[i]! - want.y[i]!)).toBeLessThanOrEqual(
          8 * EPS32 * Math.abs(want.y[i]!) + 1e-30,
        );
      }
      for (let c = 0; c < cols; c++) {
        // A sum of `rows` terms: the usual bound on the rounding of a float32 sum.
        let mag = 0;
        for (let r = 0; r < rows; r++) mag += Math.abs(want.gz[r * cols + c]!);
        expect(Math.abs(got.gb[c]! - want.gb[c]!)).toBeLessThanOrEqual(
          (rows + 8) * 8 * EPS32 * mag + 1e-30,
        );
      }
    }
  });

  it('leaves float64 arrays to the js reference', () => {
    const { spec, params } = resolveElementwise('tanh', {});
    const rng = new Random(5);
    const x = Float64Array.from(randomF32(24, rng));
    const b = Float64Array.from(randomF32(4, rng));
    const want = new Float64Array(24);
    const got = new Float64Array(24);
    jsBackend.biasActivationForward(spec, params, x, b, 6, 4, want, null);
    wasm().biasActivationForward(spec, params, x, b, 6, 4, got, null);
    expectSame(got, want);
  });
});

interface TapCase {
  readonly label: string;
  readonly x: [number, number, number, number];
  readonly w: [number, number, number, number];
  readonly strides?: number | [number, number];
  readonly dilation?: number | [number, number];
}

// 'same' convolutions where the taps inside the image are worth a GEMM of their own.
const TAP_CASES: readonly TapCase[] = [
  { label: 'LeNet conv3: 5×5 on 7×7, 16 -> 12 channels', x: [3, 7, 7, 16], w: [5, 5, 16, 12] },
  { label: 'LeNet conv2: 5×5 on 14×14, 6 -> 16 channels', x: [2, 14, 14, 6], w: [5, 5, 6, 16] },
  { label: '3×3 on 4×5, one channel', x: [2, 4, 5, 1], w: [3, 3, 1, 3] },
  { label: '4×4 stride 2 (uneven padding)', x: [2, 7, 8, 3], w: [4, 4, 3, 5], strides: 2 },
  {
    label: '3×3 with dilation 2 down the rows',
    x: [1, 6, 5, 2],
    w: [3, 3, 2, 4],
    dilation: [2, 1],
  },
];

describe('wasm conv2d over the taps inside the image', () => {
  for (const c of TAP_CASES) {
    const g: Conv2DGeometry = conv2dGeometry(c.x, c.w, {
      padding: 'same',
      ...(c.strides === undefined ? {} : { strides: c.strides }),
      ...(c.dilation === undefined ? {} : { dilation: c.dilation }),
    });

    it(`groups every output position once, with exactly its in-image taps (${c.label})`, () => {
      const classes = tapClasses(g);
      expect(classes).not.toBeNull();
      const seen = new Int32Array(g.outH * g.outW);
      for (const k of classes!) {
        for (const p of k.pos) {
          seen[p]! += 1;
          const oy = Math.floor(p / g.outW);
          const ox = p % g.outW;
          for (let ky = 0; ky < g.kh; ky++) {
            const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
            expect(iy >= 0 && iy < g.inH).toBe(ky >= k.ky0 && ky < k.ky1);
          }
          for (let kx = 0; kx < g.kw; kx++) {
            const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
            expect(ix >= 0 && ix < g.inW).toBe(kx >= k.kx0 && kx < k.kx1);
          }
        }
      }
      expect(Array.from(seen).every((n) => n === 1)).toBe(true);
    });

    const rng = new Random(c.x.reduce((s, v) => s * 5 + v, 1));
    const x = randomF32(
      c.x.reduce((s, v) => s * v, 1),
      rng,
    );
    const w = randomF32(
      c.w.reduce((s, v) => s * v, 1),
      rng,
    );
    const gy = randomF32(g.batch * g.outH * g.outW * g.outC, rng);
    const abs = (a: Float32Array): Float32Array => a.map(Math.abs);
    /** A few ε32 per term of each output's sum, its magnitude computed by the js kernel on |·|. */
    const tol = (terms: number, mag: Float32Array) =>
      Float64Array.from(mag, (v) => 2 * (terms + 2) * EPS32 * v + 1e-6);
    const close = (got: Float32Array, want: Float32Array, t: Float64Array) => {
      for (let i = 0; i < want.length; i++) {
        if (!(Math.abs(got[i]! - want[i]!) <= t[i]!)) {
          expect({ i, got: got[i] }).toEqual({ i, got: want[i] });
        }
      }
    };

    it(`forward and both backward passes match the js reference (${c.label})`, () => {
      const y = [new Float32Array(gy.length), new Float32Array(gy.length).fill(Number.NaN)];
      jsBackend.conv2dForward(g, x, w, y[0]!);
      wasm().conv2dForward(g, x, w, y[1]!);
      const my = new Float32Array(gy.length);
      jsBackend.conv2dForward(g, abs(x), abs(w), my);
      close(y[1]!, y[0]!, tol(g.kh * g.kw * g.inC, my));

      const gx = [new Float32Array(x.length), new Float32Array(x.length).fill(Number.NaN)];
      jsBackend.conv2dBackwardInput(g, gy, w, gx[0]!);
      wasm().conv2dBackwardInput(g, gy, w, gx[1]!);
      const mx = new Float32Array(x.length);
      jsBackend.conv2dBackwardInput(g, abs(gy), abs(w), mx);
      close(gx[1]!, gx[0]!, tol(g.kh * g.kw * g.outC, mx));

      const gw = [new Float32Array(w.length), new Float32Array(w.length).fill(Number.NaN)];
      jsBackend.conv2dBackwardFilter(g, x, gy, gw[0]!);
      wasm().conv2dBackwardFilter(g, x, gy, gw[1]!);
      const mw = new Float32Array(w.length);
      jsBackend.conv2dBackwardFilter(g, abs(x), abs(gy), mw);
      close(gw[1]!, gw[0]!, tol(g.batch * g.outH * g.outW, mw));
    });
  }

  it("keeps the padded column matrix where the classes would not pay ('valid', dilation across)", () => {
    expect(tapClasses(conv2dGeometry([1, 9, 9, 2], [3, 3, 2, 2], { padding: 'valid' }))).toBeNull();
    expect(
      tapClasses(conv2dGeometry([1, 9, 9, 2], [3, 3, 2, 2], { padding: 'same', dilation: 2 })),
    ).toBeNull();
  });
});

describe('fused convolution + bias + activation', () => {
  const cases: readonly [
    string,
    [number, number, number, number],
    [number, number, number, number],
    string,
  ][] = [
    ['LeNet conv1 with relu (first layer: no gradient to x)', [2, 28, 28, 1], [5, 5, 1, 6], 'relu'],
    ['LeNet conv3 with tanh', [2, 7, 7, 16], [5, 5, 16, 12], 'tanh'],
    [
      '5×5 on 7×7 over one channel with relu (tap classes, no gradient to x)',
      [2, 7, 7, 1],
      [5, 5, 1, 4],
      'relu',
    ],
    ['3×3 on 6×5 with sigmoid', [3, 6, 5, 3], [3, 3, 3, 4], 'sigmoid'],
  ];
  for (const [label, xs, ws, name] of cases) {
    it(`equals the separate calls bit for bit on both backends (${label})`, () => {
      const { spec, params } = resolveElementwise(name, {});
      const fromY = spec.dfFromY !== undefined;
      const g = conv2dGeometry(xs, ws, { padding: 'same' });
      const rng = new Random(xs[1] * 100 + ws[3]);
      const x = randomF32(
        xs.reduce((a, b) => a * b, 1),
        rng,
      );
      const w = randomF32(
        ws.reduce((a, b) => a * b, 1),
        rng,
      );
      const b = randomF32(g.outC, rng);
      const ySize = g.batch * g.outH * g.outW * g.outC;
      const gy = randomF32(ySize, rng);
      const withGx = xs[3] !== 1;
      for (const be of [jsBackend, wasm()]) {
        const z = new Float32Array(ySize);
        be.conv2dForward(g, x, w, z);
        const want = fused(be, name, z, b, gy, ySize / g.outC, g.outC);
        const wantGx = new Float32Array(x.length);
        const wantGw = new Float32Array(w.length);
        be.conv2dBackwardInput(g, want.gz, w, wantGx);
        be.conv2dBackwardFilter(g, x, want.gz, wantGw);

        const y = new Float32Array(ySize).fill(Number.NaN);
        const pre = fromY ? null : new Float32Array(ySize).fill(Number.NaN);
        be.conv2dBiasActivationForward(g, spec, params, x, w, b, y, pre);
        expectSame(y, want.y);
        if (pre !== null) expectSame(pre, want.pre!);
        const gx = withGx ? new Float32Array(x.length).fill(Number.NaN) : null;
        const gw = new Float32Array(w.length).fill(Number.NaN);
        const gb = new Float32Array(g.outC).fill(Number.NaN);
        be.conv2dBiasActivationBackward(g, spec, params, x, w, pre ?? y, gy, fromY, gx, gw, gb);
        expectSame(gb, want.gb);
        expectSame(gw, wantGw);
        if (gx !== null) expectSame(gx, wantGx);
      }
    });
  }
});

describe('fused product + bias + activation', () => {
  const cases: readonly [string, number, number, number, string, boolean][] = [
    ['an MLP layer with relu', 64, 784, 128, 'relu', false],
    ['odd sizes with tanh', 7, 13, 10, 'tanh', true],
    ['one row with gelu', 1, 5, 3, 'gelu', true],
  ];
  for (const [label, rows, inDim, units, name, withGx] of cases) {
    it(`equals the separate calls bit for bit on both backends (${label})`, () => {
      const { spec, params } = resolveElementwise(name, {});
      const fromY = spec.dfFromY !== undefined;
      const rng = new Random(rows * 7 + inDim + units);
      const x = randomF32(rows * inDim, rng);
      const w = randomF32(inDim * units, rng);
      const b = randomF32(units, rng);
      const gy = randomF32(rows * units, rng);
      for (const be of [jsBackend, wasm()]) {
        const z = new Float32Array(rows * units);
        be.gemm(false, false, rows, units, inDim, 1, x, 0, w, 0, 0, z, 0);
        const want = fused(be, name, z, b, gy, rows, units);
        const wantGx = new Float32Array(x.length);
        const wantGw = new Float32Array(w.length);
        be.gemm(false, true, rows, inDim, units, 1, want.gz, 0, w, 0, 0, wantGx, 0);
        be.gemm(true, false, inDim, units, rows, 1, x, 0, want.gz, 0, 0, wantGw, 0);

        const y = new Float32Array(rows * units).fill(Number.NaN);
        const pre = fromY ? null : new Float32Array(rows * units).fill(Number.NaN);
        be.denseBiasActivationForward(spec, params, x, w, b, rows, inDim, units, y, pre);
        expectSame(y, want.y);
        if (pre !== null) expectSame(pre, want.pre!);
        const gx = withGx ? new Float32Array(x.length).fill(Number.NaN) : null;
        const gw = new Float32Array(w.length).fill(Number.NaN);
        const gb = new Float32Array(units).fill(Number.NaN);
        be.denseBiasActivationBackward(
          spec,
          params,
          x,
          w,
          pre ?? y,
          gy,
          rows,
          inDim,
          units,
          fromY,
          gx,
          gw,
          gb,
        );
        expectSame(gb, want.gb);
        expectSame(gw, wantGw);
        if (gx !== null) expectSame(gx, wantGx);
      }
    });
  }
});
