/** Input, Dense, Flatten, Activation, Dropout and AlphaDropout. */
import { UsageError } from '../../activations/errors.js';
import type { ParamValue } from '../../activations/types.js';
import { isChoiceParam } from '../../activations/types.js';
import {
  alphaDropout,
  biasAdd,
  denseBiasActivation,
  dropout,
  matmul,
  reshape,
} from '../../tensor/index.js';
import type { Shape, Tensor } from '../../tensor/tensor.js';
import { getInitializer, type Initializer, type InitializerLike } from '../initializers.js';
import type { JsonObject } from '../json.js';
import { learnableActivation } from '../ops/learnable.js';
import type { RegularizerLike } from '../regularizers.js';
import { ActivationRef, activationConfig } from './activation-ref.js';
import {
  type CallContext,
  initConfig,
  Layer,
  type LayerOptions,
  positiveInt,
  rate,
  regConfig,
  SymbolicTensor,
  type Weight,
} from './layer.js';

export interface InputOptions {
  shape: readonly number[];
  name?: string;
}

/** The entry point of a model: passes the data through, after the shape check. */
export class InputLayer extends Layer {
  constructor(opts: InputOptions) {
    super('InputLayer', { name: opts.name ?? undefined });
    if (!Array.isArray(opts.shape) || opts.shape.length === 0) {
      throw new UsageError(`InputLayer ${this.name}: shape must be a non-empty list of sizes`);
    }
    for (const d of opts.shape) positiveInt(`InputLayer ${this.name}`, 'shape', d);
    this.inputShapes = [[...opts.shape]];
    this.outputShape = [...opts.shape];
  }
  computeOutputShape(): Shape {
    return this.outputShape!;
  }
  call(inputs: readonly Tensor[]): Tensor {
    return inputs[0]!;
  }
  override getConfig(): JsonObject {
    return { name: this.name, shape: [...this.outputShape!] };
  }
}

/** `Input({shape: [28, 28, 1]})`: the symbolic input of a functional model. */
export function Input(opts: InputOptions): SymbolicTensor {
  return symbolicInput(new InputLayer(opts));
}

/** The symbolic tensor an InputLayer produces. */
export function symbolicInput(layer: InputLayer): SymbolicTensor {
  return new SymbolicTensor(layer.outputShape!, { layer, inputs: [] });
}

export interface DenseOptions extends LayerOptions {
  units: number;
  activation?: string | null;
  activationParams?: Readonly<Record<string, ParamValue>>;
  useBias?: boolean;
  kernelInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: RegularizerLike | null;
  biasRegularizer?: RegularizerLike | null;
}

/** The affine part shared by Dense-like layers: x·W (+ b) over the last axis, any leading dims. */
export function affine(x: Tensor, kernel: Tensor, bias: Tensor | null): Tensor {
  return onRows(x, kernel.shape[1]!, (flat) => {
    const z = matmul(flat, kernel);
    return bias === null ? z : biasAdd(z, bias);
  });
}

/** f on x seen as rows of its last axis ([rows, inDim]); f's [rows, units] gets x's leading axes back. */
function onRows(x: Tensor, units: number, f: (flat: Tensor) => Tensor): Tensor {
  if (x.rank === 2) return f(x);
  const y = f(reshape(x, [-1, x.shape[x.rank - 1]!]));
  return reshape(y, [...x.shape.slice(0, -1), units]);
}

/** Shared option handling of layers with a kernel and a bias. */
export class KernelOptions {
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: RegularizerLike | null;
  readonly biasRegularizer: RegularizerLike | null;
  constructor(opts: DenseOptions | Omit<DenseOptions, 'units'>) {
    this.useBias = opts.useBias ?? true;
    this.kernelInitializer = getInitializer(opts.kernelInitializer ?? 'glorot_uniform');
    this.biasInitializer = getInitializer(opts.biasInitializer ?? 'zeros');
    this.kernelRegularizer = opts.kernelRegularizer ?? null;
    this.biasRegularizer = opts.biasRegularizer ?? null;
  }
  config(kernel: Weight | undefined, bias: Weight | undefined): JsonObject {
    return {
      useBias: this.useBias,
      kernelInitializer: initConfig(this.kernelInitializer),
      biasInitializer: initConfig(this.biasInitializer),
      kernelRegularizer: regConfig(kernel?.regularizer ?? null),
      biasRegularizer: regConfig(bias?.regularizer ?? null),
    };
  }
}

/** y = act(x·W + b), W of shape [inputDim, units] (Keras layout). */
export class Dense extends Layer {
  readonly units: number;
  readonly activation: ActivationRef | null;
  protected readonly k: KernelOptions;
  kernel: Weight | undefined;
  bias: Weight | undefined;

  constructor(opts: DenseOptions) {
    super('Dense', opts);
    this.units = positiveInt(`Dense ${this.name}`, 'units', opts.units);
    this.activation = ActivationRef.resolve(opts.activation, opts.activationParams);
    this.k = new KernelOptions(opts);
  }

  computeOutputShape([s]: readonly Shape[]): Shape {
    const z = [...s!.slice(0, -1), this.units];
    return this.activation === null ? z : this.activation.outShape(z, `Dense ${this.name}`);
  }

