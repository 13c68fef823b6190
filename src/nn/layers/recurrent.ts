/**
 * SimpleRNN, LSTM and GRU with Keras's arguments, defaults and weight layout:
 * `kernel` [features, gates·units], `recurrentKernel` [units, gates·units] and
 * `bias`, gates in Keras's order (LSTM i, f, c, o; GRU z, r, h). Input is
 * [batch, time, features]; the state starts at zero.
 *
 * Backpropagation through time is the autograd tape itself: each step is a few
 * tensor ops, so the gradient flows back through every step. With `truncate: k`
 * the state is cut from the tape every k steps counted back from the last one,
 * so a gradient reaches at most k steps back (from the last output exactly k:
 * the inputs x[T-k] .. x[T-1]).
 */
import { UsageError } from '../../activations/errors.js';
import type { ParamValue } from '../../activations/types.js';
import {
  add,
  biasAdd,
  matmul,
  mul,
  reshape,
  slice,
  split,
  sub,
  zeros,
} from '../../tensor/index.js';
import type { Shape, Tensor } from '../../tensor/tensor.js';
import { getInitializer, type Initializer, type InitializerLike } from '../initializers.js';
import type { JsonObject, JsonValue } from '../json.js';
import { stackSteps, unstackSteps } from '../ops/time-steps.js';
import type { RegularizerLike } from '../regularizers.js';
import { ActivationRef, activationConfig } from './activation-ref.js';
import {
  type CallContext,
  initConfig,
  Layer,
  type LayerOptions,
  positiveInt,
  regConfig,
  shapeWithBatch,
  type Weight,
} from './layer.js';

export interface RecurrentOptions extends LayerOptions {
  units: number;
  /** Activation of the state (SimpleRNN) or of the candidate and cell output (LSTM, GRU); default tanh. */
  activation?: string | null;
  activationParams?: Readonly<Record<string, ParamValue>>;
  useBias?: boolean;
  kernelInitializer?: InitializerLike;
  recurrentInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: RegularizerLike | null;
  recurrentRegularizer?: RegularizerLike | null;
  biasRegularizer?: RegularizerLike | null;
  /** Output the state at every step, [batch, time, units], instead of the last, [batch, units]. */
  returnSequences?: boolean;
  /** Also return the final states (Keras's list output): only through `callWithState`. */
  returnState?: boolean;
  /** Truncated backpropagation: gradients flow back at most this many steps (default: all). */
  truncate?: number | null;
}

export interface GatedRecurrentOptions extends RecurrentOptions {
  /** Activation of the gates (default sigmoid). */
  recurrentActivation?: string | null;
  recurrentActivationParams?: Readonly<Record<string, ParamValue>>;
}

export interface LSTMOptions extends GatedRecurrentOptions {
  /** Start the forget gate's bias at 1 (Jozefowicz et al. 2015), as Keras does by default. */
  unitForgetBias?: boolean;
}

export interface GRUOptions extends GatedRecurrentOptions {
  /** Apply the reset gate after the recurrent product (Keras 2+ and cuDNN's form; default true). */
  resetAfter?: boolean;
}

/** What a forward pass over a sequence produced. */
export interface SequenceRun {
  /** The layer's output: the last state, or all of them with returnSequences. */
  readonly output: Tensor;
  /** h_t for t = 0 .. T-1, each [batch, units], on the tape (set requiresGrad to read dL/dh_t). */
  readonly steps: readonly Tensor[];
  /** The final states: [h] for SimpleRNN and GRU, [h, c] for LSTM. */
  readonly states: readonly Tensor[];
}

function bool(who: string, key: string, v: unknown, def: boolean): boolean {
  if (v === undefined) return def;
  if (typeof v !== 'boolean') throw new UsageError(`${who}: ${key} must be true or false`);
  return v;
}

/** An activation that keeps the shape of its input (vector ones that resize, as GLU, cannot run a recurrence). */
function shapeKeeping(
  who: string,
  key: string,
  name: string | null | undefined,
  params: Readonly<Record<string, ParamValue>> | undefined,
  units: number,
  def: string,
): ActivationRef | null {
  const ref = ActivationRef.resolve(name === undefined ? def : name, params);
  if (ref !== null && ref.outShape([units], who)[0] !== units) {
    throw new UsageError(
      `${who}: ${key} ${ref.id} changes the size of the state, which a recurrence cannot take`,
    );
  }
  return ref;
}

