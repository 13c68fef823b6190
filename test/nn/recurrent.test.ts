import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Dense,
  GRU,
  Input,
  LSTM,
  layerFromJson,
  loadModel,
  type Model,
  type Recurrent,
  Sequential,
  SimpleRNN,
} from '../../src/nn/index.js';
import { Random } from '../../src/tensor/random.js';
import { type DType, Tensor } from '../../src/tensor/tensor.js';
import { gradCheck } from './gradcheck.js';

const inference = { training: false, rng: new Random(0), trace: null };

function chain(shape: number[], layer: Recurrent, dtype: DType = 'float64', seed = 3): Model {
  return new Sequential([Input({ shape }), layer], { dtype, seed }).buildIfKnown();
}

function randomInput(shape: number[], seed: number, dtype: DType = 'float64'): Tensor {
  const rng = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.normal();
  return new Tensor(data, shape);
}

const makers: [string, (o: { truncate?: number; returnSequences?: boolean }) => Recurrent][] = [
  ['SimpleRNN', (o) => new SimpleRNN({ units: 3, ...o })],
  ['SimpleRNN with relu', (o) => new SimpleRNN({ units: 3, activation: 'relu', ...o })],
  ['LSTM', (o) => new LSTM({ units: 3, ...o })],
  ['GRU', (o) => new GRU({ units: 3, ...o })],
  ['GRU without resetAfter', (o) => new GRU({ units: 3, resetAfter: false, ...o })],
  [
    'LSTM with gelu and hardsigmoid',
    (o) => new LSTM({ units: 3, activation: 'gelu', recurrentActivation: 'hardsigmoid', ...o }),
  ],
];

describe('backpropagation through time agrees with finite differences (float64)', () => {
  for (const [name, make] of makers) {
    for (const steps of [1, 3, 7]) {
      for (const returnSequences of [false, true]) {
        const what = returnSequences ? 'every state' : 'the last state';
        it(`${name} over ${steps} step(s), differentiating ${what}`, () => {
          const model = chain([steps, 2], make({ returnSequences }));
          const { checked, failures } = gradCheck(model, [[2, steps, 2]], { probes: 12 });
          expect(failures).toEqual([]);
          expect(checked).toBeGreaterThan(20);
        });
      }
    }
  }
});

/** dL/dx for L = Σ output (the last state), x of shape [batch, steps, features]. */
function inputGradient(layer: Recurrent, x: Tensor): Float64Array {
  const model = chain(x.shape.slice(1), layer);
  const xg = new Tensor(x.data, x.shape, true);
  const y = model.forward([xg], inference)[0]!;
  y.backward(new Float64Array(y.size).fill(1));
  return Float64Array.from(xg.grad!.data);
}

/** Largest |dL/dx[b, t, f]| over b and f, for each step t. */
function perStep(g: Float64Array, shape: readonly number[]): number[] {
  const [batch, steps, features] = shape as [number, number, number];
  const out = new Array<number>(steps).fill(0);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < steps; t++)
      for (let f = 0; f < features; f++)
        out[t] = Math.max(out[t]!, Math.abs(g[(b * steps + t) * features + f]!));
  return out;
}

