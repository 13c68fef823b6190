/**
 * The package entry (`import … from 'actlab'`): the catalogue, tensors and
 * autograd, the backends, data sets, the nn engine and the diagnostics. The
 * CLI, the report and the benchmarks are programs, not library API.
 *
 * A few names are exported by two layers: the explicit exports here settle
 * which one the bare name means and give the other a name of its own
 * (SaturationKind, LoadModelOptions, Conv2DOpOptions, Pool2DOpOptions).
 */
export type { Saturation as SaturationKind } from './activations/index.js';
export * from './activations/index.js';
export type { LoadOptions } from './data/index.js';
export * from './data/index.js';
export * from './diagnostics/index.js';
export { Saturation } from './diagnostics/index.js';
export { backendNames, getBackend, setBackend } from './kernels/backend.js';
export { getThreads, setThreads } from './kernels/wasm/threads.js';
export type {
  Conv2DOptions,
  LoadOptions as LoadModelOptions,
  Padding,
  Pool2DOptions,
} from './nn/index.js';
export * from './nn/index.js';
export type {
  Conv2DOptions as Conv2DOpOptions,
  Pool2DOptions as Pool2DOpOptions,
} from './tensor/index.js';
export * from './tensor/index.js';
