#!/usr/bin/env node
/** The `actlab` executable: runs the CLI on the process's own streams. */
import { run } from './run.js';

// A reader that stops early (`actlab list | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const stdin = process.stdin.isTTY ? undefined : process.stdin;
process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  ...(stdin ? { stdin } : {}),
});
