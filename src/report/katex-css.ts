/**
 * KaTeX's stylesheet with its fonts inlined as data: URLs, so that the
 * report's formulas render offline from one file, wherever it is copied.
 * KaTeX's CSS names only .woff2 fonts, which every current browser reads.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | undefined;

export function katexCssInline(): string {
  if (cached !== undefined) return cached;
  const dist = join(dirname(createRequire(import.meta.url).resolve('katex/package.json')), 'dist');
  const css = readFileSync(join(dist, 'katex.min.css'), 'utf8');
  cached = css.replace(
    /url\((fonts\/[A-Za-z0-9_-]+\.(woff2|woff|ttf))\)/g,
    (_, file: string, ext: string) => {
      const type = ext === 'ttf' ? 'font/ttf' : `font/${ext}`;
      return `url(data:${type};base64,${readFileSync(join(dist, file)).toString('base64')})`;
    },
  );
  return cached;
}
