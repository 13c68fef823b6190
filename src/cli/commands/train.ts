/**
 * `actlab train`: fit a model to a data set, print a Keras progress bar and
 * summary on stderr, and with --json-log one JSON line per epoch plus a final
 * test line on stdout. --save writes the model only after training succeeded
 * (its checkpoints/ folder during training); see train-safety.ts for
 * checkpoints, --resume and the NaN guard.
 * --diagnose runs the advisor and reports its warnings (see reportWarnings).
 */
import type { Command } from 'commander';
import { UsageError } from '../../activations/errors.js';
import type { ParamValue } from '../../activations/types.js';
import { loadDataset } from '../../data/load.js';
import { isScaleMethod, SCALE_METHODS } from '../../data/scale.js';
import { isSequenceTaskName } from '../../data/sequences.js';
import type { ScaleMethod } from '../../data/types.js';
import { Advisor, formatWarning } from '../../diagnostics/index.js';
import {
  type Callback,
  getOptimizer,
  isRecurrentModelName,
  type OptimizerOptions,
} from '../../nn/index.js';
import { Tensor } from '../../tensor/tensor.js';
import type { CommandContext } from '../context.js';
import { stderrProgress } from '../io.js';
import {
  collectParam,
  parseHidden,
  parseIntOption,
  parseNonNegativeNumber,
  parsePositiveNumber,
} from './nn-options.js';
import { resolveModel } from './summary.js';
import { addSafetyOptions, fitSafely, type SafetyFlags, safetyFitOptions } from './train-safety.js';
import { trainSequenceCommand } from './train-sequence.js';

export interface TrainFlags extends SafetyFlags {
  model: string;
  dataset: string;
  data?: string;
  label?: string;
  samples?: number;
  noise?: number;
  scale: string;
  /** Default relu, tanh for the recurrent models (as Keras). */
  activation?: string;
  param?: Record<string, ParamValue>;
  hidden: string;
  seqLen?: number;
  units: number;
  truncate?: number;
  epochs: number;
  batchSize: number;
  optimizer: string;
  lr: number;
  clipnorm?: number;
  clipvalue?: number;
  init: string;
  seed: number;
  limit?: number;
  save?: string;
  jsonLog?: boolean;
  diagnose?: boolean;
}

/** Rounds seconds for the log (microsecond resolution is plenty). */
function secs(ms: number): number {
  return Math.round(ms) / 1000;
}

export async function trainCommand(flags: TrainFlags, ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  if (isSequenceTaskName(flags.dataset) || isRecurrentModelName(flags.model)) {
    await trainSequenceCommand(flags, ctx);
    return;
  }
  // Checked before any work, so a wrong combination is one line of error.
  const safety = safetyFitOptions(flags, ctx);
  if (!isScaleMethod(flags.scale)) {
    throw new UsageError(
      `--scale must be one of ${SCALE_METHODS.join(', ')} (got '${flags.scale}')`,
    );
  }
  const label =
    flags.label === undefined
      ? undefined
      : /^\d+$/.test(flags.label)
        ? Number(flags.label)
        : flags.label;
  const ds = loadDataset(flags.dataset, {
    seed: flags.seed,
    scale: flags.scale as ScaleMethod,
    ...(flags.samples === undefined ? {} : { samples: flags.samples }),
    ...(flags.noise === undefined ? {} : { noise: flags.noise }),
    ...(flags.data === undefined ? {} : { dataDir: flags.data }),
    ...(label === undefined ? {} : { label }),
    ...(flags.limit === undefined ? {} : { limit: flags.limit }),
  });
  const model = await resolveModel({
    model: flags.model,
    inputShape: ds.inputShape,
    activation: flags.activation ?? 'relu',
    params: flags.param ?? {},
    hidden: parseHidden(flags.hidden),
    classes: ds.numClasses,
    init: flags.init,
    seed: flags.seed,
    allowNonFinite: flags.allowNonfinite === true,
  });
  const optOptions: OptimizerOptions = { learningRate: flags.lr };
  if (flags.clipnorm !== undefined) optOptions.clipnorm = flags.clipnorm;
  if (flags.clipvalue !== undefined) optOptions.clipvalue = flags.clipvalue;
  model.compile({
    optimizer: getOptimizer(flags.optimizer, optOptions),
    loss: 'sparse_categorical_crossentropy',
    metrics: ['acc'],
  });
  const want = model.inputShape;
  if (want.length !== ds.inputShape.length || want.some((d, i) => d !== ds.inputShape[i])) {
    throw new UsageError(
      `model ${flags.model} expects samples of shape ${want.join(',')} but ${flags.dataset} has ${ds.inputShape.join(',')}`,
    );
  }
  io.stderr.write(`${model.summary()}\n`);
  const x = new Tensor(ds.train.x, ds.train.xShape);
  const xTest = new Tensor(ds.test.x, ds.test.xShape);
  const json = flags.jsonLog === true;
  let epochStart = performance.now();
  const logger: Callback = {
    onEpochBegin() {
      epochStart = performance.now();
    },
    onEpochEnd(epoch, logs) {
      if (!json) return;
      const line = {
        epoch: epoch + 1,
        loss: logs['loss'] ?? null,
        acc: logs['acc'] ?? null,
        val_loss: logs['val_loss'] ?? null,
        val_acc: logs['val_acc'] ?? null,
        seconds: secs(performance.now() - epochStart),
      };
      io.stdout.write(`${JSON.stringify(line)}\n`);
    },
  };
  const advisor = flags.diagnose === true ? new Advisor() : null;
  const t0 = performance.now();
  const history = await fitSafely(
    () =>
      model.fit(x, ds.train.y, {
        batchSize: flags.batchSize,
        epochs: flags.epochs,
        // As the Keras example: the held-out test split doubles as validation data.
        validationData: [xTest, ds.test.y],
        callbacks: advisor === null ? [logger] : [logger, advisor],
        verbose: 1,
        stream: stderrProgress(io),
        ...safety,
      }),
    flags,
    ctx,
  );
  if (advisor !== null) reportWarnings(advisor, json, ctx);
  // The NaN guard stopped the run (exit code 3, said on stderr); --save writes nothing.
  if (history === null) return;
  // The last epoch's validation ran on the test split with the final weights: reuse it.
  const valLoss = history.last('val_loss');
  const valAcc = history.last('val_acc');
  const test =
    valLoss !== undefined && valAcc !== undefined
      ? { loss: valLoss, acc: valAcc }
      : model.evaluate(xTest, ds.test.y, { batchSize: flags.batchSize });
  const final = {
    test_loss: test['loss']!,
    test_acc: test['acc']!,
    params: model.countParams(),
    seconds_total: secs(performance.now() - t0),
  };
  if (json) io.stdout.write(`${JSON.stringify(final)}\n`);
  else
    io.stdout.write(
      `test_loss: ${final.test_loss.toFixed(4)} - test_acc: ${final.test_acc.toFixed(4)}\n`,
    );
  if (flags.save !== undefined) {
    await model.save(flags.save);
    io.stderr.write(`saved to ${flags.save}\n`);
  }
}

