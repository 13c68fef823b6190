/** The experiments, in the order the report shows them: one import and one entry each. */
import { biasShift } from './bias-shift.js';
import { compare } from './compare.js';
import { costExperiment } from './cost.js';
import { deadRelu } from './dead-relu.js';
import { exploding } from './exploding.js';
import { geluApproximations } from './gelu-approximations.js';
import { linearCollapse } from './linear-collapse.js';
import { lossChoice } from './loss-choice.js';
import { recurrentExperiment } from './recurrent.js';
import { selfNormalizing } from './self-normalizing.js';
import type { Experiment } from './types.js';
import { vanishing } from './vanishing.js';

export const EXPERIMENTS: readonly Experiment[] = [
  linearCollapse,
  vanishing,
  lossChoice,
  exploding,
  deadRelu,
  biasShift,
  selfNormalizing,
  recurrentExperiment,
  geluApproximations,
  costExperiment,
  compare,
];

export function experimentNames(): string[] {
  return EXPERIMENTS.map((e) => e.name);
}

export type {
  Experiment,
  ExperimentChart,
  ExperimentOptions,
  ExperimentResult,
  Tier,
} from './types.js';
