/**
 * Models: a graph of layers from symbolic inputs to outputs (the functional
 * API), and Sequential, a chain. One seeded Random per model initialises the
 * weights (in layer order) and, unless fit() is given its own seed, drives
 * shuffling, dropout and RReLU too: the same seed gives a bitwise identical run.
 */
import { UsageError } from '../activations/errors.js';
import { Random } from '../tensor/random.js';
import {
  allocate,
  type DType,
  dtypeOf,
  type FloatArray,
  noGrad,
  type Shape,
  Tensor,
} from '../tensor/tensor.js';
import {
  type CompiledModel,
  type CompileOptions,
  compileModel,
  evaluateModel,
  type FitOptions,
  fitModel,
} from './fit.js';
import type { History } from './history.js';
import { Input, InputLayer, symbolicInput } from './layers/core.js';
import {
  type CallContext,
  type Layer,
  type SymbolicTensor,
  shapeWithBatch,
  uniqueName,
  type Weight,
} from './layers/layer.js';
import type { Target } from './losses.js';
import type { Optimizer } from './optimizers.js';
import { summaryText } from './summary.js';

export interface ModelOptions {
  name?: string;
  /** Seed of the model's Random (default 0). */
  seed?: number;
  /** Weight and activation dtype (default float32). */
  dtype?: DType;
}

export interface FunctionalOptions extends ModelOptions {
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  outputs: SymbolicTensor | readonly SymbolicTensor[];
}

export interface Graph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** Every non-input symbolic tensor, in an order where inputs come first. */
  readonly order: readonly SymbolicTensor[];
  readonly layers: readonly Layer[];
}

function toList<T>(v: T | readonly T[]): T[] {
  return Array.isArray(v) ? [...(v as readonly T[])] : [v as T];
}

/** Casts a tensor to the model dtype (data only; inputs carry no gradient). */
export function asDType(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const d = allocate(dtype, t.size);
  d.set(t.data);
  return new Tensor(d, t.shape);
}

export class Model {
  readonly className: 'Model' | 'Sequential' = 'Model';
  readonly name: string;
  readonly seed: number;
  readonly dtype: DType;
  /** The model's one Random: initialisation, then shuffling, dropout, RReLU. */
  readonly rng: Random;
  /** Set by a callback (EarlyStopping, TerminateOnNaN) to end fit() after the current batch or epoch. */
  stopTraining = false;
  protected graph: Graph | null = null;
  compiled: CompiledModel | null = null;

  constructor(opts: FunctionalOptions) {
    this.seed = opts.seed ?? 0;
    if (!Number.isInteger(this.seed))
      throw new UsageError(`seed must be an integer (got ${opts.seed})`);
    this.dtype = opts.dtype ?? 'float32';
    if (this.dtype !== 'float32' && this.dtype !== 'float64') {
      throw new UsageError(`dtype must be float32 or float64 (got ${String(this.dtype)})`);
    }
    this.rng = new Random(this.seed);
    this.name = opts.name ?? uniqueName(this.defaultName());
    if (opts.inputs !== undefined && opts.outputs !== undefined) {
      this.setGraph(toList(opts.inputs), toList(opts.outputs));
    } else if (new.target === Model) {
      throw new UsageError('a functional Model needs inputs and outputs');
    }
  }

  protected defaultName(): string {
    return 'functional';
  }

