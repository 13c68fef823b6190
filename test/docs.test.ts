import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listActivations } from '../src/activations/index.js';
import { catalogueMarkdown } from '../src/report/catalogue-markdown.js';

describe('docs/activations.md', () => {
  it('is what `npm run docs` generates from the current specs (run it after changing a spec)', () => {
    const committed = readFileSync(
      join(import.meta.dirname, '..', 'docs', 'activations.md'),
      'utf8',
    );
    expect(committed).toBe(catalogueMarkdown(listActivations()));
  });
});
