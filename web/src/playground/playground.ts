/**
 * The Playground tab: TensorFlow Playground's controls over actlab's engine,
 * plus what it lacks — any activation of the catalogue per layer, the
 * gradient norm of every layer over time, and dead units greyed out.
 * Training runs in a Web Worker; this page only sends settings and draws the
 * snapshots it gets back.
 */
import './playground.css';
import { getActivation } from '../../../src/activations/index.js';
import { SYNTHETIC_NAMES, type SyntheticName } from '../../../src/data/synthetic.js';
import { h, swatch } from '../dom.js';
import { TrainingClient } from './client.js';
import { SERIES_COLOURS } from './colours.js';
import {
  LEARNING_RATES,
  layerActivationIds,
  MAX_LAYERS,
  MAX_UNITS,
  OPTIMIZERS,
  type PlaygroundState,
  REG_RATES,
  SPEEDS,
} from './config.js';
import { Curves } from './curves.js';
import { domainOf, gridPoints, makePoints } from './data.js';
import { FEATURES, type FeatureId, featureMatrix } from './features.js';
import { drawHeatmap, drawPreview, drawUnit, type PointSet } from './heatmap.js';
import { LineChart } from './line-chart.js';
import type { FromWorker, Snapshot } from './protocol.js';
import type { Hyper, RunConfig } from './trainer.js';

/** Cells per side of the output grid the worker evaluates. */
const GRID = 72;
const HEATMAP_PX = 320;
const UNIT_PX = 46;
const FEATURE_PX = 36;

function runConfig(s: PlaygroundState): RunConfig {
  return {
    data: s.data,
    noise: s.noise,
    trainPercent: s.trainPercent,
    features: s.features,
    layers: s.layers,
    activations: s.activations,
    optimizer: s.optimizer,
    seed: s.seed,
  };
}

function hyperOf(s: PlaygroundState): Hyper {
  return { learningRate: s.learningRate, l1: s.l1, l2: s.l2, batchSize: s.batchSize };
}

function select(
  testId: string,
  label: string,
  values: readonly (string | number)[],
  text: (v: string) => string = (v) => v,
): HTMLSelectElement {
  return h(
    'select',
    { 'data-testid': testId, 'aria-label': label },
    ...values.map((v) => h('option', { value: String(v) }, text(String(v)))),
  );
}

function canvas(px: number, testId?: string, cls?: string): HTMLCanvasElement {
  const c = h('canvas', {
    width: String(px),
    height: String(px),
    'data-testid': testId,
    class: cls,
  });
  return c;
}

function lossText(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : '—';
}

/** A labelled control: the caption above, the control (and a live value) below. */
function field(caption: string, ...controls: (Node | string)[]): HTMLElement {
  return h(
    'label',
    { class: 'pg-field' },
    h('span', { class: 'pg-caption' }, caption),
    ...controls,
  );
}

