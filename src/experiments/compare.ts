/**
 * compare: the same model trained with each of a list of hidden activations,
 * over several seeds — test accuracy (mean ± std), the train/test gap, epochs
 * to a test-accuracy threshold, time per epoch and the fraction of dead
 * units. Quick tier: a small MLP on the `mnist` package's digits; full tier:
 * the Keras example's LeNet-5 on Fashion-MNIST. `train-size` sweeps the
 * amount of training data (where PReLU's extra parameters and RReLU's noise
 * should show).
 */
import { UsageError } from '../activations/index.js';
import { loadFashionMnist, loadMnistDigits } from '../data/index.js';
import type { ClassificationDataset } from '../data/types.js';
import { DeadUnits } from '../diagnostics/index.js';
import { Adam, type Callback, sliceRows } from '../nn/index.js';
import { Tensor } from '../tensor/index.js';
import { type ChartRow, lineChart } from './charts.js';
import { buildModel, type CompareModel, hiddenActivationId, initFor } from './compare-models.js';
import type { Experiment, ExperimentOptions, ExperimentResult, Tier } from './types.js';

export interface CompareSettings {
  readonly model: CompareModel;
  readonly dataset: 'mnist-digits' | 'fashion-mnist';
  /** Hidden units of the MLP (unused by LeNet-5). */
  readonly hidden: readonly number[];
  readonly trainSize: number;
  readonly testSize: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seeds: number;
  /** Test accuracy whose first crossing counts as "epochs to threshold". */
  readonly threshold: number;
}

export const COMPARE_SETTINGS: Readonly<Record<Tier, CompareSettings>> = {
  quick: {
    model: 'mlp',
    dataset: 'mnist-digits',
    hidden: [32],
    trainSize: 600,
    testSize: 400,
    epochs: 4,
    batchSize: 32,
    learningRate: 0.003,
    seeds: 3,
    threshold: 0.8,
  },
  // A few thousand images and a smaller batch than the Keras example's 256 (which assumes
  // 50,000 images): on the js backend one run takes minutes, the whole tier about two hours.
  full: {
    model: 'lenet5',
    dataset: 'fashion-mnist',
    hidden: [],
    trainSize: 2000,
    testSize: 1000,
    epochs: 6,
    batchSize: 64,
    learningRate: 0.001,
    seeds: 3,
    threshold: 0.7,
  },
};

export const DEFAULT_COMPARE_ACTIVATIONS = [
  'relu',
  'leaky_relu',
  'prelu',
  'rrelu',
  'elu',
  'selu',
  'gelu',
  'swish',
  'tanh',
  'sigmoid',
];

/** One training run: curves per epoch and the end-of-training figures. */
interface RunResult {
  readonly testAcc: number[];
  readonly trainLoss: number[];
  /** Cumulative training seconds at the end of each epoch. */
  readonly seconds: number[];
  readonly finalTrainAcc: number;
  readonly finalTestAcc: number;
  /** DeadUnits' fraction of dead hidden units in each epoch. */
  readonly deadFraction: number[];
}

interface Split {
  readonly xTrain: Tensor;
  readonly yTrain: Int32Array;
  readonly xTest: Tensor;
  readonly yTest: Int32Array;
  readonly inputShape: readonly number[];
}

function toTensor(d: ClassificationDataset, flatten: boolean): Tensor {
  const n = d.xShape[0]!;
  const shape = flatten ? [n, d.x.length / n] : d.xShape;
  return new Tensor(d.x, shape);
}

function loadSplit(s: CompareSettings, trainSize: number, seed: number): Split {
  const flatten = s.model === 'mlp';
  if (s.dataset === 'mnist-digits') {
    const { train, test } = loadMnistDigits({ train: trainSize, test: s.testSize, seed });
    const xTrain = toTensor(train, flatten);
    return {
      xTrain,
      yTrain: train.y,
      xTest: toTensor(test, flatten),
      yTest: test.y,
      inputShape: xTrain.shape.slice(1),
    };
  }
  const { train, test } = loadFashionMnist({ limit: trainSize });
  const testAll = toTensor(test, flatten);
  const xTrain = toTensor(train, flatten);
  return {
    xTrain,
    yTrain: train.y,
    xTest: sliceRows(testAll, 0, Math.min(s.testSize, testAll.shape[0]!)),
    yTest: test.y.slice(0, s.testSize),
    inputShape: xTrain.shape.slice(1),
  };
}

