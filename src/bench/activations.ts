/**
 * `actlab bench activations`: elementwise activation throughput on float32,
 * n = 4M, best of N, everything in one run so that the ratios mean something
 * on a shared machine: ours through the public tensor API on the wasm and the
 * js backend (forward out of place; forward+backward through autograd with an
 * upstream gradient of ones; temporaries freed by tidy() scopes), TensorFlow.js's CPU backend (forward), PyTorch
 * on one thread through the project's anchor script, and memcpy.
 */
import { cpus } from 'node:os';
import { resolveElementwise } from '../activations/registry.js';
import { getBackend, setBackend } from '../kernels/backend.js';
import { loadWasmBackend } from '../kernels/wasm/index.js';
import { activation, Random, Tensor, tidy } from '../tensor/index.js';
import { bestMs, melemPerS, type Repeats } from './timing.js';
import { runTorchActivations } from './torch-anchor.js';
import { accuracyInputs, worstUlp } from './ulp.js';

type TF = typeof import('@tensorflow/tfjs');
type TFTensor = import('@tensorflow/tfjs').Tensor;

/** One benchmarked activation: the catalogue name and parameters, and TF.js's op if it has one. */
interface Entry {
  readonly name: string;
  readonly params?: Readonly<Record<string, string | number>>;
  readonly tfjs?: (tf: TF, x: TFTensor) => TFTensor;
}

/** The activations PyTorch has (bench/anchors/torch_activations.py measures the same ids). */
export const BENCH_ACTIVATIONS: Readonly<Record<string, Entry>> = {
  relu: { name: 'relu', tfjs: (tf, x) => tf.relu(x) },
  leaky_relu: { name: 'leaky_relu', tfjs: (tf, x) => tf.leakyRelu(x, 0.01) },
  relu6: { name: 'relu6', tfjs: (tf, x) => tf.relu6(x) },
  hardsigmoid: { name: 'hardsigmoid' },
  hardswish: { name: 'hardswish' },
  softsign: { name: 'softsign' },
  sigmoid: { name: 'sigmoid', tfjs: (tf, x) => tf.sigmoid(x) },
  tanh: { name: 'tanh', tfjs: (tf, x) => tf.tanh(x) },
  elu: { name: 'elu', tfjs: (tf, x) => tf.elu(x) },
  selu: { name: 'selu', tfjs: (tf, x) => tf.selu(x) },
  celu: { name: 'celu' },
  softplus: { name: 'softplus', tfjs: (tf, x) => tf.softplus(x) },
  log_sigmoid: { name: 'log_sigmoid', tfjs: (tf, x) => tf.logSigmoid(x) },
  silu: { name: 'silu' },
  mish: { name: 'mish' },
  gelu: { name: 'gelu' },
  gelu_tanh: { name: 'gelu', params: { approximate: 'tanh' } },
};

/** Branch-free piecewise-linear ones: memory-bound, so measured against memcpy. */
export const PIECEWISE_LINEAR: readonly string[] = ['relu', 'leaky_relu', 'relu6', 'hardsigmoid'];

/** M elements/s; null where the candidate is missing or lacks the op. */
export interface ActivationRow {
  ours_fwd: number | null;
  ours_fwd_bwd: number | null;
  js_fwd: number | null;
  js_fwd_bwd: number | null;
  tfjs_fwd: number | null;
  torch_fwd: number | null;
  torch_fwd_bwd: number | null;
  /** Worst float32 ULP of ours (wasm) forward against the float64 catalogue function; null without wasm. */
  ours_ulp: number | null;
}

export interface ActivationsBench {
  readonly date: string;
  readonly n: number;
  readonly repeats: number;
  /** TypedArray.prototype.set into a preallocated array, M elements/s. */
  readonly memcpy: number;
  readonly torch_memcpy: number | null;
  readonly torch_version: string | null;
  readonly tfjs_version: string | null;
  readonly node: string;
  readonly cpu: string;
  readonly activations: Record<string, ActivationRow>;
}

export interface BenchActivationsOptions {
  /** Fewer repeats (the whole run stays under two minutes); still includes PyTorch. */
  readonly quick?: boolean;
  /** Elements per call (default 4M = 2^22). */
  readonly n?: number;
  /** Only these ids of BENCH_ACTIVATIONS. */
  readonly only?: readonly string[];
  /** Progress lines (for stderr). */
  readonly progress?: (line: string) => void;
}

/** Timing plans: the fast candidates get every repeat, the slow ones a time budget. */
function plans(quick: boolean): { repeats: number; fast: Repeats; slow: Repeats } {
  const repeats = quick ? 5 : 20;
  return {
    repeats,
    fast: { min: repeats, max: repeats, budgetMs: 0 },
    slow: { min: 2, max: repeats, budgetMs: quick ? 300 : 2000 },
  };
}

function normalInput(n: number): Float32Array {
  const rng = new Random(0);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  return x;
}

/**
 * Runs fn for a while first: V8 compiles wasm in tiers (a baseline compiler,
 * then an optimising one in the background), and a best-of-N that starts
 * cold would time the baseline code.
 */
