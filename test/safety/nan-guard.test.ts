import { describe, expect, it } from 'vitest';
import {
  Adam,
  BatchNormalization,
  Dense,
  type FitOptions,
  Input,
  type Model,
  NonFiniteError,
  type NonFiniteReport,
  Sequential,
  SGD,
  sliceRows,
} from '../../src/nn/index.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { cli, expectUsageError } from '../cli/harness.js';

const BATCH = 8;
const N = 64;

/** 64 samples in 4-D and labels; the samples of batch `bad` (0-based) get `inject` as every feature. */
function data(bad: number | null, inject: number): { x: Tensor; y: Int32Array } {
  const r = new Random(3);
  const x = new Float32Array(N * 4);
  const y = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < 4; j++) x[i * 4 + j] = r.normal();
    y[i] = x[i * 4]! > 0 ? 1 : 0;
  }
  if (bad !== null) x.fill(inject, bad * BATCH * 4, (bad + 1) * BATCH * 4);
  return { x: new Tensor(x, [N, 4]), y };
}

/** A 'ones' kernel makes a 1e38 input overflow d1's output for certain. */
function model(lr = 0.01): Model {
  const m = new Sequential(
    [
      Input({ shape: [4], name: 'x' }),
      new Dense({ name: 'd1', units: 3, activation: 'relu', kernelInitializer: 'ones' }),
      new BatchNormalization({ name: 'bn' }),
      new Dense({ name: 'd2', units: 2, activation: 'softmax' }),
    ],
    { seed: 5 },
  );
  m.compile({
    optimizer: new SGD({ learningRate: lr, momentum: 0.9 }),
    loss: 'sparse_categorical_crossentropy',
  });
  return m;
}

const opts: FitOptions = { batchSize: BATCH, shuffle: false, verbose: 0 };
const values = (m: Model) => m.getWeights().map((t) => Array.from(t.data));

/** The error fit() throws under 'stop' (the test fails if it throws nothing). */
async function stopped(m: Model, x: Tensor, y: Int32Array): Promise<NonFiniteError> {
  try {
    await m.fit(x, y, { ...opts, epochs: 1, onNonFinite: 'stop' });
  } catch (e) {
    if (e instanceof NonFiniteError) return e;
    throw e;
  }
  throw new Error('training was not stopped');
}

describe('the NaN guard stops at step k with the weights of step k - 1', () => {
  const k = 5; // 0-based batch 4 holds the bad values

  it('when the input holds NaN, naming the epoch, the batch and the input', async () => {
    const { x, y } = data(k - 1, Number.NaN);
    const m = model();
    const e = await stopped(m, x, y);
    expect(e.report).toMatchObject({ epoch: 0, batch: k - 1 });
    expect(e.message).toBe('NaN or infinite values at epoch 1, batch 5: the input batch holds NaN');
    // The law: k - 1 clean steps are what training on the first k - 1 batches alone does.
    const ref = model();
    await ref.fit(sliceRows(x, 0, (k - 1) * BATCH), y.slice(0, (k - 1) * BATCH), {
      ...opts,
      epochs: 1,
    });
    expect(values(m)).toEqual(values(ref));
  });

  it('when a layer output overflows, naming that layer (batch-norm statistics restored too)', async () => {
    const { x, y } = data(k - 1, 1e38);
    const m = model();
    const e = await stopped(m, x, y);
    expect(e.message).toBe(
      "NaN or infinite values at epoch 1, batch 5: the output of layer 'd1' (Dense) holds Infinity",
    );
    const ref = model();
    await ref.fit(sliceRows(x, 0, (k - 1) * BATCH), y.slice(0, (k - 1) * BATCH), {
      ...opts,
      epochs: 1,
    });
    expect(values(m)).toEqual(values(ref));
  });

  it('when an update would overflow a weight, undoing that update', async () => {
    const { x, y } = data(null, 0);
    const m = model(1e300);
    const after: number[][][] = [values(m)];
    const record = { onBatchEnd: () => void after.push(values(m)) };
    const failure = m.fit(x, y, { ...opts, epochs: 1, onNonFinite: 'stop', callbacks: [record] });
    const e = (await failure.catch((err: unknown) => err)) as NonFiniteError;
    expect(e).toBeInstanceOf(NonFiniteError);
    expect(e.report.where).toMatch(
      /^the update made weight '\w+\/\w+' of layer '\w+' \(\w+\) -?Infinity/,
    );
    // after[b] holds the weights once b steps were applied; the failed step is step report.batch + 1.
    expect(after).toHaveLength(e.report.batch + 1);
    expect(values(m)).toEqual(after[e.report.batch]);
  });
});

