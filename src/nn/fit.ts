/**
 * compile / fit / evaluate. An epoch: shuffle (seeded), then for each batch a
 * forward pass in training mode, the loss plus weight penalties, backward, one
 * optimizer step; the logged loss and metrics are means over the epoch's
 * samples (as Keras shows them), then validation in inference mode.
 */
import { UsageError } from '../activations/errors.js';
import { add } from '../tensor/index.js';
import { Random } from '../tensor/random.js';
import { noGrad, type Tensor } from '../tensor/tensor.js';
import type { Callback, CallbackInfo, Logs } from './callbacks.js';
import { History } from './history.js';
import { getLoss, type Loss, type Target } from './losses.js';
import { getMetric, type Metric } from './metrics.js';
import type { Model } from './model.js';
import { asDType, sliceRows, takeRows } from './model.js';
import { getOptimizer, type Optimizer } from './optimizers.js';
import { ProgressBar, type ProgressStream } from './progress.js';
import { type LayerTrace, TraceRecorder } from './trace.js';

export interface CompileOptions {
  optimizer?: string | Optimizer;
  loss: string | Loss;
  metrics?: readonly string[];
}

export interface CompiledModel {
  readonly optimizer: Optimizer;
  readonly loss: Loss;
  readonly metrics: readonly Metric[];
}

export function compileModel(opts: CompileOptions): CompiledModel {
  const loss = getLoss(opts.loss);
  return {
    optimizer: getOptimizer(opts.optimizer ?? 'rmsprop'),
    loss,
    metrics: (opts.metrics ?? []).map((m) => getMetric(m, loss)),
  };
}

export interface FitOptions {
  /** Samples per gradient step (Keras default 32). */
  batchSize?: number;
  epochs?: number;
  validationData?: readonly [Tensor, Target];
  /** Fraction of the data, taken from the end before shuffling (as Keras), held out for validation. */
  validationSplit?: number;
  shuffle?: boolean;
  /** Seed for shuffling, dropout and RReLU; the model's Random is used when absent. */
  seed?: number;
  callbacks?: readonly Callback[];
  /** 0 silent, 1 progress bar (default), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Where the progress bar goes (default: process.stderr). */
  stream?: ProgressStream;
}

function requireCompiled(model: Model): CompiledModel {
  if (model.compiled === null)
    throw new UsageError(`model ${model.name} is not compiled: call compile() first`);
  return model.compiled;
}

function targetLength(y: Target): number {
  return y instanceof Int32Array ? y.length : y.shape[0]!;
}

function takeTarget(y: Target, idx: Int32Array, s: number, e: number): Target {
  if (!(y instanceof Int32Array)) return takeRows(y, idx, s, e);
  const out = new Int32Array(e - s);
  for (let i = s; i < e; i++) out[i - s] = y[idx[i]!]!;
  return out;
}

function sliceTarget(y: Target, s: number, e: number): Target {
  return y instanceof Int32Array ? y.slice(s, e) : sliceRows(y, s, e);
}

/** Sparse losses get Int32Array labels; dense ones a tensor of the model dtype. */
function prepareTarget(y: Target, loss: Loss, model: Model): Target {
  if (loss.targets === 'labels') {
    return y instanceof Int32Array ? y : Int32Array.from(y.data, (v) => Math.round(v));
  }
  if (y instanceof Int32Array) {
    throw new UsageError(
      `loss ${loss.name} needs targets shaped like the outputs, not class labels`,
    );
  }
  return asDType(y, model.dtype);
}

/** Σ of the weight penalties, or null when no weight has a regularizer. */
function penalties(model: Model): Tensor | null {
  let total: Tensor | null = null;
  for (const w of model.weights) {
    if (w.regularizer === null) continue;
    const p = w.regularizer.penalty(w.tensor);
    total = total === null ? p : add(total, p);
  }
  return total;
}

function defaultStream(): ProgressStream | null {
  const proc = (globalThis as { process?: { stderr?: ProgressStream } }).process;
  return proc?.stderr ?? null;
}

