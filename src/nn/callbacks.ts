/**
 * Callbacks: hooks into fit(). Custom ones implement any of the methods; a
 * callback that sets `needsTrace` receives, for each batch, the LayerTrace
 * (per-layer pre-activations, activations and their gradients).
 */
import { UsageError } from '../activations/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { History } from './history.js';
import type { Model } from './model.js';
import type { LayerTrace } from './trace.js';

export type Logs = Readonly<Record<string, number>>;

export interface CallbackInfo {
  readonly model: Model;
  /** The batch's LayerTrace (the last batch's at epoch end); null unless a callback set needsTrace. */
  readonly trace: LayerTrace | null;
}

export interface Callback {
  /** Ask fit() to record a LayerTrace of every batch. */
  readonly needsTrace?: boolean;
  onTrainBegin?(info: CallbackInfo): void | Promise<void>;
  onEpochBegin?(epoch: number, info: CallbackInfo): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs, info: CallbackInfo): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs, info: CallbackInfo): void | Promise<void>;
  onTrainEnd?(history: History, info: CallbackInfo): void | Promise<void>;
}

type Mode = 'min' | 'max' | 'auto';

/** 'auto' is 'max' for accuracies, 'min' otherwise (as Keras). */
function improves(
  mode: Mode,
  monitor: string,
): (current: number, best: number, delta: number) => boolean {
  const m = mode === 'auto' ? (/acc/.test(monitor) ? 'max' : 'min') : mode;
  return m === 'max' ? (c, b, d) => c - d > b : (c, b, d) => c + d < b;
}

function monitored(logs: Logs, monitor: string, who: string): number {
  const v = logs[monitor];
  if (v === undefined) {
    throw new UsageError(
      `${who}: '${monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')})`,
    );
  }
  return v;
}

export interface EarlyStoppingOptions {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: Mode;
  baseline?: number;
  restoreBestWeights?: boolean;
}

/** Stops training when the monitored value has not improved for `patience` epochs. */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  private readonly better: ReturnType<typeof improves>;
  private readonly minDelta: number;
  private readonly patience: number;
  private readonly restore: boolean;
  private best = Number.NaN;
  private wait = 0;
  private bestWeights: Tensor[] | null = null;
  /** The epoch at which training was stopped (0-based), or -1. */
  stoppedEpoch = -1;

  constructor(private readonly opts: EarlyStoppingOptions = {}) {
    this.monitor = opts.monitor ?? 'val_loss';
    this.better = improves(opts.mode ?? 'auto', this.monitor);
    this.minDelta = Math.abs(opts.minDelta ?? 0);
    this.patience = opts.patience ?? 0;
    this.restore = opts.restoreBestWeights ?? false;
  }

  onTrainBegin(): void {
    this.best = this.opts.baseline ?? Number.NaN;
    this.wait = 0;
    this.stoppedEpoch = -1;
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs, { model }: CallbackInfo): void {
    const v = monitored(logs, this.monitor, 'EarlyStopping');
    if (Number.isNaN(this.best) || this.better(v, this.best, this.minDelta)) {
      this.best = v;
      this.wait = 0;
      if (this.restore) this.bestWeights = model.getWeights();
      return;
    }
    this.wait++;
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
      if (this.restore && this.bestWeights !== null) model.setWeights(this.bestWeights);
    }
  }
}

/** Stops training as soon as a batch's loss is NaN or infinite. */
export class TerminateOnNaN implements Callback {
  /** The epoch and batch where the loss stopped being finite, or null. */
  stoppedAt: { batch: number } | null = null;
  onBatchEnd(batch: number, logs: Logs, { model }: CallbackInfo): void {
    const loss = logs['loss'];
    if (loss !== undefined && !Number.isFinite(loss)) {
      this.stoppedAt = { batch };
      model.stopTraining = true;
    }
  }
}

export interface ModelCheckpointOptions {
  /** Directory to save to; `{epoch}` is replaced by the 1-based epoch number. */
  directory: string;
  monitor?: string;
  saveBestOnly?: boolean;
  mode?: Mode;
}

/** Saves the model (atomically, via model.save) after each epoch, or only when the monitored value improves. */
export class ModelCheckpoint implements Callback {
  private best = Number.NaN;
  private readonly better: ReturnType<typeof improves>;
  constructor(private readonly opts: ModelCheckpointOptions) {
    this.better = improves(opts.mode ?? 'auto', opts.monitor ?? 'val_loss');
  }
  async onEpochEnd(epoch: number, logs: Logs, { model }: CallbackInfo): Promise<void> {
    if (this.opts.saveBestOnly === true) {
      const v = monitored(logs, this.opts.monitor ?? 'val_loss', 'ModelCheckpoint');
      if (!Number.isNaN(this.best) && !this.better(v, this.best, 0)) return;
      this.best = v;
    }
    await model.save(this.opts.directory.replaceAll('{epoch}', String(epoch + 1)));
  }
}

/** Sets the learning rate at the start of each epoch from schedule(epoch, currentRate). */
export class LearningRateScheduler implements Callback {
  constructor(private readonly schedule: (epoch: number, lr: number) => number) {}
  onEpochBegin(epoch: number, { model }: CallbackInfo): void {
    const opt = model.optimizer;
    const lr = this.schedule(epoch, opt.currentLearningRate());
    if (!(Number.isFinite(lr) && lr > 0)) {
      throw new UsageError(`LearningRateScheduler: the schedule returned ${lr} for epoch ${epoch}`);
    }
    opt.learningRate = lr;
  }
}

export interface CSVLoggerOptions {
  separator?: string;
  append?: boolean;
}

/** Writes one CSV row per epoch (`epoch,loss,acc,...`) to a file (Node only). */
export class CSVLogger implements Callback {
  private keys: string[] | null = null;
  constructor(
    private readonly filename: string,
    private readonly opts: CSVLoggerOptions = {},
  ) {}
  async onTrainBegin(): Promise<void> {
    this.keys = null;
    if (this.opts.append !== true) {
      const fs = await import('node:fs/promises');
      await fs.writeFile(this.filename, '');
    }
  }
  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const fs = await import('node:fs/promises');
    const sep = this.opts.separator ?? ',';
    let text = '';
    if (this.keys === null) {
      this.keys = Object.keys(logs);
      const existing = await fs.stat(this.filename).then(
        (s) => s.size,
        () => 0,
      );
      if (existing === 0) text += `${['epoch', ...this.keys].join(sep)}\n`;
    }
    text += `${[String(epoch), ...this.keys.map((k) => String(logs[k] ?? ''))].join(sep)}\n`;
    await fs.appendFile(this.filename, text);
  }
}
