import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/nn/index.js';
import { Random } from '../../src/tensor/random.js';
import { actlab, finished, spawnActlab } from './child.js';

const ARGS = [
  'train',
  '--dataset',
  'spiral',
  '--samples',
  '1500',
  '--hidden',
  '16,16',
  '--batch-size',
  '16',
  '--epochs',
  '3',
  '--seed',
  '11',
];

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const checkpoints = (dir: string) =>
  existsSync(dir) ? readdirSync(dir).filter((f) => /^ckpt-\d+\.safetensors$/.test(f)) : [];

describe('a run killed with SIGKILL at a random step', () => {
  it('leaves its checkpoints loadable, and resuming ends bitwise as the uninterrupted run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'actlab-kill-'));
    const dir = join(root, 'ckpt');
    const whole = actlab([...ARGS, '--save', join(root, 'C')]);
    // Every batch is checkpointed, so the kill often lands mid-write.
    const victim = spawnActlab([...ARGS, '--checkpoint-dir', dir, '--checkpoint-every', '1']);
    const victimDone = finished(victim);
    while (checkpoints(dir).length === 0 && victim.exitCode === null) await sleep(5);
    await sleep(new Random(Date.now()).int(400));
    victim.kill('SIGKILL');
    const killed = await victimDone;
    expect(killed.signal).toBe('SIGKILL');

    const left = checkpoints(dir);
    expect(left.length).toBeGreaterThan(0);
    for (const f of left) await readCheckpoint(join(dir, f));

    const resumed = await actlab([...ARGS, '--resume', dir, '--save', join(root, 'B')]);
    expect(resumed.stderr).toMatch(
      /Resuming from .*ckpt-\d+\.safetensors \((after epoch|epoch) \d/,
    );
    expect(resumed.code).toBe(0);
    expect((await whole).code).toBe(0);
    expect(sha256(join(root, 'B', 'weights.safetensors'))).toBe(
      sha256(join(root, 'C', 'weights.safetensors')),
    );
  });
});
