/**
 * One generic suite driven by the registry (TESTING.md §1): every activation is
 * checked against the independent mpmath fixtures and against laws (finite
 * differences, bounds, continuity), in float64 and through the float32 kernels.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  backwardInto,
  type ElementwiseSpec,
  forwardInto,
  isChoiceParam,
  listActivations,
  type Params,
  paramGrads,
  resolveActivation,
  type VectorSpec,
  vectorBackwardInto,
  vectorForwardInto,
} from '../src/activations/index.js';
import { observedSmoothness, referenceShape, smoothClassOf } from './helpers/evidence.js';
import {
  closeFloat32Derivative,
  closeTo,
  type ElementwiseCase,
  float32Error,
  loadElementwise,
  loadVector,
  show,
  type VectorCase,
  type VectorSlice,
} from './helpers/fixtures.js';

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);
const RUNS = 1000;
console.log(`conformance: fast-check seed ${SEED} (FC_SEED=${SEED} replays it)`);

const ELEMENTWISE = loadElementwise();
const VECTOR = loadVector();
const SPECS = listActivations();

/** Point checks made, per dtype, and the worst float32 forward error per activation. */
const tally = { float64: 0, float32: 0 };
const worstUlp = new Map<string, number>();

afterAll(() => {
  const ulps = [...worstUlp].map(([id, u]) => `${id} ${u}`).join(', ');
  console.log(`conformance: ${tally.float64} float64 and ${tally.float32} float32 point checks`);
  console.log(`conformance: worst float32 forward ULP per activation: ${ulps}`);
});

/** Shows at most a dozen failures, with the count, so a broken spec reads at a glance. */
function expectNone(failures: readonly string[], what: string): void {
  const shown = failures.slice(0, 12).join('\n  ');
  expect(failures.length, `${failures.length} ${what}:\n  ${shown}\n`).toBe(0);
}

function paramsOf(c: { id: string; given: Readonly<Record<string, string | number>> }): Params {
  return resolveActivation(c.id, c.given).params;
}

