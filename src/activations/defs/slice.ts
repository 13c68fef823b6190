/**
 * Helpers shared by the normalising vector activations (log_softmax, softmin,
 * sparsemax): the slice maximum, the rule for an infinite maximum, and a scratch row.
 */

/** Largest entry of a slice, or NaN when any entry is NaN. */
export function sliceMax(x: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) return v;
    if (v > max) max = v;
  }
  return max;
}

/**
 * The limit rule for a slice whose maximum is infinite. Entries equal to the maximum
 * are tied, as equal logits are, and share the mass equally: y_i = 1/k for the k tied
 * entries, 0 for the others. A slice of all -∞ is the limit of equal logits (the
 * uniform distribution, as softmax documents); one +∞ entry takes all the mass.
 * Returns k.
 */
export function shareTiedMax(x: Float64Array, max: number, y: Float64Array): number {
  let k = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === max) k++;
  for (let i = 0; i < x.length; i++) y[i] = x[i] === max ? 1 / k : 0;
  return k;
}

let scratchRow = new Float64Array(16);

/**
 * A reusable row of length n for intermediate values, so the row functions do not
 * allocate per slice. Valid until the next call.
 */
export function scratch(n: number): Float64Array {
  if (scratchRow.length < n) scratchRow = new Float64Array(Math.max(n, 2 * scratchRow.length));
  return scratchRow.subarray(0, n);
}
