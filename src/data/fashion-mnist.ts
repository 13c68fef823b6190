/**
 * Fashion-MNIST (Zalando Research; 60,000 training and 10,000 test images of
 * 28×28 grey clothing, 10 classes) from its IDX files. By default they are
 * read where Debian's `dataset-fashion-mnist` package installs them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from './errors.js';
import { readIdxDataset } from './idx-file.js';
import type { ClassificationDataset } from './types.js';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export const FASHION_MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export interface FashionMnistOptions {
  /** Directory holding the four files, gzipped (`.gz`) or not (default: Debian's location). */
  dataDir?: string;
  /** Keep the first `limit` training samples. */
  limit?: number;
}

/** The gzipped file if present, else the unpacked one; a DataError saying how to get it if neither. */
function locate(dir: string, base: string): string {
  for (const name of [`${base}.gz`, base]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new DataError(
    `Fashion-MNIST not found: no ${base}.gz (or ${base}) in ${dir} — ` +
      `install it with 'apt-get install dataset-fashion-mnist', or pass --data DIR ` +
      `for a directory holding the four IDX files`,
    { file: join(dir, `${base}.gz`) },
  );
}

export function loadFashionMnist(options: FashionMnistOptions = {}): {
  train: ClassificationDataset;
  test: ClassificationDataset;
  classNames: string[];
} {
  const dir = options.dataDir ?? FASHION_MNIST_DIR;
  const f = FASHION_MNIST_FILES;
  const paths = {
    trainImages: locate(dir, f.trainImages),
    trainLabels: locate(dir, f.trainLabels),
    testImages: locate(dir, f.testImages),
    testLabels: locate(dir, f.testLabels),
  };
  const train = readIdxDataset(paths.trainImages, paths.trainLabels, { limit: options.limit });
  const test = readIdxDataset(paths.testImages, paths.testLabels);
  for (const [ds, file] of [
    [train, paths.trainImages],
    [test, paths.testImages],
  ] as const) {
    const [, rows, cols] = ds.xShape;
    if (rows !== 28 || cols !== 28) {
      throw new DataError(
        `${file}: images are ${rows}×${cols} (header at byte offset 8), Fashion-MNIST's are 28×28`,
        { file, offset: 8 },
      );
    }
  }
  return { train, test, classNames: [...FASHION_MNIST_CLASSES] };
}
