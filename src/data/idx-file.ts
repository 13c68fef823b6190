/**
 * Reading IDX files from disk, gzipped (as distributed) or raw (as unpacked),
 * told apart by the gzip magic bytes 1f 8b rather than by the file name.
 */
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors.js';
import { readBytes } from './files.js';
import {
  decodeIdxImages,
  decodeIdxLabels,
  type IdxImages,
  type IdxLabels,
  type IdxSource,
  idxToDataset,
} from './idx.js';
import type { ClassificationDataset } from './types.js';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The file's bytes, gunzipped when they start with the gzip magic. */
export function readMaybeGzipped(file: string): { bytes: Uint8Array; source: IdxSource } {
  const raw = readBytes(file);
  if (raw.length === 0) {
    throw new DataError(`${file}: empty file (0 bytes) at byte offset 0`, { file, offset: 0 });
  }
  if (!isGzip(raw)) return { bytes: raw, source: { file, gzipped: false } };
  try {
    return { bytes: gunzipSync(raw), source: { file, gzipped: true } };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // zlib does not say where the stream broke; the compressed size is the best offset we have.
    throw new DataError(
      `${file}: corrupt or truncated gzip data (zlib: ${reason}); the compressed data ends at byte offset ${raw.length}`,
      { file, offset: raw.length },
    );
  }
}

export function readIdxImages(file: string): IdxImages {
  const { bytes, source } = readMaybeGzipped(file);
  return decodeIdxImages(bytes, source);
}

export function readIdxLabels(file: string, maxLabel = 9): IdxLabels {
  const { bytes, source } = readMaybeGzipped(file);
  return decodeIdxLabels(bytes, source, maxLabel);
}

export interface IdxPairOptions {
  /** Keep the first `limit` samples. */
  limit?: number;
  /** Largest valid label (default 9); numClasses is maxLabel + 1. */
  maxLabel?: number;
}

/** An images file and its labels file as one data set of shape [n, rows, cols, 1] in [0, 1]. */
export function readIdxDataset(
  imagesFile: string,
  labelsFile: string,
  options: IdxPairOptions = {},
): ClassificationDataset {
  const maxLabel = options.maxLabel ?? 9;
  const images = readMaybeGzipped(imagesFile);
  const labels = readMaybeGzipped(labelsFile);
  return idxToDataset(
    decodeIdxImages(images.bytes, images.source),
    decodeIdxLabels(labels.bytes, labels.source, maxLabel),
    { images: images.source, labels: labels.source },
    { limit: options.limit, numClasses: maxLabel + 1 },
  );
}
