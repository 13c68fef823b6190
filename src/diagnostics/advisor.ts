/**
 * Advisor: turns what the instruments saw into plain-language warnings, each
 * with the remedies the literature gives for it:
 * - vanishing gradients -> relu family, He initialisation, batch norm, residual connections;
 * - exploding gradients -> clipnorm / clipvalue, a smaller learning rate, L2, fewer layers;
 * - dead units -> a lower learning rate, Adam, leaky_relu / elu / prelu, input scaling;
 * - saturated units -> input scaling, a fitting initialisation, batch norm;
 * - SELU without lecun_normal, or with plain Dropout;
 * - a sigmoid output trained with mean squared error -> cross-entropy.
 * It is a fit() callback that only observes: it runs the other instruments and
 * reads the model's configuration, never its training state.
 */
import type { Callback, CallbackInfo, History, Logs, Model } from '../nn/index.js';
import { ActivationStats } from './activation-stats.js';
import { DeadUnits } from './dead-units.js';
import { formatFactor, GradientFlow, type GradientFlowOptions } from './gradient-flow.js';
import { flatLayers } from './model-view.js';
import { Saturation } from './saturation.js';

export type WarningCode =
  | 'vanishing_gradients'
  | 'exploding_gradients'
  | 'dead_units'
  | 'saturated_units'
  | 'selu_initializer'
  | 'selu_dropout'
  | 'sigmoid_mse';

export interface Warning {
  readonly code: WarningCode;
  /** One sentence on what was seen, then what to try. */
  readonly message: string;
  readonly remedies: readonly string[];
}

export interface AdvisorOptions extends GradientFlowOptions {
  /** Warn about dead units above this fraction of all hidden units (default 0.25)... */
  deadFraction?: number;
  /** ...or above this fraction in any one layer (default 0.5). */
  deadLayerFraction?: number;
  /** Warn when a layer has more than this fraction of its pre-activations saturated (default 0.5). */
  saturatedFraction?: number;
}

/** Activations that saturate on both sides: the ones the literature blames for vanishing gradients. */
const TWO_SIDED = new Set(['sigmoid', 'tanh', 'softsign', 'hardsigmoid', 'hardtanh']);

function percent(x: number): string {
  return `${Math.round(x * 1000) / 10} %`;
}

function initializerName(config: Record<string, unknown>): string | null {
  const init = config['kernelInitializer'];
  if (typeof init === 'object' && init !== null && 'name' in init) {
    return String((init as { name: unknown }).name);
  }
  return null;
}

/** The activation id a layer applies, when it names one (Dense, Conv2D, Activation, PReLU). */
function activationOf(config: Record<string, unknown>, className: string): string | null {
  if (className === 'PReLU') return 'prelu';
  if (className === 'RReLU') return 'rrelu';
  const a = config['activation'];
  return typeof a === 'string' && a !== 'linear' ? a : null;
}

/** Warnings that follow from the model and its loss alone, before any training. */
export function checkConfiguration(model: Model): Warning[] {
  const out: Warning[] = [];
  const layers = flatLayers(model);
  const configs = layers.map((l) => l.getConfig() as Record<string, unknown>);
  const acts = layers.map((l, i) => activationOf(configs[i]!, l.className));
  const seluLayers: string[] = [];
  layers.forEach((l, i) => {
    if (acts[i] !== 'selu') return;
    // The weights feeding this activation: its own kernel, or the nearest one before it.
    let k = i;
    while (k >= 0 && initializerName(configs[k]!) === null) k--;
    const init = k >= 0 ? initializerName(configs[k]!) : null;
    if (init !== null && init !== 'lecun_normal') seluLayers.push(`${l.name} (${init})`);
  });
  if (seluLayers.length > 0) {
    out.push({
      code: 'selu_initializer',
      message: `SELU keeps activations near mean 0 and variance 1 only with lecun_normal initialisation, but ${seluLayers.join(', ')} start from another initializer.`,
      remedies: ["kernelInitializer: 'lecun_normal' on the layers that feed a SELU"],
    });
  }
  if (acts.includes('selu') && layers.some((l) => l.className === 'Dropout')) {
    out.push({
      code: 'selu_dropout',
      message:
        'SELU is combined with plain Dropout, which shifts the mean and variance that SELU keeps fixed.',
      remedies: ['AlphaDropout instead of Dropout in a SELU network'],
    });
  }
  const last = acts[acts.length - 1];
  const loss = model.compiled?.loss.name;
  if (last === 'sigmoid' && loss === 'mean_squared_error') {
    out.push({
      code: 'sigmoid_mse',
      message:
        "The sigmoid output is trained with mean squared error: when the unit is confidently wrong its gradient is the error times σ'(z), almost zero, so it learns slowly just where it is most wrong.",
      remedies: ['binary_crossentropy for a classification target (its gradient is σ(z) − y)'],
    });
  }
  return out;
}

export class Advisor implements Callback {
  readonly needsTrace = true;
  readonly gradientFlow: GradientFlow;
  readonly deadUnits = new DeadUnits();
  readonly saturation = new Saturation();
  readonly activationStats = new ActivationStats();
  private readonly parts: Callback[];
  private model: Model | null = null;
  private readonly deadFraction: number;
  private readonly deadLayerFraction: number;
  private readonly saturatedFraction: number;

