/**
 * fit gathers every batch into one reused buffer unless a trace may keep a
 * batch: the rows are those takeRows gathers into a fresh array, and training
 * gives the same weights either way.
 */
import { describe, expect, it } from 'vitest';
import type { Callback } from '../../src/nn/callbacks.js';
import { takeRows } from '../../src/nn/model.js';
import { SGD } from '../../src/nn/optimizers.js';
import { mlp } from '../../src/nn/zoo.js';
import { Random, Tensor } from '../../src/tensor/index.js';

describe('takeRows into a buffer', () => {
  const x = new Tensor(
    Float32Array.from({ length: 6 * 3 }, (_, i) => i),
    [6, 3],
  );
  const idx = Int32Array.from([4, 0, 5, 2, 1, 3]);

  it('gathers the same rows and views the buffer', () => {
    const scratch = new Float32Array(9).fill(Number.NaN);
    const got = takeRows(x, idx, 1, 3, scratch);
    expect(Array.from(got.data)).toEqual(Array.from(takeRows(x, idx, 1, 3).data));
    expect(got.shape).toEqual([2, 3]);
    expect(got.data.buffer).toBe(scratch.buffer);
  });

  it('allocates when the buffer is too small or of another dtype', () => {
    const small = takeRows(x, idx, 0, 3, new Float32Array(8));
    const f64 = takeRows(x, idx, 0, 3, new Float64Array(9));
    expect(small.data.length).toBe(9);
    expect(f64.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f64.data)).toEqual(Array.from(small.data));
  });
});

describe('fit with a reused batch buffer', () => {
  it('trains to the same weights as with a trace, which gathers each batch afresh', async () => {
    const rng = new Random(3);
    const x = new Tensor(
      Float32Array.from({ length: 50 * 4 }, () => rng.uniform(-1, 1)),
      [50, 4],
    );
    const y = Int32Array.from({ length: 50 }, (_, i) => i % 3);
    const run = async (callbacks: Callback[]) => {
      const m = mlp({ inputShape: [4], hidden: [5], outputs: 3, seed: 1 });
      m.compile({
        optimizer: new SGD({ learningRate: 0.1 }),
        loss: 'sparse_categorical_crossentropy',
      });
      // 50 samples in batches of 16: a short last batch reuses the front of the buffer.
      await m.fit(x, y, { batchSize: 16, epochs: 2, verbose: 0, seed: 7, callbacks });
      return m.getWeights().map((w) => Array.from(w.data));
    };
    const traced = await run([{ needsTrace: true }]);
    expect(await run([])).toEqual(traced);
  });
});
