/**
 * TensorFlow Playground's colours: orange for class 0 (its -1), blue for
 * class 1, a pale grey between, so the decision boundary is where the
 * colour fades out.
 */
export const CLASS_COLOURS = ['#f59322', '#0877bd'] as const;
const NEGATIVE = [245, 147, 34];
const MIDDLE = [232, 234, 235];
const POSITIVE = [8, 119, 189];

/** The colour of a value in [-1, 1] (clamped) as r, g, b in 0..255. */
export function divergingRgb(v: number): [number, number, number] {
  const t = Number.isNaN(v) ? 0 : Math.max(-1, Math.min(1, v));
  const end = t < 0 ? NEGATIVE : POSITIVE;
  const a = Math.abs(t);
  return [0, 1, 2].map((i) => Math.round(MIDDLE[i]! + (end[i]! - MIDDLE[i]!) * a)) as [
    number,
    number,
    number,
  ];
}

/** Colours for the lines of several runs or layers (Tableau 10). */
export const SERIES_COLOURS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#17becf',
  '#8c564b',
  '#e377c2',
];