describe('truncated backpropagation through time', () => {
  const x = randomInput([2, 7, 2], 5);
  for (const [name, make] of makers) {
    it(`${name} with truncate 3 sends no gradient to inputs more than 3 steps back`, () => {
      const norms = perStep(inputGradient(make({ truncate: 3 }), x), x.shape);
      expect(norms.slice(0, 4)).toEqual([0, 0, 0, 0]);
      for (const v of norms.slice(4)) expect(v).toBeGreaterThan(0);
    });

    it(`${name} without truncation sends a gradient to every input`, () => {
      const norms = perStep(inputGradient(make({}), x), x.shape);
      for (const v of norms) expect(v).toBeGreaterThan(0);
    });

    it(`${name} computes the same values and the same gradient in the window with truncate`, () => {
      const full = chain([7, 2], make({}), 'float64', 9);
      const cut = chain([7, 2], make({ truncate: 3 }), 'float64', 9);
      const a = full.forward([x], inference)[0]!;
      const b = cut.forward([x], inference)[0]!;
      expect(Array.from(b.data)).toEqual(Array.from(a.data));
      // Inside the window every path from x_t to the output is intact: the same gradient.
      const gFull = inputGradient(make({}), x);
      const gCut = inputGradient(make({ truncate: 3 }), x);
      for (let b = 0; b < 2; b++) {
        for (let i = (b * 7 + 4) * 2; i < (b * 7 + 7) * 2; i++)
          expect(gCut[i]).toBeCloseTo(gFull[i]!, 13);
      }
    });
  }

  it('a loss on every state still reaches at most truncate steps back from each output', () => {
    const layer = new SimpleRNN({ units: 3, truncate: 2, returnSequences: true });
    const model = chain([7, 2], layer);
    // Only the state at step 4 (0-based) enters the loss.
    const xg = new Tensor(x.data, x.shape, true);
    const y = model.forward([xg], inference)[0]!;
    const seed = new Float64Array(y.size);
    for (let b = 0; b < 2; b++) for (let u = 0; u < 3; u++) seed[(b * 7 + 4) * 3 + u] = 1;
    y.backward(seed);
    const norms = perStep(Float64Array.from(xg.grad!.data), x.shape);
    // Cuts fall before steps 1, 3 and 5 (counted back from the end): step 4 reaches 3 and 4.
    expect(norms.map((v) => v > 0)).toEqual([false, false, false, true, true, false, false]);
  });
});

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Row-vector times matrix: v (length n) · M (n × m, row-major). */
function vecMat(v: readonly number[], m: readonly number[], cols: number): number[] {
  const out = new Array<number>(cols).fill(0);
  for (let i = 0; i < v.length; i++)
    for (let j = 0; j < cols; j++) out[j] += v[i]! * m[i * cols + j]!;
  return out;
}

/** Block k of width n of a row vector. */
const block = (v: readonly number[], k: number, n: number): number[] => v.slice(k * n, (k + 1) * n);

function setWeights(layer: Recurrent, values: Record<string, number[]>): void {
  for (const w of layer.weights) {
    const v = values[w.name];
    if (v === undefined) throw new Error(`no value for ${w.name}`);
    w.assign(new Tensor(Float64Array.from(v), w.shape));
  }
}

