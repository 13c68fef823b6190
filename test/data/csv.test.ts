import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/activations/errors.js';
import { parseCsv } from '../../src/data/csv.js';
import { DataError } from '../../src/data/errors.js';
import { loadDataset } from '../../src/data/load.js';
import { row, tempDir, thrown } from './helpers.js';

const dir = tempDir('csv');

function csvError(text: string, label?: string | number): DataError {
  const err = thrown(() => parseCsv(text, { file: 'data.csv', label }));
  expect(err).toBeInstanceOf(DataError);
  expect(err).toBeInstanceOf(UsageError);
  return err as DataError;
}

describe('parseCsv on good input', () => {
  it('reads numeric features and integer labels from the last column by default', () => {
    const { dataset, featureNames, labelName, classNames } = parseCsv(
      'a,b,class\n1,2.5,0\n-3,4e-1,2\n.5,6,1\n',
    );
    expect(featureNames).toEqual(['a', 'b']);
    expect(labelName).toBe('class');
    expect(dataset.xShape).toEqual([3, 2]);
    expect(row(dataset, 0)).toEqual([1, 2.5]);
    expect(row(dataset, 1)).toEqual([-3, Math.fround(0.4)]);
    expect(row(dataset, 2)).toEqual([0.5, 6]);
    expect(Array.from(dataset.y)).toEqual([0, 2, 1]);
    expect(dataset.numClasses).toBe(3);
    expect(classNames).toBeUndefined();
  });

  it('maps string labels to class ids in order of first appearance', () => {
    const { dataset, classNames } = parseCsv(
      'x,species\n1,setosa\n2,virginica\n3,setosa\n4,versicolor\n',
    );
    expect(classNames).toEqual(['setosa', 'virginica', 'versicolor']);
    expect(Array.from(dataset.y)).toEqual([0, 1, 0, 2]);
    expect(dataset.numClasses).toBe(3);
  });

  it('treats labels as strings as soon as one is not a non-negative integer', () => {
    const { dataset, classNames } = parseCsv('x,y\n1,1\n2,-1\n3,1\n');
    expect(classNames).toEqual(['1', '-1']);
    expect(Array.from(dataset.y)).toEqual([0, 1, 0]);
  });

  it('finds the label column by name, by index, by negative index and by an index given as text', () => {
    const text = 'f1,label,f2\n1,0,2\n3,1,4\n';
    for (const label of ['label', 1, -2, '1']) {
      const { dataset, featureNames } = parseCsv(text, { label });
      expect(featureNames).toEqual(['f1', 'f2']);
      expect(row(dataset, 1)).toEqual([3, 4]);
      expect(Array.from(dataset.y)).toEqual([0, 1]);
    }
  });

  it('accepts quoted fields, CRLF line ends, a byte-order mark and blank lines', () => {
    const text = '\uFEFF"width, cm","name"\r\n"1.5","a ""big"" one"\r\n\r\n2,b\r\n';
    const { dataset, featureNames, classNames } = parseCsv(text);
    expect(featureNames).toEqual(['width, cm']);
    expect(classNames).toEqual(['a "big" one', 'b']);
    expect(Array.from(dataset.x)).toEqual([1.5, 2]);
  });
});

describe('parseCsv on bad input, naming file:line', () => {
  it('names an empty file at line 1', () => {
    expect(csvError('').message).toBe('data.csv:1: empty file: expected a header row');
    expect(csvError('\n\n').line).toBe(1);
  });

  it('names a ragged row with the columns expected and the count found', () => {
    const err = csvError('a,b,c\n1,2,0\n3,4\n5,6,1\n');
    expect(err.message).toBe('data.csv:3: ragged row: expected 3 columns (a, b, c), got 2');
    expect(err.line).toBe(3);
    expect(err.file).toBe('data.csv');
  });

  it('counts blank lines in the line number of a later error', () => {
    expect(csvError('a,b\n\n1,0\n\n2,3,4\n').message).toMatch(/^data\.csv:5: ragged row/);
  });

  it('names a non-numeric cell and its column', () => {
    const err = csvError('a,b,c\n1,2,0\n3,oops,1\n');
    expect(err.message).toBe("data.csv:3: non-numeric value 'oops' in column 'b' (column 2)");
  });

  it('rejects empty cells, NaN and Infinity as features', () => {
    expect(csvError('a,b\n,1\n').message).toBe(
      "data.csv:2: an empty cell in column 'a' (column 1)",
    );
    expect(csvError('a,b\nNaN,1\n').message).toMatch(/^data\.csv:2: non-numeric value 'NaN'/);
    expect(csvError('a,b\nInfinity,1\n').message).toMatch(/^data\.csv:2: non-numeric/);
  });

  it('names a missing label column and lists the columns', () => {
    const err = csvError('a,b,c\n1,2,3\n', 'target');
    expect(err.message).toBe("data.csv:1: no label column 'target' — columns: a, b, c");
    expect(csvError('a,b,c\n1,2,3\n', 3).message).toMatch(
      /^data\.csv:1: label column index 3 is out of range/,
    );
  });

  it('names a file with a header but no rows, an empty label and an unterminated quote', () => {
    expect(csvError('a,b\n').message).toBe('data.csv:2: no data rows after the header');
    expect(csvError('a,b\n1,\n').message).toBe("data.csv:2: empty label in column 'b'");
    expect(csvError('a,b\n1,"x\n').message).toBe('data.csv:2: unterminated quoted field');
  });

  it('needs a feature column besides the label', () => {
    expect(csvError('label\n1\n').message).toMatch(
      /^data\.csv:1: need at least one feature column/,
    );
  });
});

describe('CSV files through loadDataset', () => {
  it('reads a file, splits it by testFraction and keeps the class names', () => {
    const lines = ['x1,x2,kind'];
    for (let i = 0; i < 40; i++) lines.push(`${i},${-i},${i % 2 ? 'odd' : 'even'}`);
    const path = join(dir, 'parity.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const ds = loadDataset(path, { testFraction: 0.25, seed: 3 });
    expect(ds.train.xShape).toEqual([30, 2]);
    expect(ds.test.xShape).toEqual([10, 2]);
    expect(ds.inputShape).toEqual([2]);
    expect(ds.classNames).toEqual(['even', 'odd']);
    expect(ds.numClasses).toBe(2);
    // Each row keeps its label: x1 even <-> class 0.
    for (const part of [ds.train, ds.test]) {
      for (let i = 0; i < part.xShape[0]!; i++) {
        expect(part.y[i]).toBe(part.x[2 * i]! % 2);
      }
    }
  });

  it('puts the file name and line in the error of a bad file', () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'a,b\n1,2\n3\n');
    expect(() => loadDataset(path)).toThrow(`${path}:3: ragged row`);
  });

  it('names a CSV file that does not exist', () => {
    const path = join(dir, 'missing.csv');
    expect(() => loadDataset(path)).toThrow(DataError);
    expect(() => loadDataset(path)).toThrow(path);
  });
});
