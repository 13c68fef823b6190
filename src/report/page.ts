/**
 * The report page: one self-contained HTML file — inline SVG charts, KaTeX
 * CSS with its fonts inlined, no script, and no URL that makes the browser
 * fetch anything (references are printed as text). Sections: how to choose,
 * the experiments, the errata and the catalogue.
 */
import type { ExperimentResult, Tier } from '../experiments/index.js';
import { type CatalogueItem, catalogueNav, catalogueSection } from './catalogue-html.js';
import type { Erratum } from './errata.js';
import type { GuideItem } from './guide.js';
import { chart, escapeHtml, math, table } from './html.js';
import { katexCssInline } from './katex-css.js';

export interface ExperimentEntry {
  readonly result: ExperimentResult;
  /** SVG text per chart id. */
  readonly svgs: ReadonlyMap<string, string>;
  readonly seconds: number;
  readonly summary: string;
}

export interface ExperimentFailure {
  readonly name: string;
  readonly title: string;
  readonly message: string;
}

export interface ReportInput {
  readonly title: string;
  readonly tier: Tier;
  readonly seed: number;
  readonly backend: string;
  readonly catalogue: readonly CatalogueItem[];
  /** An overview chart of the catalogue (all elementwise curves), as SVG. */
  readonly overviewSvg?: string;
  readonly experiments: readonly ExperimentEntry[];
  readonly failures: readonly ExperimentFailure[];
  readonly errata: readonly Erratum[];
  readonly guide: readonly GuideItem[];
}

export function experimentAnchor(name: string): string {
  return `experiment-${name}`;
}

/** Numbers of the errata checks: enough digits to see agreement to 1e-8. */
export function formatCheck(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e6 ? v.toExponential(6) : String(Number(v.toPrecision(9)));
}

function guideSection(items: readonly GuideItem[], present: ReadonlySet<string>): string {
  const li = items.map((item) => {
    const evidence =
      item.evidence.length === 0
        ? '<p class="evidence none">Not measured in this run.</p>'
        : `<ul class="evidence">${item.evidence.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul>`;
    const links = item.cites
      .filter((c) => present.has(c))
      .map((c) => `<a href="#${experimentAnchor(c)}">${escapeHtml(c)}</a>`)
      .join(', ');
    return `<li><p>${escapeHtml(item.advice)}</p>${evidence}${links === '' ? '' : `<p class="cites">See ${links}.</p>`}</li>`;
  });
  return `<section id="guide">
<h2>How to choose</h2>
<p>The usual advice, each point followed by what this run measured (figures from the experiments below).</p>
<ol class="guide">${li.join('\n')}</ol>
</section>`;
}

function experimentSection(e: ExperimentEntry): string {
  const r = e.result;
  const charts = r.charts.map((c) => chart(c.id, c.title, e.svgs.get(c.id) ?? '')).join('\n');
  const tableHtml =
    r.table === undefined ? '' : table(r.table.rows, r.table.header, { numeric: true });
  return `<section class="experiment" id="${experimentAnchor(r.name)}">
<h3>${escapeHtml(r.title)} <code>${escapeHtml(r.name)}</code></h3>
<p class="summary">${escapeHtml(e.summary)} <span class="meta">(${e.seconds.toFixed(1)} s)</span></p>
${tableHtml}
<div class="charts">${charts}</div>
<div class="reading">${r.reading.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}</div>
</section>`;
}

function failureSection(f: ExperimentFailure): string {
  return `<section class="experiment failed" id="${experimentAnchor(f.name)}">
<h3>${escapeHtml(f.title)} <code>${escapeHtml(f.name)}</code></h3>
<p class="error">This experiment failed in this run: ${escapeHtml(f.message)}</p>
</section>`;
}

function erratumBlock(e: Erratum): string {
  const show = (s: string) => (e.text === true ? `<p>${escapeHtml(s)}</p>` : math(s));
  const checks = table(
    e.checks.map((c) => [c.label, formatCheck(c.value)]),
    ['computed now', 'value'],
    { numeric: true },
  );
  const verdict = e.holds
    ? '<p class="verdict ok">The computed values agree with the right form.</p>'
    : '<p class="verdict bad">The computed values do NOT agree with the right form: the catalogue needs a look.</p>';
  return `<article class="erratum" id="erratum-${escapeHtml(e.id)}">
<h3>${escapeHtml(e.topic)}</h3>
<div class="cols"><div class="wrong"><h4>Wrong</h4>${show(e.wrong)}</div><div class="right"><h4>Right</h4>${show(e.right)}</div></div>
${checks}${verdict}<p>${escapeHtml(e.note)}</p>
</article>`;
}

