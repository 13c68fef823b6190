/**
 * GradientFlow: for every layer with trainable weights and every recorded
 * step, the gradient norm, the weight norm and the size of the update
 * relative to the weights. From those it flags vanishing gradients (the first
 * layer's gradient a tiny fraction of the last layer's) and exploding ones
 * (non-finite values, or norms that grow by orders of magnitude).
 *
 * fit() calls onBatchEnd after the optimizer step, so the weights it sees are
 * already updated while the gradients are the ones that made the update; the
 * update is measured against a copy taken at the previous step. The copies
 * are the instrument's own: it never writes to the model.
 */
import type { Callback, CallbackInfo, Logs, Model, Target } from '../nn/index.js';
import { add, type Tensor } from '../tensor/index.js';
import { sumSquares, type WeightGroup, weightGroups } from './model-view.js';

export interface LayerGradient {
  readonly layer: string;
  /** L2 norm of the gradient of all the layer's trainable weights together. */
  readonly gradNorm: number;
  /** L2 norm of the layer's trainable weights (after the step). */
  readonly weightNorm: number;
  /** ‖W_after − W_before‖ / ‖W_before‖ for this step (NaN when the weights were all zero). */
  readonly updateRatio: number;
}

export interface GradientStep {
  /** 0-based count of optimizer steps since training began. */
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
  readonly layers: readonly LayerGradient[];
  /** ‖∇‖ of every layer together. */
  readonly globalGradNorm: number;
  /** First kernel layer's gradient norm / last kernel layer's; NaN when undefined. */
  readonly firstLastRatio: number;
}

export interface GradientFlowOptions {
  /** Vanishing when the typical first/last gradient ratio is below this (default 1e-2: a hundredfold shrink). */
  vanishingBound?: number;
  /** Exploding when the global gradient norm exceeds this many times its early level (default 1e3). */
  growthBound?: number;
  /** Record every n-th step (default 1); the update ratio is always over a single step. */
  every?: number;
}

export interface GradientFlowSummary {
  readonly steps: number;
  /** Median over the recorded steps of the first/last gradient ratio. */
  readonly medianFirstLastRatio: number;
  readonly vanishing: boolean;
  readonly exploding: boolean;
  /** Why exploding was flagged, in words (empty when it was not). */
  readonly explodingReason: string;
  /** The step where a loss, gradient or weight first became NaN or infinite, or null. */
  readonly firstNonFiniteStep: number | null;
  /** The largest global gradient norm over its early level (first recorded steps' median). */
  readonly maxGrowth: number;
}

/** How many early steps set the reference level for the growth test. */
const EARLY_STEPS = 5;

