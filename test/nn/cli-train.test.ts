import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/activations/errors.js';
import { registerSummary } from '../../src/cli/commands/summary.js';
import { registerTrain } from '../../src/cli/commands/train.js';
import type { CommandContext } from '../../src/cli/context.js';

/** Runs `actlab <args>` in-process with the summary and train verbs; returns the output and exit code. */
async function actlab(
  ...args: string[]
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  const ctx: CommandContext = {
    io: {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
    },
    exitCode: 0,
  };
  const program = new Command('actlab').exitOverride();
  registerSummary(program, ctx);
  registerTrain(program, ctx);
  await program.parseAsync(args, { from: 'user' });
  return { stdout, stderr, exitCode: ctx.exitCode };
}

const SPIRAL = [
  'train',
  '--model',
  'mlp',
  '--hidden',
  '32,32',
  '--epochs',
  '200',
  '--batch-size',
  '32',
  '--optimizer',
  'adam',
  '--lr',
  '0.01',
  '--seed',
  '1',
];

function jsonLines(stdout: string): Record<string, number>[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>);
}

describe('actlab train on the spiral (the issue command)', () => {
  const results = new Map<string, Record<string, number>[]>();
  const run = async (activation: string) => {
    if (!results.has(activation)) {
      const { stdout } = await actlab(...SPIRAL, '--activation', activation, '--json-log');
      results.set(activation, jsonLines(stdout));
    }
    return results.get(activation)!;
  };

  it('writes only JSON on stdout with --json-log: one line per epoch, then the test line', async () => {
    const lines = await run('relu');
    expect(lines).toHaveLength(201);
    expect(Object.keys(lines[0]!)).toEqual([
      'epoch',
      'loss',
      'acc',
      'val_loss',
      'val_acc',
      'seconds',
    ]);
    expect(lines.slice(0, 200).map((l) => l['epoch'])).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    expect(Object.keys(lines[200]!)).toEqual(['test_loss', 'test_acc', 'params', 'seconds_total']);
    // 2 -> 32 -> 32 -> 2: (2·32 + 32) + (32·32 + 32) + (32·2 + 2).
    expect(lines[200]!['params']).toBe(96 + 1056 + 66);
  });

  it('reaches test accuracy >= 0.90 with relu', async () => {
    expect((await run('relu'))[200]!['test_acc']).toBeGreaterThanOrEqual(0.9);
  });

  it('reaches test accuracy >= 0.90 with tanh', async () => {
    expect((await run('tanh'))[200]!['test_acc']).toBeGreaterThanOrEqual(0.9);
  });

  it('stays at or below 0.75 with linear: stacked linear layers are one linear classifier', async () => {
    expect((await run('linear'))[200]!['test_acc']).toBeLessThanOrEqual(0.75);
  });
});

describe('actlab summary', () => {
  it('prints the LeNet-5 table with 697,046 parameters on 32,32,3', async () => {
    const { stdout } = await actlab('summary', '--model', 'lenet5', '--input-shape', '32,32,3');
    expect(stdout).toMatch(/^Total params: 697,046$/m);
    expect(stdout).toMatch(/^ Layer \(type\) +Output Shape +Param #$/m);
  });

  it('gives the same counts as JSON', async () => {
    const { stdout } = await actlab('summary', '--model', 'lenet5', '--json');
    const doc = JSON.parse(stdout) as { totalParams: number; layers: { params: number }[] };
    expect(doc.totalParams).toBe(697_046);
    expect(doc.layers.map((l) => l.params)).toEqual([456, 0, 2_416, 0, 48_120, 0, 645_204, 850]);
  });

  it('summarises a model saved by train --save', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'actlab-cli-')), 'saved');
    await actlab('train', '--hidden', '8', '--epochs', '1', '--save', dir);
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
    const { stdout } = await actlab('summary', '--model', dir);
    // 2 -> 8 -> 2: 24 + 18.
    expect(stdout).toMatch(/^Total params: 42$/m);
  });
});

describe('actlab train: bad input is a one-line UsageError, and nothing is written', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown optimizer', ['--optimizer', 'lion'], /unknown optimizer 'lion'.*valid: sgd, adam/],
    ['an unknown data set', ['--dataset', 'spirals'], /unknown data set 'spirals'/],
    ['an unknown activation', ['--activation', 'relu7'], /unknown activation 'relu7'/],
    ['an unknown initializer', ['--init', 'he'], /unknown initializer 'he'/],
    ['a bad --hidden', ['--hidden', '32,x'], /--hidden must be positive integers/],
    ['a missing model file', ['--model', 'no-such-model.json'], /no file 'no-such-model.json'/],
    [
      'an unknown activation parameter',
      ['--activation', 'leaky_relu', '--param', 'slope=2'],
      /parameter for leaky_relu 'slope'/,
    ],
    ['a negative --lr', ['--lr', '-1'], /--lr must be a finite number > 0/],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what}`, async () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'actlab-bad-')), 'out');
      const failure = actlab('train', '--epochs', '1', ...args, '--save', dir);
      await expect(failure).rejects.toThrow(UsageError);
      await expect(failure).rejects.toThrow(message);
      expect(existsSync(dir)).toBe(false);
    });
  }

  it('refuses a model file with a class outside the allow-list, naming the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'actlab-bad-')), 'model.json');
    writeFileSync(
      file,
      JSON.stringify({ inputShape: [2], layers: [{ className: 'Lambda', config: {} }] }),
    );
    await expect(actlab('train', '--model', file)).rejects.toThrow(/unknown layer class 'Lambda'/);
  });

  it('saves nothing when training diverges, and exits with 3 (the NaN guard)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'actlab-nan-')), 'out');
    const args = ['train', '--optimizer', 'sgd', '--lr', '1e300', '--epochs', '3', '--save', dir];
    const { stderr, exitCode } = await actlab(...args);
    expect(stderr).toMatch(
      /^error: training stopped: NaN or infinite values at epoch \d+, batch \d+: .* nothing was saved/m,
    );
    expect(exitCode).toBe(3);
    expect(existsSync(join(dir, 'model.json'))).toBe(false);
  });
});