/**
 * --diagnose: the advisor's warnings on stderr, and with --json-log one extra
 * JSON line each ({"warning", "code", "remedies"}) before the final test line.
 */
export function reportWarnings(advisor: Advisor, json: boolean, { io }: CommandContext): void {
  const warnings = advisor.warnings();
  if (warnings.length === 0) io.stderr.write('diagnose: no warnings\n');
  for (const w of warnings) {
    io.stderr.write(`warning: ${formatWarning(w)}\n`);
    if (json) {
      const line = { warning: w.message, code: w.code, remedies: [...w.remedies] };
      io.stdout.write(`${JSON.stringify(line)}\n`);
    }
  }
}

export function registerTrain(program: Command, ctx: CommandContext): void {
  addSafetyOptions(program.command('train'))
    .description(
      'train a model on a data set (progress on stderr; --json-log for JSON lines on stdout)',
    )
    .option(
      '--model <name>',
      'mlp, lenet5, rnn, lstm, gru, a model .json file, or a saved model directory',
      'mlp',
    )
    .option(
      '--dataset <name>',
      'spiral, circle, xor, gauss, moons, mnist, fashion-mnist, adding, copy, sine, or a .csv file',
      'spiral',
    )
    .option('--data <dir>', 'directory of the Fashion-MNIST IDX files')
    .option('--label <col>', 'CSV label column, by name or 0-based index (default: the last)')
    .option(
      '--samples <n>',
      'points of a 2-D data set (default 500)',
      parseIntOption('--samples', 2),
    )
    .option('--noise <x>', 'noise of a 2-D data set (default 0)', parseNonNegativeNumber('--noise'))
    .option('--scale <method>', 'feature scaling: minmax, standardize or none', 'none')
    .option(
      '--activation <id>',
      'hidden-layer activation, any catalogue id (default relu; tanh for rnn, lstm, gru)',
    )
    .option('--param <name=value>', 'activation parameter (repeatable)', collectParam)
    .option('--hidden <sizes>', 'mlp hidden layer sizes', '64,64')
    .option(
      '--seq-len <T>',
      'length of a sequence task (default 50)',
      parseIntOption('--seq-len', 1),
    )
    .option('--units <n>', 'units of the recurrent layer', parseIntOption('--units', 1), 32)
    .option(
      '--truncate <k>',
      'truncated backpropagation: gradients flow back at most k steps',
      parseIntOption('--truncate', 1),
    )
    .option('--epochs <n>', 'passes over the training data', parseIntOption('--epochs', 0), 10)
    .option('--batch-size <n>', 'samples per step', parseIntOption('--batch-size', 1), 256)
    .option('--optimizer <name>', 'sgd, adam, adamw, rmsprop or adagrad', 'adam')
    .option('--lr <rate>', 'learning rate', parsePositiveNumber('--lr'), 1e-3)
    .option(
      '--clipnorm <c>',
      'clip each gradient tensor to this L2 norm',
      parsePositiveNumber('--clipnorm'),
    )
    .option(
      '--clipvalue <v>',
      'clip each gradient element to [-v, v]',
      parsePositiveNumber('--clipvalue'),
    )
    .option('--init <name>', 'kernel initializer', 'glorot_uniform')
    .option(
      '--seed <n>',
      'seed of data, initialisation, shuffling and dropout',
      parseIntOption('--seed', 0),
      0,
    )
    .option('--limit <n>', 'keep at most this many training samples', parseIntOption('--limit', 1))
    .option('--save <dir>', 'write model.json and weights.safetensors here after training')
    .option('--json-log', 'JSON lines on stdout: one per epoch, then the test result')
    .option(
      '--diagnose',
      'watch gradients, dead and saturated units; print warnings with remedies (JSON lines with --json-log)',
    )
    .action(async (flags: TrainFlags) => {
      await trainCommand(flags, ctx);
    });
}
