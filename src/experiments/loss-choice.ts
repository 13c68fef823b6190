/**
 * loss-choice: a sigmoid output trained with mean squared error vs with
 * binary cross-entropy. With a = σ(z) and target y, MSE's gradient at the
 * logit is 2(a − y)·σ'(z), which vanishes when the unit is confidently wrong
 * (z far on the wrong side, σ'(z) ~ 0); cross-entropy's is a − y, which is
 * largest exactly there. First the two gradients over z for y = 1 (through
 * autograd, float64), then a logistic unit started confidently wrong (bias
 * −6: every point predicted class 0) trained by plain SGD with each loss.
 */
import { loadDataset } from '../data/index.js';
import { Dense, Input, Sequential, SGD } from '../nn/index.js';
import { activation, binaryCrossentropy, meanSquaredError, Tensor } from '../tensor/index.js';
import { type ChartRow, lineChart } from './charts.js';
import { fmt, labelColumn, pct, samplesOf, Ticker } from './study-helpers.js';
import type { Experiment, ExperimentChart, ExperimentOptions, ExperimentResult } from './types.js';

export const LOSSES = ['mse', 'cross_entropy'] as const;
export type LossKey = (typeof LOSSES)[number];

const KERAS_LOSS: Readonly<Record<LossKey, string>> = {
  mse: 'mean_squared_error',
  cross_entropy: 'binary_crossentropy',
};

/** dL/dz at a sigmoid output with logit z and target y, through the tensor ops' autograd. */
export function outputGradient(loss: LossKey, z: number, y: number): number {
  const zt = new Tensor(Float64Array.of(z), [1, 1], true);
  const a = activation(zt, 'sigmoid');
  const t = new Tensor(Float64Array.of(y), [1, 1]);
  const l = loss === 'mse' ? meanSquaredError(a, t) : binaryCrossentropy(a, t);
  l.backward();
  return zt.grad!.data[0]!;
}

export interface LossChoiceSizes {
  readonly samples: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Training accuracy that counts as converged. */
  readonly target: number;
}

export const LOSS_CHOICE_SIZES: Readonly<Record<'quick' | 'full', LossChoiceSizes>> = {
  quick: { samples: 400, epochs: 30, batchSize: 32, learningRate: 0.5, target: 0.95 },
  full: { samples: 2000, epochs: 100, batchSize: 32, learningRate: 0.5, target: 0.95 },
};

/** The starting bias: σ(−6) ≈ 0.0025, so every point starts confidently in class 0. */
export const WRONG_BIAS = -6;

export interface Convergence {
  /** Training loss per epoch (each in its own units). */
  readonly losses: number[];
  /** Training accuracy per epoch. */
  readonly accuracy: number[];
  /** First epoch (1-based) whose training accuracy reached the target, or null. */
  readonly epochs_to_target: number | null;
}

export async function trainLogistic(
  loss: LossKey,
  sizes: LossChoiceSizes,
  seed: number,
): Promise<Convergence> {
  const ds = loadDataset('gauss', { samples: sizes.samples, seed, scale: 'standardize' });
  const { x, y } = samplesOf(ds.train);
  const model = new Sequential(
    [
      Input({ shape: [2] }),
      new Dense({
        units: 1,
        activation: 'sigmoid',
        biasInitializer: { name: 'constant', value: WRONG_BIAS },
      }),
    ],
    { seed, dtype: 'float64' },
  ).buildIfKnown();
  model.compile({
    optimizer: new SGD({ learningRate: sizes.learningRate }),
    loss: KERAS_LOSS[loss],
    metrics: ['binary_accuracy'],
  });
  const h = await model.fit(x, labelColumn(y), {
    batchSize: sizes.batchSize,
    epochs: sizes.epochs,
    seed,
    verbose: 0,
  });
  const accuracy = [...(h.history['binary_accuracy'] ?? [])];
  const reached = accuracy.findIndex((a) => a >= sizes.target);
  return {
    losses: [...(h.history['loss'] ?? [])],
    accuracy,
    epochs_to_target: reached < 0 ? null : reached + 1,
  };
}

/** Logits from −10 to 10 in steps of 0.25. */
export function logitGrid(): number[] {
  return Array.from({ length: 81 }, (_, i) => -10 + i * 0.25);
}

