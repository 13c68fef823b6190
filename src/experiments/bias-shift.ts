/**
 * bias-shift: hidden sigmoid vs tanh. A sigmoid's outputs are all positive,
 * so for one sample the gradient of a next-layer unit's incoming weights,
 * h_i·δ, has the sign of δ for every i: the weights can only all grow or all
 * shrink together, and reaching a mixed-sign target takes a zig-zag (LeCun
 * et al., Efficient BackProp). tanh is zero-centred, so the signs mix. For
 * every update and every unit fed by a hidden layer, this counts whether all
 * its incoming weight gradients share one sign; with one sample per batch the
 * sigmoid fraction is exactly 1. Then the steps each needs to a target loss.
 */
import { loadDataset } from '../data/index.js';
import { outputStats } from '../diagnostics/index.js';
import {
  type Callback,
  type CallbackInfo,
  type Model,
  mlp,
  SGD,
  type Weight,
} from '../nn/index.js';
import { noGrad, type Tensor } from '../tensor/index.js';
import { barChart, type ChartRow, lineChart } from './charts.js';
import { fmt, pct, samplesOf, Ticker } from './study-helpers.js';
import type { Experiment, ExperimentChart, ExperimentOptions, ExperimentResult } from './types.js';

export const BIAS_SHIFT_ACTIVATIONS = ['sigmoid', 'tanh'] as const;

export interface BiasShiftSizes {
  readonly samples: number;
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly targetLoss: number;
}

export const BIAS_SHIFT_SIZES: Readonly<Record<'quick' | 'full', BiasShiftSizes>> = {
  quick: {
    samples: 400,
    hidden: [16, 16],
    epochs: 15,
    batchSize: 1,
    learningRate: 0.05,
    targetLoss: 0.1,
  },
  full: {
    samples: 1000,
    hidden: [32, 32],
    epochs: 40,
    batchSize: 1,
    learningRate: 0.05,
    targetLoss: 0.05,
  },
};

/**
 * Counts, for each update, the units of the given kernels whose column of
 * gradients is all >= 0 or all <= 0 (an all-zero column does not count).
 */
export class SignAgreement implements Callback {
  agreeing = 0;
  total = 0;
  constructor(private readonly kernels: () => readonly Weight[]) {}

  onBatchEnd(_batch: number, _logs: unknown, _info: CallbackInfo): void {
    for (const w of this.kernels()) {
      const g = w.tensor.grad;
      if (g === null) continue;
      const [rows, cols] = [w.shape[0]!, w.shape[1]!];
      for (let j = 0; j < cols; j++) {
        let pos = false;
        let neg = false;
        for (let i = 0; i < rows; i++) {
          const v = g.data[i * cols + j]!;
          if (v > 0) pos = true;
          else if (v < 0) neg = true;
        }
        if (!pos && !neg) continue;
        this.total++;
        if (!(pos && neg)) this.agreeing++;
      }
    }
  }

  get fraction(): number {
    return this.total > 0 ? this.agreeing / this.total : Number.NaN;
  }
}

export interface BiasShiftRun {
  /** Fraction of (update, unit) pairs whose incoming weight gradients all share one sign. */
  readonly same_sign_fraction: number;
  /** Updates until the epoch's mean training loss first fell to the target, or null. */
  readonly steps_to_target: number | null;
  readonly losses: number[];
  /** Mean of the first hidden layer's outputs on the training set after training. */
  readonly hidden_mean: number;
}

export async function runBiasShift(
  sizes: BiasShiftSizes,
  seed: number,
  onStep: (label: string) => void = () => {},
): Promise<Record<string, BiasShiftRun>> {
  const ds = loadDataset('circle', { samples: sizes.samples, seed, scale: 'standardize' });
  const { x, y } = samplesOf(ds.train);
  const stepsPerEpoch = Math.ceil(x.shape[0]! / sizes.batchSize);
  const results: Record<string, BiasShiftRun> = {};
  for (const activation of BIAS_SHIFT_ACTIVATIONS) {
    const model = mlp({
      inputShape: [2],
      hidden: sizes.hidden,
      outputs: 2,
      activation,
      seed,
      dtype: 'float64',
    });
    model.compile({
      optimizer: new SGD({ learningRate: sizes.learningRate }),
      loss: 'sparse_categorical_crossentropy',
      metrics: ['acc'],
    });
    // Every kernel after the first takes a hidden layer's outputs as its inputs.
    const kernels = model.trainableWeights.filter((w) => w.name === 'kernel').slice(1);
    const signs = new SignAgreement(() => kernels);
    const h = await model.fit(x, y, {
      batchSize: sizes.batchSize,
      epochs: sizes.epochs,
      seed,
      verbose: 0,
      callbacks: [signs],
    });
    const losses = [...(h.history['loss'] ?? [])];
    const reached = losses.findIndex((l) => l <= sizes.targetLoss);
    results[activation] = {
      same_sign_fraction: signs.fraction,
      steps_to_target: reached < 0 ? null : (reached + 1) * stepsPerEpoch,
      losses,
      hidden_mean: firstHiddenMean(model, x),
    };
    onStep(activation);
  }
  return results;
}

