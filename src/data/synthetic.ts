/**
 * Synthetic 2-D classification sets.
 *
 * circle, xor, gauss and spiral follow TensorFlow Playground's `dataset.ts`
 * (github.com/tensorflow/playground, src/dataset.ts): the same geometry, the
 * same meaning of `noise` (the Playground's noise slider, 0-50 %, divided by
 * 100, so 0 .. 0.5) and the same order of random draws per point. The
 * Playground labels points +1 / -1; here +1 becomes class 1 and -1 class 0.
 * moons follows scikit-learn's `make_moons` (two interleaving half circles,
 * Gaussian noise of standard deviation `noise`).
 *
 * Points come out in generation order (class by class, as the Playground's
 * generators return them); `loadDataset` shuffles them with the same seeded
 * stream before splitting, as the Playground does.
 */
import { Random } from '../tensor/random.js';
import { DataError } from './errors.js';
import type { ClassificationDataset } from './types.js';

export interface SyntheticOptions {
  /** Number of points (default 500, the Playground's count for classification). */
  samples?: number;
  /** Noise level, >= 0 (default 0). See each generator for its meaning. */
  noise?: number;
  /** Seed for a fresh generator (default 0); ignored when `rng` is given. */
  seed?: number;
  /** A generator to draw from instead, so a caller can continue the same stream. */
  rng?: Random;
}

export const SYNTHETIC_NAMES = ['spiral', 'circle', 'xor', 'gauss', 'moons'] as const;
export type SyntheticName = (typeof SYNTHETIC_NAMES)[number];

export const DEFAULT_SAMPLES = 500;

interface Resolved {
  samples: number;
  noise: number;
  rng: Random;
}

function resolve(options: SyntheticOptions): Resolved {
  const samples = options.samples ?? DEFAULT_SAMPLES;
  const noise = options.noise ?? 0;
  if (!Number.isSafeInteger(samples) || samples < 2) {
    throw new DataError(`samples must be an integer >= 2 (one point per class), got ${samples}`);
  }
  if (!Number.isFinite(noise) || noise < 0) {
    throw new DataError(`noise must be a finite number >= 0, got ${noise}`);
  }
  return { samples, noise, rng: options.rng ?? new Random(options.seed ?? 0) };
}

/** Collects points into the typed arrays of a two-class data set. */
class PointSink {
  readonly x: Float32Array;
  readonly y: Int32Array;
  private n = 0;

  constructor(samples: number) {
    this.x = new Float32Array(samples * 2);
    this.y = new Int32Array(samples);
  }

  push(px: number, py: number, label: number): void {
    this.x[2 * this.n] = px;
    this.x[2 * this.n + 1] = py;
    this.y[this.n] = label;
    this.n++;
  }

  done(): ClassificationDataset {
    return { x: this.x, xShape: [this.n, 2], y: this.y, numClasses: 2 };
  }
}

/** The Playground's class sizes: half each; with an odd count the first class gets the extra point. */
function halves(samples: number): [number, number] {
  const first = Math.ceil(samples / 2);
  return [first, samples - first];
}

/**
 * Class 1 uniform in the disc of radius 2.5, class 0 in the ring 3.5 .. 5.
 * As in the Playground, noise does not move a point: the label is decided at
 * the point plus an offset uniform in [-5, 5]² × noise, so noise flips labels
 * near the gap.
 */
export function circle(options: SyntheticOptions = {}): ClassificationDataset {
  const { samples, noise, rng } = resolve(options);
  const radius = 5;
  const out = new PointSink(samples);
  const label = (px: number, py: number): number => (Math.hypot(px, py) < radius * 0.5 ? 1 : 0);
  const [inside, outside] = halves(samples);
  const ring = (count: number, rMin: number, rMax: number): void => {
    for (let i = 0; i < count; i++) {
      const r = rng.uniform(rMin, rMax);
      const angle = rng.uniform(0, 2 * Math.PI);
      const px = r * Math.sin(angle);
      const py = r * Math.cos(angle);
      const nx = rng.uniform(-radius, radius) * noise;
      const ny = rng.uniform(-radius, radius) * noise;
      out.push(px, py, label(px + nx, py + ny));
    }
  };
  ring(inside, 0, radius * 0.5);
  ring(outside, radius * 0.7, radius);
  return out.done();
}

/**
 * Points uniform in [-5, 5]², pushed 0.3 away from both axes; class 1 where
 * x·y >= 0 (first and third quadrants). Noise, as for circle, offsets only the
 * point at which the label is decided.
 */
