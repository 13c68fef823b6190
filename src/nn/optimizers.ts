/**
 * Optimizers with Keras 3's update equations and defaults: SGD (momentum,
 * Nesterov), Adam, AdamW, RMSprop, Adagrad. Each takes one of `clipnorm` (each
 * gradient tensor clipped to that L2 norm), `clipvalue` (elementwise) or
 * `globalClipnorm` (all gradients scaled together), as Keras allows one at a time.
 * The arithmetic runs in the current backend's optimizer kernels.
 */
import { closest, UsageError } from '../activations/errors.js';
import { getBackend, type OptimizerKernels } from '../kernels/backend.js';
// The updates run on the selected backend: importing the optimizers alone must register one.
import '../kernels/select.js';
import { residentCopy } from '../tensor/scope.js';
import { allocate, type FloatArray, type Tensor } from '../tensor/tensor.js';
import type { JsonObject } from './json.js';
import type { LearningRateSchedule } from './schedules.js';

export interface ClipOptions {
  /** Clip each gradient tensor to this L2 norm (Keras `clipnorm`). */
  clipnorm?: number;
  /** Clip each gradient element to [-v, v]. */
  clipvalue?: number;
  /** Scale all gradients together so their joint L2 norm is at most this. */
  globalClipnorm?: number;
}

export interface OptimizerOptions extends ClipOptions {
  learningRate?: number | LearningRateSchedule;
}

/** What one update did: the global gradient norm before clipping, and whether it was skipped. */
export interface StepReport {
  readonly gradNorm: number;
  /** True when a clip was asked for and the norm was NaN or infinite: weights left unchanged. */
  readonly skipped: boolean;
}

/** A report whose gradNorm is √(Σ over the gradients of Σ g²), summed in order on first read. */
function lazyReport(grads: readonly FloatArray[], kernels: OptimizerKernels): StepReport {
  let norm: number | undefined;
  return {
    get gradNorm(): number {
      if (norm === undefined) {
        let total = 0;
        for (const g of grads) total += kernels.sumSquares(g);
        norm = Math.sqrt(total);
      }
      return norm;
    },
    skipped: false,
  };
}

function checkPositive(what: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v > 0)) {
    throw new UsageError(`${what} must be a finite number > 0 (got ${v})`);
  }
}

function checkUnit(what: string, v: number, openRight = true): void {
  if (!(v >= 0 && (openRight ? v < 1 : v <= 1))) {
    throw new UsageError(`${what} must be in [0, ${openRight ? '1)' : '1]'} (got ${v})`);
  }
}

export abstract class Optimizer {
  abstract readonly name: string;
  learningRate: number | LearningRateSchedule;
  readonly clipnorm: number | undefined;
  readonly clipvalue: number | undefined;
  readonly globalClipnorm: number | undefined;
  /** Number of updates applied so far (Keras `iterations`). */
  iterations = 0;
  /** The update loops of the backend in use (looked up per step, so setBackend() applies). */
  protected get kernels(): OptimizerKernels {
    return getBackend().optimizer;
  }
  /** Per-weight slot arrays (moments, accumulators), created on first use. */
  protected readonly slots = new Map<Tensor, FloatArray[]>();
  private readonly scratch = new Map<Tensor, FloatArray>();

  constructor(opts: OptimizerOptions, defaultLearningRate: number) {
    this.learningRate = opts.learningRate ?? defaultLearningRate;
    if (typeof this.learningRate === 'number') checkPositive('learningRate', this.learningRate);
    checkPositive('clipnorm', opts.clipnorm);
    checkPositive('clipvalue', opts.clipvalue);
    checkPositive('globalClipnorm', opts.globalClipnorm);
    const given = [opts.clipnorm, opts.clipvalue, opts.globalClipnorm].filter(
      (v) => v !== undefined,
    );
    if (given.length > 1) {
      throw new UsageError('only one of clipnorm, clipvalue and globalClipnorm can be set');
    }
    this.clipnorm = opts.clipnorm;
    this.clipvalue = opts.clipvalue;
    this.globalClipnorm = opts.globalClipnorm;
  }

  /** The rate used by the next update. */
  currentLearningRate(): number {
    const lr = this.learningRate;
    return typeof lr === 'number' ? lr : lr.at(this.iterations);
  }

