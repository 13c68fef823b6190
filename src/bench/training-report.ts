/**
 * How the training benchmark reads: its section of docs/BENCHMARKS.md, the
 * rows of its terminal tables and the goal lines.
 */
import { threadsMarkdown } from './threads-report.js';
import type { TrainingBench } from './training.js';

function fmt(v: number | null, digits: number): string {
  return v === null ? '—' : v.toFixed(digits);
}

/** a / b as "1.23×", or — when either is missing. */
function times(a: number | null, b: number | null): string {
  return a === null || b === null || b <= 0 ? '—' : `${(a / b).toFixed(2)}×`;
}

/** The rows of the three tables: [label, ours, anchor, ratio...] as text. */
export function trainingRows(b: TrainingBench): {
  gemm: string[][];
  mlp: string[][];
  lenet: string[][];
} {
  const gemm = Object.entries(b.gemm).map(([n, r]) => [
    n,
    fmt(r.ours, 1),
    fmt(r.torch, 1),
    times(r.ours, r.torch),
  ]);
  const m = b.mlp;
  const l = b.lenet;
  const n = b.training_setup.threads;
  /** The row of ours with the default threads, in results that have it. */
  const threaded = (s: number | undefined, ours: number, digits: number, acc: string) =>
    s === undefined || n === undefined
      ? []
      : [[`ours (wasm, ${n} threads)`, fmt(s, digits), acc, times(s, ours)]];
  const mlp = [
    ['ours (wasm)', fmt(m.ours_s, 3), fmt(m.ours_acc, 4), '1.00×'],
    ...threaded(m.ours_threads_s, m.ours_s, 3, '—'),
    ['PyTorch', fmt(m.torch_s, 3), fmt(m.torch_acc, 4), times(m.torch_s, m.ours_s)],
    ['TensorFlow.js wasm', fmt(m.tfjs_wasm_s, 3), '—', times(m.tfjs_wasm_s, m.ours_s)],
    ['TensorFlow.js cpu', fmt(m.tfjs_cpu_s, 3), '—', times(m.tfjs_cpu_s, m.ours_s)],
  ];
  const lenet = [
    ['ours (wasm)', fmt(l.ours_s, 1), fmt(l.ours_acc, 4), '1.00×'],
    ...threaded(l.ours_threads_s, l.ours_s, 1, fmt(l.ours_acc, 4)),
    ['PyTorch', fmt(l.torch_s, 1), fmt(l.torch_acc, 4), times(l.torch_s, l.ours_s)],
    ['TensorFlow.js cpu', fmt(l.tfjs_cpu_s, 0), '—', times(l.tfjs_cpu_s, l.ours_s)],
  ];
  return { gemm, mlp, lenet };
}

function table(headers: string[], rows: string[][]): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `|---|${headers
      .slice(1)
      .map(() => '--:')
      .join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

/** Goal lines: each figure against the project's goal (docs of the training issue). */
export function trainingGoals(b: TrainingBench): string[] {
  const g512 = b.gemm['512']?.ours ?? null;
  const l = b.lenet;
  const m = b.mlp;
  const check = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? 'met' : 'NOT met');
  const ratio = (a: number | null, c: number | null) => (a === null || c === null ? null : a / c);
  const mlpVsTorch = ratio(m.ours_s, m.torch_s);
  const mlpVsTf = ratio(m.tfjs_wasm_s, m.ours_s);
  const lenetVsTorch = ratio(l.ours_s, l.torch_s);
  const lenetVsTf = ratio(l.tfjs_cpu_s, l.ours_s);
  const accGap = l.ours_acc === null || l.torch_acc === null ? null : l.ours_acc - l.torch_acc;
  const x = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}×`);
  return [
    `- SGEMM 512, one thread: ${fmt(g512, 1)} GFLOP/s (goal >= 30): ${check(g512 === null ? null : g512 >= 30)}`,
    `- MLP epoch: ${x(mlpVsTorch)} PyTorch's time (goal <= 2×): ${check(mlpVsTorch === null ? null : mlpVsTorch <= 2)}; ${x(mlpVsTf)} faster than TensorFlow.js wasm (goal >= 10×): ${check(mlpVsTf === null ? null : mlpVsTf >= 10)}`,
    `- LeNet-5 epoch: ${x(lenetVsTorch)} PyTorch's time (goal <= 3×): ${check(lenetVsTorch === null ? null : lenetVsTorch <= 3)}; ${x(lenetVsTf)} faster than TensorFlow.js cpu (goal >= 100×): ${check(lenetVsTf === null ? null : lenetVsTf >= 100)}; peak RSS ${l.peak_rss_mb} MB (goal < 1024): ${check(l.peak_rss_mb < 1024)}`,
    `- LeNet-5 test accuracy after ${b.training_setup.lenet_epochs} epoch(s): ours ${fmt(l.ours_acc, 4)}, PyTorch ${fmt(l.torch_acc, 4)} (goal >= PyTorch − 0.01): ${check(accGap === null ? null : accGap >= -0.01)}`,
  ];
}

