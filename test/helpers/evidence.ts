/**
 * What the reference fixtures say about an activation's shape (monotonic, odd,
 * bounded, ...), and what its kinks say about its smoothness. The conformance
 * suite checks each declared property against both: the independent reference,
 * and a law evaluated on the spec itself.
 */
import type {
  ElementwiseSpec,
  Params,
  Saturation,
  Smoothness,
} from '../../src/activations/index.js';
import type { ElementwiseCase } from './fixtures.js';

/** Indices of the non-NaN points, in increasing x (-0 before +0). */
function sortedIndices(c: ElementwiseCase): number[] {
  const idx: number[] = [];
  for (let i = 0; i < c.x.length; i++) if (!Number.isNaN(c.x[i]!)) idx.push(i);
  return idx.sort((a, b) => c.x[a]! - c.x[b]! || (Object.is(c.x[a], -0) ? -1 : 1));
}

export interface ReferenceShape {
  readonly monotonic: boolean;
  readonly odd: boolean;
  readonly zeroCentred: boolean;
  readonly boundedAbove: boolean;
  readonly boundedBelow: boolean;
  readonly saturation: Saturation;
  /** The longest run of exact zeros, as [from, to], or undefined. */
  readonly zeroInterval: readonly [number, number] | undefined;
  readonly min: number;
  readonly max: number;
}

export function referenceShape(c: ElementwiseCase): ReferenceShape {
  const order = sortedIndices(c);
  const y = (i: number) => c.y[i]!;
  let monotonic = true;
  for (let k = 1; k < order.length; k++) {
    const a = y(order[k - 1]!);
    const b = y(order[k]!);
    if (b < a - 1e-12 * Math.abs(a)) monotonic = false;
  }
  const byX = new Map<number, number>();
  for (const i of order) if (!Object.is(c.x[i], -0)) byX.set(c.x[i]!, y(i));
  let odd = true;
  for (const [x, fx] of byX) {
    const fm = byX.get(-x);
    if (fm === undefined) continue;
    if (!Number.isFinite(fx)) odd &&= fm === -fx;
    else odd &&= Math.abs(fm + fx) <= 1e-12 * Math.abs(fx) + 1e-300;
  }
  const ys = order.map(y);
  const min = Math.min(...ys);
  const max = Math.max(...ys);
  const at = (x: number) => c.dydx[order.find((i) => c.x[i] === x)!]!;
  const flatLeft = at(Number.NEGATIVE_INFINITY) === 0;
  const flatRight = at(Number.POSITIVE_INFINITY) === 0;
  const sides = Number(flatLeft) + Number(flatRight);
  let zeroInterval: [number, number] | undefined;
  let runStart = -1;
  for (let k = 0; k <= order.length; k++) {
    const i = order[k];
    const zero =
      i !== undefined && Number.isFinite(c.x[i]!) && c.anySignZero.has(i) && c.y[i] === 0;
    if (zero && runStart < 0) runStart = k;
    if (!zero && runStart >= 0) {
      if (k - runStart >= 2) {
        const from = c.x[order[runStart]!]!;
        const to = c.x[order[k - 1]!]!;
        if (zeroInterval === undefined || to - from > zeroInterval[1] - zeroInterval[0]) {
          zeroInterval = [from, to];
        }
      }
      runStart = -1;
    }
  }
  return {
    monotonic,
    odd,
    zeroCentred: byX.get(0) === 0 && min < 0 && max > 0,
    boundedAbove: max < Number.POSITIVE_INFINITY,
    boundedBelow: min > Number.NEGATIVE_INFINITY,
    saturation: sides === 2 ? 'two-sided' : sides === 1 ? 'one-sided' : 'none',
    zeroInterval,
    min,
    max,
  };
}

export type SmoothClass = 'discontinuous' | 'C0' | 'C1' | 'smooth';

/** C2 and C∞ cannot be told apart from a few derivatives; both count as smooth. */
export function smoothClassOf(s: Smoothness): SmoothClass {
  return s === 'C2' || s === 'Cinf' ? 'smooth' : s;
}

/**
 * The smoothness the spec's own f and df show at the given points: a jump in
 * f, in f', or in f'' (one-sided differences of f'). Tolerances sit far above
 * rounding and far below the jumps of real kinks.
 */
export function observedSmoothness(
  spec: ElementwiseSpec,
  p: Params,
  points: readonly number[],
): { readonly cls: SmoothClass; readonly detail: string[] } {
  let cls: SmoothClass = 'smooth';
  const detail: string[] = [];
  const rank: Record<SmoothClass, number> = { discontinuous: 0, C0: 1, C1: 2, smooth: 3 };
  const worsen = (to: SmoothClass, why: string) => {
    detail.push(why);
    if (rank[to] < rank[cls]) cls = to;
  };
  for (const k of points) {
    const s = Math.max(1, Math.abs(k));
    const e = 1e-7 * s;
    const jump = Math.abs(spec.f(k + e, p) - spec.f(k - e, p));
    if (jump > 1e-5 * Math.max(1, Math.abs(spec.f(k, p)))) {
      worsen('discontinuous', `f jumps by ${jump} at ${k}`);
      continue;
    }
    const djump = Math.abs(spec.df(k + e, p) - spec.df(k - e, p));
    if (djump > 1e-3) {
      worsen('C0', `f' jumps by ${djump} at ${k}`);
      continue;
    }
    const d = 1e-5 * s;
    const right = (spec.df(k + 2 * d, p) - spec.df(k + d, p)) / d;
    const left = (spec.df(k - d, p) - spec.df(k - 2 * d, p)) / d;
    if (Math.abs(right - left) > 1e-2) worsen('C1', `f'' jumps from ${left} to ${right} at ${k}`);
  }
  return { cls, detail };
}
