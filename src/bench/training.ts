/**
 * The training benchmark: SGEMM throughput, a small MLP on the `mnist`
 * package's digits and LeNet-5 on Fashion-MNIST — ours (the wasm backend,
 * through the public tensor and nn API) against PyTorch (bench/anchors/*.py,
 * run with Debian's python3 when it has torch) and TensorFlow.js (CPU and
 * WASM backends, in this process). Every figure is measured in the same run,
 * best of N where it repeats, so the ratios mean something on a shared machine.
 *
 * Its `threads` part (threads.ts) measures whether worker threads speed up
 * the wasm SGEMM, at the training step's own shapes among others.
 *
 * `quick` keeps to a few minutes: LeNet is timed on a slice of the training
 * set and extrapolated to the 60,000-sample epoch. `full` trains LeNet for ten
 * epochs (ours and PyTorch) and reports both test accuracies.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFashionMnist } from '../data/fashion-mnist.js';
import { loadMnistDigits } from '../data/mnist-digits.js';
import type { ClassificationDataset } from '../data/types.js';
import { getBackend, setBackend } from '../kernels/backend.js';
import { loadWasmBackend } from '../kernels/wasm/index.js';
import { getThreads, setThreads } from '../kernels/wasm/threads.js';
import type { Model } from '../nn/model.js';
import { Adam } from '../nn/optimizers.js';
import { lenet5, mlp } from '../nn/zoo.js';
import { matmul, Random, Tensor } from '../tensor/index.js';
import { runThreadsBench, type ThreadsBench } from './threads.js';
import { bestMs } from './timing.js';
import { TORCH_PYTHON, torchAvailable } from './torch-anchor.js';

type TF = typeof import('@tensorflow/tfjs');

export interface TrainingBenchOptions {
  /** A few minutes: LeNet on a slice, fewer repeats (default). */
  readonly quick?: boolean;
  /** The whole study: ten LeNet epochs for ours and PyTorch, with test accuracies. */
  readonly full?: boolean;
  /** Where progress lines go. */
  readonly progress?: (line: string) => void;
}

/** GFLOP/s of C = A·B for n×n float32 matrices. */
export interface GemmRow {
  readonly ours: number;
  readonly torch: number | null;
}

export interface MlpRow {
  /** Ours on one thread, as PyTorch runs. */
  readonly ours_s: number;
  /** Ours as the library runs by default: large GEMMs split over training_setup.threads threads (absent before threads were used). */
  readonly ours_threads_s?: number;
  readonly torch_s: number | null;
  readonly tfjs_wasm_s: number | null;
  readonly tfjs_cpu_s: number | null;
  readonly ours_acc: number;
  readonly torch_acc: number | null;
}

export interface LeNetRow {
  /** Ours on one thread, as PyTorch runs. */
  readonly ours_s: number;
  /** Ours with the library's default threads (see MlpRow). */
  readonly ours_threads_s?: number;
  readonly torch_s: number | null;
  readonly tfjs_cpu_s: number | null;
  readonly ours_acc: number | null;
  readonly torch_acc: number | null;
  readonly peak_rss_mb: number;
}

export interface TrainingBench {
  readonly gemm: Readonly<Record<string, GemmRow>>;
  readonly mlp: MlpRow;
  readonly lenet: LeNetRow;
  /** SGEMM on 1 vs 2 threads (absent from results written before it was measured). */
  readonly threads?: ThreadsBench;
  /** How it was measured. */
  readonly training_setup: {
    readonly date: string;
    readonly mode: 'quick' | 'full';
    readonly backend: string;
    readonly cpu: string;
    readonly node: string;
    readonly torch_version: string | null;
    readonly tfjs_version: string | null;
    /** Threads of the ours_threads_s figures (setThreads' default on this machine). */
    readonly threads?: number;
    /** Samples per MLP epoch, epochs timed (the best is reported). */
    readonly mlp_samples: number;
    readonly mlp_epochs: number;
    /** LeNet: samples actually timed per epoch (60,000 unless extrapolated from a slice). */
    readonly lenet_samples: number;
    readonly lenet_epochs: number;
    readonly tfjs_lenet_samples: number;
    readonly tfjs_mlp_samples: number;
  };
}

export const GEMM_SIZES = [64, 128, 256, 512, 1024] as const;
const MLP_TRAIN = 8000;
const MLP_TEST = 2000;
const LENET_EPOCH = 60000;

/** bench/anchors/ sits two levels above both src/bench and dist/bench. */
function anchorPath(name: string): string {
  return fileURLToPath(new URL(`../../bench/anchors/${name}`, import.meta.url));
}

