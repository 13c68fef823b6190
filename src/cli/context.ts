import type { CliIO } from './io.js';

/** What a verb needs from the run that invoked it: the streams, and where to put its exit code. */
export interface CommandContext {
  readonly io: CliIO;
  exitCode: number;
}
