/**
 * The Compare tab: the same network, data and seed trained once per
 * activation, each run in its own worker (so they go in parallel), with the
 * loss curves on one chart, the decision boundaries side by side and the
 * final numbers in a table. Only the activation differs between runs: the
 * same seed gives the same data and the same initial weights.
 */
import './playground.css';
import { getActivation } from '../../../src/activations/index.js';
import { SYNTHETIC_NAMES, type SyntheticName } from '../../../src/data/synthetic.js';
import { h, swatch } from '../dom.js';
import { TrainingClient } from './client.js';
import { SERIES_COLOURS } from './colours.js';
import { type CompareState, MAX_COMPARED } from './compare-state.js';
import { LEARNING_RATES, layerActivationIds, MAX_LAYERS, MAX_UNITS, OPTIMIZERS } from './config.js';
import { Curves } from './curves.js';
import { domainOf } from './data.js';
import { drawHeatmap, type PointSet } from './heatmap.js';
import { LineChart } from './line-chart.js';
import type { FromWorker, Snapshot } from './protocol.js';

const GRID = 32;
const MAP_PX = 132;

interface Run {
  readonly id: string;
  readonly colour: string;
  readonly client: TrainingClient;
  /** Test and training loss against step. */
  readonly curves: Curves;
  readonly map: HTMLCanvasElement;
  points: PointSet | null;
  last: Snapshot | null;
  error: string | null;
}

function selectOf(
  testId: string,
  label: string,
  values: readonly (string | number)[],
): HTMLSelectElement {
  return h(
    'select',
    { 'data-testid': testId, 'aria-label': label },
    ...values.map((v) => h('option', { value: String(v) }, String(v))),
  );
}

function parseLayers(text: string): number[] | null {
  if (text.trim() === '') return [];
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (
    parts.length > MAX_LAYERS ||
    parts.some((v) => !Number.isInteger(v) || v < 1 || v > MAX_UNITS)
  )
    return null;
  return parts;
}

export class Compare {
  private state: CompareState;
  private runs: Run[] = [];
  private problems: readonly string[];
  private readonly ui = {
    data: selectOf('cmp-data', 'Data set', SYNTHETIC_NAMES),
    layers: h('input', {
      type: 'text',
      'data-testid': 'cmp-layers',
      'aria-label': 'Units per hidden layer, comma-separated',
      size: '10',
    }),
    lr: selectOf('cmp-lr', 'Learning rate', LEARNING_RATES),
    opt: selectOf('cmp-opt', 'Optimizer', OPTIMIZERS),
    budget: h('input', {
      type: 'number',
      min: '10',
      step: '100',
      'data-testid': 'cmp-budget',
      'aria-label': 'Steps per run',
    }),
    add: h('select', { 'data-testid': 'cmp-add', 'aria-label': 'Add an activation' }),
    chips: h('div', { class: 'chips', 'data-testid': 'cmp-chips' }),
    run: h('button', { type: 'button', class: 'pg-play', 'data-testid': 'cmp-run' }, 'Run again'),
    status: h('span', { class: 'pg-status', 'data-testid': 'cmp-status', role: 'status' }),
    chart: new LineChart('cmp-chart', 'Test loss of each activation against step', {
      height: 300,
      log: false,
      xTitle: 'step',
      yTitle: 'test loss',
      yMin: 0,
    }),
    legend: h('div', { class: 'pg-legend', 'data-testid': 'cmp-legend' }),
    maps: h('div', { class: 'cmp-maps', 'data-testid': 'cmp-maps' }),
    table: h('table', { class: 'cmp-table', 'data-testid': 'cmp-table' }),
    problems: h('div', { class: 'problems', 'data-testid': 'cmp-problems', role: 'status' }),
  };

  constructor(
    readonly root: HTMLElement,
    initial: CompareState,
    problems: readonly string[],
    private readonly onChange: (state: CompareState) => void,
  ) {
    this.state = initial;
    this.problems = problems;
    this.layout();
    this.wire();
    this.renderControls();
    this.start();
  }

