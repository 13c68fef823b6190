/**
 * Weight initializers with Keras's names, defaults and fan rules. Every draw
 * comes from the model's seeded Random, so the same seed gives the same weights.
 */
import { closest, UsageError } from '../activations/errors.js';
import type { Random } from '../tensor/random.js';
import { allocate, type DType, type FloatArray, type Shape, sizeOf } from '../tensor/tensor.js';
import type { JsonObject } from './json.js';

export interface Initializer {
  /** Keras snake_case name, as saved in model.json. */
  readonly name: string;
  readonly config: JsonObject;
  generate(shape: Shape, dtype: DType, rng: Random): FloatArray;
}

/**
 * Keras's fans: a vector is its own fan; a matrix [in, out]; a conv kernel
 * [..spatial, in, out] multiplies both by the receptive field size.
 */
export function computeFans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  const receptive = sizeOf(shape.slice(0, -2));
  return {
    fanIn: shape[shape.length - 2]! * receptive,
    fanOut: shape[shape.length - 1]! * receptive,
  };
}

function filled(shape: Shape, dtype: DType, draw: () => number): FloatArray {
  const out = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = draw();
  return out;
}

/** A normal draw redrawn until it lies within two standard deviations (as TensorFlow does). */
function truncatedNormal(rng: Random, mean: number, std: number): number {
  for (;;) {
    const z = rng.normal();
    if (Math.abs(z) <= 2) return mean + std * z;
  }
}

/** Std of a unit normal truncated to [-2, 2]: Keras divides by it so the variance law holds. */
const TRUNCATED_STD = 0.8796256610342398;

function constant(value: number): Initializer {
  return {
    name: 'constant',
    config: { value },
    generate: (shape, dtype) => allocate(dtype, sizeOf(shape)).fill(value),
  };
}

export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
export type Distribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

/** Var(w) = scale / n, n chosen by mode: the law behind Glorot, He and LeCun. */
export function varianceScaling(
  scale: number,
  mode: FanMode,
  distribution: Distribution,
  name = 'variance_scaling',
): Initializer {
  return {
    name,
    config: name === 'variance_scaling' ? { scale, mode, distribution } : {},
    generate(shape, dtype, rng) {
      const { fanIn, fanOut } = computeFans(shape);
      const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
      const variance = scale / Math.max(1, n);
      if (distribution === 'uniform') {
        const limit = Math.sqrt(3 * variance);
        return filled(shape, dtype, () => rng.uniform(-limit, limit));
      }
      if (distribution === 'untruncated_normal') {
        const std = Math.sqrt(variance);
        return filled(shape, dtype, () => rng.normal(0, std));
      }
      const std = Math.sqrt(variance) / TRUNCATED_STD;
      return filled(shape, dtype, () => truncatedNormal(rng, 0, std));
    },
  };
}

/**
 * A random orthogonal matrix (Saxe et al. 2014): Q of the QR decomposition of a
 * Gaussian matrix, with R's diagonal signs folded in so Q is uniformly (Haar)
 * distributed. Kernels of rank > 2 are flattened to [prod(shape[:-1]), shape[-1]].
 */
function orthogonal(gain: number): Initializer {
  return {
    name: 'orthogonal',
    config: { gain },
    generate(shape, dtype, rng) {
      if (shape.length < 2)
        throw new UsageError('orthogonal initializer needs a shape of rank >= 2');
      const cols = shape[shape.length - 1]!;
      const rows = sizeOf(shape) / cols;
      // Work on the tall orientation (m >= n), transpose back at the end.
      const m = Math.max(rows, cols);
      const n = Math.min(rows, cols);
      const a = new Float64Array(m * n);
      for (let i = 0; i < a.length; i++) a[i] = rng.normal();
      const q = householderQ(a, m, n);
      const out = allocate(dtype, rows * cols);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          out[i * cols + j] = gain * (rows >= cols ? q[i * n + j]! : q[j * n + i]!);
        }
      }
      return out;
    },
  };
}

/**
 * Thin Q (m×n, m >= n) of A = QR by Householder reflections, with columns
 * multiplied by sign(R_jj) so the decomposition is unique.
 */
function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const r = a.slice();
  const vs: Float64Array[] = [];
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const alpha = r[k * n + k]! > 0 ? -norm : norm;
    const v = new Float64Array(m);
    for (let i = k; i < m; i++) v[i] = r[i * n + k]!;
    v[k] = v[k]! - alpha;
    let vv = 0;
    for (let i = k; i < m; i++) vv += v[i]! ** 2;
    if (vv > 0) {
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i]! * r[i * n + j]!;
        const f = (2 * dot) / vv;
        for (let i = k; i < m; i++) r[i * n + j] = r[i * n + j]! - f * v[i]!;
      }
    }
    vs.push(v);
    signs[k] = r[k * n + k]! < 0 ? -1 : 1;
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    let vv = 0;
    for (let i = k; i < m; i++) vv += v[i]! ** 2;
    if (vv === 0) continue;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i]! * q[i * n + j]!;
      const f = (2 * dot) / vv;
      for (let i = k; i < m; i++) q[i * n + j] = q[i * n + j]! - f * v[i]!;
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] = q[i * n + j]! * signs[j]!;
  return q;
}

