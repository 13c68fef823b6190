import { describe, expect, it } from 'vitest';
import { recordedHash, sourceHash } from '../../scripts/build-wasm.mjs';
import { listActivations, resolveElementwise } from '../../src/activations/registry.js';
import type { ElementwiseSpec, Params, ParamValue } from '../../src/activations/types.js';
import { backendNames, getBackend, setBackend } from '../../src/kernels/backend.js';
import { jsBackend } from '../../src/kernels/js/index.js';
import { selectDefaultBackend } from '../../src/kernels/select.js';
import { bindingFor, wasmKernelIds } from '../../src/kernels/wasm/bindings.js';
import { wasmBackend } from '../../src/kernels/wasm/index.js';
import { simdSupported } from '../../src/kernels/wasm/loader.js';

const FLT_MIN = 2 ** -126;
const MAX_ULP = 4;

/** Non-default parameters worth a second run, where the activation's kernel takes them. */
const VARIANTS: Record<string, Record<string, ParamValue>[]> = {
  leaky_relu: [{ negative_slope: 0.2 }],
  prelu: [{ alpha: 0.1 }, { alpha: 0 }],
  hardsigmoid: [{ slope: 0.2, offset: 0.5 }],
  hardtanh: [{ min_val: -0.1, max_val: 0.7 }],
  elu: [{ alpha: 0.5 }],
  celu: [{ alpha: 2 }],
  swish: [{ beta: 1.5 }],
  softplus: [{ threshold: 5 }],
  threshold: [{ threshold: 0.3, value: -2 }],
  squareplus: [{ b: 0 }, { b: 1 }],
  // α = 1e5: from |x| = 10 on, αx is beyond the kernel's reduction and the host takes over.
  snake: [{ alpha: 0.5 }, { alpha: 1e5 }],
};

interface Case {
  readonly label: string;
  readonly spec: ElementwiseSpec;
  readonly params: Params;
}

/** Every registered elementwise activation that has a wasm kernel, at its defaults, aliases and variants. */
function cases(): Case[] {
  const out: Case[] = [];
  for (const spec of listActivations()) {
    if (spec.kind !== 'elementwise' || !wasmKernelIds().includes(spec.id)) continue;
    const names: [string, Record<string, ParamValue>][] = [[spec.id, {}]];
    for (const alias of Object.keys(spec.aliasParams ?? {})) names.push([alias, {}]);
    for (const v of VARIANTS[spec.id] ?? []) names.push([spec.id, v]);
    for (const [name, given] of names) {
      const { params } = resolveElementwise(name, given);
      if (bindingFor(spec.id, params) === undefined) continue;
      out.push({ label: `${name} ${JSON.stringify(given)}`, spec, params });
    }
  }
  return out;
}