/** Mean output of the first hidden layer over x (inference mode): the shift the next layer sees. */
function firstHiddenMean(model: Model, x: Tensor): number {
  const first = model.layers[0]!;
  return noGrad(() => {
    const h = first.run([x], { training: false, rng: model.rng, trace: null });
    return outputStats(h.data).mean;
  });
}

const LABEL: Readonly<Record<string, string>> = { sigmoid: 'sigmoid', tanh: 'tanh' };

function lossChart(results: Readonly<Record<string, BiasShiftRun>>): ExperimentChart {
  const rows: ChartRow[] = [];
  for (const [activation, r] of Object.entries(results)) {
    r.losses.forEach((l, i) => {
      rows.push({
        activation: LABEL[activation] ?? activation,
        epoch: i + 1,
        loss: l > 0 ? l : null,
      });
    });
  }
  return {
    id: 'bias-shift-loss',
    title: 'Training loss per epoch, hidden sigmoid vs tanh',
    spec: lineChart(rows, {
      title: 'Training loss per epoch (log scale)',
      x: { field: 'epoch', title: 'epoch' },
      y: { field: 'loss', title: 'cross-entropy', log: true },
      series: 'activation',
    }),
  };
}

function signChart(results: Readonly<Record<string, BiasShiftRun>>): ExperimentChart {
  const rows: ChartRow[] = Object.entries(results).map(([activation, r]) => ({
    activation,
    fraction: r.same_sign_fraction,
  }));
  return {
    id: 'bias-shift-same-sign',
    title: "Updates where all of a unit's incoming weight gradients share one sign",
    spec: barChart(rows, {
      title: 'Fraction of updates with all incoming gradients of one sign',
      category: 'activation',
      value: 'fraction',
      valueTitle: 'fraction of (update, unit) pairs',
      keepOrder: true,
    }),
  };
}

function reading(results: Readonly<Record<string, BiasShiftRun>>, sizes: BiasShiftSizes): string[] {
  const s = results['sigmoid']!;
  const t = results['tanh']!;
  const steps = (r: BiasShiftRun) =>
    r.steps_to_target === null
      ? `did not reach it in ${sizes.epochs} epochs (last ${fmt(r.losses[r.losses.length - 1] ?? Number.NaN)})`
      : `reached it after ${r.steps_to_target} updates`;
  return [
    `An MLP ${sizes.hidden.join('-')} on the circle data, plain SGD at ${sizes.learningRate}, ${sizes.batchSize} sample(s) per update. ` +
      `The first hidden layer's mean output is ${fmt(s.hidden_mean)} with sigmoid and ${fmt(t.hidden_mean)} with tanh.`,
    `All incoming weight gradients of a unit shared one sign in ${pct(s.same_sign_fraction)} of the updates with sigmoid ` +
      `and ${pct(t.same_sign_fraction)} with tanh. With positive inputs such as a sigmoid's, a one-sample gradient h·δ ` +
      'has the sign of δ in every coordinate, so the weights can only move along a few diagonal directions: the zig-zag.',
    `Target training loss ${sizes.targetLoss}: sigmoid ${steps(s)}; tanh ${steps(t)}.`,
  ];
}

export const biasShift: Experiment = {
  name: 'bias-shift',
  title: 'Bias shift and zig-zag updates: sigmoid vs tanh',
  summary:
    "How often all of a unit's incoming weight gradients share one sign behind a sigmoid vs a tanh layer, and the updates each needs to a target loss.",
  async run(options: ExperimentOptions): Promise<ExperimentResult> {
    const sizes = BIAS_SHIFT_SIZES[options.tier];
    const ticker = new Ticker(options, BIAS_SHIFT_ACTIVATIONS.length);
    const results = await runBiasShift(sizes, options.seed, (l) => ticker.tick(l));
    return {
      name: 'bias-shift',
      title: 'Bias shift and zig-zag updates: sigmoid vs tanh',
      json: {
        results,
        settings: {
          data: 'circle',
          samples: sizes.samples,
          hidden: [...sizes.hidden],
          batch_size: sizes.batchSize,
          optimizer: `sgd lr=${sizes.learningRate}`,
          target_loss: sizes.targetLoss,
        },
      },
      charts: [signChart(results), lossChart(results)],
      reading: reading(results, sizes),
    };
  },
};
