/**
 * biasActivation(x, b, f) is f(biasAdd(x, b)) in one op,
 * denseBiasActivation(x, w, b, f) is f(biasAdd(matmul(x, w), b)) and
 * conv2dBiasActivation(x, w, b, f) is f(biasAdd(conv2d(x, w), b)): their
 * gradients match central differences, and their values and gradients equal
 * those of the separate ops.
 */
import { describe, expect, it } from 'vitest';
import { resolveElementwise } from '../../src/activations/registry.js';
import {
  applyElementwise,
  biasActivation,
  biasAdd,
  conv2d,
  conv2dBiasActivation,
  denseBiasActivation,
  matmul,
  Random,
  Tensor,
} from '../../src/tensor/index.js';
import { gradCheck, randomLeaf } from '../helpers/gradcheck.js';

// sigmoid's derivative comes from y, softplus's from x + b.
const NAMES = ['sigmoid', 'softplus', 'tanh', 'elu'];

describe('biasActivation', () => {
  NAMES.forEach((name, k) => {
    const { spec, params } = resolveElementwise(name, {});

    it(`${name}: gradients match central differences for x and b`, () => {
      const rng = new Random(700 + k);
      const x = randomLeaf(rng, [3, 2, 5]);
      const b = randomLeaf(rng, [5]);
      const { checked, failures } = gradCheck(
        (u, v) => biasActivation(u!, v!, spec, params),
        [x, b],
      );
      expect(failures).toEqual([]);
      expect(checked).toBe(x.size + b.size);
    });

    it(`${name}: values and gradients are those of biasAdd then the activation`, () => {
      const rng = new Random(800 + k);
      const x = randomLeaf(rng, [4, 6]);
      const b = randomLeaf(rng, [6]);
      const upstream = randomLeaf(rng, [4, 6]).data;
      const fusedY = biasActivation(x, b, spec, params);
      fusedY.backward(upstream);
      const fused = [fusedY.data, x.grad!.data, b.grad!.data].map((a) => Array.from(a));
      x.zeroGrad();
      b.zeroGrad();
      const twoY = applyElementwise(spec, params, biasAdd(x, b));
      twoY.backward(upstream);
      expect(fused).toEqual([twoY.data, x.grad!.data, b.grad!.data].map((a) => Array.from(a)));
    });
  });

  it('rejects a bias that does not match the last axis', () => {
    const { spec, params } = resolveElementwise('relu', {});
    const x = new Tensor(new Float32Array(6), [2, 3]);
    expect(() => biasActivation(x, new Tensor(new Float32Array(2), [2]), spec, params)).toThrow(
      /does not match the last axis/,
    );
  });
});

describe('conv2dBiasActivation', () => {
  NAMES.forEach((name, k) => {
    const { spec, params } = resolveElementwise(name, {});
    const options = { padding: 'same' as const, strides: k % 2 === 0 ? 1 : 2 };

    it(`${name}: gradients match central differences for x, w and b`, () => {
      const rng = new Random(900 + k);
      const x = randomLeaf(rng, [2, 5, 4, 2]);
      const w = randomLeaf(rng, [3, 3, 2, 3]);
      const b = randomLeaf(rng, [3]);
      const { checked, failures } = gradCheck(
        (u, v, c) => conv2dBiasActivation(u!, v!, c!, spec, params, options),
        [x, w, b],
      );
      expect(failures).toEqual([]);
      expect(checked).toBe(x.size + w.size + b.size);
    });

    it(`${name}: values and gradients are those of conv2d, biasAdd and the activation`, () => {
      const rng = new Random(950 + k);
      const x = randomLeaf(rng, [2, 6, 5, 3]);
      const w = randomLeaf(rng, [5, 5, 3, 4]);
      const b = randomLeaf(rng, [4]);
      const fusedY = conv2dBiasActivation(x, w, b, spec, params, options);
      const upstream = randomLeaf(rng, [...fusedY.shape]).data;
      fusedY.backward(upstream);
      const grads = () => [x.grad!.data, w.grad!.data, b.grad!.data].map((a) => Array.from(a));
      const fused = [Array.from(fusedY.data), ...grads()];
      for (const t of [x, w, b]) t.zeroGrad();
      const threeY = applyElementwise(spec, params, biasAdd(conv2d(x, w, options), b));
      threeY.backward(upstream);
      expect(fused).toEqual([Array.from(threeY.data), ...grads()]);
    });
  });
});

describe('denseBiasActivation', () => {
  NAMES.forEach((name, k) => {
    const { spec, params } = resolveElementwise(name, {});

    it(`${name}: gradients match central differences for x, w and b`, () => {
      const rng = new Random(1000 + k);
      const x = randomLeaf(rng, [3, 4]);
      const w = randomLeaf(rng, [4, 5]);
      const b = randomLeaf(rng, [5]);
      const { checked, failures } = gradCheck(
        (u, v, c) => denseBiasActivation(u!, v!, c!, spec, params),
        [x, w, b],
      );
      expect(failures).toEqual([]);
      expect(checked).toBe(x.size + w.size + b.size);
    });

    it(`${name}: values and gradients are those of matmul, biasAdd and the activation`, () => {
      const rng = new Random(1050 + k);
      const x = randomLeaf(rng, [6, 7]);
      const w = randomLeaf(rng, [7, 3]);
      const b = randomLeaf(rng, [3]);
      const fusedY = denseBiasActivation(x, w, b, spec, params);
      const upstream = randomLeaf(rng, [6, 3]).data;
      fusedY.backward(upstream);
      const grads = () => [x.grad!.data, w.grad!.data, b.grad!.data].map((a) => Array.from(a));
      const fused = [Array.from(fusedY.data), ...grads()];
      for (const t of [x, w, b]) t.zeroGrad();
      const threeY = applyElementwise(spec, params, biasAdd(matmul(x, w), b));
      threeY.backward(upstream);
      expect(fused).toEqual([Array.from(threeY.data), ...grads()]);
    });
  });

  it('rejects operands that do not fit a Dense layer', () => {
    const { spec, params } = resolveElementwise('relu', {});
    const x = new Tensor(new Float32Array(6), [2, 3]);
    const w = new Tensor(new Float32Array(8), [4, 2]);
    expect(() =>
      denseBiasActivation(x, w, new Tensor(new Float32Array(2), [2]), spec, params),
    ).toThrow(/cannot multiply/);
  });
});
