/**
 * DeadUnits: per hidden layer and epoch, the fraction of units that passed
 * zero gradient on every sample of the epoch (dead: f'(z) = 0 each time, so
 * no update can reach their incoming weights), and the fraction whose
 * pre-activation was <= 0 on every sample (negative). A leaky unit in the
 * negative region is negative but not dead: its slope still lets the
 * gradient through. A unit is one element of a sample's pre-activation (a
 * neuron of a Dense layer; one position of one channel of a Conv2D layer).
 *
 * It reads the LayerTrace of every training batch (needsTrace), so "every
 * sample" means every sample as the network saw it during that epoch.
 */
import type { Callback, CallbackInfo, Layer, LayerTraceEntry, Model } from '../nn/index.js';
import { flatLayers, layersByName, localDerivative } from './model-view.js';

export interface LayerUnits {
  readonly layer: string;
  readonly activation: string;
  readonly units: number;
  /** Fraction of units with f'(z) = 0 on every sample of the epoch. */
  readonly dead: number;
  /** Fraction of units with z <= 0 on every sample of the epoch. */
  readonly negative: number;
}

export interface DeadUnitsEpoch {
  readonly epoch: number;
  readonly layers: readonly LayerUnits[];
  /** Over all hidden units together. */
  readonly dead: number;
  readonly negative: number;
}

export type Trend = 'dying' | 'recovering' | 'stable';

export interface DeadUnitsSummary {
  readonly epochs: number;
  /** The last epoch's fractions over all hidden units (0 when nothing was observed). */
  readonly dead: number;
  readonly negative: number;
  /** The largest dead fraction of any single layer in the last epoch. */
  readonly worstLayerDead: number;
  readonly worstLayer: string | null;
  /** Dead fraction from the first to the last epoch: up (dying), down (recovering) or level. */
  readonly trend: Trend;
}

interface Tally {
  readonly activation: string;
  /** 1 where the unit passed a non-zero gradient at least once. */
  readonly passed: Uint8Array;
  /** 1 where the pre-activation was > 0 at least once. */
  readonly positive: Uint8Array;
}

export interface DeadUnitsOptions {
  /** Count the model's last layer too (default false: only hidden units). */
  includeOutput?: boolean;
  /** A change of the dead fraction larger than this is a trend (default 0.02). */
  trendThreshold?: number;
}

export class DeadUnits implements Callback {
  readonly needsTrace = true;
  readonly history: DeadUnitsEpoch[] = [];
  private readonly includeOutput: boolean;
  private readonly trendThreshold: number;
  private tallies = new Map<string, Tally>();
  private layers = new Map<string, Layer>();
  private outputLayer: string | null = null;

  constructor(opts: DeadUnitsOptions = {}) {
    this.includeOutput = opts.includeOutput ?? false;
    this.trendThreshold = opts.trendThreshold ?? 0.02;
  }

  onTrainBegin({ model }: CallbackInfo): void {
    this.history.length = 0;
    this.bind(model);
  }

  private bind(model: Model): void {
    this.layers = layersByName(model);
    const flat = flatLayers(model);
    this.outputLayer = flat.length > 0 ? flat[flat.length - 1]!.name : null;
  }

  onEpochBegin(): void {
    this.tallies = new Map();
  }

  onBatchEnd(_batch: number, _logs: unknown, { trace }: CallbackInfo): void {
    if (trace === null) return;
    for (const entry of trace) this.observeEntry(entry);
  }

  /** Adds one traced layer of one batch to the epoch's tally (public for constructed cases). */
  observeEntry(entry: LayerTraceEntry): void {
    if (entry.activation === null || entry.preActivation === null) return;
    if (!this.includeOutput && entry.layer === this.outputLayer) return;
    const pre = entry.preActivation;
    const batch = pre.shape[0] ?? 1;
    const per = pre.size / batch;
    const sample = pre.shape.slice(1);
    const df = localDerivative(this.layers.get(entry.layer), entry.activation, sample);
    if (df === null) return;
    let t = this.tallies.get(entry.layer);
    if (t === undefined) {
      t = {
        activation: entry.activation,
        passed: new Uint8Array(per),
        positive: new Uint8Array(per),
      };
      this.tallies.set(entry.layer, t);
    }
    const z = pre.data;
    for (let k = 0; k < z.length; k++) {
      const i = k % per;
      const v = z[k]!;
      if (v > 0) t.positive[i] = 1;
      if (t.passed[i] === 0 && df(v, i) !== 0) t.passed[i] = 1;
    }
  }

  onEpochEnd(epoch: number): void {
    this.closeEpoch(epoch);
  }

  /** Turns the tallies into the epoch's fractions (public for constructed cases). */
  closeEpoch(epoch: number): DeadUnitsEpoch {
    const layers: LayerUnits[] = [];
    let units = 0;
    let dead = 0;
    let negative = 0;
    for (const [layer, t] of this.tallies) {
      const n = t.passed.length;
      const d = n - count(t.passed);
      const neg = n - count(t.positive);
      layers.push({ layer, activation: t.activation, units: n, dead: d / n, negative: neg / n });
      units += n;
      dead += d;
      negative += neg;
    }
    const record: DeadUnitsEpoch = {
      epoch,
      layers,
      dead: units > 0 ? dead / units : 0,
      negative: units > 0 ? negative / units : 0,
    };
    this.history.push(record);
    this.tallies = new Map();
    return record;
  }

  /** For observing outside fit(): names the model's layers and its output layer. */
  attach(model: Model): this {
    this.bind(model);
    return this;
  }

  summary(): DeadUnitsSummary {
    const last = this.history[this.history.length - 1];
    const first = this.history[0];
    let worst: LayerUnits | null = null;
    for (const l of last?.layers ?? []) if (worst === null || l.dead > worst.dead) worst = l;
    const change = last !== undefined && first !== undefined ? last.dead - first.dead : 0;
    return {
      epochs: this.history.length,
      dead: last?.dead ?? 0,
      negative: last?.negative ?? 0,
      worstLayerDead: worst?.dead ?? 0,
      worstLayer: worst?.layer ?? null,
      trend:
        change > this.trendThreshold
          ? 'dying'
          : change < -this.trendThreshold
            ? 'recovering'
            : 'stable',
    };
  }
}

function count(flags: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < flags.length; i++) c += flags[i]!;
  return c;
}
