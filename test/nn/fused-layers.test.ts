/**
 * Dense and Conv2D fuse their bias and activation into one op unless a trace
 * asks for the pre-activation: both ways give the same outputs and gradients.
 */
import { describe, expect, it } from 'vitest';
import { Conv2D, Dense, Input, type Layer, Sequential } from '../../src/nn/index.js';
import { TraceRecorder } from '../../src/nn/trace.js';
import { Random, Tensor } from '../../src/tensor/index.js';

const cases: readonly [string, () => Layer, number[]][] = [
  ['Dense with relu', () => new Dense({ units: 5, activation: 'relu' }), [4, 7]],
  [
    'Dense with gelu on a rank-3 input',
    () => new Dense({ units: 3, activation: 'gelu' }),
    [2, 3, 4],
  ],
  [
    'Conv2D with sigmoid',
    () => new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', activation: 'sigmoid' }),
    [2, 5, 5, 2],
  ],
];

describe('layers with a bias and an activation', () => {
  for (const [label, make, shape] of cases) {
    it(`${label} gives the same output and gradients fused and traced`, () => {
      const model = new Sequential([Input({ shape: shape.slice(1) }), make()], {
        seed: 4,
      }).buildIfKnown();
      const rng = new Random(9);
      const n = shape.reduce((a, b) => a * b, 1);
      const x = new Tensor(
        Float32Array.from({ length: n }, () => rng.uniform(-2, 2)),
        shape,
        true,
      );
      const run = (trace: TraceRecorder | null): number[][] => {
        x.zeroGrad();
        for (const w of model.trainableWeights) w.tensor.zeroGrad();
        const y = model.forward([x], { training: true, rng: new Random(1), trace })[0]!;
        y.backward(new Float32Array(y.size).fill(0.5));
        return [y, x.grad!, ...model.trainableWeights.map((w) => w.tensor.grad!)].map((t) =>
          Array.from(t.data),
        );
      };
      const traced = new TraceRecorder();
      const withTrace = run(traced);
      // The traced run kept the pre-activation, so it did not fuse.
      expect(traced.entries.some((e) => e.preActivation !== null)).toBe(true);
      expect(run(null)).toEqual(withTrace);
    });
  }
});
