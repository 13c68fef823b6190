/**
 * self-normalizing: standard-normal inputs through 32 Dense layers of one
 * width, all initialised with lecun_normal (variance 1/fan_in), and the mean
 * and variance of every layer's output over all units and samples. SELU's
 * α and λ are chosen so that mean 0 and variance 1 is a fixed point the
 * layers are drawn back to (Klambauer et al. 2017); relu halves the second
 * moment at each layer and tanh shrinks it, so both drift. For comparison:
 * relu with BatchNormalization before it, SELU with AlphaDropout (built to
 * keep the fixed point) and SELU with plain Dropout (which does not: its
 * 1/(1 − rate) scaling raises the variance at every layer).
 *
 * Dropout and batch norm run in training mode, where they act; in float64.
 */

import { outputStats } from '../diagnostics/index.js';
import {
  Activation,
  AlphaDropout,
  BatchNormalization,
  Dense,
  Dropout,
  Input,
  type Layer,
  Sequential,
} from '../nn/index.js';
import { noGrad, Random, Tensor } from '../tensor/index.js';
import { type ChartRow, lineChart } from './charts.js';
import { fmt, Ticker } from './study-helpers.js';
import type { Experiment, ExperimentChart, ExperimentOptions, ExperimentResult } from './types.js';

export const SELF_NORMALIZING_KEYS = [
  'selu',
  'relu',
  'tanh',
  'relu_batchnorm',
  'selu_alpha_dropout',
  'selu_dropout',
] as const;
export type SelfNormalizingKey = (typeof SELF_NORMALIZING_KEYS)[number];

export interface SelfNormalizingSizes {
  readonly layers: number;
  readonly width: number;
  readonly samples: number;
  readonly dropoutRate: number;
}

export const SELF_NORMALIZING_SIZES: Readonly<Record<'quick' | 'full', SelfNormalizingSizes>> = {
  quick: { layers: 32, width: 64, samples: 512, dropoutRate: 0.1 },
  full: { layers: 32, width: 256, samples: 2048, dropoutRate: 0.1 },
};

export interface LayerMoments {
  /** Per layer, first to last: mean and (population) variance of the outputs. */
  readonly means: number[];
  readonly variances: number[];
}

/** The layers of one block: Dense, then its activation, normalisation or dropout. */
function block(key: SelfNormalizingKey, width: number, rate: number): Layer[] {
  const dense = (activation: string | null) =>
    new Dense({ units: width, activation, kernelInitializer: 'lecun_normal' });
  switch (key) {
    case 'selu':
    case 'relu':
    case 'tanh':
      return [dense(key)];
    case 'relu_batchnorm':
      return [dense(null), new BatchNormalization(), new Activation({ activation: 'relu' })];
    case 'selu_alpha_dropout':
      return [dense('selu'), new AlphaDropout({ rate })];
    case 'selu_dropout':
      return [dense('selu'), new Dropout({ rate })];
  }
}

/** Mean and variance after each of the stack's blocks, for one batch of N(0, 1) inputs. */
export function layerMoments(
  key: SelfNormalizingKey,
  sizes: SelfNormalizingSizes,
  seed: number,
): LayerMoments {
  const blocks = Array.from({ length: sizes.layers }, () =>
    block(key, sizes.width, sizes.dropoutRate),
  );
  // Building the model draws every layer's weights from its seeded Random; the loop
  // below then runs the layers itself, to read the output after each block.
  new Sequential([Input({ shape: [sizes.width] }), ...blocks.flat()], {
    seed,
    dtype: 'float64',
  }).buildIfKnown();
  const rng = new Random(seed + 1);
  const x = new Float64Array(sizes.samples * sizes.width);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const means: number[] = [];
  const variances: number[] = [];
  const ctx = { training: true, rng, trace: null };
  noGrad(() => {
    let h = new Tensor(x, [sizes.samples, sizes.width]);
    for (const b of blocks) {
      for (const layer of b) h = layer.run([h], ctx);
      const s = outputStats(h.data);
      means.push(s.mean);
      variances.push(s.std * s.std);
    }
  });
  return { means, variances };
}

