/**
 * The Explorer's state and its round trip through the URL hash, so that a
 * link shows exactly what its sender saw (TensorFlow Playground does the same).
 * Names and values are checked against the catalogue on the way in; anything
 * it does not know is dropped and reported, never guessed.
 */
import {
  lookupActivation,
  type ParamValue,
  PRESET_NAMES,
  type PresetName,
} from '../../src/activations/index.js';

/** How many activations one chart overlays, and how many values one sweep draws. */
export const MAX_CURVES = 4;
export const MAX_SWEEP = 8;
export const DEFAULT_RANGE: readonly [number, number] = [-6, 6];

export interface CurveChoice {
  readonly id: string;
  /** Parameters set by the user; the others take the preset's defaults. */
  readonly given: Readonly<Record<string, ParamValue>>;
}

export interface Sweep {
  readonly param: string;
  readonly values: readonly string[];
}

export interface ExplorerState {
  readonly curves: readonly CurveChoice[];
  /** The curve whose parameters, formula and notes are shown. */
  readonly selected: number;
  readonly range: readonly [number, number];
  readonly showDf: boolean;
  readonly showD2: boolean;
  readonly preset: PresetName;
  /** One parameter of the selected activation drawn at several values, instead of the overlay. */
  readonly sweep?: Sweep;
}

export const DEFAULT_STATE: ExplorerState = {
  curves: [{ id: 'gelu', given: {} }],
  selected: 0,
  range: DEFAULT_RANGE,
  showDf: true,
  showD2: false,
  preset: 'torch',
};

function parseFlag(text: string | null, fallback: boolean): boolean {
  if (text === null) return fallback;
  return text === '1' || text === 'true';
}

function parseRange(text: string | null, problems: string[]): readonly [number, number] {
  if (text === null) return DEFAULT_RANGE;
  const [lo, hi] = text.split(',').map(Number);
  if (
    lo !== undefined &&
    hi !== undefined &&
    Number.isFinite(lo) &&
    Number.isFinite(hi) &&
    lo < hi
  ) {
    return [lo, hi];
  }
  problems.push(`range '${text}' is not lo,hi with lo < hi`);
  return DEFAULT_RANGE;
}

export interface ParsedState {
  readonly state: ExplorerState;
  /** What the URL asked for that could not be honoured, as sentences for the page. */
  readonly problems: readonly string[];
}

/** Reads `a=gelu,sigmoid&gelu.approximate=tanh&x=-6,6&df=1&d2=0&sel=0&preset=torch&sweep=name:v1,v2`. */
export function parseState(query: string): ParsedState {
  const q = new URLSearchParams(query);
  const problems: string[] = [];
  const curves: CurveChoice[] = [];
  const names = (q.get('a') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const name of names) {
    if (curves.length === MAX_CURVES) {
      problems.push(`only ${MAX_CURVES} activations can be overlaid`);
      break;
    }
    let entry: ReturnType<typeof lookupActivation>;
    try {
      entry = lookupActivation(name);
    } catch (e) {
      problems.push((e as Error).message);
      continue;
    }
    const { spec } = entry;
    if (curves.some((c) => c.id === spec.id)) continue;
    // An alias such as gelu_new fixes parameters; explicit values in the URL still win.
    const given: Record<string, ParamValue> = { ...entry.aliasParams };
    for (const [key, value] of q) {
      const dot = key.indexOf('.');
      if (dot < 0 || (key.slice(0, dot) !== name && key.slice(0, dot) !== spec.id)) continue;
      const param = key.slice(dot + 1);
      if (!Object.hasOwn(spec.params, param)) {
        problems.push(`${spec.id} has no parameter '${param}'`);
        continue;
      }
      given[param] = value;
    }
    curves.push({ id: spec.id, given });
  }
  if (curves.length === 0) {
    if (names.length > 0) problems.push('no known activation in the link; showing the default');
    curves.push(...DEFAULT_STATE.curves);
  }
  const presetText = q.get('preset') ?? 'torch';
  const preset = (PRESET_NAMES as readonly string[]).includes(presetText)
    ? (presetText as PresetName)
    : 'torch';
  if (preset !== presetText) problems.push(`unknown preset '${presetText}'`);
  const selectedRaw = Number(q.get('sel') ?? '0');
  const selected =
    Number.isInteger(selectedRaw) && selectedRaw >= 0 && selectedRaw < curves.length
      ? selectedRaw
      : 0;
  const state: ExplorerState = {
    curves,
    selected,
    range: parseRange(q.get('x'), problems),
    showDf: parseFlag(q.get('df'), DEFAULT_STATE.showDf),
    showD2: parseFlag(q.get('d2'), DEFAULT_STATE.showD2),
    preset,
  };
  const sweep = parseSweep(q.get('sweep'), curves[selected]!.id, problems);
  return { state: sweep === undefined ? state : { ...state, sweep }, problems };
}

function parseSweep(text: string | null, id: string, problems: string[]): Sweep | undefined {
  if (text === null || text === '') return undefined;
  const colon = text.indexOf(':');
  const param = colon < 0 ? text : text.slice(0, colon);
  const { spec } = lookupActivation(id);
  if (!Object.hasOwn(spec.params, param)) {
    problems.push(`${id} has no parameter '${param}' to sweep`);
    return undefined;
  }
  const values =
    colon < 0
      ? []
      : text
          .slice(colon + 1)
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== '')
          .slice(0, MAX_SWEEP);
  return { param, values };
}

/** The query for a state; parameters left at their defaults are not written. */
export function formatState(s: ExplorerState): string {
  const q = new URLSearchParams();
  q.set('a', s.curves.map((c) => c.id).join(','));
  for (const c of s.curves) {
    for (const [name, value] of Object.entries(c.given)) q.set(`${c.id}.${name}`, String(value));
  }
  if (s.selected !== 0) q.set('sel', String(s.selected));
  q.set('x', `${s.range[0]},${s.range[1]}`);
  q.set('df', s.showDf ? '1' : '0');
  q.set('d2', s.showD2 ? '1' : '0');
  if (s.preset !== 'torch') q.set('preset', s.preset);
  if (s.sweep !== undefined) q.set('sweep', `${s.sweep.param}:${s.sweep.values.join(',')}`);
  // Commas and colons read better unescaped, and are legal in a fragment.
  return q.toString().replace(/%2C/g, ',').replace(/%3A/g, ':');
}
