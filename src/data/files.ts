import { readFileSync } from 'node:fs';
import { DataError } from './errors.js';

/** The bytes of a data file; a missing or unreadable file is a DataError naming it. */
export function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new DataError(`${file}: cannot read the file (${reason})`, { file });
  }
}

/** A data file as UTF-8 text. */
export function readText(file: string): string {
  return new TextDecoder('utf-8').decode(readBytes(file));
}