export class Playground {
  private state: PlaygroundState;
  private readonly client: TrainingClient;
  private points: { train: PointSet; test: PointSet } | null = null;
  private latest: Snapshot | null = null;
  private readonly losses = new Curves(2);
  private grads = new Curves(1);
  /** Whether the user wants it running (the worker may still pause at the step budget). */
  private wantPlay = false;
  private problems: readonly string[];
  private readonly ui = {
    play: h('button', { type: 'button', class: 'pg-play', 'data-testid': 'pg-play' }),
    step: h('button', { type: 'button', 'data-testid': 'pg-step', title: 'One batch' }, 'Step'),
    reset: h(
      'button',
      { type: 'button', 'data-testid': 'pg-reset', title: 'New weights, same settings' },
      'Reset',
    ),
    steps: h('output', { class: 'pg-count', 'data-testid': 'pg-steps' }, '0'),
    rate: h('output', { class: 'pg-count', 'data-testid': 'pg-rate' }, '—'),
    status: h('span', { class: 'pg-status', 'data-testid': 'pg-status', role: 'status' }),
    stopAt: h('input', {
      type: 'number',
      min: '0',
      step: '100',
      'data-testid': 'pg-stop',
      'aria-label': 'Pause at step (0: never)',
    }),
    speed: select('pg-speed', 'Most steps per second', SPEEDS, (v) =>
      v === '0' ? 'max' : `${v} / s`,
    ),
    lr: select('pg-lr', 'Learning rate', LEARNING_RATES),
    opt: select('pg-opt', 'Optimizer', OPTIMIZERS, (v) => (v === 'sgd' ? 'SGD' : 'Adam')),
    l1: select('pg-l1', 'L1 regularisation rate', REG_RATES),
    l2: select('pg-l2', 'L2 regularisation rate', REG_RATES),
    batch: h('input', {
      type: 'range',
      min: '1',
      max: '30',
      step: '1',
      'data-testid': 'pg-batch',
      'aria-label': 'Batch size',
    }),
    batchValue: h('output', { class: 'pg-value' }),
    noise: h('input', {
      type: 'range',
      min: '0',
      max: '50',
      step: '5',
      'data-testid': 'pg-noise',
      'aria-label': 'Noise',
    }),
    noiseValue: h('output', { class: 'pg-value' }),
    trainPercent: h('input', {
      type: 'range',
      min: '10',
      max: '90',
      step: '10',
      'data-testid': 'pg-train-percent',
      'aria-label': 'Ratio of training to test data',
    }),
    trainValue: h('output', { class: 'pg-value' }),
    regenerate: h('button', { type: 'button', 'data-testid': 'pg-regenerate' }, 'Regenerate'),
    dataButtons: h('div', { class: 'pg-datasets' }),
    features: h('div', { class: 'pg-features', 'data-testid': 'pg-features' }),
    network: h('div', { class: 'pg-network', 'data-testid': 'pg-network' }),
    layerCount: h('span', { class: 'pg-layer-count', 'data-testid': 'pg-layer-count' }),
    addLayer: h(
      'button',
      {
        type: 'button',
        class: 'pg-round',
        'data-testid': 'pg-add-layer',
        'aria-label': 'Add a hidden layer',
      },
      '+',
    ),
    removeLayer: h(
      'button',
      {
        type: 'button',
        class: 'pg-round',
        'data-testid': 'pg-remove-layer',
        'aria-label': 'Remove the last hidden layer',
      },
      '−',
    ),
    heatmap: canvas(HEATMAP_PX, 'pg-heatmap', 'pg-heatmap'),
    showTest: h('input', { type: 'checkbox', 'data-testid': 'pg-show-test' }),
    testLoss: h('output', { 'data-testid': 'pg-test-loss' }, '—'),
    trainLoss: h('output', { 'data-testid': 'pg-train-loss' }, '—'),
    testAcc: h('output', { 'data-testid': 'pg-test-accuracy' }, '—'),
    deadCount: h('output', { 'data-testid': 'pg-dead-count' }, '0'),
    lossChart: new LineChart('pg-loss-chart', 'Training and test loss against step', {
      height: 150,
      log: false,
      xTitle: 'step',
      yTitle: 'loss',
      yMin: 0,
    }),
    gradChart: new LineChart('pg-grad-chart', 'Gradient norm of each layer against step', {
      height: 170,
      log: true,
      xTitle: 'step',
      yTitle: '‖∂L/∂W‖',
    }),
    gradLegend: h('div', { class: 'pg-legend', 'data-testid': 'pg-grad-legend' }),
    problems: h('div', { class: 'problems', 'data-testid': 'pg-problems', role: 'status' }),
  };
  /** Unit canvases per hidden layer, rebuilt when the architecture changes. */
  private unitCanvases: HTMLCanvasElement[][] = [];

  constructor(
    readonly root: HTMLElement,
    initial: PlaygroundState,
    problems: readonly string[],
    private readonly onChange: (state: PlaygroundState) => void,
  ) {
    this.state = initial;
    this.problems = problems;
    this.client = new TrainingClient((m) => this.receive(m));
    this.layout();
    this.wire();
    this.renderControls();
    this.renderStructure();
    this.restart();
  }

