/**
 * The Layer base class and the symbolic tensors of the functional API.
 * Shapes here leave out the batch dimension (Keras's `None`): a Dense layer on
 * 784 features has input shape [784]. A layer declares its weights in build();
 * the model then draws their values from its one seeded Random, in layer order.
 */
import { UsageError } from '../../activations/errors.js';
import type { Random } from '../../tensor/random.js';
import { residentCopy } from '../../tensor/scope.js';
import { type DType, type Shape, Tensor } from '../../tensor/tensor.js';
import {
  getInitializer,
  type Initializer,
  type InitializerLike,
  initializerToJson,
} from '../initializers.js';
import type { JsonObject, JsonValue } from '../json.js';
import {
  getRegularizer,
  type Regularizer,
  type RegularizerLike,
  regularizerToJson,
} from '../regularizers.js';
import { LayerTraceEntry, type TraceRecorder } from '../trace.js';

export interface CallContext {
  /** Training mode: dropout drops, batch norm uses batch statistics, RReLU draws slopes. */
  readonly training: boolean;
  /** The run's seeded Random (dropout masks, RReLU slopes). */
  readonly rng: Random;
  /** Set when a callback wants a LayerTrace of this batch. */
  readonly trace: TraceRecorder | null;
}

export interface LayerOptions {
  name?: string;
  trainable?: boolean;
  /** Shape of one sample, for the first layer of a Sequential model (Keras's input_shape). */
  inputShape?: readonly number[];
}

/** `(None, 28, 28, 6)`, as Keras prints shapes. */
export function shapeWithBatch(shape: Shape): string {
  return `(None${shape.map((d) => `, ${d}`).join('')})`;
}

/** A weight: declared in build(), given its value by the model's initialisation. */
export class Weight {
  value: Tensor | null = null;
  readonly initializer: Initializer;
  readonly regularizer: Regularizer | null;

  constructor(
    readonly layer: Layer,
    readonly name: string,
    readonly shape: Shape,
    initializer: InitializerLike,
    readonly trainable: boolean,
    regularizer: RegularizerLike | null,
  ) {
    this.initializer = getInitializer(initializer);
    this.regularizer = regularizer === null ? null : getRegularizer(regularizer);
  }

  /** `dense_1/kernel`: the key in weights.safetensors. */
  get path(): string {
    return `${this.layer.name}/${this.name}`;
  }

  get tensor(): Tensor {
    if (this.value === null) {
      throw new Error(
        `weight ${this.path} has no value yet: the layer is not part of a built model`,
      );
    }
    return this.value;
  }

  initialize(rng: Random, dtype: DType): void {
    this.assign(new Tensor(this.initializer.generate(this.shape, dtype, rng), this.shape));
  }

  /** Takes a value of the declared shape (loading, restoring best weights). */
  assign(t: Tensor): void {
    if (t.shape.length !== this.shape.length || t.shape.some((d, i) => d !== this.shape[i])) {
      throw new UsageError(
        `weight ${this.path} has shape [${this.shape.join(', ')}] but the value has [${t.shape.join(', ')}]`,
      );
    }
    // A copy in the backend's own memory where it has one: the kernels then read
    // and update the weight in place, with no copy in or out per step.
    const v = new Tensor(residentCopy(t.data), this.shape, this.trainable && this.layer.trainable);
    v.name = this.path;
    this.value = v;
  }
}

const nameCounters = new Map<string, number>();