/** Runs one PyTorch anchor script single-threaded; its stdout lines parsed as JSON. */
function runAnchor(script: string, args: readonly string[]): unknown[] {
  const r = spawnSync(TORCH_PYTHON, [anchorPath(script), ...args, '--threads', '1'], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) {
    throw new Error(`the PyTorch anchor ${script} failed (exit ${r.status}): ${r.stderr.trim()}`);
  }
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return round(process.resourceUsage().maxRSS / 1024, 1);
}

// ---- GEMM ----

/** n×n products through matmul, on one thread (the threads part compares two). */
function benchGemm(quick: boolean): Record<string, number> {
  return onThreads(1, () => benchGemmHere(quick));
}

/** fn() with setThreads(n), then the setting as it was. */
function onThreads<T>(n: number, fn: () => T): T {
  const before = getThreads();
  setThreads(n);
  try {
    return fn();
  } finally {
    setThreads(before);
  }
}

/** The same for an async fn. */
async function onThreadsAsync<T>(n: number, fn: () => Promise<T>): Promise<T> {
  const before = getThreads();
  setThreads(n);
  try {
    return await fn();
  } finally {
    setThreads(before);
  }
}

function benchGemmHere(quick: boolean): Record<string, number> {
  const rng = new Random(0);
  const out: Record<string, number> = {};
  const square = (n: number): Tensor => {
    const a = new Float32Array(n * n);
    for (let i = 0; i < a.length; i++) a[i] = rng.uniform(-0.5, 0.5);
    return new Tensor(a, [n, n]);
  };
  // The engine compiles wasm in tiers: enough work first that the optimised code runs.
  const w = square(256);
  for (let i = 0; i < 20; i++) matmul(w, w);
  for (const n of GEMM_SIZES) {
    const a = square(n);
    const b = square(n);
    const ms = bestMs(() => void matmul(a, b), {
      min: 5,
      max: 2000,
      budgetMs: quick ? 300 : 1000,
    });
    out[String(n)] = round((2 * n ** 3) / ms / 1e6, 2);
  }
  return out;
}

// ---- models and data ----

function tensorOf(ds: ClassificationDataset): Tensor {
  return new Tensor(ds.x, ds.xShape);
}

function sliceDataset(ds: ClassificationDataset, n: number): ClassificationDataset {
  const per = ds.xShape.slice(1).reduce((a, b) => a * b, 1);
  return {
    ...ds,
    x: ds.x.subarray(0, n * per),
    xShape: [n, ...ds.xShape.slice(1)],
    y: ds.y.subarray(0, n),
  };
}

function compileAdam(m: Model): void {
  m.compile({
    optimizer: new Adam({ learningRate: 1e-3 }),
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
  });
}

/** Trains one epoch per call and returns the seconds of each. */
async function timedEpochs(
  m: Model,
  train: ClassificationDataset,
  batchSize: number,
  epochs: number,
  seed: number,
): Promise<number[]> {
  const x = tensorOf(train);
  const seconds: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const start = performance.now();
    await m.fit(x, train.y, { batchSize, epochs: 1, verbose: 0, seed: seed + e });
    seconds.push((performance.now() - start) / 1000);
  }
  return seconds;
}

function accuracy(m: Model, test: ClassificationDataset): number {
  const r = m.evaluate(tensorOf(test), test.y, { batchSize: 1000 });
  return round(r['accuracy'] ?? Number.NaN, 4);
}

// ---- TensorFlow.js ----

async function loadTf(): Promise<TF | undefined> {
  try {
    const tf = await import('@tensorflow/tfjs');
    tf.enableProdMode();
    return tf;
  } catch {
    return undefined;
  }
}

/** Selects a TF.js backend; false when it cannot be loaded (the WASM package is optional). */
async function useTfBackend(tf: TF, name: 'cpu' | 'wasm'): Promise<boolean> {
  if (name === 'wasm') {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
    } catch {
      return false;
    }
  }
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

