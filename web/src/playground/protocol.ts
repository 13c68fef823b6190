/** The messages between the page and the training worker (plain data, structured-clone safe). */
import type { Hyper, Losses, RunConfig } from './trainer.js';

export interface RunOptions {
  /** Side of the output grid, or 0 for no grid (the Compare tab needs only losses). */
  readonly gridSize: number;
  /** Pause by itself after this many steps (0: never). */
  readonly stopAt: number;
  /** Least time between two snapshots while playing. */
  readonly snapshotMs: number;
  /** Losses are measured every this many steps for the curves, however fast the steps go. */
  readonly lossEvery: number;
}

export type ToWorker =
  | {
      readonly type: 'start';
      readonly config: RunConfig;
      readonly hyper: Hyper;
      readonly options: RunOptions;
    }
  | { readonly type: 'hyper'; readonly hyper: Hyper }
  | { readonly type: 'stopAt'; readonly steps: number }
  /** Caps the step rate (0: no cap), so a run can be watched step by step. */
  | { readonly type: 'speed'; readonly stepsPerSecond: number }
  | { readonly type: 'play' }
  | { readonly type: 'pause' }
  | { readonly type: 'step' };

export interface CurvePoint {
  readonly step: number;
  readonly train: number;
  readonly test: number;
  /** Mean gradient norm of each Dense layer over the steps since the previous point (null if none). */
  readonly grads: readonly number[] | null;
}

export interface Snapshot {
  readonly type: 'snapshot';
  readonly steps: number;
  readonly playing: boolean;
  readonly losses: Losses;
  /** Losses measured since the previous snapshot, every \`lossEvery\` steps. */
  readonly curve: readonly CurvePoint[];
  /** Measured over the last second of play; 0 when paused. */
  readonly stepsPerSecond: number;
  readonly dead: readonly (readonly boolean[])[];
  readonly grid: {
    readonly size: number;
    readonly output: Float32Array;
    readonly units: readonly Float32Array[];
  } | null;
}

export type FromWorker =
  | Snapshot
  | {
      readonly type: 'points';
      /** (x1, x2) pairs and labels of the training and test points. */
      readonly train: { readonly x: Float32Array; readonly y: Int32Array };
      readonly test: { readonly x: Float32Array; readonly y: Int32Array };
    }
  | { readonly type: 'error'; readonly message: string };
