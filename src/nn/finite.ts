/** True when every value is finite: x·0 is 0 for a finite x and NaN for NaN or ±Infinity. */
export function allFinite(a: ArrayLike<number>): boolean {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * 0;
  return s === 0;
}
