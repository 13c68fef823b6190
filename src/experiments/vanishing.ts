/**
 * vanishing: MLPs of growing depth, one hidden activation each. At
 * initialisation, the gradient norm of every hidden layer's weights on one
 * batch (first layer to last): with sigmoid it shrinks geometrically towards
 * the input, because each layer multiplies the backward signal by σ' <= 1/4.
 * Then the accuracy the same network reaches after a fixed budget of SGD steps.
 *
 * `variant` applies one remedy to every network: `plain` (Keras defaults:
 * glorot_uniform, no normalisation), `batchnorm` (Dense -> BatchNormalization
 * -> activation), `residual` (x + f(Wx + b) for every hidden layer after the
 * first) or `init` (the initialisation fitted to the activation: He for the
 * relu family, LeCun for SELU, Glorot's 4x for sigmoid, gain 5/3 for tanh).
 */
import { loadDataset } from '../data/index.js';
import { probeGradients } from '../diagnostics/index.js';
import {
  Activation,
  BatchNormalization,
  Dense,
  getLoss,
  type InitializerLike,
  Input,
  type Layer,
  Residual,
  Sequential,
  SGD,
} from '../nn/index.js';
import { barChart, type ChartRow, lineChart } from './charts.js';
import { choiceOption, fmt, pct, samplesOf, Ticker } from './study-helpers.js';
import type { Experiment, ExperimentChart, ExperimentOptions, ExperimentResult } from './types.js';

export const VANISHING_VARIANTS = ['plain', 'batchnorm', 'residual', 'init'] as const;
export type VanishingVariant = (typeof VANISHING_VARIANTS)[number];

export interface VanishingSizes {
  readonly activations: readonly string[];
  readonly depths: readonly number[];
  readonly width: number;
  /** Points of the circle data set (half train, half test). */
  readonly samples: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
}

export const VANISHING_SIZES: Readonly<Record<'quick' | 'full', VanishingSizes>> = {
  quick: {
    activations: ['sigmoid', 'tanh', 'relu', 'selu'],
    depths: [5, 20],
    width: 16,
    samples: 400,
    epochs: 40,
    batchSize: 32,
    learningRate: 0.01,
  },
  full: {
    activations: ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'selu', 'gelu', 'swish', 'mish'],
    depths: [5, 10, 20, 30, 50],
    width: 32,
    samples: 1000,
    epochs: 60,
    batchSize: 32,
    learningRate: 0.01,
  },
};

export interface DepthResult {
  /** Gradient norm of each hidden layer's weights (kernel and bias) at initialisation, first to last. */
  readonly grad_norms: number[];
  readonly first_last_ratio: number;
  /** Test accuracy after the fixed budget of steps. */
  readonly accuracy: number;
}

const RELU_FAMILY = new Set(['relu', 'leaky_relu', 'elu', 'gelu', 'swish', 'mish', 'silu']);

/** The initializer the `init` variant gives each activation (Keras's default for the others). */
export function fittedInit(activation: string): InitializerLike {
  if (RELU_FAMILY.has(activation)) return 'he_normal';
  if (activation === 'selu') return 'lecun_normal';
  // Glorot and Bengio (2010): for sigmoid, 4 times the tanh weights (16 times the variance).
  if (activation === 'sigmoid')
    return { name: 'variance_scaling', scale: 16, mode: 'fan_avg', distribution: 'uniform' };
  // PyTorch's calculate_gain('tanh') = 5/3 on top of Glorot.
  if (activation === 'tanh')
    return { name: 'variance_scaling', scale: 25 / 9, mode: 'fan_avg', distribution: 'uniform' };
  return 'glorot_uniform';
}

