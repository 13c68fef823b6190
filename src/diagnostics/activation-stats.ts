/**
 * ActivationStats: per hidden layer and epoch, the mean, standard deviation
 * and sparsity (fraction of exact zeros) of the activation outputs over every
 * sample of the epoch. A mean far from zero is the bias shift a
 * non-zero-centred activation hands to the next layer; mean ~ 0 and
 * std ~ 1 in every layer is what self-normalisation promises.
 */
import type { Callback, CallbackInfo, LayerTraceEntry, Model } from '../nn/index.js';
import type { FloatArray } from '../tensor/index.js';
import { flatLayers } from './model-view.js';

export interface OutputStats {
  readonly mean: number;
  /** Population standard deviation. */
  readonly std: number;
  /** Fraction of values exactly 0. */
  readonly sparsity: number;
  readonly count: number;
}

/** Running sums from which mean, std and sparsity follow (Welford-free: float64 sums are plenty here). */
export class StatsAccumulator {
  private sum = 0;
  private sumSq = 0;
  private zeros = 0;
  private n = 0;

  add(values: FloatArray): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      this.sum += v;
      this.sumSq += v * v;
      if (v === 0) this.zeros++;
    }
    this.n += values.length;
  }

  stats(): OutputStats {
    if (this.n === 0) return { mean: Number.NaN, std: Number.NaN, sparsity: Number.NaN, count: 0 };
    const mean = this.sum / this.n;
    const variance = Math.max(0, this.sumSq / this.n - mean * mean);
    return { mean, std: Math.sqrt(variance), sparsity: this.zeros / this.n, count: this.n };
  }
}

/** Mean, std and sparsity of one array of values. */
export function outputStats(values: FloatArray): OutputStats {
  const acc = new StatsAccumulator();
  acc.add(values);
  return acc.stats();
}

export interface LayerStats extends OutputStats {
  readonly layer: string;
  readonly activation: string;
}

export interface ActivationStatsEpoch {
  readonly epoch: number;
  readonly layers: readonly LayerStats[];
}

export class ActivationStats implements Callback {
  readonly needsTrace = true;
  readonly history: ActivationStatsEpoch[] = [];
  private acc = new Map<string, { activation: string; stats: StatsAccumulator }>();
  private outputLayer: string | null = null;

  onTrainBegin({ model }: CallbackInfo): void {
    this.history.length = 0;
    this.attach(model);
  }

  attach(model: Model): this {
    const flat = flatLayers(model);
    this.outputLayer = flat.length > 0 ? flat[flat.length - 1]!.name : null;
    return this;
  }

  onEpochBegin(): void {
    this.acc = new Map();
  }

  onBatchEnd(_batch: number, _logs: unknown, { trace }: CallbackInfo): void {
    if (trace === null) return;
    for (const entry of trace) this.observeEntry(entry);
  }

  observeEntry(entry: LayerTraceEntry): void {
    if (entry.activation === null || entry.layer === this.outputLayer) return;
    let a = this.acc.get(entry.layer);
    if (a === undefined) {
      a = { activation: entry.activation, stats: new StatsAccumulator() };
      this.acc.set(entry.layer, a);
    }
    a.stats.add(entry.output.data);
  }

  onEpochEnd(epoch: number): void {
    this.closeEpoch(epoch);
  }

  closeEpoch(epoch: number): ActivationStatsEpoch {
    const layers = [...this.acc].map(([layer, a]) => ({
      layer,
      activation: a.activation,
      ...a.stats.stats(),
    }));
    const record = { epoch, layers };
    this.history.push(record);
    this.acc = new Map();
    return record;
  }
}
