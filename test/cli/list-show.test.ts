import { describe, expect, it } from 'vitest';
import { listActivations } from '../../src/activations/index.js';
import { cli, expectUsageError } from './harness.js';

interface ListEntry {
  id: string;
  kind: string;
  aliases: string[];
  params: Record<
    string,
    { default: number | string; min: unknown; max: unknown; learnable: boolean; choices?: string[] }
  >;
  kinks: { at: number; derivative: number }[];
  properties: { range: unknown[]; rangeText: string; smoothness: string };
}

describe('actlab list', () => {
  it('prints a table row for every registered activation', async () => {
    const r = await cli(['list']);
    expect(r.code).toBe(0);
    const firstCells = r.stdout.split('\n').map((l) => l.split(/\s+/)[0]);
    for (const spec of listActivations()) expect(firstCells).toContain(spec.id);
    expect(r.stdout.split('\n')[0]).toMatch(/^id\s+aliases\s+params\s+range\s+monotonic/);
  });

  it('prints, with --json, one entry per activation in the documented shape', async () => {
    const r = await cli(['list', '--json']);
    expect(r.code).toBe(0);
    const entries = JSON.parse(r.stdout) as ListEntry[];
    expect(entries.map((e) => e.id)).toEqual(listActivations().map((s) => s.id));
    for (const e of entries) {
      expect(['elementwise', 'vector']).toContain(e.kind);
      expect(Array.isArray(e.aliases)).toBe(true);
      expect(Array.isArray(e.kinks)).toBe(true);
      expect(e.properties.range).toHaveLength(2);
      for (const p of Object.values(e.params)) {
        expect(p).toHaveProperty('default');
        expect(p).toHaveProperty('min');
        expect(p).toHaveProperty('max');
        expect(typeof p.learnable).toBe('boolean');
        if (typeof p.default === 'string') expect(p.choices).toContain(p.default);
      }
    }
  });

  it('lists kinks at the default parameters with the PyTorch subgradient', async () => {
    const entries = JSON.parse((await cli(['list', '--json'])).stdout) as ListEntry[];
    const byId = new Map(entries.map((e) => [e.id, e]));
    // PyTorch: leaky_relu'(0) = negative_slope = 0.01, relu'(0) = 0; sigmoid has none.
    expect(byId.get('leaky_relu')!.kinks).toEqual([{ at: 0, derivative: 0.01 }]);
    expect(byId.get('relu')!.kinks).toEqual([{ at: 0, derivative: 0 }]);
    expect(byId.get('sigmoid')!.kinks).toEqual([]);
    expect(byId.get('gelu')!.params['approximate']!.choices).toEqual(['none', 'tanh', 'sigmoid']);
    // Unbounded ranges are written as the strings JSON allows.
    expect(byId.get('leaky_relu')!.properties.range).toEqual(['-Infinity', 'Infinity']);
  });
});

describe('actlab show', () => {
  it('prints formulas, parameters, properties, notes, references and a braille plot', async () => {
    const r = await cli(['show', 'leakyReLU']);
    expect(r.code).toBe(0);
    for (const heading of [
      'formula',
      'parameters:',
      'properties:',
      'kinks',
      'pros:',
      'cons:',
      'used in:',
      'references:',
    ]) {
      expect(r.stdout).toContain(heading);
    }
    expect(r.stdout).toContain('negative_slope');
    expect(r.stdout).toMatch(/[\u2801-\u28ff]/);
    expect(r.stdout).toContain("f'(x)");
  });

  it('shows the kink at the given parameters', async () => {
    const r = await cli(['show', 'leaky_relu', '--param', 'negative_slope=0.3']);
    expect(r.stdout).toContain("x = 0: f'(x) taken as 0.3");
  });

  it('describes a vector activation without a curve', async () => {
    const r = await cli(['show', 'softmax']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('vector activation');
  });

  it('prints only JSON with --json', async () => {
    const r = await cli(['show', 'gelu', '--json']);
    const out = JSON.parse(r.stdout) as {
      id: string;
      latex: { f: string };
      notes: { pros: string[] };
    };
    expect(out.id).toBe('gelu');
    expect(out.latex.f).toContain('Phi');
    expect(out.notes.pros.length).toBeGreaterThan(0);
  });

  it('refuses an unknown activation with exit code 2', async () => {
    expect(expectUsageError(await cli(['show', 'sigmod']))).toContain("'sigmoid'");
  });
});

describe('the command line as a whole', () => {
  it('has --help for every verb, printed on stdout with exit code 0', async () => {
    for (const verb of ['list', 'show', 'eval', 'plot', 'docs', 'start']) {
      const r = await cli([verb, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: actlab ${verb}`);
    }
  });

  it('rejects an unknown verb with exit code 2', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });
});
