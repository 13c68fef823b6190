import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, expectUsageError } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'actlab-plot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('actlab plot', () => {
  it('writes an SVG chart of f and f′ with labelled axes', async () => {
    const out = join(dir, 'gelu.svg');
    const r = await cli(['plot', 'gelu', '--derivative', '-o', out]);
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('>f(x)<');
    expect(svg).toContain('>f′(x)<');
    expect(svg).toContain('>GELU<');
  });

  it('draws one curve per swept value, named in the legend', async () => {
    const out = join(dir, 'sweep.svg');
    const r = await cli([
      'plot',
      'leaky_relu',
      '--sweep',
      'negative_slope=0.01,0.2,0.3',
      '--range',
      '-3,3',
      '-o',
      out,
    ]);
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    for (const label of ['>negative_slope<', '>0.01<', '>0.2<', '>0.3<'])
      expect(svg).toContain(label);
  });

  it('writes a PNG with the PNG signature and a sensible size', async () => {
    const out = join(dir, 'several.png');
    const r = await cli(['plot', 'relu,silu,tanh', '--derivative', '-o', out]);
    expect(r.code).toBe(0);
    const png = readFileSync(out);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    expect(png.readUInt32BE(16)).toBeGreaterThan(800);
    expect(png.readUInt32BE(20)).toBeGreaterThan(400);
    expect(png.length).toBeGreaterThan(20_000);
  });

  it('refuses a vector activation, a bad range and an unknown extension, writing nothing', async () => {
    const before = readdirSync(dir);
    expect(expectUsageError(await cli(['plot', 'softmax', '-o', join(dir, 'a.svg')]))).toContain(
      'vector',
    );
    expect(
      expectUsageError(await cli(['plot', 'relu', '--range', '3,1', '-o', join(dir, 'b.svg')])),
    ).toContain('--range');
    expect(expectUsageError(await cli(['plot', 'relu', '-o', join(dir, 'c.jpg')]))).toContain(
      '.png',
    );
    expect(
      expectUsageError(await cli(['plot', 'relu', '--sweep', 'alpha=1', '-o', join(dir, 'd.svg')])),
    ).toContain("'alpha'");
    expect(readdirSync(dir)).toEqual(before);
  });

  it('needs an output file', async () => {
    const r = await cli(['plot', 'relu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--output');
  });
});