function applyRef(ref: ActivationRef | null, x: Tensor): Tensor {
  return ref === null ? x : ref.apply(x);
}

/** Everything the three layers share: options, weights, the loop over time and truncation. */
export abstract class Recurrent extends Layer {
  readonly units: number;
  readonly activation: ActivationRef | null;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly truncate: number | null;
  protected readonly kernelInitializer: Initializer;
  protected readonly recurrentInitializer: Initializer;
  protected readonly biasInitializer: Initializer;
  private readonly regularizers: {
    kernel: RegularizerLike | null;
    recurrent: RegularizerLike | null;
    bias: RegularizerLike | null;
  };
  kernel: Weight | undefined;
  recurrentKernel: Weight | undefined;
  bias: Weight | undefined;
  /** Gate blocks per weight matrix: 1 SimpleRNN, 4 LSTM, 3 GRU. */
  protected abstract readonly gates: number;

  constructor(className: string, opts: RecurrentOptions) {
    super(className, opts);
    const who = `${className} ${this.name}`;
    this.units = positiveInt(who, 'units', opts.units);
    this.activation = shapeKeeping(
      who,
      'activation',
      opts.activation,
      opts.activationParams,
      this.units,
      'tanh',
    );
    this.useBias = bool(who, 'useBias', opts.useBias, true);
    this.returnSequences = bool(who, 'returnSequences', opts.returnSequences, false);
    this.returnState = bool(who, 'returnState', opts.returnState, false);
    this.truncate =
      opts.truncate === undefined || opts.truncate === null
        ? null
        : positiveInt(who, 'truncate', opts.truncate);
    this.kernelInitializer = getInitializer(opts.kernelInitializer ?? 'glorot_uniform');
    this.recurrentInitializer = getInitializer(opts.recurrentInitializer ?? 'orthogonal');
    this.biasInitializer = getInitializer(opts.biasInitializer ?? 'zeros');
    this.regularizers = {
      kernel: opts.kernelRegularizer ?? null,
      recurrent: opts.recurrentRegularizer ?? null,
      bias: opts.biasRegularizer ?? null,
    };
  }

  computeOutputShape([s]: readonly Shape[]): Shape {
    const who = `${this.className} ${this.name}`;
    if (s!.length !== 2) {
      throw new UsageError(
        `${who}: input must be [batch, time, features], got ${shapeWithBatch(s!)}`,
      );
    }
    if (this.returnState) {
      throw new UsageError(
        `${who}: returnState gives several outputs, which a model layer cannot pass on; call the layer with callWithState() instead`,
      );
    }
    return this.returnSequences ? [s![0]!, this.units] : [this.units];
  }

  /** The bias's shape and initializer (GRU with resetAfter has two rows; LSTM may start the forget gate at 1). */
  protected biasSpec(): { shape: Shape; init: Initializer } {
    return { shape: [this.gates * this.units], init: this.biasInitializer };
  }