  /**
   * One update of every weight that has a gradient (`w.grad`). The gradients
   * themselves are not modified: clipping works on a copy, so observers still
   * see the raw gradients.
   */
  step(weights: readonly Tensor[]): StepReport {
    const live = weights.filter((w) => w.grad !== null);
    if (this.clipnorm === undefined && this.globalClipnorm === undefined) {
      // No clip needs the norm before the update: the report computes it when
      // read (from the same gradients, which the update does not change), so a
      // training loop that ignores it does not pay a pass over every gradient.
      const lr = this.currentLearningRate();
      for (const w of live) this.update(w.data, this.clipped(w, 0, 0), this.slotsFor(w), lr);
      this.iterations++;
      return lazyReport(
        live.map((w) => w.grad!.data),
        this.kernels,
      );
    }
    let total = 0;
    const norms: number[] = [];
    for (const w of live) {
      const n2 = this.kernels.sumSquares(w.grad!.data);
      norms.push(Math.sqrt(n2));
      total += n2;
    }
    const gradNorm = Math.sqrt(total);
    // A NaN or infinite norm would scale every weight by NaN: skip the update instead.
    if (!Number.isFinite(gradNorm)) return { gradNorm, skipped: true };
    const lr = this.currentLearningRate();
    live.forEach((w, i) => {
      const g = this.clipped(w, norms[i]!, gradNorm);
      this.update(w.data, g, this.slotsFor(w), lr);
    });
    this.iterations++;
    return { gradNorm, skipped: false };
  }

  private clipped(w: Tensor, norm: number, globalNorm: number): FloatArray {
    const raw = w.grad!.data;
    let scale = 1;
    if (this.clipnorm !== undefined && norm > this.clipnorm) scale = this.clipnorm / norm;
    if (this.globalClipnorm !== undefined && globalNorm > this.globalClipnorm) {
      scale = this.globalClipnorm / globalNorm;
    }
    if (scale === 1 && this.clipvalue === undefined) return raw;
    let g = this.scratch.get(w);
    if (g === undefined) {
      g = allocate(w.dtype, w.size);
      this.scratch.set(w, g);
    }
    g.set(raw);
    if (scale !== 1) this.kernels.scaleInPlace(g, scale);
    if (this.clipvalue !== undefined) this.kernels.clipInPlace(g, this.clipvalue);
    return g;
  }

  /**
   * The slot arrays (moments, accumulators) of a weight, created as the first
   * update would create them when absent: checkpoints save and refill them.
   */
  slotsOf(w: Tensor): FloatArray[] {
    return this.slotsFor(w);
  }

  private slotsFor(w: Tensor): FloatArray[] {
    let s = this.slots.get(w);
    if (s === undefined) {
      // In the backend's memory where it has one, as the weights (see Weight.assign).
      s = this.newSlots(w).map((a) => residentCopy(a));
      this.slots.set(w, s);
    }
    return s;
  }

  /** Fresh slot arrays for a weight (zeros unless the optimizer says otherwise). */
  protected abstract newSlots(w: Tensor): FloatArray[];
  protected abstract update(w: FloatArray, g: FloatArray, slots: FloatArray[], lr: number): void;
  protected abstract hyperparameters(): JsonObject;

  getConfig(): JsonObject {
    const lr = this.learningRate;
    const out: JsonObject = {
      name: this.name,
      learningRate: typeof lr === 'number' ? lr : { schedule: lr.name, ...lr.config },
      ...this.hyperparameters(),
    };
    if (this.clipnorm !== undefined) out['clipnorm'] = this.clipnorm;
    if (this.clipvalue !== undefined) out['clipvalue'] = this.clipvalue;
    if (this.globalClipnorm !== undefined) out['globalClipnorm'] = this.globalClipnorm;
    return out;
  }
}

