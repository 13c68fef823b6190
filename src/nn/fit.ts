/**
 * compile / fit / evaluate. An epoch: shuffle (seeded), then for each batch a
 * forward pass in training mode, the loss plus weight penalties, backward, one
 * optimizer step; the logged loss and metrics are means over the epoch's
 * samples (as Keras shows them), then validation in inference mode.
 * Optionally a checkpoint after each epoch (and every N batches), a resume
 * from one that continues bitwise (checkpoint.ts), and the NaN guard that
 * stops or skips a step whose loss, gradients or update are not finite
 * (nan-guard.ts).
 */
import { UsageError } from '../activations/errors.js';
import { add } from '../tensor/index.js';
import { Random } from '../tensor/random.js';
import { disposeArray, residentCopy, tidy } from '../tensor/scope.js';
import { type FloatArray, noGrad, type Tensor } from '../tensor/tensor.js';
import type { Callback, CallbackInfo, Logs } from './callbacks.js';
import {
  applyCheckpoint,
  describePosition,
  findResumeCheckpoint,
  type RandomSnapshot,
  type TrainingState,
  writeCheckpoint,
} from './checkpoint.js';
import { History } from './history.js';
import { getLoss, type Loss, type Target } from './losses.js';
import { getMetric, type Metric } from './metrics.js';
import type { Model } from './model.js';
import { asDType, sliceRows, takeRows } from './model.js';
import {
  NON_FINITE_POLICIES,
  NonFiniteError,
  type NonFinitePolicy,
  type NonFiniteReport,
  StepGuard,
} from './nan-guard.js';
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
  /**
   * Write a checkpoint into this directory at the end of every epoch (and
   * every `checkpointEvery` batches), keeping the newest two.
   */
  checkpointDir?: string;
  /** Also checkpoint every this many batches (counted across epochs). */
  checkpointEvery?: number;
  /**
   * Continue from the newest usable checkpoint in this directory (or from this
   * checkpoint file): the run ends bitwise as an uninterrupted one would.
   */
  resumeFrom?: string;
  /** Accept NaN and infinite values in the checkpoint resumed from. */
  allowNonFinite?: boolean;
  /**
   * A NaN or infinite loss or gradient: 'stop' throws NonFiniteError with the
   * weights as before that step, 'skip' leaves the step out, 'ignore' (the
   * default, as Keras) carries on.
   */
  onNonFinite?: NonFinitePolicy;
  /** Told of each step left out under 'skip'. */
  onSkippedStep?: (report: NonFiniteReport) => void;
  /** Warnings, such as a damaged checkpoint passed over (default: the progress stream). */
  warn?: (message: string) => void;
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

/** Where a run starts: at the beginning, or where a checkpoint left off. */
interface StartPoint {
  epoch: number;
  step: number;
  batchesDone: number;
  epochRng: RandomSnapshot | null;
  lossSum: number;
  metricSums: number[];
  seen: number;
}

/** Loads the checkpoint to resume from into the model, optimizer and Random; says which was used. */
async function resume(
  from: string,
  model: Model,
  c: CompiledModel,
  rng: Random,
  run: { n: number; batchSize: number; shuffle: boolean; metrics: number },
  opts: FitOptions,
  warn: (message: string) => void,
): Promise<StartPoint> {
  const { checkpoint, refused } = await findResumeCheckpoint(from, model, c.optimizer, {
    allowNonFinite: opts.allowNonFinite === true,
  });
  const s = checkpoint.state;
  for (const r of refused) {
    warn(
      `checkpoint ${r.path} refused (${r.error.message}); resuming from the previous one, ${checkpoint.path} (${describePosition(s)})`,
    );
  }
  // Mid-epoch, the rest of the epoch's shuffled order depends on these three.
  if (
    s.step > 0 &&
    (s.samples !== run.n || s.batchSize !== run.batchSize || s.shuffle !== run.shuffle)
  ) {
    throw new UsageError(
      `checkpoint ${checkpoint.path} stopped mid-epoch in a run of ${s.samples} samples, batch size ${s.batchSize}, shuffle ${s.shuffle}; this run has ${run.n}, ${run.batchSize}, ${run.shuffle}`,
    );
  }
  if (s.step > 0 && s.metricSums.length !== run.metrics) {
    throw new UsageError(`checkpoint ${checkpoint.path} was written with other metrics`);
  }
  applyCheckpoint(checkpoint, model, c.optimizer, rng);
  if (opts.verbose !== 0)
    (opts.stream ?? defaultStream())?.write(
      `Resuming from ${checkpoint.path} (${describePosition(s)})\n`,
    );
  return {
    epoch: s.epoch,
    step: s.step,
    batchesDone: s.batchesDone,
    epochRng: s.epochRng,
    lossSum: s.lossSum,
    metricSums: [...s.metricSums],
    seen: s.seen,
  };
}

