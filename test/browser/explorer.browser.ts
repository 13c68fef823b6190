import { rmSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/report/server.js';
import {
  type Browser,
  fakeReport,
  LAB_DIR,
  launchBrowser,
  outputPath,
  REBOUND_HOST,
} from './harness.js';

let browser: Browser;
let server: RunningServer;
let report: string;
/** Every URL the browser asked for, to show the lab needs nothing from outside. */
const requested: string[] = [];
/** Content-Security-Policy violations the pages reported. */
const violations: string[] = [];

interface Timing {
  serverListeningMs: number;
  firstContentfulPaintMs: number;
  startServerToFirstPaintMs: number;
  startServerToChartMs: number;
}
let timing: Timing;

async function newPage(): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('console', (m) => {
    if (/CSP violation|Content Security Policy|Refused to/.test(m.text()))
      violations.push(m.text());
  });
  page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return page;
}

/** The points of an SVG path `M x y L x y ...` in screen coordinates. */
function points(d: string): [number, number][] {
  return [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

async function pathOf(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).getAttribute('d')) ?? '';
}

function labUrl(hash = ''): string {
  return `${server.url}lab/${hash}`;
}

beforeAll(async () => {
  // The browser starts first: the first-paint time is the server's and the page's, not Chromium's start-up.
  browser = await launchBrowser();
  browser.context.on('request', (r) => requested.push(r.url()));
  report = fakeReport();
  const page = await newPage();
  const t0 = performance.now();
  server = await startServer({ port: 0, root: { '/': report, '/lab/': LAB_DIR } });
  const tListening = performance.now();
  await page.goto(labUrl());
  await page.waitForFunction(
    () => performance.getEntriesByName('first-contentful-paint').length > 0,
  );
  const tPaint = performance.now();
  await page.getByTestId('curve-f-0').waitFor();
  const tChart = performance.now();
  const fcp = await page.evaluate(
    () => performance.getEntriesByName('first-contentful-paint')[0]!.startTime,
  );
  timing = {
    serverListeningMs: Math.round(tListening - t0),
    firstContentfulPaintMs: Math.round(fcp),
    startServerToFirstPaintMs: Math.round(tPaint - t0),
    startServerToChartMs: Math.round(tChart - t0),
  };
  writeFileSync(outputPath('timing.json'), `${JSON.stringify(timing, null, 2)}\n`);
  console.log(`first paint: ${JSON.stringify(timing)}`);
  await page.screenshot({ path: outputPath('explorer-default.png'), fullPage: true });
  await page.close();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (report !== undefined) rmSync(report, { recursive: true, force: true });
});

