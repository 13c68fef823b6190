/**
 * `actlab eval`: an activation at given values through the reference kernels,
 * in float32 (the default, printed as TensorFlow prints) or float64, with the
 * derivative and the gradients of learnable parameters on request.
 * `--backend wasm` computes y and dy/dx with the fast float32 kernels instead
 * (float64 and vector activations have no wasm kernels and stay on the
 * reference; parameter gradients always come from the reference).
 */
import { type Command, Option } from 'commander';
import {
  backwardInto,
  type ElementwiseSpec,
  type FloatArray,
  forwardInto,
  type Params,
  paramGrads,
  parseNumber,
  resolveActivation,
  UsageError,
  type VectorSpec,
  vectorForwardInto,
  vectorJacobian,
  vectorOutShape,
} from '../../activations/index.js';
import { type Backend, backendNames, getBackend, setBackend } from '../../kernels/backend.js';
// Registers the backends (the wasm one where this engine has SIMD).
import '../../kernels/select.js';
import type { CommandContext } from '../context.js';
import { type Dtype, formatValue } from '../format.js';
import { readAll, writeLine } from '../io.js';
import { type JsonValue, toJson } from '../json.js';
import { addParamOptions, type ParamOptions, parseInteger, parseParamPairs } from '../options.js';

interface EvalOptions extends ParamOptions {
  readonly dtype: Dtype;
  readonly backend: 'js' | 'wasm';
  readonly axis: string;
  readonly grad?: boolean;
  readonly json?: boolean;
}

/** The computed quantities, in the order they are printed. */
interface Result {
  readonly y: FloatArray;
  readonly dydx?: FloatArray;
  readonly dparams?: Readonly<Record<string, FloatArray>>;
  readonly jacobian?: readonly FloatArray[];
}

function allocator(dtype: Dtype): (n: number) => FloatArray {
  return dtype === 'float32' ? (n) => new Float32Array(n) : (n) => new Float64Array(n);
}

/** The kernels that compute y and dy/dx: the reference ones, or a backend's. */
interface ElementwiseKernels {
  forward(spec: ElementwiseSpec, p: Params, x: FloatArray, y: FloatArray): void;
  backward(spec: ElementwiseSpec, p: Params, x: FloatArray, gy: FloatArray, gx: FloatArray): void;
}

const referenceKernels: ElementwiseKernels = { forward: forwardInto, backward: backwardInto };

function backendKernels(b: Backend): ElementwiseKernels {
  return {
    forward: (spec, p, x, y) => b.unaryForward(spec, p, x, y),
    backward: (spec, p, x, gy, gx) => b.unaryBackward(spec, p, x, gy, gx, false),
  };
}

/** The wasm backend's kernels, or a usage error where this engine cannot run them. */
function wasmKernels(): ElementwiseKernels {
  if (!backendNames().includes('wasm')) {
    throw new UsageError('--backend wasm: this WebAssembly engine lacks SIMD; use --backend js');
  }
  const previous = getBackend().name;
  try {
    return backendKernels(setBackend('wasm'));
  } finally {
    setBackend(previous);
  }
}

function evalElementwise(
  spec: ElementwiseSpec,
  p: Params,
  x: FloatArray,
  alloc: (n: number) => FloatArray,
  grad: boolean,
  kernels: ElementwiseKernels,
): Result {
  const y = alloc(x.length);
  kernels.forward(spec, p, x, y);
  if (!grad) return { y };
  const ones = alloc(x.length).fill(1);
  const dydx = alloc(x.length);
  kernels.backward(spec, p, x, ones, dydx);
  const names = Object.keys(spec.dParams ?? {});
  const dparams: Record<string, FloatArray> = {};
  for (const name of names) dparams[name] = alloc(x.length);
  // One element at a time: paramGrads sums over elements, eval reports each.
  for (let i = 0; i < x.length; i++) {
    const g = paramGrads(spec, p, x.subarray(i, i + 1), ones.subarray(i, i + 1));
    for (const name of names) dparams[name]![i] = g[name]!;
  }
  return names.length > 0 ? { y, dydx, dparams } : { y, dydx };
}

