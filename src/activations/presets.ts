import type { Params } from './types.js';

/**
 * The frameworks disagree on a few defaults; a preset answers them in one place.
 * Only differences from the spec defaults (which follow PyTorch) are listed.
 */
export const PRESETS = {
  torch: {},
  keras: {
    // Keras 3 `ops.leaky_relu` / `activations.leaky_relu` use 0.2 (the LeakyReLU layer uses 0.3).
    leaky_relu: { negative_slope: 0.2 },
    prelu: { alpha: 0 },
  },
  keras2: {
    leaky_relu: { negative_slope: 0.2 },
    prelu: { alpha: 0 },
    // tf.keras up to TF 2.15: hard_sigmoid(x) = clip(0.2x + 0.5, 0, 1).
    hardsigmoid: { slope: 0.2 },
  },
  tfjs: {
    leaky_relu: { negative_slope: 0.2 },
    prelu: { alpha: 0 },
    hardsigmoid: { slope: 0.2 },
  },
  jax: {
    // jax.nn.gelu defaults to approximate=True (the tanh form); Flax's PReLU starts at 0.01.
    gelu: { approximate: 'tanh' },
    prelu: { alpha: 0.01 },
  },
} as const satisfies Record<string, Record<string, Params>>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function presetDefaults(preset: PresetName, id: string): Params {
  const table: Record<string, Params> = PRESETS[preset];
  return table[id] ?? {};
}
