/**
 * The activation spec contract. One spec per activation, declared as data in
 * `defs/<id>.ts`; kernels, tensor ops, layers, the CLI, plots, docs and the
 * conformance suite are all derived from it.
 */

/** A parameter value: numbers for most, a string for choices such as GELU's `approximate`. */
export type ParamValue = number | string;
export type Params = Readonly<Record<string, ParamValue>>;

/** A numeric parameter. Bounds are inclusive unless marked exclusive. */
export interface NumericParamSpec {
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
  /** Can be trained by backprop (the spec then gives `dParams[name]`). */
  readonly learnable?: boolean;
  readonly doc: string;
}

/** A parameter that picks one of a few named forms. */
export interface ChoiceParamSpec {
  readonly default: string;
  readonly choices: readonly string[];
  readonly doc: string;
}

export type ParamSpec = NumericParamSpec | ChoiceParamSpec;

export function isChoiceParam(p: ParamSpec): p is ChoiceParamSpec {
  return 'choices' in p;
}

/**
 * A point where the function is not differentiable, with the subgradient used
 * there. Stated as data so that the convention never depends on `>` vs `>=`.
 */
export interface Kink {
  readonly at: number;
  readonly derivative: number;
}

export type Smoothness = 'discontinuous' | 'C0' | 'C1' | 'C2' | 'Cinf';
export type Saturation = 'two-sided' | 'one-sided' | 'none';

/** Claims about the function at its default parameters; every claim is checked by a test. */
export interface Properties {
  /** Closure of the range, as [inf, sup] (±Infinity where unbounded). */
  readonly range: readonly [number, number];
  /** The range as a person writes it, e.g. "(0, 1)" or "[-0.3088, ∞)". */
  readonly rangeText: string;
  /** Non-decreasing on the whole real line. */
  readonly monotonic: boolean;
  readonly smoothness: Smoothness;
  /** f(0) = 0 and takes values of both signs, so outputs can average to zero. */
  readonly zeroCentred: boolean;
  /** Where f' tends to 0: on both sides, one side (x -> -∞), or nowhere. */
  readonly saturation: Saturation;
  readonly boundedAbove: boolean;
  readonly boundedBelow: boolean;
  /** Exactly zero on a whole interval (sparse activations). */
  readonly sparse: boolean;
  /** f(-x) = -f(x). */
  readonly odd: boolean;
}

export interface Reference {
  readonly title: string;
  readonly url: string;
}

export interface Notes {
  /** One or two sentences: what it is and why it exists. */
  readonly summary: string;
  readonly pros: readonly string[];
  readonly cons: readonly string[];
  /** Where it is used, e.g. "LSTM cells", "BERT and GPT-2". */
  readonly usedIn: readonly string[];
}

interface SpecBase<P extends Params> {
  /** snake_case id, also the file name in defs/. */
  readonly id: string;
  /** Display name, e.g. "Leaky ReLU". */
  readonly name: string;
  /** Other spellings: Keras/TF.js camelCase forms are matched automatically (case and `_` ignored). */
  readonly aliases: readonly string[];
  /** Aliases that fix parameters, e.g. gelu_new -> { approximate: 'tanh' }. */
  readonly aliasParams?: Readonly<Record<string, Partial<P>>>;
  readonly params: Readonly<Record<keyof P & string, ParamSpec>>;
  /** Cross-parameter rule (e.g. min_val < max_val); returns the error text or undefined. */
  validate?(p: P): string | undefined;
  readonly latex: { readonly f: string; readonly df: string };
  readonly refs: readonly Reference[];
  readonly notes: Notes;
}

/**
 * ∂f/∂θ at x. Declared through a method so that a spec typed with its own P is
 * assignable to the registry's general spec (method parameters are bivariant).
 */
export type ParamDerivative<P extends Params> = {
  derivative(x: number, p: P): number;
}['derivative'];

/** An activation applied to each element on its own. */
export interface ElementwiseSpec<P extends Params = Params> extends SpecBase<P> {
  readonly kind: 'elementwise';
  /** Forward in float64, accurate on the whole real line. */
  f(x: number, p: P): number;
  /** Analytic derivative df/dx in float64; at kinks it must return the declared subgradient. */
  df(x: number, p: P): number;
  /** Derivative from the output, when cheaper (sigmoid, tanh). Backward then saves y. */
  dfFromY?(y: number, p: P): number;
  /** Partial derivatives with respect to learnable parameters, per element. */
  readonly dParams?: Readonly<Partial<Record<keyof P & string, ParamDerivative<P>>>>;
  /** Non-differentiable points at parameters p, with their subgradient. */
  kinks(p: P): readonly Kink[];
  readonly properties: Properties;
}

/**
 * An activation over a vector (one slice along an axis): softmax, GLU, maxout...
 * Row functions work in float64 on contiguous slices.
 */
export interface VectorSpec<P extends Params = Params> extends SpecBase<P> {
  readonly kind: 'vector';
  /** Output length along the axis for an input of length n (n for softmax, n/2 for GLU). */
  outSize(n: number, p: P): number;
  /** A clear error text when a slice of length n is not accepted (odd n for GLU). */
  checkSize?(n: number, p: P): string | undefined;
  /** y = f(x) for one slice. */
  forward(x: Float64Array, y: Float64Array, p: P): void;
  /** gx = J(x)^T gy for one slice (overwrites gx). y is the forward output. */
  vjp(x: Float64Array, y: Float64Array, gy: Float64Array, gx: Float64Array, p: P): void;
  /** Range and a few properties, for the tables. */
  readonly properties: Pick<Properties, 'range' | 'rangeText' | 'smoothness'>;
}

export type ActivationSpec<P extends Params = Params> = ElementwiseSpec<P> | VectorSpec<P>;

/** Identity helpers that let TypeScript infer P inside a def file. */
export function elementwise<P extends Params>(spec: ElementwiseSpec<P>): ElementwiseSpec<P> {
  return spec;
}
export function vector<P extends Params>(spec: VectorSpec<P>): VectorSpec<P> {
  return spec;
}
