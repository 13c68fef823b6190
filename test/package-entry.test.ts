import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as actlab from '../src/index.js';

const ROOT = join(import.meta.dirname, '..');

/** The source file tsc compiles to a dist/ path (tsconfig.build.json: rootDir src, outDir dist). */
function sourceOf(distPath: string): string {
  return join(ROOT, distPath.replace(/^(\.\/)?dist\//, 'src/').replace(/\.(d\.ts|js)$/, '.ts'));
}

describe("the package entry ('actlab')", () => {
  it('points main, types, exports and bin at files the build makes', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      main: string;
      types: string;
      bin: Record<string, string>;
      exports: Record<string, { types: string; import: string }>;
    };
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin)];
    for (const e of Object.values(pkg.exports)) targets.push(e.types, e.import);
    for (const t of targets) expect(existsSync(sourceOf(t)), t).toBe(true);
  });

  it("runs the README's library example", () => {
    const { spec, params } = actlab.resolveActivation('gelu', { approximate: 'tanh' });
    if (spec.kind !== 'elementwise') throw new Error('gelu is elementwise');
    // The tanh form by its formula: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    const x = 1.5;
    const expected = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    expect(spec.f(x, params)).toBeCloseTo(expected, 14);
    expect(spec.f(x, params)).toBeCloseTo(1.3995715, 6);
    const model = new actlab.Sequential([
      new actlab.Dense({ units: 64, activation: 'swish' }),
      new actlab.Dense({ units: 10, activation: 'softmax' }),
    ]);
    const y = model.predict(actlab.tensor([1, 2, 3], [1, 3]));
    expect(y.shape).toEqual([1, 10]);
    const sum = Array.from(y.data).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 5);
  });

  it('exports each layer of the library: catalogue, tensors, backends, data, nn, diagnostics', () => {
    for (const name of [
      'defineActivation',
      'relu',
      'Tensor',
      'setBackend',
      'spiral',
      'Conv2D',
      'loadModel',
      'GradientFlow',
      'Saturation',
    ]) {
      expect(actlab, name).toHaveProperty(name);
    }
  });
});
