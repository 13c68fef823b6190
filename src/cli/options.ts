/**
 * Parsing of the options several verbs share (--param, --preset, --range,
 * --sweep), and the argv rewrite that lets negative numbers be plain values.
 * Every mistake is a UsageError naming the option and what it accepts.
 */
import { type Command, Option } from 'commander';
import { PRESET_NAMES, type PresetName, parseNumber, UsageError } from '../activations/index.js';

/**
 * Commander reads `-1` or `-Infinity` as an unknown option. A leading space
 * makes such a token an ordinary value, and number parsing trims it again, so
 * `eval sigmoid -1 0 1` and `--axis -1` work without a `--`.
 */
export function protectNegativeNumbers(argv: readonly string[]): string[] {
  return argv.map((token) => {
    if (!/^-(\d|\.\d|inf|Infinity$)/i.test(token)) return token;
    try {
      parseNumber(token, 'value');
      return ` ${token}`;
    } catch {
      return token;
    }
  });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export interface ParamOptions {
  /** Absent when no --param was given. */
  readonly param?: string[];
  readonly preset?: PresetName;
}

/** --param name=value (repeatable, one pair per flag) and --preset. */
export function addParamOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--param <name=value>',
        'set a parameter, e.g. --param negative_slope=0.2 (repeatable)',
      ).argParser(collect),
    )
    .addOption(
      new Option('--preset <preset>', 'use the defaults of a framework').choices(PRESET_NAMES),
    );
}

/** `name=value` pairs to a record; a later pair for the same name wins. */
export function parseParamPairs(pairs: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param expects name=value (got '${pair.trim()}')`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** "lo,hi" with finite lo < hi. */
export function parseRange(text: string): [number, number] {
  const parts = text.split(',');
  if (parts.length !== 2) throw new UsageError(`--range expects lo,hi (got '${text.trim()}')`);
  const lo = parseNumber(parts[0]!, '--range');
  const hi = parseNumber(parts[1]!, '--range');
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
    throw new UsageError(`--range needs finite lo < hi (got '${text.trim()}')`);
  }
  return [lo, hi];
}

export interface Sweep {
  readonly name: string;
  readonly values: readonly string[];
}

/** "name=v1,v2,..." */
export function parseSweep(text: string): Sweep {
  const eq = text.indexOf('=');
  const values = text
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (eq <= 0 || values.length === 0) {
    throw new UsageError(`--sweep expects name=v1,v2,... (got '${text.trim()}')`);
  }
  return { name: text.slice(0, eq).trim(), values };
}

/** An integer option such as --axis. */
export function parseInteger(text: string, what: string): number {
  const v = parseNumber(text, what);
  if (!Number.isInteger(v))
    throw new UsageError(`${what} must be an integer (got '${text.trim()}')`);
  return v;
}