/** `depth` hidden layers of `width` units with the activation, shaped by the variant, then a softmax. */
export function vanishingModel(
  variant: VanishingVariant,
  activation: string,
  depth: number,
  width: number,
  seed: number,
): Sequential {
  const init = variant === 'init' ? fittedInit(activation) : 'glorot_uniform';
  const layers: Layer[] = [];
  for (let i = 0; i < depth; i++) {
    if (variant === 'batchnorm') {
      layers.push(
        new Dense({ units: width, kernelInitializer: init }),
        // Moving statistics that follow the weights within a short budget (Keras's 0.99
        // lags behind, and inference then sees statistics from weights long gone).
        new BatchNormalization({ momentum: 0.9 }),
        new Activation({ activation }),
      );
    } else if (variant === 'residual' && i > 0) {
      // The first layer changes the width (2 -> width), so the skip starts at the second.
      // Each branch starts with 1/depth of Glorot's variance (as Fixup-style residual nets
      // start their branches small): otherwise every x + f(x) adds to the signal's size and
      // the output grows geometrically with depth.
      const branchInit = {
        name: 'variance_scaling',
        scale: 1 / depth,
        mode: 'fan_avg',
        distribution: 'uniform',
      };
      layers.push(
        new Residual({
          layers: [new Dense({ units: width, activation, kernelInitializer: branchInit })],
        }),
      );
    } else {
      layers.push(new Dense({ units: width, activation, kernelInitializer: init }));
    }
  }
  // Logits out, with the loss taken from logits: a saturated softmax would clip the
  // loss's gradient to zero and hide what the hidden layers pass back.
  layers.push(new Dense({ units: 2, kernelInitializer: init }));
  return new Sequential([Input({ shape: [2] }), ...layers], {
    seed,
    dtype: 'float64',
  }).buildIfKnown();
}

export interface VanishingRun {
  readonly variant: VanishingVariant;
  readonly results: Record<string, Record<string, DepthResult>>;
}

export async function runVanishing(
  sizes: VanishingSizes,
  variant: VanishingVariant,
  seed: number,
  onStep: (label: string) => void = () => {},
): Promise<VanishingRun> {
  const ds = loadDataset('circle', { samples: sizes.samples, seed, scale: 'standardize' });
  const train = samplesOf(ds.train);
  const test = samplesOf(ds.test);
  const results: Record<string, Record<string, DepthResult>> = {};
  for (const activation of sizes.activations) {
    const byDepth: Record<string, DepthResult> = {};
    for (const depth of sizes.depths) {
      const model = vanishingModel(variant, activation, depth, sizes.width, seed);
      model.compile({
        optimizer: new SGD({ learningRate: sizes.learningRate, momentum: 0.9 }),
        loss: getLoss('sparse_categorical_crossentropy', { fromLogits: true }),
        metrics: ['acc'],
      });
      const probe = probeGradients(model, train.x, train.y);
      // The hidden layers are the kernel layers before the output layer.
      const kernelNorms = probe.gradNorms.filter((_, i) => probe.hasKernel[i]);
      const gradNorms = kernelNorms.slice(0, depth);
      await model.fit(train.x, train.y, {
        batchSize: sizes.batchSize,
        epochs: sizes.epochs,
        seed,
        verbose: 0,
      });
      const accuracy = model.evaluate(test.x, test.y, { batchSize: 256 })['acc']!;
      byDepth[String(depth)] = {
        grad_norms: gradNorms,
        first_last_ratio: gradNorms[0]! / gradNorms[depth - 1]!,
        accuracy,
      };
      onStep(`${activation} depth ${depth}`);
    }
    results[activation] = byDepth;
  }
  return { variant, results };
}

function gradientChart(run: VanishingRun, depth: number): ExperimentChart {
  const rows: ChartRow[] = [];
  for (const [activation, byDepth] of Object.entries(run.results)) {
    const r = byDepth[String(depth)];
    r?.grad_norms.forEach((g, i) => {
      // A zero norm has no logarithm: Vega-Lite drops the null.
      rows.push({ activation, layer: i + 1, norm: g > 0 && Number.isFinite(g) ? g : null });
    });
  }
  return {
    id: `vanishing-${run.variant}-grad-norms-depth-${depth}`,
    title: `Gradient norm per layer at initialisation, depth ${depth} (${run.variant})`,
    spec: lineChart(rows, {
      title: `Gradient norm per layer at initialisation — depth ${depth}, ${run.variant}`,
      x: { field: 'layer', title: 'hidden layer (1 = nearest the input)' },
      y: { field: 'norm', title: '‖∂L/∂W‖ (log scale)', log: true },
      series: 'activation',
      points: depth <= 20,
    }),
  };
}

