/**
 * The Explorer tab: pick activations, move their parameters, and see f, f'
 * and f'' with the formula and notes. All state is an ExplorerState, written
 * to the URL on every change; the page is redrawn from it.
 */
import {
  type ActivationSpec,
  getActivation,
  isChoiceParam,
  listActivations,
  normalizeName,
  type Params,
  type ParamValue,
  PRESET_NAMES,
  type PresetName,
  rangeText,
} from '../../src/activations/index.js';
import { h, swatch } from './dom.js';
import { formulaBlock, infoBlock } from './info.js';
import { Plot } from './plot.js';
import { buildSeries, type Series, tryResolve } from './series.js';
import { sliderRange, sweepValues } from './slider-range.js';
import {
  type CurveChoice,
  type ExplorerState,
  MAX_CURVES,
  MAX_SWEEP,
  type Sweep,
} from './state.js';
import { formatNumber } from './ticks.js';

/** Tableau 10: distinct colours for overlaid activations. */
const OVERLAY_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
/** Viridis without its pale yellow end: an ordered scale for the values of a sweep. */
const SWEEP_COLOURS = [
  '#440154',
  '#482878',
  '#3e4989',
  '#31688e',
  '#26828e',
  '#1f9e89',
  '#35b779',
  '#6ece58',
];

function sweepColour(i: number, n: number): string {
  const at = n === 1 ? 0 : Math.round((i * (SWEEP_COLOURS.length - 1)) / (n - 1));
  return SWEEP_COLOURS[at]!;
}

/** Text a search matches: names, aliases and where the activation is used ("BERT" finds GELU). */
function searchText(spec: ActivationSpec): string {
  return [spec.id, spec.name, ...spec.aliases, ...spec.notes.usedIn, spec.notes.summary]
    .join(' ')
    .toLowerCase();
}

function matches(spec: ActivationSpec, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  const names = [spec.id, spec.name, ...spec.aliases].map(normalizeName);
  return names.some((n) => n.includes(normalizeName(q))) || searchText(spec).includes(q);
}

/** Parameters that differ from the defaults, for a legend label. */
function paramSummary(spec: ActivationSpec, params: Params): string {
  const changed = Object.entries(params).filter(([name, v]) => spec.params[name]?.default !== v);
  return changed
    .map(([name, v]) => `${name}=${typeof v === 'number' ? formatNumber(v) : v}`)
    .join(', ');
}

export class Explorer {
  private state: ExplorerState;
  private readonly plot: Plot;
  private readonly list: HTMLUListElement;
  private readonly search: HTMLInputElement;
  private readonly chips: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly readout: HTMLElement;
  private readonly problemsBox: HTMLElement;
  private readonly paramsBox: HTMLElement;
  private readonly formulaBox: HTMLElement;
  private readonly infoBox: HTMLElement;
  private readonly plotBox: HTMLElement;
  private readonly toolbar: {
    readonly lo: HTMLInputElement;
    readonly hi: HTMLInputElement;
    readonly df: HTMLInputElement;
    readonly d2: HTMLInputElement;
    readonly preset: HTMLSelectElement;
    readonly sweep: HTMLSelectElement;
    readonly sweepValues: HTMLInputElement;
  };
  private series: Series[] = [];
  /** What the opening link asked for that could not be shown; cleared by the first change. */
  private notices: readonly string[];
  private frame = 0;
  private hoverX: number | undefined;

