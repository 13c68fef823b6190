/**
 * The Compare tab's state: the Playground's settings for the data and the
 * network (read and written by the same code, so a link means the same in
 * both tabs), the activations to race, and a step budget.
 * `#compare?acts=relu,tanh,gelu&data=spiral&layers=8,8&stop=2000&...`
 */
import { getActivation } from '../../../src/activations/index.js';
import {
  DEFAULT_PLAYGROUND,
  formatPlayground,
  layerActivationIds,
  type PlaygroundState,
  parsePlayground,
} from './config.js';

export const MAX_COMPARED = 6;
export const DEFAULT_BUDGET = 1500;

export interface CompareState {
  /** The shared settings; its `activations` are ignored, its `stopAt` is the step budget. */
  readonly base: PlaygroundState;
  readonly activations: readonly string[];
}

export const DEFAULT_COMPARE: CompareState = {
  base: {
    ...DEFAULT_PLAYGROUND,
    data: 'spiral',
    features: ['x1', 'x2'],
    layers: [8, 8],
    activations: ['relu', 'relu'],
    learningRate: 0.01,
    optimizer: 'adam',
    stopAt: DEFAULT_BUDGET,
  },
  activations: ['relu', 'tanh', 'sigmoid', 'gelu'],
};

export interface ParsedCompare {
  readonly state: CompareState;
  readonly problems: readonly string[];
}

export function parseCompare(query: string): ParsedCompare {
  const q = new URLSearchParams(query);
  // Keys the link leaves out take the Compare defaults, not the Playground's.
  const merged = new URLSearchParams(formatPlayground(DEFAULT_COMPARE.base));
  for (const [k, v] of q) if (k !== 'acts') merged.set(k, v);
  const parsed = parsePlayground(merged.toString());
  const problems = [...parsed.problems];
  const known = new Set(layerActivationIds());
  const activations: string[] = [];
  for (const raw of (q.get('acts') ?? '').split(',').filter((s) => s !== '')) {
    let id: string | undefined;
    try {
      id = getActivation(raw).id;
    } catch {
      id = undefined;
    }
    if (id === undefined || !known.has(id)) {
      problems.push(`'${raw}' is not an elementwise activation of the catalogue`);
      continue;
    }
    if (activations.includes(id)) continue;
    if (activations.length === MAX_COMPARED) {
      problems.push(`at most ${MAX_COMPARED} activations are compared at once`);
      break;
    }
    activations.push(id);
  }
  if (activations.length === 0) activations.push(...DEFAULT_COMPARE.activations);
  const base = parsed.state.stopAt > 0 ? parsed.state : { ...parsed.state, stopAt: DEFAULT_BUDGET };
  return { state: { base, activations }, problems };
}

export function formatCompare(s: CompareState): string {
  const q = new URLSearchParams(formatPlayground(s.base));
  q.delete('act');
  return `acts=${s.activations.join(',')}&${q.toString().replace(/%2C/g, ',')}`;
}
