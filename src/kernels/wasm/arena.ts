/**
 * The per-call working memory of the tensor kernels, inside the wasm heap.
 * A kernel call copies its operands in, computes, and copies the result out;
 * the arena hands out 16-byte aligned regions for that and takes them all
 * back at the next call. Its region is a heap block that grows (by taking a
 * larger block) to the largest operation seen and then stays put, so a
 * training loop does not allocate per batch. Long-lived regions (the GEMM's
 * packing workspace) are heap blocks of their own.
 *
 * Operands that already live in the heap (resident tensors) need no copy:
 * input() and output() give their own address, and get() skips a copy onto
 * itself.
 */
import type { WasmHeap } from './heap.js';

function align16(n: number): number {
  return (n + 15) & ~15;
}

export class WasmArena {
  readonly heap: WasmHeap;
  /** The current region, and blocks added during this call when it ran out. */
  #block = 0;
  #size = 0;
  #top = 0;
  #extra: number[] = [];
  /** Bytes this call has asked for (the next region's size when it overflowed). */
  #asked = 0;

  constructor(heap: WasmHeap) {
    this.heap = heap;
  }

  /** A region that lives as long as the backend. */
  reserve(bytes: number): number {
    const ptr = this.heap.alloc(bytes);
    if (ptr === 0) throw new Error(`wasm heap: no room for ${bytes} bytes of workspace`);
    return ptr;
  }

  /** Starts a kernel call: every region handed out since the last one is free again. */
  begin(): void {
    if (this.#extra.length > 0) {
      // Last call overflowed: one region large enough for it from now on.
      for (const p of this.#extra) this.heap.free(p);
      this.#extra = [];
      if (this.#block !== 0) this.heap.free(this.#block);
      this.#size = this.#asked;
      this.#block = this.heap.alloc(this.#size);
      if (this.#block === 0) throw new Error(`wasm heap: no room for a ${this.#size}-byte arena`);
    }
    this.#top = this.#block;
    this.#asked = 0;
  }

  /** A region of `bytes` for the current call. */
  alloc(bytes: number): number {
    const size = align16(bytes);
    this.#asked += size;
    if (this.#block !== 0 && this.#top + size <= this.#block + this.#size) {
      const ptr = this.#top;
      this.#top += size;
      return ptr;
    }
    // Earlier regions of this call stay where they are: take another block.
    const ptr = this.heap.alloc(Math.max(size, 1 << 16));
    if (ptr === 0) throw new Error(`wasm heap: no room for ${bytes} bytes of kernel operands`);
    if (this.#block === 0) {
      this.#block = ptr;
      this.#size = this.heap.blockSize(ptr);
      this.#top = ptr + size;
      this.#asked = size;
      return ptr;
    }
    this.#extra.push(ptr);
    return ptr;
  }

  /** A region holding a copy of src[offset .. offset + n]. */
  put(src: Float32Array | Int32Array, offset: number, n: number): number {
    const ptr = this.alloc(n * 4);
    const view = src instanceof Float32Array ? this.f32() : this.i32();
    view.set(src.subarray(offset, offset + n), ptr >> 2);
    return ptr;
  }

  /**
   * src[offset .. offset + n] for a kernel that only reads it: its own
   * address when it lives in the heap, else a copy.
   */
  input(src: Float32Array, offset: number, n: number): number {
    return this.heap.holds(src) ? src.byteOffset + offset * 4 : this.put(src, offset, n);
  }

  /**
   * Where a kernel may write dst[offset .. offset + n] (then get() it back):
   * dst itself when it lives in the heap, else a fresh region.
   */
  output(dst: Float32Array, offset: number, n: number): number {
    return this.heap.holds(dst) ? dst.byteOffset + offset * 4 : this.alloc(n * 4);
  }

  /** dst[offset .. offset + n] = the n values at ptr (nothing to do when ptr is dst's own). */
  get(ptr: number, n: number, dst: Float32Array | Int32Array, offset = 0): void {
    if (this.heap.holds(dst) && dst.byteOffset + offset * 4 === ptr) return;
    const view = dst instanceof Float32Array ? this.f32() : this.i32();
    dst.set(view.subarray(ptr >> 2, (ptr >> 2) + n), offset);
  }

  f32(): Float32Array {
    return this.heap.f32();
  }

  i32(): Int32Array {
    return this.heap.i32();
  }
}
