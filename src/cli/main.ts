#!/usr/bin/env node
/**
 * The `actlab` executable: runs the CLI on the process's own streams. The
 * CLI is imported here, not at the top: loading the library reads
 * ACTLAB_BACKEND and ACTLAB_THREADS, and a bad value should be one line and
 * exit code 2, like any other bad input, not a stack trace.
 */

// A reader that stops early (`actlab list | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

let run: typeof import('./run.js').run;
try {
  ({ run } = await import('./run.js'));
} catch (error) {
  process.stderr.write(`actlab: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}

const stdin = process.stdin.isTTY ? undefined : process.stdin;
process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  ...(stdin ? { stdin } : {}),
});
