/**
 * The elementwise kernels' runner: one walk over operands in place or in
 * chunks, for the activations (index.ts) and the learnable-parameter
 * gradients (param-grads.ts).
 */
import type { KernelCall } from './bindings.js';
import type { WasmHeap } from './heap.js';
import type { KernelFn, KernelModule } from './loader.js';

/** Elements per scratch region: 64 KiB each, three regions, well inside L2. */
const CHUNK = 16384;

/**
 * Runs an elementwise kernel over operands that are either heap-resident
 * (used in place) or ordinary arrays (copied through a scratch region a chunk
 * at a time, so memory never grows with the input). The last operand is the
 * output, or, for a kernel that reduces (it returns a number and writes
 * nothing), every operand is an input. Whole vectors only run in place: a
 * kernel rounds its length up to four lanes, which must not write past a
 * resident output's end, so the last 1–3 elements of a resident run go
 * through the scratch copy. A reducing kernel must be given whole vectors:
 * the lanes past the end would be summed.
 */
export class Elementwise {
  readonly #mod: KernelModule;
  readonly #heap: WasmHeap;
  readonly #scratch: number;

  constructor(mod: KernelModule, heap: WasmHeap) {
    this.#mod = mod;
    this.#heap = heap;
    this.#scratch = heap.alloc(3 * CHUNK * 4);
    if (this.#scratch === 0) throw new Error('wasm heap: no room for the activation scratch');
  }

  /**
   * Returns the sum of what the kernel calls returned (see Binding.outOfRange,
   * or the reduction itself when `writes` is false).
   */
  run(c: KernelCall, ops: readonly Float32Array[], writes = true): number {
    const fn = this.#mod.kernel(c.fn);
    const heap = this.#heap;
    const f32 = heap.f32();
    const len = ops[0]!.length;
    const inputs = writes ? ops.length - 1 : ops.length;
    if (!writes && (len & 3) !== 0) {
      throw new RangeError(`wasm reduction '${c.fn}' needs whole vectors (got ${len} elements)`);
    }
    const resident = ops.every((a) => heap.holds(a));
    const direct = resident ? len & ~3 : 0;
    let flagged =
      direct > 0
        ? this.#call(
            fn,
            c,
            ops.map((a) => a.byteOffset),
            direct,
          )
        : 0;
    for (let o = direct; o < len; o += CHUNK) {
      const n = Math.min(CHUNK, len - o);
      const ptrs = ops.map((a, r) => {
        if (r < inputs && heap.holds(a) && (n & 3) === 0) return a.byteOffset + o * 4;
        const ptr = this.#scratch + r * CHUNK * 4;
        if (r < inputs) f32.set(a.subarray(o, o + n), ptr >> 2);
        return ptr;
      });
      flagged += this.#call(fn, c, ptrs, n);
      if (!writes) continue;
      const out = ops[ops.length - 1]!;
      const q = ptrs[ptrs.length - 1]! >> 2;
      out.set(f32.subarray(q, q + n), o);
    }
    return flagged;
  }

  #call(fn: KernelFn, c: KernelCall, ptrs: number[], n: number): number {
    // Kernels work on whole vectors: round n up; the extra lanes are never copied out.
    const padded = (n + 3) & ~3;
    const call = fn as unknown as (...args: number[]) => number | undefined;
    const r =
      ptrs.length === 2
        ? call(ptrs[0]!, ptrs[1]!, padded, ...c.args)
        : call(ptrs[0]!, ptrs[1]!, ptrs[2]!, padded, ...c.args);
    return r ?? 0;
  }
}
