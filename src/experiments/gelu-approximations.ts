/**
 * gelu-approximations: how far the two cheap forms of GELU stray from the
 * exact x·Φ(x) — 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) and x·σ(1.702x) —
 * and what each costs through the tensor op. Errors are measured in float64
 * on a dense grid against the catalogue's exact GELU (itself within 1e-12 of
 * an mpmath reference), for the values and for the derivatives.
 */
import { type ElementwiseSpec, type Params, resolveElementwise } from '../activations/index.js';
import { getBackend } from '../kernels/backend.js';
import { barChart, type ChartRow, lineChart } from './charts.js';
import { timeActivations, timingInput } from './timing.js';
import type { Experiment, ExperimentOptions, ExperimentResult } from './types.js';

export const GELU_FORMS = ['none', 'tanh', 'sigmoid'] as const;
export type GeluForm = (typeof GELU_FORMS)[number];

const FORM_LABEL: Readonly<Record<GeluForm, string>> = {
  none: 'exact x·Φ(x)',
  tanh: 'tanh form',
  sigmoid: 'sigmoid form x·σ(1.702x)',
};

interface Sizes {
  readonly range: readonly [number, number];
  readonly points: number;
  readonly timing: { elements: number; rounds: number; calls: number };
}

const SIZES: Readonly<Record<'quick' | 'full', Sizes>> = {
  quick: { range: [-8, 8], points: 16_001, timing: { elements: 1 << 16, rounds: 5, calls: 4 } },
  full: { range: [-12, 12], points: 240_001, timing: { elements: 1 << 20, rounds: 9, calls: 4 } },
};

export interface FormError {
  /** max |approx(x) − gelu(x)| over the grid. */
  readonly max_abs_error: number;
  /** Where that maximum is reached. */
  readonly at: number;
  readonly mean_abs_error: number;
  /** max |approx′(x) − gelu′(x)| over the grid. */
  readonly max_abs_error_derivative: number;
}

function grid(range: readonly [number, number], points: number): Float64Array {
  const [lo, hi] = range;
  return Float64Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
}

function resolveForm(form: GeluForm): { spec: ElementwiseSpec; params: Params } {
  return resolveElementwise('gelu', { approximate: form });
}

/** Errors of one approximate form against the exact GELU on the grid. */
export function formError(form: GeluForm, xs: Float64Array): FormError {
  const exact = resolveForm('none');
  const approx = resolveForm(form);
  let max = 0;
  let at = Number.NaN;
  let sum = 0;
  let maxD = 0;
  for (const x of xs) {
    const e = Math.abs(approx.spec.f(x, approx.params) - exact.spec.f(x, exact.params));
    if (e > max || Number.isNaN(at)) {
      max = e;
      at = x;
    }
    sum += e;
    maxD = Math.max(
      maxD,
      Math.abs(approx.spec.df(x, approx.params) - exact.spec.df(x, exact.params)),
    );
  }
  return {
    max_abs_error: max,
    at,
    mean_abs_error: sum / xs.length,
    max_abs_error_derivative: maxD,
  };
}

/** Every `step`-th point of the error curve, for the chart (16,001 rows would bloat the report). */
function errorRows(xs: Float64Array, step: number): ChartRow[] {
  const exact = resolveForm('none');
  const rows: ChartRow[] = [];
  for (const form of ['tanh', 'sigmoid'] as const) {
    const a = resolveForm(form);
    for (let i = 0; i < xs.length; i += step) {
      const x = xs[i]!;
      const err = a.spec.f(x, a.params) - exact.spec.f(x, exact.params);
      // The log axis needs a positive value; an exact 0 (far tails) is left out.
      const abs = Math.abs(err);
      rows.push({ form: FORM_LABEL[form], x, error: err, abs_error: abs > 0 ? abs : null });
    }
  }
  return rows;
}

/** What the measured forward costs say, in words (they depend on the backend and the machine). */
function costVerdict(tanh: number, sigmoid: number): string {
  const cheaper = [tanh < 0.9 ? 'tanh' : '', sigmoid < 0.9 ? 'sigmoid' : ''].filter(
    (s) => s !== '',
  );
  if (cheaper.length === 0) {
    return 'Here neither approximation is cheaper than the exact form (its erfc is a short rational approximation), so the exact form costs nothing extra; the approximations date from kernels where erf was slow.';
  }
  return `Here the ${cheaper.join(' and ')} form${cheaper.length > 1 ? 's are' : ' is'} measurably cheaper than the exact one; whether that is worth the error above depends on how much of a step the activation takes.`;
}

function sci(v: number, digits = 2): string {
  return v.toExponential(digits);
}