  constructor(opts: AdvisorOptions = {}) {
    this.gradientFlow = new GradientFlow(opts);
    this.parts = [this.gradientFlow, this.deadUnits, this.saturation, this.activationStats];
    this.deadFraction = opts.deadFraction ?? 0.25;
    this.deadLayerFraction = opts.deadLayerFraction ?? 0.5;
    this.saturatedFraction = opts.saturatedFraction ?? 0.5;
  }

  onTrainBegin(info: CallbackInfo): void {
    this.model = info.model;
    for (const p of this.parts) p.onTrainBegin?.(info);
  }
  onEpochBegin(epoch: number, info: CallbackInfo): void {
    for (const p of this.parts) p.onEpochBegin?.(epoch, info);
  }
  onBatchEnd(batch: number, logs: Logs, info: CallbackInfo): void {
    for (const p of this.parts) p.onBatchEnd?.(batch, logs, info);
  }
  onEpochEnd(epoch: number, logs: Logs, info: CallbackInfo): void {
    for (const p of this.parts) p.onEpochEnd?.(epoch, logs, info);
  }
  onTrainEnd(history: History, info: CallbackInfo): void {
    for (const p of this.parts) p.onTrainEnd?.(history, info);
  }

  /** Every warning the run so far gives: what training showed, then what the configuration shows. */
  warnings(): Warning[] {
    const out = this.model === null ? [] : checkConfiguration(this.model);
    return [...this.trainingWarnings(), ...out];
  }

  private hiddenActivations(): Set<string> {
    const ids = new Set<string>();
    if (this.model === null) return ids;
    const layers = flatLayers(this.model);
    layers.slice(0, -1).forEach((l) => {
      const a = activationOf(l.getConfig() as Record<string, unknown>, l.className);
      if (a !== null) ids.add(a);
    });
    return ids;
  }

  private trainingWarnings(): Warning[] {
    const out: Warning[] = [];
    const flow = this.gradientFlow.summary();
    const acts = this.hiddenActivations();
    const saturating = [...acts].filter((a) => TWO_SIDED.has(a));
    if (flow.vanishing) {
      const remedies =
        saturating.length > 0
          ? [
              `a relu-family activation (relu, leaky_relu, elu) instead of ${saturating.join(', ')} in the hidden layers`,
              'He initialisation (he_normal) for relu-family layers',
              'BatchNormalization between the layers',
              'residual connections',
            ]
          : [
              'an initialisation that fits the activation (He for relu, LeCun for selu)',
              'BatchNormalization between the layers',
              'residual connections',
              'fewer layers',
            ];
      out.push({
        code: 'vanishing_gradients',
        message: `vanishing gradients: the first layer's gradient norm is ${formatFactor(flow.medianFirstLastRatio)} times the last layer's (median over ${this.gradientFlow.history.length} steps), so the early layers barely learn.`,
        remedies,
      });
    }
    if (flow.exploding) {
      out.push({
        code: 'exploding_gradients',
        message: `exploding gradients: ${flow.explodingReason}.`,
        remedies: [
          'gradient clipping (clipnorm = 1.0 or clipvalue = 0.5)',
          'a smaller learning rate',
          'an L2 weight penalty',
          'fewer layers',
        ],
      });
    }
    const dead = this.deadUnits.summary();
    if (
      dead.epochs > 0 &&
      (dead.dead > this.deadFraction || dead.worstLayerDead > this.deadLayerFraction)
    ) {
      const worst =
        dead.worstLayer === null ? '' : ` (${dead.worstLayer}: ${percent(dead.worstLayerDead)})`;
      const trend = dead.trend === 'stable' ? '' : `, and the fraction is ${dead.trend}`;
      out.push({
        code: 'dead_units',
        message: `dead units: ${percent(dead.dead)} of the hidden units${worst} passed no gradient on any sample of the last epoch${trend}; they can no longer learn.`,
        remedies: [
          'a lower learning rate',
          'Adam instead of plain SGD',
          'leaky_relu, elu or prelu instead of relu',
          'input scaling (--scale standardize or minmax)',
          'biases that do not start negative',
        ],
      });
    }
    const sat = this.saturation.worst();
    if (sat !== null && sat.saturated > this.saturatedFraction) {
      out.push({
        code: 'saturated_units',
        message: `saturated units: in ${sat.layer}, ${percent(sat.saturated)} of the pre-activations sit where ${sat.activation}'s slope is below 1 % of its maximum, so little gradient gets through.`,
        remedies: [
          'input scaling (standardize or minmax)',
          'an initialisation that keeps pre-activations small (Glorot for tanh and sigmoid)',
          'BatchNormalization before the activation',
          'a non-saturating activation such as relu',
        ],
      });
    }
    return out;
  }
}

/** A warning as one line of text: the finding, then the remedies. */
export function formatWarning(w: Warning): string {
  return `${w.message} Try: ${w.remedies.join('; ')}.`;
}
