/**
 * linear-collapse: without a nonlinearity a deep network is one affine map.
 * An MLP with `linear` hidden activations is trained on the spiral; its
 * outputs (logits) are then compared with x·W + b, where W is the product of
 * its kernels and b the biases carried through them
 * (W2(W1x + b1) + b2 = (W2W1)x + (W2b1 + b2)), in float64. The same MLP with
 * relu fits the spiral, which no affine map can separate.
 */
import { loadDataset } from '../data/index.js';
import { Adam, Dense, getLoss, Input, type Layer, type Model, Sequential } from '../nn/index.js';
import type { Tensor } from '../tensor/index.js';
import { type ChartRow, lineChart } from './charts.js';
import { fmt, pct, samplesOf, Ticker } from './study-helpers.js';
import type { Experiment, ExperimentChart, ExperimentOptions, ExperimentResult } from './types.js';

export interface LinearCollapseSizes {
  readonly samples: number;
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
}

export const LINEAR_COLLAPSE_SIZES: Readonly<Record<'quick' | 'full', LinearCollapseSizes>> = {
  quick: { samples: 400, hidden: [32, 32, 32], epochs: 60, batchSize: 32, learningRate: 0.01 },
  full: { samples: 1000, hidden: [64, 64, 64, 64], epochs: 200, batchSize: 32, learningRate: 0.01 },
};

/** Dense layers with the activation, logits out (no softmax, so the whole map is affine for `linear`). */
export function collapseModel(
  activation: string,
  hidden: readonly number[],
  seed: number,
): Sequential {
  const layers: Layer[] = hidden.map((units) => new Dense({ units, activation }));
  layers.push(new Dense({ units: 2 }));
  return new Sequential([Input({ shape: [2] }), ...layers], {
    seed,
    dtype: 'float64',
  }).buildIfKnown();
}

/** The one affine map a stack of Dense layers without activations computes: x·W + b. */
export function collapseToAffine(model: Model): {
  w: Float64Array;
  b: Float64Array;
  inDim: number;
  outDim: number;
} {
  let w: Float64Array | null = null;
  let b: Float64Array | null = null;
  let inDim = 0;
  let outDim = 0;
  for (const layer of model.layers) {
    if (!(layer instanceof Dense)) continue;
    const k = layer.kernel!.tensor;
    const [rows, cols] = [k.shape[0]!, k.shape[1]!];
    const bias = layer.bias?.tensor.data ?? new Float64Array(cols);
    if (w === null || b === null) {
      w = Float64Array.from(k.data);
      b = Float64Array.from(bias);
      inDim = rows;
    } else {
      // (x·W + b)·K + c = x·(W·K) + (b·K + c)
      const nw = new Float64Array(inDim * cols);
      const nb = Float64Array.from(bias);
      for (let i = 0; i < inDim; i++) {
        for (let r = 0; r < rows; r++) {
          const a = w[i * rows + r]!;
          for (let c = 0; c < cols; c++) nw[i * cols + c]! += a * k.data[r * cols + c]!;
        }
      }
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) nb[c]! += b[r]! * k.data[r * cols + c]!;
      }
      w = nw;
      b = nb;
    }
    outDim = cols;
  }
  if (w === null || b === null) throw new Error('the model has no Dense layer');
  return { w, b, inDim, outDim };
}

/** max |model(x) − (x·W + b)| over the rows of x. */
export function maxDiffToAffine(model: Model, x: Tensor): number {
  const { w, b, inDim, outDim } = collapseToAffine(model);
  const out = model.predict(x, { batchSize: 256 });
  let max = 0;
  for (let n = 0; n < x.shape[0]!; n++) {
    for (let c = 0; c < outDim; c++) {
      let v = b[c]!;
      for (let i = 0; i < inDim; i++) v += x.data[n * inDim + i]! * w[i * outDim + c]!;
      max = Math.max(max, Math.abs(out.data[n * outDim + c]! - v));
    }
  }
  return max;
}

export interface CollapseRun {
  readonly testAcc: number;
  readonly valAcc: number[];
  readonly model: Model;
}

