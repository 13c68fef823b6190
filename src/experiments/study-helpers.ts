/**
 * Small pieces the training studies share (linear-collapse, vanishing,
 * loss-choice, exploding, dead-relu, bias-shift, self-normalizing): data as
 * tensors, progress counting, numbers written for a reading, and checks of
 * extra options.
 */
import { UsageError } from '../activations/errors.js';
import type { ClassificationDataset } from '../data/index.js';
import type { DType } from '../tensor/index.js';
import { Tensor } from '../tensor/index.js';
import type { ExperimentOptions } from './types.js';

export interface Samples {
  readonly x: Tensor;
  readonly y: Int32Array;
}

/** A data set's features as a tensor of the given dtype, and its labels. */
export function samplesOf(ds: ClassificationDataset, dtype: DType = 'float64'): Samples {
  const data = dtype === 'float64' ? Float64Array.from(ds.x) : Float32Array.from(ds.x);
  return { x: new Tensor(data, ds.xShape), y: ds.y };
}

/** Labels as a column tensor [n, 1] (targets of a single sigmoid output). */
export function labelColumn(y: Int32Array, dtype: DType = 'float64'): Tensor {
  const data = dtype === 'float64' ? Float64Array.from(y) : Float32Array.from(y);
  return new Tensor(data, [y.length, 1]);
}

/** Counts units of work and reports them to the experiment's progress callback. */
export class Ticker {
  private done = 0;
  constructor(
    private readonly options: ExperimentOptions,
    private readonly total: number,
  ) {
    options.progress?.(0, total);
  }
  tick(label?: string): void {
    this.done++;
    this.options.progress?.(this.done, this.total, label);
  }
}

/** A number for a sentence: 3 significant digits, exponent form when tiny or huge. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e5) return x.toExponential(1);
  return String(Number(x.toPrecision(3)));
}

/** A fraction as a percentage for a sentence. */
export function pct(x: number): string {
  return `${Math.round(x * 1000) / 10} %`;
}

/** An extra option that must be one of a few words. */
export function choiceOption<T extends string>(
  options: ExperimentOptions,
  experiment: string,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const v = options.extra?.[name];
  if (v === undefined) return fallback;
  if (!(choices as readonly string[]).includes(v)) {
    throw new UsageError(
      `${experiment}: --${name} must be one of ${choices.join(', ')} (got '${v}')`,
    );
  }
  return v as T;
}

/** Replaces non-finite numbers by null so a JSON contract never holds NaN (JSON has no NaN). */
export function finiteList(values: readonly number[]): (number | null)[] {
  return values.map((v) => (Number.isFinite(v) ? v : null));
}
