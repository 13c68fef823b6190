/**
 * Which wasm kernel computes which activation, with which arguments. A binder
 * returns undefined for parameters its kernel does not cover (the backend then
 * falls back to the js reference), so an activation is only ever computed by a
 * kernel that was written and tested for exactly those parameters.
 */
import { GELU_SIGMOID_BETA } from '../../activations/defs/gelu.js';
import snake from '../../activations/defs/snake.js';
import type { Params } from '../../activations/types.js';
import { above, below } from './float32.js';

/** A kernel export and the arguments that follow its pointers and length. */
export interface KernelCall {
  readonly fn: string;
  readonly args: readonly number[];
}

export interface Binding {
  readonly forward: KernelCall;
  /** gx = gy · f'(x). */
  readonly backward: KernelCall;
  /** gx = gy · f'(y), for activations whose spec has dfFromY. */
  readonly backwardFromY?: KernelCall;
  /**
   * Inputs the kernels leave to the host: a kernel that has this returns how
   * many such inputs it met, and the host then evaluates those elements here.
   */
  readonly outOfRange?: {
    readonly test: (x: number) => boolean;
    readonly f: (x: number) => number;
    readonly df: (x: number) => number;
  };
}

type Binder = (p: Params) => Binding | undefined;

/** |αx| up to which the snake kernels reduce αx themselves (assembly/snake64.ts LIMIT). */
const SNAKE_LIMIT = 1e6;

/** SELU's constants (Klambauer et al. 2017), at full precision. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_LAMBDA = 1.0507009873554805;

function call(fn: string, ...args: number[]): KernelCall {
  return { fn, args };
}

/** The numeric values of exactly these parameters, or undefined if p has others or non-finite ones. */
function numbers(p: Params, names: readonly string[]): number[] | undefined {
  const keys = Object.keys(p);
  if (keys.length !== names.length || !names.every((n) => keys.includes(n))) return undefined;
  const values = names.map((n) => p[n]);
  return values.every((v): v is number => typeof v === 'number' && Number.isFinite(v))
    ? values
    : undefined;
}

/** An activation without parameters. */
function plain(binding: Binding): Binder {
  return (p) => (numbers(p, []) === undefined ? undefined : binding);
}

/** An activation with numeric parameters. */
function withParams(names: readonly string[], bind: (v: number[]) => Binding | undefined): Binder {
  return (p) => {
    const v = numbers(p, names);
    return v === undefined ? undefined : bind(v);
  };
}

function leaky(a: number): Binding {
  const b = call('leaky_b', a);
  // Slope 0 is relu: −∞·0 would be NaN.
  if (a === 0) return { forward: call('step_f', 0, 0), backward: b };
  // From y: y > 0 exactly when x > 0, as long as the slope is positive.
  return a > 0
    ? { forward: call('leaky_f', a), backward: b, backwardFromY: b }
    : {
        forward: call('leaky_f', a),
        backward: b,
      };
}

function eluFamily(ps: number, ns: number, is: number): Binding {
  return { forward: call('elu_f', ps, ns, is), backward: call('elu_b', ps, ns * is, is) };
}

/** The β that the float32 swish kernel takes (smooth32.ts); others go to float64 lanes. */
const SWISH_F32_BETA: readonly [number, number] = [2 ** -10, 2 ** 10];

function swish(beta: number): Binding {
  const [lo, hi] = SWISH_F32_BETA;
  const fn = beta >= lo && beta <= hi ? 'swish' : 'swish64';
  return { forward: call(`${fn}_f`, beta), backward: call(`${fn}_b`, beta) };
}

const step = (t: number, v: number): Binding => ({
  forward: call('step_f', below(t), Math.fround(v)),
  backward: call('step_b', below(t)),
});

const relu6 = call('clamp_b', 0, 6);

