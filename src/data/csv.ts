/**
 * A small CSV reader for tabular classification data: a header row, numeric
 * feature columns and one label column. Fields may be double-quoted (RFC 4180,
 * `""` for a quote inside) but may not span lines. Blank lines are skipped.
 * Every error names `file:line` (1-based; the header is line 1).
 *
 * The label column is chosen by name or by 0-based index (negative counts from
 * the end; a string of digits that is no column's name is an index); by
 * default it is the last column. If every label is a
 * non-negative integer the labels are class ids as written (numClasses is the
 * largest + 1, as Keras' sparse losses expect); otherwise each distinct string
 * is a class, numbered in order of first appearance (classNames lists them).
 *
 * Pure text in, arrays out (no Node imports); `loadDataset` reads the file.
 */
import { DataError } from './errors.js';
import type { ClassificationDataset } from './types.js';

export interface CsvOptions {
  /** Name used in messages (default 'csv'). */
  file?: string;
  /** Label column: a header name, or a 0-based index (negative counts from the end). Default: the last column. */
  label?: string | number;
}

export interface CsvTable {
  dataset: ClassificationDataset;
  featureNames: string[];
  labelName: string;
  /** The label strings in class-id order, when the labels are not integers. */
  classNames?: string[];
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const CLASS_ID = /^\d+$/;

function splitFields(text: string, file: string, line: number): string[] {
  if (!text.includes('"')) return text.split(',').map((f) => f.trim());
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new DataError(`${file}:${line}: unterminated quoted field`, { file, line });
        }
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      const end = text.indexOf(',', i);
      const rest = (end < 0 ? text.slice(i) : text.slice(i, end)).trim();
      if (rest !== '') {
        throw new DataError(`${file}:${line}: text after a closing quote: '${rest}'`, {
          file,
          line,
        });
      }
      i = end < 0 ? text.length : end;
    } else {
      const end = text.indexOf(',', i);
      field = (end < 0 ? text.slice(i) : text.slice(i, end)).trim();
      i = end < 0 ? text.length : end;
    }
    fields.push(field);
    if (i >= text.length) return fields;
    i++; // the comma
  }
}

function labelIndex(header: string[], label: string | number | undefined, file: string): number {
  const where = { file, line: 1 };
  if (label === undefined) return header.length - 1;
  if (typeof label === 'number') {
    const index = label < 0 ? header.length + label : label;
    if (!Number.isInteger(label) || index < 0 || index >= header.length) {
      throw new DataError(
        `${file}:1: label column index ${label} is out of range for ${header.length} columns (0..${header.length - 1})`,
        where,
      );
    }
    return index;
  }
  const index = header.indexOf(label);
  // A command line passes every value as text: '3' is an index unless a column is named '3'.
  if (index < 0 && /^-?\d+$/.test(label)) return labelIndex(header, Number(label), file);
  if (index < 0) {
    throw new DataError(
      `${file}:1: no label column '${label}' — columns: ${header.join(', ')}`,
      where,
    );
  }
  return index;
}

/** Parses CSV text into a classification data set of shape [rows, features]. */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const file = options.file ?? 'csv';
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]!.trim() === '') {
    const what = text.trim() === '' ? 'empty file' : 'blank first line';
    throw new DataError(`${file}:1: ${what}: expected a header row`, { file, line: 1 });
  }
  const header = splitFields(lines[0]!, file, 1);
  const li = labelIndex(header, options.label, file);
  const labelName = header[li]!;
  if (header.length < 2) {
    throw new DataError(
      `${file}:1: need at least one feature column besides the label column '${labelName}'`,
      { file, line: 1 },
    );
  }
  const featureNames = header.filter((_, j) => j !== li);
  const d = featureNames.length;
  // Preallocated for every line so a large file never goes through a JS number array.
  const x = new Float32Array((lines.length - 1) * d);
  const rawLabels: string[] = [];
  for (let k = 1; k < lines.length; k++) {
    const lineText = lines[k]!;
    if (lineText.trim() === '') continue;
    const line = k + 1;
    const fields = splitFields(lineText, file, line);
    if (fields.length !== header.length) {
      throw new DataError(
        `${file}:${line}: ragged row: expected ${header.length} columns (${header.join(', ')}), got ${fields.length}`,
        { file, line },
      );
    }
    const row = rawLabels.length;
    let f = 0;
    for (let j = 0; j < fields.length; j++) {
      const cell = fields[j]!;
      if (j === li) {
        if (cell === '') {
          throw new DataError(`${file}:${line}: empty label in column '${labelName}'`, {
            file,
            line,
          });
        }
        rawLabels.push(cell);
        continue;
      }
      if (!NUMBER.test(cell)) {
        const shown = cell === '' ? 'an empty cell' : `non-numeric value '${cell}'`;
        throw new DataError(
          `${file}:${line}: ${shown} in column '${header[j]}' (column ${j + 1})`,
          {
            file,
            line,
          },
        );
      }
      x[row * d + f++] = Number(cell);
    }
  }
  const n = rawLabels.length;
  if (n === 0) {
    throw new DataError(`${file}:2: no data rows after the header`, { file, line: 2 });
  }
  const y = new Int32Array(n);
  let numClasses: number;
  let classNames: string[] | undefined;
  if (rawLabels.every((s) => CLASS_ID.test(s) && Number(s) < 2 ** 31)) {
    let max = 0;
    for (let i = 0; i < n; i++) {
      y[i] = Number(rawLabels[i]);
      max = Math.max(max, y[i]!);
    }
    numClasses = max + 1;
  } else {
    const ids = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const s = rawLabels[i]!;
      let id = ids.get(s);
      if (id === undefined) {
        id = ids.size;
        ids.set(s, id);
      }
      y[i] = id;
    }
    numClasses = ids.size;
    classNames = [...ids.keys()];
  }
  const dataset: ClassificationDataset = { x: x.slice(0, n * d), xShape: [n, d], y, numClasses };
  return classNames
    ? { dataset, featureNames, labelName, classNames }
    : { dataset, featureNames, labelName };
}
