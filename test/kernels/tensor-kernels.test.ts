/**
 * The wasm backend's GEMM, convolution, pooling and optimizer kernels against
 * the js reference. Float32 sums in a different order differ by rounding, so
 * each comparison allows the bound of a float32 dot product: a few ε32 times
 * the sum of the magnitudes of the terms (Higham, "Accuracy and Stability of
 * Numerical Algorithms", §3.1), computed here independently in float64.
 */
import { describe, expect, it } from 'vitest';
import type { Backend, Conv2DGeometry, Pool2DGeometry } from '../../src/kernels/backend.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { wasmBackend } from '../../src/kernels/wasm/index.js';
import { conv2dGeometry } from '../../src/tensor/ops/conv.js';
import { Random } from '../../src/tensor/random.js';

const EPS32 = 2 ** -23;

function wasm(): Backend {
  if (wasmBackend === undefined) throw new Error('the wasm backend did not load');
  return wasmBackend;
}

function randomF32(n: number, rng: Random): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** |got − want| ≤ tol[i] everywhere, reported at the first element that fails. */
function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: ArrayLike<number>,
): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= tol[i]!)) {
      expect({ i, got: got[i], want: want[i], tol: tol[i] }).toEqual({
        i,
        got: want[i],
        want: want[i],
        tol: tol[i],
      });
    }
  }
}

interface GemmCase {
  readonly transA: boolean;
  readonly transB: boolean;
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

/** Σ_p |op(A)[i, p]| · |op(B)[p, j]| in float64: the scale of each element's rounding error. */
function magnitudes(
  c: GemmCase,
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
): Float64Array {
  const { transA, transB, m, n, k } = c;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const x = a[ao + (transA ? p * m + i : i * k + p)]!;
        const y = b[bo + (transB ? j * k + p : p * n + j)]!;
        s += Math.abs(x * y);
      }
      out[i * n + j] = s;
    }
  }
  return out;
}

const SIZES: readonly [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 16],
  [17, 9, 33],
  [64, 10, 300],
  [129, 65, 257],
  [5, 131, 2],
];

describe('wasm sgemm', () => {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (const [m, n, k] of SIZES) {
        const c: GemmCase = { transA, transB, m, n, k };
        it(`matches the js reference for ${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'} at m=${m} n=${n} k=${k}`, () => {
          const rng = new Random(m * 1000 + n * 10 + k);
          // Offsets into larger arrays, as the batched matmul and convolution pass them.
          const a = randomF32(m * k + 3, rng);
          const b = randomF32(k * n + 5, rng);
          const c0 = randomF32(m * n + 2, rng);
          const alpha = 0.75;
          const beta = 0.5;
          const want = c0.slice();
          const got = c0.slice();
          jsBackend.gemm(transA, transB, m, n, k, alpha, a, 3, b, 5, beta, want, 2);
          wasm().gemm(transA, transB, m, n, k, alpha, a, 3, b, 5, beta, got, 2);
          const mag = magnitudes(c, a, 3, b, 5);
          const tol = new Float64Array(m * n + 2);
          for (let i = 0; i < m * n; i++) tol[i + 2] = 2 * (k + 2) * EPS32 * (alpha * mag[i]! + 1);
          expectClose(got, want, tol);
        });
      }
    }
  }

  it('overwrites C when beta is 0, even where C held NaN', () => {
    const rng = new Random(1);
    const a = randomF32(6 * 4, rng);
    const b = randomF32(4 * 9, rng);
    const got = new Float32Array(6 * 9).fill(Number.NaN);
    const want = new Float32Array(6 * 9);
    jsBackend.gemm(false, false, 6, 9, 4, 1, a, 0, b, 0, 0, want, 0);
    wasm().gemm(false, false, 6, 9, 4, 1, a, 0, b, 0, 0, got, 0);
    expect(got.every((v) => Number.isFinite(v))).toBe(true);
    expectClose(got, want, new Float64Array(54).fill(1e-5));
  });

  it('gives the same product for the transposed layouts of the same matrices', () => {
    const rng = new Random(2);
    const [m, n, k] = [13, 11, 37];
    const a = randomF32(m * k, rng);
    const b = randomF32(k * n, rng);
    const aT = new Float32Array(k * m);
    const bT = new Float32Array(n * k);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) aT[p * m + i] = a[i * k + p]!;
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bT[j * k + p] = b[p * n + j]!;
    const plain = new Float32Array(m * n);
    const both = new Float32Array(m * n);
    wasm().gemm(false, false, m, n, k, 1, a, 0, b, 0, 0, plain, 0);
    wasm().gemm(true, true, m, n, k, 1, aT, 0, bT, 0, 0, both, 0);
    // The same sums in the same order: bit for bit.
    expect(Array.from(both)).toEqual(Array.from(plain));
  });

  it('leaves float64 arrays to the js reference, bit for bit', () => {
    const rng = new Random(3);
    const a = Float64Array.from(randomF32(7 * 5, rng));
    const b = Float64Array.from(randomF32(5 * 3, rng));
    const want = new Float64Array(21);
    const got = new Float64Array(21);
    jsBackend.gemm(false, true, 7, 3, 5, 1, a, 0, b, 0, 0, want, 0);
    wasm().gemm(false, true, 7, 3, 5, 1, a, 0, b, 0, 0, got, 0);
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});

