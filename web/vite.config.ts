import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The lab as static files in dist/web/: relative URLs (served at /lab/ or from
 * any subpath), every script, style and font bundled (works offline, no CDN),
 * and no inline script, so the server's Content-Security-Policy can forbid them.
 */
export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // KaTeX's fonts stay files (the CSP allows data: fonts too, but files cache better).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    reportCompressedSize: false,
  },
  // The training worker is a module worker: the engine has lazy imports (saving,
  // Node-only callbacks) that split it into chunks, which the default 'iife' cannot hold.
  worker: { format: 'es' },
  server: { host: '127.0.0.1', fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