  // ----- layout -----

  private layout(): void {
    const u = this.ui;
    const toolbar = h(
      'div',
      { class: 'pg-toolbar' },
      h('div', { class: 'pg-transport' }, u.reset, u.play, u.step),
      h(
        'div',
        { class: 'pg-counters' },
        h('span', { class: 'pg-caption' }, 'Step'),
        u.steps,
        h('span', { class: 'pg-caption' }, 'Steps / s'),
        u.rate,
      ),
      field('Learning rate', u.lr),
      field('Optimizer', u.opt),
      field('L1', u.l1),
      field('L2', u.l2),
      field('Batch size', h('span', { class: 'pg-slider' }, u.batch, u.batchValue)),
      field('Speed', u.speed),
      field('Pause at step', u.stopAt),
      u.status,
    );
    const data = h(
      'section',
      { class: 'pg-col pg-data', 'aria-label': 'Data' },
      h('h3', {}, 'Data'),
      u.dataButtons,
      field(
        'Ratio of training data',
        h('span', { class: 'pg-slider' }, u.trainPercent, u.trainValue),
      ),
      field('Noise', h('span', { class: 'pg-slider' }, u.noise, u.noiseValue)),
      u.regenerate,
    );
    const features = h(
      'section',
      { class: 'pg-col pg-inputs', 'aria-label': 'Features' },
      h('h3', {}, 'Features'),
      h('p', { class: 'pg-hint' }, 'What the network sees of a point.'),
      u.features,
    );
    const network = h(
      'section',
      { class: 'pg-col pg-net', 'aria-label': 'Network' },
      h(
        'div',
        { class: 'pg-net-head' },
        u.addLayer,
        u.removeLayer,
        u.layerCount,
        h(
          'span',
          { class: 'pg-hint' },
          'Each square is a unit’s output over the plane; grey ones are dead (zero gradient on every training point).',
        ),
      ),
      u.network,
    );
    const output = h(
      'section',
      { class: 'pg-col pg-output', 'aria-label': 'Output' },
      h('h3', {}, 'Output'),
      h(
        'dl',
        { class: 'pg-metrics' },
        h('dt', {}, 'Test loss'),
        h('dd', {}, u.testLoss),
        h('dt', {}, 'Training loss'),
        h('dd', {}, u.trainLoss),
        h('dt', {}, 'Test accuracy'),
        h('dd', {}, u.testAcc),
        h('dt', {}, 'Dead units'),
        h('dd', {}, u.deadCount),
      ),
      u.heatmap,
      h('label', { class: 'check pg-check' }, u.showTest, ' Show test data (dark rim)'),
      h('h4', {}, 'Loss (binary cross-entropy)'),
      h(
        'div',
        { class: 'pg-legend' },
        h('span', {}, swatch('#1d2330'), 'test'),
        h('span', {}, swatch('#9aa3b2'), 'training'),
      ),
      h('div', { class: 'pg-chart' }, u.lossChart.svg),
      h('h4', {}, 'Gradient flow'),
      h('p', { class: 'pg-hint' }, 'Mean gradient norm of each layer’s weights, log scale.'),
      u.gradLegend,
      h('div', { class: 'pg-chart' }, u.gradChart.svg),
    );
    this.root.replaceChildren(
      h(
        'div',
        { class: 'playground' },
        toolbar,
        u.problems,
        h('div', { class: 'pg-grid' }, data, features, network, output),
      ),
    );
    this.renderProblems();
  }

  private buildDataButtons(): void {
    this.ui.dataButtons.replaceChildren(
      ...SYNTHETIC_NAMES.map((name) => {
        const preview = canvas(56);
        const pts = makePoints(name, 0, 100, 0).train;
        drawPreview(preview, domainOf(name), pts);
        const button = h(
          'button',
          {
            type: 'button',
            class: 'pg-dataset',
            'data-testid': `pg-data-${name}`,
            'aria-pressed': String(name === this.state.data),
            title: name,
          },
          preview,
          h('span', {}, name),
        );
        button.addEventListener('click', () => this.restructure({ data: name as SyntheticName }));
        return button;
      }),
    );
  }