  /** Orders the graph, checks layer names, and initialises every weight that has no value yet. */
  protected setGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): void {
    const order: SymbolicTensor[] = [];
    const seen = new Set<SymbolicTensor>();
    const inputSet = new Set(inputs);
    for (const i of inputs) {
      if (!(i.node.layer instanceof InputLayer))
        throw new UsageError('model inputs must come from Input()');
    }
    const visit = (t: SymbolicTensor, path: Set<SymbolicTensor>): void => {
      if (seen.has(t)) return;
      if (t.node.inputs.length === 0 && !inputSet.has(t)) {
        throw new UsageError(
          `the graph uses input ${t.node.layer.name}, which is not in the model's inputs`,
        );
      }
      path.add(t);
      for (const p of t.node.inputs) visit(p, path);
      path.delete(t);
      seen.add(t);
      if (!inputSet.has(t)) order.push(t);
    };
    for (const o of outputs) visit(o, new Set());
    const layers: Layer[] = [];
    const byName = new Map<string, Layer>();
    for (const t of [...inputs, ...order]) {
      const l = t.node.layer;
      const other = byName.get(l.name);
      if (other === l) continue;
      if (other !== undefined)
        throw new UsageError(`two layers of the model are named '${l.name}'`);
      byName.set(l.name, l);
      layers.push(l);
    }
    this.graph = { inputs, outputs, order, layers };
    for (const w of this.weights) if (w.value === null) w.initialize(this.rng, this.dtype);
  }

  protected requireGraph(): Graph {
    if (this.graph === null) {
      throw new UsageError(
        `model ${this.name} is not built yet: give the first layer an inputShape, start with Input(), or call build(inputShape)`,
      );
    }
    return this.graph;
  }

  get built(): boolean {
    return this.graph !== null;
  }

  get layers(): readonly Layer[] {
    return this.requireGraph().layers;
  }

  get inputs(): readonly SymbolicTensor[] {
    return this.requireGraph().inputs;
  }

  get outputs(): readonly SymbolicTensor[] {
    return this.requireGraph().outputs;
  }

  /** Every symbolic tensor but the inputs, each after the tensors it is computed from. */
  get nodes(): readonly SymbolicTensor[] {
    return this.requireGraph().order;
  }

  get inputShape(): Shape {
    return this.inputs[0]!.shape;
  }

  get outputShape(): Shape {
    return this.outputs[0]!.shape;
  }

  /** Every weight, in layer order (each once, however often its layer is used). */
  get weights(): readonly Weight[] {
    return [...new Set(this.layers.flatMap((l) => l.weights))];
  }

  get trainableWeights(): readonly Weight[] {
    return this.weights.filter((w) => w.trainable && w.layer.trainable);
  }

  countParams(): number {
    return this.layers.reduce((s, l) => s + l.countParams(), 0);
  }

  /** The graph applied to real tensors (batch first). */
  forward(xs: readonly Tensor[], ctx: CallContext): Tensor[] {
    const g = this.requireGraph();
    if (xs.length !== g.inputs.length) {
      throw new UsageError(
        `model ${this.name} takes ${g.inputs.length} input(s), got ${xs.length}`,
      );
    }
    const values = new Map<SymbolicTensor, Tensor>();
    g.inputs.forEach((s, i) => {
      values.set(s, s.node.layer.run([asDType(xs[i]!, this.dtype)], ctx));
    });
    for (const s of g.order)
      values.set(
        s,
        s.node.layer.run(
          s.node.inputs.map((t) => values.get(t)!),
          ctx,
        ),
      );
    return g.outputs.map((o) => values.get(o)!);
  }

  /** One forward pass of a single-input, single-output model (inference mode unless asked). */
  call(x: Tensor, opts: { training?: boolean } = {}): Tensor {
    return this.forward([x], { training: opts.training ?? false, rng: this.rng, trace: null })[0]!;
  }

  /** Outputs for x in inference mode, in batches, without recording gradients. */
  predict(x: Tensor, opts: { batchSize?: number } = {}): Tensor {
    this.ensureBuiltFor(x);
    const n = x.shape[0]!;
    const bs = opts.batchSize ?? 32;
    const outShape = [n, ...this.outputShape];
    const out = allocate(
      this.dtype,
      outShape.reduce((a, b) => a * b, 1),
    );
    const per = out.length / Math.max(1, n);
    noGrad(() => {
      for (let s = 0; s < n; s += bs) {
        const e = Math.min(n, s + bs);
        const y = this.call(sliceRows(x, s, e));
        out.set(y.data, s * per);
      }
    });
    return new Tensor(out, outShape);
  }

  /** Builds a deferred (Sequential) model for this data; a built model checks the shape. */
  protected ensureBuiltFor(x: Tensor): void {
    const shape = x.shape.slice(1);
    if (this.graph === null) {
      this.build(shape);
      return;
    }
    const want = this.inputShape;
    if (shape.length !== want.length || shape.some((d, i) => d !== want[i])) {
      throw new UsageError(
        `model ${this.name} expects input ${shapeWithBatch(want)} but the data is ${shapeWithBatch(shape)}`,
      );
    }
  }

  /** Builds a deferred model for one sample's shape (only Sequential defers). */
  build(_inputShape: Shape): void {
    if (this.graph === null)
      throw new UsageError(`model ${this.name} cannot be built from a shape`);
  }

  compile(opts: CompileOptions): void {
    this.compiled = compileModel(opts);
  }

  get optimizer(): Optimizer {
    if (this.compiled === null)
      throw new UsageError(`model ${this.name} is not compiled: call compile() first`);
    return this.compiled.optimizer;
  }

  async fit(x: Tensor, y: Target, opts: FitOptions = {}): Promise<History> {
    this.ensureBuiltFor(x);
    return fitModel(this, x, y, opts);
  }

  /** Loss and metrics on (x, y) in inference mode, as {loss, acc, ...}. */
  evaluate(x: Tensor, y: Target, opts: { batchSize?: number } = {}): Record<string, number> {
    this.ensureBuiltFor(x);
    return evaluateModel(this, x, y, opts.batchSize ?? 32);
  }

  /** The Keras summary table as text; printed to `print` when given. */
  summary(print?: (line: string) => void): string {
    const text = summaryText(this);
    if (print !== undefined) for (const line of text.split('\n')) print(line);
    return text;
  }

  /** Copies of the current weight values, in `weights` order. */
  getWeights(): Tensor[] {
    return this.weights.map((w) => w.tensor.clone());
  }

  setWeights(values: readonly Tensor[]): void {
    const ws = this.weights;
    if (values.length !== ws.length)
      throw new UsageError(`setWeights: ${values.length} values for ${ws.length} weights`);
    ws.forEach((w, i) => {
      w.assign(asDType(values[i]!.clone(), this.dtype));
    });
  }

  /** Writes DIR/model.json and DIR/weights.safetensors, each atomically (Node only). */
  async save(dir: string): Promise<void> {
    const { saveModel } = await import('./save.js');
    await saveModel(this, dir);
  }
}

