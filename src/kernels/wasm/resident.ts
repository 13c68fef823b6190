/**
 * Resident storage: float32 arrays that live in the wasm heap, so that the
 * kernels read and write them in place instead of copying them in and out.
 * The tensor layer decides which arrays live here and when they are freed
 * (see tidy() in tensor/scope.ts); this module only hands them out and takes
 * them back, each exactly once.
 */
import type { ResidentStorage } from '../backend.js';
import type { WasmHeap } from './heap.js';

export interface WasmResidentStorage extends Required<ResidentStorage> {
  /**
   * True when a is an array residentAlloc handed out and not yet freed: the
   * whole of its block, so a kernel may round its length up to whole vectors.
   */
  ownsWhole(a: Float32Array): boolean;
}

export function createResidentStorage(heap: WasmHeap): WasmResidentStorage {
  /** Arrays handed out and not yet freed (a second free of one is a no-op, never a free of a reuse). */
  const live = new WeakSet<Float32Array>();
  const collected = new FinalizationRegistry<number>((ptr) => heap.free(ptr));
  const registered = new WeakSet<Float32Array>();

  return {
    residentAlloc(n) {
      const ptr = heap.alloc(n * 4);
      if (ptr === 0) return undefined;
      const a = new Float32Array(heap.memory.buffer, ptr, n);
      live.add(a);
      return a;
    },
    residentFree(a) {
      if (!live.delete(a)) return;
      collected.unregister(a);
      heap.free(a.byteOffset);
    },
    residentFreeWhenCollected(a) {
      if (!live.has(a) || registered.has(a)) return;
      registered.add(a);
      collected.register(a, a.byteOffset, a);
    },
    isResident(a) {
      return heap.holds(a);
    },
    residentBytes() {
      return { used: heap.used, capacity: heap.capacity };
    },
    ownsWhole(a) {
      return live.has(a);
    },
  };
}
