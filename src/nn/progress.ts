/**
 * The Keras progress bar:
 * `235/235 [==============================] - 6s 25ms/step - loss: 0.4013 - acc: 0.8605`.
 * On a terminal it is redrawn in place with \r after each batch; elsewhere
 * (a pipe, a log file) one line is written per epoch, when it ends.
 */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const WIDTH = 30;

/** The bar itself: `[=====>........................]` part-way, all `=` when done. */
export function progressBar(current: number, total: number): string {
  const filled = total > 0 ? Math.floor((WIDTH * current) / total) : WIDTH;
  if (current >= total) return `[${'='.repeat(WIDTH)}]`;
  return `[${'='.repeat(Math.max(0, filled - 1))}>${'.'.repeat(WIDTH - Math.max(1, filled))}]`;
}

/** Keras's metric formatting: 4 decimals, or exponent form for tiny values. */
export function formatMetric(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4);
}

function formatTime(seconds: number, perStep: number): string {
  const total = seconds >= 1 ? `${Math.round(seconds)}s` : `${Math.round(seconds * 1000)}ms`;
  const step =
    perStep >= 1
      ? `${perStep.toFixed(0)}s/step`
      : perStep >= 1e-3
        ? `${Math.round(perStep * 1000)}ms/step`
        : `${Math.round(perStep * 1e6)}us/step`;
  return `${total} ${step}`;
}

export class ProgressBar {
  private readonly start = performance.now();
  private lastDraw = 0;

  constructor(
    private readonly stream: ProgressStream,
    private readonly total: number,
  ) {}

  /** Called after each batch with the running metrics. */
  update(current: number, logs: Readonly<Record<string, number>>): void {
    if (this.stream.isTTY !== true) return;
    const now = performance.now();
    // Redraw at most 20 times a second: terminals are slow.
    if (current < this.total && now - this.lastDraw < 50) return;
    this.lastDraw = now;
    this.stream.write(`\r${this.line(current, logs)}`);
  }

  /** The final line of the epoch, with validation metrics. */
  finish(logs: Readonly<Record<string, number>>): void {
    const line = this.line(this.total, logs);
    this.stream.write(this.stream.isTTY === true ? `\r${line}\n` : `${line}\n`);
  }

  private line(current: number, logs: Readonly<Record<string, number>>): string {
    const elapsed = (performance.now() - this.start) / 1000;
    const digits = String(this.total).length;
    const head = `${String(current).padStart(digits)}/${this.total} ${progressBar(current, this.total)}`;
    const metrics = Object.entries(logs)
      .map(([k, v]) => ` - ${k}: ${formatMetric(v)}`)
      .join('');
    return `${head} - ${formatTime(elapsed, elapsed / Math.max(1, current))}${metrics}`;
  }
}
