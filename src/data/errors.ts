import { UsageError } from '../activations/errors.js';

/** Where in its source a data error was found. */
export interface DataErrorLocation {
  file?: string;
  /** 1-based line (CSV; the header is line 1). */
  line?: number;
  /** Byte offset into the (decompressed) file (IDX). */
  offset?: number;
}

/**
 * A data file or data option that cannot be used. It is a UsageError, so the
 * CLI prints its one-line message and exits with code 2. The message already
 * names the file and the line or byte offset; the fields repeat them for code.
 */
export class DataError extends UsageError {
  override name = 'DataError';
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly offset: number | undefined;

  constructor(message: string, where: DataErrorLocation = {}) {
    super(message);
    this.file = where.file;
    this.line = where.line;
    this.offset = where.offset;
  }
}
