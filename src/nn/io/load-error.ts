/**
 * LoadError: a model, weights or checkpoint file that cannot be trusted or
 * understood. Every reader throws this and nothing else for bad input; the
 * code says which rule the file broke, the message names the tensor or key.
 */
export type LoadErrorCode =
  /** The file ends before a part it announces (header length, data). */
  | 'truncated'
  /** A header or manifest over its size cap. */
  | 'too-large'
  /** Not valid UTF-8 or JSON. */
  | 'bad-json'
  /** JSON nested deeper than the reader allows. */
  | 'too-deep'
  /** The same key twice in one JSON object. */
  | 'duplicate-key'
  /** `__proto__`, `constructor` or `prototype` as a key. */
  | 'forbidden-key'
  /** A header entry or manifest field of the wrong kind (not an object, not a string, ...). */
  | 'bad-header'
  /** A tensor name that is empty, too long or holds control characters. */
  | 'bad-name'
  /** A dtype outside the closed set. */
  | 'bad-dtype'
  /** A dimension that is not an integer in [0, 2^31 - 1]. */
  | 'bad-shape'
  /** A shape whose element count is over the cap. */
  | 'too-many-elements'
  /** data_offsets that are not [begin, end] with 0 <= begin <= end. */
  | 'bad-offsets'
  /** Two tensors share bytes. */
  | 'overlap'
  /** Bytes between two tensors that belong to neither. */
  | 'gap'
  /** A tensor that runs past the end of the file. */
  | 'past-end'
  /** Bytes after the last tensor. */
  | 'trailing-bytes'
  /** A byte range whose length is not elements x dtype size. */
  | 'byte-length'
  /** The file is not this kind of file, or a version this reader does not know. */
  | 'bad-format'
  /** A layer or model class outside the allow-list. */
  | 'unknown-class'
  /** An activation name outside the catalogue. */
  | 'unknown-activation'
  /** A layer config or graph the constructors refuse. */
  | 'bad-config'
  /** A weight the architecture needs and the file lacks. */
  | 'missing-tensor'
  /** A tensor the architecture does not have. */
  | 'unexpected-tensor'
  /** A tensor whose shape differs from the architecture's. */
  | 'shape-mismatch'
  /** NaN or infinite values where finite ones are required. */
  | 'non-finite'
  /** A checkpoint whose SHA-256 does not match its contents. */
  | 'checksum'
  /** A checkpoint's training state that is malformed or does not fit this run. */
  | 'bad-state';

export class LoadError extends Error {
  override name = 'LoadError';
  constructor(
    readonly code: LoadErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A name from a file, quoted for a one-line message: JSON escapes keep
 * control characters and newlines out, and a long name is cut.
 */
export function quoteName(name: string): string {
  const max = 80;
  return name.length > max ? `${JSON.stringify(name.slice(0, max))}…` : JSON.stringify(name);
}
