/**
 * exploding: a 20-layer relu MLP (He initialisation) fitted by SGD with
 * momentum at a learning rate just past what it can take, on a smooth
 * regression target. The loss starts finite, jumps, and becomes NaN within a
 * few dozen updates. Then the same run with each remedy the literature gives:
 * clipnorm = 1.0, clipvalue = 0.5, a ten times smaller learning rate, an L2
 * weight penalty, and a 2-layer network. Each run also carries the
 * GradientFlow instrument, whose verdict is reported beside the loss.
 */

import { GradientFlow } from '../diagnostics/index.js';
import type { Regularizer } from '../nn/index.js';
import {
  Dense,
  getRegularizer,
  Input,
  type Layer,
  Sequential,
  SGD,
  type SGDOptions,
  TerminateOnNaN,
} from '../nn/index.js';
import { Random, Tensor } from '../tensor/index.js';
import { type ChartRow, lineChart } from './charts.js';
import { fmt, Ticker } from './study-helpers.js';
import type { Experiment, ExperimentChart, ExperimentOptions, ExperimentResult } from './types.js';

export const EXPLODING_REMEDIES = [
  'none',
  'clipnorm',
  'clipvalue',
  'lower_lr',
  'l2',
  'fewer_layers',
] as const;
export type ExplodingRemedy = (typeof EXPLODING_REMEDIES)[number];

export interface ExplodingSizes {
  readonly samples: number;
  readonly features: number;
  readonly depth: number;
  readonly shallowDepth: number;
  readonly width: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly momentum: number;
  readonly l2: number;
}

export const EXPLODING_SIZES: Readonly<Record<'quick' | 'full', ExplodingSizes>> = {
  quick: {
    samples: 256,
    features: 4,
    depth: 20,
    shallowDepth: 2,
    width: 32,
    epochs: 15,
    batchSize: 32,
    learningRate: 0.12,
    momentum: 0.9,
    l2: 0.01,
  },
  // The same data and network as quick, trained longer: whether a run explodes depends
  // on the data and the draw of the weights, so the full tier keeps the ones that do.
  full: {
    samples: 256,
    features: 4,
    depth: 20,
    shallowDepth: 2,
    width: 32,
    epochs: 40,
    batchSize: 32,
    learningRate: 0.12,
    momentum: 0.9,
    l2: 0.01,
  },
};

export interface ExplodingRun {
  /** True when the loss became NaN or infinite. */
  readonly nan: boolean;
  /** The last loss seen (the penalty included for l2, as Keras logs it). */
  readonly final_loss: number;
  /** The loss of every update, in order (training stops at the first non-finite one). */
  readonly losses: number[];
  /** Did the GradientFlow instrument flag exploding gradients? */
  readonly flagged_exploding: boolean;
}

/** y = sin(Σ (j+1)·x_j) for x uniform in [-1, 1]^features: smooth, bounded, not linear. */
export function regressionData(
  samples: number,
  features: number,
  seed: number,
): { x: Tensor; y: Tensor } {
  const rng = new Random(seed);
  const x = new Float32Array(samples * features);
  const y = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    let s = 0;
    for (let j = 0; j < features; j++) {
      const v = rng.uniform(-1, 1);
      x[i * features + j] = v;
      s += v * (j + 1);
    }
    y[i] = Math.sin(s);
  }
  return { x: new Tensor(x, [samples, features]), y: new Tensor(y, [samples, 1]) };
}

function explodingModel(
  depth: number,
  sizes: ExplodingSizes,
  regularizer: Regularizer | null,
  seed: number,
): Sequential {
  const layers: Layer[] = [];
  for (let i = 0; i < depth; i++) {
    layers.push(
      new Dense({
        units: sizes.width,
        activation: 'relu',
        kernelInitializer: 'he_normal',
        kernelRegularizer: regularizer,
      }),
    );
  }
  layers.push(
    new Dense({ units: 1, kernelInitializer: 'he_normal', kernelRegularizer: regularizer }),
  );
  return new Sequential([Input({ shape: [sizes.features] }), ...layers], { seed }).buildIfKnown();
}

