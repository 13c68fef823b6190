/** Axis ticks at round numbers (1, 2 or 5 times a power of ten), as every plotting library picks them. */
export function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * power;
}

export function ticks(lo: number, hi: number, target: number): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep(hi - lo, target);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    // Snap away the drift of repeated addition, so 0.30000000000000004 prints as 0.3.
    out.push(Number((Math.round(v / step) * step).toPrecision(12)));
  }
  return out;
}

/** A number for a tick label or a read-out: short, without float noise. */
export function formatNumber(v: number, digits = 6): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const text =
    a >= 1e-4 && a < 1e6
      ? String(Number(v.toPrecision(digits)))
      : v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return text.replace('-', '−');
}
