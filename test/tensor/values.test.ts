import { describe, expect, it } from 'vitest';
import {
  avgPool2d,
  binaryCrossentropy,
  conv2d,
  huber,
  matmul,
  maxPool2d,
  meanSquaredError,
  Random,
  sparseCategoricalCrossentropy,
  Tensor,
  tensor,
} from '../../src/tensor/index.js';

function randomTensor(
  rng: Random,
  shape: readonly number[],
  dtype: 'float32' | 'float64' = 'float64',
): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.normal();
  return new Tensor(d, shape);
}

/** Direct definition of a 2-D cross-correlation with explicit zero padding (no im2col). */
function naiveConv(
  x: Tensor,
  w: Tensor,
  sh: number,
  sw: number,
  dh: number,
  dw: number,
  padTop: number,
  padLeft: number,
  outH: number,
  outW: number,
): number[] {
  const [n, h, wd, c] = x.shape as [number, number, number, number];
  const [kh, kw, , f] = w.shape as [number, number, number, number];
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let o = 0; o < f; o++) {
          let s = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const y = oy * sh + i * dh - padTop;
              const xx = ox * sw + j * dw - padLeft;
              if (y < 0 || y >= h || xx < 0 || xx >= wd) continue;
              for (let ci = 0; ci < c; ci++) {
                s +=
                  x.data[((b * h + y) * wd + xx) * c + ci]! *
                  w.data[((i * kw + j) * c + ci) * f + o]!;
              }
            }
          out.push(s);
        }
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

describe('conv2d values against a direct loop', () => {
  // [x shape, w shape, strides, dilation, padding, expected out H, W, pad top, pad left] —
  // the padding split is TensorFlow's: total = max((ceil(in/s) − 1)·s + (k − 1)·d + 1 − in, 0),
  // with the odd one at the bottom/right.
  const cases: readonly [
    readonly number[],
    readonly number[],
    readonly [number, number],
    readonly [number, number],
    'same' | 'valid',
    number,
    number,
    number,
    number,
  ][] = [
    [[2, 6, 5, 3], [3, 3, 3, 4], [1, 1], [1, 1], 'valid', 4, 3, 0, 0],
    [[2, 6, 5, 3], [3, 3, 3, 4], [1, 1], [1, 1], 'same', 6, 5, 1, 1],
    [[1, 6, 6, 2], [2, 2, 2, 3], [1, 1], [1, 1], 'same', 6, 6, 0, 0],
    [[1, 6, 6, 2], [3, 3, 2, 3], [2, 2], [1, 1], 'same', 3, 3, 0, 0],
    [[1, 7, 7, 2], [3, 3, 2, 3], [2, 2], [1, 1], 'same', 4, 4, 1, 1],
    [[1, 9, 8, 1], [3, 3, 1, 2], [1, 1], [2, 2], 'valid', 5, 4, 0, 0],
    [[1, 9, 8, 1], [3, 3, 1, 2], [1, 1], [2, 2], 'same', 9, 8, 2, 2],
    [[2, 10, 9, 2], [5, 4, 2, 5], [3, 2], [1, 1], 'valid', 2, 3, 0, 0],
    [[1, 28, 28, 1], [5, 5, 1, 6], [1, 1], [1, 1], 'same', 28, 28, 2, 2],
    [[3, 4, 4, 5], [1, 1, 5, 7], [1, 1], [1, 1], 'valid', 4, 4, 0, 0],
  ];
  cases.forEach(([xs, ws, strides, dilation, padding, oh, ow, pt, pl], k) => {
    it(`x ${JSON.stringify(xs)} kernel ${JSON.stringify(ws)} strides ${strides} dilation ${dilation} '${padding}' agrees`, () => {
      const rng = new Random(900 + k);
      const x = randomTensor(rng, xs);
      const w = randomTensor(rng, ws);
      const y = conv2d(x, w, { strides, dilation, padding });
      expect(y.shape).toEqual([xs[0], oh, ow, ws[3]]);
      expectClose(
        y.data,
        naiveConv(x, w, strides[0], strides[1], dilation[0], dilation[1], pt, pl, oh, ow),
        1e-12,
      );
    });
  });

  it('agrees in float32 within float32 rounding', () => {
    const rng = new Random(950);
    const x = randomTensor(rng, [4, 12, 12, 3], 'float32');
    const w = randomTensor(rng, [3, 3, 3, 8], 'float32');
    const y = conv2d(x, w, { padding: 'same' });
    expect(y.dtype).toBe('float32');
    expectClose(y.data, naiveConv(x, w, 1, 1, 1, 1, 1, 1, 12, 12), 1e-5);
  });
});

