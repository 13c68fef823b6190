/** The page's side of a training worker. */
import type { FromWorker, ToWorker } from './protocol.js';

export class TrainingClient {
  private readonly worker: Worker;

  constructor(onMessage: (m: FromWorker) => void) {
    // Written out in full so that Vite sees the worker and bundles it as its own file.
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      onMessage({ type: 'error', message: e.message || 'the training worker failed to start' });
    };
  }

  send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  terminate(): void {
    this.worker.terminate();
  }
}