async function trainOnce(
  s: CompareSettings,
  data: Split,
  activation: string,
  seed: number,
): Promise<RunResult> {
  const model = buildModel({
    model: s.model,
    inputShape: data.inputShape,
    classes: 10,
    hidden: s.hidden,
    activation,
    seed,
  });
  model.compile({
    optimizer: new Adam({ learningRate: s.learningRate }),
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
  });
  const testAcc: number[] = [];
  const trainLoss: number[] = [];
  const seconds: number[] = [];
  let trainingTime = 0;
  let epochStart = 0;
  // Timed from the start of an epoch to its end, before the test set is evaluated, so the
  // time per epoch is training alone.
  const probe: Callback = {
    onEpochBegin: () => {
      epochStart = performance.now();
    },
    onEpochEnd: (_epoch, logs) => {
      trainingTime += (performance.now() - epochStart) / 1000;
      seconds.push(trainingTime);
      trainLoss.push(logs['loss'] ?? Number.NaN);
      testAcc.push(
        model.evaluate(data.xTest, data.yTest, { batchSize: 256 })['accuracy'] ?? Number.NaN,
      );
    },
  };
  const dead = new DeadUnits();
  await model.fit(data.xTrain, data.yTrain, {
    epochs: s.epochs,
    batchSize: s.batchSize,
    seed,
    verbose: 0,
    callbacks: [probe, dead],
  });
  const finalTrainAcc =
    model.evaluate(data.xTrain, data.yTrain, { batchSize: 256 })['accuracy'] ?? Number.NaN;
  return {
    testAcc,
    trainLoss,
    seconds,
    finalTrainAcc,
    finalTestAcc: testAcc[testAcc.length - 1] ?? Number.NaN,
    deadFraction: dead.history.map((e) => e.dead),
  };
}

async function warmUp(s: CompareSettings, activation: string, seed: number): Promise<void> {
  const data = loadSplit({ ...s, testSize: 32 }, 64, seed);
  await trainOnce({ ...s, epochs: 1 }, data, activation, seed);
}

