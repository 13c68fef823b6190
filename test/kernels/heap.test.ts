import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WasmArena } from '../../src/kernels/wasm/arena.js';
import { WasmHeap } from '../../src/kernels/wasm/heap.js';

const MIB = 1024 * 1024;

/** A small heap over a memory of its own (1 MiB: 16 pages). */
function smallHeap(base = 100): WasmHeap {
  return new WasmHeap(new WebAssembly.Memory({ initial: 1 }), base, [1]);
}

describe('WasmHeap', () => {
  it('grows the memory once to its capacity, and never after', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new WasmHeap(memory, 64, [1]);
    expect(memory.buffer.byteLength).toBe(MIB);
    const buffer = memory.buffer;
    const ptrs: number[] = [];
    for (;;) {
      const p = heap.alloc(100_000);
      if (p === 0) break;
      ptrs.push(p);
    }
    // Full: it says so (0) instead of growing, so views over it stay attached.
    expect(ptrs.length).toBe(Math.floor((MIB - 64) / 100_032));
    expect(memory.buffer).toBe(buffer);
    expect(heap.f32().length).toBe(MIB / 4);
  });

  it('falls back to a smaller capacity when a larger one is refused', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 40 });
    const heap = new WasmHeap(memory, 64, [8, 2]);
    expect(heap.end).toBe(2 * MIB);
    expect(memory.buffer.byteLength).toBe(2 * MIB);
  });

  it('hands out 64-byte aligned blocks in whole lines, past the static data', () => {
    const heap = smallHeap(100);
    const a = heap.alloc(1);
    const b = heap.alloc(65);
    expect(a).toBe(128);
    expect(heap.blockSize(a)).toBe(64);
    expect(b).toBe(192);
    expect(heap.blockSize(b)).toBe(128);
  });

  it('reuses a freed block of the same size, and refuses a double free', () => {
    const heap = smallHeap();
    const a = heap.alloc(4096);
    heap.alloc(64);
    heap.free(a);
    expect(() => heap.free(a)).toThrow(/not a live block/);
    expect(heap.alloc(4090)).toBe(a);
  });

  it('merges neighbours when nothing else fits', () => {
    const heap = smallHeap(0);
    const blocks = Array.from({ length: 16 }, () => heap.alloc(65536 - 64));
    expect(blocks.every((p) => p !== 0)).toBe(true);
    expect(heap.alloc(65536)).toBe(0);
    // Free two neighbours in the middle: together they hold a block twice the size.
    heap.free(blocks[5]!);
    heap.free(blocks[6]!);
    expect(heap.alloc(2 * (65536 - 64))).toBe(blocks[5]);
  });

  it('never hands out overlapping blocks, and used() counts exactly the live bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 1, max: 200_000 }), fc.constant(-1)), {
          maxLength: 200,
        }),
        fc.integer({ min: 0, max: 1 << 30 }),
        (ops, seed) => {
          const heap = smallHeap(40);
          const live = new Map<number, number>();
          let s = seed;
          for (const op of ops) {
            if (op === -1 && live.size > 0) {
              s = (s * 1103515245 + 12345) >>> 0;
              const keys = [...live.keys()];
              const p = keys[s % keys.length]!;
              heap.free(p);
              live.delete(p);
              continue;
            }
            if (op === -1) continue;
            const p = heap.alloc(op);
            if (p === 0) continue;
            expect(p % 64).toBe(0);
            expect(heap.blockSize(p)).toBeGreaterThanOrEqual(op);
            live.set(p, heap.blockSize(p));
          }
          const spans = [...live].sort((a, b) => a[0] - b[0]);
          for (let i = 0; i < spans.length; i++) {
            const [p, size] = spans[i]!;
            expect(p).toBeGreaterThanOrEqual(heap.start);
            expect(p + size).toBeLessThanOrEqual(heap.end);
            if (i > 0) expect(spans[i - 1]![0] + spans[i - 1]![1]).toBeLessThanOrEqual(p);
          }
          expect(heap.used).toBe(spans.reduce((t, [, size]) => t + size, 0));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('WasmArena over the heap', () => {
  it('keeps earlier regions of a call in place when the call outgrows its block', () => {
    const heap = smallHeap();
    const arena = new WasmArena(heap);
    arena.begin();
    const small = arena.put(new Float32Array([1, 2, 3]), 0, 3);
    // More than the first block holds: a second block, the first untouched.
    const big = arena.alloc(200_000);
    arena.f32().fill(7, big >> 2, (big >> 2) + 50_000);
    expect(Array.from(arena.f32().subarray(small >> 2, (small >> 2) + 3))).toEqual([1, 2, 3]);
    // The next call gets one block large enough for both.
    arena.begin();
    const a = arena.alloc(12);
    const b = arena.alloc(200_000);
    expect(b - a).toBe(16);
  });

  it('uses resident operands in place and skips copying a result onto itself', () => {
    const heap = smallHeap();
    const arena = new WasmArena(heap);
    const p = heap.alloc(64);
    const resident = new Float32Array(heap.memory.buffer, p, 16);
    const plain = new Float32Array(16);
    arena.begin();
    expect(arena.input(resident, 2, 4)).toBe(p + 8);
    expect(arena.output(resident, 1, 4)).toBe(p + 4);
    expect(arena.input(plain, 0, 16)).not.toBe(plain.byteOffset);
    resident[3] = 5;
    arena.get(p + 12, 1, resident, 3);
    expect(resident[3]).toBe(5);
  });
});
