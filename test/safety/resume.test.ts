import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  BatchNormalization,
  Dense,
  Dropout,
  exponentialDecay,
  type FitOptions,
  Input,
  LoadError,
  type Model,
  readCheckpoint,
  Sequential,
  SGD,
  weightsToSafetensors,
} from '../../src/nn/index.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { cli, expectUsageError } from '../cli/harness.js';
import { actlab } from './child.js';

/** 70 points in 4-D, labelled by the sign of a fixed projection: 7 batches of 10. */
function data(): { x: Tensor; y: Int32Array } {
  const r = new Random(42);
  const n = 70;
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < 4; j++) {
      x[i * 4 + j] = r.normal();
      s += x[i * 4 + j]! * (j + 1);
    }
    y[i] = s > 0 ? 1 : 0;
  }
  return { x: new Tensor(x, [n, 4]), y };
}

/** Dropout draws from the Random and batch norm keeps moving statistics: both must resume exactly. */
function model(optimizer: 'adam' | 'sgd'): Model {
  const m = new Sequential(
    [
      Input({ shape: [4], name: 'x' }),
      new Dense({ name: 'd1', units: 8, activation: 'relu' }),
      new BatchNormalization({ name: 'bn' }),
      new Dropout({ name: 'drop', rate: 0.3 }),
      new Dense({ name: 'd2', units: 2, activation: 'softmax' }),
    ],
    { seed: 7 },
  );
  m.compile({
    optimizer:
      optimizer === 'adam'
        ? new Adam({ learningRate: 0.01 })
        : new SGD({
            momentum: 0.9,
            learningRate: exponentialDecay({
              initialLearningRate: 0.05,
              decaySteps: 5,
              decayRate: 0.5,
            }),
          }),
    loss: 'sparse_categorical_crossentropy',
    metrics: ['acc'],
  });
  return m;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `actlab-${p}-`));
const { x, y } = data();
const base: FitOptions = { epochs: 3, batchSize: 10, verbose: 0 };

/** Trains until the callback throws at (epoch, batch), as a crash would stop it. */
async function crashAt(m: Model, opts: FitOptions, epoch: number, batch: number): Promise<void> {
  let current = -1;
  const crash = {
    onEpochBegin: (e: number) => {
      current = e;
    },
    onBatchEnd: (b: number) => {
      if (current === epoch && b === batch) throw new Error('simulated crash');
    },
  };
  await expect(m.fit(x, y, { ...opts, callbacks: [crash] })).rejects.toThrow('simulated crash');
}

for (const opt of ['adam', 'sgd'] as const) {
  describe(`resuming a run (${opt === 'adam' ? 'Adam' : 'SGD with momentum and a decaying rate'}) ends bitwise where an uninterrupted run ends`, async () => {
    const whole = model(opt);
    const history = await whole.fit(x, y, base);
    const expected = sha256(weightsToSafetensors(whole));

    it('from an epoch boundary', async () => {
      const dir = tmp('resume-epoch');
      await model(opt).fit(x, y, { ...base, epochs: 1, checkpointDir: dir });
      const resumed = model(opt);
      const h = await resumed.fit(x, y, { ...base, resumeFrom: dir });
      expect(sha256(weightsToSafetensors(resumed))).toBe(expected);
      expect(h.history['loss']).toEqual(history.history['loss']!.slice(1));
    });

    it('from the middle of an epoch, with its running loss and accuracy', async () => {
      const dir = tmp('resume-mid');
      // Checkpoints every 3 batches: the last before the crash is after batch 9 (epoch 2, batch 2).
      await crashAt(model(opt), { ...base, checkpointDir: dir, checkpointEvery: 3 }, 1, 3);
      const newest = readdirSync(dir).sort().pop()!;
      expect((await readCheckpoint(join(dir, newest))).state).toMatchObject({ epoch: 1, step: 2 });
      const resumed = model(opt);
      const h = await resumed.fit(x, y, { ...base, resumeFrom: dir });
      expect(sha256(weightsToSafetensors(resumed))).toBe(expected);
      expect(h.history['loss']).toEqual(history.history['loss']!.slice(1));
      expect(h.history['acc']).toEqual(history.history['acc']!.slice(1));
    });
  });
}