function warmUp(fn: () => void, ms = 150, maxCalls = 20): void {
  const start = performance.now();
  for (let i = 0; i < maxCalls && (i < 2 || performance.now() - start < ms); i++) fn();
}

/**
 * Forward and forward+backward of one activation through the tensor API on
 * the current backend, written as a user frees temporaries: each call runs in
 * a tidy() scope, which frees its output when it returns (as PyTorch frees a
 * result nobody holds), and the old gradient is disposed before the next
 * backward (as `x.grad = None` frees it). The input, upstream gradient and
 * leaf are made in a scope too, so on the wasm backend they live in its heap,
 * as torch.randn's tensor lives in PyTorch's allocator.
 */
function measureOurs(e: Entry, x: Float32Array, r: Repeats): [number, number] {
  const n = x.length;
  const [input, ones, leaf] = tidy(() => [
    new Tensor(x, [n]).clone(),
    new Tensor(new Float32Array(n).fill(1), [n]).clone(),
    new Tensor(x, [n]).clone(),
  ]);
  leaf!.requiresGrad = true;
  const forward = (): void => tidy(() => void activation(input!, e.name, e.params));
  const both = (): void => {
    leaf!.grad?.dispose();
    leaf!.grad = null;
    tidy(() => activation(leaf!, e.name, e.params).backward(ones));
  };
  warmUp(both);
  const fwdMs = bestMs(forward, r);
  const bothMs = bestMs(both, r);
  for (const t of [input, ones, leaf, leaf!.grad]) t?.dispose();
  return [melemPerS(n, fwdMs), melemPerS(n, bothMs)];
}

/** TensorFlow.js on its CPU backend, or undefined where it cannot be loaded. */
async function loadTfjs(): Promise<TF | undefined> {
  try {
    const tf = await import('@tensorflow/tfjs');
    // Production mode, as a deployed model runs (and it silences the advice to install tfjs-node).
    tf.enableProdMode();
    await tf.setBackend('cpu');
    return tf;
  } catch {
    return undefined;
  }
}

function emptyRow(): ActivationRow {
  return {
    ours_fwd: null,
    ours_fwd_bwd: null,
    js_fwd: null,
    js_fwd_bwd: null,
    tfjs_fwd: null,
    torch_fwd: null,
    torch_fwd_bwd: null,
    ours_ulp: null,
  };
}

export async function benchActivations(o: BenchActivationsOptions = {}): Promise<ActivationsBench> {
  const n = o.n ?? 1 << 22;
  const { repeats, fast, slow } = plans(o.quick ?? false);
  const say = o.progress ?? (() => {});
  const ids = o.only ?? Object.keys(BENCH_ACTIVATIONS);
  for (const id of ids) {
    if (!Object.hasOwn(BENCH_ACTIVATIONS, id)) throw new Error(`no benchmark for '${id}'`);
  }
  const x = normalInput(n);
  const rows: Record<string, ActivationRow> = Object.fromEntries(ids.map((id) => [id, emptyRow()]));

  say('PyTorch (1 thread) ...');
  const torch = runTorchActivations(n, repeats, ids);
  if (torch === undefined)
    say(
      'PyTorch is not installed for /usr/bin/python3 (npm run bench:setup): its columns stay null',
    );
  for (const id of ids) {
    const t = torch?.activations[id];
    if (t !== undefined) Object.assign(rows[id]!, { torch_fwd: t.fwd, torch_fwd_bwd: t.fwd_bwd });
  }

  const copy = new Float32Array(n);
  const memcpy = melemPerS(
    n,
    bestMs(() => copy.set(x), fast),
  );

  const before = getBackend().name;
  const wasm = await loadWasmBackend();
  const accuracyX = accuracyInputs(x.subarray(0, 1 << 18));
  try {
    for (const id of ids) {
      const e = BENCH_ACTIVATIONS[id]!;
      const row = rows[id]!;
      if (wasm !== undefined) {
        say(`${id}: ours (wasm) ...`);
        setBackend('wasm');
        [row.ours_fwd, row.ours_fwd_bwd] = measureOurs(e, x, fast);
        const { spec, params } = resolveElementwise(e.name, e.params ?? {});
        row.ours_ulp = worstUlp(wasm, spec, params, accuracyX);
      }
      say(`${id}: ours (js) ...`);
      setBackend('js');
      [row.js_fwd, row.js_fwd_bwd] = measureOurs(e, x, slow);
    }
  } finally {
    setBackend(before);
  }

  const tf = await loadTfjs();
  if (tf !== undefined) {
    const tx = tf.tensor1d(x);
    for (const id of ids) {
      const op = BENCH_ACTIVATIONS[id]!.tfjs;
      if (op === undefined) continue;
      say(`${id}: TensorFlow.js (cpu) ...`);
      rows[id]!.tfjs_fwd = melemPerS(
        n,
        bestMs(() => op(tf, tx).dispose(), slow),
      );
    }
    tx.dispose();
  }

  return {
    date: new Date().toISOString(),
    n,
    repeats,
    memcpy,
    torch_memcpy: torch?.memcpy ?? null,
    torch_version: torch?.torch ?? null,
    tfjs_version: tf?.version.tfjs ?? null,
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores)`,
    activations: rows,
  };
}
