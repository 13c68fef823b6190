/**
 * Best-of-N wall-clock timing for benchmarks. On a shared machine the fastest
 * run is the one least disturbed by others, so the minimum, not the mean, is
 * the figure; a time budget stops slow candidates (the js reference,
 * TensorFlow.js) from taking minutes without cutting fast ones short.
 */

export interface Repeats {
  /** Timed runs at least (after one untimed warm-up). */
  readonly min: number;
  /** Timed runs at most. */
  readonly max: number;
  /** Stop after min runs once this much time (ms) was spent timing. */
  readonly budgetMs: number;
}

/** The fastest of several timed calls of fn, in milliseconds. */
export function bestMs(fn: () => void, r: Repeats): number {
  fn();
  let best = Number.POSITIVE_INFINITY;
  let spent = 0;
  for (let run = 0; run < r.max; run++) {
    const start = performance.now();
    fn();
    const ms = performance.now() - start;
    best = Math.min(best, ms);
    spent += ms;
    if (run + 1 >= r.min && spent >= r.budgetMs) break;
  }
  return best;
}

/** Millions of elements per second, rounded to 0.1. */
export function melemPerS(n: number, ms: number): number {
  return Math.round((n / ms / 1e3) * 10) / 10;
}
