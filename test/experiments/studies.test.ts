import { describe, expect, it } from 'vitest';
import { BIAS_SHIFT_ACTIVATIONS, runBiasShift } from '../../src/experiments/bias-shift.js';
import { DEAD_RELU_SETTINGS, runDeadRelu } from '../../src/experiments/dead-relu.js';
import {
  EXPLODING_REMEDIES,
  EXPLODING_SIZES,
  runExploding,
} from '../../src/experiments/exploding.js';
import { LINEAR_COLLAPSE_SIZES, runLinearCollapse } from '../../src/experiments/linear-collapse.js';
import { outputGradient, trainLogistic } from '../../src/experiments/loss-choice.js';
import {
  layerMoments,
  runSelfNormalizing,
  SELF_NORMALIZING_KEYS,
} from '../../src/experiments/self-normalizing.js';
import { runVanishing } from '../../src/experiments/vanishing.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('linear-collapse', () => {
  it('reproduces a linear MLP by one affine map to 1e-9 and lets relu beat it on the spiral by 0.15', async () => {
    const r = await runLinearCollapse(LINEAR_COLLAPSE_SIZES.quick, 0);
    expect(r.linear.max_abs_diff_to_affine).toBeLessThan(1e-9);
    expect(r.relu.spiral_acc).toBeGreaterThanOrEqual(r.linear.spiral_acc + 0.15);
  });
});

describe('vanishing', () => {
  it('gives one gradient norm per hidden layer and the first/last ratio of them', async () => {
    const r = await runVanishing(
      {
        activations: ['sigmoid', 'relu'],
        depths: [3, 10],
        width: 8,
        samples: 100,
        epochs: 1,
        batchSize: 32,
        learningRate: 0.01,
      },
      'plain',
      0,
    );
    expect(Object.keys(r.results)).toEqual(['sigmoid', 'relu']);
    for (const byDepth of Object.values(r.results)) {
      expect(Object.keys(byDepth)).toEqual(['3', '10']);
      for (const [d, x] of Object.entries(byDepth)) {
        expect(x.grad_norms).toHaveLength(Number(d));
        expect(x.first_last_ratio).toBe(x.grad_norms[0]! / x.grad_norms[Number(d) - 1]!);
      }
    }
    // σ' <= 1/4 per layer: nine sigmoid layers shrink the gradient far more than relu's slope of 1.
    expect(r.results['sigmoid']!['10']!.first_last_ratio).toBeLessThan(1e-2);
    expect(r.results['sigmoid']!['10']!.first_last_ratio).toBeLessThan(
      r.results['relu']!['10']!.first_last_ratio / 100,
    );
  });

  it('lifts the deep sigmoid ratio above 1e-2 with batch norm and with residual connections', async () => {
    for (const variant of ['batchnorm', 'residual'] as const) {
      const r = await runVanishing(
        {
          activations: ['sigmoid'],
          depths: [10],
          width: 8,
          samples: 100,
          epochs: 1,
          batchSize: 32,
          learningRate: 0.01,
        },
        variant,
        0,
      );
      expect(r.results['sigmoid']!['10']!.first_last_ratio).toBeGreaterThan(1e-2);
    }
  });
});

describe('loss-choice', () => {
  it("gives MSE's gradient 2(σ−y)σ(1−σ) and cross-entropy's σ−y at a sigmoid output", () => {
    for (const z of [-8, -6, -1, 0, 2.5]) {
      const s = sigmoid(z);
      expect(outputGradient('mse', z, 1)).toBeCloseTo(2 * (s - 1) * s * (1 - s), 12);
      expect(outputGradient('cross_entropy', z, 1)).toBeCloseTo(s - 1, 6);
    }
  });

  it('recovers from a confidently wrong start with cross-entropy sooner than with MSE', async () => {
    const sizes = { samples: 200, epochs: 10, batchSize: 32, learningRate: 0.5, target: 0.9 };
    const ce = await trainLogistic('cross_entropy', sizes, 0);
    const mse = await trainLogistic('mse', sizes, 0);
    expect(ce.epochs_to_target).not.toBeNull();
    expect(mse.epochs_to_target ?? Number.POSITIVE_INFINITY).toBeGreaterThan(ce.epochs_to_target!);
  });
});

