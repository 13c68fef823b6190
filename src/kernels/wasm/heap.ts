/**
 * The wasm memory as a heap of blocks that tensors can live in.
 *
 * A Float32Array over wasm memory is an ordinary typed array to JavaScript,
 * and a kernel reaches it with no copy at all; but growing the memory
 * detaches every such view. So the heap grows the memory once, when it is
 * made, to a fixed capacity (address space only: the pages cost nothing
 * until they are written), and never again. Everything the backend keeps in
 * wasm memory is a block of it: the activation kernels' scratch, the GEMM's
 * packing workspace, the per-call arena, and the storage of resident tensors
 * (see residentAlloc in backend.ts). When the heap is full, callers fall back
 * to ordinary arrays and copies, never to growing. A shared memory (Node's:
 * loader.ts) is made at its capacity already, from the same list.
 *
 * Blocks are 64-byte aligned and sized in whole 64-byte lines, so a kernel
 * that works in whole vectors may run past the end of an array that fills
 * its block without touching a neighbour. Freed blocks wait in lists by size
 * (a training loop asks for the same sizes every step) and are merged with
 * their neighbours when nothing else fits.
 */
/** Bytes of a WebAssembly page. */
export const PAGE = 65536;
const LINE = 64;

function lines(bytes: number): number {
  return Math.max(LINE, Math.ceil(bytes / LINE) * LINE);
}

/** Capacities tried in turn (MiB): hosts that refuse a large reservation get a smaller heap. */
export const CAPACITIES_MIB: readonly number[] = [1024, 512, 256, 128];

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  /** First and one-past-last byte the heap manages. */
  readonly start: number;
  readonly end: number;
  #top: number;
  /** Live blocks: start → size. */
  readonly #live = new Map<number, number>();
  /** Free blocks by size. */
  #free = new Map<number, number[]>();
  #freeBytes = 0;
  readonly #f32: Float32Array;
  readonly #i32: Int32Array;

  /** `base`: first byte after the module's static data. */
  constructor(memory: WebAssembly.Memory, base: number, capacitiesMiB = CAPACITIES_MIB) {
    this.memory = memory;
    const have = memory.buffer.byteLength;
    for (const mib of capacitiesMiB) {
      const want = mib * 1024 * 1024;
      if (want <= have) break;
      try {
        memory.grow((want - have) / PAGE);
        break;
      } catch {
        // Try the next, smaller capacity.
      }
    }
    // Never 0: alloc() says "full" with 0.
    this.start = Math.max(LINE, Math.ceil(base / LINE) * LINE);
    this.end = memory.buffer.byteLength;
    this.#top = this.start;
    this.#f32 = new Float32Array(memory.buffer);
    this.#i32 = new Int32Array(memory.buffer);
  }

  /** Bytes the heap can hand out in all. */
  get capacity(): number {
    return this.end - this.start;
  }

  /** Bytes in live blocks. */
  get used(): number {
    return this.#top - this.start - this.#freeBytes;
  }

  /** The whole memory as float32 / int32 (never detached: the memory does not grow). */
  f32(): Float32Array {
    return this.#f32;
  }

  i32(): Int32Array {
    return this.#i32;
  }

  /** A block of at least `bytes`, or 0 when the heap is full. */
  alloc(bytes: number): number {
    const size = lines(bytes);
    let ptr = this.#takeFree(size);
    if (ptr === 0 && this.#top + size <= this.end) {
      ptr = this.#top;
      this.#top += size;
    }
    if (ptr === 0 && this.#freeBytes > 0) {
      this.#coalesce();
      ptr = this.#takeFree(size) || this.#fit(size);
      if (ptr === 0 && this.#top + size <= this.end) {
        ptr = this.#top;
        this.#top += size;
      }
    }
    if (ptr !== 0) this.#live.set(ptr, size);
    return ptr;
  }

  /** Returns a block; a pointer that is not a live block's start is an error. */
  free(ptr: number): void {
    const size = this.#live.get(ptr);
    if (size === undefined) throw new Error(`wasm heap: ${ptr} is not a live block`);
    this.#live.delete(ptr);
    if (ptr + size === this.#top) {
      this.#top = ptr;
      return;
    }
    let list = this.#free.get(size);
    if (list === undefined) this.#free.set(size, (list = []));
    list.push(ptr);
    this.#freeBytes += size;
  }

  /** Size of the live block that starts at ptr, or 0. */
  blockSize(ptr: number): number {
    return this.#live.get(ptr) ?? 0;
  }

  /** True when a is a view of this heap's memory. */
  holds(a: ArrayBufferView): boolean {
    return a.buffer === this.memory.buffer;
  }

  #takeFree(size: number): number {
    const list = this.#free.get(size);
    const ptr = list?.pop();
    if (ptr === undefined) return 0;
    this.#freeBytes -= size;
    return ptr;
  }

  /** First free block large enough, split. */
  #fit(size: number): number {
    for (const [s, list] of this.#free) {
      if (s < size || list.length === 0) continue;
      const ptr = list.pop()!;
      this.#freeBytes -= s;
      if (s > size) this.#release(ptr + size, s - size);
      return ptr;
    }
    return 0;
  }

  #release(ptr: number, size: number): void {
    let list = this.#free.get(size);
    if (list === undefined) this.#free.set(size, (list = []));
    list.push(ptr);
    this.#freeBytes += size;
  }

  /** Merges adjacent free blocks, and gives the top ones back to the bump pointer. */
  #coalesce(): void {
    const blocks: [number, number][] = [];
    for (const [size, list] of this.#free) for (const p of list) blocks.push([p, size]);
    blocks.sort((a, b) => a[0] - b[0]);
    this.#free = new Map();
    this.#freeBytes = 0;
    const merged: [number, number][] = [];
    for (const b of blocks) {
      const last = merged[merged.length - 1];
      if (last !== undefined && last[0] + last[1] === b[0]) last[1] += b[1];
      else merged.push([b[0], b[1]]);
    }
    const top = merged[merged.length - 1];
    if (top !== undefined && top[0] + top[1] === this.#top) {
      this.#top = top[0];
      merged.pop();
    }
    for (const [p, s] of merged) this.#release(p, s);
  }
}