  private buildFeatures(): void {
    const domain = domainOf(this.state.data);
    const size = 24;
    const pts = gridPoints(domain, size);
    this.ui.features.replaceChildren(
      ...FEATURES.map((f) => {
        const box = h('input', {
          type: 'checkbox',
          'data-testid': `pg-feature-${f.id}`,
          'aria-label': f.label,
        });
        box.checked = this.state.features.includes(f.id);
        box.addEventListener('change', () => this.toggleFeature(f.id, box.checked));
        const picture = canvas(FEATURE_PX, undefined, 'pg-feature-map');
        drawUnit(picture, featureMatrix(pts, [f.id]), 0, size, false);
        return h('label', { class: 'pg-feature' }, box, picture, h('span', {}, f.label));
      }),
    );
  }

  // ----- events -----

  private wire(): void {
    const u = this.ui;
    u.play.addEventListener('click', () => this.setPlaying(!this.wantPlay));
    u.step.addEventListener('click', () => {
      this.wantPlay = false;
      this.client.send({ type: 'step' });
      this.renderTransport();
    });
    u.reset.addEventListener('click', () => this.restart());
    u.lr.addEventListener('change', () => this.retune({ learningRate: Number(u.lr.value) }));
    u.l1.addEventListener('change', () => this.retune({ l1: Number(u.l1.value) }));
    u.l2.addEventListener('change', () => this.retune({ l2: Number(u.l2.value) }));
    u.batch.addEventListener('input', () => this.retune({ batchSize: Number(u.batch.value) }));
    u.opt.addEventListener('change', () =>
      this.restructure({ optimizer: u.opt.value as PlaygroundState['optimizer'] }),
    );
    u.noise.addEventListener('change', () => this.restructure({ noise: Number(u.noise.value) }));
    u.noise.addEventListener('input', () => {
      u.noiseValue.value = u.noise.value;
    });
    u.trainPercent.addEventListener('change', () =>
      this.restructure({ trainPercent: Number(u.trainPercent.value) }),
    );
    u.trainPercent.addEventListener('input', () => {
      u.trainValue.value = `${u.trainPercent.value} %`;
    });
    u.regenerate.addEventListener('click', () =>
      this.restructure({ seed: (this.state.seed + 1) % 2 ** 31 }),
    );
    u.speed.addEventListener('change', () => {
      this.commit({ ...this.state, speed: Number(u.speed.value) });
      this.client.send({ type: 'speed', stepsPerSecond: this.state.speed });
    });
    u.stopAt.addEventListener('change', () => {
      const v = Number(u.stopAt.value);
      const stopAt = Number.isInteger(v) && v >= 0 ? v : 0;
      this.commit({ ...this.state, stopAt });
      this.client.send({ type: 'stopAt', steps: stopAt });
    });
    u.addLayer.addEventListener('click', () => {
      if (this.state.layers.length >= MAX_LAYERS) return;
      const last = this.state.activations.at(-1) ?? 'tanh';
      this.restructure({
        layers: [...this.state.layers, 2],
        activations: [...this.state.activations, last],
      });
    });
    u.removeLayer.addEventListener('click', () => {
      if (this.state.layers.length === 0) return;
      this.restructure({
        layers: this.state.layers.slice(0, -1),
        activations: this.state.activations.slice(0, -1),
      });
    });
    u.showTest.addEventListener('change', () => this.drawOutput());
  }

  private setPlaying(play: boolean): void {
    this.wantPlay = play;
    this.client.send({ type: play ? 'play' : 'pause' });
    this.renderTransport();
  }

  /** Settings that take effect at the next batch, as in TensorFlow Playground. */
  private retune(change: Partial<Hyper>): void {
    this.commit({ ...this.state, ...change });
    this.client.send({ type: 'hyper', hyper: hyperOf(this.state) });
    this.renderControls();
  }