function checkCheckpointOptions(opts: FitOptions): void {
  const every = opts.checkpointEvery;
  if (every === undefined) return;
  if (!Number.isInteger(every) || every < 1)
    throw new UsageError(`checkpointEvery must be a positive integer (got ${every})`);
  if (opts.checkpointDir === undefined)
    throw new UsageError('checkpointEvery needs a checkpointDir to write to');
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
  checkCheckpointOptions(opts);
  const policy = opts.onNonFinite ?? 'ignore';
  if (!NON_FINITE_POLICIES.includes(policy))
    throw new UsageError(`onNonFinite must be one of ${NON_FINITE_POLICIES.join(', ')}`);
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
  const shuffle = opts.shuffle !== false;
  const callbacks = opts.callbacks ?? [];
  const tracing = callbacks.some((cb) => cb.needsTrace === true);
  const verbose = opts.verbose ?? 1;
  const stream = verbose === 0 ? null : (opts.stream ?? defaultStream());
  const warn =
    opts.warn ??
    ((m: string) => {
      (opts.stream ?? defaultStream())?.write(`warning: ${m}\n`);
    });
  const history = new History();
  const steps = Math.ceil(n / batchSize);
  const start: StartPoint =
    opts.resumeFrom === undefined
      ? { epoch: 0, step: 0, batchesDone: 0, epochRng: null, lossSum: 0, metricSums: [], seen: 0 }
      : await resume(
          opts.resumeFrom,
          model,
          c,
          rng,
          { n, batchSize, shuffle, metrics: c.metrics.length },
          opts,
          warn,
        );
  // Collected after a resume: restoring weights gives them new tensors.
  const trainable = model.trainableWeights.map((w) => w.tensor);
  const guard = policy === 'ignore' ? null : new StepGuard(model, c.optimizer, trainable, rng);
  const lossOf = (pred: Tensor, yb: Target): Tensor => {
    const loss = c.loss.compute(pred, yb);
    const pen = penalties(model);
    return pen === null ? loss : add(loss, pen);
  };
  let batchesDone = start.batchesDone;
  const checkpoint = async (
    state: Omit<
      TrainingState,
      'batchesDone' | 'batchSize' | 'samples' | 'shuffle' | 'rng' | 'modelRng' | 'optimizer'
    >,
  ) => {
    if (opts.checkpointDir === undefined) return;
    const lr = c.optimizer.learningRate;
    await writeCheckpoint(opts.checkpointDir, model, c.optimizer, {
      ...state,
      batchesDone,
      batchSize,
      samples: n,
      shuffle,
      rng: rng.getState(),
      modelRng: model.rng.getState(),
      optimizer: {
        name: c.optimizer.name,
        iterations: c.optimizer.iterations,
        learningRate: typeof lr === 'number' ? lr : null,
      },
    });
  };
  model.stopTraining = false;
  let trace: LayerTrace | null = null;
  let batchBuffer: FloatArray | undefined;
  const info = (): CallbackInfo => ({ model, trace });

  try {
    for (const cb of callbacks) await cb.onTrainBegin?.(info());
    for (let epoch = start.epoch; epoch < epochs && !model.stopTraining; epoch++) {
      const resumed = epoch === start.epoch && start.step > 0;
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, info());
      stream?.write(`Epoch ${epoch + 1}/${epochs}\n`);
      const bar = stream === null ? null : new ProgressBar(stream, steps);
      // The shuffle of a resumed epoch is redrawn from the Random as it was when first drawn.
      const epochRng = resumed ? start.epochRng : shuffle ? rng.getState() : null;
      let order: Int32Array;
      if (!shuffle) order = Int32Array.from({ length: n }, (_, i) => i);
      else if (resumed) {
        const redraw = new Random();
        redraw.setState(epochRng!);
        order = redraw.permutation(n);
      } else order = rng.permutation(n);
      let lossSum = resumed ? start.lossSum : 0;
      const metricSums = resumed ? [...start.metricSums] : c.metrics.map(() => 0);
      let seen = resumed ? start.seen : 0;
      for (let step = resumed ? start.step : 0; step < steps && !model.stopTraining; step++) {
        const s = step * batchSize;
        const e = Math.min(n, s + batchSize);
        // Without a trace nothing keeps a batch beyond its step: one buffer serves them all.
        const xb = takeRows(x, order, s, e, tracing ? undefined : batchBuffer);
        // The buffer lives in the backend's memory where it has one (a resident
        // copy of this first batch), so the first layer reads its input in place.
        if (!tracing && (batchBuffer === undefined || xb.data.length > batchBuffer.length)) {
          batchBuffer = residentCopy(xb.data);
        }
        const yb = takeTarget(y, order, s, e);
        // Last step's gradients are dead once the next step begins (fit made them).
        for (const w of trainable) {
          w.grad?.dispose();
          w.grad = null;
        }
        guard?.begin();
        const recorder = tracing ? new TraceRecorder() : null;
        /**
         * The step itself: forward, backward, update, and the figures of the
         * batch. It runs in a tidy() scope, so its intermediate tensors live in
         * the backend's memory and are freed when it returns; a traced step keeps
         * its tensors for the callbacks, so it runs outside one.
         */
        const runStep = () => {
          const pred = model.forward([xb], { training: true, rng, trace: recorder })[0]!;
          const loss = lossOf(pred, yb);
          loss.backward();
          batchesDone++;
          if (guard === null) c.optimizer.step(trainable);
          const where = guard === null ? null : guard.step(loss, xb, (p) => lossOf(p, yb));
          if (where !== null) return { where, loss: Number.NaN, metrics: [] as number[] };
          return {
            where,
            loss: loss.data[0]!,
            metrics: c.metrics.map((m) => m.batchSum(pred, yb)),
          };
        };
        const outcome = tracing ? runStep() : tidy(runStep);
        const where = outcome.where;
        if (where !== null) {
          const report = { epoch, batch: step, where };
          if (policy === 'stop') {
            bar?.finish({ loss: Number.NaN });
            throw new NonFiniteError(report, history);
          }
          opts.onSkippedStep?.(report);
          if (verbose === 1)
            bar?.update(step + 1, { loss: seen > 0 ? lossSum / seen : Number.NaN });
          continue;
        }
        const bn = e - s;
        seen += bn;
        lossSum += outcome.loss * bn;
        outcome.metrics.forEach((v, i) => {
          metricSums[i] = metricSums[i]! + v;
        });
        const running: Record<string, number> = { loss: lossSum / seen };
        c.metrics.forEach((m, i) => {
          running[m.name] = metricSums[i]! / seen;
        });
        trace = recorder === null ? null : recorder.entries;
        if (verbose === 1) bar?.update(step + 1, running);
        const batchLogs: Logs = { ...running, batchLoss: outcome.loss };
        for (const cb of callbacks) await cb.onBatchEnd?.(step, batchLogs, info());
        // The end of an epoch has its own checkpoint, written after validation.
        if (
          opts.checkpointEvery !== undefined &&
          batchesDone % opts.checkpointEvery === 0 &&
          step + 1 < steps
        ) {
          await checkpoint({ epoch, step: step + 1, epochRng, lossSum, metricSums, seen });
        }
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
      await checkpoint({
        epoch: epoch + 1,
        step: 0,
        epochRng: null,
        lossSum: 0,
        metricSums: [],
        seen: 0,
      });
    }
    for (const cb of callbacks) await cb.onTrainEnd?.(history, info());
    return history;
  } finally {
    // fit made the batch buffer and nothing holds it now: its memory goes back at once.
    if (batchBuffer instanceof Float32Array) disposeArray(batchBuffer);
  }
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