describe('a damaged newest checkpoint', () => {
  /** A run checkpointed every 2 batches, stopped in epoch 2; returns the directory. */
  async function twoCheckpoints(): Promise<string> {
    const dir = tmp('damaged');
    await crashAt(model('adam'), { ...base, checkpointDir: dir, checkpointEvery: 2 }, 1, 4);
    return dir;
  }

  it('leaves exactly the newest two checkpoints in the directory', async () => {
    const files = readdirSync(await twoCheckpoints());
    expect(files.filter((f) => f.startsWith('ckpt-'))).toHaveLength(2);
  });

  it('is refused when truncated, and the previous one is used, with a warning that says so', async () => {
    const dir = await twoCheckpoints();
    const [previous, newest] = readdirSync(dir).sort();
    truncateSync(join(dir, newest!), 300);
    const warnings: string[] = [];
    const resumed = model('adam');
    await resumed.fit(x, y, { ...base, resumeFrom: dir, warn: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${newest} refused`);
    expect(warnings[0]).toContain(`resuming from the previous one, ${join(dir, previous!)}`);
    const whole = model('adam');
    await whole.fit(x, y, base);
    expect(sha256(weightsToSafetensors(resumed))).toBe(sha256(weightsToSafetensors(whole)));
  });

  it('is refused by its checksum when one byte of a weight changed', async () => {
    const dir = await twoCheckpoints();
    const newest = join(dir, readdirSync(dir).sort().pop()!);
    const bytes = readFileSync(newest);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(newest, bytes);
    await expect(readCheckpoint(newest)).rejects.toMatchObject({ code: 'checksum' });
  });

  it('leaves a clear error naming each file when no checkpoint is intact', async () => {
    const dir = await twoCheckpoints();
    for (const f of readdirSync(dir)) truncateSync(join(dir, f), 100);
    const failure = model('adam').fit(x, y, { ...base, resumeFrom: dir });
    await expect(failure).rejects.toThrow(LoadError);
    await expect(failure).rejects.toThrow(/no usable checkpoint .*ckpt-\d+.*; .*ckpt-\d+/);
  });

  it('is ignored when it is only a temporary file a killed writer left', async () => {
    const dir = await twoCheckpoints();
    writeFileSync(join(dir, 'ckpt-000099.safetensors.tmp-1234'), 'half a file');
    const resumed = model('adam');
    const warnings: string[] = [];
    await resumed.fit(x, y, { ...base, resumeFrom: dir, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
  });
});

describe('a checkpoint that does not fit the run', () => {
  it('is refused when the architecture differs, naming the tensor', async () => {
    const dir = tmp('other-arch');
    await model('adam').fit(x, y, { ...base, epochs: 1, checkpointDir: dir });
    const other = new Sequential(
      [
        Input({ shape: [4], name: 'x' }),
        new Dense({ name: 'd1', units: 2, activation: 'softmax' }),
      ],
      { seed: 7 },
    );
    other.compile({ optimizer: new Adam(), loss: 'sparse_categorical_crossentropy' });
    await expect(other.fit(x, y, { ...base, resumeFrom: dir })).rejects.toMatchObject({
      code: 'unexpected-tensor',
      message: expect.stringContaining('optimizer/bn/beta/0'),
    });
  });

  it('is refused when the optimizer differs', async () => {
    const dir = tmp('other-opt');
    await model('adam').fit(x, y, { ...base, epochs: 1, checkpointDir: dir });
    await expect(model('sgd').fit(x, y, { ...base, resumeFrom: dir })).rejects.toThrow(
      /optimizer "adam", this run uses 'sgd'/,
    );
  });
});

describe('actlab train --save A, then --resume A --save B, equals --save C', () => {
  const args = ['train', '--dataset', 'spiral', '--samples', '200', '--hidden', '8,8'];
  const more = ['--batch-size', '16', '--seed', '3', '--optimizer', 'adam', '--lr', '0.01'];

  it('writes the same weights.safetensors bytes (each run a fresh process)', async () => {
    const root = tmp('cli-resume');
    const [a, b, c] = ['A', 'B', 'C'].map((d) => join(root, d));
    const [first, whole] = await Promise.all([
      actlab([...args, ...more, '--epochs', '1', '--save', a!]),
      actlab([...args, ...more, '--epochs', '2', '--save', c!]),
    ]);
    expect([first.code, whole.code]).toEqual([0, 0]);
    const resumed = await actlab([...args, ...more, '--epochs', '2', '--resume', a!, '--save', b!]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('Resuming from');
    const wb = readFileSync(join(b!, 'weights.safetensors'));
    const wc = readFileSync(join(c!, 'weights.safetensors'));
    expect(sha256(wb)).toBe(sha256(wc));
    expect(sha256(wb)).not.toBe(sha256(readFileSync(join(a!, 'weights.safetensors'))));
  });

  it('refuses --resume from a directory without checkpoints in one line, exit code 2', async () => {
    const line = expectUsageError(await cli([...args, '--epochs', '1', '--resume', tmp('empty')]));
    expect(line).toMatch(/no checkpoint/);
  });

  it('refuses --checkpoint-every without a directory to write to', async () => {
    const line = expectUsageError(await cli([...args, '--epochs', '1', '--checkpoint-every', '2']));
    expect(line).toMatch(/--checkpoint-every needs --save or --checkpoint-dir/);
  });
});
