/**
 * Learning-rate schedules: the rate as a function of the optimizer's step
 * counter (0 for the first update), as Keras's LearningRateSchedule.
 */
import { UsageError } from '../activations/errors.js';
import type { JsonObject } from './json.js';

export interface LearningRateSchedule {
  readonly name: 'step_decay' | 'exponential_decay' | 'cosine_decay';
  readonly config: JsonObject;
  at(step: number): number;
}

function positive(name: string, key: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) {
    throw new UsageError(`${name}: ${key} must be a finite number > 0 (got ${v})`);
  }
  return v;
}

/** lr · factor^⌊step / stepSize⌋: the rate drops by `factor` every `stepSize` updates. */
export function stepDecay(opts: {
  initialLearningRate: number;
  stepSize: number;
  factor?: number;
}): LearningRateSchedule {
  const lr0 = positive('step_decay', 'initialLearningRate', opts.initialLearningRate);
  const stepSize = positive('step_decay', 'stepSize', opts.stepSize);
  const factor = positive('step_decay', 'factor', opts.factor ?? 0.5);
  return {
    name: 'step_decay',
    config: { initialLearningRate: lr0, stepSize, factor },
    at: (step) => lr0 * factor ** Math.floor(step / stepSize),
  };
}

/** lr · rate^(step / decaySteps), the exponent floored when staircase. */
export function exponentialDecay(opts: {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
}): LearningRateSchedule {
  const lr0 = positive('exponential_decay', 'initialLearningRate', opts.initialLearningRate);
  const decaySteps = positive('exponential_decay', 'decaySteps', opts.decaySteps);
  const decayRate = positive('exponential_decay', 'decayRate', opts.decayRate);
  const staircase = opts.staircase ?? false;
  return {
    name: 'exponential_decay',
    config: { initialLearningRate: lr0, decaySteps, decayRate, staircase },
    at: (step) => {
      const p = step / decaySteps;
      return lr0 * decayRate ** (staircase ? Math.floor(p) : p);
    },
  };
}

/** Half a cosine from lr down to alpha·lr over decaySteps, then flat (Loshchilov & Hutter, SGDR). */
export function cosineDecay(opts: {
  initialLearningRate: number;
  decaySteps: number;
  alpha?: number;
}): LearningRateSchedule {
  const lr0 = positive('cosine_decay', 'initialLearningRate', opts.initialLearningRate);
  const decaySteps = positive('cosine_decay', 'decaySteps', opts.decaySteps);
  const alpha = opts.alpha ?? 0;
  if (!(alpha >= 0 && alpha <= 1))
    throw new UsageError(`cosine_decay: alpha must be in [0, 1] (got ${alpha})`);
  return {
    name: 'cosine_decay',
    config: { initialLearningRate: lr0, decaySteps, alpha },
    at: (step) => {
      const cosine = 0.5 * (1 + Math.cos((Math.PI * Math.min(step, decaySteps)) / decaySteps));
      return lr0 * ((1 - alpha) * cosine + alpha);
    },
  };
}
