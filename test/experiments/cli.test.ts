import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { experimentNames } from '../../src/experiments/index.js';
import { cli, expectUsageError } from '../cli/harness.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('actlab experiment, bad input', () => {
  it('refuses an unknown experiment in one line that lists every valid name', async () => {
    const line = expectUsageError(await cli(['experiment', 'nosuch']));
    expect(line).toContain("'nosuch'");
    for (const name of experimentNames()) expect(line).toContain(name);
  });

  it('refuses an option the experiment does not take, and --quick with --full', async () => {
    expect(expectUsageError(await cli(['experiment', 'cost', '--variant', 'plain']))).toContain(
      '--variant',
    );
    expect(expectUsageError(await cli(['experiment', 'cost', '--quick', '--full']))).toContain(
      '--full',
    );
    expect(expectUsageError(await cli(['experiment', 'cost', '--seed', '1.5']))).toContain(
      '--seed',
    );
  });

  it('refuses a vector activation for compare before training anything', async () => {
    const line = expectUsageError(
      await cli(['experiment', 'compare', '--activations', 'relu,softmax']),
    );
    expect(line).toContain('softmax');
  });
});

describe('actlab experiment, output', () => {
  it('prints only the JSON contract on stdout with --json, and the bar on stderr', async () => {
    const r = await cli(['experiment', 'gelu-approximations', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { forms: Record<string, { max_abs_error: number }> };
    expect(json.forms['tanh']!.max_abs_error).toBeLessThan(5e-4);
    expect(json.forms['sigmoid']!.max_abs_error).toBeGreaterThan(json.forms['tanh']!.max_abs_error);
    expect(r.stderr).toContain('gelu-approximations');
  });

  it('writes the JSON and every chart as SVG and PNG with --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actlab-exp-'));
    dirs.push(dir);
    const r = await cli([
      'experiment',
      'compare',
      '--activations',
      'relu',
      '--train-size',
      '30',
      '--out',
      dir,
    ]);
    expect(r.code).toBe(0);
    // Human output: the table's header and the activation's row.
    expect(r.stdout).toContain('test acc %');
    expect(r.stdout).toMatch(/^relu\s/m);
    const json = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8')) as {
      train_size: number;
    };
    expect(json.train_size).toBe(30);
    for (const id of [
      'compare-learning-curves',
      'compare-train-loss',
      'compare-accuracy-vs-time',
    ]) {
      expect(readFileSync(join(dir, `${id}.svg`), 'utf8')).toMatch(/^<svg/);
      const png = readFileSync(join(dir, `${id}.png`));
      expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    }
    // No temporary files are left behind by the atomic writes.
    expect(existsSync(dir)).toBe(true);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