export function median(values: readonly number[]): number {
  const s = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function groupGradNorm(g: WeightGroup): number {
  let s = 0;
  for (const w of g.weights) {
    const grad = w.tensor.grad;
    if (grad !== null) s += sumSquares(grad.data);
  }
  return Math.sqrt(s);
}

/** Per-layer gradient norms and the first/last ratio over kernel layers (all layers when none has a kernel). */
function ratioOf(groups: readonly WeightGroup[], norms: readonly number[]): number {
  const idx = groups.map((g, i) => (g.hasKernel ? i : -1)).filter((i) => i >= 0);
  const use = idx.length >= 2 ? idx : groups.map((_, i) => i);
  if (use.length < 2) return Number.NaN;
  return norms[use[0]!]! / norms[use[use.length - 1]!]!;
}

export class GradientFlow implements Callback {
  readonly history: GradientStep[] = [];
  private readonly vanishingBound: number;
  private readonly growthBound: number;
  private readonly every: number;
  private groups: WeightGroup[] = [];
  private previous: Float64Array[][] = [];
  private step = 0;
  private epoch = 0;
  private nonFiniteStep: number | null = null;

  constructor(opts: GradientFlowOptions = {}) {
    this.vanishingBound = opts.vanishingBound ?? 1e-2;
    this.growthBound = opts.growthBound ?? 1e3;
    this.every = Math.max(1, Math.floor(opts.every ?? 1));
  }

  onTrainBegin({ model }: CallbackInfo): void {
    this.history.length = 0;
    this.step = 0;
    this.nonFiniteStep = null;
    this.groups = weightGroups(model);
    this.previous = this.snapshot();
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  onBatchEnd(_batch: number, logs: Logs): void {
    const step = this.step++;
    const current = this.snapshot();
    const loss = logs['batchLoss'] ?? logs['loss'] ?? Number.NaN;
    const record = step % this.every === 0;
    const layers: LayerGradient[] = [];
    let total = 0;
    let finite = Number.isFinite(loss);
    this.groups.forEach((g, gi) => {
      const gradNorm = groupGradNorm(g);
      let w2 = 0;
      let d2 = 0;
      let before2 = 0;
      current[gi]!.forEach((now, wi) => {
        const was = this.previous[gi]![wi]!;
        for (let i = 0; i < now.length; i++) {
          const d = now[i]! - was[i]!;
          w2 += now[i]! * now[i]!;
          d2 += d * d;
          before2 += was[i]! * was[i]!;
        }
      });
      const weightNorm = Math.sqrt(w2);
      if (!Number.isFinite(gradNorm) || !Number.isFinite(weightNorm)) finite = false;
      total += gradNorm * gradNorm;
      layers.push({
        layer: g.layer.name,
        gradNorm,
        weightNorm,
        updateRatio: before2 > 0 ? Math.sqrt(d2 / before2) : Number.NaN,
      });
    });
    this.previous = current;
    if (!finite && this.nonFiniteStep === null) this.nonFiniteStep = step;
    if (!record) return;
    this.history.push({
      step,
      epoch: this.epoch,
      loss,
      layers,
      globalGradNorm: Math.sqrt(total),
      firstLastRatio: ratioOf(
        this.groups,
        layers.map((l) => l.gradNorm),
      ),
    });
  }

  /** Copies of the trainable weights, in float64, grouped as `groups`. */
  private snapshot(): Float64Array[][] {
    return this.groups.map((g) => g.weights.map((w) => Float64Array.from(w.tensor.data)));
  }

  summary(): GradientFlowSummary {
    const ratios = this.history.map((h) => h.firstLastRatio);
    const medianRatio = median(ratios);
    const norms = this.history.map((h) => h.globalGradNorm);
    const early = median(norms.slice(0, EARLY_STEPS).filter(Number.isFinite));
    let maxGrowth = 0;
    for (const n of norms) {
      if (Number.isFinite(n) && early > 0) maxGrowth = Math.max(maxGrowth, n / early);
    }
    const grew = maxGrowth > this.growthBound;
    const nonFinite = this.nonFiniteStep !== null;
    const reason = nonFinite
      ? `the loss, a gradient or a weight became NaN or infinite at step ${this.nonFiniteStep! + 1}`
      : grew
        ? `the gradient norm grew to ${formatFactor(maxGrowth)} times its level in the first steps`
        : '';
    return {
      steps: this.step,
      medianFirstLastRatio: medianRatio,
      // A non-finite run says nothing reliable about the ratio.
      vanishing: !nonFinite && medianRatio < this.vanishingBound,
      exploding: nonFinite || grew,
      explodingReason: reason,
      firstNonFiniteStep: this.nonFiniteStep,
      maxGrowth,
    };
  }
}

export function formatFactor(x: number): string {
  return x >= 1e4 || x < 1e-2 ? x.toExponential(1) : String(Number(x.toPrecision(3)));
}

export interface GradientProbe {
  /** Names of the layers with trainable weights, in order. */
  readonly layers: readonly string[];
  readonly gradNorms: readonly number[];
  /** Which of them carry a kernel (Dense, Conv2D). */
  readonly hasKernel: readonly boolean[];
  readonly loss: number;
}

/**
 * Per-layer gradient norms of the compiled loss on one batch, without an
 * update (for "gradients at initialisation"). Dropout and batch norm run in
 * training mode, as in the first step of fit(). The gradients it leaves on the
 * weights are cleared again, so the model is as it was (batch norm's moving
 * statistics aside, which a training-mode pass always updates).
 */
export function probeGradients(model: Model, x: Tensor, y: Target): GradientProbe {
  const compiled = model.compiled;
  if (compiled === null) throw new Error(`model ${model.name} is not compiled`);
  const groups = weightGroups(model);
  const tensors = groups.flatMap((g) => g.weights.map((w) => w.tensor));
  for (const t of tensors) t.grad = null;
  const pred = model.forward([x], { training: true, rng: model.rng, trace: null })[0]!;
  let loss = compiled.loss.compute(pred, y);
  for (const w of model.weights) {
    if (w.regularizer !== null) loss = add(loss, w.regularizer.penalty(w.tensor));
  }
  loss.backward();
  const gradNorms = groups.map(groupGradNorm);
  const lossValue = loss.data[0]!;
  for (const t of tensors) t.grad = null;
  return {
    layers: groups.map((g) => g.layer.name),
    gradNorms,
    hasKernel: groups.map((g) => g.hasKernel),
    loss: lossValue,
  };
}