describe('exploding', () => {
  it('explodes to NaN without a remedy and stays finite with clipnorm and with fewer layers', async () => {
    const r = await runExploding({ ...EXPLODING_SIZES.quick, epochs: 4 }, 0);
    expect(Object.keys(r)).toEqual([...EXPLODING_REMEDIES]);
    expect(Number.isFinite(r.none.losses[0]!)).toBe(true);
    expect(r.none.nan).toBe(true);
    expect(r.none.flagged_exploding).toBe(true);
    for (const remedy of ['clipnorm', 'fewer_layers'] as const) {
      expect(r[remedy].nan).toBe(false);
      expect(r[remedy].losses.every(Number.isFinite)).toBe(true);
    }
  });
});

describe('dead-relu', () => {
  it('makes relu dead exactly where negative, and leaky_relu never dead', async () => {
    const r = await runDeadRelu({ trainSamples: 64, hidden: [8], epochs: 2, batchSize: 32 }, 0, [
      'relu',
      'leaky_relu',
    ]);
    expect(Object.keys(r)).toEqual([...DEAD_RELU_SETTINGS]);
    for (const setting of DEAD_RELU_SETTINGS) {
      const relu = r[setting]['relu']!;
      const leaky = r[setting]['leaky_relu']!;
      expect(relu.dead_fraction).toHaveLength(2);
      // relu'(z) = 0 exactly when z <= 0 (relu'(0) = 0), so a unit is dead iff it is negative.
      expect(relu.dead_fraction).toEqual(relu.negative_fraction);
      expect(leaky.dead_fraction).toEqual([0, 0]);
    }
    // A bias of -3 leaves some units negative on every sample from the start.
    expect(r.negative_bias['leaky_relu']!.negative_fraction[0]!).toBeGreaterThan(0);
  });
});

describe('bias-shift', () => {
  it('gives every one-sample update behind a sigmoid layer incoming gradients of one sign, and tanh fewer', async () => {
    const r = await runBiasShift(
      { samples: 60, hidden: [6, 6], epochs: 2, batchSize: 1, learningRate: 0.05, targetLoss: 0.1 },
      0,
    );
    expect(Object.keys(r)).toEqual([...BIAS_SHIFT_ACTIVATIONS]);
    expect(r['sigmoid']!.same_sign_fraction).toBe(1);
    expect(r['tanh']!.same_sign_fraction).toBeLessThan(0.5);
    expect(r['sigmoid']!.hidden_mean).toBeGreaterThan(0);
  });
});

describe('self-normalizing', () => {
  it('keeps SELU with lecun_normal near mean 0 and variance 1 at layer 32 while relu collapses', async () => {
    const sizes = { layers: 32, width: 32, samples: 256, dropoutRate: 0.1 };
    const r = await runSelfNormalizing(sizes, 0);
    expect(Object.keys(r)).toEqual([...SELF_NORMALIZING_KEYS]);
    for (const m of Object.values(r)) {
      expect(m.means).toHaveLength(32);
      expect(m.variances).toHaveLength(32);
    }
    expect(Math.abs(r.selu.means[31]!)).toBeLessThan(0.15);
    expect(Math.abs(r.selu.variances[31]! - 1)).toBeLessThan(0.3);
    expect(Math.abs(r.selu_alpha_dropout.variances[31]! - 1)).toBeLessThan(0.3);
    // relu halves the second moment per layer under lecun_normal: about 2^-32 after 32 layers.
    expect(r.relu.variances[31]!).toBeLessThan(1e-6);
  });

  it('measures a first relu layer on unit normal inputs at the rectified normal: mean 1/√(2π)', () => {
    const m = layerMoments('relu', { layers: 1, width: 256, samples: 512, dropoutRate: 0.1 }, 0);
    // Wx with lecun_normal weights is close to N(0, 1) per unit; relu of N(0, 1) has mean 0.3989.
    expect(m.means[0]!).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 1);
  });
});
