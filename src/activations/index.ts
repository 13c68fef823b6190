export { UsageError } from './errors.js';
export * from './kernels.js';
export { parseNumber, rangeText, resolveParams } from './params.js';
export { PRESET_NAMES, PRESETS, type PresetName } from './presets.js';
export * from './registry.js';
export * from './types.js';