function tfMlp(tf: TF) {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 64, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

function tfLeNet(tf: TF) {
  const conv = (filters: number, first: boolean) =>
    tf.layers.conv2d({
      ...(first ? { inputShape: [28, 28, 1] } : {}),
      filters,
      kernelSize: 5,
      padding: 'same',
      activation: 'relu',
    });
  const m = tf.sequential({
    layers: [
      conv(6, true),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(16, false),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(120, false),
      tf.layers.flatten(),
      tf.layers.dense({ units: 84, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

/**
 * Seconds per epoch of `epochSamples` for a TF.js model timed on the first
 * `n` samples (one warm-up batch first, so kernel set-up is not counted).
 */
async function tfEpochSeconds(
  tf: TF,
  build: (tf: TF) => ReturnType<typeof tfMlp>,
  ds: ClassificationDataset,
  n: number,
  batchSize: number,
  epochSamples: number,
): Promise<number> {
  const m = build(tf);
  const part = sliceDataset(ds, n);
  const x = tf.tensor(part.x, part.xShape as number[]);
  const y = tf.tensor1d(Float32Array.from(part.y));
  const warmX = x.slice(0, Math.min(batchSize, n));
  const warmY = y.slice(0, Math.min(batchSize, n));
  await m.fit(warmX, warmY, { batchSize, epochs: 1, verbose: 0 });
  const start = performance.now();
  await m.fit(x, y, { batchSize, epochs: 1, verbose: 0, shuffle: true });
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([x, y, warmX, warmY]);
  m.dispose();
  return (seconds * epochSamples) / n;
}

// ---- the benchmark ----

export async function runTrainingBench(options: TrainingBenchOptions = {}): Promise<TrainingBench> {
  const full = options.full ?? false;
  const quick = !full;
  const say = options.progress ?? (() => undefined);
  const previous = getBackend().name;
  const wasm = await loadWasmBackend();
  if (wasm === undefined) {
    throw new Error('the training benchmark needs the wasm backend (WebAssembly SIMD)');
  }
  setBackend('wasm');
  const torch = torchAvailable();
  try {
    // GEMM.
    say('gemm: ours');
    const oursGemm = benchGemm(quick);
    let torchGemm: Record<string, number> | null = null;
    let torchVersion: string | null = null;
    if (torch) {
      say('gemm: PyTorch');
      const r = runAnchor('torch_gemm.py', [
        '--sizes',
        GEMM_SIZES.join(','),
        '--budget',
        quick ? '0.3' : '1',
      ])[0] as { torch: string; gemm: Record<string, number> };
      torchGemm = r.gemm;
      torchVersion = r.torch;
    }
    const gemm: Record<string, GemmRow> = {};
    for (const n of GEMM_SIZES) {
      gemm[String(n)] = { ours: oursGemm[String(n)]!, torch: torchGemm?.[String(n)] ?? null };
    }

    // LeNet-5 first, so that the peak RSS is ours (TensorFlow.js comes later).
    const fashion = loadFashionMnist();
    const lenetEpochs = full ? 10 : 1;
    const lenetSamples = full ? LENET_EPOCH : 2048;
    const threadCount = getThreads();
    say(
      `lenet: ours, ${lenetEpochs} epoch(s) of ${lenetSamples} samples on ${threadCount} thread(s)`,
    );
    const net = lenet5({ inputShape: [28, 28, 1], seed: 0 });
    compileAdam(net);
    // One batch untimed: the wasm code is compiled in tiers, the first calls run unoptimised.
    await timedEpochs(net, sliceDataset(fashion.train, 256), 256, 1, 99);
    // Threads change no result (the split products are bit-identical): the accuracy is the same.
    const lenetThreadSeconds = await timedEpochs(
      net,
      sliceDataset(fashion.train, lenetSamples),
      256,
      lenetEpochs,
      0,
    );
    const oursLenetThreadsS = (Math.min(...lenetThreadSeconds) * LENET_EPOCH) / lenetSamples;
    const oursLenetAcc = full ? accuracy(net, fashion.test) : null;
    say(`lenet: ours, 1 epoch of ${lenetSamples} samples on 1 thread`);
    const lenetSeconds = await onThreadsAsync(1, () =>
      timedEpochs(net, sliceDataset(fashion.train, lenetSamples), 256, 1, 100),
    );
    const oursLenetS = (Math.min(...lenetSeconds) * LENET_EPOCH) / lenetSamples;

    const rss = peakRssMb();
    let torchLenetS: number | null = null;
    let torchLenetAcc: number | null = null;
    if (torch) {
      say(`lenet: PyTorch, ${lenetEpochs} epoch(s)`);
      const lines = runAnchor('torch_lenet.py', [
        '--epochs',
        String(lenetEpochs),
        ...(full ? [] : ['--limit', String(lenetSamples)]),
      ]) as { seconds: number; test_acc: number; train_samples: number }[];
      torchLenetS = (Math.min(...lines.map((l) => l.seconds)) * LENET_EPOCH) / lenetSamples;
      torchLenetAcc = full ? (lines.at(-1)?.test_acc ?? null) : null;
    }

    // MLP on the mnist package's digits.
    const digits = loadMnistDigits({ train: MLP_TRAIN, test: MLP_TEST, seed: 0 });
    const mlpEpochs = full ? 5 : 3;
    say(`mlp: ours, ${mlpEpochs} epochs`);
    const small = mlp({ inputShape: [784], hidden: [128, 64], outputs: 10, seed: 0 });
    compileAdam(small);
    const flat = (ds: ClassificationDataset): ClassificationDataset => ({
      ...ds,
      xShape: [ds.xShape[0]!, 784],
    });
    const mlpSeconds = await onThreadsAsync(1, () =>
      timedEpochs(small, flat(digits.train), 64, mlpEpochs, 0),
    );
    const oursMlpS = Math.min(...mlpSeconds);
    const oursMlpAcc = accuracy(small, flat(digits.test));
    say(`mlp: ours, ${mlpEpochs} more epochs on ${threadCount} thread(s)`);
    const oursMlpThreadsS = Math.min(
      ...(await timedEpochs(small, flat(digits.train), 64, mlpEpochs, mlpEpochs)),
    );
    let torchMlpS: number | null = null;
    let torchMlpAcc: number | null = null;
    if (torch) {
      say('mlp: PyTorch (on the same samples)');
      const dir = mkdtempSync(join(tmpdir(), 'actlab-bench-'));
      try {
        const rows = (ds: ClassificationDataset) =>
          Array.from({ length: ds.xShape[0]! }, (_, i) =>
            Array.from(ds.x.subarray(i * 784, (i + 1) * 784)),
          );
        const file = join(dir, 'digits.json');
        writeFileSync(
          file,
          JSON.stringify({
            x: rows(digits.train),
            y: Array.from(digits.train.y),
            xt: rows(digits.test),
            yt: Array.from(digits.test.y),
          }),
        );
        const r = runAnchor('torch_mlp.py', [file, '--epochs', String(mlpEpochs)])[0] as {
          best_epoch_seconds: number;
          test_acc: number;
        };
        torchMlpS = r.best_epoch_seconds;
        torchMlpAcc = r.test_acc;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }

    // Threads: after the peak RSS was read (workers have their own heaps) and before TensorFlow.js.
    say('threads: SGEMM on 1 vs 2 threads');
    const threads = await runThreadsBench({ quick });

    // TensorFlow.js.
    const tf = await loadTf();
    let tfjsWasmS: number | null = null;
    let tfjsCpuS: number | null = null;
    let tfjsLenetS: number | null = null;
    const tfMlpSamples = quick ? 2048 : MLP_TRAIN;
    const tfLenetSamples = quick ? 32 : 512;
    if (tf !== undefined) {
      const mlpTrain = flat(digits.train);
      if (await useTfBackend(tf, 'wasm')) {
        say('mlp: TensorFlow.js wasm');
        tfjsWasmS = await tfEpochSeconds(tf, tfMlp, mlpTrain, tfMlpSamples, 64, MLP_TRAIN);
      }
      if (await useTfBackend(tf, 'cpu')) {
        say('mlp: TensorFlow.js cpu');
        tfjsCpuS = await tfEpochSeconds(tf, tfMlp, mlpTrain, tfMlpSamples, 64, MLP_TRAIN);
        say(`lenet: TensorFlow.js cpu on ${tfLenetSamples} samples (extrapolated)`);
        tfjsLenetS = await tfEpochSeconds(
          tf,
          tfLeNet,
          fashion.train,
          tfLenetSamples,
          Math.min(256, tfLenetSamples),
          LENET_EPOCH,
        );
      }
    }

    const r3 = (v: number | null) => (v === null ? null : round(v, 3));
    return {
      gemm,
      mlp: {
        ours_s: round(oursMlpS, 3),
        ours_threads_s: round(oursMlpThreadsS, 3),
        torch_s: r3(torchMlpS),
        tfjs_wasm_s: r3(tfjsWasmS),
        tfjs_cpu_s: r3(tfjsCpuS),
        ours_acc: oursMlpAcc,
        torch_acc: torchMlpAcc,
      },
      lenet: {
        ours_s: round(oursLenetS, 2),
        ours_threads_s: round(oursLenetThreadsS, 2),
        torch_s: r3(torchLenetS),
        tfjs_cpu_s: tfjsLenetS === null ? null : round(tfjsLenetS, 0),
        ours_acc: oursLenetAcc,
        torch_acc: torchLenetAcc,
        peak_rss_mb: rss,
      },
      threads,
      training_setup: {
        date: new Date().toISOString(),
        mode: full ? 'full' : 'quick',
        backend: 'wasm',
        cpu: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        torch_version: torchVersion,
        tfjs_version: tf?.version.tfjs ?? null,
        threads: threadCount,
        mlp_samples: MLP_TRAIN,
        mlp_epochs: mlpEpochs,
        lenet_samples: lenetSamples,
        lenet_epochs: lenetEpochs,
        tfjs_lenet_samples: tf === undefined ? 0 : tfLenetSamples,
        tfjs_mlp_samples: tf === undefined ? 0 : tfMlpSamples,
      },
    };
  } finally {
    setBackend(previous);
  }
}