  private layout(): void {
    const u = this.ui;
    const field = (caption: string, control: Node) =>
      h('label', { class: 'pg-field' }, h('span', { class: 'pg-caption' }, caption), control);
    const controls = h(
      'div',
      { class: 'pg-toolbar' },
      h('div', { class: 'pg-transport' }, u.run),
      field('Data', u.data),
      field('Hidden layers', u.layers),
      field('Learning rate', u.lr),
      field('Optimizer', u.opt),
      field('Steps', u.budget),
      u.status,
    );
    const picks = h(
      'div',
      { class: 'cmp-picks' },
      h('span', { class: 'pg-caption' }, `Activations (up to ${MAX_COMPARED})`),
      u.chips,
      u.add,
    );
    const body = h(
      'div',
      { class: 'cmp-body' },
      h(
        'section',
        { class: 'pg-col', 'aria-label': 'Loss curves' },
        h('h3', {}, 'Test loss against step'),
        u.legend,
        h('div', { class: 'pg-chart' }, u.chart.svg),
        h('div', { class: 'cmp-table-wrap' }, u.table),
      ),
      h(
        'section',
        { class: 'pg-col', 'aria-label': 'Decision boundaries' },
        h('h3', {}, 'Decision boundaries'),
        u.maps,
      ),
    );
    this.root.replaceChildren(
      h('div', { class: 'playground compare' }, controls, picks, u.problems, body),
    );
    this.renderProblems();
  }

  private wire(): void {
    const u = this.ui;
    const base = () => this.state.base;
    u.run.addEventListener('click', () => this.start());
    u.data.addEventListener('change', () =>
      this.update({ ...this.state, base: { ...base(), data: u.data.value as SyntheticName } }),
    );
    u.lr.addEventListener('change', () =>
      this.update({ ...this.state, base: { ...base(), learningRate: Number(u.lr.value) } }),
    );
    u.opt.addEventListener('change', () =>
      this.update({
        ...this.state,
        base: { ...base(), optimizer: u.opt.value as CompareState['base']['optimizer'] },
      }),
    );
    u.layers.addEventListener('change', () => {
      const layers = parseLayers(u.layers.value);
      if (layers === null) {
        this.problems = [
          `hidden layers: up to ${MAX_LAYERS} sizes from 1 to ${MAX_UNITS}, comma-separated`,
        ];
        this.renderProblems();
        return;
      }
      this.update({
        ...this.state,
        base: { ...base(), layers, activations: layers.map(() => 'relu') },
      });
    });
    u.budget.addEventListener('change', () => {
      const v = Number(u.budget.value);
      if (!Number.isInteger(v) || v < 1) return;
      this.update({ ...this.state, base: { ...base(), stopAt: v } });
    });
    u.add.addEventListener('change', () => {
      const id = u.add.value;
      u.add.value = '';
      if (id === '' || this.state.activations.includes(id)) return;
      if (this.state.activations.length >= MAX_COMPARED) return;
      this.update({ ...this.state, activations: [...this.state.activations, id] });
    });
  }

  /** Every change starts the comparison over, so the curves always share one setting. */
  private update(next: CompareState): void {
    this.state = next;
    this.problems = [];
    this.renderProblems();
    this.onChange(next);
    this.renderControls();
    this.start();
  }

  setState(next: CompareState): void {
    this.state = next;
    this.renderControls();
    this.start();
  }

  private renderProblems(): void {
    this.ui.problems.replaceChildren(...this.problems.map((p) => h('p', {}, p)));
  }

  private renderControls(): void {
    const u = this.ui;
    const b = this.state.base;
    u.data.value = b.data;
    u.layers.value = b.layers.join(',');
    u.lr.value = String(b.learningRate);
    if (u.lr.value !== String(b.learningRate)) {
      u.lr.append(h('option', { value: String(b.learningRate) }, String(b.learningRate)));
      u.lr.value = String(b.learningRate);
    }
    u.opt.value = b.optimizer;
    u.budget.value = String(b.stopAt);
    const full = this.state.activations.length >= MAX_COMPARED;
    u.add.replaceChildren(
      h('option', { value: '' }, full ? `${MAX_COMPARED} chosen` : '+ add activation…'),
      ...layerActivationIds()
        .filter((id) => !this.state.activations.includes(id))
        .map((id) => h('option', { value: id }, getActivation(id).name)),
    );
    u.add.disabled = full;
    u.chips.replaceChildren(
      ...this.state.activations.map((id, i) => {
        const chip = h(
          'span',
          { class: 'chip', 'data-testid': `cmp-chip-${id}` },
          h('span', { class: 'chip-text' }, swatch(SERIES_COLOURS[i]!), getActivation(id).name),
        );
        if (this.state.activations.length > 1) {
          const close = h(
            'button',
            { type: 'button', class: 'chip-close', 'aria-label': `Remove ${id}` },
            '×',
          );
          close.addEventListener('click', () =>
            this.update({
              ...this.state,
              activations: this.state.activations.filter((a) => a !== id),
            }),
          );
          chip.append(close);
        }
        return chip;
      }),
    );
  }