  protected override build([s]: readonly Shape[]): void {
    const inDim = s![s!.length - 1]!;
    this.kernel = this.addWeight('kernel', [inDim, this.units], this.k.kernelInitializer, {
      regularizer: this.k.kernelRegularizer,
    });
    if (this.k.useBias) {
      this.bias = this.addWeight('bias', [this.units], this.k.biasInitializer, {
        regularizer: this.k.biasRegularizer,
      });
    }
  }

  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    return this.withName(() => {
      const bias = this.bias?.tensor;
      const act = this.activation;
      if (ctx.trace === null && bias !== undefined && act?.spec.kind === 'elementwise') {
        // Nobody reads the pre-activation: product, bias and activation in one op.
        const kernel = this.kernel!.tensor;
        const { spec, params } = act;
        return onRows(x!, this.units, (flat) =>
          denseBiasActivation(flat, kernel, bias, spec, params),
        );
      }
      const z = affine(x!, this.kernel!.tensor, bias ?? null);
      if (this.activation === null) return this.observe(ctx, null, null, z);
      return this.observe(ctx, this.activation.id, z, this.activation.apply(z));
    });
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      units: this.units,
      ...activationConfig(this.activation),
      ...this.k.config(this.kernel, this.bias),
    };
  }
}

/** Keeps dim 0 (the batch) and flattens the rest. */
export class Flatten extends Layer {
  constructor(opts: LayerOptions = {}) {
    super('Flatten', opts);
  }
  computeOutputShape([s]: readonly Shape[]): Shape {
    return [s!.reduce((a, b) => a * b, 1)];
  }
  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    return this.observe(ctx, null, null, reshape(x!, [x!.shape[0]!, -1]));
  }
}

export interface ActivationOptions extends LayerOptions {
  activation: string;
  activationParams?: Readonly<Record<string, ParamValue>>;
  /** Train the activation's learnable parameters (swish beta, elu alpha, ...) as weights. */
  learnable?: boolean;
}

/** Any catalogue activation as a layer; with `learnable: true` its learnable parameters are trained. */
export class Activation extends Layer {
  readonly activation: ActivationRef;
  readonly learnable: boolean;
  private readonly paramWeights = new Map<string, Weight>();

  constructor(opts: ActivationOptions) {
    super('Activation', opts);
    const a = ActivationRef.resolve(opts.activation, opts.activationParams);
    if (a === null) {
      throw new UsageError(
        `Activation ${this.name}: '${opts.activation}' is not a catalogue activation`,
      );
    }
    this.activation = a;
    this.learnable = opts.learnable ?? false;
    if (this.learnable) {
      const spec = a.spec;
      const names = Object.entries(spec.params)
        .filter(([, ps]) => !isChoiceParam(ps) && ps.learnable === true)
        .map(([n]) => n);
      if (spec.kind !== 'elementwise' || names.length === 0) {
        throw new UsageError(`Activation ${this.name}: ${spec.id} has no learnable parameters`);
      }
    }
  }

  computeOutputShape([s]: readonly Shape[]): Shape {
    return this.activation.outShape(s!, `Activation ${this.name}`);
  }

  protected override build(): void {
    if (!this.learnable) return;
    const spec = this.activation.spec;
    for (const [n, ps] of Object.entries(spec.params)) {
      if (isChoiceParam(ps) || ps.learnable !== true) continue;
      const init = Number(this.activation.params[n]);
      this.paramWeights.set(n, this.addWeight(n, [], { name: 'constant', value: init }));
    }
  }

  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    const spec = this.activation.spec;
    if (!this.learnable || spec.kind !== 'elementwise') {
      return this.observe(ctx, spec.id, x!, this.activation.apply(x!));
    }
    const learn: Record<string, Tensor> = {};
    for (const [n, w] of this.paramWeights) learn[n] = w.tensor;
    return this.observe(
      ctx,
      spec.id,
      x!,
      learnableActivation(x!, spec, this.activation.params, learn),
    );
  }

  override getConfig(): JsonObject {
    const c: JsonObject = { ...super.getConfig(), ...activationConfig(this.activation) };
    if (this.learnable) c['learnable'] = true;
    return c;
  }
}

export interface DropoutOptions extends LayerOptions {
  rate: number;
}

/** Inverted dropout: in training each unit is zeroed with probability rate, the rest scaled by 1/(1−rate). */
export class Dropout extends Layer {
  readonly rate: number;
  constructor(opts: DropoutOptions, className = 'Dropout') {
    super(className, opts);
    this.rate = rate(`${className} ${this.name}`, 'rate', opts.rate);
  }
  computeOutputShape([s]: readonly Shape[]): Shape {
    return s!;
  }
  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x!;
    return dropout(x!, this.rate, ctx.rng);
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), rate: this.rate };
  }
}

/** SELU's dropout: dropped units take SELU's negative saturation value, then an affine map keeps mean and variance. */
export class AlphaDropout extends Dropout {
  constructor(opts: DropoutOptions) {
    super(opts, 'AlphaDropout');
  }
  override call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x!;
    return alphaDropout(x!, this.rate, ctx.rng);
  }
}
