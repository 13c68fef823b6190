/**
 * Chromium for the browser suite: Debian's build, driven by playwright-core,
 * headless, with a fresh profile per run, and no network of its own (no
 * updates, sync or safe-browsing lookups) so that every request it makes is
 * one the lab asked for.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ROOT = new URL('../..', import.meta.url).pathname;
export const LAB_DIR = join(ROOT, 'dist', 'web');
export const OUTPUT_DIR = join(ROOT, 'test-output', 'browser');

/** A name the browser resolves to 127.0.0.1, as a DNS-rebinding attacker's domain would. */
export const REBOUND_HOST = 'rebind.actlab.test';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  `--host-resolver-rules=MAP ${REBOUND_HOST} 127.0.0.1`,
];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export function checkPrerequisites(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  if (!existsSync(join(LAB_DIR, 'index.html'))) {
    throw new Error(`the lab is not built in ${LAB_DIR}: npm run build:web`);
  }
}

export async function launchBrowser(): Promise<Browser> {
  checkPrerequisites();
  const profile = mkdtempSync(join(tmpdir(), 'actlab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 1000 },
    deviceScaleFactor: 1,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A stand-in report directory, so `/` serves a page of its own. */
export function fakeReport(): string {
  const dir = mkdtempSync(join(tmpdir(), 'actlab-report-'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><title>actlab report</title><h1>report</h1>',
  );
  return dir;
}

export function outputPath(name: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return join(OUTPUT_DIR, name);
}
