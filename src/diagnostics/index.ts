/**
 * Instruments that watch training through fit() callbacks and only observe:
 * gradient flow, dead units, saturation, activation statistics, and an
 * advisor that turns their findings into warnings with remedies.
 */
export * from './activation-stats.js';
export * from './advisor.js';
export * from './dead-units.js';
export * from './gradient-flow.js';
export {
  defaultParams,
  flatLayers,
  type LocalDerivative,
  localDerivative,
  type WeightGroup,
  weightGroups,
} from './model-view.js';
export * from './saturation.js';
