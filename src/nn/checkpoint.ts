/**
 * Training checkpoints, so an interrupted run continues bitwise as if it had
 * never stopped. A checkpoint is one safetensors file, `ckpt-NNNNNN.safetensors`:
 *
 * - tensors `weights/<layer>/<weight>` (every weight, batch-norm moving
 *   statistics included) and `optimizer/<layer>/<weight>/<i>` (the optimizer's
 *   slots: moments, accumulators);
 * - `__metadata__.state`: JSON of where training stands (epoch, batch in the
 *   epoch, the Random states needed to redraw the epoch's shuffle and continue
 *   the stream, the optimizer's step count and learning rate, the epoch's
 *   running sums);
 * - `__metadata__.sha256`: SHA-256 over the state and every tensor's name,
 *   dtype, shape and bytes, so a damaged or edited file is refused.
 *
 * Files are written atomically (temporary file, fsync, rename, fsync of the
 * directory) under increasing numbers, and the newest two are kept: if the
 * newest is damaged, resuming falls back to the one before and says so.
 * Node's file and hash modules are imported on use, so this module loads in
 * browsers too.
 */
import { UsageError } from '../activations/errors.js';
import type { Random, RandomState } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { allFinite } from './finite.js';
import { LoadError, quoteName } from './io/load-error.js';
import {
  encodeSafetensors,
  type NamedArray,
  readSafetensorsHeader,
  readTensor,
  type SafetensorsHeader,
} from './io/safetensors.js';
import { parseStrictJson } from './io/strict-json.js';
import type { Model } from './model.js';
import type { Optimizer } from './optimizers.js';

export const CHECKPOINT_FORMAT = 'actlab-checkpoint';
export const CHECKPOINT_VERSION = 1;
/** Subdirectory of a `--save` directory that holds its checkpoints. */
export const CHECKPOINT_SUBDIR = 'checkpoints';
/** Checkpoints kept in a directory: the newest and the one before it. */
export const KEEP_CHECKPOINTS = 2;

const FILE_PATTERN = /^ckpt-(\d{6,15})\.safetensors$/;
const TEMP_PATTERN = /^ckpt-\d{6,15}\.safetensors\.tmp-/;

export interface RandomSnapshot {
  readonly words: RandomState;
  readonly spare: number | null;
}

/** Where training stands: everything fit() needs to continue as if it had never stopped. */
export interface TrainingState {
  /** Epochs completed. */
  readonly epoch: number;
  /** Batches done in the current epoch (0 at an epoch boundary). */
  readonly step: number;
  /** Batches done since training began (the every-N-batches cadence continues from it). */
  readonly batchesDone: number;
  readonly batchSize: number;
  /** Training samples per epoch. */
  readonly samples: number;
  readonly shuffle: boolean;
  /** The run's Random just before this epoch's shuffle was drawn (mid-epoch only). */
  readonly epochRng: RandomSnapshot | null;
  /** The run's Random (shuffling, dropout, RReLU) now. */
  readonly rng: RandomSnapshot;
  /** The model's own Random now (the same as rng unless fit() was given a seed). */
  readonly modelRng: RandomSnapshot;
  /** The epoch's running sums, so its logged loss and metrics come out the same. */
  readonly lossSum: number;
  readonly metricSums: readonly number[];
  readonly seen: number;
  readonly optimizer: {
    readonly name: string;
    /** Updates applied so far: Adam's bias correction and every schedule read it. */
    readonly iterations: number;
    /** The rate when it is a plain number (a callback may have changed it); null for a schedule. */
    readonly learningRate: number | null;
  };
}

export interface Checkpoint {
  readonly path: string;
  readonly state: TrainingState;
  readonly tensors: ReadonlyMap<string, NamedArray>;
}

/** `after epoch 3` or `epoch 4, batch 17`, for messages (1-based, as the progress bar counts). */
export function describePosition(s: Pick<TrainingState, 'epoch' | 'step'>): string {
  return s.step === 0 ? `after epoch ${s.epoch}` : `epoch ${s.epoch + 1}, batch ${s.step}`;
}

