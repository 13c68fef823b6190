/** `actlab serve`: the HTML report at `/` and the browser lab at `/lab/`, on 127.0.0.1 only. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../../activations/errors.js';
import { type RunningServer, startServer } from '../../report/server.js';
import type { CommandContext } from '../context.js';
import type { CliIO } from '../io.js';

export const DEFAULT_PORT = 8765;
export const DEFAULT_REPORT_DIR = 'actlab-report';

/** The package root: this file sits three levels down in both src/ and dist/. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where `npm run build:web` writes the lab. */
export const LAB_DIR = join(PACKAGE_ROOT, 'dist', 'web');

export interface ServeOptions {
  readonly port?: number;
  readonly report?: string;
  /** The built lab; the package's own by default. */
  readonly lab?: string;
}

/**
 * Starts the server and says where it listens (stdout) and what is missing
 * (stderr). Without a report, `/` leads to the lab. Shared with `actlab start`.
 */
export async function serveLab(options: ServeOptions, io: CliIO): Promise<RunningServer> {
  const port = options.port ?? DEFAULT_PORT;
  const report = resolve(options.report ?? DEFAULT_REPORT_DIR);
  const lab = options.lab ?? LAB_DIR;
  const hasReport = existsSync(join(report, 'index.html'));
  const hasLab = existsSync(join(lab, 'index.html'));
  if (!hasLab) io.stderr.write(`actlab: the lab is not built (${lab}); run npm run build:web\n`);
  if (!hasReport) io.stderr.write(`actlab: no report in ${report} yet; run actlab report\n`);
  let running: RunningServer;
  try {
    running = await startServer({
      port,
      root: { '/': report, '/lab/': lab },
      redirects: !hasReport && hasLab ? { '/': '/lab/' } : {},
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(`port ${port} is in use; choose another with --port`);
    }
    throw e;
  }
  io.stdout.write(`report: ${running.url}\nlab:    ${running.url}lab/\n`);
  return running;
}

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM), after closing the server. */
export function untilStopped(running: RunningServer): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void running.close().then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function parsePort(text: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) > 65535) {
    throw new UsageError(`--port must be an integer from 0 to 65535 (got '${text}')`);
  }
  return Number(t);
}

interface ServeFlags {
  port: number;
  report: string;
}

export function registerServe(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  program
    .command('serve')
    .description('serve the HTML report and the browser lab on 127.0.0.1 until stopped')
    .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, DEFAULT_PORT)
    .option('--report <dir>', 'report directory served at /', DEFAULT_REPORT_DIR)
    .action(async (flags: ServeFlags) => {
      const running = await serveLab({ port: flags.port, report: flags.report }, io);
      io.stderr.write('Press Ctrl-C to stop.\n');
      await untilStopped(running);
    });
}