/** Keras's automatic names: dense, dense_1, dense_2, ... */
export function uniqueName(base: string): string {
  const n = nameCounters.get(base) ?? 0;
  nameCounters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Keras's to_snake_case: MaxPooling2D -> max_pooling2d, PReLU -> p_re_lu. */
export function snakeName(className: string): string {
  return className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;

export abstract class Layer {
  readonly className: string;
  readonly name: string;
  trainable: boolean;
  /** Input shapes (without batch), set by build. */
  inputShapes: readonly Shape[] | null = null;
  outputShape: Shape | null = null;
  readonly declaredInputShape: Shape | undefined;
  protected readonly ownWeights: Weight[] = [];
  /** How many inputs the layer takes: 1, or any number >= 2 for merges. */
  readonly arity: 'one' | 'many' = 'one';

  constructor(className: string, opts: LayerOptions = {}) {
    this.className = className;
    if (opts.name !== undefined && !NAME_PATTERN.test(opts.name)) {
      throw new UsageError(
        `layer name '${opts.name}' must be 1-128 characters of A-Z, a-z, 0-9, _ . -`,
      );
    }
    this.name = opts.name ?? uniqueName(snakeName(className));
    this.trainable = opts.trainable ?? true;
    this.declaredInputShape = opts.inputShape === undefined ? undefined : [...opts.inputShape];
  }

  get built(): boolean {
    return this.inputShapes !== null;
  }

  /** All weights of the layer (a block includes its inner layers'). */
  get weights(): readonly Weight[] {
    return this.ownWeights;
  }

  countParams(): number {
    let n = 0;
    for (const w of this.weights) n += w.shape.reduce((a, b) => a * b, 1);
    return n;
  }

  /** Declares a weight; call from build(). */
  protected addWeight(
    name: string,
    shape: Shape,
    initializer: InitializerLike,
    opts: { trainable?: boolean; regularizer?: RegularizerLike | null } = {},
  ): Weight {
    const w = new Weight(
      this,
      name,
      shape,
      initializer,
      opts.trainable ?? true,
      opts.regularizer ?? null,
    );
    this.ownWeights.push(w);
    return w;
  }

  /** Checks the input shapes and returns the output shape (no batch dimension). */
  abstract computeOutputShape(inputShapes: readonly Shape[]): Shape;

  /** Declares the weights for these input shapes (most layers need none). */
  protected build(_inputShapes: readonly Shape[]): void {}

  /** The forward computation on real tensors (with the batch dimension). */
  abstract call(inputs: readonly Tensor[], ctx: CallContext): Tensor;

  /** Keras-style config: what the constructor needs to rebuild the layer. */
  getConfig(): JsonObject {
    const c: JsonObject = { name: this.name };
    if (!this.trainable) c['trainable'] = false;
    return c;
  }

  /** Builds the layer for these input shapes once; a second, different call is an error. */
  ensureBuilt(inputShapes: readonly Shape[]): Shape {
    if (this.arity === 'one' && inputShapes.length !== 1) {
      throw new UsageError(
        `layer ${this.name} (${this.className}) takes one input, got ${inputShapes.length}`,
      );
    }
    if (this.arity === 'many' && inputShapes.length < 2) {
      throw new UsageError(
        `layer ${this.name} (${this.className}) merges two or more inputs, got ${inputShapes.length}`,
      );
    }
    if (this.inputShapes !== null) {
      const same =
        this.inputShapes.length === inputShapes.length &&
        this.inputShapes.every((s, i) => sameShape(s, inputShapes[i]!));
      if (!same) {
        throw new UsageError(
          `layer ${this.name} (${this.className}) was built for input ${this.inputShapes.map(shapeWithBatch).join(', ')} but is called on ${inputShapes.map(shapeWithBatch).join(', ')}`,
        );
      }
      return this.outputShape!;
    }
    const out = this.computeOutputShape(inputShapes);
    this.build(inputShapes);
    this.inputShapes = inputShapes.map((s) => [...s]);
    this.outputShape = out;
    return out;
  }

  /** Functional API: calls the layer on symbolic tensors and returns its symbolic output. */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
    const list = inputs instanceof SymbolicTensor ? [inputs] : [...inputs];
    const shape = this.ensureBuilt(list.map((t) => t.shape));
    return new SymbolicTensor(shape, { layer: this, inputs: list });
  }

  /**
   * Runs the layer on real tensors, checking their shapes first (batch
   * dimension aside), and records a trace entry when tracing.
   */
  run(inputs: readonly Tensor[], ctx: CallContext): Tensor {
    const expected = this.inputShapes;
    if (expected === null) throw new Error(`layer ${this.name} is not built`);
    inputs.forEach((t, i) => {
      const want = expected[i]!;
      if (!sameShape(t.shape.slice(1), want)) {
        throw new UsageError(
          `layer ${this.name} (${this.className}) expects input shape ${shapeWithBatch(want)} but got ${shapeWithBatch(t.shape.slice(1))}`,
        );
      }
    });
    return this.call(inputs, ctx);
  }

  /** For layers with an activation: records pre-activation and output in the trace. */
  protected observe(
    ctx: CallContext,
    activation: string | null,
    pre: Tensor | null,
    out: Tensor,
  ): Tensor {
    if (ctx.trace !== null) {
      ctx.trace.add(
        new LayerTraceEntry(
          this.name,
          this.className,
          activation,
          pre,
          out,
          this.weights.map((w) => ({ name: w.path, value: w.tensor })),
        ),
      );
    }
    return out;
  }

  /** Adds the layer name to a shape error from an op. */
  protected withName<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof Error && !e.message.includes(this.name)) {
        e.message = `layer ${this.name} (${this.className}): ${e.message}`;
      }
      throw e;
    }
  }

  /** One-line description: `Dense(units=10, activation=relu)`. */
  toString(): string {
    return `${this.className}(${this.name})`;
  }
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Where a symbolic tensor comes from: a layer applied to other symbolic tensors. */
export interface GraphNode {
  readonly layer: Layer;
  readonly inputs: readonly SymbolicTensor[];
}

/** A placeholder for a batch of tensors of this shape (no batch dimension), in the functional API. */
export class SymbolicTensor {
  constructor(
    readonly shape: Shape,
    readonly node: GraphNode,
  ) {}
}

/** Config helpers shared by the layers. */
export function initConfig(i: Initializer): JsonValue {
  return initializerToJson(i);
}
export function regConfig(r: Regularizer | null): JsonValue {
  return r === null ? null : regularizerToJson(r);
}

/** A positive integer option, or a UsageError naming the layer. */
export function positiveInt(layer: string, key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new UsageError(`${layer}: ${key} must be a positive integer (got ${JSON.stringify(v)})`);
  }
  return v;
}

/** A rate in [0, 1). */
export function rate(layer: string, key: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
    throw new UsageError(`${layer}: ${key} must be in [0, 1) (got ${JSON.stringify(v)})`);
  }
  return v;
}
