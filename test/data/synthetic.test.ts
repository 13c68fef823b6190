import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.js';
import {
  circle,
  gauss,
  moons,
  SYNTHETIC_NAMES,
  type SyntheticOptions,
  spiral,
  xor,
} from '../../src/data/synthetic.js';
import type { ClassificationDataset } from '../../src/data/types.js';
import { countLabels } from './helpers.js';

const generators = { circle, xor, gauss, spiral, moons };

function points(ds: ClassificationDataset): { x: number; y: number; label: number }[] {
  return Array.from(ds.y, (label, i) => ({ x: ds.x[2 * i]!, y: ds.x[2 * i + 1]!, label }));
}

function equalArrays(a: ClassificationDataset, b: ClassificationDataset): boolean {
  return (
    a.x.length === b.x.length &&
    a.x.every((v, i) => Object.is(v, b.x[i])) &&
    a.y.every((v, i) => v === b.y[i])
  );
}

describe('every synthetic 2-D set', () => {
  it('lists exactly the five generators', () => {
    expect([...SYNTHETIC_NAMES].sort()).toEqual(Object.keys(generators).sort());
  });

  for (const [name, generate] of Object.entries(generators)) {
    describe(name, () => {
      it('has 500 samples of 2 finite features by default, labelled 0 or 1', () => {
        const ds = generate();
        expect(ds.xShape).toEqual([500, 2]);
        expect(ds.x.length).toBe(1000);
        expect(ds.y).toBeInstanceOf(Int32Array);
        expect(ds.y.length).toBe(500);
        expect(ds.numClasses).toBe(2);
        expect(ds.y.every((v) => v === 0 || v === 1)).toBe(true);
        expect(ds.x.every(Number.isFinite)).toBe(true);
      });

      it('stays roughly inside the [-6, 6] square of the Playground', () => {
        const ds = generate({ seed: 3 });
        expect(ds.x.every((v) => Math.abs(v) <= 6)).toBe(true);
      });

      it('returns exactly the requested number of samples, also when odd', () => {
        const ds = generate({ samples: 37, seed: 1 });
        expect(ds.xShape).toEqual([37, 2]);
        expect(ds.y.length).toBe(37);
        expect(ds.x.length).toBe(74);
      });

      it('gives identical arrays for the same seed', () => {
        const opts: SyntheticOptions = { samples: 200, noise: 0.2, seed: 42 };
        expect(equalArrays(generate(opts), generate(opts))).toBe(true);
      });

      it('gives different arrays for another seed when it draws random numbers', () => {
        const a = generate({ samples: 200, noise: 0.2, seed: 1 });
        const b = generate({ samples: 200, noise: 0.2, seed: 2 });
        expect(equalArrays(a, b)).toBe(false);
      });

      it('rejects fewer than two samples and negative or non-finite noise', () => {
        expect(() => generate({ samples: 1 })).toThrow(DataError);
        expect(() => generate({ samples: 2.5 })).toThrow(/samples/);
        expect(() => generate({ noise: -0.1 })).toThrow(/noise/);
        expect(() => generate({ noise: Number.NaN })).toThrow(/noise/);
      });
    });
  }

  it('balances the classes exactly where the Playground generates half per class', () => {
    for (const generate of [circle, gauss, spiral, moons]) {
      expect(countLabels(generate({ samples: 500, seed: 9 }).y, 2)).toEqual([250, 250]);
    }
  });

  it('balances xor approximately (its labels follow uniform quadrants)', () => {
    const [zeros, ones] = countLabels(xor({ samples: 2000, seed: 9 }).y, 2);
    // Binomial(2000, 1/2): standard deviation 22.4; 5 of them is far beyond chance.
    expect(Math.abs(zeros! - ones!)).toBeLessThan(2 * 5 * 22.4);
  });
});

describe('circle', () => {
  it('puts class 1 inside radius 2.5 and class 0 in the ring from 3.5 to 5 without noise', () => {
    for (const p of points(circle({ samples: 1000, seed: 5 }))) {
      const r = Math.hypot(p.x, p.y);
      if (p.label === 1) expect(r).toBeLessThanOrEqual(2.5 + 1e-6);
      else {
        expect(r).toBeGreaterThanOrEqual(3.5 - 1e-6);
        expect(r).toBeLessThanOrEqual(5 + 1e-6);
      }
    }
  });

  it('keeps the points where they are with noise and flips some labels instead', () => {
    const clean = circle({ samples: 1000, seed: 5 });
    const noisy = circle({ samples: 1000, seed: 5, noise: 0.3 });
    expect(Array.from(noisy.x)).toEqual(Array.from(clean.x));
    const flipped = clean.y.filter((v, i) => v !== noisy.y[i]).length;
    expect(flipped).toBeGreaterThan(0);
    expect(flipped).toBeLessThan(500);
  });
});

describe('xor', () => {
  it('labels 1 exactly where x·y >= 0 and keeps 0.3 away from both axes without noise', () => {
    for (const p of points(xor({ samples: 1000, seed: 6 }))) {
      expect(p.label).toBe(p.x * p.y >= 0 ? 1 : 0);
      expect(Math.abs(p.x)).toBeGreaterThanOrEqual(0.3 - 1e-6);
      expect(Math.abs(p.y)).toBeGreaterThanOrEqual(0.3 - 1e-6);
      expect(Math.abs(p.x)).toBeLessThanOrEqual(5.3 + 1e-6);
      expect(Math.abs(p.y)).toBeLessThanOrEqual(5.3 + 1e-6);
    }
  });

  it('keeps the points with noise and makes some labels disagree with the sign product', () => {
    const clean = xor({ samples: 1000, seed: 6 });
    const noisy = xor({ samples: 1000, seed: 6, noise: 0.25 });
    expect(Array.from(noisy.x)).toEqual(Array.from(clean.x));
    const wrong = points(noisy).filter((p) => p.label !== (p.x * p.y >= 0 ? 1 : 0)).length;
    expect(wrong).toBeGreaterThan(0);
  });
});

