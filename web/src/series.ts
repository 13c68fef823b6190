/**
 * What the chart draws: for each curve, samples of f and f' from the
 * catalogue's own code (src/plot/curves.ts for elementwise activations, the
 * spec's forward and vjp for vector ones), f'' as a central difference of f',
 * and a function that evaluates all three at the hovered x.
 */
import {
  type ActivationSpec,
  type ElementwiseSpec,
  type Kink,
  type Params,
  type PresetName,
  resolveParams,
  type VectorSpec,
} from '../../src/activations/index.js';
import { sampleCurve } from '../../src/plot/curves.js';

export interface Values {
  readonly f: number;
  readonly df: number;
  readonly d2: number;
}

export interface Series {
  readonly label: string;
  readonly colour: string;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly dy: Float64Array;
  readonly d2: Float64Array;
  readonly kinks: readonly Kink[];
  at(x: number): Values;
}

/** Points per curve: enough for a smooth line at any width the page takes. */
export const SAMPLES = 601;

/**
 * Second derivative by a central difference of the analytic f'. The step is
 * near the cube root of float64 epsilon (the optimum for a central difference),
 * scaled with |x|. Within one step of a kink the difference would straddle a
 * jump of f' (a Dirac delta in f''), so it is left out there.
 */
export function secondDerivative(
  df: (x: number) => number,
  kinks: readonly Kink[],
): (x: number) => number {
  return (x) => {
    const h = 6e-6 * Math.max(1, Math.abs(x));
    if (kinks.some((k) => Math.abs(k.at - x) <= h)) return Number.NaN;
    return (df(x + h) - df(x - h)) / (2 * h);
  };
}

function elementwiseSeries(
  spec: ElementwiseSpec,
  params: Params,
  label: string,
  colour: string,
  range: readonly [number, number],
): Series {
  const c = sampleCurve({ spec, params }, label, range, SAMPLES);
  const df = (x: number) => spec.df(x, params);
  const d2 = secondDerivative(df, c.kinks);
  return {
    label,
    colour,
    x: c.x,
    y: c.y,
    dy: c.dydx,
    d2: c.x.map(d2),
    kinks: c.kinks,
    at: (x) => ({ f: spec.f(x, params), df: df(x), d2: d2(x) }),
  };
}

/** How a vector activation is drawn as a curve: the slice (x, 0, …, 0) or (x, x, …, x). */
export type SliceMode = 'x0' | 'xx';

/** The shortest slice the activation accepts (2 for softmax and GLU, k for maxout with k pieces). */
function sliceLength(spec: VectorSpec, params: Params): number {
  for (let n = 2; n <= 64; n++) {
    const out = spec.outSize(n, params);
    if (Number.isInteger(out) && out >= 1 && spec.checkSize?.(n, params) === undefined) return n;
  }
  throw new Error(`${spec.id} accepts no slice of length 2 to 64`);
}

/** y₀ and dy₀/dx along the line the slice mode draws, from the spec's forward and vjp. */
function sliceEvaluator(spec: VectorSpec, params: Params, mode: SliceMode) {
  const n = sliceLength(spec, params);
  const xs = new Float64Array(n);
  const ys = new Float64Array(spec.outSize(n, params));
  const gy = new Float64Array(ys.length);
  const gx = new Float64Array(n);
  gy[0] = 1;
  const fill = (x: number) => {
    if (mode === 'xx') xs.fill(x);
    else {
      xs.fill(0);
      xs[0] = x;
    }
  };
  const f = (x: number): number => {
    fill(x);
    spec.forward(xs, ys, params);
    return ys[0]!;
  };
  const df = (x: number): number => {
    fill(x);
    spec.forward(xs, ys, params);
    spec.vjp(xs, ys, gy, gx, params);
    // The chain rule along the line: Σ ∂y₀/∂x_i · dx_i/dx.
    if (mode === 'x0') return gx[0]!;
    let s = 0;
    for (let i = 0; i < n; i++) s += gx[i]!;
    return s;
  };
  return { n, f, df };
}

/** The slice notation shown in labels: (x, 0) or (x, x, x). */
export function sliceText(spec: VectorSpec, params: Params, mode: SliceMode): string {
  const n = sliceLength(spec, params);
  const rest = Array.from({ length: n - 1 }, () => (mode === 'xx' ? 'x' : '0'));
  return `(${['x', ...rest].join(', ')})`;
}

/**
 * The first slice mode whose curve is not a straight line over the range:
 * softmax on (x, 0) is the sigmoid, GLU on (x, 0) is only x/2 but on (x, x)
 * it is x·σ(x). Decided from samples, so it needs no list of activations.
 */
export function autoSliceMode(
  spec: VectorSpec,
  params: Params,
  range: readonly [number, number],
): SliceMode {
  for (const mode of ['x0', 'xx'] as const) {
    const { f } = sliceEvaluator(spec, params, mode);
    const [lo, hi] = range;
    const y0 = f(lo);
    const slope = (f(hi) - y0) / (hi - lo);
    for (let i = 1; i < 16; i++) {
      const x = lo + ((hi - lo) * i) / 16;
      const y = f(x);
      if (Math.abs(y - (y0 + slope * (x - lo))) > 1e-9 * (1 + Math.abs(y))) return mode;
    }
  }
  return 'x0';
}

function vectorSeries(
  spec: VectorSpec,
  params: Params,
  label: string,
  colour: string,
  range: readonly [number, number],
  mode: SliceMode,
): Series {
  const { f, df } = sliceEvaluator(spec, params, mode);
  const d2 = secondDerivative(df, []);
  const [lo, hi] = range;
  const x = Float64Array.from({ length: SAMPLES }, (_, i) => lo + ((hi - lo) * i) / (SAMPLES - 1));
  return {
    label,
    colour,
    x,
    y: x.map(f),
    dy: x.map(df),
    d2: x.map(d2),
    kinks: [],
    at: (v) => ({ f: f(v), df: df(v), d2: d2(v) }),
  };
}

export interface SeriesRequest {
  readonly spec: ActivationSpec;
  readonly params: Params;
  readonly label: string;
  readonly colour: string;
}

export function buildSeries(r: SeriesRequest, range: readonly [number, number]): Series {
  if (r.spec.kind === 'elementwise')
    return elementwiseSeries(r.spec, r.params, r.label, r.colour, range);
  const mode = autoSliceMode(r.spec, r.params, range);
  const label = `${r.label}: y₀ of ${sliceText(r.spec, r.params, mode)}`;
  return vectorSeries(r.spec, r.params, label, r.colour, range, mode);
}

/** Parameters for a curve, or the error text when the given values are refused. */
export function tryResolve(
  spec: ActivationSpec,
  given: Readonly<Record<string, string | number>>,
  preset: PresetName,
): { params: Params } | { error: string } {
  try {
    return { params: resolveParams(spec, given, { preset }) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