/** A dense grid over [-30, 30], the extremes, and each kink with its float32 neighbours. */
function grid(c: Case): Float32Array {
  const xs: number[] = [];
  for (let i = -30000; i <= 30000; i++) xs.push(i / 1000);
  for (const e of [1e-30, 1e-40, 88, 89, 100, 1e30, 3.4e38, Number.POSITIVE_INFINITY])
    xs.push(e, -e);
  xs.push(0, -0, Number.NaN);
  for (const k of c.spec.kinks(c.params)) {
    const at = Math.fround(k.at);
    xs.push(at, at * (1 + 2 ** -23), at * (1 - 2 ** -23), k.at + 1e-3, k.at - 1e-3);
  }
  // float32 values of every magnitude, from a fixed bit pattern sequence
  const bits = new Uint32Array(20000);
  let s = 0x9e3779b9;
  for (let i = 0; i < bits.length; i++) bits[i] = s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  for (const v of new Float32Array(bits.buffer)) if (!Number.isNaN(v)) xs.push(v);
  return Float32Array.from(xs);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** Float32 values as integers in the order of the reals (±0 coincide). */
function ordinal(v: number): number {
  f32[0] = v;
  const b = u32[0]!;
  return b & 0x80000000 ? -(b & 0x7fffffff) : b;
}

/** ULPs between a float32 result and the correctly rounded exact value (0 below FLT_MIN for a 0). */
function ulpError(y: number, exact: number): number {
  if (Number.isNaN(exact) || Number.isNaN(y))
    return Number.isNaN(exact) === Number.isNaN(y) ? 0 : Infinity;
  if (y === 0 && Math.abs(exact) < FLT_MIN) return 0;
  const r = Math.fround(exact);
  if (!Number.isFinite(r) || !Number.isFinite(y)) return r === y ? 0 : Infinity;
  return Math.abs(ordinal(y) - ordinal(r));
}

/** The derivative bound of DESIGN.md §3; beyond float32's range the result must be that infinity. */
function derivativeOk(g: number, exact: number): boolean {
  if (Number.isNaN(exact)) return Number.isNaN(g);
  if (!Number.isFinite(Math.fround(exact))) return g === Math.fround(exact);
  return Math.abs(g - exact) <= 1e-5 * Math.abs(exact) + 1e-9;
}

/**
 * Checks out[i] against the float64 reference. Where the reference is NaN for
 * an input that is not NaN, it has no value to offer; the law "no NaN from a
 * number" is checked instead.
 */
function mismatches(
  x: Float32Array,
  out: Float32Array,
  ref: (v: number) => number,
  ok: (got: number, exact: number) => boolean,
): string[] {
  const bad: string[] = [];
  for (let i = 0; i < x.length; i++) {
    const exact = ref(x[i]!);
    const good =
      Number.isNaN(exact) && !Number.isNaN(x[i]!) ? !Number.isNaN(out[i]!) : ok(out[i]!, exact);
    if (!good && bad.length < 5) bad.push(`x=${x[i]}: got ${out[i]}, exact ${exact}`);
  }
  return bad;
}

const wasm = wasmBackend!;

describe('the wasm backend', () => {
  it('is available in Node, where WebAssembly has SIMD', () => {
    expect(simdSupported()).toBe(true);
    expect(wasmBackend).toBeDefined();
    expect(backendNames()).toContain('wasm');
  });

  it('is built from the current AssemblyScript sources (else run npm run build:wasm)', () => {
    expect(recordedHash()).toBe(sourceHash());
  });

  it('has at least one registered activation to check', () => {
    expect(cases().length).toBeGreaterThan(0);
  });

  for (const c of cases()) {
    describe(c.label, () => {
      const x = grid(c);
      const p = c.params;
      const y = new Float32Array(x.length);
      wasm.unaryForward(c.spec, p, x, y);

      it(`computes f within ${MAX_ULP} ULP of the exactly rounded value`, () => {
        const bad = mismatches(
          x,
          y,
          (v) => c.spec.f(v, p),
          (g, e) => ulpError(g, e) <= MAX_ULP,
        );
        expect(bad).toEqual([]);
      });

      it("computes gy·f'(x) within 1e-5 relative + 1e-9 absolute", () => {
        const gy = new Float32Array(x.length).map((_, i) => (i % 3 === 0 ? 1 : 0.75));
        const gx = new Float32Array(x.length);
        wasm.unaryBackward(c.spec, p, x, gy, gx, false);
        const grad = new Float32Array(x.length).map((_, i) => gx[i]! / gy[i]!);
        expect(mismatches(x, grad, (v) => c.spec.df(v, p), derivativeOk)).toEqual([]);
      });

      it('returns exactly the declared subgradient at each kink', () => {
        for (const k of c.spec.kinks(p)) {
          if (Math.fround(k.at) !== k.at) continue; // a kink between float32 values is never hit
          const gx = new Float32Array(1);
          wasm.unaryBackward(c.spec, p, Float32Array.of(k.at), Float32Array.of(1), gx, false);
          expect(gx[0], `at ${k.at}`).toBe(Math.fround(k.derivative));
        }
      });

      const dfFromY = c.spec.dfFromY;
      if (dfFromY !== undefined) {
        it("computes f' from the output within the same bound", () => {
          const gx = new Float32Array(x.length);
          wasm.unaryBackward(c.spec, p, y, new Float32Array(x.length).fill(1), gx, true);
          expect(mismatches(y, gx, (v) => dfFromY(v, p), derivativeOk)).toEqual([]);
        });
      }

      it('handles lengths that are not a multiple of the vector width, touching nothing beyond', () => {
        const source = Float32Array.of(
          -3.5,
          -1,
          -0.25,
          0,
          0.5,
          1,
          2.75,
          5,
          -7,
          9,
          0.1,
          -0.1,
          3,
          4,
          6,
          -2,
          1.5,
        );
        for (const n of [1, 3, 5, 17]) {
          const xs = source.subarray(0, n);
          const out = new Float32Array(n + 3).fill(123);
          const gx = new Float32Array(n + 3).fill(123);
          wasm.unaryForward(c.spec, p, xs, out);
          wasm.unaryBackward(c.spec, p, xs, new Float32Array(n).fill(1), gx, false);
          expect(Array.from(out.subarray(n))).toEqual([123, 123, 123]);
          expect(Array.from(gx.subarray(n))).toEqual([123, 123, 123]);
          expect(
            mismatches(
              xs,
              out,
              (v) => c.spec.f(v, p),
              (g, e) => ulpError(g, e) <= MAX_ULP,
            ),
          ).toEqual([]);
          expect(mismatches(xs, gx, (v) => c.spec.df(v, p), derivativeOk)).toEqual([]);
        }
      });
    });
  }

  it('falls back to the js reference for float64 arrays, bit for bit', () => {
    const { spec, params } = resolveElementwise('sigmoid');
    const x = Float64Array.of(-3, -0.5, 0, 0.25, 7);
    const a = new Float64Array(5);
    const b = new Float64Array(5);
    wasm.unaryForward(spec, params, x, a);
    jsBackend.unaryForward(spec, params, x, b);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('falls back to the js reference for parameters its kernels do not take (gelu with mu)', () => {
    const { spec, params } = resolveElementwise('gelu', { mu: 0.5 });
    expect(bindingFor('gelu', params)).toBeUndefined();
    const x = Float32Array.of(-3, -0.5, 0, 0.25, 7);
    const a = new Float32Array(5);
    const b = new Float32Array(5);
    wasm.unaryForward(spec, params, x, a);
    jsBackend.unaryForward(spec, params, x, b);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('gives the same answer whether the input is computed in place or not', () => {
    const { spec, params } = resolveElementwise('sigmoid');
    const x = Float32Array.from({ length: 40000 }, (_, i) => Math.sin(i) * 20);
    const out = new Float32Array(x.length);
    wasm.unaryForward(spec, params, x, out);
    wasm.unaryForward(spec, params, x, x);
    expect(x).toEqual(out);
  });
});

describe('selectDefaultBackend', () => {
  it('makes wasm the default when ACTLAB_BACKEND is unset (SIMD is there), and honours js and wasm', () => {
    const before = getBackend().name;
    try {
      expect(selectDefaultBackend(undefined).name).toBe('wasm');
      expect(selectDefaultBackend('wasm').name).toBe('wasm');
      expect(selectDefaultBackend('js').name).toBe('js');
    } finally {
      setBackend(before);
    }
  });

  it('refuses an unknown backend with the list of available ones', () => {
    expect(() => selectDefaultBackend('gpu')).toThrow(/ACTLAB_BACKEND='gpu'.*available: js, wasm/);
  });
});