export const geluApproximations: Experiment = {
  name: 'gelu-approximations',
  title: 'GELU approximations: error and cost',
  summary:
    'Maximum error of the tanh and sigmoid forms of GELU against the exact x·Φ(x), and their cost.',
  async run(o: ExperimentOptions): Promise<ExperimentResult> {
    const sizes = SIZES[o.tier];
    const xs = grid(sizes.range, sizes.points);
    o.progress?.(0, 4, 'errors');
    const errors = { tanh: formError('tanh', xs), sigmoid: formError('sigmoid', xs) };
    const cost: Record<
      string,
      {
        forward_ns: number;
        backward_ns: number;
        forward_relative: number;
        backward_relative: number;
      }
    > = {};
    const timing = { ...sizes.timing, seed: o.seed };
    const x = timingInput(timing);
    o.progress?.(1, 4, 'timing');
    const costs = timeActivations(GELU_FORMS.map(resolveForm), x, timing);
    const raw = GELU_FORMS.map((form, i) => [form, costs[i]!] as const);
    const base = raw[0]![1];
    for (const [form, c] of raw) {
      cost[form] = {
        forward_ns: c.forwardNs,
        backward_ns: c.backwardNs,
        forward_relative: c.forwardNs / base.forwardNs,
        backward_relative: c.backwardNs / base.backwardNs,
      };
    }
    o.progress?.(4, 4, 'done');
    const json = {
      range: [...sizes.range],
      points: sizes.points,
      forms: errors,
      cost: {
        backend: getBackend().name,
        dtype: 'float32',
        elements: sizes.timing.elements,
        ...cost,
      },
    };
    const step = Math.max(1, Math.floor(sizes.points / 800));
    const costRows: ChartRow[] = raw.flatMap(([form, c]) => [
      { form: FORM_LABEL[form], pass: 'forward', ns: c.forwardNs },
      { form: FORM_LABEL[form], pass: 'backward', ns: c.backwardNs },
    ]);
    const t = errors.tanh;
    const s = errors.sigmoid;
    return {
      name: this.name,
      title: this.title,
      json,
      charts: [
        {
          id: 'gelu-approximations-error',
          title: 'Absolute error against exact GELU',
          spec: lineChart(errorRows(xs, step), {
            title: '|approximation − exact GELU| (log scale)',
            x: { field: 'x', title: 'x' },
            y: { field: 'abs_error', title: 'absolute error', log: true },
            series: 'form',
          }),
        },
        {
          id: 'gelu-approximations-cost',
          title: 'Cost of the three forms',
          spec: barChart(costRows, {
            title: `Time per element on the ${getBackend().name} backend (float32)`,
            category: 'form',
            value: 'ns',
            valueTitle: 'ns per element',
            group: 'pass',
            keepOrder: true,
          }),
        },
      ],
      reading: [
        `On [${sizes.range.join(', ')}] the tanh form stays within ${sci(t.max_abs_error)} of the exact GELU (largest at x = ${t.at.toFixed(3)}); the sigmoid form x·σ(1.702x) is off by up to ${sci(s.max_abs_error)} (at x = ${s.at.toFixed(3)}), ${(s.max_abs_error / t.max_abs_error).toFixed(0)} times more.`,
        `Their derivatives differ from the exact GELU′ by up to ${sci(t.max_abs_error_derivative)} (tanh) and ${sci(s.max_abs_error_derivative)} (sigmoid): the sigmoid form trains a slightly different function, the tanh form practically the same one.`,
        `Cost relative to the exact form on the ${getBackend().name} backend: tanh ${cost['tanh']!.forward_relative.toFixed(2)}× forward and ${cost['tanh']!.backward_relative.toFixed(2)}× backward, sigmoid ${cost['sigmoid']!.forward_relative.toFixed(2)}× and ${cost['sigmoid']!.backward_relative.toFixed(2)}×. ${costVerdict(cost['tanh']!.forward_relative, cost['sigmoid']!.forward_relative)}`,
      ],
      table: {
        header: [
          'form',
          'max |error|',
          'at x',
          'mean |error|',
          'max |error of f′|',
          'forward (× exact)',
          'backward (× exact)',
        ],
        rows: (['tanh', 'sigmoid'] as const).map((form) => [
          FORM_LABEL[form],
          sci(errors[form].max_abs_error),
          errors[form].at.toFixed(3),
          sci(errors[form].mean_abs_error),
          sci(errors[form].max_abs_error_derivative),
          cost[form]!.forward_relative.toFixed(2),
          cost[form]!.backward_relative.toFixed(2),
        ]),
      },
    };
  },
};
