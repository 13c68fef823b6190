// The activation kernels of the wasm backend. Pointers are byte offsets into
// this module's memory; the host copies data into the scratch area that
// starts at scratchBase() and grows memory as it needs.
export * from './piecewise';
export * from './smooth32';
export * from './smooth64';
export * from './gemm';
export * from './conv';
export * from './pool';
export * from './optim';
export * from './bias';

/** First 16-byte aligned byte after the module's static data. */
export function scratchBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}