  private start(): void {
    for (const r of this.runs) r.client.terminate();
    const b = this.state.base;
    this.runs = this.state.activations.map((id, i) => {
      const run: Run = {
        id,
        colour: SERIES_COLOURS[i % SERIES_COLOURS.length]!,
        client: new TrainingClient((m) => this.receive(run, m)),
        curves: new Curves(2),
        map: h('canvas', {
          width: String(MAP_PX),
          height: String(MAP_PX),
          'data-testid': `cmp-map-${id}`,
        }),
        points: null,
        last: null,
        error: null,
      };
      run.client.send({
        type: 'start',
        config: {
          data: b.data,
          noise: b.noise,
          trainPercent: b.trainPercent,
          features: b.features,
          layers: b.layers,
          activations: b.layers.map(() => id),
          optimizer: b.optimizer,
          seed: b.seed,
        },
        hyper: { learningRate: b.learningRate, l1: b.l1, l2: b.l2, batchSize: b.batchSize },
        options: {
          gridSize: GRID,
          stopAt: b.stopAt,
          snapshotMs: 150,
          lossEvery: Math.max(1, Math.round(b.stopAt / 200)),
        },
      });
      run.client.send({ type: 'play' });
      return run;
    });
    this.ui.legend.replaceChildren(
      ...this.runs.map((r) => h('span', {}, swatch(r.colour), getActivation(r.id).name)),
    );
    this.ui.maps.replaceChildren(
      ...this.runs.map((r) =>
        h(
          'figure',
          { class: 'cmp-map' },
          r.map,
          h('figcaption', {}, swatch(r.colour), getActivation(r.id).name),
        ),
      ),
    );
    this.render();
  }

  private receive(run: Run, m: FromWorker): void {
    if (!this.runs.includes(run)) return;
    if (m.type === 'error') {
      run.error = m.message;
      run.client.terminate();
    } else if (m.type === 'points') {
      run.points = { x: m.train.x, y: m.train.y };
      return;
    } else {
      run.last = m;
      for (const p of m.curve) run.curves.push(p.step, [p.test, p.train]);
      if (m.grid !== null && run.points !== null)
        drawHeatmap(
          run.map,
          m.grid.output,
          m.grid.size,
          domainOf(this.state.base.data),
          run.points,
          null,
        );
      if (m.steps >= this.state.base.stopAt) run.client.terminate();
    }
    this.render();
  }

  private finished(r: Run): boolean {
    return r.error !== null || (r.last !== null && r.last.steps >= this.state.base.stopAt);
  }

  private render(): void {
    const u = this.ui;
    u.chart.draw(
      this.runs.map((r, i) => ({
        label: getActivation(r.id).name,
        colour: r.colour,
        xs: r.curves.steps,
        ys: r.curves.values[0]!,
        testId: `cmp-curve-${i}`,
      })),
    );
    const done = this.runs.filter((r) => this.finished(r)).length;
    const all = done === this.runs.length;
    u.status.dataset.state = all ? 'done' : 'running';
    u.status.textContent = all
      ? `done: ${this.runs.length} runs of ${this.state.base.stopAt} steps`
      : `training ${this.runs.length - done} of ${this.runs.length}…`;
    const best = Math.min(...this.runs.map((r) => r.last?.losses.test ?? Number.POSITIVE_INFINITY));
    u.table.replaceChildren(
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Activation'),
          h('th', {}, 'Step'),
          h('th', {}, 'Test loss'),
          h('th', {}, 'Training loss'),
          h('th', {}, 'Test accuracy'),
          h('th', {}, 'Dead units'),
        ),
      ),
      h(
        'tbody',
        {},
        ...this.runs.map((r) => {
          const s = r.last;
          const dead = s === null ? 0 : s.dead.reduce((a, l) => a + l.filter(Boolean).length, 0);
          const units = this.state.base.layers.reduce((a, b) => a + b, 0);
          const row = h(
            'tr',
            {
              'data-testid': `cmp-row-${r.id}`,
              'data-accuracy': s === null ? undefined : String(s.losses.testAccuracy),
              'data-test-loss': s === null ? undefined : String(s.losses.test),
              class: s !== null && s.losses.test === best && this.finished(r) ? 'best' : undefined,
            },
            h('td', {}, swatch(r.colour), getActivation(r.id).name),
            h('td', {}, s === null ? '—' : String(s.steps)),
            h('td', {}, s === null ? '—' : s.losses.test.toFixed(3)),
            h('td', {}, s === null ? '—' : s.losses.train.toFixed(3)),
            h('td', {}, s === null ? '—' : `${(100 * s.losses.testAccuracy).toFixed(1)} %`),
            h('td', {}, r.error ?? (s === null ? '—' : `${dead} of ${units}`)),
          );
          return row;
        }),
      ),
    );
  }
}