async function trainOn(
  activation: string,
  sizes: LinearCollapseSizes,
  seed: number,
): Promise<{ run: CollapseRun; xTest: Tensor }> {
  const ds = loadDataset('spiral', { samples: sizes.samples, seed, scale: 'standardize' });
  const train = samplesOf(ds.train);
  const test = samplesOf(ds.test);
  const model = collapseModel(activation, sizes.hidden, seed);
  model.compile({
    optimizer: new Adam({ learningRate: sizes.learningRate }),
    loss: getLoss('sparse_categorical_crossentropy', { fromLogits: true }),
    metrics: ['acc'],
  });
  const h = await model.fit(train.x, train.y, {
    batchSize: sizes.batchSize,
    epochs: sizes.epochs,
    seed,
    verbose: 0,
    validationData: [test.x, test.y],
  });
  const valAcc = [...(h.history['val_acc'] ?? [])];
  return {
    run: { testAcc: valAcc[valAcc.length - 1] ?? Number.NaN, valAcc, model },
    xTest: test.x,
  };
}

export interface LinearCollapseResult {
  readonly linear: { max_abs_diff_to_affine: number; spiral_acc: number };
  readonly relu: { spiral_acc: number };
  readonly curves: { linear: number[]; relu: number[] };
}

export async function runLinearCollapse(
  sizes: LinearCollapseSizes,
  seed: number,
  onStep: (label: string) => void = () => {},
): Promise<LinearCollapseResult> {
  const lin = await trainOn('linear', sizes, seed);
  const diff = maxDiffToAffine(lin.run.model, lin.xTest);
  onStep('linear');
  const relu = await trainOn('relu', sizes, seed);
  onStep('relu');
  return {
    linear: { max_abs_diff_to_affine: diff, spiral_acc: lin.run.testAcc },
    relu: { spiral_acc: relu.run.testAcc },
    curves: { linear: lin.run.valAcc, relu: relu.run.valAcc },
  };
}

function curveChart(r: LinearCollapseResult): ExperimentChart {
  const rows: ChartRow[] = [];
  for (const key of ['linear', 'relu'] as const) {
    r.curves[key].forEach((a, i) => {
      rows.push({ activation: key, epoch: i + 1, accuracy: a });
    });
  }
  return {
    id: 'linear-collapse-accuracy',
    title: 'Test accuracy on the spiral, linear vs relu hidden layers',
    spec: lineChart(rows, {
      title: 'Test accuracy on the spiral per epoch',
      x: { field: 'epoch', title: 'epoch' },
      y: { field: 'accuracy', title: 'test accuracy', domain: [0, 1] },
      series: 'activation',
    }),
  };
}

export const linearCollapse: Experiment = {
  name: 'linear-collapse',
  title: 'Without nonlinearity, a deep network is one affine map',
  summary:
    'A deep MLP with linear activations equals the product of its weights (checked to 1e-9 in float64) and cannot fit the spiral; with relu it can.',
  async run(options: ExperimentOptions): Promise<ExperimentResult> {
    const sizes = LINEAR_COLLAPSE_SIZES[options.tier];
    const ticker = new Ticker(options, 2);
    const r = await runLinearCollapse(sizes, options.seed, (l) => ticker.tick(l));
    const depth = sizes.hidden.length + 1;
    return {
      name: 'linear-collapse',
      title: 'Without nonlinearity, a deep network is one affine map',
      json: {
        linear: r.linear,
        relu: r.relu,
        settings: {
          data: 'spiral',
          samples: sizes.samples,
          hidden: [...sizes.hidden],
          epochs: sizes.epochs,
          optimizer: `adam lr=${sizes.learningRate}`,
        },
      },
      charts: [curveChart(r)],
      reading: [
        `An MLP of ${depth} Dense layers (hidden ${sizes.hidden.join('-')}) with linear activations, trained on the spiral, ` +
          `computes exactly one affine map: its outputs differ from x·(W₁W₂…W${depth}) + b by at most ${fmt(r.linear.max_abs_diff_to_affine)} (float64 rounding).`,
        `Test accuracy on the spiral: linear ${pct(r.linear.spiral_acc)}, relu ${pct(r.relu.spiral_acc)}. ` +
          'A straight line cannot separate two interleaved spirals however many linear layers compute it; one nonlinearity per layer lets the network bend the boundary.',
      ],
    };
  },
};