  protected override build([s]: readonly Shape[]): void {
    const features = s![s!.length - 1]!;
    const width = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [features, width], this.kernelInitializer, {
      regularizer: this.regularizers.kernel,
    });
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [this.units, width],
      this.recurrentInitializer,
      {
        regularizer: this.regularizers.recurrent,
      },
    );
    if (this.useBias) {
      const { shape, init } = this.biasSpec();
      this.bias = this.addWeight('bias', shape, init, { regularizer: this.regularizers.bias });
    }
  }

  /** The bias added to x·W once for all steps (GRU with resetAfter: its input row). */
  protected inputBias(): Tensor | null {
    return this.bias?.tensor ?? null;
  }

  /** Per-call setup shared by every step (GRU slices its weights here). */
  protected abstract prepare(dtype: Tensor['dtype']): StepFn;

  /** Number of state tensors: 1 (h) or 2 (h, c). */
  protected stateCount(): number {
    return 1;
  }

  /**
   * The whole forward pass, with each step's h_t: the layer's output and
   * final states, on the tape. `call` and `callWithState` are views of it.
   */
  runSequence(x: Tensor): SequenceRun {
    return this.withName(() => {
      if (x.rank !== 3) {
        throw new UsageError(
          `${this.className} ${this.name}: input must be [batch, time, features], got [${x.shape.join(', ')}]`,
        );
      }
      const [batch, time, features] = x.shape as [number, number, number];
      if (time === 0) throw new UsageError(`${this.className} ${this.name}: the sequence is empty`);
      const width = this.gates * this.units;
      // One product for every step at once: [batch·time, features] · [features, gates·units].
      let xw = matmul(reshape(x, [batch * time, features]), this.kernel!.tensor);
      const b = this.inputBias();
      if (b !== null) xw = biasAdd(xw, b);
      const inputs = unstackSteps(reshape(xw, [batch, time, width]));
      const step = this.prepare(x.dtype);
      let states: Tensor[] = [];
      for (let i = 0; i < this.stateCount(); i++) states.push(zeros([batch, this.units], x.dtype));
      const steps: Tensor[] = [];
      for (let t = 0; t < time; t++) {
        // Cut the tape so that no gradient travels more than `truncate` steps back from the end.
        if (this.truncate !== null && t > 0 && (time - t) % this.truncate === 0) {
          states = states.map((s) => s.detach());
        }
        states = step(inputs[t]!, states);
        steps.push(states[0]!);
      }
      const output = this.returnSequences ? stackSteps(steps) : states[0]!;
      return { output, steps, states };
    });
  }

  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    return this.observe(ctx, null, null, this.runSequence(x!).output);
  }

  /** Keras's list output with returnState: [output, ...final states] ([output, h, c] for LSTM). */
  callWithState(x: Tensor): Tensor[] {
    const run = this.runSequence(x);
    return [run.output, ...run.states];
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      units: this.units,
      ...activationConfig(this.activation),
      useBias: this.useBias,
      kernelInitializer: initConfig(this.kernelInitializer),
      recurrentInitializer: initConfig(this.recurrentInitializer),
      biasInitializer: initConfig(this.biasInitializer),
      kernelRegularizer: regConfig(this.kernel?.regularizer ?? null),
      recurrentRegularizer: regConfig(this.recurrentKernel?.regularizer ?? null),
      biasRegularizer: regConfig(this.bias?.regularizer ?? null),
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      truncate: this.truncate,
    };
  }

  override toString(): string {
    const act = this.activation === null ? 'linear' : this.activation.id;
    return `${this.className}(units=${this.units}, activation=${act})`;
  }
}

/** One step: (x_t·W + b, states) -> new states, h first. */
type StepFn = (xw: Tensor, states: readonly Tensor[]) => Tensor[];

/** h_t = act(x_t·W + h_{t-1}·U + b). */
export class SimpleRNN extends Recurrent {
  protected readonly gates = 1;
  constructor(opts: RecurrentOptions) {
    super('SimpleRNN', opts);
  }
  protected prepare(): StepFn {
    const u = this.recurrentKernel!.tensor;
    return (xw, [h]) => [applyRef(this.activation, add(xw, matmul(h!, u)))];
  }
}

/** LSTM and GRU: a gate activation besides the state activation. */
abstract class GatedRecurrent extends Recurrent {
  readonly recurrentActivation: ActivationRef | null;
  constructor(className: string, opts: GatedRecurrentOptions) {
    super(className, opts);
    this.recurrentActivation = shapeKeeping(
      `${className} ${this.name}`,
      'recurrentActivation',
      opts.recurrentActivation,
      opts.recurrentActivationParams,
      this.units,
      'sigmoid',
    );
  }
  protected gate(z: Tensor): Tensor {
    return applyRef(this.recurrentActivation, z);
  }
  override getConfig(): JsonObject {
    const rec = activationConfig(this.recurrentActivation);
    const c: JsonObject = {
      ...super.getConfig(),
      recurrentActivation: rec['activation'] as JsonValue,
    };
    if (rec['activationParams'] !== undefined)
      c['recurrentActivationParams'] = rec['activationParams'];
    return c;
  }
}

/**
 * i = σ(x·Wi + h·Ui + bi), f = σ(..f), o = σ(..o), c̃ = tanh(..c);
 * c_t = f ⊙ c_{t-1} + i ⊙ c̃, h_t = o ⊙ tanh(c_t) (σ is recurrentActivation, tanh activation).
 */