/** Rows [start, end) of a batch-first tensor, as a new tensor. */
export function sliceRows(x: Tensor, start: number, end: number): Tensor {
  const per = x.size / x.shape[0]!;
  return new Tensor(x.data.slice(start * per, end * per), [end - start, ...x.shape.slice(1)]);
}

/**
 * Rows idx[start .. end) of a batch-first tensor, gathered into a new tensor,
 * or into the front of `scratch` when it is large enough (the tensor then
 * shares it: a training loop passes the same buffer at every step).
 */
export function takeRows(
  x: Tensor,
  idx: Int32Array,
  start: number,
  end: number,
  scratch?: FloatArray,
): Tensor {
  const per = x.size / x.shape[0]!;
  const n = (end - start) * per;
  // Every element is written below, so a caller's buffer of x's dtype needs no clearing.
  const reuse = scratch !== undefined && scratch.length >= n && dtypeOf(scratch) === x.dtype;
  const out = reuse ? scratch.subarray(0, n) : allocate(x.dtype, n);
  for (let i = start; i < end; i++)
    out.set(x.data.subarray(idx[i]! * per, (idx[i]! + 1) * per), (i - start) * per);
  return new Tensor(out, [end - start, ...x.shape.slice(1)]);
}

/**
 * A linear stack of layers. The input shape comes from an Input() first
 * element, the first layer's inputShape, build(shape), or the first data seen.
 */
export class Sequential extends Model {
  override readonly className = 'Sequential';
  private readonly pending: Layer[] = [];
  private input: SymbolicTensor | null = null;

  constructor(layers: readonly (Layer | SymbolicTensor)[] = [], opts: ModelOptions = {}) {
    super(opts as FunctionalOptions);
    for (const l of layers) this.add(l);
  }

  protected override defaultName(): string {
    return 'sequential';
  }

  add(layer: Layer | SymbolicTensor): void {
    if (this.graph !== null)
      throw new UsageError(`model ${this.name} is already built: add layers before using it`);
    if (!(layer instanceof InputLayer) && 'node' in layer) {
      if (this.pending.length > 0 || this.input !== null)
        throw new UsageError('Input() can only come first in a Sequential model');
      this.input = layer;
      return;
    }
    if (layer instanceof InputLayer) {
      if (this.pending.length > 0 || this.input !== null)
        throw new UsageError('an InputLayer can only come first in a Sequential model');
      this.input = symbolicInput(layer);
      return;
    }
    this.pending.push(layer);
    if (
      this.pending.length === 1 &&
      this.input === null &&
      layer.declaredInputShape !== undefined
    ) {
      this.input = Input({ shape: layer.declaredInputShape });
    }
  }

  protected override requireGraph(): Graph {
    this.buildIfKnown();
    return super.requireGraph();
  }

  override get layers(): readonly Layer[] {
    this.buildIfKnown();
    if (this.graph === null) return this.pending;
    return this.graph.layers.filter((l) => !(l instanceof InputLayer));
  }

  /** Builds the chain for one sample's shape, if not built yet. */
  override build(inputShape: Shape): void {
    if (this.graph !== null) return;
    if (this.pending.length === 0) throw new UsageError(`model ${this.name} has no layers`);
    this.input ??= Input({ shape: inputShape });
    let h = this.input;
    for (const l of this.pending) h = l.apply(h);
    this.setGraph([this.input], [h]);
  }

  /** Builds now when the input shape is already known (Input() or inputShape). */
  buildIfKnown(): this {
    if (this.graph === null && this.input !== null && this.pending.length > 0)
      this.build(this.input.shape);
    return this;
  }

  override get built(): boolean {
    return this.buildIfKnown().graph !== null;
  }

  override get weights(): readonly Weight[] {
    this.buildIfKnown();
    return this.graph === null ? [] : super.weights;
  }
}

export type { CompileOptions, FitOptions, History };