export interface SGDOptions extends OptimizerOptions {
  momentum?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(opts: SGDOptions = {}) {
    super(opts, 0.01);
    this.momentum = opts.momentum ?? 0;
    this.nesterov = opts.nesterov ?? false;
    checkUnit('SGD momentum', this.momentum, false);
  }
  protected newSlots(w: Tensor): FloatArray[] {
    return this.momentum > 0 ? [allocate(w.dtype, w.size)] : [];
  }
  protected update(w: FloatArray, g: FloatArray, slots: FloatArray[], lr: number): void {
    this.kernels.sgd(w, g, slots[0] ?? null, lr, this.momentum, this.nesterov);
  }
  protected hyperparameters(): JsonObject {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adam extends Optimizer {
  readonly name: string = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(opts: AdamOptions = {}) {
    super(opts, 0.001);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-7;
    checkUnit('Adam beta1', this.beta1);
    checkUnit('Adam beta2', this.beta2);
    checkPositive('Adam epsilon', this.epsilon);
  }
  protected newSlots(w: Tensor): FloatArray[] {
    return [allocate(w.dtype, w.size), allocate(w.dtype, w.size)];
  }
  protected update(w: FloatArray, g: FloatArray, slots: FloatArray[], lr: number): void {
    const t = this.iterations + 1;
    const alpha = (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    this.kernels.adam(w, g, slots[0]!, slots[1]!, alpha, this.beta1, this.beta2, this.epsilon);
  }
  protected hyperparameters(): JsonObject {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

export interface AdamWOptions extends AdamOptions {
  weightDecay?: number;
}

/** Adam with decoupled weight decay (Loshchilov & Hutter): w ← w − w·wd·lr before the Adam step. */
export class AdamW extends Adam {
  override readonly name: string = 'adamw';
  readonly weightDecay: number;
  constructor(opts: AdamWOptions = {}) {
    super(opts);
    this.weightDecay = opts.weightDecay ?? 0.004;
    if (!(Number.isFinite(this.weightDecay) && this.weightDecay >= 0)) {
      throw new UsageError(
        `AdamW weightDecay must be a finite number >= 0 (got ${this.weightDecay})`,
      );
    }
  }
  protected override update(w: FloatArray, g: FloatArray, slots: FloatArray[], lr: number): void {
    this.kernels.decay(w, this.weightDecay * lr);
    super.update(w, g, slots, lr);
  }
  protected override hyperparameters(): JsonObject {
    return { ...super.hyperparameters(), weightDecay: this.weightDecay };
  }
}

export interface RMSpropOptions extends OptimizerOptions {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  constructor(opts: RMSpropOptions = {}) {
    super(opts, 0.001);
    this.rho = opts.rho ?? 0.9;
    this.momentum = opts.momentum ?? 0;
    this.epsilon = opts.epsilon ?? 1e-7;
    this.centered = opts.centered ?? false;
    checkUnit('RMSprop rho', this.rho);
    checkUnit('RMSprop momentum', this.momentum);
    checkPositive('RMSprop epsilon', this.epsilon);
  }
  protected newSlots(w: Tensor): FloatArray[] {
    const n = w.size;
    return [
      allocate(w.dtype, n),
      ...(this.centered ? [allocate(w.dtype, n)] : []),
      ...(this.momentum > 0 ? [allocate(w.dtype, n)] : []),
    ];
  }
  protected update(w: FloatArray, g: FloatArray, slots: FloatArray[], lr: number): void {
    const avg = this.centered ? slots[1]! : null;
    const mom = this.momentum > 0 ? slots[this.centered ? 2 : 1]! : null;
    this.kernels.rmsprop(w, g, slots[0]!, avg, mom, lr, this.rho, this.momentum, this.epsilon);
  }
  protected hyperparameters(): JsonObject {
    return {
      rho: this.rho,
      momentum: this.momentum,
      epsilon: this.epsilon,
      centered: this.centered,
    };
  }
}

export interface AdagradOptions extends OptimizerOptions {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

export class Adagrad extends Optimizer {
  readonly name = 'adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  constructor(opts: AdagradOptions = {}) {
    super(opts, 0.001);
    this.initialAccumulatorValue = opts.initialAccumulatorValue ?? 0.1;
    this.epsilon = opts.epsilon ?? 1e-7;
    if (!(this.initialAccumulatorValue >= 0)) {
      throw new UsageError('Adagrad initialAccumulatorValue must be >= 0');
    }
    checkPositive('Adagrad epsilon', this.epsilon);
  }
  protected newSlots(w: Tensor): FloatArray[] {
    return [allocate(w.dtype, w.size).fill(this.initialAccumulatorValue)];
  }
  protected update(w: FloatArray, g: FloatArray, slots: FloatArray[], lr: number): void {
    this.kernels.adagrad(w, g, slots[0]!, lr, this.epsilon);
  }
  protected hyperparameters(): JsonObject {
    return { initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

/** Options of any optimizer; each takes the ones it knows. */
export type AnyOptimizerOptions = SGDOptions & AdamWOptions & RMSpropOptions & AdagradOptions;

const FACTORIES: Readonly<Record<string, (o: AnyOptimizerOptions) => Optimizer>> = {
  sgd: (o) => new SGD(o),
  adam: (o) => new Adam(o),
  adamw: (o) => new AdamW(o),
  rmsprop: (o) => new RMSprop(o),
  adagrad: (o) => new Adagrad(o),
};

export const OPTIMIZER_NAMES: readonly string[] = Object.keys(FACTORIES);

/** An optimizer by name with options (`'adam'`, `{learningRate: 0.01, clipnorm: 1}`). */
export function getOptimizer(spec: string | Optimizer, opts: AnyOptimizerOptions = {}): Optimizer {
  if (typeof spec !== 'string') return spec;
  const key = spec.toLowerCase();
  const make = Object.hasOwn(FACTORIES, key) ? FACTORIES[key] : undefined;
  if (make === undefined) {
    const near = closest(spec, OPTIMIZER_NAMES);
    const hint =
      near.length > 0 ? ` — did you mean ${near.map((n) => `'${n}'`).join(' or ')}?` : '';
    throw new UsageError(
      `unknown optimizer '${spec}'${hint} (valid: ${OPTIMIZER_NAMES.join(', ')})`,
    );
  }
  return make(opts);
}
