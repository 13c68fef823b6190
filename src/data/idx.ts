/**
 * The IDX format of MNIST and Fashion-MNIST (yann.lecun.com/exdb/mnist):
 * a big-endian header — magic number 0x0000TTDD (TT = element type, 0x08 for
 * unsigned bytes; DD = number of dimensions), then one uint32 per dimension —
 * followed by the elements in row-major order. Images are magic 2051
 * (ubyte, 3 dims: n, rows, cols), labels magic 2049 (ubyte, 1 dim: n).
 *
 * This module decodes bytes already in memory (no Node imports, so the
 * browser lab can use it); `idx-file.ts` reads files and gunzips them.
 * Every error names the file and a byte offset into the decoded bytes.
 */
import { DataError } from './errors.js';
import type { ClassificationDataset } from './types.js';

export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count × rows × cols bytes, row-major (a view into the decoded file). */
  pixels: Uint8Array;
}

export interface IdxLabels {
  count: number;
  /** One byte per label (a view into the decoded file). */
  labels: Uint8Array;
}

/** How a file is named in messages: its name, and whether offsets are into decompressed data. */
export interface IdxSource {
  file: string;
  gzipped?: boolean;
}

/** "byte offset N", saying when N counts bytes after decompression. */
function at(source: IdxSource, offset: number): string {
  return source.gzipped
    ? `byte offset ${offset} of the decompressed data`
    : `byte offset ${offset}`;
}

function fail(source: IdxSource, offset: number, message: string): never {
  throw new DataError(`${source.file}: ${message}`, { file: source.file, offset });
}

function describeMagic(magic: number): string {
  if (magic === IDX_IMAGES_MAGIC) return 'an IDX images file';
  if (magic === IDX_LABELS_MAGIC) return 'an IDX labels file';
  return 'not an IDX ubyte file';
}

/**
 * Checks the header against `magic` and the size against the dimensions;
 * returns the dimensions and a view of the elements.
 */
export function decodeIdx(
  bytes: Uint8Array,
  magic: number,
  source: IdxSource,
): { dims: number[]; data: Uint8Array; headerBytes: number } {
  if (bytes.length === 0) fail(source, 0, `empty file: no IDX header at ${at(source, 0)}`);
  if (bytes.length < 4) {
    fail(
      source,
      bytes.length,
      `truncated at ${at(source, bytes.length)}: the magic number needs 4 bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0, false);
  if (found !== magic) {
    fail(
      source,
      0,
      `wrong magic number ${found} (0x${found.toString(16).padStart(8, '0')}) at ${at(source, 0)}: ` +
        `expected ${magic} (${describeMagic(magic)}); this is ${describeMagic(found)}`,
    );
  }
  const rank = magic & 0xff;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    fail(
      source,
      bytes.length,
      `truncated at ${at(source, bytes.length)}: the header needs ${headerBytes} bytes`,
    );
  }
  const dims: number[] = [];
  let expected = 1;
  for (let k = 0; k < rank; k++) {
    const d = view.getUint32(4 + 4 * k, false);
    dims.push(d);
    expected *= d; // at most (2^32)^3 < 2^97: a double, compared below, never allocated
  }
  const actual = bytes.length - headerBytes;
  const shape = dims.join('×');
  if (actual < expected) {
    fail(
      source,
      bytes.length,
      `truncated at ${at(source, bytes.length)}: dimensions ${shape} (header at byte offset 4) need ${expected} data bytes ` +
        `after the ${headerBytes}-byte header, found ${actual}`,
    );
  }
  if (actual > expected) {
    fail(
      source,
      headerBytes + expected,
      `size mismatch: dimensions ${shape} (header at byte offset 4) need ${expected} data bytes, ` +
        `which end at ${at(source, headerBytes + expected)}, but the file goes on for ${actual - expected} more bytes`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes), headerBytes };
}

export function decodeIdxImages(bytes: Uint8Array, source: IdxSource): IdxImages {
  const { dims, data } = decodeIdx(bytes, IDX_IMAGES_MAGIC, source);
  return { count: dims[0]!, rows: dims[1]!, cols: dims[2]!, pixels: data };
}

/** Decodes labels and checks each is at most `maxLabel` (9 for MNIST and Fashion-MNIST). */
export function decodeIdxLabels(bytes: Uint8Array, source: IdxSource, maxLabel = 9): IdxLabels {
  const { dims, data, headerBytes } = decodeIdx(bytes, IDX_LABELS_MAGIC, source);
  for (let i = 0; i < data.length; i++) {
    if (data[i]! > maxLabel) {
      fail(
        source,
        headerBytes + i,
        `label ${data[i]} at ${at(source, headerBytes + i)} is out of range 0..${maxLabel}`,
      );
    }
  }
  return { count: dims[0]!, labels: data };
}

export interface IdxPairSources {
  images: IdxSource;
  labels: IdxSource;
}

/**
 * Pairs images with labels as a data set of shape [n, rows, cols, 1]
 * (channels-last, as Keras), pixels scaled to [0, 1] by /255 in float32.
 * `limit` keeps the first `limit` samples, converting only those.
 */
export function idxToDataset(
  images: IdxImages,
  labels: IdxLabels,
  sources: IdxPairSources,
  options: { limit?: number; numClasses?: number } = {},
): ClassificationDataset {
  if (images.count !== labels.count) {
    throw new DataError(
      `${sources.labels.file}: ${labels.count} labels (count at byte offset 4) but ` +
        `${sources.images.file} has ${images.count} images (count at byte offset 4)`,
      { file: sources.labels.file, offset: 4 },
    );
  }
  const n = Math.min(images.count, options.limit ?? images.count);
  const size = images.rows * images.cols;
  const x = new Float32Array(n * size);
  for (let i = 0; i < n * size; i++) x[i] = images.pixels[i]! / 255;
  const y = Int32Array.from(labels.labels.subarray(0, n));
  return {
    x,
    xShape: [n, images.rows, images.cols, 1],
    y,
    numClasses: options.numClasses ?? 10,
  };
}
