/**
 * The NaN guard of fit(): before each update it checks that the loss and
 * every gradient are finite, and after it that every weight still is (a rate
 * too large for the gradients overflows float32). When one is not, the step
 * is undone (weights, optimizer slots, batch-norm statistics) and stopped or
 * skipped by policy; the batch is run once more, layer by layer, to name the
 * first layer whose output (forward) or gradient (backward) went non-finite.
 */
import type { Random, RandomState } from '../tensor/random.js';
import type { FloatArray, Tensor } from '../tensor/tensor.js';
import { allFinite } from './finite.js';
import type { History } from './history.js';
import type { CallContext, Layer, SymbolicTensor } from './layers/layer.js';
import { asDType, type Model } from './model.js';
import type { Optimizer } from './optimizers.js';

/** What a NaN or infinite loss or gradient does to training. */
export type NonFinitePolicy = 'stop' | 'skip' | 'ignore';
export const NON_FINITE_POLICIES: readonly NonFinitePolicy[] = ['stop', 'skip', 'ignore'];

export interface NonFiniteReport {
  /** 0-based epoch and batch of the step. */
  readonly epoch: number;
  readonly batch: number;
  /** Where the first non-finite value showed, e.g. `the output of layer 'dense_1' (Dense) holds NaN`. */
  readonly where: string;
}

/** The one-line description of a report, with 1-based epoch and batch as the progress bar counts. */
export function describeNonFinite(r: NonFiniteReport): string {
  return `NaN or infinite values at epoch ${r.epoch + 1}, batch ${r.batch + 1}: ${r.where}`;
}

/** Thrown by fit() under the 'stop' policy; the weights are as they were before the step. */
export class NonFiniteError extends Error {
  override name = 'NonFiniteError';
  constructor(
    readonly report: NonFiniteReport,
    /** The epochs completed before the stop. */
    readonly history: History,
  ) {
    super(describeNonFinite(report));
  }
}

/** True when every tensor that has a gradient has a finite one. */
export function gradientsFinite(weights: readonly Tensor[]): boolean {
  return weights.every((w) => w.grad === null || allFinite(w.grad.data));
}

/** `NaN`, `Infinity` or `-Infinity`: the first non-finite value, for messages. */
function firstNonFinite(a: ArrayLike<number>): string {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return String(a[i]);
  return 'no non-finite value';
}

function layerName(l: Layer): string {
  return `layer '${l.name}' (${l.className})`;
}

/**
 * Runs one batch again, layer by layer, and says where the first non-finite
 * value shows: a layer's output in the forward pass, else the loss, else (in
 * backward order) the gradient of a layer's output or of one of its weights.
 * The caller restores the Random and any state the forward pass changes.
 */
export function locateNonFinite(
  model: Model,
  x: Tensor,
  lossOf: (pred: Tensor) => Tensor,
  ctx: CallContext,
): string {
  const values = new Map<SymbolicTensor, Tensor>();
  if (!allFinite(x.data)) return `the input batch holds ${firstNonFinite(x.data)}`;
  for (const s of model.inputs) values.set(s, s.node.layer.run([asDType(x, model.dtype)], ctx));
  const order = model.nodes;
  for (const s of order) {
    const out = s.node.layer.run(
      s.node.inputs.map((t) => values.get(t)!),
      ctx,
    );
    if (!allFinite(out.data)) {
      return `the output of ${layerName(s.node.layer)} holds ${firstNonFinite(out.data)}`;
    }
    // Keep this intermediate's gradient after backward(), as a LayerTrace does.
    out.requiresGrad = true;
    values.set(s, out);
  }
  const loss = lossOf(values.get(model.outputs[0]!)!);
  if (!allFinite(loss.data)) {
    return `the loss is ${firstNonFinite(loss.data)} while every layer's output is finite`;
  }
  for (const w of model.trainableWeights) w.tensor.grad = null;
  loss.backward();
  for (const s of [...order].reverse()) {
    const g = values.get(s)!.grad;
    if (g !== null && !allFinite(g.data)) {
      return `the gradient of the output of ${layerName(s.node.layer)} holds ${firstNonFinite(g.data)}`;
    }
    for (const w of s.node.layer.weights) {
      const wg = w.tensor.grad;
      if (wg !== null && !allFinite(wg.data)) {
        return `the gradient of weight '${w.path}' of ${layerName(s.node.layer)} holds ${firstNonFinite(wg.data)}`;
      }
    }
  }
  return 'a gradient holds NaN or infinite values';
}

/** The first trainable weight holding a non-finite value after an update, described; else null. */
function nonFiniteWeight(model: Model): string | null {
  for (const w of model.trainableWeights) {
    const d = w.tensor.data;
    if (!allFinite(d)) {
      return `the update made weight '${w.path}' of ${layerName(w.layer)} ${firstNonFinite(d)} (is the learning rate too large?)`;
    }
  }
  return null;
}

type Snapshot = { readonly target: FloatArray; readonly copy: FloatArray }[];

function snapshot(arrays: readonly FloatArray[]): Snapshot {
  return arrays.map((target) => ({ target, copy: target.slice() }));
}

function restore(s: Snapshot): void {
  for (const { target, copy } of s) target.set(copy);
}

/**
 * One guarded training step: remembers what the step may change, checks the
 * loss and gradients, applies the update and checks the weights, and undoes
 * everything when a value went non-finite.
 */
export class StepGuard {
  private rngBefore: { words: RandomState; spare: number | null } | null = null;
  private moving: Snapshot = [];

  constructor(
    private readonly model: Model,
    private readonly optimizer: Optimizer,
    private readonly trainable: readonly Tensor[],
    private readonly rng: Random,
  ) {}

  /** Call before the forward pass: batch norm's moving statistics change during it. */
  begin(): void {
    this.rngBefore = this.rng.getState();
    this.moving = snapshot(
      this.model.weights.filter((w) => !w.trainable).map((w) => w.tensor.data),
    );
  }

  /**
   * After backward(): when the loss and gradients are finite, applies the
   * update and returns null; otherwise (or when the update left a weight
   * non-finite) undoes the step and says where the first non-finite value was.
   */
  step(loss: Tensor, x: Tensor, lossOf: (pred: Tensor) => Tensor): string | null {
    let where: string | null = null;
    if (!(allFinite(loss.data) && gradientsFinite(this.trainable))) {
      // Run the batch again from the same Random to find where it broke.
      const after = this.rng.getState();
      this.rng.setState(this.rngBefore!);
      where = locateNonFinite(this.model, x, lossOf, {
        training: true,
        rng: this.rng,
        trace: null,
      });
      this.rng.setState(after);
    } else {
      const weights = snapshot(this.trainable.map((t) => t.data));
      const slots = snapshot(this.trainable.flatMap((t) => this.optimizer.slotsOf(t)));
      const iterations = this.optimizer.iterations;
      this.optimizer.step(this.trainable);
      where = nonFiniteWeight(this.model);
      if (where !== null) {
        restore(weights);
        restore(slots);
        this.optimizer.iterations = iterations;
      }
    }
    if (where !== null) {
      restore(this.moving);
      for (const t of this.trainable) t.grad = null;
    }
    return where;
  }
}
