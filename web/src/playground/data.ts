/**
 * The Playground's points: a 2-D set generated, shuffled and split by one
 * seeded stream (as src/data/load.ts does for the CLI), and the square of the
 * plane the heat map shows for it.
 */

import { trainTestSplit } from '../../../src/data/split.js';
import { generateSynthetic, type SyntheticName } from '../../../src/data/synthetic.js';
import type { ClassificationDataset } from '../../../src/data/types.js';
import { Random } from '../../../src/tensor/random.js';

/** TensorFlow Playground's point count. */
export const POINTS = 500;

export interface Domain {
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
}

/**
 * The Playground's sets live in [-6, 6]²; moons keeps scikit-learn's frame
 * (about [-1, 2] × [-0.5, 1]), so it gets a square around that.
 */
export function domainOf(data: SyntheticName): Domain {
  if (data === 'moons') return { x: [-1.5, 2.5], y: [-1.75, 2.25] };
  return { x: [-6, 6], y: [-6, 6] };
}

export interface Points {
  readonly train: ClassificationDataset;
  readonly test: ClassificationDataset;
}

export function makePoints(
  data: SyntheticName,
  noisePercent: number,
  trainPercent: number,
  seed: number,
): Points {
  const rng = new Random(seed);
  const all = generateSynthetic(data, { samples: POINTS, noise: noisePercent / 100, rng });
  return trainTestSplit(all, 1 - trainPercent / 100, rng);
}

/** The centres of a size × size grid over the domain, as (x1, x2) pairs, row 0 at the top. */
export function gridPoints(domain: Domain, size: number): Float32Array {
  const out = new Float32Array(size * size * 2);
  const [x0, x1] = domain.x;
  const [y0, y1] = domain.y;
  for (let r = 0; r < size; r++) {
    const y = y1 - ((r + 0.5) / size) * (y1 - y0);
    for (let c = 0; c < size; c++) {
      const x = x0 + ((c + 0.5) / size) * (x1 - x0);
      out[2 * (r * size + c)] = x;
      out[2 * (r * size + c) + 1] = y;
    }
  }
  return out;
}