describe('LSTM and GRU outputs against the published equations, by hand', () => {
  // One sample, two steps, two features.
  const xs = [
    [0.5, -1],
    [0.25, 2],
  ];
  const input = new Tensor(Float64Array.from(xs.flat()), [1, 2, 2]);

  for (const units of [1, 2]) {
    it(`LSTM with ${units} unit(s): i, f, o = σ(.), c = f·c + i·tanh(.), h = o·tanh(c)`, () => {
      const n = units;
      // Distinct hand-picked values, gate blocks in the order i, f, c, o.
      const kernel = Array.from({ length: 2 * 4 * n }, (_, k) => 0.1 * (((k * 7) % 11) - 5));
      const recurrent = Array.from({ length: n * 4 * n }, (_, k) => 0.15 * (((k * 5) % 9) - 4));
      const bias = Array.from({ length: 4 * n }, (_, k) => 0.05 * (k - 3));
      const layer = new LSTM({ units: n, returnSequences: true });
      chain([2, 2], layer);
      setWeights(layer, { kernel, recurrent_kernel: recurrent, bias });
      let h = new Array<number>(n).fill(0);
      let c = new Array<number>(n).fill(0);
      const expected: number[] = [];
      for (const x of xs) {
        const zx = vecMat(x, kernel, 4 * n);
        const zh = vecMat(h, recurrent, 4 * n);
        const z = zx.map((v, j) => v + zh[j]! + bias[j]!);
        const i = block(z, 0, n).map(sigmoid);
        const f = block(z, 1, n).map(sigmoid);
        const g = block(z, 2, n).map(Math.tanh);
        const o = block(z, 3, n).map(sigmoid);
        c = c.map((cv, j) => f[j]! * cv + i[j]! * g[j]!);
        h = c.map((cv, j) => o[j]! * Math.tanh(cv));
        expected.push(...h);
      }
      const y = layer.runSequence(input).output;
      expect(y.shape).toEqual([1, 2, n]);
      Array.from(y.data).forEach((v, k) => {
        expect(v).toBeCloseTo(expected[k]!, 14);
      });
    });

    for (const resetAfter of [true, false]) {
      it(`GRU with ${units} unit(s) and resetAfter ${resetAfter}: h = z·h + (1 − z)·h̃`, () => {
        const n = units;
        // Gate blocks in the order z, r, h.
        const kernel = Array.from({ length: 2 * 3 * n }, (_, k) => 0.1 * (((k * 7) % 11) - 5));
        const recurrent = Array.from({ length: n * 3 * n }, (_, k) => 0.2 * (((k * 5) % 9) - 4));
        const bIn = Array.from({ length: 3 * n }, (_, k) => 0.05 * (k - 2));
        const bRec = Array.from({ length: 3 * n }, (_, k) => -0.07 * (k - 1));
        const layer = new GRU({ units: n, resetAfter, returnSequences: true });
        chain([2, 2], layer);
        setWeights(layer, {
          kernel,
          recurrent_kernel: recurrent,
          bias: resetAfter ? [...bIn, ...bRec] : bIn,
        });
        let h = new Array<number>(n).fill(0);
        const expected: number[] = [];
        for (const x of xs) {
          const zx = vecMat(x, kernel, 3 * n).map((v, j) => v + bIn[j]!);
          const zh = vecMat(h, recurrent, 3 * n).map((v, j) => v + (resetAfter ? bRec[j]! : 0));
          const z = block(zx, 0, n).map((v, j) => sigmoid(v + block(zh, 0, n)[j]!));
          const r = block(zx, 1, n).map((v, j) => sigmoid(v + block(zh, 1, n)[j]!));
          let candidate: number[];
          if (resetAfter) {
            // Cho et al.'s candidate with the reset applied after the product (Keras's default).
            candidate = block(zx, 2, n).map((v, j) => Math.tanh(v + r[j]! * block(zh, 2, n)[j]!));
          } else {
            const rh = h.map((hv, j) => r[j]! * hv);
            const uh: number[] = [];
            for (let i = 0; i < n; i++)
              for (let j = 0; j < n; j++) uh.push(recurrent[i * 3 * n + 2 * n + j]!);
            const prod = vecMat(rh, uh, n);
            candidate = block(zx, 2, n).map((v, j) => Math.tanh(v + prod[j]!));
          }
          h = h.map((hv, j) => z[j]! * hv + (1 - z[j]!) * candidate[j]!);
          expected.push(...h);
        }
        const y = layer.runSequence(input).output;
        Array.from(y.data).forEach((v, k) => {
          expect(v).toBeCloseTo(expected[k]!, 14);
        });
      });
    }
  }
});

