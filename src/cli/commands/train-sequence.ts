/**
 * `actlab train` on a sequence task (adding, copy, sine) with a recurrent
 * model (rnn, lstm, gru, or a saved one): the loss the task needs (MSE, or
 * cross-entropy at every step for copy), JSON lines as the other data sets
 * give, and the task's input-blind baseline beside the test loss.
 */
import { UsageError } from '../../activations/errors.js';
import { loadDataset } from '../../data/load.js';
import { isSequenceTaskName, SEQUENCE_TASK_NAMES } from '../../data/sequences.js';
import { Advisor } from '../../diagnostics/index.js';
import {
  type Callback,
  getOptimizer,
  isRecurrentModelName,
  type Model,
  type OptimizerOptions,
  RECURRENT_MODEL_NAMES,
  recurrentModel,
} from '../../nn/index.js';
import { Tensor } from '../../tensor/tensor.js';
import type { CommandContext } from '../context.js';
import { stderrProgress } from '../io.js';
import { parseHidden } from './nn-options.js';
import { resolveModel } from './summary.js';
import { reportWarnings, type TrainFlags } from './train.js';
import { fitSafely, safetyFitOptions } from './train-safety.js';

/** The model for a sequence task: a recurrent one by name, or a model file or directory. */
async function sequenceModel(
  flags: TrainFlags,
  inputShape: number[],
  outputs: number,
  returnSequences: boolean,
): Promise<Model> {
  if (isRecurrentModelName(flags.model)) {
    return recurrentModel({
      kind: flags.model,
      inputShape,
      units: flags.units,
      outputs,
      outputActivation: outputs > 1 ? 'softmax' : 'linear',
      returnSequences,
      ...(flags.activation === undefined ? {} : { activation: flags.activation }),
      ...(flags.param === undefined ? {} : { activationParams: flags.param }),
      ...(flags.truncate === undefined ? {} : { truncate: flags.truncate }),
      init: flags.init,
      seed: flags.seed,
    });
  }
  if (flags.model === 'mlp' || flags.model === 'lenet5') {
    throw new UsageError(
      `--dataset ${flags.dataset} needs a recurrent model: --model ${RECURRENT_MODEL_NAMES.join(', ')}, or a model file or directory`,
    );
  }
  return resolveModel({
    model: flags.model,
    activation: flags.activation ?? 'tanh',
    params: flags.param ?? {},
    hidden: parseHidden(flags.hidden),
    seed: flags.seed,
    allowNonFinite: flags.allowNonfinite === true,
  });
}

function secs(ms: number): number {
  return Math.round(ms) / 1000;
}

export async function trainSequenceCommand(flags: TrainFlags, ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  if (!isSequenceTaskName(flags.dataset)) {
    throw new UsageError(
      `--model ${flags.model} needs a sequence data set: --dataset ${SEQUENCE_TASK_NAMES.join(', ')} (got '${flags.dataset}')`,
    );
  }
  // Checked before any work, so a wrong combination is one line of error.
  const safety = safetyFitOptions(flags, ctx);
  const ds = loadDataset(flags.dataset, {
    seed: flags.seed,
    ...(flags.seqLen === undefined ? {} : { seqLen: flags.seqLen }),
    ...(flags.samples === undefined ? {} : { samples: flags.samples }),
    ...(flags.noise === undefined ? {} : { noise: flags.noise }),
  });
  const outputs = ds.targetShape[ds.targetShape.length - 1]!;
  const model = await sequenceModel(flags, ds.inputShape, outputs, ds.returnSequences);
  const fits = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((d, i) => d === b[i]);
  if (!fits(model.inputShape, ds.inputShape) || !fits(model.outputShape, ds.targetShape)) {
    throw new UsageError(
      `model ${flags.model} maps [${model.inputShape.join(', ')}] to [${model.outputShape.join(', ')}] but ${flags.dataset} has inputs [${ds.inputShape.join(', ')}] and targets [${ds.targetShape.join(', ')}]`,
    );
  }
  const optOptions: OptimizerOptions = { learningRate: flags.lr };
  if (flags.clipnorm !== undefined) optOptions.clipnorm = flags.clipnorm;
  if (flags.clipvalue !== undefined) optOptions.clipvalue = flags.clipvalue;
  model.compile({ optimizer: getOptimizer(flags.optimizer, optOptions), loss: ds.loss });
  io.stderr.write(`${model.summary()}\n`);
  const x = new Tensor(ds.train.x, ds.train.xShape);
  const y = new Tensor(ds.train.y, ds.train.yShape);
  const xTest = new Tensor(ds.test.x, ds.test.xShape);
  const yTest = new Tensor(ds.test.y, ds.test.yShape);
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
        val_loss: logs['val_loss'] ?? null,
        seconds: secs(performance.now() - epochStart),
      };
      io.stdout.write(`${JSON.stringify(line)}\n`);
    },
  };
  const advisor = flags.diagnose === true ? new Advisor() : null;
  const t0 = performance.now();
  const history = await fitSafely(
    () =>
      model.fit(x, y, {
        batchSize: flags.batchSize,
        epochs: flags.epochs,
        validationData: [xTest, yTest],
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
  const testLoss =
    history.last('val_loss') ??
    model.evaluate(xTest, yTest, { batchSize: flags.batchSize })['loss']!;
  const final = {
    test_loss: testLoss,
    baseline_loss: ds.baselineLoss,
    params: model.countParams(),
    seconds_total: secs(performance.now() - t0),
  };
  if (json) io.stdout.write(`${JSON.stringify(final)}\n`);
  else
    io.stdout.write(
      `test_loss: ${final.test_loss.toFixed(4)} - baseline_loss: ${final.baseline_loss.toFixed(4)} (input-blind answer)\n`,
    );
  if (flags.save !== undefined) {
    await model.save(flags.save);
    io.stderr.write(`saved to ${flags.save}\n`);
  }
}
