/**
 * tidy(): op outputs made inside a scope live in the wasm heap and are freed
 * when it ends, but for what it returns, keep()s, and the gradients leaves
 * keep. The values must be those of the same ops outside any scope, bit for
 * bit: the kernels are the same, only where the arrays live differs.
 */
import { describe, expect, it } from 'vitest';
import { listActivations, resolveElementwise } from '../../src/activations/registry.js';
import { getBackend, setBackend } from '../../src/kernels/backend.js';
import { wasmKernelIds } from '../../src/kernels/wasm/bindings.js';
import { wasmBackend } from '../../src/kernels/wasm/index.js';
import { Adam } from '../../src/nn/optimizers.js';
import { lenet5, mlp } from '../../src/nn/zoo.js';
import {
  activation,
  applyElementwise,
  inScope,
  keep,
  matmul,
  Random,
  sum,
  Tensor,
  tidy,
} from '../../src/tensor/index.js';

const wasm = wasmBackend;
const describeWasm = wasm === undefined ? describe.skip : describe;

function values(n: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * 4);
}

function used(): number {
  return getBackend().residentBytes!().used;
}

function withWasm<T>(fn: () => T): T {
  const previous = getBackend().name;
  setBackend('wasm');
  try {
    return fn();
  } finally {
    setBackend(previous);
  }
}

