/** BatchNormalization and LayerNormalization over the last axis (channels last). */
import { UsageError } from '../../activations/errors.js';
import type { Shape, Tensor } from '../../tensor/tensor.js';
import type { JsonObject } from '../json.js';
import { batchNorm, layerNorm } from '../ops/normalization.js';
import { type CallContext, Layer, type LayerOptions, type Weight } from './layer.js';

function positiveNumber(who: string, key: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
    throw new UsageError(`${who}: ${key} must be a finite number > 0 (got ${JSON.stringify(v)})`);
  }
  return v;
}

export interface BatchNormalizationOptions extends LayerOptions {
  /** Moving statistics keep this fraction of their old value per batch (Keras: 0.99). */
  momentum?: number;
  /** Added to the variance (Keras: 1e-3). */
  epsilon?: number;
}

/**
 * Training: normalise with the batch's mean and (biased) variance per channel
 * and update the moving statistics; inference: use the moving statistics.
 * gamma and beta are trained; moving_mean and moving_variance are not (Keras).
 */
export class BatchNormalization extends Layer {
  readonly momentum: number;
  readonly epsilon: number;
  gamma: Weight | undefined;
  beta: Weight | undefined;
  movingMean: Weight | undefined;
  movingVariance: Weight | undefined;

  constructor(opts: BatchNormalizationOptions = {}) {
    super('BatchNormalization', opts);
    this.momentum = opts.momentum ?? 0.99;
    if (!(this.momentum >= 0 && this.momentum < 1)) {
      throw new UsageError(
        `BatchNormalization ${this.name}: momentum must be in [0, 1) (got ${this.momentum})`,
      );
    }
    this.epsilon = positiveNumber(
      `BatchNormalization ${this.name}`,
      'epsilon',
      opts.epsilon ?? 1e-3,
    );
  }

  computeOutputShape([s]: readonly Shape[]): Shape {
    return s!;
  }

  protected override build([s]: readonly Shape[]): void {
    const c = [s![s!.length - 1]!];
    this.gamma = this.addWeight('gamma', c, 'ones');
    this.beta = this.addWeight('beta', c, 'zeros');
    this.movingMean = this.addWeight('moving_mean', c, 'zeros', { trainable: false });
    this.movingVariance = this.addWeight('moving_variance', c, 'ones', { trainable: false });
  }

  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    const mm = this.movingMean!.tensor.data;
    const mv = this.movingVariance!.tensor.data;
    if (!ctx.training) {
      const { y } = batchNorm(x!, this.gamma!.tensor, this.beta!.tensor, this.epsilon, {
        mean: mm,
        variance: mv,
      });
      return this.observe(ctx, null, null, y);
    }
    const { y, mean, variance } = batchNorm(
      x!,
      this.gamma!.tensor,
      this.beta!.tensor,
      this.epsilon,
      null,
    );
    const m = this.momentum;
    for (let j = 0; j < mm.length; j++) {
      mm[j] = mm[j]! * m + mean[j]! * (1 - m);
      mv[j] = mv[j]! * m + variance[j]! * (1 - m);
    }
    return this.observe(ctx, null, null, y);
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}

export interface LayerNormalizationOptions extends LayerOptions {
  epsilon?: number;
}

/** Normalises each sample over its last axis, then scales by gamma and shifts by beta. */
export class LayerNormalization extends Layer {
  readonly epsilon: number;
  gamma: Weight | undefined;
  beta: Weight | undefined;

  constructor(opts: LayerNormalizationOptions = {}) {
    super('LayerNormalization', opts);
    this.epsilon = positiveNumber(
      `LayerNormalization ${this.name}`,
      'epsilon',
      opts.epsilon ?? 1e-3,
    );
  }

  computeOutputShape([s]: readonly Shape[]): Shape {
    return s!;
  }

  protected override build([s]: readonly Shape[]): void {
    const c = [s![s!.length - 1]!];
    this.gamma = this.addWeight('gamma', c, 'ones');
    this.beta = this.addWeight('beta', c, 'zeros');
  }

  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    return this.observe(
      ctx,
      null,
      null,
      layerNorm(x!, this.gamma!.tensor, this.beta!.tensor, this.epsilon),
    );
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