/** The "Training" section of docs/BENCHMARKS.md. */
export function trainingMarkdown(b: TrainingBench): string {
  const s = b.training_setup;
  const rows = trainingRows(b);
  const threadsNote =
    s.threads === undefined
      ? ''
      : `; the "${s.threads} threads" rows are the library's default on this machine, large GEMMs split between threads (bit-identical results, so the same accuracy)`;
  const lenetHow =
    s.lenet_samples === 60000
      ? `${s.lenet_epochs} epochs of 60,000 samples (fastest epoch reported; accuracy on the 10,000 test images after the last)`
      : `timed on the first ${s.lenet_samples.toLocaleString('en-US')} samples and extrapolated to 60,000 (PyTorch the same way)`;
  return [
    '## Training',
    '',
    `${s.mode} run of ${s.date.slice(0, 10)} on ${s.cpu}, Node ${s.node}, PyTorch ${s.torch_version ?? 'not installed'} (1 thread, \`bench/anchors/torch_*.py\`), TensorFlow.js ${s.tfjs_version ?? 'not installed'}. Ours is the ${s.backend} backend through the public API (\`matmul\`, \`Sequential.fit\`), on one thread like PyTorch${threadsNote}.`,
    '',
    ...trainingGoals(b),
    '',
    '### SGEMM, C = A·B, n×n float32 (GFLOP/s, best of N)',
    '',
    ...table(['n', 'ours', 'PyTorch', 'ours / PyTorch'], rows.gemm),
    '',
    `### MLP 784-128-64-10 relu, Adam 1e-3, batch 64, ${s.mlp_samples.toLocaleString('en-US')} \`mnist\`-package digits (seconds per epoch, fastest of ${s.mlp_epochs})`,
    '',
    `TensorFlow.js is timed on ${s.tfjs_mlp_samples.toLocaleString('en-US')} of the samples and extrapolated. PyTorch trains on the very same samples (exported to its anchor script).`,
    '',
    ...table(['', 'seconds / epoch', 'test accuracy', 'time / ours'], rows.mlp),
    '',
    `### LeNet-5 on Fashion-MNIST, relu, Adam 1e-3, batch 256 (seconds per 60,000-sample epoch)`,
    '',
    `Ours and PyTorch: ${lenetHow}. TensorFlow.js cpu: timed on ${s.tfjs_lenet_samples} samples and extrapolated (its wasm backend cannot train convolutions). Peak RSS is this process's after our training.`,
    '',
    ...table(['', 'seconds / epoch', 'test accuracy', 'time / ours'], rows.lenet),
    '',
    // Results files from before the threads measurement have no such part.
    ...(b.threads === undefined ? [] : threadsMarkdown(b.threads)),
  ].join('\n');
}