interface ConvCase {
  readonly label: string;
  readonly x: [number, number, number, number];
  readonly w: [number, number, number, number];
  readonly strides?: number;
  readonly padding: 'same' | 'valid';
  readonly dilation?: number;
}

const CONVS: readonly ConvCase[] = [
  { label: 'LeNet-like 5×5 same', x: [3, 12, 12, 2], w: [5, 5, 2, 6], padding: 'same' },
  {
    label: 'odd sizes, stride 2, valid',
    x: [2, 9, 7, 3],
    w: [3, 2, 3, 5],
    strides: 2,
    padding: 'valid',
  },
  { label: 'dilation 2, same', x: [1, 8, 9, 4], w: [3, 3, 4, 3], dilation: 2, padding: 'same' },
  { label: 'pointwise 1×1', x: [2, 5, 6, 7], w: [1, 1, 7, 9], padding: 'valid' },
  {
    label: 'stride 3 same with one channel',
    x: [2, 10, 11, 1],
    w: [4, 4, 1, 8],
    strides: 3,
    padding: 'same',
  },
];

/** A tolerance per output from the magnitude of each output's terms (computed by the js kernel on |x|, |w|). */
function convTolerance(terms: number, mag: Float32Array): Float64Array {
  return Float64Array.from(mag, (v) => 2 * (terms + 2) * EPS32 * v + 1e-6);
}

describe('wasm conv2d', () => {
  for (const c of CONVS) {
    const g: Conv2DGeometry = conv2dGeometry(c.x, c.w, {
      padding: c.padding,
      ...(c.strides === undefined ? {} : { strides: c.strides }),
      ...(c.dilation === undefined ? {} : { dilation: c.dilation }),
    });
    const rng = new Random(c.x.reduce((s, v) => s * 7 + v, 0));
    const x = randomF32(
      c.x.reduce((s, v) => s * v, 1),
      rng,
    );
    const w = randomF32(
      c.w.reduce((s, v) => s * v, 1),
      rng,
    );
    const ySize = g.batch * g.outH * g.outW * g.outC;
    const gy = randomF32(ySize, rng);
    const abs = (a: Float32Array): Float32Array => a.map(Math.abs);

    it(`forward matches the js reference (${c.label})`, () => {
      const want = new Float32Array(ySize);
      const got = new Float32Array(ySize).fill(Number.NaN);
      jsBackend.conv2dForward(g, x, w, want);
      wasm().conv2dForward(g, x, w, got);
      const mag = new Float32Array(ySize);
      jsBackend.conv2dForward(g, abs(x), abs(w), mag);
      expectClose(got, want, convTolerance(g.kh * g.kw * g.inC, mag));
    });

    it(`backward to the input matches the js reference (${c.label})`, () => {
      const want = new Float32Array(x.length);
      const got = new Float32Array(x.length).fill(Number.NaN);
      jsBackend.conv2dBackwardInput(g, gy, w, want);
      wasm().conv2dBackwardInput(g, gy, w, got);
      const mag = new Float32Array(x.length);
      jsBackend.conv2dBackwardInput(g, abs(gy), abs(w), mag);
      expectClose(got, want, convTolerance(g.kh * g.kw * g.outC, mag));
    });

    it(`backward to the filter matches the js reference (${c.label})`, () => {
      const want = new Float32Array(w.length);
      const got = new Float32Array(w.length).fill(Number.NaN);
      jsBackend.conv2dBackwardFilter(g, x, gy, want);
      wasm().conv2dBackwardFilter(g, x, gy, got);
      const mag = new Float32Array(w.length);
      jsBackend.conv2dBackwardFilter(g, abs(x), abs(gy), mag);
      expectClose(got, want, convTolerance(g.batch * g.outH * g.outW, mag));
    });
  }

  it('splits a large batch into chunks without changing the result', () => {
    // 40 images of 32×32×8 with a 5×5 kernel: 40·1024·200 column floats, beyond one chunk.
    const g = conv2dGeometry([40, 32, 32, 8], [5, 5, 8, 4], { padding: 'same' });
    const rng = new Random(9);
    const x = randomF32(40 * 32 * 32 * 8, rng);
    const w = randomF32(5 * 5 * 8 * 4, rng);
    const gy = randomF32(40 * 32 * 32 * 4, rng);
    const want = new Float32Array(w.length);
    const got = new Float32Array(w.length);
    jsBackend.conv2dBackwardFilter(g, x, gy, want);
    wasm().conv2dBackwardFilter(g, x, gy, got);
    const mag = new Float32Array(w.length);
    jsBackend.conv2dBackwardFilter(g, x.map(Math.abs), gy.map(Math.abs), mag);
    expectClose(got, want, convTolerance(40 * 32 * 32, mag));
  });
});