describe('matmul values against a direct loop', () => {
  function naive(
    a: Tensor,
    b: Tensor,
    batch: number,
    m: number,
    k: number,
    n: number,
    aStep: number,
    bStep: number,
  ): number[] {
    const out: number[] = [];
    for (let t = 0; t < batch; t++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++)
            s += a.data[t * aStep + i * k + p]! * b.data[t * bStep + p * n + j]!;
          out.push(s);
        }
    return out;
  }
  const cases: readonly [readonly number[], readonly number[]][] = [
    [
      [1, 1],
      [1, 1],
    ],
    [
      [7, 5],
      [5, 9],
    ],
    [
      [33, 17],
      [17, 6],
    ],
    [
      [4, 6, 3],
      [4, 3, 5],
    ],
    [
      [6, 3],
      [2, 3, 4],
    ],
    [
      [3, 5, 2],
      [2, 7],
    ],
    [
      [1, 4, 3],
      [3, 3, 2],
    ],
  ];
  cases.forEach(([as, bs], k) => {
    it(`${JSON.stringify(as)} x ${JSON.stringify(bs)} agrees`, () => {
      const rng = new Random(1000 + k);
      const a = randomTensor(rng, as);
      const b = randomTensor(rng, bs);
      const m = as[as.length - 2]!;
      const kk = as[as.length - 1]!;
      const n = bs[bs.length - 1]!;
      const batchA = as.length === 3 ? as[0]! : 1;
      const batchB = bs.length === 3 ? bs[0]! : 1;
      const batch = Math.max(batchA, batchB);
      const y = matmul(a, b);
      expect(y.shape).toEqual(as.length === 3 || bs.length === 3 ? [batch, m, n] : [m, n]);
      expectClose(
        y.data,
        naive(a, b, batch, m, kk, n, batchA === 1 ? 0 : m * kk, batchB === 1 ? 0 : kk * n),
        1e-12,
      );
    });
  });
});

describe('pooling values', () => {
  const x = tensor(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25],
    [1, 5, 5, 1],
    'float64',
  );

  it('max 2x2 valid takes the largest of each window', () => {
    expect(maxPool2d(x).toArray()).toEqual([7, 9, 17, 19]);
  });

  it("max 2x2 'same' pads the bottom/right edge and never picks the padding", () => {
    const neg = tensor(
      x.toArray().map((v) => -v),
      [1, 5, 5, 1],
      'float64',
    );
    expect(maxPool2d(neg, { padding: 'same' }).toArray()).toEqual([
      -1, -3, -5, -11, -13, -15, -21, -23, -25,
    ]);
  });

  it("avg 3x3 stride 2 'same' divides by the cells inside the image", () => {
    // windows start at rows/cols -1, 1, 3 (total padding 2, one before)
    const y = avgPool2d(x, { poolSize: 3, strides: 2, padding: 'same' });
    expect(y.toArray()).toEqual([4, 5.5, 7, 11.5, 13, 14.5, 19, 20.5, 22]);
  });
});

describe('loss values against their formulas', () => {
  it('sparse cross-entropy from logits is logsumexp minus the label logit, averaged', () => {
    const z = tensor([1, 2, 3, -1, 0, 4], [2, 3], 'float64');
    const expected =
      (Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) -
        3 +
        Math.log(Math.exp(-1) + 1 + Math.exp(4)) -
        0) /
      2;
    const loss = sparseCategoricalCrossentropy(z, Int32Array.from([2, 1]), { fromLogits: true });
    expect(loss.shape).toEqual([]);
    expect(loss.data[0]).toBeCloseTo(expected, 14);
  });

  it('sparse cross-entropy from logits stays finite for logits of ±1000', () => {
    const z = tensor([1000, -1000, 0], [1, 3], 'float64');
    expect(
      sparseCategoricalCrossentropy(z, Int32Array.from([0]), { fromLogits: true }).data[0],
    ).toBe(0);
    expect(
      sparseCategoricalCrossentropy(z, Int32Array.from([1]), { fromLogits: true }).data[0],
    ).toBe(2000);
  });

  it('sparse cross-entropy from probabilities clips a zero probability to 1e-7', () => {
    const p = tensor([0, 1], [1, 2], 'float64');
    const loss = sparseCategoricalCrossentropy(p, Int32Array.from([0])).data[0]!;
    expect(loss).toBeCloseTo(-Math.log(1e-7), 12);
  });

  it('binary cross-entropy from logits equals the probability form of σ(z) away from the clip', () => {
    const zs = [-3, -0.5, 0.2, 2.5];
    const ts = [0, 1, 1, 0];
    const z = tensor(zs, [2, 2], 'float64');
    const t = tensor(ts, [2, 2], 'float64');
    const p = tensor(
      zs.map((v) => 1 / (1 + Math.exp(-v))),
      [2, 2],
      'float64',
    );
    const fromLogits = binaryCrossentropy(z, t, { fromLogits: true }).data[0]!;
    const fromProbs = binaryCrossentropy(p, t).data[0]!;
    const direct =
      zs.reduce((s, v, i) => {
        const q = 1 / (1 + Math.exp(-v));
        return s - (ts[i]! * Math.log(q) + (1 - ts[i]!) * Math.log(1 - q));
      }, 0) / 4;
    expect(fromLogits).toBeCloseTo(direct, 13);
    expect(fromProbs).toBeCloseTo(direct, 13);
  });

  it('binary cross-entropy from logits of ±800 is finite', () => {
    const z = tensor([800, -800], [2], 'float64');
    const t = tensor([0, 1], [2], 'float64');
    expect(binaryCrossentropy(z, t, { fromLogits: true }).data[0]).toBe(800);
  });

  it('mean squared error and huber follow their definitions', () => {
    const p = tensor([0, 1, 3, -2], [4], 'float64');
    const t = tensor([0.5, 1, 0, 0], [4], 'float64');
    expect(meanSquaredError(p, t).data[0]).toBe((0.25 + 0 + 9 + 4) / 4);
    // errors -0.5, 0, 3, -2 with delta 1: 0.125, 0, 2.5, 1.5
    expect(huber(p, t).data[0]).toBe((0.125 + 0 + 2.5 + 1.5) / 4);
  });
});
