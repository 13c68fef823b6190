/**
 * Activation layers with weights or randomness (PReLU, RReLU) and layers that
 * are their own activation (Maxout, GatedDense).
 */
import { UsageError } from '../../activations/errors.js';
import { activation, max, mul, reshape } from '../../tensor/index.js';
import type { Shape, Tensor } from '../../tensor/tensor.js';
import { getInitializer, type Initializer, type InitializerLike } from '../initializers.js';
import type { JsonObject } from '../json.js';
import { prelu, rrelu } from '../ops/prelu.js';
import type { RegularizerLike } from '../regularizers.js';
import { affine, type DenseOptions, KernelOptions } from './core.js';
import {
  type CallContext,
  initConfig,
  Layer,
  type LayerOptions,
  positiveInt,
  regConfig,
  type Weight,
} from './layer.js';

export interface PReLUOptions extends LayerOptions {
  /** Initial slopes; PyTorch's 0.25 by default (Keras and TF.js start at 0). */
  alphaInitializer?: InitializerLike;
  alphaRegularizer?: RegularizerLike | null;
  /** Axes (1-based, batch is 0, as in Keras) that share one slope: [1, 2] gives one slope per channel of an image. */
  sharedAxes?: readonly number[];
}

/** Leaky ReLU with learnt slopes, one per element of a sample unless axes are shared (He et al. 2015). */
export class PReLU extends Layer {
  readonly alphaInitializer: Initializer;
  readonly alphaRegularizer: RegularizerLike | null;
  readonly sharedAxes: readonly number[];
  alpha: Weight | undefined;

  constructor(opts: PReLUOptions = {}) {
    super('PReLU', opts);
    this.alphaInitializer = getInitializer(
      opts.alphaInitializer ?? { name: 'constant', value: 0.25 },
    );
    this.alphaRegularizer = opts.alphaRegularizer ?? null;
    this.sharedAxes = [...(opts.sharedAxes ?? [])];
    for (const a of this.sharedAxes) positiveInt(`PReLU ${this.name}`, 'sharedAxes', a);
  }

  computeOutputShape([s]: readonly Shape[]): Shape {
    for (const a of this.sharedAxes) {
      if (a > s!.length) {
        throw new UsageError(
          `PReLU ${this.name}: shared axis ${a} is out of range for input rank ${s!.length + 1}`,
        );
      }
    }
    return s!;
  }

  protected override build([s]: readonly Shape[]): void {
    const shape = s!.map((d, i) => (this.sharedAxes.includes(i + 1) ? 1 : d));
    this.alpha = this.addWeight('alpha', shape, this.alphaInitializer, {
      regularizer: this.alphaRegularizer,
    });
  }

  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    return this.observe(ctx, 'prelu', x!, prelu(x!, this.alpha!.tensor));
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      alphaInitializer: initConfig(this.alphaInitializer),
      alphaRegularizer: regConfig(this.alpha?.regularizer ?? null),
      sharedAxes: [...this.sharedAxes],
    };
  }
}

export interface RReLUOptions extends LayerOptions {
  lower?: number;
  upper?: number;
}

/** Randomised leaky ReLU: slopes from U(lower, upper) in training, their mean at inference (PyTorch's defaults 1/8, 1/3). */
export class RReLU extends Layer {
  readonly lower: number;
  readonly upper: number;
  constructor(opts: RReLUOptions = {}) {
    super('RReLU', opts);
    this.lower = opts.lower ?? 1 / 8;
    this.upper = opts.upper ?? 1 / 3;
    if (!(Number.isFinite(this.lower) && Number.isFinite(this.upper) && this.lower <= this.upper)) {
      throw new UsageError(
        `RReLU ${this.name}: need finite lower <= upper (got ${this.lower}, ${this.upper})`,
      );
    }
  }
  computeOutputShape([s]: readonly Shape[]): Shape {
    return s!;
  }
  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    return this.observe(ctx, 'rrelu', x!, rrelu(x!, this.lower, this.upper, ctx.training, ctx.rng));
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), lower: this.lower, upper: this.upper };
  }
}

export interface MaxoutOptions extends Omit<DenseOptions, 'activation' | 'activationParams'> {
  pieces: number;
}

