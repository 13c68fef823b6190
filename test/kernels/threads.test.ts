import { afterAll, describe, expect, it } from 'vitest';
import { WasmHeap } from '../../src/kernels/wasm/heap.js';
import { instantiateSharedKernelsSync, type KernelModule } from '../../src/kernels/wasm/loader.js';
import {
  createGemmThreads,
  type GemmThreads,
  getThreads,
  setThreads,
} from '../../src/kernels/wasm/threads.js';

/** A shared-memory instance of the kernels with a heap of its own (128 MiB). */
function sharedKernels(): { mod: KernelModule; heap: WasmHeap } {
  const mod = instantiateSharedKernelsSync([128]);
  if (mod === undefined) throw new Error('this host has no shared wasm memory');
  return { mod, heap: new WasmHeap(mod.memory, mod.scratchBase, [128]) };
}

/** Seeded values in [-0.5, 0.5): a failure reproduces. */
function fill(x: Float32Array, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32 - 0.5;
  }
}

const { mod, heap } = sharedKernels();
const f32 = new Float32Array(mod.memory.buffer);
const one = mod.kernel('sgemm');
const workBytes = (mod.kernel('gemmWorkspaceBytes') as unknown as () => number)();
const work = heap.alloc(workBytes);
// Every product is split, however small: the awkward sizes are the point.
const threads: GemmThreads = createGemmThreads(mod, heap, { parties: 2, minSplit: 1 });
afterAll(async () => {
  await threads.close();
});

interface Case {
  ta: boolean;
  tb: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
}

/** C from one thread and from the split product, over the same operands in the shared heap. */
function both(
  t: Case,
  seed: number,
): { single: Float32Array; split: Float32Array; ref: Float64Array } {
  const { ta, tb, m, n, k, alpha, beta } = t;
  const pa = heap.alloc(m * k * 4);
  const pb = heap.alloc(k * n * 4);
  const pc = heap.alloc(m * n * 4);
  const a = f32.subarray(pa >> 2, (pa >> 2) + m * k);
  const b = f32.subarray(pb >> 2, (pb >> 2) + k * n);
  const c = f32.subarray(pc >> 2, (pc >> 2) + m * n);
  fill(a, seed);
  fill(b, seed + 1);
  const c0 = new Float32Array(m * n);
  fill(c0, seed + 2);
  const args = [
    ta ? 1 : 0,
    tb ? 1 : 0,
    m,
    n,
    k,
    alpha,
    pa,
    ta ? m : k,
    pb,
    tb ? k : n,
    beta,
    pc,
    n,
  ];
  c.set(c0);
  one(...args, work);
  const single = c.slice();
  c.set(c0);
  threads.sgemm(...args, work);
  const split = c.slice();
  const ref = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += a[ta ? p * m + i : i * k + p]! * b[tb ? j * k + p : p * n + j]!;
      ref[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * c0[i * n + j]!);
    }
  }
  for (const p of [pa, pb, pc]) heap.free(p);
  return { single, split, ref };
}

const bits = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);

