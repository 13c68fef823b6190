/**
 * Samples of an elementwise activation and its derivative on an interval,
 * computed by the reference kernels in float64: the data every chart draws.
 */
import {
  backwardInto,
  type ElementwiseSpec,
  forwardInto,
  type Kink,
  type ResolvedActivation,
} from '../activations/index.js';

export interface Curve {
  /** Legend text: the activation, a parameter value, or both. */
  readonly label: string;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly dydx: Float64Array;
  /** Kinks inside the interval, with the subgradient the spec uses there. */
  readonly kinks: readonly Kink[];
}

export type Interval = readonly [number, number];

export const DEFAULT_RANGE: Interval = [-6, 6];

/**
 * Evenly spaced points plus every kink inside the interval, so that a corner
 * is drawn at its true place rather than cut between two samples.
 */
function samplePoints(range: Interval, samples: number, kinks: readonly Kink[]): Float64Array {
  const [lo, hi] = range;
  const xs = new Set<number>();
  for (let i = 0; i < samples; i++) xs.add(lo + ((hi - lo) * i) / (samples - 1));
  for (const k of kinks) if (k.at >= lo && k.at <= hi) xs.add(k.at);
  return Float64Array.from([...xs].sort((a, b) => a - b));
}

export function sampleCurve(
  activation: ResolvedActivation<ElementwiseSpec>,
  label: string,
  range: Interval = DEFAULT_RANGE,
  samples = 241,
): Curve {
  const { spec, params } = activation;
  const kinks = spec.kinks(params).filter((k) => k.at >= range[0] && k.at <= range[1]);
  const x = samplePoints(range, samples, kinks);
  const y = new Float64Array(x.length);
  const dydx = new Float64Array(x.length);
  forwardInto(spec, params, x, y);
  backwardInto(spec, params, x, new Float64Array(x.length).fill(1), dydx);
  return { label, x, y, dydx, kinks };
}