describeWasm('tidy() on the wasm backend', () => {
  it('puts op outputs in the heap inside a scope, and only there', () =>
    withWasm(() => {
      const x = new Tensor(values(5000, 1), [5000]);
      const outside = activation(x, 'relu');
      expect(getBackend().isResident!(outside.data as Float32Array)).toBe(false);
      expect(inScope()).toBe(false);
      tidy(() => {
        expect(inScope()).toBe(true);
        const inside = activation(x, 'relu');
        expect(getBackend().isResident!(inside.data as Float32Array)).toBe(true);
      });
    }));

  it('frees what it does not return, and keeps what it returns intact', () =>
    withWasm(() => {
      const x = new Tensor(values(40_000, 2), [40_000]);
      const before = used();
      const y = tidy(() => {
        const a = activation(x, 'tanh');
        const b = activation(a, 'relu');
        return activation(b, 'sigmoid');
      });
      // Only y's block is still in use.
      expect(used() - before).toBe(40_000 * 4);
      const expected = Array.from(
        activation(activation(activation(x, 'tanh'), 'relu'), 'sigmoid').data,
      );
      // New scopes reuse the freed blocks; y must not be one of them.
      for (let i = 0; i < 3; i++) tidy(() => activation(x, 'elu').data[0]);
      expect(Array.from(y.data)).toEqual(expected);
      y.dispose();
      expect(used()).toBe(before);
    }));

  it('keeps keep()-ed tensors past nested scopes, and hands returned ones to the outer scope', () =>
    withWasm(() => {
      const x = new Tensor(values(2048, 3), [2048]);
      const before = used();
      let kept: Tensor | undefined;
      tidy(() => {
        const inner = tidy(() => {
          kept = keep(activation(x, 'gelu'));
          return activation(x, 'silu');
        });
        // Returned by the inner scope: alive here, freed when this one ends.
        expect(inner.data[5]).toBe(activation(x, 'silu').data[5]);
      });
      expect(used() - before).toBe(2048 * 4);
      expect(Array.from(kept!.data)).toEqual(Array.from(activation(x, 'gelu').data));
      kept!.dispose();
      kept!.dispose(); // a second dispose does nothing
      expect(used()).toBe(before);
    }));

  it('frees everything when the function throws, and refuses an async function', () =>
    withWasm(() => {
      const x = new Tensor(values(4096, 4), [4096]);
      const before = used();
      expect(() =>
        tidy(() => {
          activation(x, 'relu');
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(used()).toBe(before);
      expect(() => tidy(() => Promise.resolve(1))).toThrow(/synchronous/);
      expect(inScope()).toBe(false);
    }));

  it('gives every wasm activation the same values and gradients in the heap as outside it', () =>
    withWasm(() => {
      // 4099: three elements past whole vectors go through the copy path.
      for (const n of [4096, 4099]) {
        const xv = values(n, n);
        const gv = values(n, n + 1);
        for (const spec of listActivations()) {
          if (spec.kind !== 'elementwise' || !wasmKernelIds().includes(spec.id)) continue;
          const { params } = resolveElementwise(spec.id, {});
          const plainX = new Tensor(xv.slice(), [n], true);
          applyElementwise(spec, params, plainX).backward(gv);
          const plainY = applyElementwise(spec, params, new Tensor(xv, [n]));
          const [y, g] = tidy(() => {
            const x = new Tensor(xv, [n]).clone();
            x.requiresGrad = true;
            const upstream = new Tensor(gv, [n]).clone();
            const out = applyElementwise(spec, params, x);
            out.backward(upstream);
            return [out, x.grad!];
          });
          expect(getBackend().isResident!(y!.data as Float32Array), spec.id).toBe(true);
          expect(Array.from(y!.data), spec.id).toEqual(Array.from(plainY.data));
          expect(Array.from(g!.data), spec.id).toEqual(Array.from(plainX.grad!.data));
        }
      }
    }));

  it('computes a matmul and its gradients in the heap as outside it', () =>
    withWasm(() => {
      const a = values(37 * 53, 5);
      const b = values(53 * 41, 6);
      const run = () => {
        const ta = new Tensor(a, [37, 53], true);
        const tb = new Tensor(b, [53, 41], true);
        sum(activation(matmul(ta, tb), 'tanh')).backward();
        return [ta.grad!.data.slice(), tb.grad!.data.slice()];
      };
      const plain = run();
      const scoped = tidy(run);
      expect(Array.from(scoped[0]!)).toEqual(Array.from(plain[0]!));
      expect(Array.from(scoped[1]!)).toEqual(Array.from(plain[1]!));
    }));
});

describeWasm('fit in the heap', () => {
  it('keeps weights and optimizer slots resident and frees every step', async () => {
    await withWasm(async () => {
      const rng = new Random(1);
      const x = new Tensor(
        Float32Array.from({ length: 256 * 40 }, () => rng.normal()),
        [256, 40],
      );
      const y = Int32Array.from({ length: 256 }, (_, i) => i % 3);
      const m = mlp({ inputShape: [40], hidden: [64, 32], outputs: 3, seed: 2 });
      m.compile({
        optimizer: new Adam({ learningRate: 1e-3 }),
        loss: 'sparse_categorical_crossentropy',
      });
      await m.fit(x, y, { batchSize: 32, epochs: 1, verbose: 0, seed: 0 });
      const kernel = m.trainableWeights[0]!.tensor;
      expect(getBackend().isResident!(kernel.data as Float32Array)).toBe(true);
      const after1 = used();
      await m.fit(x, y, { batchSize: 32, epochs: 2, verbose: 0, seed: 1 });
      // Steady state: the steps of two more epochs left nothing behind.
      expect(used()).toBe(after1);
    });
  });
});

describeWasm('a convolutional network in the heap', () => {
  it('trains to the same weights in tidy() steps as in traced ones, which run outside scopes', async () => {
    await withWasm(async () => {
      const rng = new Random(4);
      const x = new Tensor(
        Float32Array.from({ length: 48 * 12 * 12 }, () => rng.uniform(0, 1)),
        [48, 12, 12, 1],
      );
      const y = Int32Array.from({ length: 48 }, (_, i) => i % 10);
      const run = async (needsTrace: boolean) => {
        const m = lenet5({ inputShape: [12, 12, 1], seed: 5 });
        m.compile({
          optimizer: new Adam({ learningRate: 1e-3 }),
          loss: 'sparse_categorical_crossentropy',
        });
        await m.fit(x, y, {
          batchSize: 16,
          epochs: 2,
          verbose: 0,
          seed: 6,
          callbacks: [{ needsTrace }],
        });
        return m.getWeights().map((w) => Array.from(w.data));
      };
      const traced = await run(true);
      const scoped = await run(false);
      expect(scoped).toEqual(traced);
    });
  });
});

describe('tidy() on any backend', () => {
  it('changes nothing on the js backend: ordinary arrays, same values', () => {
    const previous = getBackend().name;
    setBackend('js');
    try {
      const x = new Tensor(values(3000, 7), [3000]);
      const y = tidy(() => activation(x, 'relu'));
      expect(getBackend().isResident).toBeUndefined();
      expect(Array.from(y.data)).toEqual(Array.from(activation(x, 'relu').data));
    } finally {
      setBackend(previous);
    }
  });
});
