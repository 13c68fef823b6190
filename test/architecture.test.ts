import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Each layer may import only from the layers listed before it (docs/ARCHITECTURE.md). */
const ORDER = [
  'activations',
  'kernels',
  'tensor',
  'data',
  'nn',
  'diagnostics',
  'experiments',
  'plot',
  'report',
  'cli',
  'web',
  'bench',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const SRC = join(import.meta.dirname, '..', 'src');

function layerOf(path: string): string {
  return relative(SRC, path).split(/[\\/]/)[0] ?? '';
}

describe('the layering of src/', () => {
  const files = sourceFiles(SRC);

  it('finds the source files it checks', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('never imports a layer from a layer listed before it', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      const rank = ORDER.indexOf(from);
      if (rank < 0) continue; // top-level entry points such as src/index.ts may import anything
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)) {
        const target = layerOf(join(file, '..', m[1]!));
        const targetRank = ORDER.indexOf(target);
        if (targetRank > rank) violations.push(`${relative(SRC, file)} imports ${m[1]}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps the catalogue free of tensor and nn imports', () => {
    const bad = files
      .filter((f) => layerOf(f) === 'activations')
      .filter((f) => /from\s+'[^']*\/(tensor|nn)\//.test(readFileSync(f, 'utf8')));
    expect(bad).toEqual([]);
  });
});