export function xor(options: SyntheticOptions = {}): ClassificationDataset {
  const { samples, noise, rng } = resolve(options);
  const padding = 0.3;
  const out = new PointSink(samples);
  const pad = (v: number): number => v + (v > 0 ? padding : -padding);
  for (let i = 0; i < samples; i++) {
    const px = pad(rng.uniform(-5, 5));
    const py = pad(rng.uniform(-5, 5));
    const nx = rng.uniform(-5, 5) * noise;
    const ny = rng.uniform(-5, 5) * noise;
    out.push(px, py, (px + nx) * (py + ny) >= 0 ? 1 : 0);
  }
  return out.done();
}

/**
 * Two Gaussian blobs: class 1 around (2, 2), class 0 around (-2, -2). Noise
 * widens them: the variance maps linearly from 0.5 at noise 0 to 4 at noise 0.5
 * (the Playground's d3 scale, extrapolated beyond 0.5 as d3 does).
 */
export function gauss(options: SyntheticOptions = {}): ClassificationDataset {
  const { samples, noise, rng } = resolve(options);
  const variance = 0.5 + (noise / 0.5) * (4 - 0.5);
  const std = Math.sqrt(variance);
  const out = new PointSink(samples);
  const [first, second] = halves(samples);
  const blob = (count: number, c: number, label: number): void => {
    for (let i = 0; i < count; i++) {
      const px = rng.normal(c, std);
      const py = rng.normal(c, std);
      out.push(px, py, label);
    }
  };
  blob(first, 2, 1);
  blob(second, -2, 0);
  return out.done();
}

/**
 * Two interleaved spirals of 1.75 turns out to radius 5: the i-th of n points
 * of a class sits at radius 5i/n and angle 3.5π·i/n (+π for class 0), measured
 * as the Playground does (x = r sin t, y = r cos t). Noise moves each
 * coordinate by a uniform offset in [-noise, noise].
 */
export function spiral(options: SyntheticOptions = {}): ClassificationDataset {
  const { samples, noise, rng } = resolve(options);
  const out = new PointSink(samples);
  const arm = (n: number, deltaT: number, label: number): void => {
    for (let i = 0; i < n; i++) {
      const r = (i / n) * 5;
      const t = ((1.75 * i) / n) * 2 * Math.PI + deltaT;
      const px = r * Math.sin(t) + rng.uniform(-1, 1) * noise;
      const py = r * Math.cos(t) + rng.uniform(-1, 1) * noise;
      out.push(px, py, label);
    }
  };
  const [first, second] = halves(samples);
  arm(first, 0, 1);
  arm(second, Math.PI, 0);
  return out.done();
}

/** numpy's `linspace(0, π, count)`. */
function halfTurn(count: number, i: number): number {
  return count > 1 ? (Math.PI * i) / (count - 1) : 0;
}

/**
 * scikit-learn's `make_moons`: class 0 on the upper half of the unit circle,
 * class 1 on the lower half circle centred at (1, 0.5); floor(n/2) points in
 * class 0. Noise adds Gaussian jitter of standard deviation `noise` to each
 * coordinate (scikit-learn's `noise`; 0.1 .. 0.3 are typical). The points lie
 * in [-1, 2] × [-0.5, 1] before noise: scikit-learn's frame, not rescaled.
 */
export function moons(options: SyntheticOptions = {}): ClassificationDataset {
  const { samples, noise, rng } = resolve(options);
  const out = new PointSink(samples);
  const nOut = Math.floor(samples / 2);
  const nIn = samples - nOut;
  const jitter = (): number => (noise > 0 ? rng.normal(0, noise) : 0);
  for (let i = 0; i < nOut; i++) {
    const t = halfTurn(nOut, i);
    out.push(Math.cos(t) + jitter(), Math.sin(t) + jitter(), 0);
  }
  for (let i = 0; i < nIn; i++) {
    const t = halfTurn(nIn, i);
    out.push(1 - Math.cos(t) + jitter(), 1 - Math.sin(t) - 0.5 + jitter(), 1);
  }
  return out.done();
}

const GENERATORS: Record<SyntheticName, (options: SyntheticOptions) => ClassificationDataset> = {
  spiral,
  circle,
  xor,
  gauss,
  moons,
};

export function isSyntheticName(name: string): name is SyntheticName {
  return (SYNTHETIC_NAMES as readonly string[]).includes(name);
}

/** Generates the named 2-D set. */
export function generateSynthetic(
  name: SyntheticName,
  options: SyntheticOptions = {},
): ClassificationDataset {
  return GENERATORS[name](options);
}
