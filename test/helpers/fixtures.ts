/**
 * Reads the reference fixtures written by scripts/gen_fixtures.py (mpmath, 50
 * digits) and gives the tolerance helpers the conformance suite shares.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParamValue, Smoothness } from '../../src/activations/index.js';

/** JSON cannot hold NaN or ±Infinity: the generator writes them as strings. */
type Encoded = number | 'NaN' | 'Infinity' | '-Infinity';

export function decode(v: Encoded): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  throw new Error(`fixture value '${String(v)}' is not a number`);
}

function decodeAll(vs: readonly Encoded[]): Float64Array {
  return Float64Array.from(vs, decode);
}

export interface ReferenceKink {
  readonly at: number;
  readonly derivative: number;
}

export interface ElementwiseCase {
  readonly id: string;
  /** Parameters passed to resolveActivation ({} for the defaults). */
  readonly given: Readonly<Record<string, ParamValue>>;
  /** Every parameter value the reference used. */
  readonly values: Readonly<Record<string, ParamValue>>;
  /** "gelu {approximate: tanh}": names the case in test titles. */
  readonly label: string;
  readonly isDefault: boolean;
  readonly smoothness: Smoothness;
  readonly kinks: readonly ReferenceKink[];
  /** Points where the reference formula changes branch (kinks and C1 joins). */
  readonly breaks: readonly number[];
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly dydx: Float64Array;
  readonly dparams: Readonly<Record<string, Float64Array>>;
  /** Points that float32 cannot hold (1e-300, 1e308): float64 tests only. */
  readonly f64only: ReadonlySet<number>;
  /** Points whose zero output has no sign to honour (an exact zero, or a limit at ±∞). */
  readonly anySignZero: ReadonlySet<number>;
}

export interface VectorSlice {
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** jacobian[j][i] = ∂y_j/∂x_i; null for a slice holding a NaN. */
  readonly jacobian: readonly Float64Array[] | null;
}

export interface VectorCase {
  readonly id: string;
  readonly given: Readonly<Record<string, ParamValue>>;
  readonly slices: readonly VectorSlice[];
}

const DIR = join(import.meta.dirname, '..', 'fixtures');

interface RawElementwise {
  id: string;
  given: Record<string, ParamValue>;
  values: Record<string, ParamValue>;
  smoothness: Smoothness;
  kinks: { at: number; derivative: Encoded }[];
  breaks: number[];
  x: Encoded[];
  y: Encoded[];
  dydx: Encoded[];
  dparams?: Record<string, Encoded[]>;
  f64only: number[];
  anySignZero: number[];
}

interface RawVector {
  id: string;
  given: Record<string, ParamValue>;
  slices: { x: Encoded[]; y: Encoded[]; jacobian: Encoded[][] | null }[];
}

function readCases<T>(file: string): T[] {
  return (JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { cases: T[] }).cases;
}

export function describeParams(given: Readonly<Record<string, ParamValue>>): string {
  const entries = Object.entries(given);
  if (entries.length === 0) return 'defaults';
  return entries.map(([k, v]) => `${k}: ${v}`).join(', ');
}

export function loadElementwise(): ElementwiseCase[] {
  return readCases<RawElementwise>('elementwise.json').map((c) => ({
    id: c.id,
    given: c.given,
    values: c.values,
    label: `${c.id} {${describeParams(c.given)}}`,
    isDefault: Object.keys(c.given).length === 0,
    smoothness: c.smoothness,
    kinks: c.kinks.map((k) => ({ at: k.at, derivative: decode(k.derivative) })),
    breaks: c.breaks,
    x: decodeAll(c.x),
    y: decodeAll(c.y),
    dydx: decodeAll(c.dydx),
    dparams: Object.fromEntries(
      Object.entries(c.dparams ?? {}).map(([name, vs]) => [name, decodeAll(vs)]),
    ),
    f64only: new Set(c.f64only),
    anySignZero: new Set(c.anySignZero),
  }));
}

export function loadVector(): VectorCase[] {
  return readCases<RawVector>('vector.json').map((c) => ({
    id: c.id,
    given: c.given,
    slices: c.slices.map((s) => ({
      x: decodeAll(s.x),
      y: decodeAll(s.y),
      jacobian: s.jacobian === null ? null : s.jacobian.map(decodeAll),
    })),
  }));
}

// --- tolerances ---------------------------------------------------------------

/** Smallest normal float32: below it a kernel may flush to zero. */
export const FLT_MIN = 2 ** -126;

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** Float32 bit pattern mapped to an integer scale that is monotonic in value (-0 and +0 meet). */
function orderedBits(v: number): number {
  f32[0] = v;
  const bits = i32[0]!;
  return bits < 0 ? -2147483648 - bits : bits;
}

/** Distance in float32 units in the last place between two float32 values. */
export function ulpDistance32(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  return Math.abs(orderedBits(a) - orderedBits(b));
}

/** Same NaN-ness, or the same infinity; used where tolerances make no sense. */
export function sameSpecial(got: number, ref: number): boolean {
  if (Number.isNaN(ref)) return Number.isNaN(got);
  return got === ref;
}

/** |got - ref| <= rel·|ref| + abs, with NaN and ±Infinity matched exactly. */
export function closeTo(got: number, ref: number, rel: number, abs: number): boolean {
  if (!Number.isFinite(ref)) return sameSpecial(got, ref);
  return Math.abs(got - ref) <= rel * Math.abs(ref) + abs;
}

/**
 * The float32 forward bound: within `ulps` of fround(ref), or 0 where |ref| is
 * below FLT_MIN (a kernel may flush denormals). Returns the ULP distance seen
 * (0 for an accepted flush), or Infinity for a miss.
 */
export function float32Error(got: number, ref: number): number {
  const r = Math.fround(ref);
  if (!Number.isFinite(r)) return sameSpecial(got, r) ? 0 : Number.POSITIVE_INFINITY;
  if (Math.abs(ref) < FLT_MIN && got === 0) return 0;
  const d = ulpDistance32(got, r);
  return Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
}

/** The float32 derivative bound: 1e-5 relative + 1e-9 absolute, specials exact. */
export function closeFloat32Derivative(got: number, ref: number): boolean {
  const r = Math.fround(ref);
  if (!Number.isFinite(r)) return sameSpecial(got, r);
  return Math.abs(got - ref) <= 1e-5 * Math.abs(ref) + 1e-9;
}

/** Shows a number with its sign of zero, for failure messages. */
export function show(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}