/** Maxout (Goodfellow et al. 2013): each of `units` outputs is the max of `pieces` affine maps of x. */
export class Maxout extends Layer {
  readonly units: number;
  readonly pieces: number;
  private readonly k: KernelOptions;
  kernel: Weight | undefined;
  bias: Weight | undefined;

  constructor(opts: MaxoutOptions) {
    super('Maxout', opts);
    this.units = positiveInt(`Maxout ${this.name}`, 'units', opts.units);
    this.pieces = positiveInt(`Maxout ${this.name}`, 'pieces', opts.pieces);
    this.k = new KernelOptions(opts);
  }

  computeOutputShape([s]: readonly Shape[]): Shape {
    if (s!.length !== 1)
      throw new UsageError(
        `Maxout ${this.name} expects (None, features), got rank ${s!.length + 1}`,
      );
    return [this.units];
  }

  protected override build([s]: readonly Shape[]): void {
    const n = this.units * this.pieces;
    this.kernel = this.addWeight('kernel', [s![0]!, n], this.k.kernelInitializer, {
      regularizer: this.k.kernelRegularizer,
    });
    if (this.k.useBias)
      this.bias = this.addWeight('bias', [n], this.k.biasInitializer, {
        regularizer: this.k.biasRegularizer,
      });
  }

  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    // Column u·pieces + p of the kernel is piece p of unit u.
    const z = affine(x!, this.kernel!.tensor, this.bias?.tensor ?? null);
    const y = max(reshape(z, [x!.shape[0]!, this.units, this.pieces]), -1);
    return this.observe(ctx, 'maxout', z, y);
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      units: this.units,
      pieces: this.pieces,
      ...this.k.config(this.kernel, this.bias),
    };
  }
}

/** The gate of each GLU variant, applied to the first projection (a = xW + b). */
const GATES = { glu: 'sigmoid', reglu: 'relu', swiglu: 'silu', geglu: 'gelu' } as const;
export type GateKind = keyof typeof GATES;

export interface GatedDenseOptions extends Omit<DenseOptions, 'activation' | 'activationParams'> {
  activation?: GateKind;
}

/**
 * GLU family (Dauphin et al. 2017; Shazeer 2020): act(xW + b) ⊗ (xV + c), with
 * act = sigmoid (GLU), relu (ReGLU), silu (SwiGLU) or gelu (GEGLU).
 */
export class GatedDense extends Layer {
  readonly units: number;
  readonly gate: GateKind;
  private readonly k: KernelOptions;
  kernel: Weight | undefined;
  bias: Weight | undefined;
  gateKernel: Weight | undefined;
  gateBias: Weight | undefined;

  constructor(opts: GatedDenseOptions) {
    super('GatedDense', opts);
    this.units = positiveInt(`GatedDense ${this.name}`, 'units', opts.units);
    const g = opts.activation ?? 'swiglu';
    if (!Object.hasOwn(GATES, g)) {
      throw new UsageError(
        `GatedDense ${this.name}: activation must be one of ${Object.keys(GATES).join(', ')} (got '${g}')`,
      );
    }
    this.gate = g;
    this.k = new KernelOptions(opts);
  }

  computeOutputShape([s]: readonly Shape[]): Shape {
    return [...s!.slice(0, -1), this.units];
  }

  protected override build([s]: readonly Shape[]): void {
    const inDim = s![s!.length - 1]!;
    const reg = { regularizer: this.k.kernelRegularizer };
    const breg = { regularizer: this.k.biasRegularizer };
    this.kernel = this.addWeight('kernel', [inDim, this.units], this.k.kernelInitializer, reg);
    if (this.k.useBias)
      this.bias = this.addWeight('bias', [this.units], this.k.biasInitializer, breg);
    this.gateKernel = this.addWeight(
      'gate_kernel',
      [inDim, this.units],
      this.k.kernelInitializer,
      reg,
    );
    if (this.k.useBias)
      this.gateBias = this.addWeight('gate_bias', [this.units], this.k.biasInitializer, breg);
  }

  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    const a = affine(x!, this.kernel!.tensor, this.bias?.tensor ?? null);
    const b = affine(x!, this.gateKernel!.tensor, this.gateBias?.tensor ?? null);
    return this.observe(ctx, GATES[this.gate], a, mul(activation(a, GATES[this.gate]), b));
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.gate,
      ...this.k.config(this.kernel, this.bias),
    };
  }
}
