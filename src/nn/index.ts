/** The Keras-like engine: layers, models, training, optimizers, saving. */
export * from './callbacks.js';
export * from './checkpoint.js';
export * from './fit.js';
export * from './history.js';
export * from './initializers.js';
export * from './io/safetensors.js';
export { parseStrictJson, parseStrictJsonBytes } from './io/strict-json.js';
export type { JsonObject, JsonValue } from './json.js';
export * from './layers/index.js';
export * from './losses.js';
export * from './metrics.js';
export {
  asDType,
  type FunctionalOptions,
  Model,
  type ModelOptions,
  Sequential,
  sliceRows,
  takeRows,
} from './model.js';
export * from './nan-guard.js';
export * from './optimizers.js';
export * from './progress.js';
export * from './recurrent-zoo.js';
export * from './regularizers.js';
export * from './save.js';
export * from './schedules.js';
export { formatCount, summaryText } from './summary.js';
export * from './trace.js';
export * from './zoo.js';