function accuracyChart(run: VanishingRun): ExperimentChart {
  const rows: ChartRow[] = [];
  for (const [activation, byDepth] of Object.entries(run.results)) {
    for (const [depth, r] of Object.entries(byDepth)) {
      rows.push({ activation, depth: `depth ${depth}`, accuracy: r.accuracy });
    }
  }
  return {
    id: `vanishing-${run.variant}-accuracy`,
    title: `Test accuracy after a fixed budget of steps (${run.variant})`,
    spec: barChart(rows, {
      title: `Test accuracy after a fixed budget of SGD steps — ${run.variant}`,
      category: 'activation',
      value: 'accuracy',
      valueTitle: 'test accuracy',
      group: 'depth',
      keepOrder: true,
    }),
  };
}

const VARIANT_TEXT: Readonly<Record<VanishingVariant, string>> = {
  plain: 'Keras defaults (glorot_uniform, no normalisation)',
  batchnorm: 'BatchNormalization between each Dense layer and its activation',
  residual:
    'a residual connection x + f(Wx + b) around every hidden layer after the first (branches start with 1/depth of the usual weight variance)',
  init: 'the initialisation fitted to each activation (He, LeCun, 4x Glorot for sigmoid, gain 5/3 for tanh)',
};

function reading(run: VanishingRun, sizes: VanishingSizes): string[] {
  const deep = sizes.depths.includes(20) ? 20 : sizes.depths[sizes.depths.length - 1]!;
  const shallow = sizes.depths[0]!;
  const at = (a: string, d: number) => run.results[a]?.[String(d)];
  const ratios = sizes.activations
    .map((a) => `${a} ${fmt(at(a, deep)!.first_last_ratio)}`)
    .join(', ');
  const accs = sizes.activations
    .map((a) => `${a} ${pct(at(a, shallow)!.accuracy)} → ${pct(at(a, deep)!.accuracy)}`)
    .join(', ');
  const out = [
    `Networks of width ${sizes.width} on the circle data set, with ${VARIANT_TEXT[run.variant]}. ` +
      `At depth ${deep}, the first hidden layer's gradient norm divided by the last one's, at initialisation: ${ratios}.`,
    `Test accuracy after ${sizes.epochs} epochs of SGD with momentum (depth ${shallow} → depth ${deep}): ${accs}. ` +
      'Half the points are one class, so 50 % is what a network that learnt nothing scores.',
  ];
  const sig = at('sigmoid', deep);
  if (sig !== undefined && sig.grad_norms.length > 1) {
    const perLayer = sig.first_last_ratio ** (1 / (sig.grad_norms.length - 1));
    out.push(
      `With sigmoid the gradient shrinks by a factor of about ${fmt(1 / perLayer)} per layer on the way back: ` +
        "each layer multiplies it by σ'(z) ≤ 1/4 (and by its weights). Where a ratio stays near 1, the early layers learn as fast as the late ones.",
    );
  }
  return out;
}

export const vanishing: Experiment = {
  name: 'vanishing',
  title: 'Vanishing gradients with depth',
  summary:
    'Per-layer gradient norms at initialisation and accuracy after a fixed budget, for MLPs of growing depth and each activation; --variant shows a remedy.',
  extraOptions: { variant: 'plain' },
  async run(options: ExperimentOptions): Promise<ExperimentResult> {
    const variant = choiceOption(options, 'vanishing', 'variant', VANISHING_VARIANTS, 'plain');
    const sizes = VANISHING_SIZES[options.tier];
    const ticker = new Ticker(options, sizes.activations.length * sizes.depths.length);
    const run = await runVanishing(sizes, variant, options.seed, (l) => ticker.tick(l));
    return {
      name: 'vanishing',
      title: 'Vanishing gradients with depth',
      json: {
        variant: run.variant,
        results: run.results,
        settings: {
          data: 'circle',
          samples: sizes.samples,
          width: sizes.width,
          epochs: sizes.epochs,
          batch_size: sizes.batchSize,
          optimizer: `sgd lr=${sizes.learningRate} momentum=0.9`,
        },
      },
      charts: [...sizes.depths.map((d) => gradientChart(run, d)), accuracyChart(run)],
      reading: reading(run, sizes),
    };
  },
};