export class LSTM extends GatedRecurrent {
  protected readonly gates = 4;
  readonly unitForgetBias: boolean;
  constructor(opts: LSTMOptions) {
    super('LSTM', opts);
    this.unitForgetBias = bool(`LSTM ${this.name}`, 'unitForgetBias', opts.unitForgetBias, true);
  }
  protected override stateCount(): number {
    return 2;
  }
  protected override biasSpec(): { shape: Shape; init: Initializer } {
    const spec = super.biasSpec();
    if (!this.unitForgetBias) return spec;
    const base = this.biasInitializer;
    const u = this.units;
    // As Keras: the bias initializer for i, ones for f, the initializer again for c and o.
    const init: Initializer = {
      name: base.name,
      config: base.config,
      generate(_shape, dtype, rng) {
        const out = base.generate([4 * u], dtype, rng);
        out.set(base.generate([u], dtype, rng), 0);
        out.fill(1, u, 2 * u);
        out.set(base.generate([2 * u], dtype, rng), 2 * u);
        return out;
      },
    };
    return { shape: spec.shape, init };
  }
  protected prepare(): StepFn {
    const u = this.recurrentKernel!.tensor;
    return (xw, [h, c]) => {
      const [zi, zf, zc, zo] = split(add(xw, matmul(h!, u)), 4, 1) as [
        Tensor,
        Tensor,
        Tensor,
        Tensor,
      ];
      const cNext = add(mul(this.gate(zf), c!), mul(this.gate(zi), applyRef(this.activation, zc)));
      return [mul(this.gate(zo), applyRef(this.activation, cNext)), cNext];
    };
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), unitForgetBias: this.unitForgetBias };
  }
}

/**
 * z = σ(x·Wz + h·Uz + b), r = σ(..r); with resetAfter (default) the candidate is
 * h̃ = tanh(x·Wh + bh + r ⊙ (h·Uh + b'h)), else tanh(x·Wh + (r ⊙ h)·Uh + bh);
 * h_t = z ⊙ h_{t-1} + (1 − z) ⊙ h̃.
 */
export class GRU extends GatedRecurrent {
  protected readonly gates = 3;
  readonly resetAfter: boolean;
  constructor(opts: GRUOptions) {
    super('GRU', opts);
    this.resetAfter = bool(`GRU ${this.name}`, 'resetAfter', opts.resetAfter, true);
  }
  protected override biasSpec(): { shape: Shape; init: Initializer } {
    // resetAfter keeps separate input and recurrent biases, as Keras: [2, 3·units].
    const spec = super.biasSpec();
    return this.resetAfter ? { shape: [2, 3 * this.units], init: spec.init } : spec;
  }
  /** Row `row` of the [2, 3·units] bias. */
  private biasRow(row: number): Tensor | null {
    const b = this.bias?.tensor;
    if (b === undefined) return null;
    if (!this.resetAfter) return row === 0 ? b : null;
    return reshape(slice(b, [row, 0], [1, 3 * this.units]), [3 * this.units]);
  }
  protected override inputBias(): Tensor | null {
    return this.biasRow(0);
  }
  protected prepare(): StepFn {
    const u = this.recurrentKernel!.tensor;
    const n = this.units;
    const candidate = (h: Tensor): Tensor => applyRef(this.activation, h);
    if (this.resetAfter) {
      const recurrentBias = this.biasRow(1);
      return (xw, [h]) => {
        let rec = matmul(h!, u);
        if (recurrentBias !== null) rec = biasAdd(rec, recurrentBias);
        const [xz, xr, xh] = split(xw, 3, 1) as [Tensor, Tensor, Tensor];
        const [rz, rr, rh] = split(rec, 3, 1) as [Tensor, Tensor, Tensor];
        const z = this.gate(add(xz, rz));
        const r = this.gate(add(xr, rr));
        return [blend(z, h!, candidate(add(xh, mul(r, rh))))];
      };
    }
    const uzr = slice(u, [0, 0], [n, 2 * n]);
    const uh = slice(u, [0, 2 * n], [n, n]);
    return (xw, [h]) => {
      const [xzr, xh] = split(xw, [2 * n, n], 1) as [Tensor, Tensor];
      const [zz, zr] = split(add(xzr, matmul(h!, uzr)), 2, 1) as [Tensor, Tensor];
      const r = this.gate(zr);
      return [blend(this.gate(zz), h!, candidate(add(xh, matmul(mul(r, h!), uh))))];
    };
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), resetAfter: this.resetAfter };
  }
}

/** z ⊙ h + (1 − z) ⊙ h̃, written h̃ + z ⊙ (h − h̃). */
function blend(z: Tensor, h: Tensor, candidate: Tensor): Tensor {
  return add(candidate, mul(z, sub(h, candidate)));
}
