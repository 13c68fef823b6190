import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listActivations } from '../../src/activations/index.js';
import { cli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'actlab-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const elementwise = listActivations().filter((s) => s.kind === 'elementwise');

describe('actlab docs', () => {
  it('writes the markdown and one SVG plot per elementwise activation', async () => {
    const r = await cli(['docs', '--dir', dir]);
    expect(r.code).toBe(0);
    const md = readFileSync(join(dir, 'activations.md'), 'utf8');
    for (const spec of listActivations()) expect(md).toContain(`<a id="${spec.id}"></a>`);
    for (const spec of elementwise) {
      expect(readFileSync(join(dir, 'plots', `${spec.id}.svg`), 'utf8').startsWith('<svg')).toBe(
        true,
      );
    }
    expect(md).toMatch(/\$\$\n.+\n\$\$/);
  });

  it('--check passes on a fresh page and exits 1 on a stale one', async () => {
    expect((await cli(['docs', '--check', '--dir', dir])).code).toBe(0);
    const path = join(dir, 'activations.md');
    writeFileSync(path, `${readFileSync(path, 'utf8')}\nedited by hand\n`);
    const r = await cli(['docs', '--check', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('out of date');
  });
});

describe('actlab start', () => {
  it('writes the offline HTML report with the experiments it ran, and a PNG overview', async () => {
    const out = join(dir, 'report');
    const r = await cli(['start', '--no-serve', '--only', 'gelu-approximations', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join(out, 'index.html'));
    expect(r.stderr).toContain('gelu-approximations');
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    for (const spec of listActivations())
      expect(html).toMatch(new RegExp(`<section[^>]* id="${spec.id}"`));
    expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(elementwise.length);
    expect(html).toContain('<math');
    expect(html).toContain('id="experiment-gelu-approximations"');
    // Self-contained: nothing is fetched from the network.
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    const json = JSON.parse(
      readFileSync(join(out, 'experiments', 'gelu-approximations.json'), 'utf8'),
    );
    expect(json.forms.tanh.max_abs_error).toBeLessThan(5e-4);
    const png = readFileSync(join(out, 'activations.png'));
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  });

  it('refuses an unknown experiment name in --only', async () => {
    const r = await cli(['start', '--no-serve', '--only', 'nosuch', '--out', join(dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown experiment 'nosuch'");
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