describe('the explorer in Chromium', () => {
  it('paints a chart of f and f′ with a formula on first load', async () => {
    expect(timing.startServerToChartMs).toBeGreaterThan(0);
    const page = await newPage();
    await page.goto(labUrl());
    expect(points(await pathOf(page, 'curve-f-0')).length).toBeGreaterThan(100);
    expect(points(await pathOf(page, 'curve-df-0')).length).toBeGreaterThan(100);
    await expect(page.getByTestId('formula').locator('.katex').count()).resolves.toBe(2);
    await page.close();
  });

  it('shows another activation, its plot and its formula when one is picked', async () => {
    const page = await newPage();
    await page.goto(labUrl('#explorer?a=gelu'));
    const before = await pathOf(page, 'curve-f-0');
    const formulaBefore = await page.getByTestId('formula').textContent();
    await page.getByTestId('activation-search').fill('sigm');
    await expect(page.getByTestId('activation-option-leaky_relu').isVisible()).resolves.toBe(false);
    await page.getByTestId('activation-option-sigmoid').click();
    await page.waitForFunction(
      (d) => document.querySelector('[data-testid="curve-f-0"]')?.getAttribute('d') !== d,
      before,
    );
    const after = await pathOf(page, 'curve-f-0');
    expect(after).not.toBe(before);
    expect(await page.getByTestId('formula').textContent()).not.toBe(formulaBefore);
    expect(await page.getByTestId('selected-name').textContent()).toMatch(/sigmoid/i);
    // The logistic sigmoid increases everywhere, so the drawn line must only go up
    // (screen y falls); GELU, shown before, dips near x = -0.75 and would not pass.
    const ys = points(after).map(([, y]) => y);
    for (let i = 1; i < ys.length; i++) expect(ys[i]!).toBeLessThanOrEqual(ys[i - 1]! + 1e-9);
    expect(points(before).some(([, y], i, all) => i > 0 && y > all[i - 1]![1])).toBe(true);
    await page.waitForFunction(() => location.hash.includes('a=sigmoid'));
    await page.screenshot({ path: outputPath('explorer-sigmoid.png'), fullPage: true });
    await page.close();
  });

  it('redraws the curve when a parameter slider moves, and reads exact values on hover', async () => {
    const page = await newPage();
    await page.goto(labUrl('#explorer?a=leaky_relu'));
    const before = await pathOf(page, 'curve-f-0');
    const slider = page.getByTestId('param-slider-negative_slope');
    await slider.fill('0.5');
    await page.waitForFunction(
      (d) => document.querySelector('[data-testid="curve-f-0"]')?.getAttribute('d') !== d,
      before,
    );
    expect(await pathOf(page, 'curve-f-0')).not.toBe(before);
    expect(await page.getByTestId('param-input-negative_slope').inputValue()).toBe('0.5');
    await page.waitForFunction(() => location.hash.includes('leaky_relu.negative_slope=0.5'));
    // Hover a quarter of the way across, where x < 0: leaky_relu(x) = 0.5 x there.
    const box = (await page.getByTestId('plot').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.25, box.y + 100);
    const cells = await page.getByTestId('hover-readout').locator('th, td').allInnerTexts();
    const x = Number(cells[0]!.replace('x = ', '').replace('−', '-'));
    const f = Number(cells[5]!.replace('−', '-'));
    const df = Number(cells[6]!.replace('−', '-'));
    expect(x).toBeLessThan(0);
    expect(f).toBeCloseTo(0.5 * x, 4);
    expect(df).toBe(0.5);
    await page.screenshot({ path: outputPath('explorer-slider-hover.png'), fullPage: true });
    await page.close();
  });

  it('restores the overlay, parameters, range and toggles from a URL', async () => {
    const page = await newPage();
    await page.goto(
      labUrl(
        '#explorer?a=leaky_relu,sigmoid,softmax&leaky_relu.negative_slope=0.2&x=-3,3&df=1&d2=1',
      ),
    );
    await page.getByTestId('curve-f-2').waitFor();
    await expect(page.locator('[data-testid^="curve-chip-"]').count()).resolves.toBe(3);
    await expect(page.locator('[data-testid^="legend-"]').count()).resolves.toBe(3);
    expect(await page.getByTestId('param-slider-negative_slope').inputValue()).toBe('0.2');
    expect(await page.getByTestId('range-min').inputValue()).toBe('-3');
    expect(await page.getByTestId('range-max').inputValue()).toBe('3');
    expect(await page.getByTestId('toggle-df').isChecked()).toBe(true);
    expect(await page.getByTestId('toggle-d2').isChecked()).toBe(true);
    expect(points(await pathOf(page, 'curve-d2-0')).length).toBeGreaterThan(10);
    // The x axis runs from -3 to 3: the first and last points of a curve sit at its ends.
    const f0 = points(await pathOf(page, 'curve-f-0'));
    const ticks = await page.locator('[data-panel="f"] .tick').allTextContents();
    expect(ticks).toContain('−3');
    expect(ticks).toContain('3');
    expect(f0.length).toBeGreaterThan(100);
    await page.screenshot({ path: outputPath('explorer-overlay-from-url.png'), fullPage: true });
    await page.close();
  });

  it('says what a link asked for that it cannot show, and shows the rest', async () => {
    const page = await newPage();
    await page.goto(labUrl('#explorer?a=nosuch,sigmoid&sigmoid.slope=2'));
    await page.getByTestId('curve-f-0').waitFor();
    const problems = (await page.getByTestId('problems').textContent()) ?? '';
    expect(problems).toContain('nosuch');
    expect(problems).toContain('slope');
    expect(await page.getByTestId('selected-name').textContent()).toMatch(/sigmoid/i);
    await page.close();
  });

  it('draws one curve per value when a parameter is swept', async () => {
    const page = await newPage();
    await page.goto(labUrl('#explorer?a=softplus&sweep=beta:0.5,1,2,5'));
    const curves = page.locator('[data-testid^="curve-f-"]');
    await curves.first().waitFor();
    expect(await curves.count()).toBe(4);
    const paths = await Promise.all([0, 1, 2, 3].map((i) => pathOf(page, `curve-f-${i}`)));
    expect(new Set(paths).size).toBe(4);
    // softplus_β(x) = log(1 + e^{βx})/β falls as β grows, at every x: at x = 0 it is log 2 / β.
    const atZero = paths.map((d) => points(d)[300]![1]);
    for (let i = 1; i < 4; i++) expect(atZero[i]!).toBeGreaterThan(atZero[i - 1]!);
    await page.screenshot({ path: outputPath('explorer-sweep.png'), fullPage: true });
    await page.close();
  });

  it('stays usable on a narrow screen', async () => {
    const page = await newPage();
    await page.setViewportSize({ width: 420, height: 900 });
    await page.goto(labUrl('#explorer?a=gelu,sigmoid'));
    await page.getByTestId('curve-f-1').waitFor();
    const plot = (await page.getByTestId('plot').boundingBox())!;
    expect(plot.width).toBeLessThanOrEqual(420);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      420,
    );
    await page.screenshot({ path: outputPath('explorer-narrow.png'), fullPage: true });
    await page.close();
  });

  it('runs under the Content-Security-Policy and asks only its own server for anything', () => {
    expect(violations).toEqual([]);
    const foreign = requested.filter((u) => !u.startsWith(server.url));
    expect(foreign).toEqual([]);
  });
});

