/** Runs the CLI in-process and captures what it prints. */
import { Readable } from 'node:stream';
import { run } from '../../src/cli/run.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function cli(argv: readonly string[], stdin?: string): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    ...(stdin === undefined ? {} : { stdin: Readable.from([stdin]) }),
  });
  return { code, stdout, stderr };
}

/** A user error: exit code 2, one line on stderr, nothing on stdout. */
export function expectUsageError(r: CliResult): string {
  if (r.code !== 2) throw new Error(`expected exit code 2, got ${r.code}: ${r.stderr}`);
  if (r.stdout !== '') throw new Error(`expected nothing on stdout, got ${r.stdout}`);
  const lines = r.stderr.trimEnd().split('\n');
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got:\n${r.stderr}`);
  return lines[0]!;
}
