/** The selected activation explained: formula and derivative (KaTeX), properties, kinks, notes, references. */
import katex from 'katex';
import type { ActivationSpec, Params, Properties } from '../../src/activations/index.js';
import { h } from './dom.js';
import { formatNumber } from './ticks.js';

function tex(source: string): HTMLElement {
  const el = h('div', { class: 'tex' });
  katex.render(source, el, { displayMode: true, throwOnError: false, output: 'htmlAndMathml' });
  return el;
}

export function formulaBlock(spec: ActivationSpec): HTMLElement {
  return h(
    'div',
    {},
    h('h3', {}, 'Formula'),
    h('div', { 'data-testid': 'formula-f' }, tex(spec.latex.f)),
    h('h3', {}, 'Derivative'),
    h('div', { 'data-testid': 'formula-df' }, tex(spec.latex.df)),
  );
}

const SMOOTHNESS: Record<Properties['smoothness'], string> = {
  discontinuous: 'discontinuous',
  C0: 'C⁰ (continuous, corners)',
  C1: 'C¹',
  C2: 'C²',
  Cinf: 'C∞ (smooth)',
};

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

function propertyRows(spec: ActivationSpec): [string, string][] {
  const p = spec.properties;
  const rows: [string, string][] = [
    ['Range', p.rangeText],
    ['Smoothness', SMOOTHNESS[p.smoothness]],
  ];
  if (spec.kind === 'elementwise') {
    const q = spec.properties;
    rows.push(
      ['Monotonic', yesNo(q.monotonic)],
      ['Zero-centred', yesNo(q.zeroCentred)],
      ['Saturation', q.saturation],
      [
        'Bounded',
        `${q.boundedBelow ? 'below' : ''}${q.boundedBelow && q.boundedAbove ? ' and ' : ''}${q.boundedAbove ? 'above' : ''}` ||
          'no',
      ],
      ['Sparse (exact zeros)', yesNo(q.sparse)],
      ['Odd, f(−x) = −f(x)', yesNo(q.odd)],
    );
  }
  return rows;
}

function list(title: string, items: readonly string[]): HTMLElement | null {
  if (items.length === 0) return null;
  return h('div', {}, h('h3', {}, title), h('ul', {}, ...items.map((t) => h('li', {}, t))));
}

export function infoBlock(spec: ActivationSpec, params: Params): HTMLElement {
  const table = h(
    'table',
    { class: 'props', 'data-testid': 'properties' },
    h('caption', {}, 'Properties (at the default parameters)'),
    ...propertyRows(spec).map(([k, v]) =>
      h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)),
    ),
  );
  const kinks = spec.kind === 'elementwise' ? spec.kinks(params) : [];
  const kinkText =
    kinks.length === 0
      ? null
      : h(
          'p',
          { 'data-testid': 'kinks' },
          `Not differentiable at ${kinks.map((k) => `x = ${formatNumber(k.at)} (f′ taken as ${formatNumber(k.derivative)})`).join(', ')}.`,
        );
  const aliases = spec.aliases.length === 0 ? 'none' : spec.aliases.join(', ');
  return h(
    'div',
    {},
    h('p', { class: 'summary' }, spec.notes.summary),
    h('p', { class: 'meta' }, h('code', {}, spec.id), ` · ${spec.kind} · aliases: ${aliases}`),
    kinkText,
    table,
    list('Pros', spec.notes.pros),
    list('Cons', spec.notes.cons),
    list('Used in', spec.notes.usedIn),
    h(
      'div',
      { 'data-testid': 'references' },
      h('h3', {}, 'References'),
      h(
        'ul',
        {},
        ...spec.refs.map((r) =>
          h(
            'li',
            {},
            h('a', { href: r.url, target: '_blank', rel: 'noopener noreferrer' }, r.title),
          ),
        ),
      ),
    ),
  );
}