  constructor(
    readonly root: HTMLElement,
    initial: ExplorerState,
    problems: readonly string[],
    private readonly onChange: (state: ExplorerState) => void,
  ) {
    this.state = initial;
    this.notices = problems;
    this.search = h('input', {
      type: 'search',
      id: 'activation-search',
      'data-testid': 'activation-search',
      placeholder: `Search ${listActivations().length} activations`,
      'aria-label': 'Search activations by name, alias or use',
      autocomplete: 'off',
    });
    this.list = h('ul', { class: 'activation-list', 'data-testid': 'activation-list' });
    this.chips = h('div', { class: 'chips', 'data-testid': 'curve-chips' });
    this.legend = h('div', { class: 'legend', 'data-testid': 'legend' });
    this.readout = h('div', {
      class: 'readout',
      'data-testid': 'hover-readout',
      'aria-live': 'polite',
    });
    this.problemsBox = h('div', { class: 'problems', 'data-testid': 'problems', role: 'status' });
    this.paramsBox = h('div', { class: 'params', 'data-testid': 'params' });
    this.formulaBox = h('div', { class: 'formula', 'data-testid': 'formula' });
    this.infoBox = h('div', { class: 'info', 'data-testid': 'info' });
    this.plotBox = h('div', { class: 'plot-box' });
    this.toolbar = {
      lo: h('input', {
        type: 'number',
        step: 'any',
        'data-testid': 'range-min',
        'aria-label': 'x from',
      }),
      hi: h('input', {
        type: 'number',
        step: 'any',
        'data-testid': 'range-max',
        'aria-label': 'x to',
      }),
      df: h('input', { type: 'checkbox', 'data-testid': 'toggle-df' }),
      d2: h('input', { type: 'checkbox', 'data-testid': 'toggle-d2' }),
      preset: h(
        'select',
        { 'data-testid': 'preset-select', 'aria-label': 'Framework defaults' },
        ...PRESET_NAMES.map((p) => h('option', { value: p }, p)),
      ),
      sweep: h('select', { 'data-testid': 'sweep-param', 'aria-label': 'Parameter to sweep' }),
      sweepValues: h('input', {
        type: 'text',
        'data-testid': 'sweep-values',
        'aria-label': 'Sweep values, separated by commas',
        placeholder: 'values, comma-separated',
      }),
    };
    this.plot = new Plot(this.plotBox, (x) => {
      this.hoverX = x;
      this.renderReadout();
    });
    this.layout();
    this.buildList();
    this.wire();
    this.renderAll();
    new ResizeObserver(() => this.scheduleDraw()).observe(this.plotBox);
  }

  private layout(): void {
    const t = this.toolbar;
    const picker = h(
      'aside',
      { class: 'picker', 'aria-label': 'Activations' },
      h('label', { for: 'activation-search', class: 'visually-hidden' }, 'Search activations'),
      this.search,
      h('p', { class: 'hint' }, 'Click a name to show it; + overlays it (up to four).'),
      this.list,
    );
    const toolbar = h(
      'div',
      { class: 'toolbar' },
      h('label', {}, 'x from ', t.lo),
      h('label', {}, 'to ', t.hi),
      h('label', { class: 'check' }, t.df, ' f′'),
      h('label', { class: 'check' }, t.d2, ' f″'),
      h('label', {}, 'defaults ', t.preset),
      h('label', {}, 'sweep ', t.sweep),
      t.sweepValues,
    );
    const chart = h(
      'section',
      { class: 'chart', 'aria-label': 'Chart' },
      this.chips,
      toolbar,
      this.problemsBox,
      this.legend,
      this.plotBox,
      this.readout,
    );
    const details = h(
      'section',
      { class: 'details', 'aria-label': 'Details' },
      this.paramsBox,
      this.formulaBox,
      this.infoBox,
    );
    this.root.replaceChildren(h('div', { class: 'explorer' }, picker, chart, details));
  }

  private buildList(): void {
    for (const spec of listActivations()) {
      const pick = h(
        'button',
        {
          type: 'button',
          class: 'pick',
          'data-testid': `activation-option-${spec.id}`,
          title: spec.notes.summary,
        },
        h('span', { class: 'name' }, spec.name),
        h('span', { class: 'id' }, spec.kind === 'vector' ? `${spec.id} · vector` : spec.id),
      );
      pick.addEventListener('click', () => this.pick(spec.id));
      const add = h(
        'button',
        {
          type: 'button',
          class: 'add',
          'data-testid': `overlay-add-${spec.id}`,
          title: `Overlay ${spec.name}`,
          'aria-label': `Overlay ${spec.name}`,
        },
        '+',
      );
      add.addEventListener('click', () => this.overlay(spec.id));
      const item = h('li', { 'data-id': spec.id }, pick, add);
      this.list.append(item);
    }
  }

