/**
 * "How to choose": the usual advice on activation functions, each point
 * followed by what this run measured for it. The evidence is read from the
 * experiments' JSON by field name; a point whose experiment did not run (or
 * lacks the field) keeps its advice and says that nothing was measured.
 */
import type { ExperimentResult } from '../experiments/index.js';

export interface GuideItem {
  readonly advice: string;
  /** Sentences quoting this run's figures; each names the experiment it comes from. */
  readonly evidence: readonly string[];
  /** Experiments cited, for links to their sections. */
  readonly cites: readonly string[];
}

type Results = ReadonlyMap<string, ExperimentResult>;

/** A value deep in an experiment's JSON, or undefined. */
function at(results: Results, experiment: string, ...path: (string | number)[]): unknown {
  let v: unknown = results.get(experiment)?.json;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

function num(
  results: Results,
  experiment: string,
  ...path: (string | number)[]
): number | undefined {
  const v = at(results, experiment, ...path);
  return typeof v === 'number' ? v : undefined;
}

function last(
  results: Results,
  experiment: string,
  ...path: (string | number)[]
): number | undefined {
  const v = at(results, experiment, ...path);
  return Array.isArray(v) && typeof v[v.length - 1] === 'number'
    ? (v[v.length - 1] as number)
    : undefined;
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const sci = (v: number) => v.toExponential(1);

/** Sentences whose figures were all measured; the others are dropped. */
function measured(...candidates: (string | undefined)[]): string[] {
  return candidates.filter((c): c is string => c !== undefined);
}

function when<T extends unknown[]>(
  values: { [K in keyof T]: T[K] | undefined },
  text: (...v: T) => string,
): string | undefined {
  return values.every((v) => v !== undefined) ? text(...(values as T)) : undefined;
}

function compareAcc(r: Results, id: string): number | undefined {
  return num(r, 'compare', 'results', id, 'test_acc_mean');
}

function startWithRelu(r: Results): GuideItem {
  const geluCost = num(r, 'cost', 'results', 'gelu', 'forward_relative');
  const accs = Object.entries(
    (at(r, 'compare', 'results') as Record<string, { test_acc_mean?: number }>) ?? {},
  )
    .filter(([, v]) => typeof v.test_acc_mean === 'number')
    .sort((a, b) => b[1].test_acc_mean! - a[1].test_acc_mean!);
  return {
    advice:
      'Start with ReLU in the hidden layers: the cheapest activation, a gradient of exactly 1 where it is active, and the default first choice. Watch the learning rate for dead units.',
    evidence: measured(
      when(
        [compareAcc(r, 'relu'), accs[0]?.[0], accs[0]?.[1].test_acc_mean],
        (relu, bestId, best) =>
          `compare: relu reached ${pct(relu)} test accuracy; the best activation of this run, ${bestId}, ${pct(best)}.`,
      ),
      when(
        [geluCost],
        (g) => `cost: exact GELU takes ${g.toFixed(1)}× relu's forward time through the tensor op.`,
      ),
    ),
    cites: ['compare', 'cost'],
  };
}

function avoidSigmoid(r: Results): GuideItem {
  return {
    advice:
      'Avoid sigmoid (and, less so, tanh) in hidden layers of deep networks: σ′ ≤ 1/4 shrinks the gradient at every layer, and sigmoid outputs are never zero-centred. Keep the sigmoid for binary outputs and gates.',
    evidence: measured(
      when(
        [
          num(r, 'vanishing', 'results', 'sigmoid', '20', 'first_last_ratio'),
          num(r, 'vanishing', 'results', 'relu', '20', 'first_last_ratio'),
        ],
        (s, relu) =>
          `vanishing: at depth 20 the first layer's gradient norm is ${sci(s)} of the last layer's with sigmoid, ${sci(relu)} with relu.`,
      ),
      when(
        [compareAcc(r, 'sigmoid'), compareAcc(r, 'tanh'), compareAcc(r, 'relu')],
        (s, t, relu) =>
          `compare: sigmoid ${pct(s)}, tanh ${pct(t)}, relu ${pct(relu)} test accuracy after the same budget.`,
      ),
    ),
    cites: ['vanishing', 'compare'],
  };
}

function deadUnits(r: Results): GuideItem {
  return {
    advice:
      'If ReLU units die (a high learning rate or a bias pushed negative), lower the learning rate or switch to leaky ReLU, ELU or PReLU: their negative side keeps a gradient.',
    evidence: measured(
      when(
        [
          last(r, 'dead-relu', 'results', 'high_lr', 'relu', 'dead_fraction'),
          last(r, 'dead-relu', 'results', 'high_lr', 'leaky_relu', 'dead_fraction'),
          last(r, 'dead-relu', 'results', 'high_lr', 'leaky_relu', 'negative_fraction'),
        ],
        (relu, leaky, neg) =>
          `dead-relu: with a high learning rate ${pct(relu)} of relu units ended dead; leaky_relu ${pct(leaky)} dead while ${pct(neg)} sat in the negative region, still learning.`,
      ),
      when(
        [
          num(r, 'compare', 'results', 'relu', 'dead_fraction'),
          num(r, 'compare', 'results', 'leaky_relu', 'dead_fraction'),
        ],
        (relu, leaky) =>
          `compare: ${pct(relu)} of relu's hidden units were dead in the last epoch, ${pct(leaky)} of leaky_relu's.`,
      ),
    ),
    cites: ['dead-relu', 'compare'],
  };
}

function deepNetworks(r: Results): GuideItem {
  return {
    advice:
      'For deep plain stacks, SELU with lecun_normal initialisation (and AlphaDropout, never plain Dropout) keeps activations near mean 0 and variance 1; otherwise use batch normalisation or residual connections.',
    evidence: measured(
      when(
        [
          last(r, 'self-normalizing', 'results', 'selu', 'means'),
          last(r, 'self-normalizing', 'results', 'selu', 'variances'),
          last(r, 'self-normalizing', 'results', 'relu', 'variances'),
        ],
        (m, v, reluV) =>
          `self-normalizing: at layer 32 SELU's activations have mean ${m.toFixed(3)} and variance ${v.toFixed(3)}; relu's variance is ${reluV.toPrecision(3)}.`,
      ),
      when(
        [
          last(r, 'self-normalizing', 'results', 'selu_alpha_dropout', 'variances'),
          last(r, 'self-normalizing', 'results', 'selu_dropout', 'variances'),
        ],
        (alpha, plain) =>
          `self-normalizing: variance at layer 32 with AlphaDropout ${alpha.toFixed(3)}, with plain Dropout ${plain.toFixed(3)}.`,
      ),
    ),
    cites: ['self-normalizing'],
  };
}

function exploding(r: Results): GuideItem {
  const remedies = at(r, 'exploding') as Record<string, { nan?: boolean }> | undefined;
  const finite =
    remedies === undefined
      ? undefined
      : Object.entries(remedies)
          .filter(
            ([k, v]) => k !== 'none' && typeof v === 'object' && v !== null && v.nan === false,
          )
          .map(([k]) => k);
  return {
    advice:
      'If the loss jumps or becomes NaN, the gradients explode: clip them (clipnorm = 1.0 or clipvalue = 0.5), lower the learning rate, add an L2 penalty or use fewer layers.',
    evidence: measured(
      when(
        [remedies?.['none']?.nan, finite],
        (none, ok) =>
          `exploding: without a remedy the loss ${none ? 'became non-finite' : 'stayed finite'}; it stayed finite with ${ok.length > 0 ? ok.join(', ') : 'none of the remedies'}.`,
      ),
    ),
    cites: ['exploding'],
  };
}

function outputLoss(r: Results): GuideItem {
  const first = r.get('loss-choice')?.reading[0];
  return {
    advice:
      'Train a sigmoid (or softmax) output with cross-entropy, not mean squared error: the cross-entropy gradient stays large when the unit is confidently wrong.',
    evidence: first === undefined ? [] : [`loss-choice: ${first}`],
    cites: ['loss-choice'],
  };
}

function geluForm(r: Results): GuideItem {
  return {
    advice:
      'GELU for Transformer-like models: the tanh form is practically exact; the sigmoid form x·σ(1.702x) is a different, cruder function.',
    evidence: measured(
      when(
        [
          num(r, 'gelu-approximations', 'forms', 'tanh', 'max_abs_error'),
          num(r, 'gelu-approximations', 'forms', 'sigmoid', 'max_abs_error'),
        ],
        (t, s) =>
          `gelu-approximations: largest error ${sci(t)} for the tanh form, ${sci(s)} for the sigmoid form.`,
      ),
    ),
    cites: ['gelu-approximations'],
  };
}

function regularising(r: Results): GuideItem {
  const gap = (id: string) => num(r, 'compare', 'results', id, 'train_test_gap');
  return {
    advice:
      "RReLU's random slopes can help when a model overfits; PReLU's learnt slopes pay off with plenty of data. Measure on your task: results vary.",
    evidence: measured(
      when(
        [gap('rrelu'), gap('leaky_relu'), gap('prelu')],
        (rr, lk, pr) =>
          `compare: train − test accuracy gap ${pct(rr)} for rrelu, ${pct(lk)} for leaky_relu, ${pct(pr)} for prelu (run it with --train-size to sweep the data size).`,
      ),
    ),
    cites: ['compare'],
  };
}

export function guideItems(results: Results): GuideItem[] {
  return [
    startWithRelu(results),
    avoidSigmoid(results),
    deadUnits(results),
    deepNetworks(results),
    exploding(results),
    outputLoss(results),
    geluForm(results),
    regularising(results),
  ];
}
