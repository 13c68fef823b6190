import { didYouMean, UsageError } from './errors.js';
import { type PresetName, presetDefaults } from './presets.js';
import {
  type ActivationSpec,
  isChoiceParam,
  type NumericParamSpec,
  type Params,
  type ParamValue,
} from './types.js';

/** The allowed range of a numeric parameter, as a person writes it: "[0, ∞)". */
export function rangeText(spec: NumericParamSpec): string {
  const lo = spec.min === undefined ? '(-∞' : `${spec.minExclusive ? '(' : '['}${spec.min}`;
  const hi = spec.max === undefined ? '∞)' : `${spec.max}${spec.maxExclusive ? ')' : ']'}`;
  return `${lo}, ${hi}`;
}

function inRange(v: number, s: NumericParamSpec): boolean {
  if (Number.isNaN(v)) return false;
  if (s.min !== undefined && (s.minExclusive ? v <= s.min : v < s.min)) return false;
  if (s.max !== undefined && (s.maxExclusive ? v >= s.max : v > s.max)) return false;
  return true;
}

/** Parses a number as the CLI accepts it: decimal, exponent, NaN, ±Infinity. */
export function parseNumber(text: string, what: string): number {
  const t = text.trim();
  if (t === 'NaN') return Number.NaN;
  if (t === 'Infinity' || t === '+Infinity' || t === 'inf') return Number.POSITIVE_INFINITY;
  if (t === '-Infinity' || t === '-inf') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) {
    throw new UsageError(`${what}: '${text}' is not a number`);
  }
  return Number(t);
}

/**
 * Full parameter values for an activation: spec defaults, then the preset's,
 * then an alias's fixed values, then what the caller gave. Every name and
 * value is checked; a bad one is a UsageError naming it and the allowed range.
 */
export function resolveParams(
  spec: ActivationSpec,
  given: Readonly<Record<string, ParamValue>> = {},
  options: { preset?: PresetName; aliasParams?: Params } = {},
): Params {
  const out: Record<string, ParamValue> = {};
  for (const [name, ps] of Object.entries(spec.params)) out[name] = ps.default;
  Object.assign(out, presetDefaults(options.preset ?? 'torch', spec.id), options.aliasParams);
  const names = Object.keys(spec.params);
  for (const [name, raw] of Object.entries(given)) {
    const ps = spec.params[name];
    if (ps === undefined) {
      if (names.length === 0) {
        throw new UsageError(`${spec.id} takes no parameters (got '${name}')`);
      }
      throw new UsageError(didYouMean(`parameter for ${spec.id}`, name, names));
    }
    if (isChoiceParam(ps)) {
      const v = String(raw);
      if (!ps.choices.includes(v)) {
        throw new UsageError(
          `parameter '${name}' of ${spec.id} must be one of ${ps.choices.map((c) => `'${c}'`).join(', ')} (got '${v}')`,
        );
      }
      out[name] = v;
    } else {
      const v =
        typeof raw === 'number' ? raw : parseNumber(raw, `parameter '${name}' of ${spec.id}`);
      if (!inRange(v, ps)) {
        throw new UsageError(
          `parameter '${name}' of ${spec.id} must be in ${rangeText(ps)} (got ${v})`,
        );
      }
      out[name] = v;
    }
  }
  const problem = spec.validate?.(out);
  if (problem !== undefined) throw new UsageError(`${spec.id}: ${problem}`);
  return out;
}
