/**
 * Slider bounds for a numeric parameter, read from its spec: the allowed range
 * where it is finite, otherwise a span around the default. A value outside
 * that span (typed in, or from a link) widens the slider rather than being clipped.
 */
import {
  type ActivationSpec,
  type NumericParamSpec,
  resolveParams,
} from '../../src/activations/index.js';

/** The largest 1, 2 or 5 times a power of ten not above `v`. */
function niceStepOf(v: number): number {
  const power = 10 ** Math.floor(Math.log10(v));
  const m = v / power;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * power;
}

export interface SliderRange {
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

/**
 * True when the spec refuses a half-way value but accepts the next whole one
 * (maxout's `pieces`). Asked of the spec's own validation, not of a list.
 */
export function isIntegerParam(spec: ActivationSpec, name: string, ps: NumericParamSpec): boolean {
  if (!Number.isInteger(ps.default)) return false;
  const accepts = (v: number) => {
    try {
      resolveParams(spec, { [name]: v });
      return true;
    } catch {
      return false;
    }
  };
  return accepts(ps.default + 1) && !accepts(ps.default + 0.5);
}

export function sliderRange(
  spec: ActivationSpec,
  name: string,
  ps: NumericParamSpec,
  current: number,
): SliderRange {
  const d = ps.default;
  const span = Math.max(1, 2 * Math.abs(d));
  let lo = Math.max(ps.min ?? Number.NEGATIVE_INFINITY, d - span);
  let hi = Math.min(ps.max ?? Number.POSITIVE_INFINITY, d + span);
  if (Number.isFinite(current)) {
    lo = Math.min(lo, current);
    hi = Math.max(hi, current);
  }
  const integer = isIntegerParam(spec, name, ps);
  const step = integer ? 1 : niceStepOf((hi - lo) / 200);
  // An exclusive bound is not a value the slider may reach.
  if (ps.min !== undefined && ps.minExclusive && lo <= ps.min) lo = ps.min + step;
  if (ps.max !== undefined && ps.maxExclusive && hi >= ps.max) hi = ps.max - step;
  return { min: lo, max: hi, step };
}

/** Evenly spread values across the slider, rounded to its step: the default sweep. */
export function sweepValues(r: SliderRange, count = 5): string[] {
  const out = new Set<string>();
  for (let i = 0; i < count; i++) {
    const v = r.min + ((r.max - r.min) * i) / (count - 1);
    out.add(String(Number((Math.round(v / r.step) * r.step).toPrecision(10))));
  }
  return [...out];
}