describe("the NaN guard's skip policy", () => {
  it('leaves out the bad step, as if its batch were not in the data', async () => {
    const bad = 3;
    const { x, y } = data(bad, Number.NaN);
    const skipped: NonFiniteReport[] = [];
    const m = model();
    await m.fit(x, y, {
      ...opts,
      epochs: 2,
      onNonFinite: 'skip',
      onSkippedStep: (r) => skipped.push(r),
    });
    expect(skipped.map((r) => [r.epoch, r.batch])).toEqual([
      [0, bad],
      [1, bad],
    ]);
    const keep = [...Array(N).keys()].filter((i) => Math.floor(i / BATCH) !== bad);
    const xs = new Float32Array(keep.flatMap((i) => Array.from(x.data.subarray(i * 4, i * 4 + 4))));
    const ref = model();
    await ref.fit(
      new Tensor(xs, [keep.length, 4]),
      Int32Array.from(keep, (i) => y[i]!),
      {
        ...opts,
        epochs: 2,
      },
    );
    expect(values(m)).toEqual(values(ref));
  });
});

describe('gradient clipping with a non-finite global norm', () => {
  for (const [what, clip] of [
    ['clipnorm', { clipnorm: 1 }],
    ['globalClipnorm', { globalClipnorm: 1 }],
  ] as const) {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      it(`leaves the weights untouched (${what}, a ${bad} gradient)`, () => {
        const w = new Tensor(Float32Array.from([1, -2, 3]), [3], true);
        const v = new Tensor(Float32Array.from([0.5]), [1], true);
        w.grad = new Tensor(Float32Array.from([0.1, bad, 0.2]), [3]);
        v.grad = new Tensor(Float32Array.from([0.3]), [1]);
        const report = new Adam({ learningRate: 0.1, ...clip }).step([w, v]);
        expect(report.skipped).toBe(true);
        expect(Array.from(w.data)).toEqual([1, -2, 3]);
        expect(Array.from(v.data)).toEqual([0.5]);
      });
    }
  }
});

describe('actlab train --on-nan', () => {
  const diverging = [
    'train',
    '--optimizer',
    'sgd',
    '--lr',
    '1e300',
    '--epochs',
    '2',
    '--samples',
    '100',
  ];

  it('stops by default with exit code 3 and one error line naming epoch, batch and layer', async () => {
    const r = await cli(diverging);
    expect(r.code).toBe(3);
    const last = r.stderr.trimEnd().split('\n').pop()!;
    expect(last).toMatch(
      /^error: training stopped: NaN or infinite values at epoch 1, batch 1: the update made weight 'dense(_\d+)?\/kernel' of layer 'dense(_\d+)?' \(Dense\) -?Infinity/,
    );
  });

  it('carries on with ignore, as before the guard', async () => {
    const r = await cli([...diverging, '--on-nan', 'ignore']);
    expect(r.code).toBe(0);
  });

  it('skips and warns with skip', async () => {
    const r = await cli([...diverging, '--on-nan', 'skip']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: step skipped: NaN or infinite values at epoch 1, batch 1: /m,
    );
  });

  it('refuses an unknown policy in one line, exit code 2', async () => {
    expect(expectUsageError(await cli([...diverging, '--on-nan', 'maybe']))).toMatch(
      /--on-nan must be one of stop, skip, ignore/,
    );
  });
});
