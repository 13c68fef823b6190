import { describe, expect, it } from 'vitest';
import { divergingRgb } from '../../web/src/playground/colours.js';
import {
  DEFAULT_COMPARE,
  formatCompare,
  MAX_COMPARED,
  parseCompare,
} from '../../web/src/playground/compare-state.js';
import {
  DEFAULT_PLAYGROUND,
  formatPlayground,
  MAX_LAYERS,
  type PlaygroundState,
  parsePlayground,
} from '../../web/src/playground/config.js';
import { Curves, MAX_POINTS } from '../../web/src/playground/curves.js';
import { domainOf, gridPoints, POINTS } from '../../web/src/playground/data.js';
import { FEATURE_IDS, featureMatrix } from '../../web/src/playground/features.js';
import { type Hyper, type RunConfig, Trainer } from '../../web/src/playground/trainer.js';

describe('the playground input features', () => {
  it('maps a point to each feature by its definition, in the order asked', () => {
    const m = featureMatrix([2, -3, 0.5, 4], FEATURE_IDS);
    const expected = (a: number, b: number) => [
      a,
      b,
      a * a,
      b * b,
      a * b,
      Math.sin(a),
      Math.sin(b),
    ];
    expect(Array.from(m)).toEqual(
      [...expected(2, -3), ...expected(0.5, 4)].map((v) => Math.fround(v)),
    );
    expect(Array.from(featureMatrix([2, -3], ['x2', 'x1x2']))).toEqual([-3, -6]);
  });
});

describe('the playground state in the URL', () => {
  const states: PlaygroundState[] = [
    DEFAULT_PLAYGROUND,
    {
      data: 'spiral',
      noise: 35,
      trainPercent: 70,
      features: ['x1', 'x2', 'sinx1', 'sinx2'],
      layers: [8, 3, 1, 8, 2, 5],
      activations: ['relu', 'gelu', 'elu', 'tanh', 'leaky_relu', 'mish'],
      learningRate: 0.003,
      optimizer: 'adam',
      l1: 0.001,
      l2: 0.3,
      batchSize: 27,
      seed: 12345,
      speed: 30,
      stopAt: 2500,
    },
    { ...DEFAULT_PLAYGROUND, layers: [], activations: [], data: 'moons' },
  ];

  it('reads back every state it writes', () => {
    for (const s of states) {
      const parsed = parsePlayground(formatPlayground(s));
      expect(parsed.problems).toEqual([]);
      expect(parsed.state).toEqual(s);
    }
  });

  it('takes the defaults from an empty query', () => {
    expect(parsePlayground('')).toEqual({ state: DEFAULT_PLAYGROUND, problems: [] });
  });

  it('gives every layer the one activation a link names, by any of its names', () => {
    const { state } = parsePlayground('layers=4,4,2&act=ReLU');
    expect(state.activations).toEqual(['relu', 'relu', 'relu']);
  });

  it('reports what it cannot honour and keeps the rest', () => {
    const { state, problems } = parsePlayground(
      'data=swirl&noise=80&layers=3,9,2,2,2,2,2,2&act=softmax&f=x1,x9&lr=abc&batch=2.5',
    );
    expect(state.data).toBe(DEFAULT_PLAYGROUND.data);
    expect(state.noise).toBe(DEFAULT_PLAYGROUND.noise);
    expect(state.layers.length).toBe(MAX_LAYERS);
    expect(state.layers[0]).toBe(3);
    expect(state.activations.every((a) => a === DEFAULT_PLAYGROUND.activations[0])).toBe(true);
    expect(state.features).toEqual(['x1']);
    expect(state.learningRate).toBe(DEFAULT_PLAYGROUND.learningRate);
    expect(state.batchSize).toBe(DEFAULT_PLAYGROUND.batchSize);
    const text = problems.join('\n');
    for (const word of ['swirl', 'noise', "'9'", 'softmax', 'x9', 'lr', 'batch'])
      expect(text).toContain(word);
  });
});

describe('the compare state in the URL', () => {
  it('reads back what it writes, and starts from its own defaults', () => {
    const s = {
      ...DEFAULT_COMPARE,
      activations: ['selu', 'swish', 'relu6'],
      base: { ...DEFAULT_COMPARE.base, data: 'moons' as const, stopAt: 700 },
    };
    expect(parseCompare(formatCompare(s)).state).toEqual(s);
    expect(parseCompare('').state).toEqual(DEFAULT_COMPARE);
  });

  it('compares at most six distinct elementwise activations', () => {
    const { state, problems } = parseCompare('acts=relu,relu,tanh,gelu,elu,selu,mish,silu,softmax');
    expect(state.activations).toEqual(['relu', 'tanh', 'gelu', 'elu', 'selu', 'mish']);
    expect(state.activations.length).toBe(MAX_COMPARED);
    expect(problems.join(' ')).toContain(String(MAX_COMPARED));
  });
});

