/**
 * The wasm memory that the tensor kernels work in. A kernel call copies its
 * operands in, computes, and copies the result out; the arena hands out
 * 16-byte aligned regions for that and takes them all back at the next call,
 * so memory grows to the largest operation seen and then stays put — a
 * training loop does not allocate per batch. Long-lived regions (the GEMM's
 * packing workspace) are reserved once below the per-call region.
 *
 * The arena owns every byte from the memory's size at its creation upwards:
 * whatever the module placed before that (static data, the activation
 * kernels' scratch) is left alone.
 */
const PAGE = 65536;

function align16(n: number): number {
  return (n + 15) & ~15;
}

export class WasmArena {
  readonly #memory: WebAssembly.Memory;
  /** First byte of the per-call region. */
  #base: number;
  #top: number;
  #f32: Float32Array;
  #i32: Int32Array;

  constructor(memory: WebAssembly.Memory) {
    this.#memory = memory;
    this.#base = align16(memory.buffer.byteLength);
    this.#top = this.#base;
    this.#f32 = new Float32Array(memory.buffer);
    this.#i32 = new Int32Array(memory.buffer);
  }

  /** A region that lives as long as the arena (call before any per-call use). */
  reserve(bytes: number): number {
    const ptr = this.#base;
    this.#base = align16(ptr + bytes);
    this.#top = this.#base;
    this.#grow(this.#base);
    return ptr;
  }

  /** Starts a kernel call: every region handed out since the last one is free again. */
  begin(): void {
    this.#top = this.#base;
  }

  /** A region of `bytes` for the current call. */
  alloc(bytes: number): number {
    const ptr = this.#top;
    this.#top = align16(ptr + bytes);
    this.#grow(this.#top);
    return ptr;
  }

  /** A region holding a copy of src[offset .. offset + n]. */
  put(src: Float32Array | Int32Array, offset: number, n: number): number {
    const ptr = this.alloc(n * 4);
    const view = src instanceof Float32Array ? this.f32() : this.i32();
    view.set(src.subarray(offset, offset + n), ptr >> 2);
    return ptr;
  }

  /** dst[offset .. offset + n] = the n values at ptr. */
  get(ptr: number, n: number, dst: Float32Array | Int32Array, offset = 0): void {
    const view = dst instanceof Float32Array ? this.f32() : this.i32();
    dst.set(view.subarray(ptr >> 2, (ptr >> 2) + n), offset);
  }

  /** The memory as float32 (a fresh view when memory has grown since the last one). */
  f32(): Float32Array {
    if (this.#f32.buffer !== this.#memory.buffer) this.#f32 = new Float32Array(this.#memory.buffer);
    return this.#f32;
  }

  i32(): Int32Array {
    if (this.#i32.buffer !== this.#memory.buffer) this.#i32 = new Int32Array(this.#memory.buffer);
    return this.#i32;
  }

  #grow(end: number): void {
    const have = this.#memory.buffer.byteLength;
    if (end > have) this.#memory.grow(Math.ceil((end - have) / PAGE));
  }
}
