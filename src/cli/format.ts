/**
 * How the CLI prints numbers: float32 values as the shortest decimal that
 * reads back as the same float32 (what TensorFlow and NumPy print:
 * sigmoid(-1) = 0.26894143), float64 values as JavaScript's shortest
 * round-trip form.
 */
export type Dtype = 'float32' | 'float64';

function signedZero(v: number): string | undefined {
  return Object.is(v, -0) ? '-0' : undefined;
}

/** The fewest significant digits (at most 9, always enough for float32) that round-trip. */
export function shortestFloat32(v: number): string {
  const zero = signedZero(v);
  if (zero !== undefined) return zero;
  if (!Number.isFinite(v)) return String(v);
  const f = Math.fround(v);
  for (let digits = 1; digits < 9; digits++) {
    const text = f.toPrecision(digits);
    // String(Number(..)) drops trailing zeros and picks JavaScript's exponent style.
    if (Math.fround(Number(text)) === f) return String(Number(text));
  }
  return String(Number(f.toPrecision(9)));
}

export function formatValue(v: number, dtype: Dtype): string {
  if (dtype === 'float32') return shortestFloat32(v);
  return signedZero(v) ?? String(v);
}