function gradientChart(
  z: readonly number[],
  grads: Readonly<Record<LossKey, number[]>>,
): ExperimentChart {
  const rows: ChartRow[] = [];
  for (const loss of LOSSES) {
    grads[loss].forEach((g, i) => {
      rows.push({
        loss: loss === 'mse' ? 'MSE' : 'cross-entropy',
        z: z[i]!,
        grad: Math.abs(g) > 0 ? Math.abs(g) : null,
      });
    });
  }
  return {
    id: 'loss-choice-gradient',
    title: 'Gradient at the logit of a sigmoid output, target 1',
    spec: lineChart(rows, {
      title: '|∂L/∂z| of a sigmoid output for target y = 1',
      x: { field: 'z', title: 'logit z (negative = confidently wrong)' },
      y: { field: 'grad', title: '|∂L/∂z| (log scale)', log: true },
      series: 'loss',
    }),
  };
}

function convergenceChart(runs: Readonly<Record<LossKey, Convergence>>): ExperimentChart {
  const rows: ChartRow[] = [];
  for (const loss of LOSSES) {
    runs[loss].accuracy.forEach((a, i) => {
      rows.push({ loss: loss === 'mse' ? 'MSE' : 'cross-entropy', epoch: i + 1, accuracy: a });
    });
  }
  return {
    id: 'loss-choice-convergence',
    title: 'Training accuracy of a logistic unit started confidently wrong',
    spec: lineChart(rows, {
      title: 'Training accuracy, sigmoid unit started at bias −6',
      x: { field: 'epoch', title: 'epoch' },
      y: { field: 'accuracy', title: 'training accuracy', domain: [0, 1] },
      series: 'loss',
    }),
  };
}

export const lossChoice: Experiment = {
  name: 'loss-choice',
  title: 'Sigmoid output: MSE vs cross-entropy',
  summary:
    'The output-layer gradient of a confidently wrong sigmoid unit under MSE and cross-entropy, and how fast each loss recovers from a bad start.',
  async run(options: ExperimentOptions): Promise<ExperimentResult> {
    const sizes = LOSS_CHOICE_SIZES[options.tier];
    const ticker = new Ticker(options, 3);
    const z = logitGrid();
    const grads = {
      mse: z.map((v) => outputGradient('mse', v, 1)),
      cross_entropy: z.map((v) => outputGradient('cross_entropy', v, 1)),
    };
    ticker.tick('gradients');
    const runs = {} as Record<LossKey, Convergence>;
    for (const loss of LOSSES) {
      runs[loss] = await trainLogistic(loss, sizes, options.seed);
      ticker.tick(loss);
    }
    const wrongZ = -6;
    const mseGrad = outputGradient('mse', wrongZ, 1);
    const ceGrad = outputGradient('cross_entropy', wrongZ, 1);
    const reach = (c: Convergence) =>
      c.epochs_to_target === null
        ? `did not reach ${pct(sizes.target)} in ${sizes.epochs} epochs (last ${pct(c.accuracy[c.accuracy.length - 1] ?? Number.NaN)})`
        : `reached ${pct(sizes.target)} training accuracy after ${c.epochs_to_target} epochs`;
    return {
      name: 'loss-choice',
      title: 'Sigmoid output: MSE vs cross-entropy',
      json: {
        confidently_wrong: { z: wrongZ, target: 1, mse_grad: mseGrad, cross_entropy_grad: ceGrad },
        gradient_curve: { z, mse: grads.mse, cross_entropy: grads.cross_entropy },
        mse: runs.mse,
        cross_entropy: runs.cross_entropy,
        settings: {
          data: 'gauss',
          samples: sizes.samples,
          initial_bias: WRONG_BIAS,
          optimizer: `sgd lr=${sizes.learningRate}`,
          target_accuracy: sizes.target,
        },
      },
      charts: [gradientChart(z, grads), convergenceChart(runs)],
      reading: [
        `At a logit of ${wrongZ} with target 1 (the unit says 0.25 % where the answer is 1), the gradient at the logit is ` +
          `${fmt(mseGrad)} with MSE and ${fmt(ceGrad)} with cross-entropy: ${fmt(ceGrad / mseGrad)} times larger. ` +
          "MSE multiplies the error by σ'(z), which is nearly 0 exactly where the unit is most wrong.",
        `A logistic unit on the gauss data, started with bias ${WRONG_BIAS} and trained by SGD at ${sizes.learningRate}: ` +
          `with MSE it ${reach(runs.mse)}; with cross-entropy it ${reach(runs.cross_entropy)}.`,
      ],
    };
  },
};
