import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/activations/errors.js';
import { DataError } from '../../src/data/errors.js';
import { FASHION_MNIST_FILES, loadFashionMnist } from '../../src/data/fashion-mnist.js';
import { readIdxDataset, readIdxImages, readIdxLabels } from '../../src/data/idx-file.js';
import { loadDataset } from '../../src/data/load.js';
import { tempDir, thrown } from './helpers.js';

const dir = tempDir('idx');

/** An IDX ubyte file written independently of the reader: magic 0x0000_08_DD, dims, bytes. */
function idxBytes(dims: number[], data: ArrayLike<number>, magic = 0x0800 + dims.length): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, k) => {
    header.writeUInt32BE(d, 4 + 4 * k);
  });
  return Buffer.concat([header, Buffer.from(Array.from(data))]);
}

function write(name: string, bytes: Uint8Array, gzip = false): string {
  const path = join(dir, name);
  writeFileSync(path, gzip ? gzipSync(bytes) : bytes);
  return path;
}

/** n images of rows×cols whose pixel k of image i is (7i + k) mod 256. */
function pixels(n: number, rows: number, cols: number): number[] {
  return Array.from(
    { length: n * rows * cols },
    (_, k) => (7 * Math.floor(k / (rows * cols)) + k) % 256,
  );
}

function dataError(fn: () => unknown): DataError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

describe('IDX round trip', () => {
  for (const gzip of [false, true]) {
    const kind = gzip ? 'gzipped' : 'raw';

    it(`reads ${kind} images as float32 pixel/255 of shape [n, rows, cols, 1]`, () => {
      const px = pixels(3, 4, 5);
      const images = write(`img-${kind}`, idxBytes([3, 4, 5], px), gzip);
      const labels = write(`lab-${kind}`, idxBytes([3], [9, 0, 4]), gzip);
      const ds = readIdxDataset(images, labels);
      expect(ds.xShape).toEqual([3, 4, 5, 1]);
      expect(ds.x).toBeInstanceOf(Float32Array);
      expect(Array.from(ds.x)).toEqual(px.map((v) => Math.fround(v / 255)));
      expect(ds.y).toBeInstanceOf(Int32Array);
      expect(Array.from(ds.y)).toEqual([9, 0, 4]);
      expect(ds.numClasses).toBe(10);
    });
  }

  it('keeps 0 and 255 at exactly 0 and 1', () => {
    const images = write('extremes', idxBytes([1, 1, 2], [0, 255]));
    const labels = write('extremes-labels', idxBytes([1], [3]));
    expect(Array.from(readIdxDataset(images, labels).x)).toEqual([0, 1]);
  });

  it('detects gzip by its magic bytes, not by the file name', () => {
    const path = write('looks-raw.idx', idxBytes([2], [1, 2]), true);
    expect(Array.from(readIdxLabels(path).labels)).toEqual([1, 2]);
  });

  it('keeps the first `limit` samples', () => {
    const images = write('lim-img', idxBytes([4, 2, 2], pixels(4, 2, 2)));
    const labels = write('lim-lab', idxBytes([4], [1, 2, 3, 4]));
    const ds = readIdxDataset(images, labels, { limit: 2 });
    expect(ds.xShape).toEqual([2, 2, 2, 1]);
    expect(Array.from(ds.y)).toEqual([1, 2]);
  });
});