export const BINDERS: Readonly<Record<string, Binder>> = {
  linear: plain({ forward: call('linear_f'), backward: call('linear_b') }),
  relu: plain({
    forward: call('relu_f'),
    backward: call('step_b', 0),
    backwardFromY: call('step_b', 0),
  }),
  relu6: plain({ forward: call('clamp_f', 0, 6), backward: relu6, backwardFromY: relu6 }),
  hardtanh: withParams(['min_val', 'max_val'], ([lo, hi]) => ({
    forward: call('clamp_f', Math.fround(lo!), Math.fround(hi!)),
    backward: call('clamp_b', below(lo!), above(hi!)),
  })),
  leaky_relu: withParams(['negative_slope'], ([a]) => leaky(a!)),
  prelu: withParams(['alpha'], ([a]) => leaky(a!)),
  rrelu: withParams(['lower', 'upper'], ([lo, hi]) => leaky((lo! + hi!) / 2)),
  threshold: withParams(['threshold', 'value'], ([t, v]) => step(t!, v!)),
  thresholded_relu: withParams(['theta'], ([t]) => step(t!, 0)),
  hardsigmoid: withParams(['slope', 'offset'], ([a, b]) => {
    const lo = -b! / a!;
    const hi = (1 - b!) / a!;
    // The kernel measures from the corners, so they must be float32 values.
    if (Math.fround(lo) !== lo || Math.fround(hi) !== hi) return undefined;
    return {
      forward: call('hardsigmoid_f', lo, hi, a!),
      backward: call('hardsigmoid_b', lo, hi, a!),
    };
  }),
  hardswish: plain({ forward: call('hardswish_f'), backward: call('hardswish_b') }),
  hardshrink: withParams(['lambda'], ([l]) => ({
    forward: call('hardshrink_f', below(l!)),
    backward: call('shrink_b', below(l!)),
  })),
  // x ∓ λ is rounded once only when λ itself is a float32.
  softshrink: withParams(['lambda'], ([l]) =>
    Math.fround(l!) === l
      ? { forward: call('softshrink_f', l!), backward: call('shrink_b', l!) }
      : undefined,
  ),
  softsign: plain({ forward: call('softsign_f'), backward: call('softsign_b') }),
  relu_squared: plain({ forward: call('relu_squared_f'), backward: call('relu_squared_b') }),
  sigmoid: plain({
    forward: call('sigmoid_f'),
    backward: call('sigmoid_b'),
    backwardFromY: call('sigmoid_by'),
  }),
  tanh: plain({
    forward: call('tanh_f'),
    backward: call('tanh_b'),
    backwardFromY: call('tanh_by'),
  }),
  elu: withParams(['alpha'], ([a]) => eluFamily(1, a!, 1)),
  selu: plain(eluFamily(SELU_LAMBDA, SELU_LAMBDA * SELU_ALPHA, 1)),
  celu: withParams(['alpha'], ([a]) => eluFamily(1, a!, 1 / a!)),
  // The float32 kernel has β = 1 built in; other β fall back.
  softplus: withParams(['beta', 'threshold'], ([beta, t]) =>
    beta === 1
      ? { forward: call('softplus_f', below(t!)), backward: call('softplus_b', below(t!)) }
      : undefined,
  ),
  log_sigmoid: plain({
    forward: call('log_sigmoid_f'),
    backward: call('log_sigmoid_b'),
    backwardFromY: call('log_sigmoid_by'),
  }),
  silu: plain(swish(1)),
  // β = 0 is the line x/2, where βx = 0·∞ would be NaN at ±∞: the js reference takes it.
  swish: withParams(['beta'], ([beta]) => (beta === 0 ? undefined : swish(beta!))),
  gelu: (p) => {
    if (p['mu'] !== 0 || p['sigma'] !== 1 || Object.keys(p).length !== 3) return undefined;
    if (p['approximate'] === 'none') return { forward: call('gelu_f'), backward: call('gelu_b') };
    if (p['approximate'] === 'tanh') {
      return { forward: call('gelu_tanh_f'), backward: call('gelu_tanh_b') };
    }
    if (p['approximate'] === 'sigmoid') return swish(GELU_SIGMOID_BETA);
    return undefined;
  },
  mish: plain({ forward: call('mish_f'), backward: call('mish_b') }),
  tanhshrink: plain({ forward: call('tanhshrink_f'), backward: call('tanhshrink_b') }),
  // The kernels reduce αx for |αx| <= 1e6 (assembly/snake64.ts); beyond, the spec's
  // formulas, but for f' at ±∞, which has no limit: the mean slope 1, as the spec
  // gives where a finite αx overflows, so that no number gives NaN.
  snake: withParams(['alpha'], ([a]) => ({
    forward: call('snake_f', a!),
    backward: call('snake_b', a!),
    outOfRange: {
      test: (x) => !(Math.abs(a! * x) <= SNAKE_LIMIT),
      f: (x) => snake.f(x, { alpha: a! }),
      df: (x) => (Number.isNaN(x) ? x : Number.isFinite(x) ? snake.df(x, { alpha: a! }) : 1),
    },
  })),
  squareplus: withParams(['b'], ([b]) => ({
    forward: call('squareplus_f', b!),
    backward: call('squareplus_b', b!),
  })),
  exponential: plain({
    forward: call('exponential_f'),
    backward: call('exponential_b'),
    backwardFromY: call('mul_b'),
  }),
};

/** The wasm kernels for an activation at parameters p, or undefined (use the js reference). */
export function bindingFor(id: string, p: Params): Binding | undefined {
  return Object.hasOwn(BINDERS, id) ? BINDERS[id]!(p) : undefined;
}

/** Ids of the activations that have wasm kernels. */
export function wasmKernelIds(): string[] {
  return Object.keys(BINDERS);
}
