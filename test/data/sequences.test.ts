import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.js';
import { loadDataset } from '../../src/data/load.js';
import { generateSequenceTask } from '../../src/data/sequences.js';

describe('the adding problem', () => {
  const T = 12;
  const d = generateSequenceTask('adding', { seqLen: T, samples: 200, seed: 3 });

  it('marks exactly two steps, one in each half, and targets the sum of their values', () => {
    expect(d.xShape).toEqual([200, T, 2]);
    expect(d.yShape).toEqual([200, 1]);
    for (let s = 0; s < 200; s++) {
      const marked: number[] = [];
      for (let t = 0; t < T; t++) if (d.x[(s * T + t) * 2 + 1] === 1) marked.push(t);
      expect(marked.length).toBe(2);
      expect(marked[0]!).toBeLessThan(T / 2);
      expect(marked[1]!).toBeGreaterThanOrEqual(T / 2);
      const sum = d.x[(s * T + marked[0]!) * 2]! + d.x[(s * T + marked[1]!) * 2]!;
      expect(d.y[s]).toBeCloseTo(sum, 6);
    }
  });

  it('draws values in [0, 1): always predicting 1 scores near the variance 1/6', () => {
    const big = generateSequenceTask('adding', { seqLen: 4, samples: 20000, seed: 1 });
    let mse = 0;
    for (const y of big.y) mse += (y - 1) ** 2;
    expect(mse / big.y.length).toBeCloseTo(1 / 6, 2);
  });

  it('repeats itself for a seed and changes with it', () => {
    const again = generateSequenceTask('adding', { seqLen: T, samples: 200, seed: 3 });
    const other = generateSequenceTask('adding', { seqLen: T, samples: 200, seed: 4 });
    expect(again.x).toEqual(d.x);
    expect(other.x).not.toEqual(d.x);
  });
});

describe('the copy task', () => {
  it('asks for the first symbols back after the delimiter, and blanks elsewhere', () => {
    const delay = 5;
    const L = 3;
    const d = generateSequenceTask('copy', { seqLen: delay, copyLength: L, samples: 50, seed: 2 });
    const len = delay + 2 * L;
    expect(d.xShape).toEqual([50, len, 10]);
    expect(d.yShape).toEqual([50, len, 9]);
    const argmax = (a: Float32Array, at: number, k: number): number => {
      let best = 0;
      for (let j = 1; j < k; j++) if (a[at + j]! > a[at + best]!) best = j;
      return best;
    };
    for (let s = 0; s < 50; s++) {
      const input = Array.from({ length: len }, (_, t) => argmax(d.x, (s * len + t) * 10, 10));
      const target = Array.from({ length: len }, (_, t) => argmax(d.y, (s * len + t) * 9, 9));
      for (const v of input.slice(0, L)) expect(v >= 1 && v <= 8).toBe(true);
      expect(input.slice(L)).toEqual([...new Array(delay - 1).fill(0), 9, ...new Array(L).fill(0)]);
      expect(target).toEqual([...new Array(len - L).fill(0), ...input.slice(0, L)]);
    }
  });
});

describe('the noisy sine', () => {
  it('targets the next value of the sine: without noise, sin(t+1) = 2 cos ω sin t − sin(t−1)', () => {
    const T = 20;
    const d = generateSequenceTask('sine', { seqLen: T, samples: 30, noise: 0, seed: 5 });
    for (let s = 0; s < 30; s++) {
      const x = Array.from(d.x.subarray(s * T, (s + 1) * T));
      // Recover 2 cos ω from three consecutive samples where the middle one is not small.
      let t = 1;
      while (Math.abs(x[t]!) < 0.3) t++;
      const twoCos = (x[t + 1]! + x[t - 1]!) / x[t]!;
      expect(d.y[s]).toBeCloseTo(twoCos * x[T - 1]! - x[T - 2]!, 4);
    }
  });

  it('adds noise of the asked standard deviation', () => {
    const clean = generateSequenceTask('sine', { seqLen: 50, samples: 200, noise: 0, seed: 6 });
    const noisy = generateSequenceTask('sine', { seqLen: 50, samples: 200, noise: 0.1, seed: 6 });
    expect(noisy.y).toEqual(clean.y);
    let ss = 0;
    for (let i = 0; i < clean.x.length; i++) ss += (noisy.x[i]! - clean.x[i]!) ** 2;
    expect(Math.sqrt(ss / clean.x.length)).toBeCloseTo(0.1, 2);
  });
});

describe('sequence tasks through loadDataset', () => {
  it('splits off the last fifth for test and describes the task', () => {
    const ds = loadDataset('adding', { seqLen: 10, samples: 100, seed: 1 });
    expect(ds.kind).toBe('sequence');
    expect(ds.train.xShape).toEqual([80, 10, 2]);
    expect(ds.test.xShape).toEqual([20, 10, 2]);
    expect(ds.inputShape).toEqual([10, 2]);
    expect(ds.targetShape).toEqual([1]);
    expect(ds.loss).toBe('mean_squared_error');
    const copy = loadDataset('copy', { seqLen: 4, samples: 10 });
    expect(copy.task).toBe('classification');
    expect(copy.targetShape).toEqual([24, 9]);
    expect(copy.returnSequences).toBe(true);
    expect(copy.baselineLoss).toBeCloseTo((10 * Math.log(8)) / 24, 12);
  });

  it('refuses a bad length or sample count', () => {
    expect(() => loadDataset('sine', { seqLen: 0 })).toThrow(DataError);
    expect(() => loadDataset('copy', { samples: 1 })).toThrow(DataError);
  });
});