const finiteX = fc.oneof(
  fc.double({ min: -40, max: 40, noNaN: true }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

function assertProperty<T>(arb: fc.Arbitrary<T>, check: (v: T) => boolean | undefined): void {
  fc.assert(
    fc.property(arb, (v) => check(v) !== false),
    { numRuns: RUNS, seed: SEED },
  );
}

// --- the registry and the fixtures cover each other -----------------------------

describe('the fixtures and the registry', () => {
  const registered = new Set(SPECS.map((s) => s.id));

  it('gives every elementwise fixture case a registered activation', () => {
    const unknown = [...new Set(ELEMENTWISE.map((c) => c.id))].filter((id) => !registered.has(id));
    expect(unknown.join(', '), 'fixture ids with no registered activation').toBe('');
  });

  it('gives every vector fixture case a registered activation', () => {
    const unknown = VECTOR.map((c) => c.id).filter((id) => !registered.has(id));
    expect(unknown.join(', '), 'fixture ids with no registered activation').toBe('');
  });

  it('registers every spec file in src/activations/defs', async () => {
    const dir = join(import.meta.dirname, '..', 'src', 'activations', 'defs');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
    const missing: string[] = [];
    for (const file of files) {
      const mod = (await import(join(dir, file))) as { default?: { kind?: string; id?: string } };
      const spec = mod.default;
      // A helper module exports no default spec; it is not an activation.
      if (spec === undefined || spec.kind === undefined) continue;
      const registeredSpec = SPECS.find((s) => s.id === spec.id);
      if (registeredSpec === undefined || registeredSpec !== mod.default) missing.push(file);
      else if (spec.id !== basename(file, '.ts')) missing.push(`${file} (id '${spec.id}')`);
    }
    expect(
      missing.join(', '),
      'spec files not registered in defs/index.ts, or named unlike their id',
    ).toBe('');
  });
});

// --- elementwise activations --------------------------------------------------

function finiteIndices(c: ElementwiseCase, float32: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < c.x.length; i++) if (!(float32 && c.f64only.has(i))) out.push(i);
  return out;
}

function forwardFloat64(spec: ElementwiseSpec, c: ElementwiseCase, p: Params): string[] {
  const fails: string[] = [];
  for (let i = 0; i < c.x.length; i++) {
    const x = c.x[i]!;
    const ref = c.y[i]!;
    const got = spec.f(x, p);
    tally.float64++;
    let ok: boolean;
    if (ref === 0 && !c.anySignZero.has(i)) {
      // An underflowed value keeps the sign of the exact one: gelu(-40) is -0.
      ok =
        got === 0 ? Object.is(got, ref) : Math.abs(got) <= 1e-300 && got < 0 === Object.is(ref, -0);
    } else {
      ok = closeTo(got, ref, 1e-12, 1e-300);
    }
    if (!ok) fails.push(`f(${show(x)}) = ${show(got)}, reference ${show(ref)}`);
  }
  return fails;
}

function forwardFloat32(spec: ElementwiseSpec, c: ElementwiseCase, p: Params): string[] {
  const idx = finiteIndices(c, true);
  const x = Float32Array.from(idx, (i) => c.x[i]!);
  const y = new Float32Array(x.length);
  forwardInto(spec, p, x, y);
  const fails: string[] = [];
  let worst = worstUlp.get(spec.id) ?? 0;
  idx.forEach((i, k) => {
    tally.float32++;
    const err = float32Error(y[k]!, c.y[i]!);
    if (Number.isFinite(err)) worst = Math.max(worst, err);
    if (err > 4) {
      fails.push(
        `f32 f(${show(x[k]!)}) = ${show(y[k]!)}, reference ${show(Math.fround(c.y[i]!))} (${err} ULP)`,
      );
    }
  });
  worstUlp.set(spec.id, worst);
  return fails;
}

function derivativeFloat64(spec: ElementwiseSpec, c: ElementwiseCase, p: Params): string[] {
  const fails: string[] = [];
  for (let i = 0; i < c.x.length; i++) {
    const got = spec.df(c.x[i]!, p);
    tally.float64++;
    if (!closeTo(got, c.dydx[i]!, 1e-9, 1e-300)) {
      fails.push(`df(${show(c.x[i]!)}) = ${show(got)}, reference ${show(c.dydx[i]!)}`);
    }
  }
  return fails;
}

function derivativeFloat32(spec: ElementwiseSpec, c: ElementwiseCase, p: Params): string[] {
  const idx = finiteIndices(c, true);
  const x = Float32Array.from(idx, (i) => c.x[i]!);
  const gy = new Float32Array(x.length).fill(1);
  const gx = new Float32Array(x.length);
  backwardInto(spec, p, x, gy, gx);
  const fails: string[] = [];
  idx.forEach((i, k) => {
    tally.float32++;
    if (!closeFloat32Derivative(gx[k]!, c.dydx[i]!)) {
      fails.push(`f32 df(${show(x[k]!)}) = ${show(gx[k]!)}, reference ${show(c.dydx[i]!)}`);
    }
  });
  return fails;
}

/** Points where a difference quotient says nothing: near a kink or a change of formula. */
function nearBreak(x: number, breaks: readonly number[], radius: number): boolean {
  return breaks.some((b) => Math.abs(x - b) < radius);
}

function centralDifference(
  spec: ElementwiseSpec,
  c: ElementwiseCase,
  p: Params,
  breaks: readonly number[],
): string[] {
  const h = 1e-6;
  const fails: string[] = [];
  for (const x of c.x) {
    if (!Number.isFinite(x) || Math.abs(x) > 20 || nearBreak(x, breaks, 1e-4)) continue;
    const fd = (spec.f(x + h, p) - spec.f(x - h, p)) / (2 * h);
    const d = spec.df(x, p);
    // Rounding in f(x ± h) costs about eps·|f|/h: the absolute term allows it.
    const tol = 1e-4 * Math.abs(d) + 1e-8 * (1 + Math.abs(spec.f(x, p)));
    if (!(Math.abs(fd - d) <= tol)) fails.push(`df(${x}) = ${d}, central difference ${fd}`);
  }
  return fails;
}

function fromOutput(spec: ElementwiseSpec, c: ElementwiseCase, p: Params): string[] {
  const dfFromY = spec.dfFromY!;
  // y is the float64 output: a float32 y cannot carry tails such as 1 - tanh²(9).
  const y = Float64Array.from(c.y);
  const gy = new Float64Array(y.length).fill(1);
  const gx = new Float32Array(y.length);
  backwardInto(spec, p, y, gy, gx, true);
  const fails: string[] = [];
  for (let i = 0; i < y.length; i++) {
    const direct = dfFromY(y[i]!, p);
    if (!closeTo(direct, c.dydx[i]!, 1e-5, 1e-9) || !closeFloat32Derivative(gx[i]!, c.dydx[i]!)) {
      fails.push(
        `dfFromY(${show(y[i]!)}) = ${show(direct)} (float32 ${show(gx[i]!)}) at x = ${show(c.x[i]!)}, reference ${show(c.dydx[i]!)}`,
      );
    }
  }
  return fails;
}

function learnableNames(spec: ElementwiseSpec): string[] {
  return Object.entries(spec.params)
    .filter(([, ps]) => !isChoiceParam(ps) && ps.learnable === true)
    .map(([name]) => name);
}

function describeParamGradients(
  spec: ElementwiseSpec,
  c: ElementwiseCase,
  breaks: readonly number[],
): void {
  const names = [...new Set([...learnableNames(spec), ...Object.keys(c.dparams)])];
  for (const name of names) {
    it(`differentiates with respect to ${name} like the reference and a finite difference`, () => {
      const p = paramsOf(c);
      const d = spec.dParams?.[name];
      const ref = c.dparams[name];
      expect(learnableNames(spec), `'${name}' should be declared learnable`).toContain(name);
      expect(d, `spec.dParams.${name}`).toBeTypeOf('function');
      expect(ref, `reference derivative for '${name}'`).toBeDefined();
      const fails: string[] = [];
      for (let i = 0; i < c.x.length; i++) {
        const got = d!(c.x[i]!, p);
        tally.float64++;
        if (!closeTo(got, ref![i]!, 1e-9, 1e-300)) {
          fails.push(`d/d${name} at ${show(c.x[i]!)} = ${show(got)}, reference ${show(ref![i]!)}`);
        }
      }
      const theta = p[name] as number;
      const h = 1e-6 * Math.max(1, Math.abs(theta));
      for (const x of c.x) {
        if (!Number.isFinite(x) || Math.abs(x) > 20 || nearBreak(x, breaks, 1e-4)) continue;
        const fd =
          (spec.f(x, { ...p, [name]: theta + h }) - spec.f(x, { ...p, [name]: theta - h })) /
          (2 * h);
        const got = d!(x, p);
        if (!(Math.abs(fd - got) <= 1e-4 * Math.abs(got) + 1e-8 * (1 + Math.abs(spec.f(x, p))))) {
          fails.push(`d/d${name} at ${x} = ${got}, finite difference ${fd}`);
        }
      }
      expectNone(fails, `${name}-gradient mismatches`);
    });

    it(`sums the ${name} gradient over a batch in paramGrads`, () => {
      const p = paramsOf(c);
      const idx = finiteIndices(c, false).filter((i) => Number.isFinite(c.x[i]!));
      const x = Float64Array.from(idx, (i) => c.x[i]!);
      const gy = Float64Array.from(idx, (_, k) => Math.sin(0.7 * k + 0.2));
      const ref = c.dparams[name]!;
      let sum = 0;
      let scale = 0;
      idx.forEach((i, k) => {
        const term = gy[k]! * ref[i]!;
        if (Number.isFinite(term)) {
          sum += term;
          scale += Math.abs(term);
        }
      });
      const finite = idx.every((i) => Number.isFinite(ref[i]!));
      const got = paramGrads(spec, p, x, gy)[name]!;
      if (finite) expect(Math.abs(got - sum)).toBeLessThanOrEqual(1e-9 * scale + 1e-300);
      else expect(Number.isFinite(got)).toBe(false);
    });
  }
}

function describeKinks(spec: ElementwiseSpec, c: ElementwiseCase): void {
  it('declares the reference kinks with their subgradients', () => {
    const p = paramsOf(c);
    const declared = spec.kinks(p);
    const fails: string[] = [];
    for (const k of c.kinks) {
      const mine = declared.find((d) => d.at === k.at);
      if (mine === undefined)
        fails.push(`no kink declared at ${k.at} (reference f' = ${k.derivative})`);
      else if (!closeTo(mine.derivative, k.derivative, 1e-12, 0)) {
        fails.push(`kink at ${k.at}: declared ${mine.derivative}, reference ${k.derivative}`);
      }
    }
    for (const d of declared) {
      if (c.kinks.some((k) => k.at === d.at)) continue;
      // A declared kink where the reference is differentiable must use the derivative there.
      const i = c.x.indexOf(d.at);
      if (i < 0) fails.push(`kink at ${d.at} is not a point the reference knows`);
      else if (!closeTo(d.derivative, c.dydx[i]!, 1e-12, 0)) {
        fails.push(`kink at ${d.at}: declared ${d.derivative}, reference derivative ${c.dydx[i]}`);
      }
    }
    expectNone(fails, 'kink mismatches');
  });

  it('returns exactly the declared subgradient at each kink', () => {
    const p = paramsOf(c);
    const fails = spec
      .kinks(p)
      .filter((k) => spec.df(k.at, p) !== k.derivative)
      .map((k) => `df(${k.at}) = ${spec.df(k.at, p)}, declared ${k.derivative}`);
    expectNone(fails, 'kinks whose df differs from the declared subgradient');
  });
}

function describeCase(spec: ElementwiseSpec, c: ElementwiseCase): void {
  describe(c.label, () => {
    const breaks = () => [...c.breaks, ...spec.kinks(paramsOf(c)).map((k) => k.at)];

    it('matches the reference in float64 within 1e-12 relative', () => {
      expectNone(forwardFloat64(spec, c, paramsOf(c)), 'float64 forward mismatches');
    });
    it('matches the reference in float32 within 4 ULP', () => {
      expectNone(forwardFloat32(spec, c, paramsOf(c)), 'float32 forward mismatches');
    });
    it('has the reference derivative in float64 within 1e-9 relative', () => {
      expectNone(derivativeFloat64(spec, c, paramsOf(c)), 'float64 derivative mismatches');
    });
    it('has the reference derivative through the float32 backward kernel', () => {
      expectNone(derivativeFloat32(spec, c, paramsOf(c)), 'float32 derivative mismatches');
    });
    it('has a derivative that agrees with a central difference away from kinks', () => {
      expectNone(
        centralDifference(spec, c, paramsOf(c), breaks()),
        'central-difference mismatches',
      );
    });
    if (spec.dfFromY !== undefined) {
      it('computes from the output the same derivative as from the input', () => {
        expectNone(fromOutput(spec, c, paramsOf(c)), 'dfFromY mismatches');
      });
    }
    describeParamGradients(spec, c, c.breaks);
    describeKinks(spec, c);

    it('never turns a finite input into NaN, in f or in its derivatives', () => {
      const p = paramsOf(c);
      assertProperty(finiteX, (x) => {
        const y = spec.f(x, p);
        const dy = spec.df(x, p);
        const fromY = spec.dfFromY?.(y, p) ?? 0;
        const dps = Object.values(spec.dParams ?? {}).map((d) => d!(x, p));
        return ![y, dy, fromY, ...dps].some(Number.isNaN);
      });
    });

    it('maps NaN to NaN in f, df and the parameter derivatives', () => {
      const p = paramsOf(c);
      expect(spec.f(Number.NaN, p)).toBeNaN();
      expect(spec.df(Number.NaN, p)).toBeNaN();
      if (spec.dfFromY !== undefined) expect(spec.dfFromY(Number.NaN, p)).toBeNaN();
      for (const d of Object.values(spec.dParams ?? {})) expect(d!(Number.NaN, p)).toBeNaN();
    });
  });
}

// --- declared properties --------------------------------------------------------

const SLACK = 4 * Number.EPSILON;

function describeProperties(spec: ElementwiseSpec, ref: ElementwiseCase | undefined): void {
  describe('declared properties at the default parameters', () => {
    const props = spec.properties;
    const p = () => resolveActivation(spec.id).params;
    const shape = ref === undefined ? undefined : referenceShape(ref);
    const refShape = () => {
      expect(shape, `no reference case with default parameters for '${spec.id}'`).toBeDefined();
      return shape!;
    };

    it(`keeps every output in its range ${props.rangeText} (reference and 1,000 samples)`, () => {
      const [lo, hi] = props.range;
      const s = refShape();
      expect(s.min, 'reference minimum').toBeGreaterThanOrEqual(lo - 1e-12 * Math.abs(lo));
      expect(s.max, 'reference maximum').toBeLessThanOrEqual(hi + 1e-12 * Math.abs(hi));
      // The range is the closure [inf, sup]: its ends are approached by the reference.
      if (Number.isFinite(lo))
        expect(Math.abs(s.min - lo)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(lo)));
      else expect(s.min).toBe(lo);
      if (Number.isFinite(hi))
        expect(Math.abs(s.max - hi)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(hi)));
      else expect(s.max).toBe(hi);
      const params = p();
      assertProperty(finiteX, (x) => {
        const y = spec.f(x, params);
        return y >= lo - SLACK * Math.abs(lo) && y <= hi + SLACK * Math.abs(hi);
      });
    });

    it(`is ${props.boundedAbove ? '' : 'not '}bounded above and ${props.boundedBelow ? '' : 'not '}bounded below, as its range says`, () => {
      expect(props.boundedAbove).toBe(Number.isFinite(props.range[1]));
      expect(props.boundedBelow).toBe(Number.isFinite(props.range[0]));
      expect(props.boundedAbove, 'reference').toBe(refShape().boundedAbove);
      expect(props.boundedBelow, 'reference').toBe(refShape().boundedBelow);
    });

    it(`is ${props.monotonic ? '' : 'not '}monotonic`, () => {
      expect(props.monotonic, 'reference').toBe(refShape().monotonic);
      if (!props.monotonic) return;
      const params = p();
      assertProperty(fc.tuple(finiteX, finiteX), ([a, b]) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const flo = spec.f(lo, params);
        const fhi = spec.f(hi, params);
        return (
          flo <= fhi + SLACK * Math.max(Math.abs(flo), Math.abs(fhi)) &&
          spec.df(a, params) >= -1e-12
        );
      });
    });

    it(`is ${props.odd ? '' : 'not '}odd`, () => {
      expect(props.odd, 'reference').toBe(refShape().odd);
      if (!props.odd) return;
      const params = p();
      assertProperty(finiteX, (x) => {
        const a = spec.f(x, params);
        const b = spec.f(-x, params);
        return Math.abs(a + b) <= SLACK * Math.abs(a);
      });
    });

    it(`is ${props.zeroCentred ? '' : 'not '}zero-centred`, () => {
      const s = refShape();
      expect(props.zeroCentred, 'reference').toBe(s.zeroCentred);
      if (!props.zeroCentred) return;
      const params = p();
      expect(spec.f(0, params)).toBe(0);
      const signs = new Set(ref!.x.map((x) => Math.sign(spec.f(x, params))));
      expect(signs.has(-1) && signs.has(1), 'outputs of both signs').toBe(true);
    });

    it(`saturates ${props.saturation === 'none' ? 'nowhere' : props.saturation}`, () => {
      expect(props.saturation, 'reference').toBe(refShape().saturation);
      const params = p();
      const flat = (side: 1 | -1) => {
        const where = side > 0 ? 'right' : 'left';
        const far = [1e30, 1e300].map((m) => spec.df(side * m, params));
        expect(far.some(Number.isNaN), `f' far out on the ${where}: ${far.join(', ')}`).toBe(false);
        if (far.every((d) => Math.abs(d) <= 1e-12)) return true;
        const near = [1000, 1000.7, 1001.9, 1e30].map((m) => Math.abs(spec.df(side * m, params)));
        expect(Math.max(...near), `f' far out on the ${where}`).toBeGreaterThan(1e-3);
        return false;
      };
      const sides = Number(flat(-1)) + Number(flat(1));
      expect(sides === 2 ? 'two-sided' : sides === 1 ? 'one-sided' : 'none').toBe(props.saturation);
    });

    it(`is ${props.sparse ? '' : 'not '}exactly zero on an interval`, () => {
      const interval = refShape().zeroInterval;
      expect(props.sparse, 'reference').toBe(interval !== undefined);
      if (!props.sparse || interval === undefined) return;
      const params = p();
      assertProperty(fc.double({ min: interval[0], max: interval[1], noNaN: true }), (x) => {
        return spec.f(x, params) === 0 && spec.df(x, params) === 0;
      });
    });

    it(`is ${props.smoothness}, as the reference and its own kinks show`, () => {
      const params = p();
      expect(props.smoothness, 'reference').toBe(ref?.smoothness);
      const points = [...(ref?.breaks ?? []), ...spec.kinks(params).map((k) => k.at)];
      const seen = observedSmoothness(spec, params, points);
      expect(seen.cls, seen.detail.join('; ')).toBe(smoothClassOf(props.smoothness));
    });
  });
}

