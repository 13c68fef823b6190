import { UsageError } from './errors.js';
import { resolveParams } from './params.js';
import {
  type ActivationSpec,
  type ElementwiseSpec,
  isChoiceParam,
  type VectorSpec,
} from './types.js';

const H = 1e-6;

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-4 * Math.max(Math.abs(a), Math.abs(b)) + 1e-6;
}

function checkElementwise(spec: ElementwiseSpec): void {
  const p = resolveParams(spec);
  const kinks = spec.kinks(p).map((k) => k.at);
  for (let x = -4.05; x <= 4; x += 0.37) {
    if (kinks.some((k) => Math.abs(x - k) < 0.01)) continue;
    const fd = (spec.f(x + H, p) - spec.f(x - H, p)) / (2 * H);
    const d = spec.df(x, p);
    if (!close(d, fd)) {
      throw new UsageError(
        `activation '${spec.id}': df(${x.toFixed(2)}) = ${d} disagrees with the central difference of f, ${fd}`,
      );
    }
  }
}

function checkVector(spec: VectorSpec): void {
  const p = resolveParams(spec);
  const n = [4, 6, 8, 12].find((k) => spec.checkSize?.(k, p) === undefined);
  if (n === undefined) return;
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + 0.3) * 2);
  const m = spec.outSize(n, p);
  const y = new Float64Array(m);
  const gy = Float64Array.from({ length: m }, (_, i) => Math.cos(0.9 * i + 0.1));
  const gx = new Float64Array(n);
  spec.forward(x, y, p);
  spec.vjp(x, y, gy, gx, p);
  const yp = new Float64Array(m);
  const ym = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    x[i] = xi + H;
    spec.forward(x, yp, p);
    x[i] = xi - H;
    spec.forward(x, ym, p);
    x[i] = xi;
    let fd = 0;
    for (let j = 0; j < m; j++) fd += (gy[j]! * (yp[j]! - ym[j]!)) / (2 * H);
    if (!close(gx[i]!, fd)) {
      throw new UsageError(
        `activation '${spec.id}': vjp component ${i} = ${gx[i]} disagrees with the central difference, ${fd}`,
      );
    }
  }
}

/** Refuses a spec whose declared data or derivative is inconsistent. */
export function checkSpec(spec: ActivationSpec): void {
  for (const [name, ps] of Object.entries(spec.params)) {
    if (isChoiceParam(ps)) {
      if (!ps.choices.includes(ps.default)) {
        throw new UsageError(
          `activation '${spec.id}': default of '${name}' is not one of its choices`,
        );
      }
    } else if (!Number.isFinite(ps.default)) {
      throw new UsageError(`activation '${spec.id}': default of '${name}' must be a finite number`);
    }
  }
  resolveParams(spec); // defaults must pass the range checks and validate()
  if (spec.kind === 'elementwise') checkElementwise(spec);
  else checkVector(spec);
}
