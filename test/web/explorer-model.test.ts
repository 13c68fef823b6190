import { describe, expect, it } from 'vitest';
import { getActivation, type VectorSpec } from '../../src/activations/index.js';
import { autoSliceMode, buildSeries, secondDerivative } from '../../web/src/series.js';
import { isIntegerParam, sliderRange } from '../../web/src/slider-range.js';
import {
  DEFAULT_STATE,
  type ExplorerState,
  formatState,
  MAX_CURVES,
  parseState,
} from '../../web/src/state.js';
import { ticks } from '../../web/src/ticks.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('the explorer state in the URL', () => {
  const states: ExplorerState[] = [
    DEFAULT_STATE,
    {
      curves: [
        { id: 'leaky_relu', given: { negative_slope: '0.2' } },
        { id: 'gelu', given: { approximate: 'tanh' } },
        { id: 'softmax', given: {} },
      ],
      selected: 1,
      range: [-3.5, 2.25],
      showDf: false,
      showD2: true,
      preset: 'keras',
    },
    {
      ...DEFAULT_STATE,
      curves: [{ id: 'gelu', given: {} }],
      sweep: { param: 'sigma', values: ['0.5', '1', '2'] },
    },
  ];

  it.each(states.map((s, i) => [i, s] as const))(
    'reads back state %i exactly as it was written',
    (_, state) => {
      const { state: back, problems } = parseState(formatState(state));
      expect(problems).toEqual([]);
      expect(back).toEqual(state);
    },
  );

  it('turns an alias into its activation with the parameters the alias fixes', () => {
    const { state } = parseState('a=gelu_new');
    expect(state.curves).toEqual([{ id: 'gelu', given: { approximate: 'tanh' } }]);
  });

  it('drops an unknown activation or parameter and says so', () => {
    const { state, problems } = parseState('a=nosuch,sigmoid&sigmoid.slope=3&x=5,1');
    expect(state.curves).toEqual([{ id: 'sigmoid', given: {} }]);
    expect(state.range).toEqual(DEFAULT_STATE.range);
    expect(problems.join(' ')).toMatch(/nosuch/);
    expect(problems.join(' ')).toMatch(/slope/);
    expect(problems.join(' ')).toMatch(/range/);
  });

  it(`overlays at most ${MAX_CURVES} activations`, () => {
    const { state, problems } = parseState('a=sigmoid,gelu,leaky_relu,softmax,tanh');
    expect(state.curves).toHaveLength(MAX_CURVES);
    expect(problems).toHaveLength(1);
  });
});

describe('the curves the explorer draws', () => {
  it("takes f'' as a difference of f' that matches sigmoid'' = σ'(1 − 2σ)", () => {
    const spec = getActivation('sigmoid');
    if (spec.kind !== 'elementwise') throw new Error('sigmoid is elementwise');
    const d2 = secondDerivative((x) => spec.df(x, {}), []);
    for (const x of [-8, -2.5, -0.3, 0, 0.7, 3, 9]) {
      const s = sigmoid(x);
      expect(d2(x)).toBeCloseTo(s * (1 - s) * (1 - 2 * s), 8);
    }
  });

  it("leaves f'' out next to a kink instead of drawing a spike", () => {
    const d2 = secondDerivative((x) => (x > 0 ? 1 : 0), [{ at: 0, derivative: 0 }]);
    expect(d2(0)).toBeNaN();
    expect(d2(1e-7)).toBeNaN();
    expect(d2(0.5)).toBe(0);
  });

  it('draws softmax on the slice (x, 0) as the logistic sigmoid, with its derivative', () => {
    const spec = getActivation('softmax') as VectorSpec;
    expect(autoSliceMode(spec, {}, [-6, 6])).toBe('x0');
    const s = buildSeries({ spec, params: {}, label: 'softmax', colour: '#000' }, [-6, 6]);
    for (const x of [-5, -1, 0, 0.25, 4]) {
      const v = s.at(x);
      expect(v.f).toBeCloseTo(sigmoid(x), 14);
      expect(v.df).toBeCloseTo(sigmoid(x) * (1 - sigmoid(x)), 14);
    }
  });

  it('draws GLU on the slice (x, x), where it is x·σ(x), since (x, 0) gives a straight line', () => {
    const spec = getActivation('glu') as VectorSpec;
    expect(autoSliceMode(spec, {}, [-6, 6])).toBe('xx');
    const s = buildSeries({ spec, params: {}, label: 'glu', colour: '#000' }, [-6, 6]);
    for (const x of [-4, -0.5, 0, 2]) {
      expect(s.at(x).f).toBeCloseTo(x * sigmoid(x), 14);
      // d/dx x·σ(x) = σ(x) + x σ(x)(1 − σ(x))
      expect(s.at(x).df).toBeCloseTo(sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x)), 14);
    }
  });
});

describe('the parameter sliders', () => {
  it('step by whole numbers for a parameter the spec accepts only as an integer', () => {
    const maxout = getActivation('maxout');
    const pieces = maxout.params['pieces']!;
    if ('choices' in pieces) throw new Error('pieces is numeric');
    expect(isIntegerParam(maxout, 'pieces', pieces)).toBe(true);
    expect(sliderRange(maxout, 'pieces', pieces, pieces.default).step).toBe(1);
  });

  it('never reach an exclusive bound, and widen to hold a value set outside them', () => {
    const gelu = getActivation('gelu');
    const sigma = gelu.params['sigma']!;
    if ('choices' in sigma) throw new Error('sigma is numeric');
    const r = sliderRange(gelu, 'sigma', sigma, 1);
    expect(r.min).toBeGreaterThan(0);
    expect(sliderRange(gelu, 'sigma', sigma, 40).max).toBeGreaterThanOrEqual(40);
  });

  it('pick round axis ticks that cover the range', () => {
    const t = ticks(-6, 6, 6);
    expect(t[0]).toBe(-6);
    expect(t.at(-1)).toBe(6);
    expect(ticks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
  });
});