describe('GEMM split between threads over shared memory', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 2, 5],
    [8, 8, 8],
    [10, 70, 33],
    [37, 53, 300],
    [133, 19, 17],
    [64, 10, 128],
    [150, 16, 1100],
    [257, 300, 260],
  ];
  const cases: Case[] = [];
  for (const [m, n, k] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) cases.push({ ta, tb, m, n, k, alpha: 1, beta: 0 });
    }
    cases.push({ ta: false, tb: false, m, n, k, alpha: 0.5, beta: 1 });
    cases.push({ ta: true, tb: false, m, n, k, alpha: -2, beta: 0.25 });
  }

  it.each(
    cases.map(
      (c, i) =>
        [
          `${c.m}×${c.n}×${c.k} ${c.ta ? 'Aᵀ' : 'A'}${c.tb ? 'Bᵀ' : 'B'} α=${c.alpha} β=${c.beta}`,
          c,
          i,
        ] as const,
    ),
  )('%s: the same bits as one thread, and the float64 product', (_, c, i) => {
    const { single, split, ref } = both(c, 17 + i);
    expect(threads.parties()).toBe(2);
    expect(bits(split)).toEqual(bits(single));
    let worst = 0;
    for (let j = 0; j < ref.length; j++) {
      worst = Math.max(worst, Math.abs(split[j]! - ref[j]!) / (1 + Math.abs(ref[j]!)));
    }
    expect(worst).toBeLessThan(1e-5 * Math.sqrt(c.k));
  });

  it('keeps products under the threshold on the calling thread', () => {
    const small = createGemmThreads(mod, heap, { parties: 2, minSplit: 1000 });
    const { single, split } = both(
      { ta: false, tb: false, m: 8, n: 8, k: 8, alpha: 1, beta: 0 },
      5,
    );
    expect(bits(split)).toEqual(bits(single));
    expect(small.parties()).toBe(1);
  });

  it('with one party, or over a memory of its own, is the kernel itself', () => {
    expect(createGemmThreads(mod, heap, { parties: 1 }).sgemm).toBe(one);
    const own: KernelModule = {
      memory: mod.memory,
      scratchBase: mod.scratchBase,
      kernel: mod.kernel,
    };
    const t = createGemmThreads(own, heap, { parties: 2 });
    expect(t.sgemm).toBe(one);
    expect(t.parties()).toBe(1);
  });

  it('stops its workers cleanly, and computes on the calling thread after', async () => {
    const t = createGemmThreads(mod, heap, { parties: 3, minSplit: 1 });
    const used = heap.used;
    const pa = heap.alloc(64 * 64 * 4);
    const pc = heap.alloc(64 * 64 * 4);
    f32.fill(0.5, pa >> 2, (pa >> 2) + 64 * 64);
    t.sgemm(0, 0, 64, 64, 64, 1, pa, 64, pa, 64, 0, pc, 64, work);
    expect(t.parties()).toBe(3);
    expect(f32[(pc >> 2) + 64 * 64 - 1]).toBe(16);
    expect(await t.close()).toEqual([0, 0]);
    expect(t.parties()).toBe(1);
    t.sgemm(0, 0, 64, 64, 64, 2, pa, 64, pa, 64, 0, pc, 64, work);
    expect(f32[(pc >> 2) + 64 * 64 - 1]).toBe(32);
    heap.free(pa);
    heap.free(pc);
    // The workers' workspaces went back to the heap.
    expect(heap.used).toBe(used);
  });

  it('follows setThreads(), restarting its workers at the next large product', async () => {
    const before = getThreads();
    const t = createGemmThreads(mod, heap, { minSplit: 1 });
    const used = heap.used;
    try {
      const m = 40;
      const pa = heap.alloc(m * m * 4);
      const pc = heap.alloc(m * m * 4);
      fill(f32.subarray(pa >> 2, (pa >> 2) + m * m), 3);
      const run = () => {
        t.sgemm(0, 1, m, m, m, 1, pa, m, pa, m, 0, pc, m, work);
        return f32.slice(pc >> 2, (pc >> 2) + m * m);
      };
      setThreads(1);
      const single = run();
      expect(t.parties()).toBe(1);
      for (const n of [2, 3, 1, 2]) {
        setThreads(n);
        expect(getThreads()).toBe(n);
        expect(bits(run())).toEqual(bits(single));
        expect(t.parties()).toBe(n);
      }
      heap.free(pa);
      heap.free(pc);
    } finally {
      setThreads(before);
      await t.close();
    }
    // Every retired worker's workspace went back too.
    expect(heap.used).toBe(used);
  });

  it('refuses a thread count that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => setThreads(bad)).toThrow(
        `setThreads: n must be a positive integer (got ${bad})`,
      );
    }
  });
});