  private wire(): void {
    const t = this.toolbar;
    this.search.addEventListener('input', () => this.filterList());
    this.search.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      const first = [...this.list.children].find((li) => !(li as HTMLElement).hidden) as
        | HTMLElement
        | undefined;
      if (first?.dataset.id !== undefined) this.pick(first.dataset.id);
    });
    const setRange = () => {
      const lo = Number(t.lo.value);
      const hi = Number(t.hi.value);
      if (
        t.lo.value === '' ||
        t.hi.value === '' ||
        !Number.isFinite(lo) ||
        !Number.isFinite(hi) ||
        !(lo < hi)
      ) {
        this.showProblems(['the x range needs two numbers, from < to']);
        return;
      }
      this.showProblems([]);
      this.update({ ...this.state, range: [lo, hi] });
    };
    t.lo.addEventListener('change', setRange);
    t.hi.addEventListener('change', setRange);
    t.df.addEventListener('change', () => this.update({ ...this.state, showDf: t.df.checked }));
    t.d2.addEventListener('change', () => this.update({ ...this.state, showD2: t.d2.checked }));
    t.preset.addEventListener('change', () => {
      this.update({ ...this.state, preset: t.preset.value as PresetName });
      this.renderParams();
    });
    t.sweep.addEventListener('change', () => this.setSweep(t.sweep.value));
    t.sweepValues.addEventListener('change', () => {
      const sweep = this.state.sweep;
      if (sweep === undefined) return;
      const values = t.sweepValues.value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '')
        .slice(0, MAX_SWEEP);
      this.update({ ...this.state, sweep: { param: sweep.param, values } });
    });
  }

  private filterList(): void {
    const q = this.search.value;
    for (const li of this.list.children) {
      const el = li as HTMLElement;
      el.hidden = !matches(getActivation(el.dataset.id!), q);
    }
  }

  // ----- state changes -----

  private update(next: ExplorerState): void {
    this.state = next;
    this.notices = [];
    this.onChange(next);
    this.renderChips();
    this.renderToolbar();
    this.renderInfo();
    this.scheduleDraw();
  }

  /** Replaces the selected curve with another activation. */
  private pick(id: string): void {
    const curves = [...this.state.curves];
    const existing = curves.findIndex((c) => c.id === id);
    let selected = this.state.selected;
    if (existing >= 0) selected = existing;
    else curves[selected] = { id, given: {} };
    const { sweep: _dropped, ...rest } = this.state;
    this.update({ ...rest, curves, selected });
    this.renderSelection();
  }

  private overlay(id: string): void {
    const at = this.state.curves.findIndex((c) => c.id === id);
    if (at >= 0) {
      this.update({ ...this.state, selected: at });
      this.renderSelection();
      return;
    }
    if (this.state.curves.length >= MAX_CURVES) {
      this.showProblems([`at most ${MAX_CURVES} activations can be overlaid; remove one first`]);
      return;
    }
    const { sweep: _dropped, ...rest } = this.state;
    const curves = [...this.state.curves, { id, given: {} }];
    this.update({ ...rest, curves, selected: curves.length - 1 });
    this.renderSelection();
  }

  private remove(index: number): void {
    if (this.state.curves.length === 1) return;
    const curves = this.state.curves.filter((_, i) => i !== index);
    const selected = Math.min(
      this.state.selected === index
        ? 0
        : this.state.selected - (index < this.state.selected ? 1 : 0),
      curves.length - 1,
    );
    const { sweep: _dropped, ...rest } = this.state;
    this.update({ ...rest, curves, selected });
    this.renderSelection();
  }

  private select(index: number): void {
    const { sweep: _dropped, ...rest } = this.state;
    this.update({ ...rest, selected: index });
    this.renderSelection();
  }

  private setParam(name: string, value: ParamValue): void {
    const curves = this.state.curves.map((c, i) =>
      i === this.state.selected ? { id: c.id, given: { ...c.given, [name]: value } } : c,
    );
    this.update({ ...this.state, curves });
  }

  private resetParams(): void {
    const curves = this.state.curves.map((c, i) =>
      i === this.state.selected ? { id: c.id, given: {} } : c,
    );
    this.update({ ...this.state, curves });
    this.renderParams();
  }

  private setSweep(param: string): void {
    const { sweep: _dropped, ...rest } = this.state;
    if (param === '') {
      this.update(rest);
      return;
    }
    const current = this.selectedCurve();
    const spec = getActivation(current.id);
    const ps = spec.params[param]!;
    let values: string[];
    if (isChoiceParam(ps)) values = [...ps.choices];
    else values = sweepValues(sliderRange(spec, param, ps, ps.default));
    this.update({ ...rest, sweep: { param, values } });
  }

  private selectedCurve(): CurveChoice {
    return this.state.curves[this.state.selected]!;
  }

  // ----- rendering -----

  private renderAll(): void {
    this.renderSelection();
    this.renderChips();
    this.renderToolbar();
  }

  /** What depends on which activation is selected: the list highlight, sliders, formula and notes. */
  private renderSelection(): void {
    const id = this.selectedCurve().id;
    for (const li of this.list.children)
      (li as HTMLElement).classList.toggle('current', (li as HTMLElement).dataset.id === id);
    this.renderParams();
    this.formulaBox.replaceChildren(formulaBlock(getActivation(id)));
    this.renderInfo();
    this.scheduleDraw();
  }

  private renderChips(): void {
    const sweeping = this.state.sweep !== undefined;
    this.chips.replaceChildren(
      ...this.state.curves.map((c, i) => {
        const spec = getActivation(c.id);
        const chip = h('span', {
          class: `chip${i === this.state.selected ? ' selected' : ''}${sweeping && i !== this.state.selected ? ' muted' : ''}`,
          'data-testid': `curve-chip-${i}`,
        });
        const label = h(
          'button',
          {
            type: 'button',
            class: 'chip-label',
            'aria-pressed': String(i === this.state.selected),
          },
          swatch(OVERLAY_COLOURS[i]!),
          spec.name,
        );
        label.addEventListener('click', () => this.select(i));
        chip.append(label);
        if (this.state.curves.length > 1) {
          const close = h(
            'button',
            {
              type: 'button',
              class: 'chip-close',
              'aria-label': `Remove ${spec.name}`,
              'data-testid': `curve-remove-${i}`,
            },
            '×',
          );
          close.addEventListener('click', () => this.remove(i));
          chip.append(close);
        }
        return chip;
      }),
    );
  }

  private renderToolbar(): void {
    const t = this.toolbar;
    const s = this.state;
    if (document.activeElement !== t.lo) t.lo.value = String(s.range[0]);
    if (document.activeElement !== t.hi) t.hi.value = String(s.range[1]);
    t.df.checked = s.showDf;
    t.d2.checked = s.showD2;
    t.preset.value = s.preset;
    const spec = getActivation(this.selectedCurve().id);
    const names = Object.keys(spec.params);
    t.sweep.replaceChildren(
      h('option', { value: '' }, names.length === 0 ? 'no parameters' : 'none'),
      ...names.map((n) => h('option', { value: n }, n)),
    );
    t.sweep.disabled = names.length === 0;
    t.sweep.value = s.sweep?.param ?? '';
    t.sweepValues.hidden = s.sweep === undefined;
    if (s.sweep !== undefined && document.activeElement !== t.sweepValues)
      t.sweepValues.value = s.sweep.values.join(', ');
  }

  /** Sliders and selects for the selected activation's parameters. */
  private renderParams(): void {
    const curve = this.selectedCurve();
    const spec = getActivation(curve.id);
    const resolved = tryResolve(spec, curve.given, this.state.preset);
    // Refused values (from a hand-edited link) fall back to the defaults on the sliders.
    const fallback = tryResolve(spec, {}, this.state.preset);
    const values: Params =
      'params' in resolved ? resolved.params : 'params' in fallback ? fallback.params : {};
    const heading = h('h2', { 'data-testid': 'selected-name' }, spec.name);
    const names = Object.keys(spec.params);
    if (names.length === 0) {
      this.paramsBox.replaceChildren(heading, h('p', { class: 'hint' }, 'No parameters.'));
      return;
    }
    const error = h('p', { class: 'error', 'data-testid': 'param-error', role: 'alert' });
    const rows = names.map((name) => {
      const ps = spec.params[name]!;
      const value = values[name];
      if (isChoiceParam(ps)) {
        const select = h(
          'select',
          { id: `param-${name}`, 'data-testid': `param-select-${name}` },
          ...ps.choices.map((c) => h('option', { value: c }, c)),
        );
        select.value = String(value);
        select.addEventListener('change', () => this.setParam(name, select.value));
        return h(
          'div',
          { class: 'param' },
          h('label', { for: `param-${name}` }, h('code', {}, name)),
          select,
          h('p', { class: 'doc' }, ps.doc),
        );
      }
      const current = typeof value === 'number' ? value : ps.default;
      const r = sliderRange(spec, name, ps, current);
      const slider = h('input', {
        type: 'range',
        id: `param-${name}`,
        'data-testid': `param-slider-${name}`,
        min: String(r.min),
        max: String(r.max),
        step: String(r.step),
      });
      slider.value = String(current);
      const box = h('input', {
        type: 'number',
        step: 'any',
        'data-testid': `param-input-${name}`,
        'aria-label': `${name} value`,
      });
      box.value = String(current);
      const apply = (v: number, from: HTMLInputElement) => {
        const check = tryResolve(
          spec,
          { ...curve.given, ...this.selectedCurve().given, [name]: v },
          this.state.preset,
        );
        if ('error' in check) {
          error.textContent = check.error;
          return;
        }
        error.textContent = '';
        if (from !== box) box.value = String(v);
        if (from !== slider) slider.value = String(v);
        this.setParam(name, v);
      };
      slider.addEventListener('input', () => apply(Number(slider.value), slider));
      box.addEventListener('change', () => {
        if (box.value.trim() === '' || !Number.isFinite(Number(box.value))) {
          error.textContent = `${name} needs a number`;
          return;
        }
        apply(Number(box.value), box);
      });
      return h(
        'div',
        { class: 'param' },
        h(
          'label',
          { for: `param-${name}` },
          h('code', {}, name),
          ps.learnable ? h('span', { class: 'badge' }, 'learnable') : null,
        ),
        h('div', { class: 'slider-row' }, slider, box),
        h(
          'p',
          { class: 'doc' },
          ps.doc,
          h('span', { class: 'allowed' }, `allowed ${rangeText(ps)}`),
        ),
      );
    });
    const reset = h(
      'button',
      { type: 'button', class: 'reset', 'data-testid': 'param-reset' },
      'Reset to defaults',
    );
    reset.addEventListener('click', () => this.resetParams());
    this.paramsBox.replaceChildren(heading, ...rows, error, reset);
  }

  private renderInfo(): void {
    const curve = this.selectedCurve();
    const spec = getActivation(curve.id);
    const r = tryResolve(spec, curve.given, this.state.preset);
    this.infoBox.replaceChildren(infoBlock(spec, 'params' in r ? r.params : {}));
  }

  private showProblems(problems: readonly string[]): void {
    this.problemsBox.replaceChildren(...problems.map((p) => h('p', {}, p)));
  }

  /** Curves for the current state: the overlay, or the selected activation at each sweep value. */
  private buildAllSeries(): { series: Series[]; problems: string[] } {
    const problems: string[] = [];
    const series: Series[] = [];
    const { state } = this;
    const sweep: Sweep | undefined = state.sweep;
    if (sweep !== undefined) {
      const curve = this.selectedCurve();
      const spec = getActivation(curve.id);
      sweep.values.forEach((v, i) => {
        const r = tryResolve(spec, { ...curve.given, [sweep.param]: v }, state.preset);
        if ('error' in r) {
          problems.push(r.error);
          return;
        }
        const label = `${spec.name}, ${sweep.param} = ${v}`;
        series.push(
          buildSeries(
            { spec, params: r.params, label, colour: sweepColour(i, sweep.values.length) },
            state.range,
          ),
        );
      });
      return { series, problems };
    }
    state.curves.forEach((c, i) => {
      const spec = getActivation(c.id);
      const r = tryResolve(spec, c.given, state.preset);
      if ('error' in r) {
        problems.push(r.error);
        return;
      }
      const changed = paramSummary(spec, r.params);
      const label = changed === '' ? spec.name : `${spec.name} (${changed})`;
      series.push(
        buildSeries({ spec, params: r.params, label, colour: OVERLAY_COLOURS[i]! }, state.range),
      );
    });
    return { series, problems };
  }

  private scheduleDraw(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const { series, problems } = this.buildAllSeries();
    this.series = series;
    this.showProblems([...this.notices, ...problems]);
    const s = this.state;
    this.plot.render(
      series,
      { range: s.range, showDf: s.showDf, showD2: s.showD2 },
      this.plotBox.clientWidth,
    );
    const items = series.map((c, i) =>
      h('span', { class: 'legend-item', 'data-testid': `legend-${i}` }, swatch(c.colour), c.label),
    );
    if (s.showD2 && s.showDf)
      items.push(h('span', { class: 'legend-key' }, 'lower panel: f′ solid, f″ dashed'));
    this.legend.replaceChildren(...items);
    this.renderReadout();
  }

  /** The exact values at the hovered x (from the spec, not read off the drawn line). */
  private renderReadout(): void {
    const x = this.hoverX;
    if (x === undefined) {
      this.readout.replaceChildren(
        h('p', { class: 'hint' }, 'Hover over the chart to read f, f′ and f″ at a point.'),
      );
      return;
    }
    const head = h(
      'tr',
      {},
      h('th', {}, `x = ${formatNumber(x, 5)}`),
      h('th', {}, 'f(x)'),
      h('th', {}, 'f′(x)'),
      h('th', {}, 'f″(x)'),
    );
    const rows = this.series.map((s) => {
      const v = s.at(x);
      return h(
        'tr',
        {},
        h('td', {}, swatch(s.colour), s.label),
        h('td', {}, formatNumber(v.f)),
        h('td', {}, formatNumber(v.df)),
        h('td', {}, formatNumber(v.d2)),
      );
    });
    this.readout.replaceChildren(h('table', {}, h('thead', {}, head), h('tbody', {}, ...rows)));
  }

  /** Replaces the whole state (the URL changed under the page, e.g. by Back). */
  setState(state: ExplorerState): void {
    this.state = state;
    this.renderAll();
  }
}