function stateFail(path: string, msg: string): never {
  throw new LoadError('bad-state', `checkpoint ${baseName(path)}: ${msg}`);
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

// ---- the state as JSON --------------------------------------------------------------------

/** JSON has no NaN or Infinity; a diverged run's running loss may be either. */
function encodeNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

function decodeNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

function encodeState(s: TrainingState): string {
  return JSON.stringify({
    ...s,
    lossSum: encodeNumber(s.lossSum),
    metricSums: s.metricSums.map(encodeNumber),
  });
}

type Fields = Record<string, unknown>;

function isFields(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function count(path: string, o: Fields, key: string, min = 0): number {
  const v = o[key];
  if (!Number.isSafeInteger(v) || (v as number) < min)
    stateFail(path, `${key} must be an integer >= ${min} (got ${JSON.stringify(v)})`);
  return v as number;
}

function randomSnapshot(path: string, v: unknown, key: string): RandomSnapshot {
  if (!isFields(v)) stateFail(path, `${key} is not a Random state`);
  const words = v['words'];
  // The generator's words are 32-bit values held signed or unsigned; all zero would stick at zero.
  if (
    !Array.isArray(words) ||
    words.length !== 4 ||
    !words.every((w) => Number.isInteger(w) && w >= -(2 ** 31) && w < 2 ** 32) ||
    words.every((w) => w === 0)
  ) {
    stateFail(path, `${key}.words must be four 32-bit integers, not all zero`);
  }
  const spare = v['spare'];
  if (spare !== null && !(typeof spare === 'number' && Number.isFinite(spare)))
    stateFail(path, `${key}.spare must be a finite number or null`);
  return { words: words as unknown as RandomState, spare: spare as number | null };
}

function decodeState(path: string, text: string): TrainingState {
  const doc = parseStrictJson(text, { what: `checkpoint ${baseName(path)} state`, maxDepth: 4 });
  if (!isFields(doc)) stateFail(path, 'state is not a JSON object');
  const opt = doc['optimizer'];
  if (!isFields(opt) || typeof opt['name'] !== 'string')
    stateFail(path, 'optimizer must be {name, iterations, learningRate}');
  const lr = opt['learningRate'];
  if (lr !== null && !(typeof lr === 'number' && Number.isFinite(lr) && lr > 0))
    stateFail(path, 'optimizer.learningRate must be a number > 0 or null');
  const lossSum = decodeNumber(doc['lossSum']);
  if (lossSum === undefined) stateFail(path, 'lossSum must be a number');
  const sums = doc['metricSums'];
  if (!Array.isArray(sums)) stateFail(path, 'metricSums must be a list of numbers');
  const metricSums = sums.map((v) => {
    const n = decodeNumber(v);
    if (n === undefined) stateFail(path, 'metricSums must be a list of numbers');
    return n;
  });
  if (typeof doc['shuffle'] !== 'boolean') stateFail(path, 'shuffle must be true or false');
  const step = count(path, doc, 'step');
  const epochRng =
    doc['epochRng'] === null ? null : randomSnapshot(path, doc['epochRng'], 'epochRng');
  if (step > 0 && doc['shuffle'] === true && epochRng === null)
    stateFail(path, 'a mid-epoch checkpoint of a shuffled run needs epochRng');
  return {
    epoch: count(path, doc, 'epoch'),
    step,
    batchesDone: count(path, doc, 'batchesDone'),
    batchSize: count(path, doc, 'batchSize', 1),
    samples: count(path, doc, 'samples', 1),
    shuffle: doc['shuffle'],
    epochRng,
    rng: randomSnapshot(path, doc['rng'], 'rng'),
    modelRng: randomSnapshot(path, doc['modelRng'], 'modelRng'),
    lossSum,
    metricSums,
    seen: count(path, doc, 'seen'),
    optimizer: {
      name: opt['name'] as string,
      iterations: count(path, opt, 'iterations'),
      learningRate: lr as number | null,
    },
  };
}

// ---- checksum -------------------------------------------------------------------------------

/** SHA-256 over the state and each tensor's name, dtype, shape and bytes, in name order. */
async function contentDigest(buf: Uint8Array, header: SafetensorsHeader, state: string) {
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256');
  h.update(`${CHECKPOINT_FORMAT} ${CHECKPOINT_VERSION}\n${state}\n`);
  for (const e of header.entries) {
    // Names hold no control characters (the header reader refuses them), so tabs and newlines separate.
    h.update(`${e.name}\t${e.dtype}\t${e.shape.join(',')}\n`);
    h.update(buf.subarray(header.dataStart + e.begin, header.dataStart + e.end));
  }
  return h.digest('hex');
}

// ---- writing --------------------------------------------------------------------------------

const WEIGHT_PREFIX = 'weights/';
const SLOT_PREFIX = 'optimizer/';

function asNamed(t: Tensor | Float32Array | Float64Array, shape: readonly number[]): NamedArray {
  const data = t instanceof Tensor ? t.data : t;
  return { dtype: data instanceof Float64Array ? 'F64' : 'F32', shape, data };
}

/** The numbered checkpoint files in dir, newest first. */
async function listCheckpoints(dir: string): Promise<{ seq: number; path: string }[]> {
  const { readdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .map((n) => ({ m: FILE_PATTERN.exec(n), n }))
    .filter((x) => x.m !== null)
    .map((x) => ({ seq: Number(x.m![1]), path: join(dir, x.n) }))
    .sort((a, b) => b.seq - a.seq);
}

/**
 * Writes a checkpoint of the model, its optimizer and the training state into
 * dir as the next numbered file, then removes all but the newest `keep`
 * (and temporary files a killed writer left behind). Returns its path.
 */
export async function writeCheckpoint(
  dir: string,
  model: Model,
  optimizer: Optimizer,
  state: TrainingState,
  keep = KEEP_CHECKPOINTS,
): Promise<string> {
  const { mkdir, readdir, rm } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { writeFileAtomic } = await import('./save.js');
  await mkdir(dir, { recursive: true });
  const tensors = new Map<string, NamedArray>();
  for (const w of model.weights) tensors.set(WEIGHT_PREFIX + w.path, asNamed(w.tensor, w.shape));
  for (const w of model.trainableWeights) {
    optimizer.slotsOf(w.tensor).forEach((slot, i) => {
      tensors.set(`${SLOT_PREFIX}${w.path}/${i}`, asNamed(slot, w.shape));
    });
  }
  const stateText = encodeState(state);
  const meta = {
    format: CHECKPOINT_FORMAT,
    formatVersion: String(CHECKPOINT_VERSION),
    state: stateText,
  };
  // The digest is taken over the encoded bytes, so writer and reader hash exactly the same thing.
  const draft = encodeSafetensors(tensors, meta);
  const sha256 = await contentDigest(draft, readSafetensorsHeader(draft), stateText);
  const bytes = encodeSafetensors(tensors, { ...meta, sha256 });
  const existing = await listCheckpoints(dir);
  const seq = (existing[0]?.seq ?? 0) + 1;
  const path = join(dir, `ckpt-${String(seq).padStart(6, '0')}.safetensors`);
  await writeFileAtomic(path, bytes);
  for (const old of existing.slice(Math.max(0, keep - 1))) await rm(old.path, { force: true });
  for (const name of await readdir(dir)) {
    if (TEMP_PATTERN.test(name)) await rm(join(dir, name), { force: true });
  }
  return path;
}

// ---- reading --------------------------------------------------------------------------------

/** Reads one checkpoint file: its header validated, its checksum verified, its state parsed. */
export async function readCheckpoint(path: string): Promise<Checkpoint> {
  const { readFile } = await import('node:fs/promises');
  const raw = await readFile(path).catch(() => null);
  if (raw === null) throw new UsageError(`cannot read checkpoint '${path}'`);
  return decodeCheckpoint(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength), path);
}

/** The checks of readCheckpoint on bytes already in memory; `path` names it in messages. */
export async function decodeCheckpoint(buf: Uint8Array, path: string): Promise<Checkpoint> {
  const name = baseName(path);
  let header: SafetensorsHeader;
  try {
    header = readSafetensorsHeader(buf);
  } catch (e) {
    if (e instanceof LoadError) throw new LoadError(e.code, `checkpoint ${name}: ${e.message}`);
    throw e;
  }
  const meta = header.metadata;
  if (meta['format'] !== CHECKPOINT_FORMAT || meta['formatVersion'] !== String(CHECKPOINT_VERSION))
    throw new LoadError(
      'bad-format',
      `checkpoint ${name}: not an ${CHECKPOINT_FORMAT} file, version ${CHECKPOINT_VERSION}`,
    );
  const sha = meta['sha256'];
  const stateText = meta['state'];
  if (sha === undefined || !/^[0-9a-f]{64}$/.test(sha) || stateText === undefined)
    throw new LoadError('bad-format', `checkpoint ${name}: no state or SHA-256 in its metadata`);
  if ((await contentDigest(buf, header, stateText)) !== sha) {
    throw new LoadError(
      'checksum',
      `checkpoint ${name}: SHA-256 mismatch, the file is damaged or was changed`,
    );
  }
  const state = decodeState(path, stateText);
  const tensors = new Map<string, NamedArray>();
  for (const e of header.entries) tensors.set(e.name, readTensor(buf, header, e));
  return { path, state, tensors };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export interface ResumeOptions {
  /** Accept NaN and infinite values in the checkpoint (refused by default). */
  readonly allowNonFinite?: boolean;
}

/**
 * Checks that a checkpoint fits this model and optimizer: the same weights
 * with the same shapes, slots only for trainable weights, numbered from 0,
 * the same optimizer, finite values. Nothing is changed.
 */
export function checkCheckpointFits(
  ckpt: Checkpoint,
  model: Model,
  optimizer: Optimizer,
  opts: ResumeOptions = {},
): void {
  const name = baseName(ckpt.path);
  function fail(
    code: 'missing-tensor' | 'unexpected-tensor' | 'shape-mismatch',
    msg: string,
  ): never {
    throw new LoadError(code, `checkpoint ${name}: ${msg}`);
  }
  if (ckpt.state.optimizer.name !== optimizer.name) {
    stateFail(
      ckpt.path,
      `it was written by optimizer ${quoteName(ckpt.state.optimizer.name)}, this run uses '${optimizer.name}'`,
    );
  }
  const shapes = new Map<string, readonly number[]>();
  for (const w of model.weights) shapes.set(WEIGHT_PREFIX + w.path, w.shape);
  const trainable = new Map(model.trainableWeights.map((w) => [w.path, w.shape]));
  const slotCounts = new Map<string, number>();
  for (const [key, t] of ckpt.tensors) {
    let want = shapes.get(key);
    if (want === undefined && key.startsWith(SLOT_PREFIX)) {
      const cut = key.lastIndexOf('/');
      const path = key.slice(SLOT_PREFIX.length, cut);
      const index = key.slice(cut + 1);
      want = /^(0|[1-9]\d{0,2})$/.test(index) ? trainable.get(path) : undefined;
      if (want !== undefined)
        slotCounts.set(path, Math.max(slotCounts.get(path) ?? 0, Number(index) + 1));
    }
    if (want === undefined)
      fail(
        'unexpected-tensor',
        `tensor ${quoteName(key)} is not part of this model or its optimizer`,
      );
    if (!sameShape(t.shape, want)) {
      fail(
        'shape-mismatch',
        `${quoteName(key)} has shape [${t.shape.join(', ')}], this model needs [${want.join(', ')}]`,
      );
    }
    if (opts.allowNonFinite !== true && !allFinite(t.data)) {
      throw new LoadError(
        'non-finite',
        `checkpoint ${name}: ${quoteName(key)} holds NaN or infinite values`,
      );
    }
  }
  for (const key of shapes.keys()) {
    if (!ckpt.tensors.has(key))
      fail('missing-tensor', `the model's ${quoteName(key)} is not in it`);
  }
  for (const [path, n] of slotCounts) {
    for (let i = 0; i < n; i++) {
      if (!ckpt.tensors.has(`${SLOT_PREFIX}${path}/${i}`))
        fail('missing-tensor', `optimizer slot ${i} of ${quoteName(path)} is missing`);
    }
  }
}

/**
 * Puts a checkpoint into a model, its optimizer and the run's Random (the
 * model's own Random too). Weights get new tensors, so the optimizer's slots
 * are filled for those; call before collecting the trainable tensors.
 */
export function applyCheckpoint(
  ckpt: Checkpoint,
  model: Model,
  optimizer: Optimizer,
  rng: Random,
): void {
  for (const w of model.weights) {
    const t = ckpt.tensors.get(WEIGHT_PREFIX + w.path)!;
    const data = model.dtype === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data);
    w.assign(new Tensor(data, w.shape));
  }
  for (const w of model.trainableWeights) {
    const slots = optimizer.slotsOf(w.tensor);
    const saved = slots.map((_, i) => ckpt.tensors.get(`${SLOT_PREFIX}${w.path}/${i}`));
    const extra = ckpt.tensors.has(`${SLOT_PREFIX}${w.path}/${slots.length}`);
    if (saved.some((s) => s === undefined) || extra) {
      stateFail(
        ckpt.path,
        `optimizer '${optimizer.name}' keeps ${slots.length} slot(s) for ${quoteName(w.path)}, the checkpoint a different number (other optimizer settings?)`,
      );
    }
    slots.forEach((s, i) => {
      s.set(saved[i]!.data);
    });
  }
  const s = ckpt.state;
  optimizer.iterations = s.optimizer.iterations;
  if (s.optimizer.learningRate !== null) optimizer.learningRate = s.optimizer.learningRate;
  model.rng.setState(s.modelRng);
  rng.setState(s.rng);
}

/** A refused checkpoint file and why. */
export interface RefusedCheckpoint {
  readonly path: string;
  readonly error: LoadError;
}

/** Where checkpoints of `dir` live: dir/checkpoints when a saved-model directory, else dir itself. */
export async function checkpointDirectory(dir: string): Promise<string> {
  const { stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const sub = join(dir, CHECKPOINT_SUBDIR);
  const info = await stat(sub).catch(() => null);
  return info?.isDirectory() === true ? sub : dir;
}

/**
 * The newest checkpoint in `from` (a directory, or one checkpoint file) that
 * passes every check and fits the model; damaged newer ones are returned in
 * `refused`, so the caller can say which one was used instead. A LoadError
 * naming each file's fault when none is usable.
 */
export async function findResumeCheckpoint(
  from: string,
  model: Model,
  optimizer: Optimizer,
  opts: ResumeOptions = {},
): Promise<{ checkpoint: Checkpoint; refused: RefusedCheckpoint[] }> {
  const { stat } = await import('node:fs/promises');
  const info = await stat(from).catch(() => null);
  if (info === null) throw new UsageError(`no checkpoint directory or file '${from}'`);
  const dir = info.isDirectory() ? await checkpointDirectory(from) : null;
  const candidates = dir === null ? [from] : (await listCheckpoints(dir)).map((c) => c.path);
  if (candidates.length === 0)
    throw new UsageError(`no checkpoint (ckpt-*.safetensors) in '${dir}'`);
  const refused: RefusedCheckpoint[] = [];
  for (const path of candidates) {
    try {
      const checkpoint = await readCheckpoint(path);
      checkCheckpointFits(checkpoint, model, optimizer, opts);
      return { checkpoint, refused };
    } catch (e) {
      if (!(e instanceof LoadError)) throw e;
      refused.push({ path, error: e });
    }
  }
  const first = refused[0]!.error;
  throw new LoadError(
    first.code,
    refused.length === 1
      ? first.message
      : `no usable checkpoint in '${dir}': ${refused.map((r) => r.error.message).join('; ')}`,
  );
}
