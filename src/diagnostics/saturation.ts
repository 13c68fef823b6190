/**
 * Saturation: per layer and epoch, the fraction of pre-activations that sit
 * where the activation's derivative is below 1 % of its maximum, so almost no
 * gradient gets through. Only for activations whose spec declares a
 * saturating side and whose derivative is bounded (sigmoid, tanh, softsign,
 * ELU's and GELU's negative side, ...). Activations that are exactly zero on
 * a whole interval (relu and its kin) are left to DeadUnits: strictly, a flat
 * zero is not saturation, though its effect on the gradient is the same.
 */
import { getActivation } from '../activations/registry.js';
import type { Callback, CallbackInfo, Layer, LayerTraceEntry, Model } from '../nn/index.js';
import { flatLayers, type LocalDerivative, layersByName, localDerivative } from './model-view.js';

/** |f'(x)| below this fraction of its maximum counts as saturated. */
export const SATURATION_LEVEL = 0.01;

export interface LayerSaturation {
  readonly layer: string;
  readonly activation: string;
  /** Fraction of the epoch's pre-activations in the saturated region. */
  readonly saturated: number;
}

export interface SaturationEpoch {
  readonly epoch: number;
  readonly layers: readonly LayerSaturation[];
}

/** True when the catalogue says the activation saturates and is not flat-zero on an interval. */
export function saturates(activationId: string): boolean {
  const spec = getActivation(activationId);
  return (
    spec.kind === 'elementwise' && spec.properties.saturation !== 'none' && !spec.properties.sparse
  );
}

/**
 * max |f'| sampled on [-40, 40] (step 0.01), or null when the derivative is
 * unbounded (it exceeds that maximum far out, as for `exponential`).
 */
export function derivativeMaximum(df: LocalDerivative): number | null {
  let m = 0;
  for (let k = -4000; k <= 4000; k++) m = Math.max(m, Math.abs(df(k / 100, 0)));
  for (const far of [-1e4, 1e4]) {
    const v = Math.abs(df(far, 0));
    if (!Number.isFinite(v) || v > m * (1 + 1e-9)) return null;
  }
  return m > 0 ? m : null;
}

interface Count {
  readonly activation: string;
  saturated: number;
  total: number;
}

interface Probe {
  readonly df: LocalDerivative;
  readonly cut: number;
}

export class Saturation implements Callback {
  readonly needsTrace = true;
  readonly history: SaturationEpoch[] = [];
  private counts = new Map<string, Count>();
  private probes = new Map<string, Probe | null>();
  private layers = new Map<string, Layer>();
  private outputLayer: string | null = null;

  onTrainBegin({ model }: CallbackInfo): void {
    this.history.length = 0;
    this.attach(model);
  }

  /** For observing outside fit(): names the model's layers and its output layer. */
  attach(model: Model): this {
    this.layers = layersByName(model);
    this.probes = new Map();
    const flat = flatLayers(model);
    this.outputLayer = flat.length > 0 ? flat[flat.length - 1]!.name : null;
    return this;
  }

  onEpochBegin(): void {
    this.counts = new Map();
  }

  onBatchEnd(_batch: number, _logs: unknown, { trace }: CallbackInfo): void {
    if (trace === null) return;
    for (const entry of trace) this.observeEntry(entry);
  }

  private probeFor(entry: LayerTraceEntry, activation: string): Probe | null {
    if (this.probes.has(entry.layer)) return this.probes.get(entry.layer)!;
    let probe: Probe | null = null;
    if (saturates(activation)) {
      const df = localDerivative(
        this.layers.get(entry.layer),
        activation,
        entry.preActivation!.shape.slice(1),
      );
      const max = df === null ? null : derivativeMaximum(df);
      if (df !== null && max !== null) probe = { df, cut: SATURATION_LEVEL * max };
    }
    this.probes.set(entry.layer, probe);
    return probe;
  }

  /** Adds one traced layer of one batch to the epoch's counts (hidden layers only). */
  observeEntry(entry: LayerTraceEntry): void {
    const activation = entry.activation;
    if (activation === null || entry.preActivation === null) return;
    if (entry.layer === this.outputLayer) return;
    const probe = this.probeFor(entry, activation);
    if (probe === null) return;
    const z = entry.preActivation.data;
    let c = this.counts.get(entry.layer);
    if (c === undefined) {
      c = { activation, saturated: 0, total: 0 };
      this.counts.set(entry.layer, c);
    }
    const per = entry.preActivation.size / (entry.preActivation.shape[0] ?? 1);
    for (let k = 0; k < z.length; k++) {
      if (Math.abs(probe.df(z[k]!, k % per)) < probe.cut) c.saturated++;
    }
    c.total += z.length;
  }

  onEpochEnd(epoch: number): void {
    this.closeEpoch(epoch);
  }

  closeEpoch(epoch: number): SaturationEpoch {
    const layers = [...this.counts].map(([layer, c]) => ({
      layer,
      activation: c.activation,
      saturated: c.total > 0 ? c.saturated / c.total : 0,
    }));
    const record = { epoch, layers };
    this.history.push(record);
    this.counts = new Map();
    return record;
  }

  /** The last epoch's most saturated layer, or null when no layer has a saturating activation. */
  worst(): LayerSaturation | null {
    const last = this.history[this.history.length - 1];
    let worst: LayerSaturation | null = null;
    for (const l of last?.layers ?? [])
      if (worst === null || l.saturated > worst.saturated) worst = l;
    return worst;
  }
}