export async function runExploding(
  sizes: ExplodingSizes,
  seed: number,
  onStep: (label: string) => void = () => {},
): Promise<Record<ExplodingRemedy, ExplodingRun>> {
  const { x, y } = regressionData(sizes.samples, sizes.features, seed);
  const results = {} as Record<ExplodingRemedy, ExplodingRun>;
  for (const remedy of EXPLODING_REMEDIES) {
    const opt: SGDOptions = { learningRate: sizes.learningRate, momentum: sizes.momentum };
    if (remedy === 'clipnorm') opt.clipnorm = 1.0;
    if (remedy === 'clipvalue') opt.clipvalue = 0.5;
    if (remedy === 'lower_lr') opt.learningRate = sizes.learningRate / 10;
    const depth = remedy === 'fewer_layers' ? sizes.shallowDepth : sizes.depth;
    const reg = remedy === 'l2' ? getRegularizer({ name: 'l2', l2: sizes.l2 }) : null;
    const model = explodingModel(depth, sizes, reg, seed);
    model.compile({ optimizer: new SGD(opt), loss: 'mean_squared_error' });
    const losses: number[] = [];
    const flow = new GradientFlow();
    await model.fit(x, y, {
      batchSize: sizes.batchSize,
      epochs: sizes.epochs,
      seed,
      verbose: 0,
      callbacks: [
        {
          onBatchEnd: (_b, logs) => {
            losses.push(logs['batchLoss'] ?? Number.NaN);
          },
        },
        flow,
        new TerminateOnNaN(),
      ],
    });
    const finalLoss = losses[losses.length - 1] ?? Number.NaN;
    results[remedy] = {
      nan: losses.some((l) => !Number.isFinite(l)),
      final_loss: finalLoss,
      losses,
      flagged_exploding: flow.summary().exploding,
    };
    onStep(remedy);
  }
  return results;
}

const REMEDY_TEXT: Readonly<Record<ExplodingRemedy, string>> = {
  none: 'no remedy',
  clipnorm: 'clipnorm = 1.0',
  clipvalue: 'clipvalue = 0.5',
  lower_lr: 'learning rate / 10',
  l2: 'L2 penalty',
  fewer_layers: 'fewer layers',
};

function lossChart(results: Readonly<Record<ExplodingRemedy, ExplodingRun>>): ExperimentChart {
  const rows: ChartRow[] = [];
  for (const remedy of EXPLODING_REMEDIES) {
    results[remedy].losses.forEach((l, i) => {
      rows.push({
        remedy: REMEDY_TEXT[remedy],
        step: i + 1,
        loss: Number.isFinite(l) && l > 0 ? l : null,
      });
    });
  }
  return {
    id: 'exploding-loss',
    title: 'Training loss per update, with and without each remedy',
    spec: lineChart(rows, {
      title: 'Loss per update (log scale); a line that stops became NaN',
      x: { field: 'step', title: 'update' },
      y: { field: 'loss', title: 'mean squared error', log: true },
      series: 'remedy',
    }),
  };
}

function reading(
  results: Readonly<Record<ExplodingRemedy, ExplodingRun>>,
  sizes: ExplodingSizes,
): string[] {
  const none = results.none;
  const firstBad = none.losses.findIndex((l) => !Number.isFinite(l));
  const peak = Math.max(...none.losses.filter(Number.isFinite));
  const finite = EXPLODING_REMEDIES.filter((r) => r !== 'none' && !results[r].nan);
  const failed = EXPLODING_REMEDIES.filter((r) => r !== 'none' && results[r].nan);
  const out = [
    `A ${sizes.depth}-layer relu MLP (width ${sizes.width}, He initialisation) fitted by SGD with momentum ${sizes.momentum} ` +
      `at a learning rate of ${sizes.learningRate}. Without a remedy the loss starts at ${fmt(none.losses[0] ?? Number.NaN)}, ` +
      (none.nan
        ? `climbs to ${fmt(peak)} and becomes NaN at update ${firstBad + 1}.`
        : `and stays finite in this run (final ${fmt(none.final_loss)}).`),
    `Stayed finite: ${finite.map((r) => `${REMEDY_TEXT[r]} (final loss ${fmt(results[r].final_loss)})`).join(', ') || 'none'}.` +
      (failed.length > 0
        ? ` Still became NaN: ${failed.map((r) => REMEDY_TEXT[r]).join(', ')}.`
        : ''),
    `The GradientFlow instrument flagged exploding gradients in: ${
      EXPLODING_REMEDIES.filter((r) => results[r].flagged_exploding)
        .map((r) => REMEDY_TEXT[r])
        .join(', ') || 'no run'
    }. The L2 run's loss includes its penalty, which starts large and shrinks as the weights do.`,
  ];
  return out;
}

export const exploding: Experiment = {
  name: 'exploding',
  title: 'Exploding gradients and their remedies',
  summary:
    'A deep MLP whose loss explodes to NaN under SGD at a high learning rate, and the same run with clipnorm, clipvalue, a lower learning rate, L2 or fewer layers.',
  async run(options: ExperimentOptions): Promise<ExperimentResult> {
    const sizes = EXPLODING_SIZES[options.tier];
    const ticker = new Ticker(options, EXPLODING_REMEDIES.length);
    const results = await runExploding(sizes, options.seed, (l) => ticker.tick(l));
    return {
      name: 'exploding',
      title: 'Exploding gradients and their remedies',
      json: { ...results },
      charts: [lossChart(results)],
      reading: reading(results, sizes),
    };
  },
};