describe('the lab server seen from the browser', () => {
  it('sends its Content-Security-Policy with the lab page', async () => {
    const page = await newPage();
    const response = (await page.goto(labUrl()))!;
    expect(response.status()).toBe(200);
    expect(response.headers()['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers()['x-content-type-options']).toBe('nosniff');
    await page.close();
  });

  it('answers 403 to a page reached through a rebound host name', async () => {
    const page = await newPage();
    const response = (await page.goto(`http://${REBOUND_HOST}:${server.port}/lab/`))!;
    expect(response.status()).toBe(403);
    expect(await page.locator('[data-testid="plot"]').count()).toBe(0);
    await page.close();
  });

  it('refuses traversal and request bodies sent by fetch', async () => {
    const page = await newPage();
    await page.goto(labUrl());
    const statuses = await page.evaluate(async () => {
      const status = async (path: string, init?: RequestInit) => (await fetch(path, init)).status;
      return {
        encodedSlash: await status('/lab/..%2f..%2fpackage.json'),
        encodedBackslash: await status('/lab/..%5cpackage.json'),
        doubleDot: await status('/lab/%2e%2e/%2e%2e/package.json'),
        nul: await status('/lab/index.html%00.js'),
        dotfile: await status('/.git/config'),
        missing: await status('/lab/no-such-file.js'),
        post: await status('/lab/', { method: 'POST', body: 'x'.repeat(100_000) }),
        put: await status('/lab/index.html', { method: 'PUT', body: 'overwrite' }),
      };
    });
    expect([400, 403, 404]).toContain(statuses.encodedSlash);
    expect([400, 403, 404]).toContain(statuses.encodedBackslash);
    expect([400, 403, 404]).toContain(statuses.doubleDot);
    expect([400, 403, 404]).toContain(statuses.nul);
    expect([400, 403, 404]).toContain(statuses.dotfile);
    expect(statuses.missing).toBe(404);
    expect([405, 413]).toContain(statuses.post);
    expect([405, 413]).toContain(statuses.put);
    await page.close();
  });
});
