/**
 * Training curves kept by the page: values against step, snapshot by
 * snapshot. A long run is thinned (every other point dropped) when it
 * reaches the cap, so memory and drawing time stay bounded however long it
 * plays, and the newest point is always kept.
 */
export const MAX_POINTS = 600;

export class Curves {
  readonly steps: number[] = [];
  readonly values: number[][];

  constructor(readonly count: number) {
    this.values = Array.from({ length: count }, () => []);
  }

  push(step: number, values: readonly number[]): void {
    if (values.length !== this.count) throw new Error(`expected ${this.count} values`);
    if (this.steps.length > 0 && step <= this.steps[this.steps.length - 1]!) return;
    this.steps.push(step);
    for (let i = 0; i < values.length; i++) this.values[i]!.push(values[i]!);
    if (this.steps.length > MAX_POINTS) this.thin();
  }

  /** Drops every other point but the last. */
  private thin(): void {
    const keep = (_: unknown, i: number, all: readonly unknown[]) =>
      i % 2 === 0 || i === all.length - 1;
    const steps = this.steps.filter(keep);
    this.steps.splice(0, this.steps.length, ...steps);
    for (const v of this.values) v.splice(0, v.length, ...v.filter(keep));
  }

  clear(): void {
    this.steps.length = 0;
    for (const v of this.values) v.length = 0;
  }
}
