/** What fit() returns: per-epoch logs, as Keras's History. */
export class History {
  /** 0-based epoch numbers that ran. */
  readonly epoch: number[] = [];
  /** One array per log key: loss, acc, val_loss, val_acc, ... */
  readonly history: Record<string, number[]> = {};

  record(epoch: number, logs: Readonly<Record<string, number>>): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }

  /** The last value of a key (undefined before the first epoch). */
  last(key: string): number | undefined {
    const a = this.history[key];
    return a === undefined ? undefined : a[a.length - 1];
  }
}
