/**
 * The training worker: it owns one Trainer and runs batches in slices of a
 * few milliseconds, so that pause, step and new hyper-parameters are read
 * between slices, and it posts a snapshot at most every `snapshotMs` while
 * playing (the page draws at that rate, whatever the step rate is).
 */
import type { CurvePoint, FromWorker, RunOptions, Snapshot, ToWorker } from './protocol.js';
import { Trainer } from './trainer.js';

/** Time spent stepping before the worker looks at its messages again. */
const SLICE_MS = 12;

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

let trainer: Trainer | null = null;
let options: RunOptions = { gridSize: 0, stopAt: 0, snapshotMs: 100, lossEvery: 10 };
/** Curve points measured since the last snapshot. */
let curve: CurvePoint[] = [];
let playing = false;
let timer: ReturnType<typeof setTimeout> | undefined;
let lastSnapshot = 0;
/** (time, steps) pairs of the last second, for the step rate. */
let rateWindow: [number, number][] = [];
/** Step-rate cap (steps per second, 0: as fast as it goes), and the (time, steps) it counts from. */
let speed = 0;
let paceFrom: [number, number] = [0, 0];

function stepsPerSecond(): number {
  if (!playing || rateWindow.length < 2) return 0;
  const [t0, s0] = rateWindow[0]!;
  const [t1, s1] = rateWindow[rateWindow.length - 1]!;
  return t1 > t0 ? ((s1 - s0) * 1000) / (t1 - t0) : 0;
}

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function snapshot(): void {
  if (trainer === null) return;
  const losses = trainer.losses();
  if (curve.at(-1)?.step !== trainer.steps)
    curve.push({
      step: trainer.steps,
      train: losses.train,
      test: losses.test,
      grads: trainer.takeGradNorms(),
    });
  const grid = options.gridSize > 0 ? trainer.grid(options.gridSize) : null;
  const message: Snapshot = {
    type: 'snapshot',
    steps: trainer.steps,
    playing,
    losses,
    curve,
    stepsPerSecond: stepsPerSecond(),
    dead: trainer.deadUnits(),
    grid,
  };
  const transfer = grid === null ? [] : [grid.output.buffer, ...grid.units.map((u) => u.buffer)];
  post(message, transfer as Transferable[]);
  curve = [];
  lastSnapshot = performance.now();
}

/** One batch, and a point of the loss curves when the step count says so. */
function stepOnce(): void {
  if (trainer === null) return;
  trainer.step();
  if (trainer.steps % options.lossEvery === 0) {
    const l = trainer.losses();
    curve.push({
      step: trainer.steps,
      train: l.train,
      test: l.test,
      grads: trainer.takeGradNorms(),
    });
  }
}

function atStop(): boolean {
  return trainer !== null && options.stopAt > 0 && trainer.steps >= options.stopAt;
}

function loop(): void {
  timer = undefined;
  try {
    run();
  } catch (err) {
    fail(err);
  }
}

function run(): void {
  if (!playing || trainer === null) return;
  const start = performance.now();
  let now = start;
  // With a cap, only the steps the elapsed time allows; the next slice comes a little later.
  const allowed =
    speed > 0 ? paceFrom[1] + Math.floor(((start - paceFrom[0]) * speed) / 1000) : Infinity;
  while (now - start < SLICE_MS && !atStop() && trainer.steps < allowed) {
    stepOnce();
    now = performance.now();
  }
  rateWindow.push([now, trainer.steps]);
  while (rateWindow.length > 2 && now - rateWindow[0]![0] > 1000) rateWindow.shift();
  if (atStop()) {
    playing = false;
    snapshot();
    return;
  }
  if (now - lastSnapshot >= options.snapshotMs) snapshot();
  timer = setTimeout(loop, speed > 0 ? 4 : 0);
}

function fail(e: unknown): void {
  playing = false;
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}

scope.onmessage = (e) => {
  const m = e.data;
  try {
    switch (m.type) {
      case 'start': {
        playing = false;
        trainer = new Trainer(m.config, m.hyper);
        options = m.options;
        curve = [];
        const { train, test } = trainer.points;
        post({
          type: 'points',
          train: { x: train.x, y: train.y },
          test: { x: test.x, y: test.y },
        });
        snapshot();
        break;
      }
      case 'hyper':
        trainer?.setHyper(m.hyper);
        break;
      case 'speed':
        speed = m.stepsPerSecond;
        if (trainer !== null) paceFrom = [performance.now(), trainer.steps];
        break;
      case 'stopAt':
        options = { ...options, stopAt: m.steps };
        break;
      case 'play':
        if (trainer === null || playing || atStop()) break;
        playing = true;
        rateWindow = [[performance.now(), trainer.steps]];
        paceFrom = [performance.now(), trainer.steps];
        if (timer === undefined) timer = setTimeout(loop, 0);
        break;
      case 'pause':
        playing = false;
        snapshot();
        break;
      case 'step':
        if (trainer === null) break;
        playing = false;
        stepOnce();
        snapshot();
        break;
    }
  } catch (err) {
    fail(err);
  }
};
