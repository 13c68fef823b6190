import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listActivations } from '../../src/activations/index.js';
import { geluApproximations } from '../../src/experiments/gelu-approximations.js';
import type { Experiment } from '../../src/experiments/index.js';
import { type BuildOutcome, buildReport } from '../../src/report/build.js';

/** An experiment that always fails: the report must show it and go on. */
const broken: Experiment = {
  name: 'broken',
  title: 'A broken experiment',
  summary: 'Fails on purpose.',
  run: () => Promise.reject(new Error('out of cheese')),
};

let dir: string;
let outcome: BuildOutcome;
let html: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'actlab-report-'));
  outcome = await buildReport({
    out: dir,
    tier: 'quick',
    seed: 0,
    experiments: [geluApproximations, broken],
  });
  html = readFileSync(join(dir, 'index.html'), 'utf8');
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Values of every attribute with this name. */
function attributes(name: string): string[] {
  return [...html.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((m) => m[1]!);
}

describe('the HTML report', () => {
  it('points the browser nowhere: no http(s) URL in any src or href, no script', () => {
    const links = [...attributes('src'), ...attributes('href'), ...attributes('xlink:href')];
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((l) => /^\s*(https?:)?\/\//i.test(l))).toEqual([]);
    expect(html).not.toMatch(/<script/i);
    // KaTeX's fonts travel inside the page, not as files to fetch.
    expect(html).not.toMatch(/url\(fonts\//);
    expect(html).toMatch(/url\(data:font\/woff2;base64,/);
  });

  it('has a section whose id is each activation id, and links to each', () => {
    const ids = new Set([...html.matchAll(/<section[^>]*\sid="([^"]+)"/g)].map((m) => m[1]!));
    for (const spec of listActivations()) {
      expect(ids.has(spec.id), spec.id).toBe(true);
      expect(html).toContain(`href="#${spec.id}"`);
    }
  });

  it('puts every chart in an element with a data-chart attribute: each curve and each experiment chart', () => {
    const charts = new Set(attributes('data-chart'));
    for (const spec of listActivations()) {
      if (spec.kind === 'elementwise') expect(charts.has(`curve-${spec.id}`), spec.id).toBe(true);
    }
    for (const c of outcome.entries[0]!.result.charts) expect(charts.has(c.id), c.id).toBe(true);
    // Each of those elements holds an inline SVG.
    const figures = html.match(/<figure class="chart" data-chart="[^"]+"><svg/g) ?? [];
    expect(figures.length).toBe(charts.size);
  });

  it('has the errata and the guide, and the guide quotes this run’s measured figure', () => {
    expect(html).toMatch(/<section id="errata">/);
    expect(html).toMatch(/<section id="guide">/);
    expect(html).not.toContain('do NOT agree');
    const tanh = (outcome.entries[0]!.result.json as { forms: { tanh: { max_abs_error: number } } })
      .forms.tanh.max_abs_error;
    expect(html).toContain(`largest error ${tanh.toExponential(1)} for the tanh form`);
  });

  it('shows a failed experiment with its reason instead of stopping', () => {
    expect(outcome.failures).toEqual([
      { name: 'broken', title: 'A broken experiment', message: 'out of cheese' },
    ]);
    expect(html).toContain('id="experiment-broken"');
    expect(html).toContain('out of cheese');
  });
});