function poolGeometry(
  batch: number,
  inH: number,
  inW: number,
  channels: number,
  pool: number,
  stride: number,
  pad: number,
): Pool2DGeometry {
  const out = (n: number) => Math.floor((n + 2 * pad - pool) / stride) + 1;
  return {
    batch,
    inH,
    inW,
    channels,
    outH: out(inH),
    outW: out(inW),
    poolH: pool,
    poolW: pool,
    strideH: stride,
    strideW: stride,
    padTop: pad,
    padLeft: pad,
  };
}

const POOLS: readonly [string, Pool2DGeometry][] = [
  ['2×2 stride 2 over 6 channels', poolGeometry(2, 8, 8, 6, 2, 2, 0)],
  ['3×3 stride 2 with padding over 5 channels', poolGeometry(3, 7, 9, 5, 3, 2, 1)],
  ['3×3 stride 1 over 1 channel', poolGeometry(1, 6, 5, 1, 3, 1, 0)],
  ['2×2 stride 3 with windows over padding alone, 9 channels', poolGeometry(2, 5, 5, 9, 2, 3, 1)],
];

describe('wasm pooling', () => {
  for (const [label, g] of POOLS) {
    const inSize = g.batch * g.inH * g.inW * g.channels;
    const outSize = g.batch * g.outH * g.outW * g.channels;
    const rng = new Random(inSize);
    const x = randomF32(inSize, rng);
    // Ties and a NaN: the first maximum is kept and NaN propagates, as in the reference.
    x[3] = x[3 + g.channels]!;
    x[7] = Number.NaN;
    const gy = randomF32(outSize, rng);

    it(`max pooling forward and backward agree exactly with the js reference (${label})`, () => {
      const want = new Float32Array(outSize);
      const wantArg = new Int32Array(outSize);
      const got = new Float32Array(outSize);
      const gotArg = new Int32Array(outSize);
      jsBackend.maxPool2dForward(g, x, want, wantArg);
      wasm().maxPool2dForward(g, x, got, gotArg);
      expect(Array.from(got)).toEqual(Array.from(want));
      expect(Array.from(gotArg)).toEqual(Array.from(wantArg));
      const gxWant = new Float32Array(inSize);
      const gxGot = new Float32Array(inSize).fill(Number.NaN);
      jsBackend.maxPool2dBackward(gy, wantArg, gxWant);
      wasm().maxPool2dBackward(gy, gotArg, gxGot);
      expectClose(gxGot, gxWant, new Float64Array(inSize).fill(4 * EPS32 * 9));
    });

    it(`average pooling forward and backward match the js reference (${label})`, () => {
      const finite = x.map((v) => (Number.isNaN(v) ? 0.5 : v));
      const want = new Float32Array(outSize);
      const got = new Float32Array(outSize);
      jsBackend.avgPool2dForward(g, finite, want);
      wasm().avgPool2dForward(g, finite, got);
      expectClose(got, want, new Float64Array(outSize).fill(16 * EPS32));
      const gxWant = new Float32Array(inSize);
      const gxGot = new Float32Array(inSize).fill(Number.NaN);
      jsBackend.avgPool2dBackward(g, gy, gxWant);
      wasm().avgPool2dBackward(g, gy, gxGot);
      expectClose(gxGot, gxWant, new Float64Array(inSize).fill(16 * EPS32));
    });
  }
});

