/**
 * The shapes the data layer hands to the rest of actlab: plain typed arrays and
 * their shapes, so a data set can be built, tested and sent to a Web Worker
 * without a Tensor class.
 */

/** Samples in row-major order: `x` holds `xShape[0]` samples of `xShape.slice(1)` features. */
export interface Dataset {
  x: Float32Array;
  /** `[n, ...sampleShape]`, e.g. `[n, 2]` for a 2-D set or `[n, 28, 28, 1]` for images (channels-last, as Keras). */
  xShape: number[];
  /** One target per sample: class ids (Int32Array) or regression targets (Float32Array). */
  y: Int32Array | Float32Array;
  /** Number of classes when `y` holds class ids 0 .. numClasses-1. */
  numClasses?: number;
}

/** A data set whose targets are class ids. */
export interface ClassificationDataset extends Dataset {
  y: Int32Array;
  numClasses: number;
}

export type ScaleMethod = 'minmax' | 'standardize' | 'none';

/**
 * Per-feature scaling fitted on a training split: `x' = (x - offset) / scale`.
 * minmax: offset = min, scale = max - min; standardize: offset = mean,
 * scale = population standard deviation; none: offset 0, scale 1. A feature
 * that is constant on the training split gets scale 1 (as scikit-learn does),
 * so it maps to 0 instead of dividing by zero.
 */
export interface Scaler {
  method: ScaleMethod;
  offset: Float64Array;
  scale: Float64Array;
}

/** What `loadDataset` returns: train and test splits ready for `fit` and `evaluate`. */
export interface LoadedDataset {
  /** The name asked for (a file path for CSV). */
  name: string;
  train: ClassificationDataset;
  test: ClassificationDataset;
  /** Shape of one sample, e.g. `[2]` or `[28, 28, 1]`. */
  inputShape: number[];
  numClasses: number;
  /** Class names in id order, when the source has them. */
  classNames?: string[];
  /** The scaling fitted on the training split (method 'none' when not scaled). */
  scaler: Scaler;
}