type Factory = (config: Readonly<Record<string, number | string>>) => Initializer;

function num(config: Readonly<Record<string, number | string>>, key: string, def: number): number {
  const v = config[key] ?? def;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new UsageError(`initializer option '${key}' must be a finite number (got ${String(v)})`);
  }
  return v;
}

/** The catalogue, with Keras 3's defaults. */
const FACTORIES: Readonly<Record<string, Factory>> = {
  zeros: () => ({ ...constant(0), name: 'zeros', config: {} }),
  ones: () => ({ ...constant(1), name: 'ones', config: {} }),
  constant: (c) => constant(num(c, 'value', 0)),
  random_normal: (c) => {
    const mean = num(c, 'mean', 0);
    const stddev = num(c, 'stddev', 0.05);
    return {
      name: 'random_normal',
      config: { mean, stddev },
      generate: (shape, dtype, rng) => filled(shape, dtype, () => rng.normal(mean, stddev)),
    };
  },
  random_uniform: (c) => {
    const minval = num(c, 'minval', -0.05);
    const maxval = num(c, 'maxval', 0.05);
    return {
      name: 'random_uniform',
      config: { minval, maxval },
      generate: (shape, dtype, rng) => filled(shape, dtype, () => rng.uniform(minval, maxval)),
    };
  },
  truncated_normal: (c) => {
    const mean = num(c, 'mean', 0);
    const stddev = num(c, 'stddev', 0.05);
    return {
      name: 'truncated_normal',
      config: { mean, stddev },
      generate: (shape, dtype, rng) =>
        filled(shape, dtype, () => truncatedNormal(rng, mean, stddev)),
    };
  },
  glorot_uniform: () => varianceScaling(1, 'fan_avg', 'uniform', 'glorot_uniform'),
  glorot_normal: () => varianceScaling(1, 'fan_avg', 'truncated_normal', 'glorot_normal'),
  he_uniform: () => varianceScaling(2, 'fan_in', 'uniform', 'he_uniform'),
  he_normal: () => varianceScaling(2, 'fan_in', 'truncated_normal', 'he_normal'),
  lecun_uniform: () => varianceScaling(1, 'fan_in', 'uniform', 'lecun_uniform'),
  lecun_normal: () => varianceScaling(1, 'fan_in', 'truncated_normal', 'lecun_normal'),
  orthogonal: (c) => orthogonal(num(c, 'gain', 1)),
  variance_scaling: (c) => {
    const mode = String(c['mode'] ?? 'fan_in');
    const distribution = String(c['distribution'] ?? 'truncated_normal');
    if (!['fan_in', 'fan_out', 'fan_avg'].includes(mode)) {
      throw new UsageError(
        `variance_scaling mode must be fan_in, fan_out or fan_avg (got '${mode}')`,
      );
    }
    if (!['truncated_normal', 'untruncated_normal', 'uniform'].includes(distribution)) {
      throw new UsageError(
        `variance_scaling distribution must be truncated_normal, untruncated_normal or uniform (got '${distribution}')`,
      );
    }
    return varianceScaling(num(c, 'scale', 1), mode as FanMode, distribution as Distribution);
  },
};

/** Keras and TF.js spellings that name the same initializer. */
const ALIASES: Readonly<Record<string, string>> = {
  glorotuniform: 'glorot_uniform',
  xavier_uniform: 'glorot_uniform',
  glorotnormal: 'glorot_normal',
  xavier_normal: 'glorot_normal',
  heuniform: 'he_uniform',
  kaiming_uniform: 'he_uniform',
  henormal: 'he_normal',
  kaiming_normal: 'he_normal',
  lecununiform: 'lecun_uniform',
  lecunnormal: 'lecun_normal',
  randomnormal: 'random_normal',
  randomuniform: 'random_uniform',
  truncatednormal: 'truncated_normal',
  variancescaling: 'variance_scaling',
  zero: 'zeros',
  one: 'ones',
};

export const INITIALIZER_NAMES: readonly string[] = Object.keys(FACTORIES);

export type InitializerLike =
  | string
  | Initializer
  | ({ name: string } & Readonly<Record<string, number | string>>);

/** An initializer from a name ('he_normal'), a config ({name: 'constant', value: 0.1}) or itself. */
export function getInitializer(spec: InitializerLike): Initializer {
  if (typeof spec === 'object' && typeof spec['generate'] === 'function')
    return spec as Initializer;
  const { name, ...config } = typeof spec === 'string' ? { name: spec } : spec;
  const key = ALIASES[name.toLowerCase()] ?? name.toLowerCase();
  const factory = Object.hasOwn(FACTORIES, key) ? FACTORIES[key] : undefined;
  if (factory === undefined) {
    const near = closest(name, INITIALIZER_NAMES);
    const hint =
      near.length > 0 ? ` — did you mean ${near.map((n) => `'${n}'`).join(' or ')}?` : '';
    throw new UsageError(
      `unknown initializer '${name}'${hint} (valid: ${INITIALIZER_NAMES.join(', ')})`,
    );
  }
  return factory(config as Readonly<Record<string, number | string>>);
}

/** The JSON form of an initializer for model.json. */
export function initializerToJson(init: Initializer): JsonObject {
  return { name: init.name, ...init.config };
}