describe('wasm optimizer kernels', () => {
  // Lengths around the vector width: the padding lanes must never leak out.
  for (const n of [1, 7, 64, 1001]) {
    const rng = new Random(n);
    const w0 = randomF32(n, rng);
    const g = randomF32(n, rng);
    const gBefore = g.slice();
    const m0 = randomF32(n, rng).map((v) => v * 0.1);
    const v0 = randomF32(n, rng).map((v) => v * v * 0.01);
    /** Runs one update on copies of the state with each backend and compares every array. */
    function compare(
      update: (b: Backend, s: Float32Array[]) => void,
      state: Float32Array[],
      rel = 1e-5,
    ): void {
      const want = state.map((a) => a.slice());
      const got = state.map((a) => a.slice());
      update(jsBackend, want);
      update(wasm(), got);
      want.forEach((a, i) => {
        expectClose(
          got[i]!,
          a,
          Float64Array.from(a, (v) => rel * Math.abs(v) + 1e-7),
        );
      });
      // The gradient is read, never written.
      expect(Array.from(g)).toEqual(Array.from(gBefore));
    }

    it(`Adam matches the js reference (n=${n})`, () => {
      compare(
        (b, [w, m, v]) => b.optimizer.adam(w!, g, m!, v!, 1e-3, 0.9, 0.999, 1e-7),
        [w0, m0, v0],
      );
    });
    it(`SGD, with momentum and with Nesterov, matches the js reference (n=${n})`, () => {
      compare((b, [w]) => b.optimizer.sgd(w!, g, null, 0.1, 0, false), [w0]);
      compare((b, [w, m]) => b.optimizer.sgd(w!, g, m!, 0.1, 0.9, false), [w0, m0]);
      compare((b, [w, m]) => b.optimizer.sgd(w!, g, m!, 0.1, 0.9, true), [w0, m0]);
    });
    it(`RMSprop, plain, centered and with momentum, matches the js reference (n=${n})`, () => {
      compare(
        (b, [w, v]) => b.optimizer.rmsprop(w!, g, v!, null, null, 1e-3, 0.9, 0, 1e-7),
        [w0, v0],
      );
      compare(
        (b, [w, v, a, m]) => b.optimizer.rmsprop(w!, g, v!, a!, m!, 1e-3, 0.9, 0.5, 1e-7),
        // A centered average small enough that v − avg² stays positive.
        [w0, v0.map((x) => x + 0.01), m0.map((x) => x * 0.1), m0],
      );
    });
    it(`Adagrad, decay, scale and clip match the js reference (n=${n})`, () => {
      compare((b, [w, acc]) => b.optimizer.adagrad(w!, g, acc!, 0.01, 1e-7), [w0, v0]);
      compare((b, [w]) => b.optimizer.decay(w!, 0.004), [w0]);
      compare((b, [w]) => b.optimizer.scaleInPlace(w!, 0.3), [w0]);
      compare((b, [w]) => b.optimizer.clipInPlace(w!, 0.25), [w0]);
    });
    it(`sums squares like the js reference (n=${n})`, () => {
      const want = jsBackend.optimizer.sumSquares(g);
      expect(Math.abs(wasm().optimizer.sumSquares(g) - want)).toBeLessThanOrEqual(1e-12 * want);
    });
  }

  it('clips NaN to NaN and ±∞ to ±v, as the js reference', () => {
    const g = Float32Array.from([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      0.1,
      -3,
    ]);
    const want = g.slice();
    jsBackend.optimizer.clipInPlace(want, 1);
    wasm().optimizer.clipInPlace(g, 1);
    expect(Array.from(g)).toEqual(Array.from(want));
  });
});
