import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectUsageError } from './harness.js';

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('actlab train on sequence tasks', () => {
  it('fits an LSTM to the adding problem and beats the input-blind baseline on the test split', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'actlab-seq-')), 'model');
    const r = await cli([
      'train',
      '--model',
      'lstm',
      '--dataset',
      'adding',
      '--seq-len',
      '5',
      '--samples',
      '600',
      '--units',
      '8',
      '--epochs',
      '4',
      '--batch-size',
      '16',
      '--lr',
      '0.01',
      '--json-log',
      '--save',
      dir,
    ]);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.length).toBe(5);
    const final = lines[4]!;
    expect(final['baseline_loss']).toBeCloseTo(1 / 6, 12);
    expect(final['test_loss'] as number).toBeLessThan(1 / 6);
    expect(final['params']).toBe(4 * (2 * 8 + 8 * 8 + 8) + 9);
    expect(r.stderr).toContain('(LSTM)');
    expect(existsSync(join(dir, 'weights.safetensors'))).toBe(true);
  });

  it('trains a GRU on the copy task with a cross-entropy at every step, and a SimpleRNN on the sine', async () => {
    const copy = await cli([
      'train',
      '--model',
      'gru',
      '--dataset',
      'copy',
      '--seq-len',
      '3',
      '--samples',
      '64',
      '--units',
      '4',
      '--epochs',
      '1',
      '--batch-size',
      '32',
      '--truncate',
      '4',
      '--json-log',
    ]);
    expect(copy.code).toBe(0);
    expect(Number.isFinite(jsonLines(copy.stdout)[1]!['test_loss'])).toBe(true);
    const sine = await cli([
      'train',
      '--model',
      'rnn',
      '--dataset',
      'sine',
      '--seq-len',
      '8',
      '--samples',
      '64',
      '--units',
      '4',
      '--epochs',
      '1',
      '--activation',
      'relu',
      '--json-log',
    ]);
    expect(sine.code).toBe(0);
    expect(jsonLines(sine.stdout)[1]!['baseline_loss']).toBe(0.5);
  });

  it('refuses a recurrent model on a non-sequence data set and an mlp on a sequence task', async () => {
    expect(
      expectUsageError(await cli(['train', '--model', 'gru', '--dataset', 'spiral'])),
    ).toContain('adding, copy, sine');
    expect(expectUsageError(await cli(['train', '--dataset', 'sine']))).toContain('rnn, lstm, gru');
    expect(
      expectUsageError(
        await cli(['train', '--model', 'lstm', '--dataset', 'adding', '--seq-len', '0']),
      ),
    ).toContain('--seq-len');
  });
});
