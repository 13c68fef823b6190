/**
 * dead-relu: how ReLU units die and which relatives survive. The same MLP on
 * the mnist digits, trained under four settings — biases initialised
 * negative, a high learning rate, z-score inputs, min-max inputs — with relu,
 * leaky_relu, elu and prelu. After each epoch the DeadUnits instrument gives
 * the fraction of hidden units that passed no gradient on any sample (dead)
 * and the fraction whose input was <= 0 on every sample (negative): a
 * negative leaky unit still learns, a dead relu unit never will.
 */
import { loadDataset } from '../data/index.js';
import type { ScaleMethod } from '../data/types.js';
import { DeadUnits } from '../diagnostics/index.js';
import {
  Adam,
  Dense,
  Flatten,
  Input,
  type Layer,
  type Optimizer,
  PReLU,
  Sequential,
} from '../nn/index.js';
import { type ChartRow, lineChart } from './charts.js';
import { pct, samplesOf, Ticker } from './study-helpers.js';
import type { Experiment, ExperimentChart, ExperimentOptions, ExperimentResult } from './types.js';

export const DEAD_RELU_SETTINGS = ['negative_bias', 'high_lr', 'zscore', 'minmax'] as const;
export type DeadReluSetting = (typeof DEAD_RELU_SETTINGS)[number];
export const DEAD_RELU_ACTIVATIONS = ['relu', 'leaky_relu', 'elu', 'prelu'] as const;

interface SettingSpec {
  readonly scale: ScaleMethod;
  readonly bias: number;
  readonly optimizer: () => Optimizer;
  readonly text: string;
}

/** What each setting changes from the baseline (z-score inputs, zero biases, Adam at 1e-3). */
export const SETTING_SPECS: Readonly<Record<DeadReluSetting, SettingSpec>> = {
  negative_bias: {
    scale: 'standardize',
    bias: -3,
    optimizer: () => new Adam({ learningRate: 1e-3 }),
    text: 'biases initialised to −3, z-score inputs, Adam at 1e-3',
  },
  high_lr: {
    scale: 'standardize',
    bias: 0,
    optimizer: () => new Adam({ learningRate: 0.05 }),
    text: 'Adam at a learning rate of 0.05 (50 times its default), z-score inputs',
  },
  zscore: {
    scale: 'standardize',
    bias: 0,
    optimizer: () => new Adam({ learningRate: 1e-3 }),
    text: 'z-score inputs, Adam at 1e-3',
  },
  minmax: {
    scale: 'minmax',
    bias: 0,
    optimizer: () => new Adam({ learningRate: 1e-3 }),
    text: 'min-max inputs in [0, 1], Adam at 1e-3',
  },
};

export interface DeadReluSizes {
  readonly trainSamples: number;
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
}

export const DEAD_RELU_SIZES: Readonly<Record<'quick' | 'full', DeadReluSizes>> = {
  quick: { trainSamples: 512, hidden: [32, 32], epochs: 5, batchSize: 32 },
  full: { trainSamples: 8000, hidden: [128, 128, 128], epochs: 15, batchSize: 64 },
};

export interface DeadCurve {
  /** Per epoch, over all hidden units together. */
  readonly dead_fraction: number[];
  readonly negative_fraction: number[];
  /** Training accuracy in the last epoch. */
  readonly train_acc: number;
}

function deadModel(
  activation: string,
  inputShape: readonly number[],
  sizes: DeadReluSizes,
  bias: number,
  seed: number,
): Sequential {
  const biasInitializer = { name: 'constant', value: bias };
  const layers: Layer[] = [new Flatten()];
  for (const units of sizes.hidden) {
    if (activation === 'prelu') {
      // A learnt slope per unit, starting at PyTorch's 0.25.
      layers.push(new Dense({ units, biasInitializer }), new PReLU());
    } else {
      layers.push(new Dense({ units, activation, biasInitializer }));
    }
  }
  layers.push(new Dense({ units: 10, activation: 'softmax' }));
  return new Sequential([Input({ shape: inputShape }), ...layers], { seed }).buildIfKnown();
}