export async function fitModel(
  model: Model,
  xAll: Tensor,
  yAll: Target,
  opts: FitOptions,
): Promise<History> {
  const c = requireCompiled(model);
  const n0 = xAll.shape[0]!;
  if (targetLength(yAll) !== n0) {
    throw new UsageError(`fit: x has ${n0} samples but y has ${targetLength(yAll)}`);
  }
  const batchSize = opts.batchSize ?? 32;
  const epochs = opts.epochs ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new UsageError(`batchSize must be a positive integer (got ${batchSize})`);
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new UsageError(`epochs must be a non-negative integer (got ${epochs})`);
  let x = asDType(xAll, model.dtype);
  let y = prepareTarget(yAll, c.loss, model);
  let validation = opts.validationData
    ? ([
        asDType(opts.validationData[0], model.dtype),
        prepareTarget(opts.validationData[1], c.loss, model),
      ] as const)
    : null;
  if (opts.validationSplit !== undefined && opts.validationSplit > 0) {
    if (validation !== null)
      throw new UsageError('give validationData or validationSplit, not both');
    if (!(opts.validationSplit < 1))
      throw new UsageError(`validationSplit must be in [0, 1) (got ${opts.validationSplit})`);
    const cut = Math.floor(n0 * (1 - opts.validationSplit));
    validation = [sliceRows(x, cut, n0), sliceTarget(y, cut, n0)] as const;
    x = sliceRows(x, 0, cut);
    y = sliceTarget(y, 0, cut);
  }
  const n = x.shape[0]!;
  if (n === 0) throw new UsageError('fit: no training samples');
  const rng = opts.seed === undefined ? model.rng : new Random(opts.seed);
  const callbacks = opts.callbacks ?? [];
  const tracing = callbacks.some((cb) => cb.needsTrace === true);
  const verbose = opts.verbose ?? 1;
  const stream = verbose === 0 ? null : (opts.stream ?? defaultStream());
  const history = new History();
  const steps = Math.ceil(n / batchSize);
  const trainable = model.trainableWeights.map((w) => w.tensor);
  model.stopTraining = false;
  let trace: LayerTrace | null = null;
  const info = (): CallbackInfo => ({ model, trace });

  for (const cb of callbacks) await cb.onTrainBegin?.(info());
  for (let epoch = 0; epoch < epochs && !model.stopTraining; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, info());
    stream?.write(`Epoch ${epoch + 1}/${epochs}\n`);
    const bar = stream === null ? null : new ProgressBar(stream, steps);
    const order =
      opts.shuffle === false ? Int32Array.from({ length: n }, (_, i) => i) : rng.permutation(n);
    let lossSum = 0;
    const metricSums = c.metrics.map(() => 0);
    let seen = 0;
    for (let step = 0; step < steps && !model.stopTraining; step++) {
      const s = step * batchSize;
      const e = Math.min(n, s + batchSize);
      const xb = takeRows(x, order, s, e);
      const yb = takeTarget(y, order, s, e);
      for (const w of trainable) w.grad = null;
      const recorder = tracing ? new TraceRecorder() : null;
      const pred = model.forward([xb], { training: true, rng, trace: recorder })[0]!;
      let loss = c.loss.compute(pred, yb);
      const pen = penalties(model);
      if (pen !== null) loss = add(loss, pen);
      loss.backward();
      c.optimizer.step(trainable);
      const bn = e - s;
      seen += bn;
      lossSum += loss.data[0]! * bn;
      c.metrics.forEach((m, i) => {
        metricSums[i] = metricSums[i]! + m.batchSum(pred, yb);
      });
      const running: Record<string, number> = { loss: lossSum / seen };
      c.metrics.forEach((m, i) => {
        running[m.name] = metricSums[i]! / seen;
      });
      trace = recorder === null ? null : recorder.entries;
      if (verbose === 1) bar?.update(step + 1, running);
      const batchLogs: Logs = { ...running, batchLoss: loss.data[0]! };
      for (const cb of callbacks) await cb.onBatchEnd?.(step, batchLogs, info());
    }
    const logs: Record<string, number> = { loss: lossSum / seen };
    c.metrics.forEach((m, i) => {
      logs[m.name] = metricSums[i]! / seen;
    });
    if (validation !== null) {
      const v = evaluateModel(model, validation[0], validation[1], batchSize);
      for (const [k, val] of Object.entries(v)) logs[`val_${k}`] = val;
    }
    bar?.finish(logs);
    history.record(epoch, logs);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, info());
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(history, info());
  return history;
}

/** Mean loss (with weight penalties, as Keras reports it) and metrics over (x, y), inference mode. */
export function evaluateModel(
  model: Model,
  xAll: Tensor,
  yAll: Target,
  batchSize: number,
): Record<string, number> {
  const c = requireCompiled(model);
  const x = asDType(xAll, model.dtype);
  const y = prepareTarget(yAll, c.loss, model);
  const n = x.shape[0]!;
  if (targetLength(y) !== n)
    throw new UsageError(`evaluate: x has ${n} samples but y has ${targetLength(y)}`);
  if (n === 0) throw new UsageError('evaluate: no samples');
  return noGrad(() => {
    let lossSum = 0;
    const sums = c.metrics.map(() => 0);
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize);
      const pred = model.forward([sliceRows(x, s, e)], {
        training: false,
        rng: model.rng,
        trace: null,
      })[0]!;
      const yb = sliceTarget(y, s, e);
      lossSum += c.loss.compute(pred, yb).data[0]! * (e - s);
      c.metrics.forEach((m, i) => {
        sums[i] = sums[i]! + m.batchSum(pred, yb);
      });
    }
    const pen = penalties(model);
    const out: Record<string, number> = { loss: lossSum / n + (pen === null ? 0 : pen.data[0]!) };
    c.metrics.forEach((m, i) => {
      out[m.name] = sums[i]! / n;
    });
    return out;
  });
}