const LABEL: Readonly<Record<SelfNormalizingKey, string>> = {
  selu: 'selu (lecun_normal)',
  relu: 'relu',
  tanh: 'tanh',
  relu_batchnorm: 'relu + BatchNormalization',
  selu_alpha_dropout: 'selu + AlphaDropout',
  selu_dropout: 'selu + Dropout',
};

function momentChart(
  results: Readonly<Record<string, LayerMoments>>,
  field: 'means' | 'variances',
): ExperimentChart {
  const rows: ChartRow[] = [];
  for (const [key, m] of Object.entries(results)) {
    m[field].forEach((v, i) => {
      rows.push({
        setting: LABEL[key as SelfNormalizingKey],
        layer: i + 1,
        value: Number.isFinite(v) ? v : null,
      });
    });
  }
  const what = field === 'means' ? 'mean' : 'variance';
  return {
    id: `self-normalizing-${what}`,
    title: `Output ${what} per layer`,
    spec: lineChart(rows, {
      title: `Output ${what} per layer, standard-normal inputs`,
      x: { field: 'layer', title: 'layer' },
      y: { field: 'value', title: what, ...(field === 'variances' ? { log: true } : {}) },
      series: 'setting',
    }),
  };
}

function reading(
  results: Readonly<Record<SelfNormalizingKey, LayerMoments>>,
  sizes: SelfNormalizingSizes,
): string[] {
  const last = (k: SelfNormalizingKey) => {
    const m = results[k];
    return `mean ${fmt(m.means[m.means.length - 1]!)}, variance ${fmt(m.variances[m.variances.length - 1]!)}`;
  };
  return [
    `${sizes.samples} standard-normal inputs through ${sizes.layers} Dense layers of ${sizes.width} units, lecun_normal weights. ` +
      `At layer ${sizes.layers}: SELU ${last('selu')}; relu ${last('relu')}; tanh ${last('tanh')}.`,
    `SELU stays at its fixed point (mean 0, variance 1) layer after layer; relu halves the second moment at each layer, so its variance ` +
      'collapses geometrically, and tanh shrinks more slowly towards 0.',
    `relu with BatchNormalization before it: ${last('relu_batchnorm')} — stable, but at the statistics of a rectified unit normal, not 0 and 1. ` +
      `SELU with AlphaDropout (rate ${sizes.dropoutRate}): ${last('selu_alpha_dropout')}; with plain Dropout: ${last('selu_dropout')}, ` +
      'so plain Dropout moves SELU off its fixed point while AlphaDropout keeps it.',
  ];
}

export async function runSelfNormalizing(
  sizes: SelfNormalizingSizes,
  seed: number,
  onStep: (label: string) => void = () => {},
): Promise<Record<SelfNormalizingKey, LayerMoments>> {
  const results = {} as Record<SelfNormalizingKey, LayerMoments>;
  for (const key of SELF_NORMALIZING_KEYS) {
    results[key] = layerMoments(key, sizes, seed);
    onStep(key);
    // Let a progress bar draw between settings.
    await Promise.resolve();
  }
  return results;
}

export const selfNormalizing: Experiment = {
  name: 'self-normalizing',
  title: 'Self-normalisation: SELU through 32 layers',
  summary:
    'Mean and variance per layer through 32 layers: SELU + lecun_normal holds 0 and 1, relu and tanh drift; batch norm, AlphaDropout and Dropout compared.',
  async run(options: ExperimentOptions): Promise<ExperimentResult> {
    const sizes = SELF_NORMALIZING_SIZES[options.tier];
    const ticker = new Ticker(options, SELF_NORMALIZING_KEYS.length);
    const results = await runSelfNormalizing(sizes, options.seed, (l) => ticker.tick(l));
    return {
      name: 'self-normalizing',
      title: 'Self-normalisation: SELU through 32 layers',
      json: {
        results,
        settings: {
          layers: sizes.layers,
          width: sizes.width,
          samples: sizes.samples,
          init: 'lecun_normal',
          dropout_rate: sizes.dropoutRate,
        },
      },
      charts: [momentChart(results, 'means'), momentChart(results, 'variances')],
      reading: reading(results, sizes),
    };
  },
};