  /** Settings that make a new data set or network: the run starts over. */
  private restructure(change: Partial<PlaygroundState>): void {
    const before = this.state;
    this.commit({ ...this.state, ...change });
    this.renderControls();
    if (
      before.layers.join() !== this.state.layers.join() ||
      before.activations.join() !== this.state.activations.join()
    )
      this.renderStructure();
    if (before.data !== this.state.data) this.buildFeatures();
    this.restart();
  }

  private commit(next: PlaygroundState): void {
    this.state = next;
    if (this.problems.length > 0) {
      this.problems = [];
      this.renderProblems();
    }
    this.onChange(next);
  }

  private toggleFeature(id: FeatureId, on: boolean): void {
    const features = FEATURES.map((f) => f.id).filter((f) =>
      f === id ? on : this.state.features.includes(f),
    );
    if (features.length === 0) {
      this.renderControls();
      return;
    }
    this.restructure({ features });
  }

  private setUnits(layer: number, delta: number): void {
    const layers = [...this.state.layers];
    const next = layers[layer]! + delta;
    if (next < 1 || next > MAX_UNITS) return;
    layers[layer] = next;
    this.restructure({ layers });
  }

  private setActivation(layer: number, id: string): void {
    const activations = [...this.state.activations];
    activations[layer] = id;
    this.restructure({ activations });
  }

  /** A state from the URL (Back, or an edited link). */
  setState(next: PlaygroundState): void {
    this.state = next;
    this.renderControls();
    this.renderStructure();
    this.buildFeatures();
    this.restart();
  }

  private restart(): void {
    this.losses.clear();
    this.grads = new Curves(this.state.layers.length + 1);
    this.latest = null;
    this.points = null;
    this.ui.rate.value = '—';
    delete this.ui.rate.dataset.value;
    this.client.send({
      type: 'start',
      config: runConfig(this.state),
      hyper: hyperOf(this.state),
      options: { gridSize: GRID, stopAt: this.state.stopAt, snapshotMs: 100, lossEvery: 20 },
    });
    this.client.send({ type: 'speed', stepsPerSecond: this.state.speed });
    if (this.wantPlay) this.client.send({ type: 'play' });
    this.renderTransport();
  }

  // ----- messages from the worker -----

  private receive(m: FromWorker): void {
    if (m.type === 'error') {
      this.wantPlay = false;
      this.problems = [`training stopped: ${m.message}`];
      this.renderProblems();
      this.renderTransport();
      return;
    }
    if (m.type === 'points') {
      this.points = { train: m.train, test: m.test };
      return;
    }
    this.latest = m;
    for (const p of m.curve) {
      this.losses.push(p.step, [p.test, p.train]);
      if (p.grads !== null && p.grads.length === this.grads.count) this.grads.push(p.step, p.grads);
    }
    if (!m.playing && this.wantPlay && this.state.stopAt > 0 && m.steps >= this.state.stopAt)
      this.wantPlay = false;
    this.renderSnapshot(m);
  }

  // ----- rendering -----

  private renderProblems(): void {
    this.ui.problems.replaceChildren(...this.problems.map((p) => h('p', {}, p)));
  }

  private renderControls(): void {
    const u = this.ui;
    const s = this.state;
    u.lr.value = String(s.learningRate);
    if (u.lr.value !== String(s.learningRate)) {
      // A rate from a link that is not one of the choices still shows.
      u.lr.append(h('option', { value: String(s.learningRate) }, String(s.learningRate)));
      u.lr.value = String(s.learningRate);
    }
    u.opt.value = s.optimizer;
    u.speed.value = String(s.speed);
    if (u.speed.value !== String(s.speed)) {
      u.speed.append(h('option', { value: String(s.speed) }, `${s.speed} / s`));
      u.speed.value = String(s.speed);
    }
    for (const [el, v] of [
      [u.l1, s.l1],
      [u.l2, s.l2],
    ] as const) {
      el.value = String(v);
      if (el.value !== String(v)) {
        el.append(h('option', { value: String(v) }, String(v)));
        el.value = String(v);
      }
    }
    u.batch.value = String(s.batchSize);
    u.batchValue.value = String(s.batchSize);
    u.noise.value = String(s.noise);
    u.noiseValue.value = String(s.noise);
    u.trainPercent.value = String(s.trainPercent);
    u.trainValue.value = `${s.trainPercent} %`;
    if (document.activeElement !== u.stopAt) u.stopAt.value = String(s.stopAt);
    if (u.dataButtons.childElementCount === 0) this.buildDataButtons();
    for (const b of u.dataButtons.children)
      b.setAttribute(
        'aria-pressed',
        String((b as HTMLElement).dataset.testid === `pg-data-${s.data}`),
      );
    if (u.features.childElementCount === 0) this.buildFeatures();
    for (const f of FEATURES) {
      const box = u.features.querySelector<HTMLInputElement>(`[data-testid="pg-feature-${f.id}"]`);
      if (box !== null) box.checked = s.features.includes(f.id);
    }
  }