function evalVector(
  spec: VectorSpec,
  p: Params,
  x: FloatArray,
  axis: number,
  alloc: (n: number) => FloatArray,
  grad: boolean,
): Result {
  let shape: number[];
  try {
    shape = vectorOutShape(spec, p, [x.length], axis);
  } catch (error) {
    // A bad axis or slice length is the user's input, not a bug.
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  const y = alloc(shape[0]!);
  vectorForwardInto(spec, p, x, [x.length], axis, y);
  if (!grad) return { y };
  const jacobian = vectorJacobian(spec, p, Float64Array.from(x)).map((row) => {
    const out = alloc(row.length);
    out.set(row);
    return out;
  });
  return { y, jacobian };
}

async function inputValues(given: readonly string[], ctx: CommandContext): Promise<number[]> {
  const tokens =
    given.length > 0 ? given : (await readAll(ctx.io.stdin)).split(/\s+/).filter((t) => t !== '');
  if (tokens.length === 0) {
    throw new UsageError('no input values: give numbers after the activation, or on stdin');
  }
  return tokens.map((t) => parseNumber(t, 'input value'));
}

function printHuman(result: Result, dtype: Dtype, grad: boolean, ctx: CommandContext): void {
  const text = (a: FloatArray) => Array.from(a, (v) => formatValue(v, dtype)).join(' ');
  if (!grad) {
    writeLine(ctx.io.stdout, text(result.y));
    return;
  }
  const lines: [string, FloatArray][] = [['y', result.y]];
  if (result.dydx) lines.push(['dy/dx', result.dydx]);
  for (const [name, g] of Object.entries(result.dparams ?? {})) lines.push([`dy/d${name}`, g]);
  result.jacobian?.forEach((row, j) => {
    lines.push([`dy[${j}]/dx`, row]);
  });
  const width = Math.max(...lines.map(([label]) => label.length)) + 1;
  for (const [label, values] of lines) {
    writeLine(ctx.io.stdout, `${`${label}:`.padEnd(width)} ${text(values)}`);
  }
}

function jsonResult(id: string, p: Params, dtype: Dtype, x: FloatArray, r: Result): JsonValue {
  // Float32 values go out as the exact float64 of the stored value: a reader gets the very number.
  const list = (a: FloatArray) => Array.from(a);
  return {
    activation: id,
    params: { ...p },
    dtype,
    x: list(x),
    y: list(r.y),
    dydx: r.dydx && list(r.dydx),
    dparams:
      r.dparams && Object.fromEntries(Object.entries(r.dparams).map(([n, g]) => [n, list(g)])),
    jacobian: r.jacobian?.map(list),
  };
}

export function registerEval(program: Command, ctx: CommandContext): void {
  const command = program
    .command('eval')
    .description('evaluate an activation at the given values (stdin when none are given)')
    .argument('<id>', 'activation id or alias, e.g. gelu or leakyReLU')
    .argument('[x...]', 'input values: negative numbers, NaN, Infinity, -Infinity are fine')
    .addOption(
      new Option('--dtype <dtype>', 'precision of the computation')
        .choices(['float32', 'float64'])
        .default('float32'),
    )
    .addOption(
      new Option(
        '--backend <backend>',
        'kernels for y and dy/dx: js (the reference) or wasm (the fast float32 kernels)',
      )
        .choices(['js', 'wasm'])
        .default('js'),
    )
    .option('--axis <axis>', 'axis of a vector activation (the values form one vector)', '-1')
    .option(
      '--grad',
      'also print dy/dx (the Jacobian for vector activations) and parameter gradients',
    )
    .option('--json', 'print one JSON object at full round-trip precision')
    .addHelpText(
      'after',
      `
Examples:
  actlab eval sigmoid -1 0 1                       0.26894143 0.5 0.7310586
  actlab eval gelu --grad --dtype float64 -- -10 -5 0 3
  actlab eval leaky_relu --param negative_slope=0.2 -3 3
  echo "1 2 3" | actlab eval softmax --grad --json`,
    );
  addParamOptions(command).action(async (id: string, xs: string[], opts: EvalOptions) => {
    const { spec, params } = resolveActivation(id, parseParamPairs(opts.param), opts.preset);
    const axis = parseInteger(opts.axis, '--axis');
    const alloc = allocator(opts.dtype);
    const values = await inputValues(xs, ctx);
    const x = alloc(values.length);
    x.set(values);
    const grad = opts.grad ?? false;
    const result =
      spec.kind === 'elementwise'
        ? evalElementwise(
            spec,
            params,
            x,
            alloc,
            grad,
            opts.backend === 'wasm' ? wasmKernels() : referenceKernels,
          )
        : evalVector(spec, params, x, axis, alloc, grad);
    if (opts.json)
      writeLine(ctx.io.stdout, toJson(jsonResult(spec.id, params, opts.dtype, x, result)));
    else printHuman(result, opts.dtype, grad, ctx);
  });
}