function erratumSection(errata: readonly Erratum[]): string {
  return `<section id="errata">
<h2>Errata: common errors, checked</h2>
<p>Mistakes that recur in texts on activation functions. Each check is computed while this report is built: central finite differences (h = 10⁻⁶, float64) of the catalogue's own functions against what the wrong and the right forms predict.</p>
${errata.map(erratumBlock).join('\n')}
</section>`;
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1180px;margin:1.5em auto;padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.2em}h2{border-bottom:2px solid #333;padding-bottom:.2em;margin-top:2.5em}
nav.toc a,nav.activations a{margin-right:.7em;white-space:nowrap}nav.activations{font-size:.9em;line-height:1.8}
section.activation,section.experiment,article.erratum{border-top:1px solid #ddd;padding-top:.8em;margin-top:1.8em}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ddd;padding:.25em .55em;text-align:left;font-size:.9em;vertical-align:top}
th{background:#f3f3f3}table.numeric td+td{text-align:right;font-variant-numeric:tabular-nums}
.cols{display:flex;gap:2em;flex-wrap:wrap}.cols>div{flex:1;min-width:300px;overflow-x:auto;overflow-wrap:anywhere}
.katex-display{overflow-x:auto;overflow-y:hidden}
figure.chart{margin:.8em 0;display:inline-block;max-width:100%;vertical-align:top}figure.chart svg{max-width:100%;height:auto}
figcaption{font-size:.85em;color:#555}code{background:#f4f4f4;padding:0 .3em;border-radius:3px}
.wrong{background:#fdeeee;border-left:4px solid #c0392b;padding:0 .8em}.right{background:#eef8ee;border-left:4px solid #2e8b57;padding:0 .8em}
.verdict.ok{color:#2e7d32;font-weight:600}.verdict.bad{color:#b71c1c;font-weight:700}.error{color:#b71c1c}
ol.guide>li{margin-bottom:1em}ol.guide p{margin:.2em 0}ul.evidence{margin:.2em 0;color:#333;font-size:.95em}.evidence.none{color:#777;font-style:italic}
.cites,.meta,.aliases{font-size:.85em;color:#555}.summary{font-style:italic}.reading p{max-width:60em}`;

export function reportHtml(input: ReportInput): string {
  const present = new Set(input.experiments.map((e) => e.result.name));
  const sections = [
    ...input.experiments.map((e) => ({ name: e.result.name, html: experimentSection(e) })),
    ...input.failures.map((f) => ({ name: f.name, html: failureSection(f) })),
  ];
  const expNav = [
    ...input.experiments.map((e) => e.result.name),
    ...input.failures.map((f) => f.name),
  ]
    .map((n) => `<a href="#${experimentAnchor(n)}">${escapeHtml(n)}</a>`)
    .join(' ');
  const overview =
    input.overviewSvg === undefined
      ? ''
      : chart(
          'catalogue-overview',
          'Every elementwise activation (blue) and its derivative (red)',
          input.overviewSvg,
        );
  const elementwise = input.catalogue.filter((c) => c.spec.kind === 'elementwise').length;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${katexCssInline()}</style>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(input.title)}</h1>
<p>What activation functions do to training, measured: ${input.experiments.length} experiments (${input.tier} tier, seed ${input.seed}, ${escapeHtml(input.backend)} backend), ${input.errata.length} errata checked by finite differences, and the catalogue of ${input.catalogue.length} activations. ${math('f(x)', false)} is drawn in blue, ${math("f'(x)", false)} in red.</p>
<nav class="toc"><a href="#guide">How to choose</a> <a href="#experiments">Experiments</a> <a href="#errata">Errata</a> <a href="#catalogue">Catalogue</a></nav>
</header>
${guideSection(input.guide, present)}
<section id="experiments">
<h2>Experiments</h2>
<nav class="toc">${expNav}</nav>
${sections.map((s) => s.html).join('\n')}
</section>
${erratumSection(input.errata)}
<section id="catalogue">
<h2>Catalogue</h2>
<p>${input.catalogue.length} activations: ${elementwise} elementwise (curves at the default parameters, a dot marks the subgradient used at a kink) and ${input.catalogue.length - elementwise} applied to whole vectors.</p>
<nav class="activations">${catalogueNav(input.catalogue)}</nav>
${overview}
${input.catalogue.map(catalogueSection).join('\n')}
</section>
</body>
</html>
`;
}