export async function runDeadRelu(
  sizes: DeadReluSizes,
  seed: number,
  activations: readonly string[] = DEAD_RELU_ACTIVATIONS,
  onStep: (label: string) => void = () => {},
): Promise<Record<DeadReluSetting, Record<string, DeadCurve>>> {
  const results = {} as Record<DeadReluSetting, Record<string, DeadCurve>>;
  // Three settings share z-score inputs: decode and scale the digits once per scaling.
  const loaded = new Map<ScaleMethod, ReturnType<typeof loadDataset>>();
  for (const setting of DEAD_RELU_SETTINGS) {
    const spec = SETTING_SPECS[setting];
    let ds = loaded.get(spec.scale);
    if (ds === undefined) {
      ds = loadDataset('mnist', { seed, scale: spec.scale, limit: sizes.trainSamples });
      loaded.set(spec.scale, ds);
    }
    const train = samplesOf(ds.train, 'float32');
    const byActivation: Record<string, DeadCurve> = {};
    for (const activation of activations) {
      const model = deadModel(activation, ds.inputShape, sizes, spec.bias, seed);
      model.compile({
        optimizer: spec.optimizer(),
        loss: 'sparse_categorical_crossentropy',
        metrics: ['acc'],
      });
      const dead = new DeadUnits();
      const history = await model.fit(train.x, train.y, {
        batchSize: sizes.batchSize,
        epochs: sizes.epochs,
        seed,
        verbose: 0,
        callbacks: [dead],
      });
      byActivation[activation] = {
        dead_fraction: dead.history.map((e) => e.dead),
        negative_fraction: dead.history.map((e) => e.negative),
        train_acc: history.last('acc') ?? Number.NaN,
      };
      onStep(`${setting} ${activation}`);
    }
    results[setting] = byActivation;
  }
  return results;
}

function curveChart(
  results: Readonly<Record<DeadReluSetting, Record<string, DeadCurve>>>,
  field: 'dead_fraction' | 'negative_fraction',
): ExperimentChart {
  const rows: ChartRow[] = [];
  for (const setting of DEAD_RELU_SETTINGS) {
    for (const [activation, c] of Object.entries(results[setting])) {
      c[field].forEach((v, i) => {
        rows.push({ series: `${activation}, ${setting}`, epoch: i + 1, fraction: v });
      });
    }
  }
  const what = field === 'dead_fraction' ? 'dead' : 'negative';
  return {
    id: `dead-relu-${what}`,
    title: `Fraction of ${what} hidden units per epoch`,
    spec: lineChart(rows, {
      title: `Fraction of ${what} hidden units per epoch`,
      x: { field: 'epoch', title: 'epoch' },
      y: { field: 'fraction', title: `${what} fraction`, domain: [0, 1] },
      series: 'series',
      points: true,
    }),
  };
}

function reading(
  results: Readonly<Record<DeadReluSetting, Record<string, DeadCurve>>>,
  sizes: DeadReluSizes,
): string[] {
  const last = (xs: readonly number[]) => xs[xs.length - 1] ?? Number.NaN;
  const line = (setting: DeadReluSetting) => {
    const parts = Object.entries(results[setting]).map(
      ([a, c]) =>
        `${a} ${pct(last(c.dead_fraction))} dead / ${pct(last(c.negative_fraction))} negative`,
    );
    return `${setting} (${SETTING_SPECS[setting].text}): ${parts.join('; ')}.`;
  };
  return [
    `An MLP with hidden layers ${sizes.hidden.join('-')} on ${sizes.trainSamples} mnist digits, ${sizes.epochs} epochs. ` +
      'Fractions of all hidden units in the last epoch:',
    ...DEAD_RELU_SETTINGS.map(line),
    'A relu unit whose input is negative on every sample passes no gradient, so nothing can revive it: dead equals negative for relu. ' +
      'leaky_relu, elu and prelu keep a slope below zero, so their negative units are never dead and can come back.',
  ];
}

export const deadRelu: Experiment = {
  name: 'dead-relu',
  title: 'Dead ReLU units',
  summary:
    'Dead and negative fractions of hidden units per epoch for relu, leaky_relu, elu and prelu under a negative bias, a high learning rate, and z-score vs min-max inputs.',
  async run(options: ExperimentOptions): Promise<ExperimentResult> {
    const sizes = DEAD_RELU_SIZES[options.tier];
    const ticker = new Ticker(options, DEAD_RELU_SETTINGS.length * DEAD_RELU_ACTIVATIONS.length);
    const results = await runDeadRelu(sizes, options.seed, DEAD_RELU_ACTIVATIONS, (l) =>
      ticker.tick(l),
    );
    return {
      name: 'dead-relu',
      title: 'Dead ReLU units',
      json: {
        results,
        settings: Object.fromEntries(DEAD_RELU_SETTINGS.map((s) => [s, SETTING_SPECS[s].text])),
        data: { name: 'mnist', train_samples: sizes.trainSamples, hidden: [...sizes.hidden] },
      },
      charts: [curveChart(results, 'dead_fraction'), curveChart(results, 'negative_fraction')],
      reading: reading(results, sizes),
    };
  },
};