for (const spec of SPECS) {
  if (spec.kind !== 'elementwise') continue;
  const cases = ELEMENTWISE.filter((c) => c.id === spec.id);
  describe(`elementwise activation '${spec.id}'`, () => {
    it('has reference fixture cases', () => {
      expect(
        cases.length,
        `no fixture case for '${spec.id}' in scripts/gen_fixtures.py`,
      ).toBeGreaterThan(0);
    });
    for (const c of cases) describeCase(spec, c);
    describeProperties(
      spec,
      cases.find((c) => c.isDefault),
    );
  });
}

// --- vector activations ---------------------------------------------------------

/** Jᵀ gy from the reference Jacobian, with the scale of its terms for the tolerance. */
function referenceVjp(s: VectorSlice, gy: ArrayLike<number>): { gx: number[]; scale: number[] } {
  const n = s.x.length;
  const gx = new Array<number>(n).fill(0);
  const scale = new Array<number>(n).fill(0);
  s.jacobian!.forEach((row, j) => {
    for (let i = 0; i < n; i++) {
      const t = row[i]! * gy[j]!;
      gx[i] += t;
      scale[i] += Math.abs(t);
    }
  });
  return { gx, scale };
}

function sameForward(got: number, ref: number, scale: number, float32: boolean): boolean {
  if (!Number.isFinite(ref)) return closeTo(got, ref, 0, 0);
  if (float32) return float32Error(got, ref) <= 4 || Math.abs(got - ref) <= 1e-7 * scale;
  return closeTo(got, ref, 1e-12, 1e-14 * scale);
}

