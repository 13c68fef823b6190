/**
 * What the catalogue says about each activation, as plain data: the rows of
 * `actlab list`, its JSON, the parameter and property tables of `actlab show`,
 * the docs page and the HTML tour. Everything is read from the specs.
 */
import {
  type ActivationSpec,
  isChoiceParam,
  type Kink,
  type ParamSpec,
  type Params,
  rangeText,
  resolveParams,
} from '../activations/index.js';

export type ParamInfo = {
  readonly default: number | string;
  readonly min: number | null;
  readonly max: number | null;
  readonly minExclusive: boolean;
  readonly maxExclusive: boolean;
  readonly learnable: boolean;
  readonly choices?: readonly string[];
  readonly doc: string;
};

export function paramInfo(ps: ParamSpec): ParamInfo {
  if (isChoiceParam(ps)) {
    return {
      default: ps.default,
      min: null,
      max: null,
      minExclusive: false,
      maxExclusive: false,
      learnable: false,
      choices: ps.choices,
      doc: ps.doc,
    };
  }
  return {
    default: ps.default,
    min: ps.min ?? null,
    max: ps.max ?? null,
    minExclusive: ps.minExclusive ?? false,
    maxExclusive: ps.maxExclusive ?? false,
    learnable: ps.learnable ?? false,
    doc: ps.doc,
  };
}

/** The values a parameter accepts, as a person writes them: "[0, ∞)" or "'none' | 'tanh'". */
export function allowedText(ps: ParamSpec): string {
  return isChoiceParam(ps) ? ps.choices.map((c) => `'${c}'`).join(' | ') : rangeText(ps);
}

export const PARAM_HEADERS = ['name', 'value', 'allowed', 'learnable', 'meaning'] as const;

/**
 * The parameter table: one row per parameter with its value (the default
 * unless `values` says otherwise), allowed values, learnability and meaning.
 */
export function paramRows(spec: ActivationSpec, values?: Params): string[][] {
  return Object.entries(spec.params).map(([name, ps]) => [
    name,
    String(values?.[name] ?? ps.default),
    allowedText(ps),
    paramInfo(ps).learnable ? 'yes' : 'no',
    ps.doc,
  ]);
}

/** Parameters at their defaults (the `torch` preset). */
export function defaultParams(spec: ActivationSpec): Params {
  return resolveParams(spec);
}

/** Kinks at the default parameters; vector activations declare none. */
export function defaultKinks(spec: ActivationSpec): readonly Kink[] {
  return spec.kind === 'elementwise' ? spec.kinks(defaultParams(spec)) : [];
}

/** "negative_slope=0.01, alpha=1" (empty for none). */
export function paramSummary(spec: ActivationSpec): string {
  return Object.entries(spec.params)
    .map(([name, ps]) => `${name}=${ps.default}`)
    .join(', ');
}

const SMOOTHNESS_TEXT: Record<string, string> = {
  discontinuous: 'discontinuous',
  C0: 'C0 (continuous, with kinks)',
  C1: 'C1',
  C2: 'C2',
  Cinf: 'C∞ (smooth)',
};

/** The property table of one activation, in reading order: [label, value]. */
export function propertyRows(spec: ActivationSpec): [string, string][] {
  const p = spec.properties;
  const rows: [string, string][] = [
    ['range', p.rangeText],
    ['smoothness', SMOOTHNESS_TEXT[p.smoothness] ?? p.smoothness],
  ];
  if (spec.kind === 'vector') return rows;
  const q = spec.properties;
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  rows.push(
    ['monotonic', yes(q.monotonic)],
    ['zero-centred', yes(q.zeroCentred)],
    ['saturation', q.saturation],
    ['bounded above', yes(q.boundedAbove)],
    ['bounded below', yes(q.boundedBelow)],
    ['sparse (exact zeros)', yes(q.sparse)],
    ['odd', yes(q.odd)],
  );
  return rows;
}

/** One activation as `actlab list --json` prints it. */
export function catalogueEntry(spec: ActivationSpec) {
  return {
    id: spec.id,
    name: spec.name,
    kind: spec.kind,
    aliases: spec.aliases,
    params: Object.fromEntries(Object.entries(spec.params).map(([n, ps]) => [n, paramInfo(ps)])),
    kinks: defaultKinks(spec).map((k) => ({ at: k.at, derivative: k.derivative })),
    properties: { ...spec.properties },
  };
}

/** Columns of the catalogue summary table (list and docs). */
export interface SummaryRow {
  readonly id: string;
  readonly aliases: string;
  readonly params: string;
  readonly range: string;
  readonly monotonic: string;
  readonly smoothness: string;
  readonly zeroCentred: string;
  readonly saturation: string;
}

export const SUMMARY_HEADERS: Readonly<Record<keyof SummaryRow, string>> = {
  id: 'id',
  aliases: 'aliases',
  params: 'params',
  range: 'range',
  monotonic: 'monotonic',
  smoothness: 'smoothness',
  zeroCentred: 'zero-centred',
  saturation: 'saturation',
};

export function summaryRow(spec: ActivationSpec): SummaryRow {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const elementwise = spec.kind === 'elementwise' ? spec.properties : undefined;
  return {
    id: spec.id,
    aliases: spec.aliases.join(', '),
    params: paramSummary(spec),
    range: spec.properties.rangeText,
    monotonic: elementwise ? yes(elementwise.monotonic) : '—',
    smoothness: spec.properties.smoothness === 'Cinf' ? 'C∞' : spec.properties.smoothness,
    zeroCentred: elementwise ? yes(elementwise.zeroCentred) : '—',
    saturation: elementwise ? elementwise.saturation : '—',
  };
}
