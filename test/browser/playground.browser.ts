import { rmSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/report/server.js';
import { type Browser, fakeReport, LAB_DIR, launchBrowser, outputPath } from './harness.js';

let browser: Browser;
let server: RunningServer;
let report: string;
/** Page errors and Content-Security-Policy violations (a blocked worker shows up here). */
const problems: string[] = [];

async function newPage(): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('console', (m) => {
    if (/CSP violation|Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return page;
}

function labUrl(hash: string): string {
  return `${server.url}lab/${hash}`;
}

/** A number the page keeps in a data-value attribute (the text is rounded for reading). */
async function shownValue(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute('data-value'));
}

/** The points of an SVG path `M x y L x y ...`. */
function pointCount(d: string | null): number {
  return [...(d ?? '').matchAll(/[ML]-?[\d.]+ -?[\d.]+/g)].length;
}

beforeAll(async () => {
  browser = await launchBrowser();
  report = fakeReport();
  server = await startServer({ port: 0, root: { '/': report, '/lab/': LAB_DIR } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (report !== undefined) rmSync(report, { recursive: true, force: true });
});

describe('the playground in Chromium', () => {
  it('trains relu units on the spiral until the test loss falls below 0.2 within 3000 steps', async () => {
    const page = await newPage();
    // A step budget in the link makes the run stop by itself, so the reading is of step 3000 exactly.
    await page.goto(
      labUrl(
        '#playground?data=spiral&f=x1,x2,sinx1,sinx2&layers=8,8&act=relu&lr=0.01&opt=adam&batch=10&stop=3000',
      ),
    );
    await page.getByTestId('pg-heatmap').waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="pg-steps"]')?.getAttribute('data-value') === '0',
    );
    const before = await shownValue(page, 'pg-test-loss');
    // An untrained network's cross-entropy is near log 2 ≈ 0.69 on two balanced classes.
    expect(before).toBeGreaterThan(0.4);
    await page.getByTestId('pg-play').click();
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="pg-status"]')?.getAttribute('data-state') ===
        'stopped',
      undefined,
      { timeout: 45_000 },
    );
    expect(await shownValue(page, 'pg-steps')).toBe(3000);
    const after = await shownValue(page, 'pg-test-loss');
    expect(after).toBeLessThan(0.2);
    expect(await page.getByTestId('pg-test-loss').getAttribute('data-step')).toBe('3000');
    expect(await shownValue(page, 'pg-test-accuracy')).toBeGreaterThan(0.9);
    // Both loss curves and one gradient-flow line per layer (2 hidden + output) were drawn.
    expect(pointCount(await page.getByTestId('pg-test-curve').getAttribute('d'))).toBeGreaterThan(
      2,
    );
    for (const i of [0, 1, 2])
      expect(pointCount(await page.getByTestId(`pg-grad-${i}`).getAttribute('d'))).toBeGreaterThan(
        2,
      );
    await page.screenshot({ path: outputPath('playground-spiral-relu.png'), fullPage: true });
    await page.close();
  });

  it('opens a link with playground state and shows that state', async () => {
    const page = await newPage();
    await page.goto(
      labUrl(
        '#playground?data=xor&noise=20&train=70&f=x1,x2,x1x2&layers=3,5,2&act=elu,gelu,tanh&lr=0.1&opt=sgd&l1=0.001&l2=0.01&batch=25&seed=4',
      ),
    );
    await page.getByTestId('pg-unit-2-1').waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="pg-steps"]')?.getAttribute('data-value') === '0',
    );
    expect(await page.getByTestId('pg-data-xor').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('pg-data-spiral').getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByTestId('pg-noise').inputValue()).toBe('20');
    expect(await page.getByTestId('pg-train-percent').inputValue()).toBe('70');
    expect(await page.getByTestId('pg-feature-x1x2').isChecked()).toBe(true);
    expect(await page.getByTestId('pg-feature-x1sq').isChecked()).toBe(false);
    expect(await page.getByTestId('pg-layer-count').textContent()).toBe('3 hidden layers');
    expect(await page.getByTestId('pg-units-1').textContent()).toBe('5 units');
    expect(await page.locator('[data-testid^="pg-unit-1-"]').count()).toBe(5);
    expect(await page.getByTestId('pg-act-0').inputValue()).toBe('elu');
    expect(await page.getByTestId('pg-act-1').inputValue()).toBe('gelu');
    expect(await page.getByTestId('pg-act-2').inputValue()).toBe('tanh');
    expect(await page.getByTestId('pg-lr').inputValue()).toBe('0.1');
    expect(await page.getByTestId('pg-opt').inputValue()).toBe('sgd');
    expect(await page.getByTestId('pg-l1').inputValue()).toBe('0.001');
    expect(await page.getByTestId('pg-l2').inputValue()).toBe('0.01');
    expect(await page.getByTestId('pg-batch').inputValue()).toBe('25');
    // A change is written back to the URL, the rest of the state with it.
    await page.getByTestId('pg-act-2').selectOption('relu');
    await page.waitForFunction(() => location.hash.includes('act=elu,gelu,relu'));
    expect(await page.evaluate(() => location.hash)).toContain('layers=3,5,2');
    await page.screenshot({ path: outputPath('playground-from-url.png'), fullPage: true });
    await page.close();
  });

  it('greys out relu units that pass no gradient on any training point', async () => {
    const page = await newPage();
    // A learning rate of 10 drives most ReLU units negative everywhere within a few steps.
    await page.goto(labUrl('#playground?data=circle&layers=8,8&act=relu&lr=10&opt=sgd&stop=200'));
    await page.getByTestId('pg-unit-1-7').waitFor();
    await page.getByTestId('pg-play').click();
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="pg-status"]')?.getAttribute('data-state') ===
        'stopped',
    );
    const dead = await shownValue(page, 'pg-dead-count');
    expect(dead).toBeGreaterThan(0);
    expect(await page.locator('canvas[data-dead="true"]').count()).toBe(dead);
    expect(await page.locator('.pg-unit-box.dead').count()).toBe(dead);
    await page.screenshot({ path: outputPath('playground-dead-units.png'), fullPage: true });
    await page.close();
  });

  it('keeps training in a worker while the page answers, and shows the step rate of a 2×8 network', async () => {
    const page = await newPage();
    await page.goto(labUrl('#playground?data=spiral&layers=8,8&act=relu&batch=10&lr=0.03'));
    await page.getByTestId('pg-heatmap').waitFor();
    await page.getByTestId('pg-play').click();
    await page.waitForFunction(
      () =>
        Number(document.querySelector('[data-testid="pg-steps"]')?.getAttribute('data-value')) >
        2000,
    );
    // The main thread stays free: a round trip through it takes a frame, not a training slice.
    const frame = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const t0 = performance.now();
          requestAnimationFrame(() => resolve(performance.now() - t0));
        }),
    );
    const rate = await shownValue(page, 'pg-rate');
    expect(rate).toBeGreaterThan(0);
    expect(await page.getByTestId('pg-rate').textContent()).toMatch(/^\d+$/);
    await page.getByTestId('pg-play').click();
    writeFileSync(
      outputPath('playground-rate.json'),
      `${JSON.stringify({ network: '2 hidden layers of 8, relu', points: 500, batchSize: 10, stepsPerSecond: Math.round(rate), frameMs: Math.round(frame) }, null, 2)}\n`,
    );
    console.log(`playground: ${Math.round(rate)} steps/s (2×8 relu, batch 10, 500 points)`);
    await page.close();
  });
});

