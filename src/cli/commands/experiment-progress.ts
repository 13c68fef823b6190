/**
 * Progress of experiments on stderr. On a terminal one bar per experiment is
 * redrawn in place (at most ten times a second) and left as a summary line
 * when it ends; elsewhere (a pipe, a log) only the summary line is written,
 * so a log holds one line per experiment and a usage error stays one line.
 */
import type { Experiment } from '../../experiments/index.js';
import { progressBar } from '../../nn/progress.js';
import type { BuildHooks } from '../../report/build.js';
import type { TextSink } from '../io.js';

function isTerminal(sink: TextSink): boolean {
  return (sink as { isTTY?: boolean }).isTTY === true;
}

export class ExperimentProgress {
  private readonly tty: boolean;
  private readonly start = performance.now();
  private lastDraw = 0;
  private total = 0;

  constructor(
    private readonly sink: TextSink,
    private readonly name: string,
    /** "[2/10] " before the name when several experiments run in a row. */
    private readonly prefix = '',
  ) {
    this.tty = isTerminal(sink);
  }

  private elapsed(): string {
    return `${((performance.now() - this.start) / 1000).toFixed(1)}s`;
  }

  update(done: number, total: number, label = ''): void {
    this.total = total;
    if (!this.tty) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const count = `${String(done).padStart(String(total).length)}/${total}`;
    // \x1b[K clears what a longer previous label left on the line.
    this.sink.write(
      `\r${this.prefix}${this.name} ${progressBar(done, total)} ${count} ${this.elapsed()} ${label}\x1b[K`,
    );
  }

  /** The summary line: done (with the time) or failed (with the reason). */
  finish(error?: unknown): void {
    const head = this.tty ? '\r' : '';
    const tail = this.tty ? '\x1b[K\n' : '\n';
    if (error === undefined) {
      const bar = this.total > 0 ? `${progressBar(this.total, this.total)} ` : '';
      this.sink.write(`${head}${this.prefix}${this.name} ${bar}done in ${this.elapsed()}${tail}`);
    } else {
      const why = error instanceof Error ? error.message : String(error);
      this.sink.write(
        `${head}${this.prefix}${this.name} failed after ${this.elapsed()}: ${why}${tail}`,
      );
    }
  }
}

/** Hooks for buildReport that draw one bar per experiment and a line per later stage. */
export function reportProgress(sink: TextSink): BuildHooks {
  let current: ExperimentProgress | null = null;
  return {
    onExperimentStart: (e: Experiment, i: number, n: number) => {
      current = new ExperimentProgress(sink, e.name, `[${i + 1}/${n}] `);
      current.update(0, 1, 'starting');
    },
    onProgress: (_e, done, total, label) => current?.update(done, total, label),
    onExperimentEnd: (_e, _seconds, error) => {
      current?.finish(error);
      current = null;
    },
    onStage: (label) => sink.write(`${label}...\n`),
  };
}
