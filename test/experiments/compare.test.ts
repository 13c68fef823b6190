import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/activations/index.js';
import {
  type CompareEntry,
  compare,
  DEFAULT_COMPARE_ACTIVATIONS,
  parseActivations,
  parseTrainSizes,
} from '../../src/experiments/compare.js';

type CompareJson = {
  seeds: number[];
  epochs: number;
  train_size: number;
  threshold: number;
  results: Record<string, CompareEntry>;
  train_size_sweep?: {
    sizes: number[];
    results: Record<string, Record<string, { test_acc_mean: number }>>;
  };
};

function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

describe('the compare experiment at a tiny size', () => {
  it('trains each activation over three seeds and summarises them consistently', async () => {
    const r = await compare.run({
      tier: 'quick',
      seed: 0,
      extra: { activations: 'relu,leaky_relu', 'train-size': '40' },
    });
    const json = r.json as CompareJson;
    expect(json.seeds).toEqual([0, 1, 2]);
    expect(json.train_size).toBe(40);
    expect(Object.keys(json.results)).toEqual(['relu', 'leaky_relu']);
    for (const [id, e] of Object.entries(json.results)) {
      expect(e.test_acc_per_seed, id).toHaveLength(3);
      expect(e.test_acc_mean, id).toBeCloseTo(mean(e.test_acc_per_seed), 12);
      expect(e.test_acc_std, id).toBeGreaterThanOrEqual(0);
      expect(e.train_test_gap, id).toBeCloseTo(e.train_acc_mean - e.test_acc_mean, 12);
      expect(e.curves.test_acc, id).toHaveLength(json.epochs);
      // The last point of the learning curve is the final test accuracy.
      expect(e.curves.test_acc[json.epochs - 1], id).toBeCloseTo(e.test_acc_mean, 12);
      if (e.epochs_to_threshold !== null) {
        expect(e.epochs_to_threshold).toBeGreaterThanOrEqual(1);
        expect(e.epochs_to_threshold).toBeLessThanOrEqual(json.epochs);
      }
      expect(e.dead_fraction).toBeGreaterThanOrEqual(0);
      expect(e.dead_fraction).toBeLessThanOrEqual(1);
    }
    // A leaky unit always passes a gradient (slope 0.01 below 0): it can never be dead.
    expect(json.results['leaky_relu']!.dead_fraction).toBe(0);
    expect(r.table?.rows.map((row) => row[0])).toEqual(['relu', 'leaky_relu']);
    expect(r.charts.map((c) => c.id)).toEqual([
      'compare-learning-curves',
      'compare-train-loss',
      'compare-accuracy-vs-time',
    ]);
  });

  it('sweeps the training-set size when given several sizes, and adds a chart for it', async () => {
    const r = await compare.run({
      tier: 'quick',
      seed: 1,
      extra: { activations: 'tanh', 'train-size': '60,30' },
    });
    const json = r.json as CompareJson;
    expect(json.train_size_sweep?.sizes).toEqual([30, 60]);
    expect(Object.keys(json.train_size_sweep!.results['tanh']!)).toEqual(['30', '60']);
    // The main results are those of the largest size.
    expect(json.train_size).toBe(60);
    expect(json.train_size_sweep!.results['tanh']!['60']!.test_acc_mean).toBe(
      json.results['tanh']!.test_acc_mean,
    );
    expect(r.charts.map((c) => c.id)).toContain('compare-train-size');
  });
});

describe('the options of compare', () => {
  it('defaults to the standard list and resolves aliases to catalogue ids', () => {
    expect(parseActivations(undefined)).toEqual(DEFAULT_COMPARE_ACTIVATIONS);
    expect(parseActivations('leakyReLU, relu,relu')).toEqual(['leaky_relu', 'relu']);
  });

  it('refuses an unknown or a vector activation, and sizes below 20', () => {
    expect(() => parseActivations('relu,nosuch')).toThrow(UsageError);
    expect(() => parseActivations('softmax')).toThrow(/vector activation/);
    expect(() => parseActivations(' , ')).toThrow(UsageError);
    expect(() => parseTrainSizes('10', 600)).toThrow(/integers >= 20/);
    expect(() => parseTrainSizes('100,abc', 600)).toThrow(UsageError);
    expect(parseTrainSizes(undefined, 600)).toEqual([600]);
  });
});
