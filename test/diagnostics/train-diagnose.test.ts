import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerTrain } from '../../src/cli/commands/train.js';
import type { CommandContext } from '../../src/cli/context.js';

/** Runs `actlab train <args>` in-process; returns what it printed. */
async function train(...args: string[]): Promise<{ stdout: string; stderr: string }> {
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
  registerTrain(program, ctx);
  await program.parseAsync(['train', ...args], { from: 'user' });
  return { stdout, stderr };
}

const COMMON = ['--samples', '200', '--epochs', '3', '--batch-size', '32', '--seed', '1'];

describe('actlab train --diagnose', () => {
  it('prints the vanishing-gradients warning for a deep sigmoid MLP on stderr and as a JSON line', async () => {
    const { stdout, stderr } = await train(
      ...COMMON,
      '--activation',
      'sigmoid',
      '--hidden',
      Array(10).fill('16').join(','),
      '--diagnose',
      '--json-log',
    );
    expect(stderr).toMatch(/warning: vanishing gradients/);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const warning = lines.find((l) => l['code'] === 'vanishing_gradients');
    expect(warning?.['warning']).toMatch(/vanishing gradients/);
    expect(Array.isArray(warning?.['remedies'])).toBe(true);
    // The test result stays the last line.
    expect(Object.keys(lines[lines.length - 1]!)).toContain('test_acc');
  });

  it('says nothing of vanishing for a healthy relu MLP', async () => {
    const { stdout, stderr } = await train(
      ...COMMON,
      '--activation',
      'relu',
      '--hidden',
      '32,32',
      '--lr',
      '0.01',
      '--diagnose',
      '--json-log',
    );
    expect(`${stdout}${stderr}`).not.toMatch(/vanish/i);
    expect(stderr).toContain('diagnose: no warnings');
  });
});