/** Scale of one slice for absolute tolerances: its largest finite magnitude. */
function sliceScale(s: VectorSlice): number {
  return Math.max(1, ...[...s.x, ...s.y].filter(Number.isFinite).map(Math.abs));
}

/**
 * Lays the slices of one length along `axis` of a 3-D tensor (other dims 2 and
 * 3), runs the kernels, and compares each slice with the reference.
 */
function checkAlongAxis(
  spec: VectorSpec,
  p: Params,
  slices: readonly VectorSlice[],
  axis: number,
  float32: boolean,
): string[] {
  const n = slices[0]!.x.length;
  const m = slices[0]!.y.length;
  const a = axis < 0 ? 3 + axis : axis;
  const shape = [2, 3, 2];
  shape[a] = n;
  const outShape = shape.slice();
  outShape[a] = m;
  const strides = (sh: number[]) => [sh[1]! * sh[2]!, sh[2]!, 1];
  const inStr = strides(shape);
  const outStr = strides(outShape);
  const others = [0, 1, 2].filter((d) => d !== a);
  const lines: number[][] = [];
  for (let u = 0; u < shape[others[0]!]!; u++) {
    for (let v = 0; v < shape[others[1]!]!; v++) {
      const pos = [0, 0, 0];
      pos[others[0]!] = u;
      pos[others[1]!] = v;
      lines.push(pos);
    }
  }
  const Arr = float32 ? Float32Array : Float64Array;
  const x = new Arr(shape[0]! * shape[1]! * shape[2]!);
  const y = new Arr(outShape[0]! * outShape[1]! * outShape[2]!);
  const gy = new Arr(y.length);
  const gx = new Arr(x.length);
  const at = (pos: number[], str: number[], k: number) =>
    pos.reduce((acc, q, d) => acc + (d === a ? k : q) * str[d]!, 0);
  lines.forEach((pos, l) => {
    const s = slices[l % slices.length]!;
    for (let k = 0; k < n; k++) x[at(pos, inStr, k)] = s.x[k]!;
    for (let k = 0; k < m; k++) gy[at(pos, outStr, k)] = Math.cos(1.3 * k + 0.4 * l);
  });
  vectorForwardInto(spec, p, x, shape, axis, y);
  vectorBackwardInto(spec, p, x, y, gy, shape, axis, gx);
  const fails: string[] = [];
  const tag = `${float32 ? 'float32' : 'float64'} axis ${axis}`;
  lines.forEach((pos, l) => {
    const s = slices[l % slices.length]!;
    const scale = sliceScale(s);
    const ys = Array.from({ length: m }, (_, k) => y[at(pos, outStr, k)]!);
    const xs = `[${Array.from(s.x, show).join(', ')}]`;
    ys.forEach((v, k) => {
      if (float32) tally.float32++;
      else tally.float64++;
      if (!sameForward(v, s.y[k]!, scale, float32)) {
        fails.push(`${tag}: y${k} of ${xs} = ${show(v)}, reference ${show(s.y[k]!)}`);
      }
    });
    if (s.jacobian === null) return;
    const g = Array.from({ length: m }, (_, k) => gy[at(pos, outStr, k)]!);
    const ref = referenceVjp(s, g);
    for (let k = 0; k < n; k++) {
      const got = gx[at(pos, inStr, k)]!;
      const tol = float32
        ? 1e-5 * ref.scale[k]! + 1e-9
        : 1e-12 * ref.scale[k]! + 1e-14 * Math.max(1, ref.scale[k]!);
      if (!(Math.abs(got - ref.gx[k]!) <= tol)) {
        fails.push(`${tag}: gx${k} of ${xs} = ${got}, reference Jᵀgy ${ref.gx[k]}`);
      }
    }
  });
  return fails;
}