function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
function std(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

/** Mean over runs of each epoch's value. */
function meanCurve(
  runs: readonly RunResult[],
  pick: (r: RunResult) => readonly number[],
): number[] {
  const epochs = Math.min(...runs.map((r) => pick(r).length));
  return Array.from({ length: epochs }, (_, e) => mean(runs.map((r) => pick(r)[e]!)));
}

export interface CompareEntry {
  readonly test_acc_mean: number;
  readonly test_acc_std: number;
  readonly train_acc_mean: number;
  /** Mean over seeds of (train accuracy − test accuracy) after the last epoch. */
  readonly train_test_gap: number;
  /** Mean 1-based epoch at which test accuracy first reached the threshold, over the seeds that reached it; null if none did. */
  readonly epochs_to_threshold: number | null;
  /** How many seeds reached the threshold. */
  readonly reached_threshold: number;
  readonly time_per_epoch_ms: number;
  /** DeadUnits: fraction of hidden units with f′ = 0 on every sample of the last epoch (mean over seeds). */
  readonly dead_fraction: number;
  readonly init: string;
  readonly test_acc_per_seed: number[];
  readonly curves: {
    readonly test_acc: number[];
    readonly train_loss: number[];
    readonly seconds: number[];
    /** Per epoch, over all hidden units (mean over seeds). */
    readonly dead_fraction: number[];
  };
}

function summarise(
  runs: readonly RunResult[],
  activation: string,
  threshold: number,
): CompareEntry {
  const crossings = runs
    .map((r) => r.testAcc.findIndex((a) => a >= threshold))
    .filter((i) => i >= 0)
    .map((i) => i + 1);
  const totalEpochs = runs.reduce((a, r) => a + r.seconds.length, 0);
  const totalSeconds = runs.reduce((a, r) => a + (r.seconds[r.seconds.length - 1] ?? 0), 0);
  return {
    test_acc_mean: mean(runs.map((r) => r.finalTestAcc)),
    test_acc_std: std(runs.map((r) => r.finalTestAcc)),
    train_acc_mean: mean(runs.map((r) => r.finalTrainAcc)),
    train_test_gap: mean(runs.map((r) => r.finalTrainAcc - r.finalTestAcc)),
    epochs_to_threshold: crossings.length === 0 ? null : mean(crossings),
    reached_threshold: crossings.length,
    time_per_epoch_ms: (1000 * totalSeconds) / Math.max(1, totalEpochs),
    dead_fraction: mean(runs.map((r) => r.deadFraction[r.deadFraction.length - 1] ?? 0)),
    init: initFor(activation),
    test_acc_per_seed: runs.map((r) => r.finalTestAcc),
    curves: {
      test_acc: meanCurve(runs, (r) => r.testAcc),
      train_loss: meanCurve(runs, (r) => r.trainLoss),
      seconds: meanCurve(runs, (r) => r.seconds),
      dead_fraction: meanCurve(runs, (r) => r.deadFraction),
    },
  };
}

/** `activations` extra: a comma list of catalogue names, each elementwise, no repeats. */
export function parseActivations(text: string | undefined): string[] {
  if (text === undefined) return [...DEFAULT_COMPARE_ACTIVATIONS];
  const ids = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map(hiddenActivationId);
  if (ids.length === 0)
    throw new UsageError('--activations needs at least one activation (e.g. relu,gelu)');
  return [...new Set(ids)];
}

/** `train-size` extra: one size or a comma list (a sweep), each an integer >= 20. */
export function parseTrainSizes(text: string | undefined, fallback: number): number[] {
  if (text === undefined) return [fallback];
  const sizes = text.split(',').map((t) => {
    const v = Number(t.trim());
    if (!Number.isSafeInteger(v) || v < 20) {
      throw new UsageError(
        `--train-size expects integers >= 20, comma-separated (got '${text.trim()}')`,
      );
    }
    return v;
  });
  return [...new Set(sizes)].sort((a, b) => a - b);
}

function pct(v: number): string {
  return (100 * v).toFixed(1);
}

function compareTable(results: Readonly<Record<string, CompareEntry>>, s: CompareSettings) {
  return {
    header: [
      'activation',
      'test acc % (mean ± std)',
      'train − test (pts)',
      `epochs to ${pct(s.threshold)} %`,
      'ms / epoch',
      'dead units %',
    ],
    rows: Object.entries(results).map(([id, r]) => [
      id,
      `${pct(r.test_acc_mean)} ± ${pct(r.test_acc_std)}`,
      pct(r.train_test_gap),
      r.epochs_to_threshold === null
        ? `not reached`
        : `${r.epochs_to_threshold.toFixed(1)}${r.reached_threshold < s.seeds ? ` (${r.reached_threshold}/${s.seeds} seeds)` : ''}`,
      r.time_per_epoch_ms.toFixed(0),
      pct(r.dead_fraction),
    ]),
  };
}

function reading(
  results: Readonly<Record<string, CompareEntry>>,
  s: CompareSettings,
  sweep: SweepResults | null,
): string[] {
  const entries = Object.entries(results);
  const byAcc = [...entries].sort((a, b) => b[1].test_acc_mean - a[1].test_acc_mean);
  const [bestId, best] = byAcc[0]!;
  const [worstId, worst] = byAcc[byAcc.length - 1]!;
  const what =
    s.model === 'mlp'
      ? `an MLP with hidden layer${s.hidden.length > 1 ? 's' : ''} of ${s.hidden.join(', ')} units on ${s.trainSize} of the mnist package's digits`
      : `LeNet-5 on ${s.trainSize} Fashion-MNIST images`;
  const out = [
    `Trained ${what} for ${s.epochs} epochs (Adam, learning rate ${s.learningRate}, batch ${s.batchSize}), ${s.seeds} seeds per activation, tested on ${s.testSize} held-out images.`,
    `Best test accuracy: ${bestId} with ${pct(best.test_acc_mean)} % ± ${pct(best.test_acc_std)}; worst: ${worstId} with ${pct(worst.test_acc_mean)} % ± ${pct(worst.test_acc_std)}. Differences smaller than about two standard deviations are within the spread of the seeds.`,
  ];
  const fastest = [...entries].sort((a, b) => a[1].time_per_epoch_ms - b[1].time_per_epoch_ms);
  out.push(
    `Time per epoch ranges from ${fastest[0]![1].time_per_epoch_ms.toFixed(0)} ms (${fastest[0]![0]}) to ${fastest[fastest.length - 1]![1].time_per_epoch_ms.toFixed(0)} ms (${fastest[fastest.length - 1]![0]}): the matrix products dominate, so the activation's own cost shows only partly.`,
  );
  const dead = entries.filter(([, r]) => r.dead_fraction > 0);
  out.push(
    dead.length === 0
      ? 'No hidden unit was dead in the last epoch (zero gradient on every sample) with any activation in these short runs.'
      : `Dead units in the last epoch (the DeadUnits diagnostic: zero gradient on every sample): ${dead.map(([id, r]) => `${id} ${pct(r.dead_fraction)} %`).join(', ')}; the others have none.`,
  );
  const slow = entries.filter(([, r]) => r.epochs_to_threshold === null).map(([id]) => id);
  if (slow.length > 0)
    out.push(
      `${slow.join(', ')} never reached ${pct(s.threshold)} % test accuracy within ${s.epochs} epochs.`,
    );
  if (sweep !== null) out.push(...sweepReading(sweep));
  return out;
}

/** Test accuracy per activation and training-set size. */
type SweepResults = {
  readonly sizes: readonly number[];
  readonly results: Readonly<Record<string, Readonly<Record<string, CompareEntry>>>>;
};

function sweepReading(sweep: SweepResults): string[] {
  const lo = String(sweep.sizes[0]);
  const hi = String(sweep.sizes[sweep.sizes.length - 1]);
  const at = (size: string) =>
    Object.entries(sweep.results)
      .map(([id, bySize]) => [id, bySize[size]!] as const)
      .sort((a, b) => b[1].test_acc_mean - a[1].test_acc_mean);
  const fmt = (list: ReturnType<typeof at>) =>
    list.map(([id, r]) => `${id} ${pct(r.test_acc_mean)} %`).join(', ');
  const gaps = (size: string) =>
    at(size)
      .map(([id, r]) => `${id} ${pct(r.train_test_gap)}`)
      .join(', ');
  return [
    `With ${lo} training samples: ${fmt(at(lo))}. With ${hi}: ${fmt(at(hi))}.`,
    `Train − test gap (points) with ${lo} samples: ${gaps(lo)}; a smaller gap is less overfitting.`,
  ];
}

function charts(
  results: Readonly<Record<string, CompareEntry>>,
  s: CompareSettings,
  sweep: SweepResults | null,
) {
  const curveRows: ChartRow[] = [];
  const timeRows: ChartRow[] = [];
  for (const [id, r] of Object.entries(results)) {
    r.curves.test_acc.forEach((acc, e) => {
      curveRows.push({
        activation: id,
        epoch: e + 1,
        test_acc: acc,
        train_loss: r.curves.train_loss[e] ?? null,
      });
      timeRows.push({ activation: id, seconds: r.curves.seconds[e] ?? null, test_acc: acc });
    });
  }
  const list = [
    {
      id: 'compare-learning-curves',
      title: 'Learning curves',
      spec: lineChart(curveRows, {
        title: `Test accuracy per epoch (mean of ${s.seeds} seeds)`,
        x: { field: 'epoch', title: 'epoch' },
        y: { field: 'test_acc', title: 'test accuracy' },
        series: 'activation',
        points: true,
      }),
    },
    {
      id: 'compare-train-loss',
      title: 'Training loss',
      spec: lineChart(curveRows, {
        title: `Training loss per epoch (mean of ${s.seeds} seeds)`,
        x: { field: 'epoch', title: 'epoch' },
        y: { field: 'train_loss', title: 'cross-entropy (log scale)', log: true },
        series: 'activation',
        points: true,
      }),
    },
    {
      id: 'compare-accuracy-vs-time',
      title: 'Accuracy against training time',
      spec: lineChart(timeRows, {
        title: 'Test accuracy against cumulative training time',
        x: { field: 'seconds', title: 'training time (s)' },
        y: { field: 'test_acc', title: 'test accuracy' },
        series: 'activation',
        points: true,
      }),
    },
  ];
  if (sweep !== null) {
    const rows: ChartRow[] = [];
    for (const [id, bySize] of Object.entries(sweep.results)) {
      for (const size of sweep.sizes)
        rows.push({
          activation: id,
          train_size: size,
          test_acc: bySize[String(size)]!.test_acc_mean,
        });
    }
    list.push({
      id: 'compare-train-size',
      title: 'Accuracy against training-set size',
      spec: lineChart(rows, {
        title: 'Final test accuracy against the number of training samples',
        x: { field: 'train_size', title: 'training samples', log: true },
        y: { field: 'test_acc', title: 'test accuracy' },
        series: 'activation',
        points: true,
      }),
    });
  }
  return list;
}

export const compare: Experiment = {
  name: 'compare',
  title: 'Activations compared on the same model',
  summary:
    'The same model trained with each activation over several seeds: test accuracy, train/test gap, epochs to a threshold, time per epoch, dead units.',
  extraOptions: {
    activations: DEFAULT_COMPARE_ACTIVATIONS.join(','),
    'train-size': `${COMPARE_SETTINGS.quick.trainSize} (quick), ${COMPARE_SETTINGS.full.trainSize} (full); a comma list sweeps`,
  },
  async run(o: ExperimentOptions): Promise<ExperimentResult> {
    const base = COMPARE_SETTINGS[o.tier];
    const activations = parseActivations(o.extra?.['activations']);
    const sizes = parseTrainSizes(o.extra?.['train-size'], base.trainSize);
    const seeds = Array.from({ length: base.seeds }, (_, i) => o.seed + i);
    const total = sizes.length * activations.length * seeds.length;
    let done = 0;
    // An untimed run first, so that the first activation's time per epoch does not include
    // the engine's warm-up (JIT compilation of the kernels).
    await warmUp(base, activations[0]!, o.seed);
    const bySize: Record<string, Record<string, CompareEntry>> = {};
    for (const size of sizes) {
      // One split per size (seeded by the run's seed), shared by every activation and seed.
      const data = loadSplit(base, size, o.seed);
      const settings = { ...base, trainSize: data.xTrain.shape[0]! };
      const results: Record<string, CompareEntry> = {};
      for (const activation of activations) {
        const runs: RunResult[] = [];
        for (const seed of seeds) {
          o.progress?.(done, total, `${activation} n=${settings.trainSize} seed ${seed}`);
          runs.push(await trainOnce(settings, data, activation, seed));
          done++;
        }
        results[activation] = summarise(runs, activation, settings.threshold);
      }
      bySize[String(settings.trainSize)] = results;
    }
    o.progress?.(total, total, 'done');
    const largest = Object.keys(bySize)
      .map(Number)
      .sort((a, b) => a - b);
    const mainSize = largest[largest.length - 1]!;
    const results = bySize[String(mainSize)]!;
    const settings = { ...base, trainSize: mainSize };
    const sweep: SweepResults | null =
      largest.length > 1
        ? {
            sizes: largest,
            results: Object.fromEntries(
              activations.map((a) => [
                a,
                Object.fromEntries(largest.map((n) => [String(n), bySize[String(n)]![a]!])),
              ]),
            ),
          }
        : null;
    const json: Record<string, unknown> = {
      model: base.model,
      dataset: base.dataset,
      ...(base.model === 'mlp' ? { hidden: [...base.hidden] } : {}),
      train_size: mainSize,
      test_size: base.testSize,
      epochs: base.epochs,
      batch_size: base.batchSize,
      optimizer: 'adam',
      learning_rate: base.learningRate,
      seeds,
      threshold: base.threshold,
      dead_fraction_source:
        'DeadUnits diagnostic: hidden units with zero gradient on every sample of the last epoch',
      results,
    };
    if (sweep !== null) {
      json['train_size_sweep'] = {
        sizes: [...sweep.sizes],
        results: Object.fromEntries(
          Object.entries(sweep.results).map(([a, m]) => [
            a,
            Object.fromEntries(
              Object.entries(m).map(([n, r]) => [
                n,
                {
                  test_acc_mean: r.test_acc_mean,
                  test_acc_std: r.test_acc_std,
                  train_test_gap: r.train_test_gap,
                },
              ]),
            ),
          ]),
        ),
      };
    }
    return {
      name: this.name,
      title: this.title,
      json,
      charts: charts(results, settings, sweep),
      reading: reading(results, settings, sweep),
      table: compareTable(results, settings),
    };
  },
};