  private renderTransport(): void {
    const u = this.ui;
    const playing = this.wantPlay;
    u.play.textContent = playing ? '❚❚ Pause' : '▶ Play';
    u.play.setAttribute('aria-pressed', String(playing));
    const m = this.latest;
    const atBudget = m !== null && this.state.stopAt > 0 && m.steps >= this.state.stopAt;
    const state = playing ? 'playing' : atBudget ? 'stopped' : 'paused';
    u.status.dataset.state = state;
    u.status.textContent =
      state === 'playing'
        ? 'training…'
        : state === 'stopped'
          ? `paused at step ${this.state.stopAt}`
          : 'paused';
  }

  /** The layer columns: activation select, unit count and one thumbnail per unit. */
  private renderStructure(): void {
    const u = this.ui;
    const s = this.state;
    u.layerCount.textContent = `${s.layers.length} hidden layer${s.layers.length === 1 ? '' : 's'}`;
    (u.addLayer as HTMLButtonElement).disabled = s.layers.length >= MAX_LAYERS;
    (u.removeLayer as HTMLButtonElement).disabled = s.layers.length === 0;
    const ids = layerActivationIds();
    this.unitCanvases = [];
    const inputs = h(
      'div',
      { class: 'pg-layer pg-layer-io' },
      h('div', { class: 'pg-layer-title' }, 'Input'),
      h('div', { class: 'pg-layer-sub' }, `${s.features.length} features`),
    );
    const columns = s.layers.map((units, li) => {
      const act = select(
        `pg-act-${li}`,
        `Activation of hidden layer ${li + 1}`,
        ids,
        (id) => getActivation(id).name,
      );
      act.value = s.activations[li]!;
      act.addEventListener('change', () => this.setActivation(li, act.value));
      const more = h(
        'button',
        {
          type: 'button',
          class: 'pg-round',
          'data-testid': `pg-units-add-${li}`,
          'aria-label': `More units in layer ${li + 1}`,
          disabled: units >= MAX_UNITS,
        },
        '+',
      );
      const fewer = h(
        'button',
        {
          type: 'button',
          class: 'pg-round',
          'data-testid': `pg-units-remove-${li}`,
          'aria-label': `Fewer units in layer ${li + 1}`,
          disabled: units <= 1,
        },
        '−',
      );
      more.addEventListener('click', () => this.setUnits(li, 1));
      fewer.addEventListener('click', () => this.setUnits(li, -1));
      const canvases = Array.from({ length: units }, (_, ui) =>
        canvas(UNIT_PX, `pg-unit-${li}-${ui}`, 'pg-unit'),
      );
      this.unitCanvases.push(canvases);
      return h(
        'div',
        { class: 'pg-layer', 'data-testid': `pg-layer-${li}` },
        h('div', { class: 'pg-layer-title' }, `Layer ${li + 1}`),
        h(
          'div',
          { class: 'pg-layer-sub' },
          fewer,
          h('span', { 'data-testid': `pg-units-${li}` }, `${units} unit${units === 1 ? '' : 's'}`),
          more,
        ),
        act,
        h(
          'div',
          { class: 'pg-units' },
          ...canvases.map((c) => h('div', { class: 'pg-unit-box' }, c)),
        ),
      );
    });
    const outputCol = h(
      'div',
      { class: 'pg-layer pg-layer-io' },
      h('div', { class: 'pg-layer-title' }, 'Output'),
      h('div', { class: 'pg-layer-sub' }, '1 unit, sigmoid'),
    );
    u.network.replaceChildren(inputs, ...columns, outputCol);
    this.renderGradLegend();
  }

