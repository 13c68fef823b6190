/** `actlab summary`: the Keras table of a ready-made, described or saved model. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../activations/errors.js';
import type { ParamValue } from '../../activations/types.js';
import {
  LoadError,
  loadModel,
  MAX_MODEL_JSON_DEPTH,
  type Model,
  modelFromDescription,
  parseStrictJson,
} from '../../nn/index.js';
import { lenet5, mlp } from '../../nn/zoo.js';
import type { CommandContext } from '../context.js';
import { collectParam, parseHidden, parseIntOption, parseSizes } from './nn-options.js';

export interface ModelChoice {
  model: string;
  inputShape?: number[];
  activation: string;
  params: Record<string, ParamValue>;
  hidden: number[];
  classes?: number;
  init?: string;
  seed: number;
  /** Accept NaN and infinite weights in a saved model (refused by default). */
  allowNonFinite?: boolean;
}

/**
 * The model a `--model` value names: mlp, lenet5, a JSON description file,
 * or a directory written by `--save` / model.save().
 */
export async function resolveModel(c: ModelChoice): Promise<Model> {
  const common = {
    activation: c.activation,
    activationParams: c.params,
    seed: c.seed,
    ...(c.init === undefined ? {} : { init: c.init }),
  };
  try {
    if (c.model === 'mlp') {
      return mlp({
        inputShape: c.inputShape ?? [2],
        hidden: c.hidden,
        outputs: c.classes ?? 2,
        ...common,
      });
    }
    if (c.model === 'lenet5') {
      return lenet5({
        inputShape: c.inputShape ?? [32, 32, 3],
        classes: c.classes ?? 10,
        ...common,
      });
    }
    if (!existsSync(c.model)) {
      throw new UsageError(
        `--model must be mlp, lenet5, a model .json file or a saved model directory (no file '${c.model}')`,
      );
    }
    if (statSync(c.model).isDirectory())
      return await loadModel(c.model, { allowNonFinite: c.allowNonFinite === true });
    // The strict reader: a repeated key, a prototype key or deep nesting is refused, as in model.json.
    const doc = parseStrictJson(readFileSync(c.model, 'utf8'), {
      what: 'model description',
      maxDepth: MAX_MODEL_JSON_DEPTH,
    });
    return modelFromDescription(doc, { seed: c.seed });
  } catch (e) {
    // A model file that cannot be trusted is bad input too: one line, exit code 2.
    if (e instanceof LoadError) throw new UsageError(`${c.model}: ${e.message} [${e.code}]`);
    throw e;
  }
}

interface SummaryFlags {
  model: string;
  inputShape?: number[];
  activation: string;
  param?: Record<string, ParamValue>;
  hidden: string;
  classes?: number;
  init?: string;
  json?: boolean;
  allowNonfinite?: boolean;
}

export function registerSummary(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  program
    .command('summary')
    .description(
      'print the Keras summary table of a model (layers, output shapes, parameter counts)',
    )
    .option(
      '--model <name>',
      'mlp, lenet5, a model .json file, or a saved model directory',
      'lenet5',
    )
    .option(
      '--input-shape <dims>',
      'shape of one sample, e.g. 32,32,3 (default 32,32,3 for lenet5, 2 for mlp)',
      (t) => parseSizes(t, '--input-shape'),
    )
    .option('--activation <id>', 'hidden-layer activation (any catalogue id)', 'relu')
    .option('--param <name=value>', 'activation parameter (repeatable)', collectParam)
    .option('--hidden <sizes>', 'mlp hidden layer sizes', '64,64')
    .option(
      '--classes <n>',
      'output classes (default 10 for lenet5, 2 for mlp)',
      parseIntOption('--classes', 1),
    )
    .option('--init <name>', 'kernel initializer (default glorot_uniform)')
    .option('--json', 'print the table as JSON')
    .option('--allow-nonfinite', 'accept NaN and infinite weights in a saved model')
    .action(async (flags: SummaryFlags) => {
      const model = await resolveModel({
        model: flags.model,
        allowNonFinite: flags.allowNonfinite === true,
        activation: flags.activation,
        params: flags.param ?? {},
        hidden: parseHidden(flags.hidden),
        seed: 0,
        ...(flags.inputShape === undefined ? {} : { inputShape: flags.inputShape }),
        ...(flags.classes === undefined ? {} : { classes: flags.classes }),
        ...(flags.init === undefined ? {} : { init: flags.init }),
      });
      if (flags.json === true) {
        const total = model.countParams();
        const trainable = model.trainableWeights.reduce(
          (s, w) => s + w.shape.reduce((a, b) => a * b, 1),
          0,
        );
        const out = {
          name: model.name,
          className: model.className,
          layers: model.layers.map((l) => ({
            name: l.name,
            className: l.className,
            outputShape: [null, ...(l.outputShape ?? [])],
            params: l.countParams(),
          })),
          totalParams: total,
          trainableParams: trainable,
          nonTrainableParams: total - trainable,
        };
        io.stdout.write(`${JSON.stringify(out)}\n`);
        return;
      }
      io.stdout.write(`${model.summary()}\n`);
    });
}
