/**
 * The figures the goals are stated in (docs/PERF goals): geometric means of
 * ours/PyTorch over the activations PyTorch has, the worst ratio, and the
 * piecewise-linear activations as a fraction of memcpy.
 */
import { type ActivationRow, type ActivationsBench, PIECEWISE_LINEAR } from './activations.js';

export interface RatioSummary {
  /** Geometric mean of ours/anchor over the activations both have; null when none. */
  readonly geomean: number | null;
  readonly worst: { readonly id: string; readonly ratio: number } | null;
  readonly count: number;
}

export interface BenchSummary {
  readonly fwdBwdVsTorch: RatioSummary;
  readonly fwdVsTorch: RatioSummary;
  readonly fwdVsTfjs: RatioSummary;
  /** ours_fwd / memcpy for each piecewise-linear activation. */
  readonly piecewiseVsMemcpy: Readonly<Record<string, number>>;
  /** The largest worst-case float32 ULP error over the activations, and whose it is. */
  readonly worstUlp: { readonly id: string; readonly ulp: number } | null;
}

export function ratioSummary(
  rows: Readonly<Record<string, ActivationRow>>,
  ours: keyof ActivationRow,
  anchor: keyof ActivationRow,
): RatioSummary {
  let logSum = 0;
  let count = 0;
  let worst: { id: string; ratio: number } | null = null;
  for (const [id, row] of Object.entries(rows)) {
    const a = row[ours];
    const b = row[anchor];
    if (a === null || b === null || !(a > 0) || !(b > 0)) continue;
    const ratio = a / b;
    logSum += Math.log(ratio);
    count++;
    if (worst === null || ratio < worst.ratio) worst = { id, ratio };
  }
  return { geomean: count === 0 ? null : Math.exp(logSum / count), worst, count };
}

export function summarize(b: ActivationsBench): BenchSummary {
  const piecewise: Record<string, number> = {};
  for (const id of PIECEWISE_LINEAR) {
    const ours = b.activations[id]?.ours_fwd;
    if (ours !== null && ours !== undefined && b.memcpy > 0) piecewise[id] = ours / b.memcpy;
  }
  let worstUlp: { id: string; ulp: number } | null = null;
  for (const [id, row] of Object.entries(b.activations)) {
    const u = row.ours_ulp;
    if (u !== null && u !== undefined && (worstUlp === null || u > worstUlp.ulp)) {
      worstUlp = { id, ulp: u };
    }
  }
  return {
    worstUlp,
    fwdBwdVsTorch: ratioSummary(b.activations, 'ours_fwd_bwd', 'torch_fwd_bwd'),
    fwdVsTorch: ratioSummary(b.activations, 'ours_fwd', 'torch_fwd'),
    fwdVsTfjs: ratioSummary(b.activations, 'ours_fwd', 'tfjs_fwd'),
    piecewiseVsMemcpy: piecewise,
  };
}
