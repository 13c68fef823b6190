/** Conv2D and the 2-D pooling layers, channels last (NHWC), as Keras. */
import { UsageError } from '../../activations/errors.js';
import type { ParamValue } from '../../activations/types.js';
import {
  avgPool2d,
  biasAdd,
  conv2d,
  conv2dBiasActivation,
  globalAvgPool2d,
  maxPool2d,
} from '../../tensor/index.js';
import type { Shape, Tensor } from '../../tensor/tensor.js';
import type { InitializerLike } from '../initializers.js';
import type { JsonObject } from '../json.js';
import type { RegularizerLike } from '../regularizers.js';
import { ActivationRef, activationConfig } from './activation-ref.js';
import { KernelOptions } from './core.js';
import {
  type CallContext,
  Layer,
  type LayerOptions,
  positiveInt,
  shapeWithBatch,
  type Weight,
} from './layer.js';

export type Padding = 'valid' | 'same';
type Pair = readonly [number, number];

function pair(
  layer: string,
  key: string,
  v: number | readonly number[] | undefined,
  def: number,
): Pair {
  const raw = v ?? def;
  const p = typeof raw === 'number' ? [raw, raw] : raw;
  if (p.length !== 2)
    throw new UsageError(
      `${layer}: ${key} must be a number or a pair (got ${JSON.stringify(raw)})`,
    );
  return [positiveInt(layer, key, p[0]), positiveInt(layer, key, p[1])];
}

function padding(layer: string, v: unknown): Padding {
  const p = v ?? 'valid';
  if (p !== 'valid' && p !== 'same')
    throw new UsageError(`${layer}: padding must be 'valid' or 'same' (got ${JSON.stringify(p)})`);
  return p;
}

/** Output length of a window sweep: Keras's (and TensorFlow's) rule for 'same' and 'valid'. */
export function convOutLength(
  n: number,
  k: number,
  stride: number,
  pad: Padding,
  dilation = 1,
): number {
  const eff = (k - 1) * dilation + 1;
  return pad === 'same' ? Math.ceil(n / stride) : Math.floor((n - eff) / stride) + 1;
}

function needImage(layer: Layer, s: Shape): void {
  if (s.length !== 3) {
    throw new UsageError(
      `${layer.className} ${layer.name} expects images (None, height, width, channels), got ${shapeWithBatch(s)}`,
    );
  }
}

export interface Conv2DOptions extends LayerOptions {
  filters: number;
  kernelSize: number | readonly number[];
  strides?: number | readonly number[];
  padding?: Padding;
  dilationRate?: number | readonly number[];
  activation?: string | null;
  activationParams?: Readonly<Record<string, ParamValue>>;
  useBias?: boolean;
  kernelInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: RegularizerLike | null;
  biasRegularizer?: RegularizerLike | null;
}

/** y = act(conv(x, K) + b), K of shape [kh, kw, inChannels, filters]. */
export class Conv2D extends Layer {
  readonly filters: number;
  readonly kernelSize: Pair;
  readonly strides: Pair;
  readonly padding: Padding;
  readonly dilationRate: Pair;
  readonly activation: ActivationRef | null;
  private readonly k: KernelOptions;
  kernel: Weight | undefined;
  bias: Weight | undefined;

  constructor(opts: Conv2DOptions) {
    super('Conv2D', opts);
    const who = `Conv2D ${this.name}`;
    this.filters = positiveInt(who, 'filters', opts.filters);
    this.kernelSize = pair(who, 'kernelSize', opts.kernelSize, 1);
    this.strides = pair(who, 'strides', opts.strides, 1);
    this.padding = padding(who, opts.padding);
    this.dilationRate = pair(who, 'dilationRate', opts.dilationRate, 1);
    if (
      (this.strides[0] > 1 || this.strides[1] > 1) &&
      (this.dilationRate[0] > 1 || this.dilationRate[1] > 1)
    ) {
      throw new UsageError(
        `${who}: strides > 1 together with dilationRate > 1 is not supported (as in Keras)`,
      );
    }
    this.activation = ActivationRef.resolve(opts.activation, opts.activationParams);
    this.k = new KernelOptions(opts);
  }

