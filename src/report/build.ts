/**
 * Building the report: run the experiments (each one's failure is recorded
 * and the others go on), render every chart to SVG, draw the catalogue,
 * compute the errata and the guide, and write `index.html` atomically. The
 * CLI's `report` and `start` verbs both come here.
 */
import { join } from 'node:path';
import {
  type ActivationSpec,
  type ElementwiseSpec,
  listActivations,
} from '../activations/index.js';
import {
  EXPERIMENTS,
  type Experiment,
  type ExperimentOptions,
  type Tier,
} from '../experiments/index.js';
import { getBackend } from '../kernels/backend.js';
import { renderSvg, svgToPng } from '../plot/render.js';
import { writeFileAtomic } from '../plot/save.js';
import type { CatalogueItem } from './catalogue-html.js';
import { computeErrata } from './errata.js';
import { activationFigureSvg, catalogueGridSvg } from './figures.js';
import { guideItems } from './guide.js';
import { type ExperimentEntry, type ExperimentFailure, reportHtml } from './page.js';

export const REPORT_TITLE = 'actlab: activation functions, measured';
/** The catalogue overview as PNG, beside index.html. */
export const OVERVIEW_PNG = 'activations.png';

/** Runs one experiment and renders its charts to SVG. */
export async function runExperiment(
  experiment: Experiment,
  options: ExperimentOptions,
): Promise<ExperimentEntry> {
  const t0 = performance.now();
  const result = await experiment.run(options);
  const seconds = (performance.now() - t0) / 1000;
  const svgs = new Map<string, string>();
  for (const c of result.charts) svgs.set(c.id, await renderSvg(c.spec));
  return { result, svgs, seconds, summary: experiment.summary };
}

export interface BuildHooks {
  /** Before each experiment. */
  readonly onExperimentStart?: (experiment: Experiment, index: number, count: number) => void;
  /** The experiment's own progress. */
  readonly onProgress?: (
    experiment: Experiment,
    done: number,
    total: number,
    label?: string,
  ) => void;
  /** After each experiment, with its error when it failed. */
  readonly onExperimentEnd?: (experiment: Experiment, seconds: number, error?: unknown) => void;
  /** Later stages (catalogue charts, writing). */
  readonly onStage?: (label: string) => void;
}

export interface BuildOptions extends BuildHooks {
  readonly out: string;
  readonly tier: Tier;
  readonly seed: number;
  /** The experiments to run (all of them by default). */
  readonly experiments?: readonly Experiment[];
}

export interface BuildOutcome {
  /** The written index.html. */
  readonly page: string;
  readonly entries: readonly ExperimentEntry[];
  readonly failures: readonly ExperimentFailure[];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function catalogueItems(specs: readonly ActivationSpec[]): Promise<CatalogueItem[]> {
  const items: CatalogueItem[] = [];
  for (const spec of specs) {
    items.push(
      spec.kind === 'elementwise' ? { spec, svg: await activationFigureSvg(spec) } : { spec },
    );
  }
  return items;
}

export async function buildReport(o: BuildOptions): Promise<BuildOutcome> {
  const experiments = o.experiments ?? EXPERIMENTS;
  const entries: ExperimentEntry[] = [];
  const failures: ExperimentFailure[] = [];
  for (const [i, experiment] of experiments.entries()) {
    o.onExperimentStart?.(experiment, i, experiments.length);
    const t0 = performance.now();
    try {
      const entry = await runExperiment(experiment, {
        tier: o.tier,
        seed: o.seed,
        progress: (done, total, label) => o.onProgress?.(experiment, done, total, label),
      });
      entries.push(entry);
      o.onExperimentEnd?.(experiment, entry.seconds);
    } catch (error) {
      failures.push({ name: experiment.name, title: experiment.title, message: messageOf(error) });
      o.onExperimentEnd?.(experiment, (performance.now() - t0) / 1000, error);
    }
  }
  o.onStage?.('drawing the catalogue');
  const specs = listActivations();
  const catalogue = await catalogueItems(specs);
  const elementwise = specs.filter((s): s is ElementwiseSpec => s.kind === 'elementwise');
  const overviewSvg = await catalogueGridSvg(
    elementwise,
    'Activations f(x) and their derivatives f′(x)',
  );
  o.onStage?.('writing the page');
  const results = new Map(entries.map((e) => [e.result.name, e.result] as const));
  const html = reportHtml({
    title: REPORT_TITLE,
    tier: o.tier,
    seed: o.seed,
    backend: getBackend().name,
    catalogue,
    overviewSvg,
    experiments: entries,
    failures,
    errata: computeErrata(),
    guide: guideItems(results),
  });
  const page = join(o.out, 'index.html');
  writeFileAtomic(page, html);
  // The overview also as a picture to share (the page itself carries it as SVG).
  writeFileAtomic(join(o.out, OVERVIEW_PNG), svgToPng(overviewSvg, 1.5));
  return { page, entries, failures };
}
