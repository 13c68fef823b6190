import { defineConfig } from 'vitest/config';

/**
 * The browser suite (`npm run test:browser`): Chromium drives the built lab.
 * Kept out of `npm test`, whose config only includes `*.test.ts`.
 */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/browser/**/*.browser.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