  computeOutputShape([s]: readonly Shape[]): Shape {
    needImage(this, s!);
    const [h, w] = s!;
    const oh = convOutLength(
      h!,
      this.kernelSize[0],
      this.strides[0],
      this.padding,
      this.dilationRate[0],
    );
    const ow = convOutLength(
      w!,
      this.kernelSize[1],
      this.strides[1],
      this.padding,
      this.dilationRate[1],
    );
    if (oh < 1 || ow < 1) {
      throw new UsageError(
        `Conv2D ${this.name}: a ${this.kernelSize.join('x')} kernel with '${this.padding}' padding does not fit input ${shapeWithBatch(s!)}`,
      );
    }
    const z = [oh, ow, this.filters];
    return this.activation === null ? z : this.activation.outShape(z, `Conv2D ${this.name}`);
  }

  protected override build([s]: readonly Shape[]): void {
    const shape = [this.kernelSize[0], this.kernelSize[1], s![2]!, this.filters];
    this.kernel = this.addWeight('kernel', shape, this.k.kernelInitializer, {
      regularizer: this.k.kernelRegularizer,
    });
    if (this.k.useBias) {
      this.bias = this.addWeight('bias', [this.filters], this.k.biasInitializer, {
        regularizer: this.k.biasRegularizer,
      });
    }
  }

  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    return this.withName(() => {
      const options = {
        strides: this.strides,
        padding: this.padding,
        dilation: this.dilationRate,
      };
      const bias = this.bias?.tensor;
      const act = this.activation;
      if (ctx.trace === null && bias !== undefined && act?.spec.kind === 'elementwise') {
        // Nobody reads the pre-activation: convolution, bias and activation in one op.
        return conv2dBiasActivation(x!, this.kernel!.tensor, bias, act.spec, act.params, options);
      }
      let z = conv2d(x!, this.kernel!.tensor, options);
      if (bias !== undefined) z = biasAdd(z, bias);
      if (this.activation === null) return this.observe(ctx, null, null, z);
      return this.observe(ctx, this.activation.id, z, this.activation.apply(z));
    });
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dilationRate: [...this.dilationRate],
      ...activationConfig(this.activation),
      ...this.k.config(this.kernel, this.bias),
    };
  }
}

export interface Pool2DOptions extends LayerOptions {
  poolSize?: number | readonly number[];
  strides?: number | readonly number[];
  padding?: Padding;
}

abstract class Pool2D extends Layer {
  readonly poolSize: Pair;
  readonly strides: Pair;
  readonly padding: Padding;
  constructor(className: string, opts: Pool2DOptions) {
    super(className, opts);
    const who = `${className} ${this.name}`;
    this.poolSize = pair(who, 'poolSize', opts.poolSize, 2);
    this.strides =
      opts.strides === undefined ? this.poolSize : pair(who, 'strides', opts.strides, 2);
    this.padding = padding(who, opts.padding);
  }
  computeOutputShape([s]: readonly Shape[]): Shape {
    needImage(this, s!);
    const oh = convOutLength(s![0]!, this.poolSize[0], this.strides[0], this.padding);
    const ow = convOutLength(s![1]!, this.poolSize[1], this.strides[1], this.padding);
    if (oh < 1 || ow < 1) {
      throw new UsageError(
        `${this.className} ${this.name}: pool ${this.poolSize.join('x')} does not fit input ${shapeWithBatch(s!)}`,
      );
    }
    return [oh, ow, s![2]!];
  }
  protected options() {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      poolSize: [...this.poolSize],
      strides: [...this.strides],
      padding: this.padding,
    };
  }
}

export class MaxPooling2D extends Pool2D {
  constructor(opts: Pool2DOptions = {}) {
    super('MaxPooling2D', opts);
  }
  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    return this.observe(
      ctx,
      null,
      null,
      this.withName(() => maxPool2d(x!, this.options())),
    );
  }
}

export class AveragePooling2D extends Pool2D {
  constructor(opts: Pool2DOptions = {}) {
    super('AveragePooling2D', opts);
  }
  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    return this.observe(
      ctx,
      null,
      null,
      this.withName(() => avgPool2d(x!, this.options())),
    );
  }
}

/** Keras's shorter names for the same classes. */
export const MaxPool2D = MaxPooling2D;
export const AvgPool2D = AveragePooling2D;

/** Mean over height and width: (None, h, w, c) -> (None, c). */
export class GlobalAveragePooling2D extends Layer {
  constructor(opts: LayerOptions = {}) {
    super('GlobalAveragePooling2D', opts);
  }
  computeOutputShape([s]: readonly Shape[]): Shape {
    needImage(this, s!);
    return [s![2]!];
  }
  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    return this.observe(ctx, null, null, globalAvgPool2d(x!));
  }
}