describe('Keras defaults, parameter counts and configs', () => {
  it('counts parameters as Keras does', () => {
    const count = (layer: Recurrent): number => {
      chain([5, 10], layer);
      return layer.countParams();
    };
    expect(count(new SimpleRNN({ units: 32 }))).toBe(10 * 32 + 32 * 32 + 32);
    expect(count(new LSTM({ units: 32 }))).toBe(4 * (10 * 32 + 32 * 32 + 32));
    expect(count(new GRU({ units: 32 }))).toBe(3 * (10 * 32 + 32 * 32 + 2 * 32));
    expect(count(new GRU({ units: 32, resetAfter: false }))).toBe(3 * (10 * 32 + 32 * 32 + 32));
    expect(count(new LSTM({ units: 32, useBias: false }))).toBe(4 * (10 * 32 + 32 * 32));
  });

  it('starts the LSTM forget-gate bias at 1 and the other biases at 0', () => {
    const layer = new LSTM({ units: 3 });
    chain([4, 2], layer);
    expect(Array.from(layer.bias!.tensor.data)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const plain = new LSTM({ units: 3, unitForgetBias: false });
    chain([4, 2], plain);
    expect(Array.from(plain.bias!.tensor.data)).toEqual(new Array(12).fill(0));
  });

  it('draws an orthogonal recurrent kernel: U·Uᵀ is the identity', () => {
    const layer = new SimpleRNN({ units: 4 });
    chain([3, 2], layer);
    const u = layer.recurrentKernel!.tensor.data;
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let dot = 0;
        for (let k = 0; k < 4; k++) dot += u[i * 4 + k]! * u[j * 4 + k]!;
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('uses tanh and sigmoid unless told otherwise', () => {
    const layer = new LSTM({ units: 2 });
    expect(layer.activation?.id).toBe('tanh');
    expect(layer.recurrentActivation?.id).toBe('sigmoid');
    expect(layer.getConfig()['kernelInitializer']).toEqual({ name: 'glorot_uniform' });
    expect(layer.getConfig()['recurrentInitializer']).toEqual({ name: 'orthogonal', gain: 1 });
  });

  it('rebuilds each layer from its config', () => {
    for (const layer of [
      new SimpleRNN({
        units: 3,
        activation: 'leaky_relu',
        activationParams: { negative_slope: 0.2 },
      }),
      new LSTM({
        units: 2,
        recurrentActivation: 'hardsigmoid',
        truncate: 5,
        returnSequences: true,
      }),
      new GRU({ units: 4, resetAfter: false, useBias: false }),
    ]) {
      const again = layerFromJson({ className: layer.className, config: layer.getConfig() });
      expect(again.getConfig()).toEqual(layer.getConfig());
    }
  });

  it('saves and loads a recurrent model with the same outputs', async () => {
    const model = new Sequential(
      [
        Input({ shape: [6, 3] }),
        new LSTM({ units: 4, returnSequences: true }),
        new GRU({ units: 3 }),
        new Dense({ units: 2 }),
      ],
      { seed: 4 },
    );
    model.buildIfKnown();
    const x = randomInput([2, 6, 3], 8, 'float32');
    const dir = mkdtempSync(join(tmpdir(), 'actlab-rnn-'));
    await model.save(dir);
    const back = await loadModel(dir);
    expect(back.layers.map((l) => l.className)).toEqual(['LSTM', 'GRU', 'Dense']);
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(model.predict(x).data));
  });

  it('prints the Keras summary rows with output shapes', () => {
    const model = new Sequential([
      Input({ shape: [10, 2] }),
      new LSTM({ units: 8, returnSequences: true, name: 'lstm_a' }),
      new SimpleRNN({ units: 4, name: 'rnn_b' }),
    ]);
    const text = model.summary();
    expect(text).toMatch(/lstm_a \(LSTM\)\s+\(None, 10, 8\)\s+352/);
    expect(text).toMatch(/rnn_b \(SimpleRNN\)\s+\(None, 4\)\s+52/);
  });
});

describe('recurrent layers on bad input and in float32', () => {
  it('refuses an input without a time axis and an activation that resizes the state', () => {
    expect(() => chain([4], new SimpleRNN({ units: 2 }))).toThrow(/\[batch, time, features\]/);
    expect(() => new LSTM({ units: 2, activation: 'glu' })).toThrow(/changes the size/);
    expect(() => new GRU({ units: 2, truncate: 0 })).toThrow(/truncate/);
  });

  it('returns the final states through callWithState and refuses returnState inside a model', () => {
    const layer = new LSTM({ units: 2, returnState: true });
    expect(() => chain([3, 2], layer)).toThrow(/callWithState/);
    const free = new LSTM({ units: 2, returnSequences: true });
    chain([3, 2], free);
    const [seq, h, c] = free.callWithState(randomInput([1, 3, 2], 2));
    expect(seq!.shape).toEqual([1, 3, 2]);
    expect(Array.from(h!.data)).toEqual(Array.from(seq!.data.slice(4, 6)));
    expect(c!.shape).toEqual([1, 2]);
  });

  it('computes in float32 what float64 computes, to float32 precision', () => {
    for (const make of [
      () => new LSTM({ units: 3 }),
      () => new GRU({ units: 3 }),
      () => new SimpleRNN({ units: 3 }),
    ]) {
      const a = chain([5, 2], make(), 'float64', 11);
      const b = chain([5, 2], make(), 'float32', 11);
      const x = randomInput([2, 5, 2], 3);
      const ya = a.forward([x], inference)[0]!;
      const yb = b.forward([x], inference)[0]!;
      expect(yb.dtype).toBe('float32');
      ya.data.forEach((v, i) => {
        expect(Math.abs(yb.data[i]! - v)).toBeLessThan(1e-5);
      });
    }
  });
});