describe('gauss', () => {
  function stats(ds: ClassificationDataset, label: number) {
    const ps = points(ds).filter((p) => p.label === label);
    const mean = (f: (p: { x: number; y: number }) => number) =>
      ps.reduce((s, p) => s + f(p), 0) / ps.length;
    const mx = mean((p) => p.x);
    const my = mean((p) => p.y);
    const variance = mean((p) => ((p.x - mx) ** 2 + (p.y - my) ** 2) / 2);
    return { mx, my, variance };
  }

  it('centres class 1 at (2, 2) and class 0 at (-2, -2) with variance 0.5 without noise', () => {
    const ds = gauss({ samples: 4000, seed: 7 });
    const one = stats(ds, 1);
    const zero = stats(ds, 0);
    // Standard error of a mean of 2000 draws of variance 0.5: 0.016.
    expect(one.mx).toBeCloseTo(2, 1);
    expect(one.my).toBeCloseTo(2, 1);
    expect(zero.mx).toBeCloseTo(-2, 1);
    expect(zero.my).toBeCloseTo(-2, 1);
    expect(one.variance).toBeGreaterThan(0.45);
    expect(one.variance).toBeLessThan(0.55);
  });

  it('widens the blobs with noise: variance 0.5 + 7·noise (the Playground scale)', () => {
    const { variance } = stats(gauss({ samples: 4000, seed: 7, noise: 0.3 }), 1);
    expect(variance).toBeGreaterThan(2.6 * 0.9);
    expect(variance).toBeLessThan(2.6 * 1.1);
  });
});

describe('spiral', () => {
  /** Angle of a point measured as the Playground does: x = r sin t, y = r cos t. */
  function wrap(a: number): number {
    const t = a % (2 * Math.PI);
    return t < 0 ? t + 2 * Math.PI : t;
  }

  it('puts every point on its arm: angle = 3.5π·r/5 (+π for class 0) without noise', () => {
    for (const p of points(spiral({ samples: 600, seed: 8 }))) {
      const r = Math.hypot(p.x, p.y);
      expect(r).toBeLessThan(5);
      if (r < 1e-3) continue; // the centre has no angle
      const expected = (3.5 * Math.PI * r) / 5 + (p.label === 1 ? 0 : Math.PI);
      const diff = wrap(Math.atan2(p.x, p.y) - expected);
      expect(Math.min(diff, 2 * Math.PI - diff)).toBeLessThan(1e-5);
    }
  });

  it('makes class 0 the point reflection of class 1', () => {
    const ps = points(spiral({ samples: 400 }));
    const ones = ps.filter((p) => p.label === 1);
    for (const p of ps.filter((q) => q.label === 0)) {
      const nearest = Math.min(...ones.map((q) => Math.hypot(q.x + p.x, q.y + p.y)));
      expect(nearest).toBeLessThan(1e-5);
    }
  });

  it('moves each coordinate by at most noise', () => {
    const clean = spiral({ samples: 400, seed: 2 });
    const noisy = spiral({ samples: 400, seed: 2, noise: 0.4 });
    const shifts = clean.x.map((v, i) => Math.abs(v - noisy.x[i]!));
    expect(Math.max(...shifts)).toBeLessThanOrEqual(0.4 + 1e-6);
    expect(Math.max(...shifts)).toBeGreaterThan(0.2);
    expect(Array.from(noisy.y)).toEqual(Array.from(clean.y));
  });
});

describe('moons', () => {
  it('puts class 0 on the upper unit half circle and class 1 on the lower one centred at (1, 0.5)', () => {
    const ds = moons({ samples: 301 });
    expect(countLabels(ds.y, 2)).toEqual([150, 151]);
    for (const p of points(ds)) {
      if (p.label === 0) {
        expect(Math.hypot(p.x, p.y)).toBeCloseTo(1, 6);
        expect(p.y).toBeGreaterThanOrEqual(-1e-7);
      } else {
        expect(Math.hypot(p.x - 1, p.y - 0.5)).toBeCloseTo(1, 6);
        expect(p.y).toBeLessThanOrEqual(0.5 + 1e-7);
      }
    }
  });

  it('spans each half circle from end to end', () => {
    const ps = points(moons({ samples: 100 }));
    const xs0 = ps.filter((p) => p.label === 0).map((p) => p.x);
    const xs1 = ps.filter((p) => p.label === 1).map((p) => p.x);
    expect(Math.min(...xs0)).toBeCloseTo(-1, 6);
    expect(Math.max(...xs0)).toBeCloseTo(1, 6);
    expect(Math.min(...xs1)).toBeCloseTo(0, 6);
    expect(Math.max(...xs1)).toBeCloseTo(2, 6);
  });

  it('adds Gaussian jitter whose standard deviation is the noise', () => {
    const clean = moons({ samples: 4000 });
    const noisy = moons({ samples: 4000, seed: 4, noise: 0.2 });
    const d = noisy.x.map((v, i) => v - clean.x[i]!);
    const mean = d.reduce((s, v) => s + v, 0) / d.length;
    const std = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(std).toBeGreaterThan(0.19);
    expect(std).toBeLessThan(0.21);
  });
});