function vjpFiniteDifference(spec: VectorSpec, p: Params, s: VectorSlice): string[] {
  const h = 1e-6;
  const n = s.x.length;
  const m = spec.outSize(n, p);
  const x = Float64Array.from(s.x);
  const y = new Float64Array(m);
  const gy = Float64Array.from({ length: m }, (_, j) => Math.sin(2.1 * j + 0.5));
  const gx = new Float64Array(n);
  spec.forward(x, y, p);
  spec.vjp(x, y, gy, gx, p);
  const yp = new Float64Array(m);
  const ym = new Float64Array(m);
  const fails: string[] = [];
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    x[i] = xi + h;
    spec.forward(x, yp, p);
    x[i] = xi - h;
    spec.forward(x, ym, p);
    x[i] = xi;
    let fd = 0;
    for (let j = 0; j < m; j++) fd += (gy[j]! * (yp[j]! - ym[j]!)) / (2 * h);
    if (!(Math.abs(fd - gx[i]!) <= 1e-4 * Math.abs(gx[i]!) + 1e-7)) {
      fails.push(`gx${i} of [${Array.from(s.x).join(', ')}] = ${gx[i]}, finite difference ${fd}`);
    }
  }
  return fails;
}

function describeVector(spec: VectorSpec, c: VectorCase): void {
  describe(`vector activation '${spec.id}' {${Object.keys(c.given).length === 0 ? 'defaults' : JSON.stringify(c.given)}}`, () => {
    const byLength = new Map<number, VectorSlice[]>();
    for (const s of c.slices) byLength.set(s.x.length, [...(byLength.get(s.x.length) ?? []), s]);
    for (const axis of [0, 1, -1]) {
      for (const float32 of [false, true]) {
        it(`matches the reference output and Jacobian along axis ${axis} in ${float32 ? 'float32' : 'float64'}`, () => {
          const p = paramsOf(c);
          const fails = [...byLength.values()].flatMap((slices) =>
            checkAlongAxis(spec, p, slices, axis, float32),
          );
          expectNone(fails, 'vector mismatches');
        });
      }
    }
    it('has a vector-Jacobian product that agrees with finite differences', () => {
      const p = paramsOf(c);
      // The random slices: finite, moderate, away from ties and support changes.
      const moderate = c.slices.filter((s) =>
        s.x.every((v) => Number.isFinite(v) && Math.abs(v) < 100),
      );
      expectNone(
        moderate.flatMap((s) => vjpFiniteDifference(spec, p, s)),
        'vjp mismatches',
      );
    });
  });
}

for (const spec of SPECS) {
  if (spec.kind !== 'vector') continue;
  const cases = VECTOR.filter((c) => c.id === spec.id);
  describe(`vector activation '${spec.id}'`, () => {
    it('has reference fixture cases', () => {
      expect(
        cases.length,
        `no fixture case for '${spec.id}' in scripts/gen_fixtures.py`,
      ).toBeGreaterThan(0);
    });
  });
  for (const c of cases) describeVector(spec, c);
}
