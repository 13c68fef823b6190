// The kernels of the wasm backend. Pointers are byte offsets into this
// module's memory, which the host manages as a heap from scratchBase() up
// (src/kernels/wasm/heap.ts).
export * from './piecewise';
export * from './smooth32';
export * from './smooth64';
export * from './gemm';
export * from './conv';
export * from './pool';
export * from './optim';
export * from './bias';
export * from './paramgrad';
export * from './rare64';
export * from './snake64';
export * from './softmax';
export * from './reduce';

/** First 16-byte aligned byte after the module's static data. */
export function scratchBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}
