/**
 * The shape every experiment shares, so that the CLI, the report and
 * `npm start` can run any of them the same way.
 */
import type { TopLevelSpec } from 'vega-lite';

export type Tier = 'quick' | 'full';

export interface ExperimentOptions {
  readonly tier: Tier;
  readonly seed: number;
  /** Progress of long work (the CLI draws a bar on stderr); total may change as work is discovered. */
  readonly progress?: (done: number, total: number, label?: string) => void;
  /** Extra options of a particular experiment (e.g. vanishing's `variant`, compare's `activations`). */
  readonly extra?: Readonly<Record<string, string>>;
}

export interface ExperimentChart {
  /** Stable id, used for file names and the report's data-chart attribute. */
  readonly id: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

export interface ExperimentResult {
  readonly name: string;
  readonly title: string;
  /** The JSON contract of the experiment (the field names). */
  readonly json: Record<string, unknown>;
  readonly charts: readonly ExperimentChart[];
  /** A short reading of the results for the report: plain paragraphs that cite the measured figures. */
  readonly reading: readonly string[];
  /** Optional table for the report: header row then rows. */
  readonly table?: {
    readonly header: readonly string[];
    readonly rows: readonly (readonly string[])[];
  };
}

export interface Experiment {
  readonly name: string;
  readonly title: string;
  /** One sentence: what it shows. */
  readonly summary: string;
  /** Names of the extra options it accepts, with their defaults, for `--help`. */
  readonly extraOptions?: Readonly<Record<string, string>>;
  run(options: ExperimentOptions): Promise<ExperimentResult>;
}
