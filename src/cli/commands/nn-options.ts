/** Option parsing shared by the `summary` and `train` verbs (no math: the library does the work). */
import { UsageError } from '../../activations/errors.js';
import { parseNumber } from '../../activations/params.js';
import type { ParamValue } from '../../activations/types.js';

/** "64,64" -> [64, 64]; each a positive integer. */
export function parseSizes(text: string, what: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
    throw new UsageError(`${what} must be positive integers separated by commas (got '${text}')`);
  }
  return parts.map(Number);
}

/** "--hidden ''" means no hidden layer. */
export function parseHidden(text: string): number[] {
  return text.trim() === '' ? [] : parseSizes(text, '--hidden');
}

export function parseIntOption(what: string, min: number) {
  return (text: string): number => {
    if (
      !/^[+-]?\d+$/.test(text.trim()) ||
      Number(text) < min ||
      !Number.isSafeInteger(Number(text))
    ) {
      throw new UsageError(`${what} must be an integer >= ${min} (got '${text}')`);
    }
    return Number(text);
  };
}

export function parsePositiveNumber(what: string) {
  return (text: string): number => {
    const v = parseNumber(text, what);
    if (!(Number.isFinite(v) && v > 0))
      throw new UsageError(`${what} must be a finite number > 0 (got '${text}')`);
    return v;
  };
}

export function parseNonNegativeNumber(what: string) {
  return (text: string): number => {
    const v = parseNumber(text, what);
    if (!(Number.isFinite(v) && v >= 0))
      throw new UsageError(`${what} must be a finite number >= 0 (got '${text}')`);
    return v;
  };
}

/** Repeated `--param name=value`, collected into an object (values checked by the catalogue). */
export function collectParam(
  text: string,
  previous: Record<string, ParamValue> = {},
): Record<string, ParamValue> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--param must look like name=value (got '${text}')`);
  const name = text.slice(0, eq).trim();
  if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
    throw new UsageError(`--param: '${name}' is not a parameter name`);
  }
  return { ...previous, [name]: text.slice(eq + 1).trim() };
}