describe('bad IDX files', () => {
  it('is a UsageError, so the command line exits with code 2', () => {
    const path = write('empty-usage', new Uint8Array(0));
    expect(thrown(() => readIdxImages(path))).toBeInstanceOf(UsageError);
  });

  it('names an empty file and byte offset 0', () => {
    const path = write('empty', new Uint8Array(0));
    const err = dataError(() => readIdxImages(path));
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/empty file.*byte offset 0/);
    expect(err.offset).toBe(0);
    expect(err.file).toBe(path);
  });

  it('names a header cut short and where it ends', () => {
    const path = write('short-header', idxBytes([2, 28, 28], []).subarray(0, 10));
    const err = dataError(() => readIdxImages(path));
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/truncated at byte offset 10: the header needs 16 bytes/);
  });

  it('names a file shorter than its magic number', () => {
    const path = write('two-bytes', Uint8Array.from([0, 0]));
    expect(dataError(() => readIdxLabels(path)).message).toMatch(/truncated at byte offset 2/);
  });

  it('names truncated pixel data with its end offset and the bytes the dimensions need', () => {
    const full = idxBytes([2, 3, 3], pixels(2, 3, 3));
    const path = write('short-data', full.subarray(0, 16 + 10));
    const err = dataError(() => readIdxImages(path));
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/truncated at byte offset 26: dimensions 2×3×3/);
    expect(err.message).toContain('need 18 data bytes');
    expect(err.offset).toBe(26);
  });

  it('says the offset is into the decompressed data for a gzipped file', () => {
    const full = idxBytes([2, 3, 3], pixels(2, 3, 3));
    const path = write('short-data.gz', full.subarray(0, 20), true);
    expect(dataError(() => readIdxImages(path)).message).toContain(
      'truncated at byte offset 20 of the decompressed data',
    );
  });

  it('names a dimension product smaller than the data, at the offset where the data should end', () => {
    const path = write('long-data', idxBytes([1, 2, 2], [1, 2, 3, 4, 5, 6]));
    const err = dataError(() => readIdxImages(path));
    expect(err.message).toMatch(/size mismatch: dimensions 1×2×2/);
    expect(err.message).toContain('end at byte offset 20');
    expect(err.message).toContain('2 more bytes');
  });

  it('names a wrong magic number, the one expected and what the file looks like', () => {
    const path = write('labels-as-images', idxBytes([2], [1, 2]));
    const err = dataError(() => readIdxImages(path));
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/wrong magic number 2049 \(0x00000801\) at byte offset 0/);
    expect(err.message).toContain('expected 2051');
    expect(err.message).toContain('labels file');
  });

  it('rejects a non-IDX file by its magic number', () => {
    const path = write('text', Buffer.from('label,x\n1,2\n'));
    expect(dataError(() => readIdxLabels(path)).message).toMatch(
      /wrong magic number .* byte offset 0/,
    );
  });

  it('names a label above 9 and its byte offset', () => {
    const path = write('bad-label', idxBytes([5], [0, 1, 2, 12, 3]));
    const err = dataError(() => readIdxLabels(path));
    expect(err.message).toContain(path);
    expect(err.message).toContain('label 12 at byte offset 11 is out of range 0..9');
    expect(err.offset).toBe(11);
  });

  it('names both files when the image and label counts differ', () => {
    const images = write('count-img', idxBytes([3, 1, 1], [1, 2, 3]));
    const labels = write('count-lab', idxBytes([2], [1, 2]));
    const err = dataError(() => readIdxDataset(images, labels));
    expect(err.message).toContain(images);
    expect(err.message).toContain(labels);
    expect(err.message).toMatch(/2 labels \(count at byte offset 4\) but .* has 3 images/);
  });

  it('names a truncated gzip stream', () => {
    const gz = gzipSync(idxBytes([100], new Array(100).fill(1)));
    const path = write('cut.gz', gz.subarray(0, gz.length - 12));
    const err = dataError(() => readIdxLabels(path));
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/gzip/);
    expect(err.message).toContain(`byte offset ${gz.length - 12}`);
  });

  it('names a file that does not exist', () => {
    const path = join(dir, 'no-such-file');
    expect(dataError(() => readIdxLabels(path)).message).toContain(`${path}: cannot read`);
  });
});

describe('Fashion-MNIST', () => {
  const fashionDir = join(dir, 'fashion');
  const f = FASHION_MNIST_FILES;
  beforeAll(() => {
    mkdirSync(fashionDir);
    const train = idxBytes([6, 28, 28], pixels(6, 28, 28));
    writeFileSync(join(fashionDir, `${f.trainImages}.gz`), gzipSync(train));
    writeFileSync(
      join(fashionDir, `${f.trainLabels}.gz`),
      gzipSync(idxBytes([6], [0, 1, 2, 3, 9, 8])),
    );
    // The test files unpacked, as some mirrors ship them: both forms are accepted.
    writeFileSync(join(fashionDir, f.testImages), idxBytes([2, 28, 28], pixels(2, 28, 28)));
    writeFileSync(join(fashionDir, f.testLabels), idxBytes([2], [5, 7]));
  });

  it('reads the four files of a data directory as [n, 28, 28, 1] with class names', () => {
    const { train, test, classNames } = loadFashionMnist({ dataDir: fashionDir });
    expect(train.xShape).toEqual([6, 28, 28, 1]);
    expect(test.xShape).toEqual([2, 28, 28, 1]);
    expect(Array.from(test.y)).toEqual([5, 7]);
    expect(classNames).toHaveLength(10);
    expect(classNames[9]).toBe('Ankle boot');
  });

  it('is reachable through loadDataset, with limit capping the training samples only', () => {
    const ds = loadDataset('fashion-mnist', { dataDir: fashionDir, limit: 4 });
    expect(ds.train.xShape).toEqual([4, 28, 28, 1]);
    expect(Array.from(ds.train.y)).toEqual([0, 1, 2, 3]);
    expect(ds.test.xShape[0]).toBe(2);
    expect(ds.inputShape).toEqual([28, 28, 1]);
    expect(ds.numClasses).toBe(10);
  });

  it('says how to get the data when the directory lacks it', () => {
    const err = dataError(() => loadFashionMnist({ dataDir: join(dir, 'nowhere') }));
    expect(err.message).toContain('apt-get install dataset-fashion-mnist');
    expect(err.message).toContain('--data DIR');
    expect(err.message).toContain('train-images-idx3-ubyte.gz');
  });

  it('refuses images that are not 28×28', () => {
    const odd = join(dir, 'fashion-odd');
    mkdirSync(odd);
    writeFileSync(join(odd, f.trainImages), idxBytes([1, 2, 2], [1, 2, 3, 4]));
    writeFileSync(join(odd, f.trainLabels), idxBytes([1], [1]));
    writeFileSync(join(odd, f.testImages), idxBytes([1, 2, 2], [1, 2, 3, 4]));
    writeFileSync(join(odd, f.testLabels), idxBytes([1], [1]));
    expect(dataError(() => loadFashionMnist({ dataDir: odd })).message).toMatch(/2×2.*28×28/);
  });
});
