/**
 * The Playground's input features: what the network sees of a point (x1, x2).
 * TensorFlow Playground offers the same seven; a network given x1² and x2²
 * separates the circle with no hidden layer at all, which is the lesson.
 */
export interface Feature {
  readonly id: FeatureId;
  /** How the page labels it (Unicode, no markup). */
  readonly label: string;
  readonly map: (x1: number, x2: number) => number;
}

export const FEATURE_IDS = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'] as const;
export type FeatureId = (typeof FEATURE_IDS)[number];

export const FEATURES: readonly Feature[] = [
  { id: 'x1', label: 'x₁', map: (x1) => x1 },
  { id: 'x2', label: 'x₂', map: (_x1, x2) => x2 },
  { id: 'x1sq', label: 'x₁²', map: (x1) => x1 * x1 },
  { id: 'x2sq', label: 'x₂²', map: (_x1, x2) => x2 * x2 },
  { id: 'x1x2', label: 'x₁x₂', map: (x1, x2) => x1 * x2 },
  { id: 'sinx1', label: 'sin x₁', map: (x1) => Math.sin(x1) },
  { id: 'sinx2', label: 'sin x₂', map: (_x1, x2) => Math.sin(x2) },
];

export function isFeatureId(text: string): text is FeatureId {
  return (FEATURE_IDS as readonly string[]).includes(text);
}

export function featureById(id: FeatureId): Feature {
  return FEATURES.find((f) => f.id === id)!;
}

/**
 * Rows of the chosen features for points stored as (x1, x2) pairs: the
 * network's input matrix, row-major, one row per point, columns in the
 * order of `ids`.
 */
export function featureMatrix(points: ArrayLike<number>, ids: readonly FeatureId[]): Float32Array {
  const n = Math.floor(points.length / 2);
  const maps = ids.map((id) => featureById(id).map);
  const out = new Float32Array(n * maps.length);
  for (let i = 0; i < n; i++) {
    const x1 = points[2 * i]!;
    const x2 = points[2 * i + 1]!;
    for (let j = 0; j < maps.length; j++) out[i * maps.length + j] = maps[j]!(x1, x2);
  }
  return out;
}