describe('the lab tabs on a narrow screen', () => {
  it('keep the playground and compare pages within the width of a phone', async () => {
    const page = await newPage();
    await page.setViewportSize({ width: 420, height: 900 });
    for (const hash of ['#playground?layers=4,4', '#compare?acts=relu,tanh&stop=200']) {
      await page.goto(labUrl(hash));
      await page.locator('[data-testid="pg-heatmap"], [data-testid="cmp-chart"]').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        420,
      );
    }
    await page.goto(labUrl('#playground?layers=4,4'));
    await page.getByTestId('pg-unit-1-3').waitFor();
    await page.screenshot({ path: outputPath('playground-narrow.png'), fullPage: true });
    await page.close();
  });
});

describe('the compare tab in Chromium', () => {
  it('trains one network per activation and draws their loss curves together', async () => {
    const page = await newPage();
    await page.goto(
      labUrl(
        '#compare?acts=relu,tanh,sigmoid,gelu&data=spiral&layers=8,8&lr=0.01&opt=adam&stop=800',
      ),
    );
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="cmp-status"]')?.getAttribute('data-state') === 'done',
      undefined,
      { timeout: 45_000 },
    );
    const curves = await Promise.all(
      [0, 1, 2, 3].map((i) => page.getByTestId(`cmp-curve-${i}`).getAttribute('d')),
    );
    for (const d of curves) expect(pointCount(d)).toBeGreaterThan(2);
    expect(new Set(curves).size).toBe(4);
    expect(await page.locator('[data-testid^="cmp-curve-"]').count()).toBe(4);
    for (const id of ['relu', 'tanh', 'sigmoid', 'gelu']) {
      const row = page.getByTestId(`cmp-row-${id}`);
      const accuracy = Number(await row.getAttribute('data-accuracy'));
      expect(accuracy).toBeGreaterThanOrEqual(0);
      expect(accuracy).toBeLessThanOrEqual(1);
    }
    await page.screenshot({ path: outputPath('compare.png'), fullPage: true });
    await page.close();
  });

  it('runs its workers under the Content-Security-Policy without page errors', () => {
    expect(problems).toEqual([]);
  });
});
