/**
 * cost: forward and backward time of every elementwise activation of the
 * catalogue, at its default parameters, through the tensor op on the current
 * backend, relative to relu (the cheapest useful one: a compare and a select).
 */
import { type ElementwiseSpec, listActivations, resolveParams } from '../activations/index.js';
import { getBackend } from '../kernels/backend.js';
import { barChart, type ChartRow } from './charts.js';
import { type TimingOptions, timeActivations, timingInput } from './timing.js';
import type { Experiment, ExperimentOptions, ExperimentResult } from './types.js';

const TIMING: Readonly<Record<'quick' | 'full', TimingOptions>> = {
  quick: { elements: 1 << 15, rounds: 7, calls: 2 },
  full: { elements: 1 << 20, rounds: 11, calls: 4 },
};

/** Activations the usual advice calls slower than relu because they evaluate an exponential. */
const EXP_FAMILY = ['sigmoid', 'tanh', 'elu', 'selu', 'gelu', 'swish', 'mish'];

export interface CostEntry {
  readonly forward_ns: number;
  readonly backward_ns: number;
  /** forward_ns / relu's forward_ns. */
  readonly forward_relative: number;
  readonly backward_relative: number;
}

export function elementwiseSpecs(): ElementwiseSpec[] {
  return listActivations().filter((s): s is ElementwiseSpec => s.kind === 'elementwise');
}

export const costExperiment: Experiment = {
  name: 'cost',
  title: 'Cost of each activation relative to ReLU',
  summary:
    'Forward and backward time of every elementwise activation through the tensor op, relative to relu.',
  async run(o: ExperimentOptions): Promise<ExperimentResult> {
    const timing = { ...TIMING[o.tier], seed: o.seed };
    const specs = elementwiseSpecs();
    const x = timingInput(timing);
    const costs = timeActivations(
      specs.map((spec) => ({ spec, params: resolveParams(spec) })),
      x,
      timing,
      o.progress,
    );
    const raw = new Map(specs.map((spec, i) => [spec.id, costs[i]!] as const));
    const relu = raw.get('relu');
    if (relu === undefined) throw new Error('cost: the catalogue has no relu to compare with');
    const results: Record<string, CostEntry> = {};
    for (const [id, c] of raw) {
      results[id] = {
        forward_ns: c.forwardNs,
        backward_ns: c.backwardNs,
        forward_relative: c.forwardNs / relu.forwardNs,
        backward_relative: c.backwardNs / relu.backwardNs,
      };
    }
    const backend = getBackend().name;
    const byForward = Object.entries(results).sort(
      (a, b) => a[1].forward_relative - b[1].forward_relative,
    );
    const rows: ChartRow[] = byForward.flatMap(([id, r]) => [
      { activation: id, pass: 'forward', relative: r.forward_relative },
      { activation: id, pass: 'backward', relative: r.backward_relative },
    ]);
    const fmt = (v: number) => `${v.toFixed(1)}×`;
    const expFamily = EXP_FAMILY.filter((id) => results[id] !== undefined)
      .map((id) => `${id} ${fmt(results[id]!.forward_relative)}`)
      .join(', ');
    const slower = EXP_FAMILY.filter((id) => (results[id]?.forward_relative ?? 0) > 1).length;
    const [cheapId, cheap] = byForward[0]!;
    const [dearId, dear] = byForward[byForward.length - 1]!;
    return {
      name: this.name,
      title: this.title,
      json: { backend, dtype: 'float32', elements: timing.elements, baseline: 'relu', results },
      charts: [
        {
          id: 'cost-relative',
          title: 'Time relative to relu',
          spec: barChart(rows, {
            title: `Time relative to relu (${backend} backend, float32, log scale)`,
            category: 'activation',
            value: 'relative',
            valueTitle: 'time / relu time',
            group: 'pass',
            log: true,
            keepOrder: true,
          }),
        },
      ],
      reading: [
        `relu takes ${relu.forwardNs.toFixed(1)} ns per element forward and ${relu.backwardNs.toFixed(1)} ns backward on the ${backend} backend (float32, ${timing.elements} elements, median of ${timing.rounds} rounds).`,
        `The activations that evaluate an exponential, forward, relative to relu: ${expFamily} — ${slower} of ${EXP_FAMILY.length} slower than relu on this run. The cheapest of all is ${cheapId} (${fmt(cheap.forward_relative)}), the dearest ${dearId} (${fmt(dear.forward_relative)}).`,
        'In a real network the activation is a small part of a step (the matrix products dominate), so these ratios bound the difference rather than predict it; the compare experiment measures the time per epoch of whole models.',
      ],
      table: {
        header: [
          'activation',
          'forward ns/elt',
          'backward ns/elt',
          'forward × relu',
          'backward × relu',
        ],
        rows: byForward.map(([id, r]) => [
          id,
          r.forward_ns.toFixed(1),
          r.backward_ns.toFixed(1),
          r.forward_relative.toFixed(2),
          r.backward_relative.toFixed(2),
        ]),
      },
    };
  },
};