  private renderGradLegend(): void {
    const names = [...this.state.layers.map((_, i) => `layer ${i + 1}`), 'output'];
    this.ui.gradLegend.replaceChildren(
      ...names.map((n, i) => h('span', {}, swatch(SERIES_COLOURS[i % SERIES_COLOURS.length]!), n)),
    );
  }

  private renderSnapshot(m: Snapshot): void {
    const u = this.ui;
    u.steps.value = String(m.steps);
    u.steps.dataset.value = String(m.steps);
    // The last measured rate stays up while paused, greyed, so it can still be read.
    if (m.stepsPerSecond > 0) {
      u.rate.value = String(Math.round(m.stepsPerSecond));
      u.rate.dataset.value = String(m.stepsPerSecond);
    }
    u.rate.classList.toggle('stale', !m.playing);
    for (const [el, v] of [
      [u.testLoss, m.losses.test],
      [u.trainLoss, m.losses.train],
    ] as const) {
      el.value = lossText(v);
      el.dataset.value = String(v);
      el.dataset.step = String(m.steps);
    }
    u.testAcc.value = Number.isFinite(m.losses.testAccuracy)
      ? `${(100 * m.losses.testAccuracy).toFixed(1)} %`
      : '—';
    u.testAcc.dataset.value = String(m.losses.testAccuracy);
    const dead = m.dead.reduce((a, l) => a + l.filter(Boolean).length, 0);
    const total = this.state.layers.reduce((a, b) => a + b, 0);
    u.deadCount.value = `${dead} of ${total}`;
    u.deadCount.dataset.value = String(dead);
    this.renderTransport();
    this.drawOutput();
    this.drawUnits(m);
    this.drawCharts();
  }

  private drawOutput(): void {
    const m = this.latest;
    if (m?.grid == null || this.points === null) return;
    drawHeatmap(
      this.ui.heatmap,
      m.grid.output,
      m.grid.size,
      domainOf(this.state.data),
      this.points.train,
      this.ui.showTest.checked ? this.points.test : null,
    );
  }

  private drawUnits(m: Snapshot): void {
    if (m.grid === null) return;
    this.unitCanvases.forEach((canvases, li) => {
      const values = m.grid!.units[li];
      if (values === undefined || values.length !== canvases.length * m.grid!.size ** 2) return;
      canvases.forEach((c, ui) => {
        const dead = m.dead[li]?.[ui] === true;
        drawUnit(c, values, ui, m.grid!.size, dead);
        c.dataset.dead = String(dead);
        c.parentElement?.classList.toggle('dead', dead);
        c.title = dead
          ? `Layer ${li + 1}, unit ${ui + 1}: dead — its activation passes zero gradient on every training point`
          : `Layer ${li + 1}, unit ${ui + 1}`;
      });
    });
  }

  private drawCharts(): void {
    const l = this.losses;
    this.ui.lossChart.draw([
      {
        label: 'training',
        colour: '#9aa3b2',
        xs: l.steps,
        ys: l.values[1]!,
        testId: 'pg-train-curve',
      },
      { label: 'test', colour: '#1d2330', xs: l.steps, ys: l.values[0]!, testId: 'pg-test-curve' },
    ]);
    const g = this.grads;
    this.ui.gradChart.draw(
      g.values.map((ys, i) => ({
        label: i === g.count - 1 ? 'output' : `layer ${i + 1}`,
        colour: SERIES_COLOURS[i % SERIES_COLOURS.length]!,
        xs: g.steps,
        ys,
        testId: `pg-grad-${i}`,
      })),
    );
  }
}
