/**
 * How the threads measurement reads: its table rows, the one-line conclusion
 * computed from the figures, and its part of docs/BENCHMARKS.md.
 */
import type { ThreadsBench, ThreadsRow } from './threads.js';

/** A two-thread figure counts as a help from this speed-up on. */
const MEASURABLE = 1.1;

/** Other processes' load (cores) from which the second core was not free for the measurement. */
const BUSY = 0.25;

/** Speed-up of two threads over one: a rate (GFLOP/s) or, with `time`, a duration. */
function speedup(r: ThreadsRow, time = false): number {
  return time ? r.one / r.two : r.two / r.one;
}

const x = (v: number) => `${v.toFixed(2)}×`;

/** "a", "a and b", "a, b and c". */
function and(items: readonly string[]): string {
  return items.length < 2
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** Rows [work, 1 thread, 2 threads, 2 threads / 1 thread] as text. */
export function threadsRows(t: ThreadsBench): string[][] {
  const line = (label: string, r: ThreadsRow, digits: number, time = false) => [
    label,
    r.one.toFixed(digits),
    r.two.toFixed(digits),
    x(speedup(r, time)),
  ];
  const mlp = t.mlp_step_gemms.step_us;
  const conv = t.lenet_conv_gemms;
  const convName = conv.shapes[0]?.label.replace(/ forward$/, '') ?? 'conv';
  const convShape =
    conv.shapes[0] === undefined
      ? ''
      : ` ${conv.shapes[0].m}×${conv.shapes[0].k}·${conv.shapes[0].k}×${conv.shapes[0].n}`;
  const w = t.lenet_conv_whole_batch;
  return [
    ...Object.entries(t.gemm).map(([n, r]) => line(`SGEMM ${n}×${n} (GFLOP/s)`, r, 1)),
    line(`MLP step, its ${t.mlp_step_gemms.shapes.length} GEMMs (µs)`, mlp, 0, true),
    [
      `MLP step, 2 threads only for products ≥ ${t.large_mflop} MFLOP, as the backend splits (µs)`,
      mlp.one.toFixed(0),
      mlp.two_large.toFixed(0),
      x(mlp.one / mlp.two_large),
    ],
    line(`LeNet ${convName}:${convShape} and its 2 gradients (µs)`, conv.step_us, 0, true),
    line(`the same forward over the whole batch, ${w.m}×${w.k}·${w.k}×${w.n} (GFLOP/s)`, w, 1),
    line(`${t.tiny}×${t.tiny}×${t.tiny} product (µs per call)`, t.tiny_us, 2, true),
  ];
}

/** "2 threads (…): 1.8× at 512, …" and the verdict, from the figures. */
export function threadsConclusion(t: ThreadsBench): string {
  const sizes = Object.keys(t.gemm);
  const at = (n: string) => speedup(t.gemm[n]!);
  const largest = sizes.at(-1);
  const smallest = sizes[0];
  const mlpSteps = t.mlp_step_gemms.step_us;
  const mlpAll = speedup(mlpSteps, true);
  const mlpLarge = mlpSteps.one / mlpSteps.two_large;
  // The backend splits only the products that pay: judge the MLP by what it runs.
  const mlp = mlpLarge;
  const lenet = speedup(t.lenet_conv_gemms.step_us, true);
  // 512 (the size the goals speak of), the largest and the smallest, each once.
  const quoted = [...new Set(['512', largest, smallest])].filter(
    (n): n is string => n !== undefined && t.gemm[n] !== undefined,
  );
  const figures = [
    ...quoted.map((n) => `${x(at(n))} at ${n}`),
    `${x(mlpAll)} on the MLP step's GEMMs (${x(mlpLarge)} splitting only those of ${t.large_mflop} MFLOP or more)`,
    `${x(lenet)} on LeNet's largest conv GEMMs`,
    `${t.dispatch_us >= 0 ? '+' : ''}${t.dispatch_us.toFixed(0)} µs dispatch per call`,
  ];
  const verdicts: [string, number][] = [
    [`large products (${largest ?? '—'})`, largest === undefined ? 1 : at(largest)],
    ["LeNet's convolutions", lenet],
    ['the MLP step', mlp],
  ];
  const help = verdicts.filter(([, s]) => s >= MEASURABLE).map(([w]) => w);
  const rest = verdicts.filter(([, s]) => s < MEASURABLE).map(([w]) => w);
  const verdict =
    help.length === 0
      ? 'threads do not measurably help on this machine'
      : `threads measurably help ${and(help)}${rest.length > 0 ? `; not ${and(rest)}` : ''}`;
  const identical = t.identical ? '' : ' (results NOT bit-identical to one thread)';
  const busy =
    t.other_load >= BUSY
      ? ` (other processes kept ${t.other_load.toFixed(2)} cores busy meanwhile: rerun when idle)`
      : '';
  return `2 threads (the caller + 1 worker) vs 1 on ${t.cores} cores: ${figures.join(', ')} → ${verdict}${busy}${identical}.`;
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

export const THREADS_HEADERS = ['', '1 thread', '2 threads', '2 threads / 1'];

/** The "Threads" part of the training section. */
export function threadsMarkdown(t: ThreadsBench): string[] {
  return [
    '### Threads: SGEMM on 1 vs 2 threads (best of N, in the same run)',
    '',
    "The wasm backend's own threaded GEMM (src/kernels/wasm/threads.ts), which training uses: every thread runs its own instance of the kernels over one shared WebAssembly memory, operands resident in it (no copies), C cut into row or column blocks on whole tiles (never along k, so the result is bit-identical), the calling thread computing a block beside the worker and signalling and waiting with Atomics (no message per call). 1 thread is the same kernel on the calling thread alone. A timed run repeats a product for about a millisecond, so wake-ups are paid as often as a training step pays them. The last column is the speed-up (above 1 is faster).",
    '',
    ...table(THREADS_HEADERS, threadsRows(t)),
    '',
    `${t.cores} cores; other processes kept ${t.other_load.toFixed(2)} of them busy on average meanwhile. Dispatch: ${t.tiny_us.two.toFixed(1)} µs per call of the ${t.tiny}×${t.tiny}×${t.tiny} product split between 2 threads against ${t.tiny_us.one.toFixed(2)} µs on one thread; a postMessage round trip to a worker (what message-based dispatch would pay per call) costs ${t.post_message_us.toFixed(1)} µs. Every two-thread result was ${t.identical ? 'bit-identical to' : 'NOT bit-identical to'} the one-thread result.`,
    '',
    `**${threadsConclusion(t)}**`,
    '',
  ];
}
