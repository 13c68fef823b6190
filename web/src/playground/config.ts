/**
 * The Playground's state and its round trip through the URL hash
 * (`#playground?data=spiral&layers=8,8&act=relu,relu&lr=0.03&...`), as
 * TensorFlow Playground keeps its state in the URL. Values are checked on the
 * way in; what cannot be honoured is dropped, reported, and replaced by the
 * default, never guessed.
 */
import { getActivation, listActivations } from '../../../src/activations/index.js';
import { SYNTHETIC_NAMES, type SyntheticName } from '../../../src/data/synthetic.js';
import { FEATURE_IDS, type FeatureId, isFeatureId } from './features.js';

export const MAX_LAYERS = 6;
export const MAX_UNITS = 8;
/** TensorFlow Playground's choices for the learning rate and the regularisation rates. */
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
/** Step-rate caps offered on the page (0: none). */
export const SPEEDS = [0, 1000, 100, 30, 10];
export const OPTIMIZERS = ['sgd', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Everything that decides a training run. */
export interface PlaygroundState {
  readonly data: SyntheticName;
  /** Noise in percent, 0 to 50 (the Playground's slider; the generators take percent / 100). */
  readonly noise: number;
  /** Percentage of the points used for training, 10 to 90; the rest are the test set. */
  readonly trainPercent: number;
  readonly features: readonly FeatureId[];
  /** Units per hidden layer, 0 to 6 layers of 1 to 8 units. */
  readonly layers: readonly number[];
  /** Catalogue id of each hidden layer's activation (same length as layers). */
  readonly activations: readonly string[];
  readonly learningRate: number;
  readonly optimizer: OptimizerName;
  readonly l1: number;
  readonly l2: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Most steps per second while playing (0: as fast as the machine goes). */
  readonly speed: number;
  /** Pause by itself at this step (0: play on), so that runs can be compared at a fixed budget. */
  readonly stopAt: number;
}

export const DEFAULT_PLAYGROUND: PlaygroundState = {
  data: 'circle',
  noise: 0,
  trainPercent: 50,
  features: ['x1', 'x2'],
  layers: [4, 2],
  activations: ['tanh', 'tanh'],
  learningRate: 0.03,
  optimizer: 'sgd',
  l1: 0,
  l2: 0,
  batchSize: 10,
  seed: 0,
  speed: 0,
  stopAt: 0,
};

/** The activations a hidden layer can take: every elementwise catalogue entry. */
export function layerActivationIds(): string[] {
  return listActivations()
    .filter((s) => s.kind === 'elementwise')
    .map((s) => s.id);
}

export interface ParsedPlayground {
  readonly state: PlaygroundState;
  readonly problems: readonly string[];
}

/** A number from the query inside [lo, hi], or the fallback with a problem noted. */
function numberIn(
  q: URLSearchParams,
  key: string,
  lo: number,
  hi: number,
  fallback: number,
  problems: string[],
  integer = false,
): number {
  const text = q.get(key);
  if (text === null || text === '') return fallback;
  const v = Number(text);
  if (!Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    problems.push(
      `${key} '${text}' is not ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]`,
    );
    return fallback;
  }
  return v;
}

function parseLayers(text: string | null, problems: string[]): number[] {
  if (text === null) return [...DEFAULT_PLAYGROUND.layers];
  if (text === '') return [];
  const out: number[] = [];
  for (const part of text.split(',')) {
    const v = Number(part);
    if (!Number.isInteger(v) || v < 1 || v > MAX_UNITS) {
      problems.push(`layer size '${part}' is not an integer from 1 to ${MAX_UNITS}`);
      continue;
    }
    if (out.length === MAX_LAYERS) {
      problems.push(`at most ${MAX_LAYERS} hidden layers`);
      break;
    }
    out.push(v);
  }
  return out;
}

/**
 * One activation per layer; a single name applies to every layer, and a
 * short list is continued with its last entry.
 */
function parseActivations(text: string | null, count: number, problems: string[]): string[] {
  const known = new Set(layerActivationIds());
  const names: string[] = [];
  for (const raw of (text ?? '').split(',').filter((s) => s !== '')) {
    let id: string | undefined;
    try {
      id = getActivation(raw).id;
    } catch {
      id = undefined;
    }
    if (id === undefined || !known.has(id)) {
      problems.push(`'${raw}' is not an elementwise activation of the catalogue`);
      names.push(DEFAULT_PLAYGROUND.activations[0]!);
    } else names.push(id);
  }
  if (names.length === 0) names.push(DEFAULT_PLAYGROUND.activations[0]!);
  return Array.from({ length: count }, (_, i) => names[Math.min(i, names.length - 1)]!);
}

/** Reads the Playground's query; unknown keys are ignored. */
export function parsePlayground(query: string): ParsedPlayground {
  const q = new URLSearchParams(query);
  const problems: string[] = [];
  const d = DEFAULT_PLAYGROUND;
  const dataText = q.get('data') ?? d.data;
  const data = (SYNTHETIC_NAMES as readonly string[]).includes(dataText)
    ? (dataText as SyntheticName)
    : d.data;
  if (data !== dataText) problems.push(`unknown data set '${dataText}'`);
  let features: FeatureId[] = [...d.features];
  const featureText = q.get('f');
  if (featureText !== null) {
    features = [];
    for (const f of featureText.split(',').filter((s) => s !== '')) {
      if (!isFeatureId(f)) problems.push(`unknown feature '${f}'`);
      else if (!features.includes(f)) features.push(f);
    }
    // Keep the catalogue order, so that a link and the checkboxes agree on column order.
    features = FEATURE_IDS.filter((f) => features.includes(f));
    if (features.length === 0) {
      problems.push('no input feature chosen; using x1, x2');
      features = [...d.features];
    }
  }
  const layers = parseLayers(q.get('layers'), problems);
  const optText = q.get('opt') ?? d.optimizer;
  const optimizer = (OPTIMIZERS as readonly string[]).includes(optText)
    ? (optText as OptimizerName)
    : d.optimizer;
  if (optimizer !== optText) problems.push(`unknown optimizer '${optText}'`);
  const state: PlaygroundState = {
    data,
    noise: numberIn(q, 'noise', 0, 50, d.noise, problems),
    trainPercent: numberIn(q, 'train', 10, 90, d.trainPercent, problems, true),
    features,
    layers,
    activations: parseActivations(q.get('act'), layers.length, problems),
    learningRate: numberIn(q, 'lr', 1e-6, 10, d.learningRate, problems),
    optimizer,
    l1: numberIn(q, 'l1', 0, 10, d.l1, problems),
    l2: numberIn(q, 'l2', 0, 10, d.l2, problems),
    batchSize: numberIn(q, 'batch', 1, 100, d.batchSize, problems, true),
    seed: numberIn(q, 'seed', 0, 2 ** 31 - 1, d.seed, problems, true),
    speed: numberIn(q, 'speed', 0, 1e6, d.speed, problems),
    stopAt: numberIn(q, 'stop', 0, 1e7, d.stopAt, problems, true),
  };
  return { state, problems };
}

/** The query for a state: every key written, so a link never depends on today's defaults. */
export function formatPlayground(s: PlaygroundState): string {
  const q = new URLSearchParams();
  q.set('data', s.data);
  q.set('noise', String(s.noise));
  q.set('train', String(s.trainPercent));
  q.set('f', s.features.join(','));
  q.set('layers', s.layers.join(','));
  q.set('act', s.activations.join(','));
  q.set('lr', String(s.learningRate));
  q.set('opt', s.optimizer);
  q.set('l1', String(s.l1));
  q.set('l2', String(s.l2));
  q.set('batch', String(s.batchSize));
  q.set('seed', String(s.seed));
  if (s.speed > 0) q.set('speed', String(s.speed));
  if (s.stopAt > 0) q.set('stop', String(s.stopAt));
  return q.toString().replace(/%2C/g, ',');
}