describe('the training curves the page keeps', () => {
  it('stays bounded however long a run goes, keeping order and the newest point', () => {
    const c = new Curves(2);
    for (let s = 1; s <= 10_000; s++) c.push(s, [1 / s, 2 / s]);
    expect(c.steps.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(c.steps.length).toBeGreaterThan(MAX_POINTS / 2);
    expect(c.steps.at(-1)).toBe(10_000);
    for (let i = 1; i < c.steps.length; i++) expect(c.steps[i]!).toBeGreaterThan(c.steps[i - 1]!);
    c.steps.forEach((s, i) => {
      expect(c.values[0]![i]).toBe(1 / s);
      expect(c.values[1]![i]).toBe(2 / s);
    });
  });
});

describe('the plane the heat map shows', () => {
  it('places grid cells at cell centres, row 0 at the top', () => {
    const g = gridPoints({ x: [-6, 6], y: [-6, 6] }, 4);
    expect([g[0], g[1]]).toEqual([-4.5, 4.5]);
    expect([g[30], g[31]]).toEqual([4.5, -4.5]);
  });

  it('covers every point of each data set', async () => {
    const { makePoints } = await import('../../web/src/playground/data.js');
    for (const name of ['spiral', 'circle', 'xor', 'gauss', 'moons'] as const) {
      const d = domainOf(name);
      const { train, test } = makePoints(name, 10, 50, 1);
      expect(train.y.length + test.y.length).toBe(POINTS);
      const inside = (x: Float32Array) =>
        x.every((v, i) => (i % 2 === 0 ? v >= d.x[0] && v <= d.x[1] : v >= d.y[0] && v <= d.y[1]));
      // gauss with noise has rare outliers beyond 6; the Playground clips them the same way.
      if (name !== 'gauss') expect(inside(train.x) && inside(test.x)).toBe(true);
    }
  });

  it('colours class 0 orange, class 1 blue and the boundary pale', () => {
    expect(divergingRgb(-1)).toEqual([245, 147, 34]);
    expect(divergingRgb(1)).toEqual([8, 119, 189]);
    expect(divergingRgb(0)).toEqual([232, 234, 235]);
    expect(divergingRgb(5)).toEqual(divergingRgb(1));
  });
});

const config = (over: Partial<RunConfig> = {}): RunConfig => ({
  data: 'gauss',
  noise: 0,
  trainPercent: 50,
  features: ['x1', 'x2'],
  layers: [4, 2],
  activations: ['tanh', 'tanh'],
  optimizer: 'sgd',
  seed: 3,
  ...over,
});
const hyper: Hyper = { learningRate: 0.03, l1: 0, l2: 0, batchSize: 10 };

describe('the playground trainer', () => {
  it('learns two separated blobs: test loss far below the log 2 of a coin toss', () => {
    const t = new Trainer(config(), hyper);
    const start = t.losses();
    for (let i = 0; i < 300; i++) t.step();
    const end = t.losses();
    expect(start.test).toBeGreaterThan(0.3);
    expect(end.test).toBeLessThan(0.1);
    expect(end.testAccuracy).toBeGreaterThan(0.95);
  });

  it('gives the same run from the same seed', () => {
    const a = new Trainer(config({ data: 'xor' }), hyper);
    const b = new Trainer(config({ data: 'xor' }), hyper);
    for (let i = 0; i < 50; i++) expect(a.step()).toBe(b.step());
  });

  it('reports one gradient norm per layer and the outputs of every unit over the grid', () => {
    const t = new Trainer(config({ layers: [3, 5], activations: ['relu', 'gelu'] }), hyper);
    expect(t.takeGradNorms()).toBeNull();
    for (let i = 0; i < 5; i++) t.step();
    const norms = t.takeGradNorms()!;
    expect(norms.length).toBe(3);
    for (const n of norms) expect(n).toBeGreaterThanOrEqual(0);
    const g = t.grid(8);
    expect(g.output.length).toBe(64);
    for (const p of g.output) expect(p >= 0 && p <= 1).toBe(true);
    expect(g.units.map((u) => u.length)).toEqual([3 * 64, 5 * 64]);
    // ReLU outputs are never negative.
    expect(g.units[0]!.every((v) => v >= 0)).toBe(true);
  });

  it('never marks a tanh unit dead', () => {
    const t = new Trainer(config(), hyper);
    for (let i = 0; i < 50; i++) t.step();
    expect(t.deadUnits().flat().some(Boolean)).toBe(false);
  });

  it('marks relu units dead only when no update reaches their incoming weights', () => {
    // A learning rate of 3 kills some units of a ReLU layer in a few steps, not all.
    const t = new Trainer(config({ data: 'circle', layers: [8], activations: ['relu'] }), {
      ...hyper,
      learningRate: 3,
    });
    for (let i = 0; i < 100; i++) t.step();
    // The first hidden layer sees the fixed input features, so a unit dead on every
    // training point stays dead: no later batch can send a gradient to its weights.
    const dead = t.deadUnits()[0]!;
    expect(dead.filter(Boolean).length).toBeGreaterThan(0);
    const before = t.weightsOf(0);
    for (let i = 0; i < 100; i++) t.step();
    const after = t.weightsOf(0);
    const inputs = before.kernel.length / dead.length;
    let moved = 0;
    dead.forEach((isDead, u) => {
      const changed =
        after.bias[u] !== before.bias[u] ||
        Array.from({ length: inputs }, (_, i) => i * dead.length + u).some(
          (k) => after.kernel[k] !== before.kernel[k],
        );
      if (isDead) expect(changed).toBe(false);
      else if (changed) moved++;
    });
    // The live units do learn, so the frozen ones are not frozen by accident.
    expect(moved).toBeGreaterThan(0);
  });
});
